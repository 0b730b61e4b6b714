/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-training-data"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "sheath-bids.h"
#include "sheath-error.h"
#include "sheath-image-private.h"
#include "sheath-labeling-private.h"
#include "sheath-resample-private.h"
#include "sheath-segmentation-private.h"
#include "sheath-training-data-private.h"

static void
sample_free (gpointer p)
{
  SheathTrainingSample *s = p;

  g_free (s->name);
  g_free (s->subject);
  g_free (s->image_path);
  g_free (s->axon_path);
  g_free (s->myelin_path);
  g_free (s->uaxon_path);
  g_clear_object (&s->image);
  g_clear_object (&s->truth);
  g_free (s->pixels);
  g_free (s->labels);
  g_free (s);
}

SheathTrainingData *
_sheath_training_data_new (void)
{
  SheathTrainingData *data = g_new0 (SheathTrainingData, 1);

  data->samples = g_ptr_array_new_with_free_func (sample_free);
  data->n_classes = 3;
  return data;
}

void
_sheath_training_data_free (SheathTrainingData *data)
{
  if (data == NULL)
    return;
  g_ptr_array_unref (data->samples);
  g_free (data);
}

/* `STEM_seg-uaxon[-manual].png` beside `STEM_seg-axon[-manual].png`, if it is there */
static char *
find_uaxon_mask (const char *axon_path)
{
  g_autoptr(GFile) axon = g_file_new_for_path (axon_path);
  g_autoptr(GFile) uaxon = sheath_segmentation_dup_mask_for (axon, "uaxon", NULL);

  return uaxon && g_file_query_exists (uaxon, NULL) ? g_file_get_path (uaxon) : NULL;
}

gboolean
_sheath_training_data_add_image (SheathTrainingData *data,
                                 const char         *image_path,
                                 const char         *axon_path,
                                 const char         *myelin_path,
                                 double              pixel_size,
                                 const char         *subject,
                                 GError            **error)
{
  SheathTrainingSample *s;

  if (!g_file_test (axon_path, G_FILE_TEST_IS_REGULAR) || !g_file_test (myelin_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   "'%s' has no masks: expected '%s' and '%s'", image_path, axon_path, myelin_path);
      return FALSE;
    }

  s = g_new0 (SheathTrainingSample, 1);
  s->name = g_path_get_basename (image_path);
  s->image_path = g_strdup (image_path);
  s->axon_path = g_strdup (axon_path);
  s->myelin_path = g_strdup (myelin_path);
  s->uaxon_path = find_uaxon_mask (axon_path);
  s->pixel_size = pixel_size;
  if (subject != NULL)
    s->subject = g_strdup (subject);
  else
    {
      g_autofree char *dir = g_path_get_dirname (image_path);
      s->subject = g_strdup (dir);
    }
  g_ptr_array_add (data->samples, s);
  return TRUE;
}

gboolean
_sheath_training_data_add_bids (SheathTrainingData *data,
                                const char         *dir,
                                GError            **error)
{
  g_auto(GStrv) images = sheath_bids_list_images (dir, error);

  if (images == NULL)
    return FALSE;

  for (guint i = 0; images[i]; i++)
    {
      g_autofree char *axon = sheath_bids_dup_mask_path (dir, images[i], "axon");
      g_autofree char *myelin = sheath_bids_dup_mask_path (dir, images[i], "myelin");
      g_autofree char *subject = sheath_bids_dup_subject (images[i]);

      if (!_sheath_training_data_add_image (data, images[i], axon, myelin, 0, subject, error))
        return FALSE;
    }
  return TRUE;
}

/* g_ptr_array_sort() hands over pointers to the elements */
static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static void
resample_plane (const float *src,
                guint        sw,
                guint        sh,
                float       *dst,
                guint        dw,
                guint        dh,
                double       scale)
{
  g_autoptr(SheathResampleAxis) ax = _sheath_resample_axis_new (sw, dw, scale);
  g_autoptr(SheathResampleAxis) ay = _sheath_resample_axis_new (sh, dh, scale);
  g_autofree float *tmp = g_new (float, (gsize) sh * dw);
  g_autofree float *column = g_new (float, MAX (sh, dh));

  for (guint y = 0; y < sh; y++)
    _sheath_resample_row (ax, src + (gsize) y * sw, 1, tmp + (gsize) y * dw);
  for (guint x = 0; x < dw; x++)
    {
      _sheath_resample_row (ay, tmp + x, dw, column);
      for (guint y = 0; y < dh; y++)
        dst[(gsize) y * dw + x] = column[y];
    }
}

