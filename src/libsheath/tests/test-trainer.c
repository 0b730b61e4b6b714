/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <png.h>
#include <sheath.h>
#include <string.h>

#include "sheath-safetensors-private.h"
#include "sheath-training-data-private.h"
#include "test-util.h"

#define SIDE 96

static void
write_gray_png (const char   *path,
                const guint8 *pixels)
{
  FILE *fp = fopen (path, "wb");
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);

  g_assert_nonnull (fp);
  png_init_io (png, fp);
  png_set_IHDR (png, info, SIDE, SIDE, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (png, info);
  for (guint y = 0; y < SIDE; y++)
    png_write_row (png, (png_bytep) pixels + y * SIDE);
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  fclose (fp);
}

/* A tiny BIDS dataset of synthetic fibres (dark axons in bright myelin on
 * grey), one image per subject, with per-subject sidecars; the first
 * n_unmyelinated subjects also have small unmyelinated axons (mid-dark
 * discs, no myelin) and their _seg-uaxon-manual.png. */
static char *
make_dataset (const char *root,
              guint       n_subjects,
              guint       n_unmyelinated)
{
  char *dir = g_build_filename (root, "dataset", NULL);

  for (guint s = 0; s < n_subjects; s++)
    {
      g_autofree char *sub = g_strdup_printf ("sub-%02u", s);
      g_autofree char *micr = g_build_filename (dir, sub, "micr", NULL);
      g_autofree char *labels = g_build_filename (dir, "derivatives", "labels", sub, "micr", NULL);
      g_autofree char *stem = g_strdup_printf ("%s_sample-1_SEM", sub);
      g_autofree char *image = g_strdup_printf ("%s/%s.png", micr, stem);
      g_autofree char *sidecar = g_strdup_printf ("%s/%s_SEM.json", micr, sub);
      g_autofree char *tmp_stem = g_strconcat (stem, "-tmp", NULL);
      g_autoptr(SheathSegmentation) truth = sheath_segmentation_new (SIDE, SIDE);
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *pixels = g_new (guint8, SIDE * SIDE);
      g_autoptr(GRand) rand = g_rand_new_with_seed (s + 1);
      const char *kinds[] = { "axon", "myelin", "uaxon" };
      gboolean unmyelinated = s < n_unmyelinated;

      g_mkdir_with_parents (micr, 0755);
      g_mkdir_with_parents (labels, 0755);
      for (guint k = 0; k < 6; k++)
        {
          double cx = g_rand_double_range (rand, 10, SIDE - 10), cy = g_rand_double_range (rand, 10, SIDE - 10);
          double ra = g_rand_double_range (rand, 4, 8), rm = ra + 3;

          for (guint y = 0; y < SIDE; y++)
            for (guint x = 0; x < SIDE; x++)
              {
                double d = hypot (x - cx, y - cy);

                if (d <= ra)
                  sheath_segmentation_set_label (truth, x, y, SHEATH_LABEL_AXON);
                else if (d <= rm && sheath_segmentation_get_label (truth, x, y) != SHEATH_LABEL_AXON)
                  sheath_segmentation_set_label (truth, x, y, SHEATH_LABEL_MYELIN);
              }
        }
      for (guint k = 0; unmyelinated && k < 8; k++)
        {
          double cx = g_rand_double_range (rand, 4, SIDE - 4), cy = g_rand_double_range (rand, 4, SIDE - 4);

          for (guint y = 0; y < SIDE; y++)
            for (guint x = 0; x < SIDE; x++)
              if (hypot (x - cx, y - cy) <= 3 &&
                  sheath_segmentation_get_label (truth, x, y) == SHEATH_LABEL_BACKGROUND)
                sheath_segmentation_set_label (truth, x, y, SHEATH_LABEL_UNMYELINATED_AXON);
        }
      for (guint y = 0; y < SIDE; y++)
        for (guint x = 0; x < SIDE; x++)
          {
            SheathLabel l = sheath_segmentation_get_label (truth, x, y);
            pixels[y * SIDE + x] = (guint8) ((l == SHEATH_LABEL_AXON ? 60 : l == SHEATH_LABEL_MYELIN ? 220 :
                                              l == SHEATH_LABEL_UNMYELINATED_AXON ? 95 : 130) +
                                             g_rand_int_range (rand, -20, 20));
          }

      write_gray_png (image, pixels);
      g_file_set_contents (sidecar, "{\"PixelSize\": [0.1, 0.1], \"PixelSizeUnits\": \"um\"}", -1, &error);
      g_assert_no_error (error);
      g_assert_true (sheath_segmentation_save (truth, labels, tmp_stem, &error));
      g_assert_no_error (error);
      for (guint k = 0; k < (unmyelinated ? 3 : 2); k++)
        {
          g_autofree char *from = g_strdup_printf ("%s/%s_seg-%s.png", labels, tmp_stem, kinds[k]);
          g_autofree char *to = g_strdup_printf ("%s/%s_seg-%s-manual.png", labels, stem, kinds[k]);
          g_assert_cmpint (g_rename (from, to), ==, 0);
        }
    }
  return dir;
}

