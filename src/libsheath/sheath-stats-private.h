/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The statistics a study reports, with GSL's distributions: the subject is
 * the unit, so every sample here is a handful of subject means. */

typedef struct
{
  double statistic;   /* t, U, F or H */
  double df;          /* degrees of freedom, NAN where there are none */
  double p;           /* two-sided; NAN when n is too small */
} SheathTest;

void       _sheath_mean_sd          (const double *x,
                                     guint         n,
                                     double       *mean,
                                     double       *sd);
SheathTest _sheath_welch_t          (const double *a,
                                     guint         na,
                                     const double *b,
                                     guint         nb);
SheathTest _sheath_mann_whitney     (const double *a,
                                     guint         na,
                                     const double *b,
                                     guint         nb);
double     _sheath_hedges_g         (const double *a,
                                     guint         na,
                                     const double *b,
                                     guint         nb);
/* @groups: @n_groups arrays of @sizes[i] values */
SheathTest _sheath_anova            (const double * const *groups,
                                     const guint          *sizes,
                                     guint                 n_groups);
SheathTest _sheath_kruskal_wallis   (const double * const *groups,
                                     const guint          *sizes,
                                     guint                 n_groups);
/* y = intercept + slope x, least squares; FALSE with fewer than 3 points */
gboolean   _sheath_linear_fit       (const double *x,
                                     const double *y,
                                     guint         n,
                                     double       *intercept,
                                     double       *slope,
                                     double       *r2);

G_END_DECLS
