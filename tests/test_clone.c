/*
 * Session copies and lesson steps run in slices. For every step of every
 * shipped lesson, a session reached by cloning the previous step's
 * session and running the step in tiny time slices must equal, bit for
 * bit, the session the plain replay (lesson_advance) reaches: every engine
 * buffer, the trainer's history, the optimizer, the cursor, the display,
 * the comparison, and the draw list. Both then train on identically.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"
#include "lesson_run.h"
#include "net_internal.h" /* the network's one block, compared whole */
#include "session.h"
#include "view.h"

static DrawList *dla, *dlb;
static HitList hits;

/* A clock that moves 1 ms per reading: slices of a few readings. */
static double clock_now;
static double fake_now(void *ctx)
{
    (void)ctx;
    return clock_now += 0.001;
}

static void same_net(const Net *a, const Net *b, const char *where)
{
    size_t bytes = net_config_bytes(&a->cfg) - sizeof(Net);
    assert_int_equal(a->cfg.cell, b->cfg.cell);
    assert_int_equal(a->cfg.hidden_size, b->cfg.hidden_size);
    assert_int_equal(a->cfg.num_layers, b->cfg.num_layers);
    assert_int_equal(a->cfg.max_steps, b->cfg.max_steps);
    if (memcmp(a->params, b->params, bytes))
        fail_msg("%s: the network's buffers differ", where);
    assert_int_equal(a->B, b->B);
    assert_int_equal(a->T, b->T);
    assert_int_equal(a->nonfinite, b->nonfinite);
}

static void same_trainer(const Trainer *a, const Trainer *b, const char *where)
{
    const Net *net = train_net_const(a);
    size_t lt = (size_t)net_config(net)->num_layers * train_config(a)->steps;
    assert_int_equal(train_iterations(a), train_iterations(b));
    assert_int_equal(train_history_len(a), train_history_len(b));
    for (int k = 0; k < train_history_len(a); k++) {
        const TrainRecord *ra = train_history(a, k), *rb = train_history(b, k);
        if (memcmp(&ra->loss, &rb->loss, sizeof ra->loss) || ra->iter != rb->iter ||
            memcmp(ra->grad_h, rb->grad_h, lt * sizeof(double)))
            fail_msg("%s: training record %d differs", where, k);
    }
    assert_int_equal(optim_steps(train_optim((Trainer *)a)),
                     optim_steps(train_optim((Trainer *)b)));
}

static void same_draw(const Session *a, const Session *b, const Lesson *l, int k, const char *where)
{
    ViewState v = view_state_default();
    ViewParams vp = {.win_w = 1280,
                     .win_h = 720,
                     .measure = dl_measure_approx(),
                     .lesson = l,
                     .lesson_step = k,
                     .state = &v};
    view_draw(sess_view_model(a), &vp, dla, &hits);
    view_draw(sess_view_model(b), &vp, dlb, &hits);
    assert_int_equal(dl_count(dla), dl_count(dlb));
    for (int i = 0; i < dl_count(dla); i++) {
        const DlCmd *x = dl_cmd(dla, i), *y = dl_cmd(dlb, i);
        bool same =
            x->kind == y->kind && x->x == y->x && x->y == y->y && x->w == y->w && x->h == y->h &&
            !memcmp(&x->color, &y->color, sizeof x->color) &&
            (x->kind != DL_CMD_TEXT || !strcmp(x->text, y->text)) && x->n_points == y->n_points &&
            (!x->n_points || !memcmp(x->points, y->points, 2 * sizeof(float) * x->n_points));
        if (!same)
            fail_msg("%s: draw command %d differs (%s)", where, i,
                     x->kind == DL_CMD_TEXT ? x->text : "shape");
    }
}

static void same_compare(const SessCompare *a, const SessCompare *b)
{
    assert_int_equal(a->valid, b->valid);
    assert_int_equal(a->iters, b->iters);
    for (int c = 0; c < 3 && a->valid; c++) {
        assert_int_equal(memcmp(a->grad_h[c], b->grad_h[c], sizeof(double) * a->L * a->T), 0);
        assert_int_equal(memcmp(a->loss[c], b->loss[c], sizeof(double) * (a->iters + 1)), 0);
    }
}

