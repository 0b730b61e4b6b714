/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <sheath.h>

G_BEGIN_DECLS

#define SHEATH_TYPE_STUDY_RUN (sheath_study_run_get_type ())

G_DECLARE_FINAL_TYPE (SheathStudyRun, sheath_study_run, SHEATH, STUDY_RUN, GObject)

/* where an image of the study stands */
typedef enum
{
  SHEATH_STUDY_RUN_CHECKING,     /* not known yet: its checksum is being read */
  SHEATH_STUDY_RUN_TO_DO,
  SHEATH_STUDY_RUN_QUEUED,
  SHEATH_STUDY_RUN_SEGMENTING,
  SHEATH_STUDY_RUN_DONE,
  SHEATH_STUDY_RUN_CORRECTED,
  SHEATH_STUDY_RUN_FAILED,
} SheathStudyRunState;

char               *sheath_study_run_dup_default_root (const char      *source);
SheathStudyRun     *sheath_study_run_open          (const char          *source,
                                                    const char          *root,
                                                    GError             **error);
SheathStudy        *sheath_study_run_get_study     (SheathStudyRun      *self);
const char         *sheath_study_run_get_root      (SheathStudyRun      *self);
const char         *sheath_study_run_get_model_name (SheathStudyRun     *self);
SheathStudyRunState sheath_study_run_get_state     (SheathStudyRun      *self,
                                                    guint                index);
const char         *sheath_study_run_get_failure   (SheathStudyRun      *self,
                                                    guint                index);
int                 sheath_study_run_find_image    (SheathStudyRun      *self,
                                                    const char          *path);
char               *sheath_study_run_dup_masks_folder (SheathStudyRun   *self,
                                                       guint             index);
void                sheath_study_run_set_root      (SheathStudyRun      *self,
                                                    const char          *root);
gboolean            sheath_study_run_get_segmenting (SheathStudyRun     *self);
gboolean            sheath_study_run_get_busy      (SheathStudyRun      *self);
double              sheath_study_run_get_fraction  (SheathStudyRun      *self);
const char         *sheath_study_run_get_message   (SheathStudyRun      *self);
const char         *sheath_study_run_get_group_by  (SheathStudyRun      *self);
void                sheath_study_run_set_group_by  (SheathStudyRun      *self,
                                                    const char          *column);
void                sheath_study_run_set_model     (SheathStudyRun      *self,
                                                    SheathModel         *model,
                                                    const char          *model_name);
gboolean            sheath_study_run_segment_all   (SheathStudyRun      *self,
                                                    GError             **error);
void                sheath_study_run_cancel        (SheathStudyRun      *self);
void                sheath_study_run_remeasure     (SheathStudyRun      *self,
                                                    guint                index);
GPtrArray          *sheath_study_run_get_table     (SheathStudyRun      *self,
                                                    SheathStudyTable     table);

G_END_DECLS
