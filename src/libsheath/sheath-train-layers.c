/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-train-layers"

#include "config.h"

#include <cblas.h>
#include <math.h>

#include "sheath-layers-private.h"
#include "sheath-util-private.h"
#include "sheath-train-layers-private.h"

/* ---- 3×3 convolution ------------------------------------------------- */

/* Training convolutions work in bands of rows, like inference, so that the
 * im2col matrix of a band stays in cache while its GEMMs read it. */
#define BAND_BYTES      (2u << 20)
#define MIN_BAND_PIXELS 512u

static guint
band_rows (guint k,
           guint w)
{
  guint rows = BAND_BYTES / (MAX (k, 1) * sizeof (float) * w);

  return MAX (MAX (rows, (MIN_BAND_PIXELS + w - 1) / w), 1);
}

gsize
_sheath_train_conv_scratch_floats (guint cin,
                                   guint w)
{
  return (gsize) cin * 9 * band_rows (cin * 9, w) * w;
}

/* Adds the columns of a band (output rows [y0, y1)) back onto the image
 * they were gathered from; out must be zeroed before the first band. */
static void
col2im_3x3_band (const float *col,
                 guint        cin,
                 guint        h,
                 guint        w,
                 guint        y0,
                 guint        y1,
                 float       *out)
{
  gsize n = (gsize) (y1 - y0) * w;
  gsize plane = (gsize) h * w;

  for (guint ci = 0; ci < cin; ci++)
    for (guint ky = 0; ky < 3; ky++)
      for (guint kx = 0; kx < 3; kx++)
        {
          const float *src = col + (gsize) (ci * 9 + ky * 3 + kx) * n;
          float *dst = out + ci * plane;

          for (guint y = y0; y < y1; y++)
            {
              gint sy = (gint) y + (gint) ky - 1;
              const float *s = src + (gsize) (y - y0) * w;
              float *d;

              if (sy < 0 || sy >= (gint) h)
                continue;
              d = dst + (gsize) sy * w;
              if (kx == 0)
                for (guint x = 1; x < w; x++)
                  d[x - 1] += s[x];
              else if (kx == 1)
                for (guint x = 0; x < w; x++)
                  d[x] += s[x];
              else
                for (guint x = 0; x + 1 < w; x++)
                  d[x + 1] += s[x];
            }
        }
}

typedef struct
{
  const SheathTrainCtx *ctx;
  const float          *weight;
  float                *weight_grad;
  guint                 cin, cout, h, w;
  SheathBatchIn         in;
  SheathBatchIn         dy;
  SheathBatchOut        out;
} ConvJob;

static void
conv_forward_sample (guint    n,
                     guint    worker,
                     gpointer data)
{
  const ConvJob *job = data;
  gsize hw = (gsize) job->h * job->w;
  guint k = job->cin * 9;
  guint rows = MIN (band_rows (k, job->w), job->h);
  float *col = job->ctx->col[worker];
  const float *in = job->in.data + n * job->in.stride;
  float *out = job->out.data + n * job->out.stride;

  for (guint y0 = 0; y0 < job->h; y0 += rows)
    {
      guint y1 = MIN (job->h, y0 + rows);
      gsize nb = (gsize) (y1 - y0) * job->w;

      _sheath_im2col_3x3 (in, job->cin, job->h, job->w, y0, y1, col);
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, job->cout, nb, k,
                   1.f, job->weight, k, col, nb,
                   0.f, out + (gsize) y0 * job->w, hw);
    }
}

void
_sheath_train_conv3x3_forward (const SheathTrainCtx *ctx,
                               const SheathConv3x3  *winograd,
                               const float          *weight,
                               guint                 cin,
                               guint                 cout,
                               guint                 h,
                               guint                 w,
                               SheathBatchIn         in,
                               SheathBatchOut        out)
{
  ConvJob job = { ctx, weight, NULL, cin, cout, h, w, in, { NULL, 0 }, out };

  if (winograd != NULL)
    {
      /* one sample at a time, each split into bands across the workers */
      for (guint n = 0; n < ctx->n; n++)
        _sheath_winograd_conv3x3_relu (ctx->workers, winograd, in.data + n * in.stride, h, w,
                                       out.data + n * out.stride, ctx->col);
      return;
    }
  _sheath_workers_run (ctx->workers, ctx->n, conv_forward_sample, &job);
}

