/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-aggregates"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sheath-aggregates.h"
#include "sheath-util-private.h"
#include "sheath-error.h"
#include "sheath-image-private.h"
#include "sheath-morphometrics-private.h"
#include "sheath-regions.h"
#include "sheath-segmentation-private.h"
#include "sheath-slide.h"

#define MAX_BINS 10000

G_DEFINE_BOXED_TYPE (SheathAggregates, sheath_aggregates, sheath_aggregates_copy, sheath_aggregates_free)

/**
 * sheath_aggregates_copy:
 * @self: a #SheathAggregates
 *
 * Copies aggregates.
 *
 * Returns: (transfer full): a copy
 */
SheathAggregates *
sheath_aggregates_copy (const SheathAggregates *self)
{
  SheathAggregates *copy = g_memdup2 (self, sizeof *self);

  copy->bin_counts = g_memdup2 (self->bin_counts, sizeof (guint) * self->n_bins);
  return copy;
}

/**
 * sheath_aggregates_free:
 * @self: a #SheathAggregates
 *
 * Frees @self.
 */
void
sheath_aggregates_free (SheathAggregates *self)
{
  if (self == NULL)
    return;
  g_free (self->bin_counts);
  g_free (self);
}

/* mean, median and sample standard deviation; NaN for an empty set */
static void
summarize (GArray *values,
           double *mean,
           double *median,
           double *std)
{
  double *v = (double *) values->data;
  guint n = values->len;
  double sum = 0, ss = 0;

  if (n == 0)
    {
      *mean = *median = *std = NAN;
      return;
    }

  for (guint i = 0; i < n; i++)
    sum += v[i];
  *mean = sum / n;
  for (guint i = 0; i < n; i++)
    ss += (v[i] - *mean) * (v[i] - *mean);
  *std = n > 1 ? sqrt (ss / (n - 1)) : 0;

  qsort (v, n, sizeof (double), _sheath_compare_doubles);
  *median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The figures of a region from its axons' and pixels' tallies. */
static void
finish (SheathAggregates    *agg,
        SheathMorphometrics *morphometrics,
        GArray              *diams,
        GArray              *thick,
        GArray              *gratios,
        double               max_diam,
        guint64              region_px,
        guint64              axon_px,
        guint64              myelin_px,
        double               bin_width)
{
  double ps = sheath_morphometrics_get_pixel_size (morphometrics);

  agg->n_specks = sheath_morphometrics_get_n_specks (morphometrics);
  agg->n_holes_filled = sheath_morphometrics_get_n_holes_filled (morphometrics);
  agg->area_mm2 = region_px * ps * ps * 1e-6;
  agg->axon_density_mm2 = agg->area_mm2 > 0 ? agg->n_axons / agg->area_mm2 : 0;
  agg->avf = region_px ? (double) axon_px / region_px : 0;
  agg->mvf = region_px ? (double) myelin_px / region_px : 0;
  agg->gratio_aggr = agg->avf + agg->mvf > 0 ? sqrt (1.0 - agg->mvf / (agg->mvf + agg->avf)) : NAN;

  /* The histogram, before summarize() sorts the diameters. */
  agg->bin_width = bin_width;
  agg->n_bins = (guint) MIN (floor (max_diam / bin_width) + 1, MAX_BINS);
  agg->bin_counts = g_new0 (guint, agg->n_bins);
  for (guint i = 0; i < diams->len; i++)
    agg->bin_counts[MIN ((guint) (g_array_index (diams, double, i) / bin_width), agg->n_bins - 1)]++;

  summarize (diams, &agg->mean_axon_diam, &agg->median_axon_diam, &agg->std_axon_diam);
  summarize (thick, &agg->mean_myelin_thickness, &agg->median_myelin_thickness, &agg->std_myelin_thickness);
  summarize (gratios, &agg->mean_gratio, &agg->median_gratio, &agg->std_gratio);
}

/**
 * sheath_aggregates_compute:
 * @morphometrics: measured axons
 * @roi: (nullable): a mask of the region to describe (pixels above half the
 *   maximum are in), of the image's size; %NULL for the whole image
 * @exclude_border: leave out axons cut by the image's or the region's edge
 * @bin_width: the diameter histogram's bin width in µm
 * @error: return location for a #GError
 *
 * Counts and summarises the axons whose centroid lies in the region, and
 * the axon and myelin fractions of the region's area.
 *
 * Returns: (transfer full): the aggregates, or %NULL with @error set
 */
/* Unmyelinated axons are counted as axons are: by their centroid, and
 * left out when cut by an edge if that was asked for. */
static void
add_unmyelinated (SheathAggregates     *agg,
                  SheathMorphometrics  *morphometrics,
                  SheathImage          *roi,
                  guint                 threshold,
                  const guint8         *inside,
                  gboolean              exclude_border)
{
  guint width, height;
  guint n = sheath_morphometrics_get_n_unmyelinated (morphometrics);
  g_autoptr(GArray) diams = g_array_new (FALSE, FALSE, sizeof (double));
  double area_sum = 0;

  _sheath_morphometrics_get_size (morphometrics, &width, &height);
  agg->unmyelinated = _sheath_morphometrics_has_unmyelinated (morphometrics);
  for (guint i = 0; agg->unmyelinated && i < n; i++)
    {
      const SheathAxon *a = sheath_morphometrics_get_unmyelinated (morphometrics, i);
      guint cx = (guint) CLAMP (lround (a->x0), 0, (glong) width - 1);
      guint cy = (guint) CLAMP (lround (a->y0), 0, (glong) height - 1);
      gboolean cut = a->image_border_touching;

      /* in a region drawn on a slide: by its centroid */
      if (inside != NULL && !inside[i])
        continue;
      if (roi != NULL)
        {
          if (sheath_image_get_value (roi, cx, cy) <= threshold)
            continue;
          /* cut by the region's edge: a corner of its box outside it */
          cut |= sheath_image_get_value (roi, a->bbox_min_x, a->bbox_min_y) <= threshold ||
                 sheath_image_get_value (roi, a->bbox_max_x - 1, a->bbox_max_y - 1) <= threshold;
        }
      if (cut && exclude_border)
        continue;
      agg->n_uaxons++;
      area_sum += a->axon_area;
      g_array_append_val (diams, a->axon_diam);
    }
  agg->uaxon_density_mm2 = agg->area_mm2 > 0 ? agg->n_uaxons / agg->area_mm2 : 0;
  agg->uaxon_ratio = agg->n_myelinated > 0 ? (double) agg->n_uaxons / agg->n_myelinated : NAN;
  agg->mean_uaxon_area = agg->n_uaxons > 0 ? area_sum / agg->n_uaxons : NAN;
  summarize (diams, &agg->mean_uaxon_diam, &agg->median_uaxon_diam, &agg->std_uaxon_diam);
  if (!agg->unmyelinated)
    agg->uaxon_ratio = NAN;
}

SheathAggregates *
sheath_aggregates_compute (SheathMorphometrics  *morphometrics,
                           SheathImage          *roi,
                           gboolean              exclude_border,
                           double                bin_width,
                           GError              **error)
{
  g_autoptr(SheathAggregates) agg = g_new0 (SheathAggregates, 1);
  SheathSegmentation *seg;
  const guint32 *axon_labels, *fibre_labels;
  g_autoptr(GArray) diams = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) thick = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) gratios = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree guint8 *cut = NULL;
  guint width, height, n_axons, threshold = 0;
  guint64 region_px = 0, axon_px = 0, myelin_px = 0;
  double max_diam = 0;

  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (morphometrics), NULL);
  g_return_val_if_fail (roi == NULL || SHEATH_IS_IMAGE (roi), NULL);

  seg = _sheath_morphometrics_get_segmentation (morphometrics);
  axon_labels = _sheath_morphometrics_get_axon_labels (morphometrics);
  fibre_labels = _sheath_morphometrics_get_fibre_labels (morphometrics);
  _sheath_morphometrics_get_size (morphometrics, &width, &height);
  n_axons = sheath_morphometrics_get_n_axons (morphometrics);

  if (!(bin_width > 0) || !isfinite (bin_width))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("The histogram's bin width must be a positive number of micrometres"));
      return NULL;
    }
  if (roi != NULL && seg == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("Figures of a region need the label map in memory, and this one was measured in bands"));
      return NULL;
    }
  if (roi != NULL)
    {
      if (sheath_image_get_width (roi) != width || sheath_image_get_height (roi) != height)
        {
          g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                       _ ("The region mask is %u × %u but the masks are %u × %u"),
                       sheath_image_get_width (roi), sheath_image_get_height (roi), width, height);
          return NULL;
        }
      threshold = sheath_image_get_bit_depth (roi) == 8 ? 127 : 32767;
    }

