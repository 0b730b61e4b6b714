/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-morphometrics"

#include "config.h"

#include "sheath-morphometrics-private.h"
#include "sheath-segmentation-private.h"

/* Measurements brought up to date after a hand edit, in phases: the window
 * around the edit that holds every fibre it touches (find_window), the old
 * fibres out (remove_fibres), the new ones in, in the freed ids first
 * (insert_fibres), and the last ids moved into any still free
 * (fill_freed_ids). */

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


/* The edited rectangle, with a pixel more on each side (axons touching it
 * may join), inside the image; FALSE when empty. */
static gboolean
edit_rect (SheathMorphometrics *self,
           guint                x,
           guint                y,
           guint                width,
           guint                height,
           Rect                *edit)
{
  edit->x0 = MAX ((gint) MIN (x, self->width) - 2, 0);
  edit->y0 = MAX ((gint) MIN (y, self->height) - 2, 0);
  edit->x1 = MIN ((gint) MIN ((guint64) x + width, self->width) + 2, (gint) self->width);
  edit->y1 = MIN ((gint) MIN ((guint64) y + height, self->height) + 2, (gint) self->height);
  return width > 0 && height > 0 && edit->x0 < edit->x1 && edit->y0 < edit->y1;
}

/* Every fibre involved must lie inside the window, not be cut by it;
 * @need grows to hold them all. */
static gboolean
fibres_fit (SheathMorphometrics *self,
            const Region        *r,
            const Rect          *crop,
            GHashTable          *old_ids,
            GHashTable          *new_ids,
            Rect                *need)
{
  GHashTableIter iter;
  gpointer key;
  Rect inner = *crop;
  gboolean fits = TRUE;

  /* a window edge that is not the image's edge cuts what touches it */
  if (inner.x0 > 0) inner.x0++;
  if (inner.y0 > 0) inner.y0++;
  if (inner.x1 < (gint) self->width) inner.x1--;
  if (inner.y1 < (gint) self->height) inner.y1--;

  g_hash_table_iter_init (&iter, old_ids);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const SheathAxon *a = &g_array_index (self->axons, SheathAxon, GPOINTER_TO_UINT (key) - 1);
      fits &= rect_contains_axon (&inner, a);
      rect_add_axon (need, a);
    }
  g_hash_table_iter_init (&iter, new_ids);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const SheathAxon *a = &g_array_index (r->axons, SheathAxon, GPOINTER_TO_UINT (key) - 1);
      fits &= rect_contains_axon (&inner, a);
      rect_add_axon (need, a);
    }
  return fits;
}

/* Measures a window around the edit, wider until every fibre the edit
 * touches, before (@old_ids) or after (@new_ids, numbered in @r), and
 * every fibre whose territory changed with them, lies inside it. */
static gboolean
find_window (SheathMorphometrics  *self,
             SheathSegmentation   *segmentation,
             const Rect           *edit,
             GHashTable           *old_ids,
             GHashTable           *new_ids,
             Region               *r,
             Rect                 *crop,
             GError              **error)
{
  Rect need = *edit;
  guint margin = 32;

  for (;;)
    {
      gboolean grown = TRUE;

      g_hash_table_remove_all (old_ids);
      g_hash_table_remove_all (new_ids);
      _sheath_region_clear (r);

      for (gint yy = edit->y0; yy < edit->y1; yy++)
        for (gint xx = edit->x0; xx < edit->x1; xx++)
          {
            guint32 o = self->fibre_labels[(gsize) yy * self->width + xx];
            if (o != 0 && g_hash_table_add (old_ids, GUINT_TO_POINTER (o)))
              rect_add_axon (&need, &g_array_index (self->axons, SheathAxon, o - 1));
          }

      crop->x0 = MAX (need.x0 - (gint) margin, 0);
      crop->y0 = MAX (need.y0 - (gint) margin, 0);
      crop->x1 = MIN (need.x1 + (gint) margin, (gint) self->width);
      crop->y1 = MIN (need.y1 + (gint) margin, (gint) self->height);
      r->x = crop->x0;
      r->y = crop->y0;
      r->width = crop->x1 - crop->x0;
      r->height = crop->y1 - crop->y0;
      if (!_sheath_region_measure (segmentation, self->pixel_size, self->shape, r, NULL, error))
        return FALSE;

      /* the fibres the edit reaches now... */
      for (gint yy = edit->y0; yy < edit->y1; yy++)
        for (gint xx = edit->x0; xx < edit->x1; xx++)
          {
            guint32 k = r->fibre_labels[(gsize) (yy - crop->y0) * r->width + (xx - crop->x0)];
            if (k != 0)
              g_hash_table_add (new_ids, GUINT_TO_POINTER (k));
          }

      /* ...and, until nothing more joins, the old fibres whose territory a
       * new one takes and the new fibres lying on an old one's */
      while (grown)
        {
          grown = FALSE;
          for (gint yy = crop->y0; yy < crop->y1; yy++)
            for (gint xx = crop->x0; xx < crop->x1; xx++)
              {
                guint32 o = self->fibre_labels[(gsize) yy * self->width + xx];
                guint32 k = r->fibre_labels[(gsize) (yy - crop->y0) * r->width + (xx - crop->x0)];

                if (o != 0 && k != 0 && g_hash_table_contains (new_ids, GUINT_TO_POINTER (k)) &&
                    g_hash_table_add (old_ids, GUINT_TO_POINTER (o)))
                  grown = TRUE;
                if (o != 0 && k != 0 && g_hash_table_contains (old_ids, GUINT_TO_POINTER (o)) &&
                    g_hash_table_add (new_ids, GUINT_TO_POINTER (k)))
                  grown = TRUE;
              }
        }

      if (fibres_fit (self, r, crop, old_ids, new_ids, &need))
        return TRUE;
      margin *= 2;
    }
}

