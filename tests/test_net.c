/*
 * The network against central finite differences, for every cell, loss,
 * targets mode, depth and bias convention; the node schedules against the
 * whole-sequence pass, bit for bit; and out-of-order node calls.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "expect.h"
#include "net.h"
#include "rng.h"

enum { B = 3, T = 4, I = 3, H = 4, O = 3 };

typedef struct {
    double x[B * T * I];
    int classes[B * T];
    double y[B * T * O];
    double h0[3 * B * H];
    double c0[3 * B * H];
    NetBatch batch;
} Fixture;

static Net *make_net(NetCell cell, NetAct act, NetLoss loss, NetTargets targets, int L,
                     bool bias_hh, bool with_h0, Fixture *fx, uint64_t seed)
{
    NetConfig cfg = {cell, act, I, H, L, O, loss, targets, bias_hh, B, T};
    NetError err;
    Net *net = net_create(&cfg, &err);
    assert_non_null(net);
    Rng rng;
    rng_seed(&rng, seed);
    double *p = net_params(net);
    for (size_t i = 0; i < net_num_params(net); i++)
        p[i] = rng_range(&rng, -0.6, 0.6);
    for (int i = 0; i < B * T * I; i++)
        fx->x[i] = rng_range(&rng, -1.0, 1.0);
    for (int i = 0; i < B * T; i++)
        fx->classes[i] = rng_int(&rng, O);
    for (int i = 0; i < B * T * O; i++)
        fx->y[i] = rng_range(&rng, -1.0, 1.0);
    for (int i = 0; i < 3 * B * H; i++) {
        fx->h0[i] = rng_range(&rng, -0.5, 0.5);
        fx->c0[i] = rng_range(&rng, -0.5, 0.5);
    }
    NetBatch bt = {B, T, fx->x, fx->classes, fx->y, NULL, NULL};
    if (with_h0) {
        bt.h0 = fx->h0;
        bt.c0 = cell == NET_CELL_LSTM ? fx->c0 : NULL;
    }
    fx->batch = bt;
    assert_int_equal(net_bind(net, &fx->batch, &err), NET_OK);
    return net;
}

static double loss_of(Net *net)
{
    assert_int_equal(net_forward(net), NET_OK);
    return net_loss(net);
}

/* Compares analytic and numeric gradients; prints the first mismatches. */
static int compare(const char *what, const double *a, const double *n, size_t len, double tol)
{
    double diff = 0.0, ref = 0.0;
    int bad = 0;
    for (size_t i = 0; i < len; i++) {
        diff += (a[i] - n[i]) * (a[i] - n[i]);
        ref = fmax(ref, fmax(fabs(a[i]), fabs(n[i])));
        double e = fabs(a[i] - n[i]) / fmax(fmax(fabs(a[i]), fabs(n[i])), 1e-3);
        if (e > tol && bad++ < 4)
            print_error("%s[%zu]: analytic %.12g numeric %.12g (rel %.3g)\n", what, i, a[i], n[i],
                        e);
    }
    return bad;
}

static void check_config(NetCell cell, NetAct act, NetLoss loss, NetTargets targets, int L,
                         bool bias_hh)
{
    Fixture fx;
    Net *net = make_net(cell, act, loss, targets, L, bias_hh, true, &fx, 17 + L * 7 + cell);
    const double eps = 1e-5, tol = 1e-6;
    size_t np = net_num_params(net);
    double *analytic = malloc(sizeof(double) * np), *numeric = malloc(sizeof(double) * np);

    net_zero_grad(net);
    loss_of(net);
    assert_int_equal(net_backward(net), NET_OK);
    memcpy(analytic, net_grads(net), sizeof(double) * np);

    double *p = net_params(net);
    for (size_t i = 0; i < np; i++) {
        double keep = p[i];
        p[i] = keep + eps;
        double lp = loss_of(net);
        p[i] = keep - eps;
        double lm = loss_of(net);
        p[i] = keep;
        numeric[i] = (lp - lm) / (2 * eps);
    }
    char what[96];
    snprintf(what, sizeof what, "%s/%s L=%d %s %s grads", net_cell_name(cell),
             act == NET_ACT_RELU ? "relu" : "tanh", L, loss == NET_LOSS_MSE ? "mse" : "ce",
             targets == NET_TARGETS_LAST ? "last" : "all");
    assert_int_equal(compare(what, analytic, numeric, np, tol), 0);

    /* dL/dh_{-1} through h0: the total derivative at the very first state. */
    loss_of(net);
    net_zero_grad(net);
    assert_int_equal(net_backward(net), NET_OK);
    double dh0[3 * B * H], num0[3 * B * H];
    for (int l = 0; l < L; l++)
        memcpy(dh0 + l * B * H, net_dh(net, l, -1), sizeof(double) * B * H);
    for (int i = 0; i < L * B * H; i++) {
        double keep = fx.h0[i];
        fx.h0[i] = keep + eps;
        net_bind(net, &fx.batch, NULL);
        double lp = loss_of(net);
        fx.h0[i] = keep - eps;
        net_bind(net, &fx.batch, NULL);
        double lm = loss_of(net);
        fx.h0[i] = keep;
        num0[i] = (lp - lm) / (2 * eps);
    }
    strcat(what, " dL/dh0");
    assert_int_equal(compare(what, dh0, num0, (size_t)L * B * H, tol), 0);
    free(analytic);
    free(numeric);
    net_destroy(net);
}

