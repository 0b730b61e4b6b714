/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-segmenter"

#include "config.h"

#include <string.h>

#include "sheath-image-private.h"
#include "sheath-row-source-private.h"

/* rows read from a slide at a time */
#define CHUNK_ROWS 256

struct _SheathRowSource
{
  SheathImage *image;
  SheathSlide *slide;
  guint        width, height, bit_depth;
  /* a slide's rows [lo, hi), at most back + CHUNK_ROWS of them */
  guint        back;
  guint8      *rows;
  guint        lo, hi;
};

SheathRowSource *
_sheath_row_source_new_for_image (SheathImage *image)
{
  SheathRowSource *self = g_new0 (SheathRowSource, 1);

  self->image = g_object_ref (image);
  self->width = sheath_image_get_width (image);
  self->height = sheath_image_get_height (image);
  self->bit_depth = sheath_image_get_bit_depth (image);
  return self;
}

SheathRowSource *
_sheath_row_source_new_for_slide (SheathSlide *slide,
                                  guint        back)
{
  SheathRowSource *self = g_new0 (SheathRowSource, 1);

  self->slide = g_object_ref (slide);
  self->width = (guint) sheath_slide_get_level_width (slide, 0);
  self->height = (guint) sheath_slide_get_level_height (slide, 0);
  self->bit_depth = sheath_slide_get_bit_depth (slide);
  self->back = back;
  return self;
}

guint
_sheath_row_source_get_width (SheathRowSource *self)
{
  return self->width;
}

guint
_sheath_row_source_get_height (SheathRowSource *self)
{
  return self->height;
}

guint
_sheath_row_source_get_bit_depth (SheathRowSource *self)
{
  return self->bit_depth;
}

/* Makes row @y one of the band's, reading downwards. */
static gboolean
load_rows (SheathRowSource  *self,
           guint             y,
           GError          **error)
{
  gsize row_bytes = (gsize) self->width * (self->bit_depth / 8);
  guint lo, hi, kept_lo, read_lo;
  g_autoptr(GBytes) bytes = NULL;

  if (self->rows == NULL)
    self->rows = g_malloc (row_bytes * (self->back + CHUNK_ROWS));

  if (y < self->lo || self->hi == 0)
    {
      /* upwards past what is kept: read afresh (rare, and slow for a PNG) */
      g_debug ("Reading rows from %u again", y);
      lo = y;
      kept_lo = read_lo = y;
    }
  else
    {
      lo = MAX (self->lo, y > self->back ? y - self->back : 0);
      kept_lo = MIN (lo, self->hi);
      read_lo = MAX (self->hi, lo);
      if (kept_lo < self->hi)
        memmove (self->rows, self->rows + (kept_lo - self->lo) * row_bytes, (self->hi - kept_lo) * row_bytes);
    }
  hi = MIN (self->height, y + CHUNK_ROWS);
  if (!(bytes = sheath_slide_read_region (self->slide, 0, 0, read_lo, self->width, hi - read_lo, error)))
    {
      self->lo = self->hi = 0;
      return FALSE;
    }
  memcpy (self->rows + (read_lo - lo) * row_bytes, g_bytes_get_data (bytes, NULL), (hi - read_lo) * row_bytes);
  self->lo = lo;
  self->hi = hi;
  return TRUE;
}

/* Row @y as the source stores it, from the image or the band. */
static const guint8 *
row_pointer (SheathRowSource  *self,
             guint             y,
             GError          **error)
{
  if (self->image != NULL)
    return self->bit_depth == 8 ? _sheath_image_get_row8 (self->image, y)
                                : (const guint8 *) _sheath_image_get_row16 (self->image, y);
  if ((y < self->lo || y >= self->hi) && !load_rows (self, y, error))
    return NULL;
  return self->rows + (y - self->lo) * ((gsize) self->width * (self->bit_depth / 8));
}

gboolean
_sheath_row_source_read_rows (SheathRowSource  *self,
                              guint             y,
                              guint             n_rows,
                              guint8           *out,
                              GError          **error)
{
  gsize row_bytes = (gsize) self->width * (self->bit_depth / 8);

  g_return_val_if_fail (y + n_rows <= self->height, FALSE);

  for (guint r = y; r < y + n_rows; r++)
    {
      const guint8 *row = row_pointer (self, r, error);

      if (row == NULL)
        return FALSE;
      memcpy (out + (gsize) (r - y) * row_bytes, row, row_bytes);
    }
  return TRUE;
}

gboolean
_sheath_row_source_read (SheathRowSource  *self,
                         guint             y,
                         float            *out,
                         GError          **error)
{
  const guint8 *row;

  g_return_val_if_fail (y < self->height, FALSE);

  if ((row = row_pointer (self, y, error)) == NULL)
    return FALSE;
  if (self->bit_depth == 8)
    for (guint x = 0; x < self->width; x++)
      out[x] = row[x];
  else
    for (guint x = 0; x < self->width; x++)
      out[x] = ((const guint16 *) row)[x];
  return TRUE;
}

void
_sheath_row_source_free (SheathRowSource *self)
{
  g_clear_object (&self->image);
  g_clear_object (&self->slide);
  g_free (self->rows);
  g_free (self);
}
