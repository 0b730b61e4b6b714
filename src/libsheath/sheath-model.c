/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-model"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sheath-bids-private.h"
#include "sheath-error.h"
#include "sheath-model-private.h"
#include "sheath-safetensors-private.h"
#include "sheath-separate-private.h"

#define MAX_BASE_CHANNELS 256
#define MAX_TOP_CHANNELS  4096
#define MAX_IN_CHANNELS   4

struct _SheathModel
{
  GObject              parent_instance;

  GFile               *file;
  GHashTable          *metadata;
  char                *architecture;
  char                *modality;
  char                *description;
  char               **class_names;
  double               pixel_size;
  SheathNormalization  normalization;
  double               norm_mean;
  double               norm_std;
  double               decision_weights[SHEATH_NET_MAX_CLASSES];
  double               min_fibre_confidence;
  gboolean             test_time_flips;
  double               min_axon_diam;
  double               uaxon_split_sigma;
  double               uaxon_split_depth;
  double               uaxon_split_distance_weight;
  double               uaxon_min_area;
  SheathNet           *net;
};

/**
 * SheathModel:
 *
 * A segmentation network read from a `.safetensors` file and checked before
 * it is trusted: its architecture, classes, pixel size, modality and
 * normalisation come from the header's `__metadata__`, so that a model can
 * also be made or read with PyTorch.
 */
