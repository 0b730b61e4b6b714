/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-image-tiff"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <glib/gstdio.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <tiffio.h>

#include "sheath-error.h"
#include "sheath-image-decoder-private.h"
#include "sheath-tiff-private.h"

/* libtiff hands its own format strings over */
static int tiff_error_cb (TIFF *tif, void *user_data, const char *module, const char *fmt, va_list ap)
  G_GNUC_PRINTF (4, 0);

static int
tiff_error_cb (TIFF       *tif,
               void       *user_data,
               const char *module,
               const char *fmt,
               va_list     ap)
{
  SheathTiffMessages *messages = user_data;

  /* Keep the first error: later ones are usually consequences. */
  if (messages->message[0] == '\0')
    g_vsnprintf (messages->message, sizeof messages->message, fmt, ap);
  return 1;
}

static int
tiff_warning_cb (TIFF       *tif,
                 void       *user_data,
                 const char *module,
                 const char *fmt,
                 va_list     ap)
{
  /* Unknown private tags are common in microscope files; not worth a word. */
  return 1;
}

gboolean
_sheath_tiff_write_atomic (const char           *path,
                           gboolean              big,
                           SheathTiffWriteFunc   write,
                           gpointer              data,
                           GError              **error)
{
  g_autofree char *tmp = g_strdup_printf ("%s.%08x.tmp", path, g_random_int ());
  TIFF *tif = TIFFOpen (tmp, big ? "w8" : "w");
  gboolean ok;

  if (tif == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE, _ ("Cannot write '%s'"), path);
      return FALSE;
    }
  ok = write (tif, data);
  TIFFClose (tif);
  if (!ok || g_rename (tmp, path) != 0)
    {
      g_unlink (tmp);
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE, _ ("Cannot write '%s'"), path);
      return FALSE;
    }
  return TRUE;
}

TIFF *
_sheath_tiff_open (const char         *path,
                   SheathTiffMessages *messages)
{
  TIFFOpenOptions *options = TIFFOpenOptionsAlloc ();
  TIFF *tif;

  TIFFOpenOptionsSetErrorHandlerExtR (options, tiff_error_cb, messages);
  TIFFOpenOptionsSetWarningHandlerExtR (options, tiff_warning_cb, NULL);
  /* read, not mapped: a mapped slide's pages would count as the
   * process's memory, a gigabyte for a gigapixel */
  tif = TIFFOpenExt (path, "rm", options);
  TIFFOpenOptionsFree (options);
  return tif;
}

/* ImageJ writes "ImageJ=1.x\n...unit=micron\n" and puts pixels per unit in
 * XResolution. */
static double
imagej_pixel_size (const char *description,
                   float       xres)
{
  g_auto(GStrv) lines = NULL;

  if (!g_str_has_prefix (description, "ImageJ=") || xres <= 0)
    return 0;

  lines = g_strsplit (description, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], "unit="))
      return _sheath_pixel_size_from_unit (1.0 / xres, lines[i] + 5);

  return 0;
}

static char *
xml_attribute (const char *xml,
               const char *attribute)
{
  g_autofree char *needle = g_strdup_printf (" %s=\"", attribute);
  const char *start = strstr (xml, needle);
  const char *end;

  if (start == NULL)
    return NULL;
  start += strlen (needle);
  end = strchr (start, '"');
  return end ? g_strndup (start, end - start) : NULL;
}

static double
ome_pixel_size (const char *description)
{
  g_autofree char *size = NULL;
  g_autofree char *unit = NULL;

  if (strstr (description, "<OME") == NULL)
    return 0;

  size = xml_attribute (description, "PhysicalSizeX");
  if (size == NULL)
    return 0;
  unit = xml_attribute (description, "PhysicalSizeXUnit");

  /* OME's default unit is the micrometre. */
  return _sheath_pixel_size_from_unit (g_ascii_strtod (size, NULL), unit ? unit : "µm");
}

static double
resolution_pixel_size (TIFF  *tif,
                       char **ignored)
{
  float xres = 0;
  guint16 unit = RESUNIT_INCH;

  if (!TIFFGetField (tif, TIFFTAG_XRESOLUTION, &xres))
    return 0;
  TIFFGetFieldDefaulted (tif, TIFFTAG_RESOLUTIONUNIT, &unit);

  if (unit == RESUNIT_CENTIMETER)
    return _sheath_pixel_size_from_resolution (xres, 1e4, ignored);
  if (unit == RESUNIT_INCH)
    return _sheath_pixel_size_from_resolution (xres, 25400, ignored);
  return 0;
}