/* Takes the old fibres' pixels out of the label maps. */
static void
remove_fibres (SheathMorphometrics *self,
               GArray              *removed)
{
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
}

/* Puts the new fibres in, in the freed ids first, then after the last. */
static void
insert_fibres (SheathMorphometrics *self,
               const Region        *r,
               const Rect          *crop,
               GArray              *added,
               GArray              *removed,
               GArray              *changed)
{
  g_autofree guint32 *id_of = g_new0 (guint32, r->axons->len + 1);

  for (guint i = 0; i < added->len; i++)
    {
      guint32 k = g_array_index (added, guint, i);
      SheathAxon a = g_array_index (r->axons, SheathAxon, k - 1);

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
  for (gint yy = crop->y0; yy < crop->y1; yy++)
    for (gint xx = crop->x0; xx < crop->x1; xx++)
      {
        gsize i = (gsize) yy * self->width + xx;
        gsize j = (gsize) (yy - crop->y0) * r->width + (xx - crop->x0);

        if (id_of[r->fibre_labels[j]] != 0)
          self->fibre_labels[i] = id_of[r->fibre_labels[j]];
        if (id_of[r->axon_labels[j]] != 0)
          self->axon_labels[i] = id_of[r->axon_labels[j]];
      }
}

/* Fewer axons than before: the last ones take the ids still free, so that
 * ids stay 1 to the number of axons. */
static void
fill_freed_ids (SheathMorphometrics *self,
                GArray              *removed,
                guint                n_added,
                GArray              *changed)
{
  for (guint i = n_added; i < removed->len; i++)
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
 * holes stay those of the full measurement. Unmyelinated axons, where
 * there are any, are measured again.
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
  GArray *changed;
  Rect edit, crop;
  Region r = { 0 };

  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), NULL);
  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (segmentation), NULL);
  g_return_val_if_fail (!self->banded, NULL);
  g_return_val_if_fail (sheath_segmentation_get_width (segmentation) == self->width &&
                        sheath_segmentation_get_height (segmentation) == self->height, NULL);

  g_set_object (&self->segmentation, segmentation);
  if (!edit_rect (self, x, y, width, height, &edit))
    return g_array_new (FALSE, FALSE, sizeof (guint));
  if (!find_window (self, segmentation, &edit, old_ids, new_ids, &r, &crop, error))
    {
      _sheath_region_clear (&r);
      return NULL;
    }

  removed = sorted_ids (old_ids);
  added = sorted_ids (new_ids);
  changed = g_array_new (FALSE, FALSE, sizeof (guint));
  remove_fibres (self, removed);
  insert_fibres (self, &r, &crop, added, removed, changed);
  fill_freed_ids (self, removed, added->len, changed);

  _sheath_morphometrics_count_tiles (self, crop.x0 / COUNT_TILE, crop.y0 / COUNT_TILE,
                                     (crop.x1 + COUNT_TILE - 1) / COUNT_TILE, (crop.y1 + COUNT_TILE - 1) / COUNT_TILE);
  _sheath_region_clear (&r);
  g_array_sort (changed, compare_ids);

  /* few and small where they exist (TEM crops): measured again whole */
  if (!_sheath_morphometrics_measure_unmyelinated (self, NULL, error))
    {
      g_array_unref (changed);
      return NULL;
    }
  return changed;
}
