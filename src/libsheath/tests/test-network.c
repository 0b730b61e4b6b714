/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <sheath.h>
#include <string.h>

#include "sheath-layers-private.h"
#include "sheath-model-private.h"
#include "sheath-safetensors-private.h"
#include "test-util.h"

/* PyTorch's float32 and ours sum in different orders. */
#define OP_TOLERANCE      1e-4
#define OUTPUT_TOLERANCE  1e-4

typedef struct
{
  SheathModel       *model;
  SheathSafetensors *acts;
  SheathWorkers     *workers;
  float            **scratch;
  guint              n_scratch;
  guint              size;
} Fixture;

static float *
read_act (Fixture    *f,
          const char *name,
          gsize      *n_out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = test_golden_path ("unet-golden-activations.safetensors");
  const SheathNet *net = _sheath_model_get_net (f->model);
  float *data;
  gsize n = 0;

  /* Sizes are checked by the comparison: allocate generously. */
  n = (gsize) (net->base_channels << net->depth) * 2 * f->size * f->size;
  data = g_new0 (float, n);
  g_assert_true (_sheath_safetensors_has_tensor (f->acts, name));
  _sheath_safetensors_read_f32 (f->acts, name, data);
  if (n_out)
    *n_out = n;
  return data;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *model_path = test_golden_path (data ? data : "unet-golden.safetensors");
  g_autofree char *acts_path = test_golden_path ("unet-golden-activations.safetensors");
  g_autoptr(GFile) model_file = g_file_new_for_path (model_path);
  g_autoptr(GFile) acts_file = g_file_new_for_path (acts_path);
  const SheathNet *net;
  gsize scratch = 0;

  f->model = sheath_model_new_from_file (model_file, &error);
  g_assert_no_error (error);
  f->acts = _sheath_safetensors_open (acts_file, &error);
  g_assert_no_error (error);
  f->size = atoi (_sheath_safetensors_get_meta (f->acts, "size"));
  f->workers = _sheath_workers_new (2);
  f->n_scratch = 2;

  net = _sheath_model_get_net (f->model);
  for (guint l = 0; l <= net->depth; l++)
    for (guint i = 0; i < 2; i++)
      {
        scratch = MAX (scratch, _sheath_conv3x3_scratch_floats (&net->enc[l][i], f->size >> l));
        if (l < net->depth)
          scratch = MAX (scratch, _sheath_conv3x3_scratch_floats (&net->dec[l][i], f->size >> l));
      }
  scratch = MAX (scratch, _sheath_layers_scratch_floats (4 * (net->base_channels << net->depth), f->size));
  f->scratch = g_new0 (float *, f->n_scratch);
  for (guint i = 0; i < f->n_scratch; i++)
    f->scratch[i] = g_new0 (float, scratch);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  for (guint i = 0; i < f->n_scratch; i++)
    g_free (f->scratch[i]);
  g_free (f->scratch);
  _sheath_workers_free (f->workers);
  _sheath_safetensors_free (f->acts);
  g_object_unref (f->model);
}

static void
assert_close (const char  *what,
              const float *ours,
              const float *theirs,
              gsize        n,
              double       tolerance)
{
  double err = test_max_abs_diff (ours, theirs, n);

  g_test_message ("%s: max |ours - PyTorch| = %.3g over %" G_GSIZE_FORMAT " values", what, err, n);
  g_assert_cmpfloat (err, <=, tolerance);
}

/* Each operation on PyTorch's own input for it, so an error is pinned to
 * the operation that makes it. */
