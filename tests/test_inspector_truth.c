/* Every equation the inspector shows, recomputed from the vectors it shows
 * (the view model's terms, of the displayed batch row) and this network's
 * weights, for RNN tanh, RNN relu, GRU and LSTM, at every node of a pass,
 * with batch 4 and two layers; the GRU's direct path on the case;
 * each loss box's -ln p = L; and the gradient colour scale on pixels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support.h"

#include <SDL2/SDL.h>
#include <SDL2/SDL_image.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keymap.h"
#include "lesson.h"
#include "lesson_run.h"
#include "png_out.h"
#include "view.h"

static DrawList *dl;
static HitList hits;
static ViewState vstate;
static ViewKeyHelp keys[96];

static ViewParams params(int w, int h)
{
    if (vstate.ui_scale == 0)
        vstate = view_state_default();
    return (ViewParams){.win_w = w,
                        .win_h = h,
                        .measure = dl_measure_approx(),
                        .state = &vstate,
                        .keys = keys,
                        .n_keys = keymap_help(keys, 96)};
}

static void draw_model(const ViewModel *vm, int w, int h)
{
    ViewParams vp = params(w, h);
    view_draw(vm, &vp, dl, &hits);
    assert_false(dl_overflowed(dl));
}

/* ---- vectors ---- */

static double sig(double v)
{
    return 1.0 / (1.0 + exp(-v));
}

static double vnorm(const double *v, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += v[i] * v[i];
    return sqrt(s);
}

/* got == want within tol relative to the larger norm; prints the first
 * mismatches. */
static void same(const char *what, const double *got, const double *want, int n)
{
    assert_non_null(got);
    double scale = fmax(1e-300, fmax(vnorm(got, n), vnorm(want, n)));
    int bad = 0;
    for (int i = 0; i < n; i++)
        if (!(fabs(got[i] - want[i]) <= 1e-10 * scale + 1e-300)) {
            if (bad++ < 4)
                print_message("%s[%d]: shown %.17g, recomputed %.17g\n", what, i, got[i], want[i]);
        }
    if (bad)
        fail_msg("%s: %d of %d entries differ", what, bad, n);
}

static const double *param(const Net *net, const char *fmt, int l)
{
    char name[32];
    snprintf(name, sizeof name, fmt, l);
    const NetParam *p = net_param_find(net, name);
    return p ? net_params_const(net) + p->offset : NULL;
}

/* out (rows) = W x (+ b), W (rows, n) */
static void affine(double *out, const double *w, const double *b, const double *x, int rows, int n)
{
    for (int i = 0; i < rows; i++) {
        double s = b ? b[i] : 0;
        for (int j = 0; j < n; j++)
            s += w[(size_t)i * n + j] * x[j];
        out[i] = s;
    }
}

/* out (n) = W^T v, W (rows, n) */
static void affine_t(double *out, const double *w, const double *v, int rows, int n)
{
    for (int j = 0; j < n; j++) {
        out[j] = 0;
        for (int i = 0; i < rows; i++)
            out[j] += w[(size_t)i * n + j] * v[i];
    }
}

#define HMAX 16
typedef struct {
    const ViewModel *vm;
    const Net *net;
    const VmVec *T;
    int l, t, H, in, G;
} Ctx;

static const double *term(const Ctx *c, VmTerm k)
{
    if (!c->T[k].v)
        fail_msg("term %d not shown at (%d, %d)", (int)k, c->l, c->t);
    /* each shown norm is the norm of the shown values */
    if (fabs(c->T[k].norm - vnorm(c->T[k].v, c->T[k].n)) > 1e-12 * (1 + c->T[k].norm))
        fail_msg("term %d: norm %.17g of values %.17g", (int)k, c->T[k].norm,
                 vnorm(c->T[k].v, c->T[k].n));
    return c->T[k].v;
}

/* The pre-activation gate sums W_ih x + b_ih + W_hh h + b_hh (GRU: the two
 * halves apart). */
static void gate_sums(const Ctx *c, double *ax, double *ah)
{
    int GH = c->G * c->H;
    const Net *net = c->net;
    affine(ax, param(net, "weight_ih_l%d", c->l), param(net, "bias_ih_l%d", c->l), term(c, VM_T_X),
           GH, c->in);
    affine(ah, param(net, "weight_hh_l%d", c->l), param(net, "bias_hh_l%d", c->l),
           term(c, VM_T_H_PREV), GH, c->H);
}

