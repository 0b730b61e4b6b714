/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-segmenter"

#include "config.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sheath-error.h"
#include "sheath-image-private.h"
#include "sheath-model-private.h"
#include "sheath-resample-private.h"
#include "sheath-segmentation-private.h"
#include "sheath-limits.h"
#include "sheath-segmenter.h"

#define DEFAULT_TILE_SIZE 512
#define MIN_TILE_SIZE     SHEATH_MIN_TILE_SIZE
#define MAX_TILE_SIZE     SHEATH_MAX_TILE_SIZE
/* Context on each side of a tile that gets little weight in the blend:
 * convolutions near a tile's edge see zero padding, not the image. 64 keeps
 * tiled and whole-image masks within 0.01 % of each other for depth-4 nets. */
#define DEFAULT_TILE_MARGIN 64
#define MAX_TILE_MARGIN   512

struct _SheathSegmenter
{
  GObject       parent_instance;

  SheathModel  *model;
  guint         n_threads;
  guint         tile_size;
  guint         tile_margin;
  gboolean      flips;

  /* What the main context shows, and what workers left for it. */
  double        fraction;
  char         *message;
  GMutex        progress_mutex;
  double        pending_fraction;
  char         *pending_message;
  gboolean      progress_queued;
};

G_DEFINE_FINAL_TYPE (SheathSegmenter, sheath_segmenter, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_N_THREADS,
  PROP_TILE_SIZE,
  PROP_TILE_MARGIN,
  PROP_FLIPS,
  PROP_FRACTION,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

enum { ROWS_SEGMENTED, N_SIGNALS };
static guint signals [N_SIGNALS];

typedef struct
{
  SheathSegmenter *self;
  SheathImage     *image;
  SheathModel     *model;
  GMainContext    *context;     /* NULL when run synchronously */
  guint            n_threads;
  guint            tile_size;
  guint            tile_margin;
  gboolean         flips;
} SegmentJob;

static void
segment_job_free (SegmentJob *job)
{
  g_clear_object (&job->self);
  g_clear_object (&job->image);
  g_clear_object (&job->model);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SegmentJob, segment_job_free)

static void
set_progress (SheathSegmenter *self,
              double           fraction,
              const char      *message)
{
  if (self->fraction != fraction)
    {
      self->fraction = fraction;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_FRACTION]);
    }
  if (g_strcmp0 (self->message, message) != 0)
    {
      g_free (self->message);
      self->message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_MESSAGE]);
    }
}

static gboolean
deliver_progress_cb (gpointer data)
{
  SheathSegmenter *self = data;
  g_autofree char *message = NULL;
  double fraction;

  g_mutex_lock (&self->progress_mutex);
  fraction = self->pending_fraction;
  message = g_steal_pointer (&self->pending_message);
  self->progress_queued = FALSE;
  g_mutex_unlock (&self->progress_mutex);

  set_progress (self, fraction, message);

  return G_SOURCE_REMOVE;
}

/* Called from the worker: coalesces updates into at most one pending idle on
 * the caller's main context. */
static void
report_progress (SegmentJob *job,
                 double      fraction,
                 const char *message)
{
  SheathSegmenter *self = job->self;

  if (job->context == NULL)
    {
      set_progress (self, fraction, message);
      return;
    }

  g_mutex_lock (&self->progress_mutex);
  self->pending_fraction = fraction;
  g_free (self->pending_message);
  self->pending_message = g_strdup (message);
  if (!self->progress_queued)
    {
      GSource *source = g_idle_source_new ();

      self->progress_queued = TRUE;
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, deliver_progress_cb, g_object_ref (self), g_object_unref);
      g_source_set_static_name (source, "[sheath-segmenter-progress]");
      g_source_attach (source, job->context);
      g_source_unref (source);
    }
  g_mutex_unlock (&self->progress_mutex);
}

typedef struct
{
  SheathSegmenter *self;
  guint            first_row;
  guint            n_rows;
  GBytes          *labels;
} RowsChunk;

static void
rows_chunk_free (RowsChunk *chunk)
{
  g_object_unref (chunk->self);
  g_bytes_unref (chunk->labels);
  g_free (chunk);
}

static gboolean
deliver_rows_cb (gpointer data)
{
  RowsChunk *chunk = data;

  g_signal_emit (chunk->self, signals [ROWS_SEGMENTED], 0, chunk->first_row, chunk->n_rows, chunk->labels);
  return G_SOURCE_REMOVE;
}

