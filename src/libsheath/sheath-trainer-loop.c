/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-trainer"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <cblas.h>
#include <string.h>

#include "sheath-util-private.h"
#include "sheath-blas-private.h"
#include "sheath-error.h"
#include "sheath-model-private.h"
#include "sheath-segmentation-private.h"
#include "sheath-segmenter.h"
#include "sheath-trainer-private.h"

/* The training loop: steps, validation, the schedule and its budget. */

static gboolean
validate (SheathTrainer  *self,
          guint           n_threads,
          double         *dice_axon,
          double         *dice_myelin,
          double         *dice_uaxon,
          double         *accuracy,
          GCancellable   *cancellable,
          GError        **error)
{
  g_autoptr(SheathModel) model = _sheath_model_new_from_net (_sheath_train_net_to_net (self->net),
                                                              (const char * const *) self->classes,
                                                              self->pixel_size, self->modality);
  g_autoptr(SheathSegmenter) segmenter = sheath_segmenter_new (model);
  guint64 inter[4] = { 0 }, pred[4] = { 0 }, truth[4] = { 0 }, correct = 0, total = 0;
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
  *dice_uaxon = pred[3] + truth[3] ? 2.0 * inter[3] / (pred[3] + truth[3]) : 1.0;
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
  double da = 0, dm = 0, du = 0, acc = 0, score;
  g_autofree char *done = NULL;
  g_autoptr(GError) val_error = NULL;
  gint64 validation_start = g_get_monotonic_time ();

  _sheath_trainer_report (self, _ ("Validating"));
  if (!validate (self, n_threads, &da, &dm, &du, &acc, cancellable, &val_error))
    {
      if (g_error_matches (val_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _sheath_trainer_write_checkpoint (self, NULL);
      g_propagate_error (error, g_steal_pointer (&val_error));
      return FALSE;
    }
  self->epoch = epoch;
  if (self->minutes > 0 && self->epochs == 0 && epoch == 1 &&
      self->step > self->first_step && self->step < self->total_steps)
    resize_schedule (self, steps_per_epoch, (g_get_monotonic_time () - validation_start) / 1e6);
  /* the mean Dice of the classes learnt, background aside */
  if (_sheath_trainer_get_n_classes (self) > SHEATH_LABEL_UNMYELINATED_AXON)
    score = (da + dm + du) / 3;
  else
    {
      score = (da + dm) / 2;
      du = 0;
    }
  if (score > self->best_score)
    {
      g_autoptr(GHashTable) meta = _sheath_trainer_model_metadata (self, da, dm, du);

      self->best_score = score;
      if (!_sheath_train_net_write_model (self->net, self->output, meta, self->half_precision, error))
        return FALSE;
    }
  if (!_sheath_trainer_write_checkpoint (self, error))
    return FALSE;

  g_mutex_lock (&self->mutex);
  self->p_loss = mean_loss;
  self->p_dice_axon = da;
  self->p_dice_myelin = dm;
  self->p_dice_uaxon = du;
  self->p_accuracy = acc;
  g_mutex_unlock (&self->mutex);
  done = g_strdup_printf (_ ("Epoch %u done"), self->epoch);
  _sheath_trainer_report (self, done);
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
  float class_weights[SHEATH_NET_MAX_CLASSES];
  guint n_classes = _sheath_trainer_get_n_classes (self);
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
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, _ ("No output model file was given"));
      return FALSE;
    }
  if (self->checkpoint == NULL)
    self->checkpoint = g_strconcat (self->output, ".checkpoint", NULL);
  if (self->patch_size % (1u << self->depth) != 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("The patch size must be a multiple of %u for a depth-%u network"), 1u << self->depth, self->depth);
      return FALSE;
    }
  if (!self->resumed && self->epochs == 0 && self->minutes <= 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, _ ("Give a number of epochs or a time budget"));
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

  if (self->n_class_weights != 0 && self->n_class_weights != n_classes)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("%u class weights were given for %u classes"), self->n_class_weights, n_classes);
      return FALSE;
    }
  if (self->net != NULL && _sheath_train_net_get_classes (self->net) != n_classes)
    {
      /* fine-tuning adds a class: the new outputs start from random weights */
      SheathTrainNet *wider;

      if (self->resumed || _sheath_train_net_get_classes (self->net) > n_classes ||
          !(wider = _sheath_train_net_new_with_classes (self->net, n_classes, self->seed)))
        {
          g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                       _ ("The model fine-tuned from has %u classes; this training has %u"),
                       _sheath_train_net_get_classes (self->net), n_classes);
          return FALSE;
        }
      _sheath_train_net_free (self->net);
      self->net = wider;
    }

  self->data->n_classes = n_classes;
  self->data->uaxon_gap = self->uaxon_gap;
  _sheath_trainer_report (self, _ ("Reading the images"));
  if (!_sheath_training_data_prepare (self->data, self->pixel_size,
                                      (const char * const *) self->validation_subjects,
                                      self->seed, cancellable, error))
    return FALSE;
  for (guint c = 0; c < n_classes; c++)
    class_weights[c] = (float) (self->n_class_weights > 0 ? self->class_weights[c] : self->data->class_weights[c]);

  if (self->net == NULL)
    {
      self->net = _sheath_train_net_new (self->depth, self->base_channels, 1, n_classes);
      _sheath_train_net_init_random (self->net, self->seed);
    }
  if (!self->resumed)
    _sheath_rng_seed (&self->rng, self->seed);

  n_threads = self->n_threads ? self->n_threads : g_get_num_processors ();
  _sheath_blas_prepare ();
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
          if (!_sheath_trainer_write_checkpoint (self, error))
            return FALSE;
          last_checkpoint = g_get_monotonic_time ();
        }
      if (self->total_steps != 0 && self->step >= self->total_steps)
        break;

      if (g_cancellable_is_cancelled (cancellable))
        {
          if (!_sheath_trainer_write_checkpoint (self, error))
            return FALSE;
          g_cancellable_set_error_if_cancelled (cancellable, error);
          return FALSE;
        }

      _sheath_training_data_sample (self->data, &self->rng, self->patch_size, self->batch_size, TRUE,
                                    _sheath_train_net_get_input (self->net), targets);
      loss = _sheath_train_net_step (self->net, targets, class_weights, self->boundary_weight, workers);

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
      _sheath_trainer_report (self, message);
    }

  _sheath_trainer_report (self, _ ("Done"));
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
 * Finishes sheath_trainer_train_async().
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
  _sheath_trainer_apply_progress (self);
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

