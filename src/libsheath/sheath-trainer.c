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
#include "sheath-model-private.h"
#include "sheath-rng-private.h"
#include "sheath-safetensors-private.h"
#include "sheath-segmentation-private.h"
#include "sheath-segmenter.h"
#include "sheath-train-net-private.h"
#include "sheath-limits.h"
#include "sheath-trainer.h"
#include "sheath-training-data-private.h"

#define CHECKPOINT_VERSION "1"

struct _SheathTrainer
{
  GObject             parent_instance;

  /* what to train */
  GPtrArray          *sources;          /* JSON strings describing the data, for checkpoints */
  SheathTrainingData *data;
  char               *init_path;
  char               *output;
  char               *checkpoint;
  char              **validation_subjects;
  char               *modality;
  char               *description;
  double              pixel_size;
  guint               depth;
  guint               base_channels;
  guint               patch_size;
  guint               batch_size;
  double              learning_rate;
  double              weight_decay;
  guint               epochs;
  double              minutes;
  guint               n_threads;
  guint64             seed;
  gboolean            half_precision;
  double              checkpoint_interval;
  double              class_weights[3];  /* all 0: 1 / √frequency, from the data */

  /* state, saved in checkpoints */
  SheathTrainNet     *net;
  SheathRng           rng;
  guint64             step;
  guint64             total_steps;
  guint               epoch;
  double              best_score;
  double              elapsed;          /* training seconds, earlier runs included */
  gboolean            resumed;
  gint64              run_start;        /* when this process's run began, 0 before */
  double              elapsed_at_run_start;
  gint64              steps_start;      /* when this run's first step began */
  guint64             first_step;

  /* progress, as the main context sees it */
  GMutex              mutex;
  gboolean            queued;
  double              fraction, p_fraction;
  char               *message, *p_message;
  guint               shown_epoch, p_epoch;
  double              loss, p_loss;
  double              step_loss, p_step_loss;
  double              epoch_position, p_epoch_position;
  guint64             steps_per_epoch;  /* of the run in flight */
  double              dice_axon, p_dice_axon;
  double              dice_myelin, p_dice_myelin;
  double              accuracy, p_accuracy;
  GMainContext       *context;
  SheathImage        *preview_image;    /* the first validation image and its last prediction */
  SheathSegmentation *preview;
};

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

static void
apply_progress (SheathTrainer *self)
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
  apply_progress (data);
  return G_SOURCE_REMOVE;
}

