/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-slide-tiles"

#include "config.h"

#include <glib/gi18n.h>

#include <math.h>
#include <string.h>

#include "sheath-slide-tiles.h"
#include "sheath-tile-cache.h"

/* What the viewer draws of a slide, as textures: tiles of a pyramid whose
 * level k is the slide shrunk 2^k times, each read from the finest level of
 * the file that is no finer than it needs (never level 0 whole), in a
 * worker thread, so that the window answers while they come. A tile not
 * there yet is asked for and NULL is returned; "changed" says when more can
 * be drawn. A slide whose coarsest level is still large (a flat TIFF) gets
 * an overview made once, by reading it downwards in bands.
 *
 * Labels come from a label map (STEM_seg-axonmyelin.ome.tif, a slide too)
 * or, while a slide is segmented, from the rows segmented so far, kept at a
 * coarse level only (PROGRESS_SIDE). */

#define TILE             SHEATH_TILE_SIZE
#define MAX_TEXTURES     512
/* a tile reads at most this many times its side of a level */
#define MAX_READ_RATIO   16
/* the largest overview made, and the rows of labels kept while segmenting */
#define MAX_OVERVIEW     8192
#define PROGRESS_SIDE    4096
/* the worker tells of an overview's progress this often */
#define OVERVIEW_POST_US (250 * 1000)

typedef struct
{
  gatomicrefcount ref;
  GMutex          mutex;
  GCond           cond;
  GQueue          wanted;          /* guint64 keys, the newest first */
  GHashTable     *queued;          /* the keys in wanted */
  gboolean        quit;
  GWeakRef        owner;
  GMainContext   *context;
  SheathSlide    *labels;          /* a label map, under the mutex */
  guint           label_generation;

  /* the worker's own */
  SheathSlide    *slide;
  guint           width, height;
  gboolean        have_range;
  guint           lo, hi;          /* a 16-bit slide's shown range */
  guint8         *overview;        /* made when the file has no coarse level */
  guint           overview_level, ow, oh, overview_rows;
} Shared;

typedef struct
{
  Shared   *shared;
  guint64   key;
  GBytes   *pixels;               /* NULL: only an overview's progress */
  guint     width, height;
  gboolean  partial;              /* made from an overview not whole yet */
  guint     generation;
} Result;

struct _SheathSlideTiles
{
  GObject     parent_instance;

  Shared     *shared;
  GThread    *worker;
  guint       width, height;
  double      pixel_size;

  GHashTable *textures;           /* key → GdkTexture */
  GQueue      lru;                /* keys, the most recent first */
  GHashTable *partial;            /* keys of textures to make again */

  gboolean    has_label_map;
  guint8     *progress;           /* labels so far, at progress_level */
  guint       progress_level, pw, ph;
};

