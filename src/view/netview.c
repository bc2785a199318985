/*
 * The unrolled network: one column per step, rows loss / output / layers /
 * input. Forward values in blue, gradients in vermillion; halo size and
 * edge width follow the gradient norm on the absolute log scale of
 * colorscale.h (1e-8 to 10), shown in a colour bar. Per-row numbers are
 * of the displayed batch row, named beside the rows.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h> /* strtod */
#include <string.h>

#include "colorscale.h"
#include "view_parts.h"

static const ThemeMetrics *const tm = &theme_metrics;

static const VmNode *node_at(const ViewCtx *c, int l, int t)
{
    return &c->vm->node[l * c->vm->T + t];
}

static void arrow(const ViewCtx *c, float x0, float y0, float x1, float y1, float w, DlColor col)
{
    dl_line(c->dl, x0, y0, x1, y1, w, col);
    float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
    if (len < 1)
        return;
    dx /= len;
    dy /= len;
    float a = tm->arrow_len * c->k + w, b = tm->arrow_half_w * c->k + w * 0.6f;
    float px = x1 - dx * a, py = y1 - dy * a;
    dl_line(c->dl, x1, y1, px - dy * b, py + dx * b, w, col);
    dl_line(c->dl, x1, y1, px + dy * b, py - dx * b, w, col);
}

/* One edge: forward state first, the gradient drawn over it once it flowed. */
static void edge(const ViewCtx *c, float x0, float y0, float x1, float y1, bool fwd, bool bwd,
                 double g)
{
    const Theme *th = c->th;
    float k = c->k;
    if (fwd)
        arrow(c, x0, y0, x1, y1, tm->lw_edge_fwd * k, color_alpha(th->forward, 200));
    else
        arrow(c, x0, y0, x1, y1, tm->lw_edge_ghost * k, th->ghost);
    if (bwd) {
        double u = cs_grad_unit(g);
        dl_line(c->dl, x1, y1, x0, y0, (tm->lw_grad_min + tm->lw_grad_gain * (float)u) * k,
                color_alpha(th->backward, (unsigned char)(90 + 130 * u)));
    }
}

static void add_hit(const ViewCtx *c, Rect r, RowKind row, int l, int t)
{
    if (!c->hits || c->hits->n >= VIEW_MAX_HITS)
        return;
    Hit *h = &c->hits->hits[c->hits->n++];
    h->kind = HIT_NODE;
    h->id = 0;
    h->row = row;
    h->l = l;
    h->t = t;
    h->r = r;
}

static bool is_current(const ViewCtx *c, RowKind row, int l, int t)
{
    VmOp op = c->vm->cur;
    if (!c->vm->has_cur || op.t != t)
        return false;
    if (row == ROW_LAYER)
        return (op.kind == VM_OP_FORWARD || op.kind == VM_OP_BACKWARD) && op.l == l;
    if (row == ROW_OUTPUT)
        return op.kind == VM_OP_HEAD_FORWARD || op.kind == VM_OP_HEAD_BACKWARD;
    return false;
}

static void highlight(const ViewCtx *c, Rect r)
{
    float k = c->k, g = tm->highlight_glow * k;
    dl_rect(c->dl, r.x - g, r.y - g, r.w + 2 * g, r.h + 2 * g, tm->radius_glow * k,
            color_alpha(c->th->accent, 70));
    dl_rect_outline(c->dl, r.x - tm->highlight_gap * k, r.y - tm->highlight_gap * k,
                    r.w + tm->highlight_gap2 * k, r.h + tm->highlight_gap2 * k,
                    tm->radius_highlight * k, tm->lw_highlight * k, c->th->accent);
}

/* Too narrow for numbers (semantic zoom): a node is a mark whose size and
 * colour say its gradient's magnitude once the backward pass reached it,
 * a plain forward-coloured mark before. */
static bool marks_only(const ViewCtx *c)
{
    return c->lo->node_w < tm->semantic_min_w * c->k;
}

/* The gradient's magnitude on the absolute scale (colorscale.h), as size and ink. */
static void node_mark(const ViewCtx *c, Rect r, bool f, bool b, double g)
{
    const Theme *th = c->th;
    if (!b) {
        dl_rect(c->dl, r.x, r.y, r.w, r.h, 0, f ? color_alpha(th->forward, 150) : th->ghost);
        return;
    }
    double u = cs_grad_unit(g);
    float grow = 0.25f + 0.75f * (float)u, w = r.w * grow, h = r.h * grow;
    dl_rect(c->dl, r.x, r.y, r.w, r.h, 0, color_alpha(th->backward, 40));
    dl_rect(c->dl, r.x + (r.w - w) / 2, r.y + (r.h - h) / 2, w, h, 0,
            color_alpha(th->backward, (unsigned char)(70 + 185 * u)));
}

