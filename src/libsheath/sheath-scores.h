/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(SHEATH_INSIDE) && !defined(SHEATH_COMPILATION)
# error "Only <sheath.h> can be included directly."
#endif

#include "sheath-model.h"
#include "sheath-segmenter.h"
#include "sheath-segmentation.h"
#include "sheath-version.h"

G_BEGIN_DECLS

#define SHEATH_TYPE_SCORES (sheath_scores_get_type ())

/**
 * SheathScores:
 * @pixels: pixels compared
 * @correct: pixels whose class agrees
 * @true_positive: per class (background, myelin, axon, unmyelinated axon):
 *   pixels of the class in both
 * @predicted: per class: pixels predicted as the class
 * @actual: per class: pixels of the class in the truth
 * @axons_predicted: predicted axons (8-connected regions)
 * @axons_actual: true axons
 * @axons_matched: predicted axons with IoU ≥ 0.5 with a true axon
 * @dice_axon: 2 TP / (predicted + actual) for axon
 * @dice_myelin: the same for myelin
 * @accuracy: correct / pixels
 * @precision_axon: TP / predicted, axon
 * @sensitivity_axon: TP / actual, axon
 * @precision_myelin: TP / predicted, myelin
 * @sensitivity_myelin: TP / actual, myelin
 * @detection_precision: matched / predicted axons
 * @detection_recall: matched / actual axons
 * @detection_f1: their harmonic mean
 * @unmyelinated: unmyelinated axons were scored (the model predicts them
 *   and the truth has them); the figures below are 0 otherwise
 * @uaxons_predicted: predicted unmyelinated axons
 * @uaxons_actual: true unmyelinated axons
 * @uaxons_matched: predicted unmyelinated axons with IoU ≥ 0.5 with a true one
 * @dice_uaxon: 2 TP / (predicted + actual) for unmyelinated axons
 * @uaxon_detection_precision: matched / predicted unmyelinated axons
 * @uaxon_detection_recall: matched / actual unmyelinated axons
 * @uaxon_detection_f1: their harmonic mean
 *
 * How a segmentation compares with the truth. Counts add up over images
 * (sheath_scores_add()), and the rates are derived from the counts.
 */
typedef struct
{
  guint64 pixels;
  guint64 correct;
  guint64 true_positive[4];
  guint64 predicted[4];
  guint64 actual[4];
  guint64 axons_predicted;
  guint64 axons_actual;
  guint64 axons_matched;
  double  dice_axon;
  double  dice_myelin;
  double  accuracy;
  double  precision_axon;
  double  sensitivity_axon;
  double  precision_myelin;
  double  sensitivity_myelin;
  double  detection_precision;
  double  detection_recall;
  double  detection_f1;
  gboolean unmyelinated;
  guint64 uaxons_predicted;
  guint64 uaxons_actual;
  guint64 uaxons_matched;
  double  dice_uaxon;
  double  uaxon_detection_precision;
  double  uaxon_detection_recall;
  double  uaxon_detection_f1;
} SheathScores;

SHEATH_AVAILABLE_IN_ALL
GType         sheath_scores_get_type (void) G_GNUC_CONST;
SHEATH_AVAILABLE_IN_ALL
SheathScores *sheath_scores_compute  (SheathSegmentation  *prediction,
                                      SheathSegmentation  *truth,
                                      GError             **error);
SHEATH_AVAILABLE_IN_ALL
SheathScores *sheath_scores_new      (void);
SHEATH_AVAILABLE_IN_ALL
void          sheath_scores_add      (SheathScores        *total,
                                      const SheathScores  *scores);
SHEATH_AVAILABLE_IN_ALL
SheathScores *sheath_scores_copy     (const SheathScores  *scores);
SHEATH_AVAILABLE_IN_ALL
void          sheath_scores_free     (SheathScores        *scores);
SHEATH_AVAILABLE_IN_ALL
SheathScores *sheath_scores_evaluate_image (SheathSegmenter  *segmenter,
                                            const char       *image,
                                            const char       *axon_mask,
                                            const char       *myelin_mask,
                                            double            pixel_size,
                                            GCancellable     *cancellable,
                                            GError          **error);
SHEATH_AVAILABLE_IN_ALL
SheathScores *sheath_scores_evaluate (SheathModel         *model,
                                      const char * const  *images,
                                      const char * const  *axon_masks,
                                      const char * const  *myelin_masks,
                                      const double        *pixel_sizes,
                                      GCancellable        *cancellable,
                                      GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SheathScores, sheath_scores_free)

G_END_DECLS
