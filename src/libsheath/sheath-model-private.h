/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-model.h"
#include "sheath-net-private.h"

G_BEGIN_DECLS

const SheathNet *_sheath_model_get_net (SheathModel *self);

G_END_DECLS
