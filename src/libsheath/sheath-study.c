/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-study"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "sheath-aggregates.h"
#include "sheath-bids.h"
#include "sheath-bids-private.h"
#include "sheath-error.h"
#include "sheath-image.h"
#include "sheath-morphometrics.h"
#include "sheath-study-private.h"
#include "sheath-table-private.h"
#include "sheath-tsv-private.h"

/**
 * SheathStudy:
 *
 * The images of a study — BIDS datasets or plain folders — with the
 * subject and sample each comes from and the columns of `participants.tsv`
 * and `samples.tsv`; each image segmented and measured into an output
 * folder, once: a record written last beside its outputs says which input
 * (by checksum) and which model made them, so that a run stopped halfway,
 * or a SLURM task killed by the scheduler, is taken up where it left off.
 * The tables `study.csv` (a row per image) and `subjects.csv` (a row per
 * subject, its axons pooled) are made from those records.
 */

G_DEFINE_FINAL_TYPE (SheathStudy, sheath_study, G_TYPE_OBJECT)

static void
study_image_free (gpointer data)
{
  StudyImage *im = data;

  g_free (im->path);
  g_free (im->subject);
  g_free (im->sample);
  g_free (im->group_dir);
  g_hash_table_unref (im->values);
  g_free (im);
}

static void
sheath_study_finalize (GObject *object)
{
  SheathStudy *self = SHEATH_STUDY (object);

  g_ptr_array_unref (self->images);
  g_ptr_array_unref (self->columns);
  g_ptr_array_unref (self->warnings);
  g_hash_table_unref (self->seen);
  g_ptr_array_unref (self->sources);
  g_clear_pointer (&self->tables[SHEATH_STUDY_TABLE_IMAGES], _sheath_table_free);
  g_clear_pointer (&self->tables[SHEATH_STUDY_TABLE_SUBJECTS], _sheath_table_free);

  G_OBJECT_CLASS (sheath_study_parent_class)->finalize (object);
}

static void
sheath_study_class_init (SheathStudyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sheath_study_finalize;
}

static void
sheath_study_init (SheathStudy *self)
{
  self->images = g_ptr_array_new_with_free_func (study_image_free);
  /* NULL-terminated, and allocated from the start: an empty one's pdata
   * is then a NULL-terminated list too, never NULL */
  self->columns = g_ptr_array_new_null_terminated (1, g_free, TRUE);
  self->warnings = g_ptr_array_new_null_terminated (1, g_free, TRUE);
  self->sources = g_ptr_array_new_null_terminated (1, g_free, TRUE);
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->formats = SHEATH_TABLE_FORMAT_CSV;
}

/**
 * sheath_study_set_formats:
 * @self: a #SheathStudy
 * @formats: CSV, XLSX or both
 *
 * The formats of the per-axon tables, and of the study's and subjects'
 * tables: CSV (the default), Excel workbooks as AxonDeepSeg writes them,
 * or both. An image done before without a format now asked for is done again.
 */
void
sheath_study_set_formats (SheathStudy       *self,
                          SheathTableFormat  formats)
{
  g_return_if_fail (SHEATH_IS_STUDY (self));
  g_return_if_fail (formats != 0);
  self->formats = formats;
}

/**
 * sheath_study_new:
 *
 * An empty study, to add datasets and folders to.
 *
 * Returns: (transfer full): an empty study
 */
SheathStudy *
sheath_study_new (void)
{
  return g_object_new (SHEATH_TYPE_STUDY, NULL);
}

