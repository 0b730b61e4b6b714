/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-agreement"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "sheath-agreement-private.h"
#include "sheath-plot-file-private.h"

/* The agreement's plots, a panel per measure (diameter, thickness,
 * g-ratio) over the matched fibres: Bland–Altman (difference against
 * mean, with the bias, its 95 % confidence interval shaded, and the limits
 * of agreement) and predicted against
 * manual (with the identity line). */

#define PANEL  300
#define MARGIN 72
#define WIDTH  (3 * PANEL + 4 * MARGIN)
#define HEIGHT (PANEL + 2 * MARGIN)

typedef struct
{
  SheathAgreement *agreement;
  gboolean         bland_altman;
} Plot;

static const char *
measure_title (guint m)
{
  switch (m)
    {
    case SHEATH_AGREEMENT_DIAMETER: return _ ("axon diameter (µm)");
    case SHEATH_AGREEMENT_THICKNESS: return _ ("myelin thickness (µm)");
    case SHEATH_AGREEMENT_GRATIO:
    default: return _ ("g-ratio");
    }
}

static void
axis_labels (cairo_t *cr,
             double   x,
             double   y,
             double   lo,
             double   hi,
             gboolean vertical)
{
  cairo_set_font_size (cr, 9);
  cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
  for (guint t = 0; t <= 4; t++)
    {
      double v = lo + (hi - lo) * t / 4;
      g_autofree char *label = g_strdup_printf ("%.3g", v);

      if (vertical)
        _sheath_plot_text_at (cr, x - 4, y + PANEL - PANEL * t / 4.0 + 3, 1, label);
      else
        _sheath_plot_text_at (cr, x + PANEL * t / 4.0, y + PANEL + 12, 0.5, label);
    }
}

static void
draw_panel (cairo_t         *cr,
            SheathAgreement *agreement,
            guint            m,
            gboolean         bland_altman,
            double           x,
            double           y)
{
  GArray *pairs = agreement->pairs[m];
  guint n = pairs->len / 2;
  double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
  double bias = NAN, lower = NAN, upper = NAN, ci_lower = NAN, ci_upper = NAN;
  g_autofree char *title = NULL;

  sheath_agreement_get_bland_altman (agreement, m, &bias, &lower, &upper);
  sheath_agreement_get_bias_interval (agreement, m, &ci_lower, &ci_upper);
  for (guint i = 0; i < n; i++)
    {
      double p = g_array_index (pairs, double, 2 * i), t = g_array_index (pairs, double, 2 * i + 1);
      double px = bland_altman ? (p + t) / 2 : t, py = bland_altman ? p - t : p;

      xlo = MIN (xlo, px); xhi = MAX (xhi, px);
      ylo = MIN (ylo, py); yhi = MAX (yhi, py);
    }
  if (n == 0)
    xlo = ylo = 0, xhi = yhi = 1;
  if (bland_altman && isfinite (lower))
    {
      ylo = MIN (ylo, lower);
      yhi = MAX (yhi, upper);
    }
  if (!bland_altman)
    {
      /* the same scale on both axes, so that the identity is the diagonal */
      xlo = ylo = MIN (xlo, ylo);
      xhi = yhi = MAX (xhi, yhi);
    }
  if (xhi <= xlo)
    xhi = xlo + 1;
  if (yhi <= ylo)
    yhi = ylo + 1;
  {
    /* a little room, so that no point sits on the frame */
    double px = (xhi - xlo) / 20, py = (yhi - ylo) / 20;

    xlo -= px, xhi += px;
    ylo -= py, yhi += py;
  }

  cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, x + 0.5, y + 0.5, PANEL, PANEL);
  cairo_stroke (cr);
  cairo_set_font_size (cr, 11);
  title = bland_altman ? g_strdup_printf (_ ("%s: n %u, bias %.3g [%.3g, %.3g]"), measure_title (m), n, bias,
                                          lower, upper)
                       : g_strdup_printf (_ ("%s: n %u"), measure_title (m), n);
  _sheath_plot_text_at (cr, x + PANEL / 2.0, y - 8, 0.5, title);
  axis_labels (cr, x, y, xlo, xhi, FALSE);
  axis_labels (cr, x, y, ylo, yhi, TRUE);
  cairo_set_font_size (cr, 10);
  _sheath_plot_text_at (cr, x + PANEL / 2.0, y + PANEL + 28, 0.5,
                        bland_altman ? _ ("mean of predicted and manual") : _ ("manual"));
  cairo_save (cr);
  cairo_translate (cr, x - 50, y + PANEL / 2.0);
  cairo_rotate (cr, -G_PI / 2);
  _sheath_plot_text_at (cr, 0, 0, 0.5, bland_altman ? _ ("predicted − manual") : _ ("predicted"));
  cairo_restore (cr);

