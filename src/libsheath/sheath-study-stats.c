/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-study"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "sheath-bids-private.h"
#include "sheath-error.h"
#include "sheath-stats-private.h"
#include "sheath-study-private.h"
#include "sheath-study-plots-private.h"
#include "sheath-table-private.h"

/* The statistics of a study, the subject as the unit: each subject's
 * axons pooled over its images, its means compared between groups. */

static const char * const measures[] = {
  "axon_density_mm2", "avf", "mvf", "gratio_aggr", "mean_axon_diam", "mean_myelin_thickness", "mean_gratio",
};

/* what every subject is measured by, in the tables and plots */
static void
subject_free (gpointer data)
{
  SheathStudySubject *s = data;

  g_free (s->name);
  g_free (s->group);
  g_array_unref (s->diam);
  g_array_unref (s->thickness);
  g_array_unref (s->gratio);
  g_array_unref (s->myelinated_diam);
  g_free (s);
}

/* The per-axon table an image's record stands beside (its own CSV). */
static gboolean
read_axons (const char          *path,
            SheathStudySubject  *s,
            GError             **error)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  int diam = -1, thick = -1, gratio = -1, myelin = -1;

  if (!g_file_get_contents (path, &text, NULL, error))
    return FALSE;
  lines = g_strsplit (text, "\n", -1);
  header = g_strsplit (lines[0] ? lines[0] : "", ",", -1);
  for (int c = 0; header[c] != NULL; c++)
    {
      if (g_str_equal (header[c], "axon_diam (um)"))
        diam = c;
      else if (g_str_equal (header[c], "myelin_thickness (um)"))
        thick = c;
      else if (g_str_equal (header[c], "gratio"))
        gratio = c;
      else if (g_str_equal (header[c], "myelin_area (um^2)"))
        myelin = c;
    }
  if (diam < 0 || thick < 0 || gratio < 0 || myelin < 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("'%s' is not a per-axon table of Sheath's"), path);
      return FALSE;
    }
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], ",", -1);
      guint n = g_strv_length (f);
      double d, t, g, m;

      if (n <= (guint) MAX (MAX (diam, thick), MAX (gratio, myelin)))
        continue;
      d = g_ascii_strtod (f[diam], NULL);
      t = g_ascii_strtod (f[thick], NULL);
      g = g_ascii_strtod (f[gratio], NULL);
      m = g_ascii_strtod (f[myelin], NULL);
      g_array_append_val (s->diam, d);
      if (m > 0)
        {
          g_array_append_val (s->thickness, t);
          g_array_append_val (s->gratio, g);
          g_array_append_val (s->myelinated_diam, d);
        }
    }
  return TRUE;
}

static double
mean_of (GArray *values)
{
  double mean, sd;

  _sheath_mean_sd ((double *) values->data, values->len, &mean, &sd);
  return mean;
}

/* A subject's value of one of measures[] */
double
_sheath_study_subject_measure (const SheathStudySubject *s,
                               guint                     m)
{
  double avf = s->area > 0 ? s->axon_area / s->area : NAN;
  double mvf = s->area > 0 ? s->myelin_area / s->area : NAN;

  switch (m)
    {
    case 0: return s->area > 0 ? s->diam->len / s->area : NAN;
    case 1: return avf;
    case 2: return mvf;
    case 3: return avf + mvf > 0 ? sqrt (1 - mvf / (avf + mvf)) : NAN;
    case 4: return mean_of (s->diam);
    case 5: return mean_of (s->thickness);
    case 6: return mean_of (s->gratio);
    default: return NAN;
    }
}

/* Every subject of the study with its axons and group, and the groups'
 * names, sorted. */