static void check_forward(const Ctx *c)
{
    int H = c->H;
    double ax[4 * HMAX] = {0}, ah[4 * HMAX] = {0}, w[4 * HMAX] = {0};
    gate_sums(c, ax, ah);
    const double *hp = term(c, VM_T_H_PREV);
    if (c->vm->cell == VM_CELL_RNN) {
        for (int j = 0; j < H; j++)
            w[j] = ax[j] + ah[j];
        same("a_t", term(c, VM_T_A), w, H);
        for (int j = 0; j < H; j++)
            w[j] = c->vm->relu ? fmax(0, w[j]) : tanh(w[j]);
        same("h_t", term(c, VM_T_H), w, H);
        return;
    }
    if (c->vm->cell == VM_CELL_GRU) {
        const double *r = term(c, VM_T_GATE0), *z = term(c, VM_T_GATE1), *n = term(c, VM_T_GATE2);
        for (int j = 0; j < H; j++)
            w[j] = sig(ax[j] + ah[j]), w[H + j] = sig(ax[H + j] + ah[H + j]);
        same("r_t", r, w, H);
        same("z_t", z, w + H, H);
        same("W_hn h + b_hn", term(c, VM_T_HN), ah + 2 * H, H);
        for (int j = 0; j < H; j++)
            w[j] = tanh(ax[2 * H + j] + r[j] * ah[2 * H + j]);
        same("n_t", n, w, H);
        for (int j = 0; j < H; j++)
            w[j] = (1 - z[j]) * n[j] + z[j] * hp[j];
        same("h_t", term(c, VM_T_H), w, H);
        return;
    }
    const double *i = term(c, VM_T_GATE0), *f = term(c, VM_T_GATE1), *g = term(c, VM_T_GATE2),
                 *o = term(c, VM_T_GATE3), *cp = term(c, VM_T_C_PREV), *cc = term(c, VM_T_C);
    for (int j = 0; j < 4 * H; j++)
        w[j] = j >= 2 * H && j < 3 * H ? tanh(ax[j] + ah[j]) : sig(ax[j] + ah[j]);
    same("i f g o", i, w, H);
    same("f_t", f, w + H, H);
    same("g_t", g, w + 2 * H, H);
    same("o_t", o, w + 3 * H, H);
    for (int j = 0; j < H; j++)
        w[j] = f[j] * cp[j] + i[j] * g[j];
    same("c_t", cc, w, H);
    for (int j = 0; j < H; j++)
        w[j] = o[j] * tanh(cc[j]);
    same("h_t", term(c, VM_T_H), w, H);
}

static void check_recurrent(const Ctx *c, const double *dpre_h, const double *lhs, const char *w)
{
    double out[HMAX] = {0};
    affine_t(out, param(c->net, "weight_hh_l%d", c->l), dpre_h, c->G * c->H, c->H);
    same(w, lhs, out, c->H);
}

static void check_backward_gru(const Ctx *c, const double *dh)
{
    int H = c->H;
    double w[3 * HMAX] = {0};
    const double *r = term(c, VM_T_GATE0), *z = term(c, VM_T_GATE1), *n = term(c, VM_T_GATE2);
    const double *hp = term(c, VM_T_H_PREV), *hn = term(c, VM_T_HN);
    const double *dr = term(c, VM_T_DA0), *dz = term(c, VM_T_DA1), *dn = term(c, VM_T_DA2);
    for (int j = 0; j < H; j++)
        w[j] = dh[j] * (hp[j] - n[j]) * z[j] * (1 - z[j]);
    same("dL/da_z", dz, w, H);
    for (int j = 0; j < H; j++)
        w[j] = dh[j] * (1 - z[j]) * (1 - n[j] * n[j]);
    same("dL/da_n", dn, w, H);
    for (int j = 0; j < H; j++)
        w[j] = dn[j] * hn[j] * r[j] * (1 - r[j]);
    same("dL/da_r", dr, w, H);
    for (int j = 0; j < H; j++)
        w[j] = r[j] * dn[j];
    same("r * dL/da_n", term(c, VM_T_DA_HN), w, H);
    for (int j = 0; j < H; j++)
        w[j] = z[j] * dh[j];
    same("direct z * dL/dh", term(c, VM_T_DIRECT), w, H);
    double blocks[3 * HMAX] = {0};
    for (int j = 0; j < H; j++)
        blocks[j] = dr[j], blocks[H + j] = dz[j], blocks[2 * H + j] = r[j] * dn[j];
    check_recurrent(c, blocks, term(c, VM_T_RECUR), "recurrent W_hh^T part");
    const double *d = term(c, VM_T_DIRECT), *rc = term(c, VM_T_RECUR);
    for (int j = 0; j < H; j++)
        w[j] = d[j] + rc[j];
    same("dL/dh_{t-1} = direct + recurrent", term(c, VM_T_DH_PREV), w, H);
}

