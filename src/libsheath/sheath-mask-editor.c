/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-mask-editor"

#include "config.h"

#include <math.h>
#include <string.h>

#include "sheath-error.h"
#include "sheath-mask-editor.h"
#include "sheath-morphometrics-private.h"
#include "sheath-segmentation-private.h"

/**
 * SheathMaskEditor:
 *
 * Edits a #SheathSegmentation by hand, stroke by stroke, with undo and redo.
 *
 * A stroke is what one drag of the pointer paints: begin it, give it the
 * segments the pointer moved along, end it. Undo takes back a whole stroke.
 * The history keeps, for each stroke, only the 64 × 64 tiles it changed
 * (before and after), so that undo stays cheap on masks of tens of
 * thousands of pixels a side; the oldest strokes are forgotten beyond
 * 256 MiB.
 */

#define TILE           64
#define TILE_BYTES     (TILE * TILE)
#define HISTORY_LIMIT  ((gsize) 256 * 1024 * 1024)

typedef struct
{
  guint   tile;
  guint8 *before;
  guint8 *after;
} TileChange;

typedef struct
{
  GArray *changes;       /* TileChange */
  int     x0, y0, x1, y1; /* the pixels it touched, x1 and y1 excluded */
} Edit;

struct _SheathMaskEditor
{
  GObject             parent_instance;

  SheathSegmentation *segmentation;
  guint               width;
  guint               height;
  guint               tiles_x;

  GPtrArray          *history;       /* Edit, oldest first */
  guint               n_applied;     /* history[0, n_applied) is applied, the rest can be redone */
  gsize               history_bytes;

  Edit               *stroke;        /* being drawn, or NULL */
  GHashTable         *stroke_tiles;  /* tile → 1 + its index in stroke->changes */
};

G_DEFINE_FINAL_TYPE (SheathMaskEditor, sheath_mask_editor, G_TYPE_OBJECT)

enum { PROP_0, PROP_SEGMENTATION, PROP_CAN_UNDO, PROP_CAN_REDO, N_PROPS };
static GParamSpec *properties [N_PROPS];

enum { CHANGED, N_SIGNALS };
static guint signals [N_SIGNALS];

static void
tile_change_clear (gpointer data)
{
  TileChange *change = data;

  g_free (change->before);
  g_free (change->after);
}

static void
edit_free (gpointer data)
{
  Edit *edit = data;

  g_array_unref (edit->changes);
  g_free (edit);
}

static Edit *
edit_new (void)
{
  Edit *edit = g_new0 (Edit, 1);

  edit->changes = g_array_new (FALSE, FALSE, sizeof (TileChange));
  g_array_set_clear_func (edit->changes, tile_change_clear);
  edit->x0 = edit->y0 = G_MAXINT;
  edit->x1 = edit->y1 = G_MININT;
  return edit;
}

static gsize
edit_bytes (Edit *edit)
{
  return edit->changes->len * (gsize) (2 * TILE_BYTES + sizeof (TileChange));
}

/* copies a tile's pixels to or from a TILE × TILE buffer; edge tiles use
 * only part of it */
static void
copy_tile (SheathMaskEditor *self,
           guint             tile,
           guint8           *buffer,
           gboolean          to_buffer)
{
  guint x0 = (tile % self->tiles_x) * TILE, y0 = (tile / self->tiles_x) * TILE;
  guint w = MIN (TILE, self->width - x0), h = MIN (TILE, self->height - y0);

  for (guint r = 0; r < h; r++)
    {
      guint8 *row = _sheath_segmentation_get_row (self->segmentation, y0 + r) + x0;

      if (to_buffer)
        memcpy (buffer + r * TILE, row, w);
      else
        memcpy (row, buffer + r * TILE, w);
    }
}

static void
apply_edit (SheathMaskEditor *self,
            Edit             *edit,
            gboolean          forward)
{
  for (guint i = 0; i < edit->changes->len; i++)
    {
      TileChange *change = &g_array_index (edit->changes, TileChange, i);

      copy_tile (self, change->tile, forward ? change->after : change->before, FALSE);
    }
  g_signal_emit (self, signals [CHANGED], 0, edit->x0, edit->y0, edit->x1 - edit->x0, edit->y1 - edit->y0);
}

static void
notify_history (SheathMaskEditor *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CAN_UNDO]);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CAN_REDO]);
}

