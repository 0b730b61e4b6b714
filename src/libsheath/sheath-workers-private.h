/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A small fixed team of threads that runs a parallel for-loop: the calling
 * thread takes part as worker 0, so a team of one runs inline. Items are
 * handed out dynamically, which keeps cores busy when bands differ in cost. */
typedef struct _SheathWorkers SheathWorkers;

typedef void (*SheathWorkFunc) (guint    item,
                                guint    worker,
                                gpointer user_data);

SheathWorkers *_sheath_workers_new       (guint           n_workers);
void           _sheath_workers_free      (SheathWorkers  *self);
guint          _sheath_workers_get_size  (SheathWorkers  *self);
void           _sheath_workers_run       (SheathWorkers  *self,
                                          guint           n_items,
                                          SheathWorkFunc  func,
                                          gpointer        user_data);
/* The same, but worker w runs the items w, w + W, w + 2W… in that order, so
 * that what each worker accumulates (a reduction's partial sums) is the
 * same on every run with the same team size, whatever the timing. */
void           _sheath_workers_run_fixed (SheathWorkers  *self,
                                          guint           n_items,
                                          SheathWorkFunc  func,
                                          gpointer        user_data);
guint          _sheath_workers_default_size (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SheathWorkers, _sheath_workers_free)

G_END_DECLS
