/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the whole-image PNG decoder and the slide reader's row-by-row one
 * share: how any PNG becomes gray samples. */

#include <glib.h>
#include <png.h>

G_BEGIN_DECLS

/* Sets libpng's transforms that turn the image of @info into gray samples
 * (palette and colour to Rec. 709 luminance, alpha stripped, small depths
 * expanded, 16-bit in host order); returns the depth they come in, 8 or 16. */
guint _sheath_png_set_gray_transforms (png_structp png,
                                       png_infop   info);

G_END_DECLS
