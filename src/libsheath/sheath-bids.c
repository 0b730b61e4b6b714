/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-bids"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "sheath-bids.h"
#include "sheath-bids-private.h"
#include "sheath-error.h"

gint
_sheath_compare_strings (gconstpointer a,
                         gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

gboolean
_sheath_is_image_name (const char *name)
{
  return g_str_has_suffix (name, ".png") || g_str_has_suffix (name, ".tif") || g_str_has_suffix (name, ".tiff");
}

/**
 * sheath_bids_list_images:
 * @dataset: a BIDS microscopy dataset
 * @error: return location for a #GError
 *
 * Lists the images of a dataset (`micr/` of every `sub-` folder, PNG or
 * TIFF), sorted.
 *
 * Returns: (transfer full) (array zero-terminated=1): the images' paths,
 *   or %NULL with @error set when the folder cannot be read or holds none
 */
char **
sheath_bids_list_images (const char  *dataset,
                         GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) root = g_dir_open (dataset, 0, &local_error);
  g_autoptr(GPtrArray) subjects = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GStrvBuilder) images = g_strv_builder_new ();
  const char *entry;
  guint n = 0;

  if (root == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("Cannot read the dataset folder '%s': %s"), dataset, local_error->message);
      return NULL;
    }

  while ((entry = g_dir_read_name (root)) != NULL)
    if (g_str_has_prefix (entry, "sub-"))
      g_ptr_array_add (subjects, g_strdup (entry));
  g_ptr_array_sort (subjects, _sheath_compare_strings);

  for (guint i = 0; i < subjects->len; i++)
    {
      g_autofree char *micr = g_build_filename (dataset, g_ptr_array_index (subjects, i), "micr", NULL);
      g_autoptr(GDir) d = g_dir_open (micr, 0, NULL);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

      while (d != NULL && (entry = g_dir_read_name (d)) != NULL)
        if (_sheath_is_image_name (entry))
          g_ptr_array_add (names, g_strdup (entry));
      g_ptr_array_sort (names, _sheath_compare_strings);
      for (guint k = 0; k < names->len; k++, n++)
        {
          g_autofree char *path = g_build_filename (micr, g_ptr_array_index (names, k), NULL);
          g_strv_builder_add (images, path);
        }
    }

  if (n == 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("No images in '%s': expected a BIDS dataset, sub-XX/micr/*.png with masks in "
                   "derivatives/labels/sub-XX/micr/*_seg-axon-manual.png"), dataset);
      return NULL;
    }
  return g_strv_builder_end (images);
}

/**
 * sheath_bids_dup_subject:
 * @image: an image path or name, such as `…/sub-rat1_sample-data1_SEM.png`
 *
 * The subject a BIDS file name says.
 *
 * Returns: (transfer full) (nullable): its BIDS subject (`sub-rat1`), or %NULL
 */
char *
sheath_bids_dup_subject (const char *image)
{
  g_autofree char *name = g_path_get_basename (image);
  const char *end;

  if (!g_str_has_prefix (name, "sub-") || (end = strchr (name, '_')) == NULL)
    return NULL;
  return g_strndup (name, end - name);
}

/**
 * sheath_bids_dup_mask_path:
 * @dataset: the dataset's folder
 * @image: one of its images
 * @kind: "axon" or "myelin"
 *
 * Where a BIDS dataset keeps an image's manual mask of one class.
 *
 * Returns: (transfer full): where the dataset keeps the image's manual
 *   mask, `derivatives/labels/sub-XX/micr/STEM_seg-KIND-manual.png`
 */
char *
sheath_bids_dup_mask_path (const char *dataset,
                           const char *image,
                           const char *kind)
{
  g_autofree char *name = g_path_get_basename (image);
  g_autofree char *subject = sheath_bids_dup_subject (image);
  g_autofree char *dir = g_path_get_dirname (image);
  g_autofree char *micr_parent = g_path_get_dirname (dir);
  g_autofree char *sub_dir = g_path_get_basename (micr_parent);
  g_autofree char *mask = NULL;
  char *dot = strrchr (name, '.');

  if (dot != NULL)
    *dot = '\0';
  mask = g_strdup_printf ("%s_seg-%s-manual.png", name, kind);
  return g_build_filename (dataset, "derivatives", "labels", subject ? subject : sub_dir, "micr", mask, NULL);
}