static GPtrArray *
collect_subjects (SheathStudy  *self,
                  const char   *root,
                  const char   *group_by,
                  GPtrArray    *groups,
                  GError      **error)
{
  g_autoptr(GPtrArray) subjects = g_ptr_array_new_with_free_func (subject_free);

  for (guint i = 0; i < sheath_study_get_n_images (self); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *record = _sheath_study_read_record (self, i, root, parser);
      g_autofree char *csv = _sheath_study_output_path (self, i, root, "_axon_morphometrics.csv");
      const char *name = sheath_study_get_subject (self, i);
      SheathStudySubject *s = NULL;
      double area;

      if (record == NULL)
        continue;
      for (guint k = 0; k < subjects->len && s == NULL; k++)
        if (g_str_equal (((SheathStudySubject *) g_ptr_array_index (subjects, k))->name, name))
          s = g_ptr_array_index (subjects, k);
      if (s == NULL)
        {
          const char *group = group_by ? sheath_study_get_value (self, i, group_by) : _ ("all");

          s = g_new0 (SheathStudySubject, 1);
          s->name = g_strdup (name);
          s->group = g_strdup (group && *group ? group : _ ("(none)"));
          s->diam = g_array_new (FALSE, FALSE, sizeof (double));
          s->thickness = g_array_new (FALSE, FALSE, sizeof (double));
          s->gratio = g_array_new (FALSE, FALSE, sizeof (double));
          s->myelinated_diam = g_array_new (FALSE, FALSE, sizeof (double));
          g_ptr_array_add (subjects, s);
          if (!g_ptr_array_find_with_equal_func (groups, s->group, g_str_equal, NULL))
            g_ptr_array_add (groups, g_strdup (s->group));
        }
      area = json_object_get_double_member_with_default (record, "area_mm2", 0);
      s->area += area;
      s->axon_area += json_object_get_double_member_with_default (record, "avf", 0) * area;
      s->myelin_area += json_object_get_double_member_with_default (record, "mvf", 0) * area;
      if (!read_axons (csv, s, error))
        return NULL;
    }
  if (subjects->len == 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("No image of the study is done yet in '%s'"), root);
      return NULL;
    }
  g_ptr_array_sort (groups, _sheath_compare_strings);
  return g_steal_pointer (&subjects);
}

static char *
bin_label (const double *edges,
           guint         n_edges,
           guint         k)
{
  if (k + 1 < n_edges)
    return g_strdup_printf ("[%g, %g)", edges[k], edges[k + 1]);
  return g_strdup_printf ("[%g, inf)", edges[k]);
}

static gboolean
write_bins (GPtrArray     *subjects,
            const double  *edges,
            guint          n_edges,
            const char    *dir,
            GError       **error)
{
  static const char * const columns[] = {
    "subject", "group", "axon_diam_bin (um)", "n_axons", "n_myelinated", "mean_axon_diam",
    "mean_myelin_thickness", "mean_gratio", NULL
  };
  g_autoptr(SheathTable) table = _sheath_table_new (columns);
  g_autofree char *path = g_build_filename (dir, "subject-bins.csv", NULL);

  for (guint i = 0; i < subjects->len; i++)
    {
      SheathStudySubject *s = g_ptr_array_index (subjects, i);

      for (guint k = 0; k < n_edges; k++)
        {
          double lo = edges[k], hi = k + 1 < n_edges ? edges[k + 1] : INFINITY;
          g_autoptr(GArray) d = g_array_new (FALSE, FALSE, sizeof (double));
          g_autoptr(GArray) t = g_array_new (FALSE, FALSE, sizeof (double));
          g_autoptr(GArray) g = g_array_new (FALSE, FALSE, sizeof (double));
          g_autofree char *label = bin_label (edges, n_edges, k);
          guint row;

          for (guint a = 0; a < s->diam->len; a++)
            if (g_array_index (s->diam, double, a) >= lo && g_array_index (s->diam, double, a) < hi)
              g_array_append_val (d, g_array_index (s->diam, double, a));
          for (guint a = 0; a < s->myelinated_diam->len; a++)
            if (g_array_index (s->myelinated_diam, double, a) >= lo && g_array_index (s->myelinated_diam, double, a) < hi)
              {
                g_array_append_val (t, g_array_index (s->thickness, double, a));
                g_array_append_val (g, g_array_index (s->gratio, double, a));
              }
          row = _sheath_table_add_row (table);
          _sheath_table_set_text (table, row, 0, s->name);
          _sheath_table_set_text (table, row, 1, s->group);
          _sheath_table_set_text (table, row, 2, label);
          _sheath_table_set_number (table, row, 3, d->len);
          _sheath_table_set_number (table, row, 4, t->len);
          _sheath_table_set_number (table, row, 5, mean_of (d));
          _sheath_table_set_number (table, row, 6, mean_of (t));
          _sheath_table_set_number (table, row, 7, mean_of (g));
        }
    }
  return _sheath_table_write_csv (table, path, error);
}

