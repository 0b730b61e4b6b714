/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  SHEATH_CHOOSE_FILE,
  SHEATH_CHOOSE_FILES,
  SHEATH_CHOOSE_FOLDER,
  SHEATH_CHOOSE_SAVE,
} SheathChooseMode;

/* @files: the chosen files (GFile), or NULL when the user cancelled */
typedef void (*SheathFilesChosen) (GListModel *files,
                                   gpointer    user_data);

void sheath_choose_files (GtkWindow         *parent,
                          SheathChooseMode   mode,
                          const char        *title,
                          const char        *accept_label,
                          GtkFileFilter     *filter,
                          GFile             *initial_folder,
                          const char        *initial_name,
                          SheathFilesChosen  callback,
                          gpointer           user_data,
                          GDestroyNotify     destroy);

G_END_DECLS
