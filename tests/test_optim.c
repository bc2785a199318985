/* The optimizers' first three steps against hand-computed values, and
 * gradient-norm clipping: the returned norm, the post-clip norm
 * min(norm, max), the unchanged direction and the non-finite cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "optim.h"
#include "rng.h"

#define TOL 1e-12

/* Three steps on p = {1, -1} with gradients {g, -g}: the second element
 * must mirror the first (the rules are elementwise and odd in g). */
static void run3(OptimKind kind, double lr, const double g[3], const double want[3])
{
    OptimConfig cfg = optim_default_config(kind, lr);
    NetError err = {{0}};
    Optim *opt = optim_create(&cfg, 2, &err);
    assert_non_null(opt);
    double p[2] = {1.0, -1.0};
    for (int t = 0; t < 3; t++) {
        double grads[2] = {g[t], -g[t]};
        optim_step(opt, p, grads);
        if (fabs(p[0] - want[t]) > TOL || fabs(p[1] + want[t]) > TOL)
            fail_msg("%s step %d: got %.17g, %.17g; want %.17g, %.17g", optim_kind_name(kind),
                     t + 1, p[0], p[1], want[t], -want[t]);
    }
    assert_int_equal(optim_steps(opt), 3);
    optim_destroy(opt);
}

/* p -= lr g: 1 - 0.05 = 0.95, - 0.02 = 0.93, + 0.04 = 0.97 */
static void test_sgd(void **state)
{
    (void)state;
    const double g[3] = {0.5, 0.2, -0.4}, want[3] = {0.95, 0.93, 0.97};
    run3(OPTIM_SGD, 0.1, g, want);
}

/* buf1 = g1 = 0.5 -> p 0.95; buf2 = 0.9 * 0.5 + 0.2 = 0.65 -> p 0.885;
 * buf3 = 0.9 * 0.65 - 0.4 = 0.185 -> p 0.8665 */
static void test_momentum(void **state)
{
    (void)state;
    const double g[3] = {0.5, 0.2, -0.4}, want[3] = {0.95, 0.885, 0.8665};
    run3(OPTIM_MOMENTUM, 0.1, g, want);
}

/* sum 9, 25, 169 (sqrt 3, 5, 13): p = 1 - 0.1 * 3 / (3 + 1e-10)
 * = 0.90000000000333..., then - 0.1 * 4 / 5 -> 0.82000000000493...,
 * then - 0.1 * 12 / 13 -> 0.72769230769795... */
static void test_adagrad(void **state)
{
    (void)state;
    const double g[3] = {3.0, 4.0, 12.0};
    const double want[3] = {0.90000000000333333, 0.82000000000493333, 0.72769230769795108};
    run3(OPTIM_ADAGRAD, 0.1, g, want);
}

/* lr 0.1, betas (0.9, 0.999), eps 1e-8; g = 0.5, 0.2, -0.4.
 * t=1: m = 0.05, v = 0.00025, denom = sqrt(v)/sqrt(0.001) + eps = 0.50000001,
 *      p = 1 - (0.1/0.1) * 0.05 / 0.50000001 = 0.90000000199999996
 * t=2: m = 0.065, v = 0.00028975, denom = sqrt(v)/sqrt(0.001999) + eps,
 *      p -= (0.1/0.19) * m / denom -> 0.81014248390292759
 * t=3: m = 0.0185, v = 0.00044946025, bias corrections 0.271, 0.002997001
 *      -> 0.79251459820820451 */
static void test_adam(void **state)
{
    (void)state;
    const double g[3] = {0.5, 0.2, -0.4};
    const double want[3] = {0.90000000199999996, 0.81014248390292759, 0.79251459820820451};
    run3(OPTIM_ADAM, 0.1, g, want);
}

/* Reset forgets the state: momentum's next step is buf = g again. */
static void test_reset(void **state)
{
    (void)state;
    OptimConfig cfg = optim_default_config(OPTIM_MOMENTUM, 0.1);
    Optim *opt = optim_create(&cfg, 1, NULL);
    assert_non_null(opt);
    double p = 1.0, g = 0.5;
    optim_step(opt, &p, &g);
    optim_step(opt, &p, &g);
    optim_reset(opt);
    assert_int_equal(optim_steps(opt), 0);
    p = 1.0;
    optim_step(opt, &p, &g);
    assert_true(fabs(p - 0.95) < TOL);
    /* a new learning rate keeps the buffer: buf = 0.9 * 0.5 + 0.5 = 0.95 */
    assert_int_equal(optim_set_lr(opt, 1.0), 0);
    optim_step(opt, &p, &g);
    assert_true(fabs(p - 0.0) < TOL);
    assert_int_equal(optim_set_lr(opt, NAN), NET_ERR_ARG);
    assert_int_equal(optim_set_lr(opt, 0.0), NET_ERR_ARG);
    optim_destroy(opt);
}

