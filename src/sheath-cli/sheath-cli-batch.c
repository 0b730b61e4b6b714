/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "sheath-cli-private.h"

/* What a batch needs to be taken up again, or collected, later: the
 * sources and the model, kept in the output folder. */
#define MANIFEST "sheath-study.json"

typedef struct
{
  SheathStudy  *study;
  SheathModel  *model;
  const char   *model_name;
  const char   *model_checksum;
  const char   *root;
  guint         threads_per_job;
  GCancellable *cancellable;

  GMutex        mutex;
  GCond         cond;
  guint         queued;
  guint         finished;
  guint         to_do;
  GPtrArray    *failed;      /* char *: "image: why" */
  gint64        started;
} Batch;

static void
report (Batch      *batch,
        const char *image,
        gboolean    ok)
{
  double elapsed = (g_get_monotonic_time () - batch->started) / 1e6;
  guint left = batch->to_do - batch->finished;
  g_autofree char *name = g_path_get_basename (image);

  if (batch->finished > 0 && left > 0)
    fprintf (stderr, _ ("[%u/%u] %s %s · about %.0f min left\n"), batch->finished, batch->to_do, name,
             ok ? _ ("done") : _ ("FAILED"), elapsed / batch->finished * left / 60);
  else
    fprintf (stderr, "[%u/%u] %s %s\n", batch->finished, batch->to_do, name, ok ? _ ("done") : _ ("FAILED"));
}

static void
process_one (gpointer data,
             gpointer user_data)
{
  Batch *batch = user_data;
  guint index = GPOINTER_TO_UINT (data) - 1;
  g_autoptr(SheathSegmenter) segmenter = sheath_segmenter_new (batch->model);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  sheath_segmenter_set_n_threads (segmenter, batch->threads_per_job);
  ok = g_cancellable_is_cancelled (batch->cancellable)
       ? FALSE
       : sheath_study_process (batch->study, index, segmenter, batch->model_name, batch->model_checksum,
                               batch->root, batch->cancellable, &error);
  g_mutex_lock (&batch->mutex);
  batch->finished++;
  if (!ok)
    g_ptr_array_add (batch->failed, g_strdup (error ? error->message : _ ("stopped")));
  report (batch, sheath_study_get_image (batch->study, index), ok);
  g_cond_signal (&batch->cond);
  g_mutex_unlock (&batch->mutex);
}

static gboolean
interrupt_cb (gpointer data)
{
  fprintf (stderr, _ ("\nInterrupted: the images in flight stop; those finished are kept, and a new run "
                      "takes up the rest\n"));
  g_cancellable_cancel (data);
  return G_SOURCE_CONTINUE;
}

static gboolean
write_manifest (const char          *root,
                const char * const  *sources,
                const char          *model_name,
                GError             **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = g_build_filename (root, MANIFEST, NULL);
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sources");
  json_builder_begin_array (b);
  for (guint i = 0; sources[i] != NULL; i++)
    {
      g_autofree char *absolute = g_canonicalize_filename (sources[i], NULL);
      json_builder_add_string_value (b, absolute);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, model_name);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

/* The sources and model a batch into @root was run with. */
static gboolean
read_manifest (const char   *root,
               GStrv        *sources,
               char        **model_name,
               GError      **error)
{
  g_autofree char *path = g_build_filename (root, MANIFEST, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GStrvBuilder) list = g_strv_builder_new ();
  JsonObject *o;
  JsonArray *a;

  if (!json_parser_load_from_file (parser, path, error))
    {
      g_prefix_error (error, _ ("'%s' holds no batch (%s): "), root, MANIFEST);
      return FALSE;
    }
  o = JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ? json_node_get_object (json_parser_get_root (parser))
                                                               : NULL;
  a = o && json_object_has_member (o, "sources") ? json_object_get_array_member (o, "sources") : NULL;
  if (a == NULL || !json_object_has_member (o, "model"))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, _ ("'%s' is damaged"), path);
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (a); i++)
    g_strv_builder_add (list, json_array_get_string_element (a, i));
  *sources = g_strv_builder_end (list);
  *model_name = g_strdup (json_object_get_string_member (o, "model"));
  return TRUE;
}

static SheathStudy *
open_study (const char * const  *sources,
            GError             **error)
{
  g_autoptr(SheathStudy) study = sheath_study_new ();
  const char * const *warnings;

  for (guint i = 0; sources[i] != NULL; i++)
    if (!sheath_study_add_source (study, sources[i], error))
      return NULL;
  warnings = sheath_study_get_warnings (study);
  for (guint i = 0; warnings[i] != NULL; i++)
    g_printerr (_ ("sheath-cli batch: warning: %s\n"), warnings[i]);
  return g_steal_pointer (&study);
}

static int
collect (const char *root)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) sources = NULL;
  g_autofree char *model_name = NULL;
  g_autoptr(SheathStudy) study = NULL;
  guint missing = 0;

  if (!read_manifest (root, &sources, &model_name, &error) ||
      !(study = open_study ((const char * const *) sources, &error)) ||
      !sheath_study_write_tables (study, root, &missing, &error))
    {
      g_printerr (_ ("sheath-cli batch: %s\n"), error->message);
      return 1;
    }
  fprintf (stderr, _ ("%u of %u images in the tables (study.csv, subjects.csv)%s\n"),
           sheath_study_get_n_images (study) - missing, sheath_study_get_n_images (study),
           missing ? _ ("; run the batch again for the rest") : "");
  return missing ? 1 : 0;
}

