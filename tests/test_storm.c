/* Non-finite storms: exploding gradients on purpose (relu, W_hh at
 * spectral radius 3, no clipping, huge learning rates) for 10,000
 * iterations. Inf and NaN are expected values here: the trainer must keep
 * running and flag them, the view must label them in its plots, and a
 * reset must bring finite numbers back. In the sanitizer build this also
 * shows that no overflow path has undefined behaviour. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "init.h"
#include "session.h"
#include "settings.h"
#include "train.h"
#include "view.h"

#define STORM_ITERS 10000

static DrawList *dl;
static HitList hits;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* relu, rho(W_hh) = 3, no clipping: a small net so 10,000 iterations
 * stay well within seconds. */
static void storm_settings(Settings *st, const char *task, const char *lr)
{
    char msg[400];
    settings_default(st);
    const char *kv[][2] = {{"task", task},
                           {"cell", "rnn"},
                           {"nonlinearity", "relu"},
                           {"hidden", "8"},
                           {"steps", "12"},
                           {"batch", "2"},
                           {"clip", "0"},
                           {"spectral_radius", "3"},
                           {"learning_rate", lr},
                           {"optimizer", "sgd"},
                           {"seed", "5"}};
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
        if (settings_set(st, kv[i][0], kv[i][1], msg, sizeof msg))
            fail_msg("settings_set %s = %s: %s", kv[i][0], kv[i][1], msg);
}

typedef struct {
    long records, nonfinite, skipped, last_iter;
    bool ordered;
} StormCount;

static int count_record(const Trainer *tr, const TrainRecord *rec, void *user)
{
    (void)tr;
    StormCount *c = user;
    c->records++;
    c->nonfinite += rec->nonfinite != 0 || !isfinite(rec->loss);
    c->skipped += rec->skipped;
    /* a skipped update is exactly a non-finite gradient norm */
    if (rec->skipped != !isfinite(rec->grad_norm))
        c->ordered = false;
    if (rec->iter != c->last_iter + 1)
        c->ordered = false;
    c->last_iter = rec->iter;
    return 0;
}

static bool params_finite(const Net *net)
{
    const double *p = net_params_const(net);
    for (size_t i = 0; i < net_num_params(net); i++)
        if (!isfinite(p[i]))
            return false;
    return true;
}

/* The trainer alone at lr = 1e6 (beyond what settings accept, so set on
 * the trainer): every iteration runs, the overflow is flagged, updates on
 * a non-finite gradient are skipped, and training can go on afterwards. */
static void test_trainer_storm_lr_1e6(void **state)
{
    (void)state;
    Settings st;
    storm_settings(&st, "adding", "0.1");
    NetError err = {{0}};
    Trainer *tr = settings_trainer(&st, &err);
    if (!tr)
        fail_msg("settings_trainer: %s", err.msg);
    assert_int_equal(train_set_lr(tr, 1e6), 0);
    StormCount c = {0, 0, 0, 0, true};
    double t0 = now();
    long ran = train_run(tr, STORM_ITERS, count_record, &c, &err);
    double secs = now() - t0;
    print_message("trainer storm: %ld iterations in %.2f s, %ld non-finite, %ld skipped\n", ran,
                  secs, c.nonfinite, c.skipped);
    if (ran != STORM_ITERS)
        fail_msg("train_run stopped after %ld iterations: %s", ran, err.msg);
    assert_int_equal(c.records, STORM_ITERS);
    assert_true(c.ordered);
    assert_int_equal(train_iterations(tr), STORM_ITERS);
    /* the storm did happen, and was flagged */
    assert_true(c.nonfinite > STORM_ITERS / 2);
    assert_true(c.skipped > 0);
    assert_true(secs < 60);
    /* and the trainer keeps going */
    assert_int_equal(train_step(tr, &err), 0);
    assert_int_equal(train_iterations(tr), STORM_ITERS + 1);
    /* a fresh start from the seed is finite again */
    Net *net = train_net(tr);
    train_reset(tr, st.seed);
    InitOptions io = settings_init_options(&st);
    assert_int_equal(init_params(net, &io, train_rng(tr)), 0);
    assert_true(params_finite(net));
    assert_int_equal(train_step(tr, &err), 0);
    assert_true(isfinite(train_last(tr)->loss));
    train_destroy(tr);
}

