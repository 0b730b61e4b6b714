/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-image.h"
/* the largest image accepted, and pixel sizes from a file's tags */
#include "sheath-image-decoder-private.h"

G_BEGIN_DECLS

/* Pixel size beside the image: BIDS sidecar, then pixel_size_in_micrometer.txt. */
gboolean     _sheath_pixel_size_lookup         (GFile                  *image_file,
                                                double                 *pixel_size,
                                                SheathPixelSizeSource  *source,
                                                char                  **origin,
                                                GError                **error);

/* The modality a BIDS file name says ("SEM" for sub-1_sample-2_SEM.png), or NULL. */
char        *_sheath_modality_from_name        (const char             *basename);

/* An image of a slide's level, its pixels taken. */
SheathImage *_sheath_image_new_from_level      (GFile                  *file,
                                                guint                   width,
                                                guint                   height,
                                                guint                   bit_depth,
                                                gpointer                pixels,
                                                const char             *format,
                                                double                  pixel_size,
                                                SheathPixelSizeSource   source,
                                                const char             *origin);

const guint8  *_sheath_image_get_row8  (SheathImage *self, guint y);
const guint16 *_sheath_image_get_row16 (SheathImage *self, guint y);

G_END_DECLS

