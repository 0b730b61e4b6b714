/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <json-glib/json-glib.h>
#include <sheath.h>
#include <string.h>

#include "test-util.h"

static SheathModel *
load_model (const char  *path,
            GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  return sheath_model_new_from_file (file, error);
}

static void
test_model_metadata (void)
{
  g_autofree char *path = test_golden_path ("unet-golden.safetensors");
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathModel) model = load_model (path, &error);
  g_auto(GStrv) keys = NULL;
  g_autofree char *modality = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (sheath_model_get_architecture (model), ==, "unet");
  g_assert_cmpuint (sheath_model_get_depth (model), ==, 3);
  g_assert_cmpuint (sheath_model_get_base_channels (model), ==, 6);
  g_assert_cmpuint (sheath_model_get_in_channels (model), ==, 1);
  g_assert_cmpuint (sheath_model_get_n_classes (model), ==, 3);
  g_assert_cmpstr (sheath_model_get_class_names (model)[1], ==, "myelin");
  g_assert_cmpstr (sheath_model_get_class_names (model)[2], ==, "axon");
  g_assert_cmpfloat (sheath_model_get_pixel_size (model), ==, 0.1);
  g_assert_cmpstr (sheath_model_get_modality (model), ==, "SEM");
  g_assert_cmpint (sheath_model_get_normalization (model), ==, SHEATH_NORMALIZATION_IMAGE_ZSCORE);
  g_assert_cmpuint (sheath_model_get_n_parameters (model), >, 10000);
  keys = sheath_model_dup_metadata_keys (model);
  g_assert_cmpstr (keys[0], ==, "architecture");
  modality = sheath_model_dup_metadata_value (model, "modality");
  g_assert_cmpstr (modality, ==, "SEM");
}

typedef struct
{
  JsonObject *header;
  GBytes     *data;
} Parts;

static void
parts_clear (Parts *parts)
{
  g_clear_pointer (&parts->header, json_object_unref);
  g_clear_pointer (&parts->data, g_bytes_unref);
}

static void
read_parts (Parts *parts)
{
  g_autofree char *path = test_golden_path ("unet-golden.safetensors");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  guint64 n = 0;
  gsize len;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 8; i++)
    n |= (guint64) (guint8) contents[i] << (8 * i);
  json_parser_load_from_data (parser, contents + 8, (gssize) n, &error);
  g_assert_no_error (error);
  parts->header = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  parts->data = g_bytes_new (contents + 8 + n, len - 8 - n);
}

static char *
write_parts (const char *dir,
             const char *name,
             Parts      *parts)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *json = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);
  guint8 len[8];
  gsize n;

  json_node_set_object (root, parts->header);
  json = json_to_string (root, FALSE);
  n = strlen (json);
  for (guint i = 0; i < 8; i++)
    len[i] = (guint8) (n >> (8 * i));
  g_byte_array_append (out, len, 8);
  g_byte_array_append (out, (const guint8 *) json, n);
  g_byte_array_append (out, g_bytes_get_data (parts->data, NULL), g_bytes_get_size (parts->data));
  g_file_set_contents (path, (const char *) out->data, out->len, &error);
  g_assert_no_error (error);
  return path;
}

static void
assert_model_error (const char *path,
                    gint        code,
                    const char *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathModel) model = load_model (path, &error);

  g_assert_null (model);
  g_assert_error (error, SHEATH_ERROR, code);
  g_test_message ("%s", error->message);
  /* every message names the file */
  g_assert_nonnull (strstr (error->message, ".safetensors"));
  if (needle)
    g_assert_nonnull (strstr (error->message, needle));
}

static JsonObject *
meta (Parts *parts)
{
  return json_object_get_object_member (parts->header, "__metadata__");
}

