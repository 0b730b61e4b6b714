/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "sheath-study.h"

G_BEGIN_DECLS

/* ROOT/SUBJECT/STEM@suffix */
char       *_sheath_study_output_path (SheathStudy *self,
                                       guint        index,
                                       const char  *root,
                                       const char  *suffix);
/* The image's record, held by @parser, or NULL when it is not done */
JsonObject *_sheath_study_read_record (SheathStudy *self,
                                       guint        index,
                                       const char  *root,
                                       JsonParser  *parser);

G_END_DECLS
