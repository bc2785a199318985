/* The synthetic tasks: sizes, the structure of every generated batch,
 * determinism, resumed streams, symbol decoding, accuracy on hand-made
 * outputs, and the error messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"
#include "rng.h"
#include "tasks.h"

#define MAXB 8
#define MAXT 40
#define MAXI 64

static double xbuf[MAXB * MAXT * MAXI], ybuf[MAXB * MAXT * MAXI];
static int cbuf[MAXB * MAXT];

static Task *make(TaskKind kind, NetError *err)
{
    TaskConfig cfg = {.kind = kind};
    Task *t = task_create(&cfg, MAXB, err);
    assert_non_null(t);
    return t;
}

/* The index of the one 1 in a one-hot vector; fails otherwise. */
static int onehot(const double *x, int n)
{
    int k = -1;
    for (int i = 0; i < n; i++) {
        if (x[i] == 1.0 && k < 0)
            k = i;
        else if (x[i] != 0.0)
            fail_msg("not one-hot at %d: %g", i, x[i]);
    }
    if (k < 0)
        fail_msg("all zeros");
    return k;
}

static void fill(Task *task, uint64_t seed, NetTargets tg, int B, int T, NetBatch *out)
{
    Rng rng;
    rng_seed(&rng, seed);
    NetError err = {{0}};
    int rc = task_fill(task, &rng, tg, B, T, false, xbuf, cbuf, ybuf, out, &err);
    if (rc)
        fail_msg("task_fill: %s", err.msg);
}

static void test_sizes(void **state)
{
    (void)state;
    NetError err = {{0}};
    const struct {
        TaskKind kind;
        int I, O;
        NetLoss loss;
        NetTargets tg;
    } want[] = {
        {TASK_MOD3, 3, 3, NET_LOSS_SOFTMAX_CE, NET_TARGETS_ALL},
        {TASK_NOISE, 32, 4, NET_LOSS_SOFTMAX_CE, NET_TARGETS_ALL},
        {TASK_SINE, 1, 1, NET_LOSS_MSE, NET_TARGETS_ALL},
        {TASK_ADDING, 2, 1, NET_LOSS_MSE, NET_TARGETS_LAST},
        {TASK_COPY, 6, 6, NET_LOSS_SOFTMAX_CE, NET_TARGETS_ALL},
        {TASK_MOD3_RANDOM, 3, 3, NET_LOSS_SOFTMAX_CE, NET_TARGETS_ALL},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        Task *t = make(want[i].kind, &err);
        assert_int_equal(task_input_size(t), want[i].I);
        assert_int_equal(task_output_size(t), want[i].O);
        assert_int_equal(task_loss(t), want[i].loss);
        assert_int_equal(task_default_targets(t), want[i].tg);
        assert_int_equal(task_kind_loss(want[i].kind), want[i].loss);
        assert_int_equal(task_kind_default_targets(want[i].kind), want[i].tg);
        assert_int_equal(task_x_len(t, 2, 5), (size_t)2 * 5 * want[i].I);
        assert_int_equal(task_classes_len(t, 2, 5),
                         want[i].loss == NET_LOSS_SOFTMAX_CE ? (size_t)10 : 0);
        assert_int_equal(task_y_len(t, 2, 5),
                         want[i].loss == NET_LOSS_MSE ? (size_t)10 * want[i].O : 0);
        static const char *const names[] = {"mod3",   "noise", "sine",
                                            "adding", "copy",  "mod3_random"};
        assert_string_equal(task_kind_name(want[i].kind), names[i]);
        task_destroy(t);
    }
    TaskConfig cfg = {.kind = TASK_NOISE, .input_size = 5, .output_size = 7};
    Task *t = task_create(&cfg, 1, &err);
    assert_int_equal(task_input_size(t), 5);
    assert_int_equal(task_output_size(t), 7);
    task_destroy(t);
}

