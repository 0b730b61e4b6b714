/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-net"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sheath-error.h"
#include "sheath-layers-private.h"
#include "sheath-net-private.h"

struct _SheathNetWorkspace
{
  guint   tile_size;
  guint   depth;
  guint   n_scratch;
  float  *input;                             /* [in][T][T] */
  float  *output;                            /* [classes][T][T] */
  /* Only what is alive at once: a level's skip connection until its
   * decoder block; one block's first conv at a time (C_0 T², the largest);
   * one level's pooled input at a time; the bottleneck's output. A decoder
   * block's output goes into the skip half of its level's concatenation,
   * which its first conv has read: 0.63 of keeping each apart. */
  float  *cat[SHEATH_NET_MAX_DEPTH];         /* [2 C_l][T_l][T_l]: skip, then upsampled */
  float  *tmp;                               /* [C_l][T_l][T_l]: first conv of a block */
  float  *pool;                              /* [C_{l-1}][T_l][T_l]: pooled input of level l */
  float  *bottleneck;                        /* [C_d][T_d][T_d] */
  float **scratch;                           /* one per worker */
};

static void
conv_init (SheathConv3x3 *conv,
           guint          cin,
           guint          cout)
{
  conv->cin = cin;
  conv->cout = cout;
  conv->weight = g_new0 (float, (gsize) cout * cin * 9);
  conv->bias = g_new0 (float, cout);
}

static void
conv_clear (SheathConv3x3 *conv)
{
  g_clear_pointer (&conv->weight, g_free);
  g_clear_pointer (&conv->bias, g_free);
  g_clear_pointer (&conv->winograd, g_free);
}

SheathNet *
_sheath_net_new_empty (guint depth,
                       guint base_channels,
                       guint in_channels,
                       guint classes)
{
  g_autoptr(SheathNet) net = g_new0 (SheathNet, 1);

  g_return_val_if_fail (depth >= 1 && depth <= SHEATH_NET_MAX_DEPTH, NULL);

  net->depth = depth;
  net->base_channels = base_channels;
  net->in_channels = in_channels;
  net->classes = classes;

  for (guint l = 0; l <= depth; l++)
    {
      guint c = base_channels << l;
      guint cin = l == 0 ? in_channels : c / 2;

      conv_init (&net->enc[l][0], cin, c);
      conv_init (&net->enc[l][1], c, c);
    }

  for (guint l = 0; l < depth; l++)
    {
      guint c = base_channels << l;

      net->up[l].cin = 2 * c;
      net->up[l].cout = c;
      net->up[l].weight = g_new0 (float, (gsize) 4 * c * 2 * c);
      net->up[l].bias = g_new0 (float, c);
      conv_init (&net->dec[l][0], 2 * c, c);
      conv_init (&net->dec[l][1], c, c);
    }

  net->head.cin = base_channels;
  net->head.classes = classes;
  net->head.weight = g_new0 (float, (gsize) classes * base_channels);
  net->head.bias = g_new0 (float, classes);

  return g_steal_pointer (&net);
}

void
_sheath_net_free (SheathNet *net)
{
  if (net == NULL)
    return;

  for (guint l = 0; l <= net->depth; l++)
    {
      conv_clear (&net->enc[l][0]);
      conv_clear (&net->enc[l][1]);
    }
  for (guint l = 0; l < net->depth; l++)
    {
      conv_clear (&net->dec[l][0]);
      conv_clear (&net->dec[l][1]);
      g_free (net->up[l].weight);
      g_free (net->up[l].bias);
    }
  g_free (net->head.weight);
  g_free (net->head.bias);
  g_free (net);
}

void
_sheath_net_prepare (SheathNet *net)
{
  for (guint l = 0; l <= net->depth; l++)
    for (guint i = 0; i < 2; i++)
      if (_sheath_winograd_suits (net->enc[l][i].cin))
        _sheath_winograd_prepare (&net->enc[l][i]);
  for (guint l = 0; l < net->depth; l++)
    for (guint i = 0; i < 2; i++)
      if (_sheath_winograd_suits (net->dec[l][i].cin))
        _sheath_winograd_prepare (&net->dec[l][i]);
}

gsize
_sheath_net_count_parameters (const SheathNet *net)
{
  gsize n = 0;

  for (guint l = 0; l <= net->depth; l++)
    for (guint i = 0; i < 2; i++)
      n += (gsize) net->enc[l][i].cout * (net->enc[l][i].cin * 9 + 1);
  for (guint l = 0; l < net->depth; l++)
    {
      for (guint i = 0; i < 2; i++)
        n += (gsize) net->dec[l][i].cout * (net->dec[l][i].cin * 9 + 1);
      n += (gsize) net->up[l].cout * (4 * net->up[l].cin + 1);
    }
  n += (gsize) net->head.classes * (net->head.cin + 1);

  return n;
}

guint
_sheath_net_tile_multiple (const SheathNet *net)
{
  return 1u << net->depth;
}

static float *
try_alloc_floats (gsize    n,
                  GError **error)
{
  float *p = g_try_new (float, n);

  if (p == NULL)
    g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                 "Not enough memory for the network's workspace (%" G_GSIZE_FORMAT " MB); "
                 "try a smaller tile size",
                 n * sizeof (float) >> 20);
  return p;
}

