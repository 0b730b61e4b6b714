/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <sheath.h>
#include <string.h>
#include <tiffio.h>

#include "sheath-slide-private.h"
#include "test-util.h"

/* Level 0's value at (x, y); a level k pixel is level 0's pixel at
 * (x·2^k, y·2^k), so that every level can be checked exactly. */
static guint
pattern (guint64 x,
         guint64 y,
         guint   bits)
{
  guint v = (guint) ((x * 7 + y * 13 + (x * y) % 101) & 0xffff);

  return bits == 8 ? v & 0xff : v;
}

typedef enum
{
  PYRAMID_SUB_IFDS,
  PYRAMID_PAGES,
} PyramidKind;

/* A tiled pyramid of @n_levels levels, each half the one before; BigTIFF
 * when @big; the levels as SubIFDs of the first page or as pages, with a
 * small "label" page of another aspect after them that is no level. */
static void
write_pyramid (const char  *path,
               guint        width,
               guint        height,
               guint        n_levels,
               guint        bits,
               gboolean     big,
               PyramidKind  kind)
{
  TIFF *tif = TIFFOpen (path, big ? "w8" : "w");
  guint tile = 64;
  g_autofree guint8 *buf = g_malloc ((gsize) tile * tile * 2);

  g_assert_nonnull (tif);
  for (guint level = 0; level < n_levels; level++)
    {
      guint w = width >> level, h = height >> level;

      TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, w);
      TIFFSetField (tif, TIFFTAG_IMAGELENGTH, h);
      TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, bits);
      TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, 1);
      TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
      TIFFSetField (tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
      TIFFSetField (tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
      TIFFSetField (tif, TIFFTAG_TILEWIDTH, tile);
      TIFFSetField (tif, TIFFTAG_TILELENGTH, tile);
      if (level == 0)
        {
          /* 0.25 µm pixels: 40000 per centimetre */
          TIFFSetField (tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_CENTIMETER);
          TIFFSetField (tif, TIFFTAG_XRESOLUTION, 40000.0);
          TIFFSetField (tif, TIFFTAG_YRESOLUTION, 40000.0);
        }
      if (level == 0 && kind == PYRAMID_SUB_IFDS && n_levels > 1)
        {
          g_autofree toff_t *offsets = g_new0 (toff_t, n_levels - 1);

          TIFFSetField (tif, TIFFTAG_SUBIFD, (guint16) (n_levels - 1), offsets);
        }
      if (level > 0)
        TIFFSetField (tif, TIFFTAG_SUBFILETYPE, FILETYPE_REDUCEDIMAGE);
      for (guint ty = 0; ty < h; ty += tile)
        for (guint tx = 0; tx < w; tx += tile)
          {
            memset (buf, 0, (gsize) tile * tile * 2);
            for (guint y = ty; y < MIN (ty + tile, h); y++)
              for (guint x = tx; x < MIN (tx + tile, w); x++)
                {
                  guint v = pattern ((guint64) x << level, (guint64) y << level, bits);
                  gsize i = (gsize) (y - ty) * tile + (x - tx);

                  if (bits == 8)
                    buf[i] = (guint8) v;
                  else
                    ((guint16 *) buf)[i] = (guint16) v;
                }
            g_assert_cmpint (TIFFWriteTile (tif, buf, tx, ty, 0, 0), >, 0);
          }
      g_assert_true (TIFFWriteDirectory (tif));
    }
  /* a label image, as slides have, of another aspect */
  TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, 40);
  TIFFSetField (tif, TIFFTAG_IMAGELENGTH, 10);
  TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField (tif, TIFFTAG_ROWSPERSTRIP, 10);
  memset (buf, 128, 400);
  g_assert_cmpint (TIFFWriteEncodedStrip (tif, 0, buf, 400), ==, 400);
  g_assert_true (TIFFWriteDirectory (tif));
  TIFFClose (tif);
}

static void
check_region (SheathSlide *slide,
              guint        level,
              guint64      x,
              guint64      y,
              guint        w,
              guint        h)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = sheath_slide_read_region (slide, level, x, y, w, h, &error);
  guint bits = sheath_slide_get_bit_depth (slide);
  const guint8 *data;
  gsize n;

  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, &n);
  g_assert_cmpuint (n, ==, (gsize) w * h * bits / 8);
  for (guint j = 0; j < h; j++)
    for (guint i = 0; i < w; i++)
      {
        guint expected = pattern ((x + i) << level, (y + j) << level, bits);
        guint got = bits == 8 ? data[(gsize) j * w + i] : ((const guint16 *) data)[(gsize) j * w + i];

        if (got != expected)
          g_error ("level %u (%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT "): %u, not %u",
                   level, x + i, y + j, got, expected);
      }
}

