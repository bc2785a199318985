/*
 * The inspector: the current (or clicked) node's equations in Unicode math
 * and its actual numbers from the engine's caches, batch row 0, as
 * heatmap rows with the leading values printed beside them.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "la.h"
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

static void vec(Pen *p, const char *label, const double *v, int n, double scale)
{
    vec_row(p, label, v, n, scale, "");
}

/* Gradients: coloured relative to their own largest entry, norm first. */
static void vec_norm(Pen *p, const char *label, const double *v, int n)
{
    char pre[64], num[32];
    vt_num(num, sizeof num, la_norm(v, (size_t)n));
    snprintf(pre, sizeof pre, "‖‖=%s │ ", num);
    vec_row(p, label, v, n, 0, pre);
}

static void forward_layer(Pen *p, const Net *net, int l, int t)
{
    const NetConfig *cfg = net_config(net);
    int H = cfg->hidden_size, in = l == 0 ? cfg->input_size : H;
    const double *x = l == 0 ? net_x(net, t) : net_h(net, l - 1, t);
    const char *xl = l == 0 ? "xₜ" : "hₜ (below)";
    const double *g = net_gates(net, l, t);
    switch (cfg->cell) {
    case NET_CELL_RNN:
        eq(p, cfg->act == NET_ACT_RELU ? "hₜ = relu(W_ih xₜ + b_ih + W_hh hₜ₋₁ + b_hh)"
                                       : "hₜ = tanh(W_ih xₜ + b_ih + W_hh hₜ₋₁ + b_hh)");
        vec(p, xl, x, in, l == 0 ? 2 : 1);
        vec(p, "hₜ₋₁", net_h(net, l, t - 1), H, 1);
        vec(p, "hₜ", net_h(net, l, t), H, 1);
        break;
    case NET_CELL_GRU:
        eq(p, "rₜ = σ(W_ir xₜ + b_ir + W_hr hₜ₋₁ + b_hr)");
        eq(p, "zₜ = σ(W_iz xₜ + b_iz + W_hz hₜ₋₁ + b_hz)");
        eq(p, "nₜ = tanh(W_in xₜ + b_in + rₜ ⊙ (W_hn hₜ₋₁ + b_hn))");
        eq(p, "hₜ = (1 − zₜ) ⊙ nₜ + zₜ ⊙ hₜ₋₁");
        vec(p, xl, x, in, l == 0 ? 2 : 1);
        vec(p, "hₜ₋₁", net_h(net, l, t - 1), H, 1);
        vec(p, "rₜ reset", g, H, 1);
        vec(p, "zₜ update", g + H, H, 1);
        vec(p, "nₜ", g + 2 * H, H, 1);
        vec(p, "hₜ", net_h(net, l, t), H, 1);
        break;
    case NET_CELL_LSTM:
        eq(p, "iₜ, fₜ, oₜ = σ(W xₜ + b + U hₜ₋₁)     gₜ = tanh(…)");
        eq(p, "cₜ = fₜ ⊙ cₜ₋₁ + iₜ ⊙ gₜ");
        eq(p, "hₜ = oₜ ⊙ tanh(cₜ)");
        vec(p, xl, x, in, l == 0 ? 2 : 1);
        vec(p, "hₜ₋₁", net_h(net, l, t - 1), H, 1);
        vec(p, "iₜ input", g, H, 1);
        vec(p, "fₜ forget", g + H, H, 1);
        vec(p, "gₜ", g + 2 * H, H, 1);
        vec(p, "oₜ output", g + 3 * H, H, 1);
        vec(p, "cₜ₋₁", net_c(net, l, t - 1), H, 0);
        vec(p, "cₜ", net_c(net, l, t), H, 0);
        vec(p, "hₜ", net_h(net, l, t), H, 1);
        break;
    }
}

