/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Painting, erasing, undo and redo on masks, with results counted pixel by
 * pixel against the geometry of a round brush. */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "sheath.h"
#include "test-util.h"

/* pixels whose centre lies within r of the segment (x0,y0)–(x1,y1) */
static guint
capsule_pixels (guint width, guint height, double x0, double y0, double x1, double y1, double r)
{
  guint n = 0;

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        double cx = x + 0.5, cy = y + 0.5, dx = x1 - x0, dy = y1 - y0;
        double len2 = dx * dx + dy * dy;
        double t = len2 > 0 ? CLAMP (((cx - x0) * dx + (cy - y0) * dy) / len2, 0, 1) : 0;
        double ex = cx - (x0 + t * dx), ey = cy - (y0 + t * dy);

        n += ex * ex + ey * ey <= r * r;
      }
  return n;
}

static gboolean
same_labels (SheathSegmentation *seg,
             GBytes             *expected)
{
  g_autoptr(GBytes) now = sheath_segmentation_dup_labels (seg);

  return g_bytes_equal (now, expected);
}

static void
test_paint_disc_and_line (void)
{
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (200, 150);
  g_autoptr(SheathMaskEditor) editor = sheath_mask_editor_new (seg);

  /* a click: a disc of radius 10 around a pixel's centre has 317 pixels */
  sheath_mask_editor_begin_stroke (editor);
  sheath_mask_editor_stroke_to (editor, 50.5, 40.5, 50.5, 40.5, 10, SHEATH_LABEL_AXON, SHEATH_BRUSH_PAINT);
  sheath_mask_editor_end_stroke (editor);
  g_assert_cmpuint (sheath_segmentation_count (seg, SHEATH_LABEL_AXON), ==, 317);
  g_assert_cmpuint (capsule_pixels (200, 150, 50.5, 40.5, 50.5, 40.5, 10), ==, 317);

  /* a drag in two segments, partly off the image's bottom edge */
  sheath_mask_editor_begin_stroke (editor);
  sheath_mask_editor_stroke_to (editor, 20, 146, 100, 146, 6, SHEATH_LABEL_MYELIN, SHEATH_BRUSH_PAINT);
  sheath_mask_editor_stroke_to (editor, 100, 146, 180, 120, 6, SHEATH_LABEL_MYELIN, SHEATH_BRUSH_PAINT);
  sheath_mask_editor_end_stroke (editor);
  {
    g_autoptr(SheathSegmentation) a = sheath_segmentation_new (200, 150);
    guint expected = 0;

    /* the union of both capsules, counted on a mask of our own */
    for (guint y = 0; y < 150; y++)
      for (guint x = 0; x < 200; x++)
        {
          double cx = x + 0.5, cy = y + 0.5;
          double d1 = cy - 146, t2, ex, ey;
          gboolean in1 = cx >= 20 && cx <= 100 ? d1 * d1 <= 36
                         : ((cx - (cx < 20 ? 20 : 100)) * (cx - (cx < 20 ? 20 : 100)) + d1 * d1 <= 36);

          t2 = CLAMP (((cx - 100) * 80 + (cy - 146) * -26) / (80.0 * 80 + 26 * 26), 0, 1);
          ex = cx - (100 + t2 * 80);
          ey = cy - (146 - t2 * 26);
          if (in1 || ex * ex + ey * ey <= 36)
            {
              sheath_segmentation_set_label (a, x, y, SHEATH_LABEL_MYELIN);
              expected++;
            }
        }
    g_assert_cmpuint (sheath_segmentation_count (seg, SHEATH_LABEL_MYELIN), ==, expected);
    for (guint y = 0; y < 150; y++)
      for (guint x = 0; x < 200; x++)
        g_assert_cmpint (sheath_segmentation_get_label (seg, x, y) == SHEATH_LABEL_MYELIN, ==,
                         sheath_segmentation_get_label (a, x, y) == SHEATH_LABEL_MYELIN);
    g_assert_cmpuint (expected, >, 800);
  }
}