static void
test_model_hostile (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *golden = test_golden_path ("unet-golden.safetensors");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  g_file_get_contents (golden, &contents, &len, &error);
  g_assert_no_error (error);

  /* truncated anywhere */
  {
    gsize cuts[] = { 0, 5, 100, len / 2, len - 1 };

    for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
      {
        g_autofree char *path = g_strdup_printf ("%s/cut%u.safetensors", dir, i);

        g_file_set_contents (path, contents, cuts[i], &error);
        g_assert_no_error (error);
        assert_model_error (path, SHEATH_ERROR_INVALID_MODEL, NULL);
      }
  }

  /* a header length of a terabyte */
  {
    g_autofree char *path = g_build_filename (dir, "huge-header.safetensors", NULL);
    char *copy = g_memdup2 (contents, len);

    memset (copy, 0, 8);
    copy[5] = 1;
    g_file_set_contents (path, copy, len, &error);
    g_assert_no_error (error);
    g_free (copy);
    assert_model_error (path, SHEATH_ERROR_INVALID_MODEL, "truncated");
  }

  /* not JSON */
  {
    g_autofree char *path = g_build_filename (dir, "garbage.safetensors", NULL);
    char *copy = g_memdup2 (contents, len);

    memset (copy + 8, '{', 40);
    g_file_set_contents (path, copy, len, &error);
    g_assert_no_error (error);
    g_free (copy);
    assert_model_error (path, SHEATH_ERROR_INVALID_MODEL, "header");
  }

  {
    static const struct { const char *what; gint code; const char *needle; } cases[] = {
      { "missing-tensor", SHEATH_ERROR_INVALID_MODEL, "head.bias" },
      { "wrong-shape", SHEATH_ERROR_INVALID_MODEL, "head.weight" },
      { "offsets-out-of-range", SHEATH_ERROR_INVALID_MODEL, "outside" },
      { "bad-dtype", SHEATH_ERROR_INVALID_MODEL, "I64" },
      { "unknown-architecture", SHEATH_ERROR_UNSUPPORTED_MODEL, "resnet" },
      { "absurd-depth", SHEATH_ERROR_UNSUPPORTED_MODEL, "depth" },
      { "absurd-width", SHEATH_ERROR_UNSUPPORTED_MODEL, "base_channels" },
      { "bad-pixel-size", SHEATH_ERROR_INVALID_MODEL, "pixel_size_um" },
      { "no-metadata", SHEATH_ERROR_INVALID_MODEL, "__metadata__" },
      { "no-axon-class", SHEATH_ERROR_UNSUPPORTED_MODEL, "axon" },
      { "negative-shape", SHEATH_ERROR_INVALID_MODEL, "shape" },
      /* a byte range that disagrees with the shape: reading the shape's
       * worth of values would run past the tensor (or the file) */
      { "range-short-of-shape", SHEATH_ERROR_INVALID_MODEL, "holds 4 bytes but its shape needs" },
      { "shape-beyond-range", SHEATH_ERROR_INVALID_MODEL, "but its shape needs 400000" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        Parts parts = { 0 };
        g_autofree char *name = g_strdup_printf ("%s.safetensors", cases[i].what);
        g_autofree char *path = NULL;
        const char *what = cases[i].what;

        read_parts (&parts);
        if (g_str_equal (what, "missing-tensor"))
          json_object_remove_member (parts.header, "head.bias");
        else if (g_str_equal (what, "wrong-shape"))
          {
            JsonArray *shape = json_array_new ();
            json_array_add_int_element (shape, 3);
            json_array_add_int_element (shape, 2);
            json_array_add_int_element (shape, 3);
            json_array_add_int_element (shape, 1);
            json_object_set_array_member (json_object_get_object_member (parts.header, "head.weight"),
                                          "shape", shape);
          }
        else if (g_str_equal (what, "offsets-out-of-range"))
          {
            JsonArray *offsets = json_array_new ();
            json_array_add_int_element (offsets, 0);
            json_array_add_int_element (offsets, G_GINT64_CONSTANT (1) << 40);
            json_object_set_array_member (json_object_get_object_member (parts.header, "head.bias"),
                                          "data_offsets", offsets);
          }
        else if (g_str_equal (what, "bad-dtype"))
          json_object_set_string_member (json_object_get_object_member (parts.header, "head.bias"),
                                         "dtype", "I64");
        else if (g_str_equal (what, "range-short-of-shape"))
          {
            JsonArray *offsets = json_array_new ();
            json_array_add_int_element (offsets, 0);
            json_array_add_int_element (offsets, 4);
            json_object_set_array_member (json_object_get_object_member (parts.header, "head.bias"),
                                          "data_offsets", offsets);
          }
        else if (g_str_equal (what, "shape-beyond-range"))
          {
            JsonArray *shape = json_array_new ();
            json_array_add_int_element (shape, 100000);
            json_object_set_array_member (json_object_get_object_member (parts.header, "head.bias"),
                                          "shape", shape);
          }
        else if (g_str_equal (what, "negative-shape"))
          {
            JsonArray *shape = json_array_new ();
            json_array_add_int_element (shape, -3);
            json_object_set_array_member (json_object_get_object_member (parts.header, "head.bias"),
                                          "shape", shape);
          }
        else if (g_str_equal (what, "unknown-architecture"))
          json_object_set_string_member (meta (&parts), "architecture", "resnet");
        else if (g_str_equal (what, "absurd-depth"))
          json_object_set_string_member (meta (&parts), "depth", "100");
        else if (g_str_equal (what, "absurd-width"))
          json_object_set_string_member (meta (&parts), "base_channels", "100000");
        else if (g_str_equal (what, "bad-pixel-size"))
          json_object_set_string_member (meta (&parts), "pixel_size_um", "-1");
        else if (g_str_equal (what, "no-axon-class"))
          json_object_set_string_member (meta (&parts), "classes", "background,myelin,nucleus");
        else if (g_str_equal (what, "no-metadata"))
          json_object_remove_member (parts.header, "__metadata__");

        path = write_parts (dir, name, &parts);
        assert_model_error (path, cases[i].code, cases[i].needle);
        parts_clear (&parts);
      }
  }

  /* not a model at all */
  {
    g_autofree char *path = g_build_filename (dir, "image.safetensors", NULL);

    g_file_set_contents (path, "\x89PNG\r\n\x1a\n not a model", -1, &error);
    g_assert_no_error (error);
    assert_model_error (path, SHEATH_ERROR_INVALID_MODEL, NULL);
  }

  test_remove_tree (dir);
}

static void
test_model_builtin_missing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathModel) model = sheath_model_new_builtin ("no-such-model", &error);

  g_assert_null (model);
  g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL);
  g_assert_null (sheath_model_find_builtin ("../etc/passwd"));
}

