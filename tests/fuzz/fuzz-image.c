/* SPDX-License-Identifier: GPL-3.0-or-later */

/* PNG and TIFF images as users bring them: every input either opens as an
 * image whose pixels can all be read, or fails with a GError. */

#include "config.h"

#include <sheath.h>

#include "fuzz-util.h"

static volatile guint8 fuzz_sink;

static void
rows_cb (gconstpointer rows,
         guint         first_row,
         guint         n_rows,
         guint         width,
         guint         height,
         guint         bit_depth,
         gpointer      data)
{
  const guint8 *p = rows;
  gsize n = (gsize) width * n_rows * (bit_depth / 8);
  guint8 sum = 0;

  /* every byte reported is readable, and the rows lie inside the image */
  if (first_row + n_rows > height)
    abort ();
  for (gsize i = 0; i < n; i++)
    sum ^= p[i];
  *(guint8 *) data ^= sum;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  /* libtiff warns on stderr for many a damaged file: keep the output readable */
  g_log_set_writer_func (g_log_writer_default, NULL, NULL);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *path = fuzz_write ("input", data, size);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathImage) image = NULL;
  guint8 sink = 0;

  image = sheath_image_new_from_file_with_rows (file, rows_cb, &sink, &error);
  if (image == NULL)
    {
      if (error == NULL || error->message == NULL)
        abort ();
      return 0;
    }
  {
    guint w = sheath_image_get_width (image), h = sheath_image_get_height (image);
    guint min, max;

    if (w == 0 || h == 0)
      abort ();
    sheath_image_get_range (image, &min, &max);
    sink ^= sheath_image_get_value (image, w - 1, h - 1);
    (void) sheath_image_get_ignored_resolution (image);
  }
  /* keeps the reads from being optimised away */
  fuzz_sink = sink;
  return 0;
}
