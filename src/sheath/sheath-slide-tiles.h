/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <sheath.h>

G_BEGIN_DECLS

/**
 * SheathSlideLayer:
 * @SHEATH_SLIDE_LAYER_IMAGE: the slide's pixels, in grey
 * @SHEATH_SLIDE_LAYER_LABELS: its labels' colours, transparent background
 *
 * What a slide tile shows.
 */
typedef enum
{
  SHEATH_SLIDE_LAYER_IMAGE,
  SHEATH_SLIDE_LAYER_LABELS,
} SheathSlideLayer;

#define SHEATH_TYPE_SLIDE_TILES (sheath_slide_tiles_get_type ())

G_DECLARE_FINAL_TYPE (SheathSlideTiles, sheath_slide_tiles, SHEATH, SLIDE_TILES, GObject)

SheathSlideTiles *sheath_slide_tiles_new                 (GFile             *file,
                                                          GError           **error);
guint             sheath_slide_tiles_get_width           (SheathSlideTiles  *self);
guint             sheath_slide_tiles_get_height          (SheathSlideTiles  *self);
double            sheath_slide_tiles_get_pixel_size      (SheathSlideTiles  *self);
void              sheath_slide_tiles_set_pixel_size      (SheathSlideTiles  *self,
                                                          double             pixel_size);
guint             sheath_slide_tiles_get_max_level       (SheathSlideTiles  *self);
guint             sheath_slide_tiles_get_level_width     (SheathSlideTiles  *self,
                                                          guint              level);
guint             sheath_slide_tiles_get_level_height    (SheathSlideTiles  *self,
                                                          guint              level);
gboolean          sheath_slide_tiles_set_label_map       (SheathSlideTiles  *self,
                                                          GFile             *map,
                                                          GError           **error);
void              sheath_slide_tiles_start_labels        (SheathSlideTiles  *self);
void              sheath_slide_tiles_add_label_rows      (SheathSlideTiles  *self,
                                                          guint              first_row,
                                                          guint              n_rows,
                                                          GBytes            *labels);
gboolean          sheath_slide_tiles_has_labels          (SheathSlideTiles  *self);
guint             sheath_slide_tiles_get_label_level     (SheathSlideTiles  *self);
void              sheath_slide_tiles_begin_frame         (SheathSlideTiles  *self);
GdkTexture       *sheath_slide_tiles_lookup              (SheathSlideTiles  *self,
                                                          SheathSlideLayer   layer,
                                                          guint              level,
                                                          guint              tx,
                                                          guint              ty);
GdkTexture       *sheath_slide_tiles_peek                (SheathSlideTiles  *self,
                                                          SheathSlideLayer   layer,
                                                          guint              level,
                                                          guint              tx,
                                                          guint              ty);
guint             sheath_slide_tiles_get_n_textures      (SheathSlideTiles  *self);

G_END_DECLS
