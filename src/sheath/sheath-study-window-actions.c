/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-study-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sheath-file-chooser.h"
#include "sheath-study-window-private.h"

/* The study window's actions: open a study, choose where its results go,
 * segment all or stop, export its tables and plots, open an image to
 * correct it. */

static void
study_chosen_cb (GListModel *files,
                 gpointer    data)
{
  SheathStudyWindow *self = data;
  g_autoptr(GFile) folder = files ? g_list_model_get_item (files, 0) : NULL;
  g_autoptr(GError) error = NULL;

  if (folder == NULL)
    return;
  if (g_file_peek_path (folder) == NULL)
    _sheath_study_window_toast (self, _ ("Not a local folder"));
  else if (!sheath_study_window_open (self, g_file_peek_path (folder), NULL, &error))
    _sheath_study_window_toast (self, error->message);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  sheath_choose_files (GTK_WINDOW (widget), SHEATH_CHOOSE_FOLDER, _ ("Open a Dataset or a Study's Results"),
                       _ ("_Open"), NULL, NULL, NULL, study_chosen_cb, g_object_ref (widget), g_object_unref);
}

static void
results_chosen_cb (GListModel *files,
                   gpointer    data)
{
  SheathStudyWindow *self = data;
  g_autoptr(GFile) folder = files ? g_list_model_get_item (files, 0) : NULL;

  if (folder == NULL || self->run == NULL)
    return;
  if (g_file_peek_path (folder) == NULL)
    _sheath_study_window_toast (self, _ ("Not a local folder"));
  else
    sheath_study_run_set_root (self->run, g_file_peek_path (folder));
}

static void
choose_results_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  SheathStudyWindow *self = SHEATH_STUDY_WINDOW (widget);

  if (self->run == NULL)
    return;
  sheath_choose_files (GTK_WINDOW (widget), SHEATH_CHOOSE_FOLDER, _ ("Keep the Study's Results In"), _ ("_Choose"),
                       NULL, NULL, NULL, results_chosen_cb, g_object_ref (widget), g_object_unref);
}

static void
show_results_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  SheathStudyWindow *self = SHEATH_STUDY_WINDOW (widget);
  g_autoptr(GFile) root = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(GError) error = NULL;

  if (self->run == NULL)
    return;
  root = g_file_new_for_path (sheath_study_run_get_root (self->run));
  uri = g_file_get_uri (root);
  if (!g_file_query_exists (root, NULL))
    _sheath_study_window_toast (self, _ ("Nothing is in the results folder yet"));
  else if (!g_app_info_launch_default_for_uri (uri, NULL, &error))
    _sheath_study_window_toast (self, error->message);
}

static void
segment_all_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  SheathStudyWindow *self = SHEATH_STUDY_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (self->run != NULL && !sheath_study_run_segment_all (self->run, &error))
    _sheath_study_window_toast (self, error->message);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SheathStudyWindow *self = SHEATH_STUDY_WINDOW (widget);

  if (self->run != NULL)
    sheath_study_run_cancel (self->run);
}

/* ---- export --------------------------------------------------------------- */

/* @from copied to @to whole, or not at all */
static gboolean
copy_whole (const char  *from,
            GFile       *to,
            GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length;

  if (g_file_peek_path (to) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _ ("Not a local file"));
      return FALSE;
    }
  return g_file_get_contents (from, &contents, &length, error) &&
         g_file_set_contents_full (g_file_peek_path (to), contents, length, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                   error);
}

typedef struct
{
  SheathStudyWindow *self;
  char              *name;     /* "subjects", "study", or NULL for the plot shown */
} Export;

static void
export_free (gpointer data)
{
  Export *export = data;

  g_object_unref (export->self);
  g_free (export->name);
  g_free (export);
}

