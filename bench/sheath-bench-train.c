/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Times one training step (forward, backward, AdamW) of the trainer, for
 * bench/train. Prints "key value" lines. */

#include "config.h"

#include <cblas.h>
#include <sheath.h>
#include <stdio.h>
#include <stdlib.h>

#include "sheath-train-net-private.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathTrainNet) net = NULL;
  g_autoptr(SheathWorkers) workers = NULL;
  g_autofree guint8 *targets = NULL;
  guint depth, base, batch, patch, threads, reps;
  float weights[3] = { 1, 1.5, 1.2 };
  double best = G_MAXDOUBLE, total = 0;
  float *input;

  if (argc != 7)
    {
      fprintf (stderr, "usage: %s DEPTH BASE BATCH PATCH THREADS REPEATS\n", argv[0]);
      return 2;
    }
  depth = atoi (argv[1]);
  base = atoi (argv[2]);
  batch = atoi (argv[3]);
  patch = atoi (argv[4]);
  threads = atoi (argv[5]);
  reps = atoi (argv[6]);

  openblas_set_num_threads (1);
  workers = _sheath_workers_new (threads);
  net = _sheath_train_net_new (depth, base, 1, 3);
  _sheath_train_net_init_random (net, 7);
  if (!_sheath_train_net_reserve (net, batch, patch, threads, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  input = _sheath_train_net_get_input (net);
  targets = g_new (guint8, (gsize) batch * patch * patch);
  for (gsize i = 0; i < (gsize) batch * patch * patch; i++)
    {
      input[i] = (float) g_random_double_range (-2, 2);
      targets[i] = (i / patch / 16 + i % patch / 16) % 3;
    }

  for (guint r = 0; r <= reps; r++)
    {
      gint64 t = g_get_monotonic_time ();
      double s;

      _sheath_train_net_step (net, targets, weights, 0, workers);
      _sheath_train_net_adamw (net, 1e-3, 0.9, 0.999, 1e-8, 1e-4, r + 1);
      s = (g_get_monotonic_time () - t) / 1e6;
      if (r == 0)
        continue;   /* warm-up */
      best = MIN (best, s);
      total += s;
    }
  printf ("step_seconds_best %.4f\n", best);
  printf ("step_seconds_mean %.4f\n", total / reps);
  return 0;
}
