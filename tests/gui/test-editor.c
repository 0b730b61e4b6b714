/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The mask editor in the app under Xvfb: tools chosen by their actions (as
 * the toolbar's buttons and keys do), drags given to the viewer as its
 * gesture gives them, and the masks and measurements checked pixel by
 * pixel. Then the app is killed in the middle of an edit session and the
 * next one restores the edits. */

#include "config.h"

#include <signal.h>
#include <unistd.h>

#include "sheath-document.h"
#include "sheath-morphometrics-panel.h"
#include "sheath-recovery.h"
#include "sheath-review-bar.h"
#include "sheath-viewer.h"
#include "sheath-plot.h"
#include "sheath-window.h"
#include "gui-test-app.h"
#include "gui-test-util.h"
#include "../../src/libsheath/tests/test-util.h"

#define IMAGE  "datasets/sem-rat-spinal-cord/sub-rat4/micr/sub-rat4_sample-data12_SEM.png"
#define MASKS  "datasets/sem-rat-spinal-cord/derivatives/labels/sub-rat4/micr/sub-rat4_sample-data12_SEM_seg-axon-manual.png"

static gboolean has_image (gpointer w) { return sheath_window_get_image (w) != NULL; }
static gboolean has_morphometrics (gpointer w) { return sheath_window_get_morphometrics (w) != NULL; }

static gboolean
have_shared_image (void)
{
  g_autofree char *image = test_shared_path (IMAGE, NULL);
  g_autofree char *masks = test_shared_path (MASKS, NULL);

  return g_file_test (image, G_FILE_TEST_EXISTS) && g_file_test (masks, G_FILE_TEST_EXISTS);
}

static SheathPage *
current_page (SheathWindow *window)
{
  GtkWidget *viewer = gui_find_descendant (GTK_WIDGET (window), SHEATH_TYPE_VIEWER);

  return SHEATH_PAGE (gtk_widget_get_ancestor (viewer, SHEATH_TYPE_PAGE));
}

/* The window with sub-rat4 and its manual masks, measured. */
static SheathWindow *
open_with_masks (SheathPage **page)
{
  g_autofree char *image = test_shared_path (IMAGE, NULL);
  g_autofree char *masks = test_shared_path (MASKS, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (image);
  g_autoptr(GFile) mask_file = g_file_new_for_path (masks);
  g_autoptr(GError) error = NULL;
  SheathWindow *window = gui_new_window ();

  *page = sheath_window_open (window, file);
  g_assert_true (gui_wait_until (has_image, window, 20000));
  g_assert_true (sheath_window_load_masks (window, mask_file, &error));
  g_assert_no_error (error);
  g_assert_true (gui_wait_until (has_morphometrics, window, 60000));
  return window;
}

static void
choose (SheathPage *page,
        const char     *action,
        const char     *value)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), action, value ? "s" : NULL, value));
}

/* What the viewer's drag gesture emits for a drag from (x0, y0) to (x1, y1)
 * in image pixels, in a few steps. */
static void
drag (SheathPage *page,
      double          x0,
      double          y0,
      double          x1,
      double          y1)
{
  SheathViewer *viewer = sheath_page_get_viewer (page);

  g_assert_true (sheath_viewer_get_editing (viewer));
  g_signal_emit_by_name (viewer, "edit-begin", x0, y0);
  for (guint i = 1; i <= 4; i++)
    g_signal_emit_by_name (viewer, "edit-motion", x0 + (x1 - x0) * i / 4, y0 + (y1 - y0) * i / 4);
  g_signal_emit_by_name (viewer, "edit-end", x1, y1);
}

static GBytes *
labels_of (SheathPage *page)
{
  return sheath_segmentation_dup_labels (sheath_document_get_segmentation (sheath_page_get_document (page)));
}

/* before, with the pixels whose centres lie within r of the segment set */
static GBytes *
with_capsule (GBytes *before,
              guint   width,
              double  x0,
              double  y0,
              double  x1,
              double  y1,
              double  r,
              guint8  value)
{
  gsize n;
  guint8 *data = g_memdup2 (g_bytes_get_data (before, &n), g_bytes_get_size (before));

  for (gsize i = 0; i < n; i++)
    {
      double cx = i % width + 0.5, cy = i / width + 0.5, dx = x1 - x0, dy = y1 - y0;
      double t = CLAMP (((cx - x0) * dx + (cy - y0) * dy) / (dx * dx + dy * dy), 0, 1);
      double ex = cx - (x0 + t * dx), ey = cy - (y0 + t * dy);

      if (ex * ex + ey * ey <= r * r)
        data[i] = value;
    }
  return g_bytes_new_take (data, n);
}

