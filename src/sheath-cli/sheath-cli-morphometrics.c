/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sheath-cli-private.h"

static const char *image_extensions[] = { ".png", ".tif", ".tiff", ".PNG", ".TIF", ".TIFF" };

/* The classes of the model Sheath does not know: their regions measured,
 * STEM_NAME_morphometrics.csv each. */
static gboolean
write_other_regions (SheathMorphometrics  *morph,
                     SheathSegmentation   *segmentation,
                     const char           *dir,
                     const char           *stem,
                     GError              **error)
{
  const char * const *others = sheath_segmentation_get_other_classes (segmentation);

  for (guint k = 0; others && others[k]; k++)
    {
      SheathLabel label = SHEATH_LABEL_OTHER + k;
      g_autofree char *name = g_strdup_printf ("%s_%s_morphometrics.csv", stem, others[k]);
      g_autofree char *path = g_build_filename (dir, g_strdelimit (name, "/\\ ", '-'), NULL);

      if (!sheath_morphometrics_write_other_regions_csv (morph, label, path, error))
        return FALSE;
      fprintf (stderr, _ ("%s: %u regions of class '%s'\n  → %s\n"), stem,
               sheath_morphometrics_get_n_other_regions (morph, label), others[k], path);
    }
  return TRUE;
}

/* The maps of the measurements, per cell: a float TIFF and heat maps. */
static gboolean
write_maps (SheathMorphometrics      *morph,
            SheathSegmentation       *segmentation,
            const char               *dir,
            const char               *stem,
            const MorphometricsArgs  *args,
            char                    **tiff_path,
            GError                  **error)
{
  g_autoptr(SheathMaps) maps = sheath_maps_compute (morph, segmentation, args->map_cell, error);
  g_autofree char *name = g_strdup_printf ("%s_maps.tif", stem);

  if (maps == NULL)
    return FALSE;
  *tiff_path = g_build_filename (dir, name, NULL);
  return sheath_maps_write_tiff (maps, *tiff_path, error) &&
         sheath_maps_write_heat_maps (maps, dir, stem, error);
}

