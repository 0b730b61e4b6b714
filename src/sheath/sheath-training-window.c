/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-training-window"

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "sheath-accessible.h"
#include "sheath-choice-button.h"
#include "sheath-curve-plot.h"
#include "sheath-file-chooser.h"
#include "sheath-training-comparison.h"
#include "sheath-training-window.h"

/* The training wizard: pages that walk through choosing labelled images,
 * where to start from, which images to hold out, a name and a time budget;
 * then training runs in the background through libsheath's trainer (what
 * `sheath-cli train` runs) with a live view, can be paused and resumed (also
 * in a later session: the checkpoint and this window's notes stay in the
 * staging folder), and ends with the validation figures and a model saved
 * with its model card where the model picker finds it. */

typedef struct
{
  char          *image;
  char          *axon;
  char          *myelin;
  char          *subject;
  GtkSpinButton *pixel_size;
  GtkWidget     *row;
} TrainingImage;

struct _SheathTrainingWindow
{
  AdwWindow             parent_instance;

  /* template widgets */
  AdwToastOverlay      *toasts;
  GtkWidget            *back_button;
  AdwWindowTitle       *title;
  GtkWidget            *pages;             /* the page widgets, named by tag, until set up */
#if ADW_CHECK_VERSION (1, 4, 0)
  AdwNavigationView    *navigation;
#else
  AdwLeaflet           *leaflet;
#endif
  AdwPreferencesGroup  *paused_group;
  AdwPreferencesGroup  *images_group;
  AdwPreferencesGroup  *validation_group;
  GtkWidget            *start_sem_row;
  GtkWidget            *start_tem_row;
  GtkCheckButton       *start_sem;
  GtkCheckButton       *start_tem;
  GtkCheckButton       *start_scratch;
  AdwEntryRow          *name_row;
  AdwComboRow          *modality_row;
  GtkSpinButton        *minutes;
  SheathCurvePlot      *curve;
  SheathCurvePlot      *final_curve;
  GtkLabel             *comparison_label;
  double                last_step_position;
  GtkPicture           *preview;
  GtkLabel             *status_label;
  GtkLabel             *figures_label;
  GtkLabel             *eta_label;
  GtkProgressBar       *progress;
  AdwStatusPage        *done_page;

  GPtrArray            *images;            /* TrainingImage */
  GPtrArray            *paused_rows;
  GPtrArray            *validation_checks; /* GtkCheckButton, with "subject" data */

  /* the training, once started */
  char                 *name;
  GKeyFile             *notes;             /* STAGING/NAME.ini: what the card will say */
  SheathTrainer        *trainer;
  GCancellable         *cancellable;
  gboolean              running;
  gboolean              cancelling;
  gboolean              closed;            /* disposed while training went on */
  gint64                run_started;
  double                run_start_fraction;
  guint                 shown_epoch;

  /* the network trained from scratch (0: the trainer's default); tests
   * make it small */
  guint                 depth;
  guint                 base_channels;
  guint                 patch_size;
  guint                 batch_size;
  guint                 epochs;
};

G_DEFINE_FINAL_TYPE (SheathTrainingWindow, sheath_training_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_DEPTH,
  PROP_BASE_CHANNELS,
  PROP_PATCH_SIZE,
  PROP_BATCH_SIZE,
  PROP_EPOCHS,
  N_PROPS
};

enum { ADD_OPEN_IMAGES, MODEL_SAVED, N_SIGNALS };

static GParamSpec *properties [N_PROPS];
static guint signals [N_SIGNALS];

static const char *page_titles[][2] = {
  { "images", "Images and Masks" },
  { "start", "Start From" },
  { "validation", "Validation" },
  { "budget", "Name and Time" },
  { "progress", "Training" },
  { "done", "Done" },
};

static void
training_image_free (gpointer data)
{
  TrainingImage *ti = data;

  g_free (ti->image);
  g_free (ti->axon);
  g_free (ti->myelin);
  g_free (ti->subject);
  g_free (ti);
}

static void
toast (SheathTrainingWindow *self,
       const char           *text)
{
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (text));
}

/**
 * sheath_training_window_dup_staging_dir:
 *
 * Returns: (transfer full): where trainings in progress keep their
 *   checkpoints and notes, `$XDG_STATE_HOME/sheath/training`
 */
char *
sheath_training_window_dup_staging_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), "sheath", "training", NULL);
}

static char *
staging_path (const char *name,
              const char *suffix)
{
  g_autofree char *dir = sheath_training_window_dup_staging_dir ();
  g_autofree char *base = g_strconcat (name, suffix, NULL);

  return g_build_filename (dir, base, NULL);
}

/* ---- pages ---------------------------------------------------------------- */

/* The pages live in an AdwNavigationView where libadwaita 1.4+ has one,
 * in an AdwLeaflet on Debian 12's 1.2; the template holds them in a box,
 * each named by its tag, and they move into whichever this build has. */

static const char *
page_title (const char *tag)
{
  for (guint i = 0; i < G_N_ELEMENTS (page_titles); i++)
    if (g_str_equal (page_titles[i][0], tag))
      return page_titles[i][1];
  return tag;
}

static void page_changed_cb (GObject              *pages,
                             GParamSpec           *pspec,
                             SheathTrainingWindow *self);

static void
set_up_pages (SheathTrainingWindow *self)
{
  GtkWidget *box = self->pages;
  GtkWidget *container;
  GtkWidget *child;

#if ADW_CHECK_VERSION (1, 4, 0)
  self->navigation = ADW_NAVIGATION_VIEW (adw_navigation_view_new ());
  container = GTK_WIDGET (self->navigation);
#else
  self->leaflet = ADW_LEAFLET (adw_leaflet_new ());
  adw_leaflet_set_can_unfold (self->leaflet, FALSE);
  adw_leaflet_set_can_navigate_back (self->leaflet, TRUE);
  container = GTK_WIDGET (self->leaflet);
#endif
  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      g_autoptr(GtkWidget) page = g_object_ref (child);
      const char *tag = gtk_widget_get_name (page);

      gtk_box_remove (GTK_BOX (box), page);
#if ADW_CHECK_VERSION (1, 4, 0)
      adw_navigation_view_add (self->navigation, adw_navigation_page_new_with_tag (page, page_title (tag), tag));
#else
      adw_leaflet_page_set_name (adw_leaflet_append (self->leaflet, page), tag);
#endif
    }
  gtk_widget_set_vexpand (container, TRUE);
  gtk_box_append (GTK_BOX (box), container);
