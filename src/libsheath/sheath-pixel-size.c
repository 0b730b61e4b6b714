/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-pixel-size"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "sheath-error.h"
#include "sheath-image-private.h"

/* How far up a BIDS sidecar may sit: micr/, sub-XX/, the dataset root. */
#define BIDS_MAX_LEVELS 3

double
_sheath_pixel_size_from_unit (double      value,
                              const char *unit)
{
  static const struct { const char *name; double to_um; } units[] = {
    { "um", 1 }, { "µm", 1 }, { "\xc2\xb5m", 1 }, { "micron", 1 }, { "microns", 1 },
    { "micrometer", 1 }, { "micrometre", 1 }, { "\\u00B5m", 1 },
    { "nm", 1e-3 }, { "nanometer", 1e-3 }, { "mm", 1e3 }, { "millimeter", 1e3 },
    { "m", 1e6 }, { "cm", 1e4 },
  };

  if (unit == NULL || !(value > 0) || !isfinite (value))
    return 0;

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (g_ascii_strcasecmp (unit, units[i].name) == 0 || g_str_equal (unit, units[i].name))
      return value * units[i].to_um;

  return 0;
}

/* A BIDS file name is entities and a suffix: sub-rat1_sample-data1_SEM.png
 * has {sub-rat1, sample-data1} and suffix SEM. */
static gboolean
split_bids_name (const char  *basename,
                 GStrv       *entities,
                 char       **suffix)
{
  g_autofree char *stem = g_strdup (basename);
  g_auto(GStrv) parts = NULL;
  char *dot = strchr (stem, '.');
  guint n;

  if (dot != NULL)
    *dot = '\0';

  parts = g_strsplit (stem, "_", -1);
  n = g_strv_length (parts);
  if (n < 2 || strchr (parts[n - 1], '-') != NULL)
    return FALSE;
  for (guint i = 0; i + 1 < n; i++)
    if (strchr (parts[i], '-') == NULL)
      return FALSE;

  *suffix = g_strdup (parts[n - 1]);
  g_free (parts[n - 1]);
  parts[n - 1] = NULL;
  *entities = g_steal_pointer (&parts);
  return TRUE;
}

/* BIDS microscopy suffixes: the imaging method a file name says. */
static const char * const microscopy_suffixes[] = {
  "TEM", "SEM", "uCT", "BF", "DF", "PC", "DIC", "FLUO", "CONF", "PLI", "CARS", "2PE", "MPE", "SR",
  "NLO", "OCT", "SPIM", NULL
};

char *
_sheath_modality_from_name (const char *basename)
{
  g_auto(GStrv) entities = NULL;
  g_autofree char *suffix = NULL;

  if (!split_bids_name (basename, &entities, &suffix) ||
      !g_strv_contains (microscopy_suffixes, suffix))
    return NULL;
  return g_steal_pointer (&suffix);
}

static gboolean
read_bids_sidecar (const char             *path,
                   double                 *pixel_size,
                   GError                **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = g_filename_display_name (path);
  JsonNode *root;
  JsonObject *obj;
  JsonNode *size;
  const char *unit = "um";
  double value = 0;

  if (!json_parser_load_from_file (parser, path, &local_error))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_PIXEL_SIZE,
                   _ ("Cannot read the BIDS sidecar '%s': %s"), name, local_error->message);
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return TRUE;
  obj = json_node_get_object (root);
  if (!json_object_has_member (obj, "PixelSize"))
    return TRUE;

  size = json_object_get_member (obj, "PixelSize");
  if (JSON_NODE_HOLDS_ARRAY (size) && json_array_get_length (json_node_get_array (size)) > 0)
    {
      JsonNode *first = json_array_get_element (json_node_get_array (size), 0);

      if (JSON_NODE_HOLDS_VALUE (first))
        value = json_node_get_double (first);
    }
  else if (JSON_NODE_HOLDS_VALUE (size))
    value = json_node_get_double (size);

  if (json_object_has_member (obj, "PixelSizeUnits") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (obj, "PixelSizeUnits")))
    unit = json_object_get_string_member (obj, "PixelSizeUnits");

  *pixel_size = _sheath_pixel_size_from_unit (value, unit);
  if (*pixel_size <= 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_PIXEL_SIZE,
                   _ ("The BIDS sidecar '%s' has an unusable PixelSize (%g %s)"),
                   name, value, unit ? unit : "");
      return FALSE;
    }

  return TRUE;
}

/* BIDS inheritance: the sidecar with the same suffix whose entities are a
 * subset of the image's, the most specific one nearest the image winning. */
