/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-document"

#include "config.h"

#include <glib/gi18n.h>

#include <math.h>

#include "sheath-document-private.h"

G_DEFINE_FINAL_TYPE (SheathDocument, sheath_document, G_TYPE_OBJECT)

static GParamSpec *properties [SHEATH_DOCUMENT_N_PROPS];
static guint signals [SHEATH_DOCUMENT_N_SIGNALS];

void
_sheath_document_notify (SheathDocument *self,
                         guint           prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties [prop]);
}

void
_sheath_document_emit (SheathDocument *self,
                       guint           signal,
                       ...)
{
  va_list ap;

  va_start (ap, signal);
  g_signal_emit_valist (self, signals [signal], 0, ap);
  va_end (ap);
}

void
_sheath_document_toast (SheathDocument *self,
                        const char     *format,
                        ...)
{
  g_autofree char *text = NULL;
  va_list ap;

  va_start (ap, format);
  text = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_signal_emit (self, signals [SHEATH_DOCUMENT_TOAST], 0, text);
}

static int
compare_uint_desc (const guint *a,
                   const guint *b)
{
  return *a > *b ? -1 : *a < *b;
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

gboolean
sheath_document_set_pixel_size (SheathDocument  *self,
                                double           pixel_size,
                                GError         **error)
{
  g_return_val_if_fail (SHEATH_IS_DOCUMENT (self), FALSE);

  if (self->image == NULL || !sheath_image_set_pixel_size (self->image, pixel_size, error))
    return FALSE;
  remember_pixel_size (self);
  _sheath_document_notify (self, SHEATH_DOCUMENT_PROP_IMAGE);
  /* measurements follow the pixel size */
  if (self->segmentation != NULL)
    _sheath_document_measure (self);
  return TRUE;
}

/* ---- masks -------------------------------------------------------------- */

static void
editor_changed_cb (SheathMaskEditor *editor,
                   int               x,
                   int               y,
                   int               width,
                   int               height,
                   SheathDocument   *self)
{
  self->edit_serial++;
  _sheath_document_emit (self, SHEATH_DOCUMENT_LABELS_CHANGED, x, y, width, height);
  _sheath_document_add_dirty (self, x, y, width, height);
  _sheath_document_mark_unsaved (self);
}

void
_sheath_document_set_segmentation (SheathDocument     *self,
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
      _sheath_document_drop_recovery (self);
      _sheath_document_set_modified (self, FALSE);
      _sheath_document_measure (self);
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
  _sheath_document_reset_dirty (self);
  _sheath_document_notify (self, SHEATH_DOCUMENT_PROP_SEGMENTATION);
  _sheath_document_measure (self);
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
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _ ("Nothing is segmented yet"));
      return FALSE;
    }
  stem = sheath_segmentation_dup_stem (self->file);
  if (!sheath_segmentation_save (self->segmentation, dir, stem, error))
    return FALSE;
  _sheath_document_drop_recovery (self);
  _sheath_document_set_modified (self, FALSE);
  g_signal_emit (self, signals [SHEATH_DOCUMENT_SAVED], 0, dir);
  return TRUE;
}

gboolean
sheath_document_load_masks (SheathDocument  *self,
                            GFile           *axon,
                            GError         **error)
{
  g_autoptr(GFile) myelin = NULL;
  g_autoptr(SheathSegmentation) seg = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (SHEATH_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (axon), FALSE);

  if (self->image == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _ ("Open the image first"));
      return FALSE;
    }
  name = g_file_get_basename (axon);
  if (g_str_has_suffix (name, "_seg-axonmyelin.ome.tif") || g_str_has_suffix (name, "_seg-axonmyelin.png"))
    {
      /* one map of AxonDeepSeg's three values (a large image's OME-TIFF) */
      if (!(seg = sheath_segmentation_new_from_axonmyelin (axon, error)))
        return FALSE;
    }
  /* the myelin mask beside it, as AxonDeepSeg and Sheath name them */
  else if (!(myelin = sheath_segmentation_dup_myelin_mask_for (axon, error)) ||
           !(seg = sheath_segmentation_new_from_masks (axon, myelin, error)) ||
           !sheath_segmentation_add_unmyelinated_beside (seg, axon, error))
    return FALSE;
  if (sheath_segmentation_get_width (seg) != sheath_image_get_width (self->image) ||
      sheath_segmentation_get_height (seg) != sheath_image_get_height (self->image))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _ ("The masks are not the image's size"));
      return FALSE;
    }
  _sheath_document_set_segmentation (self, seg);
  return TRUE;
}

