/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The study statistics against SciPy 1.10's figures for the same samples
 * (scipy.stats.ttest_ind(equal_var=False), mannwhitneyu, f_oneway,
 * kruskal, linregress), and a group of one subject giving no p-value. */

#include "config.h"

#include <math.h>

#include "sheath-stats-private.h"

static const double a[] = { 0.61, 0.64, 0.66, 0.63, 0.65 };
static const double b[] = { 0.68, 0.70, 0.67, 0.71 };
static const double c[] = { 0.60, 0.62, 0.59 };

static void
test_two_groups (void)
{
  SheathTest t = _sheath_welch_t (a, 5, b, 4);
  SheathTest u = _sheath_mann_whitney (a, 5, b, 4);

  g_assert_cmpfloat_with_epsilon (t.statistic, -4.145653226931323, 1e-9);
  g_assert_cmpfloat_with_epsilon (t.p, 0.004721067725241208, 1e-9);
  /* exact: no arrangement is more extreme */
  g_assert_cmpfloat (u.statistic, ==, 0);
  g_assert_cmpfloat_with_epsilon (u.p, 0.015873015873015872, 1e-12);
  g_assert_cmpfloat_with_epsilon (_sheath_hedges_g (a, 5, b, 4), -2.4556925957965037, 1e-9);
}

static void
test_mann_whitney_ties (void)
{
  const double x[] = { 1, 2, 2, 3, 4, 5, 5, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 };
  const double y[] = { 3, 4, 4, 6, 8, 9, 10, 10, 12, 15, 16, 17, 18, 19, 20 };
  SheathTest u = _sheath_mann_whitney (x, G_N_ELEMENTS (x), y, G_N_ELEMENTS (y));

  g_assert_cmpfloat (u.statistic, ==, 70.5);
  g_assert_cmpfloat_with_epsilon (u.p, 0.032587960044655494, 1e-9);
}

static void
test_more_groups (void)
{
  const double *groups[] = { a, b, c };
  const guint sizes[] = { 5, 4, 3 };
  SheathTest f = _sheath_anova (groups, sizes, 3);
  SheathTest h = _sheath_kruskal_wallis (groups, sizes, 3);

  g_assert_cmpfloat_with_epsilon (f.statistic, 20.64705882352944, 1e-9);
  g_assert_cmpfloat_with_epsilon (f.p, 0.00043377440465596406, 1e-12);
  g_assert_cmpfloat_with_epsilon (h.statistic, 9.117948717948728, 1e-9);
  g_assert_cmpfloat_with_epsilon (h.p, 0.010472794764900149, 1e-12);
}

static void
test_fit (void)
{
  const double x[] = { 1, 2, 3, 4, 5 }, y[] = { 2.1, 3.9, 6.2, 7.8, 10.1 };
  double intercept, slope, r2;

  g_assert_true (_sheath_linear_fit (x, y, 5, &intercept, &slope, &r2));
  g_assert_cmpfloat_with_epsilon (intercept, 0.05, 1e-9);
  g_assert_cmpfloat_with_epsilon (slope, 1.99, 1e-9);
  g_assert_cmpfloat_with_epsilon (r2, 0.997305328900977, 1e-9);
  g_assert_false (_sheath_linear_fit (x, y, 2, &intercept, &slope, &r2));
}

/* a group of one subject: no p-value, rather than a meaningless one */
static void
test_too_small (void)
{
  const double *groups[] = { a, c };
  const guint sizes[] = { 5, 1 };

  g_assert_true (isnan (_sheath_welch_t (a, 5, c, 1).p));
  g_assert_true (isnan (_sheath_mann_whitney (a, 5, c, 1).p));
  g_assert_true (isnan (_sheath_hedges_g (a, 5, c, 1)));
  g_assert_true (isnan (_sheath_anova (groups, sizes, 2).p));
  g_assert_true (isnan (_sheath_kruskal_wallis (groups, sizes, 2).p));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Sheath/Stats/two-groups", test_two_groups);
  g_test_add_func ("/Sheath/Stats/mann-whitney-ties", test_mann_whitney_ties);
  g_test_add_func ("/Sheath/Stats/more-groups", test_more_groups);
  g_test_add_func ("/Sheath/Stats/fit", test_fit);
  g_test_add_func ("/Sheath/Stats/too-small", test_too_small);
  return g_test_run ();
}
