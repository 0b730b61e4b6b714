/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-labeling"

#include "config.h"

#include <string.h>

#include "sheath-labeling-private.h"

static guint32
find_root (guint32 *parent,
           guint32  x)
{
  while (parent[x] != x)
    {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
  return x;
}

static void
unite (guint32 *parent,
       guint32  a,
       guint32  b)
{
  a = find_root (parent, a);
  b = find_root (parent, b);
  if (a < b)
    parent[b] = a;
  else if (b < a)
    parent[a] = b;
}

static guint32
label_components (const guint8 *mask,
                  guint         width,
                  guint         height,
                  gboolean      diagonal,
                  guint32      *labels)
{
  g_autoptr(GArray) parent_array = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autofree guint32 *final = NULL;
  guint32 *parent;
  guint32 next = 1, n = 0;
  guint32 zero = 0;

  g_array_append_val (parent_array, zero);

  /* First pass: provisional labels from the already-seen neighbours (W, N,
   * and NW, NE when diagonal), with equivalences in a union-find. */
  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        gsize i = (gsize) y * width + x;
        guint32 l = 0;
        guint32 nb[4];
        guint nn = 0;

        if (!mask[i])
          {
            labels[i] = 0;
            continue;
          }

        if (x > 0 && labels[i - 1]) nb[nn++] = labels[i - 1];
        if (y > 0)
          {
            gsize up = i - width;
            if (diagonal && x > 0 && labels[up - 1]) nb[nn++] = labels[up - 1];
            if (labels[up]) nb[nn++] = labels[up];
            if (diagonal && x + 1 < width && labels[up + 1]) nb[nn++] = labels[up + 1];
          }

        if (nn == 0)
          {
            l = next++;
            g_array_append_val (parent_array, l);
          }
        else
          {
            parent = (guint32 *) parent_array->data;
            l = nb[0];
            for (guint k = 1; k < nn; k++)
              {
                unite (parent, l, nb[k]);
                l = MIN (l, nb[k]);
              }
          }
        labels[i] = l;
      }

  /* Second pass: roots numbered in order of first appearance. */
  parent = (guint32 *) parent_array->data;
  final = g_new0 (guint32, next);
  for (gsize i = 0; i < (gsize) width * height; i++)
    if (labels[i])
      {
        guint32 r = find_root (parent, labels[i]);

        if (final[r] == 0)
          final[r] = ++n;
        labels[i] = final[r];
      }

  return n;
}

guint32
_sheath_label_components_8 (const guint8 *mask,
                            guint         width,
                            guint         height,
                            guint32      *labels)
{
  return label_components (mask, width, height, TRUE, labels);
}

guint32
_sheath_label_components_4 (const guint8 *mask,
                            guint         width,
                            guint         height,
                            guint32      *labels)
{
  return label_components (mask, width, height, FALSE, labels);
}

/* Pixel indices fit in 32 bits: images have at most 2^32 pixels. */
typedef guint32 PixelIndex;

static guint
neighbours_4 (PixelIndex  i,
              guint       width,
              guint       height,
              PixelIndex *nb)
{
  guint x = i % width, y = i / width;
  guint nn = 0;

  if (y > 0) nb[nn++] = i - width;
  if (x > 0) nb[nn++] = i - 1;
  if (x + 1 < width) nb[nn++] = i + 1;
  if (y + 1 < height) nb[nn++] = i + width;
  return nn;
}

guint
_sheath_fill_label_holes (guint32 *labels,
                          guint    width,
                          guint    height)
{
  return _sheath_fill_label_holes_noting (labels, width, height, NULL);
}

