/* The session's actions: step and back are exact inverses, a jump of k
 * equals k single steps, forward all / backward all / update do what the
 * keys say (checked against the engine's whole-sequence pass and the SGD
 * rule), refused settings leave everything as it was, structural changes
 * rebuild, the spectral radius is set exactly, selections are checked,
 * and training lowers the loss. States are compared bit for bit: the
 * caches of every op done, the gradients, the parameters, the cursor and
 * the draw list. */
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

#include "session.h"
#include "spectral.h"
#include "view.h"

static DrawList *dl_a, *dl_b;
static HitList hits;

/* ---- helpers ---- */

/* Everything the engine computed so far, flattened. */
typedef struct {
    double *v;
    size_t n, cap;
} Snap;

static void put(Snap *sn, const double *v, size_t n)
{
    if (!v)
        return;
    if (sn->n + n > sn->cap) {
        sn->cap = 2 * (sn->n + n) + 64;
        sn->v = realloc(sn->v, sn->cap * sizeof(double));
        assert_non_null(sn->v);
    }
    memcpy(sn->v + sn->n, v, n * sizeof(double));
    sn->n += n;
}

static void put1(Snap *sn, double x)
{
    put(sn, &x, 1);
}

static Snap snapshot(const Session *s)
{
    Snap sn = {NULL, 0, 0};
    const Net *net = sess_net(s);
    const NetConfig *cfg = net_config(net);
    size_t B = (size_t)net_batch_size(net), H = (size_t)cfg->hidden_size,
           O = (size_t)cfg->output_size, G = (size_t)net_gate_count(cfg->cell);
    bool lstm = cfg->cell == NET_CELL_LSTM, ce = cfg->loss == NET_LOSS_SOFTMAX_CE;
    put1(&sn, sess_cursor(s));
    put1(&sn, (double)sess_iteration(s));
    put1(&sn, sess_phase(s));
    put1(&sn, sess_op_count(s));
    for (int k = 0; k < sess_cursor(s); k++) {
        NetOp op = sess_op(s, k);
        assert_true(net_op_done(net, op));
        put1(&sn, op.kind * 1e6 + op.l * 1e3 + op.t);
        switch (op.kind) {
        case NET_OP_FORWARD:
            put(&sn, net_h(net, op.l, op.t), B * H);
            put(&sn, net_gates(net, op.l, op.t), B * G * H);
            if (lstm)
                put(&sn, net_c(net, op.l, op.t), B * H);
            break;
        case NET_OP_HEAD_FORWARD:
            put(&sn, net_y(net, op.t), B * O);
            if (ce)
                put(&sn, net_prob(net, op.t), B * O);
            put1(&sn, net_step_loss(net, op.t));
            break;
        case NET_OP_HEAD_BACKWARD:
            put(&sn, net_dy(net, op.t), B * O);
            break;
        case NET_OP_BACKWARD:
            put(&sn, net_dh(net, op.l, op.t), B * H);
            put(&sn, net_dh_out(net, op.l, op.t), B * H);
            put(&sn, net_dh_next(net, op.l, op.t), B * H);
            put(&sn, net_dgates(net, op.l, op.t), B * G * H);
            if (lstm)
                put(&sn, net_dc(net, op.l, op.t), B * H);
            put1(&sn, net_grad_h(net, op.l, op.t));
            break;
        }
    }
    /* ops not done are not done */
    for (int k = sess_cursor(s); k < sess_op_count(s) - 1; k++)
        assert_false(net_op_done(net, sess_op(s, k)));
    if (sess_cursor(s) > 0)
        put1(&sn, net_loss(net));
    put(&sn, net_grads_const(net), net_num_params(net));
    put(&sn, net_params_const(net), net_num_params(net));
    return sn;
}

static void expect_same_snap(Snap a, Snap b, const char *what)
{
    if (a.n != b.n)
        fail_msg("%s: %zu values vs %zu", what, a.n, b.n);
    for (size_t i = 0; i < a.n; i++)
        if (memcmp(&a.v[i], &b.v[i], sizeof(double)))
            fail_msg("%s: value %zu differs: %.17g vs %.17g", what, i, a.v[i], b.v[i]);
    free(a.v);
    free(b.v);
}