static void
test_erase_one_class (void)
{
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (100, 100);
  g_autoptr(SheathMaskEditor) editor = sheath_mask_editor_new (seg);
  guint64 myelin;

  /* a fibre: myelin disc, axon disc inside */
  sheath_mask_editor_begin_stroke (editor);
  sheath_mask_editor_stroke_to (editor, 50, 50, 50, 50, 20, SHEATH_LABEL_MYELIN, SHEATH_BRUSH_PAINT);
  sheath_mask_editor_stroke_to (editor, 50, 50, 50, 50, 12, SHEATH_LABEL_AXON, SHEATH_BRUSH_PAINT);
  sheath_mask_editor_end_stroke (editor);
  myelin = sheath_segmentation_count (seg, SHEATH_LABEL_MYELIN);

  /* erasing axon across the whole fibre leaves its myelin */
  sheath_mask_editor_begin_stroke (editor);
  sheath_mask_editor_stroke_to (editor, 0, 50, 100, 50, 30, SHEATH_LABEL_AXON, SHEATH_BRUSH_ERASE);
  sheath_mask_editor_end_stroke (editor);
  g_assert_cmpuint (sheath_segmentation_count (seg, SHEATH_LABEL_AXON), ==, 0);
  g_assert_cmpuint (sheath_segmentation_count (seg, SHEATH_LABEL_MYELIN), ==, myelin);
  g_assert_cmpuint (sheath_segmentation_get_label (seg, 50, 50), ==, SHEATH_LABEL_BACKGROUND);
}

static void
count_changed (SheathMaskEditor *editor, int x, int y, int w, int h, gpointer data)
{
  int *area = data;

  g_assert_true (x >= 0 && y >= 0 && w > 0 && h > 0);
  *area += w * h;
}

static void
test_undo_redo (void)
{
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (300, 200);
  g_autoptr(SheathMaskEditor) editor = sheath_mask_editor_new (seg);
  g_autoptr(GBytes) empty = sheath_segmentation_dup_labels (seg);
  g_autoptr(GBytes) one = NULL, two = NULL;
  int changed_area = 0;

  g_assert_false (sheath_mask_editor_can_undo (editor));
  g_assert_false (sheath_mask_editor_undo (editor));

  sheath_mask_editor_begin_stroke (editor);
  sheath_mask_editor_stroke_to (editor, 10, 10, 250, 180, 8, SHEATH_LABEL_AXON, SHEATH_BRUSH_PAINT);
  sheath_mask_editor_end_stroke (editor);
  one = sheath_segmentation_dup_labels (seg);
  sheath_mask_editor_begin_stroke (editor);
  sheath_mask_editor_stroke_to (editor, 10, 180, 290, 20, 15, SHEATH_LABEL_MYELIN, SHEATH_BRUSH_PAINT);
  sheath_mask_editor_end_stroke (editor);
  two = sheath_segmentation_dup_labels (seg);

  g_signal_connect (editor, "changed", G_CALLBACK (count_changed), &changed_area);
  g_assert_true (sheath_mask_editor_undo (editor));
  g_assert_true (same_labels (seg, one));
  g_assert_cmpint (changed_area, >, 0);
  g_assert_true (sheath_mask_editor_undo (editor));
  g_assert_true (same_labels (seg, empty));
  g_assert_false (sheath_mask_editor_undo (editor));
  g_assert_true (sheath_mask_editor_redo (editor));
  g_assert_true (same_labels (seg, one));
  g_assert_true (sheath_mask_editor_redo (editor));
  g_assert_true (same_labels (seg, two));
  g_assert_false (sheath_mask_editor_redo (editor));

  /* a new stroke after an undo drops what could be redone */
  g_assert_true (sheath_mask_editor_undo (editor));
  sheath_mask_editor_begin_stroke (editor);
  sheath_mask_editor_stroke_to (editor, 150, 100, 150, 100, 5, SHEATH_LABEL_MYELIN, SHEATH_BRUSH_PAINT);
  sheath_mask_editor_end_stroke (editor);
  g_assert_false (sheath_mask_editor_can_redo (editor));
  g_assert_true (sheath_mask_editor_undo (editor));
  g_assert_true (same_labels (seg, one));

  /* a stroke that changes nothing (off the image, or onto the same class)
   * is no step of the history */
  sheath_mask_editor_begin_stroke (editor);
  sheath_mask_editor_stroke_to (editor, -100, -100, -50, -60, 10, SHEATH_LABEL_AXON, SHEATH_BRUSH_PAINT);
  sheath_mask_editor_stroke_to (editor, 10, 10, 10, 10, 3, SHEATH_LABEL_AXON, SHEATH_BRUSH_PAINT);
  sheath_mask_editor_end_stroke (editor);
  g_assert_true (sheath_mask_editor_undo (editor));
  g_assert_true (same_labels (seg, empty));
}

