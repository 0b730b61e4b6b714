/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-slide"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "sheath-error.h"
#include "sheath-image-decoder-private.h"
#include "sheath-image-private.h"
#include "sheath-slide-private.h"

/* The largest region one call reads: 2 GB of 16-bit samples. */
#define MAX_REGION_PIXELS (G_GUINT64_CONSTANT (1) << 30)

struct _SheathSlide
{
  GObject                       parent_instance;

  GFile                        *file;
  const SheathSlideReaderFuncs *funcs;
  gpointer                      reader;
  GArray                       *levels;
  guint                         bit_depth;
  char                         *format;
  double                        pixel_size;
  SheathPixelSizeSource         pixel_size_source;
  char                         *pixel_size_origin;
  char                         *ignored_resolution;
  gboolean                      sequential;
};

/**
 * SheathSlide:
 *
 * An image read on demand, a region at a time, at one of its levels: a
 * slide-scanner file (through OpenSlide: Hamamatsu NDPI, Aperio SVS,
 * 3DHistech MRXS, Leica SCN, Ventana, Philips TIFF), a TIFF or BigTIFF
 * with strips or tiles and any pyramid it stores (as SubIFDs or as further
 * pages), or a PNG.
 *
 * Opening one reads its headers only, so that a whole spinal-cord section
 * of gigapixels can be listed and shown without ever being held whole.
 * Regions come as gray samples, as #SheathImage has them: colour is read
 * as its luminance.
 */

G_DEFINE_FINAL_TYPE (SheathSlide, sheath_slide, G_TYPE_OBJECT)

void
_sheath_slide_opened_clear (SheathSlideOpened *opened)
{
  if (opened->reader != NULL && opened->funcs != NULL)
    opened->funcs->free (opened->reader);
  opened->reader = NULL;
  g_clear_pointer (&opened->levels, g_array_unref);
  g_clear_pointer (&opened->format, g_free);
  g_clear_pointer (&opened->ignored_resolution, g_free);
}

void
_sheath_slide_add_level (SheathSlideOpened *opened,
                         guint64            width,
                         guint64            height)
{
  SheathSlideLevel level = { width, height, 1.0 };

  if (opened->levels == NULL)
    opened->levels = g_array_new (FALSE, FALSE, sizeof (SheathSlideLevel));
  if (opened->levels->len > 0)
    level.downsample = (double) g_array_index (opened->levels, SheathSlideLevel, 0).width / width;
  g_array_append_val (opened->levels, level);
}

static void
sheath_slide_finalize (GObject *object)
{
  SheathSlide *self = SHEATH_SLIDE (object);

  if (self->reader != NULL)
    self->funcs->free (self->reader);
  g_clear_object (&self->file);
  g_clear_pointer (&self->levels, g_array_unref);
  g_free (self->format);
  g_free (self->pixel_size_origin);
  g_free (self->ignored_resolution);
  G_OBJECT_CLASS (sheath_slide_parent_class)->finalize (object);
}

static void
sheath_slide_class_init (SheathSlideClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sheath_slide_finalize;
}

static void
sheath_slide_init (SheathSlide *self)
{
}

static gboolean
is_png (GFile   *file,
        GError **error)
{
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, error);
  guint8 head[8] = { 0 };
  gsize n = 0;

  if (in == NULL || !g_input_stream_read_all (G_INPUT_STREAM (in), head, sizeof head, &n, NULL, error))
    return FALSE;
  return n == sizeof head && memcmp (head, "\x89PNG\r\n\x1a\n", sizeof head) == 0;
}

/**
 * sheath_slide_new_from_file:
 * @file: an image or slide file
 * @error: return location for a #GError
 *
 * Opens an image to be read a region at a time, reading its headers only.
 * Slide-scanner formats go through OpenSlide where Sheath was built with
 * it; other TIFFs and PNGs are read by Sheath itself. The pixel size is
 * found as sheath_image_new_from_file() finds it (a BIDS sidecar,
 * AxonDeepSeg's text file, then the file's own tags), or from OpenSlide's
 * `openslide.mpp-x`.
 *
 * Returns: (transfer full): the slide, or %NULL with @error set
 */
