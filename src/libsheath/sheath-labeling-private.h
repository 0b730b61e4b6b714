/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Labels the 8-connected components of mask (non-zero pixels) with 1..n in
 * raster order of their first pixel; returns n. labels has width × height
 * entries. */
guint32 _sheath_label_components_8 (const guint8 *mask,
                                    guint         width,
                                    guint         height,
                                    guint32      *labels);
/* The same with 4-connected components (no diagonal steps), as annotators
 * draw touching objects apart. */
guint32 _sheath_label_components_4 (const guint8 *mask,
                                    guint         width,
                                    guint         height,
                                    guint32      *labels);

/* Fills holes: 4-connected regions of unlabelled pixels that do not touch
 * the image border and are enclosed by one label only take that label.
 * Returns how many holes were filled. */
guint   _sheath_fill_label_holes   (guint32      *labels,
                                    guint         width,
                                    guint         height);
/* The same, appending to @first_rows (guint) the row of each filled hole's
 * first pixel in raster order. */
guint   _sheath_fill_label_holes_noting (guint32 *labels,
                                         guint    width,
                                         guint    height,
                                         GArray  *first_rows);

/* Gives each pixel with grow[i] set the label of the nearest labelled
 * pixel, nearest by 4-connected steps through such pixels; ties go to the
 * label that arrives first in raster order. This is what a watershed on the
 * axons' distance map does on the (flat) myelin, as AxonDeepSeg runs it.
 * Pixels no label reaches keep 0. */
void    _sheath_grow_labels        (guint32      *labels,
                                    const guint8 *grow,
                                    guint         width,
                                    guint         height);

/* Pairs the regions of two label maps of @n_pixels each (1..n_a, 1..n_b; 0
 * none) whose intersection over union is at least 0.5, each region once at
 * most (at exactly 0.5 one could otherwise pair twice): match_a[a] is b,
 * match_b[b] is a, 0 for none; both have n + 1 entries. Returns how many
 * pairs there are. */
guint32 _sheath_match_labels       (const guint32 *labels_a,
                                    guint32        n_a,
                                    const guint32 *labels_b,
                                    guint32        n_b,
                                    gsize          n_pixels,
                                    guint32       *match_a,
                                    guint32       *match_b);

G_END_DECLS
