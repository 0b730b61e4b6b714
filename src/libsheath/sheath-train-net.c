/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-train-net"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "sheath-error.h"
#include "sheath-layers-private.h"
#include "sheath-train-layers-private.h"
#include "sheath-train-net-private.h"

#define BN_EPS      1e-5
#define BN_MOMENTUM 0.1

typedef struct
{
  guint        cin;
  guint        cout;
  SheathParam *weight;   /* [cout][cin][3][3] */
  SheathParam *gamma;
  SheathParam *beta;
  SheathParam *running_mean;
  SheathParam *running_var;
  /* Winograd forms of the kernel (forward) and of its flipped transpose
   * (for the input's gradient), remade after every update; NULL-weighted
   * when the layer has too few channels. */
  SheathConv3x3 fwd;
  SheathConv3x3 bwd;
} ConvBN;

/* What one conv → BN → ReLU keeps for the backward pass. */
typedef struct
{
  float *y;        /* conv output */
  float *mean;     /* per channel, of the batch */
  float *a;        /* after BN and ReLU */
  float *invstd;   /* [C] */
} Act;

struct _SheathTrainNet
{
  guint        depth;
  guint        base;
  guint        in_channels;
  guint        classes;
  GPtrArray   *params;
  GPtrArray   *buffers;
  ConvBN       enc[SHEATH_NET_MAX_DEPTH + 1][2];
  ConvBN       dec[SHEATH_NET_MAX_DEPTH][2];
  SheathParam *up_weight[SHEATH_NET_MAX_DEPTH];   /* [cin][cout][2][2] */
  SheathParam *up_bias[SHEATH_NET_MAX_DEPTH];
  SheathParam *head_weight;                       /* [classes][base][1][1] */
  SheathParam *head_bias;

  /* batch storage */
  guint        batch;
  guint        size;
  guint        n_workers;
  GPtrArray   *owned;              /* every buffer below */
  float       *input;              /* [N][in][S][S] */
  Act          enc_act[SHEATH_NET_MAX_DEPTH + 1][2];
  Act          dec_act[SHEATH_NET_MAX_DEPTH][2];
  float       *pooled[SHEATH_NET_MAX_DEPTH + 1];    /* input of enc level l ≥ 1 */
  guint8      *pool_arg[SHEATH_NET_MAX_DEPTH + 1];
  float       *cat[SHEATH_NET_MAX_DEPTH];           /* [N][2C][hw] */
  float       *probs;                               /* [N][classes][S][S] */
  float       *dlogits;
  float       *grad_a[SHEATH_NET_MAX_DEPTH + 1];    /* [N][2C][hw] scratch gradients */
  float       *grad_b[SHEATH_NET_MAX_DEPTH + 1];    /* [N][2C][hw] */
  float       *grad_enc[SHEATH_NET_MAX_DEPTH + 1];  /* [N][C][hw]: into the encoder's output */
  float      **col;                                 /* per worker */
  float      **wpart;                               /* per worker weight-gradient partials */
  float      **bpart;                               /* per worker bias partials */
  float       *up_taps;                             /* tap-major copy of one transposed conv */
};

static SheathParam *
param_new (SheathTrainNet *net,
           GPtrArray      *list,
           const char     *name,
           guint           n_dims,
           gint64          d0,
           gint64          d1,
           gint64          d2,
           gint64          d3,
           gboolean        decay)
{
  SheathParam *p = g_new0 (SheathParam, 1);
  gint64 dims[4] = { d0, d1, d2, d3 };

  p->name = g_strdup (name);
  p->n_dims = n_dims;
  p->size = 1;
  for (guint i = 0; i < n_dims; i++)
    {
      p->dims[i] = dims[i];
      p->size *= (gsize) dims[i];
    }
  p->value = g_new0 (float, p->size);
  if (list == net->params)
    {
      p->grad = g_new0 (float, p->size);
      p->m = g_new0 (float, p->size);
      p->v = g_new0 (float, p->size);
    }
  p->decay = decay;
  g_ptr_array_add (list, p);
  return p;
}

