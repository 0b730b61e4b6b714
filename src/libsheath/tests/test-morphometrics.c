/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <sheath.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include <json-glib/json-glib.h>

#include "sheath-distance-private.h"
#include "sheath-labeling-private.h"
#include "sheath-segmentation-private.h"
#include "sheath-separate-private.h"
#include "test-util.h"

#define PS 0.1   /* µm per pixel in the phantoms */

static void
paint_ellipse (SheathSegmentation *seg,
               double              cx,
               double              cy,
               double              rx,
               double              ry,
               SheathLabel         label)
{
  guint w = sheath_segmentation_get_width (seg), h = sheath_segmentation_get_height (seg);

  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        double dx = (x - cx) / rx, dy = (y - cy) / ry;

        if (dx * dx + dy * dy <= 1.0)
          sheath_segmentation_set_label (seg, x, y, label);
      }
}

/* A fibre: a myelin disc with an axon disc painted over it. */
static void
paint_fibre (SheathSegmentation *seg,
             double              cx,
             double              cy,
             double              axon_r,
             double              fibre_r)
{
  paint_ellipse (seg, cx, cy, fibre_r, fibre_r, SHEATH_LABEL_MYELIN);
  paint_ellipse (seg, cx, cy, axon_r, axon_r, SHEATH_LABEL_AXON);
}

static SheathMorphometrics *
measure (SheathSegmentation *seg,
         SheathAxonShape     shape)
{
  g_autoptr(GError) error = NULL;
  SheathMorphometrics *m = sheath_morphometrics_compute (seg, PS, shape, NULL, &error);

  g_assert_no_error (error);
  return m;
}

/* Concentric discs of radii 20 and 30 px: diameters 4 and 6 µm, thickness
 * 1 µm, g-ratio 2/3. A digital disc's area is within about r of πr², so
 * diameters are good to 1 %. */
static void
test_morphometrics_concentric_discs (void)
{
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (200, 160);
  g_autoptr(SheathMorphometrics) m = NULL;
  const SheathAxon *a;

  paint_fibre (seg, 100.3, 80.6, 20, 30);
  m = measure (seg, SHEATH_AXON_SHAPE_CIRCLE);
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (m), ==, 1);
  a = sheath_morphometrics_get_axon (m, 0);

  g_assert_cmpuint (a->id, ==, 1);
  g_assert_cmpfloat_with_epsilon (a->x0, 100.3, 0.1);
  g_assert_cmpfloat_with_epsilon (a->y0, 80.6, 0.1);
  g_assert_cmpfloat_with_epsilon (a->axon_diam, 4.0, 0.04);
  g_assert_cmpfloat_with_epsilon (a->myelin_thickness, 1.0, 0.03);
  g_assert_cmpfloat_with_epsilon (a->gratio, 2.0 / 3.0, 0.01);
  g_assert_cmpfloat_with_epsilon (a->axon_area, G_PI * 4.0, G_PI * 4.0 * 0.02);
  g_assert_cmpfloat_with_epsilon (a->myelin_area, G_PI * (9.0 - 4.0), G_PI * 5.0 * 0.02);
  g_assert_cmpfloat_with_epsilon (a->axonmyelin_area, a->axon_area + a->myelin_area, 1e-9);
  /* Perimeters of digital circles come out within about 5 % of 2πr. */
  g_assert_cmpfloat_with_epsilon (a->axon_perimeter, 2 * G_PI * 2.0, 2 * G_PI * 2.0 * 0.05);
  g_assert_cmpfloat_with_epsilon (a->axonmyelin_perimeter, 2 * G_PI * 3.0, 2 * G_PI * 3.0 * 0.05);
  g_assert_cmpfloat (a->solidity, >, 0.97);
  g_assert_cmpfloat (a->solidity, <=, 1.0);
  /* a digital disc is not quite round: sqrt() magnifies tiny differences */
  g_assert_cmpfloat (a->eccentricity, <, 0.15);
  g_assert_false (a->image_border_touching);
  g_assert_cmpint (a->bbox_min_x, ==, 71);
  g_assert_cmpint (a->bbox_max_x, ==, 131);
}

/* An ellipse of semi-axes 30 (along x) and 15 px, in myelin 6 px thick:
 * minor axis 3 µm in ellipse mode, eccentricity √3/2, major axis along the
 * columns (orientation ±π/2). */
static void
test_morphometrics_ellipse (void)
{
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (160, 100);
  g_autoptr(SheathMorphometrics) circle = NULL;
  g_autoptr(SheathMorphometrics) ellipse = NULL;
  const SheathAxon *a;

  paint_ellipse (seg, 80, 50, 36, 21, SHEATH_LABEL_MYELIN);
  paint_ellipse (seg, 80, 50, 30, 15, SHEATH_LABEL_AXON);

  ellipse = measure (seg, SHEATH_AXON_SHAPE_ELLIPSE);
  a = sheath_morphometrics_get_axon (ellipse, 0);
  g_assert_cmpfloat_with_epsilon (a->axon_diam, 3.0, 0.06);
  g_assert_cmpfloat_with_epsilon (a->myelin_thickness, 0.6, 0.05);
  g_assert_cmpfloat_with_epsilon (a->eccentricity, sqrt (3.0) / 2, 0.01);
  g_assert_cmpfloat_with_epsilon (fabs (a->orientation), G_PI / 2, 0.01);

  circle = measure (seg, SHEATH_AXON_SHAPE_CIRCLE);
  a = sheath_morphometrics_get_axon (circle, 0);
  /* the equal-area circle of a 30 × 15 ellipse has diameter 2√450 px */
  g_assert_cmpfloat_with_epsilon (a->axon_diam, 2 * sqrt (450.0) * PS, 0.04);
}

/* Orientation has AxonDeepSeg's (scikit-image's) sign: the angle from the
 * rows axis to the major axis, counter-clockwise. An ellipse running
 * down-right at 30° below the x axis has +π/3, its mirror image −π/3
 * (scikit-image 0.19 on the same pixels: ±1.04634). */
static void
test_morphometrics_orientation_sign (void)
{
  for (guint mirrored = 0; mirrored < 2; mirrored++)
    {
      g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (160, 100);
      g_autoptr(SheathMorphometrics) m = NULL;
      double c = cos (G_PI / 6), sn = sin (G_PI / 6);

      for (guint y = 0; y < 100; y++)
        for (guint x = 0; x < 160; x++)
          {
            /* mirrored top to bottom: row y of the image is row 99 − y */
            double fy = mirrored ? 99.0 - y : y;
            double u = (x - 80.3) * c + (fy - 50.2) * sn, v = -(x - 80.3) * sn + (fy - 50.2) * c;

            if ((u / 30) * (u / 30) + (v / 12) * (v / 12) <= 1)
              sheath_segmentation_set_label (seg, x, y, SHEATH_LABEL_AXON);
          }
      m = measure (seg, SHEATH_AXON_SHAPE_CIRCLE);
      g_assert_cmpuint (sheath_morphometrics_get_n_axons (m), ==, 1);
      g_assert_cmpfloat_with_epsilon (sheath_morphometrics_get_axon (m, 0)->orientation,
                                      mirrored ? -1.0463396845 : 1.0463396845, 1e-6);
    }
}

/* Perimeters weigh a diagonal step √2 and a straight one 1, as scikit-
 * image's perimeter() does: a diamond |x| + |y| ≤ 20 has 80√2 px and a
 * 41 × 21 rectangle 120 px, exactly (scikit-image 0.19: 113.13708…, 120). */
static void
test_morphometrics_perimeter_weights (void)
{
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (160, 100);
  g_autoptr(SheathMorphometrics) m = NULL;
  const SheathAxon *diamond, *rect;

  for (guint y = 0; y < 100; y++)
    for (guint x = 0; x < 160; x++)
      if (abs ((int) x - 40) + abs ((int) y - 50) <= 20 || (x >= 90 && x <= 130 && y >= 20 && y <= 40))
        sheath_segmentation_set_label (seg, x, y, SHEATH_LABEL_AXON);
  m = measure (seg, SHEATH_AXON_SHAPE_CIRCLE);
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (m), ==, 2);
  diamond = sheath_morphometrics_get_axon (m, 0);
  rect = sheath_morphometrics_get_axon (m, 1);
  if (diamond->x0 > rect->x0)
    {
      const SheathAxon *t = diamond;
      diamond = rect, rect = t;
    }
  g_assert_cmpfloat_with_epsilon (diamond->axon_perimeter, 80 * G_SQRT2 * PS, 1e-9);
  g_assert_cmpfloat_with_epsilon (rect->axon_perimeter, 120 * PS, 1e-9);
}

/* Two fibres whose sheaths overlap: the shared myelin is split between
 * them, equally for equal fibres, and none is lost. */
static void
test_morphometrics_touching_pair (void)
{
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (200, 100);
  g_autoptr(SheathMorphometrics) m = NULL;
  const SheathAxon *a, *b;
  guint64 myelin;

  paint_fibre (seg, 60, 50, 15, 25);
  paint_fibre (seg, 106, 50, 15, 25);
  myelin = sheath_segmentation_count (seg, SHEATH_LABEL_MYELIN);

  m = measure (seg, SHEATH_AXON_SHAPE_CIRCLE);
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (m), ==, 2);
  a = sheath_morphometrics_get_axon (m, 0);
  b = sheath_morphometrics_get_axon (m, 1);
  g_assert_cmpfloat_with_epsilon (a->myelin_area + b->myelin_area, myelin * PS * PS, 1e-9);
  g_assert_cmpfloat_with_epsilon (a->myelin_area / b->myelin_area, 1.0, 0.03);
  g_assert_cmpfloat_with_epsilon (a->gratio, b->gratio, 0.01);
  g_assert_cmpuint (sheath_morphometrics_get_axon_at (m, 60, 50), ==, a->id);
  g_assert_cmpuint (sheath_morphometrics_get_axon_at (m, 106, 30), ==, b->id);
  g_assert_cmpuint (sheath_morphometrics_get_orphan_myelin_pixels (m), ==, 0);
}

/* An axon at the image's edge, one with a hole, a speck, myelin without an
 * axon and an axon without myelin, in one image. */