/* grad_h[l][t] is the norm of the total derivative: perturb h^l_t in the
 * middle of a pass (poking the cache) and finish the pass by schedule. */
static double loss_with_poke(Net *net, int l, int t, int k, double delta)
{
    NetOp ops[256];
    int n = net_schedule(net, NET_ORDER_TIME, ops, 256);
    net_reset_pass(net);
    for (int i = 0; i < n && ops[i].kind <= NET_OP_HEAD_FORWARD; i++) {
        assert_int_equal(net_run_op(net, ops[i]), NET_OK);
        if (ops[i].kind == NET_OP_FORWARD && ops[i].l == l && ops[i].t == t)
            ((double *)net_h(net, l, t))[k] += delta;
    }
    return net_loss(net);
}

static void check_grad_h(NetCell cell, NetTargets targets, int L)
{
    Fixture fx;
    Net *net = make_net(cell, NET_ACT_TANH, NET_LOSS_SOFTMAX_CE, targets, L, true, true, &fx, 5);
    loss_of(net);
    net_zero_grad(net);
    net_backward(net);
    double norms[3][T];
    for (int l = 0; l < L; l++)
        for (int t = 0; t < T; t++)
            norms[l][t] = net_grad_h(net, l, t);
    for (int l = 0; l < L; l++)
        for (int t = 0; t < T; t++) {
            double s = 0.0;
            for (int k = 0; k < B * H; k++) {
                double d =
                    (loss_with_poke(net, l, t, k, 1e-5) - loss_with_poke(net, l, t, k, -1e-5)) /
                    2e-5;
                s += d * d;
            }
            double num = sqrt(s);
            if (fabs(num - norms[l][t]) > 1e-6 * fmax(num, 1e-6))
                fail_msg("%s grad_h[%d][%d]: engine %.12g, numeric %.12g", net_cell_name(cell), l,
                         t, norms[l][t], num);
        }
    net_destroy(net);
}

static void test_rnn_gradients(void **state)
{
    (void)state;
    for (int L = 1; L <= 3; L++)
        for (int loss = 0; loss < 2; loss++)
            for (int tg = 0; tg < 2; tg++) {
                check_config(NET_CELL_RNN, NET_ACT_TANH, loss, tg, L, true);
                check_config(NET_CELL_RNN, NET_ACT_RELU, loss, tg, L, L != 2);
            }
}

static void test_gru_gradients(void **state)
{
    (void)state;
    for (int L = 1; L <= 3; L++)
        for (int loss = 0; loss < 2; loss++)
            for (int tg = 0; tg < 2; tg++)
                check_config(NET_CELL_GRU, NET_ACT_TANH, loss, tg, L, true);
}

static void test_lstm_gradients(void **state)
{
    (void)state;
    for (int L = 1; L <= 3; L++)
        for (int loss = 0; loss < 2; loss++)
            for (int tg = 0; tg < 2; tg++)
                check_config(NET_CELL_LSTM, NET_ACT_TANH, loss, tg, L, (L + loss) % 2 == 0);
}

static void test_grad_h_is_total_derivative(void **state)
{
    (void)state;
    for (int cell = 0; cell < 3; cell++) {
        check_grad_h(cell, NET_TARGETS_ALL, 2);
        check_grad_h(cell, NET_TARGETS_LAST, 3);
    }
}