static void
param_free (gpointer data)
{
  SheathParam *p = data;

  g_free (p->name);
  g_free (p->value);
  g_free (p->grad);
  g_free (p->m);
  g_free (p->v);
  g_free (p);
}

static void
conv_bn_init (SheathTrainNet *net,
              ConvBN         *c,
              const char     *conv_prefix,
              const char     *bn_prefix,
              guint           cin,
              guint           cout)
{
  g_autofree char *w = g_strdup_printf ("%s.weight", conv_prefix);
  g_autofree char *g = g_strdup_printf ("%s.weight", bn_prefix);
  g_autofree char *b = g_strdup_printf ("%s.bias", bn_prefix);
  g_autofree char *rm = g_strdup_printf ("%s.running_mean", bn_prefix);
  g_autofree char *rv = g_strdup_printf ("%s.running_var", bn_prefix);

  c->cin = cin;
  c->cout = cout;
  c->weight = param_new (net, net->params, w, 4, cout, cin, 3, 3, TRUE);
  c->gamma = param_new (net, net->params, g, 1, cout, 0, 0, 0, FALSE);
  c->beta = param_new (net, net->params, b, 1, cout, 0, 0, 0, FALSE);
  c->running_mean = param_new (net, net->buffers, rm, 1, cout, 0, 0, 0, FALSE);
  c->running_var = param_new (net, net->buffers, rv, 1, cout, 0, 0, 0, FALSE);
  for (guint i = 0; i < cout; i++)
    {
      c->gamma->value[i] = 1.f;
      c->running_var->value[i] = 1.f;
    }

  c->fwd = (SheathConv3x3) { cin, cout, c->weight->value, NULL, NULL, TRUE };
  c->bwd = (SheathConv3x3) { cout, cin, g_new (float, (gsize) cout * cin * 9), NULL, NULL, TRUE };
}

static void
conv_bn_clear (ConvBN *c)
{
  g_clear_pointer (&c->fwd.winograd, g_free);
  g_clear_pointer (&c->bwd.winograd, g_free);
  g_clear_pointer (&c->bwd.weight, g_free);
}

/* The kernel has changed: remake its Winograd forms. */
static void
conv_bn_prepare (ConvBN *c)
{
  if (_sheath_winograd_suits (c->cin))
    _sheath_winograd_prepare (&c->fwd);
  if (_sheath_winograd_suits (c->cout))
    {
      for (guint o = 0; o < c->cout; o++)
        for (guint i = 0; i < c->cin; i++)
          for (guint k = 0; k < 9; k++)
            c->bwd.weight[((gsize) i * c->cout + o) * 9 + (8 - k)] = c->weight->value[((gsize) o * c->cin + i) * 9 + k];
      _sheath_winograd_prepare (&c->bwd);
    }
}