static void
test_morphometrics_special_cases (void)
{
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (300, 120);
  g_autoptr(SheathMorphometrics) m = NULL;
  g_autoptr(SheathAggregates) all = NULL;
  g_autoptr(SheathAggregates) inner = NULL;
  g_autoptr(GError) error = NULL;
  guint64 ring = 0;

  paint_fibre (seg, 4, 60, 12, 20);                               /* cut by the edge */
  paint_fibre (seg, 80, 60, 20, 28);
  paint_ellipse (seg, 80, 60, 5, 5, SHEATH_LABEL_BACKGROUND);     /* a hole in it */
  sheath_segmentation_set_label (seg, 130, 10, SHEATH_LABEL_AXON);  /* a speck */
  sheath_segmentation_set_label (seg, 131, 10, SHEATH_LABEL_AXON);
  paint_ellipse (seg, 170, 60, 20, 20, SHEATH_LABEL_MYELIN);      /* a ring with no axon */
  paint_ellipse (seg, 170, 60, 12, 12, SHEATH_LABEL_BACKGROUND);
  for (guint y = 0; y < 120; y++)
    for (guint x = 140; x < 200; x++)
      ring += sheath_segmentation_get_label (seg, x, y) == SHEATH_LABEL_MYELIN;
  paint_ellipse (seg, 250, 60, 10, 10, SHEATH_LABEL_AXON);        /* no myelin */

  m = measure (seg, SHEATH_AXON_SHAPE_CIRCLE);
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (m), ==, 3);
  g_assert_cmpuint (sheath_morphometrics_get_n_specks (m), ==, 1);
  g_assert_cmpuint (sheath_morphometrics_get_n_holes_filled (m), ==, 1);
  g_assert_cmpuint (sheath_morphometrics_get_orphan_myelin_pixels (m), ==, ring);

  {
    /* ids follow the raster order of each axon's first pixel */
    const SheathAxon *edge = sheath_morphometrics_get_axon (m, sheath_morphometrics_get_axon_at (m, 4, 60) - 1);
    const SheathAxon *holed = sheath_morphometrics_get_axon (m, sheath_morphometrics_get_axon_at (m, 80, 60) - 1);
    const SheathAxon *bare = sheath_morphometrics_get_axon (m, sheath_morphometrics_get_axon_at (m, 250, 60) - 1);

    g_assert_true (edge->image_border_touching);
    g_assert_cmpint (edge->bbox_min_x, ==, 0);
    /* the hole counts as axon: the full disc of radius 20 */
    g_assert_cmpfloat_with_epsilon (holed->axon_diam, 4.0, 0.04);
    g_assert_false (holed->image_border_touching);
    g_assert_cmpfloat (bare->myelin_area, ==, 0);
    g_assert_cmpfloat (bare->myelin_thickness, ==, 0);
    g_assert_cmpfloat (bare->gratio, ==, 1.0);
    for (guint i = 0; i < 3; i++)
      {
        const SheathAxon *a = sheath_morphometrics_get_axon (m, i);
        g_assert_true (isfinite (a->gratio) && isfinite (a->solidity) && isfinite (a->orientation) &&
                       isfinite (a->eccentricity) && isfinite (a->myelin_thickness));
      }
  }

  all = sheath_aggregates_compute (m, NULL, FALSE, 1.0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->n_axons, ==, 3);
  g_assert_cmpuint (all->n_myelinated, ==, 2);
  g_assert_cmpuint (all->n_border_touching, ==, 1);
  g_assert_cmpuint (all->n_specks, ==, 1);
  g_assert_cmpfloat_with_epsilon (all->mvf,
                                  (double) sheath_segmentation_count (seg, SHEATH_LABEL_MYELIN) / (300 * 120) -
                                  0 /* the hole held background, not myelin */, 1e-9);
  g_assert_cmpfloat_with_epsilon (all->gratio_aggr, sqrt (1 - all->mvf / (all->mvf + all->avf)), 1e-12);
  g_assert_cmpfloat_with_epsilon (all->area_mm2, 300 * 120 * PS * PS * 1e-6, 1e-15);
  g_assert_cmpfloat_with_epsilon (all->axon_density_mm2, 3 / all->area_mm2, 1e-6);

  inner = sheath_aggregates_compute (m, NULL, TRUE, 1.0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inner->n_axons, ==, 2);
  g_assert_cmpuint (inner->n_excluded, ==, 1);
}

static void
test_morphometrics_roi (void)
{
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (200, 100);
  g_autoptr(SheathMorphometrics) m = NULL;
  g_autoptr(SheathAggregates) agg = NULL;
  g_autoptr(SheathImage) roi = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = g_new0 (guint8, 200 * 100);

  paint_fibre (seg, 40, 50, 10, 16);    /* inside the region */
  paint_fibre (seg, 98, 50, 10, 16);    /* cut by its edge (x = 100) */
  paint_fibre (seg, 160, 50, 10, 16);   /* outside */
  for (guint y = 0; y < 100; y++)
    for (guint x = 0; x < 100; x++)
      pixels[y * 200 + x] = 255;
  bytes = g_bytes_new (pixels, 200 * 100);
  roi = sheath_image_new_from_bytes (200, 100, 8, bytes, &error);
  g_assert_no_error (error);

  m = measure (seg, SHEATH_AXON_SHAPE_CIRCLE);
  agg = sheath_aggregates_compute (m, roi, FALSE, 0.5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (agg->n_axons, ==, 2);
  g_assert_cmpuint (agg->n_border_touching, ==, 1);
  g_assert_cmpfloat_with_epsilon (agg->area_mm2, 100 * 100 * PS * PS * 1e-6, 1e-15);
  g_assert_cmpuint (agg->n_bins, ==, 5);            /* diameters of 2 µm, bins of 0.5 */
  g_assert_cmpuint (agg->bin_counts[4], ==, 2);
  g_assert_cmpfloat_with_epsilon (agg->median_axon_diam, 2.0, 0.05);
}

static void
test_morphometrics_empty_and_errors (void)
{
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (50, 40);
  g_autoptr(SheathMorphometrics) m = NULL;
  g_autoptr(SheathAggregates) agg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *csv = g_build_filename (dir, "empty.csv", NULL);
  g_autofree char *json = g_build_filename (dir, "empty.json", NULL);
  g_autofree char *agg_csv = g_build_filename (dir, "agg.csv", NULL);
  g_autofree char *nowhere = g_build_filename (dir, "no", "such", "out.csv", NULL);
  g_autofree char *contents = NULL;

  m = sheath_morphometrics_compute (seg, 0, SHEATH_AXON_SHAPE_CIRCLE, NULL, &error);
  g_assert_null (m);
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_NO_PIXEL_SIZE);
  g_clear_error (&error);

  m = measure (seg, SHEATH_AXON_SHAPE_CIRCLE);
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (m), ==, 0);
  agg = sheath_aggregates_compute (m, NULL, FALSE, 1.0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (agg->n_axons, ==, 0);
  g_assert_true (isnan (agg->mean_axon_diam));

  g_assert_true (sheath_morphometrics_write_csv (m, csv, &error));
  g_assert_no_error (error);
  g_file_get_contents (csv, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "axon_id,x0 (px),y0 (px),gratio,axon_area (um^2)"));
  g_assert_cmpuint (strlen (strchr (contents, '\n')), ==, 1);   /* header only */
  g_assert_true (sheath_aggregates_write_json (agg, json, &error));
  g_assert_true (sheath_aggregates_write_csv (agg, agg_csv, &error));
  g_assert_no_error (error);
  g_clear_pointer (&contents, g_free);
  g_file_get_contents (json, &contents, NULL, &error);
  g_assert_nonnull (strstr (contents, "\"mean_axon_diam\" : null"));

  g_assert_false (sheath_morphometrics_write_csv (m, nowhere, &error));
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE);
  g_clear_error (&error);

  test_remove_tree (dir);
}

static void
write_gray_png (const char *path,
                guint       w,
                guint       h,
                guint8      (*value) (guint x, guint y))
{
  g_autoptr(SheathSegmentation) tmp = NULL;
  g_autoptr(GError) error = NULL;

  /* libsheath writes masks; reuse it to write test inputs */
  tmp = sheath_segmentation_new (w, h);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      if (value (x, y) > 127)
        sheath_segmentation_set_label (tmp, x, y, SHEATH_LABEL_AXON);
  {
    g_autofree char *dir = g_path_get_dirname (path);
    g_autofree char *base = g_path_get_basename (path);
    g_autofree char *stem = g_strndup (base, strlen (base) - strlen ("_seg-axon.png"));

    g_assert_true (sheath_segmentation_save (tmp, dir, stem, &error));
    g_assert_no_error (error);
  }
}

static guint8 disc (guint x, guint y) { return (x - 20.0) * (x - 20.0) + (y - 20.0) * (y - 20.0) < 100 ? 255 : 0; }

static void
test_morphometrics_masks_from_files (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *a_path = g_build_filename (dir, "a_seg-axon.png", NULL);
  g_autofree char *a_myelin = g_build_filename (dir, "a_seg-myelin.png", NULL);
  g_autofree char *b_path = g_build_filename (dir, "b_seg-axon.png", NULL);
  g_autofree char *photo = test_require_shared ("samples/formats/gray8.png");
  g_autoptr(GFile) a = NULL, am = NULL, b = NULL, p = NULL;
  g_autoptr(SheathSegmentation) seg = NULL;
  g_autoptr(GError) error = NULL;

  if (photo == NULL)
    return;

  write_gray_png (a_path, 40, 40, disc);
  write_gray_png (b_path, 41, 40, disc);
  a = g_file_new_for_path (a_path);
  am = g_file_new_for_path (a_myelin);
  b = g_file_new_for_path (b_path);
  p = g_file_new_for_path (photo);

  seg = sheath_segmentation_new_from_masks (a, am, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_segmentation_count (seg, SHEATH_LABEL_AXON), >, 250);
  g_clear_object (&seg);

  seg = sheath_segmentation_new_from_masks (a, b, &error);
  g_assert_null (seg);
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE);
  g_assert_nonnull (strstr (error->message, "differ in size"));
  g_clear_error (&error);

  seg = sheath_segmentation_new_from_masks (p, p, &error);
  g_assert_null (seg);
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_IMAGE);
  g_assert_nonnull (strstr (error->message, "not a binary mask"));
  g_clear_error (&error);

  test_remove_tree (dir);
}

/* The manual masks of the SEM dataset: counts and means plausible for rat
 * spinal cord white matter. */
static void
test_morphometrics_real_masks (void)
{
  static const char *stems[] = {
    "sub-rat1/micr/sub-rat1_sample-data1_SEM", "sub-rat3/micr/sub-rat3_sample-data10_SEM",
    "sub-rat5/micr/sub-rat5_sample-data14_SEM", "sub-rat8/micr/sub-rat8_sample-V915_SEM",
  };
  static const double pixel_sizes[] = { 0.18, 0.1, 0.13, 0.07 };

  for (guint i = 0; i < G_N_ELEMENTS (stems); i++)
    {
      g_autofree char *rel_a = g_strdup_printf ("datasets/sem-rat-spinal-cord/derivatives/labels/%s_seg-axon-manual.png", stems[i]);
      g_autofree char *rel_m = g_strdup_printf ("datasets/sem-rat-spinal-cord/derivatives/labels/%s_seg-myelin-manual.png", stems[i]);
      g_autofree char *axon = test_require_shared (rel_a);
      g_autofree char *myelin = test_require_shared (rel_m);
      g_autoptr(GFile) af = NULL, mf = NULL;
      g_autoptr(SheathSegmentation) seg = NULL;
      g_autoptr(SheathMorphometrics) m = NULL;
      g_autoptr(SheathAggregates) agg = NULL;
      g_autoptr(GError) error = NULL;

      if (axon == NULL || myelin == NULL)
        return;
      af = g_file_new_for_path (axon);
      mf = g_file_new_for_path (myelin);
      seg = sheath_segmentation_new_from_masks (af, mf, &error);
      g_assert_no_error (error);
      m = sheath_morphometrics_compute (seg, pixel_sizes[i], SHEATH_AXON_SHAPE_CIRCLE, NULL, &error);
      g_assert_no_error (error);
      agg = sheath_aggregates_compute (m, NULL, TRUE, 1.0, &error);
      g_assert_no_error (error);

      g_test_message ("%s: %u axons, diameter mean %.2f median %.2f µm, g-ratio median %.3f, "
                      "aggregate %.3f, AVF %.3f MVF %.3f", stems[i], agg->n_axons, agg->mean_axon_diam,
                      agg->median_axon_diam, agg->median_gratio, agg->gratio_aggr, agg->avf, agg->mvf);
      g_assert_cmpuint (agg->n_axons, >, 100);
      g_assert_cmpfloat (agg->median_axon_diam, >, 0.5);
      g_assert_cmpfloat (agg->median_axon_diam, <, 10);
      g_assert_cmpfloat (agg->median_gratio, >, 0.4);
      g_assert_cmpfloat (agg->median_gratio, <, 0.9);
      g_assert_cmpfloat (agg->gratio_aggr, >, 0.4);
      g_assert_cmpfloat (agg->gratio_aggr, <, 0.9);
    }
}

typedef struct
{
  gint x0, y0, x1, y1;
} Dirty;

static void
changed_cb (SheathMaskEditor *editor,
            int               x,
            int               y,
            int               w,
            int               h,
            Dirty            *dirty)
{
  dirty->x0 = MIN (dirty->x0, x);
  dirty->y0 = MIN (dirty->y0, y);
  dirty->x1 = MAX (dirty->x1, x + w);
  dirty->y1 = MAX (dirty->y1, y + h);
}

/* Brings m up to date with what the editor changed since the last call. */
static void
update (SheathMorphometrics *m,
        SheathSegmentation  *seg,
        Dirty               *dirty)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) changed = NULL;

  if (dirty->x1 <= dirty->x0)
    return;
  changed = sheath_morphometrics_update (m, seg, dirty->x0, dirty->y0, dirty->x1 - dirty->x0,
                                         dirty->y1 - dirty->y0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (changed);
  *dirty = (Dirty) { G_MAXINT, G_MAXINT, G_MININT, G_MININT };
}

