/*
 * The inspector: the current (or clicked) node's equations in Unicode math
 * (this engine's, for this cell and phase) and their numbers for the
 * displayed batch row, each a strip on an absolute colour scale with the
 * leading values printed beside it; batch figures say so.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "colorscale.h"
#include "view_parts.h"

typedef struct {
    const ViewCtx *c;
    float x, y, w, bottom;
    float fs;    /* body font size */
    float floor; /* the inspector's floor in pixels: no text smaller */
    bool emit;   /* false: only measure how far y goes */
    bool lean;   /* no room even at the floor: the optional notes give way */
    int ncol;    /* vector rows side by side: 1, or 2 when one column is too tall */
    int col;     /* the column the next vector row goes in */
} Pen;

/* Sizes relative to the body size, and the smallest of them (the numbers). */
#define EQ_SIZE 1.05f
#define NOTE_SIZE 0.9f
#define NUM_SIZE 0.85f

/* Ends a line of side-by-side vector rows before a text line. */
static void flush(Pen *p)
{
    if (p->col > 0)
        p->y += p->fs * 1.2f;
    p->col = 0;
}

/* One line of text at size (never below the floor), or nothing when it
 * falls past the bottom; y moves on by pitch either way. */
static void line_out(Pen *p, const char *text, DlFont font, float size, DlColor col, float pitch)
{
    if (p->emit && p->y + pitch <= p->bottom + 0.5f)
        vt_text(p->c, p->x, p->y, font, fmaxf(size, p->floor), DL_ALIGN_LEFT, col, text, p->w);
    p->y += pitch;
}

/* The longest prefix of s (in bytes) that ends before a space and fits w
 * at size; 0 when not even one word does. */
static size_t fit_prefix(const Pen *p, const char *s, DlFont font, float size, float w)
{
    char buf[512];
    size_t best = 0;
    for (size_t i = 1; s[i] && i < sizeof buf; i++) {
        if (s[i] != ' ' || s[i - 1] == ' ')
            continue;
        memcpy(buf, s, i);
        buf[i] = '\0';
        if (vt_width(p->c, font, size, buf) > w)
            break;
        best = i;
    }
    return best;
}

/* Text that never loses a word: at its size when it fits, else smaller
 * down to the floor, else wrapped at spaces (continuations indented). */
static void text_wrapped(Pen *p, const char *text, DlFont font, float size, DlColor col,
                         float pitch)
{
    const ViewCtx *c = p->c;
    float w = vt_width(c, font, size, text);
    if (w > p->w) {
        float smaller = fmaxf(p->floor, floorf(size * p->w / w * 100) / 100);
        if (vt_width(c, font, smaller, text) <= p->w) {
            line_out(p, text, font, smaller, col, pitch);
            return;
        }
    }
    const char *s = text;
    float indent = 0;
    char buf[512];
    for (int guard = 0; *s && guard < 16; guard++) {
        size = fmaxf(size, p->floor);
        float room = p->w - indent;
        size_t n =
            vt_width(c, font, size, s) <= room ? strlen(s) : fit_prefix(p, s, font, size, room);
        if (n == 0) /* one word wider than the panel: shown whole, smaller */
            n = strlen(s);
        snprintf(buf, sizeof buf, "%.*s", (int)n, s);
        p->x += indent;
        p->w -= indent;
        line_out(p, buf, font, size, col, pitch);
        p->x -= indent;
        p->w += indent;
        s += n;
        while (*s == ' ')
            s++;
        indent = p->fs * 1.2f;
    }
}

/* An equation line; two equations on one line ("a = …    b = …") take a
 * line each when they do not fit together. */
