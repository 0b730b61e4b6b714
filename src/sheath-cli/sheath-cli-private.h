/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sheath.h>

G_BEGIN_DECLS

int sheath_cli_segment (int argc, char **argv);
int sheath_cli_info    (int argc, char **argv);

/* Loads "sem", "tem" (shipped models) or a .safetensors path. */
SheathModel *sheath_cli_load_model (const char  *name_or_path,
                                    GError     **error);

G_END_DECLS
