/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-image"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "sheath-error.h"
#include "sheath-limits.h"
#include "sheath-image-decoder-private.h"
#include "sheath-image-private.h"
#include "sheath-slide.h"
#include "sheath-segmentation.h"

/* Pixel sizes outside this range (in µm) are typing mistakes, not microscopes. */
#define MIN_PIXEL_SIZE SHEATH_MIN_PIXEL_SIZE
#define MAX_PIXEL_SIZE SHEATH_MAX_PIXEL_SIZE

struct _SheathImage
{
  GObject                parent_instance;

  GFile                 *file;
  guint                  width;
  guint                  height;
  guint                  bit_depth;
  gpointer               pixels;      /* rows packed, guint8 or guint16 */
  char                  *format;
  double                 pixel_size;
  SheathPixelSizeSource  pixel_size_source;
  char                  *pixel_size_origin;
  char                  *ignored_resolution;
  char                  *modality;
};

/**
 * SheathImage:
 *
 * A gray microscopy image, 8 or 16 bits, read from a PNG or TIFF file, with
 * its pixel size and where that came from (the file's own tags, a BIDS
 * sidecar, `pixel_size_in_micrometer.txt`, or set by hand).
 */
G_DEFINE_FINAL_TYPE (SheathImage, sheath_image, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FILE,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_BIT_DEPTH,
  PROP_PIXEL_SIZE,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
sheath_image_finalize (GObject *object)
{
  SheathImage *self = (SheathImage *)object;

  g_clear_object (&self->file);
  g_clear_pointer (&self->pixels, g_free);
  g_clear_pointer (&self->format, g_free);
  g_clear_pointer (&self->pixel_size_origin, g_free);
  g_clear_pointer (&self->ignored_resolution, g_free);
  g_clear_pointer (&self->modality, g_free);

  G_OBJECT_CLASS (sheath_image_parent_class)->finalize (object);
}

static void
sheath_image_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SheathImage *self = SHEATH_IMAGE (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_WIDTH:
      g_value_set_uint (value, self->width);
      break;

    case PROP_HEIGHT:
      g_value_set_uint (value, self->height);
      break;

    case PROP_BIT_DEPTH:
      g_value_set_uint (value, self->bit_depth);
      break;

    case PROP_PIXEL_SIZE:
      g_value_set_double (value, self->pixel_size);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_image_class_init (SheathImageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sheath_image_finalize;
  object_class->get_property = sheath_image_get_property;

  /**
   * SheathImage:file:
   *
   * The file the image was read from, or %NULL.
   */
  properties [PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL,
                         G_TYPE_FILE,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * SheathImage:width:
   *
   * The width in pixels.
   */
  properties [PROP_WIDTH] =
    g_param_spec_uint ("width", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * SheathImage:height:
   *
   * The height in pixels.
   */
  properties [PROP_HEIGHT] =
    g_param_spec_uint ("height", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * SheathImage:bit-depth:
   *
   * 8 or 16: how many bits each gray value has.
   */
  properties [PROP_BIT_DEPTH] =
    g_param_spec_uint ("bit-depth", NULL, NULL,
                       8, 16, 8,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * SheathImage:pixel-size:
   *
   * The side of a pixel in micrometres, or 0 when unknown.
   */
  properties [PROP_PIXEL_SIZE] =
    g_param_spec_double ("pixel-size", NULL, NULL,
                         0, G_MAXDOUBLE, 0,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sheath_image_init (SheathImage *self)
{
}

static gboolean
has_signature (const guint8 *head,
               gsize         len,
               const char   *signature,
               gsize         sig_len)
{
  return len >= sig_len && memcmp (head, signature, sig_len) == 0;
}

/**
 * sheath_image_new_from_file:
 * @file: a PNG or TIFF image
 * @error: return location for a #GError
 *
 * Reads an image as gray values (colour becomes Rec. 709 luminance; 16-bit
 * images keep their range), and its pixel size from, in this order, a BIDS
 * JSON sidecar, AxonDeepSeg's `pixel_size_in_micrometer.txt` beside it, and
 * the file's own metadata (ImageJ, OME-XML, TIFF resolution, PNG pHYs).
 *
 * Returns: (transfer full): the image, or %NULL with @error set
 */
SheathImage *
sheath_image_new_from_file (GFile   *file,
                            GError **error)
{
  return sheath_image_new_from_file_with_rows (file, NULL, NULL, error);
}

/**
 * sheath_image_new_from_file_with_rows:
 * @file: a PNG or TIFF file
 * @rows_func: (scope call) (nullable): called as rows are decoded
 * @user_data: (closure): data for @rows_func
 * @error: return location for a #GError
 *
 * Reads an image as sheath_image_new_from_file() does, telling @rows_func
 * about the rows as they are decoded: in bands for PNG images that are not
 * interlaced and gray TIFF images, all at once for others.
 *
 * Returns: (transfer full): the image, or %NULL with @error set
 */
SheathImage *
sheath_image_new_from_file_with_rows (GFile               *file,
                                      SheathImageRowsFunc  rows_func,
                                      gpointer             user_data,
                                      GError             **error)
{
  g_auto(SheathDecodedImage) decoded = { 0 };
  SheathRowsSink sink = { rows_func, user_data };
  g_autoptr(SheathImage) self = NULL;
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  g_autofree char *origin = NULL;
  guint8 head[8] = { 0 };
  gsize head_len = 0;
  double pixel_size = 0;
  SheathPixelSizeSource source = SHEATH_PIXEL_SIZE_SOURCE_NONE;
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  name = g_file_get_parse_name (file);
  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "'%s' is not a local file", name);
      return NULL;
    }

  {
    g_autoptr(GFileInputStream) in = g_file_read (file, NULL, error);

    if (in == NULL)
      return NULL;
    if (!g_input_stream_read_all (G_INPUT_STREAM (in), head, sizeof head, &head_len, NULL, error))
      return NULL;
  }

  if (has_signature (head, head_len, "\x89PNG\r\n\x1a\n", 8))
    ok = _sheath_png_load (path, name, &sink, &decoded, &local_error);
  else if (has_signature (head, head_len, "II*\0", 4) || has_signature (head, head_len, "MM\0*", 4) ||
           has_signature (head, head_len, "II+\0", 4) || has_signature (head, head_len, "MM\0+", 4))
    ok = _sheath_tiff_load (path, name, &sink, &decoded, &local_error);
  else
    {
      ok = FALSE;
      g_set_error (&local_error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE,
                   "'%s' is not a PNG or TIFF image", name);
    }

  if (!ok)
    {
      /* a slide-scanner file, or colour Sheath's own decoders do not take
       * (JPEG in YCbCr): its full resolution, read a region at a time */
      gboolean png = has_signature (head, head_len, "\x89PNG\r\n\x1a\n", 8);
      gboolean tiff = has_signature (head, head_len, "II", 2) || has_signature (head, head_len, "MM", 2);

      /* never for a PNG (the slide reader reads those through here), nor
       * for a damaged TIFF */
      if (!png && (!tiff || g_error_matches (local_error, SHEATH_ERROR, SHEATH_ERROR_UNSUPPORTED_IMAGE)))
        {
          g_autoptr(SheathSlide) slide = sheath_slide_new_from_file (file, NULL);

          if (slide != NULL)
            {
              guint64 w = sheath_slide_get_level_width (slide, 0), h = sheath_slide_get_level_height (slide, 0);

              g_clear_error (&local_error);
              /* a TIFF's header must not set gigabytes aside that its data
               * could not fill (as for the TIFFs decoded above) */
              if (tiff && !_sheath_image_check_holds (name, "TIFF", (guint) MIN (w, G_MAXUINT), (guint) MIN (h, G_MAXUINT),
                                                      _sheath_image_file_size (path),
                                                      w * h * (sheath_slide_get_bit_depth (slide) / 8), 4096, error))
                return NULL;
              if (!(self = sheath_slide_read_level (slide, 0, error)))
                return NULL;
              _sheath_rows_sink_emit (&sink, self->pixels, self->width, self->height, self->bit_depth,
                                      0, self->height);
              return g_steal_pointer (&self);
            }
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  self = g_object_new (SHEATH_TYPE_IMAGE, NULL);
  self->file = g_object_ref (file);
  self->width = decoded.width;
  self->height = decoded.height;
  self->bit_depth = decoded.bit_depth;
  self->pixels = g_steal_pointer (&decoded.pixels);
  self->format = g_steal_pointer (&decoded.format);
  self->ignored_resolution = g_steal_pointer (&decoded.ignored_resolution);
  {
    g_autofree char *basename = g_file_get_basename (file);

    self->modality = _sheath_modality_from_name (basename);
  }

  if (!_sheath_pixel_size_lookup (file, &pixel_size, &source, &origin, error))
    return NULL;

  if (source != SHEATH_PIXEL_SIZE_SOURCE_NONE)
    {
      self->pixel_size = pixel_size;
      self->pixel_size_source = source;
      self->pixel_size_origin = g_steal_pointer (&origin);
    }
  else if (decoded.pixel_size > 0)
    {
      self->pixel_size = decoded.pixel_size;
      self->pixel_size_source = decoded.pixel_size_source;
    }

  return g_steal_pointer (&self);
}

SheathImage *
_sheath_image_new_from_level (GFile                 *file,
                              guint                  width,
                              guint                  height,
                              guint                  bit_depth,
                              gpointer               pixels,
                              const char            *format,
                              double                 pixel_size,
                              SheathPixelSizeSource  source,
                              const char            *origin)
{
  SheathImage *self = g_object_new (SHEATH_TYPE_IMAGE, NULL);
  g_autofree char *basename = g_file_get_basename (file);

  self->file = g_object_ref (file);
  self->width = width;
  self->height = height;
  self->bit_depth = bit_depth;
  self->pixels = pixels;
  self->format = g_strdup (format);
  self->modality = _sheath_modality_from_name (basename);
  if (pixel_size > 0)
    {
      self->pixel_size = pixel_size;
      self->pixel_size_source = source;
      self->pixel_size_origin = g_strdup (origin);
    }
  return self;
}

/**
 * sheath_image_new_from_bytes:
 * @width: the width in pixels
 * @height: the height in pixels
 * @bit_depth: 8 or 16
 * @pixels: gray values, rows packed; 16-bit values in host byte order
 * @error: return location for a #GError
 *
 * Makes an image from gray values in memory; it has no pixel size until
 * sheath_image_set_pixel_size() gives it one.
 *
 * Returns: (transfer full): the image, or %NULL with @error set
 */
SheathImage *
sheath_image_new_from_bytes (guint     width,
                             guint     height,
                             guint     bit_depth,
                             GBytes   *pixels,
                             GError  **error)
{
  g_autoptr(SheathImage) self = NULL;
  gsize needed;

  g_return_val_if_fail (pixels != NULL, NULL);

  if (bit_depth != 8 && bit_depth != 16)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_UNSUPPORTED_IMAGE,
                   _ ("Images are 8- or 16-bit, not %u-bit"), bit_depth);
      return NULL;
    }
  if (!_sheath_image_check_size ("image", width, height, error))
    return NULL;

  needed = (gsize) width * height * (bit_depth / 8);
  if (g_bytes_get_size (pixels) != needed)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   "%u × %u pixels of %u bits need %" G_GSIZE_FORMAT " bytes, not %" G_GSIZE_FORMAT,
                   width, height, bit_depth, needed, g_bytes_get_size (pixels));
      return NULL;
    }

  self = g_object_new (SHEATH_TYPE_IMAGE, NULL);
  self->width = width;
  self->height = height;
  self->bit_depth = bit_depth;
  self->pixels = g_memdup2 (g_bytes_get_data (pixels, NULL), needed);
  self->format = g_strdup_printf ("%u-bit gray in memory", bit_depth);

  return g_steal_pointer (&self);
}

/**
 * sheath_image_get_file:
 * @self: a #SheathImage
 *
 * The file the image was read from.
 *
 * Returns: (transfer none) (nullable): the file the image came from
 */
GFile *
sheath_image_get_file (SheathImage *self)
{
  g_return_val_if_fail (SHEATH_IS_IMAGE (self), NULL);
  return self->file;
}

/**
 * sheath_image_get_width:
 * @self: a #SheathImage
 *
 * The image's width.
 *
 * Returns: the width in pixels
 */
guint
sheath_image_get_width (SheathImage *self)
{
  g_return_val_if_fail (SHEATH_IS_IMAGE (self), 0);
  return self->width;
}

/**
 * sheath_image_get_height:
 * @self: a #SheathImage
 *
 * The image's height.
 *
 * Returns: the height in pixels
 */
guint
sheath_image_get_height (SheathImage *self)
{
  g_return_val_if_fail (SHEATH_IS_IMAGE (self), 0);
  return self->height;
}

/**
 * sheath_image_get_bit_depth:
 * @self: a #SheathImage
 *
 * The bit depth of the pixels as decoded.
 *
 * Returns: 8 or 16
 */
guint
sheath_image_get_bit_depth (SheathImage *self)
{
  g_return_val_if_fail (SHEATH_IS_IMAGE (self), 0);
  return self->bit_depth;
}

/**
 * sheath_image_get_format_description:
 * @self: a #SheathImage
 *
 * What the file was, in words: "PNG, 8-bit gray", "TIFF, 16-bit gray".
 *
 * Returns: what the file was, such as "TIFF, 16-bit gray"
 */
const char *
sheath_image_get_format_description (SheathImage *self)
{
  g_return_val_if_fail (SHEATH_IS_IMAGE (self), NULL);
  return self->format;
}

/**
 * sheath_image_get_pixel_size:
 * @self: a #SheathImage
 *
 * The side of one pixel, in micrometres.
 *
 * Returns: the pixel size in micrometres, or 0 when unknown
 */
double
sheath_image_get_pixel_size (SheathImage *self)
{
  g_return_val_if_fail (SHEATH_IS_IMAGE (self), 0);
  return self->pixel_size;
}

/**
 * sheath_image_get_pixel_size_source:
 * @self: a #SheathImage
 *
 * What kind of source gave the pixel size.
 *
 * Returns: where the pixel size came from
 */
SheathPixelSizeSource
sheath_image_get_pixel_size_source (SheathImage *self)
{
  g_return_val_if_fail (SHEATH_IS_IMAGE (self), SHEATH_PIXEL_SIZE_SOURCE_NONE);
  return self->pixel_size_source;
}

/**
 * sheath_image_get_pixel_size_origin:
 * @self: a #SheathImage
 *
 * Where the pixel size came from, in words: the sidecar's or text file's path, or the file's tag.
 *
 * Returns: (nullable): the path of the file that gave the pixel size, when
 *   it was not the image itself
 */
const char *
sheath_image_get_pixel_size_origin (SheathImage *self)
{
  g_return_val_if_fail (SHEATH_IS_IMAGE (self), NULL);
  return self->pixel_size_origin;
}

/**
 * sheath_image_get_ignored_resolution:
 * @self: a #SheathImage
 *
 * Image tools write a resolution such as 72 dpi into files by default; it is
 * their setting, not the microscope's pixel size, so Sheath does not take it
 * as one.
 *
 * Returns: (nullable): the resolution the file states that was not taken as
 *   its pixel size, and why (such as "72 dpi, a screen or print setting"),
 *   or %NULL
 */
const char *
sheath_image_get_ignored_resolution (SheathImage *self)
{
  g_return_val_if_fail (SHEATH_IS_IMAGE (self), NULL);
  return self->ignored_resolution;
}

/**
 * sheath_image_get_modality:
 * @self: a #SheathImage
 *
 * The modality the image's BIDS name says: "SEM" for `sub-1_sample-2_SEM.png`.
 *
 * Returns: (nullable): the imaging method the file's name says, as a BIDS
 *   microscopy suffix ("SEM" for `sub-rat1_sample-1_SEM.png`, "TEM", "BF"…),
 *   or %NULL when it does not say
 */
const char *
sheath_image_get_modality (SheathImage *self)
{
  g_return_val_if_fail (SHEATH_IS_IMAGE (self), NULL);
  return self->modality;
}

/**
 * sheath_image_set_pixel_size:
 * @self: a #SheathImage
 * @pixel_size: the side of a pixel in micrometres
 * @error: return location for a #GError
 *
 * Sets the pixel size given by the user; it overrides any found in files.
 *
 * Returns: %TRUE, or %FALSE with @error set if @pixel_size is not plausible
 */
gboolean
sheath_image_set_pixel_size (SheathImage  *self,
                             double        pixel_size,
                             GError      **error)
{
  g_return_val_if_fail (SHEATH_IS_IMAGE (self), FALSE);

  if (!(pixel_size >= MIN_PIXEL_SIZE && pixel_size <= MAX_PIXEL_SIZE))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_PIXEL_SIZE,
                   _ ("A pixel size of %g µm is not plausible; give it in micrometres "
                   "(between %g and %g)"), pixel_size, MIN_PIXEL_SIZE, MAX_PIXEL_SIZE);
      return FALSE;
    }

  g_clear_pointer (&self->pixel_size_origin, g_free);
  self->pixel_size_source = SHEATH_PIXEL_SIZE_SOURCE_USER;
  if (self->pixel_size != pixel_size)
    {
      self->pixel_size = pixel_size;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PIXEL_SIZE]);
    }

  return TRUE;
}

