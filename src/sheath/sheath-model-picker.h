/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <sheath.h>

G_BEGIN_DECLS

#define SHEATH_TYPE_MODEL_PICKER (sheath_model_picker_get_type ())

G_DECLARE_FINAL_TYPE (SheathModelPicker, sheath_model_picker, SHEATH, MODEL_PICKER, GtkWidget)

SheathModel *sheath_model_picker_load_model     (SheathModelPicker  *self,
                                                 GError            **error);
gboolean     sheath_model_picker_set_model_file (SheathModelPicker  *self,
                                                 GFile              *file,
                                                 GError            **error);
void         sheath_model_picker_reload         (SheathModelPicker  *self);
const char  *sheath_model_picker_get_chosen     (SheathModelPicker  *self);
void         sheath_model_picker_set_chosen     (SheathModelPicker  *self,
                                                 const char         *key);
void         sheath_model_picker_set_image      (SheathModelPicker  *self,
                                                 SheathImage        *image);
const char  *sheath_model_picker_get_best       (SheathModelPicker  *self);
SheathModel *sheath_model_picker_load_key       (const char         *key,
                                                 GError            **error);

G_END_DECLS
