/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-morphometrics-panel"

#include "config.h"

#include <glib/gi18n.h>

#include <math.h>
#include <string.h>

#include <adwaita.h>

#include "sheath-axon-item.h"
#include "sheath-file-chooser.h"
#include "sheath-morphometrics-panel.h"
#include "sheath-plot.h"

struct _SheathMorphometricsPanel
{
  GtkWidget            parent_instance;

  /* template widgets */
  GtkWidget           *box;
  AdwActionRow        *count_row;
  AdwActionRow        *fraction_row;
  AdwActionRow        *gratio_row;
  AdwActionRow        *means_row;
  AdwActionRow        *uaxon_row;
  AdwActionRow        *others_row;
  GtkDropDown         *flag_filter;
  GtkSpinButton       *bins;
  GtkStack            *plots;
  SheathPlot          *diameter_plot;
  SheathPlot          *thickness_plot;
  SheathPlot          *gratio_plot;
  SheathPlot          *scatter_plot;
  GtkColumnView       *table;
  GtkWidget           *export_table;
  GtkRevealer         *filter_bar;
  GtkLabel            *filter_label;

  GFile               *image_file;     /* exports go beside it, named after it */

  /* owned */
  SheathMorphometrics *morphometrics;
  GListStore          *store;
  GtkCustomFilter     *filter;
  GtkSingleSelection  *selection;
  const char          *filter_property;
  double               filter_lo;
  double               filter_hi;
  gboolean             quiet;   /* rows changing or selected from outside: no axon-selected */
};

G_DEFINE_FINAL_TYPE (SheathMorphometricsPanel, sheath_morphometrics_panel, GTK_TYPE_WIDGET)

enum {
  AXON_SELECTED,
  HIGHLIGHT_CHANGED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static void
set_row (AdwActionRow *row,
         const char   *format,
         ...) G_GNUC_PRINTF (2, 3);

static void
set_row (AdwActionRow *row,
         const char   *format,
         ...)
{
  g_autofree char *text = NULL;
  va_list ap;

  va_start (ap, format);
  text = g_strdup_vprintf (format, ap);
  va_end (ap);
  adw_action_row_set_subtitle (row, text);
}

/* A whole number with its thousands grouped by narrow spaces (SI style,
 * whatever the locale): 12 345. */
static char *
grouped (double value)
{
  g_autofree char *digits = g_strdup_printf ("%.0f", fabs (value));
  GString *out = g_string_new (value < 0 ? "-" : "");
  gsize n = strlen (digits);

  for (gsize i = 0; i < n; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        g_string_append (out, "\u202f");
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

/* A figure, or a dash where there is none (no axons, no myelin): a mean of
 * nothing is not shown as "nan". */
static char *
figure (double      value,
        int         decimals,
        const char *unit)
{
  if (!isfinite (value))
    return g_strdup ("—");
  return g_strdup_printf ("%.*f%s%s", decimals, value, unit ? " " : "", unit ? unit : "");
}

/* Tab leaves the table in one step (each of its rows takes the focus in
 * turn otherwise: hundreds of presses); the arrows move between rows. */
static gboolean
table_key_pressed_cb (GtkEventControllerKey    *controller,
                      guint                     keyval,
                      guint                     keycode,
                      GdkModifierType           state,
                      SheathMorphometricsPanel *self)
{
  if (keyval == GDK_KEY_Tab && !(state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)))
    return gtk_widget_grab_focus (self->export_table);
  if (keyval == GDK_KEY_ISO_Left_Tab || (keyval == GDK_KEY_Tab && (state & GDK_SHIFT_MASK)))
    return gtk_widget_grab_focus (GTK_WIDGET (self->bins));
  return FALSE;
}

/* The flags each choice of the flag filter shows, after "All Axons"
 * (none: every axon) and "Flagged" (any flag). */
static const SheathAxonFlags flag_choices[] = {
  SHEATH_AXON_FLAG_NONE, ~SHEATH_AXON_FLAG_NONE, SHEATH_AXON_FLAG_BORDER, SHEATH_AXON_FLAG_NO_MYELIN,
  SHEATH_AXON_FLAG_IMPLAUSIBLE_GRATIO, SHEATH_AXON_FLAG_TINY, SHEATH_AXON_FLAG_LOW_CONFIDENCE,
  SHEATH_AXON_FLAG_FUSED,
};

static SheathAxonFlags
chosen_flags (SheathMorphometricsPanel *self)
{
  guint i = gtk_drop_down_get_selected (self->flag_filter);

  return i < G_N_ELEMENTS (flag_choices) ? flag_choices[i] : SHEATH_AXON_FLAG_NONE;
}

static gboolean
filter_func (gpointer item,
             gpointer data)
{
  SheathMorphometricsPanel *self = data;
  SheathAxonFlags flags = chosen_flags (self);
  double v;

  if (flags != SHEATH_AXON_FLAG_NONE && !(sheath_axon_item_get_axon (item)->flags & flags))
    return FALSE;
  if (self->filter_property == NULL)
    return TRUE;
  g_object_get (item, self->filter_property, &v, NULL);
  return v >= self->filter_lo && v < self->filter_hi;
}

static gboolean
filtering (SheathMorphometricsPanel *self)
{
  return self->filter_property != NULL || chosen_flags (self) != SHEATH_AXON_FLAG_NONE;
}

static void
emit_highlight (SheathMorphometricsPanel *self)
{
  GListModel *model = G_LIST_MODEL (self->selection);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint));

