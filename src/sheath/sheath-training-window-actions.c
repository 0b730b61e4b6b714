/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-training-window"

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "sheath-accessible.h"
#include "sheath-training-comparison.h"
#include "sheath-training-window-private.h"

/* The wizard's actions once its pages are filled in — start, pause,
 * resume, cancel and save — and the live view of a run. The run itself,
 * its notes and checkpoint, is a SheathTrainingRun. */

/* ---- the live view ------------------------------------------------------- */

static void
show_preview (SheathTrainingWindow *self)
{
  g_autoptr(SheathImage) image = NULL;
  g_autoptr(SheathSegmentation) seg = sheath_trainer_dup_preview (_sheath_training_window_get_trainer (self), &image);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guint8 *row = NULL;
  guint w, h, step, tw, th, lo, hi;
  guint8 *data;

  if (seg == NULL)
    return;
  w = sheath_image_get_width (image);
  h = sheath_image_get_height (image);
  step = MAX (1, MAX (w, h) / 480);   /* a few hundred pixels are enough */
  tw = w / step;
  th = h / step;
  if (tw == 0 || th == 0)
    return;
  sheath_image_get_range (image, &lo, &hi);
  row = g_malloc (w);
  data = g_malloc ((gsize) tw * th * 3);
  for (guint y = 0; y < th; y++)
    {
      const guint8 *labels = sheath_segmentation_peek_row (seg, y * step);

      sheath_image_read_display_row (image, y * step, lo, hi, row);
      for (guint x = 0; x < tw; x++)
        {
          guint8 g = row[x * step], l = labels[x * step];
          guint8 *p = data + ((gsize) y * tw + x) * 3;
          guint8 c[3];

          /* the overlay's colours at half opacity */
          sheath_label_get_colour (l, &c[0], &c[1], &c[2]);
          for (guint k = 0; k < 3; k++)
            p[k] = l == SHEATH_LABEL_BACKGROUND ? g : (g + c[k]) / 2;
        }
    }
  bytes = g_bytes_new_take (data, (gsize) tw * th * 3);
  texture = gdk_memory_texture_new (tw, th, GDK_MEMORY_R8G8B8, bytes, (gsize) tw * 3);
  gtk_picture_set_paintable (self->preview, GDK_PAINTABLE (texture));
}

static void
epoch_cb (SheathTrainer        *trainer,
          GParamSpec           *pspec,
          SheathTrainingWindow *self)
{
  SheathTrainingEpoch e;
  g_autofree char *figures = NULL;

  g_object_get (trainer, "epoch", &e.epoch, "loss", &e.loss, "validation-dice-axon", &e.dice_axon,
                "validation-dice-myelin", &e.dice_myelin, NULL);
  if (e.epoch == 0 || e.epoch == self->shown_epoch)
    return;
  self->shown_epoch = e.epoch;
  sheath_curve_plot_add_epoch (self->curve, e.epoch, e.loss, e.dice_axon, e.dice_myelin);
  figures = g_strdup_printf (_ ("Epoch %u: training loss %.3f; validation Dice axon %.3f, myelin %.3f"),
                             e.epoch, e.loss, e.dice_axon, e.dice_myelin);
  gtk_label_set_text (self->figures_label, figures);
  show_preview (self);
  /* the curve outlives the session, for a training resumed later */
  sheath_training_run_add_epoch (self->run, &e);
}

static void
fraction_cb (SheathTrainer        *trainer,
             GParamSpec           *pspec,
             SheathTrainingWindow *self)
{
  double fraction, position, step_loss, done, elapsed;
  g_autofree char *message = NULL;

  g_object_get (trainer, "fraction", &fraction, "message", &message, "epoch-position", &position,
                "step-loss", &step_loss, NULL);
  gtk_progress_bar_set_fraction (self->progress, fraction);
  /* the loss step by step: a curve before the first epoch ends */
  if (position >= self->last_step_position + 0.02 && step_loss > 0)
    {
      sheath_curve_plot_add_step (self->curve, position, step_loss);
      self->last_step_position = position;
    }
  if (message != NULL)
    gtk_label_set_text (self->status_label, message);

  done = fraction - self->run_start_fraction;
  elapsed = (g_get_monotonic_time () - self->run_started) / 1e6;
  if (done > 0.002 && elapsed > 5)
    {
      double left = elapsed * (1 - fraction) / done;
      g_autofree char *text = left < 90 ? g_strdup_printf (_ ("About %.0f seconds left"), left)
                                        : g_strdup_printf (_ ("About %.0f minutes left"), left / 60);
      gtk_label_set_text (self->eta_label, text);
    }
}

