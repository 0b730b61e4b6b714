/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sheath-digits"

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "sheath-digits-private.h"

#define GLYPH_W 5
#define GLYPH_H 7

/* One byte per glyph row, the five low bits left to right. */
static const guint8 glyphs[10][GLYPH_H] = {
  { 0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e },
  { 0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e },
  { 0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f },
  { 0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e },
  { 0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02 },
  { 0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e },
  { 0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e },
  { 0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08 },
  { 0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e },
  { 0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c },
};

typedef struct
{
  char  text[12];
  guint n_chars;
  gint  left;
  gint  top;
  gint  right;    /* exclusive */
  gint  bottom;   /* exclusive */
} Label;

struct _SheathDigitLabels
{
  guint   scale;
  GArray *labels;   /* Label, sorted by top once prepared */
  guint   next;     /* first label not yet active */
  GArray *active;   /* indices into labels */
};

SheathDigitLabels *
_sheath_digit_labels_new (guint scale)
{
  SheathDigitLabels *self = g_new0 (SheathDigitLabels, 1);

  self->scale = MAX (scale, 1);
  self->labels = g_array_new (FALSE, TRUE, sizeof (Label));
  self->active = g_array_new (FALSE, FALSE, sizeof (guint));
  return self;
}

void
_sheath_digit_labels_free (SheathDigitLabels *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->labels);
  g_array_unref (self->active);
  g_free (self);
}

void
_sheath_digit_labels_add (SheathDigitLabels *self,
                          guint              number,
                          double             cx,
                          double             cy)
{
  Label l = { { 0 } };
  guint s = self->scale;
  gint w, h;

  l.n_chars = g_snprintf (l.text, sizeof l.text, "%u", number);
  /* a one-cell dark margin around the text */
  w = (gint) ((l.n_chars * (GLYPH_W + 1) + 1) * s);
  h = (gint) ((GLYPH_H + 2) * s);
  l.left = (gint) lround (cx) - w / 2;
  l.top = (gint) lround (cy) - h / 2;
  l.right = l.left + w;
  l.bottom = l.top + h;
  g_array_append_val (self->labels, l);
}

static int
compare_top (const void *a,
             const void *b)
{
  return ((const Label *) a)->top - ((const Label *) b)->top;
}

void
_sheath_digit_labels_prepare (SheathDigitLabels *self)
{
  qsort (self->labels->data, self->labels->len, sizeof (Label), compare_top);
  self->next = 0;
  g_array_set_size (self->active, 0);
}

void
_sheath_digit_labels_draw_row (SheathDigitLabels *self,
                               guint              y,
                               guint8            *rgb,
                               guint              width)
{
  guint s = self->scale;

  while (self->next < self->labels->len &&
         g_array_index (self->labels, Label, self->next).top <= (gint) y)
    {
      g_array_append_val (self->active, self->next);
      self->next++;
    }

  for (guint k = 0; k < self->active->len;)
    {
      const Label *l = &g_array_index (self->labels, Label, g_array_index (self->active, guint, k));
      gint gy = ((gint) y - l->top) / (gint) s - 1;   /* glyph row, -1 and 7 are margin */

      if ((gint) y >= l->bottom)
        {
          g_array_remove_index_fast (self->active, k);
          continue;
        }
      k++;

      for (gint x = MAX (l->left, 0); x < MIN (l->right, (gint) width); x++)
        {
          gint cell = (x - l->left) / (gint) s - 1;   /* text column; -1 is margin */
          gint ch = cell >= 0 ? cell / (GLYPH_W + 1) : -1;
          gint gx = cell >= 0 ? cell % (GLYPH_W + 1) : -1;
          gboolean on = FALSE;
          guint8 *p = rgb + 3 * (gsize) x;

          if (gy >= 0 && gy < GLYPH_H && ch >= 0 && ch < (gint) l->n_chars && gx < GLYPH_W)
            on = (glyphs[l->text[ch] - '0'][gy] >> (GLYPH_W - 1 - gx)) & 1;

          if (on)
            p[0] = 255, p[1] = 230, p[2] = 0;
          else
            p[0] = p[0] / 4, p[1] = p[1] / 4, p[2] = p[2] / 4;
        }
    }
}
