/* The quit confirmation: a question and two buttons over a dimmed window. */
#include <math.h>

#include "view_parts.h"

static const ThemeMetrics *const tm = &theme_metrics;

void confirm_draw(const ViewCtx *c)
{
    const Theme *th = c->th;
    float k = c->k, W = (float)c->vp->win_w, H = (float)c->vp->win_h;
    dl_rect(c->dl, 0, 0, W, H, 0, color_alpha(th->text, 120));
    float bw = fminf(tm->confirm_w * k, W - tm->overlay_margin * k), bh = tm->confirm_h * k;
    float x = (W - bw) / 2, y = (H - bh) / 2;
    dl_rect(c->dl, x, y, bw, bh, tm->radius_overlay * k, th->panel);
    dl_rect_outline(c->dl, x, y, bw, bh, tm->radius_overlay * k, tm->lw_overlay_edge * k,
                    th->panel_edge);
    vt_text(c, x + bw / 2, y + tm->overlay_title_y * k, DL_FONT_SANS_BOLD, tm->fs_overlay_title * k,
            DL_ALIGN_CENTER, th->text, "Quit rnnviz?", bw - tm->confirm_text_inset * k);
    vt_text(c, x + bw / 2, y + tm->confirm_note_y * k, DL_FONT_SANS, tm->fs_confirm_note * k,
            DL_ALIGN_CENTER, th->text_dim, "Q or Y quits · Esc or N stays",
            bw - tm->confirm_text_inset * k);
    float b = (bw - tm->confirm_buttons_pad * k) / 2;
    vt_button(c,
              (Rect){x + tm->confirm_pad * k, y + bh - tm->confirm_button_bottom * k, b,
                     tm->confirm_button_h * k},
              BTN_QUIT_YES, "Quit (Y)", false);
    vt_button(c,
              (Rect){x + tm->confirm_pad2 * k + b, y + bh - tm->confirm_button_bottom * k, b,
                     tm->confirm_button_h * k},
              BTN_QUIT_NO, "Stay (N)", true);
}
