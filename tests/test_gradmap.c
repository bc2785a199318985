/* The gradient map: each value against separate session runs of that
 * configuration (settings built here by hand, the pass run op by op through
 * the session, the median taken here) at 5 random grid points; threads
 * against the serial run bit for bit; filling in while it runs; cancel;
 * and the messages for bad axes and settings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gradmap.h"
#include "net.h"
#include "rng.h"
#include "session.h"
#include "settings.h"
#include "tasks.h"

enum { NX = 7, NY = 6, SEEDS = 3 };

static GradmapConfig small_config(const char *cell, const char *act)
{
    GradmapConfig c = {.seeds = SEEDS, .threads = 2};
    char msg[400];
    settings_default(&c.base);
    assert_int_equal(settings_set(&c.base, "cell", cell, msg, sizeof msg), 0);
    assert_int_equal(settings_set(&c.base, "nonlinearity", act, msg, sizeof msg), 0);
    assert_int_equal(settings_set(&c.base, "hidden", "8", msg, sizeof msg), 0);
    assert_int_equal(settings_set(&c.base, "targets", "last", msg, sizeof msg), 0);
    assert_int_equal(gradmap_axis_parse("spectral_radius:0.5:2:7", &c.x, msg, sizeof msg), 0);
    assert_int_equal(gradmap_axis_parse("steps:5:60:6", &c.y, msg, sizeof msg), 0);
    return c;
}

/* One session with these settings: the whole pass, op by op, and
 * log10 ||dL/dh_0|| / ||dL/dh_{T-1}|| of layer 0. */
