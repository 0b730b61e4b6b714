/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-window"

#include "config.h"

#include <glib/gi18n.h>

#include <math.h>
#include <string.h>

#include "sheath-accessible.h"
#include "sheath-file-chooser.h"
#include "sheath-study-window.h"
#include "sheath-training-window.h"
#include "sheath-window-private.h"

/* The window's actions, on the document shown, and the questions they ask. */

/* ---- pixel sizes --------------------------------------------------------- */

static void segment_document (SheathWindow   *self,
                              SheathDocument *doc);

/* A pixel size as typed: "0.1", "0,1" or "0.1 µm"; 0 when it is not one. */
static double
parse_pixel_size (const char *text)
{
  g_autofree char *copy = g_strdelimit (g_strstrip (g_strdup (text)), ",", '.');
  char *end = NULL;
  double value = g_ascii_strtod (copy, &end);

  if (end == copy)
    return 0;
  while (g_ascii_isspace (*end))
    end++;
  if (*end != '\0' && !g_str_equal (end, "µm") && !g_str_equal (end, "um"))
    return 0;
  return value > 0 && isfinite (value) ? value : 0;
}

static void
pixel_size_changed_cb (GtkEditable      *entry,
                       AdwMessageDialog *dialog)
{
  adw_message_dialog_set_response_enabled (dialog, "set",
                                           parse_pixel_size (gtk_editable_get_text (entry)) > 0);
}

/* Enter in the field confirms a valid size (the dialog's default response
 * does not follow a response enabled after the dialog was shown). */
static void
pixel_size_activate_cb (GtkEntry         *entry,
                        AdwMessageDialog *dialog)
{
  if (!adw_message_dialog_get_response_enabled (dialog, "set"))
    return;
  adw_message_dialog_response (dialog, "set");
  gtk_window_close (GTK_WINDOW (dialog));
}

static void
pixel_size_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        SheathWindow     *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  SheathDocument *doc = g_object_get_data (G_OBJECT (dialog), "document");
  gboolean then_segment = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "then-segment"));
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "set") != 0 || doc == NULL)
    return;
  if (!sheath_document_set_pixel_size (doc, parse_pixel_size (gtk_editable_get_text (entry)), &error))
    {
      _sheath_window_toast (self, error->message);
      return;
    }
  /* asked for because the user pressed Segment: go on with it */
  if (then_segment)
    segment_document (self, doc);
}

/* Asks for the pixel size of @doc's image. Never prefilled with a guess (a
 * hurried user would accept it): only with the image's own size, if known.
 * With @then_segment, setting it goes on to segment. */
