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
  GMainLoop *loop;
  gboolean   ok;
  GError    *error;
  gint64     start;
} TrainRun;

static void
epoch_cb (SheathTrainer *trainer,
          GParamSpec    *pspec,
          TrainRun      *run)
{
  guint epoch;
  double loss, da, dm, du, acc, fraction;
  g_autofree char *unmyelinated = NULL;

  g_object_get (trainer, "epoch", &epoch, "loss", &loss, "validation-dice-axon", &da,
                "validation-dice-myelin", &dm, "validation-dice-uaxon", &du,
                "validation-accuracy", &acc, "fraction", &fraction, NULL);
  if (epoch == 0)
    return;
  if (g_strv_length ((char **) sheath_trainer_get_classes (trainer)) > 3)
    unmyelinated = g_strdup_printf (_ (" unmyelinated %.4f"), du);
  printf (_ ("epoch %4u  loss %.4f  validation Dice axon %.4f myelin %.4f%s  accuracy %.4f  %5.1f %%  %.1f min\n"),
          epoch, loss, da, dm, unmyelinated ? unmyelinated : "", acc, 100 * fraction,
          (g_get_monotonic_time () - run->start) / 6e7);
  fflush (stdout);
}

static void
message_cb (SheathTrainer *trainer,
            GParamSpec    *pspec,
            TrainRun      *run)
{
  g_autofree char *message = NULL;

  if (!isatty (fileno (stderr)))
    return;
  g_object_get (trainer, "message", &message, NULL);
  fprintf (stderr, "\r\033[K%s", message ? message : "");
}

static void
train_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      data)
{
  TrainRun *run = data;

  run->ok = sheath_trainer_train_finish (SHEATH_TRAINER (object), result, &run->error);
  g_main_loop_quit (run->loop);
}

static gboolean
interrupt_cb (gpointer data)
{
  fprintf (stderr, "\nInterrupted: writing a checkpoint to resume from…\n");
  g_cancellable_cancel (data);
  return G_SOURCE_CONTINUE;
}

static gboolean
set_class_weights (SheathTrainer  *trainer,
                   const char     *text,
                   GError        **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  const char * const *classes = sheath_trainer_get_classes (trainer);
  guint n = g_strv_length (parts);
  double w[16];

  if (n != g_strv_length ((char **) classes))
    {
      g_autofree char *names = g_strjoinv (", ", (char **) classes);

      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("give one number per class (%s), not '%s'"), names, text);
      return FALSE;
    }
  for (guint c = 0; c < n; c++)
    {
      char *end = NULL;

      w[c] = g_ascii_strtod (parts[c], &end);
      if (end == parts[c] || *end != '\0')
        {
          g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, "'%s' is not a number", parts[c]);
          return FALSE;
        }
    }
  return sheath_trainer_set_class_weights (trainer, w, n, error);
}

/* The model's card beside it, NAME.md, as the app and `sheath-cli card`
 * write them. */
static gboolean
write_card (SheathTrainer       *trainer,
            const char * const  *data,
            const char          *command,
            double               minutes,
            GError             **error)
{
  const char *output = sheath_trainer_get_output (trainer);
  g_autoptr(GFile) file = NULL;
  g_autoptr(SheathModel) model = NULL;
  g_autoptr(SheathModelCard) card = NULL;
  g_autofree char *name = NULL, *path = NULL;

  if (output == NULL || !g_file_test (output, G_FILE_TEST_IS_REGULAR))
    return TRUE;   /* nothing kept: no card */
  file = g_file_new_for_path (output);
  if (!(model = sheath_model_new_from_file (file, error)))
    return FALSE;
  name = sheath_model_dup_name_for_path (output);
  card = sheath_model_card_new (model, name);
  sheath_model_card_set_trained_by (card, "`sheath-cli train`");
  sheath_model_card_set_command (card, command);
  sheath_model_card_set_budget_minutes (card, minutes);
  if (data != NULL)
    {
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint i = 0; data[i] != NULL; i++)
        {
          g_autofree char *base = g_path_get_basename (data[i]);
          g_string_append_printf (text, "%s`%s`", i ? ", " : "", base);
        }
      g_string_append (text, " (BIDS)");
      sheath_model_card_set_data (card, text->str);
    }
  path = sheath_model_card_dup_path_for (output);
  if (!sheath_model_card_save (card, path, error))
    return FALSE;
  fprintf (stderr, _ ("Model card: %s\n"), path);
  return TRUE;
}