/* Runs a full pass by schedule; returns a copy of everything observable. */
static void run_order(Net *net, NetOrder order, double *grads, double *out, double *gh)
{
    NetOp ops[512];
    int n = net_schedule(net, order, ops, 512);
    assert_int_equal(n, net_schedule_len(net));
    net_reset_pass(net);
    net_zero_grad(net);
    for (int i = 0; i < n; i++)
        assert_int_equal(net_run_op(net, ops[i]), NET_OK);
    memcpy(grads, net_grads(net), sizeof(double) * net_num_params(net));
    for (int t = 0; t < T; t++)
        memcpy(out + t * B * O, net_y(net, t), sizeof(double) * B * O);
    int L = net_config(net)->num_layers;
    for (int l = 0; l < L; l++)
        for (int t = 0; t < T; t++)
            gh[l * T + t] = net_grad_h(net, l, t);
}

static void test_orders_bit_identical(void **state)
{
    (void)state;
    for (int cell = 0; cell < 3; cell++) {
        Fixture fx;
        Net *net = make_net(cell, NET_ACT_TANH, NET_LOSS_SOFTMAX_CE, NET_TARGETS_ALL, 3, true, true,
                            &fx, 99);
        size_t np = net_num_params(net);
        double *g[3], out[3][T * B * O], gh[3][3 * T];
        for (int k = 0; k < 3; k++)
            g[k] = malloc(sizeof(double) * np);
        run_order(net, NET_ORDER_TIME, g[0], out[0], gh[0]);
        run_order(net, NET_ORDER_LAYER, g[1], out[1], gh[1]);
        net_zero_grad(net);
        net_forward(net);
        net_backward(net);
        memcpy(g[2], net_grads(net), sizeof(double) * np);
        for (int t = 0; t < T; t++)
            memcpy(out[2] + t * B * O, net_y(net, t), sizeof(double) * B * O);
        for (int l = 0; l < 3; l++)
            for (int t = 0; t < T; t++)
                gh[2][l * T + t] = net_grad_h(net, l, t);
        for (int k = 1; k < 3; k++) {
            assert_memory_equal(g[0], g[k], sizeof(double) * np);
            assert_memory_equal(out[0], out[k], sizeof out[0]);
            assert_memory_equal(gh[0], gh[k], sizeof gh[0]);
        }
        for (int k = 0; k < 3; k++)
            free(g[k]);
        net_destroy(net);
    }
}

static void test_schedule_orders_respect_dependencies(void **state)
{
    (void)state;
    Fixture fx;
    Net *net = make_net(NET_CELL_LSTM, NET_ACT_TANH, NET_LOSS_MSE, NET_TARGETS_LAST, 2, true, false,
                        &fx, 3);
    NetOp ops[256];
    int n = net_schedule(net, NET_ORDER_LAYER, ops, 256);
    /* forward 2*4, heads 4, one head backward, backward 2*4 */
    assert_int_equal(n, 8 + 4 + 1 + 8);
    assert_int_equal(ops[0].kind, NET_OP_FORWARD);
    assert_int_equal(ops[1].l, 0);
    assert_int_equal(ops[1].t, 1);
    assert_int_equal(net_schedule(net, NET_ORDER_TIME, ops, 5), NET_ERR_ARG);
    net_destroy(net);
}

static void test_out_of_order_is_reported(void **state)
{
    (void)state;
    Fixture fx;
    Net *net = make_net(NET_CELL_GRU, NET_ACT_TANH, NET_LOSS_SOFTMAX_CE, NET_TARGETS_ALL, 2, true,
                        false, &fx, 4);
    net_reset_pass(net);
    assert_int_equal(net_forward_node(net, 0, 1), NET_ERR_ORDER);
    assert_string_equal(net_last_error(net),
                        "forward of node (layer 0, step 1) runs before its inputs are ready");
    assert_int_equal(net_forward_node(net, 1, 0), NET_ERR_ORDER);
    assert_int_equal(net_forward_node(net, 0, 0), NET_OK);
    assert_int_equal(net_forward_node(net, 0, 0), NET_ERR_ORDER);
    assert_string_equal(net_last_error(net),
                        "forward of node (layer 0, step 0) already ran in this pass");
    assert_int_equal(net_head_forward(net, 0), NET_ERR_ORDER);
    assert_int_equal(net_backward_node(net, 0, 0), NET_ERR_ORDER);
    assert_int_equal(net_forward_node(net, 2, 0), NET_ERR_ORDER);
    assert_string_equal(net_last_error(net), "forward of node (layer 2, step 0) is out of range");
    assert_int_equal(net_backward(net), NET_ERR_ORDER);
    net_destroy(net);
}

