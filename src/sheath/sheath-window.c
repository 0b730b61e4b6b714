/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-window"

#include "config.h"

#include <math.h>

#include <string.h>

#include "sheath-document.h"
#include "sheath-accessible.h"
#include "sheath-recent-list.h"
#include "sheath-viewer.h"
#include "sheath-file-chooser.h"
#include "sheath-model-picker.h"
#include "sheath-recovery.h"
#include "sheath-training-window.h"
#include "sheath-window.h"

/* The model picker's fixed entries; a custom file is appended after them. */

struct _SheathWindow
{
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  AdwToastOverlay      *toasts;
  AdwWindowTitle       *title;
  SheathModelPicker    *model_picker;
  GtkRevealer          *progress_revealer;
  GtkProgressBar       *progress_bar;
  GtkStack             *stack;
  AdwTabView           *tab_view;
  GtkLabel             *pointer_label;
  GtkButton            *pixel_size_button;
  GtkToggleButton      *panel_toggle;
  GtkToggleButton      *overlay_toggle;
  GtkToggleButton      *outlines_toggle;
  GtkToggleButton      *numbers_toggle;
  GtkAdjustment        *opacity;

  /* owned */
  GSettings            *settings;

  /* borrowed: the document shown, with our handlers on it */
  SheathDocument       *current;
  GBinding             *panel_binding;
  GBinding             *overlay_binding;
  GBinding             *opacity_binding;
  GBinding             *outlines_binding;
  GBinding             *numbers_binding;
  gboolean              syncing_picker;   /* the picker follows the document, not the user */
  double                stop_asks_after;  /* seconds of a run before Escape asks */
};

G_DEFINE_FINAL_TYPE (SheathWindow, sheath_window, ADW_TYPE_APPLICATION_WINDOW)

static void
toast (SheathWindow *self,
       const char   *text)
{
  AdwToast *t = adw_toast_new (text);

  adw_toast_set_timeout (t, 6);
  adw_toast_overlay_add_toast (self->toasts, t);
}

static void
update_state (SheathWindow *self)
{
  SheathDocument *doc = self->current;
  gboolean has_image = doc && sheath_document_get_image (doc) != NULL;
  gboolean busy = doc && sheath_document_get_busy (doc);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.segment", has_image && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel", busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop", busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-masks", doc && sheath_document_get_segmentation (doc));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.load-masks", has_image && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.set-pixel-size", has_image);
  gtk_widget_set_sensitive (GTK_WIDGET (self->panel_toggle), doc && sheath_document_get_morphometrics (doc));
  /* nothing to show before there are masks (or measurements, for numbers) */
  gtk_widget_set_sensitive (GTK_WIDGET (self->overlay_toggle), doc && sheath_document_get_segmentation (doc));
  gtk_widget_set_sensitive (GTK_WIDGET (self->outlines_toggle), doc && sheath_document_get_segmentation (doc));
  gtk_widget_set_sensitive (GTK_WIDGET (self->numbers_toggle), doc && sheath_document_get_morphometrics (doc));
  gtk_revealer_set_reveal_child (self->progress_revealer, busy);
  gtk_stack_set_visible_child_name (self->stack, adw_tab_view_get_n_pages (self->tab_view) ? "tabs" : "empty");
}

static void
update_title (SheathWindow *self)
{
  SheathDocument *doc = self->current;
  SheathImage *image = doc ? sheath_document_get_image (doc) : NULL;
  g_autofree char *name = doc ? g_file_get_basename (sheath_document_get_file (doc)) : NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *pixel = NULL;

  if (image != NULL)
    {
      SheathPixelSizeSource source = sheath_image_get_pixel_size_source (image);

      subtitle = g_strdup_printf ("%u × %u, %s", sheath_image_get_width (image), sheath_image_get_height (image),
                                  sheath_image_get_format_description (image));
      pixel = source == SHEATH_PIXEL_SIZE_SOURCE_NONE
              ? g_strdup ("Pixel size unknown")
              : g_strdup_printf ("%g µm per pixel (%s)", sheath_image_get_pixel_size (image),
                                 sheath_pixel_size_source_to_string (source));
    }
  /* unsaved masks show in the title too: with one image the tab bar hides */
  if (doc != NULL && sheath_document_get_modified (doc))
    {
      g_autofree char *bare = g_steal_pointer (&name);
      name = g_strdup_printf ("• %s", bare);
    }
  adw_window_title_set_title (self->title, name ? name : "Sheath");
  adw_window_title_set_subtitle (self->title, subtitle ? subtitle : "");
  gtk_button_set_label (self->pixel_size_button, pixel ? pixel : "");
}

static void
update_progress (SheathWindow *self)
{
  if (self->current == NULL)
    return;
  gtk_progress_bar_set_fraction (self->progress_bar, sheath_document_get_fraction (self->current));
  gtk_progress_bar_set_text (self->progress_bar, sheath_document_get_message (self->current));
}

