/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The GtkRecentManager group of the images opened in Sheath (what file
 * dialogs add, exports and saved masks, is not in it). */
#define SHEATH_RECENT_GROUP "sheath-opened-image"


#define SHEATH_TYPE_RECENT_LIST (sheath_recent_list_get_type ())

G_DECLARE_FINAL_TYPE (SheathRecentList, sheath_recent_list, SHEATH, RECENT_LIST, AdwBin)

GtkWidget *sheath_recent_list_new (void);

G_END_DECLS
