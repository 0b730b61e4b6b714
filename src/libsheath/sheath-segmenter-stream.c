/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-segmenter"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include <math.h>
#include <string.h>
#include <zlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "sheath-error.h"
#include "sheath-image-private.h"
#include "sheath-model-private.h"
#include "sheath-ome-writer-private.h"
#include "sheath-segmentation-private.h"
#include "sheath-segmenter-private.h"

/* A slide segmented in bounded memory: rows come from the slide in bands
 * and labels go, row by row, into tiled, pyramidal OME-TIFFs. Where the
 * model's calibration cleans its labels up (drops fibres, splits
 * unmyelinated axons), that is done band by band on a window reaching
 * `halo` rows above and below the band: every fibre with a pixel in the
 * band lies within the window, with its neighbours, unless it is larger
 * than the halo (larger than any fibre), so it is judged as on the whole
 * image.
 *
 * The bands a row of tiles makes ready are cleaned up by a thread of their
 * own while the next row of tiles is computed (the clean-up is serial:
 * done between rows of tiles, one core would wait for it), so the ring
 * holds a row of tiles' rows more than a window.
 *
 * After each row of tiles the run's state is saved beside the output (what
 * the part files hold, the rows not yet written), so that a run stopped
 * halfway continues where it was, to the same bytes. */

/* 3: the ring holds the bands of a row of tiles not yet cleaned up
 * (2: bands as tall as the halo; 1: twice as tall) */
#define STATE_VERSION 3
/* the window's halo: the largest fibre it judges whole */
#define HALO_UM      20.0
#define MIN_HALO     64
#define MAX_HALO     512
/* label rows handed to a viewer at a time (rows-segmented) */
#define REPORT_ROWS  64

typedef struct
{
  SegmentSink      parent;
  SegmentJob      *job;
  SheathRowSource *source;
  SheathRowSource *window_source;   /* the clean-up's, when it needs the image */
  guint            width, height;
  double           pixel_size;
  SheathOmeWriter *axonmyelin;
  SheathOmeWriter *uaxon;        /* NULL unless the model labels them */
  guint8          *values;       /* [width] */
  guint            next_emit_row;
  guint8          *report;       /* [REPORT_ROWS][width], rows not yet shown */
  guint            n_report;

  /* the clean-up's window: raw rows [ring_lo, ring_hi) */
  gboolean         clean_up;
  guint            band, halo;
  guint8          *ring_labels, *ring_confidence;
  guint            ring_lo, ring_hi, ring_rows;
  guint            next_band_row;

  /* cleaning the ready bands up while the next row of tiles is computed;
   * the rows it reports wait here when there is no main context to send
   * them to (they are delivered by the thread that runs the job) */
  GThread         *clean_up_thread;
  gboolean         clean_up_running;   /* set before the thread starts, cleared after it is joined */
  gboolean         clean_up_ok;
  GError          *clean_up_error;
  GPtrArray       *deferred_reports;   /* GBytes: consecutive rows */
  guint            deferred_first_row;

  char            *state_path;
  char            *identity;
  gboolean         saved;         /* a state is on disk for this run */
} StreamSink;

/* Final label rows go to whoever shows them, a band at a time. */
static void
report_row (StreamSink   *self,
            const guint8 *labels)
{
  memcpy (self->report + (gsize) self->n_report * self->width, labels, self->width);
  self->n_report++;
  self->next_emit_row++;
  if (self->n_report == REPORT_ROWS || self->next_emit_row == self->height)
    {
      guint first_row = self->next_emit_row - self->n_report;

      if (self->clean_up_running && self->job->context == NULL)
        {
          if (self->deferred_reports->len == 0)
            self->deferred_first_row = first_row;
          g_ptr_array_add (self->deferred_reports,
                           g_bytes_new (self->report, (gsize) self->n_report * self->width));
        }
      else
        _sheath_segmenter_report_label_rows (self->job, self->report, first_row, self->n_report, self->width);
      self->n_report = 0;
    }
}

static gboolean
emit_row (StreamSink    *self,
          const guint8  *labels,
          GError       **error)
{
  report_row (self, labels);
  for (guint x = 0; x < self->width; x++)
    self->values[x] = _sheath_segmentation_map_value (labels[x], -1);
  if (!_sheath_ome_writer_push_row (self->axonmyelin, self->values, error))
    return FALSE;
  if (self->uaxon == NULL)
    return TRUE;
  for (guint x = 0; x < self->width; x++)
    self->values[x] = _sheath_segmentation_map_value (labels[x], SHEATH_LABEL_UNMYELINATED_AXON);
  return _sheath_ome_writer_push_row (self->uaxon, self->values, error);
}

