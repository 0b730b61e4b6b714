/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-separate"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "sheath-error.h"
#include "sheath-segmentation-private.h"
#include "sheath-separate-private.h"

/* Unmyelinated axons lie in bundles, touching one another; the annotators
 * drew each apart, with a pixel between them, but a network that sees the
 * image at half its resolution draws a bundle as one region. A bundle's
 * axons are the peaks of its distance map (the distance of each pixel to
 * the background): this floods that map from the top, one pixel at a time
 * (a watershed), and keeps two peaks apart when both stand at least the
 * given depth above the saddle where they meet — the h-maxima a
 * morphologist would take as markers — then clears a line between them. */

#define UNSEEN G_MAXUINT32

/* The squared distance transform of one line (Felzenszwalb & Huttenlocher,
 * "Distance transforms of sampled functions", 2012): d[q] = min over p of
 * (q − p)² + f[p]. v and z are scratch of n and n + 1 entries. */
static void
distance_1d (const double *f,
             guint         n,
             double       *d,
             guint        *v,
             double       *z)
{
  guint k = 0;

  v[0] = 0;
  z[0] = -G_MAXDOUBLE;
  z[1] = G_MAXDOUBLE;
  for (guint q = 1; q < n; q++)
    {
      double s;

      /* z[0] is below every intersection, so this stops at k = 0 */
      for (;;)
        {
          guint p = v[k];

          s = ((f[q] + (double) q * q) - (f[p] + (double) p * p)) / (2.0 * q - 2.0 * p);
          if (s > z[k])
            break;
          k--;
        }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = G_MAXDOUBLE;
    }
  k = 0;
  for (guint q = 0; q < n; q++)
    {
      while (z[k + 1] < q)
        k++;
      d[q] = ((double) q - v[k]) * ((double) q - v[k]) + f[v[k]];
    }
}

/* The squared Euclidean distance of each pixel of @label to the nearest
 * other pixel (0 elsewhere); past the image's edge is not background, so
 * that an axon the edge cuts is not split along it. */
static float *
distance_map (SheathSegmentation *segmentation,
              SheathLabel         label,
              GError            **error)
{
  guint w = sheath_segmentation_get_width (segmentation);
  guint h = sheath_segmentation_get_height (segmentation);
  guint n = MAX (w, h);
  double far = (double) w * w + (double) h * h + 1;
  g_autofree double *f = g_new (double, n), *d = g_new (double, n), *z = g_new (double, n + 1);
  g_autofree guint *v = g_new (guint, n);
  float *map = g_try_new (float, (gsize) w * h);

  if (map == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                   _ ("Not enough memory to separate touching axons (%" G_GUINT64_FORMAT " MB)"),
                   ((guint64) w * h * sizeof (float)) >> 20);
      return NULL;
    }
  for (guint y = 0; y < h; y++)
    {
      const guint8 *row = _sheath_segmentation_get_row (segmentation, y);

      for (guint x = 0; x < w; x++)
        map[(gsize) y * w + x] = row[x] == label ? (float) far : 0.f;
    }
  for (guint x = 0; x < w; x++)
    {
      for (guint y = 0; y < h; y++)
        f[y] = map[(gsize) y * w + x];
      distance_1d (f, h, d, v, z);
      for (guint y = 0; y < h; y++)
        map[(gsize) y * w + x] = (float) MIN (d[y], far);
    }
  for (guint y = 0; y < h; y++)
    {
      float *row = map + (gsize) y * w;

      for (guint x = 0; x < w; x++)
        f[x] = row[x];
      distance_1d (f, w, d, v, z);
      for (guint x = 0; x < w; x++)
        row[x] = (float) MIN (d[x], far);
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
                           double               min_depth,
                           GCancellable        *cancellable,
                           GError             **error)
{
  guint w = sheath_segmentation_get_width (segmentation);
  guint h = sheath_segmentation_get_height (segmentation);
  gsize n = (gsize) w * h;
  g_autofree float *distance = NULL;
  g_autofree guint32 *parent = NULL;
  g_autoptr(GArray) order = NULL;
  gint64 objects = 0;

  if ((guint64) w * h >= UNSEEN)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_IMAGE_TOO_LARGE,
                   _ ("The image is too large to separate touching axons in (%u × %u)"), w, h);
      return -1;
    }
  if (!(distance = distance_map (segmentation, label, error)))
    return -1;
  if (!(parent = g_try_new (guint32, n)))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                   _ ("Not enough memory to separate touching axons (%" G_GUINT64_FORMAT " MB)"),
                   ((guint64) n * sizeof (guint32)) >> 20);
      return -1;
    }
  memset (parent, 0xff, n * sizeof (guint32));

  /* the label's pixels from the highest distance down, ties in raster
   * order: a positive float's bits sort as the float does */
  order = g_array_new (FALSE, FALSE, sizeof (guint64));
  for (gsize i = 0; i < n; i++)
    if (distance[i] > 0)
      {
        guint32 bits;
        guint64 key;

        memcpy (&bits, &distance[i], sizeof bits);
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
      float level = sqrtf (distance[p]);
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
            if (highest == UNSEEN || distance[r] > distance[highest] ||
                (distance[r] == distance[highest] && r < highest))
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
        if (roots[j] != highest && sqrtf (distance[roots[j]]) - level < min_depth)
          parent[roots[j]] = highest;
      parent[p] = highest;

      if ((k & 0xfffff) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return -1;
    }

  /* settle every pixel's basin, then clear the pixels that touch a basin
   * of a lower number: what is left of two basins never touches */
  for (gsize i = 0; i < n; i++)
    if (parent[i] != UNSEEN)
      {
        parent[i] = find_root (parent, (guint32) i);
        objects += parent[i] == i;
      }
  for (guint y = 0; y < h; y++)
    {
      guint8 *row = _sheath_segmentation_get_row (segmentation, y);

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
          if (border)
            row[x] = SHEATH_LABEL_BACKGROUND;
        }
    }
  return objects;
}
