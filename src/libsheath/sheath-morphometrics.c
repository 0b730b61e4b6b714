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

  /* per COUNT_TILE² tile: axon pixels, myelin pixels outside axons, myelin
   * pixels no axon reached; kept up to date by updates, so that area
   * fractions need no pass over the image */
  guint               tiles_x;
  guint32            *tile_counts;
  guint64             axon_pixels;
  guint64             myelin_pixels;
};

#define COUNT_TILE 64

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

/* What measuring one rectangle of a segmentation gives: label maps the
 * rectangle's size and its axons, numbered from 1 in the rectangle's raster
 * order, with coordinates in the whole image. */
typedef struct
{
  guint    x, y, width, height;
  guint32 *axon_labels;
  guint32 *fibre_labels;
  GArray  *axons;
  guint    n_specks;
  guint    n_holes_filled;
  guint64  orphan_myelin;
} Region;

static void
region_clear (Region *r)
{
  g_clear_pointer (&r->axon_labels, g_free);
  g_clear_pointer (&r->fibre_labels, g_free);
  g_clear_pointer (&r->axons, g_array_unref);
}

static gboolean
measure_region (SheathSegmentation  *segmentation,
                double               pixel_size,
                SheathAxonShape      shape,
                Region              *r,
                GCancellable        *cancellable,
                GError             **error)
{
  guint image_w = sheath_segmentation_get_width (segmentation);
  guint image_h = sheath_segmentation_get_height (segmentation);
  gsize n_pixels = (gsize) r->width * r->height;
  g_autofree guint8 *mask = g_try_malloc (n_pixels);
  g_autofree Moments *axon_m = NULL, *fibre_m = NULL;
  g_autofree double *axon_perim = NULL, *fibre_perim = NULL, *convex = NULL;
  g_autofree gint *bbox = NULL;
  double ps2 = pixel_size * pixel_size;
  guint32 n;

  r->axon_labels = g_try_new (guint32, n_pixels);
  r->fibre_labels = g_try_new (guint32, n_pixels);
  r->axons = g_array_new (FALSE, TRUE, sizeof (SheathAxon));
  if (mask == NULL || r->axon_labels == NULL || r->fibre_labels == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                   "Not enough memory to measure a %u × %u segmentation", r->width, r->height);
      return FALSE;
    }

  for (guint y = 0; y < r->height; y++)
    {
      const guint8 *row = _sheath_segmentation_get_row (segmentation, r->y + y) + r->x;
      for (guint x = 0; x < r->width; x++)
        mask[(gsize) y * r->width + x] = row[x] == SHEATH_LABEL_AXON;
    }

  n = _sheath_label_components_8 (mask, r->width, r->height, r->axon_labels);
  n = remove_specks (r->axon_labels, n_pixels, n, &r->n_specks);
  r->n_holes_filled = _sheath_fill_label_holes (r->axon_labels, r->width, r->height);

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
  for (guint32 l = 0; l <= n; l++)
    {
      bbox[4 * l + 0] = G_MAXINT;  /* min y */
      bbox[4 * l + 1] = G_MAXINT;  /* min x */
      bbox[4 * l + 2] = -1;        /* max y */
      bbox[4 * l + 3] = -1;        /* max x */
    }

  for (guint y = 0; y < r->height; y++)
    for (guint x = 0; x < r->width; x++)
      {
        gsize i = (gsize) y * r->width + x;
        guint32 a = r->axon_labels[i];
        guint32 f = r->fibre_labels[i];

        /* moments in image coordinates, so that centroids and ellipses
         * come out the same whatever rectangle was measured */
        if (a)
          moments_add (&axon_m[a], r->x + x, r->y + y);
        if (f)
          {
            gint *b = bbox + 4 * f;

            moments_add (&fibre_m[f], r->x + x, r->y + y);
            b[0] = MIN (b[0], (gint) (r->y + y));
            b[1] = MIN (b[1], (gint) (r->x + x));
            b[2] = MAX (b[2], (gint) (r->y + y));
            b[3] = MAX (b[3], (gint) (r->x + x));
          }
        else if (mask[i])
          r->orphan_myelin++;
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
    }

  return TRUE;
}