static void
report (SheathTrainer *self,
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
      apply_progress (self);
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
static const char * const class_weight_keys[3] = {
  "class_weight_background", "class_weight_myelin", "class_weight_axon"
};

/* Brings the training time up to now; called wherever it is written. */
static void
count_elapsed (SheathTrainer *self)
{
  if (self->run_start != 0)
    self->elapsed = self->elapsed_at_run_start + (g_get_monotonic_time () - self->run_start) / 1e6;
}

/* "Intel Xeon @ 2.50GHz, 2 cores": where a model was trained, for its card */
static char *
machine_description (void)
{
  g_autofree char *cpuinfo = NULL;
  g_autofree char *model = NULL;

  if (g_file_get_contents ("/proc/cpuinfo", &cpuinfo, NULL, NULL))
    {
      const char *line = strstr (cpuinfo, "model name");
      const char *colon = line ? strchr (line, ':') : NULL;

      if (colon != NULL)
        model = g_strstrip (g_strndup (colon + 1, strcspn (colon + 1, "\n")));
    }
  return g_strdup_printf ("%s, %u cores", model ? model : "unknown processor", g_get_num_processors ());
}

static GHashTable *
model_metadata (SheathTrainer *self,
                double         dice_axon,
                double         dice_myelin)
{
  GHashTable *meta = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_auto(GStrv) val = _sheath_training_data_dup_subjects (self->data, TRUE);
  g_autofree char *val_joined = g_strjoinv (",", val);

  count_elapsed (self);

  g_hash_table_insert (meta, "format", g_strdup ("sheath-model-1"));
  g_hash_table_insert (meta, "architecture", g_strdup ("unet"));
  g_hash_table_insert (meta, "depth", g_strdup_printf ("%u", self->depth));
  g_hash_table_insert (meta, "base_channels", g_strdup_printf ("%u", self->base_channels));
  g_hash_table_insert (meta, "kernel_size", g_strdup ("3"));
  g_hash_table_insert (meta, "in_channels", g_strdup ("1"));
  g_hash_table_insert (meta, "classes", g_strdup ("background,myelin,axon"));
  g_hash_table_insert (meta, "pixel_size_um", g_strdup_printf ("%.10g", self->pixel_size));
  g_hash_table_insert (meta, "modality", g_strdup (self->modality));
  g_hash_table_insert (meta, "normalization", g_strdup ("image-zscore"));
  g_hash_table_insert (meta, "batch_norm_eps", g_strdup ("1e-05"));
  g_hash_table_insert (meta, "description", g_strdup (self->description ? self->description : ""));
  g_hash_table_insert (meta, "training_steps", g_strdup_printf ("%" G_GUINT64_FORMAT, self->step));
  g_hash_table_insert (meta, "training_epochs", g_strdup_printf ("%u", self->epoch));
  /* all sessions together, pauses not counted */
  g_hash_table_insert (meta, "training_seconds", g_strdup_printf ("%.0f", self->elapsed));
  g_hash_table_insert (meta, "validation_subjects", g_strdup (val_joined));
  g_hash_table_insert (meta, "validation_dice_axon", g_strdup_printf ("%.4f", dice_axon));
  g_hash_table_insert (meta, "validation_dice_myelin", g_strdup_printf ("%.4f", dice_myelin));
  g_hash_table_insert (meta, "trained_with", g_strdup_printf ("sheath %s", PACKAGE_VERSION));
  g_hash_table_insert (meta, "training_machine", machine_description ());
  g_hash_table_insert (meta, "training_batch_size", g_strdup_printf ("%u", self->batch_size));
  g_hash_table_insert (meta, "training_patch_size", g_strdup_printf ("%u", self->patch_size));
  if (self->init_path != NULL && *self->init_path != '\0')
    {
      g_autofree char *base = g_path_get_basename (self->init_path);

      if (g_str_has_suffix (base, ".safetensors"))
        base[strlen (base) - strlen (".safetensors")] = '\0';
      g_hash_table_insert (meta, "fine_tuned_from", g_steal_pointer (&base));
    }
  return meta;
}

static gboolean
write_checkpoint (SheathTrainer  *self,
                  GError        **error)
{
  g_autoptr(GArray) tensors = g_array_new (FALSE, TRUE, sizeof (SheathTensorOut));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) meta = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autofree char *sources = NULL;
  g_auto(GStrv) val = _sheath_training_data_dup_subjects (self->data, TRUE);

  count_elapsed (self);
  for (guint i = 0; i < _sheath_train_net_get_n_params (self->net); i++)
    {
      SheathParam *p = _sheath_train_net_get_param (self->net, i);
      const float *parts[3] = { p->value, p->m, p->v };
      const char *prefixes[3] = { "param.", "adam_m.", "adam_v." };

      for (guint k = 0; k < 3; k++)
        {
          SheathTensorOut t = { NULL, p->n_dims, { 0 }, parts[k], FALSE };
          char *name = g_strconcat (prefixes[k], p->name, NULL);

          g_ptr_array_add (names, name);
          t.name = name;
          memcpy (t.dims, p->dims, sizeof t.dims);
          g_array_append_val (tensors, t);
        }
    }
  for (guint i = 0; i < _sheath_train_net_get_n_buffers (self->net); i++)
    {
      SheathParam *p = _sheath_train_net_get_buffer (self->net, i);
      SheathTensorOut t = { NULL, p->n_dims, { 0 }, p->value, FALSE };
      char *name = g_strconcat ("buffer.", p->name, NULL);

      g_ptr_array_add (names, name);
      t.name = name;
      memcpy (t.dims, p->dims, sizeof t.dims);
      g_array_append_val (tensors, t);
    }

  g_ptr_array_add (self->sources, NULL);
  sources = g_strjoinv ("\n", (char **) self->sources->pdata);
  g_ptr_array_remove_index (self->sources, self->sources->len - 1);

  g_hash_table_insert (meta, "sheath_checkpoint", g_strdup (CHECKPOINT_VERSION));
  g_hash_table_insert (meta, "sources", g_steal_pointer (&sources));
  g_hash_table_insert (meta, "validation_subjects", g_strjoinv ("\n", val));
  g_hash_table_insert (meta, "output", g_strdup (self->output));
  g_hash_table_insert (meta, "init", g_strdup (self->init_path ? self->init_path : ""));
  g_hash_table_insert (meta, "modality", g_strdup (self->modality));
  g_hash_table_insert (meta, "description", g_strdup (self->description ? self->description : ""));
  g_hash_table_insert (meta, "pixel_size_um", g_strdup_printf ("%.17g", self->pixel_size));
  g_hash_table_insert (meta, "depth", g_strdup_printf ("%u", self->depth));
  g_hash_table_insert (meta, "base_channels", g_strdup_printf ("%u", self->base_channels));
  g_hash_table_insert (meta, "patch_size", g_strdup_printf ("%u", self->patch_size));
  g_hash_table_insert (meta, "batch_size", g_strdup_printf ("%u", self->batch_size));
  g_hash_table_insert (meta, "learning_rate", g_strdup_printf ("%.17g", self->learning_rate));
  g_hash_table_insert (meta, "weight_decay", g_strdup_printf ("%.17g", self->weight_decay));
  g_hash_table_insert (meta, "seed", g_strdup_printf ("%" G_GUINT64_FORMAT, self->seed));
  /* a budget is kept only where it sizes the schedule */
  g_hash_table_insert (meta, "minutes", g_strdup_printf ("%.17g", self->epochs > 0 ? 0 : self->minutes));
  for (guint c = 0; c < 3; c++)
    g_hash_table_insert (meta, (char *) class_weight_keys[c], g_strdup_printf ("%.17g", self->class_weights[c]));
  g_hash_table_insert (meta, "half_precision", g_strdup (self->half_precision ? "1" : "0"));
  g_hash_table_insert (meta, "rng", _sheath_rng_to_string (&self->rng));
  g_hash_table_insert (meta, "step", g_strdup_printf ("%" G_GUINT64_FORMAT, self->step));
  g_hash_table_insert (meta, "total_steps", g_strdup_printf ("%" G_GUINT64_FORMAT, self->total_steps));
  g_hash_table_insert (meta, "epoch", g_strdup_printf ("%u", self->epoch));
  g_hash_table_insert (meta, "best_score", g_strdup_printf ("%.17g", self->best_score));
  g_hash_table_insert (meta, "elapsed_seconds", g_strdup_printf ("%.3f", self->elapsed));

  if (!_sheath_safetensors_write (self->checkpoint, meta, (SheathTensorOut *) tensors->data, tensors->len, error))
    {
      g_prefix_error (error, "Checkpoint not saved (the previous one is intact): ");
      return FALSE;
    }
  return TRUE;
}

