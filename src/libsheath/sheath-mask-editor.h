/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(SHEATH_INSIDE) && !defined(SHEATH_COMPILATION)
# error "Only <sheath.h> can be included directly."
#endif

#include "sheath-morphometrics.h"
#include "sheath-segmentation.h"

G_BEGIN_DECLS

/**
 * SheathBrushMode:
 * @SHEATH_BRUSH_PAINT: set the pixels under the brush to the label
 * @SHEATH_BRUSH_ERASE: turn the pixels of the label under the brush into
 *   background, leaving the other class alone
 * @SHEATH_BRUSH_CUT: turn every pixel under the brush into background, as
 *   a line drawn to split two touching fibres does
 *
 * What a brush stroke does to the pixels it covers.
 */
typedef enum
{
  SHEATH_BRUSH_PAINT,
  SHEATH_BRUSH_ERASE,
  SHEATH_BRUSH_CUT,
} SheathBrushMode;

#define SHEATH_TYPE_MASK_EDITOR (sheath_mask_editor_get_type ())

SHEATH_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SheathMaskEditor, sheath_mask_editor, SHEATH, MASK_EDITOR, GObject)

SHEATH_AVAILABLE_IN_ALL
SheathMaskEditor   *sheath_mask_editor_new              (SheathSegmentation *segmentation);
SHEATH_AVAILABLE_IN_ALL
SheathSegmentation *sheath_mask_editor_get_segmentation (SheathMaskEditor   *self);
SHEATH_AVAILABLE_IN_ALL
void                sheath_mask_editor_begin_stroke     (SheathMaskEditor   *self);
SHEATH_AVAILABLE_IN_ALL
void                sheath_mask_editor_stroke_to        (SheathMaskEditor   *self,
                                                         double              x0,
                                                         double              y0,
                                                         double              x1,
                                                         double              y1,
                                                         double              radius,
                                                         SheathLabel         label,
                                                         SheathBrushMode     mode);
SHEATH_AVAILABLE_IN_ALL
void                sheath_mask_editor_end_stroke       (SheathMaskEditor   *self);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_mask_editor_fill             (SheathMaskEditor   *self,
                                                         guint               x,
                                                         guint               y,
                                                         SheathLabel         label,
                                                         GError            **error);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_mask_editor_fill_polygon     (SheathMaskEditor   *self,
                                                         const double       *points,
                                                         guint               n_coords,
                                                         SheathLabel         label,
                                                         SheathBrushMode     mode);
SHEATH_AVAILABLE_IN_ALL
guint64             sheath_mask_editor_fill_axons       (SheathMaskEditor   *self);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_mask_editor_delete_axon      (SheathMaskEditor   *self,
                                                         SheathMorphometrics *morphometrics,
                                                         guint               id,
                                                         GError            **error);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_mask_editor_merge_axons      (SheathMaskEditor   *self,
                                                         SheathMorphometrics *morphometrics,
                                                         guint               first,
                                                         guint               second,
                                                         GError            **error);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_mask_editor_replace          (SheathMaskEditor   *self,
                                                         SheathSegmentation *source,
                                                         GError            **error);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_mask_editor_can_undo         (SheathMaskEditor   *self);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_mask_editor_can_redo         (SheathMaskEditor   *self);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_mask_editor_undo             (SheathMaskEditor   *self);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_mask_editor_redo             (SheathMaskEditor   *self);
SHEATH_AVAILABLE_IN_ALL
gsize               sheath_mask_editor_get_history_bytes (SheathMaskEditor  *self);

G_END_DECLS