#define IN_ROI(x, y) (roi == NULL || sheath_image_get_value (roi, (x), (y)) > threshold)

  /* Fractions of the region, and which fibres it cuts: without a region,
   * the whole image's, which the measurements keep counted */
  cut = g_new0 (guint8, n_axons + 1);
  if (roi == NULL)
    {
      _sheath_morphometrics_get_pixel_counts (morphometrics, &axon_px, &myelin_px);
      region_px = (guint64) width * height;
    }
  for (guint y = 0; roi != NULL && y < height; y++)
    {
      const guint8 *labels = _sheath_segmentation_get_row (seg, y);

      for (guint x = 0; x < width; x++)
        {
          gsize i = (gsize) y * width + x;

          if (!IN_ROI (x, y))
            {
              cut[fibre_labels[i]] = 1;
              continue;
            }
          region_px++;
          if (axon_labels[i])
            axon_px++;
          else if (labels[x] == SHEATH_LABEL_MYELIN)
            myelin_px++;
        }
    }

  for (guint i = 0; i < n_axons; i++)
    {
      const SheathAxon *a = sheath_morphometrics_get_axon (morphometrics, i);
      guint cx = (guint) CLAMP (lround (a->x0), 0, (glong) width - 1);
      guint cy = (guint) CLAMP (lround (a->y0), 0, (glong) height - 1);
      gboolean border = a->image_border_touching || cut[a->id];
      double d;

      if (!IN_ROI (cx, cy))
        continue;
      if (border)
        {
          agg->n_border_touching++;
          if (exclude_border)
            {
              agg->n_excluded++;
              continue;
            }
        }

      agg->n_axons++;
      g_array_append_val (diams, a->axon_diam);
      max_diam = MAX (max_diam, a->axon_diam);
      if (a->myelin_area > 0)
        {
          agg->n_myelinated++;
          g_array_append_val (thick, a->myelin_thickness);
          d = a->gratio;
          g_array_append_val (gratios, d);
        }
    }