G_DEFINE_FINAL_TYPE (SheathSlideTiles, sheath_slide_tiles, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static gboolean deliver_cb (gpointer data);

static guint64
tile_key (SheathSlideLayer layer,
          guint            level,
          guint            tx,
          guint            ty)
{
  return ((guint64) level << 58) | ((guint64) layer << 57) | ((guint64) tx << 28) | ty;
}

static void
key_parts (guint64  key,
           guint   *layer,
           guint   *level,
           guint   *tx,
           guint   *ty)
{
  *level = (guint) (key >> 58);
  *layer = (guint) ((key >> 57) & 1);
  *tx = (guint) ((key >> 28) & ((1u << 29) - 1));
  *ty = (guint) (key & ((1u << 28) - 1));
}

static guint
dim_at (guint size,
        guint level)
{
  return MAX (1, (guint) (((guint64) size + (1ull << level) - 1) >> level));
}

static Shared *
shared_ref (Shared *shared)
{
  g_atomic_ref_count_inc (&shared->ref);
  return shared;
}

static void
shared_unref (Shared *shared)
{
  if (!g_atomic_ref_count_dec (&shared->ref))
    return;
  g_mutex_clear (&shared->mutex);
  g_cond_clear (&shared->cond);
  g_queue_clear_full (&shared->wanted, g_free);
  g_hash_table_unref (shared->queued);
  g_weak_ref_clear (&shared->owner);
  g_main_context_unref (shared->context);
  g_clear_object (&shared->labels);
  g_clear_object (&shared->slide);
  g_free (shared->overview);
  g_free (shared);
}


/* ---- the worker ---------------------------------------------------------- */

/* The file's level to read a display level's tile from: the coarsest that
 * is no coarser than it; its downsample comes back in @ds. */
static guint
source_level (SheathSlide *slide,
              double       scale,
              double      *ds)
{
  guint best = 0;

  for (guint s = 0; s < sheath_slide_get_n_levels (slide); s++)
    if (sheath_slide_get_level_downsample (slide, s) <= scale * 1.001)
      best = s;
  *ds = sheath_slide_get_level_downsample (slide, best);
  return best;
}

static guint8
to_gray (Shared        *shared,
         const guint8  *samples,
         gsize          i,
         guint          depth)
{
  guint v;

  if (depth == 8)
    return samples[i];
  v = ((const guint16 *) samples)[i];
  if (shared->hi <= shared->lo)
    return 0;
  return (guint8) CLAMP (((int) v - (int) shared->lo) * 255 / ((int) shared->hi - (int) shared->lo), 0, 255);
}

/* A 16-bit slide is shown between the 0.1th and 99.9th percentiles of its
 * coarsest level (its middle, at most 2048² of it). */
static void
find_range (Shared *shared)
{
  guint n = sheath_slide_get_n_levels (shared->slide) - 1;
  guint64 lw = sheath_slide_get_level_width (shared->slide, n), lh = sheath_slide_get_level_height (shared->slide, n);
  guint w = (guint) MIN (lw, 2048), h = (guint) MIN (lh, 2048);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree guint *histogram = NULL;
  const guint16 *v;
  guint64 count = 0, total = (guint64) w * h;

  shared->have_range = TRUE;
  shared->lo = 0;
  shared->hi = 255;
  if (sheath_slide_get_bit_depth (shared->slide) == 8)
    return;
  shared->hi = 65535;
  if (!(bytes = sheath_slide_read_region (shared->slide, n, (lw - w) / 2, (lh - h) / 2, w, h, NULL)))
    return;
  v = g_bytes_get_data (bytes, NULL);
  histogram = g_new0 (guint, 65536);
  for (guint64 i = 0; i < total; i++)
    histogram[v[i]]++;
  for (guint k = 0; k < 65536; k++)
    {
      count += histogram[k];
      if (count <= total / 1000)
        shared->lo = k;
      if (count < total - total / 1000)
        shared->hi = k + 1;
    }
}

/* Whether the file lacks a level coarse enough for the view zoomed out;
 * then the overview's level and size are set. */
static void
plan_overview (Shared *shared)
{
  guint last = sheath_slide_get_n_levels (shared->slide) - 1;
  double ds = sheath_slide_get_level_downsample (shared->slide, last);
  guint level = (guint) floor (log2 (MAX (ds, 1))) + (guint) log2 (MAX_READ_RATIO);

  /* the coarsest display level is 256 or less a side */
  if (MAX (shared->width, shared->height) >> level <= TILE)
    return;
  while (MAX (dim_at (shared->width, level), dim_at (shared->height, level)) > MAX_OVERVIEW)
    level++;
  shared->overview_level = level;
  shared->ow = dim_at (shared->width, level);
  shared->oh = dim_at (shared->height, level);
  shared->overview = g_try_malloc0 ((gsize) shared->ow * shared->oh);
}

/* Box means of @src (sw × sh samples, rows @stride samples apart) into
 * @dst (dw × dh), each destination pixel covering @ratio source pixels a
 * side from (ox0, oy0) on. */
static void
shrink_gray (Shared       *shared,
             const guint8 *src,
             guint         depth,
             gsize         stride,
             guint         sw,
             guint         sh,
             double        ox0,
             double        oy0,
             double        ratio,
             guint8       *dst,
             guint         dw,
             guint         dh,
             guint         dst_stride,
             guint         bpp)
{
  for (guint y = 0; y < dh; y++)
    {
      guint y0 = (guint) CLAMP (floor (oy0 + y * ratio), 0, sh - 1);
      guint y1 = (guint) CLAMP (floor (oy0 + (y + 1) * ratio), y0 + 1, sh);
      /* rows sampled, not all of them, when a pixel covers many */
      guint ystep = MAX (1, (y1 - y0) / 4);

      for (guint x = 0; x < dw; x++)
        {
          guint x0 = (guint) CLAMP (floor (ox0 + x * ratio), 0, sw - 1);
          guint x1 = (guint) CLAMP (floor (ox0 + (x + 1) * ratio), x0 + 1, sw);
          guint xstep = MAX (1, (x1 - x0) / 4);
          guint sum = 0, n = 0;
          guint8 *p = dst + (gsize) y * dst_stride + (gsize) x * bpp;

          for (guint yy = y0; yy < y1; yy += ystep)
            for (guint xx = x0; xx < x1; xx += xstep)
              {
                sum += to_gray (shared, src, yy * stride + xx, depth);
                n++;
              }
          for (guint c = 0; c < bpp; c++)
            p[c] = (guint8) ((sum + n / 2) / n);
        }
    }
}

static void
post (Result *result)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver_cb, result, NULL);
  g_source_set_static_name (source, "[sheath-slide-tiles]");
  g_source_attach (source, result->shared->context);
  g_source_unref (source);
}

