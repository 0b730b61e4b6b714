/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-calibration"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>

#include "sheath-agreement-private.h"
#include "sheath-calibration.h"
#include "sheath-error.h"
#include "sheath-model-private.h"
#include "sheath-morphometrics-private.h"
#include "sheath-safetensors-private.h"
#include "sheath-scores.h"
#include "sheath-segmentation-private.h"
#include "sheath-segmenter-private.h"

/**
 * SheathCalibration:
 *
 * Moves a model's boundaries between classes, and the confidence below
 * which it drops a fibre, so that the morphometry of its masks agrees
 * with the manual masks of labelled images, which must be images the
 * model was trained on (never its validation images: those measure it).
 *
 * Each image is segmented once, keeping every class's probability; each
 * candidate is then a relabelling: a pixel takes the class of the highest
 * weighted probability (background's weight stays 1), and fibres whose
 * mean confidence is below the threshold are cleared. A candidate's cost
 * is the pooled relative differences of axon count, mean axon diameter,
 * myelin thickness and g-ratio, and the matched fibres' g-ratio bias, each
 * divided by its target (5 %, 3 %, 5 %, 2 %, 0.01), squared and summed;
 * candidates that lower the Dice of axon or myelin by more than 0.005 are
 * not taken. The myelin and axon weights are searched on a grid first,
 * then the threshold, then a minimum axon diameter below which a fibre is
 * a fragment.
 */
struct _SheathCalibration
{
  GObject      parent_instance;

  SheathModel *model;
  SheathSegmenter *segmenter;
  GPtrArray   *images;      /* CalibrationImage */
  GArray      *trials;      /* Trial, in the order tried */
  guint        best;        /* index into trials */
  gboolean     done;
};

G_DEFINE_FINAL_TYPE (SheathCalibration, sheath_calibration, G_TYPE_OBJECT)

typedef struct
{
  char                *name;
  char                *subject;
  double               pixel_size;
  SheathSegmentation  *raw;       /* with every class's probability */
  SheathMorphometrics *truth;     /* the manual masks, measured */
} CalibrationImage;

typedef struct
{
  double  weights[SHEATH_NET_MAX_CLASSES];
  double  min_confidence;
  double  min_axon_diam;                    /* µm */
  double  count, diam, thickness, gratio;   /* relative differences, pooled */
  double  gratio_bias;
  double  dice_axon, dice_myelin;
  double  cost;
  gboolean allowed;
} Trial;

/* what the search tries: weights of myelin and axon, then thresholds */
static const double myelin_weights[] = { 0.6, 0.7, 0.8, 0.9, 1.0, 1.15, 1.3, 1.5, 1.75 };
static const double axon_weights[] = { 0.7, 0.85, 1.0, 1.15, 1.3, 1.5, 1.75, 2.0 };
static const double thresholds[] = { 0.5, 0.55, 0.6, 0.65, 0.7 };
/* no myelinated axon is thinner than about 0.2 µm: smaller ones are fragments */
static const double min_axon_diams[] = { 0.1, 0.2 };

#define MAX_DICE_LOSS 0.005

static void
calibration_image_free (gpointer p)
{
  CalibrationImage *im = p;

  g_free (im->name);
  g_free (im->subject);
  g_clear_object (&im->raw);
  g_clear_object (&im->truth);
  g_free (im);
}

static void
sheath_calibration_finalize (GObject *object)
{
  SheathCalibration *self = SHEATH_CALIBRATION (object);

  g_clear_object (&self->model);
  g_clear_object (&self->segmenter);
  g_ptr_array_unref (self->images);
  g_array_unref (self->trials);

  G_OBJECT_CLASS (sheath_calibration_parent_class)->finalize (object);
}

static void
sheath_calibration_class_init (SheathCalibrationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sheath_calibration_finalize;
}

static void
sheath_calibration_init (SheathCalibration *self)
{
  self->images = g_ptr_array_new_with_free_func (calibration_image_free);
  self->trials = g_array_new (FALSE, TRUE, sizeof (Trial));
}

