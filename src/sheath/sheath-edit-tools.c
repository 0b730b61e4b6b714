/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-edit-tools"

#include "config.h"

#include <glib/gi18n.h>

#include <math.h>

#include "sheath-edit-tools.h"

/* The tools of the mask editor: which one is active, the class it paints
 * and the brush's size, and what a drag in the viewer does with them. The
 * viewer keeps zooming and panning (wheel, other buttons, keys) whatever
 * the tool. Everything is also reachable as actions of the "edit" group,
 * so that buttons and keys share one state. */
struct _SheathEditTools
{
  GObject             parent_instance;

  SheathViewer       *viewer;
  SheathMaskEditor   *editor;
  GSimpleActionGroup *actions;

  SheathEditTool      tool;
  SheathLabel         paint_class;
  double              brush_size;      /* diameter, in brush_unit */
  gboolean            brush_in_um;
  double              pixel_size;      /* µm; 0 when unknown */

  gboolean            dragging;
  double              last_x;
  double              last_y;
  GArray             *path;            /* doubles: the lasso, or the cut's two ends */
};

G_DEFINE_FINAL_TYPE (SheathEditTools, sheath_edit_tools, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (SheathEditTool, sheath_edit_tool,
                    G_DEFINE_ENUM_VALUE (SHEATH_EDIT_TOOL_PAN, "pan"),
                    G_DEFINE_ENUM_VALUE (SHEATH_EDIT_TOOL_BRUSH, "brush"),
                    G_DEFINE_ENUM_VALUE (SHEATH_EDIT_TOOL_ERASER, "eraser"),
                    G_DEFINE_ENUM_VALUE (SHEATH_EDIT_TOOL_FILL, "fill"),
                    G_DEFINE_ENUM_VALUE (SHEATH_EDIT_TOOL_LASSO, "lasso"),
                    G_DEFINE_ENUM_VALUE (SHEATH_EDIT_TOOL_CUT, "cut"))

enum {
  PROP_0,
  PROP_VIEWER,
  PROP_EDITOR,
  PROP_TOOL,
  PROP_PAINT_CLASS,
  PROP_BRUSH_SIZE,
  PROP_BRUSH_IN_UM,
  PROP_PIXEL_SIZE,
  N_PROPS
};

enum { MESSAGE, N_SIGNALS };

static GParamSpec *properties [N_PROPS];
static guint signals [N_SIGNALS];

/* the cut line is a little over two pixels wide: enough to part
 * 8-connected axons, thin enough to keep the myelin */
#define CUT_RADIUS 1.05

double
sheath_edit_tools_get_brush_radius (SheathEditTools *self)
{
  g_return_val_if_fail (SHEATH_IS_EDIT_TOOLS (self), 0);

  if (self->brush_in_um)
    return self->pixel_size > 0 ? self->brush_size / 2 / self->pixel_size : 0;
  return self->brush_size / 2;
}

static void
update_viewer (SheathEditTools *self)
{
  gboolean brush = self->tool == SHEATH_EDIT_TOOL_BRUSH || self->tool == SHEATH_EDIT_TOOL_ERASER;

  sheath_viewer_set_editing (self->viewer, self->editor != NULL && self->tool != SHEATH_EDIT_TOOL_PAN);
  sheath_viewer_set_brush_radius (self->viewer, brush ? sheath_edit_tools_get_brush_radius (self) : 0);
}

static void
update_actions (SheathEditTools *self)
{
  /* tool and paint-class are property actions, always on: choosing a tool
   * before there are masks does no harm */
  const char *need_editor[] = { "swap-class", "brush-bigger", "brush-smaller", "fill-axons" };

  for (guint i = 0; i < G_N_ELEMENTS (need_editor); i++)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), need_editor[i])),
                                 self->editor != NULL);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), "undo")),
                               self->editor != NULL && sheath_mask_editor_can_undo (self->editor));
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->actions), "redo")),
                               self->editor != NULL && sheath_mask_editor_can_redo (self->editor));
}

/* ---- what a drag does ----------------------------------------------------- */