G_DEFINE_FINAL_TYPE (SheathModel, sheath_model, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FILE,
  PROP_PIXEL_SIZE,
  PROP_MODALITY,
  PROP_DESCRIPTION,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
sheath_model_finalize (GObject *object)
{
  SheathModel *self = (SheathModel *)object;

  g_clear_object (&self->file);
  g_clear_pointer (&self->metadata, g_hash_table_unref);
  g_clear_pointer (&self->architecture, g_free);
  g_clear_pointer (&self->modality, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->class_names, g_strfreev);
  g_clear_pointer (&self->net, _sheath_net_free);

  G_OBJECT_CLASS (sheath_model_parent_class)->finalize (object);
}

static void
sheath_model_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SheathModel *self = SHEATH_MODEL (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_PIXEL_SIZE:
      g_value_set_double (value, self->pixel_size);
      break;

    case PROP_MODALITY:
      g_value_set_string (value, self->modality);
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_model_class_init (SheathModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sheath_model_finalize;
  object_class->get_property = sheath_model_get_property;

  /**
   * SheathModel:file:
   *
   * The `.safetensors` file the model was read from.
   */
  properties [PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL,
                         G_TYPE_FILE,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * SheathModel:pixel-size:
   *
   * The pixel size, in micrometres, of the images the model was trained on.
   */
  properties [PROP_PIXEL_SIZE] =
    g_param_spec_double ("pixel-size", NULL, NULL,
                         0, G_MAXDOUBLE, 0,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * SheathModel:modality:
   *
   * The microscopy the model is made for: "SEM", "TEM" or another word.
   */
  properties [PROP_MODALITY] =
    g_param_spec_string ("modality", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * SheathModel:description:
   *
   * A free-text description from the model's metadata.
   */
  properties [PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sheath_model_init (SheathModel *self)
{
  self->uaxon_split_sigma = SHEATH_UAXON_SPLIT_SIGMA_UM_DEFAULT;
  self->uaxon_split_depth = SHEATH_UAXON_SPLIT_DEPTH_DEFAULT;
  self->uaxon_min_area = SHEATH_UAXON_MIN_AREA_UM2_DEFAULT;
}

/* What a calibration learnt (sheath_calibration_write_model()): weights on
 * the class probabilities before the most probable class is taken, and the
 * mean confidence below which a fibre is dropped. */
static gboolean
read_calibration (SheathModel        *self,
                  SheathSafetensors  *st,
                  guint               n_classes,
                  GError            **error)
{
  const char *s = _sheath_safetensors_get_meta (st, "decision_weights");
  const char *name = _sheath_safetensors_get_name (st);

  for (guint c = 0; c < SHEATH_NET_MAX_CLASSES; c++)
    self->decision_weights[c] = 1.0;
  if (s != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (s, ",", -1);
      gboolean ok = g_strv_length (parts) == n_classes;

      for (guint c = 0; ok && c < n_classes; c++)
        {
          char *end = NULL;

          self->decision_weights[c] = g_ascii_strtod (parts[c], &end);
          ok = end != parts[c] && *end == '\0' && self->decision_weights[c] > 0 && self->decision_weights[c] <= 100;
        }
      if (!ok)
        {
          g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                       _ ("Model '%s' has decision weights '%s': give one number above 0 per class"), name, s);
          return FALSE;
        }
    }
  {
    const char *flips = _sheath_safetensors_get_meta (st, "test_time_flips");

    if (flips != NULL && !g_str_equal (flips, "true") && !g_str_equal (flips, "false"))
      {
        g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                     _ ("Model '%s' has test_time_flips '%s': give true or false"), name, flips);
        return FALSE;
      }
    self->test_time_flips = g_strcmp0 (flips, "true") == 0;
  }
  return (_sheath_safetensors_get_meta (st, "min_fibre_confidence") == NULL ||
          _sheath_model_meta_double (st, "min_fibre_confidence", 0, 1, &self->min_fibre_confidence, error)) &&
         (_sheath_safetensors_get_meta (st, "min_axon_diam_um") == NULL ||
          _sheath_model_meta_double (st, "min_axon_diam_um", 0, 1000, &self->min_axon_diam, error)) &&
         (_sheath_safetensors_get_meta (st, "uaxon_split_sigma_um") == NULL ||
          _sheath_model_meta_double (st, "uaxon_split_sigma_um", 0, 100, &self->uaxon_split_sigma, error)) &&
         (_sheath_safetensors_get_meta (st, "uaxon_split_depth") == NULL ||
          _sheath_model_meta_double (st, "uaxon_split_depth", 0, 10000, &self->uaxon_split_depth, error)) &&
         (_sheath_safetensors_get_meta (st, "uaxon_split_distance_weight") == NULL ||
          _sheath_model_meta_double (st, "uaxon_split_distance_weight", 0, 1e6,
                                     &self->uaxon_split_distance_weight, error)) &&
         (_sheath_safetensors_get_meta (st, "uaxon_min_area_um2") == NULL ||
          _sheath_model_meta_double (st, "uaxon_min_area_um2", 0, 1e6, &self->uaxon_min_area, error));
}

/**
 * sheath_model_new_from_file:
 * @file: a `.safetensors` model
 * @error: return location for a #GError
 *
 * Reads and validates a model: its metadata, and every tensor its
 * architecture needs, before anything large is allocated.
 *
 * Returns: (transfer full): the model, or %NULL with @error set
 */
SheathModel *
sheath_model_new_from_file (GFile   *file,
                            GError **error)
{
  g_autoptr(SheathModel) self = NULL;
  g_autoptr(SheathSafetensors) st = NULL;
  const char *name;
  const char *s;
  guint depth, base, in_channels, kernel;
  double eps = 1e-5;
  guint n_classes;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (!(st = _sheath_safetensors_open (file, error)))
    return NULL;
  name = _sheath_safetensors_get_name (st);

  if (_sheath_safetensors_get_metadata (st) == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                   "'%s' is a .safetensors file but not a Sheath model: it has no __metadata__",
                   name);
      return NULL;
    }

  self = g_object_new (SHEATH_TYPE_MODEL, NULL);
  self->file = g_object_ref (file);
  self->metadata = g_hash_table_ref (_sheath_safetensors_get_metadata (st));

  s = _sheath_safetensors_get_meta (st, "architecture");
  if (s == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                   "'%s' is not a Sheath model: its metadata has no 'architecture'", name);
      return NULL;
    }
  if (!g_str_equal (s, "unet"))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_UNSUPPORTED_MODEL,
                   _ ("Model '%s' has architecture '%s'; Sheath knows 'unet'"), name, s);
      return NULL;
    }
  self->architecture = g_strdup (s);

  if (!_sheath_model_meta_uint (st, "depth", 1, SHEATH_NET_MAX_DEPTH, &depth, error) ||
      !_sheath_model_meta_uint (st, "base_channels", 1, MAX_BASE_CHANNELS, &base, error) ||
      !_sheath_model_meta_uint (st, "in_channels", 1, MAX_IN_CHANNELS, &in_channels, error) ||
      !_sheath_model_meta_uint (st, "kernel_size", 3, 3, &kernel, error))
    return NULL;

  if ((base << depth) > MAX_TOP_CHANNELS)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_UNSUPPORTED_MODEL,
                   _ ("Model '%s' is too wide: %u channels at its bottom level (at most %u)"),
                   name, base << depth, MAX_TOP_CHANNELS);
      return NULL;
    }

  s = _sheath_safetensors_get_meta (st, "classes");
  if (s == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                   _ ("Model '%s' does not name its classes (metadata key 'classes')"), name);
      return NULL;
    }
  self->class_names = g_strsplit (s, ",", -1);
  for (guint i = 0; self->class_names[i]; i++)
    g_strstrip (self->class_names[i]);
  n_classes = g_strv_length (self->class_names);
  if (n_classes < 2 || n_classes > SHEATH_NET_MAX_CLASSES)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_UNSUPPORTED_MODEL,
                   _ ("Model '%s' has %u classes; Sheath supports 2 to %u"), name, n_classes, SHEATH_NET_MAX_CLASSES);
      return NULL;
    }
  if (!g_strv_contains ((const char * const *) self->class_names, "axon") ||
      !g_strv_contains ((const char * const *) self->class_names, "myelin"))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_UNSUPPORTED_MODEL,
                   _ ("Model '%s' has classes '%s'; a segmentation model needs 'axon' and 'myelin'"),
                   name, s);
      return NULL;
    }

  if (!_sheath_model_meta_double (st, "pixel_size_um", 1e-5, 1000, &self->pixel_size, error))
    return NULL;

  s = _sheath_safetensors_get_meta (st, "normalization");
  if (s == NULL || g_str_equal (s, "image-zscore"))
    self->normalization = SHEATH_NORMALIZATION_IMAGE_ZSCORE;
  else if (g_str_equal (s, "fixed"))
    {
      self->normalization = SHEATH_NORMALIZATION_FIXED;
      if (!_sheath_model_meta_double (st, "normalization_mean", -1e6, 1e6, &self->norm_mean, error) ||
          !_sheath_model_meta_double (st, "normalization_std", 1e-12, 1e6, &self->norm_std, error))
        return NULL;
    }
  else
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_UNSUPPORTED_MODEL,
                   _ ("Model '%s' has normalization '%s'; Sheath knows 'image-zscore' and 'fixed'"),
                   name, s);
      return NULL;
    }

  if (_sheath_safetensors_get_meta (st, "batch_norm_eps") &&
      !_sheath_model_meta_double (st, "batch_norm_eps", 0, 1, &eps, error))
    return NULL;

  self->modality = g_strdup (_sheath_safetensors_get_meta (st, "modality") ?: "other");
  self->description = g_strdup (_sheath_safetensors_get_meta (st, "description") ?: "");

  if (!read_calibration (self, st, n_classes, error))
    return NULL;

  if (!_sheath_model_check_network (st, depth, base, in_channels, n_classes, error))
    return NULL;

  self->net = _sheath_model_load_network (st, depth, base, in_channels, n_classes, eps);

  return g_steal_pointer (&self);
}

