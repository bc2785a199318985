/* The training loop: mod3 learnt to 100%, determinism, what each record
 * holds, clipping as recorded, the carried hidden state in its three modes,
 * skipped updates on overflow, the history ring and the checks at create. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "init.h"
#include "net.h"
#include "optim.h"
#include "tasks.h"
#include "train.h"

typedef struct {
    NetCell cell;
    int H, L, B, T;
    OptimKind opt;
    double lr, clip;
    TrainCarry carry;
    uint64_t seed;
    int history;
} Setup;

static Setup mod3_setup(void)
{
    Setup s = {NET_CELL_RNN, 8, 1, 1, 10, OPTIM_SGD, 0.1, 0.0, TRAIN_CARRY_NONE, 1, 0};
    return s;
}

static Trainer *make(const Setup *s, TaskKind kind)
{
    NetError err = {{0}};
    TaskConfig tc = {.kind = kind};
    Task *task = task_create(&tc, s->B, &err);
    assert_non_null(task);
    NetConfig nc = {.cell = s->cell,
                    .act = NET_ACT_TANH,
                    .input_size = task_input_size(task),
                    .hidden_size = s->H,
                    .num_layers = s->L,
                    .output_size = task_output_size(task),
                    .loss = task_loss(task),
                    .targets = task_default_targets(task),
                    .bias_hh = true,
                    .max_batch = s->B,
                    .max_steps = s->T};
    Net *net = net_create(&nc, &err);
    assert_non_null(net);
    TrainConfig cfg = {.batch = s->B,
                       .steps = s->T,
                       .optim = optim_default_config(s->opt, s->lr),
                       .clip = s->clip,
                       .carry = s->carry,
                       .seed = s->seed,
                       .history = s->history};
    Trainer *tr = train_create(net, task, &cfg, &err);
    if (!tr)
        fail_msg("train_create: %s", err.msg);
    assert_int_equal(init_params(train_net(tr), NULL, train_rng(tr)), 0);
    return tr;
}

static void run(Trainer *tr, long n)
{
    NetError err = {{0}};
    long done = train_run(tr, n, NULL, NULL, &err);
    if (done != n)
        fail_msg("train_run: %ld of %ld: %s", done, n, err.msg);
}

/* Lesson 3's claim: training solves mod3. Measured on 64 fresh sequences. */
static void test_mod3_learns(void **state)
{
    (void)state;
    Setup s = mod3_setup();
    Trainer *tr = make(&s, TASK_MOD3);
    double loss0, acc0;
    assert_int_equal(train_evaluate(tr, 1, &loss0, &acc0, NULL), 0);
    run(tr, 300);
    double sum_acc = 0, sum_loss = 0;
    for (int k = 0; k < 64; k++) {
        double loss, acc;
        assert_int_equal(train_evaluate(tr, 1, &loss, &acc, NULL), 0);
        sum_acc += acc;
        sum_loss += loss;
    }
    if (sum_acc != 64.0)
        fail_msg("accuracy %.4f after 300 iterations", sum_acc / 64);
    assert_true(sum_loss / 64 < 0.1 * loss0);
    assert_true(acc0 < 1.0); /* it was not solved before training */
    const TrainRecord *last = train_last(tr);
    assert_int_equal(last->iter, 300);
    assert_true(last->accuracy == 1.0);
    train_destroy(tr);
}

/* Same seed, same run, bit for bit; another seed, another run. */
static void test_determinism(void **state)
{
    (void)state;
    Setup s = mod3_setup();
    s.B = 4;
    s.opt = OPTIM_ADAM;
    s.lr = 0.01;
    Trainer *a = make(&s, TASK_MOD3), *b = make(&s, TASK_MOD3);
    s.seed = 2;
    Trainer *c = make(&s, TASK_MOD3);
    run(a, 20);
    run(b, 20);
    run(c, 20);
    for (int k = 0; k < 20; k++) {
        const TrainRecord *ra = train_history(a, k), *rb = train_history(b, k);
        assert_memory_equal(&ra->loss, &rb->loss, sizeof(double));
        assert_memory_equal(&ra->grad_norm, &rb->grad_norm, sizeof(double));
        assert_memory_equal(ra->grad_h, rb->grad_h, sizeof(double) * 10);
    }
    assert_memory_equal(net_params_const(train_net_const(a)), net_params_const(train_net_const(b)),
                        net_num_params(train_net_const(a)) * sizeof(double));
    assert_true(train_history(a, 0)->loss != train_history(c, 0)->loss);
    train_destroy(a);
    train_destroy(b);
    train_destroy(c);
}

/* A record holds the pass's own numbers: after one step, before any
 * other call, the net still holds the batch, loss and grad_h it used. */