/* n_t counts up mod 3 from a random start; the target is n_{t+1}. */
static void test_mod3(void **state)
{
    (void)state;
    NetError err = {{0}};
    Task *t = make(TASK_MOD3, &err);
    NetBatch bt;
    const int B = 8, T = 7;
    fill(t, 5, NET_TARGETS_ALL, B, T, &bt);
    assert_int_equal(bt.B, B);
    assert_int_equal(bt.T, T);
    assert_ptr_equal(bt.x, xbuf);
    assert_ptr_equal(bt.classes, cbuf);
    assert_null(bt.y);
    assert_null(bt.h0);
    int starts[3] = {0};
    for (int b = 0; b < B; b++) {
        int n0 = onehot(xbuf + (size_t)b * T * 3, 3);
        starts[n0]++;
        for (int s = 0; s < T; s++) {
            assert_int_equal(onehot(xbuf + ((size_t)b * T + s) * 3, 3), (n0 + s) % 3);
            assert_int_equal(cbuf[b * T + s], (n0 + s + 1) % 3);
        }
    }
    /* the starts are random: 8 rows of seed 5 do not all start alike */
    assert_true(starts[0] < B && starts[1] < B && starts[2] < B);

    /* "last": one target per row, n_T */
    fill(t, 5, NET_TARGETS_LAST, B, T, &bt);
    for (int b = 0; b < B; b++) {
        int n0 = onehot(xbuf + (size_t)b * T * 3, 3);
        assert_int_equal(cbuf[b], (n0 + T) % 3);
    }

    /* resumed: each row counts on from where it stopped */
    Rng rng;
    rng_seed(&rng, 9);
    assert_int_equal(task_fill(t, &rng, NET_TARGETS_ALL, B, T, false, xbuf, cbuf, NULL, &bt, &err),
                     0);
    int last[MAXB];
    for (int b = 0; b < B; b++)
        last[b] = cbuf[b * T + T - 1];
    Rng before = rng;
    assert_int_equal(task_fill(t, &rng, NET_TARGETS_ALL, B, T, true, xbuf, cbuf, NULL, &bt, &err),
                     0);
    assert_memory_equal(&before, &rng, sizeof rng); /* nothing drawn */
    for (int b = 0; b < B; b++)
        assert_int_equal(onehot(xbuf + (size_t)b * T * 3, 3), last[b]);
    /* a different batch size cannot resume: fresh rows, drawn */
    assert_int_equal(task_fill(t, &rng, NET_TARGETS_ALL, 2, T, true, xbuf, cbuf, NULL, &bt, &err),
                     0);
    assert_memory_not_equal(&before, &rng, sizeof rng);
    task_destroy(t);
}

/* mod3_random: digits i.i.d. uniform (T draws per row); the target is the
 * running sum mod 3, so it depends on every earlier input (mod3's is a
 * function of x_t alone); resumed, the sum continues. */
static void test_mod3_random(void **state)
{
    (void)state;
    NetError err = {{0}};
    Task *t = make(TASK_MOD3_RANDOM, &err);
    assert_int_equal(task_kind_parse("mod3_random", &(TaskKind){TASK_MOD3}), 0);
    NetBatch bt;
    const int B = 8, T = 30;
    Rng rng, ref;
    rng_seed(&rng, 5);
    rng_seed(&ref, 5);
    assert_int_equal(task_fill(t, &rng, NET_TARGETS_ALL, B, T, false, xbuf, cbuf, NULL, &bt, &err),
                     0);
    int count[3] = {0}, same_input_other_target = 0, last[MAXB];
    for (int b = 0; b < B; b++) {
        int sum = 0;
        for (int s = 0; s < T; s++) {
            int d = onehot(xbuf + ((size_t)b * T + s) * 3, 3);
            assert_int_equal(d, rng_int(&ref, 3));
            sum = (sum + d) % 3;
            count[d]++;
            assert_int_equal(cbuf[b * T + s], sum);
            same_input_other_target += s > 0 && d == onehot(xbuf + ((size_t)b * T) * 3, 3) &&
                                       cbuf[b * T + s] != cbuf[b * T];
        }
        last[b] = sum;
    }
    assert_memory_equal(&rng, &ref, sizeof rng);
    assert_true(count[0] > 40 && count[1] > 40 && count[2] > 40);
    /* no function of x_t alone gives the target */
    assert_true(same_input_other_target > 0);
    assert_int_equal(task_fill(t, &rng, NET_TARGETS_ALL, B, T, true, xbuf, cbuf, NULL, &bt, &err),
                     0);
    for (int b = 0; b < B; b++) {
        int d = onehot(xbuf + (size_t)b * T * 3, 3);
        assert_int_equal(cbuf[b * T], (last[b] + d) % 3);
    }
    char sym[8];
    double x[3] = {0, 0, 1};
    assert_int_equal(task_input_symbol(t, x, sym, sizeof sym), 0);
    assert_string_equal(sym, "2");
    task_destroy(t);
}

