/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-slide-window"

#include "config.h"

#include <glib/gi18n.h>

#include <math.h>

#include "sheath-slide-window-private.h"

/* Regions of a slide: traced with the pointer while Draw Region is on,
 * named, outlined over the slide, kept in STEM_regions.geojson beside it
 * (QuPath and napari read it; a file there is read when the slide opens),
 * and, once the slide is measured, each described in the side panel and
 * in STEM_morphometrics_regions.csv. */

static char *
regions_path (SheathSlideWindow *self)
{
  return _sheath_slide_window_dup_beside (self, "_regions.geojson");
}

static char *
describe (SheathAggregates *a)
{
  if (a == NULL)
    return g_strdup (_ ("Measure the slide to describe it"));
  /* TRANSLATORS: a region's figures: axons, their density, aggregate g-ratio, area */
  return g_strdup_printf (_ ("%u axons · %.0f per mm² · g-ratio %.3f · %.3g mm²"), a->n_axons,
                          a->axon_density_mm2, a->gratio_aggr, a->area_mm2);
}

static void
delete_clicked_cb (GtkButton         *button,
                   SheathSlideWindow *self);
static void
rename_clicked_cb (GtkButton         *button,
                   SheathSlideWindow *self);
static void
ask_name (SheathSlideWindow *self,
          gint               renamed);

/* a flat icon button on a region's row */
static GtkWidget *
row_button (const char        *icon,
            const char        *label,
            guint              index,
            GCallback          clicked,
            SheathSlideWindow *self)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data (G_OBJECT (button), "region", GUINT_TO_POINTER (index));
  g_signal_connect (button, "clicked", clicked, self);
  return button;
}

static void
rebuild_list (SheathSlideWindow *self)
{
  GtkWidget *child;
  guint n = sheath_regions_get_n_regions (self->regions);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->regions_list))) != NULL)
    gtk_list_box_remove (self->regions_list, child);
  for (guint i = 0; i < n; i++)
    {
      const char *name = sheath_regions_get_name (self->regions, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *text = describe (self->region_figures != NULL && i < self->region_figures->len
                                        ? g_ptr_array_index (self->region_figures, i) : NULL);
      g_autofree char *rename = g_strdup_printf (_ ("Rename “%s”"), name);
      g_autofree char *delete = g_strdup_printf (_ ("Delete “%s”"), name);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), row_button ("document-edit-symbolic", rename, i,
                                                                   G_CALLBACK (rename_clicked_cb), self));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), row_button ("user-trash-symbolic", delete, i,
                                                                   G_CALLBACK (delete_clicked_cb), self));
      gtk_list_box_append (self->regions_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->regions_list), n > 0);
}

/* The regions as they are now, into the file beside the slide. */
static void
save (SheathSlideWindow *self)
{
  g_autofree char *path = regions_path (self);
  g_autoptr(GError) error = NULL;

  if (self->regions_unreadable)
    {
      g_autofree char *text = g_strdup_printf (_ ("The regions are not saved: “%s” could not be read, and is kept as it is"),
                                               path);

      _sheath_slide_window_toast (self, text);
      return;
    }
  if (!sheath_regions_save_geojson (self->regions, path, &error))
    _sheath_slide_window_toast (self, error->message);
}

static void
changed (SheathSlideWindow *self)
{
  save (self);
  g_clear_pointer (&self->region_figures, g_ptr_array_unref);
  rebuild_list (self);
  sheath_viewer_set_regions (self->viewer, self->regions);
  _sheath_slide_window_measure_regions (self);
}

static void
delete_clicked_cb (GtkButton         *button,
                   SheathSlideWindow *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "region"));

  if (index < sheath_regions_get_n_regions (self->regions))
    {
      sheath_regions_remove (self->regions, index);
      changed (self);
    }
}

static void
rename_clicked_cb (GtkButton         *button,
                   SheathSlideWindow *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "region"));

  if (index < sheath_regions_get_n_regions (self->regions))
    ask_name (self, (gint) index);
}


/* ---- drawing ------------------------------------------------------------- */

