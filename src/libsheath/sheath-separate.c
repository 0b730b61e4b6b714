/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-separate"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "sheath-distance-private.h"
#include "sheath-error.h"
#include "sheath-labeling-private.h"
#include "sheath-segmentation-private.h"
#include "sheath-separate-private.h"

/* Unmyelinated axons lie in bundles, touching one another; the annotators
 * drew each apart, along the dark membranes between them, but a network
 * that sees the image at half its resolution draws a bundle as one
 * region. Within such a region each axon is a bright plateau of the
 * smoothed image, raised where it lies far from the region's edge (two
 * axons meet at a neck, one axon's darker organelles lie inside it): this
 * floods the region from its highest pixels down,
 * one pixel at a time (a watershed), and keeps two plateaus apart when
 * both stand at least the given depth above the saddle where they meet —
 * the h-maxima a morphologist would take as markers — then clears a line
 * between them and drops the fragments too small to be axons. */

#define UNSEEN G_MAXUINT32

/* The image smoothed by a Gaussian of @sigma pixels (separable, edges
 * extended), on 0–255 from the image's own range, plus @distance_weight
 * grey levels per pixel of distance from the region's edge, where @label
 * is; -1 elsewhere. */
static float *
elevation_map (SheathSegmentation  *segmentation,
               SheathLabel          label,
               SheathImage         *image,
               double               sigma,
               double               distance_weight,
               GError             **error)
{
  guint w = sheath_segmentation_get_width (segmentation);
  guint h = sheath_segmentation_get_height (segmentation);
  int radius = (int) ceil (3 * sigma);
  g_autofree float *kernel = g_new (float, 2 * radius + 1);
  g_autofree float *line = g_new (float, MAX (w, h));
  float *map = g_try_new (float, (gsize) w * h);
  guint lo, hi;
  double sum = 0;

  if (map == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                   _ ("Not enough memory to separate touching axons (%" G_GUINT64_FORMAT " MB)"),
                   ((guint64) w * h * sizeof (float)) >> 20);
      return NULL;
    }
  for (int k = -radius; k <= radius; k++)
    sum += kernel[k + radius] = sigma > 0 ? (float) exp (-0.5 * k * k / (sigma * sigma)) : 1.f;
  for (int k = 0; k <= 2 * radius; k++)
    kernel[k] /= (float) sum;

  sheath_image_get_range (image, &lo, &hi);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      map[(gsize) y * w + x] = hi > lo ? 255.f * (sheath_image_get_value (image, x, y) - lo) / (hi - lo) : 0.f;
  for (guint y = 0; y < h; y++)
    {
      float *row = map + (gsize) y * w;

      memcpy (line, row, w * sizeof (float));
      for (guint x = 0; x < w; x++)
        {
          float v = 0;

          for (int k = -radius; k <= radius; k++)
            v += kernel[k + radius] * line[CLAMP ((gint64) x + k, 0, (gint64) w - 1)];
          row[x] = v;
        }
    }
  for (guint x = 0; x < w; x++)
    {
      for (guint y = 0; y < h; y++)
        line[y] = map[(gsize) y * w + x];
      for (guint y = 0; y < h; y++)
        {
          float v = 0;

          for (int k = -radius; k <= radius; k++)
            v += kernel[k + radius] * line[CLAMP ((gint64) y + k, 0, (gint64) h - 1)];
          map[(gsize) y * w + x] = v;
        }
    }
  if (distance_weight > 0)
    {
      g_autofree guint8 *mask = g_try_malloc ((gsize) w * h);
      g_autofree float *distance = g_try_new (float, (gsize) w * h);

      if (mask == NULL || distance == NULL)
        {
          g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                       _ ("Not enough memory to separate touching axons (%" G_GUINT64_FORMAT " MB)"),
                       ((guint64) w * h * (1 + sizeof (float))) >> 20);
          g_free (map);
          return NULL;
        }
      for (guint y = 0; y < h; y++)
        {
          const guint8 *row = _sheath_segmentation_get_row (segmentation, y);

          for (guint x = 0; x < w; x++)
            mask[(gsize) y * w + x] = row[x] == label;
        }
      _sheath_distance_transform (mask, w, h, distance);
      for (gsize i = 0; i < (gsize) w * h; i++)
        map[i] += (float) distance_weight * distance[i];
    }
  for (guint y = 0; y < h; y++)
    {
      const guint8 *row = _sheath_segmentation_get_row (segmentation, y);

      for (guint x = 0; x < w; x++)
        if (row[x] != label)
          map[(gsize) y * w + x] = -1.f;
    }
  return map;
}

