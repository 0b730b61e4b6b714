/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sheath.h>

G_BEGIN_DECLS

/* A model just trained and the one it should beat (its parent, or the
 * shipped model of its modality), scored the same way on the same held-out
 * images, before the user keeps the new one. */
void     sheath_training_compare_async  (const char           *new_model,
                                         const char           *reference,
                                         const char * const   *images,
                                         const char * const   *axon_masks,
                                         const char * const   *myelin_masks,
                                         const double         *pixel_sizes,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean sheath_training_compare_finish (GAsyncResult         *result,
                                         SheathScores        **new_scores,
                                         SheathScores        **reference_scores,
                                         GError              **error);

G_END_DECLS
