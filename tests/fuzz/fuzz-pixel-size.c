/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The files beside an image that give its pixel size: a BIDS sidecar
 * (JSON) or AxonDeepSeg's pixel_size_in_micrometer.txt. Built twice:
 * FUZZ_SIDECAR fuzzes the first, otherwise the second. Either the image
 * opens with a plausible size or none, or it fails with a GError. */

#include "config.h"

#include <math.h>
#include <sheath.h>

#include "fuzz-util.h"

/* a valid 1 × 1 8-bit gray PNG */
static const guint8 tiny_png[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3a, 0x7e, 0x9b,
  0x55, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00,
  0x02, 0x00, 0x01, 0x48, 0xaf, 0xa4, 0x71, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
  0x42, 0x60, 0x82,
};

static char *image_path;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  image_path = fuzz_write ("sub-rat1_sample-data1_SEM.png", tiny_png, sizeof tiny_png);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
#ifdef FUZZ_SIDECAR
  G_GNUC_UNUSED g_autofree char *side = fuzz_write ("sub-rat1_sample-data1_SEM.json", data, size);
#else
  G_GNUC_UNUSED g_autofree char *side = fuzz_write ("pixel_size_in_micrometer.txt", data, size);
#endif
  g_autoptr(GFile) file = g_file_new_for_path (image_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathImage) image = sheath_image_new_from_file (file, &error);

  if (image == NULL)
    {
      if (error == NULL || error->message == NULL)
        abort ();
      return 0;
    }
  {
    double size_um = sheath_image_get_pixel_size (image);

    if (!(size_um >= 0) || !isfinite (size_um))
      abort ();
  }
  return 0;
}
