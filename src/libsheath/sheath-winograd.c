/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-winograd"

#include "config.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "sheath-layers-private.h"
#include "sheath-util-private.h"

/* Winograd F(4×4, 3×3) (Lavin & Gray, 2015): a 6×6 input patch gives a
 * 4×4 output with 36 multiplications per channel pair instead of 144, and
 * the multiplications become 36 GEMMs over channels. Interpolation points
 * 0, ±1, ±2 and ∞ keep the float32 error near 1e-6 relative. */

#define TILE_OUT 4
#define TILE_IN  6
#define N_TAPS   (TILE_IN * TILE_IN)

/* Bands of tiles sized so that one band's transformed input and output stay
 * in cache while the GEMMs run. */
#define BAND_BYTES     (3u << 20)
#define MIN_BAND_TILES 64u

static const float G[TILE_IN][3] = {
  { 1.f / 4, 0, 0 },
  { -1.f / 6, -1.f / 6, -1.f / 6 },
  { -1.f / 6, 1.f / 6, -1.f / 6 },
  { 1.f / 24, 1.f / 12, 1.f / 6 },
  { 1.f / 24, -1.f / 12, 1.f / 6 },
  { 0, 0, 1 },
};

gboolean
_sheath_winograd_suits (guint cin)
{
  /* With very few input channels the GEMMs are too thin to pay for the
   * transforms (the network's first layer). */
  return cin >= 8;
}

void
_sheath_winograd_prepare (SheathConv3x3 *conv)
{
  gsize plane = (gsize) conv->cout * conv->cin;

  if (conv->winograd == NULL)
    conv->winograd = g_new (float, N_TAPS * plane);

  for (guint o = 0; o < conv->cout; o++)
    for (guint i = 0; i < conv->cin; i++)
      {
        const float *g = conv->weight + ((gsize) o * conv->cin + i) * 9;
        float tmp[TILE_IN][3];

        /* U = G g Gᵀ */
        for (guint r = 0; r < TILE_IN; r++)
          for (guint c = 0; c < 3; c++)
            tmp[r][c] = G[r][0] * g[0 * 3 + c] + G[r][1] * g[1 * 3 + c] + G[r][2] * g[2 * 3 + c];
        for (guint r = 0; r < TILE_IN; r++)
          for (guint c = 0; c < TILE_IN; c++)
            conv->winograd[(r * TILE_IN + c) * plane + (gsize) o * conv->cin + i] =
              tmp[r][0] * G[c][0] + tmp[r][1] * G[c][1] + tmp[r][2] * G[c][2];
      }
}

static guint
band_tile_rows (guint cin,
                guint cout,
                guint tiles_x)
{
  gsize per_tile = (gsize) N_TAPS * (cin + cout) * sizeof (float);
  guint tiles = MAX (BAND_BYTES / per_tile, MIN_BAND_TILES);

  return MAX ((tiles + tiles_x - 1) / tiles_x, 1);
}

gsize
_sheath_winograd_scratch_floats (guint cin,
                                 guint cout,
                                 guint width)
{
  guint tiles_x = (width + TILE_OUT - 1) / TILE_OUT;

  /* V and M for a band; six padded lines for the input transform and four
   * more of tiles_x + 1 for the output transform's [4][6][tiles_x] and
   * [4][tiles_x]; and a line of zeros. */
  return (gsize) N_TAPS * (cin + cout) * band_tile_rows (cin, cout, tiles_x) * tiles_x +
         TILE_IN * ((gsize) tiles_x * TILE_OUT + 2) + 4 * ((gsize) tiles_x + 1) + width;
}


typedef struct
{
  const SheathConv3x3  *conv;
  const float          *in;
  guint                 height;
  guint                 width;
  guint                 tiles_x;
  guint                 tiles_y;
  guint                 band_rows;
  float                *out;
  float               **scratch;
} WinogradJob;

