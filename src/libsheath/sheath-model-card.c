/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-model-card"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include <json-glib/json-glib.h>

#include <string.h>

#include "sheath-agreement.h"
#include "sheath-error.h"
#include "sheath-model-card.h"

/**
 * SheathModelCard:
 *
 * What a model is, written beside it as Markdown (`NAME.md`): its
 * architecture, pixel size and modality, what it was trained on and held
 * out, how long it trained and where, and its validation figures. Most of
 * it comes from the model's own metadata, as the trainer wrote it; the rest
 * (how it was trained, the data, the exact command, figures per image) is
 * set by whoever writes the card: the training wizard, `sheath-cli train`
 * and `sheath-cli card` all write cards with this one writer.
 */
struct _SheathModelCard
{
  GObject      parent_instance;

  SheathModel *model;
  char        *name;
  char        *trained_by;
  char        *data;
  char        *command;
  double       budget_minutes;
  GPtrArray   *images;         /* char * */
  GPtrArray   *score_images;   /* char * */
  GPtrArray   *scores;         /* SheathScores * */
  JsonNode    *agreement;      /* sheath_agreement_to_json()'s, or NULL */
};

G_DEFINE_FINAL_TYPE (SheathModelCard, sheath_model_card, G_TYPE_OBJECT)

static void
sheath_model_card_finalize (GObject *object)
{
  g_clear_pointer (&SHEATH_MODEL_CARD (object)->agreement, json_node_unref);
  SheathModelCard *self = SHEATH_MODEL_CARD (object);

  g_clear_object (&self->model);
  g_free (self->name);
  g_free (self->trained_by);
  g_free (self->data);
  g_free (self->command);
  g_ptr_array_unref (self->images);
  g_ptr_array_unref (self->score_images);
  g_ptr_array_unref (self->scores);

  G_OBJECT_CLASS (sheath_model_card_parent_class)->finalize (object);
}

static void
sheath_model_card_class_init (SheathModelCardClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sheath_model_card_finalize;
}

static void
sheath_model_card_init (SheathModelCard *self)
{
  self->images = g_ptr_array_new_with_free_func (g_free);
  self->score_images = g_ptr_array_new_with_free_func (g_free);
  self->scores = g_ptr_array_new_with_free_func ((GDestroyNotify) sheath_scores_free);
}

/**
 * sheath_model_card_new:
 * @model: the model described
 * @name: its name, as the model picker and `--model` know it
 *
 * Makes the card of @model, named @name.
 *
 * Returns: (transfer full): a card for @model
 */
