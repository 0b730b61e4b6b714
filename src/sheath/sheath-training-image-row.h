/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SHEATH_TYPE_TRAINING_IMAGE_ROW (sheath_training_image_row_get_type ())

G_DECLARE_FINAL_TYPE (SheathTrainingImageRow, sheath_training_image_row, SHEATH, TRAINING_IMAGE_ROW, AdwActionRow)

GtkWidget *sheath_training_image_row_new            (const char             *title,
                                                     const char             *subtitle,
                                                     double                  pixel_size);
double     sheath_training_image_row_get_pixel_size (SheathTrainingImageRow *self);

G_END_DECLS
