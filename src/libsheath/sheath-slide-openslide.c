/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-slide"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>

#include "sheath-error.h"
#include "sheath-image-decoder-private.h"
#include "sheath-slide-private.h"

/* Slide-scanner files through OpenSlide, which knows their vendors'
 * layouts (NDPI's JPEG restart markers, MRXS's many files, SVS's pyramids).
 * A plain TIFF it calls "generic-tiff" is left to Sheath's own reader, which
 * keeps 16-bit samples where OpenSlide gives 8-bit RGBA. */

#ifdef HAVE_OPENSLIDE

#include <openslide.h>
#include <stdio.h>

typedef struct
{
  openslide_t *osr;
  char        *name;
} OpenslideReader;

static void
openslide_reader_free (gpointer data)
{
  OpenslideReader *r = data;

  g_clear_pointer (&r->osr, openslide_close);
  g_free (r->name);
  g_free (r);
}

/* OpenSlide gives premultiplied ARGB; transparent pixels (outside the
 * scanned area) read as white, the slide's glass. */
static guint8
argb_to_gray (guint32 p)
{
  guint a = p >> 24;
  double r, g, b;

  if (a == 0)
    return 255;
  r = ((p >> 16) & 0xff) * 255.0 / a;
  g = ((p >> 8) & 0xff) * 255.0 / a;
  b = (p & 0xff) * 255.0 / a;
  return (guint8) CLAMP (lround (0.2126 * r + 0.7152 * g + 0.0722 * b), 0, 255);
}

static gboolean
openslide_read (gpointer  reader,
                guint     level,
                guint64   x,
                guint64   y,
                guint     width,
                guint     height,
                gpointer  pixels,
                GError  **error)
{
  OpenslideReader *r = reader;
  double downsample = openslide_get_level_downsample (r->osr, (int32_t) level);
  g_autofree guint32 *argb = g_try_new (guint32, (gsize) width * height);
  const char *message;

  if (argb == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                   _ ("Not enough memory to read a region of %u × %u pixels"), width, height);
      return FALSE;
    }
  /* OpenSlide takes the region's corner in level-0 pixels */
  openslide_read_region (r->osr, argb, (int64_t) llround (x * downsample), (int64_t) llround (y * downsample),
                         (int32_t) level, width, height);
  if ((message = openslide_get_error (r->osr)) != NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE,
                   _ ("'%s' could not be read: %s"), r->name, message);
      return FALSE;
    }
  for (gsize i = 0; i < (gsize) width * height; i++)
    ((guint8 *) pixels)[i] = argb_to_gray (argb[i]);
  return TRUE;
}

static const SheathSlideReaderFuncs openslide_funcs = { openslide_read, openslide_reader_free };

static guint64
read_uint (const guint8 *p,
           guint         bytes,
           gboolean      big_endian)
{
  guint64 v = 0;

  for (guint i = 0; i < bytes; i++)
    v |= (guint64) p[big_endian ? i : bytes - 1 - i] << (8 * (bytes - 1 - i));
  return v;
}

static gboolean
read_at (FILE    *f,
         guint64  offset,
         guint8  *buf,
         gsize    n)
{
  return offset <= G_MAXINT64 && fseeko (f, (off_t) offset, SEEK_SET) == 0 && fread (buf, 1, n, f) == n;
}

/* Whether every tag of every directory of a TIFF keeps its values inside
 * the file. OpenSlide's vendor detection allocates what a tag's count says
 * before it reads the values, so a damaged count (four gigabytes of one
 * short) is refused here; such a file goes to libtiff, which says what is
 * wrong with it. A file that is not a TIFF passes. */
