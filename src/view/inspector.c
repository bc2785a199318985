/*
 * The inspector: the current (or clicked) node's equations in Unicode math
 * and its actual numbers from the engine's caches, batch row 0, as
 * heatmap rows with the leading values printed beside them.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "view_parts.h"

typedef struct {
    const ViewCtx *c;
    float x, y, w, bottom;
    float fs;  /* body font size */
    bool emit; /* false: only measure how far y goes */
} Pen;

static void eq(Pen *p, const char *text)
{
    if (!p->emit || p->y + p->fs * 1.3f > p->bottom) {
        p->y += p->fs * 1.45f;
        return;
    }
    vt_text(p->c, p->x, p->y, DL_FONT_SANS, p->fs * 1.05f, DL_ALIGN_LEFT, p->c->th->text, text,
            p->w);
    p->y += p->fs * 1.45f;
}

static void note(Pen *p, const char *text)
{
    if (!p->emit || p->y + p->fs * 1.3f > p->bottom) {
        p->y += p->fs * 1.3f;
        return;
    }
    vt_text(p->c, p->x, p->y, DL_FONT_SANS, p->fs * 0.9f, DL_ALIGN_LEFT, p->c->th->text_dim, text,
            p->w);
    p->y += p->fs * 1.3f;
}

static double max_abs(const double *v, int n)
{
    double m = 0;
    for (int i = 0; i < n; i++)
        if (fabs(v[i]) > m || !isfinite(v[i]))
            m = isfinite(v[i]) ? fabs(v[i]) : INFINITY;
    return m;
}

/* label | heatmap strip | prefix and leading values (scale <= 0: relative
 * to max |v|) */
static void vec_row(Pen *p, const char *label, const double *v, int n, double scale,
                    const char *prefix)
{
    const ViewCtx *c = p->c;
    float k = c->k, rh = p->fs * 1.35f;
    if (!p->emit || p->y + rh > p->bottom || !v) {
        p->y += rh;
        return;
    }
    float lw = 104 * k * (p->fs / (16 * k)), sw = fminf(p->w * 0.34f, 16 * k * n);
    vt_text(c, p->x, p->y, DL_FONT_SANS_BOLD, p->fs, DL_ALIGN_LEFT, c->th->text, label, lw - 4 * k);
    double sc = scale > 0 ? scale : max_abs(v, n);
    Rect strip = {p->x + lw, p->y + 2 * k, sw, rh - 6 * k};
    vt_heat_strip(c, strip, v, n, sc);
    if (c->vp->mouse && c->tip && rect_contains(strip, c->vp->mouse_x, c->vp->mouse_y)) {
        /* hover: the exact value of the entry under the pointer */
        int i = (int)((c->vp->mouse_x - strip.x) / strip.w * n);
        i = i < 0 ? 0 : i >= n ? n - 1 : i;
        snprintf(c->tip, VIEW_TIP_CAP, "%s[%d] = %.17g", label, i, v[i]);
    }
    dl_rect_outline(c->dl, strip.x, strip.y, strip.w, strip.h, 0, 1 * k, c->th->panel_edge);
    char buf[512];
    size_t o = (size_t)snprintf(buf, sizeof buf, "%s", prefix);
    for (int i = 0; i < n && o + 16 < sizeof buf; i++) {
        char num[32];
        vt_num(num, sizeof num, v[i]);
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", i ? " " : "", num);
    }
    float nx = strip.x + strip.w + 8 * k;
    vt_text(c, nx, p->y + 1 * k, DL_FONT_MONO, p->fs * 0.85f, DL_ALIGN_LEFT, c->th->text_dim, buf,
            p->x + p->w - nx);
    p->y += rh;
}

static void vec(Pen *p, const char *label, VmVec v, double scale)
{
    vec_row(p, label, v.v, v.n, scale, "");
}

/* Gradients: coloured relative to their own largest entry, norm first. */
static void vec_norm(Pen *p, const char *label, VmVec v)
{
    char pre[64], num[32];
    vt_num(num, sizeof num, v.norm);
    snprintf(pre, sizeof pre, "‖‖=%s │ ", num);
    vec_row(p, label, v.v, v.n, 0, pre);
}

