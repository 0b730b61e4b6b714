/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-document"

#include "config.h"

#include <math.h>

#include <string.h>

#include "sheath-document.h"
#include "sheath-edit-tools.h"
#include "sheath-morphometrics-panel.h"
#include "sheath-recovery.h"

/* unsaved edits reach the recovery file this long after the first one */
#define AUTOSAVE_SECONDS 2
/* measurements follow edits after this pause */
#define REMEASURE_MS     150
/* edits wider than this are measured again in full, in a thread */
#define LARGE_EDIT_PIXELS (2048.0 * 2048.0)

/* One open image: its viewer and measurements panel, and everything done to
 * it (segmentation in flight, masks, measurements), apart from the other
 * open images. */
struct _SheathDocument
{
  GtkWidget                 parent_instance;

  /* template widgets */
  GtkWidget                *layout;
  GtkWidget                *paned;
  GtkWidget                *tools_revealer;
  GtkSpinButton            *brush_size;
  GtkDropDown              *brush_unit;
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

  /* hand edits */
  SheathEditTools          *tools;
  SheathMaskEditor         *editor;
  SheathRecovery           *recovery;
  gboolean                  modified;
  gboolean                  restore_pending;  /* load the recovered masks once the image is in */
  GArray                   *selection;        /* axon ids, clicked with the select tool */
  GCancellable             *load_cancellable; /* the image decoding */
  char                     *model_key;        /* the model chosen for this image: "sem", "tem", a path */
  SheathSegmentation       *partial;          /* the rows segmented so far, shown while no masks are */
  gint64                    segment_started;  /* monotonic µs */
  gint                      dirty_x0, dirty_y0, dirty_x1, dirty_y1;   /* not yet measured */
  gboolean                  measuring;
  guint                     measure_serial;   /* which measurement is the latest */
  guint                     remeasure_source;
  guint                     autosave_source;
  GCancellable             *autosave;         /* the recovery save in flight */
  gboolean                  autosave_again;
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
  PROP_MODIFIED,
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

static int
compare_uint_desc (const guint *a,
                   const guint *b)
{
  return *a > *b ? -1 : *a < *b;
}

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
  g_auto(GVariantBuilder) sizes = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{sd}"));
  g_autoptr(GVariant) old = NULL;
  g_autofree char *uri = NULL;
  GVariantIter iter;
  const char *key;
  double value;

  if (self->settings == NULL)
    return;
  uri = g_file_get_uri (self->file);
  old = g_settings_get_value (self->settings, "pixel-sizes");
  /* a{sd}, as the schema says: GVariantDict would make an a{sv} */
  g_variant_iter_init (&iter, old);
  while (g_variant_iter_next (&iter, "{&sd}", &key, &value))
    if (!g_str_equal (key, uri))
      g_variant_builder_add (&sizes, "{sd}", key, value);
  g_variant_builder_add (&sizes, "{sd}", uri, sheath_image_get_pixel_size (self->image));
  g_settings_set_value (self->settings, "pixel-sizes", g_variant_builder_end (&sizes));
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
  guint                serial;
  SheathSegmentation  *live;           /* the masks measured, as edited */
  SheathSegmentation  *segmentation;   /* a copy: editing goes on meanwhile */
  double               pixel_size;
  SheathMorphometrics *morphometrics;
  SheathAggregates    *aggregates;
} Measure;

