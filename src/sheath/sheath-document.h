/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <sheath.h>

G_BEGIN_DECLS

#define SHEATH_TYPE_DOCUMENT (sheath_document_get_type ())

G_DECLARE_FINAL_TYPE (SheathDocument, sheath_document, SHEATH, DOCUMENT, GObject)

SheathDocument      *sheath_document_new                (GFile           *file,
                                                         GSettings       *settings);
GFile               *sheath_document_get_file           (SheathDocument  *self);
SheathImage         *sheath_document_get_image          (SheathDocument  *self);
SheathSegmentation  *sheath_document_get_segmentation   (SheathDocument  *self);
SheathSegmentation  *sheath_document_get_partial        (SheathDocument  *self);
SheathMorphometrics *sheath_document_get_morphometrics  (SheathDocument  *self);
SheathAggregates    *sheath_document_get_aggregates     (SheathDocument  *self);
SheathMaskEditor    *sheath_document_get_editor         (SheathDocument  *self);
gboolean             sheath_document_get_busy           (SheathDocument  *self);
double               sheath_document_get_busy_seconds   (SheathDocument  *self);
double               sheath_document_get_fraction       (SheathDocument  *self);
const char          *sheath_document_get_message        (SheathDocument  *self);
gboolean             sheath_document_get_measuring      (SheathDocument  *self);
gboolean             sheath_document_get_modified       (SheathDocument  *self);
gboolean             sheath_document_set_pixel_size     (SheathDocument  *self,
                                                         double           pixel_size,
                                                         GError         **error);
void                 sheath_document_segment            (SheathDocument  *self,
                                                         SheathModel     *model);
void                 sheath_document_cancel             (SheathDocument  *self);
const char          *sheath_document_get_model_key      (SheathDocument  *self);
void                 sheath_document_set_model_key      (SheathDocument  *self,
                                                         const char      *key);
gboolean             sheath_document_save_masks         (SheathDocument  *self,
                                                         const char      *dir,
                                                         GError         **error);
gboolean             sheath_document_load_masks         (SheathDocument  *self,
                                                         GFile           *axon_mask,
                                                         GError         **error);
const char          *sheath_document_get_masks_folder   (SheathDocument  *self);
void                 sheath_document_set_masks_folder   (SheathDocument  *self,
                                                         const char      *folder);
const guint         *sheath_document_get_selection      (SheathDocument  *self,
                                                         guint           *n);
void                 sheath_document_select_axons       (SheathDocument  *self,
                                                         const guint     *ids,
                                                         guint            n);
gboolean             sheath_document_can_edit_axons     (SheathDocument  *self);
gboolean             sheath_document_delete_selected    (SheathDocument  *self,
                                                         guint           *n_deleted,
                                                         GError         **error);
gboolean             sheath_document_merge_selected     (SheathDocument  *self,
                                                         GError         **error);
SheathDocument      *sheath_document_new_for_map_area   (GFile           *slide,
                                                         GFile           *map,
                                                         guint64          x,
                                                         guint64          y,
                                                         guint            width,
                                                         guint            height,
                                                         double           pixel_size,
                                                         GSettings       *settings);
GFile               *sheath_document_dup_area_name      (GFile           *slide,
                                                         guint64          x,
                                                         guint64          y,
                                                         guint            width,
                                                         guint            height);
gboolean             sheath_document_parse_area_name    (GFile           *name_file,
                                                         GFile          **slide,
                                                         guint64         *x,
                                                         guint64         *y,
                                                         guint           *width,
                                                         guint           *height);
GFile               *sheath_document_get_map            (SheathDocument  *self);
GFile               *sheath_document_get_name_file      (SheathDocument  *self);
gboolean             sheath_document_get_area           (SheathDocument  *self,
                                                         guint64         *x,
                                                         guint64         *y,
                                                         guint           *width,
                                                         guint           *height);
void                 sheath_document_save_into_map_async (SheathDocument     *self,
                                                          GCancellable       *cancellable,
                                                          GAsyncReadyCallback callback,
                                                          gpointer            user_data);
gboolean             sheath_document_save_into_map_finish (SheathDocument    *self,
                                                           GAsyncResult      *result,
                                                           GError           **error);
gboolean             sheath_document_get_saving         (SheathDocument  *self);
void                 sheath_document_flush_edits        (SheathDocument  *self);
void                 sheath_document_restore_edits      (SheathDocument  *self);
void                 sheath_document_discard_edits      (SheathDocument  *self);

G_END_DECLS
