/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-study"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "sheath-error.h"
#include "sheath-study-private.h"
#include "sheath-table-private.h"

/* The study's tables, made from the images' records: a row per image and
 * a row per subject, written as CSV and/or Excel workbooks. */

typedef struct
{
  char   *subject;
  guint   first_image;   /* whose participant columns the row shows */
  guint   n_images;
  double  n_axons, n_myelinated, n_uaxons, area, axon_area, myelin_area;
  double  sum_diam, sum_thickness, sum_gratio;
} SubjectSums;

static void
subject_sums_free (gpointer data)
{
  SubjectSums *s = data;

  g_free (s->subject);
  g_free (s);
}

static double
member (JsonObject *o,
        const char *name)
{
  return json_object_get_double_member_with_default (o, name, NAN);
}

/* "NAME.csv" and/or "NAME.xlsx" in @root */
static gboolean
write_table (SheathStudy  *self,
             SheathTable  *table,
             const char   *root,
             const char   *name,
             GError      **error)
{
  g_autofree char *csv_name = g_strconcat (name, ".csv", NULL);
  g_autofree char *xlsx_name = g_strconcat (name, ".xlsx", NULL);
  g_autofree char *csv = g_build_filename (root, csv_name, NULL);
  g_autofree char *xlsx = g_build_filename (root, xlsx_name, NULL);

  return (!(self->formats & SHEATH_TABLE_FORMAT_CSV) || _sheath_table_write_csv (table, csv, error)) &&
         (!(self->formats & SHEATH_TABLE_FORMAT_XLSX) || _sheath_table_write_xlsx (table, xlsx, name, error));
}

/* the table's columns: @first, the study's columns, then @last */
static SheathTable *
new_table (SheathStudy        *self,
           const char * const *first,
           const char * const *last)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) columns = NULL;

  g_strv_builder_addv (names, (const char **) first);
  g_strv_builder_addv (names, (const char **) sheath_study_get_columns (self));
  g_strv_builder_addv (names, (const char **) last);
  columns = g_strv_builder_end (names);
  return _sheath_table_new ((const char * const *) columns);
}

/**
 * sheath_study_collect:
 * @self: a #SheathStudy
 * @root: the study's output folder
 * @n_missing: (out) (optional): how many images have no record yet
 * @error: return location for a #GError
 *
 * Makes the study's tables from the records of the images done in @root:
 * %SHEATH_STUDY_TABLE_IMAGES, a row per image done (subject, sample, the
 * datasets' columns, pixel size, model, counts and aggregates), and
 * %SHEATH_STUDY_TABLE_SUBJECTS, a row per subject with its images' axons
 * pooled: counts and area summed, densities and fractions over the summed
 * area, means over all its axons. Read them with
 * sheath_study_get_table_columns() and the like.
 *
 * Returns: %TRUE, or %FALSE with @error set when no image is done
 */
