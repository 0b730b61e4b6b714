/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-regions"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>

#include "sheath-error.h"
#include "sheath-regions.h"

/* A ring is x, y pairs of doubles; a polygon, its rings (the first the
 * outline, the others its holes); a region, a name and its polygons. */
typedef struct
{
  char      *name;
  GPtrArray *polygons;   /* GPtrArray of rings (GArray of double) */
} Region;

struct _SheathRegions
{
  GObject  parent_instance;

  GArray  *regions;     /* Region, in the order their names first appear */
};

/**
 * SheathRegions:
 *
 * Named regions drawn as polygons, read from GeoJSON as QuPath and napari
 * export them: a FeatureCollection (or a bare array of Features, or one
 * Feature or geometry) whose Polygon and MultiPolygon geometries are in
 * the image's pixel coordinates. A feature is named by its
 * `properties.name`, or QuPath's `properties.classification.name`;
 * features of the same name make one region, so that the three patches of
 * "dorsal column" drawn apart are measured together.
 *
 * sheath_regions_rasterize() turns a region into the mask that
 * sheath_aggregates_compute() takes: a pixel belongs to a region when its
 * centre lies inside an outline and outside its holes.
 */

G_DEFINE_FINAL_TYPE (SheathRegions, sheath_regions, G_TYPE_OBJECT)

static void
region_clear (gpointer data)
{
  Region *r = data;

  g_free (r->name);
  g_ptr_array_unref (r->polygons);
}

static void
sheath_regions_finalize (GObject *object)
{
  SheathRegions *self = SHEATH_REGIONS (object);

  g_array_unref (self->regions);
  G_OBJECT_CLASS (sheath_regions_parent_class)->finalize (object);
}

static void
sheath_regions_class_init (SheathRegionsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sheath_regions_finalize;
}

static void
sheath_regions_init (SheathRegions *self)
{
  self->regions = g_array_new (FALSE, TRUE, sizeof (Region));
  g_array_set_clear_func (self->regions, region_clear);
}

/* A member's string, or @fallback when it is missing or not a string
 * (json-glib's own getters complain of either). */
static const char *
string_member (JsonObject *object,
               const char *name,
               const char *fallback)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return fallback;
  return json_node_get_string (node);
}

/* A member that is an object, or NULL. */
static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static Region *
region_named (SheathRegions *self,
              const char    *name)
{
  Region r;

  for (guint i = 0; i < self->regions->len; i++)
    if (g_str_equal (g_array_index (self->regions, Region, i).name, name))
      return &g_array_index (self->regions, Region, i);
  r.name = g_strdup (name);
  r.polygons = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_array_append_val (self->regions, r);
  return &g_array_index (self->regions, Region, self->regions->len - 1);
}

static gboolean
parse_error (GError     **error,
             const char  *name,
             const char  *what)
{
  g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
               _ ("'%s' is not GeoJSON regions Sheath can read: %s"), name, what);
  return FALSE;
}

/* [[x, y], …] with at least three points. */
static GArray *
parse_ring (JsonNode *node)
{
  g_autoptr(GArray) ring = g_array_new (FALSE, FALSE, sizeof (double));
  JsonArray *points;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  points = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (points); i++)
    {
      JsonNode *p = json_array_get_element (points, i);
      JsonArray *xy;

      if (!JSON_NODE_HOLDS_ARRAY (p) || json_array_get_length (xy = json_node_get_array (p)) < 2 ||
          json_node_get_value_type (json_array_get_element (xy, 0)) == G_TYPE_STRING ||
          !JSON_NODE_HOLDS_VALUE (json_array_get_element (xy, 0)) ||
          !JSON_NODE_HOLDS_VALUE (json_array_get_element (xy, 1)) ||
          json_node_get_value_type (json_array_get_element (xy, 1)) == G_TYPE_STRING)
        return NULL;
      for (guint k = 0; k < 2; k++)
        {
          double v = json_array_get_double_element (xy, k);

          if (!isfinite (v))
            return NULL;
          g_array_append_val (ring, v);
        }
    }
  return ring->len >= 6 ? g_steal_pointer (&ring) : NULL;
}

