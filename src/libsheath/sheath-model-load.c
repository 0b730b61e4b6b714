/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-model"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "sheath-error.h"
#include "sheath-model-private.h"
#include "sheath-safetensors-private.h"

/* A model file checked before it is trusted: every metadata value in its
 * range, every tensor of the U-Net there with the shape its architecture
 * says; then the network loaded, batch norm folded into the convolutions. */

gboolean
_sheath_model_meta_uint (SheathSafetensors  *st,
                         const char         *key,
                         guint               min,
                         guint               max,
                         guint              *out,
                         GError            **error)
{
  const char *s = _sheath_safetensors_get_meta (st, key);
  guint64 v;

  if (s == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                   _ ("Model '%s' does not say its %s (metadata key '%s')"),
                   _sheath_safetensors_get_name (st), key, key);
      return FALSE;
    }

  if (!g_ascii_string_to_unsigned (s, 10, min, max, &v, NULL))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_UNSUPPORTED_MODEL,
                   _ ("Model '%s' has %s = '%s'; Sheath supports %u to %u"),
                   _sheath_safetensors_get_name (st), key, s, min, max);
      return FALSE;
    }

  *out = (guint) v;
  return TRUE;
}

gboolean
_sheath_model_meta_double (SheathSafetensors  *st,
                           const char         *key,
                           double              min,
                           double              max,
                           double             *out,
                           GError            **error)
{
  const char *s = _sheath_safetensors_get_meta (st, key);
  char *end = NULL;
  double v;

  if (s == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                   _ ("Model '%s' does not say its %s (metadata key '%s')"),
                   _sheath_safetensors_get_name (st), key, key);
      return FALSE;
    }

  v = g_ascii_strtod (s, &end);
  if (end == s || *end != '\0' || !isfinite (v) || v < min || v > max)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                   _ ("Model '%s' has an invalid %s: '%s'"),
                   _sheath_safetensors_get_name (st), key, s);
      return FALSE;
    }

  *out = v;
  return TRUE;
}

/* Checks a 3x3 convolution and the batch norm after it (or the conv's own
 * bias when the model has no batch norm). */
static gboolean
check_conv_block (SheathSafetensors  *st,
                  const char         *conv,
                  const char         *bn,
                  guint               cin,
                  guint               cout,
                  GError            **error)
{
  g_autofree char *w = g_strdup_printf ("%s.weight", conv);
  g_autofree char *b = g_strdup_printf ("%s.bias", conv);
  gint64 wdims[4] = { cout, cin, 3, 3 };
  gint64 vdims[1] = { cout };
  static const char *bn_params[] = { "weight", "bias", "running_mean", "running_var" };
  g_autofree char *bn_weight = g_strdup_printf ("%s.weight", bn);

  if (!_sheath_safetensors_check_tensor (st, w, 4, wdims, error))
    return FALSE;

  if (_sheath_safetensors_has_tensor (st, b) &&
      !_sheath_safetensors_check_tensor (st, b, 1, vdims, error))
    return FALSE;

  if (!_sheath_safetensors_has_tensor (st, bn_weight))
    {
      if (!_sheath_safetensors_has_tensor (st, b))
        return _sheath_safetensors_check_tensor (st, bn_weight, 1, vdims, error);
      return TRUE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (bn_params); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.%s", bn, bn_params[i]);

      if (!_sheath_safetensors_check_tensor (st, name, 1, vdims, error))
        return FALSE;
    }

  return TRUE;
}

static void
load_conv_block (SheathSafetensors *st,
                 const char        *conv_name,
                 const char        *bn_name,
                 double             eps,
                 SheathConv3x3     *conv)
{
  g_autofree char *w = g_strdup_printf ("%s.weight", conv_name);
  g_autofree char *b = g_strdup_printf ("%s.bias", conv_name);
  g_autofree char *bn_weight = g_strdup_printf ("%s.weight", bn_name);
  gsize k = (gsize) conv->cin * 9;

  _sheath_safetensors_read_f32 (st, w, conv->weight);
  if (_sheath_safetensors_has_tensor (st, b))
    _sheath_safetensors_read_f32 (st, b, conv->bias);

  if (_sheath_safetensors_has_tensor (st, bn_weight))
    {
      g_autofree float *gamma = g_new (float, conv->cout);
      g_autofree float *beta = g_new (float, conv->cout);
      g_autofree float *mean = g_new (float, conv->cout);
      g_autofree float *var = g_new (float, conv->cout);
      g_autofree char *bn_bias = g_strdup_printf ("%s.bias", bn_name);
      g_autofree char *bn_mean = g_strdup_printf ("%s.running_mean", bn_name);
      g_autofree char *bn_var = g_strdup_printf ("%s.running_var", bn_name);

      _sheath_safetensors_read_f32 (st, bn_weight, gamma);
      _sheath_safetensors_read_f32 (st, bn_bias, beta);
      _sheath_safetensors_read_f32 (st, bn_mean, mean);
      _sheath_safetensors_read_f32 (st, bn_var, var);

      /* Fold y = gamma (conv(x) + b - mean) / sqrt(var + eps) + beta into the
       * convolution, so that inference runs one GEMM and one bias. */
      for (guint o = 0; o < conv->cout; o++)
        {
          double scale = gamma[o] / sqrt ((double) var[o] + eps);

          for (gsize i = 0; i < k; i++)
            conv->weight[o * k + i] = (float) (conv->weight[o * k + i] * scale);
          conv->bias[o] = (float) ((conv->bias[o] - mean[o]) * scale + beta[o]);
        }
    }
}