  if (filtering (self))
    for (guint i = 0; i < g_list_model_get_n_items (model); i++)
      {
        g_autoptr(SheathAxonItem) item = g_list_model_get_item (model, i);
        guint id = sheath_axon_item_get_axon (item)->id;

        g_array_append_val (ids, id);
      }
  g_signal_emit (self, signals [HIGHLIGHT_CHANGED], 0, ids);
}

/* The table shows one bin's axons: said above it, with a way back, and no
 * row stays selected that the filter may hide. */
static void
apply_filter (SheathMorphometricsPanel *self)
{
  self->quiet = TRUE;
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  self->quiet = FALSE;
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  if (self->filter_property != NULL)
    {
      g_autofree char *text = g_strdup_printf (_ ("Showing the %u axons with %s from %.3g to %.3g"),
                                               g_list_model_get_n_items (G_LIST_MODEL (self->selection)),
                                               g_str_equal (self->filter_property, "axon-diam") ? _ ("an axon diameter (µm)") :
                                               g_str_equal (self->filter_property, "myelin-thickness") ? _ ("a myelin thickness (µm)") :
                                               _ ("a g-ratio"), self->filter_lo, self->filter_hi);
      gtk_label_set_text (self->filter_label, text);
    }
  else if (filtering (self))
    {
      g_autofree char *text = g_strdup_printf (_ ("Showing the %u axons flagged “%s”"),
                                               g_list_model_get_n_items (G_LIST_MODEL (self->selection)),
                                               gtk_string_object_get_string (gtk_drop_down_get_selected_item (self->flag_filter)));
      gtk_label_set_text (self->filter_label, text);
    }
  gtk_revealer_set_reveal_child (self->filter_bar, filtering (self));
  emit_highlight (self);
}

static void
clear_filter_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  SheathMorphometricsPanel *self = SHEATH_MORPHOMETRICS_PANEL (widget);
  SheathPlot *plots[] = { self->diameter_plot, self->thickness_plot, self->gratio_plot };

  self->filter_property = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (plots); i++)
    sheath_plot_clear_selected_bin (plots[i]);
  /* notify::selected applies the filter when the choice changes */
  if (gtk_drop_down_get_selected (self->flag_filter) != 0)
    gtk_drop_down_set_selected (self->flag_filter, 0);
  else
    apply_filter (self);
}

static void
flag_filter_cb (GtkDropDown              *drop_down,
                GParamSpec               *pspec,
                SheathMorphometricsPanel *self)
{
  apply_filter (self);
}

