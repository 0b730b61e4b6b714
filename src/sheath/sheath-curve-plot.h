/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SHEATH_TYPE_CURVE_PLOT (sheath_curve_plot_get_type ())

G_DECLARE_FINAL_TYPE (SheathCurvePlot, sheath_curve_plot, SHEATH, CURVE_PLOT, GtkWidget)

GtkWidget *sheath_curve_plot_new       (void);
void       sheath_curve_plot_clear     (SheathCurvePlot *self);
void       sheath_curve_plot_add_epoch (SheathCurvePlot *self,
                                        guint            epoch,
                                        double           loss,
                                        double           dice_axon,
                                        double           dice_myelin);
guint      sheath_curve_plot_get_n_epochs (SheathCurvePlot *self);
void       sheath_curve_plot_add_step     (SheathCurvePlot *self,
                                           double           position,
                                           double           loss);
guint      sheath_curve_plot_get_n_steps  (SheathCurvePlot *self);
void       sheath_curve_plot_copy         (SheathCurvePlot *self,
                                           SheathCurvePlot *from);

G_END_DECLS
