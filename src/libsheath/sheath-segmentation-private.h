/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-segmentation.h"

G_BEGIN_DECLS

SheathSegmentation *_sheath_segmentation_try_new (guint     width,
                                                  guint     height,
                                                  GError  **error);
guint8             *_sheath_segmentation_get_row (SheathSegmentation *self,
                                                  guint               y);
/* The names of the classes Sheath does not know, labels SHEATH_LABEL_OTHER
 * and on. */
void                _sheath_segmentation_set_other_classes  (SheathSegmentation  *self,
                                                             const char * const  *names);

/* The confidence plane (0–255 per pixel), made on demand; a row of it, or
 * NULL when there is none. */
gboolean            _sheath_segmentation_ensure_confidence  (SheathSegmentation  *self,
                                                             GError             **error);
guint8             *_sheath_segmentation_get_confidence_row (SheathSegmentation  *self,
                                                             guint                y);
/* Every class's probability, 0–255, [classes][height][width]: made for a
 * segmenter to fill when asked (calibration), NULL otherwise. */
gboolean            _sheath_segmentation_keep_probabilities (SheathSegmentation  *self,
                                                             guint                n_classes,
                                                             GError             **error);
guint8             *_sheath_segmentation_get_probabilities  (SheathSegmentation  *self,
                                                             guint               *n_classes);

/* sheath-segmentation-ome.c: the value @label has in a map of
 * AxonDeepSeg's values (@map_label -1: 0/127/255 axonmyelin), or in the
 * 0/255 mask of @map_label */
guint8              _sheath_segmentation_map_value          (guint8               label,
                                                             int                  map_label);
/* ... and back: the label a value of such a map (of @max, 255 or 65535)
 * stands for, a value nearer 127 than 0 or 255 being myelin */
static inline guint8
_sheath_segmentation_label_for_value (guint value,
                                      guint max)
{
  return value * 4 > max * 3 ? SHEATH_LABEL_AXON : value * 4 > max ? SHEATH_LABEL_MYELIN : SHEATH_LABEL_BACKGROUND;
}
/* The STEM_seg-uaxon.ome.tif beside a STEM_seg-axonmyelin.ome.tif map, or
 * NULL where @map is not so named or there is none. */
GFile              *_sheath_segmentation_dup_uaxon_map_for  (GFile               *map);

/* sheath-segmentation.c: a segmentation of @self's size whose axons are
 * @label's pixels, all else background (a class measured as axons are) */
SheathSegmentation *_sheath_segmentation_dup_label_as_axons (SheathSegmentation  *self,
                                                             guint8               label,
                                                             GError             **error);

G_END_DECLS
