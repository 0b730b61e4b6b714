/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "sheath-study.h"
#include "sheath-table-private.h"

G_BEGIN_DECLS

typedef struct
{
  char       *path;
  char       *subject;
  char       *sample;
  char       *group_dir;   /* the output folder under the root: the subject's, or the folder's */
  GHashTable *values;      /* column → value, borrowed from the study's strings */
} StudyImage;

struct _SheathStudy
{
  GObject     parent_instance;

  GPtrArray  *images;      /* StudyImage */
  GPtrArray  *columns;     /* char *, participants' then samples' columns */
  GPtrArray  *warnings;    /* char * */
  GHashTable *seen;        /* image path → TRUE */
  GPtrArray  *sources;     /* char *, absolute, as added; NULL-terminated */
  SheathTableFormat formats;
  SheathTable *tables[2];  /* SheathStudyTable → the last collected */
};

/* the figures a record keeps, in the tables' order */
#define AGGREGATE_FIELDS(X) \
  X (n_axons) X (n_myelinated) X (n_border_touching) X (area_mm2) X (axon_density_mm2) X (avf) X (mvf) \
  X (gratio_aggr) X (mean_axon_diam) X (median_axon_diam) X (mean_myelin_thickness) \
  X (median_myelin_thickness) X (mean_gratio) X (median_gratio) X (n_uaxons) X (uaxon_ratio)

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