/**
 * _sheath_study_window_export_to:
 * @name: "subjects" or "study" for a table, %NULL for the plot shown
 * @to: where, its name's extension choosing the format (.csv or .xlsx;
 *   .png or .svg)
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
_sheath_study_window_export_to (SheathStudyWindow  *self,
                                const char         *name,
                                GFile              *to,
                                GError            **error)
{
  g_autofree char *basename = g_file_get_basename (to);
  g_autofree char *from = NULL;

  if (name != NULL)
    from = g_strconcat (sheath_study_run_get_root (self->run), G_DIR_SEPARATOR_S, name,
                        g_str_has_suffix (basename, ".xlsx") ? ".xlsx" : ".csv", NULL);
  else
    from = _sheath_study_window_dup_plot_path (self, g_str_has_suffix (basename, ".svg") ? ".svg" : ".png");
  if (!g_file_test (from, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("The study has no %s yet: segment its images first"), from);
      return FALSE;
    }
  return copy_whole (from, to, error);
}

static void
export_chosen_cb (GListModel *files,
                  gpointer    data)
{
  Export *export = data;
  SheathStudyWindow *self = export->self;
  g_autoptr(GFile) file = files ? g_list_model_get_item (files, 0) : NULL;
  g_autofree char *basename = NULL, *text = NULL;
  g_autoptr(GError) error = NULL;

  if (file == NULL || self->run == NULL)
    return;
  basename = g_file_get_basename (file);
  if (_sheath_study_window_export_to (self, export->name, file, &error))
    text = g_strdup_printf (_ ("Exported as %s"), basename);
  else
    text = g_strdup_printf (_ ("Not exported: %s"), error->message);
  _sheath_study_window_toast (self, text);
}

static void
export (SheathStudyWindow *self,
        const char        *name,
        const char        *title,
        const char        *initial_name)
{
  Export *export = g_new0 (Export, 1);

  if (self->run == NULL)
    {
      g_free (export);
      return;
    }
  export->self = g_object_ref (self);
  export->name = g_strdup (name);
  sheath_choose_files (GTK_WINDOW (self), SHEATH_CHOOSE_SAVE, title, _ ("_Export"), NULL, NULL, initial_name,
                       export_chosen_cb, export, export_free);
}

static void
export_subjects_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  export (SHEATH_STUDY_WINDOW (widget), "subjects", _ ("Export the Subjects' Table (.csv or .xlsx)"),
          "subjects.csv");
}

static void
export_images_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  export (SHEATH_STUDY_WINDOW (widget), "study", _ ("Export the Images' Table (.csv or .xlsx)"), "study.csv");
}

static void
save_plot_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  SheathStudyWindow *self = SHEATH_STUDY_WINDOW (widget);
  g_autofree char *path = NULL, *name = NULL;

  if (self->run == NULL)
    return;
  path = _sheath_study_window_dup_plot_path (self, ".svg");
  name = g_path_get_basename (path);
  export (self, NULL, _ ("Save the Plot (.svg or .png)"), name);
}

/* ---- correcting an image ---------------------------------------------------- */

static void
document_saved_cb (SheathDocument    *doc,
                   const char        *folder,
                   SheathStudyWindow *self)
{
  g_autofree char *path = g_file_get_path (sheath_document_get_file (doc));
  int index;

  if (self->run == NULL || (index = sheath_study_run_find_image (self->run, path)) < 0)
    return;
  sheath_study_run_remeasure (self->run, (guint) index);
}

/**
 * sheath_study_window_open_image:
 * @index: an image of the study that is done
 *
 * Opens the image in a tab of the images window with its masks from the
 * results folder, to correct them; saving them there measures it again.
 *
 * Returns: (transfer none): the image's page, or %NULL with @error set when
 *   the image is not segmented yet or opened as a slide
 */
SheathPage *
sheath_study_window_open_image (SheathStudyWindow  *self,
                                guint               index,
                                GError            **error)
{
  SheathStudyRunState state;
  g_autoptr(GFile) file = NULL;
  g_autofree char *masks = NULL;
  SheathPage *page;
  SheathDocument *doc;

  g_return_val_if_fail (SHEATH_IS_STUDY_WINDOW (self), NULL);
  g_return_val_if_fail (self->run != NULL, NULL);

  state = sheath_study_run_get_state (self->run, index);
  if (state != SHEATH_STUDY_RUN_DONE && state != SHEATH_STUDY_RUN_CORRECTED)
    {
      g_set_error_literal (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                           _ ("This image is not segmented yet: Segment All first"));
      return NULL;
    }
  if (self->images_window == NULL)
    {
      SheathWindow *window = sheath_window_new (SHEATH_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));
      g_set_weak_pointer (&self->images_window, window);
    }
  file = g_file_new_for_path (sheath_study_get_image (sheath_study_run_get_study (self->run), index));
  masks = sheath_study_run_dup_masks_folder (self->run, index);
  page = sheath_window_open (self->images_window, file);
  if (page == NULL)
    {
      g_set_error_literal (error, SHEATH_ERROR, SHEATH_ERROR_IMAGE_TOO_LARGE,
                           _ ("This image opened as a slide, whose masks are not edited in the app"));
      return NULL;
    }
  doc = sheath_page_get_document (page);
  sheath_document_set_masks_folder (doc, masks);
  g_signal_handlers_disconnect_by_func (doc, document_saved_cb, self);
  g_signal_connect_object (doc, "saved", G_CALLBACK (document_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (self->images_window));
  return page;
}

void
_sheath_study_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "study.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "study.choose-results", NULL, choose_results_action);
  gtk_widget_class_install_action (widget_class, "study.show-results", NULL, show_results_action);
  gtk_widget_class_install_action (widget_class, "study.segment-all", NULL, segment_all_action);
  gtk_widget_class_install_action (widget_class, "study.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "study.export-subjects", NULL, export_subjects_action);
  gtk_widget_class_install_action (widget_class, "study.export-images", NULL, export_images_action);
  gtk_widget_class_install_action (widget_class, "study.save-plot", NULL, save_plot_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "study.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}
