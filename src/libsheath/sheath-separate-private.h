/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-segmentation.h"

G_BEGIN_DECLS

/* The default depth, in µm, of the valley between two touching
 * unmyelinated axons for them to be split (see sheath-separate.c). */
#define SHEATH_UAXON_SPLIT_DEPTH_UM_DEFAULT 0.01

/* Splits the touching regions of @label along the valleys of their
 * distance map: a maximum of the distance to the background is an object
 * of its own when it stands at least @min_depth pixels above the saddle
 * that joins it to a higher one. A one-pixel line of background goes
 * between the objects, so that they are 8-connected regions of their own.
 * Returns how many objects were split off, or -1 with @error set. */
gint64 _sheath_separate_touching (SheathSegmentation  *segmentation,
                                  SheathLabel          label,
                                  double               min_depth,
                                  GCancellable        *cancellable,
                                  GError             **error);

G_END_DECLS