/* The band [next_band_row, +band) cleaned up on its window, [ring_lo,
 * band end + halo), and written: the window is the same whenever the band
 * is cleaned up, so is the result. */
static gboolean
process_band (StreamSink    *self,
              GCancellable  *cancellable,
              GError       **error)
{
  SheathModel *model = self->job->model;
  guint band_end = MIN (self->height, self->next_band_row + self->band);
  guint rows = MIN (self->ring_hi, band_end + self->halo) - self->ring_lo;
  g_autoptr(SheathSegmentation) window = NULL;
  g_autoptr(SheathImage) image = NULL;
  guint8 label_of_class[SHEATH_NET_MAX_CLASSES];
  guint new_lo;

  if (!(window = _sheath_segmentation_try_new (self->width, rows, error)) ||
      !_sheath_segmentation_ensure_confidence (window, error))
    return FALSE;
  for (guint r = 0; r < rows; r++)
    {
      memcpy (_sheath_segmentation_get_row (window, r), self->ring_labels + (gsize) r * self->width, self->width);
      memcpy (_sheath_segmentation_get_confidence_row (window, r),
              self->ring_confidence + (gsize) r * self->width, self->width);
    }
  sheath_segmentation_set_unmyelinated (window, _sheath_model_map_labels (model, label_of_class));
  {
    g_auto(GStrv) others = _sheath_model_dup_other_classes (model);

    _sheath_segmentation_set_other_classes (window, (const char * const *) others);
  }
  if (sheath_segmentation_get_unmyelinated (window))
    {
      /* the window's image, from a reader of its own that goes downwards
       * too (a PNG is not decoded again from its top for each window) */
      guint depth = _sheath_row_source_get_bit_depth (self->window_source);
      g_autofree guint8 *pixels = g_try_malloc ((gsize) rows * self->width * (depth / 8));
      g_autoptr(GFile) file = g_file_new_for_path (self->state_path);

      if (pixels == NULL)
        {
          g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY, _ ("Not enough memory to segment this image"));
          return FALSE;
        }
      if (!_sheath_row_source_read_rows (self->window_source, self->ring_lo, rows, pixels, error))
        return FALSE;
      image = _sheath_image_new_from_level (file, self->width, rows, depth, g_steal_pointer (&pixels), "window",
                                            self->pixel_size, SHEATH_PIXEL_SIZE_SOURCE_USER, NULL);
    }
  if (!_sheath_segmenter_clean_up (window, model, image, self->pixel_size, cancellable, error))
    return FALSE;

  for (guint y = self->next_band_row; y < band_end; y++)
    if (!emit_row (self, _sheath_segmentation_get_row (window, y - self->ring_lo), error))
      return FALSE;

  self->next_band_row = band_end;
  new_lo = band_end > self->halo ? band_end - self->halo : 0;
  new_lo = MAX (new_lo, self->ring_lo);
  memmove (self->ring_labels, self->ring_labels + (gsize) (new_lo - self->ring_lo) * self->width,
           (gsize) (self->ring_hi - new_lo) * self->width);
  memmove (self->ring_confidence, self->ring_confidence + (gsize) (new_lo - self->ring_lo) * self->width,
           (gsize) (self->ring_hi - new_lo) * self->width);
  self->ring_lo = new_lo;
  return TRUE;
}

static gboolean
band_ready (StreamSink *self)
{
  return self->clean_up && self->next_band_row < self->height &&
         self->ring_hi >= MIN (self->height, self->next_band_row + self->band + self->halo);
}

static gboolean
clean_up_ready_bands (StreamSink    *self,
                      GCancellable  *cancellable,
                      GError       **error)
{
  while (band_ready (self))
    if (!process_band (self, cancellable, error))
      return FALSE;
  return TRUE;
}

static gpointer
clean_up_thread_func (gpointer data)
{
  StreamSink *self = data;

  self->clean_up_ok = clean_up_ready_bands (self, NULL, &self->clean_up_error);
  return NULL;
}

/* The ready bands, cleaned up while the caller goes on (or here, if no
 * thread can be had). */