/* Pyramids stored both ways, classic and BigTIFF, 8- and 16-bit: the
 * levels are found (the label page is not one), every region read is
 * exact, across tile edges and at the image's edge. */
static void
test_slide_tiff_pyramids (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  struct { gboolean big; PyramidKind kind; guint bits; } cases[] = {
    { TRUE, PYRAMID_SUB_IFDS, 16 },
    { FALSE, PYRAMID_PAGES, 8 },
    { TRUE, PYRAMID_PAGES, 16 },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *path = g_build_filename (dir, "pyramid.tif", NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(SheathSlide) slide = NULL;
      g_autoptr(GError) error = NULL;

      write_pyramid (path, 1000, 600, 4, cases[c].bits, cases[c].big, cases[c].kind);
      slide = sheath_slide_new_from_file (file, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (sheath_slide_get_n_levels (slide), ==, 4);
      g_assert_true (sheath_slide_get_random_access (slide));
      g_assert_cmpuint (sheath_slide_get_bit_depth (slide), ==, cases[c].bits);
      g_assert_true (g_str_has_prefix (sheath_slide_get_format_description (slide),
                                       cases[c].big ? "BigTIFF" : "TIFF"));
      for (guint l = 0; l < 4; l++)
        {
          g_assert_cmpuint (sheath_slide_get_level_width (slide, l), ==, 1000u >> l);
          g_assert_cmpuint (sheath_slide_get_level_height (slide, l), ==, 600u >> l);
          g_assert_cmpfloat_with_epsilon (sheath_slide_get_level_downsample (slide, l), 1000.0 / (1000u >> l), 1e-9);
        }
      g_assert_cmpfloat_with_epsilon (sheath_slide_get_pixel_size (slide), 0.25, 1e-9);
      g_assert_cmpint (sheath_slide_get_pixel_size_source (slide), ==, SHEATH_PIXEL_SIZE_SOURCE_TIFF_RESOLUTION);

      check_region (slide, 0, 0, 0, 1000, 600);
      check_region (slide, 0, 60, 61, 70, 5);      /* across tile edges */
      check_region (slide, 0, 990, 590, 10, 10);   /* the last, partial tile */
      check_region (slide, 1, 100, 30, 300, 200);
      check_region (slide, 3, 0, 0, 125, 75);
      test_remove_tree (dir);
      g_assert_true (g_mkdir_with_parents (dir, 0700) == 0);
    }
  test_remove_tree (dir);
}

/* Colour as luminance, JPEG in YCbCr included (what slide scanners write),
 * read by libtiff's RGBA interface; strips read a region at a time too. */
static void
test_slide_tiff_jpeg (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "jpeg.tif", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(SheathSlide) slide = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) region = NULL;
  TIFF *tif = TIFFOpen (path, "w");
  guint w = 256, h = 192;
  g_autofree guint8 *rgb = g_malloc ((gsize) w * h * 3);
  const guint8 *gray;
  double worst = 0;

  /* smooth colours, which JPEG keeps well */
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        guint8 *p = rgb + ((gsize) y * w + x) * 3;

        p[0] = (guint8) x;
        p[1] = (guint8) (y + 40);
        p[2] = (guint8) ((x + y) / 2);
      }
  TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, w);
  TIFFSetField (tif, TIFFTAG_IMAGELENGTH, h);
  TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, 3);
  TIFFSetField (tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField (tif, TIFFTAG_COMPRESSION, COMPRESSION_JPEG);
  TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_YCBCR);
  TIFFSetField (tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
  TIFFSetField (tif, TIFFTAG_JPEGQUALITY, 95);
  TIFFSetField (tif, TIFFTAG_ROWSPERSTRIP, 32);
  for (guint y = 0; y < h; y++)
    g_assert_cmpint (TIFFWriteScanline (tif, rgb + (gsize) y * w * 3, y, 0), ==, 1);
  TIFFClose (tif);

  slide = sheath_slide_new_from_file (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_slide_get_n_levels (slide), ==, 1);
  g_assert_cmpuint (sheath_slide_get_bit_depth (slide), ==, 8);
  g_assert_nonnull (strstr (sheath_slide_get_format_description (slide), "JPEG"));
  region = sheath_slide_read_region (slide, 0, 50, 70, 100, 60, &error);
  g_assert_no_error (error);
  gray = g_bytes_get_data (region, NULL);
  for (guint y = 0; y < 60; y++)
    for (guint x = 0; x < 100; x++)
      {
        const guint8 *p = rgb + ((gsize) (y + 70) * w + x + 50) * 3;
        double luma = 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];

        worst = MAX (worst, fabs (gray[(gsize) y * 100 + x] - luma));
      }
  g_assert_cmpfloat (worst, <, 6);
  test_remove_tree (dir);
}