/**
 * sheath_model_dup_user_dir:
 *
 * Where the models a user trains are kept, so that the app and the command
 * line find them by name: `$XDG_DATA_HOME/sheath/models`.
 *
 * Returns: (transfer full) (type filename): the folder (it may not exist yet)
 */
char *
sheath_model_dup_user_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "sheath", "models", NULL);
}

/**
 * sheath_model_dup_name_for_path:
 * @path: a model file, `DIR/NAME.safetensors`
 *
 * The name a model file goes by in the model picker, `--model` and its card.
 *
 * Returns: (transfer full): its base name without `.safetensors`
 */
char *
sheath_model_dup_name_for_path (const char *path)
{
  g_autofree char *base = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  base = g_path_get_basename (path);
  if (g_str_has_suffix (base, ".safetensors") && strlen (base) > strlen (".safetensors"))
    base[strlen (base) - strlen (".safetensors")] = '\0';
  return g_steal_pointer (&base);
}

/**
 * sheath_model_find_builtin:
 * @name: a model's name: a shipped one, such as "sem" or "tem", or one the
 *   user trained
 *
 * Looks for a shipped model in `$SHEATH_MODELS_DIR`, then where Sheath is
 * installed (`PREFIX/share/sheath/models`), then among the user's own
 * models (sheath_model_dup_user_dir()). An uninstalled build finds the
 * source tree's models through `meson devenv`, which sets the variable.
 *
 * Returns: (transfer full) (nullable): the model's file, or %NULL
 */
