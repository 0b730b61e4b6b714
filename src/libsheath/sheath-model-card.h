/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(SHEATH_INSIDE) && !defined(SHEATH_COMPILATION)
# error "Only <sheath.h> can be included directly."
#endif

#include "sheath-model.h"
#include "sheath-scores.h"
#include "sheath-version.h"

G_BEGIN_DECLS

#define SHEATH_TYPE_MODEL_CARD (sheath_model_card_get_type ())

SHEATH_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SheathModelCard, sheath_model_card, SHEATH, MODEL_CARD, GObject)

SHEATH_AVAILABLE_IN_ALL
SheathModelCard *sheath_model_card_new            (SheathModel         *model,
                                                   const char          *name);
SHEATH_AVAILABLE_IN_ALL
void             sheath_model_card_set_trained_by (SheathModelCard     *self,
                                                   const char          *how);
SHEATH_AVAILABLE_IN_ALL
void             sheath_model_card_set_data       (SheathModelCard     *self,
                                                   const char          *data);
SHEATH_AVAILABLE_IN_ALL
void             sheath_model_card_set_command    (SheathModelCard     *self,
                                                   const char          *command);
SHEATH_AVAILABLE_IN_ALL
void             sheath_model_card_set_budget_minutes (SheathModelCard *self,
                                                   double               minutes);
SHEATH_AVAILABLE_IN_ALL
void             sheath_model_card_add_image      (SheathModelCard     *self,
                                                   const char          *image);
SHEATH_AVAILABLE_IN_ALL
void             sheath_model_card_add_scores     (SheathModelCard     *self,
                                                   const char          *image,
                                                   const SheathScores  *scores);
SHEATH_AVAILABLE_IN_ALL
char            *sheath_model_card_dup_markdown   (SheathModelCard     *self);
SHEATH_AVAILABLE_IN_ALL
gboolean         sheath_model_card_set_agreement  (SheathModelCard    *self,
                                                   const char         *agreement_json,
                                                   GError            **error);
SHEATH_AVAILABLE_IN_ALL
gboolean         sheath_model_card_save           (SheathModelCard     *self,
                                                   const char          *path,
                                                   GError             **error);
SHEATH_AVAILABLE_IN_ALL
char            *sheath_model_card_dup_path_for   (const char          *model_path);

G_END_DECLS
