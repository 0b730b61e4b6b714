/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The training wizard under Xvfb, driven through its actions as its
 * buttons are: two labelled images of the shared SEM dataset, a tiny
 * network for a few seconds, through to a saved model that the model picker
 * lists; then a training paused, the wizard closed, and the training
 * resumed from a new wizard. */

#include "config.h"

#include "sheath-curve-plot.h"
#include "sheath-training-window.h"
#include "sheath-window.h"
#include "gui-test-app.h"
#include "gui-test-util.h"
#include "../../src/libsheath/tests/test-util.h"

#define LABELS "datasets/sem-rat-spinal-cord/derivatives/labels/"
#define RAT4   "datasets/sem-rat-spinal-cord/sub-rat4/micr/sub-rat4_sample-data12_SEM.png"
#define RAT5   "datasets/sem-rat-spinal-cord/sub-rat5/micr/sub-rat5_sample-data14_SEM.png"

static gboolean
shared_present (void)
{
  g_autofree char *a = test_shared_path (RAT4, NULL);
  g_autofree char *b = test_shared_path (RAT5, NULL);

  return g_file_test (a, G_FILE_TEST_EXISTS) && g_file_test (b, G_FILE_TEST_EXISTS);
}

/* A wizard with the two images, a tiny network, at the Name page. */

/* A network small enough to train in seconds: the wizard's trainings take
 * it from a trainer configured as a template; @epochs 0 keeps the budget. */
static void
small_network (SheathTrainingWindow *wizard,
               guint                 epochs)
{
  g_autoptr(SheathTrainer) template = sheath_trainer_new ();

  sheath_trainer_set_depth (template, 2);
  sheath_trainer_set_base_channels (template, 4);
  sheath_trainer_set_patch_size (template, 64);
  sheath_trainer_set_batch_size (template, 2);
  sheath_trainer_set_epochs (template, epochs);
  sheath_training_window_set_template (wizard, template);
}

static SheathTrainingWindow *
wizard_at_budget (SheathWindow *window,
                  const char   *name)
{
  SheathTrainingWindow *wizard = SHEATH_TRAINING_WINDOW (sheath_window_train (window));
  g_autofree char *rat4 = test_shared_path (RAT4, NULL);
  g_autofree char *rat5 = test_shared_path (RAT5, NULL);
  g_autoptr(GError) error = NULL;
  GtkWidget *entry;

  small_network (wizard, 0);
  g_assert_cmpstr (sheath_training_window_get_page (wizard), ==, "images");

  /* one image is not enough to go on */
  g_assert_true (sheath_training_window_add_file (wizard, rat4, &error));
  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "train.next", NULL);
  g_assert_cmpstr (sheath_training_window_get_page (wizard), ==, "images");
  g_assert_false (sheath_training_window_add_file (wizard, rat4, &error));
  g_clear_error (&error);
  g_assert_true (sheath_training_window_add_file (wizard, rat5, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_training_window_get_n_images (wizard), ==, 2);

  gtk_widget_activate_action (GTK_WIDGET (wizard), "train.next", NULL);
  g_assert_cmpstr (sheath_training_window_get_page (wizard), ==, "start");
  gtk_widget_activate_action (GTK_WIDGET (wizard), "train.next", NULL);
  g_assert_cmpstr (sheath_training_window_get_page (wizard), ==, "validation");
  /* sub-rat5 is held out by default */
  gtk_widget_activate_action (GTK_WIDGET (wizard), "train.next", NULL);
  g_assert_cmpstr (sheath_training_window_get_page (wizard), ==, "budget");

  entry = gui_find_descendant (GTK_WIDGET (wizard), ADW_TYPE_ENTRY_ROW);
  gtk_editable_set_text (GTK_EDITABLE (entry), name);
  return wizard;
}

static void
set_budget (SheathTrainingWindow *wizard,
            double                minutes)
{
  /* the only spin button on the Name page: the budget */
  GtkWidget *page = gui_find_descendant (GTK_WIDGET (wizard), ADW_TYPE_ENTRY_ROW);
  GtkWidget *group = gtk_widget_get_ancestor (page, ADW_TYPE_PREFERENCES_GROUP);
  GtkWidget *spin = gui_find_descendant (group, GTK_TYPE_SPIN_BUTTON);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), minutes);
}

