/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-trainer"

#include "config.h"

#include <string.h>

#include "sheath-limits.h"
#include "sheath-trainer-private.h"

/**
 * SheathTrainer:
 *
 * Trains or fine-tunes a U-Net on labelled images: the loop, validation on
 * held-out subjects after every epoch, the best model kept, checkpoints to
 * resume from bit for bit.
 */
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
  PROP_DICE_UAXON,
  PROP_ACCURACY,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

/* ---- progress ---------------------------------------------------------- */

void
_sheath_trainer_apply_progress (SheathTrainer *self)
{
  double fraction, loss, step_loss, position, da, dm, du, acc;
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
  du = self->p_dice_uaxon;
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
  SET (dice_uaxon, du, PROP_DICE_UAXON);
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
  g_clear_pointer (&self->classes, g_strfreev);
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
    case PROP_DICE_UAXON: g_value_set_double (value, self->dice_uaxon); break;
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
   * SheathTrainer:validation-dice-uaxon:
   *
   * Dice of unmyelinated axons on the validation images after the last
   * epoch, where the model learns them (sheath_trainer_set_classes());
   * 0 otherwise.
   */
  properties[PROP_DICE_UAXON] = g_param_spec_double ("validation-dice-uaxon", NULL, NULL, 0, 1, 0, ro);
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
  self->classes = g_strsplit ("background,myelin,axon", ",", -1);
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
 * Makes a trainer with the defaults the shipped models use.
 *
 * Returns: (transfer full): a trainer with default settings
 */
SheathTrainer *
sheath_trainer_new (void)
{
  return g_object_new (SHEATH_TYPE_TRAINER, NULL);
}

