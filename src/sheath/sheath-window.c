/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-window"

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "sheath-accessible.h"
#include "sheath-recent-list.h"
#include "sheath-recovery.h"
#include "sheath-slide-window.h"
#include "sheath-window-private.h"

G_DEFINE_FINAL_TYPE (SheathWindow, sheath_window, ADW_TYPE_APPLICATION_WINDOW)

void
_sheath_window_toast (SheathWindow *self,
                      const char   *text)
{
  AdwToast *t = adw_toast_new (text);

  adw_toast_set_timeout (t, 6);
  adw_toast_overlay_add_toast (self->toasts, t);
}

/* the document shown, or NULL */
SheathDocument *
_sheath_window_get_document (SheathWindow *self)
{
  return self->current ? sheath_page_get_document (self->current) : NULL;
}

static SheathPage *
page_of (AdwTabPage *tab)
{
  return SHEATH_PAGE (adw_tab_page_get_child (tab));
}

static SheathDocument *
document_of (AdwTabPage *tab)
{
  return sheath_page_get_document (page_of (tab));
}

static AdwTabPage *
tab_of_document (SheathWindow   *self,
                 SheathDocument *doc)
{
  for (int i = 0; i < adw_tab_view_get_n_pages (self->tab_view); i++)
    {
      AdwTabPage *tab = adw_tab_view_get_nth_page (self->tab_view, i);

      if (document_of (tab) == doc)
        return tab;
    }
  return NULL;
}

static void
update_state (SheathWindow *self)
{
  SheathDocument *doc = _sheath_window_get_document (self);
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
  SheathDocument *doc = _sheath_window_get_document (self);
  SheathImage *image = doc ? sheath_document_get_image (doc) : NULL;
  g_autofree char *name = doc ? g_file_get_basename (sheath_document_get_name_file (doc)) : NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *pixel = NULL;

  if (image != NULL)
    {
      SheathPixelSizeSource source = sheath_image_get_pixel_size_source (image);

      subtitle = g_strdup_printf ("%u × %u, %s", sheath_image_get_width (image), sheath_image_get_height (image),
                                  sheath_image_get_format_description (image));
      pixel = source == SHEATH_PIXEL_SIZE_SOURCE_NONE
              ? g_strdup (_ ("Pixel size unknown"))
              : g_strdup_printf ("%g µm per pixel (%s)", sheath_image_get_pixel_size (image),
                                 sheath_pixel_size_source_to_string (source));
    }
  /* unsaved masks show in the title too: with one image the tab bar hides */
  if (doc != NULL && sheath_document_get_modified (doc))
    {
      g_autofree char *bare = g_steal_pointer (&name);
      name = g_strdup_printf ("• %s", bare);
    }
  adw_window_title_set_title (self->title, name ? name : _ ("Sheath"));
  adw_window_title_set_subtitle (self->title, subtitle ? subtitle : "");
  gtk_button_set_label (self->pixel_size_button, pixel ? pixel : "");
}

static void
update_progress (SheathWindow *self)
{
  SheathDocument *doc = _sheath_window_get_document (self);

  if (doc == NULL)
    return;
  gtk_progress_bar_set_fraction (self->progress_bar, sheath_document_get_fraction (doc));
  gtk_progress_bar_set_text (self->progress_bar, sheath_document_get_message (doc));
}

/* the shown document changed */
static void
document_changed_cb (SheathWindow *self)
{
  update_title (self);
  update_progress (self);
  update_state (self);
}

static void
pointer_moved_cb (SheathWindow *self,
                  int           x,
                  int           y,
                  SheathViewer *viewer)
{
  SheathImage *image = sheath_viewer_get_image (viewer);
  g_autofree char *text = NULL;

  if (x >= 0 && image != NULL)
    text = g_strdup_printf (_ ("x %d   y %d   value %u"), x, y, sheath_image_get_value (image, x, y));
  gtk_label_set_text (self->pointer_label, text ? text : "");
}

/* The picker shows the models against the document's image, and the
 * document's own model: the one the user chose for it, else the best. */
void
_sheath_window_sync_picker (SheathWindow *self)
{
  SheathDocument *doc = _sheath_window_get_document (self);
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
  SheathDocument *doc = _sheath_window_get_document (self);

  if (!self->syncing_picker && doc != NULL)
    sheath_document_set_model_key (doc, sheath_model_picker_get_chosen (picker));
}

