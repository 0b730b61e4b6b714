/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-ome-writer"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <tiffio.h>
#include <unistd.h>
#include <zlib.h>

#include "sheath-error.h"
#include "sheath-ome-writer-private.h"
#include "sheath-tiff-private.h"

/* Levels are subsampled by two (nearest, so that only the map's values
 * appear) down to about 512 pixels; each keeps one row of tiles in memory.
 * Tiles are deflated here, as libtiff's Adobe Deflate codec would, so that
 * finishing copies them into the TIFF as they are. */

#define TILE       256
#define MAX_LEVELS 16
#define STATE_TYPE "(uuuta(atauay))"

typedef struct
{
  guint   width, height;
  guint   tiles_x;
  guint8 *buffer;          /* [TILE][tiles_x * TILE], zero past the level */
  guint   rows_in_buffer;
  GArray *offsets;         /* guint64, per tile written, in TIFF order */
  GArray *sizes;           /* guint32 */
} Level;

struct _SheathOmeWriter
{
  char    *path;
  char    *part_path;
  int      fd;
  guint64  part_size;
  guint    width, height;
  double   pixel_size;
  guint    bps;            /* bytes per sample: 1, or 4 for instance maps */
  guint    n_levels;
  Level   *levels;         /* [n_levels] */
  guint    rows;
  guint8  *tile;
  guint8  *packed;
  gsize    packed_capacity;
  gboolean keep_part;
  SheathOmeTileReuse reuse;
  gpointer reuse_data;
  GByteArray *reused;
};

char *
_sheath_ome_writer_dup_part_path (const char *path)
{
  return g_strconcat (path, ".part", NULL);
}

static void
set_write_error (SheathOmeWriter  *self,
                 int               saved_errno,
                 GError          **error)
{
  g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE, _ ("Cannot write '%s': %s"),
               self->part_path, g_strerror (saved_errno));
}

static gboolean
write_all (SheathOmeWriter  *self,
           const guint8     *data,
           gsize             size,
           GError          **error)
{
  guint64 at = self->part_size;

  while (size > 0)
    {
      gssize n = pwrite (self->fd, data, size, (off_t) at);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          set_write_error (self, n < 0 ? errno : ENOSPC, error);
          return FALSE;
        }
      data += n, size -= (gsize) n, at += (guint64) n;
    }
  self->part_size = at;
  return TRUE;
}

/* The level's row of tiles, deflated and appended to the part file. */
static gboolean
flush_tile_row (SheathOmeWriter  *self,
                Level            *level,
                GError          **error)
{
  gsize tile_row = (gsize) TILE * self->bps;
  gsize stride = (gsize) level->tiles_x * tile_row;
  guint ty = level->offsets->len / level->tiles_x;   /* the row of tiles flushed */

  for (guint tx = 0; tx < level->tiles_x; tx++)
    {
      uLongf size = self->packed_capacity;
      guint64 offset = self->part_size;
      guint32 size32;

      if (self->reuse != NULL && self->reuse ((guint) (level - self->levels), tx, ty, self->reused, self->reuse_data))
        {
          if (!write_all (self, self->reused->data, self->reused->len, error))
            return FALSE;
          size = self->reused->len;
        }
      else
        {
          for (guint r = 0; r < TILE; r++)
            memcpy (self->tile + r * tile_row, level->buffer + r * stride + tx * tile_row, tile_row);
          if (compress2 (self->packed, &size, self->tile, TILE * tile_row, Z_DEFAULT_COMPRESSION) != Z_OK)
            {
              set_write_error (self, ENOMEM, error);
              return FALSE;
            }
          if (!write_all (self, self->packed, size, error))
            return FALSE;
        }
      size32 = (guint32) size;
      g_array_append_val (level->offsets, offset);
      g_array_append_val (level->sizes, size32);
    }
  memset (level->buffer, 0, stride * TILE);
  level->rows_in_buffer = 0;
  return TRUE;
}