static SheathBrushMode
brush_mode (SheathEditTools *self)
{
  switch (self->tool)
    {
    case SHEATH_EDIT_TOOL_ERASER: return SHEATH_BRUSH_ERASE;
    case SHEATH_EDIT_TOOL_CUT: return SHEATH_BRUSH_CUT;
    default: return SHEATH_BRUSH_PAINT;
    }
}

static void
edit_begin_cb (SheathViewer    *viewer,
               double           x,
               double           y,
               SheathEditTools *self)
{
  if (self->editor == NULL)
    return;
  self->dragging = TRUE;
  self->last_x = x;
  self->last_y = y;
  g_array_set_size (self->path, 0);

  switch (self->tool)
    {
    case SHEATH_EDIT_TOOL_BRUSH:
    case SHEATH_EDIT_TOOL_ERASER:
      sheath_mask_editor_begin_stroke (self->editor);
      sheath_mask_editor_stroke_to (self->editor, x, y, x, y, sheath_edit_tools_get_brush_radius (self),
                                    self->paint_class, brush_mode (self));
      break;
    case SHEATH_EDIT_TOOL_LASSO:
    case SHEATH_EDIT_TOOL_CUT:
      g_array_append_vals (self->path, (double[]) { x, y }, 2);
      break;
    case SHEATH_EDIT_TOOL_PAN:
    case SHEATH_EDIT_TOOL_FILL:
    default:
      break;
    }
}

static void
edit_motion_cb (SheathViewer    *viewer,
                double           x,
                double           y,
                SheathEditTools *self)
{
  double min_step = 1.0 / sheath_viewer_get_zoom (viewer);   /* a screen pixel */

  if (!self->dragging)
    return;

  switch (self->tool)
    {
    case SHEATH_EDIT_TOOL_BRUSH:
    case SHEATH_EDIT_TOOL_ERASER:
      sheath_mask_editor_stroke_to (self->editor, self->last_x, self->last_y, x, y,
                                    sheath_edit_tools_get_brush_radius (self), self->paint_class, brush_mode (self));
      self->last_x = x;
      self->last_y = y;
      break;
    case SHEATH_EDIT_TOOL_LASSO:
      if (hypot (x - self->last_x, y - self->last_y) < 2 * min_step)
        break;
      g_array_append_vals (self->path, (double[]) { x, y }, 2);
      self->last_x = x;
      self->last_y = y;
      sheath_viewer_set_path (viewer, (double *) self->path->data, self->path->len, TRUE);
      break;
    case SHEATH_EDIT_TOOL_CUT:
      g_array_set_size (self->path, 2);
      g_array_append_vals (self->path, (double[]) { x, y }, 2);
      sheath_viewer_set_path (viewer, (double *) self->path->data, self->path->len, FALSE);
      break;
    case SHEATH_EDIT_TOOL_PAN:
    case SHEATH_EDIT_TOOL_FILL:
    default:
      break;
    }
}

static void
edit_end_cb (SheathViewer    *viewer,
             double           x,
             double           y,
             SheathEditTools *self)
{
  g_autoptr(GError) error = NULL;

  if (!self->dragging)
    return;
  self->dragging = FALSE;

  switch (self->tool)
    {
    case SHEATH_EDIT_TOOL_BRUSH:
    case SHEATH_EDIT_TOOL_ERASER:
      sheath_mask_editor_end_stroke (self->editor);
      break;
    case SHEATH_EDIT_TOOL_LASSO:
      if (self->path->len >= 6)
        sheath_mask_editor_fill_polygon (self->editor, (double *) self->path->data, self->path->len,
                                         self->paint_class, SHEATH_BRUSH_PAINT);
      break;
    case SHEATH_EDIT_TOOL_CUT:
      sheath_mask_editor_begin_stroke (self->editor);
      sheath_mask_editor_stroke_to (self->editor, g_array_index (self->path, double, 0),
                                    g_array_index (self->path, double, 1), x, y, CUT_RADIUS,
                                    SHEATH_LABEL_BACKGROUND, SHEATH_BRUSH_CUT);
      sheath_mask_editor_end_stroke (self->editor);
      break;
    case SHEATH_EDIT_TOOL_FILL:
      if (x >= 0 && y >= 0 &&
          !sheath_mask_editor_fill (self->editor, (guint) x, (guint) y, self->paint_class, &error) &&
          error != NULL)
        g_signal_emit (self, signals [MESSAGE], 0, error->message);
      break;
    case SHEATH_EDIT_TOOL_PAN:
    default:
      break;
    }
  g_array_set_size (self->path, 0);
  sheath_viewer_set_path (viewer, NULL, 0, FALSE);
}