static void layer_node(const ViewCtx *c, int l, int t)
{
    const Theme *th = c->th;
    const VmNode *n = node_at(c, l, t);
    float k = c->k;
    Rect r = layout_node(c->lo, ROW_LAYER, l, t);
    int H = c->vm->H;
    bool f = n->fwd, b = n->bwd, lstm = c->vm->cell == VM_CELL_LSTM;
    if (marks_only(c)) {
        node_mark(c, r, f, b, c->vm->grad_h[l * c->vm->T + t]);
        if (is_current(c, ROW_LAYER, l, t))
            dl_rect_outline(c->dl, r.x, r.y, r.w, r.h, 0, tm->lw_node_edge * k, th->accent);
        add_hit(c, r, ROW_LAYER, l, t);
        return;
    }
    if (b) {
        float halo =
            fminf(tm->halo_min * k +
                      tm->halo_gain * k * (float)cs_grad_unit(c->vm->grad_h[l * c->vm->T + t]),
                  0.12f * c->lo->col_w);
        dl_rect(c->dl, r.x - halo, r.y - halo, r.w + 2 * halo, r.h + 2 * halo,
                tm->radius_node * k + halo, color_alpha(th->backward, 85));
    }
    if (is_current(c, ROW_LAYER, l, t))
        highlight(c, r);
    dl_rect(c->dl, r.x, r.y, r.w, r.h, tm->radius_node_box * k,
            f ? th->panel : color_alpha(th->panel, 150));
    if (f) {
        Rect strip = {r.x + tm->node_inset * k, r.y + r.h * 0.42f, r.w - tm->node_inset2 * k,
                      r.h * 0.58f - tm->node_inset * k};
        if (lstm) {
            /* h below, c above: the two states an LSTM carries. */
            Rect cs = {strip.x, r.y + tm->node_inset * k, strip.w,
                       r.h * 0.37f - tm->node_inset * k};
            cs_act_strip(c, cs, n->c, H);
        }
        cs_act_strip(c, strip, n->h, H);
    }
    dl_rect_outline(c->dl, r.x, r.y, r.w, r.h, tm->radius_node_box * k, tm->lw_node_edge * k,
                    f ? th->forward : th->ghost);
    if (!f || !lstm) {
        char lab[24], sub[16];
        vt_subscript(sub, sizeof sub, t);
        snprintf(lab, sizeof lab, "h%s", sub);
        float fs = fminf(tm->fs_node_label * k, r.h * 0.34f);
        if (fs >= vt_floor(c) &&
            vt_width(c, DL_FONT_SANS, fs, lab) <= r.w - tm->node_label_inset * k)
            vt_text(c, r.x + r.w / 2, r.y + tm->node_label_y * k, DL_FONT_SANS, fs, DL_ALIGN_CENTER,
                    f ? th->text_dim : th->ghost, lab, 0);
    }
    add_hit(c, r, ROW_LAYER, l, t);
}

/* A node's value, at the node floor or larger: the second line (the
 * loss, a probability) only when both lines fit, the first only when it
 * fits whole; what does not fit is on the hover tip, never shrunk. */