int
sheath_cli_train (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathTrainer) trainer = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_auto(GStrv) data = NULL;
  g_autofree char *output = NULL, *modality = NULL, *init = NULL, *validation = NULL;
  g_autofree char *resume = NULL, *checkpoint = NULL, *description = NULL, *weights = NULL;
  g_autofree char *classes = NULL;
  g_autofree char *command = sheath_cli_dup_command_line (argc, argv);
  double pixel_size = 0, minutes = 0, lr = 0, wd = -1, uaxon_gap = 0, boundary_weight = 0;
  int epochs = 0, threads = 0, batch = 0, patch = 0, depth = 0, base = 0;
  gint64 seed = -1;
  gboolean f32 = FALSE;
  TrainRun run = { 0 };
  guint interrupt_id;
  const GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME_ARRAY, &data, N_ ("A BIDS dataset with manual masks (repeatable)"), "DIR" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_ ("The model to write (the best so far)"), "MODEL.safetensors" },
    { "modality", 0, 0, G_OPTION_ARG_STRING, &modality, N_ ("SEM, TEM or another word, written into the model"), "NAME" },
    { "pixel-size", 's', 0, G_OPTION_ARG_DOUBLE, &pixel_size, N_ ("The model's pixel size (default: --init's, or the images' median)"), "UM" },
    { "init", 0, 0, G_OPTION_ARG_FILENAME, &init, N_ ("Fine-tune from this model"), "MODEL" },
    { "validation-subjects", 0, 0, G_OPTION_ARG_STRING, &validation, N_ ("Subjects held out for validation (default: a fifth, by seed)"), "sub-a,sub-b" },
    { "epochs", 'e', 0, G_OPTION_ARG_INT, &epochs, N_ ("Epochs to train"), "N" },
    { "minutes", 'm', 0, G_OPTION_ARG_DOUBLE, &minutes, N_ ("Or a time budget for the whole run"), "N" },
    { "resume", 'r', 0, G_OPTION_ARG_FILENAME, &resume, N_ ("Continue from a checkpoint (options are taken from it; --output may move the model)"), "CHECKPOINT" },
    { "checkpoint", 0, 0, G_OPTION_ARG_FILENAME, &checkpoint, N_ ("Checkpoint file (default: MODEL.safetensors.checkpoint)"), "FILE" },
    { "batch-size", 0, 0, G_OPTION_ARG_INT, &batch, N_ ("Patches per step (default 8)"), "N" },
    { "patch-size", 0, 0, G_OPTION_ARG_INT, &patch, N_ ("Patch side (default 256)"), "N" },
    { "depth", 0, 0, G_OPTION_ARG_INT, &depth, N_ ("U-Net depth of a new model (default 4)"), "N" },
    { "base-channels", 0, 0, G_OPTION_ARG_INT, &base, N_ ("Top-level channels of a new model (default 32)"), "N" },
    { "learning-rate", 0, 0, G_OPTION_ARG_DOUBLE, &lr, N_ ("Peak learning rate (default 0.001)"), "LR" },
    { "weight-decay", 0, 0, G_OPTION_ARG_DOUBLE, &wd, N_ ("AdamW weight decay (default 0.0001)"), "WD" },
    { "classes", 0, 0, G_OPTION_ARG_STRING, &classes, N_ ("The classes to learn: background,myelin,axon (default) or background,myelin,axon,uaxon (unmyelinated axons too, from _seg-uaxon-manual.png masks)"), "LIST" },
    { "class-weights", 0, 0, G_OPTION_ARG_STRING, &weights, N_ ("Loss weights, one per class (default: 1/√frequency of each)"), "B,M,A[,U]" },
    { "uaxon-gap", 0, 0, G_OPTION_ARG_DOUBLE, &uaxon_gap, N_ ("Keep unmyelinated axons drawn touching this far apart in the targets, so the network learns the membranes between them (default 0; about one model pixel)"), "UM" },
    { "boundary-weight", 0, 0, G_OPTION_ARG_DOUBLE, &boundary_weight, N_ ("Count the pixels either side of a boundary between classes 1+W times in the cross-entropy, so that the boundaries measurements are taken from weigh more (default 0)"), "W" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, N_ ("Threads (default: one per processor)"), "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_ ("Random seed (default 1)"), "N" },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, N_ ("The model's description"), "TEXT" },
    { "f32", 0, 0, G_OPTION_ARG_NONE, &f32, N_ ("Store the model as F32 (default F16)"), NULL },
    { NULL }
  };

  context = g_option_context_new ("- train or fine-tune a model");
  g_option_context_set_summary (context,
    _ ("Trains a U-Net on labelled images, validating after every epoch on held-out subjects with\n"
    "the same tiled inference as 'segment', and keeps the best model. A checkpoint is written\n"
    "every few minutes, after every epoch and on Ctrl+C; --resume continues exactly."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr (_ ("sheath-cli train: %s\n"), error->message);
      return 2;
    }

  if (!sheath_cli_check_threads ("train", threads))
    return 2;
  if (resume != NULL)
    {
      if (!(trainer = sheath_trainer_new_from_checkpoint (resume, &error)))
        {
          g_printerr (_ ("sheath-cli train: %s\n"), error->message);
          return 1;
        }
      if (threads > 0)
        g_object_set (trainer, "n-threads", threads, NULL);
      /* a checkpoint moved to another folder writes its model there */
      if (output != NULL)
        sheath_trainer_set_output (trainer, output);
    }
  else
    {
      if (data == NULL || output == NULL)
        {
          g_printerr (_ ("sheath-cli train: give --data DIR and --output MODEL.safetensors (or --resume)\n"));
          return 2;
        }
      if (epochs <= 0 && minutes <= 0)
        {
          g_printerr (_ ("sheath-cli train: give --epochs N or --minutes N\n"));
          return 2;
        }

      trainer = sheath_trainer_new ();
      for (guint i = 0; data[i]; i++)
        if (!sheath_trainer_add_dataset (trainer, data[i], &error))
          {
            g_printerr (_ ("sheath-cli train: %s\n"), error->message);
            return 1;
          }
      if (depth > 0) g_object_set (trainer, "depth", depth, NULL);
      if (base > 0) g_object_set (trainer, "base-channels", base, NULL);
      if (pixel_size > 0) g_object_set (trainer, "pixel-size", pixel_size, NULL);
      if (init != NULL && !sheath_trainer_set_init_model (trainer, init, &error))
        {
          g_printerr (_ ("sheath-cli train: %s\n"), error->message);
          return 1;
        }
      if (modality) g_object_set (trainer, "modality", modality, NULL);
      if (description) g_object_set (trainer, "description", description, NULL);
      if (epochs > 0) g_object_set (trainer, "epochs", epochs, NULL);
      if (minutes > 0) g_object_set (trainer, "minutes", minutes, NULL);
      if (batch > 0) g_object_set (trainer, "batch-size", batch, NULL);
      if (patch > 0) g_object_set (trainer, "patch-size", patch, NULL);
      if (lr > 0) g_object_set (trainer, "learning-rate", lr, NULL);
      if (wd >= 0) g_object_set (trainer, "weight-decay", wd, NULL);
      if (threads > 0) g_object_set (trainer, "n-threads", threads, NULL);
      if (seed >= 0) g_object_set (trainer, "seed", (guint64) seed, NULL);
      if (f32) g_object_set (trainer, "half-precision", FALSE, NULL);
      if (classes != NULL)
        {
          g_auto(GStrv) names = g_strsplit (classes, ",", -1);

          for (guint i = 0; names[i]; i++)
            g_strstrip (names[i]);
          if (!sheath_trainer_set_classes (trainer, (const char * const *) names, &error))
            {
              g_printerr (_ ("sheath-cli train: --classes: %s\n"), error->message);
              return 2;
            }
        }
      if (weights != NULL && !set_class_weights (trainer, weights, &error))
        {
          g_printerr (_ ("sheath-cli train: --class-weights: %s\n"), error->message);
          return 2;
        }
      if (!sheath_trainer_set_uaxon_gap (trainer, uaxon_gap, &error))
        {
          g_printerr (_ ("sheath-cli train: --uaxon-gap: %s\n"), error->message);
          return 2;
        }
      if (!sheath_trainer_set_boundary_weight (trainer, boundary_weight, &error))
        {
          g_printerr (_ ("sheath-cli train: --boundary-weight: %s\n"), error->message);
          return 2;
        }
      if (validation != NULL)
        {
          g_auto(GStrv) subjects = g_strsplit (validation, ",", -1);
          sheath_trainer_set_validation_subjects (trainer, (const char * const *) subjects);
        }
      sheath_trainer_set_output (trainer, output);
      if (checkpoint)
        sheath_trainer_set_checkpoint (trainer, checkpoint);
    }

  if (output != NULL && !sheath_cli_prepare_output_file (output, &error))
    {
      g_printerr (_ ("sheath-cli train: %s\n"), error->message);
      return 1;
    }

  run.loop = loop;
  run.start = g_get_monotonic_time ();
  g_signal_connect (trainer, "notify::epoch", G_CALLBACK (epoch_cb), &run);
  g_signal_connect (trainer, "notify::message", G_CALLBACK (message_cb), &run);
  interrupt_id = g_unix_signal_add (SIGINT, interrupt_cb, cancellable);
  sheath_trainer_train_async (trainer, cancellable, train_done_cb, &run);
  g_main_loop_run (loop);
  g_source_remove (interrupt_id);
  if (isatty (fileno (stderr)))
    fprintf (stderr, "\r\033[K");

  if (!run.ok)
    {
      if (g_error_matches (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_printerr (_ ("sheath-cli train: stopped; resume with --resume\n"));
      else
        g_printerr (_ ("sheath-cli train: %s\n"), run.error->message);
      g_clear_error (&run.error);
      return 1;
    }
  if (!write_card (trainer, (const char * const *) data, command, minutes, &error))
    {
      g_printerr (_ ("sheath-cli train: %s\n"), error->message);
      return 1;
    }
  return 0;
}
