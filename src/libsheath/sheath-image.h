/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(SHEATH_INSIDE) && !defined(SHEATH_COMPILATION)
# error "Only <sheath.h> can be included directly."
#endif

#include <gio/gio.h>

#include "sheath-version.h"

G_BEGIN_DECLS

#define SHEATH_TYPE_IMAGE (sheath_image_get_type ())

SHEATH_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SheathImage, sheath_image, SHEATH, IMAGE, GObject)

/**
 * SheathPixelSizeSource:
 * @SHEATH_PIXEL_SIZE_SOURCE_NONE: no pixel size is known
 * @SHEATH_PIXEL_SIZE_SOURCE_USER: given by the caller (a user or an option)
 * @SHEATH_PIXEL_SIZE_SOURCE_BIDS_SIDECAR: `PixelSize` of a BIDS JSON sidecar
 * @SHEATH_PIXEL_SIZE_SOURCE_ADS_TEXT_FILE: AxonDeepSeg's `pixel_size_in_micrometer.txt`
 * @SHEATH_PIXEL_SIZE_SOURCE_TIFF_RESOLUTION: the TIFF resolution tags
 * @SHEATH_PIXEL_SIZE_SOURCE_IMAGEJ: ImageJ's TIFF description
 * @SHEATH_PIXEL_SIZE_SOURCE_OME_XML: OME-XML in the TIFF description
 * @SHEATH_PIXEL_SIZE_SOURCE_PNG_PHYS: the PNG `pHYs` chunk, in pixels per metre
 * @SHEATH_PIXEL_SIZE_SOURCE_OPENSLIDE: a slide-scanner file's own, as
 *   OpenSlide reads it (`openslide.mpp-x`)
 *
 * Where an image's pixel size came from.
 */
typedef enum
{
  SHEATH_PIXEL_SIZE_SOURCE_NONE,
  SHEATH_PIXEL_SIZE_SOURCE_USER,
  SHEATH_PIXEL_SIZE_SOURCE_BIDS_SIDECAR,
  SHEATH_PIXEL_SIZE_SOURCE_ADS_TEXT_FILE,
  SHEATH_PIXEL_SIZE_SOURCE_TIFF_RESOLUTION,
  SHEATH_PIXEL_SIZE_SOURCE_IMAGEJ,
  SHEATH_PIXEL_SIZE_SOURCE_OME_XML,
  SHEATH_PIXEL_SIZE_SOURCE_PNG_PHYS,
  SHEATH_PIXEL_SIZE_SOURCE_OPENSLIDE,
} SheathPixelSizeSource;

/**
 * SheathImageRowsFunc:
 * @rows: the rows just decoded, gray samples packed one row after the
 *   other: bytes for 8-bit images, host-order 16-bit words for 16-bit ones
 * @first_row: the first of them
 * @n_rows: how many
 * @width: the image's width
 * @height: the image's height
 * @bit_depth: 8 or 16
 * @user_data: the data given with the function
 *
 * Called from the decoding thread as an image's rows are decoded, in order,
 * so that a viewer can show the image before it is whole.
 */
typedef void (*SheathImageRowsFunc) (gconstpointer rows,
                                     guint         first_row,
                                     guint         n_rows,
                                     guint         width,
                                     guint         height,
                                     guint         bit_depth,
                                     gpointer      user_data);

SHEATH_AVAILABLE_IN_ALL
SheathImage           *sheath_image_new_from_file_with_rows (GFile              *file,
                                                             SheathImageRowsFunc rows_func,
                                                             gpointer            user_data,
                                                             GError            **error);
SHEATH_AVAILABLE_IN_ALL
SheathImage           *sheath_image_new_from_file         (GFile        *file,
                                                           GError      **error);
SHEATH_AVAILABLE_IN_ALL
SheathImage           *sheath_image_new_from_bytes        (guint         width,
                                                           guint         height,
                                                           guint         bit_depth,
                                                           GBytes       *pixels,
                                                           GError      **error);
SHEATH_AVAILABLE_IN_ALL
GFile                 *sheath_image_get_file              (SheathImage  *self);
SHEATH_AVAILABLE_IN_ALL
guint                  sheath_image_get_width             (SheathImage  *self);
SHEATH_AVAILABLE_IN_ALL
guint                  sheath_image_get_height            (SheathImage  *self);
SHEATH_AVAILABLE_IN_ALL
guint                  sheath_image_get_bit_depth         (SheathImage  *self);
SHEATH_AVAILABLE_IN_ALL
const char            *sheath_image_get_format_description (SheathImage *self);
SHEATH_AVAILABLE_IN_ALL
double                 sheath_image_get_pixel_size        (SheathImage  *self);
SHEATH_AVAILABLE_IN_ALL
SheathPixelSizeSource  sheath_image_get_pixel_size_source (SheathImage  *self);
SHEATH_AVAILABLE_IN_ALL
const char            *sheath_image_get_pixel_size_origin (SheathImage  *self);
SHEATH_AVAILABLE_IN_ALL
const char            *sheath_image_get_ignored_resolution (SheathImage *self);
SHEATH_AVAILABLE_IN_ALL
const char            *sheath_image_get_modality          (SheathImage  *self);
SHEATH_AVAILABLE_IN_ALL
gboolean               sheath_image_set_pixel_size        (SheathImage  *self,
                                                           double        pixel_size,
                                                           GError      **error);
SHEATH_AVAILABLE_IN_ALL
gboolean               sheath_image_require_pixel_size    (SheathImage  *self,
                                                           GError      **error);
SHEATH_AVAILABLE_IN_ALL
guint                  sheath_image_get_value             (SheathImage  *self,
                                                           guint         x,
                                                           guint         y);
SHEATH_AVAILABLE_IN_ALL
void                   sheath_image_get_range             (SheathImage  *self,
                                                           guint        *min,
                                                           guint        *max);
SHEATH_AVAILABLE_IN_ALL
void                   sheath_image_read_display_row      (SheathImage  *self,
                                                           guint         y,
                                                           guint         lo,
                                                           guint         hi,
                                                           guint8       *row);
SHEATH_AVAILABLE_IN_ALL
const guint8          *sheath_image_peek_pixels8          (SheathImage  *self);
SHEATH_AVAILABLE_IN_ALL
const char            *sheath_pixel_size_source_to_string (SheathPixelSizeSource source);

G_END_DECLS