/**
 * sheath_calibration_new:
 * @model: the model to calibrate (its own calibration, if any, is
 *   replaced)
 *
 * Makes a calibration of @model, to which labelled images are added.
 *
 * Returns: (transfer full): a new #SheathCalibration
 */
SheathCalibration *
sheath_calibration_new (SheathModel *model)
{
  SheathCalibration *self;

  g_return_val_if_fail (SHEATH_IS_MODEL (model), NULL);

  self = g_object_new (SHEATH_TYPE_CALIBRATION, NULL);
  self->model = g_object_ref (model);
  self->segmenter = sheath_segmenter_new (model);
  return self;
}

/**
 * sheath_calibration_set_flips:
 * @self: a #SheathCalibration
 * @flips: whether to segment with test-time flips
 *
 * Segments the images with test-time flips (or without), and writes the
 * choice into the model, whose segmenters then use it by default. The
 * default is the model's own (sheath_model_get_test_time_flips()). Call it
 * before adding images.
 */
void
sheath_calibration_set_flips (SheathCalibration *self,
                              gboolean           flips)
{
  g_return_if_fail (SHEATH_IS_CALIBRATION (self));
  g_return_if_fail (self->images->len == 0);
  g_object_set (self->segmenter, "flips", flips, NULL);
}

/**
 * sheath_calibration_add_image:
 * @self: a #SheathCalibration
 * @image: a labelled image the model was trained on
 * @axon_mask: its manual axon mask
 * @myelin_mask: its manual myelin mask
 * @subject: (nullable): its subject, checked against the model's
 *   validation subjects
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Segments @image once, keeping every class's probability, and measures
 * its manual masks. An image of one of the model's validation subjects is
 * refused: calibrating on them would make their figures meaningless.
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
sheath_calibration_add_image (SheathCalibration  *self,
                              const char         *image,
                              const char         *axon_mask,
                              const char         *myelin_mask,
                              const char         *subject,
                              GCancellable       *cancellable,
                              GError            **error)
{
  g_autoptr(GFile) image_file = NULL, axon_file = NULL, myelin_file = NULL;
  g_autoptr(SheathImage) pixels = NULL;
  g_autoptr(SheathSegmentation) truth = NULL;
  g_autofree char *validation = NULL;
  CalibrationImage *im;

  g_return_val_if_fail (SHEATH_IS_CALIBRATION (self), FALSE);
  g_return_val_if_fail (image != NULL && axon_mask != NULL && myelin_mask != NULL, FALSE);

  validation = sheath_model_dup_metadata_value (self->model, "validation_subjects");
  if (subject != NULL && validation != NULL)
    {
      g_auto(GStrv) held_out = g_strsplit (validation, ",", -1);

      if (g_strv_contains ((const char * const *) held_out, subject))
        {
          g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                       _ ("'%s' is of %s, a validation subject of the model: calibrate on the images it was "
                          "trained on"), image, subject);
          return FALSE;
        }
    }

  image_file = g_file_new_for_path (image);
  axon_file = g_file_new_for_path (axon_mask);
  myelin_file = g_file_new_for_path (myelin_mask);
  im = g_new0 (CalibrationImage, 1);
  im->name = g_path_get_basename (image);
  im->subject = g_strdup (subject);
  if (!(pixels = sheath_image_new_from_file (image_file, error)) ||
      !sheath_image_require_pixel_size (pixels, error) ||
      !(truth = sheath_segmentation_new_from_masks (axon_file, myelin_file, error)) ||
      !(im->raw = _sheath_segmenter_segment_with_probabilities (self->segmenter, pixels, cancellable, error)) ||
      !(im->truth = sheath_morphometrics_compute (truth, sheath_image_get_pixel_size (pixels),
                                                  SHEATH_AXON_SHAPE_CIRCLE, cancellable, error)))
    {
      calibration_image_free (im);
      return FALSE;
    }
  im->pixel_size = sheath_image_get_pixel_size (pixels);
  if (sheath_segmentation_get_width (truth) != sheath_segmentation_get_width (im->raw) ||
      sheath_segmentation_get_height (truth) != sheath_segmentation_get_height (im->raw))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("The masks of '%s' are not the image's size"), image);
      calibration_image_free (im);
      return FALSE;
    }
  g_ptr_array_add (self->images, im);
  self->done = FALSE;
  return TRUE;
}

/* The labels a candidate gives: the highest weighted probability's class,
 * with that class's probability as the pixel's confidence. */
