/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <cblas.h>

#include "sheath-blas-private.h"

/* What OpenBLAS runs, when it is a core older than the processor. */
static const char *
better_core (void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  const char *core = openblas_get_corename ();

  if (core == NULL || g_getenv ("OPENBLAS_CORETYPE") != NULL)
    return NULL;
  if (g_ascii_strcasecmp (core, "Prescott") != 0 && g_ascii_strcasecmp (core, "Core2") != 0 &&
      g_ascii_strcasecmp (core, "Nehalem") != 0 && g_ascii_strcasecmp (core, "Sandybridge") != 0)
    return NULL;
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx512f"))
    return "SkylakeX";
  if (__builtin_cpu_supports ("avx2") && g_ascii_strcasecmp (core, "Sandybridge") != 0)
    return "Haswell";
#endif
  return NULL;
}

void
_sheath_blas_prepare (void)
{
  static gsize checked = 0;

  /* process-wide, as OpenBLAS offers nothing finer */
  openblas_set_num_threads (1);
  if (g_once_init_enter (&checked))
    {
      const char *better = better_core ();

      if (better != NULL)
        g_message (_ ("OpenBLAS does not recognise this processor and runs its generic code (%s), several "
                      "times slower: set OPENBLAS_CORETYPE=%s in the environment to use its %s kernels"),
                   openblas_get_corename (), better, better);
      g_once_init_leave (&checked, 1);
    }
}
