/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The contract between SheathImage and its decoders (PNG, TIFF): what a
 * decoder hands over and the helpers it may use (sheath-image-decoder.c).
 * Decoders include this header only, never sheath-image-private.h, so that
 * nothing includes in a loop. */

#include "sheath-image.h"

G_BEGIN_DECLS

/* Images larger than this are refused before any pixel is allocated. */
#define SHEATH_IMAGE_MAX_SIDE   200000u
#define SHEATH_IMAGE_MAX_PIXELS (G_GUINT64_CONSTANT (4) << 30)

/* What a decoder hands over: gray pixels, 8- or 16-bit in host order, rows
 * packed, and any pixel size the file itself states. */
typedef struct
{
  guint                  width;
  guint                  height;
  guint                  bit_depth;
  gpointer               pixels;
  char                  *format;
  double                 pixel_size;
  SheathPixelSizeSource  pixel_size_source;
  char                  *ignored_resolution;  /* why the file's resolution was not used */
} SheathDecodedImage;

/* Where a decoder reports rows as it decodes them (func may be NULL). */
typedef struct
{
  SheathImageRowsFunc func;
  gpointer            data;
} SheathRowsSink;

void         _sheath_decoded_image_clear       (SheathDecodedImage *decoded);
void         _sheath_rows_sink_emit            (const SheathRowsSink *sink,
                                                gconstpointer       pixels,
                                                guint               width,
                                                guint               height,
                                                guint               bit_depth,
                                                guint               first_row,
                                                guint               n_rows);
gboolean     _sheath_image_check_size          (const char         *name,
                                                guint64             width,
                                                guint64             height,
                                                GError            **error);
/* A header must not make Sheath set gigabytes aside before reading a pixel
 * (found by fuzzing): @held bytes of data, packed at most @max_ratio to 1,
 * must be able to hold the @needed bytes its pixels take. */
guint64      _sheath_image_file_size           (const char         *path);
gboolean     _sheath_image_check_holds         (const char         *name,
                                                const char         *format,
                                                guint               width,
                                                guint               height,
                                                guint64             held,
                                                guint64             needed,
                                                guint               max_ratio,
                                                GError            **error);
gpointer     _sheath_image_try_alloc_pixels    (const char         *name,
                                                guint               width,
                                                guint               height,
                                                guint               bytes_per_sample,
                                                GError            **error);

gboolean     _sheath_png_load                  (const char         *path,
                                                const char         *name,
                                                const SheathRowsSink *sink,
                                                SheathDecodedImage *decoded,
                                                GError            **error);
gboolean     _sheath_tiff_load                 (const char         *path,
                                                const char         *name,
                                                const SheathRowsSink *sink,
                                                SheathDecodedImage *decoded,
                                                GError            **error);

/* Pixel sizes from a file's own tags (sheath-pixel-size.c). */
double       _sheath_pixel_size_from_unit      (double                  value,
                                                const char             *unit);

/* Coarser than this, a resolution tag is not a microscope's pixel size. */
#define SHEATH_RESOLUTION_MAX_PIXEL_SIZE 50.0

/* The pixel size in µm from a resolution in pixels per unit of @unit_um µm,
 * or 0 when it is a screen or print setting (then @ignored says which). */
double       _sheath_pixel_size_from_resolution (double                 pixels_per_unit,
                                                 double                 unit_um,
                                                 char                 **ignored);

G_END_DECLS

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SheathDecodedImage, _sheath_decoded_image_clear)
