/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(SHEATH_INSIDE) && !defined(SHEATH_COMPILATION)
# error "Only <sheath.h> can be included directly."
#endif

#include <glib.h>

#include "sheath-version.h"

G_BEGIN_DECLS

#define SHEATH_ERROR (sheath_error_quark ())

/**
 * SheathError:
 * @SHEATH_ERROR_FAILED: a failure that fits no other code
 * @SHEATH_ERROR_INVALID_IMAGE: the file is not an image Sheath can read, or it is damaged
 * @SHEATH_ERROR_UNSUPPORTED_IMAGE: a valid image of a kind Sheath does not handle
 * @SHEATH_ERROR_IMAGE_TOO_LARGE: the image is empty or larger than Sheath accepts
 * @SHEATH_ERROR_NO_PIXEL_SIZE: the image's pixel size is unknown and is needed
 * @SHEATH_ERROR_INVALID_PIXEL_SIZE: a pixel size was given or found that is not usable
 * @SHEATH_ERROR_INVALID_MODEL: the model file is damaged or not a Sheath model
 * @SHEATH_ERROR_UNSUPPORTED_MODEL: a valid model of an architecture Sheath does not know
 * @SHEATH_ERROR_OUT_OF_MEMORY: not enough memory for the operation
 * @SHEATH_ERROR_WRITE: an output file could not be written
 * @SHEATH_ERROR_INVALID_ARGUMENT: an option or argument is out of range
 *
 * Errors of libsheath. Cancellation is reported as %G_IO_ERROR_CANCELLED.
 */
typedef enum
{
  SHEATH_ERROR_FAILED,
  SHEATH_ERROR_INVALID_IMAGE,
  SHEATH_ERROR_UNSUPPORTED_IMAGE,
  SHEATH_ERROR_IMAGE_TOO_LARGE,
  SHEATH_ERROR_NO_PIXEL_SIZE,
  SHEATH_ERROR_INVALID_PIXEL_SIZE,
  SHEATH_ERROR_INVALID_MODEL,
  SHEATH_ERROR_UNSUPPORTED_MODEL,
  SHEATH_ERROR_OUT_OF_MEMORY,
  SHEATH_ERROR_WRITE,
  SHEATH_ERROR_INVALID_ARGUMENT,
} SheathError;

SHEATH_AVAILABLE_IN_ALL
GQuark sheath_error_quark (void);

G_END_DECLS