static void
document_changed_cb (SheathDocument *doc,
                     GParamSpec     *pspec,
                     SheathWindow   *self)
{
  if (doc != self->current)
    return;
  update_title (self);
  update_progress (self);
  update_state (self);
}

static void
pointer_moved_cb (SheathViewer *viewer,
                  int           x,
                  int           y,
                  SheathWindow *self)
{
  SheathImage *image = sheath_viewer_get_image (viewer);
  g_autofree char *text = NULL;

  if (x >= 0 && image != NULL)
    text = g_strdup_printf ("x %d   y %d   value %u", x, y, sheath_image_get_value (image, x, y));
  gtk_label_set_text (self->pointer_label, text ? text : "");
}

static void
clear_binding (GBinding **binding)
{
  if (*binding != NULL)
    {
      g_binding_unbind (*binding);
      g_clear_object (binding);
    }
}

/* The picker shows the models against the document's image, and the
 * document's own model: the one the user chose for it, else the best. */
static void
sync_picker (SheathWindow *self)
{
  SheathDocument *doc = self->current;
  const char *key;

  self->syncing_picker = TRUE;
  sheath_model_picker_set_image (self->model_picker, doc ? sheath_document_get_image (doc) : NULL);
  if (doc != NULL)
    {
      key = sheath_document_get_model_key (doc);
      if (key == NULL)
        key = sheath_model_picker_get_best (self->model_picker);
      if (key != NULL)
        sheath_model_picker_set_chosen (self->model_picker, key);
    }
  self->syncing_picker = FALSE;
}

static void
picker_chosen_cb (SheathModelPicker *picker,
                  GParamSpec        *pspec,
                  SheathWindow      *self)
{
  if (!self->syncing_picker && self->current != NULL)
    sheath_document_set_model_key (self->current, sheath_model_picker_get_chosen (picker));
}

/* Points the header, progress and status bar at the selected document. */
static void
selected_page_cb (AdwTabView   *view,
                  GParamSpec   *pspec,
                  SheathWindow *self)
{
  AdwTabPage *page = adw_tab_view_get_selected_page (view);
  SheathDocument *doc = page ? SHEATH_DOCUMENT (adw_tab_page_get_child (page)) : NULL;

  clear_binding (&self->panel_binding);
  clear_binding (&self->overlay_binding);
  clear_binding (&self->opacity_binding);
  clear_binding (&self->outlines_binding);
  clear_binding (&self->numbers_binding);
  if (self->current != NULL)
    g_signal_handlers_disconnect_by_data (sheath_document_get_viewer (self->current), self);
  /* weak: a closed tab's document may go before the selection moves */
  g_set_weak_pointer (&self->current, doc);
  if (doc != NULL)
    {
      SheathViewer *viewer = sheath_document_get_viewer (doc);

      g_signal_connect (viewer, "pointer-moved", G_CALLBACK (pointer_moved_cb), self);
      self->panel_binding = g_object_ref (g_object_bind_property (doc, "panel-visible", self->panel_toggle, "active",
                                                                  G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE));
      self->overlay_binding = g_object_ref (g_object_bind_property (self->overlay_toggle, "active", viewer,
                                                                    "overlay-visible",
                                                                    G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE));
      self->opacity_binding = g_object_ref (g_object_bind_property (self->opacity, "value", viewer, "overlay-opacity",
                                                                    G_BINDING_SYNC_CREATE));
      self->outlines_binding = g_object_ref (g_object_bind_property (self->outlines_toggle, "active", viewer,
                                                                     "overlay-outlines", G_BINDING_SYNC_CREATE));
      self->numbers_binding = g_object_ref (g_object_bind_property (self->numbers_toggle, "active", viewer,
                                                                    "axon-numbers", G_BINDING_SYNC_CREATE));
    }
  gtk_label_set_text (self->pointer_label, "");
  sync_picker (self);
  update_title (self);
  update_progress (self);
  update_state (self);
}

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
      toast (self, error->message);
      return;
    }
  /* asked for because the user pressed Segment: go on with it */
  if (then_segment)
    segment_document (self, doc);
}

/* Asks for the pixel size of @doc's image. Never prefilled with a guess (a
 * hurried user would accept it): only with the image's own size, if known.
 * With @then_segment, setting it goes on to segment. */
static void
ask_pixel_size (SheathWindow   *self,
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
                                  "Pixel size in micrometres", -1);
  if (sheath_image_get_pixel_size (image) > 0)
    {
      char text[G_ASCII_DTOSTR_BUF_SIZE];

      gtk_editable_set_text (GTK_EDITABLE (entry),
                             g_ascii_formatd (text, sizeof text, "%g", sheath_image_get_pixel_size (image)));
    }
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), unit);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), "Pixel Size",
                                   why ? why : "The side of one pixel, in micrometres.");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", "_Cancel",
                                    "set", then_segment ? "_Set and Segment" : "_Set", NULL);
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
needs_pixel_size_cb (SheathDocument *doc,
                     const char     *why,
                     SheathWindow   *self)
{
  ask_pixel_size (self, doc, why, FALSE);
}