GFile *
sheath_model_find_builtin (const char *name)
{
  g_autofree char *basename = NULL;
  g_autofree char *user_dir = sheath_model_dup_user_dir ();
  const char *dirs[] = { g_getenv ("SHEATH_MODELS_DIR"), SHEATH_MODELS_DIR, user_dir };

  g_return_val_if_fail (name != NULL, NULL);

  if (strchr (name, '/') != NULL || name[0] == '.')
    return NULL;

  basename = g_strdup_printf ("%s.safetensors", name);
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = NULL;

      if (dirs[i] == NULL || dirs[i][0] == '\0')
        continue;
      path = g_build_filename (dirs[i], basename, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_file_new_for_path (path);
    }

  return NULL;
}

/**
 * sheath_model_new_builtin:
 * @name: a shipped model's name, such as "sem" or "tem"
 * @error: return location for a #GError
 *
 * Loads a model shipped with Sheath; see sheath_model_find_builtin().
 *
 * Returns: (transfer full): the model, or %NULL with @error set
 */
SheathModel *
sheath_model_new_builtin (const char  *name,
                          GError     **error)
{
  g_autoptr(GFile) file = sheath_model_find_builtin (name);

  if (file == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                   _ ("No shipped model named '%s' in %s; set SHEATH_MODELS_DIR or give a "
                   ".safetensors file"), name, SHEATH_MODELS_DIR);
      return NULL;
    }

  return sheath_model_new_from_file (file, error);
}

/**
 * sheath_model_get_file:
 * @self: a #SheathModel
 *
 * The file the model was read from.
 *
 * Returns: (transfer none): the file the model was read from
 */
GFile *
sheath_model_get_file (SheathModel *self)
{
  g_return_val_if_fail (SHEATH_IS_MODEL (self), NULL);
  return self->file;
}

/**
 * sheath_model_get_architecture:
 * @self: a #SheathModel
 *
 * The network's architecture, as its metadata says: "unet".
 *
 * Returns: the architecture family, "unet"
 */
const char *
sheath_model_get_architecture (SheathModel *self)
{
  g_return_val_if_fail (SHEATH_IS_MODEL (self), NULL);
  return self->architecture;
}

/**
 * sheath_model_get_depth:
 * @self: a #SheathModel
 *
 * The U-Net's depth: how many times it halves the image.
 *
 * Returns: the number of 2×2 poolings of the U-Net
 */
guint
sheath_model_get_depth (SheathModel *self)
{
  g_return_val_if_fail (SHEATH_IS_MODEL (self), 0);
  return self->net->depth;
}

