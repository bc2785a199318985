#include "net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "expect.h" /* index checks of the accessors */
#include "head.h"
#include "la.h"
#include "net_internal.h"

/* ---- configuration ---------------------------------------------------- */

int net_gate_count(NetCell cell)
{
    return cell == NET_CELL_GRU ? 3 : cell == NET_CELL_LSTM ? 4 : 1;
}

const char *net_cell_name(NetCell cell)
{
    return cell == NET_CELL_GRU ? "gru" : cell == NET_CELL_LSTM ? "lstm" : "rnn";
}

/* Walks every buffer of a network in allocation order; with base == NULL it
 * only counts, so sizing and carving can never disagree. */
typedef struct {
    char *base;
    size_t used;
} Carver;

static void *carve(Carver *cv, size_t count, size_t elem)
{
    size_t at = (cv->used + 63) & ~(size_t)63;
    cv->used = at + count * elem;
    return cv->base ? cv->base + at : NULL;
}

static size_t param_scalars(const NetConfig *c)
{
    size_t G = (size_t)net_gate_count(c->cell), H = (size_t)c->hidden_size, n = 0;
    for (int l = 0; l < c->num_layers; l++) {
        size_t in = l == 0 ? (size_t)c->input_size : H;
        n += G * H * in + G * H * H + G * H + (c->bias_hh ? G * H : 0);
    }
    return n + (size_t)c->output_size * H + (size_t)c->output_size;
}

static void carve_all(Net *n, Carver *cv)
{
    const NetConfig *c = &n->cfg;
    size_t L = (size_t)c->num_layers, T = (size_t)c->max_steps, B = (size_t)c->max_batch;
    size_t H = (size_t)c->hidden_size, I = (size_t)c->input_size, O = (size_t)c->output_size;
    size_t GH = (size_t)net_gate_count(c->cell) * H;
    bool lstm = c->cell == NET_CELL_LSTM, gru = c->cell == NET_CELL_GRU;
    size_t np = param_scalars(c), slots = L * (T + 1) * B * H, steps = L * T * B;
    size_t wide = GH > O ? GH : O;

    n->params = carve(cv, np, sizeof(double));
    n->grads = carve(cv, np, sizeof(double));
    n->x = carve(cv, T * B * I, sizeof(double));
    n->h = carve(cv, slots, sizeof(double));
    n->c = lstm ? carve(cv, slots, sizeof(double)) : NULL;
    n->gates = c->cell != NET_CELL_RNN ? carve(cv, steps * GH, sizeof(double)) : NULL;
    n->gru_hn = gru ? carve(cv, steps * H, sizeof(double)) : NULL;
    n->y = carve(cv, T * B * O, sizeof(double));
    n->prob = carve(cv, T * B * O, sizeof(double));
    n->dy = carve(cv, T * B * O, sizeof(double));
    n->t_class = carve(cv, T * B, sizeof(int));
    n->t_vec = carve(cv, T * B * O, sizeof(double));
    n->step_loss = carve(cv, T, sizeof(double));
    n->dh = carve(cv, slots, sizeof(double));
    n->dh_next = carve(cv, slots, sizeof(double));
    n->dh_out = carve(cv, steps * H, sizeof(double));
    n->dc = lstm ? carve(cv, slots, sizeof(double)) : NULL;
    n->dc_next = lstm ? carve(cv, slots, sizeof(double)) : NULL;
    n->dgates = carve(cv, steps * GH, sizeof(double));
    n->dgates_h = gru ? carve(cv, steps * GH, sizeof(double)) : NULL;
    n->grad_h = carve(cv, L * T, sizeof(double));
    n->grad_c = carve(cv, L * T, sizeof(double));
    n->contrib = carve(cv, (size_t)NET_MAX_TENSORS * T, sizeof(double));
    n->scratch_gh = carve(cv, B * wide, sizeof(double));
    n->scratch_v = carve(cv, wide > I ? wide : I, sizeof(double));
    /* share norms: Gram matrices up to the batch where the product form
     * becomes cheaper, and a product buffer when the batch goes beyond */
    size_t pairs[3][2] = {{GH, I}, {GH, H}, {O, H}}, gB = 0, prod = 0;
    for (int k = 0; k < 3; k++) {
        int M = (int)pairs[k][0], N = (int)pairs[k][1];
        size_t g = (size_t)la_outer_gram_batch((int)B, M, N);
        gB = g > gB ? g : gB;
        if (!la_outer_prefers_gram((int)B, M, N) && (size_t)M * N > prod)
            prod = (size_t)M * N;
    }
    n->gram_a = carve(cv, gB * gB, sizeof(double));
    n->gram_b = carve(cv, gB * gB, sizeof(double));
    n->outer = carve(cv, prod, sizeof(double));
    n->fwd_done = carve(cv, L * T, 1);
    n->bwd_done = carve(cv, L * T, 1);
    n->head_fwd_done = carve(cv, T, 1);
    n->head_bwd_done = carve(cv, T, 1);
}