static SheathOmeWriter *
writer_new (const char *path,
            guint       width,
            guint       height,
            double      pixel_size,
            guint       bps,
            gboolean    pyramid)
{
  SheathOmeWriter *self = g_new0 (SheathOmeWriter, 1);

  self->path = g_strdup (path);
  self->part_path = _sheath_ome_writer_dup_part_path (path);
  self->fd = -1;
  self->width = width;
  self->height = height;
  self->pixel_size = pixel_size;
  self->bps = bps;
  self->n_levels = 1;
  while (pyramid && MAX (width, height) >> self->n_levels > 512 && self->n_levels < MAX_LEVELS)
    self->n_levels++;
  self->levels = g_new0 (Level, self->n_levels);
  for (guint k = 0; k < self->n_levels; k++)
    {
      Level *level = &self->levels[k];

      level->width = (guint) (((guint64) width + (1u << k) - 1) >> k);
      level->height = (guint) (((guint64) height + (1u << k) - 1) >> k);
      level->tiles_x = (level->width + TILE - 1) / TILE;
      level->buffer = g_malloc0 ((gsize) level->tiles_x * TILE * TILE * bps);
      level->offsets = g_array_new (FALSE, FALSE, sizeof (guint64));
      level->sizes = g_array_new (FALSE, FALSE, sizeof (guint32));
    }
  self->tile = g_malloc (TILE * TILE * bps);
  self->packed_capacity = compressBound (TILE * TILE * bps);
  self->packed = g_malloc (self->packed_capacity);
  return self;
}

SheathOmeWriter *
_sheath_ome_writer_new (const char  *path,
                        guint        width,
                        guint        height,
                        double       pixel_size,
                        GError     **error)
{
  return _sheath_ome_writer_new_full (path, width, height, pixel_size, 1, TRUE, error);
}

SheathOmeWriter *
_sheath_ome_writer_new_full (const char  *path,
                             guint        width,
                             guint        height,
                             double       pixel_size,
                             guint        bytes_per_sample,
                             gboolean     pyramid,
                             GError     **error)
{
  g_autoptr(SheathOmeWriter) self = NULL;

  g_return_val_if_fail (width > 0 && height > 0, NULL);
  g_return_val_if_fail (bytes_per_sample == 1 || bytes_per_sample == 4, NULL);
  /* levels subsample single bytes */
  g_return_val_if_fail (bytes_per_sample == 1 || !pyramid, NULL);

  self = writer_new (path, width, height, pixel_size, bytes_per_sample, pyramid);
  self->fd = g_open (self->part_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (self->fd < 0)
    {
      set_write_error (self, errno, error);
      return NULL;
    }
  return g_steal_pointer (&self);
}

void
_sheath_ome_writer_set_tile_reuse (SheathOmeWriter    *self,
                                   SheathOmeTileReuse  reuse,
                                   gpointer            data)
{
  self->reuse = reuse;
  self->reuse_data = data;
  if (self->reused == NULL)
    self->reused = g_byte_array_new ();
}

guint
_sheath_ome_writer_get_n_levels (SheathOmeWriter *self)
{
  return self->n_levels;
}

guint
_sheath_ome_writer_get_rows (SheathOmeWriter *self)
{
  return self->rows;
}

gboolean
_sheath_ome_writer_push_row (SheathOmeWriter  *self,
                             const guint8     *row,
                             GError          **error)
{
  guint y = self->rows;

  g_return_val_if_fail (y < self->height, FALSE);

  for (guint k = 0; k < self->n_levels; k++)
    {
      Level *level = &self->levels[k];
      guint level_y = y >> k;
      guint8 *dst;

      if ((y & ((1u << k) - 1)) != 0)
        continue;
      dst = level->buffer + (gsize) level->rows_in_buffer * level->tiles_x * TILE * self->bps;
      if (k == 0)
        memcpy (dst, row, (gsize) level->width * self->bps);
      else
        for (guint x = 0; x < level->width; x++)
          dst[x] = row[(gsize) x << k];
      level->rows_in_buffer++;
      if ((level->rows_in_buffer == TILE || level_y + 1 == level->height) &&
          !flush_tile_row (self, level, error))
        return FALSE;
    }
  self->rows++;
  return TRUE;
}

/* How many rows of @level the first @rows rows of the map gave it. */
static guint
level_rows (guint rows,
            guint k)
{
  return (guint) (((guint64) rows + (1u << k) - 1) >> k);
}

GVariant *
_sheath_ome_writer_save_state (SheathOmeWriter  *self,
                               GError          **error)
{
  GVariantBuilder levels;

  if (fdatasync (self->fd) != 0)
    {
      set_write_error (self, errno, error);
      return NULL;
    }

  g_variant_builder_init (&levels, G_VARIANT_TYPE ("a(atauay)"));
  for (guint k = 0; k < self->n_levels; k++)
    {
      Level *level = &self->levels[k];
      gsize raw = (gsize) level->rows_in_buffer * level->tiles_x * TILE * self->bps;
      uLongf packed = compressBound (raw);
      g_autofree guint8 *data = g_malloc (packed);

      if (compress2 (data, &packed, level->buffer, raw, Z_BEST_SPEED) != Z_OK)
        {
          set_write_error (self, ENOMEM, error);
          g_variant_builder_clear (&levels);
          return NULL;
        }
      g_variant_builder_add (&levels, "(@at@au@ay)",
                             g_variant_new_fixed_array (G_VARIANT_TYPE_UINT64, level->offsets->data,
                                                        level->offsets->len, sizeof (guint64)),
                             g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, level->sizes->data,
                                                        level->sizes->len, sizeof (guint32)),
                             g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data, packed, 1));
    }
  return g_variant_new (STATE_TYPE, self->width, self->height, self->rows, self->part_size, &levels);
}

