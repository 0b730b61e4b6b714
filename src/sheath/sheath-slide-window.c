/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-slide-window"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include <math.h>

#include "sheath-model-picker.h"
#include "sheath-slide-window-private.h"

/**
 * SheathSlideWindow:
 *
 * A whole section or slide-scanner file, which is never held whole: shown
 * from its levels (SheathSlideTiles), segmented in the background into a
 * label map beside it (`STEM_seg-axonmyelin.ome.tif`) with the rows done
 * appearing as they come, a stopped run continued where it stopped, and
 * measured band by band, with per-cell maps shown over it with a legend.
 * The tables and maps go beside the slide, as the command line writes
 * them.
 */

#define MAP_CELL_UM 50.0

G_DEFINE_FINAL_TYPE (SheathSlideWindow, sheath_slide_window, ADW_TYPE_APPLICATION_WINDOW)

void
_sheath_slide_window_toast (SheathSlideWindow *self,
                            const char        *text)
{
  AdwToast *t = adw_toast_new (text);

  adw_toast_set_timeout (t, 8);
  adw_toast_overlay_add_toast (self->toasts, t);
}

#define toast _sheath_slide_window_toast

/* STEM + @suffix beside the slide */
char *
_sheath_slide_window_dup_beside (SheathSlideWindow *self,
                                 const char        *suffix)
{
  g_autofree char *name = g_strconcat (self->stem, suffix, NULL);

  return g_build_filename (self->dir, name, NULL);
}

static char *
map_path (SheathSlideWindow *self)
{
  return _sheath_slide_window_dup_beside (self, "_seg-axonmyelin.ome.tif");
}

static void
update_actions (SheathSlideWindow *self)
{
  gboolean busy = self->cancellable != NULL;
  g_autofree char *map = map_path (self);
  gboolean has_map = g_file_test (map, G_FILE_TEST_EXISTS);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "slide.segment", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "slide.measure", !busy && has_map);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "slide.edit-masks", !busy && has_map);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "slide.stop", busy);
  gtk_revealer_set_reveal_child (self->progress_revealer, busy);
}

static void measure (SheathSlideWindow *self);

static void
finish_work (SheathSlideWindow *self)
{
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  update_actions (self);
  if (self->measure_again && !self->closed)
    {
      self->measure_again = FALSE;
      measure (self);
    }
}

static double
pixel_size (SheathSlideWindow *self)
{
  return gtk_spin_button_get_value (self->pixel_size_spin);
}


/* ---- labels and maps ------------------------------------------------------ */

/* The label map beside the slide, if there is one of its size. */
static void
load_label_map (SheathSlideWindow *self,
                gboolean           say_why_not)
{
  g_autofree char *path = map_path (self);
  g_autoptr(GFile) map = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  if (!g_file_query_exists (map, NULL))
    {
      sheath_slide_tiles_set_label_map (self->tiles, NULL, NULL);
      return;
    }
  if (!sheath_slide_tiles_set_label_map (self->tiles, map, &error) && say_why_not)
    {
      g_autofree char *text = g_strdup_printf (_ ("The label map beside the slide is not used: %s"), error->message);

      toast (self, text);
    }
}

static void
labels_toggled_cb (GtkToggleButton   *button,
                   SheathSlideWindow *self)
{
  sheath_viewer_set_overlay_visible (self->viewer, gtk_toggle_button_get_active (button));
}

static void
legend_draw_cb (GtkDrawingArea *area,
                cairo_t        *cr,
                int             width,
                int             height,
                gpointer        data)
{
  for (int x = 0; x < width; x++)
    {
      double r, g, b;

      sheath_maps_get_colour ((double) x / MAX (width - 1, 1), &r, &g, &b);
      cairo_set_source_rgb (cr, r, g, b);
      cairo_rectangle (cr, x, 0, 1, height);
      cairo_fill (cr);
    }
}

static char *
format_figure (double value)
{
  if (isnan (value))
    return g_strdup ("—");
  if (fabs (value) >= 1000 || value == floor (value))
    return g_strdup_printf ("%.0f", value);
  return g_strdup_printf ("%.3g", value);
}

/* The map chosen in the drop-down, over the slide, its cells drawn as
 * squares of a few texture pixels so that they stay sharp, undefined ones
 * clear; and its legend. */
