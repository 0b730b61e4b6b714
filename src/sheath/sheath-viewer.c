/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-viewer"

#include "config.h"

#include <glib/gi18n.h>

#include <math.h>

#include "sheath-viewer-private.h"

/* The image is shown from a pyramid of tiles (SheathTileCache): only those
 * in sight are drawn, so a 30000-pixel slice pans as smoothly as a crop. */
#define TILE SHEATH_TILE_SIZE

G_DEFINE_FINAL_TYPE (SheathViewer, sheath_viewer, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_IMAGE,
  PROP_SEGMENTATION,
  PROP_ZOOM,
  PROP_OVERLAY_VISIBLE,
  PROP_OVERLAY_OPACITY,
  PROP_OUTLINES,
  PROP_NUMBERS,
  PROP_MORPHOMETRICS,
  PROP_EDITING,
  PROP_SHOWING_PREVIEW,
  N_PROPS
};

enum {
  POINTER_MOVED,
  CLICKED,
  EDIT_BEGIN,
  EDIT_MOTION,
  EDIT_END,
  N_SIGNALS
};

static GParamSpec *properties [N_PROPS];
static guint signals [N_SIGNALS];

/**
 * sheath_viewer_invalidate_labels:
 * @x: first column whose label changed
 * @y: first row
 * @width: columns
 * @height: rows
 *
 * Redraws the overlay where the segmentation changed in place (an edit),
 * nothing else.
 */
void
sheath_viewer_invalidate_labels (SheathViewer *self,
                                 int           x,
                                 int           y,
                                 int           width,
                                 int           height)
{
  g_return_if_fail (SHEATH_IS_VIEWER (self));
  sheath_tile_cache_invalidate_labels (self->tiles, x, y, width, height);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* What is shown: an image held whole, or a slide from its levels. */
gboolean
_sheath_viewer_has_content (SheathViewer *self)
{
  return self->image != NULL || self->slide != NULL;
}

guint
_sheath_viewer_get_width (SheathViewer *self)
{
  return self->slide != NULL ? sheath_slide_tiles_get_width (self->slide)
                             : self->image != NULL ? sheath_image_get_width (self->image) : 0;
}

guint
_sheath_viewer_get_height (SheathViewer *self)
{
  return self->slide != NULL ? sheath_slide_tiles_get_height (self->slide)
                             : self->image != NULL ? sheath_image_get_height (self->image) : 0;
}

static double
get_pixel_size (SheathViewer *self)
{
  return self->slide != NULL ? sheath_slide_tiles_get_pixel_size (self->slide)
                             : self->image != NULL ? sheath_image_get_pixel_size (self->image) : 0;
}

void
_sheath_viewer_clamp_origin (SheathViewer *self)
{
  double vw, vh, iw, ih;

  if (!_sheath_viewer_has_content (self))
    return;
  vw = gtk_widget_get_width (GTK_WIDGET (self)) / self->zoom;
  vh = gtk_widget_get_height (GTK_WIDGET (self)) / self->zoom;
  iw = _sheath_viewer_get_width (self);
  ih = _sheath_viewer_get_height (self);

  /* keep the image in view: centred when smaller than the view */
  self->origin_x = iw <= vw ? (iw - vw) / 2 : CLAMP (self->origin_x, 0, iw - vw);
  self->origin_y = ih <= vh ? (ih - vh) / 2 : CLAMP (self->origin_y, 0, ih - vh);
}

/* Zooms keeping the image point under (wx, wy) where it is. */
void
_sheath_viewer_zoom_about (SheathViewer *self,
                           double        zoom,
                           double        wx,
                           double        wy)
{
  double ix = self->origin_x + wx / self->zoom;
  double iy = self->origin_y + wy / self->zoom;

  zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);
  self->fitted = FALSE;
  if (zoom == self->zoom)
    return;
  self->zoom = zoom;
  self->origin_x = ix - wx / zoom;
  self->origin_y = iy - wy / zoom;
  _sheath_viewer_clamp_origin (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ZOOM]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* A round length (1, 2 or 5 × 10^k µm) about 120 pixels long on screen. */
static double
scale_bar_length (double um_per_screen_px)
{
  double target = 120 * um_per_screen_px;
  double p = pow (10, floor (log10 (target)));
  double steps[] = { 1, 2, 5, 10 };
  double best = p;

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (steps[i] * p <= target)
      best = steps[i] * p;
  return best;
}

static void
draw_scale_bar (SheathViewer *self,
                GtkSnapshot  *snapshot,
                int           width,
                int           height)
{
  double ps = get_pixel_size (self);
  double um, px;
  g_autofree char *text = NULL;
  cairo_t *cr;
  cairo_text_extents_t ext;

  if (ps <= 0)
    return;
  um = scale_bar_length (ps / self->zoom);
  px = um / ps * self->zoom;
  text = um >= 1 ? g_strdup_printf ("%g µm", um) : g_strdup_printf ("%g nm", um * 1000);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (12, height - 48, px + 40, 40));
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 13);
  cairo_text_extents (cr, text, &ext);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.55);
  cairo_rectangle (cr, 12, height - 46, MAX (px, ext.width) + 12, 36);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 18, height - 18, px, 4);
  cairo_fill (cr);
  cairo_move_to (cr, 18 + (px - ext.width) / 2, height - 24);
  cairo_show_text (cr, text);
  cairo_destroy (cr);
}