#if ADW_CHECK_VERSION (1, 4, 0)
  adw_navigation_view_replace_with_tags (self->navigation, (const char * const[]) { "images" }, 1);
  g_signal_connect (self->navigation, "notify::visible-page", G_CALLBACK (page_changed_cb), self);
#else
  g_signal_connect (self->leaflet, "notify::visible-child-name", G_CALLBACK (page_changed_cb), self);
#endif
}

static void
go_to (SheathTrainingWindow *self,
       const char           *page)
{
#if ADW_CHECK_VERSION (1, 4, 0)
  /* forward pushes, going back to a page on the stack pops to it */
  if (g_strcmp0 (sheath_training_window_get_page (self), page) == 0)
    return;
  if (!adw_navigation_view_pop_to_tag (self->navigation, page))
    adw_navigation_view_push_by_tag (self->navigation, page);
#else
  adw_leaflet_set_visible_child_name (self->leaflet, page);
#endif
}

const char *
sheath_training_window_get_page (SheathTrainingWindow *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINING_WINDOW (self), NULL);
#if ADW_CHECK_VERSION (1, 4, 0)
  return adw_navigation_page_get_tag (adw_navigation_view_get_visible_page (self->navigation));
#else
  return adw_leaflet_get_visible_child_name (self->leaflet);
#endif
}

static void
update_actions (SheathTrainingWindow *self)
{
  const char *page = sheath_training_window_get_page (self);
  gboolean live = g_str_equal (page, "progress") || g_str_equal (page, "done");
  gboolean paused = self->trainer != NULL && !self->running;

  gtk_widget_set_visible (self->back_button, !g_str_equal (page, "images") && !live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.back", !live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.pause", self->running && !self->cancelling);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.resume", paused && g_str_equal (page, "progress"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.cancel", self->trainer != NULL && !self->cancelling &&
                                                                    g_str_equal (page, "progress"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.start", self->trainer == NULL);

  adw_window_title_set_subtitle (self->title, page_title (page));
}

static void
page_changed_cb (GObject              *pages,
                 GParamSpec           *pspec,
                 SheathTrainingWindow *self)
{
  update_actions (self);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SheathTrainingWindow *self = SHEATH_TRAINING_WINDOW (widget);

#if ADW_CHECK_VERSION (1, 4, 0)
  adw_navigation_view_pop (self->navigation);
#else
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
#endif
}

/* ---- images ------------------------------------------------------------------ */

static void
remove_image_cb (GtkButton            *button,
                 SheathTrainingWindow *self)
{
  TrainingImage *ti = g_object_get_data (G_OBJECT (button), "image");

  adw_preferences_group_remove (self->images_group, ti->row);
  g_ptr_array_remove (self->images, ti);
}

/**
 * sheath_training_window_add_image:
 * @pixel_size: micrometres per pixel, or 0 to read it from the image's files
 * @subject: (nullable): the animal it comes from; images of one subject are
 *   held out together (default: the image's name)
 */
gboolean
sheath_training_window_add_image (SheathTrainingWindow  *self,
                                  const char            *image,
                                  const char            *axon_mask,
                                  const char            *myelin_mask,
                                  double                 pixel_size,
                                  const char            *subject,
                                  GError               **error)
{
  g_autofree char *name = g_path_get_basename (image);
  g_autofree char *mask_names = NULL;
  TrainingImage *ti;
  GtkWidget *remove;

  g_return_val_if_fail (SHEATH_IS_TRAINING_WINDOW (self), FALSE);

  for (guint i = 0; i < self->images->len; i++)
    if (g_str_equal (((TrainingImage *) g_ptr_array_index (self->images, i))->image, image))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "“%s” is in the list already", name);
        return FALSE;
      }
  if (!g_file_test (axon_mask, G_FILE_TEST_IS_REGULAR) || !g_file_test (myelin_mask, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "“%s” has no masks: save IMAGE_seg-axon.png and IMAGE_seg-myelin.png beside it", name);
      return FALSE;
    }
  if (pixel_size <= 0)
    {
      g_autoptr(GFile) file = g_file_new_for_path (image);
      g_autoptr(SheathImage) loaded = sheath_image_new_from_file (file, error);

      if (loaded == NULL)
        return FALSE;
      pixel_size = sheath_image_get_pixel_size (loaded);
    }

  ti = g_new0 (TrainingImage, 1);
  ti->image = g_strdup (image);
  ti->axon = g_strdup (axon_mask);
  ti->myelin = g_strdup (myelin_mask);
  if (subject != NULL)
    ti->subject = g_strdup (subject);
  else
    {
      char *dot;

      ti->subject = g_strdup (name);
      if ((dot = strrchr (ti->subject, '.')) != NULL)
        *dot = '\0';
    }

  ti->row = adw_action_row_new ();
  {
    g_autofree char *mask_base = g_path_get_basename (axon_mask);
    mask_names = g_strdup_printf ("%s · masks %s", ti->subject, mask_base);
  }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (ti->row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (ti->row), mask_names);
  ti->pixel_size = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0, 100, 0.001));
  gtk_spin_button_set_digits (ti->pixel_size, 4);
  gtk_spin_button_set_value (ti->pixel_size, pixel_size);
  gtk_widget_set_valign (GTK_WIDGET (ti->pixel_size), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (ti->pixel_size), "Pixel size in micrometres");
  adw_action_row_add_suffix (ADW_ACTION_ROW (ti->row), GTK_WIDGET (ti->pixel_size));
  adw_action_row_add_suffix (ADW_ACTION_ROW (ti->row), gtk_label_new ("µm"));
  remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (remove, "Leave this image out");
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, "Remove", -1);
  gtk_widget_add_css_class (remove, "flat");
  g_object_set_data (G_OBJECT (remove), "image", ti);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_image_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (ti->row), remove);
  adw_preferences_group_add (self->images_group, ti->row);
  g_ptr_array_add (self->images, ti);
  return TRUE;
}

guint
sheath_training_window_get_n_images (SheathTrainingWindow *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINING_WINDOW (self), 0);
  return self->images->len;
}

/* whether training runs now (not paused, finished or cancelled) */
gboolean
sheath_training_window_get_running (SheathTrainingWindow *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINING_WINDOW (self), FALSE);
  return self->running;
}

