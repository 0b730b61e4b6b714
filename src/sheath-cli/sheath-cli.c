/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sheath-cli-private.h"

static const struct {
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} commands[] = {
  { "segment", sheath_cli_segment, N_ ("Segment axons and myelin; write AxonDeepSeg-style masks") },
  { "morphometrics", sheath_cli_morphometrics, N_ ("Measure every axon from its masks; write CSV tables") },
  { "train", sheath_cli_train, N_ ("Train or fine-tune a model on labelled images") },
  { "evaluate", sheath_cli_evaluate, N_ ("Score a model against manual masks") },
  { "calibrate", sheath_cli_calibrate, N_ ("Fit a model's class boundaries to manual morphometry") },
  { "info", sheath_cli_info, N_ ("Show what Sheath reads from an image or a model") },
  { "batch", sheath_cli_batch, N_ ("Segment and measure a whole study; write its tables") },
  { "stats", sheath_cli_stats, N_ ("The statistics of a batch per subject and group, again") },
  { "card", sheath_cli_card, N_ ("Write a model's card (Markdown) from its metadata and an evaluation") },
};

SheathModel *
sheath_cli_load_model (const char  *name_or_path,
                       GError     **error)
{
  g_autoptr(GFile) file = NULL;

  if (strchr (name_or_path, '/') == NULL && !g_str_has_suffix (name_or_path, ".safetensors"))
    return sheath_model_new_builtin (name_or_path, error);

  file = g_file_new_for_commandline_arg (name_or_path);
  return sheath_model_new_from_file (file, error);
}

gboolean
sheath_cli_prepare_output_dir (const char  *dir,
                               GError     **error)
{
  g_autofree char *name = g_filename_display_name (dir);

  /* as mkdir -p: a folder named for the outputs is made, parents too */
  if (g_mkdir_with_parents (dir, 0777) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _ ("Cannot make the output folder '%s': %s"), name, g_strerror (saved_errno));
      return FALSE;
    }
  if (access (dir, W_OK) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _ ("Cannot write in the output folder '%s'"), name);
      return FALSE;
    }
  return TRUE;
}

gboolean
sheath_cli_prepare_output_file (const char  *path,
                                GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  return sheath_cli_prepare_output_dir (dir, error);
}

char *
sheath_cli_dup_command_line (int    argc,
                             char **argv)
{
  g_autoptr(GString) line = g_string_new ("sheath-cli");

  for (int i = 0; i < argc; i++)
    {
      g_autofree char *quoted = NULL;

      /* quoted only where a shell needs it */
      if (argv[i][0] != '\0' && strspn (argv[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                         "0123456789-_.,/=:+@%") == strlen (argv[i]))
        quoted = g_strdup (argv[i]);
      else
        quoted = g_shell_quote (argv[i]);
      g_string_append_printf (line, " %s", quoted);
    }
  return g_string_free (g_steal_pointer (&line), FALSE);
}

gboolean
sheath_cli_parse_format (const char        *command,
                         const char        *text,
                         SheathTableFormat *formats)
{
  if (text == NULL || g_str_equal (text, "csv"))
    *formats = SHEATH_TABLE_FORMAT_CSV;
  else if (g_str_equal (text, "xlsx"))
    *formats = SHEATH_TABLE_FORMAT_XLSX;
  else if (g_str_equal (text, "both"))
    *formats = SHEATH_TABLE_FORMAT_CSV | SHEATH_TABLE_FORMAT_XLSX;
  else
    {
      g_printerr (_ ("sheath-cli %s: --format is csv, xlsx or both, not '%s'\n"), command, text);
      return FALSE;
    }
  return TRUE;
}

gboolean
sheath_cli_check_threads (const char *command,
                          int         threads)
{
  if (threads >= 0 && threads <= SHEATH_MAX_THREADS)
    return TRUE;
  g_printerr (_ ("sheath-cli %s: --threads must be between 1 and %d (or 0, the default: one per processor)\n"),
              command, SHEATH_MAX_THREADS);
  return FALSE;
}

static void
print_usage (FILE *out)
{
  fprintf (out,
           _ ("Usage:\n"
           "  sheath-cli COMMAND [OPTION…]\n"
           "\n"
           "Segment axons and myelin in microscopy images of nerve tissue.\n"
           "\n"
           "Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-14s %s\n", commands[i].name, _ (commands[i].summary));
  fprintf (out,
           "\n"
           "Options:\n"
           "  -h, --help     Show this help\n"
           "  --version      Show the version\n"
           "\n"
           "Run 'sheath-cli COMMAND --help' for a command's options.\n");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("sheath-cli");

  if (argc < 2)
    {
      print_usage (stderr);
      return 2;
    }

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
    {
      print_usage (stdout);
      return 0;
    }

  if (g_str_equal (argv[1], "--version"))
    {
      printf ("sheath-cli %s\n", PACKAGE_VERSION);
      return 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  fprintf (stderr, _ ("sheath-cli: unknown command '%s'\n\n"), argv[1]);
  print_usage (stderr);
  return 2;
}