/* The brush's outline at the pointer and the lasso or cut line being drawn,
 * dark under light so that they show on any image. */
static void
draw_edit_marks (SheathViewer *self,
                 GtkSnapshot  *snapshot,
                 int           width,
                 int           height)
{
  gboolean brush = self->editing && self->brush_radius > 0 && self->pointer_inside;
  gboolean path = self->path->len >= 4;
  cairo_t *cr;

  if (!brush && !path)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (brush)
    cairo_arc (cr, self->pointer_x, self->pointer_y, MAX (self->brush_radius * self->zoom, 2), 0, 2 * G_PI);
  if (path)
    {
      for (guint i = 0; i < self->path->len / 2; i++)
        {
          double px = (g_array_index (self->path, double, 2 * i) - self->origin_x) * self->zoom;
          double py = (g_array_index (self->path, double, 2 * i + 1) - self->origin_y) * self->zoom;

          if (i == 0)
            cairo_move_to (cr, px, py);
          else
            cairo_line_to (cr, px, py);
        }
      if (self->path_closed)
        cairo_close_path (cr);
    }
  cairo_set_line_width (cr, 3);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.7);
  cairo_stroke_preserve (cr);
  cairo_set_line_width (cr, 1.2);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_stroke (cr);
  cairo_destroy (cr);
}

/* Regions drawn on a slide: their outlines, named at their first corner. */
static void
draw_regions (SheathViewer *self,
              GtkSnapshot  *snapshot,
              int           width,
              int           height)
{
  cairo_t *cr;

  if (self->regions == NULL || sheath_regions_get_n_regions (self->regions) == 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 13);
  for (guint r = 0; r < sheath_regions_get_n_regions (self->regions); r++)
    for (guint k = 0; k < sheath_regions_get_n_rings (self->regions, r); k++)
      {
        guint n;
        const double *xy = sheath_regions_get_ring (self->regions, r, k, &n);

        for (guint i = 0; i < n / 2; i++)
          {
            double px = (xy[2 * i] - self->origin_x) * self->zoom, py = (xy[2 * i + 1] - self->origin_y) * self->zoom;

            if (i == 0)
              cairo_move_to (cr, px, py);
            else
              cairo_line_to (cr, px, py);
          }
        cairo_close_path (cr);
        cairo_set_line_width (cr, 4);
        cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
        cairo_stroke_preserve (cr);
        cairo_set_line_width (cr, 2);
        cairo_set_source_rgb (cr, 1, 0.85, 0.1);
        cairo_stroke (cr);
        if (k == 0)
          {
            cairo_move_to (cr, (xy[0] - self->origin_x) * self->zoom + 6, (xy[1] - self->origin_y) * self->zoom - 6);
            cairo_text_path (cr, sheath_regions_get_name (self->regions, r));
            cairo_set_line_width (cr, 3);
            cairo_set_source_rgba (cr, 0, 0, 0, 0.8);
            cairo_stroke_preserve (cr);
            cairo_set_source_rgb (cr, 1, 0.85, 0.1);
            cairo_fill (cr);
          }
      }
  cairo_destroy (cr);
}

/* The tiles of one layer of a slide in view at @level; one not read yet is
 * asked for, and stood in for by a coarser one that is there. */
