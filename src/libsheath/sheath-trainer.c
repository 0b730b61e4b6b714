/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-trainer"

#include "config.h"

#include <cblas.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sheath-util-private.h"
#include "sheath-error.h"
#include "sheath-limits.h"
#include "sheath-model-private.h"
#include "sheath-segmentation-private.h"
#include "sheath-segmenter.h"
#include "sheath-trainer-private.h"

G_DEFINE_FINAL_TYPE (SheathTrainer, sheath_trainer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MODALITY,
  PROP_DESCRIPTION,
  PROP_PIXEL_SIZE,
  PROP_DEPTH,
  PROP_BASE_CHANNELS,
  PROP_PATCH_SIZE,
  PROP_BATCH_SIZE,
  PROP_LEARNING_RATE,
  PROP_WEIGHT_DECAY,
  PROP_EPOCHS,
  PROP_MINUTES,
  PROP_N_THREADS,
  PROP_SEED,
  PROP_HALF_PRECISION,
  PROP_CHECKPOINT_INTERVAL,
  PROP_FRACTION,
  PROP_MESSAGE,
  PROP_EPOCH,
  PROP_LOSS,
  PROP_STEP_LOSS,
  PROP_EPOCH_POSITION,
  PROP_DICE_AXON,
  PROP_DICE_MYELIN,
  PROP_ACCURACY,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

/* ---- progress ---------------------------------------------------------- */

void
_sheath_trainer_apply_progress (SheathTrainer *self)
{
  double fraction, loss, step_loss, position, da, dm, acc;
  guint epoch;
  g_autofree char *message = NULL;

  g_mutex_lock (&self->mutex);
  fraction = self->p_fraction;
  message = g_strdup (self->p_message);
  epoch = self->p_epoch;
  loss = self->p_loss;
  step_loss = self->p_step_loss;
  position = self->p_epoch_position;
  da = self->p_dice_axon;
  dm = self->p_dice_myelin;
  acc = self->p_accuracy;
  self->queued = FALSE;
  g_mutex_unlock (&self->mutex);

  g_object_freeze_notify (G_OBJECT (self));
#define SET(field, value, prop) \
  if (self->field != (value)) { self->field = (value); g_object_notify_by_pspec (G_OBJECT (self), properties[prop]); }
  SET (fraction, fraction, PROP_FRACTION);
  SET (loss, loss, PROP_LOSS);
  SET (step_loss, step_loss, PROP_STEP_LOSS);
  SET (epoch_position, position, PROP_EPOCH_POSITION);
  SET (dice_axon, da, PROP_DICE_AXON);
  SET (dice_myelin, dm, PROP_DICE_MYELIN);
  SET (accuracy, acc, PROP_ACCURACY);
  SET (shown_epoch, epoch, PROP_EPOCH);
#undef SET
  if (g_strcmp0 (self->message, message) != 0)
    {
      g_free (self->message);
      self->message = g_steal_pointer (&message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
apply_progress_cb (gpointer data)
{
  _sheath_trainer_apply_progress (data);
  return G_SOURCE_REMOVE;
}

void
_sheath_trainer_report (SheathTrainer *self,
        const char    *message)
{
  g_mutex_lock (&self->mutex);
  self->p_fraction = self->total_steps ? MIN (1.0, (double) self->step / self->total_steps) : 0;
  g_free (self->p_message);
  self->p_message = g_strdup (message);
  self->p_epoch = self->epoch;
  self->p_epoch_position = self->steps_per_epoch ? (double) self->step / self->steps_per_epoch : 0;
  if (self->context == NULL)
    {
      g_mutex_unlock (&self->mutex);
      _sheath_trainer_apply_progress (self);
      return;
    }
  if (!self->queued)
    {
      GSource *source = g_idle_source_new ();

      self->queued = TRUE;
      g_source_set_callback (source, apply_progress_cb, g_object_ref (self), g_object_unref);
      g_source_attach (source, self->context);
      g_source_unref (source);
    }
  g_mutex_unlock (&self->mutex);
}

/* ---- GObject ------------------------------------------------------------- */

static void
sheath_trainer_finalize (GObject *object)
{
  SheathTrainer *self = (SheathTrainer *)object;

  g_clear_pointer (&self->sources, g_ptr_array_unref);
  g_clear_pointer (&self->data, _sheath_training_data_free);
  g_clear_pointer (&self->net, _sheath_train_net_free);
  g_clear_pointer (&self->validation_subjects, g_strfreev);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->init_path);
  g_free (self->output);
  g_free (self->checkpoint);
  g_free (self->modality);
  g_free (self->description);
  g_free (self->message);
  g_free (self->p_message);
  g_clear_object (&self->preview_image);
  g_clear_object (&self->preview);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (sheath_trainer_parent_class)->finalize (object);
}

static void
sheath_trainer_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SheathTrainer *self = SHEATH_TRAINER (object);

  switch (prop_id)
    {
    case PROP_MODALITY: g_value_set_string (value, self->modality); break;
    case PROP_DESCRIPTION: g_value_set_string (value, self->description); break;
    case PROP_PIXEL_SIZE: g_value_set_double (value, self->pixel_size); break;
    case PROP_DEPTH: g_value_set_uint (value, self->depth); break;
    case PROP_BASE_CHANNELS: g_value_set_uint (value, self->base_channels); break;
    case PROP_PATCH_SIZE: g_value_set_uint (value, self->patch_size); break;
    case PROP_BATCH_SIZE: g_value_set_uint (value, self->batch_size); break;
    case PROP_LEARNING_RATE: g_value_set_double (value, self->learning_rate); break;
    case PROP_WEIGHT_DECAY: g_value_set_double (value, self->weight_decay); break;
    case PROP_EPOCHS: g_value_set_uint (value, self->epochs); break;
    case PROP_MINUTES: g_value_set_double (value, self->minutes); break;
    case PROP_N_THREADS: g_value_set_uint (value, self->n_threads); break;
    case PROP_SEED: g_value_set_uint64 (value, self->seed); break;
    case PROP_HALF_PRECISION: g_value_set_boolean (value, self->half_precision); break;
    case PROP_CHECKPOINT_INTERVAL: g_value_set_double (value, self->checkpoint_interval); break;
    case PROP_FRACTION: g_value_set_double (value, self->fraction); break;
    case PROP_MESSAGE: g_value_set_string (value, self->message); break;
    case PROP_EPOCH: g_value_set_uint (value, self->shown_epoch); break;
    case PROP_LOSS: g_value_set_double (value, self->loss); break;
    case PROP_STEP_LOSS: g_value_set_double (value, self->step_loss); break;
    case PROP_EPOCH_POSITION: g_value_set_double (value, self->epoch_position); break;
    case PROP_DICE_AXON: g_value_set_double (value, self->dice_axon); break;
    case PROP_DICE_MYELIN: g_value_set_double (value, self->dice_myelin); break;
    case PROP_ACCURACY: g_value_set_double (value, self->accuracy); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_trainer_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SheathTrainer *self = SHEATH_TRAINER (object);

  switch (prop_id)
    {
    case PROP_MODALITY: g_free (self->modality); self->modality = g_value_dup_string (value); break;
    case PROP_DESCRIPTION: g_free (self->description); self->description = g_value_dup_string (value); break;
    case PROP_PIXEL_SIZE: self->pixel_size = g_value_get_double (value); break;
    case PROP_DEPTH: self->depth = g_value_get_uint (value); break;
    case PROP_BASE_CHANNELS: self->base_channels = g_value_get_uint (value); break;
    case PROP_PATCH_SIZE: self->patch_size = g_value_get_uint (value); break;
    case PROP_BATCH_SIZE: self->batch_size = g_value_get_uint (value); break;
    case PROP_LEARNING_RATE: self->learning_rate = g_value_get_double (value); break;
    case PROP_WEIGHT_DECAY: self->weight_decay = g_value_get_double (value); break;
    case PROP_EPOCHS: self->epochs = g_value_get_uint (value); break;
    case PROP_MINUTES: self->minutes = g_value_get_double (value); break;
    case PROP_N_THREADS: self->n_threads = g_value_get_uint (value); break;
    case PROP_SEED: self->seed = g_value_get_uint64 (value); break;
    case PROP_HALF_PRECISION: self->half_precision = g_value_get_boolean (value); break;
    case PROP_CHECKPOINT_INTERVAL: self->checkpoint_interval = g_value_get_double (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_trainer_class_init (SheathTrainerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sheath_trainer_finalize;
  object_class->get_property = sheath_trainer_get_property;
  object_class->set_property = sheath_trainer_set_property;

  /**
   * SheathTrainer:modality:
   *
   * The modality written into the model ("SEM", "TEM", …).
   */
  properties[PROP_MODALITY] = g_param_spec_string ("modality", NULL, NULL, "other", rw);
  /**
   * SheathTrainer:description:
   *
   * The model's description.
   */
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, rw);
  /**
   * SheathTrainer:pixel-size:
   *
   * The model's pixel size in µm; 0 takes the initial model's, or the
   * median of the training images'.
   */
  properties[PROP_PIXEL_SIZE] = g_param_spec_double ("pixel-size", NULL, NULL, 0, 1000, 0, rw);
  /**
   * SheathTrainer:depth:
   *
   * U-Net depth of a new model.
   */
  properties[PROP_DEPTH] = g_param_spec_uint ("depth", NULL, NULL, 1, SHEATH_NET_MAX_DEPTH, 4, rw);
  /**
   * SheathTrainer:base-channels:
   *
   * Channels at the top level of a new model.
   */
  properties[PROP_BASE_CHANNELS] = g_param_spec_uint ("base-channels", NULL, NULL, 1, 256, 32, rw);
  /**
   * SheathTrainer:patch-size:
   *
   * Side of the training patches, in model pixels.
   */
  properties[PROP_PATCH_SIZE] = g_param_spec_uint ("patch-size", NULL, NULL, 16, 1024, 256, rw);
  /**
   * SheathTrainer:batch-size:
   *
   * Patches per step.
   */
  properties[PROP_BATCH_SIZE] = g_param_spec_uint ("batch-size", NULL, NULL, 1, 256, 8, rw);
  /**
   * SheathTrainer:learning-rate:
   *
   * AdamW's peak learning rate, after warm-up and before cosine decay.
   */
  properties[PROP_LEARNING_RATE] = g_param_spec_double ("learning-rate", NULL, NULL, 0, 1, 1e-3, rw);
  /**
   * SheathTrainer:weight-decay:
   *
   * AdamW's decoupled weight decay, on weights only.
   */
  properties[PROP_WEIGHT_DECAY] = g_param_spec_double ("weight-decay", NULL, NULL, 0, 1, 1e-4, rw);
  /**
   * SheathTrainer:epochs:
   *
   * How many epochs to train (an epoch shows about as many pixels as the
   * training images hold); 0 to use #SheathTrainer:minutes.
   */
  properties[PROP_EPOCHS] = g_param_spec_uint ("epochs", NULL, NULL, 0, 100000, 0, rw);
  /**
   * SheathTrainer:minutes:
   *
   * A time budget for the whole run, reading the images and validating
   * included, used when #SheathTrainer:epochs is 0: the number of steps
   * is fitted to it from the speed of the first steps and, after the
   * first epoch, from what a validation took.
   */
  properties[PROP_MINUTES] = g_param_spec_double ("minutes", NULL, NULL, 0, 1e6, 0, rw);
  /**
   * SheathTrainer:n-threads:
   *
   * Threads to use; 0 for one per processor.
   */
  properties[PROP_N_THREADS] = g_param_spec_uint ("n-threads", NULL, NULL, 0, SHEATH_MAX_THREADS, 0, rw);
  /**
   * SheathTrainer:seed:
   *
   * Seeds the initial weights, the split and the patches.
   */
  properties[PROP_SEED] = g_param_spec_uint64 ("seed", NULL, NULL, 0, G_MAXUINT64, 1, rw);
  /**
   * SheathTrainer:half-precision:
   *
   * Store the model's tensors as F16.
   */
  properties[PROP_HALF_PRECISION] = g_param_spec_boolean ("half-precision", NULL, NULL, TRUE, rw);
  /**
   * SheathTrainer:checkpoint-interval:
   *
   * Seconds between checkpoints (one is also written after every epoch).
   */
  properties[PROP_CHECKPOINT_INTERVAL] = g_param_spec_double ("checkpoint-interval", NULL, NULL, 1, 1e6, 300, rw);
  /**
   * SheathTrainer:fraction:
   *
   * Progress from 0 to 1.
   */
  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0, ro);
  /**
   * SheathTrainer:message:
   *
   * What the trainer is doing.
   */
  properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, ro);
  /**
   * SheathTrainer:epoch:
   *
   * Epochs completed; its notification comes after validation figures.
   */
  properties[PROP_EPOCH] = g_param_spec_uint ("epoch", NULL, NULL, 0, G_MAXUINT, 0, ro);
  /**
   * SheathTrainer:loss:
   *
   * Mean training loss of the last epoch.
   */
  properties[PROP_LOSS] = g_param_spec_double ("loss", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  /**
   * SheathTrainer:step-loss:
   *
   * Mean training loss of the epoch in progress so far, step by step: a
   * curve of it shows how training goes before the first epoch ends.
   */
  properties[PROP_STEP_LOSS] = g_param_spec_double ("step-loss", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  /**
   * SheathTrainer:epoch-position:
   *
   * How far training is, in epochs (2.5: half way through the third).
   */
  properties[PROP_EPOCH_POSITION] = g_param_spec_double ("epoch-position", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  /**
   * SheathTrainer:validation-dice-axon:
   *
   * Axon Dice on the validation images after the last epoch.
   */
  properties[PROP_DICE_AXON] = g_param_spec_double ("validation-dice-axon", NULL, NULL, 0, 1, 0, ro);
  /**
   * SheathTrainer:validation-dice-myelin:
   *
   * Myelin Dice on the validation images after the last epoch.
   */
  properties[PROP_DICE_MYELIN] = g_param_spec_double ("validation-dice-myelin", NULL, NULL, 0, 1, 0, ro);
  /**
   * SheathTrainer:validation-accuracy:
   *
   * Pixel accuracy on the validation images after the last epoch.
   */
  properties[PROP_ACCURACY] = g_param_spec_double ("validation-accuracy", NULL, NULL, 0, 1, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sheath_trainer_init (SheathTrainer *self)
{
  g_mutex_init (&self->mutex);
  self->sources = g_ptr_array_new_with_free_func (g_free);
  self->data = _sheath_training_data_new ();
  self->modality = g_strdup ("other");
  self->depth = 4;
  self->base_channels = 32;
  self->patch_size = 256;
  self->batch_size = 8;
  self->learning_rate = 1e-3;
  self->weight_decay = 1e-4;
  self->seed = 1;
  self->half_precision = TRUE;
  self->checkpoint_interval = 300;
  self->best_score = -1;
}

/**
 * sheath_trainer_new:
 *
 * Returns: (transfer full): a trainer with default settings
 */
SheathTrainer *
sheath_trainer_new (void)
{
  return g_object_new (SHEATH_TYPE_TRAINER, NULL);
}

static char *
source_json (const char *kind,
             const char *a,
             const char *b,
             const char *c,
             double      pixel_size,
             const char *subject)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, a);
  if (b != NULL)
    {
      json_builder_set_member_name (builder, "axon");
      json_builder_add_string_value (builder, b);
      json_builder_set_member_name (builder, "myelin");
      json_builder_add_string_value (builder, c);
      json_builder_set_member_name (builder, "pixel_size");
      json_builder_add_double_value (builder, pixel_size);
      json_builder_set_member_name (builder, "subject");
      json_builder_add_string_value (builder, subject ? subject : "");
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/**
 * sheath_trainer_add_dataset:
 * @self: a #SheathTrainer
 * @bids_dir: a BIDS dataset with manual masks in `derivatives/labels`
 * @error: return location for a #GError
 *
 * Adds every image of a dataset and its masks.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_trainer_add_dataset (SheathTrainer  *self,
                            const char     *bids_dir,
                            GError        **error)
{
  g_autofree char *absolute = NULL;

  g_return_val_if_fail (SHEATH_IS_TRAINER (self), FALSE);

  absolute = g_canonicalize_filename (bids_dir, NULL);
  if (!_sheath_training_data_add_bids (self->data, absolute, error))
    return FALSE;
  g_ptr_array_add (self->sources, source_json ("bids", absolute, NULL, NULL, 0, NULL));
  return TRUE;
}

/**
 * sheath_trainer_add_image:
 * @self: a #SheathTrainer
 * @image: an image
 * @axon_mask: its axon mask
 * @myelin_mask: its myelin mask
 * @pixel_size: its pixel size in µm, or 0 to read it as usual
 * @subject: (nullable): the animal it comes from (images of one subject
 *   are kept on one side of the validation split); %NULL uses its folder
 * @error: return location for a #GError
 *
 * Adds one labelled image.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_trainer_add_image (SheathTrainer  *self,
                          const char     *image,
                          const char     *axon_mask,
                          const char     *myelin_mask,
                          double          pixel_size,
                          const char     *subject,
                          GError        **error)
{
  g_autofree char *i = NULL, *a = NULL, *m = NULL;

  g_return_val_if_fail (SHEATH_IS_TRAINER (self), FALSE);

  i = g_canonicalize_filename (image, NULL);
  a = g_canonicalize_filename (axon_mask, NULL);
  m = g_canonicalize_filename (myelin_mask, NULL);
  if (!_sheath_training_data_add_image (self->data, i, a, m, pixel_size, subject, error))
    return FALSE;
  g_ptr_array_add (self->sources, source_json ("image", i, a, m, pixel_size, subject));
  return TRUE;
}

/**
 * sheath_trainer_set_init_model:
 * @self: a #SheathTrainer
 * @path: a Sheath model with batch-norm tensors (as Sheath writes them)
 * @error: return location for a #GError
 *
 * Fine-tunes from @path instead of starting from random weights; its
 * architecture is kept, and its pixel size and modality unless they were
 * set.
 *
 * Returns: %TRUE if @path is a usable model
 */
gboolean
sheath_trainer_set_init_model (SheathTrainer  *self,
                               const char     *path,
                               GError        **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(SheathModel) model = sheath_model_new_from_file (file, error);
  g_autoptr(SheathSafetensors) st = NULL;
  g_autoptr(SheathTrainNet) net = NULL;

  g_return_val_if_fail (SHEATH_IS_TRAINER (self), FALSE);

  if (model == NULL || !(st = _sheath_safetensors_open (file, error)))
    return FALSE;
  net = _sheath_train_net_new (sheath_model_get_depth (model), sheath_model_get_base_channels (model),
                               sheath_model_get_in_channels (model), sheath_model_get_n_classes (model));
  if (!_sheath_train_net_load (net, st, error))
    {
      g_prefix_error (error, "Cannot fine-tune from '%s': ", path);
      return FALSE;
    }

  g_clear_pointer (&self->net, _sheath_train_net_free);
  self->net = g_steal_pointer (&net);
  self->depth = sheath_model_get_depth (model);
  self->base_channels = sheath_model_get_base_channels (model);
  if (self->pixel_size <= 0)
    self->pixel_size = sheath_model_get_pixel_size (model);
  /* a fine-tuned model is of its parent's modality unless told otherwise */
  if (g_strcmp0 (self->modality, "other") == 0)
    {
      g_free (self->modality);
      self->modality = g_strdup (sheath_model_get_modality (model));
    }
  g_free (self->init_path);
  self->init_path = g_canonicalize_filename (path, NULL);
  return TRUE;
}

/**
 * sheath_trainer_set_output:
 * @self: a #SheathTrainer
 * @path: where the best model is written
 *
 * Sets the output model file.
 */
void
sheath_trainer_set_output (SheathTrainer *self,
                           const char    *path)
{
  g_return_if_fail (SHEATH_IS_TRAINER (self));
  g_free (self->output);
  self->output = g_canonicalize_filename (path, NULL);
}

/**
 * sheath_trainer_get_output:
 *
 * Returns: (nullable): the model file written, or %NULL before one is set
 */
const char *
sheath_trainer_get_output (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), NULL);
  return self->output;
}

/**
 * sheath_trainer_set_checkpoint:
 * @self: a #SheathTrainer
 * @path: where checkpoints are written
 *
 * Sets the checkpoint file (default: the output with `.checkpoint`).
 */
void
sheath_trainer_set_checkpoint (SheathTrainer *self,
                               const char    *path)
{
  g_return_if_fail (SHEATH_IS_TRAINER (self));
  g_free (self->checkpoint);
  self->checkpoint = g_canonicalize_filename (path, NULL);
}

/**
 * sheath_trainer_set_validation_subjects:
 * @self: a #SheathTrainer
 * @subjects: (nullable) (array zero-terminated=1): subjects held out for
 *   validation; %NULL lets the trainer choose about a fifth of them
 *
 * Sets the validation split.
 */
void
sheath_trainer_set_validation_subjects (SheathTrainer      *self,
                                        const char * const *subjects)
{
  g_return_if_fail (SHEATH_IS_TRAINER (self));
  g_strfreev (self->validation_subjects);
  self->validation_subjects = g_strdupv ((char **) subjects);
}

/**
 * sheath_trainer_set_class_weights:
 * @self: a #SheathTrainer
 * @weights: (nullable) (array fixed-size=3): the loss weights of background,
 *   myelin and axon, each above 0; %NULL for 1 / √frequency of each class in
 *   the training masks
 * @error: return location for a #GError
 *
 * Sets how much each class counts in the loss (cross-entropy and Dice).
 * Only their ratios matter.
 *
 * Returns: %TRUE, or %FALSE with @error set when a weight is not above 0
 */
gboolean
sheath_trainer_set_class_weights (SheathTrainer  *self,
                                  const double   *weights,
                                  GError        **error)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), FALSE);

  if (weights == NULL)
    {
      memset (self->class_weights, 0, sizeof self->class_weights);
      return TRUE;
    }
  for (guint c = 0; c < 3; c++)
    if (!(weights[c] > 0 && weights[c] < 1e6))
      {
        g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                     "A class weight must be a number above 0 (and below a million), not %g", weights[c]);
        return FALSE;
      }
  memcpy (self->class_weights, weights, sizeof self->class_weights);
  return TRUE;
}

/* ---- models and checkpoints -------------------------------------------- */

/* 0 in all three: 1 / √frequency, from the data */

/* ---- typed settings, as the segmenter has them ---------------------------- */

/**
 * sheath_trainer_set_modality:
 *
 * Sets #SheathTrainer:modality.
 */
void
sheath_trainer_set_modality (SheathTrainer *self,
                             const char *value)
{
  g_return_if_fail (SHEATH_IS_TRAINER (self));
  g_object_set (self, "modality", value, NULL);
}

/**
 * sheath_trainer_get_modality:
 *
 * Returns: #SheathTrainer:modality
 */
const char *
sheath_trainer_get_modality (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), NULL);
  return self->modality;
}

