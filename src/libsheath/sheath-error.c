/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-error"

#include "config.h"

#include "sheath-error.h"

/**
 * sheath_error_quark:
 *
 * The domain of Sheath's errors, %SHEATH_ERROR.
 *
 * Returns: the #GQuark of the domain
 */
G_DEFINE_QUARK (sheath-error-quark, sheath_error)
