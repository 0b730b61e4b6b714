/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A label map written row by row into one tiled, pyramidal OME-TIFF
 * (BigTIFF), holding only a row of tiles per level: the tiles are
 * compressed as their rows complete and appended to a part file beside the
 * output; finishing lays them out as the TIFF, written to a temporary file
 * and renamed. Its state (what the part file holds, the rows of tiles not
 * yet complete) can be saved and a writer resumed from it. */
typedef struct _SheathOmeWriter SheathOmeWriter;

SheathOmeWriter *_sheath_ome_writer_new        (const char       *path,
                                                guint             width,
                                                guint             height,
                                                double            pixel_size,
                                                GError          **error);
/* The same for 1- or 4-byte samples (an instance map), with or without
 * the smaller levels. */
SheathOmeWriter *_sheath_ome_writer_new_full   (const char       *path,
                                                guint             width,
                                                guint             height,
                                                double            pixel_size,
                                                guint             bytes_per_sample,
                                                gboolean          pyramid,
                                                GError          **error);
/* A writer continuing from a state _sheath_ome_writer_save_state() gave
 * for the same path and size. */
SheathOmeWriter *_sheath_ome_writer_resume     (const char       *path,
                                                guint             width,
                                                guint             height,
                                                double            pixel_size,
                                                GVariant         *state,
                                                GError          **error);
/* Asked before a tile of @level is deflated: puts into @packed the tile as
 * it is already deflated elsewhere (a map written again where the tile did
 * not change) and returns TRUE, or returns FALSE to have it deflated. */
typedef gboolean (*SheathOmeTileReuse) (guint       level,
                                        guint       tile_x,
                                        guint       tile_y,
                                        GByteArray *packed,
                                        gpointer    data);
void             _sheath_ome_writer_set_tile_reuse (SheathOmeWriter    *self,
                                                    SheathOmeTileReuse  reuse,
                                                    gpointer            data);
/* Levels are 256² tiles, level k the map subsampled by 2^k. */
guint            _sheath_ome_writer_get_n_levels (SheathOmeWriter *self);
guint            _sheath_ome_writer_get_rows   (SheathOmeWriter  *self);
/* The next row, @width values as they are to be stored (of 1 byte, or 4
 * in the host's order for a writer of 4-byte samples). */
gboolean         _sheath_ome_writer_push_row   (SheathOmeWriter  *self,
                                                const guint8     *row,
                                                GError          **error);
/* Syncs the part file and describes it; NULL with @error set when the
 * part file cannot be synced. */
GVariant        *_sheath_ome_writer_save_state (SheathOmeWriter  *self,
                                                GError          **error);
/* Once every row is pushed: the TIFF written and the part file removed. */
gboolean         _sheath_ome_writer_finish     (SheathOmeWriter  *self,
                                                GError          **error);
/* Keeps the part file when freed unfinished (a run to resume), instead of
 * removing it. */
void             _sheath_ome_writer_keep_part  (SheathOmeWriter  *self);
void             _sheath_ome_writer_free       (SheathOmeWriter  *self);

char            *_sheath_ome_writer_dup_part_path (const char    *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SheathOmeWriter, _sheath_ome_writer_free)

G_END_DECLS