gboolean
sheath_study_collect (SheathStudy  *self,
                      const char   *root,
                      guint        *n_missing,
                      GError      **error)
{
  static const char * const fields[] = {
#define NAME(field) #field,
    AGGREGATE_FIELDS (NAME)
#undef NAME
    NULL
  };
  static const char * const image_columns[] = { "image", "subject", "sample", NULL };
  static const char * const image_figures[] = { "pixel_size_um", "model", NULL };
  static const char * const subject_columns[] = { "subject", NULL };
  static const char * const subject_figures[] = {
    "n_images", "n_axons", "n_myelinated", "area_mm2", "axon_density_mm2", "avf", "mvf", "gratio_aggr",
    "mean_axon_diam", "mean_myelin_thickness", "mean_gratio", "n_uaxons", "uaxon_ratio", NULL
  };
  const char * const *columns;
  g_autoptr(SheathTable) study = NULL;
  g_autoptr(SheathTable) subjects = NULL;
  g_autoptr(GPtrArray) sums = g_ptr_array_new_with_free_func (subject_sums_free);
  g_autoptr(GStrvBuilder) all_figures = g_strv_builder_new ();
  g_auto(GStrv) figures = NULL;
  guint n_columns, missing = 0, done = 0;

  g_return_val_if_fail (SHEATH_IS_STUDY (self), FALSE);

  columns = sheath_study_get_columns (self);
  n_columns = g_strv_length ((char **) columns);
  g_strv_builder_addv (all_figures, (const char **) image_figures);
  g_strv_builder_addv (all_figures, (const char **) fields);
  figures = g_strv_builder_end (all_figures);
  study = new_table (self, image_columns, (const char * const *) figures);
  subjects = new_table (self, subject_columns, subject_figures);

  for (guint i = 0; i < self->images->len; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *record = _sheath_study_read_record (self, i, root, parser);
      g_autofree char *name = NULL;
      SubjectSums *s = NULL;
      guint row, c = 0;

      if (record == NULL)
        {
          missing++;
          continue;
        }
      done++;
      name = g_path_get_basename (sheath_study_get_image (self, i));
      row = _sheath_table_add_row (study);
      _sheath_table_set_text (study, row, c++, name);
      _sheath_table_set_text (study, row, c++, sheath_study_get_subject (self, i));
      _sheath_table_set_text (study, row, c++, sheath_study_get_sample (self, i));
      for (guint k = 0; k < n_columns; k++)
        _sheath_table_set_text (study, row, c++, sheath_study_get_value (self, i, columns[k]));
      _sheath_table_set_number (study, row, c++, member (record, "pixel_size_um"));
      _sheath_table_set_text (study, row, c++, json_object_get_string_member_with_default (record, "model", ""));
      for (guint f = 0; fields[f] != NULL; f++)
        _sheath_table_set_number (study, row, c++, member (record, fields[f]));

      for (guint k = 0; k < sums->len && s == NULL; k++)
        if (g_str_equal (((SubjectSums *) g_ptr_array_index (sums, k))->subject, sheath_study_get_subject (self, i)))
          s = g_ptr_array_index (sums, k);
      if (s == NULL)
        {
          s = g_new0 (SubjectSums, 1);
          s->subject = g_strdup (sheath_study_get_subject (self, i));
          s->first_image = i;
          g_ptr_array_add (sums, s);
        }
      s->n_images++;
      s->n_axons += member (record, "n_axons");
      s->n_myelinated += member (record, "n_myelinated");
      s->n_uaxons += member (record, "n_uaxons");   /* 0 from models without them */
      s->area += member (record, "area_mm2");
      s->axon_area += member (record, "avf") * member (record, "area_mm2");
      s->myelin_area += member (record, "mvf") * member (record, "area_mm2");
      s->sum_diam += member (record, "mean_axon_diam") * member (record, "n_axons");
      if (member (record, "n_myelinated") > 0)
        {
          s->sum_thickness += member (record, "mean_myelin_thickness") * member (record, "n_myelinated");
          s->sum_gratio += member (record, "mean_gratio") * member (record, "n_myelinated");
        }
    }
  if (n_missing != NULL)
    *n_missing = missing;
  if (done == 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("No image of the study is done yet in '%s'"), root);
      return FALSE;
    }

  for (guint k = 0; k < sums->len; k++)
    {
      SubjectSums *s = g_ptr_array_index (sums, k);
      double avf = s->area > 0 ? s->axon_area / s->area : NAN;
      double mvf = s->area > 0 ? s->myelin_area / s->area : NAN;
      const double values[] = {
        s->n_images, s->n_axons, s->n_myelinated, s->area, s->area > 0 ? s->n_axons / s->area : NAN, avf, mvf,
        avf + mvf > 0 ? sqrt (1 - mvf / (avf + mvf)) : NAN,
        s->n_axons > 0 ? s->sum_diam / s->n_axons : NAN,
        s->n_myelinated > 0 ? s->sum_thickness / s->n_myelinated : NAN,
        s->n_myelinated > 0 ? s->sum_gratio / s->n_myelinated : NAN,
        s->n_uaxons,
        s->n_myelinated > 0 ? s->n_uaxons / s->n_myelinated : NAN,
      };
      guint row = _sheath_table_add_row (subjects), c = 0;

      _sheath_table_set_text (subjects, row, c++, s->subject);
      for (guint i = 0; i < n_columns; i++)
        _sheath_table_set_text (subjects, row, c++, sheath_study_get_value (self, s->first_image, columns[i]));
      for (guint i = 0; i < G_N_ELEMENTS (values); i++)
        _sheath_table_set_number (subjects, row, c++, values[i]);
    }

  g_clear_pointer (&self->tables[SHEATH_STUDY_TABLE_IMAGES], _sheath_table_free);
  g_clear_pointer (&self->tables[SHEATH_STUDY_TABLE_SUBJECTS], _sheath_table_free);
  self->tables[SHEATH_STUDY_TABLE_IMAGES] = g_steal_pointer (&study);
  self->tables[SHEATH_STUDY_TABLE_SUBJECTS] = g_steal_pointer (&subjects);
  return TRUE;
}