/* ---- the end of a run ------------------------------------------------------ */

typedef struct
{
  SheathTrainingWindow *self;
  char                 *reference_name;   /* "the SEM model it started from" */
} CompareRun;

static void
compared_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  CompareRun *run = user_data;
  SheathTrainingWindow *self = run->self;
  g_autoptr(SheathScores) mine = NULL, theirs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!sheath_training_compare_finish (result, &mine, &theirs, &error))
    text = g_strdup_printf (_ ("Not compared with %s: %s"), run->reference_name, error->message);
  else
    {
      gboolean worse = mine->dice_axon + mine->dice_myelin < theirs->dice_axon + theirs->dice_myelin;

      text = g_strdup_printf (_ ("On the held-out images, segmented the same way: this model Dice axon %.3f, "
                              "myelin %.3f; %s %.3f, %.3f.%s"), mine->dice_axon, mine->dice_myelin,
                              run->reference_name, theirs->dice_axon, theirs->dice_myelin,
                              worse ? " It scores below it: keep using that one unless these images are unlike "
                                      "its own." : "");
    }
  if (!self->closed)
    gtk_label_set_text (self->comparison_label, text);
  g_object_unref (run->self);
  g_free (run->reference_name);
  g_free (run);
}

/* The model to beat: the one fine-tuned, or else the shipped one of the
 * new model's modality; %NULL when there is none. */
static char *
reference_for (SheathTrainingWindow  *self,
               SheathModel           *model,
               char                 **name)
{
  g_autofree char *start = sheath_training_run_dup_start (self->run);
  gboolean fine_tuned = g_strcmp0 (start, "sem") == 0 || g_strcmp0 (start, "tem") == 0;
  g_autofree char *key = fine_tuned ? g_strdup (start) : g_ascii_strdown (sheath_model_get_modality (model), -1);
  g_autoptr(GFile) file = sheath_model_find_builtin (key);
  g_autofree char *upper = g_ascii_strup (key, -1);

  if (file == NULL)
    return NULL;
  *name = g_strdup_printf (fine_tuned ? "the %s model it started from" : "the shipped %s model", upper);
  return g_steal_pointer (&key);
}

static void
compare (SheathTrainingWindow *self,
         SheathModel          *model,
         const char           *output)
{
  g_autofree char *name = NULL;
  g_autofree char *reference = reference_for (self, model, &name);
  g_auto(GStrv) held_out = sheath_training_run_dup_held_out (self->run);
  g_autoptr(GPtrArray) images = g_ptr_array_new (), axons = g_ptr_array_new (), myelins = g_ptr_array_new ();
  g_autoptr(GArray) sizes = g_array_new (TRUE, TRUE, sizeof (double));
  g_autofree char *text = NULL;
  CompareRun *run;

  if (reference == NULL)
    {
      gtk_label_set_text (self->comparison_label, _ ("No shipped model of its modality to compare it with."));
      return;
    }
  for (guint i = 0; i < self->images->len && held_out != NULL; i++)
    {
      SheathTrainingImage *ti = g_ptr_array_index (self->images, i);
      double size = sheath_training_image_row_get_pixel_size (ti->row);

      if (!g_strv_contains ((const char * const *) held_out, ti->subject))
        continue;
      g_ptr_array_add (images, ti->image);
      g_ptr_array_add (axons, ti->axon);
      g_ptr_array_add (myelins, ti->myelin);
      g_array_append_val (sizes, size);
    }
  if (images->len == 0)
    {
      gtk_label_set_text (self->comparison_label, _ ("The held-out images are not at hand to compare it with others."));
      return;
    }
  g_ptr_array_add (images, NULL);
  g_ptr_array_add (axons, NULL);
  g_ptr_array_add (myelins, NULL);
  text = g_strdup_printf (_ ("Comparing it with %s on the held-out images…"), name);
  gtk_label_set_text (self->comparison_label, text);
  run = g_new0 (CompareRun, 1);
  run->self = g_object_ref (self);
  run->reference_name = g_steal_pointer (&name);
  sheath_training_compare_async (output, reference, (const char * const *) images->pdata,
                                 (const char * const *) axons->pdata, (const char * const *) myelins->pdata,
                                 (const double *) sizes->data, NULL, compared_cb, run);
}