/**
 * sheath_image_require_pixel_size:
 * @self: a #SheathImage
 * @error: return location for a #GError
 *
 * Checks that the image knows its pixel size, as segmenting and measuring need.
 *
 * Returns: %TRUE if the pixel size is known, else %FALSE with an error
 *   saying how to give it
 */
gboolean
sheath_image_require_pixel_size (SheathImage  *self,
                                 GError      **error)
{
  g_autofree char *name = NULL;
  g_autofree char *stem = NULL;

  g_return_val_if_fail (SHEATH_IS_IMAGE (self), FALSE);

  if (self->pixel_size > 0)
    return TRUE;

  name = self->file ? g_file_get_basename (self->file) : g_strdup ("image");
  stem = self->file ? sheath_segmentation_dup_stem (self->file) : g_strdup ("image");

  g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_NO_PIXEL_SIZE,
               _ ("No pixel size for '%s': pass --pixel-size UM, or put "
               "pixel_size_in_micrometer.txt or a BIDS sidecar %s.json "
               "(\"PixelSize\": [x, y], \"PixelSizeUnits\": \"um\") beside it"),
               name, stem);
  return FALSE;
}

/**
 * sheath_image_get_value:
 * @self: a #SheathImage
 * @x: a column
 * @y: a row
 *
 * The raw value of one pixel.
 *
 * Returns: the gray value at (@x, @y)
 */