static void
measure_free (Measure *m)
{
  g_clear_object (&m->live);
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
reset_dirty (SheathDocument *self)
{
  self->dirty_x0 = self->dirty_y0 = G_MAXINT;
  self->dirty_x1 = self->dirty_y1 = G_MININT;
}

static void
show_measurements (SheathDocument   *self,
                   SheathAggregates *aggregates)
{
  g_autoptr(SheathAggregates) owned = NULL;
  g_autoptr(GError) error = NULL;

  if (aggregates == NULL)
    {
      if (!(owned = sheath_aggregates_compute (self->morphometrics, NULL, FALSE, 1.0, &error)))
        {
          toast (self, "Measurements failed: %s", error->message);
          return;
        }
      aggregates = owned;
    }
  g_object_set (self->viewer, "morphometrics", NULL, NULL);
  g_object_set (self->viewer, "morphometrics", self->morphometrics, NULL);
  sheath_morphometrics_panel_set_data (self->panel, self->morphometrics, aggregates);
}

/* Measures again only what the edits since the last time changed. */
static void update_selection_actions (SheathDocument *self);
static void measure (SheathDocument *self);

static void
remeasure_edits (SheathDocument *self)
{
  g_autoptr(GArray) changed = NULL;
  g_autoptr(SheathAggregates) aggregates = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->remeasure_source, g_source_remove);
  if (self->morphometrics == NULL || self->measuring || self->dirty_x1 <= self->dirty_x0)
    return;
  /* an edit over much of a large image (Fill Axons, Undo of one) is
   * measured again in full, in the background, not here */
  if ((double) (self->dirty_x1 - self->dirty_x0) * (self->dirty_y1 - self->dirty_y0) > LARGE_EDIT_PIXELS)
    {
      measure (self);
      return;
    }
  changed = sheath_morphometrics_update (self->morphometrics, self->segmentation, self->dirty_x0, self->dirty_y0,
                                         self->dirty_x1 - self->dirty_x0, self->dirty_y1 - self->dirty_y0, &error);
  reset_dirty (self);
  if (changed == NULL)
    {
      toast (self, "Measurements not updated: %s", error->message);
      return;
    }
  g_array_set_size (self->selection, 0);
  sheath_viewer_set_highlight (self->viewer, NULL, 0);
  update_selection_actions (self);
  if (!(aggregates = sheath_aggregates_compute (self->morphometrics, NULL, FALSE, 1.0, &error)))
    {
      toast (self, "Measurements failed: %s", error->message);
      return;
    }
  sheath_morphometrics_panel_update_axons (self->panel, aggregates, (guint *) changed->data, changed->len);
  gtk_widget_queue_draw (GTK_WIDGET (self->viewer));   /* the axon numbers */
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_MORPHOMETRICS]);
}

static gboolean
remeasure_timeout_cb (gpointer data)
{
  SheathDocument *self = data;

  self->remeasure_source = 0;
  remeasure_edits (self);
  return G_SOURCE_REMOVE;
}

static void
measured_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SheathDocument *self = SHEATH_DOCUMENT (object);
  Measure *m = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  /* newer masks may have arrived meanwhile */
  if (m->serial != self->measure_serial || m->live != self->segmentation)
    return;
  self->measuring = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      toast (self, "Measurements failed: %s", error->message);
      return;
    }
  g_set_object (&self->morphometrics, m->morphometrics);
  show_measurements (self, m->aggregates);
  /* the measured copy becomes the live masks, with any edits made since */
  sheath_morphometrics_update (self->morphometrics, self->segmentation, 0, 0, 0, 0, NULL);
  if (self->dirty_x1 > self->dirty_x0)
    remeasure_edits (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_MORPHOMETRICS]);
  update_selection_actions (self);
  sheath_document_set_panel_visible (self, TRUE);
}

static void
measure (SheathDocument *self)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Measure *m;

  g_clear_object (&self->morphometrics);
  g_object_set (self->viewer, "morphometrics", NULL, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_MORPHOMETRICS]);
  sheath_viewer_set_highlight (self->viewer, NULL, 0);
  g_array_set_size (self->selection, 0);
  self->measuring = FALSE;
  if (self->segmentation == NULL)
    return;
  if (sheath_image_get_pixel_size (self->image) <= 0)
    {
      g_signal_emit (self, signals [NEEDS_PIXEL_SIZE], 0, "Measuring needs the image's pixel size, in micrometres.");
      return;
    }

  m = g_new0 (Measure, 1);
  m->serial = ++self->measure_serial;
  m->live = g_object_ref (self->segmentation);
  m->pixel_size = sheath_image_get_pixel_size (self->image);
  task = g_task_new (self, NULL, measured_cb, NULL);
  g_task_set_source_tag (task, measure);
  g_task_set_task_data (task, m, (GDestroyNotify) measure_free);
  if (!(m->segmentation = sheath_segmentation_copy (self->segmentation, &error)))
    {
      toast (self, "Measurements failed: %s", error->message);
      return;
    }
  self->measuring = TRUE;
  reset_dirty (self);   /* the copy holds every edit so far */
  g_task_run_in_thread (task, measure_worker);
}

