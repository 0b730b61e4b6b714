/* SPDX-License-Identifier: GPL-3.0-or-later */

/* SheathDocument without GTK: this program links the app's document and
 * recovery code with libsheath and GIO only, so what a tab holds — the
 * image, its masks and measurements, edits, the recovery file, a
 * segmentation in flight — is tested apart from any widget. */

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sheath.h>

#include "sheath-document.h"
#include "sheath-recovery.h"
#include "sheath-study-run.h"
#include "sheath-training-run.h"
#include "../src/libsheath/tests/test-util.h"

#define SIDE 96

typedef struct
{
  char           *dir;
  GFile          *image;
  GFile          *axon_mask;
  SheathDocument *doc;
  guint           measured;
  guint           remeasured;
  guint           selection_changed;
  guint           labels_changed;
  char           *failed;
} Fixture;

static gboolean
wait_until (gboolean (*done) (Fixture *), Fixture *f, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!done (f))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

static gboolean has_image (Fixture *f) { return sheath_document_get_image (f->doc) != NULL; }
static gboolean has_measured (Fixture *f) { return f->measured > 0 && !sheath_document_get_measuring (f->doc); }
static gboolean has_failed (Fixture *f) { return f->failed != NULL; }
static gboolean is_idle (Fixture *f) { return !sheath_document_get_busy (f->doc); }

/* Three fibres: an axon disk inside a myelin ring each. */
static SheathSegmentation *
make_fibres (void)
{
  SheathSegmentation *seg = sheath_segmentation_new (SIDE, SIDE);
  const int centres[3][2] = { { 20, 20 }, { 60, 30 }, { 40, 70 } };

  for (guint c = 0; c < 3; c++)
    for (int y = 0; y < SIDE; y++)
      for (int x = 0; x < SIDE; x++)
        {
          double r = hypot (x - centres[c][0], y - centres[c][1]);

          if (r <= 5)
            sheath_segmentation_set_label (seg, x, y, SHEATH_LABEL_AXON);
          else if (r <= 9)
            sheath_segmentation_set_label (seg, x, y, SHEATH_LABEL_MYELIN);
        }
  return seg;
}

static void measured_cb (SheathDocument *doc, Fixture *f) { f->measured++; }
static void remeasured_cb (SheathDocument *doc, GArray *ids, Fixture *f) { f->remeasured++; }
static void selection_cb (SheathDocument *doc, Fixture *f) { f->selection_changed++; }
static void failed_cb (SheathDocument *doc, const char *text, Fixture *f) { g_free (f->failed); f->failed = g_strdup (text); }

static void
labels_cb (SheathDocument *doc,
           int x, int y, int w, int h,
           Fixture        *f)
{
  f->labels_changed++;
}

/* A measurement or decoding still in flight keeps a document alive after
 * its test: it must not call back into a fixture that is gone. */
static void
close_document (Fixture *f)
{
  if (f->doc != NULL)
    g_signal_handlers_disconnect_by_data (f->doc, f);
  g_clear_object (&f->doc);
}

static void
open_document (Fixture *f,
               GFile   *image)
{
  f->doc = sheath_document_new (image, NULL);
  g_signal_connect (f->doc, "measured", G_CALLBACK (measured_cb), f);
  g_signal_connect (f->doc, "axons-remeasured", G_CALLBACK (remeasured_cb), f);
  g_signal_connect (f->doc, "selection-changed", G_CALLBACK (selection_cb), f);
  g_signal_connect (f->doc, "labels-changed", G_CALLBACK (labels_cb), f);
  g_signal_connect (f->doc, "failed", G_CALLBACK (failed_cb), f);
}

