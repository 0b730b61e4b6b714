/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-segmentation"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include <math.h>
#include <string.h>

#include "sheath-error.h"
#include "sheath-image.h"
#include "sheath-png-writer-private.h"
#include "sheath-segmentation-private.h"

struct _SheathSegmentation
{
  GObject  parent_instance;

  guint    width;
  guint    height;
  guint8  *labels;   /* SheathLabel per pixel, rows packed */
  gboolean unmyelinated;   /* unmyelinated axons are a class of their own */
  guint8  *confidence;     /* the model's probability of each pixel's class,
                            * 0–255; NULL when the masks were read */
  guint8  *probabilities;  /* every class's, [classes][height][width], kept
                            * only for calibration */
  guint    n_probability_planes;
  char   **other_classes;  /* names of labels SHEATH_LABEL_OTHER and on */
};

/**
 * SheathSegmentation:
 *
 * A label map the size of its image: each pixel background, myelin, axon
 * or, where the model knows them, unmyelinated axon (#SheathLabel), read
 * from or written as AxonDeepSeg's mask files.
 */
G_DEFINE_FINAL_TYPE (SheathSegmentation, sheath_segmentation, G_TYPE_OBJECT)

static void
sheath_segmentation_finalize (GObject *object)
{
  SheathSegmentation *self = (SheathSegmentation *)object;

  g_clear_pointer (&self->labels, g_free);
  g_clear_pointer (&self->confidence, g_free);
  g_clear_pointer (&self->probabilities, g_free);
  g_clear_pointer (&self->other_classes, g_strfreev);

  G_OBJECT_CLASS (sheath_segmentation_parent_class)->finalize (object);
}

static void
sheath_segmentation_class_init (SheathSegmentationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sheath_segmentation_finalize;
}

static void
sheath_segmentation_init (SheathSegmentation *self)
{
}

/**
 * sheath_label_get_colour:
 * @label: a class
 * @red: (out): its red, 0–255
 * @green: (out): its green
 * @blue: (out): its blue
 *
 * The colour a class is drawn in over the image: AxonDeepSeg's for axons
 * (blue) and myelin (red), green for unmyelinated axons, and yellow,
 * magenta, cyan, orange and grey in turn for classes Sheath does not know;
 * background is black (drawn transparent).
 */
void
sheath_label_get_colour (SheathLabel  label,
                         guint8      *red,
                         guint8      *green,
                         guint8      *blue)
{
  static const guint8 colours[][3] = {
    [SHEATH_LABEL_BACKGROUND] = { 0, 0, 0 },
    [SHEATH_LABEL_MYELIN] = { 255, 40, 40 },
    [SHEATH_LABEL_AXON] = { 20, 110, 255 },
    [SHEATH_LABEL_UNMYELINATED_AXON] = { 40, 200, 90 },
  };
  /* classes Sheath does not know, in turn */
  static const guint8 others[][3] = {
    { 240, 200, 30 }, { 200, 60, 220 }, { 30, 210, 220 }, { 250, 130, 30 }, { 150, 150, 150 },
  };
  const guint8 *c = label < G_N_ELEMENTS (colours) ? colours[label]
                                                   : others[(label - SHEATH_LABEL_OTHER) % G_N_ELEMENTS (others)];

  *red = c[0];
  *green = c[1];
  *blue = c[2];
}

