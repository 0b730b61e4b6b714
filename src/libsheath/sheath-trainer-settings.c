/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-trainer"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <json-glib/json-glib.h>
#include <string.h>

#include "sheath-error.h"
#include "sheath-model-private.h"
#include "sheath-trainer-private.h"

/* What a trainer trains on and how: its data, the model it starts from,
 * where it writes, and every setting as a typed setter and getter. */

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
      g_prefix_error (error, _ ("Cannot fine-tune from '%s': "), path);
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
 * @self: a #SheathTrainer
 *
 * The model file the trainer writes, the best so far.
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
 * sheath_trainer_set_classes:
 * @self: a #SheathTrainer
 * @classes: (array zero-terminated=1): the classes the model learns, in the
 *   order of its outputs: `background`, `myelin`, `axon`, and optionally
 *   `uaxon` (unmyelinated axons, from `_seg-uaxon-manual.png` masks)
 * @error: return location for a #GError
 *
 * Sets the classes the model learns; they are written into the model, and
 * every image then needs a mask of each (the default is the first three).
 *
 * Returns: %TRUE, or %FALSE with @error set for classes Sheath cannot train
 */
gboolean
sheath_trainer_set_classes (SheathTrainer       *self,
                            const char * const  *classes,
                            GError             **error)
{
  static const char * const known[] = { "background", "myelin", "axon", "uaxon", NULL };
  guint n;

  g_return_val_if_fail (SHEATH_IS_TRAINER (self), FALSE);
  g_return_val_if_fail (classes != NULL, FALSE);

  n = g_strv_length ((char **) classes);
  for (guint i = 0; i < n; i++)
    if (i >= G_N_ELEMENTS (known) - 1 || !g_str_equal (classes[i], known[i]))
      {
        g_autofree char *given = g_strjoinv (",", (char **) classes);

        g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                     _ ("Sheath trains the classes background,myelin,axon or background,myelin,axon,uaxon "
                        "(in that order), not '%s'"), given);
        return FALSE;
      }
  if (n < 3)
    {
      g_autofree char *given = g_strjoinv (",", (char **) classes);

      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("A model needs at least the classes background,myelin,axon, not '%s'"), given);
      return FALSE;
    }
  g_strfreev (self->classes);
  self->classes = g_strdupv ((char **) classes);
  return TRUE;
}

/**
 * sheath_trainer_get_classes:
 * @self: a #SheathTrainer
 *
 * The classes the model learns, in the order of its outputs.
 *
 * Returns: (transfer none) (array zero-terminated=1): the class names
 */
const char * const *
sheath_trainer_get_classes (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), NULL);
  return (const char * const *) self->classes;
}

guint
_sheath_trainer_get_n_classes (SheathTrainer *self)
{
  return g_strv_length (self->classes);
}

/**
 * sheath_trainer_set_class_weights:
 * @self: a #SheathTrainer
 * @weights: (nullable) (array length=n_weights): the loss weight of each
 *   class (sheath_trainer_get_classes()), each above 0; %NULL for
 *   1 / √frequency of each class in the training masks
 * @n_weights: how many weights there are: one per class
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
                                  guint           n_weights,
                                  GError        **error)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), FALSE);

  if (weights == NULL || n_weights == 0)
    {
      memset (self->class_weights, 0, sizeof self->class_weights);
      self->n_class_weights = 0;
      return TRUE;
    }
  if (n_weights > SHEATH_NET_MAX_CLASSES)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("%u class weights given; a model has at most %u classes"), n_weights, SHEATH_NET_MAX_CLASSES);
      return FALSE;
    }
  for (guint c = 0; c < n_weights; c++)
    if (!(weights[c] > 0 && weights[c] < 1e6))
      {
        g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                     _ ("A class weight must be a number above 0 (and below a million), not %g"), weights[c]);
        return FALSE;
      }
  memset (self->class_weights, 0, sizeof self->class_weights);
  memcpy (self->class_weights, weights, n_weights * sizeof (double));
  self->n_class_weights = n_weights;
  return TRUE;
}


/**
 * sheath_trainer_set_uaxon_gap:
 * @self: a #SheathTrainer
 * @gap: micrometres, 0 or more
 * @error: return location for a #GError
 *
 * Keeps unmyelinated axons that the masks draw touching (4-connected
 * regions of their own) @gap apart in the training targets: each gives up
 * its pixels within half of @gap of another. At the model's coarser pixel
 * size the thin lines annotators leave between the axons of a bundle are
 * otherwise lost, and the network learns to draw a bundle as one region;
 * a gap of about one model pixel keeps them. 0 (the default) trains on the
 * masks as drawn. Ignored without the unmyelinated class.
 *
 * Returns: %TRUE, or %FALSE with @error set when @gap is out of range
 */
gboolean
sheath_trainer_set_uaxon_gap (SheathTrainer  *self,
                              double          gap,
                              GError        **error)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), FALSE);

  if (!(gap >= 0 && gap < 100))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("The gap between unmyelinated axons is 0 µm or more (and below 100), not %g"), gap);
      return FALSE;
    }
  self->uaxon_gap = gap;
  return TRUE;
}

/**
 * sheath_trainer_set_boundary_weight:
 * @self: a #SheathTrainer
 * @weight: 0 or more
 * @error: return location for a #GError
 *
 * Makes the pixels on either side of a boundary between two classes in the
 * training masks (those with a 4-neighbour of another class, a band two
 * model pixels wide) count 1 + @weight times in the cross-entropy, on top of
 * their class's weight. Where the axon–myelin and myelin–background
 * boundaries fall is what diameters, thicknesses and g-ratios are measured
 * from, and those pixels are few. 0 (the default) weighs each pixel by its
 * class alone.
 *
 * Returns: %TRUE, or %FALSE with @error set when @weight is out of range
 */
