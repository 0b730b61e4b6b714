/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-image-png"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <glib/gstdio.h>
#include <png.h>
#include <setjmp.h>
#include <string.h>

#include "sheath-error.h"
#include "sheath-image-decoder-private.h"
#include "sheath-png-reader-private.h"

/* libpng reports errors by longjmp: everything the error path must free
 * lives in this struct, never in locals changed after setjmp(). */
/* rows decoded between two reports to a rows sink */
#define PNG_BAND_ROWS 256

typedef struct
{
  FILE        *fp;
  png_structp  png;
  png_infop    info;
  gpointer     pixels;
  png_bytep   *rows;
  char         message[256];
} PngRead;

static void
png_error_cb (png_structp      png,
              png_const_charp  message)
{
  PngRead *state = png_get_error_ptr (png);

  g_strlcpy (state->message, message, sizeof state->message);
  png_longjmp (png, 1);
}

static void
png_warning_cb (png_structp      png,
                png_const_charp  message)
{
  /* Warnings (unknown chunks, odd profiles) do not stop a scientist's image. */
}

static void
png_read_clear (PngRead *state)
{
  if (state->png != NULL)
    png_destroy_read_struct (&state->png, state->info ? &state->info : NULL, NULL);
  g_clear_pointer (&state->fp, fclose);
  g_clear_pointer (&state->pixels, g_free);
  g_clear_pointer (&state->rows, g_free);
}

/* pHYs in pixels per metre, when the writer said so. */
static double
png_pixel_size_um (png_structp   png,
                   png_infop     info,
                   char        **ignored)
{
  png_uint_32 xres = 0, yres = 0;
  int unit = PNG_RESOLUTION_UNKNOWN;

  if (png_get_pHYs (png, info, &xres, &yres, &unit) && unit == PNG_RESOLUTION_METER)
    return _sheath_pixel_size_from_resolution (xres, 1e6, ignored);
  return 0;
}

guint
_sheath_png_set_gray_transforms (png_structp png,
                                 png_infop   info)
{
  int bit_depth = png_get_bit_depth (png, info);
  int color_type = png_get_color_type (png, info);

  if (color_type == PNG_COLOR_TYPE_PALETTE)
    png_set_palette_to_rgb (png);
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8)
    png_set_expand_gray_1_2_4_to_8 (png);
  if (color_type & PNG_COLOR_MASK_ALPHA)
    png_set_strip_alpha (png);
  if (color_type & PNG_COLOR_MASK_COLOR)
    png_set_rgb_to_gray_fixed (png, 1, -1, -1);   /* Rec. 709 luminance */
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  if (bit_depth == 16)
    png_set_swap (png);
#endif
  return bit_depth == 16 ? 16 : 8;
}