static gboolean
tiff_tags_fit (const char *path)
{
  static const guint8 type_size[19] = { 0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4, 0, 0, 8, 8, 8 };
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  FILE *f = fopen (path, "rb");
  guint8 head[16];
  gboolean be, big, ok = TRUE;
  guint64 file_size, offset;
  guint entry_size, count_size, inline_size;

  if (f == NULL)
    return TRUE;   /* whoever opens it next says why not */
  if (fread (head, 1, 16, f) < 8 || !((head[0] == 'I' && head[1] == 'I') || (head[0] == 'M' && head[1] == 'M')))
    {
      fclose (f);
      return TRUE;
    }
  be = head[0] == 'M';
  big = read_uint (head + 2, 2, be) == 43;
  if (!big && read_uint (head + 2, 2, be) != 42)
    {
      fclose (f);
      return TRUE;
    }
  fseeko (f, 0, SEEK_END);
  file_size = (guint64) ftello (f);
  entry_size = big ? 20 : 12;
  count_size = big ? 8 : 2;
  inline_size = big ? 8 : 4;
  offset = big ? read_uint (head + 8, 8, be) : read_uint (head + 4, 4, be);

  for (guint n_dirs = 0; ok && offset != 0 && n_dirs < 65536; n_dirs++)
    {
      guint8 buf[20];
      guint64 n_entries;

      if (!g_hash_table_add (seen, g_memdup2 (&offset, sizeof offset)) ||
          !read_at (f, offset, buf, count_size))
        break;   /* a loop or a cut file: libtiff's to judge */
      n_entries = read_uint (buf, count_size, be);
      if (n_entries > (file_size - offset) / entry_size)
        {
          ok = FALSE;
          break;
        }
      for (guint64 e = 0; ok && e < n_entries; e++)
        {
          guint type, tsize;
          guint64 values, bytes;

          if (!read_at (f, offset + count_size + e * entry_size, buf, entry_size))
            {
              ok = FALSE;
              break;
            }
          type = (guint) read_uint (buf + 2, 2, be);
          values = read_uint (buf + 4, big ? 8 : 4, be);
          tsize = type < G_N_ELEMENTS (type_size) && type_size[type] ? type_size[type] : 1;
          if (values > file_size / tsize)
            ok = FALSE;
          else if ((bytes = values * tsize) > inline_size)
            {
              guint64 at = read_uint (buf + (big ? 12 : 8), inline_size, be);

              ok = at <= file_size && bytes <= file_size - at;
            }
        }
      if (ok && read_at (f, offset + count_size + n_entries * entry_size, buf, inline_size))
        offset = read_uint (buf, inline_size, be);
      else
        break;
    }
  fclose (f);
  return ok;
}

gboolean
_sheath_slide_open_openslide (const char         *path,
                              const char         *name,
                              SheathSlideOpened  *opened,
                              GError            **error)
{
  const char *vendor = tiff_tags_fit (path) ? openslide_detect_vendor (path) : NULL;
  const char *message, *mpp;
  OpenslideReader *r;
  int32_t n_levels;

  if (vendor == NULL || g_str_equal (vendor, "generic-tiff"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "not a slide OpenSlide reads");
      return FALSE;
    }
  r = g_new0 (OpenslideReader, 1);
  r->name = g_strdup (name);
  opened->funcs = &openslide_funcs;
  opened->reader = r;
  if (!(r->osr = openslide_open (path)))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE,
                   _ ("'%s' looks like a %s slide but OpenSlide cannot open it"), name, vendor);
      return FALSE;
    }
  if ((message = openslide_get_error (r->osr)) != NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE,
                   _ ("'%s' is a damaged %s slide: %s"), name, vendor, message);
      return FALSE;
    }

  n_levels = openslide_get_level_count (r->osr);
  for (int32_t level = 0; level < n_levels; level++)
    {
      int64_t w = 0, h = 0;

      openslide_get_level_dimensions (r->osr, level, &w, &h);
      if (!_sheath_image_check_size (name, (guint64) MAX (w, 0), (guint64) MAX (h, 0), error))
        return FALSE;
      _sheath_slide_add_level (opened, (guint64) w, (guint64) h);
      /* OpenSlide's own downsample, which rounding of odd sides may move */
      g_array_index (opened->levels, SheathSlideLevel, level).downsample =
        openslide_get_level_downsample (r->osr, level);
    }
  if (n_levels <= 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE, _ ("'%s' has no levels"), name);
      return FALSE;
    }

  opened->bit_depth = 8;
  opened->format = g_strdup_printf ("%s slide (OpenSlide)", vendor);
  mpp = openslide_get_property_value (r->osr, OPENSLIDE_PROPERTY_NAME_MPP_X);
  if (mpp != NULL && g_ascii_strtod (mpp, NULL) > 0)
    {
      opened->pixel_size = g_ascii_strtod (mpp, NULL);
      opened->pixel_size_source = SHEATH_PIXEL_SIZE_SOURCE_OPENSLIDE;
    }
  return TRUE;
}

#else

gboolean
_sheath_slide_open_openslide (const char         *path,
                              const char         *name,
                              SheathSlideOpened  *opened,
                              GError            **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "Sheath was built without OpenSlide");
  return FALSE;
}

#endif