/* Draws with the animation finished: the clock is the window's business. */
static void draw(Session *s, DrawList *dl)
{
    ViewParams vp = {.win_w = 1280, .win_h = 720, .measure = dl_measure_approx()};
    view_draw(sess_view_model(s), &vp, dl, &hits);
    assert_false(dl_overflowed(dl));
}

static void expect_same_view(Session *a, Session *b, const char *what)
{
    char why[256];
    draw(a, dl_a);
    draw(b, dl_b);
    if (!support_lists_equal(dl_a, dl_b, why, sizeof why))
        fail_msg("%s: draw lists differ: %s", what, why);
}

static int n_forward_ops(const Session *s)
{
    const Net *net = sess_net(s);
    return net_steps(net) * (net_config(net)->num_layers + 1);
}

static void expect_done(const Session *s, int forward_done, int backward_done)
{
    int f = 0, b = 0;
    for (int k = 0; k < sess_op_count(s) - 1; k++) {
        NetOp op = sess_op(s, k);
        bool fwd = op.kind == NET_OP_FORWARD || op.kind == NET_OP_HEAD_FORWARD;
        if (net_op_done(sess_net(s), op)) {
            if (fwd)
                f++;
            else
                b++;
        }
    }
    assert_int_equal(f, forward_done);
    assert_int_equal(b, backward_done);
}

static bool grads_zero(const Session *s)
{
    const Net *net = sess_net(s);
    for (size_t i = 0; i < net_num_params(net); i++)
        if (net_grads_const(net)[i] != 0)
            return false;
    return true;
}

/* ---- step and back ---- */

static void test_step_then_back_is_identity(void **state)
{
    (void)state;
    const char *specs[2] = {"cell=gru;hidden=4;steps=5;layers=2;batch=2",
                            "cell=lstm;hidden=3;steps=4;layers=2;order=layer;targets=last"};
    for (int sp = 0; sp < 2; sp++) {
        Session *s = support_session(specs[sp]), *ref = support_session(specs[sp]);
        int n_ops = sess_op_count(s) - 1;
        for (int k = 0; k < n_ops; k++) {
            char what[64];
            snprintf(what, sizeof what, "%s, step/back at op %d", specs[sp], k);
            Snap before = snapshot(s);
            draw(s, dl_b);
            assert_int_equal(sess_step(s, 1, NULL, 0), 0);
            assert_int_equal(sess_cursor(s), k + 1);
            assert_int_equal(sess_back(s, 1, NULL, 0), 0);
            assert_int_equal(sess_cursor(s), k);
            expect_same_snap(before, snapshot(s), what);
            char why[256];
            draw(s, dl_a);
            if (!support_lists_equal(dl_a, dl_b, why, sizeof why))
                fail_msg("%s: draw lists differ: %s", what, why);
            /* and back by three from further on lands on the same state */
            if (k + 3 <= n_ops) {
                before = snapshot(s);
                assert_int_equal(sess_step(s, 3, NULL, 0), 0);
                assert_int_equal(sess_back(s, 3, NULL, 0), 0);
                expect_same_snap(before, snapshot(s), what);
            }
            assert_int_equal(sess_step(s, 1, NULL, 0), 0);
        }
        /* back past the start of the pass stops at its start: a fresh pass */
        assert_int_equal(sess_back(s, 1000, NULL, 0), 0);
        expect_same_snap(snapshot(ref), snapshot(s), "back 1000");
        expect_same_view(ref, s, "back 1000");
        /* at the start, back does nothing and says so */
        Snap before = snapshot(s);
        assert_int_equal(sess_back(s, 1, NULL, 0), 0);
        expect_same_snap(before, snapshot(s), "back at the start");
        assert_string_equal(sess_message(s), "at the start of iteration 0");
        sess_destroy(s);
        sess_destroy(ref);
    }
}

