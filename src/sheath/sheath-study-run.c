/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-study-run"

#include "config.h"

#include <glib/gi18n.h>

#include <errno.h>
#include <math.h>

#include "sheath-study-run.h"

/**
 * SheathStudyRun:
 *
 * A study as the app runs it: its images and where each stands, its output
 * folder, and the work on it — reading what is done, segmenting the rest,
 * measuring a corrected image again, writing the tables and statistics.
 * The work is done one job at a time in a thread, in the order asked, a
 * correction before the images still to segment; everything here is read
 * and changed on the main thread only. The output folder is the same as
 * `sheath-cli batch` writes (its manifest included), so a study started in
 * the app is taken up by the CLI or on a cluster, and the other way round.
 */

typedef enum
{
  JOB_CHECK,       /* each image's state against the model */
  JOB_SEGMENT,
  JOB_REMEASURE,
  JOB_COLLECT,     /* the tables and the statistics */
} JobKind;

typedef struct
{
  JobKind          kind;
  guint            index;
  /* copied for the thread */
  SheathStudy     *study;
  char            *root;
  char            *group_by;
  gboolean         tables_only;  /* JOB_COLLECT: no statistics (between two images) */
  SheathModel     *model;
  SheathSegmenter *segmenter;
  char            *model_name;
  char            *model_checksum;
  GCancellable    *cancellable;
  /* results */
  GArray          *states;       /* JOB_CHECK: SheathStudyRunState per image */
  GPtrArray       *tables[2];    /* JOB_COLLECT: GStrv rows, the header first */
  char            *warning;      /* JOB_COLLECT: the statistics could not be written */
} Job;

struct _SheathStudyRun
{
  GObject          parent_instance;

  SheathStudy     *study;
  char            *root;
  char            *model_name;        /* the model chosen, as the manifest says it */
  SheathModel     *model;
  char            *model_checksum;    /* NULL until a check read it */
  char            *group_by;
  GArray          *states;            /* SheathStudyRunState */
  GPtrArray       *failures;          /* char *, or NULL */
  GPtrArray       *tables[2];

  GQueue           jobs;              /* Job, waiting */
  Job             *running;
  GCancellable    *cancellable;       /* the segmentation asked for last */
  guint            to_segment;        /* of this Segment All */
  guint            segmented;
  gint64           started;
  gboolean         stopped;           /* by the user: the message says so */
  char            *message;
};

G_DEFINE_FINAL_TYPE (SheathStudyRun, sheath_study_run, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BUSY,
  PROP_FRACTION,
  PROP_MESSAGE,
  N_PROPS
};

enum {
  IMAGE_CHANGED,
  TABLES_CHANGED,
  FAILED,
  N_SIGNALS
};

static GParamSpec *properties [N_PROPS];
static guint signals [N_SIGNALS];

static void pump (SheathStudyRun *self);
static Job *job_new (SheathStudyRun *self,
                     JobKind         kind,
                     guint           index);
static void all_done (SheathStudyRun *self);

static void
job_free (Job *job)
{
  g_clear_object (&job->study);
  g_free (job->root);
  g_free (job->group_by);
  g_clear_object (&job->model);
  g_clear_object (&job->segmenter);
  g_free (job->model_name);
  g_free (job->model_checksum);
  g_clear_object (&job->cancellable);
  g_clear_pointer (&job->states, g_array_unref);
  g_clear_pointer (&job->tables[0], g_ptr_array_unref);
  g_clear_pointer (&job->tables[1], g_ptr_array_unref);
  g_free (job->warning);
  g_free (job);
}

static void
sheath_study_run_dispose (GObject *object)
{
  SheathStudyRun *self = SHEATH_STUDY_RUN (object);

  g_cancellable_cancel (self->cancellable);
  g_queue_clear_full (&self->jobs, (GDestroyNotify) job_free);

  G_OBJECT_CLASS (sheath_study_run_parent_class)->dispose (object);
}

