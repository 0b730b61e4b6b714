/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/resource.h>
#include <sheath.h>
#include <string.h>

#include "sheath-resample-private.h"
#include "sheath-safetensors-private.h"
#include "sheath-train-net-private.h"
#include "test-util.h"

static SheathModel *
golden_model (void)
{
  g_autofree char *path = test_golden_path ("unet-golden.safetensors");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  SheathModel *model = sheath_model_new_from_file (file, &error);

  g_assert_no_error (error);
  return model;
}

static SheathImage *
load_shared (const char *relative)
{
  g_autofree char *path = test_require_shared (relative);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  SheathImage *image;

  if (path == NULL)
    return NULL;
  file = g_file_new_for_path (path);
  image = sheath_image_new_from_file (file, &error);
  g_assert_no_error (error);
  return image;
}

static SheathSegmentation *
segment (SheathModel *model,
         SheathImage *image,
         guint        tile_size)
{
  g_autoptr(SheathSegmenter) segmenter = sheath_segmenter_new (model);
  g_autoptr(GError) error = NULL;
  SheathSegmentation *seg;

  sheath_segmenter_set_n_threads (segmenter, 2);
  sheath_segmenter_set_tile_size (segmenter, tile_size);
  seg = sheath_segmenter_segment (segmenter, image, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (sheath_segmenter_get_fraction (segmenter), ==, 1.0);
  return seg;
}

static guint64
count_differences (SheathSegmentation *a,
                   SheathSegmentation *b)
{
  g_autoptr(GBytes) la = sheath_segmentation_dup_labels (a);
  g_autoptr(GBytes) lb = sheath_segmentation_dup_labels (b);
  const guint8 *pa = g_bytes_get_data (la, NULL);
  const guint8 *pb = g_bytes_get_data (lb, NULL);
  guint64 n = 0;

  g_assert_cmpuint (g_bytes_get_size (la), ==, g_bytes_get_size (lb));
  for (gsize i = 0; i < g_bytes_get_size (la); i++)
    n += pa[i] != pb[i];
  return n;
}

/* Many small tiles blend into what one tile over the whole image gives. */
static void
test_segmenter_tiles_match_one_tile (void)
{
  g_autoptr(SheathModel) model = golden_model ();
  g_autoptr(SheathImage) image = load_shared ("datasets/sem-rat-spinal-cord/sub-rat3/micr/sub-rat3_sample-data9_SEM.png");
  g_autoptr(SheathSegmentation) tiled = NULL;
  g_autoptr(SheathSegmentation) whole = NULL;
  guint64 total, differ;

  if (image == NULL)
    return;

  tiled = segment (model, image, 256);
  whole = segment (model, image, 1024);
  total = (guint64) sheath_image_get_width (image) * sheath_image_get_height (image);
  differ = count_differences (tiled, whole);
  g_test_message ("tiles of 256 vs one tile: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                  " pixels differ (%.4f %%); axon %.1f %%, myelin %.1f %%",
                  differ, total, 100.0 * differ / total,
                  100.0 * sheath_segmentation_count (whole, SHEATH_LABEL_AXON) / total,
                  100.0 * sheath_segmentation_count (whole, SHEATH_LABEL_MYELIN) / total);
  g_assert_cmpfloat ((double) differ / total, <=, 0.001);
}

/* A square of @image from (x0, y0), side @side, shrunk @factor times by
 * averaging (factor 1: a plain crop), 8-bit. */
static SheathImage *
shrunk_crop (SheathImage *image,
             guint        x0,
             guint        y0,
             guint        side,
             guint        factor)
{
  g_autoptr(GError) error = NULL;
  guint out = side / factor;
  guint8 *pixels = g_malloc ((gsize) out * out);
  double scale = sheath_image_get_bit_depth (image) == 16 ? 257.0 : 1.0;
  g_autoptr(GBytes) bytes = NULL;
  SheathImage *result;

  for (guint y = 0; y < out; y++)
    for (guint x = 0; x < out; x++)
      {
        double sum = 0;

        for (guint dy = 0; dy < factor; dy++)
          for (guint dx = 0; dx < factor; dx++)
            sum += sheath_image_get_value (image, x0 + x * factor + dx, y0 + y * factor + dy);
        pixels[(gsize) y * out + x] = (guint8) CLAMP (sum / (factor * factor) / scale + 0.5, 0, 255);
      }
  bytes = g_bytes_new_take (pixels, (gsize) out * out);
  result = sheath_image_new_from_bytes (out, out, 8, bytes, &error);
  g_assert_no_error (error);
  return result;
}

/* The pixel size is honoured: an image at half the model's pixel size is
 * resampled to it, so it segments as the same field shrunk by hand to the
 * model's size does (seen at the shrunk image's pixels); given at the
 * model's own size instead, the network sees fibres twice too large and
 * agrees far less. Every output has the input's size. */
static void
test_segmenter_resampled (void)
{
  g_autoptr(SheathModel) model = golden_model ();
  g_autoptr(SheathImage) image = load_shared ("datasets/sem-rat-spinal-cord/sub-rat3/micr/sub-rat3_sample-data9_SEM.png");
  g_autoptr(SheathImage) fine = NULL, coarse = NULL;
  g_autoptr(SheathSegmentation) reference = NULL;
  g_autoptr(GError) error = NULL;
  double model_size, agreement[2];
  guint side = 512;

  if (image == NULL)
    return;

  model_size = sheath_model_get_pixel_size (model);
  /* the field upsampled twice stands for an image taken at half the pixel size */
  coarse = shrunk_crop (image, 100, 100, side / 2, 1);
  {
    /* fine: each pixel of the field repeated 2 × 2 */
    g_autoptr(GBytes) bytes = NULL;
    guint8 *pixels = g_malloc ((gsize) side * side);

    for (guint y = 0; y < side; y++)
      for (guint x = 0; x < side; x++)
        pixels[(gsize) y * side + x] = sheath_image_get_value (coarse, x / 2, y / 2);
    bytes = g_bytes_new_take (pixels, (gsize) side * side);
    fine = sheath_image_new_from_bytes (side, side, 8, bytes, &error);
    g_assert_no_error (error);
  }
  g_assert_true (sheath_image_set_pixel_size (coarse, model_size, &error));
  reference = segment (model, coarse, 256);

  for (guint told_right = 0; told_right < 2; told_right++)
    {
      g_autoptr(SheathSegmentation) seg = NULL;
      guint64 same = 0;

      g_assert_true (sheath_image_set_pixel_size (fine, told_right ? model_size / 2 : model_size, &error));
      seg = segment (model, fine, 256);
      g_assert_cmpuint (sheath_segmentation_get_width (seg), ==, side);
      g_assert_cmpuint (sheath_segmentation_get_height (seg), ==, side);
      for (guint y = 0; y < side / 2; y++)
        for (guint x = 0; x < side / 2; x++)
          same += sheath_segmentation_get_label (seg, 2 * x, 2 * y) == sheath_segmentation_get_label (reference, x, y);
      agreement[told_right] = (double) same / ((side / 2) * (side / 2));
    }
  g_test_message ("agreement with the field at the model's size: %.3f at the right pixel size, "
                  "%.3f when told the model's", agreement[1], agreement[0]);
  /* the test network's boundaries are soft, and upsampling its output puts
   * them back at a quarter pixel's shift: 0.83 here, against 0.37 when the
   * pixel size is ignored */
  g_assert_cmpfloat (agreement[1], >=, 0.75);
  g_assert_cmpfloat (1 - agreement[0], >, 2 * (1 - agreement[1]));
}

static void
test_segmenter_resample_axis (void)
{
  double scales[] = { 1.0, 2.0, 1.3, 0.5, 0.77, 7.9 };

  for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
    {
      guint n_in = 101;
      guint n_out = MAX (1, (guint) round (n_in / scales[i]));
      g_autoptr(SheathResampleAxis) axis = _sheath_resample_axis_new (n_in, n_out, scales[i]);
      g_autofree float *ramp = g_new (float, n_in);
      g_autofree float *out = g_new (float, n_out);

      for (guint k = 0; k < n_in; k++)
        ramp[k] = 3.0f;
      _sheath_resample_row (axis, ramp, 1, out);
      for (guint o = 0; o < n_out; o++)
        {
          /* weights sum to one: a constant stays constant */
          g_assert_cmpfloat_with_epsilon (out[o], 3.0, 1e-5);
          g_assert_cmpuint (axis->first[o] + axis->count[o], <=, n_in);
        }

      /* a linear ramp stays linear away from the ends */
      for (guint k = 0; k < n_in; k++)
        ramp[k] = k;
      _sheath_resample_row (axis, ramp, 1, out);
      for (guint o = 2; o + 2 < n_out; o++)
        g_assert_cmpfloat_with_epsilon (out[o], (o + 0.5) * scales[i] - 0.5, 1e-3 + (scales[i] > 1 ? 0.5 : 0));
    }
}

typedef struct
{
  GMainLoop          *loop;
  SheathSegmentation *result;
  GError             *error;
  GPtrArray          *fractions;
  GCancellable       *cancel_on_progress;
  gint64              cancelled_at;
  GByteArray         *rows;          /* the rows-segmented labels, in arrival order */
  guint               n_chunks;
} AsyncRun;

static void
rows_cb (SheathSegmenter *segmenter,
         guint            first_row,
         guint            n_rows,
         GBytes          *labels,
         AsyncRun        *run)
{
  /* from the top, without gaps or overlaps, before the result */
  g_assert_null (run->result);
  g_assert_cmpuint (first_row * 1154, ==, run->rows->len);
  g_assert_cmpuint (g_bytes_get_size (labels), ==, (gsize) n_rows * 1154);
  g_byte_array_append (run->rows, g_bytes_get_data (labels, NULL), g_bytes_get_size (labels));
  run->n_chunks++;
}

static void
fraction_cb (SheathSegmenter *segmenter,
             GParamSpec      *pspec,
             AsyncRun        *run)
{
  double *f = g_new (double, 1);

  *f = sheath_segmenter_get_fraction (segmenter);
  g_ptr_array_add (run->fractions, f);
  if (run->cancel_on_progress && *f > 0 && run->cancelled_at == 0)
    {
      run->cancelled_at = g_get_monotonic_time ();
      g_cancellable_cancel (run->cancel_on_progress);
    }
}

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  AsyncRun *run = data;

  run->result = sheath_segmenter_segment_finish (SHEATH_SEGMENTER (object), result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
test_segmenter_async_progress_cancel (void)
{
  g_autoptr(SheathModel) model = golden_model ();
  g_autoptr(SheathImage) image = load_shared ("samples/formats/gray8.png");
  g_autoptr(SheathSegmenter) segmenter = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  AsyncRun run = { 0 };
  gint64 elapsed;

  if (image == NULL)
    return;

  g_assert_true (sheath_image_set_pixel_size (image, 0.1, &error));
  segmenter = sheath_segmenter_new (model);
  sheath_segmenter_set_tile_size (segmenter, 128);
  sheath_segmenter_set_n_threads (segmenter, 2);
  g_signal_connect (segmenter, "notify::fraction", G_CALLBACK (fraction_cb), &run);

  run.loop = loop;
  run.fractions = g_ptr_array_new_with_free_func (g_free);
  run.rows = g_byte_array_new ();
  g_signal_connect (segmenter, "rows-segmented", G_CALLBACK (rows_cb), &run);
  sheath_segmenter_segment_async (segmenter, image, NULL, done_cb, &run);
  g_main_loop_run (loop);
  g_assert_no_error (run.error);
  g_assert_nonnull (run.result);
  g_assert_cmpuint (sheath_segmentation_get_width (run.result), ==, 1154);
  /* the rows shown as they came are the result, in several pieces */
  {
    g_autoptr(GBytes) labels = sheath_segmentation_dup_labels (run.result);

    g_assert_cmpuint (run.n_chunks, >, 2);
    g_assert_cmpmem (run.rows->data, run.rows->len, g_bytes_get_data (labels, NULL), g_bytes_get_size (labels));
  }
  g_byte_array_unref (run.rows);
  g_signal_handlers_disconnect_by_func (segmenter, rows_cb, &run);
  /* progress reached the main context, in order, and ended at 1 */
  g_assert_cmpuint (run.fractions->len, >=, 2);
  for (guint i = 1; i < run.fractions->len; i++)
    g_assert_cmpfloat (*(double *) run.fractions->pdata[i], >=, *(double *) run.fractions->pdata[i - 1]);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpfloat (sheath_segmenter_get_fraction (segmenter), ==, 1.0);
  g_clear_object (&run.result);
  g_ptr_array_unref (run.fractions);

  /* Cancel once the first tile is done: it stops within a tile. */
  memset (&run, 0, sizeof run);
  run.loop = loop;
  run.fractions = g_ptr_array_new_with_free_func (g_free);
  run.cancel_on_progress = cancellable;
  sheath_segmenter_segment_async (segmenter, image, cancellable, done_cb, &run);
  g_main_loop_run (loop);
  elapsed = g_get_monotonic_time () - run.cancelled_at;
  g_assert_null (run.result);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_test_message ("stopped %.2f s after cancel", elapsed / 1e6);
  /* a 128² tile of this small network takes milliseconds; a second
   * leaves room for a busy machine, not for running on to the end */
  g_assert_cmpint (elapsed, <, G_USEC_PER_SEC);
  g_clear_error (&run.error);
  g_ptr_array_unref (run.fractions);
}

static void
test_segmenter_save_masks (void)
{
  g_autoptr(SheathModel) model = golden_model ();
  g_autoptr(SheathImage) image = load_shared ("datasets/sem-rat-spinal-cord/sub-rat4/micr/sub-rat4_sample-data12_SEM.png");
  g_autoptr(SheathSegmentation) seg = NULL;
  g_autofree char *dir = test_make_temp_dir ();
  g_autoptr(GError) error = NULL;
  const char *kinds[] = { "axon", "myelin", "axonmyelin" };
  SheathImage *masks[3] = { NULL };

  if (image == NULL)
    return;

  seg = segment (model, image, 512);
  g_assert_true (sheath_segmentation_save (seg, dir, "sub-rat4_sample-data12_SEM", &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = sheath_segmentation_dup_mask_path (dir, "sub-rat4_sample-data12_SEM", kinds[i]);
      g_autoptr(GFile) file = g_file_new_for_path (path);

      masks[i] = sheath_image_new_from_file (file, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (sheath_image_get_width (masks[i]), ==, 822);
      g_assert_cmpuint (sheath_image_get_bit_depth (masks[i]), ==, 8);
    }

  for (guint y = 0; y < 771; y++)
    for (guint x = 0; x < 822; x++)
      {
        SheathLabel label = sheath_segmentation_get_label (seg, x, y);

        g_assert_cmpuint (sheath_image_get_value (masks[0], x, y), ==, label == SHEATH_LABEL_AXON ? 255 : 0);
        g_assert_cmpuint (sheath_image_get_value (masks[1], x, y), ==, label == SHEATH_LABEL_MYELIN ? 255 : 0);
        g_assert_cmpuint (sheath_image_get_value (masks[2], x, y), ==,
                          label == SHEATH_LABEL_AXON ? 255 : label == SHEATH_LABEL_MYELIN ? 127 : 0);
      }

  for (guint i = 0; i < 3; i++)
    g_object_unref (masks[i]);

  /* An output folder that cannot be written: an error, and nothing left. */
  {
    g_autofree char *blocker = g_build_filename (dir, "not-a-dir", NULL);
    g_autofree char *inside = g_build_filename (blocker, "out", NULL);
    GDir *d;
    guint n = 0;

    g_file_set_contents (blocker, "", 0, &error);
    g_assert_no_error (error);
    g_assert_false (sheath_segmentation_save (seg, inside, "x", &error));
    g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE);
    g_clear_error (&error);

    d = g_dir_open (dir, 0, NULL);
    while (g_dir_read_name (d))
      n++;
    g_dir_close (d);
    g_assert_cmpuint (n, ==, 4);   /* three masks and the blocker, no temporary files */
  }

  test_remove_tree (dir);
}

/* Images of odd sizes (a single pixel, fewer rows than the network's
 * pooling needs, 16-bit, constant: no spread to normalise by) are refused
 * without a pixel size, then segmented into valid labels of their own
 * size, which do not depend on how the image was tiled. */
static void
test_segmenter_odd_images (void)
{
  g_autoptr(SheathModel) model = golden_model ();
  g_autoptr(GError) error = NULL;
  struct { guint w, h, depth; gboolean constant; } cases[] = {
    { 1, 1, 8, FALSE }, { 5, 3, 8, FALSE }, { 300, 7, 16, FALSE }, { 200, 150, 16, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize n = (gsize) cases[i].w * cases[i].h * (cases[i].depth / 8);
      g_autofree guint8 *pixels = g_malloc (n);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(SheathImage) image = NULL;
      g_autoptr(SheathSegmentation) seg = NULL, small_tiles = NULL;
      g_autoptr(GBytes) labels = NULL;
      const guint8 *l;

      for (gsize k = 0; k < n; k++)
        pixels[k] = cases[i].constant ? 0x42 : (guint8) (k * 37);
      bytes = g_bytes_new (pixels, n);
      image = sheath_image_new_from_bytes (cases[i].w, cases[i].h, cases[i].depth, bytes, &error);
      g_assert_no_error (error);

      {
        g_autoptr(SheathSegmenter) segmenter = sheath_segmenter_new (model);
        g_autoptr(SheathSegmentation) none = sheath_segmenter_segment (segmenter, image, NULL, &error);

        g_assert_null (none);
        g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_NO_PIXEL_SIZE);
        g_clear_error (&error);
      }

      g_assert_true (sheath_image_set_pixel_size (image, 0.1, &error));
      seg = segment (model, image, 512);
      g_assert_cmpuint (sheath_segmentation_get_width (seg), ==, cases[i].w);
      g_assert_cmpuint (sheath_segmentation_get_height (seg), ==, cases[i].h);
      labels = sheath_segmentation_dup_labels (seg);
      g_assert_cmpuint (g_bytes_get_size (labels), ==, (gsize) cases[i].w * cases[i].h);
      l = g_bytes_get_data (labels, NULL);
      for (gsize k = 0; k < g_bytes_get_size (labels); k++)
        g_assert_cmpuint (l[k], <=, SHEATH_LABEL_AXON);

      small_tiles = segment (model, image, 128);
      g_assert_cmpuint (count_differences (seg, small_tiles), <=, (cases[i].w * cases[i].h) / 1000);
    }
}

/* A square crop of an image, mirrored left–right or not. */
static SheathImage *
crop (SheathImage *image,
      guint        side,
      gboolean     mirror)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint8 *pixels = g_malloc ((gsize) side * side);
  SheathImage *out;

  for (guint y = 0; y < side; y++)
    for (guint x = 0; x < side; x++)
      pixels[(gsize) y * side + x] = (guint8) sheath_image_get_value (image, mirror ? side - 1 - x : x, y);
  bytes = g_bytes_new_take (pixels, (gsize) side * side);
  out = sheath_image_new_from_bytes (side, side, 8, bytes, &error);
  g_assert_no_error (error);
  sheath_image_set_pixel_size (out, sheath_image_get_pixel_size (image), NULL);
  return out;
}

/* With flips the prediction does not depend on which way round the image
 * is: segmenting it mirrored gives the mirror of its segmentation (up to
 * rounding on near ties), which a network alone does not. One tile with
 * equal margins on both sides, so that tiling is symmetric too. */
static void
test_segmenter_flips (void)
{
  g_autoptr(SheathModel) model = golden_model ();
  g_autoptr(SheathImage) image = load_shared ("datasets/sem-rat-spinal-cord/sub-rat3/micr/sub-rat3_sample-data9_SEM.png");
  g_autoptr(SheathImage) plain = NULL, mirrored = NULL;
  g_autoptr(GError) error = NULL;
  guint64 differ[2] = { 0, 0 }, total = 512 * 512;

  if (image == NULL)
    return;
  plain = crop (image, 512, FALSE);
  mirrored = crop (image, 512, TRUE);

  for (guint flips = 0; flips < 2; flips++)
    {
      g_autoptr(SheathSegmenter) segmenter = sheath_segmenter_new (model);
      g_autoptr(SheathSegmentation) a = NULL, b = NULL;

      g_object_set (segmenter, "flips", (gboolean) flips, "tile-size", 512 + 2 * 64, "tile-margin", 64, NULL);
      a = sheath_segmenter_segment (segmenter, plain, NULL, &error);
      b = sheath_segmenter_segment (segmenter, mirrored, NULL, &error);
      g_assert_no_error (error);
      for (guint y = 0; y < 512; y++)
        for (guint x = 0; x < 512; x++)
          differ[flips] += sheath_segmentation_get_label (a, x, y) != sheath_segmentation_get_label (b, 511 - x, y);
    }
  g_test_message ("mirror differences: %.4f %% with flips, %.4f %% without",
                  100.0 * differ[1] / total, 100.0 * differ[0] / total);
  g_assert_cmpfloat ((double) differ[1] / total, <=, 0.001);
  g_assert_cmpuint (differ[0], >, 10 * differ[1]);
}

/* A copy of the golden model with these metadata set. */
static SheathModel *
golden_model_with (const char *dir,
                   const char *name,
                   const char *key,
                   const char *value)
{
  g_autofree char *source = test_golden_path ("unet-golden.safetensors");
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GHashTable) changes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  SheathModel *model;

  g_hash_table_insert (changes, (gpointer) key, (gpointer) value);
  g_assert_true (_sheath_safetensors_rewrite_metadata (source, path, changes, &error));
  g_assert_no_error (error);
  model = sheath_model_new_from_file (file, &error);
  g_assert_no_error (error);
  return model;
}

/* A copy of the golden model with @key set to @value is refused, by the
 * key's name. */
static void
assert_golden_model_refused (const char *dir,
                             const char *key,
                             const char *value)
{
  g_autofree char *source = test_golden_path ("unet-golden.safetensors");
  g_autofree char *bad_path = g_build_filename (dir, "bad.safetensors", NULL);
  g_autoptr(GFile) bad_file = g_file_new_for_path (bad_path);
  g_autoptr(GHashTable) changes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(SheathModel) bad = NULL;
  g_autoptr(GError) error = NULL;

  g_hash_table_insert (changes, (gpointer) key, (gpointer) value);
  g_assert_true (_sheath_safetensors_rewrite_metadata (source, bad_path, changes, &error));
  g_assert_no_error (error);
  bad = sheath_model_new_from_file (bad_file, &error);
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message, key));
  g_assert_null (bad);
}