static GPtrArray *
parse_polygon (JsonNode *node)
{
  g_autoptr(GPtrArray) rings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (array = json_node_get_array (node)) == 0)
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      GArray *ring = parse_ring (json_array_get_element (array, i));

      if (ring == NULL)
        return NULL;
      g_ptr_array_add (rings, ring);
    }
  return g_steal_pointer (&rings);
}

static double
orientation (const double *a,
             const double *b,
             const double *c)
{
  return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
}

/* Whether two edges that share no corner cross or touch. */
static gboolean
edges_meet (const double *a,
            const double *b,
            const double *c,
            const double *d)
{
  double o1 = orientation (a, b, c), o2 = orientation (a, b, d);
  double o3 = orientation (c, d, a), o4 = orientation (c, d, b);

  if (MAX (a[0], b[0]) < MIN (c[0], d[0]) || MAX (c[0], d[0]) < MIN (a[0], b[0]) ||
      MAX (a[1], b[1]) < MIN (c[1], d[1]) || MAX (c[1], d[1]) < MIN (a[1], b[1]))
    return FALSE;
  return ((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0));
}

/* Whether a ring's outline crosses itself (a figure of eight): what is
 * inside it is then not what whoever drew it meant. */
static gboolean
ring_crosses_itself (const double *xy,
                     guint         n_doubles)
{
  guint n = n_doubles / 2;

  /* a closing corner repeating the first is not an edge of its own */
  if (n > 1 && xy[0] == xy[2 * n - 2] && xy[1] == xy[2 * n - 1])
    n--;
  for (guint i = 0; i < n; i++)
    for (guint j = i + 2; j < n; j++)
      {
        if (i == 0 && j == n - 1)
          continue;   /* neighbours through the closing edge */
        if (edges_meet (xy + 2 * i, xy + 2 * ((i + 1) % n), xy + 2 * j, xy + 2 * ((j + 1) % n)))
          return TRUE;
      }
  return FALSE;
}

static gboolean
polygon_crosses_itself (GPtrArray *rings)
{
  for (guint r = 0; r < rings->len; r++)
    {
      GArray *ring = g_ptr_array_index (rings, r);

      if (ring_crosses_itself ((const double *) ring->data, ring->len))
        return TRUE;
    }
  return FALSE;
}

/* Adds a geometry's polygons to the region; other geometries (points,
 * lines) carry no area and are skipped. */
static gboolean
add_geometry (Region      *region,
              JsonObject  *geometry,
              guint       *n_polygons,
              const char  *name,
              GError     **error)
{
  const char *type = string_member (geometry, "type", "");
  JsonNode *coordinates = json_object_get_member (geometry, "coordinates");
  JsonNode *geometries = json_object_get_member (geometry, "geometries");

  if (g_str_equal (type, "GeometryCollection") && geometries != NULL && JSON_NODE_HOLDS_ARRAY (geometries))
    {
      JsonArray *parts = json_node_get_array (geometries);

      for (guint i = 0; parts != NULL && i < json_array_get_length (parts); i++)
        {
          JsonNode *part = json_array_get_element (parts, i);

          if (JSON_NODE_HOLDS_OBJECT (part) &&
              !add_geometry (region, json_node_get_object (part), n_polygons, name, error))
            return FALSE;
        }
      return TRUE;
    }
  if (g_str_equal (type, "Polygon"))
    {
      GPtrArray *polygon = coordinates ? parse_polygon (coordinates) : NULL;

      if (polygon == NULL)
        return parse_error (error, name, _ ("a Polygon's coordinates are not rings of three points or more"));
      g_ptr_array_add (region->polygons, polygon);
      if (polygon_crosses_itself (polygon))
        return parse_error (error, name, _ ("a polygon's outline crosses itself"));
      (*n_polygons)++;
    }
  else if (g_str_equal (type, "MultiPolygon"))
    {
      JsonArray *polygons;

      if (coordinates == NULL || !JSON_NODE_HOLDS_ARRAY (coordinates))
        return parse_error (error, name, _ ("a MultiPolygon has no coordinates"));
      polygons = json_node_get_array (coordinates);
      for (guint i = 0; i < json_array_get_length (polygons); i++)
        {
          GPtrArray *polygon = parse_polygon (json_array_get_element (polygons, i));

          if (polygon == NULL)
            return parse_error (error, name, _ ("a MultiPolygon's coordinates are not rings of three points or more"));
          g_ptr_array_add (region->polygons, polygon);
          if (polygon_crosses_itself (polygon))
            return parse_error (error, name, _ ("a polygon's outline crosses itself"));
          (*n_polygons)++;
        }
    }
  return TRUE;
}