static void
set_pixel_size_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  SheathWindow *self = SHEATH_WINDOW (widget);

  if (self->current != NULL && sheath_document_get_image (self->current) != NULL)
    ask_pixel_size (self, self->current, NULL, FALSE);
}

/* ---- documents ------------------------------------------------------------- */

static void
document_toast_cb (SheathDocument *doc,
                   const char     *text,
                   SheathWindow   *self)
{
  toast (self, text);
}

static void
document_failed_cb (SheathDocument *doc,
                    const char     *text,
                    SheathWindow   *self)
{
  AdwTabPage *page = adw_tab_view_get_page (self->tab_view, GTK_WIDGET (doc));

  toast (self, text);
  adw_tab_view_close_page (self->tab_view, page);
}

/* The recent images are the ones opened here: a group of their own keeps
 * out what file dialogs add (exported plots, saved masks). */
static void
remember_opened (GFile *file)
{
  g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE,
                                                 G_FILE_QUERY_INFO_NONE, NULL, NULL);
  const char *type = info ? g_file_info_get_content_type (info) : NULL;
  g_autofree char *mime = type ? g_content_type_get_mime_type (type) : NULL;
  g_autofree char *uri = g_file_get_uri (file);
  const char *groups[] = { SHEATH_RECENT_GROUP, NULL };
  GtkRecentData data = {
    .mime_type = mime ? mime : (char *) "application/octet-stream",
    .app_name = (char *) g_get_application_name (),
    .app_exec = (char *) "sheath %u",
    .groups = (char **) groups,
  };

  if (data.app_name != NULL)
    gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

static void
load_beside_cb (AdwToast       *toast_,
                SheathDocument *doc)
{
  SheathWindow *self = SHEATH_WINDOW (gtk_widget_get_root (GTK_WIDGET (doc)));
  g_autoptr(GFile) parent = g_file_get_parent (sheath_document_get_file (doc));
  g_autofree char *stem = sheath_segmentation_dup_stem (sheath_document_get_file (doc));
  g_autofree char *dir = parent ? g_file_get_path (parent) : NULL;
  g_autofree char *axon = dir ? sheath_segmentation_dup_mask_path (dir, stem, "axon") : NULL;
  g_autoptr(GFile) axon_file = axon ? g_file_new_for_path (axon) : NULL;
  g_autoptr(GError) error = NULL;

  if (self != NULL && axon_file != NULL && !sheath_document_load_masks (doc, axon_file, &error))
    toast (self, error->message);
}

/* Masks saved beside the image earlier are offered when it opens again. */
static void
offer_masks_beside (SheathWindow   *self,
                    SheathDocument *doc)
{
  g_autoptr(GFile) parent = g_file_get_parent (sheath_document_get_file (doc));
  g_autofree char *stem = sheath_segmentation_dup_stem (sheath_document_get_file (doc));
  g_autofree char *dir = parent ? g_file_get_path (parent) : NULL;
  g_autofree char *axon = dir ? sheath_segmentation_dup_mask_path (dir, stem, "axon") : NULL;
  g_autofree char *myelin = dir ? sheath_segmentation_dup_mask_path (dir, stem, "myelin") : NULL;
  AdwToast *offer;

  if (axon == NULL || !g_file_test (axon, G_FILE_TEST_IS_REGULAR) || !g_file_test (myelin, G_FILE_TEST_IS_REGULAR) ||
      sheath_document_get_segmentation (doc) != NULL)
    return;
  offer = adw_toast_new ("This image has masks beside it");
  adw_toast_set_button_label (offer, "Load Them");
  adw_toast_set_timeout (offer, 0);
  g_signal_connect_object (offer, "button-clicked", G_CALLBACK (load_beside_cb), doc, 0);
  adw_toast_overlay_add_toast (self->toasts, offer);
  /* shown at once (a toast shown before gives way to it) */
  sheath_accessible_name_buttons (GTK_WIDGET (self->toasts));
}

static void
document_image_cb (SheathDocument *doc,
                   GParamSpec     *pspec,
                   SheathWindow   *self)
{
  AdwTabPage *page = adw_tab_view_get_page (self->tab_view, GTK_WIDGET (doc));

  if (adw_tab_page_get_loading (page))
    {
      /* just loaded (not its pixel size changed) */
      adw_tab_page_set_loading (page, FALSE);
      remember_opened (sheath_document_get_file (doc));
      offer_masks_beside (self, doc);
    }
  /* loaded, or its pixel size set: the models' fit changed */
  if (doc == self->current)
    sync_picker (self);
  document_changed_cb (doc, pspec, self);
}