SheathTrainNet *
_sheath_train_net_new (guint depth,
                       guint base,
                       guint in_channels,
                       guint classes)
{
  SheathTrainNet *net = g_new0 (SheathTrainNet, 1);

  g_return_val_if_fail (depth >= 1 && depth <= SHEATH_NET_MAX_DEPTH, NULL);

  net->depth = depth;
  net->base = base;
  net->in_channels = in_channels;
  net->classes = classes;
  net->params = g_ptr_array_new_with_free_func (param_free);
  net->buffers = g_ptr_array_new_with_free_func (param_free);
  net->owned = g_ptr_array_new_with_free_func (g_free);

  for (guint l = 0; l <= depth; l++)
    {
      guint c = base << l;
      g_autofree char *c1 = g_strdup_printf ("enc.%u.conv1", l);
      g_autofree char *b1 = g_strdup_printf ("enc.%u.bn1", l);
      g_autofree char *c2 = g_strdup_printf ("enc.%u.conv2", l);
      g_autofree char *b2 = g_strdup_printf ("enc.%u.bn2", l);

      conv_bn_init (net, &net->enc[l][0], c1, b1, l == 0 ? in_channels : c / 2, c);
      conv_bn_init (net, &net->enc[l][1], c2, b2, c, c);
    }
  for (guint l = 0; l < depth; l++)
    {
      guint c = base << l;
      g_autofree char *uw = g_strdup_printf ("dec.%u.up.weight", l);
      g_autofree char *ub = g_strdup_printf ("dec.%u.up.bias", l);
      g_autofree char *c1 = g_strdup_printf ("dec.%u.block.conv1", l);
      g_autofree char *b1 = g_strdup_printf ("dec.%u.block.bn1", l);
      g_autofree char *c2 = g_strdup_printf ("dec.%u.block.conv2", l);
      g_autofree char *b2 = g_strdup_printf ("dec.%u.block.bn2", l);

      net->up_weight[l] = param_new (net, net->params, uw, 4, 2 * c, c, 2, 2, TRUE);
      net->up_bias[l] = param_new (net, net->params, ub, 1, c, 0, 0, 0, FALSE);
      conv_bn_init (net, &net->dec[l][0], c1, b1, 2 * c, c);
      conv_bn_init (net, &net->dec[l][1], c2, b2, c, c);
    }
  net->head_weight = param_new (net, net->params, "head.weight", 4, classes, base, 1, 1, TRUE);
  net->head_bias = param_new (net, net->params, "head.bias", 1, classes, 0, 0, 0, FALSE);

  return net;
}

void
_sheath_train_net_free (SheathTrainNet *net)
{
  if (net == NULL)
    return;
  for (guint l = 0; l <= net->depth; l++)
    for (guint i = 0; i < 2; i++)
      {
        conv_bn_clear (&net->enc[l][i]);
        if (l < net->depth)
          conv_bn_clear (&net->dec[l][i]);
      }
  g_ptr_array_unref (net->params);
  g_ptr_array_unref (net->buffers);
  g_ptr_array_unref (net->owned);
  g_free (net->col);
  g_free (net->wpart);
  g_free (net->bpart);
  g_free (net);
}

guint _sheath_train_net_get_n_params (SheathTrainNet *net) { return net->params->len; }
SheathParam *_sheath_train_net_get_param (SheathTrainNet *net, guint i) { return g_ptr_array_index (net->params, i); }
guint _sheath_train_net_get_n_buffers (SheathTrainNet *net) { return net->buffers->len; }
SheathParam *_sheath_train_net_get_buffer (SheathTrainNet *net, guint i) { return g_ptr_array_index (net->buffers, i); }
guint _sheath_train_net_get_depth (SheathTrainNet *net) { return net->depth; }
guint _sheath_train_net_get_base_channels (SheathTrainNet *net) { return net->base; }
guint _sheath_train_net_get_classes (SheathTrainNet *net) { return net->classes; }
float *_sheath_train_net_get_input (SheathTrainNet *net) { return net->input; }
const float *_sheath_train_net_get_probs (SheathTrainNet *net) { return net->probs; }

void
_sheath_train_net_init_random (SheathTrainNet *net,
                               guint64         seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) (seed ^ (seed >> 32)));

  for (guint i = 0; i < net->params->len; i++)
    {
      SheathParam *p = g_ptr_array_index (net->params, i);
      double fan_in;
      double std;

      if (p->n_dims < 4)
        continue;
      /* PyTorch's transposed-conv weight is [in][out][k][k]: its fan-in is in. */
      fan_in = g_str_has_suffix (p->name, "up.weight") ? (double) p->dims[0]
                                                       : (double) p->dims[1] * p->dims[2] * p->dims[3];
      std = sqrt (2.0 / fan_in);
      for (gsize k = 0; k < p->size; k += 2)
        {
          double u1 = g_rand_double_range (rand, 1e-12, 1.0), u2 = g_rand_double (rand);
          double r = sqrt (-2.0 * log (u1));

          p->value[k] = (float) (std * r * cos (2 * G_PI * u2));
          if (k + 1 < p->size)
            p->value[k + 1] = (float) (std * r * sin (2 * G_PI * u2));
        }
    }
}

