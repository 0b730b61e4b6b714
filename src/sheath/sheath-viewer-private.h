/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-slide-tiles.h"
#include "sheath-tile-cache.h"
#include "sheath-viewer.h"

G_BEGIN_DECLS

#define MIN_ZOOM (1.0 / 256)
#define MAX_ZOOM 32.0

struct _SheathViewer
{
  GtkWidget           parent_instance;

  SheathImage        *image;
  SheathSegmentation *segmentation;
  GdkTexture         *preview;          /* the rows decoded so far, before the image is whole */
  guint               preview_width;    /* the image's size, which the preview stands for */
  guint               preview_height;
  SheathTileCache    *tiles;
  SheathSlideTiles   *slide;            /* a slide shown from its levels, instead of an image */
  GdkTexture         *map;              /* a map of measurements over it, stretched */
  double              map_width;        /* over this many slide pixels */
  double              map_height;
  guint               slide_tiles_missing;   /* in the last frame */
  SheathRegions      *regions;          /* outlined over a slide */

  double              zoom;
  double              origin_x;         /* image coordinates at the widget's top left */
  double              origin_y;
  gboolean            fit_pending;
  gboolean            fitted;       /* fitted, not zoomed since: a resize fits again */
  gboolean            overlay_visible;
  double              overlay_opacity;
  gboolean            outlines;
  gboolean            numbers;
  SheathMorphometrics *morphometrics;

  gboolean            editing;          /* the primary button edits, others pan */
  double              brush_radius;     /* image pixels; 0: no brush outline */
  GArray             *path;             /* doubles x, y: a lasso or line being drawn */
  gboolean            path_closed;
  gboolean            pointer_inside;
  double              edit_start_x;
  double              edit_start_y;

  double              drag_origin_x;
  double              drag_origin_y;
  double              pinch_zoom;
  double              pointer_x;
  double              pointer_y;
  GArray             *highlight;        /* int boxes: x0, y0, x1, y1 */
};

/* sheath-viewer.c */
gboolean _sheath_viewer_has_content   (SheathViewer   *self);
guint    _sheath_viewer_get_width     (SheathViewer   *self);
guint    _sheath_viewer_get_height    (SheathViewer   *self);
void _sheath_viewer_clamp_origin      (SheathViewer   *self);
void _sheath_viewer_zoom_about        (SheathViewer   *self,
                                       double          zoom,
                                       double          wx,
                                       double          wy);

/* sheath-viewer-input.c */
void _sheath_viewer_class_init_input  (GtkWidgetClass *widget_class);
void _sheath_viewer_init_input        (SheathViewer   *self);

G_END_DECLS
