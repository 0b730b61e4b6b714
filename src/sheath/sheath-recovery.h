/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sheath.h>

G_BEGIN_DECLS

#define SHEATH_TYPE_RECOVERY (sheath_recovery_get_type ())

G_DECLARE_FINAL_TYPE (SheathRecovery, sheath_recovery, SHEATH, RECOVERY, GObject)

SheathRecovery     *sheath_recovery_new         (const char           *dir);
SheathRecovery     *sheath_recovery_new_default (void);
void                sheath_recovery_save_async  (SheathRecovery       *self,
                                                 GFile                *image,
                                                 SheathSegmentation   *segmentation,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean            sheath_recovery_save_finish (SheathRecovery       *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
gboolean            sheath_recovery_has         (SheathRecovery       *self,
                                                 GFile                *image);
GPtrArray          *sheath_recovery_list        (SheathRecovery       *self);
SheathSegmentation *sheath_recovery_load        (SheathRecovery       *self,
                                                 GFile                *image,
                                                 GError              **error);
void                sheath_recovery_discard     (SheathRecovery       *self,
                                                 GFile                *image);

G_END_DECLS