SheathTrainNet *
_sheath_train_net_new_with_classes (SheathTrainNet *from,
                                    guint           classes,
                                    guint64         seed)
{
  g_autoptr(SheathTrainNet) net = _sheath_train_net_new (from->depth, from->base, from->in_channels, classes);
  GPtrArray *lists[2][2] = { { from->params, net->params }, { from->buffers, net->buffers } };

  _sheath_train_net_init_random (net, seed);
  for (guint k = 0; k < 2; k++)
    {
      if (lists[k][0]->len != lists[k][1]->len)
        return NULL;
      for (guint i = 0; i < lists[k][0]->len; i++)
        {
          SheathParam *a = g_ptr_array_index (lists[k][0], i);
          SheathParam *b = g_ptr_array_index (lists[k][1], i);

          /* the head's rows are per class, first dimension first: the
           * classes both have keep their weights */
          memcpy (b->value, a->value, MIN (a->size, b->size) * sizeof (float));
        }
    }
  return g_steal_pointer (&net);
}

gboolean
_sheath_train_net_load (SheathTrainNet     *net,
                        SheathSafetensors  *st,
                        GError            **error)
{
  GPtrArray *lists[2] = { net->params, net->buffers };

  for (guint k = 0; k < 2; k++)
    for (guint i = 0; i < lists[k]->len; i++)
      {
        SheathParam *p = g_ptr_array_index (lists[k], i);

        if (!_sheath_safetensors_check_tensor (st, p->name, p->n_dims, p->dims, error))
          return FALSE;
        _sheath_safetensors_read_f32 (st, p->name, p->value);
      }
  return TRUE;
}

/* ---- buffers ---------------------------------------------------------- */

static float *
alloc_floats (SheathTrainNet  *net,
              gsize            n,
              gboolean        *ok)
{
  float *p = g_try_new0 (float, MAX (n, 1));

  if (p == NULL)
    *ok = FALSE;
  else
    g_ptr_array_add (net->owned, p);
  return p;
}

static void
act_alloc (SheathTrainNet *net,
           Act            *act,
           gsize           n,
           guint           channels,
           gboolean       *ok)
{
  act->y = alloc_floats (net, n, ok);
  act->mean = alloc_floats (net, channels, ok);
  act->a = alloc_floats (net, n, ok);
  act->invstd = alloc_floats (net, channels, ok);
}

