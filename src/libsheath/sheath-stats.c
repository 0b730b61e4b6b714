/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-stats"

#include "config.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <string.h>

#include "sheath-stats-private.h"

/* exact Mann–Whitney p-values below this many arrangements' worth */
#define EXACT_MAX_N 20

static const SheathTest too_small = { NAN, NAN, NAN };

void
_sheath_mean_sd (const double *x,
                 guint         n,
                 double       *mean,
                 double       *sd)
{
  *mean = n > 0 ? gsl_stats_mean (x, 1, n) : NAN;
  *sd = n > 1 ? gsl_stats_sd (x, 1, n) : NAN;
}

/* Welch's t-test: two means, variances not assumed equal. */
SheathTest
_sheath_welch_t (const double *a,
                 guint         na,
                 const double *b,
                 guint         nb)
{
  double ma, sa, mb, sb, va, vb, se;
  SheathTest t;

  if (na < 2 || nb < 2)
    return too_small;
  _sheath_mean_sd (a, na, &ma, &sa);
  _sheath_mean_sd (b, nb, &mb, &sb);
  va = sa * sa / na;
  vb = sb * sb / nb;
  se = sqrt (va + vb);
  if (se == 0)
    return too_small;
  t.statistic = (ma - mb) / se;
  t.df = (va + vb) * (va + vb) / (va * va / (na - 1) + vb * vb / (nb - 1));
  t.p = 2 * gsl_cdf_tdist_Q (fabs (t.statistic), t.df);
  return t;
}

typedef struct
{
  double value;
  guint  group;
} Ranked;

static int
compare_ranked (const void *a,
                const void *b)
{
  double x = ((const Ranked *) a)->value, y = ((const Ranked *) b)->value;

  return x < y ? -1 : x > y;
}

/* Mid-ranks of all values together, by group: the rank sums, and the sum
 * of (t³ − t) over ties. */
static void
rank_sums (const double * const *groups,
           const guint          *sizes,
           guint                 n_groups,
           double               *sums,
           double               *ties)
{
  g_autofree Ranked *all = NULL;
  guint n = 0, k = 0;

  for (guint g = 0; g < n_groups; g++)
    n += sizes[g];
  all = g_new (Ranked, n);
  for (guint g = 0; g < n_groups; g++)
    for (guint i = 0; i < sizes[g]; i++)
      all[k++] = (Ranked) { groups[g][i], g };
  qsort (all, n, sizeof (Ranked), compare_ranked);
  memset (sums, 0, n_groups * sizeof (double));
  *ties = 0;
  for (guint i = 0; i < n;)
    {
      guint j = i;
      double rank;

      while (j + 1 < n && all[j + 1].value == all[i].value)
        j++;
      rank = (i + j) / 2.0 + 1;
      for (guint m = i; m <= j; m++)
        sums[all[m].group] += rank;
      *ties += pow (j - i + 1, 3) - (j - i + 1);
      i = j + 1;
    }
}

/* How many of the C(na + nb, na) arrangements give U ≤ u (no ties). */
static double
count_u_at_most (guint na,
                 guint nb,
                 guint u)
{
  /* f[i][j][k]: arrangements of i and j values with U = k, by recursion on
   * the largest value */
  guint max_u = na * nb;
  g_autofree double *f = g_new0 (double, (gsize) (na + 1) * (nb + 1) * (max_u + 1));
  double total = 0;

#define F(i, j, k) f[((gsize) (i) * (nb + 1) + (j)) * (max_u + 1) + (k)]
  for (guint i = 0; i <= na; i++)
    for (guint j = 0; j <= nb; j++)
      for (guint k = 0; k <= max_u; k++)
        {
          if (i == 0 || j == 0)
            F (i, j, k) = k == 0 ? 1 : 0;
          else
            F (i, j, k) = (k >= j ? F (i - 1, j, k - j) : 0) + F (i, j - 1, k);
        }
  for (guint k = 0; k <= u && k <= max_u; k++)
    total += F (na, nb, k);
#undef F
  return total;
}

/* Mann–Whitney U (two-sided): exact without ties on small samples, else
 * the normal approximation with the tie correction. */
