/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One subject of a study, its images' axons pooled */
typedef struct
{
  char   *name;
  char   *group;
  double  area;               /* mm² */
  double  axon_area;          /* mm² */
  double  myelin_area;        /* mm² */
  GArray *diam;               /* double, every axon */
  GArray *thickness;          /* double, myelinated axons */
  GArray *gratio;             /* double, myelinated axons */
  GArray *myelinated_diam;    /* double, myelinated axons, as gratio */
} SheathStudySubject;

/* sheath-study-stats.c: a subject's value of @measures[m] */
double   _sheath_study_subject_measure (const SheathStudySubject *subject,
                                        guint                     m);

/* sheath-study-plots.c: the plots of a study, as PNG and SVG, in @dir */
gboolean _sheath_study_write_plots     (GPtrArray                *subjects,
                                        GPtrArray                *groups,
                                        const char * const       *measures,
                                        guint                     n_measures,
                                        const char               *dir,
                                        GError                  **error);

G_END_DECLS
