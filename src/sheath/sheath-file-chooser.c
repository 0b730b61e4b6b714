/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-file-chooser"

#include "config.h"

#include <glib/gi18n.h>

#include "sheath-file-chooser.h"

/* One way to ask for files or a folder, whatever GTK the app is built
 * with: GtkFileDialog from GTK 4.10 on, GtkFileChooserNative on Debian 12's
 * GTK 4.8. Both go through the portal inside Flatpak. */

typedef struct
{
  SheathFilesChosen callback;
  gpointer          user_data;
  GDestroyNotify    destroy;
  SheathChooseMode  mode;
} Request;

static void
request_finish (Request    *request,
                GListModel *files)
{
  request->callback (files, request->user_data);
  if (request->destroy != NULL)
    request->destroy (request->user_data);
  g_free (request);
}

#if GTK_CHECK_VERSION (4, 10, 0)

static void
dialog_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      data)
{
  GtkFileDialog *dialog = GTK_FILE_DIALOG (object);
  Request *request = data;
  g_autoptr(GListModel) files = NULL;
  g_autoptr(GError) error = NULL;

  if (request->mode == SHEATH_CHOOSE_FILES)
    files = gtk_file_dialog_open_multiple_finish (dialog, result, &error);
  else
    {
      g_autoptr(GFile) file = request->mode == SHEATH_CHOOSE_FOLDER
                              ? gtk_file_dialog_select_folder_finish (dialog, result, &error)
                              : request->mode == SHEATH_CHOOSE_SAVE
                              ? gtk_file_dialog_save_finish (dialog, result, &error)
                              : gtk_file_dialog_open_finish (dialog, result, &error);

      if (file != NULL)
        {
          GListStore *store = g_list_store_new (G_TYPE_FILE);

          g_list_store_append (store, file);
          files = G_LIST_MODEL (store);
        }
    }
  if (error != NULL && !g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED))
    g_warning ("File dialog: %s", error->message);
  request_finish (request, files);
}

void
sheath_choose_files (GtkWindow         *parent,
                     SheathChooseMode   mode,
                     const char        *title,
                     const char        *accept_label,
                     GtkFileFilter     *filter,
                     GFile             *initial_folder,
                     const char        *initial_name,
                     SheathFilesChosen  callback,
                     gpointer           user_data,
                     GDestroyNotify     destroy)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  Request *request = g_new0 (Request, 1);

  *request = (Request) { callback, user_data, destroy, mode };
  gtk_file_dialog_set_title (dialog, title);
  gtk_file_dialog_set_accept_label (dialog, accept_label);
  gtk_file_dialog_set_modal (dialog, TRUE);
  if (initial_folder != NULL)
    gtk_file_dialog_set_initial_folder (dialog, initial_folder);
  if (initial_name != NULL)
    gtk_file_dialog_set_initial_name (dialog, initial_name);
  if (filter != NULL)
    {
      g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);

      g_list_store_append (filters, filter);
      gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
      gtk_file_dialog_set_default_filter (dialog, filter);
    }

  switch (mode)
    {
    case SHEATH_CHOOSE_FILES:
      gtk_file_dialog_open_multiple (dialog, parent, NULL, dialog_done_cb, request);
      break;
    case SHEATH_CHOOSE_FOLDER:
      gtk_file_dialog_select_folder (dialog, parent, NULL, dialog_done_cb, request);
      break;
    case SHEATH_CHOOSE_SAVE:
      gtk_file_dialog_save (dialog, parent, NULL, dialog_done_cb, request);
      break;
    case SHEATH_CHOOSE_FILE:
    default:
      gtk_file_dialog_open (dialog, parent, NULL, dialog_done_cb, request);
      break;
    }
}

#else /* GTK 4.8 */

static void
native_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    Request         *request)
{
  g_autoptr(GListModel) files = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
  request_finish (request, files);
  g_object_unref (dialog);
}

void
sheath_choose_files (GtkWindow         *parent,
                     SheathChooseMode   mode,
                     const char        *title,
                     const char        *accept_label,
                     GtkFileFilter     *filter,
                     GFile             *initial_folder,
                     const char        *initial_name,
                     SheathFilesChosen  callback,
                     gpointer           user_data,
                     GDestroyNotify     destroy)
{
  GtkFileChooserNative *dialog;
  Request *request = g_new0 (Request, 1);

  *request = (Request) { callback, user_data, destroy, mode };
  dialog = gtk_file_chooser_native_new (title, parent,
                                        mode == SHEATH_CHOOSE_FOLDER ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER :
                                        mode == SHEATH_CHOOSE_SAVE ? GTK_FILE_CHOOSER_ACTION_SAVE :
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        accept_label, _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), mode == SHEATH_CHOOSE_FILES);
  if (initial_folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), initial_folder, NULL);
  if (initial_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), initial_name);
  if (filter != NULL)
    gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_signal_connect (dialog, "response", G_CALLBACK (native_response_cb), request);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

#endif
