/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(SHEATH_INSIDE) && !defined(SHEATH_COMPILATION)
# error "Only <sheath.h> can be included directly."
#endif

#include <gio/gio.h>

#include "sheath-version.h"

#include "sheath-image.h"
#include "sheath-slide.h"
#include "sheath-model.h"
#include "sheath-segmentation.h"

G_BEGIN_DECLS

#define SHEATH_TYPE_SEGMENTER (sheath_segmenter_get_type ())

SHEATH_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SheathSegmenter, sheath_segmenter, SHEATH, SEGMENTER, GObject)

SHEATH_AVAILABLE_IN_ALL
SheathSegmenter    *sheath_segmenter_new             (SheathModel          *model);
SHEATH_AVAILABLE_IN_ALL
SheathModel        *sheath_segmenter_get_model       (SheathSegmenter      *self);
SHEATH_AVAILABLE_IN_ALL
guint               sheath_segmenter_get_n_threads   (SheathSegmenter      *self);
SHEATH_AVAILABLE_IN_ALL
void                sheath_segmenter_set_n_threads   (SheathSegmenter      *self,
                                                      guint                 n_threads);
SHEATH_AVAILABLE_IN_ALL
guint               sheath_segmenter_get_tile_size   (SheathSegmenter      *self);
SHEATH_AVAILABLE_IN_ALL
void                sheath_segmenter_set_tile_size   (SheathSegmenter      *self,
                                                      guint                 tile_size);
SHEATH_AVAILABLE_IN_ALL
guint               sheath_segmenter_get_tile_margin (SheathSegmenter      *self);
SHEATH_AVAILABLE_IN_ALL
void                sheath_segmenter_set_tile_margin (SheathSegmenter      *self,
                                                      guint                 tile_margin);
SHEATH_AVAILABLE_IN_ALL
double              sheath_segmenter_get_fraction    (SheathSegmenter      *self);
SHEATH_AVAILABLE_IN_ALL
char               *sheath_segmenter_dup_message     (SheathSegmenter      *self);
SHEATH_AVAILABLE_IN_ALL
SheathSegmentation *sheath_segmenter_segment         (SheathSegmenter      *self,
                                                      SheathImage          *image,
                                                      GCancellable         *cancellable,
                                                      GError              **error);
SHEATH_AVAILABLE_IN_ALL
void                sheath_segmenter_segment_async   (SheathSegmenter      *self,
                                                      SheathImage          *image,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
SHEATH_AVAILABLE_IN_ALL
SheathSegmentation *sheath_segmenter_segment_finish  (SheathSegmenter      *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_segmenter_segment_slide        (SheathSegmenter      *self,
                                                           SheathSlide          *slide,
                                                           double                pixel_size,
                                                           const char           *dir,
                                                           const char           *stem,
                                                           gboolean              resume,
                                                           GCancellable         *cancellable,
                                                           GError              **error);
SHEATH_AVAILABLE_IN_ALL
void                sheath_segmenter_segment_slide_async  (SheathSegmenter      *self,
                                                           SheathSlide          *slide,
                                                           double                pixel_size,
                                                           const char           *dir,
                                                           const char           *stem,
                                                           gboolean              resume,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_segmenter_segment_slide_finish (SheathSegmenter      *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

G_END_DECLS
