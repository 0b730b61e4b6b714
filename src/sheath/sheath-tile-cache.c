/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-tile-cache"

#include "config.h"

#include "sheath-tile-cache.h"

/* What the viewer draws, as textures: the image as a pyramid — level k is
 * the image shrunk 2^k times — and the labels over it, cut into tiles made
 * only when asked for and kept in a bounded cache, so that a 30000-pixel
 * slice pans as smoothly as a crop. Gray levels are built lazily from the
 * level below; label levels likewise, and kept up to date where an edit
 * changes the labels in place. */

#define MAX_TEXTURES 768

struct _SheathTileCache
{
  GObject             parent_instance;

  SheathImage        *image;
  SheathSegmentation *segmentation;
  guint               display_lo;
  guint               display_hi;
  gboolean            outlines;

  GPtrArray          *gray_levels;      /* guint8 planes, lazily built */
  gboolean            gray_borrowed;    /* level 0 is the image's own pixels */
  GPtrArray          *label_levels;     /* guint8 planes; level 0 borrows the segmentation */
  GHashTable         *textures;         /* key → GdkTexture */
  GQueue              lru;              /* keys, most recent first */
};

G_DEFINE_FINAL_TYPE (SheathTileCache, sheath_tile_cache, G_TYPE_OBJECT)

static guint
level_width (SheathTileCache *self,
             guint         level)
{
  return MAX (1, (sheath_image_get_width (self->image) + (1u << level) - 1) >> level);
}

static guint
level_height (SheathTileCache *self,
              guint         level)
{
  return MAX (1, (sheath_image_get_height (self->image) + (1u << level) - 1) >> level);
}

static guint
max_level (SheathTileCache *self)
{
  guint side = MAX (sheath_image_get_width (self->image), sheath_image_get_height (self->image));
  guint level = 0;

  while ((side >> level) > SHEATH_TILE_SIZE && level < 20)
    level++;
  return level;
}

/* A plane of level k from level k − 1: gray values averaged, labels by
 * their strongest member so that thin myelin stays visible zoomed out. */
static const guint8 *
gray_plane (SheathTileCache *self,
            guint         level)
{
  guint8 *plane;

  if (level < self->gray_levels->len && g_ptr_array_index (self->gray_levels, level))
    return g_ptr_array_index (self->gray_levels, level);

  if (self->gray_levels->len <= level)
    g_ptr_array_set_size (self->gray_levels, level + 1);

  /* an 8-bit image shown over its whole range is its own level 0: no copy,
   * which on a 16384² slice saves a quarter of a gigabyte and its time */
  if (level == 0 && self->display_lo == 0 && self->display_hi == 255 &&
      sheath_image_peek_pixels8 (self->image) != NULL)
    {
      self->gray_borrowed = TRUE;
      g_ptr_array_index (self->gray_levels, 0) = (gpointer) sheath_image_peek_pixels8 (self->image);
      return g_ptr_array_index (self->gray_levels, 0);
    }

  plane = g_malloc ((gsize) level_width (self, level) * level_height (self, level));
  if (level == 0)
    {
      guint w = sheath_image_get_width (self->image);

      for (guint y = 0; y < sheath_image_get_height (self->image); y++)
        sheath_image_read_display_row (self->image, y, self->display_lo, self->display_hi, plane + (gsize) y * w);
    }
  else
    {
      const guint8 *src = gray_plane (self, level - 1);
      guint sw = level_width (self, level - 1), sh = level_height (self, level - 1);
      guint w = level_width (self, level), h = level_height (self, level);

      /* 2×2 means, two source rows at a time; an odd last column or row
       * repeats itself */
      for (guint y = 0; y < h; y++)
        {
          const guint8 *r0 = src + (gsize) MIN (2 * y, sh - 1) * sw;
          const guint8 *r1 = src + (gsize) MIN (2 * y + 1, sh - 1) * sw;
          guint8 *out = plane + (gsize) y * w;
          guint full = sw / 2;

          for (guint x = 0; x < full; x++)
            out[x] = (guint8) ((r0[2 * x] + r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1] + 2) >> 2);
          if (full < w)
            out[full] = (guint8) ((r0[sw - 1] + r1[sw - 1] + 1) >> 1);
        }
    }
  g_ptr_array_index (self->gray_levels, level) = plane;
  return plane;
}