static const char *
feature_name (JsonObject *feature)
{
  JsonObject *properties = object_member (feature, "properties");
  JsonObject *classification;

  if (properties == NULL)
    return NULL;
  if (string_member (properties, "name", NULL) != NULL)
    return string_member (properties, "name", NULL);
  classification = object_member (properties, "classification");
  return classification ? string_member (classification, "name", NULL) : NULL;
}

static gboolean
add_feature (SheathRegions  *self,
             JsonObject     *object,
             guint          *n_unnamed,
             guint          *n_polygons,
             const char     *name,
             GError        **error)
{
  const char *type = string_member (object, "type", "");
  g_autofree char *fallback = NULL;
  const char *region_name;
  JsonObject *geometry;
  Region *region;
  guint before = *n_polygons;

  if (!g_str_equal (type, "Feature"))
    {
      /* a bare geometry */
      fallback = g_strdup_printf (_ ("region %u"), ++*n_unnamed);
      region = region_named (self, fallback);
      return add_geometry (region, object, n_polygons, name, error);
    }
  if (!(geometry = object_member (object, "geometry")))
    return TRUE;   /* a feature without a geometry marks nothing */
  region_name = feature_name (object);
  if (region_name == NULL || *region_name == '\0')
    region_name = fallback = g_strdup_printf (_ ("region %u"), *n_unnamed + 1);
  region = region_named (self, region_name);
  if (!add_geometry (region, geometry, n_polygons, name, error))
    return FALSE;
  if (fallback != NULL && *n_polygons > before)
    ++*n_unnamed;
  return TRUE;
}

/**
 * sheath_regions_new_from_geojson:
 * @file: a GeoJSON file
 * @error: return location for a #GError
 *
 * Reads the polygons of a GeoJSON file, as regions named by their
 * features' names. Features without a name are "region 1", "region 2"
 * and so on; points and lines are skipped.
 *
 * Returns: (transfer full): the regions, or %NULL with @error set (also
 *   when the file holds no polygon)
 */
SheathRegions *
sheath_regions_new_from_geojson (GFile   *file,
                                 GError **error)
{
  g_autoptr(SheathRegions) self = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *name = NULL, *path = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  guint n_unnamed = 0, n_polygons = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  name = g_file_get_parse_name (file);
  path = g_file_get_path (file);
  if (path == NULL || !json_parser_load_from_file (parser, path, &local_error))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("Cannot read the regions in '%s': %s"), name,
                   local_error ? local_error->message : _ ("not a local file"));
      return NULL;
    }
  self = g_object_new (SHEATH_TYPE_REGIONS, NULL);
  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
      g_str_equal (string_member (json_node_get_object (root), "type", ""), "FeatureCollection"))
    {
      JsonObject *collection = json_node_get_object (root);

      if (!json_object_has_member (collection, "features") ||
          !JSON_NODE_HOLDS_ARRAY (json_object_get_member (collection, "features")))
        {
          parse_error (error, name, _ ("its FeatureCollection has no features"));
          return NULL;
        }
      root = json_object_get_member (collection, "features");
    }
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *features = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (features); i++)
        {
          JsonNode *f = json_array_get_element (features, i);

          if (!JSON_NODE_HOLDS_OBJECT (f))
            {
              parse_error (error, name, _ ("a feature is not an object"));
              return NULL;
            }
          if (!add_feature (self, json_node_get_object (f), &n_unnamed, &n_polygons, name, error))
            return NULL;
        }
    }
  else if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      if (!add_feature (self, json_node_get_object (root), &n_unnamed, &n_polygons, name, error))
        return NULL;
    }
  if (n_polygons == 0)
    {
      parse_error (error, name, _ ("it has no Polygon or MultiPolygon"));
      return NULL;
    }
  /* names seen only on points or lines are no regions */
  for (guint i = self->regions->len; i-- > 0;)
    if (g_array_index (self->regions, Region, i).polygons->len == 0)
      g_array_remove_index (self->regions, i);
  return g_steal_pointer (&self);
}

/**
 * sheath_regions_get_n_regions:
 * @self: a #SheathRegions
 *
 * How many named regions there are.
 *
 * Returns: the number of regions
 */