static void symbol_text(const ViewCtx *c, Rect r, const char *big, const char *small, DlColor ink)
{
    float k = c->k, room = r.w - tm->symbol_text_inset * k;
    DlTextClass was = dl_text_class(c->dl, DL_TEXT_NODE);
    float floor_px = vt_floor(c), fs = fmaxf(fminf(tm->fs_symbol * k, r.h * 0.52f), floor_px);
    float fh = vt_height(c, DL_FONT_SANS_BOLD, fs);
    bool two = small && small[0] && 2 * vt_height(c, DL_FONT_SANS, floor_px) * 0.86f <= r.h &&
               vt_width(c, DL_FONT_SANS, floor_px, small) <= room;
    if (two)
        fs = floor_px, fh = vt_height(c, DL_FONT_SANS_BOLD, fs);
    if (fh * 0.8f <= r.h && vt_width(c, DL_FONT_SANS_BOLD, fs, big) <= room) {
        float y = two ? r.y + r.h / 2 - fh * 0.86f : r.y + (r.h - fh) / 2;
        vt_text(c, r.x + r.w / 2, y, DL_FONT_SANS_BOLD, fs, DL_ALIGN_CENTER, ink, big, 0);
        if (two)
            vt_text(c, r.x + r.w / 2, y + fh * 0.86f, DL_FONT_SANS, floor_px, DL_ALIGN_CENTER,
                    c->th->text_dim, small, 0);
    } else {
        /* a value that does not fit at the node size is still drawn, as
         * large as fits down to the general floor: a box without its
         * number (an adding input, a regression output) teaches nothing */
        dl_text_class(c->dl, DL_TEXT_OTHER);
        float lo = vt_floor(c), w = vt_width(c, DL_FONT_SANS_BOLD, fs, big);
        float size = w > 0 ? fminf(fs, fs * room / w) : fs;
        if (size >= lo && vt_height(c, DL_FONT_SANS_BOLD, size) * 0.8f <= r.h)
            vt_text(c, r.x + r.w / 2, r.y + (r.h - vt_height(c, DL_FONT_SANS_BOLD, size)) / 2,
                    DL_FONT_SANS_BOLD, size, DL_ALIGN_CENTER, ink, big, 0);
    }
    dl_text_class(c->dl, was);
}

static void symbol_node(const ViewCtx *c, Rect r, bool active, const char *big, const char *small,
                        DlColor ink, DlColor edge_col)
{
    const Theme *th = c->th;
    float k = c->k;
    dl_rect(c->dl, r.x, r.y, r.w, r.h, tm->radius_symbol * k,
            active ? th->panel : color_alpha(th->panel, 140));
    dl_rect_outline(c->dl, r.x, r.y, r.w, r.h, tm->radius_symbol * k, tm->lw_symbol_edge * k,
                    edge_col);
    symbol_text(c, r, big, small, ink);
}

static void input_node(const ViewCtx *c, int t)
{
    const VmStep *st = &c->vm->step[t];
    Rect r = layout_node(c->lo, ROW_INPUT, -1, t);
    /* symbols where the task has them; random features as a heatmap strip */
    if (marks_only(c)) {
        node_mark(c, r, true, false, 0);
    } else if (st->x_sym[0] && st->x_marked) {
        /* an input that matters: bold outline and accent ink, same size */
        symbol_node(c, r, true, st->x_sym, "marked", c->th->accent, c->th->accent);
        dl_rect_outline(c->dl, r.x - 2 * c->k, r.y - 2 * c->k, r.w + 4 * c->k, r.h + 4 * c->k,
                        tm->radius_symbol * c->k + 1 * c->k, 3 * c->k, c->th->accent);
    } else if (st->x_sym[0]) {
        symbol_node(c, r, true, st->x_sym, NULL, c->th->text, c->th->forward);
    } else {
        dl_rect(c->dl, r.x, r.y, r.w, r.h, tm->radius_symbol * c->k, c->th->panel);
        Rect strip = {r.x + tm->symbol_text_inset * c->k, r.y + tm->symbol_text_inset * c->k,
                      r.w - tm->symbol_strip_inset2 * c->k, r.h - tm->symbol_strip_inset2 * c->k};
        cs_act_strip(c, strip, st->x, c->vm->I);
        dl_rect_outline(c->dl, r.x, r.y, r.w, r.h, tm->radius_symbol * c->k,
                        tm->lw_symbol_edge * c->k, c->th->forward);
    }
    add_hit(c, r, ROW_INPUT, -1, t);
}

static void output_node(const ViewCtx *c, int t)
{
    const VmStep *st = &c->vm->step[t];
    Rect r = layout_node(c->lo, ROW_OUTPUT, -1, t);
    bool f = st->head_fwd, b = st->head_bwd;
    if (marks_only(c)) {
        node_mark(c, r, f, b, st->dy_norm);
        add_hit(c, r, ROW_OUTPUT, -1, t);
        return;
    }
    if (b) {
        float halo = fminf((3 + 8 * (float)cs_grad_unit(st->dy_norm)) * c->k, 0.12f * c->lo->col_w);
        dl_rect(c->dl, r.x - halo, r.y - halo, r.w + 2 * halo, r.h + 2 * halo,
                tm->radius_symbol * c->k + halo, color_alpha(c->th->backward, 85));
    }
    if (is_current(c, ROW_OUTPUT, -1, t))
        highlight(c, r);
    char big[48] = "ŷ", small[32] = "";
    if (f && c->vm->ce) {
        snprintf(big, sizeof big, "%s", st->y_sym);
        vt_fmt(small, sizeof small, "%.0f%%", 100 * st->y_prob);
    } else if (f) {
        vt_fmt(big, sizeof big, "%.2f", st->y0);
    }
    symbol_node(c, r, f, big, small, f ? c->th->text : c->th->ghost,
                f ? c->th->forward : c->th->ghost);
    add_hit(c, r, ROW_OUTPUT, -1, t);
}