static guint8
label_at_level0 (SheathTileCache *self,
                 guint         x,
                 guint         y)
{
  return sheath_segmentation_peek_row (self->segmentation, y)[x];
}

static const guint8 *label_plane (SheathTileCache *self,
                                  guint         level);

/* Fills [x0, x1) × [y0, y1) of a label plane from the level below. */
static void
shrink_labels (SheathTileCache *self,
               guint         level,
               guint8       *plane,
               guint         x0,
               guint         y0,
               guint         x1,
               guint         y1)
{
  guint w = level_width (self, level);
  guint sw = level_width (self, level - 1), sh = level_height (self, level - 1);
  const guint8 *below = level == 1 ? NULL : label_plane (self, level - 1);

  for (guint y = y0; y < y1; y++)
    for (guint x = x0; x < x1; x++)
      {
        guint8 best = 0;

        for (guint dy = 0; dy < 2; dy++)
          for (guint dx = 0; dx < 2; dx++)
            {
              guint sx = MIN (2 * x + dx, sw - 1);
              guint sy = MIN (2 * y + dy, sh - 1);
              guint8 v = below == NULL ? label_at_level0 (self, sx, sy) : below[(gsize) sy * sw + sx];
              best = MAX (best, v);
            }
        plane[(gsize) y * w + x] = best;
      }
}

static const guint8 *
label_plane (SheathTileCache *self,
             guint         level)
{
  guint8 *plane;
  guint w = level_width (self, level), h = level_height (self, level);

  g_assert (level > 0);
  if (level < self->label_levels->len && g_ptr_array_index (self->label_levels, level))
    return g_ptr_array_index (self->label_levels, level);
  if (self->label_levels->len <= level)
    g_ptr_array_set_size (self->label_levels, level + 1);

  plane = g_malloc ((gsize) w * h);
  shrink_labels (self, level, plane, 0, 0, w, h);
  g_ptr_array_index (self->label_levels, level) = plane;
  return plane;
}

static guint8
label_at (SheathTileCache *self,
          guint         level,
          gint          x,
          gint          y)
{
  guint w = level_width (self, level), h = level_height (self, level);

  x = CLAMP (x, 0, (gint) w - 1);
  y = CLAMP (y, 0, (gint) h - 1);
  return level == 0 ? label_at_level0 (self, x, y) : label_plane (self, level)[(gsize) y * w + x];
}

static guint64
tile_key (guint    level,
          guint    tx,
          guint    ty,
          gboolean overlay)
{
  return ((guint64) level << 58) | ((guint64) overlay << 57) | ((guint64) tx << 28) | ty;
}

static GdkTexture *
make_tile (SheathTileCache *self,
           guint         level,
           guint         tx,
           guint         ty,
           gboolean      overlay)
{
  guint w = level_width (self, level), h = level_height (self, level);
  guint x0 = tx * SHEATH_TILE_SIZE, y0 = ty * SHEATH_TILE_SIZE;
  guint tw = MIN (SHEATH_TILE_SIZE, w - x0), th = MIN (SHEATH_TILE_SIZE, h - y0);
  guint bpp = overlay ? 4 : 3;
  g_autoptr(GBytes) bytes = NULL;
  guint8 *data = g_malloc ((gsize) tw * th * bpp);

  for (guint y = 0; y < th; y++)
    for (guint x = 0; x < tw; x++)
      {
        guint8 *p = data + ((gsize) y * tw + x) * bpp;

        if (!overlay)
          {
            guint8 v = gray_plane (self, level)[(gsize) (y0 + y) * w + x0 + x];
            p[0] = p[1] = p[2] = v;
          }
        else
          {
            gint gx = (gint) (x0 + x), gy = (gint) (y0 + y);
            guint8 l = label_at (self, level, gx, gy);

            /* outlines: only where a neighbour's class differs */
            if (self->outlines && l != SHEATH_LABEL_BACKGROUND &&
                label_at (self, level, gx - 1, gy) == l && label_at (self, level, gx + 1, gy) == l &&
                label_at (self, level, gx, gy - 1) == l && label_at (self, level, gx, gy + 1) == l)
              l = SHEATH_LABEL_BACKGROUND;

            /* AxonDeepSeg's colours: axons blue, myelin red */
            sheath_label_get_colour (l, &p[0], &p[1], &p[2]);
            p[3] = l == SHEATH_LABEL_BACKGROUND ? 0 : 255;
          }
      }

  bytes = g_bytes_new_take (data, (gsize) tw * th * bpp);
  return gdk_memory_texture_new (tw, th, overlay ? GDK_MEMORY_R8G8B8A8 : GDK_MEMORY_R8G8B8, bytes, (gsize) tw * bpp);
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return *(const guint64 *) a == *(const guint64 *) b ? 0 : 1;
}

