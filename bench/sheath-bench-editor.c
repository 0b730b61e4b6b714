/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Latency of mask editing on a large mask: each segment of a brush stroke
 * (what one pointer motion event paints), the end of a stroke (saving its
 * tiles for undo), undo and redo. Strokes wander over the mask as a user's
 * hand does, painting axon and myelin in turn; every fifth one erases.
 *
 *   sheath-bench-editor [SIZE [RADIUS_PX [STROKES]]]   (default 16384 10 200) */

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include <sheath.h>

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
report (const char *what,
        GArray     *ms)
{
  g_array_sort (ms, compare_doubles);
  g_print ("%-22s n %5u  median %7.3f ms  p95 %7.3f ms  max %7.3f ms\n", what, ms->len,
           g_array_index (ms, double, ms->len / 2),
           g_array_index (ms, double, (guint) (ms->len * 0.95)),
           g_array_index (ms, double, ms->len - 1));
}

int
main (int   argc,
      char *argv[])
{
  guint size = argc > 1 ? (guint) atoi (argv[1]) : 16384;
  double radius = argc > 2 ? atof (argv[2]) : 10;
  guint n_strokes = argc > 3 ? (guint) atoi (argv[3]) : 200;
  g_autoptr(SheathSegmentation) seg = NULL;
  g_autoptr(SheathMaskEditor) editor = NULL;
  g_autoptr(GArray) seg_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) end_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) undo_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) redo_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GRand) rng = g_rand_new_with_seed (7);

  if (size < 256 || radius <= 0 || n_strokes == 0)
    {
      g_printerr ("usage: sheath-bench-editor [SIZE>=256 [RADIUS_PX>0 [STROKES>0]]]\n");
      return 2;
    }

  seg = sheath_segmentation_new (size, size);
  editor = sheath_mask_editor_new (seg);

  for (guint s = 0; s < n_strokes; s++)
    {
      /* 60 motion events of 2–8 px each, as a drag at a few hundred px/s */
      double x = 1000 + g_rand_double (rng) * (size - 2000);
      double y = 1000 + g_rand_double (rng) * (size - 2000);
      double heading = g_rand_double (rng) * 2 * G_PI;
      SheathLabel label = s % 2 ? SHEATH_LABEL_MYELIN : SHEATH_LABEL_AXON;
      SheathBrushMode mode = s % 5 == 4 ? SHEATH_BRUSH_ERASE : SHEATH_BRUSH_PAINT;
      gint64 t0;

      sheath_mask_editor_begin_stroke (editor);
      for (guint e = 0; e < 60; e++)
        {
          double step = 2 + 6 * g_rand_double (rng);
          double nx, ny;

          heading += (g_rand_double (rng) - 0.5) * 0.6;
          nx = x + step * cos (heading);
          ny = y + step * sin (heading);
          t0 = g_get_monotonic_time ();
          sheath_mask_editor_stroke_to (editor, x, y, nx, ny, radius, label, mode);
          g_array_append_val (seg_ms, ((double) { (g_get_monotonic_time () - t0) / 1000.0 }));
          x = nx;
          y = ny;
        }
      t0 = g_get_monotonic_time ();
      sheath_mask_editor_end_stroke (editor);
      g_array_append_val (end_ms, ((double) { (g_get_monotonic_time () - t0) / 1000.0 }));
    }

  for (guint s = 0; s < n_strokes; s++)
    {
      gint64 t0 = g_get_monotonic_time ();

      if (!sheath_mask_editor_undo (editor))
        break;
      g_array_append_val (undo_ms, ((double) { (g_get_monotonic_time () - t0) / 1000.0 }));
    }
  for (guint s = 0; s < undo_ms->len; s++)
    {
      gint64 t0 = g_get_monotonic_time ();

      sheath_mask_editor_redo (editor);
      g_array_append_val (redo_ms, ((double) { (g_get_monotonic_time () - t0) / 1000.0 }));
    }

  g_print ("mask %u x %u, brush radius %.1f px, %u strokes of 60 segments\n", size, size, radius, n_strokes);
  report ("stroke segment", seg_ms);
  report ("end of stroke", end_ms);
  report ("undo (one stroke)", undo_ms);
  report ("redo (one stroke)", redo_ms);
  g_print ("undo history: %.1f MB for %u strokes (the mask: %.1f MB)\n",
           sheath_mask_editor_get_history_bytes (editor) / 1e6, n_strokes, (double) size * size / 1e6);
  g_print ("target: stroke segment < 16 ms\n");

  /* Measurements after an edit: the image tiled with fibres, measured
   * once in full, then brought up to date after each of 20 strokes. */
  {
    g_autoptr(SheathSegmentation) fibres = sheath_segmentation_new (size, size);
    g_autoptr(SheathMaskEditor) fibre_editor = sheath_mask_editor_new (fibres);
    g_autoptr(SheathMorphometrics) m = NULL;
    g_autoptr(GArray) update_ms = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) aggregate_ms = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GError) error = NULL;
    gint64 t0;
    double full_s;

    for (guint y = 20; y + 20 < size; y += 40)
      for (guint x = 20; x + 20 < size; x += 40)
        for (int dy = -16; dy <= 16; dy++)
          for (int dx = -16; dx <= 16; dx++)
            {
              int r2 = dx * dx + dy * dy;
              if (r2 <= 16 * 16)
                sheath_segmentation_set_label (fibres, x + dx, y + dy, r2 <= 10 * 10 ? SHEATH_LABEL_AXON : SHEATH_LABEL_MYELIN);
            }
    t0 = g_get_monotonic_time ();
    m = sheath_morphometrics_compute (fibres, 0.1, SHEATH_AXON_SHAPE_CIRCLE, NULL, &error);
    if (m == NULL)
      g_error ("%s", error->message);
    full_s = (g_get_monotonic_time () - t0) / 1e6;

    for (guint s = 0; s < 20; s++)
      {
        double x = 1000 + g_rand_double (rng) * (size - 2000);
        double y = 1000 + g_rand_double (rng) * (size - 2000);
        g_autoptr(GArray) changed = NULL;
        g_autoptr(SheathAggregates) agg = NULL;

        sheath_mask_editor_begin_stroke (fibre_editor);
        sheath_mask_editor_stroke_to (fibre_editor, x, y, x + 30, y + 10, radius, SHEATH_LABEL_AXON, SHEATH_BRUSH_PAINT);
        sheath_mask_editor_end_stroke (fibre_editor);
        t0 = g_get_monotonic_time ();
        changed = sheath_morphometrics_update (m, fibres, (guint) (x - radius - 1), (guint) (y - radius - 1),
                                               (guint) (30 + 2 * radius + 3), (guint) (10 + 2 * radius + 3), &error);
        if (changed == NULL)
          g_error ("%s", error->message);
        g_array_append_val (update_ms, ((double) { (g_get_monotonic_time () - t0) / 1000.0 }));
        t0 = g_get_monotonic_time ();
        agg = sheath_aggregates_compute (m, NULL, FALSE, 1.0, &error);
        g_array_append_val (aggregate_ms, ((double) { (g_get_monotonic_time () - t0) / 1000.0 }));
      }
    g_print ("measurements: %u axons measured in full in %.1f s; after a stroke:\n",
             sheath_morphometrics_get_n_axons (m), full_s);
    report ("update (edited axons)", update_ms);
    report ("aggregates (all)", aggregate_ms);
  }
  return 0;
}