static void
named_cb (AdwMessageDialog  *dialog,
          const char        *response,
          SheathSlideWindow *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  g_autoptr(GError) error = NULL;
  guint renamed = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "region"));

  if (g_str_equal (response, "rename") && *name != '\0' && renamed < sheath_regions_get_n_regions (self->regions))
    {
      sheath_regions_rename (self->regions, renamed, name);
      changed (self);
      return;
    }
  if (g_str_equal (response, "add") && *name != '\0')
    {
      if (sheath_regions_add_polygon (self->regions, name, (const double *) self->outline->data, self->outline->len,
                                      &error) < 0)
        {
          g_autofree char *text = g_strdup_printf (_ ("The region is not added: %s; draw it again"), error->message);

          _sheath_slide_window_toast (self, text);
        }
      else
        changed (self);
    }
  g_array_set_size (self->outline, 0);
  sheath_viewer_set_path (self->viewer, NULL, 0, FALSE);
}

/* The name of the outline just drawn (@renamed -1), or of region @renamed. */
static void
ask_name (SheathSlideWindow *self,
          gint               renamed)
{
  AdwMessageDialog *dialog;
  GtkWidget *entry = gtk_entry_new ();
  g_autofree char *suggested = renamed >= 0
    ? g_strdup (sheath_regions_get_name (self->regions, (guint) renamed))
    : g_strdup_printf (_ ("Region %u"), sheath_regions_get_n_regions (self->regions) + 1);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       renamed >= 0 ? _ ("Rename the Region") : _ ("Name the Region"),
                                                       _ ("Outlines of the same name are measured together")));
  gtk_editable_set_text (GTK_EDITABLE (entry), suggested);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Region name"), -1);
  adw_message_dialog_set_extra_child (dialog, entry);
  if (renamed >= 0)
    adw_message_dialog_add_responses (dialog, "cancel", _ ("_Cancel"), "rename", _ ("_Rename"), NULL);
  else
    adw_message_dialog_add_responses (dialog, "cancel", _ ("_Cancel"), "add", _ ("_Add"), NULL);
  adw_message_dialog_set_response_appearance (dialog, renamed >= 0 ? "rename" : "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, renamed >= 0 ? "rename" : "add");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_object_set_data (G_OBJECT (dialog), "region", GUINT_TO_POINTER (renamed >= 0 ? (guint) renamed : G_MAXUINT));
  g_signal_connect (dialog, "response", G_CALLBACK (named_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static void
edit_begin_cb (SheathViewer      *viewer,
               double             x,
               double             y,
               SheathSlideWindow *self)
{
  double point[2] = { x, y };

  g_array_set_size (self->outline, 0);
  g_array_append_vals (self->outline, point, 2);
}

static void
edit_motion_cb (SheathViewer      *viewer,
                double             x,
                double             y,
                SheathSlideWindow *self)
{
  guint n = self->outline->len;
  double point[2] = { x, y };
  /* a corner every few screen pixels, not one per event */
  double min_step = 3 / sheath_viewer_get_zoom (viewer);

  if (n == 0 || hypot (x - g_array_index (self->outline, double, n - 2),
                       y - g_array_index (self->outline, double, n - 1)) < min_step)
    return;
  g_array_append_vals (self->outline, point, 2);
  sheath_viewer_set_path (viewer, (const double *) self->outline->data, self->outline->len, TRUE);
}

static void
edit_end_cb (SheathViewer      *viewer,
             double             x,
             double             y,
             SheathSlideWindow *self)
{
  if (self->outline->len >= 6)
    ask_name (self, -1);
  else
    {
      g_array_set_size (self->outline, 0);
      sheath_viewer_set_path (viewer, NULL, 0, FALSE);
    }
}

static void
draw_toggled_cb (GtkToggleButton   *button,
                 SheathSlideWindow *self)
{
  sheath_viewer_set_editing (self->viewer, gtk_toggle_button_get_active (button));
}

static void
draw_region_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  SheathSlideWindow *self = SHEATH_SLIDE_WINDOW (widget);

  gtk_toggle_button_set_active (self->draw_button, !gtk_toggle_button_get_active (self->draw_button));
}


/* ---- measuring ----------------------------------------------------------- */

typedef struct
{
  SheathMorphometrics *morphometrics;
  SheathRegions       *regions;
  GFile               *map;
  char                *csv;
} RegionsJob;

static void
regions_job_free (RegionsJob *job)
{
  g_object_unref (job->morphometrics);
  g_object_unref (job->regions);
  g_object_unref (job->map);
  g_free (job->csv);
  g_free (job);
}

static void
regions_worker (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  RegionsJob *job = data;
  GError *error = NULL;
  g_autoptr(GPtrArray) figures = sheath_aggregates_compute_regions (job->morphometrics, job->map, job->regions, 1.0,
                                                                    cancellable, &error);
  g_autofree const char **names = NULL;

  if (figures == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  names = g_new0 (const char *, figures->len + 1);
  for (guint i = 0; i < figures->len; i++)
    names[i] = sheath_regions_get_name (job->regions, i);
  if (!sheath_aggregates_write_regions_csv ((SheathAggregates **) figures->pdata, names, figures->len, job->csv,
                                            &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&figures), (GDestroyNotify) g_ptr_array_unref);
}

static void
regions_measured_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(SheathSlideWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) figures = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->closed)
    return;
  g_clear_object (&self->regions_cancellable);
  if (figures == NULL)
    {
      g_autofree char *text = g_strdup_printf (_ ("Cannot measure the regions: %s"), error->message);

      _sheath_slide_window_toast (self, text);
      return;
    }
  g_clear_pointer (&self->region_figures, g_ptr_array_unref);
  self->region_figures = g_steal_pointer (&figures);
  rebuild_list (self);
}

/* Each region described, in a worker, once the slide is measured; a run
 * still going for regions that changed since is cancelled. */
void
_sheath_slide_window_measure_regions (SheathSlideWindow *self)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *map = _sheath_slide_window_dup_beside (self, "_seg-axonmyelin.ome.tif");
  RegionsJob *job;

  if (self->regions_cancellable != NULL)
    g_cancellable_cancel (self->regions_cancellable);
  g_clear_object (&self->regions_cancellable);
  if (self->morphometrics == NULL || sheath_regions_get_n_regions (self->regions) == 0)
    {
      /* figures of a slide measured before are gone with it */
      g_clear_pointer (&self->region_figures, g_ptr_array_unref);
      rebuild_list (self);
      return;
    }

  job = g_new0 (RegionsJob, 1);
  job->morphometrics = g_object_ref (self->morphometrics);
  job->regions = sheath_regions_copy (self->regions);
  job->map = g_file_new_for_path (map);
  job->csv = _sheath_slide_window_dup_beside (self, "_morphometrics_regions.csv");
  self->regions_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->regions_cancellable, regions_measured_cb, g_object_ref (self));
  g_task_set_task_data (task, job, (GDestroyNotify) regions_job_free);
  g_task_run_in_thread (task, regions_worker);
}

