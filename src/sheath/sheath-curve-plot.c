/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-curve-plot"

#include "config.h"

#include <glib/gi18n.h>

#include <math.h>

#include "sheath-curve-plot.h"
#include "sheath-plot.h"

/* How training goes: the training loss against the left axis (step by
 * step as a thin line, each epoch's mean as a point), the validation Dice
 * of axon and myelin against the right one (0 to 1), drawn with Cairo. */

#define MARGIN_LEFT   52
#define MARGIN_RIGHT  52
#define MARGIN_TOP    28
#define MARGIN_BOTTOM 40

typedef struct
{
  guint  epoch;
  double loss;
  double dice_axon;
  double dice_myelin;
} Point;

struct _SheathCurvePlot
{
  GtkWidget  parent_instance;

  GArray    *points;
  GArray    *steps;     /* StepPoint: the loss before the epochs' ends */
};

typedef struct
{
  double position;      /* in epochs */
  double loss;
} StepPoint;

G_DEFINE_FINAL_TYPE (SheathCurvePlot, sheath_curve_plot, GTK_TYPE_WIDGET)

static void
draw_series (cairo_t         *cr,
             SheathCurvePlot *self,
             gsize            offset,
             double           lo,
             double           hi,
             double           x0,
             double           x1,
             double           y0,
             double           y1,
             guint            last_epoch)
{
  for (guint i = 0; i < self->points->len; i++)
    {
      const Point *p = &g_array_index (self->points, Point, i);
      double v = *(const double *) ((const char *) p + offset);
      double px = x0 + (x1 - x0) * p->epoch / MAX (last_epoch, 1);
      double py = y0 - (y0 - y1) * (v - lo) / (hi - lo);

      if (i == 0)
        cairo_move_to (cr, px, py);
      else
        cairo_line_to (cr, px, py);
    }
  cairo_stroke (cr);
  for (guint i = 0; i < self->points->len; i++)
    {
      const Point *p = &g_array_index (self->points, Point, i);
      double v = *(const double *) ((const char *) p + offset);

      cairo_arc (cr, x0 + (x1 - x0) * p->epoch / MAX (last_epoch, 1), y0 - (y0 - y1) * (v - lo) / (hi - lo),
                 2.5, 0, 2 * G_PI);
      cairo_fill (cr);
    }
}

static void
legend (cairo_t    *cr,
        double      x,
        double      y,
        const char *text,
        double      r,
        double      g,
        double      b)
{
  cairo_set_source_rgb (cr, r, g, b);
  cairo_rectangle (cr, x, y - 8, 14, 3);
  cairo_fill (cr);
  cairo_move_to (cr, x + 18, y - 3);
  cairo_show_text (cr, text);
}

static void
sheath_curve_plot_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  SheathCurvePlot *self = SHEATH_CURVE_PLOT (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  double x0 = MARGIN_LEFT, x1 = width - MARGIN_RIGHT, y0 = height - MARGIN_BOTTOM, y1 = MARGIN_TOP;
  double loss_hi = 0, step;
  guint last_epoch = 1;
  GdkRGBA fg;
  cairo_t *cr;

  if (width <= MARGIN_LEFT + MARGIN_RIGHT || height <= MARGIN_TOP + MARGIN_BOTTOM)
    return;
  /* gtk_widget_get_color() is GTK 4.10 */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);

  for (guint i = 0; i < self->points->len; i++)
    {
      const Point *p = &g_array_index (self->points, Point, i);
      loss_hi = MAX (loss_hi, p->loss);
      last_epoch = MAX (last_epoch, p->epoch);
    }
  for (guint i = 0; i < self->steps->len; i++)
    {
      const StepPoint *p = &g_array_index (self->steps, StepPoint, i);
      loss_hi = MAX (loss_hi, p->loss);
      last_epoch = MAX (last_epoch, (guint) ceil (p->position));
    }
  if (loss_hi <= 0)
    loss_hi = 1;
  step = sheath_plot_nice_step (loss_hi, 4);
  loss_hi = ceil (loss_hi / step) * step;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 11);
  cairo_set_line_width (cr, 1);
  gdk_cairo_set_source_rgba (cr, &fg);

  /* axes: loss on the left, Dice on the right, epochs along the bottom */
  cairo_move_to (cr, x0, y1);
  cairo_line_to (cr, x0, y0);
  cairo_line_to (cr, x1, y0);
  cairo_line_to (cr, x1, y1);
  cairo_stroke (cr);
  for (double v = 0; v <= loss_hi + step * 1e-9; v += step)
    {
      double py = y0 - (y0 - y1) * v / loss_hi;
      g_autofree char *text = g_strdup_printf ("%g", v);
      cairo_text_extents_t ext;

      cairo_text_extents (cr, text, &ext);
      cairo_move_to (cr, x0 - 4, py);
      cairo_line_to (cr, x0, py);
      cairo_stroke (cr);
      cairo_move_to (cr, x0 - 8 - ext.width, py + ext.height / 2);
      cairo_show_text (cr, text);
    }
  for (guint k = 0; k <= 4; k++)
    {
      double py = y0 - (y0 - y1) * k / 4.0;
      g_autofree char *text = g_strdup_printf ("%g", k / 4.0);
      cairo_text_extents_t ext;

      cairo_text_extents (cr, text, &ext);
      cairo_move_to (cr, x1, py);
      cairo_line_to (cr, x1 + 4, py);
      cairo_stroke (cr);
      cairo_move_to (cr, x1 + 8, py + ext.height / 2);
      cairo_show_text (cr, text);
    }
  step = sheath_plot_nice_step (last_epoch, 6);
  step = MAX (step, 1);
  for (double e = 0; e <= last_epoch + 1e-9; e += step)
    {
      double px = x0 + (x1 - x0) * e / last_epoch;
      g_autofree char *text = g_strdup_printf ("%g", e);
      cairo_text_extents_t ext;

      cairo_text_extents (cr, text, &ext);
      cairo_move_to (cr, px, y0);
      cairo_line_to (cr, px, y0 + 4);
      cairo_stroke (cr);
      cairo_move_to (cr, px - ext.width / 2, y0 + 16);
      cairo_show_text (cr, text);
    }
  cairo_move_to (cr, (x0 + x1) / 2 - 16, height - 6);
  cairo_show_text (cr, "epoch");

  /* the loss step by step, under the epochs' points */
  cairo_set_line_width (cr, 1);
  cairo_set_source_rgba (cr, 0.55, 0.55, 0.55, 0.8);
  for (guint i = 0; i < self->steps->len; i++)
    {
      const StepPoint *p = &g_array_index (self->steps, StepPoint, i);
      double px = x0 + (x1 - x0) * p->position / last_epoch;
      double py = y0 - (y0 - y1) * p->loss / loss_hi;

      if (i == 0)
        cairo_move_to (cr, px, py);
      else
        cairo_line_to (cr, px, py);
    }
  cairo_stroke (cr);

  cairo_set_line_width (cr, 2);
  cairo_set_source_rgb (cr, 0.55, 0.55, 0.55);
  draw_series (cr, self, G_STRUCT_OFFSET (Point, loss), 0, loss_hi, x0, x1, y0, y1, last_epoch);
  cairo_set_source_rgb (cr, 0.21, 0.52, 0.89);   /* axon blue, as in the overlay */
  draw_series (cr, self, G_STRUCT_OFFSET (Point, dice_axon), 0, 1, x0, x1, y0, y1, last_epoch);
  cairo_set_source_rgb (cr, 0.88, 0.11, 0.14);   /* myelin red */
  draw_series (cr, self, G_STRUCT_OFFSET (Point, dice_myelin), 0, 1, x0, x1, y0, y1, last_epoch);

  legend (cr, x0 + 8, 18, _ ("training loss (left axis)"), 0.55, 0.55, 0.55);
  legend (cr, x0 + 180, 18, _ ("validation Dice (right axis): axon"), 0.21, 0.52, 0.89);
  legend (cr, x0 + 400, 18, "myelin", 0.88, 0.11, 0.14);
  cairo_destroy (cr);
}

