/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-training-window"

#include "config.h"

#include <glib/gi18n.h>

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
#include "sheath-training-window-private.h"

/* The training wizard: pages that walk through choosing labelled images,
 * where to start from, which images to hold out, a name and a time budget;
 * then training runs in the background through libsheath's trainer (what
 * `sheath-cli train` runs) with a live view, can be paused and resumed (also
 * in a later session: the checkpoint and this window's notes stay in the
 * staging folder), and ends with the validation figures and a model saved
 * with its model card where the model picker finds it. */

G_DEFINE_FINAL_TYPE (SheathTrainingWindow, sheath_training_window, ADW_TYPE_WINDOW)

enum { ADD_OPEN_IMAGES, MODEL_SAVED, N_SIGNALS };

static guint signals [N_SIGNALS];

static const char *page_titles[][2] = {
  { "images", N_ ("Images and Masks") },
  { "start", N_ ("Start From") },
  { "validation", N_ ("Validation") },
  { "budget", N_ ("Name and Time") },
  { "progress", N_ ("Training") },
  { "done", N_ ("Done") },
};

static void
training_image_free (gpointer data)
{
  SheathTrainingImage *ti = data;

  g_free (ti->image);
  g_free (ti->axon);
  g_free (ti->myelin);
  g_free (ti->subject);
  g_free (ti);
}

void
_sheath_training_window_toast (SheathTrainingWindow *self,
                               const char           *text)
{
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (text));
}

/**
 * sheath_training_window_dup_staging_dir:
 *
 * Returns: (transfer full): where trainings in progress keep their
 *   checkpoints and notes
 */
char *
sheath_training_window_dup_staging_dir (void)
{
  return sheath_training_run_dup_staging_dir ();
}

/**
 * sheath_training_window_set_template:
 * @template: (nullable): a trainer whose network (from scratch), patch and
 *   batch size and epochs the trainings started here take
 *
 * Without one, trainings have the trainer's defaults, what the shipped
 * models use, and the time budget the user sets. (Tests make them small.)
 */
void
sheath_training_window_set_template (SheathTrainingWindow *self,
                                     SheathTrainer        *template)
{
  g_return_if_fail (SHEATH_IS_TRAINING_WINDOW (self));
  g_set_object (&self->template, template);
}

