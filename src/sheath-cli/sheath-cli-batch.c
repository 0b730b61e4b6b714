/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include <errno.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "sheath-cli-private.h"

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

static SheathStudy *
open_study (const char * const  *sources,
            SheathTableFormat    formats,
            GError             **error)
{
  g_autoptr(SheathStudy) study = sheath_study_new ();

  sheath_study_set_formats (study, formats);
  for (guint i = 0; sources[i] != NULL; i++)
    if (!sheath_study_add_source (study, sources[i], error))
      return NULL;
  return g_steal_pointer (&study);
}

static void
print_warnings (SheathStudy *study)
{
  const char * const *warnings = sheath_study_get_warnings (study);

  for (guint i = 0; warnings[i] != NULL; i++)
    g_printerr (_ ("sheath-cli batch: warning: %s\n"), warnings[i]);
}

/* a model given by its file, not by name: the manifest keeps the file's
 * absolute path, for SLURM tasks and the app, which run elsewhere */
static gboolean
is_model_file (const char *model)
{
  return strchr (model, '/') != NULL || g_str_has_suffix (model, ".safetensors");
}

SheathStudy *
sheath_cli_open_batch (const char  *root,
                       GError     **error)
{
  g_autoptr(SheathStudy) study = sheath_study_new_from_manifest (root, NULL, error);

  if (study != NULL)
    print_warnings (study);
  return g_steal_pointer (&study);
}

static int
collect (const char *root)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathStudy) study = NULL;
  guint missing = 0;

  if (!(study = sheath_cli_open_batch (root, &error)) ||
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

typedef struct
{
  gboolean  enabled;
  gboolean  dry_run;
  char     *partition;
  char     *time;
  char     *mem;
  int       cpus;
  int       array_max;
} SlurmArgs;

static void
slurm_args_clear (SlurmArgs *args)
{
  g_clear_pointer (&args->partition, g_free);
  g_clear_pointer (&args->time, g_free);
  g_clear_pointer (&args->mem, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SlurmArgs, slurm_args_clear)

/* A value that goes into the job script as one shell word */
static gboolean
plain_word (const char *value)
{
  return value == NULL || (*value != '\0' && strspn (value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                          "0123456789-_.:+") == strlen (value));
}

/* The job array: a task per image not done yet, its list in DIR/slurm/,
 * each task a `sheath-cli batch --task` of this same program. Submitted
 * with sbatch, or only written and shown with --dry-run. */
static int
submit (SheathStudy     *study,
        const char      *root,
        GArray          *pending,
        const SlurmArgs *args)
{
  g_autofree char *dir = g_build_filename (root, "slurm", NULL);
  g_autofree char *tasks_path = g_build_filename (dir, "tasks.txt", NULL);
  g_autofree char *script_path = g_build_filename (dir, "sheath-batch.sbatch", NULL);
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *absolute_root = g_canonicalize_filename (root, NULL);
  g_autofree char *quoted_root = g_shell_quote (absolute_root);
  g_autofree char *quoted_self = NULL, *quoted_log = NULL, *log = NULL;
  g_autoptr(GString) tasks = g_string_new (NULL);
  g_autoptr(GString) script = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  const char *argv[] = { "sbatch", "--parsable", script_path, NULL };
  guint to_do = pending->len, skipped = sheath_study_get_n_images (study) - pending->len;
  int status = 0;

  if (!plain_word (args->partition) || !plain_word (args->time) || !plain_word (args->mem) ||
      args->cpus < 0 || args->array_max < 0)
    {
      g_printerr (_ ("sheath-cli batch: --partition, --time and --mem are single words, --cpus-per-task and "
                     "--array-max positive numbers\n"));
      return 2;
    }
  if (pending->len == 0)
    {
      fprintf (stderr, _ ("All %u images are done: nothing to submit; sheath-cli batch --collect %s writes the "
                          "tables\n"), skipped, root);
      return 0;
    }
  for (guint k = 0; k < pending->len; k++)
    g_string_append_printf (tasks, "%s\n", sheath_study_get_image (study, g_array_index (pending, guint, k)));

  quoted_self = g_shell_quote (self_path ? self_path : "sheath-cli");
  log = g_build_filename (absolute_root, "slurm", "task-%A_%a.log", NULL);
  quoted_log = g_shell_quote (log);
  g_string_append (script, "#!/bin/sh\n# written by sheath-cli batch --slurm: a task per image not done yet\n");
  g_string_append (script, "#SBATCH --job-name=sheath-batch\n");
  g_string_append_printf (script, "#SBATCH --array=1-%u", to_do);
  if (args->array_max > 0)
    g_string_append_printf (script, "%%%d", args->array_max);
  g_string_append_printf (script, "\n#SBATCH --cpus-per-task=%d\n", args->cpus > 0 ? args->cpus : 4);
  g_string_append_printf (script, "#SBATCH --mem=%s\n", args->mem ? args->mem : "4G");
  if (args->time != NULL)
    g_string_append_printf (script, "#SBATCH --time=%s\n", args->time);
  if (args->partition != NULL)
    g_string_append_printf (script, "#SBATCH --partition=%s\n", args->partition);
  g_string_append_printf (script, "#SBATCH --output=%s\n\n", quoted_log);
  g_string_append_printf (script, "exec %s batch --task %s --task-index \"$SLURM_ARRAY_TASK_ID\" "
                          "--threads \"${SLURM_CPUS_PER_TASK:-1}\"\n", quoted_self, quoted_root);

  if (g_mkdir_with_parents (dir, 0777) != 0 ||
      !g_file_set_contents_full (tasks_path, tasks->str, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error) ||
      !g_file_set_contents_full (script_path, script->str, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0755, &error))
    {
      g_printerr (_ ("sheath-cli batch: cannot write the job script in %s: %s\n"), dir,
                  error ? error->message : g_strerror (errno));
      return 1;
    }
  if (args->dry_run)
    {
      printf ("%s", script->str);
      fprintf (stderr, _ ("%u tasks written to %s (not submitted)\n"), to_do, script_path);
      return 0;
    }
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error))
    {
      g_printerr (_ ("sheath-cli batch: cannot run sbatch (is this a SLURM cluster?): %s\n"
                     "The job script is %s\n"), error->message, script_path);
      return 1;
    }
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_printerr (_ ("sheath-cli batch: the cluster refused the job: %s\nThe job script is %s\n"),
                  err ? g_strstrip (err) : "", script_path);
      return 1;
    }
  fprintf (stderr, _ ("Submitted job %s: %u tasks (%u images done before). When it ends: "
                      "sheath-cli batch --collect %s\n"), g_strstrip (out), to_do, skipped, root);
  return 0;
}