/* ---- unsaved edits and their recovery file ---------------------------------- */

static void
set_modified (SheathDocument *self,
              gboolean        modified)
{
  if (self->modified == modified)
    return;
  self->modified = modified;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_MODIFIED]);
}

static gboolean autosave_cb (gpointer data);

/* Masks the user has not saved (edits, or a fresh segmentation): shown in
 * the title, asked about on closing, and kept in the recovery file. */
static void
mark_unsaved (SheathDocument *self)
{
  set_modified (self, TRUE);
  if (self->autosave_source == 0)
    self->autosave_source = g_timeout_add_seconds (AUTOSAVE_SECONDS, autosave_cb, self);
}

static void
autosaved_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SheathDocument) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sheath_recovery_save_finish (SHEATH_RECOVERY (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, "Unsaved edits could not be kept safe: %s", error->message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->autosave);
  if (self->autosave_again && self->modified && self->autosave_source == 0)
    self->autosave_source = g_timeout_add_seconds (AUTOSAVE_SECONDS, autosave_cb, self);
  self->autosave_again = FALSE;
}

static gboolean
autosave_cb (gpointer data)
{
  SheathDocument *self = data;

  self->autosave_source = 0;
  if (self->autosave != NULL)
    {
      self->autosave_again = TRUE;   /* once the one in flight is done */
      return G_SOURCE_REMOVE;
    }
  if (!self->modified || self->segmentation == NULL)
    return G_SOURCE_REMOVE;
  self->autosave = g_cancellable_new ();
  sheath_recovery_save_async (self->recovery, self->file, self->segmentation, self->autosave,
                              autosaved_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

/* Forgets the recovery file: the edits were saved, or thrown away. */
static void
drop_recovery (SheathDocument *self)
{
  g_clear_handle_id (&self->autosave_source, g_source_remove);
  if (self->autosave != NULL)
    g_cancellable_cancel (self->autosave);
  g_clear_object (&self->autosave);
  self->autosave_again = FALSE;
  sheath_recovery_discard (self->recovery, self->file);
}

static void
editor_changed_cb (SheathMaskEditor *editor,
                   int               x,
                   int               y,
                   int               width,
                   int               height,
                   SheathDocument   *self)
{
  sheath_viewer_invalidate_labels (self->viewer, x, y, width, height);
  self->dirty_x0 = MIN (self->dirty_x0, x);
  self->dirty_y0 = MIN (self->dirty_y0, y);
  self->dirty_x1 = MAX (self->dirty_x1, x + width);
  self->dirty_y1 = MAX (self->dirty_y1, y + height);
  mark_unsaved (self);
  g_clear_handle_id (&self->remeasure_source, g_source_remove);
  self->remeasure_source = g_timeout_add (REMEASURE_MS, remeasure_timeout_cb, self);
}

static void
tools_message_cb (SheathEditTools *tools,
                  const char      *text,
                  SheathDocument  *self)
{
  toast (self, "%s", text);
}

static void
set_segmentation (SheathDocument     *self,
                  SheathSegmentation *seg)
{
  g_autoptr(GError) error = NULL;

  /* new masks over edited ones: one more step of the history, so that
   * Undo brings the edits back */
  if (self->editor != NULL && seg != NULL &&
      sheath_mask_editor_replace (self->editor, seg, &error))
    {
      /* the masks are now what the user chose to load or make: nothing
       * unsaved to ask about or to recover, Undo aside */
      drop_recovery (self);
      set_modified (self, FALSE);
      measure (self);
      return;
    }

  if (self->editor != NULL)
    g_signal_handlers_disconnect_by_data (self->editor, self);
  g_clear_object (&self->editor);
  g_set_object (&self->segmentation, seg);
  if (seg != NULL)
    {
      self->editor = sheath_mask_editor_new (seg);
      g_signal_connect (self->editor, "changed", G_CALLBACK (editor_changed_cb), self);
    }
  sheath_edit_tools_set_editor (self->tools, self->editor);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->tools_revealer), seg != NULL);
  reset_dirty (self);
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
update_selection_actions (SheathDocument *self)
{
  gboolean editable = self->editor != NULL && self->morphometrics != NULL && !self->measuring;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "doc.delete-axon", editable && self->selection->len >= 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "doc.merge-axons", editable && self->selection->len == 2);
}