void
_sheath_window_ask_pixel_size (SheathWindow   *self,
                SheathDocument *doc,
                const char     *why,
                gboolean        then_segment)
{
  SheathImage *image = sheath_document_get_image (doc);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *unit = gtk_label_new ("µm");
  GtkWidget *dialog;

  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_NUMBER);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), "e.g. 0.13");
  gtk_widget_set_hexpand (entry, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Pixel size in micrometres"), -1);
  if (sheath_image_get_pixel_size (image) > 0)
    {
      char text[G_ASCII_DTOSTR_BUF_SIZE];

      gtk_editable_set_text (GTK_EDITABLE (entry),
                             g_ascii_formatd (text, sizeof text, "%g", sheath_image_get_pixel_size (image)));
    }
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), unit);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Pixel Size"),
                                   why ? why : _ ("The side of one pixel, in micrometres."));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"),
                                    "set", then_segment ? _ ("_Set and Segment") : _ ("_Set"), NULL);
  sheath_accessible_name_buttons (GTK_WIDGET (dialog));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "set", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "set");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  pixel_size_changed_cb (GTK_EDITABLE (entry), ADW_MESSAGE_DIALOG (dialog));
  g_signal_connect (entry, "changed", G_CALLBACK (pixel_size_changed_cb), dialog);
  g_signal_connect (entry, "activate", G_CALLBACK (pixel_size_activate_cb), dialog);
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_object_set_data (G_OBJECT (dialog), "then-segment", GINT_TO_POINTER (then_segment));
  g_object_set_data_full (G_OBJECT (dialog), "document", g_object_ref (doc), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (pixel_size_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static void
set_pixel_size_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  SheathWindow *self = SHEATH_WINDOW (widget);

  if (_sheath_window_get_document (self) != NULL && sheath_document_get_image (_sheath_window_get_document (self)) != NULL)
    _sheath_window_ask_pixel_size (self, _sheath_window_get_document (self), NULL, FALSE);
}


static void
images_chosen_cb (GListModel *files,
                  gpointer    data)
{
  SheathWindow *self = data;

  for (guint i = 0; files != NULL && i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);
      sheath_window_open (self, file);
    }
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  g_autoptr(GtkFileFilter) images = gtk_file_filter_new ();

  gtk_file_filter_set_name (images, _ ("PNG, TIFF and slide images"));
  gtk_file_filter_add_mime_type (images, "image/png");
  gtk_file_filter_add_mime_type (images, "image/tiff");
  /* slide scanners' files (read through OpenSlide), which have no MIME type
   * of their own on most systems */
  gtk_file_filter_add_suffix (images, "ndpi");
  gtk_file_filter_add_suffix (images, "svs");
  gtk_file_filter_add_suffix (images, "mrxs");
  gtk_file_filter_add_suffix (images, "scn");
  gtk_file_filter_add_suffix (images, "vms");
  gtk_file_filter_add_suffix (images, "bif");
  sheath_choose_files (GTK_WINDOW (widget), SHEATH_CHOOSE_FILES, _ ("Open Images"), _ ("_Open"), images, NULL, NULL,
                       images_chosen_cb, g_object_ref (widget), g_object_unref);
}


/* ---- actions on the shown document --------------------------------------------- */

static void
off_fit_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     SheathWindow     *self)
{
  SheathDocument *doc = g_object_get_data (G_OBJECT (dialog), "document");
  SheathModel *model = g_object_get_data (G_OBJECT (dialog), "model");

  if (g_strcmp0 (response, "segment") == 0 && doc != NULL)
    sheath_document_segment (doc, model);
}

/* Far off the model's scale, or another modality: said before the run, as
 * such a segmentation finds little or nothing. */
static gboolean
confirm_fit (SheathWindow   *self,
             SheathDocument *doc,
             SheathModel    *model)
{
  SheathImage *image = sheath_document_get_image (doc);
  g_autofree char *body = NULL;
  double scale = 0;
  GtkWidget *dialog;

  switch (sheath_model_get_fit (model, image, &scale))
    {
    case SHEATH_MODEL_FIT_OFF_SCALE:
      body = g_strdup_printf (_ ("This model learnt from %g µm pixels; this image has %g µm pixels, %.0f× %s. "
                              "It would be resampled that much and its fibres would not look like the ones "
                              "the model knows. Check the pixel size, or choose a model of this scale."),
                              sheath_model_get_pixel_size (model), sheath_image_get_pixel_size (image),
                              scale < 1 ? 1 / scale : scale, scale < 1 ? "finer" : "coarser");
      break;
    case SHEATH_MODEL_FIT_OTHER_MODALITY:
      body = g_strdup_printf (_ ("This is a %s model and the image's name says %s. Choose a %s model if there "
                              "is one."), sheath_model_get_modality (model), sheath_image_get_modality (image),
                              sheath_image_get_modality (image));
      break;
    default:
      return TRUE;
    }
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("The Model Does Not Suit This Image"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"),
                                    "segment", _ ("Segment _Anyway"), NULL);
  sheath_accessible_name_buttons (GTK_WIDGET (dialog));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "segment", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "document", g_object_ref (doc), g_object_unref);
  g_object_set_data_full (G_OBJECT (dialog), "model", g_object_ref (model), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (off_fit_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
  return FALSE;
}

static void
segment_document (SheathWindow   *self,
                  SheathDocument *doc)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathModel) model = NULL;
  const char *key;

  if (sheath_document_get_image (doc) == NULL)
    return;
  if (sheath_image_get_pixel_size (sheath_document_get_image (doc)) <= 0)
    {
      _sheath_window_ask_pixel_size (self, doc, _ ("Segmenting needs the image's pixel size, in micrometres: "
                                 "the model works at its own scale."), TRUE);
      return;
    }
  /* the document's own model; else the one shown, which suits it best */
  if (doc == _sheath_window_get_document (self))
    _sheath_window_sync_picker (self);
  key = sheath_document_get_model_key (doc);
  if (key == NULL)
    key = doc == _sheath_window_get_document (self) ? sheath_model_picker_get_chosen (self->model_picker) : "sem";
  if (!(model = sheath_model_picker_load_key (key, &error)))
    {
      _sheath_window_toast (self, error->message);
      return;
    }
  if (confirm_fit (self, doc, model))
    sheath_document_segment (doc, model);
}

