/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-review-bar"

#include "config.h"

#include <glib/gi18n.h>

#include <math.h>

#include "sheath-review-bar.h"

/* Review mode: the flagged axons one at a time, as AxonDeepSeg's QA report
 * has them but on the live masks. The page centres and zooms on the axon
 * in #SheathReviewBar:axon; Accept keeps it and goes on, Delete deletes it
 * (the measurements follow), Edit leaves it selected for the tools.
 *
 * Axons are renumbered by edits, so an accepted axon is remembered by where
 * it is (its centroid), and the next one is found again after each change:
 * the first flagged, not accepted axon after the current id. */
struct _SheathReviewBar
{
  GtkWidget       parent_instance;

  GtkWidget      *bar;
  GtkLabel       *title;
  GtkLabel       *details;

  SheathDocument *document;
  GHashTable     *accepted;   /* centroid keys */
  guint           axon;       /* the axon shown, 0 when not reviewing */
  gboolean        reviewing;
};

G_DEFINE_FINAL_TYPE (SheathReviewBar, sheath_review_bar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_AXON,
  PROP_REVIEWING,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static gpointer
centroid_key (const SheathAxon *a)
{
  guint64 key = ((guint64) lround (a->x0) << 32) | (guint32) lround (a->y0);

  return GSIZE_TO_POINTER ((gsize) (key ^ (key >> 29)) | 1);
}

static gboolean
to_review (SheathReviewBar  *self,
           const SheathAxon *a)
{
  return a->flags != SHEATH_AXON_FLAG_NONE && !g_hash_table_contains (self->accepted, centroid_key (a));
}

static SheathMorphometrics *
morphometrics (SheathReviewBar *self)
{
  return self->document ? sheath_document_get_morphometrics (self->document) : NULL;
}

static guint
count_left (SheathReviewBar *self)
{
  SheathMorphometrics *m = morphometrics (self);
  guint n = m ? sheath_morphometrics_get_n_axons (m) : 0, left = 0;

  for (guint i = 0; i < n; i++)
    left += to_review (self, sheath_morphometrics_get_axon (m, i));
  return left;
}

/* The next axon to review after @after (before it, with @backwards),
 * round the ends; 0 when none is left. */
static guint
find_next (SheathReviewBar *self,
           guint            after,
           gboolean         backwards)
{
  SheathMorphometrics *m = morphometrics (self);
  guint n = m ? sheath_morphometrics_get_n_axons (m) : 0;

  for (guint k = 1; k <= n; k++)
    {
      guint id = backwards ? (after + n - k - 1 + n) % n + 1 : (after + k - 1) % n + 1;

      if (to_review (self, sheath_morphometrics_get_axon (m, id - 1)))
        return id;
    }
  return 0;
}

/* "at the edge, low confidence" */
static char *
describe_flags (SheathAxonFlags flags)
{
  const struct { SheathAxonFlags flag; const char *text; } names[] = {
    { SHEATH_AXON_FLAG_BORDER, N_ ("at the edge") }, { SHEATH_AXON_FLAG_NO_MYELIN, N_ ("no myelin") },
    { SHEATH_AXON_FLAG_IMPLAUSIBLE_GRATIO, N_ ("implausible g-ratio") }, { SHEATH_AXON_FLAG_TINY, N_ ("tiny") },
    { SHEATH_AXON_FLAG_LOW_CONFIDENCE, N_ ("low confidence") }, { SHEATH_AXON_FLAG_FUSED, N_ ("likely fused") },
  };
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (flags & names[i].flag)
      g_string_append_printf (text, "%s%s", text->len ? ", " : "", _ (names[i].text));
  return g_string_free (text, FALSE);
}

static void
show (SheathReviewBar *self,
      guint            axon)
{
  SheathMorphometrics *m = morphometrics (self);

  self->axon = axon;
  if (axon == 0)
    {
      gtk_label_set_text (self->title, _ ("Every flagged axon reviewed"));
      gtk_label_set_text (self->details, _ ("Change the flag shown in the table, or press Done"));
    }
  else
    {
      const SheathAxon *a = sheath_morphometrics_get_axon (m, axon - 1);
      g_autofree char *flags = describe_flags (a->flags);
      g_autofree char *title = g_strdup_printf (_ ("Axon %u: %s"), axon, flags);
      g_autofree char *details = NULL;
      guint left = count_left (self);

      details = isnan (a->confidence)
        ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "diameter %.2f µm, g-ratio %.2f, solidity %.2f; %u flagged axon to review",
                                        "diameter %.2f µm, g-ratio %.2f, solidity %.2f; %u flagged axons to review", left),
                           a->axon_diam, a->gratio, a->solidity, left)
        : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "diameter %.2f µm, g-ratio %.2f, solidity %.2f, confidence %.2f; %u flagged axon to review",
                                        "diameter %.2f µm, g-ratio %.2f, solidity %.2f, confidence %.2f; %u flagged axons to review", left),
                           a->axon_diam, a->gratio, a->solidity, a->confidence, left);
      gtk_label_set_text (self->title, title);
      gtk_label_set_text (self->details, details);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.accept", axon != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.delete", axon != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.edit", axon != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.next", axon != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.previous", axon != 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_AXON]);
}

