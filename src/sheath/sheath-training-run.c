/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-training-run"

#include "config.h"

#include <glib/gi18n.h>

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "sheath-training-run.h"

/* A training the wizard started, paused or resumed, without its widgets:
 * the trainer, and beside its checkpoint in the staging folder a key file
 * of notes (NAME.ini: how it started, its images, what was held out, the
 * budget, the curve so far) so that a later session can resume it and the
 * model card can say what it was. */
struct _SheathTrainingRun
{
  GObject        parent_instance;

  char          *name;
  GKeyFile      *notes;
  SheathTrainer *trainer;
  GCancellable  *cancellable;   /* the run in flight */
};

G_DEFINE_FINAL_TYPE (SheathTrainingRun, sheath_training_run, G_TYPE_OBJECT)

/**
 * sheath_training_run_dup_staging_dir:
 *
 * Returns: (transfer full): where trainings in progress keep their
 *   checkpoints and notes, `$XDG_STATE_HOME/sheath/training`
 */
char *
sheath_training_run_dup_staging_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), "sheath", "training", NULL);
}

static char *
staging_path (const char *name,
              const char *suffix)
{
  g_autofree char *dir = sheath_training_run_dup_staging_dir ();
  g_autofree char *base = g_strconcat (name, suffix, NULL);

  return g_build_filename (dir, base, NULL);
}

/**
 * sheath_training_run_list_paused:
 *
 * Returns: (transfer full): the names of the trainings that can be
 *   resumed: notes with a checkpoint beside them
 */
char **
sheath_training_run_list_paused (void)
{
  g_autofree char *dir_path = sheath_training_run_dup_staging_dir ();
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *entry;

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *name = NULL;
      g_autofree char *checkpoint = NULL;

      if (!g_str_has_suffix (entry, ".ini"))
        continue;
      name = g_strndup (entry, strlen (entry) - 4);
      checkpoint = staging_path (name, ".safetensors.checkpoint");
      if (g_file_test (checkpoint, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (names, g_steal_pointer (&name));
    }
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_steal (names, NULL);
}

/* Forgets a training: its model so far, checkpoint and notes. */
void
sheath_training_run_discard_named (const char *name)
{
  const char *suffixes[] = { ".safetensors", ".safetensors.checkpoint", ".ini" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = staging_path (name, suffixes[i]);
      g_unlink (path);
    }
}

/* A name for a new model: not a shipped one's, not a path, not taken. */
gboolean
sheath_training_run_check_name (const char  *name,
                                GError     **error)
{
  g_autofree char *models = sheath_model_dup_user_dir ();
  g_autofree char *base = g_strconcat (name, ".safetensors", NULL);
  g_autofree char *existing = g_build_filename (models, base, NULL);
  g_autofree char *checkpoint = staging_path (name, ".safetensors.checkpoint");

  if (*name == '\0' || strchr (name, '/') != NULL || name[0] == '.' ||
      g_str_equal (name, "sem") || g_str_equal (name, "tem"))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                         _ ("Give the model a name (not “sem” or “tem”, without “/”)"));
  else if (g_file_test (existing, G_FILE_TEST_EXISTS))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, _ ("You have a model named “%s” already"), name);
  else if (g_file_test (checkpoint, G_FILE_TEST_EXISTS))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, _ ("A paused training is named “%s”"), name);
  else
    return TRUE;
  return FALSE;
}

static void
save_notes (SheathTrainingRun *self)
{
  g_autofree char *path = staging_path (self->name, ".ini");
  g_autoptr(GError) error = NULL;

  if (!g_key_file_save_to_file (self->notes, path, &error))
    g_warning ("Cannot write %s: %s", path, error->message);
}

static void
sheath_training_run_finalize (GObject *object)
{
  SheathTrainingRun *self = SHEATH_TRAINING_RUN (object);

  g_free (self->name);
  g_clear_pointer (&self->notes, g_key_file_unref);
  g_clear_object (&self->trainer);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sheath_training_run_parent_class)->finalize (object);
}

