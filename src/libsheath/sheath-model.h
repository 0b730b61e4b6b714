/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(SHEATH_INSIDE) && !defined(SHEATH_COMPILATION)
# error "Only <sheath.h> can be included directly."
#endif

#include <gio/gio.h>

#include "sheath-image.h"
#include "sheath-version.h"

G_BEGIN_DECLS

#define SHEATH_TYPE_MODEL (sheath_model_get_type ())

SHEATH_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SheathModel, sheath_model, SHEATH, MODEL, GObject)

/**
 * SheathNormalization:
 * @SHEATH_NORMALIZATION_IMAGE_ZSCORE: subtract the image's mean, divide by its standard deviation
 * @SHEATH_NORMALIZATION_FIXED: subtract a fixed mean and divide by a fixed standard deviation,
 *   both on a 0–1 intensity scale
 *
 * How a model wants its input scaled.
 */
typedef enum
{
  SHEATH_NORMALIZATION_IMAGE_ZSCORE,
  SHEATH_NORMALIZATION_FIXED,
} SheathNormalization;

/**
 * SheathModelFit:
 * @SHEATH_MODEL_FIT_UNKNOWN: the image has no pixel size yet
 * @SHEATH_MODEL_FIT_OFF_SCALE: the image would be resampled by more than
 *   %SHEATH_MODEL_FIT_MAX_SCALE either way: fibres far from the sizes the
 *   model learnt
 * @SHEATH_MODEL_FIT_OTHER_MODALITY: the image's name says another modality
 * @SHEATH_MODEL_FIT_RESAMPLED: usable, resampled by up to
 *   %SHEATH_MODEL_FIT_MAX_SCALE
 * @SHEATH_MODEL_FIT_GOOD: the same modality (or none said) and within a
 *   factor of two of the model's pixel size
 *
 * How well a model suits an image, worst to best.
 */
typedef enum
{
  SHEATH_MODEL_FIT_UNKNOWN,
  SHEATH_MODEL_FIT_OFF_SCALE,
  SHEATH_MODEL_FIT_OTHER_MODALITY,
  SHEATH_MODEL_FIT_RESAMPLED,
  SHEATH_MODEL_FIT_GOOD,
} SheathModelFit;

/**
 * SHEATH_MODEL_FIT_MAX_SCALE:
 *
 * The most an image is resampled, either way, before a model is off its scale.
 */
#define SHEATH_MODEL_FIT_MAX_SCALE 3.0

SHEATH_AVAILABLE_IN_ALL
SheathModel         *sheath_model_new_from_file        (GFile        *file,
                                                        GError      **error);
SHEATH_AVAILABLE_IN_ALL
SheathModel         *sheath_model_new_builtin          (const char   *name,
                                                        GError      **error);
SHEATH_AVAILABLE_IN_ALL
GHashTable          *sheath_model_read_metadata        (GFile        *file,
                                                        GError      **error);
SHEATH_AVAILABLE_IN_ALL
char                *sheath_model_dup_user_dir         (void);
SHEATH_AVAILABLE_IN_ALL
GFile               *sheath_model_find_builtin         (const char   *name);
SHEATH_AVAILABLE_IN_ALL
char                *sheath_model_dup_name_for_path    (const char   *path);
SHEATH_AVAILABLE_IN_ALL
GFile               *sheath_model_get_file             (SheathModel  *self);
SHEATH_AVAILABLE_IN_ALL
const char          *sheath_model_get_architecture     (SheathModel  *self);
SHEATH_AVAILABLE_IN_ALL
guint                sheath_model_get_depth            (SheathModel  *self);
SHEATH_AVAILABLE_IN_ALL
guint                sheath_model_get_base_channels    (SheathModel  *self);
SHEATH_AVAILABLE_IN_ALL
guint                sheath_model_get_in_channels      (SheathModel  *self);
SHEATH_AVAILABLE_IN_ALL
guint                sheath_model_get_n_classes        (SheathModel  *self);
SHEATH_AVAILABLE_IN_ALL
const char * const  *sheath_model_get_class_names      (SheathModel  *self);
SHEATH_AVAILABLE_IN_ALL
const double        *sheath_model_get_decision_weights (SheathModel  *self,
                                                        guint        *n_weights);
SHEATH_AVAILABLE_IN_ALL
double               sheath_model_get_min_fibre_confidence (SheathModel *self);
SHEATH_AVAILABLE_IN_ALL
double               sheath_model_get_min_axon_diam    (SheathModel  *self);
SHEATH_AVAILABLE_IN_ALL
gboolean             sheath_model_get_test_time_flips  (SheathModel  *self);
SHEATH_AVAILABLE_IN_ALL
void                 sheath_model_get_uaxon_split      (SheathModel  *self,
                                                        double       *sigma,
                                                        double       *depth,
                                                        double       *min_area);
SHEATH_AVAILABLE_IN_ALL
double               sheath_model_get_uaxon_split_distance_weight (SheathModel *self);
SHEATH_AVAILABLE_IN_ALL
double               sheath_model_get_pixel_size       (SheathModel  *self);
SHEATH_AVAILABLE_IN_ALL
const char          *sheath_model_get_modality         (SheathModel  *self);
SHEATH_AVAILABLE_IN_ALL
const char          *sheath_model_get_description      (SheathModel  *self);
SHEATH_AVAILABLE_IN_ALL
SheathNormalization  sheath_model_get_normalization    (SheathModel  *self);
SHEATH_AVAILABLE_IN_ALL
gboolean             sheath_model_get_fixed_normalization (SheathModel *self,
                                                        double       *mean,
                                                        double       *std);
SHEATH_AVAILABLE_IN_ALL
guint64              sheath_model_get_n_parameters     (SheathModel  *self);
SHEATH_AVAILABLE_IN_ALL
char                *sheath_model_dup_metadata_value   (SheathModel  *self,
                                                        const char   *key);
SHEATH_AVAILABLE_IN_ALL
char               **sheath_model_dup_metadata_keys    (SheathModel  *self);

SHEATH_AVAILABLE_IN_ALL
SheathModelFit       sheath_model_fit_image            (const char   *model_modality,
                                                        double        model_pixel_size,
                                                        SheathImage  *image,
                                                        double       *scale);
SHEATH_AVAILABLE_IN_ALL
SheathModelFit       sheath_model_get_fit              (SheathModel  *self,
                                                        SheathImage  *image,
                                                        double       *scale);

G_END_DECLS