guint
sheath_regions_get_n_regions (SheathRegions *self)
{
  g_return_val_if_fail (SHEATH_IS_REGIONS (self), 0);
  return self->regions->len;
}

/**
 * sheath_regions_get_name:
 * @self: a #SheathRegions
 * @index: a region, below sheath_regions_get_n_regions()
 *
 * A region's name.
 *
 * Returns: the name
 */
const char *
sheath_regions_get_name (SheathRegions *self,
                         guint          index)
{
  g_return_val_if_fail (SHEATH_IS_REGIONS (self), NULL);
  g_return_val_if_fail (index < self->regions->len, NULL);
  return g_array_index (self->regions, Region, index).name;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Sets the pixels whose centres lie inside the polygon, even-odd across
 * its rings, so that holes stay out. */
/* Fills rows [y0, y1) of a polygon (its outline and holes) into @mask,
 * whose first row is image row @mask_y0; pixels whose centre lies inside. */
static void
fill_polygon_rows (GPtrArray *rings,
                   guint8    *mask,
                   guint      width,
                   gint64     mask_y0,
                   gint64     y0,
                   gint64     y1)
{
  g_autoptr(GArray) crossings = g_array_new (FALSE, FALSE, sizeof (double));
  double top = G_MAXDOUBLE, bottom = -G_MAXDOUBLE;

  for (guint r = 0; r < rings->len; r++)
    {
      GArray *ring = g_ptr_array_index (rings, r);

      for (guint i = 1; i < ring->len; i += 2)
        {
          top = MIN (top, g_array_index (ring, double, i));
          bottom = MAX (bottom, g_array_index (ring, double, i));
        }
    }
  /* clamped as doubles: coordinates may lie far beyond any integer */
  y0 = MAX (y0, (gint64) CLAMP (floor (top - 0.5), (double) y0, (double) y1));
  y1 = MIN (y1, (gint64) CLAMP (ceil (bottom), (double) y0, (double) y1));
  for (gint64 y = y0; y < y1; y++)
    {
      double yc = y + 0.5;

      g_array_set_size (crossings, 0);
      for (guint r = 0; r < rings->len; r++)
        {
          GArray *ring = g_ptr_array_index (rings, r);
          guint n = ring->len / 2;

          for (guint i = 0; i < n; i++)
            {
              guint j = (i + 1) % n;
              double xa = g_array_index (ring, double, 2 * i), ya = g_array_index (ring, double, 2 * i + 1);
              double xb = g_array_index (ring, double, 2 * j), yb = g_array_index (ring, double, 2 * j + 1);

              if ((ya <= yc && yc < yb) || (yb <= yc && yc < ya))
                {
                  double x = xa + (yc - ya) * (xb - xa) / (yb - ya);

                  g_array_append_val (crossings, x);
                }
            }
        }
      g_array_sort (crossings, compare_double);
      for (guint k = 0; k + 1 < crossings->len; k += 2)
        {
          /* pixels whose centre x + 0.5 lies in [left, right) */
          double left = g_array_index (crossings, double, k), right = g_array_index (crossings, double, k + 1);
          gint64 x0 = (gint64) CLAMP (ceil (left - 0.5), 0, (double) width);
          gint64 x1 = (gint64) CLAMP (ceil (right - 0.5), 0, (double) width);

          for (gint64 x = x0; x < x1; x++)
            mask[(gsize) (y - mask_y0) * width + x] = 255;
        }
    }
}

static void
fill_polygon (GPtrArray *rings,
              guint8    *mask,
              guint      width,
              guint      height)
{
  fill_polygon_rows (rings, mask, width, 0, 0, height);
}

/**
 * sheath_regions_rasterize:
 * @self: a #SheathRegions
 * @index: a region, or -1 for all of them together
 * @width: the image's width
 * @height: the image's height
 * @error: return location for a #GError
 *
 * Draws a region as a mask of the image's size (255 inside, 0 outside),
 * as sheath_aggregates_compute() takes it. Polygons reaching past the
 * image are cut at its edges.
 *
 * Returns: (transfer full): the 8-bit mask, or %NULL with @error set
 */
SheathImage *
sheath_regions_rasterize (SheathRegions  *self,
                          gint            index,
                          guint           width,
                          guint           height,
                          GError        **error)
{
  g_autoptr(GBytes) bytes = NULL;
  guint8 *mask;

  g_return_val_if_fail (SHEATH_IS_REGIONS (self), NULL);
  g_return_val_if_fail (index >= -1 && index < (gint) self->regions->len, NULL);

  if ((guint64) width * height == 0 || (guint64) width * height > G_MAXSIZE / 2 ||
      !(mask = g_try_malloc0 ((gsize) width * height)))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_OUT_OF_MEMORY,
                   _ ("Not enough memory for a region mask of %u × %u pixels"), width, height);
      return NULL;
    }
  for (guint i = 0; i < self->regions->len; i++)
    if (index < 0 || (guint) index == i)
      {
        Region *r = &g_array_index (self->regions, Region, i);

        for (guint p = 0; p < r->polygons->len; p++)
          fill_polygon (g_ptr_array_index (r->polygons, p), mask, width, height);
      }
  bytes = g_bytes_new_take (mask, (gsize) width * height);
  return sheath_image_new_from_bytes (width, height, 8, bytes, error);
}