static void
sheath_study_run_finalize (GObject *object)
{
  SheathStudyRun *self = SHEATH_STUDY_RUN (object);

  g_clear_object (&self->study);
  g_free (self->root);
  g_free (self->model_name);
  g_clear_object (&self->model);
  g_free (self->model_checksum);
  g_free (self->group_by);
  g_array_unref (self->states);
  g_ptr_array_unref (self->failures);
  g_clear_pointer (&self->tables[0], g_ptr_array_unref);
  g_clear_pointer (&self->tables[1], g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_free (self->message);

  G_OBJECT_CLASS (sheath_study_run_parent_class)->finalize (object);
}

static void
sheath_study_run_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SheathStudyRun *self = SHEATH_STUDY_RUN (object);

  switch (prop_id)
    {
    case PROP_BUSY: g_value_set_boolean (value, sheath_study_run_get_busy (self)); break;
    case PROP_FRACTION: g_value_set_double (value, sheath_study_run_get_fraction (self)); break;
    case PROP_MESSAGE: g_value_set_string (value, self->message); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_study_run_class_init (SheathStudyRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = sheath_study_run_dispose;
  object_class->finalize = sheath_study_run_finalize;
  object_class->get_property = sheath_study_run_get_property;

  /* some work is queued or running */
  properties [PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, ro);
  /* of the images Segment All set out to do */
  properties [PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0, ro);
  properties [PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* an image's state changed: its index */
  signals [IMAGE_CHANGED] =
    g_signal_new ("image-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
  /* the tables and statistics were written again */
  signals [TABLES_CHANGED] =
    g_signal_new ("tables-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  /* something went wrong that is no one image's: the message */
  signals [FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
sheath_study_run_init (SheathStudyRun *self)
{
  self->states = g_array_new (FALSE, TRUE, sizeof (SheathStudyRunState));
  self->failures = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->jobs);
}

/**
 * sheath_study_run_dup_default_root:
 * @source: a dataset or folder of images
 *
 * Where a study of @source keeps its results unless told otherwise: the
 * dataset's `derivatives/sheath`, as BIDS puts what is derived from it.
 *
 * Returns: (transfer full): the folder
 */
char *
sheath_study_run_dup_default_root (const char *source)
{
  return g_build_filename (source, "derivatives", "sheath", NULL);
}

static gboolean
is_results_folder (const char *path)
{
  g_autofree char *manifest = g_build_filename (path, "sheath-study.json", NULL);

  return g_file_test (manifest, G_FILE_TEST_IS_REGULAR);
}

/**
 * sheath_study_run_open:
 * @source: a dataset or folder of images, or the results folder of a
 *   study (its `sheath-study.json`: from the app, `sheath-cli batch` or SLURM)
 * @root: (nullable): where the results go; %NULL for the results folder
 *   given, or a dataset's sheath_study_run_dup_default_root()
 * @error: return location for a #GError
 *
 * Opens a study. Where the results folder holds one already, its sources
 * and model are those of that study, so that it is taken up where it was
 * left. Nothing is read from the images yet: every state is
 * %SHEATH_STUDY_RUN_CHECKING until sheath_study_run_set_model().
 *
 * Returns: (transfer full): the study's run, or %NULL with @error set
 */
SheathStudyRun *
sheath_study_run_open (const char  *source,
                       const char  *root,
                       GError     **error)
{
  g_autoptr(SheathStudyRun) self = g_object_new (SHEATH_TYPE_STUDY_RUN, NULL);
  g_autofree char *absolute = NULL;
  SheathStudyRunState checking = SHEATH_STUDY_RUN_CHECKING;

  g_return_val_if_fail (source != NULL, NULL);

  absolute = g_canonicalize_filename (source, NULL);
  if (root == NULL && is_results_folder (absolute))
    self->root = g_strdup (absolute);
  else
    self->root = root ? g_canonicalize_filename (root, NULL) : sheath_study_run_dup_default_root (absolute);

  if (is_results_folder (self->root))
    self->study = sheath_study_new_from_manifest (self->root, &self->model_name, error);
  else
    {
      self->study = sheath_study_new ();
      /* the tables as CSV, and as AxonDeepSeg's users know them */
      sheath_study_set_formats (self->study, SHEATH_TABLE_FORMAT_CSV | SHEATH_TABLE_FORMAT_XLSX);
      if (!sheath_study_add_source (self->study, absolute, error))
        g_clear_object (&self->study);
    }
  if (self->study == NULL)
    return NULL;
  for (guint i = 0; i < sheath_study_get_n_images (self->study); i++)
    {
      g_array_append_val (self->states, checking);
      g_ptr_array_add (self->failures, NULL);
    }
  return g_steal_pointer (&self);
}

SheathStudy *
sheath_study_run_get_study (SheathStudyRun *self)
{
  g_return_val_if_fail (SHEATH_IS_STUDY_RUN (self), NULL);
  return self->study;
}

const char *
sheath_study_run_get_root (SheathStudyRun *self)
{
  g_return_val_if_fail (SHEATH_IS_STUDY_RUN (self), NULL);
  return self->root;
}

/* the model the results folder was made with, or the one chosen since */
const char *
sheath_study_run_get_model_name (SheathStudyRun *self)
{
  g_return_val_if_fail (SHEATH_IS_STUDY_RUN (self), NULL);
  return self->model_name;
}

SheathStudyRunState
sheath_study_run_get_state (SheathStudyRun *self,
                            guint           index)
{
  g_return_val_if_fail (SHEATH_IS_STUDY_RUN (self), SHEATH_STUDY_RUN_TO_DO);
  g_return_val_if_fail (index < self->states->len, SHEATH_STUDY_RUN_TO_DO);
  return g_array_index (self->states, SheathStudyRunState, index);
}

/* why the image failed, or NULL */
const char *
sheath_study_run_get_failure (SheathStudyRun *self,
                              guint           index)
{
  g_return_val_if_fail (SHEATH_IS_STUDY_RUN (self), NULL);
  g_return_val_if_fail (index < self->failures->len, NULL);
  return g_ptr_array_index (self->failures, index);
}

/* the index of the image at @path, or -1 */
int
sheath_study_run_find_image (SheathStudyRun *self,
                             const char     *path)
{
  g_return_val_if_fail (SHEATH_IS_STUDY_RUN (self), -1);
  for (guint i = 0; i < sheath_study_get_n_images (self->study); i++)
    if (g_strcmp0 (sheath_study_get_image (self->study, i), path) == 0)
      return (int) i;
  return -1;
}

/* where the image's masks are, to open and correct them */
char *
sheath_study_run_dup_masks_folder (SheathStudyRun *self,
                                   guint           index)
{
  g_return_val_if_fail (SHEATH_IS_STUDY_RUN (self), NULL);
  return sheath_study_dup_output_dir (self->study, index, self->root);
}

gboolean
sheath_study_run_get_busy (SheathStudyRun *self)
{
  g_return_val_if_fail (SHEATH_IS_STUDY_RUN (self), FALSE);
  return self->running != NULL || !g_queue_is_empty (&self->jobs);
}

double
sheath_study_run_get_fraction (SheathStudyRun *self)
{
  g_return_val_if_fail (SHEATH_IS_STUDY_RUN (self), 0);
  return self->to_segment > 0 ? (double) self->segmented / self->to_segment : 0;
}

const char *
sheath_study_run_get_message (SheathStudyRun *self)
{
  g_return_val_if_fail (SHEATH_IS_STUDY_RUN (self), NULL);
  return self->message;
}

const char *
sheath_study_run_get_group_by (SheathStudyRun *self)
{
  g_return_val_if_fail (SHEATH_IS_STUDY_RUN (self), NULL);
  return self->group_by;
}

/* a table as the last collection left it: GStrv rows, the header first;
 * NULL while no image is done */
GPtrArray *
sheath_study_run_get_table (SheathStudyRun   *self,
                            SheathStudyTable  table)
{
  g_return_val_if_fail (SHEATH_IS_STUDY_RUN (self), NULL);
  g_return_val_if_fail (table <= SHEATH_STUDY_TABLE_SUBJECTS, NULL);
  return self->tables[table];
}

static void
set_message (SheathStudyRun *self,
             char           *message)
{
  g_free (self->message);
  self->message = message;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_MESSAGE]);
}

static void
set_state (SheathStudyRun      *self,
           guint                index,
           SheathStudyRunState  state,
           const char          *failure)
{
  g_array_index (self->states, SheathStudyRunState, index) = state;
  g_free (g_ptr_array_index (self->failures, index));
  g_ptr_array_index (self->failures, index) = g_strdup (failure);
  g_signal_emit (self, signals [IMAGE_CHANGED], 0, index);
}

/* ---- the jobs, in a thread ------------------------------------------------- */

static SheathStudyRunState
from_status (SheathStudyStatus status)
{
  switch (status)
    {
    case SHEATH_STUDY_STATUS_DONE: return SHEATH_STUDY_RUN_DONE;
    case SHEATH_STUDY_STATUS_CORRECTED: return SHEATH_STUDY_RUN_CORRECTED;
    case SHEATH_STUDY_STATUS_TO_DO:
    default: return SHEATH_STUDY_RUN_TO_DO;
    }
}

static GPtrArray *
snapshot (SheathStudy      *study,
          SheathStudyTable  table)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  guint n_columns = g_strv_length ((char **) sheath_study_get_table_columns (study, table));

  g_ptr_array_add (rows, g_strdupv ((char **) sheath_study_get_table_columns (study, table)));
  for (guint r = 0; r < sheath_study_get_table_n_rows (study, table); r++)
    {
      GStrv row = g_new0 (char *, n_columns + 1);

      for (guint c = 0; c < n_columns; c++)
        row[c] = sheath_study_dup_table_cell (study, table, r, c);
      g_ptr_array_add (rows, row);
    }
  return rows;
}

static void
job_worker (GTask        *task,
            gpointer      source,
            gpointer      data,
            GCancellable *cancellable)
{
  Job *job = data;
  GError *error = NULL;
  gboolean ok = TRUE;

  switch (job->kind)
    {
    case JOB_CHECK:
      job->states = g_array_new (FALSE, FALSE, sizeof (SheathStudyRunState));
      job->model_checksum = job->model ? sheath_study_dup_checksum (
                                           g_file_peek_path (sheath_model_get_file (job->model)), NULL) : NULL;
      for (guint i = 0; i < sheath_study_get_n_images (job->study); i++)
        {
          SheathStudyRunState state = from_status (sheath_study_get_status (job->study, i, job->root,
                                                                            job->model_checksum));
          g_array_append_val (job->states, state);
        }
      break;
    case JOB_SEGMENT:
      ok = sheath_study_process (job->study, job->index, job->segmenter, job->model_name, job->model_checksum,
                                 job->root, job->cancellable, &error);
      break;
    case JOB_REMEASURE:
      ok = sheath_study_remeasure (job->study, job->index, job->root, NULL, &error);
      break;
    case JOB_COLLECT:
      {
        static const double adsm_bins[] = { 0, 0.5, 1, 1.5, 2, 3, 5 };
        g_autoptr(GError) stats_error = NULL;

        if (!sheath_study_write_tables (job->study, job->root, NULL, &error))
          {
            /* nothing done yet is not a failure */
            g_clear_error (&error);
            break;
          }
        job->tables[0] = snapshot (job->study, SHEATH_STUDY_TABLE_IMAGES);
        job->tables[1] = snapshot (job->study, SHEATH_STUDY_TABLE_SUBJECTS);
        if (!job->tables_only &&
            !sheath_study_write_statistics (job->study, job->root, job->group_by, adsm_bins,
                                            G_N_ELEMENTS (adsm_bins), &stats_error))
          job->warning = g_strdup (stats_error->message);
      }
      break;
    default:
      g_assert_not_reached ();
    }
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
check_done (SheathStudyRun *self,
            Job            *job)
{
  g_free (self->model_checksum);
  self->model_checksum = g_strdup (job->model_checksum);
  for (guint i = 0; i < job->states->len; i++)
    {
      SheathStudyRunState now = sheath_study_run_get_state (self, i);

      /* an image queued or segmenting meanwhile is left to its job */
      if (now == SHEATH_STUDY_RUN_CHECKING || now == SHEATH_STUDY_RUN_TO_DO || now == SHEATH_STUDY_RUN_DONE)
        set_state (self, i, g_array_index (job->states, SheathStudyRunState, i), NULL);
    }
}

static void
segment_done (SheathStudyRun *self,
              Job            *job,
              GError         *error)
{
  double elapsed = (g_get_monotonic_time () - self->started) / 1e6;
  guint left;

  self->segmented++;
  left = self->to_segment - self->segmented;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_state (self, job->index, SHEATH_STUDY_RUN_TO_DO, NULL);
  else
    set_state (self, job->index, error ? SHEATH_STUDY_RUN_FAILED : SHEATH_STUDY_RUN_DONE,
               error ? error->message : NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_FRACTION]);
  if (left > 0 && !g_cancellable_is_cancelled (job->cancellable) && !error)
    {
      /* the tables follow each image; the statistics wait for the last */
      Job *tables = job_new (self, JOB_COLLECT, 0);

      tables->tables_only = TRUE;
      g_queue_push_head (&self->jobs, tables);
    }
  if (left > 0 && !g_cancellable_is_cancelled (job->cancellable))
    /* Translators: images segmented, of how many, then the time left */
    set_message (self, g_strdup_printf (_ ("%u of %u images · about %.0f min left"), self->segmented,
                                        self->to_segment, ceil (elapsed / self->segmented * left / 60)));
}

static void
collect_done (SheathStudyRun *self,
              Job            *job)
{
  for (guint t = 0; t < 2; t++)
    if (job->tables[t] != NULL)
      {
        g_clear_pointer (&self->tables[t], g_ptr_array_unref);
        self->tables[t] = g_steal_pointer (&job->tables[t]);
      }
  if (job->warning != NULL)
    g_signal_emit (self, signals [FAILED], 0, job->warning);
  g_signal_emit (self, signals [TABLES_CHANGED], 0);
}

static void
job_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      data)
{
  SheathStudyRun *self = SHEATH_STUDY_RUN (object);
  Job *job = g_steal_pointer (&self->running);
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  switch (job->kind)
    {
    case JOB_CHECK: check_done (self, job); break;
    case JOB_SEGMENT: segment_done (self, job, error); break;
    case JOB_REMEASURE:
      if (error != NULL)
        {
          g_autofree char *text = g_strdup_printf (_ ("The corrected masks were not measured: %s"), error->message);
          g_signal_emit (self, signals [FAILED], 0, text);
        }
      else
        set_state (self, job->index, SHEATH_STUDY_RUN_CORRECTED, NULL);
      break;
    case JOB_COLLECT: collect_done (self, job); break;
    default: g_assert_not_reached ();
    }
  job_free (job);
  pump (self);
  if (self->running == NULL)
    all_done (self);
}

/* Starts the next job, if none is running. */
static void
pump (SheathStudyRun *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->running == NULL && !g_queue_is_empty (&self->jobs))
    {
      self->running = g_queue_pop_head (&self->jobs);
      if (self->running->kind == JOB_SEGMENT)
        {
          set_state (self, self->running->index, SHEATH_STUDY_RUN_SEGMENTING, NULL);
          if (self->segmented == 0)
            set_message (self, g_strdup_printf (_ ("0 of %u images"), self->to_segment));
        }
      task = g_task_new (self, NULL, job_done_cb, NULL);
      g_task_set_source_tag (task, pump);
      g_task_set_task_data (task, self->running, NULL);
      g_task_run_in_thread (task, job_worker);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_BUSY]);
}

