/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-document"

#include "config.h"

#include <glib/gi18n.h>

#include "sheath-document-private.h"

/* While a large image decodes, a small picture of its rows so far is
 * offered ("preview") a few times a second: a slice of tens of thousands of
 * pixels a side shows at once and fills in, instead of after seconds of
 * nothing. */
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
post_preview_cb (gpointer data)
{
  PreviewPost *post = data;

  if (!g_cancellable_is_cancelled (post->doc->load_cancellable))   /* not closed meanwhile */
    _sheath_document_emit (post->doc, SHEATH_DOCUMENT_PREVIEW, post->rgb, post->pw, post->ph,
                           post->width, post->height);
  g_object_unref (post->doc);
  g_bytes_unref (post->rgb);
  g_free (post);
  return G_SOURCE_REMOVE;
}

static void
preview_start (Preview       *p,
               gconstpointer  rows,
               guint          n_rows,
               guint          width,
               guint          height,
               guint          bit_depth)
{
  p->step = (MAX (width, height) + PREVIEW_SIDE - 1) / PREVIEW_SIDE;
  p->width = width;
  p->height = height;
  p->pw = (width + p->step - 1) / p->step;
  p->ph = (height + p->step - 1) / p->step;
  p->rgb = g_malloc0 ((gsize) p->pw * p->ph * 3);
  p->last_post = g_get_monotonic_time ();
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
    preview_start (p, rows, n_rows, width, height, bit_depth);

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
       * the handlers on this thread whenever the main thread was between
       * two iterations; at default priority, so it comes before the load's end */
      g_idle_add_full (G_PRIORITY_DEFAULT, post_preview_cb, post, NULL);
      p->last_post = now;
    }
}

static void
load_worker (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  SheathDocument *self = source;
  SheathSegmentation **area_labels = data;
  GError *error = NULL;
  Preview preview = { .doc = source };
  SheathImage *image;

  /* a part of a slide: small enough to need no preview */
  if (self->map != NULL)
    image = _sheath_document_read_area (self, area_labels, &error);
  else
    image = sheath_image_new_from_file_with_rows (self->file, preview_rows_cb, &preview, &error);

  g_free (preview.rgb);
  if (image == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, image, g_object_unref);
}

static void
clear_area_labels (gpointer data)
{
  SheathSegmentation **labels = data;

  g_clear_object (labels);
  g_free (labels);
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

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SheathDocument *self = SHEATH_DOCUMENT (object);
  SheathSegmentation **area_labels = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathImage) image = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *name = g_file_get_basename (sheath_document_get_name_file (self));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (image == NULL)
    {
      g_autofree char *message = g_strdup_printf (_ ("Cannot open “%s”: %s"), name, error->message);
      _sheath_document_emit (self, SHEATH_DOCUMENT_FAILED, message);
      return;
    }

  g_set_object (&self->image, image);
  if (self->map == NULL)   /* a slide's part has the pixel size its slide window was given */
    recall_pixel_size (self);
  _sheath_document_notify (self, SHEATH_DOCUMENT_PROP_IMAGE);
  if (self->restore_pending)
    sheath_document_restore_edits (self);
  else if (*area_labels != NULL)
    _sheath_document_set_segmentation (self, *area_labels);
  else
    _sheath_document_load_kept_masks (self);
}

/* The masks in the document's masks folder, if it has one and they are
 * there; said as a toast when they cannot be read. */
void
_sheath_document_load_kept_masks (SheathDocument *self)
{
  g_autofree char *stem = NULL, *path = NULL;
  g_autoptr(GFile) axon = NULL;
  g_autoptr(GError) error = NULL;

  if (self->masks_folder == NULL || self->image == NULL)
    return;
  stem = sheath_segmentation_dup_stem (self->file);
  path = sheath_segmentation_dup_mask_path (self->masks_folder, stem, "axon");
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return;
  axon = g_file_new_for_path (path);
  if (!sheath_document_load_masks (self, axon, &error))
    _sheath_document_toast (self, _ ("The masks in “%s” could not be loaded: %s"), self->masks_folder,
                            error->message);
}

/* Decodes the image in a thread. A document disposed meanwhile (its window
 * closed) cancels it: the task then ends cancelled, and nothing is said. */
void
_sheath_document_load (SheathDocument *self)
{
  g_autoptr(GTask) task = NULL;

  self->load_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->load_cancellable, loaded_cb, NULL);
  g_task_set_source_tag (task, _sheath_document_load);
  /* where a slide part's labels go, read with its pixels */
  g_task_set_task_data (task, g_new0 (SheathSegmentation *, 1), clear_area_labels);
  g_task_run_in_thread (task, load_worker);
}