static void
finished (SheathTrainingWindow *self)
{
  g_autofree char *output = sheath_training_run_dup_model_path (self->run);
  g_autoptr(GFile) file = g_file_new_for_path (output);
  g_autoptr(SheathModel) model = sheath_model_new_from_file (file, NULL);
  g_autofree char *axon = model ? sheath_model_dup_metadata_value (model, "validation_dice_axon") : NULL;
  g_autofree char *myelin = model ? sheath_model_dup_metadata_value (model, "validation_dice_myelin") : NULL;
  const char *name = sheath_training_run_get_name (self->run);
  g_autofree char *text = NULL;

  text = g_strdup_printf ("“%s”, the best of %u epochs on the held-out images: Dice axon %s, myelin %s. "
                          "Save it to use it in the model picker and with sheath-cli --model \"%s\".",
                          name, self->shown_epoch, axon ? axon : "?", myelin ? myelin : "?", name);
  adw_status_page_set_description (self->done_page, text);
  /* the curve stays in sight at the end */
  sheath_curve_plot_copy (self->final_curve, self->curve);
  gtk_label_set_text (self->comparison_label, "");
  if (model != NULL)
    compare (self, model, output);
  _sheath_training_window_go_to (self, "done");
}

/* A trainer holds its images and network in hundreds of MB spread over its
 * threads' malloc arenas: once it is gone, hand them back to the system
 * rather than keep a cancelled run's size for the rest of the session. */
static void
forget_run (SheathTrainingWindow *self)
{
  if (self->run != NULL)
    g_signal_handlers_disconnect_by_data (sheath_training_run_get_trainer (self->run), self);
  g_clear_object (&self->run);
  self->cancelling = FALSE;
#ifdef __GLIBC__
  malloc_trim (0);
#endif
}

static void
ran_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(SheathTrainingWindow) self = user_data;
  SheathTrainingRun *run = SHEATH_TRAINING_RUN (object);
  g_autoptr(GError) error = NULL;
  gboolean ok = sheath_training_run_run_finish (run, result, &error);

  if (self->closed)
    {
      g_autofree char *model = sheath_training_run_dup_model_path (run);
      g_autofree char *checkpoint = g_strconcat (model, ".checkpoint", NULL);

      /* closed before anything could be kept: nothing to resume */
      if (!ok && !g_file_test (checkpoint, G_FILE_TEST_EXISTS))
        sheath_training_run_discard (run);
      return;
    }

  if (ok)
    finished (self);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->cancelling)
    {
      sheath_training_run_discard (run);
      forget_run (self);
      sheath_curve_plot_clear (self->curve);
      _sheath_training_window_toast (self, _ ("Training cancelled"));
      _sheath_training_window_go_to (self, "images");
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_label_set_text (self->status_label, _ ("Paused: resume now or later, also after closing Sheath"));
  else
    {
      g_autofree char *text = g_strdup_printf (_ ("Training stopped: %s"), error->message);

      gtk_label_set_text (self->status_label, text);
      _sheath_training_window_toast (self, text);
    }
  _sheath_training_window_update_actions (self);
}

static void
run (SheathTrainingWindow *self)
{
  SheathTrainer *trainer = sheath_training_run_get_trainer (self->run);

  g_object_get (trainer, "fraction", &self->run_start_fraction, NULL);
  self->run_started = g_get_monotonic_time ();
  self->last_step_position = 0;
  g_signal_connect_object (trainer, "notify::fraction", G_CALLBACK (fraction_cb), self, 0);
  g_signal_connect_object (trainer, "notify::epoch", G_CALLBACK (epoch_cb), self, 0);
  gtk_label_set_text (self->status_label, _ ("Starting"));
  gtk_label_set_text (self->eta_label, "");
  sheath_training_run_run_async (self->run, ran_cb, g_object_ref (self));
  _sheath_training_window_go_to (self, "progress");
  _sheath_training_window_update_actions (self);
}

/* ---- start, pause, resume, cancel ------------------------------------------ */

/* The network and schedule: the template's (tests make them small), else
 * the trainer's defaults, what the shipped models use, with the budget. */