static int
compare_centroids (gconstpointer a,
                   gconstpointer b)
{
  const SheathAxon *p = *(SheathAxon * const *) a, *q = *(SheathAxon * const *) b;

  if (p->y0 != q->y0)
    return p->y0 < q->y0 ? -1 : 1;
  return p->x0 < q->x0 ? -1 : p->x0 > q->x0;
}

/* The updated measurements against a full measurement of the same masks:
 * the same axons (ids aside), ids 1..n that match the label maps; myelin
 * split between touching neighbours may differ on a few tied pixels. */
static void
assert_same_axons (SheathMorphometrics *updated,
                   SheathSegmentation  *seg)
{
  g_autoptr(SheathMorphometrics) full = measure (seg, SHEATH_AXON_SHAPE_CIRCLE);
  guint n = sheath_morphometrics_get_n_axons (full);
  g_autoptr(GPtrArray) a = g_ptr_array_new (), b = g_ptr_array_new ();
  guint exact = 0;

  g_assert_cmpuint (sheath_morphometrics_get_n_axons (updated), ==, n);
  g_assert_cmpuint (sheath_morphometrics_get_orphan_myelin_pixels (updated), ==,
                    sheath_morphometrics_get_orphan_myelin_pixels (full));
  {
    g_autoptr(SheathAggregates) ua = sheath_aggregates_compute (updated, NULL, FALSE, 1.0, NULL);
    g_autoptr(SheathAggregates) fa = sheath_aggregates_compute (full, NULL, FALSE, 1.0, NULL);

    g_assert_cmpfloat (ua->avf, ==, fa->avf);
    g_assert_cmpfloat (ua->mvf, ==, fa->mvf);
  }
  for (guint i = 0; i < n; i++)
    {
      const SheathAxon *ax = sheath_morphometrics_get_axon (updated, i);

      g_assert_cmpuint (ax->id, ==, i + 1);
      g_ptr_array_add (a, (gpointer) sheath_morphometrics_get_axon (full, i));
      g_ptr_array_add (b, (gpointer) ax);
    }
  /* the label map: each id's pixels are its fibre's */
  {
    g_autofree guint64 *pixels = g_new0 (guint64, n + 1);

    for (guint y = 0; y < sheath_segmentation_get_height (seg); y++)
      for (guint x = 0; x < sheath_segmentation_get_width (seg); x++)
        {
          guint id = sheath_morphometrics_get_axon_at (updated, x, y);
          g_assert_cmpuint (id, <=, n);
          pixels[id]++;
        }
    for (guint i = 0; i < n; i++)
      g_assert_cmpfloat_with_epsilon (pixels[i + 1] * PS * PS, sheath_morphometrics_get_axon (updated, i)->axonmyelin_area, 1e-6);
  }
  g_ptr_array_sort (a, compare_centroids);
  g_ptr_array_sort (b, compare_centroids);
  for (guint i = 0; i < n; i++)
    {
      const SheathAxon *p = g_ptr_array_index (a, i), *q = g_ptr_array_index (b, i);

      g_assert_cmpfloat_with_epsilon (p->x0, q->x0, 1e-9);
      g_assert_cmpfloat_with_epsilon (p->y0, q->y0, 1e-9);
      g_assert_cmpfloat_with_epsilon (p->axon_area, q->axon_area, 1e-9);
      g_assert_cmpfloat_with_epsilon (p->axonmyelin_area, q->axonmyelin_area, 0.05 * p->axonmyelin_area + 1e-9);
      exact += p->axonmyelin_area == q->axonmyelin_area && p->gratio == q->gratio;
    }
  g_assert_cmpuint (exact, >=, n * 95 / 100);
}

/* The path of a shared file, or NULL where it is missing (no skip). */
static char *
find_shared (const char *relative)
{
  char *path = test_shared_path (relative, NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    g_clear_pointer (&path, g_free);
  return path;
}

/* Hand edits on a real manual segmentation (or phantom fibres where
 * ../shared is missing), measured incrementally after each one. */
static void
test_morphometrics_update (void)
{
  g_autofree char *axon = find_shared ("datasets/sem-rat-spinal-cord/derivatives/labels/sub-rat5/micr/sub-rat5_sample-data14_SEM_seg-axon-manual.png");
  g_autofree char *myelin = find_shared ("datasets/sem-rat-spinal-cord/derivatives/labels/sub-rat5/micr/sub-rat5_sample-data14_SEM_seg-myelin-manual.png");
  g_autoptr(SheathSegmentation) seg = NULL;
  g_autoptr(SheathMaskEditor) editor = NULL;
  g_autoptr(SheathMorphometrics) m = NULL;
  g_autoptr(GError) error = NULL;
  Dirty dirty = { G_MAXINT, G_MAXINT, G_MININT, G_MININT };
  const SheathAxon *largest = NULL;
  SheathAxon big;
  guint n, w, h;

  if (axon != NULL && myelin != NULL)
    {
      g_autoptr(GFile) af = g_file_new_for_path (axon);
      g_autoptr(GFile) mf = g_file_new_for_path (myelin);

      seg = sheath_segmentation_new_from_masks (af, mf, &error);
      g_assert_no_error (error);
    }
  else
    {
      seg = sheath_segmentation_new (400, 300);
      for (guint i = 0; i < 30; i++)
        paint_fibre (seg, 30 + (i % 6) * 62, 30 + (i / 6) * 58, 12 + i % 5, 22 + i % 5);
    }
  w = sheath_segmentation_get_width (seg);
  h = sheath_segmentation_get_height (seg);
  editor = sheath_mask_editor_new (seg);
  g_signal_connect (editor, "changed", G_CALLBACK (changed_cb), &dirty);
  m = measure (seg, SHEATH_AXON_SHAPE_CIRCLE);
  n = sheath_morphometrics_get_n_axons (m);
  g_assert_cmpuint (n, >, 20);

  /* delete two axons: the last ones move into their ids */
  g_assert_true (sheath_mask_editor_delete_axon (editor, m, 3, &error));
  update (m, seg, &dirty);
  g_assert_true (sheath_mask_editor_delete_axon (editor, m, n / 2, &error));
  update (m, seg, &dirty);
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (m), ==, n - 2);
  assert_same_axons (m, seg);

  /* paint a new fibre on empty ground, in the middle */
  sheath_mask_editor_begin_stroke (editor);
  sheath_mask_editor_stroke_to (editor, w / 2.0, h / 2.0, w / 2.0, h / 2.0, 14, SHEATH_LABEL_MYELIN, SHEATH_BRUSH_PAINT);
  sheath_mask_editor_stroke_to (editor, w / 2.0, h / 2.0, w / 2.0, h / 2.0, 8, SHEATH_LABEL_AXON, SHEATH_BRUSH_PAINT);
  sheath_mask_editor_end_stroke (editor);
  update (m, seg, &dirty);
  assert_same_axons (m, seg);

  /* cut the largest axon in two across its centre */
  for (guint i = 0; i < sheath_morphometrics_get_n_axons (m); i++)
    {
      const SheathAxon *a = sheath_morphometrics_get_axon (m, i);
      if (!a->image_border_touching && (largest == NULL || a->axon_area > largest->axon_area))
        largest = a;
    }
  big = *largest;   /* updates move the table's entries */
  {
    double x = floor (big.x0) + 0.5, y0 = big.bbox_min_y, y1 = big.bbox_max_y;

    sheath_mask_editor_begin_stroke (editor);
    sheath_mask_editor_stroke_to (editor, x, y0, x, y1, 1.5, SHEATH_LABEL_BACKGROUND, SHEATH_BRUSH_CUT);
    sheath_mask_editor_end_stroke (editor);
  }
  update (m, seg, &dirty);
  assert_same_axons (m, seg);

  /* merge the two halves again, then undo everything */
  {
    guint left = sheath_morphometrics_get_axon_at (m, (guint) big.x0 - 3, (guint) big.y0);
    guint right = sheath_morphometrics_get_axon_at (m, (guint) big.x0 + 3, (guint) big.y0);

    if (left != 0 && right != 0 && left != right)
      {
        g_test_message ("merging axons %u and %u", left, right);
        g_assert_true (sheath_mask_editor_merge_axons (editor, m, left, right, &error));
        g_assert_no_error (error);
        update (m, seg, &dirty);
        assert_same_axons (m, seg);
      }
  }
  while (sheath_mask_editor_undo (editor))
    update (m, seg, &dirty);
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (m), ==, n);
  assert_same_axons (m, seg);
}

/* Unmyelinated axons are measured apart from the myelinated fibres, counted
 * in the aggregates with their ratio, written to their own table and mask,
 * read back from it, scored as objects, and followed by updates. */
static void
test_morphometrics_unmyelinated (void)
{
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (200, 100);
  g_autoptr(SheathSegmentation) plain = sheath_segmentation_new (200, 100);
  g_autoptr(SheathMorphometrics) m = NULL;
  g_autoptr(SheathAggregates) agg = NULL;
  g_autoptr(SheathScores) scores = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *csv_path = g_build_filename (dir, "u.csv", NULL);
  g_autofree char *agg_path = g_build_filename (dir, "agg.csv", NULL);
  g_autofree char *uaxon_mask = NULL;
  g_autofree char *csv = NULL, *agg_csv = NULL;
  const SheathAxon *u;

  paint_fibre (seg, 30, 30, 10, 16);
  paint_ellipse (seg, 100, 50, 5, 5, SHEATH_LABEL_UNMYELINATED_AXON);
  paint_ellipse (seg, 150, 50, 8, 4, SHEATH_LABEL_UNMYELINATED_AXON);
  g_assert_true (sheath_segmentation_get_unmyelinated (seg));

  m = measure (seg, SHEATH_AXON_SHAPE_CIRCLE);
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (m), ==, 1);
  g_assert_cmpuint (sheath_morphometrics_get_n_unmyelinated (m), ==, 2);
  u = sheath_morphometrics_get_unmyelinated (m, 0);
  g_assert_cmpfloat_with_epsilon (u->x0, 100, 1e-9);
  g_assert_cmpfloat_with_epsilon (u->axon_diam, 1.0, 0.03);
  g_assert_cmpfloat (u->myelin_area, ==, 0);
  u = sheath_morphometrics_get_unmyelinated (m, 1);
  g_assert_cmpfloat (u->eccentricity, >, 0.8);

  agg = sheath_aggregates_compute (m, NULL, FALSE, 1.0, &error);
  g_assert_no_error (error);
  g_assert_true (agg->unmyelinated);
  g_assert_cmpuint (agg->n_axons, ==, 1);
  g_assert_cmpuint (agg->n_uaxons, ==, 2);
  g_assert_cmpfloat (agg->uaxon_ratio, ==, 2.0);
  g_assert_cmpfloat_with_epsilon (agg->uaxon_density_mm2, 2 / agg->area_mm2, 1e-6);
  g_assert_true (sheath_aggregates_write_csv (agg, agg_path, &error));
  g_assert_true (g_file_get_contents (agg_path, &agg_csv, NULL, NULL));
  g_assert_nonnull (strstr (agg_csv, "\nn_uaxons,2\n"));
  g_assert_nonnull (strstr (agg_csv, "\nuaxon_ratio,2\n"));

  g_assert_true (sheath_morphometrics_write_unmyelinated_csv (m, csv_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv, "uaxon_id,x0 (px),y0 (px),uaxon_area (um^2),uaxon_diam (um),"));

  /* an image without them writes no such rows */
  paint_fibre (plain, 30, 30, 10, 16);
  {
    g_autoptr(SheathMorphometrics) pm = measure (plain, SHEATH_AXON_SHAPE_CIRCLE);
    g_autoptr(SheathAggregates) pa = sheath_aggregates_compute (pm, NULL, FALSE, 1.0, &error);
    g_autofree char *text = NULL;

    g_assert_false (pa->unmyelinated);
    g_assert_true (sheath_aggregates_write_csv (pa, agg_path, &error));
    g_assert_true (g_file_get_contents (agg_path, &text, NULL, NULL));
    g_assert_null (strstr (text, "uaxon"));
  }

  /* saved with their own mask, read back from beside the axon mask */
  g_assert_true (sheath_segmentation_save (seg, dir, "s", &error));
  g_assert_no_error (error);
  uaxon_mask = sheath_segmentation_dup_mask_path (dir, "s", "uaxon");
  g_assert_true (g_file_test (uaxon_mask, G_FILE_TEST_IS_REGULAR));
  {
    g_autofree char *a = sheath_segmentation_dup_mask_path (dir, "s", "axon");
    g_autofree char *my = sheath_segmentation_dup_mask_path (dir, "s", "myelin");
    g_autoptr(GFile) af = g_file_new_for_path (a), mf = g_file_new_for_path (my);
    g_autoptr(SheathSegmentation) back = sheath_segmentation_new_from_masks (af, mf, &error);
    g_autoptr(GBytes) l1 = NULL, l2 = NULL;

    g_assert_no_error (error);
    g_assert_false (sheath_segmentation_get_unmyelinated (back));
    g_assert_true (sheath_segmentation_add_unmyelinated_beside (back, af, &error));
    g_assert_no_error (error);
    g_assert_true (sheath_segmentation_get_unmyelinated (back));
    l1 = sheath_segmentation_dup_labels (seg);
    l2 = sheath_segmentation_dup_labels (back);
    g_assert_true (g_bytes_equal (l1, l2));

    /* the same masks scored against themselves: every object found */
    scores = sheath_scores_compute (seg, back, &error);
    g_assert_no_error (error);
    g_assert_true (scores->unmyelinated);
    g_assert_cmpuint (scores->uaxons_actual, ==, 2);
    g_assert_cmpuint (scores->uaxons_matched, ==, 2);
    g_assert_cmpfloat (scores->dice_uaxon, ==, 1.0);
    g_assert_cmpfloat (scores->uaxon_detection_f1, ==, 1.0);
  }
  /* masks of a segmentation without them leave no stale uaxon mask */
  g_assert_true (sheath_segmentation_save (plain, dir, "s", &error));
  g_assert_false (g_file_test (uaxon_mask, G_FILE_TEST_IS_REGULAR));

  /* an edit: one unmyelinated axon erased, the table follows */
  for (guint y = 40; y < 60; y++)
    for (guint x = 90; x < 110; x++)
      sheath_segmentation_set_label (seg, x, y, SHEATH_LABEL_BACKGROUND);
  {
    g_autoptr(GArray) changed = sheath_morphometrics_update (m, seg, 90, 40, 20, 20, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (sheath_morphometrics_get_n_unmyelinated (m), ==, 1);
  }

  test_remove_tree (dir);
}

