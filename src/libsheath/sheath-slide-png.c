/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-slide"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <glib/gstdio.h>
#include <png.h>
#include <setjmp.h>
#include <string.h>

#include "sheath-error.h"
#include "sheath-image-decoder-private.h"
#include "sheath-image-private.h"
#include "sheath-png-reader-private.h"
#include "sheath-slide-private.h"

/* A PNG has no random access: opening reads its header only (size, depth,
 * colour type, pHYs); regions are decoded row by row from the top, keeping
 * one row, and a libpng decoder stays open between calls so that regions
 * read downwards (as bands are) decode each row once. An interlaced PNG
 * cannot be read so: it is decoded once, whole, as SheathImage does. */

typedef struct
{
  GFile       *file;
  char        *path;
  char        *name;
  gboolean     interlaced;
  SheathImage *image;       /* an interlaced one, whole */
  FILE        *fp;
  png_structp  png;
  png_infop    info;
  guint        next_row;    /* the row libpng gives next */
  guint8      *row;
  char         message[256];
} PngReader;

static void
png_error_cb (png_structp      png,
              png_const_charp  message)
{
  PngReader *r = png_get_error_ptr (png);

  g_strlcpy (r->message, message, sizeof r->message);
  png_longjmp (png, 1);
}

static void
png_warning_cb (png_structp      png,
                png_const_charp  message)
{
}

static void
close_decoder (PngReader *r)
{
  if (r->png != NULL)
    png_destroy_read_struct (&r->png, r->info ? &r->info : NULL, NULL);
  r->png = NULL;
  r->info = NULL;
  g_clear_pointer (&r->fp, fclose);
  g_clear_pointer (&r->row, g_free);
}

static void
png_reader_free (gpointer data)
{
  PngReader *r = data;

  close_decoder (r);
  g_clear_object (&r->file);
  g_clear_object (&r->image);
  g_free (r->path);
  g_free (r->name);
  g_free (r);
}

static gboolean
damaged (PngReader  *r,
         GError    **error)
{
  g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE, _ ("'%s' is a damaged PNG image: %s"), r->name,
               g_str_equal (r->message, "Read Error") ? _ ("the file ends too early (truncated?)") : r->message);
  close_decoder (r);
  return FALSE;
}

/* Starts decoding at the first row. libpng's errors jump back here. */
static gboolean
open_decoder (PngReader  *r,
              guint       width,
              GError    **error)
{
  close_decoder (r);
  if (!(r->fp = g_fopen (r->path, "rb")))
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), _ ("Cannot open '%s': %s"), r->name,
                   g_strerror (errsv));
      return FALSE;
    }
  r->png = png_create_read_struct (PNG_LIBPNG_VER_STRING, r, png_error_cb, png_warning_cb);
  if (r->png != NULL)
    r->info = png_create_info_struct (r->png);
  if (r->png == NULL || r->info == NULL)
    {
      close_decoder (r);
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY, _ ("Not enough memory to read '%s'"), r->name);
      return FALSE;
    }
  if (setjmp (png_jmpbuf (r->png)))
    return damaged (r, error);
  png_set_user_limits (r->png, 0x7fffffff, 0x7fffffff);
  png_init_io (r->png, r->fp);
  png_read_info (r->png, r->info);
  _sheath_png_set_gray_transforms (r->png, r->info);
  png_read_update_info (r->png, r->info);
  r->row = g_malloc (MAX (png_get_rowbytes (r->png, r->info), (gsize) width * 2));
  r->next_row = 0;
  return TRUE;
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
  guint image_width;

  if (r->interlaced)
    {
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

  if ((r->png == NULL || y < r->next_row) && !open_decoder (r, (guint) (x + width), error))
    return FALSE;
  if (setjmp (png_jmpbuf (r->png)))
    return damaged (r, error);
  image_width = png_get_image_width (r->png, r->info);
  bytes = png_get_rowbytes (r->png, r->info) / MAX (image_width, 1u);
  if (bytes != 1 && bytes != 2)
    png_error (r->png, _ ("unexpected row layout after conversion to gray"));
  for (; r->next_row < y + height; r->next_row++)
    {
      png_read_row (r->png, r->row, NULL);
      if (r->next_row >= y)
        memcpy ((guint8 *) pixels + (gsize) (r->next_row - y) * width * bytes, r->row + x * bytes,
                (gsize) width * bytes);
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
  guint8 head[29] = { 0 };
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
  r->path = g_file_get_path (file);
  r->name = g_strdup (name);
  r->interlaced = head[28] != 0;
  opened->funcs = &png_funcs;
  opened->reader = r;
  opened->bit_depth = head[24] == 16 ? 16 : 8;
  opened->sequential = TRUE;
  opened->format = g_strdup_printf ("PNG, %u-bit %s%s", head[24],
                                    head[25] == 3 ? "palette" : (head[25] & 2) ? "RGB" : "gray",
                                    (head[25] & 4) ? " + alpha" : "");
  _sheath_slide_add_level (opened, width, height);
  read_phys (G_INPUT_STREAM (in), opened);
  return TRUE;
}