static void eq(Pen *p, const char *text)
{
    flush(p);
    float size = p->fs * EQ_SIZE, pitch = p->fs * 1.32f;
    const char *sep = strstr(text, "    ");
    if (sep && vt_width(p->c, DL_FONT_SANS, size, text) > p->w) {
        char first[256];
        snprintf(first, sizeof first, "%.*s", (int)(sep - text), text);
        text_wrapped(p, first, DL_FONT_SANS, size, p->c->th->text, pitch);
        while (*sep == ' ')
            sep++;
        text_wrapped(p, sep, DL_FONT_SANS, size, p->c->th->text, pitch);
        return;
    }
    text_wrapped(p, text, DL_FONT_SANS, size, p->c->th->text, pitch);
}

static void note(Pen *p, const char *text)
{
    flush(p);
    text_wrapped(p, text, DL_FONT_SANS, p->fs * NOTE_SIZE, p->c->th->text_dim, p->fs * 1.3f);
}

/* A note that gives way first when the panel is short even at the floor. */
static void aside(Pen *p, const char *text)
{
    if (!p->lean)
        note(p, text);
}

/* label | strip | prefix and the leading values; grad: the gradient log
 * scale, else the activation scale (both absolute, see colorscale.h).
 * The label and the norm are never cut: the strip gives way first, and
 * the values are as many whole numbers as fit (the rest on hover). */
/* After buf's first o bytes, the entries of v from [0] on as they fit
 * room; when some do not, "+N" says how many more there are (on hover). */
static void vec_numbers(const ViewCtx *c, char *buf, size_t cap, size_t o, const double *v, int n,
                        float fs, float room)
{
    size_t ends[64]; /* where each shown entry ends */
    int shown = 0;
    for (int i = 0; i < n && i < 64 && o + 16 < cap; i++) {
        char num[32];
        vt_num(num, sizeof num, v[i]);
        size_t was = o;
        o += (size_t)snprintf(buf + o, cap - o, "%s%s", i ? " " : "", num);
        if (vt_width(c, DL_FONT_MONO, fs, buf) > room) {
            buf[o = was] = '\0';
            break;
        }
        ends[shown++] = o;
    }
    /* "+N" after the last entry that leaves it room; at least one entry */
    for (int m = shown; m >= 1 && m < n; m--) {
        o = ends[m - 1];
        snprintf(buf + o, cap - o, " +%d", n - m);
        if (vt_width(c, DL_FONT_MONO, fs, buf) <= room)
            return;
        buf[o] = '\0';
    }
}

static void vec_row(Pen *p, const char *label, const double *v, int n, bool grad,
                    const char *prefix)
{
    const ViewCtx *c = p->c;
    float k = c->k, rh = p->fs * 1.2f, cw = p->w / p->ncol, x = p->x + p->col * cw;
    bool last = ++p->col >= p->ncol;
    if (last)
        p->col = 0;
    if (!p->emit || p->y + rh > p->bottom || !v) {
        p->y += last ? rh : 0;
        return;
    }
    float fs = fmaxf(p->fs * NUM_SIZE, p->floor), gap = 8 * k;
    char buf[512];
    size_t o = (size_t)snprintf(buf, sizeof buf, "%s", prefix);
    if (p->ncol > 1 && o > 5 && !strncmp(buf + o - 5, " │ ", 5)) /* two to a line: the norm */
        buf[o - 5] = '\0', o = sizeof buf;
    float pw = vt_width(c, DL_FONT_MONO, fs, buf);
    float lsize = p->fs, lw = vt_width(c, DL_FONT_SANS_BOLD, lsize, label);
    float lroom = cw - pw - 2 * gap - 24 * k;
    if (lw > lroom) {
        lsize = fmaxf(p->floor, floorf(lsize * lroom / lw * 100) / 100);
        lw = vt_width(c, DL_FONT_SANS_BOLD, lsize, label);
    }
    float right = cw - pw - gap - 6 * k; /* where the strip must end */
    float sw = fminf(cw * (p->ncol > 1 ? 0.22f : 0.3f), 16 * k * n);
    sw = fmaxf(16 * k, fminf(sw, right - lw - gap));
    float lcol = fmaxf(lw + gap, fminf(118 * k * (p->fs / (16 * k)), cw * 0.4f));
    lcol = fmaxf(lw + gap, fminf(lcol, right - sw));
    vt_text(c, x, p->y, DL_FONT_SANS_BOLD, lsize, DL_ALIGN_LEFT, c->th->text, label, lcol - gap);
    Rect strip = {x + lcol, p->y + 2 * k, sw, rh - 6 * k};
    if (grad)
        cs_grad_strip(c, strip, v, n);
    else
        cs_act_strip(c, strip, v, n);
    if (c->vp->mouse && c->tip && rect_contains(strip, c->vp->mouse_x, c->vp->mouse_y)) {
        /* hover: the exact value of the entry under the pointer */
        int i = (int)((c->vp->mouse_x - strip.x) / strip.w * n);
        i = i < 0 ? 0 : i >= n ? n - 1 : i;
        snprintf(c->tip, VIEW_TIP_CAP, "%s[%d] = %.17g", label, i, v[i]);
    }
    dl_rect_outline(c->dl, strip.x, strip.y, strip.w, strip.h, 0, 1 * k, c->th->panel_edge);
    float nx = strip.x + strip.w + gap, room = x + cw - nx - 6 * k;
    vec_numbers(c, buf, sizeof buf, o, v, n, fs, room);
    vt_text(c, nx, p->y + 1 * k, DL_FONT_MONO, fs, DL_ALIGN_LEFT, c->th->text_dim, buf, 0);
    p->y += last ? rh : 0;
}