static void
sheath_curve_plot_finalize (GObject *object)
{
  g_array_unref (SHEATH_CURVE_PLOT (object)->points);
  g_array_unref (SHEATH_CURVE_PLOT (object)->steps);

  G_OBJECT_CLASS (sheath_curve_plot_parent_class)->finalize (object);
}

static void
sheath_curve_plot_class_init (SheathCurvePlotClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sheath_curve_plot_finalize;
  GTK_WIDGET_CLASS (klass)->snapshot = sheath_curve_plot_snapshot;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "sheath-curve-plot");
  gtk_widget_class_set_accessible_role (GTK_WIDGET_CLASS (klass), GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sheath_curve_plot_init (SheathCurvePlot *self)
{
  self->points = g_array_new (FALSE, FALSE, sizeof (Point));
  self->steps = g_array_new (FALSE, FALSE, sizeof (StepPoint));
  gtk_widget_set_size_request (GTK_WIDGET (self), 360, 220);
}

GtkWidget *
sheath_curve_plot_new (void)
{
  return g_object_new (SHEATH_TYPE_CURVE_PLOT, NULL);
}

void
sheath_curve_plot_clear (SheathCurvePlot *self)
{
  g_return_if_fail (SHEATH_IS_CURVE_PLOT (self));
  g_array_set_size (self->points, 0);
  g_array_set_size (self->steps, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * sheath_curve_plot_add_step:
 * @position: how far training is, in epochs
 * @loss: the training loss there
 */
void
sheath_curve_plot_add_step (SheathCurvePlot *self,
                            double           position,
                            double           loss)
{
  StepPoint p = { position, loss };

  g_return_if_fail (SHEATH_IS_CURVE_PLOT (self));
  if (!(loss >= 0) || !isfinite (loss))
    return;
  g_array_append_val (self->steps, p);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
sheath_curve_plot_get_n_steps (SheathCurvePlot *self)
{
  g_return_val_if_fail (SHEATH_IS_CURVE_PLOT (self), 0);
  return self->steps->len;
}

/**
 * sheath_curve_plot_copy:
 * @from: another curve
 *
 * Shows what @from shows (the finished run's curve on the last page).
 */
void
sheath_curve_plot_copy (SheathCurvePlot *self,
                        SheathCurvePlot *from)
{
  g_return_if_fail (SHEATH_IS_CURVE_PLOT (self));
  g_return_if_fail (SHEATH_IS_CURVE_PLOT (from));
  g_array_set_size (self->points, 0);
  g_array_append_vals (self->points, from->points->data, from->points->len);
  g_array_set_size (self->steps, 0);
  g_array_append_vals (self->steps, from->steps->data, from->steps->len);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sheath_curve_plot_add_epoch (SheathCurvePlot *self,
                             guint            epoch,
                             double           loss,
                             double           dice_axon,
                             double           dice_myelin)
{
  Point p = { epoch, loss, dice_axon, dice_myelin };

  g_return_if_fail (SHEATH_IS_CURVE_PLOT (self));
  g_array_append_val (self->points, p);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
sheath_curve_plot_get_n_epochs (SheathCurvePlot *self)
{
  g_return_val_if_fail (SHEATH_IS_CURVE_PLOT (self), 0);
  return self->points->len;
}