gboolean
sheath_cli_write_banded_morphometrics (const char              *map,
                                       double                   pixel_size,
                                       const char              *dir,
                                       const char              *stem,
                                       const MorphometricsArgs *args,
                                       GError                 **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (map);
  g_autoptr(SheathMorphometrics) morph = NULL;
  g_autoptr(SheathAggregates) agg = NULL;
  g_autoptr(SheathMaps) maps = NULL;
  g_autofree char *csv_name = g_strdup_printf ("%s_axon_morphometrics.csv", stem);
  g_autofree char *xlsx_name = g_strdup_printf ("%s_axon_morphometrics.xlsx", stem);
  g_autofree char *agg_name = g_strdup_printf ("%s_morphometrics_aggregate.%s", stem, args->json ? "json" : "csv");
  g_autofree char *uaxon_name = g_strdup_printf ("%s_uaxon_morphometrics.csv", stem);
  g_autofree char *maps_name = g_strdup_printf ("%s_maps.tif", stem);
  g_autofree char *csv = args->output ? g_strdup (args->output) : g_build_filename (dir, csv_name, NULL);
  g_autofree char *xlsx = g_build_filename (dir, xlsx_name, NULL);
  g_autofree char *aggregate = g_build_filename (dir, agg_name, NULL);
  g_autofree char *uaxon = g_build_filename (dir, uaxon_name, NULL);
  g_autofree char *maps_tiff = g_build_filename (dir, maps_name, NULL);
  g_autofree char *instance_name = g_strdup_printf ("%s_instance-map.tif", stem);
  g_autofree char *instance = g_build_filename (dir, instance_name, NULL);
  SheathTableFormat formats = args->formats ? args->formats : SHEATH_TABLE_FORMAT_CSV;
  g_autoptr(SheathRegions) regions = NULL;
  g_autofree char *regions_name = g_strdup_printf ("%s_morphometrics_regions.csv", stem);
  g_autofree char *regions_csv = g_build_filename (dir, regions_name, NULL);
  gint64 start = g_get_monotonic_time ();

  if (args->roi != NULL)
    {
      g_autoptr(GFile) roi_file = g_file_new_for_commandline_arg (args->roi);

      if (!(regions = sheath_regions_new_from_geojson (roi_file, error)))
        return FALSE;
    }
  if (!(morph = sheath_morphometrics_compute_from_map (file, pixel_size, args->shape, args->map_cell,
                                                       args->maps ? &maps : NULL, instance, NULL, error)))
    return FALSE;
  if (regions == NULL)
    agg = sheath_aggregates_compute (morph, NULL, args->exclude_border, args->bin_width, error);
  else
    {
      /* the regions together, then each, from the map read in bands again */
      g_autoptr(SheathRegions) all = sheath_regions_new_union (regions, "all");
      g_autoptr(GPtrArray) together = sheath_aggregates_compute_regions (morph, file, all, args->bin_width, NULL, error);
      g_autoptr(GPtrArray) each = NULL;
      g_autofree const char **names = NULL;

      if (together == NULL ||
          !(each = sheath_aggregates_compute_regions (morph, file, regions, args->bin_width, NULL, error)))
        return FALSE;
      names = g_new0 (const char *, each->len + 1);
      for (guint i = 0; i < each->len; i++)
        names[i] = sheath_regions_get_name (regions, i);
      if (!sheath_aggregates_write_regions_csv ((SheathAggregates **) each->pdata, names, each->len, regions_csv,
                                                error))
        return FALSE;
      agg = sheath_aggregates_copy (g_ptr_array_index (together, 0));
    }
  if (agg == NULL)
    return FALSE;
  if (((formats & SHEATH_TABLE_FORMAT_CSV) && !sheath_morphometrics_write_csv (morph, csv, error)) ||
      ((formats & SHEATH_TABLE_FORMAT_XLSX) && !sheath_morphometrics_write_xlsx (morph, xlsx, error)) ||
      !(args->json ? sheath_aggregates_write_json (agg, aggregate, error)
                   : sheath_aggregates_write_csv (agg, aggregate, error)) ||
      (agg->unmyelinated && !sheath_morphometrics_write_unmyelinated_csv (morph, uaxon, error)) ||
      (maps != NULL && (!sheath_maps_write_tiff (maps, maps_tiff, error) ||
                        !sheath_maps_write_heat_maps (maps, dir, stem, error))))
    return FALSE;

  fprintf (stderr, _ ("%s: %u axons (%u myelinated), mean diameter %.2f µm, aggregate g-ratio %.3f, "
                      "AVF %.3f, MVF %.3f, measured in bands in %.2f s\n  → %s\n  → %s\n  → %s\n"),
           stem, agg->n_axons, agg->n_myelinated, agg->mean_axon_diam, agg->gratio_aggr, agg->avf, agg->mvf,
           (g_get_monotonic_time () - start) / 1e6, formats & SHEATH_TABLE_FORMAT_CSV ? csv : xlsx, aggregate,
           instance);
  if (agg->unmyelinated)
    fprintf (stderr, _ ("  %u unmyelinated axons → %s\n"), agg->n_uaxons, uaxon);
  if (maps != NULL)
    fprintf (stderr, _ ("  maps of %g µm cells → %s (and %s_map-*.png)\n"), args->map_cell, maps_tiff, stem);
  if (regions != NULL)
    fprintf (stderr, _ ("  %u regions → %s\n"), sheath_regions_get_n_regions (regions), regions_csv);
  fprintf (stderr, _ ("  (no index image: it needs the whole map in memory)\n"));
  return TRUE;
}

static gboolean
is_geojson (const char *path)
{
  return g_str_has_suffix (path, ".geojson") || g_str_has_suffix (path, ".json") ||
         g_str_has_suffix (path, ".GEOJSON") || g_str_has_suffix (path, ".JSON");
}

