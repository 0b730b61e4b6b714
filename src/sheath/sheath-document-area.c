/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-document"

#include "config.h"

#include <glib/gi18n.h>

#include <stdlib.h>
#include <string.h>

#include "sheath-document-private.h"

/* A part of a whole slide, opened to correct its masks: the image read from
 * the slide's full resolution, the labels from its label map, both for the
 * part only; saving writes the labels back into the map (in a thread: the
 * map is written again whole, band by band). Such a document is known by a
 * name made from the slide's and the part's, STEM_area-X-Y-WxH.EXT beside
 * the slide: its tab's title, where its tables are offered to be exported,
 * and the key of its unsaved edits' recovery file. */

/**
 * sheath_document_dup_area_name:
 * @slide: a whole slide
 *
 * Returns: (transfer full): the name a part of @slide is known by:
 *   STEM_area-X-Y-WxH.EXT beside it
 */
GFile *
sheath_document_dup_area_name (GFile   *slide,
                               guint64  x,
                               guint64  y,
                               guint    width,
                               guint    height)
{
  g_autofree char *stem = sheath_segmentation_dup_stem (slide);
  g_autofree char *name = g_file_get_basename (slide);
  g_autofree char *area_name = NULL;
  g_autoptr(GFile) parent = g_file_get_parent (slide);

  area_name = g_strdup_printf ("%s_area-%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT "-%ux%u%s", stem, x, y, width,
                               height, name + strlen (stem));
  return parent ? g_file_get_child (parent, area_name) : g_file_new_for_path (area_name);
}

/**
 * sheath_document_new_for_map_area:
 * @slide: a whole slide
 * @map: its label map, `STEM_seg-axonmyelin.ome.tif`
 * @x: the part's left column
 * @y: the part's top row
 * @width: the part's width
 * @height: the part's height
 * @pixel_size: the slide's pixel size in µm
 * @settings: (nullable): where pixel sizes given by hand are remembered
 *
 * Returns: (transfer full): a document of a part of @slide, reading it and
 *   its labels in the background
 */
SheathDocument *
sheath_document_new_for_map_area (GFile     *slide,
                                  GFile     *map,
                                  guint64    x,
                                  guint64    y,
                                  guint      width,
                                  guint      height,
                                  double     pixel_size,
                                  GSettings *settings)
{
  g_autoptr(GFile) name_file = NULL;

  g_return_val_if_fail (G_IS_FILE (slide), NULL);
  g_return_val_if_fail (G_IS_FILE (map), NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);

  name_file = sheath_document_dup_area_name (slide, x, y, width, height);
  return g_object_new (SHEATH_TYPE_DOCUMENT,
                       "file", slide,
                       "settings", settings,
                       "map", map,
                       "name-file", name_file,
                       "area", g_variant_new ("(ttuud)", x, y, width, height, pixel_size),
                       NULL);
}

/**
 * sheath_document_parse_area_name:
 * @name_file: what sheath_document_get_name_file() gives for a part of a
 *   slide (the key of its recovery file)
 * @slide: (out) (transfer full): the slide
 * @x: (out): the part's left column
 * @y: (out): the part's top row
 * @width: (out): the part's width
 * @height: (out): the part's height
 *
 * Returns: whether @name_file names a part of a slide
 */
gboolean
sheath_document_parse_area_name (GFile    *name_file,
                                 GFile   **slide,
                                 guint64  *x,
                                 guint64  *y,
                                 guint    *width,
                                 guint    *height)
{
  g_autofree char *name = g_file_get_basename (name_file);
  g_autoptr(GRegex) regex = g_regex_new ("^(.+)_area-([0-9]{1,12})-([0-9]{1,12})-([0-9]{1,9})x([0-9]{1,9})(\\..+)?$",
                                         0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GFile) parent = g_file_get_parent (name_file);
  g_autofree char *stem = NULL, *ext = NULL, *slide_name = NULL;
  g_autofree char *sx = NULL, *sy = NULL, *sw = NULL, *sh = NULL;

  if (name == NULL || parent == NULL || !g_regex_match (regex, name, 0, &match))
    return FALSE;
  stem = g_match_info_fetch (match, 1);
  sx = g_match_info_fetch (match, 2);
  sy = g_match_info_fetch (match, 3);
  sw = g_match_info_fetch (match, 4);
  sh = g_match_info_fetch (match, 5);
  ext = g_match_info_fetch (match, 6);
  *x = g_ascii_strtoull (sx, NULL, 10);
  *y = g_ascii_strtoull (sy, NULL, 10);
  *width = (guint) g_ascii_strtoull (sw, NULL, 10);
  *height = (guint) g_ascii_strtoull (sh, NULL, 10);
  if (*width == 0 || *height == 0)
    return FALSE;
  slide_name = g_strconcat (stem, ext ? ext : "", NULL);
  *slide = g_file_get_child (parent, slide_name);
  return TRUE;
}

GFile *
sheath_document_get_map (SheathDocument *self)
{
  g_return_val_if_fail (SHEATH_IS_DOCUMENT (self), NULL);
  return self->map;
}

/**
 * sheath_document_get_name_file:
 *
 * Returns: (transfer none): the file the document is known by: its image,
 *   or for a part of a slide a name made from the slide's and the part's
 */
