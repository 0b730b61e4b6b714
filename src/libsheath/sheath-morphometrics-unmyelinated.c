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

/* The regions of one label, measured as the axons of a segmentation of
 * their own (without confidence: they are not fibres to review). */
static GArray *
measure_label (SheathMorphometrics  *self,
               guint8                label,
               GCancellable         *cancellable,
               GError              **error)
{
  g_autoptr(SheathSegmentation) only = NULL;
  Region r = { 0 };
  GArray *regions = NULL;

  if (!(only = _sheath_segmentation_dup_label_as_axons (self->segmentation, label, error)))
    return NULL;
  r.width = self->width;
  r.height = self->height;
  if (_sheath_region_measure (only, self->pixel_size, self->shape, &r, cancellable, error))
    regions = g_steal_pointer (&r.axons);
  _sheath_region_clear (&r);
  return regions;
}

gboolean
_sheath_morphometrics_measure_unmyelinated (SheathMorphometrics  *self,
                                            GCancellable         *cancellable,
                                            GError              **error)
{
  const char * const *others = sheath_segmentation_get_other_classes (self->segmentation);

  g_clear_pointer (&self->uaxons, g_array_unref);
  g_clear_pointer (&self->other_regions, g_ptr_array_unref);
  if (sheath_segmentation_get_unmyelinated (self->segmentation) &&
      !(self->uaxons = measure_label (self, SHEATH_LABEL_UNMYELINATED_AXON, cancellable, error)))
    return FALSE;
  if (others != NULL)
    {
      self->other_regions = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
      for (guint k = 0; others[k]; k++)
        {
          GArray *regions = measure_label (self, SHEATH_LABEL_OTHER + k, cancellable, error);

          if (regions == NULL)
            return FALSE;
          g_ptr_array_add (self->other_regions, regions);
        }
    }
  return TRUE;
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

/**
 * sheath_morphometrics_get_n_other_regions:
 * @self: a #SheathMorphometrics
 * @label: %SHEATH_LABEL_OTHER + k, a class Sheath does not know
 *
 * The regions (8-connected) of a class Sheath does not know
 * (sheath_segmentation_get_other_classes()), measured as unmyelinated
 * axons are.
 *
 * Returns: how many regions of that class were measured
 */
guint
sheath_morphometrics_get_n_other_regions (SheathMorphometrics *self,
                                          SheathLabel          label)
{
  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), 0);

  if (self->other_regions == NULL || label < SHEATH_LABEL_OTHER ||
      label - SHEATH_LABEL_OTHER >= self->other_regions->len)
    return 0;
  return ((GArray *) g_ptr_array_index (self->other_regions, label - SHEATH_LABEL_OTHER))->len;
}

/**
 * sheath_morphometrics_get_other_region:
 * @self: a #SheathMorphometrics
 * @label: %SHEATH_LABEL_OTHER + k, a class Sheath does not know
 * @index: from 0 to the number of its regions − 1
 *
 * One region of a class Sheath does not know, with the fields of a
 * #SheathAxon an unmyelinated axon has.
 *
 * Returns: (transfer none): its measurements
 */
const SheathAxon *
sheath_morphometrics_get_other_region (SheathMorphometrics *self,
                                       SheathLabel          label,
                                       guint                index)
{
  g_return_val_if_fail (index < sheath_morphometrics_get_n_other_regions (self, label), NULL);
  return &g_array_index ((GArray *) g_ptr_array_index (self->other_regions, label - SHEATH_LABEL_OTHER),
                         SheathAxon, index);
}

static gboolean
write_regions (GArray      *regions,
               const char  *prefix,
               const char  *path,
               GError     **error)
{
  g_autoptr(GString) csv = g_string_new (NULL);

  g_string_append_printf (csv, "%s_id,x0 (px),y0 (px),%s_area (um^2),%s_diam (um),%s_perimeter (um),solidity,"
                          "eccentricity,orientation,image_border_touching,bbox_min_y,bbox_min_x,bbox_max_y,"
                          "bbox_max_x\n", prefix, prefix, prefix, prefix);
  for (guint i = 0; regions != NULL && i < regions->len; i++)
    {
      const SheathAxon *a = &g_array_index (regions, SheathAxon, i);

      g_string_append_printf (csv, "%u", a->id);
      _sheath_morphometrics_append_double (csv, a->x0);
      _sheath_morphometrics_append_double (csv, a->y0);
      _sheath_morphometrics_append_double (csv, a->axon_area);
      _sheath_morphometrics_append_double (csv, a->axon_diam);
      _sheath_morphometrics_append_double (csv, a->axon_perimeter);
      _sheath_morphometrics_append_double (csv, a->solidity);
      _sheath_morphometrics_append_double (csv, a->eccentricity);
      _sheath_morphometrics_append_double (csv, a->orientation);
      g_string_append_printf (csv, ",%s,%d,%d,%d,%d\n",
                              a->image_border_touching ? "True" : "False",
                              a->bbox_min_y, a->bbox_min_x, a->bbox_max_y, a->bbox_max_x);
    }

  return _sheath_morphometrics_write_text (path, csv, error);
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
  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), FALSE);
  return write_regions (self->uaxons, "uaxon", path, error);
}

/**
 * sheath_morphometrics_write_other_regions_csv:
 * @self: a #SheathMorphometrics
 * @label: %SHEATH_LABEL_OTHER + k, a class Sheath does not know
 * @path: the CSV file to write, usually `STEM_NAME_morphometrics.csv`
 * @error: return location for a #GError
 *
 * Writes one row per region of the class, with the columns of
 * sheath_morphometrics_write_unmyelinated_csv() (`region_id`,
 * `region_area (um^2)`, …), whole to a temporary file and renamed.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_morphometrics_write_other_regions_csv (SheathMorphometrics  *self,
                                              SheathLabel           label,
                                              const char           *path,
                                              GError              **error)
{
  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS (self), FALSE);
  return write_regions (sheath_morphometrics_get_n_other_regions (self, label) > 0
                          ? g_ptr_array_index (self->other_regions, label - SHEATH_LABEL_OTHER) : NULL,
                        "region", path, error);
}

gboolean
_sheath_morphometrics_drop_fibres (SheathSegmentation  *segmentation,
                                   double               pixel_size,
                                   double               min_confidence,
                                   double               min_axon_diam,
                                   GCancellable        *cancellable,
                                   GError             **error)
{
  g_autoptr(SheathMorphometrics) m = NULL;
  g_autofree guint8 *drop = NULL;
  guint n;

  if (!(m = sheath_morphometrics_compute (segmentation, pixel_size, SHEATH_AXON_SHAPE_CIRCLE, cancellable, error)))
    return FALSE;
  n = m->axons->len;
  drop = g_new0 (guint8, n + 1);
  for (guint i = 0; i < n; i++)
    {
      const SheathAxon *a = &g_array_index (m->axons, SheathAxon, i);

      /* NaN (no confidence) is never below */
      drop[a->id] = a->confidence < min_confidence || a->axon_diam < min_axon_diam;
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
