/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(SHEATH_INSIDE) && !defined(SHEATH_COMPILATION)
# error "Only <sheath.h> can be included directly."
#endif

#include <gio/gio.h>

#include "sheath-morphometrics.h"
#include "sheath-segmenter.h"
#include "sheath-version.h"

G_BEGIN_DECLS

/**
 * SheathStudyStatus:
 * @SHEATH_STUDY_STATUS_TO_DO: not segmented yet, or by another model, or the
 *   image changed since
 * @SHEATH_STUDY_STATUS_DONE: segmented and measured by the model
 * @SHEATH_STUDY_STATUS_CORRECTED: its masks were corrected by hand and
 *   measured again; never segmented again
 *
 * Where an image of a study stands in an output folder.
 */
typedef enum
{
  SHEATH_STUDY_STATUS_TO_DO,
  SHEATH_STUDY_STATUS_DONE,
  SHEATH_STUDY_STATUS_CORRECTED,
} SheathStudyStatus;

/**
 * SheathStudyTable:
 * @SHEATH_STUDY_TABLE_IMAGES: a row per image done (`study.csv`)
 * @SHEATH_STUDY_TABLE_SUBJECTS: a row per subject (`subjects.csv`)
 *
 * The tables sheath_study_collect() makes.
 */
typedef enum
{
  SHEATH_STUDY_TABLE_IMAGES,
  SHEATH_STUDY_TABLE_SUBJECTS,
} SheathStudyTable;

#define SHEATH_TYPE_STUDY (sheath_study_get_type ())

SHEATH_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SheathStudy, sheath_study, SHEATH, STUDY, GObject)

SHEATH_AVAILABLE_IN_ALL
SheathStudy        *sheath_study_new               (void);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_study_add_source        (SheathStudy      *self,
                                                    const char       *path,
                                                    GError          **error);
SHEATH_AVAILABLE_IN_ALL
const char * const *sheath_study_get_sources       (SheathStudy      *self);
SHEATH_AVAILABLE_IN_ALL
SheathStudy        *sheath_study_new_from_manifest (const char       *root,
                                                    char            **model_name,
                                                    GError          **error);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_study_write_manifest    (SheathStudy      *self,
                                                    const char       *root,
                                                    const char       *model_name,
                                                    GError          **error);
SHEATH_AVAILABLE_IN_ALL
void                sheath_study_set_formats       (SheathStudy      *self,
                                                    SheathTableFormat formats);
SHEATH_AVAILABLE_IN_ALL
const char * const *sheath_study_get_warnings      (SheathStudy      *self);
SHEATH_AVAILABLE_IN_ALL
guint               sheath_study_get_n_images      (SheathStudy      *self);
SHEATH_AVAILABLE_IN_ALL
const char         *sheath_study_get_image         (SheathStudy      *self,
                                                    guint             index);
SHEATH_AVAILABLE_IN_ALL
const char         *sheath_study_get_subject       (SheathStudy      *self,
                                                    guint             index);
SHEATH_AVAILABLE_IN_ALL
const char         *sheath_study_get_sample        (SheathStudy      *self,
                                                    guint             index);
SHEATH_AVAILABLE_IN_ALL
const char * const *sheath_study_get_columns       (SheathStudy      *self);
SHEATH_AVAILABLE_IN_ALL
const char         *sheath_study_get_value         (SheathStudy      *self,
                                                    guint             index,
                                                    const char       *column);
SHEATH_AVAILABLE_IN_ALL
char               *sheath_study_dup_output_dir    (SheathStudy      *self,
                                                    guint             index,
                                                    const char       *root);
SHEATH_AVAILABLE_IN_ALL
char               *sheath_study_dup_stem          (SheathStudy      *self,
                                                    guint             index);
SHEATH_AVAILABLE_IN_ALL
char               *sheath_study_dup_checksum      (const char       *path,
                                                    GError          **error);
SHEATH_AVAILABLE_IN_ALL
SheathStudyStatus   sheath_study_get_status        (SheathStudy      *self,
                                                    guint             index,
                                                    const char       *root,
                                                    const char       *model_checksum);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_study_is_done           (SheathStudy      *self,
                                                    guint             index,
                                                    const char       *root,
                                                    const char       *model_checksum);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_study_process           (SheathStudy      *self,
                                                    guint             index,
                                                    SheathSegmenter  *segmenter,
                                                    const char       *model_name,
                                                    const char       *model_checksum,
                                                    const char       *root,
                                                    GCancellable     *cancellable,
                                                    GError          **error);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_study_remeasure         (SheathStudy      *self,
                                                    guint             index,
                                                    const char       *root,
                                                    GCancellable     *cancellable,
                                                    GError          **error);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_study_collect           (SheathStudy      *self,
                                                    const char       *root,
                                                    guint            *n_missing,
                                                    GError          **error);
SHEATH_AVAILABLE_IN_ALL
const char * const *sheath_study_get_table_columns (SheathStudy      *self,
                                                    SheathStudyTable  table);
SHEATH_AVAILABLE_IN_ALL
guint               sheath_study_get_table_n_rows  (SheathStudy      *self,
                                                    SheathStudyTable  table);
SHEATH_AVAILABLE_IN_ALL
char               *sheath_study_dup_table_cell    (SheathStudy      *self,
                                                    SheathStudyTable  table,
                                                    guint             row,
                                                    guint             column);
SHEATH_AVAILABLE_IN_ALL
double              sheath_study_get_table_number  (SheathStudy      *self,
                                                    SheathStudyTable  table,
                                                    guint             row,
                                                    guint             column);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_study_write_statistics  (SheathStudy      *self,
                                                    const char       *root,
                                                    const char       *group_by,
                                                    const double     *bin_edges,
                                                    guint             n_edges,
                                                    GError          **error);
SHEATH_AVAILABLE_IN_ALL
gboolean            sheath_study_write_tables      (SheathStudy      *self,
                                                    const char       *root,
                                                    guint            *n_missing,
                                                    GError          **error);

G_END_DECLS
