/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sheath-net-private.h"
#include "sheath-safetensors-private.h"
#include "sheath-workers-private.h"

G_BEGIN_DECLS

/* The U-Net as it trains: batch norm in training mode with running
 * statistics, activations kept for the backward pass, gradients, and AdamW
 * moments. Tensors are planar per sample: [N][C][H][W]. */

/* A trainable tensor: value, gradient and the optimizer's two moments. */
typedef struct
{
  char    *name;        /* PyTorch state_dict name */
  guint    n_dims;
  gint64   dims[4];
  gsize    size;
  float   *value;
  float   *grad;
  float   *m;
  float   *v;
  gboolean decay;       /* weight decay applies (weights, not biases or norms) */
} SheathParam;

typedef struct _SheathTrainNet SheathTrainNet;

SheathTrainNet *_sheath_train_net_new          (guint              depth,
                                                guint              base_channels,
                                                guint              in_channels,
                                                guint              classes);
void            _sheath_train_net_free         (SheathTrainNet    *net);
/* He initialisation, from a seed. */
void            _sheath_train_net_init_random  (SheathTrainNet    *net,
                                                guint64            seed);
/* The same network with another number of classes: every weight copied,
 * the outputs of classes it did not have initialised at random. */
SheathTrainNet *_sheath_train_net_new_with_classes (SheathTrainNet *from,
                                                    guint           classes,
                                                    guint64         seed);
/* Loads weights and batch-norm statistics by name, as inference reads them. */
gboolean        _sheath_train_net_load         (SheathTrainNet    *net,
                                                SheathSafetensors *st,
                                                GError           **error);
guint           _sheath_train_net_get_n_params (SheathTrainNet    *net);
SheathParam    *_sheath_train_net_get_param    (SheathTrainNet    *net,
                                                guint              i);
/* Running statistics (not trained by gradients, but saved). */
guint           _sheath_train_net_get_n_buffers (SheathTrainNet   *net);
SheathParam    *_sheath_train_net_get_buffer    (SheathTrainNet   *net,
                                                 guint             i);
guint           _sheath_train_net_get_depth     (SheathTrainNet   *net);
guint           _sheath_train_net_get_base_channels (SheathTrainNet *net);
guint           _sheath_train_net_get_classes   (SheathTrainNet   *net);

/* Makes room for a batch of n × size × size inputs. */
gboolean        _sheath_train_net_reserve      (SheathTrainNet    *net,
                                                guint              batch,
                                                guint              size,
                                                guint              n_workers,
                                                GError           **error);
float          *_sheath_train_net_get_input    (SheathTrainNet    *net);
const float    *_sheath_train_net_get_probs    (SheathTrainNet    *net);

/* Forward in training mode (batch statistics, running statistics updated),
 * the loss against target labels ([N][size][size] class indices; boundary
 * pixels weigh 1 + boundary_weight times, see _sheath_train_loss()), and the
 * backward pass, which sets every parameter's gradient. Returns the loss. */
double          _sheath_train_net_step         (SheathTrainNet    *net,
                                                const guint8      *targets,
                                                const float       *class_weights,
                                                double             boundary_weight,
                                                SheathWorkers     *workers);

/* AdamW, as PyTorch's torch.optim.AdamW (decoupled weight decay). */
void            _sheath_train_net_adamw        (SheathTrainNet    *net,
                                                double             lr,
                                                double             beta1,
                                                double             beta2,
                                                double             eps,
                                                double             weight_decay,
                                                guint64            step);

/* Writes the weights and running statistics as a Sheath model, with the
 * given metadata (F16 tensors when half is set). */
gboolean        _sheath_train_net_write_model  (SheathTrainNet    *net,
                                                const char        *path,
                                                GHashTable        *metadata,
                                                gboolean           half,
                                                GError           **error);

/* An inference network with these weights, batch norm folded. */
SheathNet      *_sheath_train_net_to_net       (SheathTrainNet    *net);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SheathTrainNet, _sheath_train_net_free)

G_END_DECLS