/* Nothing is left to do: what Segment All did is said. */
static void
all_done (SheathStudyRun *self)
{
  guint failed = 0;

  if (self->to_segment == 0)
    return;
  for (guint i = 0; i < self->states->len; i++)
    failed += sheath_study_run_get_state (self, i) == SHEATH_STUDY_RUN_FAILED;
  if (!self->stopped)
    set_message (self, failed > 0 ? g_strdup_printf (ngettext ("%u image failed", "%u images failed", failed),
                                                     failed)
                                  : NULL);
  self->stopped = FALSE;
  self->to_segment = self->segmented = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_FRACTION]);
}

static Job *
job_new (SheathStudyRun *self,
         JobKind         kind,
         guint           index)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->index = index;
  job->study = g_object_ref (self->study);
  job->root = g_strdup (self->root);
  job->group_by = g_strdup (self->group_by);
  job->model = self->model ? g_object_ref (self->model) : NULL;
  job->model_name = g_strdup (self->model_name);
  job->model_checksum = g_strdup (self->model_checksum);
  job->cancellable = g_object_ref (self->cancellable);
  return job;
}

static void
queue_collect (SheathStudyRun *self)
{
  /* one is enough at the end of the queue */
  Job *last = g_queue_peek_tail (&self->jobs);

  if (last == NULL || last->kind != JOB_COLLECT)
    g_queue_push_tail (&self->jobs, job_new (self, JOB_COLLECT, 0));
  else
    {
      g_free (last->group_by);
      last->group_by = g_strdup (self->group_by);
    }
  pump (self);
}

