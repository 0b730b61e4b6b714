/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Drives the built sheath-cli as a user would: exit codes, messages, and
 * the files it leaves (or does not leave) behind. */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/libsheath/tests/test-util.h"

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
run_cli (Run        *run,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) SHEATH_CLI_PATH);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  run->status = g_subprocess_get_exit_status (proc);
  g_test_message ("exit %d\nstdout: %s\nstderr: %s", run->status, run->out, run->err);
}

static guint
count_files (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d && g_dir_read_name (d))
    n++;
  if (d)
    g_dir_close (d);
  return n;
}

static void
test_cli_help (void)
{
  g_auto(Run) help = { 0 };
  g_auto(Run) version = { 0 };
  g_auto(Run) seg_help = { 0 };
  g_auto(Run) unknown = { 0 };
  g_auto(Run) none = { 0 };

  run_cli (&help, "--help", NULL);
  g_assert_cmpint (help.status, ==, 0);
  g_assert_nonnull (strstr (help.out, "segment"));
  g_assert_nonnull (strstr (help.out, "info"));

  run_cli (&version, "--version", NULL);
  g_assert_cmpint (version.status, ==, 0);
  g_assert_true (g_str_has_prefix (version.out, "sheath-cli "));

  run_cli (&seg_help, "segment", "--help", NULL);
  g_assert_cmpint (seg_help.status, ==, 0);
  g_assert_nonnull (strstr (seg_help.out, "--pixel-size"));
  g_assert_nonnull (strstr (seg_help.out, "--output-dir"));
  g_assert_nonnull (strstr (seg_help.out, "--threads"));
  g_assert_nonnull (strstr (seg_help.out, "--model"));

  run_cli (&unknown, "dance", NULL);
  g_assert_cmpint (unknown.status, ==, 2);
  g_assert_nonnull (strstr (unknown.err, "unknown command"));

  run_cli (&none, "segment", NULL);
  g_assert_cmpint (none.status, ==, 2);
  g_assert_nonnull (strstr (none.err, "no image"));
}

/* One good image among bad ones: the good one is segmented, the rest are
 * named at the end, the exit status says something failed, and no mask is
 * written for a failed image. */
