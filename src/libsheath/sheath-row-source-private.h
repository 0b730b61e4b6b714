/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-image.h"
#include "sheath-slide.h"

G_BEGIN_DECLS

/* Gray rows for the segmenter, as floats, from an image in memory or from
 * a slide's full resolution read in bands. A slide's bands are read
 * downwards only (a PNG cannot go back without decoding again from its
 * top): the source keeps the rows a reader may still step back to. */
typedef struct _SheathRowSource SheathRowSource;

SheathRowSource *_sheath_row_source_new_for_image (SheathImage      *image);
/* @back: how many rows above the lowest row read so far may still be
 * asked for */
SheathRowSource *_sheath_row_source_new_for_slide (SheathSlide      *slide,
                                                   guint             back);
guint            _sheath_row_source_get_width     (SheathRowSource  *self);
guint            _sheath_row_source_get_height    (SheathRowSource  *self);
guint            _sheath_row_source_get_bit_depth (SheathRowSource  *self);
gboolean         _sheath_row_source_read          (SheathRowSource  *self,
                                                   guint             y,
                                                   float            *out,
                                                   GError          **error);
/* Rows [@y, @y + @n_rows) as the slide stores them (8- or 16-bit), into
 * @out; read downwards like the rest (@n_rows at most @back + 256). */
gboolean         _sheath_row_source_read_rows     (SheathRowSource  *self,
                                                   guint             y,
                                                   guint             n_rows,
                                                   guint8           *out,
                                                   GError          **error);
void             _sheath_row_source_free          (SheathRowSource  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SheathRowSource, _sheath_row_source_free)

G_END_DECLS