/* A model can ask for test-time flips: its segmenters use them unless told
 * otherwise, and they give what asking for them by hand gives; a value other
 * than true or false is refused by name. */
static void
test_segmenter_model_flips (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autoptr(SheathModel) plain = golden_model ();
  g_autoptr(SheathModel) flipped = golden_model_with (dir, "flipped.safetensors", "test_time_flips", "true");
  g_autoptr(SheathSegmenter) a = NULL, b = NULL;
  g_autoptr(SheathImage) whole = NULL, image = NULL;
  g_autoptr(SheathSegmentation) by_model = NULL, by_hand = NULL, unflipped = NULL;
  g_autoptr(GError) error = NULL;
  gboolean flips;

  g_assert_false (sheath_model_get_test_time_flips (plain));
  g_assert_true (sheath_model_get_test_time_flips (flipped));
  a = sheath_segmenter_new (flipped);
  g_object_get (a, "flips", &flips, NULL);
  g_assert_true (flips);
  b = sheath_segmenter_new (plain);
  g_object_get (b, "flips", &flips, NULL);
  g_assert_false (flips);

  whole = load_shared ("datasets/sem-rat-spinal-cord/sub-rat3/micr/sub-rat3_sample-data9_SEM.png");
  if (whole == NULL)
    return;
  image = shrunk_crop (whole, 100, 100, 192, 1);
  g_assert_true (sheath_image_set_pixel_size (image, sheath_model_get_pixel_size (plain), NULL));
  by_model = sheath_segmenter_segment (a, image, NULL, &error);
  g_assert_no_error (error);
  g_object_set (b, "flips", TRUE, NULL);
  by_hand = sheath_segmenter_segment (b, image, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_differences (by_model, by_hand), ==, 0);
  /* and they are not nothing */
  g_object_set (b, "flips", FALSE, NULL);
  unflipped = sheath_segmenter_segment (b, image, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_differences (by_model, unflipped), >, 0);

  assert_golden_model_refused (dir, "test_time_flips", "yes");
  test_remove_tree (dir);
}

