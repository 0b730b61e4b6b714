/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-axon-item"

#include "config.h"

#include "sheath-axon-item.h"

/* One row of the axon table: the measurements as properties, so that
 * GtkColumnView can sort on them through expressions. */
struct _SheathAxonItem
{
  GObject    parent_instance;
  SheathAxon axon;
};

G_DEFINE_FINAL_TYPE (SheathAxonItem, sheath_axon_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_AXON_DIAM,
  PROP_MYELIN_THICKNESS,
  PROP_GRATIO,
  PROP_AXON_AREA,
  PROP_SOLIDITY,
  PROP_BORDER,
  PROP_CONFIDENCE,
  PROP_FLAGS,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
sheath_axon_item_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SheathAxonItem *self = SHEATH_AXON_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_uint (value, self->axon.id); break;
    case PROP_AXON_DIAM: g_value_set_double (value, self->axon.axon_diam); break;
    case PROP_MYELIN_THICKNESS: g_value_set_double (value, self->axon.myelin_thickness); break;
    case PROP_GRATIO: g_value_set_double (value, self->axon.gratio); break;
    case PROP_AXON_AREA: g_value_set_double (value, self->axon.axon_area); break;
    case PROP_SOLIDITY: g_value_set_double (value, self->axon.solidity); break;
    case PROP_BORDER: g_value_set_boolean (value, self->axon.image_border_touching); break;
    case PROP_CONFIDENCE: g_value_set_double (value, self->axon.confidence); break;
    case PROP_FLAGS: g_value_take_string (value, sheath_axon_flags_to_string (self->axon.flags)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_axon_item_class_init (SheathAxonItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = sheath_axon_item_get_property;

  properties [PROP_ID] = g_param_spec_uint ("id", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties [PROP_AXON_DIAM] = g_param_spec_double ("axon-diam", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties [PROP_MYELIN_THICKNESS] = g_param_spec_double ("myelin-thickness", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, ro);
  properties [PROP_GRATIO] = g_param_spec_double ("gratio", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties [PROP_AXON_AREA] = g_param_spec_double ("axon-area", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties [PROP_SOLIDITY] = g_param_spec_double ("solidity", NULL, NULL, 0, 1, 0, ro);
  properties [PROP_BORDER] = g_param_spec_boolean ("border", NULL, NULL, FALSE, ro);
  /* NaN where the masks were read from files */
  properties [PROP_CONFIDENCE] = g_param_spec_double ("confidence", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, ro);
  properties [PROP_FLAGS] = g_param_spec_string ("flags", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sheath_axon_item_init (SheathAxonItem *self)
{
}

SheathAxonItem *
sheath_axon_item_new (const SheathAxon *axon)
{
  SheathAxonItem *self = g_object_new (SHEATH_TYPE_AXON_ITEM, NULL);

  self->axon = *axon;
  return self;
}

const SheathAxon *
sheath_axon_item_get_axon (SheathAxonItem *self)
{
  g_return_val_if_fail (SHEATH_IS_AXON_ITEM (self), NULL);
  return &self->axon;
}