/* Called from the worker with rows of labels that are final: a copy goes
 * to the main context, in order, so that a viewer can show them while the
 * rest is segmented. */
static void
report_rows (SegmentJob         *job,
             SheathSegmentation *result,
             guint               first_row,
             guint               n_rows)
{
  guint width = sheath_segmentation_get_width (result);
  guint8 *copy = g_malloc ((gsize) width * n_rows);
  RowsChunk *chunk = g_new0 (RowsChunk, 1);

  for (guint r = 0; r < n_rows; r++)
    memcpy (copy + (gsize) r * width, _sheath_segmentation_get_row (result, first_row + r), width);
  chunk->self = g_object_ref (job->self);
  chunk->first_row = first_row;
  chunk->n_rows = n_rows;
  chunk->labels = g_bytes_new_take (copy, (gsize) width * n_rows);

  if (job->context == NULL)
    {
      deliver_rows_cb (chunk);
      rows_chunk_free (chunk);
      return;
    }
  {
    GSource *source = g_idle_source_new ();

    g_source_set_priority (source, G_PRIORITY_DEFAULT);
    g_source_set_callback (source, deliver_rows_cb, chunk, (GDestroyNotify) rows_chunk_free);
    g_source_set_static_name (source, "[sheath-segmenter-rows]");
    g_source_attach (source, job->context);
    g_source_unref (source);
  }
}

/* Mirror an index into [0, n) without repeating the edge sample. */
static guint
reflect_index (gint64 i,
               guint  n)
{
  gint64 period;

  if (n == 1)
    return 0;
  period = 2 * ((gint64) n - 1);
  i %= period;
  if (i < 0)
    i += period;
  return (guint) (i < n ? i : period - i);
}

/* Weight of a tile's pixel at distance d from its nearest edge: zero in the
 * outer half margin, one past one and a half margins, smooth between. */
static float
blend_weight (guint d,
              guint margin)
{
  double t;

  if (margin == 0)
    return 1.f;
  t = ((double) d + 0.5 - margin / 2.0) / margin;

  t = CLAMP (t, 0.0, 1.0);
  return (float) MAX (t * t * (3 - 2 * t), 1e-6);
}

typedef struct
{
  SheathImage              *image;
  const SheathResampleAxis *ax;    /* image columns → model columns */
  const SheathResampleAxis *ay;    /* image rows → model rows */
  float                     gain;
  float                     offset;
  float                    *src_row;   /* [image width] */
  float                    *h_row;     /* [model width] */
} InputSampler;

static void
image_row_to_float (SheathImage *image,
                    guint        y,
                    float       *out)
{
  guint w = sheath_image_get_width (image);

  if (sheath_image_get_bit_depth (image) == 8)
    {
      const guint8 *row = _sheath_image_get_row8 (image, y);
      for (guint x = 0; x < w; x++)
        out[x] = row[x];
    }
  else
    {
      const guint16 *row = _sheath_image_get_row16 (image, y);
      for (guint x = 0; x < w; x++)
        out[x] = row[x];
    }
}

/* One row of the image on the model's grid, normalised for the network. */
static void
sample_model_row (InputSampler *s,
                  guint         model_y,
                  float        *out)
{
  const float *w = s->ay->weights + (gsize) model_y * s->ay->max_taps;
  guint n = s->ax->n_out;

  memset (out, 0, n * sizeof (float));
  for (guint k = 0; k < s->ay->count[model_y]; k++)
    {
      image_row_to_float (s->image, s->ay->first[model_y] + k, s->src_row);
      if (s->ax->identity)
        memcpy (s->h_row, s->src_row, n * sizeof (float));
      else
        _sheath_resample_row (s->ax, s->src_row, 1, s->h_row);
      for (guint x = 0; x < n; x++)
        out[x] += w[k] * s->h_row[x];
    }
  for (guint x = 0; x < n; x++)
    out[x] = out[x] * s->gain + s->offset;
}