/* A value row of the inspector's term `t`. */
static void act(Pen *p, const char *label, VmTerm t)
{
    VmVec v = p->c->vm->inspect.term[t];
    vec_row(p, label, v.v, v.n, false, "");
}

/* A gradient row: its norm (of this row) first, then the values. */
static void grad(Pen *p, const char *label, VmTerm t)
{
    VmVec v = p->c->vm->inspect.term[t];
    char pre[64], num[32];
    vt_num(num, sizeof num, v.norm);
    snprintf(pre, sizeof pre, "norm %s │ ", num);
    vec_row(p, label, v.v, v.n, true, pre);
}

/* "W_ix xₜ + b_ix + W_hx hₜ₋₁ + b_hx" for gate x, without b_hh when the
 * network has one bias per layer. */
static void gate_eq(Pen *p, const char *lhs, const char *f, const char *x)
{
    char line[200];
    if (p->c->vm->bias_hh)
        snprintf(line, sizeof line, "%s = %s(W_i%s xₜ + b_i%s + W_h%s hₜ₋₁ + b_h%s)", lhs, f, x, x,
                 x, x);
    else
        snprintf(line, sizeof line, "%s = %s(W_i%s xₜ + b_i%s + W_h%s hₜ₋₁)", lhs, f, x, x, x);
    eq(p, line);
}

static void forward_rnn(Pen *p, const ViewModel *vm, const char *xl)
{
    eq(p,
       vm->bias_hh ? "aₜ = W_ih xₜ + b_ih + W_hh hₜ₋₁ + b_hh" : "aₜ = W_ih xₜ + b_ih + W_hh hₜ₋₁");
    eq(p, vm->relu ? "hₜ = relu(aₜ)" : "hₜ = tanh(aₜ)");
    act(p, xl, VM_T_X);
    act(p, "hₜ₋₁", VM_T_H_PREV);
    act(p, "aₜ", VM_T_A);
    act(p, "hₜ", VM_T_H);
}

static void forward_gru(Pen *p, const char *xl)
{
    gate_eq(p, "rₜ", "σ", "r");
    gate_eq(p, "zₜ", "σ", "z");
    eq(p, "nₜ = tanh(W_in xₜ + b_in + rₜ ⊙ (W_hn hₜ₋₁ + b_hn))");
    eq(p, "hₜ = (1 − zₜ) ⊙ nₜ + zₜ ⊙ hₜ₋₁");
    aside(p, "W_ir, W_iz, W_in: the r, z, n rows of W_ih (so for W_hh, b_ih, b_hh)");
    act(p, xl, VM_T_X);
    act(p, "hₜ₋₁", VM_T_H_PREV);
    act(p, "rₜ reset", VM_T_GATE0);
    act(p, "zₜ update", VM_T_GATE1);
    act(p, "W_hn hₜ₋₁ + b_hn", VM_T_HN);
    act(p, "nₜ", VM_T_GATE2);
    act(p, "hₜ", VM_T_H);
}

