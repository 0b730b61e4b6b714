/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-safetensors"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sheath-error.h"
#include "sheath-safetensors-private.h"

/* A model header is a few kilobytes; anything near this is hostile. */
#define MAX_HEADER_BYTES (16u << 20)
#define MAX_DIMS         8

typedef enum { DTYPE_F32, DTYPE_F16 } Dtype;

typedef struct
{
  Dtype   dtype;
  guint   n_dims;
  gint64  dims[MAX_DIMS];
  guint64 begin;
  guint64 end;
} TensorInfo;

struct _SheathSafetensors
{
  char         *name;
  GMappedFile  *mapped;
  const guint8 *data;       /* first byte after the header */
  guint64       data_size;
  GHashTable   *tensors;    /* name → TensorInfo */
  GHashTable   *metadata;   /* string → string, or NULL */
};

static gboolean
parse_tensor (SheathSafetensors  *self,
              const char         *tensor_name,
              JsonNode           *node,
              TensorInfo         *info,
              GError            **error)
{
  JsonObject *obj;
  JsonArray *shape;
  JsonArray *offsets;
  const char *dtype;
  guint64 n_elems = 1;
  guint64 elem_size;

#define FAIL(...) G_STMT_START { \
    g_autofree char *detail_ = g_strdup_printf (__VA_ARGS__); \
    g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL, \
                 _ ("Model '%s' is damaged: tensor '%s' %s"), self->name, tensor_name, detail_); \
    return FALSE; \
  } G_STMT_END

  if (!JSON_NODE_HOLDS_OBJECT (node))
    FAIL (_ ("is not described by an object"));
  obj = json_node_get_object (node);

  if (!json_object_has_member (obj, "dtype") ||
      !JSON_NODE_HOLDS_VALUE (json_object_get_member (obj, "dtype")) ||
      json_node_get_value_type (json_object_get_member (obj, "dtype")) != G_TYPE_STRING)
    FAIL (_ ("has no dtype"));
  dtype = json_object_get_string_member (obj, "dtype");
  if (g_str_equal (dtype, "F32"))
    info->dtype = DTYPE_F32, elem_size = 4;
  else if (g_str_equal (dtype, "F16"))
    info->dtype = DTYPE_F16, elem_size = 2;
  else
    FAIL (_ ("has dtype %s; Sheath reads F32 and F16"), dtype);

  if (!json_object_has_member (obj, "shape") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "shape")))
    FAIL (_ ("has no shape"));
  shape = json_object_get_array_member (obj, "shape");
  info->n_dims = json_array_get_length (shape);
  if (info->n_dims > MAX_DIMS)
    FAIL (_ ("has %u dimensions"), info->n_dims);
  for (guint i = 0; i < info->n_dims; i++)
    {
      JsonNode *d = json_array_get_element (shape, i);

      if (!JSON_NODE_HOLDS_VALUE (d) || json_node_get_value_type (d) != G_TYPE_INT64 ||
          json_node_get_int (d) < 0 || json_node_get_int (d) > (G_GINT64_CONSTANT (1) << 32))
        FAIL (_ ("has an invalid shape"));
      info->dims[i] = json_node_get_int (d);
      if (info->dims[i] != 0 && n_elems > G_MAXUINT64 / 8 / (guint64) info->dims[i])
        FAIL (_ ("is impossibly large"));
      n_elems *= (guint64) info->dims[i];
    }

  if (!json_object_has_member (obj, "data_offsets") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "data_offsets")))
    FAIL (_ ("has no data_offsets"));
  offsets = json_object_get_array_member (obj, "data_offsets");
  if (json_array_get_length (offsets) != 2)
    FAIL (_ ("has invalid data_offsets"));
  for (guint i = 0; i < 2; i++)
    {
      JsonNode *o = json_array_get_element (offsets, i);

      if (!JSON_NODE_HOLDS_VALUE (o) || json_node_get_value_type (o) != G_TYPE_INT64 ||
          json_node_get_int (o) < 0)
        FAIL (_ ("has invalid data_offsets"));
    }
  info->begin = (guint64) json_array_get_int_element (offsets, 0);
  info->end = (guint64) json_array_get_int_element (offsets, 1);

  if (info->begin > info->end || info->end > self->data_size)
    FAIL ("lies outside the file (bytes %" G_GUINT64_FORMAT "–%" G_GUINT64_FORMAT
          " of %" G_GUINT64_FORMAT "); the file may be truncated",
          info->begin, info->end, self->data_size);
  if (info->end - info->begin != n_elems * elem_size)
    FAIL ("holds %" G_GUINT64_FORMAT " bytes but its shape needs %" G_GUINT64_FORMAT,
          info->end - info->begin, n_elems * elem_size);