static SheathSegmentation *
relabel (SheathCalibration  *self,
         SheathSegmentation *raw,
         const double       *weights,
         GError            **error)
{
  guint width = sheath_segmentation_get_width (raw), height = sheath_segmentation_get_height (raw);
  gsize plane = (gsize) width * height;
  guint8 label_of_class[SHEATH_NET_MAX_CLASSES];
  g_autoptr(SheathSegmentation) seg = NULL;
  const guint8 *probs;
  guint classes;

  probs = _sheath_segmentation_get_probabilities (raw, &classes);
  if (!(seg = _sheath_segmentation_try_new (width, height, error)) ||
      !_sheath_segmentation_ensure_confidence (seg, error))
    return NULL;
  sheath_segmentation_set_unmyelinated (seg, _sheath_model_map_labels (self->model, label_of_class));
  for (guint y = 0; y < height; y++)
    {
      guint8 *labels = _sheath_segmentation_get_row (seg, y);
      guint8 *confidence = _sheath_segmentation_get_confidence_row (seg, y);

      for (guint x = 0; x < width; x++)
        {
          gsize i = (gsize) y * width + x;
          guint best = 0;
          double best_w = probs[i] * weights[0];

          for (guint c = 1; c < classes; c++)
            if (probs[c * plane + i] * weights[c] > best_w)
              best = c, best_w = probs[c * plane + i] * weights[c];
          labels[x] = label_of_class[best];
          confidence[x] = probs[best * plane + i];
        }
    }
  return g_steal_pointer (&seg);
}

static gboolean
evaluate (SheathCalibration  *self,
          Trial              *trial,
          GCancellable       *cancellable,
          GError            **error)
{
  g_autoptr(SheathAgreement) agreement = sheath_agreement_new ();
  g_autoptr(SheathScores) total = sheath_scores_new ();
  double bias = 0;

  for (guint i = 0; i < self->images->len; i++)
    {
      CalibrationImage *im = g_ptr_array_index (self->images, i);
      g_autoptr(SheathSegmentation) prediction = relabel (self, im->raw, trial->weights, error);
      g_autoptr(SheathMorphometrics) measured = NULL;
      g_autoptr(SheathScores) scores = NULL;

      if (prediction == NULL ||
          ((trial->min_confidence > 0 || trial->min_axon_diam > 0) &&
           !_sheath_morphometrics_drop_fibres (prediction, im->pixel_size, trial->min_confidence,
                                               trial->min_axon_diam, cancellable, error)) ||
          !(measured = sheath_morphometrics_compute (prediction, im->pixel_size, SHEATH_AXON_SHAPE_CIRCLE,
                                                     cancellable, error)) ||
          !_sheath_agreement_add_measured (agreement, im->name, measured, im->truth, error) ||
          !(scores = sheath_scores_compute (prediction, _sheath_morphometrics_get_segmentation (im->truth), error)))
        return FALSE;
      sheath_scores_add (total, scores);
    }

  trial->count = sheath_agreement_get_difference (agreement, -1, SHEATH_AGREEMENT_AXON_COUNT);
  trial->diam = sheath_agreement_get_difference (agreement, -1, SHEATH_AGREEMENT_MEAN_AXON_DIAM);
  trial->thickness = sheath_agreement_get_difference (agreement, -1, SHEATH_AGREEMENT_MEAN_MYELIN_THICKNESS);
  trial->gratio = sheath_agreement_get_difference (agreement, -1, SHEATH_AGREEMENT_MEAN_GRATIO);
  sheath_agreement_get_bland_altman (agreement, SHEATH_AGREEMENT_GRATIO, &bias, NULL, NULL);
  trial->gratio_bias = bias;
  trial->dice_axon = total->dice_axon;
  trial->dice_myelin = total->dice_myelin;
  {
    const double values[5] = { trial->count, trial->diam, trial->thickness, trial->gratio, trial->gratio_bias };
    const double targets[5] = { 0.05, 0.03, 0.05, 0.02, 0.01 };

    trial->cost = 0;
    for (guint k = 0; k < 5; k++)
      trial->cost += isfinite (values[k]) ? (values[k] / targets[k]) * (values[k] / targets[k]) : 1e6;
  }
  return TRUE;
}