/* Text commands of the plots area that mark an overflow. */
static int overflow_markers(const Session *s, ViewParams *vp)
{
    Layout lo;
    view_layout(sess_view_model(s), vp, &lo);
    view_draw(sess_view_model(s), vp, dl, &hits);
    assert_false(dl_overflowed(dl));
    assert_false(dl_clip_error(dl));
    int n = 0;
    for (int i = 0; i < dl_count(dl); i++) {
        const DlCmd *c = dl_cmd(dl, i);
        if (c->kind == DL_CMD_TEXT && rect_contains(lo.plots, c->x, c->y) &&
            (!strcmp(c->text, "Inf") || !strcmp(c->text, "NaN")))
            n++;
    }
    return n;
}

/* The session at the largest learning rate settings accept: the same
 * storm through the actions the window and lessons use, its plots
 * labelled, then a reset. */
static void test_session_storm_view_and_reset(void **state)
{
    (void)state;
    Settings st;
    storm_settings(&st, "adding", "1000");
    char msg[400];
    Session *s = sess_create(&st, msg, sizeof msg);
    if (!s)
        fail_msg("sess_create: %s", msg);
    double t0 = now();
    /* in slices, with a frame drawn between, as the window does */
    ViewParams vp = {.win_w = 1280, .win_h = 720, .measure = dl_measure_approx()};
    for (int k = 0; k < 10; k++) {
        if (sess_train(s, STORM_ITERS / 10, msg, sizeof msg))
            fail_msg("training slice %d: %s", k, msg);
        view_draw(sess_view_model(s), &vp, dl, &hits);
        assert_false(dl_overflowed(dl));
    }
    double secs = now() - t0;
    assert_int_equal(sess_iteration(s), STORM_ITERS);
    print_message("session storm: %d iterations in %.2f s\n", STORM_ITERS, secs);
    assert_true(secs < 60);

    /* the loss history holds the overflow, and its plot labels it */
    const Trainer *tr = sess_trainer(s);
    int nonfinite = 0;
    for (int k = 0; k < train_history_len(tr); k++)
        nonfinite += !isfinite(train_history(tr, k)->loss) || train_history(tr, k)->skipped;
    assert_true(nonfinite > 0);
    sess_display(s)->panels |= PANEL_PLOTS;
    sess_display(s)->plot = PLOT_LOSS;
    int loss_markers = overflow_markers(s, &vp);
    /* and the gradient plot labels the overflow of a pass on screen */
    support_run(s, "forward all; backward all");
    int nf = net_nonfinite(sess_net(s)), overflowed = 0;
    for (int t = 0; t < net_steps(sess_net(s)); t++)
        overflowed += !isfinite(net_grad_h(sess_net(s), 0, t));
    sess_display(s)->plot = PLOT_GRAD;
    int grad_markers = overflow_markers(s, &vp);
    print_message("markers: %d in the loss plot, %d in the gradient plot for %d overflowed "
                  "steps (flags %d)\n",
                  loss_markers, grad_markers, overflowed, nf);
    assert_true(loss_markers > 0);
    assert_true(nf != 0);
    assert_true(overflowed > 0);
    /* one labelled marker per overflowed step */
    assert_int_equal(grad_markers, overflowed);
    /* stepping, going back and updating in the storm work as usual */
    support_run(s, "back 3; step 2; update; step 5; backward 1");

    /* reset: fresh weights from the seed, finite numbers, no markers */
    assert_int_equal(sess_reset(s, msg, sizeof msg), 0);
    assert_true(params_finite(sess_net(s)));
    assert_int_equal(sess_iteration(s), 0);
    support_run(s, "forward all; backward all");
    const Net *net = sess_net(s);
    assert_true(isfinite(net_loss(net)));
    assert_int_equal(net_nonfinite(net), 0);
    for (int t = 0; t < net_steps(net); t++)
        assert_true(isfinite(net_grad_h(net, 0, t)));
    assert_int_equal(overflow_markers(s, &vp), 0);
    sess_display(s)->plot = PLOT_LOSS;
    assert_int_equal(overflow_markers(s, &vp), 0);
    sess_destroy(s);
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
        cmocka_unit_test(test_trainer_storm_lr_1e6),
        cmocka_unit_test(test_session_storm_view_and_reset),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