/* Points the header, progress and status bar at the selected page. */
static void
selected_page_cb (AdwTabView   *view,
                  GParamSpec   *pspec,
                  SheathWindow *self)
{
  AdwTabPage *tab = adw_tab_view_get_selected_page (view);
  SheathPage *page = tab ? page_of (tab) : NULL;
  SheathViewer *viewer = page ? sheath_page_get_viewer (page) : NULL;

  /* weak: a closed tab's page may go before the selection moves */
  g_set_weak_pointer (&self->current, page);
  /* the header's view toggles are the window's: the viewer takes them */
  if (viewer != NULL)
    g_object_set (viewer,
                  "overlay-visible", gtk_toggle_button_get_active (self->overlay_toggle),
                  "overlay-outlines", gtk_toggle_button_get_active (self->outlines_toggle),
                  "axon-numbers", gtk_toggle_button_get_active (self->numbers_toggle),
                  "overlay-opacity", gtk_adjustment_get_value (self->opacity),
                  NULL);
  g_binding_group_set_source (self->page_bindings, page);
  g_binding_group_set_source (self->viewer_bindings, viewer);
  g_signal_group_set_target (self->document_signals, page ? sheath_page_get_document (page) : NULL);
  g_signal_group_set_target (self->viewer_signals, viewer);
  gtk_label_set_text (self->pointer_label, "");
  _sheath_window_sync_picker (self);
  document_changed_cb (self);
}

/* ---- documents ------------------------------------------------------------- */

static void
document_toast_cb (SheathDocument *doc,
                   const char     *text,
                   SheathWindow   *self)
{
  _sheath_window_toast (self, text);
}

static void
needs_pixel_size_cb (SheathDocument *doc,
                     const char     *why,
                     SheathWindow   *self)
{
  _sheath_window_ask_pixel_size (self, doc, why, FALSE);
}

