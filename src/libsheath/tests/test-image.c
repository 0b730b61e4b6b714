/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <png.h>
#include <sheath.h>
#include <string.h>
#include <tiffio.h>
#include <zlib.h>

#include "test-util.h"

static SheathImage *
load (const char  *path,
      GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  return sheath_image_new_from_file (file, error);
}

static SheathImage *
load_sample (const char *name)
{
  g_autofree char *rel = g_build_filename ("samples", "formats", name, NULL);
  g_autofree char *path = test_require_shared (rel);
  g_autoptr(GError) error = NULL;
  SheathImage *image;

  if (path == NULL)
    return NULL;
  image = load (path, &error);
  g_assert_no_error (error);
  return image;
}

static void
test_image_samples (void)
{
  static const struct { const char *name; guint w, h, depth; } samples[] = {
    { "gray8.png", 1154, 744, 8 },
    { "gray16.png", 1154, 744, 16 },
    { "gray8.tif", 1154, 744, 8 },
    { "gray16.tif", 1154, 744, 16 },
    { "rgb8.png", 1154, 744, 8 },
    { "rgba8.png", 1154, 744, 8 },
    { "tem-gray16.tif", 2048, 209, 16 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autoptr(SheathImage) image = load_sample (samples[i].name);

      if (image == NULL)
        return;
      g_test_message ("%s: %s", samples[i].name, sheath_image_get_format_description (image));
      g_assert_cmpuint (sheath_image_get_width (image), ==, samples[i].w);
      g_assert_cmpuint (sheath_image_get_height (image), ==, samples[i].h);
      g_assert_cmpuint (sheath_image_get_bit_depth (image), ==, samples[i].depth);
      /* Screen resolutions in these files are not pixel sizes. */
      g_assert_cmpint (sheath_image_get_pixel_size_source (image), ==, SHEATH_PIXEL_SIZE_SOURCE_NONE);
    }
}

/* The same micrograph in every format gives the same gray values: 16-bit
 * keeps its range, colour becomes luminance. */
static void
test_image_formats_agree (void)
{
  g_autoptr(SheathImage) gray8 = load_sample ("gray8.png");
  g_autoptr(SheathImage) gray8_tif = load_sample ("gray8.tif");
  g_autoptr(SheathImage) gray16 = load_sample ("gray16.png");
  g_autoptr(SheathImage) gray16_tif = load_sample ("gray16.tif");
  g_autoptr(SheathImage) rgb = load_sample ("rgb8.png");
  g_autoptr(SheathImage) rgba = load_sample ("rgba8.png");
  double diff16 = 0, diff_rgb = 0, diff_tif = 0;
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, corr;
  guint max16 = 0, n = 0;

  if (gray8 == NULL || gray8_tif == NULL || gray16 == NULL || gray16_tif == NULL || rgb == NULL || rgba == NULL)
    return;

  sheath_image_get_range (gray16, NULL, &max16);
  g_assert_cmpuint (max16, >, 255);

  for (guint y = 0; y < 744; y += 7)
    for (guint x = 0; x < 1154; x += 5)
      {
        double v8 = sheath_image_get_value (gray8, x, y);

        diff16 += fabs (sheath_image_get_value (gray16, x, y) / 257.0 - v8);
        double vc = sheath_image_get_value (rgb, x, y);

        diff_rgb += fabs ((double) sheath_image_get_value (rgba, x, y) - vc);
        sx += v8, sy += vc, sxx += v8 * v8, syy += vc * vc, sxy += v8 * vc;
        diff_tif += fabs ((double) sheath_image_get_value (gray8_tif, x, y) - v8);
        diff_tif += fabs (sheath_image_get_value (gray16_tif, x, y) / 257.0 - v8);
        n++;
      }

  /* The colour files were saved with a different tone curve (gAMA/ICC), so
   * they match the gray one up to that curve, and each other exactly. */
  corr = (n * sxy - sx * sy) / sqrt ((n * sxx - sx * sx) * (n * syy - sy * sy));
  g_test_message ("mean |difference| to gray8.png: 16-bit %.2f, TIFF %.2f; RGB vs RGBA %.2f; "
                  "RGB vs gray correlation %.4f",
                  diff16 / n, diff_tif / (2 * n), diff_rgb / n, corr);
  g_assert_cmpfloat (diff16 / n, <, 3.0);
  g_assert_cmpfloat (diff_rgb / n, <, 0.5);
  g_assert_cmpfloat (corr, >, 0.99);
  g_assert_cmpfloat (diff_tif / (2 * n), <, 3.0);
}

typedef struct
{
  guint       width;
  guint       height;
  guint       bps;
  guint       spp;
  guint       photometric;
  guint       planar;
  gboolean    tiled;
  gboolean    bigtiff;
  guint       compression;
  guint       pages;
  const char *description;
  float       xres;
  guint       res_unit;
} TiffSpec;

/* Pixel (x, y) of sample s has value (x + 2y + 50 s) mod 256 (scaled to
 * 16 bits by 257), so readers can be checked exactly. */
static guint
pattern (guint x,
         guint y,
         guint s,
         guint bps)
{
  guint v = (x + 2 * y + 50 * s) % 256;
  return bps == 16 ? v * 257 : v;
}

static char *
write_tiff (const char     *dir,
            const char     *name,
            const TiffSpec *spec)
{
  char *path = g_build_filename (dir, name, NULL);
  TIFF *tif = TIFFOpen (path, spec->bigtiff ? "w8" : "w");
  guint bytes = spec->bps / 8;

  g_assert_nonnull (tif);
  for (guint page = 0; page < MAX (spec->pages, 1); page++)
    {
      guint planes = spec->planar == PLANARCONFIG_SEPARATE ? spec->spp : 1;
      guint chunk_spp = planes > 1 ? 1 : spec->spp;

      TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, spec->width + page);
      TIFFSetField (tif, TIFFTAG_IMAGELENGTH, spec->height);
      TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, spec->bps);
      TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, spec->spp);
      TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, spec->photometric);
      TIFFSetField (tif, TIFFTAG_PLANARCONFIG, spec->planar ? spec->planar : PLANARCONFIG_CONTIG);
      TIFFSetField (tif, TIFFTAG_COMPRESSION, spec->compression ? spec->compression : COMPRESSION_NONE);
      if (spec->description)
        TIFFSetField (tif, TIFFTAG_IMAGEDESCRIPTION, spec->description);
      if (spec->xres > 0)
        {
          TIFFSetField (tif, TIFFTAG_XRESOLUTION, spec->xres);
          TIFFSetField (tif, TIFFTAG_YRESOLUTION, spec->xres);
          TIFFSetField (tif, TIFFTAG_RESOLUTIONUNIT, spec->res_unit);
        }

      if (spec->tiled)
        {
          guint tw = 16, th = 16;
          g_autofree guint8 *buf = g_malloc0 ((gsize) tw * th * chunk_spp * bytes);

          TIFFSetField (tif, TIFFTAG_TILEWIDTH, tw);
          TIFFSetField (tif, TIFFTAG_TILELENGTH, th);
          for (guint p = 0; p < planes; p++)
            for (guint y0 = 0; y0 < spec->height; y0 += th)
              for (guint x0 = 0; x0 < spec->width + page; x0 += tw)
                {
                  for (guint y = 0; y < th; y++)
                    for (guint x = 0; x < tw; x++)
                      for (guint s = 0; s < chunk_spp; s++)
                        {
                          guint v = pattern (x0 + x, y0 + y, planes > 1 ? p : s, spec->bps);
                          gsize i = ((gsize) y * tw + x) * chunk_spp + s;
                          if (bytes == 1) buf[i] = v; else ((guint16 *) buf)[i] = v;
                        }
                  g_assert_cmpint (TIFFWriteTile (tif, buf, x0, y0, 0, p), >, 0);
                }
        }
      else
        {
          g_autofree guint8 *row = g_malloc0 ((gsize) (spec->width + page) * chunk_spp * bytes);

          TIFFSetField (tif, TIFFTAG_ROWSPERSTRIP, 5);
          for (guint p = 0; p < planes; p++)
            for (guint y = 0; y < spec->height; y++)
              {
                for (guint x = 0; x < spec->width + page; x++)
                  for (guint s = 0; s < chunk_spp; s++)
                    {
                      guint v = pattern (x, y, planes > 1 ? p : s, spec->bps);
                      gsize i = (gsize) x * chunk_spp + s;
                      if (bytes == 1) row[i] = v; else ((guint16 *) row)[i] = v;
                    }
                g_assert_cmpint (TIFFWriteScanline (tif, row, y, p), ==, 1);
              }
        }
      TIFFWriteDirectory (tif);
    }
  TIFFClose (tif);
  return path;
}