static void
sheath_training_run_class_init (SheathTrainingRunClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sheath_training_run_finalize;
}

static void
sheath_training_run_init (SheathTrainingRun *self)
{
}

/**
 * sheath_training_run_new:
 * @trainer: a trainer with its images, network and schedule set; its
 *   output goes to the staging folder
 * @start: "sem", "tem" or "scratch"
 *
 * Starts keeping a new training's notes. Nothing runs yet.
 *
 * Returns: (transfer full): the run, or %NULL if its folder cannot be made
 */
SheathTrainingRun *
sheath_training_run_new (const char          *name,
                         SheathTrainer       *trainer,
                         const char          *start,
                         const char * const  *images,
                         const char * const  *held_out,
                         double               budget_minutes,
                         GError             **error)
{
  g_autoptr(SheathTrainingRun) self = NULL;
  g_autofree char *dir = sheath_training_run_dup_staging_dir ();
  g_autofree char *output = staging_path (name, ".safetensors");

  g_return_val_if_fail (SHEATH_IS_TRAINER (trainer), NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _ ("Cannot make the training folder %s"), dir);
      return NULL;
    }
  self = g_object_new (SHEATH_TYPE_TRAINING_RUN, NULL);
  self->name = g_strdup (name);
  self->trainer = g_object_ref (trainer);
  sheath_trainer_set_output (trainer, output);
  self->notes = g_key_file_new ();
  g_key_file_set_string (self->notes, "training", "name", name);
  g_key_file_set_string (self->notes, "training", "start", start);
  g_key_file_set_string_list (self->notes, "training", "images", images, g_strv_length ((char **) images));
  g_key_file_set_string_list (self->notes, "training", "validation", held_out, g_strv_length ((char **) held_out));
  g_key_file_set_double (self->notes, "training", "minutes", budget_minutes);
  g_key_file_set_double (self->notes, "training", "seconds", 0);
  save_notes (self);
  return g_steal_pointer (&self);
}

/**
 * sheath_training_run_open_paused:
 *
 * Returns: (transfer full): a training paused in this or an earlier
 *   session, its trainer back from its checkpoint
 */
