/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-maps"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <tiffio.h>

#include "sheath-error.h"
#include "sheath-maps-private.h"
#include "sheath-plot-file-private.h"
#include "sheath-segmentation-private.h"
#include "sheath-tiff-private.h"

/* At most this many cells: a whole section at 0.1 µm and 50 µm cells has
 * some ten thousand. */
#define MAX_CELLS (G_GUINT64_CONSTANT (1) << 26)

struct _SheathMaps
{
  GObject  parent_instance;

  guint    columns;
  guint    rows;
  double   cell_size;
  double   pixel_size;
  double  *values[SHEATH_MAP_N_METRICS];
};

/**
 * SheathMaps:
 *
 * The seed paper's maps of a section: the image cut into square cells
 * (50 µm, say) and, in each, the axon count and density, the axon and
 * myelin volume fractions, the aggregate g-ratio and the mean axon
 * diameter and myelin thickness. An axon belongs to the cell of its
 * centroid; fractions count the cell's pixels. Cells at the image's right
 * and bottom edges are cut short and their areas are what is left.
 *
 * Written as a multi-page 32-bit float TIFF whose pixel is one cell, for
 * analysis, and as colour heat maps with a colour bar and a scale bar.
 */

G_DEFINE_FINAL_TYPE (SheathMaps, sheath_maps, G_TYPE_OBJECT)

static const struct
{
  const char *name;
  const char *title;
} metrics[SHEATH_MAP_N_METRICS] = {
  { "axon_count", N_ ("Axons per cell") },
  { "axon_density_mm2", N_ ("Axon density (per mm²)") },
  { "avf", N_ ("Axon volume fraction") },
  { "mvf", N_ ("Myelin volume fraction") },
  { "gratio_aggr", N_ ("Aggregate g-ratio") },
  { "mean_axon_diam_um", N_ ("Mean axon diameter (µm)") },
  { "mean_myelin_thickness_um", N_ ("Mean myelin thickness (µm)") },
};

static void
sheath_maps_finalize (GObject *object)
{
  SheathMaps *self = SHEATH_MAPS (object);

  for (guint m = 0; m < SHEATH_MAP_N_METRICS; m++)
    g_free (self->values[m]);
  G_OBJECT_CLASS (sheath_maps_parent_class)->finalize (object);
}

static void
sheath_maps_class_init (SheathMapsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sheath_maps_finalize;
}

static void
sheath_maps_init (SheathMaps *self)
{
}

/**
 * sheath_map_metric_get_name:
 * @metric: a #SheathMapMetric
 *
 * The metric's name in files: the TIFF's page names and the heat maps'
 * file names (`axon_density_mm2`, `gratio_aggr`, …).
 *
 * Returns: the name
 */
const char *
sheath_map_metric_get_name (SheathMapMetric metric)
{
  g_return_val_if_fail (metric < SHEATH_MAP_N_METRICS, NULL);
  return metrics[metric].name;
}

/**
 * sheath_maps_compute:
 * @morphometrics: the measured axons
 * @segmentation: the segmentation they were measured on
 * @cell_size: the cells' side in micrometres
 * @error: return location for a #GError
 *
 * Cuts the image into cells of @cell_size and sums up each.
 *
 * Returns: (transfer full): the maps, or %NULL with @error set (a cell
 *   smaller than a pixel, or more cells than Sheath makes)
 */
struct _SheathMapsBuilder
{
  SheathMaps *maps;
  guint       width, height;
  double      cell_px;
  guint      *column_of;
  guint64    *pixels, *axon_px, *myelin_px;
};

void
_sheath_maps_builder_free (SheathMapsBuilder *self)
{
  g_clear_object (&self->maps);
  g_free (self->column_of);
  g_free (self->pixels);
  g_free (self->axon_px);
  g_free (self->myelin_px);
  g_free (self);
}

