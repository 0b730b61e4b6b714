/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-curve-plot.h"
#include "sheath-training-image-row.h"
#include "sheath-training-run.h"
#include "sheath-training-window.h"

G_BEGIN_DECLS

typedef struct
{
  char          *image;
  char          *axon;
  char          *myelin;
  char          *subject;
  SheathTrainingImageRow *row;
} SheathTrainingImage;

struct _SheathTrainingWindow
{
  AdwWindow             parent_instance;

  /* template widgets */
  AdwToastOverlay      *toasts;
  GtkWidget            *back_button;
  AdwWindowTitle       *title;
  GtkWidget            *pages;             /* the page widgets, named by tag, until set up */
#if ADW_CHECK_VERSION (1, 4, 0)
  AdwNavigationView    *navigation;
#else
  AdwLeaflet           *leaflet;
#endif
  AdwPreferencesGroup  *paused_group;
  AdwPreferencesGroup  *images_group;
  AdwPreferencesGroup  *validation_group;
  GtkWidget            *start_sem_row;
  GtkWidget            *start_tem_row;
  GtkCheckButton       *start_sem;
  GtkCheckButton       *start_tem;
  GtkCheckButton       *start_scratch;
  AdwEntryRow          *name_row;
  AdwComboRow          *modality_row;
  GtkSpinButton        *minutes;
  SheathCurvePlot      *curve;
  SheathCurvePlot      *final_curve;
  GtkLabel             *comparison_label;
  GtkPicture           *preview;
  GtkLabel             *status_label;
  GtkLabel             *figures_label;
  GtkLabel             *eta_label;
  GtkProgressBar       *progress;
  AdwStatusPage        *done_page;

  GPtrArray            *images;            /* SheathTrainingImage */
  GPtrArray            *validation_checks; /* GtkCheckButton, with "subject" data */
  SheathTrainer        *template;          /* the network and schedule, if not the defaults */

  /* the training, once started */
  SheathTrainingRun    *run;
  gboolean              cancelling;
  gboolean              closed;            /* disposed while training went on */
  gint64                run_started;
  double                run_start_fraction;
  double                last_step_position;
  guint                 shown_epoch;
};

/* sheath-training-window.c */
void     _sheath_training_window_toast            (SheathTrainingWindow *self,
                                                   const char           *text);
void     _sheath_training_window_go_to            (SheathTrainingWindow *self,
                                                   const char           *tag);
void     _sheath_training_window_update_actions   (SheathTrainingWindow *self);
char   **_sheath_training_window_dup_held_out     (SheathTrainingWindow *self);
double   _sheath_training_window_median_pixel_size (SheathTrainingWindow *self);
SheathTrainer *_sheath_training_window_get_trainer (SheathTrainingWindow *self);

/* sheath-training-window-actions.c */
void     _sheath_training_window_class_actions_init (GtkWidgetClass     *widget_class);
gboolean _sheath_training_window_resume_named     (SheathTrainingWindow *self,
                                                   const char           *name,
                                                   GError              **error);

G_END_DECLS
