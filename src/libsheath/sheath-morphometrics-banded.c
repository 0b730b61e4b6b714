/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-morphometrics"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "sheath-error.h"
#include "sheath-maps-private.h"
#include "sheath-morphometrics-private.h"
#include "sheath-ome-writer-private.h"
#include "sheath-segmentation-private.h"
#include "sheath-slide.h"
#include "sheath-workers-private.h"

/* the window's halo: the largest fibre measured whole */
#define BANDED_HALO_UM 20.0

/* A label map too large to hold, measured band by band. Each band is
 * measured on a window reaching `halo` rows above and below it, and keeps
 * the axons whose first pixel (in raster order) lies in the band: each
 * axon is measured once, in the window that holds it and the fibres around
 * it whole, in image coordinates, so with the very figures and number a
 * measurement of the whole image gives (unless a fibre is larger than the
 * halo). Specks, holes and pixels are counted by the band they start in.
 * What needs the whole label map (regions, the index image, editing) is
 * not available on such measurements. */

/* An axon's first pixel, as a key of the ids given (never 0). */
static gpointer
anchor_key (const Region *r,
            guint         label,
            guint         width)
{
  return GSIZE_TO_POINTER ((gsize) r->first_rows[label] * width + r->first_cols[label] + 1);
}

/* @ids: where to note the id each axon kept got, by its first pixel */
static void
keep_anchored (GArray       *into,
               const Region *r,
               guint         b0,
               guint         b1,
               guint         width,
               GHashTable   *ids)
{
  for (guint i = 0; i < r->axons->len; i++)
    {
      guint first = r->first_rows[i + 1];

      if (first >= b0 && first < b1)
        {
          SheathAxon a = g_array_index (r->axons, SheathAxon, i);

          a.id = into->len + 1;
          g_array_append_val (into, a);
          if (ids != NULL)
            g_hash_table_insert (ids, anchor_key (r, i + 1, width), GUINT_TO_POINTER (a.id));
        }
    }
}

/* A band's fibres in the instance map wait for the next band: fibres
 * whose axon starts there reach up into this one. */
typedef struct
{
  guint     b0, b1;
  guint     n;
  guint32  *labels;   /* the band's rows of the window's fibre labels */
  gpointer *keys;     /* [n + 1]: each label's anchor key */
} PendingBand;

static void
pending_band_clear (PendingBand *p)
{
  g_clear_pointer (&p->labels, g_free);
  g_clear_pointer (&p->keys, g_free);
}

static void
hold_band (PendingBand  *p,
           const Region *r,
           guint         b0,
           guint         b1,
           guint         w0,
           guint         width)
{
  guint n = r->axons->len;

  p->b0 = b0;
  p->b1 = b1;
  p->n = n;
  p->labels = g_memdup2 (r->fibre_labels + (gsize) (b0 - w0) * width, (gsize) (b1 - b0) * width * sizeof (guint32));
  p->keys = g_new0 (gpointer, n + 1);
  for (guint l = 1; l <= n; l++)
    p->keys[l] = anchor_key (r, l, width);
}

static gboolean
write_band (PendingBand      *p,
            GHashTable       *ids,
            SheathOmeWriter  *instance,
            guint             width,
            GError          **error)
{
  g_autofree guint32 *id_of = g_new0 (guint32, p->n + 1);
  g_autofree guint32 *row = g_new (guint32, width);

  for (guint l = 1; l <= p->n; l++)
    id_of[l] = GPOINTER_TO_UINT (g_hash_table_lookup (ids, p->keys[l]));
  for (guint y = p->b0; y < p->b1; y++)
    {
      const guint32 *in = p->labels + (gsize) (y - p->b0) * width;

      for (guint x = 0; x < width; x++)
        row[x] = id_of[in[x]];
      if (!_sheath_ome_writer_push_row (instance, (const guint8 *) row, error))
        return FALSE;
    }
  pending_band_clear (p);
  return TRUE;
}

static guint
count_in (const GArray *rows,
          guint         b0,
          guint         b1)
{
  guint n = 0;

  for (guint i = 0; i < rows->len; i++)
    n += g_array_index (rows, guint, i) >= b0 && g_array_index (rows, guint, i) < b1;
  return n;
}