static void check_backward_lstm(const Ctx *c, const double *dh)
{
    int H = c->H;
    double w[4 * HMAX] = {0};
    const double *i = term(c, VM_T_GATE0), *f = term(c, VM_T_GATE1), *g = term(c, VM_T_GATE2),
                 *o = term(c, VM_T_GATE3), *cp = term(c, VM_T_C_PREV), *cc = term(c, VM_T_C);
    const double *dcn = term(c, VM_T_DC_NEXT), *dc = term(c, VM_T_DC);
    /* from t+1: f_{t+1} * dL/dc_{t+1}, from the engine's step t+1 */
    int T = c->vm->T, b = c->vm->row;
    for (int j = 0; j < H; j++) {
        double fn = c->t + 1 < T ? net_gates(c->net, c->l, c->t + 1)[(size_t)b * 4 * H + H + j] : 0;
        double dn = c->t + 1 < T ? net_dc(c->net, c->l, c->t + 1)[(size_t)b * H + j] : 0;
        w[j] = fn * dn;
    }
    same("f_{t+1} * dL/dc_{t+1}", dcn, w, H);
    for (int j = 0; j < H; j++)
        w[j] = dcn[j] + dh[j] * o[j] * (1 - tanh(cc[j]) * tanh(cc[j]));
    same("dL/dc_t", dc, w, H);
    double da[4 * HMAX] = {0};
    for (int j = 0; j < H; j++) {
        da[j] = dc[j] * g[j] * i[j] * (1 - i[j]);
        da[H + j] = dc[j] * cp[j] * f[j] * (1 - f[j]);
        da[2 * H + j] = dc[j] * i[j] * (1 - g[j] * g[j]);
        da[3 * H + j] = dh[j] * tanh(cc[j]) * o[j] * (1 - o[j]);
    }
    for (int k = 0; k < 4; k++)
        same("dL/da_(i f g o)", term(c, VM_T_DA0 + k), da + k * H, H);
    for (int j = 0; j < H; j++)
        w[j] = f[j] * dc[j];
    same("dL/dc_{t-1} = f * dL/dc", term(c, VM_T_DC_PREV), w, H);
    check_recurrent(c, da, term(c, VM_T_DH_PREV), "dL/dh_{t-1} = W_hh^T dL/da");
}

/* ||sum over s >= from and the batch of dpre_h(s) h_{s-1}^T|| from the
 * engine's caches (the GRU's n block times r) */
static double wsum(const Net *net, int l, int from, int to, int B, int H, int G)
{
    static double m[4 * HMAX * HMAX];
    int GH = G * H;
    memset(m, 0, sizeof m);
    for (int s = from; s <= to; s++)
        for (int b = 0; b < B; b++) {
            const double *d = net_dgates(net, l, s) + (size_t)b * GH;
            const double *g = net_gates(net, l, s) + (size_t)b * GH;
            const double *hp = net_h(net, l, s - 1) + (size_t)b * H;
            for (int i = 0; i < GH; i++) {
                double di = G == 3 && i >= 2 * H ? d[i] * g[i - 2 * H] : d[i];
                for (int j = 0; j < H; j++)
                    m[i * H + j] += di * hp[j];
            }
        }
    return vnorm(m, GH * H);
}

static void check_backward(const Ctx *c)
{
    int H = c->H;
    double w[HMAX] = {0};
    const double *above = term(c, VM_T_DH_ABOVE), *next = term(c, VM_T_DH_NEXT);
    for (int j = 0; j < H; j++)
        w[j] = above[j] + next[j];
    const double *dh = term(c, VM_T_DH);
    same("dL/dh_t = above + from t+1", dh, w, H);
    if (c->vm->cell == VM_CELL_RNN) {
        const double *h = term(c, VM_T_H);
        for (int j = 0; j < H; j++)
            w[j] = c->vm->relu ? (h[j] > 0 ? dh[j] : 0) : dh[j] * (1 - h[j] * h[j]);
        same("dL/da_t", term(c, VM_T_DA0), w, H);
        check_recurrent(c, term(c, VM_T_DA0), term(c, VM_T_DH_PREV), "dL/dh_{t-1}");
    } else if (c->vm->cell == VM_CELL_GRU) {
        check_backward_gru(c, dh);
    } else {
        check_backward_lstm(c, dh);
    }
    const VmInspect *in = &c->vm->inspect;
    assert_true(in->has_wgrad);
    double want_sum = wsum(c->net, c->l, c->t, c->vm->T - 1, c->vm->B, H, c->G);
    double want_step = wsum(c->net, c->l, c->t, c->t, c->vm->B, H, c->G);
    if (fabs(in->w_step - want_step) > 1e-10 * (1 + want_step))
        fail_msg("this step's dL/dW_hh term: shown %.17g, recomputed %.17g", in->w_step, want_step);
    if (fabs(in->w_sum - want_sum) > 1e-10 * (1 + want_sum))
        fail_msg("running dL/dW_hh: shown %.17g, recomputed %.17g", in->w_sum, want_sum);
    if (in->w_added && c->t == 0) {
        /* after step 0 the engine's own dW_hh is the full sum */
        const NetParam *p = net_param_find(c->net, c->l ? "weight_hh_l1" : "weight_hh_l0");
        double g = vnorm(net_grads_const(c->net) + p->offset, p->rows * p->cols);
        if (fabs(g - in->w_sum) > 1e-10 * (1 + g))
            fail_msg("dW_hh after step 0: engine %.17g, running sum %.17g", g, in->w_sum);
    }
}

