/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A read-only view of a .safetensors file: an 8-byte little-endian header
 * length, a JSON header, then the raw tensor bytes. Everything the header
 * claims is checked against the file before anything is read. */
typedef struct _SheathSafetensors SheathSafetensors;

SheathSafetensors *_sheath_safetensors_open          (GFile              *file,
                                                      GError            **error);
void               _sheath_safetensors_free          (SheathSafetensors  *self);
const char        *_sheath_safetensors_get_name      (SheathSafetensors  *self);

/* The __metadata__ map (string to string); NULL if absent. */
GHashTable        *_sheath_safetensors_get_metadata  (SheathSafetensors  *self);
const char        *_sheath_safetensors_get_meta      (SheathSafetensors  *self,
                                                      const char         *key);
gboolean           _sheath_safetensors_has_tensor    (SheathSafetensors  *self,
                                                      const char         *name);

/* Checks that tensor @name exists with exactly the shape given (n_dims
 * entries of dims), without reading it. */
gboolean           _sheath_safetensors_check_tensor  (SheathSafetensors  *self,
                                                      const char         *name,
                                                      guint               n_dims,
                                                      const gint64       *dims,
                                                      GError            **error);

/* Copies a checked tensor into @dest as F32 (converting F16). */
void               _sheath_safetensors_read_f32      (SheathSafetensors  *self,
                                                      const char         *name,
                                                      float              *dest);

float              _sheath_half_to_float             (guint16             h);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SheathSafetensors, _sheath_safetensors_free)

/* A copy of @source at @path (which may be @source) with these
 * __metadata__ keys set to these strings; the tensors are untouched.
 * Written whole to a temporary file and renamed. */
gboolean _sheath_safetensors_rewrite_metadata (const char  *source,
                                               const char  *path,
                                               GHashTable  *changes,
                                               GError     **error);

G_END_DECLS

G_BEGIN_DECLS

/* Writes tensors (F32) and string metadata as a .safetensors file, through a
 * temporary file renamed into place: an existing file is never left half
 * written. names, shapes and data are parallel arrays of n_tensors. */
typedef struct
{
  const char   *name;
  guint         n_dims;
  gint64        dims[4];
  const float  *data;
  gboolean      half;   /* store as F16 */
} SheathTensorOut;

guint16  _sheath_float_to_half     (float                  f);

gboolean _sheath_safetensors_write (const char            *path,
                                    GHashTable            *metadata,
                                    const SheathTensorOut *tensors,
                                    guint                  n_tensors,
                                    GError               **error);

G_END_DECLS