static void
normalization_for (SheathModel *model,
                   SheathImage *image,
                   float       *gain,
                   float       *offset)
{
  double mean, std;

  if (sheath_model_get_fixed_normalization (model, &mean, &std))
    {
      double max_value = sheath_image_get_bit_depth (image) == 8 ? 255.0 : 65535.0;

      *gain = (float) (1.0 / (max_value * std));
      *offset = (float) (-mean / std);
      return;
    }

  {
    guint w = sheath_image_get_width (image);
    guint h = sheath_image_get_height (image);
    double sum = 0, sum2 = 0, n = (double) w * h;

    for (guint y = 0; y < h; y++)
      {
        double rs = 0, rs2 = 0;

        if (sheath_image_get_bit_depth (image) == 8)
          {
            const guint8 *row = _sheath_image_get_row8 (image, y);
            for (guint x = 0; x < w; x++)
              rs += row[x], rs2 += (double) row[x] * row[x];
          }
        else
          {
            const guint16 *row = _sheath_image_get_row16 (image, y);
            for (guint x = 0; x < w; x++)
              rs += row[x], rs2 += (double) row[x] * row[x];
          }
        sum += rs;
        sum2 += rs2;
      }

    mean = sum / n;
    std = sqrt (MAX (sum2 / n - mean * mean, 0.0));
    /* A constant image has no contrast to scale; leave it centred at zero. */
    if (std < 1e-6)
      std = 1.0;
    *gain = (float) (1.0 / std);
    *offset = (float) (-mean / std);
  }
}

/* Turns finished rows of class probabilities on the model's grid into
 * labels on the image's grid, keeping only the few model rows that the
 * next image row still needs. */
typedef struct
{
  SheathSegmentation       *result;
  const SheathResampleAxis *ax;     /* model columns → image columns */
  const SheathResampleAxis *ay;     /* model rows → image rows */
  guint                     classes;
  guint                     axon_class;
  guint                     myelin_class;
  guint                     model_width;
  guint                     ring_rows;
  float                    *ring;   /* [ring_rows][classes][model width] */
  float                    *v_row;  /* [classes][model width] */
  float                    *h_row;  /* [classes][image width] */
  guint                     next_y;
} OutputStage;

static void
label_row (OutputStage *o,
           const float *probs,
           gsize        stride,
           guint        width,
           guint8      *labels)
{
  for (guint x = 0; x < width; x++)
    {
      guint best = 0;
      float best_p = probs[x];

      for (guint c = 1; c < o->classes; c++)
        if (probs[c * stride + x] > best_p)
          best = c, best_p = probs[c * stride + x];

      labels[x] = best == o->axon_class ? SHEATH_LABEL_AXON :
                  best == o->myelin_class ? SHEATH_LABEL_MYELIN : SHEATH_LABEL_BACKGROUND;
    }
}

static void
output_stage_push (OutputStage *o,
                   guint        model_y,
                   const float *probs)   /* [classes][model width] */
{
  gsize row_floats = (gsize) o->classes * o->model_width;
  guint image_width = sheath_segmentation_get_width (o->result);
  guint image_height = sheath_segmentation_get_height (o->result);

  if (o->ax->identity && o->ay->identity)
    {
      label_row (o, probs, o->model_width, o->model_width,
                 _sheath_segmentation_get_row (o->result, model_y));
      o->next_y = model_y + 1;
      return;
    }

  memcpy (o->ring + (model_y % o->ring_rows) * row_floats, probs, row_floats * sizeof (float));

  while (o->next_y < image_height &&
         o->ay->first[o->next_y] + o->ay->count[o->next_y] - 1 <= model_y)
    {
      guint y = o->next_y++;
      const float *w = o->ay->weights + (gsize) y * o->ay->max_taps;

      memset (o->v_row, 0, row_floats * sizeof (float));
      for (guint k = 0; k < o->ay->count[y]; k++)
        {
          const float *src = o->ring + ((o->ay->first[y] + k) % o->ring_rows) * row_floats;
          for (gsize i = 0; i < row_floats; i++)
            o->v_row[i] += w[k] * src[i];
        }
      for (guint c = 0; c < o->classes; c++)
        _sheath_resample_row (o->ax, o->v_row + (gsize) c * o->model_width, 1,
                              o->h_row + (gsize) c * image_width);
      label_row (o, o->h_row, image_width, image_width, _sheath_segmentation_get_row (o->result, y));
    }
}

static guint
class_index (SheathModel *model,
             const char  *name)
{
  const char * const *names = sheath_model_get_class_names (model);

  for (guint i = 0; names[i]; i++)
    if (g_str_equal (names[i], name))
      return i;
  return G_MAXUINT;
}

static float *
try_floats (gsize    n,
            GError **error)
{
  float *p = g_try_new0 (float, n);

  if (p == NULL)
    g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                 "Not enough memory to segment this image (%" G_GSIZE_FORMAT " MB more needed)",
                 (n * sizeof (float)) >> 20);
  return p;
}