static void check_head(const ViewModel *vm, const Net *net, int t)
{
    const VmInspect *in = &vm->inspect;
    const VmVec *T = in->term;
    int O = vm->O, H = vm->H, b = vm->row;
    double y[64], w[64];
    assert_true(O <= 64);
    const double *h = T[VM_T_H_TOP].v;
    assert_non_null(h);
    affine(y, param(net, "head.weight", 0), param(net, "head.bias", 0), h, O, H);
    same("y^_t = W_hy h_t + b_y", T[VM_T_Y].v, y, O);
    if (!vm->ce && vm->step[t].has_target) {
        const double *yt = net_target_vec(net, t) + (size_t)b * O;
        double l = 0;
        for (int k = 0; k < O; k++)
            l += 0.5 * (y[k] - yt[k]) * (y[k] - yt[k]), w[k] = (y[k] - yt[k]) / vm->B;
        if (fabs(in->row_loss - l) > 1e-12 * (1 + l))
            fail_msg("row loss %.17g, 1/2 sum (y^ - y)^2 %.17g", in->row_loss, l);
        if (in->op.kind == VM_OP_HEAD_BACKWARD)
            same("dL/dy^_t = (y^ - y) / B", T[VM_T_DY].v, w, O);
    }
    if (!vm->ce)
        return;
    double m = y[0], z = 0;
    for (int k = 1; k < O; k++)
        m = fmax(m, y[k]);
    for (int k = 0; k < O; k++)
        z += exp(y[k] - m);
    for (int k = 0; k < O; k++)
        w[k] = exp(y[k] - m) / z;
    same("p_t = softmax(y^_t)", T[VM_T_P].v, w, O);
    if (!vm->step[t].has_target)
        return;
    int cls = net_target_class(net, t)[b];
    assert_int_equal(in->target_class, cls);
    if (fabs(in->row_loss + log(T[VM_T_P].v[cls])) > 1e-12 * (1 + in->row_loss))
        fail_msg("row loss %.17g, -ln p[target] %.17g", in->row_loss, -log(T[VM_T_P].v[cls]));
    if (in->op.kind != VM_OP_HEAD_BACKWARD)
        return;
    for (int k = 0; k < O; k++)
        w[k] = (T[VM_T_P].v[k] - (k == cls)) / vm->B;
    same("dL/dy^_t = (p - onehot) / B", T[VM_T_DY].v, w, O);
    affine_t(w, param(net, "head.weight", 0), T[VM_T_DY].v, O, H);
    same("dL/dh_t = W_hy^T dL/dy^_t", T[VM_T_DH_HEAD].v, w, H);
}

/* Every norm a gradient row shows is on the screen as "norm N". */
static void check_norms_drawn(const ViewModel *vm)
{
    for (int k = VM_T_DH_ABOVE; k <= VM_T_DC_PREV; k++) {
        const VmVec *v = &vm->inspect.term[k];
        if (!v->v)
            continue;
        char want[64], num[32];
        double x = v->norm;
        if (isnan(x))
            snprintf(num, sizeof num, "NaN");
        else if (x != 0 && (fabs(x) >= 1e4 || fabs(x) < 1e-3))
            snprintf(num, sizeof num, "%.2e", x);
        else
            snprintf(num, sizeof num, "%.3f", x);
        snprintf(want, sizeof want, "norm %s", num);
        bool found = false;
        for (int i = 0; i < dl_count(dl) && !found; i++) {
            const DlCmd *c = dl_cmd(dl, i);
            found = c->kind == DL_CMD_TEXT && !strncmp(c->text, want, strlen(want));
        }
        if (!found)
            fail_msg("term %d's '%s' is not on screen (cell %d, node %d %d %d)", k, want,
                     (int)vm->cell, (int)vm->inspect.op.kind, vm->inspect.op.l, vm->inspect.op.t);
    }
}

/* Checks the inspector of the current node, for the displayed row. */
static void check_node(Session *s)
{
    const ViewModel *vm = sess_view_model(s);
    const Net *net = sess_net(s);
    const VmInspect *in = &vm->inspect;
    assert_true(in->has_op && in->done);
    VmOp op = in->op;
    if (op.kind == VM_OP_HEAD_FORWARD || op.kind == VM_OP_HEAD_BACKWARD) {
        check_head(vm, net, op.t);
        return;
    }
    Ctx c = {vm,
             net,
             in->term,
             op.l,
             op.t,
             vm->H,
             op.l == 0 ? vm->I : vm->H,
             net_gate_count((NetCell)vm->cell)};
    assert_true(c.H <= HMAX);
    if (op.kind == VM_OP_FORWARD) {
        check_forward(&c);
        return;
    }
    check_backward(&c);
    draw_model(vm, 1920, 1080);
    check_norms_drawn(vm);
}

/* A whole pass, node by node, each checked for rows 0 and 2 of 4. */
static void walk_pass(const char *spec)
{
    Session *s = support_session(spec);
    char msg[200];
    int nodes = 0;
    while (sess_phase(s) != PHASE_UPDATE) {
        assert_int_equal(sess_step(s, 1, msg, sizeof msg), 0);
        for (int row = 0; row <= 2; row += 2) {
            assert_int_equal(sess_set_row(s, row, msg, sizeof msg), 0);
            assert_int_equal(sess_view_model(s)->row, row);
            check_node(s);
        }
        nodes++;
    }
    assert_true(nodes >= 10);
    sess_destroy(s);
}

