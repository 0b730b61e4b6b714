/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(SHEATH_INSIDE) && !defined(SHEATH_COMPILATION)
# error "Only <sheath.h> can be included directly."
#endif

#include <gio/gio.h>

#include "sheath-model.h"
#include "sheath-version.h"

G_BEGIN_DECLS

#define SHEATH_TYPE_CALIBRATION (sheath_calibration_get_type ())

SHEATH_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SheathCalibration, sheath_calibration, SHEATH, CALIBRATION, GObject)

SHEATH_AVAILABLE_IN_ALL
SheathCalibration *sheath_calibration_new                  (SheathModel        *model);
SHEATH_AVAILABLE_IN_ALL
void               sheath_calibration_set_flips            (SheathCalibration  *self,
                                                            gboolean            flips);
SHEATH_AVAILABLE_IN_ALL
gboolean           sheath_calibration_add_image            (SheathCalibration  *self,
                                                            const char         *image,
                                                            const char         *axon_mask,
                                                            const char         *myelin_mask,
                                                            const char         *subject,
                                                            GCancellable       *cancellable,
                                                            GError            **error);
SHEATH_AVAILABLE_IN_ALL
gboolean           sheath_calibration_run                  (SheathCalibration  *self,
                                                            GCancellable       *cancellable,
                                                            GError            **error);
SHEATH_AVAILABLE_IN_ALL
const double      *sheath_calibration_get_decision_weights (SheathCalibration  *self,
                                                            guint              *n_weights);
SHEATH_AVAILABLE_IN_ALL
double             sheath_calibration_get_min_fibre_confidence (SheathCalibration *self);
SHEATH_AVAILABLE_IN_ALL
double             sheath_calibration_get_min_axon_diam    (SheathCalibration  *self);
SHEATH_AVAILABLE_IN_ALL
char              *sheath_calibration_dup_report           (SheathCalibration  *self);
SHEATH_AVAILABLE_IN_ALL
gboolean           sheath_calibration_write_model          (SheathCalibration  *self,
                                                            const char         *path,
                                                            GError            **error);

G_END_DECLS