/**
 * sheath_regions_new:
 *
 * Makes a set of regions with none yet, to be drawn
 * (sheath_regions_add_polygon()) and saved as GeoJSON.
 *
 * Returns: (transfer full): no regions
 */
SheathRegions *
sheath_regions_new (void)
{
  return g_object_new (SHEATH_TYPE_REGIONS, NULL);
}

/* A copy, its regions all under @union_name if that is given. */
static SheathRegions *
copy_named (SheathRegions *self,
            const char    *union_name)
{
  SheathRegions *copy = sheath_regions_new ();

  for (guint i = 0; i < self->regions->len; i++)
    {
      Region *r = &g_array_index (self->regions, Region, i);
      Region *c = region_named (copy, union_name ? union_name : r->name);

      for (guint p = 0; p < r->polygons->len; p++)
        {
          GPtrArray *rings = g_ptr_array_index (r->polygons, p);
          GPtrArray *rings_copy = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

          for (guint k = 0; k < rings->len; k++)
            {
              GArray *ring = g_ptr_array_index (rings, k);
              GArray *ring_copy = g_array_sized_new (FALSE, FALSE, sizeof (double), ring->len);

              g_array_append_vals (ring_copy, ring->data, ring->len);
              g_ptr_array_add (rings_copy, ring_copy);
            }
          g_ptr_array_add (c->polygons, rings_copy);
        }
    }
  return copy;
}

/**
 * sheath_regions_copy:
 * @self: a #SheathRegions
 *
 * A copy that does not change when @self does: to measure regions in a
 * thread while more are drawn.
 *
 * Returns: (transfer full): the copy
 */
SheathRegions *
sheath_regions_copy (SheathRegions *self)
{
  g_return_val_if_fail (SHEATH_IS_REGIONS (self), NULL);
  return copy_named (self, NULL);
}

/**
 * sheath_regions_new_union:
 * @self: a #SheathRegions
 * @name: the name of the one region made
 *
 * All the regions as one: what sheath_regions_rasterize() draws for index
 * -1, to describe with sheath_aggregates_compute_regions().
 *
 * Returns: (transfer full): one region, @name, of all their polygons
 */
SheathRegions *
sheath_regions_new_union (SheathRegions *self,
                          const char    *name)
{
  g_return_val_if_fail (SHEATH_IS_REGIONS (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return copy_named (self, name);
}

/**
 * sheath_regions_add_polygon:
 * @self: a #SheathRegions
 * @name: the region's name; a polygon of a region already there joins it
 * @points: (array length=n_points): x, y pairs in the image's pixels
 * @n_points: how many doubles @points has, twice the corners
 * @error: return location for a #GError
 *
 * Adds a polygon without holes, closed from its last corner to its first.
 *
 * Returns: the region's index, or -1 with @error set when the outline has
 *   fewer than three corners or crosses itself
 */
gint
sheath_regions_add_polygon (SheathRegions  *self,
                            const char     *name,
                            const double   *points,
                            guint           n_points,
                            GError        **error)
{
  Region *region;
  GPtrArray *rings;
  GArray *ring;

  g_return_val_if_fail (SHEATH_IS_REGIONS (self), -1);
  g_return_val_if_fail (name != NULL && *name != '\0', -1);
  g_return_val_if_fail (points != NULL || n_points == 0, -1);

  if (n_points < 6 || n_points % 2 != 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, _ ("A region needs three corners or more"));
      return -1;
    }
  if (ring_crosses_itself (points, n_points))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT, _ ("The outline crosses itself"));
      return -1;
    }
  region = region_named (self, name);
  ring = g_array_sized_new (FALSE, FALSE, sizeof (double), n_points);
  g_array_append_vals (ring, points, n_points);
  rings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_ptr_array_add (rings, ring);
  g_ptr_array_add (region->polygons, rings);
  return (gint) (region - (Region *) self->regions->data);
}