static void
set_reviewing (SheathReviewBar *self,
               gboolean         reviewing)
{
  self->reviewing = reviewing;
  gtk_widget_set_visible (GTK_WIDGET (self), reviewing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.done", reviewing);
  if (!reviewing)
    {
      self->axon = 0;
      for (guint i = 0; i < 5; i++)
        gtk_widget_action_set_enabled (GTK_WIDGET (self),
                                       (const char *[]) { "review.accept", "review.delete", "review.edit",
                                                          "review.next", "review.previous" }[i], FALSE);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_AXON]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_REVIEWING]);
}

/* After an edit the axons were measured again (and renumbered): the
 * review goes on from where it was. */
static void
remeasured_cb (SheathReviewBar *self)
{
  if (self->reviewing)
    show (self, find_next (self, self->axon > 0 ? self->axon - 1 : 0, FALSE));
}

static void
review_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SheathReviewBar *self = SHEATH_REVIEW_BAR (widget);
  SheathMorphometrics *m = morphometrics (self);

  if (g_str_equal (action_name, "review.done") || m == NULL)
    sheath_review_bar_stop (self);
  else if (g_str_equal (action_name, "review.accept"))
    {
      g_hash_table_add (self->accepted, centroid_key (sheath_morphometrics_get_axon (m, self->axon - 1)));
      show (self, find_next (self, self->axon, FALSE));
    }
  else if (g_str_equal (action_name, "review.next"))
    show (self, find_next (self, self->axon, FALSE));
  else if (g_str_equal (action_name, "review.previous"))
    show (self, find_next (self, self->axon, TRUE));
  else if (g_str_equal (action_name, "review.delete"))
    /* the page's action, on the axon the page selected for us */
    gtk_widget_activate_action (widget, "doc.delete-axon", NULL);
  else if (g_str_equal (action_name, "review.edit"))
    {
      /* the axon stays selected, to be edited with the tools */
      self->reviewing = FALSE;
      gtk_widget_set_visible (widget, FALSE);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_REVIEWING]);
    }
}

static void
sheath_review_bar_dispose (GObject *object)
{
  SheathReviewBar *self = SHEATH_REVIEW_BAR (object);

  sheath_review_bar_set_document (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), SHEATH_TYPE_REVIEW_BAR);

  G_OBJECT_CLASS (sheath_review_bar_parent_class)->dispose (object);
}

static void
sheath_review_bar_finalize (GObject *object)
{
  SheathReviewBar *self = SHEATH_REVIEW_BAR (object);

  g_hash_table_unref (self->accepted);

  G_OBJECT_CLASS (sheath_review_bar_parent_class)->finalize (object);
}

