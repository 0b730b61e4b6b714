/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#define SHEATH_INSIDE
# include "sheath-aggregates.h"
# include "sheath-agreement.h"
# include "sheath-calibration.h"
# include "sheath-bids.h"
# include "sheath-error.h"
# include "sheath-enums.h"
# include "sheath-image.h"
# include "sheath-limits.h"
# include "sheath-mask-editor.h"
# include "sheath-model.h"
# include "sheath-morphometrics.h"
# include "sheath-model-card.h"
# include "sheath-scores.h"
# include "sheath-study.h"
# include "sheath-segmentation.h"
# include "sheath-maps.h"
# include "sheath-regions.h"
# include "sheath-segmenter.h"
# include "sheath-slide.h"
# include "sheath-trainer.h"
# include "sheath-version.h"
#undef SHEATH_INSIDE
