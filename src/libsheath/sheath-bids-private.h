/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A PNG or TIFF by its name */
gboolean _sheath_is_image_name   (const char    *name);
/* For g_ptr_array_sort() and qsort() of strings: they hand over pointers
 * to the elements */
gint     _sheath_compare_strings (gconstpointer  a,
                                  gconstpointer  b);

G_END_DECLS
