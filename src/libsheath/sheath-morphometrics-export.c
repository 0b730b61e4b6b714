/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-morphometrics"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>
#include <tiffio.h>

#include "sheath-digits-private.h"
#include "sheath-error.h"
#include "sheath-image-private.h"
#include "sheath-morphometrics-private.h"
#include "sheath-png-writer-private.h"
#include "sheath-segmentation-private.h"
#include "sheath-table-private.h"
#include "sheath-tiff-private.h"
#include "sheath-util-private.h"

/* The measurements written out: the CSV table, the instance map and the
 * index image, each written whole or not at all. */

void
_sheath_morphometrics_append_double (GString *s,
                                     double   v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (s, ',');
  g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.10g", v));
}

gboolean
_sheath_morphometrics_write_text (const char  *path,
                                  GString     *text,
                                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_file_set_contents_full (path, text->str, text->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local_error))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE,
                   _ ("Cannot write '%s': %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * sheath_morphometrics_write_csv:
 * @self: a #SheathMorphometrics
 * @path: the CSV file to write
 * @error: return location for a #GError
 *
 * Writes one row per axon with AxonDeepSeg's column names and units, after
 * an `axon_id` column that matches the instance map, and then Sheath's
 * `confidence` (empty for masks read from files) and `flags`
 * (sheath_axon_flags_to_string()). The file is written whole to a
 * temporary file and renamed.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_morphometrics_write_csv (SheathMorphometrics  *self,
                                const char           *path,
                                GError              **error)
{
  g_autoptr(GString) csv = g_string_new ("axon_id,x0 (px),y0 (px),gratio,axon_area (um^2),"
                                         "axon_perimeter (um),myelin_area (um^2),axon_diam (um),"
                                         "myelin_thickness (um),axonmyelin_area (um^2),"
                                         "axonmyelin_perimeter (um),solidity,eccentricity,orientation,"
                                         "image_border_touching,bbox_min_y,bbox_min_x,bbox_max_y,"
                                         "bbox_max_x,confidence,flags\n");

  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), FALSE);

  for (guint i = 0; i < self->axons->len; i++)
    {
      const SheathAxon *a = &g_array_index (self->axons, SheathAxon, i);
      g_autofree char *flags = sheath_axon_flags_to_string (a->flags);

      g_string_append_printf (csv, "%u", a->id);
      _sheath_morphometrics_append_double (csv, a->x0);
      _sheath_morphometrics_append_double (csv, a->y0);
      _sheath_morphometrics_append_double (csv, a->gratio);
      _sheath_morphometrics_append_double (csv, a->axon_area);
      _sheath_morphometrics_append_double (csv, a->axon_perimeter);
      _sheath_morphometrics_append_double (csv, a->myelin_area);
      _sheath_morphometrics_append_double (csv, a->axon_diam);
      _sheath_morphometrics_append_double (csv, a->myelin_thickness);
      _sheath_morphometrics_append_double (csv, a->axonmyelin_area);
      _sheath_morphometrics_append_double (csv, a->axonmyelin_perimeter);
      _sheath_morphometrics_append_double (csv, a->solidity);
      _sheath_morphometrics_append_double (csv, a->eccentricity);
      _sheath_morphometrics_append_double (csv, a->orientation);
      g_string_append_printf (csv, ",%s,%d,%d,%d,%d",
                              a->image_border_touching ? "True" : "False",
                              a->bbox_min_y, a->bbox_min_x, a->bbox_max_y, a->bbox_max_x);
      if (isnan (a->confidence))
        g_string_append_c (csv, ',');
      else
        _sheath_morphometrics_append_double (csv, a->confidence);
      g_string_append_printf (csv, ",%s\n", flags);
    }

  return _sheath_morphometrics_write_text (path, csv, error);
}