gboolean
_sheath_train_net_reserve (SheathTrainNet  *net,
                           guint            batch,
                           guint            size,
                           guint            n_workers,
                           GError         **error)
{
  gboolean ok = TRUE;
  gsize col = 0, wsize = 0, bsize = 0;
  guint N = batch;

  g_return_val_if_fail (size % (1u << net->depth) == 0, FALSE);

  if (net->batch == batch && net->size == size && net->n_workers >= n_workers)
    return TRUE;

  g_ptr_array_set_size (net->owned, 0);
  g_clear_pointer (&net->col, g_free);
  g_clear_pointer (&net->wpart, g_free);
  g_clear_pointer (&net->bpart, g_free);
  memset (net->enc_act, 0, sizeof net->enc_act);
  memset (net->dec_act, 0, sizeof net->dec_act);

  net->batch = batch;
  net->size = size;
  net->n_workers = MAX (n_workers, 1);

  net->input = alloc_floats (net, (gsize) N * net->in_channels * size * size, &ok);
  for (guint l = 0; l <= net->depth; l++)
    {
      guint t = size >> l;
      gsize hw = (gsize) t * t;
      guint c = net->base << l;

      for (guint i = 0; i < 2; i++)
        act_alloc (net, &net->enc_act[l][i], N * c * hw, c, &ok);
      if (l > 0)
        {
          net->pooled[l] = alloc_floats (net, N * (c / 2) * hw, &ok);
          net->pool_arg[l] = (guint8 *) alloc_floats (net, (N * (c / 2) * hw + 3) / 4, &ok);
        }
      if (l < net->depth)
        {
          for (guint i = 0; i < 2; i++)
            act_alloc (net, &net->dec_act[l][i], N * c * hw, c, &ok);
          net->cat[l] = alloc_floats (net, N * 2 * c * hw, &ok);
        }
      net->grad_a[l] = alloc_floats (net, N * 2 * c * hw, &ok);
      net->grad_b[l] = alloc_floats (net, N * 2 * c * hw, &ok);
      net->grad_enc[l] = alloc_floats (net, N * c * hw, &ok);

      /* the largest im2col matrix, transposed-conv product and weight */
      col = MAX (col, _sheath_train_conv_scratch_floats (MAX (net->in_channels, 2 * c), t));
      col = MAX (col, _sheath_winograd_scratch_floats (2 * c, 2 * c, t));
      col = MAX (col, _sheath_train_conv_scratch_floats (c, t));
      col = MAX (col, (gsize) 4 * c * hw);
      wsize = MAX (wsize, (gsize) 9 * 2 * c * c);
      wsize = MAX (wsize, (gsize) 4 * 2 * c * c);
      bsize = MAX (bsize, 2 * c);
    }
  net->probs = alloc_floats (net, (gsize) N * net->classes * size * size, &ok);
  net->dlogits = alloc_floats (net, (gsize) N * net->classes * size * size, &ok);
  net->up_taps = alloc_floats (net, wsize, &ok);

  net->col = g_new0 (float *, net->n_workers);
  net->wpart = g_new0 (float *, net->n_workers);
  net->bpart = g_new0 (float *, net->n_workers);
  for (guint w = 0; w < net->n_workers; w++)
    {
      net->col[w] = alloc_floats (net, col, &ok);
      net->wpart[w] = alloc_floats (net, wsize, &ok);
      net->bpart[w] = alloc_floats (net, bsize, &ok);
    }

  if (!ok)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                   _ ("Not enough memory to train on batches of %u patches of %u × %u; "
                   "use a smaller batch or patch"), batch, size, size);
      net->batch = net->size = 0;
      return FALSE;
    }
  return TRUE;
}

/* ---- forward and backward ---------------------------------------------- */

static void
conv_bn_relu_forward (SheathTrainNet       *net,
                      const SheathTrainCtx *ctx,
                      const ConvBN         *c,
                      Act                  *act,
                      guint                 t,
                      SheathBatchIn         in)
{
  gsize hw = (gsize) t * t;
  SheathBatchOut y = { act->y, c->cout * hw };

  _sheath_train_conv3x3_forward (ctx, c->fwd.winograd ? &c->fwd : NULL, c->weight->value,
                                 c->cin, c->cout, t, t, in, y);
  _sheath_train_bn_relu_forward (ctx, c->cout, hw, act->y, act->a, act->mean, act->invstd,
                                 c->gamma->value, c->beta->value,
                                 c->running_mean->value, c->running_var->value, BN_MOMENTUM, BN_EPS);
}

/* da: gradient at the block's ReLU output; dy: scratch; dx (nullable): the
 * gradient at its input, overwritten. */
