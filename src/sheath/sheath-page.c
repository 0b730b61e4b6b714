/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sheath-morphometrics-panel.h"
#include "sheath-page.h"
#include "sheath-review-bar.h"

/* The widget that shows one document: its image and masks in the viewer,
 * the editing tools over them and the measurements beside. It listens to
 * the document; the document knows nothing of it. */
struct _SheathPage
{
  GtkWidget                 parent_instance;

  /* template widgets */
  GtkWidget                *layout;
  GtkWidget                *paned;
  GtkWidget                *tools_revealer;
  GtkWidget                *paint_uaxon;
  SheathReviewBar          *review_bar;
  GtkSpinButton            *brush_size;
  GtkDropDown              *brush_unit;
  SheathViewer             *viewer;
  GtkWidget                *panel_scroller;
  SheathMorphometricsPanel *panel;

  /* owned */
  SheathDocument           *document;
  SheathEditTools          *tools;
};

G_DEFINE_FINAL_TYPE (SheathPage, sheath_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_PANEL_VISIBLE,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
toast (SheathPage *self,
       const char *text)
{
  g_signal_emit_by_name (self->document, "toast", text);
}

/* ---- what the document says --------------------------------------------- */

static void
preview_cb (SheathDocument *doc,
            GBytes         *rgb,
            guint           pw,
            guint           ph,
            guint           width,
            guint           height,
            SheathPage     *self)
{
  g_autoptr(GdkTexture) texture = gdk_memory_texture_new (pw, ph, GDK_MEMORY_R8G8B8, rgb, (gsize) pw * 3);

  sheath_viewer_set_preview (self->viewer, texture, width, height);
}

static void
image_cb (SheathDocument *doc,
          GParamSpec     *pspec,
          SheathPage     *self)
{
  SheathImage *image = sheath_document_get_image (doc);

  if (image == NULL)
    return;
  g_object_set (self->tools, "pixel-size", sheath_image_get_pixel_size (image), NULL);
  /* just loaded, not its pixel size changed */
  if (sheath_viewer_get_image (self->viewer) != image)
    {
      sheath_viewer_set_image (self->viewer, image);
      gtk_widget_grab_focus (GTK_WIDGET (self->viewer));
    }
}

static void
update_selection_actions (SheathPage *self)
{
  gboolean editable = sheath_document_can_edit_axons (self->document);
  guint n;

  sheath_document_get_selection (self->document, &n);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "doc.delete-axon", editable && n >= 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "doc.merge-axons", editable && n == 2);
}

static void
segmentation_cb (SheathDocument *doc,
                 GParamSpec     *pspec,
                 SheathPage     *self)
{
  SheathSegmentation *seg = sheath_document_get_segmentation (doc);

  sheath_edit_tools_set_editor (self->tools, sheath_document_get_editor (doc));
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->tools_revealer), seg != NULL);
  /* a third class to paint where the model knows unmyelinated axons */
  gtk_widget_set_visible (self->paint_uaxon, seg != NULL && sheath_segmentation_get_unmyelinated (seg));
  sheath_viewer_set_segmentation (self->viewer, seg);
  update_selection_actions (self);
}

/* A first segmentation's rows shown as they are done, while there are no
 * masks to show */
static void
partial_cb (SheathDocument *doc,
            GParamSpec     *pspec,
            SheathPage     *self)
{
  if (sheath_document_get_segmentation (doc) == NULL)
    sheath_viewer_set_segmentation (self->viewer, sheath_document_get_partial (doc));
}

static void
labels_changed_cb (SheathDocument *doc,
                   int             x,
                   int             y,
                   int             width,
                   int             height,
                   SheathPage     *self)
{
  sheath_viewer_invalidate_labels (self->viewer, x, y, width, height);
}

static void
morphometrics_cb (SheathDocument *doc,
                  GParamSpec     *pspec,
                  SheathPage     *self)
{
  if (sheath_document_get_morphometrics (doc) == NULL)
    g_object_set (self->viewer, "morphometrics", NULL, NULL);
  update_selection_actions (self);
}

static void
measured_cb (SheathDocument *doc,
             SheathPage     *self)
{
  SheathSegmentation *seg = sheath_document_get_segmentation (doc);

  g_object_set (self->viewer, "morphometrics", NULL, NULL);
  g_object_set (self->viewer, "morphometrics", sheath_document_get_morphometrics (doc), NULL);
  sheath_morphometrics_panel_set_data (self->panel, sheath_document_get_morphometrics (doc),
                                       sheath_document_get_aggregates (doc),
                                       seg ? sheath_segmentation_get_other_classes (seg) : NULL);
  sheath_page_set_panel_visible (self, TRUE);
}