static void backward_layer(Pen *p, const Net *net, int l, int t)
{
    const NetConfig *cfg = net_config(net);
    int H = cfg->hidden_size, B = net_batch_size(net), GH = net_gate_count(cfg->cell) * H;
    char line[200], a[32], b[32], s[32];
    vt_num(a, sizeof a, la_norm(net_dh_out(net, l, t), (size_t)B * H));
    vt_num(b, sizeof b, la_norm(net_dh_next(net, l, t), (size_t)B * H));
    vt_num(s, sizeof s, net_grad_h(net, l, t));
    eq(p, "∂L/∂hₜ = (from above) + (from step t+1)");
    snprintf(line, sizeof line, "‖∂L/∂hₜ‖ = %s     (above %s, from t+1 %s)", s, a, b);
    note(p, line);
    switch (cfg->cell) {
    case NET_CELL_RNN:
        eq(p,
           cfg->act == NET_ACT_RELU ? "∂L/∂aₜ = ∂L/∂hₜ ⊙ [aₜ > 0]" : "∂L/∂aₜ = ∂L/∂hₜ ⊙ (1 − hₜ²)");
        break;
    case NET_CELL_GRU:
        eq(p, "∂L/∂zₜ = ∂L/∂hₜ ⊙ (hₜ₋₁ − nₜ),  ∂L/∂nₜ = ∂L/∂hₜ ⊙ (1 − zₜ)");
        break;
    case NET_CELL_LSTM:
        eq(p, "∂L/∂cₜ = ∂L/∂cₜ₊₁ ⊙ fₜ₊₁ + ∂L/∂hₜ ⊙ oₜ ⊙ (1 − tanh²cₜ)");
        break;
    }
    eq(p, "∂L/∂W_hh += ∂L/∂aₜ · hₜ₋₁ᵀ      ∂L/∂hₜ₋₁ = W_hhᵀ ∂L/∂aₜ");
    const NetParam *whh = NULL;
    char name[32];
    snprintf(name, sizeof name, "weight_hh_l%d", l);
    for (int k = 0; k < net_param_count(net); k++)
        if (!strcmp(net_param(net, k)->name, name)) {
            whh = net_param(net, k);
            vt_num(s, sizeof s, net_grad_contrib(net, k, t));
            snprintf(line, sizeof line, "this step's share of ∂L/∂W_hh: ‖·‖ = %s", s);
            note(p, line);
        }
    (void)whh;
    vec_norm(p, "from above", net_dh_out(net, l, t), H);
    vec_norm(p, "from t+1", net_dh_next(net, l, t), H);
    vec_norm(p, "∂L/∂hₜ", net_dh(net, l, t), H);
    if (cfg->cell == NET_CELL_LSTM)
        vec_norm(p, "∂L/∂cₜ", net_dc(net, l, t), H);
    vec_norm(p, "∂L/∂aₜ", net_dgates(net, l, t), GH);
    vec_norm(p, "∂L/∂hₜ₋₁", net_dh_next(net, l, t - 1), H);
}

static void head(Pen *p, const Session *s, const Net *net, int t, bool back)
{
    const NetConfig *cfg = net_config(net);
    int O = cfg->output_size, H = cfg->hidden_size;
    bool ce = cfg->loss == NET_LOSS_SOFTMAX_CE;
    char line[160], num[32];
    if (!back) {
        eq(p, "ŷₜ = W_hy hₜ + b_y");
        if (ce)
            eq(p, "pₜ = softmax(ŷₜ)      Lₜ = −log pₜ[target]");
        else
            eq(p, "Lₜ = ½ Σ (ŷₜ − yₜ)²");
        vt_num(num, sizeof num, net_step_loss(net, t));
        if (net_has_target(net, t)) {
            snprintf(line, sizeof line, "Lₜ = %s   (mean over the batch; L = Σₜ Lₜ)", num);
            note(p, line);
        } else {
            note(p, "no target at this step: Lₜ = 0 (targets = last)");
        }
        vec(p, "hₜ", net_h(net, cfg->num_layers - 1, t), H, 1);
        vec(p, "ŷₜ", net_y(net, t), O, 0);
        if (ce)
            vec(p, "pₜ", net_prob(net, t), O, 1);
    } else {
        eq(p, ce ? "∂L/∂ŷₜ = (pₜ − onehot(target)) / B" : "∂L/∂ŷₜ = (ŷₜ − yₜ) / B");
        eq(p, "∂L/∂W_hy += ∂L/∂ŷₜ · hₜᵀ      ∂L/∂hₜ = W_hyᵀ ∂L/∂ŷₜ");
        vec_norm(p, "∂L/∂ŷₜ", net_dy(net, t), O);
        vec_norm(p, "∂L/∂hₜ", net_dh_out(net, cfg->num_layers - 1, t), H);
    }
    (void)s;
}

/* Parameters of layer l (all its tensors), or of the head when l < 0. */
static long layer_params(const Net *net, int l)
{
    char suffix[16];
    snprintf(suffix, sizeof suffix, "_l%d", l);
    long n = 0;
    for (int k = 0; k < net_param_count(net); k++) {
        const NetParam *p = net_param(net, k);
        const char *end = p->name + strlen(p->name) - strlen(suffix);
        bool head = !strncmp(p->name, "head.", 5);
        if ((l < 0 && head) || (l >= 0 && !head && end >= p->name && !strcmp(end, suffix)))
            n += (long)p->rows * p->cols;
    }
    return n;
}