static void document_modified_cb (SheathDocument *doc,
                                  GParamSpec     *pspec,
                                  SheathWindow   *self);

/**
 * sheath_window_open:
 *
 * Opens an image in a new tab, or shows its tab if it is open already.
 *
 * Returns: (transfer none): the image's document
 */
SheathDocument *
sheath_window_open (SheathWindow *self,
                    GFile        *file)
{
  SheathDocument *doc;
  AdwTabPage *page;
  g_autofree char *name = NULL;

  g_return_val_if_fail (SHEATH_IS_WINDOW (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  /* an image already open is shown, not opened twice */
  for (int i = 0; i < adw_tab_view_get_n_pages (self->tab_view); i++)
    {
      page = adw_tab_view_get_nth_page (self->tab_view, i);
      if (g_file_equal (sheath_document_get_file (SHEATH_DOCUMENT (adw_tab_page_get_child (page))), file))
        {
          adw_tab_view_set_selected_page (self->tab_view, page);
          return SHEATH_DOCUMENT (adw_tab_page_get_child (page));
        }
    }

  doc = sheath_document_new (file, self->settings);
  g_signal_connect (doc, "toast", G_CALLBACK (document_toast_cb), self);
  g_signal_connect (doc, "failed", G_CALLBACK (document_failed_cb), self);
  g_signal_connect (doc, "needs-pixel-size", G_CALLBACK (needs_pixel_size_cb), self);
  g_signal_connect (doc, "notify::image", G_CALLBACK (document_image_cb), self);
  g_signal_connect (doc, "notify::busy", G_CALLBACK (document_changed_cb), self);
  g_signal_connect (doc, "notify::fraction", G_CALLBACK (document_changed_cb), self);
  g_signal_connect (doc, "notify::segmentation", G_CALLBACK (document_changed_cb), self);
  g_signal_connect (doc, "notify::morphometrics", G_CALLBACK (document_changed_cb), self);
  g_signal_connect (doc, "notify::modified", G_CALLBACK (document_modified_cb), self);

  name = g_file_get_basename (file);
  page = adw_tab_view_append (self->tab_view, GTK_WIDGET (doc));
  adw_tab_page_set_title (page, name);
  adw_tab_page_set_loading (page, TRUE);
  adw_tab_view_set_selected_page (self->tab_view, page);
  update_state (self);
  return doc;
}

static void
recent_activated_cb (SheathRecentList *list,
                     GFile            *file,
                     SheathWindow     *self)
{
  sheath_window_open (self, file);
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

  gtk_file_filter_set_name (images, "PNG and TIFF images");
  gtk_file_filter_add_mime_type (images, "image/png");
  gtk_file_filter_add_mime_type (images, "image/tiff");
  sheath_choose_files (GTK_WINDOW (widget), SHEATH_CHOOSE_FILES, "Open Images", "_Open", images, NULL, NULL,
                       images_chosen_cb, g_object_ref (widget), g_object_unref);
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         SheathWindow  *self)
{
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      for (GSList *l = g_value_get_boxed (value); l; l = l->next)
        sheath_window_open (self, l->data);
      return TRUE;
    }
  return FALSE;
}

/* ---- unsaved edits ----------------------------------------------------------- */

static void
document_modified_cb (SheathDocument *doc,
                      GParamSpec     *pspec,
                      SheathWindow   *self)
{
  AdwTabPage *page = adw_tab_view_get_page (self->tab_view, GTK_WIDGET (doc));
  g_autofree char *name = g_file_get_basename (sheath_document_get_file (doc));
  g_autofree char *title = NULL;

  /* the GNOME way: a bullet before the name of what has unsaved changes */
  title = sheath_document_get_modified (doc) ? g_strdup_printf ("• %s", name) : g_strdup (name);
  adw_tab_page_set_title (page, title);
  if (doc == self->current)
    update_title (self);
}

/* Saves the masks beside the image, AxonDeepSeg's way. */
static gboolean
save_beside_image (SheathWindow   *self,
                   SheathDocument *doc)
{
  g_autoptr(GFile) parent = g_file_get_parent (sheath_document_get_file (doc));
  g_autofree char *dir = parent ? g_file_get_path (parent) : NULL;
  g_autoptr(GError) error = NULL;

  if (dir != NULL && sheath_document_save_masks (doc, dir, &error))
    return TRUE;
  toast (self, error ? error->message : "The image's folder is not a local folder: use Save Masks");
  return FALSE;
}

static AdwMessageDialog *
unsaved_dialog (SheathWindow *self,
                const char   *heading,
                const char   *body)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));

  adw_message_dialog_add_responses (dialog, "cancel", "_Cancel", "discard", "_Discard", "save", "_Save", NULL);
  sheath_accessible_name_buttons (GTK_WIDGET (dialog));
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "save");
  adw_message_dialog_set_close_response (dialog, "cancel");
  return dialog;
}

