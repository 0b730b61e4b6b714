/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-segmentation"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sheath-error.h"
#include "sheath-ome-writer-private.h"
#include "sheath-segmentation-private.h"
#include "sheath-slide.h"
#include "sheath-tiff-private.h"

/* Editing a whole slide's labels a part at a time: a part of its label map
 * is read into a #SheathSegmentation, edited as any other, and written back
 * into the map. The map is never held whole: it is written again, band by
 * band, with the part replaced, to a temporary file renamed over it. */

#define BAND_ROWS   256
#define TILE        256
#define MAX_LEVELS  16

/* The tiles of the map being written again, deflated as they are in the
 * file: a tile away from the edited part is copied, not deflated again, and
 * rows no level needs are not read. Only for a map laid out as Sheath
 * writes it (256² deflated tiles, 8-bit, each level half the one above, as
 * SubIFDs); another is written again from its pixels. */
typedef struct
{
  TIFF    *levels[MAX_LEVELS];   /* a handle per level, each on its directory */
  guint    n_levels;
  guint64  x0, y0, x1, y1;       /* the edited part, in the map */
  gboolean failed;               /* a tile away from it could not be copied */
} TileSource;

static void
tile_source_free (TileSource *src)
{
  for (guint k = 0; k < src->n_levels; k++)
    TIFFClose (src->levels[k]);
  g_free (src);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TileSource, tile_source_free)

static gboolean
level_is_as_written (TIFF  *tif,
                     guint  width,
                     guint  height)
{
  guint32 w = 0, h = 0, tw = 0, th = 0;
  guint16 bits = 0, spp = 0, compression = 0, predictor = 1;

  TIFFGetField (tif, TIFFTAG_IMAGEWIDTH, &w);
  TIFFGetField (tif, TIFFTAG_IMAGELENGTH, &h);
  TIFFGetFieldDefaulted (tif, TIFFTAG_BITSPERSAMPLE, &bits);
  TIFFGetFieldDefaulted (tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
  TIFFGetFieldDefaulted (tif, TIFFTAG_COMPRESSION, &compression);
  TIFFGetFieldDefaulted (tif, TIFFTAG_PREDICTOR, &predictor);
  return TIFFIsTiled (tif) && TIFFGetField (tif, TIFFTAG_TILEWIDTH, &tw) && TIFFGetField (tif, TIFFTAG_TILELENGTH, &th) &&
         tw == TILE && th == TILE && w == width && h == height && bits == 8 && spp == 1 &&
         compression == COMPRESSION_ADOBE_DEFLATE && predictor == 1;
}

/* NULL where @path is not laid out as the writer lays out its maps. */
static TileSource *
tile_source_open (const char *path,
                  guint       width,
                  guint       height,
                  guint       n_levels,
                  guint64     x,
                  guint64     y,
                  guint       area_width,
                  guint       area_height)
{
  g_autoptr(TileSource) src = g_new0 (TileSource, 1);

  src->x0 = x, src->y0 = y, src->x1 = x + area_width, src->y1 = y + area_height;
  if (n_levels > MAX_LEVELS)
    return NULL;
  for (guint k = 0; k < n_levels; k++)
    {
      SheathTiffMessages messages = { 0 };
      guint16 n_sub = 0;
      guint64 *sub = NULL;
      TIFF *tif = _sheath_tiff_open (path, &messages);

      if (tif == NULL)
        return NULL;
      src->levels[src->n_levels++] = tif;
      if (k > 0 && (!TIFFGetField (tif, TIFFTAG_SUBIFD, &n_sub, &sub) || n_sub != n_levels - 1 ||
                    !TIFFSetSubDirectory (tif, sub[k - 1])))
        return NULL;
      if (!level_is_as_written (tif, (guint) (((guint64) width + (1u << k) - 1) >> k),
                                (guint) (((guint64) height + (1u << k) - 1) >> k)))
        return NULL;
    }
  return g_steal_pointer (&src);
}

/* Whether tile (@tx, @ty) of @level covers a pixel of the edited part. */
static gboolean
tile_touches_area (TileSource *src,
                   guint       level,
                   guint       tx,
                   guint       ty)
{
  guint64 side = (guint64) TILE << level;

  return tx * side < src->x1 && (tx + 1) * side > src->x0 && ty * side < src->y1 && (ty + 1) * side > src->y0;
}

static gboolean
reuse_tile (guint       level,
            guint       tx,
            guint       ty,
            GByteArray *packed,
            gpointer    data)
{
  TileSource *src = data;
  TIFF *tif;
  guint64 *counts = NULL;
  guint32 tile;

  if (tile_touches_area (src, level, tx, ty))
    return FALSE;
  if (level < src->n_levels)
    {
      tif = src->levels[level];
      tile = TIFFComputeTile (tif, tx * TILE, ty * TILE, 0, 0);
      if (TIFFGetField (tif, TIFFTAG_TILEBYTECOUNTS, &counts) && tile < TIFFNumberOfTiles (tif) &&
          counts[tile] > 0 && counts[tile] <= 4 * TILE * TILE)
        {
          g_byte_array_set_size (packed, (guint) counts[tile]);
          if (TIFFReadRawTile (tif, tile, packed->data, (tmsize_t) counts[tile]) == (tmsize_t) counts[tile])
            return TRUE;
        }
    }
  /* its pixels may not have been read: the map is written again without
   * copying (rewrite_map()) */
  src->failed = TRUE;
  return FALSE;
}

/* The rows some tile that is deflated again reads: those of the tile rows,
 * at every level, that cover the edited part. */
static gboolean
row_is_needed (TileSource *src,
               guint64     row)
{
  for (guint k = 0; k < src->n_levels; k++)
    {
      guint64 side = (guint64) TILE << k;

      if (row / side >= src->y0 / side && row / side <= (src->y1 - 1) / side)
        return TRUE;
    }
  return FALSE;
}

static gboolean
check_area (SheathSlide  *map,
            guint64       x,
            guint64       y,
            guint         width,
            guint         height,
            GError      **error)
{
  guint64 w = sheath_slide_get_level_width (map, 0), h = sheath_slide_get_level_height (map, 0);

  if (width == 0 || height == 0 || x >= w || y >= h || width > w - x || height > h - y)
    {
      g_autofree char *name = g_file_get_basename (sheath_slide_get_file (map));

      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("The part %u × %u at (%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT ") is not inside “%s” "
                      "(%" G_GUINT64_FORMAT " × %" G_GUINT64_FORMAT ")"),
                   width, height, x, y, name, w, h);
      return FALSE;
    }
  return TRUE;
}

