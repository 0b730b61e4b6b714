/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(SHEATH_INSIDE) && !defined(SHEATH_COMPILATION)
# error "Only <sheath.h> can be included directly."
#endif

#include <gio/gio.h>

#include "sheath-image.h"
#include "sheath-segmentation.h"
#include "sheath-version.h"

G_BEGIN_DECLS

/**
 * SheathAxonShape:
 * @SHEATH_AXON_SHAPE_CIRCLE: diameters are those of the circle of the same area
 * @SHEATH_AXON_SHAPE_ELLIPSE: diameters are the minor axis of the ellipse of the
 *   same second moments
 *
 * How an axon's (and its fibre's) diameter is measured, as AxonDeepSeg's
 * `-a circle|ellipse`.
 */
typedef enum
{
  SHEATH_AXON_SHAPE_CIRCLE,
  SHEATH_AXON_SHAPE_ELLIPSE,
} SheathAxonShape;

/**
 * SheathTableFormat:
 * @SHEATH_TABLE_FORMAT_CSV: comma-separated text
 * @SHEATH_TABLE_FORMAT_XLSX: an Excel workbook, as AxonDeepSeg writes its
 *   tables (`STEM_axon_morphometrics.xlsx`)
 *
 * The formats tables are written in; both may be asked for.
 */
typedef enum
{
  SHEATH_TABLE_FORMAT_CSV  = 1 << 0,
  SHEATH_TABLE_FORMAT_XLSX = 1 << 1,
} SheathTableFormat;

/**
 * SheathAxonFlags:
 * @SHEATH_AXON_FLAG_NONE: nothing to look at
 * @SHEATH_AXON_FLAG_BORDER: the fibre touches the image's edge, so it is cut
 * @SHEATH_AXON_FLAG_NO_MYELIN: no myelin reached the axon
 * @SHEATH_AXON_FLAG_IMPLAUSIBLE_GRATIO: a g-ratio below 0.3 or above 0.95
 * @SHEATH_AXON_FLAG_TINY: an axon diameter below 0.2 µm, smaller than a
 *   myelinated axon is
 * @SHEATH_AXON_FLAG_LOW_CONFIDENCE: the model's mean probability over the
 *   fibre is below 0.6
 * @SHEATH_AXON_FLAG_FUSED: a solidity below 0.85, as two fibres merged
 *   into one are
 *
 * What may be wrong with an axon, for a person to review. Each is a column
 * of the table (`flags`, joined by `;`).
 */
typedef enum /*< flags >*/
{
  SHEATH_AXON_FLAG_NONE = 0,
  SHEATH_AXON_FLAG_BORDER = 1 << 0,
  SHEATH_AXON_FLAG_NO_MYELIN = 1 << 1,
  SHEATH_AXON_FLAG_IMPLAUSIBLE_GRATIO = 1 << 2,
  SHEATH_AXON_FLAG_TINY = 1 << 3,
  SHEATH_AXON_FLAG_LOW_CONFIDENCE = 1 << 4,
  SHEATH_AXON_FLAG_FUSED = 1 << 5,
} SheathAxonFlags;

#define SHEATH_TYPE_AXON (sheath_axon_get_type ())

/**
 * SheathAxon:
 * @id: the axon's number, its value in the instance map (from 1)
 * @x0: centroid column, in pixels
 * @y0: centroid row, in pixels
 * @gratio: axon diameter / fibre diameter (1 for an axon without myelin)
 * @axon_area: µm²
 * @axon_perimeter: µm
 * @myelin_area: µm² of the myelin given to this axon
 * @axon_diam: µm
 * @myelin_thickness: µm, half the difference of fibre and axon diameters
 * @axonmyelin_area: µm² of axon and myelin together
 * @axonmyelin_perimeter: µm, the fibre's outer perimeter
 * @solidity: axon area / its convex hull's area
 * @eccentricity: of the axon's ellipse of inertia, 0 for a circle
 * @orientation: radians between the rows axis and the axon's major axis
 * @image_border_touching: the fibre touches the image's edge
 * @bbox_min_y: the fibre's bounding box, first row
 * @bbox_min_x: first column
 * @bbox_max_y: one past the last row
 * @bbox_max_x: one past the last column
 * @confidence: the model's mean probability of the classes of the fibre's
 *   pixels (axon and myelin), 0–1; NaN for masks read from files
 * @flags: what may be wrong with it
 *
 * The measurements of one myelinated (or unmyelinated) axon, with
 * AxonDeepSeg's definitions.
 */
typedef struct
{
  guint    id;
  double   x0;
  double   y0;
  double   gratio;
  double   axon_area;
  double   axon_perimeter;
  double   myelin_area;
  double   axon_diam;
  double   myelin_thickness;
  double   axonmyelin_area;
  double   axonmyelin_perimeter;
  double   solidity;
  double   eccentricity;
  double   orientation;
  gboolean image_border_touching;
  gint     bbox_min_y;
  gint     bbox_min_x;
  gint     bbox_max_y;
  gint     bbox_max_x;
  double   confidence;
  SheathAxonFlags flags;
} SheathAxon;

