/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-segmenter"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "sheath-blas-private.h"
#include "sheath-error.h"
#include "sheath-image-private.h"
#include "sheath-limits.h"
#include "sheath-model-private.h"
#include "sheath-resample-private.h"
#include "sheath-row-source-private.h"
#include "sheath-segmentation-private.h"
#include "sheath-morphometrics-private.h"
#include "sheath-segmenter-private.h"
#include "sheath-separate-private.h"

/* The image segmented tile by tile, in phases: the image resampled to the
 * model's grid and normalised row by row (InputSampler); a row of tiles at
 * a time through the network, their predictions blended with smooth
 * weights into an accumulator; finished rows of probabilities resampled
 * back to the image's grid and labelled (OutputStage). Memory holds one
 * row of tiles, not the image at the model's scale. */

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
  SheathRowSource          *source;
  const SheathResampleAxis *ax;    /* image columns → model columns */
  const SheathResampleAxis *ay;    /* image rows → model rows */
  float                     gain;
  float                     offset;
  float                    *src_row;   /* [image width] */
  float                    *h_row;     /* [model width] */
} InputSampler;

/* One row of the image on the model's grid, normalised for the network. */
static gboolean
sample_model_row (InputSampler  *s,
                  guint          model_y,
                  float         *out,
                  GError       **error)
{
  const float *w = s->ay->weights + (gsize) model_y * s->ay->max_taps;
  guint n = s->ax->n_out;

  memset (out, 0, n * sizeof (float));
  for (guint k = 0; k < s->ay->count[model_y]; k++)
    {
      if (!_sheath_row_source_read (s->source, s->ay->first[model_y] + k, s->src_row, error))
        return FALSE;
      if (s->ax->identity)
        memcpy (s->h_row, s->src_row, n * sizeof (float));
      else
        _sheath_resample_row (s->ax, s->src_row, 1, s->h_row);
      for (guint x = 0; x < n; x++)
        out[x] += w[k] * s->h_row[x];
    }
  for (guint x = 0; x < n; x++)
    out[x] = out[x] * s->gain + s->offset;
  return TRUE;
}

