/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-distance"

#include "config.h"

#include <math.h>

#include "sheath-distance-private.h"

/* Stands for "no background on this line": far above any squared distance
 * yet finite, so that the parabolas' intersections stay numbers. */
#define FAR 1e30f

/* The squared distance transform of the sampled function @f (@n values,
 * @stride apart), in place: f(q) = min over p of (q − p)² + f(p). @line,
 * @v and @z are scratch of n, n and n + 1 entries. */
static void
transform_line (float  *f,
                gsize   stride,
                guint   n,
                double *line,
                guint  *v,
                double *z)
{
  guint k = 0;

  for (guint q = 0; q < n; q++)
    line[q] = f[q * stride];
  v[0] = 0;
  z[0] = -HUGE_VAL;
  z[1] = HUGE_VAL;
  for (guint q = 1; q < n; q++)
    {
      double s;

      /* drop the parabolas the one from q lies below from their start on */
      for (;;)
        {
          guint p = v[k];

          s = ((line[q] + (double) q * q) - (line[p] + (double) p * p)) / (2.0 * q - 2.0 * p);
          if (s > z[k])
            break;
          k--;
        }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = HUGE_VAL;
    }
  k = 0;
  for (guint q = 0; q < n; q++)
    {
      double d;

      while (z[k + 1] < q)
        k++;
      d = (double) q - v[k];
      f[q * stride] = (float) (d * d + line[v[k]]);
    }
}

void
_sheath_distance_transform (const guint8 *mask,
                            guint         width,
                            guint         height,
                            float        *distance)
{
  gsize n = (gsize) width * height;
  guint longest = MAX (width, height);
  g_autofree double *line = g_new (double, longest);
  g_autofree guint *v = g_new (guint, longest);
  g_autofree double *z = g_new (double, longest + 1);

  if (n == 0)
    return;
  for (gsize i = 0; i < n; i++)
    distance[i] = mask[i] ? FAR : 0.f;
  for (guint x = 0; x < width; x++)
    transform_line (distance + x, width, height, line, v, z);
  for (guint y = 0; y < height; y++)
    transform_line (distance + (gsize) y * width, 1, width, line, v, z);
  for (gsize i = 0; i < n; i++)
    distance[i] = distance[i] >= FAR / 2 ? 0.f : sqrtf (distance[i]);
}
