/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-net-private.h"

G_BEGIN_DECLS

/* The kernels of the network. Tensors are planar: [channels][height][width].
 * Each kernel splits its work into bands for the workers; col is one scratch
 * buffer per worker of _sheath_layers_scratch_floats() floats. */

/* im2col for rows [y0, y1) of a 3x3, pad-1 convolution: row (ci*9 + ky*3 + kx)
 * of col holds input channel ci shifted by (ky - 1, kx - 1), zero outside. */
void  _sheath_im2col_3x3            (const float *in,
                                     guint        cin,
                                     guint        height,
                                     guint        width,
                                     guint        y0,
                                     guint        y1,
                                     float       *col);

gsize _sheath_layers_scratch_floats (guint cin_times_taps,
                                     guint width);

void  _sheath_conv3x3_relu          (SheathWorkers        *workers,
                                     const SheathConv3x3  *conv,
                                     const float          *in,
                                     guint                 height,
                                     guint                 width,
                                     float                *out,
                                     float               **scratch);

/* Winograd F(4x4, 3x3) for convolutions with enough input channels. */
gboolean _sheath_winograd_suits         (guint cin);
void     _sheath_winograd_prepare       (SheathConv3x3 *conv);
gsize    _sheath_winograd_scratch_floats (guint cin,
                                          guint cout,
                                          guint width);
void     _sheath_winograd_conv3x3_relu  (SheathWorkers        *workers,
                                         const SheathConv3x3  *conv,
                                         const float          *in,
                                         guint                 height,
                                         guint                 width,
                                         float                *out,
                                         float               **scratch);

/* Scratch floats per worker for a 3x3 convolution, whichever way it runs. */
gsize    _sheath_conv3x3_scratch_floats (const SheathConv3x3 *conv,
                                         guint                width);

void  _sheath_maxpool2              (SheathWorkers        *workers,
                                     const float          *in,
                                     guint                 channels,
                                     guint                 height,
                                     guint                 width,
                                     float                *out);

void  _sheath_upconv2               (SheathWorkers        *workers,
                                     const SheathUpConv   *up,
                                     const float          *in,
                                     guint                 height,
                                     guint                 width,
                                     float                *out,
                                     float               **scratch);

void  _sheath_head_softmax          (SheathWorkers        *workers,
                                     const SheathHead     *head,
                                     const float          *in,
                                     guint                 height,
                                     guint                 width,
                                     float                *out,
                                     float               **scratch);

G_END_DECLS