static void
bin_selected_cb (SheathPlot               *plot,
                 double                    lo,
                 double                    hi,
                 SheathMorphometricsPanel *self)
{
  self->filter_property = lo == hi ? NULL
                        : plot == self->diameter_plot ? "axon-diam"
                        : plot == self->thickness_plot ? "myelin-thickness" : "gratio";
  self->filter_lo = lo;
  self->filter_hi = hi;
  apply_filter (self);
}

static void
selection_changed_cb (GtkSingleSelection       *selection,
                      GParamSpec               *pspec,
                      SheathMorphometricsPanel *self)
{
  SheathAxonItem *item = gtk_single_selection_get_selected_item (selection);

  /* a row that moved under the selection when the rows changed is not an
   * axon the user chose */
  if (item != NULL && !self->quiet)
    g_signal_emit (self, signals [AXON_SELECTED], 0, sheath_axon_item_get_axon (item)->id);
}

static void
setup_label_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_label_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               const char               *property)
{
  GObject *row = gtk_list_item_get_item (item);
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (row), property);
  g_auto(GValue) value = G_VALUE_INIT;
  g_autofree char *text = NULL;

  g_value_init (&value, pspec->value_type);
  g_object_get_property (row, property, &value);
  if (G_VALUE_HOLDS_DOUBLE (&value))
    text = isnan (g_value_get_double (&value)) ? g_strdup ("") : figure (g_value_get_double (&value), 3, NULL);
  else if (G_VALUE_HOLDS_UINT (&value))
    text = g_strdup_printf ("%u", g_value_get_uint (&value));
  else if (G_VALUE_HOLDS_STRING (&value))
    text = g_strdelimit (g_value_dup_string (&value), ";", ' ');
  else
    text = g_strdup (g_value_get_boolean (&value) ? "yes" : "");
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static void
add_column (SheathMorphometricsPanel *self,
            const char               *title,
            const char               *property,
            gboolean                  numeric)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;
  GtkSorter *sorter;
  GtkExpression *expr = gtk_property_expression_new (SHEATH_TYPE_AXON_ITEM, NULL, property);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_label_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_label_cb), (gpointer) property);
  column = gtk_column_view_column_new (title, factory);
  sorter = numeric ? GTK_SORTER (gtk_numeric_sorter_new (expr)) : GTK_SORTER (gtk_string_sorter_new (expr));
  gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_column_set_expand (column, TRUE);
  gtk_column_view_append_column (self->table, column);
  g_object_unref (sorter);
  g_object_unref (column);
}

/* Export errors go where the window shows its messages. */
static void
toast (SheathMorphometricsPanel *self,
       const char               *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
  else
    g_message ("%s", text);
}

/* Says what was exported where, or why not. */
static void
tell (SheathMorphometricsPanel *self,
      const char               *what,
      GFile                    *file,
      GError                   *error)
{
  g_autofree char *name = file ? g_file_get_basename (file) : NULL;
  g_autofree char *text = NULL;

  if (error == NULL && name != NULL)
    text = g_strdup_printf ("%s exported as “%s”", what, name);
  else
    text = g_strdup_printf ("%s not exported: %s", what, error ? error->message : _ ("not a local file"));
  toast (self, text);
}

/* Where an export dialog starts: the image's folder, and a name after the
 * image as AxonDeepSeg would write it. */
static GFile *
export_folder (SheathMorphometricsPanel *self)
{
  return self->image_file ? g_file_get_parent (self->image_file) : NULL;
}

static char *
export_name (SheathMorphometricsPanel *self,
             const char               *suffix)
{
  g_autofree char *stem = self->image_file ? sheath_segmentation_dup_stem (self->image_file) : g_strdup ("image");

  return g_strconcat (stem, suffix, NULL);
}