static void forward_lstm(Pen *p, const char *xl)
{
    gate_eq(p, "iₜ", "σ", "i");
    gate_eq(p, "fₜ", "σ", "f");
    gate_eq(p, "gₜ", "tanh", "g");
    gate_eq(p, "oₜ", "σ", "o");
    eq(p, "cₜ = fₜ ⊙ cₜ₋₁ + iₜ ⊙ gₜ");
    eq(p, "hₜ = oₜ ⊙ tanh(cₜ)");
    aside(p, "W_ii, W_if, W_ig, W_io: the i, f, g, o rows of W_ih (so for W_hh, b_ih, b_hh)");
    act(p, xl, VM_T_X);
    act(p, "hₜ₋₁", VM_T_H_PREV);
    act(p, "iₜ input", VM_T_GATE0);
    act(p, "fₜ forget", VM_T_GATE1);
    act(p, "gₜ", VM_T_GATE2);
    act(p, "oₜ output", VM_T_GATE3);
    act(p, "cₜ₋₁", VM_T_C_PREV);
    act(p, "cₜ", VM_T_C);
    act(p, "hₜ", VM_T_H);
}

static void forward_layer(Pen *p, const ViewModel *vm, int l)
{
    const char *xl = l == 0 ? "xₜ" : "xₜ = hₜ below";
    if (l > 0)
        note(p, "the input xₜ is hₜ of the layer below");
    if (vm->cell == VM_CELL_RNN)
        forward_rnn(p, vm, xl);
    else if (vm->cell == VM_CELL_GRU)
        forward_gru(p, xl);
    else
        forward_lstm(p, xl);
}

static void backward_rnn(Pen *p, const ViewModel *vm)
{
    eq(p, vm->relu ? "∂L/∂aₜ = ∂L/∂hₜ ⊙ [hₜ > 0]" : "∂L/∂aₜ = ∂L/∂hₜ ⊙ (1 − hₜ²)");
    eq(p, "∂L/∂hₜ₋₁ = W_hhᵀ ∂L/∂aₜ");
    grad(p, "from above", VM_T_DH_ABOVE);
    grad(p, "from t+1", VM_T_DH_NEXT);
    grad(p, "∂L/∂hₜ", VM_T_DH);
    grad(p, "∂L/∂aₜ", VM_T_DA0);
    grad(p, "∂L/∂hₜ₋₁", VM_T_DH_PREV);
}

static void backward_gru(Pen *p)
{
    eq(p, "∂L/∂a_z = ∂L/∂hₜ ⊙ (hₜ₋₁ − nₜ) ⊙ zₜ(1 − zₜ)");
    eq(p, "∂L/∂a_n = ∂L/∂hₜ ⊙ (1 − zₜ) ⊙ (1 − nₜ²)");
    eq(p, "∂L/∂a_r = ∂L/∂a_n ⊙ (W_hn hₜ₋₁ + b_hn) ⊙ rₜ(1 − rₜ)");
    eq(p, "∂L/∂hₜ₋₁ = zₜ ⊙ ∂L/∂hₜ + W_hhᵀ [∂L/∂a_r; ∂L/∂a_z; rₜ ⊙ ∂L/∂a_n]");
    note(p, "direct = zₜ ⊙ ∂L/∂hₜ; recurrent = the W_hhᵀ term; a_*: gate arguments");
    grad(p, "from above", VM_T_DH_ABOVE);
    grad(p, "from t+1", VM_T_DH_NEXT);
    grad(p, "∂L/∂hₜ", VM_T_DH);
    grad(p, "∂L/∂a_r", VM_T_DA0);
    grad(p, "∂L/∂a_z", VM_T_DA1);
    grad(p, "∂L/∂a_n", VM_T_DA2);
    grad(p, "rₜ ⊙ ∂L/∂a_n", VM_T_DA_HN);
    grad(p, "direct", VM_T_DIRECT);
    grad(p, "recurrent", VM_T_RECUR);
    grad(p, "∂L/∂hₜ₋₁", VM_T_DH_PREV);
}