SheathMapsBuilder *
_sheath_maps_builder_new (guint     width,
                          guint     height,
                          double    pixel_size,
                          double    cell_size,
                          GError  **error)
{
  g_autoptr(SheathMapsBuilder) self = g_new0 (SheathMapsBuilder, 1);
  SheathMaps *maps;
  guint64 n_cells;

  if (!(cell_size >= pixel_size) || !isfinite (cell_size))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("A map's cells must be at least one pixel (%g µm), not %g µm"), pixel_size, cell_size);
      return NULL;
    }
  self->width = width;
  self->height = height;
  self->cell_px = cell_size / pixel_size;
  maps = self->maps = g_object_new (SHEATH_TYPE_MAPS, NULL);
  maps->cell_size = cell_size;
  maps->pixel_size = pixel_size;
  maps->columns = (guint) ceil (width / self->cell_px);
  maps->rows = (guint) ceil (height / self->cell_px);
  n_cells = (guint64) maps->columns * maps->rows;
  if (n_cells > MAX_CELLS)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("Cells of %g µm make %u × %u of them; give larger cells"), cell_size,
                   maps->columns, maps->rows);
      return NULL;
    }

  self->pixels = g_new0 (guint64, n_cells);
  self->axon_px = g_new0 (guint64, n_cells);
  self->myelin_px = g_new0 (guint64, n_cells);
  self->column_of = g_new (guint, width);
  for (guint x = 0; x < width; x++)
    self->column_of[x] = MIN ((guint) (x / self->cell_px), maps->columns - 1);
  return g_steal_pointer (&self);
}

/* Row @y of the label map: its pixels counted in their cells. */
void
_sheath_maps_builder_add_row (SheathMapsBuilder *self,
                              guint              y,
                              const guint8      *row)
{
  SheathMaps *maps = self->maps;
  gsize base = (gsize) MIN ((guint) (y / self->cell_px), maps->rows - 1) * maps->columns;

  for (guint x = 0; x < self->width; x++)
    {
      gsize c = base + self->column_of[x];

      self->pixels[c]++;
      self->axon_px[c] += row[x] == SHEATH_LABEL_AXON;
      self->myelin_px[c] += row[x] == SHEATH_LABEL_MYELIN;
    }
}

/* Once every row is added: the axons placed in their cells by their
 * centroids, and the maps. */
SheathMaps *
_sheath_maps_builder_finish (SheathMapsBuilder   *self,
                             SheathMorphometrics *morphometrics)
{
  SheathMaps *maps = self->maps;
  gsize n_cells = (gsize) maps->columns * maps->rows;
  double ps = maps->pixel_size;
  g_autofree guint *n_axons = g_new0 (guint, n_cells), *n_myelinated = g_new0 (guint, n_cells);
  g_autofree double *diam_sum = g_new0 (double, n_cells), *thickness_sum = g_new0 (double, n_cells);

  for (guint i = 0; i < sheath_morphometrics_get_n_axons (morphometrics); i++)
    {
      const SheathAxon *a = sheath_morphometrics_get_axon (morphometrics, i);
      guint cx = MIN ((guint) (MAX (a->x0, 0) / self->cell_px), maps->columns - 1);
      guint cy = MIN ((guint) (MAX (a->y0, 0) / self->cell_px), maps->rows - 1);
      gsize c = (gsize) cy * maps->columns + cx;

      n_axons[c]++;
      diam_sum[c] += a->axon_diam;
      if (a->myelin_thickness > 0)
        {
          n_myelinated[c]++;
          thickness_sum[c] += a->myelin_thickness;
        }
    }

  for (guint m = 0; m < SHEATH_MAP_N_METRICS; m++)
    maps->values[m] = g_new (double, n_cells);
  for (gsize c = 0; c < n_cells; c++)
    {
      double area_mm2 = self->pixels[c] * ps * ps * 1e-6;
      double avf = self->pixels[c] ? (double) self->axon_px[c] / self->pixels[c] : NAN;
      double mvf = self->pixels[c] ? (double) self->myelin_px[c] / self->pixels[c] : NAN;

      maps->values[SHEATH_MAP_AXON_COUNT][c] = n_axons[c];
      maps->values[SHEATH_MAP_AXON_DENSITY][c] = area_mm2 > 0 ? n_axons[c] / area_mm2 : NAN;
      maps->values[SHEATH_MAP_AVF][c] = avf;
      maps->values[SHEATH_MAP_MVF][c] = mvf;
      maps->values[SHEATH_MAP_GRATIO_AGGR][c] = avf + mvf > 0 ? sqrt (1 - mvf / (mvf + avf)) : NAN;
      maps->values[SHEATH_MAP_MEAN_AXON_DIAM][c] = n_axons[c] ? diam_sum[c] / n_axons[c] : NAN;
      maps->values[SHEATH_MAP_MEAN_MYELIN_THICKNESS][c] =
        n_myelinated[c] ? thickness_sum[c] / n_myelinated[c] : NAN;
    }
  return g_steal_pointer (&self->maps);
}