#undef FAIL
  return TRUE;
}

static gboolean
parse_metadata (SheathSafetensors  *self,
                JsonNode           *node,
                GError            **error)
{
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                   _ ("Model '%s' is damaged: __metadata__ is not an object"), self->name);
      return FALSE;
    }

  self->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &key, &value))
    {
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        {
          g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                       _ ("Model '%s' is damaged: metadata '%s' is not a string"), self->name, key);
          return FALSE;
        }
      g_hash_table_insert (self->metadata, g_strdup (key), g_strdup (json_node_get_string (value)));
    }

  return TRUE;
}

SheathSafetensors *
_sheath_safetensors_open (GFile   *file,
                          GError **error)
{
  g_autoptr(SheathSafetensors) self = g_new0 (SheathSafetensors, 1);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = g_file_get_path (file);
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;
  const guint8 *bytes;
  gsize length;
  guint64 header_len = 0;

  self->name = g_file_get_parse_name (file);
  self->tensors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (path == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                   _ ("Model '%s' is not a local file"), self->name);
      return NULL;
    }

  self->mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (self->mapped == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                   _ ("Cannot open model '%s': %s"), self->name, local_error->message);
      return NULL;
    }

  bytes = (const guint8 *) g_mapped_file_get_contents (self->mapped);
  length = g_mapped_file_get_length (self->mapped);
  if (length < 8)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                   "Model '%s' is not a .safetensors file (only %" G_GSIZE_FORMAT " bytes)",
                   self->name, length);
      return NULL;
    }

  for (guint i = 0; i < 8; i++)
    header_len |= (guint64) bytes[i] << (8 * i);
  if (header_len < 2 || header_len > MAX_HEADER_BYTES || header_len > length - 8)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                   "Model '%s' is not a .safetensors file or is truncated "
                   "(header of %" G_GUINT64_FORMAT " bytes in a file of %" G_GSIZE_FORMAT ")",
                   self->name, header_len, length);
      return NULL;
    }

  self->data = bytes + 8 + header_len;
  self->data_size = length - 8 - header_len;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, (const char *) bytes + 8, (gssize) header_len, &local_error))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                   _ ("Model '%s' has a damaged header: %s"), self->name, local_error->message);
      return NULL;
    }

  node = json_parser_get_root (parser);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                   _ ("Model '%s' has a damaged header: not a JSON object"), self->name);
      return NULL;
    }

  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &name, &node))
    {
      TensorInfo info = { 0 };

      if (g_str_equal (name, "__metadata__"))
        {
          if (!parse_metadata (self, node, error))
            return NULL;
          continue;
        }

      if (!parse_tensor (self, name, node, &info, error))
        return NULL;
      g_hash_table_insert (self->tensors, g_strdup (name), g_memdup2 (&info, sizeof info));
    }

  return g_steal_pointer (&self);
}

void
_sheath_safetensors_free (SheathSafetensors *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->mapped, g_mapped_file_unref);
  g_clear_pointer (&self->tensors, g_hash_table_unref);
  g_clear_pointer (&self->metadata, g_hash_table_unref);
  g_free (self->name);
  g_free (self);
}

const char *
_sheath_safetensors_get_name (SheathSafetensors *self)
{
  return self->name;
}

GHashTable *
_sheath_safetensors_get_metadata (SheathSafetensors *self)
{
  return self->metadata;
}

const char *
_sheath_safetensors_get_meta (SheathSafetensors *self,
                              const char        *key)
{
  return self->metadata ? g_hash_table_lookup (self->metadata, key) : NULL;
}

gboolean
_sheath_safetensors_has_tensor (SheathSafetensors *self,
                                const char        *name)
{
  return g_hash_table_contains (self->tensors, name);
}

static char *
format_shape (guint         n_dims,
              const gint64 *dims)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < n_dims; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? ", " : "", dims[i]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