static void
close_page_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        SheathWindow     *self)
{
  AdwTabPage *page = g_object_get_data (G_OBJECT (dialog), "page");
  SheathDocument *doc = SHEATH_DOCUMENT (adw_tab_page_get_child (page));
  gboolean close = FALSE;

  if (g_str_equal (response, "discard"))
    {
      sheath_document_discard_edits (doc);
      close = TRUE;
    }
  else if (g_str_equal (response, "save"))
    close = save_beside_image (self, doc);
  if (close)
    sheath_document_cancel (doc);
  adw_tab_view_close_page_finish (self->tab_view, page, close);
  g_idle_add_once ((GSourceOnceFunc) update_state, self);
}

static gboolean
close_page_cb (AdwTabView   *view,
               AdwTabPage   *page,
               SheathWindow *self)
{
  SheathDocument *doc = SHEATH_DOCUMENT (adw_tab_page_get_child (page));
  g_autofree char *name = NULL;
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  if (!sheath_document_get_modified (doc))
    {
      /* a segmentation in flight stops with its page */
      sheath_document_cancel (doc);
      adw_tab_view_close_page_finish (view, page, TRUE);
      g_idle_add_once ((GSourceOnceFunc) update_state, self);
      return GDK_EVENT_STOP;
    }

  name = g_file_get_basename (sheath_document_get_file (doc));
  heading = g_strdup_printf ("Save the Edited Masks of “%s”?", name);
  dialog = unsaved_dialog (self, heading,
                           "The masks were edited since they were saved. Saving writes them beside the "
                           "image (_seg-axon.png, _seg-myelin.png); discarding throws the edits away.");
  g_object_set_data_full (G_OBJECT (dialog), "page", g_object_ref (page), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (close_page_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
  return GDK_EVENT_STOP;
}

static GPtrArray *
modified_documents (SheathWindow *self)
{
  GPtrArray *docs = g_ptr_array_new ();

  for (int i = 0; i < adw_tab_view_get_n_pages (self->tab_view); i++)
    {
      GtkWidget *child = adw_tab_page_get_child (adw_tab_view_get_nth_page (self->tab_view, i));

      if (sheath_document_get_modified (SHEATH_DOCUMENT (child)))
        g_ptr_array_add (docs, child);
    }
  return docs;
}

static gboolean
close_when_idle (gpointer data)
{
  gtk_window_close (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

static void
close_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   SheathWindow     *self)
{
  g_autoptr(GPtrArray) docs = modified_documents (self);

  if (g_str_equal (response, "cancel"))
    return;
  for (guint i = 0; i < docs->len; i++)
    {
      SheathDocument *doc = g_ptr_array_index (docs, i);

      if (g_str_equal (response, "discard"))
        sheath_document_discard_edits (doc);
      else if (!save_beside_image (self, doc))
        return;   /* the window stays, with the toast saying why */
    }
  /* once the dialog is gone: it is transient for this window */
  g_idle_add_full (G_PRIORITY_DEFAULT, close_when_idle, g_object_ref (self), g_object_unref);
}

static gboolean
sheath_window_close_request (GtkWindow *window)
{
  SheathWindow *self = SHEATH_WINDOW (window);
  g_autoptr(GPtrArray) docs = modified_documents (self);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  if (docs->len == 0)
    return GTK_WINDOW_CLASS (sheath_window_parent_class)->close_request (window);

  for (guint i = 0; i < docs->len; i++)
    {
      g_autofree char *name = g_file_get_basename (sheath_document_get_file (g_ptr_array_index (docs, i)));
      g_string_append_printf (names, "%s%s", i ? ", " : "", name);
    }
  body = g_strdup_printf ("The masks of %s were edited since they were saved. Saving writes them beside "
                          "each image; discarding throws the edits away.", names->str);
  dialog = unsaved_dialog (self, "Save the Edited Masks?", body);
  g_signal_connect (dialog, "response", G_CALLBACK (close_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* ---- recovery of a session that ended without saving ---------------------------- */

static void
recovery_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      SheathWindow     *self)
{
  GPtrArray *images = g_object_get_data (G_OBJECT (dialog), "images");
  g_autoptr(SheathRecovery) recovery = sheath_recovery_new_default ();

  for (guint i = 0; i < images->len; i++)
    {
      GFile *image = g_ptr_array_index (images, i);

      if (g_str_equal (response, "restore") && g_file_query_exists (image, NULL))
        sheath_document_restore_edits (sheath_window_open (self, image));
      else if (g_str_equal (response, "discard"))
        sheath_recovery_discard (recovery, image);
    }
}

/**
 * sheath_window_offer_recovery:
 *
 * When an earlier session ended with unsaved edits (a crash, a kill, a
 * power cut), asks whether to restore them.
 *
 * Returns: whether there was anything to offer
 */
gboolean
sheath_window_offer_recovery (SheathWindow *self)
{
  g_autoptr(SheathRecovery) recovery = sheath_recovery_new_default ();
  g_autoptr(GPtrArray) images = sheath_recovery_list (recovery);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  g_return_val_if_fail (SHEATH_IS_WINDOW (self), FALSE);

  if (images->len == 0)
    return FALSE;
  for (guint i = 0; i < images->len; i++)
    {
      g_autofree char *name = g_file_get_basename (g_ptr_array_index (images, i));
      g_string_append_printf (names, "%s%s", i ? ", " : "", name);
    }
  body = g_strdup_printf ("Sheath was closed without saving the edited masks of %s. "
                          "Restore them, or discard the edits?", names->str);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), "Restore Unsaved Edits?", body));
  adw_message_dialog_add_responses (dialog, "later", "_Not Now", "discard", "_Discard", "restore", "_Restore", NULL);
  sheath_accessible_name_buttons (GTK_WIDGET (dialog));
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "restore", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "restore");
  adw_message_dialog_set_close_response (dialog, "later");
  g_object_set_data_full (G_OBJECT (dialog), "images", g_ptr_array_ref (images), (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (recovery_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}


/* ---- models ------------------------------------------------------------------- */

/**
 * sheath_window_reload_models:
 *
 * Lists the models again, e.g. after one was trained.
 */
void
sheath_window_reload_models (SheathWindow *self)
{
  g_return_if_fail (SHEATH_IS_WINDOW (self));
  sheath_model_picker_reload (self->model_picker);
}

gboolean
sheath_window_set_model_file (SheathWindow  *self,
                              GFile         *file,
                              GError       **error)
{
  g_return_val_if_fail (SHEATH_IS_WINDOW (self), FALSE);
  return sheath_model_picker_set_model_file (self->model_picker, file, error);
}

static void
picker_message_cb (SheathModelPicker *picker,
                   const char        *text,
                   SheathWindow      *self)
{
  toast (self, text);
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
      body = g_strdup_printf ("This model learnt from %g µm pixels; this image has %g µm pixels, %.0f× %s. "
                              "It would be resampled that much and its fibres would not look like the ones "
                              "the model knows. Check the pixel size, or choose a model of this scale.",
                              sheath_model_get_pixel_size (model), sheath_image_get_pixel_size (image),
                              scale < 1 ? 1 / scale : scale, scale < 1 ? "finer" : "coarser");
      break;
    case SHEATH_MODEL_FIT_OTHER_MODALITY:
      body = g_strdup_printf ("This is a %s model and the image's name says %s. Choose a %s model if there "
                              "is one.", sheath_model_get_modality (model), sheath_image_get_modality (image),
                              sheath_image_get_modality (image));
      break;
    default:
      return TRUE;
    }
  dialog = adw_message_dialog_new (GTK_WINDOW (self), "The Model Does Not Suit This Image", body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", "_Cancel",
                                    "segment", "Segment _Anyway", NULL);
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
      ask_pixel_size (self, doc, "Segmenting needs the image's pixel size, in micrometres: "
                                 "the model works at its own scale.", TRUE);
      return;
    }
  /* the document's own model; else the one shown, which suits it best */
  if (doc == self->current)
    sync_picker (self);
  key = sheath_document_get_model_key (doc);
  if (key == NULL)
    key = doc == self->current ? sheath_model_picker_get_chosen (self->model_picker) : "sem";
  if (!(model = sheath_model_picker_load_key (key, &error)))
    {
      toast (self, error->message);
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

  if (self->current != NULL)
    segment_document (self, self->current);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SheathWindow *self = SHEATH_WINDOW (widget);

  if (self->current != NULL)
    sheath_document_cancel (self->current);
}

/* A run stopped by a stray Escape after minutes is work lost: past this,
 * the key asks first (the Cancel button does not). */
#define STOP_ASKS_AFTER_SECONDS 10.0

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

  if (self->current == NULL || !sheath_document_get_busy (self->current))
    return;
  seconds = sheath_document_get_busy_seconds (self->current);
  if (seconds < self->stop_asks_after)
    {
      sheath_document_cancel (self->current);
      return;
    }
  body = seconds < 120 ? g_strdup_printf ("It has run for %.0f seconds; what it has done is lost.", seconds)
                       : g_strdup_printf ("It has run for %.0f minutes; what it has done is lost.", seconds / 60);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), "Stop Segmenting?", body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "keep", "_Keep Segmenting", "stop", "_Stop", NULL);
  sheath_accessible_name_buttons (GTK_WIDGET (dialog));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "stop", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_object_set_data_full (G_OBJECT (dialog), "document", g_object_ref (self->current), g_object_unref);
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

  if (self->current != NULL)
    gtk_widget_activate_action_variant (GTK_WIDGET (sheath_document_get_viewer (self->current)), "viewer.zoom", param);
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
  SheathDocument *doc = data;
  SheathWindow *self = SHEATH_WINDOW (gtk_widget_get_ancestor (GTK_WIDGET (doc), SHEATH_TYPE_WINDOW));
  g_autoptr(GFile) folder = files ? g_list_model_get_item (files, 0) : NULL;
  g_autofree char *dir = folder ? g_file_get_path (folder) : NULL;
  g_autoptr(GError) error = NULL;

  if (folder == NULL || self == NULL)
    return;
  if (dir != NULL && sheath_document_save_masks (doc, dir, &error))
    toast (self, "Masks saved as _seg-axon.png, _seg-myelin.png and _seg-axonmyelin.png");
  else
    {
      g_autofree char *text = g_strdup_printf ("Masks not saved: %s", error ? error->message : "not a local folder");
      toast (self, text);
    }
}