static void
map_chosen_cb (GtkDropDown       *dropdown,
               GParamSpec        *pspec,
               SheathSlideWindow *self)
{
  guint chosen = gtk_drop_down_get_selected (dropdown);
  SheathMapMetric metric;
  guint columns, rows, k;
  double lo, hi, cell_px;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *low = NULL, *high = NULL;
  guint8 *rgba;

  if (chosen == 0 || chosen == GTK_INVALID_LIST_POSITION || self->maps == NULL)
    {
      sheath_viewer_set_map (self->viewer, NULL, 0, 0);
      gtk_widget_set_visible (self->legend, FALSE);
      return;
    }
  metric = chosen - 1;
  columns = sheath_maps_get_columns (self->maps);
  rows = sheath_maps_get_rows (self->maps);
  k = CLAMP (4096 / MAX (columns, rows), 1, 8);
  sheath_maps_get_range (self->maps, metric, &lo, &hi);
  rgba = g_malloc0 ((gsize) columns * k * rows * k * 4);
  for (guint y = 0; y < rows * k; y++)
    for (guint x = 0; x < columns * k; x++)
      {
        double v = sheath_maps_get_value (self->maps, metric, x / k, y / k);
        guint8 *p = rgba + ((gsize) y * columns * k + x) * 4;
        double r, g, b;

        if (isnan (v))
          continue;
        sheath_maps_get_colour ((v - lo) / (hi - lo), &r, &g, &b);
        p[0] = (guint8) (r * 255);
        p[1] = (guint8) (g * 255);
        p[2] = (guint8) (b * 255);
        p[3] = 255;
      }
  bytes = g_bytes_new_take (rgba, (gsize) columns * k * rows * k * 4);
  texture = gdk_memory_texture_new (columns * k, rows * k, GDK_MEMORY_R8G8B8A8, bytes, (gsize) columns * k * 4);
  cell_px = sheath_maps_get_cell_size (self->maps) / pixel_size (self);
  sheath_viewer_set_map (self->viewer, texture, columns * cell_px, rows * cell_px);

  low = format_figure (lo);
  high = format_figure (hi);
  gtk_label_set_text (self->legend_title, sheath_map_metric_get_title (metric));
  gtk_label_set_text (self->legend_low, low);
  gtk_label_set_text (self->legend_high, high);
  gtk_widget_set_visible (self->legend, TRUE);
}


/* ---- measuring ------------------------------------------------------------ */

typedef struct
{
  GFile               *map;
  double               pixel_size;
  char                *dir;
  char                *stem;
  SheathMorphometrics *morphometrics;
  SheathAggregates    *aggregates;
  SheathMaps          *maps;
} Measure;

static void
measure_free (Measure *m)
{
  g_object_unref (m->map);
  g_free (m->dir);
  g_free (m->stem);
  g_clear_object (&m->morphometrics);
  g_clear_pointer (&m->aggregates, sheath_aggregates_free);
  g_clear_object (&m->maps);
  g_free (m);
}

static char *
beside (Measure    *m,
        const char *suffix)
{
  g_autofree char *name = g_strconcat (m->stem, suffix, NULL);

  return g_build_filename (m->dir, name, NULL);
}

/* In a worker: measured band by band, and written as the command line
 * writes it (each file through a temporary one). */