gboolean
_sheath_png_load (const char           *path,
                  const char           *name,
                  const SheathRowsSink *sink,
                  SheathDecodedImage   *decoded,
                  GError              **error)
{
  PngRead state = { 0 };
  png_byte head[24];
  png_uint_32 width, height;
  int bit_depth, color_type, interlace;
  guint bytes;

  state.fp = g_fopen (path, "rb");
  if (state.fp == NULL)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _ ("Cannot open '%s': %s"), name, g_strerror (errsv));
      return FALSE;
    }

  if (fread (head, 1, 8, state.fp) != 8 || png_sig_cmp (head, 0, 8) != 0)
    {
      png_read_clear (&state);
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE,
                   "'%s' is not a PNG image", name);
      return FALSE;
    }

  /* Refuse absurd sizes from IHDR itself, before libpng reads further and
   * a file that is only a header fails with a vaguer message. */
  if (fread (head + 8, 1, 16, state.fp) == 16 && memcmp (head + 12, "IHDR", 4) == 0)
    {
      guint32 w = (guint32) head[16] << 24 | head[17] << 16 | head[18] << 8 | head[19];
      guint32 h = (guint32) head[20] << 24 | head[21] << 16 | head[22] << 8 | head[23];

      if (w != 0 && h != 0 && !_sheath_image_check_size (name, w, h, error))
        {
          png_read_clear (&state);
          return FALSE;
        }
      /* Deflate packs at most about 1032 bytes into one and a pixel takes
       * a bit at least; twice that margin */
      if (w != 0 && h != 0 &&
          !_sheath_image_check_holds (name, "PNG", w, h, _sheath_image_file_size (path), (guint64) w * h / 8,
                                      2048, error))
        {
          png_read_clear (&state);
          return FALSE;
        }
    }
  if (fseek (state.fp, 8, SEEK_SET) != 0)
    {
      png_read_clear (&state);
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE, _ ("Cannot read '%s'"), name);
      return FALSE;
    }

  state.png = png_create_read_struct (PNG_LIBPNG_VER_STRING, &state, png_error_cb, png_warning_cb);
  if (state.png != NULL)
    state.info = png_create_info_struct (state.png);
  if (state.png == NULL || state.info == NULL)
    {
      png_read_clear (&state);
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                   _ ("Not enough memory to read '%s'"), name);
      return FALSE;
    }

  if (setjmp (png_jmpbuf (state.png)))
    {
      /* libpng's stdio reader says only "Read Error" when data runs out. */
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE,
                   "'%s' is a damaged PNG image: %s", name,
                   g_str_equal (state.message, "Read Error") ? _ ("the file ends too early (truncated?)")
                                                             : state.message);
      png_read_clear (&state);
      return FALSE;
    }

  /* Our own size limits apply below, with a clearer message than libpng's. */
  png_set_user_limits (state.png, 0x7fffffff, 0x7fffffff);
  png_init_io (state.png, state.fp);
  png_set_sig_bytes (state.png, 8);
  png_read_info (state.png, state.info);
  png_get_IHDR (state.png, state.info, &width, &height, &bit_depth, &color_type,
                &interlace, NULL, NULL);

  if (!_sheath_image_check_size (name, width, height, error))
    {
      png_read_clear (&state);
      return FALSE;
    }

  decoded->bit_depth = _sheath_png_set_gray_transforms (state.png, state.info);
  png_set_interlace_handling (state.png);
  png_read_update_info (state.png, state.info);

  bytes = decoded->bit_depth / 8;
  if (png_get_rowbytes (state.png, state.info) != (gsize) width * bytes)
    png_error (state.png, _ ("unexpected row layout after conversion to gray"));

  state.pixels = _sheath_image_try_alloc_pixels (name, width, height, bytes, error);
  if (state.pixels == NULL)
    {
      png_read_clear (&state);
      return FALSE;
    }

  state.rows = g_new (png_bytep, height);
  for (png_uint_32 y = 0; y < height; y++)
    state.rows[y] = (png_bytep) state.pixels + (gsize) y * width * bytes;
  if (interlace == PNG_INTERLACE_NONE)
    {
      /* in bands, each told to the sink as soon as it is decoded */
      for (png_uint_32 y = 0; y < height; y += PNG_BAND_ROWS)
        {
          png_uint_32 n = MIN (PNG_BAND_ROWS, height - y);

          png_read_rows (state.png, state.rows + y, NULL, n);
          _sheath_rows_sink_emit (sink, state.pixels, width, height, bytes * 8, y, n);
        }
    }
  else
    {
      png_read_image (state.png, state.rows);
      _sheath_rows_sink_emit (sink, state.pixels, width, height, bytes * 8, 0, height);
    }
  png_read_end (state.png, NULL);

  decoded->width = width;
  decoded->height = height;
  decoded->pixels = g_steal_pointer (&state.pixels);
  decoded->format = g_strdup_printf ("PNG, %d-bit %s%s", bit_depth,
                                     color_type == PNG_COLOR_TYPE_PALETTE ? "palette" :
                                     (color_type & PNG_COLOR_MASK_COLOR) ? "RGB" : "gray",
                                     (color_type & PNG_COLOR_MASK_ALPHA) ? " + alpha" : "");
  decoded->pixel_size = png_pixel_size_um (state.png, state.info, &decoded->ignored_resolution);
  decoded->pixel_size_source = decoded->pixel_size > 0 ? SHEATH_PIXEL_SIZE_SOURCE_PNG_PHYS
                                                       : SHEATH_PIXEL_SIZE_SOURCE_NONE;

  png_read_clear (&state);
  return TRUE;
}
