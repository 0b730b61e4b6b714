/* SPDX-License-Identifier: GPL-3.0-or-later */

/* For bench/app: opens an image in the app's window, prints the monotonic
 * time of the first frame that shows it (and of the first that shows the
 * rows decoded so far, for a large image), then pans at 1:1 across it and
 * prints how long each frame took to lay out and paint.
 *
 *   sheath-bench-app IMAGE PIXEL_SIZE FRAMES */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "sheath-viewer.h"
#include "sheath-window.h"
#include "gui-test-util.h"

typedef struct
{
  SheathWindow *window;
  GtkWidget    *viewer;
  gboolean      shown;
  gboolean      previewed;
  gint64        first_preview;
  gint64        first_frame;
  gint64        frame_start;
  guint         frames;
  guint         wanted;
  GArray       *durations;
  gboolean      panning;
} Bench;

static void
update_cb (GdkFrameClock *clock,
           Bench         *b)
{
  b->frame_start = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                Bench         *b)
{
  gint64 now = g_get_monotonic_time ();

  /* the viewer comes with the image's tab */
  if (b->viewer == NULL)
    b->viewer = gui_find_descendant (GTK_WIDGET (b->window), SHEATH_TYPE_VIEWER);
  if (!b->previewed && b->viewer && sheath_viewer_get_showing_preview (SHEATH_VIEWER (b->viewer)))
    {
      b->previewed = TRUE;
      b->first_preview = now;
    }
  if (!b->shown && b->viewer && sheath_viewer_get_image (SHEATH_VIEWER (b->viewer)) != NULL)
    {
      b->shown = TRUE;
      b->first_frame = now;
      return;
    }
  if (b->panning)
    {
      double ms = (now - b->frame_start) / 1000.0;
      g_array_append_val (b->durations, ms);
      b->frames++;
    }
}

static gboolean
pan_tick (GtkWidget     *widget,
          GdkFrameClock *clock,
          gpointer       data)
{
  Bench *b = data;

  if (b->frames >= b->wanted)
    return G_SOURCE_REMOVE;
  gtk_widget_activate_action (widget, "viewer.pan", "(ii)", 1, (b->frames / 40) % 2);
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static int
compare (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SheathApplication) app = NULL;
  g_autoptr(GFile) file = NULL;
  Bench b = { 0 };
  GdkFrameClock *clock;
  gint64 start = g_get_monotonic_time ();

  if (argc != 4)
    {
      fprintf (stderr, "usage: %s IMAGE PIXEL_SIZE FRAMES\n", argv[0]);
      return 2;
    }
  /* as the app has them, for the recent files it records */
  g_set_prgname ("sheath");
  g_set_application_name ("Sheath");
  gtk_init ();
  adw_init ();
  app = sheath_application_new ();
  g_application_register (G_APPLICATION (app), NULL, NULL);
  b.window = sheath_window_new (app);
  b.wanted = atoi (argv[3]);
  b.durations = g_array_new (FALSE, FALSE, sizeof (double));
  gtk_window_set_default_size (GTK_WINDOW (b.window), 1200, 800);
  gtk_window_present (GTK_WINDOW (b.window));
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (b.window));
  g_signal_connect (clock, "update", G_CALLBACK (update_cb), &b);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &b);

  file = g_file_new_for_commandline_arg (argv[1]);
  sheath_window_open (b.window, file);
  while (!b.shown)
    g_main_context_iteration (NULL, TRUE);
  if (b.previewed)
    printf ("first_preview_seconds %.3f\n", (b.first_preview - start) / 1e6);
  printf ("first_frame_seconds %.3f\n", (b.first_frame - start) / 1e6);

  sheath_viewer_set_zoom (SHEATH_VIEWER (b.viewer), 1.0);
  b.panning = TRUE;
  gtk_widget_add_tick_callback (b.viewer, pan_tick, &b, NULL);
  while (b.frames < b.wanted)
    g_main_context_iteration (NULL, TRUE);

  g_array_sort (b.durations, compare);
  printf ("pan_frames %u\n", b.durations->len);
  printf ("pan_frame_ms_median %.2f\n", g_array_index (b.durations, double, b.durations->len / 2));
  printf ("pan_frame_ms_p95 %.2f\n", g_array_index (b.durations, double, b.durations->len * 95 / 100));
  gtk_window_destroy (GTK_WINDOW (b.window));
  return 0;
}