/* The masks of an image: beside it (Sheath's and AxonDeepSeg's names, or
 * "-manual" ones), or where a BIDS dataset keeps them. */
static gboolean
find_masks (const char  *image,
            char       **axon,
            char       **myelin,
            char       **subject)
{
  g_autofree char *dir = g_path_get_dirname (image);
  g_autofree char *stem = g_path_get_basename (image);
  g_autofree char *micr = g_path_get_basename (dir);
  const char *suffixes[] = { "", "-manual" };
  char *dot = strrchr (stem, '.');

  if (dot != NULL)
    *dot = '\0';
  *subject = sheath_bids_dup_subject (image);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *a = g_strdup_printf ("%s/%s_seg-axon%s.png", dir, stem, suffixes[i]);
      g_autofree char *m = g_strdup_printf ("%s/%s_seg-myelin%s.png", dir, stem, suffixes[i]);

      if (g_file_test (a, G_FILE_TEST_IS_REGULAR) && g_file_test (m, G_FILE_TEST_IS_REGULAR))
        {
          *axon = g_steal_pointer (&a);
          *myelin = g_steal_pointer (&m);
          return TRUE;
        }
    }
  if (*subject != NULL && g_str_equal (micr, "micr"))
    {
      /* DATASET/sub-X/micr/IMAGE */
      g_autofree char *subject_dir = g_path_get_dirname (dir);
      g_autofree char *dataset = g_path_get_dirname (subject_dir);

      *axon = sheath_bids_dup_mask_path (dataset, image, "axon");
      *myelin = sheath_bids_dup_mask_path (dataset, image, "myelin");
      if (g_file_test (*axon, G_FILE_TEST_IS_REGULAR) && g_file_test (*myelin, G_FILE_TEST_IS_REGULAR))
        return TRUE;
      g_clear_pointer (axon, g_free);
      g_clear_pointer (myelin, g_free);
    }
  return FALSE;
}

/**
 * sheath_training_window_add_file:
 *
 * Adds an image with the masks found beside it or in its BIDS dataset.
 */
gboolean
sheath_training_window_add_file (SheathTrainingWindow  *self,
                                 const char            *image,
                                 GError               **error)
{
  g_autofree char *axon = NULL, *myelin = NULL, *subject = NULL;

  g_return_val_if_fail (SHEATH_IS_TRAINING_WINDOW (self), FALSE);

  if (!find_masks (image, &axon, &myelin, &subject))
    {
      g_autofree char *name = g_path_get_basename (image);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "No masks found for “%s”: save them beside it as IMAGE_seg-axon.png and IMAGE_seg-myelin.png",
                   name);
      return FALSE;
    }
  return sheath_training_window_add_image (self, image, axon, myelin, 0, subject, error);
}

typedef struct
{
  SheathTrainingWindow *self;
  gboolean              bids;
} AddFiles;

static void
add_files_free (gpointer data)
{
  AddFiles *add = data;

  g_object_unref (add->self);
  g_free (add);
}

static void
files_chosen_cb (GListModel *files,
                 gpointer    data)
{
  AddFiles *add = data;

  for (guint i = 0; files != NULL && i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;

      if (path == NULL)
        continue;
      if (add->bids)
        {
          g_auto(GStrv) images = sheath_bids_list_images (path, &error);

          for (guint k = 0; images != NULL && images[k] != NULL; k++)
            {
              g_autoptr(GError) image_error = NULL;

              if (!sheath_training_window_add_file (add->self, images[k], &image_error))
                toast (add->self, image_error->message);
            }
        }
      else
        sheath_training_window_add_file (add->self, path, &error);
      if (error != NULL)
        toast (add->self, error->message);
    }
}

static void
add_files_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  AddFiles *add = g_new0 (AddFiles, 1);
  g_autoptr(GtkFileFilter) filter = NULL;

  add->self = g_object_ref (SHEATH_TRAINING_WINDOW (widget));
  add->bids = g_str_equal (action_name, "train.add-bids");
  if (!add->bids)
    {
      filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, "Images (PNG, TIFF)");
      gtk_file_filter_add_mime_type (filter, "image/png");
      gtk_file_filter_add_mime_type (filter, "image/tiff");
    }
  sheath_choose_files (GTK_WINDOW (widget), add->bids ? SHEATH_CHOOSE_FOLDER : SHEATH_CHOOSE_FILES,
                       add->bids ? "Choose a BIDS Dataset" : "Choose Labelled Images", "_Add", filter, NULL, NULL,
                       files_chosen_cb, add, add_files_free);
}

static void
add_open_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  SheathTrainingWindow *self = SHEATH_TRAINING_WINDOW (widget);
  guint before = self->images->len;

  g_signal_emit (self, signals [ADD_OPEN_IMAGES], 0);
  if (self->images->len == before)
    toast (self, "No open image has masks to add");
}

/* ---- the pages before training ---------------------------------------------- */

static double
median_pixel_size (SheathTrainingWindow *self)
{
  g_autofree double *v = g_new (double, self->images->len + 1);
  guint n = self->images->len;

  for (guint i = 0; i < n; i++)
    v[i] = gtk_spin_button_get_value (((TrainingImage *) g_ptr_array_index (self->images, i))->pixel_size);
  for (guint i = 1; i < n; i++)   /* a handful: insertion sort */
    for (guint j = i; j > 0 && v[j - 1] > v[j]; j--)
      {
        double t = v[j];
        v[j] = v[j - 1];
        v[j - 1] = t;
      }
  return n ? v[n / 2] : 0;
}

