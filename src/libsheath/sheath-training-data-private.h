/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sheath-image.h"
#include "sheath-net-private.h"
#include "sheath-rng-private.h"
#include "sheath-segmentation.h"

G_BEGIN_DECLS

/* Labelled images for training: read, resampled to the model's pixel size,
 * split by subject, and cut into augmented patches. */

typedef struct
{
  char               *name;         /* the image's file name */
  char               *subject;      /* BIDS subject, or the file's folder */
  char               *image_path;
  char               *axon_path;
  char               *myelin_path;
  char               *uaxon_path;   /* beside the axon mask, or NULL */
  double              pixel_size;
  gboolean            validation;
  SheathImage        *image;        /* native, for validation through inference */
  SheathSegmentation *truth;        /* native labels */
  guint               width;        /* on the model's grid */
  guint               height;
  float              *pixels;       /* 0–1, on the model's grid */
  guint8             *labels;       /* SheathLabel, on the model's grid */
  double              mean;
  double              std;
} SheathTrainingSample;

typedef struct
{
  GPtrArray *samples;               /* SheathTrainingSample */
  double     pixel_size;            /* the model's */
  guint      n_classes;             /* 3, or 4 with unmyelinated axons */
  double     class_weights[SHEATH_NET_MAX_CLASSES];
  double     uaxon_gap;             /* µm kept between touching unmyelinated axons' targets */
} SheathTrainingData;

SheathTrainingData *_sheath_training_data_new        (void);
void                _sheath_training_data_free       (SheathTrainingData *data);
/* Every image of a BIDS dataset with its manual masks in derivatives/labels. */
gboolean            _sheath_training_data_add_bids   (SheathTrainingData *data,
                                                      const char         *dir,
                                                      GError            **error);
/* One image and its masks; pixel_size 0 reads it the usual way. An
 * unmyelinated-axon mask beside the axon mask (`_seg-uaxon` for
 * `_seg-axon`) is found by its name. */
gboolean            _sheath_training_data_add_image  (SheathTrainingData *data,
                                                      const char         *image_path,
                                                      const char         *axon_path,
                                                      const char         *myelin_path,
                                                      double              pixel_size,
                                                      const char         *subject,
                                                      GError            **error);
/* Reads everything, splits by subject (validation_subjects, or about a
 * fifth of the subjects chosen by seed when NULL), and resamples. With
 * n_classes 4, every image needs its unmyelinated-axon mask. */
gboolean            _sheath_training_data_prepare    (SheathTrainingData  *data,
                                                      double               pixel_size,
                                                      const char * const  *validation_subjects,
                                                      guint64              seed,
                                                      GCancellable        *cancellable,
                                                      GError             **error);
char              **_sheath_training_data_dup_subjects (SheathTrainingData *data,
                                                        gboolean            validation);
guint64             _sheath_training_data_count_training_pixels (SheathTrainingData *data);
/* A batch of augmented patches, z-scored, with their labels. */
void                _sheath_training_data_sample     (SheathTrainingData *data,
                                                      SheathRng          *rng,
                                                      guint               patch,
                                                      guint               batch,
                                                      gboolean            augment,
                                                      float              *input,
                                                      guint8             *targets);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SheathTrainingData, _sheath_training_data_free)

G_END_DECLS