/**
 * sheath_regions_remove:
 * @self: a #SheathRegions
 * @index: a region
 *
 * Removes a region and all its polygons.
 */
void
sheath_regions_remove (SheathRegions *self,
                       guint          index)
{
  g_return_if_fail (SHEATH_IS_REGIONS (self));
  g_return_if_fail (index < self->regions->len);
  g_array_remove_index (self->regions, index);
}

/**
 * sheath_regions_rename:
 * @self: a #SheathRegions
 * @index: a region
 * @name: its new name
 *
 * Renames a region; given the name of another region, its polygons join
 * that one, outlines of one name being one region.
 *
 * Returns: the region's index now
 */
guint
sheath_regions_rename (SheathRegions *self,
                       guint          index,
                       const char    *name)
{
  Region *region, *other;

  g_return_val_if_fail (SHEATH_IS_REGIONS (self), index);
  g_return_val_if_fail (index < self->regions->len, index);
  g_return_val_if_fail (name != NULL && *name != '\0', index);

  region = &g_array_index (self->regions, Region, index);
  if (g_str_equal (region->name, name))
    return index;
  for (guint i = 0; i < self->regions->len; i++)
    {
      other = &g_array_index (self->regions, Region, i);
      if (i != index && g_str_equal (other->name, name))
        {
          for (guint p = 0; p < region->polygons->len; p++)
            g_ptr_array_add (other->polygons, g_ptr_array_ref (g_ptr_array_index (region->polygons, p)));
          g_array_remove_index (self->regions, index);
          return i < index ? i : i - 1;
        }
    }
  g_free (region->name);
  region->name = g_strdup (name);
  return index;
}

/**
 * sheath_regions_get_n_rings:
 * @self: a #SheathRegions
 * @index: a region
 *
 * Counts a region's rings, to draw them with sheath_regions_get_ring().
 *
 * Returns: how many outlines and holes the region has, in all its polygons
 */
guint
sheath_regions_get_n_rings (SheathRegions *self,
                            guint          index)
{
  Region *r;
  guint n = 0;

  g_return_val_if_fail (SHEATH_IS_REGIONS (self), 0);
  g_return_val_if_fail (index < self->regions->len, 0);
  r = &g_array_index (self->regions, Region, index);
  for (guint p = 0; p < r->polygons->len; p++)
    n += ((GPtrArray *) g_ptr_array_index (r->polygons, p))->len;
  return n;
}

/**
 * sheath_regions_get_ring:
 * @self: a #SheathRegions
 * @index: a region
 * @ring: an outline or hole, below sheath_regions_get_n_rings()
 * @n_points: (out): how many doubles it has, twice its corners
 *
 * One outline or hole of a region, to draw it.
 *
 * Returns: (array length=n_points) (transfer none): x, y pairs in the
 *   image's pixels
 */
const double *
sheath_regions_get_ring (SheathRegions *self,
                         guint          index,
                         guint          ring,
                         guint         *n_points)
{
  Region *r;

  g_return_val_if_fail (SHEATH_IS_REGIONS (self), NULL);
  g_return_val_if_fail (index < self->regions->len, NULL);
  r = &g_array_index (self->regions, Region, index);
  for (guint p = 0; p < r->polygons->len; p++)
    {
      GPtrArray *rings = g_ptr_array_index (r->polygons, p);

      if (ring < rings->len)
        {
          GArray *a = g_ptr_array_index (rings, ring);

          *n_points = a->len;
          return (const double *) a->data;
        }
      ring -= rings->len;
    }
  g_return_val_if_reached (NULL);
}