/* Each flag on a fibre made to earn it, none on a plain one; the
 * confidence is the fibre's mean, a hand edit makes pixels certain, and
 * the table writes both. */
static void
test_morphometrics_flags (void)
{
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (300, 120);
  g_autoptr(SheathMorphometrics) m = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *csv_path = g_build_filename (dir, "t.csv", NULL);
  g_autofree char *csv = NULL, *text = NULL;
  guint8 *conf;

  paint_fibre (seg, 40, 60, 10, 16);                               /* plain */
  paint_fibre (seg, 5, 60, 10, 16);                                /* cut by the edge */
  paint_ellipse (seg, 100, 60, 10, 10, SHEATH_LABEL_AXON);         /* no myelin */
  paint_fibre (seg, 150, 60, 16, 16.5);                            /* g-ratio above 0.95 */
  paint_fibre (seg, 190, 60, 3, 6);                                /* tiny: 0.15 µm */
  paint_ellipse (seg, 240, 60, 14, 14, SHEATH_LABEL_MYELIN);       /* two fused, one axon */
  paint_ellipse (seg, 260, 60, 14, 14, SHEATH_LABEL_MYELIN);
  paint_ellipse (seg, 240, 60, 9, 9, SHEATH_LABEL_AXON);
  paint_ellipse (seg, 260, 60, 9, 9, SHEATH_LABEL_AXON);
  paint_ellipse (seg, 250, 60, 4, 2, SHEATH_LABEL_AXON);

  /* a segmenter's confidence: sure everywhere but the plain fibre (0.5) */
  g_assert_true (_sheath_segmentation_ensure_confidence (seg, &error));
  for (guint y = 0; y < 120; y++)
    {
      conf = _sheath_segmentation_get_confidence_row (seg, y);
      for (guint x = 0; x < 300; x++)
        conf[x] = hypot (x - 40.0, y - 60.0) <= 16 ? 128 : 250;
    }

  /* 0.025 µm pixels: the 6-pixel axon is tiny, the 20-pixel ones are not */
  m = sheath_morphometrics_compute (seg, 0.025, SHEATH_AXON_SHAPE_CIRCLE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (m), ==, 6);
  {
    const SheathAxonFlags expected[] = {
      SHEATH_AXON_FLAG_BORDER, SHEATH_AXON_FLAG_LOW_CONFIDENCE, SHEATH_AXON_FLAG_NO_MYELIN,
      SHEATH_AXON_FLAG_IMPLAUSIBLE_GRATIO, SHEATH_AXON_FLAG_TINY, SHEATH_AXON_FLAG_FUSED,
    };
    const double x0[] = { 5, 40, 100, 150, 190, 250 };

    for (guint i = 0; i < 6; i++)
      {
        guint id = sheath_morphometrics_get_axon_at (m, (guint) x0[i], 60);
        const SheathAxon *a = sheath_morphometrics_get_axon (m, id - 1);

        g_test_message ("axon at x %g: flags %x, confidence %.3f, solidity %.3f, g-ratio %.3f, diam %.3f",
                        x0[i], a->flags, a->confidence, a->solidity, a->gratio, a->axon_diam);
        g_assert_cmpuint (a->flags & expected[i], ==, expected[i]);
        if (i == 1)
          {
            g_assert_cmpfloat_with_epsilon (a->confidence, 128 / 255.0, 1e-3);
            g_assert_cmpuint (a->flags, ==, SHEATH_AXON_FLAG_LOW_CONFIDENCE);
          }
        else
          g_assert_cmpfloat (a->confidence, >, 0.9);
      }
  }
  text = sheath_axon_flags_to_string (SHEATH_AXON_FLAG_BORDER | SHEATH_AXON_FLAG_FUSED);
  g_assert_cmpstr (text, ==, "border;fused");

  /* an edit makes its pixels certain */
  sheath_segmentation_set_label (seg, 40, 60, SHEATH_LABEL_AXON);
  g_assert_cmpfloat (sheath_segmentation_get_confidence (seg, 40, 60), ==, 1.0);
  g_assert_cmpfloat (sheath_segmentation_get_confidence (seg, 41, 60), <, 0.6);

  g_assert_true (sheath_morphometrics_write_csv (m, csv_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_nonnull (strstr (csv, ",confidence,flags\n"));
  g_assert_nonnull (strstr (csv, ",low-confidence\n"));
  test_remove_tree (dir);
}

/* Fibres cut by the image's edge, left out when asked: A inside in both
 * masks; B cut by the left edge in both; C inside in the manual masks but
 * its predicted myelin reaching the top edge. With all fibres, three on
 * each side and three matched; without the cut ones, B gone from both
 * sides, C from the predicted side and from the matched pairs, and no
 * fibre called extra or missed for it. */
static void
test_agreement_exclude_border (void)
{
  g_autoptr(SheathSegmentation) truth = sheath_segmentation_new (200, 100);
  g_autoptr(SheathSegmentation) prediction = sheath_segmentation_new (200, 100);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  double extra_diam, missed_diam;
  guint extra, missed;

  paint_fibre (truth, 60, 50, 10, 16);
  paint_fibre (truth, 5, 50, 10, 16);
  paint_fibre (truth, 140, 19, 10, 16);
  paint_fibre (prediction, 60, 50, 10, 16);
  paint_fibre (prediction, 5, 50, 10, 16);
  paint_fibre (prediction, 140, 19, 10, 19);

  for (guint exclude = 0; exclude < 2; exclude++)
    {
      g_autoptr(SheathAgreement) agreement = sheath_agreement_new ();

      g_assert_false (sheath_agreement_get_exclude_border (agreement));
      sheath_agreement_set_exclude_border (agreement, exclude);
      g_assert_true (sheath_agreement_get_exclude_border (agreement) == (gboolean) exclude);
      g_assert_true (sheath_agreement_add (agreement, "edges", prediction, truth, PS, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat (sheath_agreement_get_figure (agreement, 0, SHEATH_AGREEMENT_AXON_COUNT, TRUE), ==,
                         exclude ? 1 : 3);
      g_assert_cmpfloat (sheath_agreement_get_figure (agreement, 0, SHEATH_AGREEMENT_AXON_COUNT, FALSE), ==,
                         exclude ? 2 : 3);
      g_assert_cmpuint (sheath_agreement_get_bland_altman (agreement, SHEATH_AGREEMENT_GRATIO, NULL, NULL, NULL),
                        ==, exclude ? 1 : 3);
      {
        /* one fibre has no interval */
        double ci_lower, ci_upper;

        sheath_agreement_get_bias_interval (agreement, SHEATH_AGREEMENT_GRATIO, &ci_lower, &ci_upper);
        g_assert_true ((isnan (ci_lower) != 0) == (exclude != 0));
        g_assert_true ((isnan (ci_upper) != 0) == (exclude != 0));
      }
      sheath_agreement_get_unmatched (agreement, &extra, &extra_diam, &missed, &missed_diam);
      g_assert_cmpuint (extra, ==, 0);
      g_assert_cmpuint (missed, ==, 0);
      g_clear_pointer (&json, g_free);
      json = sheath_agreement_to_json (agreement);
      g_assert_nonnull (strstr (json, exclude ? "\"exclude_border\" : true" : "\"exclude_border\" : false"));
    }
}

/* Predicted masks against manual ones: truth has fibres A, B and C;
 * the prediction has A as it is, B with its axon 2 px wider (radius 12
 * for 10: thicker axon, thinner myelin), C missed and an extra fibre D.
 * Figures, fibre matching and Bland–Altman follow from that exactly. */
static void
test_agreement (void)
{
  g_autoptr(SheathSegmentation) truth = sheath_segmentation_new (200, 100);
  g_autoptr(SheathSegmentation) prediction = sheath_segmentation_new (200, 100);
  g_autoptr(SheathSegmentation) small = sheath_segmentation_new (20, 20);
  g_autoptr(SheathAgreement) agreement = sheath_agreement_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  double bias, lower, upper, extra_diam, missed_diam;
  guint extra, missed;
  g_autoptr(JsonParser) parser = json_parser_new ();

  paint_fibre (truth, 30, 30, 10, 16);
  paint_fibre (truth, 90, 50, 10, 16);
  paint_fibre (truth, 160, 40, 8, 12);
  paint_fibre (prediction, 30, 30, 10, 16);
  paint_fibre (prediction, 90, 50, 12, 16);
  paint_fibre (prediction, 150, 80, 5, 9);

  g_assert_true (sheath_agreement_add (agreement, "phantom", prediction, truth, PS, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_agreement_get_n_images (agreement), ==, 1);
  g_assert_cmpfloat (sheath_agreement_get_figure (agreement, 0, SHEATH_AGREEMENT_AXON_COUNT, TRUE), ==, 3);
  g_assert_cmpfloat (sheath_agreement_get_figure (agreement, 0, SHEATH_AGREEMENT_AXON_COUNT, FALSE), ==, 3);
  g_assert_cmpfloat (sheath_agreement_get_difference (agreement, 0, SHEATH_AGREEMENT_AXON_COUNT), ==, 0);
  /* the predicted axons are larger in all (B) but smaller (D for C) */
  g_assert_true (isfinite (sheath_agreement_get_difference (agreement, 0, SHEATH_AGREEMENT_MEAN_GRATIO)));

  /* A and B matched (B's IoU 100/144 ≥ 0.5), C missed, D extra */
  g_assert_cmpuint (sheath_agreement_get_bland_altman (agreement, SHEATH_AGREEMENT_DIAMETER, &bias, &lower, &upper),
                    ==, 2);
  /* B's diameter 0.4 µm larger, A's the same: bias about 0.2 µm */
  g_assert_cmpfloat_with_epsilon (bias, 0.2, 0.02);
  g_assert_cmpfloat (lower, <, bias);
  g_assert_cmpfloat (upper, >, bias);
  {
    /* the bias's 95 % interval: ± t(0.975, 1 degree of freedom) = 12.706
     * times SD / √2, SD being (upper − bias) / 1.96 */
    double ci_lower, ci_upper, sd = (upper - bias) / 1.96;

    g_assert_cmpuint (sheath_agreement_get_bias_interval (agreement, SHEATH_AGREEMENT_DIAMETER, &ci_lower, &ci_upper),
                      ==, 2);
    g_assert_cmpfloat_with_epsilon (ci_upper - bias, 12.7062 * sd / sqrt (2), 1e-3 * sd);
    g_assert_cmpfloat_with_epsilon (bias - ci_lower, 12.7062 * sd / sqrt (2), 1e-3 * sd);
  }
  g_assert_cmpuint (sheath_agreement_get_bland_altman (agreement, SHEATH_AGREEMENT_THICKNESS, &bias, NULL, NULL),
                    ==, 2);
  g_assert_cmpfloat_with_epsilon (bias, -0.1, 0.02);
  sheath_agreement_get_bland_altman (agreement, SHEATH_AGREEMENT_GRATIO, &bias, NULL, NULL);
  g_assert_cmpfloat (bias, >, 0);
  sheath_agreement_get_unmatched (agreement, &extra, &extra_diam, &missed, &missed_diam);
  g_assert_cmpuint (extra, ==, 1);
  g_assert_cmpuint (missed, ==, 1);
  g_assert_cmpfloat_with_epsilon (extra_diam, 1.0, 0.05);
  g_assert_cmpfloat_with_epsilon (missed_diam, 1.6, 0.05);

  /* a second image pools: counts summed, the same image twice keeps the
   * relative differences */
  g_assert_true (sheath_agreement_add (agreement, "again", prediction, truth, PS, NULL, &error));
  g_assert_cmpfloat (sheath_agreement_get_figure (agreement, -1, SHEATH_AGREEMENT_AXON_COUNT, TRUE), ==, 6);
  g_assert_cmpfloat_with_epsilon (sheath_agreement_get_difference (agreement, -1, SHEATH_AGREEMENT_MEAN_AXON_DIAM),
                                  sheath_agreement_get_difference (agreement, 0, SHEATH_AGREEMENT_MEAN_AXON_DIAM),
                                  1e-9);
  g_assert_cmpfloat_with_epsilon (sheath_agreement_get_difference (agreement, -1, SHEATH_AGREEMENT_AVF),
                                  sheath_agreement_get_difference (agreement, 0, SHEATH_AGREEMENT_AVF), 1e-9);

  /* the JSON says it all */
  json = sheath_agreement_to_json (agreement);
  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  g_assert_nonnull (strstr (json, "\"relative_difference\""));
  g_assert_nonnull (strstr (json, "\"bland_altman\""));
  g_assert_nonnull (strstr (json, "\"bias_ci_lower\""));
  g_assert_nonnull (strstr (json, "\"fibres_missed\" : 1"));

  /* masks of another size: refused, named */
  g_assert_false (sheath_agreement_add (agreement, "small", small, truth, PS, NULL, &error));
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "small"));
  g_assert_cmpuint (sheath_agreement_get_n_images (agreement), ==, 2);

  /* the plots, as PNG and SVG */
  {
    g_autofree char *dir = g_dir_make_tmp ("sheath-agreement-XXXXXX", NULL);
    g_autofree char *png = g_build_filename (dir, "a-bland-altman.png", NULL);
    g_autofree char *svg = g_build_filename (dir, "a-predicted-vs-manual.svg", NULL);

    g_clear_error (&error);
    g_assert_true (sheath_agreement_write_plots (agreement, dir, "a", &error));
    g_assert_no_error (error);
    g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
    g_assert_true (g_file_test (svg, G_FILE_TEST_IS_REGULAR));
    test_remove_tree (dir);
  }
}

/* Counts the 8-connected regions of one label. */
static guint
count_regions (SheathSegmentation *seg,
               SheathLabel         label)
{
  guint w = sheath_segmentation_get_width (seg), h = sheath_segmentation_get_height (seg);
  g_autofree guint8 *mask = g_new0 (guint8, (gsize) w * h);
  g_autofree guint32 *labels = g_new0 (guint32, (gsize) w * h);

  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      mask[(gsize) y * w + x] = sheath_segmentation_get_label (seg, x, y) == label;
  return _sheath_label_components_8 (mask, w, h, labels);
}

/* Touching unmyelinated axons are split along the dark membrane between
 * them, and only where it is deep enough: two bright discs of radius 20,
 * 34 px apart, with a dark line where they meet, make one region of the
 * mask; a single bright ellipse stays whole; a speck is dropped; the fibre
 * beside them is not touched. */
static void
test_separate_touching (void)
{
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (200, 100);
  g_autoptr(SheathImage) image = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = g_malloc (200 * 100);
  guint fibre_pixels = 0, after = 0;

  /* the micrograph: grey, bright axons, a dark membrane at x = 57 */
  for (guint y = 0; y < 100; y++)
    for (guint x = 0; x < 200; x++)
      {
        double a = hypot (x - 40.0, y - 50.0), b = hypot (x - 74.0, y - 50.0);
        double e = hypot ((x - 120.0) / 12, (y - 50.0) / 30);

        pixels[y * 200 + x] = (x == 57 || x == 58) && (a <= 20 || b <= 20) ? 60
                              : a <= 20 || b <= 20 || e <= 1 ? 200 : 50;
      }
  pixels[0] = 0;
  pixels[1] = 255;
  image = sheath_image_new_from_bytes (200, 100, 8, g_bytes_new_take (g_steal_pointer (&pixels), 200 * 100), &error);
  g_assert_no_error (error);

  paint_fibre (seg, 170, 50, 8, 14);
  paint_ellipse (seg, 40, 50, 20, 20, SHEATH_LABEL_UNMYELINATED_AXON);
  paint_ellipse (seg, 74, 50, 20, 20, SHEATH_LABEL_UNMYELINATED_AXON);
  paint_ellipse (seg, 120, 50, 12, 30, SHEATH_LABEL_UNMYELINATED_AXON);
  paint_ellipse (seg, 100, 90, 1.5, 1.5, SHEATH_LABEL_UNMYELINATED_AXON);
  for (guint y = 0; y < 100; y++)
    for (guint x = 0; x < 200; x++)
      fibre_pixels += sheath_segmentation_get_label (seg, x, y) == SHEATH_LABEL_AXON ||
                      sheath_segmentation_get_label (seg, x, y) == SHEATH_LABEL_MYELIN;
  g_assert_cmpuint (count_regions (seg, SHEATH_LABEL_UNMYELINATED_AXON), ==, 3);

  /* a membrane not deep enough for a depth of 250 grey levels: nothing is
   * split, but the speck goes */
  g_assert_cmpint (_sheath_separate_touching (seg, SHEATH_LABEL_UNMYELINATED_AXON, image, 1.5, 0, 250, 20,
                                              NULL, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpuint (count_regions (seg, SHEATH_LABEL_UNMYELINATED_AXON), ==, 2);

  g_assert_cmpint (_sheath_separate_touching (seg, SHEATH_LABEL_UNMYELINATED_AXON, image, 1.5, 0, 40, 20,
                                              NULL, &error), ==, 3);
  g_assert_no_error (error);
  g_assert_cmpuint (count_regions (seg, SHEATH_LABEL_UNMYELINATED_AXON), ==, 3);
  /* the cut follows the membrane */
  {
    guint cut = 0;

    for (guint x = 55; x <= 60; x++)
      cut += sheath_segmentation_get_label (seg, x, 50) == SHEATH_LABEL_BACKGROUND;
    g_assert_cmpuint (cut, ==, 1);
  }
  g_assert_cmpint (sheath_segmentation_get_label (seg, 40, 50), ==, SHEATH_LABEL_UNMYELINATED_AXON);
  g_assert_cmpint (sheath_segmentation_get_label (seg, 74, 50), ==, SHEATH_LABEL_UNMYELINATED_AXON);
  g_assert_cmpint (sheath_segmentation_get_label (seg, 120, 50), ==, SHEATH_LABEL_UNMYELINATED_AXON);
  for (guint y = 0; y < 100; y++)
    for (guint x = 0; x < 200; x++)
      after += sheath_segmentation_get_label (seg, x, y) == SHEATH_LABEL_AXON ||
               sheath_segmentation_get_label (seg, x, y) == SHEATH_LABEL_MYELIN;
  g_assert_cmpuint (after, ==, fibre_pixels);

  /* splitting again finds nothing more to split */
  g_assert_cmpint (_sheath_separate_touching (seg, SHEATH_LABEL_UNMYELINATED_AXON, image, 1.5, 0, 40, 20,
                                              NULL, &error), ==, 3);
  g_assert_cmpuint (count_regions (seg, SHEATH_LABEL_UNMYELINATED_AXON), ==, 3);
}

/* Where the image shows no membrane, touching axons are still kept apart
 * at the neck between them when the distance from the region's edge
 * raises the elevation: two discs of radius 20, 34 px apart, on a flat
 * image are one region without it and two with it; an ellipse, one ridge
 * of distance, stays whole. */
static void
test_separate_by_distance (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = g_malloc (200 * 100);
  g_autoptr(SheathImage) image = NULL;

  memset (pixels, 200, 200 * 100);
  pixels[0] = 0;
  pixels[1] = 255;
  image = sheath_image_new_from_bytes (200, 100, 8, g_bytes_new_take (g_steal_pointer (&pixels), 200 * 100), &error);
  g_assert_no_error (error);

  for (guint weight = 0; weight <= 8; weight += 8)
    {
      g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (200, 100);

      paint_ellipse (seg, 40, 50, 20, 20, SHEATH_LABEL_UNMYELINATED_AXON);
      paint_ellipse (seg, 74, 50, 20, 20, SHEATH_LABEL_UNMYELINATED_AXON);
      paint_ellipse (seg, 140, 50, 12, 30, SHEATH_LABEL_UNMYELINATED_AXON);
      g_assert_cmpint (_sheath_separate_touching (seg, SHEATH_LABEL_UNMYELINATED_AXON, image, 1.5, weight, 40, 20,
                                                  NULL, &error), ==, weight ? 3 : 2);
      g_assert_no_error (error);
      g_assert_cmpuint (count_regions (seg, SHEATH_LABEL_UNMYELINATED_AXON), ==, weight ? 3 : 2);
      g_assert_cmpint (sheath_segmentation_get_label (seg, 140, 50), ==, SHEATH_LABEL_UNMYELINATED_AXON);
      if (weight)
        {
          guint cut = 0;

          /* the neck, about midway between the centres (57), is cut, and only there */
          for (guint x = 50; x <= 64; x++)
            cut += sheath_segmentation_get_label (seg, x, 50) == SHEATH_LABEL_BACKGROUND;
          g_assert_cmpuint (cut, >=, 1);
          g_assert_cmpuint (cut, <=, 2);
          for (guint x = 50; x <= 64; x++)
            if (sheath_segmentation_get_label (seg, x, 50) == SHEATH_LABEL_BACKGROUND)
              {
                g_assert_cmpuint (x, >=, 55);
                g_assert_cmpuint (x, <=, 59);
              }
        }
    }
}

/* Two unmyelinated axons drawn to meet corner to corner are two true
 * axons; predicted, such a pair is one 8-connected region, which can be
 * matched with one of them only, even at an IoU of exactly 0.5. */
static void
test_scores_uaxons_corner_to_corner (void)
{
  g_autoptr(SheathSegmentation) truth = sheath_segmentation_new (20, 20);
  g_autoptr(SheathSegmentation) prediction = NULL;
  g_autoptr(SheathScores) scores = NULL;
  g_autoptr(GError) error = NULL;

  for (guint y = 0; y < 4; y++)
    for (guint x = 0; x < 4; x++)
      {
        sheath_segmentation_set_label (truth, 2 + x, 2 + y, SHEATH_LABEL_UNMYELINATED_AXON);
        sheath_segmentation_set_label (truth, 6 + x, 6 + y, SHEATH_LABEL_UNMYELINATED_AXON);
      }
  sheath_segmentation_set_unmyelinated (truth, TRUE);
  prediction = sheath_segmentation_copy (truth, &error);
  g_assert_no_error (error);
  scores = sheath_scores_compute (prediction, truth, &error);
  g_assert_no_error (error);
  g_assert_true (scores->unmyelinated);
  g_assert_cmpuint (scores->uaxons_actual, ==, 2);
  g_assert_cmpuint (scores->uaxons_predicted, ==, 1);
  g_assert_cmpuint (scores->uaxons_matched, ==, 1);
  g_assert_cmpfloat (scores->uaxon_detection_precision, ==, 1.0);
  g_assert_cmpfloat (scores->uaxon_detection_recall, ==, 0.5);
}

/* The exact Euclidean distance to the nearest unset pixel, against a brute
 * force search, on random masks of a few shapes. */
static void
test_distance_transform (void)
{
  const guint sizes[][2] = { { 1, 1 }, { 1, 17 }, { 23, 1 }, { 31, 19 }, { 40, 40 } };
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint density = 50; density <= 98; density += 16)
      {
        guint w = sizes[s][0], h = sizes[s][1];
        g_autofree guint8 *mask = g_new (guint8, w * h);
        g_autofree float *distance = g_new (float, w * h);
        gboolean any_unset = FALSE;

        for (guint i = 0; i < w * h; i++)
          any_unset |= !(mask[i] = g_rand_int_range (rand, 0, 100) < (gint32) density);
        _sheath_distance_transform (mask, w, h, distance);
        for (guint y = 0; y < h; y++)
          for (guint x = 0; x < w; x++)
            {
              double best = mask[y * w + x] && any_unset ? G_MAXDOUBLE : 0;

              for (guint qy = 0; qy < h && mask[y * w + x]; qy++)
                for (guint qx = 0; qx < w; qx++)
                  if (!mask[qy * w + qx])
                    best = MIN (best, hypot ((double) qx - x, (double) qy - y));
              g_assert_cmpfloat_with_epsilon (distance[y * w + x], best, 1e-4);
            }
      }
}

static guint
count_set (SheathImage *mask)
{
  guint n = 0;

  for (guint y = 0; y < sheath_image_get_height (mask); y++)
    for (guint x = 0; x < sheath_image_get_width (mask); x++)
      n += sheath_image_get_value (mask, x, y) > 127;
  return n;
}

static SheathRegions *
regions_from_text (const char  *dir,
                   const char  *text,
                   GError     **error)
{
  g_autofree char *path = g_build_filename (dir, "regions.geojson", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return sheath_regions_new_from_geojson (file, error);
}

/* GeoJSON regions as QuPath and napari write them: named by name or by
 * classification, same names merged, holes left out, pixels counted by
 * their centres, polygons cut at the image's edge; then aggregates per
 * region, side by side in one table. Bad files are refused by name. */
static void
test_geojson_regions (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autoptr(SheathRegions) regions = NULL;
  g_autoptr(SheathImage) mask = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (200, 100);
  g_autoptr(SheathMorphometrics) m = NULL;
  g_autoptr(SheathAggregates) left = NULL, right = NULL;
  g_autofree char *table_path = g_build_filename (dir, "regions.csv", NULL);
  g_autofree char *table = NULL;
  const char *bad[] = {
    "{ not json",
    "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", \"properties\": {}, "
    "\"geometry\": {\"type\": \"Point\", \"coordinates\": [1, 2]}}]}",
    "{\"type\": \"Polygon\", \"coordinates\": [[[0, 0], [10, 0]]]}",
    "{\"type\": \"Polygon\", \"coordinates\": [[[0, 0], [10, \"a\"], [5, 5]]]}",
    "{\"type\": \"FeatureCollection\"}",
  };

  regions = regions_from_text (dir,
    "{\"type\": \"FeatureCollection\", \"features\": ["
    " {\"type\": \"Feature\", \"properties\": {\"name\": \"left\"}, \"geometry\": {\"type\": \"Polygon\","
    "  \"coordinates\": [[[0, 0], [100, 0], [100, 100], [0, 100], [0, 0]]]}},"
    " {\"type\": \"Feature\", \"properties\": {\"classification\": {\"name\": \"right\"}},"
    "  \"geometry\": {\"type\": \"MultiPolygon\", \"coordinates\": ["
    "   [[[100, 0], [200, 0], [200, 50], [100, 50], [100, 0]], [[140, 10], [160, 10], [160, 30], [140, 30], [140, 10]]],"
    "   [[[150, 60], [260, 60], [260, 300], [150, 300], [150, 60]]]]}},"
    " {\"type\": \"Feature\", \"properties\": {\"name\": \"left\"}, \"geometry\": {\"type\": \"Polygon\","
    "  \"coordinates\": [[[10, 10], [20, 10], [20, 20], [10, 20]]]}},"
    " {\"type\": \"Feature\", \"properties\": {}, \"geometry\": {\"type\": \"Polygon\","
    "  \"coordinates\": [[[0, 0], [4, 0], [0, 4]]]}}"
    "]}", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_regions_get_n_regions (regions), ==, 3);
  g_assert_cmpstr (sheath_regions_get_name (regions, 0), ==, "left");
  g_assert_cmpstr (sheath_regions_get_name (regions, 1), ==, "right");
  g_assert_cmpstr (sheath_regions_get_name (regions, 2), ==, "region 1");

  mask = sheath_regions_rasterize (regions, 0, 200, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_set (mask), ==, 100 * 100);   /* the second "left" lies inside the first */
  g_clear_object (&mask);
  /* 100 × 50 less the 20 × 20 hole, and the second polygon cut at the
   * image's edge: 50 × 40 */
  mask = sheath_regions_rasterize (regions, 1, 200, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_set (mask), ==, 100 * 50 - 20 * 20 + 50 * 40);
  g_assert_cmpuint (sheath_image_get_value (mask, 150, 20), ==, 0);
  g_clear_object (&mask);
  /* a right triangle of legs 4: the centres under the hypotenuse, 6 */
  mask = sheath_regions_rasterize (regions, 2, 200, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_set (mask), ==, 6);
  g_clear_object (&mask);

  /* the aggregates of each region, by the fibres' centroids */
  paint_fibre (seg, 30, 50, 8, 14);
  paint_fibre (seg, 70, 50, 8, 14);
  paint_fibre (seg, 120, 25, 6, 10);
  m = measure (seg, SHEATH_AXON_SHAPE_CIRCLE);
  mask = sheath_regions_rasterize (regions, 0, 200, 100, &error);
  left = sheath_aggregates_compute (m, mask, FALSE, 0.5, &error);
  g_assert_no_error (error);
  g_clear_object (&mask);
  mask = sheath_regions_rasterize (regions, 1, 200, 100, &error);
  right = sheath_aggregates_compute (m, mask, FALSE, 0.5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (left->n_axons, ==, 2);
  g_assert_cmpuint (right->n_axons, ==, 1);
  {
    SheathAggregates *both[] = { left, right };
    const char *names[] = { "left", "right \"R\"" };

    g_assert_true (sheath_aggregates_write_regions_csv (both, names, 2, table_path, &error));
    g_assert_no_error (error);
  }
  g_assert_true (g_file_get_contents (table_path, &table, NULL, NULL));
  g_assert_true (g_str_has_prefix (table, "region,n_axons,n_myelinated,"));
  g_assert_nonnull (strstr (table, "\n\"left\",2,2,"));
  g_assert_nonnull (strstr (table, "\n\"right \"\"R\"\"\",1,1,"));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(SheathRegions) r = regions_from_text (dir, bad[i], &error);

      g_assert_null (r);
      g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "regions.geojson"));
      g_clear_error (&error);
    }
  test_remove_tree (dir);
}

/* Maps per cell: fibres placed in known cells give exact counts, areas,
 * fractions and means; empty cells have no mean; the float TIFF holds the
 * same numbers, page by page, and the heat maps are written. */
static void
test_maps (void)
{
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (210, 100);
  g_autoptr(SheathMorphometrics) m = NULL;
  g_autoptr(SheathMaps) maps = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *tiff = g_build_filename (dir, "x_maps.tif", NULL);
  g_autofree char *png = g_build_filename (dir, "x_map-gratio_aggr.png", NULL);
  double cell = 50 * PS;   /* 50 px */
  guint64 axon_px = 0, myelin_px = 0, cell_px = 0;
  const SheathAxon *a;
  TIFF *tif;
  guint pages = 0;

  /* two fibres in cell (0, 0), one in (2, 1); cell (4, 1) is 10 px wide */
  paint_fibre (seg, 20, 20, 6, 10);
  paint_fibre (seg, 35, 30, 5, 9);
  paint_fibre (seg, 125, 75, 8, 14);
  m = measure (seg, SHEATH_AXON_SHAPE_CIRCLE);
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (m), ==, 3);

  maps = sheath_maps_compute (m, seg, cell, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_maps_get_columns (maps), ==, 5);
  g_assert_cmpuint (sheath_maps_get_rows (maps), ==, 2);
  g_assert_cmpfloat (sheath_maps_get_cell_size (maps), ==, cell);

  g_assert_cmpfloat (sheath_maps_get_value (maps, SHEATH_MAP_AXON_COUNT, 0, 0), ==, 2);
  g_assert_cmpfloat (sheath_maps_get_value (maps, SHEATH_MAP_AXON_COUNT, 2, 1), ==, 1);
  g_assert_cmpfloat (sheath_maps_get_value (maps, SHEATH_MAP_AXON_COUNT, 1, 0), ==, 0);
  g_assert_cmpfloat_with_epsilon (sheath_maps_get_value (maps, SHEATH_MAP_AXON_DENSITY, 0, 0),
                                  2 / (cell * cell * 1e-6), 1e-6);
  /* the edge cell is 10 px wide: its area is what is left */
  g_assert_cmpfloat_with_epsilon (sheath_maps_get_value (maps, SHEATH_MAP_AXON_DENSITY, 4, 1), 0, 1e-12);
  g_assert_true (isnan (sheath_maps_get_value (maps, SHEATH_MAP_MEAN_AXON_DIAM, 1, 0)));
  g_assert_true (isnan (sheath_maps_get_value (maps, SHEATH_MAP_GRATIO_AGGR, 4, 1)));

  for (guint y = 50; y < 100; y++)
    for (guint x = 100; x < 150; x++)
      {
        SheathLabel l = sheath_segmentation_get_label (seg, x, y);

        axon_px += l == SHEATH_LABEL_AXON;
        myelin_px += l == SHEATH_LABEL_MYELIN;
        cell_px++;
      }
  g_assert_cmpfloat_with_epsilon (sheath_maps_get_value (maps, SHEATH_MAP_AVF, 2, 1), (double) axon_px / cell_px, 1e-12);
  g_assert_cmpfloat_with_epsilon (sheath_maps_get_value (maps, SHEATH_MAP_MVF, 2, 1), (double) myelin_px / cell_px, 1e-12);
  g_assert_cmpfloat_with_epsilon (sheath_maps_get_value (maps, SHEATH_MAP_GRATIO_AGGR, 2, 1),
                                  sqrt (1 - (double) myelin_px / (myelin_px + axon_px)), 1e-12);
  g_assert_cmpuint (sheath_morphometrics_get_axon_at (m, 125, 75), >, 0);
  a = sheath_morphometrics_get_axon (m, sheath_morphometrics_get_axon_at (m, 125, 75) - 1);
  g_assert_cmpfloat_with_epsilon (sheath_maps_get_value (maps, SHEATH_MAP_MEAN_AXON_DIAM, 2, 1), a->axon_diam, 1e-12);
  g_assert_cmpfloat_with_epsilon (sheath_maps_get_value (maps, SHEATH_MAP_MEAN_MYELIN_THICKNESS, 2, 1),
                                  a->myelin_thickness, 1e-12);

  g_assert_true (sheath_maps_write_tiff (maps, tiff, &error));
  g_assert_no_error (error);
  g_assert_true (sheath_maps_write_heat_maps (maps, dir, "x", &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
  tif = TIFFOpen (tiff, "r");
  g_assert_nonnull (tif);
  do
    {
      guint32 w = 0, h = 0;
      guint16 format = 0;
      const char *page = NULL;
      float row[5];

      TIFFGetField (tif, TIFFTAG_IMAGEWIDTH, &w);
      TIFFGetField (tif, TIFFTAG_IMAGELENGTH, &h);
      TIFFGetField (tif, TIFFTAG_SAMPLEFORMAT, &format);
      TIFFGetField (tif, TIFFTAG_PAGENAME, &page);
      g_assert_cmpuint (w, ==, 5);
      g_assert_cmpuint (h, ==, 2);
      g_assert_cmpuint (format, ==, SAMPLEFORMAT_IEEEFP);
      g_assert_cmpstr (page, ==, sheath_map_metric_get_name (pages));
      g_assert_cmpint (TIFFReadScanline (tif, row, 0, 0), ==, 1);
      g_assert_cmpint (TIFFReadScanline (tif, row, 1, 0), ==, 1);
      if (isnan (sheath_maps_get_value (maps, pages, 2, 1)))
        g_assert_true (isnan (row[2]));
      else
        g_assert_cmpfloat_with_epsilon (row[2], sheath_maps_get_value (maps, pages, 2, 1),
                                        1e-5 * fabs (row[2]) + 1e-6);
      pages++;
    }
  while (TIFFReadDirectory (tif));
  TIFFClose (tif);
  g_assert_cmpuint (pages, ==, SHEATH_MAP_N_METRICS);

  g_clear_object (&maps);
  maps = sheath_maps_compute (m, seg, PS / 2, &error);
  g_assert_null (maps);
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
  test_remove_tree (dir);
}

/* A large image's labels as one tiled, pyramidal OME-TIFF: read back
 * exactly (unmyelinated axons from their own map beside it), with its
 * pixel size from OME-XML and its smaller levels as SubIFDs. */
static void
test_ome_tiff_labels (void)
{
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (1500, 1100);
  g_autoptr(SheathSegmentation) back = NULL;
  g_autoptr(SheathSlide) slide = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "big_seg-axonmyelin.ome.tif", NULL);
  g_autofree char *uaxon = g_build_filename (dir, "big_seg-uaxon.ome.tif", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GBytes) level1 = NULL;
  const guint8 *v;

  paint_fibre (seg, 300, 300, 40, 70);
  paint_fibre (seg, 1200, 800, 60, 90);
  paint_ellipse (seg, 700, 900, 20, 12, SHEATH_LABEL_UNMYELINATED_AXON);
  g_assert_true (sheath_segmentation_save_ome_tiff (seg, dir, "big", 0.02, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (uaxon, G_FILE_TEST_IS_REGULAR));

  back = sheath_segmentation_new_from_axonmyelin (file, &error);
  g_assert_no_error (error);
  g_assert_true (sheath_segmentation_get_unmyelinated (back));
  for (guint y = 0; y < 1100; y++)
    g_assert_cmpmem (sheath_segmentation_peek_row (seg, y), 1500, sheath_segmentation_peek_row (back, y), 1500);

  slide = sheath_slide_new_from_file (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_slide_get_n_levels (slide), ==, 2);
  g_assert_cmpuint (sheath_slide_get_level_width (slide, 1), ==, 750);
  g_assert_cmpfloat_with_epsilon (sheath_slide_get_pixel_size (slide), 0.02, 1e-9);
  g_assert_cmpint (sheath_slide_get_pixel_size_source (slide), ==, SHEATH_PIXEL_SIZE_SOURCE_OME_XML);
  level1 = sheath_slide_read_region (slide, 1, 150, 150, 1, 1, &error);
  g_assert_no_error (error);
  v = g_bytes_get_data (level1, NULL);
  g_assert_cmpuint (v[0], ==, 255);   /* the first fibre's axon, at (300, 300) */

  /* saved again without unmyelinated axons, the stale map goes */
  g_clear_object (&back);
  back = sheath_segmentation_new (1500, 1100);
  g_assert_true (sheath_segmentation_save_ome_tiff (back, dir, "big", 0.02, &error));
  g_assert_false (g_file_test (uaxon, G_FILE_TEST_EXISTS));
  test_remove_tree (dir);
}

/* More axons than a 16-bit PNG holds: the PNG is refused with a reason,
 * the 32-bit TIFF holds every id. */
static void
test_instance_map_32bit (void)
{
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (1300, 1300);
  g_autoptr(SheathMorphometrics) m = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *png = g_build_filename (dir, "x_instance-map.png", NULL);
  g_autofree char *tif_path = g_build_filename (dir, "x_instance-map.tif", NULL);
  guint n, id;
  TIFF *tif;

  /* 260 × 260 axons of 3 × 3 pixels */
  for (guint y = 0; y < 1300; y += 5)
    for (guint x = 0; x < 1300; x += 5)
      for (guint dy = 0; dy < 3; dy++)
        for (guint dx = 0; dx < 3; dx++)
          sheath_segmentation_set_label (seg, x + dx, y + dy, SHEATH_LABEL_AXON);
  m = measure (seg, SHEATH_AXON_SHAPE_CIRCLE);
  n = sheath_morphometrics_get_n_axons (m);
  g_assert_cmpuint (n, >, G_MAXUINT16);

  g_assert_false (sheath_morphometrics_write_instance_map (m, png, &error));
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, ".tif"));
  g_clear_error (&error);
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));

  g_assert_true (sheath_morphometrics_write_instance_map (m, tif_path, &error));
  g_assert_no_error (error);
  tif = TIFFOpen (tif_path, "r");
  g_assert_nonnull (tif);
  {
    guint16 bits = 0;

    TIFFGetField (tif, TIFFTAG_BITSPERSAMPLE, &bits);
    g_assert_cmpuint (bits, ==, 32);
  }
  /* the last axon's pixel holds the largest id */
  {
    g_autofree guint32 *tile = g_new (guint32, TIFFTileSize (tif) / 4);

    g_assert_cmpint (TIFFReadTile (tif, tile, 1296, 1296, 0, 0), >, 0);
    id = tile[(1296 % 256) * 256 + 1296 % 256];
  }
  g_assert_cmpuint (id, ==, sheath_morphometrics_get_axon_at (m, 1296, 1296));
  g_assert_cmpuint (id, >, G_MAXUINT16);
  TIFFClose (tif);
  test_remove_tree (dir);
}