/**
 * sheath_model_get_base_channels:
 * @self: a #SheathModel
 *
 * The channels of the U-Net's first level.
 *
 * Returns: the number of channels at the U-Net's top level
 */
guint
sheath_model_get_base_channels (SheathModel *self)
{
  g_return_val_if_fail (SHEATH_IS_MODEL (self), 0);
  return self->net->base_channels;
}

/**
 * sheath_model_get_in_channels:
 * @self: a #SheathModel
 *
 * The channels of the network's input.
 *
 * Returns: the number of input channels (a gray image is given to each)
 */
guint
sheath_model_get_in_channels (SheathModel *self)
{
  g_return_val_if_fail (SHEATH_IS_MODEL (self), 0);
  return self->net->in_channels;
}

/**
 * sheath_model_get_n_classes:
 * @self: a #SheathModel
 *
 * The number of classes the network predicts.
 *
 * Returns: the number of classes the model predicts
 */
guint
sheath_model_get_n_classes (SheathModel *self)
{
  g_return_val_if_fail (SHEATH_IS_MODEL (self), 0);
  return self->net->classes;
}

/**
 * sheath_model_get_class_names:
 * @self: a #SheathModel
 *
 * The names of the classes the network predicts, in the order of its outputs.
 *
 * Returns: (transfer none) (array zero-terminated=1): the class names, in output order
 */
const char * const *
sheath_model_get_class_names (SheathModel *self)
{
  g_return_val_if_fail (SHEATH_IS_MODEL (self), NULL);
  return (const char * const *) self->class_names;
}

/**
 * sheath_model_get_decision_weights:
 * @self: a #SheathModel
 * @n_weights: (out): the number of weights, one per class
 *
 * The weights the class probabilities are multiplied by before a pixel
 * takes the most probable class: all 1 unless a calibration on the
 * training images moved the boundaries between classes (metadata key
 * `decision_weights`).
 *
 * Returns: (transfer none) (array length=n_weights): the weights, in the
 *   order of the classes
 */
const double *
sheath_model_get_decision_weights (SheathModel *self,
                                   guint       *n_weights)
{
  g_return_val_if_fail (SHEATH_IS_MODEL (self), NULL);
  *n_weights = g_strv_length (self->class_names);
  return self->decision_weights;
}

/**
 * sheath_model_get_min_fibre_confidence:
 * @self: a #SheathModel
 *
 * The mean confidence below which a segmented fibre is dropped (metadata
 * key `min_fibre_confidence`, set by a calibration); 0 keeps every fibre.
 *
 * Returns: the threshold, from 0 to 1
 */
double
sheath_model_get_min_fibre_confidence (SheathModel *self)
{
  g_return_val_if_fail (SHEATH_IS_MODEL (self), 0);
  return self->min_fibre_confidence;
}

/**
 * sheath_model_get_test_time_flips:
 * @self: a #SheathModel
 *
 * Whether the model is best used with test-time flips (metadata key
 * `test_time_flips`, set by a calibration that used them): each tile also
 * segmented mirrored three ways and the four averaged. A segmenter made
 * for the model uses them unless told otherwise.
 *
 * Returns: %TRUE when the model asks for them
 */
gboolean
sheath_model_get_test_time_flips (SheathModel *self)
{
  g_return_val_if_fail (SHEATH_IS_MODEL (self), FALSE);
  return self->test_time_flips;
}

/**
 * sheath_model_get_min_axon_diam:
 * @self: a #SheathModel
 *
 * The axon diameter below which a segmented fibre is dropped as a fragment
 * (metadata key `min_axon_diam_um`, set by a calibration); 0 keeps every
 * fibre.
 *
 * Returns: the diameter in micrometres
 */
double
sheath_model_get_min_axon_diam (SheathModel *self)
{
  g_return_val_if_fail (SHEATH_IS_MODEL (self), 0);
  return self->min_axon_diam;
}

