/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-recent-list"

#include "config.h"

#include <glib/gi18n.h>

#include "sheath-recent-list.h"

/* The images Sheath opened lately, newest first, as a boxed list; a row
 * emits ::activated with the image's file.  Files that are gone are left
 * out, so every row opens. */

#define MAX_ROWS 8

struct _SheathRecentList
{
  AdwBin            parent_instance;

  GtkListBox       *list;
  GtkRecentManager *manager;
};

G_DEFINE_FINAL_TYPE (SheathRecentList, sheath_recent_list, ADW_TYPE_BIN)

enum { ACTIVATED, N_SIGNALS };
static guint signals [N_SIGNALS];

static gboolean
is_our_image (GtkRecentInfo *info)
{
  const char *mime = gtk_recent_info_get_mime_type (info);
  const char *app_name = g_get_application_name ();

  /* GtkRecentManager records files under this name; a process without one
   * (the benchmarks) sees no recent files rather than everyone's */
  return app_name != NULL && gtk_recent_info_has_application (info, app_name) &&
         gtk_recent_info_has_group (info, SHEATH_RECENT_GROUP) &&
         gtk_recent_info_is_local (info) && gtk_recent_info_exists (info) &&
         mime != NULL && (g_str_equal (mime, "image/png") || g_str_equal (mime, "image/tiff"));
}

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  GDateTime *ta = gtk_recent_info_get_modified ((GtkRecentInfo *) a);
  GDateTime *tb = gtk_recent_info_get_modified ((GtkRecentInfo *) b);

  return g_date_time_compare (tb, ta);
}

static GtkWidget *
row_for (GtkRecentInfo *info)
{
  g_autoptr(GFile) file = g_file_new_for_uri (gtk_recent_info_get_uri (info));
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *folder = parent ? g_file_get_parse_name (parent) : g_strdup ("");
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), gtk_recent_info_get_display_name (info));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), folder);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  g_object_set_data_full (G_OBJECT (row), "file", g_steal_pointer (&file), g_object_unref);
  return row;
}

static void
reload (SheathRecentList *self)
{
  GList *items = gtk_recent_manager_get_items (self->manager);
  GList *ours = NULL;
  GtkWidget *child;
  guint n = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))))
    gtk_list_box_remove (self->list, child);

  for (GList *l = items; l; l = l->next)
    if (is_our_image (l->data))
      ours = g_list_prepend (ours, l->data);
  ours = g_list_sort (ours, newest_first);
  for (GList *l = ours; l && n < MAX_ROWS; l = l->next, n++)
    gtk_list_box_append (self->list, row_for (l->data));

  g_list_free (ours);
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
  gtk_widget_set_visible (GTK_WIDGET (self), n > 0);
}

static void
row_activated_cb (GtkListBox       *list,
                  GtkListBoxRow    *row,
                  SheathRecentList *self)
{
  g_signal_emit (self, signals [ACTIVATED], 0, g_object_get_data (G_OBJECT (row), "file"));
}

static void
sheath_recent_list_dispose (GObject *object)
{
  SheathRecentList *self = SHEATH_RECENT_LIST (object);

  if (self->manager)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  self->manager = NULL;

  G_OBJECT_CLASS (sheath_recent_list_parent_class)->dispose (object);
}

static void
sheath_recent_list_class_init (SheathRecentListClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sheath_recent_list_dispose;

  /**
   * SheathRecentList::activated:
   * @file: the image to open
   */
  signals [ACTIVATED] =
    g_signal_new ("activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_FILE);
}

static void
sheath_recent_list_init (SheathRecentList *self)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _ ("Recent Images"));
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  g_signal_connect (self->list, "row-activated", G_CALLBACK (row_activated_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->list));
  gtk_widget_set_margin_top (group, 24);
  adw_bin_set_child (ADW_BIN (self), group);

  /* the default manager outlives every window */
  self->manager = gtk_recent_manager_get_default ();
  g_signal_connect_swapped (self->manager, "changed", G_CALLBACK (reload), self);
  reload (self);
}

GtkWidget *
sheath_recent_list_new (void)
{
  return g_object_new (SHEATH_TYPE_RECENT_LIST, NULL);
}