static GdkTexture *
get_tile (SheathTileCache *self,
          guint         level,
          guint         tx,
          guint         ty,
          gboolean      overlay)
{
  guint64 key = tile_key (level, tx, ty, overlay);
  GdkTexture *texture = g_hash_table_lookup (self->textures, &key);
  guint64 *stored;

  if (texture != NULL)
    {
      GList *link = g_queue_find_custom (&self->lru, &key, compare_keys);
      /* move to the front: a few hundred entries, cheap */
      if (link != NULL)
        {
          g_queue_unlink (&self->lru, link);
          g_queue_push_head_link (&self->lru, link);
        }
      return texture;
    }

  while (g_queue_get_length (&self->lru) >= MAX_TEXTURES)
    {
      guint64 *old = g_queue_pop_tail (&self->lru);
      g_hash_table_remove (self->textures, old);
    }

  texture = make_tile (self, level, tx, ty, overlay);
  stored = g_memdup2 (&key, sizeof key);
  g_hash_table_insert (self->textures, stored, texture);
  g_queue_push_head (&self->lru, stored);
  return texture;
}

static void
drop_textures (SheathTileCache *self,
               gboolean      overlay_only)
{
  GList *link = self->lru.head;

  while (link != NULL)
    {
      GList *next = link->next;
      guint64 *key = link->data;

      if (!overlay_only || (*key >> 57) & 1)
        {
          g_queue_delete_link (&self->lru, link);
          g_hash_table_remove (self->textures, key);
        }
      link = next;
    }
}


/**
 * sheath_tile_cache_invalidate_labels:
 * @x: first column whose label changed
 * @y: first row
 * @width: columns
 * @height: rows
 *
 * The segmentation changed in place (an edit): the shrunk label planes are
 * brought up to date there, and the overlay tiles over it go, to be made
 * again when seen.
 */
void
sheath_tile_cache_invalidate_labels (SheathTileCache *self,
                                     int              x,
                                     int              y,
                                     int              width,
                                     int              height)
{
  GList *link;
  /* one pixel more on each side: outlines look at neighbours */
  gint64 x0 = MAX ((gint64) x - 1, 0), y0 = MAX ((gint64) y - 1, 0);
  gint64 x1 = (gint64) x + width + 1, y1 = (gint64) y + height + 1;

  g_return_if_fail (SHEATH_IS_TILE_CACHE (self));
  if (self->image == NULL || self->segmentation == NULL || width <= 0 || height <= 0)
    return;
  x1 = MIN (x1, (gint64) sheath_image_get_width (self->image));
  y1 = MIN (y1, (gint64) sheath_image_get_height (self->image));

  for (guint level = 1; level < self->label_levels->len; level++)
    {
      guint8 *plane = g_ptr_array_index (self->label_levels, level);

      if (plane == NULL)
        break;
      shrink_labels (self, level, plane, (guint) (x0 >> level), (guint) (y0 >> level),
                     MIN ((guint) (((x1 - 1) >> level) + 1), level_width (self, level)),
                     MIN ((guint) (((y1 - 1) >> level) + 1), level_height (self, level)));
    }

  link = self->lru.head;
  while (link != NULL)
    {
      GList *next = link->next;
      guint64 key = *(guint64 *) link->data;
      guint level = (guint) (key >> 58);
      gint64 tx = (gint64) ((key >> 28) & ((1u << 29) - 1)), ty = (gint64) (key & ((1u << 28) - 1));
      /* the tile's pixels at level 0, with the neighbour each side */
      gint64 left = (tx * SHEATH_TILE_SIZE << level) - 1, top = (ty * SHEATH_TILE_SIZE << level) - 1;
      gint64 right = ((tx + 1) * SHEATH_TILE_SIZE << level) + 1, bottom = ((ty + 1) * SHEATH_TILE_SIZE << level) + 1;

      if (((key >> 57) & 1) && left < x1 && right > x0 && top < y1 && bottom > y0)
        {
          g_hash_table_remove (self->textures, link->data);
          g_queue_delete_link (&self->lru, link);
        }
      link = next;
    }
}


