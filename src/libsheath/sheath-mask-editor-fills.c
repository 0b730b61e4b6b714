/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-mask-editor"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>

#include "sheath-error.h"
#include "sheath-mask-editor-private.h"
#include "sheath-morphometrics-private.h"
#include "sheath-segmentation-private.h"

/* The one-shot edits — bucket and lasso fills, Fill Axons, deleting and
 * merging axons — each one step of the same history as the strokes. */

static int
compare_doubles (const double *a,
                 const double *b)
{
  return *a < *b ? -1 : *a > *b;
}

static int
compare_points (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  const double *p = a, *q = b;

  return p[0] != q[0] ? (p[0] < q[0] ? -1 : 1) : (p[1] < q[1] ? -1 : p[1] > q[1]);
}

/* ---- one-shot edits --------------------------------------------------- */

/* Sets one pixel inside an open stroke, saving its tile first. */
static inline void
put_pixel (SheathMaskEditor *self,
           guint             x,
           guint             y,
           guint8            value)
{
  guint8 *row = _sheath_segmentation_get_row (self->segmentation, y);
  guint8 *confidence = _sheath_segmentation_get_confidence_row (self->segmentation, y);

  if (row[x] == value)
    return;
  _sheath_mask_editor_save_tile (self, (y / TILE) * self->tiles_x + x / TILE);
  row[x] = value;
  /* a person decided this pixel */
  if (confidence != NULL)
    confidence[x] = 255;
  self->stroke->x0 = MIN (self->stroke->x0, (int) x);
  self->stroke->y0 = MIN (self->stroke->y0, (int) y);
  self->stroke->x1 = MAX (self->stroke->x1, (int) x + 1);
  self->stroke->y1 = MAX (self->stroke->y1, (int) y + 1);
}

/* Ends a one-shot edit: one "changed" for all it did, one history step. */
static gboolean
finish_edit (SheathMaskEditor *self)
{
  Edit *edit = self->stroke;
  gboolean changed = edit->changes->len > 0;

  if (changed)
    g_signal_emit_by_name (self, "changed", edit->x0, edit->y0, edit->x1 - edit->x0, edit->y1 - edit->y0);
  sheath_mask_editor_end_stroke (self);
  return changed;
}

/* Puts the pixels of the open stroke back as they were and forgets it. */
static void
abort_edit (SheathMaskEditor *self)
{
  Edit *edit = g_steal_pointer (&self->stroke);

  for (guint i = 0; i < edit->changes->len; i++)
    _sheath_mask_editor_copy_tile (self, g_array_index (edit->changes, TileChange, i).tile,
               g_array_index (edit->changes, TileChange, i).before, FALSE);
  g_clear_pointer (&self->stroke_tiles, g_hash_table_unref);
  _sheath_mask_editor_edit_free (edit);
}

/* Scanline flood fill of a 4-connected region: @inside says whether a
 * pixel belongs to it and has not been visited, @visit marks it (so that
 * @inside then says no). The stack holds spans' seeds, not pixels, so it
 * stays small even when the region is most of a 16384² image. Returns
 * whether the region touches the image's edge; with @stop_at_edge it
 * stops there, the region only partly visited. */
typedef gboolean (*SpanInside) (SheathMaskEditor *self, guint x, guint y, gpointer data);
typedef void     (*SpanVisit)  (SheathMaskEditor *self, guint x, guint y, gpointer data);

