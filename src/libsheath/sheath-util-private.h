/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* For qsort() and g_array_sort() of doubles. */
static inline int
_sheath_compare_doubles (const void *a,
                         const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

G_END_DECLS
