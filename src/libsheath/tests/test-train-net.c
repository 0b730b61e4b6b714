/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <cblas.h>
#include <sheath.h>
#include <string.h>

#include "sheath-safetensors-private.h"
#include "sheath-train-layers-private.h"
#include "sheath-train-net-private.h"
#include "test-util.h"

/* Relative to the largest value of each tensor: float32 sums in another
 * order, and a gradient is a long chain of them. */
#define GRAD_TOLERANCE   1e-3
#define WEIGHT_TOLERANCE 1e-3

typedef struct
{
  SheathTrainNet    *net;
  SheathSafetensors *golden;
  SheathWorkers     *workers;
  guint8            *targets;
  float              class_weights[3];
  guint              batch, size;
} Fixture;

static SheathSafetensors *
open_golden (const char *name)
{
  g_autofree char *path = test_golden_path (name);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  SheathSafetensors *st = _sheath_safetensors_open (file, &error);

  g_assert_no_error (error);
  return st;
}

static float *
read_tensor (SheathSafetensors *st,
             const char        *name,
             gsize              n)
{
  float *data = g_new0 (float, n);

  g_assert_true (_sheath_safetensors_has_tensor (st, name));
  _sheath_safetensors_read_f32 (st, name, data);
  return data;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(SheathSafetensors) init = open_golden ("train-golden-init.safetensors");
  g_autoptr(GError) error = NULL;
  g_autofree float *input = NULL;
  g_autofree float *targets = NULL;
  g_auto(GStrv) weights = NULL;

  f->golden = open_golden ("train-golden-steps.safetensors");
  f->batch = atoi (_sheath_safetensors_get_meta (f->golden, "batch"));
  f->size = atoi (_sheath_safetensors_get_meta (f->golden, "size"));
  weights = g_strsplit (_sheath_safetensors_get_meta (f->golden, "class_weights"), ",", -1);
  for (guint i = 0; i < 3; i++)
    f->class_weights[i] = (float) g_ascii_strtod (weights[i], NULL);

  f->net = _sheath_train_net_new (2, 4, 1, 3);
  g_assert_true (_sheath_train_net_load (f->net, init, &error));
  g_assert_no_error (error);
  g_assert_true (_sheath_train_net_reserve (f->net, f->batch, f->size, 2, &error));
  g_assert_no_error (error);
  f->workers = _sheath_workers_new (2);
  openblas_set_num_threads (1);

  input = read_tensor (f->golden, "input", (gsize) f->batch * f->size * f->size);
  memcpy (_sheath_train_net_get_input (f->net), input, (gsize) f->batch * f->size * f->size * sizeof (float));
  targets = read_tensor (f->golden, "targets", (gsize) f->batch * f->size * f->size);
  f->targets = g_new (guint8, (gsize) f->batch * f->size * f->size);
  for (gsize i = 0; i < (gsize) f->batch * f->size * f->size; i++)
    f->targets[i] = (guint8) targets[i];
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  _sheath_train_net_free (f->net);
  _sheath_safetensors_free (f->golden);
  _sheath_workers_free (f->workers);
  g_free (f->targets);
}

static double
relative_error (const float *ours,
                const float *theirs,
                gsize        n)
{
  double max_diff = 0, max_val = 0;

  for (gsize i = 0; i < n; i++)
    {
      max_diff = MAX (max_diff, fabs ((double) ours[i] - theirs[i]));
      max_val = MAX (max_val, fabs ((double) theirs[i]));
    }
  return max_diff / MAX (max_val, 1e-12);
}

static void
test_train_gradients_match_pytorch (Fixture       *f,
                                    gconstpointer  data)
{
  g_autofree float *losses = read_tensor (f->golden, "losses", 3);
  double loss = _sheath_train_net_step (f->net, f->targets, f->class_weights, 0, f->workers);
  double worst = 0;

  g_test_message ("loss: ours %.7f, PyTorch %.7f", loss, losses[0]);
  g_assert_cmpfloat_with_epsilon (loss, losses[0], 1e-5 * fabs (losses[0]));

  for (guint i = 0; i < _sheath_train_net_get_n_params (f->net); i++)
    {
      SheathParam *p = _sheath_train_net_get_param (f->net, i);
      g_autofree char *name = g_strdup_printf ("grad.%s", p->name);
      g_autofree float *grad = read_tensor (f->golden, name, p->size);
      double err = relative_error (p->grad, grad, p->size);

      worst = MAX (worst, err);
      if (err > GRAD_TOLERANCE)
        g_test_message ("%s: relative error %.3g", name, err);
      g_assert_cmpfloat (err, <=, GRAD_TOLERANCE);
    }
  g_test_message ("every gradient within %.3g of PyTorch's (relative to the tensor's largest)", worst);

  for (guint i = 0; i < _sheath_train_net_get_n_buffers (f->net); i++)
    {
      SheathParam *b = _sheath_train_net_get_buffer (f->net, i);
      g_autofree char *name = g_strdup_printf ("after1.%s", b->name);
      g_autofree float *expected = read_tensor (f->golden, name, b->size);

      g_assert_cmpfloat (relative_error (b->value, expected, b->size), <=, 1e-4);
    }
}