static void
csv_file_chosen_cb (GListModel *files,
                    gpointer    data)
{
  SheathMorphometricsPanel *self = data;
  g_autoptr(GFile) file = files ? g_list_model_get_item (files, 0) : NULL;
  g_autofree char *path = file ? g_file_get_path (file) : NULL;
  g_autoptr(GError) error = NULL;

  if (file == NULL || self->morphometrics == NULL)
    return;
  if (path != NULL)
    sheath_morphometrics_write_csv (self->morphometrics, path, &error);
  tell (self, _ ("The table"), path ? file : NULL, error);
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  SheathMorphometricsPanel *self = SHEATH_MORPHOMETRICS_PANEL (widget);
  g_autoptr(GFile) folder = export_folder (self);
  g_autofree char *name = export_name (self, "_axon_morphometrics.csv");

  sheath_choose_files (GTK_WINDOW (gtk_widget_get_root (widget)), SHEATH_CHOOSE_SAVE, _ ("Export Axon Table"),
                       _ ("_Export"), NULL, folder, name, csv_file_chosen_cb,
                       g_object_ref (widget), g_object_unref);
}

static void
plot_file_chosen_cb (GListModel *files,
                     gpointer    data)
{
  SheathMorphometricsPanel *self = data;
  g_autoptr(GFile) file = files ? g_list_model_get_item (files, 0) : NULL;
  g_autofree char *path = file ? g_file_get_path (file) : NULL;
  g_autoptr(GError) error = NULL;

  if (file == NULL)
    return;
  if (path != NULL)
    sheath_plot_export (SHEATH_PLOT (gtk_stack_get_visible_child (self->plots)), path, 800, 500, &error);
  tell (self, _ ("The plot"), path ? file : NULL, error);
}

static void
export_plot_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  SheathMorphometricsPanel *self = SHEATH_MORPHOMETRICS_PANEL (widget);
  g_autofree char *suffix = g_strdup_printf ("_%s.png", gtk_stack_get_visible_child_name (self->plots));
  g_autofree char *name = export_name (self, suffix);
  g_autoptr(GFile) folder = export_folder (self);

  sheath_choose_files (GTK_WINDOW (gtk_widget_get_root (widget)), SHEATH_CHOOSE_SAVE, _ ("Export Plot (PNG or SVG)"),
                       _ ("_Export"), NULL, folder, name, plot_file_chosen_cb, g_object_ref (widget), g_object_unref);
}

static void
sheath_morphometrics_panel_dispose (GObject *object)
{
  SheathMorphometricsPanel *self = (SheathMorphometricsPanel *)object;

  g_clear_object (&self->morphometrics);
  g_clear_object (&self->selection);
  g_clear_object (&self->image_file);
  gtk_widget_dispose_template (GTK_WIDGET (self), SHEATH_TYPE_MORPHOMETRICS_PANEL);

  G_OBJECT_CLASS (sheath_morphometrics_panel_parent_class)->dispose (object);
}