SheathMaps *
sheath_maps_compute (SheathMorphometrics  *morphometrics,
                     SheathSegmentation   *segmentation,
                     double                cell_size,
                     GError              **error)
{
  g_autoptr(SheathMapsBuilder) builder = NULL;
  guint w, h;

  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (morphometrics), NULL);
  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (segmentation), NULL);

  w = sheath_segmentation_get_width (segmentation);
  h = sheath_segmentation_get_height (segmentation);
  if (!(builder = _sheath_maps_builder_new (w, h, sheath_morphometrics_get_pixel_size (morphometrics),
                                            cell_size, error)))
    return NULL;
  for (guint y = 0; y < h; y++)
    _sheath_maps_builder_add_row (builder, y, _sheath_segmentation_get_row (segmentation, y));
  return _sheath_maps_builder_finish (builder, morphometrics);
}

/**
 * sheath_maps_get_columns:
 * @self: a #SheathMaps
 *
 * How many cells across.
 *
 * Returns: the number of columns
 */
guint
sheath_maps_get_columns (SheathMaps *self)
{
  g_return_val_if_fail (SHEATH_IS_MAPS (self), 0);
  return self->columns;
}

/**
 * sheath_maps_get_rows:
 * @self: a #SheathMaps
 *
 * How many cells down.
 *
 * Returns: the number of rows
 */
guint
sheath_maps_get_rows (SheathMaps *self)
{
  g_return_val_if_fail (SHEATH_IS_MAPS (self), 0);
  return self->rows;
}

/**
 * sheath_maps_get_cell_size:
 * @self: a #SheathMaps
 *
 * The side of a cell.
 *
 * Returns: the side in micrometres
 */
double
sheath_maps_get_cell_size (SheathMaps *self)
{
  g_return_val_if_fail (SHEATH_IS_MAPS (self), 0);
  return self->cell_size;
}

/**
 * sheath_maps_get_value:
 * @self: a #SheathMaps
 * @metric: what to read
 * @column: the cell's column
 * @row: its row
 *
 * One cell's figure.
 *
 * Returns: the value, NaN where it is undefined (a mean over no axon)
 */
double
sheath_maps_get_value (SheathMaps      *self,
                       SheathMapMetric  metric,
                       guint            column,
                       guint            row)
{
  g_return_val_if_fail (SHEATH_IS_MAPS (self), NAN);
  g_return_val_if_fail (metric < SHEATH_MAP_N_METRICS, NAN);
  g_return_val_if_fail (column < self->columns && row < self->rows, NAN);
  return self->values[metric][(gsize) row * self->columns + column];
}