static double session_ratio(const Settings *st)
{
    char msg[600];
    Session *s = sess_create(st, msg, sizeof msg);
    if (!s)
        fail_msg("sess_create: %s", msg);
    assert_int_equal(sess_forward(s, -1, msg, sizeof msg), 0);
    assert_int_equal(sess_backward(s, -1, msg, sizeof msg), 0);
    const Net *net = sess_net(s);
    double r = log10(net_grad_h(net, 0, 0)) - log10(net_grad_h(net, 0, st->steps - 1));
    sess_destroy(s);
    return r;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The settings of grid point (ix, iy), seed k, written out by hand:
 * rho = 0.5 + 1.5 ix / 6, T = round(5 + 55 iy / 5). */
static double expected_value(const GradmapConfig *c, int ix, int iy)
{
    double r[SEEDS];
    for (int k = 0; k < SEEDS; k++) {
        Settings st = c->base;
        st.spectral_radius = 0.5 + 1.5 * ix / 6.0;
        st.steps = (int)lround(5.0 + 55.0 * iy / 5.0);
        st.seed = c->base.seed + (uint64_t)k;
        r[k] = session_ratio(&st);
    }
    /* the median of the defined ratios (NaN: 0/0, the loss saturated) */
    int m = 0;
    for (int k = 0; k < SEEDS; k++)
        if (!isnan(r[k]))
            r[m++] = r[k];
    qsort(r, (size_t)m, sizeof r[0], cmp);
    return m == 0 ? NAN : m % 2 ? r[m / 2] : 0.5 * (r[m / 2 - 1] + r[m / 2]);
}

static void wait_done(GradMap *m)
{
    while (!gradmap_done(m)) {
        struct timespec nap = {0, 2000000L};
        nanosleep(&nap, NULL);
    }
    gradmap_wait(m);
}

static void check_against_sessions(const char *cell, const char *act, uint64_t pick_seed)
{
    GradmapConfig c = small_config(cell, act);
    char msg[600];
    GradMap *m = gradmap_create(&c, msg, sizeof msg);
    if (!m)
        fail_msg("gradmap_create: %s", msg);
    assert_false(gradmap_ready(m, 0, 0));
    assert_true(isnan(gradmap_value(m, 0, 0)));
    assert_int_equal(gradmap_start(m, msg, sizeof msg), 0);
    assert_int_equal(gradmap_start(m, msg, sizeof msg), NET_ERR_ARG);
    wait_done(m);
    assert_int_equal(gradmap_filled(m), NX * NY);
    assert_string_equal(gradmap_error(m), "");
    Rng rng;
    rng_seed(&rng, pick_seed);
    for (int p = 0; p < 5; p++) {
        int ix = rng_int(&rng, NX), iy = rng_int(&rng, NY);
        double want = expected_value(&c, ix, iy), got = gradmap_value(m, ix, iy);
        bool same = got == want || (isnan(want) && isnan(got)) ||
                    fabs(got - want) <= 1e-12 * (1.0 + fabs(want));
        if (!same)
            fail_msg("%s %s cell (%d, %d) rho %.4g T %.0f: map %.17g, sessions %.17g", cell, act,
                     ix, iy, gradmap_x(m, ix), gradmap_y(m, iy), got, want);
    }
    gradmap_destroy(m);
}

static void test_values_match_sessions(void **state)
{
    (void)state;
    check_against_sessions("rnn", "tanh", 11);
    check_against_sessions("rnn", "relu", 12);
    check_against_sessions("gru", "tanh", 13);
    check_against_sessions("lstm", "tanh", 14);
}

/* With training, one configuration equals a session trained as many
 * iterations (sess_train), then run forward and backward. */
static void test_trained_matches_session(void **state)
{
    (void)state;
    static const char *const cells[3] = {"rnn", "gru", "lstm"};
    for (int c = 0; c < 3; c++) {
        GradmapConfig cfg = small_config(cells[c], "tanh");
        Settings st = cfg.base;
        char msg[600];
        st.steps = 12;
        st.spectral_radius = 1.1;
        double ratio = 0.0, acc = 0.0;
        assert_int_equal(gradmap_measure(&st, 20, &ratio, &acc, msg, sizeof msg), 0);
        Session *s = sess_create(&st, msg, sizeof msg);
        assert_non_null(s);
        assert_int_equal(sess_train(s, 20, msg, sizeof msg), 0);
        assert_int_equal(sess_forward(s, -1, msg, sizeof msg), 0);
        double want_acc = task_accuracy(sess_task(s), sess_net(s));
        assert_int_equal(sess_backward(s, -1, msg, sizeof msg), 0);
        const Net *net = sess_net(s);
        double want = log10(net_grad_h(net, 0, 0)) - log10(net_grad_h(net, 0, 11));
        if (ratio != want || acc != want_acc)
            fail_msg("%s: measure %.17g (accuracy %g), session %.17g (accuracy %g)", cells[c],
                     ratio, acc, want, want_acc);
        sess_destroy(s);
    }
}

/* Two worker threads give the same bits as the calling thread alone. */
static void test_threads_equal_serial(void **state)
{
    (void)state;
    GradmapConfig c = small_config("rnn", "tanh");
    char msg[600];
    GradMap *par = gradmap_create(&c, msg, sizeof msg);
    c.threads = 1;
    GradMap *ser = gradmap_create(&c, msg, sizeof msg);
    assert_non_null(par);
    assert_non_null(ser);
    assert_int_equal(gradmap_start(par, msg, sizeof msg), 0);
    assert_int_equal(gradmap_run(ser, msg, sizeof msg), 0);
    wait_done(par);
    assert_true(gradmap_done(ser));
    for (int iy = 0; iy < NY; iy++)
        for (int ix = 0; ix < NX; ix++) {
            double a = gradmap_value(par, ix, iy), b = gradmap_value(ser, ix, iy);
            assert_memory_equal(&a, &b, sizeof a);
        }
    assert_true(gradmap_y(ser, 5) == 60.0 && gradmap_y(ser, 1) == 16.0);
    assert_true(gradmap_x(ser, 6) == 2.0);
    gradmap_destroy(par);
    gradmap_destroy(ser);
}

/* A large map cancelled at once stops early and frees cleanly. */
static void test_cancel(void **state)
{
    (void)state;
    GradmapConfig c = small_config("lstm", "tanh");
    char msg[600];
    assert_int_equal(gradmap_axis_parse("steps:100:400:200", &c.y, msg, sizeof msg), 0);
    GradMap *m = gradmap_create(&c, msg, sizeof msg);
    assert_non_null(m);
    assert_int_equal(gradmap_start(m, msg, sizeof msg), 0);
    gradmap_cancel(m);
    gradmap_wait(m);
    assert_true(gradmap_filled(m) < NX * 200);
    assert_false(gradmap_done(m));
    gradmap_destroy(m);
}

static void expect_axis_error(const char *spec, const char *part)
{
    GradmapAxis a;
    char msg[400] = "";
    assert_int_equal(gradmap_axis_parse(spec, &a, msg, sizeof msg), NET_ERR_ARG);
    if (!strstr(msg, part))
        fail_msg("axis '%s': message '%s' lacks '%s'", spec, msg, part);
}

static void expect_create_error(GradmapConfig c, const char *part)
{
    char msg[600] = "";
    GradMap *m = gradmap_create(&c, msg, sizeof msg);
    if (m)
        fail_msg("created a map that should be refused (%s)", part);
    if (!strstr(msg, part))
        fail_msg("message '%s' lacks '%s'", msg, part);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    expect_axis_error("spectral_radiu:0.5:2:40", "did you mean 'spectral_radius'");
    expect_axis_error("steps:5:200", "expected KEY:LO:HI:N");
    expect_axis_error("steps:5:200:0", "N must be");
    expect_axis_error("steps:5:nan:4", "finite");
    expect_axis_error("steps:5:200:40x", "expected KEY:LO:HI:N");
    GradmapConfig c = small_config("rnn", "tanh");
    char msg[400];
    assert_int_equal(gradmap_axis_parse("hidden:0:16:3", &c.x, msg, sizeof msg), 0);
    expect_create_error(c, "bad value '0' for hidden");
    c = small_config("rnn", "tanh");
    c.seeds = 0;
    expect_create_error(c, "seeds");
    c = small_config("rnn", "tanh");
    c.y = c.x;
    expect_create_error(c, "same setting");
    c = small_config("rnn", "tanh");
    assert_int_equal(gradmap_axis_parse("steps:5:20000:3", &c.y, msg, sizeof msg), 0);
    expect_create_error(c, "steps");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_match_sessions),
        cmocka_unit_test(test_trained_matches_session),
        cmocka_unit_test(test_threads_equal_serial),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
