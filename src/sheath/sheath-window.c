/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-window"

#include "config.h"

#include "sheath-morphometrics-panel.h"
#include "sheath-viewer.h"
#include "sheath-window.h"

/* The model picker's fixed entries; a custom file is appended after them. */
enum { MODEL_SEM, MODEL_TEM, MODEL_CHOOSE, N_FIXED_MODELS };

struct _SheathWindow
{
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  AdwToastOverlay      *toasts;
  AdwWindowTitle       *title;
  GtkDropDown          *model_dropdown;
  GtkStringList        *model_names;
  GtkRevealer          *progress_revealer;
  GtkProgressBar       *progress_bar;
  GtkStack             *stack;
  SheathViewer         *viewer;
  GtkLabel             *pointer_label;
  GtkButton            *pixel_size_button;
  GtkToggleButton      *overlay_toggle;
  GtkToggleButton      *panel_toggle;
  GtkWidget            *panel_scroller;
  SheathMorphometricsPanel *panel;
  GtkAdjustment        *opacity;

  /* owned */
  GSettings            *settings;
  GFile                *file;
  SheathImage          *image;
  SheathSegmentation   *segmentation;
  GFile                *custom_model;
  SheathSegmenter      *segmenter;
  GCancellable         *cancellable;
  SheathMorphometrics  *morphometrics;
  guint                 last_model;
};

G_DEFINE_FINAL_TYPE (SheathWindow, sheath_window, ADW_TYPE_APPLICATION_WINDOW)

static void
toast (SheathWindow *self,
       const char   *format,
       ...) G_GNUC_PRINTF (2, 3);

static void
toast (SheathWindow *self,
       const char   *format,
       ...)
{
  g_autofree char *text = NULL;
  AdwToast *t;
  va_list ap;

  va_start (ap, format);
  text = g_strdup_vprintf (format, ap);
  va_end (ap);
  t = adw_toast_new (text);
  adw_toast_set_timeout (t, 6);
  adw_toast_overlay_add_toast (self->toasts, t);
}

static void measure (SheathWindow *self);

static void
update_state (SheathWindow *self)
{
  gboolean busy = self->cancellable != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.segment", self->image != NULL && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel", busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-masks", self->segmentation != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.load-masks", self->image != NULL && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.set-pixel-size", self->image != NULL);
  gtk_revealer_set_reveal_child (self->progress_revealer, busy);
}

static void
update_pixel_size_label (SheathWindow *self)
{
  g_autofree char *text = NULL;
  SheathPixelSizeSource source;

  if (self->image == NULL)
    {
      gtk_button_set_label (self->pixel_size_button, "");
      return;
    }
  source = sheath_image_get_pixel_size_source (self->image);
  text = source == SHEATH_PIXEL_SIZE_SOURCE_NONE
         ? g_strdup ("Pixel size unknown")
         : g_strdup_printf ("%g µm per pixel (%s)", sheath_image_get_pixel_size (self->image),
                            sheath_pixel_size_source_to_string (source));
  gtk_button_set_label (self->pixel_size_button, text);
}

/* ---- pixel sizes the user gave, per file ---------------------------------- */

static void
remember_pixel_size (SheathWindow *self)
{
  g_autoptr(GVariant) old = NULL;
  g_autoptr(GVariantDict) dict = NULL;
  g_autofree char *uri = NULL;

  if (self->settings == NULL || self->file == NULL)
    return;
  uri = g_file_get_uri (self->file);
  old = g_settings_get_value (self->settings, "pixel-sizes");
  dict = g_variant_dict_new (old);
  g_variant_dict_insert (dict, uri, "d", sheath_image_get_pixel_size (self->image));
  g_settings_set_value (self->settings, "pixel-sizes", g_variant_dict_end (dict));
}

static void
recall_pixel_size (SheathWindow *self)
{
  g_autoptr(GVariant) sizes = NULL;
  g_autofree char *uri = NULL;
  double size;

  if (self->settings == NULL)
    return;
  uri = g_file_get_uri (self->file);
  sizes = g_settings_get_value (self->settings, "pixel-sizes");
  if (g_variant_lookup (sizes, uri, "d", &size))
    sheath_image_set_pixel_size (self->image, size, NULL);
}

