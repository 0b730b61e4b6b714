/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-slide"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "sheath-error.h"
#include "sheath-image-decoder-private.h"
#include "sheath-slide-private.h"
#include "sheath-tiff-private.h"

/* TIFFs read a region at a time: strips or tiles, classic or BigTIFF, with
 * a pyramid stored as SubIFDs of the first page (OME-TIFF) or as further
 * pages that shrink with the same aspect (libvips, NDPI, SVS). Gray and RGB
 * of 8 or 16 bits are decoded chunk by chunk; everything else libtiff can
 * turn into RGBA (JPEG in YCbCr, palettes, separate planes), through its
 * RGBA interface, which reads only the chunks a region covers too. */

typedef struct
{
  gboolean sub_ifd;
  guint64  where;       /* a SubIFD's offset, or a page's number */
} TiffLevel;

typedef struct
{
  TIFF               *tif;
  char               *name;
  GArray             *where;   /* TiffLevel, one per level */
  guint               bit_depth;
  SheathTiffMessages  messages;
} TiffReader;

static void
tiff_reader_free (gpointer data)
{
  TiffReader *r = data;

  if (r->tif != NULL)
    TIFFClose (r->tif);
  g_clear_pointer (&r->where, g_array_unref);
  g_free (r->name);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TiffReader, tiff_reader_free)

static gboolean
damaged (TiffReader  *r,
         GError     **error)
{
  g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE,
               _ ("'%s' is damaged%s%s"), r->name,
               r->messages.message[0] ? ": " : "", r->messages.message);
  r->messages.message[0] = '\0';
  return FALSE;
}

static gboolean
select_level (TiffReader  *r,
              guint        level,
              GError     **error)
{
  const TiffLevel *l = &g_array_index (r->where, TiffLevel, level);

  if (l->sub_ifd ? !TIFFSetSubDirectory (r->tif, l->where)
                 : !TIFFSetDirectory (r->tif, (tdir_t) l->where))
    return damaged (r, error);
  return TRUE;
}

