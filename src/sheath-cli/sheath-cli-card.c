/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "sheath-cli-private.h"

/* The figures of one row of `sheath-cli evaluate --json`. */
static SheathScores *
scores_from_json (JsonObject *o)
{
  SheathScores *s = sheath_scores_new ();
  const struct { const char *name; double *value; } rates[] = {
    { "dice_axon", &s->dice_axon }, { "dice_myelin", &s->dice_myelin }, { "pixel_accuracy", &s->accuracy },
    { "precision_axon", &s->precision_axon }, { "sensitivity_axon", &s->sensitivity_axon },
    { "precision_myelin", &s->precision_myelin }, { "sensitivity_myelin", &s->sensitivity_myelin },
    { "detection_precision", &s->detection_precision }, { "detection_recall", &s->detection_recall },
    { "detection_f1", &s->detection_f1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
    *rates[i].value = json_object_get_double_member_with_default (o, rates[i].name, 0);
  s->axons_predicted = json_object_get_int_member_with_default (o, "axons_predicted", 0);
  s->axons_actual = json_object_get_int_member_with_default (o, "axons_true", 0);
  s->axons_matched = json_object_get_int_member_with_default (o, "axons_detected", 0);
  if (json_object_has_member (o, "dice_uaxon"))
    {
      s->unmyelinated = TRUE;
      s->dice_uaxon = json_object_get_double_member_with_default (o, "dice_uaxon", 0);
      s->uaxon_detection_precision = json_object_get_double_member_with_default (o, "uaxon_detection_precision", 0);
      s->uaxon_detection_recall = json_object_get_double_member_with_default (o, "uaxon_detection_recall", 0);
      s->uaxon_detection_f1 = json_object_get_double_member_with_default (o, "uaxon_detection_f1", 0);
      s->uaxons_predicted = json_object_get_int_member_with_default (o, "uaxons_predicted", 0);
      s->uaxons_actual = json_object_get_int_member_with_default (o, "uaxons_true", 0);
      s->uaxons_matched = json_object_get_int_member_with_default (o, "uaxons_detected", 0);
    }
  return s;
}

static gboolean
add_evaluation (SheathModelCard  *card,
                const char       *path,
                GError          **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root, *overall;
  JsonArray *images;

  if (!json_parser_load_from_file (parser, path, error))
    {
      g_prefix_error (error, _ ("Cannot read '%s': "), path);
      return FALSE;
    }
  root = JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ? json_node_get_object (json_parser_get_root (parser))
                                                                   : NULL;
  images = root ? json_object_get_array_member (root, "images") : NULL;
  overall = root && json_object_has_member (root, "overall") ? json_object_get_object_member (root, "overall") : NULL;
  if (images == NULL || overall == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   "'%s' is not what `sheath-cli evaluate --json` writes (no images or overall)", path);
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (images); i++)
    {
      JsonObject *row = json_array_get_object_element (images, i);
      g_autoptr(SheathScores) scores = NULL;

      if (row == NULL || !json_object_has_member (row, "image"))
        continue;
      scores = scores_from_json (row);
      sheath_model_card_add_scores (card, json_object_get_string_member (row, "image"), scores);
    }
  {
    g_autoptr(SheathScores) scores = scores_from_json (overall);
    sheath_model_card_add_scores (card, "overall (pooled)", scores);
  }
  /* the morphometry against the manual masks, when evaluate measured it */
  if (json_object_has_member (root, "agreement"))
    {
      g_autofree char *agreement = json_to_string (json_object_get_member (root, "agreement"), FALSE);

      if (!sheath_model_card_set_agreement (card, agreement, error))
        {
          g_prefix_error (error, "'%s': ", path);
          return FALSE;
        }
    }
  return TRUE;
}

int
sheath_cli_card (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathModel) model = NULL;
  g_autoptr(SheathModelCard) card = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *name = NULL, *evaluation = NULL, *data = NULL, *command = NULL, *output = NULL;
  g_autofree char *path = NULL;
  const GOptionEntry entries[] = {
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name, N_ ("The model's name (default: its file's)"), "NAME" },
    { "evaluation", 'e', 0, G_OPTION_ARG_FILENAME, &evaluation,
      N_ ("Figures per image, as `sheath-cli evaluate --json` writes them"), "FILE" },
    { "data", 'd', 0, G_OPTION_ARG_STRING, &data, N_ ("What it was trained on"), "TEXT" },
    { "command", 'c', 0, G_OPTION_ARG_STRING, &command, N_ ("The command that trained it"), "TEXT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_ ("Where to write the card (default: MODEL.md beside it)"),
      "FILE" },
    { NULL }
  };

  context = g_option_context_new (_ ("MODEL.safetensors - write a model's card"));
  g_option_context_set_summary (context,
    _ ("Writes the Markdown card of a model: what its metadata says (architecture, pixel size,\n"
    "modality, held-out subjects, training time and machine, validation Dice), with the figures\n"
    "of an evaluation per image if given. The training wizard and `sheath-cli train` write the\n"
    "same card themselves."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr (_ ("sheath-cli card: %s\n"), error->message);
      return 2;
    }
  if (argc != 2)
    {
      g_printerr (_ ("sheath-cli card: give one MODEL.safetensors\n"));
      return 2;
    }
  file = g_file_new_for_commandline_arg (argv[1]);
  if (!(model = sheath_model_new_from_file (file, &error)))
    {
      g_printerr (_ ("sheath-cli card: %s\n"), error->message);
      return 1;
    }
  if (name == NULL)
    name = sheath_model_dup_name_for_path (g_file_peek_path (file));
  card = sheath_model_card_new (model, name);
  sheath_model_card_set_trained_by (card, "`sheath-cli train`");
  sheath_model_card_set_data (card, data);
  sheath_model_card_set_command (card, command);
  if (evaluation != NULL && !add_evaluation (card, evaluation, &error))
    {
      g_printerr (_ ("sheath-cli card: %s\n"), error->message);
      return 1;
    }
  path = output ? g_strdup (output) : sheath_model_card_dup_path_for (g_file_peek_path (file));
  if (!sheath_cli_prepare_output_file (path, &error) || !sheath_model_card_save (card, path, &error))
    {
      g_printerr (_ ("sheath-cli card: %s\n"), error->message);
      return 1;
    }
  fprintf (stderr, "%s\n", path);
  return 0;
}