static const char *
need_meta (SheathSafetensors  *st,
           const char         *key,
           GError            **error)
{
  const char *v = _sheath_safetensors_get_meta (st, key);

  if (v == NULL)
    g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                 "Checkpoint '%s' is damaged: it lacks '%s'", _sheath_safetensors_get_name (st), key);
  return v;
}

/**
 * sheath_trainer_new_from_checkpoint:
 * @checkpoint: a checkpoint written by a #SheathTrainer
 * @error: return location for a #GError
 *
 * Rebuilds a training run where its checkpoint left it: data, split,
 * settings, weights, optimizer state, step and random state, so that
 * sheath_trainer_train() continues exactly.
 *
 * Returns: (transfer full): the trainer, or %NULL with @error set
 */
SheathTrainer *
sheath_trainer_new_from_checkpoint (const char  *checkpoint,
                                    GError     **error)
{
  g_autoptr(SheathTrainer) self = sheath_trainer_new ();
  g_autoptr(GFile) file = g_file_new_for_path (checkpoint);
  g_autoptr(SheathSafetensors) st = _sheath_safetensors_open (file, error);
  const char *keys[] = { "sheath_checkpoint", "sources", "validation_subjects", "output", "pixel_size_um",
                         "depth", "base_channels", "patch_size", "batch_size", "learning_rate", "weight_decay",
                         "seed", "rng", "step", "total_steps", "epoch", "best_score", "modality" };
  g_auto(GStrv) sources = NULL;
  double weights[3];
  gboolean weights_ok;

  if (st == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (!need_meta (st, keys[i], error))
      return NULL;

  self->checkpoint = g_canonicalize_filename (checkpoint, NULL);
  self->output = g_strdup (_sheath_safetensors_get_meta (st, "output"));
  self->pixel_size = g_ascii_strtod (_sheath_safetensors_get_meta (st, "pixel_size_um"), NULL);
  self->depth = atoi (_sheath_safetensors_get_meta (st, "depth"));
  self->base_channels = atoi (_sheath_safetensors_get_meta (st, "base_channels"));
  self->patch_size = atoi (_sheath_safetensors_get_meta (st, "patch_size"));
  self->batch_size = atoi (_sheath_safetensors_get_meta (st, "batch_size"));
  self->learning_rate = g_ascii_strtod (_sheath_safetensors_get_meta (st, "learning_rate"), NULL);
  self->weight_decay = g_ascii_strtod (_sheath_safetensors_get_meta (st, "weight_decay"), NULL);
  self->seed = g_ascii_strtoull (_sheath_safetensors_get_meta (st, "seed"), NULL, 10);
  self->step = g_ascii_strtoull (_sheath_safetensors_get_meta (st, "step"), NULL, 10);
  self->total_steps = g_ascii_strtoull (_sheath_safetensors_get_meta (st, "total_steps"), NULL, 10);
  self->epoch = atoi (_sheath_safetensors_get_meta (st, "epoch"));
  self->best_score = g_ascii_strtod (_sheath_safetensors_get_meta (st, "best_score"), NULL);
  self->elapsed = g_ascii_strtod (_sheath_safetensors_get_meta (st, "elapsed_seconds") ?: "0", NULL);
  self->minutes = g_ascii_strtod (_sheath_safetensors_get_meta (st, "minutes") ?: "0", NULL);
  for (guint c = 0; c < 3; c++)   /* absent before they were settable */
    weights[c] = g_ascii_strtod (_sheath_safetensors_get_meta (st, class_weight_keys[c]) ?: "0", NULL);
  weights_ok = (weights[0] == 0 && weights[1] == 0 && weights[2] == 0) ||
               sheath_trainer_set_class_weights (self, weights, NULL);
  self->half_precision = g_strcmp0 (_sheath_safetensors_get_meta (st, "half_precision"), "0") != 0;
  g_free (self->modality);
  self->modality = g_strdup (_sheath_safetensors_get_meta (st, "modality"));
  self->description = g_strdup (_sheath_safetensors_get_meta (st, "description"));
  if (*(_sheath_safetensors_get_meta (st, "init") ?: ""))
    self->init_path = g_strdup (_sheath_safetensors_get_meta (st, "init"));
  self->validation_subjects = g_strsplit (_sheath_safetensors_get_meta (st, "validation_subjects"), "\n", -1);
  if (!_sheath_rng_from_string (&self->rng, _sheath_safetensors_get_meta (st, "rng")) ||
      !weights_ok ||
      self->depth < 1 || self->depth > SHEATH_NET_MAX_DEPTH || self->base_channels < 1 ||
      self->base_channels > 256 || self->patch_size % (1u << self->depth) != 0 || self->batch_size < 1)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                   "Checkpoint '%s' is damaged: its settings are not valid", checkpoint);
      return NULL;
    }

  sources = g_strsplit (_sheath_safetensors_get_meta (st, "sources"), "\n", -1);
  for (guint i = 0; sources[i]; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *o;

      if (!json_parser_load_from_data (parser, sources[i], -1, NULL) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                       "Checkpoint '%s' is damaged: its data list is unreadable", checkpoint);
          return NULL;
        }
      o = json_node_get_object (json_parser_get_root (parser));
      if (g_strcmp0 (json_object_get_string_member_with_default (o, "kind", ""), "bids") == 0)
        {
          if (!sheath_trainer_add_dataset (self, json_object_get_string_member (o, "path"), error))
            return NULL;
        }
      else
        {
          const char *subject = json_object_get_string_member_with_default (o, "subject", "");

          if (!sheath_trainer_add_image (self, json_object_get_string_member (o, "path"),
                                         json_object_get_string_member (o, "axon"),
                                         json_object_get_string_member (o, "myelin"),
                                         json_object_get_double_member_with_default (o, "pixel_size", 0),
                                         *subject ? subject : NULL, error))
            return NULL;
        }
    }

  self->net = _sheath_train_net_new (self->depth, self->base_channels, 1, 3);
  for (guint i = 0; i < _sheath_train_net_get_n_params (self->net); i++)
    {
      SheathParam *p = _sheath_train_net_get_param (self->net, i);
      float *parts[3] = { p->value, p->m, p->v };
      const char *prefixes[3] = { "param.", "adam_m.", "adam_v." };

      for (guint k = 0; k < 3; k++)
        {
          g_autofree char *name = g_strconcat (prefixes[k], p->name, NULL);

          if (!_sheath_safetensors_check_tensor (st, name, p->n_dims, p->dims, error))
            return NULL;
          _sheath_safetensors_read_f32 (st, name, parts[k]);
        }
    }
  for (guint i = 0; i < _sheath_train_net_get_n_buffers (self->net); i++)
    {
      SheathParam *p = _sheath_train_net_get_buffer (self->net, i);
      g_autofree char *name = g_strconcat ("buffer.", p->name, NULL);

      if (!_sheath_safetensors_check_tensor (st, name, p->n_dims, p->dims, error))
        return NULL;
      _sheath_safetensors_read_f32 (st, name, p->value);
    }

  /* the epochs already done are not news */
  self->shown_epoch = self->p_epoch = self->epoch;
  self->resumed = TRUE;
  return g_steal_pointer (&self);
}