/* A 32-bit tiled TIFF's pixels, read with libtiff. */
static GBytes *
read_tiled_32 (const char *path,
               guint       width,
               guint       height)
{
  TIFF *tif = TIFFOpen (path, "r");
  guint32 tw = 0, th = 0;
  guint16 bits = 0;
  guint32 *pixels = g_new0 (guint32, (gsize) width * height);
  g_autofree guint32 *tile = NULL;

  g_assert_nonnull (tif);
  TIFFGetField (tif, TIFFTAG_BITSPERSAMPLE, &bits);
  g_assert_cmpuint (bits, ==, 32);
  g_assert_true (TIFFGetField (tif, TIFFTAG_TILEWIDTH, &tw) && TIFFGetField (tif, TIFFTAG_TILELENGTH, &th));
  tile = g_new (guint32, (gsize) tw * th);
  for (guint ty = 0; ty < height; ty += th)
    for (guint tx = 0; tx < width; tx += tw)
      {
        g_assert_cmpint (TIFFReadTile (tif, tile, tx, ty, 0, 0), >, 0);
        for (guint y = ty; y < MIN (ty + th, height); y++)
          for (guint x = tx; x < MIN (tx + tw, width); x++)
            pixels[(gsize) y * width + x] = tile[(gsize) (y - ty) * tw + (x - tx)];
      }
  TIFFClose (tif);
  return g_bytes_new_take (pixels, (gsize) width * height * 4);
}