/* The same seed gives the same batch, bit for bit; another seed does not. */
static void test_determinism(void **state)
{
    (void)state;
    NetError err = {{0}};
    static double x1[MAXB * MAXT * MAXI], y1[MAXB * MAXT * MAXI];
    static int c1[MAXB * MAXT];
    for (int k = 0; k < TASK_KIND_COUNT; k++) {
        if (k == TASK_TEXT)
            continue; /* tested below */
        Task *t = make((TaskKind)k, &err);
        const int B = 4, T = 12;
        size_t nx = task_x_len(t, B, T), nc = task_classes_len(t, B, T), ny = task_y_len(t, B, T);
        NetBatch bt;
        fill(t, 77, task_default_targets(t), B, T, &bt);
        memcpy(x1, xbuf, nx * sizeof *x1);
        memcpy(c1, cbuf, nc * sizeof *c1);
        memcpy(y1, ybuf, ny * sizeof *y1);
        fill(t, 77, task_default_targets(t), B, T, &bt);
        assert_memory_equal(x1, xbuf, nx * sizeof *x1);
        if (nc)
            assert_memory_equal(c1, cbuf, nc * sizeof *c1);
        if (ny)
            assert_memory_equal(y1, ybuf, ny * sizeof *y1);
        fill(t, 78, task_default_targets(t), B, T, &bt);
        assert_memory_not_equal(x1, xbuf, nx * sizeof *x1);
        task_destroy(t);
    }
}

static void test_noise(void **state)
{
    (void)state;
    NetError err = {{0}};
    Task *t = make(TASK_NOISE, &err);
    NetBatch bt;
    const int B = 8, T = 20, I = 32, n = B * T * I;
    fill(t, 3, NET_TARGETS_ALL, B, T, &bt);
    double sum = 0, sq = 0;
    for (int i = 0; i < n; i++) {
        sum += xbuf[i];
        sq += xbuf[i] * xbuf[i];
    }
    /* N(0,1): mean within 5 standard errors of 0, variance near 1 */
    assert_true(fabs(sum / n) < 5.0 / sqrt(n));
    assert_true(fabs(sq / n - 1.0) < 0.15);
    int seen[4] = {0};
    for (int i = 0; i < B * T; i++) {
        assert_true(cbuf[i] >= 0 && cbuf[i] < 4);
        seen[cbuf[i]]++;
    }
    assert_true(seen[0] && seen[1] && seen[2] && seen[3]);
    task_destroy(t);
}