static void backward_lstm(Pen *p)
{
    eq(p, "∂L/∂cₜ = fₜ₊₁ ⊙ ∂L/∂cₜ₊₁ + ∂L/∂hₜ ⊙ oₜ ⊙ (1 − tanh² cₜ)");
    eq(p, "∂L/∂a_i = ∂L/∂cₜ ⊙ gₜ ⊙ iₜ(1 − iₜ)    ∂L/∂a_f = ∂L/∂cₜ ⊙ cₜ₋₁ ⊙ fₜ(1 − fₜ)");
    eq(p, "∂L/∂a_g = ∂L/∂cₜ ⊙ iₜ ⊙ (1 − gₜ²)    ∂L/∂a_o = ∂L/∂hₜ ⊙ tanh(cₜ) ⊙ oₜ(1 − oₜ)");
    eq(p, "∂L/∂cₜ₋₁ = fₜ ⊙ ∂L/∂cₜ   (the direct path)");
    eq(p, "∂L/∂hₜ₋₁ = W_hhᵀ [∂L/∂a_i; ∂L/∂a_f; ∂L/∂a_g; ∂L/∂a_o]");
    grad(p, "from above", VM_T_DH_ABOVE);
    grad(p, "from t+1", VM_T_DH_NEXT);
    grad(p, "∂L/∂hₜ", VM_T_DH);
    grad(p, "fₜ₊₁ ⊙ ∂L/∂cₜ₊₁", VM_T_DC_NEXT);
    grad(p, "via hₜ", VM_T_DC_OWN);
    grad(p, "∂L/∂cₜ", VM_T_DC);
    grad(p, "∂L/∂a_i", VM_T_DA0);
    grad(p, "∂L/∂a_f", VM_T_DA1);
    grad(p, "∂L/∂a_g", VM_T_DA2);
    grad(p, "∂L/∂a_o", VM_T_DA3);
    grad(p, "∂L/∂cₜ₋₁ direct", VM_T_DC_PREV);
    grad(p, "∂L/∂hₜ₋₁", VM_T_DH_PREV);
}

/* What the weight-gradient figures are: this step's term and the running
 * sum, both summed over the batch, and when the engine adds them. */
static void weight_lines(Pen *p, const ViewModel *vm)
{
    const VmInspect *in = &vm->inspect;
    char line[240], a[32], b[32];
    if (!in->has_wgrad)
        return;
    vt_num(a, sizeof a, in->w_step);
    vt_num(b, sizeof b, in->w_sum);
    snprintf(line, sizeof line, "∂L/∂W_hh, batch: this step's term Σ_b ∂L/∂aₜ hₜ₋₁ᵀ: norm %s", a);
    note(p, line);
    snprintf(line, sizeof line, "steps t to T−1 summed, for display: norm %s", b);
    note(p, line);
    aside(p, in->w_added ? "(the engine added that sum once, after step 0)"
                         : "(the engine adds that sum once, after step 0)");
}