static void
sheath_review_bar_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SheathReviewBar *self = SHEATH_REVIEW_BAR (object);

  switch (prop_id)
    {
    case PROP_AXON: g_value_set_uint (value, self->axon); break;
    case PROP_REVIEWING: g_value_set_boolean (value, self->reviewing); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sheath_review_bar_class_init (SheathReviewBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const struct { const char *action; guint key; GdkModifierType mods; } keys[] = {
    { "review.accept", GDK_KEY_a, 0 }, { "review.accept", GDK_KEY_Return, 0 },
    { "review.edit", GDK_KEY_e, 0 }, { "review.next", GDK_KEY_n, 0 }, { "review.next", GDK_KEY_Page_Down, 0 },
    { "review.previous", GDK_KEY_p, 0 }, { "review.previous", GDK_KEY_Page_Up, 0 },
    { "review.delete", GDK_KEY_d, 0 }, { "review.done", GDK_KEY_Escape, 0 },
  };

  object_class->dispose = sheath_review_bar_dispose;
  object_class->finalize = sheath_review_bar_finalize;
  object_class->get_property = sheath_review_bar_get_property;

  /**
   * SheathReviewBar:axon:
   *
   * The axon under review (its id), 0 when none.
   */
  properties [PROP_AXON] = g_param_spec_uint ("axon", NULL, NULL, 0, G_MAXUINT, 0,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties [PROP_REVIEWING] = g_param_spec_boolean ("reviewing", NULL, NULL, FALSE,
                                                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/sheath/Sheath/sheath-review-bar.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, SheathReviewBar, bar);
  gtk_widget_class_bind_template_child (widget_class, SheathReviewBar, title);
  gtk_widget_class_bind_template_child (widget_class, SheathReviewBar, details);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (i == 0 || !g_str_equal (keys[i].action, keys[i - 1].action))
      gtk_widget_class_install_action (widget_class, keys[i].action, NULL, review_action);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_widget_class_add_binding_action (widget_class, keys[i].key, keys[i].mods, keys[i].action, NULL);
}

static void
sheath_review_bar_init (SheathReviewBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->accepted = g_hash_table_new (NULL, NULL);
  set_reviewing (self, FALSE);
}

void
sheath_review_bar_set_document (SheathReviewBar *self,
                                SheathDocument  *document)
{
  g_return_if_fail (SHEATH_IS_REVIEW_BAR (self));

  if (self->document == document)
    return;
  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);
  g_set_object (&self->document, document);
  g_hash_table_remove_all (self->accepted);
  if (document != NULL)
    {
      g_signal_connect_swapped (document, "axons-remeasured", G_CALLBACK (remeasured_cb), self);
      g_signal_connect_swapped (document, "measured", G_CALLBACK (remeasured_cb), self);
    }
  if (self->reviewing)
    sheath_review_bar_stop (self);
}

/**
 * sheath_review_bar_start:
 * @self: a #SheathReviewBar
 *
 * Shows the first flagged axon not yet accepted, and the bar.
 *
 * Returns: %FALSE when there are no measurements to review
 */
gboolean
sheath_review_bar_start (SheathReviewBar *self)
{
  g_return_val_if_fail (SHEATH_IS_REVIEW_BAR (self), FALSE);

  if (morphometrics (self) == NULL)
    return FALSE;
  set_reviewing (self, TRUE);
  show (self, find_next (self, 0, FALSE));
  gtk_widget_grab_focus (self->bar);
  return TRUE;
}

void
sheath_review_bar_stop (SheathReviewBar *self)
{
  g_return_if_fail (SHEATH_IS_REVIEW_BAR (self));
  set_reviewing (self, FALSE);
}

guint
sheath_review_bar_get_axon (SheathReviewBar *self)
{
  g_return_val_if_fail (SHEATH_IS_REVIEW_BAR (self), 0);
  return self->axon;
}
