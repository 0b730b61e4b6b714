/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-document"

#include "config.h"

#include <string.h>

#include "sheath-document.h"
#include "sheath-morphometrics-panel.h"

/* One open image: its viewer and measurements panel, and everything done to
 * it (segmentation in flight, masks, measurements), apart from the other
 * open images. */
struct _SheathDocument
{
  GtkWidget                 parent_instance;

  /* template widgets */
  GtkWidget                *paned;
  SheathViewer             *viewer;
  GtkWidget                *panel_scroller;
  SheathMorphometricsPanel *panel;

  /* owned */
  GFile                    *file;
  GSettings                *settings;
  SheathImage              *image;
  SheathSegmentation       *segmentation;
  SheathMorphometrics      *morphometrics;
  SheathSegmenter          *segmenter;
  GCancellable             *cancellable;
  double                    fraction;
  char                     *message;
};

G_DEFINE_FINAL_TYPE (SheathDocument, sheath_document, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_FILE,
  PROP_SETTINGS,
  PROP_IMAGE,
  PROP_SEGMENTATION,
  PROP_MORPHOMETRICS,
  PROP_BUSY,
  PROP_FRACTION,
  PROP_MESSAGE,
  PROP_PANEL_VISIBLE,
  N_PROPS
};

enum {
  TOAST,
  FAILED,
  NEEDS_PIXEL_SIZE,
  N_SIGNALS
};

static GParamSpec *properties [N_PROPS];
static guint signals [N_SIGNALS];

static void
toast (SheathDocument *self,
       const char     *format,
       ...) G_GNUC_PRINTF (2, 3);

static void
toast (SheathDocument *self,
       const char     *format,
       ...)
{
  g_autofree char *text = NULL;
  va_list ap;

  va_start (ap, format);
  text = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_signal_emit (self, signals [TOAST], 0, text);
}

/* ---- pixel sizes the user gave, per file ------------------------------- */

static void
remember_pixel_size (SheathDocument *self)
{
  g_autoptr(GVariant) old = NULL;
  g_autoptr(GVariantDict) dict = NULL;
  g_autofree char *uri = NULL;

  if (self->settings == NULL)
    return;
  uri = g_file_get_uri (self->file);
  old = g_settings_get_value (self->settings, "pixel-sizes");
  dict = g_variant_dict_new (old);
  g_variant_dict_insert (dict, uri, "d", sheath_image_get_pixel_size (self->image));
  g_settings_set_value (self->settings, "pixel-sizes", g_variant_dict_end (dict));
}

static void
recall_pixel_size (SheathDocument *self)
{
  g_autoptr(GVariant) sizes = NULL;
  g_autofree char *uri = NULL;
  double size;

  if (self->settings == NULL)
    return;
  uri = g_file_get_uri (self->file);
  sizes = g_settings_get_value (self->settings, "pixel-sizes");
  if (g_variant_lookup (sizes, uri, "d", &size))
    sheath_image_set_pixel_size (self->image, size, NULL);
}

/* ---- morphometrics ------------------------------------------------------ */

typedef struct
{
  SheathSegmentation  *segmentation;
  double               pixel_size;
  SheathMorphometrics *morphometrics;
  SheathAggregates    *aggregates;
} Measure;

static void
measure_free (Measure *m)
{
  g_clear_object (&m->segmentation);
  g_clear_object (&m->morphometrics);
  g_clear_pointer (&m->aggregates, sheath_aggregates_free);
  g_free (m);
}