static void
pixel_size_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        SheathWindow     *self)
{
  GtkSpinButton *spin = g_object_get_data (G_OBJECT (dialog), "spin");
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "set") != 0 || self->image == NULL)
    return;
  if (!sheath_image_set_pixel_size (self->image, gtk_spin_button_get_value (spin), &error))
    {
      toast (self, "%s", error->message);
      return;
    }
  remember_pixel_size (self);
  update_pixel_size_label (self);
  /* measurements follow the pixel size */
  if (self->segmentation != NULL)
    measure (self);
}

static void
ask_pixel_size (SheathWindow *self,
                const char   *why)
{
  GtkWidget *dialog;
  GtkWidget *spin = gtk_spin_button_new_with_range (0.0001, 100, 0.001);

  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 5);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin),
                             sheath_image_get_pixel_size (self->image) > 0 ? sheath_image_get_pixel_size (self->image) : 0.1);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), "Pixel Size",
                                   why ? why : "The side of one pixel, in micrometres.");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), spin);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", "_Cancel", "set", "_Set", NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "set", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "set");
  g_object_set_data (G_OBJECT (dialog), "spin", spin);
  g_signal_connect (dialog, "response", G_CALLBACK (pixel_size_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
set_pixel_size_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  ask_pixel_size (SHEATH_WINDOW (widget), NULL);
}

/* ---- opening ------------------------------------------------------------ */

static void
load_image_worker (GTask        *task,
                   gpointer      source,
                   gpointer      data,
                   GCancellable *cancellable)
{
  GError *error = NULL;
  SheathImage *image = sheath_image_new_from_file (data, &error);

  if (image == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, image, g_object_unref);
}

static void
image_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SheathWindow *self = SHEATH_WINDOW (object);
  GFile *file = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathImage) image = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *subtitle = NULL;
  g_autofree char *uri = g_file_get_uri (file);

  if (image == NULL)
    {
      toast (self, "Cannot open “%s”: %s", name, error->message);
      return;
    }

  g_set_object (&self->file, file);
  g_set_object (&self->image, image);
  g_clear_object (&self->segmentation);
  g_clear_object (&self->morphometrics);
  sheath_morphometrics_panel_set_data (self->panel, NULL, NULL);
  gtk_toggle_button_set_active (self->panel_toggle, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->panel_toggle), FALSE);
  recall_pixel_size (self);

  sheath_viewer_set_image (self->viewer, image);
  gtk_stack_set_visible_child_name (self->stack, "image");
  gtk_widget_grab_focus (GTK_WIDGET (self->viewer));
  subtitle = g_strdup_printf ("%u × %u, %s", sheath_image_get_width (image), sheath_image_get_height (image),
                              sheath_image_get_format_description (image));
  adw_window_title_set_title (self->title, name);
  adw_window_title_set_subtitle (self->title, subtitle);
  update_pixel_size_label (self);
  update_state (self);
  gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
}

void
sheath_window_open (SheathWindow *self,
                    GFile        *file)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SHEATH_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, NULL, image_loaded_cb, NULL);
  g_task_set_source_tag (task, sheath_window_open);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_image_worker);
}

static void
open_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  SheathWindow    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      sheath_window_open (self, file);
    }
  g_object_unref (dialog);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SheathWindow *self = SHEATH_WINDOW (widget);
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) images = gtk_file_filter_new ();

  /* GtkFileDialog needs GTK 4.10; Debian 12 has 4.8 */
  dialog = gtk_file_chooser_native_new ("Open Image", GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                        "_Open", "_Cancel");
  gtk_file_filter_set_name (images, "PNG and TIFF images");
  gtk_file_filter_add_mime_type (images, "image/png");
  gtk_file_filter_add_mime_type (images, "image/tiff");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), images);
  g_signal_connect (dialog, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         SheathWindow  *self)
{
  if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    {
      sheath_window_open (self, g_value_get_object (value));
      return TRUE;
    }
  return FALSE;
}

/* ---- models ------------------------------------------------------------- */

static SheathModel *
load_chosen_model (SheathWindow  *self,
                   GError       **error)
{
  guint chosen = gtk_drop_down_get_selected (self->model_dropdown);

  if (chosen == MODEL_SEM)
    return sheath_model_new_builtin ("sem", error);
  if (chosen == MODEL_TEM)
    return sheath_model_new_builtin ("tem", error);
  if (self->custom_model != NULL)
    return sheath_model_new_from_file (self->custom_model, error);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "Choose a model file first");
  return NULL;
}