/* The measurements shown match a full measurement of the masks shown. */
static void
assert_measured (SheathPage *page)
{
  SheathMorphometrics *shown;
  g_autoptr(SheathMorphometrics) full = NULL;
  g_autoptr(GError) error = NULL;
  double area_shown = 0, area_full = 0;

  sheath_document_flush_edits (sheath_page_get_document (page));
  shown = sheath_document_get_morphometrics (sheath_page_get_document (page));
  g_assert_nonnull (shown);
  full = sheath_morphometrics_compute (sheath_document_get_segmentation (sheath_page_get_document (page)),
                                       sheath_morphometrics_get_pixel_size (shown),
                                       SHEATH_AXON_SHAPE_CIRCLE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (shown), ==, sheath_morphometrics_get_n_axons (full));
  {
    GtkWidget *panel = gui_find_descendant (GTK_WIDGET (page), SHEATH_TYPE_MORPHOMETRICS_PANEL);
    g_assert_cmpuint (sheath_morphometrics_panel_get_n_rows (SHEATH_MORPHOMETRICS_PANEL (panel)), ==,
                      sheath_morphometrics_get_n_axons (full));
  }
  for (guint i = 0; i < sheath_morphometrics_get_n_axons (full); i++)
    {
      area_shown += sheath_morphometrics_get_axon (shown, i)->axon_area;
      area_full += sheath_morphometrics_get_axon (full, i)->axon_area;
    }
  g_assert_cmpfloat_with_epsilon (area_shown, area_full, 1e-6 * area_full);
}

