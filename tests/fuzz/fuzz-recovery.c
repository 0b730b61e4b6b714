/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The app's recovery files (an .ini naming the image, then its masks as
 * PNGs), which a crash may leave half-written: listing and loading them
 * gives the masks or a GError. The input is the .ini, a NUL byte, then
 * the axon mask; the myelin mask is the same bytes. */

#include "config.h"

#include <string.h>

#include "sheath-recovery.h"
#include "fuzz-util.h"

static SheathRecovery *recovery;
static GFile *image;
static char *ini_name, *axon_name, *myelin_name;

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      data)
{
  if (!sheath_recovery_save_finish (SHEATH_RECOVERY (object), result, NULL))
    abort ();
  *(gboolean *) data = TRUE;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autofree char *dir = g_build_filename (fuzz_dir (), "recovery", NULL);
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (4, 4);
  g_autoptr(GDir) listing = NULL;
  gboolean saved = FALSE;
  const char *name;

  /* one real save, to learn the names the files are given */
  recovery = sheath_recovery_new (dir);
  image = g_file_new_for_path ("/nonexistent/image.png");
  sheath_recovery_save_async (recovery, image, seg, NULL, saved_cb, &saved);
  while (!saved)
    g_main_context_iteration (NULL, TRUE);
  listing = g_dir_open (dir, 0, NULL);
  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      char *path = g_build_filename (dir, name, NULL);

      if (g_str_has_suffix (name, ".ini"))
        ini_name = path;
      else if (g_str_has_suffix (name, "_seg-axon.png"))
        axon_name = path;
      else if (g_str_has_suffix (name, "_seg-myelin.png"))
        myelin_name = path;
      else
        g_free (path);
    }
  if (ini_name == NULL || axon_name == NULL || myelin_name == NULL)
    abort ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const uint8_t *nul = memchr (data, 0, size);
  size_t ini_len = nul ? (size_t) (nul - data) : size;
  const uint8_t *mask = nul ? nul + 1 : data + size;
  size_t mask_len = size - (mask - data);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(SheathSegmentation) seg = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents (ini_name, (const char *) data, ini_len, NULL) ||
      !g_file_set_contents (axon_name, (const char *) mask, mask_len, NULL) ||
      !g_file_set_contents (myelin_name, (const char *) mask, mask_len, NULL))
    abort ();

  listed = sheath_recovery_list (recovery);
  seg = sheath_recovery_load (recovery, image, &error);
  if (seg == NULL && (error == NULL || error->message == NULL))
    abort ();
  return 0;
}