guint
sheath_image_get_value (SheathImage *self,
                        guint        x,
                        guint        y)
{
  g_return_val_if_fail (SHEATH_IS_IMAGE (self), 0);
  g_return_val_if_fail (x < self->width && y < self->height, 0);

  if (self->bit_depth == 8)
    return ((const guint8 *) self->pixels)[(gsize) y * self->width + x];
  return ((const guint16 *) self->pixels)[(gsize) y * self->width + x];
}

/**
 * sheath_image_get_range:
 * @self: a #SheathImage
 * @min: (out) (optional): the smallest gray value
 * @max: (out) (optional): the largest gray value
 *
 * Finds the range of gray values.
 */
void
sheath_image_get_range (SheathImage *self,
                        guint       *min,
                        guint       *max)
{
  gsize n;
  guint lo = G_MAXUINT, hi = 0;

  g_return_if_fail (SHEATH_IS_IMAGE (self));

  n = (gsize) self->width * self->height;
  for (gsize i = 0; i < n; i++)
    {
      guint v = self->bit_depth == 8 ? ((const guint8 *) self->pixels)[i]
                                     : ((const guint16 *) self->pixels)[i];
      lo = MIN (lo, v);
      hi = MAX (hi, v);
    }

  if (min)
    *min = lo;
  if (max)
    *max = hi;
}

