/*
 * The inspector's terms: for the node shown, every vector its equations
 * name, of the displayed batch row. Most are the engine's caches; the few
 * the engine never forms as such (an RNN's pre-activation, the GRU's direct
 * and recurrent parts of dL/dh_{t-1}, the LSTM's own part of dL/dc_t, the
 * running sum of dL/dW_hh) are computed here, for display only.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "la.h"
#include "vm_parts.h"

int vm_scratch_init(VmScratch *sc, int H)
{
    memset(sc, 0, sizeof *sc);
    sc->H = H;
    size_t n = (size_t)4 * H;
    sc->a = calloc(n, sizeof(double));
    sc->direct = calloc(n, sizeof(double));
    sc->recur = calloc(n, sizeof(double));
    sc->dc_own = calloc(n, sizeof(double));
    sc->wsum = calloc(n * H, sizeof(double));
    return sc->a && sc->direct && sc->recur && sc->dc_own && sc->wsum ? 0 : -1;
}

void vm_scratch_free(VmScratch *sc)
{
    free(sc->a);
    free(sc->direct);
    free(sc->recur);
    free(sc->dc_own);
    free(sc->wsum);
    memset(sc, 0, sizeof *sc);
}

/* n values of row b of a (B, width) buffer, and their norm. */
static VmVec row_of(const double *base, int b, int width, int off, int n)
{
    if (!base)
        return (VmVec){NULL, 0, 0};
    const double *v = base + (size_t)b * width + off;
    return (VmVec){v, n, la_norm(v, (size_t)n)};
}

static VmVec own(const double *v, int n)
{
    return (VmVec){v, n, la_norm(v, (size_t)n)};
}

static const double *param(const Net *net, const char *fmt, int l)
{
    char name[32];
    snprintf(name, sizeof name, fmt, l);
    const NetParam *p = net_param_find(net, name);
    return p ? net_params_const(net) + p->offset : NULL;
}

/* out (GH) = W x, W (GH, n) */
static void matvec(double *out, const double *w, const double *x, int GH, int n)
{
    for (int i = 0; i < GH; i++) {
        double s = 0;
        for (int j = 0; j < n; j++)
            s += w[(size_t)i * n + j] * x[j];
        out[i] = s;
    }
}

/* out (H) = W^T v, W (GH, H) */
static void matvec_t(double *out, const double *w, const double *v, int GH, int H)
{
    for (int j = 0; j < H; j++)
        out[j] = 0;
    for (int i = 0; i < GH; i++)
        for (int j = 0; j < H; j++)
            out[j] += w[(size_t)i * H + j] * v[i];
}

/* The RNN's pre-activation a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh. */
static void rnn_pre(double *a, double *tmp, const Net *net, int l, const double *x,
                    const double *hp)
{
    const NetConfig *cfg = net_config(net);
    int H = cfg->hidden_size, in = l == 0 ? cfg->input_size : H;
    matvec(a, param(net, "weight_ih_l%d", l), x, H, in);
    matvec(tmp, param(net, "weight_hh_l%d", l), hp, H, H);
    const double *b_ih = param(net, "bias_ih_l%d", l), *b_hh = param(net, "bias_hh_l%d", l);
    for (int j = 0; j < H; j++)
        a[j] += tmp[j] + b_ih[j] + (b_hh ? b_hh[j] : 0);
}

static void inspect_forward(VmInspect *in, const ViewModel *vm, const Net *net, VmScratch *sc,
                            int l, int t)
{
    int H = vm->H, b = vm->row, G = net_gate_count((NetCell)vm->cell);
    VmVec *T = in->term;
    T[VM_T_X] = l == 0 ? row_of(net_x(net, t), b, vm->I, 0, vm->I)
                       : row_of(net_h(net, l - 1, t), b, H, 0, H);
    T[VM_T_H_PREV] = row_of(net_h(net, l, t - 1), b, H, 0, H);
    T[VM_T_H] = row_of(net_h(net, l, t), b, H, 0, H);
    if (vm->cell == VM_CELL_RNN) {
        rnn_pre(sc->a, sc->recur, net, l, T[VM_T_X].v, T[VM_T_H_PREV].v);
        T[VM_T_A] = own(sc->a, H);
        return;
    }
    for (int k = 0; k < G; k++)
        T[VM_T_GATE0 + k] = row_of(net_gates(net, l, t), b, G * H, k * H, H);
    if (vm->cell == VM_CELL_GRU)
        T[VM_T_HN] = row_of(net_gru_hn(net, l, t), b, H, 0, H);
    else {
        T[VM_T_C_PREV] = row_of(net_c(net, l, t - 1), b, H, 0, H);
        T[VM_T_C] = row_of(net_c(net, l, t), b, H, 0, H);
    }
}