/* A real Hamamatsu NDPI slide: through OpenSlide where Sheath has it, and
 * through Sheath's own TIFF reader. The file stores four levels and a
 * macro image; OpenSlide adds three more, decoding the smallest stored
 * level's JPEG at 1/2, 1/4 and 1/8. Both must agree on the stored levels
 * and their pixels (both decode the same JPEG). */
static void
test_slide_ndpi (void)
{
  g_autofree char *path = test_require_shared ("samples/formats/ndpi/hamamatsu-tritc.ndpi");
  g_autoptr(GFile) file = NULL;
  g_autoptr(SheathSlide) slide = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(SheathSlideOpened) tiff = { 0 };
  g_autoptr(GBytes) a = NULL;
  guint8 *b;
  const guint8 *pa;
  guint differ = 0;

  if (path == NULL)
    return;
  file = g_file_new_for_path (path);
  slide = sheath_slide_new_from_file (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_slide_get_level_width (slide, 0), ==, 3968);
  g_assert_cmpuint (sheath_slide_get_level_height (slide, 0), ==, 4864);
#ifdef HAVE_OPENSLIDE
  g_assert_cmpuint (sheath_slide_get_n_levels (slide), ==, 7);
  g_assert_cmpuint (sheath_slide_get_level_width (slide, 6), ==, 62);
  g_assert_cmpfloat_with_epsilon (sheath_slide_get_pixel_size (slide), 0.228, 0.001);
  g_assert_cmpint (sheath_slide_get_pixel_size_source (slide), ==, SHEATH_PIXEL_SIZE_SOURCE_OPENSLIDE);
#endif

  g_assert_true (_sheath_slide_open_tiff (path, "ndpi", &tiff, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tiff.levels->len, ==, 4);
  g_assert_cmpuint (g_array_index (tiff.levels, SheathSlideLevel, 3).width, ==, 496);
  for (guint l = 0; l < 4; l++)
    {
      g_assert_cmpuint (g_array_index (tiff.levels, SheathSlideLevel, l).width, ==,
                        sheath_slide_get_level_width (slide, l));
      g_assert_cmpuint (g_array_index (tiff.levels, SheathSlideLevel, l).height, ==,
                        sheath_slide_get_level_height (slide, l));
    }
  /* opened as an image, it is its full resolution, read by region */
  {
    g_autoptr(SheathImage) image = sheath_image_new_from_file (file, &error);
    g_autoptr(SheathImage) level2 = sheath_slide_read_level (slide, 2, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (sheath_image_get_width (image), ==, 3968);
    g_assert_cmpuint (sheath_image_get_height (image), ==, 4864);
    g_assert_cmpuint (sheath_image_get_width (level2), ==, 992);
#ifdef HAVE_OPENSLIDE
    g_assert_cmpfloat_with_epsilon (sheath_image_get_pixel_size (image), 0.228, 0.001);
    g_assert_cmpfloat_with_epsilon (sheath_image_get_pixel_size (level2), 4 * 0.228, 0.004);
#endif
  }

  a = sheath_slide_read_region (slide, 2, 300, 400, 200, 150, &error);
  g_assert_no_error (error);
  b = g_malloc (200 * 150);
  g_assert_true (tiff.funcs->read_region (tiff.reader, 2, 300, 400, 200, 150, b, &error));
  g_assert_no_error (error);
  pa = g_bytes_get_data (a, NULL);
  for (guint i = 0; i < 200 * 150; i++)
    differ += abs ((int) pa[i] - (int) b[i]) > 2;
  g_free (b);
  g_assert_cmpuint (differ, <, 200 * 150 / 100);
}

/* A PNG opens from its header alone, and its regions, read downwards or
 * back up (the decoder starts again), are what SheathImage reads: 16-bit
 * gray, and colour with alpha turned into luminance. */
static void
test_slide_png (void)
{
  const char *names[] = { "samples/formats/gray16.png", "samples/formats/rgba8.png" };

  for (guint k = 0; k < G_N_ELEMENTS (names); k++)
    {
      g_autofree char *path = test_require_shared (names[k]);
      g_autoptr(GFile) file = NULL;
      g_autoptr(SheathSlide) slide = NULL;
      g_autoptr(SheathImage) image = NULL;
      g_autoptr(GError) error = NULL;
      const guint rows[][2] = { { 200, 40 }, { 300, 10 }, { 0, 10 }, { 700, 44 } };

      if (path == NULL)
        return;
      file = g_file_new_for_path (path);
      slide = sheath_slide_new_from_file (file, &error);
      g_assert_no_error (error);
      image = sheath_image_new_from_file (file, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (sheath_slide_get_n_levels (slide), ==, 1);
      /* decoded from the top only */
      g_assert_false (sheath_slide_get_random_access (slide));
      g_assert_cmpuint (sheath_slide_get_level_width (slide, 0), ==, sheath_image_get_width (image));
      g_assert_cmpuint (sheath_slide_get_bit_depth (slide), ==, sheath_image_get_bit_depth (image));
      g_assert_cmpstr (sheath_slide_get_ignored_resolution (slide), ==, sheath_image_get_ignored_resolution (image));
      for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
        {
          g_autoptr(GBytes) region = sheath_slide_read_region (slide, 0, 100, rows[r][0], 50, rows[r][1], &error);
          const guint8 *v;

          g_assert_no_error (error);
          v = g_bytes_get_data (region, NULL);
          for (guint y = 0; y < rows[r][1]; y++)
            for (guint x = 0; x < 50; x++)
              g_assert_cmpuint (sheath_slide_get_bit_depth (slide) == 16 ? ((const guint16 *) v)[y * 50 + x]
                                                                        : v[y * 50 + x],
                                ==, sheath_image_get_value (image, 100 + x, rows[r][0] + y));
        }
    }
}

/* Bad input: clear errors, never a crash. */
static void
test_slide_bad_input (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "pyramid.tif", NULL);
  g_autofree char *cut = g_build_filename (dir, "cut.tif", NULL);
  g_autofree char *text = g_build_filename (dir, "notes.tif", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.tif", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(SheathSlide) slide = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) region = NULL;

  write_pyramid (path, 300, 200, 2, 8, FALSE, PYRAMID_SUB_IFDS);
  slide = sheath_slide_new_from_file (file, &error);
  g_assert_no_error (error);

  region = sheath_slide_read_region (slide, 2, 0, 0, 10, 10, &error);
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
  g_assert_null (region);
  g_clear_error (&error);
  region = sheath_slide_read_region (slide, 0, 295, 0, 10, 10, &error);
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  region = sheath_slide_read_region (slide, 1, 0, 0, 0, 10, &error);
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* cut off in the middle of its tiles: the header reads, the pixels fail */
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (cut, contents, length / 2, NULL));
  {
    g_autoptr(GFile) f = g_file_new_for_path (cut);
    g_autoptr(SheathSlide) s = sheath_slide_new_from_file (f, &error);

    if (s != NULL)
      {
        g_autoptr(GBytes) all = sheath_slide_read_region (s, 0, 0, 0, 300, 200, &error);

        g_assert_null (all);
        g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE);
      }
    else
      g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE);
    g_clear_error (&error);
  }

  g_assert_true (g_file_set_contents (text, "not an image at all", -1, NULL));
  {
    g_autoptr(GFile) f = g_file_new_for_path (text);
    g_autoptr(SheathSlide) s = sheath_slide_new_from_file (f, &error);

    g_assert_null (s);
    g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE);
    g_clear_error (&error);
  }
  {
    g_autoptr(GFile) f = g_file_new_for_path (missing);
    g_autoptr(SheathSlide) s = sheath_slide_new_from_file (f, &error);

    g_assert_null (s);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
  test_remove_tree (dir);
}