#undef IN_ROI

  finish (agg, morphometrics, diams, thick, gratios, max_diam, region_px, axon_px, myelin_px, bin_width);
  add_unmyelinated (agg, morphometrics, roi, threshold, NULL, exclude_border);
  return g_steal_pointer (&agg);
}

#define REGION_BAND_ROWS 256

/**
 * sheath_aggregates_compute_regions:
 * @morphometrics: the axons measured on @map, in bands or whole
 * @map: the label map (`_seg-axonmyelin.ome.tif` or `.png`) they were
 *   measured on
 * @regions: the regions to describe
 * @bin_width: the diameter histograms' bin width in µm
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The figures of each region of @regions, as sheath_aggregates_compute()
 * gives them for its mask, with the map read in bands so that a slide's
 * regions are measured in bounded memory: the axons (and unmyelinated
 * axons) whose centroid lies in the region, and its axon and myelin
 * fractions from the map's pixels. A fibre cut by a region's outline is
 * counted by its centroid, and only the image's edge makes one
 * border-touching.
 *
 * Returns: (transfer full) (element-type SheathAggregates): one
 *   #SheathAggregates per region, or %NULL with @error set
 */
GPtrArray *
sheath_aggregates_compute_regions (SheathMorphometrics  *morphometrics,
                                   GFile                *map,
                                   SheathRegions        *regions,
                                   double                bin_width,
                                   GCancellable         *cancellable,
                                   GError              **error)
{
  g_autoptr(SheathSlide) slide = NULL;
  g_autoptr(GPtrArray) result = NULL;
  g_autofree guint8 *mask = NULL, *axon_in = NULL, *uaxon_in = NULL;
  g_autofree guint64 *tallies = NULL;          /* region, axon, myelin pixels per region */
  g_autofree guint *first_axon_of_row = NULL, *axons_by_row = NULL;
  g_autofree guint *first_uaxon_of_row = NULL, *uaxons_by_row = NULL;
  guint width, height, n_regions, n_axons, n_uaxons;

  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (morphometrics), NULL);
  g_return_val_if_fail (G_IS_FILE (map), NULL);
  g_return_val_if_fail (SHEATH_IS_REGIONS (regions), NULL);

  if (!(bin_width > 0) || !isfinite (bin_width))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("The histogram's bin width must be a positive number of micrometres"));
      return NULL;
    }
  if (!(slide = sheath_slide_new_from_file (map, error)))
    return NULL;
  _sheath_morphometrics_get_size (morphometrics, &width, &height);
  if (sheath_slide_get_level_width (slide, 0) != width || sheath_slide_get_level_height (slide, 0) != height ||
      sheath_slide_get_bit_depth (slide) != 8)
    {
      g_autofree char *name = g_file_get_basename (map);

      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("“%s” is not the %u × %u label map these axons were measured on"), name, width, height);
      return NULL;
    }

  /* the axons and unmyelinated axons by the row of their centroid, so that
   * each band looks up only its own */
  n_regions = sheath_regions_get_n_regions (regions);
  n_axons = sheath_morphometrics_get_n_axons (morphometrics);
  n_uaxons = sheath_morphometrics_get_n_unmyelinated (morphometrics);
  first_axon_of_row = g_new0 (guint, (gsize) height + 1);
  first_uaxon_of_row = g_new0 (guint, (gsize) height + 1);
  axons_by_row = g_new (guint, MAX (n_axons, 1));
  uaxons_by_row = g_new (guint, MAX (n_uaxons, 1));
  for (guint pass = 0; pass < 2; pass++)
    {
      guint n = pass == 0 ? n_axons : n_uaxons;
      guint *first = pass == 0 ? first_axon_of_row : first_uaxon_of_row;
      guint *by_row = pass == 0 ? axons_by_row : uaxons_by_row;
      g_autofree guint *fill = g_new0 (guint, (gsize) height + 1);

      for (guint i = 0; i < n; i++)
        {
          const SheathAxon *a = pass == 0 ? sheath_morphometrics_get_axon (morphometrics, i)
                                          : sheath_morphometrics_get_unmyelinated (morphometrics, i);

          first[CLAMP (lround (a->y0), 0, (glong) height - 1) + 1]++;
        }
      for (guint y = 0; y < height; y++)
        first[y + 1] += first[y];
      for (guint i = 0; i < n; i++)
        {
          const SheathAxon *a = pass == 0 ? sheath_morphometrics_get_axon (morphometrics, i)
                                          : sheath_morphometrics_get_unmyelinated (morphometrics, i);
          guint y = (guint) CLAMP (lround (a->y0), 0, (glong) height - 1);

          by_row[first[y] + fill[y]++] = i;
        }
    }

  tallies = g_new0 (guint64, (gsize) 3 * n_regions);
  axon_in = g_new0 (guint8, (gsize) n_regions * MAX (n_axons, 1));
  uaxon_in = g_new0 (guint8, (gsize) n_regions * MAX (n_uaxons, 1));
  mask = g_malloc ((gsize) width * REGION_BAND_ROWS);
  for (guint y0 = 0; y0 < height; y0 += REGION_BAND_ROWS)
    {
      guint rows = MIN (REGION_BAND_ROWS, height - y0);
      g_autoptr(GBytes) band = NULL;
      const guint8 *labels;

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !(band = sheath_slide_read_region (slide, 0, 0, y0, width, rows, error)))
        return NULL;
      labels = g_bytes_get_data (band, NULL);
      for (guint r = 0; r < n_regions; r++)
        {
          guint64 *t = tallies + 3 * r;

          memset (mask, 0, (gsize) width * rows);
          sheath_regions_rasterize_rows (regions, (gint) r, width, y0, rows, mask);
          for (gsize i = 0; i < (gsize) width * rows; i++)
            if (mask[i])
              {
                t[0]++;
                t[1] += labels[i] == 255;
                t[2] += labels[i] == 127;
              }
          for (guint y = y0; y < y0 + rows; y++)
            {
              for (guint k = first_axon_of_row[y]; k < first_axon_of_row[y + 1]; k++)
                {
                  const SheathAxon *a = sheath_morphometrics_get_axon (morphometrics, axons_by_row[k]);
                  guint x = (guint) CLAMP (lround (a->x0), 0, (glong) width - 1);

                  axon_in[(gsize) r * n_axons + axons_by_row[k]] = mask[(gsize) (y - y0) * width + x] != 0;
                }
              for (guint k = first_uaxon_of_row[y]; k < first_uaxon_of_row[y + 1]; k++)
                {
                  const SheathAxon *a = sheath_morphometrics_get_unmyelinated (morphometrics, uaxons_by_row[k]);
                  guint x = (guint) CLAMP (lround (a->x0), 0, (glong) width - 1);

                  uaxon_in[(gsize) r * n_uaxons + uaxons_by_row[k]] = mask[(gsize) (y - y0) * width + x] != 0;
                }
            }
        }
    }

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) sheath_aggregates_free);
  for (guint r = 0; r < n_regions; r++)
    {
      SheathAggregates *agg = g_new0 (SheathAggregates, 1);
      g_autoptr(GArray) diams = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) thick = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) gratios = g_array_new (FALSE, FALSE, sizeof (double));
      double max_diam = 0;

      for (guint i = 0; i < n_axons; i++)
        {
          const SheathAxon *a = sheath_morphometrics_get_axon (morphometrics, i);

          if (!axon_in[(gsize) r * n_axons + i])
            continue;
          agg->n_axons++;
          agg->n_border_touching += a->image_border_touching;
          g_array_append_val (diams, a->axon_diam);
          max_diam = MAX (max_diam, a->axon_diam);
          if (a->myelin_area > 0)
            {
              agg->n_myelinated++;
              g_array_append_val (thick, a->myelin_thickness);
              g_array_append_val (gratios, a->gratio);
            }
        }
      finish (agg, morphometrics, diams, thick, gratios, max_diam, tallies[3 * r], tallies[3 * r + 1],
              tallies[3 * r + 2], bin_width);
      add_unmyelinated (agg, morphometrics, NULL, 0, uaxon_in + (gsize) r * n_uaxons, FALSE);
      g_ptr_array_add (result, agg);
    }
  return g_steal_pointer (&result);
}

