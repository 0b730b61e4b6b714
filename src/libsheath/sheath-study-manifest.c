/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-study"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "sheath-error.h"
#include "sheath-study-private.h"

/* What a study run into an output folder needs to be taken up again, or
 * collected, later — by the CLI, a SLURM task or the app: its sources, its
 * model and its table formats, kept in the folder. */
#define MANIFEST "sheath-study.json"

/**
 * sheath_study_write_manifest:
 * @self: a #SheathStudy
 * @root: the study's output folder
 * @model_name: the model, as sheath_study_new_from_manifest() gives it back
 *   ("sem", a model's name or path)
 * @error: return location for a #GError
 *
 * Writes `ROOT/sheath-study.json`: the study's sources, @model_name and the
 * table formats, whole or not at all.
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
sheath_study_write_manifest (SheathStudy  *self,
                             const char   *root,
                             const char   *model_name,
                             GError      **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  const char * const *sources;

  g_return_val_if_fail (SHEATH_IS_STUDY (self), FALSE);
  g_return_val_if_fail (root != NULL && model_name != NULL, FALSE);

  path = g_build_filename (root, MANIFEST, NULL);
  sources = sheath_study_get_sources (self);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sources");
  json_builder_begin_array (b);
  for (guint i = 0; sources[i] != NULL; i++)
    json_builder_add_string_value (b, sources[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, model_name);
  json_builder_set_member_name (b, "formats");
  json_builder_add_int_value (b, self->formats);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

/**
 * sheath_study_new_from_manifest:
 * @root: an output folder a study was run into
 * @model_name: (out) (optional) (transfer full): the model it was run with
 * @error: return location for a #GError
 *
 * The study that sheath_study_write_manifest() kept in @root, its sources
 * read again (images added since are in it; the warnings of reading them
 * are sheath_study_get_warnings()).
 *
 * Returns: (transfer full): the study, or %NULL with @error set when @root
 *   holds no study or its manifest is damaged
 */
SheathStudy *
sheath_study_new_from_manifest (const char  *root,
                                char       **model_name,
                                GError     **error)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(SheathStudy) study = sheath_study_new ();
  JsonObject *o;
  JsonArray *a;
  SheathTableFormat formats;

  g_return_val_if_fail (root != NULL, NULL);

  path = g_build_filename (root, MANIFEST, NULL);
  if (!json_parser_load_from_file (parser, path, error))
    {
      g_prefix_error (error, _ ("'%s' holds no study (%s): "), root, MANIFEST);
      return NULL;
    }
  o = JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ? json_node_get_object (json_parser_get_root (parser))
                                                               : NULL;
  a = o && json_object_has_member (o, "sources") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "sources"))
        ? json_object_get_array_member (o, "sources") : NULL;
  if (a == NULL || json_array_get_length (a) == 0 ||
      json_object_get_string_member_with_default (o, "model", NULL) == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, _ ("'%s' is damaged"), path);
      return NULL;
    }
  formats = json_object_get_int_member_with_default (o, "formats", SHEATH_TABLE_FORMAT_CSV) &
            (SHEATH_TABLE_FORMAT_CSV | SHEATH_TABLE_FORMAT_XLSX);
  sheath_study_set_formats (study, formats != 0 ? formats : SHEATH_TABLE_FORMAT_CSV);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *element = json_array_get_element (a, i);
      const char *source = JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING
                           ? json_node_get_string (element) : NULL;

      if (source == NULL)
        {
          g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, _ ("'%s' is damaged"), path);
          return NULL;
        }
      if (!sheath_study_add_source (study, source, error))
        return NULL;
    }
  if (model_name != NULL)
    *model_name = g_strdup (json_object_get_string_member (o, "model"));
  return g_steal_pointer (&study);
}