/* Samples smaller than a byte (a 1-bit bilevel strip image): a region away
 * from the left edge holds what the whole level holds there (libtiff's own
 * column offset reads past the row for such samples; the fuzzer found it). */
static void
test_slide_sub_byte (void)
{
  const guint W = 203, H = 20;
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "bilevel.tif", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(SheathSlide) slide = NULL;
  g_autoptr(GBytes) whole = NULL, part = NULL;
  g_autoptr(GError) error = NULL;
  guint8 row[32];
  TIFF *tif = TIFFOpen (path, "w");

  g_assert_nonnull (tif);
  TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, W);
  TIFFSetField (tif, TIFFTAG_IMAGELENGTH, H);
  TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, 1);
  TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField (tif, TIFFTAG_ROWSPERSTRIP, 4);
  for (guint y = 0; y < H; y++)
    {
      memset (row, 0, sizeof row);
      for (guint x = 0; x < W; x++)
        if ((x * 7 + y * 3) % 5 < 2)
          row[x / 8] |= 0x80 >> (x % 8);
      g_assert_cmpint (TIFFWriteScanline (tif, row, y, 0), ==, 1);
    }
  TIFFClose (tif);

  slide = sheath_slide_new_from_file (file, &error);
  g_assert_no_error (error);
  whole = sheath_slide_read_region (slide, 0, 0, 0, W, H, &error);
  g_assert_no_error (error);
  part = sheath_slide_read_region (slide, 0, 150, 3, 53, 9, &error);
  g_assert_no_error (error);
  for (guint y = 0; y < 9; y++)
    for (guint x = 0; x < 53; x++)
      g_assert_cmpuint (((const guint8 *) g_bytes_get_data (part, NULL))[y * 53 + x], ==,
                        ((const guint8 *) g_bytes_get_data (whole, NULL))[(y + 3) * W + 150 + x]);
  /* and the last pixel alone, as the fuzzer asked for it */
  g_clear_pointer (&part, g_bytes_unref);
  part = sheath_slide_read_region (slide, 0, W - 1, H - 1, 1, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (part, NULL))[0], ==,
                    ((const guint8 *) g_bytes_get_data (whole, NULL))[(gsize) H * W - 1]);
  test_remove_tree (dir);
}