/* One band of the overview: reads the coarsest level's rows under the next
 * overview rows. */
static void
grow_overview (Shared *shared)
{
  guint last = sheath_slide_get_n_levels (shared->slide) - 1;
  double ds = sheath_slide_get_level_downsample (shared->slide, last);
  guint lw = (guint) sheath_slide_get_level_width (shared->slide, last);
  guint lh = (guint) sheath_slide_get_level_height (shared->slide, last);
  double ratio = (double) (1u << shared->overview_level) / ds;
  guint depth = sheath_slide_get_bit_depth (shared->slide);
  /* about 16 MB of the level at a time */
  guint rows = MAX (1, (guint) (16e6 / (lw * ratio * (depth / 8))));
  guint oy0 = shared->overview_rows, oy1 = MIN (shared->oh, oy0 + rows);
  guint sy0 = (guint) MIN (floor (oy0 * ratio), lh - 1);
  guint sy1 = (guint) CLAMP (ceil (oy1 * ratio), sy0 + 1, lh);
  g_autoptr(GBytes) bytes = sheath_slide_read_region (shared->slide, last, 0, sy0, lw, sy1 - sy0, NULL);

  if (bytes != NULL)
    shrink_gray (shared, g_bytes_get_data (bytes, NULL), depth, lw, lw, sy1 - sy0, 0, oy0 * ratio - sy0, ratio,
                 shared->overview + (gsize) oy0 * shared->ow, shared->ow, oy1 - oy0, shared->ow, 1);
  shared->overview_rows = oy1;
}

static GBytes *
image_tile (Shared   *shared,
            guint     level,
            guint     tx,
            guint     ty,
            guint     tw,
            guint     th,
            gboolean *partial)
{
  double scale = (double) (1ull << level), ds;
  guint s = source_level (shared->slide, scale, &ds);
  double ratio = scale / ds;
  guint8 *rgb = g_malloc ((gsize) tw * th * 3);

  *partial = FALSE;
  if (ratio > MAX_READ_RATIO && shared->overview != NULL && level >= shared->overview_level)
    {
      /* from the overview */
      double r = (double) (1u << (level - shared->overview_level));
      guint ox0 = MIN ((guint) (tx * TILE * r), shared->ow - 1), oy0 = MIN ((guint) (ty * TILE * r), shared->oh - 1);

      shrink_gray (shared, shared->overview + (gsize) oy0 * shared->ow + ox0, 8, shared->ow,
                   shared->ow - ox0, shared->oh - oy0, 0, 0, r, rgb, tw, th, tw * 3, 3);
      *partial = shared->overview_rows < shared->oh;
    }
  else
    {
      guint64 lw = sheath_slide_get_level_width (shared->slide, s), lh = sheath_slide_get_level_height (shared->slide, s);
      double fx0 = tx * TILE * ratio, fy0 = ty * TILE * ratio;
      guint64 sx0 = (guint64) MIN (floor (fx0), lw - 1), sy0 = (guint64) MIN (floor (fy0), lh - 1);
      guint sw = (guint) CLAMP (ceil (fx0 + tw * ratio) - sx0, 1, lw - sx0);
      guint sh = (guint) CLAMP (ceil (fy0 + th * ratio) - sy0, 1, lh - sy0);
      g_autoptr(GBytes) bytes = sheath_slide_read_region (shared->slide, s, sx0, sy0, sw, sh, NULL);

      if (bytes == NULL)
        memset (rgb, 40, (gsize) tw * th * 3);   /* a damaged tile: shown dark, not fatal */
      else
        shrink_gray (shared, g_bytes_get_data (bytes, NULL), sheath_slide_get_bit_depth (shared->slide), sw, sw, sh,
                     fx0 - sx0, fy0 - sy0, ratio, rgb, tw, th, tw * 3, 3);
    }
  return g_bytes_new_take (rgb, (gsize) tw * th * 3);
}

static void
paint_label (guint8 *p,
             guint8  value)
{
  SheathLabel label = value >= 192 ? SHEATH_LABEL_AXON : value >= 64 ? SHEATH_LABEL_MYELIN : SHEATH_LABEL_BACKGROUND;

  sheath_label_get_colour (label, &p[0], &p[1], &p[2]);
  p[3] = label == SHEATH_LABEL_BACKGROUND ? 0 : 255;
}