static void
test_train_adamw_matches_pytorch (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree float *losses = read_tensor (f->golden, "losses", 3);
  double lr = g_ascii_strtod (_sheath_safetensors_get_meta (f->golden, "lr"), NULL);
  double wd = g_ascii_strtod (_sheath_safetensors_get_meta (f->golden, "weight_decay"), NULL);
  double worst = 0;

  for (guint step = 1; step <= 3; step++)
    {
      double loss = _sheath_train_net_step (f->net, f->targets, f->class_weights, 0, f->workers);

      g_assert_cmpfloat_with_epsilon (loss, losses[step - 1], 1e-4 * fabs (losses[step - 1]));
      _sheath_train_net_adamw (f->net, lr, 0.9, 0.999, 1e-8, wd, step);
    }

  for (guint k = 0; k < 2; k++)
    {
      guint n = k == 0 ? _sheath_train_net_get_n_params (f->net) : _sheath_train_net_get_n_buffers (f->net);

      for (guint i = 0; i < n; i++)
        {
          SheathParam *p = k == 0 ? _sheath_train_net_get_param (f->net, i) : _sheath_train_net_get_buffer (f->net, i);
          g_autofree char *name = g_strdup_printf ("final.%s", p->name);
          g_autofree float *expected = read_tensor (f->golden, name, p->size);
          double err = relative_error (p->value, expected, p->size);

          worst = MAX (worst, err);
          if (err > WEIGHT_TOLERANCE)
            g_test_message ("%s: relative error %.3g", name, err);
          g_assert_cmpfloat (err, <=, WEIGHT_TOLERANCE);
        }
    }
  g_test_message ("after 3 AdamW steps every tensor within %.3g of PyTorch's", worst);
}

/* AdamW decays the weights of convolutions only: with no gradient a step
 * scales each 4-d weight by exactly 1 − lr·λ and leaves biases and batch
 * norm's scale and shift as they are (as the PyTorch training sets its
 * parameter groups; decaying those too stays within the tolerance of the
 * comparison above, so it is checked here exactly). */
static void
test_train_adamw_decays_weights_only (Fixture       *f,
                                      gconstpointer  data)
{
  const double lr = 0.01, wd = 0.5;
  guint n = _sheath_train_net_get_n_params (f->net);
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func (g_free);
  guint decayed = 0, kept = 0;

  for (guint i = 0; i < n; i++)
    {
      SheathParam *p = _sheath_train_net_get_param (f->net, i);

      memset (p->grad, 0, p->size * sizeof (float));
      g_ptr_array_add (before, g_memdup2 (p->value, p->size * sizeof (float)));
    }
  _sheath_train_net_adamw (f->net, lr, 0.9, 0.999, 1e-8, wd, 1);

  for (guint i = 0; i < n; i++)
    {
      SheathParam *p = _sheath_train_net_get_param (f->net, i);
      const float *old = before->pdata[i];
      gboolean is_weight = p->n_dims == 4;
      float factor = is_weight ? (float) (1.0 - lr * wd) : 1.0f;

      for (gsize k = 0; k < p->size; k++)
        if (p->value[k] != old[k] * factor)
          g_error ("%s[%" G_GSIZE_FORMAT "]: %g after a step without gradient, expected %g",
                   p->name, k, p->value[k], old[k] * factor);
      if (is_weight)
        decayed++;
      else
        kept++;
    }
  /* every conv has a weight, a batch norm a scale and a shift */
  g_assert_cmpuint (decayed, >, 0);
  g_assert_cmpuint (kept, >, decayed);
}

/* Central differences on a few weights of each kind, the loss weighing
 * boundary pixels as @data says. Batch norm and ReLU make the loss only
 * piecewise smooth, so steps are small and the bound loose; the PyTorch
 * comparison above is the tight check. */