static void
warn (SheathStudy *self,
      const char  *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
warn (SheathStudy *self,
      const char  *format,
      ...)
{
  va_list ap;

  va_start (ap, format);
  g_ptr_array_add (self->warnings, g_strdup_vprintf (format, ap));
  va_end (ap);
}

/* the column's name as the study knows it, added if new */
static const char *
intern_column (SheathStudy *self,
               const char  *name)
{
  for (guint i = 0; i < self->columns->len; i++)
    if (g_str_equal (g_ptr_array_index (self->columns, i), name))
      return g_ptr_array_index (self->columns, i);
  g_ptr_array_add (self->columns, g_strdup (name));
  return g_ptr_array_index (self->columns, self->columns->len - 1);
}

/* "sample-data1" from "sub-rat1_sample-data1_SEM.png", or NULL */
static char *
sample_from_name (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  const char *s = strstr (base, "sample-");
  gsize n;

  if (s == NULL || (s != base && s[-1] != '_'))
    return NULL;
  n = strcspn (s, "_.");
  return g_strndup (s, n);
}

static void
add_image (SheathStudy *self,
           const char  *path,
           const char  *fallback_subject,
           const char  *group_dir)
{
  StudyImage *im;
  g_autofree char *subject = sheath_bids_dup_subject (path);

  if (!g_hash_table_add (self->seen, g_strdup (path)))
    return;   /* given twice */
  im = g_new0 (StudyImage, 1);
  im->path = g_strdup (path);
  im->subject = subject ? g_steal_pointer (&subject) : g_strdup (fallback_subject);
  im->sample = sample_from_name (path);
  if (im->sample == NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (path);
      im->sample = sheath_segmentation_dup_stem (file);
    }
  im->group_dir = g_strdup (group_dir ? group_dir : im->subject);
  im->values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_ptr_array_add (self->images, im);
}

/* participants.tsv and samples.tsv, when the dataset has them: their
 * columns go to the images of @first onwards. */
static gboolean
read_tables (SheathStudy  *self,
             const char   *dataset,
             guint         first,
             GError      **error)
{
  g_autofree char *participants_path = g_build_filename (dataset, "participants.tsv", NULL);
  g_autofree char *samples_path = g_build_filename (dataset, "samples.tsv", NULL);
  g_autoptr(SheathTsv) participants = NULL;
  g_autoptr(SheathTsv) samples = NULL;

  if (g_file_test (participants_path, G_FILE_TEST_EXISTS) &&
      !(participants = _sheath_tsv_read (participants_path, error)))
    return FALSE;
  if (g_file_test (samples_path, G_FILE_TEST_EXISTS) && !(samples = _sheath_tsv_read (samples_path, error)))
    return FALSE;
  if (participants != NULL && _sheath_tsv_column (participants, "participant_id") < 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("'%s' has no participant_id column"), participants_path);
      return FALSE;
    }

  for (guint i = first; i < self->images->len; i++)
    {
      StudyImage *im = g_ptr_array_index (self->images, i);
      gboolean found = FALSE;

      for (guint r = 0; participants != NULL && r < participants->rows->len; r++)
        {
          char **row = g_ptr_array_index (participants->rows, r);

          if (!g_str_equal (row[_sheath_tsv_column (participants, "participant_id")], im->subject))
            continue;
          found = TRUE;
          for (guint c = 0; participants->header[c] != NULL; c++)
            if (!g_str_equal (participants->header[c], "participant_id"))
              g_hash_table_insert (im->values, (gpointer) intern_column (self, participants->header[c]),
                                   g_strdup (row[c]));
        }
      if (participants != NULL && !found)
        warn (self, _ ("%s: %s is not in participants.tsv"), im->path, im->subject);

      for (guint r = 0; samples != NULL && r < samples->rows->len; r++)
        {
          char **row = g_ptr_array_index (samples->rows, r);
          int sc = _sheath_tsv_column (samples, "sample_id"), pc = _sheath_tsv_column (samples, "participant_id");

          if (sc < 0 || !g_str_equal (row[sc], im->sample) || (pc >= 0 && !g_str_equal (row[pc], im->subject)))
            continue;
          for (guint c = 0; samples->header[c] != NULL; c++)
            if ((int) c != sc && (int) c != pc)
              g_hash_table_insert (im->values, (gpointer) intern_column (self, samples->header[c]),
                                   g_strdup (row[c]));
        }
    }
  return TRUE;
}