static gboolean
set_bad_state (SheathOmeWriter  *self,
               GError          **error)
{
  g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
               _ ("The state saved for '%s' does not match its part file"), self->path);
  return FALSE;
}

static gboolean
restore_level (SheathOmeWriter  *self,
               guint             k,
               GVariant         *state,
               GError          **error)
{
  Level *level = &self->levels[k];
  g_autoptr(GVariant) offsets = NULL, sizes = NULL, buffer = NULL;
  guint pushed = level_rows (self->rows, k);
  guint tile_rows = pushed == level->height ? (pushed + TILE - 1) / TILE : pushed / TILE;
  const guint64 *offset_data;
  const guint32 *size_data;
  const guint8 *packed;
  gsize n_offsets, n_sizes, n_packed;
  uLongf raw;

  g_variant_get (state, "(@at@au@ay)", &offsets, &sizes, &buffer);
  offset_data = g_variant_get_fixed_array (offsets, &n_offsets, sizeof (guint64));
  size_data = g_variant_get_fixed_array (sizes, &n_sizes, sizeof (guint32));
  packed = g_variant_get_fixed_array (buffer, &n_packed, 1);
  if (n_offsets != n_sizes || n_offsets != (gsize) tile_rows * level->tiles_x)
    return set_bad_state (self, error);
  for (gsize i = 0; i < n_offsets; i++)
    if (offset_data[i] > self->part_size || size_data[i] > self->part_size - offset_data[i])
      return set_bad_state (self, error);
  g_array_append_vals (level->offsets, offset_data, n_offsets);
  g_array_append_vals (level->sizes, size_data, n_sizes);

  level->rows_in_buffer = pushed - MIN (pushed, tile_rows * TILE);
  raw = (uLongf) level->rows_in_buffer * level->tiles_x * TILE * self->bps;
  if (raw > 0 || n_packed > 0)
    {
      uLongf got = raw;

      if (uncompress (level->buffer, &got, packed, n_packed) != Z_OK || got != raw)
        return set_bad_state (self, error);
    }
  return TRUE;
}

SheathOmeWriter *
_sheath_ome_writer_resume (const char  *path,
                           guint        width,
                           guint        height,
                           double       pixel_size,
                           GVariant    *state,
                           GError     **error)
{
  g_autoptr(SheathOmeWriter) self = NULL;
  g_autoptr(GVariant) levels = NULL;
  guint saved_width, saved_height, rows;
  guint64 part_size;
  struct stat st;

  g_return_val_if_fail (width > 0 && height > 0, NULL);

  self = writer_new (path, width, height, pixel_size, 1, TRUE);
  if (!g_variant_is_of_type (state, G_VARIANT_TYPE (STATE_TYPE)))
    {
      set_bad_state (self, error);
      return NULL;
    }
  g_variant_get (state, "(uuut@a(atauay))", &saved_width, &saved_height, &rows, &part_size, &levels);
  if (saved_width != width || saved_height != height || rows > height ||
      g_variant_n_children (levels) != self->n_levels)
    {
      set_bad_state (self, error);
      return NULL;
    }

  self->fd = g_open (self->part_path, O_RDWR | O_CLOEXEC, 0);
  if (self->fd < 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("Cannot resume: '%s' is missing (%s)"), self->part_path, g_strerror (errno));
      return NULL;
    }
  /* what was appended after the state was saved is dropped */
  if (fstat (self->fd, &st) != 0 || (guint64) st.st_size < part_size ||
      ftruncate (self->fd, (off_t) part_size) != 0)
    {
      set_bad_state (self, error);
      return NULL;
    }
  self->part_size = part_size;
  self->rows = rows;
  for (guint k = 0; k < self->n_levels; k++)
    {
      g_autoptr(GVariant) level = g_variant_get_child_value (levels, k);

      if (!restore_level (self, k, level, error))
        return NULL;
    }
  return g_steal_pointer (&self);
}