void
_sheath_tiff_read_pixel_size (TIFF                  *tif,
                              double                *pixel_size,
                              SheathPixelSizeSource *source,
                              char                 **ignored)
{
  const char *description = NULL;
  float xres = 0;

  TIFFGetField (tif, TIFFTAG_XRESOLUTION, &xres);
  if (TIFFGetField (tif, TIFFTAG_IMAGEDESCRIPTION, &description) && description != NULL)
    {
      double um;

      if ((um = imagej_pixel_size (description, xres)) > 0)
        {
          *pixel_size = um;
          *source = SHEATH_PIXEL_SIZE_SOURCE_IMAGEJ;
          return;
        }
      if ((um = ome_pixel_size (description)) > 0)
        {
          *pixel_size = um;
          *source = SHEATH_PIXEL_SIZE_SOURCE_OME_XML;
          return;
        }
    }

  *pixel_size = resolution_pixel_size (tif, ignored);
  *source = *pixel_size > 0 ? SHEATH_PIXEL_SIZE_SOURCE_TIFF_RESOLUTION : SHEATH_PIXEL_SIZE_SOURCE_NONE;
}

/* Reads every strip or tile into one contiguous buffer of samples, as
 * [y][x][sample] whatever the file's planar configuration. */
static gboolean
read_samples (TIFF                 *tif,
              const char           *name,
              guint                 width,
              guint                 height,
              guint                 spp,
              guint                 bytes,
              guint16               planar,
              guint8               *dest,
              const SheathRowsSink *sink,
              SheathTiffMessages         *messages,
              GError              **error)
{
  guint planes = planar == PLANARCONFIG_SEPARATE ? spp : 1;
  guint chunk_spp = planar == PLANARCONFIG_SEPARATE ? 1 : spp;
  gsize pixel_bytes = (gsize) spp * bytes;
  gsize chunk_pixel_bytes = (gsize) chunk_spp * bytes;
  g_autofree guint8 *buf = NULL;
  gboolean tiled = TIFFIsTiled (tif);
  guint32 cw, ch;
  tmsize_t chunk_size;

  if (tiled)
    {
      if (!TIFFGetField (tif, TIFFTAG_TILEWIDTH, &cw) || !TIFFGetField (tif, TIFFTAG_TILELENGTH, &ch) ||
          cw == 0 || ch == 0)
        goto damaged;
      chunk_size = TIFFTileSize (tif);
    }
  else
    {
      guint32 rps = height;

      TIFFGetFieldDefaulted (tif, TIFFTAG_ROWSPERSTRIP, &rps);
      cw = width;
      ch = MIN (MAX (rps, 1), height);
      chunk_size = TIFFStripSize (tif);
    }

  if (chunk_size <= 0 || (guint64) chunk_size < (guint64) cw * ch * chunk_pixel_bytes ||
      (guint64) chunk_size > (G_GUINT64_CONSTANT (1) << 31))
    goto damaged;
  buf = g_try_malloc (chunk_size);
  if (buf == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                   _ ("Not enough memory to read '%s'"), name);
      return FALSE;
    }

  for (guint plane = 0; plane < planes; plane++)
    for (guint y0 = 0; y0 < height; y0 += ch)
      {
        for (guint x0 = 0; x0 < width; x0 += cw)
        {
          guint rows = MIN (ch, height - y0);
          guint cols = MIN (cw, width - x0);

          if (tiled)
            {
              if (TIFFReadTile (tif, buf, x0, y0, 0, plane) < 0)
                goto damaged;
            }
          else
            {
              tstrip_t strip = TIFFComputeStrip (tif, y0, plane);

              if (TIFFReadEncodedStrip (tif, strip, buf, chunk_size) < 0)
                goto damaged;
            }

          for (guint r = 0; r < rows; r++)
            {
              const guint8 *src = buf + (gsize) r * cw * chunk_pixel_bytes;
              guint8 *dst = dest + ((gsize) (y0 + r) * width + x0) * pixel_bytes;

              if (planes == 1)
                memcpy (dst, src, cols * pixel_bytes);
              else
                for (guint c = 0; c < cols; c++)
                  memcpy (dst + c * pixel_bytes + plane * bytes, src + c * bytes, bytes);
            }
        }
        /* a band of whole rows is in: gray images tell the sink */
        if (spp == 1)
          _sheath_rows_sink_emit (sink, dest, width, height, bytes * 8, y0, MIN (ch, height - y0));
      }

  return TRUE;

