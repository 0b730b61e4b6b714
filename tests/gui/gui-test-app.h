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
