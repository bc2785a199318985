/*
 * Data files: values land where NetBatch says they go, the batch binds to
 * a network, and a table of broken files is refused with exact messages
 * (class indices, shapes, ragged arrays, non-finite numbers, limits, keys).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "data_io.h"
#include "net.h"

/* model_rnn_ce.json: tanh rnn, I 1, H 2, L 1, O 3, softmax_ce on every step. */
static const NetConfig rnn_ce = {NET_CELL_RNN,        NET_ACT_TANH,    1,    2, 1, 3,
                                 NET_LOSS_SOFTMAX_CE, NET_TARGETS_ALL, true, 0, 0};
/* model_lstm_shuffled.json: lstm, I 2, H 1, L 2, O 1, mse on the last step. */
static const NetConfig lstm_mse = {NET_CELL_LSTM, NET_ACT_TANH,     2,     1, 2, 1,
                                   NET_LOSS_MSE,  NET_TARGETS_LAST, false, 0, 0};

static char *fixture_text(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", RNNVIZ_FIXTURES_DIR, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 16);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static char *patched(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    if (!at)
        fail_msg("patch '%s' does not occur in the base text", from);
    size_t head = (size_t)(at - text), lf = strlen(from), lt = strlen(to);
    char *out = malloc(strlen(text) - lf + lt + 1);
    assert_non_null(out);
    memcpy(out, text, head);
    memcpy(out + head, to, lt);
    strcpy(out + head + lt, at + lf);
    return out;
}

static void test_classes_and_inputs(void **state)
{
    (void)state;
    NetError err = {""};
    DataFile *d = datafile_load(RNNVIZ_FIXTURES_DIR "/data_rnn_ce.json", &rnn_ce, &err);
    if (!d)
        fail_msg("%s", err.msg);
    const NetBatch *b = datafile_batch(d);
    assert_int_equal(b->B, 2);
    assert_int_equal(b->T, 3);
    /* x is (B, T, I) */
    const double x[6] = {1.0, 0.5, -1.0, 0.25, -0.75, 2.0};
    for (int i = 0; i < 6; i++)
        assert_true(b->x[i] == x[i]);
    /* classes are (B, T) */
    const int k[6] = {0, 2, 1, 1, 1, 0};
    assert_memory_equal(b->classes, k, sizeof k);
    assert_null(b->y);
    assert_null(b->h0);
    assert_null(b->c0);

    /* The batch binds to a network of the file's configuration. */
    NetConfig cfg = rnn_ce;
    cfg.max_batch = 2;
    cfg.max_steps = 3;
    Net *net = net_create(&cfg, &err);
    assert_non_null(net);
    assert_int_equal(net_bind(net, b, &err), NET_OK);
    assert_true(net_x(net, 1)[1] == -0.75); /* step 1, batch entry 1 */
    net_destroy(net);
    datafile_destroy(d);
}

static void test_mse_last_with_states(void **state)
{
    (void)state;
    NetError err = {""};
    DataFile *d = datafile_load(RNNVIZ_FIXTURES_DIR "/data_lstm_h0c0.json", &lstm_mse, &err);
    if (!d)
        fail_msg("%s", err.msg);
    const NetBatch *b = datafile_batch(d);
    assert_int_equal(b->B, 2);
    assert_int_equal(b->T, 2);
    assert_null(b->classes);
    /* y is (B, 1, O) for targets "last" */
    assert_true(b->y[0] == 0.5 && b->y[1] == -1.5);
    /* h0 and c0 are (L, B, H) */
    const double h0[4] = {0.1, 0.2, 0.3, 0.4};
    for (int i = 0; i < 4; i++) {
        assert_true(b->h0[i] == h0[i]);
        assert_true(b->c0[i] == -h0[i]);
    }
    NetConfig cfg = lstm_mse;
    cfg.max_batch = 2;
    cfg.max_steps = 2;
    Net *net = net_create(&cfg, &err);
    assert_non_null(net);
    assert_int_equal(net_bind(net, b, &err), NET_OK);
    assert_true(net_h(net, 1, -1)[1] == 0.4); /* layer 1, entry 1 of h0 */
    assert_true(net_c(net, 0, -1)[0] == -0.1);
    net_destroy(net);
    datafile_destroy(d);
}