/* Gray or RGB, 8 or 16 bits, one plane: decoded by chunks, as stored. */
static gboolean
is_plain (TIFF *tif)
{
  guint16 bps = 0, spp = 1, photometric = 0, planar = PLANARCONFIG_CONTIG, format = SAMPLEFORMAT_UINT;
  guint16 compression = COMPRESSION_NONE;

  TIFFGetFieldDefaulted (tif, TIFFTAG_BITSPERSAMPLE, &bps);
  TIFFGetFieldDefaulted (tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
  TIFFGetFieldDefaulted (tif, TIFFTAG_PLANARCONFIG, &planar);
  TIFFGetFieldDefaulted (tif, TIFFTAG_SAMPLEFORMAT, &format);
  TIFFGetFieldDefaulted (tif, TIFFTAG_COMPRESSION, &compression);
  if (!TIFFGetField (tif, TIFFTAG_PHOTOMETRIC, &photometric))
    photometric = spp >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK;
  return (bps == 8 || bps == 16) && format == SAMPLEFORMAT_UINT && spp <= 8 &&
         (planar == PLANARCONFIG_CONTIG || spp == 1) &&
         (photometric == PHOTOMETRIC_MINISBLACK || photometric == PHOTOMETRIC_MINISWHITE ||
          (photometric == PHOTOMETRIC_RGB && spp >= 3));
}

static guint16
samples_to_gray (const guint8 *s,
                 guint         spp,
                 guint         bytes,
                 guint16       photometric)
{
  double v;

  if (bytes == 1)
    v = photometric == PHOTOMETRIC_RGB ? 0.2126 * s[0] + 0.7152 * s[1] + 0.0722 * s[2] : s[0];
  else
    {
      const guint16 *w = (const guint16 *) s;

      v = photometric == PHOTOMETRIC_RGB ? 0.2126 * w[0] + 0.7152 * w[1] + 0.0722 * w[2] : w[0];
    }
  if (photometric == PHOTOMETRIC_MINISWHITE)
    v = (bytes == 1 ? 255 : 65535) - v;
  return (guint16) lround (v);
}

static gboolean
read_plain (TiffReader *r,
            guint64     x,
            guint64     y,
            guint       width,
            guint       height,
            gpointer    pixels,
            GError    **error)
{
  TIFF *tif = r->tif;
  guint16 bps = 8, spp = 1, photometric = 0;
  guint32 cw, ch, image_w = 0, image_h = 0;
  guint bytes;
  tmsize_t chunk_size;
  gboolean tiled = TIFFIsTiled (tif);
  g_autofree guint8 *chunk = NULL;

  TIFFGetFieldDefaulted (tif, TIFFTAG_BITSPERSAMPLE, &bps);
  TIFFGetFieldDefaulted (tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
  TIFFGetField (tif, TIFFTAG_IMAGEWIDTH, &image_w);
  TIFFGetField (tif, TIFFTAG_IMAGELENGTH, &image_h);
  if (!TIFFGetField (tif, TIFFTAG_PHOTOMETRIC, &photometric))
    photometric = spp >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK;
  bytes = bps / 8;
  if (tiled)
    {
      if (!TIFFGetField (tif, TIFFTAG_TILEWIDTH, &cw) || !TIFFGetField (tif, TIFFTAG_TILELENGTH, &ch))
        return damaged (r, error);
      chunk_size = TIFFTileSize (tif);
    }
  else
    {
      guint32 rps = image_h;

      TIFFGetFieldDefaulted (tif, TIFFTAG_ROWSPERSTRIP, &rps);
      cw = image_w;
      ch = MIN (MAX (rps, 1), image_h);
      chunk_size = TIFFStripSize (tif);
    }
  if (cw == 0 || ch == 0 || chunk_size <= 0 ||
      (guint64) chunk_size < (guint64) cw * ch * spp * bytes ||
      (guint64) chunk_size > (G_GUINT64_CONSTANT (1) << 31))
    return damaged (r, error);
  if (!(chunk = g_try_malloc (chunk_size)))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                   _ ("Not enough memory to read '%s'"), r->name);
      return FALSE;
    }

  for (guint64 cy = y / ch * ch; cy < y + height; cy += ch)
    for (guint64 cx = x / cw * cw; cx < x + width; cx += cw)
      {
        guint64 x0 = MAX (cx, x), x1 = MIN (cx + cw, x + width);
        guint64 y0 = MAX (cy, y), y1 = MIN (MIN (cy + ch, y + height), image_h);
        tmsize_t got = tiled
          ? TIFFReadEncodedTile (tif, TIFFComputeTile (tif, (guint32) cx, (guint32) cy, 0, 0), chunk, chunk_size)
          : TIFFReadEncodedStrip (tif, TIFFComputeStrip (tif, (guint32) cy, 0), chunk, chunk_size);

        if (got < 0)
          return damaged (r, error);
        for (guint64 py = y0; py < y1; py++)
          for (guint64 px = x0; px < x1; px++)
            {
              const guint8 *s = chunk + (((py - cy) * cw + (px - cx)) * spp) * bytes;
              gsize o = (py - y) * width + (px - x);
              guint16 v = samples_to_gray (s, spp, bytes, photometric);

              if (bytes == 1)
                ((guint8 *) pixels)[o] = (guint8) v;
              else
                ((guint16 *) pixels)[o] = v;
            }
      }
  return TRUE;
}

/* the most pixels read to cut a region out of rows of samples smaller than
 * a byte (read_rgba()) */
#define MAX_SUB_BYTE_PIXELS (G_GUINT64_CONSTANT (1) << 26)

