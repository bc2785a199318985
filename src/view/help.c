/* The ? overlay: every key of the app's key table (ViewParams.keys), in
 * two columns, over a dimmed window. */
#include <math.h>

#include "view_parts.h"

static const ThemeMetrics *const tm = &theme_metrics;

void help_draw(const ViewCtx *c)
{
    const Theme *th = c->th;
    float k = c->k, W = (float)c->vp->win_w, H = (float)c->vp->win_h;
    dl_rect(c->dl, 0, 0, W, H, 0, color_alpha(th->text, 120));
    int n = c->vp->keys ? c->vp->n_keys : 0;
    /* the gradient plot's rules, under the keys */
    static const char *const rules[] = {
        "Shading: vanishing where the product of per-step backward",
        "gains from T−1 (layer 0) is below 10⁻³, exploding above 10³.",
        "σ_max^(T−1−t) is drawn only where it is a bound",
        "(RNN, one layer, one loss at T−1); ρ^(T−1−t) is the rate.",
    };
    enum { NRULES = sizeof rules / sizeof rules[0] };
    float fs = tm->fs_help * k, row = fs * 1.6f;
    float chrome = tm->help_chrome_h * k + NRULES * fs * 1.3f;
    if (row * n + chrome > H - tm->overlay_inset * k) {
        row = (H - tm->overlay_inset * k - chrome) / n;
        fs = row / 1.6f;
        chrome = tm->help_chrome_h * k + NRULES * fs * 1.3f;
    }
    float bw = fminf(tm->help_w * k, W - tm->overlay_inset * k), bh = row * n + chrome;
    float x = (W - bw) / 2, y = (H - bh) / 2;
    dl_rect(c->dl, x, y, bw, bh, tm->radius_overlay * k, th->panel);
    dl_rect_outline(c->dl, x, y, bw, bh, tm->radius_overlay * k, tm->lw_overlay_edge * k,
                    th->panel_edge);
    vt_text(c, x + bw / 2, y + tm->overlay_title_y * k, DL_FONT_SANS_BOLD, tm->fs_overlay_title * k,
            DL_ALIGN_CENTER, th->text, "Keys", bw);
    float ty = y + tm->help_rows_y * k;
    for (int i = 0; i < n; i++, ty += row) {
        vt_text(c, x + tm->help_key_col * k, ty, DL_FONT_SANS_BOLD, fs, DL_ALIGN_RIGHT, th->forward,
                c->vp->keys[i].keys, tm->help_key_w * k);
        vt_text(c, x + tm->help_what_col * k, ty, DL_FONT_SANS, fs, DL_ALIGN_LEFT, th->text,
                c->vp->keys[i].what, bw - tm->help_what_inset * k);
    }
    for (int i = 0; i < NRULES; i++, ty += fs * 1.3f)
        vt_text(c, x + tm->help_key_col * k * 0.25f, ty, DL_FONT_SANS, fs, DL_ALIGN_LEFT,
                th->text_dim, rules[i], bw - tm->help_key_col * k * 0.5f);
}