static void
conv_backward_sample (guint    n,
                      guint    worker,
                      gpointer data)
{
  const ConvJob *job = data;
  gsize hw = (gsize) job->h * job->w;
  guint k = job->cin * 9;
  guint rows = MIN (band_rows (k, job->w), job->h);
  float *col = job->ctx->col[worker];
  const float *in = job->in.data + n * job->in.stride;
  const float *dy = job->dy.data + n * job->dy.stride;
  float *dx = job->out.data ? job->out.data + n * job->out.stride : NULL;

  if (dx != NULL)
    for (guint c = 0; c < job->cin; c++)
      memset (dx + c * hw, 0, hw * sizeof (float));

  for (guint y0 = 0; y0 < job->h; y0 += rows)
    {
      guint y1 = MIN (job->h, y0 + rows);
      gsize nb = (gsize) (y1 - y0) * job->w;
      const float *dy_band = dy + (gsize) y0 * job->w;

      _sheath_im2col_3x3 (in, job->cin, job->h, job->w, y0, y1, col);
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, job->cout, k, nb,
                   1.f, dy_band, hw, col, nb,
                   1.f, job->ctx->wpart[worker], k);
      if (dx != NULL)
        {
          cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, k, nb, job->cout,
                       1.f, job->weight, k, dy_band, hw,
                       0.f, col, nb);
          col2im_3x3_band (col, job->cin, job->h, job->w, y0, y1, dx);
        }
    }
}

void
_sheath_train_reduce_partials (const SheathTrainCtx *ctx,
                               float               **parts,
                               gsize                 size,
                               float                *into)
{
  guint n_workers = _sheath_workers_get_size (ctx->workers);

  for (guint w = 0; w < n_workers; w++)
    for (gsize i = 0; i < size; i++)
      into[i] += parts[w][i];
}

void
_sheath_train_conv3x3_backward (const SheathTrainCtx *ctx,
                                const SheathConv3x3  *winograd_t,
                                const float          *weight,
                                float                *weight_grad,
                                guint                 cin,
                                guint                 cout,
                                guint                 h,
                                guint                 w,
                                SheathBatchIn         in,
                                SheathBatchIn         dy,
                                SheathBatchOut        dx)
{
  SheathBatchOut none = { NULL, 0 };
  ConvJob job = { ctx, weight, weight_grad, cin, cout, h, w, in, dy, winograd_t ? none : dx };
  gsize size = (gsize) cout * cin * 9;
  guint n_workers = _sheath_workers_get_size (ctx->workers);

  for (guint i = 0; i < n_workers; i++)
    memset (ctx->wpart[i], 0, size * sizeof (float));
  _sheath_workers_run_fixed (ctx->workers, ctx->n, conv_backward_sample, &job);
  _sheath_train_reduce_partials (ctx, ctx->wpart, size, weight_grad);

  /* dx is dy convolved with the flipped, transposed kernel */
  if (winograd_t != NULL && dx.data != NULL)
    for (guint n = 0; n < ctx->n; n++)
      _sheath_winograd_conv3x3_relu (ctx->workers, winograd_t, dy.data + n * dy.stride, h, w,
                                     dx.data + n * dx.stride, ctx->col);
}

/* ---- batch norm + ReLU ------------------------------------------------ */

/* Batch norm is bound by memory, not arithmetic: it keeps no normalised
 * copy of its input (x̂ is recomputed from the conv output y, which is kept
 * anyway) nor reads the ReLU's output back (its sign is recomputed from x̂),
 * and the statistics take one pass. */

/* Σ (x − k) and Σ (x − k)² in eight double lanes, which the compiler
 * vectorises; k, a value of the channel, keeps the sums small so that the
 * variance does not cancel away. */
