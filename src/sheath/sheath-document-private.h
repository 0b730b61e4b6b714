/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-document.h"
#include "sheath-recovery.h"

G_BEGIN_DECLS

/* One open image and everything done to it — segmentation in flight,
 * masks, measurements, hand edits and their recovery file — apart from
 * the other open images and from any widget: its page shows it. */
struct _SheathDocument
{
  GObject              parent_instance;

  GFile               *file;
  GSettings           *settings;
  SheathImage         *image;
  GCancellable        *load_cancellable;  /* the image decoding */
  char                *model_key;         /* the model chosen for this image: "sem", "tem", a path */
  char                *masks_folder;      /* where its masks are kept (a study's), or NULL */

  /* segmentation in flight */
  SheathSegmenter     *segmenter;
  GCancellable        *cancellable;
  SheathSegmentation  *partial;           /* the rows segmented so far, shown while no masks are */
  gint64               segment_started;   /* monotonic µs */
  double               fraction;
  char                *message;

  /* masks and their measurements */
  SheathSegmentation  *segmentation;
  SheathMaskEditor    *editor;
  SheathMorphometrics *morphometrics;
  SheathAggregates    *aggregates;
  GArray              *selection;         /* axon ids, for Delete and Merge */
  gint                 dirty_x0, dirty_y0, dirty_x1, dirty_y1;   /* not yet measured */
  gboolean             measuring;
  guint                measure_serial;    /* which measurement is the latest */
  guint                remeasure_source;

  /* a part of a slide (sheath-document-area.c): its labels come from the
   * slide's label map, and are saved into it */
  GFile               *map;
  GFile               *name_file;
  guint64              area_x, area_y;
  guint                area_width, area_height;
  double               area_pixel_size;
  gboolean             saving;
  guint                edit_serial;       /* edits so far, to know whether a save took them all */

  /* unsaved masks */
  SheathRecovery      *recovery;
  gboolean             modified;
  gboolean             restore_pending;   /* load the recovered masks once the image is in */
  guint                autosave_source;
  GCancellable        *autosave;          /* the recovery save in flight */
  gboolean             autosave_again;
};

enum {
  SHEATH_DOCUMENT_PROP_0,
  SHEATH_DOCUMENT_PROP_FILE,
  SHEATH_DOCUMENT_PROP_SETTINGS,
  SHEATH_DOCUMENT_PROP_IMAGE,
  SHEATH_DOCUMENT_PROP_SEGMENTATION,
  SHEATH_DOCUMENT_PROP_PARTIAL,
  SHEATH_DOCUMENT_PROP_MORPHOMETRICS,
  SHEATH_DOCUMENT_PROP_BUSY,
  SHEATH_DOCUMENT_PROP_FRACTION,
  SHEATH_DOCUMENT_PROP_MESSAGE,
  SHEATH_DOCUMENT_PROP_MEASURING,
  SHEATH_DOCUMENT_PROP_MODIFIED,
  SHEATH_DOCUMENT_PROP_MAP,
  SHEATH_DOCUMENT_PROP_NAME_FILE,
  SHEATH_DOCUMENT_PROP_AREA,
  SHEATH_DOCUMENT_N_PROPS
};

enum {
  SHEATH_DOCUMENT_TOAST,
  SHEATH_DOCUMENT_FAILED,
  SHEATH_DOCUMENT_NEEDS_PIXEL_SIZE,
  SHEATH_DOCUMENT_PREVIEW,
  SHEATH_DOCUMENT_LABELS_CHANGED,
  SHEATH_DOCUMENT_MEASURED,
  SHEATH_DOCUMENT_AXONS_REMEASURED,
  SHEATH_DOCUMENT_SELECTION_CHANGED,
  SHEATH_DOCUMENT_SAVED,
  SHEATH_DOCUMENT_N_SIGNALS
};

void _sheath_document_toast           (SheathDocument *self,
                                       const char     *format,
                                       ...) G_GNUC_PRINTF (2, 3);
void _sheath_document_notify          (SheathDocument *self,
                                       guint           prop);
void _sheath_document_emit            (SheathDocument *self,
                                       guint           signal,
                                       ...);

void _sheath_document_set_segmentation (SheathDocument     *self,
                                        SheathSegmentation *segmentation);

/* sheath-document-measure.c */
void _sheath_document_measure         (SheathDocument *self);
void _sheath_document_remeasure_edits (SheathDocument *self);
void _sheath_document_add_dirty       (SheathDocument *self,
                                       int             x,
                                       int             y,
                                       int             width,
                                       int             height);
void _sheath_document_reset_dirty     (SheathDocument *self);
void _sheath_document_clear_selection (SheathDocument *self);

/* sheath-document-autosave.c */
void _sheath_document_set_modified    (SheathDocument *self,
                                       gboolean        modified);
void _sheath_document_mark_unsaved    (SheathDocument *self);
void _sheath_document_drop_recovery   (SheathDocument *self);
void _sheath_document_stop_autosave   (SheathDocument *self);

/* sheath-document-area.c: a part of a slide's pixels and labels, read in
 * the loading thread */
SheathImage *_sheath_document_read_area (SheathDocument      *self,
                                         SheathSegmentation **labels,
                                         GError             **error);

/* sheath-document-load.c */
void _sheath_document_load            (SheathDocument *self);
void _sheath_document_load_kept_masks (SheathDocument *self);

G_END_DECLS
