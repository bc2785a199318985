/*
 * The plots under the inspector, one at a time behind tabs:
 * - gradients: ||dL/dh_t|| (and ||dL/dc_t||) against t on a log axis, one
 *   series per layer, filled in as the backward pass reaches each node,
 *   with the sigma_max^(T-1-t) line only where it is a bound (an RNN, one
 *   layer, one loss at the last step), rho^(T-1-t) as the asymptotic rate,
 *   the product of per-step backward gains of the propagated part, steps
 *   shaded vanishing or exploding by that product (the rule is stated on
 *   the plot), the RNN/GRU/LSTM comparison overlaid,
 *   and under it each step's share of dL/dW_hh (RNNbow);
 * - loss over training iterations (log axis);
 * - eigenvalues of W_hh against the unit circle;
 * - a heatmap of ||dL/dh_t|| over steps and iterations.
 * Non-finite values are labelled markers, never a broken line.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "view_parts.h"

static const ThemeMetrics *const tm = &theme_metrics;

static const DlColor series[4] = {
    {0, 114, 178, 255}, {0, 158, 115, 255}, {204, 121, 167, 255}, {86, 180, 233, 255}};
static const DlColor cell_colors[3] = {{0, 114, 178, 255}, {0, 158, 115, 255}, {213, 94, 0, 255}};

typedef struct {
    Rect area;
    double x0, x1; /* data range on x */
    double lo, hi; /* data range on y (log10 for log axes) */
    /* the legend column's bottom: below the axes (0: the axes' bottom),
     * since the ticks and bars under the axes leave it free */
    float legend_bottom;
} Axes;

static float ax_x(const Axes *a, double x)
{
    double span = a->x1 - a->x0;
    return a->area.x + (float)(span > 0 ? (x - a->x0) / span : 0.5) * a->area.w;
}

static float ax_y(const Axes *a, double y)
{
    double v = (a->hi - y) / (a->hi - a->lo);
    v = v < -0.02 ? -0.02 : v > 1.02 ? 1.02 : v;
    return a->area.y + a->area.h * (float)v;
}