/* Counts again the pixels of the tiles [tx0, tx1) × [ty0, ty1). */
static void
count_tiles (SheathMorphometrics *self,
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
  count_tiles (self, 0, 0, self->tiles_x, tiles_y);
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
  Region r = { 0 };

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
  self->width = r.width = sheath_segmentation_get_width (segmentation);
  self->height = r.height = sheath_segmentation_get_height (segmentation);

  if (!measure_region (segmentation, pixel_size, shape, &r, cancellable, error))
    {
      region_clear (&r);
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

  return g_steal_pointer (&self);
}


typedef struct
{
  gint x0, y0, x1, y1;   /* x1 and y1 excluded */
} Rect;

static void
rect_add_axon (Rect             *rect,
               const SheathAxon *a)
{
  rect->x0 = MIN (rect->x0, a->bbox_min_x);
  rect->y0 = MIN (rect->y0, a->bbox_min_y);
  rect->x1 = MAX (rect->x1, a->bbox_max_x);
  rect->y1 = MAX (rect->y1, a->bbox_max_y);
}

static gboolean
rect_contains_axon (const Rect       *rect,
                    const SheathAxon *a)
{
  return a->bbox_min_x >= rect->x0 && a->bbox_min_y >= rect->y0 &&
         a->bbox_max_x <= rect->x1 && a->bbox_max_y <= rect->y1;
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

static GArray *
sorted_ids (GHashTable *set)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (guint));
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint id = GPOINTER_TO_UINT (key);
      g_array_append_val (ids, id);
    }
  g_array_sort (ids, compare_ids);
  return ids;
}

/* Gives axon @from the id @to (a free slot): its pixels, its entry. */
static void
move_axon (SheathMorphometrics *self,
           guint32              from,
           guint32              to)
{
  SheathAxon *a = &g_array_index (self->axons, SheathAxon, from - 1);

  for (gint y = a->bbox_min_y; y < a->bbox_max_y; y++)
    for (gint x = a->bbox_min_x; x < a->bbox_max_x; x++)
      {
        gsize i = (gsize) y * self->width + x;

        if (self->fibre_labels[i] == from)
          self->fibre_labels[i] = to;
        if (self->axon_labels[i] == from)
          self->axon_labels[i] = to;
      }
  a->id = to;
  g_array_index (self->axons, SheathAxon, to - 1) = *a;
}

/**
 * sheath_morphometrics_update:
 * @self: a #SheathMorphometrics
 * @segmentation: the segmentation measured, after a change; the same size
 * @x: first column of the pixels that changed
 * @y: first row
 * @width: columns that changed
 * @height: rows that changed
 * @error: return location for a #GError
 *
 * Brings the measurements up to date after the pixels in a rectangle
 * changed (a hand edit), measuring again only the fibres the change
 * touched, and those whose territory changed with them, in a window around
 * it: a small edit costs milliseconds whatever the image's size.
 *
 * Axons the change did not touch keep their ids. The ids of the axons
 * measured again go to the new ones in raster order, further new ones are
 * numbered after the last axon, and when fewer axons remain the last ones
 * take the ids set free, so ids stay 1 to the number of axons. Orphan
 * myelin and area fractions follow too; the counts of specks and filled
 * holes stay those of the full measurement.
 *
 * Returns: (transfer full) (element-type guint): the ids whose entries
 *   changed, in increasing order, or %NULL with @error set
 */