static void
save_masks_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  SheathWindow *self = SHEATH_WINDOW (widget);
  g_autoptr(GFile) parent = NULL;

  if (self->current == NULL)
    return;
  parent = g_file_get_parent (sheath_document_get_file (self->current));
  sheath_choose_files (GTK_WINDOW (self), SHEATH_CHOOSE_FOLDER, "Save Masks In", "_Save", NULL, parent, NULL,
                       save_folder_chosen_cb, g_object_ref (self->current), g_object_unref);
}

gboolean
sheath_window_load_masks (SheathWindow  *self,
                          GFile         *axon,
                          GError       **error)
{
  g_return_val_if_fail (SHEATH_IS_WINDOW (self), FALSE);

  if (self->current == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Open the image first");
      return FALSE;
    }
  return sheath_document_load_masks (self->current, axon, error);
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
      g_autofree char *text = g_strdup_printf ("Masks not loaded: %s", error->message);
      toast (self, text);
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
  g_autoptr(GFile) folder = self->current ? g_file_get_parent (sheath_document_get_file (self->current)) : NULL;

  gtk_file_filter_set_name (filter, "Axon masks (*_seg-axon*.png)");
  gtk_file_filter_add_pattern (filter, "*_seg-axon*.png");
  sheath_choose_files (GTK_WINDOW (widget), SHEATH_CHOOSE_FILE, "Choose the Axon Mask", "_Load", filter, folder, NULL,
                       axon_mask_chosen_cb, g_object_ref (widget), g_object_unref);
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

  if (g_mkdir_with_parents (dir, 0700) != 0)
    return;
  for (int i = 0; i < adw_tab_view_get_n_pages (self->tab_view); i++)
    {
      SheathDocument *doc = SHEATH_DOCUMENT (adw_tab_page_get_child (adw_tab_view_get_nth_page (self->tab_view, i)));
      SheathSegmentation *seg = sheath_document_get_segmentation (doc);
      SheathImage *image = sheath_document_get_image (doc);
      g_autofree char *path = g_file_get_path (sheath_document_get_file (doc));
      g_autofree char *stem = NULL;
      g_autofree char *axon = NULL, *myelin = NULL;
      g_autoptr(GError) error = NULL;

      if (seg == NULL || image == NULL || path == NULL)
        continue;
      {
        g_autoptr(GFile) file = g_file_new_for_path (path);
        stem = sheath_segmentation_dup_stem (file);
      }
      axon = sheath_segmentation_dup_mask_path (dir, stem, "axon");
      myelin = sheath_segmentation_dup_mask_path (dir, stem, "myelin");
      if (!sheath_segmentation_save (seg, dir, stem, &error) ||
          !sheath_training_window_add_image (wizard, path, axon, myelin, sheath_image_get_pixel_size (image),
                                             NULL, &error))
        toast (self, error->message);
    }
}

