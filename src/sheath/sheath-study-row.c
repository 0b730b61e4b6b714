/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "sheath-study-row.h"

/* A row of the study window's tables: an image, or a subject, as text
 * cells; @index is the image's in the study, or the subject's row. A row
 * that changes is replaced in its list, not changed. */
struct _SheathStudyRow
{
  GObject  parent_instance;

  guint    index;
  GStrv    cells;
  guint    n_cells;
};

G_DEFINE_FINAL_TYPE (SheathStudyRow, sheath_study_row, G_TYPE_OBJECT)

static void
sheath_study_row_finalize (GObject *object)
{
  SheathStudyRow *self = SHEATH_STUDY_ROW (object);

  g_strfreev (self->cells);

  G_OBJECT_CLASS (sheath_study_row_parent_class)->finalize (object);
}

static void
sheath_study_row_class_init (SheathStudyRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sheath_study_row_finalize;
}

static void
sheath_study_row_init (SheathStudyRow *self)
{
}

SheathStudyRow *
sheath_study_row_new (guint               index,
                      const char * const *cells)
{
  SheathStudyRow *self = g_object_new (SHEATH_TYPE_STUDY_ROW, NULL);

  self->index = index;
  self->cells = g_strdupv ((char **) cells);
  self->n_cells = self->cells ? g_strv_length (self->cells) : 0;
  return self;
}

guint
sheath_study_row_get_index (SheathStudyRow *self)
{
  g_return_val_if_fail (SHEATH_IS_STUDY_ROW (self), 0);
  return self->index;
}

/* the cell's text, "" past the row's end */
const char *
sheath_study_row_get_cell (SheathStudyRow *self,
                           guint           column)
{
  g_return_val_if_fail (SHEATH_IS_STUDY_ROW (self), "");
  return column < self->n_cells ? self->cells[column] : "";
}