static void
axons_remeasured_cb (SheathDocument *doc,
                     GArray         *changed,
                     SheathPage     *self)
{
  sheath_morphometrics_panel_update_axons (self->panel, sheath_document_get_aggregates (doc),
                                           (guint *) changed->data, changed->len);
  gtk_widget_queue_draw (GTK_WIDGET (self->viewer));   /* the axon numbers */
}

/* Outlines @ids in the viewer; centred on the one axon if @center. */
static void
show_axons (SheathPage  *self,
            const guint *ids,
            guint        n,
            gboolean     center)
{
  SheathMorphometrics *morphometrics = sheath_document_get_morphometrics (self->document);
  g_autoptr(GArray) boxes = g_array_new (FALSE, FALSE, sizeof (int));

  for (guint i = 0; morphometrics != NULL && i < n; i++)
    {
      const SheathAxon *a;

      if (ids[i] == 0 || ids[i] > sheath_morphometrics_get_n_axons (morphometrics))
        continue;
      a = sheath_morphometrics_get_axon (morphometrics, ids[i] - 1);
      g_array_append_vals (boxes, (int[]) { a->bbox_min_x, a->bbox_min_y, a->bbox_max_x, a->bbox_max_y }, 4);
      if (center && n == 1)
        sheath_viewer_center_on (self->viewer, a->x0, a->y0);
    }
  sheath_viewer_set_highlight (self->viewer, (int *) boxes->data, boxes->len / 4);
}

static void
selection_changed_cb (SheathDocument *doc,
                      SheathPage     *self)
{
  guint n;
  const guint *ids = sheath_document_get_selection (doc, &n);

  show_axons (self, ids, n, FALSE);
  update_selection_actions (self);
}

/* ---- what the user does ------------------------------------------------- */

static void
axon_selected_cb (SheathMorphometricsPanel *panel,
                  guint                     id,
                  SheathPage               *self)
{
  sheath_document_select_axons (self->document, &id, 1);
  show_axons (self, &id, 1, TRUE);
}

static void
highlight_changed_cb (SheathMorphometricsPanel *panel,
                      GArray                   *ids,
                      SheathPage               *self)
{
  /* a bin's axons outlined (or none, the filter cleared): the axons
   * selected before are not what Delete should act on any more */
  sheath_document_select_axons (self->document, NULL, 0);
  show_axons (self, (guint *) ids->data, ids->len, FALSE);
}

static void
viewer_clicked_cb (SheathViewer    *viewer,
                   int              x,
                   int              y,
                   GdkModifierType  state,
                   SheathPage      *self)
{
  SheathMorphometrics *morphometrics = sheath_document_get_morphometrics (self->document);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint));
  const guint *selected;
  guint n, id;

  if (morphometrics == NULL)
    return;
  id = sheath_morphometrics_get_axon_at (morphometrics, x, y);
  selected = sheath_document_get_selection (self->document, &n);
  if (state & GDK_CONTROL_MASK)
    {
      /* Ctrl+click adds to the selection (or takes out), to merge two */
      gboolean found = FALSE;

      for (guint i = 0; i < n; i++)
        if (selected[i] == id)
          found = TRUE;
        else
          g_array_append_val (ids, selected[i]);
      if (!found && id != 0)
        g_array_append_val (ids, id);
    }
  else if (id != 0)
    g_array_append_val (ids, id);
  /* the row follows, but the view stays where the user clicked */
  sheath_morphometrics_panel_select_axon (self->panel, ids->len > 0 ? g_array_index (ids, guint, ids->len - 1) : 0);
  sheath_document_select_axons (self->document, (guint *) ids->data, ids->len);
}

static void
delete_axon_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  SheathPage *self = SHEATH_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint n = 0;

  if (!sheath_document_delete_selected (self->document, &n, &error))
    {
      text = g_strdup_printf (_ ("Cannot delete the axon: %s"), error->message);
      toast (self, text);
      return;
    }
  text = n == 1 ? g_strdup (_ ("Axon deleted")) : g_strdup_printf ("%u axons deleted", n);
  toast (self, text);
}

static void
merge_axons_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  SheathPage *self = SHEATH_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (!sheath_document_merge_selected (self->document, &error))
    {
      g_autofree char *text = g_strdup_printf (_ ("Cannot merge: %s"), error->message);
      toast (self, text);
    }
}

static void
review_flagged_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  SheathPage *self = SHEATH_PAGE (widget);

  if (!sheath_review_bar_start (self->review_bar))
    toast (self, _ ("Measure the axons first"));
}

/* The axon under review, centred and zoomed to about a tenth of the view,
 * and selected, for Delete and the tools */