static void
measure_worker (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  Measure *m = data;
  GError *error = NULL;

  if (!(m->morphometrics = sheath_morphometrics_compute (m->segmentation, m->pixel_size,
                                                         SHEATH_AXON_SHAPE_CIRCLE, cancellable, &error)) ||
      !(m->aggregates = sheath_aggregates_compute (m->morphometrics, NULL, FALSE, 1.0, &error)))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
measured_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SheathDocument *self = SHEATH_DOCUMENT (object);
  Measure *m = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      toast (self, "Measurements failed: %s", error->message);
      return;
    }
  /* a newer segmentation may have arrived meanwhile */
  if (m->segmentation != self->segmentation)
    return;
  g_set_object (&self->morphometrics, m->morphometrics);
  g_object_set (self->viewer, "morphometrics", m->morphometrics, NULL);
  sheath_morphometrics_panel_set_data (self->panel, m->morphometrics, m->aggregates);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_MORPHOMETRICS]);
  sheath_document_set_panel_visible (self, TRUE);
}

static void
measure (SheathDocument *self)
{
  g_autoptr(GTask) task = NULL;
  Measure *m;

  g_clear_object (&self->morphometrics);
  g_object_set (self->viewer, "morphometrics", NULL, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_MORPHOMETRICS]);
  sheath_viewer_set_highlight (self->viewer, NULL, 0);
  if (self->segmentation == NULL)
    return;
  if (sheath_image_get_pixel_size (self->image) <= 0)
    {
      g_signal_emit (self, signals [NEEDS_PIXEL_SIZE], 0, "Measuring needs the image's pixel size, in micrometres.");
      return;
    }

  m = g_new0 (Measure, 1);
  m->segmentation = g_object_ref (self->segmentation);
  m->pixel_size = sheath_image_get_pixel_size (self->image);
  task = g_task_new (self, NULL, measured_cb, NULL);
  g_task_set_source_tag (task, measure);
  g_task_set_task_data (task, m, (GDestroyNotify) measure_free);
  g_task_run_in_thread (task, measure_worker);
}

static void
set_segmentation (SheathDocument     *self,
                  SheathSegmentation *seg)
{
  g_set_object (&self->segmentation, seg);
  sheath_viewer_set_segmentation (self->viewer, seg);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SEGMENTATION]);
  measure (self);
}

static void
show_axons (SheathDocument *self,
            const guint    *ids,
            guint           n,
            gboolean        center)
{
  g_autoptr(GArray) boxes = g_array_new (FALSE, FALSE, sizeof (int));

  if (self->morphometrics == NULL)
    return;
  for (guint i = 0; i < n; i++)
    {
      const SheathAxon *a;

      if (ids[i] == 0 || ids[i] > sheath_morphometrics_get_n_axons (self->morphometrics))
        continue;
      a = sheath_morphometrics_get_axon (self->morphometrics, ids[i] - 1);
      g_array_append_vals (boxes, (int[]) { a->bbox_min_x, a->bbox_min_y, a->bbox_max_x, a->bbox_max_y }, 4);
      if (center && n == 1)
        sheath_viewer_center_on (self->viewer, a->x0, a->y0);
    }
  sheath_viewer_set_highlight (self->viewer, (int *) boxes->data, boxes->len / 4);
}

static void
axon_selected_cb (SheathMorphometricsPanel *panel,
                  guint                     id,
                  SheathDocument           *self)
{
  show_axons (self, &id, 1, TRUE);
}

static void
highlight_changed_cb (SheathMorphometricsPanel *panel,
                      GArray                   *ids,
                      SheathDocument           *self)
{
  show_axons (self, (guint *) ids->data, ids->len, FALSE);
}

static void
viewer_clicked_cb (SheathViewer   *viewer,
                   int             x,
                   int             y,
                   SheathDocument *self)
{
  guint id;

  if (self->morphometrics == NULL)
    return;
  id = sheath_morphometrics_get_axon_at (self->morphometrics, x, y);
  if (id != 0)
    {
      sheath_morphometrics_panel_select_axon (self->panel, id);
      show_axons (self, &id, 1, FALSE);
    }
}

/* ---- loading ---------------------------------------------------------------- */