damaged:
  g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE,
               "'%s' is a damaged TIFF image%s%s", name,
               messages->message[0] ? ": " : "", messages->message);
  return FALSE;
}

/* Rec. 709 luminance, as libpng uses for PNG. */
static void
samples_to_gray (const guint8 *samples,
                 guint         spp,
                 guint         bytes,
                 gsize         n_pixels,
                 gpointer      gray)
{
  for (gsize i = 0; i < n_pixels; i++)
    {
      double r, g, b;

      if (bytes == 1)
        {
          const guint8 *p = samples + i * spp;
          r = p[0], g = p[1], b = p[2];
          ((guint8 *) gray)[i] = (guint8) CLAMP (lround (0.2126 * r + 0.7152 * g + 0.0722 * b), 0, 255);
        }
      else
        {
          const guint16 *p = (const guint16 *) samples + i * spp;
          r = p[0], g = p[1], b = p[2];
          ((guint16 *) gray)[i] = (guint16) CLAMP (lround (0.2126 * r + 0.7152 * g + 0.0722 * b), 0, 65535);
        }
    }
}

/* The bytes of data the strips or tiles hold, at most the file's size:
 * without byte counts libtiff makes them up from the image's size. */
static guint64
data_held (TIFF       *tif,
           const char *path)
{
  guint64 *counts = NULL;
  guint64 held = 0;
  guint32 n = TIFFIsTiled (tif) ? TIFFNumberOfTiles (tif) : TIFFNumberOfStrips (tif);

  if (!TIFFGetField (tif, TIFFIsTiled (tif) ? TIFFTAG_TILEBYTECOUNTS : TIFFTAG_STRIPBYTECOUNTS, &counts) ||
      counts == NULL)
    return 0;
  for (guint32 i = 0; i < n; i++)
    held += counts[i];
  return MIN (held, _sheath_image_file_size (path));
}

/* Compressed data may hold far more than its size: about 1032 to 1 at most
 * for Deflate, some 1400 to 1 for LZW on a constant image; 4096 leaves room
 * for any. Uncompressed, a file cut short still shows what it has. */
#define MAX_COMPRESSION_RATIO 4096
#define MAX_TRUNCATION_RATIO  4