gboolean
sheath_window_set_model_file (SheathWindow  *self,
                              GFile         *file,
                              GError       **error)
{
  g_autoptr(SheathModel) model = sheath_model_new_from_file (file, error);
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (SHEATH_IS_WINDOW (self), FALSE);

  if (model == NULL)
    return FALSE;

  g_set_object (&self->custom_model, file);
  name = g_file_get_basename (file);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->model_names)) > N_FIXED_MODELS)
    gtk_string_list_remove (self->model_names, N_FIXED_MODELS);
  gtk_string_list_append (self->model_names, name);
  self->last_model = N_FIXED_MODELS;
  gtk_drop_down_set_selected (self->model_dropdown, N_FIXED_MODELS);
  path = g_file_get_path (file);
  if (self->settings != NULL && path != NULL)
    g_settings_set_string (self->settings, "model", path);
  return TRUE;
}

static void
model_response_cb (GtkNativeDialog *dialog,
                   int              response,
                   SheathWindow    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;

      if (!sheath_window_set_model_file (self, file, &error))
        {
          toast (self, "%s", error->message);
          gtk_drop_down_set_selected (self->model_dropdown, self->last_model);
        }
    }
  else
    gtk_drop_down_set_selected (self->model_dropdown, self->last_model);
  g_object_unref (dialog);
}

static void
model_selected_cb (GtkDropDown  *dropdown,
                   GParamSpec   *pspec,
                   SheathWindow *self)
{
  guint chosen = gtk_drop_down_get_selected (dropdown);

  if (chosen == MODEL_CHOOSE)
    {
      GtkFileChooserNative *dialog = gtk_file_chooser_native_new ("Choose a Model", GTK_WINDOW (self),
                                                                  GTK_FILE_CHOOSER_ACTION_OPEN, "_Choose", "_Cancel");
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, "Sheath models (.safetensors)");
      gtk_file_filter_add_pattern (filter, "*.safetensors");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
      g_signal_connect (dialog, "response", G_CALLBACK (model_response_cb), self);
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
      return;
    }
  self->last_model = chosen;
  if (self->settings != NULL && chosen < N_FIXED_MODELS)
    g_settings_set_string (self->settings, "model", chosen == MODEL_SEM ? "sem" : "tem");
}

/* ---- morphometrics ----------------------------------------------------------- */

typedef struct
{
  SheathSegmentation  *segmentation;
  double               pixel_size;
  SheathMorphometrics *morphometrics;
  SheathAggregates    *aggregates;
} Measure;

static void
measure_free (Measure *m)
{
  g_clear_object (&m->segmentation);
  g_clear_object (&m->morphometrics);
  g_clear_pointer (&m->aggregates, sheath_aggregates_free);
  g_free (m);
}

static void
measure_worker (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  Measure *m = data;
  GError *error = NULL;

  if (!(m->morphometrics = sheath_morphometrics_compute (m->segmentation, m->pixel_size,
                                                         SHEATH_AXON_SHAPE_CIRCLE, cancellable, &error)) ||
      !(m->aggregates = sheath_aggregates_compute (m->morphometrics, NULL, FALSE, 1.0, &error)))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
measured_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SheathWindow *self = SHEATH_WINDOW (object);
  Measure *m = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      toast (self, "Measurements failed: %s", error->message);
      return;
    }
  /* a newer segmentation may have arrived meanwhile */
  if (m->segmentation != self->segmentation)
    return;
  g_set_object (&self->morphometrics, m->morphometrics);
  sheath_morphometrics_panel_set_data (self->panel, m->morphometrics, m->aggregates);
  gtk_widget_set_sensitive (GTK_WIDGET (self->panel_toggle), TRUE);
  gtk_toggle_button_set_active (self->panel_toggle, TRUE);
}