static gboolean
start_clean_up (StreamSink  *self,
                GError     **error)
{
  if (!band_ready (self))
    return TRUE;
#ifdef __GLIBC__
  /* This thread's free memory (saving the state takes tens of MB) back
   * to the system, since the clean-up's thread allocates from an arena of
   * its own: some 6 MB off the peak on a 32768-wide slide. */
  malloc_trim (0);
#endif
  /* the flag, not the thread's pointer, tells the thread where its rows go:
   * the pointer is written after the thread has started */
  self->clean_up_running = TRUE;
  self->clean_up_thread = g_thread_try_new ("sheath-clean-up", clean_up_thread_func, self, NULL);
  if (self->clean_up_thread != NULL)
    return TRUE;
  self->clean_up_running = FALSE;
  return clean_up_ready_bands (self, NULL, error);
}

/* Waits for the clean-up started after the last row of tiles; the sink is
 * the caller's again. */
static gboolean
finish_clean_up (StreamSink  *self,
                 GError     **error)
{
  if (self->clean_up_thread == NULL)
    return TRUE;
  g_thread_join (self->clean_up_thread);
  self->clean_up_thread = NULL;
  self->clean_up_running = FALSE;
  for (guint i = 0, y = self->deferred_first_row; i < self->deferred_reports->len; i++)
    {
      GBytes *rows = g_ptr_array_index (self->deferred_reports, i);
      guint n_rows = (guint) (g_bytes_get_size (rows) / self->width);

      _sheath_segmenter_report_label_rows (self->job, g_bytes_get_data (rows, NULL), y, n_rows, self->width);
      y += n_rows;
    }
  g_ptr_array_set_size (self->deferred_reports, 0);
  if (!self->clean_up_ok)
    {
      g_propagate_error (error, g_steal_pointer (&self->clean_up_error));
      return FALSE;
    }
  return TRUE;
}

static gboolean
stream_push_row (SegmentSink   *sink,
                 guint          y,
                 const guint8  *labels,
                 const guint8  *confidence,
                 GError       **error)
{
  StreamSink *self = (StreamSink *) sink;

  if (!self->clean_up)
    {
      self->ring_lo = self->ring_hi = y + 1;
      return emit_row (self, labels, error);
    }

  if (!finish_clean_up (self, error))
    return FALSE;
  /* bands wait for the end of the row of tiles, unless the ring is full */
  if (self->ring_hi - self->ring_lo == self->ring_rows && !clean_up_ready_bands (self, NULL, error))
    return FALSE;
  g_assert (y == self->ring_hi && self->ring_hi - self->ring_lo < self->ring_rows);
  memcpy (self->ring_labels + (gsize) (y - self->ring_lo) * self->width, labels, self->width);
  memcpy (self->ring_confidence + (gsize) (y - self->ring_lo) * self->width, confidence, self->width);
  self->ring_hi++;
  return TRUE;
}

static GVariant *
pack_rows (const guint8 *rows,
           gsize         size)
{
  uLongf packed = compressBound (size);
  guint8 *data = g_malloc (packed);

  if (compress2 (data, &packed, rows, size, Z_BEST_SPEED) != Z_OK)
    packed = 0;
  return g_variant_new_from_data (G_VARIANT_TYPE_BYTESTRING, data, packed, TRUE, g_free, data);
}

static gboolean
unpack_rows (GVariant *packed,
             guint8   *rows,
             gsize     size)
{
  uLongf got = size;
  gsize n;
  const guint8 *data = g_variant_get_fixed_array (packed, &n, 1);

  if (size == 0)
    return TRUE;
  return uncompress (rows, &got, data, n) == Z_OK && got == size;
}

/* The state a resumed run needs, saved beside the output atomically: the
 * old state stays whole until the new one replaces it. */