static void test_equations_every_cell(void **state)
{
    (void)state;
    static const char *cells[4] = {"cell=rnn", "cell=rnn;nonlinearity=relu", "cell=gru",
                                   "cell=lstm"};
    for (int i = 0; i < 4; i++) {
        char spec[160];
        snprintf(spec, sizeof spec, "%s;hidden=5;steps=5;layers=2;batch=4;seed=3", cells[i]);
        walk_pass(spec);
        snprintf(spec, sizeof spec, "%s;hidden=4;steps=4;batch=4;targets=last;task=adding",
                 cells[i]);
        walk_pass(spec);
    }
}

/* The case: GRU, mod3, seed 4, after "forward all; backward 4".
 * W_hh^T dL/da alone is not dL/dh_{t-1}: the direct path z * dL/dh_t is
 * its own term, with its own number on screen. */
static void test_gru_direct_path(void **state)
{
    (void)state;
    Session *s = support_session("cell=gru;task=mod3;seed=4");
    support_run(s, "forward all; backward 4");
    const ViewModel *vm = sess_view_model(s);
    const VmVec *T = vm->inspect.term;
    print_message(
        "GRU mod3 seed 4 at (%d, %d): ||dL/dh_{t-1}|| %.4f, direct %.4f, recurrent %.4f\n",
        vm->inspect.op.l, vm->inspect.op.t, T[VM_T_DH_PREV].norm, T[VM_T_DIRECT].norm,
        T[VM_T_RECUR].norm);
    assert_true(T[VM_T_DIRECT].norm > 0.01 * T[VM_T_DH_PREV].norm);
    assert_true(fabs(T[VM_T_RECUR].norm - T[VM_T_DH_PREV].norm) > 1e-3);
    check_node(s);
    draw_model(vm, 1920, 1080);
    int eqs = 0;
    for (int i = 0; i < dl_count(dl); i++) {
        const DlCmd *c = dl_cmd(dl, i);
        if (c->kind != DL_CMD_TEXT)
            continue;
        eqs += !strcmp(c->text, "∂L/∂hₜ₋₁ = zₜ ⊙ ∂L/∂hₜ + W_hhᵀ [∂L/∂a_r; ∂L/∂a_z; rₜ ⊙ ∂L/∂a_n]");
        if (strstr(c->text, "‖‖=") || strstr(c->text, "(…)"))
            fail_msg("'%s' on screen", c->text);
    }
    assert_int_equal(eqs, 1);
    sess_destroy(s);
}

/* "p X" and "L Y" of each loss box: -ln X = Y to their printed digits, and
 * Y is the displayed row's own loss. */
static void check_loss_boxes(Session *s, int row)
{
    char msg[200];
    assert_int_equal(sess_set_row(s, row, msg, sizeof msg), 0);
    const ViewModel *vm = sess_view_model(s);
    draw_model(vm, 1920, 1080);
    int boxes = 0;
    for (int i = 0; i + 1 < dl_count(dl); i++) {
        const DlCmd *a = dl_cmd(dl, i), *b = dl_cmd(dl, i + 1);
        double p, l;
        if (a->kind != DL_CMD_TEXT || b->kind != DL_CMD_TEXT || sscanf(a->text, "p %lf", &p) != 1 ||
            sscanf(b->text, "L %lf", &l) != 1)
            continue;
        double tol = 0.0005 / p + 0.005 + 1e-9;
        if (fabs(-log(p) - l) > tol)
            fail_msg("loss box %d: p %s, L %s, but -ln p = %.4f", boxes, a->text, b->text, -log(p));
        boxes++;
    }
    int want = 0;
    for (int t = 0; t < vm->T; t++) {
        want += vm->step[t].has_target && vm->step[t].head_fwd;
        if (!vm->step[t].has_target || !vm->step[t].head_fwd)
            continue;
        int cls = net_target_class(sess_net(s), t)[row];
        double p = net_prob(sess_net(s), t)[(size_t)row * vm->O + cls];
        assert_true(fabs(vm->step[t].row_loss + log(p)) < 1e-9);
        assert_true(vm->step[t].p_target == p);
    }
    assert_int_equal(boxes, want);
}

static void test_loss_boxes(void **state)
{
    (void)state;
    Session *s = support_session("task=mod3;batch=16;seed=4");
    support_run(s, "forward all");
    for (int row = 0; row < 16; row += 5)
        check_loss_boxes(s, row);
    sess_destroy(s);
    s = support_session("task=copy;batch=4;seed=2");
    support_run(s, "train 20; forward all");
    check_loss_boxes(s, 3);
    sess_destroy(s);
}

/* The row's number on screen: "row 3 of 16". */
static void test_row_named(void **state)
{
    (void)state;
    Session *s = support_session("task=mod3;batch=16;seed=4");
    support_run(s, "forward all; row 3");
    draw_model(sess_view_model(s), 1920, 1080);
    bool named = false;
    for (int i = 0; i < dl_count(dl); i++) {
        const DlCmd *c = dl_cmd(dl, i);
        named |= c->kind == DL_CMD_TEXT && !strncmp(c->text, "row 3 of 16", 11);
    }
    assert_true(named);
    char msg[200];
    assert_int_not_equal(sess_set_row(s, 16, msg, sizeof msg), 0);
    assert_non_null(strstr(msg, "rows 0..15"));
    sess_destroy(s);
}