static gboolean
try_candidate (SheathCalibration  *self,
               double              myelin_weight,
               double              axon_weight,
               double              min_confidence,
               double              min_axon_diam,
               GCancellable       *cancellable,
               GError            **error)
{
  const Trial *baseline = self->trials->len ? &g_array_index (self->trials, Trial, 0) : NULL;
  guint8 label_of_class[SHEATH_NET_MAX_CLASSES];
  Trial trial = { { 0 } };
  guint classes = sheath_model_get_n_classes (self->model);

  _sheath_model_map_labels (self->model, label_of_class);
  for (guint c = 0; c < classes; c++)
    trial.weights[c] = label_of_class[c] == SHEATH_LABEL_MYELIN ? myelin_weight :
                       label_of_class[c] == SHEATH_LABEL_AXON ? axon_weight : 1.0;
  trial.min_confidence = min_confidence;
  trial.min_axon_diam = min_axon_diam;
  if (!evaluate (self, &trial, cancellable, error))
    return FALSE;
  trial.allowed = baseline == NULL ||
                  (trial.dice_axon >= baseline->dice_axon - MAX_DICE_LOSS &&
                   trial.dice_myelin >= baseline->dice_myelin - MAX_DICE_LOSS);
  g_array_append_val (self->trials, trial);
  if (trial.allowed &&
      (self->trials->len == 1 || trial.cost < g_array_index (self->trials, Trial, self->best).cost))
    self->best = self->trials->len - 1;
  g_debug ("myelin %.2f axon %.2f threshold %.2f min. axon %.2f µm: count %+.3f diam %+.3f thickness %+.3f g-ratio %+.3f "
           "bias %+.4f Dice %.4f/%.4f cost %.2f%s", myelin_weight, axon_weight, min_confidence, min_axon_diam,
           trial.count,
           trial.diam, trial.thickness, trial.gratio, trial.gratio_bias, trial.dice_axon, trial.dice_myelin,
           trial.cost, trial.allowed ? "" : " (Dice lost)");
  return TRUE;
}

/**
 * sheath_calibration_run:
 * @self: a #SheathCalibration with images added
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Searches the weights and the threshold (see #SheathCalibration); the
 * uncalibrated model is the first candidate, so the result is never worse
 * than it on these images. Blocks: a few seconds per candidate and image.
 *
 * Returns: %TRUE, or %FALSE with @error set (no images, cancelled)
 */