static void
document_failed_cb (SheathDocument *doc,
                    const char     *text,
                    SheathWindow   *self)
{
  AdwTabPage *tab = tab_of_document (self, doc);

  _sheath_window_toast (self, text);
  if (tab != NULL)
    adw_tab_view_close_page (self->tab_view, tab);
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

/* The masks saved beside the document's image: its axon mask (with a
 * myelin mask beside it), or the OME-TIFF map of a large image; NULL when
 * there are none. */
static char *
masks_beside (SheathDocument *doc)
{
  g_autoptr(GFile) parent = g_file_get_parent (sheath_document_get_file (doc));
  g_autofree char *stem = sheath_segmentation_dup_stem (sheath_document_get_file (doc));
  g_autofree char *dir = parent ? g_file_get_path (parent) : NULL;
  g_autofree char *axon = NULL, *myelin = NULL, *map_name = NULL, *map = NULL;

  if (dir == NULL)
    return NULL;
  axon = sheath_segmentation_dup_mask_path (dir, stem, "axon");
  myelin = sheath_segmentation_dup_mask_path (dir, stem, "myelin");
  if (g_file_test (axon, G_FILE_TEST_IS_REGULAR) && g_file_test (myelin, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&axon);
  map_name = g_strdup_printf ("%s_seg-axonmyelin.ome.tif", stem);
  map = g_build_filename (dir, map_name, NULL);
  if (g_file_test (map, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&map);
  return NULL;
}

static void
load_beside_cb (AdwToast   *toast_,
                SheathPage *page)
{
  SheathWindow *self = SHEATH_WINDOW (gtk_widget_get_root (GTK_WIDGET (page)));
  SheathDocument *doc = sheath_page_get_document (page);
  g_autofree char *masks = masks_beside (doc);
  g_autoptr(GFile) file = masks ? g_file_new_for_path (masks) : NULL;
  g_autoptr(GError) error = NULL;

  if (self != NULL && file != NULL && !sheath_document_load_masks (doc, file, &error))
    _sheath_window_toast (self, error->message);
}

/* Masks saved beside the image earlier are offered when it opens again. */
static void
offer_masks_beside (SheathWindow *self,
                    SheathPage   *page)
{
  SheathDocument *doc = sheath_page_get_document (page);
  g_autofree char *masks = masks_beside (doc);
  AdwToast *offer;

  if (masks == NULL || sheath_document_get_segmentation (doc) != NULL)
    return;
  offer = adw_toast_new (_ ("This image has masks beside it"));
  adw_toast_set_button_label (offer, _ ("Load Them"));
  adw_toast_set_timeout (offer, 0);
  g_signal_connect_object (offer, "button-clicked", G_CALLBACK (load_beside_cb), page, 0);
  adw_toast_overlay_add_toast (self->toasts, offer);
  /* shown at once (a toast shown before gives way to it) */
  sheath_accessible_name_buttons (GTK_WIDGET (self->toasts));
}

static void
document_image_cb (SheathDocument *doc,
                   GParamSpec     *pspec,
                   SheathWindow   *self)
{
  AdwTabPage *tab = tab_of_document (self, doc);

  if (tab != NULL && adw_tab_page_get_loading (tab))
    {
      /* just loaded (not its pixel size changed) */
      adw_tab_page_set_loading (tab, FALSE);
      /* (a part of a slide: not a file of its own; its masks come from the map) */
      if (sheath_document_get_map (doc) == NULL)
        {
          remember_opened (sheath_document_get_file (doc));
          offer_masks_beside (self, page_of (tab));
        }
    }
  /* loaded, or its pixel size set: the models' fit changed */
  if (doc == _sheath_window_get_document (self))
    {
      _sheath_window_sync_picker (self);
      document_changed_cb (self);
    }
}

static void document_modified_cb (SheathDocument *doc,
                                  GParamSpec     *pspec,
                                  SheathWindow   *self);

/* A page for @doc, in a tab of its own, shown. */
static SheathPage *
add_document (SheathWindow   *self,
              SheathDocument *doc)
{
  g_autofree char *name = g_file_get_basename (sheath_document_get_name_file (doc));
  SheathPage *page;
  AdwTabPage *tab;

  g_signal_connect (doc, "toast", G_CALLBACK (document_toast_cb), self);
  g_signal_connect (doc, "failed", G_CALLBACK (document_failed_cb), self);
  g_signal_connect (doc, "needs-pixel-size", G_CALLBACK (needs_pixel_size_cb), self);
  g_signal_connect (doc, "notify::image", G_CALLBACK (document_image_cb), self);
  g_signal_connect (doc, "notify::modified", G_CALLBACK (document_modified_cb), self);

  page = sheath_page_new (doc);
  tab = adw_tab_view_append (self->tab_view, GTK_WIDGET (page));
  adw_tab_page_set_title (tab, name);
  adw_tab_page_set_loading (tab, TRUE);
  adw_tab_view_set_selected_page (self->tab_view, tab);
  update_state (self);
  return page;
}

/**
 * sheath_window_open:
 *
 * Opens an image in a new tab, or shows its tab if it is open already; an
 * image of more pixels than the `slide-above-megapixels` setting opens in a
 * slide window instead.
 *
 * Returns: (transfer none) (nullable): the image's page, or %NULL for a
 *   slide
 */
SheathPage *
sheath_window_open (SheathWindow *self,
                    GFile        *file)
{
  g_autoptr(SheathDocument) doc = NULL;
  AdwTabPage *tab;
  g_autofree char *name = NULL;

  g_return_val_if_fail (SHEATH_IS_WINDOW (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  /* an image already open is shown, not opened twice */
  for (int i = 0; i < adw_tab_view_get_n_pages (self->tab_view); i++)
    {
      tab = adw_tab_view_get_nth_page (self->tab_view, i);
      if (g_file_equal (sheath_document_get_name_file (document_of (tab)), file))
        {
          adw_tab_view_set_selected_page (self->tab_view, tab);
          return page_of (tab);
        }
    }

  name = g_file_get_basename (file);
  /* a whole section: shown from its levels, never held whole */
  if (sheath_slide_window_wants (file, self->settings))
    {
      g_autoptr(GError) error = NULL;

      if (sheath_slide_window_open (gtk_window_get_application (GTK_WINDOW (self)), file, &error) == NULL)
        {
          g_autofree char *text = g_strdup_printf (_ ("Cannot open “%s”: %s"), name, error->message);

          _sheath_window_toast (self, text);
        }
      return NULL;
    }

  doc = sheath_document_new (file, self->settings);
  return add_document (self, doc);
}

/**
 * sheath_window_open_map_area:
 * @slide: a whole slide
 * @map: its label map
 * @x: the part's left column
 * @y: the part's top row
 * @width: the part's width
 * @height: the part's height
 * @pixel_size: the slide's pixel size in µm
 *
 * Opens a part of a slide in a new tab to correct its masks, which are
 * saved back into @map; or shows its tab if it is open already.
 *
 * Returns: (transfer none): the part's page
 */
SheathPage *
sheath_window_open_map_area (SheathWindow *self,
                             GFile        *slide,
                             GFile        *map,
                             guint64       x,
                             guint64       y,
                             guint         width,
                             guint         height,
                             double        pixel_size)
{
  g_autoptr(SheathDocument) doc = NULL;
  g_autoptr(GFile) name = NULL;

  g_return_val_if_fail (SHEATH_IS_WINDOW (self), NULL);
  g_return_val_if_fail (G_IS_FILE (slide), NULL);

  name = sheath_document_dup_area_name (slide, x, y, width, height);
  for (int i = 0; i < adw_tab_view_get_n_pages (self->tab_view); i++)
    {
      AdwTabPage *tab = adw_tab_view_get_nth_page (self->tab_view, i);

      if (g_file_equal (sheath_document_get_name_file (document_of (tab)), name))
        {
          adw_tab_view_set_selected_page (self->tab_view, tab);
          return page_of (tab);
        }
    }
  doc = sheath_document_new_for_map_area (slide, map, x, y, width, height, pixel_size, self->settings);
  return add_document (self, doc);
}

static void
recent_activated_cb (SheathRecentList *list,
                     GFile            *file,
                     SheathWindow     *self)
{
  sheath_window_open (self, file);
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
  AdwTabPage *tab = tab_of_document (self, doc);
  g_autofree char *name = g_file_get_basename (sheath_document_get_name_file (doc));
  g_autofree char *title = NULL;

  /* the GNOME way: a bullet before the name of what has unsaved changes */
  title = sheath_document_get_modified (doc) ? g_strdup_printf ("• %s", name) : g_strdup (name);
  if (tab != NULL)
    adw_tab_page_set_title (tab, title);
  if (doc == _sheath_window_get_document (self))
    update_title (self);
}

static AdwMessageDialog *
unsaved_dialog (SheathWindow *self,
                const char   *heading,
                const char   *body)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));

  adw_message_dialog_add_responses (dialog, "cancel", _ ("_Cancel"), "discard", _ ("_Discard"), "save", _ ("_Save"), NULL);
  sheath_accessible_name_buttons (GTK_WIDGET (dialog));
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "save");
  adw_message_dialog_set_close_response (dialog, "cancel");
  return dialog;
}

static void
page_saved_into_map_cb (SheathWindow *self,
                        gboolean      saved,
                        gpointer      data)
{
  g_autoptr(AdwTabPage) page = data;

  if (saved)
    sheath_document_cancel (document_of (page));
  adw_tab_view_close_page_finish (self->tab_view, page, saved);
  g_idle_add_once ((GSourceOnceFunc) update_state, self);
}

static void
close_page_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        SheathWindow     *self)
{
  AdwTabPage *page = g_object_get_data (G_OBJECT (dialog), "page");
  SheathDocument *doc = document_of (page);
  gboolean close = FALSE;

  if (g_str_equal (response, "discard"))
    {
      sheath_document_discard_edits (doc);
      close = TRUE;
    }
  else if (g_str_equal (response, "save") && sheath_document_get_map (doc) != NULL)
    {
      /* the tab closes once the masks are in the map (or stays, said why) */
      _sheath_window_save_into_map (self, doc, G_CALLBACK (page_saved_into_map_cb), g_object_ref (page));
      return;
    }
  else if (g_str_equal (response, "save"))
    close = _sheath_window_save_beside_image (self, doc);
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
  SheathDocument *doc = document_of (page);
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

  name = g_file_get_basename (sheath_document_get_name_file (doc));
  heading = g_strdup_printf (_ ("Save the Edited Masks of “%s”?"), name);
  dialog = unsaved_dialog (self, heading,
                           sheath_document_get_map (doc) != NULL
                           ? _ ("The masks of this part of the slide were edited since they were saved. Saving "
                                "writes them into the slide's label map; discarding throws the edits away.")
                           : _ ("The masks were edited since they were saved. Saving writes them beside the "
                                "image (_seg-axon.png, _seg-myelin.png); discarding throws the edits away."));
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
      SheathDocument *doc = document_of (adw_tab_view_get_nth_page (self->tab_view, i));

      if (sheath_document_get_modified (doc))
        g_ptr_array_add (docs, doc);
    }
  return docs;
}