/**
 * sheath_morphometrics_write_xlsx:
 * @self: a #SheathMorphometrics
 * @path: where to write, usually `STEM_axon_morphometrics.xlsx`
 * @error: return location for a #GError
 *
 * Writes the per-axon table as an Excel workbook, with the columns of
 * sheath_morphometrics_write_csv(): the file AxonDeepSeg writes and its
 * `axondeepseg_aggregate` reads. Written whole or not at all.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_morphometrics_write_xlsx (SheathMorphometrics  *self,
                                 const char           *path,
                                 GError              **error)
{
  static const char * const columns[] = {
    "axon_id", "x0 (px)", "y0 (px)", "gratio", "axon_area (um^2)", "axon_perimeter (um)", "myelin_area (um^2)",
    "axon_diam (um)", "myelin_thickness (um)", "axonmyelin_area (um^2)", "axonmyelin_perimeter (um)",
    "solidity", "eccentricity", "orientation", "image_border_touching", "bbox_min_y", "bbox_min_x",
    "bbox_max_y", "bbox_max_x", "confidence", "flags", NULL,
  };
  g_autoptr(SheathTable) table = _sheath_table_new (columns);

  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), FALSE);

  for (guint i = 0; i < self->axons->len; i++)
    {
      const SheathAxon *a = &g_array_index (self->axons, SheathAxon, i);
      const double values[] = {
        a->id, a->x0, a->y0, a->gratio, a->axon_area, a->axon_perimeter, a->myelin_area, a->axon_diam,
        a->myelin_thickness, a->axonmyelin_area, a->axonmyelin_perimeter, a->solidity, a->eccentricity,
        a->orientation,
      };
      guint row = _sheath_table_add_row (table);
      guint c = 0;

      for (; c < G_N_ELEMENTS (values); c++)
        _sheath_table_set_number (table, row, c, values[c]);
      _sheath_table_set_text (table, row, c++, a->image_border_touching ? "True" : "False");
      _sheath_table_set_number (table, row, c++, a->bbox_min_y);
      _sheath_table_set_number (table, row, c++, a->bbox_min_x);
      _sheath_table_set_number (table, row, c++, a->bbox_max_y);
      _sheath_table_set_number (table, row, c++, a->bbox_max_x);
      if (!isnan (a->confidence))
        _sheath_table_set_number (table, row, c, a->confidence);
      c++;
      {
        g_autofree char *flags = sheath_axon_flags_to_string (a->flags);

        _sheath_table_set_text (table, row, c++, flags);
      }
    }
  return _sheath_table_write_xlsx (table, path, "Sheet1", error);
}

static void
instance_row (guint    y,
              gpointer row,
              gpointer data)
{
  SheathMorphometrics *self = data;
  const guint32 *labels = self->fibre_labels + (gsize) y * self->width;
  guint16 *out = row;

  for (guint x = 0; x < self->width; x++)
    out[x] = (guint16) labels[x];
}

/* A 32-bit tiled BigTIFF, for more axons than 16 bits hold (a whole
 * section has hundreds of thousands). */