static void decade_label(char *buf, size_t cap, int e)
{
    static const char *sup[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    char digits[16];
    snprintf(digits, sizeof digits, "%d", e < 0 ? -e : e);
    size_t o = (size_t)snprintf(buf, cap, "10%s", e < 0 ? "⁻" : "");
    for (const char *d = digits; *d && o + 4 < cap; d++)
        o += (size_t)snprintf(buf + o, cap - o, "%s", sup[*d - '0']);
}

static int nice_step(double span, int target)
{
    static const int steps[] = {1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (span / steps[i] <= target)
            return steps[i];
    return 10000;
}

/* Log grid on y: major ticks at powers of ten only, labelled 10ⁿ, as many
 * as have room (every decade, or every 2nd, 5th...), each label whole
 * inside the axis; minor ticks at 2x and 5x unlabelled. */
static void log_y(const ViewCtx *c, const Axes *a)
{
    const Theme *th = c->th;
    float k = c->k, fs = tm->fs_tick * k, fh = vt_height(c, DL_FONT_SANS, fs);
    Rect r = a->area;
    float per_decade = r.h / (float)(a->hi - a->lo);
    int step = (int)ceilf(fh * 1.5f / per_decade);
    step = step <= 1 ? 1 : step <= 2 ? 2 : step <= 5 ? 5 : 10 * ((step + 9) / 10);
    for (int e = (int)ceil(a->lo); e <= (int)floor(a->hi); e++) {
        float y = ax_y(a, e);
        dl_line(c->dl, r.x, y, r.x + r.w, y, tm->lw_grid * k, th->grid);
        char lab[32];
        decade_label(lab, sizeof lab, e);
        if (e % step == 0 && y - fh / 2 >= r.y - 1 && y + fh / 2 <= r.y + r.h + 1)
            vt_text(c, r.x - tm->tick_gap * k, y - fh / 2, DL_FONT_SANS, fs, DL_ALIGN_RIGHT,
                    th->text_dim, lab, 0);
    }
    if (per_decade < 2 * tm->tick_min_gap * k)
        return;
    for (int e = (int)floor(a->lo); e <= (int)ceil(a->hi); e++)
        for (int m = 2; m <= 5; m += 3) {
            double lg = e + log10(m);
            if (lg > a->lo && lg < a->hi)
                dl_line(c->dl, r.x, ax_y(a, lg), r.x + r.w, ax_y(a, lg), tm->lw_minor_grid * k,
                        color_alpha(th->grid, 160));
        }
}

/* Frame, the log grid on y, ticks on x as far apart as their labels need. */
static void log_axes(const ViewCtx *c, const Axes *a, const char *xlabel)
{
    const Theme *th = c->th;
    float k = c->k, fs = tm->fs_tick * k;
    Rect r = a->area;
    dl_rect(c->dl, r.x, r.y, r.w, r.h, 0, th->bg);
    log_y(c, a);
    char widest[24];
    snprintf(widest, sizeof widest, "%ld", (long)fmax(fabs(a->x0), fabs(a->x1)));
    float pitch = fmaxf(tm->x_tick_pitch * k, 2.2f * vt_width(c, DL_FONT_SANS, fs, widest));
    int ts = nice_step(a->x1 - a->x0, (int)fmaxf(1, r.w / pitch));
    for (long x = (long)ceil(a->x0 / ts) * ts; x <= a->x1; x += ts) {
        char lab[24];
        snprintf(lab, sizeof lab, "%ld", x);
        vt_text(c, ax_x(a, (double)x), r.y + r.h + tm->x_tick_y * k, DL_FONT_SANS, fs,
                DL_ALIGN_CENTER, th->text_dim, lab, 0);
    }
    float ly = r.y + r.h + tm->x_tick_y * k + vt_height(c, DL_FONT_SANS, fs);
    vt_text(c, r.x + r.w / 2, ly, DL_FONT_SANS_ITALIC, tm->fs_axis_label * k, DL_ALIGN_CENTER,
            th->text_dim, xlabel, 0);
}

static void frame(const ViewCtx *c, const Axes *a)
{
    dl_rect_outline(c->dl, a->area.x, a->area.y, a->area.w, a->area.h, 0, tm->lw_frame * c->k,
                    c->th->panel_edge);
}

/* A log-scale series: runs of finite positive values as polylines, each
 * non-finite value a labelled marker at the top of the axis. NaN means
 * "not computed yet" where node i's backward has not run (done NULL: all
 * computed). */
static void log_series(const ViewCtx *c, const Axes *a, const double *v, const VmNode *done, int n,
                       int stride, DlColor col, float width, bool dots)
{
    float k = c->k, pts[2 * 512];
    int m = 0, every = n > 512 ? (n + 511) / 512 : 1;
    for (int i = 0; i <= n; i += (i == n ? 1 : every)) {
        double g = i < n ? v[(size_t)i * stride] : NAN;
        bool ok = isfinite(g) && g > 0;
        if (ok && m < 512) {
            pts[2 * m] = ax_x(a, i);
            pts[2 * m + 1] = ax_y(a, log10(g));
            m++;
        }
        if (i < n && !ok && (!isnan(g) || !done || done[i].bwd)) {
            bool top = !isfinite(g);
            float x = ax_x(a, i), y = top ? a->area.y + tm->marker_inset * k
                                          : a->area.y + a->area.h - tm->marker_inset * k;
            dl_circle(c->dl, x, y, tm->marker_r * k, c->th->bad);
            vt_text(c, x, top ? y + tm->marker_label_below * k : y - tm->marker_label_above * k,
                    DL_FONT_SANS_BOLD, tm->fs_marker * k, DL_ALIGN_CENTER, c->th->bad,
                    isnan(g)   ? "NaN"
                    : isinf(g) ? "Inf"
                               : "0",
                    0);
        }
        if ((!ok || i == n) && m > 0) {
            if (m >= 2)
                dl_polyline(c->dl, pts, m, width, col);
            for (int j = 0; j < m && dots; j++)
                dl_circle(c->dl, pts[2 * j], pts[2 * j + 1], tm->series_dot_r * k, col);
            m = 0;
        }
        if (i == n)
            break;
    }
}

/* Legends stand in a column right of the plot (tm->legend_w), never on
 * the curves. */

/* A swatch and its label; swatch false: a plain line of figures. */
static void legend_row(const ViewCtx *c, const Axes *a, int row, const char *label, DlColor col,
                       bool swatch)
{
    float k = c->k, x = a->area.x + a->area.w + tm->legend_gap * k,
          y = a->area.y + tm->legend_top * k + row * tm->legend_row_h * k;
    float bottom = a->legend_bottom > 0 ? a->legend_bottom : a->area.y + a->area.h;
    if (y + vt_height(c, DL_FONT_SANS_BOLD, tm->fs_legend * k) > bottom)
        return; /* no room: the lowest rows give way */
    if (swatch)
        dl_rect(c->dl, x, y + tm->swatch_y * k, tm->swatch_w * k, tm->swatch_h * k,
                tm->radius_swatch * k, col);
    vt_text(
        c, x + (swatch ? tm->swatch_gap : 0) * k, y, DL_FONT_SANS_BOLD, tm->fs_legend * k,
        DL_ALIGN_LEFT, col, label,
        (tm->legend_w - (swatch ? tm->swatch_gap + tm->legend_text_inset : tm->legend_text_inset)) *
            k);
}

static void legend(const ViewCtx *c, const Axes *a, int row, const char *label, DlColor col)
{
    legend_row(c, a, row, label, col, true);
}

/* A note in the middle of the axes, wrapped at spaces onto as many lines
 * as it needs; a word wider than the axes is not drawn at all. */
static void message(const ViewCtx *c, const Axes *a, const char *text)
{
    float k = c->k, fs = tm->fs_message * k, lh = vt_height(c, DL_FONT_SANS, fs);
    float room = a->area.w - tm->message_inset * k, y = a->area.y + a->area.h / 2 - lh;
    char line[256] = "", probe[256];
    for (const char *p = text; *p;) {
        const char *sp = strchr(p, ' ');
        size_t n = sp ? (size_t)(sp - p) : strlen(p);
        snprintf(probe, sizeof probe, "%s%s%.*s", line, line[0] ? " " : "", (int)n, p);
        if (line[0] && vt_width(c, DL_FONT_SANS, fs, probe) > room) {
            vt_text(c, a->area.x + a->area.w / 2, y, DL_FONT_SANS, fs, DL_ALIGN_CENTER,
                    c->th->text_dim, line, 0);
            y += lh;
            snprintf(probe, sizeof probe, "%.*s", (int)n, p);
        }
        snprintf(line, sizeof line, "%s", probe);
        p += n + (sp != NULL);
    }
    if (vt_width(c, DL_FONT_SANS, fs, line) <= room)
        vt_text(c, a->area.x + a->area.w / 2, y, DL_FONT_SANS, fs, DL_ALIGN_CENTER, c->th->text_dim,
                line, 0);
}

static void range_of(const double *v, int n, int stride, double *lo, double *hi, int *count)
{
    for (int i = 0; i < n; i++) {
        double g = v[(size_t)i * stride];
        if (isfinite(g) && g > 0) {
            *lo = fmin(*lo, log10(g));
            *hi = fmax(*hi, log10(g));
            (*count)++;
        }
    }
}

/* ---- gradients ------------------------------------------------------------ */

/* The shading rule, stated on the plot and in the help: step t is
 * vanishing where the product of the per-step backward gains of the
 * propagated part from T-1 down to t (gain_prod, layer 0) is below 1e-3,
 * exploding where it is above 1e3. A step's own loss never enters it. */
#define VANISH_BELOW 1e-3
#define EXPLODE_ABOVE 1e3

static void shade_step(const ViewCtx *c, const Axes *a, int t, bool vanish, bool *labelled)
{
    const Theme *th = c->th;
    float k = c->k, x0 = fmaxf(a->area.x, ax_x(a, t - 0.5)),
          x1 = fminf(a->area.x + a->area.w, ax_x(a, t + 0.5));
    DlColor col = vanish ? th->forward : th->backward;
    dl_rect(c->dl, x0, a->area.y, x1 - x0, a->area.h, 0, color_alpha(col, vanish ? 30 : 34));
    if (*labelled)
        return;
    *labelled = true;
    vt_text(c, x0 + 4 * k, vanish ? a->area.y + a->area.h - 22 * k : a->area.y + 40 * k,
            DL_FONT_SANS_BOLD, 14 * k, DL_ALIGN_LEFT, col, vanish ? "vanishing" : "exploding", 0);
}

static void regions(const ViewCtx *c, const Axes *a)
{
    const ViewModel *vm = c->vm;
    bool said[2] = {false, false};
    if (!vm->gain_prod)
        return;
    for (int t = vm->T - 1; t >= 0; t--) {
        double p = vm->gain_prod[t]; /* layer 0 */
        if (isfinite(p) && p < VANISH_BELOW)
            shade_step(c, a, t, true, &said[0]);
        else if (p > EXPLODE_ABOVE)
            shade_step(c, a, t, false, &said[1]);
    }
}

/* The shading rule, stated above the axes at the legend size: on one line
 * when it fits, else a line per clause, each wrapped at spaces. Returns
 * the height used; emit false only measures. */
static float rule_note(const ViewCtx *c, float x, float y, float w, bool emit)
{
    static const char *const whole =
        "shaded by Π gains T−1→t of layer 0: < 10⁻³ vanishing, > 10³ exploding";
    static const char *const parts[] = {"shaded by Π gains T−1→t of layer 0:",
                                        "< 10⁻³ vanishing, > 10³ exploding"};
    float fs = tm->fs_legend * c->k, lh = vt_height(c, DL_FONT_SANS, fs), y0 = y;
    if (vt_width(c, DL_FONT_SANS, fs, whole) <= w) {
        if (emit)
            vt_text(c, x, y, DL_FONT_SANS, fs, DL_ALIGN_LEFT, c->th->text_dim, whole, 0);
        return lh;
    }
    for (int i = 0; i < 2; i++) {
        char line[128] = "", probe[128];
        for (const char *p = parts[i]; *p;) {
            const char *sp = strchr(p, ' ');
            size_t n = sp ? (size_t)(sp - p) : strlen(p);
            snprintf(probe, sizeof probe, "%s%s%.*s", line, line[0] ? " " : "", (int)n, p);
            if (line[0] && vt_width(c, DL_FONT_SANS, fs, probe) > w) {
                if (emit)
                    vt_text(c, x, y, DL_FONT_SANS, fs, DL_ALIGN_LEFT, c->th->text_dim, line, 0);
                y += lh;
                snprintf(probe, sizeof probe, "%.*s", (int)n, p);
            }
            snprintf(line, sizeof line, "%s", probe);
            p += n + (sp != NULL);
        }
        if (emit)
            vt_text(c, x, y, DL_FONT_SANS, fs, DL_ALIGN_LEFT, c->th->text_dim, line, 0);
        y += lh;
    }
    return y - y0;
}

/* base^(T-1-t) * ref, drawn from the last step back. */
static void power_line(const ViewCtx *c, const Axes *a, double base, double ref, int T, DlColor col,
                       float width)
{
    if (!(isfinite(base) && base > 0 && isfinite(ref) && ref > 0) || T < 2)
        return;
    float pts[4] = {ax_x(a, T - 1), ax_y(a, log10(ref)), ax_x(a, 0),
                    ax_y(a, log10(ref) + (T - 1) * log10(base))};
    /* keep the slope when the far end leaves the axis: clip on y */
    double lg0 = log10(ref) + (T - 1) * log10(base);
    if (lg0 > a->hi || lg0 < a->lo) {
        double edge = lg0 > a->hi ? a->hi : a->lo;
        double t_edge = (T - 1) - (edge - log10(ref)) / log10(base);
        pts[2] = ax_x(a, t_edge);
        pts[3] = ax_y(a, edge);
    }
    dl_polyline(c->dl, pts, 2, width, col);
}

/* Each step's share of dL/dW_hh (layer 0), bars under the gradient plot. */
static void contrib_bars(const ViewCtx *c, Rect r, int T)
{
    const double *share = c->vm->contrib;
    const Theme *th = c->th;
    float k = c->k;
    double mx = 0;
    for (int t = 0; t < T; t++) {
        double v = share[t];
        if (isfinite(v) && v > mx)
            mx = v;
    }
    char lab[40 + VM_NAME_LEN];
    static const char *const forms[] = {"each step's share of ∂L/∂%s", "share of ∂L/∂%s",
                                        "∂L/∂%s by step"};
    for (int i = 0; i < 3; i++) {
        snprintf(lab, sizeof lab, forms[i], c->vm->contrib_name);
        if (vt_width(c, DL_FONT_SANS, tm->fs_bars_label * k, lab) <= r.w) {
            vt_text(c, r.x, r.y, DL_FONT_SANS, tm->fs_bars_label * k, DL_ALIGN_LEFT, th->text_dim,
                    lab, 0);
            break;
        }
    }
    float by = r.y + tm->bars_label_h * k, bh = r.h - tm->bars_label_h * k, bw = r.w / T;
    dl_line(c->dl, r.x, by + bh, r.x + r.w, by + bh, tm->lw_grid * k, th->panel_edge);
    if (mx <= 0)
        return;
    for (int t = 0; t < T; t++) {
        double v = share[t];
        if (isnan(v))
            continue;
        float h = isfinite(v) ? (float)(v / mx) * bh : bh;
        dl_rect(c->dl, r.x + t * bw + bw * 0.12f, by + bh - h, bw * 0.76f, h, 0,
                isfinite(v) ? th->backward : th->bad);
    }
}

/* The y range of the gradient plot: every computed norm (and the
 * comparison's); shown counts the finite ones, overflow the computed but
 * not finite ones, which are still labelled. */
static void grad_range(const ViewModel *vm, bool with_cmp, double *lo, double *hi, int *shown,
                       int *overflow)
{
    int L = vm->L, T = vm->T;
    for (int l = 0; l < L; l++)
        for (int t = 0; t < T; t++) {
            double g[2] = {vm->grad_h[l * T + t], vm->grad_c[l * T + t]};
            range_of(g, 2, 1, lo, hi, shown);
            *overflow += !isfinite(g[0]) && vm->node[l * T + t].bwd;
        }
    for (int cc = 0; with_cmp && cc < 3; cc++)
        range_of(vm->cmp.grad_h[cc], T, 1, lo, hi, shown);
}

/* One series per layer (and the cell state for LSTM), or the comparison. */
static int grad_series(const ViewCtx *c, const Axes *a, bool with_cmp)
{
    const ViewModel *vm = c->vm;
    float k = c->k;
    int L = vm->L, T = vm->T, row = 0;
    if (with_cmp) {
        static const char *names[3] = {"RNN", "GRU", "LSTM"};
        for (int cc = 0; cc < 3; cc++) {
            log_series(c, a, vm->cmp.grad_h[cc], NULL, T, 1, color_alpha(cell_colors[cc], 200),
                       tm->lw_series_cmp * k, false);
            legend(c, a, row++, names[cc], cell_colors[cc]);
        }
        return row;
    }
    for (int l = 0; l < L; l++) {
        char lab[48]; /* "‖∂L/∂hₜ‖ layer " is 26 bytes of UTF-8, plus an int */
        const VmNode *done = vm->node + l * T;
        log_series(c, a, vm->grad_h + l * T, done, T, 1, series[l % 4], tm->lw_series * k, T <= 60);
        snprintf(lab, sizeof lab, L > 1 ? "‖∂L/∂hₜ‖ L%d" : "‖∂L/∂hₜ‖", l);
        legend(c, a, row++, lab, series[l % 4]);
        if (vm->cell == VM_CELL_LSTM) {
            log_series(c, a, vm->grad_c + l * T, done, T, 1, color_alpha(c->th->cell, 230),
                       tm->lw_series_cell * k, false);
            snprintf(lab, sizeof lab, L > 1 ? "‖∂L/∂cₜ‖ L%d" : "‖∂L/∂cₜ‖", l);
            legend(c, a, row++, lab, c->th->cell);
        }
    }
    return row;
}

/* "what = 1.025" as a legend row, or the number on a row of its own when
 * the two do not fit the legend's width; returns the next row. */
static int figure_rows(const ViewCtx *c, const Axes *a, int row, const char *what, double v)
{
    char num[32], lab[64];
    vt_rho(num, sizeof num, v);
    snprintf(lab, sizeof lab, "%s %s", what, num);
    float room = (tm->legend_w - tm->legend_text_inset) * c->k;
    if (vt_width(c, DL_FONT_SANS_BOLD, tm->fs_legend * c->k, lab) <= room) {
        legend_row(c, a, row, lab, c->th->text_dim, false);
        return row + 1;
    }
    legend_row(c, a, row, what, c->th->text_dim, false);
    legend_row(c, a, row + 1, num, c->th->text_dim, false);
    return row + 2;
}

/* RNN: the guides from the last step back, and their legend rows from
 * row on. sigma_max^(T-1-t) is drawn only where it bounds the data. */
static int grad_guides(const ViewCtx *c, const Axes *a, int row)
{
    const ViewModel *vm = c->vm;
    const Theme *th = c->th;
    if (vm->sigma_bounds && (vm->display.shown & VM_SHOW_SIGMA)) {
        legend(c, a, row++, "σ_max^(T−1−t)", color_alpha(th->text, 140));
        row = figure_rows(c, a, row, "bound, σ_max =", vm->sigma);
    }
    if (!(vm->display.shown & VM_SHOW_RHO)) /* not taught yet */
        return row;
    legend(c, a, row++, "ρ^(T−1−t)", color_alpha(th->text_dim, 170));
    return figure_rows(c, a, row, "rate, ρ =", vm->rho);
}

/* The product of the per-step backward gains from T-1 down to t, layer 0:
 * the propagated part alone, apart from each step's own loss. */
static void gain_series(const ViewCtx *c, const Axes *a, int row)
{
    const ViewModel *vm = c->vm;
    if (!vm->gain_prod)
        return;
    DlColor col = color_alpha(c->th->text, 200);
    float pts[2 * 512];
    int m = 0;
    /* finite positive products only: a product not yet formed is no marker */
    for (int t = vm->T - 1; t >= 0 && m < 512; t--) {
        double p = vm->gain_prod[t];
        if (!(isfinite(p) && p > 0))
            break;
        pts[2 * m] = ax_x(a, t);
        pts[2 * m + 1] = ax_y(a, log10(p));
        if (vm->T <= 60)
            dl_circle(c->dl, pts[2 * m], pts[2 * m + 1], 3 * c->k, col);
        m++;
    }
    if (m >= 2)
        dl_polyline(c->dl, pts, m, 1.4f * c->k, col);
    legend(c, a, row, "Π gains T−1→t", col);
}

static void plot_grad(const ViewCtx *c, Rect R)
{
    const ViewModel *vm = c->vm;
    const Theme *th = c->th;
    float k = c->k;
    int L = vm->L, T = vm->T;
    bool with_cmp = vm->cmp.valid && vm->cmp.T == T && vm->cmp.L == L;
    double lo = INFINITY, hi = -INFINITY;
    int shown = 0, overflow = 0;
    grad_range(vm, with_cmp, &lo, &hi, &shown, &overflow);
    if (vm->gain_prod && !with_cmp)
        range_of(vm->gain_prod, T, 1, &lo, &hi, &shown);
    /* a short panel (the inspector took its room) keeps the curves and
     * drops the per-step shares under them */
    float bars_h = R.h >= 220 * k ? tm->bars_h * k : 0;
    bool rule = !with_cmp && vm->gain_prod && (shown || overflow);
    float rule_x = R.x + tm->region_label_x * k, rule_w = R.w - 2 * tm->region_label_x * k;
    float rule_h = rule ? rule_note(c, rule_x, 0, rule_w, false) + tm->plot_pad_t * k : 0;
    Axes a = {{R.x + tm->plot_pad_l * k, R.y + tm->plot_pad_t * k + rule_h,
               R.w - (tm->plot_pad_r + tm->legend_w) * k,
               R.h - tm->plot_pad_b_grad * k - bars_h - rule_h},
              0,
              T - 1,
              -3,
              1,
              R.y + R.h - tm->plot_pad_t * k};
    if (shown) {
        a.lo = floor(lo) - 0.3;
        a.hi = ceil(hi) + 0.6;
        if (a.hi - a.lo < 2)
            a.lo = a.hi - 2;
    }
    log_axes(c, &a, "step t");
    if (!shown && !overflow) {
        frame(c, &a);
        message(c, &a, "fills in as the backward pass runs (B)");
        return;
    }
    double ref = vm->grad_h[T - 1]; /* layer 0, last step */
    int els = vm->display.shown;    /* what the lesson has taught */
    if (!with_cmp && (els & VM_SHOW_BANDS))
        regions(c, &a);
    if (rule && (els & VM_SHOW_BANDS))
        rule_note(c, rule_x, R.y + tm->plot_pad_t * k, rule_w, true);
    bool guides = vm->cell == VM_CELL_RNN && !with_cmp && isfinite(ref) && ref > 0;
    /* ||dL/dh_k|| <= sigma_max^(T-1-k) ||dL/dh_{T-1}|| */
    if (guides && vm->sigma_bounds && (els & VM_SHOW_SIGMA))
        power_line(c, &a, vm->sigma, ref, T, color_alpha(th->text, 140), tm->lw_sigma_guide * k);
    if (guides && (els & VM_SHOW_RHO))
        power_line(c, &a, vm->rho, ref, T, color_alpha(th->text_dim, 170), tm->lw_rho_guide * k);
    int row = grad_series(c, &a, with_cmp);
    if (guides)
        row = grad_guides(c, &a, row);
    if (!with_cmp)
        gain_series(c, &a, row);
    frame(c, &a);
    Rect bars = {a.area.x, a.area.y + a.area.h + tm->bars_gap * k, a.area.w,
                 bars_h - tm->bars_bottom_gap * k};
    if (bars_h > 0)
        contrib_bars(c, bars, T);
}

/* ---- loss over iterations ---------------------------------------------------- */

/* The last iteration's figures beside the loss curve. */
static void loss_legend(const ViewCtx *c, const Axes *a)
{
    const VmHistory *h = &c->vm->hist;
    char lab[64];
    legend(c, a, 0, "loss", c->th->forward);
    vt_loss(lab, sizeof lab, h->last_loss);
    legend_row(c, a, 1, lab, c->th->text, false);
    vt_fmt(lab, sizeof lab, "accuracy %.0f%%", 100 * h->last_accuracy);
    legend_row(c, a, 2, lab, c->th->text_dim, false);
    vt_fmt(lab, sizeof lab, "‖∇‖ %.3g", h->last_grad_norm);
    legend_row(c, a, 3, lab, c->th->text_dim, false);
    snprintf(lab, sizeof lab, "iteration %ld", h->last_iter);
    legend_row(c, a, 4, lab, c->th->text_dim, false);
}

static void plot_loss(const ViewCtx *c, Rect R)
{
    const VmHistory *h = &c->vm->hist;
    const VmCompare *cmp = &c->vm->cmp;
    float k = c->k;
    int m = h->n;
    bool with_cmp = cmp->valid && cmp->iters > 1;
    Axes a = {{R.x + tm->plot_pad_l * k, R.y + tm->plot_pad_t * k,
               R.w - (tm->plot_pad_r + tm->legend_w) * k, R.h - tm->plot_pad_b * k},
              0,
              1,
              -2,
              1,
              0};
    double lo = INFINITY, hi = -INFINITY;
    int shown = 0;
    range_of(h->loss, m, 1, &lo, &hi, &shown);
    for (int cc = 0; with_cmp && cc < 3; cc++)
        range_of(cmp->loss[cc], cmp->iters, 1, &lo, &hi, &shown);
    if (shown) {
        a.lo = floor(lo * 2) / 2 - 0.1;
        a.hi = ceil(hi * 2) / 2 + 0.1;
    }
    long first = h->first_iter;
    a.x0 = with_cmp ? 0 : first - 1;
    a.x1 = with_cmp ? cmp->iters - 1 : fmax(first, first - 1 + m - 1);
    log_axes(c, &a, "training iteration");
    if (!shown && !m && !with_cmp) { /* a history of overflows only is still labelled */
        frame(c, &a);
        message(c, &a, "train (T) to see the loss fall");
        return;
    }
    if (with_cmp) {
        static const char *names[3] = {"RNN", "GRU", "LSTM"};
        for (int cc = 0; cc < 3; cc++) {
            log_series(c, &a, cmp->loss[cc], NULL, cmp->iters, 1, cell_colors[cc],
                       tm->lw_series_loss * k, false);
            legend(c, &a, cc, names[cc], cell_colors[cc]);
        }
    } else {
        Axes shifted = a;
        shifted.x0 = 0;
        shifted.x1 = m > 1 ? m - 1 : 1;
        log_series(c, &shifted, h->loss, NULL, m, 1, c->th->forward, tm->lw_series_loss * k, false);
        loss_legend(c, &a);
    }
    frame(c, &a);
}

/* ---- eigenvalues ----------------------------------------------------------------- */

static void plot_eigen(const ViewCtx *c, Rect R)
{
    const ViewModel *vm = c->vm;
    const Theme *th = c->th;
    float k = c->k;
    const double *re = vm->eig_re, *im = vm->eig_im;
    int blocks = vm->eig_blocks, n = vm->eig_n;
    float side = fminf(R.w - tm->eigen_legend_w * k, R.h - tm->eigen_pad_b * k);
    Rect area = {R.x + tm->eigen_pad_l * k, R.y + tm->eigen_pad_t * k, side, side};
    double m = 1.15;
    for (int i = 0; i < n * blocks; i++)
        if (isfinite(re[i]) && isfinite(im[i]))
            m = fmax(m, 1.1 * hypot(re[i], im[i]));
    float cx = area.x + side / 2, cy = area.y + side / 2, scale = side / (2 * (float)m);
    dl_rect(c->dl, area.x, area.y, side, side, 0, th->bg);
    dl_line(c->dl, area.x, cy, area.x + side, cy, tm->lw_grid * k, th->grid);
    dl_line(c->dl, cx, area.y, cx, area.y + side, tm->lw_grid * k, th->grid);
    dl_circle_outline(c->dl, cx, cy, scale, tm->lw_unit_circle * k, th->text_dim);
    vt_text(c, cx + scale * 0.72f, cy - scale * 0.72f - tm->eigen_circle_label_dy * k,
            DL_FONT_SANS_ITALIC, tm->fs_eigen_note * k, DL_ALIGN_LEFT, th->text_dim, "|λ| = 1", 0);
    static const char *gate_names[4][4] = {
        {"W_hh", "", "", ""}, {"W_hr", "W_hz", "W_hn", ""}, {"W_hi", "W_hf", "W_hg", "W_ho"}};
    int which = blocks == 1 ? 0 : blocks == 3 ? 1 : 2;
    for (int b = 0; b < blocks; b++) {
        DlColor col = series[b % 4];
        for (int i = 0; i < n; i++) {
            double x = re[b * n + i], y = im[b * n + i];
            if (isfinite(x) && isfinite(y))
                dl_circle(c->dl, cx + (float)x * scale, cy - (float)y * scale, tm->eigen_dot_r * k,
                          col);
        }
        vt_text(c, area.x + side + tm->eigen_legend_gap * k,
                area.y + tm->eigen_legend_y * k + b * tm->eigen_legend_row * k, DL_FONT_SANS_BOLD,
                tm->fs_eigen_legend * k, DL_ALIGN_LEFT, col, gate_names[which][b], 0);
    }
    char lab[64], num[32];
    vt_rho(num, sizeof num, vm->rho);
    snprintf(lab, sizeof lab, "ρ = %s", num);
    vt_text(c, area.x + side + tm->eigen_legend_gap * k, area.y + tm->eigen_pad_t2 * k,
            DL_FONT_SANS_BOLD, tm->fs_eigen_rho * k, DL_ALIGN_LEFT, th->text, lab, 0);
    vt_rho(num, sizeof num, vm->sigma);
    snprintf(lab, sizeof lab, "σ_max = %s", num);
    vt_text(c, area.x + side + tm->eigen_legend_gap * k,
            area.y + tm->eigen_legend_y * k + blocks * tm->eigen_legend_row * k, DL_FONT_SANS,
            tm->fs_eigen_legend * k, DL_ALIGN_LEFT, th->text_dim, lab, 0);
    if (n == 0)
        message(c, &(Axes){area, 0, 1, 0, 1, 0}, "W_hh too large to decompose live");
    dl_rect_outline(c->dl, area.x, area.y, side, side, 0, tm->lw_frame * k, th->panel_edge);
}

/* ---- heatmap of gradient norms over iterations ---------------------------------------- */

/* At most 80 rows and 100 columns of cells, sampled evenly. */
#define HEAT_ROWS 80
#define HEAT_COLS 100

/* Iteration r's norm at column j (layer 0). */
static double heat_value(const ViewModel *vm, int rows, int cols, int r, int j)
{
    const double *g = vm->hist.grad_h[(int)((long)r * vm->hist.n / rows)];
    return g[(long)j * vm->T / cols];
}

static void heat_cells(const ViewCtx *c, const Axes *a, int rows, int cols, double *lo, double *hi)
{
    const ViewModel *vm = c->vm;
    const Theme *th = c->th;
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < cols; j++) {
            double g = heat_value(vm, rows, cols, r, j);
            if (isfinite(g) && g > 0) {
                *lo = fmin(*lo, log10(g));
                *hi = fmax(*hi, log10(g));
            }
        }
    float cw = a->area.w / cols, ch = a->area.h / rows;
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < cols; j++) {
            double g = heat_value(vm, rows, cols, r, j);
            DlColor col = !isfinite(g) ? th->bad
                          : g <= 0
                              ? cmap_sequential(0)
                              : cmap_sequential(*hi > *lo ? (log10(g) - *lo) / (*hi - *lo) : 1);
            dl_rect(c->dl, a->area.x + j * cw, a->area.y + r * ch, cw + 0.6f, ch + 0.6f, 0, col);
        }
}

