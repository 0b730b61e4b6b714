/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "sheath-document.h"

G_BEGIN_DECLS

#define SHEATH_TYPE_REVIEW_BAR (sheath_review_bar_get_type ())

G_DECLARE_FINAL_TYPE (SheathReviewBar, sheath_review_bar, SHEATH, REVIEW_BAR, GtkWidget)

void     sheath_review_bar_set_document (SheathReviewBar *self,
                                         SheathDocument  *document);
gboolean sheath_review_bar_start        (SheathReviewBar *self);
void     sheath_review_bar_stop         (SheathReviewBar *self);
guint    sheath_review_bar_get_axon     (SheathReviewBar *self);

G_END_DECLS
