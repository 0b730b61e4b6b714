/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(SHEATH_INSIDE) && !defined(SHEATH_COMPILATION)
# error "Only <sheath.h> can be included directly."
#endif

#include <gio/gio.h>

#include "sheath-morphometrics.h"
#include "sheath-segmentation.h"
#include "sheath-version.h"

G_BEGIN_DECLS

/**
 * SheathMapMetric:
 * @SHEATH_MAP_AXON_COUNT: axons whose centroid lies in the cell
 * @SHEATH_MAP_AXON_DENSITY: those axons per mm² of the cell's area
 * @SHEATH_MAP_AVF: axon volume fraction, axon pixels over the cell's
 * @SHEATH_MAP_MVF: myelin volume fraction
 * @SHEATH_MAP_GRATIO_AGGR: aggregate g-ratio, √(1 − MVF / (MVF + AVF))
 * @SHEATH_MAP_MEAN_AXON_DIAM: mean axon diameter (µm) of the cell's axons
 * @SHEATH_MAP_MEAN_MYELIN_THICKNESS: mean myelin thickness (µm) of its
 *   myelinated axons
 * @SHEATH_MAP_N_METRICS: how many metrics there are
 *
 * What a map shows, cell by cell.
 */
typedef enum
{
  SHEATH_MAP_AXON_COUNT,
  SHEATH_MAP_AXON_DENSITY,
  SHEATH_MAP_AVF,
  SHEATH_MAP_MVF,
  SHEATH_MAP_GRATIO_AGGR,
  SHEATH_MAP_MEAN_AXON_DIAM,
  SHEATH_MAP_MEAN_MYELIN_THICKNESS,
  SHEATH_MAP_N_METRICS,
} SheathMapMetric;

#define SHEATH_TYPE_MAPS (sheath_maps_get_type ())

SHEATH_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SheathMaps, sheath_maps, SHEATH, MAPS, GObject)

SHEATH_AVAILABLE_IN_ALL
SheathMaps  *sheath_maps_compute          (SheathMorphometrics  *morphometrics,
                                           SheathSegmentation   *segmentation,
                                           double                cell_size,
                                           GError              **error);
SHEATH_AVAILABLE_IN_ALL
guint        sheath_maps_get_columns      (SheathMaps           *self);
SHEATH_AVAILABLE_IN_ALL
guint        sheath_maps_get_rows         (SheathMaps           *self);
SHEATH_AVAILABLE_IN_ALL
double       sheath_maps_get_cell_size    (SheathMaps           *self);
SHEATH_AVAILABLE_IN_ALL
double       sheath_maps_get_value        (SheathMaps           *self,
                                           SheathMapMetric       metric,
                                           guint                 column,
                                           guint                 row);
SHEATH_AVAILABLE_IN_ALL
void         sheath_maps_get_range        (SheathMaps           *self,
                                           SheathMapMetric       metric,
                                           double               *low,
                                           double               *high);
SHEATH_AVAILABLE_IN_ALL
const char  *sheath_map_metric_get_name   (SheathMapMetric       metric);
SHEATH_AVAILABLE_IN_ALL
const char  *sheath_map_metric_get_title  (SheathMapMetric       metric);
SHEATH_AVAILABLE_IN_ALL
void         sheath_maps_get_colour       (double                t,
                                           double               *red,
                                           double               *green,
                                           double               *blue);
SHEATH_AVAILABLE_IN_ALL
gboolean     sheath_maps_write_tiff       (SheathMaps           *self,
                                           const char           *path,
                                           GError              **error);
SHEATH_AVAILABLE_IN_ALL
gboolean     sheath_maps_write_heat_maps  (SheathMaps           *self,
                                           const char           *dir,
                                           const char           *stem,
                                           GError              **error);

/* here rather than in sheath-morphometrics.h, as it makes maps too */
SHEATH_AVAILABLE_IN_ALL
SheathMorphometrics *sheath_morphometrics_compute_from_map (GFile            *map,
                                                            double            pixel_size,
                                                            SheathAxonShape   shape,
                                                            double            map_cell,
                                                            SheathMaps      **maps,
                                                            const char       *instance_map,
                                                            GCancellable     *cancellable,
                                                            GError          **error);

G_END_DECLS