static void backward_layer(Pen *p, const ViewModel *vm)
{
    const VmInspect *in = &vm->inspect;
    char line[200], g[32], n[32];
    eq(p, "∂L/∂hₜ = (from above) + (from t+1)");
    switch (vm->cell) {
    case VM_CELL_RNN:
        backward_rnn(p, vm);
        break;
    case VM_CELL_GRU:
        backward_gru(p);
        break;
    case VM_CELL_LSTM:
        backward_lstm(p);
        break;
    }
    vt_num(g, sizeof g, in->grad_h);
    vt_num(n, sizeof n, in->gain);
    if (in->has_gain)
        snprintf(line, sizeof line, "batch: ‖∂L/∂hₜ‖ = %s; backward gain to t−1 = %s (‖sent‖/‖%s‖)",
                 g, n, vm->cell == VM_CELL_LSTM ? "∂L/∂(hₜ, cₜ)" : "∂L/∂hₜ");
    else
        snprintf(line, sizeof line, "batch: ‖∂L/∂hₜ‖ = %s", g);
    note(p, line);
    weight_lines(p, vm);
}

static void head_forward(Pen *p, const ViewModel *vm, int t)
{
    const VmInspect *in = &vm->inspect;
    char line[200], l[32], m[32], q[32];
    eq(p, "ŷₜ = W_hy hₜ + b_y");
    eq(p, vm->ce ? "pₜ = softmax(ŷₜ)      Lₜ = −ln pₜ[target]" : "Lₜ = ½ Σ (ŷₜ − yₜ)²");
    vt_num(l, sizeof l, in->row_loss);
    vt_num(m, sizeof m, in->mean_loss);
    vt_prob(q, sizeof q, in->p_target);
    if (!vm->step[t].has_target) {
        note(p, "no target at this step: Lₜ = 0 (targets = last)");
    } else {
        if (vm->ce)
            snprintf(line, sizeof line, "this row: pₜ[target] = %s, Lₜ = −ln %s = %s", q, q, l);
        else
            snprintf(line, sizeof line, "this row: Lₜ = %s", l);
        note(p, line);
        snprintf(line, sizeof line, "batch mean of Lₜ = %s   (L = Σₜ batch mean of Lₜ)", m);
        note(p, line);
    }
    act(p, "hₜ", VM_T_H_TOP);
    vec_row(p, "ŷₜ", in->term[VM_T_Y].v, in->term[VM_T_Y].n, false, "");
    if (vm->ce)
        act(p, "pₜ", VM_T_P);
    else if (in->target)
        vec_row(p, "yₜ target", in->target, vm->O, false, "");
}

static void head(Pen *p, const ViewModel *vm, int t, bool back)
{
    if (!back) {
        head_forward(p, vm, t);
        return;
    }
    eq(p, vm->ce ? "∂L/∂ŷₜ = (pₜ − onehot(target)) / B" : "∂L/∂ŷₜ = (ŷₜ − yₜ) / B");
    eq(p, "∂L/∂hₜ = W_hyᵀ ∂L/∂ŷₜ      ∂L/∂W_hy += ∂L/∂ŷₜ hₜᵀ (added at this step)");
    grad(p, "∂L/∂ŷₜ", VM_T_DY);
    grad(p, "∂L/∂hₜ", VM_T_DH_HEAD);
}

