/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The app under Xvfb, driven through its window as a user's clicks would:
 * open a real image, segment it, cancel a run, open a damaged file. */

#include "config.h"

#include <glib/gstdio.h>

#include <string.h>

#include "sheath-morphometrics-panel.h"
#include "sheath-plot.h"
#include "sheath-recent-list.h"
#include "sheath-viewer.h"
#include "sheath-window.h"
#include "gui-test-app.h"
#include "gui-test-util.h"
#include "../../src/libsheath/tests/test-util.h"

static gboolean has_image (gpointer w) { return sheath_window_get_image (w) != NULL; }
static gboolean has_segmentation (gpointer w) { return sheath_window_get_segmentation (w) != NULL; }
static gboolean has_morphometrics (gpointer w) { return sheath_window_get_morphometrics (w) != NULL; }
static gboolean is_idle (gpointer page) { return !sheath_document_get_busy (sheath_page_get_document (page)); }

static void
test_app_open_and_segment (void)
{
  g_autofree char *path = test_require_shared ("datasets/sem-rat-spinal-cord/sub-rat4/micr/sub-rat4_sample-data12_SEM.png");
  g_autofree char *model_path = test_golden_path ("unet-golden.safetensors");
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) model = NULL;
  g_autoptr(GError) error = NULL;
  SheathWindow *window;
  GtkWidget *viewer;

  if (path == NULL)
    return;

  window = gui_new_window ();
  file = g_file_new_for_path (path);
  model = g_file_new_for_path (model_path);
  sheath_window_open (window, file);
  g_assert_true (gui_wait_until (has_image, window, 20000));
  g_assert_cmpuint (sheath_image_get_width (sheath_window_get_image (window)), ==, 822);

  viewer = gui_find_descendant (GTK_WIDGET (window), SHEATH_TYPE_VIEWER);
  g_assert_nonnull (viewer);
  g_assert_true (sheath_viewer_get_image (SHEATH_VIEWER (viewer)) == sheath_window_get_image (window));

  g_assert_true (sheath_window_set_model_file (window, model, &error));
  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.segment", NULL);
  g_assert_true (gui_wait_until (has_segmentation, window, 120000));
  /* the overlay has the segmentation, and drew tiles of it */
  g_assert_true (sheath_viewer_get_segmentation (SHEATH_VIEWER (viewer)) == sheath_window_get_segmentation (window));
  g_assert_cmpuint (sheath_segmentation_count (sheath_window_get_segmentation (window), SHEATH_LABEL_AXON), >, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_app_cancel_keeps_masks (void)
{
  g_autofree char *path = test_require_shared ("samples/formats/gray8.png");
  g_autofree char *model_path = test_golden_path ("unet-golden.safetensors");
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) model = NULL;
  SheathWindow *window;
  SheathPage *page;
  SheathSegmentation *first;

  if (path == NULL)
    return;

  window = gui_new_window ();
  file = g_file_new_for_path (path);
  model = g_file_new_for_path (model_path);
  page = sheath_window_open (window, file);
  g_assert_true (gui_wait_until (has_image, window, 20000));
  sheath_image_set_pixel_size (sheath_window_get_image (window), 0.1, NULL);
  g_assert_true (sheath_window_set_model_file (window, model, NULL));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.segment", NULL);
  g_assert_true (gui_wait_until (has_segmentation, window, 120000));
  first = sheath_window_get_segmentation (window);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.segment", NULL);
  g_assert_true (sheath_document_get_busy (sheath_page_get_document (page)));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel", NULL);
  /* the run ends (its callback has run), and the earlier masks are still shown */
  g_assert_true (gui_wait_until (is_idle, page, 20000));
  g_assert_true (sheath_window_get_segmentation (window) == first);

  gtk_window_destroy (GTK_WINDOW (window));
}


/* An image without a pixel size, segmented: the dialog asks with an empty
 * field (no guess), "µm" beside it; Enter sets it and the segmentation
 * starts; the size is remembered for the file in another window. */