static void
test_editor_paint_erase_undo (void)
{
  SheathPage *page;
  SheathWindow *window;
  g_autoptr(GBytes) before = NULL, painted = NULL, erased = NULL;
  guint w;

  if (!have_shared_image ())
    {
      g_test_skip ("shared test data missing (set SHEATH_SHARED_DIR)");
      return;
    }
  window = open_with_masks (&page);
  w = sheath_image_get_width (sheath_document_get_image (sheath_page_get_document (page)));
  before = labels_of (page);
  g_assert_false (sheath_document_get_modified (sheath_page_get_document (page)));

  /* a 10-pixel axon brush dragged along a row */
  choose (page, "edit.tool", "brush");
  choose (page, "edit.paint-class", "axon");
  g_object_set (sheath_page_get_tools (page), "brush-size", 10.0, "brush-in-um", FALSE, NULL);
  drag (page, 100.5, 100.5, 160.5, 100.5);
  painted = labels_of (page);
  {
    g_autoptr(GBytes) expected = with_capsule (before, w, 100.5, 100.5, 160.5, 100.5, 5, SHEATH_LABEL_AXON);
    g_assert_true (g_bytes_equal (painted, expected));
  }
  g_assert_true (sheath_document_get_modified (sheath_page_get_document (page)));
  assert_measured (page);

  /* the eraser takes the axon class back out along the same path */
  choose (page, "edit.tool", "eraser");
  drag (page, 100.5, 100.5, 160.5, 100.5);
  erased = labels_of (page);
  {
    g_autoptr(GBytes) expected = with_capsule (painted, w, 100.5, 100.5, 160.5, 100.5, 5, SHEATH_LABEL_BACKGROUND);
    g_assert_true (g_bytes_equal (erased, expected));
  }

  /* X swaps the class: the eraser on myelin leaves these pixels alone */
  choose (page, "edit.swap-class", NULL);
  g_assert_cmpint (sheath_edit_tools_get_paint_class (sheath_page_get_tools (page)), ==, SHEATH_LABEL_MYELIN);

  /* Ctrl+Z twice, Ctrl+Shift+Z once */
  choose (page, "edit.undo", NULL);
  {
    g_autoptr(GBytes) now = labels_of (page);
    g_assert_true (g_bytes_equal (now, painted));
  }
  choose (page, "edit.undo", NULL);
  {
    g_autoptr(GBytes) now = labels_of (page);
    g_assert_true (g_bytes_equal (now, before));
  }
  choose (page, "edit.redo", NULL);
  {
    g_autoptr(GBytes) now = labels_of (page);
    g_assert_true (g_bytes_equal (now, painted));
  }
  assert_measured (page);

  /* the view still zooms and pans with a tool active */
  choose (page, "edit.tool", "brush");
  {
    SheathViewer *viewer = sheath_page_get_viewer (page);
    double zoom = sheath_viewer_get_zoom (viewer);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.zoom", "s", "in"));
    g_assert_cmpfloat (sheath_viewer_get_zoom (viewer), >, zoom);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.pan", "(ii)", 1, 0));
  }

  sheath_document_discard_edits (sheath_page_get_document (page));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_editor_fill_and_lasso (void)
{
  SheathPage *page;
  SheathWindow *window;
  SheathSegmentation *seg;
  guint64 axon_before;
  SheathLabel left_of;

  if (!have_shared_image ())
    {
      g_test_skip ("shared test data missing (set SHEATH_SHARED_DIR)");
      return;
    }
  window = open_with_masks (&page);
  seg = sheath_document_get_segmentation (sheath_page_get_document (page));
  left_of = sheath_segmentation_get_label (seg, 299, 320);

  /* a lasso of myelin, 40 × 40, and a hole erased in its middle */
  choose (page, "edit.tool", "lasso");
  choose (page, "edit.paint-class", "myelin");
  {
    SheathViewer *viewer = sheath_page_get_viewer (page);
    const double corners[] = { 300, 300, 340, 300, 340, 340, 300, 340 };

    g_signal_emit_by_name (viewer, "edit-begin", corners[0], corners[1]);
    for (guint i = 1; i < 4; i++)
      g_signal_emit_by_name (viewer, "edit-motion", corners[2 * i], corners[2 * i + 1]);
    g_signal_emit_by_name (viewer, "edit-end", corners[6], corners[7]);
  }
  for (guint y = 300; y < 340; y++)
    for (guint x = 300; x < 340; x++)
      g_assert_cmpint (sheath_segmentation_get_label (seg, x, y), ==, SHEATH_LABEL_MYELIN);
  g_assert_cmpint (sheath_segmentation_get_label (seg, 299, 320), ==, left_of);

  choose (page, "edit.tool", "eraser");
  g_object_set (sheath_page_get_tools (page), "brush-size", 12.0, NULL);
  drag (page, 320.5, 320.5, 320.5, 320.5);
  g_assert_cmpint (sheath_segmentation_get_label (seg, 320, 320), ==, SHEATH_LABEL_BACKGROUND);

  /* the bucket fills the closed hole with axon: 113 pixels, a disc of 6 */
  axon_before = sheath_segmentation_count (seg, SHEATH_LABEL_AXON);
  choose (page, "edit.tool", "fill");
  choose (page, "edit.paint-class", "axon");
  drag (page, 320.5, 320.5, 320.5, 320.5);
  g_assert_cmpuint (sheath_segmentation_count (seg, SHEATH_LABEL_AXON) - axon_before, ==, 113);
  assert_measured (page);

  /* undo takes the fill back in one step */
  choose (page, "edit.undo", NULL);
  g_assert_cmpuint (sheath_segmentation_count (seg, SHEATH_LABEL_AXON), ==, axon_before);

  sheath_document_discard_edits (sheath_page_get_document (page));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Click an axon in the viewer with the select tool, as a user would. */
static void
click (SheathPage  *page,
       double           x,
       double           y,
       GdkModifierType  state)
{
  g_signal_emit_by_name (sheath_page_get_viewer (page), "clicked", (int) x, (int) y, state);
}

static void
test_editor_delete_split_merge (void)
{
  SheathPage *page;
  SheathWindow *window;
  SheathMorphometrics *m;
  SheathAxon big = { 0 };
  guint n, id, left, right;
  double x, y;

  if (!have_shared_image ())
    {
      g_test_skip ("shared test data missing (set SHEATH_SHARED_DIR)");
      return;
    }
  window = open_with_masks (&page);
  m = sheath_document_get_morphometrics (sheath_page_get_document (page));
  n = sheath_morphometrics_get_n_axons (m);

  /* delete the 10th axon: one fewer, its pixels background */
  choose (page, "edit.tool", "pan");
  x = sheath_morphometrics_get_axon (m, 9)->x0;
  y = sheath_morphometrics_get_axon (m, 9)->y0;
  id = sheath_morphometrics_get_axon_at (m, (guint) x, (guint) y);
  g_assert_cmpuint (id, !=, 0);
  {
    /* zoomed in, clicking an axon selects it where it is: the view stays */
    SheathViewer *viewer = sheath_page_get_viewer (page);
    double ox, oy, ox2, oy2;

    sheath_viewer_set_zoom (viewer, 4);
    sheath_viewer_center_on (viewer, x + 40, y + 30);
    sheath_viewer_get_origin (viewer, &ox, &oy);
    click (page, x, y, 0);
    sheath_viewer_get_origin (viewer, &ox2, &oy2);
    g_assert_cmpfloat (ox2, ==, ox);
    g_assert_cmpfloat (oy2, ==, oy);
    sheath_viewer_zoom_to_fit (viewer);
  }
  choose (page, "doc.delete-axon", NULL);
  m = sheath_document_get_morphometrics (sheath_page_get_document (page));
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (m), ==, n - 1);
  g_assert_cmpint (sheath_segmentation_get_label (sheath_document_get_segmentation (sheath_page_get_document (page)), (guint) x, (guint) y), ==,
                   SHEATH_LABEL_BACKGROUND);
  assert_measured (page);
  /* nothing is selected after the delete: a second Delete removes no
   * axon the user never chose (ids move as axons go) */
  gtk_widget_activate_action (GTK_WIDGET (page), "doc.delete-axon", NULL);
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (sheath_document_get_morphometrics (sheath_page_get_document (page))), ==, n - 1);

  /* cut the largest axon away from the edge in two across its centre */
  for (guint i = 0; i < sheath_morphometrics_get_n_axons (m); i++)
    {
      const SheathAxon *a = sheath_morphometrics_get_axon (m, i);
      if (!a->image_border_touching && a->axon_area > big.axon_area)
        big = *a;
    }
  choose (page, "edit.tool", "cut");
  drag (page, floor (big.x0) + 0.5, big.bbox_min_y - 1, floor (big.x0) + 0.5, big.bbox_max_y + 1);
  sheath_document_flush_edits (sheath_page_get_document (page));
  m = sheath_document_get_morphometrics (sheath_page_get_document (page));
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (m), ==, n);
  left = sheath_morphometrics_get_axon_at (m, (guint) big.x0 - 3, (guint) big.y0);
  right = sheath_morphometrics_get_axon_at (m, (guint) big.x0 + 3, (guint) big.y0);
  g_assert_cmpuint (left, !=, 0);
  g_assert_cmpuint (right, !=, 0);
  g_assert_cmpuint (left, !=, right);
  assert_measured (page);

  /* click one half, Ctrl+click the other, merge: one axon again */
  choose (page, "edit.tool", "pan");
  click (page, big.x0 - 3, big.y0, 0);
  click (page, big.x0 + 3, big.y0, GDK_CONTROL_MASK);
  choose (page, "doc.merge-axons", NULL);
  m = sheath_document_get_morphometrics (sheath_page_get_document (page));
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (m), ==, n - 1);
  g_assert_cmpuint (sheath_morphometrics_get_axon_at (m, (guint) big.x0 - 3, (guint) big.y0), ==,
                    sheath_morphometrics_get_axon_at (m, (guint) big.x0 + 3, (guint) big.y0));
  assert_measured (page);
  /* and nothing is left selected after a merge either */
  gtk_widget_activate_action (GTK_WIDGET (page), "doc.delete-axon", NULL);
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (sheath_document_get_morphometrics (sheath_page_get_document (page))), ==, n - 1);

  sheath_document_discard_edits (sheath_page_get_document (page));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A histogram bin filters the table: the filter is said above the table
 * with Show All, and no axon stays selected for Delete once it changes. */