static void test_config_errors(void **state)
{
    (void)state;
    NetError err = {{0}};
    OptimConfig cfg = optim_default_config(OPTIM_SGD, 0.0);
    assert_null(optim_create(&cfg, 4, &err));
    assert_string_equal(err.msg, "optimizer: learning rate must be a finite number > 0");
    cfg.lr = NAN;
    assert_int_equal(optim_config_check(&cfg, &err), NET_ERR_ARG);
    cfg = optim_default_config(OPTIM_MOMENTUM, 0.1);
    cfg.momentum = 1.0;
    assert_int_equal(optim_config_check(&cfg, &err), NET_ERR_ARG);
    assert_string_equal(err.msg, "optimizer: momentum must be in [0, 1)");
    cfg = optim_default_config(OPTIM_ADAM, 0.1);
    cfg.beta2 = 1.0;
    assert_int_equal(optim_config_check(&cfg, &err), NET_ERR_ARG);
    assert_string_equal(err.msg, "optimizer: betas must be in [0, 1)");
    cfg = optim_default_config(OPTIM_ADAGRAD, 0.1);
    assert_true(cfg.eps == 1e-10);
    cfg.eps = 0.0;
    assert_int_equal(optim_config_check(&cfg, &err), NET_ERR_ARG);
    assert_string_equal(err.msg, "optimizer: eps must be a finite number > 0");
    cfg = optim_default_config(OPTIM_ADAM, 0.1);
    assert_true(cfg.beta1 == 0.9 && cfg.beta2 == 0.999 && cfg.eps == 1e-8);
    assert_null(optim_create(&cfg, 0, &err));
    assert_string_equal(err.msg, "optimizer: no parameters");
}

static void test_names(void **state)
{
    (void)state;
    const char *names[] = {"sgd", "momentum", "adagrad", "adam"};
    for (int k = 0; k < OPTIM_KIND_COUNT; k++) {
        OptimKind kind = OPTIM_SGD;
        assert_int_equal(optim_kind_parse(names[k], &kind), 0);
        assert_int_equal(kind, k);
        assert_string_equal(optim_kind_name(kind), names[k]);
    }
    OptimKind kind = OPTIM_ADAM;
    assert_int_equal(optim_kind_parse("Adam", &kind), NET_ERR_ARG);
    assert_int_equal(optim_kind_parse("", &kind), NET_ERR_ARG);
    assert_int_equal(kind, OPTIM_ADAM);
    assert_string_equal(optim_kind_name((OptimKind)9), "unknown");
}

/* {3, 4}: norm 5. Clipped to 1 it becomes {0.6, 0.8}. */
static void test_clip_345(void **state)
{
    (void)state;
    double g[2] = {3.0, 4.0};
    assert_true(optim_clip_grad_norm(g, 2, 10.0) == 5.0);
    assert_true(g[0] == 3.0 && g[1] == 4.0);
    assert_true(optim_clip_grad_norm(g, 2, 5.0) == 5.0); /* equal: not above */
    assert_true(g[0] == 3.0 && g[1] == 4.0);
    assert_true(optim_clip_grad_norm(g, 2, 0.0) == 5.0); /* off */
    assert_true(optim_clip_grad_norm(g, 2, NAN) == 5.0); /* off */
    assert_true(g[0] == 3.0 && g[1] == 4.0);
    assert_true(optim_clip_grad_norm(g, 2, 1.0) == 5.0);
    assert_true(fabs(g[0] - 0.6) < 1e-15 && fabs(g[1] - 0.8) < 1e-15);
}

/* A long random vector: post-clip norm = min(norm, max) and every
 * element scaled by the same factor (direction unchanged). */
static void test_clip_random(void **state)
{
    (void)state;
    enum { N = 1000 };
    static double g[N], g0[N];
    Rng rng;
    rng_seed(&rng, 42);
    double sum = 0.0;
    for (int i = 0; i < N; i++) {
        g0[i] = g[i] = rng_normal(&rng);
        sum += g[i] * g[i];
    }
    const double norm = sqrt(sum);
    const double maxes[3] = {0.25, norm * 0.999, norm * 2};
    for (int k = 0; k < 3; k++) {
        memcpy(g, g0, sizeof g);
        double got = optim_clip_grad_norm(g, N, maxes[k]);
        assert_true(fabs(got - norm) <= 1e-12 * norm);
        double after = optim_grad_norm(g, N);
        double want = fmin(norm, maxes[k]);
        if (fabs(after - want) > 1e-12 * want)
            fail_msg("max %.17g: post-clip norm %.17g, want %.17g", maxes[k], after, want);
        double ratio = g[0] / g0[0];
        for (int i = 0; i < N; i++) {
            if (fabs(g[i] / g0[i] - ratio) > 1e-14)
                fail_msg("max %g: element %d scaled by %.17g, element 0 by %.17g", maxes[k], i,
                         g[i] / g0[i], ratio);
        }
    }
}

/* Non-finite norms leave the gradient alone and are returned. */
static void test_clip_nonfinite(void **state)
{
    (void)state;
    double g[3] = {NAN, 1.0, 2.0};
    assert_true(isnan(optim_clip_grad_norm(g, 3, 1.0)));
    assert_true(isnan(g[0]) && g[1] == 1.0 && g[2] == 2.0);
    double h[3] = {1.0, -INFINITY, 2.0};
    double n = optim_clip_grad_norm(h, 3, 1.0);
    assert_true(isinf(n) && n > 0);
    assert_true(h[0] == 1.0 && isinf(h[1]) && h[2] == 2.0);
    /* finite values whose squares overflow still have a finite norm */
    double big[2] = {3e200, 4e200};
    assert_true(fabs(optim_grad_norm(big, 2) - 5e200) < 1e186);
    assert_true(fabs(optim_clip_grad_norm(big, 2, 1.0) - 5e200) < 1e186);
    assert_true(fabs(big[0] - 0.6) < 1e-15 && fabs(big[1] - 0.8) < 1e-15);
    assert_true(optim_grad_norm(big, 0) == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sgd),         cmocka_unit_test(test_momentum),
        cmocka_unit_test(test_adagrad),     cmocka_unit_test(test_adam),
        cmocka_unit_test(test_reset),       cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_names),       cmocka_unit_test(test_clip_345),
        cmocka_unit_test(test_clip_random), cmocka_unit_test(test_clip_nonfinite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
