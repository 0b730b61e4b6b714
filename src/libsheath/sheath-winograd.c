/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-winograd"

#include "config.h"

#include <cblas.h>
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

  /* V and M for a band; six padded lines for the transforms (the output
   * transform's [4][6][tiles_x] fits there too), the four phases, and a
   * line of zeros. */
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

/* Bᵀ d B for one row of tiles of one channel, done separably: first down the
 * six input rows (contiguous, so it vectorises), then across each tile.
 * Writes V[tap][col] with `stride` floats between taps. */
SHEATH_VECTOR_CLONES static void
input_transform_row (const float *src,
                     guint        height,
                     guint        width,
                     guint        ty,
                     guint        tiles_x,
                     const float *zeros,    /* [width], all zero */
                     float       *t,        /* [6][padded] */
                     float       *e,        /* [6][tiles_x + 1] */
                     float       *v,
                     gsize        stride)
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
    const float *d0 = d[0], *d1 = d[1], *d2 = d[2], *d3 = d[3], *d4 = d[4], *d5 = d[5];
    float *t0 = t + 1, *t1 = t + padded + 1, *t2 = t + 2 * padded + 1;
    float *t3 = t + 3 * padded + 1, *t4 = t + 4 * padded + 1, *t5 = t + 5 * padded + 1;

    for (guint x = 0; x < width; x++)
      {
        t0[x] = 4 * d0[x] - 5 * d2[x] + d4[x];
        t1[x] = -4 * (d1[x] + d2[x]) + d3[x] + d4[x];
        t2[x] = 4 * (d1[x] - d2[x]) - d3[x] + d4[x];
        t3[x] = -2 * d1[x] - d2[x] + 2 * d3[x] + d4[x];
        t4[x] = 2 * d1[x] - d2[x] - 2 * d3[x] + d4[x];
        t5[x] = 4 * d1[x] - 5 * d3[x] + d5[x];
      }
  }

  /* Across: split each line into its four phases (e_k[tx] = line[4 tx + k];
   * the fifth and sixth taps are the next tile's first two), so that the
   * combination below runs over contiguous arrays. */
  for (guint r = 0; r < TILE_IN; r++)
    {
      const float *tr = t + (gsize) r * padded;
      float *e0 = e, *e1 = e + (tiles_x + 1), *e2 = e + 2 * (tiles_x + 1), *e3 = e + 3 * (tiles_x + 1);
      float *o0 = v + (gsize) (r * TILE_IN + 0) * stride;
      float *o1 = v + (gsize) (r * TILE_IN + 1) * stride;
      float *o2 = v + (gsize) (r * TILE_IN + 2) * stride;
      float *o3 = v + (gsize) (r * TILE_IN + 3) * stride;
      float *o4 = v + (gsize) (r * TILE_IN + 4) * stride;
      float *o5 = v + (gsize) (r * TILE_IN + 5) * stride;

      for (guint tx = 0; tx < tiles_x; tx++)
        {
          e0[tx] = tr[4 * tx];
          e1[tx] = tr[4 * tx + 1];
          e2[tx] = tr[4 * tx + 2];
          e3[tx] = tr[4 * tx + 3];
        }
      e0[tiles_x] = tr[4 * tiles_x];
      e1[tiles_x] = tr[4 * tiles_x + 1];

      for (guint tx = 0; tx < tiles_x; tx++)
        {
          float a0 = e0[tx], a1 = e1[tx], a2 = e2[tx], a3 = e3[tx], a4 = e0[tx + 1], a5 = e1[tx + 1];

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
output_transform_row (const float *m,
                      gsize        stride,
                      guint        tiles_x,
                      float        bias,
                      gboolean     relu,
                      float       *u,       /* [4][6][tiles_x] */
                      float       *dst,     /* first output row of this tile row */
                      guint        width,
                      guint        rows)
{
  for (guint c = 0; c < TILE_IN; c++)
    {
      const float *m0 = m + (gsize) (0 * TILE_IN + c) * stride;
      const float *m1 = m + (gsize) (1 * TILE_IN + c) * stride;
      const float *m2 = m + (gsize) (2 * TILE_IN + c) * stride;
      const float *m3 = m + (gsize) (3 * TILE_IN + c) * stride;
      const float *m4 = m + (gsize) (4 * TILE_IN + c) * stride;
      const float *m5 = m + (gsize) (5 * TILE_IN + c) * stride;
      float *u0 = u + (gsize) (0 * TILE_IN + c) * tiles_x;
      float *u1 = u + (gsize) (1 * TILE_IN + c) * tiles_x;
      float *u2 = u + (gsize) (2 * TILE_IN + c) * tiles_x;
      float *u3 = u + (gsize) (3 * TILE_IN + c) * tiles_x;

      for (guint tx = 0; tx < tiles_x; tx++)
        {
          u0[tx] = m0[tx] + m1[tx] + m2[tx] + m3[tx] + m4[tx];
          u1[tx] = m1[tx] - m2[tx] + 2 * (m3[tx] - m4[tx]);
          u2[tx] = m1[tx] + m2[tx] + 4 * (m3[tx] + m4[tx]);
          u3[tx] = m1[tx] - m2[tx] + 8 * (m3[tx] - m4[tx]) + m5[tx];
        }
    }

  for (guint r = 0; r < rows; r++)
    {
      const float *t0 = u + (gsize) (r * TILE_IN + 0) * tiles_x;
      const float *t1 = u + (gsize) (r * TILE_IN + 1) * tiles_x;
      const float *t2 = u + (gsize) (r * TILE_IN + 2) * tiles_x;
      const float *t3 = u + (gsize) (r * TILE_IN + 3) * tiles_x;
      const float *t4 = u + (gsize) (r * TILE_IN + 4) * tiles_x;
      const float *t5 = u + (gsize) (r * TILE_IN + 5) * tiles_x;
      float *out = dst + (gsize) r * width;
      guint full = width / TILE_OUT;

      for (guint tx = 0; tx < full; tx++)
        {
          float y0 = t0[tx] + t1[tx] + t2[tx] + t3[tx] + t4[tx] + bias;
          float y1 = t1[tx] - t2[tx] + 2 * (t3[tx] - t4[tx]) + bias;
          float y2 = t1[tx] + t2[tx] + 4 * (t3[tx] + t4[tx]) + bias;
          float y3 = t1[tx] - t2[tx] + 8 * (t3[tx] - t4[tx]) + t5[tx] + bias;
          float *o = out + tx * TILE_OUT;

          if (relu)
            {
              o[0] = y0 > 0.f ? y0 : 0.f;
              o[1] = y1 > 0.f ? y1 : 0.f;
              o[2] = y2 > 0.f ? y2 : 0.f;
              o[3] = y3 > 0.f ? y3 : 0.f;
            }
          else
            {
              o[0] = y0;
              o[1] = y1;
              o[2] = y2;
              o[3] = y3;
            }
        }

      if (full < tiles_x)
        {
          guint tx = full;
          float y[TILE_OUT] = {
            t0[tx] + t1[tx] + t2[tx] + t3[tx] + t4[tx],
            t1[tx] - t2[tx] + 2 * (t3[tx] - t4[tx]),
            t1[tx] + t2[tx] + 4 * (t3[tx] + t4[tx]),
            t1[tx] - t2[tx] + 8 * (t3[tx] - t4[tx]) + t5[tx],
          };

          for (guint c = 0; c < width - full * TILE_OUT; c++)
            {
              float val = y[c] + bias;
              out[full * TILE_OUT + c] = relu && val < 0.f ? 0.f : val;
            }
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
  float *t = m + (gsize) N_TAPS * conv->cout * n;        /* [6][padded] */
  float *e = t + TILE_IN * padded;                       /* [4][tiles_x + 1]; zeros after */
  float *zeros = e + 4 * (tiles_x + 1);                  /* [width] */
  gsize v_stride = (gsize) conv->cin * n;
  gsize m_stride = (gsize) conv->cout * n;

  memset (zeros, 0, w * sizeof (float));
  for (guint i = 0; i < conv->cin; i++)
    for (guint ty = ty0; ty < ty1; ty++)
      input_transform_row (job->in + i * in_plane, h, w, ty, tiles_x, zeros, t, e,
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

  job.band_rows = MIN (band_tile_rows (conv->cin, conv->cout, job.tiles_x), job.tiles_y);
  _sheath_workers_run (workers, (job.tiles_y + job.band_rows - 1) / job.band_rows, winograd_band, &job);
}