/* The iteration labels on y, the steps on x and the colour range. */
static void heat_labels(const ViewCtx *c, const Axes *a, double lo, double hi)
{
    const Theme *th = c->th;
    float k = c->k;
    int T = c->vm->T;
    char lab[32];
    snprintf(lab, sizeof lab, "it %ld", c->vm->hist.first_iter);
    vt_text(c, a->area.x - tm->tick_gap * k, a->area.y, DL_FONT_SANS, tm->fs_heat_label * k,
            DL_ALIGN_RIGHT, th->text_dim, lab, 0);
    snprintf(lab, sizeof lab, "it %ld", c->vm->hist.last_iter);
    vt_text(c, a->area.x - tm->tick_gap * k, a->area.y + a->area.h - tm->heat_label_bottom * k,
            DL_FONT_SANS, tm->fs_heat_label * k, DL_ALIGN_RIGHT, th->text_dim, lab, 0);
    int ts = nice_step(T - 1, 8);
    for (int t = 0; t < T; t += ts) {
        snprintf(lab, sizeof lab, "%d", t);
        vt_text(c, a->area.x + (t + 0.5f) * a->area.w / T, a->area.y + a->area.h + tm->x_tick_y * k,
                DL_FONT_SANS, tm->fs_tick * k, DL_ALIGN_CENTER, th->text_dim, lab, 0);
    }
    char dec_lo[24], dec_hi[24], axis[96];
    decade_label(dec_lo, sizeof dec_lo, (int)floor(lo));
    decade_label(dec_hi, sizeof dec_hi, (int)ceil(hi));
    snprintf(axis, sizeof axis, "step t  ·  ‖∂L/∂hₜ‖ %s to %s", isfinite(lo) ? dec_lo : "–",
             isfinite(hi) ? dec_hi : "–");
    vt_text(c, a->area.x + a->area.w / 2, a->area.y + a->area.h + tm->axis_label_y * k,
            DL_FONT_SANS_ITALIC, tm->fs_axis_label * k, DL_ALIGN_CENTER, th->text_dim, axis, 0);
}

