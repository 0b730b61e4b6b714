/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-model-picker"

#include "config.h"

#include <glib/gi18n.h>

#include <math.h>
#include <string.h>

#include "sheath-file-chooser.h"
#include "sheath-model-picker.h"

/* The model picker of the header bar: the shipped models, then the user's
 * own (trained in the app, in sheath_model_dup_user_dir()), then a model
 * file chosen elsewhere, then "Other model file…". Each entry says its
 * pixel size and, against the image shown, whether it suits it; the
 * chosen one's description is the tooltip. The choice is a name ("sem",
 * "tem") or a path; it belongs to the document shown, which the window
 * keeps, so the picker remembers nothing itself. */
struct _SheathModelPicker
{
  GtkWidget      parent_instance;

  GtkDropDown   *dropdown;
  GtkStringList *names;

  GPtrArray     *entries;    /* Entry, in the list's order */
  char          *chosen;
  SheathImage   *image;
  gboolean       listing;
};

/* A model in the list. Its header is read when the list is made, not each
 * time the image shown changes: switching tabs reads no file. */
typedef struct
{
  char           *label;
  char           *key;       /* "sem", "tem", a path, or NULL for "Other…" */
  gboolean        installed;
  GHashTable     *meta;      /* the header's __metadata__, or NULL when unreadable */
  SheathModelFit  fit;       /* against the image shown */
  double          scale;     /* the image's pixel size over the model's */
} Entry;

static void
entry_free (Entry *entry)
{
  g_free (entry->label);
  g_free (entry->key);
  g_clear_pointer (&entry->meta, g_hash_table_unref);
  g_free (entry);
}

G_DEFINE_FINAL_TYPE (SheathModelPicker, sheath_model_picker, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_CHOSEN, N_PROPS };
static GParamSpec *properties [N_PROPS];

enum { MESSAGE, N_SIGNALS };
static guint signals [N_SIGNALS];

static gboolean
is_builtin (const char *key)
{
  return g_str_equal (key, "sem") || g_str_equal (key, "tem") || g_str_equal (key, "tem-uaxon");
}

static GFile *
file_for_key (const char *key)
{
  return is_builtin (key) ? sheath_model_find_builtin (key) : g_file_new_for_path (key);
}

/* What an entry says of its fit to the image, after its pixel size. */
static char *
describe_fit (SheathModelFit  fit,
              double          scale,
              const char     *modality)
{
  switch (fit)
    {
    case SHEATH_MODEL_FIT_GOOD:
      return g_strdup (_ ("suits this image"));
    case SHEATH_MODEL_FIT_RESAMPLED:
      return g_strdup_printf (_ ("image resampled %.1f×"), scale < 1 ? 1 / scale : scale);
    case SHEATH_MODEL_FIT_OTHER_MODALITY:
      return g_strdup_printf (_ ("for %s images"), modality);
    case SHEATH_MODEL_FIT_OFF_SCALE:
      return g_strdup_printf (_ ("image %.0f× %s than it learnt"), scale < 1 ? 1 / scale : scale,
                              scale < 1 ? "finer" : "coarser");
    case SHEATH_MODEL_FIT_UNKNOWN:
    default:
      return NULL;
    }
}

static void
add_entry (SheathModelPicker *self,
           const char        *label,
           const char        *key)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->label = g_strdup (label);
  entry->key = g_strdup (key);
  if (key != NULL)
    {
      g_autoptr(GFile) file = file_for_key (key);

      entry->installed = file != NULL;
      /* the header only: listing stays quick with many models */
      entry->meta = file ? sheath_model_read_metadata (file, NULL) : NULL;
    }
  g_ptr_array_add (self->entries, entry);
}

static Entry *
find_entry (SheathModelPicker *self,
            const char        *key,
            guint             *index)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (key != NULL && g_strcmp0 (entry->key, key) == 0)
        {
          if (index != NULL)
            *index = i;
          return entry;
        }
    }
  return NULL;
}

static void
describe_chosen (SheathModelPicker *self)
{
  Entry *entry = find_entry (self, self->chosen, NULL);
  g_autofree char *tip = NULL;

  if (entry != NULL && entry->meta != NULL)
    tip = g_strdup_printf (_ ("%s\n%s model, %s µm pixels; classes %s"),
                           (char *) g_hash_table_lookup (entry->meta, "description") ?: "",
                           (char *) g_hash_table_lookup (entry->meta, "modality") ?: "?",
                           (char *) g_hash_table_lookup (entry->meta, "pixel_size_um") ?: "?",
                           (char *) g_hash_table_lookup (entry->meta, "classes") ?: "?");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->dropdown), tip ? tip : _ ("The model that segments"));
}

