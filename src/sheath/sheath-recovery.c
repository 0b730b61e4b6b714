/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-recovery"

#include "config.h"

#include <glib/gi18n.h>

#include <glib/gstdio.h>

#include "sheath-recovery.h"

/* Recovery files: the masks of images with unsaved edits, written a few
 * seconds after each edit so that a crash or a kill loses almost nothing.
 * For each image, in the recovery folder: KEY_seg-axon.png,
 * KEY_seg-myelin.png (and _seg-axonmyelin.png), written first, then
 * KEY.ini naming the image; an entry counts only once its .ini is there,
 * so a save cut short is never offered. KEY is a hash of the image's URI. */
struct _SheathRecovery
{
  GObject  parent_instance;

  char    *dir;
  GMutex   lock;   /* between a save's last step and a discard */
};

G_DEFINE_FINAL_TYPE (SheathRecovery, sheath_recovery, G_TYPE_OBJECT)

static void
sheath_recovery_finalize (GObject *object)
{
  SheathRecovery *self = SHEATH_RECOVERY (object);

  g_free (self->dir);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (sheath_recovery_parent_class)->finalize (object);
}

static void
sheath_recovery_class_init (SheathRecoveryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sheath_recovery_finalize;
}

static void
sheath_recovery_init (SheathRecovery *self)
{
  g_mutex_init (&self->lock);
}

SheathRecovery *
sheath_recovery_new (const char *dir)
{
  SheathRecovery *self = g_object_new (SHEATH_TYPE_RECOVERY, NULL);

  self->dir = g_strdup (dir);
  return self;
}

/* $XDG_STATE_HOME/sheath/recovery: state that outlives a crash, not a
 * cache that may be cleaned */
SheathRecovery *
sheath_recovery_new_default (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_state_dir (), "sheath", "recovery", NULL);

  return sheath_recovery_new (dir);
}

static char *
key_for (GFile *image)
{
  g_autofree char *uri = g_file_get_uri (image);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA1, uri, -1);
}

static char *
ini_path (SheathRecovery *self,
          const char     *key)
{
  g_autofree char *name = g_strconcat (key, ".ini", NULL);

  return g_build_filename (self->dir, name, NULL);
}

static void
remove_masks (SheathRecovery *self,
              const char     *key)
{
  const char *kinds[] = { "axon", "myelin", "axonmyelin" };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *path = sheath_segmentation_dup_mask_path (self->dir, key, kinds[i]);
      g_unlink (path);
    }
}

typedef struct
{
  GFile              *image;
  SheathSegmentation *segmentation;
} Save;

static void
save_free (Save *save)
{
  g_clear_object (&save->image);
  g_clear_object (&save->segmentation);
  g_free (save);
}

static void
save_worker (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  SheathRecovery *self = source;
  Save *save = data;
  g_autofree char *key = key_for (save->image);
  g_autofree char *ini = ini_path (self, key);
  g_autofree char *uri = g_file_get_uri (save->image);
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *when = g_date_time_format_iso8601 (now);
  g_autofree char *text = NULL;
  GError *error = NULL;
  gsize len;

  if (g_mkdir_with_parents (self->dir, 0700) != 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (errno),
                               _ ("Cannot make the recovery folder %s"), self->dir);
      return;
    }
  if (!sheath_segmentation_save (save->segmentation, self->dir, key, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_key_file_set_string (keyfile, "recovery", "image", uri);
  g_key_file_set_string (keyfile, "recovery", "saved", when);
  text = g_key_file_to_data (keyfile, &len, NULL);

  g_mutex_lock (&self->lock);
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    remove_masks (self, key);   /* discarded meanwhile */
  else
    g_file_set_contents_full (ini, text, len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
  g_mutex_unlock (&self->lock);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * sheath_recovery_save_async:
 * @image: the image the masks are of
 * @segmentation: the masks, copied now: editing may go on meanwhile
 *
 * Writes the masks in a worker thread. Cancelling before the end leaves no
 * entry (and discarding cancels nothing by itself: cancel first).
 */
void
sheath_recovery_save_async (SheathRecovery      *self,
                            GFile               *image,
                            SheathSegmentation  *segmentation,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  Save *save;

  g_task_set_source_tag (task, sheath_recovery_save_async);
  save = g_new0 (Save, 1);
  save->image = g_object_ref (image);
  save->segmentation = sheath_segmentation_copy (segmentation, &error);
  g_task_set_task_data (task, save, (GDestroyNotify) save_free);
  if (save->segmentation == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_run_in_thread (task, save_worker);
}

gboolean
sheath_recovery_save_finish (SheathRecovery  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
sheath_recovery_has (SheathRecovery *self,
                     GFile          *image)
{
  g_autofree char *key = key_for (image);
  g_autofree char *ini = ini_path (self, key);

  return g_file_test (ini, G_FILE_TEST_EXISTS);
}

/**
 * sheath_recovery_list:
 *
 * Returns: (transfer full) (element-type GFile): the images with recovered
 *   masks, oldest name first
 */
GPtrArray *
sheath_recovery_list (SheathRecovery *self)
{
  GPtrArray *images = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDir) dir = g_dir_open (self->dir, 0, NULL);
  const char *name;

  if (dir == NULL)
    return images;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *uri = NULL;
      g_autoptr(GKeyFile) keyfile = g_key_file_new ();

      if (!g_str_has_suffix (name, ".ini"))
        continue;
      path = g_build_filename (self->dir, name, NULL);
      if (g_key_file_load_from_file (keyfile, path, G_KEY_FILE_NONE, NULL) &&
          (uri = g_key_file_get_string (keyfile, "recovery", "image", NULL)) != NULL)
        g_ptr_array_add (images, g_file_new_for_uri (uri));
    }
  return images;
}

/**
 * sheath_recovery_load:
 *
 * Returns: (transfer full): the recovered masks of @image, or %NULL
 */
SheathSegmentation *
sheath_recovery_load (SheathRecovery  *self,
                      GFile           *image,
                      GError         **error)
{
  g_autofree char *key = key_for (image);
  g_autofree char *axon_path = sheath_segmentation_dup_mask_path (self->dir, key, "axon");
  g_autofree char *myelin_path = sheath_segmentation_dup_mask_path (self->dir, key, "myelin");
  g_autoptr(GFile) axon = g_file_new_for_path (axon_path);
  g_autoptr(GFile) myelin = g_file_new_for_path (myelin_path);

  if (!sheath_recovery_has (self, image))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _ ("No recovered masks for this image"));
      return NULL;
    }
  g_autoptr(SheathSegmentation) seg = NULL;

  if (!(seg = sheath_segmentation_new_from_masks (axon, myelin, error)) ||
      !sheath_segmentation_add_unmyelinated_beside (seg, axon, error))
    return NULL;
  return g_steal_pointer (&seg);
}

/* Forgets the recovered masks of @image: they were saved, or the user
 * chose to throw the edits away. */
void
sheath_recovery_discard (SheathRecovery *self,
                         GFile          *image)
{
  g_autofree char *key = key_for (image);
  g_autofree char *ini = ini_path (self, key);

  g_mutex_lock (&self->lock);
  g_unlink (ini);
  remove_masks (self, key);
  g_mutex_unlock (&self->lock);
}