GArray *
sheath_morphometrics_update (SheathMorphometrics  *self,
                             SheathSegmentation   *segmentation,
                             guint                 x,
                             guint                 y,
                             guint                 width,
                             guint                 height,
                             GError              **error)
{
  g_autoptr(GHashTable) old_ids = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) new_ids = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) removed = NULL;
  g_autoptr(GArray) added = NULL;
  g_autofree guint32 *id_of = NULL;
  GArray *changed;
  Rect edit, need, crop;
  Region r = { 0 };
  guint margin = 32;

  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), NULL);
  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (segmentation), NULL);
  g_return_val_if_fail (sheath_segmentation_get_width (segmentation) == self->width &&
                        sheath_segmentation_get_height (segmentation) == self->height, NULL);

  /* a pixel beyond the change on each side: axons touching it may join */
  edit.x0 = (gint) MIN (x, self->width) - 2;
  edit.y0 = (gint) MIN (y, self->height) - 2;
  edit.x1 = (gint) MIN ((guint64) x + width, self->width) + 2;
  edit.y1 = (gint) MIN ((guint64) y + height, self->height) + 2;
  edit.x0 = MAX (edit.x0, 0);
  edit.y0 = MAX (edit.y0, 0);
  edit.x1 = MIN (edit.x1, (gint) self->width);
  edit.y1 = MIN (edit.y1, (gint) self->height);
  g_set_object (&self->segmentation, segmentation);
  if (width == 0 || height == 0 || edit.x0 >= edit.x1 || edit.y0 >= edit.y1)
    return g_array_new (FALSE, FALSE, sizeof (guint));

  need = edit;
  for (;;)
    {
      gboolean grown = TRUE, fits = TRUE;

      g_hash_table_remove_all (old_ids);
      g_hash_table_remove_all (new_ids);
      region_clear (&r);

      for (gint yy = edit.y0; yy < edit.y1; yy++)
        for (gint xx = edit.x0; xx < edit.x1; xx++)
          {
            guint32 o = self->fibre_labels[(gsize) yy * self->width + xx];
            if (o != 0 && g_hash_table_add (old_ids, GUINT_TO_POINTER (o)))
              rect_add_axon (&need, &g_array_index (self->axons, SheathAxon, o - 1));
          }

      crop.x0 = MAX (need.x0 - (gint) margin, 0);
      crop.y0 = MAX (need.y0 - (gint) margin, 0);
      crop.x1 = MIN (need.x1 + (gint) margin, (gint) self->width);
      crop.y1 = MIN (need.y1 + (gint) margin, (gint) self->height);
      r.x = crop.x0;
      r.y = crop.y0;
      r.width = crop.x1 - crop.x0;
      r.height = crop.y1 - crop.y0;
      if (!measure_region (segmentation, self->pixel_size, self->shape, &r, NULL, error))
        {
          region_clear (&r);
          return NULL;
        }

      /* the fibres the edit reaches now... */
      for (gint yy = edit.y0; yy < edit.y1; yy++)
        for (gint xx = edit.x0; xx < edit.x1; xx++)
          {
            guint32 k = r.fibre_labels[(gsize) (yy - crop.y0) * r.width + (xx - crop.x0)];
            if (k != 0)
              g_hash_table_add (new_ids, GUINT_TO_POINTER (k));
          }

      /* ...and, until nothing more joins, the old fibres whose territory a
       * new one takes and the new fibres lying on an old one's */
      while (grown)
        {
          grown = FALSE;
          for (gint yy = crop.y0; yy < crop.y1; yy++)
            for (gint xx = crop.x0; xx < crop.x1; xx++)
              {
                guint32 o = self->fibre_labels[(gsize) yy * self->width + xx];
                guint32 k = r.fibre_labels[(gsize) (yy - crop.y0) * r.width + (xx - crop.x0)];

                if (o != 0 && k != 0 && g_hash_table_contains (new_ids, GUINT_TO_POINTER (k)) &&
                    g_hash_table_add (old_ids, GUINT_TO_POINTER (o)))
                  grown = TRUE;
                if (o != 0 && k != 0 && g_hash_table_contains (old_ids, GUINT_TO_POINTER (o)) &&
                    g_hash_table_add (new_ids, GUINT_TO_POINTER (k)))
                  grown = TRUE;
              }
        }

      /* every fibre involved must lie inside the window, not be cut by it */
      {
        GHashTableIter iter;
        gpointer key;
        Rect inner = crop;

        /* a window edge that is not the image's edge cuts what touches it */
        if (inner.x0 > 0) inner.x0++;
        if (inner.y0 > 0) inner.y0++;
        if (inner.x1 < (gint) self->width) inner.x1--;
        if (inner.y1 < (gint) self->height) inner.y1--;

        g_hash_table_iter_init (&iter, old_ids);
        while (g_hash_table_iter_next (&iter, &key, NULL))
          {
            const SheathAxon *a = &g_array_index (self->axons, SheathAxon, GPOINTER_TO_UINT (key) - 1);
            if (!rect_contains_axon (&inner, a))
              fits = FALSE;
            rect_add_axon (&need, a);
          }
        g_hash_table_iter_init (&iter, new_ids);
        while (g_hash_table_iter_next (&iter, &key, NULL))
          {
            const SheathAxon *a = &g_array_index (r.axons, SheathAxon, GPOINTER_TO_UINT (key) - 1);
            if (!rect_contains_axon (&inner, a))
              fits = FALSE;
            rect_add_axon (&need, a);
          }
      }
      if (fits)
        break;
      margin *= 2;
    }

  /* take the old fibres out... */
  removed = sorted_ids (old_ids);
  added = sorted_ids (new_ids);
  for (guint i = 0; i < removed->len; i++)
    {
      guint32 o = g_array_index (removed, guint, i);
      const SheathAxon *a = &g_array_index (self->axons, SheathAxon, o - 1);

      for (gint yy = a->bbox_min_y; yy < a->bbox_max_y; yy++)
        for (gint xx = a->bbox_min_x; xx < a->bbox_max_x; xx++)
          {
            gsize i2 = (gsize) yy * self->width + xx;

            if (self->fibre_labels[i2] == o)
              self->fibre_labels[i2] = 0;
            if (self->axon_labels[i2] == o)
              self->axon_labels[i2] = 0;
          }
    }

  /* ...and the new ones in, in the freed slots first */
  changed = g_array_new (FALSE, FALSE, sizeof (guint));
  id_of = g_new0 (guint32, r.axons->len + 1);
  for (guint i = 0; i < added->len; i++)
    {
      guint32 k = g_array_index (added, guint, i);
      SheathAxon a = g_array_index (r.axons, SheathAxon, k - 1);

      if (i < removed->len)
        {
          a.id = g_array_index (removed, guint, i);
          g_array_index (self->axons, SheathAxon, a.id - 1) = a;
        }
      else
        {
          a.id = self->axons->len + 1;
          g_array_append_val (self->axons, a);
        }
      id_of[k] = a.id;
      g_array_append_val (changed, a.id);
    }
  for (gint yy = crop.y0; yy < crop.y1; yy++)
    for (gint xx = crop.x0; xx < crop.x1; xx++)
      {
        gsize i = (gsize) yy * self->width + xx;
        gsize j = (gsize) (yy - crop.y0) * r.width + (xx - crop.x0);

        if (id_of[r.fibre_labels[j]] != 0)
          self->fibre_labels[i] = id_of[r.fibre_labels[j]];
        if (id_of[r.axon_labels[j]] != 0)
          self->axon_labels[i] = id_of[r.axon_labels[j]];
      }

  /* fewer axons than before: the last ones fill the freed slots */
  for (guint i = added->len; i < removed->len; i++)
    {
      guint32 hole = g_array_index (removed, guint, i);
      guint32 last;

      /* freed slots at the end need no filling */
      while (self->axons->len > 0 && self->axons->len >= hole)
        {
          gboolean last_is_free = FALSE;

          last = self->axons->len;
          for (guint j = i; j < removed->len; j++)
            last_is_free |= g_array_index (removed, guint, j) == last;
          if (!last_is_free)
            break;
          g_array_set_size (self->axons, last - 1);
        }
      if (hole > self->axons->len)
        continue;
      last = self->axons->len;
      move_axon (self, last, hole);
      g_array_set_size (self->axons, last - 1);
      g_array_append_val (changed, hole);
    }

  count_tiles (self, crop.x0 / COUNT_TILE, crop.y0 / COUNT_TILE,
               (crop.x1 + COUNT_TILE - 1) / COUNT_TILE, (crop.y1 + COUNT_TILE - 1) / COUNT_TILE);
  region_clear (&r);
  g_array_sort (changed, compare_ids);
  return changed;
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

void
_sheath_morphometrics_get_pixel_counts (SheathMorphometrics *self,
                                        guint64             *axon,
                                        guint64             *myelin)
{
  *axon = self->axon_pixels;
  *myelin = self->myelin_pixels;
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