SheathSlide *
sheath_slide_new_from_file (GFile   *file,
                            GError **error)
{
  g_auto(SheathSlideOpened) opened = { 0 };
  g_autoptr(SheathSlide) self = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL, *name = NULL, *origin = NULL;
  double pixel_size = 0;
  SheathPixelSizeSource source = SHEATH_PIXEL_SIZE_SOURCE_NONE;
  gboolean ok;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  name = g_file_get_parse_name (file);
  if (!(path = g_file_get_path (file)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _ ("'%s' is not a local file"), name);
      return NULL;
    }
  if (!g_file_query_exists (file, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _ ("'%s' does not exist"), name);
      return NULL;
    }

  ok = _sheath_slide_open_openslide (path, name, &opened, &local_error);
  if (!ok && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    {
      g_clear_error (&local_error);
      _sheath_slide_opened_clear (&opened);
      if (is_png (file, &local_error))
        ok = _sheath_slide_open_png (file, name, &opened, &local_error);
      else if (local_error == NULL)
        ok = _sheath_slide_open_tiff (path, name, &opened, &local_error);
    }
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  self = g_object_new (SHEATH_TYPE_SLIDE, NULL);
  self->file = g_object_ref (file);
  self->funcs = opened.funcs;
  self->reader = g_steal_pointer (&opened.reader);
  self->levels = g_steal_pointer (&opened.levels);
  self->bit_depth = opened.bit_depth;
  self->format = g_steal_pointer (&opened.format);
  self->ignored_resolution = g_steal_pointer (&opened.ignored_resolution);
  self->sequential = opened.sequential;

  if (!_sheath_pixel_size_lookup (file, &pixel_size, &source, &origin, error))
    return NULL;
  if (source != SHEATH_PIXEL_SIZE_SOURCE_NONE)
    {
      self->pixel_size = pixel_size;
      self->pixel_size_source = source;
      self->pixel_size_origin = g_steal_pointer (&origin);
    }
  else if (opened.pixel_size > 0)
    {
      self->pixel_size = opened.pixel_size;
      self->pixel_size_source = opened.pixel_size_source;
    }
  return g_steal_pointer (&self);
}

/**
 * sheath_slide_get_file:
 * @self: a #SheathSlide
 *
 * The file the slide was opened from.
 *
 * Returns: (transfer none): the file the slide was opened from
 */
GFile *
sheath_slide_get_file (SheathSlide *self)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE (self), NULL);
  return self->file;
}

/**
 * sheath_slide_get_format_description:
 * @self: a #SheathSlide
 *
 * The file's format in words.
 *
 * Returns: the format in words, such as "BigTIFF, 8-bit gray, tiled" or
 *   "Hamamatsu (OpenSlide)"
 */
const char *
sheath_slide_get_format_description (SheathSlide *self)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE (self), NULL);
  return self->format;
}

/**
 * sheath_slide_get_bit_depth:
 * @self: a #SheathSlide
 *
 * The depth of the gray samples the slide's regions come in.
 *
 * Returns: 8 or 16, the depth of the samples sheath_slide_read_region()
 *   returns
 */
guint
sheath_slide_get_bit_depth (SheathSlide *self)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE (self), 8);
  return self->bit_depth;
}

/**
 * sheath_slide_get_random_access:
 * @self: a #SheathSlide
 *
 * Whether a region anywhere is read without decoding what lies above it:
 * %FALSE for a PNG, whose rows are decoded from the top, so that it is best
 * read downwards, band after band.
 *
 * Returns: %TRUE when regions are read where they lie
 */
gboolean
sheath_slide_get_random_access (SheathSlide *self)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE (self), FALSE);
  return !self->sequential;
}

/**
 * sheath_slide_get_n_levels:
 * @self: a #SheathSlide
 *
 * How many resolutions the file holds.
 *
 * Returns: how many resolutions the file holds, 1 for an image without a
 *   pyramid; level 0 is the full resolution
 */
guint
sheath_slide_get_n_levels (SheathSlide *self)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE (self), 0);
  return self->levels->len;
}

static const SheathSlideLevel *
get_level (SheathSlide *self,
           guint        level)
{
  return level < self->levels->len ? &g_array_index (self->levels, SheathSlideLevel, level) : NULL;
}

/**
 * sheath_slide_get_level_width:
 * @self: a #SheathSlide
 * @level: a level, below sheath_slide_get_n_levels()
 *
 * The width of one level.
 *
 * Returns: the width of @level in pixels
 */
guint64
sheath_slide_get_level_width (SheathSlide *self,
                              guint        level)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE (self), 0);
  g_return_val_if_fail (level < self->levels->len, 0);
  return get_level (self, level)->width;
}

/**
 * sheath_slide_get_level_height:
 * @self: a #SheathSlide
 * @level: a level, below sheath_slide_get_n_levels()
 *
 * The height of one level.
 *
 * Returns: the height of @level in pixels
 */
guint64
sheath_slide_get_level_height (SheathSlide *self,
                               guint        level)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE (self), 0);
  g_return_val_if_fail (level < self->levels->len, 0);
  return get_level (self, level)->height;
}

/**
 * sheath_slide_get_level_downsample:
 * @self: a #SheathSlide
 * @level: a level, below sheath_slide_get_n_levels()
 *
 * How much coarser one level is than level 0.
 *
 * Returns: how many level-0 pixels one pixel of @level spans (1 for level 0)
 */
double
sheath_slide_get_level_downsample (SheathSlide *self,
                                   guint        level)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE (self), 1);
  g_return_val_if_fail (level < self->levels->len, 1);
  return get_level (self, level)->downsample;
}

/**
 * sheath_slide_get_pixel_size:
 * @self: a #SheathSlide
 *
 * The size of a level-0 pixel.
 *
 * Returns: level 0's pixel size in micrometres, or 0 when unknown
 */
double
sheath_slide_get_pixel_size (SheathSlide *self)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE (self), 0);
  return self->pixel_size;
}