SheathTrainer *
_sheath_training_window_get_trainer (SheathTrainingWindow *self)
{
  return self->run ? sheath_training_run_get_trainer (self->run) : NULL;
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
      return _ (page_titles[i][1]);
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

void
_sheath_training_window_go_to (SheathTrainingWindow *self,
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

void
_sheath_training_window_update_actions (SheathTrainingWindow *self)
{
  const char *page = sheath_training_window_get_page (self);
  gboolean live = g_str_equal (page, "progress") || g_str_equal (page, "done");
  gboolean running = self->run != NULL && sheath_training_run_get_running (self->run);
  gboolean paused = self->run != NULL && !running;

  gtk_widget_set_visible (self->back_button, !g_str_equal (page, "images") && !live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.back", !live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.pause", running && !self->cancelling);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.resume", paused && g_str_equal (page, "progress"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.cancel", self->run != NULL && !self->cancelling &&
                                                                    g_str_equal (page, "progress"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.start", self->run == NULL);

  adw_window_title_set_subtitle (self->title, page_title (page));
}

static void
page_changed_cb (GObject              *pages,
                 GParamSpec           *pspec,
                 SheathTrainingWindow *self)
{
  _sheath_training_window_update_actions (self);
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
remove_image_cb (SheathTrainingImageRow *row,
                 SheathTrainingWindow   *self)
{
  SheathTrainingImage *ti = g_object_get_data (G_OBJECT (row), "image");

  adw_preferences_group_remove (self->images_group, GTK_WIDGET (ti->row));
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
  SheathTrainingImage *ti;

  g_return_val_if_fail (SHEATH_IS_TRAINING_WINDOW (self), FALSE);

  for (guint i = 0; i < self->images->len; i++)
    if (g_str_equal (((SheathTrainingImage *) g_ptr_array_index (self->images, i))->image, image))
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

  ti = g_new0 (SheathTrainingImage, 1);
  ti->image = g_strdup (image);
  ti->axon = g_strdup (axon_mask);
  ti->myelin = g_strdup (myelin_mask);
  if (subject != NULL)
    ti->subject = g_strdup (subject);
  else
    {
      g_autoptr(GFile) file = g_file_new_for_path (image);

      ti->subject = sheath_segmentation_dup_stem (file);
    }

  {
    g_autofree char *mask_base = g_path_get_basename (axon_mask);
    mask_names = g_strdup_printf ("%s · masks %s", ti->subject, mask_base);
  }
  ti->row = SHEATH_TRAINING_IMAGE_ROW (sheath_training_image_row_new (name, mask_names, pixel_size));
  g_signal_connect_object (ti->row, "remove", G_CALLBACK (remove_image_cb), self, 0);
  g_object_set_data (G_OBJECT (ti->row), "image", ti);
  adw_preferences_group_add (self->images_group, GTK_WIDGET (ti->row));
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
  return self->run != NULL && sheath_training_run_get_running (self->run);
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
  g_autoptr(GFile) file = g_file_new_for_path (image);
  g_autofree char *stem = sheath_segmentation_dup_stem (file);
  g_autofree char *micr = g_path_get_basename (dir);

  *subject = sheath_bids_dup_subject (image);
  for (guint manual = 0; manual < 2; manual++)
    {
      g_autofree char *a = manual ? sheath_segmentation_dup_manual_mask_path (dir, stem, "axon")
                                  : sheath_segmentation_dup_mask_path (dir, stem, "axon");
      g_autofree char *m = manual ? sheath_segmentation_dup_manual_mask_path (dir, stem, "myelin")
                                  : sheath_segmentation_dup_mask_path (dir, stem, "myelin");

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
                   _ ("No masks found for “%s”: save them beside it as IMAGE_seg-axon.png and IMAGE_seg-myelin.png"),
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
                _sheath_training_window_toast (add->self, image_error->message);
            }
        }
      else
        sheath_training_window_add_file (add->self, path, &error);
      if (error != NULL)
        _sheath_training_window_toast (add->self, error->message);
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
      gtk_file_filter_set_name (filter, _ ("Images (PNG, TIFF)"));
      gtk_file_filter_add_mime_type (filter, "image/png");
      gtk_file_filter_add_mime_type (filter, "image/tiff");
    }
  sheath_choose_files (GTK_WINDOW (widget), add->bids ? SHEATH_CHOOSE_FOLDER : SHEATH_CHOOSE_FILES,
                       add->bids ? _ ("Choose a BIDS Dataset") : _ ("Choose Labelled Images"), _ ("_Add"), filter, NULL, NULL,
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
    _sheath_training_window_toast (self, _ ("No open image has masks to add"));
}

/* ---- the pages before training ---------------------------------------------- */

double
_sheath_training_window_median_pixel_size (SheathTrainingWindow *self)
{
  g_autofree double *v = g_new (double, self->images->len + 1);
  guint n = self->images->len;

  for (guint i = 0; i < n; i++)
    v[i] = sheath_training_image_row_get_pixel_size (((SheathTrainingImage *) g_ptr_array_index (self->images, i))->row);
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
      SheathTrainingImage *ti = g_ptr_array_index (self->images, i);

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
          SheathTrainingImage *ti = g_ptr_array_index (self->images, k);
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

char **
_sheath_training_window_dup_held_out (SheathTrainingWindow *self)
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
          _sheath_training_window_toast (self, _ ("Add at least two labelled images: one to train on, one to validate with"));
          return;
        }
      for (guint i = 0; i < self->images->len; i++)
        {
          SheathTrainingImage *ti = g_ptr_array_index (self->images, i);

          if (sheath_training_image_row_get_pixel_size (ti->row) <= 0)
            {
              g_autofree char *base = g_path_get_basename (ti->image);
              g_autofree char *text = g_strdup_printf (_ ("Set the pixel size of “%s”"), base);

              _sheath_training_window_toast (self, text);
              return;
            }
        }
      _sheath_training_window_go_to (self, "start");
    }
  else if (g_str_equal (page, "start"))
    {
      build_validation_page (self);
      if (self->validation_checks->len < 2)
        {
          _sheath_training_window_toast (self, _ ("All the images come from one subject: validation needs images of another"));
          return;
        }
      _sheath_training_window_go_to (self, "validation");
    }
  else if (g_str_equal (page, "validation"))
    {
      g_auto(GStrv) held_out = _sheath_training_window_dup_held_out (self);
      guint n = g_strv_length (held_out);

      if (n == 0 || n == self->validation_checks->len)
        {
          _sheath_training_window_toast (self, _ ("Hold out at least one subject, and train on at least one"));
          return;
        }
      /* from scratch the user says what the images are; a fine-tuned
       * model is of its parent's modality */
      gtk_widget_set_sensitive (GTK_WIDGET (self->modality_row), gtk_check_button_get_active (self->start_scratch));
      _sheath_training_window_go_to (self, "budget");
      gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
    }
}

/* ---- paused trainings of earlier sessions ------------------------------------------ */

static void
paused_resume_cb (GtkButton            *button,
                  SheathTrainingWindow *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "name");
  g_autoptr(GError) error = NULL;

  if (self->run != NULL)
    {
      _sheath_training_window_toast (self, _ ("Another training is under way in this window"));
      return;
    }
  if (!_sheath_training_window_resume_named (self, name, &error))
    _sheath_training_window_toast (self, error->message);
  else
    gtk_widget_set_visible (GTK_WIDGET (self->paused_group), FALSE);
}