/**
 * sheath_trainer_set_description:
 *
 * Sets #SheathTrainer:description.
 */
void
sheath_trainer_set_description (SheathTrainer *self,
                                const char *value)
{
  g_return_if_fail (SHEATH_IS_TRAINER (self));
  g_object_set (self, "description", value, NULL);
}

/**
 * sheath_trainer_get_description:
 *
 * Returns: #SheathTrainer:description
 */
const char *
sheath_trainer_get_description (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), NULL);
  return self->description;
}

/**
 * sheath_trainer_set_pixel_size:
 *
 * Sets #SheathTrainer:pixel-size.
 */
void
sheath_trainer_set_pixel_size (SheathTrainer *self,
                               double value)
{
  g_return_if_fail (SHEATH_IS_TRAINER (self));
  g_object_set (self, "pixel-size", value, NULL);
}

/**
 * sheath_trainer_get_pixel_size:
 *
 * Returns: #SheathTrainer:pixel-size
 */
double
sheath_trainer_get_pixel_size (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->pixel_size;
}

/**
 * sheath_trainer_set_depth:
 *
 * Sets #SheathTrainer:depth.
 */
void
sheath_trainer_set_depth (SheathTrainer *self,
                          guint value)
{
  g_return_if_fail (SHEATH_IS_TRAINER (self));
  g_object_set (self, "depth", value, NULL);
}