/* the images of @absolute (@path as the user gave it, for messages) */
static gboolean
add_images_of (SheathStudy  *self,
               const char   *path,
               const char   *absolute,
               GError      **error)
{
  g_autofree char *folder = NULL;
  guint first = self->images->len;

  if (g_file_test (absolute, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *dir = g_path_get_dirname (absolute);
      folder = g_path_get_basename (dir);
      add_image (self, absolute, folder, folder);
      return TRUE;
    }
  if (!g_file_test (absolute, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, _ ("'%s' is not a file or folder"), path);
      return FALSE;
    }

  {
    g_auto(GStrv) images = sheath_bids_list_images (absolute, NULL);

    if (images != NULL)
      {
        for (guint i = 0; images[i] != NULL; i++)
          add_image (self, images[i], NULL, NULL);
        return read_tables (self, absolute, first, error);
      }
  }

  /* a plain folder of images */
  folder = g_path_get_basename (absolute);
  {
    g_autoptr(GError) local_error = NULL;
    g_autoptr(GDir) dir = g_dir_open (absolute, 0, &local_error);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
    const char *entry;

    if (dir == NULL)
      {
        g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, _ ("Cannot read '%s': %s"), path,
                     local_error->message);
        return FALSE;
      }
    while ((entry = g_dir_read_name (dir)) != NULL)
      if (_sheath_is_image_name (entry) && strstr (entry, "_seg-") == NULL && strstr (entry, "_index") == NULL &&
          strstr (entry, "_instance-map") == NULL)
        g_ptr_array_add (names, g_strdup (entry));
    g_ptr_array_sort (names, _sheath_compare_strings);
    for (guint i = 0; i < names->len; i++)
      {
        g_autofree char *image = g_build_filename (absolute, g_ptr_array_index (names, i), NULL);
        add_image (self, image, folder, folder);
      }
  }
  if (self->images->len == first)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("No images in '%s': expected a BIDS dataset or a folder of PNG or TIFF images"), path);
      return FALSE;
    }
  return TRUE;
}

/**
 * sheath_study_add_source:
 * @self: a #SheathStudy
 * @path: a BIDS dataset, a folder of images, or one image
 * @error: return location for a #GError
 *
 * Adds the images of @path. A BIDS dataset gives each image's subject and
 * sample from its name, and the columns of its `participants.tsv` and
 * `samples.tsv`; the images of a plain folder are of the subject its name
 * says (BIDS-style), else of the folder. Images already added are skipped.
 *
 * Returns: %TRUE, or %FALSE with @error set when @path holds no image or a
 *   table of the dataset cannot be read (a ragged row is named)
 */