static void test_record(void **state)
{
    (void)state;
    Setup s = mod3_setup();
    s.L = 2;
    s.B = 3;
    Trainer *tr = make(&s, TASK_MOD3);
    Net *net = train_net(tr);
    double before[512];
    size_t n = net_num_params(net);
    assert_true(n <= 512);
    memcpy(before, net_params(net), n * sizeof(double));
    assert_int_equal(train_step(tr, NULL), 0);
    const TrainRecord *r = train_last(tr);
    assert_int_equal(r->iter, 1);
    assert_true(r->loss == net_loss(net));
    assert_true(r->accuracy == task_accuracy(train_task(tr), net));
    assert_false(r->clipped);
    assert_false(r->skipped);
    for (int l = 0; l < 2; l++)
        for (int t = 0; t < 10; t++)
            assert_true(r->grad_h[l * 10 + t] == net_grad_h(net, l, t));
    /* the gradient is unclipped: its norm is the recorded one, and the
     * update was p -= 0.1 g */
    const double *g = net_grads_const(net), *p = net_params_const(net);
    assert_true(fabs(optim_grad_norm(g, n) - r->grad_norm) <= 1e-15 * r->grad_norm);
    for (size_t i = 0; i < n; i++)
        assert_true(p[i] == before[i] - 0.1 * g[i]);
    train_destroy(tr);
}

/* With clip 0.05 every early gradient is above it: the record keeps the
 * pre-clip norm and the gradient left in the net has norm 0.05. */
static void test_clip(void **state)
{
    (void)state;
    Setup s = mod3_setup();
    s.clip = 0.05;
    Trainer *tr = make(&s, TASK_MOD3);
    Net *net = train_net(tr);
    for (int k = 0; k < 5; k++) {
        assert_int_equal(train_step(tr, NULL), 0);
        const TrainRecord *r = train_last(tr);
        double after = optim_grad_norm(net_grads_const(net), net_num_params(net));
        assert_true(r->grad_norm > 0.05);
        assert_true(r->clipped);
        if (fabs(after - 0.05) > 1e-15)
            fail_msg("iteration %d: post-clip norm %.17g", k + 1, after);
    }
    train_set_clip(tr, 0.0);
    assert_int_equal(train_step(tr, NULL), 0);
    assert_false(train_last(tr)->clipped);
    train_destroy(tr);
}

/* The state each mode starts the second batch from. */
static void test_carry(void **state)
{
    (void)state;
    const TrainCarry modes[3] = {TRAIN_CARRY_NONE, TRAIN_CARRY_SEQUENCE, TRAIN_CARRY_MEAN};
    for (int m = 0; m < 3; m++) {
        Setup s = mod3_setup();
        s.cell = NET_CELL_LSTM;
        s.L = 2;
        s.B = 3;
        s.H = 4;
        s.carry = modes[m];
        Trainer *tr = make(&s, TASK_MOD3);
        Net *net = train_net(tr);
        assert_int_equal(train_step(tr, NULL), 0);
        double h_end[2][12], c_end[2][12], x_end[3];
        for (int l = 0; l < 2; l++) {
            memcpy(h_end[l], net_h(net, l, 9), sizeof h_end[l]);
            memcpy(c_end[l], net_c(net, l, 9), sizeof c_end[l]);
        }
        for (int b = 0; b < 3; b++) { /* the last input of each row */
            const double *x = net_x(net, 9) + b * 3;
            x_end[b] = x[1] + 2 * x[2];
        }
        assert_int_equal(train_step(tr, NULL), 0);
        for (int l = 0; l < 2; l++) {
            const double *h0 = net_h(net, l, -1), *c0 = net_c(net, l, -1);
            for (int b = 0; b < 3; b++)
                for (int j = 0; j < 4; j++) {
                    double wh = 0, wc = 0;
                    if (modes[m] == TRAIN_CARRY_SEQUENCE) {
                        wh = h_end[l][b * 4 + j];
                        wc = c_end[l][b * 4 + j];
                    } else if (modes[m] == TRAIN_CARRY_MEAN) {
                        wh = (h_end[l][j] + h_end[l][4 + j] + h_end[l][8 + j]) / 3;
                        wc = (c_end[l][j] + c_end[l][4 + j] + c_end[l][8 + j]) / 3;
                    }
                    if (fabs(h0[b * 4 + j] - wh) > 1e-15 || fabs(c0[b * 4 + j] - wc) > 1e-15)
                        fail_msg("%s: layer %d row %d unit %d: h0 %.17g want %.17g",
                                 train_carry_name(modes[m]), l, b, j, h0[b * 4 + j], wh);
                }
        }
        /* with a carry, the task streams go on: each row counts on */
        if (modes[m] != TRAIN_CARRY_NONE)
            for (int b = 0; b < 3; b++) {
                const double *x = net_x(net, 0) + b * 3;
                assert_true(x[1] + 2 * x[2] == fmod(x_end[b] + 1, 3));
            }
        train_destroy(tr);
    }
}

/* h = tanh(100) = 1 in every unit and a head row of 1e308 overflow the
 * logits: the gradient is not finite, the update is skipped and the
 * parameters stay as they were. */