/* The transforms below are written so that GCC and clang vectorise them:
 * each loop runs over contiguous arrays (the stride-4 phases apart, indexed
 * by gsize so that 4 tx cannot wrap and stays a plain stride), whose rows
 * never overlap (only rows that are read may coincide: the zero row).
 * Unvectorised, they took half of a tile's time. */

/* Bᵀ d B for one row of tiles of one channel, done separably: first down the
 * six input rows, then across each tile. Writes V[tap][col] with `stride`
 * floats between taps. */
SHEATH_VECTOR_CLONES static void
input_transform_row (const float *restrict src,
                     guint                 height,
                     guint                 width,
                     guint                 ty,
                     guint                 tiles_x,
                     const float *restrict zeros,    /* [width], all zero */
                     float *restrict       t,        /* [6][padded] */
                     float *restrict       v,
                     gsize                 stride)
{
  guint padded = tiles_x * TILE_OUT + 2;
  gint y0 = (gint) (ty * TILE_OUT) - 1;
  const float *d[TILE_IN];

  for (guint r = 0; r < TILE_IN; r++)
    {
      gint y = y0 + (gint) r;
      d[r] = (y >= 0 && y < (gint) height) ? src + (gsize) y * width : zeros;
    }

  /* Down the six rows; column x of the image is column x + 1 of t, and the
   * columns outside the image stay zero. */
  for (guint r = 0; r < TILE_IN; r++)
    {
      t[r * padded] = 0.f;
      for (guint x = width + 1; x < padded; x++)
        t[r * padded + x] = 0.f;
    }
  {
    const float *restrict d0 = d[0], *restrict d1 = d[1], *restrict d2 = d[2];
    const float *restrict d3 = d[3], *restrict d4 = d[4], *restrict d5 = d[5];
    float *restrict t0 = t + 1;
    float *restrict t1 = t + padded + 1;
    float *restrict t2 = t + 2 * padded + 1;
    float *restrict t3 = t + 3 * padded + 1;
    float *restrict t4 = t + 4 * padded + 1;
    float *restrict t5 = t + 5 * padded + 1;

    SHEATH_LOOP_INDEPENDENT
    for (guint x = 0; x < width; x++)
      {
        float a1 = d1[x], a2 = d2[x], a3 = d3[x], a4 = d4[x];

        t0[x] = 4 * d0[x] - 5 * a2 + a4;
        t1[x] = -4 * (a1 + a2) + a3 + a4;
        t2[x] = 4 * (a1 - a2) - a3 + a4;
        t3[x] = -2 * a1 - a2 + 2 * a3 + a4;
        t4[x] = 2 * a1 - a2 - 2 * a3 + a4;
        t5[x] = 4 * a1 - 5 * a3 + d5[x];
      }
  }

  /* Across: tile tx's taps are line[4 tx … 4 tx + 5]. */
  for (guint r = 0; r < TILE_IN; r++)
    {
      const float *restrict tr = t + (gsize) r * padded;
      float *restrict o0 = v + (gsize) (r * TILE_IN + 0) * stride;
      float *restrict o1 = v + (gsize) (r * TILE_IN + 1) * stride;
      float *restrict o2 = v + (gsize) (r * TILE_IN + 2) * stride;
      float *restrict o3 = v + (gsize) (r * TILE_IN + 3) * stride;
      float *restrict o4 = v + (gsize) (r * TILE_IN + 4) * stride;
      float *restrict o5 = v + (gsize) (r * TILE_IN + 5) * stride;

      SHEATH_LOOP_INDEPENDENT
      for (gsize tx = 0; tx < tiles_x; tx++)
        {
          float a0 = tr[4 * tx], a1 = tr[4 * tx + 1], a2 = tr[4 * tx + 2];
          float a3 = tr[4 * tx + 3], a4 = tr[4 * tx + 4], a5 = tr[4 * tx + 5];

          o0[tx] = 4 * a0 - 5 * a2 + a4;
          o1[tx] = -4 * (a1 + a2) + a3 + a4;
          o2[tx] = 4 * (a1 - a2) - a3 + a4;
          o3[tx] = -2 * a1 - a2 + 2 * a3 + a4;
          o4[tx] = 2 * a1 - a2 - 2 * a3 + a4;
          o5[tx] = 4 * a1 - 5 * a3 + a5;
        }
    }
}

