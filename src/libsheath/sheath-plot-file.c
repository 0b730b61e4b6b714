/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-plot"

#include "config.h"

#include <cairo-svg.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "sheath-error.h"
#include "sheath-plot-file-private.h"

static const double palette[][3] = {
  { 0.21, 0.52, 0.89 }, { 0.88, 0.27, 0.20 }, { 0.18, 0.62, 0.35 }, { 0.60, 0.33, 0.75 },
  { 0.95, 0.56, 0.11 }, { 0.40, 0.40, 0.40 },
};

/* the colour of a group or series, the same in every plot */
void
_sheath_plot_colour (cairo_t *cr,
                     guint    index,
                     double   alpha)
{
  const double *c = palette[index % G_N_ELEMENTS (palette)];

  cairo_set_source_rgba (cr, c[0], c[1], c[2], alpha);
}

/* @align: 0 left, 0.5 centred, 1 right of @x */
void
_sheath_plot_text_at (cairo_t    *cr,
                      double      x,
                      double      y,
                      double      align,
                      const char *text)
{
  cairo_text_extents_t e;

  cairo_text_extents (cr, text, &e);
  cairo_move_to (cr, x - align * e.x_advance, y);
  cairo_show_text (cr, text);
}

/* @name.png and @name.svg in @dir, @draw painting each on white; each
 * written to a temporary file and renamed, so never half written */
gboolean
_sheath_plot_write (const char      *dir,
                    const char      *name,
                    int              width,
                    int              height,
                    SheathPlotDraw   draw,
                    gpointer         data,
                    GError         **error)
{
  for (guint k = 0; k < 2; k++)
    {
      g_autofree char *file = g_strdup_printf ("%s.%s", name, k == 0 ? "png" : "svg");
      g_autofree char *path = g_build_filename (dir, file, NULL);
      g_autofree char *tmp = g_strdup_printf ("%s.%08x.tmp", path, g_random_int ());
      cairo_surface_t *surface = k == 0 ? cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height)
                                        : cairo_svg_surface_create (tmp, width, height);
      cairo_t *cr = cairo_create (surface);
      cairo_status_t status;

      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
      draw (cr, data);
      cairo_destroy (cr);
      /* a PNG is written from the surface; an SVG when it is finished */
      status = k == 0 ? cairo_surface_write_to_png (surface, tmp) : CAIRO_STATUS_SUCCESS;
      cairo_surface_finish (surface);
      if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status (surface);
      cairo_surface_destroy (surface);
      if (status != CAIRO_STATUS_SUCCESS || g_rename (tmp, path) != 0)
        {
          g_unlink (tmp);
          g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE, _ ("Cannot write '%s': %s"), path,
                       status != CAIRO_STATUS_SUCCESS ? cairo_status_to_string (status) : g_strerror (errno));
          return FALSE;
        }
    }
  return TRUE;
}
