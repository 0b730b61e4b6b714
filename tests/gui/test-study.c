/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The study window as a user meets it: a dataset opened, Segment All
 * stopped and taken up, the subjects' table and plots, an image opened
 * with its masks and corrected, and the figures following the correction. */

#include <glib/gstdio.h>

#include "gui-test-app.h"
#include "gui-test-util.h"
#include "sheath-study-window-private.h"
#include "../../src/libsheath/tests/test-util.h"

typedef struct
{
  SheathStudyWindow *study;
  SheathDocument    *doc;
  guint              image;
  const char        *n_axons;
} Wait;

static gboolean
run_idle (gpointer data)
{
  Wait *w = data;
  SheathStudyRun *run = sheath_study_window_get_run (w->study);

  return run != NULL && !sheath_study_run_get_busy (run);
}

static gboolean
has_masks (gpointer data)
{
  Wait *w = data;

  return sheath_document_get_segmentation (w->doc) != NULL && sheath_document_get_aggregates (w->doc) != NULL &&
         !sheath_document_get_measuring (w->doc);
}

static gboolean
is_corrected (gpointer data)
{
  Wait *w = data;

  return sheath_study_run_get_state (sheath_study_window_get_run (w->study), w->image) ==
         SHEATH_STUDY_RUN_CORRECTED && run_idle (data);
}

static gboolean
is_modified (gpointer data)
{
  Wait *w = data;

  return sheath_document_get_modified (w->doc) && !sheath_document_get_measuring (w->doc);
}

/* the cell of @column in @subject's row of the window's subjects' table */
static const char *
subject_cell (SheathStudyWindow *study,
              const char        *subject,
              const char        *column)
{
  GPtrArray *table = sheath_study_run_get_table (sheath_study_window_get_run (study), SHEATH_STUDY_TABLE_SUBJECTS);
  char **header = g_ptr_array_index (table, 0);
  int c = -1;

  for (int k = 0; header[k] != NULL; k++)
    if (g_str_equal (header[k], column))
      c = k;
  g_assert_cmpint (c, >=, 0);
  for (guint r = 1; r < table->len; r++)
    if (g_str_equal (((char **) g_ptr_array_index (table, r))[0], subject))
      return ((char **) g_ptr_array_index (table, r))[c];
  return NULL;
}

