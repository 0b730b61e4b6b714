/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <sheath.h>

#include "sheath-application.h"
#include "sheath-page.h"
#include "sheath-study-run.h"
#include "sheath-window.h"

G_BEGIN_DECLS

#define SHEATH_TYPE_STUDY_WINDOW (sheath_study_window_get_type ())

G_DECLARE_FINAL_TYPE (SheathStudyWindow, sheath_study_window, SHEATH, STUDY_WINDOW, AdwApplicationWindow)

SheathStudyWindow *sheath_study_window_new            (SheathApplication  *app,
                                                       SheathWindow       *images_window);
gboolean           sheath_study_window_open           (SheathStudyWindow  *self,
                                                       const char         *source,
                                                       const char         *root,
                                                       GError            **error);
SheathStudyRun    *sheath_study_window_get_run        (SheathStudyWindow  *self);
gboolean           sheath_study_window_set_model_file (SheathStudyWindow  *self,
                                                       GFile              *file,
                                                       GError            **error);
SheathPage        *sheath_study_window_open_image     (SheathStudyWindow  *self,
                                                       guint               index,
                                                       GError            **error);

G_END_DECLS