/* The header alone, for listing models; what is not a model says so. */
static void
test_model_read_metadata (void)
{
  g_autofree char *path = test_golden_path ("unet-golden.safetensors");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GHashTable) meta = NULL;
  g_autoptr(SheathModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *junk = g_build_filename (dir, "junk.safetensors", NULL);
  g_autoptr(GFile) junk_file = g_file_new_for_path (junk);

  meta = sheath_model_read_metadata (file, &error);
  g_assert_no_error (error);
  model = sheath_model_new_from_file (file, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (g_ascii_strtod (g_hash_table_lookup (meta, "pixel_size_um"), NULL), ==,
                     sheath_model_get_pixel_size (model));
  g_assert_cmpstr (g_hash_table_lookup (meta, "modality"), ==, sheath_model_get_modality (model));

  g_assert_true (g_file_set_contents (junk, "not a model", -1, NULL));
  g_assert_null (sheath_model_read_metadata (junk_file, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* a valid safetensors file without __metadata__ (it crashed the model
   * picker's reading of headers; found by fuzz-safetensors) */
  {
    static const char bare[] = "{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    g_autoptr(GByteArray) bytes = g_byte_array_new ();
    guint8 len[8] = { sizeof bare - 1 };

    g_byte_array_append (bytes, len, 8);
    g_byte_array_append (bytes, (const guint8 *) bare, sizeof bare - 1);
    g_byte_array_append (bytes, (const guint8 *) "\0\0\0\0", 4);
    g_assert_true (g_file_set_contents (junk, (const char *) bytes->data, bytes->len, NULL));
    g_assert_null (sheath_model_read_metadata (junk_file, &error));
    g_assert_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_MODEL);
    g_assert_nonnull (strstr (error->message, "__metadata__"));
  }
  test_remove_tree (dir);
}

/* A model suits an image of its modality at about its pixel size; the
 * picker marks the rest, and the app warns before segmenting off scale
 * (the TEM image at 0.00493 µm under the SEM model at 0.1 µm: 20×). */
static void
test_model_fit (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *tem_path = g_build_filename (dir, "sub-370_sample-0001_TEM.png", NULL);
  g_autofree char *plain_path = g_build_filename (dir, "crop.png", NULL);
  g_autoptr(GFile) tem_file = g_file_new_for_path (tem_path);
  g_autoptr(GFile) plain_file = g_file_new_for_path (plain_path);
  g_autoptr(SheathImage) tem = NULL, plain = NULL;
  g_autoptr(GError) error = NULL;
  double scale = -1;

  g_file_set_contents (tem_path, (const char *) test_tiny_png, sizeof test_tiny_png, &error);
  g_file_set_contents (plain_path, (const char *) test_tiny_png, sizeof test_tiny_png, &error);
  g_assert_no_error (error);
  tem = sheath_image_new_from_file (tem_file, &error);
  plain = sheath_image_new_from_file (plain_file, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sheath_image_get_modality (tem), ==, "TEM");
  g_assert_null (sheath_image_get_modality (plain));

  /* no pixel size: nothing can be said */
  g_assert_cmpint (sheath_model_fit_image ("SEM", 0.1, tem, &scale), ==, SHEATH_MODEL_FIT_UNKNOWN);
  g_assert_cmpfloat (scale, ==, 0);

  g_assert_true (sheath_image_set_pixel_size (tem, 0.00493, NULL));
  g_assert_cmpint (sheath_model_fit_image ("SEM", 0.1, tem, &scale), ==, SHEATH_MODEL_FIT_OFF_SCALE);
  g_assert_cmpfloat_with_epsilon (scale, 0.0493, 1e-9);
  g_assert_cmpint (sheath_model_fit_image ("TEM", 0.00986, tem, NULL), ==, SHEATH_MODEL_FIT_GOOD);
  g_assert_cmpint (sheath_model_fit_image ("SEM", 0.00986, tem, NULL), ==, SHEATH_MODEL_FIT_OTHER_MODALITY);
  g_assert_cmpint (sheath_model_fit_image ("TEM", 0.0025, tem, NULL), ==, SHEATH_MODEL_FIT_GOOD);
  g_assert_cmpint (sheath_model_fit_image ("TEM", 0.002, tem, NULL), ==, SHEATH_MODEL_FIT_RESAMPLED);
  g_assert_cmpint (sheath_model_fit_image ("TEM", 0.0015, tem, NULL), ==, SHEATH_MODEL_FIT_OFF_SCALE);

  /* a name that says nothing suits either modality at its scale */
  g_assert_true (sheath_image_set_pixel_size (plain, 0.13, NULL));
  g_assert_cmpint (sheath_model_fit_image ("SEM", 0.1, plain, NULL), ==, SHEATH_MODEL_FIT_GOOD);
  g_assert_cmpint (sheath_model_fit_image ("TEM", 0.1, plain, NULL), ==, SHEATH_MODEL_FIT_GOOD);
  g_assert_cmpint (sheath_model_fit_image ("TEM", 0.00986, plain, NULL), ==, SHEATH_MODEL_FIT_OFF_SCALE);

  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Sheath/Model/read-metadata", test_model_read_metadata);
  g_test_add_func ("/Sheath/Model/metadata", test_model_metadata);
  g_test_add_func ("/Sheath/Model/hostile", test_model_hostile);
  g_test_add_func ("/Sheath/Model/builtin-missing", test_model_builtin_missing);
  g_test_add_func ("/Sheath/Model/fit", test_model_fit);

  return g_test_run ();
}
