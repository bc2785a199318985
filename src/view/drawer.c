/*
 * The settings drawer, over the left panel: one row per setting the
 * settings table puts in the drawer, with − and + buttons, and a slider
 * for the spectral radius of W_hh (its scale from the table) with the
 * critical value 1 marked. The rows come from the view model.
 */
#include <math.h>
#include <stdio.h>

#include "view_parts.h"

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
    dl_rect(c->dl, r.x, cy - 3 * k, r.w, 6 * k, 3 * k, th->grid);
    /* rho = 1: the edge between vanishing and exploding */
    float x1 = r.x + (float)d->rho_unit_one * r.w;
    dl_rect(c->dl, r.x, cy - 3 * k, x1 - r.x, 6 * k, 3 * k, color_alpha(th->forward, 110));
    dl_rect(c->dl, x1, cy - 3 * k, r.x + r.w - x1, 6 * k, 3 * k, color_alpha(th->backward, 110));
    dl_line(c->dl, x1, cy - 10 * k, x1, cy + 10 * k, 2 * k, th->text);
    vt_text(c, x1, cy + 10 * k, DL_FONT_SANS, 12 * k, DL_ALIGN_CENTER, th->text_dim, "1", 0);
    if (isfinite(d->rho) && d->rho > 0) {
        float x = r.x + (float)fmin(1, fmax(0, d->rho_unit)) * r.w;
        dl_circle(c->dl, x, cy, 9 * k, th->accent);
        dl_circle_outline(c->dl, x, cy, 9 * k, 2 * k, th->text);
    }
    add_hit(c, r, BTN_RHO_SLIDER, id);
}

static void row_draw(const ViewCtx *c, int i, float y, float row, bool chosen)
{
    const Rect r = c->lo->lesson;
    const Theme *th = c->th;
    const VmDrawer *d = &c->vm->drawer;
    float k = c->k, pad = 14 * k;
    float fs = fminf(16 * k, row * 0.42f), bw = row * 0.95f;
    if (chosen) /* the row ↑/↓ chose and ←/→ change */
        dl_rect(c->dl, r.x + 4 * k, y, r.w - 8 * k, row, 5 * k, color_alpha(th->accent, 60));
    float ty = y + (row - vt_height(c, DL_FONT_SANS, fs)) / 2;
    vt_text(c, r.x + pad, ty, DL_FONT_SANS, fs, DL_ALIGN_LEFT, th->text_dim, d->label[i],
            r.w * 0.45f);
    float vx = r.x + r.w - pad - 2 * bw - 8 * k;
    vt_text(c, vx - 6 * k, ty, DL_FONT_SANS_BOLD, fs, DL_ALIGN_RIGHT, th->text, d->value[i],
            r.w * 0.3f);
    Rect dec = {vx, y + row * 0.1f, bw, row * 0.8f};
    Rect inc = {vx + bw + 4 * k, y + row * 0.1f, bw, row * 0.8f};
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
    float k = c->k, pad = 14 * k;
    dl_rect(c->dl, r.x, r.y, r.w, r.h, 0, th->panel);
    dl_line(c->dl, r.x + r.w, r.y, r.x + r.w, r.y + r.h, 1.5f * k, th->panel_edge);
    vt_text(c, r.x + pad, r.y + 10 * k, DL_FONT_SANS_BOLD, 20 * k, DL_ALIGN_LEFT, th->text,
            "Settings", r.w - 2 * pad);
    float top = r.y + 44 * k, avail = r.h - 52 * k;
    float row = fminf(40 * k, avail / (d->n + 1));
    float y = top;
    int sel = view_state(c->vp)->drawer_row;
    for (int i = 0; i < d->n; i++, y += row) {
        row_draw(c, i, y, row, i == sel);
        if (d->slider[i]) {
            y += row;
            slider(c, (Rect){r.x + pad + 10 * k, y, r.w - 2 * pad - 20 * k, row * 0.9f}, d->id[i]);
        }
    }
}