static gboolean
measure_window (SheathSegmentation  *window,
                guint                w0,
                guint                width,
                guint                height,
                double               pixel_size,
                SheathAxonShape      shape,
                Region              *r,
                GCancellable        *cancellable,
                GError             **error)
{
  r->width = width;
  r->height = sheath_segmentation_get_height (window);
  r->row_offset = w0;
  r->image_width = width;
  r->image_height = height;
  r->note_first_rows = TRUE;
  return _sheath_region_measure (window, pixel_size, shape, r, cancellable, error);
}

/* The window's unmyelinated axons, measured as axons of a segmentation of
 * their own (as sheath-morphometrics-unmyelinated.c does). */
static gboolean
measure_unmyelinated (SheathSegmentation  *window,
                      guint                w0,
                      guint                width,
                      guint                height,
                      double               pixel_size,
                      SheathAxonShape      shape,
                      Region              *r,
                      GCancellable        *cancellable,
                      GError             **error)
{
  g_autoptr(SheathSegmentation) only = NULL;

  if (!(only = _sheath_segmentation_dup_label_as_axons (window, SHEATH_LABEL_UNMYELINATED_AXON, error)))
    return FALSE;
  return measure_window (only, w0, width, height, pixel_size, shape, r, cancellable, error);
}

/* Bands are measured several at once, on as many cores as there are and
 * as many windows as fit in this, while the next band's window is read
 * and the measured ones are taken in order. The rest of the run (the
 * axons' arrays, the instance map's band) takes less than one window, so a
 * 32768-pixel-wide map at 0.13 µm is measured two bands at a time, a
 * 65536-wide one a band at a time, and the peak stays under 1 GB. */
#define WINDOWS_BYTES        ((gsize) 768 << 20)
/* what measuring a window holds per pixel: its labels, a mask, the axons'
 * and the fibres' label maps, what growing and filling them take */
#define WINDOW_PIXEL_BYTES   16

/* One band: its window, measured by a worker, and what the measurement
 * gives, waiting for the bands before it to be taken. */
typedef struct
{
  guint               b0, b1, w0;
  SheathSegmentation *window;
  Region              r;   /* its label maps dropped once taken from */
  Region              u;   /* the unmyelinated axons' */
  PendingBand         held;
  guint64             axon_pixels, myelin_pixels, orphan_myelin;
  GError             *error;
  gboolean            measured;   /* under BandRun's mutex */
} BandJob;

typedef struct
{
  guint            width, height;
  double           pixel_size;
  SheathAxonShape  shape;
  gboolean         unmyelinated;
  gboolean         hold;   /* an instance map is written */
  GCancellable    *cancellable;
  GMutex           mutex;
  GCond            measured_cond;
} BandRun;

static void
band_job_clear (BandJob *job)
{
  g_clear_object (&job->window);
  _sheath_region_clear (&job->r);
  _sheath_region_clear (&job->u);
  pending_band_clear (&job->held);
  g_clear_error (&job->error);
  memset (job, 0, sizeof *job);
}

/* A worker's part: everything that needs the band's label maps, so that
 * they go as soon as it is done. */
static void
measure_band (BandRun *run,
              BandJob *job)
{
  Region *r = &job->r;
  guint width = run->width;

  if (!measure_window (job->window, job->w0, width, run->height, run->pixel_size, run->shape, r,
                       run->cancellable, &job->error))
    return;
  if (run->hold)
    hold_band (&job->held, r, job->b0, job->b1, job->w0, width);
  for (guint y = job->b0; y < job->b1; y++)
    {
      const guint8 *row = _sheath_segmentation_get_row (job->window, y - job->w0);
      const guint32 *al = r->axon_labels + (gsize) (y - job->w0) * width;
      const guint32 *fl = r->fibre_labels + (gsize) (y - job->w0) * width;

      for (guint x = 0; x < width; x++)
        {
          gboolean m = row[x] == SHEATH_LABEL_MYELIN && al[x] == 0;

          job->axon_pixels += al[x] != 0;
          job->myelin_pixels += m;
          job->orphan_myelin += m && fl[x] == 0;
        }
    }
  g_clear_pointer (&r->axon_labels, g_free);
  g_clear_pointer (&r->fibre_labels, g_free);

  if (run->unmyelinated &&
      measure_unmyelinated (job->window, job->w0, width, run->height, run->pixel_size, run->shape, &job->u,
                            run->cancellable, &job->error))
    {
      g_clear_pointer (&job->u.axon_labels, g_free);
      g_clear_pointer (&job->u.fibre_labels, g_free);
    }
}

