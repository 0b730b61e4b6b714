/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A table of named columns whose cells are text or numbers, written as CSV
 * or as an Excel workbook (libxlsxwriter), each whole or not at all. */
typedef struct _SheathTable SheathTable;

SheathTable *_sheath_table_new         (const char * const *columns);
void         _sheath_table_free        (SheathTable        *table);
guint        _sheath_table_add_row     (SheathTable        *table);
void         _sheath_table_set_text    (SheathTable        *table,
                                        guint               row,
                                        guint               column,
                                        const char         *text);
void         _sheath_table_set_number  (SheathTable        *table,
                                        guint               row,
                                        guint               column,
                                        double              value);
const char * const *
             _sheath_table_get_columns (SheathTable        *table);
guint        _sheath_table_get_n_rows  (SheathTable        *table);
char        *_sheath_table_dup_cell    (SheathTable        *table,
                                        guint               row,
                                        guint               column);
double       _sheath_table_get_number  (SheathTable        *table,
                                        guint               row,
                                        guint               column);
gboolean     _sheath_table_write_csv   (SheathTable        *table,
                                        const char         *path,
                                        GError            **error);
gboolean     _sheath_table_write_xlsx  (SheathTable        *table,
                                        const char         *path,
                                        const char         *sheet,
                                        GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SheathTable, _sheath_table_free)

G_END_DECLS