typedef struct {
    const char *base; /* fixture patched; NULL: to is the whole text */
    const NetConfig *cfg;
    const char *from, *to;
    const char *msg;
} Broken;

#define RNN "data_rnn_ce.json", &rnn_ce
#define LSTM "data_lstm_h0c0.json", &lstm_mse

static const Broken broken[] = {
    {RNN, "[0, 2, 1]", "[0, 3, 1]", "d.json: targets[0][1]: class index 3 is out of range [0, 3)"},
    {RNN, "[1, 1, 0]", "[1, 1.0, 0]",
     "d.json: targets[1][1]: expected an integer class index, got 1.0"},
    {RNN, "[1, 1, 0]", "[1, 1, 0e0]",
     "d.json: targets[1][2]: expected an integer class index, got 0e0"},
    {RNN, "[0, 2, 1]", "[-1, 2, 1]",
     "d.json: targets[0][0]: class index -1 is out of range [0, 3)"},
    {RNN, "[0, 2, 1]", "[0, \"2\", 1]", "d.json: targets[0][1]: expected a number, got a string"},
    {RNN, "[[0, 2, 1],\n              [1, 1, 0]]", "[[0], [1]]",
     "d.json: targets: expected 2 x 3, got 2 x 1"},
    {RNN, "[1, 1, 0]", "[1, 1]", "d.json: targets[1]: ragged array: expected 3 entries, got 2"},
    {RNN, "\"targets\"", "\"c0\": [[[0, 0], [0, 0]]], \"targets\"",
     "d.json: c0: allowed with cell \"lstm\" only, not \"rnn\""},
    {RNN, "\"targets\"", "\"h0\": [[[0, 0]]], \"targets\"",
     "d.json: h0: expected 1 x 2 x 2, got 1 x 1 x 2"},
    {RNN, "[0.5]", "[0.5, 1]", "d.json: inputs[0][1]: ragged array: expected 1 entry, got 2"},
    {RNN, "[[0.25], [-0.75], [2.0]]", "[[0.25], [-0.75]]",
     "d.json: inputs[1]: ragged array: expected 3 entries, got 2"},
    {RNN, "[[1.0], [0.5], [-1.0]]", "[[1.0, 0], [0.5, 0], [-1.0, 0]]",
     "d.json: inputs: expected 2 x 3 x 1, got 2 x 3 x 2"},
    {RNN, "[-1.0]", "[-1e999]", "d.json: inputs[0][2][0]: -1e999 is not a finite number"},
    {RNN, "[-1.0]", "[null]", "d.json: inputs[0][2][0]: expected a number, got null"},
    {RNN, "\"targets\"", "\"target\"", "d.json: unknown key 'target' (did you mean 'targets'?)"},
    {RNN, "\"version\": 1,", "\"version\": 1, \"version\": 1,", "d.json: duplicate key 'version'"},
    {RNN, "\"rnnviz-data\"", "\"rnnviz-model\"",
     "d.json: format: expected \"rnnviz-data\", got \"rnnviz-model\""},
    {RNN, "\"version\": 1", "\"version\": \"1\"", "d.json: version: expected 1, got \"1\""},
    {RNN, ",\n  \"targets\": [[0, 2, 1],\n              [1, 1, 0]]", "",
     "d.json: missing key 'targets'"},
    {LSTM, "[[[0.5]], [[-1.5]]]", "[[[0.5], [0.5]], [[-1.5], [1]]]",
     "d.json: targets: expected 2 x 1 x 1, got 2 x 2 x 1"},
    {LSTM, "[[[0.5]], [[-1.5]]]", "[[0], [1]]", "d.json: targets: expected 2 x 1 x 1, got 2 x 1"},
    {LSTM, "[[[-0.1], [-0.2]], [[-0.3], [-0.4]]]", "[[[-0.1], [-0.2]]]",
     "d.json: c0: expected 2 x 2 x 1, got 1 x 2 x 1"},
    {LSTM, "[[[0.1], [0.2]], [[0.3], [0.4]]]", "[[[0.1], [0.2]], [[0.3], [0.4, 0.5]]]",
     "d.json: h0[1][1]: ragged array: expected 1 entry, got 2"},
    {NULL, NULL, NULL,
     "{\"format\": \"rnnviz-data\", \"version\": 1, \"inputs\": [], "
     "\"targets\": []}",
     "d.json: inputs: empty batch (B must be at least 1)"},
    {NULL, NULL, NULL,
     "{\"format\": \"rnnviz-data\", \"version\": 1, \"inputs\": [[]], "
     "\"targets\": [[]]}",
     "d.json: inputs: empty sequence (T must be at least 1)"},
    {NULL, NULL, NULL,
     "{\"format\": \"rnnviz-data\", \"version\": 1, \"inputs\": [1, 2], "
     "\"targets\": []}",
     "d.json: inputs: expected a B x T x I array, got 2 numbers"},
    {NULL, NULL, NULL,
     "{\"format\": \"rnnviz-data\", \"version\": 1, \"inputs\": [[[1]]], "
     "\"targets\": [[0]],",
     "d.json:1:77: not valid JSON: unexpected end of file"},
    {NULL, NULL, NULL, "inputs,targets\n1,0\n",
     "d.json:1:1: not valid JSON: unexpected word "
     "'inputs'"},
};