SheathTrainingRun *
sheath_training_run_open_paused (const char  *name,
                                 GError     **error)
{
  g_autoptr(SheathTrainingRun) self = g_object_new (SHEATH_TYPE_TRAINING_RUN, NULL);
  g_autofree char *notes_path = staging_path (name, ".ini");

  self->name = g_strdup (name);
  self->notes = g_key_file_new ();
  if (!g_key_file_load_from_file (self->notes, notes_path, G_KEY_FILE_NONE, error) ||
      !sheath_training_run_reload (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* The trainer again from the checkpoint the last pause wrote. */
gboolean
sheath_training_run_reload (SheathTrainingRun  *self,
                            GError            **error)
{
  g_autofree char *checkpoint = staging_path (self->name, ".safetensors.checkpoint");
  g_autoptr(SheathTrainer) trainer = sheath_trainer_new_from_checkpoint (checkpoint, error);

  if (trainer == NULL)
    return FALSE;
  g_set_object (&self->trainer, trainer);
  return TRUE;
}

const char *sheath_training_run_get_name (SheathTrainingRun *self) { return self->name; }
SheathTrainer *sheath_training_run_get_trainer (SheathTrainingRun *self) { return self->trainer; }
gboolean sheath_training_run_get_running (SheathTrainingRun *self) { return self->cancellable != NULL; }

char *
sheath_training_run_dup_start (SheathTrainingRun *self)
{
  return g_key_file_get_string (self->notes, "training", "start", NULL);
}

char **
sheath_training_run_dup_images (SheathTrainingRun *self)
{
  return g_key_file_get_string_list (self->notes, "training", "images", NULL, NULL);
}

char **
sheath_training_run_dup_held_out (SheathTrainingRun *self)
{
  return g_key_file_get_string_list (self->notes, "training", "validation", NULL, NULL);
}

double
sheath_training_run_get_budget_minutes (SheathTrainingRun *self)
{
  return g_key_file_get_double (self->notes, "training", "minutes", NULL);
}

/* the best model so far, in the staging folder */
char *
sheath_training_run_dup_model_path (SheathTrainingRun *self)
{
  return staging_path (self->name, ".safetensors");
}

/**
 * sheath_training_run_dup_curve:
 *
 * Returns: (transfer full) (element-type SheathTrainingEpoch): the
 *   validations so far, earlier sessions' included
 */
GArray *
sheath_training_run_dup_curve (SheathTrainingRun *self)
{
  GArray *curve = g_array_new (FALSE, FALSE, sizeof (SheathTrainingEpoch));
  g_autofree char *text = g_key_file_get_string (self->notes, "training", "curve", NULL);
  g_auto(GStrv) points = g_strsplit (text ? text : "", ";", -1);

  for (guint i = 0; points[i] != NULL; i++)
    {
      SheathTrainingEpoch e;

      if (sscanf (points[i], "%u %lg %lg %lg", &e.epoch, &e.loss, &e.dice_axon, &e.dice_myelin) == 4)
        g_array_append_val (curve, e);
    }
  return curve;
}

/* Keeps an epoch's figures: the curve outlives the session. */
void
sheath_training_run_add_epoch (SheathTrainingRun         *self,
                               const SheathTrainingEpoch *e)
{
  g_autofree char *curve = g_key_file_get_string (self->notes, "training", "curve", NULL);
  g_autofree char *joined = g_strdup_printf ("%s%s%u %.6g %.6g %.6g", curve ? curve : "",
                                             curve && *curve ? ";" : "", e->epoch, e->loss, e->dice_axon,
                                             e->dice_myelin);

  g_key_file_set_string (self->notes, "training", "curve", joined);
  save_notes (self);
}

typedef struct
{
  SheathTrainingRun *self;
  GTask             *task;
  gint64             started;
} Running;

static void
trained_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Running *r = user_data;
  SheathTrainingRun *self = r->self;
  GError *error = NULL;
  gboolean ok = sheath_trainer_train_finish (SHEATH_TRAINER (object), result, &error);
  double seconds = g_key_file_get_double (self->notes, "training", "seconds", NULL);

  /* the time spent, for the card, over all sessions */
  seconds += (g_get_monotonic_time () - r->started) / 1e6;
  g_key_file_set_double (self->notes, "training", "seconds", seconds);
  save_notes (self);
  g_clear_object (&self->cancellable);
  if (ok)
    g_task_return_boolean (r->task, TRUE);
  else
    g_task_return_error (r->task, error);
  g_object_unref (r->task);
  g_free (r);
}

/* Trains in the background until done, paused or discarded. */
void
sheath_training_run_run_async (SheathTrainingRun   *self,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  Running *r = g_new0 (Running, 1);

  g_return_if_fail (SHEATH_IS_TRAINING_RUN (self));
  g_return_if_fail (self->cancellable == NULL);

  r->self = self;
  r->task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (r->task, sheath_training_run_run_async);
  r->started = g_get_monotonic_time ();
  self->cancellable = g_cancellable_new ();
  sheath_trainer_train_async (self->trainer, self->cancellable, trained_cb, r);
}

gboolean
sheath_training_run_run_finish (SheathTrainingRun  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Stops the run in flight; the trainer writes a checkpoint to resume from. */
void
sheath_training_run_pause (SheathTrainingRun *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

/* Throws a training that is not running away: its files go. (A run in
 * flight is paused first: its pause writes a checkpoint.) */
void
sheath_training_run_discard (SheathTrainingRun *self)
{
  g_return_if_fail (self->cancellable == NULL);
  sheath_training_run_discard_named (self->name);
}