/* The regions file beside the slide, if there is one; one that cannot be
 * read is said so and left alone. */
void
_sheath_slide_window_load_regions (SheathSlideWindow *self)
{
  g_autofree char *path = regions_path (self);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathRegions) regions = NULL;

  if (g_file_query_exists (file, NULL))
    {
      if ((regions = sheath_regions_new_from_geojson (file, &error)) != NULL)
        g_set_object (&self->regions, regions);
      else
        {
          g_autofree char *text = g_strdup_printf (_ ("The regions beside the slide are not used: %s"), error->message);

          self->regions_unreadable = TRUE;
          _sheath_slide_window_toast (self, text);
        }
    }
  sheath_viewer_set_regions (self->viewer, self->regions);
  rebuild_list (self);
}

void
_sheath_slide_window_class_init_regions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, SheathSlideWindow, draw_button);
  gtk_widget_class_bind_template_child (widget_class, SheathSlideWindow, regions_list);
  gtk_widget_class_install_action (widget_class, "slide.draw-region", NULL, draw_region_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, 0, "slide.draw-region", NULL);
}

void
_sheath_slide_window_init_regions (SheathSlideWindow *self)
{
  self->regions = sheath_regions_new ();
  self->outline = g_array_new (FALSE, FALSE, sizeof (double));
  g_signal_connect (self->draw_button, "toggled", G_CALLBACK (draw_toggled_cb), self);
  g_signal_connect (self->viewer, "edit-begin", G_CALLBACK (edit_begin_cb), self);
  g_signal_connect (self->viewer, "edit-motion", G_CALLBACK (edit_motion_cb), self);
  g_signal_connect (self->viewer, "edit-end", G_CALLBACK (edit_end_cb), self);
  gtk_widget_set_visible (GTK_WIDGET (self->regions_list), FALSE);
}