static void
paused_discard_cb (GtkButton            *button,
                   SheathTrainingWindow *self)
{
  sheath_training_run_discard_named (g_object_get_data (G_OBJECT (button), "name"));
  adw_preferences_group_remove (self->paused_group, gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_ACTION_ROW));
}

static void
list_paused (SheathTrainingWindow *self)
{
  g_auto(GStrv) names = sheath_training_run_list_paused ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      GtkWidget *row, *resume, *discard;

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), names[i]);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _ ("Paused: it goes on from its last checkpoint"));
      discard = gtk_button_new_with_mnemonic (_ ("_Discard"));
      resume = gtk_button_new_with_mnemonic (_ ("_Resume"));
      gtk_widget_add_css_class (resume, "suggested-action");
      gtk_widget_set_valign (discard, GTK_ALIGN_CENTER);
      gtk_widget_set_valign (resume, GTK_ALIGN_CENTER);
      g_object_set_data_full (G_OBJECT (resume), "name", g_strdup (names[i]), g_free);
      g_object_set_data_full (G_OBJECT (discard), "name", g_strdup (names[i]), g_free);
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
  if (self->run != NULL)
    sheath_training_run_pause (self->run);
  return GTK_WINDOW_CLASS (sheath_training_window_parent_class)->close_request (window);
}

static void
sheath_training_window_dispose (GObject *object)
{
  SheathTrainingWindow *self = SHEATH_TRAINING_WINDOW (object);

  /* a training still running stops with a checkpoint; its end only
   * records the time spent (the notes live until finalize) */
  self->closed = TRUE;
  if (self->run != NULL)
    {
      sheath_training_run_pause (self->run);
      g_signal_handlers_disconnect_by_data (sheath_training_run_get_trainer (self->run), self);
    }
  g_clear_object (&self->run);
  g_clear_object (&self->template);
  gtk_widget_dispose_template (GTK_WIDGET (self), SHEATH_TYPE_TRAINING_WINDOW);

  G_OBJECT_CLASS (sheath_training_window_parent_class)->dispose (object);
}

static void
sheath_training_window_finalize (GObject *object)
{
  SheathTrainingWindow *self = SHEATH_TRAINING_WINDOW (object);

  g_ptr_array_unref (self->images);
  g_ptr_array_unref (self->validation_checks);

  G_OBJECT_CLASS (sheath_training_window_parent_class)->finalize (object);
}

static void
sheath_training_window_class_init (SheathTrainingWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sheath_training_window_dispose;
  object_class->finalize = sheath_training_window_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = sheath_training_window_close_request;


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
  _sheath_training_window_class_actions_init (widget_class);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static gboolean
describe_start (GtkWidget  *row,
                const char *name)
{
  g_autoptr(GFile) file = sheath_model_find_builtin (name);
  g_autoptr(SheathModel) model = file ? sheath_model_new_from_file (file, NULL) : NULL;
  g_autofree char *text = model ? g_strdup_printf (_ ("Fine-tune it: %g µm pixels"), sheath_model_get_pixel_size (model))
                                : g_strdup (_ ("Not installed"));

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
  _sheath_training_window_update_actions (self);
  sheath_accessible_name_buttons (GTK_WIDGET (self));
}

SheathTrainingWindow *
sheath_training_window_new (GtkWindow *parent)
{
  return g_object_new (SHEATH_TYPE_TRAINING_WINDOW, "transient-for", parent,
                       "application", parent ? gtk_window_get_application (parent) : NULL, NULL);
}
