/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <math.h>

G_BEGIN_DECLS

/* xoshiro256** (Blackman & Vigna): small, fast, and its whole state fits
 * in a checkpoint, so that a resumed training run draws exactly the
 * patches the uninterrupted one would have. */
typedef struct
{
  guint64 s[4];
} SheathRng;

static inline guint64
_sheath_rng_rotl (guint64 x,
                  int     k)
{
  return (x << k) | (x >> (64 - k));
}

static inline void
_sheath_rng_seed (SheathRng *rng,
                  guint64    seed)
{
  /* splitmix64 to spread the seed over the state */
  for (guint i = 0; i < 4; i++)
    {
      guint64 z = (seed += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));
      z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
      z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
      rng->s[i] = z ^ (z >> 31);
    }
}

static inline guint64
_sheath_rng_next (SheathRng *rng)
{
  guint64 *s = rng->s;
  guint64 result = _sheath_rng_rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = _sheath_rng_rotl (s[3], 45);
  return result;
}

/* uniform in [0, 1) */
static inline double
_sheath_rng_uniform (SheathRng *rng)
{
  return (_sheath_rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);
}

static inline double
_sheath_rng_range (SheathRng *rng,
                   double     lo,
                   double     hi)
{
  return lo + (hi - lo) * _sheath_rng_uniform (rng);
}

static inline guint
_sheath_rng_below (SheathRng *rng,
                   guint      n)
{
  return n ? (guint) (_sheath_rng_uniform (rng) * n) : 0;
}

static inline double
_sheath_rng_normal (SheathRng *rng)
{
  double u1 = MAX (_sheath_rng_uniform (rng), 1e-300), u2 = _sheath_rng_uniform (rng);
  return sqrt (-2.0 * log (u1)) * cos (2 * G_PI * u2);
}

static inline char *
_sheath_rng_to_string (const SheathRng *rng)
{
  return g_strdup_printf ("%016" G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER
                          "x%016" G_GINT64_MODIFIER "x", rng->s[0], rng->s[1], rng->s[2], rng->s[3]);
}

static inline gboolean
_sheath_rng_from_string (SheathRng  *rng,
                         const char *s)
{
  if (s == NULL || strlen (s) != 64)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      char part[17];
      char *end = NULL;

      memcpy (part, s + 16 * i, 16);
      part[16] = '\0';
      rng->s[i] = g_ascii_strtoull (part, &end, 16);
      if (end != part + 16)
        return FALSE;
    }
  return TRUE;
}

G_END_DECLS