static void
build_validation_page (SheathTrainingWindow *self)
{
  g_autoptr(GPtrArray) subjects = g_ptr_array_new ();

  for (guint i = 0; i < self->validation_checks->len; i++)
    adw_preferences_group_remove (self->validation_group,
                                  gtk_widget_get_ancestor (g_ptr_array_index (self->validation_checks, i),
                                                           ADW_TYPE_ACTION_ROW));
  g_ptr_array_set_size (self->validation_checks, 0);

  for (guint i = 0; i < self->images->len; i++)
    {
      TrainingImage *ti = g_ptr_array_index (self->images, i);

      if (!g_ptr_array_find_with_equal_func (subjects, ti->subject, g_str_equal, NULL))
        g_ptr_array_add (subjects, ti->subject);
    }
  for (guint i = 0; i < subjects->len; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint k = 0; k < self->images->len; k++)
        {
          TrainingImage *ti = g_ptr_array_index (self->images, k);
          g_autofree char *base = g_path_get_basename (ti->image);

          if (g_str_equal (ti->subject, g_ptr_array_index (subjects, i)))
            g_string_append_printf (names, "%s%s", names->len ? ", " : "", base);
        }
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), g_ptr_array_index (subjects, i));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), names->str);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      /* by default the last subject is held out */
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), i + 1 == subjects->len && subjects->len > 1);
      g_object_set_data_full (G_OBJECT (check), "subject", g_strdup (g_ptr_array_index (subjects, i)), g_free);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (self->validation_group, row);
      g_ptr_array_add (self->validation_checks, check);
    }
}

static GStrv
held_out_subjects (SheathTrainingWindow *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < self->validation_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->validation_checks, i);

      if (gtk_check_button_get_active (check))
        g_strv_builder_add (builder, g_object_get_data (G_OBJECT (check), "subject"));
    }
  return g_strv_builder_end (builder);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SheathTrainingWindow *self = SHEATH_TRAINING_WINDOW (widget);
  const char *page = sheath_training_window_get_page (self);

  if (g_str_equal (page, "images"))
    {
      if (self->images->len < 2)
        {
          toast (self, "Add at least two labelled images: one to train on, one to validate with");
          return;
        }
      for (guint i = 0; i < self->images->len; i++)
        {
          TrainingImage *ti = g_ptr_array_index (self->images, i);

          if (gtk_spin_button_get_value (ti->pixel_size) <= 0)
            {
              g_autofree char *base = g_path_get_basename (ti->image);
              g_autofree char *text = g_strdup_printf ("Set the pixel size of “%s”", base);

              toast (self, text);
              return;
            }
        }
      go_to (self, "start");
    }
  else if (g_str_equal (page, "start"))
    {
      build_validation_page (self);
      if (self->validation_checks->len < 2)
        {
          toast (self, "All the images come from one subject: validation needs images of another");
          return;
        }
      go_to (self, "validation");
    }
  else if (g_str_equal (page, "validation"))
    {
      g_auto(GStrv) held_out = held_out_subjects (self);
      guint n = g_strv_length (held_out);

      if (n == 0 || n == self->validation_checks->len)
        {
          toast (self, "Hold out at least one subject, and train on at least one");
          return;
        }
      /* from scratch the user says what the images are; a fine-tuned
       * model is of its parent's modality */
      gtk_widget_set_sensitive (GTK_WIDGET (self->modality_row), gtk_check_button_get_active (self->start_scratch));
      go_to (self, "budget");
      gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
    }
}

/* ---- training ----------------------------------------------------------------- */

static void
save_notes (SheathTrainingWindow *self)
{
  g_autofree char *path = staging_path (self->name, ".ini");
  g_autoptr(GError) error = NULL;

  if (!g_key_file_save_to_file (self->notes, path, &error))
    g_warning ("Cannot write %s: %s", path, error->message);
}

static void
show_preview (SheathTrainingWindow *self)
{
  g_autoptr(SheathImage) image = NULL;
  g_autoptr(SheathSegmentation) seg = sheath_trainer_dup_preview (self->trainer, &image);
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

          /* the overlay's colours at half opacity */
          p[0] = l == SHEATH_LABEL_MYELIN ? (g + 255) / 2 : l == SHEATH_LABEL_AXON ? (g + 20) / 2 : g;
          p[1] = l == SHEATH_LABEL_MYELIN ? (g + 40) / 2 : l == SHEATH_LABEL_AXON ? (g + 110) / 2 : g;
          p[2] = l == SHEATH_LABEL_MYELIN ? (g + 40) / 2 : l == SHEATH_LABEL_AXON ? (g + 255) / 2 : g;
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
  guint epoch;
  double loss, dice_axon, dice_myelin;
  g_autofree char *figures = NULL;
  g_autofree char *point = NULL;
  g_autofree char *curve = NULL;

  g_object_get (trainer, "epoch", &epoch, "loss", &loss, "validation-dice-axon", &dice_axon,
                "validation-dice-myelin", &dice_myelin, NULL);
  if (epoch == 0 || epoch == self->shown_epoch)
    return;
  self->shown_epoch = epoch;
  sheath_curve_plot_add_epoch (self->curve, epoch, loss, dice_axon, dice_myelin);
  figures = g_strdup_printf ("Epoch %u: training loss %.3f; validation Dice axon %.3f, myelin %.3f",
                             epoch, loss, dice_axon, dice_myelin);
  gtk_label_set_text (self->figures_label, figures);
  show_preview (self);

  /* the curve outlives the session, for a training resumed later */
  curve = g_key_file_get_string (self->notes, "training", "curve", NULL);
  point = g_strdup_printf ("%s%u %.6g %.6g %.6g", curve && *curve ? ";" : "", epoch, loss, dice_axon, dice_myelin);
  {
    g_autofree char *joined = g_strconcat (curve ? curve : "", point, NULL);
    g_key_file_set_string (self->notes, "training", "curve", joined);
  }
  save_notes (self);
}

static void
fraction_cb (SheathTrainer        *trainer,
             GParamSpec           *pspec,
             SheathTrainingWindow *self)
{
  double fraction;
  g_autofree char *message = NULL;
  double done, elapsed;

  g_object_get (trainer, "fraction", &fraction, "message", &message, NULL);
  gtk_progress_bar_set_fraction (self->progress, fraction);
  {
    /* the loss step by step: a curve before the first epoch ends */
    double position, step_loss;

    g_object_get (trainer, "epoch-position", &position, "step-loss", &step_loss, NULL);
    if (position >= self->last_step_position + 0.02 && step_loss > 0)
      {
        sheath_curve_plot_add_step (self->curve, position, step_loss);
        self->last_step_position = position;
      }
  }
  if (message != NULL)
    gtk_label_set_text (self->status_label, message);

  done = fraction - self->run_start_fraction;
  elapsed = (g_get_monotonic_time () - self->run_started) / 1e6;
  if (done > 0.002 && elapsed > 5)
    {
      double left = elapsed * (1 - fraction) / done;
      g_autofree char *text = left < 90 ? g_strdup_printf ("About %.0f seconds left", left)
                                        : g_strdup_printf ("About %.0f minutes left", left / 60);
      gtk_label_set_text (self->eta_label, text);
    }
}