static void
segment_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  SheathWindow *self = SHEATH_WINDOW (widget);

  if (_sheath_window_get_document (self) != NULL)
    segment_document (self, _sheath_window_get_document (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SheathWindow *self = SHEATH_WINDOW (widget);

  if (_sheath_window_get_document (self) != NULL)
    sheath_document_cancel (_sheath_window_get_document (self));
}

/**
 * sheath_window_set_stop_asks_after:
 * @seconds: how long a segmentation runs before Escape asks whether to stop it
 */
void
sheath_window_set_stop_asks_after (SheathWindow *self,
                                   double        seconds)
{
  g_return_if_fail (SHEATH_IS_WINDOW (self));
  self->stop_asks_after = seconds;
}

static void
stop_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  SheathWindow     *self)
{
  SheathDocument *doc = g_object_get_data (G_OBJECT (dialog), "document");

  if (g_strcmp0 (response, "stop") == 0)
    sheath_document_cancel (doc);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SheathWindow *self = SHEATH_WINDOW (widget);
  g_autofree char *body = NULL;
  double seconds;
  GtkWidget *dialog;

  if (_sheath_window_get_document (self) == NULL || !sheath_document_get_busy (_sheath_window_get_document (self)))
    return;
  seconds = sheath_document_get_busy_seconds (_sheath_window_get_document (self));
  if (seconds < self->stop_asks_after)
    {
      sheath_document_cancel (_sheath_window_get_document (self));
      return;
    }
  body = seconds < 120 ? g_strdup_printf (_ ("It has run for %.0f seconds; what it has done is lost."), seconds)
                       : g_strdup_printf (_ ("It has run for %.0f minutes; what it has done is lost."), seconds / 60);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Stop Segmenting?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "keep", _ ("_Keep Segmenting"), "stop", _ ("_Stop"), NULL);
  sheath_accessible_name_buttons (GTK_WIDGET (dialog));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "stop", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_object_set_data_full (G_OBJECT (dialog), "document", g_object_ref (_sheath_window_get_document (self)), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (stop_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The view's keys work wherever the focus is in the window (a text field
 * takes its own keys first). */
static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SheathWindow *self = SHEATH_WINDOW (widget);

  if (_sheath_window_get_document (self) != NULL)
    gtk_widget_activate_action_variant (GTK_WIDGET (sheath_page_get_viewer (self->current)), "viewer.zoom", param);
}

static void
toggle_overlay_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  SheathWindow *self = SHEATH_WINDOW (widget);

  gtk_toggle_button_set_active (self->overlay_toggle, !gtk_toggle_button_get_active (self->overlay_toggle));
}

static void
close_tab_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  SheathWindow *self = SHEATH_WINDOW (widget);
  AdwTabPage *page = adw_tab_view_get_selected_page (self->tab_view);

  /* unsaved masks are asked about, as for the tab's close button */
  if (page != NULL)
    adw_tab_view_close_page (self->tab_view, page);
  else
    gtk_window_close (GTK_WINDOW (self));
}