int net_config_check(const NetConfig *c, NetError *err)
{
    static const struct {
        const char *name;
        size_t off;
        int lim;
    } sizes[] = {
        {"input_size", offsetof(NetConfig, input_size), NET_MAX_SIZE},
        {"hidden_size", offsetof(NetConfig, hidden_size), NET_MAX_SIZE},
        {"output_size", offsetof(NetConfig, output_size), NET_MAX_SIZE},
        {"num_layers", offsetof(NetConfig, num_layers), NET_MAX_LAYERS},
        {"batch", offsetof(NetConfig, max_batch), NET_MAX_BATCH},
        {"steps", offsetof(NetConfig, max_steps), NET_MAX_STEPS},
    };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        int v = *(const int *)((const char *)c + sizes[i].off);
        if (v >= 1 && v <= sizes[i].lim)
            continue;
        if (err && v < 1)
            snprintf(err->msg, sizeof err->msg, "%s must be at least 1, got %d", sizes[i].name, v);
        else if (err)
            snprintf(err->msg, sizeof err->msg, "%s %d is beyond the limit of %d", sizes[i].name, v,
                     sizes[i].lim);
        return NET_ERR_ARG;
    }
    if ((unsigned)c->cell > NET_CELL_LSTM || (unsigned)c->act > NET_ACT_RELU ||
        (unsigned)c->loss > NET_LOSS_MSE || (unsigned)c->targets > NET_TARGETS_LAST) {
        if (err)
            snprintf(err->msg, sizeof err->msg, "unknown cell, nonlinearity, loss or targets");
        return NET_ERR_ARG;
    }
    if (c->cell == NET_CELL_GRU && !c->bias_hh) {
        if (err)
            snprintf(err->msg, sizeof err->msg, "bias_hh false is allowed for rnn and lstm only");
        return NET_ERR_ARG;
    }
    if (c->cell != NET_CELL_RNN && c->act != NET_ACT_TANH) {
        if (err)
            snprintf(err->msg, sizeof err->msg, "nonlinearity applies to rnn only");
        return NET_ERR_ARG;
    }
    size_t bytes = net_config_bytes(c);
    if (bytes > NET_MAX_BYTES) {
        if (err)
            snprintf(err->msg, sizeof err->msg,
                     "network needs %.1f GiB of buffers, beyond the limit of %.0f GiB",
                     (double)bytes / (1 << 30), (double)NET_MAX_BYTES / (1 << 30));
        return NET_ERR_ARG;
    }
    return NET_OK;
}

size_t net_config_bytes(const NetConfig *cfg)
{
    Net probe;
    memset(&probe, 0, sizeof probe);
    probe.cfg = *cfg;
    Carver cv = {NULL, 0};
    carve_all(&probe, &cv);
    return cv.used + sizeof(Net);
}

/* ---- create / destroy --------------------------------------------------- */

static void add_tensor(Net *n, const char *fmt, int l, int rows, int cols, size_t *off)
{
    NetParam *p = &n->tensors[n->n_tensors++];
    snprintf(p->name, sizeof p->name, fmt, l);
    p->rows = rows;
    p->cols = cols;
    p->offset = *off;
    *off += (size_t)rows * cols;
}

static void name_params(Net *n)
{
    int H = n->cfg.hidden_size, GH = n->GH, O = n->cfg.output_size;
    size_t off = 0;
    for (int l = 0; l < n->cfg.num_layers; l++) {
        NetLayer *p = &n->layers[l];
        p->in = l == 0 ? n->cfg.input_size : H;
        p->k_w_ih = n->n_tensors;
        add_tensor(n, "weight_ih_l%d", l, GH, p->in, &off);
        p->k_w_hh = n->n_tensors;
        add_tensor(n, "weight_hh_l%d", l, GH, H, &off);
        p->k_b_ih = n->n_tensors;
        add_tensor(n, "bias_ih_l%d", l, GH, 1, &off);
        p->k_b_hh = -1;
        if (n->cfg.bias_hh) {
            p->k_b_hh = n->n_tensors;
            add_tensor(n, "bias_hh_l%d", l, GH, 1, &off);
        }
        p->w_ih = n->params + n->tensors[p->k_w_ih].offset;
        p->w_hh = n->params + n->tensors[p->k_w_hh].offset;
        p->b_ih = n->params + n->tensors[p->k_b_ih].offset;
        p->b_hh = p->k_b_hh >= 0 ? n->params + n->tensors[p->k_b_hh].offset : NULL;
        p->dw_ih = n->grads + n->tensors[p->k_w_ih].offset;
        p->dw_hh = n->grads + n->tensors[p->k_w_hh].offset;
        p->db_ih = n->grads + n->tensors[p->k_b_ih].offset;
        p->db_hh = p->k_b_hh >= 0 ? n->grads + n->tensors[p->k_b_hh].offset : NULL;
    }
    int kw = n->n_tensors;
    add_tensor(n, "head.weight", 0, O, H, &off);
    int kb = n->n_tensors;
    add_tensor(n, "head.bias", 0, O, 1, &off);
    n->head_w = n->params + n->tensors[kw].offset;
    n->head_b = n->params + n->tensors[kb].offset;
    n->dhead_w = n->grads + n->tensors[kw].offset;
    n->dhead_b = n->grads + n->tensors[kb].offset;
    n->n_params = off;
}

