/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-training-image-row"

#include "config.h"

#include "sheath-training-image-row.h"

/* One labelled image in the training wizard's list: its name, subject and
 * masks, its pixel size (editable), and a button to leave it out, which
 * emits "remove". */
struct _SheathTrainingImageRow
{
  AdwActionRow   parent_instance;

  GtkSpinButton *pixel_size;
};

G_DEFINE_FINAL_TYPE (SheathTrainingImageRow, sheath_training_image_row, ADW_TYPE_ACTION_ROW)

enum { REMOVE, N_SIGNALS };
static guint signals [N_SIGNALS];

static void
remove_clicked_cb (SheathTrainingImageRow *self)
{
  g_signal_emit (self, signals [REMOVE], 0);
}

static void
sheath_training_image_row_class_init (SheathTrainingImageRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /**
   * SheathTrainingImageRow::remove:
   *
   * The user asked to leave the image out of the training.
   */
  signals [REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sheath/Sheath/sheath-training-image-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SheathTrainingImageRow, pixel_size);
  gtk_widget_class_bind_template_callback (widget_class, remove_clicked_cb);
}

static void
sheath_training_image_row_init (SheathTrainingImageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sheath_training_image_row_new (const char *title,
                               const char *subtitle,
                               double      pixel_size)
{
  SheathTrainingImageRow *self = g_object_new (SHEATH_TYPE_TRAINING_IMAGE_ROW,
                                               "title", title, "subtitle", subtitle, NULL);

  gtk_spin_button_set_value (self->pixel_size, pixel_size);
  return GTK_WIDGET (self);
}

/* the pixel size, in micrometres, as the user may have corrected it */
double
sheath_training_image_row_get_pixel_size (SheathTrainingImageRow *self)
{
  g_return_val_if_fail (SHEATH_IS_TRAINING_IMAGE_ROW (self), 0);
  return gtk_spin_button_get_value (self->pixel_size);
}
