/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <sheath.h>

G_BEGIN_DECLS

#define SHEATH_TYPE_AXON_ITEM (sheath_axon_item_get_type ())

G_DECLARE_FINAL_TYPE (SheathAxonItem, sheath_axon_item, SHEATH, AXON_ITEM, GObject)

SheathAxonItem   *sheath_axon_item_new       (const SheathAxon *axon);
const SheathAxon *sheath_axon_item_get_axon  (SheathAxonItem   *self);

G_END_DECLS
