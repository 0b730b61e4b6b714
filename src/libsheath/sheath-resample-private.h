/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One axis of a resampling from n_in to n_out samples, where one output
 * sample spans `scale` input samples. Shrinking averages the covered area;
 * enlarging interpolates linearly. Output o reads inputs
 * [first[o], first[o] + count[o]) with weights[o * max_taps + k]. */
typedef struct
{
  guint   n_in;
  guint   n_out;
  guint   max_taps;
  guint  *first;
  guint  *count;
  float  *weights;
  gboolean identity;
} SheathResampleAxis;

SheathResampleAxis *_sheath_resample_axis_new  (guint   n_in,
                                                guint   n_out,
                                                double  scale);
void                _sheath_resample_axis_free (SheathResampleAxis *axis);

/* out[o] = sum_k weights * in[first + k], with in strided by @in_stride. */
void                _sheath_resample_row       (const SheathResampleAxis *axis,
                                                const float              *in,
                                                gsize                     in_stride,
                                                float                    *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SheathResampleAxis, _sheath_resample_axis_free)

G_END_DECLS