static void
configure (SheathTrainingWindow *self,
           SheathTrainer        *trainer,
           gboolean              from_scratch)
{
  SheathTrainer *t = self->template;

  if (t != NULL && from_scratch)
    {
      sheath_trainer_set_depth (trainer, sheath_trainer_get_depth (t));
      sheath_trainer_set_base_channels (trainer, sheath_trainer_get_base_channels (t));
    }
  if (t != NULL)
    {
      sheath_trainer_set_patch_size (trainer, sheath_trainer_get_patch_size (t));
      sheath_trainer_set_batch_size (trainer, sheath_trainer_get_batch_size (t));
    }
  if (t != NULL && sheath_trainer_get_epochs (t) > 0)
    sheath_trainer_set_epochs (trainer, sheath_trainer_get_epochs (t));
  else
    sheath_trainer_set_minutes (trainer, gtk_spin_button_get_value (self->minutes));
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  SheathTrainingWindow *self = SHEATH_TRAINING_WINDOW (widget);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_auto(GStrv) held_out = _sheath_training_window_dup_held_out (self);
  g_autoptr(GPtrArray) image_paths = g_ptr_array_new ();
  g_autoptr(SheathTrainer) trainer = sheath_trainer_new ();
  g_autoptr(GError) error = NULL;
  const char *start = gtk_check_button_get_active (self->start_sem) ? "sem" :
                      gtk_check_button_get_active (self->start_tem) ? "tem" : "scratch";
  g_autofree char *description = NULL;

  if (self->run != NULL)
    return;
  if (!sheath_training_run_check_name (name, &error))
    {
      _sheath_training_window_toast (self, error->message);
      return;
    }
  for (guint i = 0; i < self->images->len; i++)
    {
      SheathTrainingImage *ti = g_ptr_array_index (self->images, i);

      if (!sheath_trainer_add_image (trainer, ti->image, ti->axon, ti->myelin,
                                     sheath_training_image_row_get_pixel_size (ti->row), ti->subject, &error))
        {
          _sheath_training_window_toast (self, error->message);
          return;
        }
      g_ptr_array_add (image_paths, ti->image);
    }
  g_ptr_array_add (image_paths, NULL);
  if (!g_str_equal (start, "scratch"))
    {
      g_autoptr(GFile) init = sheath_model_find_builtin (start);
      g_autofree char *path = init ? g_file_get_path (init) : NULL;

      if (path == NULL || !sheath_trainer_set_init_model (trainer, path, &error))
        {
          _sheath_training_window_toast (self, error ? error->message
                                                     : _ ("The shipped model is not installed: start from scratch"));
          return;
        }
    }
  else
    {
      const char *modalities[] = { "SEM", "TEM", "light", "other" };
      guint chosen = adw_combo_row_get_selected (self->modality_row);

      sheath_trainer_set_pixel_size (trainer, _sheath_training_window_median_pixel_size (self));
      sheath_trainer_set_modality (trainer, modalities[MIN (chosen, G_N_ELEMENTS (modalities) - 1)]);
    }
  configure (self, trainer, g_str_equal (start, "scratch"));
  description = g_strdup_printf ("%s: trained in Sheath on %u images", name, self->images->len);
  sheath_trainer_set_description (trainer, description);
  sheath_trainer_set_validation_subjects (trainer, (const char * const *) held_out);

  if (!(self->run = sheath_training_run_new (name, trainer, start, (const char * const *) image_paths->pdata,
                                             (const char * const *) held_out, sheath_trainer_get_minutes (trainer),
                                             &error)))
    {
      _sheath_training_window_toast (self, error->message);
      return;
    }
  self->shown_epoch = 0;
  sheath_curve_plot_clear (self->curve);
  run (self);
}

static void
pause_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  SheathTrainingWindow *self = SHEATH_TRAINING_WINDOW (widget);

  if (self->run != NULL && sheath_training_run_get_running (self->run))
    {
      gtk_label_set_text (self->status_label, _ ("Pausing: writing a checkpoint"));
      sheath_training_run_pause (self->run);
    }
  gtk_widget_action_set_enabled (widget, "train.pause", FALSE);
}

/* Resumes a training paused in this window, or one of an earlier session
 * (its curve drawn again from its notes). */
gboolean
_sheath_training_window_resume_named (SheathTrainingWindow  *self,
                                      const char            *name,
                                      GError               **error)
{
  if (self->run == NULL)
    {
      g_autoptr(GArray) curve = NULL;

      if (!(self->run = sheath_training_run_open_paused (name, error)))
        return FALSE;
      sheath_curve_plot_clear (self->curve);
      self->shown_epoch = 0;
      curve = sheath_training_run_dup_curve (self->run);
      for (guint i = 0; i < curve->len; i++)
        {
          const SheathTrainingEpoch *e = &g_array_index (curve, SheathTrainingEpoch, i);

          sheath_curve_plot_add_epoch (self->curve, e->epoch, e->loss, e->dice_axon, e->dice_myelin);
          self->shown_epoch = e->epoch;
        }
    }
  else if (sheath_training_run_get_running (self->run))
    return TRUE;
  /* resumed in this session: from the checkpoint the pause wrote */
  else if (!sheath_training_run_reload (self->run, error))
    return FALSE;
  run (self);
  return TRUE;
}