static gboolean
on_page_done (gpointer wizard)
{
  return g_str_equal (sheath_training_window_get_page (wizard), "done");
}

static void
collect_curves (GtkWidget *widget,
                GPtrArray *curves)
{
  if (SHEATH_IS_CURVE_PLOT (widget))
    g_ptr_array_add (curves, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_curves (c, curves);
}

/* The live curve: the one of the progress page. */
static SheathCurvePlot *
live_curve (gpointer wizard)
{
  g_autoptr(GPtrArray) curves = g_ptr_array_new ();

  collect_curves (wizard, curves);
  for (guint i = 0; i < curves->len; i++)
    if (g_str_equal (gtk_widget_get_name (curves->pdata[i]), "live-curve"))
      return curves->pdata[i];
  g_assert_not_reached ();
}

static gboolean
has_epoch (gpointer wizard)
{
  return sheath_curve_plot_get_n_epochs (live_curve (wizard)) > 0;
}

static gboolean
paused (gpointer wizard)
{
  return !sheath_training_window_get_running (wizard);
}

static gboolean
picker_lists (SheathWindow *window,
              const char   *name)
{
  GtkDropDown *dropdown = GTK_DROP_DOWN (gui_find_descendant (GTK_WIDGET (window), GTK_TYPE_DROP_DOWN));
  GListModel *names = gtk_drop_down_get_model (dropdown);
  GtkStringObject *chosen = gtk_drop_down_get_selected_item (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (names, i);

      /* "NAME · PIXEL SIZE µm"; listed, but not made the choice by itself:
       * a new model may score below the one in use */
      if (g_str_has_prefix (gtk_string_object_get_string (item), name))
        return !g_str_has_prefix (gtk_string_object_get_string (chosen), name);
    }
  return FALSE;
}

static void
assert_saved (const char *name)
{
  g_autofree char *dir = sheath_model_dup_user_dir ();
  g_autofree char *model_base = g_strconcat (name, ".safetensors", NULL);
  g_autofree char *card_base = g_strconcat (name, ".md", NULL);
  g_autofree char *model_path = g_build_filename (dir, model_base, NULL);
  g_autofree char *card_path = g_build_filename (dir, card_base, NULL);
  g_autofree char *card = NULL;
  g_autoptr(SheathModel) model = NULL;
  g_autoptr(GError) error = NULL;

  /* found by name, as sheath-cli --model NAME finds it */
  model = sheath_model_new_builtin (name, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_model_get_depth (model), ==, 2);
  g_assert_true (g_file_get_contents (card_path, &card, NULL, &error));
  g_assert_nonnull (strstr (card, "Validation figures"));
  g_assert_nonnull (strstr (card, "sub-rat5"));
  g_test_message ("model card:\n%s", card);
}


static void
test_training_to_saved_model (void)
{
  SheathWindow *window;
  SheathTrainingWindow *wizard;

  if (!shared_present ())
    {
      g_test_skip ("shared test data missing (set SHEATH_SHARED_DIR)");
      return;
    }
  window = gui_new_window ();
  wizard = wizard_at_budget (window, "tiny rat");
  set_budget (wizard, 0.1);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "train.start", NULL);
  g_assert_cmpstr (sheath_training_window_get_page (wizard), ==, "progress");
  g_assert_true (gui_wait_until (on_page_done, wizard, 180000));
  g_assert_true (has_epoch (wizard));
  {
    /* the loss was drawn step by step, the prediction shown, and the
     * curve stays on the last page; with no shipped model here, the
     * comparison says so */
    g_autoptr(GPtrArray) curves = g_ptr_array_new ();
    SheathCurvePlot *curve = live_curve (wizard), *final;
    GtkPicture *preview = GTK_PICTURE (gui_find_descendant (GTK_WIDGET (wizard), GTK_TYPE_PICTURE));

    collect_curves (GTK_WIDGET (wizard), curves);
    g_assert_cmpuint (curves->len, ==, 2);   /* the live one, the last page's */
    final = curves->pdata[curves->pdata[0] == (gpointer) curve ? 1 : 0];
    g_assert_cmpuint (sheath_curve_plot_get_n_steps (curve), >, 0);
    g_assert_nonnull (gtk_picture_get_paintable (preview));
    g_assert_cmpuint (sheath_curve_plot_get_n_epochs (final), ==, sheath_curve_plot_get_n_epochs (curve));
    g_assert_true (gui_shows_text (GTK_WIDGET (wizard), "No shipped model of its modality"));
  }

  gtk_widget_activate_action (GTK_WIDGET (wizard), "train.save", NULL);
  assert_saved ("tiny rat");
  g_assert_true (picker_lists (window, "tiny rat"));

  /* a new window lists it too */
  gtk_window_destroy (GTK_WINDOW (wizard));
  gtk_window_destroy (GTK_WINDOW (window));
  window = gui_new_window ();
  {
    GtkDropDown *dropdown = GTK_DROP_DOWN (gui_find_descendant (GTK_WIDGET (window), GTK_TYPE_DROP_DOWN));
    GListModel *names = gtk_drop_down_get_model (dropdown);
    gboolean found = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (names); i++)
      {
        g_autoptr(GtkStringObject) item = g_list_model_get_item (names, i);
        found |= g_str_has_prefix (gtk_string_object_get_string (item), "tiny rat · ");
      }
    g_assert_true (found);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A button with this label in a list row (not the page's own). */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0 &&
      gtk_widget_get_ancestor (widget, ADW_TYPE_ACTION_ROW) != NULL)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_button (c, label);
      if (found)
        return found;
    }
  return NULL;
}

