/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-layers"

#include "config.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "sheath-layers-private.h"

/* A band's im2col matrix should stay in the core's L2 cache while the GEMM
 * reads it, yet hold enough pixels that the GEMM is not starved: these two
 * bounds were tuned on 2 MiB-L2 AVX-512 cores. */
#define BAND_BYTES      (1u << 20)
#define MIN_BAND_PIXELS 256u

static guint
band_rows (guint k,
           guint width)
{
  guint rows = BAND_BYTES / (MAX (k, 1) * sizeof (float) * width);
  guint min_rows = (MIN_BAND_PIXELS + width - 1) / width;

  return MAX (MAX (rows, min_rows), 1);
}

gsize
_sheath_layers_scratch_floats (guint k,
                               guint width)
{
  return (gsize) k * band_rows (k, width) * width;
}

void
_sheath_im2col_3x3 (const float *in,
            guint        cin,
            guint        height,
            guint        width,
            guint        y0,
            guint        y1,
            float       *col)
{
  gsize n = (gsize) (y1 - y0) * width;
  gsize plane = (gsize) height * width;

  for (guint ci = 0; ci < cin; ci++)
    for (guint ky = 0; ky < 3; ky++)
      for (guint kx = 0; kx < 3; kx++)
        {
          float *dst = col + (gsize) (ci * 9 + ky * 3 + kx) * n;

          for (guint y = y0; y < y1; y++)
            {
              gint sy = (gint) y + (gint) ky - 1;
              float *d = dst + (gsize) (y - y0) * width;
              const float *s;

              if (sy < 0 || sy >= (gint) height)
                {
                  memset (d, 0, width * sizeof (float));
                  continue;
                }

              s = in + ci * plane + (gsize) sy * width;
              if (kx == 0)
                {
                  d[0] = 0.f;
                  memcpy (d + 1, s, (width - 1) * sizeof (float));
                }
              else if (kx == 1)
                {
                  memcpy (d, s, width * sizeof (float));
                }
              else
                {
                  memcpy (d, s + 1, (width - 1) * sizeof (float));
                  d[width - 1] = 0.f;
                }
            }
        }
}

typedef struct
{
  const SheathConv3x3  *conv;
  const float          *in;
  guint                 height;
  guint                 width;
  guint                 rows;
  float                *out;
  float               **scratch;
} Conv3x3Job;

static void
conv3x3_band (guint    band,
              guint    worker,
              gpointer data)
{
  const Conv3x3Job *job = data;
  const SheathConv3x3 *conv = job->conv;
  guint y0 = band * job->rows;
  guint y1 = MIN (job->height, y0 + job->rows);
  gsize n = (gsize) (y1 - y0) * job->width;
  gsize plane = (gsize) job->height * job->width;
  float *col = job->scratch[worker];
  float *out = job->out + (gsize) y0 * job->width;

  _sheath_im2col_3x3 (job->in, conv->cin, job->height, job->width, y0, y1, col);
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans,
               conv->cout, n, conv->cin * 9,
               1.f, conv->weight, conv->cin * 9,
               col, n,
               0.f, out, plane);

  for (guint o = 0; o < conv->cout; o++)
    {
      float *row = out + o * plane;
      float b = conv->bias[o];

      for (gsize i = 0; i < n; i++)
        {
          float v = row[i] + b;
          row[i] = v > 0.f ? v : 0.f;
        }
    }
}

gsize
_sheath_conv3x3_scratch_floats (const SheathConv3x3 *conv,
                                guint                width)
{
  if (conv->winograd != NULL)
    return _sheath_winograd_scratch_floats (conv->cin, conv->cout, width);
  return _sheath_layers_scratch_floats (conv->cin * 9, width);
}

void
_sheath_conv3x3_relu (SheathWorkers        *workers,
                      const SheathConv3x3  *conv,
                      const float          *in,
                      guint                 height,
                      guint                 width,
                      float                *out,
                      float               **scratch)
{
  Conv3x3Job job = {
    .conv = conv,
    .in = in,
    .height = height,
    .width = width,
    .rows = MIN (band_rows (conv->cin * 9, width), height),
    .out = out,
    .scratch = scratch,
  };

  if (conv->winograd != NULL)
    {
      _sheath_winograd_conv3x3_relu (workers, conv, in, height, width, out, scratch);
      return;
    }

  _sheath_workers_run (workers, (height + job.rows - 1) / job.rows, conv3x3_band, &job);
}

typedef struct
{
  const float *in;
  guint        height;
  guint        width;
  float       *out;
} PoolJob;