/**
 * sheath_image_read_display_row: (skip)
 * @self: a #SheathImage
 * @y: a row
 * @lo: the gray value shown black
 * @hi: the gray value shown white
 * @row: width bytes to fill
 *
 * Maps one row to 8-bit display values, linearly from @lo to @hi, for
 * viewers.
 */
void
sheath_image_read_display_row (SheathImage *self,
                               guint        y,
                               guint        lo,
                               guint        hi,
                               guint8      *row)
{
  float scale;

  g_return_if_fail (SHEATH_IS_IMAGE (self));
  g_return_if_fail (y < self->height);

  scale = hi > lo ? 255.f / (hi - lo) : 0.f;
  if (self->bit_depth == 8 && lo == 0 && hi == 255)
    memcpy (row, _sheath_image_get_row8 (self, y), self->width);
  else if (self->bit_depth == 8)
    {
      const guint8 *src = _sheath_image_get_row8 (self, y);
      for (guint x = 0; x < self->width; x++)
        row[x] = (guint8) CLAMP (((float) src[x] - lo) * scale + 0.5f, 0.f, 255.f);
    }
  else
    {
      const guint16 *src = _sheath_image_get_row16 (self, y);
      for (guint x = 0; x < self->width; x++)
        row[x] = (guint8) CLAMP (((float) src[x] - lo) * scale + 0.5f, 0.f, 255.f);
    }
}