/* Aᵀ m A for one row of tiles of one output channel, again separably, then
 * bias and ReLU into the output rows. m holds taps `stride` floats apart. */
SHEATH_VECTOR_CLONES static void
output_transform_row (const float *restrict m,
                      gsize                 stride,
                      guint                 tiles_x,
                      float                 bias,
                      gboolean              relu,
                      float *restrict       u,       /* [4][6][tiles_x], then [4][tiles_x] */
                      float *restrict       dst,     /* first output row of this tile row */
                      guint                 width,
                      guint                 rows)
{
  float *restrict y0 = u + (gsize) TILE_OUT * TILE_IN * tiles_x;
  float *restrict y1 = y0 + tiles_x;
  float *restrict y2 = y1 + tiles_x;
  float *restrict y3 = y2 + tiles_x;
  float low = relu ? 0.f : -INFINITY;
  guint full = width / TILE_OUT;

  for (guint c = 0; c < TILE_IN; c++)
    {
      const float *restrict m0 = m + (gsize) (0 * TILE_IN + c) * stride;
      const float *restrict m1 = m + (gsize) (1 * TILE_IN + c) * stride;
      const float *restrict m2 = m + (gsize) (2 * TILE_IN + c) * stride;
      const float *restrict m3 = m + (gsize) (3 * TILE_IN + c) * stride;
      const float *restrict m4 = m + (gsize) (4 * TILE_IN + c) * stride;
      const float *restrict m5 = m + (gsize) (5 * TILE_IN + c) * stride;
      float *restrict u0 = u + (gsize) (0 * TILE_IN + c) * tiles_x;
      float *restrict u1 = u + (gsize) (1 * TILE_IN + c) * tiles_x;
      float *restrict u2 = u + (gsize) (2 * TILE_IN + c) * tiles_x;
      float *restrict u3 = u + (gsize) (3 * TILE_IN + c) * tiles_x;

      SHEATH_LOOP_INDEPENDENT
      for (guint tx = 0; tx < tiles_x; tx++)
        {
          float a1 = m1[tx], a2 = m2[tx], a3 = m3[tx], a4 = m4[tx];

          u0[tx] = m0[tx] + a1 + a2 + a3 + a4;
          u1[tx] = a1 - a2 + 2 * (a3 - a4);
          u2[tx] = a1 + a2 + 4 * (a3 + a4);
          u3[tx] = a1 - a2 + 8 * (a3 - a4) + m5[tx];
        }
    }

  for (guint r = 0; r < rows; r++)
    {
      const float *restrict t0 = u + (gsize) (r * TILE_IN + 0) * tiles_x;
      const float *restrict t1 = u + (gsize) (r * TILE_IN + 1) * tiles_x;
      const float *restrict t2 = u + (gsize) (r * TILE_IN + 2) * tiles_x;
      const float *restrict t3 = u + (gsize) (r * TILE_IN + 3) * tiles_x;
      const float *restrict t4 = u + (gsize) (r * TILE_IN + 4) * tiles_x;
      const float *restrict t5 = u + (gsize) (r * TILE_IN + 5) * tiles_x;
      float *restrict out = dst + (gsize) r * width;

      SHEATH_LOOP_INDEPENDENT
      for (guint tx = 0; tx < tiles_x; tx++)
        {
          float a1 = t1[tx], a2 = t2[tx], a3 = t3[tx], a4 = t4[tx];

          y0[tx] = MAX (t0[tx] + a1 + a2 + a3 + a4 + bias, low);
          y1[tx] = MAX (a1 - a2 + 2 * (a3 - a4) + bias, low);
          y2[tx] = MAX (a1 + a2 + 4 * (a3 + a4) + bias, low);
          y3[tx] = MAX (a1 - a2 + 8 * (a3 - a4) + t5[tx] + bias, low);
        }

      /* Interleave the four phases back into the row. */
      SHEATH_LOOP_INDEPENDENT
      for (gsize tx = 0; tx < full; tx++)
        {
          out[4 * tx] = y0[tx];
          out[4 * tx + 1] = y1[tx];
          out[4 * tx + 2] = y2[tx];
          out[4 * tx + 3] = y3[tx];
        }
      if (full < tiles_x)
        {
          const float last[TILE_OUT] = { y0[full], y1[full], y2[full], y3[full] };

          for (guint c = 0; c < width - full * TILE_OUT; c++)
            out[full * TILE_OUT + c] = last[c];
        }
    }
}