static void
measure_band_in_pool (gpointer job,
                      gpointer data)
{
  BandRun *run = data;

  measure_band (run, job);
  g_mutex_lock (&run->mutex);
  ((BandJob *) job)->measured = TRUE;
  g_cond_broadcast (&run->measured_cond);
  g_mutex_unlock (&run->mutex);
}

static gboolean
band_job_measured (BandRun *run,
                   BandJob *job,
                   gboolean wait)
{
  gboolean measured;

  g_mutex_lock (&run->mutex);
  while (wait && !job->measured)
    g_cond_wait (&run->measured_cond, &run->mutex);
  measured = job->measured;
  g_mutex_unlock (&run->mutex);
  return measured;
}

/* A measured band's axons, counts and instance-map rows, in band order. */
static gboolean
take_band (SheathMorphometrics  *self,
           BandJob              *job,
           GHashTable           *ids,
           PendingBand          *pending,
           SheathOmeWriter      *instance,
           SheathBandFunc        band_done,
           gpointer              band_data,
           GError              **error)
{
  if (job->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&job->error));
      return FALSE;
    }
  keep_anchored (self->axons, &job->r, job->b0, job->b1, self->width, ids);
  if (instance != NULL)
    {
      /* the band before waited for the axons anchored in this one */
      if (pending->labels != NULL && !write_band (pending, ids, instance, self->width, error))
        return FALSE;
      *pending = job->held;
      memset (&job->held, 0, sizeof job->held);
    }
  self->n_specks += count_in (job->r.speck_rows, job->b0, job->b1);
  self->n_holes_filled += count_in (job->r.hole_rows, job->b0, job->b1);
  self->axon_pixels += job->axon_pixels;
  self->myelin_pixels += job->myelin_pixels;
  self->orphan_myelin += job->orphan_myelin;
  if (band_done != NULL && !band_done (band_data, job->b0, job->b1, job->window, job->w0, error))
    return FALSE;
  if (self->uaxons != NULL)
    keep_anchored (self->uaxons, &job->u, job->b0, job->b1, self->width, NULL);
  return TRUE;
}

static gboolean
read_band (BandRun              *run,
           BandJob              *job,
           guint                 index,
           guint                 band,
           guint                 halo,
           SheathLabelRowsFunc   read_rows,
           gpointer              data,
           GError              **error)
{
  guint w1;

  job->b0 = index * band;
  job->b1 = MIN (run->height, job->b0 + band);
  job->w0 = job->b0 > halo ? job->b0 - halo : 0;
  w1 = MIN (run->height, job->b1 + halo);
  if (!(job->window = _sheath_segmentation_try_new (run->width, w1 - job->w0, error)) ||
      !read_rows (data, job->w0, job->window, error))
    return FALSE;
  sheath_segmentation_set_unmyelinated (job->window, run->unmyelinated);
  return TRUE;
}