SheathSegmentation *
_sheath_segmentation_try_new (guint     width,
                              guint     height,
                              GError  **error)
{
  g_autoptr(SheathSegmentation) self = g_object_new (SHEATH_TYPE_SEGMENTATION, NULL);

  self->width = width;
  self->height = height;
  self->labels = g_try_malloc0 ((gsize) width * height);
  if (self->labels == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                   _ ("Not enough memory for a %u × %u segmentation"), width, height);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * sheath_segmentation_new:
 * @width: the width in pixels
 * @height: the height in pixels
 *
 * Makes an empty (all background) segmentation.
 *
 * Returns: (transfer full): a new #SheathSegmentation
 */
SheathSegmentation *
sheath_segmentation_new (guint width,
                         guint height)
{
  g_autoptr(SheathSegmentation) self = NULL;

  g_return_val_if_fail (width > 0 && height > 0, NULL);

  self = g_object_new (SHEATH_TYPE_SEGMENTATION, NULL);
  self->width = width;
  self->height = height;
  self->labels = g_malloc0 ((gsize) width * height);

  return g_steal_pointer (&self);
}

/* More than this share of grey values means a picture, not a mask. */
#define MAX_NON_BINARY_FRACTION 0.01

static gboolean
check_binary (SheathImage  *mask,
              const char   *name,
              GError      **error)
{
  guint w = sheath_image_get_width (mask), h = sheath_image_get_height (mask);
  guint max = sheath_image_get_bit_depth (mask) == 8 ? 255 : 65535;
  guint64 grey = 0;

  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        guint v = sheath_image_get_value (mask, x, y);
        grey += v != 0 && v != max;
      }

  if (grey > MAX_NON_BINARY_FRACTION * w * h)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE,
                   "'%s' is not a binary mask: %.1f %% of its pixels are neither 0 nor %u",
                   name, 100.0 * grey / ((double) w * h), max);
      return FALSE;
    }
  return TRUE;
}

/**
 * sheath_segmentation_new_from_masks:
 * @axon_mask: an axon mask (AxonDeepSeg's `_seg-axon.png`, or drawn by hand)
 * @myelin_mask: the myelin mask of the same image
 * @error: return location for a #GError
 *
 * Reads two binary masks of the same size. A pixel above half the maximum
 * is set (a few stray grey values are tolerated); where both are set, axon
 * wins.
 *
 * Returns: (transfer full): the segmentation, or %NULL with @error set
 */
SheathSegmentation *
sheath_segmentation_new_from_masks (GFile   *axon_mask,
                                    GFile   *myelin_mask,
                                    GError **error)
{
  g_autoptr(SheathImage) axon = NULL;
  g_autoptr(SheathImage) myelin = NULL;
  g_autoptr(SheathSegmentation) self = NULL;
  g_autofree char *axon_name = NULL, *myelin_name = NULL;
  guint w, h, half_a, half_m;

  g_return_val_if_fail (G_IS_FILE (axon_mask), NULL);
  g_return_val_if_fail (G_IS_FILE (myelin_mask), NULL);

  axon_name = g_file_get_parse_name (axon_mask);
  myelin_name = g_file_get_parse_name (myelin_mask);
  if (!(axon = sheath_image_new_from_file (axon_mask, error)) ||
      !(myelin = sheath_image_new_from_file (myelin_mask, error)))
    return NULL;

  w = sheath_image_get_width (axon);
  h = sheath_image_get_height (axon);
  if (sheath_image_get_width (myelin) != w || sheath_image_get_height (myelin) != h)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE,
                   _ ("The masks differ in size: '%s' is %u × %u, '%s' is %u × %u"),
                   axon_name, w, h, myelin_name,
                   sheath_image_get_width (myelin), sheath_image_get_height (myelin));
      return NULL;
    }
  if (!check_binary (axon, axon_name, error) || !check_binary (myelin, myelin_name, error))
    return NULL;

  if (!(self = _sheath_segmentation_try_new (w, h, error)))
    return NULL;

  half_a = sheath_image_get_bit_depth (axon) == 8 ? 127 : 32767;
  half_m = sheath_image_get_bit_depth (myelin) == 8 ? 127 : 32767;
  for (guint y = 0; y < h; y++)
    {
      guint8 *row = _sheath_segmentation_get_row (self, y);

      for (guint x = 0; x < w; x++)
        row[x] = sheath_image_get_value (axon, x, y) > half_a ? SHEATH_LABEL_AXON :
                 sheath_image_get_value (myelin, x, y) > half_m ? SHEATH_LABEL_MYELIN :
                 SHEATH_LABEL_BACKGROUND;
    }

  return g_steal_pointer (&self);
}

