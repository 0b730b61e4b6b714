/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-training-comparison"

#include "config.h"

#include "sheath-model-picker.h"
#include "sheath-training-comparison.h"

typedef struct
{
  char         *new_model;
  char         *reference;    /* "sem", "tem" or a path */
  GStrv         images, axons, myelins;
  double       *pixel_sizes;
  SheathScores *new_scores;
  SheathScores *reference_scores;
} Comparison;

static void
comparison_free (Comparison *c)
{
  g_free (c->new_model);
  g_free (c->reference);
  g_strfreev (c->images);
  g_strfreev (c->axons);
  g_strfreev (c->myelins);
  g_free (c->pixel_sizes);
  g_clear_pointer (&c->new_scores, sheath_scores_free);
  g_clear_pointer (&c->reference_scores, sheath_scores_free);
  g_free (c);
}

static void
compare_worker (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  Comparison *c = data;
  g_autoptr(GFile) file = g_file_new_for_path (c->new_model);
  g_autoptr(SheathModel) new_model = NULL;
  g_autoptr(SheathModel) reference = NULL;
  GError *error = NULL;

  if (!(new_model = sheath_model_new_from_file (file, &error)) ||
      !(reference = sheath_model_picker_load_key (c->reference, &error)) ||
      !(c->new_scores = sheath_scores_evaluate (new_model, (const char * const *) c->images,
                                                (const char * const *) c->axons,
                                                (const char * const *) c->myelins, c->pixel_sizes,
                                                cancellable, &error)) ||
      !(c->reference_scores = sheath_scores_evaluate (reference, (const char * const *) c->images,
                                                      (const char * const *) c->axons,
                                                      (const char * const *) c->myelins, c->pixel_sizes,
                                                      cancellable, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
sheath_training_compare_async (const char           *new_model,
                               const char           *reference,
                               const char * const   *images,
                               const char * const   *axon_masks,
                               const char * const   *myelin_masks,
                               const double         *pixel_sizes,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Comparison *c = g_new0 (Comparison, 1);
  guint n = g_strv_length ((GStrv) images);

  c->new_model = g_strdup (new_model);
  c->reference = g_strdup (reference);
  c->images = g_strdupv ((GStrv) images);
  c->axons = g_strdupv ((GStrv) axon_masks);
  c->myelins = g_strdupv ((GStrv) myelin_masks);
  c->pixel_sizes = g_memdup2 (pixel_sizes, (n + 1) * sizeof (double));
  g_task_set_source_tag (task, sheath_training_compare_async);
  g_task_set_task_data (task, c, (GDestroyNotify) comparison_free);
  g_task_run_in_thread (task, compare_worker);
}

gboolean
sheath_training_compare_finish (GAsyncResult  *result,
                                SheathScores **new_scores,
                                SheathScores **reference_scores,
                                GError       **error)
{
  Comparison *c;

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  c = g_task_get_task_data (G_TASK (result));
  *new_scores = g_steal_pointer (&c->new_scores);
  *reference_scores = g_steal_pointer (&c->reference_scores);
  return TRUE;
}