static gboolean
close_when_idle (gpointer data)
{
  gtk_window_close (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

/* slide parts being saved before the window closes */
typedef struct
{
  guint    pending;
  gboolean failed;
} ClosingSaves;

static void
closing_part_saved_cb (SheathWindow *self,
                       gboolean      saved,
                       gpointer      data)
{
  ClosingSaves *saves = data;

  saves->failed |= !saved;
  if (--saves->pending > 0)
    return;
  if (!saves->failed)
    g_idle_add_full (G_PRIORITY_DEFAULT, close_when_idle, g_object_ref (self), g_object_unref);
  g_free (saves);
}

static void
close_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   SheathWindow     *self)
{
  g_autoptr(GPtrArray) docs = modified_documents (self);
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  if (g_str_equal (response, "cancel"))
    return;
  for (guint i = 0; i < docs->len; i++)
    {
      SheathDocument *doc = g_ptr_array_index (docs, i);

      if (g_str_equal (response, "discard"))
        sheath_document_discard_edits (doc);
      else if (sheath_document_get_map (doc) != NULL)
        g_ptr_array_add (parts, doc);
      else if (!_sheath_window_save_beside_image (self, doc))
        return;   /* the window stays, with the toast saying why */
    }
  if (parts->len > 0)
    {
      /* the window closes once every part is in its map (or stays, said why) */
      ClosingSaves *saves = g_new0 (ClosingSaves, 1);

      saves->pending = parts->len;
      for (guint i = 0; i < parts->len; i++)
        _sheath_window_save_into_map (self, g_ptr_array_index (parts, i), G_CALLBACK (closing_part_saved_cb), saves);
      return;
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
      g_autofree char *name = g_file_get_basename (sheath_document_get_name_file (g_ptr_array_index (docs, i)));
      g_string_append_printf (names, "%s%s", i ? ", " : "", name);
    }
  body = g_strdup_printf (_ ("The masks of %s were edited since they were saved. Saving writes them beside "
                          "each image (a slide's part into the slide's label map); discarding throws the edits "
                          "away."), names->str);
  dialog = unsaved_dialog (self, _ ("Save the Edited Masks?"), body);
  g_signal_connect (dialog, "response", G_CALLBACK (close_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}


/* ---- recovery of a session that ended without saving ---------------------------- */

/* Unsaved edits of a part of a slide: the slide opens, and the part in
 * this window, its edits restored. */
static void
restore_slide_part (SheathWindow *self,
                    GFile        *slide,
                    guint64       x,
                    guint64       y,
                    guint         width,
                    guint         height)
{
  g_autoptr(GError) error = NULL;
  SheathSlideWindow *window = sheath_slide_window_open (gtk_window_get_application (GTK_WINDOW (self)), slide, &error);
  SheathPage *page;

  if (window == NULL)
    {
      _sheath_window_toast (self, error->message);
      return;
    }
  page = sheath_slide_window_edit_area (window, self, x, y, width, height, &error);
  if (page == NULL)
    _sheath_window_toast (self, error->message);
  else
    sheath_document_restore_edits (sheath_page_get_document (page));
}

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
      gboolean exists = g_file_query_exists (image, NULL);
      g_autoptr(GFile) slide = NULL;
      guint64 x, y;
      guint width, height;

      if (g_str_equal (response, "restore") && !exists &&
          sheath_document_parse_area_name (image, &slide, &x, &y, &width, &height) &&
          g_file_query_exists (slide, NULL))
        restore_slide_part (self, slide, x, y, width, height);
      else if (g_str_equal (response, "restore") && exists)
        {
          SheathPage *page = sheath_window_open (self, image);

          /* (a slide has no edits to restore) */
          if (page != NULL)
            sheath_document_restore_edits (sheath_page_get_document (page));
        }
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
  body = g_strdup_printf (_ ("Sheath was closed without saving the edited masks of %s. "
                          "Restore them, or discard the edits?"), names->str);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _ ("Restore Unsaved Edits?"), body));
  adw_message_dialog_add_responses (dialog, "later", _ ("_Not Now"), "discard", _ ("_Discard"), "restore", _ ("_Restore"), NULL);
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
  _sheath_window_toast (self, text);
}