/**
 * sheath_model_get_uaxon_split:
 * @self: a #SheathModel
 * @sigma: (out) (optional): the σ, in µm, of the Gaussian that smooths the
 *   image before it is flooded (metadata key `uaxon_split_sigma_um`)
 * @depth: (out) (optional): how many grey levels (of the image's range on
 *   0–255) a plateau must stand above the saddle to its neighbour to be an
 *   axon of its own (`uaxon_split_depth`); 0 splits none
 * @min_area: (out) (optional): the smallest unmyelinated axon kept, in
 *   µm² (`uaxon_min_area_um2`)
 *
 * How the segmenter splits a region of touching unmyelinated axons into
 * its axons, along the dark membranes between them, and drops fragments.
 * Models without the keys get the defaults chosen on the shipped TEM
 * model's training mice.
 */
void
sheath_model_get_uaxon_split (SheathModel *self,
                              double      *sigma,
                              double      *depth,
                              double      *min_area)
{
  g_return_if_fail (SHEATH_IS_MODEL (self));
  if (sigma != NULL)
    *sigma = self->uaxon_split_sigma;
  if (depth != NULL)
    *depth = self->uaxon_split_depth;
  if (min_area != NULL)
    *min_area = self->uaxon_min_area;
}

/**
 * sheath_model_get_uaxon_split_distance_weight:
 * @self: a #SheathModel
 *
 * How much a pixel's distance from the edge of its region of unmyelinated
 * axon raises it before the region is flooded, in grey levels per µm
 * (metadata key `uaxon_split_distance_weight`; 0, the default, when
 * missing). Two touching axons meet at a neck, close to the edge, while
 * the darker organelles inside one axon lie far from it: the weight keeps
 * the first apart and the second whole. See sheath_model_get_uaxon_split().
 *
 * Returns: the weight, in grey levels per micrometre
 */
double
sheath_model_get_uaxon_split_distance_weight (SheathModel *self)
{
  g_return_val_if_fail (SHEATH_IS_MODEL (self), 0);
  return self->uaxon_split_distance_weight;
}

/**
 * sheath_model_get_pixel_size:
 * @self: a #SheathModel
 *
 * The pixel size the model was trained at, in micrometres: images are resampled to it.
 *
 * Returns: the pixel size in micrometres the model was trained at
 */
double
sheath_model_get_pixel_size (SheathModel *self)
{
  g_return_val_if_fail (SHEATH_IS_MODEL (self), 0);
  return self->pixel_size;
}

/**
 * sheath_model_get_modality:
 * @self: a #SheathModel
 *
 * The modality the model was trained on: "SEM", "TEM" or another word.
 *
 * Returns: the modality, such as "SEM" or "TEM"
 */
const char *
sheath_model_get_modality (SheathModel *self)
{
  g_return_val_if_fail (SHEATH_IS_MODEL (self), NULL);
  return self->modality;
}

/**
 * sheath_model_fit_image:
 * @model_modality: (nullable): the model's modality ("SEM", "TEM", …)
 * @model_pixel_size: the model's pixel size in micrometres
 * @image: the image to segment
 * @scale: (out) (optional): the image's pixel size over the model's (below
 *   one: the image is finer, and is shrunk), or 0 when unknown
 *
 * How well a model suits @image, from the model's header alone (so that a
 * model picker can judge many models quickly).
 *
 * Returns: the fit
 */
SheathModelFit
sheath_model_fit_image (const char  *model_modality,
                        double       model_pixel_size,
                        SheathImage *image,
                        double      *scale)
{
  const char *image_modality;
  double ratio;

  g_return_val_if_fail (SHEATH_IS_IMAGE (image), SHEATH_MODEL_FIT_UNKNOWN);

  if (scale != NULL)
    *scale = 0;
  if (!(model_pixel_size > 0) || !(sheath_image_get_pixel_size (image) > 0))
    return SHEATH_MODEL_FIT_UNKNOWN;

  ratio = sheath_image_get_pixel_size (image) / model_pixel_size;
  if (scale != NULL)
    *scale = ratio;
  if (ratio > SHEATH_MODEL_FIT_MAX_SCALE || ratio < 1 / SHEATH_MODEL_FIT_MAX_SCALE)
    return SHEATH_MODEL_FIT_OFF_SCALE;
  image_modality = sheath_image_get_modality (image);
  if (image_modality != NULL && model_modality != NULL && g_ascii_strcasecmp (model_modality, "other") != 0 &&
      g_ascii_strcasecmp (image_modality, model_modality) != 0)
    return SHEATH_MODEL_FIT_OTHER_MODALITY;
  if (ratio > 2 || ratio < 0.5)
    return SHEATH_MODEL_FIT_RESAMPLED;
  return SHEATH_MODEL_FIT_GOOD;
}

