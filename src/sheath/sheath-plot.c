/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-plot"

#include "config.h"

#include <glib/gi18n.h>

#include <cairo-svg.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>

#include "sheath-plot.h"

/* A histogram or a scatter plot drawn with Cairo, the same drawing for the
 * screen and for PNG or SVG export. */

#define MARGIN_LEFT   58
#define MARGIN_RIGHT  14
#define MARGIN_TOP    14
#define MARGIN_BOTTOM 44

struct _SheathPlot
{
  GtkWidget  parent_instance;

  gboolean   scatter;
  GArray    *x;
  GArray    *y;
  char      *x_label;
  char      *y_label;
  guint      bins;
  gint       selected_bin;
};

G_DEFINE_FINAL_TYPE (SheathPlot, sheath_plot, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BINS,
  N_PROPS
};

enum {
  BIN_SELECTED,
  N_SIGNALS
};

static GParamSpec *properties [N_PROPS];
static guint signals [N_SIGNALS];

static void
range_of (GArray *a,
          double *lo,
          double *hi)
{
  *lo = G_MAXDOUBLE;
  *hi = -G_MAXDOUBLE;
  for (guint i = 0; i < a->len; i++)
    {
      double v = g_array_index (a, double, i);
      *lo = MIN (*lo, v);
      *hi = MAX (*hi, v);
    }
  if (a->len == 0)
    *lo = 0, *hi = 1;
  if (*hi <= *lo)
    *hi = *lo + 1;
}

/* A round step (1, 2 or 5 × 10^k) for about @ticks ticks over @span. */
double
sheath_plot_nice_step (double span,
                       guint  ticks)
{
  double raw = span / MAX (ticks, 1);
  double p = pow (10, floor (log10 (raw)));
  double f = raw / p;

  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

static void
histogram_range (SheathPlot *self,
                 double     *lo,
                 double     *hi)
{
  range_of (self->x, lo, hi);
  /* measurements are positive: start bins at a round number */
  *lo = MIN (*lo, 0) >= 0 ? 0 : *lo;
}

static void
draw_axis_ticks (cairo_t    *cr,
                 double      lo,
                 double      hi,
                 double      px0,
                 double      px1,
                 double      fixed,
                 gboolean    horizontal)
{
  double step = sheath_plot_nice_step (hi - lo, horizontal ? 6 : 5);

  for (double v = ceil (lo / step) * step; v <= hi + step * 1e-9; v += step)
    {
      double t = (v - lo) / (hi - lo);
      double p = horizontal ? px0 + t * (px1 - px0) : px0 - t * (px0 - px1);
      g_autofree char *text = g_strdup_printf ("%g", fabs (v) < step * 1e-9 ? 0 : v);
      cairo_text_extents_t ext;

      cairo_text_extents (cr, text, &ext);
      if (horizontal)
        {
          cairo_move_to (cr, p, fixed);
          cairo_line_to (cr, p, fixed + 4);
          cairo_stroke (cr);
          cairo_move_to (cr, p - ext.width / 2, fixed + 16);
        }
      else
        {
          cairo_move_to (cr, fixed - 4, p);
          cairo_line_to (cr, fixed, p);
          cairo_stroke (cr);
          cairo_move_to (cr, fixed - 8 - ext.width, p + ext.height / 2);
        }
      cairo_show_text (cr, text);
    }
}

static void
draw_plot (SheathPlot *self,
           cairo_t    *cr,
           int         width,
           int         height,
           GdkRGBA    *fg,
           GdkRGBA    *accent)
{
  double x0 = MARGIN_LEFT, x1 = width - MARGIN_RIGHT, y0 = height - MARGIN_BOTTOM, y1 = MARGIN_TOP;
  double lo, hi, ylo = 0, yhi = 1;
  g_autofree guint *counts = NULL;

  cairo_set_line_width (cr, 1);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 11);
  gdk_cairo_set_source_rgba (cr, fg);

  if (x1 <= x0 + 10 || y0 <= y1 + 10)
    return;

  if (self->x->len == 0)
    {
      cairo_move_to (cr, x0, (y0 + y1) / 2);
      cairo_show_text (cr, _ ("No axons measured"));
      return;
    }

  if (!self->scatter)
    {
      guint max = 1;

      histogram_range (self, &lo, &hi);
      counts = g_new0 (guint, self->bins);
      for (guint i = 0; i < self->x->len; i++)
        {
          double t = (g_array_index (self->x, double, i) - lo) / (hi - lo);
          counts[MIN ((guint) (t * self->bins), self->bins - 1)]++;
        }
      for (guint b = 0; b < self->bins; b++)
        max = MAX (max, counts[b]);
      /* the axis ends on a tick above the tallest bar, which is then
       * drawn whole, not cut by the frame */
      {
        double step = sheath_plot_nice_step (max * 1.05, 5);

        yhi = MAX (ceil (max * 1.05 / step) * step, max + 1);
      }

      for (guint b = 0; b < self->bins; b++)
        {
          double bx0 = x0 + (x1 - x0) * b / self->bins;
          double bx1 = x0 + (x1 - x0) * (b + 1) / self->bins;
          double by = y0 - (y0 - y1) * counts[b] / yhi;

          cairo_rectangle (cr, bx0 + 0.5, by, MAX (bx1 - bx0 - 1, 1), y0 - by);
          if ((gint) b == self->selected_bin)
            cairo_set_source_rgba (cr, 0.9, 0.6, 0.1, 0.95);
          else
            cairo_set_source_rgba (cr, accent->red, accent->green, accent->blue, 0.8);
          cairo_fill (cr);
        }
    }
  else
    {
      range_of (self->x, &lo, &hi);
      range_of (self->y, &ylo, &yhi);
      cairo_set_source_rgba (cr, accent->red, accent->green, accent->blue, 0.6);
      for (guint i = 0; i < self->x->len; i++)
        {
          double px = x0 + (g_array_index (self->x, double, i) - lo) / (hi - lo) * (x1 - x0);
          double py = y0 - (g_array_index (self->y, double, i) - ylo) / (yhi - ylo) * (y0 - y1);

          cairo_arc (cr, px, py, 2, 0, 2 * G_PI);
          cairo_fill (cr);
        }
    }

  gdk_cairo_set_source_rgba (cr, fg);
  cairo_move_to (cr, x0, y1);
  cairo_line_to (cr, x0, y0);
  cairo_line_to (cr, x1, y0);
  cairo_stroke (cr);
  draw_axis_ticks (cr, lo, hi, x0, x1, y0, TRUE);
  draw_axis_ticks (cr, ylo, yhi, y0, y1, x0, FALSE);

  {
    cairo_text_extents_t ext;
    const char *ylabel = self->scatter ? self->y_label : "axons";

    cairo_text_extents (cr, self->x_label ? self->x_label : "", &ext);
    cairo_move_to (cr, (x0 + x1 - ext.width) / 2, height - 8);
    cairo_show_text (cr, self->x_label ? self->x_label : "");
    cairo_save (cr);
    cairo_text_extents (cr, ylabel ? ylabel : "", &ext);
    cairo_move_to (cr, 14, (y0 + y1 + ext.width) / 2);
    cairo_rotate (cr, -G_PI / 2);
    cairo_show_text (cr, ylabel ? ylabel : "");
    cairo_restore (cr);
  }
}