static void
select_axons (SheathDocument *self,
              const guint    *ids,
              guint           n,
              gboolean        center)
{
  g_array_set_size (self->selection, 0);
  g_array_append_vals (self->selection, ids, n);
  show_axons (self, ids, n, center);
  update_selection_actions (self);
}

static void
axon_selected_cb (SheathMorphometricsPanel *panel,
                  guint                     id,
                  SheathDocument           *self)
{
  select_axons (self, &id, 1, TRUE);
}

static void
highlight_changed_cb (SheathMorphometricsPanel *panel,
                      GArray                   *ids,
                      SheathDocument           *self)
{
  /* a bin's axons outlined (or none, the filter cleared): the axons
   * selected before are not what Delete should act on any more */
  g_array_set_size (self->selection, 0);
  update_selection_actions (self);
  show_axons (self, (guint *) ids->data, ids->len, FALSE);
}

static void
viewer_clicked_cb (SheathViewer    *viewer,
                   int              x,
                   int              y,
                   GdkModifierType  state,
                   SheathDocument  *self)
{
  g_autoptr(GArray) ids = NULL;
  guint id;

  if (self->morphometrics == NULL)
    return;
  id = sheath_morphometrics_get_axon_at (self->morphometrics, x, y);
  ids = g_array_copy (self->selection);
  if (state & GDK_CONTROL_MASK)
    {
      /* Ctrl+click adds to the selection (or takes out), to merge two */
      gboolean found = FALSE;

      for (guint i = 0; i < ids->len && !found; i++)
        if (g_array_index (ids, guint, i) == id)
          {
            g_array_remove_index (ids, i);
            found = TRUE;
          }
      if (!found && id != 0)
        g_array_append_val (ids, id);
    }
  else
    {
      g_array_set_size (ids, 0);
      if (id != 0)
        g_array_append_val (ids, id);
    }
  /* the row follows, but the view stays where the user clicked */
  sheath_morphometrics_panel_select_axon (self->panel, ids->len > 0 ? g_array_index (ids, guint, ids->len - 1) : 0);
  select_axons (self, (guint *) ids->data, ids->len, FALSE);
}

static void
delete_axon_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  SheathDocument *self = SHEATH_DOCUMENT (widget);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;

  if (self->editor == NULL || self->morphometrics == NULL || self->selection->len == 0)
    return;
  if (self->measuring)
    {
      toast (self, "Wait for the measurements to finish");
      return;
    }
  /* one at a time, measured in between: ids move as axons go */
  ids = g_array_copy (self->selection);
  g_array_sort (ids, (GCompareFunc) compare_uint_desc);
  for (guint i = 0; i < ids->len; i++)
    {
      /* a huge axon sends the measurements to a thread: the rest waits */
      if (self->morphometrics == NULL || self->measuring)
        break;
      if (!sheath_mask_editor_delete_axon (self->editor, self->morphometrics, g_array_index (ids, guint, i), &error))
        {
          toast (self, "Cannot delete the axon: %s", error->message);
          break;
        }
      remeasure_edits (self);
    }
  toast (self, ids->len == 1 ? "Axon deleted" : "%u axons deleted", ids->len);
}

static void
merge_axons_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  SheathDocument *self = SHEATH_DOCUMENT (widget);
  g_autoptr(GError) error = NULL;

  if (self->editor == NULL || self->morphometrics == NULL || self->selection->len != 2)
    return;
  if (self->measuring)
    {
      toast (self, "Wait for the measurements to finish");
      return;
    }
  if (!sheath_mask_editor_merge_axons (self->editor, self->morphometrics, g_array_index (self->selection, guint, 0),
                                       g_array_index (self->selection, guint, 1), &error))
    toast (self, "Cannot merge: %s", error->message);
  else
    remeasure_edits (self);
}