static void
test_app_pixel_size_asked (void)
{
  g_autofree char *path = test_require_shared ("samples/formats/gray8.png");
  g_autofree char *model_path = test_golden_path ("unet-golden.safetensors");
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) model = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  SheathWindow *window;

  if (path == NULL)
    return;

  window = gui_new_window ();
  file = g_file_new_for_path (path);
  model = g_file_new_for_path (model_path);
  sheath_window_open (window, file);
  g_assert_true (gui_wait_until (has_image, window, 20000));
  g_assert_cmpfloat (sheath_image_get_pixel_size (sheath_window_get_image (window)), ==, 0);
  g_assert_true (sheath_window_set_model_file (window, model, NULL));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.segment", NULL);
  g_assert_true (gui_wait_until (gui_has_message_dialog, NULL, 5000));
  dialog = gui_find_message_dialog ();
  entry = gui_find_descendant (GTK_WIDGET (dialog), GTK_TYPE_ENTRY);
  g_assert_nonnull (entry);
  /* no guess offered, and nothing to confirm until a size is typed */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "set"));
  {
    /* "µm" beside the field */
    gboolean found_unit = FALSE;

    for (GtkWidget *c = gtk_widget_get_first_child (gtk_widget_get_parent (entry)); c; c = gtk_widget_get_next_sibling (c))
      if (GTK_IS_LABEL (c) && g_str_equal (gtk_label_get_text (GTK_LABEL (c)), "µm"))
        found_unit = TRUE;
    g_assert_true (found_unit);
  }
  gtk_editable_set_text (GTK_EDITABLE (entry), "abc");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "set"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "0,13");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "set"));
  /* Enter in the field confirms (GtkText's "activate" is what Enter emits) */
  g_signal_emit_by_name (gui_find_descendant (entry, GTK_TYPE_TEXT), "activate");
  g_assert_true (gui_wait_until (gui_no_message_dialog, NULL, 5000));
  g_assert_cmpfloat_with_epsilon (sheath_image_get_pixel_size (sheath_window_get_image (window)), 0.13, 1e-12);
  /* and the segmentation asked for goes on */
  g_assert_true (gui_wait_until (has_segmentation, window, 120000));
  gtk_window_destroy (GTK_WINDOW (window));

  /* the size typed is remembered for this file (no GLib critical either:
   * the tests run with G_DEBUG=fatal-criticals) */
  window = gui_new_window ();
  sheath_window_open (window, file);
  g_assert_true (gui_wait_until (has_image, window, 20000));
  g_assert_cmpfloat_with_epsilon (sheath_image_get_pixel_size (sheath_window_get_image (window)), 0.13, 1e-12);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The golden network dressed up as a shipped model of @modality at @pixel
 * size, written as DIR/NAME.safetensors (its header rewritten, the
 * tensors as they are). */
static void
write_stand_in_model (const char *dir,
                      const char *name,
                      const char *modality,
                      const char *pixel_size)
{
  g_autofree char *golden = test_golden_path ("unet-golden.safetensors");
  g_autofree char *contents = NULL;
  g_autofree char *base = g_strconcat (name, ".safetensors", NULL);
  g_autofree char *path = g_build_filename (dir, base, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) header = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint64 header_len = 0;
  gsize len;

  g_assert_true (g_file_get_contents (golden, &contents, &len, &error));
  for (guint i = 0; i < 8; i++)
    header_len |= (guint64) (guint8) contents[i] << (8 * i);
  header = g_string_new_len (contents + 8, header_len);
  {
    g_autofree char *new_modality = g_strdup_printf ("\"modality\":\"%s\"", modality);
    g_autofree char *new_size = g_strdup_printf ("\"pixel_size_um\":\"%s\"", pixel_size);

    g_assert_cmpuint (g_string_replace (header, "\"modality\":\"SEM\"", new_modality, 1), ==, 1);
    g_assert_cmpuint (g_string_replace (header, "\"pixel_size_um\":\"0.1\"", new_size, 1), ==, 1);
  }
  while (header->len % 8 != 0)
    g_string_append_c (header, ' ');
  for (guint i = 0; i < 8; i++)
    g_byte_array_append (out, (guint8[]) { (guint8) ((guint64) header->len >> (8 * i)) }, 1);
  g_byte_array_append (out, (guint8 *) header->str, header->len);
  g_byte_array_append (out, (guint8 *) contents + 8 + header_len, len - 8 - header_len);
  g_assert_true (g_file_set_contents (path, (const char *) out->data, out->len, &error));
}

static const char *
chosen_entry (SheathWindow *window)
{
  GtkDropDown *dropdown = GTK_DROP_DOWN (gui_find_descendant (GTK_WIDGET (window), GTK_TYPE_DROP_DOWN));

  return gtk_string_object_get_string (gtk_drop_down_get_selected_item (dropdown));
}

