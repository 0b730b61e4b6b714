/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-rng-private.h"
#include "sheath-safetensors-private.h"
#include "sheath-segmentation.h"
#include "sheath-train-net-private.h"
#include "sheath-trainer.h"
#include "sheath-training-data-private.h"

G_BEGIN_DECLS

#define CHECKPOINT_VERSION "1"

struct _SheathTrainer
{
  GObject             parent_instance;

  /* what to train */
  GPtrArray          *sources;          /* JSON strings describing the data, for checkpoints */
  SheathTrainingData *data;
  char               *init_path;
  char               *output;
  char               *checkpoint;
  char              **validation_subjects;
  char               *modality;
  char               *description;
  double              pixel_size;
  guint               depth;
  guint               base_channels;
  guint               patch_size;
  guint               batch_size;
  double              learning_rate;
  double              weight_decay;
  double              uaxon_gap;           /* µm between touching unmyelinated axons' targets */
  double              boundary_weight;     /* extra cross-entropy weight at class boundaries */
  guint               epochs;
  double              minutes;
  guint               n_threads;
  guint64             seed;
  gboolean            half_precision;
  double              checkpoint_interval;
  char              **classes;          /* background, myelin, axon[, uaxon] */
  double              class_weights[SHEATH_NET_MAX_CLASSES];  /* all 0: 1 / √frequency, from the data */
  guint               n_class_weights;

  /* state, saved in checkpoints */
  SheathTrainNet     *net;
  SheathRng           rng;
  guint64             step;
  guint64             total_steps;
  guint               epoch;
  double              best_score;
  double              elapsed;          /* training seconds, earlier runs included */
  gboolean            resumed;
  gint64              run_start;        /* when this process's run began, 0 before */
  double              elapsed_at_run_start;
  gint64              steps_start;      /* when this run's first step began */
  guint64             first_step;

  /* progress, as the main context sees it */
  GMutex              mutex;
  gboolean            queued;
  double              fraction, p_fraction;
  char               *message, *p_message;
  guint               shown_epoch, p_epoch;
  double              loss, p_loss;
  double              step_loss, p_step_loss;
  double              epoch_position, p_epoch_position;
  guint64             steps_per_epoch;  /* of the run in flight */
  double              dice_axon, p_dice_axon;
  double              dice_myelin, p_dice_myelin;
  double              dice_uaxon, p_dice_uaxon;
  double              accuracy, p_accuracy;
  GMainContext       *context;
  SheathImage        *preview_image;    /* the first validation image and its last prediction */
  SheathSegmentation *preview;
};



/* sheath-trainer-settings.c */
guint       _sheath_trainer_get_n_classes    (SheathTrainer  *self);

/* sheath-trainer.c */
void        _sheath_trainer_report           (SheathTrainer  *self,
                                              const char     *message);
void        _sheath_trainer_apply_progress   (SheathTrainer  *self);

/* sheath-trainer-checkpoint.c */
void        _sheath_trainer_count_elapsed    (SheathTrainer  *self);
GHashTable *_sheath_trainer_model_metadata   (SheathTrainer  *self,
                                              double          dice_axon,
                                              double          dice_myelin,
                                              double          dice_uaxon);
gboolean    _sheath_trainer_write_checkpoint (SheathTrainer  *self,
                                              GError        **error);

G_END_DECLS
