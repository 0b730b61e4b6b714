/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-document"

#include "config.h"

#include <glib/gi18n.h>

#include "sheath-document-private.h"

/* unsaved masks reach the recovery file this long after the first change */
#define AUTOSAVE_SECONDS 2

void
_sheath_document_set_modified (SheathDocument *self,
                               gboolean        modified)
{
  if (self->modified == modified)
    return;
  self->modified = modified;
  _sheath_document_notify (self, SHEATH_DOCUMENT_PROP_MODIFIED);
}

static gboolean autosave_cb (gpointer data);

static void
autosaved_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SheathDocument) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sheath_recovery_save_finish (SHEATH_RECOVERY (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _sheath_document_toast (self, _ ("Unsaved edits could not be kept safe: %s"), error->message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->autosave);
  if (self->autosave_again && self->modified && self->autosave_source == 0)
    self->autosave_source = g_timeout_add_seconds (AUTOSAVE_SECONDS, autosave_cb, self);
  self->autosave_again = FALSE;
}

static gboolean
autosave_cb (gpointer data)
{
  SheathDocument *self = data;

  self->autosave_source = 0;
  if (self->autosave != NULL)
    {
      self->autosave_again = TRUE;   /* once the one in flight is done */
      return G_SOURCE_REMOVE;
    }
  if (!self->modified || self->segmentation == NULL)
    return G_SOURCE_REMOVE;
  self->autosave = g_cancellable_new ();
  sheath_recovery_save_async (self->recovery, sheath_document_get_name_file (self), self->segmentation, self->autosave,
                              autosaved_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

/* Masks the user has not saved (edits, or a fresh segmentation): shown in
 * the title, asked about on closing, and kept in the recovery file. */
void
_sheath_document_mark_unsaved (SheathDocument *self)
{
  _sheath_document_set_modified (self, TRUE);
  if (self->autosave_source == 0)
    self->autosave_source = g_timeout_add_seconds (AUTOSAVE_SECONDS, autosave_cb, self);
}

void
_sheath_document_stop_autosave (SheathDocument *self)
{
  g_clear_handle_id (&self->autosave_source, g_source_remove);
  if (self->autosave != NULL)
    g_cancellable_cancel (self->autosave);
  g_clear_object (&self->autosave);
  self->autosave_again = FALSE;
}

/* Forgets the recovery file: the edits were saved, or thrown away. */
void
_sheath_document_drop_recovery (SheathDocument *self)
{
  _sheath_document_stop_autosave (self);
  sheath_recovery_discard (self->recovery, sheath_document_get_name_file (self));
}

/**
 * sheath_document_restore_edits:
 *
 * Puts back the masks kept in the recovery file (unsaved edits of an
 * earlier session), as unsaved edits again; once the image is loaded if it
 * is not yet.
 */
void
sheath_document_restore_edits (SheathDocument *self)
{
  g_autoptr(SheathSegmentation) seg = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (SHEATH_IS_DOCUMENT (self));

  if (self->image == NULL)
    {
      self->restore_pending = TRUE;
      return;
    }
  self->restore_pending = FALSE;
  seg = sheath_recovery_load (self->recovery, sheath_document_get_name_file (self), &error);
  if (seg != NULL && (sheath_segmentation_get_width (seg) != sheath_image_get_width (self->image) ||
                      sheath_segmentation_get_height (seg) != sheath_image_get_height (self->image)))
    {
      g_clear_object (&seg);
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _ ("they are not the image's size"));
    }
  if (seg == NULL)
    {
      _sheath_document_toast (self, _ ("The unsaved edits could not be restored: %s"), error->message);
      return;
    }
  _sheath_document_set_segmentation (self, seg);
  _sheath_document_set_modified (self, TRUE);
  _sheath_document_toast (self, _ ("Unsaved edits restored; save the masks to keep them"));
}

/**
 * sheath_document_discard_edits:
 *
 * The user chose to throw the unsaved edits away (closing without
 * saving): the recovery file goes too.
 */
void
sheath_document_discard_edits (SheathDocument *self)
{
  g_return_if_fail (SHEATH_IS_DOCUMENT (self));
  _sheath_document_drop_recovery (self);
  _sheath_document_set_modified (self, FALSE);
}
