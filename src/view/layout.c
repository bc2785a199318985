#include "layout.h"

#include <math.h>

#include "theme.h" /* the pixel metrics */

static const ThemeMetrics *const tm = &theme_metrics;

static float clampf(float v, float lo, float hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static Rect rect(float x, float y, float w, float h)
{
    Rect r = {x, y, w, h};
    return r;
}

/* The design is drawn for 1280x720 and scales with the window, so a
 * projector at 1920x1080 or a 4K screen shows the same picture, larger. */
static float window_factor(int w, int h)
{
    return clampf(fminf(w / 1280.0f, h / 720.0f), 0.6f, 4.0f);
}

/* The side panels: inspector above plots, or (stacked under the network)
 * side by side, or the plots alone when the inspector has no room. */
static void place_side(Layout *lo, Rect side, bool stacked, const LayoutInput *in)
{
    lo->side = side;
    lo->stacked = stacked;
    if (!stacked) {
        /* half each, or what the inspector needs (in one column, else two
         * to a line) up to 62%: the plot keeps the rest */
        float cap = side.h * 0.62f;
        float need = in->inspector_h <= cap ? in->inspector_h : in->inspector_h2;
        float insp_h = clampf(need, side.h * 0.50f, cap);
        lo->inspector = rect(side.x, side.y, side.w, insp_h);
        lo->plots = rect(side.x, side.y + insp_h, side.w, side.h - insp_h);
    } else if (side.w >= 2 * tm->side_min_w * lo->s_side) {
        lo->inspector = rect(side.x, side.y, side.w / 2, side.h);
        lo->plots = rect(side.x + side.w / 2, side.y, side.w / 2, side.h);
    } else { /* the panels take turns: the plot stays */
        lo->inspector = rect(side.x, side.y, 0, 0);
        lo->plots = side;
    }
}

/* Focus: the focused panel gets everything right of the lesson, its text
 * scaled up; the others take turns (hidden) until focus is left. */
static void place_focus(Layout *lo, const LayoutInput *in, Rect rest)
{
    Rect none = rect(rest.x + rest.w, rest.y, 0, 0);
    lo->net = none;
    lo->side = lo->inspector = lo->plots = none;
    if (in->focus == FOCUS_DIAGRAM) {
        lo->net = rest;
        lo->s_net = lo->s * tm->focus_scale;
        return;
    }
    lo->s_side = lo->s * tm->focus_scale;
    lo->side = rest;
    if (in->focus == FOCUS_PLOT)
        lo->plots = rest;
    else
        lo->inspector = rest;
}

static void place_regions(Layout *lo, const LayoutInput *in)
{
    float s = lo->s, W = (float)in->win_w, H = (float)in->win_h;
    float top_h = tm->top_h * s, ctl_h = in->show_controls ? tm->controls_h * s : 0;
    lo->top = rect(0, 0, W, top_h);
    lo->controls = rect(0, H - ctl_h, W, ctl_h);
    lo->s_net = lo->s_side = s;
    lo->stacked = false;
    float body_y = top_h, body_h = H - top_h - ctl_h;
    /* the lesson keeps a readable measure; the side panels grow with the
     * scale, and when the network would keep less than a third of the
     * width they move under it instead of shrinking their contents */
    float lesson_w = in->show_lesson ? fminf(fmaxf(W * 0.25f, tm->lesson_min_w * s), W * 0.40f) : 0;
    if (in->show_lesson) /* narration is never cut: it takes what it needs */
        lesson_w = fminf(fmaxf(lesson_w, in->lesson_w_min), W);
    if (W - lesson_w < tm->net_min_w * s) /* no room beside it: the lesson alone */
        lesson_w = W;
    lo->lesson = rect(0, body_y, lesson_w, body_h);
    Rect rest = rect(lesson_w, body_y, W - lesson_w, body_h);
    if (in->focus != FOCUS_NONE && (in->show_side || in->focus == FOCUS_DIAGRAM)) {
        place_focus(lo, in, rest);
        return;
    }
    float side_w = in->show_side ? fmaxf(W * 0.35f, tm->side_min_w * s) : 0;
    if (!in->show_side || rest.w - side_w >= fmaxf(W * 0.28f, tm->net_min_w * s)) {
        lo->net = rect(lesson_w, body_y, rest.w - side_w, body_h);
        place_side(lo, rect(W - side_w, body_y, side_w, body_h), false, in);
        if (!in->show_side)
            lo->inspector = lo->plots = lo->side;
        return;
    }
    float net_h = body_h * 0.5f;
    lo->net = rect(lesson_w, body_y, rest.w, net_h);
    place_side(lo, rect(lesson_w, body_y + net_h, rest.w, body_h - net_h), true, in);
}

/* Column pitch: the width fitted between a readable minimum and a tidy
 * maximum, times the zoom; fit_all: every column, however narrow. When
 * not all fit, a whole number of columns fills the grid, so no column is
 * ever cut in half at an edge. */
static float column_pitch(const Layout *lo, const LayoutInput *in, int T)
{
    float s = lo->s_net, fit = lo->grid.w / T;
    if (in->fit_all)
        return fmaxf(fit, 1);
    float col = clampf(fit, tm->col_min_w * s, tm->col_max_w * s) *
                clampf(in->zoom > 0 ? in->zoom : 1, 0.25f, 4);
    col = fminf(col, fmaxf(lo->grid.w, 1)); /* a zoomed node still fits whole */
    if (col * T > lo->grid.w + 0.5f) {
        float whole = floorf(lo->grid.w / col);
        col = lo->grid.w / fmaxf(whole, 1);
    }
    return col;
}

/* Rows: layer rows get more height than the input/output/loss rows; nodes
 * keep their shape as columns narrow (zoom scales both axes). */
static void place_rows(Layout *lo, int L)
{
    float s = lo->s_net, weight_small = 0.8f, total = 3 * weight_small + L * 1.3f;
    float unit = lo->grid.h / total, y = lo->grid.y;
    for (int r = 0; r < lo->rows; r++) {
        float wgt = (r >= 2 && r < 2 + L) ? 1.3f : weight_small;
        lo->row_y[r] = y + unit * wgt / 2;
        y += unit * wgt;
    }
    lo->node_w = fminf(lo->col_w * 0.74f, tm->node_max_w * s);
    float aspect = fmaxf(lo->node_w * tm->node_aspect, 2);
    lo->node_h = fminf(fminf(unit * 1.3f * 0.58f, tm->node_max_h * s), 1.3f * aspect);
    lo->small_h = fminf(fminf(unit * weight_small * 0.70f, tm->small_max_h * s), aspect);
}

static void place_grid(Layout *lo, const LayoutInput *in)
{
    float s = lo->s_net;
    int T = in->steps < 1 ? 1 : in->steps, L = in->layers < 1 ? 1 : in->layers;
    lo->steps = T;
    lo->layers = L;
    lo->rows = L + 3;
    float label_w = tm->net_label_w * s, head_h = tm->net_head_h * s, pad = tm->net_pad * s,
          band_h = in->band ? tm->band_h * s : 0, over_h = tm->overview_h * s;
    float key_h = tm->key_h * s * (lo->net.w >= tm->key_one_line_w * s ? 1 : 2);
    lo->grid = rect(lo->net.x + label_w, lo->net.y + head_h, fmaxf(lo->net.w - label_w - pad, 1),
                    fmaxf(lo->net.h - head_h - pad - band_h - key_h, 1));
    lo->key = rect(lo->net.x + pad, lo->grid.y + lo->grid.h, lo->net.w - 2 * pad, key_h);
    lo->col_w = column_pitch(lo, in, T);
    float content = T * lo->col_w;
    lo->overview = rect(lo->grid.x, lo->grid.y + lo->grid.h - over_h, lo->grid.w, 0);
    if (content > lo->grid.w + 0.5f && lo->grid.h > 4 * over_h) {
        lo->grid.h -= over_h; /* the overview strip under the grid */
        lo->overview.h = over_h * 0.6f;
    }
    lo->band = rect(lo->net.x + pad, lo->net.y + lo->net.h - pad - band_h + tm->band_gap * s,
                    lo->net.w - 2 * pad, band_h > 0 ? band_h - tm->band_inset * s : 0);
    place_rows(lo, L);
    float max_scroll = fmaxf(0, content - lo->grid.w);
    float sc = in->scroll_x;
    if (in->follow)
        sc = (in->focus_t + 0.5f) * lo->col_w - lo->grid.w / 2;
    /* whole columns at both edges */
    /* (a half column rounds up at every window size: an even number of
     * visible columns puts the centred column at exactly x.5) */
    float snapped = floorf(sc / lo->col_w + 0.5f + 1e-3f) * lo->col_w;
    lo->scroll_x = clampf(fabsf(snapped - sc) > 0.01f ? snapped : sc, 0, max_scroll);
    /* a short sequence sits in the middle rather than at the left edge */
    if (content < lo->grid.w)
        lo->scroll_x = -(lo->grid.w - content) / 2;
}

void layout_compute(Layout *lo, const LayoutInput *in)
{
    lo->s = window_factor(in->win_w, in->win_h) * clampf(in->ui_scale, 0.5f, 3.0f);
    place_regions(lo, in);
    place_grid(lo, in);
}

int layout_row(const Layout *lo, RowKind kind, int l)
{
    switch (kind) {
    case ROW_LOSS:
        return 0;
    case ROW_OUTPUT:
        return 1;
    case ROW_LAYER:
        return 2 + (lo->layers - 1 - l);
    case ROW_INPUT:
        return lo->rows - 1;
    }
    return 0;
}

float layout_col_x(const Layout *lo, int t)
{
    return lo->grid.x + (t + 0.5f) * lo->col_w - lo->scroll_x;
}

Rect layout_node(const Layout *lo, RowKind kind, int l, int t)
{
    float cx = layout_col_x(lo, t), cy = lo->row_y[layout_row(lo, kind, l)];
    float w = lo->node_w, h = kind == ROW_LAYER ? lo->node_h : lo->small_h;
    if (kind != ROW_LAYER)
        w = fminf(w, lo->col_w * 0.74f);
    return rect(cx - w / 2, cy - h / 2, w, h);
}

float layout_scroll_to_show(const Layout *lo, int t)
{
    float left = t * lo->col_w, right = left + lo->col_w;
    float sc = lo->scroll_x;
    if (left < sc)
        sc = left;
    else if (right > sc + lo->grid.w)
        sc = right - lo->grid.w;
    float max_scroll = fmaxf(0, lo->steps * lo->col_w - lo->grid.w);
    if (max_scroll == 0)
        return lo->scroll_x;
    return clampf(sc, 0, max_scroll);
}

void layout_visible_cols(const Layout *lo, int *t0, int *t1)
{
    int a = (int)floorf(lo->scroll_x / lo->col_w);
    int b = (int)floorf((lo->scroll_x + lo->grid.w) / lo->col_w);
    *t0 = a < 0 ? 0 : a;
    *t1 = b >= lo->steps ? lo->steps - 1 : b;
}

bool rect_contains(Rect r, float x, float y)
{
    return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

bool rect_inside(Rect in, Rect out)
{
    const float e = 0.01f;
    return in.x >= out.x - e && in.y >= out.y - e && in.x + in.w <= out.x + out.w + e &&
           in.y + in.h <= out.y + out.h + e;
}

bool rect_overlap(Rect a, Rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}