/* Each image has its own model: the picker marks which suit it and
 * chooses the best (the TEM model for a TEM image at 0.00493 µm, the SEM
 * one for an SEM image); a model picked by hand for one tab stays with
 * it; segmenting 20× off a model's scale is questioned first; and a
 * segmentation with no axons shows dashes, never "nan". */
static void
test_app_model_per_image (void)
{
  g_autofree char *tem = test_require_shared ("datasets/tem-mouse-corpus-callosum/sub-370/micr/sub-370_sample-0002_acq-roi_TEM.png");
  g_autofree char *sem = test_require_shared ("datasets/sem-rat-spinal-cord/sub-rat4/micr/sub-rat4_sample-data12_SEM.png");
  g_autofree char *models = test_make_temp_dir ();
  g_autoptr(GFile) tem_file = NULL, sem_file = NULL;
  SheathPage *tem_page, *sem_page;
  AdwTabView *tabs;
  SheathWindow *window;
  AdwMessageDialog *dialog;

  if (tem == NULL || sem == NULL)
    return;
  write_stand_in_model (models, "sem", "SEM", "0.1");
  write_stand_in_model (models, "tem", "TEM", "0.00986");
  g_setenv ("SHEATH_MODELS_DIR", models, TRUE);

  window = gui_new_window ();
  tabs = ADW_TAB_VIEW (gui_find_descendant (GTK_WIDGET (window), ADW_TYPE_TAB_VIEW));
  tem_file = g_file_new_for_path (tem);
  sem_file = g_file_new_for_path (sem);
  tem_page = sheath_window_open (window, tem_file);
  g_assert_true (gui_wait_until (has_image, window, 20000));
  g_assert_cmpstr (chosen_entry (window), ==, "TEM (shipped) · 0.00986 µm · suits this image");

  sem_page = sheath_window_open (window, sem_file);
  g_assert_true (gui_wait_until (has_image, window, 20000));
  g_assert_true (sheath_document_get_image (sheath_page_get_document (sem_page)) != NULL);
  g_assert_cmpstr (chosen_entry (window), ==, "SEM (shipped) · 0.1 µm · suits this image");

  /* the SEM model picked by hand for the TEM image stays with that tab */
  adw_tab_view_set_selected_page (tabs, adw_tab_view_get_page (tabs, GTK_WIDGET (tem_page)));
  g_assert_cmpstr (chosen_entry (window), ==, "TEM (shipped) · 0.00986 µm · suits this image");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (gui_find_descendant (GTK_WIDGET (window), GTK_TYPE_DROP_DOWN)), 0);
  g_assert_cmpstr (chosen_entry (window), ==, "SEM (shipped) · 0.1 µm · image 20× finer than it learnt");
  /* long entries do not widen the window past its 1200 pixels */
  for (guint i = 0; i < 100; i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 1200);
  adw_tab_view_set_selected_page (tabs, adw_tab_view_get_page (tabs, GTK_WIDGET (sem_page)));
  g_assert_cmpstr (chosen_entry (window), ==, "SEM (shipped) · 0.1 µm · suits this image");
  adw_tab_view_set_selected_page (tabs, adw_tab_view_get_page (tabs, GTK_WIDGET (tem_page)));
  g_assert_cmpstr (chosen_entry (window), ==, "SEM (shipped) · 0.1 µm · image 20× finer than it learnt");

  /* segmenting with it is questioned; Cancel segments nothing */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.segment", NULL);
  g_assert_true (gui_wait_until (gui_has_message_dialog, NULL, 5000));
  dialog = gui_find_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "The Model Does Not Suit This Image");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "20× finer"));
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (gui_wait_until (gui_no_message_dialog, NULL, 5000));
  g_assert_false (sheath_document_get_busy (sheath_page_get_document (tem_page)));
  g_assert_null (sheath_document_get_segmentation (sheath_page_get_document (tem_page)));

  /* masks without a single axon: the panel says so, without "nan" */
  {
    SheathImage *image = sheath_document_get_image (sheath_page_get_document (tem_page));
    g_autoptr(SheathSegmentation) empty = sheath_segmentation_new (sheath_image_get_width (image),
                                                                   sheath_image_get_height (image));
    g_autofree char *dir = test_make_temp_dir ();
    g_autofree char *axon = sheath_segmentation_dup_mask_path (dir, "empty", "axon");
    g_autoptr(GFile) axon_file = g_file_new_for_path (axon);
    g_autoptr(GError) error = NULL;

    g_assert_true (sheath_segmentation_save (empty, dir, "empty", &error));
    g_assert_true (sheath_window_load_masks (window, axon_file, &error));
    g_assert_no_error (error);
    g_assert_true (gui_wait_until (has_morphometrics, window, 20000));
    g_assert_true (gui_wait_for_text (GTK_WIDGET (window), "(no axons)", 5000));
    g_assert_false (gui_shows_text (GTK_WIDGET (window), "nan"));
    sheath_document_discard_edits (sheath_page_get_document (tem_page));
    test_remove_tree (dir);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_setenv ("SHEATH_MODELS_DIR", "", TRUE);
  test_remove_tree (models);
}