SHEATH_VECTOR_CLONES static void
sum_shifted (const float *restrict x,
             gsize                 n,
             float                 k,
             double               *sum,
             double               *sum2)
{
  double l1[8] = { 0 }, l2[8] = { 0 };
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    for (guint l = 0; l < 8; l++)
      {
        double d = x[i + l] - k;
        l1[l] += d;
        l2[l] += d * d;
      }
  for (guint l = 0; l < 8; l++)
    {
      *sum += l1[l];
      *sum2 += l2[l];
    }
  for (; i < n; i++)
    {
      double d = (double) x[i] - k;
      *sum += d;
      *sum2 += d * d;
    }
}

/* Eight floats, and eight masks, as GCC's vector extensions: the
 * conditional below vectorises only written this way. */
typedef float SheathFloat8 __attribute__ ((vector_size (32)));
typedef gint32 SheathMask8 __attribute__ ((vector_size (32)));

/* a = ReLU (γ x̂ + β), x̂ = (y − μ)/σ, eight at a time */
SHEATH_VECTOR_CLONES static void
normalise_relu (const float *restrict y,
                float *restrict       a,
                gsize                 n,
                float                 mean,
                float                 invstd,
                float                 gamma,
                float                 beta)
{
  const SheathFloat8 zero = { 0 };
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      SheathFloat8 y8, o;

      memcpy (&y8, y + i, sizeof y8);
      o = gamma * ((y8 - mean) * invstd) + beta;
      o = (SheathFloat8) ((SheathMask8) o & (o > zero));
      memcpy (a + i, &o, sizeof o);
    }
  for (; i < n; i++)
    {
      float o = gamma * ((y[i] - mean) * invstd) + beta;
      a[i] = o > 0.f ? o : 0.f;
    }
}

/* Σ g and Σ g·x̂ where the ReLU let the value through, eight at a time. */
SHEATH_VECTOR_CLONES static void
sum_gradients (const float *restrict da,
               const float *restrict y,
               gsize                 n,
               float                 mean,
               float                 invstd,
               float                 gamma,
               float                 beta,
               double               *sum_g,
               double               *sum_gx)
{
  SheathFloat8 lg = { 0 }, lgx = { 0 };
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      SheathFloat8 y8, d8, v, g;
      SheathMask8 open;

      memcpy (&y8, y + i, sizeof y8);
      memcpy (&d8, da + i, sizeof d8);
      v = (y8 - mean) * invstd;
      open = gamma * v + beta > 0.f;
      g = (SheathFloat8) ((SheathMask8) d8 & open);
      lg += g;
      lgx += g * v;
    }
  for (guint l = 0; l < 8; l++)
    {
      *sum_g += lg[l];
      *sum_gx += lgx[l];
    }
  for (; i < n; i++)
    {
      float v = (y[i] - mean) * invstd;

      if (gamma * v + beta > 0.f)
        {
          *sum_g += da[i];
          *sum_gx += (double) da[i] * v;
        }
    }
}

/* dy = s (g − ḡ − x̂ ḡx̂), g the gradient the ReLU let through */
SHEATH_VECTOR_CLONES static void
input_gradient (const float *restrict da,
                const float *restrict y,
                float *restrict       dy,
                gsize                 n,
                float                 mean,
                float                 invstd,
                float                 gamma,
                float                 beta,
                float                 scale,
                float                 mg,
                float                 mgx)
{
  for (gsize i = 0; i < n; i++)
    {
      float v = (y[i] - mean) * invstd;
      float gi = gamma * v + beta > 0.f ? da[i] : 0.f;

      dy[i] = scale * (gi - mg - v * mgx);
    }
}

typedef struct
{
  const SheathTrainCtx *ctx;
  guint                 channels;
  gsize                 hw;
  const float          *y;
  float                *a;
  float                *mean;
  float                *invstd;
  const float          *gamma;
  const float          *beta;
  float                *running_mean;
  float                *running_var;
  double                momentum;
  double                eps;
  SheathBatchIn         da;
  float                *dy;
  float                *dgamma;
  float                *dbeta;
} BnJob;