Net *net_create(const NetConfig *cfg, NetError *err)
{
    if (net_config_check(cfg, err) != NET_OK)
        return NULL;
    Net *n = calloc(1, sizeof *n);
    if (!n)
        goto out_nomem;
    n->cfg = *cfg;
    n->G = net_gate_count(cfg->cell);
    n->GH = n->G * cfg->hidden_size;
    Carver cv = {NULL, 0};
    carve_all(n, &cv);
    n->block = calloc(1, cv.used + 64);
    if (!n->block)
        goto out_free_net;
    cv.base = (char *)(((uintptr_t)n->block + 63) & ~(uintptr_t)63);
    cv.used = 0;
    carve_all(n, &cv);
    name_params(n);
    /* An empty batch of one step until the caller binds a real one. */
    n->B = 1;
    n->T = 1;
    net_reset_pass(n);
    return n;

out_free_net:
    free(n);
out_nomem:
    if (err)
        snprintf(err->msg, sizeof err->msg, "out of memory creating the network");
    return NULL;
}

void net_destroy(Net *net)
{
    if (!net)
        return;
    free(net->block);
    free(net);
}

const NetConfig *net_config(const Net *net)
{
    return &net->cfg;
}

/* ---- parameters ---------------------------------------------------------- */

int net_param_count(const Net *net)
{
    return net->n_tensors;
}

const NetParam *net_param(const Net *net, int k)
{
    return k >= 0 && k < net->n_tensors ? &net->tensors[k] : NULL;
}

const NetParam *net_param_find(const Net *net, const char *name)
{
    for (int k = 0; k < net->n_tensors; k++)
        if (!strcmp(net->tensors[k].name, name))
            return &net->tensors[k];
    return NULL;
}

size_t net_num_params(const Net *net)
{
    return net->n_params;
}

double *net_params(Net *net)
{
    return net->params;
}

const double *net_params_const(const Net *net)
{
    return net->params;
}

double *net_grads(Net *net)
{
    return net->grads;
}

const double *net_grads_const(const Net *net)
{
    return net->grads;
}

/* Programmer errors: a layer or step index outside the network's capacity.
 * Steps run from t_lo (-1 where the initial state has a slot) to max_steps. */
static void expect_layer(const Net *net, int l)
{
    EXPECT(l >= 0 && l < net->cfg.num_layers);
}

static void expect_node(const Net *net, int l, int t, int t_lo)
{
    EXPECT(l >= 0 && l < net->cfg.num_layers);
    EXPECT(t >= t_lo && t < net->cfg.max_steps);
}

static void expect_step(const Net *net, int t)
{
    EXPECT(t >= 0 && t < net->cfg.max_steps);
}

double *net_w_ih(Net *net, int l)
{
    expect_layer(net, l);
    return net->layers[l].w_ih;
}

double *net_w_hh(Net *net, int l)
{
    expect_layer(net, l);
    return net->layers[l].w_hh;
}

double *net_b_ih(Net *net, int l)
{
    expect_layer(net, l);
    return net->layers[l].b_ih;
}

double *net_b_hh(Net *net, int l)
{
    expect_layer(net, l);
    return net->layers[l].b_hh;
}

double *net_head_w(Net *net)
{
    return net->head_w;
}

double *net_head_b(Net *net)
{
    return net->head_b;
}

void net_zero_grad(Net *net)
{
    memset(net->grads, 0, sizeof(double) * net->n_params);
}

/* ---- binding a batch ------------------------------------------------------- */

static double *slot_h(const Net *n, double *base, int l, int t)
{
    return base + net_slot_h(n, l, t);
}

/* Every target class of the batch (B, Tt) is in [0, O). */
static int check_classes(const NetBatch *bt, int Tt, int O, NetError *err)
{
    for (int b = 0; b < bt->B; b++)
        for (int t = 0; t < Tt; t++) {
            int k = bt->classes[(size_t)b * Tt + t];
            if (k < 0 || k >= O) {
                if (err)
                    snprintf(err->msg, sizeof err->msg,
                             "target class %d at [%d][%d] is outside [0, %d)", k, b, t, O);
                return NET_ERR_ARG;
            }
        }
    return NET_OK;
}

/* h0 (and c0 for lstm) of every layer: the batch's, or zeros. */
static void bind_initial_state(Net *net, const NetBatch *bt, int B, int H)
{
    for (int l = 0; l < net->cfg.num_layers; l++) {
        size_t n = (size_t)B * H;
        double *h0 = slot_h(net, net->h, l, -1);
        if (bt->h0)
            memcpy(h0, bt->h0 + (size_t)l * n, sizeof(double) * n);
        else
            memset(h0, 0, sizeof(double) * n);
        if (net->c) {
            double *c0 = slot_h(net, net->c, l, -1);
            if (bt->c0)
                memcpy(c0, bt->c0 + (size_t)l * n, sizeof(double) * n);
            else
                memset(c0, 0, sizeof(double) * n);
        }
    }
}