/**
 * sheath_study_run_set_root:
 * @root: another results folder
 *
 * Puts the results in @root from now on: where each image stands is read
 * again there. Not while segmenting.
 */
void
sheath_study_run_set_root (SheathStudyRun *self,
                           const char     *root)
{
  g_return_if_fail (SHEATH_IS_STUDY_RUN (self));
  g_return_if_fail (root != NULL);
  g_return_if_fail (self->to_segment == 0);

  g_free (self->root);
  self->root = g_canonicalize_filename (root, NULL);
  g_clear_pointer (&self->tables[0], g_ptr_array_unref);
  g_clear_pointer (&self->tables[1], g_ptr_array_unref);
  g_signal_emit (self, signals [TABLES_CHANGED], 0);
  for (guint i = 0; i < self->states->len; i++)
    set_state (self, i, SHEATH_STUDY_RUN_CHECKING, NULL);
  g_queue_push_tail (&self->jobs, job_new (self, JOB_CHECK, 0));
  queue_collect (self);
}

/* whether Segment All is under way */
gboolean
sheath_study_run_get_segmenting (SheathStudyRun *self)
{
  g_return_val_if_fail (SHEATH_IS_STUDY_RUN (self), FALSE);
  return self->to_segment > 0;
}

/**
 * sheath_study_run_set_model:
 * @model: (nullable): the model to segment with
 * @model_name: (nullable): as the manifest keeps it ("sem", a path)
 *
 * Reads, in the background, where each image stands against @model (their
 * checksums), then the tables of what is done.
 */