/* Labels from a label map (0/127/255), each pixel its strongest member so
 * that thin myelin stays visible zoomed out. */
static GBytes *
label_tile (SheathSlide *map,
            guint        level,
            guint        tx,
            guint        ty,
            guint        tw,
            guint        th)
{
  double scale = (double) (1ull << level), ds;
  guint s = source_level (map, scale, &ds);
  double ratio = scale / ds;
  guint64 lw = sheath_slide_get_level_width (map, s), lh = sheath_slide_get_level_height (map, s);
  double fx0 = tx * TILE * ratio, fy0 = ty * TILE * ratio;
  guint64 sx0 = (guint64) MIN (floor (fx0), lw - 1), sy0 = (guint64) MIN (floor (fy0), lh - 1);
  guint sw = (guint) CLAMP (ceil (fx0 + tw * ratio) - sx0, 1, lw - sx0);
  guint sh = (guint) CLAMP (ceil (fy0 + th * ratio) - sy0, 1, lh - sy0);
  g_autoptr(GBytes) bytes = NULL;
  guint8 *rgba = g_malloc0 ((gsize) tw * th * 4);
  const guint8 *src;

  /* too far out to read: the coarsest level, sampled */
  if (ratio > MAX_READ_RATIO)
    return g_bytes_new_take (rgba, (gsize) tw * th * 4);
  if (!(bytes = sheath_slide_read_region (map, s, sx0, sy0, sw, sh, NULL)))
    return g_bytes_new_take (rgba, (gsize) tw * th * 4);
  src = g_bytes_get_data (bytes, NULL);
  for (guint y = 0; y < th; y++)
    {
      guint y0 = (guint) CLAMP (floor (fy0 - sy0 + y * ratio), 0, sh - 1);
      guint y1 = (guint) CLAMP (floor (fy0 - sy0 + (y + 1) * ratio), y0 + 1, sh);

      for (guint x = 0; x < tw; x++)
        {
          guint x0 = (guint) CLAMP (floor (fx0 - sx0 + x * ratio), 0, sw - 1);
          guint x1 = (guint) CLAMP (floor (fx0 - sx0 + (x + 1) * ratio), x0 + 1, sw);
          guint8 best = 0;

          for (guint yy = y0; yy < y1; yy++)
            for (guint xx = x0; xx < x1; xx++)
              best = MAX (best, src[(gsize) yy * sw + xx]);
          paint_label (rgba + ((gsize) y * tw + x) * 4, best);
        }
    }
  return g_bytes_new_take (rgba, (gsize) tw * th * 4);
}

static void
work (Shared  *shared,
      guint64  key,
      SheathSlide *labels,
      guint    generation)
{
  Result *result = g_new0 (Result, 1);
  guint layer, level, tx, ty;

  key_parts (key, &layer, &level, &tx, &ty);
  result->shared = shared_ref (shared);
  result->key = key;
  result->generation = generation;
  result->width = MIN (TILE, dim_at (shared->width, level) - tx * TILE);
  result->height = MIN (TILE, dim_at (shared->height, level) - ty * TILE);
  if (layer == SHEATH_SLIDE_LAYER_IMAGE)
    result->pixels = image_tile (shared, level, tx, ty, result->width, result->height, &result->partial);
  else
    result->pixels = label_tile (labels, level, tx, ty, result->width, result->height);
  post (result);
}

static gpointer
worker_main (gpointer data)
{
  Shared *shared = data;
  gint64 last_post = 0;

  find_range (shared);
  plan_overview (shared);

  for (;;)
    {
      g_autoptr(SheathSlide) labels = NULL;
      guint64 *key = NULL;
      guint generation;
      gboolean growing = shared->overview != NULL && shared->overview_rows < shared->oh;

      g_mutex_lock (&shared->mutex);
      while (!shared->quit && shared->wanted.length == 0 && !growing)
        g_cond_wait (&shared->cond, &shared->mutex);
      if (shared->quit)
        {
          g_mutex_unlock (&shared->mutex);
          break;
        }
      if ((key = g_queue_pop_head (&shared->wanted)) != NULL)
        g_hash_table_remove (shared->queued, key);
      if (shared->labels != NULL)
        labels = g_object_ref (shared->labels);
      generation = shared->label_generation;
      g_mutex_unlock (&shared->mutex);

      /* a label tile asked for before the map went */
      if (key != NULL && ((*key >> 57) & 1) && labels == NULL)
        g_clear_pointer (&key, g_free);
      if (key != NULL)
        work (shared, *key, labels, generation);
      else if (growing)
        {
          gint64 now;

          grow_overview (shared);
          now = g_get_monotonic_time ();
          if (now - last_post >= OVERVIEW_POST_US || shared->overview_rows == shared->oh)
            {
              Result *progress = g_new0 (Result, 1);

              progress->shared = shared_ref (shared);
              post (progress);
              last_post = now;
            }
        }
      g_free (key);
    }
  shared_unref (shared);
  return NULL;
}


