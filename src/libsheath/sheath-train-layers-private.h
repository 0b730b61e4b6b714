/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sheath-net-private.h"
#include "sheath-workers-private.h"

G_BEGIN_DECLS

/* Forward and backward kernels of the trainer, over a batch. A tensor is
 * n samples, each `stride` floats apart, each planar [C][H][W]; this lets
 * a layer read or write one half of a concatenation buffer in place.
 * Parallel over samples (convolutions) or channels (batch norm). */

typedef struct
{
  const float *data;
  gsize        stride;
} SheathBatchIn;

typedef struct
{
  float *data;
  gsize  stride;
} SheathBatchOut;

typedef struct
{
  SheathWorkers  *workers;
  guint           n;          /* samples */
  float         **col;        /* per worker im2col scratch */
  float         **wpart;      /* per worker weight-gradient partials */
  float         **bpart;      /* per worker bias-gradient partials */
} SheathTrainCtx;

/* Scratch floats per worker that a 3×3 convolution of cin channels on rows
 * of width w needs. */
gsize _sheath_train_conv_scratch_floats (guint cin,
                                         guint w);

/* y = W * x for 3×3, pad 1, no bias; W is [cout][cin][3][3]. When
 * winograd is given (linear, its transform of W), it computes y instead. */
void _sheath_train_conv3x3_forward  (const SheathTrainCtx *ctx,
                                     const SheathConv3x3  *winograd,
                                     const float          *weight,
                                     guint                 cin,
                                     guint                 cout,
                                     guint                 h,
                                     guint                 w,
                                     SheathBatchIn         in,
                                     SheathBatchOut        out);
/* dW += dy ⋆ x; dx = Wᵀ ⋆ dy when dx.data is not NULL (overwritten), by
 * the Winograd transform of the flipped, transposed W when given. */
void _sheath_train_conv3x3_backward (const SheathTrainCtx *ctx,
                                     const SheathConv3x3  *winograd_t,
                                     const float          *weight,
                                     float                *weight_grad,
                                     guint                 cin,
                                     guint                 cout,
                                     guint                 h,
                                     guint                 w,
                                     SheathBatchIn         in,
                                     SheathBatchIn         dy,
                                     SheathBatchOut        dx);

/* Batch norm over (samples, pixels) per channel, in training mode, then
 * ReLU; updates the running statistics as PyTorch does, and keeps each
 * channel's batch mean and 1/σ for the backward pass. y and a are packed
 * [n][C][hw]. */
void _sheath_train_bn_relu_forward  (const SheathTrainCtx *ctx,
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
                                     double                eps);
/* From the gradient at the ReLU's output to the gradient at the conv's
 * output (dy, packed), accumulating dgamma and dbeta; x̂ and the ReLU's
 * mask are recomputed from y and the forward pass's mean and 1/σ. */
void _sheath_train_bn_relu_backward (const SheathTrainCtx *ctx,
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
                                     float                *dbeta);

void _sheath_train_maxpool_forward  (const SheathTrainCtx *ctx,
                                     guint                 channels,
                                     guint                 h,
                                     guint                 w,
                                     SheathBatchIn         in,
                                     float                *out,
                                     guint8               *arg);
/* dx (overwritten) from dy through the recorded maxima. */
void _sheath_train_maxpool_backward (const SheathTrainCtx *ctx,
                                     guint                 channels,
                                     guint                 h,
                                     guint                 w,
                                     const float          *dy,
                                     const guint8         *arg,
                                     SheathBatchOut        dx);

/* 2×2 stride-2 transposed convolution; weight is PyTorch's [cin][cout][2][2];
 * in is h × w, out 2h × 2w. taps is scratch of 4 × cin × cout floats. */
void _sheath_train_upconv_forward   (const SheathTrainCtx *ctx,
                                     const float          *weight,
                                     const float          *bias,
                                     float                *taps,
                                     guint                 cin,
                                     guint                 cout,
                                     guint                 h,
                                     guint                 w,
                                     SheathBatchIn         in,
                                     SheathBatchOut        out);
void _sheath_train_upconv_backward  (const SheathTrainCtx *ctx,
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
                                     SheathBatchOut        dx);

/* PyTorch's [cin][cout][2][2] to the tap-major [4 × cout][cin] that one GEMM uses. */
void _sheath_upconv_weights_to_taps (const float *weight,
                                     guint        cin,
                                     guint        cout,
                                     float       *taps);

/* 1×1 head and softmax: probs packed [n][classes][hw]. */
void   _sheath_train_head_forward   (const SheathTrainCtx *ctx,
                                     const float          *weight,
                                     const float          *bias,
                                     guint                 cin,
                                     guint                 classes,
                                     gsize                 hw,
                                     const float          *in,
                                     float                *probs);

/* Weighted cross-entropy (PyTorch's: Σ w_i (−log p_t) / Σ w_i) plus soft
 * Dice, 1 − Σ_c w_c (2 I_c + 1) / (S_c + 1) / Σ_c w_c, over the batch of
 * size × size patches. A pixel's weight w_i is its class's, times
 * 1 + boundary_weight where a 4-neighbour has another class (0: class alone).
 * Returns the loss and leaves d loss / d logits in dlogits (packed). */
double _sheath_train_loss           (const SheathTrainCtx *ctx,
                                     guint                 classes,
                                     guint                 size,
                                     const float          *probs,
                                     const guint8         *targets,
                                     const float          *class_weights,
                                     double                boundary_weight,
                                     float                *dlogits);

void   _sheath_train_head_backward  (const SheathTrainCtx *ctx,
                                     const float          *weight,
                                     float                *weight_grad,
                                     float                *bias_grad,
                                     guint                 cin,
                                     guint                 classes,
                                     gsize                 hw,
                                     const float          *in,
                                     const float          *dlogits,
                                     float                *dx);

/* Adds the workers' partial sums of @size floats into @into, in a fixed
 * order: the same bits with any thread count. */
void   _sheath_train_reduce_partials (const SheathTrainCtx *ctx,
                                      float               **parts,
                                      gsize                 size,
                                      float                *into);

G_END_DECLS