gboolean
_sheath_safetensors_check_tensor (SheathSafetensors  *self,
                                  const char         *name,
                                  guint               n_dims,
                                  const gint64       *dims,
                                  GError            **error)
{
  const TensorInfo *info = g_hash_table_lookup (self->tensors, name);

  if (info == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                   _ ("Model '%s' lacks tensor '%s'"), self->name, name);
      return FALSE;
    }

  if (info->n_dims != n_dims || memcmp (info->dims, dims, n_dims * sizeof (gint64)) != 0)
    {
      g_autofree char *want = format_shape (n_dims, dims);
      g_autofree char *have = format_shape (info->n_dims, info->dims);

      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                   _ ("Model '%s' has tensor '%s' of shape %s where its architecture needs %s"),
                   self->name, name, have, want);
      return FALSE;
    }

  return TRUE;
}

float
_sheath_half_to_float (guint16 h)
{
  guint32 sign = (guint32) (h & 0x8000) << 16;
  guint32 exponent = (h >> 10) & 0x1f;
  guint32 mantissa = h & 0x3ff;
  guint32 bits;
  float f;

  if (exponent == 0)
    {
      /* zero or subnormal: value = mantissa * 2^-24 */
      f = ldexpf ((float) mantissa, -24);
      return sign ? -f : f;
    }
  if (exponent == 31)
    bits = sign | 0x7f800000u | (mantissa << 13);
  else
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);

  memcpy (&f, &bits, sizeof f);
  return f;
}

/* Round to nearest, ties to even; overflow goes to infinity. */
guint16
_sheath_float_to_half (float f)
{
  guint32 x, sign, mant;
  gint32 exp;

  memcpy (&x, &f, sizeof x);
  sign = (x >> 16) & 0x8000;
  exp = (gint32) ((x >> 23) & 0xff) - 127 + 15;
  mant = x & 0x7fffff;

  if (((x >> 23) & 0xff) == 0xff)
    return (guint16) (sign | 0x7c00 | (mant ? 0x200 : 0));
  if (exp >= 31)
    return (guint16) (sign | 0x7c00);
  if (exp <= 0)
    {
      guint32 shift, half_mant, rest, halfway;

      if (exp < -10)
        return (guint16) sign;
      mant |= 0x800000;
      shift = (guint32) (14 - exp);
      half_mant = mant >> shift;
      rest = mant & ((1u << shift) - 1);
      halfway = 1u << (shift - 1);
      if (rest > halfway || (rest == halfway && (half_mant & 1)))
        half_mant++;
      return (guint16) (sign | half_mant);
    }
  {
    guint32 h = sign | ((guint32) exp << 10) | (mant >> 13);
    guint32 rest = mant & 0x1fff;

    if (rest > 0x1000 || (rest == 0x1000 && (h & 1)))
      h++;   /* may carry into the exponent, which is right */
    return (guint16) h;
  }
}

void
_sheath_safetensors_read_f32 (SheathSafetensors *self,
                              const char        *name,
                              float             *dest)
{
  const TensorInfo *info = g_hash_table_lookup (self->tensors, name);
  const guint8 *src;
  guint64 n;

  g_return_if_fail (info != NULL);

  src = self->data + info->begin;
  if (info->dtype == DTYPE_F32)
    {
      memcpy (dest, src, info->end - info->begin);
      return;
    }

  n = (info->end - info->begin) / 2;
  for (guint64 i = 0; i < n; i++)
    {
      guint16 h = (guint16) (src[2 * i] | (src[2 * i + 1] << 8));
      dest[i] = _sheath_half_to_float (h);
    }
}

static int
compare_tensor_out (gconstpointer a,
                    gconstpointer b)
{
  return strcmp (((const SheathTensorOut *) a)->name, ((const SheathTensorOut *) b)->name);
}

/* The header's length, then the header padded with spaces so that the
 * tensors' data is 8-byte aligned. */
static void
append_header (GByteArray *bytes,
               const char *header,
               gsize       header_len)
{
  gsize padded = (header_len + 7) / 8 * 8;
  guint8 len_bytes[8];

  for (guint i = 0; i < 8; i++)
    len_bytes[i] = (guint8) ((guint64) padded >> (8 * i));
  g_byte_array_append (bytes, len_bytes, 8);
  g_byte_array_append (bytes, (const guint8 *) header, header_len);
  for (gsize i = header_len; i < padded; i++)
    g_byte_array_append (bytes, (const guint8 *) " ", 1);
}

