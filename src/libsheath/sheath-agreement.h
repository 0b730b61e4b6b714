/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(SHEATH_INSIDE) && !defined(SHEATH_COMPILATION)
# error "Only <sheath.h> can be included directly."
#endif

#include <gio/gio.h>

#include "sheath-segmentation.h"
#include "sheath-version.h"

G_BEGIN_DECLS

/**
 * SheathAgreementFigure:
 * @SHEATH_AGREEMENT_AXON_COUNT: axons counted
 * @SHEATH_AGREEMENT_AXON_DENSITY: axons per mm²
 * @SHEATH_AGREEMENT_MEAN_AXON_DIAM: mean axon diameter, µm
 * @SHEATH_AGREEMENT_MEDIAN_AXON_DIAM: median axon diameter, µm
 * @SHEATH_AGREEMENT_MEAN_MYELIN_THICKNESS: mean myelin thickness of the
 *   myelinated axons, µm
 * @SHEATH_AGREEMENT_MEDIAN_MYELIN_THICKNESS: its median, µm
 * @SHEATH_AGREEMENT_MEAN_GRATIO: mean g-ratio of the myelinated axons
 * @SHEATH_AGREEMENT_MEDIAN_GRATIO: its median
 * @SHEATH_AGREEMENT_AVF: axon volume fraction
 * @SHEATH_AGREEMENT_MVF: myelin volume fraction
 * @SHEATH_AGREEMENT_N_FIGURES: how many figures there are
 *
 * The figures a paper reports, compared between predicted and manual masks.
 */
typedef enum
{
  SHEATH_AGREEMENT_AXON_COUNT,
  SHEATH_AGREEMENT_AXON_DENSITY,
  SHEATH_AGREEMENT_MEAN_AXON_DIAM,
  SHEATH_AGREEMENT_MEDIAN_AXON_DIAM,
  SHEATH_AGREEMENT_MEAN_MYELIN_THICKNESS,
  SHEATH_AGREEMENT_MEDIAN_MYELIN_THICKNESS,
  SHEATH_AGREEMENT_MEAN_GRATIO,
  SHEATH_AGREEMENT_MEDIAN_GRATIO,
  SHEATH_AGREEMENT_AVF,
  SHEATH_AGREEMENT_MVF,
  SHEATH_AGREEMENT_N_FIGURES,
} SheathAgreementFigure;

/**
 * SheathAgreementMeasure:
 * @SHEATH_AGREEMENT_DIAMETER: axon diameter, µm
 * @SHEATH_AGREEMENT_THICKNESS: myelin thickness, µm
 * @SHEATH_AGREEMENT_GRATIO: g-ratio
 *
 * What is compared fibre by fibre between matched fibres.
 */
typedef enum
{
  SHEATH_AGREEMENT_DIAMETER,
  SHEATH_AGREEMENT_THICKNESS,
  SHEATH_AGREEMENT_GRATIO,
} SheathAgreementMeasure;

#define SHEATH_TYPE_AGREEMENT (sheath_agreement_get_type ())

SHEATH_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SheathAgreement, sheath_agreement, SHEATH, AGREEMENT, GObject)

SHEATH_AVAILABLE_IN_ALL
SheathAgreement *sheath_agreement_new                 (void);
SHEATH_AVAILABLE_IN_ALL
gboolean         sheath_agreement_add                 (SheathAgreement        *self,
                                                       const char             *name,
                                                       SheathSegmentation     *prediction,
                                                       SheathSegmentation     *truth,
                                                       double                  pixel_size,
                                                       GCancellable           *cancellable,
                                                       GError                **error);
SHEATH_AVAILABLE_IN_ALL
void             sheath_agreement_set_exclude_border  (SheathAgreement        *self,
                                                       gboolean                exclude_border);
SHEATH_AVAILABLE_IN_ALL
gboolean         sheath_agreement_get_exclude_border  (SheathAgreement        *self);
SHEATH_AVAILABLE_IN_ALL
guint            sheath_agreement_get_n_images        (SheathAgreement        *self);
SHEATH_AVAILABLE_IN_ALL
const char      *sheath_agreement_get_figure_name     (SheathAgreementFigure   figure);
SHEATH_AVAILABLE_IN_ALL
double           sheath_agreement_get_figure          (SheathAgreement        *self,
                                                       int                     image,
                                                       SheathAgreementFigure   figure,
                                                       gboolean                predicted);
SHEATH_AVAILABLE_IN_ALL
double           sheath_agreement_get_difference      (SheathAgreement        *self,
                                                       int                     image,
                                                       SheathAgreementFigure   figure);
SHEATH_AVAILABLE_IN_ALL
guint            sheath_agreement_get_bland_altman    (SheathAgreement        *self,
                                                       SheathAgreementMeasure  measure,
                                                       double                 *bias,
                                                       double                 *lower,
                                                       double                 *upper);
SHEATH_AVAILABLE_IN_ALL
guint            sheath_agreement_get_bias_interval   (SheathAgreement        *self,
                                                       SheathAgreementMeasure  measure,
                                                       double                 *lower,
                                                       double                 *upper);
SHEATH_AVAILABLE_IN_ALL
void             sheath_agreement_get_unmatched       (SheathAgreement        *self,
                                                       guint                  *n_extra,
                                                       double                 *extra_median_diam,
                                                       guint                  *n_missed,
                                                       double                 *missed_median_diam);
SHEATH_AVAILABLE_IN_ALL
char            *sheath_agreement_to_json             (SheathAgreement        *self);
SHEATH_AVAILABLE_IN_ALL
gboolean         sheath_agreement_write_plots         (SheathAgreement        *self,
                                                       const char             *dir,
                                                       const char             *prefix,
                                                       GError                **error);

G_END_DECLS