/* One row of aggregates per named region; returns the table's path. */
static char *
write_named_regions (SheathMorphometrics      *morph,
                     SheathRegions            *regions,
                     guint                     width,
                     guint                     height,
                     const char               *dir,
                     const char               *stem,
                     const MorphometricsArgs  *args,
                     GError                  **error)
{
  guint n = sheath_regions_get_n_regions (regions);
  g_autoptr(GPtrArray) aggs = g_ptr_array_new_with_free_func ((GDestroyNotify) sheath_aggregates_free);
  g_autofree const char **names = g_new0 (const char *, n + 1);
  g_autofree char *name = g_strdup_printf ("%s_morphometrics_regions.csv", stem);
  g_autofree char *path = g_build_filename (dir, name, NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SheathImage) mask = sheath_regions_rasterize (regions, (gint) i, width, height, error);
      SheathAggregates *agg;

      if (mask == NULL ||
          !(agg = sheath_aggregates_compute (morph, mask, args->exclude_border, args->bin_width, error)))
        return NULL;
      g_ptr_array_add (aggs, agg);
      names[i] = sheath_regions_get_name (regions, i);
    }
  if (!sheath_aggregates_write_regions_csv ((SheathAggregates **) aggs->pdata, names, n, path, error))
    return NULL;
  return g_steal_pointer (&path);
}