/* The two small lines of a loss box: the row's own figures, so that for
 * cross-entropy -ln p = L on the box itself. */
static void loss_figures(const ViewCtx *c, const VmStep *st, char *a, char *b, size_t cap)
{
    char l[20], q[20], y[16];
    double lv = st->row_loss;
    if (isfinite(lv) && lv < 100 && lv >= 0.005)
        snprintf(l, sizeof l, "%.2f", lv);
    else
        vt_num(l, sizeof l, lv);
    snprintf(b, cap, "L %s", l);
    if (c->vm->ce) {
        double pv = st->p_target;
        if (isfinite(pv) && pv >= 0.005)
            snprintf(q, sizeof q, "%.3f", pv);
        else
            vt_num(q, sizeof q, pv);
        snprintf(a, cap, "p %s", q);
        return;
    }
    vt_fmt(y, sizeof y, "%.2f", st->y0);
    snprintf(a, cap, "ŷ %s", y); /* the tolerance of the mark is in the row label */
}

/* "p 0.311", "L 1.25" or "-0.43" as it fits room at fs down to the floor:
 * else the figure with fewer decimals ("p 0.31", "L 1.3"; one decimal only
 * from 0.1 up), or NULL when not even that fits. */
static const char *short_form(const ViewCtx *c, DlFont font, const char *s, char *buf, size_t cap,
                              float fs, float room)
{
    float floor_px = vt_floor(c);
    if (vt_width(c, font, fminf(fs, floor_px), s) <= room) /* vt_text shrinks it */
        return s;
    const char *sp = strrchr(s, ' ');
    const char *num = sp ? sp + 1 : s;
    char *end;
    double v = strtod(num, &end);
    if (end == num || *end || !isfinite(v) || fabs(v) >= 1e4 || (v != 0 && fabs(v) < 0.01))
        return NULL;
    for (int d = 2; d >= (fabs(v) >= 0.1 ? 1 : 2); d--) {
        snprintf(buf, cap, "%.*s%.*f", (int)(num - s), s, d, v);
        if (vt_width(c, font, floor_px, buf) <= room)
            return buf;
    }
    return NULL;
}

/* size, or the smaller size (not below the floor) at which s fits room:
 * a text measured at its own size, as glyph widths do not scale exactly. */
static float fit_size(const ViewCtx *c, DlFont font, float size, const char *s, float room)
{
    float floor_px = vt_floor(c);
    for (int i = 0; i < 8 && size > floor_px && vt_width(c, font, size, s) > room; i++)
        size = fmaxf(floor_px, size * 0.97f * room / vt_width(c, font, size, s));
    return size;
}

/* A loss box: the mark and target big, two small lines under it. */
static void loss_box(const ViewCtx *c, Rect r, bool active, const char *big, const char *s1,
                     const char *s2, DlColor ink)
{
    const Theme *th = c->th;
    float k = c->k;
    dl_rect(c->dl, r.x, r.y, r.w, r.h, 6 * k, active ? th->panel : color_alpha(th->panel, 140));
    dl_rect_outline(c->dl, r.x, r.y, r.w, r.h, 6 * k, 1.4f * k, active ? th->text_dim : th->ghost);
    float fb = fminf(18 * k, r.h * 0.36f), fs = fmaxf(11 * k, fminf(13 * k, r.h * 0.24f));
    float room = r.w - 4 * k, floor_px = vt_floor(c);
    fb = fmaxf(fb, floor_px);
    fs = fmaxf(fs, floor_px);
    /* a mark too wide for the box leaves its ✓/✗ to the colour */
    if (vt_width(c, DL_FONT_SANS_BOLD, floor_px, big) > room && !strncmp(big, "✓ ", 4))
        big += 4;
    else if (vt_width(c, DL_FONT_SANS_BOLD, floor_px, big) > room && !strncmp(big, "✗ ", 4))
        big += 4;
    /* the small lines as their shorter forms, or not at all: never a cut number */
    char a[48], b[48];
    s1 = short_form(c, DL_FONT_SANS, s1, a, sizeof a, fs, room);
    s2 = s2 ? short_form(c, DL_FONT_SANS, s2, b, sizeof b, fs, room) : NULL;
    char m[48];
    const char *shorter = short_form(c, DL_FONT_SANS_BOLD, big, m, sizeof m, fb, room);
    big = shorter ? shorter : big;
    fb = fit_size(c, DL_FONT_SANS_BOLD, fb, big, room);
    fs = fit_size(c, DL_FONT_SANS, fs, s1 ? s1 : "", room);
    fs = fit_size(c, DL_FONT_SANS, fs, s2 ? s2 : "", room);
    if (!s1)
        s1 = s2, s2 = NULL;
    float hb = vt_height(c, DL_FONT_SANS_BOLD, fb), hs = vt_height(c, DL_FONT_SANS, fs);
    float total = hb + (s2   ? 2
                        : s1 ? 1
                             : 0) *
                           hs * 0.92f,
          y = r.y + (r.h - total) / 2, cx = r.x + r.w / 2;
    vt_text(c, cx, y, DL_FONT_SANS_BOLD, fb, DL_ALIGN_CENTER, ink, big, room);
    y += hb * 0.95f;
    if (s1)
        vt_text(c, cx, y, DL_FONT_SANS, fs, DL_ALIGN_CENTER, th->text_dim, s1, room);
    if (s2)
        vt_text(c, cx, y + hs * 0.92f, DL_FONT_SANS, fs, DL_ALIGN_CENTER, th->text_dim, s2, room);
}

