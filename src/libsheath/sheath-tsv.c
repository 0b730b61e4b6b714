/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-tsv"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sheath-error.h"
#include "sheath-tsv-private.h"

/* A table larger than this is not a participants list */
#define MAX_TSV_BYTES (64 * 1024 * 1024)

void
_sheath_tsv_free (SheathTsv *tsv)
{
  if (tsv == NULL)
    return;
  g_strfreev (tsv->header);
  g_ptr_array_unref (tsv->rows);
  g_free (tsv);
}

/* Reads a TSV; a row with more or fewer fields than the header is an error
 * that names the file and the line. Blank lines are skipped. */
SheathTsv *
_sheath_tsv_read (const char  *path,
                  GError     **error)
{
  g_autoptr(SheathTsv) tsv = g_new0 (SheathTsv, 1);
  g_autofree char *text = NULL;
  g_autofree char *name = g_filename_display_name (path);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;
  guint n_fields = 0;

  if (!g_file_get_contents (path, &text, &length, &local_error))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, _ ("Cannot read '%s': %s"), name,
                   local_error->message);
      return NULL;
    }
  if (length > MAX_TSV_BYTES || !g_utf8_validate (text, length, NULL))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("'%s' is not a tab-separated text table"), name);
      return NULL;
    }
  tsv->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char **fields;
      gsize len = strlen (lines[i]);

      if (len > 0 && lines[i][len - 1] == '\r')
        lines[i][len - 1] = '\0';
      if (*g_strstrip (lines[i]) == '\0')
        continue;
      fields = g_strsplit (lines[i], "\t", -1);
      for (guint k = 0; fields[k] != NULL; k++)
        g_strstrip (fields[k]);
      if (tsv->header == NULL)
        {
          tsv->header = fields;
          n_fields = g_strv_length (fields);
          continue;
        }
      if (g_strv_length (fields) != n_fields)
        {
          g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                       _ ("'%s', line %u, has %u fields where its header has %u"), name, i + 1,
                       g_strv_length (fields), n_fields);
          g_strfreev (fields);
          return NULL;
        }
      g_ptr_array_add (tsv->rows, fields);
    }
  if (tsv->header == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, _ ("'%s' is empty"), name);
      return NULL;
    }
  return g_steal_pointer (&tsv);
}

/* The index of a column, or -1 */
int
_sheath_tsv_column (SheathTsv  *tsv,
                    const char *name)
{
  for (guint i = 0; tsv->header[i] != NULL; i++)
    if (g_str_equal (tsv->header[i], name))
      return (int) i;
  return -1;
}