static void
test_editor_bin_filter (void)
{
  SheathPage *page;
  SheathWindow *window;
  SheathMorphometrics *m;
  GtkWidget *panel, *plot;
  const SheathAxon *a;
  guint n;

  if (!have_shared_image ())
    {
      g_test_skip ("shared test data missing (set SHEATH_SHARED_DIR)");
      return;
    }
  window = open_with_masks (&page);
  m = sheath_document_get_morphometrics (sheath_page_get_document (page));
  panel = gui_find_descendant (GTK_WIDGET (page), SHEATH_TYPE_MORPHOMETRICS_PANEL);
  plot = gui_find_descendant (panel, SHEATH_TYPE_PLOT);   /* the diameters */
  n = sheath_morphometrics_panel_get_n_rows (SHEATH_MORPHOMETRICS_PANEL (panel));

  choose (page, "edit.tool", "pan");
  a = sheath_morphometrics_get_axon (m, 9);
  g_assert_false (gui_shows_text (panel, "Showing the"));
  /* a density of tens of thousands per mm², its thousands grouped */
  g_assert_true (gui_shows_text (panel, "\u202f"));

  /* an axon clicked, then a bin: the filter is said above the table, and
   * Delete has nothing to act on */
  click (page, a->x0, a->y0, 0);
  g_signal_emit_by_name (plot, "bin-selected", 0.5, 1.5);
  g_assert_true (gui_shows_text (panel, "Showing the"));
  g_assert_cmpuint (sheath_morphometrics_panel_get_n_rows (SHEATH_MORPHOMETRICS_PANEL (panel)), <, n);
  gtk_widget_activate_action (GTK_WIDGET (page), "doc.delete-axon", NULL);
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (sheath_document_get_morphometrics (sheath_page_get_document (page))), ==, n);

  /* the same once the filter is cleared with Show All */
  click (page, a->x0, a->y0, 0);
  gtk_widget_activate_action (panel, "panel.clear-filter", NULL);
  g_assert_cmpuint (sheath_morphometrics_panel_get_n_rows (SHEATH_MORPHOMETRICS_PANEL (panel)), ==, n);
  gtk_widget_activate_action (GTK_WIDGET (page), "doc.delete-axon", NULL);
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (sheath_document_get_morphometrics (sheath_page_get_document (page))), ==, n);

  sheath_document_discard_edits (sheath_page_get_document (page));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Flags: the table filtered by one, the flagged axons outlined, and the
 * review mode stepping through them: Accept goes on, Delete deletes the
 * axon under review (the measurements follow) and the review goes on with
 * the next, Done ends it. */