static void loss_node(const ViewCtx *c, int t)
{
    const VmStep *st = &c->vm->step[t];
    const Theme *th = c->th;
    Rect r = layout_node(c->lo, ROW_LOSS, -1, t);
    if (marks_only(c)) {
        if (st->has_target)
            dl_rect(c->dl, r.x, r.y, r.w, r.h, 0,
                    !st->head_fwd ? th->ghost
                    : st->hit     ? th->good
                                  : th->bad);
        if (st->has_target)
            add_hit(c, r, ROW_LOSS, -1, t);
        return;
    }
    if (!st->has_target) {
        vt_text(c, r.x + r.w / 2, r.y + r.h / 2 - tm->loss_dash_dy * c->k, DL_FONT_SANS,
                tm->fs_loss_dash * c->k, DL_ALIGN_CENTER, th->ghost, "–", r.w);
        return;
    }
    bool f = st->head_fwd;
    char target[48] = "?", big[64], s1[48], s2[48];
    if (c->vm->ce)
        snprintf(target, sizeof target, "%s", st->target_sym);
    else
        vt_fmt(target, sizeof target, "%.2f", st->target0);
    if (f) {
        bool hit = st->hit;
        snprintf(big, sizeof big, "%s %s", hit ? "✓" : "✗", target);
        loss_figures(c, st, s1, s2, sizeof s1);
        loss_box(c, r, true, big, s1, s2, hit ? th->good : th->bad);
    } else {
        /* no output yet, so no loss: the target alone, labelled */
        loss_box(c, r, false, target, "target", NULL, th->text_dim);
    }
    add_hit(c, r, ROW_LOSS, -1, t);
}

/* One colour bar with its title: "∂L (log)  −10¹ [bar] +10¹", w wide. */
static void key_bar(const ViewCtx *c, float x, float y, float w, float fs, const char *title,
                    bool grad)
{
    float k = c->k, tw = vt_width(c, DL_FONT_SANS_BOLD, fs, title) + 8 * k;
    vt_text(c, x, y, DL_FONT_SANS_BOLD, fs, DL_ALIGN_LEFT, c->th->text_dim, title, 0);
    cs_bar_line(c, x + tw, y, w - tw, fs, grad);
}

/* The two absolute colour scales under the grid: the gradient magnitude
 * (halos, edge widths, gradient strips) and the values, side by side or
 * (narrow) one above the other. */
static void colour_bars(const ViewCtx *c)
{
    const Rect r = c->lo->key;
    float k = c->k, fs = tm->fs_legend * k, lh = vt_height(c, DL_FONT_SANS, fs);
    if (r.h <= 0 || r.w < 60 * k)
        return;
    bool one = r.h < 2 * lh;
    float w = one ? fminf(r.w / 2 - 12 * k, 320 * k) : fminf(r.w, 320 * k);
    float y = r.y + (r.h - (one ? 1 : 2) * lh) / 2;
    const char *vals = c->vm->cell == VM_CELL_LSTM ? "h, c" : "h";
    key_bar(c, r.x, y, w, fs, "∂L (log)", true);
    if (one)
        key_bar(c, r.x + w + 24 * k, y, w, fs, vals, false);
    else
        key_bar(c, r.x, y + lh, w, fs, vals, false);
}