static void
resume_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SheathTrainingWindow *self = SHEATH_TRAINING_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (self->run != NULL &&
      !_sheath_training_window_resume_named (self, sheath_training_run_get_name (self->run), &error))
    _sheath_training_window_toast (self, error->message);
}

static void
cancel_now (SheathTrainingWindow *self)
{
  if (self->run == NULL)
    return;
  self->cancelling = TRUE;
  if (sheath_training_run_get_running (self->run))
    {
      /* the run's end throws it away */
      gtk_label_set_text (self->status_label, _ ("Cancelling"));
      sheath_training_run_pause (self->run);
    }
  else
    {
      /* paused: nothing runs, forget it now */
      sheath_training_run_discard (self->run);
      forget_run (self);
      _sheath_training_window_go_to (self, "images");
    }
  _sheath_training_window_update_actions (self);
}

static void
cancel_response_cb (AdwMessageDialog     *dialog,
                    const char           *response,
                    SheathTrainingWindow *self)
{
  if (g_strcmp0 (response, "discard") == 0)
    cancel_now (self);
}

/* Cancelling throws the run away (Pause keeps it): asked first. */
static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SheathTrainingWindow *self = SHEATH_TRAINING_WINDOW (widget);
  GtkWidget *dialog;

  if (self->run == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Cancel Training?"),
                                   _ ("The model trained so far and its checkpoint are thrown away. Pause keeps them "
                                   "to resume later."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "keep", _ ("_Keep Training"), "discard",
                                    _ ("_Discard Training"), NULL);
  sheath_accessible_name_buttons (dialog);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (cancel_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- saving -------------------------------------------------------------- */

/* The card written beside the model, by libsheath's one card writer; the
 * wizard adds what only it knows: the images and the time budget. */
static SheathModelCard *
model_card (SheathTrainingWindow *self,
            SheathModel          *model)
{
  g_autoptr(SheathModelCard) card = sheath_model_card_new (model, sheath_training_run_get_name (self->run));
  g_auto(GStrv) images = sheath_training_run_dup_images (self->run);
  g_autofree char *data = g_strdup_printf ("%u labelled images, listed below", images ? g_strv_length (images) : 0);

  sheath_model_card_set_trained_by (card, "Sheath's training wizard");
  sheath_model_card_set_data (card, data);
  sheath_model_card_set_budget_minutes (card, sheath_training_run_get_budget_minutes (self->run));
  for (guint i = 0; images != NULL && images[i] != NULL; i++)
    sheath_model_card_add_image (card, images[i]);
  return g_steal_pointer (&card);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SheathTrainingWindow *self = SHEATH_TRAINING_WINDOW (widget);
  g_autofree char *models = sheath_model_dup_user_dir ();
  g_autofree char *output = NULL, *base = NULL, *dest = NULL, *card_path = NULL, *text = NULL;
  g_autoptr(GFile) from = NULL, to = NULL;
  g_autoptr(SheathModel) model = NULL;
  g_autoptr(SheathModelCard) card = NULL;
  g_autoptr(GError) error = NULL;

  if (self->run == NULL || g_mkdir_with_parents (models, 0755) != 0)
    return;
  output = sheath_training_run_dup_model_path (self->run);
  base = g_strconcat (sheath_training_run_get_name (self->run), ".safetensors", NULL);
  dest = g_build_filename (models, base, NULL);
  card_path = sheath_model_card_dup_path_for (dest);
  from = g_file_new_for_path (output);
  to = g_file_new_for_path (dest);
  /* the card first, then the model: a model in the folder has its card */
  if (!(model = sheath_model_new_from_file (from, &error)) ||
      !(card = model_card (self, model)) ||
      !sheath_model_card_save (card, card_path, &error) ||
      !g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error))
    {
      text = g_strdup_printf (_ ("The model was not saved: %s"), error ? error->message : "?");
      _sheath_training_window_toast (self, text);
      return;
    }
  sheath_training_run_discard (self->run);
  g_signal_emit_by_name (self, "model-saved", dest);
  text = g_strdup_printf (_ ("Saved “%s”, with its model card: it is in the model picker"),
                          sheath_training_run_get_name (self->run));
  adw_status_page_set_description (self->done_page, text);
  gtk_widget_action_set_enabled (widget, "train.save", FALSE);
  forget_run (self);
}

void
_sheath_training_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "train.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "train.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "train.resume", NULL, resume_action);
  gtk_widget_class_install_action (widget_class, "train.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "train.save", NULL, save_action);
}