int net_bind(Net *net, const NetBatch *bt, NetError *err)
{
    const NetConfig *c = &net->cfg;
    int B = bt->B, T = bt->T, I = c->input_size, O = c->output_size, H = c->hidden_size;
    if (B < 1 || B > c->max_batch || T < 1 || T > c->max_steps) {
        if (err)
            snprintf(err->msg, sizeof err->msg,
                     "batch %d x %d steps is outside this network's capacity %d x %d", B, T,
                     c->max_batch, c->max_steps);
        return NET_ERR_ARG;
    }
    if (!bt->x || (c->loss == NET_LOSS_SOFTMAX_CE ? !bt->classes : !bt->y) ||
        (bt->c0 && c->cell != NET_CELL_LSTM)) {
        if (err)
            snprintf(err->msg, sizeof err->msg, "%s",
                     bt->c0 && c->cell != NET_CELL_LSTM ? "c0 is for lstm only"
                                                        : "batch lacks inputs or targets");
        return NET_ERR_ARG;
    }
    int Tt = c->targets == NET_TARGETS_ALL ? T : 1;
    if (c->loss == NET_LOSS_SOFTMAX_CE && check_classes(bt, Tt, O, err) != NET_OK)
        return NET_ERR_ARG;
    net->B = B;
    net->T = T;
    /* x: (B, T, I) batch first -> (T, B, I) so each step is one matrix */
    for (int b = 0; b < B; b++)
        for (int t = 0; t < T; t++)
            memcpy(net->x + ((size_t)t * c->max_batch + b) * I, bt->x + ((size_t)b * T + t) * I,
                   sizeof(double) * I);
    for (int b = 0; b < B; b++)
        for (int tt = 0; tt < Tt; tt++) {
            int t = c->targets == NET_TARGETS_ALL ? tt : T - 1;
            size_t dst = (size_t)t * c->max_batch + b, src = (size_t)b * Tt + tt;
            if (c->loss == NET_LOSS_SOFTMAX_CE)
                net->t_class[dst] = bt->classes[src];
            else
                memcpy(net->t_vec + dst * O, bt->y + src * O, sizeof(double) * O);
        }
    bind_initial_state(net, bt, B, H);
    net_reset_pass(net);
    return NET_OK;
}

int net_batch_size(const Net *net)
{
    return net->B;
}

int net_steps(const Net *net)
{
    return net->T;
}

bool net_has_target(const Net *net, int t)
{
    return net->cfg.targets == NET_TARGETS_ALL ? (t >= 0 && t < net->T) : t == net->T - 1;
}

void net_reset_pass(Net *net)
{
    const NetConfig *c = &net->cfg;
    int L = c->num_layers, Tm = c->max_steps;
    size_t BH = (size_t)net->B * c->hidden_size;
    memset(net->fwd_done, 0, (size_t)L * Tm);
    memset(net->bwd_done, 0, (size_t)L * Tm);
    memset(net->head_fwd_done, 0, (size_t)Tm);
    memset(net->head_bwd_done, 0, (size_t)Tm);
    memset(net->step_loss, 0, sizeof(double) * Tm);
    for (size_t i = 0; i < (size_t)L * Tm; i++)
        net->grad_h[i] = net->grad_c[i] = NAN;
    for (size_t i = 0; i < (size_t)NET_MAX_TENSORS * Tm; i++)
        net->contrib[i] = NAN;
    /* Nothing flows into the last step from the future, nor into the last
     * layer from the head at steps without a target. */
    for (int l = 0; l < L; l++) {
        memset(slot_h(net, net->dh_next, l, net->T - 1), 0, sizeof(double) * BH);
        if (net->dc_next)
            memset(slot_h(net, net->dc_next, l, net->T - 1), 0, sizeof(double) * BH);
    }
    for (int t = 0; t < net->T; t++)
        if (!net_has_target(net, t)) {
            memset(net->dh_out + net_slot_step(net, L - 1, t, c->hidden_size), 0,
                   sizeof(double) * BH);
            memset(net->dy + (size_t)t * c->max_batch * c->output_size, 0,
                   sizeof(double) * net->B * c->output_size);
        }
    net->nonfinite = 0;
    net->err[0] = '\0';
}

/* ---- readiness ----------------------------------------------------------------- */

#define DONE(arr, l, t) ((arr)[(size_t)(l)*net->cfg.max_steps + (t)])

static bool in_range(const Net *net, NetOp op)
{
    if (op.t < 0 || op.t >= net->T)
        return false;
    if (op.kind == NET_OP_FORWARD || op.kind == NET_OP_BACKWARD)
        return op.l >= 0 && op.l < net->cfg.num_layers;
    return true;
}

bool net_op_done(const Net *net, NetOp op)
{
    if (!in_range(net, op))
        return false;
    switch (op.kind) {
    case NET_OP_FORWARD:
        return DONE(net->fwd_done, op.l, op.t);
    case NET_OP_HEAD_FORWARD:
        return net->head_fwd_done[op.t];
    case NET_OP_HEAD_BACKWARD:
        return net->head_bwd_done[op.t];
    case NET_OP_BACKWARD:
        return DONE(net->bwd_done, op.l, op.t);
    }
    return false;
}

bool net_op_ready(const Net *net, NetOp op)
{
    if (!in_range(net, op) || net_op_done(net, op))
        return false;
    int l = op.l, t = op.t, L = net->cfg.num_layers;
    switch (op.kind) {
    case NET_OP_FORWARD:
        return (l == 0 || DONE(net->fwd_done, l - 1, t)) &&
               (t == 0 || DONE(net->fwd_done, l, t - 1));
    case NET_OP_HEAD_FORWARD:
        return DONE(net->fwd_done, L - 1, t);
    case NET_OP_HEAD_BACKWARD:
        return net_has_target(net, t) && net->head_fwd_done[t];
    case NET_OP_BACKWARD:
        return DONE(net->fwd_done, l, t) &&
               (l < L - 1 ? DONE(net->bwd_done, l + 1, t)
                          : !net_has_target(net, t) || net->head_bwd_done[t]) &&
               (t == net->T - 1 || DONE(net->bwd_done, l, t + 1));
    }
    return false;
}

