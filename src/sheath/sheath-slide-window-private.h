/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-model-picker.h"
#include "sheath-slide-tiles.h"
#include "sheath-slide-window.h"

G_BEGIN_DECLS

struct _SheathSlideWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay   *toasts;
  AdwWindowTitle    *window_title;
  GtkToggleButton   *labels_button;
  GtkDropDown       *map_dropdown;
  SheathModelPicker *model_picker;
  GtkRevealer       *progress_revealer;
  GtkProgressBar    *progress_bar;
  SheathViewer      *viewer;
  GtkWidget         *legend;
  GtkLabel          *legend_title;
  GtkLabel          *legend_low;
  GtkLabel          *legend_high;
  GtkDrawingArea    *legend_bar;
  AdwActionRow      *size_row;
  AdwActionRow      *format_row;
  GtkSpinButton     *pixel_size_spin;
  GtkListBox        *results_list;

  GFile             *file;
  char              *dir;
  char              *stem;
  SheathSlide       *slide;          /* read by the segmenter only */
  SheathSlideTiles  *tiles;
  SheathSegmenter   *segmenter;
  GCancellable      *cancellable;
  guint              pulse_id;
  SheathAggregates  *aggregates;
  SheathMaps        *maps;
  SheathMorphometrics *morphometrics; /* the slide's, once measured */
  gboolean           closed;         /* disposed: work that ends now is dropped */
  gboolean           resuming;       /* the run goes on from a stopped one */
  gboolean           measure_again;  /* the map changed while it was measured */

  /* regions */
  GtkToggleButton   *draw_button;
  GtkListBox        *regions_list;
  SheathRegions     *regions;
  gboolean           regions_unreadable;  /* the file beside is kept as it is */
  GArray            *outline;        /* doubles x, y: one being drawn */
  GPtrArray         *region_figures; /* SheathAggregates, by region */
  GCancellable      *regions_cancellable;
};


/* sheath-slide-window.c */
void  _sheath_slide_window_toast          (SheathSlideWindow *self,
                                           const char        *text);
char *_sheath_slide_window_dup_beside     (SheathSlideWindow *self,
                                           const char        *suffix);

/* sheath-slide-window-regions.c: regions drawn on the slide, saved beside
 * it as GeoJSON and measured once the slide is */
void  _sheath_slide_window_class_init_regions (GtkWidgetClass    *widget_class);
void  _sheath_slide_window_init_regions   (SheathSlideWindow *self);
void  _sheath_slide_window_load_regions   (SheathSlideWindow *self);
void  _sheath_slide_window_measure_regions (SheathSlideWindow *self);

G_END_DECLS