/**
 * sheath_trainer_get_depth:
 *
 * Returns: #SheathTrainer:depth
 */
guint
sheath_trainer_get_depth (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->depth;
}

/**
 * sheath_trainer_set_base_channels:
 *
 * Sets #SheathTrainer:base-channels.
 */
void
sheath_trainer_set_base_channels (SheathTrainer *self,
                                  guint value)
{
  g_return_if_fail (SHEATH_IS_TRAINER (self));
  g_object_set (self, "base-channels", value, NULL);
}

/**
 * sheath_trainer_get_base_channels:
 *
 * Returns: #SheathTrainer:base-channels
 */
guint
sheath_trainer_get_base_channels (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->base_channels;
}

/**
 * sheath_trainer_set_patch_size:
 *
 * Sets #SheathTrainer:patch-size.
 */
void
sheath_trainer_set_patch_size (SheathTrainer *self,
                               guint value)
{
  g_return_if_fail (SHEATH_IS_TRAINER (self));
  g_object_set (self, "patch-size", value, NULL);
}

/**
 * sheath_trainer_get_patch_size:
 *
 * Returns: #SheathTrainer:patch-size
 */
guint
sheath_trainer_get_patch_size (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->patch_size;
}

/**
 * sheath_trainer_set_batch_size:
 *
 * Sets #SheathTrainer:batch-size.
 */
