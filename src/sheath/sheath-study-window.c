/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-study-window"

#include "config.h"

#include <glib/gi18n.h>

#include <math.h>

#include "sheath-model-picker.h"
#include "sheath-study-row.h"
#include "sheath-study-window-private.h"

/**
 * SheathStudyWindow:
 *
 * A whole study: the images of a dataset with their subject, group and
 * where each stands; Segment All in the background with its progress, a
 * Cancel that keeps what is done, taken up later where it stopped; the
 * subjects' table and the group plots, exported; and an image opened in a
 * tab of the images window with its masks, to correct them — saving them
 * measures it again and the figures follow. The work is SheathStudyRun's.
 */

G_DEFINE_FINAL_TYPE (SheathStudyWindow, sheath_study_window, ADW_TYPE_APPLICATION_WINDOW)

/* the images' columns: cells of a SheathStudyRow */
enum {
  IMAGE_NAME,
  IMAGE_SUBJECT,
  IMAGE_GROUP,
  IMAGE_STATUS,
  IMAGE_AXONS,
  IMAGE_GRATIO,
  IMAGE_N_COLUMNS
};

void
_sheath_study_window_toast (SheathStudyWindow *self,
                            const char        *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toasts, toast);
}

static const char *
state_text (SheathStudyRunState state)
{
  switch (state)
    {
    case SHEATH_STUDY_RUN_CHECKING: return _ ("Checking…");
    case SHEATH_STUDY_RUN_TO_DO: return _ ("To do");
    case SHEATH_STUDY_RUN_QUEUED: return _ ("Queued");
    case SHEATH_STUDY_RUN_SEGMENTING: return _ ("Segmenting…");
    case SHEATH_STUDY_RUN_DONE: return _ ("Done");
    case SHEATH_STUDY_RUN_CORRECTED: return _ ("Corrected");
    case SHEATH_STUDY_RUN_FAILED: return _ ("Failed");
    default: return "";
    }
}

/* A number of a table as the window shows it: to four digits, or whole
 * when larger (densities per mm²); the files keep the full figure. */
static char *
display_cell (const char *cell)
{
  char *end = NULL;
  double value = *cell ? g_ascii_strtod (cell, &end) : 0;

  if (end == NULL || *end != '\0' || !isfinite (value))
    return g_strdup (cell);
  if (fabs (value) >= 1000)
    return g_strdup_printf ("%.0f", value);
  return g_strdup_printf ("%.4g", value);
}

/* The images' table by image name, and where its figures are: made once
 * per collection, for every row to look up. */
static void
index_image_table (SheathStudyWindow *self)
{
  GPtrArray *table = sheath_study_run_get_table (self->run, SHEATH_STUDY_TABLE_IMAGES);
  char **header;

  g_hash_table_remove_all (self->image_figures);
  self->axons_column = self->gratio_column = -1;
  if (table == NULL)
    return;
  header = g_ptr_array_index (table, 0);
  for (int k = 0; header[k] != NULL; k++)
    {
      if (g_str_equal (header[k], "n_axons"))
        self->axons_column = k;
      else if (g_str_equal (header[k], "gratio_aggr"))
        self->gratio_column = k;
    }
  for (guint r = 1; r < table->len; r++)
    {
      char **row = g_ptr_array_index (table, r);
      g_hash_table_insert (self->image_figures, row[0], row);
    }
}

static const char *
image_figure (SheathStudyWindow *self,
              const char        *name,
              int                column)
{
  char **row = g_hash_table_lookup (self->image_figures, name);

  return row != NULL && column >= 0 ? row[column] : "";
}

static SheathStudyRow *
image_row (SheathStudyWindow *self,
           guint              index)
{
  SheathStudy *study = sheath_study_run_get_study (self->run);
  g_autofree char *name = g_path_get_basename (sheath_study_get_image (study, index));
  const char *group_by = sheath_study_run_get_group_by (self->run);
  SheathStudyRunState state = sheath_study_run_get_state (self->run, index);
  const char *failure = sheath_study_run_get_failure (self->run, index);
  g_autofree char *status = failure ? g_strdup_printf ("%s: %s", state_text (state), failure)
                                    : g_strdup (state_text (state));
  gboolean measured = state == SHEATH_STUDY_RUN_DONE || state == SHEATH_STUDY_RUN_CORRECTED;
  g_autofree char *axons = display_cell (measured ? image_figure (self, name, self->axons_column) : "");
  g_autofree char *gratio = display_cell (measured ? image_figure (self, name, self->gratio_column) : "");
  const char *cells[IMAGE_N_COLUMNS + 1] = {
    [IMAGE_NAME] = name,
    [IMAGE_SUBJECT] = sheath_study_get_subject (study, index),
    [IMAGE_GROUP] = group_by ? sheath_study_get_value (study, index, group_by) : "",
    [IMAGE_STATUS] = status,
    [IMAGE_AXONS] = axons,
    [IMAGE_GRATIO] = gratio,
    NULL
  };

  if (cells[IMAGE_GROUP] == NULL)
    cells[IMAGE_GROUP] = "";
  return sheath_study_row_new (index, cells);
}