static void edges_at(const ViewCtx *c, int t)
{
    const Layout *lo = c->lo;
    const VmStep *st = &c->vm->step[t];
    int L = c->vm->L;
    bool lstm = c->vm->cell == VM_CELL_LSTM;
    float cx = layout_col_x(lo, t);
    Rect in = layout_node(lo, ROW_INPUT, -1, t);
    Rect below = in;
    for (int l = 0; l < L; l++) {
        Rect r = layout_node(lo, ROW_LAYER, l, t);
        const VmNode *n = node_at(c, l, t);
        bool f = n->fwd, b = n->bwd;
        /* input (or layer below) -> this layer; its gradient is dx */
        edge(c, cx, below.y, cx, r.y + r.h, f, b && l > 0, n->g_below);
        /* h_{t-1} -> h_t along the recurrent rail */
        if (t > 0) {
            Rect p = layout_node(lo, ROW_LAYER, l, t - 1);
            float yh = lstm ? r.y + r.h * 0.71f : r.y + r.h / 2;
            edge(c, p.x + p.w, yh, r.x, yh, f, b, n->g_prev);
            if (lstm) {
                float yc = r.y + r.h * 0.22f;
                dl_line(c->dl, p.x + p.w, yc, r.x, yc,
                        (f ? tm->lw_cell_rail : tm->lw_cell_ghost) * c->k,
                        f ? c->th->cell : c->th->ghost);
                if (b) {
                    dl_line(
                        c->dl, r.x, yc, p.x + p.w, yc,
                        (tm->lw_grad_min + tm->lw_cell_grad_gain * (float)cs_grad_unit(n->g_cell)) *
                            c->k,
                        color_alpha(c->th->backward, 150));
                }
            }
        }
        below = r;
    }
    Rect out = layout_node(lo, ROW_OUTPUT, -1, t), loss = layout_node(lo, ROW_LOSS, -1, t);
    bool hf = st->head_fwd, hb = st->head_bwd;
    double gh = st->g_head;
    edge(c, cx, below.y, cx, out.y + out.h, hf, hb, gh);
    if (st->has_target)
        edge(c, cx, out.y, cx, loss.y + loss.h, hf, hb, gh);
}

/* A dot travelling along each incoming edge of the current node. */
static void animate(const ViewCtx *c)
{
    VmOp op = c->vm->cur;
    double a = view_state(c->vp)->anim;
    if (a >= 1.0 || !c->vm->has_cur)
        return;
    const Layout *lo = c->lo;
    float pts[3][4];
    int n = 0;
    float cx = layout_col_x(lo, op.t);
    bool back = op.kind == VM_OP_BACKWARD || op.kind == VM_OP_HEAD_BACKWARD;
    if (op.kind == VM_OP_FORWARD || op.kind == VM_OP_BACKWARD) {
        Rect r = layout_node(lo, ROW_LAYER, op.l, op.t);
        Rect from_v = back ? (op.l + 1 < lo->layers ? layout_node(lo, ROW_LAYER, op.l + 1, op.t)
                                                    : layout_node(lo, ROW_OUTPUT, -1, op.t))
                           : (op.l > 0 ? layout_node(lo, ROW_LAYER, op.l - 1, op.t)
                                       : layout_node(lo, ROW_INPUT, -1, op.t));
        pts[n][0] = cx;
        pts[n][1] = from_v.y + from_v.h / 2;
        pts[n][2] = cx;
        pts[n][3] = r.y + r.h / 2;
        n++;
        int tn = back ? op.t + 1 : op.t - 1;
        if (tn >= 0 && tn < lo->steps) {
            Rect p = layout_node(lo, ROW_LAYER, op.l, tn);
            pts[n][0] = p.x + p.w / 2;
            pts[n][1] = p.y + p.h / 2;
            pts[n][2] = r.x + r.w / 2;
            pts[n][3] = r.y + r.h / 2;
            n++;
        }
    } else {
        Rect r = layout_node(lo, ROW_OUTPUT, -1, op.t);
        Rect from = back ? layout_node(lo, ROW_LOSS, -1, op.t)
                         : layout_node(lo, ROW_LAYER, lo->layers - 1, op.t);
        pts[n][0] = cx;
        pts[n][1] = from.y + from.h / 2;
        pts[n][2] = cx;
        pts[n][3] = r.y + r.h / 2;
        n++;
    }
    DlColor col = back ? c->th->backward : c->th->forward;
    for (int i = 0; i < n; i++) {
        float x = pts[i][0] + (pts[i][2] - pts[i][0]) * (float)a;
        float y = pts[i][1] + (pts[i][3] - pts[i][1]) * (float)a;
        dl_circle(c->dl, x, y, tm->anim_glow_r * c->k, color_alpha(col, 90));
        dl_circle(c->dl, x, y, tm->anim_dot_r * c->k, col);
    }
}