static void
test_history_holds_tiles_only (void)
{
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (16384, 16384);
  g_autoptr(SheathMaskEditor) editor = sheath_mask_editor_new (seg);

  /* a short stroke on a 256-megapixel mask keeps a few 64² tiles, not the mask */
  sheath_mask_editor_begin_stroke (editor);
  sheath_mask_editor_stroke_to (editor, 8000, 8000, 8100, 8030, 10, SHEATH_LABEL_AXON, SHEATH_BRUSH_PAINT);
  sheath_mask_editor_end_stroke (editor);
  g_assert_cmpuint (sheath_mask_editor_get_history_bytes (editor), >, 0);
  g_assert_cmpuint (sheath_mask_editor_get_history_bytes (editor), <, 12 * 2 * 64 * 64 + 1024);
  g_assert_true (sheath_mask_editor_undo (editor));
  g_assert_cmpuint (sheath_segmentation_count (seg, SHEATH_LABEL_AXON), ==, 0);
}

static void
paint_disc (SheathSegmentation *seg,
            double              cx,
            double              cy,
            double              r,
            SheathLabel         label)
{
  for (guint y = 0; y < sheath_segmentation_get_height (seg); y++)
    for (guint x = 0; x < sheath_segmentation_get_width (seg); x++)
      if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r)
        sheath_segmentation_set_label (seg, x, y, label);
}

static guint
disc_pixels (double r)
{
  guint n = 0;

  for (int y = -(int) r - 1; y <= (int) r + 1; y++)
    for (int x = -(int) r - 1; x <= (int) r + 1; x++)
      n += x * x + y * y <= r * r;
  return n;
}

