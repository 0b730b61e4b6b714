/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-image.h"
#include "sheath-segmentation.h"

G_BEGIN_DECLS

/* What splits touching unmyelinated axons unless the model says otherwise
 * (chosen on the shipped TEM model's training mice): the image smoothed by
 * a Gaussian of this σ, a depth in grey levels of the image's range on
 * 0–255, and the smallest axon kept. */
#define SHEATH_UAXON_SPLIT_SIGMA_UM_DEFAULT    0.015
#define SHEATH_UAXON_SPLIT_DEPTH_DEFAULT       40.0
#define SHEATH_UAXON_MIN_AREA_UM2_DEFAULT      0.0073

/* Splits the touching regions of @label along the dark lines of @image
 * between them: a plateau of the image smoothed by a Gaussian of @sigma
 * pixels (on 0–255 from the image's range), plus @distance_weight grey
 * levels per pixel of distance from the region's edge, is an object of its
 * own when it stands at least @min_depth above the saddle that joins it to
 * a higher one. A one-pixel line of background goes
 * between the objects, so that each is an 8-connected region of its own,
 * and regions under @min_area pixels are cleared. Returns how many objects
 * are left, or -1 with @error set. */
gint64 _sheath_separate_touching (SheathSegmentation  *segmentation,
                                  SheathLabel          label,
                                  SheathImage         *image,
                                  double               sigma,
                                  double               distance_weight,
                                  double               min_depth,
                                  double               min_area,
                                  GCancellable        *cancellable,
                                  GError             **error);

G_END_DECLS