static void
measure_worker (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  Measure *m = data;
  GError *error = NULL;
  g_autofree char *csv = beside (m, "_axon_morphometrics.csv");
  g_autofree char *aggregate = beside (m, "_morphometrics_aggregate.csv");
  g_autofree char *instance = beside (m, "_instance-map.tif");
  g_autofree char *maps = beside (m, "_maps.tif");

  if (!(m->morphometrics = sheath_morphometrics_compute_from_map (m->map, m->pixel_size, SHEATH_AXON_SHAPE_CIRCLE,
                                                                  MAP_CELL_UM, &m->maps, instance, cancellable,
                                                                  &error)) ||
      !(m->aggregates = sheath_aggregates_compute (m->morphometrics, NULL, FALSE, 1.0, &error)) ||
      !sheath_morphometrics_write_csv (m->morphometrics, csv, &error) ||
      !sheath_aggregates_write_csv (m->aggregates, aggregate, &error) ||
      !sheath_maps_write_tiff (m->maps, maps, &error) ||
      !sheath_maps_write_heat_maps (m->maps, m->dir, m->stem, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
add_result_row (SheathSlideWindow *self,
                const char        *title,
                const char        *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  gtk_widget_add_css_class (row, "property");
  gtk_list_box_append (self->results_list, row);
}

static void
show_aggregates (SheathSlideWindow *self)
{
  SheathAggregates *a = self->aggregates;
  GtkWidget *child;
  struct { const char *title; double value; } figures[] = {
    { N_ ("Axons"), a->n_axons },
    { N_ ("Myelinated axons"), a->n_myelinated },
    { N_ ("Axon density (per mm²)"), a->axon_density_mm2 },
    { N_ ("Axon volume fraction"), a->avf },
    { N_ ("Myelin volume fraction"), a->mvf },
    { N_ ("Aggregate g-ratio"), a->gratio_aggr },
    { N_ ("Mean g-ratio"), a->mean_gratio },
    { N_ ("Mean axon diameter (µm)"), a->mean_axon_diam },
    { N_ ("Mean myelin thickness (µm)"), a->mean_myelin_thickness },
    { N_ ("Area (mm²)"), a->area_mm2 },
  };

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->results_list))) != NULL)
    gtk_list_box_remove (self->results_list, child);
  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    {
      g_autofree char *text = format_figure (figures[i].value);

      add_result_row (self, _ (figures[i].title), text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->results_list), TRUE);
}

static void
measured_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SheathSlideWindow) self = user_data;
  Measure *m = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (self->closed)
    return;
  finish_work (self);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = g_strdup_printf (_ ("Cannot measure the slide: %s"), error->message);
      toast (self, text);
      return;
    }

  g_clear_pointer (&self->aggregates, sheath_aggregates_free);
  g_clear_object (&self->maps);
  self->aggregates = g_steal_pointer (&m->aggregates);
  self->maps = g_steal_pointer (&m->maps);
  g_set_object (&self->morphometrics, m->morphometrics);
  show_aggregates (self);
  _sheath_slide_window_measure_regions (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->map_dropdown), TRUE);
  map_chosen_cb (self->map_dropdown, NULL, self);
  {
    g_autofree char *text = g_strdup_printf (_ ("%u axons measured; their table and the maps are beside the slide"),
                                             self->aggregates->n_axons);
    toast (self, text);
  }
}

static gboolean
pulse_cb (gpointer data)
{
  SheathSlideWindow *self = data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
measure (SheathSlideWindow *self)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = map_path (self);
  Measure *m;

  if (pixel_size (self) <= 0)
    {
      toast (self, _ ("Set the slide's pixel size first"));
      return;
    }
  m = g_new0 (Measure, 1);
  m->map = g_file_new_for_path (path);
  m->pixel_size = pixel_size (self);
  m->dir = g_strdup (self->dir);
  m->stem = g_strdup (self->stem);
  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, measured_cb, g_object_ref (self));
  g_task_set_task_data (task, m, (GDestroyNotify) measure_free);
  g_task_run_in_thread (task, measure_worker);

  gtk_progress_bar_set_text (self->progress_bar, _ ("Measuring, band by band…"));
  self->pulse_id = g_timeout_add (200, pulse_cb, self);
  update_actions (self);
}

static void
measure_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  measure (SHEATH_SLIDE_WINDOW (widget));
}


/* ---- segmenting ----------------------------------------------------------- */

static void
rows_segmented_cb (SheathSegmenter   *segmenter,
                   guint              first_row,
                   guint              n_rows,
                   GBytes            *labels,
                   SheathSlideWindow *self)
{
  sheath_slide_tiles_add_label_rows (self->tiles, first_row, n_rows, labels);
}

static void
fraction_cb (SheathSegmenter   *segmenter,
             GParamSpec        *pspec,
             SheathSlideWindow *self)
{
  g_autofree char *message = sheath_segmenter_dup_message (segmenter);

  gtk_progress_bar_set_fraction (self->progress_bar, sheath_segmenter_get_fraction (segmenter));
  gtk_progress_bar_set_text (self->progress_bar, message);
}

static void start_segmenting (SheathSlideWindow *self,
                              SheathModel       *model,
                              gboolean           resume);

