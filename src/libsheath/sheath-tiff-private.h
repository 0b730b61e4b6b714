/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the whole-image TIFF decoder and the region reader of slides share
 * (opening a file with libtiff's messages caught, its pixel size), and
 * what the TIFF writers share. */

#include <tiffio.h>

#include "sheath-image.h"

G_BEGIN_DECLS

typedef struct
{
  char message[256];   /* libtiff's first error, for the GError */
} SheathTiffMessages;

TIFF *_sheath_tiff_open            (const char             *path,
                                    SheathTiffMessages     *messages);
/* From ImageJ's or OME-XML's description, or the resolution tags; ignored
 * says why a resolution was not taken as a pixel size. */
void  _sheath_tiff_read_pixel_size (TIFF                   *tif,
                                    double                 *pixel_size,
                                    SheathPixelSizeSource  *source,
                                    char                  **ignored);

/* Writes a TIFF (BigTIFF when @big) through @write into a temporary file
 * beside @path, renamed into place only when all of it is written. */
typedef gboolean (*SheathTiffWriteFunc) (TIFF     *tif,
                                         gpointer  data);

gboolean _sheath_tiff_write_atomic (const char           *path,
                                    gboolean              big,
                                    SheathTiffWriteFunc   write,
                                    gpointer              data,
                                    GError              **error);

G_END_DECLS
