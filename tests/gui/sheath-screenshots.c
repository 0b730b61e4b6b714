/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Makes screenshots of the main states of the app, rendered by GTK itself
 * (no screen grab), for the help and the README:
 *
 *   xvfb-run -a sheath-screenshots OUTPUT_DIR IMAGE MODEL [AXON_MASK [TRAIN_IMAGE…]]
 *   xvfb-run -a sheath-screenshots --slide OUTPUT_DIR SLIDE MODEL PIXEL_SIZE
 *
 * empty.png, image.png, segmenting.png, overlay.png, review.png; with the axon mask of
 * the image (its myelin mask beside it) morphometrics.png, outlines.png and
 * editor.png; with labelled images of two subjects, the training wizard's
 * pages train-images.png … train-done.png after a short training of a
 * small network. With --slide, the slide window: slide-open.png,
 * slide-segmenting.png (its rows appearing), slide-measured.png and
 * slide-map.png (the axon density map with its legend), slide-regions.png
 * (a region traced and measured), slide-edit.png (the part in view opened
 * in the editor). */

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "sheath-viewer.h"
#include "sheath-curve-plot.h"
#include "sheath-page.h"
#include "sheath-study-window-private.h"
#include "sheath-training-window.h"
#include "sheath-review-bar.h"
#include "sheath-slide-window.h"
#include "sheath-window.h"
#include "gui-test-util.h"

static void
wait_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean has_image (gpointer w) { return sheath_window_get_image (w) != NULL; }
static gboolean has_segmentation (gpointer w) { return sheath_window_get_segmentation (w) != NULL; }
static gboolean has_morphometrics (gpointer w) { return sheath_window_get_morphometrics (w) != NULL; }

static void
shoot (GtkWidget  *window,
       const char *dir,
       const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  int w = gtk_widget_get_width (window), h = gtk_widget_get_height (window);

  /* the widget has a render node only between a frame and the next
   * invalidation: try a few frames */
  for (guint tries = 0; texture == NULL && tries < 20; tries++)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;

      wait_ms (150);
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      if (node != NULL)
        texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
    }
  if (texture == NULL || !gdk_texture_save_to_png (texture, path))
    g_error ("cannot write %s (%d × %d)", path, w, h);
  g_print ("%s\n", path);
}

static gboolean
wizard_done (gpointer wizard)
{
  return g_str_equal (sheath_training_window_get_page (wizard), "done");
}

static void
shoot_wizard (SheathWindow  *window,
              const char    *dir,
              char         **images,
              int            n_images)
{
  SheathTrainingWindow *wizard = SHEATH_TRAINING_WINDOW (sheath_window_train (window));
  const char *pages[] = { "train-images.png", "train-start.png", "train-validation.png" };
  SheathCurvePlot *curve;
  GtkWidget *entry;

  /* a small network, so that a few epochs fit in half a minute */
  {
    g_autoptr(SheathTrainer) template = sheath_trainer_new ();

    sheath_trainer_set_depth (template, 3);
    sheath_trainer_set_base_channels (template, 8);
    sheath_trainer_set_patch_size (template, 128);
    sheath_trainer_set_batch_size (template, 4);
    sheath_training_window_set_template (wizard, template);
  }
  gtk_window_set_default_size (GTK_WINDOW (wizard), 780, 680);
  for (int i = 0; i < n_images; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!sheath_training_window_add_file (wizard, images[i], &error))
        g_error ("%s", error->message);
    }
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      wait_ms (400);
      shoot (GTK_WIDGET (wizard), dir, pages[i]);
      gtk_widget_activate_action (GTK_WIDGET (wizard), "train.next", NULL);
    }
  entry = gui_find_descendant (GTK_WIDGET (wizard), ADW_TYPE_ENTRY_ROW);
  gtk_editable_set_text (GTK_EDITABLE (entry), "my spinal cord");
  {
    GtkWidget *group = gtk_widget_get_ancestor (entry, ADW_TYPE_PREFERENCES_GROUP);
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (gui_find_descendant (group, GTK_TYPE_SPIN_BUTTON)), 0.7);
  }
  wait_ms (400);
  shoot (GTK_WIDGET (wizard), dir, "train-budget.png");
  gtk_widget_activate_action (GTK_WIDGET (wizard), "train.start", NULL);
  /* the live view once a few epochs are in */
  curve = SHEATH_CURVE_PLOT (gui_find_descendant (GTK_WIDGET (wizard), SHEATH_TYPE_CURVE_PLOT));
  while (!wizard_done (wizard) && sheath_curve_plot_get_n_epochs (curve) < 3)
    wait_ms (500);
  shoot (GTK_WIDGET (wizard), dir, "train-progress.png");
  if (!gui_wait_until (wizard_done, wizard, 600000))
    g_error ("training did not finish");
  wait_ms (400);
  shoot (GTK_WIDGET (wizard), dir, "train-done.png");
  gtk_window_destroy (GTK_WINDOW (wizard));
}