static void
bn_forward_channel (guint    c,
                    guint    worker,
                    gpointer data)
{
  const BnJob *job = data;
  gsize plane = (gsize) job->channels * job->hw;
  double m = (double) job->ctx->n * job->hw;
  double sum = 0, sum2 = 0, mean, var, invstd;
  float g = job->gamma[c], b = job->beta[c], k = job->y[c * job->hw], fm, fs;

  for (guint n = 0; n < job->ctx->n; n++)
    sum_shifted (job->y + n * plane + c * job->hw, job->hw, k, &sum, &sum2);
  mean = k + sum / m;
  var = MAX (sum2 / m - (sum / m) * (sum / m), 0.0);
  invstd = 1.0 / sqrt (var + job->eps);
  fm = (float) mean;
  fs = (float) invstd;
  job->mean[c] = fm;
  job->invstd[c] = fs;

  for (guint n = 0; n < job->ctx->n; n++)
    normalise_relu (job->y + n * plane + c * job->hw, job->a + n * plane + c * job->hw, job->hw, fm, fs, g, b);

  job->running_mean[c] = (float) ((1 - job->momentum) * job->running_mean[c] + job->momentum * mean);
  job->running_var[c] = (float) ((1 - job->momentum) * job->running_var[c] +
                                 job->momentum * var * (m > 1 ? m / (m - 1) : 1));
}

void
_sheath_train_bn_relu_forward (const SheathTrainCtx *ctx,
                               guint                 channels,
                               gsize                 hw,
                               const float          *y,
                               float                *a,
                               float                *mean,
                               float                *invstd,
                               const float          *gamma,
                               const float          *beta,
                               float                *running_mean,
                               float                *running_var,
                               double                momentum,
                               double                eps)
{
  BnJob job = { ctx, channels, hw, y, a, mean, invstd, gamma, beta, running_mean, running_var,
                momentum, eps, { NULL, 0 }, NULL, NULL, NULL };

  _sheath_workers_run (ctx->workers, channels, bn_forward_channel, &job);
}

static void
bn_backward_channel (guint    c,
                     guint    worker,
                     gpointer data)
{
  const BnJob *job = data;
  gsize plane = (gsize) job->channels * job->hw;
  double m = (double) job->ctx->n * job->hw;
  double sum_g = 0, sum_gx = 0;
  float fm = job->mean[c], fs = job->invstd[c], g = job->gamma[c], b = job->beta[c];
  float scale, mg, mgx;

  for (guint n = 0; n < job->ctx->n; n++)
    sum_gradients (job->da.data + n * job->da.stride + c * job->hw, job->y + n * plane + c * job->hw,
                   job->hw, fm, fs, g, b, &sum_g, &sum_gx);

  job->dgamma[c] += (float) sum_gx;
  job->dbeta[c] += (float) sum_g;
  scale = g * fs;
  mg = (float) (sum_g / m);
  mgx = (float) (sum_gx / m);

  for (guint n = 0; n < job->ctx->n; n++)
    input_gradient (job->da.data + n * job->da.stride + c * job->hw, job->y + n * plane + c * job->hw,
                    job->dy + n * plane + c * job->hw, job->hw, fm, fs, g, b, scale, mg, mgx);
}

void
_sheath_train_bn_relu_backward (const SheathTrainCtx *ctx,
                                guint                 channels,
                                gsize                 hw,
                                const float          *y,
                                const float          *mean,
                                const float          *invstd,
                                const float          *gamma,
                                const float          *beta,
                                SheathBatchIn         da,
                                float                *dy,
                                float                *dgamma,
                                float                *dbeta)
{
  BnJob job = { ctx, channels, hw, y, NULL, (float *) mean, (float *) invstd, gamma, beta,
                NULL, NULL, 0, 0, da, dy, dgamma, dbeta };

  _sheath_workers_run (ctx->workers, channels, bn_backward_channel, &job);
}

/* ---- max pooling ------------------------------------------------------ */

typedef struct
{
  guint          channels, h, w;
  SheathBatchIn  in;
  float         *out;
  guint8        *arg;
  const float   *dy;
  SheathBatchOut dx;
} PoolJob;