/* ---- the gradient colour scale, on pixels ---- */

/* The RGB of two points of a list painted to PNG and read back. */
static void pixels_at(float at[2][2], int rgb[2][3])
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/rnnviz-scale-%d.png", (int)getpid());
    PngError err;
    assert_int_equal(png_out_write(dl, 1280, 720, theme_get(false)->bg, NULL, path, &err), 0);
    SDL_Surface *raw = IMG_Load(path);
    assert_non_null(raw);
    SDL_Surface *img = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
    assert_non_null(img);
    for (int which = 0; which < 2; which++) {
        uint32_t px =
            ((uint32_t *)img->pixels)[(int)at[which][1] * (img->pitch / 4) + (int)at[which][0]];
        rgb[which][0] = (px >> 16) & 255, rgb[which][1] = (px >> 8) & 255, rgb[which][2] = px & 255;
    }
    SDL_FreeSurface(img);
    SDL_FreeSurface(raw);
    remove(path);
}

/* A hand-filled backward node whose "from above" is 1e-8 everywhere and
 * "from t+1" 1e-1: drawn, painted to PNG and read back. */
static void test_gradient_scale_pixels(void **state)
{
    (void)state;
    static double tiny[4] = {1e-8, 1e-8, 1e-8, 1e-8}, big[4] = {0.1, 0.1, 0.1, 0.1};
    static double h[4] = {0}, x[1] = {0}, grad_h[1] = {0.1}, grad_c[1] = {NAN}, contrib[1] = {0};
    static VmNode node[1];
    static VmStep step[1];
    static ViewModel vm;
    memset(&vm, 0, sizeof vm);
    vm.cell = VM_CELL_RNN;
    vm.T = 1, vm.L = 1, vm.H = 4, vm.I = 1, vm.O = 2, vm.B = 1;
    vm.cell_name = "rnn", vm.task_name = "hand";
    vm.node = node, vm.step = step, vm.grad_h = grad_h, vm.grad_c = grad_c, vm.contrib = contrib;
    node[0] = (VmNode){.fwd = true, .bwd = true, .h = h};
    step[0] = (VmStep){.x = x};
    vm.has_cur = true, vm.cur = (VmOp){VM_OP_BACKWARD, 0, 0};
    vm.inspect = (VmInspect){.has_op = true, .op = vm.cur, .done = true};
    vm.inspect.term[VM_T_DH_ABOVE] = (VmVec){tiny, 4, 2e-8};
    vm.inspect.term[VM_T_DH_NEXT] = (VmVec){big, 4, 0.2};
    vm.rho = vm.sigma = NAN;
    vm.display = (VmDisplay){.panels = VM_PANEL_INSPECTOR};
    draw_model(&vm, 1280, 720);
    /* the first filled rect after each label is its strip's first cell */
    float at[2][2] = {{-1, -1}, {-1, -1}};
    const char *labels[2] = {"from above", "from t+1"};
    for (int which = 0; which < 2; which++)
        for (int i = 0; i < dl_count(dl) && at[which][0] < 0; i++) {
            const DlCmd *c = dl_cmd(dl, i);
            if (c->kind != DL_CMD_TEXT || strcmp(c->text, labels[which]))
                continue;
            for (int j = i + 1; j < dl_count(dl); j++) {
                const DlCmd *r = dl_cmd(dl, j);
                if (r->kind == DL_CMD_RECT) {
                    at[which][0] = r->x + r->w / 2;
                    at[which][1] = r->y + r->h / 2;
                    break;
                }
            }
        }
    assert_true(at[0][0] > 0 && at[1][0] > 0);
    int rgb[2][3];
    pixels_at(at, rgb);
    for (int which = 0; which < 2; which++)
        print_message("%s strip pixel: %d %d %d\n", labels[which], rgb[which][0], rgb[which][1],
                      rgb[which][2]);
    /* 1e-8: the scale's floor, near white; 1e-1: 7/9 of the way to full colour */
    int faint = 0, strong = 0;
    for (int k = 0; k < 3; k++) {
        faint = faint > abs(rgb[0][k] - 247) ? faint : abs(rgb[0][k] - 247);
        strong = strong > abs(rgb[1][k] - 247) ? strong : abs(rgb[1][k] - 247);
    }
    assert_true(faint <= 6);
    assert_true(strong >= 80);
}

/* ---- the vanishing / exploding rule ---- */

/* Counts the shaded steps of the gradient plot (vanishing, exploding) and
 * whether each label is drawn. */
