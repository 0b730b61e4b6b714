/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Numbers drawn into RGB rows as they are written, so that an index image
 * of any size needs no full-size buffer: a 5×7 bitmap font scaled by an
 * integer, yellow on a dark box, centred on a point. */
typedef struct _SheathDigitLabels SheathDigitLabels;

SheathDigitLabels *_sheath_digit_labels_new      (guint               scale);
void               _sheath_digit_labels_free     (SheathDigitLabels  *self);
void               _sheath_digit_labels_add      (SheathDigitLabels  *self,
                                                  guint               number,
                                                  double              cx,
                                                  double              cy);
void               _sheath_digit_labels_prepare  (SheathDigitLabels  *self);
/* Rows must be drawn in increasing order. */
void               _sheath_digit_labels_draw_row (SheathDigitLabels  *self,
                                                  guint               y,
                                                  guint8             *rgb,
                                                  guint               width);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SheathDigitLabels, _sheath_digit_labels_free)

G_END_DECLS