/* With no node selected: a Keras-style model summary of the network. */
static void summary(Pen *p, const ViewModel *vm)
{
    const ViewCtx *c = p->c;
    static const char *types[] = {"SimpleRNN", "GRU", "LSTM"};
    int T = vm->T, L = vm->L;
    bool seq = vm->targets_all;
    float fs = p->fs * 0.95f, row = fs * 1.5f;
    /* the three columns need about 40 mono characters: shrink to fit */
    float need = vt_width(c, DL_FONT_MONO, fs, "rnn_0 (SimpleRNN)  (None, 100, 64)  123456");
    if (need > p->w) {
        fs = fmaxf(p->floor, fs * p->w / need);
        row = fs * 1.5f;
    }
    float cols[3] = {p->x, p->x + p->w * 0.46f, p->x + p->w};
    char line[3][64];
    if (p->y + row * (L + 5) > p->bottom && fs * 0.8f >= p->floor)
        fs *= 0.8f, row *= 0.8f;
    const char *head[3] = {"Layer (type)", "Output Shape", "Param #"};
    for (int i = 0; i < 3; i++)
        vt_text(c, cols[i], p->y, DL_FONT_SANS_BOLD, fs, i == 2 ? DL_ALIGN_RIGHT : DL_ALIGN_LEFT,
                c->th->text, head[i], p->w * 0.45f);
    p->y += row;
    dl_line(c->dl, p->x, p->y - 3 * c->k, p->x + p->w, p->y - 3 * c->k, 1.2f * c->k, c->th->text);
    long total = 0;
    for (int l = 0; l <= L; l++) {
        bool dense = l == L;
        bool last = dense || l == L - 1;
        int width = dense ? vm->O : vm->H;
        long n = vm->params[l];
        total += n;
        snprintf(line[0], sizeof line[0], dense ? "dense (Dense)" : "%s_%d (%s)",
                 dense ? "" : vm->cell_name, l, types[vm->cell]);
        if (seq || !last)
            snprintf(line[1], sizeof line[1], "(None, %d, %d)", T, width);
        else
            snprintf(line[1], sizeof line[1], "(None, %d)", width);
        snprintf(line[2], sizeof line[2], "%ld", n);
        for (int i = 0; i < 3; i++)
            vt_text(c, cols[i], p->y, DL_FONT_MONO, fs, i == 2 ? DL_ALIGN_RIGHT : DL_ALIGN_LEFT,
                    c->th->text, line[i], p->w * 0.45f);
        p->y += row;
    }
    dl_line(c->dl, p->x, p->y - 3 * c->k, p->x + p->w, p->y - 3 * c->k, 1.2f * c->k, c->th->text);
    snprintf(line[0], sizeof line[0], "Total params: %ld", total);
    vt_text(c, p->x, p->y, DL_FONT_SANS_BOLD, fs, DL_ALIGN_LEFT, c->th->text, line[0], p->w);
    p->y += row;
    snprintf(line[0], sizeof line[0], "input (None, %d, %d)  ·  %s%s", T, vm->I,
             vm->bias_hh ? "two biases per layer (PyTorch)" : "one bias per layer (Keras)", "");
    note(p, line[0]);
    p->y += row * 0.3f;
}

/* The title, the displayed row and the two colour bars; y moves past them. */
static void header(Pen *p, const ViewCtx *c, VmOp op)
{
    const Theme *th = c->th;
    float k = c->k, tfs = 19 * k;
    static const char *kinds[] = {"Forward", "Output", "Output, backward", "Backward"};
    char title[96];
    if (op.l >= 0)
        snprintf(title, sizeof title, "%s · layer %d · step %d", kinds[op.kind], op.l, op.t);
    else
        snprintf(title, sizeof title, "%s · step %d", kinds[op.kind], op.t);
    DlColor tc =
        op.kind == VM_OP_BACKWARD || op.kind == VM_OP_HEAD_BACKWARD ? th->backward : th->forward;
    if (p->emit)
        vt_text(c, p->x, p->y, DL_FONT_SANS_BOLD, tfs, DL_ALIGN_LEFT, tc, title, p->w);
    p->y += 28 * k;
    char shapes[160];
    snprintf(shapes, sizeof shapes,
             "row %d of %d ([ ] to change): every vector and norm below is this row's", c->vm->row,
             c->vm->B);
    note(p, shapes);
    if (!c->vm->inspect.done)
        return;
    /* the strips' two absolute scales */
    float bw = p->w / 2 - 10 * k, fb = fmaxf(11 * k, p->floor);
    if (!p->emit) {
        p->y += vt_height(c, DL_FONT_SANS, fb) + 4 * k;
        return;
    }
    /* titled, since both keys run from a minus to a plus end */
    static const char *const key_title[2] = {"value", "∂L (log)"};
    float h = 0;
    for (int i = 0; i < 2; i++) {
        float x = p->x + i * p->w / 2,
              tw = vt_width(c, DL_FONT_SANS_BOLD, fb, key_title[i]) + 6 * k;
        vt_text(c, x, p->y, DL_FONT_SANS_BOLD, fb, DL_ALIGN_LEFT, c->th->text_dim, key_title[i], 0);
        h = fmaxf(h, cs_bar_line(c, x + tw, p->y, bw - tw, fb, i == 1));
    }
    p->y += h + 4 * k;
}

