/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A tab-separated table, as BIDS keeps participants.tsv and samples.tsv:
 * a header row, then rows of as many fields. */
typedef struct
{
  char      **header;   /* NULL-terminated */
  GPtrArray  *rows;     /* char ** of g_strv_length (header) fields */
} SheathTsv;

SheathTsv  *_sheath_tsv_read        (const char  *path,
                                     GError     **error);
void        _sheath_tsv_free        (SheathTsv   *tsv);
int         _sheath_tsv_column      (SheathTsv   *tsv,
                                     const char  *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SheathTsv, _sheath_tsv_free)

G_END_DECLS