static void
save_folder_chosen_cb (GListModel *files,
                       gpointer    data)
{
  SheathPage *page = data;
  SheathDocument *doc = sheath_page_get_document (page);
  SheathWindow *self = SHEATH_WINDOW (gtk_widget_get_ancestor (GTK_WIDGET (page), SHEATH_TYPE_WINDOW));
  g_autoptr(GFile) folder = files ? g_list_model_get_item (files, 0) : NULL;
  g_autofree char *dir = folder ? g_file_get_path (folder) : NULL;
  g_autoptr(GError) error = NULL;

  if (folder == NULL || self == NULL)
    return;
  if (dir != NULL && sheath_document_save_masks (doc, dir, &error))
    _sheath_window_toast (self, _ ("Masks saved as _seg-axon.png, _seg-myelin.png and _seg-axonmyelin.png"));
  else
    {
      g_autofree char *text = g_strdup_printf (_ ("Masks not saved: %s"), error ? error->message : _ ("not a local folder"));
      _sheath_window_toast (self, text);
    }
}

static void
save_masks_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  SheathWindow *self = SHEATH_WINDOW (widget);
  SheathDocument *doc = _sheath_window_get_document (self);
  g_autoptr(GFile) parent = NULL;
  g_autoptr(GError) error = NULL;

  if (doc == NULL)
    return;
  /* a part of a slide goes back into the slide's label map */
  if (sheath_document_get_map (doc) != NULL)
    {
      _sheath_window_save_into_map (self, doc, NULL, NULL);
      return;
    }
  /* a study's image keeps its masks in the study's folder */
  if (sheath_document_get_masks_folder (doc) != NULL)
    {
      if (sheath_document_save_masks (doc, sheath_document_get_masks_folder (doc), &error))
        _sheath_window_toast (self, _ ("Masks saved in the study's folder"));
      else
        {
          g_autofree char *text = g_strdup_printf (_ ("Masks not saved: %s"), error->message);
          _sheath_window_toast (self, text);
        }
      return;
    }
  parent = g_file_get_parent (sheath_document_get_file (_sheath_window_get_document (self)));
  sheath_choose_files (GTK_WINDOW (self), SHEATH_CHOOSE_FOLDER, _ ("Save Masks In"), _ ("_Save"), NULL, parent, NULL,
                       save_folder_chosen_cb, g_object_ref (self->current), g_object_unref);
}

gboolean
sheath_window_load_masks (SheathWindow  *self,
                          GFile         *axon,
                          GError       **error)
{
  g_return_val_if_fail (SHEATH_IS_WINDOW (self), FALSE);

  if (_sheath_window_get_document (self) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _ ("Open the image first"));
      return FALSE;
    }
  return sheath_document_load_masks (_sheath_window_get_document (self), axon, error);
}

static void
axon_mask_chosen_cb (GListModel *files,
                     gpointer    data)
{
  SheathWindow *self = data;
  g_autoptr(GFile) axon = files ? g_list_model_get_item (files, 0) : NULL;
  g_autoptr(GError) error = NULL;

  if (axon != NULL && !sheath_window_load_masks (self, axon, &error))
    {
      g_autofree char *text = g_strdup_printf (_ ("Masks not loaded: %s"), error->message);
      _sheath_window_toast (self, text);
    }
}

static void
load_masks_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  SheathWindow *self = SHEATH_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  /* masks are usually beside their image, or in its derivatives */
  g_autoptr(GFile) folder = _sheath_window_get_document (self) ? g_file_get_parent (sheath_document_get_file (_sheath_window_get_document (self))) : NULL;

  gtk_file_filter_set_name (filter, _ ("Axon masks (*_seg-axon*.png, *_seg-axonmyelin.ome.tif)"));
  gtk_file_filter_add_pattern (filter, "*_seg-axon*.png");
  gtk_file_filter_add_pattern (filter, "*_seg-axonmyelin.ome.tif");
  sheath_choose_files (GTK_WINDOW (widget), SHEATH_CHOOSE_FILE, _ ("Choose the Axon Mask"), _ ("_Load"), filter, folder, NULL,
                       axon_mask_chosen_cb, g_object_ref (widget), g_object_unref);
}


