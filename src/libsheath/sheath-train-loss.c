/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-train-layers"

#include "config.h"

#include <cblas.h>
#include <math.h>

#include "sheath-train-layers-private.h"

/* ---- head, softmax and loss -------------------------------------------- */

typedef struct
{
  const SheathTrainCtx *ctx;
  const float          *weight;
  const float          *bias;
  guint                 cin, classes;
  gsize                 hw;
  const float          *in;
  float                *probs;
  const float          *dlogits;
  float                *dx;
} HeadJob;

static void
head_forward_sample (guint    n,
                     guint    worker,
                     gpointer data)
{
  const HeadJob *job = data;
  float *p = job->probs + (gsize) n * job->classes * job->hw;

  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, job->classes, job->hw, job->cin,
               1.f, job->weight, job->cin, job->in + (gsize) n * job->cin * job->hw, job->hw,
               0.f, p, job->hw);
  for (gsize i = 0; i < job->hw; i++)
    {
      float max = -INFINITY, sum = 0;

      for (guint c = 0; c < job->classes; c++)
        {
          p[c * job->hw + i] += job->bias[c];
          max = MAX (max, p[c * job->hw + i]);
        }
      for (guint c = 0; c < job->classes; c++)
        {
          float e = expf (p[c * job->hw + i] - max);
          p[c * job->hw + i] = e;
          sum += e;
        }
      for (guint c = 0; c < job->classes; c++)
        p[c * job->hw + i] /= sum;
    }
}

void
_sheath_train_head_forward (const SheathTrainCtx *ctx,
                            const float          *weight,
                            const float          *bias,
                            guint                 cin,
                            guint                 classes,
                            gsize                 hw,
                            const float          *in,
                            float                *probs)
{
  HeadJob job = { ctx, weight, bias, cin, classes, hw, in, probs, NULL, NULL };

  _sheath_workers_run (ctx->workers, ctx->n, head_forward_sample, &job);
}

/* Laplace smoothing of the soft Dice, so that an absent class scores 1. */
#define DICE_SMOOTH 1.0

/* Whether pixel i of a size × size target patch has a 4-neighbour of
 * another class: the one-pixel band either side of every boundary. */
static inline gboolean
at_boundary (const guint8 *target,
             guint         size,
             gsize         i)
{
  guint x = i % size, y = i / size;
  guint8 t = target[i];

  return (x > 0 && target[i - 1] != t) || (x + 1 < size && target[i + 1] != t) ||
         (y > 0 && target[i - size] != t) || (y + 1 < size && target[i + size] != t);
}

static inline double
pixel_weight (const float  *class_weights,
              double        boundary_weight,
              const guint8 *target,
              guint         size,
              gsize         i)
{
  double w = class_weights[target[i]];

  return boundary_weight > 0 && at_boundary (target, size, i) ? w * (1 + boundary_weight) : w;
}