static SheathTrainer *
tiny_trainer (const char *dataset,
              const char *output,
              guint       epochs)
{
  g_autoptr(GError) error = NULL;
  SheathTrainer *trainer = sheath_trainer_new ();
  const char *validation[] = { "sub-00", NULL };

  g_object_set (trainer, "depth", 2, "base-channels", 4, "patch-size", 32, "batch-size", 2,
                "epochs", epochs, "n-threads", 2, "seed", (guint64) 3, "half-precision", FALSE,
                "modality", "SEM", NULL);
  g_assert_true (sheath_trainer_add_dataset (trainer, dataset, &error));
  g_assert_no_error (error);
  sheath_trainer_set_validation_subjects (trainer, validation);
  sheath_trainer_set_output (trainer, output);
  return trainer;
}

typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable;
  gboolean      ok;
  GError       *error;
  guint         epochs_seen;
} Run;

static void
epoch_cb (SheathTrainer *trainer,
          GParamSpec    *pspec,
          Run           *run)
{
  run->epochs_seen++;
  if (run->cancellable)
    g_cancellable_cancel (run->cancellable);
}

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  Run *run = data;

  run->ok = sheath_trainer_train_finish (SHEATH_TRAINER (object), result, &run->error);
  g_main_loop_quit (run->loop);
}

static gboolean
same_tensors (const char *a_path,
              const char *b_path)
{
  g_autoptr(GFile) a = g_file_new_for_path (a_path);
  g_autoptr(GFile) b = g_file_new_for_path (b_path);
  g_autofree char *ca = NULL, *cb = NULL;
  gsize la, lb;
  g_autoptr(GError) error = NULL;

  g_file_load_contents (a, NULL, &ca, &la, NULL, &error);
  g_assert_no_error (error);
  g_file_load_contents (b, NULL, &cb, &lb, NULL, &error);
  g_assert_no_error (error);
  /* the tensor bytes follow each file's own header; the same layout of
   * tensors, so they have the same length */
  {
    guint64 ha = 0, hb = 0;

    g_assert_cmpuint (la, >=, 8);
    g_assert_cmpuint (lb, >=, 8);
    for (guint i = 0; i < 8; i++)
      {
        ha |= (guint64) (guint8) ca[i] << (8 * i);
        hb |= (guint64) (guint8) cb[i] << (8 * i);
      }
    g_assert_cmpuint (la - 8 - ha, ==, lb - 8 - hb);
    return memcmp (ca + 8 + ha, cb + 8 + hb, la - 8 - ha) == 0;
  }
}

static void
cancel_on_validating_cb (SheathTrainer *trainer,
                         GParamSpec    *pspec,
                         GCancellable  *cancellable)
{
  g_autofree char *message = NULL;

  g_object_get (trainer, "message", &message, NULL);
  if (g_strcmp0 (message, "Validating") == 0)
    g_cancellable_cancel (cancellable);
}