void
sheath_trainer_set_batch_size (SheathTrainer *self,
                               guint value)
{
  g_return_if_fail (SHEATH_IS_TRAINER (self));
  g_object_set (self, "batch-size", value, NULL);
}

/**
 * sheath_trainer_get_batch_size:
 *
 * Returns: #SheathTrainer:batch-size
 */
guint
sheath_trainer_get_batch_size (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->batch_size;
}

/**
 * sheath_trainer_set_learning_rate:
 *
 * Sets #SheathTrainer:learning-rate.
 */
void
sheath_trainer_set_learning_rate (SheathTrainer *self,
                                  double value)
{
  g_return_if_fail (SHEATH_IS_TRAINER (self));
  g_object_set (self, "learning-rate", value, NULL);
}

/**
 * sheath_trainer_get_learning_rate:
 *
 * Returns: #SheathTrainer:learning-rate
 */
double
sheath_trainer_get_learning_rate (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->learning_rate;
}

/**
 * sheath_trainer_set_weight_decay:
 *
 * Sets #SheathTrainer:weight-decay.
 */
void
sheath_trainer_set_weight_decay (SheathTrainer *self,
                                 double value)
{
  g_return_if_fail (SHEATH_IS_TRAINER (self));
  g_object_set (self, "weight-decay", value, NULL);
}

