/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-segmenter.h"

G_BEGIN_DECLS

typedef struct
{
  SheathSegmenter *self;
  SheathImage     *image;
  SheathModel     *model;
  GMainContext    *context;     /* NULL when run synchronously */
  guint            n_threads;
  guint            tile_size;
  guint            tile_margin;
  gboolean         flips;
  gboolean         keep_probabilities;   /* every class's, for calibration */
} SegmentJob;

/* sheath-segmenter.c: from the worker to the caller's main context */
void                _sheath_segmenter_report_progress (SegmentJob         *job,
                                                       double              fraction,
                                                       const char         *message);
void                _sheath_segmenter_report_rows     (SegmentJob         *job,
                                                       SheathSegmentation *result,
                                                       guint               first_row,
                                                       guint               n_rows);

/* sheath-segmenter.c: every class's probability kept in the result, and no
 * fibre dropped, for a calibration to choose from */
SheathSegmentation *_sheath_segmenter_segment_with_probabilities (SheathSegmenter  *self,
                                                                  SheathImage      *image,
                                                                  GCancellable     *cancellable,
                                                                  GError          **error);

/* sheath-segmenter-run.c: the image segmented, tile by tile */
SheathSegmentation *_sheath_segmenter_run             (SegmentJob         *job,
                                                       GCancellable       *cancellable,
                                                       GError            **error);

G_END_DECLS
