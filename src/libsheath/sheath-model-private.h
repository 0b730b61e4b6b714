/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-model.h"
#include "sheath-segmentation.h"
#include "sheath-net-private.h"
#include "sheath-safetensors-private.h"

G_BEGIN_DECLS

const SheathNet *_sheath_model_get_net      (SheathModel *self);
/* A model in memory, for validation while training: takes the network. */
SheathModel     *_sheath_model_new_from_net (SheathNet          *net,
                                             const char * const *classes,
                                             double              pixel_size,
                                             const char         *modality);

/* sheath-model-load.c: a model file checked, then loaded */

gboolean   _sheath_model_meta_uint     (SheathSafetensors  *st,
                                        const char         *key,
                                        guint               min,
                                        guint               max,
                                        guint              *out,
                                        GError            **error);
gboolean   _sheath_model_meta_double   (SheathSafetensors  *st,
                                        const char         *key,
                                        double              min,
                                        double              max,
                                        double             *out,
                                        GError            **error);
gboolean   _sheath_model_check_network (SheathSafetensors  *st,
                                        guint               depth,
                                        guint               base,
                                        guint               in_channels,
                                        guint               classes,
                                        GError            **error);
SheathNet *_sheath_model_load_network  (SheathSafetensors  *st,
                                        guint               depth,
                                        guint               base,
                                        guint               in_channels,
                                        guint               classes,
                                        double              eps);

/* The label each of the model's outputs gives a pixel, by the class's name
 * (the classes Sheath does not know are SHEATH_LABEL_OTHER and on, in
 * order); TRUE when one of them is unmyelinated axon. */
gboolean         _sheath_model_map_labels   (SheathModel *self,
                                             guint8      *label_of_class);
/* The names of the classes Sheath does not know, in order. */
char           **_sheath_model_dup_other_classes (SheathModel *self);

G_END_DECLS