static void
free_planes (GPtrArray *planes,
             gboolean   keep_first)
{
  for (guint i = keep_first ? 1 : 0; i < planes->len; i++)
    g_clear_pointer (&g_ptr_array_index (planes, i), g_free);
  g_ptr_array_set_size (planes, 0);
}

static void
sheath_tile_cache_finalize (GObject *object)
{
  SheathTileCache *self = SHEATH_TILE_CACHE (object);

  drop_textures (self, FALSE);
  free_planes (self->gray_levels, self->gray_borrowed);
  free_planes (self->label_levels, FALSE);
  g_ptr_array_unref (self->gray_levels);
  g_ptr_array_unref (self->label_levels);
  g_hash_table_unref (self->textures);
  g_clear_object (&self->image);
  g_clear_object (&self->segmentation);

  G_OBJECT_CLASS (sheath_tile_cache_parent_class)->finalize (object);
}

static void
sheath_tile_cache_class_init (SheathTileCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sheath_tile_cache_finalize;
}

static void
sheath_tile_cache_init (SheathTileCache *self)
{
  self->gray_levels = g_ptr_array_new ();
  self->label_levels = g_ptr_array_new ();
  self->textures = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  g_queue_init (&self->lru);
}

SheathTileCache *
sheath_tile_cache_new (void)
{
  return g_object_new (SHEATH_TYPE_TILE_CACHE, NULL);
}

/* A new image: everything goes, the labels too. */
void
sheath_tile_cache_set_image (SheathTileCache *self,
                             SheathImage     *image)
{
  g_return_if_fail (SHEATH_IS_TILE_CACHE (self));

  drop_textures (self, FALSE);
  free_planes (self->gray_levels, self->gray_borrowed);
  self->gray_borrowed = FALSE;
  free_planes (self->label_levels, FALSE);
  g_clear_object (&self->segmentation);
  g_set_object (&self->image, image);
  if (image == NULL)
    return;
  /* 16-bit images are shown over their own range; 8-bit as they are */
  if (sheath_image_get_bit_depth (image) == 8)
    self->display_lo = 0, self->display_hi = 255;
  else
    sheath_image_get_range (image, &self->display_lo, &self->display_hi);
}

/* New labels (of the image's size): the overlay's tiles and levels go. */
void
sheath_tile_cache_set_segmentation (SheathTileCache    *self,
                                    SheathSegmentation *segmentation)
{
  g_return_if_fail (SHEATH_IS_TILE_CACHE (self));

  drop_textures (self, TRUE);
  free_planes (self->label_levels, FALSE);
  g_set_object (&self->segmentation, segmentation);
}

/* Outlines only, or filled regions: the overlay's tiles are made again. */
void
sheath_tile_cache_set_outlines (SheathTileCache *self,
                                gboolean         outlines)
{
  g_return_if_fail (SHEATH_IS_TILE_CACHE (self));

  if (self->outlines == outlines)
    return;
  self->outlines = outlines;
  drop_textures (self, TRUE);
}

guint
sheath_tile_cache_get_max_level (SheathTileCache *self)
{
  return max_level (self);
}

guint
sheath_tile_cache_get_level_width (SheathTileCache *self,
                                   guint            level)
{
  return level_width (self, level);
}

guint
sheath_tile_cache_get_level_height (SheathTileCache *self,
                                    guint            level)
{
  return level_height (self, level);
}

/**
 * sheath_tile_cache_get_tile:
 * @overlay: the labels' colours, not the image
 *
 * Returns: (transfer none): the tile (@tx, @ty) of @level, made if it was
 *   not in the cache; valid until the next call
 */
GdkTexture *
sheath_tile_cache_get_tile (SheathTileCache *self,
                            guint            level,
                            guint            tx,
                            guint            ty,
                            gboolean         overlay)
{
  g_return_val_if_fail (SHEATH_IS_TILE_CACHE (self), NULL);
  g_return_val_if_fail (self->image != NULL, NULL);
  g_return_val_if_fail (!overlay || self->segmentation != NULL, NULL);
  return get_tile (self, level, tx, ty, overlay);
}

guint
sheath_tile_cache_get_n_textures (SheathTileCache *self)
{
  g_return_val_if_fail (SHEATH_IS_TILE_CACHE (self), 0);
  return g_hash_table_size (self->textures);
}