static guint
sample_max (SheathSlide *map)
{
  return sheath_slide_get_bit_depth (map) == 16 ? 65535 : 255;
}

static guint
sample_at (const guint8 *samples,
           gsize         i,
           guint         max)
{
  return max == 255 ? samples[i] : ((const guint16 *) samples)[i];
}

/**
 * sheath_segmentation_new_from_map_area:
 * @map: a label map with AxonDeepSeg's `_seg-axonmyelin` values, such as
 *   a slide's `STEM_seg-axonmyelin.ome.tif`
 * @x: the area's left column in @map
 * @y: the area's top row in @map
 * @width: the area's width
 * @height: the area's height
 * @error: return location for a #GError
 *
 * Reads a part of a label map, without reading the rest, to be edited and
 * written back with sheath_segmentation_write_into_map(). Unmyelinated
 * axons come from `STEM_seg-uaxon.ome.tif` beside an `.ome.tif` map, if
 * there is one.
 *
 * Returns: (transfer full): the part's labels, or %NULL with @error set
 */
SheathSegmentation *
sheath_segmentation_new_from_map_area (GFile    *map,
                                       guint64   x,
                                       guint64   y,
                                       guint     width,
                                       guint     height,
                                       GError  **error)
{
  g_autoptr(SheathSlide) slide = NULL;
  g_autoptr(SheathSlide) uaxon_slide = NULL;
  g_autoptr(GFile) uaxon = NULL;
  g_autoptr(GBytes) samples = NULL;
  g_autoptr(GBytes) uaxon_samples = NULL;
  g_autoptr(SheathSegmentation) self = NULL;
  guint max, uaxon_max = 0;

  g_return_val_if_fail (G_IS_FILE (map), NULL);

  /* (a part outside the map is refused by sheath_slide_read_region()) */
  if (!(slide = sheath_slide_new_from_file (map, error)) ||
      !(samples = sheath_slide_read_region (slide, 0, x, y, width, height, error)) ||
      !(self = _sheath_segmentation_try_new (width, height, error)))
    return NULL;
  max = sample_max (slide);

  if ((uaxon = _sheath_segmentation_dup_uaxon_map_for (map)) != NULL)
    {
      if (!(uaxon_slide = sheath_slide_new_from_file (uaxon, error)) ||
          !(uaxon_samples = sheath_slide_read_region (uaxon_slide, 0, x, y, width, height, error)))
        return NULL;
      uaxon_max = sample_max (uaxon_slide);
      sheath_segmentation_set_unmyelinated (self, TRUE);
    }

  {
    const guint8 *s = g_bytes_get_data (samples, NULL);
    const guint8 *u = uaxon_samples != NULL ? g_bytes_get_data (uaxon_samples, NULL) : NULL;

    for (guint r = 0; r < height; r++)
      {
        guint8 *row = _sheath_segmentation_get_row (self, r);

        for (guint c = 0; c < width; c++)
          {
            gsize i = (gsize) r * width + c;

            row[c] = _sheath_segmentation_label_for_value (sample_at (s, i, max), max);
            if (u != NULL && sample_at (u, i, uaxon_max) * 2 > uaxon_max)
              row[c] = SHEATH_LABEL_UNMYELINATED_AXON;
          }
      }
  }
  return g_steal_pointer (&self);
}

