/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(SHEATH_INSIDE) && !defined(SHEATH_COMPILATION)
# error "Only <sheath.h> can be included directly."
#endif

#include "sheath-morphometrics.h"
#include "sheath-regions.h"

G_BEGIN_DECLS

#define SHEATH_TYPE_AGGREGATES (sheath_aggregates_get_type ())

/**
 * SheathAggregates:
 * @n_axons: axons counted (their centroid in the region, and not excluded)
 * @n_myelinated: of those, axons with myelin
 * @n_border_touching: axons in the region cut by the image's or the ROI's edge
 * @n_excluded: border-touching axons left out because exclusion was asked for
 * @n_specks: axon specks too small to measure (whole image)
 * @n_holes_filled: holes inside axons counted as axon (whole image)
 * @area_mm2: the region's area
 * @axon_density_mm2: axons per mm²
 * @avf: axon volume fraction, axon area / region area
 * @mvf: myelin volume fraction, myelin area / region area
 * @gratio_aggr: aggregate g-ratio, √(1 − MVF / (MVF + AVF))
 * @mean_axon_diam: µm, over all counted axons
 * @median_axon_diam: µm
 * @std_axon_diam: µm
 * @mean_myelin_thickness: µm, over myelinated axons
 * @median_myelin_thickness: µm
 * @std_myelin_thickness: µm
 * @mean_gratio: over myelinated axons
 * @median_gratio: over myelinated axons
 * @std_gratio: over myelinated axons
 * @unmyelinated: unmyelinated axons were measured (the segmentation has
 *   them); the fields below are 0 or NaN otherwise
 * @n_uaxons: unmyelinated axons counted, as axons are
 * @uaxon_density_mm2: unmyelinated axons per mm²
 * @uaxon_ratio: unmyelinated axons per myelinated axon
 * @mean_uaxon_area: µm², over the unmyelinated axons
 * @mean_uaxon_diam: µm
 * @median_uaxon_diam: µm
 * @std_uaxon_diam: µm
 * @bin_width: µm, the width of the diameter histogram's bins
 * @n_bins: the number of bins
 * @bin_counts: (array length=n_bins): axons per diameter bin, bin k holding
 *   diameters in [k × bin_width, (k + 1) × bin_width)
 *
 * Figures for a whole image or a region of it. Means, medians and standard
 * deviations of an empty set are NaN (written as empty fields or null).
 */
typedef struct
{
  guint   n_axons;
  guint   n_myelinated;
  guint   n_border_touching;
  guint   n_excluded;
  guint   n_specks;
  guint   n_holes_filled;
  double  area_mm2;
  double  axon_density_mm2;
  double  avf;
  double  mvf;
  double  gratio_aggr;
  double  mean_axon_diam;
  double  median_axon_diam;
  double  std_axon_diam;
  double  mean_myelin_thickness;
  double  median_myelin_thickness;
  double  std_myelin_thickness;
  double  mean_gratio;
  double  median_gratio;
  double  std_gratio;
  gboolean unmyelinated;
  guint   n_uaxons;
  double  uaxon_density_mm2;
  double  uaxon_ratio;
  double  mean_uaxon_area;
  double  mean_uaxon_diam;
  double  median_uaxon_diam;
  double  std_uaxon_diam;
  double  bin_width;
  guint   n_bins;
  guint  *bin_counts;
} SheathAggregates;

SHEATH_AVAILABLE_IN_ALL
GType             sheath_aggregates_get_type   (void) G_GNUC_CONST;
SHEATH_AVAILABLE_IN_ALL
SheathAggregates *sheath_aggregates_compute    (SheathMorphometrics     *morphometrics,
                                                SheathImage             *roi,
                                                gboolean                 exclude_border,
                                                double                   bin_width,
                                                GError                 **error);
SHEATH_AVAILABLE_IN_ALL
SheathAggregates *sheath_aggregates_copy       (const SheathAggregates  *self);
SHEATH_AVAILABLE_IN_ALL
void              sheath_aggregates_free       (SheathAggregates        *self);
SHEATH_AVAILABLE_IN_ALL
gboolean          sheath_aggregates_write_csv  (const SheathAggregates  *self,
                                                const char              *path,
                                                GError                 **error);
SHEATH_AVAILABLE_IN_ALL
GPtrArray        *sheath_aggregates_compute_regions (SheathMorphometrics  *morphometrics,
                                                     GFile                *map,
                                                     SheathRegions        *regions,
                                                     double                bin_width,
                                                     GCancellable         *cancellable,
                                                     GError              **error);
SHEATH_AVAILABLE_IN_ALL
gboolean          sheath_aggregates_write_regions_csv (SheathAggregates **aggregates,
                                                       const char       **names,
                                                       guint              n_regions,
                                                       const char        *path,
                                                       GError           **error);
SHEATH_AVAILABLE_IN_ALL
gboolean          sheath_aggregates_write_json (const SheathAggregates  *self,
                                                const char              *path,
                                                GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SheathAggregates, sheath_aggregates_free)

G_END_DECLS
