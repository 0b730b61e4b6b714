/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* Plots the engine writes (a study's statistics, a model's agreement with
 * manual masks), drawn once with Cairo and written as PNG and SVG. */

typedef void (*SheathPlotDraw) (cairo_t  *cr,
                                gpointer  data);

gboolean _sheath_plot_write   (const char      *dir,
                               const char      *name,
                               int              width,
                               int              height,
                               SheathPlotDraw   draw,
                               gpointer         data,
                               GError         **error);
void     _sheath_plot_text_at (cairo_t         *cr,
                               double           x,
                               double           y,
                               double           align,
                               const char      *text);
void     _sheath_plot_colour  (cairo_t         *cr,
                               guint            index,
                               double           alpha);

G_END_DECLS