/* Two writers of one map would each write it as it was before the other:
 * they take turns, by a lock on the map file itself, opened again when
 * another writer renamed a new map over it meanwhile. Returns the locked
 * descriptor, closed to unlock, or -1 with @error set. */
static int
lock_map (const char  *path,
          GError     **error)
{
  for (;;)
    {
      struct stat held, now;
      int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

      if (fd < 0 || flock (fd, LOCK_EX) != 0)
        {
          int saved = errno;
          g_autofree char *name = g_path_get_basename (path);

          if (fd >= 0)
            close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _ ("Cannot open “%s”: %s"), name,
                       g_strerror (saved));
          return -1;
        }
      if (fstat (fd, &held) == 0 && stat (path, &now) == 0 && held.st_dev == now.st_dev && held.st_ino == now.st_ino)
        return fd;
      close (fd);
    }
}

typedef int MapLock;

static void
unlock_map (MapLock fd)
{
  close (fd);
}

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (MapLock, unlock_map, -1)

/* Writes @path again from @source (or from nothing: background), band by
 * band, with @self's labels over the area at (@x, @y), as values of
 * @map_label's map (see _sheath_segmentation_map_value()); the tiles of
 * @source away from the area copied when @copy_tiles, and where one could
 * not be, nothing written and @copy_failed set. */
static gboolean
rewrite_map_once (SheathSegmentation  *self,
                  const char          *path,
                  SheathSlide         *source,
                  guint                width,
                  guint                height,
                  double               pixel_size,
                  int                  map_label,
                  guint64              x,
                  guint64              y,
                  gboolean             copy_tiles,
                  gboolean            *copy_failed,
                  GCancellable        *cancellable,
                  GError             **error)
{
  guint aw = sheath_segmentation_get_width (self), ah = sheath_segmentation_get_height (self);
  guint max = source != NULL ? sample_max (source) : 255;
  g_autoptr(SheathOmeWriter) writer = NULL;
  g_autoptr(TileSource) tiles = NULL;
  g_autofree guint8 *row = g_malloc0 (width);

  if (!(writer = _sheath_ome_writer_new (path, width, height, pixel_size, error)))
    return FALSE;
  if (source != NULL && copy_tiles &&
      (tiles = tile_source_open (path, width, height, _sheath_ome_writer_get_n_levels (writer), x, y, aw, ah)) != NULL)
    _sheath_ome_writer_set_tile_reuse (writer, reuse_tile, tiles);

  for (guint band = 0; band < height; band += BAND_ROWS)
    {
      guint n_rows = MIN (BAND_ROWS, height - band);
      g_autoptr(GBytes) samples = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      /* (a band of tiles all copied as they are: its pixels are not read) */
      if (tiles != NULL && !row_is_needed (tiles, band))
        memset (row, 0, width);
      else if (source != NULL && !(samples = sheath_slide_read_region (source, 0, 0, band, width, n_rows, error)))
        return FALSE;
      for (guint r = band; r < band + n_rows; r++)
        {
          if (samples != NULL)
            {
              gsize base = (gsize) (r - band) * width;
              const guint8 *s = g_bytes_get_data (samples, NULL);

              /* the map's own values, kept as the file has them (8-bit) */
              for (guint c = 0; c < width; c++)
                {
                  guint v = sample_at (s, base + c, max);

                  row[c] = max == 255 ? (guint8) v : (guint8) (v / 257);
                }
            }
          if (r >= y && r < y + ah)
            {
              const guint8 *labels = _sheath_segmentation_get_row (self, (guint) (r - y));

              for (guint c = 0; c < aw; c++)
                row[x + c] = _sheath_segmentation_map_value (labels[c], map_label);
            }
          if (!_sheath_ome_writer_push_row (writer, row, error))
            return FALSE;
          if (tiles != NULL && tiles->failed)
            {
              *copy_failed = TRUE;
              return FALSE;
            }
        }
    }
  return _sheath_ome_writer_finish (writer, error);
}