/**
 * sheath_segmentation_add_mask:
 * @self: a #SheathSegmentation
 * @mask: a binary mask of the same size (such as `STEM_seg-uaxon-manual.png`)
 * @label: the class its set pixels get
 * @error: return location for a #GError
 *
 * Paints a further class in from its own mask: its set pixels that are
 * background so far take @label, so the classes read first win where masks
 * overlap. Painting %SHEATH_LABEL_UNMYELINATED_AXON also makes the
 * segmentation one that knows unmyelinated axons.
 *
 * Returns: %TRUE, or %FALSE with @error set when the mask cannot be read,
 *   is not binary or is not of the segmentation's size
 */
gboolean
sheath_segmentation_add_mask (SheathSegmentation  *self,
                              GFile               *mask,
                              SheathLabel          label,
                              GError             **error)
{
  g_autoptr(SheathImage) image = NULL;
  g_autofree char *name = NULL;
  guint half;

  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (mask), FALSE);
  g_return_val_if_fail (label <= SHEATH_LABEL_UNMYELINATED_AXON, FALSE);

  name = g_file_get_parse_name (mask);
  if (!(image = sheath_image_new_from_file (mask, error)))
    return FALSE;
  if (sheath_image_get_width (image) != self->width || sheath_image_get_height (image) != self->height)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE,
                   _ ("'%s' is %u × %u but the other masks are %u × %u"), name,
                   sheath_image_get_width (image), sheath_image_get_height (image), self->width, self->height);
      return FALSE;
    }
  if (!check_binary (image, name, error))
    return FALSE;

  half = sheath_image_get_bit_depth (image) == 8 ? 127 : 32767;
  for (guint y = 0; y < self->height; y++)
    {
      guint8 *row = _sheath_segmentation_get_row (self, y);

      for (guint x = 0; x < self->width; x++)
        if (row[x] == SHEATH_LABEL_BACKGROUND && sheath_image_get_value (image, x, y) > half)
          row[x] = label;
    }
  if (label == SHEATH_LABEL_UNMYELINATED_AXON)
    self->unmyelinated = TRUE;
  return TRUE;
}

/**
 * sheath_segmentation_get_unmyelinated:
 * @self: a #SheathSegmentation
 *
 * Whether unmyelinated axons are a class of this segmentation (it comes
 * from a model with a `uaxon` class, or from masks that have them): then
 * saving it also writes `STEM_seg-uaxon.png`, and a background pixel means
 * "no axon" rather than "not a myelinated fibre".
 *
 * Returns: %TRUE if unmyelinated axons are labelled
 */
gboolean
sheath_segmentation_get_unmyelinated (SheathSegmentation *self)
{
  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (self), FALSE);
  return self->unmyelinated;
}

/**
 * sheath_segmentation_set_unmyelinated:
 * @self: a #SheathSegmentation
 * @unmyelinated: whether unmyelinated axons are labelled
 *
 * Says whether unmyelinated axons are a class of this segmentation; see
 * sheath_segmentation_get_unmyelinated().
 */
void
sheath_segmentation_set_unmyelinated (SheathSegmentation *self,
                                      gboolean            unmyelinated)
{
  g_return_if_fail (SHEATH_IS_SEGMENTATION (self));
  self->unmyelinated = !!unmyelinated;
}

void
_sheath_segmentation_set_other_classes (SheathSegmentation  *self,
                                        const char * const  *names)
{
  g_strfreev (self->other_classes);
  self->other_classes = names && names[0] ? g_strdupv ((char **) names) : NULL;
}

/**
 * sheath_segmentation_get_other_classes:
 * @self: a #SheathSegmentation
 *
 * The classes of its model that Sheath does not know (neither background,
 * myelin, axon nor uaxon), by name: label %SHEATH_LABEL_OTHER + k is the
 * k-th. They are shown in a colour of their own, saved as
 * `STEM_seg-NAME.png` and measured as regions.
 *
 * Returns: (transfer none) (array zero-terminated=1) (nullable): the
 *   names, or %NULL when there are none
 */