static void
image_changed_cb (SheathStudyRun    *run,
                  guint              index,
                  SheathStudyWindow *self)
{
  g_autoptr(SheathStudyRow) row = image_row (self, index);

  if (index < g_list_model_get_n_items (G_LIST_MODEL (self->images)))
    g_list_store_splice (self->images, index, 1, (gpointer *) &row, 1);
}

static void
fill_images (SheathStudyWindow *self)
{
  guint n = sheath_study_get_n_images (sheath_study_run_get_study (self->run));
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (rows, image_row (self, i));
  g_list_store_splice (self->images, 0, g_list_model_get_n_items (G_LIST_MODEL (self->images)), rows->pdata,
                       rows->len);
}

/* ---- columns ------------------------------------------------------------ */

/* @data: whether the column's labels may be cut short (the wide ones) */
static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (GPOINTER_TO_INT (data))
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  data)
{
  SheathStudyRow *row = gtk_list_item_get_item (item);
  const char *text = sheath_study_row_get_cell (row, GPOINTER_TO_UINT (data));

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
  gtk_widget_set_tooltip_text (gtk_list_item_get_child (item), *text ? text : NULL);
}

static GtkColumnViewColumn *
add_column (GtkColumnView *view,
            const char    *title,
            guint          cell,
            gboolean       expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), GINT_TO_POINTER (expand));
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), GUINT_TO_POINTER (cell));
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_append_column (view, column);
  g_object_unref (column);
  return column;
}

static void
remove_columns (GtkColumnView *view)
{
  GListModel *columns = gtk_column_view_get_columns (view);

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);
      gtk_column_view_remove_column (view, column);
    }
}

/* The subjects' table as the last collection left it: a column per
 * column of subjects.csv, as exported. */
static void
fill_subjects (SheathStudyWindow *self)
{
  GPtrArray *table = sheath_study_run_get_table (self->run, SHEATH_STUDY_TABLE_SUBJECTS);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  char **header;

  remove_columns (self->subjects_view);
  g_list_store_remove_all (self->subjects);
  gtk_stack_set_visible_child_name (self->subjects_stack, table != NULL && table->len > 1 ? "table" : "none");
  if (table == NULL)
    return;
  header = g_ptr_array_index (table, 0);
  for (guint c = 0; header[c] != NULL; c++)
    add_column (self->subjects_view, header[c], c, FALSE);
  for (guint r = 1; r < table->len; r++)
    {
      char **cells = g_ptr_array_index (table, r);
      g_auto(GStrv) shown = g_new0 (char *, g_strv_length (cells) + 1);

      for (guint c = 0; cells[c] != NULL; c++)
        shown[c] = display_cell (cells[c]);
      g_ptr_array_add (rows, sheath_study_row_new (r - 1, (const char * const *) shown));
    }
  g_list_store_splice (self->subjects, 0, 0, rows->pdata, rows->len);
}

static const char * const plot_names[] = { "subject-means", "gratio-vs-diameter", "diameter-distributions" };

char *
_sheath_study_window_dup_plot_path (SheathStudyWindow *self,
                                    const char        *extension)
{
  guint k = MIN (gtk_drop_down_get_selected (self->plot_dropdown), G_N_ELEMENTS (plot_names) - 1);
  g_autofree char *name = g_strconcat (plot_names[k], extension, NULL);

  return g_build_filename (sheath_study_run_get_root (self->run), "statistics", name, NULL);
}

static void
show_plot (SheathStudyWindow *self)
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;

  if (self->run == NULL)
    return;
  path = _sheath_study_window_dup_plot_path (self, ".png");
  file = g_file_new_for_path (path);
  /* a new GFile each time: the picture reads the file again */
  gtk_picture_set_file (self->plot_picture, g_file_test (path, G_FILE_TEST_IS_REGULAR) ? file : NULL);
}