static void
load_worker (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  SheathImage *image = sheath_image_new_from_file (data, &error);

  if (image == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, image, g_object_unref);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SheathDocument *self = SHEATH_DOCUMENT (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathImage) image = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *name = g_file_get_basename (self->file);

  if (image == NULL)
    {
      g_autofree char *message = g_strdup_printf ("Cannot open “%s”: %s", name, error->message);
      g_signal_emit (self, signals [FAILED], 0, message);
      return;
    }

  g_set_object (&self->image, image);
  recall_pixel_size (self);
  sheath_viewer_set_image (self->viewer, image);
  gtk_widget_grab_focus (GTK_WIDGET (self->viewer));
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_IMAGE]);
}

/* ---- segmentation -------------------------------------------------------------- */

static void
set_progress (SheathDocument *self,
              double          fraction,
              const char     *message)
{
  self->fraction = fraction;
  g_free (self->message);
  self->message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_FRACTION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_MESSAGE]);
}

static void
progress_cb (SheathSegmenter *segmenter,
             GParamSpec      *pspec,
             SheathDocument  *self)
{
  g_autofree char *message = sheath_segmenter_dup_message (segmenter);

  set_progress (self, sheath_segmenter_get_fraction (segmenter), message);
}

static void
segment_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SheathDocument) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathSegmentation) seg = sheath_segmenter_segment_finish (SHEATH_SEGMENTER (object), result, &error);

  g_clear_object (&self->cancellable);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_BUSY]);
  if (seg != NULL)
    {
      guint64 n = (guint64) sheath_segmentation_get_width (seg) * sheath_segmentation_get_height (seg);

      set_segmentation (self, seg);
      toast (self, "Segmented: %.1f %% axon, %.1f %% myelin",
             100.0 * sheath_segmentation_count (seg, SHEATH_LABEL_AXON) / n,
             100.0 * sheath_segmentation_count (seg, SHEATH_LABEL_MYELIN) / n);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, "Segmentation cancelled; the previous masks are kept");
  else
    toast (self, "Segmentation failed: %s", error->message);
}

void
sheath_document_segment (SheathDocument *self,
                         SheathModel    *model)
{
  g_return_if_fail (SHEATH_IS_DOCUMENT (self));
  g_return_if_fail (SHEATH_IS_MODEL (model));

  if (self->image == NULL || self->cancellable != NULL)
    return;
  if (sheath_image_get_pixel_size (self->image) <= 0)
    {
      g_signal_emit (self, signals [NEEDS_PIXEL_SIZE], 0,
                     "Segmenting needs the image's pixel size, in micrometres: the model works at its own scale.");
      return;
    }

  if (self->segmenter != NULL)
    g_signal_handlers_disconnect_by_data (self->segmenter, self);
  g_clear_object (&self->segmenter);
  self->segmenter = sheath_segmenter_new (model);
  g_signal_connect (self->segmenter, "notify::fraction", G_CALLBACK (progress_cb), self);
  self->cancellable = g_cancellable_new ();
  set_progress (self, 0, "Starting");
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_BUSY]);
  sheath_segmenter_segment_async (self->segmenter, self->image, self->cancellable,
                                  segment_done_cb, g_object_ref (self));
}

