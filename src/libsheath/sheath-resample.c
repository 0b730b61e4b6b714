/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-resample"

#include "config.h"

#include <math.h>

#include "sheath-resample-private.h"

SheathResampleAxis *
_sheath_resample_axis_new (guint  n_in,
                           guint  n_out,
                           double scale)
{
  SheathResampleAxis *axis = g_new0 (SheathResampleAxis, 1);

  g_return_val_if_fail (n_in > 0 && n_out > 0 && scale > 0, NULL);

  axis->n_in = n_in;
  axis->n_out = n_out;
  axis->identity = n_in == n_out && fabs (scale - 1.0) < 1e-9;
  axis->max_taps = scale > 1.0 ? (guint) ceil (scale) + 1 : 2;
  axis->first = g_new0 (guint, n_out);
  axis->count = g_new0 (guint, n_out);
  axis->weights = g_new0 (float, (gsize) n_out * axis->max_taps);

  for (guint o = 0; o < n_out; o++)
    {
      float *w = axis->weights + (gsize) o * axis->max_taps;

      if (axis->identity)
        {
          axis->first[o] = o;
          axis->count[o] = 1;
          w[0] = 1.f;
        }
      else if (scale > 1.0)
        {
          /* Area average over [o s, (o + 1) s), clipped to the input. */
          double a = o * scale;
          double b = MIN ((o + 1) * scale, (double) n_in);
          guint i0 = MIN ((guint) floor (a), n_in - 1);
          guint n = 0;
          double total = 0;

          for (guint i = i0; i < n_in && i < b && n < axis->max_taps; i++, n++)
            {
              double overlap = MIN (b, i + 1.0) - MAX (a, (double) i);
              w[n] = (float) MAX (overlap, 0.0);
              total += w[n];
            }
          if (n == 0 || total <= 0)
            {
              n = 1;
              w[0] = 1.f;
              total = 1;
            }
          for (guint k = 0; k < n; k++)
            w[k] = (float) (w[k] / total);
          axis->first[o] = i0;
          axis->count[o] = n;
        }
      else
        {
          /* Linear interpolation at the output sample's centre. */
          double c = (o + 0.5) * scale - 0.5;
          double f = floor (c);
          double t = c - f;
          gint i0 = (gint) f;

          if (i0 < 0)
            {
              i0 = 0;
              t = 0;
            }
          if ((guint) i0 >= n_in - 1)
            {
              i0 = (gint) n_in - 1;
              t = 0;
            }
          axis->first[o] = (guint) i0;
          axis->count[o] = t > 0 ? 2 : 1;
          w[0] = (float) (1.0 - t);
          w[1] = (float) t;
        }
    }

  return axis;
}

void
_sheath_resample_axis_free (SheathResampleAxis *axis)
{
  if (axis == NULL)
    return;

  g_free (axis->first);
  g_free (axis->count);
  g_free (axis->weights);
  g_free (axis);
}

void
_sheath_resample_row (const SheathResampleAxis *axis,
                      const float              *in,
                      gsize                     in_stride,
                      float                    *out)
{
  for (guint o = 0; o < axis->n_out; o++)
    {
      const float *w = axis->weights + (gsize) o * axis->max_taps;
      const float *src = in + (gsize) axis->first[o] * in_stride;
      float sum = 0.f;

      for (guint k = 0; k < axis->count[o]; k++)
        sum += w[k] * src[k * in_stride];
      out[o] = sum;
    }
}
