/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(SHEATH_INSIDE) && !defined(SHEATH_COMPILATION)
# error "Only <sheath.h> can be included directly."
#endif

#include <gio/gio.h>

#include "sheath-image.h"
#include "sheath-version.h"

G_BEGIN_DECLS

#define SHEATH_TYPE_REGIONS (sheath_regions_get_type ())

SHEATH_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SheathRegions, sheath_regions, SHEATH, REGIONS, GObject)

SHEATH_AVAILABLE_IN_ALL
SheathRegions *sheath_regions_new_from_geojson (GFile          *file,
                                                GError        **error);
SHEATH_AVAILABLE_IN_ALL
guint          sheath_regions_get_n_regions    (SheathRegions  *self);
SHEATH_AVAILABLE_IN_ALL
const char    *sheath_regions_get_name         (SheathRegions  *self,
                                                guint           index);
SHEATH_AVAILABLE_IN_ALL
SheathImage   *sheath_regions_rasterize        (SheathRegions  *self,
                                                gint            index,
                                                guint           width,
                                                guint           height,
                                                GError        **error);

G_END_DECLS
