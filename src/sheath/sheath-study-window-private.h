/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-model-picker.h"
#include "sheath-study-window.h"

G_BEGIN_DECLS

struct _SheathStudyWindow
{
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  AdwToastOverlay      *toasts;
  AdwViewSwitcherTitle *switcher_title;
  SheathModelPicker    *model_picker;
  GtkDropDown          *group_dropdown;
  GtkRevealer          *progress_revealer;
  GtkProgressBar       *progress_bar;
  GtkStack             *main_stack;
  GtkColumnView        *images_view;
  GtkStack             *subjects_stack;
  GtkColumnView        *subjects_view;
  GtkDropDown          *plot_dropdown;
  GtkPicture           *plot_picture;

  /* owned */
  SheathStudyRun       *run;
  GListStore           *images;     /* SheathStudyRow, an image each, in the study's order */
  GListStore           *subjects;   /* SheathStudyRow, a subject each */
  GHashTable           *image_figures;  /* image name → its row of the run's images' table, borrowed */
  int                   axons_column;   /* in that table, or -1 */
  int                   gratio_column;
  char                 *last_said;  /* the run's last message, toasted once */
  gboolean              filling_groups;

  /* weak */
  SheathWindow         *images_window;
};

/* sheath-study-window.c */
void  _sheath_study_window_toast         (SheathStudyWindow *self,
                                          const char        *text);
char *_sheath_study_window_dup_plot_path (SheathStudyWindow *self,
                                          const char        *extension);

/* sheath-study-window-actions.c */
void     _sheath_study_window_class_actions_init (GtkWidgetClass    *widget_class);
gboolean _sheath_study_window_export_to          (SheathStudyWindow *self,
                                                  const char        *name,
                                                  GFile             *to,
                                                  GError           **error);

G_END_DECLS
