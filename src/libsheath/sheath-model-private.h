/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-model.h"
#include "sheath-net-private.h"

G_BEGIN_DECLS

const SheathNet *_sheath_model_get_net      (SheathModel *self);
/* A model in memory, for validation while training: takes the network. */
SheathModel     *_sheath_model_new_from_net (SheathNet   *net,
                                             double       pixel_size,
                                             const char  *modality);

G_END_DECLS