SheathTest
_sheath_mann_whitney (const double *a,
                      guint         na,
                      const double *b,
                      guint         nb)
{
  const double *groups[2] = { a, b };
  const guint sizes[2] = { na, nb };
  double sums[2], ties, u1, u, n = na + nb;
  SheathTest t = { NAN, NAN, NAN };

  if (na < 2 || nb < 2)
    return too_small;
  rank_sums (groups, sizes, 2, sums, &ties);
  u1 = sums[0] - na * (na + 1) / 2.0;
  u = MIN (u1, na * nb - u1);
  t.statistic = u1;
  if (ties == 0 && na + nb <= EXACT_MAX_N)
    {
      double all = exp (lgamma (n + 1) - lgamma (na + 1) - lgamma (nb + 1));
      t.p = MIN (1.0, 2 * count_u_at_most (na, nb, (guint) u) / all);
    }
  else
    {
      double mu = na * nb / 2.0;
      double sigma = sqrt (na * nb / 12.0 * ((n + 1) - ties / (n * (n - 1))));
      double z = sigma > 0 ? (fabs (u1 - mu) - 0.5) / sigma : 0;

      t.p = MIN (1.0, 2 * gsl_cdf_ugaussian_Q (MAX (z, 0)));
    }
  return t;
}

/* Hedges' g: Cohen's d on the pooled SD, corrected for small samples. */
double
_sheath_hedges_g (const double *a,
                  guint         na,
                  const double *b,
                  guint         nb)
{
  double ma, sa, mb, sb, pooled;

  if (na < 2 || nb < 2)
    return NAN;
  _sheath_mean_sd (a, na, &ma, &sa);
  _sheath_mean_sd (b, nb, &mb, &sb);
  pooled = sqrt (((na - 1) * sa * sa + (nb - 1) * sb * sb) / (na + nb - 2));
  if (pooled == 0)
    return NAN;
  return (ma - mb) / pooled * (1 - 3.0 / (4.0 * (na + nb) - 9));
}

static gboolean
groups_big_enough (const guint *sizes,
                   guint        n_groups)
{
  if (n_groups < 2)
    return FALSE;
  for (guint g = 0; g < n_groups; g++)
    if (sizes[g] < 2)
      return FALSE;
  return TRUE;
}

/* One-way ANOVA: F of the between- over the within-group mean squares. */
SheathTest
_sheath_anova (const double * const *groups,
               const guint          *sizes,
               guint                 n_groups)
{
  double grand = 0, ssb = 0, ssw = 0;
  guint n = 0;
  SheathTest t;

  if (!groups_big_enough (sizes, n_groups))
    return too_small;
  for (guint g = 0; g < n_groups; g++)
    {
      grand += gsl_stats_mean (groups[g], 1, sizes[g]) * sizes[g];
      n += sizes[g];
    }
  grand /= n;
  for (guint g = 0; g < n_groups; g++)
    {
      double m = gsl_stats_mean (groups[g], 1, sizes[g]);

      ssb += sizes[g] * (m - grand) * (m - grand);
      for (guint i = 0; i < sizes[g]; i++)
        ssw += (groups[g][i] - m) * (groups[g][i] - m);
    }
  if (ssw == 0)
    return too_small;
  t.statistic = (ssb / (n_groups - 1)) / (ssw / (n - n_groups));
  t.df = n_groups - 1;
  t.p = gsl_cdf_fdist_Q (t.statistic, n_groups - 1, n - n_groups);
  return t;
}

/* Kruskal–Wallis H, tie-corrected, against χ² with k − 1 degrees. */
SheathTest
_sheath_kruskal_wallis (const double * const *groups,
                        const guint          *sizes,
                        guint                 n_groups)
{
  g_autofree double *sums = g_new (double, n_groups);
  double ties, h = 0, n = 0, correction;
  SheathTest t;

  if (!groups_big_enough (sizes, n_groups))
    return too_small;
  for (guint g = 0; g < n_groups; g++)
    n += sizes[g];
  rank_sums (groups, sizes, n_groups, sums, &ties);
  for (guint g = 0; g < n_groups; g++)
    h += sums[g] * sums[g] / sizes[g];
  h = 12.0 / (n * (n + 1)) * h - 3 * (n + 1);
  correction = 1 - ties / (n * n * n - n);
  if (correction <= 0)
    return too_small;
  t.statistic = h / correction;
  t.df = n_groups - 1;
  t.p = gsl_cdf_chisq_Q (t.statistic, n_groups - 1);
  return t;
}

gboolean
_sheath_linear_fit (const double *x,
                    const double *y,
                    guint         n,
                    double       *intercept,
                    double       *slope,
                    double       *r2)
{
  double c00, c01, c11, sumsq, tss;

  *intercept = *slope = *r2 = NAN;
  if (n < 3 || gsl_fit_linear (x, 1, y, 1, n, intercept, slope, &c00, &c01, &c11, &sumsq) != 0)
    return FALSE;
  tss = gsl_stats_tss (y, 1, n);
  *r2 = tss > 0 ? 1 - sumsq / tss : NAN;
  return TRUE;
}