static void
test_train_finite_differences (Fixture       *f,
                               gconstpointer  data)
{
  double bw = *(const double *) data;
  const char *names[] = { "enc.0.conv1.weight", "enc.2.conv2.weight", "dec.1.up.weight", "dec.0.block.bn1.weight",
                          "dec.0.block.conv2.weight", "head.weight", "head.bias", "enc.1.bn2.bias", NULL };
  guint checked = 0;

  _sheath_train_net_step (f->net, f->targets, f->class_weights, bw, f->workers);

  for (guint i = 0; i < _sheath_train_net_get_n_params (f->net); i++)
    {
      SheathParam *p = _sheath_train_net_get_param (f->net, i);
      g_autofree float *grad = NULL;
      gsize best = 0;

      if (!g_strv_contains (names, p->name))
        continue;
      grad = g_memdup2 (p->grad, p->size * sizeof (float));
      for (gsize k = 1; k < p->size; k++)
        if (fabs (grad[k]) > fabs (grad[best]))
          best = k;

      {
        float saved = p->value[best];
        double h = 1e-3 * MAX (fabs (saved), 1.0);
        double up, down, numeric;

        p->value[best] = (float) (saved + h);
        up = _sheath_train_net_step (f->net, f->targets, f->class_weights, bw, f->workers);
        p->value[best] = (float) (saved - h);
        down = _sheath_train_net_step (f->net, f->targets, f->class_weights, bw, f->workers);
        p->value[best] = saved;
        numeric = (up - down) / (2 * h);
        g_test_message ("%s[%" G_GSIZE_FORMAT "]: analytic %.6g, numeric %.6g", p->name, best, grad[best], numeric);
        g_assert_cmpfloat_with_epsilon (numeric, grad[best], 0.05 * fabs (grad[best]) + 1e-4);
        checked++;
      }
    }
  g_assert_cmpuint (checked, ==, G_N_ELEMENTS (names) - 1);
}

/* The loss of a patch whose left half is background and right half axon,
 * each pixel sure of its class (0.9) except the two columns either side of
 * the boundary (0.5): a boundary weight w makes those columns count 1 + w
 * times in the cross-entropy, and leaves the Dice alone. */
static void
test_train_loss_boundary_weight (void)
{
  enum { SIZE = 8, CLASSES = 3 };
  g_autofree float *probs = g_new (float, CLASSES * SIZE * SIZE);
  g_autofree float *dlogits = g_new (float, CLASSES * SIZE * SIZE);
  guint8 targets[SIZE * SIZE];
  const float class_weights[CLASSES] = { 1, 1, 1 };
  SheathTrainCtx ctx = { NULL, 1, NULL, NULL, NULL };
  double plain, weighted, ce_plain, ce_weighted;
  guint n_edge = 2 * SIZE, n_inner = SIZE * SIZE - n_edge;

  for (guint y = 0; y < SIZE; y++)
    for (guint x = 0; x < SIZE; x++)
      {
        gsize i = (gsize) y * SIZE + x;
        guint t = x < SIZE / 2 ? SHEATH_LABEL_BACKGROUND : SHEATH_LABEL_AXON;
        float sure = x == SIZE / 2 - 1 || x == SIZE / 2 ? 0.5f : 0.9f;

        targets[i] = (guint8) t;
        for (guint c = 0; c < CLASSES; c++)
          probs[c * SIZE * SIZE + i] = c == t ? sure : (1 - sure) / 2;
      }

  plain = _sheath_train_loss (&ctx, CLASSES, SIZE, probs, targets, class_weights, 0, dlogits);
  weighted = _sheath_train_loss (&ctx, CLASSES, SIZE, probs, targets, class_weights, 3, dlogits);

  ce_plain = (n_edge * -log (0.5) + n_inner * -log (0.9)) / (n_edge + n_inner);
  ce_weighted = (4 * n_edge * -log (0.5) + n_inner * -log (0.9)) / (4 * n_edge + n_inner);
  g_assert_cmpfloat_with_epsilon (weighted - plain, ce_weighted - ce_plain, 1e-6);
  g_assert_cmpfloat (weighted, >, plain);
}

int
main (int   argc,
      char *argv[])
{
  static const double no_boundary_weight = 0, boundary_weight = 4;

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/Sheath/Train/gradients-match-pytorch", Fixture, NULL,
              fixture_set_up, test_train_gradients_match_pytorch, fixture_tear_down);
  g_test_add ("/Sheath/Train/adamw-matches-pytorch", Fixture, NULL,
              fixture_set_up, test_train_adamw_matches_pytorch, fixture_tear_down);
  g_test_add ("/Sheath/Train/adamw-decays-weights-only", Fixture, NULL,
              fixture_set_up, test_train_adamw_decays_weights_only, fixture_tear_down);
  g_test_add ("/Sheath/Train/finite-differences", Fixture, &no_boundary_weight,
              fixture_set_up, test_train_finite_differences, fixture_tear_down);
  g_test_add ("/Sheath/Train/finite-differences-boundary-weight", Fixture, &boundary_weight,
              fixture_set_up, test_train_finite_differences, fixture_tear_down);
  g_test_add_func ("/Sheath/Train/loss-boundary-weight", test_train_loss_boundary_weight);

  return g_test_run ();
}
