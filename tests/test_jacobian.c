/* The Jacobian product dh_{T-1}/dh_t and the one-step Jacobians against
 * central finite differences of the engine's own forward pass (a second
 * network started from the perturbed state), the singular values against
 * the Frobenius norm and |det| of the differenced matrix, the BPTT
 * identity dL/dh_t = J_t^T dL/dh_{T-1}, and the argument checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "init.h"
#include "jacobian.h"
#include "net.h"
#include "rng.h"

enum { I = 3, H = 4, O = 2, B = 2, T = 7, ROW = 1 };
#define EPS 1e-6
#define FD_TOL 1e-7

typedef struct {
    NetConfig cfg;
    Net *net;
    double x[B * T * I], y[B * O], h0[B * H], c0[B * H];
} Fix;

static void fix_build(Fix *f, NetCell cell, NetAct act, double rho)
{
    f->cfg = (NetConfig){cell, act, I, H, 1, O, NET_LOSS_MSE, NET_TARGETS_LAST, true, B, T};
    NetError err = {""};
    f->net = net_create(&f->cfg, &err);
    assert_non_null(f->net);
    Rng rng;
    rng_seed(&rng, 42 + (uint64_t)cell * 7 + (uint64_t)act);
    InitOptions opt = {INIT_NORMAL, rho, 0.0};
    assert_int_equal(init_params(f->net, &opt, &rng), 0);
    for (int k = 0; k < B * T * I; k++)
        f->x[k] = rng_normal(&rng);
    for (int k = 0; k < B * O; k++)
        f->y[k] = rng_normal(&rng);
    for (int k = 0; k < B * H; k++) {
        f->h0[k] = 0.5 * rng_normal(&rng);
        f->c0[k] = 0.5 * rng_normal(&rng);
    }
    NetBatch batch = {B, T, f->x, NULL, f->y, f->h0, cell == NET_CELL_LSTM ? f->c0 : NULL};
    assert_int_equal(net_bind(f->net, &batch, &err), 0);
    net_zero_grad(f->net);
    assert_int_equal(net_forward(f->net), 0);
    assert_int_equal(net_backward(f->net), 0);
}

/* A one-row network with f's weights that starts from state (h, c) at step
 * t and runs steps t+1..t_end: its last h (and c) is f's at t_end, moved
 * by (h, c). */
static void run_from(const Fix *f, int t, int t_end, const double *h, const double *c,
                     double *h_out, double *c_out)
{
    NetConfig cfg = f->cfg;
    cfg.max_batch = 1;
    NetError err = {""};
    Net *n = net_create(&cfg, &err);
    assert_non_null(n);
    memcpy(net_params(n), net_params_const(f->net), net_num_params(n) * sizeof(double));
    int steps = t_end - t;
    double y[O] = {0};
    NetBatch batch = {1, steps, f->x + ((size_t)ROW * T + t + 1) * I, NULL,
                      y, h,     cfg.cell == NET_CELL_LSTM ? c : NULL};
    assert_int_equal(net_bind(n, &batch, &err), 0);
    assert_int_equal(net_forward(n), 0);
    memcpy(h_out, net_h(n, 0, steps - 1), H * sizeof(double));
    if (c_out)
        memcpy(c_out, net_c(n, 0, steps - 1), H * sizeof(double));
    net_destroy(n);
}

/* Column j of d(h, c)_{end}/d(h, c)_t by central differences; j >= H moves c. */
static void fd_column(const Fix *f, int t, int t_end, int j, double *col, int S)
{
    double h[H], c[H], hp[H], cp[H], hm[H], cm[H];
    memcpy(h, net_h(f->net, 0, t) + ROW * H, sizeof h);
    if (f->cfg.cell == NET_CELL_LSTM)
        memcpy(c, net_c(f->net, 0, t) + ROW * H, sizeof c);
    double *v = j < H ? &h[j] : &c[j - H];
    double keep = *v;
    *v = keep + EPS;
    run_from(f, t, t_end, h, c, hp, S > H ? cp : NULL);
    *v = keep - EPS;
    run_from(f, t, t_end, h, c, hm, S > H ? cm : NULL);
    for (int i = 0; i < H; i++)
        col[i] = (hp[i] - hm[i]) / (2 * EPS);
    for (int i = H; i < S; i++)
        col[i] = (cp[i - H] - cm[i - H]) / (2 * EPS);
}

static void expect_close(const double *got, const double *want, int n, double tol, const char *what,
                         int t)
{
    for (int k = 0; k < n; k++)
        if (fabs(got[k] - want[k]) > tol * (1.0 + fabs(want[k])))
            fail_msg("%s t=%d entry %d: got %.12g, finite differences %.12g", what, t, k, got[k],
                     want[k]);
}