static void
measure (SheathWindow *self)
{
  g_autoptr(GTask) task = NULL;
  Measure *m;

  g_clear_object (&self->morphometrics);
  sheath_viewer_set_highlight (self->viewer, NULL, 0);
  if (self->segmentation == NULL)
    return;
  if (sheath_image_get_pixel_size (self->image) <= 0)
    {
      ask_pixel_size (self, "Measuring needs the image's pixel size, in micrometres.");
      return;
    }

  m = g_new0 (Measure, 1);
  m->segmentation = g_object_ref (self->segmentation);
  m->pixel_size = sheath_image_get_pixel_size (self->image);
  task = g_task_new (self, NULL, measured_cb, NULL);
  g_task_set_source_tag (task, measure);
  g_task_set_task_data (task, m, (GDestroyNotify) measure_free);
  g_task_run_in_thread (task, measure_worker);
}

static void
show_axons (SheathWindow *self,
            const guint  *ids,
            guint         n,
            gboolean      center)
{
  g_autoptr(GArray) boxes = g_array_new (FALSE, FALSE, sizeof (int));

  if (self->morphometrics == NULL)
    return;
  for (guint i = 0; i < n; i++)
    {
      const SheathAxon *a;

      if (ids[i] == 0 || ids[i] > sheath_morphometrics_get_n_axons (self->morphometrics))
        continue;
      a = sheath_morphometrics_get_axon (self->morphometrics, ids[i] - 1);
      g_array_append_vals (boxes, (int[]) { a->bbox_min_x, a->bbox_min_y, a->bbox_max_x, a->bbox_max_y }, 4);
      if (center && n == 1)
        sheath_viewer_center_on (self->viewer, a->x0, a->y0);
    }
  sheath_viewer_set_highlight (self->viewer, (int *) boxes->data, boxes->len / 4);
}

static void
axon_selected_cb (SheathMorphometricsPanel *panel,
                  guint                     id,
                  SheathWindow             *self)
{
  show_axons (self, &id, 1, TRUE);
}

static void
highlight_changed_cb (SheathMorphometricsPanel *panel,
                      GArray                   *ids,
                      SheathWindow             *self)
{
  show_axons (self, (guint *) ids->data, ids->len, FALSE);
}

static void
viewer_clicked_cb (SheathViewer *viewer,
                   int           x,
                   int           y,
                   SheathWindow *self)
{
  guint id;

  if (self->morphometrics == NULL)
    return;
  id = sheath_morphometrics_get_axon_at (self->morphometrics, x, y);
  if (id != 0)
    {
      sheath_morphometrics_panel_select_axon (self->panel, id);
      show_axons (self, &id, 1, FALSE);
    }
}

/* ---- segmentation -------------------------------------------------------- */

static void
segment_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SheathWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathSegmentation) seg = sheath_segmenter_segment_finish (SHEATH_SEGMENTER (object), result, &error);

  g_clear_object (&self->cancellable);
  if (seg != NULL)
    {
      guint64 n = (guint64) sheath_segmentation_get_width (seg) * sheath_segmentation_get_height (seg);

      g_set_object (&self->segmentation, seg);
      sheath_viewer_set_segmentation (self->viewer, seg);
      measure (self);
      toast (self, "Segmented: %.1f %% axon, %.1f %% myelin",
             100.0 * sheath_segmentation_count (seg, SHEATH_LABEL_AXON) / n,
             100.0 * sheath_segmentation_count (seg, SHEATH_LABEL_MYELIN) / n);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, "Segmentation cancelled; the previous masks are kept");
  else
    toast (self, "Segmentation failed: %s", error->message);
  update_state (self);
}

static void
progress_cb (SheathSegmenter *segmenter,
             GParamSpec      *pspec,
             SheathWindow    *self)
{
  g_autofree char *message = sheath_segmenter_dup_message (segmenter);

  gtk_progress_bar_set_fraction (self->progress_bar, sheath_segmenter_get_fraction (segmenter));
  gtk_progress_bar_set_text (self->progress_bar, message);
}

static void
segment_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  SheathWindow *self = SHEATH_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathModel) model = NULL;

  if (self->image == NULL || self->cancellable != NULL)
    return;
  if (sheath_image_get_pixel_size (self->image) <= 0)
    {
      ask_pixel_size (self, "Segmenting needs the image's pixel size, in micrometres: "
                            "the model works at its own scale.");
      return;
    }
  if (!(model = load_chosen_model (self, &error)))
    {
      toast (self, "%s", error->message);
      return;
    }

  if (self->segmenter != NULL)
    g_signal_handlers_disconnect_by_data (self->segmenter, self);
  g_clear_object (&self->segmenter);
  self->segmenter = sheath_segmenter_new (model);
  g_signal_connect (self->segmenter, "notify::fraction", G_CALLBACK (progress_cb), self);
  self->cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, "Starting");
  sheath_segmenter_segment_async (self->segmenter, self->image, self->cancellable,
                                  segment_done_cb, g_object_ref (self));
  update_state (self);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SheathWindow *self = SHEATH_WINDOW (widget);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

