/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-morphometrics.h"

G_BEGIN_DECLS

/* Axon components smaller than this many pixels are specks: dropped from
 * the table and counted. */
#define SHEATH_MIN_AXON_PIXELS 5

SheathSegmentation *_sheath_morphometrics_get_segmentation (SheathMorphometrics *self);
/* Per pixel: the axon (fibre) a pixel belongs to, 0 for none. */
const guint32      *_sheath_morphometrics_get_fibre_labels (SheathMorphometrics *self);
/* Per pixel: the axon whose axon (not myelin) it is, 0 for none. */
const guint32      *_sheath_morphometrics_get_axon_labels  (SheathMorphometrics *self);

/* Pixels of axon, and of myelin outside axons, in the whole image. */
void                _sheath_morphometrics_get_pixel_counts (SheathMorphometrics *self,
                                                            guint64             *axon,
                                                            guint64             *myelin);

G_END_DECLS