static gboolean
normalization_for (SheathModel      *model,
                   SheathRowSource  *source,
                   float            *gain,
                   float            *offset,
                   GError          **error)
{
  guint w = _sheath_row_source_get_width (source);
  guint h = _sheath_row_source_get_height (source);
  g_autofree float *row = NULL;
  double mean, std, sum = 0, sum2 = 0, n = (double) w * h;

  if (sheath_model_get_fixed_normalization (model, &mean, &std))
    {
      double max_value = _sheath_row_source_get_bit_depth (source) == 8 ? 255.0 : 65535.0;

      *gain = (float) (1.0 / (max_value * std));
      *offset = (float) (-mean / std);
      return TRUE;
    }

  row = g_new (float, w);
  for (guint y = 0; y < h; y++)
    {
      double rs = 0, rs2 = 0;

      if (!_sheath_row_source_read (source, y, row, error))
        return FALSE;
      for (guint x = 0; x < w; x++)
        rs += row[x], rs2 += (double) row[x] * row[x];
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
  return TRUE;
}

/* Turns finished rows of class probabilities on the model's grid into
 * labels on the image's grid, keeping only the few model rows that the
 * next image row still needs, and hands them to the sink. */
typedef struct
{
  SegmentSink              *sink;
  const SheathResampleAxis *ax;     /* model columns → image columns */
  const SheathResampleAxis *ay;     /* model rows → image rows */
  guint                     classes;
  guint8                    label_of_class[SHEATH_NET_MAX_CLASSES];
  float                     decision_weight[SHEATH_NET_MAX_CLASSES];
  guint8                   *probabilities;  /* [classes][height][width], or NULL */
  guint                     image_width, image_height;
  guint                     model_width;
  guint                     ring_rows;
  float                    *ring;   /* [ring_rows][classes][model width] */
  float                    *v_row;  /* [classes][model width] */
  float                    *h_row;  /* [classes][image width] */
  guint8                   *labels;      /* [image width] */
  guint8                   *confidence;  /* [image width] */
  guint                     next_y;
} OutputStage;

/* Each pixel takes the class of the highest weighted probability (the
 * weights are 1 unless a calibration moved the boundaries); its
 * confidence is that class's probability. */
static gboolean
label_row (OutputStage  *o,
           const float  *probs,
           gsize         stride,
           guint         y,
           GError      **error)
{
  guint width = o->image_width;
  gsize plane = (gsize) width * o->image_height;

  for (guint x = 0; x < width; x++)
    {
      guint best = 0;
      float best_w = probs[x] * o->decision_weight[0];

      for (guint c = 1; c < o->classes; c++)
        if (probs[c * stride + x] * o->decision_weight[c] > best_w)
          best = c, best_w = probs[c * stride + x] * o->decision_weight[c];

      o->labels[x] = o->label_of_class[best];
      o->confidence[x] = (guint8) lrintf (CLAMP (probs[best * stride + x], 0.f, 1.f) * 255.f);
      if (o->probabilities != NULL)
        for (guint c = 0; c < o->classes; c++)
          o->probabilities[c * plane + (gsize) y * width + x] =
            (guint8) lrintf (CLAMP (probs[c * stride + x], 0.f, 1.f) * 255.f);
    }
  return o->sink->push_row (o->sink, y, o->labels, o->confidence, error);
}

static gboolean
output_stage_push (OutputStage  *o,
                   guint         model_y,
                   const float  *probs,   /* [classes][model width] */
                   GError      **error)
{
  gsize row_floats = (gsize) o->classes * o->model_width;

  if (o->ax->identity && o->ay->identity)
    {
      /* a resumed run computes again rows the sink has had */
      if (model_y < o->next_y)
        return TRUE;
      o->next_y = model_y + 1;
      return label_row (o, probs, o->model_width, model_y, error);
    }

  memcpy (o->ring + (model_y % o->ring_rows) * row_floats, probs, row_floats * sizeof (float));

  while (o->next_y < o->image_height &&
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
                              o->h_row + (gsize) c * o->image_width);
      if (!label_row (o, o->h_row, o->image_width, y, error))
        return FALSE;
    }
  return TRUE;
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


/* Where the tiles fall: the image's size on the model's grid, and tiles of
 * `tile` pixels whose centres `step` apart cover it with `margin` of
 * context on each side. */
typedef struct
{
  double scale;      /* image pixels per model pixel */
  guint  model_w, model_h;
  guint  tile, step, margin;
  guint  nx, ny;
  guint  acc_w, acc_h;
} TileGrid;

static gboolean
plan_grid (SegmentJob       *job,
           const SheathNet  *net,
           guint             width,
           guint             height,
           double            pixel_size,
           gboolean          whole,
           TileGrid         *g,
           GError          **error)
{
  SheathModel *model = job->model;
  guint mult = _sheath_net_tile_multiple (net);

  g->margin = job->tile_margin;
  g->scale = sheath_model_get_pixel_size (model) / pixel_size;
  g->model_w = (guint) MAX (1.0, MIN (round (width / g->scale), 1e9));
  g->model_h = (guint) MAX (1.0, MIN (round (height / g->scale), 1e9));
  if (fabs (g->model_w * g->scale - width) < 0.5 && fabs (g->model_h * g->scale - height) < 0.5 &&
      fabs (g->scale - 1.0) < 1e-3)
    {
      g->model_w = width;
      g->model_h = height;
      g->scale = 1.0;
    }
  /* streamed, only a row of tiles is held: the area is not bounded */
  if (g->model_w > SHEATH_IMAGE_MAX_SIDE || g->model_h > SHEATH_IMAGE_MAX_SIDE ||
      (whole && (guint64) g->model_w * g->model_h > SHEATH_IMAGE_MAX_PIXELS))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_PIXEL_SIZE,
                   _ ("At %g µm per pixel this image would be %u × %u pixels at the model's "
                   "%g µm per pixel, too large to segment: check the pixel size"),
                   pixel_size, g->model_w, g->model_h,
                   sheath_model_get_pixel_size (model));
      return FALSE;
    }

  g->tile = MIN (job->tile_size, MAX (g->model_w, g->model_h) + 2 * g->margin);
  g->tile = (g->tile + mult - 1) / mult * mult;
  g->tile = MAX (g->tile, (2 * g->margin + mult + mult - 1) / mult * mult);
  g->step = g->tile - 2 * g->margin;
  g->nx = (g->model_w + g->step - 1) / g->step;
  g->ny = (g->model_h + g->step - 1) / g->step;
  g->acc_w = g->nx * g->step + 2 * g->margin;
  g->acc_h = g->ny * g->step + 2 * g->margin;
  return TRUE;
}