static gboolean
stream_tile_row_done (SegmentSink  *sink,
                      guint         next_tile_row,
                      guint         n_tile_rows,
                      guint         next_image_row,
                      GError      **error)
{
  StreamSink *self = (StreamSink *) sink;
  g_autoptr(GVariant) state = NULL;
  g_autoptr(GError) local_error = NULL;
  GVariantDict dict;
  GVariant *axonmyelin, *uaxon = NULL;
  gsize ring_size = (gsize) (self->ring_hi - self->ring_lo) * self->width;

  if (!finish_clean_up (self, error))
    return FALSE;
  if (next_tile_row >= n_tile_rows)
    return TRUE;
  if (!(axonmyelin = _sheath_ome_writer_save_state (self->axonmyelin, error)))
    return FALSE;
  if (self->uaxon != NULL && !(uaxon = _sheath_ome_writer_save_state (self->uaxon, error)))
    {
      g_variant_unref (g_variant_ref_sink (axonmyelin));
      return FALSE;
    }

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "version", "u", STATE_VERSION);
  g_variant_dict_insert (&dict, "identity", "s", self->identity);
  g_variant_dict_insert (&dict, "next-tile-row", "u", next_tile_row);
  g_variant_dict_insert (&dict, "next-image-row", "u", next_image_row);
  g_variant_dict_insert (&dict, "ring-lo", "u", self->ring_lo);
  g_variant_dict_insert (&dict, "ring-hi", "u", self->ring_hi);
  g_variant_dict_insert (&dict, "next-band-row", "u", self->next_band_row);
  if (self->clean_up)
    {
      g_variant_dict_insert_value (&dict, "ring-labels", pack_rows (self->ring_labels, ring_size));
      g_variant_dict_insert_value (&dict, "ring-confidence", pack_rows (self->ring_confidence, ring_size));
    }
  g_variant_dict_insert_value (&dict, "axonmyelin", axonmyelin);
  if (uaxon != NULL)
    g_variant_dict_insert_value (&dict, "uaxon", uaxon);
  state = g_variant_ref_sink (g_variant_dict_end (&dict));

  if (!g_file_set_contents (self->state_path, g_variant_get_data (state), (gssize) g_variant_get_size (state),
                            &local_error))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE, _ ("Cannot save the run's state: %s"),
                   local_error->message);
      return FALSE;
    }
  self->saved = TRUE;
  /* after the state: it holds these bands' rows, not yet cleaned up */
  return start_clean_up (self, error);
}

static gboolean
set_resume_error (StreamSink  *self,
                  const char  *why,
                  GError     **error)
{
  g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
               _ ("Cannot resume from '%s': %s"), self->state_path, why);
  return FALSE;
}

static gboolean
restore_state (StreamSink   *self,
               const char   *axonmyelin_path,
               const char   *uaxon_path,
               GError      **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GVariant) state = NULL, axonmyelin = NULL, uaxon = NULL;
  g_autoptr(GVariant) ring_labels = NULL, ring_confidence = NULL;
  GVariantDict dict;
  const char *identity = NULL;
  guint version = 0, next_tile_row = 0, next_image_row = 0;
  gsize length;
  gboolean ok;

  if (!g_file_get_contents (self->state_path, &contents, &length, NULL))
    return set_resume_error (self, _ ("there is no saved state; run without --resume"), error);
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  state = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));
  g_variant_dict_init (&dict, state);
  ok = g_variant_dict_lookup (&dict, "version", "u", &version) && version == STATE_VERSION &&
       g_variant_dict_lookup (&dict, "identity", "&s", &identity) &&
       g_variant_dict_lookup (&dict, "next-tile-row", "u", &next_tile_row) &&
       g_variant_dict_lookup (&dict, "next-image-row", "u", &next_image_row) &&
       g_variant_dict_lookup (&dict, "ring-lo", "u", &self->ring_lo) &&
       g_variant_dict_lookup (&dict, "ring-hi", "u", &self->ring_hi) &&
       g_variant_dict_lookup (&dict, "next-band-row", "u", &self->next_band_row) &&
       (axonmyelin = g_variant_dict_lookup_value (&dict, "axonmyelin", NULL)) != NULL;
  uaxon = g_variant_dict_lookup_value (&dict, "uaxon", NULL);
  ring_labels = g_variant_dict_lookup_value (&dict, "ring-labels", G_VARIANT_TYPE_BYTESTRING);
  ring_confidence = g_variant_dict_lookup_value (&dict, "ring-confidence", G_VARIANT_TYPE_BYTESTRING);
  g_variant_dict_clear (&dict);
  if (!ok)
    return set_resume_error (self, _ ("the file is damaged or from another version"), error);
  if (!g_str_equal (identity, self->identity))
    return set_resume_error (self, _ ("it was saved for another image, model or setting; "
                                      "run without --resume to start again"), error);
  if ((uaxon != NULL) != (uaxon_path != NULL) || next_image_row != self->ring_hi ||
      self->ring_lo > self->ring_hi || self->ring_hi > self->height || self->next_band_row > self->height ||
      (self->clean_up && (self->ring_hi - self->ring_lo > self->ring_rows ||
                          ring_labels == NULL || ring_confidence == NULL ||
                          !unpack_rows (ring_labels, self->ring_labels,
                                        (gsize) (self->ring_hi - self->ring_lo) * self->width) ||
                          !unpack_rows (ring_confidence, self->ring_confidence,
                                        (gsize) (self->ring_hi - self->ring_lo) * self->width))))
    return set_resume_error (self, _ ("the file is damaged"), error);

  /* the part files belong to the saved state until the run finishes */
  if (!(self->axonmyelin = _sheath_ome_writer_resume (axonmyelin_path, self->width, self->height,
                                                      self->pixel_size, axonmyelin, error)))
    return FALSE;
  _sheath_ome_writer_keep_part (self->axonmyelin);
  if (uaxon_path != NULL)
    {
      if (!(self->uaxon = _sheath_ome_writer_resume (uaxon_path, self->width, self->height,
                                                     self->pixel_size, uaxon, error)))
        return FALSE;
      _sheath_ome_writer_keep_part (self->uaxon);
    }
  if (_sheath_ome_writer_get_rows (self->axonmyelin) != (self->clean_up ? self->next_band_row : next_image_row))
    return set_resume_error (self, _ ("the file is damaged"), error);
  self->parent.first_tile_row = next_tile_row;
  self->parent.first_image_row = next_image_row;
  self->saved = TRUE;
  return TRUE;
}