static gboolean
write_pages (TIFF     *tif,
             gpointer  data)
{
  SheathMaps *self = data;
  g_autofree float *row = g_new (float, self->columns);

  for (guint m = 0; m < SHEATH_MAP_N_METRICS; m++)
    {
      g_autofree char *description = g_strdup_printf ("%s per %g um cell", metrics[m].name, self->cell_size);

      TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, self->columns);
      TIFFSetField (tif, TIFFTAG_IMAGELENGTH, self->rows);
      TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, 32);
      TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, 1);
      TIFFSetField (tif, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_IEEEFP);
      TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
      TIFFSetField (tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
      TIFFSetField (tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
      TIFFSetField (tif, TIFFTAG_ROWSPERSTRIP, MAX (1u, 65536 / MAX (self->columns, 1u)));
      TIFFSetField (tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_CENTIMETER);
      TIFFSetField (tif, TIFFTAG_XRESOLUTION, 1e4 / self->cell_size);
      TIFFSetField (tif, TIFFTAG_YRESOLUTION, 1e4 / self->cell_size);
      TIFFSetField (tif, TIFFTAG_PAGENAME, metrics[m].name);
      TIFFSetField (tif, TIFFTAG_IMAGEDESCRIPTION, description);
      TIFFSetField (tif, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
      TIFFSetField (tif, TIFFTAG_PAGENUMBER, m, SHEATH_MAP_N_METRICS);
      for (guint y = 0; y < self->rows; y++)
        {
          for (guint x = 0; x < self->columns; x++)
            row[x] = (float) self->values[m][(gsize) y * self->columns + x];
          if (TIFFWriteScanline (tif, row, y, 0) != 1)
            return FALSE;
        }
      if (!TIFFWriteDirectory (tif))
        return FALSE;
    }
  return TRUE;
}

/**
 * sheath_maps_write_tiff:
 * @self: a #SheathMaps
 * @path: the file to write
 * @error: return location for a #GError
 *
 * Writes one page per metric, 32-bit float, one pixel per cell (the
 * resolution tags say the cell's size), each page named after its metric;
 * NaN where a value is undefined. Written to a temporary file and renamed.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_maps_write_tiff (SheathMaps  *self,
                        const char  *path,
                        GError     **error)
{
  g_return_val_if_fail (SHEATH_IS_MAPS (self), FALSE);

  return _sheath_tiff_write_atomic (path, FALSE, write_pages, self, error);
}

/**
 * sheath_maps_get_colour:
 * @t: where on the scale, from 0 (lowest) to 1 (highest)
 * @red: (out): red, from 0 to 1
 * @green: (out): green
 * @blue: (out): blue
 *
 * The colour of a heat map at @t: viridis, sampled at eleven points and
 * interpolated — perceptually even, readable in grey and by colour-blind
 * readers.
 */
void
sheath_maps_get_colour (double  t,
                        double *red,
                        double *green,
                        double *blue)
{
  static const double stops[][3] = {
    { 0.267, 0.005, 0.329 }, { 0.283, 0.141, 0.458 }, { 0.254, 0.265, 0.530 },
    { 0.207, 0.372, 0.553 }, { 0.164, 0.471, 0.558 }, { 0.128, 0.567, 0.551 },
    { 0.135, 0.659, 0.518 }, { 0.267, 0.749, 0.441 }, { 0.478, 0.821, 0.318 },
    { 0.741, 0.873, 0.150 }, { 0.993, 0.906, 0.144 },
  };
  double p = CLAMP (isnan (t) ? 0 : t, 0, 1) * (G_N_ELEMENTS (stops) - 1);
  guint i = MIN ((guint) p, G_N_ELEMENTS (stops) - 2);
  double f = p - i;

  *red = stops[i][0] + f * (stops[i + 1][0] - stops[i][0]);
  *green = stops[i][1] + f * (stops[i + 1][1] - stops[i][1]);
  *blue = stops[i][2] + f * (stops[i + 1][2] - stops[i][2]);
}

static void
viridis (cairo_t *cr,
         double   t)
{
  double r, g, b;

  sheath_maps_get_colour (t, &r, &g, &b);
  cairo_set_source_rgb (cr, r, g, b);
}

/**
 * sheath_maps_get_range:
 * @self: a #SheathMaps
 * @metric: a metric
 * @low: (out): the lowest value of a cell
 * @high: (out): the highest, above @low
 *
 * The range a heat map of @metric spans: its cells' lowest and highest
 * values (0 to 1 when no cell has one; one unit wide when all are equal).
 */
void
sheath_maps_get_range (SheathMaps      *self,
                       SheathMapMetric  metric,
                       double          *low,
                       double          *high)
{
  gsize n;
  double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE;

  g_return_if_fail (SHEATH_IS_MAPS (self));
  g_return_if_fail (metric < SHEATH_MAP_N_METRICS);

  n = (gsize) self->columns * self->rows;
  for (gsize c = 0; c < n; c++)
    if (!isnan (self->values[metric][c]))
      {
        lo = MIN (lo, self->values[metric][c]);
        hi = MAX (hi, self->values[metric][c]);
      }
  if (lo > hi)
    lo = 0, hi = 1;
  if (hi - lo < 1e-12)
    hi = lo + 1;
  *low = lo;
  *high = hi;
}

/**
 * sheath_map_metric_get_title:
 * @metric: a metric
 *
 * The metric's title, translated, with its unit: what a heat map's legend
 * says.
 *
 * Returns: the title
 */
const char *
sheath_map_metric_get_title (SheathMapMetric metric)
{
  g_return_val_if_fail (metric < SHEATH_MAP_N_METRICS, NULL);
  return _ (metrics[metric].title);
}

typedef struct
{
  SheathMaps      *maps;
  SheathMapMetric  metric;
  double           lo, hi;
  int              cell;       /* drawn side of a cell, in points */
} HeatMap;

#define MARGIN_LEFT   20
#define MARGIN_TOP    40
#define MARGIN_RIGHT  120
#define MARGIN_BOTTOM 56

/* A scale bar of 1, 2 or 5 × 10^k µm, about a quarter of the map. */
static double
nice_length (double about)
{
  double p = pow (10, floor (log10 (about)));

  return about >= 5 * p ? 5 * p : about >= 2 * p ? 2 * p : p;
}

static void
format_value (char   *buf,
              gsize   size,
              double  v)
{
  if (fabs (v) >= 100 || v == floor (v))
    g_snprintf (buf, size, "%.0f", v);
  else
    g_snprintf (buf, size, "%.3g", v);
}

static void
draw_heat_map (cairo_t  *cr,
               gpointer  data)
{
  HeatMap *hm = data;
  SheathMaps *maps = hm->maps;
  double map_w = (double) maps->columns * hm->cell, map_h = (double) maps->rows * hm->cell;
  double bar_x = MARGIN_LEFT + map_w + 24, bar_h = MAX (map_h, 120);
  double length = nice_length (maps->columns * maps->cell_size / 4);
  char buf[64];

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_font_size (cr, 14);
  _sheath_plot_text_at (cr, MARGIN_LEFT, 24, 0, _ (metrics[hm->metric].title));

  for (guint y = 0; y < maps->rows; y++)
    for (guint x = 0; x < maps->columns; x++)
      {
        double v = maps->values[hm->metric][(gsize) y * maps->columns + x];

        if (isnan (v))
          cairo_set_source_rgb (cr, 0.85, 0.85, 0.85);
        else
          viridis (cr, (v - hm->lo) / (hm->hi - hm->lo));
        cairo_rectangle (cr, MARGIN_LEFT + x * hm->cell, MARGIN_TOP + y * hm->cell, hm->cell, hm->cell);
        cairo_fill (cr);
      }

  /* the colour bar, low at the bottom */
  for (int i = 0; i < (int) bar_h; i++)
    {
      viridis (cr, 1.0 - (double) i / (bar_h - 1));
      cairo_rectangle (cr, bar_x, MARGIN_TOP + i, 16, 1);
      cairo_fill (cr);
    }
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, bar_x + 0.5, MARGIN_TOP + 0.5, 15, bar_h - 1);
  cairo_stroke (cr);
  cairo_set_font_size (cr, 11);
  for (int k = 0; k <= 2; k++)
    {
      double v = hm->hi - k * (hm->hi - hm->lo) / 2;

      format_value (buf, sizeof buf, v);
      _sheath_plot_text_at (cr, bar_x + 22, MARGIN_TOP + 4 + k * (bar_h - 8) / 2, 0, buf);
    }

  /* the scale bar */
  {
    double bar = length / maps->cell_size * hm->cell;
    double y = MARGIN_TOP + MAX (map_h, bar_h) + 24;

    cairo_rectangle (cr, MARGIN_LEFT, y - 4, bar, 4);
    cairo_fill (cr);
    g_snprintf (buf, sizeof buf, "%g µm", length);
    _sheath_plot_text_at (cr, MARGIN_LEFT + bar / 2, y + 14, 0.5, buf);
    g_snprintf (buf, sizeof buf, _ ("cells of %g µm; grey: no value"), maps->cell_size);
    _sheath_plot_text_at (cr, MARGIN_LEFT + map_w + MARGIN_RIGHT - 8, y + 14, 1, buf);
  }
}

