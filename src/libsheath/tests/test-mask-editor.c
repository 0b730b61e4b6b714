/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Painting, erasing, undo and redo on masks, with results counted pixel by
 * pixel against the geometry of a round brush. */

#include "config.h"

#include <string.h>

#include "sheath.h"

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Sheath/MaskEditor/paint-disc-and-line", test_paint_disc_and_line);
  g_test_add_func ("/Sheath/MaskEditor/erase-one-class", test_erase_one_class);
  g_test_add_func ("/Sheath/MaskEditor/undo-redo", test_undo_redo);
  g_test_add_func ("/Sheath/MaskEditor/history-holds-tiles-only", test_history_holds_tiles_only);

  return g_test_run ();
}