typedef struct
{
  SheathPage *page;
  gboolean        saw_rows;     /* masks shown while still segmenting */
  gboolean        saw_time_left;
} LongRun;

static gboolean
long_run_seen (gpointer data)
{
  LongRun *run = data;
  SheathViewer *viewer = sheath_page_get_viewer (run->page);

  if (!sheath_document_get_busy (sheath_page_get_document (run->page)))
    return TRUE;
  if (sheath_viewer_get_segmentation (viewer) != NULL &&
      sheath_segmentation_count (sheath_viewer_get_segmentation (viewer), SHEATH_LABEL_BACKGROUND) <
      (guint64) sheath_segmentation_get_width (sheath_viewer_get_segmentation (viewer)) *
      sheath_segmentation_get_height (sheath_viewer_get_segmentation (viewer)))
    run->saw_rows = TRUE;
  if (strstr (sheath_document_get_message (sheath_page_get_document (run->page)) ?: "", " left") != NULL)
    run->saw_time_left = TRUE;
  return run->saw_rows && run->saw_time_left && sheath_document_get_busy_seconds (sheath_page_get_document (run->page)) > 1.5;
}

/* A segmentation of some seconds (17 Mpx at the model's scale): its finished rows show
 * while the rest is segmented, the progress says the time left, Escape
 * after a while asks before stopping (and Keep keeps it going), and the
 * result is unsaved work: a bullet in the title, a question on closing. */
static void
test_app_long_run (void)
{
  g_autofree char *path = test_require_shared ("samples/formats/gray16.tif");
  g_autofree char *model_path = test_golden_path ("unet-golden.safetensors");
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) model = NULL;
  SheathWindow *window;
  AdwMessageDialog *dialog;
  LongRun run = { 0 };

  if (path == NULL)
    return;

  window = gui_new_window ();
  sheath_window_set_stop_asks_after (window, 1.0);
  file = g_file_new_for_path (path);
  model = g_file_new_for_path (model_path);
  run.page = sheath_window_open (window, file);
  g_assert_true (gui_wait_until (has_image, window, 20000));
  /* 4.5 × 4.5 times the pixels at the model's 0.1 µm: 17 Mpx to segment */
  g_assert_true (sheath_document_set_pixel_size (sheath_page_get_document (run.page), 0.45, NULL));
  g_assert_true (sheath_window_set_model_file (window, model, NULL));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.segment", NULL);
  /* 4.5× coarser than the model's pixels: asked first, and segmented anyway */
  g_assert_true (gui_wait_until (gui_has_message_dialog, NULL, 5000));
  dialog = gui_find_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "The Model Does Not Suit This Image");
  adw_message_dialog_response (dialog, "segment");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (sheath_document_get_busy (sheath_page_get_document (run.page)));
  g_assert_true (gui_wait_until (long_run_seen, &run, 300000));
  g_assert_true (run.saw_rows);
  g_assert_true (run.saw_time_left);
  g_assert_true (sheath_document_get_busy (sheath_page_get_document (run.page)));

  /* Escape asks; Keep Segmenting keeps it going */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.stop", NULL);
  g_assert_true (gui_wait_until (gui_has_message_dialog, NULL, 5000));
  dialog = gui_find_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Stop Segmenting?");
  adw_message_dialog_response (dialog, "keep");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (gui_wait_until (gui_no_message_dialog, NULL, 5000));
  g_assert_true (sheath_document_get_busy (sheath_page_get_document (run.page)));

  g_assert_true (gui_wait_until (has_segmentation, window, 600000));
  /* the result is unsaved: said in the title, asked about on closing */
  g_assert_true (sheath_document_get_modified (sheath_page_get_document (run.page)));
  g_assert_true (gui_shows_text (GTK_WIDGET (window), "• gray16.tif"));
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (gui_wait_until (gui_has_message_dialog, NULL, 5000));
  dialog = gui_find_message_dialog ();
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (gui_wait_until (gui_no_message_dialog, NULL, 5000));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  sheath_document_discard_edits (sheath_page_get_document (run.page));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean has_segmentation_doc (gpointer page) { return sheath_document_get_segmentation (sheath_page_get_document (page)) != NULL; }