/* A tile's blend weights, and their sums over the grid: tiles sit on a
 * regular grid, so the sum is separable. */
static void
blend_sums (const TileGrid *g,
            float          *window,
            float          *sum_x,
            float          *sum_y)
{
  for (guint t = 0; t < g->tile; t++)
    window[t] = blend_weight (MIN (t, g->tile - 1 - t), g->margin);
  for (guint i = 0; i < g->nx; i++)
    for (guint t = 0; t < g->tile; t++)
      sum_x[i * g->step + t] += window[t];
  for (guint j = 0; j < g->ny; j++)
    for (guint t = 0; t < g->tile; t++)
      sum_y[j * g->step + t] += window[t];
}

/* The strip of model rows a row of tiles reads, mirrored at the image's
 * edges so that border tiles see plausible context. */
static gboolean
fill_strip (const TileGrid  *g,
            InputSampler    *sampler,
            gint64           y0,
            float           *model_row,
            float           *strip,
            GError         **error)
{
  for (guint r = 0; r < g->tile; r++)
    {
      float *dst = strip + (gsize) r * g->acc_w;

      if (!sample_model_row (sampler, reflect_index (y0 + r, g->model_h), model_row, error))
        return FALSE;
      for (guint c = 0; c < g->acc_w; c++)
        dst[c] = model_row[reflect_index ((gint64) c - g->margin, g->model_w)];
    }
  return TRUE;
}

/* The classes whose probabilities are summed over tiles: the last one's
 * is what the others leave (the weights are known), and its accumulator
 * would take a third of a wide slide's memory. */
static guint
summed_classes (guint classes)
{
  return classes > 1 ? classes - 1 : classes;
}

/* One tile through the network, its prediction weighted into the
 * accumulator. With flips, the tile goes through as it is and mirrored
 * left–right, top–bottom and both, and the four predictions, mirrored
 * back, are averaged. */
static void
predict_tile (const TileGrid     *g,
              const SheathNet    *net,
              SheathNetWorkspace *ws,
              SheathWorkers      *workers,
              const float        *strip,
              guint               c0,
              guint               n_views,
              const float        *window,
              float              *acc)
{
  float *input = _sheath_net_workspace_get_input (ws);
  const float *output = _sheath_net_workspace_get_output (ws);
  guint tile = g->tile;
  gsize tile_px = (gsize) tile * tile;

  for (guint f = 0; f < n_views; f++)
    {
      gboolean fx = f & 1, fy = f & 2;
      float share = 1.0f / n_views;

      for (guint r = 0; r < tile; r++)
        {
          const float *src = strip + (gsize) (fy ? tile - 1 - r : r) * g->acc_w + c0;
          float *dst = input + (gsize) r * tile;

          if (!fx)
            memcpy (dst, src, tile * sizeof (float));
          else
            for (guint t = 0; t < tile; t++)
              dst[t] = src[tile - 1 - t];
        }
      for (guint ch = 1; ch < net->in_channels; ch++)
        memcpy (input + ch * tile_px, input, tile_px * sizeof (float));

      _sheath_net_forward (net, ws, workers);

      for (guint c = 0; c < summed_classes (net->classes); c++)
        for (guint r = 0; r < tile; r++)
          {
            const float *p = output + c * tile_px + (gsize) (fy ? tile - 1 - r : r) * tile;
            float *a = acc + ((gsize) c * tile + r) * g->acc_w + c0;
            float wr = window[r] * share;

            if (!fx)
              for (guint t = 0; t < tile; t++)
                a[t] += p[t] * wr * window[t];
            else
              for (guint t = 0; t < tile; t++)
                a[t] += p[tile - 1 - t] * wr * window[t];
          }
    }
}

/* Rows [y0, y0 + n_rows) of the accumulator are final: divided by their
 * weights and handed to the output stage. */