static void shading(int count[2], bool label[2])
{
    const Theme *th = theme_get(false);
    DlColor col[2] = {color_alpha(th->forward, 30), color_alpha(th->backward, 34)};
    const char *names[2] = {"vanishing", "exploding"};
    for (int k = 0; k < 2; k++) {
        count[k] = 0;
        label[k] = false;
        for (int i = 0; i < dl_count(dl); i++) {
            const DlCmd *c = dl_cmd(dl, i);
            count[k] += c->kind == DL_CMD_RECT && support_same_color(c->color, col[k]);
            label[k] |= c->kind == DL_CMD_TEXT && strstr(c->text, names[k]) == c->text;
        }
    }
}

static bool text_on(const char *prefix)
{
    for (int i = 0; i < dl_count(dl); i++) {
        const DlCmd *c = dl_cmd(dl, i);
        if (c->kind == DL_CMD_TEXT && !strncmp(c->text, prefix, strlen(prefix)))
            return true;
    }
    return false;
}

/* The drawn shading and guides against the stated rule: a step is shaded
 * vanishing where layer 0's product of backward gains from T-1 is below
 * 1e-3, exploding above 1e3, and nowhere else; sigma_max^(T-1-t) is called
 * a bound only where the data stay under it. */
static void check_rule(const ViewModel *vm, const char *where)
{
    bool grad_plot = (vm->display.panels & VM_PANEL_PLOTS) && vm->display.plot == VM_PLOT_GRAD &&
                     !(vm->cmp.valid && vm->cmp.T == vm->T && vm->cmp.L == vm->L);
    /* what a lesson has not taught yet is not drawn (show/hide) */
    bool bands = grad_plot && (vm->display.shown & VM_SHOW_BANDS);
    int want[2] = {0, 0};
    for (int t = 0; t < vm->T && bands; t++) {
        double p = vm->gain_prod[t];
        want[0] += isfinite(p) && p < 1e-3;
        want[1] += p > 1e3;
    }
    int got[2];
    bool label[2];
    shading(got, label);
    if (got[0] != want[0] || got[1] != want[1] || label[0] != (want[0] > 0) ||
        label[1] != (want[1] > 0))
        fail_msg("%s: shaded %d vanishing, %d exploding (labels %d %d); the rule gives %d, %d",
                 where, got[0], got[1], label[0], label[1], want[0], want[1]);
    bool bound = text_on("bound, σ_max");
    if (bound !=
        (grad_plot && (vm->display.shown & VM_SHOW_SIGMA) && vm->sigma_bounds &&
         vm->cell == VM_CELL_RNN && vm->grad_h[vm->T - 1] > 0 && isfinite(vm->grad_h[vm->T - 1])))
        fail_msg("%s: σ_max line %s as a bound", where, bound ? "labelled" : "not labelled");
    if (!bound)
        return;
    double ref = vm->grad_h[vm->T - 1];
    for (int t = 0; t < vm->T; t++) {
        double g = vm->grad_h[t], lim = ref * pow(vm->sigma, vm->T - 1 - t);
        if (isfinite(g) && g > lim * (1 + 1e-9))
            fail_msg("%s: ||dL/dh_%d|| = %.6g above the bound %.6g", where, t, g, lim);
    }
}

/* The products against the engine's own gradients: an RNN's propagated
 * part is W_hh^T (g * act'), recomputed here from the weights. */
static void check_gains(const ViewModel *vm, const Net *net)
{
    int T = vm->T, H = vm->H, B = vm->B;
    if (vm->cell != VM_CELL_RNN || vm->relu || H > HMAX)
        return;
    const double *w = param(net, "weight_hh_l%d", 0);
    double p = 1;
    for (int t = T - 2; t >= 0; t--) {
        if (!net_op_done(net, (NetOp){NET_OP_BACKWARD, 0, t + 1}))
            return;
        double in = 0, out = 0;
        for (int b = 0; b < B; b++) {
            const double *g = net_dh(net, 0, t + 1) + (size_t)b * H;
            const double *h = net_h(net, 0, t + 1) + (size_t)b * H;
            double a[HMAX], o[HMAX];
            for (int j = 0; j < H; j++)
                a[j] = g[j] * (1 - h[j] * h[j]), in += g[j] * g[j];
            affine_t(o, w, a, H, H);
            for (int j = 0; j < H; j++)
                out += o[j] * o[j];
        }
        double gain = in > 0 ? sqrt(out / in) : NAN;
        p *= gain;
        if (!(fabs(vm->gain[t] - gain) <= 1e-9 * gain) || !(fabs(vm->gain_prod[t] - p) <= 1e-9 * p))
            fail_msg("gain at t=%d: shown %.10g (product %.10g), recomputed %.10g (%.10g)", t,
                     vm->gain[t], vm->gain_prod[t], gain, p);
    }
}

static void rule_case(const char *spec, const char *actions)
{
    Session *s = support_session(spec);
    support_run(s, actions);
    const ViewModel *vm = sess_view_model(s);
    draw_model(vm, 1920, 1080);
    check_rule(vm, spec);
    check_gains(vm, sess_net(s));
    sess_destroy(s);
}