int
sheath_cli_batch (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathStudy) study = NULL;
  g_autoptr(SheathModel) model = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GThreadPool *pool;
  g_autoptr(GPtrArray) failed = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *model_name = NULL, *output_dir = NULL, *collect_dir = NULL, *model_checksum = NULL;
  g_autofree char *model_path = NULL;
  int threads = 0, jobs = 1;
  guint to_do = 0, skipped = 0, interrupt_id, missing = 0;
  Batch batch = { 0 };
  const GOptionEntry entries[] = {
    { "output-dir", 'o', 0, G_OPTION_ARG_FILENAME, &output_dir,
      N_ ("Where the outputs go, a folder per subject (made if missing)"), "DIR" },
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model_name,
      N_ ("The model: sem, tem, one you trained, or a .safetensors file (default: sem)"), "MODEL" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, N_ ("Threads in all (default: one per processor)"), "N" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, N_ ("Images segmented at once, sharing the threads (default 1)"),
      "N" },
    { "collect", 0, 0, G_OPTION_ARG_FILENAME, &collect_dir,
      N_ ("Only write the tables of a batch into DIR from what is done"), "DIR" },
    { NULL }
  };
  g_auto(GStrv) sources = NULL;

  context = g_option_context_new (_ ("DATASET|FOLDER|IMAGE… - segment and measure a whole study"));
  g_option_context_set_summary (context,
    _ ("Segments and measures every image of BIDS datasets or folders into DIR/SUBJECT/ (the masks,\n"
       "STEM_axon_morphometrics.csv, STEM_morphometrics_aggregate.csv), then writes DIR/study.csv (a row\n"
       "per image, with the columns of participants.tsv and samples.tsv) and DIR/subjects.csv (a row per\n"
       "subject, its axons pooled). An image done before, from the same file and model, is skipped: a\n"
       "batch stopped halfway is taken up by running it again. A failed image is reported and the\n"
       "others go on."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr (_ ("sheath-cli batch: %s\n"), error->message);
      return 2;
    }
  if (collect_dir != NULL)
    return collect (collect_dir);
  if (argc < 2 || output_dir == NULL)
    {
      g_printerr (_ ("sheath-cli batch: give the datasets or folders and --output-dir DIR; see 'sheath-cli batch "
                     "--help'\n"));
      return 2;
    }
  if (!sheath_cli_check_threads ("batch", threads))
    return 2;
  if (jobs < 1 || jobs > SHEATH_MAX_THREADS)
    {
      g_printerr (_ ("sheath-cli batch: --jobs must be between 1 and %d\n"), SHEATH_MAX_THREADS);
      return 2;
    }
  sources = g_strdupv (argv + 1);
  if (model_name == NULL)
    model_name = g_strdup ("sem");
  if (!(model = sheath_cli_load_model (model_name, &error)) ||
      !(model_path = g_file_get_path (sheath_model_get_file (model))) ||
      !(model_checksum = sheath_study_dup_checksum (model_path, &error)) ||
      !(study = open_study ((const char * const *) sources, &error)) ||
      !sheath_cli_prepare_output_dir (output_dir, &error) ||
      !write_manifest (output_dir, (const char * const *) sources, model_name, &error))
    {
      g_printerr (_ ("sheath-cli batch: %s\n"), error ? error->message : _ ("the model is not a local file"));
      return 1;
    }

  batch.study = study;
  batch.model = model;
  batch.model_name = model_name;
  batch.model_checksum = model_checksum;
  batch.root = output_dir;
  batch.threads_per_job = MAX (1, (threads > 0 ? (guint) threads : g_get_num_processors ()) / (guint) jobs);
  batch.cancellable = cancellable;
  batch.failed = failed;
  g_mutex_init (&batch.mutex);
  g_cond_init (&batch.cond);

  for (guint i = 0; i < sheath_study_get_n_images (study); i++)
    if (sheath_study_is_done (study, i, output_dir, model_checksum))
      skipped++;
    else
      to_do++;
  fprintf (stderr, _ ("%u images: %u to do, %u done before\n"), sheath_study_get_n_images (study), to_do, skipped);
  batch.to_do = to_do;
  batch.started = g_get_monotonic_time ();

  interrupt_id = g_unix_signal_add (SIGINT, interrupt_cb, cancellable);
  pool = g_thread_pool_new (process_one, &batch, jobs, FALSE, NULL);
  for (guint i = 0; i < sheath_study_get_n_images (study); i++)
    if (!sheath_study_is_done (study, i, output_dir, model_checksum))
      g_thread_pool_push (pool, GUINT_TO_POINTER (i + 1), NULL);
  /* wait, letting Ctrl+C through the main context */
  g_mutex_lock (&batch.mutex);
  while (batch.finished < to_do)
    {
      gint64 until = g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND;

      g_mutex_unlock (&batch.mutex);
      g_main_context_iteration (NULL, FALSE);
      g_mutex_lock (&batch.mutex);
      g_cond_wait_until (&batch.cond, &batch.mutex, until);
    }
  g_mutex_unlock (&batch.mutex);
  g_thread_pool_free (pool, FALSE, TRUE);
  g_source_remove (interrupt_id);

  if (!sheath_study_write_tables (study, output_dir, &missing, &error))
    g_printerr (_ ("sheath-cli batch: %s\n"), error->message);
  else
    fprintf (stderr, _ ("%s/study.csv, %s/subjects.csv: %u of %u images\n"), output_dir, output_dir,
             sheath_study_get_n_images (study) - missing, sheath_study_get_n_images (study));
  if (failed->len > 0)
    {
      g_printerr (_ ("sheath-cli batch: %u of %u images failed:\n"), failed->len, to_do);
      for (guint i = 0; i < failed->len; i++)
        g_printerr ("  %s\n", (char *) g_ptr_array_index (failed, i));
    }
  g_mutex_clear (&batch.mutex);
  g_cond_clear (&batch.cond);
  return failed->len > 0 || error != NULL ? 1 : 0;
}