static void
sheath_plot_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  SheathPlot *self = SHEATH_PLOT (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  GdkRGBA fg, accent = { 0.21, 0.52, 0.89, 1 };
  cairo_t *cr;

  /* gtk_widget_get_color() is GTK 4.10 */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw_plot (self, cr, width, height, &fg, &accent);
  cairo_destroy (cr);
}

static void
click_cb (GtkGestureClick *gesture,
          int              n_press,
          double           x,
          double           y,
          SheathPlot      *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  double lo, hi, t;
  guint bin;

  if (self->scatter || self->x->len == 0 || x < MARGIN_LEFT || x > width - MARGIN_RIGHT)
    return;
  histogram_range (self, &lo, &hi);
  t = (x - MARGIN_LEFT) / (width - MARGIN_RIGHT - MARGIN_LEFT);
  bin = MIN ((guint) (t * self->bins), self->bins - 1);
  self->selected_bin = (gint) bin == self->selected_bin ? -1 : (gint) bin;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->selected_bin >= 0)
    g_signal_emit (self, signals [BIN_SELECTED], 0,
                   lo + (hi - lo) * bin / self->bins, lo + (hi - lo) * (bin + 1) / self->bins);
  else
    g_signal_emit (self, signals [BIN_SELECTED], 0, 0.0, 0.0);
}

static void
sheath_plot_finalize (GObject *object)
{
  SheathPlot *self = (SheathPlot *)object;

  g_array_unref (self->x);
  g_array_unref (self->y);
  g_free (self->x_label);
  g_free (self->y_label);

  G_OBJECT_CLASS (sheath_plot_parent_class)->finalize (object);
}