static const char *op_name(NetOpKind k)
{
    static const char *names[] = {"forward", "head forward", "head backward", "backward"};
    return names[k];
}

static int check_op(Net *net, NetOp op)
{
    if (net_op_ready(net, op))
        return NET_OK;
    const char *why = !in_range(net, op)     ? "is out of range"
                      : net_op_done(net, op) ? "already ran in this pass"
                      : op.kind == NET_OP_HEAD_BACKWARD && !net_has_target(net, op.t)
                          ? "has no target at this step"
                          : "runs before its inputs are ready";
    snprintf(net->err, sizeof net->err, "%s of node (layer %d, step %d) %s", op_name(op.kind), op.l,
             op.t, why);
    return op.kind == NET_OP_FORWARD || op.kind == NET_OP_BACKWARD || in_range(net, op)
               ? NET_ERR_ORDER
               : NET_ERR_ARG;
}

const char *net_last_error(const Net *net)
{
    return net->err;
}

/* ---- node operations ---------------------------------------------------------------- */

static bool all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return false;
    return true;
}

static const double *layer_input(const Net *net, int l, int t)
{
    return l == 0 ? net->x + (size_t)t * net->cfg.max_batch * net->cfg.input_size
                  : slot_h(net, net->h, l - 1, t);
}

int net_forward_node(Net *net, int l, int t)
{
    NetOp op = {NET_OP_FORWARD, l, t};
    int rc = check_op(net, op);
    if (rc)
        return rc;
    int B = net->B, H = net->cfg.hidden_size;
    const NetLayer *p = &net->layers[l];
    const double *x = layer_input(net, l, t);
    double *h = slot_h(net, net->h, l, t);
    const double *h_prev = slot_h(net, net->h, l, t - 1);
    switch (net->cfg.cell) {
    case NET_CELL_RNN:
        rnn_forward_step(h, x, h_prev, p, net->cfg.act, B, H);
        break;
    case NET_CELL_GRU:
        gru_forward_step(h, net->gates + net_slot_step(net, l, t, net->GH),
                         net->gru_hn + net_slot_step(net, l, t, H), net->scratch_gh, x, h_prev, p,
                         B, H);
        break;
    case NET_CELL_LSTM:
        lstm_forward_step(h, slot_h(net, net->c, l, t),
                          net->gates + net_slot_step(net, l, t, net->GH), x, h_prev,
                          slot_h(net, net->c, l, t - 1), p, B, H);
        break;
    }
    if (!all_finite(h, (size_t)B * H))
        net->nonfinite |= NET_NONFINITE_STATE;
    DONE(net->fwd_done, l, t) = 1;
    return NET_OK;
}

int net_head_forward(Net *net, int t)
{
    NetOp op = {NET_OP_HEAD_FORWARD, -1, t};
    int rc = check_op(net, op);
    if (rc)
        return rc;
    const NetConfig *c = &net->cfg;
    int B = net->B, O = c->output_size;
    size_t row = (size_t)t * c->max_batch;
    bool target = net_has_target(net, t);
    const int *cls = target && c->loss == NET_LOSS_SOFTMAX_CE ? net->t_class + row : NULL;
    const double *tv = target && c->loss == NET_LOSS_MSE ? net->t_vec + row * O : NULL;
    double *y = net->y + row * O;
    net->step_loss[t] =
        head_forward_step(y, net->prob + row * O, slot_h(net, net->h, c->num_layers - 1, t),
                          net->head_w, net->head_b, cls, tv, c->loss, B, c->hidden_size, O);
    if (!all_finite(y, (size_t)B * O))
        net->nonfinite |= NET_NONFINITE_OUTPUT;
    if (!isfinite(net->step_loss[t]))
        net->nonfinite |= NET_NONFINITE_LOSS;
    net->head_fwd_done[t] = 1;
    return NET_OK;
}

/* Per-step contribution norms of the head's gradient (RNNbow). */
static void head_contrib(Net *net, int t, const double *dy, const double *h)
{
    int B = net->B, H = net->cfg.hidden_size, O = net->cfg.output_size;
    int kw = net->n_tensors - 2, kb = net->n_tensors - 1;
    size_t Tm = (size_t)net->cfg.max_steps;
    net->contrib[kw * Tm + t] = la_outer_norm(dy, h, B, O, H, net->gram_a, net->gram_b, net->outer);
    net->contrib[kb * Tm + t] = la_colsum_norm(dy, B, O, net->scratch_v);
}

int net_head_backward(Net *net, int t)
{
    NetOp op = {NET_OP_HEAD_BACKWARD, -1, t};
    int rc = check_op(net, op);
    if (rc)
        return rc;
    const NetConfig *c = &net->cfg;
    int B = net->B, O = c->output_size, H = c->hidden_size, L = c->num_layers;
    size_t row = (size_t)t * c->max_batch;
    const double *h = slot_h(net, net->h, L - 1, t);
    double *dy = net->dy + row * O;
    head_backward_step(dy, net->dh_out + net_slot_step(net, L - 1, t, H), net->dhead_w,
                       net->dhead_b, net->y + row * O, net->prob + row * O, h, net->head_w,
                       c->loss == NET_LOSS_SOFTMAX_CE ? net->t_class + row : NULL,
                       c->loss == NET_LOSS_MSE ? net->t_vec + row * O : NULL, c->loss, B, H, O);
    head_contrib(net, t, dy, h);
    net->head_bwd_done[t] = 1;
    return NET_OK;
}