static void row_labels(const ViewCtx *c)
{
    const Layout *lo = c->lo;
    const Theme *th = c->th;
    float k = c->k, x = lo->net.x + tm->net_pad * k,
          w = lo->grid.x - lo->net.x - tm->row_label_gap * k;
    char buf[32], tol[32] = "", row[32];
    if (!c->vm->ce && isfinite(c->vm->tolerance)) /* a regression mark's rule */
        snprintf(tol, sizeof tol, "✓ if ±%.2f", c->vm->tolerance);
    /* the displayed row, as long as its name fits: "row 3 of 16", "row 3/16" */
    float fs_row = tm->fs_row_label * k * 0.85f;
    snprintf(row, sizeof row, "row %d of %d", c->vm->row, c->vm->B);
    if (vt_width(c, DL_FONT_SANS, fmaxf(vt_floor(c), fs_row), row) > w)
        snprintf(row, sizeof row, "row %d/%d", c->vm->row, c->vm->B);
    const char *fixed[3] = {"target", "ŷₜ", "xₜ"};
    RowKind kinds[3] = {ROW_LOSS, ROW_OUTPUT, ROW_INPUT};
    float fs = tm->fs_row_label * k, fh = vt_height(c, DL_FONT_SANS_BOLD, fs);
    for (int i = 0; i < 3; i++)
        vt_text(c, x, lo->row_y[layout_row(lo, kinds[i], 0)] - fh * (i ? 0.5f : 1.0f),
                DL_FONT_SANS_BOLD, fs, DL_ALIGN_LEFT, th->text_dim, fixed[i], w);
    float y = lo->row_y[layout_row(lo, ROW_LOSS, 0)] + 1 * k;
    vt_text(c, x, y, DL_FONT_SANS, fs * 0.85f, DL_ALIGN_LEFT, th->text_dim, row, w);
    if (tol[0])
        vt_text(c, x, y + fh * 0.85f, DL_FONT_SANS, fs * 0.85f, DL_ALIGN_LEFT, th->text_dim, tol,
                w);
    for (int l = 0; l < lo->layers; l++) {
        snprintf(buf, sizeof buf, "layer %d", l);
        y = lo->row_y[layout_row(lo, ROW_LAYER, l)];
        vt_text(c, x, y - fh, DL_FONT_SANS_BOLD, fs, DL_ALIGN_LEFT, th->text_dim, buf, w);
        vt_text(c, x, y + tm->row_sub_dy * k, DL_FONT_SANS, fs * 0.85f, DL_ALIGN_LEFT, th->text_dim,
                c->vm->cell == VM_CELL_LSTM ? "c / h" : "h", w);
    }
}

/* The text task's sample: what the network writes after training, one
 * line, new lines shown as ↵. */
static void sample_band(const ViewCtx *c)
{
    const Rect r = c->lo->band;
    const char *text = c->vm->sample;
    if (r.h <= 0 || !text[0])
        return;
    float k = c->k;
    char line[4 * VM_SAMPLE_LEN + 1];
    size_t o = 0;
    for (const char *p = text; *p && o + 4 < sizeof line; p++) {
        if (*p == '\n') {
            memcpy(line + o, "↵", 3);
            o += 3;
        } else {
            line[o++] = *p;
        }
    }
    line[o] = '\0';
    dl_rect(c->dl, r.x, r.y, r.w, r.h, tm->radius_band * k, c->th->panel);
    dl_rect_outline(c->dl, r.x, r.y, r.w, r.h, tm->radius_band * k, tm->lw_button_edge * k,
                    c->th->panel_edge);
    char label[64];
    snprintf(label, sizeof label, "the network writes (iteration %ld):", c->vm->iteration);
    vt_text(c, r.x + tm->net_pad * k, r.y + tm->band_label_y * k, DL_FONT_SANS,
            tm->fs_band_label * k, DL_ALIGN_LEFT, c->th->text_dim, label, r.w - tm->band_pad2 * k);
    /* as many characters per line as the mono font fits, two lines */
    float fs = tm->fs_band_text * k, cw = vt_width(c, DL_FONT_MONO, fs, "M");
    int per = cw > 0 ? (int)((r.w - tm->band_pad2 * k) / cw) : 40;
    const char *p = line;
    for (int row = 0; row < 2 && *p; row++) {
        char part[4 * VM_SAMPLE_LEN + 1];
        size_t n = 0;
        for (int chars = 0; p[n] && chars < per; chars++) {
            n++;
            while (((unsigned char)p[n] & 0xC0) == 0x80)
                n++;
        }
        memcpy(part, p, n);
        part[n] = '\0';
        vt_text(c, r.x + tm->net_pad * k, r.y + tm->band_text_y * k + row * fs * 1.25f,
                DL_FONT_MONO, fs, DL_ALIGN_LEFT, c->th->text, part, r.w - tm->band_pad2 * k);
        p += n;
    }
}