static void
assert_axon_equal (const SheathAxon *a,
                   const SheathAxon *b)
{
  g_assert_cmpuint (a->id, ==, b->id);
  g_assert_cmpfloat (a->x0, ==, b->x0);
  g_assert_cmpfloat (a->y0, ==, b->y0);
  g_assert_cmpfloat (a->axon_area, ==, b->axon_area);
  g_assert_cmpfloat (a->axon_perimeter, ==, b->axon_perimeter);
  g_assert_cmpfloat (a->myelin_area, ==, b->myelin_area);
  g_assert_cmpfloat (a->axonmyelin_perimeter, ==, b->axonmyelin_perimeter);
  g_assert_cmpfloat (a->axon_diam, ==, b->axon_diam);
  g_assert_cmpfloat (a->myelin_thickness, ==, b->myelin_thickness);
  g_assert_cmpfloat (a->gratio, ==, b->gratio);
  g_assert_cmpfloat (a->solidity, ==, b->solidity);
  g_assert_cmpfloat (a->eccentricity, ==, b->eccentricity);
  g_assert_cmpfloat (a->orientation, ==, b->orientation);
  g_assert_cmpint (a->bbox_min_x, ==, b->bbox_min_x);
  g_assert_cmpint (a->bbox_min_y, ==, b->bbox_min_y);
  g_assert_cmpint (a->bbox_max_x, ==, b->bbox_max_x);
  g_assert_cmpint (a->bbox_max_y, ==, b->bbox_max_y);
  g_assert_cmpint (a->image_border_touching, ==, b->image_border_touching);
  g_assert_cmpuint (a->flags, ==, b->flags);
}