/* Norms of step t's contributions to layer l's weight gradients:
 * dW_ih gets dpre_x^T x, dW_hh gets dpre_h^T h_{t-1}, biases sum_b dpre.
 * For rnn and lstm dpre_x is dpre_h, so its Gram matrix serves both. */
static void layer_contrib(Net *net, int l, int t, const double *dpre_x, const double *dpre_h,
                          const double *x, const double *h_prev)
{
    const NetLayer *p = &net->layers[l];
    int B = net->B, H = net->cfg.hidden_size, GH = net->GH;
    size_t Tm = (size_t)net->cfg.max_steps;
    double *C = net->contrib, *ga = net->gram_a, *gb = net->gram_b;
    if (B == 1) {
        double nx = la_norm(dpre_x, (size_t)GH);
        double nh = dpre_h == dpre_x ? nx : la_norm(dpre_h, (size_t)GH);
        C[p->k_w_ih * Tm + t] = nx * la_norm(x, (size_t)p->in);
        C[p->k_w_hh * Tm + t] = nh * la_norm(h_prev, (size_t)H);
        C[p->k_b_ih * Tm + t] = nx;
        if (p->k_b_hh >= 0)
            C[p->k_b_hh * Tm + t] = nh;
        return;
    }
    C[p->k_w_ih * Tm + t] = la_outer_norm(dpre_x, x, B, GH, p->in, ga, gb, net->outer);
    bool shared = dpre_h == dpre_x && la_outer_prefers_gram(B, GH, p->in) &&
                  la_outer_prefers_gram(B, GH, H); /* ga holds dpre_x's Gram */
    if (shared) {
        la_gram(gb, h_prev, B, H);
        C[p->k_w_hh * Tm + t] = la_gram_pair_norm(ga, gb, B);
    } else {
        C[p->k_w_hh * Tm + t] = la_outer_norm(dpre_h, h_prev, B, GH, H, ga, gb, net->outer);
    }
    C[p->k_b_ih * Tm + t] = la_colsum_norm(dpre_x, B, GH, net->scratch_v);
    if (p->k_b_hh >= 0)
        C[p->k_b_hh * Tm + t] = dpre_h == dpre_x ? C[p->k_b_ih * Tm + t]
                                                 : la_colsum_norm(dpre_h, B, GH, net->scratch_v);
}

/* The weight gradients of layer l from its cached pre-activation
 * gradients, once its backward pass has reached step 0:
 *   dW_ih += sum_t dpre_t^T x_t,  dW_hh += sum_t dpre_t^T h_{t-1},
 *   db += sum_t sum_b dpre_t.
 * With a full batch the steps' rows are contiguous and this is one matrix
 * product over T*B rows (what makes BPTT fast); otherwise step by step,
 * from the last step down. Either way both schedules give the same bits. */
static void layer_weight_grads(Net *net, int l)
{
    NetLayer *p = &net->layers[l];
    int H = net->cfg.hidden_size, GH = net->GH, Bm = net->cfg.max_batch;
    bool full = net->B == Bm;
    int rows = full ? net->T * Bm : net->B;
    for (int t = full ? 0 : net->T - 1; t >= 0; t--) {
        const double *dx = net->dgates + net_slot_step(net, l, t, GH);
        const double *dh = net->dgates_h ? net->dgates_h + net_slot_step(net, l, t, GH) : dx;
        const double *x = layer_input(net, l, t);
        const double *h_prev = slot_h(net, net->h, l, t - 1);
        la_gemm_tn_add(p->dw_ih, dx, x, GH, p->in, rows);
        la_gemm_tn_add(p->dw_hh, dh, h_prev, GH, H, rows);
        la_colsum_add(p->db_ih, dx, rows, GH);
        if (p->db_hh)
            la_colsum_add(p->db_hh, dh, rows, GH);
    }
}

