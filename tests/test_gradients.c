/*
 * The gradient stories the lessons tell, checked in the engine's numbers:
 * Pascanu et al.'s bound, vanishing and exploding ratios, the LSTM keeping
 * its gradient where the RNN loses it, the eigenvalue plot against LAPACK,
 * and training slices that keep the window responsive.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net.h"
#include "rng.h"
#include "session.h"
#include "settings.h"
#include "spectral.h"
#include "view.h"

static Session *make(const char *kv[][2], int n)
{
    Settings st;
    settings_default(&st);
    char msg[400];
    for (int i = 0; i < n; i++)
        if (settings_set(&st, kv[i][0], kv[i][1], msg, sizeof msg))
            fail_msg("%s = %s: %s", kv[i][0], kv[i][1], msg);
    Session *s = sess_create(&st, msg, sizeof msg);
    if (!s)
        fail_msg("sess_create: %s", msg);
    return s;
}

static void full_pass(Session *s)
{
    char msg[400];
    assert_int_equal(sess_forward(s, -1, msg, sizeof msg), 0);
    assert_int_equal(sess_backward(s, -1, msg, sizeof msg), 0);
}

/* ||dL/dh_k|| <= sigma_max(W_hh)^(T-1-k) ||dL/dh_{T-1}|| for a tanh RNN
 * whose loss sits at the last step: each step back multiplies by
 * diag(1 - h^2) W_hh^T, whose norm is at most sigma_max. */
static void test_pascanu_bound(void **state)
{
    (void)state;
    static const char *radii[] = {"0.5", "0.9", "1.2", "2"};
    for (int seed = 1; seed <= 40; seed++) {
        char sd[16];
        snprintf(sd, sizeof sd, "%d", seed);
        const char *kv[][2] = {{"task", "adding"}, {"targets", "last"},
                               {"steps", "30"},    {"hidden", "12"},
                               {"batch", "3"},     {"init", "normal"},
                               {"seed", sd},       {"spectral_radius", radii[seed % 4]}};
        Session *s = make(kv, 8);
        full_pass(s);
        const Net *net = sess_net(s);
        double sigma = sess_spectral_norm(s, 0), last = net_grad_h(net, 0, 29);
        assert_true(last > 0);
        for (int t = 0; t < 30; t++) {
            double bound = pow(sigma, 29 - t) * last;
            if (net_grad_h(net, 0, t) > bound * (1 + 1e-9))
                fail_msg("seed %d, t %d: %.6g above the bound %.6g", seed, t, net_grad_h(net, 0, t),
                         bound);
        }
        sess_destroy(s);
    }
}

static double ratio_first_last(Session *s)
{
    const Net *net = sess_net(s);
    int T = net_steps(net);
    return net_grad_h(net, 0, 0) / net_grad_h(net, 0, T - 1);
}

static void test_vanishing_ratio(void **state)
{
    (void)state;
    const char *kv[][2] = {{"task", "adding"}, {"targets", "last"}, {"steps", "40"},
                           {"hidden", "16"},   {"init", "normal"},  {"spectral_radius", "0.5"}};
    Session *s = make(kv, 6);
    full_pass(s);
    double r = ratio_first_last(s);
    print_message("vanishing: grad_h[0][0] / grad_h[0][39] = %.3g\n", r);
    assert_true(r < 1e-6);
    sess_destroy(s);
}

/* relu with W_hh = 1.5 I: every unit that stays active carries its
 * gradient back multiplied by 1.5 per step, 1.5^39 = 7e6. */
static void test_exploding_ratio(void **state)
{
    (void)state;
    const char *kv[][2] = {
        {"task", "adding"},       {"targets", "last"},  {"steps", "40"},           {"hidden", "16"},
        {"nonlinearity", "relu"}, {"init", "identity"}, {"spectral_radius", "1.5"}};
    Session *s = make(kv, 7);
    full_pass(s);
    double r = ratio_first_last(s);
    print_message("exploding: grad_h[0][0] / grad_h[0][39] = %.3g\n", r);
    assert_true(r > 1e6);
    sess_destroy(s);
}

/* Adding problem, T = 50, PyTorch's uniform init for every cell and a
 * forget-gate bias of 1 for the LSTM (Jozefowicz et al. 2015). */