/* An image whose masks were saved beside it offers them when it is opened
 * again, the three PNGs or one OME-TIFF map; the Load button of the
 * message loads them. */
static void
test_app_masks_beside_offered (void)
{
  g_autofree char *source = test_require_shared ("samples/formats/gray8.png");
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "field.png", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(SheathSegmentation) masks = sheath_segmentation_new (1154, 744);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  SheathPage *page;
  SheathWindow *window;
  GtkWidget *load;
  gsize len;

  if (source == NULL)
    return;
  g_assert_true (g_file_get_contents (source, &contents, &len, &error));
  g_assert_true (g_file_set_contents (path, contents, len, &error));
  for (guint y = 100; y < 140; y++)
    for (guint x = 200; x < 240; x++)
      sheath_segmentation_set_label (masks, x, y, SHEATH_LABEL_AXON);
  g_assert_true (sheath_segmentation_save (masks, dir, "field", &error));

  window = gui_new_window ();
  file = g_file_new_for_path (path);
  page = sheath_window_open (window, file);
  g_assert_true (gui_wait_until (has_image, window, 20000));
  g_assert_true (gui_wait_for_text (GTK_WIDGET (window), "masks beside it", 5000));
  g_assert_null (sheath_document_get_segmentation (sheath_page_get_document (page)));
  load = gui_find_button (GTK_WIDGET (window), "Load Them");
  g_assert_nonnull (load);
  g_signal_emit_by_name (load, "clicked");
  g_assert_true (gui_wait_until (has_segmentation_doc, page, 5000));
  g_assert_cmpuint (sheath_segmentation_count (sheath_document_get_segmentation (sheath_page_get_document (page)), SHEATH_LABEL_AXON), ==, 1600);
  gtk_window_destroy (GTK_WINDOW (window));

  /* a large image's labels, one OME-TIFF map, are offered and loaded too */
  for (guint y = 300; y < 320; y++)
    for (guint x = 500; x < 520; x++)
      sheath_segmentation_set_label (masks, x, y, SHEATH_LABEL_MYELIN);
  g_assert_true (sheath_segmentation_save_ome_tiff (masks, dir, "field", 0.1, &error));
  g_assert_no_error (error);
  {
    const char *kinds[] = { "axon", "myelin", "axonmyelin" };

    for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
      {
        g_autofree char *png = sheath_segmentation_dup_mask_path (dir, "field", kinds[i]);

        g_assert_cmpint (g_unlink (png), ==, 0);
      }
  }
  window = gui_new_window ();
  page = sheath_window_open (window, file);
  g_assert_true (gui_wait_until (has_image, window, 20000));
  g_assert_true (gui_wait_for_text (GTK_WIDGET (window), "masks beside it", 5000));
  load = gui_find_button (GTK_WIDGET (window), "Load Them");
  g_assert_nonnull (load);
  g_signal_emit_by_name (load, "clicked");
  g_assert_true (gui_wait_until (has_segmentation_doc, page, 5000));
  g_assert_cmpuint (sheath_segmentation_count (sheath_document_get_segmentation (sheath_page_get_document (page)), SHEATH_LABEL_AXON), ==, 1600);
  g_assert_cmpuint (sheath_segmentation_count (sheath_document_get_segmentation (sheath_page_get_document (page)), SHEATH_LABEL_MYELIN), ==, 400);

  gtk_window_destroy (GTK_WINDOW (window));
  test_remove_tree (dir);
}

/* The tallest bar of a histogram is drawn whole, below the top of the
 * frame, in the app and in the exported PNG. */
