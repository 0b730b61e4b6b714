/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Gives each pixel where @mask is set its Euclidean distance, in pixels, to
 * the nearest pixel where it is not (exact: Felzenszwalb and Huttenlocher's
 * lower envelope of parabolas, by columns then rows); 0 where @mask is not
 * set. Outside the image is not background, so a mask with no unset pixel
 * gets 0 everywhere. @distance has width × height entries. */
void _sheath_distance_transform (const guint8 *mask,
                                 guint         width,
                                 guint         height,
                                 float        *distance);

G_END_DECLS