static gboolean
span_fill (SheathMaskEditor *self,
           GArray           *seeds,
           SpanInside        inside,
           SpanVisit         visit,
           gpointer          data,
           gboolean          stop_at_edge)
{
  gboolean edge = FALSE;

  while (seeds->len > 0)
    {
      guint *p = &g_array_index (seeds, guint, 2 * (seeds->len - 1));
      guint x = p[0], y = p[1], lx, rx;

      g_array_set_size (seeds, seeds->len - 1);
      if (!inside (self, x, y, data))
        continue;
      for (lx = x; lx > 0 && inside (self, lx - 1, y, data); lx--)
        ;
      for (rx = x; rx + 1 < self->width && inside (self, rx + 1, y, data); rx++)
        ;
      for (guint i = lx; i <= rx; i++)
        visit (self, i, y, data);
      edge |= lx == 0 || rx + 1 == self->width || y == 0 || y + 1 == self->height;
      if (edge && stop_at_edge)
        return TRUE;

      /* one seed per run of the region in the rows above and below */
      for (int dy = -1; dy <= 1; dy += 2)
        {
          gint64 ny = (gint64) y + dy;

          if (ny < 0 || ny >= self->height)
            continue;
          for (guint i = lx; i <= rx; i++)
            {
              if (!inside (self, i, (guint) ny, data))
                continue;
              g_array_append_vals (seeds, (guint[2]) { i, (guint) ny }, 1);
              while (i < rx && inside (self, i + 1, (guint) ny, data))
                i++;
            }
        }
    }
  return edge;
}

typedef struct
{
  guint8 from;
  guint8 to;
} Recolour;

static gboolean
same_class (SheathMaskEditor *self,
            guint             x,
            guint             y,
            gpointer          data)
{
  return _sheath_segmentation_get_row (self->segmentation, y)[x] == ((Recolour *) data)->from;
}

static void
recolour (SheathMaskEditor *self,
          guint             x,
          guint             y,
          gpointer          data)
{
  put_pixel (self, x, y, ((Recolour *) data)->to);
}

/**
 * sheath_mask_editor_fill:
 * @x: a column inside the region
 * @y: its row
 * @label: the class the region takes
 * @error: return location for a #GError
 *
 * Fills the 4-connected region of pixels of one class around (@x, @y)
 * with @label, as a paint bucket does. Filling background must stay inside
 * a closed outline: a background region that reaches the image's edge is
 * left as it was, with an error. A region that has @label already is left
 * as it is, which is no error.
 *
 * Returns: %TRUE, or %FALSE with @error set (a point outside the image, an
 *   open background region)
 */
gboolean
sheath_mask_editor_fill (SheathMaskEditor  *self,
                         guint              x,
                         guint              y,
                         SheathLabel        label,
                         GError           **error)
{
  g_autoptr(GArray) stack = NULL;
  guint8 from;
  gboolean open = FALSE;

  g_return_val_if_fail (SHEATH_IS_MASK_EDITOR (self), FALSE);
  g_return_val_if_fail (label <= SHEATH_LABEL_UNMYELINATED_AXON, FALSE);

  if (x >= self->width || y >= self->height)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, "(%u, %u) is outside the image", x, y);
      return FALSE;
    }
  from = _sheath_segmentation_get_row (self->segmentation, y)[x];
  if (from == (guint8) label)
    return TRUE;

  sheath_mask_editor_begin_stroke (self);
  stack = g_array_new (FALSE, FALSE, sizeof (guint) * 2);
  g_array_append_vals (stack, (guint[2]) { x, y }, 1);
  /* background that reaches the edge is not a closed region: stop there
   * rather than fill the outside of everything */
  open = span_fill (self, stack, same_class, recolour, &(Recolour) { from, (guint8) label },
                    from == SHEATH_LABEL_BACKGROUND);

  if (open && from == SHEATH_LABEL_BACKGROUND)
    {
      abort_edit (self);
      g_set_error_literal (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                           _ ("This background is not closed: it reaches the image's edge"));
      return FALSE;
    }
  finish_edit (self);
  return TRUE;
}

/* Sets @value on the pixels whose centres lie inside a polygon (even-odd
 * rule, edges included), row by row. */
