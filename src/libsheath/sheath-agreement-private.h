/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-agreement.h"
#include "sheath-morphometrics.h"

G_BEGIN_DECLS

typedef struct
{
  char   *name;
  double  figures[2][SHEATH_AGREEMENT_N_FIGURES];   /* predicted, manual */
  double  area_mm2;
  guint   matched;
  guint   extra;
  guint   missed;
} SheathAgreementImage;

struct _SheathAgreement
{
  GObject    parent_instance;

  GPtrArray *images;          /* SheathAgreementImage */
  GArray    *values[2][3];    /* double: [predicted, manual][SheathAgreementMeasure], all images' axons */
  GArray    *pairs[3];        /* double: predicted, manual, … per matched fibre and measure */
  GArray    *extra_diam;      /* double: predicted axons matching none */
  GArray    *missed_diam;     /* double: manual axons matched by none */
  gboolean   exclude_border;  /* fibres cut by the image's edge left out */
};

double   _sheath_agreement_median        (GArray               *values);
/* sheath_agreement_add() with both masks measured already (the manual ones
 * once, for many predictions). */
gboolean _sheath_agreement_add_measured  (SheathAgreement      *self,
                                          const char           *name,
                                          SheathMorphometrics  *predicted,
                                          SheathMorphometrics  *truth,
                                          GError              **error);

G_END_DECLS
