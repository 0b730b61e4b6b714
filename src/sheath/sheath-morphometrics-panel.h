/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <sheath.h>

G_BEGIN_DECLS

#define SHEATH_TYPE_MORPHOMETRICS_PANEL (sheath_morphometrics_panel_get_type ())

G_DECLARE_FINAL_TYPE (SheathMorphometricsPanel, sheath_morphometrics_panel, SHEATH, MORPHOMETRICS_PANEL, GtkWidget)

void                 sheath_morphometrics_panel_set_data          (SheathMorphometricsPanel *self,
                                                                   SheathMorphometrics      *morphometrics,
                                                                   SheathAggregates         *aggregates,
                                                                   const char * const       *other_classes);
SheathMorphometrics *sheath_morphometrics_panel_get_morphometrics (SheathMorphometricsPanel *self);
void                 sheath_morphometrics_panel_select_axon       (SheathMorphometricsPanel *self,
                                                                   guint                     id);
void                 sheath_morphometrics_panel_set_image_file   (SheathMorphometricsPanel *self,
                                                                  GFile                    *file);
guint                sheath_morphometrics_panel_get_n_rows        (SheathMorphometricsPanel *self);

void                 sheath_morphometrics_panel_update_axons     (SheathMorphometricsPanel *self,
                                                                  SheathAggregates         *agg,
                                                                  const guint              *changed,
                                                                  guint                     n_changed);

G_END_DECLS