static void
add_training_time (SheathTrainingWindow *self)
{
  double seconds = g_key_file_get_double (self->notes, "training", "seconds", NULL);

  seconds += (g_get_monotonic_time () - self->run_started) / 1e6;
  g_key_file_set_double (self->notes, "training", "seconds", seconds);
  save_notes (self);
}

static void
discard_staging (const char *name)
{
  const char *suffixes[] = { ".safetensors", ".safetensors.checkpoint", ".ini" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = staging_path (name, suffixes[i]);
      g_unlink (path);
    }
}

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
    text = g_strdup_printf ("Not compared with %s: %s", run->reference_name, error->message);
  else
    {
      gboolean worse = mine->dice_axon + mine->dice_myelin < theirs->dice_axon + theirs->dice_myelin;

      text = g_strdup_printf ("On the held-out images, segmented the same way: this model Dice axon %.3f, "
                              "myelin %.3f; %s %.3f, %.3f.%s", mine->dice_axon, mine->dice_myelin,
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
  g_autofree char *start = self->notes ? g_key_file_get_string (self->notes, "training", "start", NULL) : NULL;
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
  g_auto(GStrv) held_out = self->notes ? g_key_file_get_string_list (self->notes, "training", "validation",
                                                                     NULL, NULL) : NULL;
  g_autoptr(GPtrArray) images = g_ptr_array_new (), axons = g_ptr_array_new (), myelins = g_ptr_array_new ();
  g_autoptr(GArray) sizes = g_array_new (TRUE, TRUE, sizeof (double));
  g_autofree char *text = NULL;
  CompareRun *run;

  if (reference == NULL)
    {
      gtk_label_set_text (self->comparison_label, "No shipped model of its modality to compare it with.");
      return;
    }
  for (guint i = 0; i < self->images->len && held_out != NULL; i++)
    {
      TrainingImage *ti = g_ptr_array_index (self->images, i);
      double size = gtk_spin_button_get_value (ti->pixel_size);

      if (!g_strv_contains ((const char * const *) held_out, ti->subject))
        continue;
      g_ptr_array_add (images, ti->image);
      g_ptr_array_add (axons, ti->axon);
      g_ptr_array_add (myelins, ti->myelin);
      g_array_append_val (sizes, size);
    }
  if (images->len == 0)
    {
      gtk_label_set_text (self->comparison_label, "The held-out images are not at hand to compare it with others.");
      return;
    }
  g_ptr_array_add (images, NULL);
  g_ptr_array_add (axons, NULL);
  g_ptr_array_add (myelins, NULL);
  text = g_strdup_printf ("Comparing it with %s on the held-out images…", name);
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
  g_autofree char *output = staging_path (self->name, ".safetensors");
  g_autoptr(GFile) file = g_file_new_for_path (output);
  g_autoptr(SheathModel) model = sheath_model_new_from_file (file, NULL);
  g_autofree char *axon = model ? sheath_model_dup_metadata_value (model, "validation_dice_axon") : NULL;
  g_autofree char *myelin = model ? sheath_model_dup_metadata_value (model, "validation_dice_myelin") : NULL;
  g_autofree char *text = NULL;

  text = g_strdup_printf ("“%s”, the best of %u epochs on the held-out images: Dice axon %s, myelin %s. "
                          "Save it to use it in the model picker and with sheath-cli --model \"%s\".",
                          self->name, self->shown_epoch, axon ? axon : "?", myelin ? myelin : "?", self->name);
  adw_status_page_set_description (self->done_page, text);
  /* the curve stays in sight at the end */
  sheath_curve_plot_copy (self->final_curve, self->curve);
  gtk_label_set_text (self->comparison_label, "");
  if (model != NULL)
    compare (self, model, output);
  go_to (self, "done");
}

/* A trainer holds its images and network in hundreds of MB spread over its
 * threads' malloc arenas: once it is gone, hand them back to the system
 * rather than keep a cancelled run's size for the rest of the session. */
static void
give_memory_back (void)
{
#ifdef __GLIBC__
  malloc_trim (0);
#endif
}

static void
trained_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SheathTrainingWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = sheath_trainer_train_finish (SHEATH_TRAINER (object), result, &error);

  self->running = FALSE;
  g_clear_object (&self->cancellable);
  add_training_time (self);
  if (self->closed)
    {
      g_autofree char *checkpoint = staging_path (self->name, ".safetensors.checkpoint");

      /* closed before anything could be kept: nothing to resume */
      if (!ok && !g_file_test (checkpoint, G_FILE_TEST_EXISTS))
        discard_staging (self->name);
      return;
    }

  if (ok)
    finished (self);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->cancelling)
    {
      discard_staging (self->name);
      g_clear_object (&self->trainer);
      g_clear_pointer (&self->notes, g_key_file_unref);
      self->cancelling = FALSE;
      give_memory_back ();
      sheath_curve_plot_clear (self->curve);
      toast (self, "Training cancelled");
      go_to (self, "images");
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_label_set_text (self->status_label, "Paused: resume now or later, also after closing Sheath");
  else
    {
      g_autofree char *text = g_strdup_printf ("Training stopped: %s", error->message);

      gtk_label_set_text (self->status_label, text);
      toast (self, text);
    }
  update_actions (self);
}

static void
run (SheathTrainingWindow *self)
{
  g_object_get (self->trainer, "fraction", &self->run_start_fraction, NULL);
  self->run_started = g_get_monotonic_time ();
  self->last_step_position = 0;
  self->running = TRUE;
  self->cancellable = g_cancellable_new ();
  g_signal_connect_object (self->trainer, "notify::fraction", G_CALLBACK (fraction_cb), self, 0);
  g_signal_connect_object (self->trainer, "notify::epoch", G_CALLBACK (epoch_cb), self, 0);
  gtk_label_set_text (self->status_label, "Starting");
  gtk_label_set_text (self->eta_label, "");
  go_to (self, "progress");
  update_actions (self);
  sheath_trainer_train_async (self->trainer, self->cancellable, trained_cb, g_object_ref (self));
}

