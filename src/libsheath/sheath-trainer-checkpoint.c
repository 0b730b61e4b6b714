/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-trainer"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <json-glib/json-glib.h>
#include <string.h>

#include "sheath-error.h"
#include "sheath-model.h"
#include "sheath-trainer-private.h"

/* Models and checkpoints: what a trainer writes, and how it resumes. */

/* Brings the training time up to now; called wherever it is written. */
void
_sheath_trainer_count_elapsed (SheathTrainer *self)
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

GHashTable *
_sheath_trainer_model_metadata (SheathTrainer *self,
                                double         dice_axon,
                                double         dice_myelin,
                                double         dice_uaxon)
{
  GHashTable *meta = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_auto(GStrv) val = _sheath_training_data_dup_subjects (self->data, TRUE);
  g_autofree char *val_joined = g_strjoinv (",", val);

  _sheath_trainer_count_elapsed (self);

  g_hash_table_insert (meta, "format", g_strdup ("sheath-model-1"));
  g_hash_table_insert (meta, "architecture", g_strdup ("unet"));
  g_hash_table_insert (meta, "depth", g_strdup_printf ("%u", self->depth));
  g_hash_table_insert (meta, "base_channels", g_strdup_printf ("%u", self->base_channels));
  g_hash_table_insert (meta, "kernel_size", g_strdup ("3"));
  g_hash_table_insert (meta, "in_channels", g_strdup ("1"));
  g_hash_table_insert (meta, "classes", g_strjoinv (",", self->classes));
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
  if (_sheath_trainer_get_n_classes (self) > SHEATH_LABEL_UNMYELINATED_AXON)
    g_hash_table_insert (meta, "validation_dice_uaxon", g_strdup_printf ("%.4f", dice_uaxon));
  g_hash_table_insert (meta, "trained_with", g_strdup_printf ("sheath %s", PACKAGE_VERSION));
  g_hash_table_insert (meta, "training_machine", machine_description ());
  g_hash_table_insert (meta, "training_batch_size", g_strdup_printf ("%u", self->batch_size));
  g_hash_table_insert (meta, "training_patch_size", g_strdup_printf ("%u", self->patch_size));
  if (self->uaxon_gap > 0)
    g_hash_table_insert (meta, "training_uaxon_gap_um", g_strdup_printf ("%g", self->uaxon_gap));
  if (self->boundary_weight > 0)
    g_hash_table_insert (meta, "training_boundary_weight", g_strdup_printf ("%g", self->boundary_weight));
  if (self->init_path != NULL && *self->init_path != '\0')
    {
      g_hash_table_insert (meta, "fine_tuned_from", sheath_model_dup_name_for_path (self->init_path));
    }
  return meta;
}

