/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include <stdio.h>
#include <string.h>

#include "sheath-cli-private.h"

static gboolean
is_model_file (const char *arg)
{

  if (g_str_has_suffix (arg, ".safetensors"))
    return TRUE;
  /* A model name such as "sem" has no extension and is not a file. */
  return strchr (arg, '.') == NULL && !g_file_test (arg, G_FILE_TEST_EXISTS);
}

static gboolean
print_model (const char  *arg,
             GError     **error)
{
  g_autoptr(SheathModel) model = sheath_cli_load_model (arg, error);
  g_autofree char *path = NULL;
  g_auto(GStrv) keys = NULL;
  g_autofree char *classes = NULL;

  if (model == NULL)
    return FALSE;

  path = g_file_get_path (sheath_model_get_file (model));
  classes = g_strjoinv (", ", (char **) sheath_model_get_class_names (model));
  printf ("%s\n", path);
  printf ("  Model:         %s, depth %u, %u base channels, %u input channel%s\n",
          sheath_model_get_architecture (model), sheath_model_get_depth (model),
          sheath_model_get_base_channels (model), sheath_model_get_in_channels (model),
          sheath_model_get_in_channels (model) == 1 ? "" : "s");
  printf ("  Classes:       %s\n", classes);
  printf ("  Modality:      %s\n", sheath_model_get_modality (model));
  printf ("  Pixel size:    %g µm\n", sheath_model_get_pixel_size (model));
  printf ("  Normalization: %s\n",
          sheath_model_get_normalization (model) == SHEATH_NORMALIZATION_FIXED ? "fixed" : "image-zscore");
  printf ("  Parameters:    %" G_GUINT64_FORMAT "\n", sheath_model_get_n_parameters (model));
  printf ("  Description:   %s\n", sheath_model_get_description (model));
  printf ("  Metadata:\n");
  keys = sheath_model_dup_metadata_keys (model);
  for (guint i = 0; keys[i]; i++)
    {
      g_autofree char *value = sheath_model_dup_metadata_value (model, keys[i]);
      printf ("    %s = %s\n", keys[i], value);
    }
  return TRUE;
}

/* The value range of one level, read in bands so that memory stays
 * bounded whatever the level's size. */
static gboolean
level_range (SheathSlide  *slide,
             guint         level,
             guint        *min,
             guint        *max,
             GError      **error)
{
  guint64 w = sheath_slide_get_level_width (slide, level), h = sheath_slide_get_level_height (slide, level);
  guint band = (guint) CLAMP ((G_GUINT64_CONSTANT (1) << 24) / w, 1, h);

  *min = G_MAXUINT;
  *max = 0;
  for (guint64 y = 0; y < h; y += band)
    {
      guint rows = (guint) MIN (band, h - y);
      g_autoptr(GBytes) bytes = sheath_slide_read_region (slide, level, 0, y, (guint) w, rows, error);
      gsize n;
      gconstpointer data;

      if (bytes == NULL)
        return FALSE;
      data = g_bytes_get_data (bytes, &n);
      if (sheath_slide_get_bit_depth (slide) == 8)
        for (gsize i = 0; i < n; i++)
          {
            *min = MIN (*min, ((const guint8 *) data)[i]);
            *max = MAX (*max, ((const guint8 *) data)[i]);
          }
      else
        for (gsize i = 0; i < n / 2; i++)
          {
            *min = MIN (*min, ((const guint16 *) data)[i]);
            *max = MAX (*max, ((const guint16 *) data)[i]);
          }
    }
  return TRUE;
}

/* Headers only, then the value range of the smallest level: a slide of
 * gigapixels is listed without being read whole. */
static gboolean
print_image (const char  *arg,
             GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (arg);
  g_autoptr(SheathSlide) slide = sheath_slide_new_from_file (file, error);
  SheathPixelSizeSource source;
  guint min, max, n_levels, last;

  if (slide == NULL)
    return FALSE;

  n_levels = sheath_slide_get_n_levels (slide);
  last = n_levels - 1;
  if (!level_range (slide, last, &min, &max, error))
    return FALSE;
  source = sheath_slide_get_pixel_size_source (slide);
  printf ("%s\n", arg);
  printf ("  Format:      %s\n", sheath_slide_get_format_description (slide));
  printf ("  Size:        %" G_GUINT64_FORMAT " × %" G_GUINT64_FORMAT " pixels\n",
          sheath_slide_get_level_width (slide, 0), sheath_slide_get_level_height (slide, 0));
  if (n_levels > 1)
    {
      printf ("  Levels:      %u\n", n_levels);
      for (guint l = 0; l < n_levels; l++)
        printf ("    %u: %" G_GUINT64_FORMAT " × %" G_GUINT64_FORMAT " (÷%g)\n", l,
                sheath_slide_get_level_width (slide, l), sheath_slide_get_level_height (slide, l),
                sheath_slide_get_level_downsample (slide, l));
    }
  printf ("  Depth:       %u-bit gray, values %u–%u", sheath_slide_get_bit_depth (slide), min, max);
  if (last > 0)
    printf (" (in level %u)", last);
  printf ("\n");
  if (source == SHEATH_PIXEL_SIZE_SOURCE_NONE)
    {
      printf ("  Pixel size:  unknown (give --pixel-size, a BIDS sidecar or pixel_size_in_micrometer.txt)\n");
      if (sheath_slide_get_ignored_resolution (slide) != NULL)
        printf ("               the file's resolution, %s, is not a pixel size\n",
                sheath_slide_get_ignored_resolution (slide));
    }
  else
    printf ("  Pixel size:  %g µm, from the %s%s%s\n",
            sheath_slide_get_pixel_size (slide),
            sheath_pixel_size_source_to_string (source),
            sheath_slide_get_pixel_size_origin (slide) ? " " : "",
            sheath_slide_get_pixel_size_origin (slide) ? sheath_slide_get_pixel_size_origin (slide) : "");
  return TRUE;
}

int
sheath_cli_info (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = NULL;
  int status = 0;
  const GOptionEntry entries[] = {
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL, "IMAGE|MODEL…" },
    { NULL }
  };

  context = g_option_context_new (_ ("IMAGE|MODEL… - show what Sheath reads"));
  g_option_context_set_summary (context,
    _ ("For an image: format, size, its pyramid's levels, bit depth, value range (of the smallest\n"
    "level), and the pixel size with where it came from; only headers are read, and the smallest\n"
    "level in bands, so that a slide of gigapixels is listed in bounded memory.\n"
    "For a model (a .safetensors file, or sem/tem): architecture, classes, pixel size, metadata."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr (_ ("sheath-cli info: %s\n"), error->message);
      return 2;
    }
  if (args == NULL || args[0] == NULL)
    {
      g_printerr (_ ("sheath-cli info: nothing given; see 'sheath-cli info --help'\n"));
      return 2;
    }

  for (guint i = 0; args[i]; i++)
    {
      g_autoptr(GError) item_error = NULL;
      gboolean ok = is_model_file (args[i]) ? print_model (args[i], &item_error)
                                            : print_image (args[i], &item_error);

      if (!ok)
        {
          g_printerr (_ ("sheath-cli info: %s\n"), item_error->message);
          status = 1;
        }
    }

  return status;
}