static void
segmented_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SheathSlideWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = sheath_segmenter_segment_slide_finish (SHEATH_SEGMENTER (object), result, &error);
  g_autoptr(SheathModel) model = g_object_ref (sheath_segmenter_get_model (SHEATH_SEGMENTER (object)));

  g_signal_handlers_disconnect_by_data (object, self);
  g_clear_object (&self->segmenter);
  if (self->closed)
    return;
  /* the stopped run was of another model or pixel size, or its state is
   * damaged: the user asked to segment, so it starts again from the top */
  if (!ok && self->resuming && g_error_matches (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT))
    {
      g_autofree char *text = g_strdup_printf (_ ("%s; segmenting from the top"), error->message);

      finish_work (self);
      toast (self, text);
      start_segmenting (self, model, FALSE);
      return;
    }
  finish_work (self);
  /* the finished map, or the one there was before */
  load_label_map (self, ok);
  if (ok)
    {
      measure (self);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, _ ("Stopped; Segment continues where it stopped"));
  else
    {
      g_autofree char *text = g_strdup_printf (_ ("Cannot segment the slide: %s"), error->message);

      toast (self, text);
    }
}

static void
start_segmenting (SheathSlideWindow *self,
                  SheathModel       *model,
                  gboolean           resume)
{
  self->segmenter = sheath_segmenter_new (model);
  self->resuming = resume;
  g_signal_connect (self->segmenter, "rows-segmented", G_CALLBACK (rows_segmented_cb), self);
  g_signal_connect (self->segmenter, "notify::fraction", G_CALLBACK (fraction_cb), self);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->aggregates, sheath_aggregates_free);
  g_clear_object (&self->maps);
  g_clear_object (&self->morphometrics);
  _sheath_slide_window_measure_regions (self);
  gtk_drop_down_set_selected (self->map_dropdown, 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->map_dropdown), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->results_list), FALSE);
  /* a resumed run shows only the rows it segments */
  sheath_slide_tiles_start_labels (self->tiles);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, resume ? _ ("Continuing where it stopped…") : _ ("Starting"));
  sheath_segmenter_segment_slide_async (self->segmenter, self->slide, pixel_size (self), self->dir, self->stem,
                                        resume, self->cancellable, segmented_cb, g_object_ref (self));
  update_actions (self);
}

static void
segment_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  SheathSlideWindow *self = SHEATH_SLIDE_WINDOW (widget);
  g_autoptr(SheathModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *map = map_path (self);
  g_autofree char *state = g_strconcat (map, ".resume", NULL);

  if (pixel_size (self) <= 0)
    {
      toast (self, _ ("Set the slide's pixel size first"));
      return;
    }
  if ((model = sheath_model_picker_load_model (self->model_picker, &error)) == NULL)
    {
      g_autofree char *text = g_strdup_printf (_ ("Cannot load the model: %s"), error->message);

      toast (self, text);
      return;
    }
  /* a run stopped before goes on where it stopped */
  start_segmenting (self, model, g_file_test (state, G_FILE_TEST_EXISTS));
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SheathSlideWindow *self = SHEATH_SLIDE_WINDOW (widget);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static void
toggle_labels_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  SheathSlideWindow *self = SHEATH_SLIDE_WINDOW (widget);

  gtk_toggle_button_set_active (self->labels_button, !gtk_toggle_button_get_active (self->labels_button));
}

static void
pixel_size_changed_cb (GtkSpinButton     *spin,
                       SheathSlideWindow *self)
{
  sheath_slide_tiles_set_pixel_size (self->tiles, gtk_spin_button_get_value (spin));
}


/* ---- correcting the masks of a part ---------------------------------------- */

/* the largest part opened to edit, a side: what the editor holds whole */
#define EDIT_SIDE_MAX 4096

/* A part's masks were saved into the map: shown, and measured again. */
static void
part_saved_cb (SheathDocument    *doc,
               const char        *dir,
               SheathSlideWindow *self)
{
  load_label_map (self, TRUE);
  if (self->cancellable == NULL)
    measure (self);
  else
    self->measure_again = TRUE;   /* once the work in flight ends */
}

/**
 * sheath_slide_window_edit_area:
 * @window: (nullable): the window to open the part in; the application's
 *   first image window, or a new one, if %NULL
 * @error: return location for a #GError
 *
 * Opens a part of the slide in an image window's editor, its masks read
 * from the slide's label map and saved back into it; once saved, the slide
 * shows them and is measured again.
 *
 * Returns: (transfer none): the part's page, or %NULL with @error set
 *   (no label map beside the slide)
 */
