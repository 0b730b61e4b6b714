/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(SHEATH_INSIDE) && !defined(SHEATH_COMPILATION)
# error "Only <sheath.h> can be included directly."
#endif

#include <gio/gio.h>

#include "sheath-image.h"
#include "sheath-segmentation.h"
#include "sheath-version.h"

G_BEGIN_DECLS

#define SHEATH_TYPE_TRAINER (sheath_trainer_get_type ())

SHEATH_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SheathTrainer, sheath_trainer, SHEATH, TRAINER, GObject)

SHEATH_AVAILABLE_IN_ALL
SheathTrainer *sheath_trainer_new                  (void);
SHEATH_AVAILABLE_IN_ALL
SheathTrainer *sheath_trainer_new_from_checkpoint  (const char           *checkpoint,
                                                    GError              **error);
SHEATH_AVAILABLE_IN_ALL
gboolean       sheath_trainer_add_dataset          (SheathTrainer        *self,
                                                    const char           *bids_dir,
                                                    GError              **error);
SHEATH_AVAILABLE_IN_ALL
gboolean       sheath_trainer_add_image            (SheathTrainer        *self,
                                                    const char           *image,
                                                    const char           *axon_mask,
                                                    const char           *myelin_mask,
                                                    double                pixel_size,
                                                    const char           *subject,
                                                    GError              **error);
SHEATH_AVAILABLE_IN_ALL
gboolean       sheath_trainer_set_init_model       (SheathTrainer        *self,
                                                    const char           *path,
                                                    GError              **error);
SHEATH_AVAILABLE_IN_ALL
const char    *sheath_trainer_get_output           (SheathTrainer        *self);
SHEATH_AVAILABLE_IN_ALL
void           sheath_trainer_set_output           (SheathTrainer        *self,
                                                    const char           *path);
SHEATH_AVAILABLE_IN_ALL
void           sheath_trainer_set_checkpoint       (SheathTrainer        *self,
                                                    const char           *path);
SHEATH_AVAILABLE_IN_ALL
void           sheath_trainer_set_validation_subjects (SheathTrainer     *self,
                                                    const char * const   *subjects);
SHEATH_AVAILABLE_IN_ALL
gboolean       sheath_trainer_set_class_weights    (SheathTrainer        *self,
                                                    const double         *weights,
                                                    GError              **error);
SHEATH_AVAILABLE_IN_ALL
gboolean       sheath_trainer_train                (SheathTrainer        *self,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
SHEATH_AVAILABLE_IN_ALL
void           sheath_trainer_train_async          (SheathTrainer        *self,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
SHEATH_AVAILABLE_IN_ALL
gboolean       sheath_trainer_train_finish         (SheathTrainer        *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
SHEATH_AVAILABLE_IN_ALL
SheathSegmentation *sheath_trainer_dup_preview     (SheathTrainer        *self,
                                                    SheathImage         **image);

G_END_DECLS