/**
 * sheath_image_peek_pixels8: (skip)
 * @self: a #SheathImage
 *
 * The pixels of an 8-bit image as they are held, rows packed one after the
 * other, for a viewer that draws them without a copy.
 *
 * Returns: (nullable): the pixels, owned by @self, or %NULL for a 16-bit
 *   image
 */
const guint8 *
sheath_image_peek_pixels8 (SheathImage *self)
{
  g_return_val_if_fail (SHEATH_IS_IMAGE (self), NULL);
  return self->bit_depth == 8 ? self->pixels : NULL;
}

/**
 * sheath_pixel_size_source_to_string:
 * @source: a #SheathPixelSizeSource
 *
 * The source in words, for messages.
 *
 * Returns: a short English phrase for @source
 */
const char *
sheath_pixel_size_source_to_string (SheathPixelSizeSource source)
{
  switch (source)
    {
    case SHEATH_PIXEL_SIZE_SOURCE_NONE: return "unknown";
    case SHEATH_PIXEL_SIZE_SOURCE_USER: return _ ("given by the user");
    case SHEATH_PIXEL_SIZE_SOURCE_BIDS_SIDECAR: return _ ("BIDS sidecar");
    case SHEATH_PIXEL_SIZE_SOURCE_ADS_TEXT_FILE: return "pixel_size_in_micrometer.txt";
    case SHEATH_PIXEL_SIZE_SOURCE_TIFF_RESOLUTION: return _ ("TIFF resolution tags");
    case SHEATH_PIXEL_SIZE_SOURCE_IMAGEJ: return _ ("ImageJ metadata");
    case SHEATH_PIXEL_SIZE_SOURCE_OME_XML: return _ ("OME-XML metadata");
    case SHEATH_PIXEL_SIZE_SOURCE_PNG_PHYS: return _ ("PNG pHYs chunk");
    case SHEATH_PIXEL_SIZE_SOURCE_OPENSLIDE: return _ ("slide metadata (OpenSlide)");
    default: return "unknown";
    }
}

const guint8 *
_sheath_image_get_row8 (SheathImage *self,
                        guint        y)
{
  return (const guint8 *) self->pixels + (gsize) y * self->width;
}

const guint16 *
_sheath_image_get_row16 (SheathImage *self,
                         guint        y)
{
  return (const guint16 *) self->pixels + (gsize) y * self->width;
}