const char * const *
sheath_segmentation_get_other_classes (SheathSegmentation *self)
{
  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (self), NULL);
  return (const char * const *) self->other_classes;
}

/**
 * sheath_segmentation_get_width:
 * @self: a #SheathSegmentation
 *
 * The segmentation's width.
 *
 * Returns: the width in pixels
 */
guint
sheath_segmentation_get_width (SheathSegmentation *self)
{
  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (self), 0);
  return self->width;
}

/**
 * sheath_segmentation_get_height:
 * @self: a #SheathSegmentation
 *
 * The segmentation's height.
 *
 * Returns: the height in pixels
 */
guint
sheath_segmentation_get_height (SheathSegmentation *self)
{
  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (self), 0);
  return self->height;
}

/**
 * sheath_segmentation_get_label:
 * @self: a #SheathSegmentation
 * @x: a column
 * @y: a row
 *
 * The label of one pixel.
 *
 * Returns: the class of the pixel at (@x, @y)
 */
SheathLabel
sheath_segmentation_get_label (SheathSegmentation *self,
                               guint               x,
                               guint               y)
{
  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (self), SHEATH_LABEL_BACKGROUND);
  g_return_val_if_fail (x < self->width && y < self->height, SHEATH_LABEL_BACKGROUND);

  return self->labels[(gsize) y * self->width + x];
}

/**
 * sheath_segmentation_set_label:
 * @self: a #SheathSegmentation
 * @x: a column
 * @y: a row
 * @label: the class to give the pixel
 *
 * Sets the class of one pixel, as a hand edit does: where the segmentation
 * has confidence, the pixel becomes certain.
 */
void
sheath_segmentation_set_label (SheathSegmentation *self,
                               guint               x,
                               guint               y,
                               SheathLabel         label)
{
  g_return_if_fail (SHEATH_IS_SEGMENTATION (self));
  g_return_if_fail (x < self->width && y < self->height);
  g_return_if_fail (label <= SHEATH_LABEL_UNMYELINATED_AXON);

  self->labels[(gsize) y * self->width + x] = label;
  if (self->confidence != NULL)
    self->confidence[(gsize) y * self->width + x] = 255;
  if (label == SHEATH_LABEL_UNMYELINATED_AXON)
    self->unmyelinated = TRUE;
}

/**
 * sheath_segmentation_count:
 * @self: a #SheathSegmentation
 * @label: a class
 *
 * Counts the pixels of one class.
 *
 * Returns: how many pixels have class @label
 */
guint64
sheath_segmentation_count (SheathSegmentation *self,
                           SheathLabel         label)
{
  gsize n;
  guint64 count = 0;

  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (self), 0);

  n = (gsize) self->width * self->height;
  for (gsize i = 0; i < n; i++)
    count += self->labels[i] == label;

  return count;
}

/**
 * sheath_segmentation_dup_labels:
 * @self: a #SheathSegmentation
 *
 * A copy of every label, row after row.
 *
 * Returns: (transfer full): one byte per pixel, rows packed, each a #SheathLabel
 */
GBytes *
sheath_segmentation_dup_labels (SheathSegmentation *self)
{
  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (self), NULL);
  return g_bytes_new (self->labels, (gsize) self->width * self->height);
}

/**
 * sheath_segmentation_copy:
 * @self: a #SheathSegmentation
 * @error: return location for a #GError
 *
 * Copies the segmentation, so that it can be measured or saved in another
 * thread while the original is edited.
 *
 * Returns: (transfer full): a copy, or %NULL without the memory for it
 */