static gboolean
push_final_rows (const TileGrid  *g,
                 guint            classes,
                 const float     *acc,
                 const float     *sum_x,
                 const float     *sum_y,
                 gint64           y0,
                 guint            n_rows,
                 float           *probs,
                 OutputStage     *stage,
                 GError         **error)
{
  for (guint r = 0; r < n_rows; r++)
    {
      gint64 y = y0 + r;
      float wy;

      if (y < 0 || y >= g->model_h)
        continue;
      wy = sum_y[y + g->margin];
      for (guint c = 0; c < summed_classes (classes); c++)
        {
          const float *a = acc + ((gsize) c * g->tile + r) * g->acc_w + g->margin;
          float *p = probs + (gsize) c * g->model_w;

          for (guint x = 0; x < g->model_w; x++)
            p[x] = a[x] / (sum_x[x + g->margin] * wy);
        }
      if (summed_classes (classes) < classes)
        {
          float *last = probs + (gsize) (classes - 1) * g->model_w;

          for (guint x = 0; x < g->model_w; x++)
            {
              float rest = 1.f;

              for (guint c = 0; c + 1 < classes; c++)
                rest -= probs[(gsize) c * g->model_w + x];
              last[x] = MAX (rest, 0.f);
            }
        }
      if (!output_stage_push (stage, (guint) y, probs, error))
        return FALSE;
    }
  return TRUE;
}

/* The next row of tiles starts `step` rows lower: what overlaps moves up. */
static void
shift_accumulator (const TileGrid *g,
                   guint           classes,
                   float          *acc)
{
  for (guint c = 0; c < classes; c++)
    {
      float *a = acc + (gsize) c * g->tile * g->acc_w;

      memmove (a, a + (gsize) g->step * g->acc_w, (gsize) (g->tile - g->step) * g->acc_w * sizeof (float));
      memset (a + (gsize) (g->tile - g->step) * g->acc_w, 0, (gsize) g->step * g->acc_w * sizeof (float));
    }
}