/* ---- actions ------------------------------------------------------------- */

static void
undo_cb (GSimpleAction *action,
         GVariant      *param,
         gpointer       user_data)
{
  SheathEditTools *self = user_data;

  if (self->editor != NULL)
    sheath_mask_editor_undo (self->editor);
}

static void
redo_cb (GSimpleAction *action,
         GVariant      *param,
         gpointer       user_data)
{
  SheathEditTools *self = user_data;

  if (self->editor != NULL)
    sheath_mask_editor_redo (self->editor);
}

static void
swap_class_cb (GSimpleAction *action,
               GVariant      *param,
               gpointer       user_data)
{
  SheathEditTools *self = user_data;

  SheathSegmentation *seg = self->editor ? sheath_mask_editor_get_segmentation (self->editor) : NULL;

  /* axon → myelin (→ unmyelinated axon, where the masks have them) → axon */
  if (self->paint_class == SHEATH_LABEL_AXON)
    self->paint_class = SHEATH_LABEL_MYELIN;
  else if (self->paint_class == SHEATH_LABEL_MYELIN && seg != NULL && sheath_segmentation_get_unmyelinated (seg))
    self->paint_class = SHEATH_LABEL_UNMYELINATED_AXON;
  else
    self->paint_class = SHEATH_LABEL_AXON;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PAINT_CLASS]);
}

static void
brush_step_cb (GSimpleAction *action,
               GVariant      *param,
               gpointer       user_data)
{
  SheathEditTools *self = user_data;
  double factor = g_str_equal (g_action_get_name (G_ACTION (action)), "brush-bigger") ? 1.25 : 0.8;
  GParamSpecDouble *spec = G_PARAM_SPEC_DOUBLE (properties [PROP_BRUSH_SIZE]);

  g_object_set (self, "brush-size", CLAMP (self->brush_size * factor, spec->minimum, spec->maximum), NULL);
}

static void
fill_axons_cb (GSimpleAction *action,
               GVariant      *param,
               gpointer       user_data)
{
  SheathEditTools *self = user_data;
  g_autofree char *text = NULL;
  guint64 n;

  if (self->editor == NULL)
    return;
  n = sheath_mask_editor_fill_axons (self->editor);
  text = n > 0 ? g_strdup_printf (_ ("Filled %.0f pixels inside closed myelin as axon"), (double) n)
               : g_strdup (_ ("No closed myelin ring had an empty inside"));
  g_signal_emit (self, signals [MESSAGE], 0, text);
}

static void
can_undo_cb (SheathMaskEditor *editor,
             GParamSpec       *pspec,
             SheathEditTools  *self)
{
  update_actions (self);
}

/* ---- GObject -------------------------------------------------------------- */

static void
sheath_edit_tools_dispose (GObject *object)
{
  SheathEditTools *self = SHEATH_EDIT_TOOLS (object);

  sheath_edit_tools_set_editor (self, NULL);
  if (self->viewer != NULL)
    g_signal_handlers_disconnect_by_data (self->viewer, self);
  g_clear_object (&self->viewer);
  g_clear_object (&self->actions);

  G_OBJECT_CLASS (sheath_edit_tools_parent_class)->dispose (object);
}

static void
sheath_edit_tools_finalize (GObject *object)
{
  SheathEditTools *self = SHEATH_EDIT_TOOLS (object);

  g_array_unref (self->path);

  G_OBJECT_CLASS (sheath_edit_tools_parent_class)->finalize (object);
}