static gboolean
study_segmenting (gpointer run)
{
  return sheath_study_run_get_segmenting (run) && sheath_study_run_get_fraction (run) >= 0.3;
}

static gboolean
study_idle (gpointer run)
{
  return !sheath_study_run_get_busy (run);
}

/* The study window on @dataset, segmented with @model into a scratch
 * results folder: its images while it runs, its subjects and a plot. */
static void
shoot_study (SheathWindow *window,
             const char   *dir,
             const char   *dataset,
             const char   *model)
{
  SheathStudyWindow *study = SHEATH_STUDY_WINDOW (sheath_window_open_study (window));
  g_autoptr(GFile) model_file = g_file_new_for_commandline_arg (model);
  /* make-screenshots.sh gives a scratch state folder, removed after */
  g_autofree char *root = g_build_filename (g_get_user_state_dir (), "study-results", NULL);
  g_autoptr(GError) error = NULL;
  SheathStudyRun *run;

  gtk_window_set_default_size (GTK_WINDOW (study), 1100, 640);
  if (!sheath_study_window_set_model_file (study, model_file, &error) ||
      !sheath_study_window_open (study, dataset, root, &error))
    g_error ("%s", error->message);
  run = sheath_study_window_get_run (study);
  gui_wait_until (study_idle, run, 60000);
  gtk_widget_activate_action (GTK_WIDGET (study), "study.segment-all", NULL);
  if (!gui_wait_until (study_segmenting, run, 600000))
    g_error ("the study did not start");
  shoot (GTK_WIDGET (study), dir, "study-images.png");
  if (!gui_wait_until (study_idle, run, 1200000))
    g_error ("the study did not finish");
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (gui_find_descendant (GTK_WIDGET (study),
                                                                              ADW_TYPE_VIEW_STACK)), "subjects");
  shoot (GTK_WIDGET (study), dir, "study-subjects.png");
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (gui_find_descendant (GTK_WIDGET (study),
                                                                              ADW_TYPE_VIEW_STACK)), "plots");
  gtk_drop_down_set_selected (study->plot_dropdown, 1);
  shoot (GTK_WIDGET (study), dir, "study-plots.png");
  gtk_window_destroy (GTK_WINDOW (study));
}

static gboolean
slide_shown (gpointer data)
{
  return sheath_slide_tiles_get_n_textures (sheath_slide_window_get_tiles (data)) > 0 &&
         sheath_viewer_get_slide_tiles_missing (sheath_slide_window_get_viewer (data)) == 0;
}

static gboolean
part_measured (gpointer data)
{
  return sheath_document_get_morphometrics (data) != NULL && !sheath_document_get_measuring (data);
}

static gboolean
slide_measured (gpointer data)
{
  return sheath_slide_window_get_aggregates (data) != NULL && !sheath_slide_window_get_busy (data);
}