/* Trains until the first validation has begun and stops it there. */
static void
stop_in_first_validation (SheathTrainer *trainer)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_signal_connect (trainer, "notify::message", G_CALLBACK (cancel_on_validating_cb), cancellable);
  g_assert_false (sheath_trainer_train (trainer, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* A trainer rebuilt from @checkpoint, with two threads like tiny_trainer():
 * the gradients' reductions must not depend on which thread took which
 * sample, or a resumed run would differ from one never stopped. */
static SheathTrainer *
reload (const char *checkpoint)
{
  g_autoptr(GError) error = NULL;
  SheathTrainer *trainer = sheath_trainer_new_from_checkpoint (checkpoint, &error);

  g_assert_no_error (error);
  g_object_set (trainer, "n-threads", 2, NULL);
  return trainer;
}

/* Training runs, validates, writes a model the segmenter takes; stopping
 * after the first epoch, or inside its validation, and resuming from the
 * checkpoint ends with exactly the weights of a run that was never
 * stopped. Stopped inside a validation, the resumed run does that
 * validation (it used to be skipped, and the epoch count lagged by one). */
static void
test_trainer_train_and_resume (void)
{
  g_autofree char *root = test_make_temp_dir ();
  g_autofree char *dataset = make_dataset (root, 3, 0);
  g_autofree char *straight = g_build_filename (root, "straight.safetensors", NULL);
  g_autofree char *stopped = g_build_filename (root, "stopped.safetensors", NULL);
  g_autofree char *checkpoint = g_strconcat (stopped, ".checkpoint", NULL);
  g_autoptr(SheathTrainer) a = tiny_trainer (dataset, straight, 2);
  g_autoptr(SheathTrainer) b = tiny_trainer (dataset, stopped, 2);
  g_autoptr(SheathTrainer) c = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Run run = { loop, cancellable, FALSE, NULL, 0 };
  double dice;
  guint epoch = G_MAXUINT;

  g_assert_true (sheath_trainer_train (a, NULL, &error));
  g_assert_no_error (error);
  g_object_get (a, "validation-dice-myelin", &dice, NULL);
  g_test_message ("tiny model, 2 epochs: validation Dice myelin %.3f", dice);
  g_assert_cmpfloat (dice, >, 0);
  {
    /* the last validation's prediction of the first validation image */
    g_autoptr(SheathImage) image = NULL;
    g_autoptr(SheathSegmentation) preview = sheath_trainer_dup_preview (a, &image);

    g_assert_nonnull (preview);
    g_assert_nonnull (image);
    g_assert_cmpuint (sheath_segmentation_get_width (preview), ==, sheath_image_get_width (image));
  }

  {
    g_autoptr(GFile) file = g_file_new_for_path (straight);
    g_autoptr(SheathModel) model = sheath_model_new_from_file (file, &error);
    g_autofree char *val = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (sheath_model_get_modality (model), ==, "SEM");
    g_assert_cmpfloat (sheath_model_get_pixel_size (model), ==, 0.1);
    val = sheath_model_dup_metadata_value (model, "validation_subjects");
    g_assert_cmpstr (val, ==, "sub-00");
  }

  g_signal_connect (b, "notify::epoch", G_CALLBACK (epoch_cb), &run);
  sheath_trainer_train_async (b, cancellable, done_cb, &run);
  g_main_loop_run (loop);
  g_assert_false (run.ok);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&run.error);
  g_assert_true (g_file_test (checkpoint, G_FILE_TEST_IS_REGULAR));

  c = reload (checkpoint);
  g_assert_true (sheath_trainer_train (c, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (same_tensors (straight, stopped));

  /* stopped inside the first epoch's validation */
  g_clear_object (&b);
  g_clear_object (&c);
  g_remove (stopped);
  g_remove (checkpoint);
  b = tiny_trainer (dataset, stopped, 2);
  stop_in_first_validation (b);
  c = reload (checkpoint);
  g_object_get (c, "epoch", &epoch, NULL);
  g_assert_cmpuint (epoch, ==, 0);
  g_assert_true (sheath_trainer_train (c, NULL, &error));
  g_assert_no_error (error);
  g_object_get (c, "epoch", &epoch, NULL);
  g_assert_cmpuint (epoch, ==, 2);
  g_assert_true (same_tensors (straight, stopped));

  test_remove_tree (root);
}

typedef void (*ApplySetting) (SheathTrainer *trainer);

/* A training setting, applied by @apply, changes what is learnt and travels
 * in the checkpoint: a run with it ends with other weights than a run
 * without, and one stopped half way through its first validation and
 * resumed ends where the uninterrupted one does. Returns that model's path,
 * in @root. */
static char *
assert_setting_trains_and_resumes (const char   *root,
                                   ApplySetting  apply)
{
  g_autofree char *dataset = make_dataset (root, 3, 0);
  char *with = g_build_filename (root, "with.safetensors", NULL);
  g_autofree char *without = g_build_filename (root, "without.safetensors", NULL);
  g_autofree char *stopped = g_build_filename (root, "stopped.safetensors", NULL);
  g_autofree char *checkpoint = g_strconcat (stopped, ".checkpoint", NULL);
  g_autoptr(SheathTrainer) a = tiny_trainer (dataset, with, 2);
  g_autoptr(SheathTrainer) b = tiny_trainer (dataset, stopped, 2);
  g_autoptr(SheathTrainer) c = NULL;
  g_autoptr(SheathTrainer) d = tiny_trainer (dataset, without, 2);
  g_autoptr(GError) error = NULL;

  apply (a);
  g_assert_true (sheath_trainer_train (a, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (sheath_trainer_train (d, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (same_tensors (with, without));

  apply (b);
  stop_in_first_validation (b);
  c = reload (checkpoint);
  g_assert_true (sheath_trainer_train (c, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (same_tensors (with, stopped));
  return with;
}

static void
apply_class_weights (SheathTrainer *trainer)
{
  const double weights[3] = { 1, 3, 0.5 };
  g_autoptr(GError) error = NULL;

  g_assert_true (sheath_trainer_set_class_weights (trainer, weights, 3, &error));
  g_assert_no_error (error);
}

/* Class weights change what is learnt, travel in the checkpoint, and must
 * be above 0. */
static void
test_trainer_class_weights (void)
{
  g_autofree char *root = test_make_temp_dir ();
  g_autoptr(SheathTrainer) t = sheath_trainer_new ();
  g_autoptr(GError) error = NULL;
  const double zero[3] = { 1, 0, 1 };
  const double nan[3] = { 1, NAN, 1 };

  g_assert_false (sheath_trainer_set_class_weights (t, zero, 3, &error));
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (sheath_trainer_set_class_weights (t, nan, 3, &error));
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);

  g_free (assert_setting_trains_and_resumes (root, apply_class_weights));
  test_remove_tree (root);
}

static void
apply_boundary_weight (SheathTrainer *trainer)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sheath_trainer_set_boundary_weight (trainer, 3, &error));
  g_assert_no_error (error);
}

/* A boundary weight changes what is learnt, travels in the checkpoint, is
 * recorded in the model, and is refused out of its range. */
static void
test_trainer_boundary_weight (void)
{
  g_autofree char *root = test_make_temp_dir ();
  g_autoptr(SheathTrainer) t = sheath_trainer_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const double refused[] = { -1, 101, NAN };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_assert_false (sheath_trainer_set_boundary_weight (t, refused[i], &error));
      g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }

  path = assert_setting_trains_and_resumes (root, apply_boundary_weight);
  {
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autoptr(SheathModel) model = sheath_model_new_from_file (file, &error);
    g_autofree char *value = NULL;

    g_assert_no_error (error);
    value = sheath_model_dup_metadata_value (model, "training_boundary_weight");
    g_assert_cmpstr (value, ==, "3");
  }
  test_remove_tree (root);
}

/* A time budget travels in the checkpoint, so that a resumed run still
 * fits its schedule to it; a run of fixed epochs records no budget. */
static void
test_trainer_time_budget (void)
{
  g_autofree char *root = test_make_temp_dir ();
  g_autofree char *dataset = make_dataset (root, 3, 0);
  g_autofree char *output = g_build_filename (root, "budget.safetensors", NULL);
  g_autofree char *checkpoint = g_strconcat (output, ".checkpoint", NULL);
  g_autoptr(SheathTrainer) budgeted = tiny_trainer (dataset, output, 0);
  g_autoptr(SheathTrainer) fixed = tiny_trainer (dataset, output, 2);
  g_autoptr(SheathTrainer) resumed = NULL;
  g_autoptr(GError) error = NULL;
  double minutes = -1;
  guint epoch = 0;

  g_object_set (budgeted, "minutes", 0.05, NULL);
  stop_in_first_validation (budgeted);
  resumed = reload (checkpoint);
  g_object_get (resumed, "minutes", &minutes, NULL);
  g_assert_cmpfloat (minutes, ==, 0.05);
  g_assert_true (sheath_trainer_train (resumed, NULL, &error));
  g_assert_no_error (error);
  g_object_get (resumed, "epoch", &epoch, NULL);
  g_assert_cmpuint (epoch, >=, 1);
  g_clear_object (&resumed);

  g_remove (checkpoint);
  g_object_set (fixed, "minutes", 0.05, NULL);
  stop_in_first_validation (fixed);
  resumed = reload (checkpoint);
  g_object_get (resumed, "minutes", &minutes, NULL);
  g_assert_cmpfloat (minutes, ==, 0);

  test_remove_tree (root);
}

/* A fourth class, unmyelinated axons: trained from their masks, written
 * into the model, segmented as their own label, resumed exactly from a
 * checkpoint, and added to a three-class model by fine-tuning; classes
 * Sheath cannot train and images without the masks are refused by name. */
static void
test_trainer_unmyelinated (void)
{
  g_autofree char *root = test_make_temp_dir ();
  g_autofree char *dataset = make_dataset (root, 3, 3);
  g_autofree char *straight = g_build_filename (root, "straight.safetensors", NULL);
  g_autofree char *stopped = g_build_filename (root, "stopped.safetensors", NULL);
  g_autofree char *checkpoint = g_strconcat (stopped, ".checkpoint", NULL);
  g_autofree char *three = g_build_filename (root, "three.safetensors", NULL);
  g_autofree char *widened = g_build_filename (root, "widened.safetensors", NULL);
  const char *four[] = { "background", "myelin", "axon", "uaxon", NULL };
  const char *wrong[] = { "background", "axon", "myelin", NULL };
  g_autoptr(SheathTrainer) a = tiny_trainer (dataset, straight, 2);
  g_autoptr(SheathTrainer) b = tiny_trainer (dataset, stopped, 2);
  g_autoptr(SheathTrainer) c = NULL;
  g_autoptr(GError) error = NULL;
  double dice_uaxon = -1;

  g_assert_false (sheath_trainer_set_classes (a, wrong, &error));
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "background,axon,myelin"));
  g_clear_error (&error);

  g_assert_true (sheath_trainer_set_classes (a, four, &error));
  g_assert_no_error (error);
  g_assert_true (sheath_trainer_train (a, NULL, &error));
  g_assert_no_error (error);
  g_object_get (a, "validation-dice-uaxon", &dice_uaxon, NULL);
  g_test_message ("tiny four-class model: validation Dice of unmyelinated axons %.3f", dice_uaxon);
  g_assert_cmpfloat (dice_uaxon, >=, 0);
  {
    g_autoptr(GFile) file = g_file_new_for_path (straight);
    g_autoptr(SheathModel) model = sheath_model_new_from_file (file, &error);
    g_autoptr(SheathSegmenter) segmenter = NULL;
    g_autoptr(SheathImage) image = NULL;
    g_autoptr(SheathSegmentation) seg = NULL;
    g_autofree char *val = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (sheath_model_get_n_classes (model), ==, 4);
    g_assert_cmpstrv (sheath_model_get_class_names (model), four);
    val = sheath_model_dup_metadata_value (model, "validation_dice_uaxon");
    g_assert_nonnull (val);
    segmenter = sheath_segmenter_new (model);
    seg = sheath_trainer_dup_preview (a, &image);
    g_clear_object (&seg);
    seg = sheath_segmenter_segment (segmenter, image, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (sheath_segmentation_get_unmyelinated (seg));
  }

  /* stopped after its first epoch and resumed: the same weights */
  g_assert_true (sheath_trainer_set_classes (b, four, &error));
  stop_in_first_validation (b);
  c = reload (checkpoint);
  g_assert_cmpstrv (sheath_trainer_get_classes (c), four);
  g_assert_true (sheath_trainer_train (c, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (same_tensors (straight, stopped));

  /* a three-class model taught the fourth */
  {
    g_autoptr(SheathTrainer) t3 = tiny_trainer (dataset, three, 1);
    g_autoptr(SheathTrainer) t4 = tiny_trainer (dataset, widened, 1);
    g_autoptr(GFile) file = g_file_new_for_path (widened);
    g_autoptr(SheathModel) model = NULL;

    g_assert_true (sheath_trainer_train (t3, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (sheath_trainer_set_init_model (t4, three, &error));
    g_assert_true (sheath_trainer_set_classes (t4, four, &error));
    g_assert_true (sheath_trainer_train (t4, NULL, &error));
    g_assert_no_error (error);
    model = sheath_model_new_from_file (file, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (sheath_model_get_n_classes (model), ==, 4);
  }

  /* one image without its unmyelinated-axon mask */
  {
    g_autofree char *mask = g_build_filename (dataset, "derivatives", "labels", "sub-01", "micr",
                                              "sub-01_sample-1_SEM_seg-uaxon-manual.png", NULL);
    g_autoptr(SheathTrainer) t = NULL;

    g_assert_cmpint (g_remove (mask), ==, 0);
    t = tiny_trainer (dataset, widened, 1);
    g_assert_true (sheath_trainer_set_classes (t, four, &error));
    g_assert_false (sheath_trainer_train (t, NULL, &error));
    g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "sub-01_sample-1_SEM.png"));
    g_assert_null (strstr (error->message, "sub-00_sample-1_SEM.png"));
    g_clear_error (&error);
  }

  test_remove_tree (root);
}

static void
test_trainer_bad_input (void)
{
  g_autofree char *root = test_make_temp_dir ();
  g_autofree char *dataset = make_dataset (root, 2, 0);
  g_autofree char *empty = g_build_filename (root, "empty", NULL);
  g_autofree char *output = g_build_filename (root, "m.safetensors", NULL);
  g_autofree char *broken = g_build_filename (root, "broken.checkpoint", NULL);
  g_autoptr(GError) error = NULL;

  /* a folder with no images */
  {
    g_autoptr(SheathTrainer) t = sheath_trainer_new ();

    g_mkdir (empty, 0755);
    g_assert_false (sheath_trainer_add_dataset (t, empty, &error));
    g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "No images"));
    g_clear_error (&error);
  }

  /* an image without masks */
  {
    g_autoptr(SheathTrainer) t = sheath_trainer_new ();
    g_autofree char *mask = g_build_filename (dataset, "derivatives", "labels", "sub-01", "micr",
                                              "sub-01_sample-1_SEM_seg-myelin-manual.png", NULL);
    g_autofree char *moved = g_strconcat (mask, ".away", NULL);

    g_rename (mask, moved);
    g_assert_false (sheath_trainer_add_dataset (t, dataset, &error));
    g_assert_nonnull (strstr (error->message, "has no masks"));
    g_clear_error (&error);
    g_rename (moved, mask);
  }

  /* an empty validation split, and a missing subject */
  {
    g_autoptr(SheathTrainer) t = tiny_trainer (dataset, output, 1);
    const char *none[] = { "sub-01", "sub-00", NULL };

    sheath_trainer_set_validation_subjects (t, none);
    g_assert_false (sheath_trainer_train (t, NULL, &error));
    g_assert_nonnull (strstr (error->message, "none is left to train on"));
    g_clear_error (&error);
  }
  {
    g_autoptr(SheathTrainer) t = tiny_trainer (dataset, output, 1);
    const char *missing[] = { "sub-99", NULL };

    sheath_trainer_set_validation_subjects (t, missing);
    g_assert_false (sheath_trainer_train (t, NULL, &error));
    g_assert_nonnull (strstr (error->message, "sub-99"));
    g_clear_error (&error);
  }

  /* no pixel size anywhere */
  {
    g_autoptr(SheathTrainer) t = tiny_trainer (dataset, output, 1);
    g_autofree char *sidecar = g_build_filename (dataset, "sub-01", "micr", "sub-01_SEM.json", NULL);

    g_unlink (sidecar);
    g_object_set (t, "pixel-size", 0.1, NULL);
    g_assert_false (sheath_trainer_train (t, NULL, &error));
    g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_NO_PIXEL_SIZE);
    g_clear_error (&error);
    g_file_set_contents (sidecar, "{\"PixelSize\": [0.1, 0.1], \"PixelSizeUnits\": \"um\"}", -1, &error);
    g_assert_no_error (error);
  }

  /* a damaged checkpoint */
  g_file_set_contents (broken, "\x20\0\0\0\0\0\0\0{\"__metadata__\": {\"step\": \"1\"}}", 40, &error);
  g_assert_no_error (error);
  g_assert_null (sheath_trainer_new_from_checkpoint (broken, &error));
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL);
  g_clear_error (&error);

  /* a checkpoint that cannot be written: the run stops with an error, and
   * the model already written is left whole */
  {
    g_autoptr(SheathTrainer) t = tiny_trainer (dataset, output, 1);
    g_autofree char *nowhere = g_build_filename (root, "no", "such", "dir", "c.checkpoint", NULL);
    g_autofree char *before = NULL;
    const char *val[] = { "sub-00", NULL };

    sheath_trainer_set_validation_subjects (t, val);
    g_file_set_contents (output, "an existing model", -1, &error);
    sheath_trainer_set_checkpoint (t, nowhere);
    g_assert_false (sheath_trainer_train (t, NULL, &error));
    g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE);
    g_assert_nonnull (strstr (error->message, "previous one is intact"));
    g_clear_error (&error);
    {
      g_autoptr(GFile) f = g_file_new_for_path (output);
      g_autoptr(SheathModel) m = sheath_model_new_from_file (f, &error);
      g_assert_no_error (error);   /* the new best model replaced it whole */
    }
  }

  test_remove_tree (root);
}

/* Unmyelinated axons drawn touching, 1 px apart, are kept apart in the
 * targets by the gap asked for: each gives up its pixels within half the
 * gap of the other; drawn as they are without one. */
static void
test_trainer_uaxon_gap (void)
{
  g_autofree char *root = test_make_temp_dir ();
  g_autofree char *image = g_build_filename (root, "x.png", NULL);
  g_autofree char *axon = g_build_filename (root, "x_seg-axon.png", NULL);
  g_autofree char *myelin = g_build_filename (root, "x_seg-myelin.png", NULL);
  g_autofree char *uaxon = g_build_filename (root, "x_seg-uaxon.png", NULL);
  g_autofree guint8 *pixels = g_malloc0 (SIDE * SIDE);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < SIDE * SIDE; i++)
    pixels[i] = (guint8) (i * 7);
  write_gray_png (image, pixels);
  memset (pixels, 0, SIDE * SIDE);
  write_gray_png (axon, pixels);
  write_gray_png (myelin, pixels);
  /* two unmyelinated axons, columns 10–28 and 30–48 */
  for (guint y = 10; y <= 40; y++)
    for (guint x = 10; x <= 48; x++)
      if (x != 29)
        pixels[y * SIDE + x] = 255;
  write_gray_png (uaxon, pixels);

  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(SheathTrainingData) data = _sheath_training_data_new ();
      const SheathTrainingSample *s;
      const char *held[] = { "sub-2", NULL };

      data->n_classes = 4;
      data->uaxon_gap = k == 0 ? 0 : 0.4;   /* 4 pixels of 0.1 µm: 2 each side */
      g_assert_true (_sheath_training_data_add_image (data, image, axon, myelin, 0.1, "sub-1", &error));
      g_assert_true (_sheath_training_data_add_image (data, image, axon, myelin, 0.1, "sub-2", &error));
      g_assert_no_error (error);
      g_assert_true (_sheath_training_data_prepare (data, 0.1, held, 1, NULL, &error));
      g_assert_no_error (error);
      s = g_ptr_array_index (data->samples, 0);
      g_assert_cmpuint (s->width, ==, SIDE);
      g_assert_cmpint (s->labels[20 * SIDE + 27], ==, SHEATH_LABEL_UNMYELINATED_AXON);
      g_assert_cmpint (s->labels[20 * SIDE + 28], ==, k == 0 ? SHEATH_LABEL_UNMYELINATED_AXON : SHEATH_LABEL_BACKGROUND);
      g_assert_cmpint (s->labels[20 * SIDE + 29], ==, SHEATH_LABEL_BACKGROUND);
      g_assert_cmpint (s->labels[20 * SIDE + 30], ==, k == 0 ? SHEATH_LABEL_UNMYELINATED_AXON : SHEATH_LABEL_BACKGROUND);
      g_assert_cmpint (s->labels[20 * SIDE + 31], ==, SHEATH_LABEL_UNMYELINATED_AXON);
      g_assert_cmpint (s->labels[20 * SIDE + 10], ==, SHEATH_LABEL_UNMYELINATED_AXON);
    }

  {
    g_autoptr(SheathTrainer) t = sheath_trainer_new ();

    g_assert_false (sheath_trainer_set_uaxon_gap (t, -1, &error));
    g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
  }
  test_remove_tree (root);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Sheath/Trainer/train-and-resume", test_trainer_train_and_resume);
  g_test_add_func ("/Sheath/Trainer/class-weights", test_trainer_class_weights);
  g_test_add_func ("/Sheath/Trainer/boundary-weight", test_trainer_boundary_weight);
  g_test_add_func ("/Sheath/Trainer/time-budget", test_trainer_time_budget);
  g_test_add_func ("/Sheath/Trainer/bad-input", test_trainer_bad_input);
  g_test_add_func ("/Sheath/Trainer/unmyelinated", test_trainer_unmyelinated);
  g_test_add_func ("/Sheath/Trainer/uaxon-gap", test_trainer_uaxon_gap);

  return g_test_run ();
}