gboolean
_sheath_segmenter_run_rows (SegmentJob       *job,
                            SheathRowSource  *source,
                            double            pixel_size,
                            gboolean          whole,
                            guint8           *probabilities,
                            SegmentSink      *sink,
                            GCancellable     *cancellable,
                            GError          **error)
{
  SheathModel *model = job->model;
  const SheathNet *net = _sheath_model_get_net (model);
  g_autoptr(SheathResampleAxis) in_x = NULL, in_y = NULL, out_x = NULL, out_y = NULL;
  g_autoptr(SheathNetWorkspace) ws = NULL;
  g_autoptr(SheathWorkers) workers = NULL;
  g_autofree float *strip = NULL, *acc = NULL, *window = NULL, *sum_x = NULL, *sum_y = NULL;
  g_autofree float *src_row = NULL, *h_row = NULL, *probs = NULL, *model_row = NULL;
  g_autofree float *ring = NULL, *v_row = NULL, *out_h_row = NULL;
  g_autofree guint8 *labels = NULL, *confidence = NULL;
  InputSampler sampler = { 0 };
  OutputStage stage = { 0 };
  TileGrid g;
  guint width = _sheath_row_source_get_width (source);
  guint height = _sheath_row_source_get_height (source);
  guint classes = net->classes;
  guint done, first;

  if (!plan_grid (job, net, width, height, pixel_size, whole, &g, error))
    return FALSE;
  if (sink->first_tile_row > g.ny || sink->first_image_row > height)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("Cannot resume from row %u of tiles: the image has %u"), sink->first_tile_row, g.ny);
      return FALSE;
    }

  _sheath_blas_prepare ();
  workers = _sheath_workers_new (job->n_threads);

  if (!(ws = _sheath_net_workspace_new (net, g.tile, _sheath_workers_get_size (workers), error)) ||
      !(strip = try_floats ((gsize) g.tile * g.acc_w, error)) ||
      !(acc = try_floats ((gsize) summed_classes (classes) * g.tile * g.acc_w, error)))
    return FALSE;

  window = g_new (float, g.tile);
  sum_x = g_new0 (float, g.acc_w);
  sum_y = g_new0 (float, g.acc_h);
  blend_sums (&g, window, sum_x, sum_y);

  /* the input: image rows → the model's grid, normalised */
  in_x = _sheath_resample_axis_new (width, g.model_w, g.scale);
  in_y = _sheath_resample_axis_new (height, g.model_h, g.scale);
  src_row = g_new (float, width);
  h_row = g_new (float, g.model_w);
  sampler.source = source;
  sampler.ax = in_x;
  sampler.ay = in_y;
  sampler.src_row = src_row;
  sampler.h_row = h_row;
  if (!normalization_for (model, source, &sampler.gain, &sampler.offset, error))
    return FALSE;

  /* the output: probabilities on the model's grid → labels on the image's */
  out_x = _sheath_resample_axis_new (g.model_w, width, 1.0 / g.scale);
  out_y = _sheath_resample_axis_new (g.model_h, height, 1.0 / g.scale);
  stage.sink = sink;
  stage.ax = out_x;
  stage.ay = out_y;
  stage.classes = classes;
  _sheath_model_map_labels (model, stage.label_of_class);
  {
    guint n_weights;
    const double *weights = sheath_model_get_decision_weights (model, &n_weights);

    for (guint c = 0; c < classes; c++)
      stage.decision_weight[c] = c < n_weights ? (float) weights[c] : 1.f;
  }
  stage.probabilities = probabilities;
  stage.image_width = width;
  stage.image_height = height;
  stage.model_width = g.model_w;
  stage.ring_rows = out_y->max_taps + 1;
  stage.next_y = sink->first_image_row;
  if (!(out_x->identity && out_y->identity))
    {
      if (!(ring = try_floats ((gsize) stage.ring_rows * classes * g.model_w, error)))
        return FALSE;
      v_row = g_new (float, (gsize) classes * g.model_w);
      out_h_row = g_new (float, (gsize) classes * width);
    }
  stage.ring = ring;
  stage.v_row = v_row;
  stage.h_row = out_h_row;
  labels = g_new (guint8, width);
  confidence = g_new (guint8, width);
  stage.labels = labels;
  stage.confidence = confidence;

  /* A run resumed at row j of tiles computes again, without handing their
   * rows on, the rows of tiles before it that reach into row j's rows or
   * into the model rows its first image rows are resampled from: what
   * they leave in the accumulator and in the output's ring, added in the
   * same order, is what an uninterrupted run had there, so the rest comes
   * out the same, bit for bit. */
  {
    guint reach = g.tile + (out_y->identity ? 0 : out_y->max_taps);
    guint again = (reach + g.step - 1) / g.step - 1;

    first = sink->first_tile_row - MIN (again, sink->first_tile_row);
  }
  done = sink->first_tile_row * g.nx;

  probs = g_new (float, (gsize) classes * g.model_w);
  model_row = g_new (float, g.model_w);
  for (guint j = first; j < g.ny; j++)
    {
      gint64 y0 = (gint64) j * g.step - g.margin;
      gboolean last = j + 1 == g.ny;
      gboolean again = j < sink->first_tile_row;

      if (!fill_strip (&g, &sampler, y0, model_row, strip, error))
        return FALSE;
      for (guint i = 0; i < g.nx; i++)
        {
          g_autofree char *message = NULL;

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          predict_tile (&g, net, ws, workers, strip, i * g.step, job->flips ? 4 : 1, window, acc);
          if (again)
            continue;
          done++;
          message = g_strdup_printf (_ ("Segmenting tile %u of %u"), done, g.nx * g.ny);
          _sheath_segmenter_report_progress (job, (double) done / (g.nx * g.ny), message);
        }

      /* rows [y0, y0 + step) get nothing more from later strips; after the
       * last strip every remaining row is final */
      if (!push_final_rows (&g, classes, acc, sum_x, sum_y, y0, last ? g.tile : g.step, probs, &stage, error))
        return FALSE;
      if (!last)
        shift_accumulator (&g, summed_classes (classes), acc);
      if (!again && sink->tile_row_done != NULL &&
          !sink->tile_row_done (sink, j + 1, g.ny, stage.next_y, error))
        return FALSE;
    }
  return TRUE;
}

/* The whole image's labels, into a segmentation in memory. */
typedef struct
{
  SegmentSink         parent;
  SegmentJob         *job;
  SheathSegmentation *result;
  guint               rows_reported;
} WholeSink;

static gboolean
whole_push_row (SegmentSink   *sink,
                guint          y,
                const guint8  *labels,
                const guint8  *confidence,
                GError       **error)
{
  WholeSink *self = (WholeSink *) sink;
  guint width = sheath_segmentation_get_width (self->result);

  memcpy (_sheath_segmentation_get_row (self->result, y), labels, width);
  memcpy (_sheath_segmentation_get_confidence_row (self->result, y), confidence, width);
  return TRUE;
}