/* ---- validation ---------------------------------------------------------- */

static gboolean
validate (SheathTrainer  *self,
          guint           n_threads,
          double         *dice_axon,
          double         *dice_myelin,
          double         *accuracy,
          GCancellable   *cancellable,
          GError        **error)
{
  g_autoptr(SheathModel) model = _sheath_model_new_from_net (_sheath_train_net_to_net (self->net),
                                                              self->pixel_size, self->modality);
  g_autoptr(SheathSegmenter) segmenter = sheath_segmenter_new (model);
  guint64 inter[3] = { 0 }, pred[3] = { 0 }, truth[3] = { 0 }, correct = 0, total = 0;
  gboolean first = TRUE;

  sheath_segmenter_set_n_threads (segmenter, n_threads);
  for (guint i = 0; i < self->data->samples->len; i++)
    {
      SheathTrainingSample *s = g_ptr_array_index (self->data->samples, i);
      g_autoptr(SheathSegmentation) seg = NULL;
      guint w, h;

      if (!s->validation)
        continue;
      if (!(seg = sheath_segmenter_segment (segmenter, s->image, cancellable, error)))
        return FALSE;
      if (first)
        {
          /* the first validation image shows how training goes */
          g_mutex_lock (&self->mutex);
          g_set_object (&self->preview_image, s->image);
          g_set_object (&self->preview, seg);
          g_mutex_unlock (&self->mutex);
          first = FALSE;
        }
      w = sheath_segmentation_get_width (seg);
      h = sheath_segmentation_get_height (seg);
      for (guint y = 0; y < h; y++)
        {
          const guint8 *p = _sheath_segmentation_get_row (seg, y);
          const guint8 *t = _sheath_segmentation_get_row (s->truth, y);

          for (guint x = 0; x < w; x++)
            {
              pred[p[x]]++;
              truth[t[x]]++;
              if (p[x] == t[x])
                {
                  inter[p[x]]++;
                  correct++;
                }
              total++;
            }
        }
    }

  *dice_axon = pred[2] + truth[2] ? 2.0 * inter[2] / (pred[2] + truth[2]) : 1.0;
  *dice_myelin = pred[1] + truth[1] ? 2.0 * inter[1] / (pred[1] + truth[1]) : 1.0;
  *accuracy = total ? (double) correct / total : 0;
  return TRUE;
}