/* Pyramid levels of inconsistent sizes: SubIFDs whose first is of another
 * aspect (and the next no smaller than level 0) end the pyramid there; the
 * full resolution is still read, and no level of the wrong size is. */
static void
test_slide_inconsistent_levels (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "odd.tif", NULL);
  const guint sizes[][2] = { { 300, 200 }, { 150, 150 }, { 300, 200 }, { 75, 50 } };
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(SheathSlide) slide = NULL;
  g_autoptr(GBytes) region = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *buf = g_malloc0 (64 * 64);
  TIFF *tif = TIFFOpen (path, "w");

  g_assert_nonnull (tif);
  for (guint level = 0; level < G_N_ELEMENTS (sizes); level++)
    {
      TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, sizes[level][0]);
      TIFFSetField (tif, TIFFTAG_IMAGELENGTH, sizes[level][1]);
      TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, 8);
      TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, 1);
      TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
      TIFFSetField (tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
      TIFFSetField (tif, TIFFTAG_TILEWIDTH, 64);
      TIFFSetField (tif, TIFFTAG_TILELENGTH, 64);
      if (level == 0)
        {
          toff_t offsets[3] = { 0 };

          TIFFSetField (tif, TIFFTAG_SUBIFD, (guint16) 3, offsets);
        }
      else
        TIFFSetField (tif, TIFFTAG_SUBFILETYPE, FILETYPE_REDUCEDIMAGE);
      for (guint ty = 0; ty < sizes[level][1]; ty += 64)
        for (guint tx = 0; tx < sizes[level][0]; tx += 64)
          {
            memset (buf, 10 * (level + 1), 64 * 64);
            g_assert_cmpint (TIFFWriteTile (tif, buf, tx, ty, 0, 0), >, 0);
          }
      g_assert_true (TIFFWriteDirectory (tif));
    }
  TIFFClose (tif);

  slide = sheath_slide_new_from_file (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_slide_get_n_levels (slide), ==, 1);
  region = sheath_slide_read_region (slide, 0, 250, 150, 50, 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (region, NULL))[0], ==, 10);
  g_clear_pointer (&region, g_bytes_unref);
  region = sheath_slide_read_region (slide, 1, 0, 0, 10, 10, &error);
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);

  test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Sheath/Slide/tiff-pyramids", test_slide_tiff_pyramids);
  g_test_add_func ("/Sheath/Slide/tiff-jpeg", test_slide_tiff_jpeg);
  g_test_add_func ("/Sheath/Slide/ndpi", test_slide_ndpi);
  g_test_add_func ("/Sheath/Slide/png", test_slide_png);
  g_test_add_func ("/Sheath/Slide/bad-input", test_slide_bad_input);
  g_test_add_func ("/Sheath/Slide/inconsistent-levels", test_slide_inconsistent_levels);
  g_test_add_func ("/Sheath/Slide/sub-byte", test_slide_sub_byte);
  return g_test_run ();
}
