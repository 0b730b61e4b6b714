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
