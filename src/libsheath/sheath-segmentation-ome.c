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
#include "sheath-tiff-private.h"

/* Label maps too large for PNGs: one tiled, pyramidal BigTIFF with the
 * values of AxonDeepSeg's `_seg-axonmyelin.png` (0 background, 127
 * myelin, 255 axon), OME-XML giving its physical pixel size, its smaller
 * levels as SubIFDs for viewers (QuPath, napari, the app). */

#define TILE 256

/* the value a label has in the map written for @label (-1: the axonmyelin
 * map, else a 0/255 mask of that label) */
static guint8
map_value (guint8 l,
           int    label)
{
  if (label >= 0)
    return l == label ? 255 : 0;
  return l == SHEATH_LABEL_AXON ? 255 : l == SHEATH_LABEL_MYELIN ? 127 : 0;
}

static char *
ome_xml (guint   width,
         guint   height,
         double  pixel_size)
{
  char ps[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (ps, sizeof ps, "%.10g", pixel_size);
  return g_strdup_printf ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                          "<OME xmlns=\"http://www.openmicroscopy.org/Schemas/OME/2016-06\" "
                          "Creator=\"Sheath " PACKAGE_VERSION "\">"
                          "<Image ID=\"Image:0\" Name=\"labels\">"
                          "<Pixels ID=\"Pixels:0\" DimensionOrder=\"XYZCT\" Type=\"uint8\" "
                          "SizeX=\"%u\" SizeY=\"%u\" SizeZ=\"1\" SizeC=\"1\" SizeT=\"1\" "
                          "PhysicalSizeX=\"%s\" PhysicalSizeXUnit=\"µm\" "
                          "PhysicalSizeY=\"%s\" PhysicalSizeYUnit=\"µm\">"
                          "<Channel ID=\"Channel:0:0\" SamplesPerPixel=\"1\"/>"
                          "<TiffData IFD=\"0\" PlaneCount=\"1\"/>"
                          "</Pixels></Image></OME>", width, height, ps, ps);
}

/* One level: the map subsampled by 2^level (nearest, so that only the
 * map's values appear). */
static gboolean
write_level (TIFF               *tif,
             SheathSegmentation *self,
             int                 label,
             guint               level,
             guint               n_levels,
             double              pixel_size)
{
  guint w = sheath_segmentation_get_width (self), h = sheath_segmentation_get_height (self);
  guint step = 1u << level;
  guint lw = (w + step - 1) / step, lh = (h + step - 1) / step;
  g_autofree guint8 *tile = g_malloc (TILE * TILE);

  TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, lw);
  TIFFSetField (tif, TIFFTAG_IMAGELENGTH, lh);
  TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField (tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField (tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
  TIFFSetField (tif, TIFFTAG_TILEWIDTH, TILE);
  TIFFSetField (tif, TIFFTAG_TILELENGTH, TILE);
  TIFFSetField (tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_CENTIMETER);
  TIFFSetField (tif, TIFFTAG_XRESOLUTION, 1e4 / (pixel_size * step));
  TIFFSetField (tif, TIFFTAG_YRESOLUTION, 1e4 / (pixel_size * step));
  if (level == 0)
    {
      g_autofree char *xml = ome_xml (w, h, pixel_size);

      TIFFSetField (tif, TIFFTAG_IMAGEDESCRIPTION, xml);
      if (n_levels > 1)
        {
          g_autofree toff_t *offsets = g_new0 (toff_t, n_levels - 1);

          TIFFSetField (tif, TIFFTAG_SUBIFD, (guint16) (n_levels - 1), offsets);
        }
    }
  else
    TIFFSetField (tif, TIFFTAG_SUBFILETYPE, FILETYPE_REDUCEDIMAGE);

  for (guint ty = 0; ty < lh; ty += TILE)
    for (guint tx = 0; tx < lw; tx += TILE)
      {
        memset (tile, 0, TILE * TILE);
        for (guint y = ty; y < MIN (ty + TILE, lh); y++)
          {
            const guint8 *row = _sheath_segmentation_get_row (self, y * step);

            for (guint x = tx; x < MIN (tx + TILE, lw); x++)
              tile[(y - ty) * TILE + (x - tx)] = map_value (row[(gsize) x * step], label);
          }
        if (TIFFWriteTile (tif, tile, tx, ty, 0, 0) < 0)
          return FALSE;
      }
  return TIFFWriteDirectory (tif);
}

typedef struct
{
  SheathSegmentation *self;
  int                 label;
  double              pixel_size;
} MapWrite;

static gboolean
write_levels (TIFF     *tif,
              gpointer  data)
{
  MapWrite *m = data;
  guint w = sheath_segmentation_get_width (m->self), h = sheath_segmentation_get_height (m->self);
  guint n_levels = 1;

  /* levels down to about 512 pixels */
  while (MAX (w, h) >> n_levels > 512 && n_levels < 16)
    n_levels++;
  for (guint level = 0; level < n_levels; level++)
    if (!write_level (tif, m->self, m->label, level, n_levels, m->pixel_size))
      return FALSE;
  return TRUE;
}

static gboolean
write_map (SheathSegmentation  *self,
           const char          *path,
           int                  label,
           double               pixel_size,
           GError             **error)
{
  MapWrite m = { self, label, pixel_size };

  return _sheath_tiff_write_atomic (path, TRUE, write_levels, &m, error);
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
  g_autofree char *name = NULL;
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
        {
          guint v = sheath_image_get_value (image, x, y);

          row[x] = v * 4 > max * 3 ? SHEATH_LABEL_AXON : v * 4 > max ? SHEATH_LABEL_MYELIN : SHEATH_LABEL_BACKGROUND;
        }
    }

  name = g_file_get_basename (map);
  if (g_str_has_suffix (name, "_seg-axonmyelin.ome.tif"))
    {
      g_autofree char *stem = g_strndup (name, strlen (name) - strlen ("_seg-axonmyelin.ome.tif"));
      g_autofree char *uaxon_name = g_strconcat (stem, "_seg-uaxon.ome.tif", NULL);
      g_autoptr(GFile) parent = g_file_get_parent (map);
      g_autoptr(GFile) uaxon = g_file_get_child (parent, uaxon_name);

      if (g_file_query_exists (uaxon, NULL) &&
          !sheath_segmentation_add_mask (self, uaxon, SHEATH_LABEL_UNMYELINATED_AXON, error))
        return NULL;
    }
  return g_steal_pointer (&self);
}
