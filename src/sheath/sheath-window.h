/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <sheath.h>

#include "sheath-application.h"
#include "sheath-page.h"

G_BEGIN_DECLS

#define SHEATH_TYPE_WINDOW (sheath_window_get_type ())

G_DECLARE_FINAL_TYPE (SheathWindow, sheath_window, SHEATH, WINDOW, AdwApplicationWindow)

SheathWindow       *sheath_window_new              (SheathApplication *app);
SheathPage         *sheath_window_open             (SheathWindow      *self,
                                                    GFile             *file);
SheathPage         *sheath_window_open_map_area    (SheathWindow      *self,
                                                    GFile             *slide,
                                                    GFile             *map,
                                                    guint64            x,
                                                    guint64            y,
                                                    guint              width,
                                                    guint              height,
                                                    double             pixel_size);
gboolean            sheath_window_offer_recovery   (SheathWindow      *self);
void                sheath_window_reload_models    (SheathWindow      *self);
GtkWindow          *sheath_window_train            (SheathWindow      *self);
GtkWindow          *sheath_window_open_study       (SheathWindow      *self);
SheathImage        *sheath_window_get_image        (SheathWindow      *self);
SheathSegmentation *sheath_window_get_segmentation (SheathWindow      *self);
SheathMorphometrics *sheath_window_get_morphometrics (SheathWindow     *self);
gboolean            sheath_window_load_masks       (SheathWindow      *self,
                                                    GFile             *axon_mask,
                                                    GError           **error);
guint               sheath_window_get_n_documents  (SheathWindow      *self);
gboolean            sheath_window_set_model_file   (SheathWindow      *self,
                                                    GFile             *file,
                                                    GError           **error);

void                sheath_window_set_stop_asks_after (SheathWindow   *self,
                                                       double          seconds);
G_END_DECLS