typedef struct
{
  SheathWindow *window;
  GCallback     done;       /* void (*) (SheathWindow *, gboolean saved, gpointer) */
  gpointer      data;
} SaveInto;

static void
saved_into_map_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  SaveInto *save = user_data;
  SheathDocument *doc = SHEATH_DOCUMENT (object);
  g_autoptr(GError) error = NULL;
  gboolean saved = sheath_document_save_into_map_finish (doc, result, &error);
  g_autofree char *name = g_file_get_basename (sheath_document_get_map (doc));
  g_autofree char *text = NULL;

  if (saved)
    text = g_strdup_printf (_ ("The part's masks are in “%s”"), name);
  else
    text = g_strdup_printf (_ ("Masks not saved into “%s”: %s"), name, error->message);
  _sheath_window_toast (save->window, text);
  if (save->done != NULL)
    ((void (*) (SheathWindow *, gboolean, gpointer)) save->done) (save->window, saved, save->data);
  g_object_unref (save->window);
  g_free (save);
}

/* Writes a slide part's masks into the slide's label map, in the
 * background (the map is written again whole); @done is called after. */
void
_sheath_window_save_into_map (SheathWindow   *self,
                              SheathDocument *doc,
                              GCallback       done,
                              gpointer        data)
{
  SaveInto *save = g_new0 (SaveInto, 1);

  save->window = g_object_ref (self);
  save->done = done;
  save->data = data;
  _sheath_window_toast (self, _ ("Saving the masks into the slide's label map…"));
  sheath_document_save_into_map_async (doc, NULL, saved_into_map_cb, save);
}

/* Saves the masks beside the image, AxonDeepSeg's way, or in the study's
 * folder for a study's image. */
gboolean
_sheath_window_save_beside_image (SheathWindow   *self,
                                  SheathDocument *doc)
{
  g_autoptr(GFile) parent = g_file_get_parent (sheath_document_get_file (doc));
  g_autofree char *dir = parent ? g_file_get_path (parent) : NULL;
  g_autoptr(GError) error = NULL;

  if (sheath_document_get_masks_folder (doc) != NULL)
    {
      g_free (dir);
      dir = g_strdup (sheath_document_get_masks_folder (doc));
    }
  if (dir != NULL && sheath_document_save_masks (doc, dir, &error))
    return TRUE;
  _sheath_window_toast (self, error ? error->message : _ ("The image's folder is not a local folder: use Save Masks"));
  return FALSE;
}


/* ---- the training wizard --------------------------------------------------------- */

/* The open images with masks go to training as they are now: their masks
 * are written to the staging folder, edits included, saved or not. */
static void
add_open_images_cb (SheathTrainingWindow *wizard,
                    SheathWindow         *self)
{
  g_autofree char *staging = sheath_training_window_dup_staging_dir ();
  g_autofree char *dir = g_build_filename (staging, "open-images", NULL);
  g_autoptr(GPtrArray) docs = _sheath_window_list_documents (self);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    return;
  for (guint i = 0; i < docs->len; i++)
    {
      SheathDocument *doc = g_ptr_array_index (docs, i);
      SheathSegmentation *seg = sheath_document_get_segmentation (doc);
      SheathImage *image = sheath_document_get_image (doc);
      g_autofree char *path = g_file_get_path (sheath_document_get_file (doc));
      g_autofree char *stem = sheath_segmentation_dup_stem (sheath_document_get_file (doc));
      g_autofree char *axon = NULL, *myelin = NULL;
      g_autoptr(GError) error = NULL;

      /* (a part of a slide has no image file of its own to train on) */
      if (seg == NULL || image == NULL || path == NULL || sheath_document_get_map (doc) != NULL)
        continue;
      axon = sheath_segmentation_dup_mask_path (dir, stem, "axon");
      myelin = sheath_segmentation_dup_mask_path (dir, stem, "myelin");
      if (!sheath_segmentation_save (seg, dir, stem, &error) ||
          !sheath_training_window_add_image (wizard, path, axon, myelin, sheath_image_get_pixel_size (image),
                                             NULL, &error))
        _sheath_window_toast (self, error->message);
    }
}

