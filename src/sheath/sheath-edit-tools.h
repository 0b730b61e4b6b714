/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sheath.h>

#include "sheath-viewer.h"

G_BEGIN_DECLS

/**
 * SheathEditTool:
 * @SHEATH_EDIT_TOOL_PAN: no tool: dragging pans, clicking selects axons
 * @SHEATH_EDIT_TOOL_BRUSH: paint the class
 * @SHEATH_EDIT_TOOL_ERASER: erase the class
 * @SHEATH_EDIT_TOOL_FILL: fill a closed region with the class
 * @SHEATH_EDIT_TOOL_LASSO: fill a drawn outline with the class
 * @SHEATH_EDIT_TOOL_CUT: draw a line of background, to split touching fibres
 */
typedef enum
{
  SHEATH_EDIT_TOOL_PAN,
  SHEATH_EDIT_TOOL_BRUSH,
  SHEATH_EDIT_TOOL_ERASER,
  SHEATH_EDIT_TOOL_FILL,
  SHEATH_EDIT_TOOL_LASSO,
  SHEATH_EDIT_TOOL_CUT,
} SheathEditTool;

#define SHEATH_TYPE_EDIT_TOOL (sheath_edit_tool_get_type ())
GType sheath_edit_tool_get_type (void);

#define SHEATH_TYPE_EDIT_TOOLS (sheath_edit_tools_get_type ())

G_DECLARE_FINAL_TYPE (SheathEditTools, sheath_edit_tools, SHEATH, EDIT_TOOLS, GObject)

SheathEditTools  *sheath_edit_tools_new              (SheathViewer     *viewer);
GActionGroup     *sheath_edit_tools_get_actions      (SheathEditTools  *self);
SheathMaskEditor *sheath_edit_tools_get_editor       (SheathEditTools  *self);
void              sheath_edit_tools_set_editor       (SheathEditTools  *self,
                                                      SheathMaskEditor *editor);
SheathEditTool    sheath_edit_tools_get_tool         (SheathEditTools  *self);
void              sheath_edit_tools_set_tool         (SheathEditTools  *self,
                                                      SheathEditTool    tool);
SheathLabel       sheath_edit_tools_get_paint_class  (SheathEditTools  *self);
double            sheath_edit_tools_get_brush_radius (SheathEditTools  *self);

G_END_DECLS
