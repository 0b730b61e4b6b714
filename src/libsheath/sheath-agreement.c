/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-agreement"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gsl/gsl_cdf.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "sheath-agreement.h"
#include "sheath-agreement-private.h"
#include "sheath-aggregates.h"
#include "sheath-error.h"
#include "sheath-labeling-private.h"
#include "sheath-morphometrics.h"
#include "sheath-morphometrics-private.h"

/**
 * SheathAgreement:
 *
 * How the figures measured from predicted masks agree with the same
 * figures measured from manual masks, image by image and pooled over the
 * images: axon count and density, mean and median axon diameter, myelin
 * thickness and g-ratio, AVF and MVF, as relative differences; and fibre
 * by fibre, between predicted and manual axons whose IoU is at least 0.5,
 * the Bland–Altman bias and 95 % limits of agreement of the diameter, the
 * myelin thickness and the g-ratio; with the fibres left unmatched (extra
 * and missed) and their sizes. Both masks are measured the same way
 * (sheath_morphometrics_compute(), circle-equivalent diameters), with the
 * fibres cut by the image's edge or without them
 * (sheath_agreement_set_exclude_border()).
 */

G_DEFINE_FINAL_TYPE (SheathAgreement, sheath_agreement, G_TYPE_OBJECT)

static const char * const figure_names[SHEATH_AGREEMENT_N_FIGURES] = {
  "axon_count", "axon_density_mm2", "mean_axon_diam", "median_axon_diam", "mean_myelin_thickness",
  "median_myelin_thickness", "mean_gratio", "median_gratio", "avf", "mvf",
};

static const char * const measure_names[] = { "axon_diam", "myelin_thickness", "gratio" };

static void
image_figures_free (gpointer data)
{
  SheathAgreementImage *im = data;

  g_free (im->name);
  g_free (im);
}

static void
sheath_agreement_finalize (GObject *object)
{
  SheathAgreement *self = SHEATH_AGREEMENT (object);

  g_ptr_array_unref (self->images);
  for (guint side = 0; side < 2; side++)
    for (guint m = 0; m < 3; m++)
      g_array_unref (self->values[side][m]);
  for (guint m = 0; m < 3; m++)
    g_array_unref (self->pairs[m]);
  g_array_unref (self->extra_diam);
  g_array_unref (self->missed_diam);

  G_OBJECT_CLASS (sheath_agreement_parent_class)->finalize (object);
}

static void
sheath_agreement_class_init (SheathAgreementClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sheath_agreement_finalize;
}

static void
sheath_agreement_init (SheathAgreement *self)
{
  self->images = g_ptr_array_new_with_free_func (image_figures_free);
  for (guint side = 0; side < 2; side++)
    for (guint m = 0; m < 3; m++)
      self->values[side][m] = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint m = 0; m < 3; m++)
    self->pairs[m] = g_array_new (FALSE, FALSE, sizeof (double));
  self->extra_diam = g_array_new (FALSE, FALSE, sizeof (double));
  self->missed_diam = g_array_new (FALSE, FALSE, sizeof (double));
}

/**
 * sheath_agreement_new:
 *
 * An agreement to add images to, with sheath_agreement_add().
 *
 * Returns: (transfer full): an agreement with no image yet
 */
SheathAgreement *
sheath_agreement_new (void)
{
  return g_object_new (SHEATH_TYPE_AGREEMENT, NULL);
}

/**
 * sheath_agreement_set_exclude_border:
 * @self: a #SheathAgreement, with no image added yet
 * @exclude_border: whether to leave out the fibres cut by the image's edge
 *
 * Leaves out of every figure the fibres that touch the image's edge, in
 * the predicted masks and in the manual ones, as
 * sheath_aggregates_compute() does when asked: their diameters and
 * thicknesses are those of a piece. A predicted and a manual fibre that
 * match are left out together when either is cut. Off by default.
 */
void
sheath_agreement_set_exclude_border (SheathAgreement *self,
                                     gboolean         exclude_border)
{
  g_return_if_fail (SHEATH_IS_AGREEMENT (self));
  g_return_if_fail (self->images->len == 0);

  self->exclude_border = !!exclude_border;
}

