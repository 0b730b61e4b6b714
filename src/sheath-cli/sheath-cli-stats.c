/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include <stdio.h>

#include "sheath-cli-private.h"

/* AxonDeepSeg's caliber bins (axondeepseg_aggregate): [0.5, 1), [1, 1.25),
 * [1.25, 1.5), [1.5, 1.75), [1.75, ∞) µm */
static const double axondeepseg_bins[] = { 0.5, 1, 1.25, 1.5, 1.75 };

gboolean
sheath_cli_parse_bins (const char  *command,
                       const char  *text,
                       GArray     **edges)
{
  g_auto(GStrv) parts = NULL;

  *edges = g_array_new (FALSE, FALSE, sizeof (double));
  if (text == NULL || g_str_equal (text, "axondeepseg"))
    {
      g_array_append_vals (*edges, axondeepseg_bins, G_N_ELEMENTS (axondeepseg_bins));
      return TRUE;
    }
  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *end = NULL;
      double v = g_ascii_strtod (g_strstrip (parts[i]), &end);

      if (end == parts[i] || *end != '\0' || v < 0 || (i > 0 && v <= g_array_index (*edges, double, i - 1)))
        {
          g_printerr (_ ("sheath-cli %s: --bins is axondeepseg or ascending lower edges in µm, "
                         "as 0.5,1,1.25,1.5,1.75; not '%s'\n"), command, text);
          g_clear_pointer (edges, g_array_unref);
          return FALSE;
        }
      g_array_append_val (*edges, v);
    }
  return TRUE;
}

int
sheath_cli_stats (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SheathStudy) study = NULL;
  g_autoptr(GArray) edges = NULL;
  g_autofree char *group_by = NULL, *bins = NULL;
  const GOptionEntry entries[] = {
    { "group-by", 'g', 0, G_OPTION_ARG_STRING, &group_by,
      N_ ("The column of participants.tsv (or samples.tsv) that names each subject's group"), "COLUMN" },
    { "bins", 0, 0, G_OPTION_ARG_STRING, &bins,
      N_ ("Caliber bins' lower edges in µm (default axondeepseg: 0.5,1,1.25,1.5,1.75)"), "E1,E2,…" },
    { NULL }
  };

  context = g_option_context_new (_ ("DIR - the statistics of a batch, again"));
  g_option_context_set_summary (context,
    _ ("Writes DIR/statistics/ from what 'sheath-cli batch' left in DIR, without segmenting again,\n"
       "the subject as the unit: subject-bins.csv (each subject's means per caliber bin),\n"
       "gratio-fits.csv (g-ratio against axon diameter per subject), groups.csv (mean ± SD of the\n"
       "subject means per group), tests.csv (two groups: Welch's t, Mann-Whitney U, Hedges' g; more:\n"
       "one-way ANOVA, Kruskal-Wallis) and the plots, as PNG and SVG."));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr (_ ("sheath-cli stats: %s\n"), error->message);
      return 2;
    }
  if (argc != 2)
    {
      g_printerr (_ ("sheath-cli stats: give the output folder of a batch; see 'sheath-cli stats --help'\n"));
      return 2;
    }
  if (!sheath_cli_parse_bins ("stats", bins, &edges))
    return 2;
  if (!(study = sheath_cli_open_batch (argv[1], &error)) ||
      !sheath_study_write_statistics (study, argv[1], group_by, (double *) edges->data, edges->len, &error))
    {
      g_printerr (_ ("sheath-cli stats: %s\n"), error->message);
      return 1;
    }
  fprintf (stderr, _ ("%s/statistics/: subject-bins.csv, gratio-fits.csv, groups.csv, tests.csv and the plots\n"),
           argv[1]);
  return 0;
}
