/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "sheath-cli-private.h"

typedef struct
{
  char *image;
  char *axon;
  char *myelin;
  char *subject;
} Labelled;

static void
labelled_free (gpointer p)
{
  Labelled *l = p;

  g_free (l->image);
  g_free (l->axon);
  g_free (l->myelin);
  g_free (l->subject);
  g_free (l);
}

/* Images sub-XX/micr/NAME, with masks derivatives/labels/sub-XX/micr/STEM_seg-axon-manual.png
 * and _seg-myelin-manual.png. */
static gboolean
find_labelled (const char  *dir,
               GPtrArray   *out,
               GError     **error)
{
  g_auto(GStrv) images = sheath_bids_list_images (dir, error);

  if (images == NULL)
    return FALSE;
  for (guint i = 0; images[i]; i++)
    {
      Labelled *l = g_new0 (Labelled, 1);

      l->image = g_strdup (images[i]);
      l->axon = sheath_bids_dup_mask_path (dir, images[i], "axon");
      l->myelin = sheath_bids_dup_mask_path (dir, images[i], "myelin");
      l->subject = sheath_bids_dup_subject (images[i]);
      g_ptr_array_add (out, l);
    }
  return TRUE;
}

static void
add_scores (JsonBuilder        *b,
            const SheathScores *s)
{
  const struct { const char *name; double value; } rates[] = {
    { "dice_axon", s->dice_axon }, { "dice_myelin", s->dice_myelin }, { "pixel_accuracy", s->accuracy },
    { "precision_axon", s->precision_axon }, { "sensitivity_axon", s->sensitivity_axon },
    { "precision_myelin", s->precision_myelin }, { "sensitivity_myelin", s->sensitivity_myelin },
    { "detection_precision", s->detection_precision }, { "detection_recall", s->detection_recall },
    { "detection_f1", s->detection_f1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
    {
      json_builder_set_member_name (b, rates[i].name);
      json_builder_add_double_value (b, rates[i].value);
    }
  json_builder_set_member_name (b, "axons_predicted");
  json_builder_add_int_value (b, s->axons_predicted);
  json_builder_set_member_name (b, "axons_true");
  json_builder_add_int_value (b, s->axons_actual);
  json_builder_set_member_name (b, "axons_detected");
  json_builder_add_int_value (b, s->axons_matched);
  if (s->unmyelinated)
    {
      const struct { const char *name; double value; } u_rates[] = {
        { "dice_uaxon", s->dice_uaxon }, { "uaxon_detection_precision", s->uaxon_detection_precision },
        { "uaxon_detection_recall", s->uaxon_detection_recall }, { "uaxon_detection_f1", s->uaxon_detection_f1 },
      };

      for (guint i = 0; i < G_N_ELEMENTS (u_rates); i++)
        {
          json_builder_set_member_name (b, u_rates[i].name);
          json_builder_add_double_value (b, u_rates[i].value);
        }
      json_builder_set_member_name (b, "uaxons_predicted");
      json_builder_add_int_value (b, s->uaxons_predicted);
      json_builder_set_member_name (b, "uaxons_true");
      json_builder_add_int_value (b, s->uaxons_actual);
      json_builder_set_member_name (b, "uaxons_detected");
      json_builder_add_int_value (b, s->uaxons_matched);
    }
}

/* One image (or all pooled, @image −1) as the agreement table shows it:
 * the figures from the predicted masks against the manual ones, in %. */
static void
print_agreement_row (SheathAgreement *agreement,
                     int              image,
                     const char      *name)
{
  static const SheathAgreementFigure shown[] = {
    SHEATH_AGREEMENT_AXON_COUNT, SHEATH_AGREEMENT_MEAN_AXON_DIAM, SHEATH_AGREEMENT_MEAN_MYELIN_THICKNESS,
    SHEATH_AGREEMENT_MEAN_GRATIO, SHEATH_AGREEMENT_AVF, SHEATH_AGREEMENT_MVF,
  };

  printf ("%-44s %5.0f %5.0f", name, sheath_agreement_get_figure (agreement, image, SHEATH_AGREEMENT_AXON_COUNT, TRUE),
          sheath_agreement_get_figure (agreement, image, SHEATH_AGREEMENT_AXON_COUNT, FALSE));
  for (guint i = 0; i < G_N_ELEMENTS (shown); i++)
    printf (" %+7.1f", 100 * sheath_agreement_get_difference (agreement, image, shown[i]));
  printf ("\n");
}

static void
print_agreement (SheathAgreement    *agreement,
                 const char * const *names)
{
  static const char * const measures[] = { N_ ("axon diameter (µm)"), N_ ("myelin thickness (µm)"), N_ ("g-ratio") };
  guint extra, missed;
  double extra_diam, missed_diam;

  if (sheath_agreement_get_exclude_border (agreement))
    printf (_ ("\nMorphometry from the predicted masks against the manual ones, fibres cut by the image's edge "
               "left out (relative differences, %%):\n"));
  else
    printf (_ ("\nMorphometry from the predicted masks against the manual ones (relative differences, %%):\n"));
  printf ("%-44s %5s %5s %7s %7s %7s %7s %7s %7s\n", "image", "axons", "true", "count", "diam", "thick",
          "gratio", "AVF", "MVF");
  for (guint i = 0; i < sheath_agreement_get_n_images (agreement); i++)
    print_agreement_row (agreement, (int) i, names[i]);
  print_agreement_row (agreement, -1, _ ("pooled"));
  printf (_ ("\nMatched fibres (axon IoU ≥ 0.5), Bland–Altman, predicted − manual:\n"));
  for (guint m = 0; m < G_N_ELEMENTS (measures); m++)
    {
      double bias, lower, upper, ci_lower, ci_upper;
      guint n = sheath_agreement_get_bland_altman (agreement, m, &bias, &lower, &upper);

      const char *name = _ (measures[m]);
      /* padded by characters, not bytes: "µ" is two */
      int pad = MAX (0, 22 - (int) g_utf8_strlen (name, -1));

      sheath_agreement_get_bias_interval (agreement, m, &ci_lower, &ci_upper);
      printf (_ ("  %s%*s n %5u  bias %+.4f (95 %% CI %+.4f to %+.4f)  limits of agreement [%+.4f, %+.4f]\n"), name,
              pad, "", n, bias, ci_lower, ci_upper, lower, upper);
    }
  sheath_agreement_get_unmatched (agreement, &extra, &extra_diam, &missed, &missed_diam);
  printf (_ ("  unmatched: %u extra (median diameter %.2f µm), %u missed (median diameter %.2f µm)\n"), extra,
          extra_diam, missed, missed_diam);
}

static void
print_row (const char         *name,
           const SheathScores *s)
{
  printf ("%-44s %6.4f %6.4f %6.4f  %6.4f %6.4f %6.4f %6.4f  %6.4f %6.4f %6.4f", name,
          s->dice_axon, s->dice_myelin, s->accuracy,
          s->precision_axon, s->sensitivity_axon, s->precision_myelin, s->sensitivity_myelin,
          s->detection_precision, s->detection_recall, s->detection_f1);
  if (s->unmyelinated)
    printf ("  %6.4f %6.4f %6.4f %6.4f", s->dice_uaxon, s->uaxon_detection_precision,
            s->uaxon_detection_recall, s->uaxon_detection_f1);
  printf ("\n");
}

/* The image segmented and scored against its masks, and measured both
 * ways into @agreement. */
static SheathScores *
evaluate_image (SheathSegmenter  *segmenter,
                Labelled         *l,
                SheathAgreement  *agreement,
                GError          **error)
{
  g_autoptr(GFile) f = g_file_new_for_path (l->image);
  g_autoptr(GFile) a = NULL, m = NULL;
  g_autoptr(SheathImage) pixels = NULL;
  g_autoptr(SheathSegmentation) truth = NULL, prediction = NULL;
  g_autoptr(SheathScores) scores = NULL;
  g_autofree char *base = g_path_get_basename (l->image);

  if (l->axon == NULL || l->myelin == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, _ ("'%s' has no manual masks"), l->image);
      return NULL;
    }
  a = g_file_new_for_path (l->axon);
  m = g_file_new_for_path (l->myelin);
  if (!(pixels = sheath_image_new_from_file (f, error)) ||
      !(truth = sheath_segmentation_new_from_masks (a, m, error)))
    return NULL;
  /* said before the image is segmented, by name */
  if (sheath_segmentation_get_width (truth) != sheath_image_get_width (pixels) ||
      sheath_segmentation_get_height (truth) != sheath_image_get_height (pixels))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("'%s' is %u × %u pixels but its manual masks are %u × %u"), l->image,
                   sheath_image_get_width (pixels), sheath_image_get_height (pixels),
                   sheath_segmentation_get_width (truth), sheath_segmentation_get_height (truth));
      return NULL;
    }
  if (!(prediction = sheath_segmenter_segment (segmenter, pixels, NULL, error)))
    return NULL;
  /* a model that finds unmyelinated axons is scored on them too */
  if (sheath_segmentation_get_unmyelinated (prediction))
    {
      if (!sheath_segmentation_add_unmyelinated_beside (truth, a, error))
        return NULL;
      if (!sheath_segmentation_get_unmyelinated (truth))
        g_printerr (_ ("sheath-cli evaluate: '%s' has no manual mask of unmyelinated axons; they are not scored\n"),
                    base);
    }
  if (!(scores = sheath_scores_compute (prediction, truth, error)) ||
      !sheath_agreement_add (agreement, base, prediction, truth, sheath_image_get_pixel_size (pixels), NULL, error))
    return NULL;
  return g_steal_pointer (&scores);
}