/* ---- segmentation ------------------------------------------------------- */

static void
set_progress (SheathDocument *self,
              double          fraction,
              const char     *message)
{
  self->fraction = fraction;
  g_free (self->message);
  self->message = g_strdup (message);
  _sheath_document_notify (self, SHEATH_DOCUMENT_PROP_FRACTION);
  _sheath_document_notify (self, SHEATH_DOCUMENT_PROP_MESSAGE);
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
    return g_strdup_printf (_ ("about %.0f seconds left"), MAX (5, ceil (left / 5) * 5));
  if (left < 3600)
    return g_strdup_printf (_ ("about %.0f minute%s left"), round (left / 60), round (left / 60) == 1 ? "" : "s");
  return g_strdup_printf (_ ("about %.1f hours left"), left / 3600);
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
  _sheath_document_emit (self, SHEATH_DOCUMENT_LABELS_CHANGED, 0, (int) first_row,
                         (int) sheath_segmentation_get_width (self->partial), (int) n_rows);
}

static void
set_partial (SheathDocument     *self,
             SheathSegmentation *partial)
{
  if (g_set_object (&self->partial, partial))
    _sheath_document_notify (self, SHEATH_DOCUMENT_PROP_PARTIAL);
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
  _sheath_document_notify (self, SHEATH_DOCUMENT_PROP_BUSY);
  /* the rows shown so far give way to the result, or to nothing */
  set_partial (self, NULL);
  if (seg != NULL)
    {
      guint64 n = (guint64) sheath_segmentation_get_width (seg) * sheath_segmentation_get_height (seg);

      _sheath_document_set_segmentation (self, seg);
      /* minutes of work that exist nowhere else yet */
      _sheath_document_mark_unsaved (self);
      if (sheath_segmentation_get_unmyelinated (seg))
        _sheath_document_toast (self, _ ("Segmented: %.1f %% axon, %.1f %% myelin, %.1f %% unmyelinated axon"),
                                100.0 * sheath_segmentation_count (seg, SHEATH_LABEL_AXON) / n,
                                100.0 * sheath_segmentation_count (seg, SHEATH_LABEL_MYELIN) / n,
                                100.0 * sheath_segmentation_count (seg, SHEATH_LABEL_UNMYELINATED_AXON) / n);
      else
        _sheath_document_toast (self, _ ("Segmented: %.1f %% axon, %.1f %% myelin"),
                                100.0 * sheath_segmentation_count (seg, SHEATH_LABEL_AXON) / n,
                                100.0 * sheath_segmentation_count (seg, SHEATH_LABEL_MYELIN) / n);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _sheath_document_toast (self, _ ("Segmentation cancelled; the previous masks are kept"));
  else
    _sheath_document_toast (self, _ ("Segmentation failed: %s"), error->message);
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
      _sheath_document_emit (self, SHEATH_DOCUMENT_NEEDS_PIXEL_SIZE,
                             _ ("Segmenting needs the image's pixel size, in micrometres: the model works at its own scale."));
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
      g_autoptr(SheathSegmentation) partial = sheath_segmentation_new (sheath_image_get_width (self->image),
                                                                       sheath_image_get_height (self->image));
      set_partial (self, partial);
    }
  set_progress (self, 0, _ ("Starting"));
  _sheath_document_notify (self, SHEATH_DOCUMENT_PROP_BUSY);
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

/* ---- selected axons ----------------------------------------------------- */

/**
 * sheath_document_get_selection:
 * @n: (out): how many axons are selected
 *
 * Returns: (array length=n): the selected axons' ids
 */
const guint *
sheath_document_get_selection (SheathDocument *self,
                               guint          *n)
{
  g_return_val_if_fail (SHEATH_IS_DOCUMENT (self), NULL);
  *n = self->selection->len;
  return (const guint *) self->selection->data;
}

/**
 * sheath_document_select_axons:
 * @ids: (array length=n): axon ids
 *
 * Selects axons, for deleting or merging.
 */
void
sheath_document_select_axons (SheathDocument *self,
                              const guint    *ids,
                              guint           n)
{
  g_return_if_fail (SHEATH_IS_DOCUMENT (self));
  g_array_set_size (self->selection, 0);
  g_array_append_vals (self->selection, ids, n);
  _sheath_document_emit (self, SHEATH_DOCUMENT_SELECTION_CHANGED);
}

/* Axons can be deleted or merged: there are masks, measured, and no
 * measurement in flight would renumber them. */
gboolean
sheath_document_can_edit_axons (SheathDocument *self)
{
  g_return_val_if_fail (SHEATH_IS_DOCUMENT (self), FALSE);
  return self->editor != NULL && self->morphometrics != NULL && !self->measuring;
}

static gboolean
check_can_edit (SheathDocument  *self,
                GError         **error)
{
  if (self->measuring)
    {
      g_set_error_literal (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, _ ("Wait for the measurements to finish"));
      return FALSE;
    }
  if (!sheath_document_can_edit_axons (self))
    {
      g_set_error_literal (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, _ ("There are no measured masks"));
      return FALSE;
    }
  return TRUE;
}

/**
 * sheath_document_delete_selected:
 * @n_deleted: (out) (optional): how many axons went
 *
 * Deletes the selected axons with their myelin.
 */
gboolean
sheath_document_delete_selected (SheathDocument  *self,
                                 guint           *n_deleted,
                                 GError         **error)
{
  g_autoptr(GArray) ids = NULL;
  guint deleted = 0;

  g_return_val_if_fail (SHEATH_IS_DOCUMENT (self), FALSE);

  if (!check_can_edit (self, error))
    return FALSE;
  /* one at a time, measured in between: ids move as axons go */
  ids = g_array_copy (self->selection);
  g_array_sort (ids, (GCompareFunc) compare_uint_desc);
  for (guint i = 0; i < ids->len; i++)
    {
      /* a huge axon sends the measurements to a thread: the rest waits */
      if (self->morphometrics == NULL || self->measuring)
        break;
      if (!sheath_mask_editor_delete_axon (self->editor, self->morphometrics, g_array_index (ids, guint, i), error))
        return FALSE;
      deleted++;
      _sheath_document_remeasure_edits (self);
    }
  if (n_deleted != NULL)
    *n_deleted = deleted;
  return TRUE;
}

/* Merges the two selected axons into one. */
gboolean
sheath_document_merge_selected (SheathDocument  *self,
                                GError         **error)
{
  g_return_val_if_fail (SHEATH_IS_DOCUMENT (self), FALSE);

  if (!check_can_edit (self, error))
    return FALSE;
  if (self->selection->len != 2)
    {
      g_set_error_literal (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, _ ("Select two axons to merge"));
      return FALSE;
    }
  if (!sheath_mask_editor_merge_axons (self->editor, self->morphometrics, g_array_index (self->selection, guint, 0),
                                       g_array_index (self->selection, guint, 1), error))
    return FALSE;
  _sheath_document_remeasure_edits (self);
  return TRUE;
}

/* Measures the edits made so far now, not after the usual pause. */
void
sheath_document_flush_edits (SheathDocument *self)
{
  g_return_if_fail (SHEATH_IS_DOCUMENT (self));
  _sheath_document_remeasure_edits (self);
}

/* ---- GObject ------------------------------------------------------------ */

static void
sheath_document_constructed (GObject *object)
{
  SheathDocument *self = SHEATH_DOCUMENT (object);

  G_OBJECT_CLASS (sheath_document_parent_class)->constructed (object);
  _sheath_document_load (self);
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
  g_clear_object (&self->partial);
  if (self->segmenter != NULL)
    g_signal_handlers_disconnect_by_data (self->segmenter, self);
  g_clear_object (&self->segmenter);
  g_clear_handle_id (&self->remeasure_source, g_source_remove);
  _sheath_document_stop_autosave (self);
  if (self->editor != NULL)
    g_signal_handlers_disconnect_by_data (self->editor, self);
  g_clear_object (&self->editor);
  g_clear_object (&self->recovery);
  g_clear_object (&self->image);
  g_clear_object (&self->segmentation);
  g_clear_object (&self->morphometrics);
  g_clear_pointer (&self->aggregates, sheath_aggregates_free);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sheath_document_parent_class)->dispose (object);
}