/* ---- masks ------------------------------------------------------------------ */

static char *
image_stem (SheathWindow *self)
{
  g_autofree char *name = g_file_get_basename (self->file);
  char *dot = strrchr (name, '.');

  if (dot != NULL && dot != name)
    *dot = '\0';
  return g_steal_pointer (&name);
}

static void
save_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  SheathWindow    *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->segmentation != NULL)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *dir = g_file_get_path (folder);
      g_autofree char *stem = image_stem (self);
      g_autoptr(GError) error = NULL;

      if (dir != NULL && sheath_segmentation_save (self->segmentation, dir, stem, &error))
        toast (self, "Saved %s_seg-axon.png, _seg-myelin.png and _seg-axonmyelin.png", stem);
      else
        toast (self, "Masks not saved: %s", error ? error->message : "not a local folder");
    }
  g_object_unref (dialog);
}

static void
save_masks_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  SheathWindow *self = SHEATH_WINDOW (widget);
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new ("Save Masks In", GTK_WINDOW (self),
                                                              GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                                              "_Save", "_Cancel");
  g_autoptr(GFile) parent = g_file_get_parent (self->file);

  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), parent, NULL);
  g_signal_connect (dialog, "response", G_CALLBACK (save_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

gboolean
sheath_window_load_masks (SheathWindow  *self,
                          GFile         *axon,
                          GError       **error)
{
  g_autofree char *path = g_file_get_path (axon);
  g_autoptr(GString) myelin_path = NULL;
  g_autoptr(GFile) myelin = NULL;
  g_autoptr(SheathSegmentation) seg = NULL;

  g_return_val_if_fail (SHEATH_IS_WINDOW (self), FALSE);

  if (self->image == NULL || path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Open the image first");
      return FALSE;
    }
  /* the myelin mask beside it, as AxonDeepSeg and Sheath name them */
  myelin_path = g_string_new (path);
  g_string_replace (myelin_path, "_seg-axon", "_seg-myelin", 1);
  myelin = g_file_new_for_path (myelin_path->str);
  if (!(seg = sheath_segmentation_new_from_masks (axon, myelin, error)))
    return FALSE;
  if (sheath_segmentation_get_width (seg) != sheath_image_get_width (self->image) ||
      sheath_segmentation_get_height (seg) != sheath_image_get_height (self->image))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The masks are not the image's size");
      return FALSE;
    }

  g_set_object (&self->segmentation, seg);
  sheath_viewer_set_segmentation (self->viewer, seg);
  measure (self);
  update_state (self);
  return TRUE;
}

static void
load_masks_response_cb (GtkNativeDialog *dialog,
                        int              response,
                        SheathWindow    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) axon = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;

      if (!sheath_window_load_masks (self, axon, &error))
        toast (self, "Masks not loaded: %s", error->message);
    }
  g_object_unref (dialog);
}