gboolean
sheath_cli_write_morphometrics (SheathSegmentation      *segmentation,
                                SheathImage             *image,
                                double                   pixel_size,
                                const char              *dir,
                                const char              *stem,
                                const MorphometricsArgs *args,
                                GError                 **error)
{
  g_autoptr(SheathMorphometrics) morph = NULL;
  g_autoptr(SheathAggregates) agg = NULL;
  g_autoptr(SheathImage) roi = NULL;
  g_autoptr(SheathRegions) regions = NULL;
  g_autofree char *regions_csv = NULL;
  g_autofree char *maps_tiff = NULL;
  g_autofree char *csv = NULL, *xlsx = NULL, *aggregate = NULL, *instance = NULL, *index = NULL;
  g_autofree char *csv_name = g_strdup_printf ("%s_axon_morphometrics.csv", stem);
  g_autofree char *xlsx_name = g_strdup_printf ("%s_axon_morphometrics.xlsx", stem);
  SheathTableFormat formats = args->formats ? args->formats : SHEATH_TABLE_FORMAT_CSV;
  g_autofree char *agg_name = g_strdup_printf ("%s_morphometrics_aggregate.%s", stem, args->json ? "json" : "csv");
  g_autofree char *instance_name = NULL;
  g_autofree char *index_name = g_strdup_printf ("%s_index.png", stem);
  g_autofree char *uaxon_name = g_strdup_printf ("%s_uaxon_morphometrics.csv", stem);
  g_autofree char *uaxon = NULL;
  g_autofree char *uaxon_summary = NULL;
  gint64 start = g_get_monotonic_time ();

  if (args->roi != NULL)
    {
      g_autoptr(GFile) roi_file = g_file_new_for_commandline_arg (args->roi);

      if (is_geojson (args->roi))
        {
          if (!(regions = sheath_regions_new_from_geojson (roi_file, error)) ||
              !(roi = sheath_regions_rasterize (regions, -1, sheath_segmentation_get_width (segmentation),
                                                sheath_segmentation_get_height (segmentation), error)))
            return FALSE;
        }
      else if (!(roi = sheath_image_new_from_file (roi_file, error)))
        return FALSE;
    }

  morph = sheath_morphometrics_compute (segmentation, pixel_size, args->shape, NULL, error);
  if (morph == NULL)
    return FALSE;
  agg = sheath_aggregates_compute (morph, roi, args->exclude_border, args->bin_width, error);
  if (agg == NULL)
    return FALSE;

  csv = args->output ? g_strdup (args->output) : g_build_filename (dir, csv_name, NULL);
  if (g_str_has_suffix (csv, ".csv"))
    {
      g_autofree char *base = g_strndup (csv, strlen (csv) - strlen (".csv"));
      xlsx = g_strconcat (base, ".xlsx", NULL);
    }
  else
    xlsx = g_build_filename (dir, xlsx_name, NULL);
  aggregate = g_build_filename (dir, agg_name, NULL);
  /* past what 16 bits hold, a 32-bit TIFF */
  instance_name = g_strdup_printf ("%s_instance-map.%s", stem,
                                   sheath_morphometrics_get_n_axons (morph) > G_MAXUINT16 ? "tif" : "png");
  instance = g_build_filename (dir, instance_name, NULL);
  index = g_build_filename (dir, index_name, NULL);
  uaxon = g_build_filename (dir, uaxon_name, NULL);

  if (((formats & SHEATH_TABLE_FORMAT_CSV) && !sheath_morphometrics_write_csv (morph, csv, error)) ||
      ((formats & SHEATH_TABLE_FORMAT_XLSX) && !sheath_morphometrics_write_xlsx (morph, xlsx, error)) ||
      !(args->json ? sheath_aggregates_write_json (agg, aggregate, error)
                   : sheath_aggregates_write_csv (agg, aggregate, error)) ||
      !sheath_morphometrics_write_instance_map (morph, instance, error) ||
      !sheath_morphometrics_write_index_image (morph, image, index, error) ||
      (agg->unmyelinated && !sheath_morphometrics_write_unmyelinated_csv (morph, uaxon, error)))
    return FALSE;

  if (!write_other_regions (morph, segmentation, dir, stem, error))
    return FALSE;
  if (args->maps && !write_maps (morph, segmentation, dir, stem, args, &maps_tiff, error))
    return FALSE;
  if (regions != NULL &&
      !(regions_csv = write_named_regions (morph, regions, sheath_segmentation_get_width (segmentation),
                                           sheath_segmentation_get_height (segmentation), dir, stem, args,
                                           error)))
    return FALSE;
  if (agg->unmyelinated)
    uaxon_summary = g_strdup_printf (_ ("; %u unmyelinated axons (%.2f per myelinated), mean diameter %.2f µm"
                                        "\n  → %s"),
                                     agg->n_uaxons, agg->uaxon_ratio, agg->mean_uaxon_diam, uaxon);
  fprintf (stderr, "%s: %u axons (%u myelinated%s), mean diameter %.2f µm, aggregate g-ratio %.3f, "
           "AVF %.3f, MVF %.3f, %.2f s\n  → %s\n  → %s\n  → %s\n  → %s%s\n",
           stem, agg->n_axons, agg->n_myelinated,
           args->roi ? ", in the region" : "",
           agg->mean_axon_diam, agg->gratio_aggr, agg->avf, agg->mvf,
           (g_get_monotonic_time () - start) / 1e6, formats & SHEATH_TABLE_FORMAT_CSV ? csv : xlsx, aggregate,
           instance, index, uaxon_summary ? uaxon_summary : "");
  if (regions_csv != NULL)
    fprintf (stderr, _ ("  %u regions → %s\n"), sheath_regions_get_n_regions (regions), regions_csv);
  if (maps_tiff != NULL)
    fprintf (stderr, _ ("  maps of %g µm cells → %s (and %s_map-*.png)\n"), args->map_cell, maps_tiff, stem);
  return TRUE;
}

static char *
strip_extension (const char *path)
{
  for (guint i = 0; i < G_N_ELEMENTS (image_extensions); i++)
    if (g_str_has_suffix (path, image_extensions[i]))
      return g_strndup (path, strlen (path) - strlen (image_extensions[i]));
  return g_strdup (path);
}

