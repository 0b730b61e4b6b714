/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <sheath.h>

#include "sheath-page.h"
#include "sheath-slide-tiles.h"
#include "sheath-viewer.h"
#include "sheath-window.h"

G_BEGIN_DECLS

#define SHEATH_TYPE_SLIDE_WINDOW (sheath_slide_window_get_type ())

G_DECLARE_FINAL_TYPE (SheathSlideWindow, sheath_slide_window, SHEATH, SLIDE_WINDOW, AdwApplicationWindow)

gboolean           sheath_slide_window_wants         (GFile             *file,
                                                      GSettings         *settings);
SheathSlideWindow *sheath_slide_window_open          (GtkApplication    *app,
                                                      GFile             *file,
                                                      GError           **error);
GFile             *sheath_slide_window_get_file      (SheathSlideWindow *self);
SheathViewer      *sheath_slide_window_get_viewer    (SheathSlideWindow *self);
gboolean           sheath_slide_window_get_busy      (SheathSlideWindow *self);
SheathAggregates  *sheath_slide_window_get_aggregates (SheathSlideWindow *self);
gboolean           sheath_slide_window_set_model_file (SheathSlideWindow *self,
                                                       GFile             *file,
                                                       GError           **error);
SheathSlideTiles  *sheath_slide_window_get_tiles     (SheathSlideWindow *self);
SheathPage        *sheath_slide_window_edit_area     (SheathSlideWindow *self,
                                                      SheathWindow      *window,
                                                      guint64            x,
                                                      guint64            y,
                                                      guint              width,
                                                      guint              height,
                                                      GError           **error);

G_END_DECLS