SheathMorphometrics *
_sheath_morphometrics_compute_banded (guint                 width,
                                      guint                 height,
                                      gboolean              unmyelinated,
                                      SheathLabelRowsFunc   read_rows,
                                      gpointer              data,
                                      double                pixel_size,
                                      SheathAxonShape       shape,
                                      guint                 band,
                                      guint                 halo,
                                      SheathBandFunc        band_done,
                                      gpointer              band_data,
                                      SheathOmeWriter      *instance,
                                      GCancellable         *cancellable,
                                      GError              **error)
{
  g_autoptr(SheathMorphometrics) self = NULL;
  g_autoptr(GHashTable) ids = instance ? g_hash_table_new (NULL, NULL) : NULL;
  g_autofree BandJob *jobs = NULL;
  PendingBand pending = { 0 };
  BandRun run = { 0 };
  GThreadPool *pool;
  gsize window_bytes = (gsize) width * MIN (height, band + 2 * halo) * WINDOW_PIXEL_BYTES;
  guint n_bands, at_once, n_slots;
  guint next_read = 0, next_take = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (band > 0, NULL);

  if (!(pixel_size > 0))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_NO_PIXEL_SIZE,
                   _ ("Morphometrics need the pixel size: give it in micrometres"));
      return NULL;
    }

  self = g_object_new (SHEATH_TYPE_MORPHOMETRICS, NULL);
  self->pixel_size = pixel_size;
  self->shape = shape;
  self->width = width;
  self->height = height;
  self->banded = TRUE;
  if (unmyelinated)
    self->uaxons = g_array_new (FALSE, TRUE, sizeof (SheathAxon));

  n_bands = height / band + (height % band != 0);
  at_once = CLAMP (WINDOWS_BYTES / MAX (window_bytes, 1), 1, _sheath_workers_default_size ());
  /* the bands being measured, and the next one, read meanwhile */
  n_slots = at_once + 1;
  jobs = g_new0 (BandJob, n_slots);
  run = (BandRun) { width, height, pixel_size, shape, unmyelinated, instance != NULL, cancellable };
  g_mutex_init (&run.mutex);
  g_cond_init (&run.measured_cond);
  if (!(pool = g_thread_pool_new (measure_band_in_pool, &run, (gint) at_once, FALSE, error)))
    ok = FALSE;

  while (ok && next_take < n_bands)
    {
      BandJob *oldest = &jobs[next_take % n_slots];

      if (next_take < next_read && band_job_measured (&run, oldest, FALSE))
        {
          ok = take_band (self, oldest, ids, &pending, instance, band_done, band_data, error);
          band_job_clear (oldest);
          next_take++;
        }
      else if (next_read < n_bands && next_read - next_take < n_slots)
        {
          BandJob *job = &jobs[next_read % n_slots];

          ok = read_band (&run, job, next_read, band, halo, read_rows, data, error) &&
               g_thread_pool_push (pool, job, error);
          next_read += ok;
        }
      else
        band_job_measured (&run, oldest, TRUE);
    }
  /* on an error, those not started are dropped and the others finished */
  if (pool != NULL)
    g_thread_pool_free (pool, !ok, TRUE);
  for (guint i = 0; i < n_slots; i++)
    band_job_clear (&jobs[i]);
  g_mutex_clear (&run.mutex);
  g_cond_clear (&run.measured_cond);

  if (ok && pending.labels != NULL)
    ok = write_band (&pending, ids, instance, width, error);
  pending_band_clear (&pending);
  if (!ok)
    return NULL;
  return g_steal_pointer (&self);
}

/* Reading an axonmyelin map (0/127/255) and its unmyelinated axons' mask
 * from slides, a window at a time. */
typedef struct
{
  SheathSlide       *map;
  SheathSlide       *uaxon;
  SheathMapsBuilder *maps;
} MapRows;

static gboolean
read_map_rows (gpointer             data,
               guint                y,
               SheathSegmentation  *window,
               GError             **error)
{
  MapRows *m = data;
  guint width = sheath_segmentation_get_width (window), rows = sheath_segmentation_get_height (window);
  guint max = sheath_slide_get_bit_depth (m->map) == 8 ? 255 : 65535;
  g_autoptr(GBytes) values = sheath_slide_read_region (m->map, 0, 0, y, width, rows, error);
  g_autoptr(GBytes) uaxon = NULL;

  if (values == NULL ||
      (m->uaxon != NULL && !(uaxon = sheath_slide_read_region (m->uaxon, 0, 0, y, width, rows, error))))
    return FALSE;
  {
    const guint8 *v8 = g_bytes_get_data (values, NULL);
    const guint16 *v16 = (const guint16 *) v8;
    const guint8 *u = uaxon != NULL && sheath_slide_get_bit_depth (m->uaxon) == 8 ? g_bytes_get_data (uaxon, NULL)
                                                                                   : NULL;

    for (guint r = 0; r < rows; r++)
      {
        guint8 *out = _sheath_segmentation_get_row (window, r);
        gsize i0 = (gsize) r * width;

        for (guint x = 0; x < width; x++)
          {
            out[x] = _sheath_segmentation_label_for_value (max == 255 ? v8[i0 + x] : v16[i0 + x], max);
            if (u != NULL && u[i0 + x] > 127)
              out[x] = SHEATH_LABEL_UNMYELINATED_AXON;
          }
      }
  }
  return TRUE;
}

static gboolean
add_map_rows (gpointer             data,
              guint                b0,
              guint                b1,
              SheathSegmentation  *window,
              guint                w0,
              GError             **error)
{
  MapRows *m = data;

  for (guint y = b0; y < b1 && m->maps != NULL; y++)
    _sheath_maps_builder_add_row (m->maps, y, _sheath_segmentation_get_row (window, y - w0));
  return TRUE;
}