int net_backward_node(Net *net, int l, int t)
{
    NetOp op = {NET_OP_BACKWARD, l, t};
    int rc = check_op(net, op);
    if (rc)
        return rc;
    int B = net->B, H = net->cfg.hidden_size, GH = net->GH;
    size_t BH = (size_t)B * H;
    const NetLayer *p = &net->layers[l];
    const double *x = layer_input(net, l, t);
    const double *h_prev = slot_h(net, net->h, l, t - 1);
    double *dh = slot_h(net, net->dh, l, t);
    const double *dh_out = net->dh_out + net_slot_step(net, l, t, H);
    const double *dh_next = slot_h(net, net->dh_next, l, t);
    double *dh_prev = slot_h(net, net->dh_next, l, t - 1);
    double *dx = l > 0 ? net->dh_out + net_slot_step(net, l - 1, t, H) : NULL;
    double *dpre = net->dgates + net_slot_step(net, l, t, GH);
    /* gru's recurrent pre-activation differs from its input one: own cache */
    double *dpre_h = net->dgates_h ? net->dgates_h + net_slot_step(net, l, t, GH) : dpre;

    /* dL/dh_t = from the head or the layer above + from step t+1 */
    for (size_t k = 0; k < BH; k++)
        dh[k] = dh_out[k] + dh_next[k];
    switch (net->cfg.cell) {
    case NET_CELL_RNN:
        rnn_backward_step(dpre, dx, dh_prev, p, dh, slot_h(net, net->h, l, t), net->cfg.act, B, H);
        break;
    case NET_CELL_GRU:
        gru_backward_step(dpre, dpre_h, dx, dh_prev, p, dh,
                          net->gates + net_slot_step(net, l, t, GH),
                          net->gru_hn + net_slot_step(net, l, t, H), h_prev, B, H);
        break;
    case NET_CELL_LSTM: {
        double *dc = slot_h(net, net->dc, l, t);
        lstm_backward_step(dpre, dc, slot_h(net, net->dc_next, l, t - 1), dx, dh_prev, p, dh,
                           slot_h(net, net->dc_next, l, t),
                           net->gates + net_slot_step(net, l, t, GH), slot_h(net, net->c, l, t),
                           slot_h(net, net->c, l, t - 1), B, H);
        net->grad_c[(size_t)l * net->cfg.max_steps + t] = la_norm(dc, BH);
        if (t == 0) {
            /* dL/dc_{-1}: nothing else flows into the initial state. */
            memcpy(slot_h(net, net->dc, l, -1), slot_h(net, net->dc_next, l, -1),
                   sizeof(double) * BH);
        }
        break;
    }
    }
    layer_contrib(net, l, t, dpre, dpre_h, x, h_prev);
    if (t == 0) {
        memcpy(slot_h(net, net->dh, l, -1), dh_prev, sizeof(double) * BH);
        layer_weight_grads(net, l);
    }
    double g = la_norm(dh, BH);
    net->grad_h[(size_t)l * net->cfg.max_steps + t] = g;
    if (!isfinite(g))
        net->nonfinite |= NET_NONFINITE_GRAD;
    DONE(net->bwd_done, l, t) = 1;
    return NET_OK;
}

int net_run_op(Net *net, NetOp op)
{
    switch (op.kind) {
    case NET_OP_FORWARD:
        return net_forward_node(net, op.l, op.t);
    case NET_OP_HEAD_FORWARD:
        return net_head_forward(net, op.t);
    case NET_OP_HEAD_BACKWARD:
        return net_head_backward(net, op.t);
    case NET_OP_BACKWARD:
        return net_backward_node(net, op.l, op.t);
    }
    snprintf(net->err, sizeof net->err, "unknown op kind %d", (int)op.kind);
    return NET_ERR_ARG;
}

/* ---- schedules and whole-sequence passes ----------------------------------- */

static int n_targets(const Net *net)
{
    return net->cfg.targets == NET_TARGETS_ALL ? net->T : 1;
}

int net_schedule_len(const Net *net)
{
    int LT = net->cfg.num_layers * net->T;
    return 2 * LT + net->T + n_targets(net);
}

static void push(NetOp *out, int *n, NetOpKind kind, int l, int t)
{
    out[*n].kind = kind;
    out[*n].l = l;
    out[*n].t = t;
    (*n)++;
}

int net_schedule(const Net *net, NetOrder order, NetOp *out, int cap)
{
    int L = net->cfg.num_layers, T = net->T, n = 0;
    if (cap < net_schedule_len(net))
        return NET_ERR_ARG;
    if (order == NET_ORDER_TIME) {
        for (int t = 0; t < T; t++) {
            for (int l = 0; l < L; l++)
                push(out, &n, NET_OP_FORWARD, l, t);
            push(out, &n, NET_OP_HEAD_FORWARD, -1, t);
        }
        for (int t = T - 1; t >= 0; t--) {
            if (net_has_target(net, t))
                push(out, &n, NET_OP_HEAD_BACKWARD, -1, t);
            for (int l = L - 1; l >= 0; l--)
                push(out, &n, NET_OP_BACKWARD, l, t);
        }
    } else {
        for (int l = 0; l < L; l++)
            for (int t = 0; t < T; t++) {
                push(out, &n, NET_OP_FORWARD, l, t);
                if (l == L - 1)
                    push(out, &n, NET_OP_HEAD_FORWARD, -1, t);
            }
        for (int t = T - 1; t >= 0; t--)
            if (net_has_target(net, t))
                push(out, &n, NET_OP_HEAD_BACKWARD, -1, t);
        for (int l = L - 1; l >= 0; l--)
            for (int t = T - 1; t >= 0; t--)
                push(out, &n, NET_OP_BACKWARD, l, t);
    }
    return n;
}

void net_set_yield(Net *net, NetYield fn, void *user)
{
    net->yield_fn = fn;
    net->yield_user = user;
}

/* Between time steps of a whole pass: whether to stop now. */
static bool yield_now(Net *net)
{
    if (!net->yield_fn || !net->yield_fn(net->yield_user))
        return false;
    snprintf(net->err, sizeof net->err, "cancelled between time steps");
    return true;
}

int net_forward(Net *net)
{
    net_reset_pass(net);
    return net_forward_continue(net);
}

int net_forward_continue(Net *net)
{
    for (int t = 0; t < net->T; t++) {
        bool ran = false;
        for (int l = 0; l < net->cfg.num_layers; l++) {
            if (net_op_done(net, (NetOp){NET_OP_FORWARD, l, t}))
                continue;
            int rc = net_forward_node(net, l, t);
            if (rc)
                return rc;
            ran = true;
        }
        if (!net_op_done(net, (NetOp){NET_OP_HEAD_FORWARD, -1, t})) {
            int rc = net_head_forward(net, t);
            if (rc)
                return rc;
            ran = true;
        }
        if (ran && t + 1 < net->T && yield_now(net))
            return NET_ERR_CANCELLED;
    }
    return NET_OK;
}

