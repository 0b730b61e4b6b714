/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-morphometrics"

#include "config.h"

#include <math.h>
#include <string.h>

#include "sheath-digits-private.h"
#include "sheath-error.h"
#include "sheath-image-private.h"
#include "sheath-labeling-private.h"
#include "sheath-morphometrics-private.h"
#include "sheath-png-writer-private.h"
#include "sheath-region-shape-private.h"
#include "sheath-segmentation-private.h"
#include "sheath-util-private.h"

struct _SheathMorphometrics
{
  GObject             parent_instance;

  SheathSegmentation *segmentation;
  double              pixel_size;
  SheathAxonShape     shape;
  guint               width;
  guint               height;
  guint32            *axon_labels;    /* holes filled, specks removed */
  guint32            *fibre_labels;   /* axons grown into their myelin */
  GArray             *axons;          /* SheathAxon, index = id - 1 */
  guint               n_specks;
  guint               n_holes_filled;
  guint64             orphan_myelin;
};

G_DEFINE_FINAL_TYPE (SheathMorphometrics, sheath_morphometrics, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (SheathAxon, sheath_axon, sheath_axon_copy, sheath_axon_free)

/**
 * sheath_axon_copy:
 * @axon: a #SheathAxon
 *
 * Returns: (transfer full): a copy of @axon
 */
SheathAxon *
sheath_axon_copy (const SheathAxon *axon)
{
  return g_memdup2 (axon, sizeof *axon);
}

/**
 * sheath_axon_free:
 * @axon: a #SheathAxon
 *
 * Frees a copy made by sheath_axon_copy().
 */
void
sheath_axon_free (SheathAxon *axon)
{
  g_free (axon);
}

static void
sheath_morphometrics_finalize (GObject *object)
{
  SheathMorphometrics *self = (SheathMorphometrics *)object;

  g_clear_object (&self->segmentation);
  g_clear_pointer (&self->axon_labels, g_free);
  g_clear_pointer (&self->fibre_labels, g_free);
  g_clear_pointer (&self->axons, g_array_unref);

  G_OBJECT_CLASS (sheath_morphometrics_parent_class)->finalize (object);
}

static void
sheath_morphometrics_class_init (SheathMorphometricsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sheath_morphometrics_finalize;
}

static void
sheath_morphometrics_init (SheathMorphometrics *self)
{
  self->axons = g_array_new (FALSE, TRUE, sizeof (SheathAxon));
}

typedef struct
{
  guint64 n;
  double  sx, sy, sxx, syy, sxy;
} Moments;

static void
moments_add (Moments *m,
             guint    x,
             guint    y)
{
  m->n++;
  m->sx += x;
  m->sy += y;
  m->sxx += (double) x * x;
  m->syy += (double) y * y;
  m->sxy += (double) x * y;
}

/* scikit-image's regionprops: the inertia tensor's eigenvalues l1 ≥ l2 of
 * the region's covariance, and the angle between rows and the major axis. */
static void
moments_ellipse (const Moments *m,
                 double        *l1,
                 double        *l2,
                 double        *orientation)
{
  double mx = m->sx / m->n, my = m->sy / m->n;
  double var_col = MAX (m->sxx / m->n - mx * mx, 0.0);
  double var_row = MAX (m->syy / m->n - my * my, 0.0);
  double cov = m->sxy / m->n - mx * my;
  double a = var_col, b = -cov, c = var_row;
  double mid = (a + c) / 2, rad = sqrt ((a - c) * (a - c) / 4 + b * b);

  *l1 = mid + rad;
  *l2 = MAX (mid - rad, 0.0);
  if (a - c == 0)
    *orientation = b < 0 ? -G_PI / 4 : G_PI / 4;
  else
    *orientation = 0.5 * atan2 (-2 * b, c - a);
}

static double
diameter (const Moments   *m,
          SheathAxonShape  shape)
{
  double l1, l2, orientation;

  if (shape == SHEATH_AXON_SHAPE_CIRCLE)
    return sqrt (4.0 * m->n / G_PI);
  moments_ellipse (m, &l1, &l2, &orientation);
  return 4.0 * sqrt (l2);
}

static guint32
remove_specks (guint32 *labels,
               gsize    n_pixels,
               guint32  n_labels,
               guint   *n_specks)
{
  g_autofree guint64 *area = g_new0 (guint64, n_labels + 1);
  g_autofree guint32 *map = g_new0 (guint32, n_labels + 1);
  guint32 kept = 0;

  for (gsize i = 0; i < n_pixels; i++)
    area[labels[i]]++;

  *n_specks = 0;
  for (guint32 l = 1; l <= n_labels; l++)
    {
      if (area[l] >= SHEATH_MIN_AXON_PIXELS)
        map[l] = ++kept;
      else
        (*n_specks)++;
    }

  for (gsize i = 0; i < n_pixels; i++)
    labels[i] = map[labels[i]];

  return kept;
}

/**
 * sheath_morphometrics_compute:
 * @segmentation: axons and myelin
 * @pixel_size: micrometres per pixel
 * @shape: how diameters are measured
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Measures every axon. Each 8-connected axon region is one axon; holes
 * inside an axon (regions enclosed by it alone) count as axon; regions of
 * fewer than 5 pixels are specks, dropped and counted. Myelin goes to the
 * nearest axon through the myelin (4-connected steps), which is what
 * AxonDeepSeg's watershed does, so touching sheaths are split between
 * neighbours. Myelin that no axon reaches is counted, not measured.
 *
 * Returns: (transfer full): the measurements, or %NULL with @error set
 */
SheathMorphometrics *
sheath_morphometrics_compute (SheathSegmentation  *segmentation,
                              double               pixel_size,
                              SheathAxonShape      shape,
                              GCancellable        *cancellable,
                              GError             **error)
{
  g_autoptr(SheathMorphometrics) self = NULL;
  g_autofree guint8 *mask = NULL;
  g_autofree Moments *axon_m = NULL, *fibre_m = NULL;
  g_autofree double *axon_perim = NULL, *fibre_perim = NULL, *convex = NULL;
  g_autofree gint *bbox = NULL;
  guint32 n;
  gsize n_pixels;
  double ps2 = pixel_size * pixel_size;

  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (segmentation), NULL);

  if (!(pixel_size > 0) || !isfinite (pixel_size))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_NO_PIXEL_SIZE,
                   "Morphometrics need the pixel size: give it in micrometres");
      return NULL;
    }

  self = g_object_new (SHEATH_TYPE_MORPHOMETRICS, NULL);
  self->segmentation = g_object_ref (segmentation);
  self->pixel_size = pixel_size;
  self->shape = shape;
  self->width = sheath_segmentation_get_width (segmentation);
  self->height = sheath_segmentation_get_height (segmentation);
  n_pixels = (gsize) self->width * self->height;

  mask = g_try_malloc (n_pixels);
  self->axon_labels = g_try_new (guint32, n_pixels);
  self->fibre_labels = g_try_new (guint32, n_pixels);
  if (mask == NULL || self->axon_labels == NULL || self->fibre_labels == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                   "Not enough memory to measure a %u × %u segmentation", self->width, self->height);
      return NULL;
    }

  for (guint y = 0; y < self->height; y++)
    {
      const guint8 *row = _sheath_segmentation_get_row (segmentation, y);
      for (guint x = 0; x < self->width; x++)
        mask[(gsize) y * self->width + x] = row[x] == SHEATH_LABEL_AXON;
    }

  n = _sheath_label_components_8 (mask, self->width, self->height, self->axon_labels);
  n = remove_specks (self->axon_labels, n_pixels, n, &self->n_specks);
  self->n_holes_filled = _sheath_fill_label_holes (self->axon_labels, self->width, self->height);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  /* Myelin pixels, which the axons grow into. */
  for (guint y = 0; y < self->height; y++)
    {
      const guint8 *row = _sheath_segmentation_get_row (segmentation, y);
      for (guint x = 0; x < self->width; x++)
        {
          gsize i = (gsize) y * self->width + x;
          mask[i] = row[x] == SHEATH_LABEL_MYELIN && self->axon_labels[i] == 0;
        }
    }
  memcpy (self->fibre_labels, self->axon_labels, n_pixels * sizeof (guint32));
  _sheath_grow_labels (self->fibre_labels, mask, self->width, self->height);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  axon_m = g_new0 (Moments, n + 1);
  fibre_m = g_new0 (Moments, n + 1);
  bbox = g_new (gint, 4 * (n + 1));
  for (guint32 l = 0; l <= n; l++)
    {
      bbox[4 * l + 0] = G_MAXINT;  /* min y */
      bbox[4 * l + 1] = G_MAXINT;  /* min x */
      bbox[4 * l + 2] = -1;        /* max y */
      bbox[4 * l + 3] = -1;        /* max x */
    }

  for (guint y = 0; y < self->height; y++)
    for (guint x = 0; x < self->width; x++)
      {
        gsize i = (gsize) y * self->width + x;
        guint32 a = self->axon_labels[i];
        guint32 f = self->fibre_labels[i];

        if (a)
          moments_add (&axon_m[a], x, y);
        if (f)
          {
            gint *b = bbox + 4 * f;

            moments_add (&fibre_m[f], x, y);
            b[0] = MIN (b[0], (gint) y);
            b[1] = MIN (b[1], (gint) x);
            b[2] = MAX (b[2], (gint) y);
            b[3] = MAX (b[3], (gint) x);
          }
        else if (mask[i])
          self->orphan_myelin++;
      }

  axon_perim = g_new (double, n + 1);
  fibre_perim = g_new (double, n + 1);
  convex = g_new (double, n + 1);
  _sheath_label_perimeters (self->axon_labels, self->width, self->height, n, axon_perim);
  _sheath_label_perimeters (self->fibre_labels, self->width, self->height, n, fibre_perim);
  _sheath_label_convex_areas (self->axon_labels, self->width, self->height, n, convex);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  g_array_set_size (self->axons, n);
  for (guint32 l = 1; l <= n; l++)
    {
      SheathAxon *ax = &g_array_index (self->axons, SheathAxon, l - 1);
      const Moments *am = &axon_m[l];
      const Moments *fm = &fibre_m[l];
      const gint *b = bbox + 4 * l;
      double l1, l2, orientation;
      double axon_d = diameter (am, shape);
      double fibre_d = diameter (fm, shape);

      moments_ellipse (am, &l1, &l2, &orientation);

      ax->id = l;
      ax->x0 = am->sx / am->n;
      ax->y0 = am->sy / am->n;
      ax->axon_area = am->n * ps2;
      ax->axon_perimeter = axon_perim[l] * pixel_size;
      ax->myelin_area = (fm->n - am->n) * ps2;
      ax->axonmyelin_area = fm->n * ps2;
      ax->axonmyelin_perimeter = fibre_perim[l] * pixel_size;
      ax->axon_diam = axon_d * pixel_size;
      if (fm->n > am->n && fibre_d > 0)
        {
          ax->myelin_thickness = (fibre_d - axon_d) / 2 * pixel_size;
          ax->gratio = axon_d / fibre_d;
        }
      else
        {
          /* No myelin: the fibre is the axon. */
          ax->myelin_thickness = 0;
          ax->gratio = 1;
        }
      ax->solidity = convex[l] > 0 ? MIN (am->n / convex[l], 1.0) : 1.0;
      ax->eccentricity = l1 > 0 ? sqrt (1.0 - l2 / l1) : 0;
      ax->orientation = orientation;
      ax->bbox_min_y = b[0];
      ax->bbox_min_x = b[1];
      ax->bbox_max_y = b[2] + 1;
      ax->bbox_max_x = b[3] + 1;
      ax->image_border_touching = b[0] == 0 || b[1] == 0 ||
                                  b[2] + 1 == (gint) self->height || b[3] + 1 == (gint) self->width;
    }

  return g_steal_pointer (&self);
}