static gboolean
valid_name (SheathTrainingWindow  *self,
            const char            *name,
            GError               **error)
{
  g_autofree char *models = sheath_model_dup_user_dir ();
  g_autofree char *base = g_strconcat (name, ".safetensors", NULL);
  g_autofree char *existing = g_build_filename (models, base, NULL);
  g_autofree char *checkpoint = staging_path (name, ".safetensors.checkpoint");

  if (*name == '\0' || strchr (name, '/') != NULL || name[0] == '.' ||
      g_str_equal (name, "sem") || g_str_equal (name, "tem"))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                         "Give the model a name (not “sem” or “tem”, without “/”)");
  else if (g_file_test (existing, G_FILE_TEST_EXISTS))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "You have a model named “%s” already", name);
  else if (g_file_test (checkpoint, G_FILE_TEST_EXISTS))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "A paused training is named “%s”", name);
  else
    return TRUE;
  return FALSE;
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  SheathTrainingWindow *self = SHEATH_TRAINING_WINDOW (widget);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree char *dir = sheath_training_window_dup_staging_dir ();
  g_autofree char *output = NULL;
  g_auto(GStrv) held_out = held_out_subjects (self);
  g_autoptr(GPtrArray) image_paths = g_ptr_array_new ();
  g_autoptr(SheathTrainer) trainer = sheath_trainer_new ();
  g_autoptr(GError) error = NULL;
  const char *start = gtk_check_button_get_active (self->start_sem) ? "sem" :
                      gtk_check_button_get_active (self->start_tem) ? "tem" : "scratch";
  g_autofree char *description = NULL;

  if (self->trainer != NULL)
    return;
  if (!valid_name (self, name, &error) || g_mkdir_with_parents (dir, 0700) != 0)
    {
      toast (self, error ? error->message : "Cannot make the training folder");
      return;
    }

  for (guint i = 0; i < self->images->len; i++)
    {
      TrainingImage *ti = g_ptr_array_index (self->images, i);

      if (!sheath_trainer_add_image (trainer, ti->image, ti->axon, ti->myelin,
                                     gtk_spin_button_get_value (ti->pixel_size), ti->subject, &error))
        {
          toast (self, error->message);
          return;
        }
      g_ptr_array_add (image_paths, ti->image);
    }
  if (!g_str_equal (start, "scratch"))
    {
      g_autoptr(GFile) init = sheath_model_find_builtin (start);
      g_autofree char *path = init ? g_file_get_path (init) : NULL;

      if (path == NULL || !sheath_trainer_set_init_model (trainer, path, &error))
        {
          toast (self, error ? error->message : "The shipped model is not installed: start from scratch");
          return;
        }
    }
  else
    {
      const char *modalities[] = { "SEM", "TEM", "light", "other" };
      guint chosen = adw_combo_row_get_selected (self->modality_row);

      g_object_set (trainer, "pixel-size", median_pixel_size (self),
                    "modality", modalities[MIN (chosen, G_N_ELEMENTS (modalities) - 1)], NULL);
      if (self->depth)
        g_object_set (trainer, "depth", self->depth, NULL);
      if (self->base_channels)
        g_object_set (trainer, "base-channels", self->base_channels, NULL);
    }
  if (self->patch_size)
    g_object_set (trainer, "patch-size", self->patch_size, NULL);
  if (self->batch_size)
    g_object_set (trainer, "batch-size", self->batch_size, NULL);
  description = g_strdup_printf ("%s: trained in Sheath on %u images", name, self->images->len);
  if (self->epochs)
    g_object_set (trainer, "epochs", self->epochs, "description", description, NULL);
  else
    g_object_set (trainer, "minutes", gtk_spin_button_get_value (self->minutes), "description", description, NULL);
  sheath_trainer_set_validation_subjects (trainer, (const char * const *) held_out);
  output = staging_path (name, ".safetensors");
  sheath_trainer_set_output (trainer, output);

  self->name = g_steal_pointer (&name);
  self->trainer = g_steal_pointer (&trainer);
  self->shown_epoch = 0;
  self->notes = g_key_file_new ();
  g_key_file_set_string (self->notes, "training", "name", self->name);
  g_key_file_set_string (self->notes, "training", "start", start);
  g_ptr_array_add (image_paths, NULL);
  g_key_file_set_string_list (self->notes, "training", "images", (const char * const *) image_paths->pdata,
                              image_paths->len - 1);
  g_key_file_set_string_list (self->notes, "training", "validation", (const char * const *) held_out,
                              g_strv_length (held_out));
  g_key_file_set_double (self->notes, "training", "minutes",
                         self->epochs ? 0 : gtk_spin_button_get_value (self->minutes));
  g_key_file_set_double (self->notes, "training", "seconds", 0);
  save_notes (self);
  sheath_curve_plot_clear (self->curve);
  run (self);
}

static void
pause_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  SheathTrainingWindow *self = SHEATH_TRAINING_WINDOW (widget);

  if (self->cancellable != NULL)
    {
      gtk_label_set_text (self->status_label, "Pausing: writing a checkpoint");
      g_cancellable_cancel (self->cancellable);
    }
  gtk_widget_action_set_enabled (widget, "train.pause", FALSE);
}

static gboolean
resume_named (SheathTrainingWindow  *self,
              const char            *name,
              GError               **error)
{
  g_autofree char *checkpoint = staging_path (name, ".safetensors.checkpoint");
  g_autofree char *notes_path = staging_path (name, ".ini");
  g_autoptr(SheathTrainer) trainer = NULL;

  if (self->trainer == NULL)
    {
      g_autoptr(GKeyFile) notes = g_key_file_new ();
      g_autofree char *curve = NULL;
      g_auto(GStrv) points = NULL;

      if (!g_key_file_load_from_file (notes, notes_path, G_KEY_FILE_NONE, error) ||
          !(trainer = sheath_trainer_new_from_checkpoint (checkpoint, error)))
        return FALSE;
      self->name = g_strdup (name);
      self->notes = g_steal_pointer (&notes);
      self->trainer = g_steal_pointer (&trainer);
      sheath_curve_plot_clear (self->curve);
      self->shown_epoch = 0;
      curve = g_key_file_get_string (self->notes, "training", "curve", NULL);
      points = g_strsplit (curve ? curve : "", ";", -1);
      for (guint i = 0; points[i] != NULL; i++)
        {
          guint epoch;
          double loss, da, dm;

          if (sscanf (points[i], "%u %lg %lg %lg", &epoch, &loss, &da, &dm) == 4)
            {
              sheath_curve_plot_add_epoch (self->curve, epoch, loss, da, dm);
              self->shown_epoch = epoch;
            }
        }
    }
  else if (self->running)
    return TRUE;
  else
    {
      /* resumed in this session: from the checkpoint the pause wrote */
      if (!(trainer = sheath_trainer_new_from_checkpoint (checkpoint, error)))
        return FALSE;
      g_set_object (&self->trainer, trainer);
    }
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

  if (self->name != NULL && !resume_named (self, self->name, &error))
    toast (self, error->message);
}