int
sheath_cli_evaluate (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathModel) model = NULL;
  g_autoptr(SheathSegmenter) segmenter = NULL;
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func (labelled_free);
  g_autoptr(SheathScores) total = sheath_scores_new ();
  g_autoptr(SheathAgreement) agreement = sheath_agreement_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_null_terminated (8, g_free, TRUE);
  g_autoptr(JsonBuilder) json = json_builder_new ();
  g_auto(GStrv) data = NULL;
  g_auto(GStrv) subject_list = NULL;
  g_autofree char *model_name = NULL, *json_path = NULL, *subjects = NULL, *plots = NULL;
  int threads = 0;
  gboolean flips = FALSE, no_flips = FALSE, exclude_border = FALSE;
  guint evaluated = 0;
  const GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model_name, N_ ("The model: sem, tem or a .safetensors file"), "MODEL" },
    { "data", 'd', 0, G_OPTION_ARG_FILENAME_ARRAY, &data, N_ ("A BIDS dataset with manual masks (repeatable)"), "DIR" },
    { "subjects", 0, 0, G_OPTION_ARG_STRING, &subjects, N_ ("Only these subjects"), "sub-a,sub-b" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_path, N_ ("Also write the figures as JSON"), "FILE" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, N_ ("Threads (default: one per processor)"), "N" },
    { "plots", 0, 0, G_OPTION_ARG_FILENAME, &plots,
      N_ ("Write the agreement plots (Bland–Altman, predicted against manual) into DIR, as PNG and SVG"), "DIR" },
    { "flips", 0, 0, G_OPTION_ARG_NONE, &flips,
      N_ ("Also segment each tile mirrored three ways and average, 4x slower (default: as the model asks)"), NULL },
    { "no-flips", 0, 0, G_OPTION_ARG_NONE, &no_flips,
      N_ ("Do not, even where the model asks for them"), NULL },
    { "exclude-border", 0, 0, G_OPTION_ARG_NONE, &exclude_border,
      N_ ("Leave the fibres cut by the image's edge out of the morphometry, in both masks (as morphometrics --exclude-border)"), NULL },
    { NULL }
  };

  context = g_option_context_new ("- score a model against manual masks");
  g_option_context_set_summary (context,
    _ ("Segments every image of the datasets and compares with its manual masks: Dice of axon\n"
    "and myelin, pixel accuracy, precision and sensitivity per class, and axon detection (a\n"
    "predicted axon whose IoU with a true axon is at least 0.5 is detected): precision, recall, F1.\n"
    "Then the morphometry: axon count, density, mean and median diameter, myelin thickness and\n"
    "g-ratio, AVF and MVF from the predicted masks against the same from the manual ones, per\n"
    "image and pooled; and over the matched fibres the Bland–Altman bias (with its 95 % confidence\n"
    "interval) and 95 % limits of agreement of diameter, thickness and g-ratio, with the extra and\n"
    "missed fibres.\n"
    "A model with unmyelinated axons (class uaxon) is also scored on them, against each image's\n"
    "_seg-uaxon-manual.png: Dice (Dua) and detection precision, recall and F1 (uP, uR, uF1)."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr (_ ("sheath-cli evaluate: %s\n"), error->message);
      return 2;
    }
  if (!sheath_cli_check_threads ("evaluate", threads))
    return 2;
  sheath_agreement_set_exclude_border (agreement, exclude_border);
  if (model_name == NULL || data == NULL)
    {
      g_printerr (_ ("sheath-cli evaluate: give --model MODEL and --data DIR\n"));
      return 2;
    }
  if (!(model = sheath_cli_load_model (model_name, &error)))
    {
      g_printerr (_ ("sheath-cli evaluate: %s\n"), error->message);
      return 1;
    }
  for (guint i = 0; data[i]; i++)
    if (!find_labelled (data[i], images, &error))
      {
        g_printerr (_ ("sheath-cli evaluate: %s\n"), error->message);
        return 1;
      }
  if (subjects)
    subject_list = g_strsplit (subjects, ",", -1);

  segmenter = sheath_segmenter_new (model);
  sheath_segmenter_set_n_threads (segmenter, threads > 0 ? threads : 0);
  if (flips || no_flips)
    g_object_set (segmenter, "flips", flips && !no_flips, NULL);

  json_builder_begin_object (json);
  json_builder_set_member_name (json, "model");
  json_builder_add_string_value (json, model_name);
  json_builder_set_member_name (json, "images");
  json_builder_begin_array (json);

  printf ("%-44s %6s %6s %6s  %6s %6s %6s %6s  %6s %6s %6s", "image", "Dax", "Dmy", "acc",
          "Pax", "Sax", "Pmy", "Smy", "detP", "detR", "detF1");
  if (g_strv_contains (sheath_model_get_class_names (model), "uaxon"))
    printf ("  %6s %6s %6s %6s", "Dua", "uP", "uR", "uF1");
  printf ("\n");
  for (guint i = 0; i < images->len; i++)
    {
      Labelled *l = g_ptr_array_index (images, i);
      g_autoptr(SheathScores) scores = NULL;
      g_autofree char *base = g_path_get_basename (l->image);

      if (subject_list && !g_strv_contains ((const char * const *) subject_list, l->subject))
        continue;
      if (!(scores = evaluate_image (segmenter, l, agreement, &error)))
        {
          g_printerr (_ ("sheath-cli evaluate: %s\n"), error->message);
          return 1;
        }
      g_ptr_array_add (names, g_strdup (base));
      print_row (base, scores);
      sheath_scores_add (total, scores);
      evaluated++;

      json_builder_begin_object (json);
      json_builder_set_member_name (json, "image");
      json_builder_add_string_value (json, l->image);
      json_builder_set_member_name (json, "subject");
      json_builder_add_string_value (json, l->subject);
      add_scores (json, scores);
      json_builder_end_object (json);
    }
  json_builder_end_array (json);
  json_builder_set_member_name (json, "overall");
  json_builder_begin_object (json);
  add_scores (json, total);
  json_builder_end_object (json);
  if (evaluated > 0)
    {
      g_autofree char *text = sheath_agreement_to_json (agreement);

      json_builder_set_member_name (json, "agreement");
      json_builder_add_value (json, json_from_string (text, NULL));
    }
  json_builder_end_object (json);

  if (evaluated == 0)
    {
      g_printerr (_ ("sheath-cli evaluate: no labelled image matched\n"));
      return 1;
    }
  print_row (_ ("overall (pixels and axons pooled)"), total);
  print_agreement (agreement, (const char * const *) names->pdata);
  if (plots != NULL &&
      (!sheath_cli_prepare_output_dir (plots, &error) ||
       !sheath_agreement_write_plots (agreement, plots, "agreement", &error)))
    {
      g_printerr (_ ("sheath-cli evaluate: %s\n"), error->message);
      return 1;
    }

  if (json_path != NULL)
    {
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = json_builder_get_root (json);

      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      if (!sheath_cli_prepare_output_file (json_path, &error) ||
          !json_generator_to_file (gen, json_path, &error))
        {
          g_printerr (_ ("sheath-cli evaluate: %s\n"), error->message);
          return 1;
        }
    }
  return 0;
}