static gboolean
write_fits (GPtrArray   *subjects,
            const char  *dir,
            GError     **error)
{
  static const char * const columns[] = {
    "subject", "group", "n_myelinated", "intercept", "slope (per um)", "r2", NULL
  };
  g_autoptr(SheathTable) table = _sheath_table_new (columns);
  g_autofree char *path = g_build_filename (dir, "gratio-fits.csv", NULL);

  for (guint i = 0; i < subjects->len; i++)
    {
      SheathStudySubject *s = g_ptr_array_index (subjects, i);
      double intercept, slope, r2;
      guint row = _sheath_table_add_row (table);

      _sheath_linear_fit ((double *) s->myelinated_diam->data, (double *) s->gratio->data, s->gratio->len,
                          &intercept, &slope, &r2);
      _sheath_table_set_text (table, row, 0, s->name);
      _sheath_table_set_text (table, row, 1, s->group);
      _sheath_table_set_number (table, row, 2, s->gratio->len);
      _sheath_table_set_number (table, row, 3, intercept);
      _sheath_table_set_number (table, row, 4, slope);
      _sheath_table_set_number (table, row, 5, r2);
    }
  return _sheath_table_write_csv (table, path, error);
}

/* The subject means of measures[@m], by group */
static GPtrArray *
values_by_group (GPtrArray *subjects,
                 GPtrArray *groups,
                 guint      m)
{
  GPtrArray *values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

  for (guint g = 0; g < groups->len; g++)
    {
      GArray *v = g_array_new (FALSE, FALSE, sizeof (double));

      for (guint i = 0; i < subjects->len; i++)
        {
          SheathStudySubject *s = g_ptr_array_index (subjects, i);
          double x = _sheath_study_subject_measure (s, m);

          if (g_str_equal (s->group, g_ptr_array_index (groups, g)) && isfinite (x))
            g_array_append_val (v, x);
        }
      g_ptr_array_add (values, v);
    }
  return values;
}

static gboolean
write_groups_and_tests (GPtrArray   *subjects,
                        GPtrArray   *groups,
                        const char  *dir,
                        GError     **error)
{
  static const char * const group_columns[] = { "measure", "group", "n_subjects", "n_axons", "mean", "sd", NULL };
  static const char * const test_columns[] = {
    "measure", "test", "groups", "statistic", "df", "p", "hedges_g", "note", NULL
  };
  g_autoptr(SheathTable) table = _sheath_table_new (group_columns);
  g_autoptr(SheathTable) tests = _sheath_table_new (test_columns);
  g_autofree char *groups_path = g_build_filename (dir, "groups.csv", NULL);
  g_autofree char *tests_path = g_build_filename (dir, "tests.csv", NULL);

  for (guint m = 0; m < G_N_ELEMENTS (measures); m++)
    {
      g_autoptr(GPtrArray) values = values_by_group (subjects, groups, m);
      g_autofree const double **data = g_new (const double *, groups->len);
      g_autofree guint *sizes = g_new (guint, groups->len);
      gboolean small = FALSE;

      for (guint g = 0; g < groups->len; g++)
        {
          GArray *v = g_ptr_array_index (values, g);
          double mean, sd, axons = 0;
          guint row = _sheath_table_add_row (table);

          for (guint i = 0; i < subjects->len; i++)
            {
              SheathStudySubject *s = g_ptr_array_index (subjects, i);
              if (g_str_equal (s->group, g_ptr_array_index (groups, g)))
                axons += s->diam->len;
            }
          _sheath_mean_sd ((double *) v->data, v->len, &mean, &sd);
          _sheath_table_set_text (table, row, 0, measures[m]);
          _sheath_table_set_text (table, row, 1, g_ptr_array_index (groups, g));
          _sheath_table_set_number (table, row, 2, v->len);
          _sheath_table_set_number (table, row, 3, axons);
          _sheath_table_set_number (table, row, 4, mean);
          _sheath_table_set_number (table, row, 5, sd);
          data[g] = (const double *) v->data;
          sizes[g] = v->len;
          small |= v->len < 2;
        }

      if (groups->len < 2)
        {
          guint row = _sheath_table_add_row (tests);

          _sheath_table_set_text (tests, row, 0, measures[m]);
          _sheath_table_set_text (tests, row, 7, _ ("one group: nothing to compare (give --group-by COLUMN)"));
          continue;
        }
      for (guint k = 0; k < 2; k++)
        {
          gboolean two = groups->len == 2;
          const char *name = two ? (k == 0 ? "welch_t" : "mann_whitney_u") : (k == 0 ? "anova" : "kruskal_wallis");
          SheathTest t = two ? (k == 0 ? _sheath_welch_t (data[0], sizes[0], data[1], sizes[1])
                                       : _sheath_mann_whitney (data[0], sizes[0], data[1], sizes[1]))
                             : (k == 0 ? _sheath_anova (data, sizes, groups->len)
                                       : _sheath_kruskal_wallis (data, sizes, groups->len));
          g_autofree char *names = NULL;
          guint row = _sheath_table_add_row (tests);

          g_ptr_array_add (groups, NULL);
          names = g_strjoinv (" vs ", (char **) groups->pdata);
          g_ptr_array_set_size (groups, groups->len - 1);
          _sheath_table_set_text (tests, row, 0, measures[m]);
          _sheath_table_set_text (tests, row, 1, name);
          _sheath_table_set_text (tests, row, 2, names);
          _sheath_table_set_number (tests, row, 3, t.statistic);
          _sheath_table_set_number (tests, row, 4, t.df);
          _sheath_table_set_number (tests, row, 5, t.p);
          if (two)
            _sheath_table_set_number (tests, row, 6, _sheath_hedges_g (data[0], sizes[0], data[1], sizes[1]));
          if (small)
            _sheath_table_set_text (tests, row, 7, _ ("n too small: a group has fewer than 2 subjects"));
        }
    }
  return _sheath_table_write_csv (table, groups_path, error) && _sheath_table_write_csv (tests, tests_path, error);
}

