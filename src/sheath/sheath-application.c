/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-application"

#include "config.h"

#include <glib/gi18n.h>

#include "sheath-application.h"
#include "sheath-window.h"

struct _SheathApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (SheathApplication, sheath_application, ADW_TYPE_APPLICATION)

static SheathWindow *
get_window (SheathApplication *self,
            gboolean          *created)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  *created = window == NULL;
  if (window == NULL)
    window = GTK_WINDOW (sheath_window_new (self));
  return SHEATH_WINDOW (window);
}

static void
sheath_application_activate (GApplication *app)
{
  gboolean created;
  SheathWindow *window = get_window (SHEATH_APPLICATION (app), &created);

  gtk_window_present (GTK_WINDOW (window));
  /* the first window of a session offers what the last one left unsaved */
  if (created)
    sheath_window_offer_recovery (window);
}

static void
sheath_application_open (GApplication  *app,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  gboolean created;
  SheathWindow *window = get_window (SHEATH_APPLICATION (app), &created);

  /* each image in its own tab; the last one shown */
  for (int i = 0; i < n_files; i++)
    sheath_window_open (window, files[i]);
  gtk_window_present (GTK_WINDOW (window));
  if (created)
    sheath_window_offer_recovery (window);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (user_data)));

  /* closing asks about unsaved edits; the last window closed quits */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
}

static void
help_shown_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GtkWindow) window = user_data;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;

  if (gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error))
    return;

  g_debug ("help:%s: %s", APPLICATION_ID, error->message);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window, _ ("No Help Viewer"),
                                                       _ ("Sheath's help opens in the Help app (Yelp), "
                                                       "which was not found. Install the “yelp” package "
                                                       "and press F1 again.")));
  adw_message_dialog_add_response (dialog, "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
help_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  if (window == NULL)
    return;
  /* Yelp finds the installed pages by the app id; see help/meson.build */
  gtk_show_uri_full (window, "help:" APPLICATION_ID, GDK_CURRENT_TIME, NULL,
                     help_shown_cb, g_object_ref (window));
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  SheathApplication *self = user_data;
  const char *developers[] = { _ ("The Sheath developers"), NULL };

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "application-name", _ ("Sheath"),
                         "application-icon", APPLICATION_ID,
                         "developer-name", _ ("The Sheath developers"),
                         "version", PACKAGE_VERSION,
                         "comments", _ ("Segment axons and myelin in microscopy images and measure them"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developers", developers,
                         NULL);
}

static void
sheath_application_class_init (SheathApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = sheath_application_activate;
  app_class->open = sheath_application_open;
}

static void
sheath_application_init (SheathApplication *self)
{
  static const GActionEntry actions[] = {
    { "quit", quit_action },
    { "help", help_action },
    { "about", about_action },
  };
  const char *quit_accels[] = { "<Control>q", NULL };
  const char *help_accels[] = { "F1", NULL };

  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.help", help_accels);
}

SheathApplication *
sheath_application_new (void)
{
  return g_object_new (SHEATH_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/sheath/Sheath",
                       NULL);
}