/* x_t = sin(w t + phase), target x_{t+1}, w = 2 pi / 16. */
static void test_sine(void **state)
{
    (void)state;
    NetError err = {{0}};
    Task *t = make(TASK_SINE, &err);
    NetBatch bt;
    const int B = 3, T = 20;
    fill(t, 4, NET_TARGETS_ALL, B, T, &bt);
    assert_null(bt.classes);
    assert_ptr_equal(bt.y, ybuf);
    for (int b = 0; b < B; b++) {
        const double *x = xbuf + b * T, *y = ybuf + b * T;
        for (int s = 0; s < T; s++) {
            assert_true(fabs(x[s]) <= 1.0);
            if (s + 1 < T)
                assert_true(fabs(y[s] - x[s + 1]) < 1e-12);
            if (s + 16 < T)
                assert_true(fabs(x[s + 16] - x[s]) < 1e-12); /* period 16 */
        }
        /* x_0 = sin(phase), x_4 = sin(phase + pi/2) = cos(phase) */
        assert_true(fabs(x[0] * x[0] + x[4] * x[4] - 1.0) < 1e-12);
    }
    /* resumed, the wave goes on: the new x_0 is the old last target */
    double last = ybuf[T - 1];
    Rng rng;
    rng_seed(&rng, 1);
    assert_int_equal(task_fill(t, &rng, NET_TARGETS_ALL, B, T, true, xbuf, NULL, ybuf, &bt, &err),
                     0);
    assert_true(fabs(xbuf[0] - last) < 1e-12);
    task_destroy(t);
}

/* Two markers, one per half; the target is the sum of the marked values. */
static void test_adding(void **state)
{
    (void)state;
    NetError err = {{0}};
    Task *t = make(TASK_ADDING, &err);
    NetBatch bt;
    const int B = 8, T = 11; /* halves [0, 5) and [5, 11) */
    fill(t, 6, NET_TARGETS_LAST, B, T, &bt);
    double yl[MAXB];
    memcpy(yl, ybuf, sizeof yl);
    for (int b = 0; b < B; b++) {
        const double *x = xbuf + (size_t)b * T * 2;
        int first = 0, second = 0;
        double sum = 0;
        for (int s = 0; s < T; s++) {
            assert_true(x[2 * s] >= 0.0 && x[2 * s] < 1.0);
            assert_true(x[2 * s + 1] == 0.0 || x[2 * s + 1] == 1.0);
            if (x[2 * s + 1] == 1.0) {
                if (s < T / 2)
                    first++;
                else
                    second++;
                sum += x[2 * s];
            }
        }
        assert_int_equal(first, 1);
        assert_int_equal(second, 1);
        assert_true(yl[b] == sum);
    }
    /* "all": the running sum, ending at the same total */
    fill(t, 6, NET_TARGETS_ALL, B, T, &bt);
    for (int b = 0; b < B; b++) {
        const double *x = xbuf + (size_t)b * T * 2;
        double run = 0;
        for (int s = 0; s < T; s++) {
            run += x[2 * s + 1] * x[2 * s];
            assert_true(ybuf[b * T + s] == run);
        }
        assert_true(ybuf[b * T + T - 1] == yl[b]);
    }
    assert_int_equal(task_check_steps(t, 1, &err), NET_ERR_ARG);
    assert_string_equal(err.msg, "task adding: needs at least 2 steps (one marker per half)");
    task_destroy(t);
}