static void
pool_forward_sample (guint    n,
                     guint    worker,
                     gpointer data)
{
  const PoolJob *job = data;
  guint oh = job->h / 2, ow = job->w / 2;
  gsize in_plane = (gsize) job->h * job->w, out_plane = (gsize) oh * ow;

  for (guint c = 0; c < job->channels; c++)
    {
      const float *in = job->in.data + n * job->in.stride + c * in_plane;
      float *out = job->out + ((gsize) n * job->channels + c) * out_plane;
      guint8 *arg = job->arg + ((gsize) n * job->channels + c) * out_plane;

      for (guint y = 0; y < oh; y++)
        for (guint x = 0; x < ow; x++)
          {
            const float *p = in + (gsize) (2 * y) * job->w + 2 * x;
            float v[4] = { p[0], p[1], p[job->w], p[job->w + 1] };
            guint best = 0;

            /* the first maximum wins, as in PyTorch */
            for (guint k = 1; k < 4; k++)
              if (v[k] > v[best])
                best = k;
            out[(gsize) y * ow + x] = v[best];
            arg[(gsize) y * ow + x] = (guint8) best;
          }
    }
}

void
_sheath_train_maxpool_forward (const SheathTrainCtx *ctx,
                               guint                 channels,
                               guint                 h,
                               guint                 w,
                               SheathBatchIn         in,
                               float                *out,
                               guint8               *arg)
{
  PoolJob job = { channels, h, w, in, out, arg, NULL, { NULL, 0 } };

  _sheath_workers_run (ctx->workers, ctx->n, pool_forward_sample, &job);
}

static void
pool_backward_sample (guint    n,
                      guint    worker,
                      gpointer data)
{
  const PoolJob *job = data;
  guint oh = job->h / 2, ow = job->w / 2;
  gsize in_plane = (gsize) job->h * job->w, out_plane = (gsize) oh * ow;

  for (guint c = 0; c < job->channels; c++)
    {
      float *dx = job->dx.data + n * job->dx.stride + c * in_plane;
      const float *dy = job->dy + ((gsize) n * job->channels + c) * out_plane;
      const guint8 *arg = job->arg + ((gsize) n * job->channels + c) * out_plane;

      memset (dx, 0, in_plane * sizeof (float));
      for (guint y = 0; y < oh; y++)
        for (guint x = 0; x < ow; x++)
          {
            guint k = arg[(gsize) y * ow + x];
            dx[(gsize) (2 * y + k / 2) * job->w + 2 * x + k % 2] = dy[(gsize) y * ow + x];
          }
    }
}

void
_sheath_train_maxpool_backward (const SheathTrainCtx *ctx,
                                guint                 channels,
                                guint                 h,
                                guint                 w,
                                const float          *dy,
                                const guint8         *arg,
                                SheathBatchOut        dx)
{
  PoolJob job = { channels, h, w, { NULL, 0 }, NULL, (guint8 *) arg, dy, dx };

  _sheath_workers_run (ctx->workers, ctx->n, pool_backward_sample, &job);
}

/* ---- transposed convolution ------------------------------------------ */

typedef struct
{
  const SheathTrainCtx *ctx;
  const float          *taps;
  const float          *bias;
  guint                 cin, cout, h, w;
  SheathBatchIn         in;
  SheathBatchIn         dy;
  SheathBatchOut        out;
} UpJob;

void
_sheath_upconv_weights_to_taps (const float *weight,
                 guint        cin,
                 guint        cout,
                 float       *taps)
{
  for (guint i = 0; i < cin; i++)
    for (guint o = 0; o < cout; o++)
      for (guint t = 0; t < 4; t++)
        taps[((gsize) t * cout + o) * cin + i] = weight[((gsize) i * cout + o) * 4 + t];
}