/* ---- loading ---------------------------------------------------------------- */

/* While a large image decodes, a small picture of its rows so far goes to
 * the viewer a few times a second: a slice of tens of thousands of pixels
 * a side shows at once and fills in, instead of after seconds of nothing. */
#define PREVIEW_SIDE        1024
#define PREVIEW_INTERVAL_US (150 * 1000)

typedef struct
{
  SheathDocument *doc;
  guint           step;        /* image pixels per preview pixel */
  guint           width, height, pw, ph;
  guint8         *rgb;         /* pw × ph, gray as RGB (GTK 4.8 has no gray textures) */
  guint           lo, hi;      /* a 16-bit image's range, from its first rows */
  gint64          last_post;
} Preview;

typedef struct
{
  SheathDocument *doc;
  GBytes         *rgb;
  guint           pw, ph, width, height;
} PreviewPost;

static gboolean
show_preview_cb (gpointer data)
{
  PreviewPost *post = data;
  g_autoptr(GdkTexture) texture = gdk_memory_texture_new (post->pw, post->ph, GDK_MEMORY_R8G8B8, post->rgb,
                                                          (gsize) post->pw * 3);

  if (post->doc->viewer != NULL)   /* not closed meanwhile */
    sheath_viewer_set_preview (post->doc->viewer, texture, post->width, post->height);
  g_object_unref (post->doc);
  g_bytes_unref (post->rgb);
  g_free (post);
  return G_SOURCE_REMOVE;
}

static void
preview_rows_cb (gconstpointer rows,
                 guint         first_row,
                 guint         n_rows,
                 guint         width,
                 guint         height,
                 guint         bit_depth,
                 gpointer      data)
{
  Preview *p = data;
  gint64 now = g_get_monotonic_time ();

  /* small images load in a blink: no preview */
  if (MAX (width, height) <= 4 * PREVIEW_SIDE)
    return;
  if (p->rgb == NULL)
    {
      p->step = (MAX (width, height) + PREVIEW_SIDE - 1) / PREVIEW_SIDE;
      p->width = width;
      p->height = height;
      p->pw = (width + p->step - 1) / p->step;
      p->ph = (height + p->step - 1) / p->step;
      p->rgb = g_malloc0 ((gsize) p->pw * p->ph * 3);
      p->last_post = now;
      if (bit_depth == 16)
        {
          const guint16 *r = rows;

          p->lo = G_MAXUINT16;
          for (gsize i = 0; i < (gsize) n_rows * width; i += 7)
            {
              p->lo = MIN (p->lo, r[i]);
              p->hi = MAX (p->hi, r[i]);
            }
        }
    }

  /* one image pixel per preview pixel: a preview, not a picture to measure */
  for (guint y = first_row + (p->step - first_row % p->step) % p->step; y < first_row + n_rows; y += p->step)
    {
      guint8 *out = p->rgb + (gsize) (y / p->step) * p->pw * 3;

      for (guint px = 0; px < p->pw; px++)
        {
          gsize i = (gsize) (y - first_row) * width + (gsize) px * p->step;
          guint v = bit_depth == 8 ? ((const guint8 *) rows)[i] : ((const guint16 *) rows)[i];

          if (bit_depth == 16)
            v = p->hi > p->lo ? CLAMP (((int) v - (int) p->lo) * 255 / ((int) p->hi - (int) p->lo), 0, 255) : 0;
          out[3 * px] = out[3 * px + 1] = out[3 * px + 2] = (guint8) v;
        }
    }

  if (now - p->last_post >= PREVIEW_INTERVAL_US || first_row == 0)
    {
      PreviewPost *post = g_new0 (PreviewPost, 1);

      post->doc = g_object_ref (p->doc);
      post->rgb = g_bytes_new (p->rgb, (gsize) p->pw * p->ph * 3);
      post->pw = p->pw;
      post->ph = p->ph;
      post->width = p->width;
      post->height = p->height;
      /* always through the main loop: g_main_context_invoke() would run
       * GTK code on this thread whenever the main thread was between two
       * iterations; at default priority, so it comes before the load's end */
      g_idle_add_full (G_PRIORITY_DEFAULT, show_preview_cb, post, NULL);
      p->last_post = now;
    }
}