static void same_session(const Session *a, const Session *b, const Lesson *l, int k)
{
    char where[600];
    snprintf(where, sizeof where, "%s step %d", lesson_name(l), k);
    same_net(sess_net(a), sess_net(b), where);
    same_trainer(sess_trainer(a), sess_trainer(b), where);
    assert_int_equal(sess_cursor(a), sess_cursor(b));
    assert_int_equal(sess_iteration(a), sess_iteration(b));
    assert_int_equal(memcmp(sess_display_const(a), sess_display_const(b), sizeof(SessDisplay)), 0);
    for (int id = 0; id < SET_COUNT; id++) {
        char va[600], vb[600];
        settings_get(sess_settings(a), settings_info((SettingId)id)->key, va, sizeof va);
        settings_get(sess_settings(b), settings_info((SettingId)id)->key, vb, sizeof vb);
        assert_string_equal(va, vb);
    }
    assert_string_equal(sess_message(a), sess_message(b));
    assert_string_equal(sess_sample(a), sess_sample(b));
    double ga = sess_last_grad_norm(a), gb = sess_last_grad_norm(b);
    assert_int_equal(memcmp(&ga, &gb, sizeof ga), 0);
    same_compare(sess_comparison(a), sess_comparison(b));
    same_draw(a, b, l, k, where);
}

/* Both go on the same way: two more training iterations and a forward. */
static void same_future(const Session *a, const Session *b, const Lesson *l, int k)
{
    char msg[400];
    Session *x = sess_clone(a, msg, sizeof msg), *y = sess_clone(b, msg, sizeof msg);
    assert_non_null(x);
    assert_non_null(y);
    assert_int_equal(sess_train(x, 2, msg, sizeof msg), 0);
    assert_int_equal(sess_train(y, 2, msg, sizeof msg), 0);
    same_session(x, y, l, k);
    sess_destroy(x);
    sess_destroy(y);
}

/* Step k from a clone of step k-1, in slices of a few clock readings. */
static Session *sliced_step(const Session *prev, const Lesson *l, int k)
{
    char msg[800];
    Session *c = sess_clone(prev, msg, sizeof msg);
    assert_non_null(c);
    LessonRun *r = lesson_run_start(l, k - 1, k);
    assert_non_null(r);
    int rc, slices = 0;
    while ((rc = lesson_run_slice(r, c, 0.002, fake_now, NULL, msg, sizeof msg)) == 0)
        slices++;
    if (rc < 0)
        fail_msg("%s", msg);
    assert_int_equal(lesson_run_done_step(r), k);
    lesson_run_destroy(r);
    return c;
}

static void check_lesson(const char *path)
{
    char msg[800];
    Lesson *l = lesson_load(path, msg, sizeof msg);
    if (!l)
        fail_msg("%s", msg);
    Session *ref = lesson_enter(l, 0, msg, sizeof msg), *cur = sess_clone(ref, msg, sizeof msg);
    assert_non_null(ref);
    assert_non_null(cur);
    same_session(ref, cur, l, 0);
    for (int k = 1; k <= lesson_step_count(l); k++) {
        /* as lesson_enter: the previous step's reveal, then the step */
        if ((k > 1 && lesson_reveal(l, ref, k - 1, msg, sizeof msg)) ||
            lesson_advance(l, ref, k, msg, sizeof msg))
            fail_msg("%s", msg);
        Session *next = sliced_step(cur, l, k);
        sess_destroy(cur);
        cur = next;
        same_session(ref, cur, l, k);
    }
    same_future(ref, cur, l, lesson_step_count(l));
    sess_destroy(ref);
    sess_destroy(cur);
    lesson_destroy(l);
}

static void test_every_lesson_step(void **state)
{
    (void)state;
    char paths[32][512];
    int n = lesson_list(RNNVIZ_LESSONS_DIR, paths, 32);
    assert_true(n >= 8);
    for (int i = 0; i < n; i++)
        check_lesson(paths[i]);
}

/* A clone is independent: changing it leaves the original alone. */
static void test_clone_is_independent(void **state)
{
    (void)state;
    char msg[400];
    Settings st;
    settings_default(&st);
    Session *s = sess_create(&st, msg, sizeof msg);
    assert_non_null(s);
    assert_int_equal(sess_forward(s, -1, msg, sizeof msg), 0);
    Session *c = sess_clone(s, msg, sizeof msg);
    assert_non_null(c);
    same_session(s, c, NULL, 0);
    double w0 = net_params_const(sess_net(s))[0];
    assert_int_equal(sess_train(c, 3, msg, sizeof msg), 0);
    assert_true(net_params_const(sess_net(c))[0] != w0);
    assert_true(net_params_const(sess_net(s))[0] == w0);
    assert_int_equal(sess_iteration(s), 0);
    sess_destroy(c);
    sess_destroy(s);
}

int main(void)
{
    dla = dl_create(200000, 4u << 20, 400000);
    dlb = dl_create(200000, 4u << 20, 400000);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clone_is_independent),
        cmocka_unit_test(test_every_lesson_step),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    dl_destroy(dla);
    dl_destroy(dlb);
    return rc;
}
