/* SPDX-License-Identifier: GPL-3.0-or-later */

/* A slide in the app, under Xvfb: an image above the slide size opens in a
 * slide window, shown from tiles read in the background; it is segmented
 * into a label map beside it and measured band by band, and a map of the
 * measurements is shown with its legend. */

#include "config.h"

#include <glib/gstdio.h>

#include "sheath-recovery.h"
#include "sheath-slide-window.h"
#include "sheath-viewer.h"
#include "gui-test-app.h"
#include "gui-test-util.h"
#include "../../src/libsheath/tests/test-util.h"

static SheathSlideWindow *
find_slide_window (SheathWindow *window)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (window));

  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (SHEATH_IS_SLIDE_WINDOW (l->data))
      return l->data;
  return NULL;
}

/* an icon button, by what its tooltip says */
static GtkWidget *
find_by_tooltip (GtkWidget  *widget,
                 const char *tooltip)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_by_tooltip (c, tooltip);

      if (found)
        return found;
    }
  return NULL;
}

/* every tile in view drawn from its own level */
static gboolean
tiles_shown (gpointer data)
{
  SheathSlideWindow *slide = data;

  return sheath_slide_tiles_get_n_textures (sheath_slide_window_get_tiles (slide)) > 0 &&
         sheath_viewer_get_slide_tiles_missing (sheath_slide_window_get_viewer (slide)) == 0;
}

static gboolean
measured (gpointer data)
{
  return sheath_slide_window_get_aggregates (data) != NULL && !sheath_slide_window_get_busy (data);
}

/* A copy of a real SEM image in a folder of its own, where the results go,
 * opened with slides beginning at 0.1 Mpx. */
static SheathSlideWindow *
open_as_slide (const char    *source,
               char         **dir,
               SheathWindow **window)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.sheath.Sheath");
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;

  *dir = g_dir_make_tmp ("sheath-slide-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (*dir, "section.tif", NULL);
  g_assert_true (g_file_get_contents (source, &contents, &size, NULL));
  g_assert_true (g_file_set_contents (path, contents, (gssize) size, NULL));

  g_settings_set_double (settings, "slide-above-megapixels", 0.1);
  *window = gui_new_window ();
  file = g_file_new_for_path (path);
  g_assert_null (sheath_window_open (*window, file));
  g_settings_reset (settings, "slide-above-megapixels");
  return find_slide_window (*window);
}

/* Segment with the golden network at the sample's 0.13 µm, as a user
 * would: the pixel size typed in, the model picked, Segment pressed. */
static void
start_segmenting (SheathSlideWindow *slide)
{
  g_autofree char *model_path = test_golden_path ("unet-golden.safetensors");
  g_autoptr(GFile) model = g_file_new_for_path (model_path);
  g_autoptr(GError) error = NULL;

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (gui_find_descendant (GTK_WIDGET (slide), GTK_TYPE_SPIN_BUTTON)), 0.13);
  g_assert_true (sheath_slide_window_set_model_file (slide, model, &error));
  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (slide), "slide.segment", NULL);
  g_assert_true (sheath_slide_window_get_busy (slide));
}

static SheathDocument *
window_document (SheathWindow *window)
{
  SheathPage *page = SHEATH_PAGE (gui_find_descendant (GTK_WIDGET (window), SHEATH_TYPE_PAGE));

  return page ? sheath_page_get_document (page) : NULL;
}

static gboolean
document_measured (gpointer data)
{
  return sheath_document_get_morphometrics (data) != NULL && !sheath_document_get_measuring (data);
}

static gboolean
window_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static gboolean
part_recovery_written (gpointer data)
{
  g_autoptr(SheathRecovery) recovery = sheath_recovery_new_default ();

  return sheath_recovery_has (recovery, sheath_document_get_name_file (data));
}

