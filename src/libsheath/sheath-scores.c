/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-scores"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sheath-error.h"
#include "sheath-labeling-private.h"
#include "sheath-scores.h"
#include "sheath-segmenter.h"
#include "sheath-segmentation-private.h"

G_DEFINE_BOXED_TYPE (SheathScores, sheath_scores, sheath_scores_copy, sheath_scores_free)

static double
ratio (guint64 a,
       guint64 b,
       double  empty)
{
  return b ? (double) a / b : empty;
}

static double
f1 (double precision,
    double recall)
{
  return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
}

static void
derive (SheathScores *s)
{
  /* an empty class agreed upon counts as a perfect score */
  s->dice_axon = ratio (2 * s->true_positive[2], s->predicted[2] + s->actual[2], 1);
  s->dice_myelin = ratio (2 * s->true_positive[1], s->predicted[1] + s->actual[1], 1);
  s->accuracy = ratio (s->correct, s->pixels, 0);
  s->precision_axon = ratio (s->true_positive[2], s->predicted[2], 1);
  s->sensitivity_axon = ratio (s->true_positive[2], s->actual[2], 1);
  s->precision_myelin = ratio (s->true_positive[1], s->predicted[1], 1);
  s->sensitivity_myelin = ratio (s->true_positive[1], s->actual[1], 1);
  s->detection_precision = ratio (s->axons_matched, s->axons_predicted, 1);
  s->detection_recall = ratio (s->axons_matched, s->axons_actual, 1);
  s->detection_f1 = f1 (s->detection_precision, s->detection_recall);
  if (s->unmyelinated)
    {
      s->dice_uaxon = ratio (2 * s->true_positive[3], s->predicted[3] + s->actual[3], 1);
      s->uaxon_detection_precision = ratio (s->uaxons_matched, s->uaxons_predicted, 1);
      s->uaxon_detection_recall = ratio (s->uaxons_matched, s->uaxons_actual, 1);
      s->uaxon_detection_f1 = f1 (s->uaxon_detection_precision, s->uaxon_detection_recall);
    }
}

/**
 * sheath_scores_new:
 *
 * Scores of nothing yet, to add others to with sheath_scores_add().
 *
 * Returns: (transfer full): zero counts, to add images to
 */
SheathScores *
sheath_scores_new (void)
{
  SheathScores *s = g_new0 (SheathScores, 1);

  derive (s);
  return s;
}

/**
 * sheath_scores_copy:
 * @scores: scores
 *
 * Copies scores.
 *
 * Returns: (transfer full): a copy
 */
SheathScores *
sheath_scores_copy (const SheathScores *scores)
{
  return g_memdup2 (scores, sizeof *scores);
}

/**
 * sheath_scores_free:
 * @scores: scores
 *
 * Frees @scores.
 */
void
sheath_scores_free (SheathScores *scores)
{
  g_free (scores);
}

/**
 * sheath_scores_add:
 * @total: scores to add to
 * @scores: one image's scores
 *
 * Adds the counts of @scores to @total and derives its rates again.
 */
void
sheath_scores_add (SheathScores       *total,
                   const SheathScores *scores)
{
  total->pixels += scores->pixels;
  total->correct += scores->correct;
  for (guint c = 0; c < G_N_ELEMENTS (total->true_positive); c++)
    {
      total->true_positive[c] += scores->true_positive[c];
      total->predicted[c] += scores->predicted[c];
      total->actual[c] += scores->actual[c];
    }
  total->axons_predicted += scores->axons_predicted;
  total->axons_actual += scores->axons_actual;
  total->axons_matched += scores->axons_matched;
  total->unmyelinated |= scores->unmyelinated;
  total->uaxons_predicted += scores->uaxons_predicted;
  total->uaxons_actual += scores->uaxons_actual;
  total->uaxons_matched += scores->uaxons_matched;
  derive (total);
}

/* Objects of one class as 8-connected regions of each, or in the truth,
 * with @truth_4_connected, as 4-connected ones; a predicted object is
 * detected when its intersection over union with a true one is at least
 * 0.5; each object is paired once at most. */
