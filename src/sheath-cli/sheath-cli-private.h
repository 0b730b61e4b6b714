/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sheath.h>

G_BEGIN_DECLS

int sheath_cli_segment (int argc, char **argv);
int sheath_cli_info    (int argc, char **argv);
int sheath_cli_morphometrics (int argc, char **argv);
int sheath_cli_train   (int argc, char **argv);
int sheath_cli_evaluate (int argc, char **argv);
int sheath_cli_calibrate (int argc, char **argv);
int sheath_cli_card     (int argc, char **argv);
int sheath_cli_batch    (int argc, char **argv);
int sheath_cli_stats    (int argc, char **argv);

typedef struct
{
  SheathAxonShape  shape;
  char            *roi;
  char            *output;
  gboolean         json;
  gboolean         exclude_border;
  double           bin_width;
  SheathTableFormat formats;   /* 0: CSV */
  gboolean         maps;
  double           map_cell;    /* µm */
  double           bands_above; /* pixels: larger maps are measured in bands */
} MorphometricsArgs;

/* The maps' cell unless --map-cell says otherwise, in µm */
#define SHEATH_CLI_DEFAULT_MAP_CELL 50.0

/* Measures a segmentation and writes the table, the aggregates, the
 * instance map and the index image into @dir, named after @stem. */
gboolean sheath_cli_write_morphometrics (SheathSegmentation      *segmentation,
                                         SheathImage             *image,
                                         double                   pixel_size,
                                         const char              *dir,
                                         const char              *stem,
                                         const MorphometricsArgs *args,
                                         GError                 **error);

/* Measures a label map too large to hold (an OME-TIFF) band by band, and
 * writes the table, the aggregates, the instance map (a 32-bit TIFF) and
 * the maps; not the index image, which needs it whole. */
gboolean sheath_cli_write_banded_morphometrics (const char              *map,
                                                double                   pixel_size,
                                                const char              *dir,
                                                const char              *stem,
                                                const MorphometricsArgs *args,
                                                GError                 **error);

/* Loads "sem", "tem" (shipped models) or a .safetensors path. */
SheathModel *sheath_cli_load_model (const char  *name_or_path,
                                    GError     **error);

/* Makes @dir (and its parents) if needed and checks it can be written in. */
gboolean sheath_cli_prepare_output_dir  (const char  *dir,
                                         GError     **error);
/* The same for the folder that will hold @path. */
gboolean sheath_cli_prepare_output_file (const char  *path,
                                         GError     **error);

/* The command as typed, for a model card: "sheath-cli train --data …". */
char    *sheath_cli_dup_command_line (int    argc,
                                      char **argv);

/* Reads --format csv|xlsx|both (NULL: CSV); says why not. */
gboolean sheath_cli_parse_format (const char        *command,
                                  const char        *text,
                                  SheathTableFormat *formats);

/* Reads --bins (NULL or "axondeepseg": AxonDeepSeg's); says why not. */
gboolean sheath_cli_parse_bins (const char  *command,
                                const char  *text,
                                GArray     **edges);

/* The study a batch into @root was run on, from its manifest. */
SheathStudy *sheath_cli_open_batch (const char  *root,
                                    GError     **error);

/* Checks --threads the same way for every command (says why not). */
gboolean sheath_cli_check_threads (const char *command,
                                   int         threads);

G_END_DECLS