static void test_step_k_equals_k_steps(void **state)
{
    (void)state;
    const char *spec = "cell=rnn;hidden=5;steps=6;layers=2;batch=3";
    Session *probe = support_session(spec);
    int n_ops = sess_op_count(probe) - 1;
    sess_destroy(probe);
    /* within the pass, to its end, across the update and into the next pass */
    const int ks[5] = {1, 7, n_ops, n_ops + 1, 2 * n_ops + 5};
    for (int i = 0; i < 5; i++) {
        Session *a = support_session(spec), *b = support_session(spec);
        assert_int_equal(sess_step(a, ks[i], NULL, 0), 0);
        for (int j = 0; j < ks[i]; j++)
            assert_int_equal(sess_step(b, 1, NULL, 0), 0);
        char what[64];
        snprintf(what, sizeof what, "step %d", ks[i]);
        expect_same_snap(snapshot(a), snapshot(b), what);
        assert_int_equal(sess_iteration(a), ks[i] > n_ops ? (ks[i] > 2 * n_ops + 1 ? 2 : 1) : 0);
        /* a jump across the update still reports it in the status line, where
         * single steps have moved on: compare the views one step later */
        if (ks[i] > n_ops) {
            assert_non_null(strstr(sess_message(a), "updated"));
            assert_int_equal(sess_step(a, 1, NULL, 0), 0);
            assert_int_equal(sess_step(b, 1, NULL, 0), 0);
        }
        expect_same_view(a, b, what);
        sess_destroy(a);
        sess_destroy(b);
    }
}

/* ---- forward all, backward all, update ---- */

static void test_forward_semantics(void **state)
{
    (void)state;
    Session *s = support_session("hidden=4;steps=6;layers=2");
    int nf = n_forward_ops(s);
    assert_int_equal(nf, 18);
    assert_int_equal(sess_phase(s), PHASE_FORWARD);
    /* forward N runs N forward ops */
    assert_int_equal(sess_forward(s, 4, NULL, 0), 0);
    assert_int_equal(sess_cursor(s), 4);
    expect_done(s, 4, 0);
    /* ... and never runs into the backward pass */
    assert_int_equal(sess_forward(s, 1000, NULL, 0), 0);
    assert_int_equal(sess_cursor(s), nf);
    expect_done(s, nf, 0);
    assert_int_equal(sess_phase(s), PHASE_BACKWARD);
    assert_true(grads_zero(s));
    double loss = net_loss(sess_net(s));
    assert_true(isfinite(loss) && loss > 0);
    /* forward all on a finished forward pass changes nothing */
    Snap after = snapshot(s);
    assert_int_equal(sess_forward(s, ACTION_ALL, NULL, 0), 0);
    Snap again = snapshot(s);
    expect_same_snap(after, again, "forward all twice");
    /* forward all from inside the backward pass starts the pass over */
    Session *ref = support_session("hidden=4;steps=6;layers=2");
    assert_int_equal(sess_forward(ref, ACTION_ALL, NULL, 0), 0);
    assert_int_equal(sess_backward(s, 5, NULL, 0), 0);
    assert_false(grads_zero(s));
    assert_int_equal(sess_forward(s, ACTION_ALL, NULL, 0), 0);
    expect_done(s, nf, 0);
    assert_true(grads_zero(s));
    expect_same_snap(snapshot(ref), snapshot(s), "forward all after backward 5");
    assert_int_equal(sess_iteration(s), 0);
    sess_destroy(s);
    sess_destroy(ref);
}

/* The engine's whole-sequence pass on the batch and weights on screen. */
static Net *reference_pass(const Session *s)
{
    const Net *sn = sess_net(s);
    const NetConfig *cfg = net_config(sn);
    int B = net_batch_size(sn), T = net_steps(sn), I = cfg->input_size;
    NetError err;
    Net *ref = net_create(cfg, &err);
    assert_non_null(ref);
    memcpy(net_params(ref), net_params_const(sn), sizeof(double) * net_num_params(sn));
    double *x = calloc((size_t)B * T * I, sizeof(double));
    int *cls = calloc((size_t)B * T, sizeof(int));
    for (int t = 0; t < T; t++)
        for (int b = 0; b < B; b++) {
            memcpy(x + ((size_t)b * T + t) * I, net_x(sn, t) + (size_t)b * I, sizeof(double) * I);
            cls[b * T + t] = net_target_class(sn, t)[b];
        }
    NetBatch nb = {B, T, x, cls, NULL, NULL, NULL};
    assert_int_equal(net_bind(ref, &nb, &err), 0);
    assert_int_equal(net_forward(ref), 0);
    net_zero_grad(ref);
    assert_int_equal(net_backward(ref), 0);
    free(x);
    free(cls);
    return ref;
}