static void
sheath_plot_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_BINS: g_value_set_uint (value, SHEATH_PLOT (object)->bins); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_plot_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_BINS: sheath_plot_set_bins (SHEATH_PLOT (object), g_value_get_uint (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_plot_class_init (SheathPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sheath_plot_finalize;
  object_class->get_property = sheath_plot_get_property;
  object_class->set_property = sheath_plot_set_property;
  widget_class->snapshot = sheath_plot_snapshot;

  properties [PROP_BINS] = g_param_spec_uint ("bins", NULL, NULL, 2, 200, 20,
                                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SheathPlot::bin-selected:
   * @lo: the bin's lower edge
   * @hi: its upper edge; both 0 when the selection is cleared
   */
  signals [BIN_SELECTED] =
    g_signal_new ("bin-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  gtk_widget_class_set_css_name (widget_class, "sheath-plot");
}

static void
sheath_plot_init (SheathPlot *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  self->x = g_array_new (FALSE, FALSE, sizeof (double));
  self->y = g_array_new (FALSE, FALSE, sizeof (double));
  self->bins = 20;
  self->selected_bin = -1;
  gtk_widget_set_size_request (GTK_WIDGET (self), 260, 120);
  g_signal_connect (click, "pressed", G_CALLBACK (click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
sheath_plot_new (void)
{
  return g_object_new (SHEATH_TYPE_PLOT, NULL);
}

void
sheath_plot_set_histogram (SheathPlot   *self,
                           const double *values,
                           guint         n,
                           const char   *x_label)
{
  g_return_if_fail (SHEATH_IS_PLOT (self));

  self->scatter = FALSE;
  g_array_set_size (self->x, 0);
  g_array_append_vals (self->x, values, n);
  g_free (self->x_label);
  self->x_label = g_strdup (x_label);
  self->selected_bin = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sheath_plot_set_scatter (SheathPlot   *self,
                         const double *x,
                         const double *y,
                         guint         n,
                         const char   *x_label,
                         const char   *y_label)
{
  g_return_if_fail (SHEATH_IS_PLOT (self));

  self->scatter = TRUE;
  g_array_set_size (self->x, 0);
  g_array_set_size (self->y, 0);
  g_array_append_vals (self->x, x, n);
  g_array_append_vals (self->y, y, n);
  g_free (self->x_label);
  g_free (self->y_label);
  self->x_label = g_strdup (x_label);
  self->y_label = g_strdup (y_label);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
sheath_plot_get_bins (SheathPlot *self)
{
  g_return_val_if_fail (SHEATH_IS_PLOT (self), 0);
  return self->bins;
}

void
sheath_plot_set_bins (SheathPlot *self,
                      guint       bins)
{
  g_return_if_fail (SHEATH_IS_PLOT (self));

  bins = CLAMP (bins, 2, 200);
  if (self->bins == bins)
    return;
  self->bins = bins;
  self->selected_bin = -1;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_BINS]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* PNG or SVG by the file's extension, drawn black on white. */
gboolean
sheath_plot_export (SheathPlot  *self,
                    const char  *path,
                    int          width,
                    int          height,
                    GError     **error)
{
  GdkRGBA fg = { 0, 0, 0, 1 }, accent = { 0.21, 0.52, 0.89, 1 };
  g_autofree char *tmp = g_strconcat (path, ".part", NULL);
  gboolean svg = g_str_has_suffix (path, ".svg");
  cairo_surface_t *surface = svg ? cairo_svg_surface_create (tmp, width, height)
                                 : cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);
  cairo_status_t status;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  draw_plot (self, cr, width, height, &fg, &accent);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  status = svg ? CAIRO_STATUS_SUCCESS : cairo_surface_write_to_png (surface, tmp);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS || g_rename (tmp, path) != 0)
    {
      g_unlink (tmp);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _ ("Cannot write '%s': %s"), path,
                   status != CAIRO_STATUS_SUCCESS ? cairo_status_to_string (status) : g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

/**
 * sheath_plot_clear_selected_bin:
 *
 * Shows no bin as selected (the filter it set was cleared elsewhere).
 */
void
sheath_plot_clear_selected_bin (SheathPlot *self)
{
  g_return_if_fail (SHEATH_IS_PLOT (self));
  if (self->selected_bin < 0)
    return;
  self->selected_bin = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