/* Unmyelinated axons drawn touching (4-connected regions of their own)
 * each give up the pixels within @radius of another, so that the targets
 * show the membranes between them wide enough to survive the model's
 * coarser grid, and the network learns to draw a bundle's axons apart. */
static void
keep_uaxons_apart (SheathSegmentation *truth,
                   guint               radius)
{
  guint w = sheath_segmentation_get_width (truth), h = sheath_segmentation_get_height (truth);
  g_autofree guint8 *mask = g_new (guint8, (gsize) w * h);
  g_autofree guint32 *labels = g_new (guint32, (gsize) w * h);

  for (guint y = 0; y < h; y++)
    {
      const guint8 *row = sheath_segmentation_peek_row (truth, y);

      for (guint x = 0; x < w; x++)
        mask[(gsize) y * w + x] = row[x] == SHEATH_LABEL_UNMYELINATED_AXON;
    }
  _sheath_label_components_4 (mask, w, h, labels);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        guint32 l = labels[(gsize) y * w + x];
        gboolean near_other = FALSE;

        if (l == 0)
          continue;
        for (guint qy = y > radius ? y - radius : 0; qy <= MIN (y + radius, h - 1) && !near_other; qy++)
          for (guint qx = x > radius ? x - radius : 0; qx <= MIN (x + radius, w - 1) && !near_other; qx++)
            {
              guint32 o = labels[(gsize) qy * w + qx];

              near_other = o != 0 && o != l;
            }
        if (near_other)
          sheath_segmentation_set_label (truth, x, y, SHEATH_LABEL_BACKGROUND);
      }
}

static gboolean
load_sample (SheathTrainingSample  *s,
             double                 model_pixel_size,
             guint                  n_classes,
             double                 uaxon_gap,
             GError               **error)
{
  g_autoptr(GFile) image_file = g_file_new_for_path (s->image_path);
  g_autoptr(GFile) axon_file = g_file_new_for_path (s->axon_path);
  g_autoptr(GFile) myelin_file = g_file_new_for_path (s->myelin_path);
  g_autofree float *native = NULL;
  guint w, h, lo, hi;
  double scale, sum = 0, sum2 = 0;
  gsize n;

  if (!(s->image = sheath_image_new_from_file (image_file, error)))
    return FALSE;
  if (s->pixel_size > 0 && !sheath_image_set_pixel_size (s->image, s->pixel_size, error))
    return FALSE;
  if (!sheath_image_require_pixel_size (s->image, error))
    return FALSE;
  s->pixel_size = sheath_image_get_pixel_size (s->image);
  if (!(s->truth = sheath_segmentation_new_from_masks (axon_file, myelin_file, error)))
    return FALSE;
  if (n_classes > SHEATH_LABEL_UNMYELINATED_AXON)
    {
      g_autoptr(GFile) uaxon_file = g_file_new_for_path (s->uaxon_path);

      if (!sheath_segmentation_add_mask (s->truth, uaxon_file, SHEATH_LABEL_UNMYELINATED_AXON, error))
        return FALSE;
      if (uaxon_gap > 0)
        keep_uaxons_apart (s->truth, (guint) ceil (uaxon_gap / 2 / s->pixel_size));
    }

  w = sheath_image_get_width (s->image);
  h = sheath_image_get_height (s->image);
  if (sheath_segmentation_get_width (s->truth) != w || sheath_segmentation_get_height (s->truth) != h)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE,
                   _ ("The masks of '%s' are %u × %u but the image is %u × %u"), s->image_path,
                   sheath_segmentation_get_width (s->truth), sheath_segmentation_get_height (s->truth), w, h);
      return FALSE;
    }

  /* intensities on 0–1 from the image's own range */
  sheath_image_get_range (s->image, &lo, &hi);
  native = g_new (float, (gsize) w * h);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      native[(gsize) y * w + x] = hi > lo ? (float) (sheath_image_get_value (s->image, x, y) - lo) / (hi - lo) : 0.f;

  scale = model_pixel_size / s->pixel_size;   /* image pixels per model pixel */
  s->width = (guint) MAX (1.0, round (w / scale));
  s->height = (guint) MAX (1.0, round (h / scale));
  n = (gsize) s->width * s->height;
  if (s->width > 20000 || s->height > 20000)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_PIXEL_SIZE,
                   "'%s' at %g µm would be %u × %u pixels at the model's %g µm: check the pixel size",
                   s->image_path, s->pixel_size, s->width, s->height, model_pixel_size);
      return FALSE;
    }

  s->pixels = g_new (float, n);
  s->labels = g_new (guint8, n);
  if (s->width == w && s->height == h)
    memcpy (s->pixels, native, n * sizeof (float));
  else
    resample_plane (native, w, h, s->pixels, s->width, s->height, scale);

  for (guint y = 0; y < s->height; y++)
    {
      guint sy = MIN ((guint) ((y + 0.5) * scale), h - 1);

      for (guint x = 0; x < s->width; x++)
        {
          guint sx = MIN ((guint) ((x + 0.5) * scale), w - 1);
          s->labels[(gsize) y * s->width + x] = sheath_segmentation_get_label (s->truth, sx, sy);
        }
    }

  for (gsize i = 0; i < n; i++)
    {
      sum += s->pixels[i];
      sum2 += (double) s->pixels[i] * s->pixels[i];
    }
  s->mean = sum / n;
  s->std = sqrt (MAX (sum2 / n - s->mean * s->mean, 0.0));
  if (s->std < 1e-6)
    s->std = 1.0;
  return TRUE;
}