SheathSegmentation *
sheath_segmentation_copy (SheathSegmentation  *self,
                          GError             **error)
{
  SheathSegmentation *copy;

  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (self), NULL);

  if (!(copy = _sheath_segmentation_try_new (self->width, self->height, error)))
    return NULL;
  memcpy (copy->labels, self->labels, (gsize) self->width * self->height);
  copy->unmyelinated = self->unmyelinated;
  copy->other_classes = g_strdupv (self->other_classes);
  if (self->confidence != NULL &&
      !_sheath_segmentation_ensure_confidence (copy, error))
    {
      g_object_unref (copy);
      return NULL;
    }
  if (self->confidence != NULL)
    memcpy (copy->confidence, self->confidence, (gsize) self->width * self->height);
  return copy;
}

/**
 * sheath_segmentation_peek_row: (skip)
 * @self: a #SheathSegmentation
 * @y: a row
 *
 * One row of labels, without a copy.
 *
 * Returns: the row's labels, one #SheathLabel byte per pixel, owned by @self
 */
const guint8 *
sheath_segmentation_peek_row (SheathSegmentation *self,
                              guint               y)
{
  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (self), NULL);
  g_return_val_if_fail (y < self->height, NULL);
  return self->labels + (gsize) y * self->width;
}

/**
 * sheath_segmentation_dup_stem:
 * @image: an image file
 *
 * The stem its outputs are named after, as AxonDeepSeg names them: the
 * name without its extension (`.ome.tif` counting as one), so that
 * `sub-1_SEM.png` has masks `sub-1_SEM_seg-axon.png` and a table
 * `sub-1_SEM_axon_morphometrics.csv`.
 *
 * Returns: (transfer full): the stem
 */
char *
sheath_segmentation_dup_stem (GFile *image)
{
  g_autofree char *name = NULL;
  char *dot;

  g_return_val_if_fail (G_IS_FILE (image), NULL);

  name = g_file_get_basename (image);
  if (name == NULL)
    return g_strdup ("image");
  if ((dot = strrchr (name, '.')) != NULL && dot != name)
    {
      *dot = '\0';
      if (g_str_has_suffix (name, ".ome") && strlen (name) > 4)
        name[strlen (name) - 4] = '\0';
    }
  return g_steal_pointer (&name);
}

/**
 * sheath_segmentation_set_rows:
 * @self: a #SheathSegmentation
 * @first_row: the first row to set
 * @labels: #SheathLabel bytes (0 to 3) of whole rows, packed, as
 *   #SheathSegmenter::rows-segmented gives them
 *
 * Copies whole rows in, such as those a segmenter reports as it goes.
 */
void
sheath_segmentation_set_rows (SheathSegmentation *self,
                              guint               first_row,
                              GBytes             *labels)
{
  gsize size;
  const guint8 *data;

  g_return_if_fail (SHEATH_IS_SEGMENTATION (self));
  g_return_if_fail (labels != NULL);

  data = g_bytes_get_data (labels, &size);
  g_return_if_fail (size % self->width == 0);
  g_return_if_fail (first_row <= self->height && size / self->width <= self->height - first_row);
  memcpy (self->labels + (gsize) first_row * self->width, data, size);
}

guint8 *
_sheath_segmentation_get_row (SheathSegmentation *self,
                              guint               y)
{
  return self->labels + (gsize) y * self->width;
}

gboolean
_sheath_segmentation_ensure_confidence (SheathSegmentation  *self,
                                        GError             **error)
{
  if (self->confidence != NULL)
    return TRUE;
  self->confidence = g_try_malloc0 ((gsize) self->width * self->height);
  if (self->confidence == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                   _ ("Not enough memory for a %u × %u segmentation"), self->width, self->height);
      return FALSE;
    }
  return TRUE;
}

gboolean
_sheath_segmentation_keep_probabilities (SheathSegmentation  *self,
                                         guint                n_classes,
                                         GError             **error)
{
  g_clear_pointer (&self->probabilities, g_free);
  self->probabilities = g_try_malloc0 ((gsize) n_classes * self->width * self->height);
  self->n_probability_planes = self->probabilities ? n_classes : 0;
  if (self->probabilities == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                   _ ("Not enough memory for a %u × %u segmentation"), self->width, self->height);
      return FALSE;
    }
  return TRUE;
}