gboolean
_sheath_tiff_load (const char           *path,
                   const char           *name,
                   const SheathRowsSink *sink,
                   SheathDecodedImage   *decoded,
                   GError              **error)
{
  const SheathRowsSink *stream = NULL;
  SheathTiffMessages messages = { { 0 } };
  TIFF *tif;
  guint32 width = 0, height = 0;
  guint16 bps = 1, spp = 1, photometric = PHOTOMETRIC_MINISBLACK, planar = PLANARCONFIG_CONTIG;
  guint16 sample_format = SAMPLEFORMAT_UINT;
  guint bytes;
  g_autofree guint8 *samples = NULL;
  gpointer pixels = NULL;
  gboolean ok = FALSE;

  tif = _sheath_tiff_open (path, &messages);

  if (tif == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE,
                   "'%s' is not a readable TIFF image%s%s", name,
                   messages.message[0] ? ": " : "", messages.message);
      return FALSE;
    }

  TIFFGetField (tif, TIFFTAG_IMAGEWIDTH, &width);
  TIFFGetField (tif, TIFFTAG_IMAGELENGTH, &height);
  TIFFGetFieldDefaulted (tif, TIFFTAG_BITSPERSAMPLE, &bps);
  TIFFGetFieldDefaulted (tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
  TIFFGetFieldDefaulted (tif, TIFFTAG_PLANARCONFIG, &planar);
  TIFFGetFieldDefaulted (tif, TIFFTAG_SAMPLEFORMAT, &sample_format);
  if (!TIFFGetField (tif, TIFFTAG_PHOTOMETRIC, &photometric))
    photometric = spp >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK;

  if (!_sheath_image_check_size (name, width, height, error))
    goto out;

  if ((bps != 8 && bps != 16) || sample_format != SAMPLEFORMAT_UINT)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_UNSUPPORTED_IMAGE,
                   "'%s' has %u-bit %s samples; Sheath reads 8- and 16-bit unsigned integers",
                   name, bps, sample_format == SAMPLEFORMAT_IEEEFP ? "floating-point" : "integer");
      goto out;
    }

  if (!((photometric == PHOTOMETRIC_MINISBLACK || photometric == PHOTOMETRIC_MINISWHITE) && spp >= 1) &&
      !(photometric == PHOTOMETRIC_RGB && spp >= 3))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_UNSUPPORTED_IMAGE,
                   "'%s' uses TIFF photometric interpretation %u with %u samples per pixel; "
                   "Sheath reads gray and RGB images", name, photometric, spp);
      goto out;
    }

  bytes = bps / 8;
  /* gray or RGB, with an alpha or a few extra samples at most */
  if (spp > 8)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_UNSUPPORTED_IMAGE,
                   "'%s' has %u samples per pixel; Sheath reads gray and RGB images", name, spp);
      goto out;
    }
  {
    guint16 compression = COMPRESSION_NONE;

    TIFFGetFieldDefaulted (tif, TIFFTAG_COMPRESSION, &compression);
    if (!_sheath_image_check_holds (name, "TIFF", width, height, data_held (tif, path),
                                    (guint64) width * height * spp * bytes,
                                    compression == COMPRESSION_NONE ? MAX_TRUNCATION_RATIO : MAX_COMPRESSION_RATIO,
                                    error))
      goto out;
  }
  if (spp == 1)
    {
      /* Gray: decode straight into the image. */
      if (!(pixels = _sheath_image_try_alloc_pixels (name, width, height, bytes, error)))
        goto out;
      /* rows go to the sink as they come, unless they must be inverted */
      stream = photometric == PHOTOMETRIC_MINISWHITE ? NULL : sink;
      if (!read_samples (tif, name, width, height, 1, bytes, planar, pixels, stream, &messages, error))
        goto out;
    }
  else
    {
      if (!(samples = _sheath_image_try_alloc_pixels (name, width, height, bytes * spp, error)) ||
          !(pixels = _sheath_image_try_alloc_pixels (name, width, height, bytes, error)))
        goto out;
      if (!read_samples (tif, name, width, height, spp, bytes, planar, samples, NULL, &messages, error))
        goto out;
      if (photometric == PHOTOMETRIC_RGB)
        samples_to_gray (samples, spp, bytes, (gsize) width * height, pixels);
      else
        for (gsize i = 0; i < (gsize) width * height; i++)
          memcpy ((guint8 *) pixels + i * bytes, samples + i * spp * bytes, bytes);
    }

  if (photometric == PHOTOMETRIC_MINISWHITE)
    {
      gsize n = (gsize) width * height;

      if (bytes == 1)
        for (gsize i = 0; i < n; i++)
          ((guint8 *) pixels)[i] = 255 - ((guint8 *) pixels)[i];
      else
        for (gsize i = 0; i < n; i++)
          ((guint16 *) pixels)[i] = 65535 - ((guint16 *) pixels)[i];
    }

  if (stream == NULL)
    _sheath_rows_sink_emit (sink, pixels, width, height, bps, 0, height);

  decoded->width = width;
  decoded->height = height;
  decoded->bit_depth = bps;
  decoded->pixels = g_steal_pointer (&pixels);
  decoded->format = g_strdup_printf ("%s, %u-bit %s%s",
                                     TIFFIsBigTIFF (tif) ? "BigTIFF" : "TIFF", bps,
                                     photometric == PHOTOMETRIC_RGB ? "RGB" : "gray",
                                     TIFFIsTiled (tif) ? ", tiled" : "");
  _sheath_tiff_read_pixel_size (tif, &decoded->pixel_size, &decoded->pixel_size_source,
                                &decoded->ignored_resolution);
  ok = TRUE;

out:
  g_free (pixels);
  TIFFClose (tif);
  return ok;
}