/* ---- the main thread ----------------------------------------------------- */

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return *(const guint64 *) a == *(const guint64 *) b ? 0 : 1;
}

static void
insert_texture (SheathSlideTiles *self,
                guint64           key,
                GdkTexture       *texture)
{
  guint64 *stored;

  while (g_queue_get_length (&self->lru) >= MAX_TEXTURES)
    {
      guint64 *old = g_queue_pop_tail (&self->lru);

      g_hash_table_remove (self->partial, old);
      g_hash_table_remove (self->textures, old);
    }
  stored = g_memdup2 (&key, sizeof key);
  g_hash_table_insert (self->textures, stored, texture);
  g_queue_push_head (&self->lru, stored);
}

/* Drops the textures @keep_cb does not keep. */
static void
drop_textures (SheathSlideTiles *self,
               gboolean        (*drop) (SheathSlideTiles *self, guint64 key))
{
  GList *link = self->lru.head;

  while (link != NULL)
    {
      GList *next = link->next;
      guint64 *key = link->data;

      if (drop == NULL || drop (self, *key))
        {
          g_queue_delete_link (&self->lru, link);
          g_hash_table_remove (self->partial, key);
          g_hash_table_remove (self->textures, key);
        }
      link = next;
    }
}

static gboolean
is_partial (SheathSlideTiles *self,
            guint64           key)
{
  return g_hash_table_contains (self->partial, &key);
}

static gboolean
is_label (SheathSlideTiles *self,
          guint64           key)
{
  return (key >> 57) & 1;
}

static gboolean
deliver_cb (gpointer data)
{
  Result *result = data;
  g_autoptr(SheathSlideTiles) self = g_weak_ref_get (&result->shared->owner);

  if (self != NULL && result->pixels == NULL)
    {
      /* the overview grew: what was made of it before is made again */
      drop_textures (self, is_partial);
      g_signal_emit (self, signals [CHANGED], 0);
    }
  else if (self != NULL && !(is_label (self, result->key) && result->generation != self->shared->label_generation))
    {
      gboolean overlay = is_label (self, result->key);
      GdkTexture *texture = gdk_memory_texture_new (result->width, result->height,
                                                    overlay ? GDK_MEMORY_R8G8B8A8 : GDK_MEMORY_R8G8B8,
                                                    result->pixels, (gsize) result->width * (overlay ? 4 : 3));

      GList *link = g_queue_find_custom (&self->lru, &result->key, compare_keys);

      /* the one it replaces goes, from the list before the table frees the key */
      if (link != NULL)
        g_queue_delete_link (&self->lru, link);
      g_hash_table_remove (self->partial, &result->key);
      g_hash_table_remove (self->textures, &result->key);
      insert_texture (self, result->key, texture);
      if (result->partial)
        g_hash_table_add (self->partial, g_memdup2 (&result->key, sizeof result->key));
      g_signal_emit (self, signals [CHANGED], 0);
    }

  g_clear_pointer (&result->pixels, g_bytes_unref);
  shared_unref (result->shared);
  g_free (result);
  return G_SOURCE_REMOVE;
}

/* A label tile of the rows segmented so far, from the coarse plane. */
static GdkTexture *
progress_tile (SheathSlideTiles *self,
               guint             level,
               guint             tx,
               guint             ty)
{
  guint tw = MIN (TILE, dim_at (self->width, level) - tx * TILE);
  guint th = MIN (TILE, dim_at (self->height, level) - ty * TILE);
  guint r = 1u << (level - self->progress_level);
  g_autoptr(GBytes) bytes = NULL;
  guint8 *rgba = g_malloc0 ((gsize) tw * th * 4);

  for (guint y = 0; y < th; y++)
    for (guint x = 0; x < tw; x++)
      {
        guint8 best = 0;

        for (guint yy = (ty * TILE + y) * r; yy < MIN ((ty * TILE + y + 1) * r, self->ph); yy++)
          for (guint xx = (tx * TILE + x) * r; xx < MIN ((tx * TILE + x + 1) * r, self->pw); xx++)
            best = MAX (best, self->progress[(gsize) yy * self->pw + xx]);
        paint_label (rgba + ((gsize) y * tw + x) * 4, best);
      }
  bytes = g_bytes_new_take (rgba, (gsize) tw * th * 4);
  return gdk_memory_texture_new (tw, th, GDK_MEMORY_R8G8B8A8, bytes, (gsize) tw * 4);
}