SHEATH_AVAILABLE_IN_ALL
GType       sheath_axon_get_type (void) G_GNUC_CONST;
SHEATH_AVAILABLE_IN_ALL
SheathAxon *sheath_axon_copy     (const SheathAxon *axon);
SHEATH_AVAILABLE_IN_ALL
void        sheath_axon_free     (SheathAxon       *axon);
SHEATH_AVAILABLE_IN_ALL
char       *sheath_axon_flags_to_string (SheathAxonFlags flags);

#define SHEATH_TYPE_MORPHOMETRICS (sheath_morphometrics_get_type ())

SHEATH_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (SheathMorphometrics, sheath_morphometrics, SHEATH, MORPHOMETRICS, GObject)

SHEATH_AVAILABLE_IN_ALL
SheathMorphometrics *sheath_morphometrics_compute            (SheathSegmentation   *segmentation,
                                                              double                pixel_size,
                                                              SheathAxonShape       shape,
                                                              GCancellable         *cancellable,
                                                              GError              **error);
SHEATH_AVAILABLE_IN_ALL
GArray              *sheath_morphometrics_update             (SheathMorphometrics  *self,
                                                              SheathSegmentation   *segmentation,
                                                              guint                 x,
                                                              guint                 y,
                                                              guint                 width,
                                                              guint                 height,
                                                              GError              **error);
SHEATH_AVAILABLE_IN_ALL
guint                sheath_morphometrics_get_n_axons        (SheathMorphometrics  *self);
SHEATH_AVAILABLE_IN_ALL
const SheathAxon    *sheath_morphometrics_get_axon           (SheathMorphometrics  *self,
                                                              guint                 index);
SHEATH_AVAILABLE_IN_ALL
guint                sheath_morphometrics_get_axon_at        (SheathMorphometrics  *self,
                                                              guint                 x,
                                                              guint                 y);
SHEATH_AVAILABLE_IN_ALL
double               sheath_morphometrics_get_pixel_size     (SheathMorphometrics  *self);
SHEATH_AVAILABLE_IN_ALL
SheathAxonShape      sheath_morphometrics_get_shape          (SheathMorphometrics  *self);
SHEATH_AVAILABLE_IN_ALL
guint                sheath_morphometrics_get_n_specks       (SheathMorphometrics  *self);
SHEATH_AVAILABLE_IN_ALL
guint                sheath_morphometrics_get_n_holes_filled (SheathMorphometrics  *self);
SHEATH_AVAILABLE_IN_ALL
guint64              sheath_morphometrics_get_orphan_myelin_pixels (SheathMorphometrics *self);
SHEATH_AVAILABLE_IN_ALL
gboolean             sheath_morphometrics_write_csv          (SheathMorphometrics  *self,
                                                              const char           *path,
                                                              GError              **error);
SHEATH_AVAILABLE_IN_ALL
gboolean             sheath_morphometrics_write_xlsx         (SheathMorphometrics  *self,
                                                              const char           *path,
                                                              GError              **error);
SHEATH_AVAILABLE_IN_ALL
gboolean             sheath_morphometrics_write_instance_map (SheathMorphometrics  *self,
                                                              const char           *path,
                                                              GError              **error);
SHEATH_AVAILABLE_IN_ALL
gboolean             sheath_morphometrics_write_index_image  (SheathMorphometrics  *self,
                                                              SheathImage          *image,
                                                              const char           *path,
                                                              GError              **error);

SHEATH_AVAILABLE_IN_ALL
guint             sheath_morphometrics_get_n_unmyelinated      (SheathMorphometrics  *self);
SHEATH_AVAILABLE_IN_ALL
const SheathAxon *sheath_morphometrics_get_unmyelinated        (SheathMorphometrics  *self,
                                                                guint                 index);
SHEATH_AVAILABLE_IN_ALL
gboolean          sheath_morphometrics_write_unmyelinated_csv  (SheathMorphometrics  *self,
                                                                const char           *path,
                                                                GError              **error);
SHEATH_AVAILABLE_IN_ALL
guint             sheath_morphometrics_get_n_other_regions     (SheathMorphometrics  *self,
                                                                SheathLabel           label);
SHEATH_AVAILABLE_IN_ALL
const SheathAxon *sheath_morphometrics_get_other_region        (SheathMorphometrics  *self,
                                                                SheathLabel           label,
                                                                guint                 index);
SHEATH_AVAILABLE_IN_ALL
gboolean          sheath_morphometrics_write_other_regions_csv (SheathMorphometrics  *self,
                                                                SheathLabel           label,
                                                                const char           *path,
                                                                GError              **error);

G_END_DECLS
