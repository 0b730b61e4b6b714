/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-segmentation"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include <string.h>
#include <tiffio.h>

#include "sheath-error.h"
#include "sheath-image.h"
#include "sheath-segmentation-private.h"
#include "sheath-ome-writer-private.h"

/* Label maps too large for PNGs: one tiled, pyramidal BigTIFF with the
 * values of AxonDeepSeg's `_seg-axonmyelin.png` (0 background, 127
 * myelin, 255 axon), OME-XML giving its physical pixel size, its smaller
 * levels as SubIFDs for viewers (QuPath, napari, the app). */

/* the value a label has in the map written for @label (-1: the axonmyelin
 * map, else a 0/255 mask of that label) */
guint8
_sheath_segmentation_map_value (guint8 l,
           int    label)
{
  if (label >= 0)
    return l == label ? 255 : 0;
  return l == SHEATH_LABEL_AXON ? 255 : l == SHEATH_LABEL_MYELIN ? 127 : 0;
}

static gboolean
write_map (SheathSegmentation  *self,
           const char          *path,
           int                  label,
           double               pixel_size,
           GError             **error)
{
  guint w = sheath_segmentation_get_width (self), h = sheath_segmentation_get_height (self);
  g_autoptr(SheathOmeWriter) writer = NULL;
  g_autofree guint8 *values = g_malloc (w);

  if (!(writer = _sheath_ome_writer_new (path, w, h, pixel_size, error)))
    return FALSE;
  for (guint y = 0; y < h; y++)
    {
      const guint8 *row = _sheath_segmentation_get_row (self, y);

      for (guint x = 0; x < w; x++)
        values[x] = _sheath_segmentation_map_value (row[x], label);
      if (!_sheath_ome_writer_push_row (writer, values, error))
        return FALSE;
    }
  return _sheath_ome_writer_finish (writer, error);
}

/**
 * sheath_segmentation_save_ome_tiff:
 * @self: a #SheathSegmentation
 * @dir: the folder to write to
 * @stem: the image's name without extension
 * @pixel_size: the image's pixel size in µm, written as OME-XML's
 *   `PhysicalSizeX` and in the resolution tags
 * @error: return location for a #GError
 *
 * Writes the label map of a large image as one tiled, pyramidal BigTIFF,
 * `STEM_seg-axonmyelin.ome.tif`, with the values of AxonDeepSeg's
 * `_seg-axonmyelin.png` (0 background, 127 myelin, 255 axon) and its
 * smaller levels as SubIFDs; where unmyelinated axons are labelled, their
 * 0/255 mask as `STEM_seg-uaxon.ome.tif` too. Written to temporary files
 * and renamed; sheath_segmentation_new_from_axonmyelin() reads it back.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_segmentation_save_ome_tiff (SheathSegmentation  *self,
                                   const char          *dir,
                                   const char          *stem,
                                   double               pixel_size,
                                   GError             **error)
{
  g_autofree char *name = g_strdup_printf ("%s_seg-axonmyelin.ome.tif", stem);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *uaxon_name = g_strdup_printf ("%s_seg-uaxon.ome.tif", stem);
  g_autofree char *uaxon_path = g_build_filename (dir, uaxon_name, NULL);

  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (self), FALSE);
  g_return_val_if_fail (pixel_size > 0, FALSE);

  if (!write_map (self, path, -1, pixel_size, error))
    return FALSE;
  if (sheath_segmentation_get_unmyelinated (self))
    return write_map (self, uaxon_path, SHEATH_LABEL_UNMYELINATED_AXON, pixel_size, error);
  g_unlink (uaxon_path);
  return TRUE;
}

GFile *
_sheath_segmentation_dup_uaxon_map_for (GFile *map)
{
  g_autofree char *name = g_file_get_basename (map);
  g_autofree char *stem = NULL, *uaxon_name = NULL;
  g_autoptr(GFile) parent = NULL, uaxon = NULL;

  if (!g_str_has_suffix (name, "_seg-axonmyelin.ome.tif"))
    return NULL;
  stem = g_strndup (name, strlen (name) - strlen ("_seg-axonmyelin.ome.tif"));
  uaxon_name = g_strconcat (stem, "_seg-uaxon.ome.tif", NULL);
  parent = g_file_get_parent (map);
  uaxon = g_file_get_child (parent, uaxon_name);
  return g_file_query_exists (uaxon, NULL) ? g_steal_pointer (&uaxon) : NULL;
}

/**
 * sheath_segmentation_new_from_axonmyelin:
 * @map: a map with AxonDeepSeg's `_seg-axonmyelin` values (0 background,
 *   127 myelin, 255 axon), a PNG or a TIFF such as `STEM_seg-axonmyelin.ome.tif`
 * @error: return location for a #GError
 *
 * Reads a label map of three values; a value nearer 127 than 0 or 255 is
 * myelin. With `STEM_seg-uaxon.ome.tif` beside an `.ome.tif` map, its
 * unmyelinated axons are painted in too.
 *
 * Returns: (transfer full): the segmentation, or %NULL with @error set
 */
SheathSegmentation *
sheath_segmentation_new_from_axonmyelin (GFile   *map,
                                         GError **error)
{
  g_autoptr(SheathImage) image = NULL;
  g_autoptr(SheathSegmentation) self = NULL;
  g_autoptr(GFile) uaxon = NULL;
  guint w, h, max;

  g_return_val_if_fail (G_IS_FILE (map), NULL);

  if (!(image = sheath_image_new_from_file (map, error)))
    return NULL;
  w = sheath_image_get_width (image);
  h = sheath_image_get_height (image);
  max = sheath_image_get_bit_depth (image) == 8 ? 255 : 65535;
  if (!(self = _sheath_segmentation_try_new (w, h, error)))
    return NULL;
  for (guint y = 0; y < h; y++)
    {
      guint8 *row = _sheath_segmentation_get_row (self, y);

      for (guint x = 0; x < w; x++)
        row[x] = _sheath_segmentation_label_for_value (sheath_image_get_value (image, x, y), max);
    }

  uaxon = _sheath_segmentation_dup_uaxon_map_for (map);
  if (uaxon != NULL && !sheath_segmentation_add_mask (self, uaxon, SHEATH_LABEL_UNMYELINATED_AXON, error))
    return NULL;
  return g_steal_pointer (&self);
}