static void
load_masks_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  SheathWindow *self = SHEATH_WINDOW (widget);
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new ("Choose the Axon Mask", GTK_WINDOW (self),
                                                              GTK_FILE_CHOOSER_ACTION_OPEN, "_Load", "_Cancel");
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, "Axon masks (*_seg-axon*.png)");
  gtk_file_filter_add_pattern (filter, "*_seg-axon*.png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_signal_connect (dialog, "response", G_CALLBACK (load_masks_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- status -------------------------------------------------------------------- */

static void
pointer_moved_cb (SheathViewer *viewer,
                  int           x,
                  int           y,
                  SheathWindow *self)
{
  g_autofree char *text = NULL;

  if (x < 0 || self->image == NULL)
    {
      gtk_label_set_text (self->pointer_label, "");
      return;
    }
  text = g_strdup_printf ("x %d   y %d   value %u", x, y, sheath_image_get_value (self->image, x, y));
  gtk_label_set_text (self->pointer_label, text);
}

/* ---- GObject ---------------------------------------------------------------------- */

static void
sheath_window_dispose (GObject *object)
{
  SheathWindow *self = (SheathWindow *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->segmenter != NULL)
    g_signal_handlers_disconnect_by_data (self->segmenter, self);
  g_clear_object (&self->segmenter);
  g_clear_object (&self->settings);
  g_clear_object (&self->file);
  g_clear_object (&self->image);
  g_clear_object (&self->segmentation);
  g_clear_object (&self->custom_model);
  g_clear_object (&self->morphometrics);
  gtk_widget_dispose_template (GTK_WIDGET (self), SHEATH_TYPE_WINDOW);

  G_OBJECT_CLASS (sheath_window_parent_class)->dispose (object);
}

static void
sheath_window_class_init (SheathWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sheath_window_dispose;

  g_type_ensure (SHEATH_TYPE_VIEWER);
  g_type_ensure (SHEATH_TYPE_MORPHOMETRICS_PANEL);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/sheath/Sheath/sheath-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, title);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, model_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, model_names);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, viewer);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, pointer_label);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, pixel_size_button);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, overlay_toggle);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, panel_toggle);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, panel_scroller);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, panel);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, opacity);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.segment", NULL, segment_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "win.save-masks", NULL, save_masks_action);
  gtk_widget_class_install_action (widget_class, "win.load-masks", NULL, load_masks_action);
  gtk_widget_class_install_action (widget_class, "win.set-pixel-size", NULL, set_pixel_size_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.segment", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save-masks", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.cancel", NULL);
}

static void
sheath_window_init (SheathWindow *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE) : NULL;
  GtkDropTarget *drop;
  const char *names[] = { "SEM (shipped)", "TEM (shipped)", "Other model file…" };

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    gtk_string_list_append (self->model_names, names[i]);

  /* Without its installed schema (an uninstalled build) the app still runs,
   * only forgetting choices. */
  if (schema != NULL)
    {
      g_autofree char *model = NULL;

      self->settings = g_settings_new (APPLICATION_ID);
      model = g_settings_get_string (self->settings, "model");
      if (g_str_equal (model, "tem"))
        self->last_model = MODEL_TEM;
      else if (!g_str_equal (model, "sem") && *model)
        {
          g_autoptr(GFile) file = g_file_new_for_path (model);
          if (!sheath_window_set_model_file (self, file, NULL))
            self->last_model = MODEL_SEM;
        }
      g_settings_bind (self->settings, "overlay-opacity", self->opacity, "value", G_SETTINGS_BIND_DEFAULT);
    }
  gtk_drop_down_set_selected (self->model_dropdown, self->last_model);
  g_signal_connect (self->model_dropdown, "notify::selected", G_CALLBACK (model_selected_cb), self);

  g_object_bind_property (self->overlay_toggle, "active", self->viewer, "overlay-visible",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->opacity, "value", self->viewer, "overlay-opacity", G_BINDING_SYNC_CREATE);
  g_signal_connect (self->viewer, "pointer-moved", G_CALLBACK (pointer_moved_cb), self);
  g_signal_connect (self->viewer, "clicked", G_CALLBACK (viewer_clicked_cb), self);
  g_signal_connect (self->panel, "axon-selected", G_CALLBACK (axon_selected_cb), self);
  g_signal_connect (self->panel, "highlight-changed", G_CALLBACK (highlight_changed_cb), self);
  g_object_bind_property (self->panel_toggle, "active", self->panel_scroller, "visible", G_BINDING_SYNC_CREATE);

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  gtk_stack_set_visible_child_name (self->stack, "empty");
  update_state (self);
}

SheathWindow *
sheath_window_new (SheathApplication *app)
{
  return g_object_new (SHEATH_TYPE_WINDOW, "application", app, NULL);
}

SheathImage *
sheath_window_get_image (SheathWindow *self)
{
  g_return_val_if_fail (SHEATH_IS_WINDOW (self), NULL);
  return self->image;
}

SheathSegmentation *
sheath_window_get_segmentation (SheathWindow *self)
{
  g_return_val_if_fail (SHEATH_IS_WINDOW (self), NULL);
  return self->segmentation;
}

SheathMorphometrics *
sheath_window_get_morphometrics (SheathWindow *self)
{
  g_return_val_if_fail (SHEATH_IS_WINDOW (self), NULL);
  return self->morphometrics;
}