/* Anything else libtiff knows, as 8-bit RGBA, top row first. */
static gboolean
read_rgba (TiffReader *r,
           guint64     x,
           guint64     y,
           guint       width,
           guint       height,
           guint8     *pixels,
           GError    **error)
{
  TIFFRGBAImage img;
  char message[1024] = "";
  g_autofree guint32 *raster = NULL;
  guint16 bps = 1, spp = 1;
  guint skip = 0;
  gboolean ok;

  /* libtiff 4.5's RGBA reader moves into a row by its column offset in
   * samples, not bits: with samples smaller than a byte it reads past the
   * row. Those rows are read from their first column, and cut. */
  TIFFGetFieldDefaulted (r->tif, TIFFTAG_BITSPERSAMPLE, &bps);
  TIFFGetFieldDefaulted (r->tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
  if (((guint) bps * spp) % 8 != 0 && x > 0)
    {
      if ((x + width) * height > MAX_SUB_BYTE_PIXELS)
        {
          g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_UNSUPPORTED_IMAGE,
                       _ ("'%s' has %u-bit samples: Sheath reads no region so far into it"), r->name, bps);
          return FALSE;
        }
      skip = (guint) x;
      x = 0;
    }

  if (!TIFFRGBAImageOK (r->tif, message) || !TIFFRGBAImageBegin (&img, r->tif, 0, message))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_UNSUPPORTED_IMAGE,
                   _ ("Sheath cannot read the pixels of '%s': %s"), r->name, message);
      return FALSE;
    }
  img.req_orientation = ORIENTATION_TOPLEFT;
  img.col_offset = (int) x;
  img.row_offset = (int) y;
  if (!(raster = g_try_new (guint32, (gsize) (skip + width) * height)))
    {
      TIFFRGBAImageEnd (&img);
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                   _ ("Not enough memory to read a region of %u × %u pixels"), width, height);
      return FALSE;
    }
  ok = TIFFRGBAImageGet (&img, raster, skip + width, height);
  TIFFRGBAImageEnd (&img);
  if (!ok)
    return damaged (r, error);
  for (gsize row = 0; row < height; row++)
    for (gsize col = 0; col < width; col++)
      {
        guint32 p = raster[row * (skip + width) + skip + col];

        pixels[row * width + col] = (guint8) lround (0.2126 * TIFFGetR (p) + 0.7152 * TIFFGetG (p) +
                                                     0.0722 * TIFFGetB (p));
      }
  return TRUE;
}

static gboolean
tiff_read_region (gpointer  reader,
                  guint     level,
                  guint64   x,
                  guint64   y,
                  guint     width,
                  guint     height,
                  gpointer  pixels,
                  GError  **error)
{
  TiffReader *r = reader;
  guint16 bps = 8;

  if (!select_level (r, level, error))
    return FALSE;
  if (is_plain (r->tif))
    {
      TIFFGetFieldDefaulted (r->tif, TIFFTAG_BITSPERSAMPLE, &bps);
      if (bps == r->bit_depth)
        return read_plain (r, x, y, width, height, pixels, error);
    }
  if (r->bit_depth != 8)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_UNSUPPORTED_IMAGE,
                   _ ("Level %u of '%s' does not have the 16-bit samples of its first level"), level, r->name);
      return FALSE;
    }
  return read_rgba (r, x, y, width, height, pixels, error);
}

static const SheathSlideReaderFuncs tiff_funcs = { tiff_read_region, tiff_reader_free };

static void
current_size (TIFF    *tif,
              guint32 *width,
              guint32 *height)
{
  *width = *height = 0;
  TIFFGetField (tif, TIFFTAG_IMAGEWIDTH, width);
  TIFFGetField (tif, TIFFTAG_IMAGELENGTH, height);
}

/* A page is a level of the pyramid when it is smaller than the one before
 * and has level 0's aspect (to a pixel of rounding each way): a slide's
 * label and macro images do not. */
static gboolean
is_next_level (const SheathSlideOpened *opened,
               guint32                  width,
               guint32                  height)
{
  const SheathSlideLevel *first = &g_array_index (opened->levels, SheathSlideLevel, 0);
  const SheathSlideLevel *last = &g_array_index (opened->levels, SheathSlideLevel, opened->levels->len - 1);
  double scale;

  if (width == 0 || height == 0 || width >= last->width || height >= last->height)
    return FALSE;
  scale = (double) first->width / width;
  return fabs (first->height / scale - height) <= 1.0 + first->height / scale * 0.01;
}