static void
sheath_document_finalize (GObject *object)
{
  SheathDocument *self = (SheathDocument *)object;

  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->file);
  g_clear_object (&self->map);
  g_clear_object (&self->name_file);
  g_free (self->message);
  g_free (self->model_key);
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
    case SHEATH_DOCUMENT_PROP_FILE: g_value_set_object (value, self->file); break;
    case SHEATH_DOCUMENT_PROP_SETTINGS: g_value_set_object (value, self->settings); break;
    case SHEATH_DOCUMENT_PROP_MAP: g_value_set_object (value, self->map); break;
    case SHEATH_DOCUMENT_PROP_NAME_FILE: g_value_set_object (value, sheath_document_get_name_file (self)); break;
    case SHEATH_DOCUMENT_PROP_AREA:
      g_value_set_variant (value, g_variant_new ("(ttuud)", self->area_x, self->area_y, self->area_width,
                                                 self->area_height, self->area_pixel_size));
      break;
    case SHEATH_DOCUMENT_PROP_IMAGE: g_value_set_object (value, self->image); break;
    case SHEATH_DOCUMENT_PROP_SEGMENTATION: g_value_set_object (value, self->segmentation); break;
    case SHEATH_DOCUMENT_PROP_PARTIAL: g_value_set_object (value, self->partial); break;
    case SHEATH_DOCUMENT_PROP_MORPHOMETRICS: g_value_set_object (value, self->morphometrics); break;
    case SHEATH_DOCUMENT_PROP_BUSY: g_value_set_boolean (value, self->cancellable != NULL); break;
    case SHEATH_DOCUMENT_PROP_FRACTION: g_value_set_double (value, self->fraction); break;
    case SHEATH_DOCUMENT_PROP_MESSAGE: g_value_set_string (value, self->message); break;
    case SHEATH_DOCUMENT_PROP_MEASURING: g_value_set_boolean (value, self->measuring); break;
    case SHEATH_DOCUMENT_PROP_MODIFIED: g_value_set_boolean (value, self->modified); break;
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
    case SHEATH_DOCUMENT_PROP_FILE: self->file = g_value_dup_object (value); break;
    case SHEATH_DOCUMENT_PROP_SETTINGS: self->settings = g_value_dup_object (value); break;
    case SHEATH_DOCUMENT_PROP_MAP: self->map = g_value_dup_object (value); break;
    case SHEATH_DOCUMENT_PROP_NAME_FILE: self->name_file = g_value_dup_object (value); break;
    case SHEATH_DOCUMENT_PROP_AREA:
      if (g_value_get_variant (value) != NULL)
        g_variant_get (g_value_get_variant (value), "(ttuud)", &self->area_x, &self->area_y, &self->area_width,
                       &self->area_height, &self->area_pixel_size);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_document_class_init (SheathDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = sheath_document_constructed;
  object_class->dispose = sheath_document_dispose;
  object_class->finalize = sheath_document_finalize;
  object_class->get_property = sheath_document_get_property;
  object_class->set_property = sheath_document_set_property;

  properties [SHEATH_DOCUMENT_PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE, construct);
  properties [SHEATH_DOCUMENT_PROP_SETTINGS] = g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS, construct);
  /* a part of a slide: its label map, its name, where it is: (x, y, width,
   * height, the slide's pixel size) */
  properties [SHEATH_DOCUMENT_PROP_MAP] = g_param_spec_object ("map", NULL, NULL, G_TYPE_FILE, construct);
  properties [SHEATH_DOCUMENT_PROP_NAME_FILE] = g_param_spec_object ("name-file", NULL, NULL, G_TYPE_FILE, construct);
  properties [SHEATH_DOCUMENT_PROP_AREA] = g_param_spec_variant ("area", NULL, NULL, G_VARIANT_TYPE ("(ttuud)"), NULL,
                                                                  construct);
  /* also notified when its pixel size is set */
  properties [SHEATH_DOCUMENT_PROP_IMAGE] = g_param_spec_object ("image", NULL, NULL, SHEATH_TYPE_IMAGE, ro);
  properties [SHEATH_DOCUMENT_PROP_SEGMENTATION] =
    g_param_spec_object ("segmentation", NULL, NULL, SHEATH_TYPE_SEGMENTATION, ro);
  properties [SHEATH_DOCUMENT_PROP_PARTIAL] = g_param_spec_object ("partial", NULL, NULL, SHEATH_TYPE_SEGMENTATION, ro);
  /* also notified when edits were measured */
  properties [SHEATH_DOCUMENT_PROP_MORPHOMETRICS] =
    g_param_spec_object ("morphometrics", NULL, NULL, SHEATH_TYPE_MORPHOMETRICS, ro);
  properties [SHEATH_DOCUMENT_PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, ro);
  properties [SHEATH_DOCUMENT_PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0, ro);
  properties [SHEATH_DOCUMENT_PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, ro);
  properties [SHEATH_DOCUMENT_PROP_MEASURING] = g_param_spec_boolean ("measuring", NULL, NULL, FALSE, ro);
  /* the masks were changed since they were saved or loaded */
  properties [SHEATH_DOCUMENT_PROP_MODIFIED] = g_param_spec_boolean ("modified", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, SHEATH_DOCUMENT_N_PROPS, properties);

  signals [SHEATH_DOCUMENT_TOAST] =
    g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals [SHEATH_DOCUMENT_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals [SHEATH_DOCUMENT_NEEDS_PIXEL_SIZE] =
    g_signal_new ("needs-pixel-size", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  /* a large image's rows decoded so far, as a small RGB picture: the
   * bytes, its width and height, the image's width and height */
  signals [SHEATH_DOCUMENT_PREVIEW] =
    g_signal_new ("preview", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 5, G_TYPE_BYTES, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);
  /* labels changed in a rectangle: an edit, or rows segmented */
  signals [SHEATH_DOCUMENT_LABELS_CHANGED] =
    g_signal_new ("labels-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_INT, G_TYPE_INT, G_TYPE_INT, G_TYPE_INT);
  /* the masks were measured afresh */
  signals [SHEATH_DOCUMENT_MEASURED] =
    g_signal_new ("measured", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* edits were measured: the ids of the axons that changed */
  signals [SHEATH_DOCUMENT_AXONS_REMEASURED] =
    g_signal_new ("axons-remeasured", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ARRAY);
  signals [SHEATH_DOCUMENT_SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  /* the masks were saved: the folder they are in */
  signals [SHEATH_DOCUMENT_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
sheath_document_init (SheathDocument *self)
{
  self->selection = g_array_new (FALSE, FALSE, sizeof (guint));
  self->recovery = sheath_recovery_new_default ();
  _sheath_document_reset_dirty (self);
}

/**
 * sheath_document_new:
 * @file: the image
 * @settings: (nullable): where pixel sizes given by hand are remembered
 *
 * Returns: (transfer full): a document, decoding @file in the background
 */
SheathDocument *
sheath_document_new (GFile     *file,
                     GSettings *settings)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  return g_object_new (SHEATH_TYPE_DOCUMENT, "file", file, "settings", settings, NULL);
}

GFile *sheath_document_get_file (SheathDocument *self) { return self->file; }
SheathImage *sheath_document_get_image (SheathDocument *self) { return self->image; }
SheathSegmentation *sheath_document_get_segmentation (SheathDocument *self) { return self->segmentation; }
SheathSegmentation *sheath_document_get_partial (SheathDocument *self) { return self->partial; }
SheathMorphometrics *sheath_document_get_morphometrics (SheathDocument *self) { return self->morphometrics; }
SheathAggregates *sheath_document_get_aggregates (SheathDocument *self) { return self->aggregates; }
SheathMaskEditor *sheath_document_get_editor (SheathDocument *self) { return self->editor; }
gboolean sheath_document_get_busy (SheathDocument *self) { return self->cancellable != NULL; }
double sheath_document_get_fraction (SheathDocument *self) { return self->fraction; }
const char *sheath_document_get_message (SheathDocument *self) { return self->message; }
gboolean sheath_document_get_measuring (SheathDocument *self) { return self->measuring; }
gboolean sheath_document_get_modified (SheathDocument *self) { return self->modified; }

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

/**
 * sheath_document_get_masks_folder:
 *
 * Returns: (nullable): the folder the image's masks are kept in (a
 *   study's output folder), or %NULL when they are saved where the user says
 */
const char *
sheath_document_get_masks_folder (SheathDocument *self)
{
  g_return_val_if_fail (SHEATH_IS_DOCUMENT (self), NULL);
  return self->masks_folder;
}

/**
 * sheath_document_set_masks_folder:
 * @folder: (nullable): where the masks are kept
 *
 * The image's masks are kept in @folder: loaded from it as soon as the
 * image is (when they are there, and no unsaved edits are recovered
 * instead), and saved to it.
 */
void
sheath_document_set_masks_folder (SheathDocument *self,
                                  const char     *folder)
{
  g_return_if_fail (SHEATH_IS_DOCUMENT (self));
  if (g_strcmp0 (self->masks_folder, folder) == 0)
    return;
  g_free (self->masks_folder);
  self->masks_folder = g_strdup (folder);
  if (self->image != NULL && self->segmentation == NULL)
    _sheath_document_load_kept_masks (self);
}
