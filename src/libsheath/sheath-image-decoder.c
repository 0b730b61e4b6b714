/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-image"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <glib/gstdio.h>

#include "sheath-error.h"
#include "sheath-image-decoder-private.h"
#include "sheath-limits.h"

/* What every decoder shares: the image it hands over, the rows it reports
 * as it goes, and the checks that keep a hostile header from making Sheath
 * set gigabytes aside. It knows nothing of SheathImage, which calls the
 * decoders: the dependency runs one way. */

void
_sheath_decoded_image_clear (SheathDecodedImage *decoded)
{
  g_clear_pointer (&decoded->pixels, g_free);
  g_clear_pointer (&decoded->format, g_free);
  g_clear_pointer (&decoded->ignored_resolution, g_free);
}

gboolean
_sheath_image_check_size (const char  *name,
                          guint64      width,
                          guint64      height,
                          GError     **error)
{
  if (width == 0 || height == 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_IMAGE_TOO_LARGE,
                   "'%s' is empty (%" G_GUINT64_FORMAT " × %" G_GUINT64_FORMAT " pixels)",
                   name, width, height);
      return FALSE;
    }

  if (width > SHEATH_IMAGE_MAX_SIDE || height > SHEATH_IMAGE_MAX_SIDE ||
      width * height > SHEATH_IMAGE_MAX_PIXELS)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_IMAGE_TOO_LARGE,
                   "'%s' is too large (%" G_GUINT64_FORMAT " × %" G_GUINT64_FORMAT " pixels); "
                   "Sheath reads up to %u pixels a side and %" G_GUINT64_FORMAT " pixels in all: "
                   "crop or split the image",
                   name, width, height, SHEATH_IMAGE_MAX_SIDE, SHEATH_IMAGE_MAX_PIXELS);
      return FALSE;
    }

  return TRUE;
}

guint64
_sheath_image_file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (guint64) st.st_size : G_MAXUINT64;
}

gboolean
_sheath_image_check_holds (const char  *name,
                           const char  *format,
                           guint        width,
                           guint        height,
                           guint64      held,
                           guint64      needed,
                           guint        max_ratio,
                           GError     **error)
{
  if (held >= needed / max_ratio)
    return TRUE;
  g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE,
               "'%s' is a damaged %s image: it says %u × %u pixels but holds far too little data for them",
               name, format, width, height);
  return FALSE;
}

gpointer
_sheath_image_try_alloc_pixels (const char  *name,
                                guint        width,
                                guint        height,
                                guint        bytes_per_sample,
                                GError     **error)
{
  gsize size = (gsize) width * height * bytes_per_sample;
  gpointer pixels = g_try_malloc (size);

  if (pixels == NULL)
    g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                 "Not enough memory to read '%s' (%" G_GSIZE_FORMAT " MB)", name, size >> 20);
  return pixels;
}

void
_sheath_rows_sink_emit (const SheathRowsSink *sink,
                        gconstpointer         pixels,
                        guint                 width,
                        guint                 height,
                        guint                 bit_depth,
                        guint                 first_row,
                        guint                 n_rows)
{
  if (sink == NULL || sink->func == NULL || n_rows == 0)
    return;
  sink->func ((const guint8 *) pixels + (gsize) first_row * width * (bit_depth / 8), first_row, n_rows,
              width, height, bit_depth, sink->data);
}