static void
scan_polygon (SheathMaskEditor *self,
              const double     *xy,
              guint             n,
              guint8            value,
              guint8            only)
{
  g_autoptr(GArray) xs = g_array_new (FALSE, FALSE, sizeof (double));
  double ymin = G_MAXDOUBLE, ymax = -G_MAXDOUBLE;

  for (guint i = 0; i < n; i++)
    {
      ymin = MIN (ymin, xy[2 * i + 1]);
      ymax = MAX (ymax, xy[2 * i + 1]);
    }
  for (gint64 y = MAX ((gint64) floor (ymin - 0.5), 0); y < MIN ((gint64) ceil (ymax), (gint64) self->height); y++)
    {
      double cy = y + 0.5;

      g_array_set_size (xs, 0);
      for (guint i = 0; i < n; i++)
        {
          const double *a = &xy[2 * i], *b = &xy[2 * ((i + 1) % n)];

          /* half-open in y, so that a vertex on the row counts once */
          if ((a[1] <= cy && b[1] > cy) || (b[1] <= cy && a[1] > cy))
            {
              double cx = a[0] + (cy - a[1]) / (b[1] - a[1]) * (b[0] - a[0]);
              g_array_append_val (xs, cx);
            }
        }
      g_array_sort (xs, (GCompareFunc) compare_doubles);
      for (guint i = 0; i + 1 < xs->len; i += 2)
        {
          gint64 xa = (gint64) ceil (g_array_index (xs, double, i) - 0.5 - 1e-9);
          gint64 xb = (gint64) floor (g_array_index (xs, double, i + 1) - 0.5 + 1e-9);

          xa = MAX (xa, 0);
          xb = MIN (xb, (gint64) self->width - 1);
          for (gint64 x = xa; x <= xb; x++)
            if (only == G_MAXUINT8 || _sheath_segmentation_get_row (self->segmentation, (guint) y)[x] == only)
              put_pixel (self, (guint) x, (guint) y, value);
        }
    }
}

/**
 * sheath_mask_editor_fill_polygon:
 * @points: (array length=n_coords): x0, y0, x1, y1, … of the polygon's
 *   corners, in image pixels (pixel i spans [i, i + 1))
 * @n_coords: twice the number of corners
 * @label: the class painted or erased
 * @mode: %SHEATH_BRUSH_PAINT sets the inside to @label,
 *   %SHEATH_BRUSH_ERASE turns the inside's pixels of @label into
 *   background, %SHEATH_BRUSH_CUT turns the whole inside into background
 *
 * Fills a closed polygon, as a lasso does: the pixels whose centres lie
 * inside it. One history step.
 *
 * Returns: %TRUE when pixels changed
 */
gboolean
sheath_mask_editor_fill_polygon (SheathMaskEditor *self,
                                 const double     *points,
                                 guint             n_coords,
                                 SheathLabel       label,
                                 SheathBrushMode   mode)
{
  g_return_val_if_fail (SHEATH_IS_MASK_EDITOR (self), FALSE);
  g_return_val_if_fail (points != NULL || n_coords == 0, FALSE);

  if (n_coords < 6)
    return FALSE;
  for (guint i = 0; i < n_coords; i++)
    g_return_val_if_fail (isfinite (points[i]), FALSE);

  sheath_mask_editor_begin_stroke (self);
  if (mode == SHEATH_BRUSH_PAINT)
    scan_polygon (self, points, n_coords / 2, label, G_MAXUINT8);
  else if (mode == SHEATH_BRUSH_ERASE)
    scan_polygon (self, points, n_coords / 2, SHEATH_LABEL_BACKGROUND, label);
  else
    scan_polygon (self, points, n_coords / 2, SHEATH_LABEL_BACKGROUND, G_MAXUINT8);
  return finish_edit (self);
}

static gboolean
dry (SheathMaskEditor *self,
     guint             x,
     guint             y,
     gpointer          outside)
{
  return !((guint8 *) outside)[(gsize) y * self->width + x] &&
         _sheath_segmentation_get_row (self->segmentation, y)[x] != SHEATH_LABEL_MYELIN;
}

static void
wet (SheathMaskEditor *self,
     guint             x,
     guint             y,
     gpointer          outside)
{
  ((guint8 *) outside)[(gsize) y * self->width + x] = 1;
}

/**
 * sheath_mask_editor_fill_axons:
 *
 * Fills the inside of every closed myelin ring with axon, as AxonDeepSeg's
 * "fill axons" does: each pixel that is not myelin and cannot reach the
 * image's edge without crossing myelin becomes axon. One history step.
 *
 * Returns: how many pixels became axon
 */