/* What a saved state must have been made by: the same slide (its size and
 * date), the same model file and the same settings. */
static char *
describe_file (GFile *file)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *uri = NULL;

  if (file == NULL)
    return g_strdup ("none");
  uri = g_file_get_uri (file);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_TIME_MODIFIED,
                            G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (info == NULL)
    return g_steal_pointer (&uri);
  return g_strdup_printf ("%s %" G_GINT64_FORMAT " %" G_GUINT64_FORMAT, uri, g_file_info_get_size (info),
                          g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED));
}

static char *
run_identity (SegmentJob *job,
              double      pixel_size)
{
  g_autofree char *slide = describe_file (sheath_slide_get_file (job->slide));
  g_autofree char *model = describe_file (sheath_model_get_file (job->model));
  char ps[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (ps, sizeof ps, "%.17g", pixel_size);
  return g_strdup_printf ("slide %s; pixel size %s; model %s (%s, %" G_GUINT64_FORMAT " parameters); "
                          "tiles %u+%u; flips %d", slide, ps, model, sheath_model_get_architecture (job->model),
                          (guint64) sheath_model_get_n_parameters (job->model), job->tile_size,
                          job->tile_margin, job->flips);
}

static void
stream_sink_clear (StreamSink *self)
{
  /* after an error: the clean-up's own, if any, is dropped */
  if (self->clean_up_thread != NULL)
    g_thread_join (self->clean_up_thread);
  self->clean_up_thread = NULL;
  self->clean_up_running = FALSE;
  g_clear_error (&self->clean_up_error);
  g_clear_pointer (&self->deferred_reports, g_ptr_array_unref);
  g_clear_pointer (&self->axonmyelin, _sheath_ome_writer_free);
  g_clear_pointer (&self->uaxon, _sheath_ome_writer_free);
  g_clear_pointer (&self->source, _sheath_row_source_free);
  g_clear_pointer (&self->window_source, _sheath_row_source_free);
  g_free (self->values);
  g_free (self->report);
  g_free (self->ring_labels);
  g_free (self->ring_confidence);
  g_free (self->state_path);
  g_free (self->identity);
}

char *
_sheath_segmenter_dup_state_path (const char *dir,
                                  const char *stem)
{
  g_autofree char *name = g_strdup_printf ("%s_seg-axonmyelin.ome.tif.resume", stem);

  return g_build_filename (dir, name, NULL);
}

gboolean
_sheath_segmenter_stream (SegmentJob    *job,
                          GCancellable  *cancellable,
                          GError       **error)
{
  SheathModel *model = job->model;
  StreamSink self = { { 0 } };
  g_autofree char *name = g_strdup_printf ("%s_seg-axonmyelin.ome.tif", job->stem);
  g_autofree char *path = g_build_filename (job->dir, name, NULL);
  g_autofree char *uaxon_name = g_strdup_printf ("%s_seg-uaxon.ome.tif", job->stem);
  g_autofree char *uaxon_path = g_build_filename (job->dir, uaxon_name, NULL);
  guint8 label_of_class[SHEATH_NET_MAX_CLASSES];
  gboolean unmyelinated = _sheath_model_map_labels (model, label_of_class);
  double scale;
  gboolean ok;

  self.job = job;
  self.pixel_size = job->pixel_size;
  self.width = (guint) sheath_slide_get_level_width (job->slide, 0);
  self.height = (guint) sheath_slide_get_level_height (job->slide, 0);
  self.values = g_malloc (self.width);
  self.report = g_malloc ((gsize) REPORT_ROWS * self.width);
  self.state_path = _sheath_segmenter_dup_state_path (job->dir, job->stem);
  self.identity = run_identity (job, self.pixel_size);
  self.parent.push_row = stream_push_row;
  self.parent.tile_row_done = stream_tile_row_done;

  /* rows a row of tiles reads again above the last one's end: its margins,
   * on the image's grid, and the resampling's reach */
  scale = sheath_model_get_pixel_size (model) / self.pixel_size;
  self.source = _sheath_row_source_new_for_slide (job->slide,
                                                  (guint) ceil ((2.0 * job->tile_margin + 4) * scale) + 8);

  self.clean_up = _sheath_segmenter_has_clean_up (model);
  if (self.clean_up)
    {
      self.halo = (guint) CLAMP (ceil (HALO_UM / self.pixel_size), MIN_HALO, MAX_HALO);
      /* a band as tall as the halo: the window, three times as tall, is
       * what the clean-up holds per pixel (some 15 bytes), the most of a
       * wide slide's memory after the network's */
      self.band = self.halo;
      /* a window, and the rows one row of tiles hands on (if more come,
       * as from the last row of tiles, bands are cleaned up as they fill) */
      self.ring_rows = self.band + 2 * self.halo +
                       (guint) ceil ((job->tile_size - 2.0 * job->tile_margin) * scale) + 4;
      self.ring_labels = g_try_malloc ((gsize) self.ring_rows * self.width);
      self.ring_confidence = g_try_malloc ((gsize) self.ring_rows * self.width);
      self.deferred_reports = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      if (unmyelinated)
        {
          g_autoptr(SheathSlide) again = sheath_slide_new_from_file (sheath_slide_get_file (job->slide), error);

          if (again == NULL)
            {
              stream_sink_clear (&self);
              return FALSE;
            }
          self.window_source = _sheath_row_source_new_for_slide (again, self.band + 2 * self.halo);
        }
      if (self.ring_labels == NULL || self.ring_confidence == NULL)
        {
          g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                       _ ("Not enough memory to segment this image"));
          stream_sink_clear (&self);
          return FALSE;
        }
    }

  if (job->resume)
    {
      ok = restore_state (&self, path, unmyelinated ? uaxon_path : NULL, error);
      /* rows before these are written already */
      self.next_emit_row = self.clean_up ? self.next_band_row : self.ring_hi;
    }
  else
    {
      g_unlink (self.state_path);
      ok = (self.axonmyelin = _sheath_ome_writer_new (path, self.width, self.height, self.pixel_size, error)) &&
           (!unmyelinated ||
            (self.uaxon = _sheath_ome_writer_new (uaxon_path, self.width, self.height, self.pixel_size, error)));
    }

  ok = ok && _sheath_segmenter_run_rows (job, self.source, self.pixel_size, FALSE, NULL, &self.parent,
                                         cancellable, error);
  /* the clean-up's thread is done with the sink, whatever happened */
  if (!ok)
    finish_clean_up (&self, NULL);
  ok = ok && finish_clean_up (&self, error) && clean_up_ready_bands (&self, cancellable, error);
  ok = ok && (self.uaxon == NULL || _sheath_ome_writer_finish (self.uaxon, error)) &&
       _sheath_ome_writer_finish (self.axonmyelin, error);

  if (ok)
    {
      if (!unmyelinated)
        g_unlink (uaxon_path);
      g_unlink (self.state_path);
    }
  else if (self.saved && self.axonmyelin != NULL)
    {
      /* the parts stay for --resume, as the state describes them */
      _sheath_ome_writer_keep_part (self.axonmyelin);
      if (self.uaxon != NULL)
        _sheath_ome_writer_keep_part (self.uaxon);
    }
  else if (!job->resume)
    g_unlink (self.state_path);
  stream_sink_clear (&self);
  return ok;
}