SheathModelCard *
sheath_model_card_new (SheathModel *model,
                       const char  *name)
{
  SheathModelCard *self;

  g_return_val_if_fail (SHEATH_IS_MODEL (model), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (SHEATH_TYPE_MODEL_CARD, NULL);
  self->model = g_object_ref (model);
  self->name = g_strdup (name);
  return self;
}

/**
 * sheath_model_card_set_trained_by:
 * @how: (nullable): what trained it, in Markdown, e.g. "`sheath-cli train`"
 *
 * Says what trained the model.
 *
 */
void
sheath_model_card_set_trained_by (SheathModelCard *self,
                                  const char      *how)
{
  g_return_if_fail (SHEATH_IS_MODEL_CARD (self));
  g_free (self->trained_by);
  self->trained_by = g_strdup (how);
}

/**
 * sheath_model_card_set_data:
 * @data: (nullable): what it was trained on, in Markdown
 *
 * Says what the model was trained on.
 *
 */
void
sheath_model_card_set_data (SheathModelCard *self,
                            const char      *data)
{
  g_return_if_fail (SHEATH_IS_MODEL_CARD (self));
  g_free (self->data);
  self->data = g_strdup (data);
}

/**
 * sheath_model_card_set_command:
 * @command: (nullable): the command that trained it, to train it again
 *
 * Gives the command that trained the model, to train it again.
 *
 */
void
sheath_model_card_set_command (SheathModelCard *self,
                               const char      *command)
{
  g_return_if_fail (SHEATH_IS_MODEL_CARD (self));
  g_free (self->command);
  self->command = g_strdup (command);
}

/**
 * sheath_model_card_set_budget_minutes:
 * @minutes: the time budget the training had, or 0 for none
 *
 * Says the time budget the training had.
 *
 */
void
sheath_model_card_set_budget_minutes (SheathModelCard *self,
                                      double           minutes)
{
  g_return_if_fail (SHEATH_IS_MODEL_CARD (self));
  self->budget_minutes = MAX (0, minutes);
}

/**
 * sheath_model_card_add_image:
 * @image: an image it was trained on
 *
 * Lists an image the model was trained on in the card.
 *
 */
void
sheath_model_card_add_image (SheathModelCard *self,
                             const char      *image)
{
  g_return_if_fail (SHEATH_IS_MODEL_CARD (self));
  g_return_if_fail (image != NULL);
  g_ptr_array_add (self->images, g_strdup (image));
}

/**
 * sheath_model_card_add_scores:
 * @image: the image scored, or a row's name such as "overall (pooled)"
 * @scores: its figures against the manual masks
 *
 * Adds a row to the card's table of validation figures.
 */
void
sheath_model_card_add_scores (SheathModelCard    *self,
                              const char         *image,
                              const SheathScores *scores)
{
  g_return_if_fail (SHEATH_IS_MODEL_CARD (self));
  g_return_if_fail (image != NULL && scores != NULL);
  g_ptr_array_add (self->score_images, g_strdup (image));
  g_ptr_array_add (self->scores, sheath_scores_copy (scores));
}

static char *
meta (SheathModelCard *self,
      const char      *key)
{
  char *value = sheath_model_dup_metadata_value (self->model, key);

  if (value == NULL || *value == '\0')
    {
      g_free (value);
      return g_strdup ("?");
    }
  return value;
}

static void
append_row (GString    *card,
            const char *what,
            const char *value)
{
  g_string_append_printf (card, "| %s | %s |\n", what, value);
}

static void
append_training (SheathModelCard *self,
                 GString         *card)
{
  g_autofree char *epochs = meta (self, "training_epochs");
  g_autofree char *steps = meta (self, "training_steps");
  g_autofree char *seconds = sheath_model_dup_metadata_value (self->model, "training_seconds");
  g_autofree char *machine = meta (self, "training_machine");
  g_autofree char *batch = sheath_model_dup_metadata_value (self->model, "training_batch_size");
  g_autofree char *patch = sheath_model_dup_metadata_value (self->model, "training_patch_size");
  g_autoptr(GString) text = g_string_new (NULL);
  double hours = seconds ? g_ascii_strtod (seconds, NULL) / 3600 : 0;

  g_string_append_printf (text, "%s epoch%s, %s steps", epochs, g_str_equal (epochs, "1") ? "" : "s", steps);
  if (batch != NULL && patch != NULL)
    g_string_append_printf (text, " (batch %s × %s²)", batch, patch);
  if (hours >= 1)
    g_string_append_printf (text, ", %.1f h", hours);
  else
    g_string_append_printf (text, ", %.1f min", hours * 60);
  if (self->budget_minutes > 0)
    g_string_append_printf (text, " (budget %g min)", self->budget_minutes);
  g_string_append_printf (text, " on %s", machine);
  append_row (card, "Training", text->str);
}

/**
 * sheath_model_card_set_agreement:
 * @agreement_json: (nullable): what sheath_agreement_to_json() gives, the
 *   morphometry on the held-out images against manual masks
 * @error: return location for a #GError
 *
 * The card shows the pooled figures, their relative differences and the
 * matched fibres' Bland–Altman agreement.
 *
 * Returns: %TRUE, or %FALSE with @error set when @agreement_json is not
 *   such JSON
 */
gboolean
sheath_model_card_set_agreement (SheathModelCard  *self,
                                 const char       *agreement_json,
                                 GError          **error)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (SHEATH_IS_MODEL_CARD (self), FALSE);

  if (agreement_json != NULL)
    {
      JsonObject *o;

      if (!(node = json_from_string (agreement_json, error)))
        return FALSE;
      o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      if (o == NULL || !json_object_has_member (o, "pooled") || !json_object_has_member (o, "bland_altman"))
        {
          g_set_error_literal (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                               _ ("Not an agreement of predicted and manual morphometry"));
          return FALSE;
        }
    }
  g_clear_pointer (&self->agreement, json_node_unref);
  self->agreement = g_steal_pointer (&node);
  return TRUE;
}

static double
number_at (JsonObject *o,
           const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  return n && JSON_NODE_HOLDS_VALUE (n) ? json_node_get_double (n) : NAN;
}