static SheathSegmentation *
run_segmentation (SegmentJob    *job,
                  GCancellable  *cancellable,
                  GError       **error)
{
  SheathImage *image = job->image;
  SheathModel *model = job->model;
  const SheathNet *net = _sheath_model_get_net (model);
  g_autoptr(SheathSegmentation) result = NULL;
  g_autoptr(SheathResampleAxis) in_x = NULL, in_y = NULL, out_x = NULL, out_y = NULL;
  g_autoptr(SheathNetWorkspace) ws = NULL;
  g_autoptr(SheathWorkers) workers = NULL;
  g_autofree float *strip = NULL, *acc = NULL, *window = NULL, *sum_x = NULL, *sum_y = NULL;
  g_autofree float *src_row = NULL, *h_row = NULL, *probs = NULL;
  g_autofree float *ring = NULL, *v_row = NULL, *out_h_row = NULL;
  InputSampler sampler = { 0 };
  OutputStage stage = { 0 };
  guint width = sheath_image_get_width (image);
  guint height = sheath_image_get_height (image);
  guint classes = net->classes;
  guint in_channels = net->in_channels;
  guint mult = _sheath_net_tile_multiple (net);
  guint margin = job->tile_margin;
  guint model_w, model_h, tile, step, nx, ny, acc_w, acc_h_total, n_tiles, done = 0, rows_reported = 0;
  guint n_views = job->flips ? 4 : 1;
  double scale;

  if (!sheath_image_require_pixel_size (image, error))
    return NULL;

  /* scale: image pixels per model pixel */
  scale = sheath_model_get_pixel_size (model) / sheath_image_get_pixel_size (image);
  model_w = (guint) MAX (1.0, MIN (round (width / scale), 1e9));
  model_h = (guint) MAX (1.0, MIN (round (height / scale), 1e9));
  if (fabs (model_w * scale - width) < 0.5 && fabs (model_h * scale - height) < 0.5 &&
      fabs (scale - 1.0) < 1e-3)
    {
      model_w = width;
      model_h = height;
      scale = 1.0;
    }
  if (model_w > SHEATH_IMAGE_MAX_SIDE || model_h > SHEATH_IMAGE_MAX_SIDE ||
      (guint64) model_w * model_h > SHEATH_IMAGE_MAX_PIXELS)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_PIXEL_SIZE,
                   "At %g µm per pixel this image would be %u × %u pixels at the model's "
                   "%g µm per pixel, too large to segment: check the pixel size",
                   sheath_image_get_pixel_size (image), model_w, model_h,
                   sheath_model_get_pixel_size (model));
      return NULL;
    }

  tile = MIN (job->tile_size, MAX (model_w, model_h) + 2 * margin);
  tile = (tile + mult - 1) / mult * mult;
  tile = MAX (tile, (2 * margin + mult + mult - 1) / mult * mult);
  step = tile - 2 * margin;
  nx = (model_w + step - 1) / step;
  ny = (model_h + step - 1) / step;
  acc_w = nx * step + 2 * margin;
  acc_h_total = ny * step + 2 * margin;
  n_tiles = nx * ny;

  /* OpenBLAS threads would fight our workers for the cores: each GEMM runs
   * on one core, and the workers split every layer into bands. This is
   * process-wide, as OpenBLAS offers nothing finer. */
  openblas_set_num_threads (1);
  workers = _sheath_workers_new (job->n_threads);

  if (!(result = _sheath_segmentation_try_new (width, height, error)) ||
      !(ws = _sheath_net_workspace_new (net, tile, _sheath_workers_get_size (workers), error)) ||
      !(strip = try_floats ((gsize) tile * acc_w, error)) ||
      !(acc = try_floats ((gsize) classes * tile * acc_w, error)))
    return NULL;

  window = g_new (float, tile);
  for (guint t = 0; t < tile; t++)
    window[t] = blend_weight (MIN (t, tile - 1 - t), margin);
  /* Tiles sit on a regular grid, so the sum of their weights is separable. */
  sum_x = g_new0 (float, acc_w);
  sum_y = g_new0 (float, acc_h_total);
  for (guint i = 0; i < nx; i++)
    for (guint t = 0; t < tile; t++)
      sum_x[i * step + t] += window[t];
  for (guint j = 0; j < ny; j++)
    for (guint t = 0; t < tile; t++)
      sum_y[j * step + t] += window[t];

  in_x = _sheath_resample_axis_new (width, model_w, scale);
  in_y = _sheath_resample_axis_new (height, model_h, scale);
  out_x = _sheath_resample_axis_new (model_w, width, 1.0 / scale);
  out_y = _sheath_resample_axis_new (model_h, height, 1.0 / scale);

  src_row = g_new (float, width);
  h_row = g_new (float, model_w);
  sampler.image = image;
  sampler.ax = in_x;
  sampler.ay = in_y;
  sampler.src_row = src_row;
  sampler.h_row = h_row;
  normalization_for (model, image, &sampler.gain, &sampler.offset);

  probs = g_new (float, (gsize) classes * model_w);
  stage.result = result;
  stage.ax = out_x;
  stage.ay = out_y;
  stage.classes = classes;
  stage.axon_class = class_index (model, "axon");
  stage.myelin_class = class_index (model, "myelin");
  stage.model_width = model_w;
  stage.ring_rows = out_y->max_taps + 1;
  if (!(out_x->identity && out_y->identity))
    {
      if (!(ring = try_floats ((gsize) stage.ring_rows * classes * model_w, error)))
        return NULL;
      v_row = g_new (float, (gsize) classes * model_w);
      out_h_row = g_new (float, (gsize) classes * width);
    }
  stage.ring = ring;
  stage.v_row = v_row;
  stage.h_row = out_h_row;

  {
    g_autofree float *model_row = g_new (float, model_w);
    float *input = _sheath_net_workspace_get_input (ws);
    const float *output = _sheath_net_workspace_get_output (ws);
    gsize tile_px = (gsize) tile * tile;

    for (guint j = 0; j < ny; j++)
      {
        gint64 y0 = (gint64) j * step - margin;
        gboolean last = j + 1 == ny;
        guint final_rows;

        /* The strip of model rows this row of tiles reads, mirrored at the
         * image's edges so that border tiles see plausible context. */
        for (guint r = 0; r < tile; r++)
          {
            float *dst = strip + (gsize) r * acc_w;

            sample_model_row (&sampler, reflect_index (y0 + r, model_h), model_row);
            for (guint c = 0; c < acc_w; c++)
              dst[c] = model_row[reflect_index ((gint64) c - margin, model_w)];
          }

        for (guint i = 0; i < nx; i++)
          {
            g_autofree char *message = NULL;
            guint c0 = i * step;

            if (g_cancellable_set_error_if_cancelled (cancellable, error))
              return NULL;

            /* with flips, the tile goes through the network as it is and
             * mirrored left–right, top–bottom and both, and the four
             * predictions, mirrored back, are averaged */
            for (guint f = 0; f < n_views; f++)
              {
                gboolean fx = f & 1, fy = f & 2;
                float share = 1.0f / n_views;

                for (guint r = 0; r < tile; r++)
                  {
                    const float *src = strip + (gsize) (fy ? tile - 1 - r : r) * acc_w + c0;
                    float *dst = input + (gsize) r * tile;

                    if (!fx)
                      memcpy (dst, src, tile * sizeof (float));
                    else
                      for (guint t = 0; t < tile; t++)
                        dst[t] = src[tile - 1 - t];
                  }
                for (guint ch = 1; ch < in_channels; ch++)
                  memcpy (input + ch * tile_px, input, tile_px * sizeof (float));

                _sheath_net_forward (net, ws, workers);

                for (guint c = 0; c < classes; c++)
                  for (guint r = 0; r < tile; r++)
                    {
                      const float *p = output + c * tile_px + (gsize) (fy ? tile - 1 - r : r) * tile;
                      float *a = acc + ((gsize) c * tile + r) * acc_w + c0;
                      float wr = window[r] * share;

                      if (!fx)
                        for (guint t = 0; t < tile; t++)
                          a[t] += p[t] * wr * window[t];
                      else
                        for (guint t = 0; t < tile; t++)
                          a[t] += p[tile - 1 - t] * wr * window[t];
                    }
              }

            done++;
            message = g_strdup_printf ("Segmenting tile %u of %u", done, n_tiles);
            report_progress (job, (double) done / n_tiles, message);
          }

        /* Rows [y0, y0 + step) get nothing more from later strips; after the
         * last strip every remaining row is final. */
        final_rows = last ? tile : step;
        for (guint r = 0; r < final_rows; r++)
          {
            gint64 y = y0 + r;
            float wy;

            if (y < 0 || y >= model_h)
              continue;
            wy = sum_y[y + margin];
            for (guint c = 0; c < classes; c++)
              {
                const float *a = acc + ((gsize) c * tile + r) * acc_w + margin;
                float *p = probs + (gsize) c * model_w;

                for (guint x = 0; x < model_w; x++)
                  p[x] = a[x] / (sum_x[x + margin] * wy);
              }
            output_stage_push (&stage, (guint) y, probs);
          }
        if (stage.next_y > rows_reported)
          {
            report_rows (job, result, rows_reported, stage.next_y - rows_reported);
            rows_reported = stage.next_y;
          }

        if (!last)
          for (guint c = 0; c < classes; c++)
            {
              float *a = acc + (gsize) c * tile * acc_w;

              memmove (a, a + (gsize) step * acc_w, (gsize) (tile - step) * acc_w * sizeof (float));
              memset (a + (gsize) (tile - step) * acc_w, 0, (gsize) step * acc_w * sizeof (float));
            }
      }
  }

  return g_steal_pointer (&result);
}