static void
sheath_slide_tiles_finalize (GObject *object)
{
  SheathSlideTiles *self = SHEATH_SLIDE_TILES (object);

  g_mutex_lock (&self->shared->mutex);
  self->shared->quit = TRUE;
  g_cond_signal (&self->shared->cond);
  g_mutex_unlock (&self->shared->mutex);
  g_thread_join (self->worker);
  shared_unref (self->shared);

  drop_textures (self, NULL);
  g_hash_table_unref (self->textures);
  g_hash_table_unref (self->partial);
  g_free (self->progress);

  G_OBJECT_CLASS (sheath_slide_tiles_parent_class)->finalize (object);
}

static void
sheath_slide_tiles_class_init (SheathSlideTilesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sheath_slide_tiles_finalize;

  /**
   * SheathSlideTiles::changed:
   *
   * More tiles can be drawn: ones asked for came, or labels changed.
   */
  signals [CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sheath_slide_tiles_init (SheathSlideTiles *self)
{
  self->textures = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->partial = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_queue_init (&self->lru);
}

/**
 * sheath_slide_tiles_new:
 * @file: a slide, or any image Sheath reads
 * @error: return location for a #GError
 *
 * Opens @file for its tiles to be read in a thread of their own.
 *
 * Returns: (transfer full): the tiles, or %NULL with @error set
 */
SheathSlideTiles *
sheath_slide_tiles_new (GFile   *file,
                        GError **error)
{
  g_autoptr(SheathSlide) slide = sheath_slide_new_from_file (file, error);
  SheathSlideTiles *self;
  Shared *shared;

  if (slide == NULL)
    return NULL;
  if (sheath_slide_get_level_width (slide, 0) > G_MAXINT32 || sheath_slide_get_level_height (slide, 0) > G_MAXINT32)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_IMAGE_TOO_LARGE, "%s", _ ("The slide is too large to be shown"));
      return NULL;
    }

  self = g_object_new (SHEATH_TYPE_SLIDE_TILES, NULL);
  self->width = (guint) sheath_slide_get_level_width (slide, 0);
  self->height = (guint) sheath_slide_get_level_height (slide, 0);
  self->pixel_size = sheath_slide_get_pixel_size (slide);

  shared = g_new0 (Shared, 1);
  g_atomic_ref_count_init (&shared->ref);
  g_mutex_init (&shared->mutex);
  g_cond_init (&shared->cond);
  g_queue_init (&shared->wanted);
  shared->queued = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_weak_ref_init (&shared->owner, self);
  shared->context = g_main_context_ref_thread_default ();
  shared->slide = g_steal_pointer (&slide);
  shared->width = self->width;
  shared->height = self->height;
  self->shared = shared;
  self->worker = g_thread_new ("sheath-slide-tiles", worker_main, shared_ref (shared));
  return self;
}

guint
sheath_slide_tiles_get_width (SheathSlideTiles *self)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE_TILES (self), 0);
  return self->width;
}

guint
sheath_slide_tiles_get_height (SheathSlideTiles *self)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE_TILES (self), 0);
  return self->height;
}

double
sheath_slide_tiles_get_pixel_size (SheathSlideTiles *self)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE_TILES (self), 0);
  return self->pixel_size;
}

/* The pixel size the scale bar shows, when the user corrects the file's. */
void
sheath_slide_tiles_set_pixel_size (SheathSlideTiles *self,
                                   double            pixel_size)
{
  g_return_if_fail (SHEATH_IS_SLIDE_TILES (self));
  self->pixel_size = pixel_size;
  g_signal_emit (self, signals [CHANGED], 0);
}

guint
sheath_slide_tiles_get_max_level (SheathSlideTiles *self)
{
  guint level = 0;

  g_return_val_if_fail (SHEATH_IS_SLIDE_TILES (self), 0);
  while ((MAX (self->width, self->height) >> level) > TILE && level < 31)
    level++;
  return level;
}

guint
sheath_slide_tiles_get_level_width (SheathSlideTiles *self,
                                    guint             level)
{
  return dim_at (self->width, level);
}

guint
sheath_slide_tiles_get_level_height (SheathSlideTiles *self,
                                     guint             level)
{
  return dim_at (self->height, level);
}