/* |det| of a small (n, n) matrix by Gaussian elimination with pivoting. */
static double abs_det(double *a, int n)
{
    double det = 1.0;
    for (int c = 0; c < n; c++) {
        int p = c;
        for (int r = c + 1; r < n; r++)
            if (fabs(a[r * n + c]) > fabs(a[p * n + c]))
                p = r;
        for (int k = 0; k < n; k++) {
            double tmp = a[c * n + k];
            a[c * n + k] = a[p * n + k];
            a[p * n + k] = tmp;
        }
        det *= a[c * n + c];
        for (int r = c + 1; r < n && a[c * n + c] != 0.0; r++) {
            double m = a[r * n + c] / a[c * n + c];
            for (int k = c; k < n; k++)
                a[r * n + k] -= m * a[c * n + k];
        }
    }
    return fabs(det);
}

/* J_t for every t against differences; its singular values against the
 * differenced matrix's Frobenius norm (sum sigma^2) and |det| (prod sigma). */
static void check_products(NetCell cell, NetAct act, double rho)
{
    Fix f;
    fix_build(&f, cell, act, rho);
    JacWork *w = jac_create(cell, H, T);
    assert_non_null(w);
    assert_int_equal(jac_compute(w, f.net, 0, ROW), 0);
    for (int t = 0; t < T - 1; t++) {
        double got[H * H], fd[H * H], col[H];
        assert_int_equal(jac_product_matrix(w, f.net, 0, ROW, t, got), 0);
        for (int j = 0; j < H; j++) {
            fd_column(&f, t, T - 1, j, col, H);
            for (int i = 0; i < H; i++)
                fd[i * H + j] = col[i];
        }
        expect_close(got, fd, H * H, FD_TOL, "dh_{T-1}/dh_t", t);
        const double *sv = jac_product_sv(w, t);
        double fro = 0.0, prod = 1.0;
        for (int k = 0; k < H * H; k++)
            fro += fd[k] * fd[k];
        double ss = 0.0;
        for (int k = 0; k < H; k++) {
            ss += sv[k] * sv[k];
            prod *= sv[k];
            assert_true(k == 0 || sv[k] <= sv[k - 1]);
        }
        assert_true(fabs(ss - fro) <= 1e-6 * (fro + 1e-12));
        assert_true(fabs(prod - abs_det(fd, H)) <= 1e-6 * (prod + 1e-12));
    }
    const double *last = jac_product_sv(w, T - 1);
    for (int k = 0; k < H; k++)
        assert_true(last[k] == 1.0);
    jac_destroy(w);
    net_destroy(f.net);
}

static void test_product_rnn_tanh(void **state)
{
    (void)state;
    check_products(NET_CELL_RNN, NET_ACT_TANH, 1.1);
}

static void test_product_rnn_relu(void **state)
{
    (void)state;
    check_products(NET_CELL_RNN, NET_ACT_RELU, 0.9);
}

static void test_product_gru(void **state)
{
    (void)state;
    check_products(NET_CELL_GRU, NET_ACT_TANH, 1.3);
}

static void test_product_lstm(void **state)
{
    (void)state;
    check_products(NET_CELL_LSTM, NET_ACT_TANH, 1.3);
}

/* The joint one-step matrix d s_{t+1}/d s_t against differences, and the
 * step singular values and joint norm against it. */
static void check_steps(NetCell cell, NetAct act)
{
    Fix f;
    fix_build(&f, cell, act, 1.2);
    JacWork *w = jac_create(cell, H, T);
    assert_non_null(w);
    int S = jac_state_size(w);
    assert_int_equal(S, cell == NET_CELL_LSTM ? 2 * H : H);
    assert_int_equal(jac_compute(w, f.net, 0, ROW), 0);
    for (int t = 0; t < T - 1; t++) {
        double got[4 * H * H], fd[4 * H * H], col[2 * H];
        assert_int_equal(jac_step_matrix(w, f.net, 0, ROW, t, got), 0);
        for (int j = 0; j < S; j++) {
            fd_column(&f, t, t + 1, j, col, S);
            for (int i = 0; i < S; i++)
                fd[i * S + j] = col[i];
        }
        expect_close(got, fd, S * S, FD_TOL, "d s_{t+1}/d s_t", t);
        const double *sv = jac_step_sv(w, t);
        double fro = 0.0, ss = 0.0;
        for (int i = 0; i < H; i++)
            for (int k = 0; k < H; k++)
                fro += got[i * S + k] * got[i * S + k];
        for (int k = 0; k < H; k++)
            ss += sv[k] * sv[k];
        assert_true(fabs(ss - fro) <= 1e-12 * fro);
        assert_true(jac_step_joint_norm(w, t) >= sv[0] * (1 - 1e-12));
    }
    assert_null(jac_step_sv(w, T - 1));
    jac_destroy(w);
    net_destroy(f.net);
}