/**
 * sheath_study_write_tables:
 * @self: a #SheathStudy
 * @root: the study's output folder
 * @n_missing: (out) (optional): how many images have no record yet
 * @error: return location for a #GError
 *
 * Collects the tables (sheath_study_collect()) and writes them as
 * `ROOT/study.csv` and `ROOT/subjects.csv`; as `.xlsx` too, or instead, as
 * sheath_study_set_formats() asks. Each is written whole or not at all.
 *
 * Returns: %TRUE, or %FALSE with @error set when no image is done or a
 *   table cannot be written
 */
gboolean
sheath_study_write_tables (SheathStudy  *self,
                           const char   *root,
                           guint        *n_missing,
                           GError      **error)
{
  g_return_val_if_fail (SHEATH_IS_STUDY (self), FALSE);

  if (!sheath_study_collect (self, root, n_missing, error))
    return FALSE;
  if (!write_table (self, self->tables[SHEATH_STUDY_TABLE_IMAGES], root, "study", error) ||
      !write_table (self, self->tables[SHEATH_STUDY_TABLE_SUBJECTS], root, "subjects", error))
    {
      g_prefix_error (error, _ ("Cannot write the study's tables: "));
      return FALSE;
    }
  return TRUE;
}

static SheathTable *
collected (SheathStudy      *self,
           SheathStudyTable  table)
{
  g_return_val_if_fail (SHEATH_IS_STUDY (self), NULL);
  g_return_val_if_fail (table <= SHEATH_STUDY_TABLE_SUBJECTS, NULL);
  return self->tables[table];
}

/**
 * sheath_study_get_table_columns:
 * @self: a #SheathStudy
 * @table: which table
 *
 * The columns of a table sheath_study_collect() made.
 *
 * Returns: (transfer none) (array zero-terminated=1) (nullable): the
 *   column names, or %NULL before the tables are collected
 */
const char * const *
sheath_study_get_table_columns (SheathStudy      *self,
                                SheathStudyTable  table)
{
  SheathTable *t = collected (self, table);

  return t ? _sheath_table_get_columns (t) : NULL;
}

/**
 * sheath_study_get_table_n_rows:
 * @self: a #SheathStudy
 * @table: which table
 *
 * The rows of a table sheath_study_collect() made.
 *
 * Returns: how many rows, 0 before the tables are collected
 */
guint
sheath_study_get_table_n_rows (SheathStudy      *self,
                               SheathStudyTable  table)
{
  SheathTable *t = collected (self, table);

  return t ? _sheath_table_get_n_rows (t) : 0;
}

/**
 * sheath_study_dup_table_cell:
 * @self: a #SheathStudy
 * @table: which table
 * @row: a row, from 0
 * @column: a column, from 0
 *
 * A cell of a collected table as the CSV file has it: text, or a number
 * written in full precision, or empty.
 *
 * Returns: (transfer full): the cell's text
 */
char *
sheath_study_dup_table_cell (SheathStudy      *self,
                             SheathStudyTable  table,
                             guint             row,
                             guint             column)
{
  SheathTable *t = collected (self, table);

  g_return_val_if_fail (t != NULL, NULL);
  return _sheath_table_dup_cell (t, row, column);
}

/**
 * sheath_study_get_table_number:
 * @self: a #SheathStudy
 * @table: which table
 * @row: a row, from 0
 * @column: a column, from 0
 *
 * A number of a collected table.
 *
 * Returns: the number, or NaN for text and empty cells
 */
double
sheath_study_get_table_number (SheathStudy      *self,
                               SheathStudyTable  table,
                               guint             row,
                               guint             column)
{
  SheathTable *t = collected (self, table);

  g_return_val_if_fail (t != NULL, NAN);
  return _sheath_table_get_number (t, row, column);
}