static void
model_saved_cb (SheathTrainingWindow *wizard,
                const char           *path,
                SheathWindow         *self)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *text = NULL;

  /* listed, not chosen: the user picks it where it suits an image */
  sheath_model_picker_reload (self->model_picker);
  if (g_str_has_suffix (name, ".safetensors"))
    name[strlen (name) - strlen (".safetensors")] = '\0';
  text = g_strdup_printf ("“%s” is in the list of models: choose it there to segment with it", name);
  toast (self, text);
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

static void
train_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  sheath_window_train (SHEATH_WINDOW (widget));
}

/* ---- GObject ------------------------------------------------------------------------- */

static void
sheath_window_dispose (GObject *object)
{
  SheathWindow *self = (SheathWindow *)object;

  clear_binding (&self->panel_binding);
  clear_binding (&self->overlay_binding);
  clear_binding (&self->opacity_binding);
  clear_binding (&self->outlines_binding);
  clear_binding (&self->numbers_binding);
  g_clear_weak_pointer (&self->current);
  g_clear_object (&self->settings);
  /* a document still decoding or segmenting outlives the window (its task
   * holds it): it must not call back into a window that is gone */
  if (self->tab_view != NULL)
    for (int i = 0; i < adw_tab_view_get_n_pages (self->tab_view); i++)
      {
        GtkWidget *doc = adw_tab_page_get_child (adw_tab_view_get_nth_page (self->tab_view, i));

        g_signal_handlers_disconnect_by_data (doc, self);
        sheath_document_cancel (SHEATH_DOCUMENT (doc));
      }
  gtk_widget_dispose_template (GTK_WIDGET (self), SHEATH_TYPE_WINDOW);

  G_OBJECT_CLASS (sheath_window_parent_class)->dispose (object);
}

