/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if !defined(SHEATH_INSIDE) && !defined(SHEATH_COMPILATION)
# error "Only <sheath.h> can be included directly."
#endif

/* The limits the engine holds to, in one place: the CLI and the app check
 * their inputs against these rather than against copies. */

/**
 * SHEATH_MAX_THREADS:
 *
 * The most worker threads a segmenter or a trainer runs (0 asks for one per
 * processor).
 */
#define SHEATH_MAX_THREADS 256

/**
 * SHEATH_MIN_TILE_SIZE:
 *
 * The smallest tile side a segmenter takes, in the model's pixels.
 */
#define SHEATH_MIN_TILE_SIZE 64

/**
 * SHEATH_MAX_TILE_SIZE:
 *
 * The largest tile side a segmenter takes, in the model's pixels.
 */
#define SHEATH_MAX_TILE_SIZE 4096

/**
 * SHEATH_MIN_PIXEL_SIZE:
 *
 * The smallest plausible pixel size, in micrometres (10 pm).
 */
#define SHEATH_MIN_PIXEL_SIZE 1e-5

/**
 * SHEATH_MAX_PIXEL_SIZE:
 *
 * The largest plausible pixel size, in micrometres (1 mm).
 */
#define SHEATH_MAX_PIXEL_SIZE 1000.0
