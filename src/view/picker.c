/* The lesson picker: the shipped lessons as big buttons over the window. */
#include <math.h>
#include <stdio.h>

#include "view_parts.h"

void picker_draw(const ViewCtx *c)
{
    const Theme *th = c->th;
    float k = c->k, W = (float)c->vp->win_w, H = (float)c->vp->win_h;
    int n = c->vp->picker_n;
    dl_rect(c->dl, 0, 0, W, H, 0, color_alpha(th->text, 120));
    float row = 46 * k, bw = fminf(720 * k, W - 40 * k), bh = row * n + 110 * k;
    float x = (W - bw) / 2, y = (H - bh) / 2;
    dl_rect(c->dl, x, y, bw, bh, 14 * k, th->panel);
    vt_text(c, x + bw / 2, y + 16 * k, DL_FONT_SANS_BOLD, 24 * k, DL_ALIGN_CENTER, th->text,
            "Lessons", bw);
    vt_text(c, x + bw / 2, y + 48 * k, DL_FONT_SANS, 15 * k, DL_ALIGN_CENTER, th->text_dim,
            "click one, or press its number · Esc closes", bw);
    for (int i = 0; i < n; i++) {
        char label[200];
        const char *t = c->vp->picker[i];
        /* titles that carry their own number are shown as they are */
        if (t[0] >= '0' && t[0] <= '9')
            snprintf(label, sizeof label, "%s", t);
        else
            snprintf(label, sizeof label, "%d.  %s", i + 1, t);
        vt_button(c, (Rect){x + 20 * k, y + 80 * k + i * row, bw - 40 * k, row - 8 * k}, BTN_PICK,
                  label, false);
        if (c->hits && c->hits->n > 0)
            c->hits->hits[c->hits->n - 1].arg = i; /* the entry this button opens */
    }
}
