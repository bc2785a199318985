/* Long work yields between time steps: a whole forward or backward pass
 * and a training iteration stop when the network's yield hook asks, and
 * resume to the same bits as an uninterrupted run; `rnnviz train` stops
 * on Ctrl+C within a time step, with its partial CSV valid and flushed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "init.h"
#include "net.h"
#include "optim.h"
#include "tasks.h"
#include "train.h"

enum { B = 3, T = 12 };

/* Says stop every `every` calls, counting calls. */
typedef struct {
    int calls, every;
} Ticker;

static bool tick(void *user)
{
    Ticker *k = user;
    return ++k->calls % k->every == 0;
}

static Trainer *make(NetCell cell, int L, uint64_t seed)
{
    NetError err = {{0}};
    TaskConfig tc = {.kind = TASK_MOD3};
    Task *task = task_create(&tc, B, &err);
    assert_non_null(task);
    NetConfig nc = {.cell = cell,
                    .act = NET_ACT_TANH,
                    .input_size = task_input_size(task),
                    .hidden_size = 6,
                    .num_layers = L,
                    .output_size = task_output_size(task),
                    .loss = task_loss(task),
                    .targets = task_default_targets(task),
                    .bias_hh = true,
                    .max_batch = B,
                    .max_steps = T};
    Net *net = net_create(&nc, &err);
    assert_non_null(net);
    TrainConfig cfg = {.batch = B,
                       .steps = T,
                       .optim = optim_default_config(OPTIM_ADAM, 0.01),
                       .carry = TRAIN_CARRY_SEQUENCE,
                       .seed = seed};
    Trainer *tr = train_create(net, task, &cfg, &err);
    if (!tr)
        fail_msg("train_create: %s", err.msg);
    assert_int_equal(init_params(train_net(tr), NULL, train_rng(tr)), 0);
    return tr;
}

/* Runs n iterations through every cancel; returns the cancels seen. */
static int run_through(Trainer *tr, int n)
{
    NetError err = {{0}};
    int cancels = 0, done = 0;
    while (done < n) {
        int rc = train_step(tr, &err);
        if (rc == NET_ERR_CANCELLED) {
            assert_true(train_pending(tr));
            cancels++;
            continue;
        }
        if (rc != 0)
            fail_msg("train_step: %s", err.msg);
        done++;
    }
    return cancels;
}

/* Training with a hook that stops every few time steps gives the same
 * parameters, bit for bit, as without; the hook was asked between steps. */
static void test_resumed_training_same_bits(void **state)
{
    (void)state;
    NetCell cells[] = {NET_CELL_RNN, NET_CELL_GRU, NET_CELL_LSTM};
    for (int c = 0; c < 3; c++) {
        Trainer *plain = make(cells[c], 2, 5), *cut = make(cells[c], 2, 5);
        Ticker k = {0, 3};
        net_set_yield(train_net(cut), tick, &k);
        assert_int_equal(run_through(plain, 4), 0);
        int cancels = run_through(cut, 4);
        /* forward and backward each ask T-1 times per iteration */
        assert_true(k.calls >= 4 * 2 * (T - 1));
        assert_true(cancels >= k.calls / 3 - 1);
        const Net *a = train_net_const(plain), *b = train_net_const(cut);
        assert_memory_equal(net_params_const(a), net_params_const(b),
                            net_num_params(a) * sizeof(double));
        assert_true(train_last(plain)->loss == train_last(cut)->loss);
        train_destroy(plain);
        train_destroy(cut);
    }
}

/* A whole pass stopped at every step: net_forward_continue and
 * net_backward finish it with the same loss and gradients. */
static void test_pass_resumes(void **state)
{
    (void)state;
    Trainer *tr = make(NET_CELL_LSTM, 3, 9);
    NetError err = {{0}};
    assert_int_equal(train_step(tr, &err), 0); /* binds a batch */
    Net *net = train_net(tr);
    net_reset_pass(net);
    assert_int_equal(net_forward(net), 0);
    double loss = net_loss(net);
    net_zero_grad(net);
    assert_int_equal(net_backward(net), 0);
    size_t n = net_num_params(net);
    double *want = malloc(n * sizeof *want);
    memcpy(want, net_grads_const(net), n * sizeof *want);

    Ticker k = {0, 1};
    net_set_yield(net, tick, &k);
    int stops = 0, rc;
    for (rc = net_forward(net); rc == NET_ERR_CANCELLED; rc = net_forward_continue(net))
        stops++;
    assert_int_equal(rc, 0);
    assert_int_equal(stops, T - 1);
    assert_true(net_loss(net) == loss);
    net_zero_grad(net);
    for (stops = 0; (rc = net_backward(net)) == NET_ERR_CANCELLED;)
        stops++;
    assert_int_equal(rc, 0);
    assert_int_equal(stops, T - 1);
    assert_memory_equal(net_grads_const(net), want, n * sizeof *want);
    net_set_yield(net, NULL, NULL);
    free(want);
    train_destroy(tr);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Ctrl+C while `rnnviz train` runs long iterations: exit 130 within half
 * a second, and the log holds the header and whole rows only. */
static void test_cli_ctrl_c(void **state)
{
    (void)state;
    const char *bin = getenv("RNNVIZ_BIN");
    if (!bin)
        skip();
    char log[] = "/tmp/rnnviz-ctrlc-XXXXXX";
    int fd = mkstemp(log);
    assert_true(fd >= 0);
    close(fd);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execl(bin, bin, "train", "--steps", "400", "--hidden", "64", "--batch", "64", "--iters",
              "1000000", "--quiet", "--csv", log, (char *)NULL);
        _exit(127);
    }
    struct timespec wait_a_bit = {1, 500000000L};
    nanosleep(&wait_a_bit, NULL);
    double t0 = now();
    kill(pid, SIGINT);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    double took = now() - t0;
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 130);
    if (took > 0.5)
        fail_msg("stopped %.2f s after Ctrl+C", took);
    FILE *f = fopen(log, "rb");
    assert_non_null(f);
    static char line[1 << 16];
    int rows = 0, fields = -1;
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        assert_true(len > 0 && line[len - 1] == '\n'); /* whole lines */
        int n = 1;
        for (size_t i = 0; i < len; i++)
            n += line[i] == ',';
        if (fields < 0)
            fields = n;
        assert_int_equal(n, fields);
        rows++;
    }
    fclose(f);
    unlink(log);
    assert_int_equal(fields, 3 + 400);
    print_message("interrupted after %.2f s: %d lines in the log\n", took, rows);
    assert_true(rows >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resumed_training_same_bits),
        cmocka_unit_test(test_pass_resumes),
        cmocka_unit_test(test_cli_ctrl_c),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