/* With no node selected: a Keras-style model summary of the network. */
static void summary(Pen *p, const Net *net)
{
    const ViewCtx *c = p->c;
    const NetConfig *cfg = net_config(net);
    static const char *types[] = {"SimpleRNN", "GRU", "LSTM"};
    int T = net_steps(net);
    bool seq = cfg->targets == NET_TARGETS_ALL;
    float fs = p->fs * 0.95f, row = fs * 1.5f;
    /* the three columns need about 40 mono characters: shrink to fit */
    float need = vt_width(c, DL_FONT_MONO, fs, "rnn_0 (SimpleRNN)  (None, 100, 64)  123456");
    if (need > p->w) {
        fs *= p->w / need;
        row = fs * 1.5f;
    }
    float cols[3] = {p->x, p->x + p->w * 0.46f, p->x + p->w};
    char line[3][64];
    if (p->y + row * (cfg->num_layers + 5) > p->bottom)
        fs *= 0.8f, row *= 0.8f;
    const char *head[3] = {"Layer (type)", "Output Shape", "Param #"};
    for (int i = 0; i < 3; i++)
        vt_text(c, cols[i], p->y, DL_FONT_SANS_BOLD, fs, i == 2 ? DL_ALIGN_RIGHT : DL_ALIGN_LEFT,
                c->th->text, head[i], p->w * 0.45f);
    p->y += row;
    dl_line(c->dl, p->x, p->y - 3 * c->k, p->x + p->w, p->y - 3 * c->k, 1.2f * c->k, c->th->text);
    long total = 0;
    for (int l = 0; l <= cfg->num_layers; l++) {
        bool dense = l == cfg->num_layers;
        bool last = dense || l == cfg->num_layers - 1;
        int width = dense ? cfg->output_size : cfg->hidden_size;
        long n = layer_params(net, dense ? -1 : l);
        total += n;
        snprintf(line[0], sizeof line[0], dense ? "dense (Dense)" : "%s_%d (%s)",
                 dense ? "" : net_cell_name(cfg->cell), l, types[cfg->cell]);
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
    snprintf(line[0], sizeof line[0], "input (None, %d, %d)  ·  %s%s", T, cfg->input_size,
             cfg->bias_hh ? "two biases per layer (PyTorch)" : "one bias per layer (Keras)", "");
    note(p, line[0]);
    p->y += row * 0.3f;
}

static void node_body(Pen *p, const ViewCtx *c, NetOp op);

void inspector_draw(const ViewCtx *c)
{
    const Rect r = c->lo->inspector;
    const Theme *th = c->th;
    float k = c->k;
    dl_rect(c->dl, r.x, r.y, r.w, r.h, 0, th->panel);
    dl_line(c->dl, r.x, r.y, r.x, r.y + r.h, 1.5f * k, th->panel_edge);
    Pen p = {c, r.x + 14 * k, r.y + 10 * k, r.w - 24 * k, r.y + r.h - 6 * k, 16 * k, true};
    NetOp op;
    if (!sess_current_op(c->s, &op)) {
        vt_text(c, p.x, p.y, DL_FONT_SANS_BOLD, 19 * k, DL_ALIGN_LEFT, th->text, "Model summary",
                p.w);
        p.y += 32 * k;
        summary(&p, c->net);
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
        op.kind == NET_OP_BACKWARD || op.kind == NET_OP_HEAD_BACKWARD ? th->backward : th->forward;
    vt_text(c, p.x, p.y, DL_FONT_SANS_BOLD, 19 * k, DL_ALIGN_LEFT, tc, title, p.w);
    p.y += 28 * k;
    const Net *net = c->net;
    const NetConfig *cfg = net_config(net);
    char shapes[160];
    snprintf(shapes, sizeof shapes,
             "batch row 0 of %d  ·  shapes (batch, features): x (%d, %d), h (%d, %d)",
             net_batch_size(net), net_batch_size(net), cfg->input_size, net_batch_size(net),
             cfg->hidden_size);
    note(&p, shapes);
    if (!net_op_done(net, op)) {
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

static void node_body(Pen *p, const ViewCtx *c, NetOp op)
{
    const Net *net = c->net;
    switch (op.kind) {
    case NET_OP_FORWARD:
        forward_layer(p, net, op.l, op.t);
        break;
    case NET_OP_BACKWARD:
        backward_layer(p, net, op.l, op.t);
        break;
    case NET_OP_HEAD_FORWARD:
    case NET_OP_HEAD_BACKWARD:
        head(p, c->s, net, op.t, op.kind == NET_OP_HEAD_BACKWARD);
        break;
    }
}
