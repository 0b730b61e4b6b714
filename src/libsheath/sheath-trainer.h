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
gboolean       sheath_trainer_set_classes          (SheathTrainer        *self,
                                                    const char * const   *classes,
                                                    GError              **error);
SHEATH_AVAILABLE_IN_ALL
const char * const *sheath_trainer_get_classes     (SheathTrainer        *self);
SHEATH_AVAILABLE_IN_ALL
gboolean       sheath_trainer_set_class_weights    (SheathTrainer        *self,
                                                    const double         *weights,
                                                    guint                 n_weights,
                                                    GError              **error);
SHEATH_AVAILABLE_IN_ALL
gboolean       sheath_trainer_set_uaxon_gap        (SheathTrainer        *self,
                                                    double                gap,
                                                    GError              **error);
SHEATH_AVAILABLE_IN_ALL
gboolean       sheath_trainer_set_boundary_weight  (SheathTrainer        *self,
                                                    double                weight,
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

SHEATH_AVAILABLE_IN_ALL
void           sheath_trainer_set_modality (SheathTrainer *self,
                                            const char *value);
SHEATH_AVAILABLE_IN_ALL
const char *  sheath_trainer_get_modality (SheathTrainer *self);
SHEATH_AVAILABLE_IN_ALL
void           sheath_trainer_set_description (SheathTrainer *self,
                                               const char *value);
SHEATH_AVAILABLE_IN_ALL
const char *  sheath_trainer_get_description (SheathTrainer *self);
SHEATH_AVAILABLE_IN_ALL
void           sheath_trainer_set_pixel_size (SheathTrainer *self,
                                              double value);
SHEATH_AVAILABLE_IN_ALL
double         sheath_trainer_get_pixel_size (SheathTrainer *self);
SHEATH_AVAILABLE_IN_ALL
void           sheath_trainer_set_depth (SheathTrainer *self,
                                         guint value);
SHEATH_AVAILABLE_IN_ALL
guint          sheath_trainer_get_depth (SheathTrainer *self);
SHEATH_AVAILABLE_IN_ALL
void           sheath_trainer_set_base_channels (SheathTrainer *self,
                                                 guint value);
SHEATH_AVAILABLE_IN_ALL
guint          sheath_trainer_get_base_channels (SheathTrainer *self);
SHEATH_AVAILABLE_IN_ALL
void           sheath_trainer_set_patch_size (SheathTrainer *self,
                                              guint value);
SHEATH_AVAILABLE_IN_ALL
guint          sheath_trainer_get_patch_size (SheathTrainer *self);
SHEATH_AVAILABLE_IN_ALL
void           sheath_trainer_set_batch_size (SheathTrainer *self,
                                              guint value);
SHEATH_AVAILABLE_IN_ALL
guint          sheath_trainer_get_batch_size (SheathTrainer *self);
SHEATH_AVAILABLE_IN_ALL
void           sheath_trainer_set_learning_rate (SheathTrainer *self,
                                                 double value);
SHEATH_AVAILABLE_IN_ALL
double         sheath_trainer_get_learning_rate (SheathTrainer *self);
SHEATH_AVAILABLE_IN_ALL
void           sheath_trainer_set_weight_decay (SheathTrainer *self,
                                                double value);
SHEATH_AVAILABLE_IN_ALL
double         sheath_trainer_get_weight_decay (SheathTrainer *self);
SHEATH_AVAILABLE_IN_ALL
void           sheath_trainer_set_epochs (SheathTrainer *self,
                                          guint value);
SHEATH_AVAILABLE_IN_ALL
guint          sheath_trainer_get_epochs (SheathTrainer *self);
SHEATH_AVAILABLE_IN_ALL
void           sheath_trainer_set_minutes (SheathTrainer *self,
                                           double value);
SHEATH_AVAILABLE_IN_ALL
double         sheath_trainer_get_minutes (SheathTrainer *self);
SHEATH_AVAILABLE_IN_ALL
void           sheath_trainer_set_n_threads (SheathTrainer *self,
                                             guint value);
SHEATH_AVAILABLE_IN_ALL
guint          sheath_trainer_get_n_threads (SheathTrainer *self);
SHEATH_AVAILABLE_IN_ALL
void           sheath_trainer_set_seed (SheathTrainer *self,
                                        guint64 value);
SHEATH_AVAILABLE_IN_ALL
guint64        sheath_trainer_get_seed (SheathTrainer *self);
SHEATH_AVAILABLE_IN_ALL
void           sheath_trainer_set_half_precision (SheathTrainer *self,
                                                  gboolean value);
SHEATH_AVAILABLE_IN_ALL
gboolean       sheath_trainer_get_half_precision (SheathTrainer *self);
SHEATH_AVAILABLE_IN_ALL
void           sheath_trainer_set_checkpoint_interval (SheathTrainer *self,
                                                       double value);
SHEATH_AVAILABLE_IN_ALL
double         sheath_trainer_get_checkpoint_interval (SheathTrainer *self);

G_END_DECLS