gboolean
sheath_calibration_run (SheathCalibration  *self,
                        GCancellable       *cancellable,
                        GError            **error)
{
  double myelin_w, axon_w;

  g_return_val_if_fail (SHEATH_IS_CALIBRATION (self), FALSE);

  if (self->images->len == 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, _ ("No labelled images to calibrate on"));
      return FALSE;
    }
  g_array_set_size (self->trials, 0);
  self->best = 0;
  if (!try_candidate (self, 1.0, 1.0, 0, 0, cancellable, error))
    return FALSE;
  for (guint m = 0; m < G_N_ELEMENTS (myelin_weights); m++)
    for (guint a = 0; a < G_N_ELEMENTS (axon_weights); a++)
      if (!(myelin_weights[m] == 1.0 && axon_weights[a] == 1.0) &&
          !try_candidate (self, myelin_weights[m], axon_weights[a], 0, 0, cancellable, error))
        return FALSE;

  {
    const Trial *best = &g_array_index (self->trials, Trial, self->best);
    guint8 label_of_class[SHEATH_NET_MAX_CLASSES];

    _sheath_model_map_labels (self->model, label_of_class);
    myelin_w = axon_w = 1.0;
    for (guint c = 0; c < sheath_model_get_n_classes (self->model); c++)
      {
        if (label_of_class[c] == SHEATH_LABEL_MYELIN)
          myelin_w = best->weights[c];
        if (label_of_class[c] == SHEATH_LABEL_AXON)
          axon_w = best->weights[c];
      }
  }
  for (guint t = 0; t < G_N_ELEMENTS (thresholds); t++)
    if (!try_candidate (self, myelin_w, axon_w, thresholds[t], 0, cancellable, error))
      return FALSE;
  {
    double threshold = g_array_index (self->trials, Trial, self->best).min_confidence;

    for (guint d = 0; d < G_N_ELEMENTS (min_axon_diams); d++)
      if (!try_candidate (self, myelin_w, axon_w, threshold, min_axon_diams[d], cancellable, error))
        return FALSE;
  }
  self->done = TRUE;
  return TRUE;
}

/**
 * sheath_calibration_get_decision_weights:
 * @self: a #SheathCalibration that has run
 * @n_weights: (out): the number of weights, one per class
 *
 * The weights chosen, as sheath_model_get_decision_weights() will give
 * them.
 *
 * Returns: (transfer none) (array length=n_weights): the weights
 */
const double *
sheath_calibration_get_decision_weights (SheathCalibration *self,
                                         guint             *n_weights)
{
  g_return_val_if_fail (SHEATH_IS_CALIBRATION (self), NULL);
  g_return_val_if_fail (self->done, NULL);

  *n_weights = sheath_model_get_n_classes (self->model);
  return g_array_index (self->trials, Trial, self->best).weights;
}

/**
 * sheath_calibration_get_min_fibre_confidence:
 * @self: a #SheathCalibration that has run
 *
 * The threshold chosen, as sheath_model_get_min_fibre_confidence() will
 * give it.
 *
 * Returns: the mean confidence below which a fibre is dropped, 0 for none
 */
double
sheath_calibration_get_min_fibre_confidence (SheathCalibration *self)
{
  g_return_val_if_fail (SHEATH_IS_CALIBRATION (self), 0);
  g_return_val_if_fail (self->done, 0);
  return g_array_index (self->trials, Trial, self->best).min_confidence;
}

static void
append_trial (GString     *out,
              const char  *what,
              const Trial *t,
              guint        n_classes)
{
  g_string_append_printf (out, "| %s | ", what);
  for (guint c = 0; c < n_classes; c++)
    g_string_append_printf (out, "%s%.2f", c ? "," : "", t->weights[c]);
  g_string_append_printf (out, " | %.2f | %.2f µm | %+.1f %% | %+.1f %% | %+.1f %% | %+.1f %% | %+.4f | %.4f / %.4f |\n",
                          t->min_confidence, t->min_axon_diam, 100 * t->count, 100 * t->diam, 100 * t->thickness, 100 * t->gratio,
                          t->gratio_bias, t->dice_axon, t->dice_myelin);
}

/**
 * sheath_calibration_get_min_axon_diam:
 * @self: a #SheathCalibration that has run
 *
 * The minimum axon diameter chosen, as sheath_model_get_min_axon_diam()
 * will give it.
 *
 * Returns: the diameter in micrometres below which a fibre is dropped, 0
 *   for none
 */
double
sheath_calibration_get_min_axon_diam (SheathCalibration *self)
{
  g_return_val_if_fail (SHEATH_IS_CALIBRATION (self), 0);
  g_return_val_if_fail (self->done, 0);
  return g_array_index (self->trials, Trial, self->best).min_axon_diam;
}

/**
 * sheath_calibration_dup_report:
 * @self: a #SheathCalibration that has run
 *
 * What the calibration found, as a Markdown table for the model's card:
 * on the calibration images, the uncalibrated model's figures and the
 * chosen candidate's.
 *
 * Returns: (transfer full): the report
 */