static void
test_training_paused_and_resumed (void)
{
  SheathWindow *window;
  SheathTrainingWindow *wizard;
  GtkWidget *resume;

  if (!shared_present ())
    {
      g_test_skip ("shared test data missing (set SHEATH_SHARED_DIR)");
      return;
    }
  window = gui_new_window ();
  wizard = wizard_at_budget (window, "paused rat");
  /* epochs, not a budget: a budget on a busy machine may end after the
   * first epoch, before the pause */
  small_network (wizard, 3);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "train.start", NULL);
  g_assert_true (gui_wait_until (has_epoch, wizard, 120000));

  /* pause, then close the wizard: the checkpoint stays */
  gtk_widget_activate_action (GTK_WIDGET (wizard), "train.pause", NULL);
  g_assert_true (gui_wait_until (paused, wizard, 60000));
  gtk_window_destroy (GTK_WINDOW (wizard));

  /* a new wizard offers to resume it, and it goes on to the end */
  wizard = SHEATH_TRAINING_WINDOW (sheath_window_train (window));
  resume = find_button (GTK_WIDGET (wizard), "_Resume");
  g_assert_nonnull (resume);
  g_signal_emit_by_name (resume, "clicked");
  g_assert_cmpstr (sheath_training_window_get_page (wizard), ==, "progress");
  g_assert_true (has_epoch (wizard));   /* the curve so far came back */
  g_assert_true (gui_wait_until (on_page_done, wizard, 180000));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "train.save", NULL);
  assert_saved ("paused rat");

  gtk_window_destroy (GTK_WINDOW (wizard));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The action row titled @title (the start page's choices). */
static GtkWidget *
find_check_row (GtkWidget  *widget,
                const char *title)
{
  if (ADW_IS_ACTION_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_check_row (c, title);
      if (found)
        return found;
    }
  return NULL;
}

/* Fine-tuning the "SEM model": here a tiny model standing in for it, in
 * a models folder of the test's own. */
static void
test_training_fine_tune (void)
{
  g_autofree char *models = g_dir_make_tmp ("sheath-test-models-XXXXXX", NULL);
  g_autofree char *sem = g_build_filename (models, "sem.safetensors", NULL);
  g_autoptr(SheathTrainer) trainer = sheath_trainer_new ();
  g_autofree char *rat4 = test_shared_path (RAT4, NULL);
  g_autofree char *rat5 = test_shared_path (RAT5, NULL);
  g_autoptr(GError) error = NULL;
  SheathWindow *window;
  SheathTrainingWindow *wizard;
  GtkWidget *row;

  if (!shared_present ())
    {
      g_test_skip ("shared test data missing (set SHEATH_SHARED_DIR)");
      return;
    }
  /* a tiny network trained for a moment, as sem.safetensors */
  g_object_set (trainer, "depth", 2, "base-channels", 4, "patch-size", 64, "batch-size", 2, "epochs", 1,
                "pixel-size", 0.1, "modality", "SEM", NULL);
  for (guint i = 0; i < 2; i++)
    {
      const char *subject = i == 0 ? "sub-rat4" : "sub-rat5";
      const char *stem = i == 0 ? "sub-rat4_sample-data12_SEM" : "sub-rat5_sample-data14_SEM";
      g_autofree char *axon_rel = g_strdup_printf (LABELS "%s/micr/%s_seg-axon-manual.png", subject, stem);
      g_autofree char *myelin_rel = g_strdup_printf (LABELS "%s/micr/%s_seg-myelin-manual.png", subject, stem);
      g_autofree char *axon = test_shared_path (axon_rel, NULL);
      g_autofree char *myelin = test_shared_path (myelin_rel, NULL);

      g_assert_true (sheath_trainer_add_image (trainer, i == 0 ? rat4 : rat5, axon, myelin, 0, subject, &error));
    }
  g_assert_no_error (error);
  sheath_trainer_set_validation_subjects (trainer, (const char *[]) { "sub-rat5", NULL });
  sheath_trainer_set_output (trainer, sem);
  g_assert_true (sheath_trainer_train (trainer, NULL, &error));
  g_assert_no_error (error);
  g_setenv ("SHEATH_MODELS_DIR", models, TRUE);

  window = gui_new_window ();
  wizard = wizard_at_budget (window, "tuned rat");
  /* back to the start page, choose the SEM model */
  gtk_widget_activate_action (GTK_WIDGET (wizard), "train.back", NULL);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "train.back", NULL);
  g_assert_cmpstr (sheath_training_window_get_page (wizard), ==, "start");
  row = find_check_row (GTK_WIDGET (wizard), "The SEM model");
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_sensitive (row));
  /* fine-tuning is what the page recommends, and what it starts with */
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (gui_find_descendant (row, GTK_TYPE_CHECK_BUTTON))));
  gtk_widget_activate (row);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "train.next", NULL);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "train.next", NULL);
  g_assert_cmpstr (sheath_training_window_get_page (wizard), ==, "budget");
  set_budget (wizard, 0.1);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "train.start", NULL);
  g_assert_true (gui_wait_until (on_page_done, wizard, 180000));
  /* before it is kept, it is compared with the model it started from */
  g_assert_true (gui_wait_for_text (GTK_WIDGET (wizard), "segmented the same way", 120000));
  g_assert_true (gui_shows_text (GTK_WIDGET (wizard), "the SEM model it started from"));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "train.save", NULL);
  {
    g_autofree char *dir = sheath_model_dup_user_dir ();
    g_autofree char *card_path = g_build_filename (dir, "tuned rat.md", NULL);
    g_autofree char *card = NULL;
    g_autoptr(SheathModel) model = sheath_model_new_builtin ("tuned rat", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (sheath_model_get_modality (model), ==, "SEM");
    g_assert_cmpfloat (sheath_model_get_pixel_size (model), ==, 0.1);
    g_assert_true (g_file_get_contents (card_path, &card, NULL, NULL));
    g_assert_nonnull (strstr (card, "fine-tuned from the shipped SEM model"));
  }
  g_unsetenv ("SHEATH_MODELS_DIR");
  gtk_window_destroy (GTK_WINDOW (wizard));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
checkpoint_written (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

static gboolean
is_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Closing the wizard while it trains pauses: the checkpoint is written,
 * nothing is touched after the window is gone, and the next wizard
 * resumes it. */
static void
test_training_closed_while_running (void)
{
  g_autofree char *staging = sheath_training_window_dup_staging_dir ();
  g_autofree char *checkpoint = g_build_filename (staging, "closed rat.safetensors.checkpoint", NULL);
  SheathWindow *window;
  SheathTrainingWindow *wizard;
  GtkWidget *resume;

  if (!shared_present ())
    {
      g_test_skip ("shared test data missing (set SHEATH_SHARED_DIR)");
      return;
    }
  window = gui_new_window ();
  wizard = wizard_at_budget (window, "closed rat");
  small_network (wizard, 3);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "train.start", NULL);
  g_assert_true (gui_wait_until (has_epoch, wizard, 120000));
  g_assert_true (sheath_training_window_get_running (wizard));
  gtk_window_close (GTK_WINDOW (wizard));
  g_assert_true (gui_wait_until (checkpoint_written, checkpoint, 120000));
  /* the run holds the wizard until it has ended: wait for that, with the
   * window gone, rather than for a while */
  g_object_add_weak_pointer (G_OBJECT (wizard), (gpointer *) &wizard);
  g_assert_true (gui_wait_until (is_gone, &wizard, 120000));

  wizard = SHEATH_TRAINING_WINDOW (sheath_window_train (window));
  resume = find_button (GTK_WIDGET (wizard), "_Resume");
  g_assert_nonnull (resume);
  g_signal_emit_by_name (resume, "clicked");
  g_assert_true (gui_wait_until (on_page_done, wizard, 180000));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "train.save", NULL);
  assert_saved ("closed rat");
  gtk_window_destroy (GTK_WINDOW (wizard));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean on_page_images (gpointer wizard) { return g_str_equal (sheath_training_window_get_page (wizard), "images"); }

/* Cancel throws a run away, so it asks first; Keep goes on training. */
static void
test_training_cancel_asks (void)
{
  SheathWindow *window;
  SheathTrainingWindow *wizard;
  AdwMessageDialog *dialog;

  if (!shared_present ())
    {
      g_test_skip ("shared test data missing (set SHEATH_SHARED_DIR)");
      return;
    }
  window = gui_new_window ();
  wizard = wizard_at_budget (window, "cancelled rat");
  small_network (wizard, 3);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "train.start", NULL);
  g_assert_true (sheath_training_window_get_running (wizard));

  gtk_widget_activate_action (GTK_WIDGET (wizard), "train.cancel", NULL);
  g_assert_true (gui_wait_until (gui_has_message_dialog, NULL, 5000));
  dialog = gui_find_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Cancel Training?");
  adw_message_dialog_response (dialog, "keep");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (sheath_training_window_get_running (wizard));
  g_assert_cmpstr (sheath_training_window_get_page (wizard), ==, "progress");

  gtk_widget_activate_action (GTK_WIDGET (wizard), "train.cancel", NULL);
  g_assert_true (gui_wait_until (gui_has_message_dialog, NULL, 5000));
  dialog = gui_find_message_dialog ();
  adw_message_dialog_response (dialog, "discard");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (gui_wait_until (on_page_images, wizard, 120000));
  g_assert_false (sheath_training_window_get_running (wizard));

  gtk_window_destroy (GTK_WINDOW (wizard));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *state = g_dir_make_tmp ("sheath-test-state-XXXXXX", NULL);
  g_autofree char *data = g_dir_make_tmp ("sheath-test-data-XXXXXX", NULL);

  /* models, checkpoints and recent files go here, not into the user's */
  g_assert_nonnull (state);
  g_assert_nonnull (data);
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/Sheath/Training/to-saved-model", test_training_to_saved_model);
  g_test_add_func ("/Sheath/Training/paused-and-resumed", test_training_paused_and_resumed);
  g_test_add_func ("/Sheath/Training/fine-tune", test_training_fine_tune);
  g_test_add_func ("/Sheath/Training/closed-while-running", test_training_closed_while_running);
  g_test_add_func ("/Sheath/Training/cancel-asks", test_training_cancel_asks);

  return g_test_run ();
}