/**
 * sheath_morphometrics_get_n_axons:
 * @self: a #SheathMorphometrics
 *
 * Returns: the number of axons measured
 */
guint
sheath_morphometrics_get_n_axons (SheathMorphometrics *self)
{
  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), 0);
  return self->axons->len;
}

/**
 * sheath_morphometrics_get_axon:
 * @self: a #SheathMorphometrics
 * @index: from 0 to the number of axons − 1 (the axon's id − 1)
 *
 * Returns: (transfer none): the measurements of one axon
 */
const SheathAxon *
sheath_morphometrics_get_axon (SheathMorphometrics *self,
                               guint                index)
{
  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), NULL);
  g_return_val_if_fail (index < self->axons->len, NULL);
  return &g_array_index (self->axons, SheathAxon, index);
}

/**
 * sheath_morphometrics_get_axon_at:
 * @self: a #SheathMorphometrics
 * @x: a column
 * @y: a row
 *
 * Returns: the id of the axon whose axon or myelin covers (@x, @y), or 0
 */
guint
sheath_morphometrics_get_axon_at (SheathMorphometrics *self,
                                  guint                x,
                                  guint                y)
{
  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), 0);
  if (x >= self->width || y >= self->height)
    return 0;
  return self->fibre_labels[(gsize) y * self->width + x];
}