static void test_broken_data_refused(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof broken / sizeof broken[0]; k++) {
        const Broken *b = &broken[k];
        const NetConfig *cfg = b->cfg ? b->cfg : &rnn_ce;
        char *text;
        if (b->base) {
            char *base = fixture_text(b->base);
            NetError err = {""};
            DataFile *ok = datafile_parse(base, strlen(base), "d.json", cfg, &err);
            if (!ok)
                fail_msg("case %zu: base refused: %s", k, err.msg);
            datafile_destroy(ok);
            text = patched(base, b->from, b->to);
            free(base);
        } else {
            text = strdup(b->to);
        }
        NetError err = {""};
        DataFile *d = datafile_parse(text, strlen(text), "d.json", cfg, &err);
        if (d)
            fail_msg("case %zu (%s -> %s) was accepted", k, b->from ? b->from : "", b->to);
        if (strcmp(err.msg, b->msg))
            fail_msg("case %zu: expected\n  %s\ngot\n  %s", k, b->msg, err.msg);
        free(text);
    }
}

/* Builds {"inputs": B x T x 1 zeros, "targets": B x T zeros}. */
static char *sized_data(int B, int T)
{
    size_t cap = (size_t)B * ((size_t)T * 8 + 8) + 256;
    char *s = malloc(cap);
    assert_non_null(s);
    size_t n = (size_t)sprintf(s, "{\"format\": \"rnnviz-data\", \"version\": 1, \"inputs\": [");
    for (int b = 0; b < B; b++) {
        s[n++] = b ? ',' : '[';
        if (b)
            s[n++] = '[';
        for (int t = 0; t < T; t++)
            n += (size_t)sprintf(s + n, t ? ",[0]" : "[0]");
        s[n++] = ']';
    }
    n += (size_t)sprintf(s + n, "], \"targets\": [");
    for (int b = 0; b < B; b++) {
        s[n++] = b ? ',' : '[';
        if (b)
            s[n++] = '[';
        for (int t = 0; t < T; t++)
            n += (size_t)sprintf(s + n, t ? ",0" : "0");
        s[n++] = ']';
    }
    sprintf(s + n, "]}");
    return s;
}

static void test_limits(void **state)
{
    (void)state;
    NetError err = {""};
    char *s = sized_data(1, NET_MAX_STEPS);
    DataFile *d = datafile_parse(s, strlen(s), "d.json", &rnn_ce, &err);
    if (!d)
        fail_msg("%s", err.msg);
    assert_int_equal(datafile_batch(d)->T, NET_MAX_STEPS);
    datafile_destroy(d);
    free(s);

    s = sized_data(1, NET_MAX_STEPS + 1);
    assert_null(datafile_parse(s, strlen(s), "d.json", &rnn_ce, &err));
    assert_string_equal(err.msg, "d.json: inputs: 10001 steps are beyond the limit of 10000");
    free(s);

    s = sized_data(NET_MAX_BATCH + 1, 1);
    assert_null(datafile_parse(s, strlen(s), "d.json", &rnn_ce, &err));
    assert_string_equal(err.msg, "d.json: inputs: batch of 4097 is beyond the limit of 4096");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classes_and_inputs),
        cmocka_unit_test(test_mse_last_with_states),
        cmocka_unit_test(test_broken_data_refused),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