static gboolean
table_written (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

static gboolean
document_saved (gpointer data)
{
  return !sheath_document_get_modified (data) && !sheath_document_get_saving (data);
}

/* a diagonal stroke of axon across the middle of a part */
static void
paint_stroke (SheathDocument *doc,
              guint           w,
              guint           h)
{
  SheathMaskEditor *editor = sheath_document_get_editor (doc);

  sheath_mask_editor_begin_stroke (editor);
  sheath_mask_editor_stroke_to (editor, w * 0.3, h * 0.3, w * 0.7, h * 0.7, 6, SHEATH_LABEL_AXON, SHEATH_BRUSH_PAINT);
  sheath_mask_editor_end_stroke (editor);
}

static void
test_slide_segment_and_measure (void)
{
  g_autofree char *source = test_require_shared ("samples/formats/gray16.tif");
  g_autofree char *dir = NULL, *map = NULL, *csv = NULL, *maps = NULL, *state = NULL;
  g_autoptr(GError) error = NULL;
  SheathWindow *window = NULL;
  SheathSlideWindow *slide;
  GtkWidget *dropdown, *legend_bar;

  if (source == NULL)
    return;
  slide = open_as_slide (source, &dir, &window);
  g_assert_nonnull (slide);
  g_assert_true (gui_wait_until (tiles_shown, slide, 20000));
  g_assert_cmpuint (sheath_slide_tiles_get_width (sheath_slide_window_get_tiles (slide)), ==, 1154);

  /* no sidecar beside the copy: the pixel size is typed in */
  start_segmenting (slide);
  g_assert_true (gui_wait_until (measured, slide, 180000));

  /* the label map, the tables and the maps beside the slide; no state left */
  map = g_build_filename (dir, "section_seg-axonmyelin.ome.tif", NULL);
  csv = g_build_filename (dir, "section_axon_morphometrics.csv", NULL);
  maps = g_build_filename (dir, "section_maps.tif", NULL);
  state = g_strconcat (map, ".resume", NULL);
  g_assert_true (g_file_test (map, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (csv, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (maps, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (state, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (sheath_slide_window_get_aggregates (slide)->n_axons, >, 0);
  /* labels are shown from the map at full resolution now */
  g_assert_true (sheath_slide_tiles_has_labels (sheath_slide_window_get_tiles (slide)));
  g_assert_cmpuint (sheath_slide_tiles_get_label_level (sheath_slide_window_get_tiles (slide)), ==, 0);

  /* a map over the slide, with its legend */
  dropdown = gui_find_descendant (GTK_WIDGET (slide), GTK_TYPE_DROP_DOWN);
  g_assert_true (gtk_widget_get_sensitive (dropdown));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 1 + SHEATH_MAP_GRATIO_AGGR);
  legend_bar = gui_find_descendant (GTK_WIDGET (slide), GTK_TYPE_DRAWING_AREA);
  g_assert_true (gtk_widget_is_visible (legend_bar));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 0);
  g_assert_false (gtk_widget_is_visible (legend_bar));

  /* a region traced, named and measured; saved beside the slide */
  {
    SheathViewer *viewer = sheath_slide_window_get_viewer (slide);
    g_autofree char *geojson = g_build_filename (dir, "section_regions.geojson", NULL);
    g_autofree char *regions_csv = g_build_filename (dir, "section_morphometrics_regions.csv", NULL);
    g_autofree char *contents = NULL;
    AdwMessageDialog *dialog = NULL;
    GtkWidget *delete;

    gtk_widget_activate_action (GTK_WIDGET (slide), "slide.draw-region", NULL);
    g_assert_true (sheath_viewer_get_editing (viewer));
    g_signal_emit_by_name (viewer, "edit-begin", 100.0, 100.0);
    for (guint i = 1; i <= 60; i++)
      {
        double t = 4.0 * i / 60;   /* around a 500 × 400 rectangle */
        double x = t < 1 ? 100 + 500 * t : t < 2 ? 600 : t < 3 ? 600 - 500 * (t - 2) : 100;
        double y = t < 1 ? 100 : t < 2 ? 100 + 400 * (t - 1) : t < 3 ? 500 : 500 - 400 * (t - 3);

        g_signal_emit_by_name (viewer, "edit-motion", x, y);
      }
    g_signal_emit_by_name (viewer, "edit-end", 100.0, 100.0);
    for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
      if (ADW_IS_MESSAGE_DIALOG (l->data))
        dialog = l->data;
    g_assert_nonnull (dialog);
    adw_message_dialog_response (dialog, "add");
    g_assert_true (gui_wait_for_text (GTK_WIDGET (slide), "axons ·", 20000));
    g_assert_true (gui_shows_text (GTK_WIDGET (slide), "Region 1"));
    g_assert_true (g_file_get_contents (geojson, &contents, NULL, NULL));
    g_assert_nonnull (strstr (contents, "\"Region 1\""));
    g_assert_true (g_file_test (regions_csv, G_FILE_TEST_EXISTS));
    g_clear_pointer (&contents, g_free);

    /* renamed */
    g_signal_emit_by_name (find_by_tooltip (GTK_WIDGET (slide), "Rename “Region 1”"), "clicked");
    dialog = gui_find_message_dialog_headed ("Rename the Region");
    g_assert_nonnull (dialog);
    gtk_editable_set_text (GTK_EDITABLE (gui_find_descendant (GTK_WIDGET (dialog), GTK_TYPE_TEXT)), "Dorsal column");
    adw_message_dialog_response (dialog, "rename");
    g_assert_true (gui_wait_for_text (GTK_WIDGET (slide), "axons ·", 20000));
    g_assert_true (gui_shows_text (GTK_WIDGET (slide), "Dorsal column"));
    g_assert_true (g_file_get_contents (geojson, &contents, NULL, NULL));
    g_assert_nonnull (strstr (contents, "\"Dorsal column\""));
    g_clear_pointer (&contents, g_free);

    /* and deleted */
    delete = find_by_tooltip (GTK_WIDGET (slide), "Delete “Dorsal column”");
    g_assert_nonnull (delete);
    g_signal_emit_by_name (delete, "clicked");
    g_assert_false (gui_shows_text (GTK_WIDGET (slide), "Dorsal column"));
    g_assert_true (g_file_get_contents (geojson, &contents, NULL, NULL));
    g_assert_null (strstr (contents, "Dorsal column"));
  }

  /* the masks of the part in view corrected in the editor and saved back
   * into the slide's label map, which is shown and measured again */
  {
    g_autoptr(GFile) map_file = g_file_new_for_path (map);
    g_autoptr(SheathSegmentation) part = NULL;
    g_autoptr(GBytes) edited = NULL, saved = NULL;
    SheathDocument *doc;
    guint64 x, y;
    guint w, h, axons_before;

    g_signal_emit_by_name (gui_find_button (GTK_WIDGET (slide), "Edit Masks"), "clicked");
    g_assert_cmpuint (sheath_window_get_n_documents (window), ==, 1);
    doc = window_document (window);
    g_assert_true (gui_wait_until (document_measured, doc, 60000));
    g_assert_true (sheath_document_get_area (doc, &x, &y, &w, &h));
    g_assert_true (w > 0 && w <= 4096 && h > 0 && h <= 4096);
    g_assert_true (gui_shows_text (GTK_WIDGET (window), "section_area-"));

    /* a stroke of axon, undone, then one kept */
    axons_before = (guint) sheath_segmentation_count (sheath_document_get_segmentation (doc), SHEATH_LABEL_AXON);
    paint_stroke (doc, w, h);
    g_assert_true (sheath_mask_editor_undo (sheath_document_get_editor (doc)));
    g_assert_cmpuint (sheath_segmentation_count (sheath_document_get_segmentation (doc), SHEATH_LABEL_AXON), ==,
                      axons_before);
    paint_stroke (doc, w, h);
    g_assert_true (sheath_document_get_modified (doc));
    g_assert_cmpint (g_unlink (csv), ==, 0);   /* written again when measured again */
    gtk_widget_activate_action (GTK_WIDGET (window), "win.save-masks", NULL);
    g_assert_true (gui_wait_until (document_saved, doc, 60000));
    g_assert_true (gui_wait_until (table_written, csv, 120000));
    g_assert_true (gui_wait_until (measured, slide, 120000));

    /* the map holds the edited part */
    part = sheath_segmentation_new_from_map_area (map_file, x, y, w, h, &error);
    g_assert_no_error (error);
    edited = sheath_segmentation_dup_labels (sheath_document_get_segmentation (doc));
    saved = sheath_segmentation_dup_labels (part);
    g_assert_true (g_bytes_equal (edited, saved));

    /* unsaved edits of the part are kept safe, and offered back at the
     * next start: the slide and the part open, the edits restored */
    {
      g_autoptr(SheathRecovery) recovery = sheath_recovery_new_default ();
      g_autoptr(GBytes) unsaved = NULL, restored = NULL;
      SheathWindow *next;
      SheathDocument *again;
      AdwMessageDialog *dialog = NULL;

      paint_stroke (doc, w / 2, h / 2);
      unsaved = sheath_segmentation_dup_labels (sheath_document_get_segmentation (doc));
      g_assert_true (gui_wait_until (part_recovery_written, doc, 20000));
      next = gui_new_window ();
      g_assert_true (sheath_window_offer_recovery (next));
      dialog = gui_find_message_dialog_headed ("Restore Unsaved Edits?");
      g_assert_nonnull (dialog);
      adw_message_dialog_response (dialog, "restore");
      g_assert_cmpuint (sheath_window_get_n_documents (next), ==, 1);
      again = window_document (next);
      g_assert_true (g_file_equal (sheath_document_get_name_file (again), sheath_document_get_name_file (doc)));
      g_assert_true (gui_wait_until (document_measured, again, 60000));
      g_assert_true (sheath_document_get_modified (again));
      restored = sheath_segmentation_dup_labels (sheath_document_get_segmentation (again));
      g_assert_true (g_bytes_equal (unsaved, restored));
      sheath_document_discard_edits (again);
      sheath_document_discard_edits (doc);
      g_assert_false (sheath_recovery_has (recovery, sheath_document_get_name_file (doc)));
      gtk_window_destroy (GTK_WINDOW (next));
    }

    /* closing the window with the part edited asks; Save writes the part
     * into the map in the background, and the window closes after */
    {
      g_autoptr(SheathSegmentation) closed_part = NULL;
      g_autoptr(GBytes) last_edit = NULL, in_map = NULL;
      AdwMessageDialog *dialog = NULL;

      paint_stroke (doc, w / 3, h / 3);
      last_edit = sheath_segmentation_dup_labels (sheath_document_get_segmentation (doc));
      g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
      gtk_window_close (GTK_WINDOW (window));
      dialog = gui_find_message_dialog_headed ("Save the Edited Masks?");
      g_assert_nonnull (dialog);
      adw_message_dialog_response (dialog, "save");
      g_assert_true (gui_wait_until (window_gone, &window, 60000));
      closed_part = sheath_segmentation_new_from_map_area (map_file, x, y, w, h, &error);
      g_assert_no_error (error);
      in_map = sheath_segmentation_dup_labels (closed_part);
      g_assert_true (g_bytes_equal (last_edit, in_map));
    }
  }

  g_assert_true (gui_wait_until (measured, slide, 120000));
  gtk_window_destroy (GTK_WINDOW (slide));
  test_remove_tree (dir);
}

/* A damaged label map beside the slide is said to be unused, and left. */
static void
test_slide_damaged_label_map (void)
{
  g_autofree char *source = test_require_shared ("samples/formats/gray8.tif");
  g_autofree char *dir = NULL, *map = NULL, *copy = NULL, *after = NULL;
  g_autoptr(GError) error = NULL;
  SheathWindow *window = NULL;
  SheathSlideWindow *slide;
  gsize size;

  if (source == NULL)
    return;
  /* the map is there before the slide is opened */
  dir = g_dir_make_tmp ("sheath-slide-XXXXXX", &error);
  g_assert_no_error (error);
  map = g_build_filename (dir, "section_seg-axonmyelin.ome.tif", NULL);
  g_assert_true (g_file_set_contents (map, "II*\0garbage", 11, NULL));
  {
    g_autofree char *path = g_build_filename (dir, "section.tif", NULL);
    g_autofree char *contents = NULL;
    g_autoptr(GSettings) settings = g_settings_new ("io.github.sheath.Sheath");
    g_autoptr(GFile) file = g_file_new_for_path (path);

    g_assert_true (g_file_get_contents (source, &contents, &size, NULL));
    g_assert_true (g_file_set_contents (path, contents, (gssize) size, NULL));
    g_settings_set_double (settings, "slide-above-megapixels", 0.1);
    window = gui_new_window ();
    g_assert_null (sheath_window_open (window, file));
    g_settings_reset (settings, "slide-above-megapixels");
  }
  slide = find_slide_window (window);
  g_assert_nonnull (slide);
  g_assert_true (gui_wait_for_text (GTK_WIDGET (slide), "is not used", 5000));
  g_assert_false (sheath_slide_tiles_has_labels (sheath_slide_window_get_tiles (slide)));
  g_assert_true (g_file_get_contents (map, &after, &size, NULL));
  g_assert_cmpuint (size, ==, 11);

  gtk_window_destroy (GTK_WINDOW (slide));
  gtk_window_destroy (GTK_WINDOW (window));
  test_remove_tree (dir);
}

static gboolean
nothing_left (gpointer data)
{
  return *(SheathSlideWindow **) data == NULL;
}

/* A slide window closed while its slide is segmented stops the run, keeps
 * its state for later, and lets nothing arrive at widgets that are gone. */
static void
test_slide_close_while_segmenting (void)
{
  g_autofree char *source = test_require_shared ("samples/formats/gray8.tif");
  g_autofree char *dir = NULL;
  SheathWindow *window = NULL;
  SheathSlideWindow *slide;

  if (source == NULL)
    return;
  slide = open_as_slide (source, &dir, &window);
  g_assert_nonnull (slide);
  start_segmenting (slide);
  g_object_add_weak_pointer (G_OBJECT (slide), (gpointer *) &slide);
  gtk_window_close (GTK_WINDOW (slide));
  /* the run ends, its callback drops the last reference */
  g_assert_true (gui_wait_until (nothing_left, &slide, 30000));
  gtk_window_destroy (GTK_WINDOW (window));
  test_remove_tree (dir);
}

/* A stopped run's state that cannot be taken up (damaged here; another
 * model's alike) does not stop Segment: it says so and starts from the top. */
static void
test_slide_unusable_state (void)
{
  g_autofree char *source = test_require_shared ("samples/formats/gray8.tif");
  g_autofree char *dir = NULL, *state = NULL, *map = NULL;
  SheathWindow *window = NULL;
  SheathSlideWindow *slide;

  if (source == NULL)
    return;
  slide = open_as_slide (source, &dir, &window);
  g_assert_nonnull (slide);
  state = g_build_filename (dir, "section_seg-axonmyelin.ome.tif.resume", NULL);
  map = g_build_filename (dir, "section_seg-axonmyelin.ome.tif", NULL);
  g_assert_true (g_file_set_contents (state, "not a state", -1, NULL));
  start_segmenting (slide);
  g_assert_true (gui_wait_for_text (GTK_WIDGET (slide), "segmenting from the top", 30000));
  g_assert_true (gui_wait_until (measured, slide, 180000));
  g_assert_true (g_file_test (map, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (state, G_FILE_TEST_EXISTS));
  gtk_window_destroy (GTK_WINDOW (slide));
  gtk_window_destroy (GTK_WINDOW (window));
  test_remove_tree (dir);
}

/* A slide-scanner file opens from its levels, and a PNG, decoded from its
 * top only, is never opened as a slide. */
static void
test_slide_ndpi_and_png (void)
{
  g_autofree char *ndpi = test_require_shared ("samples/formats/ndpi/hamamatsu-tritc.ndpi");
  g_autofree char *png = test_require_shared ("samples/formats/gray8.png");
  g_autoptr(GSettings) settings = g_settings_new ("io.github.sheath.Sheath");
  g_autoptr(GFile) ndpi_file = NULL, png_file = NULL;
  SheathWindow *window;
  SheathSlideWindow *slide;

  if (ndpi == NULL || png == NULL)
    return;
  g_settings_set_double (settings, "slide-above-megapixels", 0.1);
  window = gui_new_window ();
  ndpi_file = g_file_new_for_path (ndpi);
  g_assert_null (sheath_window_open (window, ndpi_file));
  slide = find_slide_window (window);
  g_assert_nonnull (slide);
  g_assert_true (gui_wait_until (tiles_shown, slide, 20000));
  g_assert_cmpuint (sheath_slide_tiles_get_height (sheath_slide_window_get_tiles (slide)), ==, 4864);
  g_assert_true (gui_shows_text (GTK_WIDGET (slide), "7 levels"));

  png_file = g_file_new_for_path (png);
  g_assert_nonnull (sheath_window_open (window, png_file));
  g_settings_reset (settings, "slide-above-megapixels");

  gtk_window_destroy (GTK_WINDOW (slide));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("sheath-test-data-XXXXXX", NULL);
  g_autofree char *state_home = g_dir_make_tmp ("sheath-test-state-XXXXXX", NULL);
  int status;

  /* recently-used.xbel and recovery files go here, not into the user's */
  g_assert_nonnull (data_home);
  g_assert_nonnull (state_home);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_STATE_HOME", state_home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/Sheath/Slide/segment-and-measure", test_slide_segment_and_measure);
  g_test_add_func ("/Sheath/Slide/damaged-label-map", test_slide_damaged_label_map);
  g_test_add_func ("/Sheath/Slide/ndpi-and-png", test_slide_ndpi_and_png);
  g_test_add_func ("/Sheath/Slide/close-while-segmenting", test_slide_close_while_segmenting);
  g_test_add_func ("/Sheath/Slide/unusable-state", test_slide_unusable_state);
  status = g_test_run ();
  test_remove_tree (state_home);
  test_remove_tree (data_home);
  return status;
}