/**
 * sheath_regions_rasterize_rows:
 * @self: a #SheathRegions
 * @index: a region, or -1 for all of them together
 * @width: the image's width
 * @first_row: the first image row to draw
 * @n_rows: how many
 * @mask: (array): @width × @n_rows bytes, set to 255 inside, left as they
 *   are outside
 *
 * Draws rows of a region, as sheath_regions_rasterize() draws them all: to
 * measure a slide band by band.
 */
void
sheath_regions_rasterize_rows (SheathRegions *self,
                               gint           index,
                               guint          width,
                               guint          first_row,
                               guint          n_rows,
                               guint8        *mask)
{
  g_return_if_fail (SHEATH_IS_REGIONS (self));
  g_return_if_fail (index >= -1 && index < (gint) self->regions->len);

  for (guint i = 0; i < self->regions->len; i++)
    if (index < 0 || (guint) index == i)
      {
        Region *r = &g_array_index (self->regions, Region, i);

        for (guint p = 0; p < r->polygons->len; p++)
          fill_polygon_rows (g_ptr_array_index (r->polygons, p), mask, width, first_row, first_row,
                             (gint64) first_row + n_rows);
      }
}

/**
 * sheath_regions_contains:
 * @self: a #SheathRegions
 * @index: a region, or -1 for any of them
 * @x: a point's column, in the image's pixels
 * @y: its row
 *
 * Whether the pixel (@x, @y) belongs to the region: its centre lies inside
 * an outline and outside its holes, as sheath_regions_rasterize() draws it.
 *
 * Returns: %TRUE when it does
 */
gboolean
sheath_regions_contains (SheathRegions *self,
                         gint           index,
                         guint          x,
                         guint          y)
{
  g_autofree guint8 *row = NULL;

  g_return_val_if_fail (SHEATH_IS_REGIONS (self), FALSE);
  g_return_val_if_fail (index >= -1 && index < (gint) self->regions->len, FALSE);

  row = g_malloc0 ((gsize) x + 1);
  sheath_regions_rasterize_rows (self, index, x + 1, y, 1, row);
  return row[x] != 0;
}

/**
 * sheath_regions_save_geojson:
 * @self: a #SheathRegions
 * @path: the file to write
 * @error: return location for a #GError
 *
 * Writes the regions as a GeoJSON FeatureCollection (a feature per region,
 * its name in `properties.name`, a MultiPolygon in the image's pixels), as
 * QuPath and napari read them; through a temporary file, renamed.
 *
 * Returns: %TRUE on success
 */
gboolean
sheath_regions_save_geojson (SheathRegions  *self,
                             const char     *path,
                             GError        **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (SHEATH_IS_REGIONS (self), FALSE);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "FeatureCollection");
  json_builder_set_member_name (b, "features");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->regions->len; i++)
    {
      Region *r = &g_array_index (self->regions, Region, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, "Feature");
      json_builder_set_member_name (b, "properties");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, r->name);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "geometry");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, "MultiPolygon");
      json_builder_set_member_name (b, "coordinates");
      json_builder_begin_array (b);
      for (guint p = 0; p < r->polygons->len; p++)
        {
          GPtrArray *rings = g_ptr_array_index (r->polygons, p);

          json_builder_begin_array (b);
          for (guint k = 0; k < rings->len; k++)
            {
              GArray *ring = g_ptr_array_index (rings, k);

              guint n = ring->len / 2;
              /* GeoJSON closes a ring by repeating its first corner; one
               * read from a file has it already */
              gboolean closed = g_array_index (ring, double, 0) == g_array_index (ring, double, 2 * n - 2) &&
                                g_array_index (ring, double, 1) == g_array_index (ring, double, 2 * n - 1);

              json_builder_begin_array (b);
              for (guint c = 0; c < (closed ? n : n + 1); c++)
                {
                  guint at = c % n;

                  json_builder_begin_array (b);
                  json_builder_add_double_value (b, g_array_index (ring, double, 2 * at));
                  json_builder_add_double_value (b, g_array_index (ring, double, 2 * at + 1));
                  json_builder_end_array (b);
                }
              json_builder_end_array (b);
            }
          json_builder_end_array (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  /* a temporary file renamed: an old file stays whole if this fails */
  if (!g_file_set_contents (path, text, -1, &local_error))
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE, _ ("Cannot write “%s”: %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}
