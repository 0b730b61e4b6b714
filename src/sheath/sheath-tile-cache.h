/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <sheath.h>

G_BEGIN_DECLS

/* the side of a tile, in pixels of its level */
#define SHEATH_TILE_SIZE 256

#define SHEATH_TYPE_TILE_CACHE (sheath_tile_cache_get_type ())

G_DECLARE_FINAL_TYPE (SheathTileCache, sheath_tile_cache, SHEATH, TILE_CACHE, GObject)

SheathTileCache *sheath_tile_cache_new               (void);
void             sheath_tile_cache_set_image         (SheathTileCache    *self,
                                                      SheathImage        *image);
void             sheath_tile_cache_set_segmentation  (SheathTileCache    *self,
                                                      SheathSegmentation *segmentation);
void             sheath_tile_cache_set_outlines      (SheathTileCache    *self,
                                                      gboolean            outlines);
guint            sheath_tile_cache_get_max_level     (SheathTileCache    *self);
guint            sheath_tile_cache_get_level_width   (SheathTileCache    *self,
                                                      guint               level);
guint            sheath_tile_cache_get_level_height  (SheathTileCache    *self,
                                                      guint               level);
GdkTexture      *sheath_tile_cache_get_tile          (SheathTileCache    *self,
                                                      guint               level,
                                                      guint               tx,
                                                      guint               ty,
                                                      gboolean            overlay);
void             sheath_tile_cache_invalidate_labels (SheathTileCache    *self,
                                                      int                 x,
                                                      int                 y,
                                                      int                 width,
                                                      int                 height);
guint            sheath_tile_cache_get_n_textures    (SheathTileCache    *self);

G_END_DECLS