int net_backward(Net *net)
{
    for (int t = net->T - 1; t >= 0; t--) {
        bool ran = false;
        NetOp hb = {NET_OP_HEAD_BACKWARD, -1, t};
        if (net_has_target(net, t) && !net_op_done(net, hb)) {
            int rc = net_head_backward(net, t);
            if (rc)
                return rc;
            ran = true;
        }
        for (int l = net->cfg.num_layers - 1; l >= 0; l--) {
            NetOp op = {NET_OP_BACKWARD, l, t};
            if (net_op_done(net, op))
                continue;
            int rc = net_backward_node(net, l, t);
            if (rc)
                return rc;
            ran = true;
        }
        if (ran && t > 0 && yield_now(net))
            return NET_ERR_CANCELLED;
    }
    if (!all_finite(net->grads, net->n_params))
        net->nonfinite |= NET_NONFINITE_GRAD;
    return NET_OK;
}

/* ---- results and caches ----------------------------------------------------------- */

double net_loss(const Net *net)
{
    double s = 0.0;
    for (int t = 0; t < net->T; t++)
        s += net->step_loss[t];
    return s;
}

double net_step_loss(const Net *net, int t)
{
    return t >= 0 && t < net->T ? net->step_loss[t] : NAN;
}

int net_nonfinite(const Net *net)
{
    return net->nonfinite;
}

const double *net_x(const Net *net, int t)
{
    expect_step(net, t);
    return net->x + (size_t)t * net->cfg.max_batch * net->cfg.input_size;
}

const double *net_h(const Net *net, int l, int t)
{
    expect_node(net, l, t, -1);
    return slot_h(net, net->h, l, t);
}

const double *net_c(const Net *net, int l, int t)
{
    expect_node(net, l, t, -1);
    return net->c ? slot_h(net, net->c, l, t) : NULL;
}

const double *net_gates(const Net *net, int l, int t)
{
    expect_node(net, l, t, 0);
    if (!net->gates)
        return slot_h(net, net->h, l, t);
    return net->gates + net_slot_step(net, l, t, net->GH);
}

const double *net_gru_hn(const Net *net, int l, int t)
{
    expect_node(net, l, t, 0);
    return net->gru_hn ? net->gru_hn + net_slot_step(net, l, t, net->cfg.hidden_size) : NULL;
}

static size_t out_row(const Net *net, int t)
{
    return (size_t)t * net->cfg.max_batch * net->cfg.output_size;
}

const double *net_y(const Net *net, int t)
{
    expect_step(net, t);
    return net->y + out_row(net, t);
}

const double *net_prob(const Net *net, int t)
{
    expect_step(net, t);
    return net->cfg.loss == NET_LOSS_SOFTMAX_CE ? net->prob + out_row(net, t) : NULL;
}

const int *net_target_class(const Net *net, int t)
{
    if (net->cfg.loss != NET_LOSS_SOFTMAX_CE || !net_has_target(net, t))
        return NULL;
    return net->t_class + (size_t)t * net->cfg.max_batch;
}

const double *net_target_vec(const Net *net, int t)
{
    if (net->cfg.loss != NET_LOSS_MSE || !net_has_target(net, t))
        return NULL;
    return net->t_vec + out_row(net, t);
}

const double *net_dy(const Net *net, int t)
{
    expect_step(net, t);
    return net->dy + out_row(net, t);
}

const double *net_dh(const Net *net, int l, int t)
{
    expect_node(net, l, t, -1);
    return slot_h(net, net->dh, l, t);
}

const double *net_dh_out(const Net *net, int l, int t)
{
    expect_node(net, l, t, 0);
    return net->dh_out + net_slot_step(net, l, t, net->cfg.hidden_size);
}

const double *net_dh_next(const Net *net, int l, int t)
{
    expect_node(net, l, t, -1);
    return slot_h(net, net->dh_next, l, t);
}

const double *net_dc(const Net *net, int l, int t)
{
    expect_node(net, l, t, -1);
    return net->dc ? slot_h(net, net->dc, l, t) : NULL;
}

const double *net_dc_next(const Net *net, int l, int t)
{
    return net->dc_next ? slot_h(net, net->dc_next, l, t) : NULL;
}

const double *net_dgates_h(const Net *net, int l, int t)
{
    double *base = net->dgates_h ? net->dgates_h : net->dgates;
    return base + net_slot_step(net, l, t, net->GH);
}

const double *net_dgates(const Net *net, int l, int t)
{
    expect_node(net, l, t, 0);
    return net->dgates + net_slot_step(net, l, t, net->GH);
}

double net_grad_h(const Net *net, int l, int t)
{
    expect_node(net, l, t, 0);
    return net->grad_h[(size_t)l * net->cfg.max_steps + t];
}

double net_grad_c(const Net *net, int l, int t)
{
    expect_node(net, l, t, 0);
    return net->c ? net->grad_c[(size_t)l * net->cfg.max_steps + t] : NAN;
}

double net_grad_contrib(const Net *net, int k, int t)
{
    if (k < 0 || k >= net->n_tensors || t < 0 || t >= net->T)
        return NAN;
    return net->contrib[(size_t)k * net->cfg.max_steps + t];
}
