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

SHEATH_AVAILABLE_IN_ALL
SheathRegions *sheath_regions_new              (void);
SHEATH_AVAILABLE_IN_ALL
SheathRegions *sheath_regions_copy             (SheathRegions  *self);
SHEATH_AVAILABLE_IN_ALL
SheathRegions *sheath_regions_new_union        (SheathRegions  *self,
                                                const char     *name);
SHEATH_AVAILABLE_IN_ALL
gint           sheath_regions_add_polygon      (SheathRegions  *self,
                                                const char     *name,
                                                const double   *points,
                                                guint           n_points,
                                                GError        **error);
SHEATH_AVAILABLE_IN_ALL
void           sheath_regions_remove           (SheathRegions  *self,
                                                guint           index);
SHEATH_AVAILABLE_IN_ALL
guint          sheath_regions_rename           (SheathRegions  *self,
                                                guint           index,
                                                const char     *name);
SHEATH_AVAILABLE_IN_ALL
guint          sheath_regions_get_n_rings      (SheathRegions  *self,
                                                guint           index);
SHEATH_AVAILABLE_IN_ALL
const double  *sheath_regions_get_ring         (SheathRegions  *self,
                                                guint           index,
                                                guint           ring,
                                                guint          *n_points);
SHEATH_AVAILABLE_IN_ALL
void           sheath_regions_rasterize_rows   (SheathRegions  *self,
                                                gint            index,
                                                guint           width,
                                                guint           first_row,
                                                guint           n_rows,
                                                guint8         *mask);
SHEATH_AVAILABLE_IN_ALL
gboolean       sheath_regions_contains         (SheathRegions  *self,
                                                gint            index,
                                                guint           x,
                                                guint           y);
SHEATH_AVAILABLE_IN_ALL
gboolean       sheath_regions_save_geojson     (SheathRegions  *self,
                                                const char     *path,
                                                GError        **error);

G_END_DECLS