/* An image (the fibres drawn in gray) and its masks beside it, as
 * IMG_seg-axon.png and IMG_seg-myelin.png. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(SheathSegmentation) seg = make_fibres ();
  g_autoptr(GError) error = NULL;
  g_autofree char *drawn = NULL, *image = NULL, *axon = NULL;

  f->dir = g_dir_make_tmp ("sheath-document-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_true (sheath_segmentation_save (seg, f->dir, "img", &error));
  g_assert_no_error (error);
  drawn = sheath_segmentation_dup_mask_path (f->dir, "img", "axonmyelin");
  image = g_build_filename (f->dir, "img.png", NULL);
  g_assert_cmpint (g_rename (drawn, image), ==, 0);
  axon = sheath_segmentation_dup_mask_path (f->dir, "img", "axon");
  f->image = g_file_new_for_path (image);
  f->axon_mask = g_file_new_for_path (axon);

  open_document (f, f->image);
  g_assert_true (wait_until (has_image, f, 10000));
  g_assert_true (sheath_document_set_pixel_size (f->doc, 0.1, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GFileEnumerator) files = NULL;
  GFileInfo *info;

  close_document (f);
  files = g_file_enumerate_children (g_file_get_parent (f->image), G_FILE_ATTRIBUTE_STANDARD_NAME, 0, NULL, NULL);
  while (files != NULL && (info = g_file_enumerator_next_file (files, NULL, NULL)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, g_file_info_get_name (info), NULL);
      g_remove (path);
      g_object_unref (info);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->failed);
  g_clear_object (&f->image);
  g_clear_object (&f->axon_mask);
}

static void
load_masks (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sheath_document_load_masks (f->doc, f->axon_mask, &error));
  g_assert_no_error (error);
  g_assert_true (wait_until (has_measured, f, 20000));
}

static void
test_load_and_measure (Fixture       *f,
                       gconstpointer  data)
{
  g_assert_cmpuint (sheath_image_get_width (sheath_document_get_image (f->doc)), ==, SIDE);
  g_assert_null (sheath_document_get_segmentation (f->doc));
  g_assert_false (sheath_document_get_busy (f->doc));

  load_masks (f);
  g_assert_nonnull (sheath_document_get_segmentation (f->doc));
  g_assert_nonnull (sheath_document_get_editor (f->doc));
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (sheath_document_get_morphometrics (f->doc)), ==, 3);
  g_assert_nonnull (sheath_document_get_aggregates (f->doc));
  /* loaded masks are what is on disk: nothing unsaved */
  g_assert_false (sheath_document_get_modified (f->doc));

  /* a new pixel size measures again */
  f->measured = 0;
  g_assert_true (sheath_document_set_pixel_size (f->doc, 0.2, NULL));
  g_assert_true (wait_until (has_measured, f, 20000));
  g_assert_cmpfloat (sheath_morphometrics_get_pixel_size (sheath_document_get_morphometrics (f->doc)), ==, 0.2);
}