char *
sheath_calibration_dup_report (SheathCalibration *self)
{
  GString *out;
  guint n_classes;
  g_autofree char *classes = NULL;
  g_autoptr(GHashTable) subjects = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) names = g_string_new (NULL);

  g_return_val_if_fail (SHEATH_IS_CALIBRATION (self), NULL);
  g_return_val_if_fail (self->done, NULL);

  n_classes = sheath_model_get_n_classes (self->model);
  classes = g_strjoinv (",", (char **) sheath_model_get_class_names (self->model));
  for (guint i = 0; i < self->images->len; i++)
    {
      CalibrationImage *im = g_ptr_array_index (self->images, i);
      const char *key = im->subject ? im->subject : im->name;

      if (g_hash_table_add (subjects, (gpointer) key))
        g_string_append_printf (names, "%s%s", names->len ? ", " : "", key);
    }
  out = g_string_new (NULL);
  g_string_append_printf (out, self->images->len == 1
                               ? "Calibrated on %u image of the training subjects (%s), %u candidates tried.\n\n"
                               : "Calibrated on %u images of the training subjects (%s), %u candidates tried.\n\n",
                          self->images->len, names->str, self->trials->len);
  g_string_append_printf (out, "| | weights (%s) | min. fibre confidence | min. axon diameter | count | mean diameter | "
                          "mean thickness | mean g-ratio | g-ratio bias | Dice axon / myelin |\n"
                          "|---|---|---|---|---|---|---|---|---|---|\n", classes);
  append_trial (out, "uncalibrated", &g_array_index (self->trials, Trial, 0), n_classes);
  append_trial (out, "chosen", &g_array_index (self->trials, Trial, self->best), n_classes);
  return g_string_free (out, FALSE);
}

/**
 * sheath_calibration_write_model:
 * @self: a #SheathCalibration that has run
 * @path: where to write the calibrated model (may be the model's own file)
 * @error: return location for a #GError
 *
 * Writes the model with the chosen weights and thresholds in its metadata
 * (`decision_weights`, `min_fibre_confidence`, `min_axon_diam_um`,
 * `test_time_flips`, `calibration_subjects`);
 * its tensors are unchanged. Written whole and renamed.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_calibration_write_model (SheathCalibration  *self,
                                const char         *path,
                                GError            **error)
{
  g_autoptr(GHashTable) changes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GString) weights = g_string_new (NULL);
  g_autoptr(GString) subjects = g_string_new (NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *source = NULL;
  const Trial *best;
  guint n;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (SHEATH_IS_CALIBRATION (self), FALSE);
  g_return_val_if_fail (self->done, FALSE);

  best = &g_array_index (self->trials, Trial, self->best);
  n = sheath_model_get_n_classes (self->model);
  for (guint c = 0; c < n; c++)
    g_string_append_printf (weights, "%s%s", c ? "," : "", g_ascii_formatd (buf, sizeof buf, "%g", best->weights[c]));
  for (guint i = 0; i < self->images->len; i++)
    {
      CalibrationImage *im = g_ptr_array_index (self->images, i);

      if (im->subject && g_hash_table_add (seen, im->subject))
        g_string_append_printf (subjects, "%s%s", subjects->len ? "," : "", im->subject);
    }
  g_hash_table_insert (changes, "decision_weights", g_strdup (weights->str));
  g_hash_table_insert (changes, "min_fibre_confidence",
                       g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", best->min_confidence)));
  g_hash_table_insert (changes, "min_axon_diam_um",
                       g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", best->min_axon_diam)));
  g_hash_table_insert (changes, "calibration_subjects", g_strdup (subjects->str));
  {
    gboolean flips;

    g_object_get (self->segmenter, "flips", &flips, NULL);
    g_hash_table_insert (changes, "test_time_flips", g_strdup (flips ? "true" : "false"));
  }
  source = g_file_get_path (sheath_model_get_file (self->model));
  return _sheath_safetensors_rewrite_metadata (source, path, changes, error);
}