static void forward_layer(Pen *p, const ViewModel *vm, int l)
{
    const VmInspect *in = &vm->inspect;
    const char *xl = l == 0 ? "xₜ" : "hₜ (below)";
    switch (vm->cell) {
    case VM_CELL_RNN:
        eq(p, vm->relu ? "hₜ = relu(W_ih xₜ + b_ih + W_hh hₜ₋₁ + b_hh)"
                       : "hₜ = tanh(W_ih xₜ + b_ih + W_hh hₜ₋₁ + b_hh)");
        vec(p, xl, in->x, l == 0 ? 2 : 1);
        vec(p, "hₜ₋₁", in->h_prev, 1);
        vec(p, "hₜ", in->h, 1);
        break;
    case VM_CELL_GRU:
        eq(p, "rₜ = σ(W_ir xₜ + b_ir + W_hr hₜ₋₁ + b_hr)");
        eq(p, "zₜ = σ(W_iz xₜ + b_iz + W_hz hₜ₋₁ + b_hz)");
        eq(p, "nₜ = tanh(W_in xₜ + b_in + rₜ ⊙ (W_hn hₜ₋₁ + b_hn))");
        eq(p, "hₜ = (1 − zₜ) ⊙ nₜ + zₜ ⊙ hₜ₋₁");
        vec(p, xl, in->x, l == 0 ? 2 : 1);
        vec(p, "hₜ₋₁", in->h_prev, 1);
        vec(p, "rₜ reset", in->gate[0], 1);
        vec(p, "zₜ update", in->gate[1], 1);
        vec(p, "nₜ", in->gate[2], 1);
        vec(p, "hₜ", in->h, 1);
        break;
    case VM_CELL_LSTM:
        eq(p, "iₜ, fₜ, oₜ = σ(W xₜ + b + U hₜ₋₁)     gₜ = tanh(…)");
        eq(p, "cₜ = fₜ ⊙ cₜ₋₁ + iₜ ⊙ gₜ");
        eq(p, "hₜ = oₜ ⊙ tanh(cₜ)");
        vec(p, xl, in->x, l == 0 ? 2 : 1);
        vec(p, "hₜ₋₁", in->h_prev, 1);
        vec(p, "iₜ input", in->gate[0], 1);
        vec(p, "fₜ forget", in->gate[1], 1);
        vec(p, "gₜ", in->gate[2], 1);
        vec(p, "oₜ output", in->gate[3], 1);
        vec(p, "cₜ₋₁", in->c_prev, 0);
        vec(p, "cₜ", in->c, 0);
        vec(p, "hₜ", in->h, 1);
        break;
    }
}

static void backward_layer(Pen *p, const ViewModel *vm)
{
    const VmInspect *in = &vm->inspect;
    char line[200], a[32], b[32], s[32];
    vt_num(a, sizeof a, in->above_norm);
    vt_num(b, sizeof b, in->next_norm);
    vt_num(s, sizeof s, in->grad_h);
    eq(p, "∂L/∂hₜ = (from above) + (from step t+1)");
    snprintf(line, sizeof line, "‖∂L/∂hₜ‖ = %s     (above %s, from t+1 %s)", s, a, b);
    note(p, line);
    switch (vm->cell) {
    case VM_CELL_RNN:
        eq(p, vm->relu ? "∂L/∂aₜ = ∂L/∂hₜ ⊙ [aₜ > 0]" : "∂L/∂aₜ = ∂L/∂hₜ ⊙ (1 − hₜ²)");
        break;
    case VM_CELL_GRU:
        eq(p, "∂L/∂zₜ = ∂L/∂hₜ ⊙ (hₜ₋₁ − nₜ),  ∂L/∂nₜ = ∂L/∂hₜ ⊙ (1 − zₜ)");
        break;
    case VM_CELL_LSTM:
        eq(p, "∂L/∂cₜ = ∂L/∂cₜ₊₁ ⊙ fₜ₊₁ + ∂L/∂hₜ ⊙ oₜ ⊙ (1 − tanh²cₜ)");
        break;
    }
    eq(p, "∂L/∂W_hh += ∂L/∂aₜ · hₜ₋₁ᵀ      ∂L/∂hₜ₋₁ = W_hhᵀ ∂L/∂aₜ");
    if (in->has_share) {
        vt_num(s, sizeof s, in->share);
        snprintf(line, sizeof line, "this step's share of ∂L/∂W_hh: ‖·‖ = %s", s);
        note(p, line);
    }
    vec_norm(p, "from above", in->dh_above);
    vec_norm(p, "from t+1", in->dh_next);
    vec_norm(p, "∂L/∂hₜ", in->dh);
    if (vm->cell == VM_CELL_LSTM)
        vec_norm(p, "∂L/∂cₜ", in->dc);
    vec_norm(p, "∂L/∂aₜ", in->dgates);
    vec_norm(p, "∂L/∂hₜ₋₁", in->dh_prev);
}