gboolean
sheath_study_add_source (SheathStudy  *self,
                         const char   *path,
                         GError      **error)
{
  g_autofree char *absolute = NULL;

  g_return_val_if_fail (SHEATH_IS_STUDY (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  absolute = g_canonicalize_filename (path, NULL);
  if (!add_images_of (self, path, absolute, error))
    return FALSE;
  g_ptr_array_add (self->sources, g_steal_pointer (&absolute));
  return TRUE;
}

/**
 * sheath_study_get_sources:
 * @self: a #SheathStudy
 *
 * The datasets, folders and images added, as absolute paths.
 *
 * Returns: (transfer none) (array zero-terminated=1): the sources
 */
const char * const *
sheath_study_get_sources (SheathStudy *self)
{
  g_return_val_if_fail (SHEATH_IS_STUDY (self), NULL);
  return (const char * const *) self->sources->pdata;
}

/**
 * sheath_study_get_warnings:
 * @self: a #SheathStudy
 *
 * What was odd but not wrong in the sources.
 *
 * Returns: (transfer none) (array zero-terminated=1): what was odd but not
 *   wrong in the sources, such as a subject missing from participants.tsv
 */
const char * const *
sheath_study_get_warnings (SheathStudy *self)
{
  g_return_val_if_fail (SHEATH_IS_STUDY (self), NULL);
  return (const char * const *) self->warnings->pdata;
}

/**
 * sheath_study_get_n_images:
 * @self: a #SheathStudy
 *
 * The number of images in the study.
 *
 * Returns: the number of images
 */
guint
sheath_study_get_n_images (SheathStudy *self)
{
  g_return_val_if_fail (SHEATH_IS_STUDY (self), 0);
  return self->images->len;
}

static StudyImage *
image_at (SheathStudy *self,
          guint        index)
{
  g_return_val_if_fail (SHEATH_IS_STUDY (self), NULL);
  g_return_val_if_fail (index < self->images->len, NULL);
  return g_ptr_array_index (self->images, index);
}

/**
 * sheath_study_get_image:
 * @self: a #SheathStudy
 * @index: an image of the study, from 0
 *
 * The path of an image.
 *
 * Returns: (transfer none): the image's path
 */
const char *
sheath_study_get_image (SheathStudy *self,
                        guint        index)
{
  StudyImage *im = image_at (self, index);
  return im ? im->path : NULL;
}

/**
 * sheath_study_get_subject:
 * @self: a #SheathStudy
 * @index: an image of the study, from 0
 *
 * The subject an image comes from.
 *
 * Returns: (transfer none): the subject the image comes from
 */
const char *
sheath_study_get_subject (SheathStudy *self,
                          guint        index)
{
  StudyImage *im = image_at (self, index);
  return im ? im->subject : NULL;
}

/**
 * sheath_study_get_sample:
 * @self: a #SheathStudy
 * @index: an image of the study, from 0
 *
 * The sample an image comes from.
 *
 * Returns: (transfer none): the sample, as the image's name says, else its stem
 */
const char *
sheath_study_get_sample (SheathStudy *self,
                         guint        index)
{
  StudyImage *im = image_at (self, index);
  return im ? im->sample : NULL;
}

/**
 * sheath_study_get_columns:
 * @self: a #SheathStudy
 *
 * The columns of the sources' participants.tsv and samples.tsv.
 *
 * Returns: (transfer none) (array zero-terminated=1): the columns of the
 *   datasets' participants.tsv and samples.tsv, in their order
 */
const char * const *
sheath_study_get_columns (SheathStudy *self)
{
  g_return_val_if_fail (SHEATH_IS_STUDY (self), NULL);
  return (const char * const *) self->columns->pdata;
}

/**
 * sheath_study_get_value:
 * @self: a #SheathStudy
 * @index: an image of the study, from 0
 * @column: a column of sheath_study_get_columns()
 *
 * An image's value in one column of participants.tsv or samples.tsv.
 *
 * Returns: (transfer none) (nullable): the image's value in @column, or
 *   %NULL when its subject or sample has none
 */
const char *
sheath_study_get_value (SheathStudy *self,
                        guint        index,
                        const char  *column)
{
  StudyImage *im = image_at (self, index);

  return im ? g_hash_table_lookup (im->values, column) : NULL;
}

/**
 * sheath_study_dup_output_dir:
 * @self: a #SheathStudy
 * @index: an image of the study, from 0
 * @root: the study's output folder
 *
 * Where an image's outputs go.
 *
 * Returns: (transfer full): where the image's outputs go, `ROOT/SUBJECT`
 *   (or `ROOT/FOLDER` for a plain folder's images)
 */
char *
sheath_study_dup_output_dir (SheathStudy *self,
                             guint        index,
                             const char  *root)
{
  StudyImage *im = image_at (self, index);
  return im ? g_build_filename (root, im->group_dir, NULL) : NULL;
}

/**
 * sheath_study_dup_stem:
 * @self: a #SheathStudy
 * @index: an image of the study, from 0
 *
 * The stem an image's outputs are named after.
 *
 * Returns: (transfer full): the stem the image's outputs are named after
 */
char *
sheath_study_dup_stem (SheathStudy *self,
                       guint        index)
{
  StudyImage *im = image_at (self, index);
  g_autoptr(GFile) file = im ? g_file_new_for_path (im->path) : NULL;

  return file ? sheath_segmentation_dup_stem (file) : NULL;
}

/**
 * sheath_study_dup_checksum:
 * @path: a file
 * @error: return location for a #GError
 *
 * The checksum by which a study knows an image, or a model, again.
 *
 * Returns: (transfer full): the SHA-256 of the file's bytes, in hex, or
 *   %NULL with @error set
 */
char *
sheath_study_dup_checksum (const char  *path,
                           GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, error);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (1 << 20);
  gssize n;

  if (in == NULL)
    return NULL;
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buffer, 1 << 20, NULL, error)) > 0)
    g_checksum_update (sum, buffer, n);
  if (n < 0)
    return NULL;
  return g_strdup (g_checksum_get_string (sum));
}