static void
draw_slide_layer (SheathViewer     *self,
                  GtkSnapshot      *snapshot,
                  SheathSlideLayer  layer,
                  guint             level,
                  int               width,
                  int               height)
{
  guint max_level = sheath_slide_tiles_get_max_level (self->slide);
  double scale = (double) (1u << level);
  guint tiles_x = (sheath_slide_tiles_get_level_width (self->slide, level) + TILE - 1) / TILE;
  guint tiles_y = (sheath_slide_tiles_get_level_height (self->slide, level) + TILE - 1) / TILE;
  guint tx0 = (guint) CLAMP (floor (self->origin_x / scale / TILE), 0, tiles_x - 1);
  guint ty0 = (guint) CLAMP (floor (self->origin_y / scale / TILE), 0, tiles_y - 1);
  guint tx1 = (guint) CLAMP (floor ((self->origin_x + width / self->zoom) / scale / TILE), 0, tiles_x - 1);
  guint ty1 = (guint) CLAMP (floor ((self->origin_y + height / self->zoom) / scale / TILE), 0, tiles_y - 1);

  for (guint ty = ty0; ty <= ty1; ty++)
    for (guint tx = tx0; tx <= tx1; tx++)
      {
        GdkTexture *texture = sheath_slide_tiles_lookup (self->slide, layer, level, tx, ty);
        guint at = level;
        graphene_rect_t clip = GRAPHENE_RECT_INIT ((tx * TILE * scale - self->origin_x) * self->zoom,
                                                   (ty * TILE * scale - self->origin_y) * self->zoom,
                                                   TILE * scale * self->zoom, TILE * scale * self->zoom);

        /* a coarser tile that covers it, while it comes */
        if (texture == NULL && layer == SHEATH_SLIDE_LAYER_IMAGE)
          self->slide_tiles_missing++;
        while (texture == NULL && ++at <= max_level)
          texture = sheath_slide_tiles_peek (self->slide, layer, at, tx >> (at - level), ty >> (at - level));
        if (texture == NULL)
          {
            /* none: one three levels up is asked for too, and comes first,
             * as it covers 64 of these */
            at = MIN (level + 3, max_level);
            if (at > level)
              sheath_slide_tiles_lookup (self->slide, layer, at, tx >> (at - level), ty >> (at - level));
            continue;
          }
        {
          double s = (double) (1u << at);
          guint ax = tx >> (at - level), ay = ty >> (at - level);
          graphene_rect_t rect = GRAPHENE_RECT_INIT ((ax * TILE * s - self->origin_x) * self->zoom,
                                                     (ay * TILE * s - self->origin_y) * self->zoom,
                                                     gdk_texture_get_width (texture) * s * self->zoom,
                                                     gdk_texture_get_height (texture) * s * self->zoom);

          if (at != level)
            gtk_snapshot_push_clip (snapshot, &clip);
          gtk_snapshot_append_texture (snapshot, texture, &rect);
          if (at != level)
            gtk_snapshot_pop (snapshot);
        }
      }
}

static void
draw_slide (SheathViewer *self,
            GtkSnapshot  *snapshot,
            int           width,
            int           height)
{
  guint max_level = sheath_slide_tiles_get_max_level (self->slide);
  guint level = (guint) CLAMP (floor (log2 (1.0 / self->zoom)), 0, max_level);

  sheath_slide_tiles_begin_frame (self->slide);
  self->slide_tiles_missing = 0;
  draw_slide_layer (self, snapshot, SHEATH_SLIDE_LAYER_IMAGE, level, width, height);
  if (self->overlay_visible && self->map == NULL && sheath_slide_tiles_has_labels (self->slide))
    {
      gtk_snapshot_push_opacity (snapshot, self->overlay_opacity);
      draw_slide_layer (self, snapshot, SHEATH_SLIDE_LAYER_LABELS,
                        MIN (MAX (level, sheath_slide_tiles_get_label_level (self->slide)), max_level), width, height);
      gtk_snapshot_pop (snapshot);
    }
  if (self->overlay_visible && self->map != NULL)
    {
      /* its last cells reach past the slide's edge: cut there */
      gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (-self->origin_x * self->zoom, -self->origin_y * self->zoom,
                                                             sheath_slide_tiles_get_width (self->slide) * self->zoom,
                                                             sheath_slide_tiles_get_height (self->slide) * self->zoom));
      gtk_snapshot_push_opacity (snapshot, MAX (self->overlay_opacity, 0.6));
      gtk_snapshot_append_texture (snapshot, self->map,
                                   &GRAPHENE_RECT_INIT (-self->origin_x * self->zoom, -self->origin_y * self->zoom,
                                                        self->map_width * self->zoom, self->map_height * self->zoom));
      gtk_snapshot_pop (snapshot);
      gtk_snapshot_pop (snapshot);
    }
}

