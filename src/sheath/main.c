/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "sheath-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SheathApplication) app = NULL;

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* the name recent files are recorded under (SheathRecentList) */
  g_set_application_name ("Sheath");
  app = sheath_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