static JsonObject *
object_at (JsonObject *o,
           const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static void
append_agreement (SheathModelCard *self,
                  GString         *card)
{
  static const char * const measures[][2] = {
    { "axon_diam", "axon diameter (µm)" }, { "myelin_thickness", "myelin thickness (µm)" }, { "gratio", "g-ratio" },
  };
  JsonObject *root = json_node_get_object (self->agreement);
  JsonObject *figures = object_at (object_at (root, "pooled"), "figures");
  JsonObject *unmatched = object_at (root, "unmatched");
  gboolean exclude_border = root != NULL &&
                            json_object_get_boolean_member_with_default (root, "exclude_border", FALSE);

  g_string_append_printf (card, "\n## Morphometry against the manual masks\n\n"
                          "The held-out images measured from the model's masks and from the manual ones, pooled%s:\n\n"
                          "| figure | model | manual | difference |\n|---|---|---|---|\n",
                          exclude_border ? ", the fibres cut by an image's edge left out of both" : "");
  for (guint f = 0; f < SHEATH_AGREEMENT_N_FIGURES; f++)
    {
      JsonObject *row = object_at (figures, sheath_agreement_get_figure_name (f));

      g_string_append_printf (card, "| %s | %.4g | %.4g | %+.1f %% |\n", sheath_agreement_get_figure_name (f),
                              number_at (row, "predicted"), number_at (row, "manual"),
                              100 * number_at (row, "relative_difference"));
    }
  g_string_append (card, "\nFibre by fibre (a predicted axon with an IoU of at least 0.5 with a manual one), "
                   "Bland–Altman, model − manual:\n\n"
                   "| measure | fibres | bias | bias, 95 % confidence interval | 95 % limits of agreement |\n"
                   "|---|---|---|---|---|\n");
  for (guint m = 0; m < G_N_ELEMENTS (measures); m++)
    {
      JsonObject *ba = object_at (object_at (root, "bland_altman"), measures[m][0]);

      g_string_append_printf (card, "| %s | %.0f | %+.4f | [%+.4f, %+.4f] | [%+.4f, %+.4f] |\n", measures[m][1],
                              number_at (ba, "n"), number_at (ba, "bias"), number_at (ba, "bias_ci_lower"),
                              number_at (ba, "bias_ci_upper"), number_at (ba, "lower_limit"),
                              number_at (ba, "upper_limit"));
    }
  g_string_append_printf (card, "\nUnmatched: %.0f extra fibres (median axon diameter %.2f µm), %.0f missed "
                          "(median %.2f µm).\n", number_at (unmatched, "extra"),
                          number_at (unmatched, "extra_median_axon_diam"), number_at (unmatched, "missed"),
                          number_at (unmatched, "missed_median_axon_diam"));
}

/* How a model with unmyelinated axons splits touching ones */
static void
append_uaxon_split (SheathModelCard *self,
                    GString         *card)
{
  g_autofree char *subjects = sheath_model_dup_metadata_value (self->model, "uaxon_split_subjects");
  g_autofree char *text = NULL, *raised = NULL;
  double sigma, depth, min_area, weight;

  if (!g_strv_contains (sheath_model_get_class_names (self->model), "uaxon"))
    return;
  sheath_model_get_uaxon_split (self->model, &sigma, &depth, &min_area);
  weight = sheath_model_get_uaxon_split_distance_weight (self->model);
  if (weight > 0)
    raised = g_strdup_printf (", raised by %g grey levels per µm of distance from the region's edge", weight);
  text = g_strdup_printf ("split along the image's membranes (smoothed by σ %g µm%s; a plateau %g grey levels above "
                          "its saddle is an axon of its own); axons under %g µm² dropped; %s%s",
                          sigma, raised ? raised : "", depth, min_area,
                          subjects ? "chosen by `tools/choose-uaxon-split.py` on the training subjects " : "Sheath's defaults",
                          subjects ? subjects : "");
  append_row (card, "Touching unmyelinated axons", text);
}

/* What `sheath-cli calibrate` fitted, when it did */
static void
append_calibration (SheathModelCard *self,
                    GString         *card)
{
  /* absent keys are NULL here, not meta ()'s "?" */
  g_autofree char *weights = sheath_model_dup_metadata_value (self->model, "decision_weights");
  g_autofree char *threshold = sheath_model_dup_metadata_value (self->model, "min_fibre_confidence");
  g_autofree char *subjects = sheath_model_dup_metadata_value (self->model, "calibration_subjects");
  g_autofree char *min_diam = sheath_model_dup_metadata_value (self->model, "min_axon_diam_um");
  g_autofree char *classes = sheath_model_dup_metadata_value (self->model, "classes");
  g_autofree char *text = NULL;

  if (weights == NULL)
    return;
  text = g_strdup_printf ("decision weights %s (%s)%s%s%s%s%s%s, fitted by `sheath-cli calibrate` on the training "
                          "subjects %s",
                          weights, classes ? classes : "", threshold && g_ascii_strtod (threshold, NULL) > 0
                            ? "; fibres of a mean confidence below " : "",
                          threshold && g_ascii_strtod (threshold, NULL) > 0 ? threshold : "",
                          threshold && g_ascii_strtod (threshold, NULL) > 0 ? " dropped" : "",
                          min_diam && g_ascii_strtod (min_diam, NULL) > 0 ? "; fibres whose axon is under " : "",
                          min_diam && g_ascii_strtod (min_diam, NULL) > 0 ? min_diam : "",
                          min_diam && g_ascii_strtod (min_diam, NULL) > 0 ? " µm dropped as fragments" : "",
                          subjects ? subjects : "?");
  append_row (card, "Calibration", text);
}

/* Test-time flips, when the model asks for them */
static void
append_flips (SheathModelCard *self,
              GString         *card)
{
  if (sheath_model_get_test_time_flips (self->model))
    append_row (card, "Test-time flips",
                "on by default: each tile is also segmented mirrored three ways and the four averaged "
                "(4× the compute; `--no-flips` turns them off); the figures below are with them");
}

/* Unmyelinated axons, for models that find them */
static void
append_unmyelinated_scores (SheathModelCard *self,
                            GString         *card)
{
  gboolean any = FALSE;

  for (guint i = 0; i < self->scores->len; i++)
    any |= ((const SheathScores *) g_ptr_array_index (self->scores, i))->unmyelinated;
  if (!any)
    return;
  g_string_append (card, "\n### Unmyelinated axons\n\n"
                   "| image | Dice | detection P / R / F1 | found / true / detected |\n|---|---|---|---|\n");
  for (guint i = 0; i < self->scores->len; i++)
    {
      const SheathScores *s = g_ptr_array_index (self->scores, i);
      g_autofree char *image = g_path_get_basename (g_ptr_array_index (self->score_images, i));

      if (s->unmyelinated)
        g_string_append_printf (card, "| %s | %.4f | %.3f / %.3f / %.3f | %" G_GUINT64_FORMAT " / %"
                                G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT " |\n",
                                image, s->dice_uaxon, s->uaxon_detection_precision, s->uaxon_detection_recall,
                                s->uaxon_detection_f1, s->uaxons_predicted, s->uaxons_actual, s->uaxons_matched);
    }
}

/**
 * sheath_model_card_dup_markdown:
 *
 * The card, as Markdown.
 *
 * Returns: (transfer full): the card, in Markdown
 */
char *
sheath_model_card_dup_markdown (SheathModelCard *self)
{
  g_autoptr(GString) card = g_string_new (NULL);
  g_autofree char *description = sheath_model_dup_metadata_value (self->model, "description");
  g_autofree char *start = sheath_model_dup_metadata_value (self->model, "fine_tuned_from");
  g_autofree char *held_out = meta (self, "validation_subjects");
  g_autofree char *axon = meta (self, "validation_dice_axon");
  g_autofree char *myelin = meta (self, "validation_dice_myelin");
  g_autofree char *normalization = meta (self, "normalization");
  g_autofree char *classes = meta (self, "classes");
  g_autofree char *trained_with = meta (self, "trained_with");
  g_autofree char *text = NULL;

  g_return_val_if_fail (SHEATH_IS_MODEL_CARD (self), NULL);

  if (description != NULL && *description != '\0')
    g_string_append_printf (card, "# %s — %s\n\n", self->name, description);
  else
    g_string_append_printf (card, "# %s\n\n", self->name);
  g_string_append_printf (card, "A %s trained by Sheath's own trainer%s%s. Its figures are on subjects held out "
                          "from training.\n\n", sheath_model_get_architecture (self->model),
                          self->trained_by ? ", through " : "", self->trained_by ? self->trained_by : "");

  g_string_append (card, "| | |\n|---|---|\n");
  if (self->data != NULL)
    append_row (card, "Data", self->data);
  /* "sem" and "tem" are the shipped models' names, which no other model takes */
  if (g_strcmp0 (start, "sem") == 0 || g_strcmp0 (start, "tem") == 0)
    {
      g_autofree char *upper = g_ascii_strup (start, -1);
      text = g_strdup_printf ("fine-tuned from the shipped %s model", upper);
    }
  else if (start != NULL && *start != '\0')
    text = g_strdup_printf ("fine-tuned from `%s`", start);
  else
    text = g_strdup ("a new network (from scratch)");
  append_row (card, "Start", text);
  g_clear_pointer (&text, g_free);
  g_strdelimit (held_out, ",", ' ');
  append_row (card, "Held out for validation", held_out);
  text = g_strdup_printf ("%s, %g µm", sheath_model_get_modality (self->model),
                          sheath_model_get_pixel_size (self->model));
  append_row (card, "Modality, pixel size", text);
  g_clear_pointer (&text, g_free);
  text = g_strdup_printf ("%s, depth %u, %u base channels, batch norm, %u classes (%s); %" G_GUINT64_FORMAT
                          " parameters", sheath_model_get_architecture (self->model),
                          sheath_model_get_depth (self->model), sheath_model_get_base_channels (self->model),
                          sheath_model_get_n_classes (self->model), classes,
                          sheath_model_get_n_parameters (self->model));
  append_row (card, "Architecture", text);
  g_clear_pointer (&text, g_free);
  append_row (card, "Normalisation", normalization);
  append_training (self, card);
  append_calibration (self, card);
  append_flips (self, card);
  append_uaxon_split (self, card);
  {
    g_autofree char *uaxon = sheath_model_dup_metadata_value (self->model, "validation_dice_uaxon");

    text = g_strdup_printf ("Dice axon %s, Dice myelin %s%s%s (the best epoch's, on the held-out subjects)", axon,
                            myelin, uaxon ? ", Dice unmyelinated axon " : "", uaxon ? uaxon : "");
  }
  append_row (card, "Validation figures", text);
  append_row (card, "Trained with", trained_with);

  if (self->command != NULL)
    g_string_append_printf (card, "\nCommand:\n\n```sh\n%s\n```\n", self->command);

  if (self->scores->len > 0)
    {
      g_string_append (card, "\n## Validation figures\n\n"
                       "| image | Dice axon | Dice myelin | accuracy | axon precision / sensitivity | "
                       "myelin precision / sensitivity | detection P / R / F1 |\n|---|---|---|---|---|---|---|\n");
      for (guint i = 0; i < self->scores->len; i++)
        {
          const SheathScores *s = g_ptr_array_index (self->scores, i);
          g_autofree char *image = g_path_get_basename (g_ptr_array_index (self->score_images, i));

          g_string_append_printf (card, "| %s | %.4f | %.4f | %.4f | %.3f / %.3f | %.3f / %.3f | %.3f / %.3f / %.3f |\n",
                                  image, s->dice_axon, s->dice_myelin, s->accuracy, s->precision_axon,
                                  s->sensitivity_axon, s->precision_myelin, s->sensitivity_myelin,
                                  s->detection_precision, s->detection_recall, s->detection_f1);
        }
      g_string_append (card, "\nA detected axon is a predicted axon whose IoU with a true one is at least 0.5.\n");
      append_unmyelinated_scores (self, card);
    }
  if (self->agreement != NULL)
    append_agreement (self, card);

  if (self->images->len > 0)
    {
      g_string_append (card, "\n## Images\n\n");
      for (guint i = 0; i < self->images->len; i++)
        g_string_append_printf (card, "- `%s`\n", (char *) g_ptr_array_index (self->images, i));
    }
  return g_string_free (g_steal_pointer (&card), FALSE);
}

/**
 * sheath_model_card_save:
 * @path: where to write the card, usually sheath_model_card_dup_path_for()
 *
 * Writes the card whole or not at all (a temporary file renamed).
 *
 * Returns: %TRUE when written
 */
gboolean
sheath_model_card_save (SheathModelCard  *self,
                        const char       *path,
                        GError          **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (SHEATH_IS_MODEL_CARD (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  text = sheath_model_card_dup_markdown (self);
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error))
    {
      g_prefix_error (error, "Cannot write the model card: ");
      return FALSE;
    }
  return TRUE;
}

/**
 * sheath_model_card_dup_path_for:
 * @model_path: a model file, `DIR/NAME.safetensors`
 *
 * Where a model's card goes.
 *
 * Returns: (transfer full): where its card goes, `DIR/NAME.md`
 */
char *
sheath_model_card_dup_path_for (const char *model_path)
{
  g_return_val_if_fail (model_path != NULL, NULL);

  if (g_str_has_suffix (model_path, ".safetensors"))
    {
      g_autofree char *stem = g_strndup (model_path, strlen (model_path) - strlen (".safetensors"));
      return g_strconcat (stem, ".md", NULL);
    }
  return g_strconcat (model_path, ".md", NULL);
}