/* ---- the loop --------------------------------------------------------------- */

static double
learning_rate_at (SheathTrainer *self,
                  guint64        step)
{
  guint64 warmup = MIN (200, MAX (1, self->total_steps / 20));
  double progress;

  if (step < warmup)
    return self->learning_rate * (step + 1) / warmup;
  progress = (double) (step - warmup) / MAX (1, self->total_steps - warmup);
  /* cosine from the peak down to a hundredth of it */
  return self->learning_rate * (0.01 + 0.99 * 0.5 * (1 + cos (G_PI * MIN (progress, 1.0))));
}

/* Epochs completed after @step: a last, partial epoch counts once the
 * schedule is over. */
static guint
epochs_done_at (guint64 step,
                guint64 total_steps,
                guint64 steps_per_epoch)
{
  if (total_steps != 0 && step >= total_steps)
    return (guint) ((total_steps + steps_per_epoch - 1) / steps_per_epoch);
  return (guint) (step / steps_per_epoch);
}

/* Seconds of the time budget left, earlier runs and reading the images
 * counted. */
static double
budget_left (SheathTrainer *self)
{
  return self->minutes * 60 - self->elapsed_at_run_start - (g_get_monotonic_time () - self->run_start) / 1e6;
}

/* With a time budget, the schedule is first sized during this run's third
 * step, from the speed of the steps so far and what the budget has left
 * after reading the images, keeping a tenth for validations. */
