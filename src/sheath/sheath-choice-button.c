/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-choice-button"

#include "config.h"

#include "sheath-choice-button.h"

/* A check button (one of a group, in a preferences row) that assistive
 * technologies can choose: GTK 4.8 gives check buttons no AT-SPI action,
 * and exposes a widget's class actions instead, so this one has a
 * "choice.choose" action. */
struct _SheathChoiceButton
{
  GtkCheckButton parent_instance;
};

G_DEFINE_FINAL_TYPE (SheathChoiceButton, sheath_choice_button, GTK_TYPE_CHECK_BUTTON)

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  if (gtk_widget_is_sensitive (widget))
    gtk_check_button_set_active (GTK_CHECK_BUTTON (widget), TRUE);
}

static void
sheath_choice_button_class_init (SheathChoiceButtonClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "choice.choose", NULL, choose_action);
}

static void
sheath_choice_button_init (SheathChoiceButton *self)
{
}