static void
sheath_morphometrics_panel_class_init (SheathMorphometricsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sheath_morphometrics_panel_dispose;

  /**
   * SheathMorphometricsPanel::axon-selected:
   * @id: the axon chosen in the table
   */
  signals [AXON_SELECTED] =
    g_signal_new ("axon-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
  /**
   * SheathMorphometricsPanel::highlight-changed:
   * @ids: (element-type guint): the axons of the chosen histogram bin, or none
   */
  signals [HIGHLIGHT_CHANGED] =
    g_signal_new ("highlight-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ARRAY);

  g_type_ensure (SHEATH_TYPE_PLOT);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/sheath/Sheath/sheath-morphometrics-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, SheathMorphometricsPanel, box);
  gtk_widget_class_bind_template_child (widget_class, SheathMorphometricsPanel, count_row);
  gtk_widget_class_bind_template_child (widget_class, SheathMorphometricsPanel, fraction_row);
  gtk_widget_class_bind_template_child (widget_class, SheathMorphometricsPanel, gratio_row);
  gtk_widget_class_bind_template_child (widget_class, SheathMorphometricsPanel, means_row);
  gtk_widget_class_bind_template_child (widget_class, SheathMorphometricsPanel, bins);
  gtk_widget_class_bind_template_child (widget_class, SheathMorphometricsPanel, plots);
  gtk_widget_class_bind_template_child (widget_class, SheathMorphometricsPanel, diameter_plot);
  gtk_widget_class_bind_template_child (widget_class, SheathMorphometricsPanel, thickness_plot);
  gtk_widget_class_bind_template_child (widget_class, SheathMorphometricsPanel, gratio_plot);
  gtk_widget_class_bind_template_child (widget_class, SheathMorphometricsPanel, scatter_plot);
  gtk_widget_class_bind_template_child (widget_class, SheathMorphometricsPanel, table);
  gtk_widget_class_bind_template_child (widget_class, SheathMorphometricsPanel, export_table);
  gtk_widget_class_bind_template_child (widget_class, SheathMorphometricsPanel, filter_bar);
  gtk_widget_class_bind_template_child (widget_class, SheathMorphometricsPanel, uaxon_row);
  gtk_widget_class_bind_template_child (widget_class, SheathMorphometricsPanel, others_row);
  gtk_widget_class_bind_template_child (widget_class, SheathMorphometricsPanel, flag_filter);
  gtk_widget_class_bind_template_child (widget_class, SheathMorphometricsPanel, filter_label);

  gtk_widget_class_install_action (widget_class, "panel.export-csv", NULL, export_csv_action);
  gtk_widget_class_install_action (widget_class, "panel.clear-filter", NULL, clear_filter_action);
  gtk_widget_class_install_action (widget_class, "panel.export-plot", NULL, export_plot_action);
}

static void
sheath_morphometrics_panel_init (SheathMorphometricsPanel *self)
{
  GtkSortListModel *sorted;
  GtkFilterListModel *filtered;
  SheathPlot *plots[] = { NULL, NULL, NULL };

  gtk_widget_init_template (GTK_WIDGET (self));
  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    g_signal_connect (keys, "key-pressed", G_CALLBACK (table_key_pressed_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->table), keys);
  }

  self->store = g_list_store_new (SHEATH_TYPE_AXON_ITEM);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (self->store), GTK_FILTER (self->filter));
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (filtered), g_object_ref (gtk_column_view_get_sorter (self->table)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (sorted));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->table, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect (self->selection, "notify::selected", G_CALLBACK (selection_changed_cb), self);
  g_signal_connect (self->flag_filter, "notify::selected", G_CALLBACK (flag_filter_cb), self);

  add_column (self, _ ("Axon"), "id", TRUE);
  add_column (self, _ ("Diameter (µm)"), "axon-diam", TRUE);
  add_column (self, _ ("Thickness (µm)"), "myelin-thickness", TRUE);
  add_column (self, "G-ratio", "gratio", TRUE);
  add_column (self, _ ("Area (µm²)"), "axon-area", TRUE);
  add_column (self, _ ("Solidity"), "solidity", TRUE);
  add_column (self, _ ("At edge"), "border", TRUE);
  add_column (self, _ ("Confidence"), "confidence", TRUE);
  add_column (self, _ ("Flags"), "flags", FALSE);

  plots[0] = self->diameter_plot;
  plots[1] = self->thickness_plot;
  plots[2] = self->gratio_plot;
  for (guint i = 0; i < 3; i++)
    {
      g_object_bind_property (gtk_spin_button_get_adjustment (self->bins), "value", plots[i], "bins",
                              G_BINDING_SYNC_CREATE);
      g_signal_connect (plots[i], "bin-selected", G_CALLBACK (bin_selected_cb), self);
    }
}