SheathPage *
sheath_slide_window_edit_area (SheathSlideWindow *self,
                               SheathWindow      *window,
                               guint64            x,
                               guint64            y,
                               guint              width,
                               guint              height,
                               GError           **error)
{
  g_autofree char *path = map_path (self);
  g_autoptr(GFile) map = g_file_new_for_path (path);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  SheathPage *page;

  g_return_val_if_fail (SHEATH_IS_SLIDE_WINDOW (self), NULL);

  if (!g_file_query_exists (map, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _ ("Segment the slide first: it has no label map"));
      return NULL;
    }
  for (GList *l = gtk_application_get_windows (app); window == NULL && l != NULL; l = l->next)
    if (SHEATH_IS_WINDOW (l->data))
      window = l->data;
  if (window == NULL)
    window = sheath_window_new (SHEATH_APPLICATION (app));

  page = sheath_window_open_map_area (window, self->file, map, x, y, width, height, pixel_size (self));
  g_signal_handlers_disconnect_by_func (sheath_page_get_document (page), part_saved_cb, self);
  g_signal_connect_object (sheath_page_get_document (page), "saved", G_CALLBACK (part_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (window));
  return page;
}

/* The part in view, at most EDIT_SIDE_MAX a side about its centre. */
static void
edit_masks_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  SheathSlideWindow *self = SHEATH_SLIDE_WINDOW (widget);
  double ox, oy, zoom = sheath_viewer_get_zoom (self->viewer);
  double vw = gtk_widget_get_width (GTK_WIDGET (self->viewer)) / zoom;
  double vh = gtk_widget_get_height (GTK_WIDGET (self->viewer)) / zoom;
  double sw = (double) sheath_slide_get_level_width (self->slide, 0);
  double sh = (double) sheath_slide_get_level_height (self->slide, 0);
  double x0, y0, x1, y1, cx, cy;
  g_autoptr(GError) error = NULL;

  sheath_viewer_get_origin (self->viewer, &ox, &oy);
  cx = ox + vw / 2;
  cy = oy + vh / 2;
  vw = MIN (vw, EDIT_SIDE_MAX);
  vh = MIN (vh, EDIT_SIDE_MAX);
  x0 = CLAMP (floor (cx - vw / 2), 0, sw - 1);
  y0 = CLAMP (floor (cy - vh / 2), 0, sh - 1);
  x1 = CLAMP (ceil (cx + vw / 2), x0 + 1, sw);
  y1 = CLAMP (ceil (cy + vh / 2), y0 + 1, sh);
  if (sheath_slide_window_edit_area (self, NULL, (guint64) x0, (guint64) y0, (guint) (x1 - x0), (guint) (y1 - y0),
                                     &error) == NULL)
    toast (self, error->message);
}


/* ---- the window ----------------------------------------------------------- */

static gboolean
sheath_slide_window_close_request (GtkWindow *window)
{
  SheathSlideWindow *self = SHEATH_SLIDE_WINDOW (window);

  /* a run stopped here continues when the slide is segmented again; what
   * ends now is not shown */
  self->closed = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (sheath_slide_window_parent_class)->close_request (window);
}

static void
sheath_slide_window_dispose (GObject *object)
{
  SheathSlideWindow *self = SHEATH_SLIDE_WINDOW (object);

  self->closed = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->regions_cancellable != NULL)
    g_cancellable_cancel (self->regions_cancellable);
  /* rows and progress still on their way find no widgets to show them in */
  if (self->segmenter != NULL)
    g_signal_handlers_disconnect_by_data (self->segmenter, self);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), SHEATH_TYPE_SLIDE_WINDOW);

  G_OBJECT_CLASS (sheath_slide_window_parent_class)->dispose (object);
}