char *
_sheath_study_output_path (SheathStudy *self,
                           guint        index,
                           const char  *root,
                           const char  *suffix)
{
  g_autofree char *dir = sheath_study_dup_output_dir (self, index, root);
  g_autofree char *stem = sheath_study_dup_stem (self, index);
  g_autofree char *name = g_strconcat (stem, suffix, NULL);

  return g_build_filename (dir, name, NULL);
}

/* what every finished image leaves; the record is written last */
static const char * const outputs[] = {
  "_seg-axon.png", "_seg-myelin.png", "_seg-axonmyelin.png", "_morphometrics_aggregate.csv", "_record.json",
};

JsonObject *
_sheath_study_read_record (SheathStudy *self,
                           guint        index,
                           const char  *root,
                           JsonParser  *parser)
{
  g_autofree char *path = _sheath_study_output_path (self, index, root, "_record.json");
  JsonNode *node;

  if (!json_parser_load_from_file (parser, path, NULL))
    return NULL;
  node = json_parser_get_root (parser);
  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * sheath_study_get_status:
 * @self: a #SheathStudy
 * @index: an image of the study, from 0
 * @root: the study's output folder
 * @model_checksum: the model's sheath_study_dup_checksum()
 *
 * Whether the image's outputs are all there and were made from the same
 * image (its checksum now) by the same model; masks corrected by hand
 * (sheath_study_remeasure()) stay done whatever the model, so that a new
 * run never overwrites a user's corrections.
 *
 * Returns: what there is to do for the image
 */
SheathStudyStatus
sheath_study_get_status (SheathStudy *self,
                         guint        index,
                         const char  *root,
                         const char  *model_checksum)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *checksum = NULL;
  JsonObject *record;
  gboolean corrected;

  g_return_val_if_fail (SHEATH_IS_STUDY (self), SHEATH_STUDY_STATUS_TO_DO);
  g_return_val_if_fail (index < self->images->len, SHEATH_STUDY_STATUS_TO_DO);

  if ((record = _sheath_study_read_record (self, index, root, parser)) == NULL)
    return SHEATH_STUDY_STATUS_TO_DO;
  corrected = json_object_get_boolean_member_with_default (record, "corrected", FALSE);
  if (!corrected &&
      g_strcmp0 (json_object_get_string_member_with_default (record, "model_checksum", ""), model_checksum) != 0)
    return SHEATH_STUDY_STATUS_TO_DO;
  for (guint i = 0; i < G_N_ELEMENTS (outputs) + 2; i++)
    {
      const char *suffix = i < G_N_ELEMENTS (outputs) ? outputs[i] :
                           i == G_N_ELEMENTS (outputs) ? "_axon_morphometrics.csv" : "_axon_morphometrics.xlsx";
      g_autofree char *path = _sheath_study_output_path (self, index, root, suffix);

      if ((i == G_N_ELEMENTS (outputs) && !(self->formats & SHEATH_TABLE_FORMAT_CSV)) ||
          (i == G_N_ELEMENTS (outputs) + 1 && !(self->formats & SHEATH_TABLE_FORMAT_XLSX)))
        continue;
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return SHEATH_STUDY_STATUS_TO_DO;
    }
  checksum = sheath_study_dup_checksum (sheath_study_get_image (self, index), NULL);
  if (g_strcmp0 (json_object_get_string_member_with_default (record, "image_checksum", ""), checksum) != 0)
    return SHEATH_STUDY_STATUS_TO_DO;
  return corrected ? SHEATH_STUDY_STATUS_CORRECTED : SHEATH_STUDY_STATUS_DONE;
}

/**
 * sheath_study_is_done:
 * @self: a #SheathStudy
 * @index: an image of the study, from 0
 * @root: the study's output folder
 * @model_checksum: the model's sheath_study_dup_checksum()
 *
 * Whether sheath_study_get_status() finds nothing to do for the image.
 *
 * Returns: %TRUE if there is nothing to do for it
 */
