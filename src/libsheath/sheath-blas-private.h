/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Readies OpenBLAS for the network's workers: one thread per GEMM (the
 * workers split each layer across the cores). Once per process, says so
 * when OpenBLAS does not recognise the processor and runs its generic
 * kernels where the processor has AVX2 or AVX-512 (OpenBLAS 0.3.21, in
 * Debian 12, takes recent Xeons for a Prescott): several times slower,
 * and mended by OPENBLAS_CORETYPE, which is read before any code of ours
 * runs. */
void _sheath_blas_prepare (void);

G_END_DECLS