static char *
find_image_for_stem (const char *stem)
{
  for (guint i = 0; i < G_N_ELEMENTS (image_extensions); i++)
    {
      g_autofree char *path = g_strconcat (stem, image_extensions[i], NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  return NULL;
}

/* A BIDS dataset keeps manual masks in derivatives/labels/, in the same
 * sub-XX/micr/ path as the image. */
static char *
find_bids_mask (const char *image_path,
                const char *suffix)
{
  g_autofree char *dir = g_path_get_dirname (image_path);
  g_autofree char *base = g_path_get_basename (image_path);
  g_autofree char *name_stem = strip_extension (base);
  g_autofree char *rel = g_strdup ("");

  for (guint level = 0; level < 3; level++)
    {
      g_autofree char *parent = g_path_get_dirname (dir);
      g_autofree char *leaf = g_path_get_basename (dir);
      g_autofree char *new_rel = *rel ? g_build_filename (leaf, rel, NULL) : g_strdup (leaf);
      g_autofree char *mask_name = g_strconcat (name_stem, suffix, NULL);
      g_autofree char *candidate = g_build_filename (parent, "derivatives", "labels", new_rel, mask_name, NULL);

      if (g_file_test (candidate, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&candidate);

      g_free (rel);
      rel = g_steal_pointer (&new_rel);
      g_free (dir);
      dir = g_steal_pointer (&parent);
    }
  return NULL;
}

/* From an image, a stem or an axon mask: the two masks, the image if there
 * is one, and the stem to name the outputs after. */
static gboolean
resolve_inputs (const char  *arg,
                char       **axon,
                char       **myelin,
                char       **image,
                char       **stem,
                GError     **error)
{
  const char *markers[] = { "_seg-axon-manual.png", "_seg-axon.png" };

  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    if (g_str_has_suffix (arg, markers[i]))
      {
        g_autofree char *prefix = g_strndup (arg, strlen (arg) - strlen (markers[i]));
        const char *myelin_suffix = i == 0 ? "_seg-myelin-manual.png" : "_seg-myelin.png";

        *axon = g_strdup (arg);
        *myelin = g_strconcat (prefix, myelin_suffix, NULL);
        *image = find_image_for_stem (prefix);
        if (*image == NULL && strstr (prefix, "/derivatives/labels/") != NULL)
          {
            /* a BIDS mask: its image is at the same place outside derivatives/labels */
            g_auto(GStrv) parts = g_strsplit (prefix, "/derivatives/labels/", 2);
            g_autofree char *image_stem = g_strconcat (parts[0], "/", parts[1], NULL);

            *image = find_image_for_stem (image_stem);
          }
        *stem = g_steal_pointer (&prefix);
        return TRUE;
      }

  if (g_file_test (arg, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *s = strip_extension (arg);
      g_autofree char *a = g_strconcat (s, "_seg-axon.png", NULL);

      *image = g_strdup (arg);
      if (g_file_test (a, G_FILE_TEST_IS_REGULAR))
        {
          *axon = g_steal_pointer (&a);
          *myelin = g_strconcat (s, "_seg-myelin.png", NULL);
        }
      else if ((*axon = find_bids_mask (arg, "_seg-axon-manual.png")) != NULL)
        *myelin = find_bids_mask (arg, "_seg-myelin-manual.png");
      else
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _ ("No masks for '%s': expected %s_seg-axon.png and _seg-myelin.png "
                       "(run 'sheath-cli segment' first)"), arg, s);
          return FALSE;
        }
      *stem = g_steal_pointer (&s);
      return TRUE;
    }

  *axon = g_strconcat (arg, "_seg-axon.png", NULL);
  *myelin = g_strconcat (arg, "_seg-myelin.png", NULL);
  *image = find_image_for_stem (arg);
  *stem = g_strdup (arg);
  return TRUE;
}

static gboolean
measure_one (const char               *arg,
             double                    pixel_size,
             const char               *output_dir,
             const MorphometricsArgs  *args,
             GError                  **error)
{
  g_autofree char *axon = NULL, *myelin = NULL, *image_path = NULL, *stem = NULL, *map = NULL;
  g_autofree char *dir = NULL, *stem_name = NULL;
  g_autoptr(GFile) axon_file = NULL, myelin_file = NULL;
  g_autoptr(SheathSegmentation) seg = NULL;
  g_autoptr(SheathImage) image = NULL;
  const char *ome_suffix = "_seg-axonmyelin.ome.tif";

  /* a large image's labels: one OME-TIFF map, named or found beside it */
  if (g_str_has_suffix (arg, ome_suffix))
    {
      map = g_strdup (arg);
      stem = g_strndup (arg, strlen (arg) - strlen (ome_suffix));
      image_path = find_image_for_stem (stem);
    }
  else
    {
      if (!resolve_inputs (arg, &axon, &myelin, &image_path, &stem, error))
        return FALSE;
      if (!g_file_test (axon, G_FILE_TEST_IS_REGULAR))
        {
          g_autofree char *candidate = g_strconcat (stem, ome_suffix, NULL);

          if (g_file_test (candidate, G_FILE_TEST_IS_REGULAR))
            map = g_steal_pointer (&candidate);
        }
    }

  /* a mask region, or leaving out fibres cut by a region's edge, needs
   * the map whole */
  if (map != NULL && (args->roi == NULL || (is_geojson (args->roi) && !args->exclude_border)))
    {
      /* too large to hold: measured band by band */
      g_autoptr(GFile) map_file = g_file_new_for_commandline_arg (map);
      g_autoptr(SheathSlide) header = sheath_slide_new_from_file (map_file, error);

      if (header == NULL)
        return FALSE;
      if ((double) sheath_slide_get_level_width (header, 0) * sheath_slide_get_level_height (header, 0) >
          args->bands_above)
        {
          dir = output_dir ? g_strdup (output_dir) : g_path_get_dirname (map);
          stem_name = g_path_get_basename (stem);
          return sheath_cli_prepare_output_dir (dir, error) &&
                 (args->output == NULL || sheath_cli_prepare_output_file (args->output, error)) &&
                 sheath_cli_write_banded_morphometrics (map, pixel_size, dir, stem_name, args, error);
        }
    }
  if (map != NULL)
    {
      g_autoptr(GFile) map_file = g_file_new_for_commandline_arg (map);

      if (!(seg = sheath_segmentation_new_from_axonmyelin (map_file, error)))
        return FALSE;
      if (image_path == NULL && !(pixel_size > 0))
        {
          /* the map states its own pixel size, in OME-XML */
          g_autoptr(SheathSlide) header = sheath_slide_new_from_file (map_file, error);

          if (header == NULL)
            return FALSE;
          pixel_size = sheath_slide_get_pixel_size (header);
        }
    }
  else
    {
      if (!g_file_test (axon, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _ ("Axon mask '%s' is missing (run 'sheath-cli segment' first, or name the masks' stem)"),
                       axon);
          return FALSE;
        }
      if (myelin == NULL || !g_file_test (myelin, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _ ("Myelin mask '%s' is missing"), myelin ? myelin : "(none found)");
          return FALSE;
        }

      axon_file = g_file_new_for_commandline_arg (axon);
      myelin_file = g_file_new_for_commandline_arg (myelin);
      if (!(seg = sheath_segmentation_new_from_masks (axon_file, myelin_file, error)) ||
          !sheath_segmentation_add_unmyelinated_beside (seg, axon_file, error))
        return FALSE;
    }

  if (image_path != NULL)
    {
      g_autoptr(GFile) image_file = g_file_new_for_commandline_arg (image_path);

      if (!(image = sheath_image_new_from_file (image_file, error)))
        return FALSE;
      if (sheath_image_get_width (image) != sheath_segmentation_get_width (seg) ||
          sheath_image_get_height (image) != sheath_segmentation_get_height (seg))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "'%s' is %u × %u but its masks are %u × %u", image_path,
                       sheath_image_get_width (image), sheath_image_get_height (image),
                       sheath_segmentation_get_width (seg), sheath_segmentation_get_height (seg));
          return FALSE;
        }
      if (pixel_size > 0 && !sheath_image_set_pixel_size (image, pixel_size, error))
        return FALSE;
      if (!sheath_image_require_pixel_size (image, error))
        return FALSE;
      pixel_size = sheath_image_get_pixel_size (image);
    }
  else if (!(pixel_size > 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _ ("No pixel size for '%s': there is no image beside the masks to read it from; "
                   "pass --pixel-size UM"), arg);
      return FALSE;
    }

  dir = output_dir ? g_strdup (output_dir) : g_path_get_dirname (map ? map : axon);
  stem_name = g_path_get_basename (stem);
  if (!sheath_cli_prepare_output_dir (dir, error) ||
      (args->output != NULL && !sheath_cli_prepare_output_file (args->output, error)))
    return FALSE;
  return sheath_cli_write_morphometrics (seg, image, pixel_size, dir, stem_name, args, error);
}