static char *
ome_xml (guint   width,
         guint   height,
         double  pixel_size,
         guint   bps)
{
  char ps[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (ps, sizeof ps, "%.10g", pixel_size);
  return g_strdup_printf ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                          "<OME xmlns=\"http://www.openmicroscopy.org/Schemas/OME/2016-06\" "
                          "Creator=\"Sheath " PACKAGE_VERSION "\">"
                          "<Image ID=\"Image:0\" Name=\"labels\">"
                          "<Pixels ID=\"Pixels:0\" DimensionOrder=\"XYZCT\" Type=\"%s\" "
                          "SizeX=\"%u\" SizeY=\"%u\" SizeZ=\"1\" SizeC=\"1\" SizeT=\"1\" "
                          "PhysicalSizeX=\"%s\" PhysicalSizeXUnit=\"µm\" "
                          "PhysicalSizeY=\"%s\" PhysicalSizeYUnit=\"µm\">"
                          "<Channel ID=\"Channel:0:0\" SamplesPerPixel=\"1\"/>"
                          "<TiffData IFD=\"0\" PlaneCount=\"1\"/>"
                          "</Pixels></Image></OME>", bps == 4 ? "uint32" : "uint8", width, height, ps, ps);
}

static gboolean
write_level (TIFF            *tif,
             SheathOmeWriter *self,
             guint            k)
{
  Level *level = &self->levels[k];
  double pixel_size = self->pixel_size * (1u << k);

  TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, level->width);
  TIFFSetField (tif, TIFFTAG_IMAGELENGTH, level->height);
  TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, 8 * self->bps);
  TIFFSetField (tif, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_UINT);
  TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField (tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField (tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
  TIFFSetField (tif, TIFFTAG_TILEWIDTH, TILE);
  TIFFSetField (tif, TIFFTAG_TILELENGTH, TILE);
  TIFFSetField (tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_CENTIMETER);
  TIFFSetField (tif, TIFFTAG_XRESOLUTION, 1e4 / pixel_size);
  TIFFSetField (tif, TIFFTAG_YRESOLUTION, 1e4 / pixel_size);
  if (k == 0)
    {
      g_autofree char *xml = ome_xml (self->width, self->height, self->pixel_size, self->bps);

      TIFFSetField (tif, TIFFTAG_IMAGEDESCRIPTION, xml);
      if (self->n_levels > 1)
        {
          g_autofree toff_t *offsets = g_new0 (toff_t, self->n_levels - 1);

          TIFFSetField (tif, TIFFTAG_SUBIFD, (guint16) (self->n_levels - 1), offsets);
        }
    }
  else
    TIFFSetField (tif, TIFFTAG_SUBFILETYPE, FILETYPE_REDUCEDIMAGE);

  for (guint i = 0; i < level->offsets->len; i++)
    {
      guint64 offset = g_array_index (level->offsets, guint64, i);
      guint32 size = g_array_index (level->sizes, guint32, i);

      if (size > self->packed_capacity || pread (self->fd, self->packed, size, (off_t) offset) != (gssize) size ||
          TIFFWriteRawTile (tif, i, self->packed, size) < 0)
        return FALSE;
    }
  return TIFFWriteDirectory (tif);
}

static gboolean
write_levels (TIFF     *tif,
              gpointer  data)
{
  SheathOmeWriter *self = data;

  for (guint k = 0; k < self->n_levels; k++)
    if (!write_level (tif, self, k))
      return FALSE;
  return TRUE;
}

gboolean
_sheath_ome_writer_finish (SheathOmeWriter  *self,
                           GError          **error)
{
  g_return_val_if_fail (self->rows == self->height, FALSE);

  if (!_sheath_tiff_write_atomic (self->path, TRUE, write_levels, self, error))
    return FALSE;
  self->keep_part = FALSE;
  close (self->fd);
  self->fd = -1;
  g_unlink (self->part_path);
  return TRUE;
}

void
_sheath_ome_writer_keep_part (SheathOmeWriter *self)
{
  self->keep_part = TRUE;
}

void
_sheath_ome_writer_free (SheathOmeWriter *self)
{
  if (self->fd >= 0)
    {
      close (self->fd);
      if (!self->keep_part)
        g_unlink (self->part_path);
    }
  for (guint k = 0; k < self->n_levels; k++)
    {
      g_free (self->levels[k].buffer);
      g_array_unref (self->levels[k].offsets);
      g_array_unref (self->levels[k].sizes);
    }
  g_free (self->levels);
  g_clear_pointer (&self->reused, g_byte_array_unref);
  g_free (self->tile);
  g_free (self->packed);
  g_free (self->path);
  g_free (self->part_path);
  g_free (self);
}
