/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SHEATH_TYPE_STUDY_ROW (sheath_study_row_get_type ())

G_DECLARE_FINAL_TYPE (SheathStudyRow, sheath_study_row, SHEATH, STUDY_ROW, GObject)

SheathStudyRow *sheath_study_row_new      (guint               index,
                                           const char * const *cells);
guint           sheath_study_row_get_index (SheathStudyRow    *self);
const char     *sheath_study_row_get_cell  (SheathStudyRow    *self,
                                            guint              column);

G_END_DECLS