gboolean
_sheath_model_check_network (SheathSafetensors  *st,
                             guint               depth,
                             guint               base,
                             guint               in_channels,
                             guint               classes,
                             GError            **error)
{
  for (guint l = 0; l <= depth; l++)
    {
      guint c = base << l;
      guint cin = l == 0 ? in_channels : c / 2;
      g_autofree char *c1 = g_strdup_printf ("enc.%u.conv1", l);
      g_autofree char *b1 = g_strdup_printf ("enc.%u.bn1", l);
      g_autofree char *c2 = g_strdup_printf ("enc.%u.conv2", l);
      g_autofree char *b2 = g_strdup_printf ("enc.%u.bn2", l);

      if (!check_conv_block (st, c1, b1, cin, c, error) ||
          !check_conv_block (st, c2, b2, c, c, error))
        return FALSE;
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
      gint64 udims[4] = { 2 * c, c, 2, 2 };
      gint64 bdims[1] = { c };

      if (!_sheath_safetensors_check_tensor (st, uw, 4, udims, error) ||
          !_sheath_safetensors_check_tensor (st, ub, 1, bdims, error) ||
          !check_conv_block (st, c1, b1, 2 * c, c, error) ||
          !check_conv_block (st, c2, b2, c, c, error))
        return FALSE;
    }

  {
    gint64 hw[4] = { classes, base, 1, 1 };
    gint64 hb[1] = { classes };

    if (!_sheath_safetensors_check_tensor (st, "head.weight", 4, hw, error) ||
        !_sheath_safetensors_check_tensor (st, "head.bias", 1, hb, error))
      return FALSE;
  }

  return TRUE;
}

SheathNet *
_sheath_model_load_network (SheathSafetensors *st,
                            guint              depth,
                            guint              base,
                            guint              in_channels,
                            guint              classes,
                            double             eps)
{
  g_autoptr(SheathNet) net = _sheath_net_new_empty (depth, base, in_channels, classes);

  for (guint l = 0; l <= depth; l++)
    {
      g_autofree char *c1 = g_strdup_printf ("enc.%u.conv1", l);
      g_autofree char *b1 = g_strdup_printf ("enc.%u.bn1", l);
      g_autofree char *c2 = g_strdup_printf ("enc.%u.conv2", l);
      g_autofree char *b2 = g_strdup_printf ("enc.%u.bn2", l);

      load_conv_block (st, c1, b1, eps, &net->enc[l][0]);
      load_conv_block (st, c2, b2, eps, &net->enc[l][1]);
    }

  for (guint l = 0; l < depth; l++)
    {
      SheathUpConv *up = &net->up[l];
      g_autofree char *uw = g_strdup_printf ("dec.%u.up.weight", l);
      g_autofree char *ub = g_strdup_printf ("dec.%u.up.bias", l);
      g_autofree char *c1 = g_strdup_printf ("dec.%u.block.conv1", l);
      g_autofree char *b1 = g_strdup_printf ("dec.%u.block.bn1", l);
      g_autofree char *c2 = g_strdup_printf ("dec.%u.block.conv2", l);
      g_autofree char *b2 = g_strdup_printf ("dec.%u.block.bn2", l);
      g_autofree float *w = g_new (float, (gsize) up->cin * up->cout * 4);

      /* PyTorch stores a transposed conv as [in][out][ky][kx]. */
      _sheath_safetensors_read_f32 (st, uw, w);
      for (guint i = 0; i < up->cin; i++)
        for (guint o = 0; o < up->cout; o++)
          for (guint tap = 0; tap < 4; tap++)
            up->weight[((gsize) tap * up->cout + o) * up->cin + i] =
              w[((gsize) i * up->cout + o) * 4 + tap];
      _sheath_safetensors_read_f32 (st, ub, up->bias);

      load_conv_block (st, c1, b1, eps, &net->dec[l][0]);
      load_conv_block (st, c2, b2, eps, &net->dec[l][1]);
    }

  _sheath_safetensors_read_f32 (st, "head.weight", net->head.weight);
  _sheath_safetensors_read_f32 (st, "head.bias", net->head.bias);
  _sheath_net_prepare (net);

  return g_steal_pointer (&net);
}