/**
 * sheath_morphometrics_compute_from_map:
 * @map: a label map of AxonDeepSeg's `_seg-axonmyelin` values (0
 *   background, 127 myelin, 255 axon), such as `STEM_seg-axonmyelin.ome.tif`
 * @pixel_size: micrometres per pixel, or 0 for what the map says
 * @shape: how diameters are measured
 * @map_cell: with @maps, the maps' cell side in µm
 * @maps: (out) (optional) (transfer full): where to put maps of the
 *   measurements in cells of @map_cell, or %NULL
 * @instance_map: (nullable): where to write the instance map (each pixel
 *   the number of the fibre it belongs to, 0 for none) as a 32-bit tiled
 *   TIFF, or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Measures a label map of any size in bounded memory: it is read band by
 * band (with `STEM_seg-uaxon.ome.tif` beside an `.ome.tif` map, its
 * unmyelinated axons too), each band measured on a window that holds
 * every fibre it touches whole, and each axon kept by the band its first
 * pixel lies in — so with the figures, and the numbering,
 * sheath_morphometrics_compute() gives on the whole map (for fibres up to
 * 20 µm across; larger ones are measured on part of them). The result has
 * the axons, their counts and pixel totals, for tables and aggregates;
 * what needs the label map in memory (regions, the index image, editing)
 * is refused on it. Bands are measured on every core, as many at once as
 * fit in some 768 MB. The instance map is written as the bands are
 * measured, to a temporary file renamed at the end.
 *
 * Returns: (transfer full): the measurements, or %NULL with @error set
 */
SheathMorphometrics *
sheath_morphometrics_compute_from_map (GFile            *map,
                                       double            pixel_size,
                                       SheathAxonShape   shape,
                                       double            map_cell,
                                       SheathMaps      **maps,
                                       const char       *instance_map,
                                       GCancellable     *cancellable,
                                       GError          **error)
{
  g_autoptr(SheathSlide) slide = NULL, uaxon = NULL;
  g_autoptr(SheathOmeWriter) instance = NULL;
  g_autoptr(SheathMapsBuilder) builder = NULL;
  g_autoptr(SheathMorphometrics) self = NULL;
  g_autoptr(GFile) uaxon_file = NULL;
  MapRows rows = { 0 };
  guint64 width, height;
  guint halo;

  g_return_val_if_fail (G_IS_FILE (map), NULL);

  if (!(slide = sheath_slide_new_from_file (map, error)))
    return NULL;
  width = sheath_slide_get_level_width (slide, 0);
  height = sheath_slide_get_level_height (slide, 0);
  if (!(pixel_size > 0))
    pixel_size = sheath_slide_get_pixel_size (slide);
  if (!(pixel_size > 0))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_NO_PIXEL_SIZE,
                   _ ("Morphometrics need the pixel size: give it in micrometres"));
      return NULL;
    }
  if (width > G_MAXUINT32 / 2 || height > G_MAXUINT32 / 2)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("The map is too large to measure (%" G_GUINT64_FORMAT " × %" G_GUINT64_FORMAT ")"),
                   width, height);
      return NULL;
    }

  if ((uaxon_file = _sheath_segmentation_dup_uaxon_map_for (map)) != NULL)
    {
      if (!(uaxon = sheath_slide_new_from_file (uaxon_file, error)))
        return NULL;
      if (sheath_slide_get_level_width (uaxon, 0) != width || sheath_slide_get_level_height (uaxon, 0) != height)
        {
          g_autofree char *uaxon_name = g_file_get_basename (uaxon_file);

          g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                       _ ("'%s' is not the size of its map"), uaxon_name);
          return NULL;
        }
    }
  if (maps != NULL &&
      !(builder = _sheath_maps_builder_new ((guint) width, (guint) height, pixel_size, map_cell, error)))
    return NULL;

  if (instance_map != NULL &&
      !(instance = _sheath_ome_writer_new_full (instance_map, (guint) width, (guint) height, pixel_size, 4, FALSE,
                                                error)))
    return NULL;

  rows.map = slide;
  rows.uaxon = uaxon;
  rows.maps = builder;
  halo = (guint) CLAMP (ceil (BANDED_HALO_UM / pixel_size), 64, 2048);
  if (!(self = _sheath_morphometrics_compute_banded ((guint) width, (guint) height, uaxon != NULL, read_map_rows,
                                                     &rows, pixel_size, shape, 2 * halo, halo, add_map_rows,
                                                     &rows, instance, cancellable, error)) ||
      (instance != NULL && !_sheath_ome_writer_finish (instance, error)))
    return NULL;
  if (maps != NULL)
    *maps = _sheath_maps_builder_finish (builder, self);
  return g_steal_pointer (&self);
}