/**
 * sheath_model_get_fit:
 * @self: a #SheathModel
 * @image: the image to segment
 * @scale: (out) (optional): as sheath_model_fit_image() gives it
 *
 * How well the model suits @image: its scale and modality against the image's (see sheath_model_fit_image()).
 *
 * Returns: how well the model suits @image
 */
SheathModelFit
sheath_model_get_fit (SheathModel *self,
                      SheathImage *image,
                      double      *scale)
{
  g_return_val_if_fail (SHEATH_IS_MODEL (self), SHEATH_MODEL_FIT_UNKNOWN);
  return sheath_model_fit_image (self->modality, self->pixel_size, image, scale);
}

/**
 * sheath_model_get_description:
 * @self: a #SheathModel
 *
 * The model's description, from its metadata.
 *
 * Returns: the model's free-text description, possibly empty
 */
const char *
sheath_model_get_description (SheathModel *self)
{
  g_return_val_if_fail (SHEATH_IS_MODEL (self), NULL);
  return self->description;
}

/**
 * sheath_model_get_normalization:
 * @self: a #SheathModel
 *
 * How images are normalised for the network: "image-zscore" or "fixed".
 *
 * Returns: how the model wants its input scaled
 */
SheathNormalization
sheath_model_get_normalization (SheathModel *self)
{
  g_return_val_if_fail (SHEATH_IS_MODEL (self), 0);
  return self->normalization;
}

/**
 * sheath_model_get_fixed_normalization:
 * @self: a #SheathModel
 * @mean: (out) (optional): the mean, on a 0–1 scale
 * @std: (out) (optional): the standard deviation, on a 0–1 scale
 *
 * Whether the model normalises images with a fixed mean and standard deviation rather than each image's own.
 *
 * Returns: %TRUE if the model uses %SHEATH_NORMALIZATION_FIXED
 */
gboolean
sheath_model_get_fixed_normalization (SheathModel *self,
                                      double      *mean,
                                      double      *std)
{
  g_return_val_if_fail (SHEATH_IS_MODEL (self), FALSE);

  if (mean)
    *mean = self->norm_mean;
  if (std)
    *std = self->norm_std;
  return self->normalization == SHEATH_NORMALIZATION_FIXED;
}

/**
 * sheath_model_get_n_parameters:
 * @self: a #SheathModel
 *
 * The number of the network's weights.
 *
 * Returns: the number of weights of the network as it runs (batch norm folded)
 */
guint64
sheath_model_get_n_parameters (SheathModel *self)
{
  g_return_val_if_fail (SHEATH_IS_MODEL (self), 0);
  return _sheath_net_count_parameters (self->net);
}

/**
 * sheath_model_dup_metadata_value:
 * @self: a #SheathModel
 * @key: a metadata key
 *
 * One value of the model file's `__metadata__`.
 *
 * Returns: (transfer full) (nullable): the value of @key in the model's `__metadata__`
 */
char *
sheath_model_dup_metadata_value (SheathModel *self,
                                 const char  *key)
{
  g_return_val_if_fail (SHEATH_IS_MODEL (self), NULL);
  return g_strdup (g_hash_table_lookup (self->metadata, key));
}