SheathNetWorkspace *
_sheath_net_workspace_new (const SheathNet  *net,
                           guint             tile_size,
                           guint             n_workers,
                           GError          **error)
{
  g_autoptr(SheathNetWorkspace) ws = g_new0 (SheathNetWorkspace, 1);
  gsize scratch = 0;

  g_return_val_if_fail (tile_size % _sheath_net_tile_multiple (net) == 0, NULL);

  ws->tile_size = tile_size;
  ws->depth = net->depth;
  ws->n_scratch = MAX (n_workers, 1);

  if (!(ws->input = try_alloc_floats ((gsize) net->in_channels * tile_size * tile_size, error)) ||
      !(ws->output = try_alloc_floats ((gsize) net->classes * tile_size * tile_size, error)))
    return NULL;

  {
    gsize px = (gsize) tile_size * tile_size;
    guint d = net->depth;

    if (!(ws->tmp = try_alloc_floats (net->base_channels * px, error)) ||
        !(ws->pool = try_alloc_floats (net->base_channels * px / 4, error)) ||
        !(ws->bottleneck = try_alloc_floats (((gsize) net->base_channels << d) * (px >> (2 * d)), error)))
      return NULL;
  }
  for (guint l = 0; l <= net->depth; l++)
    {
      guint t = tile_size >> l;
      gsize px = (gsize) t * t;
      guint c = net->base_channels << l;

      if (l < net->depth && !(ws->cat[l] = try_alloc_floats (2 * c * px, error)))
        return NULL;

      for (guint i = 0; i < 2; i++)
        scratch = MAX (scratch, _sheath_conv3x3_scratch_floats (&net->enc[l][i], t));
      if (l < net->depth)
        {
          for (guint i = 0; i < 2; i++)
            scratch = MAX (scratch, _sheath_conv3x3_scratch_floats (&net->dec[l][i], t));
          /* the transposed conv of level l reads level l + 1 */
          scratch = MAX (scratch, _sheath_layers_scratch_floats (4 * net->up[l].cout, t / 2));
        }
    }
  scratch = MAX (scratch, _sheath_layers_scratch_floats (net->classes, tile_size));

  ws->scratch = g_new0 (float *, ws->n_scratch);
  for (guint i = 0; i < ws->n_scratch; i++)
    if (!(ws->scratch[i] = try_alloc_floats (scratch, error)))
      return NULL;

  return g_steal_pointer (&ws);
}

void
_sheath_net_workspace_free (SheathNetWorkspace *ws)
{
  if (ws == NULL)
    return;

  g_free (ws->input);
  g_free (ws->output);
  g_free (ws->tmp);
  g_free (ws->pool);
  g_free (ws->bottleneck);
  for (guint l = 0; l < SHEATH_NET_MAX_DEPTH; l++)
    g_free (ws->cat[l]);
  if (ws->scratch != NULL)
    for (guint i = 0; i < ws->n_scratch; i++)
      g_free (ws->scratch[i]);
  g_free (ws->scratch);
  g_free (ws);
}

guint
_sheath_net_workspace_get_tile_size (SheathNetWorkspace *ws)
{
  return ws->tile_size;
}

float *
_sheath_net_workspace_get_input (SheathNetWorkspace *ws)
{
  return ws->input;
}

const float *
_sheath_net_workspace_get_output (SheathNetWorkspace *ws)
{
  return ws->output;
}

void
_sheath_net_forward (const SheathNet    *net,
                     SheathNetWorkspace *ws,
                     SheathWorkers      *workers)
{
  guint depth = net->depth;
  const float *x = ws->input;

  g_return_if_fail (ws->depth == depth);
  g_return_if_fail (_sheath_workers_get_size (workers) <= ws->n_scratch);

  /* Encoder: each block's output is written straight into the first half of
   * the decoder's concatenation buffer, so the skip connection costs no copy. */
  for (guint l = 0; l < depth; l++)
    {
      guint t = ws->tile_size >> l;

      /* the pooled input is read (into tmp) before the next pooling */
      _sheath_conv3x3_relu (workers, &net->enc[l][0], x, t, t, ws->tmp, ws->scratch);
      _sheath_conv3x3_relu (workers, &net->enc[l][1], ws->tmp, t, t, ws->cat[l], ws->scratch);
      _sheath_maxpool2 (workers, ws->cat[l], net->enc[l][1].cout, t, t, ws->pool);
      x = ws->pool;
    }

  {
    guint t = ws->tile_size >> depth;

    _sheath_conv3x3_relu (workers, &net->enc[depth][0], x, t, t, ws->tmp, ws->scratch);
    _sheath_conv3x3_relu (workers, &net->enc[depth][1], ws->tmp, t, t, ws->bottleneck, ws->scratch);
  }

  for (gint l = (gint) depth - 1; l >= 0; l--)
    {
      guint t = ws->tile_size >> l;
      guint c = net->base_channels << l;
      float *upsampled = ws->cat[l] + (gsize) c * t * t;
      /* the level below's output: the bottleneck, or its skip half */
      const float *below = l + 1 == (gint) depth ? ws->bottleneck : ws->cat[l + 1];

      _sheath_upconv2 (workers, &net->up[l], below, t / 2, t / 2, upsampled, ws->scratch);
      _sheath_conv3x3_relu (workers, &net->dec[l][0], ws->cat[l], t, t, ws->tmp, ws->scratch);
      /* into the skip half, read already */
      _sheath_conv3x3_relu (workers, &net->dec[l][1], ws->tmp, t, t, ws->cat[l], ws->scratch);
    }

  _sheath_head_softmax (workers, &net->head, ws->cat[0], ws->tile_size, ws->tile_size,
                        ws->output, ws->scratch);
}
