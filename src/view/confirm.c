/* The quit confirmation: a question and two buttons over a dimmed window. */
#include <math.h>

#include "view_parts.h"

void confirm_draw(const ViewCtx *c)
{
    const Theme *th = c->th;
    float k = c->k, W = (float)c->vp->win_w, H = (float)c->vp->win_h;
    dl_rect(c->dl, 0, 0, W, H, 0, color_alpha(th->text, 120));
    float bw = fminf(560 * k, W - 40 * k), bh = 170 * k;
    float x = (W - bw) / 2, y = (H - bh) / 2;
    dl_rect(c->dl, x, y, bw, bh, 14 * k, th->panel);
    dl_rect_outline(c->dl, x, y, bw, bh, 14 * k, 2 * k, th->panel_edge);
    vt_text(c, x + bw / 2, y + 18 * k, DL_FONT_SANS_BOLD, 24 * k, DL_ALIGN_CENTER, th->text,
            "Quit rnnviz?", bw - 20 * k);
    vt_text(c, x + bw / 2, y + 56 * k, DL_FONT_SANS, 16 * k, DL_ALIGN_CENTER, th->text_dim,
            "Q or Y quits · Esc or N stays", bw - 20 * k);
    float b = (bw - 60 * k) / 2;
    vt_button(c, (Rect){x + 20 * k, y + bh - 62 * k, b, 44 * k}, BTN_QUIT_YES, "Quit (Y)", false);
    vt_button(c, (Rect){x + 40 * k + b, y + bh - 62 * k, b, 44 * k}, BTN_QUIT_NO, "Stay (N)", true);
}
