/* The lesson picker: the shipped lessons as big buttons over the window. */
#include <math.h>
#include <stdio.h>

#include "view_parts.h"

static const ThemeMetrics *const tm = &theme_metrics;

void picker_draw(const ViewCtx *c)
{
    const Theme *th = c->th;
    float k = c->k, W = (float)c->vp->win_w, H = (float)c->vp->win_h;
    int n = c->vp->picker_n;
    dl_rect(c->dl, 0, 0, W, H, 0, color_alpha(th->text, 120));
    float row = tm->picker_row * k, bw = fminf(tm->picker_w * k, W - tm->overlay_margin * k),
          bh = row * n + tm->picker_chrome_h * k;
    float x = (W - bw) / 2, y = (H - bh) / 2;
    dl_rect(c->dl, x, y, bw, bh, tm->radius_overlay * k, th->panel);
    vt_text(c, x + bw / 2, y + tm->picker_title_y * k, DL_FONT_SANS_BOLD, tm->fs_overlay_title * k,
            DL_ALIGN_CENTER, th->text, "Lessons", bw);
    vt_text(c, x + bw / 2, y + tm->picker_note_y * k, DL_FONT_SANS, tm->fs_overlay_note * k,
            DL_ALIGN_CENTER, th->text_dim, "click one, or press its number · Esc closes", bw);
    for (int i = 0; i < n; i++) {
        char label[200];
        const char *t = c->vp->picker[i];
        /* titles that carry their own number are shown as they are */
        if (t[0] >= '0' && t[0] <= '9')
            snprintf(label, sizeof label, "%s", t);
        else
            snprintf(label, sizeof label, "%d.  %s", i + 1, t);
        vt_button(c,
                  (Rect){x + tm->picker_pad * k, y + tm->picker_rows_y * k + i * row,
                         bw - tm->picker_pad2 * k, row - tm->picker_row_gap * k},
                  BTN_PICK, label, false);
        if (c->hits && c->hits->n > 0)
            c->hits->hits[c->hits->n - 1].arg = i; /* the entry this button opens */
    }
}