/**
 * sheath_maps_write_heat_maps:
 * @self: a #SheathMaps
 * @dir: the folder to write into
 * @stem: the files' stem
 * @error: return location for a #GError
 *
 * Writes one heat map per metric, `STEM_map-METRIC.png` and `.svg`: the
 * cells in colour (viridis, from the lowest value to the highest; grey
 * where undefined) with a colour bar and a scale bar.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_maps_write_heat_maps (SheathMaps  *self,
                             const char  *dir,
                             const char  *stem,
                             GError     **error)
{
  g_return_val_if_fail (SHEATH_IS_MAPS (self), FALSE);

  for (guint m = 0; m < SHEATH_MAP_N_METRICS; m++)
    {
      HeatMap hm = { self, m, 0, 1, 1 };
      g_autofree char *name = g_strdup_printf ("%s_map-%s", stem, metrics[m].name);
      int width, height;

      sheath_maps_get_range (self, m, &hm.lo, &hm.hi);
      /* about 600 points for the map's longer side, whole points a cell */
      hm.cell = CLAMP (600 / (int) MAX (self->columns, self->rows), 1, 60);
      width = MARGIN_LEFT + (int) self->columns * hm.cell + MARGIN_RIGHT;
      height = MARGIN_TOP + MAX ((int) self->rows * hm.cell, 120) + MARGIN_BOTTOM;
      if (!_sheath_plot_write (dir, name, width, height, draw_heat_map, &hm, error))
        return FALSE;
    }
  return TRUE;
}
