/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-study"

#include "config.h"

#include <cairo.h>
#include <glib/gi18n-lib.h>
#include <math.h>

#include "sheath-error.h"
#include "sheath-plot-file-private.h"
#include "sheath-stats-private.h"
#include "sheath-study-plots-private.h"

/* The plots of a study's statistics, drawn with Cairo as PNG and SVG:
 * subject means per group, g-ratio against axon diameter with a fit per
 * group, and the diameter distributions per group. */

#define WIDTH  900
#define HEIGHT 560

typedef void (*DrawFunc) (cairo_t *cr, GPtrArray *subjects, GPtrArray *groups, const char * const *measures,
                          guint n_measures);

typedef struct
{
  DrawFunc             draw;
  GPtrArray           *subjects;
  GPtrArray           *groups;
  const char * const  *measures;
  guint                n_measures;
} Plot;

static void
draw_plot (cairo_t  *cr,
           gpointer  data)
{
  Plot *plot = data;

  plot->draw (cr, plot->subjects, plot->groups, plot->measures, plot->n_measures);
}

static gboolean
render (const char          *dir,
        const char          *name,
        DrawFunc             draw,
        GPtrArray           *subjects,
        GPtrArray           *groups,
        const char * const  *measures,
        guint                n_measures,
        GError             **error)
{
  Plot plot = { draw, subjects, groups, measures, n_measures };

  return _sheath_plot_write (dir, name, WIDTH, HEIGHT, draw_plot, &plot, error);
}

/* A panel's frame with its value axis from @lo to @hi and its title */
static void
frame (cairo_t    *cr,
       double      x,
       double      y,
       double      w,
       double      h,
       double      lo,
       double      hi,
       const char *title)
{
  cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, x + 0.5, y + 0.5, w, h);
  cairo_stroke (cr);
  cairo_set_font_size (cr, 11);
  _sheath_plot_text_at (cr, x + w / 2, y - 6, 0.5, title);
  cairo_set_font_size (cr, 9);
  for (guint t = 0; t <= 4; t++)
    {
      double v = lo + (hi - lo) * t / 4;
      g_autofree char *label = g_strdup_printf ("%.3g", v);

      _sheath_plot_text_at (cr, x - 4, y + h - h * t / 4 + 3, 1, label);
    }
}

static void
value_range (GPtrArray *subjects,
             guint      m,
             double    *lo,
             double    *hi)
{
  *lo = INFINITY;
  *hi = -INFINITY;
  for (guint i = 0; i < subjects->len; i++)
    {
      double v = _sheath_study_subject_measure (g_ptr_array_index (subjects, i), m);

      if (isfinite (v))
        {
          *lo = MIN (*lo, v);
          *hi = MAX (*hi, v);
        }
    }
  if (!isfinite (*lo))
    *lo = 0, *hi = 1;
  if (*hi - *lo < 1e-12)
    *hi = *lo + fabs (*lo) * 0.1 + 1e-6;
  *lo -= (*hi - *lo) * 0.1;
  *hi += (*hi - *lo) * 0.1;
}

