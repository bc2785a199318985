/* The ? overlay: every key of the app's key table (ViewParams.keys), in
 * two columns, over a dimmed window. */
#include <math.h>

#include "view_parts.h"

void help_draw(const ViewCtx *c)
{
    const Theme *th = c->th;
    float k = c->k, W = (float)c->vp->win_w, H = (float)c->vp->win_h;
    dl_rect(c->dl, 0, 0, W, H, 0, color_alpha(th->text, 120));
    int n = c->vp->keys ? c->vp->n_keys : 0;
    float fs = 18 * k, row = fs * 1.6f;
    if (row * n + 90 * k > H - 20 * k) {
        row = (H - 20 * k - 90 * k) / n;
        fs = row / 1.6f;
    }
    float bw = fminf(640 * k, W - 20 * k), bh = row * n + 90 * k;
    float x = (W - bw) / 2, y = (H - bh) / 2;
    dl_rect(c->dl, x, y, bw, bh, 14 * k, th->panel);
    dl_rect_outline(c->dl, x, y, bw, bh, 14 * k, 2 * k, th->panel_edge);
    vt_text(c, x + bw / 2, y + 18 * k, DL_FONT_SANS_BOLD, 24 * k, DL_ALIGN_CENTER, th->text, "Keys",
            bw);
    float ty = y + 64 * k;
    for (int i = 0; i < n; i++, ty += row) {
        vt_text(c, x + 230 * k, ty, DL_FONT_SANS_BOLD, fs, DL_ALIGN_RIGHT, th->forward,
                c->vp->keys[i].keys, 210 * k);
        vt_text(c, x + 250 * k, ty, DL_FONT_SANS, fs, DL_ALIGN_LEFT, th->text, c->vp->keys[i].what,
                bw - 270 * k);
    }
}
