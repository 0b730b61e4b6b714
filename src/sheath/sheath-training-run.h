/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <sheath.h>

G_BEGIN_DECLS

#define SHEATH_TYPE_TRAINING_RUN (sheath_training_run_get_type ())

G_DECLARE_FINAL_TYPE (SheathTrainingRun, sheath_training_run, SHEATH, TRAINING_RUN, GObject)

/* one validation of the curve a run keeps */
typedef struct
{
  guint  epoch;
  double loss;
  double dice_axon;
  double dice_myelin;
} SheathTrainingEpoch;

char              *sheath_training_run_dup_staging_dir (void);
char             **sheath_training_run_list_paused     (void);
void               sheath_training_run_discard_named   (const char           *name);
gboolean           sheath_training_run_check_name      (const char           *name,
                                                        GError              **error);
SheathTrainingRun *sheath_training_run_new             (const char           *name,
                                                        SheathTrainer        *trainer,
                                                        const char           *start,
                                                        const char * const   *images,
                                                        const char * const   *held_out,
                                                        double                budget_minutes,
                                                        GError              **error);
SheathTrainingRun *sheath_training_run_open_paused     (const char           *name,
                                                        GError              **error);
gboolean           sheath_training_run_reload          (SheathTrainingRun    *self,
                                                        GError              **error);
const char        *sheath_training_run_get_name        (SheathTrainingRun    *self);
SheathTrainer     *sheath_training_run_get_trainer     (SheathTrainingRun    *self);
char              *sheath_training_run_dup_start       (SheathTrainingRun    *self);
char             **sheath_training_run_dup_images      (SheathTrainingRun    *self);
char             **sheath_training_run_dup_held_out    (SheathTrainingRun    *self);
double             sheath_training_run_get_budget_minutes (SheathTrainingRun *self);
char              *sheath_training_run_dup_model_path  (SheathTrainingRun    *self);
GArray            *sheath_training_run_dup_curve       (SheathTrainingRun    *self);
void               sheath_training_run_add_epoch       (SheathTrainingRun    *self,
                                                        const SheathTrainingEpoch *epoch);
gboolean           sheath_training_run_get_running     (SheathTrainingRun    *self);
void               sheath_training_run_run_async       (SheathTrainingRun    *self,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean           sheath_training_run_run_finish      (SheathTrainingRun    *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
void               sheath_training_run_pause           (SheathTrainingRun    *self);
void               sheath_training_run_discard         (SheathTrainingRun    *self);

G_END_DECLS