static void
test_editor_review_flagged (void)
{
  SheathPage *page;
  SheathWindow *window;
  SheathDocument *doc;
  SheathMorphometrics *m;
  SheathReviewBar *bar;
  GtkWidget *panel, *flag_filter;
  guint n, flagged = 0, first, second, n_selected;
  const guint *selected;

  if (!have_shared_image ())
    {
      g_test_skip ("shared test data missing (set SHEATH_SHARED_DIR)");
      return;
    }
  window = open_with_masks (&page);
  doc = sheath_page_get_document (page);
  m = sheath_document_get_morphometrics (doc);
  panel = gui_find_descendant (GTK_WIDGET (page), SHEATH_TYPE_MORPHOMETRICS_PANEL);
  flag_filter = gui_find_descendant (panel, GTK_TYPE_DROP_DOWN);
  bar = SHEATH_REVIEW_BAR (gui_find_descendant (GTK_WIDGET (page), SHEATH_TYPE_REVIEW_BAR));
  n = sheath_morphometrics_get_n_axons (m);
  for (guint i = 0; i < n; i++)
    flagged += sheath_morphometrics_get_axon (m, i)->flags != SHEATH_AXON_FLAG_NONE;
  g_test_message ("%u of %u axons flagged", flagged, n);
  g_assert_cmpuint (flagged, >, 2);
  g_assert_cmpuint (flagged, <, n);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (bar)));

  /* "Flagged" in the table: only those rows, said above it */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (flag_filter), 1);
  g_assert_cmpuint (sheath_morphometrics_panel_get_n_rows (SHEATH_MORPHOMETRICS_PANEL (panel)), ==, flagged);
  g_assert_true (gui_shows_text (panel, "Showing the"));

  /* review: the first flagged axon, selected */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "doc.review-flagged", NULL));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (bar)));
  first = sheath_review_bar_get_axon (bar);
  g_assert_cmpuint (first, >, 0);
  g_assert_cmpuint (sheath_morphometrics_get_axon (m, first - 1)->flags, !=, SHEATH_AXON_FLAG_NONE);
  selected = sheath_document_get_selection (doc, &n_selected);
  g_assert_cmpuint (n_selected, ==, 1);
  g_assert_cmpuint (selected[0], ==, first);

  /* Accept: the next one */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (bar), "review.accept", NULL));
  second = sheath_review_bar_get_axon (bar);
  g_assert_cmpuint (second, >, first);
  g_assert_true (gui_shows_text (GTK_WIDGET (bar), "flagged axons to review"));

  /* Delete: one axon fewer, measured again, and the review goes on */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (bar), "review.delete", NULL));
  m = sheath_document_get_morphometrics (doc);
  g_assert_cmpuint (sheath_morphometrics_get_n_axons (m), ==, n - 1);
  g_assert_cmpuint (sheath_document_get_aggregates (doc)->n_axons, <, n);
  g_assert_cmpuint (sheath_review_bar_get_axon (bar), >, 0);
  g_assert_cmpuint (sheath_morphometrics_get_axon (m, sheath_review_bar_get_axon (bar) - 1)->flags, !=,
                    SHEATH_AXON_FLAG_NONE);

  /* Done */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (bar), "review.done", NULL));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (bar)));
  g_assert_cmpuint (sheath_review_bar_get_axon (bar), ==, 0);

  sheath_document_discard_edits (doc);
  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  SheathViewer *viewer;
  double        was;
} ZoomWait;