gboolean
sheath_study_is_done (SheathStudy *self,
                      guint        index,
                      const char  *root,
                      const char  *model_checksum)
{
  return sheath_study_get_status (self, index, root, model_checksum) != SHEATH_STUDY_STATUS_TO_DO;
}

static gboolean
write_record (SheathStudy             *self,
              guint                    index,
              const char              *root,
              const char              *checksum,
              const char              *model_name,
              const char              *model_checksum,
              double                   pixel_size,
              gboolean                 corrected,
              const SheathAggregates  *agg,
              GError                 **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = _sheath_study_output_path (self, index, root, "_record.json");
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "image");
  json_builder_add_string_value (b, sheath_study_get_image (self, index));
  json_builder_set_member_name (b, "image_checksum");
  json_builder_add_string_value (b, checksum);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, model_name);
  json_builder_set_member_name (b, "model_checksum");
  json_builder_add_string_value (b, model_checksum);
  json_builder_set_member_name (b, "pixel_size_um");
  json_builder_add_double_value (b, pixel_size);
  json_builder_set_member_name (b, "corrected");
  json_builder_add_boolean_value (b, corrected);
#define ADD(field) \
  json_builder_set_member_name (b, #field); \
  json_builder_add_double_value (b, isfinite ((double) agg->field) ? (double) agg->field : 0);
  AGGREGATE_FIELDS (ADD)
#undef ADD
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error))
    {
      g_prefix_error (error, _ ("Cannot write the record of '%s': "), sheath_study_get_image (self, index));
      return FALSE;
    }
  return TRUE;
}

/* The tables and the record of @seg, the image's masks: last the record
 * that makes the image done. */
static gboolean
measure (SheathStudy         *self,
         guint                index,
         const char          *root,
         SheathSegmentation  *seg,
         double               pixel_size,
         const char          *image_checksum,
         const char          *model_name,
         const char          *model_checksum,
         gboolean             corrected,
         GCancellable        *cancellable,
         GError             **error)
{
  g_autofree char *csv = _sheath_study_output_path (self, index, root, "_axon_morphometrics.csv");
  g_autofree char *xlsx = _sheath_study_output_path (self, index, root, "_axon_morphometrics.xlsx");
  g_autofree char *aggregate = _sheath_study_output_path (self, index, root, "_morphometrics_aggregate.csv");
  g_autoptr(SheathMorphometrics) morph = NULL;
  g_autoptr(SheathAggregates) agg = NULL;

  return (morph = sheath_morphometrics_compute (seg, pixel_size, SHEATH_AXON_SHAPE_CIRCLE, cancellable, error)) &&
         (agg = sheath_aggregates_compute (morph, NULL, FALSE, 1.0, error)) &&
         (!(self->formats & SHEATH_TABLE_FORMAT_CSV) || sheath_morphometrics_write_csv (morph, csv, error)) &&
         (!(self->formats & SHEATH_TABLE_FORMAT_XLSX) || sheath_morphometrics_write_xlsx (morph, xlsx, error)) &&
         sheath_aggregates_write_csv (agg, aggregate, error) &&
         write_record (self, index, root, image_checksum, model_name, model_checksum, pixel_size, corrected, agg,
                       error);
}

/**
 * sheath_study_process:
 * @self: a #SheathStudy
 * @index: an image of the study, from 0
 * @segmenter: the segmenter, with the study's model
 * @model_name: the model as the tables name it ("sem", a file name)
 * @model_checksum: the model file's sheath_study_dup_checksum()
 * @root: the study's output folder
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Segments and measures one image into its output folder: the three masks,
 * the per-axon table, the aggregates, and last the record that makes it
 * done. Every file is written whole or not at all, so that a process
 * killed halfway leaves an image that is simply not done.
 *
 * Returns: %TRUE, or %FALSE with @error set (the image's name in it)
 */
