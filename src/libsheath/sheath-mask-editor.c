/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-mask-editor"

#include "config.h"

#include <math.h>

#include "sheath-mask-editor-private.h"
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

void
_sheath_mask_editor_edit_free (gpointer data)
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
void
_sheath_mask_editor_copy_tile (SheathMaskEditor *self,
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

      _sheath_mask_editor_copy_tile (self, change->tile, forward ? change->after : change->before, FALSE);
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

  g_clear_pointer (&self->stroke, _sheath_mask_editor_edit_free);
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

  /**
   * SheathMaskEditor:segmentation:
   *
   * The segmentation edited, in place.
   */
  properties [PROP_SEGMENTATION] =
    g_param_spec_object ("segmentation", NULL, NULL, SHEATH_TYPE_SEGMENTATION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * SheathMaskEditor:can-undo:
   *
   * Whether there is an edit to take back.
   */
  properties [PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * SheathMaskEditor:can-redo:
   *
   * Whether an undone edit can be done again.
   */
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
  self->history = g_ptr_array_new_with_free_func (_sheath_mask_editor_edit_free);
}

/**
 * sheath_mask_editor_new:
 * @segmentation: the segmentation to edit, in place
 *
 * Makes an editor of @segmentation, which it edits in place.
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
 * The segmentation edited.
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
void
_sheath_mask_editor_save_tile (SheathMaskEditor *self,
                               guint             tile)
{
  TileChange change;

  if (g_hash_table_contains (self->stroke_tiles, GUINT_TO_POINTER (tile)))
    return;
  change.tile = tile;
  change.before = g_malloc (TILE_BYTES);
  change.after = NULL;
  _sheath_mask_editor_copy_tile (self, tile, change.before, TRUE);
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
 * @label: the class painted or erased: %SHEATH_LABEL_AXON,
 *   %SHEATH_LABEL_MYELIN or %SHEATH_LABEL_UNMYELINATED_AXON (ignored by
 *   %SHEATH_BRUSH_CUT)
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
  g_return_if_fail ((label >= SHEATH_LABEL_MYELIN && label <= SHEATH_LABEL_UNMYELINATED_AXON) ||
                    mode == SHEATH_BRUSH_CUT);
  g_return_if_fail (isfinite (x0) && isfinite (y0) && isfinite (x1) && isfinite (y1) && isfinite (radius));

  radius = MAX (radius, 0.5);
  r2 = radius * radius;
  target = mode == SHEATH_BRUSH_PAINT ? (guint8) label : (guint8) SHEATH_LABEL_BACKGROUND;
  if (target == SHEATH_LABEL_UNMYELINATED_AXON)
    sheath_segmentation_set_unmyelinated (self->segmentation, TRUE);

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
      guint8 *confidence = _sheath_segmentation_get_confidence_row (self->segmentation, (guint) y);
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

          _sheath_mask_editor_save_tile (self, (guint) (y / TILE) * self->tiles_x + (guint) (x / TILE));
          row[x] = target;
          /* a person decided this pixel */
          if (confidence != NULL)
            confidence[x] = 255;
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
      _sheath_mask_editor_edit_free (edit);
      return;
    }

  for (guint i = 0; i < edit->changes->len; i++)
    {
      TileChange *change = &g_array_index (edit->changes, TileChange, i);

      change->after = g_malloc (TILE_BYTES);
      _sheath_mask_editor_copy_tile (self, change->tile, change->after, TRUE);
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

/**
 * sheath_mask_editor_can_undo:
 *
 * Whether there is an edit to take back.
 *
 * Returns: %TRUE if there is one
 */
gboolean
sheath_mask_editor_can_undo (SheathMaskEditor *self)
{
  g_return_val_if_fail (SHEATH_IS_MASK_EDITOR (self), FALSE);

  return self->n_applied > 0 || self->stroke != NULL;
}

/**
 * sheath_mask_editor_can_redo:
 *
 * Whether an undone edit can be done again.
 *
 * Returns: %TRUE if there is one
 */
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
 * The memory the undo history holds.
 *
 * Returns: the memory the undo history holds, in bytes
 */
gsize
sheath_mask_editor_get_history_bytes (SheathMaskEditor *self)
{
  g_return_val_if_fail (SHEATH_IS_MASK_EDITOR (self), 0);

  return self->history_bytes;
}