/**
 * sheath_slide_get_pixel_size_source:
 * @self: a #SheathSlide
 *
 * Where the pixel size came from.
 *
 * Returns: where the pixel size came from (%SHEATH_PIXEL_SIZE_SOURCE_OPENSLIDE
 *   for a slide-scanner file's own)
 */
SheathPixelSizeSource
sheath_slide_get_pixel_size_source (SheathSlide *self)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE (self), SHEATH_PIXEL_SIZE_SOURCE_NONE);
  return self->pixel_size_source;
}

/**
 * sheath_slide_get_pixel_size_origin:
 * @self: a #SheathSlide
 *
 * The file the pixel size came from.
 *
 * Returns: (nullable): the file the pixel size was read from, when it is
 *   not the slide itself
 */
const char *
sheath_slide_get_pixel_size_origin (SheathSlide *self)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE (self), NULL);
  return self->pixel_size_origin;
}

/**
 * sheath_slide_get_ignored_resolution:
 * @self: a #SheathSlide
 *
 * A resolution the file states that is not a pixel size.
 *
 * Returns: (nullable): the file's resolution in words when it was not
 *   taken as a pixel size (a screen or print setting), as
 *   sheath_image_get_ignored_resolution() says it
 */
const char *
sheath_slide_get_ignored_resolution (SheathSlide *self)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE (self), NULL);
  return self->ignored_resolution;
}

/**
 * sheath_slide_read_level:
 * @self: a #SheathSlide
 * @level: a level, below sheath_slide_get_n_levels()
 * @error: return location for a #GError
 *
 * Reads one level whole, as an image whose pixel size is the slide's times
 * the level's downsample: what segmenting or showing a slide level that
 * fits in memory takes. Refused, with @error set, for a level larger than
 * Sheath reads whole.
 *
 * Returns: (transfer full): the level's image, or %NULL with @error set
 */
SheathImage *
sheath_slide_read_level (SheathSlide  *self,
                         guint         level,
                         GError      **error)
{
  const SheathSlideLevel *l;
  g_autofree char *name = NULL, *format = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize size;

  g_return_val_if_fail (SHEATH_IS_SLIDE (self), NULL);

  if ((l = get_level (self, level)) == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("The slide has no level %u (it has %u)"), level, self->levels->len);
      return NULL;
    }
  name = g_file_get_parse_name (self->file);
  if (!_sheath_image_check_size (name, l->width, l->height, error))
    return NULL;
  if (!(bytes = sheath_slide_read_region (self, level, 0, 0, (guint) l->width, (guint) l->height, error)))
    return NULL;
  format = self->levels->len > 1 ? g_strdup_printf (_ ("%s, level %u of %u"), self->format, level, self->levels->len)
                                 : g_strdup (self->format);
  return _sheath_image_new_from_level (self->file, (guint) l->width, (guint) l->height, self->bit_depth,
                                       g_bytes_unref_to_data (g_steal_pointer (&bytes), &size), format,
                                       self->pixel_size * l->downsample, self->pixel_size_source,
                                       self->pixel_size_origin);
}

/**
 * sheath_slide_read_region:
 * @self: a #SheathSlide
 * @level: a level, below sheath_slide_get_n_levels()
 * @x: the region's left edge, in @level's pixels
 * @y: its top edge
 * @width: its width
 * @height: its height
 * @error: return location for a #GError
 *
 * Reads one region of one level, decoding only the tiles or strips it
 * covers (a PNG has no random access: its rows are decoded from the top).
 * Blocks; a slide may be read from one thread at a time.
 *
 * Returns: (transfer full): @width × @height gray samples, rows packed,
 *   bytes for an 8-bit slide and host-order 16-bit words for a 16-bit one;
 *   or %NULL with @error set
 */
GBytes *
sheath_slide_read_region (SheathSlide  *self,
                          guint         level,
                          guint64       x,
                          guint64       y,
                          guint         width,
                          guint         height,
                          GError      **error)
{
  const SheathSlideLevel *l;
  guint bytes;
  gpointer pixels;

  g_return_val_if_fail (SHEATH_IS_SLIDE (self), NULL);

  if ((l = get_level (self, level)) == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("The slide has no level %u (it has %u)"), level, self->levels->len);
      return NULL;
    }
  if (width == 0 || height == 0 || x >= l->width || y >= l->height ||
      width > l->width - x || height > l->height - y)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("The region %u × %u at (%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT ") "
                      "is not within level %u, %" G_GUINT64_FORMAT " × %" G_GUINT64_FORMAT),
                   width, height, x, y, level, l->width, l->height);
      return NULL;
    }
  if ((guint64) width * height > MAX_REGION_PIXELS)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_IMAGE_TOO_LARGE,
                   _ ("A region of %u × %u pixels is more than Sheath reads at once"), width, height);
      return NULL;
    }
  bytes = self->bit_depth / 8;
  if (!(pixels = g_try_malloc ((gsize) width * height * bytes)))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                   _ ("Not enough memory to read a region of %u × %u pixels"), width, height);
      return NULL;
    }
  if (!self->funcs->read_region (self->reader, level, x, y, width, height, pixels, error))
    {
      g_free (pixels);
      return NULL;
    }
  return g_bytes_new_take (pixels, (gsize) width * height * bytes);
}