/**
 * sheath_agreement_get_exclude_border:
 * @self: a #SheathAgreement
 *
 * Whether the fibres cut by the image's edge are left out.
 *
 * Returns: %TRUE when they are
 */
gboolean
sheath_agreement_get_exclude_border (SheathAgreement *self)
{
  g_return_val_if_fail (SHEATH_IS_AGREEMENT (self), FALSE);

  return self->exclude_border;
}

/**
 * sheath_agreement_get_figure_name:
 * @figure: a figure
 *
 * The name a figure has in the tables and the JSON.
 *
 * Returns: the figure's name in tables and JSON, "mean_gratio" and the like
 */
const char *
sheath_agreement_get_figure_name (SheathAgreementFigure figure)
{
  g_return_val_if_fail (figure < SHEATH_AGREEMENT_N_FIGURES, NULL);
  return figure_names[figure];
}

static void
figures_of (const SheathAggregates *agg,
            double                 *out)
{
  out[SHEATH_AGREEMENT_AXON_COUNT] = agg->n_axons;
  out[SHEATH_AGREEMENT_AXON_DENSITY] = agg->axon_density_mm2;
  out[SHEATH_AGREEMENT_MEAN_AXON_DIAM] = agg->mean_axon_diam;
  out[SHEATH_AGREEMENT_MEDIAN_AXON_DIAM] = agg->median_axon_diam;
  out[SHEATH_AGREEMENT_MEAN_MYELIN_THICKNESS] = agg->mean_myelin_thickness;
  out[SHEATH_AGREEMENT_MEDIAN_MYELIN_THICKNESS] = agg->median_myelin_thickness;
  out[SHEATH_AGREEMENT_MEAN_GRATIO] = agg->mean_gratio;
  out[SHEATH_AGREEMENT_MEDIAN_GRATIO] = agg->median_gratio;
  out[SHEATH_AGREEMENT_AVF] = agg->avf;
  out[SHEATH_AGREEMENT_MVF] = agg->mvf;
}

static gboolean
left_out (SheathAgreement  *self,
          const SheathAxon *a)
{
  return self->exclude_border && a->image_border_touching;
}

/* every axon's diameter; thickness and g-ratio of those with myelin — the
 * axons the aggregates count */
static void
collect_values (SheathAgreement     *self,
                guint                side,
                SheathMorphometrics *m)
{
  for (guint i = 0; i < sheath_morphometrics_get_n_axons (m); i++)
    {
      const SheathAxon *a = sheath_morphometrics_get_axon (m, i);

      if (left_out (self, a))
        continue;

      g_array_append_val (self->values[side][SHEATH_AGREEMENT_DIAMETER], a->axon_diam);
      if (a->myelin_area > 0)
        {
          g_array_append_val (self->values[side][SHEATH_AGREEMENT_THICKNESS], a->myelin_thickness);
          g_array_append_val (self->values[side][SHEATH_AGREEMENT_GRATIO], a->gratio);
        }
    }
}

/* Pairs each predicted axon with the manual axon it overlaps with an IoU of
 * at least 0.5 (each once at most); the others are extra or missed. */
static void
match_fibres (SheathAgreement      *self,
              SheathAgreementImage *im,
              SheathMorphometrics  *predicted,
              SheathMorphometrics  *truth,
              guint                 width,
              guint                 height)
{
  const guint32 *lp = _sheath_morphometrics_get_axon_labels (predicted);
  const guint32 *lt = _sheath_morphometrics_get_axon_labels (truth);
  guint np = sheath_morphometrics_get_n_axons (predicted), nt = sheath_morphometrics_get_n_axons (truth);
  g_autofree guint32 *match_p = g_new (guint32, (gsize) np + 1);
  g_autofree guint32 *match_t = g_new (guint32, (gsize) nt + 1);

  _sheath_match_labels (lp, np, lt, nt, (gsize) width * height, match_p, match_t);

  for (guint p = 1; p <= np; p++)
    {
      const SheathAxon *a = sheath_morphometrics_get_axon (predicted, p - 1);

      if (match_p[p] == 0)
        {
          if (left_out (self, a))
            continue;
          im->extra++;
          g_array_append_val (self->extra_diam, a->axon_diam);
          continue;
        }
      {
        const SheathAxon *b = sheath_morphometrics_get_axon (truth, match_p[p] - 1);
        const double diam[2] = { a->axon_diam, b->axon_diam };

        if (left_out (self, a) || left_out (self, b))
          continue;
        im->matched++;
        g_array_append_vals (self->pairs[SHEATH_AGREEMENT_DIAMETER], diam, 2);
        if (a->myelin_area > 0 && b->myelin_area > 0)
          {
            const double thickness[2] = { a->myelin_thickness, b->myelin_thickness };
            const double gratio[2] = { a->gratio, b->gratio };

            g_array_append_vals (self->pairs[SHEATH_AGREEMENT_THICKNESS], thickness, 2);
            g_array_append_vals (self->pairs[SHEATH_AGREEMENT_GRATIO], gratio, 2);
          }
      }
    }
  for (guint t = 1; t <= nt; t++)
    if (match_t[t] == 0 && !left_out (self, sheath_morphometrics_get_axon (truth, t - 1)))
      {
        im->missed++;
        g_array_append_val (self->missed_diam, sheath_morphometrics_get_axon (truth, t - 1)->axon_diam);
      }
}

