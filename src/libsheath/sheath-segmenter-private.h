/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-row-source-private.h"
#include "sheath-segmenter.h"

G_BEGIN_DECLS

typedef struct
{
  SheathSegmenter *self;
  SheathImage     *image;       /* segmented whole, or */
  SheathSlide     *slide;       /* streamed, at pixel_size, into dir/stem… */
  double           pixel_size;
  char            *dir;
  char            *stem;
  gboolean         resume;      /* from the state a stopped run saved */
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
void                _sheath_segmenter_report_label_rows (SegmentJob       *job,
                                                         const guint8     *labels,
                                                         guint             first_row,
                                                         guint             n_rows,
                                                         guint             width);

/* sheath-segmenter.c: every class's probability kept in the result, and no
 * fibre dropped, for a calibration to choose from */
SheathSegmentation *_sheath_segmenter_segment_with_probabilities (SheathSegmenter  *self,
                                                                  SheathImage      *image,
                                                                  GCancellable     *cancellable,
                                                                  GError          **error);

/* Where a run's labels go, row by row, each row once and in order. A
 * resumed run starts at @first_tile_row, and the sink has had the rows
 * above @first_image_row. */
typedef struct _SegmentSink SegmentSink;
struct _SegmentSink
{
  guint      first_tile_row;
  guint      first_image_row;
  gboolean (*push_row)      (SegmentSink   *sink,
                             guint          y,
                             const guint8  *labels,
                             const guint8  *confidence,
                             GError       **error);
  /* after each row of tiles: a run resumed at @next_tile_row starts
   * with the image row @next_image_row (may be NULL) */
  gboolean (*tile_row_done) (SegmentSink   *sink,
                             guint          next_tile_row,
                             guint          n_tile_rows,
                             guint          next_image_row,
                             GError       **error);
};

/* sheath-segmenter-run.c: rows from @source segmented tile by tile into
 * @sink; @whole when the result is to be held whole (which bounds its
 * area); @probabilities: every class's, [classes][height][width], or NULL */
gboolean            _sheath_segmenter_run_rows        (SegmentJob         *job,
                                                       SheathRowSource    *source,
                                                       double              pixel_size,
                                                       gboolean            whole,
                                                       guint8             *probabilities,
                                                       SegmentSink        *sink,
                                                       GCancellable       *cancellable,
                                                       GError            **error);
/* the image segmented whole, into memory */
SheathSegmentation *_sheath_segmenter_run             (SegmentJob         *job,
                                                       GCancellable       *cancellable,
                                                       GError            **error);
/* What a model's calibration asks to be done to its labels afterwards
 * (fibres it is unsure of dropped, unmyelinated axons split), and doing it
 * to @result, whose image is @image. */
gboolean            _sheath_segmenter_has_clean_up    (SheathModel        *model);
gboolean            _sheath_segmenter_clean_up        (SheathSegmentation *result,
                                                       SheathModel        *model,
                                                       SheathImage        *image,
                                                       double              pixel_size,
                                                       GCancellable       *cancellable,
                                                       GError            **error);

/* sheath-segmenter-stream.c: job->slide segmented into
 * dir/STEM_seg-axonmyelin.ome.tif (and _seg-uaxon.ome.tif), its state saved
 * as it goes in the file named here */
gboolean            _sheath_segmenter_stream          (SegmentJob         *job,
                                                       GCancellable       *cancellable,
                                                       GError            **error);
char               *_sheath_segmenter_dup_state_path  (const char         *dir,
                                                       const char         *stem);

G_END_DECLS