/* ---- GObject ------------------------------------------------------------ */

static void
sheath_window_dispose (GObject *object)
{
  SheathWindow *self = (SheathWindow *)object;

  g_clear_weak_pointer (&self->current);
  g_clear_object (&self->page_bindings);
  g_clear_object (&self->viewer_bindings);
  g_clear_object (&self->document_signals);
  g_clear_object (&self->viewer_signals);
  g_clear_object (&self->settings);
  /* a document still decoding or segmenting outlives the window (its task
   * holds it): it must not call back into a window that is gone */
  if (self->tab_view != NULL)
    for (int i = 0; i < adw_tab_view_get_n_pages (self->tab_view); i++)
      {
        SheathDocument *doc = document_of (adw_tab_view_get_nth_page (self->tab_view, i));

        g_signal_handlers_disconnect_by_data (doc, self);
        sheath_document_cancel (doc);
      }
  gtk_widget_dispose_template (GTK_WIDGET (self), SHEATH_TYPE_WINDOW);

  G_OBJECT_CLASS (sheath_window_parent_class)->dispose (object);
}

static void
sheath_window_class_init (SheathWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sheath_window_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = sheath_window_close_request;

  g_type_ensure (SHEATH_TYPE_RECENT_LIST);
  g_type_ensure (SHEATH_TYPE_MODEL_PICKER);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/sheath/Sheath/sheath-window.ui");
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

  _sheath_window_class_actions_init (widget_class);
}