static int
compare_u64 (gconstpointer a,
             gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

static guint32
find_root (guint32 *parent,
           guint32  i)
{
  while (parent[i] != i)
    {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
  return i;
}

gint64
_sheath_separate_touching (SheathSegmentation  *segmentation,
                           SheathLabel          label,
                           SheathImage         *image,
                           double               sigma,
                           double               distance_weight,
                           double               min_depth,
                           double               min_area,
                           GCancellable        *cancellable,
                           GError             **error)
{
  guint w = sheath_segmentation_get_width (segmentation);
  guint h = sheath_segmentation_get_height (segmentation);
  gsize n = (gsize) w * h;
  g_autofree float *elevation = NULL;
  g_autofree guint32 *parent = NULL;
  g_autofree guint8 *mask = NULL;
  g_autoptr(GArray) order = NULL;
  g_autofree guint64 *area = NULL;
  guint32 n_regions;
  gint64 objects = 0;

  if ((guint64) w * h >= UNSEEN)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_IMAGE_TOO_LARGE,
                   _ ("The image is too large to separate touching axons in (%u × %u)"), w, h);
      return -1;
    }
  if (sheath_image_get_width (image) != w || sheath_image_get_height (image) != h)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("The image is %u × %u but its segmentation %u × %u"),
                   sheath_image_get_width (image), sheath_image_get_height (image), w, h);
      return -1;
    }
  if (!(elevation = elevation_map (segmentation, label, image, sigma, distance_weight, error)))
    return -1;
  if (!(parent = g_try_new (guint32, n)))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                   _ ("Not enough memory to separate touching axons (%" G_GUINT64_FORMAT " MB)"),
                   ((guint64) n * sizeof (guint32)) >> 20);
      return -1;
    }
  memset (parent, 0xff, n * sizeof (guint32));

  /* the label's pixels from the brightest down, ties in raster order: a
   * non-negative float's bits sort as the float does */
  order = g_array_new (FALSE, FALSE, sizeof (guint64));
  for (gsize i = 0; i < n; i++)
    if (elevation[i] >= 0)
      {
        guint32 bits;
        guint64 key;

        memcpy (&bits, &elevation[i], sizeof bits);
        key = ((guint64) ~bits << 32) | i;
        g_array_append_val (order, key);
      }
  g_array_sort (order, compare_u64);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;

  for (guint k = 0; k < order->len; k++)
    {
      guint32 p = (guint32) g_array_index (order, guint64, k);
      guint px = p % w, py = p / w;
      float level = elevation[p];
      guint32 roots[8], highest = UNSEEN;
      guint n_roots = 0;

      for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++)
          {
            gint64 qx = (gint64) px + dx, qy = (gint64) py + dy;
            guint32 q, r;
            gboolean seen = FALSE;

            if ((dx == 0 && dy == 0) || qx < 0 || qy < 0 || qx >= w || qy >= h)
              continue;
            q = (guint32) (qy * w + qx);
            if (parent[q] == UNSEEN)
              continue;
            r = find_root (parent, q);
            for (guint j = 0; j < n_roots; j++)
              seen |= roots[j] == r;
            if (seen)
              continue;
            roots[n_roots++] = r;
            /* a root is its basin's first pixel, so its peak */
            if (highest == UNSEEN || elevation[r] > elevation[highest] ||
                (elevation[r] == elevation[highest] && r < highest))
              highest = r;
          }

      if (n_roots == 0)
        {
          parent[p] = p;
          continue;
        }
      /* a peak that does not stand min_depth above this saddle is a
       * shoulder of the highest one */
      for (guint j = 0; j < n_roots; j++)
        if (roots[j] != highest && elevation[roots[j]] - level < min_depth)
          parent[roots[j]] = highest;
      parent[p] = highest;

      if ((k & 0xfffff) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return -1;
    }

  /* settle every pixel's basin, then clear the pixels that touch a basin
   * of a lower number: what is left of two basins never touches */
  for (gsize i = 0; i < n; i++)
    if (parent[i] != UNSEEN)
      parent[i] = find_root (parent, (guint32) i);
  mask = g_malloc0 (n);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        guint32 basin = parent[(gsize) y * w + x];
        gboolean border = FALSE;

        if (basin == UNSEEN)
          continue;
        for (int dy = -1; dy <= 1 && !border; dy++)
          for (int dx = -1; dx <= 1 && !border; dx++)
            {
              gint64 qx = (gint64) x + dx, qy = (gint64) y + dy;
              guint32 other;

              if (qx < 0 || qy < 0 || qx >= w || qy >= h)
                continue;
              other = parent[qy * w + qx];
              border = other != UNSEEN && other < basin;
            }
        mask[(gsize) y * w + x] = !border;
      }

  /* what is left, as regions; those smaller than an axon go */
  g_clear_pointer (&order, g_array_unref);
  n_regions = _sheath_label_components_8 (mask, w, h, parent);
  area = g_new0 (guint64, (gsize) n_regions + 1);
  for (gsize i = 0; i < n; i++)
    area[parent[i]]++;
  for (guint32 r = 1; r <= n_regions; r++)
    objects += area[r] >= min_area;
  for (guint y = 0; y < h; y++)
    {
      guint8 *row = _sheath_segmentation_get_row (segmentation, y);

      for (guint x = 0; x < w; x++)
        {
          guint32 r = parent[(gsize) y * w + x];

          if (row[x] == label && (r == 0 || area[r] < min_area))
            row[x] = SHEATH_LABEL_BACKGROUND;
        }
    }
  return objects;
}
