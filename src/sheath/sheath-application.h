/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SHEATH_TYPE_APPLICATION (sheath_application_get_type ())

G_DECLARE_FINAL_TYPE (SheathApplication, sheath_application, SHEATH, APPLICATION, AdwApplication)

SheathApplication *sheath_application_new (void);

G_END_DECLS