guint64
sheath_mask_editor_fill_axons (SheathMaskEditor *self)
{
  g_autofree guint8 *outside = NULL;
  g_autoptr(GArray) stack = NULL;
  guint64 filled = 0;

  g_return_val_if_fail (SHEATH_IS_MASK_EDITOR (self), 0);

  /* flood the non-myelin pixels from the edge; what stays dry is enclosed */
  outside = g_try_malloc0 ((gsize) self->width * self->height);
  if (outside == NULL)
    {
      g_warning ("Not enough memory to fill axons on a %u × %u mask", self->width, self->height);
      return 0;
    }
  stack = g_array_new (FALSE, FALSE, sizeof (guint) * 2);
  for (guint y = 0; y < self->height; y++)
    for (guint x = 0; x < self->width; x += (y == 0 || y + 1 == self->height) ? 1 : MAX (self->width - 1, 1))
      {
        g_array_append_vals (stack, (guint[2]) { x, y }, 1);
        span_fill (self, stack, dry, wet, outside, FALSE);
      }

  sheath_mask_editor_begin_stroke (self);
  for (guint y = 0; y < self->height; y++)
    {
      const guint8 *row = _sheath_segmentation_get_row (self->segmentation, y);

      for (guint x = 0; x < self->width; x++)
        if (row[x] == SHEATH_LABEL_BACKGROUND && !outside[(gsize) y * self->width + x])
          {
            put_pixel (self, x, y, SHEATH_LABEL_AXON);
            filled++;
          }
    }
  finish_edit (self);
  return filled;
}

static gboolean
check_axon_id (SheathMaskEditor     *self,
               SheathMorphometrics  *morphometrics,
               guint                 id,
               GError              **error)
{
  if (_sheath_morphometrics_get_segmentation (morphometrics) != self->segmentation)
    {
      g_set_error_literal (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                           _ ("These measurements are not of the segmentation being edited"));
      return FALSE;
    }
  if (id == 0 || id > sheath_morphometrics_get_n_axons (morphometrics))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _ ("There is no axon %u"), id);
      return FALSE;
    }
  return TRUE;
}

/**
 * sheath_mask_editor_delete_axon:
 * @morphometrics: up-to-date measurements of the segmentation edited
 * @id: the axon's id
 * @error: return location for a #GError
 *
 * Turns an axon and the myelin measured as its own into background. One
 * history step.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_mask_editor_delete_axon (SheathMaskEditor     *self,
                                SheathMorphometrics  *morphometrics,
                                guint                 id,
                                GError              **error)
{
  const guint32 *fibres;
  const SheathAxon *a;

  g_return_val_if_fail (SHEATH_IS_MASK_EDITOR (self), FALSE);
  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (morphometrics), FALSE);

  if (!check_axon_id (self, morphometrics, id, error))
    return FALSE;
  fibres = _sheath_morphometrics_get_fibre_labels (morphometrics);
  a = sheath_morphometrics_get_axon (morphometrics, id - 1);
  sheath_mask_editor_begin_stroke (self);
  for (gint y = a->bbox_min_y; y < a->bbox_max_y; y++)
    for (gint x = a->bbox_min_x; x < a->bbox_max_x; x++)
      if (fibres[(gsize) y * self->width + x] == id)
        put_pixel (self, x, y, SHEATH_LABEL_BACKGROUND);
  finish_edit (self);
  return TRUE;
}

/* The convex hull (Andrew's monotone chain) of points, in place; returns
 * how many points it keeps, counter-clockwise. */