static gboolean
zoom_changed (gpointer data)
{
  ZoomWait *wait = data;

  return sheath_viewer_get_zoom (wait->viewer) != wait->was;
}

/* A fitted image is fitted again when the panel takes room beside it; one
 * the user zoomed keeps its zoom. */
static void
test_editor_refit_with_panel (void)
{
  SheathPage *page;
  SheathWindow *window;
  SheathViewer *viewer;
  double zoom;

  if (!have_shared_image ())
    {
      g_test_skip ("shared test data missing (set SHEATH_SHARED_DIR)");
      return;
    }
  window = open_with_masks (&page);
  viewer = sheath_page_get_viewer (page);
  sheath_page_set_panel_visible (page, FALSE);
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
  sheath_viewer_zoom_to_fit (viewer);
  zoom = sheath_viewer_get_zoom (viewer);

  sheath_page_set_panel_visible (page, TRUE);
  {
    ZoomWait wait = { viewer, zoom };

    g_assert_true (gui_wait_until (zoom_changed, &wait, 5000));
  }
  g_assert_cmpfloat (sheath_viewer_get_zoom (viewer), <, zoom);

  /* zoomed by the user: the panel going away leaves the zoom alone */
  sheath_viewer_set_zoom (viewer, 2.0);
  sheath_page_set_panel_visible (page, FALSE);
  for (guint i = 0; i < 100; i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
  g_assert_cmpfloat (sheath_viewer_get_zoom (viewer), ==, 2.0);

  sheath_document_discard_edits (sheath_page_get_document (page));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* At its default 1200 × 800, the window keeps its size when an image
 * opens with its masks, toolbar and measurements. */
static void
test_editor_window_keeps_its_size (void)
{
  SheathPage *page;
  SheathWindow *window;
  int width, height;

  if (!have_shared_image ())
    {
      g_test_skip ("shared test data missing (set SHEATH_SHARED_DIR)");
      return;
    }
  window = open_with_masks (&page);
  sheath_page_set_panel_visible (page, TRUE);
  for (guint i = 0; i < 100; i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_test_message ("default %d × %d, allocated %d × %d", width, height,
                  gtk_widget_get_width (GTK_WIDGET (window)), gtk_widget_get_height (GTK_WIDGET (window)));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 1200);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (window)), <=, 800);
  {
    GtkWidget *table = gui_find_descendant (GTK_WIDGET (page), GTK_TYPE_COLUMN_VIEW);
    GtkWidget *export = gui_find_button (GTK_WIDGET (page), "Export Table…");
    graphene_rect_t bounds;

    g_test_message ("table %d px high", gtk_widget_get_height (gtk_widget_get_parent (table)));
    /* the panel's own scroller: what it shows without scrolling */
    GtkWidget *scroller = gtk_widget_get_ancestor (gtk_widget_get_parent (gtk_widget_get_ancestor (export, SHEATH_TYPE_MORPHOMETRICS_PANEL)),
                                                   GTK_TYPE_SCROLLED_WINDOW);

    g_assert_true (gtk_widget_compute_bounds (export, scroller, &bounds));
    g_test_message ("Export Table… at y %.0f–%.0f of the panel's %d", bounds.origin.y,
                    bounds.origin.y + bounds.size.height, gtk_widget_get_height (scroller));
    /* the table shows several rows, and its buttons need no scrolling */
    g_assert_cmpint (gtk_widget_get_height (gtk_widget_get_parent (table)), >=, 150);
    g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, gtk_widget_get_height (scroller));
  }
  sheath_document_discard_edits (sheath_page_get_document (page));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