static void
segment_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SegmentJob *job = task_data;
  GError *error = NULL;
  SheathSegmentation *result;

  report_progress (job, 0, "Starting");
  result = run_segmentation (job, cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    {
      report_progress (job, 1, "Done");
      g_task_return_pointer (task, result, g_object_unref);
    }
}

static SegmentJob *
segment_job_new (SheathSegmenter *self,
                 SheathImage     *image,
                 GMainContext    *context)
{
  SegmentJob *job = g_new0 (SegmentJob, 1);

  job->self = g_object_ref (self);
  job->image = g_object_ref (image);
  job->model = g_object_ref (self->model);
  job->context = context ? g_main_context_ref (context) : NULL;
  job->n_threads = self->n_threads ? self->n_threads : _sheath_workers_default_size ();
  job->tile_size = MAX (self->tile_size, 2 * self->tile_margin + 64);
  job->tile_margin = self->tile_margin;
  job->flips = self->flips;
  return job;
}

static void
sheath_segmenter_finalize (GObject *object)
{
  SheathSegmenter *self = (SheathSegmenter *)object;

  g_clear_object (&self->model);
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->pending_message, g_free);
  g_mutex_clear (&self->progress_mutex);

  G_OBJECT_CLASS (sheath_segmenter_parent_class)->finalize (object);
}