static void
test_app_plot_bars_whole (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *png = g_build_filename (dir, "histogram.png", NULL);
  SheathPlot *plot = g_object_ref_sink (g_object_new (SHEATH_TYPE_PLOT, NULL));
  double values[50];
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;
  const guint8 *data;
  int stride, column;

  /* 40 values in one bin, ten spread over others */
  for (guint i = 0; i < 50; i++)
    values[i] = i < 40 ? 1.0 : 0.2 * (i - 40);
  sheath_plot_set_histogram (plot, values, 50, "axon diameter (µm)");
  g_assert_true (sheath_plot_export (plot, png, 400, 300, &error));
  g_assert_no_error (error);

  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  /* the column of the tallest bar: the darkest at mid height */
  column = -1;
  for (int x = 60; x < 390 && column < 0; x++)
    {
      /* a coloured pixel (ARGB32 in memory: blue, green, red): the bar */
      const guint8 *p = data + (gsize) (300 - 44 - 10) * stride + x * 4;
      if (p[0] + p[1] + p[2] < 600 && p[0] != p[2])
        column = x + 3;
    }
  g_assert_cmpint (column, >, 0);
  for (int y = 14 + 1; y < 14 + 4; y++)
    {
      const guint8 *p = data + (gsize) y * stride + column * 4;
      /* white: nothing of the bar just under the frame's top */
      g_assert_cmpuint (p[0], ==, 255);
      g_assert_cmpuint (p[1], ==, 255);
      g_assert_cmpuint (p[2], ==, 255);
    }
  cairo_surface_destroy (surface);
  g_object_unref (plot);
  test_remove_tree (dir);
}

static void
test_app_damaged_file (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *bad = g_build_filename (dir, "damaged.tif", NULL);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  SheathWindow *window;

  g_file_set_contents (bad, "II*\0garbage", 11, &error);
  g_assert_no_error (error);
  window = gui_new_window ();
  file = g_file_new_for_path (bad);
  sheath_window_open (window, file);
  /* an error toast naming the file, no image, no crash */
  g_assert_true (gui_wait_for_text (GTK_WIDGET (window), "damaged.tif", 10000));
  g_assert_null (sheath_window_get_image (window));
  gtk_window_destroy (GTK_WINDOW (window));
  test_remove_tree (dir);
}

/* Manual masks loaded onto their image: the panel lists every axon, and
 * the table it exports is the one the command line writes. */
static void
test_app_morphometrics_match_cli (void)
{
  g_autofree char *image = test_require_shared ("datasets/sem-rat-spinal-cord/sub-rat4/micr/sub-rat4_sample-data12_SEM.png");
  g_autofree char *masks = test_require_shared ("datasets/sem-rat-spinal-cord/derivatives/labels/sub-rat4/micr/sub-rat4_sample-data12_SEM_seg-axon-manual.png");
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *app_csv = g_build_filename (dir, "app.csv", NULL);
  g_autofree char *cli_csv = g_build_filename (dir, "cli.csv", NULL);
  g_autofree char *a = NULL, *b = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) mask_file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) cli = NULL;
  SheathWindow *window;
  GtkWidget *panel;

  if (image == NULL || masks == NULL)
    return;

  window = gui_new_window ();
  file = g_file_new_for_path (image);
  mask_file = g_file_new_for_path (masks);
  sheath_window_open (window, file);
  g_assert_true (gui_wait_until (has_image, window, 20000));
  g_assert_true (sheath_window_load_masks (window, mask_file, &error));
  g_assert_no_error (error);
  g_assert_true (gui_wait_until (has_morphometrics, window, 60000));

  panel = gui_find_descendant (GTK_WIDGET (window), SHEATH_TYPE_MORPHOMETRICS_PANEL);
  g_assert_nonnull (panel);
  g_assert_cmpuint (sheath_morphometrics_panel_get_n_rows (SHEATH_MORPHOMETRICS_PANEL (panel)), ==,
                    sheath_morphometrics_get_n_axons (sheath_window_get_morphometrics (window)));
  g_assert_cmpuint (sheath_morphometrics_panel_get_n_rows (SHEATH_MORPHOMETRICS_PANEL (panel)), >, 500);

  g_assert_true (sheath_morphometrics_write_csv (sheath_window_get_morphometrics (window), app_csv, &error));
  cli = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, SHEATH_CLI_PATH, "morphometrics",
                          "--output-dir", dir, "--output", cli_csv, masks, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (cli, NULL, &error));
  g_assert_no_error (error);
  g_file_get_contents (app_csv, &a, NULL, &error);
  g_file_get_contents (cli_csv, &b, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a, ==, b);

  gtk_window_destroy (GTK_WINDOW (window));
  test_remove_tree (dir);
}