static void test_steps_all_cells(void **state)
{
    (void)state;
    check_steps(NET_CELL_RNN, NET_ACT_TANH);
    check_steps(NET_CELL_RNN, NET_ACT_RELU);
    check_steps(NET_CELL_GRU, NET_ACT_TANH);
    check_steps(NET_CELL_LSTM, NET_ACT_TANH);
}

/* With one layer and only h_{T-1} feeding the loss, BPTT's dL/dh_t is
 * J_t^T dL/dh_{T-1}: the definition the header gives (lstm: c_t fixed). */
static void test_bptt_identity(void **state)
{
    (void)state;
    static const NetCell cells[4] = {NET_CELL_RNN, NET_CELL_RNN, NET_CELL_GRU, NET_CELL_LSTM};
    for (int c = 0; c < 4; c++) {
        Fix f;
        fix_build(&f, cells[c], c == 1 ? NET_ACT_RELU : NET_ACT_TANH, 1.4);
        JacWork *w = jac_create(cells[c], H, T);
        const double *g_last = net_dh(f.net, 0, T - 1) + ROW * H;
        for (int t = 0; t < T - 1; t++) {
            double j[H * H], want[H] = {0};
            assert_int_equal(jac_product_matrix(w, f.net, 0, ROW, t, j), 0);
            for (int i = 0; i < H; i++)
                for (int k = 0; k < H; k++)
                    want[k] += j[i * H + k] * g_last[i];
            expect_close(net_dh(f.net, 0, t) + ROW * H, want, H, 1e-12, "dL/dh_t", t);
        }
        jac_destroy(w);
        net_destroy(f.net);
    }
}

/* Sizes, cell, layer, row and an unfinished forward pass are refused. */
static void test_refusals(void **state)
{
    (void)state;
    assert_null(jac_create(NET_CELL_RNN, JAC_MAX_HIDDEN + 1, 10));
    assert_null(jac_create(NET_CELL_RNN, 0, 10));
    assert_null(jac_create(NET_CELL_RNN, 4, 0));
    Fix f;
    fix_build(&f, NET_CELL_GRU, NET_ACT_TANH, 1.0);
    JacWork *lstm = jac_create(NET_CELL_LSTM, H, T), *small = jac_create(NET_CELL_GRU, H, T - 1);
    JacWork *w = jac_create(NET_CELL_GRU, H, T);
    assert_int_equal(jac_compute(lstm, f.net, 0, 0), NET_ERR_ARG);
    assert_int_equal(jac_compute(small, f.net, 0, 0), NET_ERR_ARG);
    assert_int_equal(jac_compute(w, f.net, 1, 0), NET_ERR_ARG);
    assert_int_equal(jac_compute(w, f.net, 0, B), NET_ERR_ARG);
    assert_int_equal(jac_compute(w, f.net, 0, -1), NET_ERR_ARG);
    double m[H * H];
    assert_int_equal(jac_product_matrix(w, f.net, 0, 0, T, m), NET_ERR_ARG);
    assert_int_equal(jac_step_matrix(w, f.net, 0, 0, T - 1, m), NET_ERR_ARG);
    net_reset_pass(f.net);
    assert_int_equal(jac_compute(w, f.net, 0, 0), NET_ERR_ARG);
    assert_int_equal(net_forward_node(f.net, 0, 0), 0);
    assert_int_equal(jac_compute(w, f.net, 0, 0), NET_ERR_ARG);
    assert_int_equal(net_forward(f.net), 0);
    assert_int_equal(jac_compute(w, f.net, 0, 0), 0);
    assert_null(jac_product_sv(w, T));
    assert_true(isnan(jac_step_joint_norm(w, -1)));
    jac_destroy(lstm);
    jac_destroy(small);
    jac_destroy(w);
    jac_destroy(NULL);
    net_destroy(f.net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_product_rnn_tanh), cmocka_unit_test(test_product_rnn_relu),
        cmocka_unit_test(test_product_gru),      cmocka_unit_test(test_product_lstm),
        cmocka_unit_test(test_steps_all_cells),  cmocka_unit_test(test_bptt_identity),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