gboolean
sheath_trainer_set_boundary_weight (SheathTrainer  *self,
                                    double          weight,
                                    GError        **error)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), FALSE);

  if (!(weight >= 0 && weight <= 100))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("The boundary weight is from 0 to 100, not %g"), weight);
      return FALSE;
    }
  self->boundary_weight = weight;
  return TRUE;
}


/* ---- typed settings, as the segmenter has them ---------------------------- */

/**
 * sheath_trainer_set_modality:
 * @self: a #SheathTrainer
 * @value: the new value
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
 * @self: a #SheathTrainer
 *
 * Gets #SheathTrainer:modality.
 *
 * Returns: its value
 */
const char *
sheath_trainer_get_modality (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), NULL);
  return self->modality;
}

/**
 * sheath_trainer_set_description:
 * @self: a #SheathTrainer
 * @value: the new value
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
 * @self: a #SheathTrainer
 *
 * Gets #SheathTrainer:description.
 *
 * Returns: its value
 */
const char *
sheath_trainer_get_description (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), NULL);
  return self->description;
}

/**
 * sheath_trainer_set_pixel_size:
 * @self: a #SheathTrainer
 * @value: the new value
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
 * @self: a #SheathTrainer
 *
 * Gets #SheathTrainer:pixel-size.
 *
 * Returns: its value
 */
double
sheath_trainer_get_pixel_size (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->pixel_size;
}

/**
 * sheath_trainer_set_depth:
 * @self: a #SheathTrainer
 * @value: the new value
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
 * @self: a #SheathTrainer
 *
 * Gets #SheathTrainer:depth.
 *
 * Returns: its value
 */
guint
sheath_trainer_get_depth (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->depth;
}

/**
 * sheath_trainer_set_base_channels:
 * @self: a #SheathTrainer
 * @value: the new value
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
 * @self: a #SheathTrainer
 *
 * Gets #SheathTrainer:base-channels.
 *
 * Returns: its value
 */
guint
sheath_trainer_get_base_channels (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->base_channels;
}

/**
 * sheath_trainer_set_patch_size:
 * @self: a #SheathTrainer
 * @value: the new value
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
 * @self: a #SheathTrainer
 *
 * Gets #SheathTrainer:patch-size.
 *
 * Returns: its value
 */
guint
sheath_trainer_get_patch_size (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->patch_size;
}

/**
 * sheath_trainer_set_batch_size:
 * @self: a #SheathTrainer
 * @value: the new value
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
 * @self: a #SheathTrainer
 *
 * Gets #SheathTrainer:batch-size.
 *
 * Returns: its value
 */
guint
sheath_trainer_get_batch_size (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->batch_size;
}

/**
 * sheath_trainer_set_learning_rate:
 * @self: a #SheathTrainer
 * @value: the new value
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
 * @self: a #SheathTrainer
 *
 * Gets #SheathTrainer:learning-rate.
 *
 * Returns: its value
 */
double
sheath_trainer_get_learning_rate (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->learning_rate;
}

/**
 * sheath_trainer_set_weight_decay:
 * @self: a #SheathTrainer
 * @value: the new value
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
 * @self: a #SheathTrainer
 *
 * Gets #SheathTrainer:weight-decay.
 *
 * Returns: its value
 */
double
sheath_trainer_get_weight_decay (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->weight_decay;
}

/**
 * sheath_trainer_set_epochs:
 * @self: a #SheathTrainer
 * @value: the new value
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
 * @self: a #SheathTrainer
 *
 * Gets #SheathTrainer:epochs.
 *
 * Returns: its value
 */
guint
sheath_trainer_get_epochs (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->epochs;
}

/**
 * sheath_trainer_set_minutes:
 * @self: a #SheathTrainer
 * @value: the new value
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
 * @self: a #SheathTrainer
 *
 * Gets #SheathTrainer:minutes.
 *
 * Returns: its value
 */
double
sheath_trainer_get_minutes (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->minutes;
}

/**
 * sheath_trainer_set_n_threads:
 * @self: a #SheathTrainer
 * @value: the new value
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
 * @self: a #SheathTrainer
 *
 * Gets #SheathTrainer:n-threads.
 *
 * Returns: its value
 */
guint
sheath_trainer_get_n_threads (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->n_threads;
}

/**
 * sheath_trainer_set_seed:
 * @self: a #SheathTrainer
 * @value: the new value
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
 * @self: a #SheathTrainer
 *
 * Gets #SheathTrainer:seed.
 *
 * Returns: its value
 */
guint64
sheath_trainer_get_seed (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->seed;
}

/**
 * sheath_trainer_set_half_precision:
 * @self: a #SheathTrainer
 * @value: the new value
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
 * @self: a #SheathTrainer
 *
 * Gets #SheathTrainer:half-precision.
 *
 * Returns: its value
 */
gboolean
sheath_trainer_get_half_precision (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->half_precision;
}

/**
 * sheath_trainer_set_checkpoint_interval:
 * @self: a #SheathTrainer
 * @value: the new value
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
 * @self: a #SheathTrainer
 *
 * Gets #SheathTrainer:checkpoint-interval.
 *
 * Returns: its value
 */
double
sheath_trainer_get_checkpoint_interval (SheathTrainer *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINER (self), 0);
  return self->checkpoint_interval;
}