gboolean
sheath_study_process (SheathStudy      *self,
                      guint             index,
                      SheathSegmenter  *segmenter,
                      const char       *model_name,
                      const char       *model_checksum,
                      const char       *root,
                      GCancellable     *cancellable,
                      GError          **error)
{
  const char *path;
  g_autoptr(GFile) file = NULL;
  g_autoptr(SheathImage) image = NULL;
  g_autoptr(SheathSegmentation) seg = NULL;
  g_autofree char *checksum = NULL, *dir = NULL, *stem = NULL;

  g_return_val_if_fail (SHEATH_IS_STUDY (self), FALSE);
  g_return_val_if_fail (index < self->images->len, FALSE);
  g_return_val_if_fail (SHEATH_IS_SEGMENTER (segmenter), FALSE);

  path = sheath_study_get_image (self, index);
  file = g_file_new_for_path (path);
  dir = sheath_study_dup_output_dir (self, index, root);
  stem = sheath_study_dup_stem (self, index);

  if (g_mkdir_with_parents (dir, 0777) != 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE, _ ("Cannot make the output folder '%s'"), dir);
      return FALSE;
    }
  if (!(checksum = sheath_study_dup_checksum (path, error)) ||
      !(image = sheath_image_new_from_file (file, error)) ||
      !(seg = sheath_segmenter_segment (segmenter, image, cancellable, error)) ||
      !sheath_segmentation_save (seg, dir, stem, error) ||
      !measure (self, index, root, seg, sheath_image_get_pixel_size (image), checksum, model_name, model_checksum,
                FALSE, cancellable, error))
    {
      g_autofree char *name = g_path_get_basename (path);
      g_prefix_error (error, "%s: ", name);
      return FALSE;
    }
  return TRUE;
}

/**
 * sheath_study_remeasure:
 * @self: a #SheathStudy
 * @index: an image of the study, from 0
 * @root: the study's output folder, where the image is done
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Measures the image again from its masks in the output folder, after they
 * were corrected by hand, at the pixel size it was segmented at: its tables
 * and its record are written again, and the record marks it corrected
 * (%SHEATH_STUDY_STATUS_CORRECTED), which keeps a later run of the study
 * from segmenting it again. The study's tables and statistics are then
 * out of date until written again.
 *
 * Returns: %TRUE, or %FALSE with @error set when the image was never done
 *   or its masks cannot be read
 */
gboolean
sheath_study_remeasure (SheathStudy   *self,
                        guint          index,
                        const char    *root,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *axon = NULL, *myelin = NULL, *name = NULL;
  g_autofree char *image_checksum = NULL, *model_name = NULL, *model_checksum = NULL;
  g_autoptr(GFile) axon_file = NULL;
  g_autoptr(GFile) myelin_file = NULL;
  g_autoptr(SheathSegmentation) seg = NULL;
  JsonObject *record;
  double pixel_size;

  g_return_val_if_fail (SHEATH_IS_STUDY (self), FALSE);
  g_return_val_if_fail (index < self->images->len, FALSE);

  name = g_path_get_basename (sheath_study_get_image (self, index));
  if ((record = _sheath_study_read_record (self, index, root, parser)) == NULL)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, _ ("%s: not segmented in '%s' yet"), name,
                   root);
      return FALSE;
    }
  pixel_size = json_object_get_double_member_with_default (record, "pixel_size_um", 0);
  image_checksum = g_strdup (json_object_get_string_member_with_default (record, "image_checksum", ""));
  model_name = g_strdup (json_object_get_string_member_with_default (record, "model", ""));
  model_checksum = g_strdup (json_object_get_string_member_with_default (record, "model_checksum", ""));
  axon = _sheath_study_output_path (self, index, root, "_seg-axon.png");
  myelin = _sheath_study_output_path (self, index, root, "_seg-myelin.png");
  axon_file = g_file_new_for_path (axon);
  myelin_file = g_file_new_for_path (myelin);
  if (!(pixel_size > 0) ||
      !(seg = sheath_segmentation_new_from_masks (axon_file, myelin_file, error)) ||
      !sheath_segmentation_add_unmyelinated_beside (seg, axon_file, error) ||
      !measure (self, index, root, seg, pixel_size, image_checksum, model_name, model_checksum, TRUE, cancellable,
                error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, _ ("the record has no pixel size"));
      g_prefix_error (error, "%s: ", name);
      return FALSE;
    }
  return TRUE;
}