/**
 * sheath_agreement_add:
 * @self: a #SheathAgreement
 * @name: the image's name, for the tables
 * @prediction: the predicted masks
 * @truth: the manual masks, of the same size
 * @pixel_size: µm per pixel, both measured at it
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Measures both masks of one image and adds them to the comparison.
 *
 * Returns: %TRUE, or %FALSE with @error set when the masks' sizes differ
 */
gboolean
sheath_agreement_add (SheathAgreement     *self,
                      const char          *name,
                      SheathSegmentation  *prediction,
                      SheathSegmentation  *truth,
                      double               pixel_size,
                      GCancellable        *cancellable,
                      GError             **error)
{
  g_autoptr(SheathMorphometrics) mp = NULL;
  g_autoptr(SheathMorphometrics) mt = NULL;
  guint width, height;

  g_return_val_if_fail (SHEATH_IS_AGREEMENT (self), FALSE);
  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (prediction) && SHEATH_IS_SEGMENTATION (truth), FALSE);

  width = sheath_segmentation_get_width (truth);
  height = sheath_segmentation_get_height (truth);
  if (sheath_segmentation_get_width (prediction) != width || sheath_segmentation_get_height (prediction) != height)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("%s: the predicted masks are %u × %u pixels and the manual ones %u × %u"), name,
                   sheath_segmentation_get_width (prediction), sheath_segmentation_get_height (prediction),
                   width, height);
      return FALSE;
    }
  if (!(mp = sheath_morphometrics_compute (prediction, pixel_size, SHEATH_AXON_SHAPE_CIRCLE, cancellable, error)) ||
      !(mt = sheath_morphometrics_compute (truth, pixel_size, SHEATH_AXON_SHAPE_CIRCLE, cancellable, error)))
    return FALSE;
  return _sheath_agreement_add_measured (self, name, mp, mt, error);
}

gboolean
_sheath_agreement_add_measured (SheathAgreement      *self,
                                const char           *name,
                                SheathMorphometrics  *mp,
                                SheathMorphometrics  *mt,
                                GError              **error)
{
  g_autoptr(SheathAggregates) ap = NULL;
  g_autoptr(SheathAggregates) at = NULL;
  SheathSegmentation *truth = _sheath_morphometrics_get_segmentation (mt);
  guint width = sheath_segmentation_get_width (truth), height = sheath_segmentation_get_height (truth);
  SheathAgreementImage *im;

  if (!(ap = sheath_aggregates_compute (mp, NULL, self->exclude_border, 1.0, error)) ||
      !(at = sheath_aggregates_compute (mt, NULL, self->exclude_border, 1.0, error)))
    return FALSE;

  im = g_new0 (SheathAgreementImage, 1);
  im->name = g_strdup (name);
  figures_of (ap, im->figures[0]);
  figures_of (at, im->figures[1]);
  im->area_mm2 = at->area_mm2;
  collect_values (self, 0, mp);
  collect_values (self, 1, mt);
  match_fibres (self, im, mp, mt, width, height);
  g_ptr_array_add (self->images, im);
  return TRUE;
}

