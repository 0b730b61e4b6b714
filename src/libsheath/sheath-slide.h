/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(SHEATH_INSIDE) && !defined(SHEATH_COMPILATION)
# error "Only <sheath.h> can be included directly."
#endif

#include <gio/gio.h>

#include "sheath-image.h"
#include "sheath-version.h"

G_BEGIN_DECLS

#define SHEATH_TYPE_SLIDE (sheath_slide_get_type ())

SHEATH_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SheathSlide, sheath_slide, SHEATH, SLIDE, GObject)

SHEATH_AVAILABLE_IN_ALL
SheathSlide           *sheath_slide_new_from_file            (GFile        *file,
                                                              GError      **error);
SHEATH_AVAILABLE_IN_ALL
GFile                 *sheath_slide_get_file                 (SheathSlide  *self);
SHEATH_AVAILABLE_IN_ALL
const char            *sheath_slide_get_format_description   (SheathSlide  *self);
SHEATH_AVAILABLE_IN_ALL
guint                  sheath_slide_get_bit_depth            (SheathSlide  *self);
SHEATH_AVAILABLE_IN_ALL
gboolean               sheath_slide_get_random_access        (SheathSlide  *self);
SHEATH_AVAILABLE_IN_ALL
guint                  sheath_slide_get_n_levels             (SheathSlide  *self);
SHEATH_AVAILABLE_IN_ALL
guint64                sheath_slide_get_level_width          (SheathSlide  *self,
                                                              guint         level);
SHEATH_AVAILABLE_IN_ALL
guint64                sheath_slide_get_level_height         (SheathSlide  *self,
                                                              guint         level);
SHEATH_AVAILABLE_IN_ALL
double                 sheath_slide_get_level_downsample     (SheathSlide  *self,
                                                              guint         level);
SHEATH_AVAILABLE_IN_ALL
double                 sheath_slide_get_pixel_size           (SheathSlide  *self);
SHEATH_AVAILABLE_IN_ALL
SheathPixelSizeSource  sheath_slide_get_pixel_size_source    (SheathSlide  *self);
SHEATH_AVAILABLE_IN_ALL
const char            *sheath_slide_get_pixel_size_origin    (SheathSlide  *self);
SHEATH_AVAILABLE_IN_ALL
const char            *sheath_slide_get_ignored_resolution   (SheathSlide  *self);
SHEATH_AVAILABLE_IN_ALL
SheathImage           *sheath_slide_read_level               (SheathSlide  *self,
                                                              guint         level,
                                                              GError      **error);
SHEATH_AVAILABLE_IN_ALL
GBytes                *sheath_slide_read_region              (SheathSlide  *self,
                                                              guint         level,
                                                              guint64       x,
                                                              guint64       y,
                                                              guint         width,
                                                              guint         height,
                                                              GError      **error);

G_END_DECLS