/* A bucket fills the closed hole of a ring, and refuses the open outside. */
static void
test_fill (void)
{
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (120, 100);
  g_autoptr(SheathMaskEditor) editor = sheath_mask_editor_new (seg);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GError) error = NULL;

  paint_disc (seg, 60, 50, 20, SHEATH_LABEL_MYELIN);
  paint_disc (seg, 60, 50, 12, SHEATH_LABEL_BACKGROUND);
  before = sheath_segmentation_dup_labels (seg);

  g_assert_true (sheath_mask_editor_fill (editor, 60, 50, SHEATH_LABEL_AXON, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_segmentation_count (seg, SHEATH_LABEL_AXON), ==, disc_pixels (12));
  g_assert_cmpuint (sheath_segmentation_count (seg, SHEATH_LABEL_MYELIN), ==, disc_pixels (20) - disc_pixels (12));

  /* the background outside the ring reaches the edge: nothing happens */
  g_assert_false (sheath_mask_editor_fill (editor, 2, 2, SHEATH_LABEL_AXON, &error));
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (sheath_segmentation_count (seg, SHEATH_LABEL_AXON), ==, disc_pixels (12));
  g_clear_error (&error);
  g_assert_false (sheath_mask_editor_fill (editor, 500, 2, SHEATH_LABEL_AXON, &error));
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* a region of the class already: nothing to do, and no error either */
  g_assert_true (sheath_mask_editor_fill (editor, 60, 50, SHEATH_LABEL_AXON, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_segmentation_count (seg, SHEATH_LABEL_AXON), ==, disc_pixels (12));

  /* the ring itself may become axon, edge or not; one undo step each */
  g_assert_true (sheath_mask_editor_fill (editor, 60, 31, SHEATH_LABEL_AXON, &error));
  g_assert_cmpuint (sheath_segmentation_count (seg, SHEATH_LABEL_AXON), ==, disc_pixels (20));
  g_assert_true (sheath_mask_editor_undo (editor));
  g_assert_true (sheath_mask_editor_undo (editor));
  g_assert_false (sheath_mask_editor_can_undo (editor));
  g_assert_true (same_labels (seg, before));
}

/* The bucket floods 4-connected: a one-pixel diagonal wall of myelin (8-
 * connected, with gaps only corner to corner) closes a region as a user
 * sees it, and the fill stops at it instead of leaking through. */
static void
test_fill_stops_at_diagonal (void)
{
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (40, 40);
  g_autoptr(SheathMaskEditor) editor = sheath_mask_editor_new (seg);
  g_autoptr(GError) error = NULL;
  guint expected = 0;

  /* a closed box from 5 to 34, split by the diagonal x + y = 39 */
  for (guint i = 5; i <= 34; i++)
    {
      sheath_segmentation_set_label (seg, i, 5, SHEATH_LABEL_MYELIN);
      sheath_segmentation_set_label (seg, i, 34, SHEATH_LABEL_MYELIN);
      sheath_segmentation_set_label (seg, 5, i, SHEATH_LABEL_MYELIN);
      sheath_segmentation_set_label (seg, 34, i, SHEATH_LABEL_MYELIN);
    }
  for (guint x = 6; x <= 33; x++)
    sheath_segmentation_set_label (seg, x, 39 - x, SHEATH_LABEL_MYELIN);
  for (guint y = 6; y <= 33; y++)
    for (guint x = 6; x <= 33; x++)
      expected += x + y < 39;

  g_assert_true (sheath_mask_editor_fill (editor, 10, 10, SHEATH_LABEL_AXON, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_segmentation_count (seg, SHEATH_LABEL_AXON), ==, expected);
  g_assert_cmpint (sheath_segmentation_get_label (seg, 30, 30), ==, SHEATH_LABEL_BACKGROUND);
}

/* A lasso sets the pixels whose centres lie inside it. */
static void
test_fill_polygon (void)
{
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (100, 80);
  g_autoptr(SheathMaskEditor) editor = sheath_mask_editor_new (seg);
  const double square[] = { 10, 10, 30, 10, 30, 20, 10, 20 };
  const double triangle[] = { 50.2, 5.7, 95.1, 60.3, 40.9, 75.5 };
  guint inside = 0;

  g_assert_true (sheath_mask_editor_fill_polygon (editor, square, G_N_ELEMENTS (square), SHEATH_LABEL_MYELIN, SHEATH_BRUSH_PAINT));
  g_assert_cmpuint (sheath_segmentation_count (seg, SHEATH_LABEL_MYELIN), ==, 200);
  g_assert_cmpuint (sheath_segmentation_get_label (seg, 10, 10), ==, SHEATH_LABEL_MYELIN);
  g_assert_cmpuint (sheath_segmentation_get_label (seg, 30, 10), ==, SHEATH_LABEL_BACKGROUND);

  /* against a point-in-triangle test of each pixel centre */
  g_assert_true (sheath_mask_editor_fill_polygon (editor, triangle, G_N_ELEMENTS (triangle), SHEATH_LABEL_AXON, SHEATH_BRUSH_PAINT));
  for (guint y = 0; y < 80; y++)
    for (guint x = 0; x < 100; x++)
      {
        double px = x + 0.5, py = y + 0.5, s[3];

        for (guint k = 0; k < 3; k++)
          {
            const double *a = &triangle[2 * k], *b = &triangle[2 * ((k + 1) % 3)];
            s[k] = (b[0] - a[0]) * (py - a[1]) - (b[1] - a[1]) * (px - a[0]);
          }
        inside += (s[0] >= 0 && s[1] >= 0 && s[2] >= 0) || (s[0] <= 0 && s[1] <= 0 && s[2] <= 0);
      }
  g_assert_cmpuint (sheath_segmentation_count (seg, SHEATH_LABEL_AXON), ==, inside);

  /* erasing myelin with a polygon over both leaves the axon */
  g_assert_true (sheath_mask_editor_fill_polygon (editor, (double[]) { 0, 0, 100, 0, 100, 80, 0, 80 }, 8,
                                                  SHEATH_LABEL_MYELIN, SHEATH_BRUSH_ERASE));
  g_assert_cmpuint (sheath_segmentation_count (seg, SHEATH_LABEL_MYELIN), ==, 0);
  g_assert_cmpuint (sheath_segmentation_count (seg, SHEATH_LABEL_AXON), ==, inside);
  g_assert_false (sheath_mask_editor_fill_polygon (editor, square, 4, SHEATH_LABEL_AXON, SHEATH_BRUSH_PAINT));
}

/* Only closed rings are filled. */
static void
test_fill_axons (void)
{
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (160, 80);
  g_autoptr(SheathMaskEditor) editor = sheath_mask_editor_new (seg);

  paint_disc (seg, 40, 40, 20, SHEATH_LABEL_MYELIN);
  paint_disc (seg, 40, 40, 14, SHEATH_LABEL_BACKGROUND);
  paint_disc (seg, 110, 40, 20, SHEATH_LABEL_MYELIN);
  paint_disc (seg, 110, 40, 14, SHEATH_LABEL_BACKGROUND);
  for (guint y = 38; y <= 42; y++)   /* a gap in the second ring */
    for (guint x = 123; x <= 131; x++)
      sheath_segmentation_set_label (seg, x, y, SHEATH_LABEL_BACKGROUND);

  g_assert_cmpuint (sheath_mask_editor_fill_axons (editor), ==, disc_pixels (14));
  g_assert_cmpuint (sheath_segmentation_get_label (seg, 40, 40), ==, SHEATH_LABEL_AXON);
  g_assert_cmpuint (sheath_segmentation_get_label (seg, 110, 40), ==, SHEATH_LABEL_BACKGROUND);
  g_assert_cmpuint (sheath_mask_editor_fill_axons (editor), ==, 0);
  g_assert_true (sheath_mask_editor_undo (editor));
  g_assert_cmpuint (sheath_segmentation_count (seg, SHEATH_LABEL_AXON), ==, 0);
}

static SheathMorphometrics *
measure (SheathSegmentation *seg)
{
  g_autoptr(GError) error = NULL;
  SheathMorphometrics *m = sheath_morphometrics_compute (seg, 0.1, SHEATH_AXON_SHAPE_CIRCLE, NULL, &error);

  g_assert_no_error (error);
  return m;
}

/* Deleting takes an axon and its own myelin; cutting splits an axon in
 * two; merging makes one of two. */
static void
test_axon_operations (void)
{
  g_autoptr(SheathSegmentation) seg = sheath_segmentation_new (200, 100);
  g_autoptr(SheathMaskEditor) editor = sheath_mask_editor_new (seg);
  g_autoptr(SheathMorphometrics) m = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GError) error = NULL;
  guint left, right;

  /* two touching fibres */
  paint_disc (seg, 50, 50, 25, SHEATH_LABEL_MYELIN);
  paint_disc (seg, 98, 50, 25, SHEATH_LABEL_MYELIN);
  paint_disc (seg, 50, 50, 15, SHEATH_LABEL_AXON);
  paint_disc (seg, 98, 50, 15, SHEATH_LABEL_AXON);
  before = sheath_segmentation_dup_labels (seg);
  m = measure (seg);
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (m), ==, 2);
  left = sheath_morphometrics_get_axon_at (m, 50, 50);
  right = sheath_morphometrics_get_axon_at (m, 98, 50);

  g_assert_true (sheath_mask_editor_delete_axon (editor, m, left, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_segmentation_get_label (seg, 50, 50), ==, SHEATH_LABEL_BACKGROUND);
  g_assert_cmpuint (sheath_segmentation_get_label (seg, 30, 50), ==, SHEATH_LABEL_BACKGROUND);
  g_assert_cmpuint (sheath_segmentation_count (seg, SHEATH_LABEL_AXON), ==, disc_pixels (15));
  g_assert_cmpuint (sheath_segmentation_get_label (seg, 120, 50), ==, SHEATH_LABEL_MYELIN);
  g_assert_false (sheath_mask_editor_delete_axon (editor, m, 7, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (sheath_mask_editor_undo (editor));
  g_assert_true (same_labels (seg, before));

  /* merging the two axons fills their hull, taking the myelin between */
  g_assert_false (sheath_mask_editor_merge_axons (editor, m, left, left, &error));
  g_clear_error (&error);
  g_assert_true (sheath_mask_editor_merge_axons (editor, m, left, right, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_segmentation_get_label (seg, 74, 50), ==, SHEATH_LABEL_AXON);
  g_assert_cmpuint (sheath_segmentation_get_label (seg, 74, 36), ==, SHEATH_LABEL_AXON);
  g_assert_cmpuint (sheath_segmentation_get_label (seg, 74, 33), ==, SHEATH_LABEL_BACKGROUND);
  g_assert_cmpuint (sheath_segmentation_get_label (seg, 50, 70), ==, SHEATH_LABEL_MYELIN);
  {
    g_autoptr(SheathMorphometrics) merged = measure (seg);
    g_assert_cmpuint (sheath_morphometrics_get_n_axons (merged), ==, 1);
  }
  g_assert_true (sheath_mask_editor_undo (editor));
  g_assert_true (same_labels (seg, before));

  /* a cut across an axon makes two */
  sheath_mask_editor_begin_stroke (editor);
  sheath_mask_editor_stroke_to (editor, 50, 20, 50, 80, 1, SHEATH_LABEL_BACKGROUND, SHEATH_BRUSH_CUT);
  sheath_mask_editor_end_stroke (editor);
  {
    g_autoptr(SheathMorphometrics) cut = measure (seg);
    g_assert_cmpuint (sheath_morphometrics_get_n_axons (cut), ==, 3);
  }
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* the names in @dir, sorted and joined by spaces */
static char *
list_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* A part of a slide's label map is read alone, edited with undo as any
 * masks are, and written back into the map: the rest of the map, and of
 * its unmyelinated axons' map, unchanged; bad parts, a run stopped
 * halfway and a cancellation leave the map as it was. */
static void
test_map_area (void)
{
  const guint W = 1100, H = 600, AX = 130, AY = 260, AW = 300, AH = 200;   /* two levels */
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "slide_seg-axonmyelin.ome.tif", NULL);
  g_autofree char *resume = g_strconcat (path, ".resume", NULL);
  g_autoptr(GFile) map = g_file_new_for_path (path);
  g_autoptr(SheathSegmentation) whole = sheath_segmentation_new (W, H);
  g_autoptr(SheathSegmentation) part = NULL, again = NULL;
  g_autoptr(SheathMaskEditor) editor = NULL;
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL, *listing = NULL;
  gsize n_before = 0;

  /* fibres on a grid, an unmyelinated axon between some of them */
  sheath_segmentation_set_unmyelinated (whole, TRUE);
  for (guint y = 0; y < H; y++)
    for (guint x = 0; x < W; x++)
      {
        int dx = (int) (x % 50) - 25, dy = (int) (y % 50) - 25, d2 = dx * dx + dy * dy;

        if (d2 < 100)
          sheath_segmentation_set_label (whole, x, y, SHEATH_LABEL_AXON);
        else if (d2 < 300)
          sheath_segmentation_set_label (whole, x, y, SHEATH_LABEL_MYELIN);
        else if (x % 50 < 6 && y % 100 < 6)
          sheath_segmentation_set_label (whole, x, y, SHEATH_LABEL_UNMYELINATED_AXON);
      }
  g_assert_true (sheath_segmentation_save_ome_tiff (whole, dir, "slide", 0.1, &error));
  g_assert_no_error (error);

  /* the part read alone is the whole's */
  part = sheath_segmentation_new_from_map_area (map, AX, AY, AW, AH, &error);
  g_assert_no_error (error);
  g_assert_true (sheath_segmentation_get_unmyelinated (part));
  for (guint y = 0; y < AH; y++)
    for (guint x = 0; x < AW; x++)
      g_assert_cmpuint (sheath_segmentation_get_label (part, x, y), ==,
                        sheath_segmentation_get_label (whole, AX + x, AY + y));

  /* edited as any masks: a stroke undone, another kept */
  editor = sheath_mask_editor_new (part);
  sheath_mask_editor_begin_stroke (editor);
  sheath_mask_editor_stroke_to (editor, 10, 10, 290, 190, 8, SHEATH_LABEL_AXON, SHEATH_BRUSH_PAINT);
  sheath_mask_editor_end_stroke (editor);
  g_assert_true (sheath_mask_editor_undo (editor));
  sheath_mask_editor_begin_stroke (editor);
  sheath_mask_editor_stroke_to (editor, 0, 100, 299, 100, 6, SHEATH_LABEL_UNMYELINATED_AXON, SHEATH_BRUSH_PAINT);
  sheath_mask_editor_end_stroke (editor);
  for (guint y = 0; y < AH; y++)
    for (guint x = 0; x < AW; x++)
      sheath_segmentation_set_label (whole, AX + x, AY + y, sheath_segmentation_get_label (part, x, y));

  /* refused: a part outside the map, a run stopped halfway, a cancellation */
  g_assert_null (sheath_segmentation_new_from_map_area (map, W - 10, 0, 11, 10, &error));
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (sheath_segmentation_write_into_map (part, map, W - AW + 1, 0, NULL, &error));
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (path, &before, &n_before, NULL));
  g_assert_true (g_file_set_contents (resume, "state", -1, NULL));
  g_assert_false (sheath_segmentation_write_into_map (part, map, AX, AY, NULL, &error));
  g_assert_nonnull (strstr (error->message, "stopped halfway"));
  g_clear_error (&error);
  g_unlink (resume);
  g_cancellable_cancel (cancelled);
  g_assert_false (sheath_segmentation_write_into_map (part, map, AX, AY, cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  {
    g_autofree char *after = NULL;
    gsize n_after = 0;

    g_assert_true (g_file_get_contents (path, &after, &n_after, NULL));
    g_assert_cmpmem (before, n_before, after, n_after);
  }

  /* written back: the whole map, both files, is the edited whole */
  g_assert_true (sheath_segmentation_write_into_map (part, map, AX, AY, NULL, &error));
  g_assert_no_error (error);
  again = sheath_segmentation_new_from_axonmyelin (map, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GBytes) expected = sheath_segmentation_dup_labels (whole);

    g_assert_true (same_labels (again, expected));
  }
  /* no temporary or part file left beside */
  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "slide_seg-axonmyelin.ome.tif slide_seg-uaxon.ome.tif");

  /* byte for byte the maps the edited whole is written as: the tiles away
   * from the part, copied, are those it would deflate, at every level */
  {
    g_autofree char *fresh_dir = test_make_temp_dir ();

    g_assert_true (sheath_segmentation_save_ome_tiff (whole, fresh_dir, "slide", 0.1, &error));
    g_assert_no_error (error);
    for (guint i = 0; i < 2; i++)
      {
        const char *name = i == 0 ? "slide_seg-axonmyelin.ome.tif" : "slide_seg-uaxon.ome.tif";
        g_autofree char *a = g_build_filename (dir, name, NULL), *b = g_build_filename (fresh_dir, name, NULL);
        g_autofree char *ca = NULL, *cb = NULL;
        gsize na = 0, nb = 0;

        g_assert_true (g_file_get_contents (a, &ca, &na, NULL));
        g_assert_true (g_file_get_contents (b, &cb, &nb, NULL));
        g_assert_cmpmem (ca, na, cb, nb);
      }
    test_remove_tree (fresh_dir);
  }

  test_remove_tree (dir);
}

typedef struct
{
  SheathSegmentation *part;
  GFile              *map;
  guint64             x, y;
} MapWrite;

static gpointer
write_part_thread (gpointer data)
{
  MapWrite *w = data;
  GError *error = NULL;

  if (!sheath_segmentation_write_into_map (w->part, w->map, w->x, w->y, NULL, &error))
    g_error ("%s", error->message);
  return NULL;
}

/* Two parts of one map written at once, from two threads: they take
 * turns, and the map holds both. */
static void
test_map_area_concurrent (void)
{
  const guint W = 1100, H = 900, SIDE = 200;
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "slide_seg-axonmyelin.ome.tif", NULL);
  g_autoptr(GFile) map = g_file_new_for_path (path);
  g_autoptr(SheathSegmentation) empty = sheath_segmentation_new (W, H);
  g_autoptr(SheathSegmentation) after = NULL;
  g_autoptr(GError) error = NULL;
  MapWrite writes[2] = { { NULL, map, 50, 60 }, { NULL, map, 700, 500 } };
  GThread *threads[2];

  g_assert_true (sheath_segmentation_save_ome_tiff (empty, dir, "slide", 0.1, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      writes[i].part = sheath_segmentation_new_from_map_area (map, writes[i].x, writes[i].y, SIDE, SIDE, &error);
      g_assert_no_error (error);
      for (guint y = 0; y < SIDE; y++)
        for (guint x = 0; x < SIDE; x++)
          sheath_segmentation_set_label (writes[i].part, x, y, i == 0 ? SHEATH_LABEL_AXON : SHEATH_LABEL_MYELIN);
    }
  for (guint i = 0; i < 2; i++)
    threads[i] = g_thread_new ("write", write_part_thread, &writes[i]);
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);

  after = sheath_segmentation_new_from_axonmyelin (map, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_segmentation_count (after, SHEATH_LABEL_AXON), ==, SIDE * SIDE);
  g_assert_cmpuint (sheath_segmentation_count (after, SHEATH_LABEL_MYELIN), ==, SIDE * SIDE);
  for (guint i = 0; i < 2; i++)
    g_object_unref (writes[i].part);
  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Sheath/MaskEditor/paint-disc-and-line", test_paint_disc_and_line);
  g_test_add_func ("/Sheath/MaskEditor/erase-one-class", test_erase_one_class);
  g_test_add_func ("/Sheath/MaskEditor/undo-redo", test_undo_redo);
  g_test_add_func ("/Sheath/MaskEditor/history-holds-tiles-only", test_history_holds_tiles_only);
  g_test_add_func ("/Sheath/MaskEditor/fill-stops-at-diagonal", test_fill_stops_at_diagonal);
  g_test_add_func ("/Sheath/MaskEditor/fill", test_fill);
  g_test_add_func ("/Sheath/MaskEditor/fill-polygon", test_fill_polygon);
  g_test_add_func ("/Sheath/MaskEditor/fill-axons", test_fill_axons);
  g_test_add_func ("/Sheath/MaskEditor/axon-operations", test_axon_operations);
  g_test_add_func ("/Sheath/MaskEditor/map-area", test_map_area);
  g_test_add_func ("/Sheath/MaskEditor/map-area-concurrent", test_map_area_concurrent);

  return g_test_run ();
}