static gboolean
whole_tile_row_done (SegmentSink  *sink,
                     guint         next_tile_row,
                     guint         n_tile_rows,
                     guint         next_image_row,
                     GError      **error)
{
  WholeSink *self = (WholeSink *) sink;

  if (next_image_row > self->rows_reported)
    {
      _sheath_segmenter_report_rows (self->job, self->result, self->rows_reported,
                                     next_image_row - self->rows_reported);
      self->rows_reported = next_image_row;
    }
  return TRUE;
}

SheathSegmentation *
_sheath_segmenter_run (SegmentJob    *job,
                       GCancellable  *cancellable,
                       GError       **error)
{
  SheathImage *image = job->image;
  SheathModel *model = job->model;
  g_autoptr(SheathSegmentation) result = NULL;
  g_autoptr(SheathRowSource) source = NULL;
  WholeSink sink = { { 0 } };
  guint8 *probabilities = NULL;
  guint8 label_of_class[SHEATH_NET_MAX_CLASSES];

  if (!sheath_image_require_pixel_size (image, error))
    return NULL;
  if (!(result = _sheath_segmentation_try_new (sheath_image_get_width (image), sheath_image_get_height (image), error)) ||
      !_sheath_segmentation_ensure_confidence (result, error))
    return NULL;
  sheath_segmentation_set_unmyelinated (result, _sheath_model_map_labels (model, label_of_class));
  {
    g_auto(GStrv) others = _sheath_model_dup_other_classes (model);

    _sheath_segmentation_set_other_classes (result, (const char * const *) others);
  }
  if (job->keep_probabilities)
    {
      guint n;

      if (!_sheath_segmentation_keep_probabilities (result, _sheath_model_get_net (model)->classes, error))
        return NULL;
      probabilities = _sheath_segmentation_get_probabilities (result, &n);
    }

  source = _sheath_row_source_new_for_image (image);
  sink.parent.push_row = whole_push_row;
  sink.parent.tile_row_done = whole_tile_row_done;
  sink.job = job;
  sink.result = result;
  if (!_sheath_segmenter_run_rows (job, source, sheath_image_get_pixel_size (image), TRUE, probabilities,
                                   &sink.parent, cancellable, error))
    return NULL;

  if (!job->keep_probabilities &&
      !_sheath_segmenter_clean_up (result, model, image, sheath_image_get_pixel_size (image), cancellable, error))
    return NULL;
  return g_steal_pointer (&result);
}

gboolean
_sheath_segmenter_has_clean_up (SheathModel *model)
{
  guint8 label_of_class[SHEATH_NET_MAX_CLASSES];
  double sigma, depth, min_area;

  sheath_model_get_uaxon_split (model, &sigma, &depth, &min_area);
  return sheath_model_get_min_fibre_confidence (model) > 0 || sheath_model_get_min_axon_diam (model) > 0 ||
         (_sheath_model_map_labels (model, label_of_class) && (depth > 0 || min_area > 0));
}

gboolean
_sheath_segmenter_clean_up (SheathSegmentation  *result,
                            SheathModel         *model,
                            SheathImage         *image,
                            double               ps,
                            GCancellable        *cancellable,
                            GError             **error)
{
  /* fibres the model is unsure of, and fragments too small to be axons, as
   * its calibration chose */
  if ((sheath_model_get_min_fibre_confidence (model) > 0 || sheath_model_get_min_axon_diam (model) > 0) &&
      !_sheath_morphometrics_drop_fibres (result, ps, sheath_model_get_min_fibre_confidence (model),
                                          sheath_model_get_min_axon_diam (model), cancellable, error))
    return FALSE;
  /* bundles of unmyelinated axons, drawn as one region at the model's
   * resolution, split into their axons along the membranes between them */
  if (sheath_segmentation_get_unmyelinated (result))
    {
      double sigma, depth, min_area;

      sheath_model_get_uaxon_split (model, &sigma, &depth, &min_area);
      g_return_val_if_fail (image != NULL, FALSE);
      if ((depth > 0 || min_area > 0) &&
          _sheath_separate_touching (result, SHEATH_LABEL_UNMYELINATED_AXON, image, sigma / ps,
                                     sheath_model_get_uaxon_split_distance_weight (model) * ps,
                                     depth > 0 ? depth : G_MAXDOUBLE, min_area / (ps * ps),
                                     cancellable, error) < 0)
        return FALSE;
    }
  return TRUE;
}