guint8 *
_sheath_segmentation_get_probabilities (SheathSegmentation *self,
                                        guint              *n_classes)
{
  *n_classes = self->n_probability_planes;
  return self->probabilities;
}

guint8 *
_sheath_segmentation_get_confidence_row (SheathSegmentation *self,
                                         guint               y)
{
  return self->confidence ? self->confidence + (gsize) y * self->width : NULL;
}

/**
 * sheath_segmentation_has_confidence:
 * @self: a #SheathSegmentation
 *
 * Whether the segmentation knows how sure its model was of each pixel: it
 * does when a segmenter made it, not when it was read from masks.
 *
 * Returns: %TRUE if sheath_segmentation_get_confidence() has values
 */
gboolean
sheath_segmentation_has_confidence (SheathSegmentation *self)
{
  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (self), FALSE);
  return self->confidence != NULL;
}

/**
 * sheath_segmentation_get_confidence:
 * @self: a #SheathSegmentation
 * @x: a column
 * @y: a row
 *
 * How sure the model was of the pixel's class: the probability it gave
 * that class, to a 255th. A pixel changed by hand counts as certain.
 *
 * Returns: from 0 to 1, or NaN where the segmentation has no confidence
 */
double
sheath_segmentation_get_confidence (SheathSegmentation *self,
                                    guint               x,
                                    guint               y)
{
  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (self), NAN);
  g_return_val_if_fail (x < self->width && y < self->height, NAN);

  if (self->confidence == NULL)
    return NAN;
  return self->confidence[(gsize) y * self->width + x] / 255.0;
}

/**
 * sheath_segmentation_dup_mask_path:
 * @dir: a folder
 * @stem: an image's name without extension
 * @kind: "axon", "myelin" or "axonmyelin"
 *
 * The path of a mask, as AxonDeepSeg names it.
 *
 * Returns: (transfer full): the path AxonDeepSeg gives a mask,
 *   `DIR/STEM_seg-KIND.png`
 */
char *
sheath_segmentation_dup_mask_path (const char *dir,
                                   const char *stem,
                                   const char *kind)
{
  g_autofree char *basename = g_strdup_printf ("%s_seg-%s.png", stem, kind);

  return g_build_filename (dir, basename, NULL);
}

/**
 * sheath_segmentation_dup_manual_mask_path:
 * @dir: a folder
 * @stem: an image's name without extension
 * @kind: "axon" or "myelin"
 *
 * The path of a mask drawn by hand, as a BIDS dataset names it.
 *
 * Returns: (transfer full): the path a BIDS dataset gives a mask drawn by
 *   hand, `DIR/STEM_seg-KIND-manual.png`
 */
char *
sheath_segmentation_dup_manual_mask_path (const char *dir,
                                          const char *stem,
                                          const char *kind)
{
  g_autofree char *manual_kind = g_strconcat (kind, "-manual", NULL);

  return sheath_segmentation_dup_mask_path (dir, stem, manual_kind);
}

/**
 * sheath_segmentation_dup_mask_for:
 * @axon_mask: an axon mask, `STEM_seg-axon.png` or `STEM_seg-axon-manual.png`
 * @kind: the other mask's kind: "myelin" or "uaxon"
 * @error: where to say that the name is not an axon mask's
 *
 * Another mask of the same image, named as the axon mask is: beside it,
 * `STEM_seg-KIND.png` or `STEM_seg-KIND-manual.png`. It may not exist.
 *
 * Returns: (transfer full): the other mask's file, or %NULL with @error set
 */
