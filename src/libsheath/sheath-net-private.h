/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sheath-workers-private.h"

G_BEGIN_DECLS

#define SHEATH_NET_MAX_DEPTH 6
#define SHEATH_NET_MAX_CLASSES 16

/* A 3x3 convolution with batch norm already folded in, followed by ReLU. */
typedef struct
{
  guint  cin;
  guint  cout;
  float *weight;   /* [cout][cin * 9] */
  float *bias;     /* [cout] */
  float *winograd; /* [36][cout][cin], or NULL to run as im2col + GEMM */
  gboolean linear; /* no ReLU after it (the trainer's raw convolutions) */
} SheathConv3x3;

/* A 2x2 stride-2 transposed convolution, weights regrouped by tap so that one
 * GEMM computes all four taps: row (tap * cout + o) holds the weights of output
 * channel o for tap (dy, dx) = (tap / 2, tap % 2). */
typedef struct
{
  guint  cin;
  guint  cout;
  float *weight;   /* [4 * cout][cin] */
  float *bias;     /* [cout] */
} SheathUpConv;

typedef struct
{
  guint  cin;
  guint  classes;
  float *weight;   /* [classes][cin] */
  float *bias;     /* [classes] */
} SheathHead;

/* The U-Net, ready for inference: weights are F32 and folded. */
typedef struct
{
  guint         depth;
  guint         base_channels;
  guint         in_channels;
  guint         classes;
  SheathConv3x3 enc[SHEATH_NET_MAX_DEPTH + 1][2];
  SheathConv3x3 dec[SHEATH_NET_MAX_DEPTH][2];
  SheathUpConv  up[SHEATH_NET_MAX_DEPTH];
  SheathHead    head;
} SheathNet;

/* Activations for one tile size: allocated once, reused for every tile. */
typedef struct _SheathNetWorkspace SheathNetWorkspace;

SheathNet          *_sheath_net_new_empty          (guint depth,
                                                    guint base_channels,
                                                    guint in_channels,
                                                    guint classes);
void                _sheath_net_free               (SheathNet *net);
/* Once the weights are set: precomputes what the fast kernels need. */
void                _sheath_net_prepare            (SheathNet *net);
gsize               _sheath_net_count_parameters   (const SheathNet *net);

SheathNetWorkspace *_sheath_net_workspace_new      (const SheathNet  *net,
                                                    guint             tile_size,
                                                    guint             n_workers,
                                                    GError          **error);
void                _sheath_net_workspace_free     (SheathNetWorkspace *ws);
guint               _sheath_net_workspace_get_tile_size (SheathNetWorkspace *ws);
float              *_sheath_net_workspace_get_input    (SheathNetWorkspace *ws);
const float        *_sheath_net_workspace_get_output   (SheathNetWorkspace *ws);

/* Runs the network on the workspace's input ([in_channels][T][T]) and leaves
 * class probabilities ([classes][T][T]) in its output. */
void                _sheath_net_forward            (const SheathNet    *net,
                                                    SheathNetWorkspace *ws,
                                                    SheathWorkers      *workers);

guint               _sheath_net_tile_multiple      (const SheathNet *net);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SheathNet, _sheath_net_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SheathNetWorkspace, _sheath_net_workspace_free)

G_END_DECLS