static void
sheath_slide_window_finalize (GObject *object)
{
  SheathSlideWindow *self = SHEATH_SLIDE_WINDOW (object);

  g_clear_object (&self->file);
  g_free (self->dir);
  g_free (self->stem);
  g_clear_object (&self->slide);
  g_clear_object (&self->tiles);
  g_clear_object (&self->segmenter);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->aggregates, sheath_aggregates_free);
  g_clear_object (&self->maps);
  g_clear_object (&self->morphometrics);
  g_clear_object (&self->regions);
  g_clear_pointer (&self->outline, g_array_unref);
  g_clear_pointer (&self->region_figures, g_ptr_array_unref);
  g_clear_object (&self->regions_cancellable);

  G_OBJECT_CLASS (sheath_slide_window_parent_class)->finalize (object);
}

static void
sheath_slide_window_class_init (SheathSlideWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = sheath_slide_window_dispose;
  object_class->finalize = sheath_slide_window_finalize;
  window_class->close_request = sheath_slide_window_close_request;

  g_type_ensure (SHEATH_TYPE_VIEWER);
  g_type_ensure (SHEATH_TYPE_MODEL_PICKER);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/sheath/Sheath/sheath-slide-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SheathSlideWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, SheathSlideWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, SheathSlideWindow, labels_button);
  gtk_widget_class_bind_template_child (widget_class, SheathSlideWindow, map_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SheathSlideWindow, model_picker);
  gtk_widget_class_bind_template_child (widget_class, SheathSlideWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, SheathSlideWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SheathSlideWindow, viewer);
  gtk_widget_class_bind_template_child (widget_class, SheathSlideWindow, legend);
  gtk_widget_class_bind_template_child (widget_class, SheathSlideWindow, legend_title);
  gtk_widget_class_bind_template_child (widget_class, SheathSlideWindow, legend_low);
  gtk_widget_class_bind_template_child (widget_class, SheathSlideWindow, legend_high);
  gtk_widget_class_bind_template_child (widget_class, SheathSlideWindow, legend_bar);
  gtk_widget_class_bind_template_child (widget_class, SheathSlideWindow, size_row);
  gtk_widget_class_bind_template_child (widget_class, SheathSlideWindow, format_row);
  gtk_widget_class_bind_template_child (widget_class, SheathSlideWindow, pixel_size_spin);
  gtk_widget_class_bind_template_child (widget_class, SheathSlideWindow, results_list);

  _sheath_slide_window_class_init_regions (widget_class);
  gtk_widget_class_install_action (widget_class, "slide.segment", NULL, segment_action);
  gtk_widget_class_install_action (widget_class, "slide.measure", NULL, measure_action);
  gtk_widget_class_install_action (widget_class, "slide.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "slide.toggle-labels", NULL, toggle_labels_action);
  gtk_widget_class_install_action (widget_class, "slide.edit-masks", NULL, edit_masks_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, 0, "slide.edit-masks", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, 0, "slide.toggle-labels", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "slide.stop", NULL);
}

static void
sheath_slide_window_init (SheathSlideWindow *self)
{
  g_autoptr(GtkStringList) maps = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_string_list_append (maps, _ ("No map"));
  for (guint m = 0; m < SHEATH_MAP_N_METRICS; m++)
    gtk_string_list_append (maps, sheath_map_metric_get_title (m));
  gtk_drop_down_set_model (self->map_dropdown, G_LIST_MODEL (maps));
  g_signal_connect (self->map_dropdown, "notify::selected", G_CALLBACK (map_chosen_cb), self);
  g_signal_connect (self->labels_button, "toggled", G_CALLBACK (labels_toggled_cb), self);
  g_signal_connect (self->pixel_size_spin, "value-changed", G_CALLBACK (pixel_size_changed_cb), self);
  gtk_drawing_area_set_draw_func (self->legend_bar, legend_draw_cb, NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->results_list), FALSE);
  _sheath_slide_window_init_regions (self);
}

/**
 * sheath_slide_window_wants:
 * @settings: (nullable): the app's settings, for where a slide begins
 *
 * Whether @file is better opened as a slide: more pixels than the
 * `slide-above-megapixels` setting, in a file read region by region (a
 * PNG, decoded from its top only, is opened whole). Only its header is
 * read.
 *
 * Returns: %TRUE to open it in a slide window
 */
gboolean
sheath_slide_window_wants (GFile     *file,
                           GSettings *settings)
{
  g_autoptr(SheathSlide) slide = sheath_slide_new_from_file (file, NULL);
  double above = settings != NULL ? g_settings_get_double (settings, "slide-above-megapixels") : 256;

  if (slide == NULL || !sheath_slide_get_random_access (slide))
    return FALSE;   /* the image tab says why, or shows it whole */
  return (double) sheath_slide_get_level_width (slide, 0) * sheath_slide_get_level_height (slide, 0) > above * 1e6;
}

