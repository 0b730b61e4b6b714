/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-maps.h"

G_BEGIN_DECLS

/* Maps made from label rows handed in one at a time, top to bottom, then
 * from the axons measured: what sheath_maps_compute() does on a whole
 * segmentation, for one measured band by band. */
typedef struct _SheathMapsBuilder SheathMapsBuilder;

SheathMapsBuilder *_sheath_maps_builder_new     (guint                 width,
                                                 guint                 height,
                                                 double                pixel_size,
                                                 double                cell_size,
                                                 GError              **error);
void               _sheath_maps_builder_add_row (SheathMapsBuilder    *self,
                                                 guint                 y,
                                                 const guint8         *row);
SheathMaps        *_sheath_maps_builder_finish  (SheathMapsBuilder    *self,
                                                 SheathMorphometrics  *morphometrics);
void               _sheath_maps_builder_free    (SheathMapsBuilder    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SheathMapsBuilder, _sheath_maps_builder_free)

G_END_DECLS