static void
cancel_now (SheathTrainingWindow *self)
{
  if (self->trainer == NULL)
    return;
  self->cancelling = TRUE;
  if (self->running)
    {
      gtk_label_set_text (self->status_label, "Cancelling");
      g_cancellable_cancel (self->cancellable);
    }
  else
    {
      /* paused: nothing runs, forget it now */
      discard_staging (self->name);
      g_clear_object (&self->trainer);
      g_clear_pointer (&self->notes, g_key_file_unref);
      g_clear_pointer (&self->name, g_free);
      self->cancelling = FALSE;
      give_memory_back ();
      go_to (self, "images");
    }
  update_actions (self);
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

  if (self->trainer == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), "Cancel Training?",
                                   "The model trained so far and its checkpoint are thrown away. Pause keeps them "
                                   "to resume later.");
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "keep", "_Keep Training", "discard",
                                    "_Discard Training", NULL);
  sheath_accessible_name_buttons (dialog);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (cancel_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- saving ------------------------------------------------------------------- */

/* The card written beside the model, by libsheath's one card writer; the
 * wizard adds what only it knows: the images and the time budget. */
static SheathModelCard *
model_card (SheathTrainingWindow *self,
            SheathModel          *model)
{
  g_autoptr(SheathModelCard) card = sheath_model_card_new (model, self->name);
  g_auto(GStrv) images = g_key_file_get_string_list (self->notes, "training", "images", NULL, NULL);
  g_autofree char *data = g_strdup_printf ("%u labelled images, listed below", images ? g_strv_length (images) : 0);

  sheath_model_card_set_trained_by (card, "Sheath's training wizard");
  sheath_model_card_set_data (card, data);
  sheath_model_card_set_budget_minutes (card, g_key_file_get_double (self->notes, "training", "minutes", NULL));
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
  g_autofree char *output = staging_path (self->name, ".safetensors");
  g_autofree char *base = g_strconcat (self->name, ".safetensors", NULL);
  g_autofree char *dest = g_build_filename (models, base, NULL);
  g_autofree char *card_path = sheath_model_card_dup_path_for (dest);
  g_autoptr(SheathModelCard) card = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GFile) from = g_file_new_for_path (output);
  g_autoptr(GFile) to = g_file_new_for_path (dest);
  g_autoptr(SheathModel) model = NULL;
  g_autoptr(GError) error = NULL;

  if (self->name == NULL || g_mkdir_with_parents (models, 0755) != 0)
    return;
  /* the card first, then the model: a model in the folder has its card */
  if (!(model = sheath_model_new_from_file (from, &error)) ||
      !(card = model_card (self, model)) ||
      !sheath_model_card_save (card, card_path, &error) ||
      !g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error))
    {
      text = g_strdup_printf ("The model was not saved: %s", error ? error->message : "?");
      toast (self, text);
      return;
    }
  discard_staging (self->name);
  g_signal_emit (self, signals [MODEL_SAVED], 0, dest);
  text = g_strdup_printf ("Saved “%s”, with its model card: it is in the model picker", self->name);
  adw_status_page_set_description (self->done_page, text);
  gtk_widget_action_set_enabled (widget, "train.save", FALSE);
  g_clear_object (&self->trainer);
  g_clear_pointer (&self->notes, g_key_file_unref);
}

/* ---- paused trainings of earlier sessions ------------------------------------------ */

static void
paused_resume_cb (GtkButton            *button,
                  SheathTrainingWindow *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "name");
  g_autoptr(GError) error = NULL;

  if (self->trainer != NULL)
    {
      toast (self, "Another training is under way in this window");
      return;
    }
  if (!resume_named (self, name, &error))
    toast (self, error->message);
  else
    gtk_widget_set_visible (GTK_WIDGET (self->paused_group), FALSE);
}

static void
paused_discard_cb (GtkButton            *button,
                   SheathTrainingWindow *self)
{
  discard_staging (g_object_get_data (G_OBJECT (button), "name"));
  adw_preferences_group_remove (self->paused_group, gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_ACTION_ROW));
}

static void
list_paused (SheathTrainingWindow *self)
{
  g_autofree char *dir_path = sheath_training_window_dup_staging_dir ();
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *entry;

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *name = NULL;
      g_autofree char *checkpoint = NULL;
      GtkWidget *row, *resume, *discard;

      if (!g_str_has_suffix (entry, ".ini"))
        continue;
      name = g_strndup (entry, strlen (entry) - 4);
      checkpoint = staging_path (name, ".safetensors.checkpoint");
      if (!g_file_test (checkpoint, G_FILE_TEST_IS_REGULAR))
        continue;
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), "Paused: it goes on from its last checkpoint");
      discard = gtk_button_new_with_mnemonic ("_Discard");
      resume = gtk_button_new_with_mnemonic ("_Resume");
      gtk_widget_add_css_class (resume, "suggested-action");
      gtk_widget_set_valign (discard, GTK_ALIGN_CENTER);
      gtk_widget_set_valign (resume, GTK_ALIGN_CENTER);
      g_object_set_data_full (G_OBJECT (resume), "name", g_strdup (name), g_free);
      g_object_set_data_full (G_OBJECT (discard), "name", g_strdup (name), g_free);
      g_signal_connect (resume, "clicked", G_CALLBACK (paused_resume_cb), self);
      g_signal_connect (discard, "clicked", G_CALLBACK (paused_discard_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), discard);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), resume);
      adw_preferences_group_add (self->paused_group, row);
      gtk_widget_set_visible (GTK_WIDGET (self->paused_group), TRUE);
    }
}

/* ---- GObject ------------------------------------------------------------------------- */