void
sheath_document_cancel (SheathDocument *self)
{
  g_return_if_fail (SHEATH_IS_DOCUMENT (self));
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

/* ---- masks ----------------------------------------------------------------------- */

static char *
image_stem (SheathDocument *self)
{
  g_autofree char *name = g_file_get_basename (self->file);
  char *dot = strrchr (name, '.');

  if (dot != NULL && dot != name)
    *dot = '\0';
  return g_steal_pointer (&name);
}

gboolean
sheath_document_save_masks (SheathDocument  *self,
                            const char      *dir,
                            GError         **error)
{
  g_autofree char *stem = NULL;

  g_return_val_if_fail (SHEATH_IS_DOCUMENT (self), FALSE);

  if (self->segmentation == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Nothing is segmented yet");
      return FALSE;
    }
  stem = image_stem (self);
  return sheath_segmentation_save (self->segmentation, dir, stem, error);
}

gboolean
sheath_document_load_masks (SheathDocument  *self,
                            GFile           *axon,
                            GError         **error)
{
  g_autofree char *path = g_file_get_path (axon);
  g_autoptr(GString) myelin_path = NULL;
  g_autoptr(GFile) myelin = NULL;
  g_autoptr(SheathSegmentation) seg = NULL;

  g_return_val_if_fail (SHEATH_IS_DOCUMENT (self), FALSE);

  if (self->image == NULL || path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Open the image first");
      return FALSE;
    }
  /* the myelin mask beside it, as AxonDeepSeg and Sheath name them */
  myelin_path = g_string_new (path);
  g_string_replace (myelin_path, "_seg-axon", "_seg-myelin", 1);
  myelin = g_file_new_for_path (myelin_path->str);
  if (!(seg = sheath_segmentation_new_from_masks (axon, myelin, error)))
    return FALSE;
  if (sheath_segmentation_get_width (seg) != sheath_image_get_width (self->image) ||
      sheath_segmentation_get_height (seg) != sheath_image_get_height (self->image))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The masks are not the image's size");
      return FALSE;
    }
  set_segmentation (self, seg);
  return TRUE;
}

gboolean
sheath_document_set_pixel_size (SheathDocument  *self,
                                double           pixel_size,
                                GError         **error)
{
  g_return_val_if_fail (SHEATH_IS_DOCUMENT (self), FALSE);

  if (self->image == NULL || !sheath_image_set_pixel_size (self->image, pixel_size, error))
    return FALSE;
  remember_pixel_size (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_IMAGE]);
  /* measurements follow the pixel size */
  if (self->segmentation != NULL)
    measure (self);
  return TRUE;
}

/* ---- GObject ----------------------------------------------------------------------- */

static void
sheath_document_constructed (GObject *object)
{
  SheathDocument *self = SHEATH_DOCUMENT (object);
  g_autoptr(GTask) task = g_task_new (self, NULL, loaded_cb, NULL);

  G_OBJECT_CLASS (sheath_document_parent_class)->constructed (object);

  g_task_set_source_tag (task, sheath_document_constructed);
  g_task_set_task_data (task, g_object_ref (self->file), g_object_unref);
  g_task_run_in_thread (task, load_worker);
}

static void
sheath_document_dispose (GObject *object)
{
  SheathDocument *self = (SheathDocument *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->segmenter != NULL)
    g_signal_handlers_disconnect_by_data (self->segmenter, self);
  g_clear_object (&self->segmenter);
  g_clear_object (&self->image);
  g_clear_object (&self->segmentation);
  g_clear_object (&self->morphometrics);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), SHEATH_TYPE_DOCUMENT);

  G_OBJECT_CLASS (sheath_document_parent_class)->dispose (object);
}

static void
sheath_document_finalize (GObject *object)
{
  SheathDocument *self = (SheathDocument *)object;

  g_clear_object (&self->file);
  g_free (self->message);

  G_OBJECT_CLASS (sheath_document_parent_class)->finalize (object);
}