/* Two images open at once keep their own state. */
static void
test_app_two_images (void)
{
  g_autofree char *a = test_require_shared ("samples/formats/gray8.png");
  g_autofree char *b = test_require_shared ("datasets/sem-rat-spinal-cord/sub-rat3/micr/sub-rat3_sample-data9_SEM.png");
  g_autofree char *model_path = test_golden_path ("unet-golden.safetensors");
  g_autoptr(GFile) fa = NULL, fb = NULL, model = NULL;
  SheathWindow *window;

  if (a == NULL || b == NULL)
    return;

  window = gui_new_window ();
  fa = g_file_new_for_path (a);
  fb = g_file_new_for_path (b);
  model = g_file_new_for_path (model_path);
  g_assert_true (sheath_window_set_model_file (window, model, NULL));

  sheath_window_open (window, fb);
  g_assert_true (gui_wait_until (has_image, window, 20000));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.segment", NULL);
  g_assert_true (gui_wait_until (has_segmentation, window, 120000));

  /* the second image has nothing of the first's */
  sheath_window_open (window, fa);
  g_assert_cmpuint (sheath_window_get_n_documents (window), ==, 2);
  g_assert_true (gui_wait_until (has_image, window, 20000));
  g_assert_cmpuint (sheath_image_get_width (sheath_window_get_image (window)), ==, 1154);
  g_assert_null (sheath_window_get_segmentation (window));

  /* opening the first again shows it, with its segmentation */
  sheath_window_open (window, fb);
  g_assert_cmpuint (sheath_window_get_n_documents (window), ==, 2);
  g_assert_cmpuint (sheath_image_get_width (sheath_window_get_image (window)), ==, 764);
  g_assert_nonnull (sheath_window_get_segmentation (window));

  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkWidget *
find_recent_row (GtkWidget  *widget,
                 const char *title)
{
  if (ADW_IS_ACTION_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return gtk_widget_get_ancestor (widget, SHEATH_TYPE_RECENT_LIST) ? widget : NULL;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_recent_row (c, title);
      if (found)
        return found;
    }
  return NULL;
}

typedef struct { SheathWindow *window; const char *title; } RecentQuery;

static gboolean
recent_row_shown (gpointer data)
{
  RecentQuery *q = data;

  return find_recent_row (GTK_WIDGET (q->window), q->title) != NULL;
}

static void
test_app_recent_images (void)
{
  g_autofree char *path = test_require_shared ("samples/formats/gray8.png");
  g_autoptr(GFile) file = NULL;
  SheathWindow *first, *second;
  RecentQuery query;

  if (path == NULL)
    return;

  file = g_file_new_for_path (path);
  first = gui_new_window ();
  sheath_window_open (first, file);
  g_assert_true (gui_wait_until (has_image, first, 20000));

  /* a file a dialog saved (an exported plot) is recent for GTK, but was not
   * opened here: not offered */
  {
    g_autofree char *plot = g_build_filename (g_get_tmp_dir (), "exported-plot.png", NULL);
    g_autofree char *plot_uri = NULL;

    g_assert_true (g_file_set_contents (plot, "\x89PNG\r\n\x1a\n", 8, NULL));
    plot_uri = g_filename_to_uri (plot, NULL, NULL);
    gtk_recent_manager_add_item (gtk_recent_manager_get_default (), plot_uri);
  }

  /* a new window offers the image among its recent ones; one click opens it */
  second = gui_new_window ();
  query = (RecentQuery) { second, "gray8.png" };
  g_assert_true (gui_wait_until (recent_row_shown, &query, 10000));
  g_assert_null (find_recent_row (GTK_WIDGET (second), "exported-plot.png"));
  gtk_widget_activate (find_recent_row (GTK_WIDGET (second), "gray8.png"));
  g_assert_cmpuint (sheath_window_get_n_documents (second), ==, 1);
  g_assert_true (gui_wait_until (has_image, second, 20000));
  g_assert_cmpuint (sheath_image_get_width (sheath_window_get_image (second)), ==, 1154);

  gtk_window_destroy (GTK_WINDOW (second));
  gtk_window_destroy (GTK_WINDOW (first));
}

static gboolean
help_answered (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w))
        {
          *(GtkWindow **) data = GTK_WINDOW (w);
          return TRUE;
        }
    }
  return FALSE;
}

static void
test_app_help_without_viewer (void)
{
  g_autoptr(GAppInfo) viewer = g_app_info_get_default_for_uri_scheme ("help");
  SheathWindow *window;
  GtkWindow *dialog = NULL;

  /* meson runs this test alone a second time with no XDG data dirs, where
   * no help viewer is registered */
  if (viewer != NULL)
    {
      g_test_skip ("a help viewer is registered: F1 would open it");
      return;
    }

  /* F1 without a help viewer says what to install instead of doing nothing */
  window = gui_new_window ();
  g_action_group_activate_action (G_ACTION_GROUP (gtk_window_get_application (GTK_WINDOW (window))),
                                  "help", NULL);
  g_assert_true (gui_wait_until (help_answered, &dialog, 10000));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "No Help Viewer");
  gtk_window_destroy (dialog);
  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  SheathWindow *window;
  gboolean      preview_before_image;
} PreviewSeen;

