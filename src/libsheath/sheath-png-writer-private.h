/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Fills one row (width × channels samples of bit_depth bits, host order)
 * of an image being written. */
typedef void (*SheathRowFunc) (guint     y,
                               gpointer  row,
                               gpointer  user_data);

/* Writes a gray (1 channel) or RGB (3) PNG to a new hidden temporary file in @dir and returns its
 * path; nothing is left behind on failure. Rename it into place with
 * _sheath_commit_files() once every file of a set is written. */
char     *_sheath_png_write_temp   (const char     *dir,
                                    const char     *basename,
                                    guint           width,
                                    guint           height,
                                    guint           bit_depth,
                                    guint           channels,
                                    SheathRowFunc   row_func,
                                    gpointer        user_data,
                                    GError        **error);

/* One PNG, written beside @path and renamed onto it. */
gboolean  _sheath_png_write_atomic (const char     *path,
                                    guint           width,
                                    guint           height,
                                    guint           bit_depth,
                                    guint           channels,
                                    SheathRowFunc   row_func,
                                    gpointer        user_data,
                                    GError        **error);

/* Renames temp_paths[i] to final_paths[i]; on failure removes the temporary
 * files that remain. */
gboolean  _sheath_commit_files     (char          **temp_paths,
                                    char          **final_paths,
                                    guint           n_files,
                                    GError        **error);

void      _sheath_discard_files    (char          **temp_paths,
                                    guint           n_files);

G_END_DECLS