static void
sheath_viewer_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  SheathViewer *self = SHEATH_VIEWER (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  guint level, tiles_x, tiles_y, tx0, tx1, ty0, ty1;
  double scale;

  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0.12, 0.12, 0.13, 1 },
                             &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (self->image == NULL && self->preview != NULL && width > 0 && height > 0)
    {
      /* a large image still decoding: what there is of it, fitted */
      double fit = MIN ((double) width / self->preview_width, (double) height / self->preview_height);
      double w = self->preview_width * fit, h = self->preview_height * fit;

      gtk_snapshot_append_texture (snapshot, self->preview,
                                   &GRAPHENE_RECT_INIT ((width - w) / 2, (height - h) / 2, w, h));
      return;
    }
  if (!_sheath_viewer_has_content (self) || width <= 0 || height <= 0)
    return;

  if (self->fit_pending)
    {
      self->fit_pending = FALSE;
      sheath_viewer_zoom_to_fit (self);
    }

  if (self->slide != NULL)
    {
      draw_slide (self, snapshot, width, height);
      draw_regions (self, snapshot, width, height);
      draw_edit_marks (self, snapshot, width, height);
      draw_scale_bar (self, snapshot, width, height);
      return;
    }

  level = (guint) CLAMP (floor (log2 (1.0 / self->zoom)), 0, sheath_tile_cache_get_max_level (self->tiles));
  scale = (double) (1u << level);   /* image pixels per level pixel */
  tiles_x = (sheath_tile_cache_get_level_width (self->tiles, level) + TILE - 1) / TILE;
  tiles_y = (sheath_tile_cache_get_level_height (self->tiles, level) + TILE - 1) / TILE;
  tx0 = (guint) CLAMP (floor (self->origin_x / scale / TILE), 0, tiles_x - 1);
  ty0 = (guint) CLAMP (floor (self->origin_y / scale / TILE), 0, tiles_y - 1);
  tx1 = (guint) CLAMP (floor ((self->origin_x + width / self->zoom) / scale / TILE), 0, tiles_x - 1);
  ty1 = (guint) CLAMP (floor ((self->origin_y + height / self->zoom) / scale / TILE), 0, tiles_y - 1);

  for (guint pass = 0; pass < 2; pass++)
    {
      gboolean overlay = pass == 1;

      if (overlay && (self->segmentation == NULL || !self->overlay_visible))
        break;
      if (overlay)
        gtk_snapshot_push_opacity (snapshot, self->overlay_opacity);

      for (guint ty = ty0; ty <= ty1; ty++)
        for (guint tx = tx0; tx <= tx1; tx++)
          {
            GdkTexture *texture = sheath_tile_cache_get_tile (self->tiles, level, tx, ty, overlay);
            double x = (tx * TILE * scale - self->origin_x) * self->zoom;
            double y = (ty * TILE * scale - self->origin_y) * self->zoom;
            double w = gdk_texture_get_width (texture) * scale * self->zoom;
            double h = gdk_texture_get_height (texture) * scale * self->zoom;

            gtk_snapshot_append_texture (snapshot, texture, &GRAPHENE_RECT_INIT (x, y, w, h));
          }

      if (overlay)
        gtk_snapshot_pop (snapshot);
    }

  /* axon numbers, once axons are large enough on screen to carry them */
  if (self->numbers && self->morphometrics != NULL && self->segmentation != NULL && self->overlay_visible)
    {
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
      guint n = sheath_morphometrics_get_n_axons (self->morphometrics);
      double min_diam_px = 28 / self->zoom;

      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
      cairo_set_font_size (cr, 11);
      for (guint i = 0; i < n; i++)
        {
          const SheathAxon *a = sheath_morphometrics_get_axon (self->morphometrics, i);
          double sx = (a->x0 - self->origin_x) * self->zoom, sy = (a->y0 - self->origin_y) * self->zoom;
          char text[16];
          cairo_text_extents_t ext;

          if (sx < -20 || sy < -20 || sx > width + 20 || sy > height + 20 ||
              a->axon_diam / sheath_morphometrics_get_pixel_size (self->morphometrics) < min_diam_px)
            continue;
          g_snprintf (text, sizeof text, "%u", a->id);
          cairo_text_extents (cr, text, &ext);
          cairo_move_to (cr, sx - ext.width / 2, sy + ext.height / 2);
          cairo_text_path (cr, text);
          cairo_set_source_rgba (cr, 0, 0, 0, 0.8);
          cairo_set_line_width (cr, 3);
          cairo_stroke_preserve (cr);
          cairo_set_source_rgb (cr, 1, 0.9, 0.2);
          cairo_fill (cr);
        }
      cairo_destroy (cr);
    }

  /* chosen axons: their boxes outlined */
  for (guint i = 0; i < self->highlight->len / 4; i++)
    {
      const int *b = &g_array_index (self->highlight, int, 4 * i);
      GskRoundedRect rect;
      GdkRGBA colors[4];
      float widths[4] = { 2, 2, 2, 2 };

      for (guint k = 0; k < 4; k++)
        colors[k] = (GdkRGBA) { 1, 0.85, 0.1, 1 };
      gsk_rounded_rect_init_from_rect (&rect,
                                       &GRAPHENE_RECT_INIT ((b[0] - self->origin_x) * self->zoom - 2,
                                                            (b[1] - self->origin_y) * self->zoom - 2,
                                                            (b[2] - b[0]) * self->zoom + 4,
                                                            (b[3] - b[1]) * self->zoom + 4), 3);
      gtk_snapshot_append_border (snapshot, &rect, widths, colors);
    }

  draw_edit_marks (self, snapshot, width, height);
  draw_scale_bar (self, snapshot, width, height);
}