static void
new_label_generation (SheathSlideTiles *self,
                      SheathSlide      *map)
{
  g_mutex_lock (&self->shared->mutex);
  g_set_object (&self->shared->labels, map);
  self->shared->label_generation++;
  g_mutex_unlock (&self->shared->mutex);
  drop_textures (self, is_label);
  g_signal_emit (self, signals [CHANGED], 0);
}

/**
 * sheath_slide_tiles_set_label_map:
 * @map: (nullable): a label map of the slide's size (0/127/255), or %NULL
 *   for no labels
 * @error: return location for a #GError
 *
 * Shows the labels of @map (a `_seg-axonmyelin.ome.tif` or `.png`).
 *
 * Returns: %TRUE, or %FALSE with @error set when @map cannot be read or is
 *   not the slide's size
 */
gboolean
sheath_slide_tiles_set_label_map (SheathSlideTiles  *self,
                                  GFile             *map,
                                  GError           **error)
{
  g_autoptr(SheathSlide) slide = NULL;

  g_return_val_if_fail (SHEATH_IS_SLIDE_TILES (self), FALSE);

  if (map != NULL)
    {
      if (!(slide = sheath_slide_new_from_file (map, error)))
        return FALSE;
      if (sheath_slide_get_level_width (slide, 0) != self->width ||
          sheath_slide_get_level_height (slide, 0) != self->height ||
          sheath_slide_get_bit_depth (slide) != 8)
        {
          g_autofree char *name = g_file_get_basename (map);

          g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                       _ ("“%s” is %" G_GUINT64_FORMAT " × %" G_GUINT64_FORMAT " pixels of %u bits, not %u × %u of 8"),
                       name, sheath_slide_get_level_width (slide, 0), sheath_slide_get_level_height (slide, 0),
                       sheath_slide_get_bit_depth (slide), self->width, self->height);
          return FALSE;
        }
    }
  g_clear_pointer (&self->progress, g_free);
  self->has_label_map = map != NULL;
  new_label_generation (self, slide);
  return TRUE;
}

/**
 * sheath_slide_tiles_start_labels:
 *
 * Labels are coming, rows at a time (sheath_slide_tiles_add_label_rows()):
 * the old ones go, and the new ones are kept at a coarse level only.
 */
void
sheath_slide_tiles_start_labels (SheathSlideTiles *self)
{
  g_return_if_fail (SHEATH_IS_SLIDE_TILES (self));

  self->progress_level = 0;
  while (MAX (self->width, self->height) >> self->progress_level > PROGRESS_SIDE)
    self->progress_level++;
  self->pw = dim_at (self->width, self->progress_level);
  self->ph = dim_at (self->height, self->progress_level);
  g_free (self->progress);
  self->progress = g_malloc0 ((gsize) self->pw * self->ph);
  self->has_label_map = FALSE;
  new_label_generation (self, NULL);
}

/**
 * sheath_slide_tiles_add_label_rows:
 * @first_row: the first row of @labels, at full resolution
 * @n_rows: how many
 * @labels: #SheathLabel values, the slide's width a row
 *
 * Rows of labels just segmented, to be shown as they come.
 */
void
sheath_slide_tiles_add_label_rows (SheathSlideTiles *self,
                                   guint             first_row,
                                   guint             n_rows,
                                   GBytes           *labels)
{
  const guint8 *rows;
  gsize size;
  guint step;
  guint py0 = G_MAXUINT, py1 = 0;

  g_return_if_fail (SHEATH_IS_SLIDE_TILES (self));
  if (self->progress == NULL)
    return;
  rows = g_bytes_get_data (labels, &size);
  g_return_if_fail (size >= (gsize) n_rows * self->width);

  /* one row in `step`, each pixel the strongest of its columns */
  step = 1u << self->progress_level;
  for (guint y = first_row; y < first_row + n_rows && y < self->height; y++)
    {
      const guint8 *row = rows + (gsize) (y - first_row) * self->width;
      guint8 *out = self->progress + (gsize) (y >> self->progress_level) * self->pw;

      if (y % step != 0 && y + 1 != first_row + n_rows)
        continue;
      for (guint x = 0; x < self->width; x++)
        {
          guint8 v = row[x] == SHEATH_LABEL_AXON ? 255 : row[x] == SHEATH_LABEL_MYELIN ? 127 : 0;

          out[x >> self->progress_level] = MAX (out[x >> self->progress_level], v);
        }
      py0 = MIN (py0, y >> self->progress_level);
      py1 = MAX (py1, (y >> self->progress_level) + 1);
    }
  if (py1 <= py0)
    return;

  /* the label tiles over those rows are made again */
  {
    GList *link = self->lru.head;

    while (link != NULL)
      {
        GList *next = link->next;
        guint64 key = *(guint64 *) link->data;
        guint layer, level, tx, ty;

        key_parts (key, &layer, &level, &tx, &ty);
        if (layer == SHEATH_SLIDE_LAYER_LABELS && level >= self->progress_level)
          {
            guint r = level - self->progress_level;
            guint top = (ty * TILE) << r, bottom = ((ty + 1) * TILE) << r;

            if (top < py1 && bottom > py0)
              {
                g_hash_table_remove (self->textures, link->data);
                g_queue_delete_link (&self->lru, link);
              }
          }
        link = next;
      }
  }
  g_signal_emit (self, signals [CHANGED], 0);
}