GFile *
sheath_segmentation_dup_mask_for (GFile       *axon_mask,
                                  const char  *kind,
                                  GError     **error)
{
  g_autofree char *name = NULL;
  g_autoptr(GFile) parent = NULL;
  g_autoptr(GString) other = NULL;
  const char *marker;

  g_return_val_if_fail (G_IS_FILE (axon_mask), NULL);
  g_return_val_if_fail (kind != NULL, NULL);

  name = g_file_get_basename (axon_mask);
  parent = g_file_get_parent (axon_mask);
  if (name == NULL || parent == NULL || (marker = g_strrstr (name, "_seg-axon")) == NULL ||
      g_str_has_prefix (marker, "_seg-axonmyelin"))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   "“%s” is not named as an axon mask is (STEM_seg-axon.png)", name ? name : "");
      return NULL;
    }
  other = g_string_new_len (name, marker - name);
  g_string_append_printf (other, "_seg-%s", kind);
  g_string_append (other, marker + strlen ("_seg-axon"));
  return g_file_get_child (parent, other->str);
}

/**
 * sheath_segmentation_dup_myelin_mask_for:
 * @axon_mask: an axon mask, `STEM_seg-axon.png` or `STEM_seg-axon-manual.png`
 * @error: where to say that the name is not an axon mask's
 *
 * The myelin mask that goes with an axon mask, beside it.
 *
 * Returns: (transfer full): the myelin mask that goes with it, beside it:
 *   `STEM_seg-myelin.png` or `STEM_seg-myelin-manual.png`
 */
GFile *
sheath_segmentation_dup_myelin_mask_for (GFile   *axon_mask,
                                         GError **error)
{
  return sheath_segmentation_dup_mask_for (axon_mask, "myelin", error);
}

/**
 * sheath_segmentation_add_unmyelinated_beside:
 * @self: a #SheathSegmentation read from @axon_mask
 * @axon_mask: the axon mask it was read from
 * @error: return location for a #GError
 *
 * Paints in the unmyelinated axons of `STEM_seg-uaxon.png` (or
 * `-manual.png`) beside the axon mask, where there is one; without one the
 * segmentation is left as it is.
 *
 * Returns: %TRUE, or %FALSE with @error set when the mask is there but
 *   cannot be used
 */
gboolean
sheath_segmentation_add_unmyelinated_beside (SheathSegmentation  *self,
                                             GFile               *axon_mask,
                                             GError             **error)
{
  g_autoptr(GFile) uaxon = NULL;

  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (self), FALSE);

  if (!(uaxon = sheath_segmentation_dup_mask_for (axon_mask, "uaxon", NULL)) ||
      !g_file_query_exists (uaxon, NULL))
    return TRUE;
  return sheath_segmentation_add_mask (self, uaxon, SHEATH_LABEL_UNMYELINATED_AXON, error);
}

/* One mask file: the pixels of one label set (255), or AxonDeepSeg's
 * combined mask when label is -1: 0 background, 127 myelin, 255 axon. */
typedef struct
{
  SheathSegmentation *self;
  char               *kind;
  int                 label;
} MaskRows;

static void
mask_row (guint    y,
          gpointer row,
          gpointer data)
{
  const MaskRows *mask = data;
  const guint8 *labels = _sheath_segmentation_get_row (mask->self, y);
  guint8 *out = row;
  guint width = mask->self->width;

  if (mask->label >= 0)
    for (guint x = 0; x < width; x++)
      out[x] = labels[x] == mask->label ? 255 : 0;
  else
    for (guint x = 0; x < width; x++)
      out[x] = labels[x] == SHEATH_LABEL_AXON ? 255 : labels[x] == SHEATH_LABEL_MYELIN ? 127 : 0;
}