static void
tables_changed_cb (SheathStudyRun    *run,
                   SheathStudyWindow *self)
{
  index_image_table (self);
  fill_images (self);
  fill_subjects (self);
  show_plot (self);
}

static void
run_failed_cb (SheathStudyRun    *run,
               const char        *text,
               SheathStudyWindow *self)
{
  _sheath_study_window_toast (self, text);
}

static void
progress_cb (SheathStudyRun    *run,
             GParamSpec        *pspec,
             SheathStudyWindow *self)
{
  const char *message = sheath_study_run_get_message (run);
  gboolean segmenting = sheath_study_run_get_segmenting (run);

  gtk_revealer_set_reveal_child (self->progress_revealer, segmenting);
  gtk_progress_bar_set_fraction (self->progress_bar, sheath_study_run_get_fraction (run));
  gtk_progress_bar_set_text (self->progress_bar, message ? message : "");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "study.segment-all", !segmenting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "study.cancel", segmenting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "study.choose-results", !segmenting);
  /* a stop, or failures, said once the run ends */
  if (!segmenting && message != NULL && g_strcmp0 (message, self->last_said) != 0)
    {
      g_free (self->last_said);
      self->last_said = g_strdup (message);
      _sheath_study_window_toast (self, message);
    }
}

/* ---- the model and the groups ------------------------------------------- */

static void
picker_chosen_cb (SheathModelPicker *picker,
                  GParamSpec        *pspec,
                  SheathStudyWindow *self)
{
  g_autoptr(SheathModel) model = NULL;
  g_autoptr(GError) error = NULL;

  if (self->run == NULL || sheath_model_picker_get_chosen (picker) == NULL)
    return;
  if ((model = sheath_model_picker_load_model (picker, &error)) == NULL)
    {
      g_autofree char *text = g_strdup_printf (_ ("The model cannot be used: %s"), error->message);
      _sheath_study_window_toast (self, text);
    }
  sheath_study_run_set_model (self->run, model, sheath_model_picker_get_chosen (picker));
}

static void
picker_message_cb (SheathModelPicker *picker,
                   const char        *text,
                   SheathStudyWindow *self)
{
  _sheath_study_window_toast (self, text);
}

static void
group_selected_cb (GtkDropDown       *dropdown,
                   GParamSpec        *pspec,
                   SheathStudyWindow *self)
{
  guint k = gtk_drop_down_get_selected (dropdown);
  const char * const *columns;

  if (self->run == NULL || self->filling_groups)
    return;
  columns = sheath_study_get_columns (sheath_study_run_get_study (self->run));
  sheath_study_run_set_group_by (self->run, k > 0 && k != GTK_INVALID_LIST_POSITION ? columns[k - 1] : NULL);
  fill_images (self);
}

/* "No groups", then the study's columns; a column called group (or the
 * like) chosen at first */
static void
fill_groups (SheathStudyWindow *self)
{
  static const char * const usual[] = { "group", "genotype", "phenotype", "condition", "treatment" };
  const char * const *columns = sheath_study_get_columns (sheath_study_run_get_study (self->run));
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  guint chosen = 0;

  gtk_string_list_append (list, _ ("No groups"));
  for (guint i = 0; columns[i] != NULL; i++)
    {
      g_autofree char *label = g_strdup_printf (_ ("By %s"), columns[i]);

      gtk_string_list_append (list, label);
      for (guint u = 0; u < G_N_ELEMENTS (usual) && chosen == 0; u++)
        if (g_ascii_strcasecmp (columns[i], usual[u]) == 0)
          chosen = i + 1;
    }
  self->filling_groups = TRUE;
  gtk_drop_down_set_model (self->group_dropdown, G_LIST_MODEL (list));
  gtk_drop_down_set_selected (self->group_dropdown, chosen);
  self->filling_groups = FALSE;
  sheath_study_run_set_group_by (self->run, chosen > 0 ? columns[chosen - 1] : NULL);
}

/* ---- opening ------------------------------------------------------------ */

static void
update_title (SheathStudyWindow *self)
{
  g_autofree char *name = NULL;
  const char * const *sources = sheath_study_get_sources (sheath_study_run_get_study (self->run));
  g_autofree char *subtitle = NULL;

  name = g_path_get_basename (sources[0] ? sources[0] : sheath_study_run_get_root (self->run));
  /* Translators: the number of images, then the results folder */
  subtitle = g_strdup_printf (ngettext ("%u image · results in %s", "%u images · results in %s",
                                        sheath_study_get_n_images (sheath_study_run_get_study (self->run))),
                              sheath_study_get_n_images (sheath_study_run_get_study (self->run)),
                              sheath_study_run_get_root (self->run));
  adw_view_switcher_title_set_title (self->switcher_title, name);
  adw_view_switcher_title_set_subtitle (self->switcher_title, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), name);
}

