/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Vector widths differ between the machines Sheath runs on: functions with
 * hot loops get clones the loader picks the widest of. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
# define SHEATH_VECTOR_CLONES __attribute__((target_clones ("avx512f", "avx2", "default")))
#else
# define SHEATH_VECTOR_CLONES
#endif

/* Before a loop whose arrays the compiler cannot prove apart (several rows
 * of one buffer): they never overlap, so GCC may vectorise without the run-
 * time checks it gives up after ten of. (clang checks them itself, and
 * warns where instrumented code cannot be vectorised as asked.) */
#if defined(__GNUC__) && !defined(__clang__)
# define SHEATH_LOOP_INDEPENDENT _Pragma ("GCC ivdep")
#else
# define SHEATH_LOOP_INDEPENDENT
#endif

/* For qsort() and g_array_sort() of doubles. */
static inline int
_sheath_compare_doubles (const void *a,
                         const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

G_END_DECLS