/**
 * sheath_agreement_get_n_images:
 * @self: a #SheathAgreement
 *
 * The images compared so far.
 *
 * Returns: how many images were added
 */
guint
sheath_agreement_get_n_images (SheathAgreement *self)
{
  g_return_val_if_fail (SHEATH_IS_AGREEMENT (self), 0);
  return self->images->len;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

double
_sheath_agreement_median (GArray *values)
{
  g_autoptr(GArray) sorted = NULL;
  guint n = values->len;

  if (n == 0)
    return NAN;
  sorted = g_array_copy (values);
  g_array_sort (sorted, compare_doubles);
  return n % 2 ? g_array_index (sorted, double, n / 2)
               : (g_array_index (sorted, double, n / 2 - 1) + g_array_index (sorted, double, n / 2)) / 2;
}

static double
mean (GArray *values)
{
  double sum = 0;

  for (guint i = 0; i < values->len; i++)
    sum += g_array_index (values, double, i);
  return values->len ? sum / values->len : NAN;
}

/* a figure of all images pooled: counts and areas summed, means and
 * medians over all axons */
static double
pooled (SheathAgreement       *self,
        SheathAgreementFigure  figure,
        guint                  side)
{
  double count = 0, area = 0, axon = 0, myelin = 0;

  for (guint i = 0; i < self->images->len; i++)
    {
      SheathAgreementImage *im = g_ptr_array_index (self->images, i);

      count += im->figures[side][SHEATH_AGREEMENT_AXON_COUNT];
      area += im->area_mm2;
      axon += im->figures[side][SHEATH_AGREEMENT_AVF] * im->area_mm2;
      myelin += im->figures[side][SHEATH_AGREEMENT_MVF] * im->area_mm2;
    }
  switch (figure)
    {
    case SHEATH_AGREEMENT_AXON_COUNT: return count;
    case SHEATH_AGREEMENT_AXON_DENSITY: return area > 0 ? count / area : NAN;
    case SHEATH_AGREEMENT_MEAN_AXON_DIAM: return mean (self->values[side][SHEATH_AGREEMENT_DIAMETER]);
    case SHEATH_AGREEMENT_MEDIAN_AXON_DIAM:
      return _sheath_agreement_median (self->values[side][SHEATH_AGREEMENT_DIAMETER]);
    case SHEATH_AGREEMENT_MEAN_MYELIN_THICKNESS: return mean (self->values[side][SHEATH_AGREEMENT_THICKNESS]);
    case SHEATH_AGREEMENT_MEDIAN_MYELIN_THICKNESS:
      return _sheath_agreement_median (self->values[side][SHEATH_AGREEMENT_THICKNESS]);
    case SHEATH_AGREEMENT_MEAN_GRATIO: return mean (self->values[side][SHEATH_AGREEMENT_GRATIO]);
    case SHEATH_AGREEMENT_MEDIAN_GRATIO: return _sheath_agreement_median (self->values[side][SHEATH_AGREEMENT_GRATIO]);
    case SHEATH_AGREEMENT_AVF: return area > 0 ? axon / area : NAN;
    case SHEATH_AGREEMENT_MVF: return area > 0 ? myelin / area : NAN;
    case SHEATH_AGREEMENT_N_FIGURES:
    default: g_return_val_if_reached (NAN);
    }
}

/**
 * sheath_agreement_get_figure:
 * @self: a #SheathAgreement
 * @image: an image, from 0 in the order added, or -1 for all pooled
 * @figure: which figure
 * @predicted: %TRUE for the figure from the predicted masks, %FALSE for
 *   the one from the manual masks
 *
 * A figure of one image, or of all pooled: counts and areas summed,
 * means and medians over all their axons.
 *
 * Returns: the figure, NaN when it has no value (no axon)
 */
double
sheath_agreement_get_figure (SheathAgreement       *self,
                             int                    image,
                             SheathAgreementFigure  figure,
                             gboolean               predicted)
{
  g_return_val_if_fail (SHEATH_IS_AGREEMENT (self), NAN);
  g_return_val_if_fail (image >= -1 && image < (int) self->images->len, NAN);
  g_return_val_if_fail (figure < SHEATH_AGREEMENT_N_FIGURES, NAN);

  if (image < 0)
    return pooled (self, figure, predicted ? 0 : 1);
  return ((SheathAgreementImage *) g_ptr_array_index (self->images, image))->figures[predicted ? 0 : 1][figure];
}

/**
 * sheath_agreement_get_difference:
 * @self: a #SheathAgreement
 * @image: an image, from 0, or -1 for all pooled
 * @figure: which figure
 *
 * How far the figure from the predicted masks is from the manual one.
 *
 * Returns: the relative difference, (predicted − manual) / manual; NaN
 *   when the manual figure is 0 or has no value
 */
double
sheath_agreement_get_difference (SheathAgreement       *self,
                                 int                    image,
                                 SheathAgreementFigure  figure)
{
  double p = sheath_agreement_get_figure (self, image, figure, TRUE);
  double t = sheath_agreement_get_figure (self, image, figure, FALSE);

  return isfinite (p) && isfinite (t) && t != 0 ? (p - t) / t : NAN;
}

/* The mean and standard deviation of predicted − manual over the matched
 * fibres of one measure. */
static guint
difference_stats (SheathAgreement        *self,
                  SheathAgreementMeasure  measure,
                  double                 *mean_out,
                  double                 *sd_out)
{
  GArray *pairs = self->pairs[measure];
  guint n;
  double sum = 0, sum2 = 0, m;

  n = pairs->len / 2;
  for (guint i = 0; i < n; i++)
    {
      double d = g_array_index (pairs, double, 2 * i) - g_array_index (pairs, double, 2 * i + 1);

      sum += d;
      sum2 += d * d;
    }
  m = n > 0 ? sum / n : NAN;
  *mean_out = m;
  *sd_out = n > 1 ? sqrt (MAX (0, (sum2 - n * m * m) / (n - 1))) : NAN;
  return n;
}

/**
 * sheath_agreement_get_bland_altman:
 * @self: a #SheathAgreement
 * @measure: what is compared
 * @bias: (out) (optional): the mean of predicted − manual over the
 *   matched fibres
 * @lower: (out) (optional): bias − 1.96 SD
 * @upper: (out) (optional): bias + 1.96 SD
 *
 * Bland–Altman agreement of matched fibres (myelinated in both masks for
 * the thickness and the g-ratio), over all images.
 *
 * Returns: how many fibres were compared
 */
guint
sheath_agreement_get_bland_altman (SheathAgreement        *self,
                                   SheathAgreementMeasure  measure,
                                   double                 *bias,
                                   double                 *lower,
                                   double                 *upper)
{
  guint n;
  double m, sd;

  g_return_val_if_fail (SHEATH_IS_AGREEMENT (self), 0);
  g_return_val_if_fail (measure <= SHEATH_AGREEMENT_GRATIO, 0);

  n = difference_stats (self, measure, &m, &sd);
  if (bias)
    *bias = m;
  if (lower)
    *lower = m - 1.96 * sd;
  if (upper)
    *upper = m + 1.96 * sd;
  return n;
}

/**
 * sheath_agreement_get_bias_interval:
 * @self: a #SheathAgreement
 * @measure: what is compared
 * @lower: (out) (optional): the interval's lower end
 * @upper: (out) (optional): its upper end
 *
 * The 95 % confidence interval of the Bland–Altman bias
 * (sheath_agreement_get_bland_altman()): bias ± t · SD / √n, t the 97.5th
 * percentile of Student's t with n − 1 degrees of freedom. How far the bias
 * over these fibres may lie from the bias over all such fibres: with few
 * matched fibres it is wide. NaN with fewer than two fibres.
 *
 * Returns: how many fibres were compared
 */
guint
sheath_agreement_get_bias_interval (SheathAgreement        *self,
                                    SheathAgreementMeasure  measure,
                                    double                 *lower,
                                    double                 *upper)
{
  guint n;
  double m, sd, half = NAN;

  g_return_val_if_fail (SHEATH_IS_AGREEMENT (self), 0);
  g_return_val_if_fail (measure <= SHEATH_AGREEMENT_GRATIO, 0);

  n = difference_stats (self, measure, &m, &sd);
  if (n > 1)
    half = gsl_cdf_tdist_Pinv (0.975, n - 1) * sd / sqrt (n);
  if (lower)
    *lower = m - half;
  if (upper)
    *upper = m + half;
  return n;
}

/**
 * sheath_agreement_get_unmatched:
 * @self: a #SheathAgreement
 * @n_extra: (out) (optional): predicted axons matching no manual one
 * @extra_median_diam: (out) (optional): their median diameter, µm
 * @n_missed: (out) (optional): manual axons no predicted one matches
 * @missed_median_diam: (out) (optional): their median diameter, µm
 *
 * The fibres left unmatched, over all images.
 */
void
sheath_agreement_get_unmatched (SheathAgreement *self,
                                guint           *n_extra,
                                double          *extra_median_diam,
                                guint           *n_missed,
                                double          *missed_median_diam)
{
  g_return_if_fail (SHEATH_IS_AGREEMENT (self));

  if (n_extra)
    *n_extra = self->extra_diam->len;
  if (extra_median_diam)
    *extra_median_diam = _sheath_agreement_median (self->extra_diam);
  if (n_missed)
    *n_missed = self->missed_diam->len;
  if (missed_median_diam)
    *missed_median_diam = _sheath_agreement_median (self->missed_diam);
}

static void
add_number (JsonBuilder *b,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (b, name);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_figures (SheathAgreement *self,
             JsonBuilder     *b,
             int              image)
{
  json_builder_set_member_name (b, "figures");
  json_builder_begin_object (b);
  for (guint f = 0; f < SHEATH_AGREEMENT_N_FIGURES; f++)
    {
      json_builder_set_member_name (b, figure_names[f]);
      json_builder_begin_object (b);
      add_number (b, "predicted", sheath_agreement_get_figure (self, image, f, TRUE));
      add_number (b, "manual", sheath_agreement_get_figure (self, image, f, FALSE));
      add_number (b, "relative_difference", sheath_agreement_get_difference (self, image, f));
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

/**
 * sheath_agreement_to_json:
 * @self: a #SheathAgreement
 *
 * Everything measured, as JSON: per image and pooled, each figure
 * predicted, manual and their relative difference, the matched, extra and
 * missed fibres; and over all images the Bland–Altman figures of each
 * measure and the unmatched fibres' sizes.
 *
 * Returns: (transfer full): the JSON text
 */
char *
sheath_agreement_to_json (SheathAgreement *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  guint extra, missed;
  double extra_diam, missed_diam;

  g_return_val_if_fail (SHEATH_IS_AGREEMENT (self), NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "exclude_border");
  json_builder_add_boolean_value (b, self->exclude_border);
  json_builder_set_member_name (b, "images");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->images->len; i++)
    {
      SheathAgreementImage *im = g_ptr_array_index (self->images, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "image");
      json_builder_add_string_value (b, im->name);
      add_figures (self, b, (int) i);
      json_builder_set_member_name (b, "fibres_matched");
      json_builder_add_int_value (b, im->matched);
      json_builder_set_member_name (b, "fibres_extra");
      json_builder_add_int_value (b, im->extra);
      json_builder_set_member_name (b, "fibres_missed");
      json_builder_add_int_value (b, im->missed);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "pooled");
  json_builder_begin_object (b);
  add_figures (self, b, -1);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "bland_altman");
  json_builder_begin_object (b);
  for (guint m = 0; m < G_N_ELEMENTS (measure_names); m++)
    {
      double bias, lower, upper;
      guint n = sheath_agreement_get_bland_altman (self, m, &bias, &lower, &upper);

      json_builder_set_member_name (b, measure_names[m]);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "n");
      json_builder_add_int_value (b, n);
      add_number (b, "bias", bias);
      add_number (b, "lower_limit", lower);
      add_number (b, "upper_limit", upper);
      sheath_agreement_get_bias_interval (self, m, &lower, &upper);
      add_number (b, "bias_ci_lower", lower);
      add_number (b, "bias_ci_upper", upper);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  sheath_agreement_get_unmatched (self, &extra, &extra_diam, &missed, &missed_diam);
  json_builder_set_member_name (b, "unmatched");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "extra");
  json_builder_add_int_value (b, extra);
  add_number (b, "extra_median_axon_diam", extra_diam);
  json_builder_set_member_name (b, "missed");
  json_builder_add_int_value (b, missed);
  add_number (b, "missed_median_axon_diam", missed_diam);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}
