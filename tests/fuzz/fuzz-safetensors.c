/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Model files (safetensors: a JSON header, then raw tensors) as users and
 * PyTorch write them: each either loads as a model the segmenter can run,
 * or fails with a GError; reading the header alone, as the model picker
 * does, never fails where loading succeeds. */

#include "config.h"

#include <sheath.h>

#include "fuzz-util.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *path = fuzz_write ("model.safetensors", data, size);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) meta_error = NULL;
  g_autoptr(SheathModel) model = sheath_model_new_from_file (file, &error);
  g_autoptr(GHashTable) meta = sheath_model_read_metadata (file, &meta_error);

  if (model == NULL && (error == NULL || error->message == NULL))
    abort ();
  if (meta == NULL && (meta_error == NULL || meta_error->message == NULL))
    abort ();
  if (model != NULL && meta == NULL)
    abort ();
  if (model != NULL)
    {
      /* a model that loads can segment a small image */
      g_autoptr(SheathSegmenter) segmenter = sheath_segmenter_new (model);
      g_autoptr(GBytes) pixels = g_bytes_new_static ((const guint8[64]) { 1, 200, 3, 90, 40 }, 64);
      g_autoptr(SheathImage) image = sheath_image_new_from_bytes (8, 8, 8, pixels, NULL);
      g_autoptr(SheathSegmentation) seg = NULL;

      sheath_image_set_pixel_size (image, sheath_model_get_pixel_size (model), NULL);
      sheath_segmenter_set_n_threads (segmenter, 1);
      seg = sheath_segmenter_segment (segmenter, image, NULL, &error);
      if (seg == NULL && (error == NULL || error->message == NULL))
        abort ();
    }
  return 0;
}