static void
sheath_viewer_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  SheathViewer *self = SHEATH_VIEWER (widget);

  /* the panel opened or the window resized: a fitted image stays fitted */
  if (self->fitted && _sheath_viewer_has_content (self))
    sheath_viewer_zoom_to_fit (self);
  else
    _sheath_viewer_clamp_origin (self);
}

static void
sheath_viewer_dispose (GObject *object)
{
  SheathViewer *self = (SheathViewer *)object;

  if (self->slide != NULL)
    g_signal_handlers_disconnect_by_data (self->slide, self);
  g_clear_object (&self->slide);
  g_clear_object (&self->map);
  g_clear_object (&self->regions);
  g_clear_object (&self->tiles);
  g_clear_object (&self->preview);
  g_clear_object (&self->image);
  g_clear_object (&self->segmentation);
  g_clear_object (&self->morphometrics);

  G_OBJECT_CLASS (sheath_viewer_parent_class)->dispose (object);
}

static void
sheath_viewer_finalize (GObject *object)
{
  SheathViewer *self = (SheathViewer *)object;

  g_array_unref (self->highlight);
  g_array_unref (self->path);

  G_OBJECT_CLASS (sheath_viewer_parent_class)->finalize (object);
}

static void
sheath_viewer_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SheathViewer *self = SHEATH_VIEWER (object);

  switch (prop_id)
    {
    case PROP_IMAGE: g_value_set_object (value, self->image); break;
    case PROP_SEGMENTATION: g_value_set_object (value, self->segmentation); break;
    case PROP_ZOOM: g_value_set_double (value, self->zoom); break;
    case PROP_OVERLAY_VISIBLE: g_value_set_boolean (value, self->overlay_visible); break;
    case PROP_OVERLAY_OPACITY: g_value_set_double (value, self->overlay_opacity); break;
    case PROP_OUTLINES: g_value_set_boolean (value, self->outlines); break;
    case PROP_NUMBERS: g_value_set_boolean (value, self->numbers); break;
    case PROP_MORPHOMETRICS: g_value_set_object (value, self->morphometrics); break;
    case PROP_EDITING: g_value_set_boolean (value, self->editing); break;
    case PROP_SHOWING_PREVIEW: g_value_set_boolean (value, sheath_viewer_get_showing_preview (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_viewer_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SheathViewer *self = SHEATH_VIEWER (object);

  switch (prop_id)
    {
    case PROP_IMAGE: sheath_viewer_set_image (self, g_value_get_object (value)); break;
    case PROP_SEGMENTATION: sheath_viewer_set_segmentation (self, g_value_get_object (value)); break;
    case PROP_ZOOM: sheath_viewer_set_zoom (self, g_value_get_double (value)); break;
    case PROP_OVERLAY_VISIBLE: sheath_viewer_set_overlay_visible (self, g_value_get_boolean (value)); break;
    case PROP_OVERLAY_OPACITY: sheath_viewer_set_overlay_opacity (self, g_value_get_double (value)); break;
    case PROP_OUTLINES:
      if (self->outlines != g_value_get_boolean (value))
        {
          self->outlines = g_value_get_boolean (value);
          sheath_tile_cache_set_outlines (self->tiles, self->outlines);
          gtk_widget_queue_draw (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_NUMBERS:
      if (self->numbers != g_value_get_boolean (value))
        {
          self->numbers = g_value_get_boolean (value);
          gtk_widget_queue_draw (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_EDITING: sheath_viewer_set_editing (self, g_value_get_boolean (value)); break;
    case PROP_MORPHOMETRICS:
      if (g_set_object (&self->morphometrics, g_value_get_object (value)))
        {
          gtk_widget_queue_draw (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_viewer_class_init (SheathViewerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = sheath_viewer_dispose;
  object_class->finalize = sheath_viewer_finalize;
  object_class->get_property = sheath_viewer_get_property;
  object_class->set_property = sheath_viewer_set_property;

  widget_class->snapshot = sheath_viewer_snapshot;
  widget_class->size_allocate = sheath_viewer_size_allocate;

  properties [PROP_IMAGE] = g_param_spec_object ("image", NULL, NULL, SHEATH_TYPE_IMAGE, rw);
  properties [PROP_SEGMENTATION] = g_param_spec_object ("segmentation", NULL, NULL, SHEATH_TYPE_SEGMENTATION, rw);
  properties [PROP_ZOOM] = g_param_spec_double ("zoom", NULL, NULL, MIN_ZOOM, MAX_ZOOM, 1, rw);
  properties [PROP_OVERLAY_VISIBLE] = g_param_spec_boolean ("overlay-visible", NULL, NULL, TRUE, rw);
  properties [PROP_OVERLAY_OPACITY] = g_param_spec_double ("overlay-opacity", NULL, NULL, 0, 1, 0.5, rw);
  /* draw only the edges of axons and myelin */
  properties [PROP_OUTLINES] = g_param_spec_boolean ("overlay-outlines", NULL, NULL, FALSE, rw);
  /* draw each measured axon's number */
  properties [PROP_NUMBERS] = g_param_spec_boolean ("axon-numbers", NULL, NULL, FALSE, rw);
  properties [PROP_MORPHOMETRICS] = g_param_spec_object ("morphometrics", NULL, NULL, SHEATH_TYPE_MORPHOMETRICS, rw);
  /* a tool is active: the primary button edits instead of panning */
  properties [PROP_EDITING] = g_param_spec_boolean ("editing", NULL, NULL, FALSE, rw);
  /* a picture of an image still being decoded is shown, not the image */
  properties [PROP_SHOWING_PREVIEW] =
    g_param_spec_boolean ("showing-preview", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SheathViewer::pointer-moved:
   * @x: the image column under the pointer, or -1
   * @y: the image row under the pointer, or -1
   */
  signals [POINTER_MOVED] =
    g_signal_new ("pointer-moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);

  /**
   * SheathViewer::clicked:
   * @x: the image column clicked
   * @y: the image row clicked
   * @state: the modifier keys held
   *
   * A click that is not a tool's (no tool active, or another button).
   */
  signals [CLICKED] =
    g_signal_new ("clicked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_INT, GDK_TYPE_MODIFIER_TYPE);

  /**
   * SheathViewer::edit-begin:
   * @x: image column (fractional: pixel i spans [i, i + 1))
   * @y: image row
   *
   * The primary button went down with a tool active; edit-motion follows
   * as the pointer moves, then edit-end where it is released.
   */
  signals [EDIT_BEGIN] =
    g_signal_new ("edit-begin", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  signals [EDIT_MOTION] =
    g_signal_new ("edit-motion", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  signals [EDIT_END] =
    g_signal_new ("edit-end", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  _sheath_viewer_class_init_input (widget_class);

  gtk_widget_class_set_css_name (widget_class, "sheath-viewer");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sheath_viewer_init (SheathViewer *self)
{
  self->zoom = 1;
  self->overlay_visible = TRUE;
  self->overlay_opacity = 0.5;
  self->tiles = sheath_tile_cache_new ();
  self->highlight = g_array_new (FALSE, FALSE, sizeof (int));
  self->path = g_array_new (FALSE, FALSE, sizeof (double));

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grab");

  _sheath_viewer_init_input (self);
}

GtkWidget *
sheath_viewer_new (void)
{
  return g_object_new (SHEATH_TYPE_VIEWER, NULL);
}

SheathImage *
sheath_viewer_get_image (SheathViewer *self)
{
  g_return_val_if_fail (SHEATH_IS_VIEWER (self), NULL);
  return self->image;
}

void
sheath_viewer_set_image (SheathViewer *self,
                         SheathImage  *image)
{
  gboolean was_previewing;

  g_return_if_fail (SHEATH_IS_VIEWER (self));

  was_previewing = sheath_viewer_get_showing_preview (self);

  if (!g_set_object (&self->image, image))
    return;

  g_clear_object (&self->preview);
  sheath_tile_cache_set_image (self->tiles, image);
  g_clear_object (&self->segmentation);
  if (image != NULL)
    self->fit_pending = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_IMAGE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SEGMENTATION]);
  if (was_previewing)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SHOWING_PREVIEW]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

SheathSegmentation *
sheath_viewer_get_segmentation (SheathViewer *self)
{
  g_return_val_if_fail (SHEATH_IS_VIEWER (self), NULL);
  return self->segmentation;
}

void
sheath_viewer_set_segmentation (SheathViewer       *self,
                                SheathSegmentation *segmentation)
{
  g_return_if_fail (SHEATH_IS_VIEWER (self));

  if (segmentation != NULL && self->image != NULL &&
      (sheath_segmentation_get_width (segmentation) != sheath_image_get_width (self->image) ||
       sheath_segmentation_get_height (segmentation) != sheath_image_get_height (self->image)))
    {
      g_critical ("A segmentation must be the image's size");
      return;
    }
  if (!g_set_object (&self->segmentation, segmentation))
    return;

  sheath_tile_cache_set_segmentation (self->tiles, segmentation);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SEGMENTATION]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
sheath_viewer_get_zoom (SheathViewer *self)
{
  g_return_val_if_fail (SHEATH_IS_VIEWER (self), 1);
  return self->zoom;
}

void
sheath_viewer_set_zoom (SheathViewer *self,
                        double        zoom)
{
  g_return_if_fail (SHEATH_IS_VIEWER (self));
  _sheath_viewer_zoom_about (self, zoom, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
              gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

void
sheath_viewer_zoom_to_fit (SheathViewer *self)
{
  int w, h;
  double zoom;

  g_return_if_fail (SHEATH_IS_VIEWER (self));
  if (!_sheath_viewer_has_content (self))
    return;

  w = gtk_widget_get_width (GTK_WIDGET (self));
  h = gtk_widget_get_height (GTK_WIDGET (self));
  if (w <= 0 || h <= 0)
    {
      self->fit_pending = TRUE;
      return;
    }
  zoom = MIN ((double) w / _sheath_viewer_get_width (self), (double) h / _sheath_viewer_get_height (self));
  self->zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);
  self->fitted = TRUE;
  self->origin_x = self->origin_y = 0;
  _sheath_viewer_clamp_origin (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ZOOM]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
sheath_viewer_get_overlay_visible (SheathViewer *self)
{
  g_return_val_if_fail (SHEATH_IS_VIEWER (self), FALSE);
  return self->overlay_visible;
}

void
sheath_viewer_set_overlay_visible (SheathViewer *self,
                                   gboolean      visible)
{
  g_return_if_fail (SHEATH_IS_VIEWER (self));

  visible = !!visible;
  if (self->overlay_visible == visible)
    return;
  self->overlay_visible = visible;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_OVERLAY_VISIBLE]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
sheath_viewer_get_overlay_opacity (SheathViewer *self)
{
  g_return_val_if_fail (SHEATH_IS_VIEWER (self), 0);
  return self->overlay_opacity;
}

void
sheath_viewer_set_overlay_opacity (SheathViewer *self,
                                   double        opacity)
{
  g_return_if_fail (SHEATH_IS_VIEWER (self));

  opacity = CLAMP (opacity, 0, 1);
  if (self->overlay_opacity == opacity)
    return;
  self->overlay_opacity = opacity;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_OVERLAY_OPACITY]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
sheath_viewer_get_n_cached_textures (SheathViewer *self)
{
  g_return_val_if_fail (SHEATH_IS_VIEWER (self), 0);
  return sheath_tile_cache_get_n_textures (self->tiles);
}

void
sheath_viewer_set_highlight (SheathViewer *self,
                             const int    *boxes,
                             guint         n_boxes)
{
  g_return_if_fail (SHEATH_IS_VIEWER (self));

  g_array_set_size (self->highlight, 0);
  g_array_append_vals (self->highlight, boxes, 4 * n_boxes);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sheath_viewer_center_on (SheathViewer *self,
                         double        x,
                         double        y)
{
  g_return_if_fail (SHEATH_IS_VIEWER (self));

  self->origin_x = x - gtk_widget_get_width (GTK_WIDGET (self)) / 2.0 / self->zoom;
  self->origin_y = y - gtk_widget_get_height (GTK_WIDGET (self)) / 2.0 / self->zoom;
  _sheath_viewer_clamp_origin (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * sheath_viewer_get_origin:
 * @x: (out): the image x at the view's left edge
 * @y: (out): the image y at the view's top edge
 */
void
sheath_viewer_get_origin (SheathViewer *self,
                          double       *x,
                          double       *y)
{
  g_return_if_fail (SHEATH_IS_VIEWER (self));
  *x = self->origin_x;
  *y = self->origin_y;
}

gboolean
sheath_viewer_get_editing (SheathViewer *self)
{
  g_return_val_if_fail (SHEATH_IS_VIEWER (self), FALSE);
  return self->editing;
}

void
sheath_viewer_set_editing (SheathViewer *self,
                           gboolean      editing)
{
  g_return_if_fail (SHEATH_IS_VIEWER (self));

  editing = !!editing;
  if (self->editing == editing)
    return;
  self->editing = editing;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), editing ? "crosshair" : "grab");
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_EDITING]);
}

/**
 * sheath_viewer_set_brush_radius:
 * @radius: in image pixels; 0 hides the outline
 *
 * The brush's outline follows the pointer while a tool is active.
 */
void
sheath_viewer_set_brush_radius (SheathViewer *self,
                                double        radius)
{
  g_return_if_fail (SHEATH_IS_VIEWER (self));
  self->brush_radius = MAX (radius, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * sheath_viewer_set_path:
 * @coords: (array length=n_coords) (nullable): x0, y0, x1, y1, … in image pixels
 * @n_coords: twice the number of points
 * @closed: join the last point to the first (a lasso)
 *
 * Shows a lasso or a line being drawn; %NULL clears it.
 */
void
sheath_viewer_set_path (SheathViewer *self,
                        const double *coords,
                        guint         n_coords,
                        gboolean      closed)
{
  g_return_if_fail (SHEATH_IS_VIEWER (self));

  g_array_set_size (self->path, 0);
  if (coords != NULL)
    g_array_append_vals (self->path, coords, n_coords);
  self->path_closed = closed;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * sheath_viewer_set_preview:
 * @preview: (nullable): a small picture of the rows decoded so far
 * @image_width: the width of the image it stands for
 * @image_height: its height
 *
 * Shows, fitted to the view, what there is of an image still being
 * decoded; setting the image replaces it.
 */
void
sheath_viewer_set_preview (SheathViewer *self,
                           GdkTexture   *preview,
                           guint         image_width,
                           guint         image_height)
{
  gboolean was_previewing;

  g_return_if_fail (SHEATH_IS_VIEWER (self));

  was_previewing = sheath_viewer_get_showing_preview (self);

  if (self->image != NULL || image_width == 0 || image_height == 0)
    return;
  g_set_object (&self->preview, preview);
  self->preview_width = image_width;
  self->preview_height = image_height;
  if (was_previewing != sheath_viewer_get_showing_preview (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SHOWING_PREVIEW]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
sheath_viewer_get_showing_preview (SheathViewer *self)
{
  g_return_val_if_fail (SHEATH_IS_VIEWER (self), FALSE);
  return self->image == NULL && self->preview != NULL;
}

static void
slide_changed_cb (SheathSlideTiles *slide,
                  SheathViewer     *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * sheath_viewer_set_slide:
 * @slide: (nullable): the tiles of a slide, read as they are seen
 *
 * Shows a slide from its levels instead of an image held whole; its labels
 * are the tiles' too. A slide is not edited.
 */
void
sheath_viewer_set_slide (SheathViewer     *self,
                         SheathSlideTiles *slide)
{
  g_return_if_fail (SHEATH_IS_VIEWER (self));
  g_return_if_fail (self->image == NULL);

  if (self->slide != NULL)
    g_signal_handlers_disconnect_by_data (self->slide, self);
  if (!g_set_object (&self->slide, slide))
    return;
  if (slide != NULL)
    {
      g_signal_connect (slide, "changed", G_CALLBACK (slide_changed_cb), self);
      self->fit_pending = TRUE;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * sheath_viewer_set_map:
 * @map: (nullable): a map of measurements
 * @width: how many slide pixels its texture spans, from the left
 * @height: and from the top
 *
 * Shows @map over the slide instead of its labels.
 */
void
sheath_viewer_set_map (SheathViewer *self,
                       GdkTexture   *map,
                       double        width,
                       double        height)
{
  g_return_if_fail (SHEATH_IS_VIEWER (self));

  g_set_object (&self->map, map);
  self->map_width = width;
  self->map_height = height;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * sheath_viewer_get_slide_tiles_missing:
 *
 * Returns: how many of a slide's tiles the last frame drew from a coarser
 *   one, or not at all, while they were read
 */
guint
sheath_viewer_get_slide_tiles_missing (SheathViewer *self)
{
  g_return_val_if_fail (SHEATH_IS_VIEWER (self), 0);
  return self->slide_tiles_missing;
}

/**
 * sheath_viewer_set_regions:
 * @regions: (nullable): regions to outline over a slide
 *
 * Outlines and names @regions; call again (or queue a draw) when they
 * change.
 */
void
sheath_viewer_set_regions (SheathViewer  *self,
                           SheathRegions *regions)
{
  g_return_if_fail (SHEATH_IS_VIEWER (self));

  g_set_object (&self->regions, regions);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
