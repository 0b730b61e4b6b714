/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include <stdio.h>

#include "sheath-cli-private.h"

int
sheath_cli_calibrate (int    argc,
                      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathModel) model = NULL;
  g_autoptr(SheathCalibration) calibration = NULL;
  g_auto(GStrv) data = NULL;
  g_auto(GStrv) subject_list = NULL;
  g_auto(GStrv) held_out = NULL;
  g_autofree char *model_name = NULL, *output = NULL, *subjects = NULL, *report_path = NULL;
  g_autofree char *report = NULL, *validation = NULL;
  gboolean verbose = FALSE, flips = FALSE, no_flips = FALSE;
  guint added = 0;
  const GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model_name, N_ ("The model: sem, tem or a .safetensors file"), "MODEL" },
    { "data", 'd', 0, G_OPTION_ARG_FILENAME_ARRAY, &data, N_ ("A BIDS dataset with manual masks (repeatable)"), "DIR" },
    { "subjects", 0, 0, G_OPTION_ARG_STRING, &subjects,
      N_ ("Only these subjects (default: all but the model's validation subjects)"), "sub-a,sub-b" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_ ("The calibrated model to write"), "MODEL.safetensors" },
    { "report", 0, 0, G_OPTION_ARG_FILENAME, &report_path, N_ ("Also write the report (Markdown) here"), "FILE" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_ ("Print every candidate tried"), NULL },
    { "flips", 0, 0, G_OPTION_ARG_NONE, &flips,
      N_ ("Segment with test-time flips (4x slower), and make them the model's default"), NULL },
    { "no-flips", 0, 0, G_OPTION_ARG_NONE, &no_flips,
      N_ ("Segment without, and make that the model's default"), NULL },
    { NULL }
  };

  context = g_option_context_new ("- fit a model's class boundaries to manual morphometry");
  g_option_context_set_summary (context,
    _ ("Segments the labelled images of the training subjects once, then chooses weights on the\n"
    "class probabilities (moving the boundaries of myelin and axon), a mean confidence below\n"
    "which a fibre is dropped and an axon diameter below which it is a fragment, so that axon\n"
    "count, mean diameter, myelin thickness, g-ratio and the matched fibres' g-ratio bias agree\n"
    "best with the manual masks, without losing Dice.\n"
    "Writes the model with them in its metadata; its weights are unchanged. The model's\n"
    "validation subjects are refused: they are what 'evaluate' measures it on."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr (_ ("sheath-cli calibrate: %s\n"), error->message);
      return 2;
    }
  if (model_name == NULL || data == NULL || output == NULL)
    {
      g_printerr (_ ("sheath-cli calibrate: give --model MODEL, --data DIR and --output MODEL.safetensors\n"));
      return 2;
    }
  if (verbose)
    g_log_set_debug_enabled (TRUE);
  if (!(model = sheath_cli_load_model (model_name, &error)))
    {
      g_printerr (_ ("sheath-cli calibrate: %s\n"), error->message);
      return 1;
    }
  if (subjects)
    subject_list = g_strsplit (subjects, ",", -1);
  validation = sheath_model_dup_metadata_value (model, "validation_subjects");
  held_out = g_strsplit (validation ? validation : "", ",", -1);

  calibration = sheath_calibration_new (model);
  if (flips || no_flips)
    sheath_calibration_set_flips (calibration, flips && !no_flips);
  for (guint d = 0; data[d]; d++)
    {
      g_auto(GStrv) images = sheath_bids_list_images (data[d], &error);

      if (images == NULL)
        {
          g_printerr (_ ("sheath-cli calibrate: %s\n"), error->message);
          return 1;
        }
      for (guint i = 0; images[i]; i++)
        {
          g_autofree char *subject = sheath_bids_dup_subject (images[i]);
          g_autofree char *axon = sheath_bids_dup_mask_path (data[d], images[i], "axon");
          g_autofree char *myelin = sheath_bids_dup_mask_path (data[d], images[i], "myelin");
          g_autofree char *base = g_path_get_basename (images[i]);

          if (subject_list ? !g_strv_contains ((const char * const *) subject_list, subject)
                           : g_strv_contains ((const char * const *) held_out, subject))
            continue;
          if (axon == NULL || myelin == NULL)
            {
              g_printerr (_ ("sheath-cli calibrate: '%s' has no manual masks\n"), images[i]);
              return 1;
            }
          fprintf (stderr, _ ("Segmenting %s\n"), base);
          if (!sheath_calibration_add_image (calibration, images[i], axon, myelin, subject, NULL, &error))
            {
              g_printerr (_ ("sheath-cli calibrate: %s\n"), error->message);
              return 1;
            }
          added++;
        }
    }
  if (added == 0)
    {
      g_printerr (_ ("sheath-cli calibrate: no labelled image of those subjects\n"));
      return 1;
    }

  fprintf (stderr, _ ("Searching the boundaries on %u images\n"), added);
  if (!sheath_calibration_run (calibration, NULL, &error) ||
      !sheath_calibration_write_model (calibration, output, &error))
    {
      g_printerr (_ ("sheath-cli calibrate: %s\n"), error->message);
      return 1;
    }
  report = sheath_calibration_dup_report (calibration);
  printf ("%s", report);
  if (report_path != NULL && !g_file_set_contents (report_path, report, -1, &error))
    {
      g_printerr (_ ("sheath-cli calibrate: %s\n"), error->message);
      return 1;
    }
  fprintf (stderr, _ ("Wrote %s\n"), output);
  return 0;
}