static void
load_worker (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  Preview preview = { .doc = source };
  SheathImage *image = sheath_image_new_from_file_with_rows (data, preview_rows_cb, &preview, &error);

  g_free (preview.rgb);
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

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (image == NULL)
    {
      g_autofree char *message = g_strdup_printf ("Cannot open “%s”: %s", name, error->message);
      g_signal_emit (self, signals [FAILED], 0, message);
      return;
    }

  g_set_object (&self->image, image);
  recall_pixel_size (self);
  g_object_set (self->tools, "pixel-size", sheath_image_get_pixel_size (image), NULL);
  sheath_viewer_set_image (self->viewer, image);
  gtk_widget_grab_focus (GTK_WIDGET (self->viewer));
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_IMAGE]);
  if (self->restore_pending)
    sheath_document_restore_edits (self);
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

/* "about 3 minutes left", once the run has gone on long enough to tell */
static char *
time_left (gint64 started,
           double fraction)
{
  double elapsed = (g_get_monotonic_time () - started) / 1e6;
  double left;

  if (fraction < 0.02 || fraction >= 1 || elapsed < 2)
    return NULL;
  left = elapsed * (1 - fraction) / fraction;
  if (left < 60)
    return g_strdup_printf ("about %.0f seconds left", MAX (5, ceil (left / 5) * 5));
  if (left < 3600)
    return g_strdup_printf ("about %.0f minute%s left", round (left / 60), round (left / 60) == 1 ? "" : "s");
  return g_strdup_printf ("about %.1f hours left", left / 3600);
}

static void
progress_cb (SheathSegmenter *segmenter,
             GParamSpec      *pspec,
             SheathDocument  *self)
{
  g_autofree char *message = sheath_segmenter_dup_message (segmenter);
  double fraction = sheath_segmenter_get_fraction (segmenter);
  g_autofree char *left = time_left (self->segment_started, fraction);

  if (left != NULL)
    {
      g_autofree char *with_left = g_strdup_printf ("%s · %s", message, left);
      set_progress (self, fraction, with_left);
    }
  else
    set_progress (self, fraction, message);
}