/**
 * sheath_morphometrics_get_pixel_size:
 * @self: a #SheathMorphometrics
 *
 * Returns: the pixel size in micrometres
 */
double
sheath_morphometrics_get_pixel_size (SheathMorphometrics *self)
{
  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), 0);
  return self->pixel_size;
}

/**
 * sheath_morphometrics_get_shape:
 * @self: a #SheathMorphometrics
 *
 * Returns: how diameters were measured
 */
SheathAxonShape
sheath_morphometrics_get_shape (SheathMorphometrics *self)
{
  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), 0);
  return self->shape;
}

/**
 * sheath_morphometrics_get_n_specks:
 * @self: a #SheathMorphometrics
 *
 * Returns: how many axon regions were too small to measure
 */
guint
sheath_morphometrics_get_n_specks (SheathMorphometrics *self)
{
  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), 0);
  return self->n_specks;
}

/**
 * sheath_morphometrics_get_n_holes_filled:
 * @self: a #SheathMorphometrics
 *
 * Returns: how many holes inside axons were counted as axon
 */
guint
sheath_morphometrics_get_n_holes_filled (SheathMorphometrics *self)
{
  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), 0);
  return self->n_holes_filled;
}

/**
 * sheath_morphometrics_get_orphan_myelin_pixels:
 * @self: a #SheathMorphometrics
 *
 * Returns: how many myelin pixels no axon reaches (myelin without an axon)
 */