/* GRU: dL/dh_{t-1} = z_t * dL/dh_t + W_hh^T [dL/da_r; dL/da_z; r_t * dL/da_n] */
static void gru_paths(VmInspect *in, const Net *net, VmScratch *sc, int l, int t, int b, int H)
{
    const double *z = in->term[VM_T_GATE1].v, *dh = in->term[VM_T_DH].v;
    for (int j = 0; j < H; j++)
        sc->direct[j] = z[j] * dh[j];
    const double *dpre_h = net_dgates_h(net, l, t) + (size_t)b * 3 * H;
    matvec_t(sc->recur, param(net, "weight_hh_l%d", l), dpre_h, 3 * H, H);
    in->term[VM_T_DA_HN] = own(dpre_h + 2 * H, H);
    in->term[VM_T_DIRECT] = own(sc->direct, H);
    in->term[VM_T_RECUR] = own(sc->recur, H);
}

/* LSTM: dL/dc_t = (from t+1) + dL/dh_t * o_t * (1 - tanh^2 c_t) */
static void lstm_paths(VmInspect *in, const Net *net, VmScratch *sc, int l, int t, int b, int H)
{
    const double *dh = in->term[VM_T_DH].v, *c = net_c(net, l, t) + (size_t)b * H;
    const double *o = net_gates(net, l, t) + (size_t)b * 4 * H + 3 * H;
    for (int j = 0; j < H; j++) {
        double tc = tanh(c[j]);
        sc->dc_own[j] = dh[j] * o[j] * (1.0 - tc * tc);
    }
    in->term[VM_T_DC_NEXT] = row_of(net_dc_next(net, l, t), b, H, 0, H);
    in->term[VM_T_DC_OWN] = own(sc->dc_own, H);
    in->term[VM_T_DC] = row_of(net_dc(net, l, t), b, H, 0, H);
    in->term[VM_T_DC_PREV] = row_of(net_dc_next(net, l, t - 1), b, H, 0, H);
    matvec_t(sc->recur, param(net, "weight_hh_l%d", l), net_dgates(net, l, t) + (size_t)b * 4 * H,
             4 * H, H);
    in->term[VM_T_RECUR] = own(sc->recur, H);
}

/* ||sum over s = t..T-1 and the batch of dL/da_s h_{s-1}^T||: what dL/dW_hh
 * would be if the engine added each step's term as it went. */
static double running_wsum(const Net *net, VmScratch *sc, int l, int t, int B, int H, int GH)
{
    memset(sc->wsum, 0, sizeof(double) * (size_t)GH * H);
    for (int s = net_steps(net) - 1; s >= t; s--)
        la_gemm_tn_add(sc->wsum, net_dgates_h(net, l, s), net_h(net, l, s - 1), GH, H, B);
    return la_norm(sc->wsum, (size_t)GH * H);
}

static void inspect_wgrad(VmInspect *in, const Session *s, VmScratch *sc, int l, int t)
{
    const Net *net = sess_net(s);
    const NetConfig *cfg = net_config(net);
    int H = cfg->hidden_size, GH = net_gate_count(cfg->cell) * H;
    const NetParam *p = NULL;
    char name[32];
    snprintf(name, sizeof name, "weight_hh_l%d", l);
    p = net_param_find(net, name);
    if (!p)
        return;
    in->has_wgrad = true;
    in->w_step = net_grad_contrib(net, (int)(p - net_param(net, 0)), t);
    NetOp first = {NET_OP_BACKWARD, l, 0};
    in->w_added = net_op_done(net, first);
    double probe = net_grad_h(net, l, t);
    bool same = sc->w_valid && sc->w_l == l && sc->w_t == t && sc->w_cursor == sess_cursor(s) &&
                sc->w_iter == sess_iteration(s) && sc->w_probe == probe;
    if (!same) {
        in->w_sum = running_wsum(net, sc, l, t, net_batch_size(net), H, GH);
        sc->w_valid = true;
        sc->w_l = l;
        sc->w_t = t;
        sc->w_cursor = sess_cursor(s);
        sc->w_iter = sess_iteration(s);
        sc->w_probe = probe;
    } else {
        in->w_sum = la_norm(sc->wsum, (size_t)GH * H);
    }
}