static void
review_axon_cb (SheathReviewBar *bar,
                GParamSpec      *pspec,
                SheathPage      *self)
{
  SheathMorphometrics *morphometrics = sheath_document_get_morphometrics (self->document);
  guint id = sheath_review_bar_get_axon (bar);
  const SheathAxon *a;
  double side, zoom;

  if (id == 0 || morphometrics == NULL || id > sheath_morphometrics_get_n_axons (morphometrics))
    return;
  a = sheath_morphometrics_get_axon (morphometrics, id - 1);
  side = MAX (a->bbox_max_x - a->bbox_min_x, a->bbox_max_y - a->bbox_min_y);
  zoom = MIN (gtk_widget_get_width (GTK_WIDGET (self->viewer)), gtk_widget_get_height (GTK_WIDGET (self->viewer))) /
         MAX (side * 4.0, 1.0);
  if (zoom > 0)
    sheath_viewer_set_zoom (self->viewer, CLAMP (zoom, 0.05, 8.0));
  sheath_morphometrics_panel_select_axon (self->panel, id);
  sheath_document_select_axons (self->document, &id, 1);
  show_axons (self, &id, 1, TRUE);
}

static void
tools_message_cb (SheathEditTools *tools,
                  const char      *text,
                  SheathPage      *self)
{
  toast (self, text);
}

/* ---- GObject ------------------------------------------------------------ */

static void
sheath_page_constructed (GObject *object)
{
  SheathPage *self = SHEATH_PAGE (object);
  const struct { const char *signal; GCallback callback; } handlers[] = {
    { "preview", G_CALLBACK (preview_cb) },
    { "notify::image", G_CALLBACK (image_cb) },
    { "notify::segmentation", G_CALLBACK (segmentation_cb) },
    { "notify::partial", G_CALLBACK (partial_cb) },
    { "notify::morphometrics", G_CALLBACK (morphometrics_cb) },
    { "notify::measuring", G_CALLBACK (morphometrics_cb) },
    { "labels-changed", G_CALLBACK (labels_changed_cb) },
    { "measured", G_CALLBACK (measured_cb) },
    { "axons-remeasured", G_CALLBACK (axons_remeasured_cb) },
    { "selection-changed", G_CALLBACK (selection_changed_cb) },
  };

  G_OBJECT_CLASS (sheath_page_parent_class)->constructed (object);

  sheath_morphometrics_panel_set_image_file (self->panel, sheath_document_get_name_file (self->document));
  sheath_review_bar_set_document (self->review_bar, self->document);
  g_signal_connect_object (self->review_bar, "notify::axon", G_CALLBACK (review_axon_cb), self, 0);
  for (guint i = 0; i < G_N_ELEMENTS (handlers); i++)
    g_signal_connect_object (self->document, handlers[i].signal, handlers[i].callback, self, 0);
  /* a document that is further along than a new page */
  image_cb (self->document, NULL, self);
  segmentation_cb (self->document, NULL, self);
  partial_cb (self->document, NULL, self);
  if (sheath_document_get_aggregates (self->document) != NULL)
    measured_cb (self->document, self);
}

static void
sheath_page_dispose (GObject *object)
{
  SheathPage *self = (SheathPage *)object;

  if (self->tools != NULL)
    sheath_edit_tools_set_editor (self->tools, NULL);
  g_clear_object (&self->tools);
  g_clear_object (&self->document);
  gtk_widget_dispose_template (GTK_WIDGET (self), SHEATH_TYPE_PAGE);

  G_OBJECT_CLASS (sheath_page_parent_class)->dispose (object);
}