static void
test_select_delete_merge (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const guint first = 1, both[] = { 1, 2 };
  guint n = 99, deleted = 0;

  load_masks (f);
  g_assert_true (sheath_document_can_edit_axons (f->doc));

  f->selection_changed = 0;
  sheath_document_select_axons (f->doc, &first, 1);
  g_assert_cmpuint (f->selection_changed, ==, 1);
  sheath_document_get_selection (f->doc, &n);
  g_assert_cmpuint (n, ==, 1);

  /* merging needs two */
  g_assert_false (sheath_document_merge_selected (f->doc, &error));
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_true (sheath_document_delete_selected (f->doc, &deleted, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (deleted, ==, 1);
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (sheath_document_get_morphometrics (f->doc)), ==, 2);
  g_assert_cmpuint (f->remeasured, >=, 1);
  g_assert_cmpuint (f->labels_changed, >=, 1);
  /* the edit is unsaved, and nothing stays selected (ids moved) */
  g_assert_true (sheath_document_get_modified (f->doc));
  sheath_document_get_selection (f->doc, &n);
  g_assert_cmpuint (n, ==, 0);

  /* two fibres apart merge into one axon */
  sheath_document_select_axons (f->doc, both, 2);
  g_assert_true (sheath_document_merge_selected (f->doc, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (sheath_document_get_morphometrics (f->doc)), ==, 1);

  sheath_document_discard_edits (f->doc);
  g_assert_false (sheath_document_get_modified (f->doc));
}

static gboolean
recovery_written (Fixture *f)
{
  g_autoptr(SheathRecovery) recovery = sheath_recovery_new_default ();

  return sheath_recovery_has (recovery, f->image);
}

static gboolean recovery_gone (Fixture *f) { return !recovery_written (f); }

static void
test_edits_kept_safe (Fixture       *f,
                      gconstpointer  data)
{
  SheathMaskEditor *editor;
  g_autoptr(SheathDocument) reopened = NULL;
  guint64 axon_before;

  load_masks (f);
  editor = sheath_document_get_editor (f->doc);
  axon_before = sheath_segmentation_count (sheath_document_get_segmentation (f->doc), SHEATH_LABEL_AXON);

  /* a stroke of axon across the empty corner: unsaved, measured when asked */
  sheath_mask_editor_begin_stroke (editor);
  sheath_mask_editor_stroke_to (editor, 80, 80, 90, 90, 4, SHEATH_LABEL_AXON, SHEATH_BRUSH_PAINT);
  sheath_mask_editor_end_stroke (editor);
  g_assert_true (sheath_document_get_modified (f->doc));
  g_assert_cmpuint (sheath_segmentation_count (sheath_document_get_segmentation (f->doc), SHEATH_LABEL_AXON), >,
                    axon_before);
  sheath_document_flush_edits (f->doc);
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (sheath_document_get_morphometrics (f->doc)), ==, 4);

  /* the recovery file follows within seconds, and a new document of the
   * same image restores it as unsaved edits */
  g_assert_true (wait_until (recovery_written, f, 10000));
  close_document (f);
  open_document (f, f->image);
  sheath_document_restore_edits (f->doc);   /* before the image is in: once it is */
  g_assert_true (wait_until (has_image, f, 10000));
  g_assert_nonnull (sheath_document_get_segmentation (f->doc));
  g_assert_true (sheath_document_get_modified (f->doc));
  g_assert_cmpuint (sheath_segmentation_count (sheath_document_get_segmentation (f->doc), SHEATH_LABEL_AXON), >,
                    axon_before);

  /* thrown away: the recovery file goes */
  sheath_document_discard_edits (f->doc);
  g_assert_false (sheath_document_get_modified (f->doc));
  g_assert_true (wait_until (recovery_gone, f, 10000));
}


static void
saved_into_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      data)
{
  GError **error = data;

  if (!sheath_document_save_into_map_finish (SHEATH_DOCUMENT (object), result, error) && *error == NULL)
    g_assert_not_reached ();
  g_object_set_data (object, "saved", GINT_TO_POINTER (1));
}

static gboolean
has_saved (Fixture *f)
{
  return g_object_get_data (G_OBJECT (f->doc), "saved") != NULL;
}

static gboolean
area_recovery_written (Fixture *f)
{
  g_autoptr(SheathRecovery) recovery = sheath_recovery_new_default ();

  return sheath_recovery_has (recovery, sheath_document_get_name_file (f->doc));
}

static void
save_into_map (Fixture  *f,
               GError  **error)
{
  g_object_set_data (G_OBJECT (f->doc), "saved", NULL);
  sheath_document_save_into_map_async (f->doc, NULL, saved_into_cb, error);
  g_assert_true (sheath_document_get_saving (f->doc));
  g_assert_true (wait_until (has_saved, f, 20000));
  g_assert_false (sheath_document_get_saving (f->doc));
}

/* A part of a slide opened to correct its masks: pixels and labels of the
 * part only, edits kept safe under the part's own name, saved into the
 * slide's label map with the rest of the map as it was. */