static void
size_schedule (SheathTrainer *self)
{
  double per_step = (g_get_monotonic_time () - self->steps_start) / 1e6 / (self->step - self->first_step + 1);
  double steps = budget_left (self) / per_step * 0.9;

  self->total_steps = self->step + MAX (1, (guint64) MAX (steps, 0));
}

/* Once the first epoch has been validated, the schedule is sized again
 * with what the validation took, so that the run ends within its budget. */
static void
resize_schedule (SheathTrainer *self,
                 guint64        steps_per_epoch,
                 double         validation_seconds)
{
  double left = budget_left (self);
  double per_step = ((g_get_monotonic_time () - self->steps_start) / 1e6 - validation_seconds) /
                    (self->step - self->first_step);
  /* every further epoch is validated, the last one too */
  double steps = (left - validation_seconds) / (per_step + validation_seconds / steps_per_epoch) * 0.95;

  self->total_steps = self->step + (guint64) MAX (steps, 0);
}

/* Validates, keeps the model if it is the best so far, checkpoints and
 * publishes the epoch's figures. */
static gboolean
end_epoch (SheathTrainer  *self,
           guint           epoch,
           double          mean_loss,
           guint64         steps_per_epoch,
           guint           n_threads,
           GCancellable   *cancellable,
           GError        **error)
{
  double da = 0, dm = 0, acc = 0, score;
  g_autofree char *done = NULL;
  g_autoptr(GError) val_error = NULL;
  gint64 validation_start = g_get_monotonic_time ();

  report (self, "Validating");
  if (!validate (self, n_threads, &da, &dm, &acc, cancellable, &val_error))
    {
      if (g_error_matches (val_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        write_checkpoint (self, NULL);
      g_propagate_error (error, g_steal_pointer (&val_error));
      return FALSE;
    }
  self->epoch = epoch;
  if (self->minutes > 0 && self->epochs == 0 && epoch == 1 &&
      self->step > self->first_step && self->step < self->total_steps)
    resize_schedule (self, steps_per_epoch, (g_get_monotonic_time () - validation_start) / 1e6);
  score = (da + dm) / 2;
  if (score > self->best_score)
    {
      g_autoptr(GHashTable) meta = model_metadata (self, da, dm);

      self->best_score = score;
      if (!_sheath_train_net_write_model (self->net, self->output, meta, self->half_precision, error))
        return FALSE;
    }
  if (!write_checkpoint (self, error))
    return FALSE;

  g_mutex_lock (&self->mutex);
  self->p_loss = mean_loss;
  self->p_dice_axon = da;
  self->p_dice_myelin = dm;
  self->p_accuracy = acc;
  g_mutex_unlock (&self->mutex);
  done = g_strdup_printf ("Epoch %u done", self->epoch);
  report (self, done);
  return TRUE;
}

/**
 * sheath_trainer_train:
 * @self: a #SheathTrainer
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Trains in the calling thread until the epochs or minutes are done,
 * validating after every epoch through the same tiled inference as
 * segmentation and writing the best model so far to the output. A
 * checkpoint is written every #SheathTrainer:checkpoint-interval seconds,
 * after every epoch, and when cancelled (the error is then
 * %G_IO_ERROR_CANCELLED and the checkpoint can be resumed).
 *
 * Returns: %TRUE when training finished
 */
gboolean
sheath_trainer_train (SheathTrainer  *self,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_autoptr(SheathWorkers) workers = NULL;
  g_autofree guint8 *targets = NULL;
  float class_weights[3];
  guint n_threads;
  guint64 steps_per_epoch, pixels;
  gint64 start = g_get_monotonic_time ();
  gint64 last_checkpoint = start;
  double epoch_loss = 0;
  guint epoch_steps = 0;

  g_return_val_if_fail (SHEATH_IS_TRAINER (self), FALSE);

  self->run_start = start;
  self->elapsed_at_run_start = self->elapsed;

  if (self->output == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, "No output model file was given");
      return FALSE;
    }
  if (self->checkpoint == NULL)
    self->checkpoint = g_strconcat (self->output, ".checkpoint", NULL);
  if (self->patch_size % (1u << self->depth) != 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   "The patch size must be a multiple of %u for a depth-%u network", 1u << self->depth, self->depth);
      return FALSE;
    }
  if (!self->resumed && self->epochs == 0 && self->minutes <= 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, "Give a number of epochs or a time budget");
      return FALSE;
    }

  if (self->pixel_size <= 0)
    {
      /* the median of the images' own pixel sizes */
      g_autoptr(GArray) sizes = g_array_new (FALSE, FALSE, sizeof (double));

      for (guint i = 0; i < self->data->samples->len; i++)
        {
          SheathTrainingSample *s = g_ptr_array_index (self->data->samples, i);
          g_autoptr(GFile) f = g_file_new_for_path (s->image_path);
          g_autoptr(SheathImage) im = sheath_image_new_from_file (f, NULL);
          double ps = s->pixel_size > 0 ? s->pixel_size : im ? sheath_image_get_pixel_size (im) : 0;

          if (ps > 0)
            g_array_append_val (sizes, ps);
        }
      if (sizes->len > 0)
        {
          g_array_sort (sizes, (GCompareFunc) _sheath_compare_doubles);
          self->pixel_size = g_array_index (sizes, double, sizes->len / 2);
        }
    }

  report (self, "Reading the images");
  if (!_sheath_training_data_prepare (self->data, self->pixel_size,
                                      (const char * const *) self->validation_subjects,
                                      self->seed, cancellable, error))
    return FALSE;
  for (guint c = 0; c < 3; c++)
    class_weights[c] = (float) (self->class_weights[0] > 0 ? self->class_weights[c] : self->data->class_weights[c]);

  if (self->net == NULL)
    {
      self->net = _sheath_train_net_new (self->depth, self->base_channels, 1, 3);
      _sheath_train_net_init_random (self->net, self->seed);
    }
  if (!self->resumed)
    _sheath_rng_seed (&self->rng, self->seed);

  n_threads = self->n_threads ? self->n_threads : g_get_num_processors ();
  openblas_set_num_threads (1);
  workers = _sheath_workers_new (n_threads);
  if (!_sheath_train_net_reserve (self->net, self->batch_size, self->patch_size,
                                  _sheath_workers_get_size (workers), error))
    return FALSE;
  targets = g_new (guint8, (gsize) self->batch_size * self->patch_size * self->patch_size);

  pixels = _sheath_training_data_count_training_pixels (self->data);
  steps_per_epoch = MAX (10, pixels / ((guint64) self->batch_size * self->patch_size * self->patch_size));
  self->steps_per_epoch = steps_per_epoch;
  if (!self->resumed)
    self->total_steps = self->epochs > 0 ? self->epochs * steps_per_epoch : 0;
  self->first_step = self->step;
  self->steps_start = g_get_monotonic_time ();

  for (;;)
    {
      double loss, lr;
      g_autofree char *message = NULL;

      /* An epoch ends where the step count says, so that one cut short by
       * an interruption (during its validation, say) is validated on
       * resuming rather than skipped. */
      guint epochs_done = epochs_done_at (self->step, self->total_steps, steps_per_epoch);

      if (self->epoch < epochs_done)
        {
          if (!end_epoch (self, epochs_done, epoch_loss / MAX (epoch_steps, 1), steps_per_epoch, n_threads,
                          cancellable, error))
            return FALSE;
          last_checkpoint = g_get_monotonic_time ();
          epoch_loss = 0;
          epoch_steps = 0;
        }
      else if ((g_get_monotonic_time () - last_checkpoint) / 1e6 > self->checkpoint_interval)
        {
          if (!write_checkpoint (self, error))
            return FALSE;
          last_checkpoint = g_get_monotonic_time ();
        }
      if (self->total_steps != 0 && self->step >= self->total_steps)
        break;

      if (g_cancellable_is_cancelled (cancellable))
        {
          if (!write_checkpoint (self, error))
            return FALSE;
          g_cancellable_set_error_if_cancelled (cancellable, error);
          return FALSE;
        }

      _sheath_training_data_sample (self->data, &self->rng, self->patch_size, self->batch_size, TRUE,
                                    _sheath_train_net_get_input (self->net), targets);
      loss = _sheath_train_net_step (self->net, targets, class_weights, workers);

      if (self->total_steps == 0 && self->step >= self->first_step + 2)
        size_schedule (self);

      lr = learning_rate_at (self, self->step);
      _sheath_train_net_adamw (self->net, lr, 0.9, 0.999, 1e-8, self->weight_decay, self->step + 1);
      self->step++;
      epoch_loss += loss;
      epoch_steps++;

      message = g_strdup_printf ("Epoch %u, step %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT ", loss %.4f",
                                 self->epoch + 1, self->step, self->total_steps, loss);
      g_mutex_lock (&self->mutex);
      self->p_step_loss = epoch_loss / epoch_steps;
      g_mutex_unlock (&self->mutex);
      report (self, message);
    }

  report (self, "Done");
  return TRUE;
}