/**
 * sheath_trainer_get_weight_decay:
 *
 * Returns: #SheathTrainer:weight-decay
 */
double
sheath_trainer_get_weight_decay (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->weight_decay;
}

/**
 * sheath_trainer_set_epochs:
 *
 * Sets #SheathTrainer:epochs.
 */
void
sheath_trainer_set_epochs (SheathTrainer *self,
                           guint value)
{
  g_return_if_fail (SHEATH_IS_TRAINER (self));
  g_object_set (self, "epochs", value, NULL);
}

/**
 * sheath_trainer_get_epochs:
 *
 * Returns: #SheathTrainer:epochs
 */
guint
sheath_trainer_get_epochs (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->epochs;
}

/**
 * sheath_trainer_set_minutes:
 *
 * Sets #SheathTrainer:minutes.
 */
void
sheath_trainer_set_minutes (SheathTrainer *self,
                            double value)
{
  g_return_if_fail (SHEATH_IS_TRAINER (self));
  g_object_set (self, "minutes", value, NULL);
}

/**
 * sheath_trainer_get_minutes:
 *
 * Returns: #SheathTrainer:minutes
 */
double
sheath_trainer_get_minutes (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->minutes;
}

/**
 * sheath_trainer_set_n_threads:
 *
 * Sets #SheathTrainer:n-threads.
 */