static void
sheath_segmenter_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SheathSegmenter *self = SHEATH_SEGMENTER (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;

    case PROP_N_THREADS:
      g_value_set_uint (value, self->n_threads);
      break;

    case PROP_TILE_SIZE:
      g_value_set_uint (value, self->tile_size);
      break;

    case PROP_TILE_MARGIN:
      g_value_set_uint (value, self->tile_margin);
      break;

    case PROP_FLIPS:
      g_value_set_boolean (value, self->flips);
      break;

    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;

    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_segmenter_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  SheathSegmenter *self = SHEATH_SEGMENTER (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      self->model = g_value_dup_object (value);
      break;

    case PROP_N_THREADS:
      sheath_segmenter_set_n_threads (self, g_value_get_uint (value));
      break;

    case PROP_TILE_SIZE:
      sheath_segmenter_set_tile_size (self, g_value_get_uint (value));
      break;

    case PROP_TILE_MARGIN:
      sheath_segmenter_set_tile_margin (self, g_value_get_uint (value));
      break;

    case PROP_FLIPS:
      if (self->flips != g_value_get_boolean (value))
        {
          self->flips = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_segmenter_class_init (SheathSegmenterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sheath_segmenter_finalize;
  object_class->get_property = sheath_segmenter_get_property;
  object_class->set_property = sheath_segmenter_set_property;

  /**
   * SheathSegmenter:model:
   *
   * The model that segments.
   */
  properties [PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL,
                         SHEATH_TYPE_MODEL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * SheathSegmenter:n-threads:
   *
   * How many threads run the network; 0 means one per processor.
   */
  properties [PROP_N_THREADS] =
    g_param_spec_uint ("n-threads", NULL, NULL,
                       0, 256, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * SheathSegmenter:tile-size:
   *
   * The side of the square tiles the network runs on, in the model's
   * pixels; rounded to what the network needs. The memory used grows with
   * its square, not with the image.
   */
  properties [PROP_TILE_SIZE] =
    g_param_spec_uint ("tile-size", NULL, NULL,
                       MIN_TILE_SIZE, MAX_TILE_SIZE, DEFAULT_TILE_SIZE,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * SheathSegmenter:tile-margin:
   *
   * The context, in model pixels, on each side of a tile that is blended
   * away; tiles are made at least twice this plus 64 wide.
   */
  properties [PROP_TILE_MARGIN] =
    g_param_spec_uint ("tile-margin", NULL, NULL,
                       0, MAX_TILE_MARGIN, DEFAULT_TILE_MARGIN,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * SheathSegmenter:flips:
   *
   * Test-time augmentation: each tile is also segmented mirrored
   * left–right, top–bottom and both, and the four predictions are averaged.
   * A little more accurate, four times slower.
   */
  properties [PROP_FLIPS] =
    g_param_spec_boolean ("flips", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * SheathSegmenter:fraction:
   *
   * How much of the current segmentation is done, from 0 to 1. Updated on
   * the main context of the thread that called
   * sheath_segmenter_segment_async().
   */
  properties [PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL,
                         0, 1, 0,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * SheathSegmenter:message:
   *
   * What the segmenter is doing, for a person.
   */
  properties [PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SheathSegmenter::rows-segmented:
   * @self: the segmenter
   * @first_row: the first image row of @labels
   * @n_rows: how many rows
   * @labels: the rows' #SheathLabel values, one byte a pixel, rows packed
   *
   * Rows of the result that are final, in order from the top, while the
   * rest is segmented: a viewer can show them as they come. Emitted on the
   * main context of sheath_segmenter_segment_async() (in the calling
   * thread for sheath_segmenter_segment()).
   */
  signals [ROWS_SEGMENTED] = g_signal_new ("rows-segmented", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                           G_TYPE_UINT, G_TYPE_UINT, G_TYPE_BYTES);
}

static void
sheath_segmenter_init (SheathSegmenter *self)
{
  self->tile_size = DEFAULT_TILE_SIZE;
  self->tile_margin = DEFAULT_TILE_MARGIN;
  g_mutex_init (&self->progress_mutex);
}

/**
 * sheath_segmenter_new:
 * @model: the model to segment with
 *
 * Returns: (transfer full): a new #SheathSegmenter
 */
SheathSegmenter *
sheath_segmenter_new (SheathModel *model)
{
  g_return_val_if_fail (SHEATH_IS_MODEL (model), NULL);

  return g_object_new (SHEATH_TYPE_SEGMENTER, "model", model, NULL);
}

/**
 * sheath_segmenter_get_model:
 * @self: a #SheathSegmenter
 *
 * Returns: (transfer none): the model
 */
SheathModel *
sheath_segmenter_get_model (SheathSegmenter *self)
{
  g_return_val_if_fail (SHEATH_IS_SEGMENTER (self), NULL);
  return self->model;
}

/**
 * sheath_segmenter_get_n_threads:
 * @self: a #SheathSegmenter
 *
 * Returns: the number of threads, 0 for one per processor
 */
guint
sheath_segmenter_get_n_threads (SheathSegmenter *self)
{
  g_return_val_if_fail (SHEATH_IS_SEGMENTER (self), 0);
  return self->n_threads;
}

/**
 * sheath_segmenter_set_n_threads:
 * @self: a #SheathSegmenter
 * @n_threads: the number of threads, 0 for one per processor
 *
 * Sets how many threads later segmentations use.
 */
void
sheath_segmenter_set_n_threads (SheathSegmenter *self,
                                guint            n_threads)
{
  g_return_if_fail (SHEATH_IS_SEGMENTER (self));

  n_threads = MIN (n_threads, SHEATH_MAX_THREADS);
  if (self->n_threads != n_threads)
    {
      self->n_threads = n_threads;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_N_THREADS]);
    }
}

/**
 * sheath_segmenter_get_tile_size:
 * @self: a #SheathSegmenter
 *
 * Returns: the tile side in model pixels
 */
guint
sheath_segmenter_get_tile_size (SheathSegmenter *self)
{
  g_return_val_if_fail (SHEATH_IS_SEGMENTER (self), 0);
  return self->tile_size;
}

/**
 * sheath_segmenter_set_tile_size:
 * @self: a #SheathSegmenter
 * @tile_size: the tile side in model pixels
 *
 * Sets the tile size of later segmentations, clamped to 64–4096.
 */
void
sheath_segmenter_set_tile_size (SheathSegmenter *self,
                                guint            tile_size)
{
  g_return_if_fail (SHEATH_IS_SEGMENTER (self));

  tile_size = CLAMP (tile_size, MIN_TILE_SIZE, MAX_TILE_SIZE);
  if (self->tile_size != tile_size)
    {
      self->tile_size = tile_size;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TILE_SIZE]);
    }
}

/**
 * sheath_segmenter_get_tile_margin:
 * @self: a #SheathSegmenter
 *
 * Returns: the context, in model pixels, on each side of a tile that is
 *   blended away
 */
guint
sheath_segmenter_get_tile_margin (SheathSegmenter *self)
{
  g_return_val_if_fail (SHEATH_IS_SEGMENTER (self), 0);
  return self->tile_margin;
}

/**
 * sheath_segmenter_set_tile_margin:
 * @self: a #SheathSegmenter
 * @tile_margin: context in model pixels on each side of a tile
 *
 * Sets how much context each tile has beyond the part of it that counts.
 * Less is faster; too little leaves seams.
 */
void
sheath_segmenter_set_tile_margin (SheathSegmenter *self,
                                  guint            tile_margin)
{
  g_return_if_fail (SHEATH_IS_SEGMENTER (self));

  tile_margin = MIN (tile_margin, MAX_TILE_MARGIN);
  if (self->tile_margin != tile_margin)
    {
      self->tile_margin = tile_margin;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TILE_MARGIN]);
    }
}

/**
 * sheath_segmenter_get_fraction:
 * @self: a #SheathSegmenter
 *
 * Returns: the progress of the current segmentation, from 0 to 1
 */
double
sheath_segmenter_get_fraction (SheathSegmenter *self)
{
  g_return_val_if_fail (SHEATH_IS_SEGMENTER (self), 0);
  return self->fraction;
}

/**
 * sheath_segmenter_dup_message:
 * @self: a #SheathSegmenter
 *
 * Returns: (transfer full) (nullable): what the segmenter is doing
 */
char *
sheath_segmenter_dup_message (SheathSegmenter *self)
{
  g_return_val_if_fail (SHEATH_IS_SEGMENTER (self), NULL);
  return g_strdup (self->message);
}

/**
 * sheath_segmenter_segment:
 * @self: a #SheathSegmenter
 * @image: the image, with a pixel size
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Segments @image in the calling thread; see
 * sheath_segmenter_segment_async() for the steps.
 *
 * Returns: (transfer full): the segmentation, or %NULL with @error set
 */
SheathSegmentation *
sheath_segmenter_segment (SheathSegmenter  *self,
                          SheathImage      *image,
                          GCancellable     *cancellable,
                          GError          **error)
{
  g_autoptr(SegmentJob) job = NULL;
  SheathSegmentation *result;

  g_return_val_if_fail (SHEATH_IS_SEGMENTER (self), NULL);
  g_return_val_if_fail (SHEATH_IS_IMAGE (image), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  job = segment_job_new (self, image, NULL);
  set_progress (self, 0, "Starting");
  result = run_segmentation (job, cancellable, error);
  if (result != NULL)
    set_progress (self, 1, "Done");

  return result;
}

/**
 * sheath_segmenter_segment_async:
 * @self: a #SheathSegmenter
 * @image: the image, with a pixel size
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the segmentation is done
 * @user_data: data for @callback
 *
 * Segments @image on a worker thread: resamples it to the model's pixel
 * size, normalises it, runs the network over overlapping tiles blended
 * without seams, and resamples the class probabilities back to the image's
 * grid. #SheathSegmenter:fraction and #SheathSegmenter:message follow the
 * progress on the calling thread's main context. Cancelling stops within
 * one tile. Call sheath_segmenter_segment_finish() from @callback.
 */
void
sheath_segmenter_segment_async (SheathSegmenter     *self,
                                SheathImage         *image,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GMainContext) context = NULL;

  g_return_if_fail (SHEATH_IS_SEGMENTER (self));
  g_return_if_fail (SHEATH_IS_IMAGE (image));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  context = g_main_context_ref_thread_default ();
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sheath_segmenter_segment_async);
  g_task_set_task_data (task, segment_job_new (self, image, context),
                        (GDestroyNotify) segment_job_free);
  g_task_run_in_thread (task, segment_worker);
}

/**
 * sheath_segmenter_segment_finish:
 * @self: a #SheathSegmenter
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the segmentation, or %NULL with @error set
 */
SheathSegmentation *
sheath_segmenter_segment_finish (SheathSegmenter  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (SHEATH_IS_SEGMENTER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
