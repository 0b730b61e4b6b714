/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-viewer"

#include "config.h"

#include <math.h>

#include "sheath-viewer-private.h"

/* What the pointer, touch and keys do to the view: zoom, pan, pinch, click
 * an axon, and the drags that edit. */

static gboolean
scroll_cb (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           SheathViewer             *self)
{
  if (!_sheath_viewer_has_content (self))
    return FALSE;
  _sheath_viewer_zoom_about (self, self->zoom * pow (1.15, -dy), self->pointer_x, self->pointer_y);
  return TRUE;
}

static void
drag_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               SheathViewer   *self)
{
  /* while a tool is active the primary button is the tool's; any other
   * button still pans */
  if (self->editing && gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture)) == GDK_BUTTON_PRIMARY)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  self->drag_origin_x = self->origin_x;
  self->drag_origin_y = self->origin_y;
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
drag_update_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                SheathViewer   *self)
{
  self->origin_x = self->drag_origin_x - dx / self->zoom;
  self->origin_y = self->drag_origin_y - dy / self->zoom;
  _sheath_viewer_clamp_origin (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
edit_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               SheathViewer   *self)
{
  if (!self->editing || !_sheath_viewer_has_content (self))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->edit_start_x = x;
  self->edit_start_y = y;
  g_signal_emit_by_name (self, "edit-begin", self->origin_x + x / self->zoom, self->origin_y + y / self->zoom);
}

static void
edit_update_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                SheathViewer   *self)
{
  double x = self->edit_start_x + dx, y = self->edit_start_y + dy;

  self->pointer_x = x;
  self->pointer_y = y;
  g_signal_emit_by_name (self, "edit-motion", self->origin_x + x / self->zoom, self->origin_y + y / self->zoom);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
edit_end_cb (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             SheathViewer   *self)
{
  double x = self->edit_start_x + dx, y = self->edit_start_y + dy;

  g_signal_emit_by_name (self, "edit-end", self->origin_x + x / self->zoom, self->origin_y + y / self->zoom);
}

static void
pinch_begin_cb (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                SheathViewer     *self)
{
  self->pinch_zoom = self->zoom;
}

static void
pinch_cb (GtkGestureZoom *gesture,
          double          scale,
          SheathViewer   *self)
{
  double cx, cy;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &cx, &cy))
    cx = cy = 0;
  _sheath_viewer_zoom_about (self, self->pinch_zoom * scale, cx, cy);
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           SheathViewer             *self)
{
  int ix, iy;

  self->pointer_x = x;
  self->pointer_y = y;
  self->pointer_inside = TRUE;
  if (self->editing && self->brush_radius > 0)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  if (!_sheath_viewer_has_content (self))
    return;
  ix = (int) floor (self->origin_x + x / self->zoom);
  iy = (int) floor (self->origin_y + y / self->zoom);
  if (ix < 0 || iy < 0 || ix >= (int) _sheath_viewer_get_width (self) || iy >= (int) _sheath_viewer_get_height (self))
    ix = iy = -1;
  g_signal_emit_by_name (self, "pointer-moved", ix, iy);
}

static void
click_released_cb (GtkGestureClick *gesture,
                   int              n_press,
                   double           x,
                   double           y,
                   SheathViewer    *self)
{
  int ix, iy;

  if (!_sheath_viewer_has_content (self) ||
      (self->editing && gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture)) == GDK_BUTTON_PRIMARY))
    return;
  ix = (int) floor (self->origin_x + x / self->zoom);
  iy = (int) floor (self->origin_y + y / self->zoom);
  if (ix >= 0 && iy >= 0 && ix < (int) _sheath_viewer_get_width (self) && iy < (int) _sheath_viewer_get_height (self))
    g_signal_emit_by_name (self, "clicked", ix, iy,
                   gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture)));
}

static void
leave_cb (GtkEventControllerMotion *controller,
          SheathViewer             *self)
{
  self->pointer_inside = FALSE;
  if (self->editing && self->brush_radius > 0)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit_by_name (self, "pointer-moved", -1, -1);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SheathViewer *self = SHEATH_VIEWER (widget);
  const char *what = g_variant_get_string (param, NULL);
  double cx = gtk_widget_get_width (widget) / 2.0, cy = gtk_widget_get_height (widget) / 2.0;

  if (!_sheath_viewer_has_content (self))
    return;
  if (g_str_equal (what, "in"))
    _sheath_viewer_zoom_about (self, self->zoom * 1.25, cx, cy);
  else if (g_str_equal (what, "out"))
    _sheath_viewer_zoom_about (self, self->zoom / 1.25, cx, cy);
  else if (g_str_equal (what, "fit"))
    sheath_viewer_zoom_to_fit (self);
  else
    _sheath_viewer_zoom_about (self, 1.0, cx, cy);
}

static void
pan_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  SheathViewer *self = SHEATH_VIEWER (widget);
  int dx, dy;

  g_variant_get (param, "(ii)", &dx, &dy);
  self->origin_x += dx * gtk_widget_get_width (widget) / 8.0 / self->zoom;
  self->origin_y += dy * gtk_widget_get_height (widget) / 8.0 / self->zoom;
  _sheath_viewer_clamp_origin (self);
  gtk_widget_queue_draw (widget);
}

static void
toggle_overlay_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  SheathViewer *self = SHEATH_VIEWER (widget);

  sheath_viewer_set_overlay_visible (self, !self->overlay_visible);
}

void
_sheath_viewer_class_init_input (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "viewer.zoom", "s", zoom_action);
  gtk_widget_class_install_action (widget_class, "viewer.pan", "(ii)", pan_action);
  gtk_widget_class_install_action (widget_class, "viewer.toggle-overlay", NULL, toggle_overlay_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "viewer.zoom", "s", "in");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "viewer.zoom", "s", "in");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "viewer.zoom", "s", "in");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "viewer.zoom", "s", "out");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "viewer.zoom", "s", "out");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, 0, "viewer.zoom", "s", "fit");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, 0, "viewer.zoom", "s", "one");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "viewer.pan", "(ii)", -1, 0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "viewer.pan", "(ii)", 1, 0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, 0, "viewer.pan", "(ii)", 0, -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, 0, "viewer.pan", "(ii)", 0, 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, 0, "viewer.toggle-overlay", NULL);

}

void
_sheath_viewer_init_input (SheathViewer *self)
{
  GtkEventController *scroll, *motion;
  GtkGesture *drag, *edit, *pinch, *click;

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  edit = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (edit), GDK_BUTTON_PRIMARY);
  g_signal_connect (edit, "drag-begin", G_CALLBACK (edit_begin_cb), self);
  g_signal_connect (edit, "drag-update", G_CALLBACK (edit_update_cb), self);
  g_signal_connect (edit, "drag-end", G_CALLBACK (edit_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (edit));

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect (click, "released", G_CALLBACK (click_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  pinch = gtk_gesture_zoom_new ();
  g_signal_connect (pinch, "begin", G_CALLBACK (pinch_begin_cb), self);
  g_signal_connect (pinch, "scale-changed", G_CALLBACK (pinch_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (pinch));
}
