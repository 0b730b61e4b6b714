/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-png-writer"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <unistd.h>

#include "sheath-error.h"
#include "sheath-png-writer-private.h"

typedef struct
{
  FILE        *fp;
  png_structp  png;
  png_infop    info;
  gpointer     row;
  char         message[256];
} PngWrite;

static void
png_write_error_cb (png_structp      png,
                    png_const_charp  message)
{
  PngWrite *state = png_get_error_ptr (png);

  g_strlcpy (state->message, message, sizeof state->message);
  png_longjmp (png, 1);
}

static void
png_write_clear (PngWrite *state)
{
  if (state->png != NULL)
    png_destroy_write_struct (&state->png, state->info ? &state->info : NULL);
  g_clear_pointer (&state->fp, fclose);
  g_clear_pointer (&state->row, g_free);
}

/* Kept apart from the caller so that no local of a function that calls
 * setjmp() needs to survive a longjmp. Returns FALSE with state->message
 * set on a libpng error, or empty when out of memory. */
static gboolean
encode_png (PngWrite      *state,
            guint          width,
            guint          height,
            guint          bit_depth,
            guint          channels,
            SheathRowFunc  row_func,
            gpointer       user_data)
{
  state->png = png_create_write_struct (PNG_LIBPNG_VER_STRING, state, png_write_error_cb, NULL);
  if (state->png != NULL)
    state->info = png_create_info_struct (state->png);
  state->row = g_try_malloc ((gsize) width * channels * (bit_depth / 8));
  if (state->png == NULL || state->info == NULL || state->row == NULL)
    return FALSE;

  if (setjmp (png_jmpbuf (state->png)))
    return FALSE;

  png_init_io (state->png, state->fp);
  /* Masks compress to almost nothing at the fastest level. */
  png_set_compression_level (state->png, 1);
  png_set_IHDR (state->png, state->info, width, height, bit_depth,
                channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY,
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (state->png, state->info);
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  if (bit_depth == 16)
    png_set_swap (state->png);
#endif

  for (guint y = 0; y < height; y++)
    {
      row_func (y, state->row, user_data);
      png_write_row (state->png, state->row);
    }
  png_write_end (state->png, NULL);

  png_destroy_write_struct (&state->png, &state->info);
  g_clear_pointer (&state->row, g_free);
  return TRUE;
}

char *
_sheath_png_write_temp (const char     *dir,
                        const char     *basename,
                        guint           width,
                        guint           height,
                        guint           bit_depth,
                        guint           channels,
                        SheathRowFunc   row_func,
                        gpointer        user_data,
                        GError        **error)
{
  g_autofree char *template = g_strdup_printf ("%s/.%s.XXXXXX", dir, basename);
  g_autofree char *display = g_filename_display_name (dir);
  PngWrite state = { 0 };
  int fd;
  int errsv;

  g_return_val_if_fail (bit_depth == 8 || bit_depth == 16, NULL);
  g_return_val_if_fail (channels == 1 || channels == 3, NULL);

  fd = g_mkstemp_full (template, O_WRONLY, 0644);
  if (fd < 0)
    {
      errsv = errno;
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE,
                   _ ("Cannot write in '%s': %s"), display, g_strerror (errsv));
      return NULL;
    }

  state.fp = fdopen (fd, "wb");
  if (state.fp == NULL)
    {
      close (fd);
      g_unlink (template);
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE, _ ("Cannot write in '%s'"), display);
      return NULL;
    }

  if (!encode_png (&state, width, height, bit_depth, channels, row_func, user_data))
    {
      gboolean oom = state.message[0] == '\0';

      png_write_clear (&state);
      g_unlink (template);
      if (oom)
        g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY, _ ("Not enough memory to write a PNG"));
      else
        g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE,
                     _ ("Cannot write '%s' in '%s': %s"), basename, display, state.message);
      return NULL;
    }

  /* A full disk often shows only at flush or close. */
  if (fflush (state.fp) != 0 || fsync (fileno (state.fp)) != 0 || fclose (state.fp) != 0)
    {
      errsv = errno;
      state.fp = NULL;
      g_unlink (template);
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE,
                   _ ("Cannot write '%s' in '%s': %s"), basename, display, g_strerror (errsv));
      return NULL;
    }

  return g_steal_pointer (&template);
}

void
_sheath_discard_files (char  **temp_paths,
                       guint   n_files)
{
  for (guint i = 0; i < n_files; i++)
    if (temp_paths[i] != NULL)
      g_unlink (temp_paths[i]);
}

gboolean
_sheath_png_write_atomic (const char     *path,
                          guint           width,
                          guint           height,
                          guint           bit_depth,
                          guint           channels,
                          SheathRowFunc   row_func,
                          gpointer        user_data,
                          GError        **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *final = g_strdup (path);
  char *temp = _sheath_png_write_temp (dir, basename, width, height, bit_depth, channels,
                                       row_func, user_data, error);
  gboolean ok;

  if (temp == NULL)
    return FALSE;
  ok = _sheath_commit_files (&temp, &final, 1, error);
  g_free (temp);
  return ok;
}

gboolean
_sheath_commit_files (char   **temp_paths,
                      char   **final_paths,
                      guint    n_files,
                      GError **error)
{
  for (guint i = 0; i < n_files; i++)
    {
      if (g_rename (temp_paths[i], final_paths[i]) != 0)
        {
          int errsv = errno;
          g_autofree char *display = g_filename_display_name (final_paths[i]);

          _sheath_discard_files (temp_paths + i, n_files - i);
          g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE,
                       _ ("Cannot write '%s': %s"), display, g_strerror (errsv));
          return FALSE;
        }
    }

  return TRUE;
}