static void test_backward_semantics(void **state)
{
    (void)state;
    const char *spec = "cell=gru;hidden=5;steps=7;layers=2;batch=3";
    Session *s = support_session(spec);
    int nf = n_forward_ops(s), n_ops = sess_op_count(s) - 1;
    /* backward N from inside the forward pass finishes the forward first */
    assert_int_equal(sess_forward(s, 2, NULL, 0), 0);
    assert_int_equal(sess_backward(s, 3, NULL, 0), 0);
    assert_int_equal(sess_cursor(s), nf + 3);
    expect_done(s, nf, 3);
    assert_int_equal(sess_phase(s), PHASE_BACKWARD);
    /* backward all runs every op; only the update is left */
    assert_int_equal(sess_backward(s, ACTION_ALL, NULL, 0), 0);
    assert_int_equal(sess_cursor(s), n_ops);
    expect_done(s, nf, n_ops - nf);
    assert_int_equal(sess_phase(s), PHASE_UPDATE);
    assert_int_equal(sess_iteration(s), 0);
    /* the same loss and gradients as the engine's whole-sequence pass */
    Net *ref = reference_pass(s);
    const Net *net = sess_net(s);
    assert_true(fabs(net_loss(ref) - net_loss(net)) <= 1e-12 * fabs(net_loss(ref)));
    const double *g = net_grads_const(net), *gr = net_grads_const(ref);
    double ss = 0;
    for (size_t i = 0; i < net_num_params(net); i++) {
        if (fabs(g[i] - gr[i]) > 1e-12 * (1 + fabs(gr[i])))
            fail_msg("gradient %zu: session %.17g, engine %.17g", i, g[i], gr[i]);
        ss += g[i] * g[i];
    }
    for (int l = 0; l < 2; l++)
        for (int t = 0; t < 7; t++)
            assert_true(fabs(net_grad_h(net, l, t) - net_grad_h(ref, l, t)) <=
                        1e-12 * net_grad_h(ref, l, t));
    net_destroy(ref);
    /* the norm the status line reports */
    assert_true(fabs(sess_last_grad_norm(s) - sqrt(ss)) <= 1e-12 * sqrt(ss));
    /* backward all when done changes nothing */
    Snap before = snapshot(s);
    assert_int_equal(sess_backward(s, ACTION_ALL, NULL, 0), 0);
    expect_same_snap(before, snapshot(s), "backward all twice");
    sess_destroy(s);
}

static double *copy_params(const Session *s)
{
    const Net *net = sess_net(s);
    double *p = malloc(sizeof(double) * net_num_params(net));
    memcpy(p, net_params_const(net), sizeof(double) * net_num_params(net));
    return p;
}