static void
test_slide_area (Fixture       *f,
                 gconstpointer  data)
{
  const guint AX = 40, AY = 8, AW = 48, AH = 80;
  g_autoptr(SheathSegmentation) fibres = make_fibres ();
  g_autoptr(SheathSegmentation) expected = NULL, after = NULL;
  g_autofree char *map_path = g_build_filename (f->dir, "img_seg-axonmyelin.ome.tif", NULL);
  g_autoptr(GFile) map = g_file_new_for_path (map_path);
  g_autoptr(GFile) slide = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  SheathMaskEditor *editor;
  SheathSegmentation *seg;
  guint64 x = 0, y = 0;
  guint w = 0, h = 0;

  g_assert_true (sheath_segmentation_save_ome_tiff (fibres, f->dir, "img", 0.1, &error));
  g_assert_no_error (error);
  close_document (f);
  f->doc = sheath_document_new_for_map_area (f->image, map, AX, AY, AW, AH, 0.1, NULL);
  g_signal_connect (f->doc, "measured", G_CALLBACK (measured_cb), f);
  g_signal_connect (f->doc, "failed", G_CALLBACK (failed_cb), f);

  /* known by the part's name, which leads back to the slide and the part */
  name = g_file_get_basename (sheath_document_get_name_file (f->doc));
  g_assert_cmpstr (name, ==, "img_area-40-8-48x80.png");
  g_assert_true (sheath_document_parse_area_name (sheath_document_get_name_file (f->doc), &slide, &x, &y, &w, &h));
  g_assert_true (g_file_equal (slide, f->image));
  g_assert_true (x == AX && y == AY && w == AW && h == AH);
  g_assert_false (sheath_document_parse_area_name (f->image, &slide, &x, &y, &w, &h));

  /* the part's pixels, its pixel size, its labels, measured */
  g_assert_true (wait_until (has_measured, f, 20000));
  g_assert_null (f->failed);
  g_assert_cmpuint (sheath_image_get_width (sheath_document_get_image (f->doc)), ==, AW);
  g_assert_cmpuint (sheath_image_get_height (sheath_document_get_image (f->doc)), ==, AH);
  g_assert_cmpfloat (sheath_image_get_pixel_size (sheath_document_get_image (f->doc)), ==, 0.1);
  seg = sheath_document_get_segmentation (f->doc);
  for (guint r = 0; r < AH; r++)
    for (guint c = 0; c < AW; c++)
      g_assert_cmpuint (sheath_segmentation_get_label (seg, c, r), ==,
                        sheath_segmentation_get_label (fibres, AX + c, AY + r));
  g_assert_false (sheath_document_get_modified (f->doc));

  /* an edit: unsaved, kept safe under the part's name */
  editor = sheath_document_get_editor (f->doc);
  sheath_mask_editor_begin_stroke (editor);
  sheath_mask_editor_stroke_to (editor, 30, 60, 44, 76, 3, SHEATH_LABEL_AXON, SHEATH_BRUSH_PAINT);
  sheath_mask_editor_end_stroke (editor);
  g_assert_true (sheath_document_get_modified (f->doc));
  g_assert_true (wait_until (area_recovery_written, f, 10000));

  /* saved into the map: nothing unsaved, no recovery, the map is the
   * slide's labels with the part's edits */
  save_into_map (f, &error);
  g_assert_no_error (error);
  g_assert_false (sheath_document_get_modified (f->doc));
  g_assert_false (area_recovery_written (f));
  expected = sheath_segmentation_copy (fibres, NULL);
  for (guint r = 0; r < AH; r++)
    for (guint c = 0; c < AW; c++)
      sheath_segmentation_set_label (expected, AX + c, AY + r, sheath_segmentation_get_label (seg, c, r));
  after = sheath_segmentation_new_from_axonmyelin (map, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GBytes) want = sheath_segmentation_dup_labels (expected);
    g_autoptr(GBytes) got = sheath_segmentation_dup_labels (after);

    g_assert_true (g_bytes_equal (want, got));
  }

  /* a map that cannot be written: said, and the edits stay unsaved */
  sheath_mask_editor_begin_stroke (editor);
  sheath_mask_editor_stroke_to (editor, 2, 2, 6, 6, 2, SHEATH_LABEL_MYELIN, SHEATH_BRUSH_PAINT);
  sheath_mask_editor_end_stroke (editor);
  {
    g_autofree char *resume = g_strconcat (map_path, ".resume", NULL);

    g_assert_true (g_file_set_contents (resume, "state", -1, NULL));
    save_into_map (f, &error);
    g_assert_nonnull (error);
    g_clear_error (&error);
    g_assert_true (sheath_document_get_modified (f->doc));
    g_remove (resume);
  }
  sheath_document_discard_edits (f->doc);
}

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathSegmentation) small = sheath_segmentation_new (SIDE / 2, SIDE);
  g_autofree char *small_axon = NULL;
  g_autoptr(GFile) small_file = NULL;
  g_autoptr(GFile) missing = g_file_get_child (g_file_get_parent (f->image), "missing.png");

  /* masks of another size */
  g_assert_true (sheath_segmentation_save (small, f->dir, "small", &error));
  small_axon = sheath_segmentation_dup_mask_path (f->dir, "small", "axon");
  small_file = g_file_new_for_path (small_axon);
  g_assert_false (sheath_document_load_masks (f->doc, small_file, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* a file not named as an axon mask is */
  g_assert_false (sheath_document_load_masks (f->doc, f->image, &error));
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (sheath_document_get_segmentation (f->doc));

  /* nothing to save yet */
  g_assert_false (sheath_document_save_masks (f->doc, f->dir, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* an image that is not there says so */
  close_document (f);
  open_document (f, missing);
  g_assert_true (wait_until (has_failed, f, 10000));
  g_assert_nonnull (strstr (f->failed, "missing.png"));
}

static void
test_segment (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (SHEATH_TEST_GOLDEN_DIR, "unet-golden.safetensors", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(SheathModel) model = sheath_model_new_from_file (file, &error);
  g_autofree char *saved = NULL;

  g_assert_no_error (error);
  g_assert_true (sheath_document_set_pixel_size (f->doc, sheath_model_get_pixel_size (model), NULL));
  sheath_document_segment (f->doc, model);
  g_assert_true (sheath_document_get_busy (f->doc));
  /* the first segmentation shows its rows as they come */
  g_assert_nonnull (sheath_document_get_partial (f->doc));
  g_assert_true (wait_until (is_idle, f, 60000));
  g_assert_null (sheath_document_get_partial (f->doc));
  g_assert_nonnull (sheath_document_get_segmentation (f->doc));
  /* minutes of work that exist nowhere else: unsaved until saved */
  g_assert_true (sheath_document_get_modified (f->doc));
  g_assert_true (sheath_document_save_masks (f->doc, f->dir, &error));
  g_assert_no_error (error);
  g_assert_false (sheath_document_get_modified (f->doc));
  saved = sheath_segmentation_dup_mask_path (f->dir, "img", "myelin");
  g_assert_true (g_file_test (saved, G_FILE_TEST_IS_REGULAR));
}

static void
ran_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      data)
{
  gboolean *done = data;
  g_autoptr(GError) error = NULL;

  sheath_training_run_run_finish (SHEATH_TRAINING_RUN (object), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

/* The wizard's run without the wizard: notes and curve kept, paused runs
 * listed and opened again, names checked, files discarded. */
static void
test_training_run (void)
{
  g_autofree char *data = g_build_filename (SHEATH_TEST_SHARED_DIR, "datasets", "tem-mouse-corpus-callosum", NULL);
  g_autoptr(SheathTrainer) trainer = sheath_trainer_new ();
  g_autoptr(SheathTrainingRun) run = NULL, again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) curve = NULL;
  g_auto(GStrv) paused = NULL, held_out = NULL;
  g_autofree char *model = NULL;
  const char *images[] = { "a.png", "b.png", NULL }, *validation[] = { "sub-370", NULL };
  SheathTrainingEpoch e = { 1, 0.5, 0.8, 0.7 };
  gboolean done = FALSE;

  if (!g_file_test (data, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("shared test data missing (set SHEATH_SHARED_DIR)");
      return;
    }
  g_assert_false (sheath_training_run_check_name ("sem", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME);
  g_clear_error (&error);
  g_assert_false (sheath_training_run_check_name ("a/b", NULL));
  g_assert_true (sheath_training_run_check_name ("tiny", NULL));

  g_assert_true (sheath_trainer_add_dataset (trainer, data, &error));
  sheath_trainer_set_depth (trainer, 2);
  sheath_trainer_set_base_channels (trainer, 4);
  sheath_trainer_set_patch_size (trainer, 64);
  sheath_trainer_set_batch_size (trainer, 2);
  sheath_trainer_set_epochs (trainer, 1);
  sheath_trainer_set_validation_subjects (trainer, validation);
  run = sheath_training_run_new ("tiny", trainer, "scratch", images, validation, 0, &error);
  g_assert_no_error (error);
  sheath_training_run_run_async (run, ran_cb, &done);
  g_assert_true (sheath_training_run_get_running (run));
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (sheath_training_run_get_running (run));
  model = sheath_training_run_dup_model_path (run);
  g_assert_true (g_file_test (model, G_FILE_TEST_IS_REGULAR));

  /* the curve and the notes, as a later session reads them */
  sheath_training_run_add_epoch (run, &e);
  paused = sheath_training_run_list_paused ();
  g_assert_true (g_strv_contains ((const char * const *) paused, "tiny"));
  g_assert_false (sheath_training_run_check_name ("tiny", NULL));
  again = sheath_training_run_open_paused ("tiny", &error);
  g_assert_no_error (error);
  curve = sheath_training_run_dup_curve (again);
  g_assert_cmpuint (curve->len, ==, 1);
  g_assert_cmpfloat (g_array_index (curve, SheathTrainingEpoch, 0).dice_axon, ==, 0.8);
  held_out = sheath_training_run_dup_held_out (again);
  g_assert_cmpstr (held_out[0], ==, "sub-370");
  g_assert_cmpuint (sheath_trainer_get_depth (sheath_training_run_get_trainer (again)), ==, 2);

  sheath_training_run_discard (again);
  g_assert_false (g_file_test (model, G_FILE_TEST_EXISTS));
  g_clear_pointer (&paused, g_strfreev);
  paused = sheath_training_run_list_paused ();
  g_assert_false (g_strv_contains ((const char * const *) paused, "tiny"));
  g_assert_null (sheath_training_run_open_paused ("tiny", &error));
  g_assert_nonnull (error);
}


/* ---- a study, as the app runs it ------------------------------------------ */

static gboolean
run_idle (SheathStudyRun *run,
          guint           timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (sheath_study_run_get_busy (run))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, TRUE);
    }
  return TRUE;
}

/* the subject's cell of @column in the subjects' table */
static char *
subject_cell (SheathStudyRun *run,
              const char     *subject,
              const char     *column)
{
  GPtrArray *table = sheath_study_run_get_table (run, SHEATH_STUDY_TABLE_SUBJECTS);
  char **header;
  int c = -1;

  g_assert_nonnull (table);
  header = g_ptr_array_index (table, 0);
  for (int k = 0; header[k] != NULL; k++)
    if (g_str_equal (header[k], column))
      c = k;
  g_assert_cmpint (c, >=, 0);
  for (guint r = 1; r < table->len; r++)
    {
      char **row = g_ptr_array_index (table, r);
      if (g_str_equal (row[0], subject))
        return g_strdup (row[c]);
    }
  return NULL;
}

/* Open a dataset, segment all (stopped once), correct an image's masks:
 * its figures follow, and the correction outlives another model. */
static void
test_study_run (void)
{
  g_autofree char *model_path = g_build_filename (SHEATH_TEST_GOLDEN_DIR, "unet-golden.safetensors", NULL);
  g_autoptr(GFile) model_file = g_file_new_for_path (model_path);
  g_autoptr(SheathModel) model = sheath_model_new_from_file (model_file, NULL);
  g_autofree char *dir = g_dir_make_tmp ("sheath-study-run-XXXXXX", NULL);
  g_autofree char *dataset = g_build_filename (dir, "study", NULL);
  g_autoptr(SheathStudyRun) run = NULL, again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *axons_before = NULL, *axons_after = NULL, *masks = NULL, *axon_mask = NULL, *plot = NULL;
  const char *images[] = { "sub-a/micr/sub-a_sample-1_SEM", "sub-b/micr/sub-b_sample-1_SEM" };
  int index;

  g_assert_nonnull (model);
  test_make_study (dataset);

  /* nothing known before the model is; the results go to derivatives/ */
  run = sheath_study_run_open (dataset, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (sheath_study_run_get_root (run), "/study/derivatives/sheath"));
  g_assert_cmpint (sheath_study_run_get_state (run, 0), ==, SHEATH_STUDY_RUN_CHECKING);
  g_assert_false (sheath_study_run_segment_all (run, &error));
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  sheath_study_run_set_model (run, model, model_path);
  g_assert_true (run_idle (run, 30000));
  g_assert_cmpint (sheath_study_run_get_state (run, 0), ==, SHEATH_STUDY_RUN_TO_DO);
  g_assert_null (sheath_study_run_get_table (run, SHEATH_STUDY_TABLE_SUBJECTS));

  /* stopped at once: nothing half done, said so, and all still to do */
  g_assert_true (sheath_study_run_segment_all (run, &error));
  g_assert_no_error (error);
  g_assert_true (sheath_study_run_get_busy (run));
  sheath_study_run_cancel (run);
  g_assert_true (run_idle (run, 60000));
  g_assert_nonnull (strstr (sheath_study_run_get_message (run), "Stopped after 0 of 2"));
  g_assert_cmpint (sheath_study_run_get_state (run, 0), ==, SHEATH_STUDY_RUN_TO_DO);
  g_assert_cmpint (sheath_study_run_get_state (run, 1), ==, SHEATH_STUDY_RUN_TO_DO);

  /* then all of it, with a group: tables, statistics and plots */
  sheath_study_run_set_group_by (run, "group");
  g_assert_true (sheath_study_run_segment_all (run, &error));
  g_assert_true (run_idle (run, 120000));
  g_assert_null (sheath_study_run_get_message (run));
  g_assert_cmpint (sheath_study_run_get_state (run, 0), ==, SHEATH_STUDY_RUN_DONE);
  g_assert_cmpint (sheath_study_run_get_state (run, 1), ==, SHEATH_STUDY_RUN_DONE);
  g_assert_cmpuint (sheath_study_run_get_table (run, SHEATH_STUDY_TABLE_SUBJECTS)->len, ==, 3);
  axons_before = subject_cell (run, "sub-a", "n_axons");
  g_assert_cmpint (atoi (axons_before), >, 0);
  plot = g_build_filename (sheath_study_run_get_root (run), "statistics", "subject-means.png", NULL);
  g_assert_true (g_file_test (plot, G_FILE_TEST_IS_REGULAR));

  /* sub-a's masks corrected by hand (every axon removed) and saved */
  {
    g_autofree char *first = g_strconcat (dataset, "/", images[0], ".png", NULL);
    index = sheath_study_run_find_image (run, first);
  }
  g_assert_cmpint (index, ==, 0);
  masks = sheath_study_run_dup_masks_folder (run, index);
  axon_mask = sheath_segmentation_dup_mask_path (masks, "sub-a_sample-1_SEM", "axon");
  {
    g_autoptr(SheathSegmentation) empty = sheath_segmentation_new (1200, 1000);
    g_assert_true (sheath_segmentation_save (empty, masks, "sub-a_sample-1_SEM", &error));
    g_assert_no_error (error);
  }
  sheath_study_run_remeasure (run, index);
  g_assert_true (run_idle (run, 30000));
  g_assert_cmpint (sheath_study_run_get_state (run, 0), ==, SHEATH_STUDY_RUN_CORRECTED);
  axons_after = subject_cell (run, "sub-a", "n_axons");
  g_assert_cmpstr (axons_after, ==, "0");

  /* opened again from its results folder, with another model: the
   * correction stays, the other image is to do again */
  again = sheath_study_run_open (sheath_study_run_get_root (run), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sheath_study_run_get_model_name (again), ==, model_path);
  sheath_study_run_set_model (again, NULL, "another");
  g_assert_true (run_idle (again, 30000));
  g_assert_cmpint (sheath_study_run_get_state (again, 0), ==, SHEATH_STUDY_RUN_CORRECTED);
  g_assert_cmpint (sheath_study_run_get_state (again, 1), ==, SHEATH_STUDY_RUN_TO_DO);
  g_assert_true (g_file_test (axon_mask, G_FILE_TEST_IS_REGULAR));

  /* a folder that is no study, and a damaged manifest */
  {
    g_autofree char *manifest = g_build_filename (sheath_study_run_get_root (run), "sheath-study.json", NULL);
    g_autofree char *out = g_build_filename (dir, "out", NULL);
    g_autoptr(SheathStudyRun) none = sheath_study_run_open (dir, out, &error);

    g_assert_null (none);
    g_assert_nonnull (strstr (error->message, "No images in"));
    g_clear_error (&error);
    g_assert_true (g_file_set_contents (manifest, "{\"sources\": [3]", -1, NULL));
    g_assert_null (sheath_study_run_open (sheath_study_run_get_root (run), NULL, &error));
    g_assert_nonnull (error);
  }
  g_clear_object (&run);
  g_clear_object (&again);
  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *state = g_dir_make_tmp ("sheath-document-state-XXXXXX", NULL);
  int status;

  /* recovery files go to a folder of this run's (GLib's isolated folders
   * leak under LeakSanitizer) */
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/Sheath/Document/load-and-measure", Fixture, NULL, fixture_set_up, test_load_and_measure,
              fixture_tear_down);
  g_test_add ("/Sheath/Document/select-delete-merge", Fixture, NULL, fixture_set_up, test_select_delete_merge,
              fixture_tear_down);
  g_test_add ("/Sheath/Document/edits-kept-safe", Fixture, NULL, fixture_set_up, test_edits_kept_safe,
              fixture_tear_down);
  g_test_add ("/Sheath/Document/bad-input", Fixture, NULL, fixture_set_up, test_bad_input, fixture_tear_down);
  g_test_add ("/Sheath/Document/slide-area", Fixture, NULL, fixture_set_up, test_slide_area, fixture_tear_down);
  g_test_add ("/Sheath/Document/segment", Fixture, NULL, fixture_set_up, test_segment, fixture_tear_down);
  g_test_add_func ("/Sheath/TrainingRun/notes-pause-resume-discard", test_training_run);
  g_test_add_func ("/Sheath/StudyRun/segment-stop-correct", test_study_run);
  status = g_test_run ();
  {
    g_autofree char *recovery = g_build_filename (state, "sheath", "recovery", NULL);
    g_autofree char *training = g_build_filename (state, "sheath", "training", NULL);
    g_autofree char *sheath = g_build_filename (state, "sheath", NULL);

    g_rmdir (recovery);
    g_rmdir (training);
    g_rmdir (sheath);
    g_rmdir (state);
  }
  return status;
}