static void
conv_bn_relu_backward (SheathTrainNet       *net,
                       const SheathTrainCtx *ctx,
                       const ConvBN         *c,
                       const Act            *act,
                       guint                 t,
                       SheathBatchIn         in,
                       SheathBatchIn         da,
                       float                *dy,
                       SheathBatchOut        dx)
{
  gsize hw = (gsize) t * t;
  SheathBatchIn dy_in = { dy, c->cout * hw };

  _sheath_train_bn_relu_backward (ctx, c->cout, hw, act->y, act->mean, act->invstd, c->gamma->value,
                                  c->beta->value, da, dy, c->gamma->grad, c->beta->grad);
  _sheath_train_conv3x3_backward (ctx, c->bwd.winograd ? &c->bwd : NULL, c->weight->value, c->weight->grad,
                                  c->cin, c->cout, t, t, in, dy_in, dx);
}

double
_sheath_train_net_step (SheathTrainNet *net,
                        const guint8   *targets,
                        const float    *class_weights,
                        double          boundary_weight,
                        SheathWorkers  *workers)
{
  SheathTrainCtx ctx = { workers, net->batch, net->col, net->wpart, net->bpart };
  /* bounded here so that the compiler sees every level index is in range */
  guint D = MIN (net->depth, SHEATH_NET_MAX_DEPTH), S = net->size, N = net->batch;
  double loss;

  g_return_val_if_fail (net->batch > 0, 0);
  g_return_val_if_fail (_sheath_workers_get_size (workers) <= net->n_workers, 0);

  for (guint l = 0; l <= D; l++)
    for (guint i = 0; i < 2; i++)
      {
        conv_bn_prepare (&net->enc[l][i]);
        if (l < D)
          conv_bn_prepare (&net->dec[l][i]);
      }

  /* forward */
  for (guint l = 0; l <= D; l++)
    {
      guint t = S >> l;
      gsize hw = (gsize) t * t;
      const ConvBN *c1 = &net->enc[l][0];
      SheathBatchIn in = l == 0 ? (SheathBatchIn) { net->input, net->in_channels * hw }
                                : (SheathBatchIn) { net->pooled[l], c1->cin * hw };

      conv_bn_relu_forward (net, &ctx, c1, &net->enc_act[l][0], t, in);
      conv_bn_relu_forward (net, &ctx, &net->enc[l][1], &net->enc_act[l][1], t,
                            (SheathBatchIn) { net->enc_act[l][0].a, c1->cout * hw });
      if (l < D)
        _sheath_train_maxpool_forward (&ctx, c1->cout, t, t,
                                       (SheathBatchIn) { net->enc_act[l][1].a, c1->cout * hw },
                                       net->pooled[l + 1], net->pool_arg[l + 1]);
    }

  for (gint l = (gint) D - 1; l >= 0; l--)
    {
      guint t = S >> l;
      gsize hw = (gsize) t * t;
      guint c = net->base << l;
      const float *below = (guint) l == D - 1 ? net->enc_act[D][1].a : net->dec_act[l + 1][1].a;

      for (guint n = 0; n < N; n++)
        memcpy (net->cat[l] + n * 2 * c * hw, net->enc_act[l][1].a + n * c * hw, c * hw * sizeof (float));
      _sheath_train_upconv_forward (&ctx, net->up_weight[l]->value, net->up_bias[l]->value, net->up_taps,
                                    2 * c, c, t / 2, t / 2,
                                    (SheathBatchIn) { below, 2 * c * hw / 4 },
                                    (SheathBatchOut) { net->cat[l] + c * hw, 2 * c * hw });
      conv_bn_relu_forward (net, &ctx, &net->dec[l][0], &net->dec_act[l][0], t,
                            (SheathBatchIn) { net->cat[l], 2 * c * hw });
      conv_bn_relu_forward (net, &ctx, &net->dec[l][1], &net->dec_act[l][1], t,
                            (SheathBatchIn) { net->dec_act[l][0].a, c * hw });
    }

  _sheath_train_head_forward (&ctx, net->head_weight->value, net->head_bias->value, net->base,
                              net->classes, (gsize) S * S, net->dec_act[0][1].a, net->probs);

  /* loss, then backward */
  for (guint i = 0; i < net->params->len; i++)
    {
      SheathParam *p = g_ptr_array_index (net->params, i);
      memset (p->grad, 0, p->size * sizeof (float));
    }

  loss = _sheath_train_loss (&ctx, net->classes, S, net->probs, targets, class_weights, boundary_weight,
                             net->dlogits);
  _sheath_train_head_backward (&ctx, net->head_weight->value, net->head_weight->grad, net->head_bias->grad,
                               net->base, net->classes, (gsize) S * S, net->dec_act[0][1].a,
                               net->dlogits, net->grad_a[0]);

  for (guint l = 0; l < D; l++)
    {
      guint t = S >> l;
      gsize hw = (gsize) t * t;
      guint c = net->base << l;
      float *dcat = net->grad_a[l];
      float *dbelow = l == D - 1 ? net->grad_enc[D] : net->grad_a[l + 1];
      const float *below = l == D - 1 ? net->enc_act[D][1].a : net->dec_act[l + 1][1].a;

      conv_bn_relu_backward (net, &ctx, &net->dec[l][1], &net->dec_act[l][1], t,
                             (SheathBatchIn) { net->dec_act[l][0].a, c * hw },
                             (SheathBatchIn) { net->grad_a[l], c * hw }, net->grad_b[l],
                             (SheathBatchOut) { net->grad_a[l], c * hw });
      conv_bn_relu_backward (net, &ctx, &net->dec[l][0], &net->dec_act[l][0], t,
                             (SheathBatchIn) { net->cat[l], 2 * c * hw },
                             (SheathBatchIn) { net->grad_a[l], c * hw }, net->grad_b[l],
                             (SheathBatchOut) { dcat, 2 * c * hw });

      /* the skip half goes to the encoder, the upsampled half down a level */
      for (guint n = 0; n < N; n++)
        memcpy (net->grad_enc[l] + n * c * hw, dcat + n * 2 * c * hw, c * hw * sizeof (float));
      _sheath_train_upconv_backward (&ctx, net->up_weight[l]->value, net->up_weight[l]->grad,
                                     net->up_bias[l]->grad, net->up_taps, 2 * c, c, t / 2, t / 2,
                                     (SheathBatchIn) { below, 2 * c * hw / 4 },
                                     (SheathBatchIn) { dcat + c * hw, 2 * c * hw },
                                     (SheathBatchOut) { dbelow, 2 * c * hw / 4 });
    }

  for (gint l = (gint) D; l >= 0; l--)
    {
      guint t = S >> l;
      gsize hw = (gsize) t * t;
      const ConvBN *c1 = &net->enc[l][0];
      guint c = c1->cout;
      SheathBatchIn in = l == 0 ? (SheathBatchIn) { net->input, net->in_channels * hw }
                                : (SheathBatchIn) { net->pooled[l], c1->cin * hw };

      conv_bn_relu_backward (net, &ctx, &net->enc[l][1], &net->enc_act[l][1], t,
                             (SheathBatchIn) { net->enc_act[l][0].a, c * hw },
                             (SheathBatchIn) { net->grad_enc[l], c * hw }, net->grad_b[l],
                             (SheathBatchOut) { net->grad_a[l], c * hw });
      conv_bn_relu_backward (net, &ctx, c1, &net->enc_act[l][0], t, in,
                             (SheathBatchIn) { net->grad_a[l], c * hw }, net->grad_b[l],
                             l == 0 ? (SheathBatchOut) { NULL, 0 }
                                    : (SheathBatchOut) { net->grad_a[l], c1->cin * hw });
      if (l > 0)
        {
          guint tp = S >> (l - 1);
          gsize hwp = (gsize) tp * tp;
          float *tmp = net->grad_b[l - 1];
          float *into = net->grad_enc[l - 1];

          _sheath_train_maxpool_backward (&ctx, c1->cin, tp, tp, net->grad_a[l], net->pool_arg[l],
                                          (SheathBatchOut) { tmp, c1->cin * hwp });
          for (gsize i = 0; i < (gsize) N * c1->cin * hwp; i++)
            into[i] += tmp[i];
        }
    }

  return loss;
}