static void test_skip_nonfinite(void **state)
{
    (void)state;
    Setup s = mod3_setup();
    Trainer *tr = make(&s, TASK_MOD3);
    Net *net = train_net(tr);
    memset(net_params(net), 0, net_num_params(net) * sizeof(double));
    for (int j = 0; j < 8; j++) {
        net_b_ih(net, 0)[j] = 100.0;
        net_head_w(net)[j] = 1e308; /* row 0 */
    }
    net_head_b(net)[0] = 1e308;
    double before[256];
    size_t n = net_num_params(net);
    memcpy(before, net_params(net), n * sizeof(double));
    assert_int_equal(train_step(tr, NULL), 0);
    const TrainRecord *r = train_last(tr);
    assert_false(isfinite(r->grad_norm));
    assert_true(r->skipped);
    assert_true(r->nonfinite != 0);
    assert_memory_equal(before, net_params(net), n * sizeof(double));
    train_destroy(tr);
}

static void test_history(void **state)
{
    (void)state;
    Setup s = mod3_setup();
    s.history = 5;
    Trainer *tr = make(&s, TASK_MOD3);
    assert_null(train_last(tr));
    run(tr, 12);
    assert_int_equal(train_iterations(tr), 12);
    assert_int_equal(train_history_len(tr), 5);
    for (int k = 0; k < 5; k++)
        assert_int_equal(train_history(tr, k)->iter, 8 + k);
    assert_null(train_history(tr, 5));
    assert_null(train_history(tr, -1));
    train_reset(tr, 1);
    assert_int_equal(train_iterations(tr), 0);
    assert_int_equal(train_history_len(tr), 0);
    train_destroy(tr);
}

static int stop_at_3(const Trainer *tr, const TrainRecord *r, void *user)
{
    (void)tr;
    (*(int *)user)++;
    return r->iter == 3;
}

static void test_callback(void **state)
{
    (void)state;
    Setup s = mod3_setup();
    Trainer *tr = make(&s, TASK_MOD3);
    int calls = 0;
    assert_int_equal(train_run(tr, 10, stop_at_3, &calls, NULL), 3);
    assert_int_equal(calls, 3);
    train_destroy(tr);
}

static void test_create_errors(void **state)
{
    (void)state;
    NetError err = {{0}};
    TaskConfig tc = {.kind = TASK_MOD3};
    Task *task = task_create(&tc, 2, &err);
    NetConfig nc = {.cell = NET_CELL_RNN,
                    .input_size = 1,
                    .hidden_size = 4,
                    .num_layers = 1,
                    .output_size = 3,
                    .loss = NET_LOSS_SOFTMAX_CE,
                    .targets = NET_TARGETS_ALL,
                    .bias_hh = true,
                    .max_batch = 2,
                    .max_steps = 5};
    Net *net = net_create(&nc, &err);
    TrainConfig cfg = {.batch = 2, .steps = 5, .optim = optim_default_config(OPTIM_SGD, 0.1)};
    assert_null(train_create(net, task, &cfg, &err));
    assert_string_equal(err.msg, "task mod3 needs input size 3, the network has 1");
    net_destroy(net);

    nc.input_size = 3;
    nc.loss = NET_LOSS_MSE;
    net = net_create(&nc, &err);
    assert_null(train_create(net, task, &cfg, &err));
    assert_string_equal(err.msg, "task mod3 needs loss softmax_ce, the network has mse");
    net_destroy(net);

    nc.loss = NET_LOSS_SOFTMAX_CE;
    net = net_create(&nc, &err);
    cfg.steps = 6;
    assert_null(train_create(net, task, &cfg, &err));
    assert_string_equal(err.msg, "steps 6 is outside 1..5");
    cfg.steps = 5;
    cfg.batch = 3;
    assert_null(train_create(net, task, &cfg, &err));
    assert_string_equal(err.msg, "batch 3 is outside 1..2");
    cfg.batch = 2;
    cfg.optim.lr = -1;
    assert_null(train_create(net, task, &cfg, &err));
    assert_string_equal(err.msg, "optimizer: learning rate must be a finite number > 0");
    cfg.optim.lr = 0.1;
    Trainer *tr = train_create(net, task, &cfg, &err); /* now it owns both */
    assert_non_null(tr);
    assert_int_equal(train_evaluate(tr, 3, NULL, NULL, &err), NET_ERR_ARG);
    assert_string_equal(err.msg, "evaluation batch 3 is outside 1..2");
    train_destroy(tr);

    TrainCarry c = TRAIN_CARRY_NONE;
    assert_int_equal(train_carry_parse("mean", &c), 0);
    assert_int_equal(c, TRAIN_CARRY_MEAN);
    assert_int_equal(train_carry_parse("avg", &c), NET_ERR_ARG);
    assert_string_equal(train_carry_name(TRAIN_CARRY_SEQUENCE), "sequence");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mod3_learns),   cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_record),        cmocka_unit_test(test_clip),
        cmocka_unit_test(test_carry),         cmocka_unit_test(test_skip_nonfinite),
        cmocka_unit_test(test_history),       cmocka_unit_test(test_callback),
        cmocka_unit_test(test_create_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
