/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sheath-cli-private.h"

typedef struct
{
  GMainLoop          *loop;
  SheathSegmentation *result;
  GError             *error;
  const char         *name;
  gboolean            tty;
  int                 last_percent;
} SegmentRun;

static void
progress_cb (SheathSegmenter *segmenter,
             GParamSpec      *pspec,
             SegmentRun      *run)
{
  g_autofree char *message = sheath_segmenter_dup_message (segmenter);
  int percent = (int) (sheath_segmenter_get_fraction (segmenter) * 100);

  if (run->tty)
    fprintf (stderr, "\r\033[K%s: %s (%d%%)", run->name, message ? message : "", percent);
  else if (percent / 10 != run->last_percent / 10)
    fprintf (stderr, "%s: %d%%\n", run->name, percent);
  run->last_percent = percent;
}

static void
segment_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      data)
{
  SegmentRun *run = data;

  run->result = sheath_segmenter_segment_finish (SHEATH_SEGMENTER (object), result, &run->error);
  g_main_loop_quit (run->loop);
}

static gboolean
interrupt_cb (gpointer data)
{
  GCancellable *cancellable = data;

  fprintf (stderr, _ ("\nInterrupted: stopping; the image being segmented gets no masks (a large one's run "
                      "is kept for --resume)\n"));
  g_cancellable_cancel (cancellable);
  return G_SOURCE_CONTINUE;
}

/* Segmenting far off a model's scale or modality is allowed (a user may
 * know better) but said, as the app asks before it. */
static void
warn_fit (SheathModel *model,
          SheathImage *image,
          const char  *arg)
{
  double scale = 0;

  switch (sheath_model_get_fit (model, image, &scale))
    {
    case SHEATH_MODEL_FIT_OFF_SCALE:
      g_printerr (_ ("sheath-cli segment: warning: %s has %g µm pixels, %.0f× %s than the model's %g µm: "
                  "check the pixel size, or use a model of this scale\n"), arg,
                  sheath_image_get_pixel_size (image), scale < 1 ? 1 / scale : scale,
                  scale < 1 ? "finer" : "coarser", sheath_model_get_pixel_size (model));
      break;
    case SHEATH_MODEL_FIT_OTHER_MODALITY:
      g_printerr (_ ("sheath-cli segment: warning: %s is named %s, and this is a %s model\n"), arg,
                  sheath_image_get_modality (image), sheath_model_get_modality (model));
      break;
    default:
      break;
    }
}

static void
segment_slide_done_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      data)
{
  SegmentRun *run = data;

  sheath_segmenter_segment_slide_finish (SHEATH_SEGMENTER (object), result, &run->error);
  g_main_loop_quit (run->loop);
}

/* A large image, or one asked for as OME-TIFF: read in bands and its
 * labels written as they are made, its state saved for --resume. */
static gboolean
segment_streamed (SheathSegmenter          *segmenter,
                  SheathSlide              *slide,
                  const char               *arg,
                  double                    pixel_size,
                  const char               *dir,
                  const char               *stem,
                  gboolean                  resume,
                  const MorphometricsArgs  *morphometrics,
                  GCancellable             *cancellable,
                  GError                  **error)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *name = g_strdup_printf ("%s_seg-axonmyelin.ome.tif", stem);
  g_autofree char *map_path = g_build_filename (dir, name, NULL);
  g_autofree char *state_name = g_strdup_printf ("%s.resume", name);
  g_autofree char *state_path = g_build_filename (dir, state_name, NULL);
  SegmentRun run = { 0 };
  gint64 start = g_get_monotonic_time ();
  gulong handler;

  if (!(pixel_size > 0))
    pixel_size = sheath_slide_get_pixel_size (slide);
  run.loop = loop;
  run.name = arg;
  run.tty = isatty (STDERR_FILENO);
  run.last_percent = -10;
  handler = g_signal_connect (segmenter, "notify::fraction", G_CALLBACK (progress_cb), &run);
  sheath_segmenter_segment_slide_async (segmenter, slide, pixel_size, dir, stem, resume, cancellable,
                                        segment_slide_done_cb, &run);
  g_main_loop_run (loop);
  g_signal_handler_disconnect (segmenter, handler);
  if (run.tty)
    fprintf (stderr, "\r\033[K");
  if (run.error != NULL)
    {
      if (g_error_matches (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          g_file_test (state_path, G_FILE_TEST_EXISTS))
        g_printerr (_ ("sheath-cli segment: %s: what was done is kept; the same command with --resume "
                       "continues from it\n"), arg);
      g_propagate_error (error, run.error);
      return FALSE;
    }

  fprintf (stderr, "%s: %" G_GUINT64_FORMAT " × %" G_GUINT64_FORMAT " px at %g µm, streamed in %.1f s → %s\n",
           arg, sheath_slide_get_level_width (slide, 0), sheath_slide_get_level_height (slide, 0),
           pixel_size, (g_get_monotonic_time () - start) / 1e6, map_path);
  if (morphometrics == NULL)
    return TRUE;

  /* measured from the map, band by band */
  return sheath_cli_write_banded_morphometrics (map_path, pixel_size, dir, stem, morphometrics, error);
}