gboolean
sheath_slide_tiles_has_labels (SheathSlideTiles *self)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE_TILES (self), FALSE);
  return self->has_label_map || self->progress != NULL;
}

/**
 * sheath_slide_tiles_get_label_level:
 *
 * Returns: the finest level label tiles are made at: 0 from a label map,
 *   a coarse one while labels come in rows
 */
guint
sheath_slide_tiles_get_label_level (SheathSlideTiles *self)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE_TILES (self), 0);
  return self->progress != NULL ? self->progress_level : 0;
}

/**
 * sheath_slide_tiles_begin_frame:
 *
 * A new frame is drawn: tiles asked for before and not read yet are asked
 * for only if asked again, so that the worker reads what is in view.
 */
void
sheath_slide_tiles_begin_frame (SheathSlideTiles *self)
{
  g_return_if_fail (SHEATH_IS_SLIDE_TILES (self));

  g_mutex_lock (&self->shared->mutex);
  g_hash_table_remove_all (self->shared->queued);
  g_queue_clear_full (&self->shared->wanted, g_free);
  g_mutex_unlock (&self->shared->mutex);
}

/**
 * sheath_slide_tiles_lookup:
 * @layer: the image or its labels
 * @level: the display level, 2^@level slide pixels a tile pixel
 * @tx: the tile's column
 * @ty: its row
 *
 * Returns: (transfer none) (nullable): the tile, or %NULL when it is not
 *   made yet (it is asked for; "changed" says when it came)
 */
GdkTexture *
sheath_slide_tiles_lookup (SheathSlideTiles *self,
                           SheathSlideLayer  layer,
                           guint             level,
                           guint             tx,
                           guint             ty)
{
  guint64 key = tile_key (layer, level, tx, ty);
  GdkTexture *texture;

  g_return_val_if_fail (SHEATH_IS_SLIDE_TILES (self), NULL);

  if ((texture = g_hash_table_lookup (self->textures, &key)) != NULL)
    {
      GList *link = g_queue_find_custom (&self->lru, &key, compare_keys);

      if (link != NULL)
        {
          g_queue_unlink (&self->lru, link);
          g_queue_push_head_link (&self->lru, link);
        }
      /* a partial one stays until the overview grows */
      return texture;
    }
  if (layer == SHEATH_SLIDE_LAYER_LABELS && self->progress != NULL)
    {
      if (level < self->progress_level)
        return NULL;
      texture = progress_tile (self, level, tx, ty);
      insert_texture (self, key, texture);
      return texture;
    }
  if (layer == SHEATH_SLIDE_LAYER_LABELS && !self->has_label_map)
    return NULL;

  g_mutex_lock (&self->shared->mutex);
  if (!g_hash_table_contains (self->shared->queued, &key))
    {
      guint64 *wanted = g_memdup2 (&key, sizeof key);

      g_queue_push_head (&self->shared->wanted, wanted);
      g_hash_table_add (self->shared->queued, wanted);
      g_cond_signal (&self->shared->cond);
    }
  g_mutex_unlock (&self->shared->mutex);
  return texture;
}

/**
 * sheath_slide_tiles_peek:
 *
 * Returns: (transfer none) (nullable): the tile if it is made, without
 *   asking for it
 */
GdkTexture *
sheath_slide_tiles_peek (SheathSlideTiles *self,
                         SheathSlideLayer  layer,
                         guint             level,
                         guint             tx,
                         guint             ty)
{
  guint64 key = tile_key (layer, level, tx, ty);

  g_return_val_if_fail (SHEATH_IS_SLIDE_TILES (self), NULL);
  return g_hash_table_lookup (self->textures, &key);
}

guint
sheath_slide_tiles_get_n_textures (SheathSlideTiles *self)
{
  g_return_val_if_fail (SHEATH_IS_SLIDE_TILES (self), 0);
  return g_hash_table_size (self->textures);
}