/**
 * sheath_study_window_open:
 * @source: a dataset, a folder of images, or a study's results folder
 * @root: (nullable): where the results go (see sheath_study_run_open())
 *
 * Shows the study of @source; a run of another study in this window stops.
 *
 * Returns: %TRUE, or %FALSE with @error set when @source holds no study
 */
gboolean
sheath_study_window_open (SheathStudyWindow  *self,
                          const char         *source,
                          const char         *root,
                          GError            **error)
{
  g_autoptr(SheathStudyRun) run = NULL;
  g_autofree char *user_model = NULL;
  const char * const *warnings;
  const char *model_name;

  g_return_val_if_fail (SHEATH_IS_STUDY_WINDOW (self), FALSE);

  if ((run = sheath_study_run_open (source, root, error)) == NULL)
    return FALSE;
  if (self->run != NULL)
    {
      sheath_study_run_cancel (self->run);
      g_signal_handlers_disconnect_by_data (self->run, self);
    }
  g_set_object (&self->run, run);
  index_image_table (self);
  g_signal_connect (run, "image-changed", G_CALLBACK (image_changed_cb), self);
  g_signal_connect (run, "tables-changed", G_CALLBACK (tables_changed_cb), self);
  g_signal_connect (run, "failed", G_CALLBACK (run_failed_cb), self);
  g_signal_connect (run, "notify::message", G_CALLBACK (progress_cb), self);
  g_signal_connect (run, "notify::fraction", G_CALLBACK (progress_cb), self);
  g_signal_connect (run, "notify::busy", G_CALLBACK (progress_cb), self);

  warnings = sheath_study_get_warnings (sheath_study_run_get_study (run));
  if (warnings[0] != NULL)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("%s (and %u more warning)", "%s (and %u more warnings)",
                                                         g_strv_length ((char **) warnings) - 1),
                                               warnings[0], g_strv_length ((char **) warnings) - 1);
      _sheath_study_window_toast (self, warnings[1] ? text : warnings[0]);
    }
  update_title (self);
  fill_groups (self);
  fill_images (self);
  fill_subjects (self);
  gtk_stack_set_visible_child_name (self->main_stack, "study");

  /* the model the results were made with, when the picker knows it */
  model_name = sheath_study_run_get_model_name (run);
  /* `batch --model NAME` names one of the user's models; the picker keeps paths */
  if (model_name != NULL && !g_path_is_absolute (model_name) && g_strcmp0 (model_name, "sem") != 0 &&
      g_strcmp0 (model_name, "tem") != 0)
    {
      g_autoptr(GFile) file = sheath_model_find_builtin (model_name);

      if (file != NULL && (user_model = g_file_get_path (file)) != NULL)
        model_name = user_model;
    }
  if (model_name != NULL && g_strcmp0 (model_name, sheath_model_picker_get_chosen (self->model_picker)) != 0)
    sheath_model_picker_set_chosen (self->model_picker, model_name);   /* its notify reads the images */
  else
    picker_chosen_cb (self->model_picker, NULL, self);
  progress_cb (run, NULL, self);
  return TRUE;
}

SheathStudyRun *
sheath_study_window_get_run (SheathStudyWindow *self)
{
  g_return_val_if_fail (SHEATH_IS_STUDY_WINDOW (self), NULL);
  return self->run;
}

gboolean
sheath_study_window_set_model_file (SheathStudyWindow  *self,
                                    GFile              *file,
                                    GError            **error)
{
  g_return_val_if_fail (SHEATH_IS_STUDY_WINDOW (self), FALSE);
  return sheath_model_picker_set_model_file (self->model_picker, file, error);
}

/* ---- the window --------------------------------------------------------- */

static void
sheath_study_window_dispose (GObject *object)
{
  SheathStudyWindow *self = SHEATH_STUDY_WINDOW (object);

  /* what is done is kept; the image in flight stops */
  if (self->run != NULL)
    {
      sheath_study_run_cancel (self->run);
      g_signal_handlers_disconnect_by_data (self->run, self);
      g_clear_object (&self->run);
    }
  g_clear_weak_pointer (&self->images_window);
  gtk_widget_dispose_template (GTK_WIDGET (self), SHEATH_TYPE_STUDY_WINDOW);

  G_OBJECT_CLASS (sheath_study_window_parent_class)->dispose (object);
}

