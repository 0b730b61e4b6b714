/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Writes an untrained Sheath U-Net: He-initialised 3x3 convolutions with
 * zero biases, no batch norm. Its masks are noise; it exists so that the
 * whole pipeline can run before trained models ship, and so that tests and
 * benchmarks have a default-size network without PyTorch.
 *
 *   sheath-make-untrained OUTPUT.safetensors [DEPTH [BASE_CHANNELS [PIXEL_SIZE]]]
 */

#include "config.h"

#include <math.h>
#include <sheath.h>
#include <stdio.h>
#include <stdlib.h>

#include "sheath-safetensors-private.h"

static float *
he_normal (GRand  *rand,
           gsize   n,
           double  fan_in)
{
  float *w = g_new (float, n);
  double std = sqrt (2.0 / fan_in);

  for (gsize i = 0; i < n; i += 2)
    {
      /* Box–Muller */
      double u1 = g_rand_double_range (rand, 1e-12, 1.0);
      double u2 = g_rand_double (rand);
      double r = sqrt (-2.0 * log (u1));

      w[i] = (float) (std * r * cos (2 * G_PI * u2));
      if (i + 1 < n)
        w[i + 1] = (float) (std * r * sin (2 * G_PI * u2));
    }
  return w;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20181117);
  g_autoptr(GArray) tensors = g_array_new (FALSE, TRUE, sizeof (SheathTensorOut));
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) meta = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  guint depth = argc > 2 ? atoi (argv[2]) : 4;
  guint base = argc > 3 ? atoi (argv[3]) : 32;
  const char *pixel_size = argc > 4 ? argv[4] : "0.1";
  g_autofree char *depth_s = NULL, *base_s = NULL;

  if (argc < 2 || depth < 1 || depth > 6 || base < 1 || base > 256)
    {
      fprintf (stderr, "usage: %s OUTPUT.safetensors [DEPTH [BASE_CHANNELS [PIXEL_SIZE_UM]]]\n", argv[0]);
      return 2;
    }

#define ADD(name_, d0, d1, d2, d3, n_dims_, data_) G_STMT_START { \
    SheathTensorOut t_ = { g_strdup (name_), n_dims_, { d0, d1, d2, d3 }, data_ }; \
    g_ptr_array_add (owned, (gpointer) t_.name); \
    g_ptr_array_add (owned, (gpointer) t_.data); \
    g_array_append_val (tensors, t_); \
  } G_STMT_END

  for (guint l = 0; l <= depth + depth; l++)
    {
      gboolean enc = l <= depth;
      guint level = enc ? l : 2 * depth - l;
      guint c = base << level;
      guint cin1 = enc ? (level == 0 ? 1 : c / 2) : 2 * c;
      g_autofree char *prefix = enc ? g_strdup_printf ("enc.%u", level) : g_strdup_printf ("dec.%u.block", level);
      g_autofree char *w1 = g_strdup_printf ("%s.conv1.weight", prefix);
      g_autofree char *b1 = g_strdup_printf ("%s.conv1.bias", prefix);
      g_autofree char *w2 = g_strdup_printf ("%s.conv2.weight", prefix);
      g_autofree char *b2 = g_strdup_printf ("%s.conv2.bias", prefix);

      ADD (w1, c, cin1, 3, 3, 4, he_normal (rand, (gsize) c * cin1 * 9, cin1 * 9.0));
      ADD (b1, c, 0, 0, 0, 1, g_new0 (float, c));
      ADD (w2, c, c, 3, 3, 4, he_normal (rand, (gsize) c * c * 9, c * 9.0));
      ADD (b2, c, 0, 0, 0, 1, g_new0 (float, c));

      if (!enc)
        {
          g_autofree char *uw = g_strdup_printf ("dec.%u.up.weight", level);
          g_autofree char *ub = g_strdup_printf ("dec.%u.up.bias", level);

          ADD (uw, 2 * c, c, 2, 2, 4, he_normal (rand, (gsize) 2 * c * c * 4, 2.0 * c));
          ADD (ub, c, 0, 0, 0, 1, g_new0 (float, c));
        }
    }
  ADD ("head.weight", 3, base, 1, 1, 4, he_normal (rand, (gsize) 3 * base, base));
  ADD ("head.bias", 3, 0, 0, 0, 1, g_new0 (float, 3));

  depth_s = g_strdup_printf ("%u", depth);
  base_s = g_strdup_printf ("%u", base);
  g_hash_table_insert (meta, "format", "sheath-model-1");
  g_hash_table_insert (meta, "architecture", "unet");
  g_hash_table_insert (meta, "depth", depth_s);
  g_hash_table_insert (meta, "base_channels", base_s);
  g_hash_table_insert (meta, "kernel_size", "3");
  g_hash_table_insert (meta, "in_channels", "1");
  g_hash_table_insert (meta, "classes", "background,myelin,axon");
  g_hash_table_insert (meta, "pixel_size_um", (gpointer) pixel_size);
  g_hash_table_insert (meta, "modality", "other");
  g_hash_table_insert (meta, "normalization", "image-zscore");
  g_hash_table_insert (meta, "description", "UNTRAINED: random weights; its masks are noise");

  if (!_sheath_safetensors_write (argv[1], meta, (SheathTensorOut *) tensors->data, tensors->len, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  return 0;
}