static gboolean
segment_one (SheathSegmenter          *segmenter,
             const char               *arg,
             double                    pixel_size,
             const char               *output_dir,
             double                    ome_tiff_above,
             gboolean                  resume,
             const MorphometricsArgs  *morphometrics,
             GCancellable             *cancellable,
             GError                  **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (arg);
  g_autoptr(SheathSlide) slide = NULL;
  g_autoptr(SheathImage) image = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *stem = sheath_segmentation_dup_stem (file);
  g_autofree char *dir = NULL;
  g_autofree char *axon_path = NULL;
  SegmentRun run = { 0 };
  gulong handler;
  gint64 start;
  gboolean large;

  if (output_dir != NULL)
    dir = g_strdup (output_dir);
  else
    {
      g_autoptr(GFile) parent = g_file_get_parent (file);
      dir = g_file_get_path (parent);
    }

  /* a large image is never read whole: its header says how large */
  slide = sheath_slide_new_from_file (file, NULL);
  if (slide != NULL &&
      (resume || (double) sheath_slide_get_level_width (slide, 0) * sheath_slide_get_level_height (slide, 0) > ome_tiff_above))
    {
      if (pixel_size <= 0 && !(sheath_slide_get_pixel_size (slide) > 0))
        {
          g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_PIXEL_SIZE,
                       _ ("The pixel size of '%s' is unknown: give it with --pixel-size"), arg);
          return FALSE;
        }
      return sheath_cli_prepare_output_dir (dir, error) &&
             segment_streamed (segmenter, slide, arg, pixel_size, dir, stem, resume, morphometrics,
                               cancellable, error);
    }

  if (!(image = sheath_image_new_from_file (file, error)))
    return FALSE;
  if (pixel_size > 0 && !sheath_image_set_pixel_size (image, pixel_size, error))
    return FALSE;
  if (!sheath_image_require_pixel_size (image, error))
    return FALSE;
  warn_fit (sheath_segmenter_get_model (segmenter), image, arg);

  if (!sheath_cli_prepare_output_dir (dir, error))
    return FALSE;

  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  run.name = arg;
  run.tty = isatty (STDERR_FILENO);
  run.last_percent = -10;
  handler = g_signal_connect (segmenter, "notify::fraction", G_CALLBACK (progress_cb), &run);

  start = g_get_monotonic_time ();
  sheath_segmenter_segment_async (segmenter, image, cancellable, segment_done_cb, &run);
  g_main_loop_run (loop);
  g_signal_handler_disconnect (segmenter, handler);
  if (run.tty)
    fprintf (stderr, "\r\033[K");

  if (run.result == NULL)
    {
      g_propagate_error (error, run.error);
      return FALSE;
    }

  /* a large image's labels go to one tiled, pyramidal OME-TIFF */
  large = (double) sheath_image_get_width (image) * sheath_image_get_height (image) > ome_tiff_above;
  if (!(large ? sheath_segmentation_save_ome_tiff (run.result, dir, stem, sheath_image_get_pixel_size (image), error)
              : sheath_segmentation_save (run.result, dir, stem, error)))
    {
      g_object_unref (run.result);
      return FALSE;
    }

  if (large)
    {
      g_autofree char *name = g_strdup_printf ("%s_seg-axonmyelin.ome.tif", stem);

      axon_path = g_build_filename (dir, name, NULL);
    }
  else
    axon_path = sheath_segmentation_dup_mask_path (dir, stem, "axon");
  fprintf (stderr, "%s: %u × %u px at %g µm, %.1f s → %s%s\n",
           arg, sheath_image_get_width (image), sheath_image_get_height (image),
           sheath_image_get_pixel_size (image),
           (g_get_monotonic_time () - start) / 1e6, axon_path,
           large ? "" : " (and _seg-myelin, _seg-axonmyelin)");

  if (morphometrics != NULL &&
      !sheath_cli_write_morphometrics (run.result, image, sheath_image_get_pixel_size (image),
                                       dir, stem, morphometrics, error))
    {
      g_object_unref (run.result);
      return FALSE;
    }

  g_object_unref (run.result);
  return TRUE;
}