static void
test_network_each_operation (Fixture       *f,
                             gconstpointer  data)
{
  const SheathNet *net = _sheath_model_get_net (f->model);

  for (guint l = 0; l <= net->depth; l++)
    {
      guint t = f->size >> l;
      guint c = net->base_channels << l;
      g_autofree char *in_name = l == 0 ? g_strdup ("input") : g_strdup_printf ("enc.%u.pool", l - 1);
      g_autofree char *a1_name = g_strdup_printf ("enc.%u.act1", l);
      g_autofree char *a2_name = g_strdup_printf ("enc.%u.act2", l);
      g_autofree float *in = read_act (f, in_name, NULL);
      g_autofree float *a1 = read_act (f, a1_name, NULL);
      g_autofree float *a2 = read_act (f, a2_name, NULL);
      g_autofree float *out = g_new0 (float, (gsize) c * t * t);

      _sheath_conv3x3_relu (f->workers, &net->enc[l][0], in, t, t, out, f->scratch);
      assert_close (a1_name, out, a1, (gsize) c * t * t, OP_TOLERANCE);
      _sheath_conv3x3_relu (f->workers, &net->enc[l][1], a1, t, t, out, f->scratch);
      assert_close (a2_name, out, a2, (gsize) c * t * t, OP_TOLERANCE);

      if (l < net->depth)
        {
          g_autofree char *pool_name = g_strdup_printf ("enc.%u.pool", l);
          g_autofree float *pool = read_act (f, pool_name, NULL);

          _sheath_maxpool2 (f->workers, a2, c, t, t, out);
          assert_close (pool_name, out, pool, (gsize) c * (t / 2) * (t / 2), 0);
        }
    }

  for (gint l = (gint) net->depth - 1; l >= 0; l--)
    {
      guint t = f->size >> l;
      guint c = net->base_channels << l;
      g_autofree char *below_name = (guint) l + 1 == net->depth ? g_strdup_printf ("enc.%u.act2", net->depth)
                                                                 : g_strdup_printf ("dec.%d.act2", l + 1);
      g_autofree char *skip_name = g_strdup_printf ("enc.%d.act2", l);
      g_autofree char *up_name = g_strdup_printf ("dec.%d.up", l);
      g_autofree char *a1_name = g_strdup_printf ("dec.%d.act1", l);
      g_autofree char *a2_name = g_strdup_printf ("dec.%d.act2", l);
      g_autofree float *below = read_act (f, below_name, NULL);
      g_autofree float *skip = read_act (f, skip_name, NULL);
      g_autofree float *up = read_act (f, up_name, NULL);
      g_autofree float *a1 = read_act (f, a1_name, NULL);
      g_autofree float *a2 = read_act (f, a2_name, NULL);
      g_autofree float *cat = g_new0 (float, (gsize) 2 * c * t * t);
      g_autofree float *out = g_new0 (float, (gsize) c * t * t);

      /* concatenation is placement: skip first, upsampled second */
      memcpy (cat, skip, (gsize) c * t * t * sizeof (float));
      _sheath_upconv2 (f->workers, &net->up[l], below, t / 2, t / 2, cat + (gsize) c * t * t, f->scratch);
      assert_close (up_name, cat + (gsize) c * t * t, up, (gsize) c * t * t, OP_TOLERANCE);

      memcpy (cat + (gsize) c * t * t, up, (gsize) c * t * t * sizeof (float));
      _sheath_conv3x3_relu (f->workers, &net->dec[l][0], cat, t, t, out, f->scratch);
      assert_close (a1_name, out, a1, (gsize) c * t * t, OP_TOLERANCE);
      _sheath_conv3x3_relu (f->workers, &net->dec[l][1], a1, t, t, out, f->scratch);
      assert_close (a2_name, out, a2, (gsize) c * t * t, OP_TOLERANCE);
    }

  {
    g_autofree float *a2 = read_act (f, "dec.0.act2", NULL);
    g_autofree float *expected = read_act (f, "output", NULL);
    g_autofree float *out = g_new0 (float, (gsize) net->classes * f->size * f->size);

    _sheath_head_softmax (f->workers, &net->head, a2, f->size, f->size, out, f->scratch);
    assert_close ("head + softmax", out, expected, (gsize) net->classes * f->size * f->size, OP_TOLERANCE);
  }
}

static void
run_whole_network (Fixture *f,
                   guint    n_threads,
                   double   tolerance)
{
  g_autoptr(GError) error = NULL;
  const SheathNet *net = _sheath_model_get_net (f->model);
  g_autoptr(SheathWorkers) workers = _sheath_workers_new (n_threads);
  g_autoptr(SheathNetWorkspace) ws = _sheath_net_workspace_new (net, f->size, n_threads, &error);
  g_autofree float *input = read_act (f, "input", NULL);
  g_autofree float *expected = read_act (f, "output", NULL);
  gsize n = (gsize) net->classes * f->size * f->size;

  g_assert_no_error (error);
  memcpy (_sheath_net_workspace_get_input (ws), input, (gsize) f->size * f->size * sizeof (float));
  _sheath_net_forward (net, ws, workers);
  assert_close ("whole network softmax", _sheath_net_workspace_get_output (ws), expected, n, tolerance);
}

static void
test_network_whole (Fixture       *f,
                    gconstpointer  data)
{
  run_whole_network (f, 1, OUTPUT_TOLERANCE);
  run_whole_network (f, 3, OUTPUT_TOLERANCE);
}

/* F16 weights round each weight to 11 bits: the output moves, a little. */
static void
test_network_f16 (Fixture       *f,
                  gconstpointer  data)
{
  run_whole_network (f, 2, 2e-2);
}

static void
test_network_half_to_float (void)
{
  g_assert_cmpfloat (_sheath_half_to_float (0x3c00), ==, 1.0f);
  g_assert_cmpfloat (_sheath_half_to_float (0xc000), ==, -2.0f);
  g_assert_cmpfloat (_sheath_half_to_float (0x0001), ==, ldexpf (1, -24));
  g_assert_cmpfloat (_sheath_half_to_float (0x7bff), ==, 65504.0f);
  g_assert_true (isinf (_sheath_half_to_float (0x7c00)));
  g_assert_true (isnan (_sheath_half_to_float (0x7e00)));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/Sheath/Network/each-operation", Fixture, NULL,
              fixture_set_up, test_network_each_operation, fixture_tear_down);
  g_test_add ("/Sheath/Network/whole", Fixture, NULL,
              fixture_set_up, test_network_whole, fixture_tear_down);
  g_test_add ("/Sheath/Network/f16-weights", Fixture, "unet-golden-f16.safetensors",
              fixture_set_up, test_network_f16, fixture_tear_down);
  g_test_add_func ("/Sheath/Network/half-to-float", test_network_half_to_float);

  return g_test_run ();
}