void
sheath_study_run_set_model (SheathStudyRun *self,
                            SheathModel    *model,
                            const char     *model_name)
{
  g_return_if_fail (SHEATH_IS_STUDY_RUN (self));

  g_set_object (&self->model, model);
  if (model_name != NULL)
    {
      g_free (self->model_name);
      self->model_name = g_strdup (model_name);
    }
  g_queue_push_tail (&self->jobs, job_new (self, JOB_CHECK, 0));
  queue_collect (self);
}

void
sheath_study_run_set_group_by (SheathStudyRun *self,
                               const char     *column)
{
  g_return_if_fail (SHEATH_IS_STUDY_RUN (self));
  if (g_strcmp0 (self->group_by, column) == 0)
    return;
  g_free (self->group_by);
  self->group_by = g_strdup (column);
  queue_collect (self);
}

/**
 * sheath_study_run_segment_all:
 *
 * Segments and measures every image still to do (failed ones again), one
 * after the other with all the processor's threads, then writes the
 * tables and statistics. The results folder gets the study's manifest
 * first, so that `sheath-cli batch` can take it up too.
 *
 * Returns: %TRUE, or %FALSE with @error set when there is no model or the
 *   results folder cannot be made
 */
gboolean
sheath_study_run_segment_all (SheathStudyRun  *self,
                              GError         **error)
{
  g_autoptr(SheathSegmenter) segmenter = NULL;
  guint queued = 0;

  g_return_val_if_fail (SHEATH_IS_STUDY_RUN (self), FALSE);

  if (self->model == NULL || self->model_name == NULL)
    {
      g_set_error_literal (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, _ ("Choose a model first"));
      return FALSE;
    }
  if (g_mkdir_with_parents (self->root, 0777) != 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE, _ ("Cannot make the results folder “%s”: %s"),
                   self->root, g_strerror (errno));
      return FALSE;
    }
  if (!sheath_study_write_manifest (self->study, self->root, self->model_name, error))
    return FALSE;

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_autoptr(GCancellable) fresh = g_cancellable_new ();
      g_set_object (&self->cancellable, fresh);
    }
  self->stopped = FALSE;
  segmenter = sheath_segmenter_new (self->model);
  for (guint i = 0; i < self->states->len; i++)
    {
      SheathStudyRunState state = sheath_study_run_get_state (self, i);
      Job *job;

      if (state != SHEATH_STUDY_RUN_TO_DO && state != SHEATH_STUDY_RUN_FAILED)
        continue;
      job = job_new (self, JOB_SEGMENT, i);
      job->segmenter = g_object_ref (segmenter);
      g_queue_push_tail (&self->jobs, job);
      set_state (self, i, SHEATH_STUDY_RUN_QUEUED, NULL);
      queued++;
    }
  if (self->segmented == 0 && self->to_segment == 0)
    self->started = g_get_monotonic_time ();
  self->to_segment += queued;
  queue_collect (self);
  return TRUE;
}