/* One task of the job array: the image on line @index of DIR/slurm/tasks.txt. */
static int
run_task (const char *root,
          int         index,
          int         threads)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *model_name = NULL, *model_path = NULL, *model_checksum = NULL, *tasks_text = NULL;
  g_autofree char *tasks_path = g_build_filename (root, "slurm", "tasks.txt", NULL);
  g_auto(GStrv) lines = NULL;
  g_autoptr(SheathStudy) study = NULL;
  g_autoptr(SheathModel) model = NULL;
  g_autoptr(SheathSegmenter) segmenter = NULL;

  if (!(study = sheath_study_new_from_manifest (root, &model_name, &error)) ||
      !g_file_get_contents (tasks_path, &tasks_text, NULL, &error) ||
      !(model = sheath_cli_load_model (model_name, &error)) ||
      !(model_path = g_file_get_path (sheath_model_get_file (model))) ||
      !(model_checksum = sheath_study_dup_checksum (model_path, &error)))
    {
      g_printerr (_ ("sheath-cli batch: task %d: %s\n"), index, error ? error->message : "?");
      return 1;
    }
  lines = g_strsplit (tasks_text, "\n", -1);
  if (index < 1 || (guint) index > g_strv_length (lines) || *lines[index - 1] == '\0')
    {
      g_printerr (_ ("sheath-cli batch: there is no task %d in %s\n"), index, tasks_path);
      return 2;
    }
  segmenter = sheath_segmenter_new (model);
  sheath_segmenter_set_n_threads (segmenter, threads > 0 ? (guint) threads : 0);
  for (guint i = 0; i < sheath_study_get_n_images (study); i++)
    {
      if (!g_str_equal (sheath_study_get_image (study, i), lines[index - 1]))
        continue;
      if (sheath_study_is_done (study, i, root, model_checksum))
        {
          fprintf (stderr, _ ("%s: done before\n"), lines[index - 1]);
          return 0;
        }
      if (!sheath_study_process (study, i, segmenter, model_name, model_checksum, root, NULL, &error))
        {
          g_printerr (_ ("sheath-cli batch: %s\n"), error->message);
          return 1;
        }
      fprintf (stderr, _ ("%s: done\n"), lines[index - 1]);
      return 0;
    }
  g_printerr (_ ("sheath-cli batch: %s is no longer in the study\n"), lines[index - 1]);
  return 1;
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
  g_autoptr(GArray) pending = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *model_name = NULL, *output_dir = NULL, *collect_dir = NULL, *model_checksum = NULL;
  g_autofree char *model_path = NULL;
  g_autofree char *task_dir = NULL;
  g_autofree char *format = NULL, *group_by = NULL, *bins = NULL;
  g_autoptr(GArray) edges = NULL;
  SheathTableFormat formats;
  int task_index = 0;
  g_auto(SlurmArgs) slurm = { 0 };
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
    { "format", 0, 0, G_OPTION_ARG_STRING, &format,
      N_ ("Tables as csv (default), xlsx (as AxonDeepSeg writes them) or both"), "csv|xlsx|both" },
    { "group-by", 'g', 0, G_OPTION_ARG_STRING, &group_by,
      N_ ("Then the statistics, with each subject's group from this column of participants.tsv"), "COLUMN" },
    { "bins", 0, 0, G_OPTION_ARG_STRING, &bins,
      N_ ("Caliber bins' lower edges in µm for the statistics (default axondeepseg)"), "E1,E2,…" },
    { "collect", 0, 0, G_OPTION_ARG_FILENAME, &collect_dir,
      N_ ("Only write the tables of a batch into DIR from what is done"), "DIR" },
    { "slurm", 0, 0, G_OPTION_ARG_NONE, &slurm.enabled,
      N_ ("Run on a SLURM cluster: a job array, a task per image not done yet"), NULL },
    { "partition", 0, 0, G_OPTION_ARG_STRING, &slurm.partition, N_ ("With --slurm: the partition"), "P" },
    { "time", 0, 0, G_OPTION_ARG_STRING, &slurm.time, N_ ("With --slurm: each task's time limit"), "T" },
    { "cpus-per-task", 0, 0, G_OPTION_ARG_INT, &slurm.cpus, N_ ("With --slurm: cores per task (default 4)"), "N" },
    { "mem", 0, 0, G_OPTION_ARG_STRING, &slurm.mem, N_ ("With --slurm: memory per task (default 4G)"), "M" },
    { "array-max", 0, 0, G_OPTION_ARG_INT, &slurm.array_max,
      N_ ("With --slurm: tasks running at once at most"), "K" },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &slurm.dry_run,
      N_ ("With --slurm: write and print the job script, do not submit it"), NULL },
    { "task", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &task_dir, NULL, "DIR" },
    { "task-index", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &task_index, NULL, "I" },
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
  if (!sheath_cli_parse_format ("batch", format, &formats) || !sheath_cli_parse_bins ("batch", bins, &edges))
    return 2;
  if (collect_dir != NULL)
    return collect (collect_dir);
  if (task_dir != NULL)
    return run_task (task_dir, task_index, threads);
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
      !(study = open_study ((const char * const *) sources, formats, &error)) ||
      !sheath_cli_prepare_output_dir (output_dir, &error) ||
      !sheath_study_write_manifest (study, output_dir, is_model_file (model_name) ? model_path : model_name, &error))
    {
      g_printerr (_ ("sheath-cli batch: %s\n"), error ? error->message : _ ("the model is not a local file"));
      return 1;
    }
  print_warnings (study);

  /* a group column that is not there is said before hours of work */
  if (group_by != NULL && !g_strv_contains (sheath_study_get_columns (study), group_by))
    {
      g_autofree char *known = g_strjoinv (", ", (char **) sheath_study_get_columns (study));

      g_printerr (_ ("sheath-cli batch: no column '%s' in the study's participants.tsv or samples.tsv (%s)\n"),
                  group_by, *known ? known : _ ("it has none"));
      return 2;
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

  /* each image read once to know it (its checksum) */
  for (guint i = 0; i < sheath_study_get_n_images (study); i++)
    if (!sheath_study_is_done (study, i, output_dir, model_checksum))
      g_array_append_val (pending, i);
  to_do = pending->len;
  skipped = sheath_study_get_n_images (study) - to_do;
  if (slurm.enabled)
    return submit (study, output_dir, pending, &slurm);
  fprintf (stderr, _ ("%u images: %u to do, %u done before\n"), sheath_study_get_n_images (study), to_do, skipped);
  batch.to_do = to_do;
  batch.started = g_get_monotonic_time ();

  interrupt_id = g_unix_signal_add (SIGINT, interrupt_cb, cancellable);
  pool = g_thread_pool_new (process_one, &batch, jobs, FALSE, NULL);
  for (guint k = 0; k < pending->len; k++)
    g_thread_pool_push (pool, GUINT_TO_POINTER (g_array_index (pending, guint, k) + 1), NULL);
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
  if (error == NULL &&
      !sheath_study_write_statistics (study, output_dir, group_by, (double *) edges->data, edges->len, &error))
    g_printerr (_ ("sheath-cli batch: %s\n"), error->message);
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