char **
_sheath_training_data_dup_subjects (SheathTrainingData *data,
                                    gboolean            validation)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < data->samples->len; i++)
    {
      SheathTrainingSample *s = g_ptr_array_index (data->samples, i);

      if (s->validation == validation && g_hash_table_add (seen, s->subject))
        g_strv_builder_add (builder, s->subject);
    }
  return g_strv_builder_end (builder);
}

gboolean
_sheath_training_data_prepare (SheathTrainingData  *data,
                               double               pixel_size,
                               const char * const  *validation_subjects,
                               guint64              seed,
                               GCancellable        *cancellable,
                               GError             **error)
{
  g_autoptr(GPtrArray) subjects = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_val = 0, n_train = 0;
  double counts[SHEATH_NET_MAX_CLASSES] = { 0 }, mean_w = 0;

  if (data->samples->len == 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, _ ("No training images were given"));
      return FALSE;
    }
  if (!(pixel_size > 0))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_NO_PIXEL_SIZE,
                   _ ("The model's pixel size is unknown: give --pixel-size or --init MODEL"));
      return FALSE;
    }
  data->pixel_size = pixel_size;

  if (data->n_classes > SHEATH_LABEL_UNMYELINATED_AXON)
    {
      g_autoptr(GString) missing = g_string_new (NULL);
      guint n_missing = 0;

      for (guint i = 0; i < data->samples->len; i++)
        {
          SheathTrainingSample *s = g_ptr_array_index (data->samples, i);

          if (s->uaxon_path == NULL && n_missing++ < 5)
            g_string_append_printf (missing, "%s'%s'", missing->len ? ", " : "", s->name);
        }
      if (n_missing > 0)
        {
          g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "Training unmyelinated axons needs every image's mask of them "
                                    "(STEM_seg-uaxon-manual.png beside the axon mask); %u image has none: %s%s",
                                    "Training unmyelinated axons needs every image's mask of them "
                                    "(STEM_seg-uaxon-manual.png beside the axon mask); %u images have none: %s%s",
                                    n_missing),
                       n_missing, missing->str, n_missing > 5 ? "…" : "");
          return FALSE;
        }
    }

  for (guint i = 0; i < data->samples->len; i++)
    {
      SheathTrainingSample *s = g_ptr_array_index (data->samples, i);
      if (g_hash_table_add (seen, s->subject))
        g_ptr_array_add (subjects, s->subject);
    }
  g_ptr_array_sort (subjects, compare_names);

  if (validation_subjects == NULL)
    {
      /* about a fifth of the subjects, at least one, chosen by the seed */
      SheathRng rng;
      guint want = MAX (1, (subjects->len + 2) / 5);
      g_autoptr(GPtrArray) pool = g_ptr_array_copy (subjects, NULL, NULL);
      g_autoptr(GStrvBuilder) chosen = g_strv_builder_new ();
      g_auto(GStrv) names = NULL;

      if (subjects->len < 2)
        {
          g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                       _ ("All the images come from one subject: validation needs images of another "
                       "(images of one animal are alike); add data or give --validation-subjects"));
          return FALSE;
        }
      _sheath_rng_seed (&rng, seed ^ G_GUINT64_CONSTANT (0x5eed));
      for (guint k = 0; k < want; k++)
        {
          guint pick = _sheath_rng_below (&rng, pool->len);
          g_strv_builder_add (chosen, g_ptr_array_index (pool, pick));
          g_ptr_array_remove_index (pool, pick);
        }
      names = g_strv_builder_end (chosen);
      for (guint i = 0; i < data->samples->len; i++)
        {
          SheathTrainingSample *s = g_ptr_array_index (data->samples, i);
          s->validation = g_strv_contains ((const char * const *) names, s->subject);
        }
    }
  else
    {
      for (guint k = 0; validation_subjects[k]; k++)
        if (!g_hash_table_contains (seen, validation_subjects[k]))
          {
            g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                         _ ("Validation subject '%s' is not in the data"), validation_subjects[k]);
            return FALSE;
          }
      for (guint i = 0; i < data->samples->len; i++)
        {
          SheathTrainingSample *s = g_ptr_array_index (data->samples, i);
          s->validation = g_strv_contains (validation_subjects, s->subject);
        }
    }

  for (guint i = 0; i < data->samples->len; i++)
    {
      SheathTrainingSample *s = g_ptr_array_index (data->samples, i);
      if (s->validation) n_val++; else n_train++;
    }
  if (n_val == 0 || n_train == 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   n_val == 0 ? _ ("The validation split is empty: name subjects that are in the data")
                              : _ ("Every subject is held out for validation: none is left to train on"));
      return FALSE;
    }

  for (guint i = 0; i < data->samples->len; i++)
    {
      SheathTrainingSample *s = g_ptr_array_index (data->samples, i);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!load_sample (s, pixel_size, data->n_classes, data->uaxon_gap, error))
        return FALSE;
      if (!s->validation)
        for (gsize k = 0; k < (gsize) s->width * s->height; k++)
          counts[MIN (s->labels[k], data->n_classes - 1)]++;
    }

  /* Rarer classes weigh more: 1 / √frequency, averaging 1. */
  for (guint c = 0; c < data->n_classes; c++)
    {
      data->class_weights[c] = 1.0 / sqrt (MAX (counts[c], 1.0));
      mean_w += data->class_weights[c] / data->n_classes;
    }
  for (guint c = 0; c < data->n_classes; c++)
    data->class_weights[c] /= mean_w;

  return TRUE;
}

