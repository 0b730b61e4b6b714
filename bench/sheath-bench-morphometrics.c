/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Times morphometrics alone (masks already in memory) for bench/morphometrics:
 * for each pair of masks given, and for a large synthetic label map made
 * by tiling the first pair. Prints "key value" lines. */

#include "config.h"

#include <sheath.h>
#include <stdio.h>
#include <stdlib.h>


static double
measure (SheathSegmentation *seg,
         double              pixel_size,
         guint              *n_axons)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathMorphometrics) m = NULL;
  g_autoptr(SheathAggregates) agg = NULL;
  gint64 t = g_get_monotonic_time ();

  m = sheath_morphometrics_compute (seg, pixel_size, SHEATH_AXON_SHAPE_CIRCLE, NULL, &error);
  if (m != NULL)
    agg = sheath_aggregates_compute (m, NULL, FALSE, 1.0, &error);
  if (agg == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      exit (1);
    }
  *n_axons = sheath_morphometrics_get_n_axons (m);
  return (g_get_monotonic_time () - t) / 1e6;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SheathSegmentation) first = NULL;
  double total = 0;
  guint total_axons = 0;
  guint big;

  if (argc < 5 || (argc - 2) % 3 != 0)
    {
      fprintf (stderr, "usage: %s BIG_SIDE (AXON_MASK MYELIN_MASK PIXEL_SIZE)…\n", argv[0]);
      return 2;
    }
  big = atoi (argv[1]);

  for (int i = 2; i + 2 < argc; i += 3)
    {
      g_autoptr(GFile) a = g_file_new_for_path (argv[i]);
      g_autoptr(GFile) m = g_file_new_for_path (argv[i + 1]);
      g_autoptr(GError) error = NULL;
      g_autoptr(SheathSegmentation) seg = sheath_segmentation_new_from_masks (a, m, &error);
      guint n;
      double s;

      if (seg == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      s = measure (seg, g_ascii_strtod (argv[i + 2], NULL), &n);
      total += s;
      total_axons += n;
      if (first == NULL)
        first = g_object_ref (seg);
    }

  printf ("dataset_images %d\n", (argc - 2) / 3);
  printf ("dataset_axons %u\n", total_axons);
  printf ("dataset_seconds %.3f\n", total);
  printf ("seconds_per_10000_axons %.3f\n", total / total_axons * 10000);

  if (big > 0)
    {
      g_autoptr(SheathSegmentation) tiled = sheath_segmentation_new (big, big);
      guint fw = sheath_segmentation_get_width (first), fh = sheath_segmentation_get_height (first);
      guint n;
      double s;

      /* mirrored tiling keeps fibres whole across the seams */
      for (guint y = 0; y < big; y++)
        {
          guint sy = (y / fh) % 2 ? fh - 1 - y % fh : y % fh;
          const guint8 *src = sheath_segmentation_peek_row (first, sy);
          guint8 *dst = g_malloc (big);
          g_autoptr(GBytes) row = NULL;

          for (guint x = 0; x < big; x++)
            dst[x] = src[(x / fw) % 2 ? fw - 1 - x % fw : x % fw];
          row = g_bytes_new_take (dst, big);
          sheath_segmentation_set_rows (tiled, y, row);
        }
      s = measure (tiled, 0.1, &n);
      printf ("big_side %u\n", big);
      printf ("big_axons %u\n", n);
      printf ("big_seconds %.3f\n", s);
    }
  return 0;
}