static void test_update_semantics(void **state)
{
    (void)state;
    const char *spec = "hidden=6;steps=8;optimizer=sgd;learning_rate=0.1";
    Session *s = support_session(spec), *full = support_session(spec);
    size_t n = net_num_params(sess_net(s));
    /* the gradient of the whole pass, from a second session */
    assert_int_equal(sess_backward(full, ACTION_ALL, NULL, 0), 0);
    const double *g = net_grads_const(sess_net(full));
    double loss0 = net_loss(sess_net(full));
    /* update from the middle of the backward pass runs the rest first */
    support_run(s, "forward all; backward 3");
    double *p0 = copy_params(s);
    assert_int_equal(sess_update(s, NULL, 0), 0);
    assert_int_equal(sess_iteration(s), 1);
    assert_int_equal(sess_cursor(s), 0);
    assert_int_equal(sess_phase(s), PHASE_FORWARD);
    expect_done(s, 0, 0);
    assert_true(grads_zero(s));
    const double *p1 = net_params_const(sess_net(s));
    for (size_t i = 0; i < n; i++) {
        double want = p0[i] - 0.1 * g[i];
        if (fabs(p1[i] - want) > 1e-15 * (1 + fabs(want)))
            fail_msg("param %zu: %.17g, SGD gives %.17g", i, p1[i], want);
    }
    assert_non_null(strstr(sess_message(s), "updated: ‖∇‖ = "));
    /* the next pass runs on the same batch with the new weights: lower loss */
    assert_int_equal(sess_forward(s, ACTION_ALL, NULL, 0), 0);
    double loss1 = net_loss(sess_net(s));
    if (!(loss1 < loss0))
        fail_msg("loss %.6f after the update, %.6f before", loss1, loss0);
    /* a step past the last op is the update too */
    assert_int_equal(sess_backward(full, ACTION_ALL, NULL, 0), 0);
    assert_int_equal(sess_step(full, 1, NULL, 0), 0);
    assert_int_equal(sess_iteration(full), 1);
    assert_int_equal(sess_cursor(full), 0);
    assert_memory_equal(net_params_const(sess_net(full)), p1, sizeof(double) * n);
    free(p0);
    sess_destroy(s);
    sess_destroy(full);
}

/* With clipping the step has length lr x clip along the gradient. */
static void test_update_clips(void **state)
{
    (void)state;
    Session *s = support_session("hidden=6;steps=8;optimizer=sgd;learning_rate=0.1;clip=0.01");
    support_run(s, "backward all");
    size_t n = net_num_params(sess_net(s));
    double gn = sess_last_grad_norm(s);
    assert_true(gn > 0.01);
    double *p0 = copy_params(s);
    assert_int_equal(sess_update(s, NULL, 0), 0);
    const double *p1 = net_params_const(sess_net(s));
    double d = 0;
    for (size_t i = 0; i < n; i++)
        d += (p1[i] - p0[i]) * (p1[i] - p0[i]);
    assert_true(fabs(sqrt(d) - 0.1 * 0.01) < 1e-12);
    assert_non_null(strstr(sess_message(s), "(clipped)"));
    free(p0);
    sess_destroy(s);
}

/* ---- settings ---- */

static void expect_refused(Session *s, const char *key, const char *value, const char *want)
{
    Settings before = *sess_settings(s);
    Snap snap = snapshot(s);
    char note[256];
    snprintf(note, sizeof note, "%s", sess_message(s));
    draw(s, dl_b);
    char msg[400] = "";
    int rc = sess_set(s, key, value, msg, sizeof msg);
    if (rc >= 0)
        fail_msg("set %s = %s was accepted", key, value);
    if (want && strcmp(msg, want))
        fail_msg("set %s = %s:\n got  '%s'\n want '%s'", key, value, msg, want);
    if (!msg[0])
        fail_msg("set %s = %s: no message", key, value);
    assert_memory_equal(&before, sess_settings(s), sizeof before);
    char what[128];
    snprintf(what, sizeof what, "refused set %s = %s", key, value);
    expect_same_snap(snap, snapshot(s), what);
    if (strcmp(note, sess_message(s)))
        fail_msg("%s: the status note '%s' became '%s'", what, note, sess_message(s));
    char why[256];
    draw(s, dl_a);
    if (!support_lists_equal(dl_a, dl_b, why, sizeof why))
        fail_msg("%s: draw lists differ: %s", what, why);
}

static void test_bad_set_changes_nothing(void **state)
{
    (void)state;
    Session *s = support_session("hidden=4;steps=6");
    support_run(s, "forward all; backward 3");
    expect_refused(s, "hidden", "abc",
                   "bad value 'abc' for hidden: expected an integer from 1 to 1024");
    expect_refused(s, "spectral_radiu", "0.9",
                   "unknown key 'spectral_radiu' (did you mean 'spectral_radius'?)");
    expect_refused(s, "hidden", "2000", NULL);
    expect_refused(s, "steps", "0", NULL);
    expect_refused(s, "learning_rate", "nan", NULL);
    expect_refused(s, "spectral_radius", "-1", NULL);
    expect_refused(s, "cell", "transformer", NULL);
    sess_destroy(s);
}