/* The plots and the aggregates from the table as it is now. */
static void
show_summary (SheathMorphometricsPanel *self,
              SheathAggregates         *agg)
{
  guint n = self->morphometrics ? sheath_morphometrics_get_n_axons (self->morphometrics) : 0;
  g_autoptr(GArray) diam = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) thick = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) gratio = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) my_diam = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < n; i++)
    {
      const SheathAxon *a = sheath_morphometrics_get_axon (self->morphometrics, i);

      g_array_append_val (diam, a->axon_diam);
      if (a->myelin_area > 0)
        {
          g_array_append_val (thick, a->myelin_thickness);
          g_array_append_val (gratio, a->gratio);
          g_array_append_val (my_diam, a->axon_diam);
        }
    }

  sheath_plot_set_histogram (self->diameter_plot, (double *) diam->data, diam->len, _ ("axon diameter (µm)"));
  sheath_plot_set_histogram (self->thickness_plot, (double *) thick->data, thick->len, _ ("myelin thickness (µm)"));
  sheath_plot_set_histogram (self->gratio_plot, (double *) gratio->data, gratio->len, "g-ratio");
  sheath_plot_set_scatter (self->scatter_plot, (double *) my_diam->data, (double *) gratio->data, gratio->len,
                           _ ("axon diameter (µm)"), "g-ratio");

  if (agg != NULL)
    {
      g_autofree char *n_axons = grouped (agg->n_axons);
      g_autofree char *n_myelinated = grouped (agg->n_myelinated);
      g_autofree char *density = grouped (agg->axon_density_mm2);
      g_autofree char *aggregate = agg->n_myelinated > 0 ? figure (agg->gratio_aggr, 3, NULL) : g_strdup ("—");
      g_autofree char *diameter = figure (agg->mean_axon_diam, 2, "µm");
      g_autofree char *thickness = figure (agg->mean_myelin_thickness, 2, "µm");
      g_autofree char *mean_gratio = figure (agg->mean_gratio, 3, NULL);

      set_row (self->count_row, "%s axons, %s myelinated; %s per mm²; %u at an edge",
               n_axons, n_myelinated, density, agg->n_border_touching);
      set_row (self->fraction_row, _ ("AVF %.3f, MVF %.3f"), agg->avf, agg->mvf);
      set_row (self->gratio_row, "%s%s", aggregate, agg->n_myelinated > 0 ? "" : " (no myelinated axons)");
      set_row (self->means_row, "%s, %s, %s%s", diameter, thickness, mean_gratio,
               agg->n_axons > 0 ? "" : " (no axons)");
      gtk_widget_set_visible (GTK_WIDGET (self->uaxon_row), agg->unmyelinated);
      if (agg->unmyelinated)
        {
          g_autofree char *n_uaxons = grouped (agg->n_uaxons);
          g_autofree char *u_density = grouped (agg->uaxon_density_mm2);
          g_autofree char *u_diameter = figure (agg->mean_uaxon_diam, 2, "µm");
          g_autofree char *ratio = figure (agg->uaxon_ratio, 2, NULL);

          set_row (self->uaxon_row, _ ("%s, %s per mm², mean diameter %s; %s per myelinated axon"),
                   n_uaxons, u_density, u_diameter, ratio);
        }
    }
  /* the flag chosen stays: reviewing a flag goes on after each edit */
  self->filter_property = NULL;
  gtk_revealer_set_reveal_child (self->filter_bar, filtering (self));
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

/* The classes of the model Sheath does not know, by name, with their
 * regions counted: shown, not measured as fibres. */
static void
show_other_classes (SheathMorphometricsPanel *self,
                    const char * const       *others)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint k = 0; others && others[k] && self->morphometrics; k++)
    g_string_append_printf (text, "%s%s: %u", k ? "; " : "", others[k],
                            sheath_morphometrics_get_n_other_regions (self->morphometrics, SHEATH_LABEL_OTHER + k));
  gtk_widget_set_visible (GTK_WIDGET (self->others_row), text->len > 0);
  if (text->len > 0)
    set_row (self->others_row, _ ("%s regions"), text->str);
}

