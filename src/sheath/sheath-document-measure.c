/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-document"

#include "config.h"

#include <glib/gi18n.h>

#include "sheath-document-private.h"

/* measurements follow edits after this pause */
#define REMEASURE_MS      150
/* edits wider than this are measured again in full, in a thread */
#define LARGE_EDIT_PIXELS (2048.0 * 2048.0)

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

void
_sheath_document_reset_dirty (SheathDocument *self)
{
  self->dirty_x0 = self->dirty_y0 = G_MAXINT;
  self->dirty_x1 = self->dirty_y1 = G_MININT;
}

void
_sheath_document_clear_selection (SheathDocument *self)
{
  g_array_set_size (self->selection, 0);
  _sheath_document_emit (self, SHEATH_DOCUMENT_SELECTION_CHANGED);
}

static void
set_measuring (SheathDocument *self,
               gboolean        measuring)
{
  if (self->measuring == measuring)
    return;
  self->measuring = measuring;
  _sheath_document_notify (self, SHEATH_DOCUMENT_PROP_MEASURING);
}

/* Measures again only what the edits since the last time changed. */
void
_sheath_document_remeasure_edits (SheathDocument *self)
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
      _sheath_document_measure (self);
      return;
    }
  changed = sheath_morphometrics_update (self->morphometrics, self->segmentation, self->dirty_x0, self->dirty_y0,
                                         self->dirty_x1 - self->dirty_x0, self->dirty_y1 - self->dirty_y0, &error);
  _sheath_document_reset_dirty (self);
  if (changed == NULL)
    {
      _sheath_document_toast (self, _ ("Measurements not updated: %s"), error->message);
      return;
    }
  _sheath_document_clear_selection (self);
  if (!(aggregates = sheath_aggregates_compute (self->morphometrics, NULL, FALSE, 1.0, &error)))
    {
      _sheath_document_toast (self, _ ("Measurements failed: %s"), error->message);
      return;
    }
  g_clear_pointer (&self->aggregates, sheath_aggregates_free);
  self->aggregates = g_steal_pointer (&aggregates);
  _sheath_document_emit (self, SHEATH_DOCUMENT_AXONS_REMEASURED, changed);
  _sheath_document_notify (self, SHEATH_DOCUMENT_PROP_MORPHOMETRICS);
}

static gboolean
remeasure_timeout_cb (gpointer data)
{
  SheathDocument *self = data;

  self->remeasure_source = 0;
  _sheath_document_remeasure_edits (self);
  return G_SOURCE_REMOVE;
}

void
_sheath_document_add_dirty (SheathDocument *self,
                            int             x,
                            int             y,
                            int             width,
                            int             height)
{
  self->dirty_x0 = MIN (self->dirty_x0, x);
  self->dirty_y0 = MIN (self->dirty_y0, y);
  self->dirty_x1 = MAX (self->dirty_x1, x + width);
  self->dirty_y1 = MAX (self->dirty_y1, y + height);
  g_clear_handle_id (&self->remeasure_source, g_source_remove);
  self->remeasure_source = g_timeout_add (REMEASURE_MS, remeasure_timeout_cb, self);
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
  set_measuring (self, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      _sheath_document_toast (self, _ ("Measurements failed: %s"), error->message);
      return;
    }
  g_set_object (&self->morphometrics, m->morphometrics);
  g_clear_pointer (&self->aggregates, sheath_aggregates_free);
  self->aggregates = g_steal_pointer (&m->aggregates);
  _sheath_document_emit (self, SHEATH_DOCUMENT_MEASURED);
  /* the measured copy becomes the live masks, with any edits made since */
  sheath_morphometrics_update (self->morphometrics, self->segmentation, 0, 0, 0, 0, NULL);
  if (self->dirty_x1 > self->dirty_x0)
    _sheath_document_remeasure_edits (self);
  _sheath_document_notify (self, SHEATH_DOCUMENT_PROP_MORPHOMETRICS);
}

/* Measures the masks afresh, in a thread; the page shows them when done. */
void
_sheath_document_measure (SheathDocument *self)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Measure *m;

  g_clear_object (&self->morphometrics);
  g_clear_pointer (&self->aggregates, sheath_aggregates_free);
  _sheath_document_notify (self, SHEATH_DOCUMENT_PROP_MORPHOMETRICS);
  _sheath_document_clear_selection (self);
  set_measuring (self, FALSE);
  if (self->segmentation == NULL)
    return;
  if (sheath_image_get_pixel_size (self->image) <= 0)
    {
      _sheath_document_emit (self, SHEATH_DOCUMENT_NEEDS_PIXEL_SIZE,
                             _ ("Measuring needs the image's pixel size, in micrometres."));
      return;
    }

  m = g_new0 (Measure, 1);
  m->serial = ++self->measure_serial;
  m->live = g_object_ref (self->segmentation);
  m->pixel_size = sheath_image_get_pixel_size (self->image);
  task = g_task_new (self, NULL, measured_cb, NULL);
  g_task_set_source_tag (task, _sheath_document_measure);
  g_task_set_task_data (task, m, (GDestroyNotify) measure_free);
  if (!(m->segmentation = sheath_segmentation_copy (self->segmentation, &error)))
    {
      _sheath_document_toast (self, _ ("Measurements failed: %s"), error->message);
      return;
    }
  set_measuring (self, TRUE);
  _sheath_document_reset_dirty (self);   /* the copy holds every edit so far */
  g_task_run_in_thread (task, measure_worker);
}