static void
match_objects (SheathSegmentation *prediction,
               SheathSegmentation *truth,
               SheathLabel         label,
               gboolean            truth_4_connected,
               guint64            *n_predicted,
               guint64            *n_actual,
               guint64            *n_matched)
{
  guint w = sheath_segmentation_get_width (prediction), h = sheath_segmentation_get_height (prediction);
  gsize n = (gsize) w * h;
  g_autofree guint8 *mask_p = g_new (guint8, n), *mask_t = g_new (guint8, n);
  g_autofree guint32 *lab_p = g_new (guint32, n), *lab_t = g_new (guint32, n);
  g_autofree guint32 *match_p = NULL, *match_t = NULL;
  guint32 np, nt;

  for (guint y = 0; y < h; y++)
    {
      const guint8 *p = _sheath_segmentation_get_row (prediction, y);
      const guint8 *t = _sheath_segmentation_get_row (truth, y);

      for (guint x = 0; x < w; x++)
        {
          mask_p[(gsize) y * w + x] = p[x] == label;
          mask_t[(gsize) y * w + x] = t[x] == label;
        }
    }
  np = _sheath_label_components_8 (mask_p, w, h, lab_p);
  nt = truth_4_connected ? _sheath_label_components_4 (mask_t, w, h, lab_t)
                         : _sheath_label_components_8 (mask_t, w, h, lab_t);
  match_p = g_new (guint32, (gsize) np + 1);
  match_t = g_new (guint32, (gsize) nt + 1);
  *n_matched = _sheath_match_labels (lab_p, np, lab_t, nt, n, match_p, match_t);
  *n_predicted = np;
  *n_actual = nt;
}

/**
 * sheath_scores_compute:
 * @prediction: a segmentation
 * @truth: the reference, of the same size
 * @error: return location for a #GError
 *
 * Compares pixel classes, and axons as objects: a predicted axon (an
 * 8-connected region) is detected when its intersection over union with a
 * true axon is at least 0.5 (which pairs it with one true axon at most).
 * Where both have unmyelinated axons (sheath_segmentation_get_unmyelinated()),
 * those are scored the same way, except that a true one is a 4-connected
 * region: they lie in bundles, and two drawn to meet corner to corner are
 * two axons.
 *
 * Returns: (transfer full): the scores, or %NULL if the sizes differ
 */
SheathScores *
sheath_scores_compute (SheathSegmentation  *prediction,
                       SheathSegmentation  *truth,
                       GError             **error)
{
  g_autoptr(SheathScores) s = g_new0 (SheathScores, 1);
  guint w, h;

  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (prediction), NULL);
  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (truth), NULL);

  w = sheath_segmentation_get_width (prediction);
  h = sheath_segmentation_get_height (prediction);
  if (sheath_segmentation_get_width (truth) != w || sheath_segmentation_get_height (truth) != h)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("The prediction is %u × %u but the truth is %u × %u"), w, h,
                   sheath_segmentation_get_width (truth), sheath_segmentation_get_height (truth));
      return NULL;
    }

  for (guint y = 0; y < h; y++)
    {
      const guint8 *p = _sheath_segmentation_get_row (prediction, y);
      const guint8 *t = _sheath_segmentation_get_row (truth, y);

      for (guint x = 0; x < w; x++)
        {
          /* classes Sheath does not know are not scored: background */
          guint8 pc = p[x] < SHEATH_LABEL_OTHER ? p[x] : SHEATH_LABEL_BACKGROUND;
          guint8 tc = t[x] < SHEATH_LABEL_OTHER ? t[x] : SHEATH_LABEL_BACKGROUND;

          s->pixels++;
          s->predicted[pc]++;
          s->actual[tc]++;
          if (pc == tc)
            {
              s->correct++;
              s->true_positive[pc]++;
            }
        }
    }

  match_objects (prediction, truth, SHEATH_LABEL_AXON, FALSE,
                 &s->axons_predicted, &s->axons_actual, &s->axons_matched);
  s->unmyelinated = sheath_segmentation_get_unmyelinated (prediction) &&
                    sheath_segmentation_get_unmyelinated (truth);
  /* unmyelinated axons lie in bundles, and annotators draw touching ones
   * apart by a 4-connected step at least (the trainer keeps them apart
   * the same way): two drawn axons that meet corner to corner are two */
  if (s->unmyelinated)
    match_objects (prediction, truth, SHEATH_LABEL_UNMYELINATED_AXON, TRUE,
                   &s->uaxons_predicted, &s->uaxons_actual, &s->uaxons_matched);
  derive (s);
  return g_steal_pointer (&s);
}