static void node_body(Pen *p, const ViewCtx *c, VmOp op);

/* How far the body goes from p's y at body size fs and ncol columns. */
static float body_end(const Pen *p, VmOp op, float fs, int ncol, bool lean)
{
    Pen dry = *p;
    dry.emit = false;
    dry.fs = fs;
    dry.ncol = ncol;
    dry.lean = lean;
    dry.col = 0;
    node_body(&dry, p->c, op);
    flush(&dry);
    return dry.y;
}

/* The largest body that fits: full size in one column, else two to a
 * line, else smaller down to the floor, else without the optional notes. */
static void fit_body(Pen *p, VmOp op)
{
    float fs_min = p->floor / NUM_SIZE;
    if (body_end(p, op, p->fs, 1, false) <= p->bottom)
        return;
    p->ncol = 2;
    float end = body_end(p, op, p->fs, 2, false);
    for (int i = 0; i < 4 && end > p->bottom && p->fs > fs_min; i++) {
        p->fs = fmaxf(fs_min, p->fs * fmaxf(0.8f, (p->bottom - p->y) / (end - p->y)));
        end = body_end(p, op, p->fs, 2, false);
    }
    p->lean = end > p->bottom;
}

static Pen pen_for(const ViewCtx *c, Rect r, bool emit)
{
    float k = c->k;
    float floor_px = ceilf(theme_text_floor(DL_TEXT_INSPECTOR) * k * 100) / 100;
    return (Pen){c,      r.x + 12 * k, r.y + 10 * k, r.w - 20 * k, r.y + r.h - 6 * k,
                 16 * k, floor_px,     emit,         false,        1,
                 0};
}

float inspector_need(const ViewCtx *c, int ncol)
{
    const Rect r = c->lo->inspector;
    if (!c->vm->has_cur || r.w <= 0)
        return 0;
    Pen p = pen_for(c, r, false);
    header(&p, c, c->vm->cur);
    if (!c->vm->inspect.done)
        return p.y - r.y;
    return body_end(&p, c->vm->cur, p.fs, ncol, false) - r.y + 6 * c->k;
}

void inspector_draw(const ViewCtx *c)
{
    const Rect r = c->lo->inspector;
    const Theme *th = c->th;
    float k = c->k;
    dl_rect(c->dl, r.x, r.y, r.w, r.h, 0, th->panel);
    dl_line(c->dl, r.x, r.y, r.x, r.y + r.h, 1.5f * k, th->panel_edge);
    Pen p = pen_for(c, r, true);
    const ViewModel *vm = c->vm;
    if (!vm->has_cur) {
        vt_text(c, p.x, p.y, DL_FONT_SANS_BOLD, 19 * k, DL_ALIGN_LEFT, th->text, "Model summary",
                p.w);
        p.y += 32 * k;
        summary(&p, vm);
        note(&p, "Press → (or Step) to compute the first node;");
        note(&p, "click any node to inspect it.");
        return;
    }
    header(&p, c, vm->cur);
    if (!vm->inspect.done) {
        note(&p, "not computed yet in this pass");
        return;
    }
    fit_body(&p, vm->cur);
    node_body(&p, c, vm->cur);
}

static void node_body(Pen *p, const ViewCtx *c, VmOp op)
{
    switch (op.kind) {
    case VM_OP_FORWARD:
        forward_layer(p, c->vm, op.l);
        break;
    case VM_OP_BACKWARD:
        backward_layer(p, c->vm);
        break;
    case VM_OP_HEAD_FORWARD:
    case VM_OP_HEAD_BACKWARD:
        head(p, c->vm, op.t, op.kind == VM_OP_HEAD_BACKWARD);
        break;
    }
}