static void
sheath_edit_tools_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SheathEditTools *self = SHEATH_EDIT_TOOLS (object);

  switch (prop_id)
    {
    case PROP_VIEWER: g_value_set_object (value, self->viewer); break;
    case PROP_EDITOR: g_value_set_object (value, self->editor); break;
    case PROP_TOOL: g_value_set_enum (value, self->tool); break;
    case PROP_PAINT_CLASS: g_value_set_enum (value, self->paint_class); break;
    case PROP_BRUSH_SIZE: g_value_set_double (value, self->brush_size); break;
    case PROP_BRUSH_IN_UM: g_value_set_boolean (value, self->brush_in_um); break;
    case PROP_PIXEL_SIZE: g_value_set_double (value, self->pixel_size); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_edit_tools_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SheathEditTools *self = SHEATH_EDIT_TOOLS (object);

  switch (prop_id)
    {
    case PROP_VIEWER:
      self->viewer = g_value_dup_object (value);
      break;
    case PROP_EDITOR:
      sheath_edit_tools_set_editor (self, g_value_get_object (value));
      break;
    case PROP_TOOL:
      sheath_edit_tools_set_tool (self, g_value_get_enum (value));
      break;
    case PROP_PAINT_CLASS:
      {
        SheathLabel label = g_value_get_enum (value);

        /* background is what erasing makes; painting is a class */
        if (label == SHEATH_LABEL_BACKGROUND || label == self->paint_class)
          break;
        self->paint_class = label;
        g_object_notify_by_pspec (object, pspec);
      }
      break;
    case PROP_BRUSH_SIZE:
      if (self->brush_size != g_value_get_double (value))
        {
          self->brush_size = g_value_get_double (value);
          update_viewer (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_BRUSH_IN_UM:
      if (self->brush_in_um != g_value_get_boolean (value))
        {
          /* the same brush, in the other unit, when the pixel size is known */
          if (self->pixel_size > 0)
            self->brush_size = g_value_get_boolean (value) ? self->brush_size * self->pixel_size
                                                           : self->brush_size / self->pixel_size;
          self->brush_in_um = g_value_get_boolean (value);
          update_viewer (self);
          g_object_notify_by_pspec (object, pspec);
          g_object_notify_by_pspec (object, properties [PROP_BRUSH_SIZE]);
        }
      break;
    case PROP_PIXEL_SIZE:
      self->pixel_size = g_value_get_double (value);
      update_viewer (self);
      g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_edit_tools_constructed (GObject *object)
{
  SheathEditTools *self = SHEATH_EDIT_TOOLS (object);
  const GActionEntry entries[] = {
    { "undo", undo_cb },
    { "redo", redo_cb },
    { "swap-class", swap_class_cb },
    { "brush-bigger", brush_step_cb },
    { "brush-smaller", brush_step_cb },
    { "fill-axons", fill_axons_cb },
  };
  g_autoptr(GPropertyAction) tool = g_property_action_new ("tool", self, "tool");
  g_autoptr(GPropertyAction) paint_class = g_property_action_new ("paint-class", self, "paint-class");

  G_OBJECT_CLASS (sheath_edit_tools_parent_class)->constructed (object);

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), entries, G_N_ELEMENTS (entries), self);
  g_action_map_add_action (G_ACTION_MAP (self->actions), G_ACTION (tool));
  g_action_map_add_action (G_ACTION_MAP (self->actions), G_ACTION (paint_class));
  update_actions (self);

  g_signal_connect (self->viewer, "edit-begin", G_CALLBACK (edit_begin_cb), self);
  g_signal_connect (self->viewer, "edit-motion", G_CALLBACK (edit_motion_cb), self);
  g_signal_connect (self->viewer, "edit-end", G_CALLBACK (edit_end_cb), self);
}

static void
sheath_edit_tools_class_init (SheathEditToolsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = sheath_edit_tools_constructed;
  object_class->dispose = sheath_edit_tools_dispose;
  object_class->finalize = sheath_edit_tools_finalize;
  object_class->get_property = sheath_edit_tools_get_property;
  object_class->set_property = sheath_edit_tools_set_property;

  properties [PROP_VIEWER] =
    g_param_spec_object ("viewer", NULL, NULL, SHEATH_TYPE_VIEWER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties [PROP_EDITOR] = g_param_spec_object ("editor", NULL, NULL, SHEATH_TYPE_MASK_EDITOR, rw);
  properties [PROP_TOOL] =
    g_param_spec_enum ("tool", NULL, NULL, SHEATH_TYPE_EDIT_TOOL, SHEATH_EDIT_TOOL_PAN, rw);
  properties [PROP_PAINT_CLASS] =
    g_param_spec_enum ("paint-class", NULL, NULL, SHEATH_TYPE_LABEL, SHEATH_LABEL_AXON, rw);
  properties [PROP_BRUSH_SIZE] = g_param_spec_double ("brush-size", NULL, NULL, 0.1, 500, 10, rw);
  properties [PROP_BRUSH_IN_UM] = g_param_spec_boolean ("brush-in-um", NULL, NULL, FALSE, rw);
  properties [PROP_PIXEL_SIZE] = g_param_spec_double ("pixel-size", NULL, NULL, 0, G_MAXDOUBLE, 0, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SheathEditTools::message:
   * @text: what to tell the user (a fill that could not be done, …)
   */
  signals [MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
sheath_edit_tools_init (SheathEditTools *self)
{
  self->paint_class = SHEATH_LABEL_AXON;
  self->brush_size = 10;
  self->path = g_array_new (FALSE, FALSE, sizeof (double));
}

SheathEditTools *
sheath_edit_tools_new (SheathViewer *viewer)
{
  g_return_val_if_fail (SHEATH_IS_VIEWER (viewer), NULL);

  return g_object_new (SHEATH_TYPE_EDIT_TOOLS, "viewer", viewer, NULL);
}

/**
 * sheath_edit_tools_get_actions:
 *
 * Returns: (transfer none): the "edit" actions: tool, paint-class,
 *   swap-class, brush-bigger, brush-smaller, undo, redo, fill-axons
 */
GActionGroup *
sheath_edit_tools_get_actions (SheathEditTools *self)
{
  g_return_val_if_fail (SHEATH_IS_EDIT_TOOLS (self), NULL);
  return G_ACTION_GROUP (self->actions);
}

SheathMaskEditor *
sheath_edit_tools_get_editor (SheathEditTools *self)
{
  g_return_val_if_fail (SHEATH_IS_EDIT_TOOLS (self), NULL);
  return self->editor;
}

/**
 * sheath_edit_tools_set_editor:
 * @editor: (nullable): the editor of the masks shown, or %NULL while there
 *   are none
 */
void
sheath_edit_tools_set_editor (SheathEditTools  *self,
                              SheathMaskEditor *editor)
{
  g_return_if_fail (SHEATH_IS_EDIT_TOOLS (self));

  if (self->editor == editor)
    return;
  if (self->editor != NULL)
    {
      /* a stroke in flight ends with the masks it was painting */
      sheath_mask_editor_end_stroke (self->editor);
      g_signal_handlers_disconnect_by_data (self->editor, self);
    }
  self->dragging = FALSE;
  g_set_object (&self->editor, editor);
  if (editor != NULL)
    {
      g_signal_connect (editor, "notify::can-undo", G_CALLBACK (can_undo_cb), self);
      g_signal_connect (editor, "notify::can-redo", G_CALLBACK (can_undo_cb), self);
    }
  if (self->actions != NULL)
    update_actions (self);
  if (self->viewer != NULL)
    update_viewer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_EDITOR]);
}

SheathEditTool
sheath_edit_tools_get_tool (SheathEditTools *self)
{
  g_return_val_if_fail (SHEATH_IS_EDIT_TOOLS (self), SHEATH_EDIT_TOOL_PAN);
  return self->tool;
}

void
sheath_edit_tools_set_tool (SheathEditTools *self,
                            SheathEditTool   tool)
{
  g_return_if_fail (SHEATH_IS_EDIT_TOOLS (self));

  if (self->tool == tool)
    return;
  if (self->dragging && self->editor != NULL)
    sheath_mask_editor_end_stroke (self->editor);
  self->dragging = FALSE;
  self->tool = tool;
  update_viewer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TOOL]);
}

SheathLabel
sheath_edit_tools_get_paint_class (SheathEditTools *self)
{
  g_return_val_if_fail (SHEATH_IS_EDIT_TOOLS (self), SHEATH_LABEL_AXON);
  return self->paint_class;
}
