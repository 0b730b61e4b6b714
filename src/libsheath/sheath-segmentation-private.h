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

G_END_DECLS