gboolean
_sheath_safetensors_write (const char            *path,
                           GHashTable            *metadata,
                           const SheathTensorOut *tensors,
                           guint                  n_tensors,
                           GError               **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autofree SheathTensorOut *sorted = g_memdup2 (tensors, sizeof *tensors * n_tensors);
  g_autofree char *header = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize header_len;
  guint64 offset = 0;

  qsort (sorted, n_tensors, sizeof *sorted, compare_tensor_out);

  json_builder_begin_object (builder);
  if (metadata != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      json_builder_set_member_name (builder, "__metadata__");
      json_builder_begin_object (builder);
      g_hash_table_iter_init (&iter, metadata);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          json_builder_set_member_name (builder, key);
          json_builder_add_string_value (builder, value);
        }
      json_builder_end_object (builder);
    }

  for (guint i = 0; i < n_tensors; i++)
    {
      guint64 n = 1;

      for (guint d = 0; d < sorted[i].n_dims; d++)
        n *= (guint64) sorted[i].dims[d];

      json_builder_set_member_name (builder, sorted[i].name);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "dtype");
      json_builder_add_string_value (builder, sorted[i].half ? "F16" : "F32");
      json_builder_set_member_name (builder, "shape");
      json_builder_begin_array (builder);
      for (guint d = 0; d < sorted[i].n_dims; d++)
        json_builder_add_int_value (builder, sorted[i].dims[d]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "data_offsets");
      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, (gint64) offset);
      json_builder_add_int_value (builder, (gint64) (offset + n * (sorted[i].half ? 2 : 4)));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      offset += n * (sorted[i].half ? 2 : 4);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  header = json_generator_to_data (generator, &header_len);

  append_header (bytes, header, header_len);

  for (guint i = 0; i < n_tensors; i++)
    {
      guint64 n = 1;

      for (guint d = 0; d < sorted[i].n_dims; d++)
        n *= (guint64) sorted[i].dims[d];
      if (!sorted[i].half)
        g_byte_array_append (bytes, (const guint8 *) sorted[i].data, n * 4);
      else
        for (guint64 k = 0; k < n; k++)
          {
            guint16 h = _sheath_float_to_half (sorted[i].data[k]);
            guint8 le[2] = { h & 0xff, h >> 8 };
            g_byte_array_append (bytes, le, 2);
          }
    }

  /* g_file_set_contents() writes a temporary file, fsyncs and renames. */
  if (!g_file_set_contents_full (path, (const char *) bytes->data, bytes->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0644, &local_error))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE,
                   _ ("Cannot write model '%s': %s"), path, local_error->message);
      return FALSE;
    }

  return TRUE;
}

gboolean
_sheath_safetensors_rewrite_metadata (const char  *source,
                                      const char  *path,
                                      GHashTable  *changes,
                                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autofree char *contents = NULL;
  g_autofree char *header = NULL;
  JsonObject *root, *meta;
  GHashTableIter iter;
  gpointer key, value;
  gsize length, header_len;
  guint64 old_len = 0;

  if (!g_file_get_contents (source, &contents, &length, &local_error))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL, _ ("Cannot read model '%s': %s"),
                   source, local_error->message);
      return FALSE;
    }
  for (guint i = 0; i < 8 && i < length; i++)
    old_len |= (guint64) (guint8) contents[i] << (8 * i);
  if (length < 8 || old_len > length - 8 ||
      !json_parser_load_from_data (parser, contents + 8, (gssize) old_len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL,
                   _ ("'%s' is not a .safetensors file: its header is unreadable"), source);
      return FALSE;
    }

  /* the tensors' offsets count from the end of the header: they stay */
  root = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (root, "__metadata__"))
    json_object_set_object_member (root, "__metadata__", json_object_new ());
  meta = json_object_get_object_member (root, "__metadata__");
  g_hash_table_iter_init (&iter, changes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    json_object_set_string_member (meta, key, value);
  json_generator_set_root (generator, json_parser_get_root (parser));
  header = json_generator_to_data (generator, &header_len);

  append_header (bytes, header, header_len);
  g_byte_array_append (bytes, (const guint8 *) contents + 8 + old_len, length - 8 - old_len);

  if (!g_file_set_contents_full (path, (const char *) bytes->data, bytes->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0644, &local_error))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE,
                   _ ("Cannot write model '%s': %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}