static void inspect_backward(VmInspect *in, const ViewModel *vm, const Session *s, VmScratch *sc,
                             int l, int t)
{
    const Net *net = sess_net(s);
    int H = vm->H, b = vm->row, G = net_gate_count((NetCell)vm->cell);
    VmVec *T = in->term;
    in->grad_h = net_grad_h(net, l, t);
    in->has_gain = t > 0;
    in->gain = t > 0 ? vm->gain[l * vm->T + t - 1] : NAN;
    T[VM_T_DH_ABOVE] = row_of(net_dh_out(net, l, t), b, H, 0, H);
    T[VM_T_DH_NEXT] = row_of(net_dh_next(net, l, t), b, H, 0, H);
    T[VM_T_DH] = row_of(net_dh(net, l, t), b, H, 0, H);
    T[VM_T_H] = row_of(net_h(net, l, t), b, H, 0, H);
    T[VM_T_H_PREV] = row_of(net_h(net, l, t - 1), b, H, 0, H);
    for (int k = 0; k < G; k++) {
        T[VM_T_DA0 + k] = row_of(net_dgates(net, l, t), b, G * H, k * H, H);
        if (vm->cell != VM_CELL_RNN)
            T[VM_T_GATE0 + k] = row_of(net_gates(net, l, t), b, G * H, k * H, H);
    }
    T[VM_T_DH_PREV] = row_of(net_dh_next(net, l, t - 1), b, H, 0, H);
    if (vm->cell == VM_CELL_GRU) {
        T[VM_T_HN] = row_of(net_gru_hn(net, l, t), b, H, 0, H);
        gru_paths(in, net, sc, l, t, b, H);
    } else if (vm->cell == VM_CELL_LSTM) {
        T[VM_T_C_PREV] = row_of(net_c(net, l, t - 1), b, H, 0, H);
        T[VM_T_C] = row_of(net_c(net, l, t), b, H, 0, H);
        lstm_paths(in, net, sc, l, t, b, H);
    } else {
        matvec_t(sc->recur, param(net, "weight_hh_l%d", l), T[VM_T_DA0].v, H, H);
        T[VM_T_RECUR] = own(sc->recur, H);
    }
    inspect_wgrad(in, s, sc, l, t);
}

static void inspect_head(VmInspect *in, const ViewModel *vm, const Net *net, int t)
{
    int b = vm->row, O = vm->O, H = vm->H;
    const VmStep *st = &vm->step[t];
    in->row_loss = st->row_loss;
    in->mean_loss = st->step_loss;
    in->p_target = st->p_target;
    in->target_class = -1;
    in->target = NULL;
    if (st->has_target && vm->ce)
        in->target_class = net_target_class(net, t)[b];
    else if (st->has_target)
        in->target = net_target_vec(net, t) + (size_t)b * O;
    in->term[VM_T_H_TOP] = row_of(net_h(net, vm->L - 1, t), b, H, 0, H);
    in->term[VM_T_Y] = row_of(net_y(net, t), b, O, 0, O);
    if (vm->ce)
        in->term[VM_T_P] = row_of(net_prob(net, t), b, O, 0, O);
    if (in->op.kind == VM_OP_HEAD_BACKWARD) {
        in->term[VM_T_DY] = row_of(net_dy(net, t), b, O, 0, O);
        in->term[VM_T_DH_HEAD] = row_of(net_dh_out(net, vm->L - 1, t), b, H, 0, H);
    }
}

void vm_fill_inspect(ViewModel *vm, const Session *s, VmScratch *sc)
{
    const Net *net = sess_net(s);
    VmInspect *in = &vm->inspect;
    memset(in, 0, sizeof *in);
    in->has_op = vm->has_cur;
    in->op = vm->cur;
    if (!in->has_op)
        return;
    NetOp op = {(NetOpKind)in->op.kind, in->op.l, in->op.t};
    in->done = net_op_done(net, op);
    if (!in->done)
        return;
    if (op.kind == NET_OP_FORWARD)
        inspect_forward(in, vm, net, sc, op.l, op.t);
    else if (op.kind == NET_OP_BACKWARD)
        inspect_backward(in, vm, s, sc, op.l, op.t);
    else
        inspect_head(in, vm, net, op.t);
}
