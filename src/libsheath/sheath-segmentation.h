/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(SHEATH_INSIDE) && !defined(SHEATH_COMPILATION)
# error "Only <sheath.h> can be included directly."
#endif

#include <gio/gio.h>

#include "sheath-version.h"

G_BEGIN_DECLS

#define SHEATH_TYPE_SEGMENTATION (sheath_segmentation_get_type ())

SHEATH_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SheathSegmentation, sheath_segmentation, SHEATH, SEGMENTATION, GObject)

/**
 * SheathLabel:
 * @SHEATH_LABEL_BACKGROUND: neither axon nor myelin
 * @SHEATH_LABEL_MYELIN: myelin
 * @SHEATH_LABEL_AXON: axon (of a myelinated fibre)
 * @SHEATH_LABEL_UNMYELINATED_AXON: an axon without myelin, from models with
 *   a `uaxon` class
 * @SHEATH_LABEL_OTHER: the first class Sheath does not know: label
 *   %SHEATH_LABEL_OTHER + k is the k-th of sheath_segmentation_get_other_classes()
 *
 * The class of a pixel in a segmentation.
 */
typedef enum
{
  SHEATH_LABEL_BACKGROUND = 0,
  SHEATH_LABEL_MYELIN = 1,
  SHEATH_LABEL_AXON = 2,
  SHEATH_LABEL_UNMYELINATED_AXON = 3,
  SHEATH_LABEL_OTHER = 4,
} SheathLabel;

SHEATH_AVAILABLE_IN_ALL
void                sheath_label_get_colour            (SheathLabel          label,
                                                        guint8              *red,
                                                        guint8              *green,
                                                        guint8              *blue);

SHEATH_AVAILABLE_IN_ALL
SheathSegmentation *sheath_segmentation_new            (guint                width,
                                                        guint                height);
SHEATH_AVAILABLE_IN_ALL
SheathSegmentation *sheath_segmentation_new_from_masks (GFile               *axon_mask,
                                                        GFile               *myelin_mask,
                                                        GError             **error);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_segmentation_add_mask       (SheathSegmentation  *self,
                                                        GFile               *mask,
                                                        SheathLabel          label,
                                                        GError             **error);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_segmentation_get_unmyelinated (SheathSegmentation *self);
SHEATH_AVAILABLE_IN_ALL
const char * const *sheath_segmentation_get_other_classes (SheathSegmentation *self);
SHEATH_AVAILABLE_IN_ALL
void                sheath_segmentation_set_unmyelinated (SheathSegmentation *self,
                                                          gboolean            unmyelinated);
SHEATH_AVAILABLE_IN_ALL
guint               sheath_segmentation_get_width      (SheathSegmentation  *self);
SHEATH_AVAILABLE_IN_ALL
guint               sheath_segmentation_get_height     (SheathSegmentation  *self);
SHEATH_AVAILABLE_IN_ALL
SheathLabel         sheath_segmentation_get_label      (SheathSegmentation  *self,
                                                        guint                x,
                                                        guint                y);
SHEATH_AVAILABLE_IN_ALL
void                sheath_segmentation_set_label      (SheathSegmentation  *self,
                                                        guint                x,
                                                        guint                y,
                                                        SheathLabel          label);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_segmentation_has_confidence (SheathSegmentation  *self);
SHEATH_AVAILABLE_IN_ALL
double              sheath_segmentation_get_confidence (SheathSegmentation  *self,
                                                        guint                x,
                                                        guint                y);
SHEATH_AVAILABLE_IN_ALL
guint64             sheath_segmentation_count          (SheathSegmentation  *self,
                                                        SheathLabel          label);
SHEATH_AVAILABLE_IN_ALL
SheathSegmentation *sheath_segmentation_copy           (SheathSegmentation  *self,
                                                        GError             **error);
SHEATH_AVAILABLE_IN_ALL
const guint8       *sheath_segmentation_peek_row      (SheathSegmentation  *self,
                                                        guint                y);
SHEATH_AVAILABLE_IN_ALL
GBytes             *sheath_segmentation_dup_labels     (SheathSegmentation  *self);
SHEATH_AVAILABLE_IN_ALL
char               *sheath_segmentation_dup_stem       (GFile               *image);
SHEATH_AVAILABLE_IN_ALL
void                sheath_segmentation_set_rows       (SheathSegmentation  *self,
                                                        guint                first_row,
                                                        GBytes              *labels);
SHEATH_AVAILABLE_IN_ALL
char               *sheath_segmentation_dup_mask_path  (const char          *dir,
                                                        const char          *stem,
                                                        const char          *kind);
SHEATH_AVAILABLE_IN_ALL
char               *sheath_segmentation_dup_manual_mask_path (const char    *dir,
                                                              const char    *stem,
                                                              const char    *kind);
SHEATH_AVAILABLE_IN_ALL
GFile              *sheath_segmentation_dup_myelin_mask_for (GFile          *axon_mask,
                                                             GError        **error);
SHEATH_AVAILABLE_IN_ALL
GFile              *sheath_segmentation_dup_mask_for   (GFile               *axon_mask,
                                                        const char          *kind,
                                                        GError             **error);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_segmentation_add_unmyelinated_beside (SheathSegmentation *self,
                                                                 GFile              *axon_mask,
                                                                 GError            **error);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_segmentation_save_ome_tiff (SheathSegmentation  *self,
                                                       const char          *dir,
                                                       const char          *stem,
                                                       double               pixel_size,
                                                       GError             **error);
SHEATH_AVAILABLE_IN_ALL
SheathSegmentation *sheath_segmentation_new_from_axonmyelin (GFile          *map,
                                                             GError        **error);
SHEATH_AVAILABLE_IN_ALL
SheathSegmentation *sheath_segmentation_new_from_map_area (GFile            *map,
                                                           guint64           x,
                                                           guint64           y,
                                                           guint             width,
                                                           guint             height,
                                                           GError          **error);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_segmentation_write_into_map (SheathSegmentation  *self,
                                                        GFile               *map,
                                                        guint64              x,
                                                        guint64              y,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_segmentation_save           (SheathSegmentation  *self,
                                                        const char          *dir,
                                                        const char          *stem,
                                                        GError             **error);

G_END_DECLS