guint
_sheath_fill_label_holes_noting (guint32 *labels,
                                 guint    width,
                                 guint    height,
                                 GArray  *first_rows)
{
  gsize n = (gsize) width * height;
  g_autofree guint8 *seen = g_new0 (guint8, n);
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (PixelIndex));
  guint filled = 0;

  for (gsize start = 0; start < n; start++)
    {
      PixelIndex first = (PixelIndex) start;
      gboolean touches_border = FALSE;
      guint32 enclosing = 0;
      gboolean single = TRUE;

      if (labels[start] || seen[start])
        continue;

      /* Flood this 4-connected unlabelled region, noting the labels around it. */
      g_array_set_size (stack, 0);
      g_array_append_val (stack, first);
      seen[start] = 1;
      while (stack->len > 0)
        {
          PixelIndex i = g_array_index (stack, PixelIndex, stack->len - 1);
          guint x = i % width, y = i / width;
          PixelIndex nb[4];
          guint nn = neighbours_4 (i, width, height, nb);

          g_array_set_size (stack, stack->len - 1);
          if (x == 0 || y == 0 || x + 1 == width || y + 1 == height)
            touches_border = TRUE;

          for (guint k = 0; k < nn; k++)
            {
              guint32 l = labels[nb[k]];

              if (l)
                {
                  if (enclosing == 0)
                    enclosing = l;
                  else if (enclosing != l)
                    single = FALSE;
                }
              else if (!seen[nb[k]])
                {
                  seen[nb[k]] = 1;
                  g_array_append_val (stack, nb[k]);
                }
            }
        }

      if (touches_border || !single || enclosing == 0)
        continue;

      /* A hole of one axon: flood it again, filling. */
      labels[start] = enclosing;
      g_array_append_val (stack, first);
      while (stack->len > 0)
        {
          PixelIndex i = g_array_index (stack, PixelIndex, stack->len - 1);
          PixelIndex nb[4];
          guint nn = neighbours_4 (i, width, height, nb);

          g_array_set_size (stack, stack->len - 1);
          for (guint k = 0; k < nn; k++)
            if (labels[nb[k]] == 0)
              {
                labels[nb[k]] = enclosing;
                g_array_append_val (stack, nb[k]);
              }
        }
      filled++;
      if (first_rows != NULL)
        {
          guint row = (guint) (start / width);

          g_array_append_val (first_rows, row);
        }
    }

  return filled;
}

void
_sheath_grow_labels (guint32      *labels,
                     const guint8 *grow,
                     guint         width,
                     guint         height)
{
  gsize n = (gsize) width * height;
  g_autoptr(GArray) queue = g_array_new (FALSE, FALSE, sizeof (PixelIndex));
  gsize head = 0;

  /* Every labelled pixel next to a growable one starts the breadth-first
   * flood, so that growth proceeds in rings from all labels at once. */
  for (gsize i = 0; i < n; i++)
    if (labels[i])
      {
        PixelIndex nb[4];
        guint nn = neighbours_4 ((PixelIndex) i, width, height, nb);

        for (guint k = 0; k < nn; k++)
          if (grow[nb[k]] && labels[nb[k]] == 0)
            {
              PixelIndex p = (PixelIndex) i;
              g_array_append_val (queue, p);
              break;
            }
      }

  while (head < queue->len)
    {
      PixelIndex i = g_array_index (queue, PixelIndex, head++);
      PixelIndex nb[4];
      guint nn = neighbours_4 (i, width, height, nb);

      for (guint k = 0; k < nn; k++)
        if (grow[nb[k]] && labels[nb[k]] == 0)
          {
            labels[nb[k]] = labels[i];
            g_array_append_val (queue, nb[k]);
          }
    }
}

static gint
compare_u64 (gconstpointer a,
             gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

guint32
_sheath_match_labels (const guint32 *labels_a,
                      guint32        n_a,
                      const guint32 *labels_b,
                      guint32        n_b,
                      gsize          n_pixels,
                      guint32       *match_a,
                      guint32       *match_b)
{
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autofree guint64 *area_a = g_new0 (guint64, (gsize) n_a + 1);
  g_autofree guint64 *area_b = g_new0 (guint64, (gsize) n_b + 1);
  guint32 matched = 0;

  memset (match_a, 0, ((gsize) n_a + 1) * sizeof (guint32));
  memset (match_b, 0, ((gsize) n_b + 1) * sizeof (guint32));

  /* the overlaps: a key per shared pixel, sorted, so that runs count them */
  for (gsize i = 0; i < n_pixels; i++)
    {
      area_a[labels_a[i]]++;
      area_b[labels_b[i]]++;
      if (labels_a[i] && labels_b[i])
        {
          guint64 key = ((guint64) labels_a[i] << 32) | labels_b[i];
          g_array_append_val (pairs, key);
        }
    }
  g_array_sort (pairs, compare_u64);
  for (guint i = 0; i < pairs->len;)
    {
      guint64 key = g_array_index (pairs, guint64, i);
      guint32 a = (guint32) (key >> 32), b = (guint32) key;
      guint64 inter = 0;

      while (i < pairs->len && g_array_index (pairs, guint64, i) == key)
        inter++, i++;
      if (2 * inter >= area_a[a] + area_b[b] - inter && match_a[a] == 0 && match_b[b] == 0)
        {
          match_a[a] = b;
          match_b[b] = a;
          matched++;
        }
    }
  return matched;
}