void
_sheath_train_net_adamw (SheathTrainNet *net,
                         double          lr,
                         double          beta1,
                         double          beta2,
                         double          eps,
                         double          weight_decay,
                         guint64         step)
{
  double bc1 = 1.0 - pow (beta1, (double) step);
  double bc2 = 1.0 - pow (beta2, (double) step);
  double step_size = lr / bc1;
  double bc2_sqrt = sqrt (bc2);

  for (guint i = 0; i < net->params->len; i++)
    {
      SheathParam *p = g_ptr_array_index (net->params, i);
      float decay = (float) (p->decay ? 1.0 - lr * weight_decay : 1.0);

      for (gsize k = 0; k < p->size; k++)
        {
          float g = p->grad[k];
          double denom;

          p->value[k] *= decay;
          p->m[k] = (float) (beta1 * p->m[k] + (1 - beta1) * g);
          p->v[k] = (float) (beta2 * p->v[k] + (1 - beta2) * (double) g * g);
          denom = sqrt (p->v[k]) / bc2_sqrt + eps;
          p->value[k] -= (float) (step_size * p->m[k] / denom);
        }
    }
}

static void
fold_conv (const ConvBN  *c,
           SheathConv3x3 *out)
{
  gsize k = (gsize) c->cin * 9;

  for (guint o = 0; o < c->cout; o++)
    {
      double scale = c->gamma->value[o] / sqrt ((double) c->running_var->value[o] + BN_EPS);

      for (gsize i = 0; i < k; i++)
        out->weight[o * k + i] = (float) (c->weight->value[o * k + i] * scale);
      out->bias[o] = (float) (c->beta->value[o] - c->running_mean->value[o] * scale);
    }
}