static void
train_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;

  if (sheath_trainer_train (source_object, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * sheath_trainer_train_async:
 * @self: a #SheathTrainer
 * @cancellable: (nullable): a #GCancellable; cancelling writes a checkpoint
 * @callback: called when training ends
 * @user_data: data for @callback
 *
 * Trains on a worker thread; progress properties are updated on the
 * calling thread's main context. See sheath_trainer_train(). Call
 * sheath_trainer_train_finish() from @callback.
 */
void
sheath_trainer_train_async (SheathTrainer       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SHEATH_IS_TRAINER (self));

  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sheath_trainer_train_async);
  g_task_run_in_thread (task, train_worker);
}

/**
 * sheath_trainer_train_finish:
 * @self: a #SheathTrainer
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when training finished
 */
gboolean
sheath_trainer_train_finish (SheathTrainer  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  /* the last progress may still wait in the main context's idle queue,
   * behind this higher-priority result: show it now */
  apply_progress (self);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sheath_trainer_dup_preview:
 * @self: a #SheathTrainer
 * @image: (out) (optional) (transfer full) (nullable): the validation image
 *   it is a prediction of, at the model's pixel size
 *
 * What the network made of the first validation image at the last
 * validation, for showing how training goes. Safe to call from the main
 * thread while training runs in another.
 *
 * Returns: (transfer full) (nullable): the prediction, or %NULL before the
 *   first validation
 */
SheathSegmentation *
sheath_trainer_dup_preview (SheathTrainer  *self,
                            SheathImage   **image)
{
  SheathSegmentation *preview;

  g_return_val_if_fail (SHEATH_IS_TRAINER (self), NULL);

  g_mutex_lock (&self->mutex);
  preview = self->preview ? g_object_ref (self->preview) : NULL;
  if (image != NULL)
    *image = self->preview_image ? g_object_ref (self->preview_image) : NULL;
  g_mutex_unlock (&self->mutex);
  return preview;
}
