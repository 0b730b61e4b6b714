/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-segmentation.h"

G_BEGIN_DECLS

SheathSegmentation *_sheath_segmentation_try_new (guint     width,
                                                  guint     height,
                                                  GError  **error);
guint8             *_sheath_segmentation_get_row (SheathSegmentation *self,
                                                  guint               y);

G_END_DECLS