static void plot_heatmap(const ViewCtx *c, Rect R)
{
    float k = c->k;
    int n = c->vm->hist.n, T = c->vm->T;
    Axes a = {{R.x + tm->plot_pad_l * k, R.y + tm->plot_pad_t * k, R.w - tm->plot_pad_r * k,
               R.h - tm->plot_pad_b * k},
              0,
              T - 1,
              0,
              1,
              0};
    dl_rect(c->dl, a.area.x, a.area.y, a.area.w, a.area.h, 0, c->th->bg);
    if (n == 0) {
        frame(c, &a);
        message(c, &a, "train (T): each row is an iteration");
        return;
    }
    int rows = n < HEAT_ROWS ? n : HEAT_ROWS, cols = T < HEAT_COLS ? T : HEAT_COLS;
    double lo = INFINITY, hi = -INFINITY;
    heat_cells(c, &a, rows, cols, &lo, &hi);
    heat_labels(c, &a, lo, hi);
    frame(c, &a);
}

void plots_draw(const ViewCtx *c)
{
    const Rect R = c->lo->plots;
    const Theme *th = c->th;
    const VmDisplay *v = &c->vm->display;
    float k = c->k;
    dl_rect(c->dl, R.x, R.y, R.w, R.h, 0, th->panel);
    dl_line(c->dl, R.x, R.y, R.x + R.w, R.y, tm->lw_panel_edge * k, th->panel_edge);
    dl_line(c->dl, R.x, R.y, R.x, R.y + R.h, tm->lw_panel_edge * k, th->panel_edge);
    static const char *const tabs[VM_PLOT_COUNT] = {"Gradients", "Loss", "Eigen λ", "Heatmap"};
    float tw = (R.w - tm->tab_pad2 * k - 3 * tm->tab_gap * k) / VM_PLOT_COUNT,
          x = R.x + tm->tab_pad * k;
    float widths[VM_PLOT_COUNT] = {tw - tm->tab_label_inset * k, tw - tm->tab_label_inset * k,
                                   tw - tm->tab_label_inset * k, tw - tm->tab_label_inset * k};
    float fs = vt_fit_size(c, DL_FONT_SANS_BOLD, tm->fs_tab * k, tabs, VM_PLOT_COUNT, widths);
    for (int i = 0; i < VM_PLOT_COUNT; i++, x += tw + tm->tab_gap * k)
        vt_button_sized(c, (Rect){x, R.y + tm->tab_y * k, tw, tm->tab_h * k}, BTN_PLOT_GRAD + i,
                        tabs[i], (int)v->plot == i, fs);
    Rect body = {R.x, R.y + tm->tabs_h * k, R.w, R.h - tm->tabs_h * k};
    DlTextClass was = dl_text_class(c->dl, DL_TEXT_TICK);
    switch (v->plot) {
    case VM_PLOT_LOSS:
        plot_loss(c, body);
        break;
    case VM_PLOT_EIGEN:
        plot_eigen(c, body);
        break;
    case VM_PLOT_HEATMAP:
        plot_heatmap(c, body);
        break;
    default:
        plot_grad(c, body);
        break;
    }
    dl_text_class(c->dl, was);
}