static void
sheath_study_window_finalize (GObject *object)
{
  SheathStudyWindow *self = SHEATH_STUDY_WINDOW (object);

  g_clear_object (&self->images);
  g_clear_object (&self->subjects);
  g_hash_table_unref (self->image_figures);
  g_free (self->last_said);

  G_OBJECT_CLASS (sheath_study_window_parent_class)->finalize (object);
}

static void
sheath_study_window_class_init (SheathStudyWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sheath_study_window_dispose;
  object_class->finalize = sheath_study_window_finalize;

  g_type_ensure (SHEATH_TYPE_MODEL_PICKER);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/sheath/Sheath/sheath-study-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SheathStudyWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, SheathStudyWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, SheathStudyWindow, model_picker);
  gtk_widget_class_bind_template_child (widget_class, SheathStudyWindow, group_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SheathStudyWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, SheathStudyWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SheathStudyWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, SheathStudyWindow, images_view);
  gtk_widget_class_bind_template_child (widget_class, SheathStudyWindow, subjects_stack);
  gtk_widget_class_bind_template_child (widget_class, SheathStudyWindow, subjects_view);
  gtk_widget_class_bind_template_child (widget_class, SheathStudyWindow, plot_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SheathStudyWindow, plot_picture);

  _sheath_study_window_class_actions_init (widget_class);
}

static void
images_activate_cb (GtkColumnView     *view,
                    guint              position,
                    SheathStudyWindow *self)
{
  g_autoptr(SheathStudyRow) row = g_list_model_get_item (G_LIST_MODEL (self->images), position);
  g_autoptr(GError) error = NULL;

  if (row != NULL && sheath_study_window_open_image (self, sheath_study_row_get_index (row), &error) == NULL)
    _sheath_study_window_toast (self, error->message);
}

static void
sheath_study_window_init (SheathStudyWindow *self)
{
  g_autoptr(GtkNoSelection) images_selection = NULL;
  g_autoptr(GtkNoSelection) subjects_selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->images = g_list_store_new (SHEATH_TYPE_STUDY_ROW);
  self->subjects = g_list_store_new (SHEATH_TYPE_STUDY_ROW);
  self->image_figures = g_hash_table_new (g_str_hash, g_str_equal);
  images_selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->images)));
  subjects_selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->subjects)));
  gtk_column_view_set_model (self->images_view, GTK_SELECTION_MODEL (images_selection));
  gtk_column_view_set_model (self->subjects_view, GTK_SELECTION_MODEL (subjects_selection));
  gtk_column_view_set_single_click_activate (self->images_view, FALSE);
  add_column (self->images_view, _ ("Image"), IMAGE_NAME, TRUE);
  add_column (self->images_view, _ ("Subject"), IMAGE_SUBJECT, FALSE);
  add_column (self->images_view, _ ("Group"), IMAGE_GROUP, FALSE);
  add_column (self->images_view, _ ("Status"), IMAGE_STATUS, TRUE);
  add_column (self->images_view, _ ("Axons"), IMAGE_AXONS, FALSE);
  add_column (self->images_view, _ ("g-ratio"), IMAGE_GRATIO, FALSE);
  g_signal_connect (self->images_view, "activate", G_CALLBACK (images_activate_cb), self);

  g_signal_connect (self->model_picker, "notify::chosen", G_CALLBACK (picker_chosen_cb), self);
  g_signal_connect (self->model_picker, "message", G_CALLBACK (picker_message_cb), self);
  g_signal_connect (self->group_dropdown, "notify::selected", G_CALLBACK (group_selected_cb), self);
  g_signal_connect_swapped (self->plot_dropdown, "notify::selected", G_CALLBACK (show_plot), self);
  gtk_stack_set_visible_child_name (self->main_stack, "empty");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "study.cancel", FALSE);
}

/**
 * sheath_study_window_new:
 * @images_window: (nullable): the window a study's image opens in, to be
 *   corrected; a new one when it is gone
 *
 * Returns: (transfer full): a study window with no study yet
 */
SheathStudyWindow *
sheath_study_window_new (SheathApplication *app,
                         SheathWindow      *images_window)
{
  SheathStudyWindow *self = g_object_new (SHEATH_TYPE_STUDY_WINDOW, "application", app, NULL);

  g_set_weak_pointer (&self->images_window, images_window);
  return self;
}