recovery_written (gpointer data)
{
  g_autoptr(SheathRecovery) recovery = sheath_recovery_new_default ();

  return sheath_recovery_has (recovery, data);
}

static gboolean
dialog_shown (gpointer heading)
{
  return gui_find_message_dialog_headed (heading) != NULL;
}

static gboolean
restored (gpointer window)
{
  SheathSegmentation *seg = sheath_window_get_segmentation (window);

  return seg != NULL && sheath_segmentation_count (seg, SHEATH_LABEL_AXON) > 0 &&
         sheath_document_get_modified (sheath_page_get_document (current_page (window)));
}

/* The child: paint, wait for the recovery file, and die as a crash would. */
static void
edit_and_get_killed (void)
{
  g_autofree char *image = test_shared_path (IMAGE, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (image);
  SheathPage *page;

  open_with_masks (&page);
  choose (page, "edit.tool", "brush");
  choose (page, "edit.paint-class", "myelin");
  g_object_set (sheath_page_get_tools (page), "brush-size", 16.0, NULL);
  drag (page, 200.5, 400.5, 400.5, 420.5);
  g_assert_true (gui_wait_until (recovery_written, file, 20000));
  kill (getpid (), SIGKILL);
}

static void
test_editor_killed_and_restored (void)
{
  g_autofree char *image = test_shared_path (IMAGE, NULL);
  g_autofree char *masks = test_shared_path (MASKS, NULL);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) expected = NULL, now = NULL;
  AdwMessageDialog *dialog;
  SheathWindow *window;

  if (g_test_subprocess ())
    {
      edit_and_get_killed ();
      return;
    }
  if (!have_shared_image ())
    {
      g_test_skip ("shared test data missing (set SHEATH_SHARED_DIR)");
      return;
    }

  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_failed ();   /* killed, not finished */

  /* what the child had on screen: the manual masks and its stroke */
  {
    g_autoptr(GFile) af = g_file_new_for_path (masks);
    g_autoptr(GString) myelin_path = g_string_new (masks);
    g_autoptr(GFile) mf = NULL;
    g_autoptr(SheathSegmentation) seg = NULL;
    g_autoptr(SheathMaskEditor) editor = NULL;
    g_autoptr(GError) error = NULL;

    g_string_replace (myelin_path, "_seg-axon", "_seg-myelin", 1);
    mf = g_file_new_for_path (myelin_path->str);
    seg = sheath_segmentation_new_from_masks (af, mf, &error);
    g_assert_no_error (error);
    editor = sheath_mask_editor_new (seg);
    sheath_mask_editor_begin_stroke (editor);
    for (guint i = 0; i < 4; i++)
      sheath_mask_editor_stroke_to (editor, 200.5 + 50.0 * i, 400.5 + 5.0 * i, 200.5 + 50.0 * (i + 1),
                                    400.5 + 5.0 * (i + 1), 8, SHEATH_LABEL_MYELIN, SHEATH_BRUSH_PAINT);
    sheath_mask_editor_end_stroke (editor);
    expected = sheath_segmentation_dup_labels (seg);
  }

  /* the next start offers the edits back */
  file = g_file_new_for_path (image);
  window = gui_new_window ();
  g_assert_true (sheath_window_offer_recovery (window));
  g_assert_true (gui_wait_until (dialog_shown, "Restore Unsaved Edits?", 10000));
  dialog = gui_find_message_dialog_headed ("Restore Unsaved Edits?");
  adw_message_dialog_response (dialog, "restore");
  g_assert_true (gui_wait_until (restored, window, 30000));
  now = sheath_segmentation_dup_labels (sheath_window_get_segmentation (window));
  g_assert_true (g_bytes_equal (now, expected));

  /* closing asks; discarding removes the recovery file */
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (gui_wait_until (dialog_shown, "Save the Edited Masks?", 10000));
  adw_message_dialog_response (gui_find_message_dialog_headed ("Save the Edited Masks?"), "discard");
  g_assert_false (recovery_written (file));
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sheath_recovery_save_finish (SHEATH_RECOVERY (object), result, &error));
  g_assert_no_error (error);
  *(gboolean *) data = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* Recovered masks that do not fit the image, or that were cut short, are
 * refused with a message: the image opens without them, nothing crashes. */