/* the button a user clicks, found by its label */
static void
click (GtkWidget  *window,
       const char *label)
{
  GtkWidget *button = gui_find_button (window, label);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
test_study_window (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sheath-study-window-XXXXXX", NULL);
  g_autofree char *dataset = g_build_filename (dir, "rats", NULL);
  g_autofree char *model_path = g_build_filename (SHEATH_TEST_GOLDEN_DIR, "unet-golden.safetensors", NULL);
  g_autoptr(GFile) model = g_file_new_for_path (model_path);
  g_autoptr(GError) error = NULL;
  SheathWindow *window = gui_new_window ();
  SheathStudyWindow *study;
  SheathStudyRun *run;
  SheathPage *page;
  Wait w = { 0 };
  g_autofree char *axons_before = NULL;
  g_autofree char *image = NULL;

  test_make_study (dataset);
  study = SHEATH_STUDY_WINDOW (sheath_window_open_study (window));
  w.study = study;
  g_assert_true (gui_shows_text (GTK_WIDGET (study), "Open a Dataset"));
  g_assert_true (sheath_study_window_set_model_file (study, model, &error));
  g_assert_no_error (error);

  /* a folder that holds no study is said, and nothing changes */
  g_assert_false (sheath_study_window_open (study, dir, NULL, &error));
  g_assert_nonnull (strstr (error->message, "No images in"));
  g_clear_error (&error);

  /* the dataset: its images, subjects and groups, all still to do */
  g_assert_true (sheath_study_window_open (study, dataset, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (gui_wait_until (run_idle, &w, 30000));
  run = sheath_study_window_get_run (study);
  g_assert_true (gui_wait_for_text (GTK_WIDGET (study), "sub-a_sample-1_SEM.png", 5000));
  g_assert_true (gui_shows_text (GTK_WIDGET (study), "sham"));
  g_assert_true (gui_shows_text (GTK_WIDGET (study), "To do"));
  g_assert_true (gui_shows_text (GTK_WIDGET (study), "No Image Done Yet"));
  g_assert_cmpstr (sheath_study_run_get_group_by (run), ==, "group");
  g_assert_null (sheath_study_window_open_image (study, 0, &error));
  g_assert_nonnull (strstr (error->message, "not segmented yet"));
  g_clear_error (&error);

  /* Segment All, stopped at once by Cancel: said, and all still to do */
  click (GTK_WIDGET (study), "Segment All");
  g_assert_true (sheath_study_run_get_segmenting (run));
  g_assert_true (gtk_revealer_get_reveal_child (study->progress_revealer));
  click (GTK_WIDGET (study), "Cancel");
  g_assert_true (gui_wait_until (run_idle, &w, 60000));
  g_assert_true (gui_wait_for_text (GTK_WIDGET (study), "Stopped after 0 of 2 images", 5000));
  g_assert_cmpint (sheath_study_run_get_state (run, 0), ==, SHEATH_STUDY_RUN_TO_DO);

  /* then to the end: each image done, the subjects' table and the plots */
  click (GTK_WIDGET (study), "Segment All");
  g_assert_false (gtk_widget_is_sensitive (gui_find_button (GTK_WIDGET (study), "Segment All")));
  g_assert_true (gui_wait_until (run_idle, &w, 120000));
  g_assert_false (gtk_revealer_get_reveal_child (study->progress_revealer));
  g_assert_cmpint (sheath_study_run_get_state (run, 0), ==, SHEATH_STUDY_RUN_DONE);
  g_assert_cmpint (sheath_study_run_get_state (run, 1), ==, SHEATH_STUDY_RUN_DONE);
  g_assert_true (gui_shows_text (GTK_WIDGET (study), "Done"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (study->subjects)), ==, 2);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (study->subjects_stack), ==, "table");
  g_assert_nonnull (gtk_picture_get_file (study->plot_picture));
  axons_before = g_strdup (subject_cell (study, "sub-a", "n_axons"));
  g_assert_cmpint (atoi (axons_before), >, 1);

  /* exported: the subjects' table as a workbook, the plot as SVG; the
   * images' table of a name it does not have is refused */
  {
    g_autofree char *xlsx = g_build_filename (dir, "subjects.xlsx", NULL);
    g_autofree char *svg = g_build_filename (dir, "plot.svg", NULL);
    g_autoptr(GFile) xlsx_file = g_file_new_for_path (xlsx);
    g_autoptr(GFile) svg_file = g_file_new_for_path (svg);
    g_autofree char *text = NULL;

    g_assert_true (_sheath_study_window_export_to (study, "subjects", xlsx_file, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (xlsx, &text, NULL, NULL));
    g_assert_true (g_str_has_prefix (text, "PK"));
    g_clear_pointer (&text, g_free);
    g_assert_true (_sheath_study_window_export_to (study, NULL, svg_file, &error));
    g_assert_true (g_file_get_contents (svg, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "<svg"));
  }

  /* sub-a's image opened in the images window with its masks */
  page = sheath_study_window_open_image (study, 0, &error);
  g_assert_no_error (error);
  w.doc = sheath_page_get_document (page);
  g_assert_true (gui_wait_until (has_masks, &w, 30000));
  g_assert_cmpuint (sheath_document_get_aggregates (w.doc)->n_axons, ==,
                    (guint) atoi (axons_before));

  /* an axon deleted and the masks saved (Ctrl+S): into the study's folder,
   * measured again; the subject's figures follow */
  {
    guint id = 1, deleted = 0;

    sheath_document_select_axons (w.doc, &id, 1);
    g_assert_true (sheath_document_delete_selected (w.doc, &deleted, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (deleted, ==, 1);
  }
  g_assert_true (gui_wait_until (is_modified, &w, 30000));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save-masks", NULL));
  g_assert_false (sheath_document_get_modified (w.doc));
  w.image = 0;
  g_assert_true (gui_wait_until (is_corrected, &w, 30000));
  g_assert_cmpint (atoi (subject_cell (study, "sub-a", "n_axons")), ==, atoi (axons_before) - 1);
  g_assert_true (gui_wait_for_text (GTK_WIDGET (study), "Corrected", 5000));

  /* opened again later from its results folder: taken up where it was */
  {
    g_autofree char *root = g_strdup (sheath_study_run_get_root (run));

    g_assert_true (sheath_study_window_open (study, root, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (gui_wait_until (run_idle, &w, 30000));
    run = sheath_study_window_get_run (study);
    g_assert_cmpint (sheath_study_run_get_state (run, 0), ==, SHEATH_STUDY_RUN_CORRECTED);
    g_assert_cmpint (sheath_study_run_get_state (run, 1), ==, SHEATH_STUDY_RUN_DONE);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (study->subjects)), ==, 2);
  }

  gtk_window_destroy (GTK_WINDOW (study));
  gtk_window_destroy (GTK_WINDOW (window));
  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv ("SHEATH_TEST_STATE_DIRS") == NULL)
    {
      g_autofree char *state = g_dir_make_tmp ("sheath-test-state-XXXXXX", NULL);
      g_autofree char *data = g_dir_make_tmp ("sheath-test-data-XXXXXX", NULL);

      g_setenv ("XDG_STATE_HOME", state, TRUE);
      g_setenv ("XDG_DATA_HOME", data, TRUE);
      g_setenv ("SHEATH_TEST_STATE_DIRS", "1", TRUE);
    }
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/Sheath/Study/segment-stop-correct-export", test_study_window);

  return g_test_run ();
}
