/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the fuzz targets share: Sheath reads outside data from files, so
 * each input is written to a file in a folder of the process's own (in
 * /dev/shm where there is one, to keep the disk out of the loop). */

#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

static inline const char *
fuzz_dir (void)
{
  static char *dir;

  if (dir == NULL)
    {
      const char *base = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir ();
      g_autofree char *tmpl = g_build_filename (base, "sheath-fuzz-XXXXXX", NULL);

      dir = g_mkdtemp (g_steal_pointer (&tmpl));
      if (dir == NULL)
        abort ();
    }
  return dir;
}

/* The path of @name in the fuzz folder, holding @data. */
static inline char *
fuzz_write (const char    *name,
            const uint8_t *data,
            size_t         size)
{
  char *path = g_build_filename (fuzz_dir (), name, NULL);

  if (!g_file_set_contents (path, (const char *) data, (gssize) size, NULL))
    abort ();
  return path;
}
