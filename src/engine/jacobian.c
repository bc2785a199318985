#include "jacobian.h"

#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "la.h"

struct JacWork {
    NetCell cell;
    int H, S, max_steps, T;
    double *p, *p_next; /* (H, S) dh_{T-1}/ds_u, the running product */
    double *a;          /* (S, S) one-step d s_u / d s_{u-1} */
    double *dc;         /* (H, H) lstm: dc_u/dh_{u-1} */
    double *scratch;    /* (S, S) dgesdd overwrites its input */
    double *sv_scratch; /* (S) */
    double *prod_sv;    /* (T, H) */
    double *step_sv;    /* (T, H), row T-1 unused */
    double *joint_norm; /* (T) */
    double *work;       /* dgesdd work, lwork doubles */
    lapack_int *iwork;  /* (8 S) */
    lapack_int lwork;
};

/* Layer l's inputs at step u for row b, read from the forward caches. */
typedef struct {
    const double *w;      /* (G*H, H) W_hh */
    const double *gates;  /* (G*H) activations at u; rnn: h_u */
    const double *h_prev; /* (H) h_{u-1} */
    const double *c, *c_prev, *hn;
    NetAct act;
} StepIn;

static lapack_int query_lwork(int n)
{
    double q = 0.0;
    lapack_int iw = 0;
    lapack_int info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'N', n, n, NULL, n, NULL, NULL, 1, NULL,
                                          1, &q, -1, &iw);
    return info == 0 && q >= 1.0 ? (lapack_int)q + 1 : -1;
}

JacWork *jac_create(NetCell cell, int H, int max_steps)
{
    if (H < 1 || H > JAC_MAX_HIDDEN || max_steps < 1 || max_steps > NET_MAX_STEPS)
        return NULL;
    JacWork *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    int S = cell == NET_CELL_LSTM ? 2 * H : H;
    size_t ss = (size_t)S * S, hs = (size_t)H * S, th = (size_t)max_steps * H;
    *w = (JacWork){.cell = cell, .H = H, .S = S, .max_steps = max_steps};
    w->lwork = query_lwork(S);
    w->p = malloc(hs * sizeof(double));
    w->p_next = malloc(hs * sizeof(double));
    w->a = malloc(ss * sizeof(double));
    w->dc = malloc((size_t)H * H * sizeof(double));
    w->scratch = malloc(ss * sizeof(double));
    w->sv_scratch = malloc((size_t)S * sizeof(double));
    w->prod_sv = malloc(th * sizeof(double));
    w->step_sv = malloc(th * sizeof(double));
    w->joint_norm = malloc((size_t)max_steps * sizeof(double));
    w->work = w->lwork > 0 ? malloc((size_t)w->lwork * sizeof(double)) : NULL;
    w->iwork = malloc(8 * (size_t)S * sizeof(lapack_int));
    if (!w->p || !w->p_next || !w->a || !w->dc || !w->scratch || !w->sv_scratch || !w->prod_sv ||
        !w->step_sv || !w->joint_norm || !w->work || !w->iwork) {
        jac_destroy(w);
        return NULL;
    }
    return w;
}

void jac_destroy(JacWork *w)
{
    if (!w)
        return;
    free(w->p);
    free(w->p_next);
    free(w->a);
    free(w->dc);
    free(w->scratch);
    free(w->sv_scratch);
    free(w->prod_sv);
    free(w->step_sv);
    free(w->joint_norm);
    free(w->work);
    free(w->iwork);
    free(w);
}

/* Singular values (n), descending, of the (n, n) block at m with row
 * stride ld. The block is copied as it is: read column-major it is the
 * transpose, which has the same singular values, so LAPACKE needs no
 * transposed copy of its own (it would allocate). */
static void svd_values(JacWork *w, const double *m, int n, int ld, double *out)
{
    bool finite = true;
    for (int i = 0; i < n; i++) {
        memcpy(w->scratch + (size_t)i * n, m + (size_t)i * ld, (size_t)n * sizeof(double));
        for (int k = 0; k < n; k++)
            finite = finite && isfinite(m[(size_t)i * ld + k]);
    }
    lapack_int info = -1;
    if (finite)
        info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'N', n, n, w->scratch, n, out, NULL, 1, NULL,
                                   1, w->work, w->lwork, w->iwork);
    if (info != 0)
        for (int i = 0; i < n; i++)
            out[i] = NAN;
}

static const double *weight_hh(const Net *net, int l)
{
    char name[32];
    snprintf(name, sizeof name, "weight_hh_l%d", l);
    const NetParam *p = net_param_find(net, name);
    return p ? net_params_const(net) + p->offset : NULL;
}