static void
show_chosen (SheathModelPicker *self)
{
  guint selected = 0;

  find_entry (self, self->chosen, &selected);
  self->listing = TRUE;
  gtk_drop_down_set_selected (self->dropdown, selected);
  self->listing = FALSE;
  describe_chosen (self);
}

/* The entries' texts, each model judged against the image shown. */
static void
relabel (SheathModelPicker *self)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);
      const char *pixel_size = entry->meta ? g_hash_table_lookup (entry->meta, "pixel_size_um") : NULL;

      entry->fit = SHEATH_MODEL_FIT_UNKNOWN;
      entry->scale = 0;
      if (entry->key == NULL)
        g_ptr_array_add (texts, g_strdup (entry->label));
      else if (pixel_size != NULL)
        {
          double um = g_ascii_strtod (pixel_size, NULL);
          const char *modality = g_hash_table_lookup (entry->meta, "modality");
          const char *classes = g_hash_table_lookup (entry->meta, "classes");
          g_auto(GStrv) class_list = g_strsplit (classes ? classes : "", ",", -1);
          g_autofree char *fit_text = NULL;

          if (self->image != NULL)
            entry->fit = sheath_model_fit_image (modality, um, self->image, &entry->scale);
          fit_text = describe_fit (entry->fit, entry->scale, modality ? modality : "other");
          g_ptr_array_add (texts, g_strdup_printf ("%s · %g µm%s%s%s", entry->label, um,
                                                   g_strv_contains ((const char * const *) class_list, "uaxon")
                                                     ? _ (" · with unmyelinated axons") : "",
                                                   fit_text ? " · " : "", fit_text ? fit_text : ""));
        }
      else
        g_ptr_array_add (texts, g_strdup_printf ("%s (%s)", entry->label,
                                                 entry->installed ? _ ("cannot be read") : _ ("not installed")));
    }
  g_ptr_array_add (texts, NULL);
  self->listing = TRUE;
  gtk_string_list_splice (self->names, 0, g_list_model_get_n_items (G_LIST_MODEL (self->names)),
                          (const char * const *) texts->pdata);
  self->listing = FALSE;
  show_chosen (self);
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
  const char *name;

  g_return_if_fail (SHEATH_IS_MODEL_PICKER (self));

  g_ptr_array_set_size (self->entries, 0);
  add_entry (self, "SEM (shipped)", "sem");
  add_entry (self, "TEM (shipped)", "tem");
  {
    /* shipped too where installed: the TEM model that also finds
     * unmyelinated axons */
    g_autoptr(GFile) uaxon = sheath_model_find_builtin ("tem-uaxon");

    if (uaxon != NULL)
      add_entry (self, _ ("TEM with unmyelinated axons (shipped)"), "tem-uaxon");
  }
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".safetensors"))
      g_ptr_array_add (own, g_build_filename (user_dir, name, NULL));
  g_ptr_array_sort (own, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < own->len; i++)
    {
      g_autofree char *base = sheath_model_dup_name_for_path (g_ptr_array_index (own, i));

      add_entry (self, base, g_ptr_array_index (own, i));
    }
  if (!is_builtin (self->chosen) && !g_ptr_array_find_with_equal_func (own, self->chosen, g_str_equal, NULL))
    {
      g_autofree char *base = g_path_get_basename (self->chosen);
      add_entry (self, base, self->chosen);
    }
  add_entry (self, _ ("Other model file…"), NULL);
  relabel (self);
}

static void
choose (SheathModelPicker *self,
        const char        *key)
{
  if (g_strcmp0 (self->chosen, key) == 0)
    return;
  g_free (self->chosen);
  self->chosen = g_strdup (key);
  describe_chosen (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CHOSEN]);
}

/**
 * sheath_model_picker_load_key:
 * @key: "sem", "tem" or the path of a model file
 *
 * Returns: (transfer full): the model, or %NULL with @error set
 */
SheathModel *
sheath_model_picker_load_key (const char  *key,
                              GError     **error)
{
  g_autoptr(GFile) file = NULL;

  g_return_val_if_fail (key != NULL, NULL);

  if (is_builtin (key))
    return sheath_model_new_builtin (key, error);
  file = g_file_new_for_path (key);
  return sheath_model_new_from_file (file, error);
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
  g_return_val_if_fail (SHEATH_IS_MODEL_PICKER (self), NULL);
  return sheath_model_picker_load_key (self->chosen, error);
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
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _ ("The model is not a local file"));
      return FALSE;
    }
  choose (self, path);
  sheath_model_picker_reload (self);
  return TRUE;
}