/**
 * sheath_slide_window_open:
 * @app: the application
 * @file: a slide
 * @error: return location for a #GError
 *
 * Shows @file in a slide window: its own if it is open already, a new one
 * otherwise.
 *
 * Returns: (transfer none): the window, or %NULL with @error set
 */
SheathSlideWindow *
sheath_slide_window_open (GtkApplication  *app,
                          GFile           *file,
                          GError         **error)
{
  SheathSlideWindow *self;
  g_autoptr(GFile) parent = NULL;
  g_autofree char *name = NULL, *size = NULL, *subtitle = NULL;

  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (SHEATH_IS_SLIDE_WINDOW (l->data) && g_file_equal (SHEATH_SLIDE_WINDOW (l->data)->file, file))
      {
        gtk_window_present (l->data);
        return l->data;
      }

  self = g_object_new (SHEATH_TYPE_SLIDE_WINDOW, "application", app, NULL);
  if (!(self->slide = sheath_slide_new_from_file (file, error)) ||
      !(self->tiles = sheath_slide_tiles_new (file, error)))
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return NULL;
    }
  self->file = g_object_ref (file);
  parent = g_file_get_parent (file);
  self->dir = parent != NULL ? g_file_get_path (parent) : g_strdup (".");
  self->stem = sheath_segmentation_dup_stem (file);

  name = g_file_get_basename (file);
  size = g_strdup_printf (_ ("%" G_GUINT64_FORMAT " × %" G_GUINT64_FORMAT " pixels, %u levels"),
                          sheath_slide_get_level_width (self->slide, 0),
                          sheath_slide_get_level_height (self->slide, 0), sheath_slide_get_n_levels (self->slide));
  subtitle = g_strdup_printf (_ ("%.2f gigapixels"), (double) sheath_slide_get_level_width (self->slide, 0) *
                                                     sheath_slide_get_level_height (self->slide, 0) / 1e9);
  gtk_window_set_title (GTK_WINDOW (self), name);
  adw_window_title_set_title (self->window_title, name);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  adw_action_row_set_subtitle (self->size_row, size);
  adw_action_row_set_subtitle (self->format_row, sheath_slide_get_format_description (self->slide));
  gtk_spin_button_set_value (self->pixel_size_spin, sheath_slide_get_pixel_size (self->slide));

  sheath_viewer_set_slide (self->viewer, self->tiles);
  load_label_map (self, TRUE);
  _sheath_slide_window_load_regions (self);
  update_actions (self);
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

GFile *
sheath_slide_window_get_file (SheathSlideWindow *self)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE_WINDOW (self), NULL);
  return self->file;
}

SheathViewer *
sheath_slide_window_get_viewer (SheathSlideWindow *self)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE_WINDOW (self), NULL);
  return self->viewer;
}

/* Segmenting or measuring. */
gboolean
sheath_slide_window_get_busy (SheathSlideWindow *self)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE_WINDOW (self), FALSE);
  return self->cancellable != NULL;
}

/**
 * sheath_slide_window_get_aggregates:
 *
 * Returns: (transfer none) (nullable): the slide's figures, once measured
 */
SheathAggregates *
sheath_slide_window_get_aggregates (SheathSlideWindow *self)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE_WINDOW (self), NULL);
  return self->aggregates;
}

/**
 * sheath_slide_window_set_model_file:
 * @file: a model
 * @error: return location for a #GError
 *
 * Picks the model in @file, as Open Model in the picker does.
 *
 * Returns: %TRUE, or %FALSE with @error set when it is not a model
 */
gboolean
sheath_slide_window_set_model_file (SheathSlideWindow  *self,
                                    GFile              *file,
                                    GError            **error)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE_WINDOW (self), FALSE);
  return sheath_model_picker_set_model_file (self->model_picker, file, error);
}

/* Shown, or still coming, for the tests and the benchmark. */
SheathSlideTiles *
sheath_slide_window_get_tiles (SheathSlideWindow *self)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE_WINDOW (self), NULL);
  return self->tiles;
}