static guint
convex_hull (double *p,
             guint   n)
{
  g_autofree double *hull = g_new (double, 4 * n + 4);
  guint k = 0;

  g_qsort_with_data (p, n, 2 * sizeof (double), compare_points, NULL);
  for (guint pass = 0; pass < 2; pass++)
    {
      guint start = k;

      for (guint j = 0; j < n; j++)
        {
          const double *q = pass == 0 ? &p[2 * j] : &p[2 * (n - 1 - j)];

          while (k >= start + 2 &&
                 (hull[2 * k - 2] - hull[2 * k - 4]) * (q[1] - hull[2 * k - 3]) -
                 (hull[2 * k - 1] - hull[2 * k - 3]) * (q[0] - hull[2 * k - 4]) <= 0)
            k--;
          hull[2 * k] = q[0];
          hull[2 * k + 1] = q[1];
          k++;
        }
      k--;   /* the last point starts the other half */
    }
  memcpy (p, hull, 2 * k * sizeof (double));
  return k;
}

/**
 * sheath_mask_editor_merge_axons:
 * @morphometrics: up-to-date measurements of the segmentation edited
 * @first: one axon's id
 * @second: the other's
 * @error: return location for a #GError
 *
 * Makes one axon of two: fills the convex hull of both axons with axon,
 * taking in what lay between them. One history step.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_mask_editor_merge_axons (SheathMaskEditor     *self,
                                SheathMorphometrics  *morphometrics,
                                guint                 first,
                                guint                 second,
                                GError              **error)
{
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (double));
  const guint32 *axons;
  guint ids[2] = { first, second };
  guint n;

  g_return_val_if_fail (SHEATH_IS_MASK_EDITOR (self), FALSE);
  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (morphometrics), FALSE);

  if (!check_axon_id (self, morphometrics, first, error) || !check_axon_id (self, morphometrics, second, error))
    return FALSE;
  if (first == second)
    {
      g_set_error_literal (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, _ ("Choose two different axons to merge"));
      return FALSE;
    }

  /* the corners of each axon row's end pixels are enough for the hull */
  axons = _sheath_morphometrics_get_axon_labels (morphometrics);
  for (guint k = 0; k < 2; k++)
    {
      const SheathAxon *a = sheath_morphometrics_get_axon (morphometrics, ids[k] - 1);

      for (gint y = a->bbox_min_y; y < a->bbox_max_y; y++)
        {
          gint lo = G_MAXINT, hi = -1;

          for (gint x = a->bbox_min_x; x < a->bbox_max_x; x++)
            if (axons[(gsize) y * self->width + x] == ids[k])
              {
                lo = MIN (lo, x);
                hi = MAX (hi, x);
              }
          if (hi < 0)
            continue;
          g_array_append_vals (points, (double[8]) { lo, y, lo, y + 1, hi + 1, y, hi + 1, y + 1 }, 8);
        }
    }
  n = convex_hull ((double *) points->data, points->len / 2);
  sheath_mask_editor_begin_stroke (self);
  scan_polygon (self, (double *) points->data, n, SHEATH_LABEL_AXON, G_MAXUINT8);
  finish_edit (self);
  return TRUE;
}

/**
 * sheath_mask_editor_replace:
 * @source: masks of the same size, e.g. a new segmentation of the image
 * @error: return location for a #GError
 *
 * Copies @source over the segmentation edited as one history step, so
 * that segmenting again or loading masks over hand edits can be undone.
 * Only the tiles that differ are kept in the history.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_mask_editor_replace (SheathMaskEditor    *self,
                            SheathSegmentation  *source,
                            GError             **error)
{
  g_return_val_if_fail (SHEATH_IS_MASK_EDITOR (self), FALSE);
  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (source), FALSE);

  if (sheath_segmentation_get_width (source) != self->width || sheath_segmentation_get_height (source) != self->height)
    {
      g_set_error_literal (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, _ ("The masks are not the same size"));
      return FALSE;
    }
  sheath_mask_editor_begin_stroke (self);
  for (guint y = 0; y < self->height; y++)
    {
      const guint8 *from = _sheath_segmentation_get_row (source, y);
      const guint8 *to = _sheath_segmentation_get_row (self->segmentation, y);

      if (memcmp (from, to, self->width) == 0)
        continue;
      for (guint x = 0; x < self->width; x++)
        put_pixel (self, x, y, from[x]);
    }
  finish_edit (self);
  return TRUE;
}