static void test_lstm_keeps_gradient(void **state)
{
    (void)state;
    const char *kv[][2] = {{"task", "adding"}, {"targets", "last"}, {"steps", "50"},
                           {"hidden", "16"},   {"batch", "4"},      {"forget_bias", "1"},
                           {"seed", "1"}};
    Session *s = make(kv, 7);
    char msg[400];
    assert_int_equal(sess_compare(s, 0, msg, sizeof msg), 0);
    const SessCompare *c = sess_comparison(s);
    assert_true(c->valid);
    double rnn = c->grad_h[0][0] / c->grad_h[0][49], lstm = c->grad_h[2][0] / c->grad_h[2][49];
    print_message("adding T=50: ratio rnn %.3g, lstm %.3g\n", rnn, lstm);
    assert_true(lstm > 1e4 * rnn);
    sess_destroy(s);
}

/* The eigenvalue plot puts each eigenvalue at centre + scale (re, -im),
 * the unit circle's radius being the scale: read both back. */
static void test_eigen_plot_matches_lapack(void **state)
{
    (void)state;
    const char *kv[][2] = {
        {"cell", "gru"}, {"hidden", "6"}, {"init", "normal"}, {"spectral_radius", "0.8"}};
    Session *s = make(kv, 4);
    sess_display(s)->plot = PLOT_EIGEN;
    DrawList *dl = dl_create(20000, 1 << 20, 20000);
    static HitList hits;
    ViewParams vp = {.win_w = 1280, .win_h = 720, .measure = dl_measure_approx()};
    view_draw(sess_view_model(s), &vp, dl, &hits);
    const DlCmd *unit = NULL;
    for (int i = 0; i < dl_count(dl); i++)
        if (dl_cmd(dl, i)->kind == DL_CMD_CIRCLE_OUTLINE)
            unit = dl_cmd(dl, i);
    assert_non_null(unit);
    const Net *net = sess_net(s);
    int H = 6, found = 0;
    double re[6], im[6];
    for (int g = 0; g < 3; g++) {
        Net *mut = (Net *)net; /* read-only use: the weights of block g */
        assert_int_equal(spectral_eigenvalues(net_w_hh(mut, 0) + g * H * H, H, re, im), 0);
        for (int j = 0; j < H; j++) {
            float x = unit->x + (float)re[j] * unit->radius,
                  y = unit->y - (float)im[j] * unit->radius;
            for (int i = 0; i < dl_count(dl); i++) {
                const DlCmd *cmd = dl_cmd(dl, i);
                if (cmd->kind == DL_CMD_CIRCLE && fabsf(cmd->x - x) < 0.01f &&
                    fabsf(cmd->y - y) < 0.01f) {
                    found++;
                    break;
                }
            }
        }
    }
    assert_int_equal(found, 3 * H);
    dl_destroy(dl);
    sess_destroy(s);
}

/* A fake clock: every reading advances it by the cost of an iteration. */
typedef struct {
    double now, per_call;
} FakeClock;

static double fake(void *ctx)
{
    FakeClock *c = ctx;
    c->now += c->per_call;
    return c->now;
}

static void test_training_slice_bounded(void **state)
{
    (void)state;
    const char *kv[][2] = {{"task", "mod3"}, {"hidden", "8"}};
    Session *s = make(kv, 2);
    char msg[400];
    /* each clock reading costs 3 ms against an 8 ms slice: a slice stops
     * between iterations or time steps (an iteration then stays pending
     * and the next slice resumes it), and never runs twice its length */
    FakeClock c = {0, 0.003};
    long n = 0;
    for (int k = 0; k < 50 && n == 0; k++) {
        double start = c.now;
        n = sess_train_for(s, 0.008, fake, &c, msg, sizeof msg);
        assert_true(n >= 0 && n <= 3);
        assert_true(c.now - start <= 2 * 0.008 + 1e-12);
    }
    assert_true(n >= 1);
    /* slower readings than the slice: the iteration still finishes, over
     * several slices */
    FakeClock slow = {0, 0.020};
    long more = 0;
    for (int k = 0; k < 50 && more == 0; k++)
        more = sess_train_for(s, 0.008, fake, &slow, msg, sizeof msg);
    assert_int_equal(more, 1);
    assert_int_equal(sess_iteration(s), n + 1);
    assert_false(sess_train_pending(s));
    sess_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pascanu_bound),
        cmocka_unit_test(test_vanishing_ratio),
        cmocka_unit_test(test_exploding_ratio),
        cmocka_unit_test(test_lstm_keeps_gradient),
        cmocka_unit_test(test_eigen_plot_matches_lapack),
        cmocka_unit_test(test_training_slice_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
