/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-table"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <xlsxwriter.h>

#include "sheath-error.h"
#include "sheath-table-private.h"

typedef struct
{
  char   *text;     /* NULL: a number, or empty */
  double  number;   /* NAN: empty */
} Cell;

struct _SheathTable
{
  GStrv   columns;
  guint   n_columns;
  GArray *cells;    /* Cell, row after row */
};

SheathTable *
_sheath_table_new (const char * const *columns)
{
  SheathTable *table = g_new0 (SheathTable, 1);

  table->columns = g_strdupv ((char **) columns);
  table->n_columns = g_strv_length (table->columns);
  table->cells = g_array_new (FALSE, TRUE, sizeof (Cell));
  return table;
}

void
_sheath_table_free (SheathTable *table)
{
  if (table == NULL)
    return;
  for (guint i = 0; i < table->cells->len; i++)
    g_free (g_array_index (table->cells, Cell, i).text);
  g_array_unref (table->cells);
  g_strfreev (table->columns);
  g_free (table);
}

/* Adds an empty row; returns its index. */
guint
_sheath_table_add_row (SheathTable *table)
{
  guint row = table->cells->len / MAX (table->n_columns, 1);

  for (guint c = 0; c < table->n_columns; c++)
    {
      Cell empty = { NULL, NAN };
      g_array_append_val (table->cells, empty);
    }
  return row;
}

static Cell *
cell (SheathTable *table,
      guint        row,
      guint        column)
{
  return &g_array_index (table->cells, Cell, (gsize) row * table->n_columns + column);
}

static gboolean
in_table (SheathTable *table,
          guint        row,
          guint        column)
{
  return column < table->n_columns && (gsize) (row + 1) * table->n_columns <= table->cells->len;
}

void
_sheath_table_set_text (SheathTable *table,
                        guint        row,
                        guint        column,
                        const char  *text)
{
  Cell *c;

  g_return_if_fail (in_table (table, row, column));
  c = cell (table, row, column);

  g_free (c->text);
  c->text = g_strdup (text);
}

void
_sheath_table_set_number (SheathTable *table,
                          guint        row,
                          guint        column,
                          double       value)
{
  Cell *c;

  g_return_if_fail (in_table (table, row, column));
  c = cell (table, row, column);

  g_clear_pointer (&c->text, g_free);
  c->number = value;
}

const char * const *
_sheath_table_get_columns (SheathTable *table)
{
  return (const char * const *) table->columns;
}

guint
_sheath_table_get_n_rows (SheathTable *table)
{
  return table->n_columns > 0 ? table->cells->len / table->n_columns : 0;
}

/* as the CSV file has it: the text, the number to 6 digits, or "" */
char *
_sheath_table_dup_cell (SheathTable *table,
                        guint        row,
                        guint        column)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];
  Cell *c;

  g_return_val_if_fail (in_table (table, row, column), NULL);
  c = cell (table, row, column);
  if (c->text != NULL)
    return g_strdup (c->text);
  return g_strdup (isfinite (c->number) ? g_ascii_formatd (text, sizeof text, "%.6g", c->number) : "");
}

double
_sheath_table_get_number (SheathTable *table,
                          guint        row,
                          guint        column)
{
  g_return_val_if_fail (in_table (table, row, column), NAN);
  return cell (table, row, column)->text != NULL ? NAN : cell (table, row, column)->number;
}

static void
append_csv_field (GString    *out,
                  const char *value)
{
  if (strpbrk (value, ",\"\n\r") == NULL)
    {
      g_string_append (out, value);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

gboolean
_sheath_table_write_csv (SheathTable  *table,
                         const char   *path,
                         GError      **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) local_error = NULL;
  guint n_rows = table->cells->len / MAX (table->n_columns, 1);

  for (guint c = 0; c < table->n_columns; c++)
    {
      if (c > 0)
        g_string_append_c (out, ',');
      append_csv_field (out, table->columns[c]);
    }
  g_string_append_c (out, '\n');
  for (guint r = 0; r < n_rows; r++)
    {
      for (guint c = 0; c < table->n_columns; c++)
        {
          g_autofree char *text = _sheath_table_dup_cell (table, r, c);

          if (c > 0)
            g_string_append_c (out, ',');
          append_csv_field (out, text);
        }
      g_string_append_c (out, '\n');
    }
  if (!g_file_set_contents_full (path, out->str, out->len, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local_error))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE, _ ("Cannot write '%s': %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* An Excel workbook of one sheet, written to a temporary file beside @path
 * and renamed, as the CSV is. */
gboolean
_sheath_table_write_xlsx (SheathTable  *table,
                          const char   *path,
                          const char   *sheet,
                          GError      **error)
{
  g_autofree char *tmp = g_strdup_printf ("%s.%08x.tmp", path, g_random_int ());
  guint n_rows = table->cells->len / MAX (table->n_columns, 1);
  lxw_workbook *book = workbook_new (tmp);
  lxw_worksheet *ws;
  lxw_error status;

  if (book == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE, _ ("Cannot write '%s'"), path);
      return FALSE;
    }
  ws = workbook_add_worksheet (book, sheet);
  for (guint c = 0; c < table->n_columns; c++)
    worksheet_write_string (ws, 0, (lxw_col_t) c, table->columns[c], NULL);
  for (guint r = 0; r < n_rows; r++)
    for (guint c = 0; c < table->n_columns; c++)
      {
        Cell *v = cell (table, r, c);

        if (v->text != NULL)
          worksheet_write_string (ws, r + 1, (lxw_col_t) c, v->text, NULL);
        else if (isfinite (v->number))
          worksheet_write_number (ws, r + 1, (lxw_col_t) c, v->number, NULL);
      }
  status = workbook_close (book);
  if (status != LXW_NO_ERROR || g_rename (tmp, path) != 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE, _ ("Cannot write '%s': %s"), path,
                   status != LXW_NO_ERROR ? lxw_strerror (status) : g_strerror (errno));
      g_unlink (tmp);
      return FALSE;
    }
  return TRUE;
}
