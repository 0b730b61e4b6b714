/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Perimeters of every labelled region at once, as scikit-image's
 * regionprops measures one (4-connected border pixels, each weighted by
 * how its border neighbours sit: 1, √2 or (1 + √2) / 2). perimeters has
 * n_labels + 1 entries, indexed by label. */
void   _sheath_label_perimeters (const guint32 *labels,
                                 guint          width,
                                 guint          height,
                                 guint32        n_labels,
                                 double        *perimeters);

/* Convex areas (pixel centres inside the convex hull of the region's pixel
 * edge midpoints, as scikit-image's convex_hull_image counts them). */
void   _sheath_label_convex_areas (const guint32 *labels,
                                   guint          width,
                                   guint          height,
                                   guint32        n_labels,
                                   double        *convex_areas);

G_END_DECLS
