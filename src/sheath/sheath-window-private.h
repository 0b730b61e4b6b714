/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sheath-model-picker.h"
#include "sheath-window.h"

G_BEGIN_DECLS

/* A run stopped by a stray Escape after minutes is work lost: past this,
 * the key asks first (the Cancel button does not). */
#define SHEATH_WINDOW_STOP_ASKS_AFTER 10.0

struct _SheathWindow
{
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  AdwToastOverlay      *toasts;
  AdwWindowTitle       *title;
  SheathModelPicker    *model_picker;
  GtkRevealer          *progress_revealer;
  GtkProgressBar       *progress_bar;
  GtkStack             *stack;
  AdwTabView           *tab_view;
  GtkLabel             *pointer_label;
  GtkButton            *pixel_size_button;
  GtkToggleButton      *panel_toggle;
  GtkToggleButton      *overlay_toggle;
  GtkToggleButton      *outlines_toggle;
  GtkToggleButton      *numbers_toggle;
  GtkAdjustment        *opacity;

  /* owned */
  GSettings            *settings;
  /* the page shown: the header's toggles bound to it and its viewer, and
   * our handlers on its document and viewer */
  GBindingGroup        *page_bindings;
  GBindingGroup        *viewer_bindings;
  GSignalGroup         *document_signals;
  GSignalGroup         *viewer_signals;

  /* borrowed */
  SheathPage           *current;
  gboolean              syncing_picker;   /* the picker follows the document, not the user */
  double                stop_asks_after;  /* seconds of a run before Escape asks */
};

/* sheath-window.c */
void            _sheath_window_toast            (SheathWindow   *self,
                                                 const char     *text);
SheathDocument *_sheath_window_get_document     (SheathWindow   *self);
void            _sheath_window_sync_picker      (SheathWindow   *self);
GPtrArray      *_sheath_window_list_documents   (SheathWindow   *self);

/* sheath-window-actions.c */
void            _sheath_window_class_actions_init (GtkWidgetClass *widget_class);
void            _sheath_window_ask_pixel_size   (SheathWindow   *self,
                                                 SheathDocument *doc,
                                                 const char     *why,
                                                 gboolean        then_segment);
gboolean        _sheath_window_save_beside_image (SheathWindow  *self,
                                                 SheathDocument *doc);
void            _sheath_window_save_into_map     (SheathWindow   *self,
                                                 SheathDocument *doc,
                                                 GCallback       done,
                                                 gpointer        data);

G_END_DECLS