static void test_limits_refused_before_allocation(void **state)
{
    (void)state;
    NetError err;
    NetConfig cfg = {NET_CELL_RNN, NET_ACT_TANH,    3,    2000, 1, 2,
                     NET_LOSS_MSE, NET_TARGETS_ALL, true, 1,    5};
    assert_null(net_create(&cfg, &err));
    assert_string_equal(err.msg, "hidden_size 2000 is beyond the limit of 1024");
    cfg.hidden_size = 0;
    assert_null(net_create(&cfg, &err));
    assert_string_equal(err.msg, "hidden_size must be at least 1, got 0");
    cfg = (NetConfig){NET_CELL_LSTM, NET_ACT_TANH,    1024, 1024, 8,    1024,
                      NET_LOSS_MSE,  NET_TARGETS_ALL, true, 1,    10000};
    assert_int_equal(net_config_check(&cfg, &err), NET_ERR_ARG);
    assert_non_null(strstr(err.msg, "GiB"));
    cfg = (NetConfig){NET_CELL_GRU, NET_ACT_TANH,    4,     4, 1, 2,
                      NET_LOSS_MSE, NET_TARGETS_ALL, false, 1, 5};
    assert_null(net_create(&cfg, &err));
    assert_string_equal(err.msg, "bias_hh false is allowed for rnn and lstm only");
    /* The documented maxima, one at a time, are accepted. */
    cfg =
        (NetConfig){NET_CELL_RNN, NET_ACT_TANH, 2, 8, 1, 2, NET_LOSS_MSE, NET_TARGETS_ALL, true, 1,
                    NET_MAX_STEPS};
    Net *net = net_create(&cfg, &err);
    assert_non_null(net);
    net_destroy(net);
}

static void test_nonfinite_flagged(void **state)
{
    (void)state;
    Fixture fx;
    Net *net =
        make_net(NET_CELL_RNN, NET_ACT_RELU, NET_LOSS_MSE, NET_TARGETS_ALL, 1, true, false, &fx, 8);
    double *w = net_w_hh(net, 0);
    for (int i = 0; i < H * H; i++)
        w[i] = 1e300;
    net_forward(net);
    net_zero_grad(net);
    net_backward(net);
    assert_true(net_nonfinite(net) & NET_NONFINITE_OUTPUT);
    assert_true(net_nonfinite(net) & NET_NONFINITE_LOSS);
    net_destroy(net);
}

/* An index outside the network's capacity is a programmer error: EXPECT
 * fires (routed to cmocka here) instead of reading outside the buffers. */
static void test_out_of_range_index_fires_expect(void **state)
{
    (void)state;
    Fixture fx;
    Net *net = make_net(NET_CELL_LSTM, NET_ACT_TANH, NET_LOSS_MSE, NET_TARGETS_ALL, 2, true, false,
                        &fx, 7);
    ExpectHook old = expect_set_hook(mock_assert);
    assert_non_null(net_h(net, 1, -1)); /* the initial state has a slot */
    assert_non_null(net_dgates(net, 1, T - 1));
    expect_assert_failure(net_h(net, 2, 0));
    expect_assert_failure(net_h(net, 0, T));
    expect_assert_failure(net_h(net, -1, 0));
    expect_assert_failure(net_gates(net, 0, -1));
    expect_assert_failure(net_c(net, 0, -2));
    expect_assert_failure(net_dh(net, 0, T));
    expect_assert_failure(net_grad_h(net, 0, T));
    expect_assert_failure(net_x(net, T));
    expect_assert_failure(net_y(net, -1));
    expect_assert_failure(net_w_ih(net, 2));
    expect_set_hook(old);
    net_destroy(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rnn_gradients),
        cmocka_unit_test(test_gru_gradients),
        cmocka_unit_test(test_lstm_gradients),
        cmocka_unit_test(test_grad_h_is_total_derivative),
        cmocka_unit_test(test_orders_bit_identical),
        cmocka_unit_test(test_schedule_orders_respect_dependencies),
        cmocka_unit_test(test_out_of_order_is_reported),
        cmocka_unit_test(test_limits_refused_before_allocation),
        cmocka_unit_test(test_nonfinite_flagged),
        cmocka_unit_test(test_out_of_range_index_fires_expect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