static void test_rule_cases(void **state)
{
    (void)state;
    /* targets = all: every step has its own loss */
    rule_case("task=mod3;targets=all;steps=30;spectral_radius=0.5", "forward all; backward all");
    rule_case("task=mod3;targets=all;steps=30;spectral_radius=3", "forward all; backward all");
    /* one loss at the end, contracting: vanishing by the rule, sigma a bound */
    rule_case("task=adding;targets=last;steps=40;spectral_radius=0.5", "forward all; backward all");
    /* three layers: the bands follow layer 0, as the plot says */
    rule_case("task=mod3;layers=3;steps=30;spectral_radius=0.6", "forward all; backward all");
    Session *s = support_session("task=mod3;layers=3;steps=30;spectral_radius=0.6");
    support_run(s, "forward all; backward all");
    draw_model(sess_view_model(s), 1920, 1080);
    assert_true(text_on("shaded by Π gains T−1→t of layer 0"));
    sess_destroy(s);
}

/* A spike at t = 0: t = 0's own loss makes ||dL/dh_0|| a thousand times the
 * last step's, but the propagation alone scales by about 1: nothing is
 * shaded (the old rule called this exploding). */
static void test_spike_at_zero(void **state)
{
    (void)state;
    enum { T = 6 };
    static double h[T][2], x[T][1], grad_h[T] = {30, 0.03, 0.03, 0.03, 0.03, 0.03};
    static double grad_c[T], contrib[T], gain[T] = {1, 1, 1, 1, 1, NAN},
                                         prod[T] = {1, 1, 1, 1, 1, 1};
    static VmNode node[T];
    static VmStep step[T];
    static ViewModel vm;
    memset(&vm, 0, sizeof vm);
    vm.cell = VM_CELL_RNN;
    vm.T = T, vm.L = 1, vm.H = 2, vm.I = 1, vm.O = 2, vm.B = 1;
    vm.cell_name = "rnn", vm.task_name = "hand";
    vm.node = node, vm.step = step, vm.grad_h = grad_h, vm.grad_c = grad_c, vm.contrib = contrib;
    vm.gain = gain, vm.gain_prod = prod;
    for (int t = 0; t < T; t++) {
        node[t] = (VmNode){.fwd = true, .bwd = true, .h = h[t]};
        step[t] = (VmStep){.x = x[t]};
        grad_c[t] = NAN;
    }
    vm.rho = 0.9, vm.sigma = 1.2;
    vm.display = (VmDisplay){.panels = VM_PANEL_PLOTS,
                             .plot = VM_PLOT_GRAD,
                             .shown = VM_SHOW_SIGMA | VM_SHOW_RHO | VM_SHOW_BANDS};
    draw_model(&vm, 1920, 1080);
    check_rule(&vm, "spike at t = 0");
    int got[2];
    bool label[2];
    shading(got, label);
    assert_int_equal(got[0] + got[1], 0);
    /* and a product below 1e-3 is shaded vanishing at exactly those steps */
    prod[0] = 1e-4, prod[1] = 5e-4;
    draw_model(&vm, 1920, 1080);
    check_rule(&vm, "products below 1e-3");
    shading(got, label);
    assert_int_equal(got[0], 2);
}

/* Every step of every shipped lesson: the shading and the guides obey the
 * rule the plot states. */
static void test_every_lesson_step(void **state)
{
    (void)state;
    static char paths[64][512];
    int n = lesson_list(lesson_dir(), paths, 64);
    assert_true(n >= 1);
    char msg[800];
    for (int i = 0; i < n; i++) {
        Lesson *l = lesson_load(paths[i], msg, sizeof msg);
        if (!l)
            fail_msg("%s", msg);
        Session *s = lesson_enter(l, 0, msg, sizeof msg);
        if (!s)
            fail_msg("%s", msg);
        for (int k = 0; k <= lesson_step_count(l); k++) {
            if (k > 0 && lesson_advance(l, s, k, msg, sizeof msg))
                fail_msg("%s", msg);
            char where[600];
            snprintf(where, sizeof where, "%s step %d", lesson_name(l), k);
            const ViewModel *vm = sess_view_model(s);
            draw_model(vm, 1920, 1080);
            check_rule(vm, where);
            check_gains(vm, sess_net(s));
            int got[2];
            bool label[2];
            shading(got, label);
            if (got[0] || got[1] || text_on("bound, σ_max"))
                print_message("%s: %d vanishing, %d exploding steps shaded%s\n", where, got[0],
                              got[1], text_on("bound, σ_max") ? "; σ_max bound drawn" : "");
        }
        sess_destroy(s);
        lesson_destroy(l);
    }
}

static int setup(void **state)
{
    (void)state;
    dl = dl_create(200000, 4u << 20, 400000);
    return dl ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    dl_destroy(dl);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equations_every_cell),
        cmocka_unit_test(test_gru_direct_path),
        cmocka_unit_test(test_loss_boxes),
        cmocka_unit_test(test_row_named),
        cmocka_unit_test(test_gradient_scale_pixels),
        cmocka_unit_test(test_rule_cases),
        cmocka_unit_test(test_spike_at_zero),
        cmocka_unit_test(test_every_lesson_step),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