static int
shoot_slide (SheathApplication  *app,
             const char         *out,
             const char         *path,
             const char         *model_path,
             double              pixel_size)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.sheath.Sheath");
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GFile) model = g_file_new_for_commandline_arg (model_path);
  g_autoptr(GError) error = NULL;
  SheathSlideWindow *slide;
  GtkWidget *dropdown;

  g_settings_set_double (settings, "slide-above-megapixels", 0);
  if (!(slide = sheath_slide_window_open (GTK_APPLICATION (app), file, &error)))
    g_error ("%s", error->message);
  gtk_window_set_default_size (GTK_WINDOW (slide), 1200, 800);
  if (!gui_wait_until (slide_shown, slide, 30000))
    g_error ("the slide's tiles did not come");
  wait_ms (300);
  shoot (GTK_WIDGET (slide), out, "slide-open.png");

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (gui_find_descendant (GTK_WIDGET (slide), GTK_TYPE_SPIN_BUTTON)),
                             pixel_size);
  if (!sheath_slide_window_set_model_file (slide, model, &error))
    g_error ("%s", error->message);
  gtk_widget_activate_action (GTK_WIDGET (slide), "slide.segment", NULL);
  wait_ms (20000);
  shoot (GTK_WIDGET (slide), out, "slide-segmenting.png");
  if (!gui_wait_until (slide_measured, slide, 3600 * 1000))
    g_error ("the slide was not segmented and measured");
  wait_ms (9000);   /* the toast goes */
  shoot (GTK_WIDGET (slide), out, "slide-measured.png");
  dropdown = gui_find_descendant (GTK_WIDGET (slide), GTK_TYPE_DROP_DOWN);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 1 + SHEATH_MAP_AXON_DENSITY);
  wait_ms (500);
  shoot (GTK_WIDGET (slide), out, "slide-map.png");

  /* a region traced on it, named and described */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 0);
  {
    SheathViewer *viewer = sheath_slide_window_get_viewer (slide);
    guint w = sheath_slide_tiles_get_width (sheath_slide_window_get_tiles (slide));
    guint h = sheath_slide_tiles_get_height (sheath_slide_window_get_tiles (slide));
    AdwMessageDialog *dialog = NULL;

    gtk_widget_activate_action (GTK_WIDGET (slide), "slide.draw-region", NULL);
    g_signal_emit_by_name (viewer, "edit-begin", w * 0.5, h * 0.2);
    for (guint i = 1; i <= 80; i++)
      {
        double t = 2 * G_PI * i / 80;

        g_signal_emit_by_name (viewer, "edit-motion", w * (0.5 + 0.3 * sin (t)), h * (0.5 - 0.3 * cos (t)));
      }
    g_signal_emit_by_name (viewer, "edit-end", w * 0.5, h * 0.2);
    for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
      if (ADW_IS_MESSAGE_DIALOG (l->data))
        dialog = l->data;
    wait_ms (300);
    shoot (GTK_WIDGET (dialog), out, "slide-region-name.png");
    gtk_editable_set_text (GTK_EDITABLE (g_object_get_data (G_OBJECT (dialog), "entry")), "dorsal column");
    adw_message_dialog_response (dialog, "add");
    if (!gui_wait_for_text (GTK_WIDGET (slide), "axons ·", 600000))
      g_error ("the region was not measured");
    gtk_widget_activate_action (GTK_WIDGET (slide), "slide.draw-region", NULL);
    wait_ms (500);
    shoot (GTK_WIDGET (slide), out, "slide-regions.png");

    /* the part in view opened in the editor to correct its masks */
    {
      GtkWidget *window = NULL;
      SheathPage *page;

      sheath_viewer_set_zoom (viewer, 1.0);
      sheath_viewer_center_on (viewer, w * 0.5, h * 0.5);
      gtk_widget_activate_action (GTK_WIDGET (slide), "slide.edit-masks", NULL);
      for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
        if (SHEATH_IS_WINDOW (l->data))
          window = l->data;
      if (window == NULL || !(page = SHEATH_PAGE (gui_find_descendant (window, SHEATH_TYPE_PAGE))))
        g_error ("Edit Masks opened no page");
      gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
      if (!gui_wait_until (part_measured, sheath_page_get_document (page), 60000))
        g_error ("the part was not measured");
      wait_ms (800);
      shoot (window, out, "slide-edit.png");
      gtk_window_destroy (GTK_WINDOW (window));
    }
  }
  gtk_window_destroy (GTK_WINDOW (slide));
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SheathApplication) app = NULL;
  g_autoptr(GFile) image = NULL;
  g_autoptr(GFile) model = NULL;
  g_autoptr(GError) error = NULL;
  SheathWindow *window;

  if (argc < 4 || (g_str_equal (argv[1], "--slide") && argc != 6))
    {
      g_printerr ("usage: %s OUTPUT_DIR IMAGE MODEL [AXON_MASK [TRAIN_IMAGE…]]\n"
                  "       %s --slide OUTPUT_DIR SLIDE MODEL PIXEL_SIZE\n", argv[0], argv[0]);
      return 2;
    }

  gtk_init ();
  adw_init ();
  app = sheath_application_new ();
  g_application_register (G_APPLICATION (app), NULL, NULL);
  if (g_str_equal (argv[1], "--slide"))
    return shoot_slide (app, argv[2], argv[3], argv[4], g_ascii_strtod (argv[5], NULL));
  window = sheath_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  wait_ms (500);
  shoot (GTK_WIDGET (window), argv[1], "empty.png");

  image = g_file_new_for_commandline_arg (argv[2]);
  sheath_window_open (window, image);
  if (!gui_wait_until (has_image, window, 20000))
    g_error ("the image did not open");
  wait_ms (300);
  shoot (GTK_WIDGET (window), argv[1], "image.png");

  model = g_file_new_for_commandline_arg (argv[3]);
  if (!sheath_window_set_model_file (window, model, &error))
    g_error ("%s", error->message);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.segment", NULL);
  wait_ms (1500);
  shoot (GTK_WIDGET (window), argv[1], "segmenting.png");
  if (!gui_wait_until (has_segmentation, window, 600000))
    g_error ("segmentation did not finish");
  wait_ms (300);
  if (!gui_wait_until (has_morphometrics, window, 60000))
    g_error ("morphometrics did not finish");
  shoot (GTK_WIDGET (window), argv[1], "overlay.png");
  wait_ms (5500);   /* the "Segmented" toast goes: the next shots show other masks */
  {
    /* review mode on the model's masks, which have their confidence */
    SheathViewer *viewer = SHEATH_VIEWER (gui_find_descendant (GTK_WIDGET (window), SHEATH_TYPE_VIEWER));
    GtkWidget *page = gtk_widget_get_ancestor (GTK_WIDGET (viewer), SHEATH_TYPE_PAGE);
    GtkWidget *bar = gui_find_descendant (page, SHEATH_TYPE_REVIEW_BAR);

    gtk_widget_activate_action (page, "doc.review-flagged", NULL);
    wait_ms (800);
    shoot (GTK_WIDGET (window), argv[1], "review.png");
    gtk_widget_activate_action (bar, "review.done", NULL);
    sheath_viewer_zoom_to_fit (viewer);
    wait_ms (300);
  }

  if (argc > 4)
    {
      g_autoptr(GFile) masks = g_file_new_for_commandline_arg (argv[4]);

      /* loading measures again: the measurements go, then come back */
      if (!sheath_window_load_masks (window, masks, &error))
        g_error ("%s", error->message);
      if (!gui_wait_until (has_morphometrics, window, 60000))
        g_error ("morphometrics of the masks did not finish");
      gtk_widget_activate_action (GTK_WIDGET (window), "viewer.zoom", "s", "in");
      wait_ms (500);
      shoot (GTK_WIDGET (window), argv[1], "morphometrics.png");
      {
        /* outlines and numbers, close up */
        SheathViewer *viewer = SHEATH_VIEWER (gui_find_descendant (GTK_WIDGET (window), SHEATH_TYPE_VIEWER));

        g_object_set (viewer, "overlay-outlines", TRUE, "axon-numbers", TRUE, NULL);
        sheath_viewer_set_zoom (viewer, 2.0);
        wait_ms (500);
        shoot (GTK_WIDGET (window), argv[1], "outlines.png");

        /* the editor: a lasso being drawn, an axon selected */
        {
          GtkWidget *doc = gtk_widget_get_ancestor (GTK_WIDGET (viewer), SHEATH_TYPE_PAGE);
          SheathMorphometrics *m = sheath_window_get_morphometrics (window);
          const SheathAxon *a = sheath_morphometrics_get_axon (m, sheath_morphometrics_get_n_axons (m) / 2);
          double cx = a->x0, cy = a->y0;

          g_object_set (viewer, "overlay-outlines", FALSE, "axon-numbers", FALSE, NULL);
          sheath_viewer_center_on (viewer, cx, cy);
          g_signal_emit_by_name (viewer, "clicked", (int) cx, (int) cy, 0);
          gtk_widget_activate_action (doc, "edit.tool", "s", "lasso");
          gtk_widget_activate_action (doc, "edit.paint-class", "s", "myelin");
          g_signal_emit_by_name (viewer, "edit-begin", cx + 60, cy - 40);
          for (guint i = 1; i <= 24; i++)
            {
              double t = 2 * G_PI * i / 25;
              g_signal_emit_by_name (viewer, "edit-motion", cx + 60 + 35 * cos (t) - 35, cy - 40 + 25 * sin (t));
            }
          wait_ms (500);
          shoot (GTK_WIDGET (window), argv[1], "editor.png");
          g_signal_emit_by_name (viewer, "edit-end", cx + 60, cy - 40);
        }
      }
    }

  if (argc > 6)
    shoot_wizard (window, argv[1], argv + 5, argc - 5);
  /* the study window, when a dataset and its model are given */
  if (g_getenv ("SHEATH_SCREENSHOT_STUDY") != NULL)
    shoot_study (window, argv[1], g_getenv ("SHEATH_SCREENSHOT_STUDY"), g_getenv ("SHEATH_SCREENSHOT_STUDY_MODEL"));

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
