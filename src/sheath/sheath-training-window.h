/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <sheath.h>

G_BEGIN_DECLS

#define SHEATH_TYPE_TRAINING_WINDOW (sheath_training_window_get_type ())

G_DECLARE_FINAL_TYPE (SheathTrainingWindow, sheath_training_window, SHEATH, TRAINING_WINDOW, AdwWindow)

SheathTrainingWindow *sheath_training_window_new        (GtkWindow            *parent);
gboolean              sheath_training_window_add_image  (SheathTrainingWindow *self,
                                                         const char           *image,
                                                         const char           *axon_mask,
                                                         const char           *myelin_mask,
                                                         double                pixel_size,
                                                         const char           *subject,
                                                         GError              **error);
gboolean              sheath_training_window_add_file   (SheathTrainingWindow *self,
                                                         const char           *image,
                                                         GError              **error);
const char           *sheath_training_window_get_page   (SheathTrainingWindow *self);
guint                 sheath_training_window_get_n_images (SheathTrainingWindow *self);
gboolean              sheath_training_window_get_running (SheathTrainingWindow *self);
char                 *sheath_training_window_dup_staging_dir (void);
void                  sheath_training_window_set_template (SheathTrainingWindow *self,
                                                           SheathTrainer        *template);

G_END_DECLS