int
sheath_cli_segment (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathModel) model = NULL;
  g_autoptr(SheathSegmenter) segmenter = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) failed = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *model_name = NULL;
  g_autofree char *output_dir = NULL;
  g_auto(GStrv) images = NULL;
  double pixel_size = 0;
  int threads = 0;
  int tile_size = 0;
  gboolean flips = FALSE, no_flips = FALSE;
  gboolean morphometrics = FALSE;
  gboolean ome_tiff = FALSE;
  gboolean resume = FALSE;
  double ome_tiff_above = 64;
  g_autofree char *shape = NULL;
  MorphometricsArgs morph_args = { .bin_width = 1.0, .map_cell = SHEATH_CLI_DEFAULT_MAP_CELL };
  g_autofree char *format = NULL;
  guint interrupt_id;
  const GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model_name,
      N_ ("The model: sem, tem, the name of one you trained in the app, or a .safetensors file (default: sem)"), "MODEL" },
    { "pixel-size", 's', 0, G_OPTION_ARG_DOUBLE, &pixel_size,
      N_ ("The pixel size in micrometres, overriding what the files say"), "UM" },
    { "output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &output_dir,
      N_ ("Write the masks here, made if missing (default: beside each image)"), "DIR" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads,
      N_ ("Threads to use (default: one per processor)"), "N" },
    { "flips", 0, 0, G_OPTION_ARG_NONE, &flips,
      N_ ("Also segment each tile mirrored three ways and average: a little more accurate, 4x slower "
          "(default: as the model asks)"), NULL },
    { "no-flips", 0, 0, G_OPTION_ARG_NONE, &no_flips,
      N_ ("Do not, even where the model asks for them"), NULL },
    { "tile-size", 0, 0, G_OPTION_ARG_INT, &tile_size,
      N_ ("Tile side in model pixels, 64–4096 (default: 512); memory grows with its square"), "N" },
    { "morphometrics", 0, 0, G_OPTION_ARG_NONE, &morphometrics,
      N_ ("Also measure every axon (as 'sheath-cli morphometrics' does)"), NULL },
    { "axon-shape", 'a', 0, G_OPTION_ARG_STRING, &shape,
      N_ ("With --morphometrics: circle (default) or ellipse diameters"), "circle|ellipse" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &morph_args.json,
      N_ ("With --morphometrics: aggregates as JSON"), NULL },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format,
      N_ ("With --morphometrics: the per-axon table as csv (default), xlsx or both"), "csv|xlsx|both" },
    { "ome-tiff", 0, 0, G_OPTION_ARG_NONE, &ome_tiff,
      N_ ("Write the labels as one tiled, pyramidal STEM_seg-axonmyelin.ome.tif (0/127/255) instead of "
          "the three PNGs"), NULL },
    { "ome-tiff-above", 0, 0, G_OPTION_ARG_DOUBLE, &ome_tiff_above,
      N_ ("Do so by itself for images of more than this many megapixels (default 64)"), "MPX" },
    { "resume", 0, 0, G_OPTION_ARG_NONE, &resume,
      N_ ("Continue an OME-TIFF run that was stopped, from the state it saved beside its output"), NULL },
    { "maps", 0, 0, G_OPTION_ARG_NONE, &morph_args.maps,
      N_ ("Also measure, and map the measurements in square cells: STEM_maps.tif and "
          "STEM_map-METRIC.png heat maps"), NULL },
    { "map-cell", 0, 0, G_OPTION_ARG_DOUBLE, &morph_args.map_cell,
      N_ ("The maps' cell side (default 50)"), "UM" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &images, NULL, "IMAGE…" },
    { NULL }
  };

  context = g_option_context_new (_ ("IMAGE… - segment axons and myelin"));
  g_option_context_set_summary (context,
    _ ("Writes IMAGE_seg-axon.png, IMAGE_seg-myelin.png (0/255) and IMAGE_seg-axonmyelin.png\n"
    "(0 background, 127 myelin, 255 axon) for each image, as AxonDeepSeg does.\n"
    "The pixel size comes from --pixel-size, a BIDS JSON sidecar, pixel_size_in_micrometer.txt\n"
    "beside the image, or the image's own metadata, in that order (a screen resolution such as\n"
    "72 dpi is not taken for one). An image more than 3× finer or coarser than the model's pixel\n"
    "size, or named for another modality, is segmented with a warning.\n"
    "An image of more than 64 megapixels (--ome-tiff-above), or any with --ome-tiff, is never\n"
    "read whole: it is read in bands and its labels are written as they are made into one tiled,\n"
    "pyramidal BigTIFF, IMAGE_seg-axonmyelin.ome.tif (0/127/255, with its pixel size in OME-XML),\n"
    "which 'sheath-cli morphometrics' reads as it reads the PNGs. Such a run saves its state\n"
    "beside the output as it goes; stopped, the same command with --resume continues it."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr (_ ("sheath-cli segment: %s\n"), error->message);
      return 2;
    }

  if (images == NULL || images[0] == NULL)
    {
      g_printerr (_ ("sheath-cli segment: no image given; see 'sheath-cli segment --help'\n"));
      return 2;
    }
  if (!sheath_cli_check_threads ("segment", threads))
    return 2;
  if (!(ome_tiff_above >= 0) || !(morph_args.map_cell > 0))
    {
      g_printerr (_ ("sheath-cli segment: --ome-tiff-above takes megapixels, 0 or more, and --map-cell µm above 0\n"));
      return 2;
    }
  if (tile_size != 0 && (tile_size < SHEATH_MIN_TILE_SIZE || tile_size > SHEATH_MAX_TILE_SIZE))
    {
      g_printerr (_ ("sheath-cli segment: --tile-size must be between %d and %d\n"),
                  SHEATH_MIN_TILE_SIZE, SHEATH_MAX_TILE_SIZE);
      return 2;
    }
  if (!sheath_cli_parse_format ("segment", format, &morph_args.formats))
    return 2;
  if (shape != NULL && !g_str_equal (shape, "circle") && !g_str_equal (shape, "ellipse"))
    {
      g_printerr (_ ("sheath-cli segment: --axon-shape is circle or ellipse, not '%s'\n"), shape);
      return 2;
    }
  morph_args.shape = shape && g_str_equal (shape, "ellipse") ? SHEATH_AXON_SHAPE_ELLIPSE
                                                             : SHEATH_AXON_SHAPE_CIRCLE;
  if (pixel_size < 0)
    {
      g_printerr (_ ("sheath-cli segment: --pixel-size must be positive\n"));
      return 2;
    }

  if (!(model = sheath_cli_load_model (model_name ? model_name : "sem", &error)))
    {
      g_printerr (_ ("sheath-cli segment: %s\n"), error->message);
      return 1;
    }

  segmenter = sheath_segmenter_new (model);
  sheath_segmenter_set_n_threads (segmenter, threads);
  if (flips || no_flips)
    g_object_set (segmenter, "flips", flips && !no_flips, NULL);
  if (tile_size > 0)
    sheath_segmenter_set_tile_size (segmenter, tile_size);

  interrupt_id = g_unix_signal_add (SIGINT, interrupt_cb, cancellable);

  for (guint i = 0; images[i]; i++)
    {
      g_autoptr(GError) image_error = NULL;

      if (g_cancellable_is_cancelled (cancellable))
        {
          g_ptr_array_add (failed, g_strdup (images[i]));
          continue;
        }
      if (!segment_one (segmenter, images[i], pixel_size, output_dir,
                        ome_tiff ? 0 : ome_tiff_above * 1e6, resume,
                        morphometrics || morph_args.maps ? &morph_args : NULL, cancellable, &image_error))
        {
          if (!g_error_matches (image_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_printerr (_ ("sheath-cli segment: %s\n"), image_error->message);
          g_ptr_array_add (failed, g_strdup (images[i]));
        }
    }

  g_source_remove (interrupt_id);

  if (failed->len > 0)
    {
      g_printerr (_ ("sheath-cli segment: %u of %u images failed:\n"), failed->len, g_strv_length (images));
      for (guint i = 0; i < failed->len; i++)
        g_printerr ("  %s\n", (char *) g_ptr_array_index (failed, i));
      return 1;
    }

  return 0;
}