typedef struct
{
  const char *name;
  gsize       offset;
  gboolean    is_count;
} Field;

#define COUNT(f) { #f, G_STRUCT_OFFSET (SheathAggregates, f), TRUE }
#define VALUE(f) { #f, G_STRUCT_OFFSET (SheathAggregates, f), FALSE }

static const Field fields[] = {
  COUNT (n_axons), COUNT (n_myelinated), COUNT (n_border_touching), COUNT (n_excluded),
  COUNT (n_specks), COUNT (n_holes_filled),
  VALUE (area_mm2), VALUE (axon_density_mm2), VALUE (avf), VALUE (mvf), VALUE (gratio_aggr),
  VALUE (mean_axon_diam), VALUE (median_axon_diam), VALUE (std_axon_diam),
  VALUE (mean_myelin_thickness), VALUE (median_myelin_thickness), VALUE (std_myelin_thickness),
  VALUE (mean_gratio), VALUE (median_gratio), VALUE (std_gratio),
};

/* written only where unmyelinated axons were measured */
static const Field uaxon_fields[] = {
  COUNT (n_uaxons), VALUE (uaxon_density_mm2), VALUE (uaxon_ratio), VALUE (mean_uaxon_area),
  VALUE (mean_uaxon_diam), VALUE (median_uaxon_diam), VALUE (std_uaxon_diam),
};