guint64
sheath_morphometrics_get_orphan_myelin_pixels (SheathMorphometrics *self)
{
  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), 0);
  return self->orphan_myelin;
}

SheathSegmentation *
_sheath_morphometrics_get_segmentation (SheathMorphometrics *self)
{
  return self->segmentation;
}

const guint32 *
_sheath_morphometrics_get_fibre_labels (SheathMorphometrics *self)
{
  return self->fibre_labels;
}

const guint32 *
_sheath_morphometrics_get_axon_labels (SheathMorphometrics *self)
{
  return self->axon_labels;
}

static void
append_double (GString *s,
               double   v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (s, ',');
  g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.10g", v));
}

/**
 * sheath_morphometrics_write_csv:
 * @self: a #SheathMorphometrics
 * @path: the CSV file to write
 * @error: return location for a #GError
 *
 * Writes one row per axon with AxonDeepSeg's column names and units, after
 * an `axon_id` column that matches the instance map. The file is written
 * whole to a temporary file and renamed.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_morphometrics_write_csv (SheathMorphometrics  *self,
                                const char           *path,
                                GError              **error)
{
  g_autoptr(GString) csv = g_string_new ("axon_id,x0 (px),y0 (px),gratio,axon_area (um^2),"
                                         "axon_perimeter (um),myelin_area (um^2),axon_diam (um),"
                                         "myelin_thickness (um),axonmyelin_area (um^2),"
                                         "axonmyelin_perimeter (um),solidity,eccentricity,orientation,"
                                         "image_border_touching,bbox_min_y,bbox_min_x,bbox_max_y,"
                                         "bbox_max_x\n");
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), FALSE);

  for (guint i = 0; i < self->axons->len; i++)
    {
      const SheathAxon *a = &g_array_index (self->axons, SheathAxon, i);

      g_string_append_printf (csv, "%u", a->id);
      append_double (csv, a->x0);
      append_double (csv, a->y0);
      append_double (csv, a->gratio);
      append_double (csv, a->axon_area);
      append_double (csv, a->axon_perimeter);
      append_double (csv, a->myelin_area);
      append_double (csv, a->axon_diam);
      append_double (csv, a->myelin_thickness);
      append_double (csv, a->axonmyelin_area);
      append_double (csv, a->axonmyelin_perimeter);
      append_double (csv, a->solidity);
      append_double (csv, a->eccentricity);
      append_double (csv, a->orientation);
      g_string_append_printf (csv, ",%s,%d,%d,%d,%d\n",
                              a->image_border_touching ? "True" : "False",
                              a->bbox_min_y, a->bbox_min_x, a->bbox_max_y, a->bbox_max_x);
    }

  if (!g_file_set_contents_full (path, csv->str, csv->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local_error))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE,
                   "Cannot write '%s': %s", path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static void
instance_row (guint    y,
              gpointer row,
              gpointer data)
{
  SheathMorphometrics *self = data;
  const guint32 *labels = self->fibre_labels + (gsize) y * self->width;
  guint16 *out = row;

  for (guint x = 0; x < self->width; x++)
    out[x] = (guint16) labels[x];
}

/**
 * sheath_morphometrics_write_instance_map:
 * @self: a #SheathMorphometrics
 * @path: the PNG file to write
 * @error: return location for a #GError
 *
 * Writes a 16-bit PNG in which each fibre's pixels (axon and its myelin)
 * hold its axon's id, and the rest 0.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_morphometrics_write_instance_map (SheathMorphometrics  *self,
                                         const char           *path,
                                         GError              **error)
{
  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), FALSE);

  if (self->axons->len > G_MAXUINT16)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE,
                   "%u axons do not fit in a 16-bit instance map (at most 65535); "
                   "measure the image in parts", self->axons->len);
      return FALSE;
    }

  return _sheath_png_write_atomic (path, self->width, self->height, 16, 1, instance_row, self, error);
}

typedef struct
{
  SheathMorphometrics *self;
  SheathImage         *image;
  SheathDigitLabels   *labels;
} IndexRows;

static void
index_row (guint    y,
           gpointer row,
           gpointer data)
{
  IndexRows *rows = data;
  SheathMorphometrics *self = rows->self;
  guint8 *out = row;

  if (rows->image != NULL)
    {
      for (guint x = 0; x < self->width; x++)
        {
          guint v = sheath_image_get_bit_depth (rows->image) == 8 ? _sheath_image_get_row8 (rows->image, y)[x]
                                                                  : _sheath_image_get_row16 (rows->image, y)[x] >> 8;
          out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = (guint8) v;
        }
    }
  else
    {
      const guint8 *labels = _sheath_segmentation_get_row (self->segmentation, y);

      for (guint x = 0; x < self->width; x++)
        {
          guint8 v = labels[x] == SHEATH_LABEL_AXON ? 255 : labels[x] == SHEATH_LABEL_MYELIN ? 127 : 0;
          out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = v;
        }
    }

  _sheath_digit_labels_draw_row (rows->labels, y, out, self->width);
}

/**
 * sheath_morphometrics_write_index_image:
 * @self: a #SheathMorphometrics
 * @image: (nullable): the micrograph to draw on, of the same size; %NULL
 *   draws on the masks
 * @path: the PNG file to write
 * @error: return location for a #GError
 *
 * Writes an RGB PNG with each axon's id drawn at its centroid, in yellow on
 * a dark box, sized for the axons so that it stays readable when the whole
 * image is shown.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_morphometrics_write_index_image (SheathMorphometrics  *self,
                                        SheathImage          *image,
                                        const char           *path,
                                        GError              **error)
{
  g_autoptr(SheathDigitLabels) labels = NULL;
  g_autofree double *diams = NULL;
  IndexRows rows = { self, image, NULL };
  guint scale = 1;

  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), FALSE);

  if (image != NULL &&
      (sheath_image_get_width (image) != self->width || sheath_image_get_height (image) != self->height))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   "The image is %u × %u but the masks are %u × %u",
                   sheath_image_get_width (image), sheath_image_get_height (image),
                   self->width, self->height);
      return FALSE;
    }

  if (self->axons->len > 0)
    {
      /* Digits a fraction of the median axon's size, and never smaller than
       * a 1/600 of the image so that they show when it is seen whole. */
      diams = g_new (double, self->axons->len);
      for (guint i = 0; i < self->axons->len; i++)
        diams[i] = g_array_index (self->axons, SheathAxon, i).axon_diam / self->pixel_size;
      qsort (diams, self->axons->len, sizeof (double), _sheath_compare_doubles);
      scale = (guint) CLAMP (round (diams[self->axons->len / 2] / 10.0), 1, 32);
      scale = MAX (scale, MAX (self->width, self->height) / 600 / 7);
    }

  labels = _sheath_digit_labels_new (scale);
  for (guint i = 0; i < self->axons->len; i++)
    {
      const SheathAxon *a = &g_array_index (self->axons, SheathAxon, i);
      _sheath_digit_labels_add (labels, a->id, a->x0, a->y0);
    }
  _sheath_digit_labels_prepare (labels);
  rows.labels = labels;

  return _sheath_png_write_atomic (path, self->width, self->height, 8, 3, index_row, &rows, error);
}