guint64
_sheath_training_data_count_training_pixels (SheathTrainingData *data)
{
  guint64 n = 0;

  for (guint i = 0; i < data->samples->len; i++)
    {
      SheathTrainingSample *s = g_ptr_array_index (data->samples, i);
      if (!s->validation)
        n += (guint64) s->width * s->height;
    }
  return n;
}

static inline guint
mirror (gint64 i,
        guint  n)
{
  gint64 period = n > 1 ? 2 * ((gint64) n - 1) : 1;

  if (n == 1)
    return 0;
  i %= period;
  if (i < 0)
    i += period;
  return (guint) (i < n ? i : period - i);
}

/* One patch: a random place (half the time on an axon, myelinated or not), turned by a
 * multiple of 90° plus a little, maybe mirrored, scaled by up to 15 %,
 * sometimes warped elastically; then contrast, brightness, gamma, noise
 * and blur. */
static void
sample_patch (SheathTrainingData   *data,
              SheathTrainingSample *s,
              SheathRng            *rng,
              guint                 patch,
              gboolean              augment,
              float                *out,
              guint8               *labels)
{
  double cx = _sheath_rng_uniform (rng) * s->width;
  double cy = _sheath_rng_uniform (rng) * s->height;
  double theta = 0, scale = 1, flip = 1;
  double contrast = 1, brightness = 0, gamma = 1, noise = 0;
  gboolean elastic = FALSE, blur = FALSE;
  double grid[5][5][2] = { { { 0 } } };
  double cos_t, sin_t, half = patch / 2.0;

  if (_sheath_rng_uniform (rng) < 0.5)
    for (guint tries = 0; tries < 50; tries++)
      {
        guint x = _sheath_rng_below (rng, s->width), y = _sheath_rng_below (rng, s->height);
        if (s->labels[(gsize) y * s->width + x] >= SHEATH_LABEL_AXON)
          {
            cx = x + 0.5;
            cy = y + 0.5;
            break;
          }
      }

  if (augment)
    {
      theta = _sheath_rng_below (rng, 4) * G_PI / 2 + _sheath_rng_range (rng, -0.26, 0.26);
      flip = _sheath_rng_uniform (rng) < 0.5 ? -1 : 1;
      scale = exp (_sheath_rng_range (rng, log (0.85), log (1.15)));
      elastic = _sheath_rng_uniform (rng) < 0.3;
      if (elastic)
        for (guint i = 0; i < 5; i++)
          for (guint j = 0; j < 5; j++)
            for (guint k = 0; k < 2; k++)
              grid[i][j][k] = _sheath_rng_normal (rng) * patch / 40.0;
      contrast = _sheath_rng_range (rng, 0.75, 1.25);
      brightness = _sheath_rng_range (rng, -0.1, 0.1);
      gamma = exp (_sheath_rng_range (rng, log (0.7), log (1.5)));
      noise = _sheath_rng_uniform (rng) < 0.3 ? _sheath_rng_range (rng, 0, 0.05) : 0;
      blur = _sheath_rng_uniform (rng) < 0.2;
    }
  cos_t = cos (theta) * scale;
  sin_t = sin (theta) * scale;

  for (guint v = 0; v < patch; v++)
    for (guint u = 0; u < patch; u++)
      {
        double du = u + 0.5 - half, dv = v + 0.5 - half;
        double sx, sy, fx, fy, val;
        gint64 x0, y0;

        if (elastic)
          {
            double gx = (double) u / (patch - 1) * 4, gy = (double) v / (patch - 1) * 4;
            guint i0 = MIN ((guint) gx, 3), j0 = MIN ((guint) gy, 3);
            double tx = gx - i0, ty = gy - j0;

            for (guint k = 0; k < 2; k++)
              {
                double d = (1 - tx) * (1 - ty) * grid[j0][i0][k] + tx * (1 - ty) * grid[j0][i0 + 1][k] +
                           (1 - tx) * ty * grid[j0 + 1][i0][k] + tx * ty * grid[j0 + 1][i0 + 1][k];
                if (k == 0) du += d; else dv += d;
              }
          }
        du *= flip;
        sx = cx + cos_t * du - sin_t * dv - 0.5;
        sy = cy + sin_t * du + cos_t * dv - 0.5;

        x0 = (gint64) floor (sx);
        y0 = (gint64) floor (sy);
        fx = sx - x0;
        fy = sy - y0;
        {
          const float *p = s->pixels;
          guint w = s->width, h = s->height;
          guint xa = mirror (x0, w), xb = mirror (x0 + 1, w), ya = mirror (y0, h), yb = mirror (y0 + 1, h);

          val = (1 - fx) * (1 - fy) * p[(gsize) ya * w + xa] + fx * (1 - fy) * p[(gsize) ya * w + xb] +
                (1 - fx) * fy * p[(gsize) yb * w + xa] + fx * fy * p[(gsize) yb * w + xb];
          labels[(gsize) v * patch + u] =
            s->labels[(gsize) mirror ((gint64) floor (sy + 0.5), h) * w + mirror ((gint64) floor (sx + 0.5), w)];
        }

        if (augment)
          {
            val = pow (CLAMP (val, 0.0, 1.0), gamma);
            val = (val - s->mean) * contrast + s->mean + brightness;
            if (noise > 0)
              val += noise * _sheath_rng_normal (rng);
          }
        out[(gsize) v * patch + u] = (float) val;
      }

  if (blur)
    {
      g_autofree float *copy = g_memdup2 (out, (gsize) patch * patch * sizeof (float));

      for (guint v = 0; v < patch; v++)
        for (guint u = 0; u < patch; u++)
          {
            double acc = 0;
            static const double k[3] = { 0.25, 0.5, 0.25 };

            for (gint dy = -1; dy <= 1; dy++)
              for (gint dx = -1; dx <= 1; dx++)
                acc += k[dy + 1] * k[dx + 1] * copy[(gsize) mirror ((gint) v + dy, patch) * patch + mirror ((gint) u + dx, patch)];
            out[(gsize) v * patch + u] = (float) acc;
          }
    }

  for (gsize i = 0; i < (gsize) patch * patch; i++)
    out[i] = (float) ((out[i] - s->mean) / s->std);
}

void
_sheath_training_data_sample (SheathTrainingData *data,
                              SheathRng          *rng,
                              guint               patch,
                              guint               batch,
                              gboolean            augment,
                              float              *input,
                              guint8             *targets)
{
  guint64 total = _sheath_training_data_count_training_pixels (data);

  for (guint b = 0; b < batch; b++)
    {
      /* images in proportion to their area */
      guint64 pick = (guint64) (_sheath_rng_uniform (rng) * total);
      SheathTrainingSample *chosen = NULL;

      for (guint i = 0; i < data->samples->len; i++)
        {
          SheathTrainingSample *s = g_ptr_array_index (data->samples, i);
          guint64 n;

          if (s->validation)
            continue;
          chosen = s;
          n = (guint64) s->width * s->height;
          if (pick < n)
            break;
          pick -= n;
        }

      sample_patch (data, chosen, rng, patch, augment,
                    input + (gsize) b * patch * patch, targets + (gsize) b * patch * patch);
    }
}