static gboolean
write_instance_tiles (TIFF     *tif,
                      gpointer  data)
{
  SheathMorphometrics *self = data;
  g_autofree guint32 *tile = g_new (guint32, 256 * 256);

  TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, self->width);
  TIFFSetField (tif, TIFFTAG_IMAGELENGTH, self->height);
  TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, 32);
  TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField (tif, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_UINT);
  TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField (tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField (tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
  TIFFSetField (tif, TIFFTAG_TILEWIDTH, 256);
  TIFFSetField (tif, TIFFTAG_TILELENGTH, 256);
  for (guint ty = 0; ty < self->height; ty += 256)
    for (guint tx = 0; tx < self->width; tx += 256)
      {
        memset (tile, 0, 256 * 256 * sizeof (guint32));
        for (guint y = ty; y < MIN (ty + 256, self->height); y++)
          memcpy (tile + (y - ty) * 256, self->fibre_labels + (gsize) y * self->width + tx,
                  MIN (256, self->width - tx) * sizeof (guint32));
        if (TIFFWriteTile (tif, tile, tx, ty, 0, 0) < 0)
          return FALSE;
      }
  return TIFFWriteDirectory (tif);
}

/**
 * sheath_morphometrics_write_instance_map:
 * @self: a #SheathMorphometrics
 * @path: the file to write: a PNG, or a TIFF (`.tif`)
 * @error: return location for a #GError
 *
 * Writes a map in which each fibre's pixels (axon and its myelin) hold its
 * axon's id, and the rest 0: a 16-bit PNG, or for a path ending in `.tif`
 * a 32-bit tiled BigTIFF, which takes any number of axons (a PNG takes
 * 65535 at most).
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_morphometrics_write_instance_map (SheathMorphometrics  *self,
                                         const char           *path,
                                         GError              **error)
{
  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), FALSE);

  if (self->banded)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("'%s' needs the label map in memory, and these axons were measured in bands"), path);
      return FALSE;
    }

  if (g_str_has_suffix (path, ".tif") || g_str_has_suffix (path, ".tiff"))
    return _sheath_tiff_write_atomic (path, TRUE, write_instance_tiles, self, error);
  if (self->axons->len > G_MAXUINT16)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE,
                   _ ("%u axons do not fit in a 16-bit PNG instance map (at most 65535); "
                      "write it as a .tif"), self->axons->len);
      return FALSE;
    }

  return _sheath_png_write_atomic (path, self->width, self->height, 16, 1, instance_row, self, error);
}

typedef struct
{
  SheathMorphometrics *self;
  SheathImage         *image;
  SheathDigitLabels   *labels;
} IndexRows;

static void
index_row (guint    y,
           gpointer row,
           gpointer data)
{
  IndexRows *rows = data;
  SheathMorphometrics *self = rows->self;
  guint8 *out = row;

  if (rows->image != NULL)
    {
      for (guint x = 0; x < self->width; x++)
        {
          guint v = sheath_image_get_bit_depth (rows->image) == 8 ? _sheath_image_get_row8 (rows->image, y)[x]
                                                                  : _sheath_image_get_row16 (rows->image, y)[x] >> 8;
          out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = (guint8) v;
        }
    }
  else
    {
      const guint8 *labels = _sheath_segmentation_get_row (self->segmentation, y);

      for (guint x = 0; x < self->width; x++)
        {
          guint8 v = labels[x] == SHEATH_LABEL_AXON ? 255 : labels[x] == SHEATH_LABEL_MYELIN ? 127 : 0;
          out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = v;
        }
    }

  _sheath_digit_labels_draw_row (rows->labels, y, out, self->width);
}

/**
 * sheath_morphometrics_write_index_image:
 * @self: a #SheathMorphometrics
 * @image: (nullable): the micrograph to draw on, of the same size; %NULL
 *   draws on the masks
 * @path: the PNG file to write
 * @error: return location for a #GError
 *
 * Writes an RGB PNG with each axon's id drawn at its centroid, in yellow on
 * a dark box, sized for the axons so that it stays readable when the whole
 * image is shown.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_morphometrics_write_index_image (SheathMorphometrics  *self,
                                        SheathImage          *image,
                                        const char           *path,
                                        GError              **error)
{
  g_autoptr(SheathDigitLabels) labels = NULL;
  g_autofree double *diams = NULL;
  IndexRows rows = { self, image, NULL };
  guint scale = 1;

  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), FALSE);

  if (self->banded)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("'%s' needs the label map in memory, and these axons were measured in bands"), path);
      return FALSE;
    }

  if (image != NULL &&
      (sheath_image_get_width (image) != self->width || sheath_image_get_height (image) != self->height))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("The image is %u × %u but the masks are %u × %u"),
                   sheath_image_get_width (image), sheath_image_get_height (image),
                   self->width, self->height);
      return FALSE;
    }

  if (self->axons->len > 0)
    {
      /* Digits a fraction of the median axon's size, and never smaller than
       * a 1/600 of the image so that they show when it is seen whole. */
      diams = g_new (double, self->axons->len);
      for (guint i = 0; i < self->axons->len; i++)
        diams[i] = g_array_index (self->axons, SheathAxon, i).axon_diam / self->pixel_size;
      qsort (diams, self->axons->len, sizeof (double), _sheath_compare_doubles);
      scale = (guint) CLAMP (round (diams[self->axons->len / 2] / 10.0), 1, 32);
      scale = MAX (scale, MAX (self->width, self->height) / 600 / 7);
    }

  labels = _sheath_digit_labels_new (scale);
  for (guint i = 0; i < self->axons->len; i++)
    {
      const SheathAxon *a = &g_array_index (self->axons, SheathAxon, i);
      _sheath_digit_labels_add (labels, a->id, a->x0, a->y0);
    }
  _sheath_digit_labels_prepare (labels);
  rows.labels = labels;

  return _sheath_png_write_atomic (path, self->width, self->height, 8, 3, index_row, &rows, error);
}