static gboolean
rewrite_map (SheathSegmentation  *self,
             const char          *path,
             SheathSlide         *source,
             guint                width,
             guint                height,
             double               pixel_size,
             int                  map_label,
             guint64              x,
             guint64              y,
             GCancellable        *cancellable,
             GError             **error)
{
  gboolean copy_failed = FALSE;

  if (rewrite_map_once (self, path, source, width, height, pixel_size, map_label, x, y, TRUE, &copy_failed,
                        cancellable, error))
    return TRUE;
  if (!copy_failed)
    return FALSE;
  g_debug ("%s: a tile could not be copied, written again from its pixels", path);
  return rewrite_map_once (self, path, source, width, height, pixel_size, map_label, x, y, FALSE, &copy_failed,
                           cancellable, error);
}

/**
 * sheath_segmentation_write_into_map:
 * @self: a #SheathSegmentation, a part of @map's labels
 * @map: the label map (`STEM_seg-axonmyelin.ome.tif`) it was read from by
 *   sheath_segmentation_new_from_map_area()
 * @x: the part's left column in @map
 * @y: the part's top row in @map
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Puts an edited part of a large image's labels back into its label map:
 * the map is written again band by band, in bounded memory, with @self
 * over the part and the rest as it was (its tiles copied as they are,
 * where the map is laid out as Sheath writes it), to a temporary file
 * renamed over @map, so that a failure or a cancellation leaves @map as
 * it was. Where
 * @self holds unmyelinated axons, or `STEM_seg-uaxon.ome.tif` is beside
 * @map, that map is written the same way. A map whose run is stopped
 * halfway (its `.resume` state is beside it) is refused: finishing the run
 * would write over the edits. Two writes into one map, from threads or
 * processes, take turns, each writing over the other's result.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_segmentation_write_into_map (SheathSegmentation  *self,
                                    GFile               *map,
                                    guint64              x,
                                    guint64              y,
                                    GCancellable        *cancellable,
                                    GError             **error)
{
  g_autoptr(SheathSlide) slide = NULL;
  g_autoptr(SheathSlide) uaxon_slide = NULL;
  g_autoptr(GFile) uaxon = NULL;
  g_autofree char *path = NULL, *resume = NULL, *name = NULL;
  g_auto(MapLock) lock = -1;
  guint64 w, h;
  double pixel_size;

  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (map), FALSE);

  path = g_file_get_path (map);
  name = g_file_get_basename (map);
  resume = g_strconcat (path, ".resume", NULL);
  if (!g_str_has_suffix (name, "_seg-axonmyelin.ome.tif"))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("“%s” is not a label map written as STEM_seg-axonmyelin.ome.tif"), name);
      return FALSE;
    }
  if (g_file_test (resume, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("A segmentation of the image is stopped halfway into “%s”: finish it, or remove its state, "
                      "before editing the map"), name);
      return FALSE;
    }
  if ((lock = lock_map (path, error)) < 0 ||
      !(slide = sheath_slide_new_from_file (map, error)) ||
      !check_area (slide, x, y, sheath_segmentation_get_width (self), sheath_segmentation_get_height (self), error))
    return FALSE;
  w = sheath_slide_get_level_width (slide, 0);
  h = sheath_slide_get_level_height (slide, 0);
  pixel_size = sheath_slide_get_pixel_size (slide);
  if (w > G_MAXUINT || h > G_MAXUINT || pixel_size <= 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_NO_PIXEL_SIZE,
                   _ ("“%s” has no pixel size or is too large to write again"), name);
      return FALSE;
    }

  /* the unmyelinated axons' map first: the lock is on the axonmyelin map,
   * which another writer can take as soon as the new one is in place */
  uaxon = _sheath_segmentation_dup_uaxon_map_for (map);
  if (uaxon != NULL && !(uaxon_slide = sheath_slide_new_from_file (uaxon, error)))
    return FALSE;
  if (uaxon_slide != NULL &&
      (sheath_slide_get_level_width (uaxon_slide, 0) != w || sheath_slide_get_level_height (uaxon_slide, 0) != h))
    {
      g_autofree char *uaxon_name = g_file_get_basename (uaxon);

      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE, _ ("“%s” is not the size of “%s”"), uaxon_name, name);
      return FALSE;
    }
  if (uaxon != NULL || sheath_segmentation_get_unmyelinated (self))
    {
      g_autofree char *stem = g_strndup (path, strlen (path) - strlen ("_seg-axonmyelin.ome.tif"));
      g_autofree char *uaxon_path = g_strconcat (stem, "_seg-uaxon.ome.tif", NULL);

      if (!rewrite_map (self, uaxon_path, uaxon_slide, (guint) w, (guint) h, pixel_size,
                        SHEATH_LABEL_UNMYELINATED_AXON, x, y, cancellable, error))
        return FALSE;
    }
  return rewrite_map (self, path, slide, (guint) w, (guint) h, pixel_size, -1, x, y, cancellable, error);
}
