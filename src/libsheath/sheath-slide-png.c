/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-slide"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "sheath-error.h"
#include "sheath-image-decoder-private.h"
#include "sheath-image-private.h"
#include "sheath-slide-private.h"

/* A PNG has no random access: opening reads its header only (size, depth,
 * colour type), and the first region decodes the image once, as
 * SheathImage does, to serve every region after it. */

typedef struct
{
  GFile       *file;
  SheathImage *image;
} PngReader;

static void
png_reader_free (gpointer data)
{
  PngReader *r = data;

  g_clear_object (&r->file);
  g_clear_object (&r->image);
  g_free (r);
}

static gboolean
png_read_region (gpointer  reader,
                 guint     level,
                 guint64   x,
                 guint64   y,
                 guint     width,
                 guint     height,
                 gpointer  pixels,
                 GError  **error)
{
  PngReader *r = reader;
  guint bytes;

  if (r->image == NULL && !(r->image = sheath_image_new_from_file (r->file, error)))
    return FALSE;
  bytes = sheath_image_get_bit_depth (r->image) / 8;
  for (guint row = 0; row < height; row++)
    {
      const guint8 *src = bytes == 1 ? (const guint8 *) _sheath_image_get_row8 (r->image, (guint) y + row)
                                     : (const guint8 *) _sheath_image_get_row16 (r->image, (guint) y + row);

      memcpy ((guint8 *) pixels + (gsize) row * width * bytes, src + x * bytes, (gsize) width * bytes);
    }
  return TRUE;
}

static const SheathSlideReaderFuncs png_funcs = { png_read_region, png_reader_free };

static guint32
be32 (const guint8 *b)
{
  return (guint32) b[0] << 24 | (guint32) b[1] << 16 | (guint32) b[2] << 8 | b[3];
}

/* The pHYs chunk, which comes before the image data when there is one. */
static void
read_phys (GInputStream      *in,
           SheathSlideOpened *opened)
{
  guint8 chunk[8], phys[9];
  gsize n;

  /* after the signature and IHDR (8 + 25 bytes) */
  if (!g_seekable_seek (G_SEEKABLE (in), 33, G_SEEK_SET, NULL, NULL))
    return;
  while (g_input_stream_read_all (in, chunk, sizeof chunk, &n, NULL, NULL) && n == sizeof chunk)
    {
      guint32 length = be32 (chunk);

      if (memcmp (chunk + 4, "IDAT", 4) == 0 || memcmp (chunk + 4, "IEND", 4) == 0)
        return;
      if (memcmp (chunk + 4, "pHYs", 4) == 0 && length == sizeof phys)
        {
          if (g_input_stream_read_all (in, phys, sizeof phys, &n, NULL, NULL) && n == sizeof phys &&
              phys[8] == 1)   /* pixels per metre */
            {
              opened->pixel_size = _sheath_pixel_size_from_resolution (be32 (phys), 1e6,
                                                                       &opened->ignored_resolution);
              opened->pixel_size_source = opened->pixel_size > 0 ? SHEATH_PIXEL_SIZE_SOURCE_PNG_PHYS
                                                                 : SHEATH_PIXEL_SIZE_SOURCE_NONE;
            }
          return;
        }
      if (!g_seekable_seek (G_SEEKABLE (in), (goffset) length + 4, G_SEEK_CUR, NULL, NULL))
        return;
    }
}

gboolean
_sheath_slide_open_png (GFile              *file,
                        const char         *name,
                        SheathSlideOpened  *opened,
                        GError            **error)
{
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, error);
  guint8 head[26] = { 0 };
  gsize n = 0;
  guint32 width, height;
  PngReader *r;

  if (in == NULL || !g_input_stream_read_all (G_INPUT_STREAM (in), head, sizeof head, &n, NULL, error))
    return FALSE;
  if (n < sizeof head || memcmp (head + 12, "IHDR", 4) != 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE,
                   _ ("'%s' is a damaged PNG image: it has no header"), name);
      return FALSE;
    }
  width = be32 (head + 16);
  height = be32 (head + 20);
  if (!_sheath_image_check_size (name, width, height, error))
    return FALSE;

  r = g_new0 (PngReader, 1);
  r->file = g_object_ref (file);
  opened->funcs = &png_funcs;
  opened->reader = r;
  opened->bit_depth = head[24] == 16 ? 16 : 8;
  opened->format = g_strdup_printf ("PNG, %u-bit %s%s", head[24],
                                    head[25] == 3 ? "palette" : (head[25] & 2) ? "RGB" : "gray",
                                    (head[25] & 4) ? " + alpha" : "");
  _sheath_slide_add_level (opened, width, height);
  read_phys (G_INPUT_STREAM (in), opened);
  return TRUE;
}