static void
up_forward_sample (guint    n,
                   guint    worker,
                   gpointer data)
{
  const UpJob *job = data;
  gsize hw = (gsize) job->h * job->w;
  float *tmp = job->ctx->col[worker];
  float *out = job->out.data + n * job->out.stride;

  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, 4 * job->cout, hw, job->cin,
               1.f, job->taps, job->cin, job->in.data + n * job->in.stride, hw,
               0.f, tmp, hw);
  for (guint t = 0; t < 4; t++)
    for (guint o = 0; o < job->cout; o++)
      {
        const float *src = tmp + ((gsize) t * job->cout + o) * hw;
        float *dst = out + o * 4 * hw + (gsize) (t / 2) * 2 * job->w + t % 2;
        float b = job->bias[o];

        for (guint y = 0; y < job->h; y++)
          for (guint x = 0; x < job->w; x++)
            dst[(gsize) y * 4 * job->w + 2 * x] = src[(gsize) y * job->w + x] + b;
      }
}

void
_sheath_train_upconv_forward (const SheathTrainCtx *ctx,
                              const float          *weight,
                              const float          *bias,
                              float                *taps,
                              guint                 cin,
                              guint                 cout,
                              guint                 h,
                              guint                 w,
                              SheathBatchIn         in,
                              SheathBatchOut        out)
{
  UpJob job = { ctx, taps, bias, cin, cout, h, w, in, { NULL, 0 }, out };

  _sheath_upconv_weights_to_taps (weight, cin, cout, taps);
  _sheath_workers_run (ctx->workers, ctx->n, up_forward_sample, &job);
}

static void
up_backward_sample (guint    n,
                    guint    worker,
                    gpointer data)
{
  const UpJob *job = data;
  gsize hw = (gsize) job->h * job->w;
  float *dtmp = job->ctx->col[worker];
  const float *dy = job->dy.data + n * job->dy.stride;
  float *bpart = job->ctx->bpart[worker];

  for (guint t = 0; t < 4; t++)
    for (guint o = 0; o < job->cout; o++)
      {
        float *dst = dtmp + ((gsize) t * job->cout + o) * hw;
        const float *src = dy + o * 4 * hw + (gsize) (t / 2) * 2 * job->w + t % 2;
        double sum = 0;

        for (guint y = 0; y < job->h; y++)
          for (guint x = 0; x < job->w; x++)
            {
              float v = src[(gsize) y * 4 * job->w + 2 * x];
              dst[(gsize) y * job->w + x] = v;
              sum += v;
            }
        bpart[o] += (float) sum;
      }

  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, 4 * job->cout, job->cin, hw,
               1.f, dtmp, hw, job->in.data + n * job->in.stride, hw,
               1.f, job->ctx->wpart[worker], job->cin);
  if (job->out.data != NULL)
    cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, job->cin, hw, 4 * job->cout,
                 1.f, job->taps, job->cin, dtmp, hw,
                 0.f, job->out.data + n * job->out.stride, hw);
}

void
_sheath_train_upconv_backward (const SheathTrainCtx *ctx,
                               const float          *weight,
                               float                *weight_grad,
                               float                *bias_grad,
                               float                *taps,
                               guint                 cin,
                               guint                 cout,
                               guint                 h,
                               guint                 w,
                               SheathBatchIn         in,
                               SheathBatchIn         dy,
                               SheathBatchOut        dx)
{
  UpJob job = { ctx, taps, NULL, cin, cout, h, w, in, dy, dx };
  guint n_workers = _sheath_workers_get_size (ctx->workers);
  gsize size = (gsize) 4 * cin * cout;

  _sheath_upconv_weights_to_taps (weight, cin, cout, taps);
  for (guint i = 0; i < n_workers; i++)
    {
      memset (ctx->wpart[i], 0, size * sizeof (float));
      memset (ctx->bpart[i], 0, cout * sizeof (float));
    }
  _sheath_workers_run_fixed (ctx->workers, ctx->n, up_backward_sample, &job);

  for (guint wk = 0; wk < n_workers; wk++)
    {
      for (guint i = 0; i < cin; i++)
        for (guint o = 0; o < cout; o++)
          for (guint t = 0; t < 4; t++)
            weight_grad[((gsize) i * cout + o) * 4 + t] += ctx->wpart[wk][((gsize) t * cout + o) * cin + i];
      for (guint o = 0; o < cout; o++)
        bias_grad[o] += ctx->bpart[wk][o];
    }
}