gboolean
_sheath_slide_open_tiff (const char         *path,
                         const char         *name,
                         SheathSlideOpened  *opened,
                         GError            **error)
{
  g_autoptr(TiffReader) r = g_new0 (TiffReader, 1);
  guint32 width, height;
  guint16 bps = 8, n_sub = 0;
  guint64 *sub = NULL;
  TiffLevel first = { FALSE, 0 };
  gboolean plain;

  r->name = g_strdup (name);
  r->where = g_array_new (FALSE, FALSE, sizeof (TiffLevel));
  if (!(r->tif = _sheath_tiff_open (path, &r->messages)))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE,
                   _ ("'%s' is not a PNG, TIFF or slide image Sheath can read%s%s"), name,
                   r->messages.message[0] ? ": " : "", r->messages.message);
      return FALSE;
    }

  current_size (r->tif, &width, &height);
  if (!_sheath_image_check_size (name, width, height, error))
    return FALSE;
  plain = is_plain (r->tif);
  TIFFGetFieldDefaulted (r->tif, TIFFTAG_BITSPERSAMPLE, &bps);
  r->bit_depth = plain && bps == 16 ? 16 : 8;
  if (!plain)
    {
      char message[1024] = "";

      if (!TIFFRGBAImageOK (r->tif, message))
        {
          g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_UNSUPPORTED_IMAGE,
                       _ ("Sheath cannot read the pixels of '%s': %s"), name, message);
          return FALSE;
        }
    }
  {
    guint16 photometric = 0, compression = COMPRESSION_NONE;

    TIFFGetField (r->tif, TIFFTAG_PHOTOMETRIC, &photometric);
    TIFFGetFieldDefaulted (r->tif, TIFFTAG_COMPRESSION, &compression);
    opened->format = g_strdup_printf ("%s, %s%s%s", TIFFIsBigTIFF (r->tif) ? "BigTIFF" : "TIFF",
                                      photometric == PHOTOMETRIC_RGB || photometric == PHOTOMETRIC_YCBCR
                                        ? (plain ? (bps == 16 ? "16-bit RGB" : "8-bit RGB") : "RGB")
                                        : (plain ? (bps == 16 ? "16-bit gray" : "8-bit gray") : "8-bit"),
                                      compression == COMPRESSION_JPEG ? ", JPEG" : "",
                                      TIFFIsTiled (r->tif) ? ", tiled" : "");
  }
  _sheath_tiff_read_pixel_size (r->tif, &opened->pixel_size, &opened->pixel_size_source,
                                &opened->ignored_resolution);
  _sheath_slide_add_level (opened, width, height);
  g_array_append_val (r->where, first);

  /* the pyramid: SubIFDs of the first page, else the pages after it */
  if (TIFFGetField (r->tif, TIFFTAG_SUBIFD, &n_sub, &sub) && n_sub > 0 && sub != NULL)
    {
      g_autofree guint64 *offsets = g_memdup2 (sub, n_sub * sizeof (guint64));

      for (guint i = 0; i < n_sub; i++)
        {
          TiffLevel l = { TRUE, offsets[i] };

          if (!TIFFSetSubDirectory (r->tif, offsets[i]))
            break;
          current_size (r->tif, &width, &height);
          if (!is_next_level (opened, width, height))
            break;
          _sheath_slide_add_level (opened, width, height);
          g_array_append_val (r->where, l);
        }
    }
  else
    {
      tdir_t n_pages = TIFFNumberOfDirectories (r->tif);

      for (tdir_t page = 1; page < n_pages; page++)
        {
          TiffLevel l = { FALSE, page };

          if (!TIFFSetDirectory (r->tif, page))
            break;
          current_size (r->tif, &width, &height);
          if (!is_next_level (opened, width, height))
            continue;
          _sheath_slide_add_level (opened, width, height);
          g_array_append_val (r->where, l);
        }
    }
  r->messages.message[0] = '\0';

  opened->bit_depth = r->bit_depth;
  opened->funcs = &tiff_funcs;
  opened->reader = g_steal_pointer (&r);
  return TRUE;
}