/* K = 4, S = 3, T = 10: ABC . . . : . . . -> targets . . . . . . . A B C */
static void test_copy(void **state)
{
    (void)state;
    NetError err = {{0}};
    Task *t = make(TASK_COPY, &err);
    NetBatch bt;
    const int B = 5, T = 10, K = 4, S = 3, I = K + 2;
    fill(t, 8, NET_TARGETS_ALL, B, T, &bt);
    for (int b = 0; b < B; b++) {
        const double *x = xbuf + (size_t)b * T * I;
        const int *c = cbuf + b * T;
        for (int s = 0; s < T; s++) {
            int in = onehot(x + (size_t)s * I, I);
            if (s < S)
                assert_true(in < K);
            else if (s == T - S - 1)
                assert_int_equal(in, K + 1);
            else
                assert_int_equal(in, K);
            if (s < T - S)
                assert_int_equal(c[s], K);
            else
                assert_int_equal(c[s], onehot(x + (size_t)(s - (T - S)) * I, I));
        }
    }
    fill(t, 8, NET_TARGETS_LAST, B, T, &bt);
    for (int b = 0; b < B; b++)
        assert_int_equal(cbuf[b], onehot(xbuf + ((size_t)b * T + S - 1) * I, I));
    assert_int_equal(task_check_steps(t, 7, &err), 0);
    assert_int_equal(task_check_steps(t, 6, &err), NET_ERR_ARG);
    assert_string_equal(err.msg, "task copy: 6 steps are too few for copy_length 3 (need at "
                                 "least 2 * 3 + 1 = 7)");
    task_destroy(t);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Vocabulary = distinct bytes sorted; windows of the text; next char. */
static void test_text(void **state)
{
    (void)state;
    char path[] = "/tmp/rnnviz_test_tasks_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    const char *text = "abca b\ncab";
    write_file(path, text);
    NetError err = {{0}};
    TaskConfig cfg = {.kind = TASK_TEXT, .text_path = path};
    Task *t = task_create(&cfg, 4, &err);
    assert_non_null(t);
    /* bytes '\n' ' ' 'a' 'b' 'c' */
    assert_int_equal(task_input_size(t), 5);
    assert_int_equal(task_output_size(t), 5);
    assert_int_equal(task_text_class(t, 'a'), 2);
    assert_int_equal(task_text_class(t, 'z'), -1);
    assert_int_equal(task_text_byte(t, 0), '\n');
    assert_int_equal(task_text_byte(t, 5), -1);
    size_t len = 0;
    assert_memory_equal(task_text(t, &len), text, strlen(text));
    assert_int_equal(len, strlen(text));
    char sym[16];
    assert_int_equal(task_class_symbol(t, 0, sym, sizeof sym), 0);
    assert_string_equal(sym, "\xe2\x86\xb5"); /* newline as a return arrow */
    assert_int_equal(task_class_symbol(t, 1, sym, sizeof sym), 0);
    assert_string_equal(sym, "\xe2\x90\xa3"); /* space as an open box */
    assert_int_equal(task_class_symbol(t, 3, sym, sizeof sym), 0);
    assert_string_equal(sym, "b");

    NetBatch bt;
    const int B = 4, T = 4;
    fill(t, 2, NET_TARGETS_ALL, B, T, &bt);
    for (int b = 0; b < B; b++) {
        /* find the window in the text: inputs are bytes p..p+T-1 */
        char win[8];
        for (int s = 0; s < T; s++)
            win[s] = (char)task_text_byte(t, onehot(xbuf + ((size_t)b * T + s) * 5, 5));
        win[T] = '\0';
        const char *at = strstr(text, win);
        assert_non_null(at);
        for (int s = 0; s < T; s++)
            assert_int_equal(task_text_byte(t, cbuf[b * T + s]), at[s + 1]);
    }
    assert_int_equal(task_check_steps(t, 9, &err), 0);
    assert_int_equal(task_check_steps(t, 10, &err), NET_ERR_ARG);
    assert_string_equal(err.msg, "task text: 10 steps need a text of at least 11 bytes, it has 10");
    task_destroy(t);

    /* unreadable and too short files */
    unlink(path);
    assert_null(task_create(&cfg, 4, &err));
    char want[512];
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
    assert_string_equal(err.msg, want);
    write_file(path, "a");
    assert_null(task_create(&cfg, 4, &err));
    snprintf(want, sizeof want, "%s: text too short (1 bytes, need at least 2)", path);
    assert_string_equal(err.msg, want);
    unlink(path);

    /* the shipped text */
    cfg.text_path = RNNVIZ_ASSETS_DIR "/text/nursery-rhymes.txt";
    t = task_create(&cfg, 4, &err);
    if (!t)
        fail_msg("%s", err.msg);
    assert_true(task_input_size(t) > 20 && task_input_size(t) < 80);
    task_destroy(t);
}

static void test_symbols(void **state)
{
    (void)state;
    NetError err = {{0}};
    char s[16];
    Task *t = make(TASK_MOD3, &err);
    const double x2[3] = {0, 0, 1};
    assert_int_equal(task_input_symbol(t, x2, s, sizeof s), 0);
    assert_string_equal(s, "2");
    assert_int_equal(task_class_symbol(t, 0, s, sizeof s), 0);
    assert_string_equal(s, "0");
    assert_int_equal(task_class_symbol(t, 3, s, sizeof s), NET_ERR_ARG);
    assert_int_equal(task_class_symbol(t, 1, s, 1), NET_ERR_ARG); /* no room */
    assert_string_equal(s, "");
    task_destroy(t);

    t = make(TASK_ADDING, &err);
    const double marked[2] = {0.42, 1}, plain[2] = {0.4249, 0};
    assert_int_equal(task_input_symbol(t, marked, s, sizeof s), 0);
    assert_string_equal(s, "[0.42]");
    assert_int_equal(task_input_symbol(t, plain, s, sizeof s), 0);
    assert_string_equal(s, "0.42");
    assert_int_equal(task_input_symbol(t, marked, s, 4), NET_ERR_ARG);
    assert_string_equal(s, "[0.");
    task_destroy(t);

    t = make(TASK_COPY, &err);
    const char *want[6] = {"A", "B", "C", "D", "\xc2\xb7", ":"};
    for (int k = 0; k < 6; k++) {
        assert_int_equal(task_class_symbol(t, k, s, sizeof s), 0);
        assert_string_equal(s, want[k]);
        double x[6] = {0};
        x[k] = 1;
        assert_int_equal(task_input_symbol(t, x, s, sizeof s), 0);
        assert_string_equal(s, want[k]);
    }
    task_destroy(t);

    t = make(TASK_SINE, &err);
    const double v = -0.5;
    assert_int_equal(task_input_symbol(t, &v, s, sizeof s), 0);
    assert_string_equal(s, "-0.50");
    task_destroy(t);
}

static void test_hit(void **state)
{
    (void)state;
    NetError err = {{0}};
    Task *t = make(TASK_MOD3, &err);
    const double y[3] = {0.1, 0.7, 0.2}, tie[3] = {0.5, 0.5, 0.0}, bad[3] = {NAN, 0, 1};
    assert_true(task_hit(t, y, 1, NULL));
    assert_false(task_hit(t, y, 2, NULL));
    assert_true(task_hit(t, tie, 0, NULL)); /* ties go to the lowest index */
    assert_false(task_hit(t, tie, 1, NULL));
    assert_false(task_hit(t, bad, 2, NULL));
    task_destroy(t);

    t = make(TASK_ADDING, &err);
    const double target = 0.5, near = 0.539, far = 0.541, inf = INFINITY;
    assert_true(task_hit(t, &near, -1, &target));
    assert_false(task_hit(t, &far, -1, &target));
    assert_false(task_hit(t, &inf, -1, &target));
    task_destroy(t);

    t = make(TASK_SINE, &err);
    const double s_near = 0.549, s_far = 0.551;
    assert_true(task_hit(t, &s_near, -1, &target));
    assert_false(task_hit(t, &s_far, -1, &target));
    task_destroy(t);
}

/* task_accuracy on a real forward pass: with a zero head weight and bias
 * {0, 5, 0} every prediction is class 1, so the accuracy is the share of
 * targets equal to 1. */
static void test_accuracy_net(void **state)
{
    (void)state;
    NetError err = {{0}};
    Task *t = make(TASK_MOD3, &err);
    NetConfig cfg = {.cell = NET_CELL_RNN,
                     .input_size = 3,
                     .hidden_size = 4,
                     .num_layers = 1,
                     .output_size = 3,
                     .loss = NET_LOSS_SOFTMAX_CE,
                     .targets = NET_TARGETS_ALL,
                     .bias_hh = true,
                     .max_batch = 8,
                     .max_steps = 10};
    Net *net = net_create(&cfg, &err);
    assert_non_null(net);
    memset(net_params(net), 0, net_num_params(net) * sizeof(double));
    net_head_b(net)[1] = 5.0;
    NetBatch bt;
    const int B = 8, T = 10;
    fill(t, 11, NET_TARGETS_ALL, B, T, &bt);
    int ones = 0;
    for (int i = 0; i < B * T; i++)
        ones += cbuf[i] == 1;
    assert_int_equal(net_bind(net, &bt, &err), 0);
    assert_int_equal(net_forward(net), 0);
    assert_true(fabs(task_accuracy(t, net) - (double)ones / (B * T)) < 1e-15);
    net_destroy(net);

    /* "last": only step T-1 counts */
    cfg.targets = NET_TARGETS_LAST;
    net = net_create(&cfg, &err);
    memset(net_params(net), 0, net_num_params(net) * sizeof(double));
    net_head_b(net)[1] = 5.0;
    fill(t, 11, NET_TARGETS_LAST, B, T, &bt);
    ones = 0;
    for (int b = 0; b < B; b++)
        ones += cbuf[b] == 1;
    assert_int_equal(net_bind(net, &bt, &err), 0);
    assert_int_equal(net_forward(net), 0);
    assert_true(fabs(task_accuracy(t, net) - (double)ones / B) < 1e-15);
    net_destroy(net);
    task_destroy(t);
}

static void test_errors(void **state)
{
    (void)state;
    NetError err = {{0}};
    Task *t = make(TASK_MOD3, &err);
    Rng rng;
    rng_seed(&rng, 1);
    NetBatch bt;
    assert_int_equal(
        task_fill(t, &rng, NET_TARGETS_ALL, MAXB + 1, 4, false, xbuf, cbuf, NULL, &bt, &err),
        NET_ERR_ARG);
    assert_string_equal(err.msg, "task: the batch must be from 1 to 8");
    assert_int_equal(task_fill(t, &rng, NET_TARGETS_ALL, 1, 0, false, xbuf, cbuf, NULL, &bt, &err),
                     NET_ERR_ARG);
    assert_string_equal(err.msg, "task mod3: steps must be from 1 to 10000");
    assert_int_equal(task_fill(t, &rng, NET_TARGETS_ALL, 1, 4, false, xbuf, NULL, NULL, &bt, &err),
                     NET_ERR_ARG);
    assert_string_equal(err.msg, "task: missing buffer");
    task_destroy(t);

    TaskConfig cfg = {.kind = TASK_NOISE, .input_size = 2000};
    assert_null(task_create(&cfg, 1, &err));
    assert_string_equal(err.msg, "task noise: sizes must be from 1 to 1024");
    cfg = (TaskConfig){.kind = TASK_SINE, .sine_period = -1};
    assert_null(task_create(&cfg, 1, &err));
    assert_string_equal(err.msg, "task sine: the period must be a number > 0");
    cfg = (TaskConfig){.kind = TASK_TEXT};
    assert_null(task_create(&cfg, 1, &err));
    assert_string_equal(err.msg, "task text: no text file given");
    cfg = (TaskConfig){.kind = TASK_MOD3};
    assert_null(task_create(&cfg, 0, &err));
    assert_string_equal(err.msg, "task: the batch must be from 1 to 4096");

    TaskKind k = TASK_SINE;
    assert_int_equal(task_kind_parse("text", &k), 0);
    assert_int_equal(k, TASK_TEXT);
    assert_int_equal(task_kind_parse("Text", &k), NET_ERR_ARG);
    assert_int_equal(k, TASK_TEXT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),       cmocka_unit_test(test_mod3),
        cmocka_unit_test(test_mod3_random), cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_noise),       cmocka_unit_test(test_sine),
        cmocka_unit_test(test_adding),      cmocka_unit_test(test_copy),
        cmocka_unit_test(test_text),        cmocka_unit_test(test_symbols),
        cmocka_unit_test(test_hit),         cmocka_unit_test(test_accuracy_net),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