static void
sheath_window_class_init (SheathWindowClass *klass)
{
  GTK_WINDOW_CLASS (klass)->close_request = sheath_window_close_request;
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sheath_window_dispose;

  g_type_ensure (SHEATH_TYPE_DOCUMENT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/sheath/Sheath/sheath-window.ui");
  g_type_ensure (SHEATH_TYPE_RECENT_LIST);
  g_type_ensure (SHEATH_TYPE_MODEL_PICKER);
  gtk_widget_class_bind_template_callback (widget_class, recent_activated_cb);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, title);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, model_picker);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, tab_view);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, pointer_label);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, pixel_size_button);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, panel_toggle);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, overlay_toggle);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, outlines_toggle);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, numbers_toggle);
  gtk_widget_class_bind_template_child (widget_class, SheathWindow, opacity);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.segment", NULL, segment_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.save-masks", NULL, save_masks_action);
  gtk_widget_class_install_action (widget_class, "win.load-masks", NULL, load_masks_action);
  gtk_widget_class_install_action (widget_class, "win.set-pixel-size", NULL, set_pixel_size_action);
  gtk_widget_class_install_action (widget_class, "win.train", NULL, train_action);
  gtk_widget_class_install_action (widget_class, "win.zoom", "s", zoom_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-overlay", NULL, toggle_overlay_action);
  gtk_widget_class_install_action (widget_class, "win.close-tab", NULL, close_tab_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.segment", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save-masks", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.stop", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "win.close-tab", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, 0, "win.toggle-overlay", NULL);
  {
    static const struct { guint key; const char *how; } zoom_keys[] = {
      { GDK_KEY_plus, "in" }, { GDK_KEY_equal, "in" }, { GDK_KEY_KP_Add, "in" },
      { GDK_KEY_minus, "out" }, { GDK_KEY_KP_Subtract, "out" }, { GDK_KEY_0, "fit" }, { GDK_KEY_1, "one" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (zoom_keys); i++)
      gtk_widget_class_add_binding_action (widget_class, zoom_keys[i].key, 0, "win.zoom", "s", zoom_keys[i].how);
  }
}

static void
sheath_window_init (SheathWindow *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE) : NULL;
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  sheath_accessible_name_buttons (GTK_WIDGET (self));
  self->stop_asks_after = STOP_ASKS_AFTER_SECONDS;
  g_signal_connect (self->model_picker, "message", G_CALLBACK (picker_message_cb), self);
  g_signal_connect (self->model_picker, "notify::chosen", G_CALLBACK (picker_chosen_cb), self);

  /* Without its installed schema (an uninstalled build) the app still runs,
   * only forgetting choices. */
  if (schema != NULL)
    {
      self->settings = g_settings_new (APPLICATION_ID);
      g_settings_bind (self->settings, "overlay-opacity", self->opacity, "value", G_SETTINGS_BIND_DEFAULT);
    }

  g_signal_connect (self->tab_view, "notify::selected-page", G_CALLBACK (selected_page_cb), self);
  g_signal_connect (self->tab_view, "close-page", G_CALLBACK (close_page_cb), self);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  update_title (self);
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
  return self->current ? sheath_document_get_image (self->current) : NULL;
}

SheathSegmentation *
sheath_window_get_segmentation (SheathWindow *self)
{
  g_return_val_if_fail (SHEATH_IS_WINDOW (self), NULL);
  return self->current ? sheath_document_get_segmentation (self->current) : NULL;
}

SheathMorphometrics *
sheath_window_get_morphometrics (SheathWindow *self)
{
  g_return_val_if_fail (SHEATH_IS_WINDOW (self), NULL);
  return self->current ? sheath_document_get_morphometrics (self->current) : NULL;
}

guint
sheath_window_get_n_documents (SheathWindow *self)
{
  g_return_val_if_fail (SHEATH_IS_WINDOW (self), 0);
  return adw_tab_view_get_n_pages (self->tab_view);
}
