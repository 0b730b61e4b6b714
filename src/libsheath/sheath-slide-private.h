/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The contract between SheathSlide and its readers (libtiff, OpenSlide,
 * PNG): what a reader hands over when it opens a file, and how regions are
 * read from it afterwards. */

#include "sheath-slide.h"

G_BEGIN_DECLS

typedef struct
{
  guint64 width;
  guint64 height;
  double  downsample;   /* level 0's width over this level's */
} SheathSlideLevel;

typedef struct
{
  /* Fills @pixels (@width × @height gray samples, 8- or 16-bit as the
   * slide's bit depth) from the region of @level at @x, @y, which lies
   * within the level. */
  gboolean (*read_region) (gpointer   reader,
                           guint      level,
                           guint64    x,
                           guint64    y,
                           guint      width,
                           guint      height,
                           gpointer   pixels,
                           GError   **error);
  void     (*free)        (gpointer   reader);
} SheathSlideReaderFuncs;

/* What a reader found on opening: its levels, largest first. */
typedef struct
{
  const SheathSlideReaderFuncs *funcs;
  gpointer                      reader;
  GArray                       *levels;           /* SheathSlideLevel */
  guint                         bit_depth;
  char                         *format;
  double                        pixel_size;
  SheathPixelSizeSource         pixel_size_source;
  char                         *ignored_resolution;
  gboolean                      sequential;       /* decoded from the top only */
} SheathSlideOpened;

void     _sheath_slide_opened_clear  (SheathSlideOpened  *opened);
void     _sheath_slide_add_level     (SheathSlideOpened  *opened,
                                      guint64             width,
                                      guint64             height);

/* Each returns FALSE with @error set when it cannot read the file; the
 * OpenSlide reader also when it does not know the file (then @error is
 * G_IO_ERROR_NOT_SUPPORTED), so that the next one may try. */
gboolean _sheath_slide_open_openslide (const char         *path,
                                       const char         *name,
                                       SheathSlideOpened  *opened,
                                       GError            **error);
gboolean _sheath_slide_open_tiff      (const char         *path,
                                       const char         *name,
                                       SheathSlideOpened  *opened,
                                       GError            **error);
gboolean _sheath_slide_open_png       (GFile              *file,
                                       const char         *name,
                                       SheathSlideOpened  *opened,
                                       GError            **error);

G_END_DECLS

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SheathSlideOpened, _sheath_slide_opened_clear)
