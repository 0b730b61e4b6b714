/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SHEATH_TYPE_CHOICE_BUTTON (sheath_choice_button_get_type ())

G_DECLARE_FINAL_TYPE (SheathChoiceButton, sheath_choice_button, SHEATH, CHOICE_BUTTON, GtkCheckButton)

G_END_DECLS
