/*
 * The settings drawer, over the left panel: one row per setting the
 * settings table puts in the drawer, with − and + buttons, and a slider
 * for the spectral radius of W_hh (its scale from the table) with the
 * critical value 1 marked. The rows come from the view model.
 */
#include <math.h>
#include <stdio.h>

#include "view_parts.h"

static const ThemeMetrics *const tm = &theme_metrics;

static void add_hit(const ViewCtx *c, Rect r, ViewButton id, int arg)
{
    if (c->hits && c->hits->n < VIEW_MAX_HITS)
        c->hits->hits[c->hits->n++] = (Hit){HIT_BUTTON, id, ROW_LAYER, -1, -1, r, arg};
}

static void slider(const ViewCtx *c, Rect r, int id)
{
    const Theme *th = c->th;
    const VmDrawer *d = &c->vm->drawer;
    float k = c->k, cy = r.y + r.h / 2;
    dl_rect(c->dl, r.x, cy - tm->slider_half_h * k, r.w, tm->slider_h * k, tm->slider_half_h * k,
            th->grid);
    /* rho = 1: the edge between vanishing and exploding */
    float x1 = r.x + (float)d->rho_unit_one * r.w;
    dl_rect(c->dl, r.x, cy - tm->slider_half_h * k, x1 - r.x, tm->slider_h * k,
            tm->slider_half_h * k, color_alpha(th->forward, 110));
    dl_rect(c->dl, x1, cy - tm->slider_half_h * k, r.x + r.w - x1, tm->slider_h * k,
            tm->slider_half_h * k, color_alpha(th->backward, 110));
    dl_line(c->dl, x1, cy - tm->slider_tick_half * k, x1, cy + tm->slider_tick_half * k,
            tm->lw_slider_mark * k, th->text);
    vt_text(c, x1, cy + tm->slider_tick_half * k, DL_FONT_SANS, tm->fs_slider_mark * k,
            DL_ALIGN_CENTER, th->text_dim, "1", 0);
    if (isfinite(d->rho) && d->rho > 0) {
        float x = r.x + (float)fmin(1, fmax(0, d->rho_unit)) * r.w;
        dl_circle(c->dl, x, cy, tm->slider_knob_r * k, th->accent);
        dl_circle_outline(c->dl, x, cy, tm->slider_knob_r * k, tm->lw_knob * k, th->text);
    }
    add_hit(c, r, BTN_RHO_SLIDER, id);
}

static void row_draw(const ViewCtx *c, int i, float y, float row, bool chosen)
{
    const Rect r = c->lo->lesson;
    const Theme *th = c->th;
    const VmDrawer *d = &c->vm->drawer;
    float k = c->k, pad = tm->drawer_pad * k;
    float fs = fminf(tm->fs_drawer_row * k, row * 0.42f), bw = row * 0.95f;
    if (chosen) /* the row ↑/↓ chose and ←/→ change */
        dl_rect(c->dl, r.x + tm->drawer_row_inset * k, y, r.w - tm->drawer_row_inset2 * k, row,
                tm->radius_row * k, color_alpha(th->accent, 60));
    float ty = y + (row - vt_height(c, DL_FONT_SANS, fs)) / 2;
    vt_text(c, r.x + pad, ty, DL_FONT_SANS, fs, DL_ALIGN_LEFT, th->text_dim, d->label[i],
            r.w * 0.45f);
    float vx = r.x + r.w - pad - 2 * bw - tm->drawer_buttons_gap * k;
    vt_text(c, vx - tm->drawer_value_gap * k, ty, DL_FONT_SANS_BOLD, fs, DL_ALIGN_RIGHT, th->text,
            d->value[i], r.w * 0.3f);
    Rect dec = {vx, y + row * 0.1f, bw, row * 0.8f};
    Rect inc = {vx + bw + tm->drawer_pm_gap * k, y + row * 0.1f, bw, row * 0.8f};
    vt_button(c, dec, BTN_CTL_DEC, "−", false);
    if (c->hits && c->hits->n > 0)
        c->hits->hits[c->hits->n - 1].arg = d->id[i];
    vt_button(c, inc, BTN_CTL_INC, "+", false);
    if (c->hits && c->hits->n > 0)
        c->hits->hits[c->hits->n - 1].arg = d->id[i];
}

void drawer_draw(const ViewCtx *c)
{
    const Rect r = c->lo->lesson;
    const Theme *th = c->th;
    const VmDrawer *d = &c->vm->drawer;
    float k = c->k, pad = tm->drawer_pad * k;
    dl_rect(c->dl, r.x, r.y, r.w, r.h, 0, th->panel);
    dl_line(c->dl, r.x + r.w, r.y, r.x + r.w, r.y + r.h, tm->lw_panel_edge * k, th->panel_edge);
    vt_text(c, r.x + pad, r.y + tm->drawer_title_y * k, DL_FONT_SANS_BOLD, tm->fs_drawer_title * k,
            DL_ALIGN_LEFT, th->text, "Settings", r.w - 2 * pad);
    float top = r.y + tm->drawer_rows_y * k, avail = r.h - tm->drawer_chrome_h * k;
    float row = fminf(tm->drawer_row_max * k, avail / (d->n + 1));
    float y = top;
    int sel = view_state(c->vp)->drawer_row;
    for (int i = 0; i < d->n; i++, y += row) {
        row_draw(c, i, y, row, i == sel);
        if (d->slider[i]) {
            y += row;
            slider(c,
                   (Rect){r.x + pad + tm->slider_inset * k, y,
                          r.w - 2 * pad - tm->slider_inset2 * k, row * 0.9f},
                   d->id[i]);
        }
    }
}