static void
showing_preview_cb (SheathViewer *viewer,
                    GParamSpec   *pspec,
                    PreviewSeen  *seen)
{
  if (sheath_viewer_get_showing_preview (viewer) && sheath_window_get_image (seen->window) == NULL)
    seen->preview_before_image = TRUE;
}

/* A large image shows what is decoded of it before it is whole. */
static void
test_app_large_image_preview (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "large_seg-axonmyelin.png", NULL);
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (6000, 4500);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  PreviewSeen seen = { NULL, FALSE };
  GtkWidget *viewer;

  /* a 27-megapixel gray PNG: stripes of the three mask levels */
  for (guint y = 0; y < 4500; y++)
    for (guint x = 0; x < 6000; x += 3)
      sheath_segmentation_set_label (seg, x, y, (x / 600 + y / 450) % 3);
  g_assert_true (sheath_segmentation_save (seg, dir, "large", &error));
  g_assert_no_error (error);

  /* the preview is watched as it comes, not polled: on a busy machine the
   * whole image may be decoded between two looks */
  seen.window = gui_new_window ();
  file = g_file_new_for_path (path);
  sheath_window_open (seen.window, file);
  viewer = gui_find_descendant (GTK_WIDGET (seen.window), SHEATH_TYPE_VIEWER);
  g_assert_nonnull (viewer);
  g_assert_null (sheath_window_get_image (seen.window));
  g_signal_connect (viewer, "notify::showing-preview", G_CALLBACK (showing_preview_cb), &seen);
  g_assert_true (gui_wait_until (has_image, seen.window, 60000));
  g_assert_true (seen.preview_before_image);
  g_assert_false (sheath_viewer_get_showing_preview (SHEATH_VIEWER (viewer)));
  g_assert_cmpuint (sheath_image_get_width (sheath_window_get_image (seen.window)), ==, 6000);
  g_signal_handlers_disconnect_by_data (viewer, &seen);
  gtk_window_destroy (GTK_WINDOW (seen.window));
  test_remove_tree (dir);
}

/* The window's size and maximized state are kept in GSettings, as GNOME
 * apps keep them: a new window opens as the last one was left. */
static void
test_app_window_state_remembered (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  SheathWindow *window = gui_new_window ();
  SheathWindow *again;
  int width = 0, height = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 1010, 707);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1010);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 707);
  gtk_window_destroy (GTK_WINDOW (window));

  again = gui_new_window ();
  gtk_window_get_default_size (GTK_WINDOW (again), &width, &height);
  g_assert_cmpint (width, ==, 1010);
  g_assert_cmpint (height, ==, 707);
  gtk_window_destroy (GTK_WINDOW (again));
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("sheath-test-data-XXXXXX", NULL);

  /* recently-used.xbel goes here, not into the user's own list */
  g_assert_nonnull (data_home);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/Sheath/App/open-and-segment", test_app_open_and_segment);
  g_test_add_func ("/Sheath/App/cancel-keeps-masks", test_app_cancel_keeps_masks);
  g_test_add_func ("/Sheath/App/pixel-size-asked", test_app_pixel_size_asked);
  g_test_add_func ("/Sheath/App/model-per-image", test_app_model_per_image);
  g_test_add_func ("/Sheath/App/long-run", test_app_long_run);
  g_test_add_func ("/Sheath/App/masks-beside-offered", test_app_masks_beside_offered);
  g_test_add_func ("/Sheath/App/plot-bars-whole", test_app_plot_bars_whole);
  g_test_add_func ("/Sheath/App/damaged-file", test_app_damaged_file);
  g_test_add_func ("/Sheath/App/morphometrics-match-cli", test_app_morphometrics_match_cli);
  g_test_add_func ("/Sheath/App/two-images", test_app_two_images);
  g_test_add_func ("/Sheath/App/recent-images", test_app_recent_images);
  g_test_add_func ("/Sheath/App/large-image-preview", test_app_large_image_preview);
  g_test_add_func ("/Sheath/App/help-without-viewer", test_app_help_without_viewer);
  g_test_add_func ("/Sheath/App/window-state-remembered", test_app_window_state_remembered);

  return g_test_run ();
}