static gboolean
write_file (const char  *path,
            const char  *contents,
            gsize        length,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_file_set_contents_full (path, contents, length, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local_error))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE, _ ("Cannot write '%s': %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* One field's value as CSV writes it: a count, a number, or nothing for
 * an undefined one. */
static void
append_csv_value (GString                *csv,
                  const SheathAggregates *self,
                  const Field            *field)
{
  gconstpointer p = G_STRUCT_MEMBER_P (self, field->offset);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (field->is_count)
    g_string_append_printf (csv, "%u", *(const guint *) p);
  else if (!isnan (*(const double *) p))
    g_string_append (csv, g_ascii_formatd (buf, sizeof buf, "%.10g", *(const double *) p));
}

static void
append_csv_fields (GString                *csv,
                   const SheathAggregates *self,
                   const Field            *list,
                   guint                   n)
{
  for (guint i = 0; i < n; i++)
    {
      g_string_append_printf (csv, "%s,", list[i].name);
      append_csv_value (csv, self, &list[i]);
      g_string_append_c (csv, '\n');
    }
}

static void
add_json_fields (JsonBuilder            *b,
                 const SheathAggregates *self,
                 const Field            *list,
                 guint                   n)
{
  for (guint i = 0; i < n; i++)
    {
      gconstpointer p = G_STRUCT_MEMBER_P (self, list[i].offset);

      json_builder_set_member_name (b, list[i].name);
      if (list[i].is_count)
        json_builder_add_int_value (b, *(const guint *) p);
      else if (isnan (*(const double *) p))
        json_builder_add_null_value (b);
      else
        json_builder_add_double_value (b, *(const double *) p);
    }
}

/**
 * sheath_aggregates_write_csv:
 * @self: a #SheathAggregates
 * @path: the file to write
 * @error: return location for a #GError
 *
 * Writes `metric,value` rows (those of unmyelinated axons where they were
 * measured), then one `axon_diam_bin_A-B_um` row per histogram bin; an
 * undefined value is an empty field.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_aggregates_write_csv (const SheathAggregates  *self,
                             const char              *path,
                             GError                 **error)
{
  g_autoptr(GString) csv = g_string_new ("metric,value\n");

  append_csv_fields (csv, self, fields, G_N_ELEMENTS (fields));
  if (self->unmyelinated)
    append_csv_fields (csv, self, uaxon_fields, G_N_ELEMENTS (uaxon_fields));
  for (guint k = 0; k < self->n_bins; k++)
    {
      char lo[G_ASCII_DTOSTR_BUF_SIZE], hi[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (csv, "axon_diam_bin_%s-%s_um,%u\n",
                              g_ascii_formatd (lo, sizeof lo, "%g", k * self->bin_width),
                              g_ascii_formatd (hi, sizeof hi, "%g", (k + 1) * self->bin_width),
                              self->bin_counts[k]);
    }

  return write_file (path, csv->str, csv->len, error);
}

static void
append_csv_row (GString                *csv,
                const SheathAggregates *self,
                const Field            *list,
                guint                   n)
{
  for (guint i = 0; i < n; i++)
    {
      g_string_append_c (csv, ',');
      append_csv_value (csv, self, &list[i]);
    }
}

static void
append_csv_quoted (GString    *csv,
                   const char *text)
{
  g_string_append_c (csv, '"');
  for (const char *c = text; *c; c++)
    {
      if (*c == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *c);
    }
  g_string_append_c (csv, '"');
}

/**
 * sheath_aggregates_write_regions_csv:
 * @aggregates: (array length=n_regions): the figures of each region
 * @names: (array length=n_regions): the regions' names
 * @n_regions: how many regions
 * @path: the file to write
 * @error: return location for a #GError
 *
 * Writes one row per region, its name first and then the metrics
 * sheath_aggregates_write_csv() writes one per row (unmyelinated axons'
 * too where the first region has them), so that regions compare side by
 * side; an undefined value is an empty field.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_aggregates_write_regions_csv (SheathAggregates  **aggregates,
                                     const char        **names,
                                     guint               n_regions,
                                     const char         *path,
                                     GError            **error)
{
  g_autoptr(GString) csv = g_string_new ("region");
  gboolean unmyelinated = n_regions > 0 && aggregates[0]->unmyelinated;

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_string_append_printf (csv, ",%s", fields[i].name);
  for (guint i = 0; unmyelinated && i < G_N_ELEMENTS (uaxon_fields); i++)
    g_string_append_printf (csv, ",%s", uaxon_fields[i].name);
  g_string_append_c (csv, '\n');
  for (guint r = 0; r < n_regions; r++)
    {
      append_csv_quoted (csv, names[r]);
      append_csv_row (csv, aggregates[r], fields, G_N_ELEMENTS (fields));
      if (unmyelinated)
        append_csv_row (csv, aggregates[r], uaxon_fields, G_N_ELEMENTS (uaxon_fields));
      g_string_append_c (csv, '\n');
    }
  return write_file (path, csv->str, csv->len, error);
}

/**
 * sheath_aggregates_write_json:
 * @self: a #SheathAggregates
 * @path: the file to write
 * @error: return location for a #GError
 *
 * Writes the aggregates as one JSON object; the histogram is
 * `"axon_diam_histogram": {"bin_width_um": …, "counts": […]}`, and an
 * undefined value is null.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_aggregates_write_json (const SheathAggregates  *self,
                              const char              *path,
                              GError                 **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  gsize len;

  json_builder_begin_object (b);
  add_json_fields (b, self, fields, G_N_ELEMENTS (fields));
  if (self->unmyelinated)
    add_json_fields (b, self, uaxon_fields, G_N_ELEMENTS (uaxon_fields));
  json_builder_set_member_name (b, "axon_diam_histogram");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "bin_width_um");
  json_builder_add_double_value (b, self->bin_width);
  json_builder_set_member_name (b, "counts");
  json_builder_begin_array (b);
  for (guint k = 0; k < self->n_bins; k++)
    json_builder_add_int_value (b, self->bin_counts[k]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, &len);
  return write_file (path, text, len, error);
}