void
sheath_trainer_set_n_threads (SheathTrainer *self,
                              guint value)
{
  g_return_if_fail (SHEATH_IS_TRAINER (self));
  g_object_set (self, "n-threads", value, NULL);
}

/**
 * sheath_trainer_get_n_threads:
 *
 * Returns: #SheathTrainer:n-threads
 */
guint
sheath_trainer_get_n_threads (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->n_threads;
}

/**
 * sheath_trainer_set_seed:
 *
 * Sets #SheathTrainer:seed.
 */
void
sheath_trainer_set_seed (SheathTrainer *self,
                         guint64 value)
{
  g_return_if_fail (SHEATH_IS_TRAINER (self));
  g_object_set (self, "seed", value, NULL);
}

/**
 * sheath_trainer_get_seed:
 *
 * Returns: #SheathTrainer:seed
 */
guint64
sheath_trainer_get_seed (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->seed;
}

/**
 * sheath_trainer_set_half_precision:
 *
 * Sets #SheathTrainer:half-precision.
 */
void
sheath_trainer_set_half_precision (SheathTrainer *self,
                                   gboolean value)
{
  g_return_if_fail (SHEATH_IS_TRAINER (self));
  g_object_set (self, "half-precision", value, NULL);
}

/**
 * sheath_trainer_get_half_precision:
 *
 * Returns: #SheathTrainer:half-precision
 */
gboolean
sheath_trainer_get_half_precision (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->half_precision;
}

/**
 * sheath_trainer_set_checkpoint_interval:
 *
 * Sets #SheathTrainer:checkpoint-interval.
 */
void
sheath_trainer_set_checkpoint_interval (SheathTrainer *self,
                                        double value)
{
  g_return_if_fail (SHEATH_IS_TRAINER (self));
  g_object_set (self, "checkpoint-interval", value, NULL);
}

/**
 * sheath_trainer_get_checkpoint_interval:
 *
 * Returns: #SheathTrainer:checkpoint-interval
 */
double
sheath_trainer_get_checkpoint_interval (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->checkpoint_interval;
}
