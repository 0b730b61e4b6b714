/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-morphometrics"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sheath-error.h"
#include "sheath-morphometrics-private.h"
#include "sheath-segmentation-private.h"

/* Unmyelinated axons, where the segmentation has them: measured as axons
 * are (the same labelling, specks, holes, diameters and shapes), each a
 * fibre without myelin, and kept apart from the myelinated fibres. And the
 * fibres a calibrated model drops for their low confidence. */

gboolean
_sheath_morphometrics_measure_unmyelinated (SheathMorphometrics  *self,
                                            GCancellable         *cancellable,
                                            GError              **error)
{
  g_autoptr(SheathSegmentation) only = NULL;
  Region r = { 0 };
  gboolean ok;

  g_clear_pointer (&self->uaxons, g_array_unref);
  if (!sheath_segmentation_get_unmyelinated (self->segmentation))
    return TRUE;

  /* the unmyelinated axons as the axons of a segmentation of their own */
  if (!(only = _sheath_segmentation_try_new (self->width, self->height, error)))
    return FALSE;
  for (guint y = 0; y < self->height; y++)
    {
      const guint8 *in = _sheath_segmentation_get_row (self->segmentation, y);
      guint8 *out = _sheath_segmentation_get_row (only, y);

      for (guint x = 0; x < self->width; x++)
        out[x] = in[x] == SHEATH_LABEL_UNMYELINATED_AXON ? SHEATH_LABEL_AXON : SHEATH_LABEL_BACKGROUND;
    }

  r.width = self->width;
  r.height = self->height;
  ok = _sheath_region_measure (only, self->pixel_size, self->shape, &r, cancellable, error);
  if (ok)
    self->uaxons = g_steal_pointer (&r.axons);
  _sheath_region_clear (&r);
  return ok;
}

/**
 * sheath_morphometrics_get_n_unmyelinated:
 * @self: a #SheathMorphometrics
 *
 * The number of unmyelinated axons measured: 0 unless the segmentation
 * has them (sheath_segmentation_get_unmyelinated()).
 *
 * Returns: the number of unmyelinated axons
 */
guint
sheath_morphometrics_get_n_unmyelinated (SheathMorphometrics *self)
{
  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), 0);
  return self->uaxons ? self->uaxons->len : 0;
}

/**
 * sheath_morphometrics_get_unmyelinated:
 * @self: a #SheathMorphometrics
 * @index: from 0 to the number of unmyelinated axons − 1
 *
 * One unmyelinated axon's measurements, with the axon's fields of a
 * #SheathAxon set (position, area, perimeter, diameter, solidity,
 * eccentricity, orientation, border, box); its myelin is 0 and its
 * g-ratio 1.
 *
 * Returns: (transfer none): the measurements of one unmyelinated axon
 */
const SheathAxon *
sheath_morphometrics_get_unmyelinated (SheathMorphometrics *self,
                                       guint                index)
{
  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), NULL);
  g_return_val_if_fail (self->uaxons != NULL && index < self->uaxons->len, NULL);
  return &g_array_index (self->uaxons, SheathAxon, index);
}

static void
append_double (GString *s,
               double   v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (s, ',');
  g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.10g", v));
}

/**
 * sheath_morphometrics_write_unmyelinated_csv:
 * @self: a #SheathMorphometrics
 * @path: the CSV file to write, usually `STEM_uaxon_morphometrics.csv`
 * @error: return location for a #GError
 *
 * Writes one row per unmyelinated axon with the columns AxonDeepSeg's
 * `-u` option gives them (centroid, area, diameter, perimeter, solidity,
 * eccentricity, orientation), whole to a temporary file and renamed.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_morphometrics_write_unmyelinated_csv (SheathMorphometrics  *self,
                                             const char           *path,
                                             GError              **error)
{
  g_autoptr(GString) csv = g_string_new ("uaxon_id,x0 (px),y0 (px),uaxon_area (um^2),uaxon_diam (um),"
                                         "uaxon_perimeter (um),solidity,eccentricity,orientation,"
                                         "image_border_touching,bbox_min_y,bbox_min_x,bbox_max_y,"
                                         "bbox_max_x\n");
  g_autoptr(GError) local_error = NULL;
  guint n;

  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), FALSE);

  n = sheath_morphometrics_get_n_unmyelinated (self);
  for (guint i = 0; i < n; i++)
    {
      const SheathAxon *a = &g_array_index (self->uaxons, SheathAxon, i);

      g_string_append_printf (csv, "%u", a->id);
      append_double (csv, a->x0);
      append_double (csv, a->y0);
      append_double (csv, a->axon_area);
      append_double (csv, a->axon_diam);
      append_double (csv, a->axon_perimeter);
      append_double (csv, a->solidity);
      append_double (csv, a->eccentricity);
      append_double (csv, a->orientation);
      g_string_append_printf (csv, ",%s,%d,%d,%d,%d\n",
                              a->image_border_touching ? "True" : "False",
                              a->bbox_min_y, a->bbox_min_x, a->bbox_max_y, a->bbox_max_x);
    }

  if (!g_file_set_contents_full (path, csv->str, csv->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local_error))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE,
                   _ ("Cannot write '%s': %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
_sheath_morphometrics_drop_unsure_fibres (SheathSegmentation  *segmentation,
                                          double               min_confidence,
                                          GCancellable        *cancellable,
                                          GError             **error)
{
  g_autoptr(SheathMorphometrics) m = NULL;
  g_autofree guint8 *drop = NULL;
  guint n;

  if (!sheath_segmentation_has_confidence (segmentation))
    return TRUE;
  /* the pixel size does not change which pixels a fibre has */
  if (!(m = sheath_morphometrics_compute (segmentation, 1.0, SHEATH_AXON_SHAPE_CIRCLE, cancellable, error)))
    return FALSE;
  n = m->axons->len;
  drop = g_new0 (guint8, n + 1);
  for (guint i = 0; i < n; i++)
    {
      const SheathAxon *a = &g_array_index (m->axons, SheathAxon, i);

      drop[a->id] = a->confidence < min_confidence;
    }
  for (guint y = 0; y < m->height; y++)
    {
      guint8 *row = _sheath_segmentation_get_row (segmentation, y);
      const guint32 *fibres = m->fibre_labels + (gsize) y * m->width;

      for (guint x = 0; x < m->width; x++)
        if (drop[fibres[x]] && (row[x] == SHEATH_LABEL_AXON || row[x] == SHEATH_LABEL_MYELIN))
          row[x] = SHEATH_LABEL_BACKGROUND;
    }
  return TRUE;
}