static void
model_saved_cb (SheathTrainingWindow *wizard,
                const char           *path,
                SheathWindow         *self)
{
  g_autofree char *name = sheath_model_dup_name_for_path (path);
  g_autofree char *text = NULL;

  /* listed, not chosen: the user picks it where it suits an image */
  sheath_model_picker_reload (self->model_picker);
  text = g_strdup_printf ("“%s” is in the list of models: choose it there to segment with it", name);
  _sheath_window_toast (self, text);
}

/**
 * sheath_window_train:
 *
 * Opens the training wizard for this window.
 *
 * Returns: (transfer none): the wizard's window
 */
GtkWindow *
sheath_window_train (SheathWindow *self)
{
  SheathTrainingWindow *wizard;

  g_return_val_if_fail (SHEATH_IS_WINDOW (self), NULL);

  wizard = sheath_training_window_new (GTK_WINDOW (self));
  g_signal_connect_object (wizard, "add-open-images", G_CALLBACK (add_open_images_cb), self, 0);
  g_signal_connect_object (wizard, "model-saved", G_CALLBACK (model_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (wizard));
  return GTK_WINDOW (wizard);
}

/**
 * sheath_window_open_study:
 *
 * Opens a study window, empty, whose images open in this window to be
 * corrected.
 *
 * Returns: (transfer none): the study window, a #SheathStudyWindow
 */
GtkWindow *
sheath_window_open_study (SheathWindow *self)
{
  SheathStudyWindow *study;

  g_return_val_if_fail (SHEATH_IS_WINDOW (self), NULL);

  study = sheath_study_window_new (SHEATH_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))), self);
  gtk_window_present (GTK_WINDOW (study));
  return GTK_WINDOW (study);
}

static void
open_study_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  sheath_window_open_study (SHEATH_WINDOW (widget));
}

static void
train_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  sheath_window_train (SHEATH_WINDOW (widget));
}


void
_sheath_window_class_actions_init (GtkWidgetClass *widget_class)
{
  static const struct { guint key; const char *how; } zoom_keys[] = {
    { GDK_KEY_plus, "in" }, { GDK_KEY_equal, "in" }, { GDK_KEY_KP_Add, "in" },
    { GDK_KEY_minus, "out" }, { GDK_KEY_KP_Subtract, "out" }, { GDK_KEY_0, "fit" }, { GDK_KEY_1, "one" },
  };

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.segment", NULL, segment_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.save-masks", NULL, save_masks_action);
  gtk_widget_class_install_action (widget_class, "win.load-masks", NULL, load_masks_action);
  gtk_widget_class_install_action (widget_class, "win.set-pixel-size", NULL, set_pixel_size_action);
  gtk_widget_class_install_action (widget_class, "win.train", NULL, train_action);
  gtk_widget_class_install_action (widget_class, "win.open-study", NULL, open_study_action);
  gtk_widget_class_install_action (widget_class, "win.zoom", "s", zoom_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-overlay", NULL, toggle_overlay_action);
  gtk_widget_class_install_action (widget_class, "win.close-tab", NULL, close_tab_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.segment", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save-masks", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.stop", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "win.close-tab", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, 0, "win.toggle-overlay", NULL);
  /* the view's keys work wherever the focus is in the window (a text
   * field takes its own keys first) */
  for (guint i = 0; i < G_N_ELEMENTS (zoom_keys); i++)
    gtk_widget_class_add_binding_action (widget_class, zoom_keys[i].key, 0, "win.zoom", "s", zoom_keys[i].how);
}