int
sheath_cli_morphometrics (int    argc,
                          char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) inputs = NULL;
  g_autofree char *shape = NULL;
  g_autofree char *output_dir = NULL;
  MorphometricsArgs args = { .bin_width = 1.0, .map_cell = SHEATH_CLI_DEFAULT_MAP_CELL };
  g_autofree char *format = NULL;
  double pixel_size = 0, bands_above = 64;
  guint failed = 0;
  const GOptionEntry entries[] = {
    { "pixel-size", 's', 0, G_OPTION_ARG_DOUBLE, &pixel_size,
      N_ ("The pixel size in micrometres, overriding what the files say"), "UM" },
    { "axon-shape", 'a', 0, G_OPTION_ARG_STRING, &shape,
      N_ ("Diameters of the equal-area circle (default) or the ellipse's minor axis"), "circle|ellipse" },
    { "roi", 0, 0, G_OPTION_ARG_FILENAME, &args.roi,
      N_ ("Describe only this region: a mask of the image's size, or GeoJSON polygons in pixels "
          "(as QuPath and napari export them), each named region also on a row of "
          "STEM_morphometrics_regions.csv"), "MASK|REGIONS.geojson" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &args.output,
      N_ ("Per-axon CSV file (one input only; default STEM_axon_morphometrics.csv)"), "FILE.csv" },
    { "output-dir", 'd', 0, G_OPTION_ARG_FILENAME, &output_dir,
      N_ ("Write the outputs here, made if missing (default: beside the masks)"), "DIR" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format,
      N_ ("The per-axon table as csv (default), xlsx (as AxonDeepSeg writes it) or both"), "csv|xlsx|both" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &args.json,
      N_ ("Write the aggregates as JSON instead of CSV"), NULL },
    { "exclude-border", 0, 0, G_OPTION_ARG_NONE, &args.exclude_border,
      N_ ("Leave axons cut by the image's or region's edge out of the aggregates"), NULL },
    { "bin-width", 0, 0, G_OPTION_ARG_DOUBLE, &args.bin_width,
      N_ ("Width of the diameter histogram's bins (default 1)"), "UM" },
    { "maps", 0, 0, G_OPTION_ARG_NONE, &args.maps,
      N_ ("Also map the measurements in square cells: STEM_maps.tif, one float page per metric, "
          "and STEM_map-METRIC.png heat maps"), NULL },
    { "map-cell", 0, 0, G_OPTION_ARG_DOUBLE, &args.map_cell,
      N_ ("The maps' cell side (default 50)"), "UM" },
    { "bands-above", 0, 0, G_OPTION_ARG_DOUBLE, &bands_above,
      N_ ("Measure an OME-TIFF map of more than this many megapixels band by band, in bounded memory "
          "(default 64; without instance map and index image)"), "MPX" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &inputs, NULL, "IMAGE_OR_MASK_STEM…" },
    { NULL }
  };

  context = g_option_context_new (_ ("IMAGE_OR_MASK_STEM… - measure every axon"));
  g_option_context_set_summary (context,
    _ ("Finds STEM_seg-axon.png and STEM_seg-myelin.png (Sheath's or AxonDeepSeg's; for an image\n"
    "of a BIDS dataset, also derivatives/labels/…_seg-axon-manual.png) and writes, beside them:\n"
    "  STEM_axon_morphometrics.csv        one row per axon, AxonDeepSeg's columns\n"
    "  STEM_morphometrics_aggregate.csv   counts, density, AVF, MVF, g-ratio, means (or .json)\n"
    "  STEM_instance-map.png              16-bit: each fibre's pixels hold its axon_id\n"
    "                                     (past 65535 axons, STEM_instance-map.tif, 32-bit)\n"
    "  STEM_index.png                     the image with each axon's number drawn on it\n"
    "With STEM_seg-uaxon.png beside them (a model with unmyelinated axons), also\n"
    "  STEM_uaxon_morphometrics.csv       one row per unmyelinated axon (AxonDeepSeg's -u columns)\n"
    "and the aggregates count them (n_uaxons, uaxon_density_mm2, uaxon_ratio, …).\n"
    "A large image's labels, STEM_seg-axonmyelin.ome.tif (segment --ome-tiff), are read too:\n"
    "found beside the image, or named; the pixel size is then the map's own (OME-XML).\n"
    "With --maps, per cell (--map-cell, default 50 µm): axon count and density, AVF, MVF, aggregate g-ratio, mean axon\n"
    "diameter and myelin thickness, as STEM_maps.tif (32-bit float, one page each, one pixel\n"
    "per cell) and as STEM_map-METRIC.png/.svg heat maps with a colour bar and a scale bar."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr (_ ("sheath-cli morphometrics: %s\n"), error->message);
      return 2;
    }

  if (inputs == NULL || inputs[0] == NULL)
    {
      g_printerr (_ ("sheath-cli morphometrics: nothing given; see 'sheath-cli morphometrics --help'\n"));
      return 2;
    }
  if (!sheath_cli_parse_format ("morphometrics", format, &args.formats))
    return 2;
  if (shape == NULL || g_str_equal (shape, "circle"))
    args.shape = SHEATH_AXON_SHAPE_CIRCLE;
  else if (g_str_equal (shape, "ellipse"))
    args.shape = SHEATH_AXON_SHAPE_ELLIPSE;
  else
    {
      g_printerr (_ ("sheath-cli morphometrics: --axon-shape is circle or ellipse, not '%s'\n"), shape);
      return 2;
    }
  if (pixel_size < 0 || args.bin_width <= 0 || !(args.map_cell > 0) || !(bands_above >= 0))
    {
      g_printerr (_ ("sheath-cli morphometrics: --pixel-size, --bin-width and --map-cell must be positive, "
                     "--bands-above 0 or more\n"));
      return 2;
    }
  args.bands_above = bands_above * 1e6;
  if (args.output != NULL && g_strv_length (inputs) > 1)
    {
      g_printerr (_ ("sheath-cli morphometrics: --output names one file; with several inputs use --output-dir\n"));
      return 2;
    }

  for (guint i = 0; inputs[i]; i++)
    {
      g_autoptr(GError) item_error = NULL;

      if (!measure_one (inputs[i], pixel_size, output_dir, &args, &item_error))
        {
          g_printerr (_ ("sheath-cli morphometrics: %s\n"), item_error->message);
          failed++;
        }
    }

  g_free (args.roi);
  g_free (args.output);

  if (failed > 0)
    {
      g_printerr (_ ("sheath-cli morphometrics: %u of %u inputs failed\n"), failed, g_strv_length (inputs));
      return 1;
    }
  return 0;
}