static char *
find_bids_sidecar (GFile *image_file)
{
  g_autofree char *basename = g_file_get_basename (image_file);
  g_auto(GStrv) entities = NULL;
  g_autofree char *suffix = NULL;
  g_autoptr(GFile) dir = g_file_get_parent (image_file);

  if (!split_bids_name (basename, &entities, &suffix))
    return NULL;

  for (guint level = 0; level < BIDS_MAX_LEVELS && dir != NULL; level++)
    {
      g_autofree char *dir_path = g_file_get_path (dir);
      g_autoptr(GDir) gdir = dir_path ? g_dir_open (dir_path, 0, NULL) : NULL;
      g_autofree char *best = NULL;
      guint best_count = 0;
      const char *entry;
      GFile *parent;

      while (gdir != NULL && (entry = g_dir_read_name (gdir)) != NULL)
        {
          g_auto(GStrv) side_entities = NULL;
          g_autofree char *side_suffix = NULL;
          gboolean subset = TRUE;
          guint count;

          if (!g_str_has_suffix (entry, ".json") ||
              !split_bids_name (entry, &side_entities, &side_suffix) ||
              !g_str_equal (side_suffix, suffix))
            continue;

          for (guint i = 0; side_entities[i] && subset; i++)
            subset = g_strv_contains ((const char * const *) entities, side_entities[i]);
          count = g_strv_length (side_entities);
          if (subset && (best == NULL || count > best_count))
            {
              g_free (best);
              best = g_build_filename (dir_path, entry, NULL);
              best_count = count;
            }
        }

      if (best != NULL)
        return g_steal_pointer (&best);

      parent = g_file_get_parent (dir);
      g_object_unref (dir);
      dir = parent;
    }

  return NULL;
}

static gboolean
read_ads_text_file (const char  *path,
                    double      *pixel_size,
                    GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *name = g_filename_display_name (path);
  char *end = NULL;
  double value;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return TRUE;

  value = g_ascii_strtod (g_strstrip (contents), &end);
  if (end == contents || !(value > 0) || !isfinite (value))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_PIXEL_SIZE,
                   "'%s' does not hold a pixel size in micrometres", name);
      return FALSE;
    }

  *pixel_size = value;
  return TRUE;
}

gboolean
_sheath_pixel_size_lookup (GFile                  *image_file,
                           double                 *pixel_size,
                           SheathPixelSizeSource  *source,
                           char                  **origin,
                           GError                **error)
{
  g_autofree char *sidecar = find_bids_sidecar (image_file);
  g_autoptr(GFile) dir = g_file_get_parent (image_file);
  g_autofree char *dir_path = dir ? g_file_get_path (dir) : NULL;
  double value = 0;

  *pixel_size = 0;
  *source = SHEATH_PIXEL_SIZE_SOURCE_NONE;
  *origin = NULL;

  if (sidecar != NULL)
    {
      if (!read_bids_sidecar (sidecar, &value, error))
        return FALSE;
      if (value > 0)
        {
          *pixel_size = value;
          *source = SHEATH_PIXEL_SIZE_SOURCE_BIDS_SIDECAR;
          *origin = g_steal_pointer (&sidecar);
          return TRUE;
        }
    }

  if (dir_path != NULL)
    {
      g_autofree char *txt = g_build_filename (dir_path, "pixel_size_in_micrometer.txt", NULL);

      if (!read_ads_text_file (txt, &value, error))
        return FALSE;
      if (value > 0)
        {
          *pixel_size = value;
          *source = SHEATH_PIXEL_SIZE_SOURCE_ADS_TEXT_FILE;
          *origin = g_steal_pointer (&txt);
        }
    }

  return TRUE;
}

/* Resolutions that image tools write by default or for screens and printers:
 * they are the tool's setting, not the microscope's pixel size. */
static const double screen_dpi[] = { 72, 96, 100, 120, 144, 150, 200, 240, 300, 360, 400, 600, 720, 1200, 2400 };

double
_sheath_pixel_size_from_resolution (double   pixels_per_unit,
                                    double   unit_um,
                                    char   **ignored)
{
  double um, dpi;

  if (ignored != NULL)
    *ignored = NULL;
  if (!(pixels_per_unit > 0) || !isfinite (pixels_per_unit) || !(unit_um > 0))
    return 0;

  um = unit_um / pixels_per_unit;
  dpi = 25400.0 / um;
  for (guint i = 0; i < G_N_ELEMENTS (screen_dpi); i++)
    /* 2 %: a per-centimetre form rounded to an integer (28 px/cm for 72 dpi) */
    if (fabs (dpi - screen_dpi[i]) <= 0.02 * screen_dpi[i])
      {
        if (ignored != NULL)
          *ignored = g_strdup_printf ("%.0f dpi, a screen or print setting", screen_dpi[i]);
        return 0;
      }

  if (um > SHEATH_RESOLUTION_MAX_PIXEL_SIZE)
    {
      if (ignored != NULL)
        *ignored = g_strdup_printf ("%g µm per pixel, too coarse for a micrograph", um);
      return 0;
    }

  return um;
}
