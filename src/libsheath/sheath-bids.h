/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(SHEATH_INSIDE) && !defined(SHEATH_COMPILATION)
# error "Only <sheath.h> can be included directly."
#endif

#include <glib.h>

#include "sheath-version.h"

G_BEGIN_DECLS

SHEATH_AVAILABLE_IN_ALL
char **sheath_bids_list_images      (const char  *dataset,
                                     GError     **error);
SHEATH_AVAILABLE_IN_ALL
char  *sheath_bids_dup_mask_path    (const char  *dataset,
                                     const char  *image,
                                     const char  *kind);
SHEATH_AVAILABLE_IN_ALL
char  *sheath_bids_dup_subject      (const char  *image);

G_END_DECLS
