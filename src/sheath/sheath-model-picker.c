/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-model-picker"

#include "config.h"

#include <string.h>

#include "sheath-file-chooser.h"
#include "sheath-model-picker.h"

/* The model picker of the header bar: the shipped models, then the user's
 * own (trained in the app, in sheath_model_dup_user_dir()), then a model
 * file chosen elsewhere, then "Other model file…". Each entry says its
 * pixel size; the chosen one's description is the tooltip. The choice is a
 * name ("sem", "tem") or a path, remembered in GSettings. */
struct _SheathModelPicker
{
  GtkWidget      parent_instance;

  GtkDropDown   *dropdown;
  GtkStringList *names;

  GSettings     *settings;
  GPtrArray     *keys;       /* per entry: "sem", "tem", a path, or NULL for "Other…" */
  char          *chosen;
  gboolean       listing;
};

G_DEFINE_FINAL_TYPE (SheathModelPicker, sheath_model_picker, GTK_TYPE_WIDGET)

enum { MESSAGE, N_SIGNALS };
static guint signals [N_SIGNALS];

static gboolean
is_builtin (const char *key)
{
  return g_str_equal (key, "sem") || g_str_equal (key, "tem");
}

static void
add_choice (SheathModelPicker *self,
            const char        *label,
            const char        *key)
{
  g_autofree char *text = NULL;

  if (key != NULL)
    {
      g_autoptr(GFile) file = is_builtin (key) ? sheath_model_find_builtin (key) : g_file_new_for_path (key);
      /* the header only: listing stays quick with many models */
      g_autoptr(GHashTable) meta = file ? sheath_model_read_metadata (file, NULL) : NULL;
      const char *pixel_size = meta ? g_hash_table_lookup (meta, "pixel_size_um") : NULL;

      if (pixel_size != NULL)
        text = g_strdup_printf ("%s · %g µm", label, g_ascii_strtod (pixel_size, NULL));
      else
        text = g_strdup_printf ("%s (%s)", label, file == NULL ? "not installed" : "cannot be read");
    }
  gtk_string_list_append (self->names, text ? text : label);
  g_ptr_array_add (self->keys, g_strdup (key));
}

static void
describe_chosen (SheathModelPicker *self)
{
  g_autoptr(GFile) file = is_builtin (self->chosen) ? sheath_model_find_builtin (self->chosen)
                                                   : g_file_new_for_path (self->chosen);
  g_autoptr(GHashTable) meta = file ? sheath_model_read_metadata (file, NULL) : NULL;
  g_autofree char *tip = NULL;

  if (meta != NULL)
    tip = g_strdup_printf ("%s\n%s model, %s µm pixels",
                           (char *) g_hash_table_lookup (meta, "description") ?: "",
                           (char *) g_hash_table_lookup (meta, "modality") ?: "?",
                           (char *) g_hash_table_lookup (meta, "pixel_size_um") ?: "?");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->dropdown), tip ? tip : "The model that segments");
}

/**
 * sheath_model_picker_reload:
 *
 * Lists the models again, e.g. after one was trained.
 */
void
sheath_model_picker_reload (SheathModelPicker *self)
{
  g_autofree char *user_dir = sheath_model_dup_user_dir ();
  g_autoptr(GDir) dir = g_dir_open (user_dir, 0, NULL);
  g_autoptr(GPtrArray) own = g_ptr_array_new_with_free_func (g_free);
  guint selected = 0;
  const char *name;

  g_return_if_fail (SHEATH_IS_MODEL_PICKER (self));

  self->listing = TRUE;
  gtk_string_list_splice (self->names, 0, g_list_model_get_n_items (G_LIST_MODEL (self->names)), NULL);
  g_ptr_array_set_size (self->keys, 0);

  add_choice (self, "SEM (shipped)", "sem");
  add_choice (self, "TEM (shipped)", "tem");
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".safetensors"))
      g_ptr_array_add (own, g_build_filename (user_dir, name, NULL));
  g_ptr_array_sort (own, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < own->len; i++)
    {
      g_autofree char *base = g_path_get_basename (g_ptr_array_index (own, i));

      base[strlen (base) - strlen (".safetensors")] = '\0';
      add_choice (self, base, g_ptr_array_index (own, i));
    }
  if (!is_builtin (self->chosen) && !g_ptr_array_find_with_equal_func (own, self->chosen, g_str_equal, NULL))
    {
      g_autofree char *base = g_path_get_basename (self->chosen);
      add_choice (self, base, self->chosen);
    }
  add_choice (self, "Other model file…", NULL);

  for (guint i = 0; i < self->keys->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->keys, i), self->chosen) == 0)
      selected = i;
  gtk_drop_down_set_selected (self->dropdown, selected);
  self->listing = FALSE;
  describe_chosen (self);
}

static void
choose (SheathModelPicker *self,
        const char        *key)
{
  g_free (self->chosen);
  self->chosen = g_strdup (key);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "model", key);
  describe_chosen (self);
}