/* The whole sequence in a strip under the grid: each step's gradient norm
 * (layer 0) as a bar, and the columns in view framed. */
static void overview_strip(const ViewCtx *c, int t0, int t1)
{
    const Rect r = c->lo->overview;
    if (r.h <= 0)
        return;
    const Theme *th = c->th;
    int T = c->lo->steps;
    float cw = r.w / T;
    dl_rect(c->dl, r.x, r.y, r.w, r.h, 0, th->grid);
    for (int t = 0; t < T; t++) {
        bool b = c->vm->node[t].bwd;
        float u = b ? (float)cs_grad_unit(c->vm->grad_h[t]) : 0.15f;
        dl_rect(c->dl, r.x + t * cw, r.y + r.h * (1 - u), fmaxf(cw - 1, 1), r.h * u, 0,
                b ? th->backward : th->forward);
    }
    dl_rect_outline(c->dl, r.x + t0 * cw, r.y - 2, (t1 - t0 + 1) * cw, r.h + 4, 0,
                    tm->lw_highlight * c->k * 0.6f, th->text);
}

void netview_draw(const ViewCtx *c)
{
    const Layout *lo = c->lo;
    const Theme *th = c->th;
    float k = c->k;
    row_labels(c);
    int t0, t1;
    layout_visible_cols(lo, &t0, &t1);
    VmOp cur = c->vm->cur;
    bool has_cur = c->vm->has_cur;
    dl_clip_push(c->dl, lo->grid.x - tm->head_clip_margin * k, lo->net.y,
                 lo->grid.w + tm->head_clip_margin2 * k, lo->net.h);
    /* headers every n-th column when "t = 99" is wider than a column */
    float head_w =
        vt_width(c, DL_FONT_SANS_BOLD, tm->fs_step_head * k, "t = 99") + tm->head_inset * k;
    int every = (int)ceilf(head_w / lo->col_w), nice[] = {1, 2, 5, 10, 20, 50, 100};
    for (int i = 0; i < 7; i++)
        if (nice[i] >= every) {
            every = nice[i];
            break;
        }
    for (int t = t0; t <= t1; t++) {
        char head[24];
        bool here = has_cur && cur.t == t;
        if (t % every != 0 && !(here && every == 1))
            continue;
        if (every > 1)
            snprintf(head, sizeof head, "%d", t);
        else
            snprintf(head, sizeof head, "t = %d", t);
        vt_text(c, layout_col_x(lo, t), lo->net.y + tm->head_y * k,
                here ? DL_FONT_SANS_BOLD : DL_FONT_SANS, tm->fs_step_head * k, DL_ALIGN_CENTER,
                here ? th->text : th->text_dim, head, 0);
    }
    for (int t = t0; t <= t1 && !marks_only(c); t++)
        edges_at(c, t);
    for (int t = t0; t <= t1; t++) {
        input_node(c, t);
        for (int l = 0; l < lo->layers; l++)
            layer_node(c, l, t);
        output_node(c, t);
        loss_node(c, t);
    }
    animate(c);
    dl_clip_pop(c->dl);
    colour_bars(c);
    sample_band(c);
    overview_strip(c, t0, t1);
    /* Scroll hint: how much of the sequence is out of view. */
    if (t0 > 0 || t1 < lo->steps - 1) {
        char buf[64];
        snprintf(buf, sizeof buf, "steps %d–%d of %d", t0, t1, lo->steps);
        vt_text(c, lo->grid.x + lo->grid.w, lo->grid.y + lo->grid.h - tm->scroll_hint_dy * k,
                DL_FONT_SANS, tm->fs_scroll_hint * k, DL_ALIGN_RIGHT, th->text_dim, buf, 0);
    }
}