/* A value settings accept but the builder refuses (bias_hh false on a GRU)
 * must not touch the session either, its status note included. */
static void test_refused_rebuild_changes_nothing(void **state)
{
    (void)state;
    Session *s = support_session("cell=gru;hidden=4;steps=6");
    support_run(s, "backward all; update; forward 5");
    expect_refused(s, "bias_hh", "false", "bias_hh false is allowed for rnn and lstm only");
    support_run(s, "update");
    assert_non_null(strstr(sess_message(s), "updated"));
    expect_refused(s, "bias_hh", "false", "bias_hh false is allowed for rnn and lstm only");
    sess_destroy(s);
}

static size_t lstm_params(int I, int H, int O, int L)
{
    size_t n = 0;
    for (int l = 0; l < L; l++)
        n += (size_t)4 * H * (l == 0 ? I : H) + (size_t)4 * H * H + 8 * (size_t)H;
    return n + (size_t)O * H + O;
}

static void test_structural_change_rebuilds(void **state)
{
    (void)state;
    Session *s = support_session("hidden=8;steps=10");
    support_run(s, "forward 5");
    char msg[400] = "";
    assert_int_equal(sess_set(s, "cell", "lstm", msg, sizeof msg), 0);
    const Net *net = sess_net(s);
    assert_int_equal(net_config(net)->cell, NET_CELL_LSTM);
    assert_int_equal(sess_settings(s)->cell, NET_CELL_LSTM);
    /* mod3: three one-hot inputs, three classes */
    assert_int_equal(net_num_params(net), lstm_params(3, 8, 3, 1));
    assert_int_equal(sess_cursor(s), 0);
    assert_int_equal(sess_iteration(s), 0);
    expect_done(s, 0, 0);
    assert_string_equal(sess_message(s), "rebuilt the network (cell = lstm)");
    /* fresh weights from the seed: the same as a session made as an LSTM */
    Session *ref = support_session("hidden=8;steps=10;cell=lstm");
    expect_same_snap(snapshot(ref), snapshot(s), "rnn -> lstm");
    /* (one step on, so that the note about the rebuild is gone) */
    support_run(ref, "step 1");
    support_run(s, "step 1");
    expect_same_view(ref, s, "rnn -> lstm");
    support_run(s, "back 1");
    sess_destroy(ref);
    /* sizes */
    assert_int_equal(sess_set(s, "hidden", "16", msg, sizeof msg), 0);
    assert_int_equal(net_num_params(sess_net(s)), lstm_params(3, 16, 3, 1));
    assert_int_equal(sess_set(s, "layers", "2", msg, sizeof msg), 0);
    assert_int_equal(net_num_params(sess_net(s)), lstm_params(3, 16, 3, 2));
    assert_int_equal(sess_op_count(s), 2 * 2 * 10 + 2 * 10 + 1);
    assert_int_equal(sess_set(s, "steps", "20", msg, sizeof msg), 0);
    assert_int_equal(net_steps(sess_net(s)), 20);
    assert_int_equal(sess_op_count(s), 2 * 2 * 20 + 2 * 20 + 1);
    support_run(s, "backward all");
    expect_done(s, 20 * 3, 20 * 3);
    /* a change of learning rate keeps the weights and the iteration */
    support_run(s, "update");
    double *p = copy_params(s);
    assert_int_equal(sess_set(s, "learning_rate", "0.05", msg, sizeof msg), 0);
    assert_memory_equal(p, net_params_const(sess_net(s)),
                        sizeof(double) * net_num_params(sess_net(s)));
    assert_int_equal(sess_iteration(s), 1);
    free(p);
    sess_destroy(s);
}