/**
 * sheath_model_picker_get_chosen:
 *
 * Returns: the chosen model: "sem", "tem" or a path
 */
const char *
sheath_model_picker_get_chosen (SheathModelPicker *self)
{
  g_return_val_if_fail (SHEATH_IS_MODEL_PICKER (self), NULL);
  return self->chosen;
}

/**
 * sheath_model_picker_set_chosen:
 * @key: "sem", "tem" or the path of a model file
 *
 * Shows @key as the choice (a path not listed yet is added).
 */
void
sheath_model_picker_set_chosen (SheathModelPicker *self,
                                const char        *key)
{
  g_return_if_fail (SHEATH_IS_MODEL_PICKER (self));
  g_return_if_fail (key != NULL);

  choose (self, key);
  if (find_entry (self, key, NULL) == NULL)
    sheath_model_picker_reload (self);
  else
    show_chosen (self);
}

/**
 * sheath_model_picker_set_image:
 * @image: (nullable): the image the models are judged against
 *
 * Marks which models suit @image (modality and pixel size).
 */
void
sheath_model_picker_set_image (SheathModelPicker *self,
                               SheathImage       *image)
{
  g_return_if_fail (SHEATH_IS_MODEL_PICKER (self));

  g_set_object (&self->image, image);
  relabel (self);
}

/**
 * sheath_model_picker_get_best:
 *
 * The model that suits the image best: the best fit, then the nearest
 * pixel size, then the first listed (the shipped ones come first).
 *
 * Returns: (nullable): its key, or %NULL without an image of known pixel size
 */
const char *
sheath_model_picker_get_best (SheathModelPicker *self)
{
  const char *best = NULL;
  SheathModelFit best_fit = SHEATH_MODEL_FIT_UNKNOWN;
  double best_distance = G_MAXDOUBLE;

  g_return_val_if_fail (SHEATH_IS_MODEL_PICKER (self), NULL);

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);
      double distance = entry->scale > 0 ? fabs (log (entry->scale)) : G_MAXDOUBLE;

      if (entry->key == NULL || entry->fit == SHEATH_MODEL_FIT_UNKNOWN)
        continue;
      if (best == NULL || entry->fit > best_fit || (entry->fit == best_fit && distance < best_distance - 1e-9))
        {
          best = entry->key;
          best_fit = entry->fit;
          best_distance = distance;
        }
    }
  return best;
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
    show_chosen (self);   /* back to the model chosen before */
}

static void
selected_cb (GtkDropDown       *dropdown,
             GParamSpec        *pspec,
             SheathModelPicker *self)
{
  guint chosen = gtk_drop_down_get_selected (dropdown);
  const char *key;

  if (self->listing || chosen >= self->entries->len)
    return;
  if ((key = ((Entry *) g_ptr_array_index (self->entries, chosen))->key) != NULL)
    {
      choose (self, key);
      return;
    }
  {
    g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

    gtk_file_filter_set_name (filter, _ ("Sheath models (.safetensors)"));
    gtk_file_filter_add_pattern (filter, "*.safetensors");
    sheath_choose_files (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), SHEATH_CHOOSE_FILE,
                         _ ("Choose a Model"), _ ("_Choose"), filter, NULL, NULL, file_chosen_cb,
                         g_object_ref (self), g_object_unref);
  }
}

static void
sheath_model_picker_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  SheathModelPicker *self = SHEATH_MODEL_PICKER (object);

  switch (prop_id)
    {
    case PROP_CHOSEN:
      g_value_set_string (value, self->chosen);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_model_picker_dispose (GObject *object)
{
  SheathModelPicker *self = SHEATH_MODEL_PICKER (object);

  g_clear_object (&self->image);
  gtk_widget_dispose_template (GTK_WIDGET (self), SHEATH_TYPE_MODEL_PICKER);

  G_OBJECT_CLASS (sheath_model_picker_parent_class)->dispose (object);
}

static void
sheath_model_picker_finalize (GObject *object)
{
  SheathModelPicker *self = SHEATH_MODEL_PICKER (object);

  g_ptr_array_unref (self->entries);
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
  object_class->get_property = sheath_model_picker_get_property;

  /**
   * SheathModelPicker:chosen:
   *
   * The chosen model: "sem", "tem" or a path.
   */
  properties [PROP_CHOSEN] = g_param_spec_string ("chosen", NULL, NULL, "sem",
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

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
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->chosen = g_strdup ("sem");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Model"), -1);
  sheath_model_picker_reload (self);
  g_signal_connect (self->dropdown, "notify::selected", G_CALLBACK (selected_cb), self);
}
