/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the GUI tests, the screenshot maker and the app benchmark share:
 * running the main loop until something happens, and finding a widget of
 * the app inside a window. */

#include <gtk/gtk.h>
#include <string.h>

/* Iterates the main context until @done returns TRUE (then TRUE) or
 * @timeout_ms pass (then FALSE). */
static inline gboolean
gui_wait_until (gboolean (*done) (gpointer),
                gpointer  data,
                guint     timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!done (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

/* The first descendant of @widget (or @widget itself) of type @type. */
static inline GtkWidget *
gui_find_descendant (GtkWidget *widget,
                     GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (widget), type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = gui_find_descendant (c, type);

      if (found)
        return found;
    }
  return NULL;
}

/* The first button under @widget (or @widget) labelled @label. */
static inline GtkWidget *
gui_find_button (GtkWidget  *widget,
                 const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = gui_find_button (c, label);

      if (found)
        return found;
    }
  return NULL;
}

/* Whether a label under @widget shows text containing @needle (a toast's
 * title is such a label while it is shown). */
static inline gboolean
gui_shows_text (GtkWidget  *widget,
                const char *needle)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), needle) != NULL)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (gui_shows_text (c, needle))
      return TRUE;
  return FALSE;
}

typedef struct
{
  GtkWidget  *widget;
  const char *needle;
} GuiTextWait;

static inline gboolean
gui_text_shown_cb (gpointer data)
{
  GuiTextWait *wait = data;

  return gui_shows_text (wait->widget, wait->needle);
}

/* Iterates until @widget shows @needle, or @timeout_ms pass. */
static inline gboolean
gui_wait_for_text (GtkWidget  *widget,
                   const char *needle,
                   guint       timeout_ms)
{
  GuiTextWait wait = { widget, needle };

  return gui_wait_until (gui_text_shown_cb, &wait, timeout_ms);
}