static void head(Pen *p, const ViewModel *vm, int t, bool back)
{
    const VmInspect *in = &vm->inspect;
    char line[160], num[32];
    if (!back) {
        eq(p, "ŷₜ = W_hy hₜ + b_y");
        if (vm->ce)
            eq(p, "pₜ = softmax(ŷₜ)      Lₜ = −log pₜ[target]");
        else
            eq(p, "Lₜ = ½ Σ (ŷₜ − yₜ)²");
        vt_num(num, sizeof num, vm->step[t].step_loss);
        if (vm->step[t].has_target) {
            snprintf(line, sizeof line, "Lₜ = %s   (mean over the batch; L = Σₜ Lₜ)", num);
            note(p, line);
        } else {
            note(p, "no target at this step: Lₜ = 0 (targets = last)");
        }
        vec(p, "hₜ", in->h_top, 1);
        vec(p, "ŷₜ", in->y, 0);
        if (vm->ce)
            vec(p, "pₜ", in->p, 1);
    } else {
        eq(p, vm->ce ? "∂L/∂ŷₜ = (pₜ − onehot(target)) / B" : "∂L/∂ŷₜ = (ŷₜ − yₜ) / B");
        eq(p, "∂L/∂W_hy += ∂L/∂ŷₜ · hₜᵀ      ∂L/∂hₜ = W_hyᵀ ∂L/∂ŷₜ");
        vec_norm(p, "∂L/∂ŷₜ", in->dy);
        vec_norm(p, "∂L/∂hₜ", in->dh_head);
    }
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
        fs *= p->w / need;
        row = fs * 1.5f;
    }
    float cols[3] = {p->x, p->x + p->w * 0.46f, p->x + p->w};
    char line[3][64];
    if (p->y + row * (L + 5) > p->bottom)
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

static void node_body(Pen *p, const ViewCtx *c, VmOp op);

void inspector_draw(const ViewCtx *c)
{
    const Rect r = c->lo->inspector;
    const Theme *th = c->th;
    float k = c->k;
    dl_rect(c->dl, r.x, r.y, r.w, r.h, 0, th->panel);
    dl_line(c->dl, r.x, r.y, r.x, r.y + r.h, 1.5f * k, th->panel_edge);
    Pen p = {c, r.x + 14 * k, r.y + 10 * k, r.w - 24 * k, r.y + r.h - 6 * k, 16 * k, true};
    const ViewModel *vm = c->vm;
    VmOp op = vm->cur;
    if (!vm->has_cur) {
        vt_text(c, p.x, p.y, DL_FONT_SANS_BOLD, 19 * k, DL_ALIGN_LEFT, th->text, "Model summary",
                p.w);
        p.y += 32 * k;
        summary(&p, vm);
        note(&p, "Press → (or Step) to compute the first node;");
        note(&p, "click any node to inspect it.");
        return;
    }
    static const char *kinds[] = {"Forward", "Output", "Output, backward", "Backward"};
    char title[96];
    if (op.l >= 0)
        snprintf(title, sizeof title, "%s · layer %d · step %d", kinds[op.kind], op.l, op.t);
    else
        snprintf(title, sizeof title, "%s · step %d", kinds[op.kind], op.t);
    DlColor tc =
        op.kind == VM_OP_BACKWARD || op.kind == VM_OP_HEAD_BACKWARD ? th->backward : th->forward;
    vt_text(c, p.x, p.y, DL_FONT_SANS_BOLD, 19 * k, DL_ALIGN_LEFT, tc, title, p.w);
    p.y += 28 * k;
    char shapes[160];
    snprintf(shapes, sizeof shapes,
             "batch row 0 of %d  ·  shapes (batch, features): x (%d, %d), h (%d, %d)", vm->B, vm->B,
             vm->I, vm->B, vm->H);
    note(&p, shapes);
    if (!vm->inspect.done) {
        note(&p, "not computed yet in this pass");
        return;
    }
    /* measure first, then draw at the size that fits the panel */
    Pen dry = p;
    dry.emit = false;
    node_body(&dry, c, op);
    if (dry.y > p.bottom)
        p.fs = fmaxf(10 * k, p.fs * (p.bottom - p.y) / (dry.y - p.y));
    node_body(&p, c, op);
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