/**
 * sheath_model_picker_load_model:
 *
 * Returns: (transfer full): the chosen model, or %NULL with @error set
 */
SheathModel *
sheath_model_picker_load_model (SheathModelPicker  *self,
                                GError            **error)
{
  g_autoptr(GFile) file = NULL;

  g_return_val_if_fail (SHEATH_IS_MODEL_PICKER (self), NULL);

  if (is_builtin (self->chosen))
    return sheath_model_new_builtin (self->chosen, error);
  file = g_file_new_for_path (self->chosen);
  return sheath_model_new_from_file (file, error);
}

/**
 * sheath_model_picker_set_model_file:
 *
 * Chooses a model file, checked first: one that is not a model is refused
 * with @error and the choice stays.
 */
gboolean
sheath_model_picker_set_model_file (SheathModelPicker  *self,
                                    GFile              *file,
                                    GError            **error)
{
  g_autoptr(SheathModel) model = sheath_model_new_from_file (file, error);
  g_autofree char *path = NULL;

  g_return_val_if_fail (SHEATH_IS_MODEL_PICKER (self), FALSE);

  if (model == NULL)
    return FALSE;
  if (!(path = g_file_get_path (file)))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "The model is not a local file");
      return FALSE;
    }
  choose (self, path);
  sheath_model_picker_reload (self);
  return TRUE;
}

/**
 * sheath_model_picker_set_settings:
 *
 * Remembers the choice there ("model"), starting from the one kept; a
 * model file since moved away is forgotten.
 */
void
sheath_model_picker_set_settings (SheathModelPicker *self,
                                  GSettings         *settings)
{
  g_autofree char *model = NULL;

  g_return_if_fail (SHEATH_IS_MODEL_PICKER (self));

  if (!g_set_object (&self->settings, settings))
    return;
  if (settings != NULL)
    {
      model = g_settings_get_string (settings, "model");
      if (is_builtin (model) || (*model && g_file_test (model, G_FILE_TEST_IS_REGULAR)))
        {
          g_free (self->chosen);
          self->chosen = g_steal_pointer (&model);
        }
    }
  sheath_model_picker_reload (self);
}

static void
file_chosen_cb (GListModel *files,
                gpointer    data)
{
  SheathModelPicker *self = data;
  g_autoptr(GFile) file = files ? g_list_model_get_item (files, 0) : NULL;
  g_autoptr(GError) error = NULL;

  if (file != NULL && !sheath_model_picker_set_model_file (self, file, &error))
    g_signal_emit (self, signals [MESSAGE], 0, error->message);
  if (file == NULL || error != NULL)
    sheath_model_picker_reload (self);   /* back to the model chosen before */
}

static void
selected_cb (GtkDropDown       *dropdown,
             GParamSpec        *pspec,
             SheathModelPicker *self)
{
  guint chosen = gtk_drop_down_get_selected (dropdown);
  const char *key;

  if (self->listing || chosen >= self->keys->len)
    return;
  if ((key = g_ptr_array_index (self->keys, chosen)) != NULL)
    {
      choose (self, key);
      return;
    }
  {
    g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

    gtk_file_filter_set_name (filter, "Sheath models (.safetensors)");
    gtk_file_filter_add_pattern (filter, "*.safetensors");
    sheath_choose_files (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), SHEATH_CHOOSE_FILE,
                         "Choose a Model", "_Choose", filter, NULL, NULL, file_chosen_cb,
                         g_object_ref (self), g_object_unref);
  }
}

static void
sheath_model_picker_dispose (GObject *object)
{
  SheathModelPicker *self = SHEATH_MODEL_PICKER (object);

  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), SHEATH_TYPE_MODEL_PICKER);

  G_OBJECT_CLASS (sheath_model_picker_parent_class)->dispose (object);
}

static void
sheath_model_picker_finalize (GObject *object)
{
  SheathModelPicker *self = SHEATH_MODEL_PICKER (object);

  g_ptr_array_unref (self->keys);
  g_free (self->chosen);

  G_OBJECT_CLASS (sheath_model_picker_parent_class)->finalize (object);
}

static void
sheath_model_picker_class_init (SheathModelPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sheath_model_picker_dispose;
  object_class->finalize = sheath_model_picker_finalize;

  /**
   * SheathModelPicker::message:
   * @text: what to tell the user (a file that is not a model, …)
   */
  signals [MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/sheath/Sheath/sheath-model-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, SheathModelPicker, dropdown);
  gtk_widget_class_bind_template_child (widget_class, SheathModelPicker, names);
}

static void
sheath_model_picker_init (SheathModelPicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->keys = g_ptr_array_new_with_free_func (g_free);
  self->chosen = g_strdup ("sem");
  sheath_model_picker_reload (self);
  g_signal_connect (self->dropdown, "notify::selected", G_CALLBACK (selected_cb), self);
}