static double block_radius(const Net *net, int l, int g)
{
    char name[32];
    snprintf(name, sizeof name, "weight_hh_l%d", l);
    const NetParam *p = net_param_find(net, name);
    assert_non_null(p);
    int H = net_config(net)->hidden_size;
    return spectral_radius(net_params_const(net) + p->offset + (size_t)g * H * H, H);
}

static void test_spectral_radius_set_exactly(void **state)
{
    (void)state;
    const char *cells[3] = {"rnn", "gru", "lstm"};
    const double rhos[5] = {0.5, 0.9, 1.0, 1.5, 3.0};
    for (int c = 0; c < 3; c++) {
        char spec[96];
        snprintf(spec, sizeof spec, "cell=%s;hidden=8;steps=6;layers=2", cells[c]);
        Session *s = support_session(spec);
        int G = net_gate_count(net_config(sess_net(s))->cell);
        support_run(s, "step 7");
        for (int i = 0; i < 5; i++) {
            double *p0 = copy_params(s);
            double old = block_radius(sess_net(s), 1, 0);
            char msg[400] = "", val[32];
            snprintf(val, sizeof val, "%g", rhos[i]);
            assert_int_equal(sess_set(s, "spectral_radius", val, msg, sizeof msg), 0);
            const Net *net = sess_net(s);
            for (int l = 0; l < 2; l++) {
                if (fabs(sess_spectral_radius(s, l) - rhos[i]) > 1e-9)
                    fail_msg("%s layer %d: rho %.12f, wanted %g", cells[c], l,
                             sess_spectral_radius(s, l), rhos[i]);
                for (int g = 0; g < G; g++)
                    assert_true(fabs(block_radius(net, l, g) - rhos[i]) <= 1e-9);
                assert_true(sess_spectral_norm(s, l) >= rhos[i] - 1e-9);
            }
            /* only W_hh moved, and by a plain rescaling */
            const NetParam *w1 = net_param_find(net, "weight_hh_l1");
            int H = 8;
            for (int k = 0; k < net_param_count(net); k++) {
                const NetParam *pk = net_param(net, k);
                bool whh = !strncmp(pk->name, "weight_hh_", 10);
                size_t len = (size_t)pk->rows * pk->cols;
                for (size_t j = 0; j < len; j++) {
                    double a = p0[pk->offset + j], b = net_params_const(net)[pk->offset + j];
                    if (!whh)
                        assert_true(a == b);
                    else if (pk == w1 && j < (size_t)H * H)
                        assert_true(fabs(b - a * rhos[i] / old) <= 1e-12 * (1 + fabs(a)));
                }
            }
            free(p0);
            /* the pass is replayed with the new weights, the cursor kept */
            assert_int_equal(sess_cursor(s), 7);
            snprintf(spec, sizeof spec, "cell=%s;hidden=8;steps=6;layers=2;spectral_radius=%g",
                     cells[c], rhos[i]);
            Session *ref = support_session(spec);
            support_run(ref, "step 7");
            Snap a = snapshot(ref), b = snapshot(s);
            assert_int_equal(a.n, b.n);
            for (size_t j = 0; j < a.n; j++)
                if (fabs(a.v[j] - b.v[j]) > 1e-12 * (1 + fabs(a.v[j])))
                    fail_msg("%s rho %g: value %zu %.17g vs %.17g", cells[c], rhos[i], j, a.v[j],
                             b.v[j]);
            free(a.v);
            free(b.v);
            sess_destroy(ref);
        }
        sess_destroy(s);
    }
}

/* ---- selection ---- */

