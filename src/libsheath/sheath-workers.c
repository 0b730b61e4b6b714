/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-workers"

#include "config.h"

#include "sheath-limits.h"
#include "sheath-workers-private.h"

struct _SheathWorkers
{
  GMutex          mutex;
  GCond           start_cond;
  GCond           done_cond;
  GPtrArray      *threads;

  /* The job in flight, guarded by mutex except next_item (atomic). */
  guint           generation;
  SheathWorkFunc  func;
  gpointer        user_data;
  guint           n_items;
  gboolean        fixed;       /* items dealt by worker index, not taken */
  gint            next_item;
  guint           n_busy;
  gboolean        quit;
};

typedef struct
{
  SheathWorkers *workers;
  guint          index;
} WorkerSeat;

static void
run_items (SheathWorkers  *self,
           SheathWorkFunc  func,
           gpointer        user_data,
           guint           n_items,
           gboolean        fixed,
           guint           worker)
{
  if (fixed)
    {
      guint n_workers = self->threads->len + 1;

      for (guint item = worker; item < n_items; item += n_workers)
        func (item, worker, user_data);
      return;
    }

  for (;;)
    {
      gint item = g_atomic_int_add (&self->next_item, 1);

      if (item >= (gint) n_items)
        break;
      func ((guint) item, worker, user_data);
    }
}

static gpointer
sheath_workers_worker (gpointer data)
{
  WorkerSeat *seat = data;
  SheathWorkers *self = seat->workers;
  guint seen = 0;

  g_mutex_lock (&self->mutex);
  for (;;)
    {
      SheathWorkFunc func;
      gpointer user_data;
      guint n_items;
      gboolean fixed;

      while (!self->quit && self->generation == seen)
        g_cond_wait (&self->start_cond, &self->mutex);
      if (self->quit)
        break;

      seen = self->generation;
      func = self->func;
      user_data = self->user_data;
      n_items = self->n_items;
      fixed = self->fixed;
      g_mutex_unlock (&self->mutex);

      run_items (self, func, user_data, n_items, fixed, seat->index);

      g_mutex_lock (&self->mutex);
      if (--self->n_busy == 0)
        g_cond_signal (&self->done_cond);
    }
  g_mutex_unlock (&self->mutex);

  g_free (seat);
  return NULL;
}

guint
_sheath_workers_default_size (void)
{
  return MAX (1, g_get_num_processors ());
}

SheathWorkers *
_sheath_workers_new (guint n_workers)
{
  SheathWorkers *self = g_new0 (SheathWorkers, 1);

  g_mutex_init (&self->mutex);
  g_cond_init (&self->start_cond);
  g_cond_init (&self->done_cond);
  self->threads = g_ptr_array_new ();

  n_workers = CLAMP (n_workers, 1, SHEATH_MAX_THREADS);
  for (guint i = 1; i < n_workers; i++)
    {
      WorkerSeat *seat = g_new0 (WorkerSeat, 1);
      g_autoptr(GError) error = NULL;
      GThread *thread;

      seat->workers = self;
      seat->index = i;
      thread = g_thread_try_new ("sheath-worker", sheath_workers_worker, seat, &error);
      if (thread == NULL)
        {
          /* Fewer threads is slower but still correct. */
          g_warning ("Could not start worker thread: %s", error->message);
          g_free (seat);
          break;
        }
      g_ptr_array_add (self->threads, thread);
    }

  return self;
}

guint
_sheath_workers_get_size (SheathWorkers *self)
{
  return self->threads->len + 1;
}

static void
run_team (SheathWorkers  *self,
          guint           n_items,
          gboolean        fixed,
          SheathWorkFunc  func,
          gpointer        user_data)
{
  if (n_items == 0)
    return;

  if (self->threads->len == 0 || n_items == 1)
    {
      for (guint i = 0; i < n_items; i++)
        func (i, 0, user_data);
      return;
    }

  g_mutex_lock (&self->mutex);
  self->func = func;
  self->user_data = user_data;
  self->n_items = n_items;
  self->fixed = fixed;
  g_atomic_int_set (&self->next_item, 0);
  self->n_busy = self->threads->len;
  self->generation++;
  g_cond_broadcast (&self->start_cond);
  g_mutex_unlock (&self->mutex);

  run_items (self, func, user_data, n_items, fixed, 0);

  g_mutex_lock (&self->mutex);
  while (self->n_busy > 0)
    g_cond_wait (&self->done_cond, &self->mutex);
  g_mutex_unlock (&self->mutex);
}

void
_sheath_workers_run (SheathWorkers  *self,
                     guint           n_items,
                     SheathWorkFunc  func,
                     gpointer        user_data)
{
  run_team (self, n_items, FALSE, func, user_data);
}

void
_sheath_workers_run_fixed (SheathWorkers  *self,
                           guint           n_items,
                           SheathWorkFunc  func,
                           gpointer        user_data)
{
  run_team (self, n_items, TRUE, func, user_data);
}

void
_sheath_workers_free (SheathWorkers *self)
{
  if (self == NULL)
    return;

  g_mutex_lock (&self->mutex);
  self->quit = TRUE;
  g_cond_broadcast (&self->start_cond);
  g_mutex_unlock (&self->mutex);

  for (guint i = 0; i < self->threads->len; i++)
    g_thread_join (g_ptr_array_index (self->threads, i));
  g_ptr_array_unref (self->threads);

  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->start_cond);
  g_cond_clear (&self->done_cond);
  g_free (self);
}