/* A class's name as it goes into a file name: letters and digits only */
static char *
kind_for_class (const char *name)
{
  GString *kind = g_string_new (NULL);

  for (const char *p = name; *p; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (kind, *p);
  if (kind->len == 0)
    g_string_append (kind, "other");
  return g_string_free (kind, FALSE);
}

/**
 * sheath_segmentation_save:
 * @self: a #SheathSegmentation
 * @dir: the folder to write to
 * @stem: the image's name without extension
 * @error: return location for a #GError
 *
 * Writes the masks as AxonDeepSeg does: `STEM_seg-axon.png` and
 * `STEM_seg-myelin.png` (0 or 255) and `STEM_seg-axonmyelin.png` (0
 * background, 127 myelin, 255 axon), and where unmyelinated axons are
 * labelled (sheath_segmentation_get_unmyelinated()) `STEM_seg-uaxon.png`
 * too, as AxonDeepSeg names it (otherwise an earlier one there is
 * removed); a class Sheath does not know goes to `STEM_seg-NAME.png`.
 * All are written to temporary files first and renamed into place only
 * when all are complete, so a failure leaves no partial mask behind and
 * earlier masks untouched.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_segmentation_save (SheathSegmentation  *self,
                          const char          *dir,
                          const char          *stem,
                          GError             **error)
{
  g_autoptr(GArray) masks = g_array_new (FALSE, TRUE, sizeof (MaskRows));
  g_autoptr(GPtrArray) temps = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) finals = g_ptr_array_new_with_free_func (g_free);
  gboolean ok = TRUE;

  g_return_val_if_fail (SHEATH_IS_SEGMENTATION (self), FALSE);
  g_return_val_if_fail (dir != NULL && stem != NULL, FALSE);

  g_array_append_val (masks, ((MaskRows) { self, g_strdup ("axon"), SHEATH_LABEL_AXON }));
  g_array_append_val (masks, ((MaskRows) { self, g_strdup ("myelin"), SHEATH_LABEL_MYELIN }));
  g_array_append_val (masks, ((MaskRows) { self, g_strdup ("axonmyelin"), -1 }));
  if (self->unmyelinated)
    g_array_append_val (masks, ((MaskRows) { self, g_strdup ("uaxon"), SHEATH_LABEL_UNMYELINATED_AXON }));
  for (guint k = 0; self->other_classes && self->other_classes[k]; k++)
    g_array_append_val (masks, ((MaskRows) { self, kind_for_class (self->other_classes[k]),
                                             (int) (SHEATH_LABEL_OTHER + k) }));

  for (guint i = 0; i < masks->len && ok; i++)
    {
      MaskRows *mask = &g_array_index (masks, MaskRows, i);
      g_autofree char *basename = g_strdup_printf ("%s_seg-%s.png", stem, mask->kind);
      char *temp = _sheath_png_write_temp (dir, basename, self->width, self->height, 8, 1,
                                           mask_row, mask, error);

      ok = temp != NULL;
      if (ok)
        {
          g_ptr_array_add (temps, temp);
          g_ptr_array_add (finals, sheath_segmentation_dup_mask_path (dir, stem, mask->kind));
        }
    }

  if (ok)
    ok = _sheath_commit_files ((char **) temps->pdata, (char **) finals->pdata, temps->len, error);
  else
    _sheath_discard_files ((char **) temps->pdata, temps->len);

  /* an unmyelinated-axon mask of an earlier segmentation is not this one's */
  if (ok && !self->unmyelinated)
    {
      g_autofree char *stale = sheath_segmentation_dup_mask_path (dir, stem, "uaxon");

      g_unlink (stale);
    }

  for (guint i = 0; i < masks->len; i++)
    g_free (g_array_index (masks, MaskRows, i).kind);
  return ok;
}

SheathSegmentation *
_sheath_segmentation_dup_label_as_axons (SheathSegmentation  *self,
                                         guint8               label,
                                         GError             **error)
{
  g_autoptr(SheathSegmentation) only = NULL;

  if (!(only = _sheath_segmentation_try_new (self->width, self->height, error)))
    return NULL;
  for (guint y = 0; y < self->height; y++)
    {
      const guint8 *in = _sheath_segmentation_get_row (self, y);
      guint8 *out = _sheath_segmentation_get_row (only, y);

      for (guint x = 0; x < self->width; x++)
        out[x] = in[x] == label ? SHEATH_LABEL_AXON : SHEATH_LABEL_BACKGROUND;
    }
  return g_steal_pointer (&only);
}