/**
 * sheath_study_run_cancel:
 *
 * Stops segmenting: the image in flight stops, those queued go back to be
 * done; what is done is kept, and its tables written.
 */
void
sheath_study_run_cancel (SheathStudyRun *self)
{
  GList *l, *next;

  g_return_if_fail (SHEATH_IS_STUDY_RUN (self));

  g_cancellable_cancel (self->cancellable);
  for (l = self->jobs.head; l != NULL; l = next)
    {
      Job *job = l->data;

      next = l->next;
      if (job->kind != JOB_SEGMENT)
        continue;
      set_state (self, job->index, SHEATH_STUDY_RUN_TO_DO, NULL);
      g_queue_delete_link (&self->jobs, l);
      job_free (job);
    }
  self->stopped = self->to_segment > 0;
  if (self->to_segment > 0)
    set_message (self, g_strdup_printf (_ ("Stopped after %u of %u images; Segment All takes up the rest"),
                                        self->segmented, self->to_segment));
  self->to_segment = self->segmented;
  queue_collect (self);
}

/**
 * sheath_study_run_remeasure:
 * @index: an image whose masks were corrected and saved
 *
 * Measures the image again from its corrected masks, before any image
 * still to segment, then writes the tables and statistics again.
 */
void
sheath_study_run_remeasure (SheathStudyRun *self,
                            guint           index)
{
  g_return_if_fail (SHEATH_IS_STUDY_RUN (self));
  g_return_if_fail (index < self->states->len);

  /* the figures follow the correction at once, not after the images queued */
  g_queue_push_head (&self->jobs, job_new (self, JOB_COLLECT, 0));
  g_queue_push_head (&self->jobs, job_new (self, JOB_REMEASURE, index));
  pump (self);
}