GFile *
sheath_document_get_name_file (SheathDocument *self)
{
  g_return_val_if_fail (SHEATH_IS_DOCUMENT (self), NULL);
  return self->name_file != NULL ? self->name_file : self->file;
}

/**
 * sheath_document_get_area:
 *
 * Returns: whether the document is a part of a slide, and where: its
 *   left column @x, top row @y, @width and @height in the slide
 */
gboolean
sheath_document_get_area (SheathDocument *self,
                          guint64        *x,
                          guint64        *y,
                          guint          *width,
                          guint          *height)
{
  g_return_val_if_fail (SHEATH_IS_DOCUMENT (self), FALSE);
  if (self->map == NULL)
    return FALSE;
  if (x) *x = self->area_x;
  if (y) *y = self->area_y;
  if (width) *width = self->area_width;
  if (height) *height = self->area_height;
  return TRUE;
}


/* ---- reading the part ------------------------------------------------------------ */

/* In the loading thread: the part's pixels and labels. */
SheathImage *
_sheath_document_read_area (SheathDocument      *self,
                            SheathSegmentation **labels,
                            GError             **error)
{
  g_autoptr(SheathSlide) slide = NULL;
  g_autoptr(GBytes) pixels = NULL;
  g_autoptr(SheathImage) image = NULL;

  /* (a part outside the slide is refused by sheath_slide_read_region()) */
  if (!(slide = sheath_slide_new_from_file (self->file, error)) ||
      !(pixels = sheath_slide_read_region (slide, 0, self->area_x, self->area_y, self->area_width,
                                           self->area_height, error)) ||
      !(image = sheath_image_new_from_bytes (self->area_width, self->area_height, sheath_slide_get_bit_depth (slide),
                                             pixels, error)))
    return NULL;
  if (self->area_pixel_size > 0 && !sheath_image_set_pixel_size (image, self->area_pixel_size, error))
    return NULL;
  if (!(*labels = sheath_segmentation_new_from_map_area (self->map, self->area_x, self->area_y, self->area_width,
                                                          self->area_height, error)))
    return NULL;
  return g_steal_pointer (&image);
}


/* ---- saving into the map ---------------------------------------------------------- */

typedef struct
{
  SheathSegmentation *labels;   /* a copy: edits go on while it is written */
  GFile              *map;
  guint64             x, y;
  guint               edit_serial;
} SaveInto;

static void
save_into_free (SaveInto *save)
{
  g_clear_object (&save->labels);
  g_clear_object (&save->map);
  g_free (save);
}

static void
save_into_worker (GTask        *task,
                  gpointer      source,
                  gpointer      data,
                  GCancellable *cancellable)
{
  SaveInto *save = data;
  GError *error = NULL;

  if (sheath_segmentation_write_into_map (save->labels, save->map, save->x, save->y, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
saved_into_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  SheathDocument *self = SHEATH_DOCUMENT (object);
  g_autoptr(GTask) outer = user_data;
  SaveInto *save = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  self->saving = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, error);
      return;
    }
  /* edits made while it was written stay unsaved */
  if (save->edit_serial == self->edit_serial)
    {
      _sheath_document_drop_recovery (self);
      _sheath_document_set_modified (self, FALSE);
    }
  {
    g_autoptr(GFile) parent = g_file_get_parent (self->map);
    g_autofree char *dir = parent ? g_file_get_path (parent) : NULL;

    _sheath_document_emit (self, SHEATH_DOCUMENT_SAVED, dir);
  }
  g_task_return_boolean (outer, TRUE);
}

/**
 * sheath_document_save_into_map_async:
 * @callback: called when the map is written, or could not be
 *
 * Writes a slide part's masks back into the slide's label map, in a
 * thread; the document stays editable meanwhile (what is written is the
 * masks as they were when this was called).
 */
void
sheath_document_save_into_map_async (SheathDocument      *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  SaveInto *save;

  g_return_if_fail (SHEATH_IS_DOCUMENT (self));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, sheath_document_save_into_map_async);
  if (self->map == NULL || self->segmentation == NULL || self->saving)
    {
      g_task_return_new_error (outer, G_IO_ERROR, self->saving ? G_IO_ERROR_BUSY : G_IO_ERROR_INVALID_ARGUMENT, "%s",
                               self->saving ? _ ("The masks are being saved") : _ ("There are no masks to save into a slide's map"));
      return;
    }

  save = g_new0 (SaveInto, 1);
  if (!(save->labels = sheath_segmentation_copy (self->segmentation, &error)))
    {
      save_into_free (save);
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }
  save->map = g_object_ref (self->map);
  save->x = self->area_x;
  save->y = self->area_y;
  save->edit_serial = self->edit_serial;
  self->saving = TRUE;

  task = g_task_new (self, cancellable, saved_into_cb, g_steal_pointer (&outer));
  g_task_set_source_tag (task, save_into_worker);
  g_task_set_task_data (task, save, (GDestroyNotify) save_into_free);
  g_task_run_in_thread (task, save_into_worker);
}

gboolean
sheath_document_save_into_map_finish (SheathDocument  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
sheath_document_get_saving (SheathDocument *self)
{
  g_return_val_if_fail (SHEATH_IS_DOCUMENT (self), FALSE);
  return self->saving;
}