static void
maxpool2_channel (guint    c,
                  guint    worker,
                  gpointer data)
{
  const PoolJob *job = data;
  guint oh = job->height / 2;
  guint ow = job->width / 2;
  const float *in = job->in + (gsize) c * job->height * job->width;
  float *out = job->out + (gsize) c * oh * ow;

  for (guint y = 0; y < oh; y++)
    {
      const float *r0 = in + (gsize) (2 * y) * job->width;
      const float *r1 = r0 + job->width;
      float *o = out + (gsize) y * ow;

      for (guint x = 0; x < ow; x++)
        {
          float a = MAX (r0[2 * x], r0[2 * x + 1]);
          float b = MAX (r1[2 * x], r1[2 * x + 1]);
          o[x] = MAX (a, b);
        }
    }
}

void
_sheath_maxpool2 (SheathWorkers *workers,
                  const float   *in,
                  guint          channels,
                  guint          height,
                  guint          width,
                  float         *out)
{
  PoolJob job = { in, height, width, out };

  _sheath_workers_run (workers, channels, maxpool2_channel, &job);
}

typedef struct
{
  const SheathUpConv  *up;
  const float         *in;
  guint                height;
  guint                width;
  guint                rows;
  float               *out;
  float              **scratch;
} UpJob;

static void
upconv2_band (guint    band,
              guint    worker,
              gpointer data)
{
  const UpJob *job = data;
  const SheathUpConv *up = job->up;
  guint y0 = band * job->rows;
  guint y1 = MIN (job->height, y0 + job->rows);
  guint w = job->width;
  gsize n = (gsize) (y1 - y0) * w;
  gsize in_plane = (gsize) job->height * w;
  gsize out_plane = 4 * in_plane;
  float *tmp = job->scratch[worker];

  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans,
               4 * up->cout, n, up->cin,
               1.f, up->weight, up->cin,
               job->in + (gsize) y0 * w, in_plane,
               0.f, tmp, n);

  for (guint tap = 0; tap < 4; tap++)
    {
      guint dy = tap / 2;
      guint dx = tap % 2;

      for (guint o = 0; o < up->cout; o++)
        {
          const float *src = tmp + (gsize) (tap * up->cout + o) * n;
          float *dst = job->out + o * out_plane;
          float b = up->bias[o];

          for (guint y = y0; y < y1; y++)
            {
              const float *s = src + (gsize) (y - y0) * w;
              float *d = dst + (gsize) (2 * y + dy) * (2 * w) + dx;

              for (guint x = 0; x < w; x++)
                d[2 * x] = s[x] + b;
            }
        }
    }
}

void
_sheath_upconv2 (SheathWorkers       *workers,
                 const SheathUpConv  *up,
                 const float         *in,
                 guint                height,
                 guint                width,
                 float               *out,
                 float              **scratch)
{
  UpJob job = {
    .up = up,
    .in = in,
    .height = height,
    .width = width,
    .rows = MIN (band_rows (4 * up->cout, width), height),
    .out = out,
    .scratch = scratch,
  };

  _sheath_workers_run (workers, (height + job.rows - 1) / job.rows, upconv2_band, &job);
}

typedef struct
{
  const SheathHead  *head;
  const float       *in;
  guint              height;
  guint              width;
  guint              rows;
  float             *out;
  float            **scratch;
} HeadJob;

static void
head_band (guint    band,
           guint    worker,
           gpointer data)
{
  const HeadJob *job = data;
  const SheathHead *head = job->head;
  guint y0 = band * job->rows;
  guint y1 = MIN (job->height, y0 + job->rows);
  gsize n = (gsize) (y1 - y0) * job->width;
  gsize plane = (gsize) job->height * job->width;
  float *logits = job->scratch[worker];

  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans,
               head->classes, n, head->cin,
               1.f, head->weight, head->cin,
               job->in + (gsize) y0 * job->width, plane,
               0.f, logits, n);

  for (gsize i = 0; i < n; i++)
    {
      float max = -INFINITY;
      float sum = 0.f;

      for (guint c = 0; c < head->classes; c++)
        {
          float v = logits[c * n + i] + head->bias[c];
          logits[c * n + i] = v;
          max = MAX (max, v);
        }
      for (guint c = 0; c < head->classes; c++)
        {
          float e = expf (logits[c * n + i] - max);
          logits[c * n + i] = e;
          sum += e;
        }
      for (guint c = 0; c < head->classes; c++)
        job->out[c * plane + (gsize) y0 * job->width + i] = logits[c * n + i] / sum;
    }
}

void
_sheath_head_softmax (SheathWorkers     *workers,
                      const SheathHead  *head,
                      const float       *in,
                      guint              height,
                      guint              width,
                      float             *out,
                      float            **scratch)
{
  HeadJob job = {
    .head = head,
    .in = in,
    .height = height,
    .width = width,
    .rows = MIN (band_rows (head->classes, width), height),
    .out = out,
    .scratch = scratch,
  };

  _sheath_workers_run (workers, (height + job.rows - 1) / job.rows, head_band, &job);
}