double
_sheath_train_loss (const SheathTrainCtx *ctx,
                    guint                 classes,
                    guint                 size,
                    const float          *probs,
                    const guint8         *targets,
                    const float          *class_weights,
                    double                boundary_weight,
                    float                *dlogits)
{
  double inter[SHEATH_NET_MAX_CLASSES] = { 0 }, psum[SHEATH_NET_MAX_CLASSES] = { 0 }, gsum[SHEATH_NET_MAX_CLASSES] = { 0 };
  double dice_coef[SHEATH_NET_MAX_CLASSES], dice_num[SHEATH_NET_MAX_CLASSES], dice_den[SHEATH_NET_MAX_CLASSES];
  double ce = 0, wsum = 0, wclass = 0, dice = 0;
  gsize hw = (gsize) size * size;
  guint n = ctx->n;

  g_return_val_if_fail (classes <= SHEATH_NET_MAX_CLASSES, 0);

  for (guint s = 0; s < n; s++)
    for (gsize i = 0; i < hw; i++)
      {
        const float *p = probs + (gsize) s * classes * hw + i;
        const guint8 *target = targets + (gsize) s * hw;
        guint t = target[i];
        double w = pixel_weight (class_weights, boundary_weight, target, size, i);

        ce += w * -log (MAX (p[t * hw], 1e-30f));
        wsum += w;
        inter[t] += p[t * hw];
        gsum[t] += 1;
        for (guint c = 0; c < classes; c++)
          psum[c] += p[c * hw];
      }

  for (guint c = 0; c < classes; c++)
    {
      dice_num[c] = 2 * inter[c] + DICE_SMOOTH;
      dice_den[c] = psum[c] + gsum[c] + DICE_SMOOTH;
      dice += class_weights[c] * dice_num[c] / dice_den[c];
      wclass += class_weights[c];
    }
  for (guint c = 0; c < classes; c++)
    dice_coef[c] = -class_weights[c] / wclass / (dice_den[c] * dice_den[c]);

  for (guint s = 0; s < n; s++)
    for (gsize i = 0; i < hw; i++)
      {
        const float *p = probs + (gsize) s * classes * hw + i;
        float *dz = dlogits + (gsize) s * classes * hw + i;
        const guint8 *target = targets + (gsize) s * hw;
        guint t = target[i];
        double w = pixel_weight (class_weights, boundary_weight, target, size, i);
        double dp[SHEATH_NET_MAX_CLASSES], dot = 0;

        /* d dice / d p_c, then through the softmax; plus cross-entropy's p − onehot */
        for (guint c = 0; c < classes; c++)
          {
            dp[c] = dice_coef[c] * (2.0 * (t == c) * dice_den[c] - dice_num[c]);
            dot += p[c * hw] * dp[c];
          }
        for (guint c = 0; c < classes; c++)
          dz[c * hw] = (float) (p[c * hw] * (dp[c] - dot) + w / wsum * (p[c * hw] - (t == c)));
      }

  return ce / wsum + 1.0 - dice / wclass;
}

static void
head_backward_sample (guint    n,
                      guint    worker,
                      gpointer data)
{
  const HeadJob *job = data;
  const float *dl = job->dlogits + (gsize) n * job->classes * job->hw;
  const float *in = job->in + (gsize) n * job->cin * job->hw;
  float *bpart = job->ctx->bpart[worker];

  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, job->classes, job->cin, job->hw,
               1.f, dl, job->hw, in, job->hw,
               1.f, job->ctx->wpart[worker], job->cin);
  for (guint c = 0; c < job->classes; c++)
    {
      double s = 0;
      for (gsize i = 0; i < job->hw; i++)
        s += dl[c * job->hw + i];
      bpart[c] += (float) s;
    }
  cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, job->cin, job->hw, job->classes,
               1.f, job->weight, job->cin, dl, job->hw,
               0.f, job->dx + (gsize) n * job->cin * job->hw, job->hw);
}

void
_sheath_train_head_backward (const SheathTrainCtx *ctx,
                             const float          *weight,
                             float                *weight_grad,
                             float                *bias_grad,
                             guint                 cin,
                             guint                 classes,
                             gsize                 hw,
                             const float          *in,
                             const float          *dlogits,
                             float                *dx)
{
  HeadJob job = { ctx, weight, NULL, cin, classes, hw, in, NULL, dlogits, dx };
  guint n_workers = _sheath_workers_get_size (ctx->workers);

  for (guint i = 0; i < n_workers; i++)
    {
      memset (ctx->wpart[i], 0, (gsize) classes * cin * sizeof (float));
      memset (ctx->bpart[i], 0, classes * sizeof (float));
    }
  _sheath_workers_run_fixed (ctx->workers, ctx->n, head_backward_sample, &job);
  _sheath_train_reduce_partials (ctx, ctx->wpart, (gsize) classes * cin, weight_grad);
  _sheath_train_reduce_partials (ctx, ctx->bpart, classes, bias_grad);
}