void
sheath_morphometrics_panel_set_data (SheathMorphometricsPanel *self,
                                     SheathMorphometrics      *morphometrics,
                                     SheathAggregates         *agg,
                                     const char * const       *others)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;

  g_return_if_fail (SHEATH_IS_MORPHOMETRICS_PANEL (self));

  g_set_object (&self->morphometrics, morphometrics);
  show_other_classes (self, others);
  n = morphometrics ? sheath_morphometrics_get_n_axons (morphometrics) : 0;
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, sheath_axon_item_new (sheath_morphometrics_get_axon (morphometrics, i)));
  self->quiet = TRUE;
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       items->pdata, items->len);
  self->quiet = FALSE;
  show_summary (self, agg);
}

/**
 * sheath_morphometrics_panel_update_axons:
 * @changed: (array length=n_changed): the ids whose measurements changed,
 *   in increasing order, as sheath_morphometrics_update() gives them
 *
 * Shows the measurements after an edit: only the changed rows are made
 * again, the table keeps its sorting and scroll position.
 */
void
sheath_morphometrics_panel_update_axons (SheathMorphometricsPanel *self,
                                         SheathAggregates         *agg,
                                         const guint              *changed,
                                         guint                     n_changed)
{
  guint n, rows;

  g_return_if_fail (SHEATH_IS_MORPHOMETRICS_PANEL (self));
  g_return_if_fail (self->morphometrics != NULL);

  n = sheath_morphometrics_get_n_axons (self->morphometrics);
  rows = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  /* an edit renumbers axons: the row selected may now be another one */
  self->quiet = TRUE;
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  if (rows > n)
    {
      g_list_store_splice (self->store, n, rows - n, NULL, 0);
      rows = n;
    }
  /* rows are in id order: row i is axon i + 1 */
  for (guint i = 0; i < n_changed; i++)
    {
      guint id = changed[i];
      g_autoptr(SheathAxonItem) item = NULL;

      if (id == 0 || id > n)
        continue;
      item = sheath_axon_item_new (sheath_morphometrics_get_axon (self->morphometrics, id - 1));
      if (id <= rows)
        g_list_store_splice (self->store, id - 1, 1, (gpointer *) &item, 1);
      else
        {
          g_list_store_append (self->store, item);
          rows++;
        }
    }
  self->quiet = FALSE;
  show_summary (self, agg);
}

SheathMorphometrics *
sheath_morphometrics_panel_get_morphometrics (SheathMorphometricsPanel *self)
{
  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS_PANEL (self), NULL);
  return self->morphometrics;
}

void
sheath_morphometrics_panel_select_axon (SheathMorphometricsPanel *self,
                                        guint                     id)
{
  GListModel *model;

  g_return_if_fail (SHEATH_IS_MORPHOMETRICS_PANEL (self));

  model = G_LIST_MODEL (self->selection);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SheathAxonItem) item = g_list_model_get_item (model, i);

      if (sheath_axon_item_get_axon (item)->id == id)
        {
          /* the caller selected it already; the signal is for rows the user picks */
          self->quiet = TRUE;
          gtk_single_selection_set_selected (self->selection, i);
          self->quiet = FALSE;
          /* gtk_column_view_scroll_to() is GTK 4.12: ask its list view */
          for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->table)); c; c = gtk_widget_get_next_sibling (c))
            if (GTK_IS_LIST_VIEW (c))
              gtk_widget_activate_action (c, "list.scroll-to-item", "u", i);
          return;
        }
    }
  /* no such axon (0: the background was clicked): no row selected */
  self->quiet = TRUE;
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  self->quiet = FALSE;
}

/**
 * sheath_morphometrics_panel_set_image_file:
 * @file: (nullable): the image measured
 *
 * Exports are offered beside it, named after it.
 */
void
sheath_morphometrics_panel_set_image_file (SheathMorphometricsPanel *self,
                                           GFile                    *file)
{
  g_return_if_fail (SHEATH_IS_MORPHOMETRICS_PANEL (self));
  g_set_object (&self->image_file, file);
}

guint
sheath_morphometrics_panel_get_n_rows (SheathMorphometricsPanel *self)
{
  g_return_val_if_fail (SHEATH_IS_MORPHOMETRICS_PANEL (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->selection));
}
