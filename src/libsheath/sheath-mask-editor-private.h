/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-mask-editor.h"

G_BEGIN_DECLS

#define TILE           64
#define TILE_BYTES     (TILE * TILE)
#define HISTORY_LIMIT  ((gsize) 256 * 1024 * 1024)

typedef struct
{
  guint   tile;
  guint8 *before;
  guint8 *after;
} TileChange;

typedef struct
{
  GArray *changes;       /* TileChange */
  int     x0, y0, x1, y1; /* the pixels it touched, x1 and y1 excluded */
} Edit;

struct _SheathMaskEditor
{
  GObject             parent_instance;

  SheathSegmentation *segmentation;
  guint               width;
  guint               height;
  guint               tiles_x;

  GPtrArray          *history;       /* Edit, oldest first */
  guint               n_applied;     /* history[0, n_applied) is applied, the rest can be redone */
  gsize               history_bytes;

  Edit               *stroke;        /* being drawn, or NULL */
  GHashTable         *stroke_tiles;  /* tile → 1 + its index in stroke->changes */
};

/* sheath-mask-editor.c */
void _sheath_mask_editor_save_tile (SheathMaskEditor *self,
                                   guint             tile);
/* a tile of the masks to @buffer, or back from it */
void _sheath_mask_editor_copy_tile (SheathMaskEditor *self,
                                   guint             tile,
                                   guint8           *buffer,
                                   gboolean          to_buffer);
void _sheath_mask_editor_edit_free (gpointer          data);

G_END_DECLS