/**
 * sheath_model_dup_metadata_keys:
 * @self: a #SheathModel
 *
 * The keys of the model file's `__metadata__`, sorted.
 *
 * Returns: (transfer full) (array zero-terminated=1): the sorted metadata keys
 */
char **
sheath_model_dup_metadata_keys (SheathModel *self)
{
  char **keys;
  guint n;

  g_return_val_if_fail (SHEATH_IS_MODEL (self), NULL);

  keys = (char **) g_hash_table_get_keys_as_array (self->metadata, &n);
  for (guint i = 0; i < n; i++)
    keys[i] = g_strdup (keys[i]);
  qsort (keys, n, sizeof (char *), _sheath_compare_strings);

  return keys;
}

/**
 * sheath_model_read_metadata:
 * @file: a model file
 * @error: return location for a #GError
 *
 * Reads only a model file's header: its `__metadata__` (description,
 * modality, `pixel_size_um`, …) without loading or checking the weights,
 * for listing models quickly. Use sheath_model_new_from_file() to use one.
 *
 * Returns: (transfer full) (element-type utf8 utf8): the metadata, or
 *   %NULL with @error set when the file is not a safetensors file
 */
GHashTable *
sheath_model_read_metadata (GFile   *file,
                            GError **error)
{
  SheathSafetensors *st;
  GHashTable *copy;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (!(st = _sheath_safetensors_open (file, error)))
    return NULL;
  /* a safetensors file need not have one (found by fuzz-safetensors) */
  if (_sheath_safetensors_get_metadata (st) == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                   "'%s' is not a Sheath model: it has no __metadata__", name);
      _sheath_safetensors_free (st);
      return NULL;
    }
  copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_iter_init (&iter, _sheath_safetensors_get_metadata (st));
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy, g_strdup (key), g_strdup (value));
  _sheath_safetensors_free (st);
  return copy;
}

SheathModel *
_sheath_model_new_from_net (SheathNet          *net,
                            const char * const *classes,
                            double              pixel_size,
                            const char         *modality)
{
  SheathModel *self = g_object_new (SHEATH_TYPE_MODEL, NULL);

  self->net = net;
  self->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->architecture = g_strdup ("unet");
  self->modality = g_strdup (modality ? modality : "other");
  self->description = g_strdup ("");
  self->class_names = g_strdupv ((char **) classes);
  for (guint c = 0; c < SHEATH_NET_MAX_CLASSES; c++)
    self->decision_weights[c] = 1.0;
  self->pixel_size = pixel_size;
  self->normalization = SHEATH_NORMALIZATION_IMAGE_ZSCORE;
  return self;
}

gboolean
_sheath_model_map_labels (SheathModel *self,
                          guint8      *label_of_class)
{
  gboolean unmyelinated = FALSE;
  guint8 other = SHEATH_LABEL_OTHER;

  for (guint i = 0; self->class_names[i] && i < SHEATH_NET_MAX_CLASSES; i++)
    {
      const char *name = self->class_names[i];

      label_of_class[i] = g_str_equal (name, "axon") ? SHEATH_LABEL_AXON :
                          g_str_equal (name, "myelin") ? SHEATH_LABEL_MYELIN :
                          g_str_equal (name, "uaxon") ? SHEATH_LABEL_UNMYELINATED_AXON :
                          g_str_equal (name, "background") ? SHEATH_LABEL_BACKGROUND :
                          other++;
      unmyelinated |= label_of_class[i] == SHEATH_LABEL_UNMYELINATED_AXON;
    }
  return unmyelinated;
}

char **
_sheath_model_dup_other_classes (SheathModel *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char * const known[] = { "background", "myelin", "axon", "uaxon", NULL };

  for (guint i = 0; self->class_names[i]; i++)
    if (!g_strv_contains (known, self->class_names[i]))
      g_strv_builder_add (builder, self->class_names[i]);
  return g_strv_builder_end (builder);
}

const SheathNet *
_sheath_model_get_net (SheathModel *self)
{
  return self->net;
}
