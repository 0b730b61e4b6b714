/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Images opened to be read a region at a time (SheathSlide): every input
 * either opens, with levels whose regions can be read or fail with a
 * GError, or fails to open with a GError. */

#include "config.h"

#include <sheath.h>

#include "fuzz-util.h"

static volatile guint8 fuzz_sink;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_writer_func (g_log_writer_default, NULL, NULL);
  return 0;
}

static void
read_region (SheathSlide *slide,
             guint        level,
             guint64      x,
             guint64      y,
             guint        w,
             guint        h)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = sheath_slide_read_region (slide, level, x, y, w, h, &error);
  const guint8 *p;
  gsize n;
  guint8 sum = 0;

  if (bytes == NULL)
    {
      if (error == NULL || error->message == NULL)
        abort ();
      return;
    }
  p = g_bytes_get_data (bytes, &n);
  if (n != (gsize) w * h * (sheath_slide_get_bit_depth (slide) / 8))
    abort ();
  for (gsize i = 0; i < n; i++)
    sum ^= p[i];
  fuzz_sink ^= sum;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *path = fuzz_write ("input.tif", data, size);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathSlide) slide = sheath_slide_new_from_file (file, &error);
  guint n_levels, last;

  if (slide == NULL)
    {
      if (error == NULL || error->message == NULL)
        abort ();
      return 0;
    }
  n_levels = sheath_slide_get_n_levels (slide);
  if (n_levels == 0)
    abort ();
  last = n_levels - 1;
  /* the smallest level whole when it is small, and level 0's corners */
  if (sheath_slide_get_level_width (slide, last) * sheath_slide_get_level_height (slide, last) <= 1 << 20)
    read_region (slide, last, 0, 0, (guint) sheath_slide_get_level_width (slide, last),
                 (guint) sheath_slide_get_level_height (slide, last));
  read_region (slide, 0, 0, 0, 1, 1);
  read_region (slide, 0, sheath_slide_get_level_width (slide, 0) - 1, sheath_slide_get_level_height (slide, 0) - 1, 1, 1);
  return 0;
}