/**
 * sheath_study_write_statistics:
 * @self: a #SheathStudy
 * @root: the study's output folder, with images done
 * @group_by: (nullable): a column of sheath_study_get_columns() that
 *   names each subject's group, or %NULL for one group
 * @bin_edges: (array length=n_edges): the lower edges of the caliber bins,
 *   in µm, ascending; the last bin has no upper edge
 * @n_edges: how many edges
 * @error: return location for a #GError
 *
 * Writes the study's statistics into `ROOT/statistics/`, the subject as the
 * unit: per subject and caliber bin its axons' means (`subject-bins.csv`);
 * per subject the g-ratio against axon diameter fit (`gratio-fits.csv`);
 * per group the mean ± SD of the subject means, with the numbers of
 * subjects and axons (`groups.csv`); between two groups Welch's t-test,
 * Mann–Whitney U and Hedges' g, between more a one-way ANOVA and
 * Kruskal–Wallis, on the subject means (`tests.csv`; a group of one subject
 * gives no p-value but a note); and the plots (subject means per group,
 * g-ratio against diameter with a fit per group, diameter distributions per
 * group) as PNG and SVG.
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
sheath_study_write_statistics (SheathStudy   *self,
                               const char    *root,
                               const char    *group_by,
                               const double  *bin_edges,
                               guint          n_edges,
                               GError       **error)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) subjects = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (SHEATH_IS_STUDY (self), FALSE);
  g_return_val_if_fail (root != NULL, FALSE);

  if (group_by != NULL && !g_strv_contains (sheath_study_get_columns (self), group_by))
    {
      g_autofree char *known = g_strjoinv (", ", (char **) sheath_study_get_columns (self));

      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                   _ ("No column '%s' in the study's participants.tsv or samples.tsv (%s)"), group_by,
                   *known ? known : _ ("it has none"));
      return FALSE;
    }
  for (guint k = 0; k < n_edges; k++)
    if (!isfinite (bin_edges[k]) || bin_edges[k] < 0 || (k > 0 && bin_edges[k] <= bin_edges[k - 1]))
      {
        g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_INVALID_ARGUMENT,
                     _ ("The caliber bins must be ascending numbers of micrometres"));
        return FALSE;
      }
  if (!(subjects = collect_subjects (self, root, group_by, groups, error)))
    return FALSE;
  dir = g_build_filename (root, "statistics", NULL);
  if (g_mkdir_with_parents (dir, 0777) != 0)
    {
      g_set_error (error, SHEATH_ERROR, SHEATH_ERROR_WRITE, _ ("Cannot make the folder '%s'"), dir);
      return FALSE;
    }
  return write_bins (subjects, bin_edges, n_edges, dir, error) &&
         write_fits (subjects, dir, error) &&
         write_groups_and_tests (subjects, groups, dir, error) &&
         _sheath_study_write_plots (subjects, groups, measures, G_N_ELEMENTS (measures), dir, error);
}