static void
test_editor_damaged_recovery (void)
{
  g_autofree char *image = test_shared_path (IMAGE, NULL);
  g_autoptr(GFile) file = NULL;
  g_autoptr(SheathRecovery) recovery = sheath_recovery_new_default ();
  g_autoptr(SheathSegmentation) small = sheath_segmentation_new (10, 10);
  SheathWindow *window;
  SheathPage *page;
  gboolean saved = FALSE;

  if (!have_shared_image ())
    {
      g_test_skip ("shared test data missing (set SHEATH_SHARED_DIR)");
      return;
    }
  file = g_file_new_for_path (image);

  /* masks of another size */
  sheath_recovery_save_async (recovery, file, small, NULL, saved_cb, &saved);
  g_assert_true (gui_wait_until (is_true, &saved, 10000));
  window = gui_new_window ();
  page = sheath_window_open (window, file);
  sheath_document_restore_edits (sheath_page_get_document (page));
  g_assert_true (gui_wait_until (has_image, window, 20000));
  /* said, not silently dropped */
  g_assert_true (gui_wait_for_text (GTK_WIDGET (window), "could not be restored", 10000));
  g_assert_null (sheath_document_get_segmentation (sheath_page_get_document (page)));
  g_assert_false (sheath_document_get_modified (sheath_page_get_document (page)));
  gtk_window_destroy (GTK_WINDOW (window));

  /* a mask file cut short */
  {
    g_autofree char *dir = g_build_filename (g_get_user_state_dir (), "sheath", "recovery", NULL);
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (listing)) != NULL)
      if (g_str_has_suffix (name, "_seg-axon.png"))
        {
          g_autofree char *path = g_build_filename (dir, name, NULL);
          g_assert_true (g_file_set_contents (path, "\x89PNG\r\n\x1a\n", 8, NULL));
        }
  }
  window = gui_new_window ();
  page = sheath_window_open (window, file);
  sheath_document_restore_edits (sheath_page_get_document (page));
  g_assert_true (gui_wait_until (has_image, window, 20000));
  g_assert_true (gui_wait_for_text (GTK_WIDGET (window), "could not be restored", 10000));
  g_assert_null (sheath_document_get_segmentation (sheath_page_get_document (page)));
  gtk_window_destroy (GTK_WINDOW (window));
  sheath_recovery_discard (recovery, file);
  g_assert_false (sheath_recovery_has (recovery, file));
}

int
main (int   argc,
      char *argv[])
{
  /* recovery files and recent files go here, not into the user's; a
   * subprocess inherits the parent's */
  if (g_getenv ("SHEATH_TEST_STATE_DIRS") == NULL)
    {
      g_autofree char *state = g_dir_make_tmp ("sheath-test-state-XXXXXX", NULL);
      g_autofree char *data = g_dir_make_tmp ("sheath-test-data-XXXXXX", NULL);

      g_assert_nonnull (state);
      g_assert_nonnull (data);
      g_setenv ("XDG_STATE_HOME", state, TRUE);
      g_setenv ("XDG_DATA_HOME", data, TRUE);
      g_setenv ("SHEATH_TEST_STATE_DIRS", "1", TRUE);
    }
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/Sheath/Editor/paint-erase-undo", test_editor_paint_erase_undo);
  g_test_add_func ("/Sheath/Editor/fill-and-lasso", test_editor_fill_and_lasso);
  g_test_add_func ("/Sheath/Editor/delete-split-merge", test_editor_delete_split_merge);
  g_test_add_func ("/Sheath/Editor/bin-filter", test_editor_bin_filter);
  g_test_add_func ("/Sheath/Editor/review-flagged", test_editor_review_flagged);
  g_test_add_func ("/Sheath/Editor/refit-with-panel", test_editor_refit_with_panel);
  g_test_add_func ("/Sheath/Editor/window-keeps-its-size", test_editor_window_keeps_its_size);
  g_test_add_func ("/Sheath/Editor/killed-and-restored", test_editor_killed_and_restored);
  g_test_add_func ("/Sheath/Editor/damaged-recovery", test_editor_damaged_recovery);

  return g_test_run ();
}