#define PX(v) (x + ((v) - xlo) / (xhi - xlo) * PANEL)
#define PY(v) (y + PANEL - ((v) - ylo) / (yhi - ylo) * PANEL)
  cairo_save (cr);
  cairo_rectangle (cr, x, y, PANEL, PANEL);
  cairo_clip (cr);
  _sheath_plot_colour (cr, 0, 0.35);
  for (guint i = 0; i < n; i++)
    {
      double p = g_array_index (pairs, double, 2 * i), t = g_array_index (pairs, double, 2 * i + 1);

      cairo_arc (cr, PX (bland_altman ? (p + t) / 2 : t), PY (bland_altman ? p - t : p), 1.6, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  _sheath_plot_colour (cr, 1, 1);
  if (bland_altman)
    {
      const double lines[] = { 0, bias, lower, upper };

      /* the bias's 95 % confidence interval, a band around it */
      if (isfinite (ci_lower) && isfinite (ci_upper))
        {
          _sheath_plot_colour (cr, 1, 0.15);
          cairo_rectangle (cr, x, PY (ci_upper), PANEL, PY (ci_lower) - PY (ci_upper));
          cairo_fill (cr);
        }

      for (guint k = 0; k < G_N_ELEMENTS (lines); k++)
        {
          if (!isfinite (lines[k]))
            continue;
          if (k == 0)
            cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
          else
            _sheath_plot_colour (cr, 1, 1);
          cairo_set_dash (cr, (const double[]) { 4, 3 }, k >= 2 ? 1 : 0, 0);
          cairo_move_to (cr, x, PY (lines[k]));
          cairo_line_to (cr, x + PANEL, PY (lines[k]));
          cairo_stroke (cr);
        }
      cairo_set_dash (cr, NULL, 0, 0);
    }
  else
    {
      cairo_move_to (cr, PX (xlo), PY (ylo));
      cairo_line_to (cr, PX (xhi), PY (yhi));
      cairo_stroke (cr);
    }
  cairo_restore (cr);
#undef PX
#undef PY
}

static void
draw (cairo_t  *cr,
      gpointer  data)
{
  Plot *plot = data;

  for (guint m = 0; m < 3; m++)
    draw_panel (cr, plot->agreement, m, plot->bland_altman, MARGIN + m * (PANEL + MARGIN), MARGIN);
}

/**
 * sheath_agreement_write_plots:
 * @self: a #SheathAgreement
 * @dir: an existing folder
 * @prefix: the start of the files' names
 * @error: return location for a #GError
 *
 * Writes `PREFIX-bland-altman` and `PREFIX-predicted-vs-manual`, each as
 * PNG and SVG, in @dir: a panel per measure over the matched fibres.
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
sheath_agreement_write_plots (SheathAgreement  *self,
                              const char       *dir,
                              const char       *prefix,
                              GError          **error)
{
  g_autofree char *ba = NULL, *scatter = NULL;
  Plot plot = { self, TRUE };

  g_return_val_if_fail (SHEATH_IS_AGREEMENT (self), FALSE);

  ba = g_strconcat (prefix, "-bland-altman", NULL);
  scatter = g_strconcat (prefix, "-predicted-vs-manual", NULL);
  if (!_sheath_plot_write (dir, ba, WIDTH, HEIGHT, draw, &plot, error))
    return FALSE;
  plot.bland_altman = FALSE;
  return _sheath_plot_write (dir, scatter, WIDTH, HEIGHT, draw, &plot, error);
}