static void
test_image_tiff_variants (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  static const TiffSpec specs[] = {
    { 37, 23, 8, 1, PHOTOMETRIC_MINISBLACK, 0, FALSE, FALSE, 0, 1, NULL, 0, 0 },
    { 37, 23, 16, 1, PHOTOMETRIC_MINISBLACK, 0, TRUE, FALSE, 0, 1, NULL, 0, 0 },
    { 37, 23, 16, 1, PHOTOMETRIC_MINISBLACK, 0, FALSE, TRUE, COMPRESSION_ADOBE_DEFLATE, 1, NULL, 0, 0 },
    { 37, 23, 8, 1, PHOTOMETRIC_MINISBLACK, 0, FALSE, FALSE, COMPRESSION_LZW, 3, NULL, 0, 0 },
    { 37, 23, 8, 3, PHOTOMETRIC_RGB, PLANARCONFIG_CONTIG, FALSE, FALSE, 0, 1, NULL, 0, 0 },
    { 37, 23, 16, 3, PHOTOMETRIC_RGB, PLANARCONFIG_SEPARATE, TRUE, FALSE, 0, 1, NULL, 0, 0 },
    { 37, 23, 8, 1, PHOTOMETRIC_MINISWHITE, 0, FALSE, FALSE, 0, 1, NULL, 0, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      const TiffSpec *spec = &specs[i];
      g_autofree char *name = g_strdup_printf ("variant%u.tif", i);
      g_autofree char *path = write_tiff (dir, name, spec);
      g_autoptr(GError) error = NULL;
      g_autoptr(SheathImage) image = load (path, &error);

      g_assert_no_error (error);
      g_test_message ("%s: %s", name, sheath_image_get_format_description (image));
      /* a multi-page file gives its first page (the later ones are wider) */
      g_assert_cmpuint (sheath_image_get_width (image), ==, spec->width);
      g_assert_cmpuint (sheath_image_get_height (image), ==, spec->height);
      g_assert_cmpuint (sheath_image_get_bit_depth (image), ==, spec->bps);

      for (guint y = 0; y < spec->height; y++)
        for (guint x = 0; x < spec->width; x++)
          {
            double expected;
            guint max = spec->bps == 16 ? 65535 : 255;

            if (spec->spp == 3)
              expected = 0.2126 * pattern (x, y, 0, spec->bps) + 0.7152 * pattern (x, y, 1, spec->bps) +
                         0.0722 * pattern (x, y, 2, spec->bps);
            else if (spec->photometric == PHOTOMETRIC_MINISWHITE)
              expected = max - pattern (x, y, 0, spec->bps);
            else
              expected = pattern (x, y, 0, spec->bps);
            g_assert_cmpfloat_with_epsilon (sheath_image_get_value (image, x, y), expected, 0.51);
          }
    }

  test_remove_tree (dir);
}

static void
test_image_tiff_pixel_size (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  static const struct { TiffSpec spec; double um; SheathPixelSizeSource source; } cases[] = {
    { { 8, 8, 8, 1, PHOTOMETRIC_MINISBLACK, 0, 0, 0, 0, 1, "ImageJ=1.53t\nunit=micron\n", 4.0f, RESUNIT_NONE },
      0.25, SHEATH_PIXEL_SIZE_SOURCE_IMAGEJ },
    { { 8, 8, 8, 1, PHOTOMETRIC_MINISBLACK, 0, 0, 0, 0, 1, "ImageJ=1.53t\nunit=nm\n", 0.2f, RESUNIT_NONE },
      0.005, SHEATH_PIXEL_SIZE_SOURCE_IMAGEJ },
    { { 8, 8, 8, 1, PHOTOMETRIC_MINISBLACK, 0, 0, 0, 0, 1,
        "<?xml version=\"1.0\"?><OME><Image><Pixels PhysicalSizeX=\"0.13\" PhysicalSizeXUnit=\"µm\"/></Image></OME>",
        0, 0 },
      0.13, SHEATH_PIXEL_SIZE_SOURCE_OME_XML },
    { { 8, 8, 8, 1, PHOTOMETRIC_MINISBLACK, 0, 0, 0, 0, 1, NULL, 100000.0f, RESUNIT_CENTIMETER },
      0.1, SHEATH_PIXEL_SIZE_SOURCE_TIFF_RESOLUTION },
    { { 8, 8, 8, 1, PHOTOMETRIC_MINISBLACK, 0, 0, 0, 0, 1, NULL, 300.0f, RESUNIT_INCH },
      0, SHEATH_PIXEL_SIZE_SOURCE_NONE },
    /* what vips tiffsave and others write by default: 72 dpi as pixels per cm */
    { { 8, 8, 8, 1, PHOTOMETRIC_MINISBLACK, 0, 0, 0, 0, 1, NULL, 28.3465f, RESUNIT_CENTIMETER },
      0, SHEATH_PIXEL_SIZE_SOURCE_NONE },
    { { 8, 8, 8, 1, PHOTOMETRIC_MINISBLACK, 0, 0, 0, 0, 1, NULL, 28.0f, RESUNIT_CENTIMETER },
      0, SHEATH_PIXEL_SIZE_SOURCE_NONE },
    { { 8, 8, 8, 1, PHOTOMETRIC_MINISBLACK, 0, 0, 0, 0, 1, NULL, 118.11f, RESUNIT_CENTIMETER },
      0, SHEATH_PIXEL_SIZE_SOURCE_NONE },
    { { 8, 8, 8, 1, PHOTOMETRIC_MINISBLACK, 0, 0, 0, 0, 1, NULL, 96.0f, RESUNIT_INCH },
      0, SHEATH_PIXEL_SIZE_SOURCE_NONE },
    /* 1 pixel per cm: a writer's placeholder, 10 mm per pixel */
    { { 8, 8, 8, 1, PHOTOMETRIC_MINISBLACK, 0, 0, 0, 0, 1, NULL, 1.0f, RESUNIT_CENTIMETER },
      0, SHEATH_PIXEL_SIZE_SOURCE_NONE },
    /* a slide scanner's 0.25 µm per pixel as 101600 dpi is kept */
    { { 8, 8, 8, 1, PHOTOMETRIC_MINISBLACK, 0, 0, 0, 0, 1, NULL, 101600.0f, RESUNIT_INCH },
      0.25, SHEATH_PIXEL_SIZE_SOURCE_TIFF_RESOLUTION },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("px%u.tif", i);
      g_autofree char *path = write_tiff (dir, name, &cases[i].spec);
      g_autoptr(GError) error = NULL;
      g_autoptr(SheathImage) image = load (path, &error);

      g_assert_no_error (error);
      g_assert_cmpint (sheath_image_get_pixel_size_source (image), ==, cases[i].source);
      g_assert_cmpfloat_with_epsilon (sheath_image_get_pixel_size (image), cases[i].um, 1e-6);
      /* a resolution set aside is said, so that `info` can tell the user */
      if (cases[i].spec.xres > 0 && cases[i].source == SHEATH_PIXEL_SIZE_SOURCE_NONE)
        g_assert_nonnull (sheath_image_get_ignored_resolution (image));
      else
        g_assert_null (sheath_image_get_ignored_resolution (image));
    }
  {
    TiffSpec vips = cases[5].spec;
    g_autofree char *path = write_tiff (dir, "vips.tif", &vips);
    g_autoptr(SheathImage) image = load (path, NULL);

    g_assert_cmpstr (sheath_image_get_ignored_resolution (image), ==, "72 dpi, a screen or print setting");
  }

  test_remove_tree (dir);
}

static void
test_image_bids_sidecars (void)
{
  static const struct { const char *image; double um; const char *sidecar; } cases[] = {
    { "datasets/sem-rat-spinal-cord/sub-rat1/micr/sub-rat1_sample-data1_SEM.png", 0.18,
      "sub-rat1_sample-data1_SEM.json" },
    { "datasets/sem-rat-spinal-cord/sub-rat3/micr/sub-rat3_sample-data10_SEM.png", 0.1, "sub-rat3_SEM.json" },
    { "datasets/tem-mouse-corpus-callosum/sub-366A/micr/sub-366A_sample-0001_acq-roi_TEM.png", 0.00493,
      "sub-366A_TEM.json" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = test_require_shared (cases[i].image);
      g_autoptr(GError) error = NULL;
      g_autoptr(SheathImage) image = NULL;

      if (path == NULL)
        return;
      image = load (path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (sheath_image_get_pixel_size_source (image), ==, SHEATH_PIXEL_SIZE_SOURCE_BIDS_SIDECAR);
      g_assert_cmpfloat_with_epsilon (sheath_image_get_pixel_size (image), cases[i].um, 1e-9);
      g_assert_true (g_str_has_suffix (sheath_image_get_pixel_size_origin (image), cases[i].sidecar));
    }
}

static char *
copy_sample_to (const char *dir,
                const char *sample,
                const char *new_name)
{
  g_autofree char *rel = g_build_filename ("samples", "formats", sample, NULL);
  g_autofree char *src = test_require_shared (rel);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  char *dest;
  gsize len;

  if (src == NULL)
    return NULL;
  g_file_get_contents (src, &contents, &len, &error);
  g_assert_no_error (error);
  dest = g_build_filename (dir, new_name, NULL);
  g_file_set_contents (dest, contents, len, &error);
  g_assert_no_error (error);
  return dest;
}

/* Order: the caller's value, a BIDS sidecar, pixel_size_in_micrometer.txt,
 * the file's own tags. */
static void
test_image_pixel_size_order (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *img = copy_sample_to (dir, "gray8.png", "sub-a_sample-b_SEM.png");
  g_autofree char *txt = g_build_filename (dir, "pixel_size_in_micrometer.txt", NULL);
  g_autofree char *json = g_build_filename (dir, "sub-a_SEM.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathImage) a = NULL;
  g_autoptr(SheathImage) b = NULL;
  g_autoptr(SheathImage) c = NULL;

  if (img == NULL)
    return;

  a = load (img, &error);
  g_assert_no_error (error);
  g_assert_false (sheath_image_require_pixel_size (a, &error));
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_NO_PIXEL_SIZE);
  g_assert_nonnull (strstr (error->message, "--pixel-size"));
  g_clear_error (&error);

  g_file_set_contents (txt, "0.2\n", -1, &error);
  g_assert_no_error (error);
  b = load (img, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sheath_image_get_pixel_size_source (b), ==, SHEATH_PIXEL_SIZE_SOURCE_ADS_TEXT_FILE);
  g_assert_cmpfloat (sheath_image_get_pixel_size (b), ==, 0.2);

  g_file_set_contents (json, "{\"PixelSize\": [13, 13], \"PixelSizeUnits\": \"nm\"}", -1, &error);
  g_assert_no_error (error);
  c = load (img, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sheath_image_get_pixel_size_source (c), ==, SHEATH_PIXEL_SIZE_SOURCE_BIDS_SIDECAR);
  g_assert_cmpfloat_with_epsilon (sheath_image_get_pixel_size (c), 0.013, 1e-12);

  g_assert_true (sheath_image_set_pixel_size (c, 0.5, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sheath_image_get_pixel_size_source (c), ==, SHEATH_PIXEL_SIZE_SOURCE_USER);
  g_assert_cmpfloat (sheath_image_get_pixel_size (c), ==, 0.5);

  g_assert_false (sheath_image_set_pixel_size (c, 0, &error));
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_PIXEL_SIZE);
  g_clear_error (&error);
  g_assert_false (sheath_image_set_pixel_size (c, NAN, &error));
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_PIXEL_SIZE);
  g_clear_error (&error);

  /* A broken sidecar is an error, not silently skipped. */
  g_file_set_contents (json, "{\"PixelSize\": \"big\"}", -1, &error);
  g_assert_no_error (error);
  g_clear_object (&a);
  a = load (img, &error);
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_PIXEL_SIZE);
  g_assert_null (a);

  test_remove_tree (dir);
}

static void
write_png_file (const char *path,
                guint       width,
                guint       height,
                int         bit_depth,
                int         color_type,
                guint32     pixels_per_metre)
{
  FILE *fp = fopen (path, "wb");
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  guint channels = color_type == PNG_COLOR_TYPE_GRAY_ALPHA ? 2 : 1;
  g_autofree guint8 *row = g_malloc0 ((gsize) width * channels * (bit_depth == 16 ? 2 : 1) + 1);

  png_init_io (png, fp);
  png_set_IHDR (png, info, width, height, bit_depth, color_type, PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (color_type == PNG_COLOR_TYPE_PALETTE)
    {
      png_color palette[4] = { { 0, 0, 0 }, { 255, 255, 255 }, { 255, 0, 0 }, { 0, 0, 255 } };
      png_set_PLTE (png, info, palette, 4);
    }
  if (pixels_per_metre > 0)
    png_set_pHYs (png, info, pixels_per_metre, pixels_per_metre, PNG_RESOLUTION_METER);
  png_write_info (png, info);
  for (guint y = 0; y < height; y++)
    {
      for (guint x = 0; x < width; x++)
        {
          if (color_type == PNG_COLOR_TYPE_PALETTE)
            row[x] = (x + y) % 4;
          else if (bit_depth == 16)
            {
              /* big-endian samples; alpha constant */
              guint16 v = (x * 1000 + y) & 0xffff;
              row[(x * channels) * 2] = v >> 8;
              row[(x * channels) * 2 + 1] = v & 0xff;
              if (channels == 2)
                row[(x * channels + 1) * 2] = 0x80, row[(x * channels + 1) * 2 + 1] = 0;
            }
        }
      png_write_row (png, row);
    }
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  fclose (fp);
}

static void
test_image_png_variants (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *palette = g_build_filename (dir, "palette.png", NULL);
  g_autofree char *gray_alpha = g_build_filename (dir, "gray-alpha16.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathImage) a = NULL;
  g_autoptr(SheathImage) b = NULL;

  /* 72 dpi, as image editors write it, and 0.1 µm per pixel */
  write_png_file (palette, 9, 5, 8, PNG_COLOR_TYPE_PALETTE, 2835);
  write_png_file (gray_alpha, 9, 5, 16, PNG_COLOR_TYPE_GRAY_ALPHA, 10000000);

  a = load (palette, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_image_get_bit_depth (a), ==, 8);
  g_assert_cmpuint (sheath_image_get_value (a, 0, 0), ==, 0);     /* black */
  g_assert_cmpuint (sheath_image_get_value (a, 1, 0), ==, 255);   /* white */
  g_assert_cmpuint (sheath_image_get_value (a, 2, 0), ==, 54);    /* red: 0.2126 × 255 */
  g_assert_cmpuint (sheath_image_get_value (a, 3, 0), ==, 18);    /* blue: 0.0722 × 255 */
  g_assert_cmpint (sheath_image_get_pixel_size_source (a), ==, SHEATH_PIXEL_SIZE_SOURCE_NONE);
  g_assert_cmpstr (sheath_image_get_ignored_resolution (a), ==, "72 dpi, a screen or print setting");

  b = load (gray_alpha, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_image_get_bit_depth (b), ==, 16);
  g_assert_cmpuint (sheath_image_get_value (b, 7, 3), ==, 7003);
  g_assert_cmpint (sheath_image_get_pixel_size_source (b), ==, SHEATH_PIXEL_SIZE_SOURCE_PNG_PHYS);
  g_assert_cmpfloat_with_epsilon (sheath_image_get_pixel_size (b), 0.1, 1e-9);

  test_remove_tree (dir);
}

static void
put_be32 (guint8 *p,
          guint32 v)
{
  p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

/* A PNG signature and IHDR of the given size, then nothing. */
static void
write_png_header_only (const char *path,
                       guint32     width,
                       guint32     height)
{
  guint8 data[8 + 25] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 *chunk = data + 8;
  g_autoptr(GError) error = NULL;

  put_be32 (chunk, 13);
  memcpy (chunk + 4, "IHDR", 4);
  put_be32 (chunk + 8, width);
  put_be32 (chunk + 12, height);
  chunk[16] = 8;   /* bit depth */
  chunk[17] = 0;   /* gray */
  chunk[18] = chunk[19] = chunk[20] = 0;
  put_be32 (chunk + 21, crc32 (0, chunk + 4, 17));
  g_file_set_contents (path, (const char *) data, sizeof data, &error);
  g_assert_no_error (error);
}

static void
truncate_copy (const char *src,
               const char *dest,
               double      fraction)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  g_file_get_contents (src, &contents, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents (dest, contents, (gssize) (len * fraction), &error);
  g_assert_no_error (error);
}

static void
assert_load_fails (const char *path,
                   GQuark      domain,
                   gint        code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathImage) image = load (path, &error);

  g_assert_null (image);
  g_assert_error (error, domain, code);
  g_test_message ("%s", error->message);
}

static void
test_image_bad_input (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *text = g_build_filename (dir, "notes.png", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.tif", NULL);
  g_autofree char *huge_png = g_build_filename (dir, "huge.png", NULL);
  g_autofree char *zero_png = g_build_filename (dir, "zero.png", NULL);
  g_autofree char *side_png = g_build_filename (dir, "million.png", NULL);
  g_autofree char *huge_tif = g_build_filename (dir, "huge.tif", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.png", NULL);
  g_autofree char *gray8 = test_require_shared ("samples/formats/gray8.png");
  g_autofree char *gray16_tif = test_require_shared ("samples/formats/gray16.tif");
  g_autoptr(GError) error = NULL;

  if (gray8 == NULL || gray16_tif == NULL)
    return;

  g_file_set_contents (text, "these are my notes, not an image\n", -1, &error);
  g_assert_no_error (error);
  assert_load_fails (text, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE);

  g_file_set_contents (empty, "", 0, &error);
  g_assert_no_error (error);
  assert_load_fails (empty, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE);

  assert_load_fails (missing, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  for (guint i = 0; i < 3; i++)
    {
      double fractions[] = { 0.5, 0.05, 0.003 };
      g_autofree char *png = g_strdup_printf ("%s/cut%u.png", dir, i);
      g_autofree char *tif = g_strdup_printf ("%s/cut%u.tif", dir, i);

      truncate_copy (gray8, png, fractions[i]);
      truncate_copy (gray16_tif, tif, fractions[i]);
      assert_load_fails (png, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE);
      assert_load_fails (tif, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE);
    }

  write_png_header_only (huge_png, 100000, 100000);
  assert_load_fails (huge_png, SHEATH_ERROR, SHEATH_ERROR_IMAGE_TOO_LARGE);
  write_png_header_only (side_png, 1000000, 1);
  assert_load_fails (side_png, SHEATH_ERROR, SHEATH_ERROR_IMAGE_TOO_LARGE);
  write_png_header_only (zero_png, 0, 0);
  assert_load_fails (zero_png, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE);
  {
    /* within the limits, but 33 bytes cannot hold 40000² pixels: refused
     * before 1.6 GB are set aside for them */
    g_autoptr(GError) big_error = NULL;
    g_autoptr(SheathImage) image = NULL;

    write_png_header_only (huge_png, 40000, 40000);
    image = load (huge_png, &big_error);
    g_assert_null (image);
    g_assert_error (big_error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE);
    g_assert_nonnull (strstr (big_error->message, "far too little data"));
  }

  {
    TIFF *tif = TIFFOpen (huge_tif, "w");

    TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, 100000);
    TIFFSetField (tif, TIFFTAG_IMAGELENGTH, 100000);
    TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, 8);
    TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
    TIFFSetField (tif, TIFFTAG_ROWSPERSTRIP, 1);
    TIFFWriteDirectory (tif);
    TIFFClose (tif);
  }
  /* libtiff itself refuses a directory that has no strips to read. */
  assert_load_fails (huge_tif, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE);

  {
    /* 30000² pixels said, one row written: refused before 900 MB are
     * allocated for it (fuzz-image found such headers) */
    TIFF *tif = TIFFOpen (huge_tif, "w");
    guint8 row[30000] = { 0 };
    g_autoptr(GError) big_error = NULL;
    g_autoptr(SheathImage) image = NULL;

    TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, 30000);
    TIFFSetField (tif, TIFFTAG_IMAGELENGTH, 30000);
    TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, 8);
    TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
    TIFFSetField (tif, TIFFTAG_ROWSPERSTRIP, 30000);
    TIFFSetField (tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
    TIFFWriteScanline (tif, row, 0, 0);
    TIFFClose (tif);
    image = load (huge_tif, &big_error);
    g_assert_null (image);
    g_assert_error (big_error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE);
    g_assert_nonnull (strstr (big_error->message, "far too little data"));
  }

  test_remove_tree (dir);
}

typedef struct
{
  guint    next_row;
  guint    calls;
  guint    bit_depth;
  GArray  *copy;   /* the rows as they were reported */
} RowsSeen;

static void
rows_cb (gconstpointer rows,
         guint         first_row,
         guint         n_rows,
         guint         width,
         guint         height,
         guint         bit_depth,
         gpointer      data)
{
  RowsSeen *seen = data;
  gsize bytes = (gsize) n_rows * width * (bit_depth / 8);

  /* in order, each once */
  g_assert_cmpuint (first_row, ==, seen->next_row);
  g_assert_cmpuint (first_row + n_rows, <=, height);
  seen->next_row += n_rows;
  seen->calls++;
  seen->bit_depth = bit_depth;
  g_array_append_vals (seen->copy, rows, bytes);
}

/* Rows are told as they are decoded, and they are the image's. */
static void
test_image_rows_as_decoded (void)
{
  const char *names[] = { "gray8.png", "gray16.png", "gray8.tif", "gray16.tif", "rgb8.png" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *rel = g_build_filename ("samples", "formats", names[i], NULL);
      g_autofree char *path = test_require_shared (rel);
      g_autoptr(GFile) file = NULL;
      g_autoptr(SheathImage) image = NULL;
      g_autoptr(GError) error = NULL;
      RowsSeen seen = { 0, 0, 0, g_array_new (FALSE, FALSE, 1) };
      guint w, h;

      if (path == NULL)
        return;
      file = g_file_new_for_path (path);
      image = sheath_image_new_from_file_with_rows (file, rows_cb, &seen, &error);
      g_assert_no_error (error);
      w = sheath_image_get_width (image);
      h = sheath_image_get_height (image);
      g_test_message ("%s: %u rows in %u reports", names[i], h, seen.calls);
      g_assert_cmpuint (seen.next_row, ==, h);
      g_assert_cmpuint (seen.bit_depth, ==, sheath_image_get_bit_depth (image));
      g_assert_cmpuint (seen.copy->len, ==, (gsize) w * h * (seen.bit_depth / 8));
      for (guint y = 0; y < h; y += 97)
        for (guint x = 0; x < w; x += 13)
          {
            guint v = seen.bit_depth == 8 ? ((guint8 *) seen.copy->data)[(gsize) y * w + x]
                                          : ((guint16 *) (gpointer) seen.copy->data)[(gsize) y * w + x];
            g_assert_cmpuint (v, ==, sheath_image_get_value (image, x, y));
          }
      g_array_unref (seen.copy);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Sheath/Image/samples", test_image_samples);
  g_test_add_func ("/Sheath/Image/formats-agree", test_image_formats_agree);
  g_test_add_func ("/Sheath/Image/tiff-variants", test_image_tiff_variants);
  g_test_add_func ("/Sheath/Image/tiff-pixel-size", test_image_tiff_pixel_size);
  g_test_add_func ("/Sheath/Image/png-variants", test_image_png_variants);
  g_test_add_func ("/Sheath/Image/bids-sidecars", test_image_bids_sidecars);
  g_test_add_func ("/Sheath/Image/pixel-size-order", test_image_pixel_size_order);
  g_test_add_func ("/Sheath/Image/bad-input", test_image_bad_input);
  g_test_add_func ("/Sheath/Image/rows-as-decoded", test_image_rows_as_decoded);

  return g_test_run ();
}
