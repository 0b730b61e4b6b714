/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-morphometrics.h"
#include "sheath-ome-writer-private.h"

G_BEGIN_DECLS

struct _SheathMorphometrics
{
  GObject             parent_instance;

  SheathSegmentation *segmentation;
  double              pixel_size;
  SheathAxonShape     shape;
  guint               width;
  guint               height;
  guint32            *axon_labels;    /* holes filled, specks removed */
  guint32            *fibre_labels;   /* axons grown into their myelin */
  GArray             *axons;          /* SheathAxon, index = id - 1 */
  GArray             *uaxons;         /* unmyelinated: SheathAxon, or NULL */
  GPtrArray          *other_regions;  /* GArray of SheathAxon per other class, or NULL */
  guint               n_specks;
  guint               n_holes_filled;
  guint64             orphan_myelin;

  /* per COUNT_TILE² tile: axon pixels, myelin pixels outside axons, myelin
   * pixels no axon reached; kept up to date by updates, so that area
   * fractions need no pass over the image */
  guint               tiles_x;
  guint32            *tile_counts;
  guint64             axon_pixels;
  guint64             myelin_pixels;

  /* measured band by band: no segmentation, label maps or tile counts */
  gboolean            banded;
};


/* the side of the tiles whose pixel counts are kept */
#define COUNT_TILE 64

/* What measuring one rectangle of a segmentation gives: label maps the
 * rectangle's size and its axons, numbered from 1 in the rectangle's raster
 * order, with coordinates in the whole image. */
typedef struct
{
  guint    x, y, width, height;
  /* a window of an image: its rows are the image's from row_offset on,
   * in an image this size (0: the segmentation's own) */
  guint    row_offset;
  guint    image_width, image_height;
  /* when set, the image rows of the first pixel (raster order) of each
   * axon (first_rows[id], guint), of each speck dropped and of each hole
   * filled */
  gboolean note_first_rows;
  guint   *first_rows;
  guint   *first_cols;
  GArray  *speck_rows;
  GArray  *hole_rows;
  guint32 *axon_labels;
  guint32 *fibre_labels;
  GArray  *axons;
  guint    n_specks;
  guint    n_holes_filled;
  guint64  orphan_myelin;
} Region;

void                _sheath_region_clear                   (Region              *r);
gboolean            _sheath_region_measure                 (SheathSegmentation  *segmentation,
                                                            double               pixel_size,
                                                            SheathAxonShape      shape,
                                                            Region              *r,
                                                            GCancellable        *cancellable,
                                                            GError             **error);
/* Counts again the pixels of the tiles [tx0, tx1) × [ty0, ty1). */
void                _sheath_morphometrics_count_tiles      (SheathMorphometrics *self,
                                                            guint                tx0,
                                                            guint                ty0,
                                                            guint                tx1,
                                                            guint                ty1);

/* Clears the fibres (axon and its myelin) whose mean confidence is below
 * min_confidence or whose axon diameter (µm) is below min_axon_diam, as a
 * calibrated model asks. */
gboolean            _sheath_morphometrics_drop_fibres      (SheathSegmentation *segmentation,
                                                            double              pixel_size,
                                                            double              min_confidence,
                                                            double              min_axon_diam,
                                                            GCancellable       *cancellable,
                                                            GError            **error);

/* sheath-morphometrics-export.c: a CSV field after a comma, and a text file
 * written whole and renamed */
void                _sheath_morphometrics_append_double    (GString             *s,
                                                            double               v);
gboolean            _sheath_morphometrics_write_text       (const char          *path,
                                                            GString             *text,
                                                            GError             **error);

/* The flags of an axon from its measurements (confidence included). */
SheathAxonFlags     _sheath_axon_flags_for                 (const SheathAxon    *axon);

/* Axon components smaller than this many pixels are specks: dropped from
 * the table and counted. */
#define SHEATH_MIN_AXON_PIXELS 5

/* sheath-morphometrics-unmyelinated.c: measures them all again, or drops
 * them when the segmentation has none. */
gboolean            _sheath_morphometrics_measure_unmyelinated (SheathMorphometrics *self,
                                                                GCancellable        *cancellable,
                                                                GError             **error);

/* sheath-morphometrics-banded.c: a label map measured band by band, its
 * rows read into a window (the image's rows from @y on, as many as it
 * has), each band handed on when measured (rows [b0, b1) of the image;
 * the window's first row is the image's row w0), the fibres' ids written
 * to @instance (4-byte samples) when given */
typedef gboolean (*SheathLabelRowsFunc) (gpointer             data,
                                         guint                y,
                                         SheathSegmentation  *window,
                                         GError             **error);
typedef gboolean (*SheathBandFunc)      (gpointer             data,
                                         guint                b0,
                                         guint                b1,
                                         SheathSegmentation  *window,
                                         guint                w0,
                                         GError             **error);
SheathMorphometrics *_sheath_morphometrics_compute_banded (guint                 width,
                                                           guint                 height,
                                                           gboolean              unmyelinated,
                                                           SheathLabelRowsFunc   read_rows,
                                                           gpointer              data,
                                                           double                pixel_size,
                                                           SheathAxonShape       shape,
                                                           guint                 band,
                                                           guint                 halo,
                                                           SheathBandFunc        band_done,
                                                           gpointer              band_data,
                                                           SheathOmeWriter      *instance,
                                                           GCancellable         *cancellable,
                                                           GError              **error);
/* The measured image's size; whether unmyelinated axons were measured. */
void                _sheath_morphometrics_get_size         (SheathMorphometrics *self,
                                                            guint               *width,
                                                            guint               *height);
gboolean            _sheath_morphometrics_has_unmyelinated (SheathMorphometrics *self);

/* NULL for a banded measurement, as the label maps are */
SheathSegmentation *_sheath_morphometrics_get_segmentation (SheathMorphometrics *self);
/* Per pixel: the axon (fibre) a pixel belongs to, 0 for none. */
const guint32      *_sheath_morphometrics_get_fibre_labels (SheathMorphometrics *self);
/* Per pixel: the axon whose axon (not myelin) it is, 0 for none. */
const guint32      *_sheath_morphometrics_get_axon_labels  (SheathMorphometrics *self);

/* Pixels of axon, and of myelin outside axons, in the whole image. */
void                _sheath_morphometrics_get_pixel_counts (SheathMorphometrics *self,
                                                            guint64             *axon,
                                                            guint64             *myelin);

G_END_DECLS
