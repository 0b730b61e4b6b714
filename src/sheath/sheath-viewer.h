/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <sheath.h>

#include "sheath-slide-tiles.h"

G_BEGIN_DECLS

#define SHEATH_TYPE_VIEWER (sheath_viewer_get_type ())

G_DECLARE_FINAL_TYPE (SheathViewer, sheath_viewer, SHEATH, VIEWER, GtkWidget)

GtkWidget          *sheath_viewer_new                 (void);
SheathImage        *sheath_viewer_get_image           (SheathViewer       *self);
void                sheath_viewer_set_image           (SheathViewer       *self,
                                                       SheathImage        *image);
SheathSegmentation *sheath_viewer_get_segmentation    (SheathViewer       *self);
void                sheath_viewer_set_segmentation    (SheathViewer       *self,
                                                       SheathSegmentation *segmentation);
double              sheath_viewer_get_zoom            (SheathViewer       *self);
void                sheath_viewer_set_zoom            (SheathViewer       *self,
                                                       double              zoom);
void                sheath_viewer_zoom_to_fit         (SheathViewer       *self);
gboolean            sheath_viewer_get_overlay_visible (SheathViewer       *self);
void                sheath_viewer_set_overlay_visible (SheathViewer       *self,
                                                       gboolean            visible);
double              sheath_viewer_get_overlay_opacity (SheathViewer       *self);
void                sheath_viewer_set_overlay_opacity (SheathViewer       *self,
                                                       double              opacity);
guint               sheath_viewer_get_n_cached_textures (SheathViewer     *self);
void                sheath_viewer_set_highlight       (SheathViewer       *self,
                                                       const int          *boxes,
                                                       guint               n_boxes);
void                sheath_viewer_invalidate_labels   (SheathViewer       *self,
                                                       int                 x,
                                                       int                 y,
                                                       int                 width,
                                                       int                 height);
gboolean            sheath_viewer_get_editing         (SheathViewer       *self);
void                sheath_viewer_set_editing         (SheathViewer       *self,
                                                       gboolean            editing);
void                sheath_viewer_set_brush_radius    (SheathViewer       *self,
                                                       double              radius);
void                sheath_viewer_set_path            (SheathViewer       *self,
                                                       const double       *coords,
                                                       guint               n_coords,
                                                       gboolean            closed);
void                sheath_viewer_set_preview         (SheathViewer       *self,
                                                       GdkTexture         *preview,
                                                       guint               image_width,
                                                       guint               image_height);
gboolean            sheath_viewer_get_showing_preview (SheathViewer       *self);
void                sheath_viewer_center_on           (SheathViewer       *self,
                                                       double              x,
                                                       double              y);
void                sheath_viewer_set_slide           (SheathViewer       *self,
                                                       SheathSlideTiles   *slide);
void                sheath_viewer_set_map             (SheathViewer       *self,
                                                       GdkTexture         *map,
                                                       double              width,
                                                       double              height);
guint               sheath_viewer_get_slide_tiles_missing (SheathViewer *self);
void                sheath_viewer_set_regions         (SheathViewer       *self,
                                                       SheathRegions      *regions);
void           sheath_viewer_get_origin          (SheathViewer    *self,
                                                  double          *x,
                                                  double          *y);

G_END_DECLS