static StepIn step_in(const Net *net, int l, int b, int u)
{
    const NetConfig *cfg = net_config(net);
    int H = cfg->hidden_size, GH = net_gate_count(cfg->cell) * H;
    StepIn in = {weight_hh(net, l),
                 net_gates(net, l, u) + (size_t)b * GH,
                 net_h(net, l, u - 1) + (size_t)b * H,
                 NULL,
                 NULL,
                 NULL,
                 cfg->act};
    if (cfg->cell == NET_CELL_LSTM) {
        in.c = net_c(net, l, u) + (size_t)b * H;
        in.c_prev = net_c(net, l, u - 1) + (size_t)b * H;
    }
    if (cfg->cell == NET_CELL_GRU)
        in.hn = net_gru_hn(net, l, u) + (size_t)b * H;
    return in;
}

/* rnn: dh_u/dh_{u-1} = diag(act'(pre_u)) W_hh, act' read from h_u:
 * tanh' = 1 - h^2, relu' = [h > 0] (0 at 0, as the engine and PyTorch). */
static void rnn_step(double *a, const StepIn *in, int H)
{
    for (int i = 0; i < H; i++) {
        double h = in->gates[i];
        double d = in->act == NET_ACT_RELU ? (h > 0.0 ? 1.0 : 0.0) : 1.0 - h * h;
        for (int k = 0; k < H; k++)
            a[(size_t)i * H + k] = d * in->w[(size_t)i * H + k];
    }
}

/* gru: h_u = (1 - z) n + z h_{u-1}, so
 * dh_u/dh_{u-1} = diag(z) + diag((h_{u-1} - n) z (1 - z)) W_hz
 *               + diag((1 - z)(1 - n^2)) (diag(r) W_hn + diag(hn r (1 - r)) W_hr) */
static void gru_step(double *a, const StepIn *in, int H)
{
    const double *w_r = in->w, *w_z = in->w + (size_t)H * H, *w_n = in->w + 2 * (size_t)H * H;
    for (int i = 0; i < H; i++) {
        double r = in->gates[i], z = in->gates[H + i], n = in->gates[2 * H + i];
        double dz = (in->h_prev[i] - n) * z * (1.0 - z);
        double dn = (1.0 - z) * (1.0 - n * n);
        double dr = dn * in->hn[i] * r * (1.0 - r);
        for (int k = 0; k < H; k++) {
            size_t ik = (size_t)i * H + k;
            a[ik] = dz * w_z[ik] + dn * r * w_n[ik] + dr * w_r[ik] + (i == k ? z : 0.0);
        }
    }
}

/* lstm, state (h, c), S = 2H, rows and columns h first:
 *   dc_u/dh_{u-1} = diag(c_{u-1} f (1-f)) W_hf + diag(g i (1-i)) W_hi + diag(i (1-g^2)) W_hg
 *   dc_u/dc_{u-1} = diag(f)
 *   dh_u/dh_{u-1} = diag(tanh(c_u) o (1-o)) W_ho + diag(o (1 - tanh^2 c_u)) dc_u/dh_{u-1}
 *   dh_u/dc_{u-1} = diag(o (1 - tanh^2 c_u) f) */
static void lstm_step(double *a, double *dc, const StepIn *in, int H)
{
    size_t HH = (size_t)H * H, S = 2 * (size_t)H;
    const double *w_i = in->w, *w_f = in->w + HH, *w_g = in->w + 2 * HH, *w_o = in->w + 3 * HH;
    for (int i = 0; i < H; i++) {
        const double *g4 = in->gates;
        double ig = g4[i], f = g4[H + i], g = g4[2 * H + i], o = g4[3 * H + i];
        double tc = la_tanh(in->c[i]), dtc = o * (1.0 - tc * tc);
        double cf = in->c_prev[i] * f * (1.0 - f), ci = g * ig * (1.0 - ig),
               cg = ig * (1.0 - g * g);
        for (int k = 0; k < H; k++) {
            size_t ik = (size_t)i * H + k;
            dc[ik] = cf * w_f[ik] + ci * w_i[ik] + cg * w_g[ik];
            a[i * S + k] = tc * o * (1.0 - o) * w_o[ik] + dtc * dc[ik];
            a[i * S + H + k] = i == k ? dtc * f : 0.0;
            a[(H + i) * S + k] = dc[ik];
            a[(H + i) * S + H + k] = i == k ? f : 0.0;
        }
    }
}

