/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The GUI tests' application and windows. */

#include "sheath-window.h"

/* A new window of the test's application, registered on first use. The
 * application is not unique, so that a test's subprocess runs its own. */
static inline SheathWindow *
gui_new_window (void)
{
  static SheathApplication *app;
  SheathWindow *window;

  if (app == NULL)
    {
      app = sheath_application_new ();
      g_application_set_flags (G_APPLICATION (app),
                               g_application_get_flags (G_APPLICATION (app)) | G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (app), NULL, NULL);
    }
  window = sheath_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* The message dialog on show (AdwMessageDialog), if any. */
static inline AdwMessageDialog *
gui_find_message_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

/* The message dialog headed @heading, shown or not, if any. */
static inline AdwMessageDialog *
gui_find_message_dialog_headed (const char *heading)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && g_strcmp0 (adw_message_dialog_get_heading (l->data), heading) == 0)
      return l->data;
  return NULL;
}

static inline gboolean gui_has_message_dialog (gpointer unused) { return gui_find_message_dialog () != NULL; }
static inline gboolean gui_no_message_dialog (gpointer unused) { return gui_find_message_dialog () == NULL; }