/* The unmyelinated axons' split reads its distance weight from the model:
 * 0 when the key is missing, the value when it is there, and a negative
 * one or one that is not a number is refused by name. */
static void
test_segmenter_uaxon_split_metadata (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autoptr(SheathModel) plain = golden_model ();
  g_autoptr(SheathModel) weighted = golden_model_with (dir, "weighted.safetensors",
                                                       "uaxon_split_distance_weight", "7500");
  const char *bad_values[] = { "-1", "heavy" };

  g_assert_cmpfloat (sheath_model_get_uaxon_split_distance_weight (plain), ==, 0);
  g_assert_cmpfloat (sheath_model_get_uaxon_split_distance_weight (weighted), ==, 7500);
  for (guint i = 0; i < G_N_ELEMENTS (bad_values); i++)
    assert_golden_model_refused (dir, "uaxon_split_distance_weight", bad_values[i]);
  test_remove_tree (dir);
}

/* Decision weights move the boundaries: a model whose myelin weighs 1.3
 * labels more myelin. A calibration of the plain model against masks that
 * model drew finds that weight again, writes it into a model that loads
 * with it, and refuses the model's validation subjects. */
static void
test_segmenter_calibration (void)
{
  const char *image_rel = "datasets/sem-rat-spinal-cord/sub-rat4/micr/sub-rat4_sample-data12_SEM.png";
  g_autofree char *image_path = test_require_shared (image_rel);
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *calibrated_path = g_build_filename (dir, "calibrated.safetensors", NULL);
  g_autofree char *axon = g_build_filename (dir, "s_seg-axon.png", NULL);
  g_autofree char *myelin = g_build_filename (dir, "s_seg-myelin.png", NULL);
  g_autoptr(SheathModel) plain = golden_model ();
  g_autoptr(SheathModel) thicker = NULL, held_out = NULL, calibrated = NULL;
  g_autoptr(SheathImage) image = NULL;
  g_autoptr(SheathSegmentation) a = NULL, b = NULL;
  g_autoptr(SheathCalibration) calibration = NULL;
  g_autoptr(GFile) calibrated_file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *report = NULL, *subjects = NULL;
  const double *weights;
  guint n;

  if (image_path == NULL)
    return;
  image = load_shared (image_rel);
  thicker = golden_model_with (dir, "thicker.safetensors", "decision_weights", "1,1.3,1");
  weights = sheath_model_get_decision_weights (thicker, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpfloat (weights[1], ==, 1.3);
  a = segment (plain, image, 256);
  b = segment (thicker, image, 256);
  g_assert_cmpuint (sheath_segmentation_count (b, SHEATH_LABEL_MYELIN), >,
                    sheath_segmentation_count (a, SHEATH_LABEL_MYELIN));
  g_assert_true (sheath_segmentation_save (b, dir, "s", &error));
  g_assert_no_error (error);

  /* a model must not be calibrated on its validation subjects */
  held_out = golden_model_with (dir, "held-out.safetensors", "validation_subjects", "sub-rat2,sub-rat4");
  calibration = sheath_calibration_new (held_out);
  g_assert_false (sheath_calibration_add_image (calibration, image_path, axon, myelin, "sub-rat4", NULL, &error));
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "validation subject"));
  g_clear_error (&error);
  g_clear_object (&calibration);

  calibration = sheath_calibration_new (plain);
  g_assert_false (sheath_calibration_run (calibration, NULL, &error));
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (sheath_calibration_add_image (calibration, image_path, axon, myelin, "sub-rat4", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (sheath_calibration_run (calibration, NULL, &error));
  g_assert_no_error (error);
  weights = sheath_calibration_get_decision_weights (calibration, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpfloat (weights[0], ==, 1.0);
  g_assert_cmpfloat (weights[1], ==, 1.3);
  g_assert_cmpfloat (weights[2], ==, 1.0);
  g_assert_cmpfloat (sheath_calibration_get_min_fibre_confidence (calibration), ==, 0);
  report = sheath_calibration_dup_report (calibration);
  g_test_message ("%s", report);
  g_assert_nonnull (strstr (report, "| chosen | 1.00,1.30,1.00 |"));

  g_assert_true (sheath_calibration_write_model (calibration, calibrated_path, &error));
  g_assert_no_error (error);
  calibrated_file = g_file_new_for_path (calibrated_path);
  calibrated = sheath_model_new_from_file (calibrated_file, &error);
  g_assert_no_error (error);
  weights = sheath_model_get_decision_weights (calibrated, &n);
  g_assert_cmpfloat (weights[1], ==, 1.3);
  subjects = sheath_model_dup_metadata_value (calibrated, "calibration_subjects");
  g_assert_cmpstr (subjects, ==, "sub-rat4");

  test_remove_tree (dir);
}

/* A model with a class Sheath does not know: it loads, its class is a
 * label of its own (SHEATH_LABEL_OTHER) named by the segmentation, drawn
 * in a colour of its own, saved as STEM_seg-NAME.png, measured as regions,
 * and left out of the scores. */
static void
test_segmenter_unknown_class (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "vessels.safetensors", NULL);
  g_autofree char *mask = g_build_filename (dir, "s_seg-bloodvessel.png", NULL);
  g_autoptr(SheathTrainNet) net = _sheath_train_net_new (2, 4, 1, 4);
  g_autoptr(GHashTable) meta = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(SheathModel) model = NULL;
  g_autoptr(SheathImage) image = NULL;
  g_autoptr(SheathSegmentation) seg = NULL;
  g_autoptr(SheathMorphometrics) m = NULL;
  g_autoptr(SheathScores) scores = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = g_new (guint8, 96 * 96);
  const char * const *others;
  guint64 other = 0;
  guint8 rgb[2][3];

  const char *keys[][2] = {
    { "format", "sheath-model-1" }, { "architecture", "unet" }, { "depth", "2" }, { "base_channels", "4" },
    { "kernel_size", "3" }, { "in_channels", "1" }, { "classes", "background,myelin,axon,blood vessel" },
    { "pixel_size_um", "0.1" }, { "modality", "SEM" }, { "normalization", "image-zscore" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_hash_table_insert (meta, (gpointer) keys[i][0], (gpointer) keys[i][1]);
  _sheath_train_net_init_random (net, 7);
  g_assert_true (_sheath_train_net_write_model (net, path, meta, FALSE, &error));
  g_assert_no_error (error);
  model = sheath_model_new_from_file (file, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 96 * 96; i++)
    pixels[i] = (guint8) ((i * 2654435761u) >> 24);
  image = sheath_image_new_from_bytes (96, 96, 8, g_bytes_new_take (g_steal_pointer (&pixels), 96 * 96), &error);
  g_assert_no_error (error);
  g_assert_true (sheath_image_set_pixel_size (image, 0.1, &error));
  seg = segment (model, image, 64);
  others = sheath_segmentation_get_other_classes (seg);
  g_assert_nonnull (others);
  g_assert_cmpstr (others[0], ==, "blood vessel");
  g_assert_null (others[1]);
  for (guint y = 0; y < 96; y++)
    for (guint x = 0; x < 96; x++)
      {
        SheathLabel l = sheath_segmentation_get_label (seg, x, y);

        g_assert_cmpuint (l, <=, SHEATH_LABEL_OTHER);
        other += l == SHEATH_LABEL_OTHER;
      }
  g_test_message ("%" G_GUINT64_FORMAT " pixels of the unknown class", other);
  g_assert_cmpuint (other, >, 0);

  sheath_label_get_colour (SHEATH_LABEL_OTHER, &rgb[0][0], &rgb[0][1], &rgb[0][2]);
  sheath_label_get_colour (SHEATH_LABEL_AXON, &rgb[1][0], &rgb[1][1], &rgb[1][2]);
  g_assert_true (memcmp (rgb[0], rgb[1], 3) != 0);

  g_assert_true (sheath_segmentation_save (seg, dir, "s", &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (mask, G_FILE_TEST_IS_REGULAR));

  m = sheath_morphometrics_compute (seg, 0.1, SHEATH_AXON_SHAPE_CIRCLE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_morphometrics_get_n_other_regions (m, SHEATH_LABEL_OTHER), >, 0);
  g_assert_cmpfloat (sheath_morphometrics_get_other_region (m, SHEATH_LABEL_OTHER, 0)->axon_area, >, 0);

  scores = sheath_scores_compute (seg, seg, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scores->pixels, ==, 96 * 96);

  test_remove_tree (dir);
}

static void
cancel_at_half_cb (SheathSegmenter *segmenter,
                   GParamSpec      *pspec,
                   GCancellable    *cancellable)
{
  if (sheath_segmenter_get_fraction (segmenter) >= 0.5)
    g_cancellable_cancel (cancellable);
}

static GBytes *
read_bytes (const char *dir,
            const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static gboolean
exists_in (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

typedef struct
{
  SheathSegmentation *expected;
  guint               next_row;
  guint               differences;
} RowsSeen;

/* Rows a viewer is shown come in order, once each, and are the final ones. */
static void
rows_seen_cb (SheathSegmenter *segmenter,
              guint            first_row,
              guint            n_rows,
              GBytes          *labels,
              RowsSeen        *seen)
{
  guint width = sheath_segmentation_get_width (seen->expected);
  gsize size;
  const guint8 *rows = g_bytes_get_data (labels, &size);

  g_assert_cmpuint (first_row, ==, seen->next_row);
  g_assert_cmpuint (size, ==, (gsize) n_rows * width);
  for (guint r = 0; r < n_rows; r++)
    for (guint x = 0; x < width; x++)
      seen->differences += rows[(gsize) r * width + x] !=
                           sheath_segmentation_peek_row (seen->expected, first_row + r)[x];
  seen->next_row += n_rows;
}

/* A slide streamed into an OME-TIFF, its clean-up done band by band, gives
 * the labels the whole image gives. A run cancelled halfway leaves its
 * state and part file (and no map); the state is refused, untouched, for
 * another model; resumed, the run writes the very bytes of an
 * uninterrupted one and removes its state. */
static void
test_segmenter_slide_streamed (void)
{
  const char *image_rel = "datasets/sem-rat-spinal-cord/sub-rat4/micr/sub-rat4_sample-data12_SEM.png";
  g_autofree char *image_path = test_require_shared (image_rel);
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *stopped_dir = g_build_filename (dir, "stopped", NULL);
  g_autofree char *map_path = g_build_filename (dir, "whole_seg-axonmyelin.ome.tif", NULL);
  g_autoptr(SheathModel) plain = golden_model ();
  g_autoptr(SheathModel) cleaned = NULL;
  g_autoptr(SheathImage) image = NULL;
  g_autoptr(SheathSlide) slide = NULL;
  g_autoptr(SheathSegmentation) whole = NULL, raw = NULL, streamed = NULL;
  g_autoptr(SheathSegmenter) segmenter = NULL, other = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GFile) file = NULL, map = NULL;
  g_autoptr(GBytes) state = NULL, state_after = NULL, uninterrupted = NULL, resumed = NULL;
  g_autoptr(GError) error = NULL;
  RowsSeen seen = { 0 };
  gulong handler;

  if (image_path == NULL)
    return;
  g_assert_cmpint (g_mkdir (stopped_dir, 0755), ==, 0);
  image = load_shared (image_rel);
  file = g_file_new_for_path (image_path);
  slide = sheath_slide_new_from_file (file, &error);
  g_assert_no_error (error);

  /* 771 rows at 0.1 µm: windows of 400 rows with 200 above and below */
  cleaned = golden_model_with (dir, "cleaned.safetensors", "min_axon_diam_um", "1.0");
  raw = segment (plain, image, 128);
  whole = segment (cleaned, image, 128);
  g_assert_cmpuint (count_differences (raw, whole), >, 0);

  segmenter = sheath_segmenter_new (cleaned);
  sheath_segmenter_set_n_threads (segmenter, 2);
  sheath_segmenter_set_tile_size (segmenter, 128);
  seen.expected = whole;
  handler = g_signal_connect (segmenter, "rows-segmented", G_CALLBACK (rows_seen_cb), &seen);
  g_assert_true (sheath_segmenter_segment_slide (segmenter, slide, 0, dir, "whole", FALSE, NULL, &error));
  g_assert_no_error (error);
  g_signal_handler_disconnect (segmenter, handler);
  /* every row was shown as it was written */
  g_assert_cmpuint (seen.next_row, ==, sheath_segmentation_get_height (whole));
  g_assert_cmpuint (seen.differences, ==, 0);
  g_assert_false (exists_in (dir, "whole_seg-axonmyelin.ome.tif.resume"));
  g_assert_false (exists_in (dir, "whole_seg-axonmyelin.ome.tif.part"));
  map = g_file_new_for_path (map_path);
  streamed = sheath_segmentation_new_from_axonmyelin (map, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_differences (whole, streamed), ==, 0);
  g_clear_object (&streamed);

  /* and without a clean-up */
  other = sheath_segmenter_new (plain);
  sheath_segmenter_set_tile_size (other, 128);
  g_assert_true (sheath_segmenter_segment_slide (other, slide, 0, dir, "whole", FALSE, NULL, &error));
  g_assert_no_error (error);
  streamed = sheath_segmentation_new_from_axonmyelin (map, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_differences (raw, streamed), ==, 0);
  g_assert_true (sheath_segmenter_segment_slide (segmenter, slide, 0, dir, "whole", FALSE, NULL, &error));
  g_assert_no_error (error);

  /* stopped halfway */
  handler = g_signal_connect (segmenter, "notify::fraction", G_CALLBACK (cancel_at_half_cb), cancellable);
  g_assert_false (sheath_segmenter_segment_slide (segmenter, slide, 0, stopped_dir, "s", FALSE, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_signal_handler_disconnect (segmenter, handler);
  g_assert_true (exists_in (stopped_dir, "s_seg-axonmyelin.ome.tif.resume"));
  g_assert_true (exists_in (stopped_dir, "s_seg-axonmyelin.ome.tif.part"));
  g_assert_false (exists_in (stopped_dir, "s_seg-axonmyelin.ome.tif"));
  state = read_bytes (stopped_dir, "s_seg-axonmyelin.ome.tif.resume");

  /* not for another model, and the state is left as it was */
  g_assert_false (sheath_segmenter_segment_slide (other, slide, 0, stopped_dir, "s", TRUE, NULL, &error));
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "another image, model or setting"));
  g_clear_error (&error);
  state_after = read_bytes (stopped_dir, "s_seg-axonmyelin.ome.tif.resume");
  g_assert_true (g_bytes_equal (state, state_after));
  g_assert_true (exists_in (stopped_dir, "s_seg-axonmyelin.ome.tif.part"));

  /* a damaged state is refused, and left */
  {
    g_autofree char *state_path = g_build_filename (stopped_dir, "s_seg-axonmyelin.ome.tif.resume", NULL);
    g_autofree char *saved = g_build_filename (stopped_dir, "saved-state", NULL);
    gsize half = g_bytes_get_size (state) / 2;

    g_assert_cmpint (g_rename (state_path, saved), ==, 0);
    g_assert_true (g_file_set_contents (state_path, g_bytes_get_data (state, NULL), (gssize) half, NULL));
    g_assert_false (sheath_segmenter_segment_slide (segmenter, slide, 0, stopped_dir, "s", TRUE, NULL, &error));
    g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "s_seg-axonmyelin.ome.tif.resume"));
    g_clear_error (&error);
    g_assert_true (exists_in (stopped_dir, "s_seg-axonmyelin.ome.tif.part"));
    g_assert_cmpint (g_rename (saved, state_path), ==, 0);
  }

  /* resumed: the same bytes, and nothing left beside them */
  g_assert_true (sheath_segmenter_segment_slide (segmenter, slide, 0, stopped_dir, "s", TRUE, NULL, &error));
  g_assert_no_error (error);
  uninterrupted = read_bytes (dir, "whole_seg-axonmyelin.ome.tif");
  resumed = read_bytes (stopped_dir, "s_seg-axonmyelin.ome.tif");
  g_assert_true (g_bytes_equal (uninterrupted, resumed));
  g_assert_false (exists_in (stopped_dir, "s_seg-axonmyelin.ome.tif.resume"));
  g_assert_false (exists_in (stopped_dir, "s_seg-axonmyelin.ome.tif.part"));

  /* nothing to resume */
  g_assert_false (sheath_segmenter_segment_slide (segmenter, slide, 0, stopped_dir, "s", TRUE, NULL, &error));
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "no saved state"));

  test_remove_tree (dir);
}

/* A disk that fills up while the map is written (here a file size limit):
 * a clear error naming the file, and no map left behind. */
static void
test_segmenter_slide_disk_full (void)
{
  const char *image_rel = "datasets/sem-rat-spinal-cord/sub-rat4/micr/sub-rat4_sample-data12_SEM.png";
  g_autofree char *image_path = test_require_shared (image_rel);

  if (image_path == NULL)
    return;
  if (g_test_subprocess ())
    {
      g_autofree char *dir = test_make_temp_dir ();
      g_autoptr(GFile) file = g_file_new_for_path (image_path);
      g_autoptr(SheathSlide) slide = sheath_slide_new_from_file (file, NULL);
      g_autoptr(SheathModel) model = golden_model ();
      g_autoptr(SheathSegmenter) segmenter = sheath_segmenter_new (model);
      g_autoptr(GError) error = NULL;
      struct rlimit limit = { 16 * 1024, 16 * 1024 };

      signal (SIGXFSZ, SIG_IGN);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      sheath_segmenter_set_tile_size (segmenter, 128);
      g_assert_false (sheath_segmenter_segment_slide (segmenter, slide, 0, dir, "s", FALSE, NULL, &error));
      g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE);
      g_printerr ("%s\n", error->message);
      g_assert_false (exists_in (dir, "s_seg-axonmyelin.ome.tif"));
      test_remove_tree (dir);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*Cannot*s_seg-axonmyelin.ome.tif*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Sheath/Segmenter/tiles-match-one-tile", test_segmenter_tiles_match_one_tile);
  g_test_add_func ("/Sheath/Segmenter/resampled", test_segmenter_resampled);
  g_test_add_func ("/Sheath/Segmenter/resample-axis", test_segmenter_resample_axis);
  g_test_add_func ("/Sheath/Segmenter/async-progress-cancel", test_segmenter_async_progress_cancel);
  g_test_add_func ("/Sheath/Segmenter/save-masks", test_segmenter_save_masks);
  g_test_add_func ("/Sheath/Segmenter/odd-images", test_segmenter_odd_images);
  g_test_add_func ("/Sheath/Segmenter/flips", test_segmenter_flips);
  g_test_add_func ("/Sheath/Segmenter/calibration", test_segmenter_calibration);
  g_test_add_func ("/Sheath/Segmenter/unknown-class", test_segmenter_unknown_class);
  g_test_add_func ("/Sheath/Segmenter/slide-streamed", test_segmenter_slide_streamed);
  g_test_add_func ("/Sheath/Segmenter/model-flips", test_segmenter_model_flips);
  g_test_add_func ("/Sheath/Segmenter/uaxon-split-metadata", test_segmenter_uaxon_split_metadata);
  g_test_add_func ("/Sheath/Segmenter/slide-disk-full", test_segmenter_slide_disk_full);

  return g_test_run ();
}