/**
 * sheath_scores_evaluate_image:
 * @segmenter: the segmenter (its model, threads and flips)
 * @image: an image file
 * @axon_mask: its manual axon mask
 * @myelin_mask: its manual myelin mask
 * @pixel_size: the image's pixel size in µm, or 0 for the one the files say
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Segments one labelled image and scores it against its masks, as
 * `sheath-cli evaluate` does for each image; with a model that predicts
 * unmyelinated axons, against the `_seg-uaxon` mask beside the axon mask
 * too, where there is one. Blocks.
 *
 * Returns: (transfer full): the scores, or %NULL with @error set
 */
SheathScores *
sheath_scores_evaluate_image (SheathSegmenter  *segmenter,
                              const char       *image,
                              const char       *axon_mask,
                              const char       *myelin_mask,
                              double            pixel_size,
                              GCancellable     *cancellable,
                              GError          **error)
{
  g_autoptr(GFile) f = NULL, a = NULL, m = NULL;
  g_autoptr(SheathImage) pixels = NULL;
  g_autoptr(SheathSegmentation) truth = NULL, pred = NULL;

  g_return_val_if_fail (SHEATH_IS_SEGMENTER (segmenter), NULL);
  g_return_val_if_fail (image != NULL, NULL);

  if (axon_mask == NULL || myelin_mask == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   "'%s' has no masks to be scored against", image);
      return NULL;
    }
  f = g_file_new_for_path (image);
  a = g_file_new_for_path (axon_mask);
  m = g_file_new_for_path (myelin_mask);
  if (!(pixels = sheath_image_new_from_file (f, error)) ||
      (pixel_size > 0 && !sheath_image_set_pixel_size (pixels, pixel_size, error)) ||
      !(truth = sheath_segmentation_new_from_masks (a, m, error)) ||
      !(pred = sheath_segmenter_segment (segmenter, pixels, cancellable, error)))
    return NULL;
  /* unmyelinated axons are compared where the model predicts them */
  if (sheath_segmentation_get_unmyelinated (pred) &&
      !sheath_segmentation_add_unmyelinated_beside (truth, a, error))
    return NULL;
  return sheath_scores_compute (pred, truth, error);
}

/**
 * sheath_scores_evaluate:
 * @model: the model to score
 * @images: (array zero-terminated=1): image files, each with a known pixel size
 * @axon_masks: (array zero-terminated=1): their manual axon masks
 * @myelin_masks: (array zero-terminated=1): their manual myelin masks
 * @pixel_sizes: (nullable) (array): the images' pixel sizes in µm, where
 *   given (above 0), else those the files say
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Segments each image with @model and scores it against its masks, as
 * `sheath-cli evaluate` does: the same figures for any two models scored
 * on the same images. Blocks; run it in a thread.
 *
 * Returns: (transfer full): the scores pooled over the images, or %NULL
 *   with @error set
 */
SheathScores *
sheath_scores_evaluate (SheathModel         *model,
                        const char * const  *images,
                        const char * const  *axon_masks,
                        const char * const  *myelin_masks,
                        const double        *pixel_sizes,
                        GCancellable        *cancellable,
                        GError             **error)
{
  g_autoptr(SheathSegmenter) segmenter = NULL;
  g_autoptr(SheathScores) total = sheath_scores_new ();

  g_return_val_if_fail (SHEATH_IS_MODEL (model), NULL);
  g_return_val_if_fail (images != NULL && axon_masks != NULL && myelin_masks != NULL, NULL);

  segmenter = sheath_segmenter_new (model);
  for (guint i = 0; images[i] != NULL; i++)
    {
      g_autoptr(SheathScores) scores =
        sheath_scores_evaluate_image (segmenter, images[i], axon_masks[i], myelin_masks[i],
                                      pixel_sizes != NULL ? pixel_sizes[i] : 0, cancellable, error);

      if (scores == NULL)
        return NULL;
      sheath_scores_add (total, scores);
    }
  return g_steal_pointer (&total);
}