static void
sheath_page_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SheathPage *self = SHEATH_PAGE (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT: g_value_set_object (value, self->document); break;
    case PROP_PANEL_VISIBLE: g_value_set_boolean (value, sheath_page_get_panel_visible (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_page_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  SheathPage *self = SHEATH_PAGE (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT: self->document = g_value_dup_object (value); break;
    case PROP_PANEL_VISIBLE: sheath_page_set_panel_visible (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_page_class_init (SheathPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const struct { guint key; const char *tool; } tool_keys[] = {
    { GDK_KEY_v, "pan" }, { GDK_KEY_b, "brush" }, { GDK_KEY_e, "eraser" },
    { GDK_KEY_f, "fill" }, { GDK_KEY_l, "lasso" }, { GDK_KEY_c, "cut" },
  };

  object_class->constructed = sheath_page_constructed;
  object_class->dispose = sheath_page_dispose;
  object_class->get_property = sheath_page_get_property;
  object_class->set_property = sheath_page_set_property;

  properties [PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, SHEATH_TYPE_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties [PROP_PANEL_VISIBLE] =
    g_param_spec_boolean ("panel-visible", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SHEATH_TYPE_VIEWER);
  g_type_ensure (SHEATH_TYPE_MORPHOMETRICS_PANEL);
  g_type_ensure (SHEATH_TYPE_REVIEW_BAR);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/sheath/Sheath/sheath-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SheathPage, layout);
  gtk_widget_class_bind_template_child (widget_class, SheathPage, paned);
  gtk_widget_class_bind_template_child (widget_class, SheathPage, tools_revealer);
  gtk_widget_class_bind_template_child (widget_class, SheathPage, paint_uaxon);
  gtk_widget_class_bind_template_child (widget_class, SheathPage, review_bar);
  gtk_widget_class_bind_template_child (widget_class, SheathPage, brush_size);
  gtk_widget_class_bind_template_child (widget_class, SheathPage, brush_unit);
  gtk_widget_class_bind_template_child (widget_class, SheathPage, viewer);
  gtk_widget_class_bind_template_child (widget_class, SheathPage, panel_scroller);
  gtk_widget_class_bind_template_child (widget_class, SheathPage, panel);
  gtk_widget_class_bind_template_callback (widget_class, viewer_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, axon_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, highlight_changed_cb);

  gtk_widget_class_install_action (widget_class, "doc.delete-axon", NULL, delete_axon_action);
  gtk_widget_class_install_action (widget_class, "doc.merge-axons", NULL, merge_axons_action);
  gtk_widget_class_install_action (widget_class, "doc.review-flagged", NULL, review_flagged_action);

  /* the tools, one key each; the class to paint is X away */
  for (guint i = 0; i < G_N_ELEMENTS (tool_keys); i++)
    gtk_widget_class_add_binding_action (widget_class, tool_keys[i].key, 0, "edit.tool", "s", tool_keys[i].tool);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_x, 0, "edit.swap-class", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_bracketright, 0, "edit.brush-bigger", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_bracketleft, 0, "edit.brush-smaller", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "edit.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "edit.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "edit.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_y, GDK_CONTROL_MASK, "edit.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "doc.delete-axon", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, 0, "doc.merge-axons", NULL);
}

static gboolean
unit_to_in_um (GBinding     *binding,
               const GValue *from,
               GValue       *to,
               gpointer      data)
{
  g_value_set_boolean (to, g_value_get_uint (from) == 1);
  return TRUE;
}

static gboolean
in_um_to_unit (GBinding     *binding,
               const GValue *from,
               GValue       *to,
               gpointer      data)
{
  g_value_set_uint (to, g_value_get_boolean (from) ? 1 : 0);
  return TRUE;
}

static void
sheath_page_init (SheathPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->tools = sheath_edit_tools_new (self->viewer);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "edit", sheath_edit_tools_get_actions (self->tools));
  g_signal_connect (self->tools, "message", G_CALLBACK (tools_message_cb), self);
  g_object_bind_property (self->tools, "brush-size", self->brush_size, "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property_full (self->tools, "brush-in-um", self->brush_unit, "selected",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                               in_um_to_unit, unit_to_in_um, NULL, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "doc.delete-axon", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "doc.merge-axons", FALSE);
}

SheathPage *
sheath_page_new (SheathDocument *document)
{
  g_return_val_if_fail (SHEATH_IS_DOCUMENT (document), NULL);
  return g_object_new (SHEATH_TYPE_PAGE, "document", document, NULL);
}

SheathDocument *
sheath_page_get_document (SheathPage *self)
{
  g_return_val_if_fail (SHEATH_IS_PAGE (self), NULL);
  return self->document;
}

SheathViewer *
sheath_page_get_viewer (SheathPage *self)
{
  g_return_val_if_fail (SHEATH_IS_PAGE (self), NULL);
  return self->viewer;
}

SheathEditTools *
sheath_page_get_tools (SheathPage *self)
{
  g_return_val_if_fail (SHEATH_IS_PAGE (self), NULL);
  return self->tools;
}

gboolean
sheath_page_get_panel_visible (SheathPage *self)
{
  g_return_val_if_fail (SHEATH_IS_PAGE (self), FALSE);
  return gtk_widget_get_visible (self->panel_scroller);
}

/* The measurements beside the image; only once there are some. */
void
sheath_page_set_panel_visible (SheathPage *self,
                               gboolean    visible)
{
  g_return_if_fail (SHEATH_IS_PAGE (self));

  visible = visible && sheath_document_get_morphometrics (self->document) != NULL;
  if (gtk_widget_get_visible (self->panel_scroller) == visible)
    return;
  gtk_widget_set_visible (self->panel_scroller, visible);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PANEL_VISIBLE]);
}