static void
winograd_band (guint    band,
               guint    worker,
               gpointer data)
{
  const WinogradJob *job = data;
  const SheathConv3x3 *conv = job->conv;
  guint h = job->height, w = job->width;
  guint ty0 = band * job->band_rows;
  guint ty1 = MIN (job->tiles_y, ty0 + job->band_rows);
  guint tiles_x = job->tiles_x;
  gsize n = (gsize) (ty1 - ty0) * tiles_x;
  gsize in_plane = (gsize) h * w;
  gsize padded = (gsize) tiles_x * TILE_OUT + 2;
  float *v = job->scratch[worker];                       /* [36][cin][n] */
  float *m = v + (gsize) N_TAPS * conv->cin * n;         /* [36][cout][n] */
  float *t = m + (gsize) N_TAPS * conv->cout * n;        /* [6][padded] + [4][tiles_x + 1] */
  float *zeros = t + TILE_IN * padded + 4 * (tiles_x + 1); /* [width] */
  gsize v_stride = (gsize) conv->cin * n;
  gsize m_stride = (gsize) conv->cout * n;

  memset (zeros, 0, w * sizeof (float));
  for (guint i = 0; i < conv->cin; i++)
    for (guint ty = ty0; ty < ty1; ty++)
      input_transform_row (job->in + i * in_plane, h, w, ty, tiles_x, zeros, t,
                           v + (gsize) i * n + (gsize) (ty - ty0) * tiles_x, v_stride);

  for (guint k = 0; k < N_TAPS; k++)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans,
                 conv->cout, n, conv->cin,
                 1.f, conv->winograd + (gsize) k * conv->cout * conv->cin, conv->cin,
                 v + k * v_stride, n,
                 0.f, m + k * m_stride, n);

  for (guint o = 0; o < conv->cout; o++)
    for (guint ty = ty0; ty < ty1; ty++)
      output_transform_row (m + (gsize) o * n + (gsize) (ty - ty0) * tiles_x, m_stride, tiles_x,
                            conv->bias ? conv->bias[o] : 0.f, !conv->linear, t,
                            job->out + o * in_plane + (gsize) ty * TILE_OUT * w, w,
                            MIN (TILE_OUT, h - ty * TILE_OUT));
}

void
_sheath_winograd_conv3x3_relu (SheathWorkers        *workers,
                               const SheathConv3x3  *conv,
                               const float          *in,
                               guint                 height,
                               guint                 width,
                               float                *out,
                               float               **scratch)
{
  WinogradJob job = {
    .conv = conv,
    .in = in,
    .height = height,
    .width = width,
    .tiles_x = (width + TILE_OUT - 1) / TILE_OUT,
    .tiles_y = (height + TILE_OUT - 1) / TILE_OUT,
    .out = out,
    .scratch = scratch,
  };
  guint n_workers = _sheath_workers_get_size (workers);

  /* Every worker gets a band, even in the deepest layers, where a band sized
   * for the cache would hold every tile and leave the other cores idle. */
  job.band_rows = MIN (band_tile_rows (conv->cin, conv->cout, job.tiles_x),
                       (job.tiles_y + n_workers - 1) / n_workers);
  _sheath_workers_run (workers, (job.tiles_y + job.band_rows - 1) / job.band_rows, winograd_band, &job);
}