static void
sheath_document_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SheathDocument *self = SHEATH_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_FILE: g_value_set_object (value, self->file); break;
    case PROP_SETTINGS: g_value_set_object (value, self->settings); break;
    case PROP_IMAGE: g_value_set_object (value, self->image); break;
    case PROP_SEGMENTATION: g_value_set_object (value, self->segmentation); break;
    case PROP_MORPHOMETRICS: g_value_set_object (value, self->morphometrics); break;
    case PROP_BUSY: g_value_set_boolean (value, self->cancellable != NULL); break;
    case PROP_FRACTION: g_value_set_double (value, self->fraction); break;
    case PROP_MESSAGE: g_value_set_string (value, self->message); break;
    case PROP_PANEL_VISIBLE: g_value_set_boolean (value, gtk_widget_get_visible (self->panel_scroller)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_document_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SheathDocument *self = SHEATH_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_FILE: self->file = g_value_dup_object (value); break;
    case PROP_SETTINGS: self->settings = g_value_dup_object (value); break;
    case PROP_PANEL_VISIBLE: sheath_document_set_panel_visible (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_document_class_init (SheathDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->constructed = sheath_document_constructed;
  object_class->dispose = sheath_document_dispose;
  object_class->finalize = sheath_document_finalize;
  object_class->get_property = sheath_document_get_property;
  object_class->set_property = sheath_document_set_property;

  properties [PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                                                G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties [PROP_SETTINGS] = g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                                                    G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties [PROP_IMAGE] = g_param_spec_object ("image", NULL, NULL, SHEATH_TYPE_IMAGE, ro);
  properties [PROP_SEGMENTATION] = g_param_spec_object ("segmentation", NULL, NULL, SHEATH_TYPE_SEGMENTATION, ro);
  properties [PROP_MORPHOMETRICS] = g_param_spec_object ("morphometrics", NULL, NULL, SHEATH_TYPE_MORPHOMETRICS, ro);
  properties [PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, ro);
  properties [PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0, ro);
  properties [PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, ro);
  properties [PROP_PANEL_VISIBLE] = g_param_spec_boolean ("panel-visible", NULL, NULL, FALSE,
                                                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals [TOAST] = g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals [FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_STRING);
  signals [NEEDS_PIXEL_SIZE] = g_signal_new ("needs-pixel-size", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (SHEATH_TYPE_VIEWER);
  g_type_ensure (SHEATH_TYPE_MORPHOMETRICS_PANEL);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/sheath/Sheath/sheath-document.ui");
  gtk_widget_class_bind_template_child (widget_class, SheathDocument, paned);
  gtk_widget_class_bind_template_child (widget_class, SheathDocument, viewer);
  gtk_widget_class_bind_template_child (widget_class, SheathDocument, panel_scroller);
  gtk_widget_class_bind_template_child (widget_class, SheathDocument, panel);
}

static void
sheath_document_init (SheathDocument *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->viewer, "clicked", G_CALLBACK (viewer_clicked_cb), self);
  g_signal_connect (self->panel, "axon-selected", G_CALLBACK (axon_selected_cb), self);
  g_signal_connect (self->panel, "highlight-changed", G_CALLBACK (highlight_changed_cb), self);
}

SheathDocument *
sheath_document_new (GFile     *file,
                     GSettings *settings)
{
  return g_object_new (SHEATH_TYPE_DOCUMENT, "file", file, "settings", settings, NULL);
}

GFile *sheath_document_get_file (SheathDocument *self) { return self->file; }
SheathImage *sheath_document_get_image (SheathDocument *self) { return self->image; }
SheathSegmentation *sheath_document_get_segmentation (SheathDocument *self) { return self->segmentation; }
SheathMorphometrics *sheath_document_get_morphometrics (SheathDocument *self) { return self->morphometrics; }
SheathViewer *sheath_document_get_viewer (SheathDocument *self) { return self->viewer; }
gboolean sheath_document_get_busy (SheathDocument *self) { return self->cancellable != NULL; }
double sheath_document_get_fraction (SheathDocument *self) { return self->fraction; }
const char *sheath_document_get_message (SheathDocument *self) { return self->message; }

gboolean
sheath_document_get_panel_visible (SheathDocument *self)
{
  return gtk_widget_get_visible (self->panel_scroller);
}

void
sheath_document_set_panel_visible (SheathDocument *self,
                                   gboolean        visible)
{
  g_return_if_fail (SHEATH_IS_DOCUMENT (self));

  visible = visible && self->morphometrics != NULL;
  if (gtk_widget_get_visible (self->panel_scroller) == visible)
    return;
  gtk_widget_set_visible (self->panel_scroller, visible);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PANEL_VISIBLE]);
}
