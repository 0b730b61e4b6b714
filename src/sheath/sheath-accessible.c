/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-accessible"

#include "config.h"

#include "sheath-accessible.h"

/**
 * sheath_accessible_name_buttons:
 * @root: a dialog, or any widget
 *
 * Gives each button under @root whose label has a mnemonic the label as
 * its accessible name, and that alone: GTK 4.8 names such a button by its
 * label and by the label widget it is labelled by together, so a screen
 * reader read AdwMessageDialog's "_Save" as "_Save Save".
 */
void
sheath_accessible_name_buttons (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (GTK_IS_BUTTON (root) && gtk_button_get_use_underline (GTK_BUTTON (root)) &&
      gtk_button_get_label (GTK_BUTTON (root)) != NULL)
    {
      g_autoptr(GString) name = g_string_new (gtk_button_get_label (GTK_BUTTON (root)));

      /* "_Save" reads "Save"; a literal underscore is written "__" */
      g_string_replace (name, "__", "\x01", 0);
      g_string_replace (name, "_", "", 0);
      g_string_replace (name, "\x01", "_", 0);
      gtk_accessible_reset_relation (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
      gtk_accessible_update_property (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_PROPERTY_LABEL, name->str, -1);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    sheath_accessible_name_buttons (child);
}
