/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "sheath-document.h"
#include "sheath-edit-tools.h"
#include "sheath-viewer.h"

G_BEGIN_DECLS

#define SHEATH_TYPE_PAGE (sheath_page_get_type ())

G_DECLARE_FINAL_TYPE (SheathPage, sheath_page, SHEATH, PAGE, GtkWidget)

SheathPage      *sheath_page_new               (SheathDocument *document);
SheathDocument  *sheath_page_get_document      (SheathPage     *self);
SheathViewer    *sheath_page_get_viewer        (SheathPage     *self);
SheathEditTools *sheath_page_get_tools         (SheathPage     *self);
gboolean         sheath_page_get_panel_visible (SheathPage     *self);
void             sheath_page_set_panel_visible (SheathPage     *self,
                                                gboolean        visible);

G_END_DECLS
