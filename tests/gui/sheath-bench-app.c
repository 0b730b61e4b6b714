/* SPDX-License-Identifier: GPL-3.0-or-later */

/* For bench/app: opens an image in the app's window, prints the monotonic
 * time of the first frame that shows it (and of the first that shows the
 * rows decoded so far, for a large image), then pans at 1:1 across it and
 * prints how long each frame took to lay out and paint. An image that opens
 * as a slide (above slide-above-megapixels) is timed in its slide window:
 * the first frame that shows tiles of it, the first that lacks none, and
 * while panning, how many frames still drew stand-ins for tiles to come.
 *
 *   sheath-bench-app IMAGE PIXEL_SIZE FRAMES */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "sheath-slide-window.h"
#include "sheath-viewer.h"
#include "sheath-window.h"
#include "gui-test-util.h"

typedef struct
{
  SheathWindow *window;
  SheathSlideWindow *slide;
  GtkWidget    *viewer;
  gboolean      shown;
  gboolean      complete;
  gint64        complete_frame;
  guint         frames_with_stand_ins;
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

  if (b->slide != NULL)
    {
      SheathSlideTiles *tiles = sheath_slide_window_get_tiles (b->slide);
      guint missing = sheath_viewer_get_slide_tiles_missing (SHEATH_VIEWER (b->viewer));

      if (!b->shown && sheath_slide_tiles_get_n_textures (tiles) > 0)
        {
          b->shown = TRUE;
          b->first_frame = now;
        }
      if (b->shown && !b->complete && missing == 0)
        {
          b->complete = TRUE;
          b->complete_frame = now;
        }
      if (b->panning && missing > 0)
        b->frames_with_stand_ins++;
    }
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
  if (sheath_window_open (b.window, file) == NULL)
    {
      /* a slide: timed in its own window */
      for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
        if (SHEATH_IS_SLIDE_WINDOW (l->data))
          b.slide = l->data;
      if (b.slide == NULL)
        {
          fprintf (stderr, "%s did not open\n", argv[1]);
          return 1;
        }
      b.viewer = GTK_WIDGET (sheath_slide_window_get_viewer (b.slide));
      gtk_window_destroy (GTK_WINDOW (b.window));
      b.window = NULL;
      clock = gtk_widget_get_frame_clock (GTK_WIDGET (b.slide));
      g_signal_connect (clock, "update", G_CALLBACK (update_cb), &b);
      g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &b);
    }
  while (!b.shown || (b.slide != NULL && !b.complete))
    g_main_context_iteration (NULL, TRUE);
  if (b.previewed)
    printf ("first_preview_seconds %.3f\n", (b.first_preview - start) / 1e6);
  printf ("first_frame_seconds %.3f\n", (b.first_frame - start) / 1e6);
  if (b.slide != NULL)
    printf ("complete_frame_seconds %.3f\n", (b.complete_frame - start) / 1e6);

  /* 1:1, from the middle */
  sheath_viewer_set_zoom (SHEATH_VIEWER (b.viewer), 1.0);
  b.panning = TRUE;
  {
    gint64 pan_start = g_get_monotonic_time ();

    gtk_widget_add_tick_callback (b.viewer, pan_tick, &b, NULL);
    while (b.frames < b.wanted)
      g_main_context_iteration (NULL, TRUE);
    printf ("pan_fps %.1f\n", b.frames / ((g_get_monotonic_time () - pan_start) / 1e6));
  }
  if (b.slide != NULL)
    printf ("pan_frames_with_stand_ins %u\n", b.frames_with_stand_ins);

  g_array_sort (b.durations, compare);
  printf ("pan_frames %u\n", b.durations->len);
  printf ("pan_frame_ms_median %.2f\n", g_array_index (b.durations, double, b.durations->len / 2));
  printf ("pan_frame_ms_p95 %.2f\n", g_array_index (b.durations, double, b.durations->len * 95 / 100));
  {
    struct rusage usage;

    getrusage (RUSAGE_SELF, &usage);
    printf ("peak_rss_mb %.0f\n", usage.ru_maxrss / 1024.0);
  }
  gtk_window_destroy (b.slide != NULL ? GTK_WINDOW (b.slide) : GTK_WINDOW (b.window));
  return 0;
}