static void test_select_checks_range(void **state)
{
    (void)state;
    Session *s = support_session("hidden=4;steps=10");
    char msg[400] = "";
    int l, t;
    assert_int_equal(sess_select(s, 1, 0, msg, sizeof msg), NET_ERR_ARG);
    assert_string_equal(msg, "no node at layer 1, step 0 (layers 0..0, steps 0..9)");
    assert_false(sess_selected(s, &l, &t));
    assert_int_equal(sess_select(s, 0, 10, msg, sizeof msg), NET_ERR_ARG);
    assert_string_equal(msg, "no node at layer 0, step 10 (layers 0..0, steps 0..9)");
    assert_int_equal(sess_select(s, -2, 3, msg, sizeof msg), NET_ERR_ARG);
    assert_int_equal(sess_select(s, 0, -1, msg, sizeof msg), NET_ERR_ARG);
    assert_false(sess_selected(s, &l, &t));
    /* in range: a layer node, then the head (layer -1) */
    assert_int_equal(sess_select(s, 0, 3, msg, sizeof msg), 0);
    assert_true(sess_selected(s, &l, &t));
    assert_int_equal(l, 0);
    assert_int_equal(t, 3);
    NetOp op;
    assert_true(sess_current_op(s, &op));
    assert_int_equal(op.kind, NET_OP_FORWARD);
    assert_int_equal(op.t, 3);
    assert_int_equal(sess_select(s, -1, 9, msg, sizeof msg), 0);
    /* a refused select keeps the previous selection */
    assert_int_equal(sess_select(s, 0, 99, msg, sizeof msg), NET_ERR_ARG);
    assert_true(sess_selected(s, &l, &t));
    assert_int_equal(l, -1);
    assert_int_equal(t, 9);
    /* from an action list, the message says where */
    static ActionList list;
    assert_int_equal(action_parse_block("forward 2\nselect 3 0", &list, 1, 1, msg, sizeof msg), 0);
    assert_int_equal(sess_run_actions(s, &list, msg, sizeof msg), NET_ERR_ARG);
    assert_string_equal(msg, "2:1: no node at layer 3, step 0 (layers 0..0, steps 0..9)");
    sess_destroy(s);
}

/* ---- training ---- */

static void test_train_reduces_loss(void **state)
{
    (void)state;
    Session *s = support_session("task=mod3;hidden=8;steps=10;batch=8;learning_rate=0.5");
    support_run(s, "forward all");
    double before = net_loss(sess_net(s));
    char msg[400] = "";
    assert_int_equal(sess_train(s, 400, msg, sizeof msg), 0);
    assert_int_equal(sess_iteration(s), 400);
    assert_non_null(strstr(sess_message(s), "iteration 400: loss"));
    /* the pass on screen starts over with the trained weights */
    assert_int_equal(sess_cursor(s), 0);
    support_run(s, "forward all");
    double after = net_loss(sess_net(s));
    if (!(after < 0.5 * before))
        fail_msg("loss on the batch on screen: %.4f before, %.4f after 400 iterations", before,
                 after);
    const Trainer *tr = sess_trainer(s);
    int n = train_history_len(tr);
    assert_true(n >= 2);
    assert_true(train_history(tr, n - 1)->loss < train_history(tr, 0)->loss);
    /* reset: the seed's weights again */
    assert_int_equal(sess_reset(s, msg, sizeof msg), 0);
    Session *ref = support_session("task=mod3;hidden=8;steps=10;batch=8;learning_rate=0.5");
    expect_same_snap(snapshot(ref), snapshot(s), "reset after training");
    assert_int_equal(sess_iteration(s), 0);
    sess_destroy(ref);
    sess_destroy(s);
}

static int setup(void **state)
{
    (void)state;
    dl_a = dl_create(200000, 4u << 20, 400000);
    dl_b = dl_create(200000, 4u << 20, 400000);
    return dl_a && dl_b ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    dl_destroy(dl_a);
    dl_destroy(dl_b);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_step_then_back_is_identity),
        cmocka_unit_test(test_step_k_equals_k_steps),
        cmocka_unit_test(test_forward_semantics),
        cmocka_unit_test(test_backward_semantics),
        cmocka_unit_test(test_update_semantics),
        cmocka_unit_test(test_update_clips),
        cmocka_unit_test(test_bad_set_changes_nothing),
        cmocka_unit_test(test_refused_rebuild_changes_nothing),
        cmocka_unit_test(test_structural_change_rebuilds),
        cmocka_unit_test(test_spectral_radius_set_exactly),
        cmocka_unit_test(test_select_checks_range),
        cmocka_unit_test(test_train_reduces_loss),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