SheathNet *
_sheath_train_net_to_net (SheathTrainNet *net)
{
  SheathNet *out = _sheath_net_new_empty (net->depth, net->base, net->in_channels, net->classes);

  for (guint l = 0; l <= net->depth; l++)
    for (guint i = 0; i < 2; i++)
      fold_conv (&net->enc[l][i], &out->enc[l][i]);
  for (guint l = 0; l < net->depth; l++)
    {
      SheathUpConv *up = &out->up[l];

      for (guint i = 0; i < 2; i++)
        fold_conv (&net->dec[l][i], &out->dec[l][i]);
      _sheath_upconv_weights_to_taps (net->up_weight[l]->value, up->cin, up->cout, up->weight);
      memcpy (up->bias, net->up_bias[l]->value, up->cout * sizeof (float));
    }
  memcpy (out->head.weight, net->head_weight->value, (gsize) net->classes * net->base * sizeof (float));
  memcpy (out->head.bias, net->head_bias->value, net->classes * sizeof (float));
  _sheath_net_prepare (out);
  return out;
}

gboolean
_sheath_train_net_write_model (SheathTrainNet  *net,
                               const char      *path,
                               GHashTable      *metadata,
                               gboolean         half,
                               GError         **error)
{
  g_autoptr(GArray) tensors = g_array_new (FALSE, TRUE, sizeof (SheathTensorOut));
  GPtrArray *lists[2] = { net->params, net->buffers };

  for (guint k = 0; k < 2; k++)
    for (guint i = 0; i < lists[k]->len; i++)
      {
        SheathParam *p = g_ptr_array_index (lists[k], i);
        SheathTensorOut t = { p->name, p->n_dims, { 0 }, p->value, half };

        memcpy (t.dims, p->dims, sizeof t.dims);
        g_array_append_val (tensors, t);
      }

  return _sheath_safetensors_write (path, metadata, (SheathTensorOut *) tensors->data, tensors->len, error);
}