/* Finished rows shown as they come, while there are no masks to show */
static void
rows_segmented_cb (SheathSegmenter *segmenter,
                   guint            first_row,
                   guint            n_rows,
                   GBytes          *labels,
                   SheathDocument  *self)
{
  if (self->partial == NULL || self->cancellable == NULL)
    return;
  sheath_segmentation_set_rows (self->partial, first_row, labels);
  sheath_viewer_invalidate_labels (self->viewer, 0, first_row, sheath_segmentation_get_width (self->partial),
                                   n_rows);
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
  /* the rows shown so far give way to the result, or to nothing */
  if (self->partial != NULL && self->segmentation == NULL)
    sheath_viewer_set_segmentation (self->viewer, NULL);
  g_clear_object (&self->partial);
  if (seg != NULL)
    {
      guint64 n = (guint64) sheath_segmentation_get_width (seg) * sheath_segmentation_get_height (seg);

      set_segmentation (self, seg);
      /* minutes of work that exist nowhere else yet */
      mark_unsaved (self);
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
  g_signal_connect (self->segmenter, "rows-segmented", G_CALLBACK (rows_segmented_cb), self);
  self->cancellable = g_cancellable_new ();
  self->segment_started = g_get_monotonic_time ();
  /* a first segmentation shows its rows as they are done; masks already
   * there stay shown until the new ones replace them */
  if (self->segmentation == NULL)
    {
      g_clear_object (&self->partial);
      self->partial = sheath_segmentation_new (sheath_image_get_width (self->image),
                                               sheath_image_get_height (self->image));
      sheath_viewer_set_segmentation (self->viewer, self->partial);
    }
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
  stem = sheath_segmentation_dup_stem (self->file);
  if (!sheath_segmentation_save (self->segmentation, dir, stem, error))
    return FALSE;
  drop_recovery (self);
  set_modified (self, FALSE);
  return TRUE;
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
  g_object_set (self->tools, "pixel-size", pixel_size, NULL);
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
  g_autoptr(GTask) task = NULL;

  G_OBJECT_CLASS (sheath_document_parent_class)->constructed (object);
  sheath_morphometrics_panel_set_image_file (self->panel, self->file);

  /* a window closed while the image decodes disposes the document: the
   * task then ends cancelled, and nothing is shown or said */
  self->load_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->load_cancellable, loaded_cb, NULL);
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
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->partial);
  if (self->segmenter != NULL)
    g_signal_handlers_disconnect_by_data (self->segmenter, self);
  g_clear_object (&self->segmenter);
  g_clear_handle_id (&self->remeasure_source, g_source_remove);
  g_clear_handle_id (&self->autosave_source, g_source_remove);
  if (self->editor != NULL)
    g_signal_handlers_disconnect_by_data (self->editor, self);
  if (self->tools != NULL)
    sheath_edit_tools_set_editor (self->tools, NULL);
  g_clear_object (&self->tools);
  g_clear_object (&self->editor);
  g_clear_object (&self->autosave);
  g_clear_object (&self->recovery);
  g_clear_object (&self->image);
  g_clear_object (&self->segmentation);
  g_clear_object (&self->morphometrics);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->model_key, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), SHEATH_TYPE_DOCUMENT);

  G_OBJECT_CLASS (sheath_document_parent_class)->dispose (object);
}

