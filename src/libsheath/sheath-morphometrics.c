/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-morphometrics"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "sheath-enums.h"
#include "sheath-error.h"
#include "sheath-image-private.h"
#include "sheath-labeling-private.h"
#include "sheath-morphometrics-private.h"
#include "sheath-region-shape-private.h"
#include "sheath-segmentation-private.h"


/**
 * SheathMorphometrics:
 *
 * Every axon of a segmentation measured: diameter, myelin thickness,
 * g-ratio, area, shape, position; kept up to date after hand edits with
 * sheath_morphometrics_update().
 */
G_DEFINE_FINAL_TYPE (SheathMorphometrics, sheath_morphometrics, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (SheathAxon, sheath_axon, sheath_axon_copy, sheath_axon_free)

/**
 * sheath_axon_copy:
 * @axon: a #SheathAxon
 *
 * Copies an axon's measurements.
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

/* the thresholds SheathAxonFlags documents */
#define MIN_PLAUSIBLE_GRATIO 0.3
#define MAX_PLAUSIBLE_GRATIO 0.95
#define TINY_AXON_DIAM_UM    0.2
#define LOW_CONFIDENCE       0.6
#define FUSED_SOLIDITY       0.85

SheathAxonFlags
_sheath_axon_flags_for (const SheathAxon *a)
{
  SheathAxonFlags flags = SHEATH_AXON_FLAG_NONE;

  if (a->image_border_touching)
    flags |= SHEATH_AXON_FLAG_BORDER;
  if (a->myelin_area <= 0)
    flags |= SHEATH_AXON_FLAG_NO_MYELIN;
  else if (a->gratio < MIN_PLAUSIBLE_GRATIO || a->gratio > MAX_PLAUSIBLE_GRATIO)
    flags |= SHEATH_AXON_FLAG_IMPLAUSIBLE_GRATIO;
  if (a->axon_diam < TINY_AXON_DIAM_UM)
    flags |= SHEATH_AXON_FLAG_TINY;
  if (a->confidence < LOW_CONFIDENCE)   /* false for NaN */
    flags |= SHEATH_AXON_FLAG_LOW_CONFIDENCE;
  if (a->solidity < FUSED_SOLIDITY)
    flags |= SHEATH_AXON_FLAG_FUSED;
  return flags;
}

/**
 * sheath_axon_flags_to_string:
 * @flags: an axon's flags
 *
 * The flags as the table writes them: their nicks joined by `;`
 * (`border;no-myelin`), or an empty string for none.
 *
 * Returns: (transfer full): the flags as text
 */
char *
sheath_axon_flags_to_string (SheathAxonFlags flags)
{
  g_autoptr(GFlagsClass) klass = g_type_class_ref (SHEATH_TYPE_AXON_FLAGS);
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < klass->n_values; i++)
    if (klass->values[i].value != 0 && (flags & klass->values[i].value) == klass->values[i].value)
      g_string_append_printf (s, "%s%s", s->len ? ";" : "", klass->values[i].value_nick);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
sheath_morphometrics_finalize (GObject *object)
{
  SheathMorphometrics *self = (SheathMorphometrics *)object;

  g_clear_object (&self->segmentation);
  g_clear_pointer (&self->axon_labels, g_free);
  g_clear_pointer (&self->fibre_labels, g_free);
  g_clear_pointer (&self->axons, g_array_unref);
  g_clear_pointer (&self->uaxons, g_array_unref);
  g_clear_pointer (&self->other_regions, g_ptr_array_unref);
  g_clear_pointer (&self->tile_counts, g_free);

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

/* Also notes, where asked, the row and column of the first pixel of each
 * axon kept (first_rows, first_cols, [kept + 1]) and the row of each
 * speck's (speck_rows). */
static guint32
remove_specks (guint32  *labels,
               guint     width,
               gsize     n_pixels,
               guint32   n_labels,
               guint    *n_specks,
               guint   **first_rows,
               guint   **first_cols,
               GArray   *speck_rows)
{
  g_autofree guint64 *area = g_new0 (guint64, n_labels + 1);
  g_autofree guint32 *map = g_new0 (guint32, n_labels + 1);
  g_autofree gsize *first = NULL;
  guint32 kept = 0;

  for (gsize i = 0; i < n_pixels; i++)
    area[labels[i]]++;
  if (first_rows != NULL)
    {
      /* labels come in raster order of their first pixel */
      guint32 next = 1;

      first = g_new0 (gsize, n_labels + 1);
      for (gsize i = 0; i < n_pixels && next <= n_labels; i++)
        if (labels[i] == next)
          first[next++] = i;
    }

  *n_specks = 0;
  for (guint32 l = 1; l <= n_labels; l++)
    {
      if (area[l] >= SHEATH_MIN_AXON_PIXELS)
        map[l] = ++kept;
      else
        {
          (*n_specks)++;
          if (speck_rows != NULL)
            {
              guint row = (guint) (first[l] / width);

              g_array_append_val (speck_rows, row);
            }
        }
    }

  for (gsize i = 0; i < n_pixels; i++)
    labels[i] = map[labels[i]];

  if (first_rows != NULL)
    {
      *first_rows = g_new0 (guint, kept + 1);
      *first_cols = g_new0 (guint, kept + 1);
      for (guint32 l = 1; l <= n_labels; l++)
        if (map[l])
          {
            (*first_rows)[map[l]] = (guint) (first[l] / width);
            (*first_cols)[map[l]] = (guint) (first[l] % width);
          }
    }
  return kept;
}


void
_sheath_region_clear (Region *r)
{
  g_clear_pointer (&r->axon_labels, g_free);
  g_clear_pointer (&r->fibre_labels, g_free);
  g_clear_pointer (&r->axons, g_array_unref);
  g_clear_pointer (&r->first_rows, g_free);
  g_clear_pointer (&r->first_cols, g_free);
  g_clear_pointer (&r->speck_rows, g_array_unref);
  g_clear_pointer (&r->hole_rows, g_array_unref);
}

gboolean
_sheath_region_measure (SheathSegmentation  *segmentation,
                        double               pixel_size,
                        SheathAxonShape      shape,
                        Region              *r,
                        GCancellable        *cancellable,
                        GError             **error)
{
  guint image_w = r->image_width ? r->image_width : sheath_segmentation_get_width (segmentation);
  guint image_h = r->image_height ? r->image_height : sheath_segmentation_get_height (segmentation);
  guint y_off = r->row_offset;
  gsize n_pixels = (gsize) r->width * r->height;
  g_autofree guint8 *mask = g_try_malloc (n_pixels);
  g_autofree Moments *axon_m = NULL, *fibre_m = NULL;
  g_autofree double *axon_perim = NULL, *fibre_perim = NULL, *convex = NULL;
  g_autofree gint *bbox = NULL;
  g_autofree guint64 *confidence_sum = NULL;
  gboolean has_confidence = sheath_segmentation_has_confidence (segmentation);
  double ps2 = pixel_size * pixel_size;
  guint32 n;

  r->axon_labels = g_try_new (guint32, n_pixels);
  r->fibre_labels = g_try_new (guint32, n_pixels);
  r->axons = g_array_new (FALSE, TRUE, sizeof (SheathAxon));
  if (mask == NULL || r->axon_labels == NULL || r->fibre_labels == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                   _ ("Not enough memory to measure a %u × %u segmentation"), r->width, r->height);
      return FALSE;
    }

  for (guint y = 0; y < r->height; y++)
    {
      const guint8 *row = _sheath_segmentation_get_row (segmentation, r->y + y) + r->x;
      for (guint x = 0; x < r->width; x++)
        mask[(gsize) y * r->width + x] = row[x] == SHEATH_LABEL_AXON;
    }

  n = _sheath_label_components_8 (mask, r->width, r->height, r->axon_labels);
  if (r->note_first_rows)
    {
      r->speck_rows = g_array_new (FALSE, FALSE, sizeof (guint));
      r->hole_rows = g_array_new (FALSE, FALSE, sizeof (guint));
    }
  n = remove_specks (r->axon_labels, r->width, n_pixels, n, &r->n_specks,
                     r->note_first_rows ? &r->first_rows : NULL, &r->first_cols, r->speck_rows);
  r->n_holes_filled = _sheath_fill_label_holes_noting (r->axon_labels, r->width, r->height, r->hole_rows);
  if (r->note_first_rows)
    {
      /* rows of the rectangle → rows of the image */
      for (guint32 l = 1; l <= n; l++)
        {
          r->first_rows[l] += r->y + y_off;
          r->first_cols[l] += r->x;
        }
      for (guint i = 0; i < r->speck_rows->len; i++)
        g_array_index (r->speck_rows, guint, i) += r->y + y_off;
      for (guint i = 0; i < r->hole_rows->len; i++)
        g_array_index (r->hole_rows, guint, i) += r->y + y_off;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* Myelin pixels, which the axons grow into. */
  for (guint y = 0; y < r->height; y++)
    {
      const guint8 *row = _sheath_segmentation_get_row (segmentation, r->y + y) + r->x;
      for (guint x = 0; x < r->width; x++)
        {
          gsize i = (gsize) y * r->width + x;
          mask[i] = row[x] == SHEATH_LABEL_MYELIN && r->axon_labels[i] == 0;
        }
    }
  memcpy (r->fibre_labels, r->axon_labels, n_pixels * sizeof (guint32));
  _sheath_grow_labels (r->fibre_labels, mask, r->width, r->height);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  axon_m = g_new0 (Moments, n + 1);
  fibre_m = g_new0 (Moments, n + 1);
  bbox = g_new (gint, 4 * (n + 1));
  confidence_sum = g_new0 (guint64, n + 1);
  for (guint32 l = 0; l <= n; l++)
    {
      bbox[4 * l + 0] = G_MAXINT;  /* min y */
      bbox[4 * l + 1] = G_MAXINT;  /* min x */
      bbox[4 * l + 2] = -1;        /* max y */
      bbox[4 * l + 3] = -1;        /* max x */
    }

  for (guint y = 0; y < r->height; y++)
    {
      const guint8 *conf = _sheath_segmentation_get_confidence_row (segmentation, r->y + y);

      for (guint x = 0; x < r->width; x++)
      {
        gsize i = (gsize) y * r->width + x;
        guint32 a = r->axon_labels[i];
        guint32 f = r->fibre_labels[i];

        /* moments in image coordinates, so that centroids and ellipses
         * come out the same whatever rectangle was measured */
        if (a)
          moments_add (&axon_m[a], r->x + x, y_off + r->y + y);
        if (f)
          {
            gint *b = bbox + 4 * f;

            moments_add (&fibre_m[f], r->x + x, y_off + r->y + y);
            b[0] = MIN (b[0], (gint) (y_off + r->y + y));
            b[1] = MIN (b[1], (gint) (r->x + x));
            b[2] = MAX (b[2], (gint) (y_off + r->y + y));
            b[3] = MAX (b[3], (gint) (r->x + x));
            if (conf != NULL)
              confidence_sum[f] += conf[r->x + x];
          }
        else if (mask[i])
          r->orphan_myelin++;
      }
    }

  axon_perim = g_new (double, n + 1);
  fibre_perim = g_new (double, n + 1);
  convex = g_new (double, n + 1);
  _sheath_label_perimeters (r->axon_labels, r->width, r->height, n, axon_perim);
  _sheath_label_perimeters (r->fibre_labels, r->width, r->height, n, fibre_perim);
  _sheath_label_convex_areas (r->axon_labels, r->width, r->height, n, convex);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  g_array_set_size (r->axons, n);
  for (guint32 l = 1; l <= n; l++)
    {
      SheathAxon *ax = &g_array_index (r->axons, SheathAxon, l - 1);
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
                                  b[2] + 1 == (gint) image_h || b[3] + 1 == (gint) image_w;
      ax->confidence = has_confidence ? confidence_sum[l] / (255.0 * fm->n) : NAN;
      ax->flags = _sheath_axon_flags_for (ax);
    }

  return TRUE;
}

/* Counts again the pixels of the tiles [tx0, tx1) × [ty0, ty1). */
void
_sheath_morphometrics_count_tiles (SheathMorphometrics *self,
                                   guint                tx0,
                                   guint                ty0,
                                   guint                tx1,
                                   guint                ty1)
{
  for (guint ty = ty0; ty < ty1; ty++)
    for (guint tx = tx0; tx < tx1; tx++)
      {
        guint32 *c = self->tile_counts + 3 * ((gsize) ty * self->tiles_x + tx);
        guint32 axon = 0, myelin = 0, orphan = 0;
        guint x1 = MIN ((tx + 1) * COUNT_TILE, self->width), y1 = MIN ((ty + 1) * COUNT_TILE, self->height);

        for (guint y = ty * COUNT_TILE; y < y1; y++)
          {
            const guint8 *row = _sheath_segmentation_get_row (self->segmentation, y);
            const guint32 *al = self->axon_labels + (gsize) y * self->width;
            const guint32 *fl = self->fibre_labels + (gsize) y * self->width;

            for (guint x = tx * COUNT_TILE; x < x1; x++)
              {
                gboolean m = row[x] == SHEATH_LABEL_MYELIN && al[x] == 0;

                axon += al[x] != 0;
                myelin += m;
                orphan += m && fl[x] == 0;
              }
          }
        self->axon_pixels += (guint64) axon - c[0];
        self->myelin_pixels += (guint64) myelin - c[1];
        self->orphan_myelin += (guint64) orphan - c[2];
        c[0] = axon;
        c[1] = myelin;
        c[2] = orphan;
      }
}

static void
count_all_tiles (SheathMorphometrics *self)
{
  guint tiles_y = (self->height + COUNT_TILE - 1) / COUNT_TILE;

  self->tiles_x = (self->width + COUNT_TILE - 1) / COUNT_TILE;
  self->tile_counts = g_new0 (guint32, 3 * (gsize) self->tiles_x * tiles_y);
  self->axon_pixels = self->myelin_pixels = self->orphan_myelin = 0;
  _sheath_morphometrics_count_tiles (self, 0, 0, self->tiles_x, tiles_y);
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
 * Unmyelinated axons, where the segmentation has them, are measured the
 * same way and kept apart (sheath_morphometrics_get_unmyelinated()).
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
  Region r = { 0 };

  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (segmentation), NULL);

  if (!(pixel_size > 0) || !isfinite (pixel_size))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_NO_PIXEL_SIZE,
                   _ ("Morphometrics need the pixel size: give it in micrometres"));
      return NULL;
    }

  self = g_object_new (SHEATH_TYPE_MORPHOMETRICS, NULL);
  self->segmentation = g_object_ref (segmentation);
  self->pixel_size = pixel_size;
  self->shape = shape;
  self->width = r.width = sheath_segmentation_get_width (segmentation);
  self->height = r.height = sheath_segmentation_get_height (segmentation);

  if (!_sheath_region_measure (segmentation, pixel_size, shape, &r, cancellable, error))
    {
      _sheath_region_clear (&r);
      return NULL;
    }

  self->axon_labels = g_steal_pointer (&r.axon_labels);
  self->fibre_labels = g_steal_pointer (&r.fibre_labels);
  g_array_unref (self->axons);
  self->axons = g_steal_pointer (&r.axons);
  self->n_specks = r.n_specks;
  self->n_holes_filled = r.n_holes_filled;
  count_all_tiles (self);
  g_warn_if_fail (self->orphan_myelin == r.orphan_myelin);
  if (!_sheath_morphometrics_measure_unmyelinated (self, cancellable, error))
    return NULL;

  return g_steal_pointer (&self);
}


