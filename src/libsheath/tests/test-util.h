/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>

/* Shared test data lives beside the checkout (../shared), or where
 * SHEATH_SHARED_DIR says; golden network files are in the source tree. */
static inline char *
test_shared_path (const char *first, ...)
{
  const char *root = g_getenv ("SHEATH_SHARED_DIR");
  GPtrArray *parts = g_ptr_array_new ();
  va_list ap;
  char *path;

  g_ptr_array_add (parts, (gpointer) (root && *root ? root : SHEATH_TEST_SHARED_DIR));
  va_start (ap, first);
  for (const char *p = first; p != NULL; p = va_arg (ap, const char *))
    g_ptr_array_add (parts, (gpointer) p);
  va_end (ap);
  g_ptr_array_add (parts, NULL);
  path = g_build_filenamev ((char **) parts->pdata);
  g_ptr_array_unref (parts);
  return path;
}

/* Returns the path, or NULL after marking the test skipped with a reason
 * that says what is missing. */
static inline char *
test_require_shared (const char *relative)
{
  char *path = test_shared_path (relative, NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      char *msg = g_strdup_printf ("shared test data missing: %s (set SHEATH_SHARED_DIR)", path);
      g_test_skip (msg);
      g_free (msg);
      g_free (path);
      return NULL;
    }
  return path;
}

static inline char *
test_golden_path (const char *name)
{
  return g_build_filename (SHEATH_TEST_GOLDEN_DIR, name, NULL);
}

static inline double
test_max_abs_diff (const float *a,
                   const float *b,
                   gsize        n)
{
  double max = 0;

  for (gsize i = 0; i < n; i++)
    {
      double d = fabs ((double) a[i] - (double) b[i]);
      if (!(d <= max))
        max = isnan (d) ? INFINITY : d;
    }
  return max;
}

/* A fresh empty folder under the test's temporary directory. */
static inline char *
test_make_temp_dir (void)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp ("sheath-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static inline void
test_remove_tree (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        test_remove_tree (path);
      else
        g_unlink (path);
      g_free (path);
    }
  g_dir_close (d);
  g_rmdir (dir);
}

/* A valid 1 × 1 8-bit gray PNG, for tests that need an image file of no
 * matter what content. */
static const guint8 test_tiny_png[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3a, 0x7e, 0x9b,
  0x55, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00,
  0x02, 0x00, 0x01, 0x48, 0xaf, 0xa4, 0x71, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
  0x42, 0x60, 0x82,
};

/* @from's bytes into @to, its folder made */
static inline void
test_copy_file (const char *from,
                const char *to)
{
  g_autofree char *bytes = NULL;
  gsize n = 0;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (to);

  g_mkdir_with_parents (dir, 0755);
  g_assert_true (g_file_get_contents (from, &bytes, &n, &error));
  g_assert_true (g_file_set_contents (to, bytes, n, &error));
  g_assert_no_error (error);
}

#ifdef SHEATH_TEST_SOURCE_DIR
/* A two-subject BIDS study in @dataset: sub-a (sham) and sub-b (lesion),
 * each with the demo image at 0.13 µm as sample-1. */
static inline void
test_make_study (const char *dataset)
{
  g_autofree char *demo = g_build_filename (SHEATH_TEST_SOURCE_DIR, "data", "demo", "sem-spinal-cord-demo.png", NULL);
  g_autofree char *participants = g_build_filename (dataset, "participants.tsv", NULL);
  const char *images[] = { "sub-a/micr/sub-a_sample-1_SEM", "sub-b/micr/sub-b_sample-1_SEM" };

  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      g_autofree char *png = g_strconcat (dataset, "/", images[i], ".png", NULL);
      g_autofree char *json = g_strconcat (dataset, "/", images[i], ".json", NULL);

      test_copy_file (demo, png);
      g_assert_true (g_file_set_contents (json, "{\"PixelSize\": [0.13, 0.13], \"PixelSizeUnits\": \"um\"}", -1,
                                          NULL));
    }
  g_assert_true (g_file_set_contents (participants, "participant_id\tgroup\nsub-a\tsham\nsub-b\tlesion\n", -1,
                                      NULL));
}
#endif
