/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SHEATH_TYPE_PLOT (sheath_plot_get_type ())

G_DECLARE_FINAL_TYPE (SheathPlot, sheath_plot, SHEATH, PLOT, GtkWidget)

GtkWidget *sheath_plot_new           (void);
void       sheath_plot_set_histogram (SheathPlot    *self,
                                      const double  *values,
                                      guint          n,
                                      const char    *x_label);
void       sheath_plot_set_scatter   (SheathPlot    *self,
                                      const double  *x,
                                      const double  *y,
                                      guint          n,
                                      const char    *x_label,
                                      const char    *y_label);
guint      sheath_plot_get_bins      (SheathPlot    *self);
void       sheath_plot_set_bins      (SheathPlot    *self,
                                      guint          bins);
gboolean   sheath_plot_export        (SheathPlot    *self,
                                      const char    *path,
                                      int            width,
                                      int            height,
                                      GError       **error);
double      sheath_plot_nice_step     (double             span,
                                       guint              ticks);

void        sheath_plot_clear_selected_bin (SheathPlot *self);

G_END_DECLS