static void
test_cli_segment_batch (void)
{
  g_autofree char *good = test_require_shared ("datasets/sem-rat-spinal-cord/sub-rat3/micr/sub-rat3_sample-data9_SEM.png");
  g_autofree char *no_size = test_require_shared ("samples/formats/gray8.png");
  g_autofree char *model = test_golden_path ("unet-golden.safetensors");
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *text = g_build_filename (dir, "notes.png", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.tif", NULL);
  g_autofree char *axon = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Run) run = { 0 };

  if (good == NULL || no_size == NULL)
    return;

  g_mkdir (out, 0755);
  g_file_set_contents (text, "not an image", -1, &error);
  g_assert_no_error (error);

  run_cli (&run, "segment", "--model", model, "--output-dir", out, "--threads", "2",
           good, text, missing, no_size, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "3 of 4 images failed"));
  g_assert_nonnull (strstr (run.err, "not a PNG or TIFF image"));
  g_assert_nonnull (strstr (run.err, "No pixel size for 'gray8.png'"));
  g_assert_nonnull (strstr (run.err, "missing.tif"));

  axon = g_build_filename (out, "sub-rat3_sample-data9_SEM_seg-axon.png", NULL);
  g_assert_true (g_file_test (axon, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (count_files (out), ==, 3);

  {
    /* a large image's labels: one OME-TIFF, measured as the PNGs are */
    g_autofree char *ome_dir = g_build_filename (dir, "ome", NULL);
    g_autofree char *map = g_build_filename (ome_dir, "sub-rat3_sample-data9_SEM_seg-axonmyelin.ome.tif", NULL);
    g_autofree char *png_agg = g_build_filename (out, "sub-rat3_sample-data9_SEM_morphometrics_aggregate.csv", NULL);
    g_autofree char *ome_agg = g_build_filename (ome_dir, "sub-rat3_sample-data9_SEM_morphometrics_aggregate.csv", NULL);
    g_autofree char *a = NULL, *b = NULL;
    g_auto(Run) ome = { 0 };
    g_auto(Run) from_png = { 0 };
    g_auto(Run) from_map = { 0 };

    run_cli (&ome, "segment", "--model", model, "--output-dir", ome_dir, "--ome-tiff", good, NULL);
    g_assert_cmpint (ome.status, ==, 0);
    g_assert_true (g_file_test (map, G_FILE_TEST_IS_REGULAR));
    g_assert_cmpuint (count_files (ome_dir), ==, 1);
    run_cli (&from_png, "morphometrics", "--output-dir", out, "--pixel-size", "0.1", axon, NULL);
    g_assert_cmpint (from_png.status, ==, 0);
    run_cli (&from_map, "morphometrics", "--output-dir", ome_dir, map, NULL);
    g_assert_cmpint (from_map.status, ==, 0);
    g_assert_true (g_file_get_contents (png_agg, &a, NULL, NULL));
    g_assert_true (g_file_get_contents (ome_agg, &b, NULL, NULL));
    g_assert_cmpstr (a, ==, b);

    {
      /* regions of the map measured in bands count the axons the whole
       * map's do */
      g_autofree char *geojson = g_build_filename (dir, "regions.geojson", NULL);
      g_autofree char *png_regions = g_build_filename (out, "sub-rat3_sample-data9_SEM_morphometrics_regions.csv", NULL);
      g_autofree char *ome_regions = g_build_filename (ome_dir, "sub-rat3_sample-data9_SEM_morphometrics_regions.csv", NULL);
      g_autofree char *c = NULL, *d = NULL;
      g_auto(GStrv) whole_rows = NULL, banded_rows = NULL;
      g_auto(Run) whole = { 0 };
      g_auto(Run) banded = { 0 };

      g_assert_true (g_file_set_contents (geojson,
        "{\"type\": \"FeatureCollection\", \"features\": ["
        "{\"type\": \"Feature\", \"properties\": {\"name\": \"left\"},"
        " \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[0, 0], [500, 0], [450, 700], [0, 700]]]}},"
        "{\"type\": \"Feature\", \"properties\": {\"name\": \"right\"},"
        " \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[500, 0], [1200, 0], [1200, 700], [450, 700]]]}}"
        "]}", -1, NULL));
      run_cli (&whole, "morphometrics", "--output-dir", out, "--pixel-size", "0.1", "--roi", geojson, axon, NULL);
      g_assert_cmpint (whole.status, ==, 0);
      run_cli (&banded, "morphometrics", "--output-dir", ome_dir, "--bands-above", "0", "--roi", geojson, map, NULL);
      g_assert_cmpint (banded.status, ==, 0);
      g_assert_nonnull (strstr (banded.err, "measured in bands"));
      g_assert_nonnull (strstr (banded.err, "2 regions"));
      g_assert_true (g_file_get_contents (png_regions, &c, NULL, NULL));
      g_assert_true (g_file_get_contents (ome_regions, &d, NULL, NULL));
      whole_rows = g_strsplit (c, "\n", -1);
      banded_rows = g_strsplit (d, "\n", -1);
      g_assert_cmpuint (g_strv_length (whole_rows), ==, 4);
      g_assert_cmpuint (g_strv_length (banded_rows), ==, 4);
      for (guint r = 1; r < 3; r++)
        {
          g_auto(GStrv) from_whole = g_strsplit (whole_rows[r], ",", 3);
          g_auto(GStrv) from_bands = g_strsplit (banded_rows[r], ",", 3);

          g_assert_cmpstr (from_whole[0], ==, from_bands[0]);   /* the name */
          g_assert_cmpstr (from_whole[1], ==, from_bands[1]);   /* n_axons */
          g_assert_cmpint (atoi (from_whole[1]), >, 5);
        }
    }
  }

  test_remove_tree (dir);
}

static void
test_cli_segment_errors (void)
{
  g_autofree char *good = test_require_shared ("samples/formats/gray8.png");
  g_autofree char *model = test_golden_path ("unet-golden.safetensors");
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *broken_model = g_build_filename (dir, "broken.safetensors", NULL);
  g_autofree char *nowhere = g_build_filename (dir, "new", "output", "dir", NULL);
  g_autofree char *under_file = g_build_filename (broken_model, "out", NULL);
  g_autoptr(GError) error = NULL;
  g_auto(Run) bad_model = { 0 };
  g_auto(Run) missing_model = { 0 };
  g_auto(Run) bad_out = { 0 };
  g_auto(Run) new_out = { 0 };
  g_auto(Run) bad_size = { 0 };
  g_auto(Run) pixel_size = { 0 };

  if (good == NULL)
    return;

  g_file_set_contents (broken_model, "\x10\0\0\0\0\0\0\0{\"a\":", -1, &error);
  g_assert_no_error (error);

  run_cli (&bad_model, "segment", "--model", broken_model, good, NULL);
  g_assert_cmpint (bad_model.status, ==, 1);
  g_assert_nonnull (strstr (bad_model.err, "broken.safetensors"));

  run_cli (&missing_model, "segment", "--model", "no-such-model", good, NULL);
  g_assert_cmpint (missing_model.status, ==, 1);
  g_assert_nonnull (strstr (missing_model.err, "no-such-model"));

  /* a folder under a file cannot be made: said, nothing written */
  run_cli (&bad_out, "segment", "--model", model, "--pixel-size", "0.1", "--output-dir", under_file, good, NULL);
  g_assert_cmpint (bad_out.status, ==, 1);
  g_assert_nonnull (strstr (bad_out.err, "Cannot make the output folder"));
  g_assert_nonnull (strstr (bad_out.err, "broken.safetensors/out"));

  /* a folder that does not exist yet is made, parents too */
  run_cli (&new_out, "segment", "--model", model, "--pixel-size", "0.1", "--output-dir", nowhere, good, NULL);
  g_assert_cmpint (new_out.status, ==, 0);
  g_assert_cmpuint (count_files (nowhere), ==, 3);

  run_cli (&bad_size, "segment", "--model", model, "--pixel-size", "-3", good, NULL);
  g_assert_cmpint (bad_size.status, ==, 2);

  /* --threads is checked the same way by every command, against the engine's limit */
  {
    const char *commands[][4] = { { "segment", "--threads", "300", NULL }, { "evaluate", "--threads", "-1", NULL },
                                  { "train", "--threads", "999", NULL } };

    commands[0][3] = good;
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      {
        g_auto(Run) threads = { 0 };

        run_cli (&threads, commands[i][0], commands[i][1], commands[i][2], commands[i][3], NULL);
        g_assert_cmpint (threads.status, ==, 2);
        g_assert_nonnull (strstr (threads.err, "--threads must be between 1 and 256 (or 0"));
      }
  }

  /* a training option out of range is refused by name, before training */
  {
    g_auto(Run) weight = { 0 };
    g_autofree char *trained = g_build_filename (dir, "trained.safetensors", NULL);
    g_autofree char *data = test_shared_path ("datasets", "tem-mouse-corpus-callosum", NULL);

    run_cli (&weight, "train", "--data", data, "--output", trained, "--epochs", "1", "--boundary-weight", "-1", NULL);
    g_assert_cmpint (weight.status, ==, 2);
    g_assert_nonnull (strstr (weight.err, "--boundary-weight: The boundary weight is from 0 to 100, not -1"));
    g_assert_false (g_file_test (trained, G_FILE_TEST_EXISTS));
  }

  /* --pixel-size makes an image without metadata usable */
  run_cli (&pixel_size, "segment", "--model", model, "--pixel-size", "0.2", "--output-dir", dir,
           "--morphometrics", good, NULL);
  g_assert_cmpint (pixel_size.status, ==, 0);
  g_assert_nonnull (strstr (pixel_size.err, "0.2 µm"));
  g_assert_nonnull (strstr (pixel_size.err, "gray8_axon_morphometrics.csv"));
  /* the broken model, new/, three masks, the table, aggregates, instance map and index image */
  g_assert_cmpuint (count_files (dir), ==, 9);

  test_remove_tree (dir);
}

static void
copy_shared (const char *relative,
             const char *dest)
{
  g_autofree char *from = test_shared_path (relative, NULL);
  g_autoptr(GFile) src = g_file_new_for_path (from);
  g_autoptr(GFile) dst = g_file_new_for_path (dest);
  g_autoptr(GError) error = NULL;

  g_file_copy (src, dst, G_FILE_COPY_NONE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

/* Manual masks of another size than their image: evaluate says which image
 * and both sizes before segmenting it, exits 1, and writes no JSON. */
static void
test_cli_evaluate_mismatched_masks (void)
{
  g_autofree char *image = test_require_shared ("datasets/tem-mouse-corpus-callosum/sub-371/micr/sub-371_sample-0001_acq-roi_TEM.png");
  g_autofree char *model = test_golden_path ("unet-golden.safetensors");
  g_autofree char *root = test_make_temp_dir ();
  g_autofree char *micr = g_build_filename (root, "sub-x", "micr", NULL);
  g_autofree char *labels = g_build_filename (root, "derivatives", "labels", "sub-x", "micr", NULL);
  g_autofree char *copy = g_build_filename (micr, "sub-x_sample-1_TEM.png", NULL);
  g_autofree char *sidecar = g_build_filename (micr, "sub-x_TEM.json", NULL);
  g_autofree char *axon = g_build_filename (labels, "sub-x_sample-1_TEM_seg-axon-manual.png", NULL);
  g_autofree char *myelin = g_build_filename (labels, "sub-x_sample-1_TEM_seg-myelin-manual.png", NULL);
  g_autofree char *json = g_build_filename (root, "evaluation.json", NULL);
  g_auto(Run) evaluate = { 0 };

  if (image == NULL)
    return;
  g_assert_cmpint (g_mkdir_with_parents (micr, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (labels, 0755), ==, 0);
  copy_shared ("datasets/tem-mouse-corpus-callosum/sub-371/micr/sub-371_sample-0001_acq-roi_TEM.png", copy);
  copy_shared ("datasets/tem-mouse-corpus-callosum/sub-371/micr/sub-371_TEM.json", sidecar);
  /* an SEM image's masks: 737 × 758, not 600 × 600 */
  copy_shared ("datasets/sem-rat-spinal-cord/derivatives/labels/sub-rat3/micr/sub-rat3_sample-data10_SEM_seg-axon-manual.png",
               axon);
  copy_shared ("datasets/sem-rat-spinal-cord/derivatives/labels/sub-rat3/micr/sub-rat3_sample-data10_SEM_seg-myelin-manual.png",
               myelin);

  run_cli (&evaluate, "evaluate", "--model", model, "--data", root, "--json", json, NULL);
  g_assert_cmpint (evaluate.status, ==, 1);
  g_assert_nonnull (strstr (evaluate.err, "sub-x_sample-1_TEM.png' is 600 × 600 pixels but its manual masks are 737 × 758"));
  g_assert_false (g_file_test (json, G_FILE_TEST_EXISTS));
  test_remove_tree (root);
}

static void
test_cli_info (void)
{
  g_autofree char *image = test_require_shared ("datasets/sem-rat-spinal-cord/sub-rat3/micr/sub-rat3_sample-data10_SEM.png");
  g_autofree char *tiff = test_require_shared ("samples/formats/tem-gray16.tif");
  g_autofree char *ndpi = test_require_shared ("samples/formats/ndpi/hamamatsu-tritc.ndpi");
  g_autofree char *model = test_golden_path ("unet-golden.safetensors");
  g_auto(Run) img = { 0 };
  g_auto(Run) tif = { 0 };
  g_auto(Run) mod = { 0 };
  g_auto(Run) bad = { 0 };

  if (image == NULL || tiff == NULL)
    return;

  run_cli (&img, "info", image, NULL);
  g_assert_cmpint (img.status, ==, 0);
  g_assert_nonnull (strstr (img.out, "737 × 758"));
  g_assert_nonnull (strstr (img.out, "0.1 µm, from the BIDS sidecar"));

  run_cli (&tif, "info", tiff, NULL);
  g_assert_cmpint (tif.status, ==, 0);
  g_assert_nonnull (strstr (tif.out, "16-bit"));
  g_assert_nonnull (strstr (tif.out, "unknown"));

  run_cli (&mod, "info", model, NULL);
  g_assert_cmpint (mod.status, ==, 0);
  g_assert_nonnull (strstr (mod.out, "depth 3"));
  g_assert_nonnull (strstr (mod.out, "background, myelin, axon"));

  run_cli (&bad, "info", "/nonexistent/x.png", NULL);
  g_assert_cmpint (bad.status, ==, 1);

  /* a slide: its pyramid's levels and the scanner's pixel size */
  if (ndpi != NULL)
    {
      g_auto(Run) slide = { 0 };

      run_cli (&slide, "info", ndpi, NULL);
      g_assert_cmpint (slide.status, ==, 0);
      g_assert_nonnull (strstr (slide.out, "3968 × 4864 pixels"));
      g_assert_nonnull (strstr (slide.out, "1: 1984 × 2432 (÷2)"));
#ifdef HAVE_OPENSLIDE
      g_assert_nonnull (strstr (slide.out, "Levels:      7"));
      g_assert_nonnull (strstr (slide.out, "0.228175 µm, from the slide metadata"));
#endif
    }
}

/* Morphometrics from a BIDS image's manual masks, from masks alone (no
 * image: the pixel size must be given), and the errors a user meets. */
static void
test_cli_morphometrics (void)
{
  g_autofree char *image = test_require_shared ("datasets/sem-rat-spinal-cord/sub-rat4/micr/sub-rat4_sample-data12_SEM.png");
  g_autofree char *masks = test_require_shared ("datasets/sem-rat-spinal-cord/derivatives/labels/sub-rat4/micr/sub-rat4_sample-data12_SEM_seg-axon-manual.png");
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *csv = g_build_filename (dir, "sub-rat4_sample-data12_SEM_axon_morphometrics.csv", NULL);
  g_autofree char *json = g_build_filename (dir, "sub-rat4_sample-data12_SEM_morphometrics_aggregate.json", NULL);
  g_autofree char *index = g_build_filename (dir, "sub-rat4_sample-data12_SEM_index.png", NULL);
  g_autofree char *instance = g_build_filename (dir, "sub-rat4_sample-data12_SEM_instance-map.png", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Run) from_image = { 0 };
  g_auto(Run) from_masks = { 0 };
  g_auto(Run) no_size = { 0 };
  g_auto(Run) no_masks = { 0 };
  g_auto(Run) bad_shape = { 0 };

  if (image == NULL || masks == NULL)
    return;

  run_cli (&from_image, "morphometrics", "--output-dir", dir, "--json", image, NULL);
  g_assert_cmpint (from_image.status, ==, 0);
  g_assert_nonnull (strstr (from_image.err, "axons"));
  g_assert_true (g_file_test (csv, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (json, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (index, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (instance, G_FILE_TEST_IS_REGULAR));
  g_file_get_contents (csv, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "axon_id,x0 (px),y0 (px),gratio,"));

  /* masks in a read-only dataset, pixel size given by hand */
  run_cli (&from_masks, "morphometrics", "--pixel-size", "0.1", "--axon-shape", "ellipse",
           "--output-dir", dir, "--output", csv, masks, NULL);
  g_assert_cmpint (from_masks.status, ==, 0);

  {
    /* masks copied away from their image: no pixel size to be found */
    g_autofree char *copy = g_build_filename (dir, "lone_seg-axon.png", NULL);
    g_autofree char *copy_m = g_build_filename (dir, "lone_seg-myelin.png", NULL);
    g_autofree char *data = NULL;
    gsize len;

    g_file_get_contents (masks, &data, &len, &error);
    g_assert_no_error (error);
    g_file_set_contents (copy, data, len, &error);
    g_file_set_contents (copy_m, data, len, &error);
    g_assert_no_error (error);
    run_cli (&no_size, "morphometrics", "--output-dir", dir, copy, NULL);
    g_assert_cmpint (no_size.status, ==, 1);
    g_assert_nonnull (strstr (no_size.err, "--pixel-size"));
  }

  run_cli (&no_masks, "morphometrics", "--pixel-size", "0.1", "/nonexistent/stem", NULL);
  g_assert_cmpint (no_masks.status, ==, 1);
  g_assert_nonnull (strstr (no_masks.err, "stem_seg-axon.png"));

  run_cli (&bad_shape, "morphometrics", "--axon-shape", "square", masks, NULL);
  g_assert_cmpint (bad_shape.status, ==, 2);

  {
    /* regions drawn in QuPath: one row each; a broken file is refused
     * before anything is written */
    g_autofree char *geojson = g_build_filename (dir, "regions.geojson", NULL);
    g_autofree char *broken = g_build_filename (dir, "broken.geojson", NULL);
    g_autofree char *table_path = g_build_filename (dir, "sub-rat4_sample-data12_SEM_morphometrics_regions.csv", NULL);
    g_autofree char *out2 = g_build_filename (dir, "second", NULL);
    g_autofree char *table = NULL;
    g_auto(Run) regions = { 0 };
    g_auto(Run) refused = { 0 };

    g_assert_true (g_file_set_contents (geojson,
      "{\"type\": \"FeatureCollection\", \"features\": ["
      "{\"type\": \"Feature\", \"properties\": {\"classification\": {\"name\": \"top\"}},"
      " \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[0, 0], [2000, 0], [2000, 300], [0, 300]]]}},"
      "{\"type\": \"Feature\", \"properties\": {\"name\": \"bottom\"},"
      " \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[0, 300], [2000, 300], [2000, 2000], [0, 2000]]]}}"
      "]}", -1, NULL));
    run_cli (&regions, "morphometrics", "--output-dir", dir, "--roi", geojson, image, NULL);
    g_assert_cmpint (regions.status, ==, 0);
    g_assert_nonnull (strstr (regions.err, "2 regions"));
    g_assert_true (g_file_get_contents (table_path, &table, NULL, NULL));
    g_assert_true (g_str_has_prefix (table, "region,n_axons,"));
    g_assert_nonnull (strstr (table, "\n\"top\","));
    g_assert_nonnull (strstr (table, "\n\"bottom\","));

    /* the same run also maps the measurements */
    {
      g_autofree char *maps = g_build_filename (dir, "sub-rat4_sample-data12_SEM_maps.tif", NULL);
      g_autofree char *heat = g_build_filename (dir, "sub-rat4_sample-data12_SEM_map-axon_density_mm2.png", NULL);
      g_auto(Run) mapped = { 0 };
      g_auto(Run) bad_cell = { 0 };

      run_cli (&mapped, "morphometrics", "--output-dir", dir, "--maps", "--map-cell", "20", image, NULL);
      g_assert_cmpint (mapped.status, ==, 0);
      g_assert_nonnull (strstr (mapped.err, "maps of 20 µm cells"));
      g_assert_true (g_file_test (maps, G_FILE_TEST_IS_REGULAR));
      g_assert_true (g_file_test (heat, G_FILE_TEST_IS_REGULAR));
      run_cli (&bad_cell, "morphometrics", "--output-dir", dir, "--maps", "--map-cell", "-5", image, NULL);
      g_assert_cmpint (bad_cell.status, ==, 2);
      g_assert_nonnull (strstr (bad_cell.err, "--map-cell"));
    }

    g_assert_true (g_file_set_contents (broken, "{\"type\": \"Polygon\", \"coordinates\": [[[0, 0]]]}", -1, NULL));
    run_cli (&refused, "morphometrics", "--output-dir", out2, "--roi", broken, image, NULL);
    g_assert_cmpint (refused.status, ==, 1);
    g_assert_nonnull (strstr (refused.err, "broken.geojson"));
    {
      g_autofree char *second_csv = g_build_filename (out2, "sub-rat4_sample-data12_SEM_axon_morphometrics.csv", NULL);
      g_autofree char *second_agg = g_build_filename (out2, "sub-rat4_sample-data12_SEM_morphometrics_aggregate.csv", NULL);

      g_assert_false (g_file_test (second_csv, G_FILE_TEST_EXISTS));
      g_assert_false (g_file_test (second_agg, G_FILE_TEST_EXISTS));
    }
  }

  test_remove_tree (dir);
}

/* A tiny training writes its card beside the model; `sheath-cli card`
 * writes the same card with an evaluation's figures per image. The model
 * learns unmyelinated axons too: evaluate scores them, segment writes
 * their mask and morphometrics their table; calibrate refuses the model's
 * validation subject and calibrates on another. */
static void
test_cli_train_writes_card (void)
{
  g_autofree char *data = test_shared_path ("datasets", "tem-mouse-corpus-callosum", NULL);
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *model = g_build_filename (dir, "tiny.safetensors", NULL);
  g_autofree char *card = g_build_filename (dir, "tiny.md", NULL);
  g_autofree char *json = g_build_filename (dir, "evaluation.json", NULL);
  g_autofree char *plots = g_build_filename (dir, "plots", NULL);
  g_autofree char *other = g_build_filename (dir, "cards", "other.md", NULL);
  g_autofree char *text = NULL;
  g_auto(Run) train = { 0 };
  g_auto(Run) evaluate = { 0 };
  g_auto(Run) write = { 0 };
  g_auto(Run) bad = { 0 };
  g_auto(Run) segment = { 0 };
  g_auto(Run) refused = { 0 };
  g_auto(Run) calibrate = { 0 };
  g_autofree char *image = g_build_filename (data, "sub-371", "micr", "sub-371_sample-0001_acq-roi_TEM.png", NULL);
  g_autofree char *masks = g_build_filename (dir, "masks", NULL);
  g_autofree char *calibrated = g_build_filename (dir, "calibrated.safetensors", NULL);

  if (!g_file_test (data, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("shared test data missing (set SHEATH_SHARED_DIR)");
      return;
    }
  run_cli (&train, "train", "--data", data, "--output", model, "--validation-subjects", "sub-370", "--epochs", "1",
           "--depth", "2", "--base-channels", "4", "--patch-size", "64", "--batch-size", "2",
           "--classes", "background,myelin,axon,uaxon", NULL);
  g_assert_cmpint (train.status, ==, 0);
  g_assert_nonnull (strstr (train.out, "unmyelinated"));
  g_assert_true (g_file_get_contents (card, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "# tiny"));
  g_assert_nonnull (strstr (text, "| Held out for validation | sub-370 |"));
  g_assert_nonnull (strstr (text, "depth 2, 4 base channels"));
  g_assert_nonnull (strstr (text, "sheath-cli train --data"));
  g_assert_nonnull (strstr (text, "`tem-mouse-corpus-callosum` (BIDS)"));
  g_clear_pointer (&text, g_free);

  run_cli (&evaluate, "evaluate", "--model", model, "--data", data, "--subjects", "sub-370", "--json", json,
           "--plots", plots, NULL);
  g_assert_cmpint (evaluate.status, ==, 0);
  /* the morphometry against the manual masks, printed, in the JSON, plotted */
  g_assert_nonnull (strstr (evaluate.out, "Morphometry from the predicted masks against the manual ones"));
  g_assert_nonnull (strstr (evaluate.out, "Bland–Altman"));
  g_assert_nonnull (strstr (evaluate.out, "unmatched:"));
  g_assert_nonnull (strstr (evaluate.out, "uF1"));
  g_assert_true (g_file_get_contents (json, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"agreement\""));
  g_assert_nonnull (strstr (text, "\"dice_uaxon\""));
  g_assert_nonnull (strstr (text, "\"lower_limit\""));
  g_clear_pointer (&text, g_free);
  {
    g_autofree char *png = g_build_filename (plots, "agreement-bland-altman.png", NULL);
    g_autofree char *svg = g_build_filename (plots, "agreement-predicted-vs-manual.svg", NULL);

    g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
    g_assert_true (g_file_test (svg, G_FILE_TEST_IS_REGULAR));
  }
  run_cli (&write, "card", model, "--name", "other", "--evaluation", json, "--output", other, NULL);
  g_assert_cmpint (write.status, ==, 0);
  g_assert_true (g_file_get_contents (other, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "# other"));
  g_assert_nonnull (strstr (text, "## Validation figures"));
  g_assert_nonnull (strstr (text, "| overall (pooled) |"));
  g_assert_nonnull (strstr (text, "## Morphometry against the manual masks"));
  g_assert_nonnull (strstr (text, "| mean_gratio |"));
  g_assert_nonnull (strstr (text, "### Unmyelinated axons"));
  g_assert_null (strstr (text, "cut by an image's edge"));
  g_clear_pointer (&text, g_free);

  /* the same without the fibres cut by the images' edges: said in the
   * table's title, in the JSON and in the card */
  {
    g_auto(Run) inside = { 0 };
    g_auto(Run) inside_card = { 0 };

    run_cli (&inside, "evaluate", "--model", model, "--data", data, "--subjects", "sub-370", "--json", json,
             "--exclude-border", NULL);
    g_assert_cmpint (inside.status, ==, 0);
    g_assert_nonnull (strstr (inside.out, "fibres cut by the image's edge left out"));
    g_assert_true (g_file_get_contents (json, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "\"exclude_border\" : true"));
    g_clear_pointer (&text, g_free);
    run_cli (&inside_card, "card", model, "--name", "other", "--evaluation", json, "--output", other, NULL);
    g_assert_cmpint (inside_card.status, ==, 0);
    g_assert_true (g_file_get_contents (other, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "the fibres cut by an image's edge left out of both"));
    g_clear_pointer (&text, g_free);
  }

  /* the fourth class's mask and table */
  run_cli (&segment, "segment", "--model", model, "--output-dir", masks, "--morphometrics", image, NULL);
  g_assert_cmpint (segment.status, ==, 0);
  {
    g_autofree char *uaxon = g_build_filename (masks, "sub-371_sample-0001_acq-roi_TEM_seg-uaxon.png", NULL);
    g_autofree char *table = g_build_filename (masks, "sub-371_sample-0001_acq-roi_TEM_uaxon_morphometrics.csv", NULL);
    g_autofree char *axons = g_build_filename (masks, "sub-371_sample-0001_acq-roi_TEM_axon_morphometrics.csv", NULL);

    g_assert_true (g_file_test (uaxon, G_FILE_TEST_IS_REGULAR));
    g_assert_true (g_file_get_contents (table, &text, NULL, NULL));
    g_assert_true (g_str_has_prefix (text, "uaxon_id,"));
    g_clear_pointer (&text, g_free);
    g_assert_true (g_file_get_contents (axons, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, ",confidence,flags\n"));
  }

  /* calibration: never on the validation subject */
  run_cli (&refused, "calibrate", "--model", model, "--data", data, "--subjects", "sub-370", "--output", calibrated,
           NULL);
  g_assert_cmpint (refused.status, ==, 1);
  g_assert_nonnull (strstr (refused.err, "validation subject"));
  g_assert_false (g_file_test (calibrated, G_FILE_TEST_EXISTS));
  run_cli (&calibrate, "calibrate", "--model", model, "--data", data, "--subjects", "sub-371", "--output", calibrated,
           NULL);
  g_assert_cmpint (calibrate.status, ==, 0);
  g_assert_nonnull (strstr (calibrate.out, "| chosen |"));
  {
    g_auto(Run) info = { 0 };

    run_cli (&info, "info", calibrated, NULL);
    g_assert_cmpint (info.status, ==, 0);
    g_assert_nonnull (strstr (info.out, "calibration_subjects = sub-371"));
    g_assert_nonnull (strstr (info.out, "decision_weights = "));
    g_assert_nonnull (strstr (info.out, "Classes:       background, myelin, axon, uaxon"));
  }

  /* an evaluation file that is not one: said, and no card */
  run_cli (&bad, "card", model, "--evaluation", model, "--output", other, NULL);
  g_assert_cmpint (bad.status, ==, 1);
  g_assert_nonnull (strstr (bad.err, "sheath-cli card:"));
  test_remove_tree (dir);
}

static char *
read_text (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* A small BIDS study of two subjects in two groups: segmented and
 * measured, the participants' columns in its tables, a bad image reported
 * while the others go on, a second run doing only what is missing, and
 * --collect making the same tables. */
static void
test_cli_batch (void)
{
  g_autofree char *model = test_golden_path ("unet-golden.safetensors");
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *dataset = g_build_filename (dir, "study", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *bad = g_build_filename (dataset, "sub-b", "micr", "sub-b_sample-2_SEM.png", NULL);
  g_autofree char *participants = g_build_filename (dataset, "participants.tsv", NULL);
  g_autofree char *study_path = g_build_filename (out, "study.csv", NULL);
  g_autofree char *study = NULL, *subjects = NULL, *again = NULL;
  g_auto(Run) first = { 0 };
  g_auto(Run) second = { 0 };
  g_auto(Run) collected = { 0 };
  g_auto(Run) ragged = { 0 };
  g_auto(Run) unlisted = { 0 };
  g_auto(Run) none = { 0 };

  test_make_study (dataset);
  g_assert_true (g_file_set_contents (bad, "not an image", -1, NULL));

  /* the bad image fails, named; the others are done and in the tables */
  run_cli (&first, "batch", dataset, "--output-dir", out, "--model", model, "--jobs", "2", NULL);
  g_assert_cmpint (first.status, ==, 1);
  g_assert_nonnull (strstr (first.err, "3 images: 3 to do"));
  g_assert_nonnull (strstr (first.err, "1 of 3 images failed"));
  g_assert_nonnull (strstr (first.err, "sub-b_sample-2_SEM.png"));
  study = read_text (out, "study.csv");
  subjects = read_text (out, "subjects.csv");
  g_assert_true (g_str_has_prefix (study, "image,subject,sample,group,pixel_size_um,model,n_axons"));
  g_assert_nonnull (strstr (study, "sub-a_sample-1_SEM.png,sub-a,sample-1,sham,0.13,"));
  g_assert_nonnull (strstr (study, "sub-b_sample-1_SEM.png,sub-b,sample-1,lesion,0.13,"));
  g_assert_null (strstr (study, "sample-2"));
  g_assert_nonnull (strstr (subjects, "\nsub-a,sham,1,"));
  g_assert_nonnull (strstr (subjects, "\nsub-b,lesion,1,"));

  /* the statistics, the subject as the unit: with one subject a group,
   * no p-value but a note; a column that is not there, said before any work */
  {
    g_auto(Run) stats = { 0 };
    g_auto(Run) no_column = { 0 };
    g_autofree char *stats_dir = g_build_filename (out, "statistics", NULL);
    g_autofree char *tests = NULL, *groups = NULL, *plot = g_build_filename (stats_dir, "subject-means.svg", NULL);

    run_cli (&stats, "stats", out, "--group-by", "group", NULL);
    g_assert_cmpint (stats.status, ==, 0);
    tests = read_text (stats_dir, "tests.csv");
    groups = read_text (stats_dir, "groups.csv");
    g_assert_nonnull (strstr (tests, "mean_gratio,welch_t,lesion vs sham,,,,,n too small: a group has fewer than 2 subjects"));
    g_assert_nonnull (strstr (groups, "mean_axon_diam,sham,1,"));
    g_assert_true (g_file_test (plot, G_FILE_TEST_IS_REGULAR));
    run_cli (&no_column, "batch", dataset, "--output-dir", out, "--model", model, "--group-by", "genotype", NULL);
    g_assert_cmpint (no_column.status, ==, 2);
    g_assert_nonnull (strstr (no_column.err, "no column 'genotype'"));
    g_assert_null (strstr (no_column.err, "to do"));
  }

  /* a second run does only what is missing: the bad image, still bad */
  run_cli (&second, "batch", dataset, "--output-dir", out, "--model", model, NULL);
  g_assert_cmpint (second.status, ==, 1);
  g_assert_nonnull (strstr (second.err, "3 images: 1 to do, 2 done before"));

  /* the tables again from what is done, without segmenting */
  g_assert_cmpint (g_unlink (study_path), ==, 0);
  run_cli (&collected, "batch", "--collect", out, NULL);
  g_assert_cmpint (collected.status, ==, 1);   /* one image is still missing */
  again = read_text (out, "study.csv");
  g_assert_cmpstr (again, ==, study);

  /* a subject missing from participants.tsv: said, its columns empty */
  g_assert_true (g_file_set_contents (participants, "participant_id\tgroup\nsub-a\tsham\n", -1, NULL));
  run_cli (&unlisted, "batch", "--collect", out, NULL);
  g_assert_nonnull (strstr (unlisted.err, "sub-b is not in participants.tsv"));
  g_clear_pointer (&again, g_free);
  again = read_text (out, "subjects.csv");
  g_assert_nonnull (strstr (again, "\nsub-b,,1,"));

  /* a participants.tsv with a ragged row: said, with its line */
  g_assert_true (g_file_set_contents (participants, "participant_id\tgroup\nsub-a\tsham\textra\n", -1, NULL));
  run_cli (&ragged, "batch", dataset, "--output-dir", out, "--model", model, NULL);
  g_assert_cmpint (ragged.status, ==, 1);
  g_assert_nonnull (strstr (ragged.err, "line 2, has 3 fields where its header has 2"));

  /* a folder without images */
  run_cli (&none, "batch", dir, "--output-dir", out, "--model", model, NULL);
  g_assert_cmpint (none.status, ==, 1);
  g_assert_nonnull (strstr (none.err, "No images in"));
  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Sheath/Cli/help", test_cli_help);
  g_test_add_func ("/Sheath/Cli/segment-batch", test_cli_segment_batch);
  g_test_add_func ("/Sheath/Cli/segment-errors", test_cli_segment_errors);
  g_test_add_func ("/Sheath/Cli/evaluate-mismatched-masks", test_cli_evaluate_mismatched_masks);
  g_test_add_func ("/Sheath/Cli/info", test_cli_info);
  g_test_add_func ("/Sheath/Cli/morphometrics", test_cli_morphometrics);
  g_test_add_func ("/Sheath/Cli/train-writes-card", test_cli_train_writes_card);
  g_test_add_func ("/Sheath/Cli/batch", test_cli_batch);

  return g_test_run ();
}