gboolean
_sheath_trainer_write_checkpoint (SheathTrainer  *self,
                                  GError        **error)
{
  g_autoptr(GArray) tensors = g_array_new (FALSE, TRUE, sizeof (SheathTensorOut));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) meta = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autofree char *sources = NULL;
  g_auto(GStrv) val = _sheath_training_data_dup_subjects (self->data, TRUE);

  _sheath_trainer_count_elapsed (self);
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
  g_hash_table_insert (meta, "classes", g_strjoinv (",", self->classes));
  g_hash_table_insert (meta, "description", g_strdup (self->description ? self->description : ""));
  g_hash_table_insert (meta, "pixel_size_um", g_strdup_printf ("%.17g", self->pixel_size));
  g_hash_table_insert (meta, "depth", g_strdup_printf ("%u", self->depth));
  g_hash_table_insert (meta, "base_channels", g_strdup_printf ("%u", self->base_channels));
  g_hash_table_insert (meta, "patch_size", g_strdup_printf ("%u", self->patch_size));
  g_hash_table_insert (meta, "batch_size", g_strdup_printf ("%u", self->batch_size));
  g_hash_table_insert (meta, "learning_rate", g_strdup_printf ("%.17g", self->learning_rate));
  g_hash_table_insert (meta, "weight_decay", g_strdup_printf ("%.17g", self->weight_decay));
  g_hash_table_insert (meta, "uaxon_gap_um", g_strdup_printf ("%.17g", self->uaxon_gap));
  g_hash_table_insert (meta, "boundary_weight", g_strdup_printf ("%.17g", self->boundary_weight));
  g_hash_table_insert (meta, "seed", g_strdup_printf ("%" G_GUINT64_FORMAT, self->seed));
  /* a budget is kept only where it sizes the schedule */
  g_hash_table_insert (meta, "minutes", g_strdup_printf ("%.17g", self->epochs > 0 ? 0 : self->minutes));
  /* "class_weight_myelin": 1.2 …; all 0 when they come from the data */
  for (guint c = 0; self->classes[c]; c++)
    {
      g_autofree char *key = g_strconcat ("class_weight_", self->classes[c], NULL);

      g_hash_table_insert (meta, (char *) g_intern_string (key), g_strdup_printf ("%.17g", self->class_weights[c]));
    }
  g_hash_table_insert (meta, "half_precision", g_strdup (self->half_precision ? "1" : "0"));
  g_hash_table_insert (meta, "rng", _sheath_rng_to_string (&self->rng));
  g_hash_table_insert (meta, "step", g_strdup_printf ("%" G_GUINT64_FORMAT, self->step));
  g_hash_table_insert (meta, "total_steps", g_strdup_printf ("%" G_GUINT64_FORMAT, self->total_steps));
  g_hash_table_insert (meta, "epoch", g_strdup_printf ("%u", self->epoch));
  g_hash_table_insert (meta, "best_score", g_strdup_printf ("%.17g", self->best_score));
  g_hash_table_insert (meta, "elapsed_seconds", g_strdup_printf ("%.3f", self->elapsed));

  if (!_sheath_safetensors_write (self->checkpoint, meta, (SheathTensorOut *) tensors->data, tensors->len, error))
    {
      g_prefix_error (error, _ ("Checkpoint not saved (the previous one is intact): "));
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
                 _ ("Checkpoint '%s' is damaged: it lacks '%s'"), _sheath_safetensors_get_name (st), key);
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
  g_auto(GStrv) classes = NULL;
  double weights[SHEATH_NET_MAX_CLASSES] = { 0 };
  gboolean weights_ok, weights_given = FALSE;
  guint n_classes;

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
  /* absent from checkpoints older than it */
  self->uaxon_gap = g_ascii_strtod (_sheath_safetensors_get_meta (st, "uaxon_gap_um") ?: "0", NULL);
  self->boundary_weight = g_ascii_strtod (_sheath_safetensors_get_meta (st, "boundary_weight") ?: "0", NULL);
  /* classes and weights are absent from checkpoints older than them */
  classes = g_strsplit (_sheath_safetensors_get_meta (st, "classes") ?: "background,myelin,axon", ",", -1);
  weights_ok = sheath_trainer_set_classes (self, (const char * const *) classes, NULL);
  n_classes = _sheath_trainer_get_n_classes (self);
  for (guint c = 0; weights_ok && c < n_classes; c++)
    {
      g_autofree char *key = g_strconcat ("class_weight_", self->classes[c], NULL);

      weights[c] = g_ascii_strtod (_sheath_safetensors_get_meta (st, key) ?: "0", NULL);
      weights_given |= weights[c] != 0;
    }
  weights_ok = weights_ok && (!weights_given || sheath_trainer_set_class_weights (self, weights, n_classes, NULL));
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
      self->base_channels > 256 || self->patch_size % (1u << self->depth) != 0 || self->batch_size < 1 ||
      !(self->uaxon_gap >= 0 && self->uaxon_gap < 100) ||
      !(self->boundary_weight >= 0 && self->boundary_weight <= 100))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                   _ ("Checkpoint '%s' is damaged: its settings are not valid"), checkpoint);
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
                       _ ("Checkpoint '%s' is damaged: its data list is unreadable"), checkpoint);
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

  self->net = _sheath_train_net_new (self->depth, self->base_channels, 1, n_classes);
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