static void
draw_subject_means (cairo_t            *cr,
                    GPtrArray          *subjects,
                    GPtrArray          *groups,
                    const char * const *measures,
                    guint               n_measures)
{
  guint cols = 4, rows = (n_measures + cols - 1) / cols;
  double pw = (WIDTH - 60.0) / cols - 40, ph = (HEIGHT - 40.0) / rows - 70;

  for (guint m = 0; m < n_measures; m++)
    {
      double x = 60 + (m % cols) * (pw + 40), y = 30 + (m / cols) * (ph + 70), lo, hi;

      value_range (subjects, m, &lo, &hi);
      frame (cr, x, y, pw, ph, lo, hi, measures[m]);
      for (guint g = 0; g < groups->len; g++)
        {
          cairo_save (cr);
          cairo_rectangle (cr, x, y, pw, ph);
          cairo_clip (cr);
          double cx = x + pw * (g + 0.5) / groups->len, sum = 0, sum2 = 0;
          guint n = 0, k = 0;

          for (guint i = 0; i < subjects->len; i++)
            {
              SheathStudySubject *s = g_ptr_array_index (subjects, i);
              double v = _sheath_study_subject_measure (s, m);

              if (!g_str_equal (s->group, g_ptr_array_index (groups, g)) || !isfinite (v))
                continue;
              _sheath_plot_colour (cr, g, 0.85);
              cairo_arc (cr, cx + ((k++ % 5) - 2) * 3.0, y + ph - (v - lo) / (hi - lo) * ph, 3, 0, 2 * G_PI);
              cairo_fill (cr);
              sum += v, sum2 += v * v, n++;
            }
          if (n > 0)
            {
              double mean = sum / n, sd = n > 1 ? sqrt (MAX (0, (sum2 - n * mean * mean) / (n - 1))) : 0;
              double ym = y + ph - (mean - lo) / (hi - lo) * ph;

              cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
              cairo_set_line_width (cr, 2);
              cairo_move_to (cr, cx - 14, ym);
              cairo_line_to (cr, cx + 14, ym);
              cairo_move_to (cr, cx, y + ph - (mean - sd - lo) / (hi - lo) * ph);
              cairo_line_to (cr, cx, y + ph - (mean + sd - lo) / (hi - lo) * ph);
              cairo_stroke (cr);
            }
          cairo_restore (cr);
          cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
          cairo_set_font_size (cr, 9);
          _sheath_plot_text_at (cr, cx, y + ph + 12, 0.5, g_ptr_array_index (groups, g));
        }
    }
}

static void
draw_gratio_vs_diameter (cairo_t            *cr,
                         GPtrArray          *subjects,
                         GPtrArray          *groups,
                         const char * const *measures,
                         guint               n_measures)
{
  double x = 70, y = 40, w = WIDTH - 110, h = HEIGHT - 100, dmax = 0;

  for (guint i = 0; i < subjects->len; i++)
    {
      SheathStudySubject *s = g_ptr_array_index (subjects, i);
      for (guint a = 0; a < s->myelinated_diam->len; a++)
        dmax = MAX (dmax, g_array_index (s->myelinated_diam, double, a));
    }
  dmax = dmax > 0 ? ceil (dmax) : 1;
  frame (cr, x, y, w, h, 0, 1, _ ("g-ratio against axon diameter (µm), a fit per group"));
  for (guint t = 0; t <= 4; t++)
    {
      g_autofree char *label = g_strdup_printf ("%.3g", dmax * t / 4);
      _sheath_plot_text_at (cr, x + w * t / 4, y + h + 12, 0.5, label);
    }
  for (guint g = 0; g < groups->len; g++)
    {
      g_autoptr(GArray) xs = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) ys = g_array_new (FALSE, FALSE, sizeof (double));
      double intercept, slope, r2;

      for (guint i = 0; i < subjects->len; i++)
        {
          SheathStudySubject *s = g_ptr_array_index (subjects, i);

          if (!g_str_equal (s->group, g_ptr_array_index (groups, g)))
            continue;
          g_array_append_vals (xs, s->myelinated_diam->data, s->myelinated_diam->len);
          g_array_append_vals (ys, s->gratio->data, s->gratio->len);
        }
      /* a few thousand points show the cloud; the fit takes them all */
      cairo_save (cr);
      cairo_rectangle (cr, x, y, w, h);
      cairo_clip (cr);
      _sheath_plot_colour (cr, g, 0.5);
      for (guint a = 0; a < xs->len; a += MAX (1, xs->len / 4000))
        {
          cairo_rectangle (cr, x + g_array_index (xs, double, a) / dmax * w - 1.5,
                           y + h - g_array_index (ys, double, a) * h - 1.5, 3, 3);
          cairo_fill (cr);
        }
      if (_sheath_linear_fit ((double *) xs->data, (double *) ys->data, xs->len, &intercept, &slope, &r2))
        {
          g_autofree char *label = g_strdup_printf ("%s: g = %.3f + %.3f d, r² %.2f",
                                                    (char *) g_ptr_array_index (groups, g), intercept, slope, r2);
          double lo = INFINITY, hi = -INFINITY;

          /* the line over the diameters the group has */
          for (guint a = 0; a < xs->len; a++)
            {
              lo = MIN (lo, g_array_index (xs, double, a));
              hi = MAX (hi, g_array_index (xs, double, a));
            }
          _sheath_plot_colour (cr, g, 1);
          cairo_set_line_width (cr, 2);
          cairo_move_to (cr, x + lo / dmax * w, y + h - (intercept + slope * lo) * h);
          cairo_line_to (cr, x + hi / dmax * w, y + h - (intercept + slope * hi) * h);
          cairo_stroke (cr);
          cairo_set_font_size (cr, 11);
          _sheath_plot_text_at (cr, x + 12, y + 20 + 16 * g, 0, label);
        }
      cairo_restore (cr);
    }
}

