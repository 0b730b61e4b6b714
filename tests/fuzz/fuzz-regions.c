/* SPDX-License-Identifier: GPL-3.0-or-later */

/* GeoJSON regions as QuPath and napari write them: every input either
 * gives regions that rasterise, or fails with a GError. */

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

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *path = fuzz_write ("regions.geojson", data, size);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathRegions) regions = sheath_regions_new_from_geojson (file, &error);

  if (regions == NULL)
    {
      if (error == NULL || error->message == NULL)
        abort ();
      return 0;
    }
  if (sheath_regions_get_n_regions (regions) == 0)
    abort ();
  for (gint i = -1; i < (gint) sheath_regions_get_n_regions (regions); i++)
    {
      g_autoptr(SheathImage) mask = sheath_regions_rasterize (regions, i, 64, 48, &error);

      if (mask == NULL)
        abort ();
      fuzz_sink ^= (guint8) sheath_image_get_value (mask, 63, 47);
      if (i >= 0)
        fuzz_sink ^= (guint8) sheath_regions_get_name (regions, i)[0];
    }
  return 0;
}