static void
sheath_mask_editor_finalize (GObject *object)
{
  SheathMaskEditor *self = SHEATH_MASK_EDITOR (object);

  g_clear_pointer (&self->stroke, edit_free);
  g_clear_pointer (&self->stroke_tiles, g_hash_table_unref);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_clear_object (&self->segmentation);

  G_OBJECT_CLASS (sheath_mask_editor_parent_class)->finalize (object);
}

static void
sheath_mask_editor_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SheathMaskEditor *self = SHEATH_MASK_EDITOR (object);

  switch (prop_id)
    {
    case PROP_SEGMENTATION:
      g_value_set_object (value, self->segmentation);
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, sheath_mask_editor_can_undo (self));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, sheath_mask_editor_can_redo (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_mask_editor_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  SheathMaskEditor *self = SHEATH_MASK_EDITOR (object);

  switch (prop_id)
    {
    case PROP_SEGMENTATION:
      self->segmentation = g_value_dup_object (value);
      self->width = sheath_segmentation_get_width (self->segmentation);
      self->height = sheath_segmentation_get_height (self->segmentation);
      self->tiles_x = (self->width + TILE - 1) / TILE;
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_mask_editor_class_init (SheathMaskEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sheath_mask_editor_finalize;
  object_class->get_property = sheath_mask_editor_get_property;
  object_class->set_property = sheath_mask_editor_set_property;

  properties [PROP_SEGMENTATION] =
    g_param_spec_object ("segmentation", NULL, NULL, SHEATH_TYPE_SEGMENTATION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties [PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties [PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SheathMaskEditor::changed:
   * @self: the editor
   * @x: first column changed
   * @y: first row changed
   * @width: columns changed
   * @height: rows changed
   *
   * Pixels of the segmentation changed, by an edit, an undo or a redo.
   */
  signals [CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_INT, G_TYPE_INT, G_TYPE_INT, G_TYPE_INT);
}

static void
sheath_mask_editor_init (SheathMaskEditor *self)
{
  self->history = g_ptr_array_new_with_free_func (edit_free);
}

/**
 * sheath_mask_editor_new:
 * @segmentation: the segmentation to edit, in place
 *
 * Returns: (transfer full): a new editor with an empty history
 */
SheathMaskEditor *
sheath_mask_editor_new (SheathSegmentation *segmentation)
{
  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (segmentation), NULL);

  return g_object_new (SHEATH_TYPE_MASK_EDITOR, "segmentation", segmentation, NULL);
}

/**
 * sheath_mask_editor_get_segmentation:
 *
 * Returns: (transfer none): the segmentation edited
 */
SheathSegmentation *
sheath_mask_editor_get_segmentation (SheathMaskEditor *self)
{
  g_return_val_if_fail (SHEATH_IS_MASK_EDITOR (self), NULL);

  return self->segmentation;
}

/**
 * sheath_mask_editor_begin_stroke:
 *
 * Starts a stroke; everything painted until sheath_mask_editor_end_stroke()
 * is undone at once. A stroke still open is ended first.
 */
void
sheath_mask_editor_begin_stroke (SheathMaskEditor *self)
{
  g_return_if_fail (SHEATH_IS_MASK_EDITOR (self));

  if (self->stroke != NULL)
    sheath_mask_editor_end_stroke (self);
  self->stroke = edit_new ();
  self->stroke_tiles = g_hash_table_new (NULL, NULL);
}

/* the tile's change in this stroke, saving its pixels on first touch */
static void
save_tile (SheathMaskEditor *self,
           guint             tile)
{
  TileChange change;

  if (g_hash_table_contains (self->stroke_tiles, GUINT_TO_POINTER (tile)))
    return;
  change.tile = tile;
  change.before = g_malloc (TILE_BYTES);
  change.after = NULL;
  copy_tile (self, tile, change.before, TRUE);
  g_array_append_val (self->stroke->changes, change);
  g_hash_table_insert (self->stroke_tiles, GUINT_TO_POINTER (tile), GUINT_TO_POINTER (self->stroke->changes->len));
}

/**
 * sheath_mask_editor_stroke_to:
 * @x0: where this segment of the stroke starts, in image pixels (pixel i
 *   spans [i, i + 1))
 * @y0: its row
 * @x1: where it ends
 * @y1: its row
 * @radius: the brush's radius in pixels (at least half a pixel)
 * @label: the class painted or erased: %SHEATH_LABEL_AXON or
 *   %SHEATH_LABEL_MYELIN (ignored by %SHEATH_BRUSH_CUT)
 * @mode: paint, erase or cut
 *
 * Paints (or erases) every pixel whose centre lies within @radius of the
 * segment, as a round brush dragged from (@x0, @y0) to (@x1, @y1) does.
 * Needs a stroke begun with sheath_mask_editor_begin_stroke().
 */
void
sheath_mask_editor_stroke_to (SheathMaskEditor *self,
                              double            x0,
                              double            y0,
                              double            x1,
                              double            y1,
                              double            radius,
                              SheathLabel       label,
                              SheathBrushMode   mode)
{
  double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
  double r2;
  gint64 bx0, by0, bx1, by1;
  guint8 target;

  g_return_if_fail (SHEATH_IS_MASK_EDITOR (self));
  g_return_if_fail (self->stroke != NULL);
  g_return_if_fail (label == SHEATH_LABEL_AXON || label == SHEATH_LABEL_MYELIN || mode == SHEATH_BRUSH_CUT);
  g_return_if_fail (isfinite (x0) && isfinite (y0) && isfinite (x1) && isfinite (y1) && isfinite (radius));

  radius = MAX (radius, 0.5);
  r2 = radius * radius;
  target = mode == SHEATH_BRUSH_PAINT ? (guint8) label : (guint8) SHEATH_LABEL_BACKGROUND;

  /* the pixels whose centres can be in reach, clipped to the image */
  bx0 = (gint64) floor (MIN (x0, x1) - radius - 0.5);
  by0 = (gint64) floor (MIN (y0, y1) - radius - 0.5);
  bx1 = (gint64) ceil (MAX (x0, x1) + radius + 0.5);
  by1 = (gint64) ceil (MAX (y0, y1) + radius + 0.5);
  bx0 = MAX (bx0, 0);
  by0 = MAX (by0, 0);
  bx1 = MIN (bx1, (gint64) self->width);
  by1 = MIN (by1, (gint64) self->height);
  if (bx0 >= bx1 || by0 >= by1)
    return;

  for (gint64 y = by0; y < by1; y++)
    {
      guint8 *row = _sheath_segmentation_get_row (self->segmentation, (guint) y);
      double cy = (double) y + 0.5;

      for (gint64 x = bx0; x < bx1; x++)
        {
          double cx = (double) x + 0.5, t = 0, ex, ey;

          if (len2 > 0)
            t = CLAMP (((cx - x0) * dx + (cy - y0) * dy) / len2, 0.0, 1.0);
          ex = cx - (x0 + t * dx);
          ey = cy - (y0 + t * dy);
          if (ex * ex + ey * ey > r2 || row[x] == target)
            continue;
          if (mode == SHEATH_BRUSH_ERASE && row[x] != (guint8) label)
            continue;

          save_tile (self, (guint) (y / TILE) * self->tiles_x + (guint) (x / TILE));
          row[x] = target;
        }
    }

  self->stroke->x0 = MIN (self->stroke->x0, (int) bx0);
  self->stroke->y0 = MIN (self->stroke->y0, (int) by0);
  self->stroke->x1 = MAX (self->stroke->x1, (int) bx1);
  self->stroke->y1 = MAX (self->stroke->y1, (int) by1);
  g_signal_emit (self, signals [CHANGED], 0, (int) bx0, (int) by0, (int) (bx1 - bx0), (int) (by1 - by0));
}

static void
drop_redo (SheathMaskEditor *self)
{
  for (guint i = self->n_applied; i < self->history->len; i++)
    self->history_bytes -= edit_bytes (g_ptr_array_index (self->history, i));
  g_ptr_array_set_size (self->history, self->n_applied);
}

/**
 * sheath_mask_editor_end_stroke:
 *
 * Ends the stroke: it becomes one step of the history. A stroke that
 * changed nothing leaves no step.
 */
void
sheath_mask_editor_end_stroke (SheathMaskEditor *self)
{
  Edit *edit;

  g_return_if_fail (SHEATH_IS_MASK_EDITOR (self));

  if (self->stroke == NULL)
    return;
  edit = g_steal_pointer (&self->stroke);
  g_clear_pointer (&self->stroke_tiles, g_hash_table_unref);
  if (edit->changes->len == 0)
    {
      edit_free (edit);
      return;
    }

  for (guint i = 0; i < edit->changes->len; i++)
    {
      TileChange *change = &g_array_index (edit->changes, TileChange, i);

      change->after = g_malloc (TILE_BYTES);
      copy_tile (self, change->tile, change->after, TRUE);
    }

  drop_redo (self);
  g_ptr_array_add (self->history, edit);
  self->n_applied++;
  self->history_bytes += edit_bytes (edit);

  /* forget the oldest strokes, never the one just made */
  while (self->history_bytes > HISTORY_LIMIT && self->history->len > 1)
    {
      self->history_bytes -= edit_bytes (g_ptr_array_index (self->history, 0));
      g_ptr_array_remove_index (self->history, 0);
      self->n_applied--;
    }
  notify_history (self);
}

gboolean
sheath_mask_editor_can_undo (SheathMaskEditor *self)
{
  g_return_val_if_fail (SHEATH_IS_MASK_EDITOR (self), FALSE);

  return self->n_applied > 0 || self->stroke != NULL;
}

gboolean
sheath_mask_editor_can_redo (SheathMaskEditor *self)
{
  g_return_val_if_fail (SHEATH_IS_MASK_EDITOR (self), FALSE);

  return self->n_applied < self->history->len;
}

/**
 * sheath_mask_editor_undo:
 *
 * Takes back the last stroke (ending one being drawn first).
 *
 * Returns: %FALSE when there was nothing to undo
 */
gboolean
sheath_mask_editor_undo (SheathMaskEditor *self)
{
  g_return_val_if_fail (SHEATH_IS_MASK_EDITOR (self), FALSE);

  sheath_mask_editor_end_stroke (self);
  if (self->n_applied == 0)
    return FALSE;
  self->n_applied--;
  apply_edit (self, g_ptr_array_index (self->history, self->n_applied), FALSE);
  notify_history (self);
  return TRUE;
}

/**
 * sheath_mask_editor_redo:
 *
 * Paints again the last stroke undone.
 *
 * Returns: %FALSE when there was nothing to redo
 */
gboolean
sheath_mask_editor_redo (SheathMaskEditor *self)
{
  g_return_val_if_fail (SHEATH_IS_MASK_EDITOR (self), FALSE);

  if (self->stroke != NULL || self->n_applied == self->history->len)
    return FALSE;
  apply_edit (self, g_ptr_array_index (self->history, self->n_applied), TRUE);
  self->n_applied++;
  notify_history (self);
  return TRUE;
}

/**
 * sheath_mask_editor_get_history_bytes:
 *
 * Returns: the memory the undo history holds, in bytes
 */
gsize
sheath_mask_editor_get_history_bytes (SheathMaskEditor *self)
{
  g_return_val_if_fail (SHEATH_IS_MASK_EDITOR (self), 0);

  return self->history_bytes;
}

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

  if (row[x] == value)
    return;
  save_tile (self, (y / TILE) * self->tiles_x + x / TILE);
  row[x] = value;
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
    g_signal_emit (self, signals [CHANGED], 0, edit->x0, edit->y0, edit->x1 - edit->x0, edit->y1 - edit->y0);
  sheath_mask_editor_end_stroke (self);
  return changed;
}

/* Puts the pixels of the open stroke back as they were and forgets it. */
static void
abort_edit (SheathMaskEditor *self)
{
  Edit *edit = g_steal_pointer (&self->stroke);

  for (guint i = 0; i < edit->changes->len; i++)
    copy_tile (self, g_array_index (edit->changes, TileChange, i).tile,
               g_array_index (edit->changes, TileChange, i).before, FALSE);
  g_clear_pointer (&self->stroke_tiles, g_hash_table_unref);
  edit_free (edit);
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
  g_return_val_if_fail (label <= SHEATH_LABEL_AXON, FALSE);

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
                           "This background is not closed: it reaches the image's edge");
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
                           "These measurements are not of the segmentation being edited");
      return FALSE;
    }
  if (id == 0 || id > sheath_morphometrics_get_n_axons (morphometrics))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "There is no axon %u", id);
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
      g_set_error_literal (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, "Choose two different axons to merge");
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
      g_set_error_literal (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, "The masks are not the same size");
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