static void
draw_diameter_distributions (cairo_t            *cr,
                             GPtrArray          *subjects,
                             GPtrArray          *groups,
                             const char * const *measures,
                             guint               n_measures)
{
  double x = 70, y = 40, w = WIDTH - 230, h = HEIGHT - 100, dmax = 0, fmax = 0, bin = 0.25;
  g_autoptr(GPtrArray) histograms = g_ptr_array_new_with_free_func (g_free);
  guint n_bins;

  for (guint i = 0; i < subjects->len; i++)
    {
      SheathStudySubject *s = g_ptr_array_index (subjects, i);
      for (guint a = 0; a < s->diam->len; a++)
        dmax = MAX (dmax, g_array_index (s->diam, double, a));
    }
  dmax = MIN (dmax > 0 ? ceil (dmax) : 1, 20);
  n_bins = (guint) ceil (dmax / bin);
  for (guint g = 0; g < groups->len; g++)
    {
      double *f = g_new0 (double, n_bins);
      guint total = 0;

      for (guint i = 0; i < subjects->len; i++)
        {
          SheathStudySubject *s = g_ptr_array_index (subjects, i);

          if (!g_str_equal (s->group, g_ptr_array_index (groups, g)))
            continue;
          for (guint a = 0; a < s->diam->len; a++)
            {
              f[MIN ((guint) (g_array_index (s->diam, double, a) / bin), n_bins - 1)]++;
              total++;
            }
        }
      for (guint b = 0; b < n_bins; b++)
        {
          f[b] = total ? f[b] / total : 0;
          fmax = MAX (fmax, f[b]);
        }
      g_ptr_array_add (histograms, f);
    }
  fmax = fmax > 0 ? fmax * 1.1 : 1;
  frame (cr, x, y, w, h, 0, fmax, _ ("axon diameter (µm): fraction of each group's axons per 0.25 µm"));
  for (guint t = 0; t <= 4; t++)
    {
      g_autofree char *label = g_strdup_printf ("%.3g", dmax * t / 4);
      _sheath_plot_text_at (cr, x + w * t / 4, y + h + 12, 0.5, label);
    }
  for (guint g = 0; g < groups->len; g++)
    {
      double *f = g_ptr_array_index (histograms, g);

      _sheath_plot_colour (cr, g, 1);
      cairo_set_line_width (cr, 2);
      for (guint b = 0; b < n_bins; b++)
        {
          double px = x + (b + 0.5) * bin / dmax * w, py = y + h - f[b] / fmax * h;

          if (b == 0)
            cairo_move_to (cr, px, py);
          else
            cairo_line_to (cr, px, py);
        }
      cairo_stroke (cr);
      cairo_set_font_size (cr, 10);
      _sheath_plot_text_at (cr, x + w + 10, y + 20 + 16 * g, 0, g_ptr_array_index (groups, g));
    }
}

gboolean
_sheath_study_write_plots (GPtrArray           *subjects,
                           GPtrArray           *groups,
                           const char * const  *measures,
                           guint                n_measures,
                           const char          *dir,
                           GError             **error)
{
  return render (dir, "subject-means", draw_subject_means, subjects, groups, measures, n_measures, error) &&
         render (dir, "gratio-vs-diameter", draw_gratio_vs_diameter, subjects, groups, measures, n_measures, error) &&
         render (dir, "diameter-distributions", draw_diameter_distributions, subjects, groups, measures,
                 n_measures, error);
}