/* The header's toggles follow the page shown, and our handlers go with it. */
static void
init_groups (SheathWindow *self)
{
  GBindingFlags both = G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE;
  const char *changes[] = { "notify::busy", "notify::fraction", "notify::segmentation", "notify::morphometrics" };

  self->page_bindings = g_binding_group_new ();
  g_binding_group_bind (self->page_bindings, "panel-visible", self->panel_toggle, "active", both);
  self->viewer_bindings = g_binding_group_new ();
  g_binding_group_bind (self->viewer_bindings, "overlay-visible", self->overlay_toggle, "active", both);
  g_binding_group_bind (self->viewer_bindings, "overlay-outlines", self->outlines_toggle, "active", both);
  g_binding_group_bind (self->viewer_bindings, "axon-numbers", self->numbers_toggle, "active", both);
  g_binding_group_bind (self->viewer_bindings, "overlay-opacity", self->opacity, "value", both);

  self->document_signals = g_signal_group_new (SHEATH_TYPE_DOCUMENT);
  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    g_signal_group_connect_swapped (self->document_signals, changes[i], G_CALLBACK (document_changed_cb), self);
  self->viewer_signals = g_signal_group_new (SHEATH_TYPE_VIEWER);
  g_signal_group_connect_swapped (self->viewer_signals, "pointer-moved", G_CALLBACK (pointer_moved_cb), self);
}

static void
sheath_window_init (SheathWindow *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE) : NULL;
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  sheath_accessible_name_buttons (GTK_WIDGET (self));
  self->stop_asks_after = SHEATH_WINDOW_STOP_ASKS_AFTER;
  g_signal_connect (self->model_picker, "message", G_CALLBACK (picker_message_cb), self);
  g_signal_connect (self->model_picker, "notify::chosen", G_CALLBACK (picker_chosen_cb), self);
  init_groups (self);

  /* Without its installed schema (an uninstalled build) the app still runs,
   * only forgetting choices. */
  if (schema != NULL)
    {
      self->settings = g_settings_new (APPLICATION_ID);
      g_settings_bind (self->settings, "overlay-opacity", self->opacity, "value", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
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
  SheathDocument *doc;

  g_return_val_if_fail (SHEATH_IS_WINDOW (self), NULL);
  doc = _sheath_window_get_document (self);
  return doc ? sheath_document_get_image (doc) : NULL;
}

SheathSegmentation *
sheath_window_get_segmentation (SheathWindow *self)
{
  SheathDocument *doc;

  g_return_val_if_fail (SHEATH_IS_WINDOW (self), NULL);
  doc = _sheath_window_get_document (self);
  return doc ? sheath_document_get_segmentation (doc) : NULL;
}

SheathMorphometrics *
sheath_window_get_morphometrics (SheathWindow *self)
{
  SheathDocument *doc;

  g_return_val_if_fail (SHEATH_IS_WINDOW (self), NULL);
  doc = _sheath_window_get_document (self);
  return doc ? sheath_document_get_morphometrics (doc) : NULL;
}

guint
sheath_window_get_n_documents (SheathWindow *self)
{
  g_return_val_if_fail (SHEATH_IS_WINDOW (self), 0);
  return adw_tab_view_get_n_pages (self->tab_view);
}

/* For each open image, its document, in tab order. */
GPtrArray *
_sheath_window_list_documents (SheathWindow *self)
{
  GPtrArray *docs = g_ptr_array_new ();

  for (int i = 0; i < adw_tab_view_get_n_pages (self->tab_view); i++)
    g_ptr_array_add (docs, document_of (adw_tab_view_get_nth_page (self->tab_view, i)));
  return docs;
}
