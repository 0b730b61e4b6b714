/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-region-shape"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sheath-region-shape-private.h"

static inline gboolean
is_border (const guint32 *labels,
           guint          width,
           guint          height,
           guint          x,
           guint          y)
{
  gsize i = (gsize) y * width + x;
  guint32 l = labels[i];

  return l != 0 &&
         (x == 0 || y == 0 || x + 1 == width || y + 1 == height ||
          labels[i - 1] != l || labels[i + 1] != l ||
          labels[i - width] != l || labels[i + width] != l);
}

void
_sheath_label_perimeters (const guint32 *labels,
                          guint          width,
                          guint          height,
                          guint32        n_labels,
                          double        *perimeters)
{
  g_autofree guint8 *border = g_new0 (guint8, (gsize) width * height);
  double weights[50] = { 0 };

  weights[5] = weights[7] = weights[15] = weights[17] = weights[25] = weights[27] = 1.0;
  weights[21] = weights[33] = G_SQRT2;
  weights[13] = weights[23] = (1.0 + G_SQRT2) / 2.0;

  memset (perimeters, 0, (n_labels + 1) * sizeof (double));

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      border[(gsize) y * width + x] = is_border (labels, width, height, x, y);

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        gsize i = (gsize) y * width + x;
        guint32 l = labels[i];
        guint v = 1;

        if (!border[i])
          continue;

        for (gint dy = -1; dy <= 1; dy++)
          for (gint dx = -1; dx <= 1; dx++)
            {
              gint nx = (gint) x + dx, ny = (gint) y + dy;
              gsize j;

              if ((dx == 0 && dy == 0) || nx < 0 || ny < 0 || nx >= (gint) width || ny >= (gint) height)
                continue;
              j = (gsize) ny * width + nx;
              if (border[j] && labels[j] == l)
                v += (dx == 0 || dy == 0) ? 2 : 10;
            }
        if (v < G_N_ELEMENTS (weights))
          perimeters[l] += weights[v];
      }
}

typedef struct
{
  guint32 label;
  guint   y;
  guint   x0;
  guint   x1;   /* inclusive */
} Run;

typedef struct
{
  double x;
  double y;
} Point;

static int
compare_points (const void *a,
                const void *b)
{
  const Point *p = a, *q = b;

  if (p->x != q->x)
    return p->x < q->x ? -1 : 1;
  if (p->y != q->y)
    return p->y < q->y ? -1 : 1;
  return 0;
}

static double
cross (Point o,
       Point a,
       Point b)
{
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/* Andrew's monotone chain; returns the hull's size, written over pts. */
static guint
convex_hull (Point *pts,
             guint  n,
             Point *hull)
{
  guint k = 0;

  qsort (pts, n, sizeof (Point), compare_points);
  for (guint i = 0; i < n; i++)
    {
      while (k >= 2 && cross (hull[k - 2], hull[k - 1], pts[i]) <= 0)
        k--;
      hull[k++] = pts[i];
    }
  for (gint i = (gint) n - 2, t = (gint) k + 1; i >= 0; i--)
    {
      while ((gint) k >= t && cross (hull[k - 2], hull[k - 1], pts[i]) <= 0)
        k--;
      hull[k++] = pts[i];
    }
  return k > 1 ? k - 1 : k;
}

/* Pixel centres (integer coordinates) inside or on a convex polygon. */
static double
count_centres_in_hull (const Point *hull,
                       guint        n)
{
  double ymin = G_MAXDOUBLE, ymax = -G_MAXDOUBLE;
  double count = 0;
  const double eps = 1e-9;

  for (guint i = 0; i < n; i++)
    {
      ymin = MIN (ymin, hull[i].y);
      ymax = MAX (ymax, hull[i].y);
    }

  for (gint y = (gint) ceil (ymin - eps); y <= (gint) floor (ymax + eps); y++)
    {
      double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE;

      for (guint i = 0; i < n; i++)
        {
          Point a = hull[i], b = hull[(i + 1) % n];

          if ((a.y <= y + eps && b.y >= y - eps) || (b.y <= y + eps && a.y >= y - eps))
            {
              if (fabs (b.y - a.y) < eps)
                {
                  lo = MIN (lo, MIN (a.x, b.x));
                  hi = MAX (hi, MAX (a.x, b.x));
                }
              else
                {
                  double x = a.x + (b.x - a.x) * (y - a.y) / (b.y - a.y);
                  lo = MIN (lo, x);
                  hi = MAX (hi, x);
                }
            }
        }
      if (hi >= lo)
        count += MAX (0.0, floor (hi + eps) - ceil (lo - eps) + 1);
    }

  return count;
}

void
_sheath_label_convex_areas (const guint32 *labels,
                            guint          width,
                            guint          height,
                            guint32        n_labels,
                            double        *convex_areas)
{
  g_autofree guint *first = g_new0 (guint, n_labels + 2);
  g_autoptr(GArray) runs = g_array_new (FALSE, FALSE, sizeof (Run));
  g_autofree Run *sorted = NULL;
  g_autofree guint *fill = NULL;
  g_autoptr(GArray) pts = g_array_new (FALSE, FALSE, sizeof (Point));
  g_autoptr(GArray) hull = g_array_new (FALSE, FALSE, sizeof (Point));

  memset (convex_areas, 0, (n_labels + 1) * sizeof (double));

  /* Only the ends of each row's runs can be on a region's hull. */
  for (guint y = 0; y < height; y++)
    {
      const guint32 *row = labels + (gsize) y * width;

      for (guint x = 0; x < width;)
        {
          Run r = { row[x], y, x, x };

          while (r.x1 + 1 < width && row[r.x1 + 1] == r.label)
            r.x1++;
          x = r.x1 + 1;
          if (r.label != 0)
            {
              g_array_append_val (runs, r);
              first[r.label + 1]++;
            }
        }
    }

  /* Bucket the runs by label. */
  for (guint32 l = 1; l <= n_labels + 1; l++)
    first[l] += first[l - 1];
  sorted = g_new (Run, MAX (runs->len, 1));
  fill = g_memdup2 (first, (n_labels + 2) * sizeof (guint));
  for (guint i = 0; i < runs->len; i++)
    {
      Run *r = &g_array_index (runs, Run, i);
      sorted[fill[r->label]++] = *r;
    }

  for (guint32 l = 1; l <= n_labels; l++)
    {
      g_array_set_size (pts, 0);
      for (guint i = first[l]; i < first[l + 1]; i++)
        {
          const Run *r = &sorted[i];
          Point p[6] = {
            { r->x0 - 0.5, r->y }, { r->x1 + 0.5, r->y },
            { r->x0, r->y - 0.5 }, { r->x0, r->y + 0.5 },
            { r->x1, r->y - 0.5 }, { r->x1, r->y + 0.5 },
          };
          g_array_append_vals (pts, p, 6);
        }
      if (pts->len == 0)
        continue;
      g_array_set_size (hull, 2 * pts->len + 1);
      {
        guint n = convex_hull ((Point *) pts->data, pts->len, (Point *) hull->data);
        convex_areas[l] = count_centres_in_hull ((Point *) hull->data, n);
      }
    }
}