/* A label map measured band by band from its OME-TIFF gives what the
 * whole map in memory gives: every axon, with its number and every
 * figure to the bit, the specks, holes and pixel totals (so the
 * aggregates' file, byte for byte), the unmyelinated axons, the maps and
 * the instance map, pixel for pixel.
 * Four mirrored copies of a real manual segmentation make six bands. */
static void
test_morphometrics_banded (void)
{
  g_autofree char *axon = find_shared ("datasets/sem-rat-spinal-cord/derivatives/labels/sub-rat4/micr/sub-rat4_sample-data12_SEM_seg-axon-manual.png");
  g_autofree char *myelin = find_shared ("datasets/sem-rat-spinal-cord/derivatives/labels/sub-rat4/micr/sub-rat4_sample-data12_SEM_seg-myelin-manual.png");
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *map_path = g_build_filename (dir, "s_seg-axonmyelin.ome.tif", NULL);
  g_autofree char *whole_csv = g_build_filename (dir, "whole.csv", NULL);
  g_autofree char *banded_csv = g_build_filename (dir, "banded.csv", NULL);
  g_autofree char *whole_instance = g_build_filename (dir, "whole-instance.tif", NULL);
  g_autofree char *banded_instance = g_build_filename (dir, "banded-instance.tif", NULL);
  g_autofree char *a = NULL, *b = NULL;
  g_autoptr(SheathSegmentation) manual = NULL, seg = NULL;
  g_autoptr(SheathMorphometrics) whole = NULL, banded = NULL;
  g_autoptr(SheathAggregates) whole_agg = NULL, banded_agg = NULL;
  g_autoptr(SheathMaps) whole_maps = NULL, banded_maps = NULL;
  g_autoptr(GFile) axon_file = NULL, myelin_file = NULL, map = NULL;
  g_autoptr(GError) error = NULL;
  guint w, h;

  if (axon == NULL || myelin == NULL)
    {
      g_test_skip ("the SEM dataset is not in ../shared");
      return;
    }
  axon_file = g_file_new_for_path (axon);
  myelin_file = g_file_new_for_path (myelin);
  manual = sheath_segmentation_new_from_masks (axon_file, myelin_file, &error);
  g_assert_no_error (error);
  w = sheath_segmentation_get_width (manual);
  h = sheath_segmentation_get_height (manual);
  seg = sheath_segmentation_new (2 * w, 2 * h);
  for (guint y = 0; y < 2 * h; y++)
    {
      const guint8 *in = _sheath_segmentation_get_row (manual, y < h ? y : 2 * h - 1 - y);
      guint8 *out = _sheath_segmentation_get_row (seg, y);

      for (guint x = 0; x < 2 * w; x++)
        out[x] = in[x < w ? x : 2 * w - 1 - x];
    }
  /* unmyelinated axons where the grid falls on background */
  for (guint y = 20; y + 20 < 2 * h; y += 90)
    for (guint x = 20; x + 20 < 2 * w; x += 90)
      if (_sheath_segmentation_get_row (seg, y)[x] == SHEATH_LABEL_BACKGROUND)
        paint_ellipse (seg, x, y, 6, 4, SHEATH_LABEL_UNMYELINATED_AXON);
  g_assert_true (sheath_segmentation_save_ome_tiff (seg, dir, "s", 0.1, &error));
  g_assert_no_error (error);

  whole = sheath_morphometrics_compute (seg, 0.1, SHEATH_AXON_SHAPE_CIRCLE, NULL, &error);
  g_assert_no_error (error);
  whole_maps = sheath_maps_compute (whole, seg, 20, &error);
  g_assert_no_error (error);
  map = g_file_new_for_path (map_path);
  banded = sheath_morphometrics_compute_from_map (map, 0, SHEATH_AXON_SHAPE_CIRCLE, 20, &banded_maps, banded_instance,
                                                  NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (sheath_morphometrics_get_n_axons (whole), >, 1000);
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (banded), ==, sheath_morphometrics_get_n_axons (whole));
  for (guint i = 0; i < sheath_morphometrics_get_n_axons (whole); i++)
    assert_axon_equal (sheath_morphometrics_get_axon (whole, i), sheath_morphometrics_get_axon (banded, i));
  g_assert_cmpuint (sheath_morphometrics_get_n_unmyelinated (whole), >, 20);
  g_assert_cmpuint (sheath_morphometrics_get_n_unmyelinated (banded), ==, sheath_morphometrics_get_n_unmyelinated (whole));
  for (guint i = 0; i < sheath_morphometrics_get_n_unmyelinated (whole); i++)
    assert_axon_equal (sheath_morphometrics_get_unmyelinated (whole, i), sheath_morphometrics_get_unmyelinated (banded, i));
  g_assert_cmpuint (sheath_morphometrics_get_n_specks (banded), ==, sheath_morphometrics_get_n_specks (whole));
  g_assert_cmpuint (sheath_morphometrics_get_n_holes_filled (banded), ==, sheath_morphometrics_get_n_holes_filled (whole));
  g_assert_cmpuint (sheath_morphometrics_get_orphan_myelin_pixels (banded), ==,
                    sheath_morphometrics_get_orphan_myelin_pixels (whole));

  whole_agg = sheath_aggregates_compute (whole, NULL, FALSE, 1.0, &error);
  g_assert_no_error (error);
  banded_agg = sheath_aggregates_compute (banded, NULL, FALSE, 1.0, &error);
  g_assert_no_error (error);
  g_assert_true (sheath_aggregates_write_csv (whole_agg, whole_csv, &error));
  g_assert_true (sheath_aggregates_write_csv (banded_agg, banded_csv, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (whole_csv, &a, NULL, NULL));
  g_assert_true (g_file_get_contents (banded_csv, &b, NULL, NULL));
  g_assert_cmpstr (a, ==, b);

  g_assert_cmpuint (sheath_maps_get_columns (banded_maps), ==, sheath_maps_get_columns (whole_maps));
  g_assert_cmpuint (sheath_maps_get_rows (banded_maps), ==, sheath_maps_get_rows (whole_maps));
  for (guint m = 0; m < SHEATH_MAP_N_METRICS; m++)
    for (guint r = 0; r < sheath_maps_get_rows (whole_maps); r++)
      for (guint c = 0; c < sheath_maps_get_columns (whole_maps); c++)
        {
          double u = sheath_maps_get_value (whole_maps, m, c, r), v = sheath_maps_get_value (banded_maps, m, c, r);

          g_assert_true ((isnan (u) && isnan (v)) || u == v);
        }

  /* the instance maps hold the same numbers */
  g_assert_true (sheath_morphometrics_write_instance_map (whole, whole_instance, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GBytes) a_px = read_tiled_32 (whole_instance, 2 * w, 2 * h);
    g_autoptr(GBytes) b_px = read_tiled_32 (banded_instance, 2 * w, 2 * h);

    g_assert_true (g_bytes_equal (a_px, b_px));
  }

  /* regions measured on the map in bands give what their masks give on
   * the whole map */
  {
    g_autoptr(SheathRegions) regions = sheath_regions_new ();
    g_autoptr(GPtrArray) figures = NULL;
    double square[] = { 100, 80, 900, 120, 880, 700, 90, 650 };
    double triangle[] = { 1000, 900, 1500, 1400, 950, 1450 };

    g_assert_cmpint (sheath_regions_add_polygon (regions, "dorsal", square, G_N_ELEMENTS (square), &error), ==, 0);
    g_assert_cmpint (sheath_regions_add_polygon (regions, "lateral", triangle, G_N_ELEMENTS (triangle), &error), ==, 1);
    g_assert_no_error (error);
    figures = sheath_aggregates_compute_regions (banded, map, regions, 1.0, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (figures->len, ==, 2);
    for (guint r = 0; r < 2; r++)
      {
        g_autoptr(SheathImage) mask = sheath_regions_rasterize (regions, (gint) r, 2 * w, 2 * h, &error);
        g_autoptr(SheathAggregates) expected = sheath_aggregates_compute (whole, mask, FALSE, 1.0, &error);
        SheathAggregates *got = g_ptr_array_index (figures, r);

        g_assert_no_error (error);
        g_assert_cmpuint (got->n_axons, >, 10);
        g_assert_cmpuint (got->n_axons, ==, expected->n_axons);
        g_assert_cmpuint (got->n_myelinated, ==, expected->n_myelinated);
        g_assert_cmpuint (got->n_uaxons, ==, expected->n_uaxons);
        g_assert_cmpfloat (got->area_mm2, ==, expected->area_mm2);
        g_assert_cmpfloat (got->mean_axon_diam, ==, expected->mean_axon_diam);
        g_assert_cmpfloat (got->mean_gratio, ==, expected->mean_gratio);
        g_assert_cmpfloat_with_epsilon (got->avf, expected->avf, 0.01);
        g_assert_cmpfloat_with_epsilon (got->mvf, expected->mvf, 0.01);
      }
  }

  /* what needs the label map in memory says so */
  g_assert_false (sheath_morphometrics_write_index_image (banded, NULL, whole_csv, &error));
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  test_remove_tree (dir);
}

/* Regions drawn in the app: saved as GeoJSON they read back the same; an
 * outline that crosses itself is refused, drawn or read. */
static void
test_regions_drawn (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "s_regions.geojson", NULL);
  g_autofree char *eight_path = g_build_filename (dir, "eight.geojson", NULL);
  g_autoptr(SheathRegions) drawn = sheath_regions_new ();
  g_autoptr(SheathRegions) read = NULL, eight = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) eight_file = g_file_new_for_path (eight_path);
  g_autoptr(GError) error = NULL;
  double square[] = { 10, 10, 60, 12, 58, 50, 12, 48 };
  double more[] = { 70, 70, 90, 70, 80, 90 };
  double figure_eight[] = { 0, 0, 40, 40, 40, 0, 0, 40 };

  g_assert_cmpint (sheath_regions_add_polygon (drawn, "grey matter", square, G_N_ELEMENTS (square), &error), ==, 0);
  g_assert_cmpint (sheath_regions_add_polygon (drawn, "white matter", more, G_N_ELEMENTS (more), &error), ==, 1);
  /* a second polygon of the same name joins its region */
  g_assert_cmpint (sheath_regions_add_polygon (drawn, "grey matter", more, G_N_ELEMENTS (more), &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (sheath_regions_add_polygon (drawn, "bad", figure_eight, G_N_ELEMENTS (figure_eight), &error), ==, -1);
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpuint (sheath_regions_get_n_regions (drawn), ==, 2);
  g_assert_cmpuint (sheath_regions_get_n_rings (drawn, 0), ==, 2);
  g_assert_true (sheath_regions_contains (drawn, 0, 30, 30));
  g_assert_false (sheath_regions_contains (drawn, 1, 30, 30));

  g_assert_true (sheath_regions_save_geojson (drawn, path, &error));
  g_assert_no_error (error);
  read = sheath_regions_new_from_geojson (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_regions_get_n_regions (read), ==, 2);
  g_assert_cmpstr (sheath_regions_get_name (read, 0), ==, "grey matter");
  for (gint r = -1; r < 2; r++)
    {
      g_autoptr(SheathImage) a = sheath_regions_rasterize (drawn, r, 100, 100, &error);
      g_autoptr(SheathImage) b = sheath_regions_rasterize (read, r, 100, 100, &error);

      g_assert_cmpmem (sheath_image_peek_pixels8 (a), 100 * 100, sheath_image_peek_pixels8 (b), 100 * 100);
    }
  /* renamed; renamed as another, it joins it */
  g_assert_cmpuint (sheath_regions_rename (drawn, 1, "dorsal column"), ==, 1);
  g_assert_cmpstr (sheath_regions_get_name (drawn, 1), ==, "dorsal column");
  g_assert_cmpuint (sheath_regions_rename (drawn, 1, "grey matter"), ==, 0);
  g_assert_cmpuint (sheath_regions_get_n_regions (drawn), ==, 1);
  g_assert_cmpuint (sheath_regions_get_n_rings (drawn, 0), ==, 3);
  g_assert_true (sheath_regions_contains (drawn, 0, 80, 75));

  sheath_regions_remove (read, 0);
  g_assert_cmpstr (sheath_regions_get_name (read, 0), ==, "white matter");

  g_assert_true (g_file_set_contents (eight_path,
                                      "{\"type\": \"Polygon\", \"coordinates\": "
                                      "[[[0, 0], [40, 40], [40, 0], [0, 40], [0, 0]]]}", -1, NULL));
  eight = sheath_regions_new_from_geojson (eight_file, &error);
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "eight.geojson"));
  g_assert_nonnull (strstr (error->message, "crosses itself"));
  g_assert_null (eight);
  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Sheath/Morphometrics/concentric-discs", test_morphometrics_concentric_discs);
  g_test_add_func ("/Sheath/Morphometrics/ellipse", test_morphometrics_ellipse);
  g_test_add_func ("/Sheath/Morphometrics/orientation-sign", test_morphometrics_orientation_sign);
  g_test_add_func ("/Sheath/Morphometrics/perimeter-weights", test_morphometrics_perimeter_weights);
  g_test_add_func ("/Sheath/Morphometrics/touching-pair", test_morphometrics_touching_pair);
  g_test_add_func ("/Sheath/Morphometrics/special-cases", test_morphometrics_special_cases);
  g_test_add_func ("/Sheath/Morphometrics/roi", test_morphometrics_roi);
  g_test_add_func ("/Sheath/Morphometrics/empty-and-errors", test_morphometrics_empty_and_errors);
  g_test_add_func ("/Sheath/Morphometrics/masks-from-files", test_morphometrics_masks_from_files);
  g_test_add_func ("/Sheath/Morphometrics/real-masks", test_morphometrics_real_masks);
  g_test_add_func ("/Sheath/Morphometrics/update", test_morphometrics_update);
  g_test_add_func ("/Sheath/Morphometrics/agreement", test_agreement);
  g_test_add_func ("/Sheath/Morphometrics/agreement-exclude-border", test_agreement_exclude_border);
  g_test_add_func ("/Sheath/Morphometrics/unmyelinated", test_morphometrics_unmyelinated);
  g_test_add_func ("/Sheath/Morphometrics/flags", test_morphometrics_flags);
  g_test_add_func ("/Sheath/Morphometrics/separate-touching", test_separate_touching);
  g_test_add_func ("/Sheath/Morphometrics/separate-by-distance", test_separate_by_distance);
  g_test_add_func ("/Sheath/Morphometrics/distance-transform", test_distance_transform);
  g_test_add_func ("/Sheath/Morphometrics/scores-uaxons-corner-to-corner", test_scores_uaxons_corner_to_corner);
  g_test_add_func ("/Sheath/Morphometrics/geojson-regions", test_geojson_regions);
  g_test_add_func ("/Sheath/Morphometrics/regions-drawn", test_regions_drawn);
  g_test_add_func ("/Sheath/Morphometrics/maps", test_maps);
  g_test_add_func ("/Sheath/Morphometrics/ome-tiff-labels", test_ome_tiff_labels);
  g_test_add_func ("/Sheath/Morphometrics/instance-map-32bit", test_instance_map_32bit);
  g_test_add_func ("/Sheath/Morphometrics/banded", test_morphometrics_banded);

  return g_test_run ();
}