/* w->a = d s_u / d s_{u-1} for layer l, row b. */
static void fill_step(JacWork *w, const Net *net, int l, int b, int u)
{
    StepIn in = step_in(net, l, b, u);
    if (w->cell == NET_CELL_RNN)
        rnn_step(w->a, &in, w->H);
    else if (w->cell == NET_CELL_GRU)
        gru_step(w->a, &in, w->H);
    else
        lstm_step(w->a, w->dc, &in, w->H);
}

static int check_args(const JacWork *w, const Net *net, int l, int b)
{
    if (!w || !net)
        return NET_ERR_ARG;
    const NetConfig *cfg = net_config(net);
    int T = net_steps(net);
    if (cfg->cell != w->cell || cfg->hidden_size != w->H || T < 1 || T > w->max_steps)
        return NET_ERR_ARG;
    if (l < 0 || l >= cfg->num_layers || b < 0 || b >= net_batch_size(net))
        return NET_ERR_ARG;
    if (!net_op_done(net, (NetOp){NET_OP_FORWARD, l, T - 1}) || !weight_hh(net, l))
        return NET_ERR_ARG;
    return 0;
}

/* p (H, S) = [I 0]: dh_{T-1}/ds_{T-1}. */
static void product_start(JacWork *w)
{
    memset(w->p, 0, (size_t)w->H * w->S * sizeof(double));
    for (int i = 0; i < w->H; i++)
        w->p[(size_t)i * w->S + i] = 1.0;
}

/* p <- p * d s_u / d s_{u-1}: from dh_{T-1}/ds_u to dh_{T-1}/ds_{u-1}. */
static void product_step(JacWork *w)
{
    la_gemm_nn(w->p_next, w->p, w->a, w->H, w->S, w->S, 0.0);
    double *tmp = w->p;
    w->p = w->p_next;
    w->p_next = tmp;
}

int jac_compute(JacWork *w, const Net *net, int l, int b)
{
    int rc = check_args(w, net, l, b);
    if (rc < 0)
        return rc;
    int T = net_steps(net), H = w->H, S = w->S;
    w->T = T;
    product_start(w);
    for (int k = 0; k < H; k++)
        w->prod_sv[(size_t)(T - 1) * H + k] = 1.0;
    for (int k = 0; k < H; k++)
        w->step_sv[(size_t)(T - 1) * H + k] = NAN;
    w->joint_norm[T - 1] = NAN;
    for (int u = T - 1; u >= 1; u--) {
        fill_step(w, net, l, b, u);
        svd_values(w, w->a, H, S, w->step_sv + (size_t)(u - 1) * H);
        if (S != H) {
            svd_values(w, w->a, S, S, w->sv_scratch);
            w->joint_norm[u - 1] = w->sv_scratch[0];
        } else {
            w->joint_norm[u - 1] = w->step_sv[(size_t)(u - 1) * H];
        }
        product_step(w);
        svd_values(w, w->p, H, S, w->prod_sv + (size_t)(u - 1) * H);
    }
    return 0;
}

int jac_steps(const JacWork *w)
{
    return w->T;
}

int jac_hidden(const JacWork *w)
{
    return w->H;
}

int jac_state_size(const JacWork *w)
{
    return w->S;
}

const double *jac_product_sv(const JacWork *w, int t)
{
    return t >= 0 && t < w->T ? w->prod_sv + (size_t)t * w->H : NULL;
}

const double *jac_step_sv(const JacWork *w, int t)
{
    return t >= 0 && t < w->T - 1 ? w->step_sv + (size_t)t * w->H : NULL;
}

double jac_step_joint_norm(const JacWork *w, int t)
{
    return t >= 0 && t < w->T - 1 ? w->joint_norm[t] : NAN;
}

int jac_product_matrix(JacWork *w, const Net *net, int l, int b, int t, double *out)
{
    int rc = check_args(w, net, l, b);
    int T = rc < 0 ? 0 : net_steps(net);
    if (rc < 0 || t < 0 || t >= T || !out)
        return NET_ERR_ARG;
    product_start(w);
    for (int u = T - 1; u > t; u--) {
        fill_step(w, net, l, b, u);
        product_step(w);
    }
    for (int i = 0; i < w->H; i++)
        memcpy(out + (size_t)i * w->H, w->p + (size_t)i * w->S, (size_t)w->H * sizeof(double));
    return 0;
}

int jac_step_matrix(JacWork *w, const Net *net, int l, int b, int t, double *out)
{
    int rc = check_args(w, net, l, b);
    if (rc < 0 || t < 0 || t >= net_steps(net) - 1 || !out)
        return NET_ERR_ARG;
    fill_step(w, net, l, b, t + 1);
    memcpy(out, w->a, (size_t)w->S * w->S * sizeof(double));
    return 0;
}