static void
sheath_document_finalize (GObject *object)
{
  SheathDocument *self = (SheathDocument *)object;

  g_clear_object (&self->file);
  g_free (self->message);
  g_array_unref (self->selection);

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
    case PROP_MODIFIED: g_value_set_boolean (value, self->modified); break;
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
  /* the masks were edited since they were saved or loaded */
  properties [PROP_MODIFIED] = g_param_spec_boolean ("modified", NULL, NULL, FALSE, ro);
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
  gtk_widget_class_bind_template_child (widget_class, SheathDocument, layout);
  gtk_widget_class_bind_template_child (widget_class, SheathDocument, paned);
  gtk_widget_class_bind_template_child (widget_class, SheathDocument, tools_revealer);
  gtk_widget_class_bind_template_child (widget_class, SheathDocument, brush_size);
  gtk_widget_class_bind_template_child (widget_class, SheathDocument, brush_unit);
  gtk_widget_class_bind_template_child (widget_class, SheathDocument, viewer);
  gtk_widget_class_bind_template_child (widget_class, SheathDocument, panel_scroller);
  gtk_widget_class_bind_template_child (widget_class, SheathDocument, panel);

  gtk_widget_class_install_action (widget_class, "doc.delete-axon", NULL, delete_axon_action);
  gtk_widget_class_install_action (widget_class, "doc.merge-axons", NULL, merge_axons_action);

  /* the tools, one key each; the class to paint is X away */
  {
    const struct { guint key; const char *tool; } keys[] = {
      { GDK_KEY_v, "pan" }, { GDK_KEY_b, "brush" }, { GDK_KEY_e, "eraser" },
      { GDK_KEY_f, "fill" }, { GDK_KEY_l, "lasso" }, { GDK_KEY_c, "cut" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      gtk_widget_class_add_binding_action (widget_class, keys[i].key, 0, "edit.tool", "s", keys[i].tool);
  }
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
sheath_document_init (SheathDocument *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->selection = g_array_new (FALSE, FALSE, sizeof (guint));
  self->recovery = sheath_recovery_new_default ();
  reset_dirty (self);

  self->tools = sheath_edit_tools_new (self->viewer);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "edit", sheath_edit_tools_get_actions (self->tools));
  g_signal_connect (self->tools, "message", G_CALLBACK (tools_message_cb), self);
  g_object_bind_property (self->tools, "brush-size", self->brush_size, "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property_full (self->tools, "brush-in-um", self->brush_unit, "selected",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                               in_um_to_unit, unit_to_in_um, NULL, NULL);
  update_selection_actions (self);

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

/**
 * sheath_document_get_busy_seconds:
 *
 * Returns: how long the segmentation in flight has run, or 0
 */
double
sheath_document_get_busy_seconds (SheathDocument *self)
{
  g_return_val_if_fail (SHEATH_IS_DOCUMENT (self), 0);
  if (self->cancellable == NULL)
    return 0;
  return (g_get_monotonic_time () - self->segment_started) / 1e6;
}

/**
 * sheath_document_get_model_key:
 *
 * Returns: (nullable): the model chosen for this image ("sem", "tem" or a
 *   path), or %NULL before one is
 */
const char *
sheath_document_get_model_key (SheathDocument *self)
{
  g_return_val_if_fail (SHEATH_IS_DOCUMENT (self), NULL);
  return self->model_key;
}

void
sheath_document_set_model_key (SheathDocument *self,
                               const char     *key)
{
  g_return_if_fail (SHEATH_IS_DOCUMENT (self));
  if (g_strcmp0 (self->model_key, key) == 0)
    return;
  g_free (self->model_key);
  self->model_key = g_strdup (key);
}
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

gboolean
sheath_document_get_modified (SheathDocument *self)
{
  g_return_val_if_fail (SHEATH_IS_DOCUMENT (self), FALSE);
  return self->modified;
}

SheathMaskEditor *
sheath_document_get_editor (SheathDocument *self)
{
  g_return_val_if_fail (SHEATH_IS_DOCUMENT (self), NULL);
  return self->editor;
}

SheathEditTools *
sheath_document_get_tools (SheathDocument *self)
{
  g_return_val_if_fail (SHEATH_IS_DOCUMENT (self), NULL);
  return self->tools;
}

/**
 * sheath_document_select_axons:
 * @ids: (array length=n): axon ids
 *
 * Selects axons, as clicking them does, for deleting or merging.
 */
void
sheath_document_select_axons (SheathDocument *self,
                              const guint    *ids,
                              guint           n)
{
  g_return_if_fail (SHEATH_IS_DOCUMENT (self));
  select_axons (self, ids, n, FALSE);
}

/* Measures the edits made so far now, not after the usual pause. */
void
sheath_document_flush_edits (SheathDocument *self)
{
  g_return_if_fail (SHEATH_IS_DOCUMENT (self));
  remeasure_edits (self);
}

/**
 * sheath_document_restore_edits:
 *
 * Puts back the masks kept in the recovery file (unsaved edits of an
 * earlier session), as unsaved edits again; once the image is loaded if it
 * is not yet.
 */
void
sheath_document_restore_edits (SheathDocument *self)
{
  g_autoptr(SheathSegmentation) seg = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (SHEATH_IS_DOCUMENT (self));

  if (self->image == NULL)
    {
      self->restore_pending = TRUE;
      return;
    }
  self->restore_pending = FALSE;
  seg = sheath_recovery_load (self->recovery, self->file, &error);
  if (seg != NULL && (sheath_segmentation_get_width (seg) != sheath_image_get_width (self->image) ||
                      sheath_segmentation_get_height (seg) != sheath_image_get_height (self->image)))
    {
      g_clear_object (&seg);
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "they are not the image's size");
    }
  if (seg == NULL)
    {
      toast (self, "The unsaved edits could not be restored: %s", error->message);
      return;
    }
  set_segmentation (self, seg);
  set_modified (self, TRUE);
  toast (self, "Unsaved edits restored; save the masks to keep them");
}

/**
 * sheath_document_discard_edits:
 *
 * The user chose to throw the unsaved edits away (closing without
 * saving): the recovery file goes too.
 */
void
sheath_document_discard_edits (SheathDocument *self)
{
  g_return_if_fail (SHEATH_IS_DOCUMENT (self));
  drop_recovery (self);
  set_modified (self, FALSE);
}
