/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Times the network alone on one tile size, and OpenBLAS sgemm on the same
 * machine, for bench/inference. Prints "key value" lines. */

#include "config.h"

#include <cblas.h>
#include <sheath.h>
#include <stdio.h>
#include <stdlib.h>

#include "sheath-model-private.h"

static double
network_flops (const SheathNet *net,
               guint            tile)
{
  double flops = 0;

  for (guint l = 0; l <= net->depth; l++)
    {
      double px = (double) (tile >> l) * (tile >> l);

      for (guint i = 0; i < 2; i++)
        flops += 2.0 * net->enc[l][i].cout * net->enc[l][i].cin * 9 * px;
      if (l < net->depth)
        {
          for (guint i = 0; i < 2; i++)
            flops += 2.0 * net->dec[l][i].cout * net->dec[l][i].cin * 9 * px;
          flops += 2.0 * net->up[l].cout * net->up[l].cin * px;   /* 4 taps over px / 4 inputs */
        }
    }
  flops += 2.0 * net->head.classes * net->head.cin * (double) tile * tile;
  return flops;
}

static double
sgemm_gflops (guint n_threads)
{
  const int n = 2048;
  float *a = g_new (float, (gsize) n * n);
  float *b = g_new (float, (gsize) n * n);
  float *c = g_new (float, (gsize) n * n);
  double best = G_MAXDOUBLE;

  for (gsize i = 0; i < (gsize) n * n; i++)
    a[i] = b[i] = (float) (i % 7) * 0.1f;
  openblas_set_num_threads (n_threads);
  for (guint r = 0; r < 5; r++)
    {
      gint64 t = g_get_monotonic_time ();
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.f, a, n, b, n, 0.f, c, n);
      best = MIN (best, (g_get_monotonic_time () - t) / 1e6);
    }
  g_free (a);
  g_free (b);
  g_free (c);
  return 2.0 * n * n * n / best / 1e9;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(SheathModel) model = NULL;
  g_autoptr(SheathWorkers) workers = NULL;
  g_autoptr(SheathNetWorkspace) ws = NULL;
  const SheathNet *net;
  guint tile, n_threads, reps;
  double best = G_MAXDOUBLE, total = 0;
  float *input;

  if (argc != 5)
    {
      fprintf (stderr, "usage: %s MODEL TILE THREADS REPEATS\n", argv[0]);
      return 2;
    }

  file = g_file_new_for_commandline_arg (argv[1]);
  tile = atoi (argv[2]);
  n_threads = atoi (argv[3]);
  reps = atoi (argv[4]);

  if (!(model = sheath_model_new_from_file (file, &error)))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  net = _sheath_model_get_net (model);

  printf ("sgemm_gflops %.1f\n", sgemm_gflops (n_threads));

  /* as the segmenter runs it: single-threaded GEMMs, our workers split bands */
  openblas_set_num_threads (1);
  workers = _sheath_workers_new (n_threads);
  if (!(ws = _sheath_net_workspace_new (net, tile, n_threads, &error)))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  input = _sheath_net_workspace_get_input (ws);
  for (gsize i = 0; i < (gsize) net->in_channels * tile * tile; i++)
    input[i] = (float) g_random_double_range (-2, 2);

  _sheath_net_forward (net, ws, workers);   /* warm-up */
  for (guint r = 0; r < reps; r++)
    {
      gint64 t = g_get_monotonic_time ();
      double s;

      _sheath_net_forward (net, ws, workers);
      s = (g_get_monotonic_time () - t) / 1e6;
      best = MIN (best, s);
      total += s;
    }

  printf ("tile %u\n", tile);
  printf ("threads %u\n", n_threads);
  printf ("seconds_per_tile_best %.4f\n", best);
  printf ("seconds_per_tile_mean %.4f\n", total / reps);
  printf ("mpx_per_s %.4f\n", (double) tile * tile / (total / reps) / 1e6);
  printf ("network_gflop_per_tile %.2f\n", network_flops (net, tile) / 1e9);
  printf ("effective_gflops %.1f\n", network_flops (net, tile) / (total / reps) / 1e9);
  return 0;
}