/**
 * sheath_morphometrics_get_n_axons:
 * @self: a #SheathMorphometrics
 *
 * The number of axons measured.
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
 * One axon's measurements.
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
 * The axon whose fibre (axon and its myelin) covers a pixel.
 *
 * Returns: the id of the axon whose axon or myelin covers (@x, @y), or 0
 */
guint
sheath_morphometrics_get_axon_at (SheathMorphometrics *self,
                                  guint                x,
                                  guint                y)
{
  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), 0);
  if (x >= self->width || y >= self->height || self->fibre_labels == NULL)
    return 0;
  return self->fibre_labels[(gsize) y * self->width + x];
}

/**
 * sheath_morphometrics_get_pixel_size:
 * @self: a #SheathMorphometrics
 *
 * The pixel size the measurements are in, in micrometres.
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
 * How diameters were measured.
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
 * The axon components too small to be axons, left out.
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
 * The holes inside axons that measuring filled.
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
 * The myelin pixels that no axon's fibre reached.
 *
 * Returns: how many myelin pixels no axon reaches (myelin without an axon)
 */
guint64
sheath_morphometrics_get_orphan_myelin_pixels (SheathMorphometrics *self)
{
  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), 0);
  return self->orphan_myelin;
}

void
_sheath_morphometrics_get_size (SheathMorphometrics *self,
                                guint               *width,
                                guint               *height)
{
  *width = self->width;
  *height = self->height;
}

gboolean
_sheath_morphometrics_has_unmyelinated (SheathMorphometrics *self)
{
  return self->uaxons != NULL;
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

void
_sheath_morphometrics_get_pixel_counts (SheathMorphometrics *self,
                                        guint64             *axon,
                                        guint64             *myelin)
{
  *axon = self->axon_pixels;
  *myelin = self->myelin_pixels;
}