static gboolean
sheath_training_window_close_request (GtkWindow *window)
{
  SheathTrainingWindow *self = SHEATH_TRAINING_WINDOW (window);

  /* closing pauses: the checkpoint is written, and the next time this
   * window opens it offers to resume */
  if (self->running && self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (sheath_training_window_parent_class)->close_request (window);
}

static void
sheath_training_window_dispose (GObject *object)
{
  SheathTrainingWindow *self = SHEATH_TRAINING_WINDOW (object);

  /* a training still running stops with a checkpoint; its end only
   * records the time spent (the notes live until finalize) */
  self->closed = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->trainer != NULL)
    g_signal_handlers_disconnect_by_data (self->trainer, self);
  g_clear_object (&self->trainer);
  gtk_widget_dispose_template (GTK_WIDGET (self), SHEATH_TYPE_TRAINING_WINDOW);

  G_OBJECT_CLASS (sheath_training_window_parent_class)->dispose (object);
}

static void
sheath_training_window_finalize (GObject *object)
{
  SheathTrainingWindow *self = SHEATH_TRAINING_WINDOW (object);

  g_ptr_array_unref (self->images);
  g_ptr_array_unref (self->validation_checks);
  g_clear_pointer (&self->notes, g_key_file_unref);
  g_free (self->name);

  G_OBJECT_CLASS (sheath_training_window_parent_class)->finalize (object);
}

static void
sheath_training_window_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  SheathTrainingWindow *self = SHEATH_TRAINING_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DEPTH: g_value_set_uint (value, self->depth); break;
    case PROP_BASE_CHANNELS: g_value_set_uint (value, self->base_channels); break;
    case PROP_PATCH_SIZE: g_value_set_uint (value, self->patch_size); break;
    case PROP_BATCH_SIZE: g_value_set_uint (value, self->batch_size); break;
    case PROP_EPOCHS: g_value_set_uint (value, self->epochs); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_training_window_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  SheathTrainingWindow *self = SHEATH_TRAINING_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DEPTH: self->depth = g_value_get_uint (value); break;
    case PROP_BASE_CHANNELS: self->base_channels = g_value_get_uint (value); break;
    case PROP_PATCH_SIZE: self->patch_size = g_value_get_uint (value); break;
    case PROP_BATCH_SIZE: self->batch_size = g_value_get_uint (value); break;
    case PROP_EPOCHS: self->epochs = g_value_get_uint (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_training_window_class_init (SheathTrainingWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = sheath_training_window_dispose;
  object_class->finalize = sheath_training_window_finalize;
  object_class->get_property = sheath_training_window_get_property;
  object_class->set_property = sheath_training_window_set_property;
  GTK_WINDOW_CLASS (klass)->close_request = sheath_training_window_close_request;

  /* the network trained from scratch and its patches; 0 keeps the
   * trainer's defaults (what the shipped models use) */
  properties [PROP_DEPTH] = g_param_spec_uint ("depth", NULL, NULL, 0, 8, 0, rw);
  properties [PROP_BASE_CHANNELS] = g_param_spec_uint ("base-channels", NULL, NULL, 0, 256, 0, rw);
  properties [PROP_PATCH_SIZE] = g_param_spec_uint ("patch-size", NULL, NULL, 0, 4096, 0, rw);
  properties [PROP_BATCH_SIZE] = g_param_spec_uint ("batch-size", NULL, NULL, 0, 256, 0, rw);
  /* a fixed number of epochs instead of the time budget, 0 for the budget */
  properties [PROP_EPOCHS] = g_param_spec_uint ("epochs", NULL, NULL, 0, 100000, 0, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SheathTrainingWindow::add-open-images:
   *
   * The user asked for the images open in the app; the handler adds those
   * with masks through sheath_training_window_add_image().
   */
  signals [ADD_OPEN_IMAGES] = g_signal_new ("add-open-images", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * SheathTrainingWindow::model-saved:
   * @path: the saved model, in the user's models folder
   */
  signals [MODEL_SAVED] = g_signal_new ("model-saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (SHEATH_TYPE_CURVE_PLOT);
  g_type_ensure (SHEATH_TYPE_CHOICE_BUTTON);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/sheath/Sheath/sheath-training-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, title);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, pages);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, paused_group);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, images_group);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, validation_group);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, start_sem_row);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, start_tem_row);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, start_sem);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, start_tem);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, start_scratch);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, modality_row);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, minutes);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, curve);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, final_curve);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, comparison_label);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, preview);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, figures_label);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, eta_label);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, progress);
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingWindow, done_page);

  gtk_widget_class_install_action (widget_class, "train.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "train.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "train.add-images", NULL, add_files_action);
  gtk_widget_class_install_action (widget_class, "train.add-bids", NULL, add_files_action);
  gtk_widget_class_install_action (widget_class, "train.add-open", NULL, add_open_action);
  gtk_widget_class_install_action (widget_class, "train.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "train.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "train.resume", NULL, resume_action);
  gtk_widget_class_install_action (widget_class, "train.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "train.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static gboolean
describe_start (GtkWidget  *row,
                const char *name)
{
  g_autoptr(GFile) file = sheath_model_find_builtin (name);
  g_autoptr(SheathModel) model = file ? sheath_model_new_from_file (file, NULL) : NULL;
  g_autofree char *text = model ? g_strdup_printf ("Fine-tune it: %g µm pixels", sheath_model_get_pixel_size (model))
                                : g_strdup ("Not installed");

  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
  gtk_widget_set_sensitive (row, model != NULL);
  return model != NULL;
}

static void
sheath_training_window_init (SheathTrainingWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->images = g_ptr_array_new_with_free_func (training_image_free);
  self->validation_checks = g_ptr_array_new ();

  /* fine-tuning, as the page recommends, from a shipped model that is there */
  if (!describe_start (self->start_sem_row, "sem"))
    gtk_check_button_set_active (self->start_tem, TRUE);
  if (!describe_start (self->start_tem_row, "tem") && gtk_check_button_get_active (self->start_tem))
    gtk_check_button_set_active (self->start_scratch, TRUE);
  set_up_pages (self);
  list_paused (self);
  update_actions (self);
  sheath_accessible_name_buttons (GTK_WIDGET (self));
}

SheathTrainingWindow *
sheath_training_window_new (GtkWindow *parent)
{
  return g_object_new (SHEATH_TYPE_TRAINING_WINDOW, "transient-for", parent,
                       "application", parent ? gtk_window_get_application (parent) : NULL, NULL);
}
