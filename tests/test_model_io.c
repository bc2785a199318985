/*
 * Model files: save/load round trips bit for bit for every cell and bias
 * convention, values landing in the right tensors, a table of broken files
 * each refused with its exact message, atomic saves that fail cleanly, and
 * the `rnnviz grads` command against an independent reference.
 */
#include <dirent.h>
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <cjson/cJSON.h>

#include "data_io.h"
#include "model_io.h"
#include "net.h"
#include "rng.h"

/* ---- helpers -------------------------------------------------------------- */

static char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

static char *fixture_text(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", RNNVIZ_FIXTURES_DIR, name);
    return read_text(path, NULL);
}

/* text with the first occurrence of from replaced by to (from must occur). */
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

static char *make_temp_dir(void)
{
    char *dir = strdup("/tmp/rnnviz-test-model-io-XXXXXX");
    assert_non_null(dir);
    assert_non_null(mkdtemp(dir));
    return dir;
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    char path[1024];
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static Net *random_net(NetConfig cfg, uint64_t seed)
{
    NetError err;
    cfg.max_batch = 1;
    cfg.max_steps = 1;
    Net *net = net_create(&cfg, &err);
    if (!net)
        fail_msg("net_create: %s", err.msg);
    Rng rng;
    rng_seed(&rng, seed);
    double *p = net_params(net);
    size_t n = net_num_params(net);
    for (size_t i = 0; i < n; i++)
        p[i] = rng_normal(&rng) * pow(10.0, rng_range(&rng, -5.0, 5.0));
    /* Values whose shortest decimal form is awkward or that %.6g would break. */
    const double awkward[] = {-0.0, 5e-324, DBL_MAX, -DBL_MIN, 1.0 / 3.0, 0.1, 2.0 / 3.0e300};
    for (size_t i = 0; i < sizeof awkward / sizeof awkward[0] && i < n; i++)
        p[i] = awkward[i];
    return net;
}

/* ---- round trips ------------------------------------------------------------ */

static void test_round_trip_bit_exact(void **state)
{
    (void)state;
    const NetConfig cfgs[] = {
        {NET_CELL_RNN, NET_ACT_TANH, 3, 4, 1, 2, NET_LOSS_MSE, NET_TARGETS_ALL, true, 0, 0},
        {NET_CELL_RNN, NET_ACT_RELU, 1, 5, 3, 1, NET_LOSS_SOFTMAX_CE, NET_TARGETS_LAST, false, 0,
         0},
        {NET_CELL_GRU, NET_ACT_TANH, 2, 3, 2, 4, NET_LOSS_SOFTMAX_CE, NET_TARGETS_ALL, true, 0, 0},
        {NET_CELL_LSTM, NET_ACT_TANH, 4, 2, 2, 3, NET_LOSS_MSE, NET_TARGETS_LAST, true, 0, 0},
        {NET_CELL_LSTM, NET_ACT_TANH, 1, 1, 1, 1, NET_LOSS_MSE, NET_TARGETS_ALL, false, 0, 0},
    };
    char *dir = make_temp_dir();
    char path[1024];
    snprintf(path, sizeof path, "%s/m.json", dir);
    for (size_t c = 0; c < sizeof cfgs / sizeof cfgs[0]; c++) {
        Net *a = random_net(cfgs[c], 100 + c);
        NetError err = {""};
        if (model_save(a, path, &err) != 0)
            fail_msg("config %zu: model_save: %s", c, err.msg);
        ModelFile *m = modelfile_load(path, &err);
        if (!m)
            fail_msg("config %zu: modelfile_load: %s", c, err.msg);
        const NetConfig *got = modelfile_config(m);
        assert_int_equal(got->cell, cfgs[c].cell);
        assert_int_equal(got->act, cfgs[c].act);
        assert_int_equal(got->input_size, cfgs[c].input_size);
        assert_int_equal(got->hidden_size, cfgs[c].hidden_size);
        assert_int_equal(got->num_layers, cfgs[c].num_layers);
        assert_int_equal(got->output_size, cfgs[c].output_size);
        assert_int_equal(got->loss, cfgs[c].loss);
        assert_int_equal(got->targets, cfgs[c].targets);
        assert_int_equal(got->bias_hh, cfgs[c].bias_hh);
        assert_int_equal(got->max_batch, 0);
        assert_int_equal(got->max_steps, 0);

        NetConfig cb = *got;
        cb.max_batch = 2;
        cb.max_steps = 3;
        Net *b = net_create(&cb, &err);
        assert_non_null(b);
        assert_int_equal(modelfile_apply(m, b, &err), 0);
        assert_int_equal(net_num_params(a), net_num_params(b));
        assert_memory_equal(net_params_const(a), net_params_const(b),
                            net_num_params(a) * sizeof(double));
        /* bias_hh false: the file has no bias_hh_l* key at all. */
        char *text = read_text(path, NULL);
        assert_int_equal(strstr(text, "bias_hh_l0") != NULL, cfgs[c].bias_hh);
        free(text);
        modelfile_destroy(m);
        net_destroy(a);
        net_destroy(b);
    }
    assert_int_equal(count_entries(dir), 1); /* no temporary file left behind */
    remove_dir(dir);
    free(dir);
}

/* Keys in any order, values into the tensors they name (rows then columns). */
static void test_values_land_in_named_tensors(void **state)
{
    (void)state;
    NetError err = {""};
    ModelFile *m = modelfile_load(RNNVIZ_FIXTURES_DIR "/model_lstm_shuffled.json", &err);
    if (!m)
        fail_msg("%s", err.msg);
    NetConfig cfg = *modelfile_config(m);
    assert_int_equal(cfg.cell, NET_CELL_LSTM);
    assert_int_equal(cfg.num_layers, 2);
    assert_false(cfg.bias_hh);
    assert_int_equal(cfg.loss, NET_LOSS_MSE);
    assert_int_equal(cfg.targets, NET_TARGETS_LAST);
    cfg.max_batch = 1;
    cfg.max_steps = 1;
    Net *net = net_create(&cfg, &err);
    assert_non_null(net);
    assert_int_equal(modelfile_apply(m, net, &err), 0);
    /* weight_ih_l0 is 4H x I = 4 x 2: row g holds (g+1).1, (g+1).2 */
    const double *w = net_w_ih(net, 0);
    for (int g = 0; g < 4; g++) {
        assert_true(w[2 * g] == (g + 1) + 0.1);
        assert_true(w[2 * g + 1] == (g + 1) + 0.2);
    }
    assert_true(net_w_hh(net, 0)[3] == 0.04);
    assert_true(net_b_ih(net, 0)[2] == 0.13);
    assert_null(net_b_hh(net, 0));
    assert_true(net_w_ih(net, 1)[1] == 0.22);
    assert_true(net_w_hh(net, 1)[0] == 0.31);
    assert_true(net_b_ih(net, 1)[3] == 0.44);
    assert_true(net_head_w(net)[0] == 0.75);
    assert_true(net_head_b(net)[0] == -0.5);
    modelfile_destroy(m);
    net_destroy(net);
}

static void test_apply_refuses_other_shapes(void **state)
{
    (void)state;
    NetError err = {""};
    ModelFile *m = modelfile_load(RNNVIZ_FIXTURES_DIR "/model_rnn_ce.json", &err);
    assert_non_null(m);
    NetConfig cfg = *modelfile_config(m);
    cfg.hidden_size = 3;
    cfg.max_batch = 1;
    cfg.max_steps = 1;
    Net *net = net_create(&cfg, &err);
    assert_non_null(net);
    double *p = net_params(net);
    for (size_t i = 0; i < net_num_params(net); i++)
        p[i] = 7.0;
    assert_int_equal(modelfile_apply(m, net, &err), NET_ERR_ARG);
    assert_string_equal(err.msg, RNNVIZ_FIXTURES_DIR "/model_rnn_ce.json: the model's "
                                                     "hidden_size 2 does not match the "
                                                     "network's 3");
    for (size_t i = 0; i < net_num_params(net); i++)
        assert_true(p[i] == 7.0);
    net_destroy(net);
    modelfile_destroy(m);
}

/* ---- broken files -------------------------------------------------------------- */

typedef struct {
    const char *from, *to;   /* patch of model_rnn_ce.json; from NULL: to is the text */
    const char *from2, *to2; /* optional second patch */
    const char *msg;
} Broken;

static const Broken broken_models[] = {
    {"\"rnnviz-model\"", "\"rnnviz-data\"", NULL, NULL,
     "m.json: format: expected \"rnnviz-model\", got \"rnnviz-data\""},
    {"\"version\": 1", "\"version\": 2", NULL, NULL, "m.json: version: expected 1, got 2"},
    {"\"version\": 1", "\"version\": 1.0", NULL, NULL, "m.json: version: expected 1, got 1.0"},
    {"\"format\": \"rnnviz-model\", ", "", NULL, NULL,
     "m.json: missing key 'format' (expected \"rnnviz-model\")"},
    {"\"hidden_size\"", "\"hiden_size\"", NULL, NULL,
     "m.json: unknown key 'hiden_size' (did you mean 'hidden_size'?)"},
    {"\"bias_hh\": true,", "\"bias_hh\": true, \"seed\": 3,", NULL, NULL,
     "m.json: unknown key 'seed'"},
    {"\"num_layers\": 1,", "\"num_layers\": 1, \"num_layers\": 1,", NULL, NULL,
     "m.json: duplicate key 'num_layers'"},
    {"\"head.bias\": [0.2, 0, -0.2]", "\"head.bias\": [0.2, 0, -0.2], \"head.bias\": [0, 0, 0]",
     NULL, NULL, "m.json: params: duplicate key 'head.bias'"},
    {"\"cell\": \"rnn\"", "\"cell\": \"gru\"", NULL, NULL,
     "m.json: nonlinearity: allowed with cell \"rnn\" only, not \"gru\""},
    {"\"cell\": \"rnn\", \"nonlinearity\": \"tanh\"", "\"cell\": \"gru\"", "\"bias_hh\": true",
     "\"bias_hh\": false",
     "m.json: bias_hh: false is allowed with cell \"rnn\" or \"lstm\" only, not \"gru\""},
    {"\"cell\": \"rnn\"", "\"cell\": \"lstn\"", NULL, NULL,
     "m.json: cell: expected \"rnn\", \"gru\" or \"lstm\", got \"lstn\""},
    {"\"tanh\"", "\"sigmoid\"", NULL, NULL,
     "m.json: nonlinearity: expected \"tanh\" or \"relu\", got \"sigmoid\""},
    {"\"bias_hh\": true", "\"bias_hh\": 1", NULL, NULL,
     "m.json: bias_hh: expected true or false, got a number"},
    {"\"loss\": \"softmax_ce\", ", "", NULL, NULL, "m.json: missing key 'loss'"},
    {"\"hidden_size\": 2", "\"hidden_size\": 2.0", NULL, NULL,
     "m.json: hidden_size: expected an integer, got 2.0"},
    {"\"hidden_size\": 2", "\"hidden_size\": 2e0", NULL, NULL,
     "m.json: hidden_size: expected an integer, got 2e0"},
    {"\"hidden_size\": 2", "\"hidden_size\": \"2\"", NULL, NULL,
     "m.json: hidden_size: expected an integer, got \"2\""},
    {"\"hidden_size\": 2", "\"hidden_size\": 0", NULL, NULL,
     "m.json: hidden_size: must be at least 1, got 0"},
    {"\"hidden_size\": 2", "\"hidden_size\": 2000", NULL, NULL,
     "m.json: hidden_size: 2000 is beyond the limit of 1024"},
    {"\"num_layers\": 1", "\"num_layers\": 9", NULL, NULL,
     "m.json: num_layers: 9 is beyond the limit of 8"},
    {"\"output_size\": 3", "\"output_size\": 99999999999999999999", NULL, NULL,
     "m.json: output_size: 99999999999999999999 is beyond the limit of 1024"},
    {"\"bias_hh_l0\": [0.0, 0.05],", "", NULL, NULL, "m.json: params: missing key 'bias_hh_l0'"},
    {"\"bias_hh\": true", "\"bias_hh\": false", NULL, NULL,
     "m.json: params: unknown key 'bias_hh_l0' (\"bias_hh\" is false)"},
    {"\"head.bias\"", "\"weight_ih_l1\": [[1], [2]], \"head.bias\"", NULL, NULL,
     "m.json: params: unknown key 'weight_ih_l1' (num_layers is 1)"},
    {"\"head.bias\"", "\"head.weights\": [], \"head.bias\"", NULL, NULL,
     "m.json: params: unknown key 'head.weights' (did you mean 'head.weight'?)"},
    {"[[0.125, 0.5], [-0.5, 0.25]]", "[[0.125], [-0.5]]", NULL, NULL,
     "m.json: params.weight_hh_l0: expected 2 x 2, got 2 x 1"},
    {"[[0.125, 0.5], [-0.5, 0.25]]", "[[0.125, 0.5], [-0.5, 0.25], [1, 1]]", NULL, NULL,
     "m.json: params.weight_hh_l0: expected 2 x 2, got 3 x 2"},
    {"[0.1, -0.1]", "[[0.1], [-0.1]]", NULL, NULL,
     "m.json: params.bias_ih_l0: expected 2 numbers, got 2 x 1"},
    {"[0.1, -0.1]", "[]", NULL, NULL,
     "m.json: params.bias_ih_l0: expected 2 numbers, got an "
     "empty array"},
    {"[[0.125, 0.5], [-0.5, 0.25]]", "[[0.125, 0.5], [-0.5]]", NULL, NULL,
     "m.json: params.weight_hh_l0[1]: ragged array: expected 2 entries, got 1"},
    {"[[0.125, 0.5], [-0.5, 0.25]]", "[[0.125, 0.5], 3]", NULL, NULL,
     "m.json: params.weight_hh_l0[1]: expected an array of 2, got a number"},
    {"[0.2, 0, -0.2]", "[0.2, \"0\", -0.2]", NULL, NULL,
     "m.json: params.head.bias[1]: expected a number, got a string"},
    {"[0.0, 0.05]", "[0.0, 1e999]", NULL, NULL,
     "m.json: params.bias_hh_l0[1]: 1e999 is not a finite number"},
    {"[[1, -1], [0.5, 0.5], [-0.25, 2]]", "[[1, -1], [0.5, -1E+400], [-0.25, 2]]", NULL, NULL,
     "m.json: params.head.weight[1][1]: -1E+400 is not a finite number"},
    {"\"params\": {", "\"params\": [", NULL, NULL, NULL}, /* syntax: checked below */
    {NULL, "", NULL, NULL, "m.json:1:1: not valid JSON: the file is empty"},
    {NULL, "hidden_size = 3\n", NULL, NULL,
     "m.json:1:1: not valid JSON: unexpected word 'hidden_size'"},
    {NULL, "{\"format\": \"rnnviz-model\", \"version\": 1,\n  \"cell\": ", NULL, NULL,
     "m.json:2:11: not valid JSON: unexpected end of file"},
    {NULL, "{\"format\": \"rnnviz-model\", \"version\": 01}", NULL, NULL,
     "m.json:1:39: not valid JSON: invalid number '01'"},
    {NULL, "{\"a\": [1, NaN]}", NULL, NULL,
     "m.json:1:11: not valid JSON: 'NaN' is not allowed (numbers must be finite)"},
    {NULL, "{\"a\": [1, 2,]}", NULL, NULL, "m.json:1:13: not valid JSON: unexpected ']'"},
    {NULL, "{\"a\": 1,}", NULL, NULL,
     "m.json:1:9: not valid JSON: expected a key in double quotes"},
    {NULL, "{\"a\": \"tab\there\"}", NULL, NULL,
     "m.json:1:11: not valid JSON: control character 0x09 in a string (escape it)"},
    {NULL, "{\"a\": 1} {}", NULL, NULL,
     "m.json:1:10: not valid JSON: unexpected '{' after the end of the JSON value"},
    {NULL, "[1, 2]", NULL, NULL, "m.json: expected a JSON object at the top level, got an array"},
};

static void test_broken_models_refused(void **state)
{
    (void)state;
    char *base = fixture_text("model_rnn_ce.json");
    /* The base itself loads: every failure below is the patch's doing. */
    NetError err = {""};
    ModelFile *ok = modelfile_parse(base, strlen(base), "m.json", &err);
    if (!ok)
        fail_msg("base model refused: %s", err.msg);
    modelfile_destroy(ok);
    for (size_t k = 0; k < sizeof broken_models / sizeof broken_models[0]; k++) {
        const Broken *b = &broken_models[k];
        char *text = b->from ? patched(base, b->from, b->to) : strdup(b->to);
        if (b->from2) {
            char *t2 = patched(text, b->from2, b->to2);
            free(text);
            text = t2;
        }
        strcpy(err.msg, "(untouched)");
        ModelFile *m = modelfile_parse(text, strlen(text), "m.json", &err);
        if (m)
            fail_msg("case %zu (%s -> %s) was accepted", k, b->from ? b->from : "", b->to);
        if (b->msg && strcmp(err.msg, b->msg))
            fail_msg("case %zu: expected\n  %s\ngot\n  %s", k, b->msg, err.msg);
        if (!b->msg && !strstr(err.msg, "not valid JSON"))
            fail_msg("case %zu: expected a syntax error, got %s", k, err.msg);
        assert_null(strchr(err.msg, '\n'));
        free(text);
    }
    free(base);
}

/* Files on disk: messages name the path; a truncated file; no file. */
static void test_load_names_the_file(void **state)
{
    (void)state;
    NetError err = {""};
    assert_null(modelfile_load(RNNVIZ_FIXTURES_DIR "/model_bad_truncated.json", &err));
    assert_string_equal(err.msg, RNNVIZ_FIXTURES_DIR
                        "/model_bad_truncated.json:4:47: not valid JSON: unexpected end of file");
    assert_null(modelfile_load(RNNVIZ_FIXTURES_DIR "/no_such_model.json", &err));
    assert_string_equal(err.msg, RNNVIZ_FIXTURES_DIR
                        "/no_such_model.json: cannot open: No such file or directory");
    assert_null(modelfile_load(RNNVIZ_FIXTURES_DIR, &err));
    assert_string_equal(err.msg, RNNVIZ_FIXTURES_DIR ": cannot read: is a directory");
    /* A data file given as a model says so. */
    assert_null(modelfile_load(RNNVIZ_FIXTURES_DIR "/data_rnn_ce.json", &err));
    assert_string_equal(err.msg, RNNVIZ_FIXTURES_DIR "/data_rnn_ce.json: format: expected "
                                                     "\"rnnviz-model\", got \"rnnviz-data\"");
}

/* ---- saving ------------------------------------------------------------------------ */

static void test_failed_save_keeps_old_file(void **state)
{
    (void)state;
    const NetConfig cfg = {NET_CELL_RNN, NET_ACT_TANH,    2,    2, 1, 2,
                           NET_LOSS_MSE, NET_TARGETS_ALL, true, 0, 0};
    char *dir = make_temp_dir();
    char path[1024], bad[1024];
    snprintf(path, sizeof path, "%s/m.json", dir);
    Net *net = random_net(cfg, 7);
    NetError err = {""};
    assert_int_equal(model_save(net, path, &err), 0);
    size_t len0;
    char *before = read_text(path, &len0);

    /* A NaN cannot be written: refused, old file unchanged, nothing left over. */
    net_w_hh(net, 0)[2] = NAN;
    assert_int_equal(model_save(net, path, &err), NET_ERR_ARG);
    char want[1200];
    snprintf(want, sizeof want,
             "%s: cannot save: params.weight_hh_l0[1][0] is NaN (JSON holds finite numbers only)",
             path);
    assert_string_equal(err.msg, want);
    size_t len1;
    char *after = read_text(path, &len1);
    assert_int_equal(len0, len1);
    assert_memory_equal(before, after, len0);
    assert_int_equal(count_entries(dir), 1);
    free(after);

    /* A directory that does not exist: the reason is given. */
    net_w_hh(net, 0)[2] = 0.5;
    snprintf(bad, sizeof bad, "%s/missing/m.json", dir);
    assert_int_equal(model_save(net, bad, &err), NET_ERR_IO);
    snprintf(want, sizeof want, "%s: cannot save: No such file or directory", bad);
    assert_string_equal(err.msg, want);

    /* The target is a directory: rename fails, the temporary file is removed. */
    snprintf(bad, sizeof bad, "%s/adir", dir);
    assert_int_equal(mkdir(bad, 0700), 0);
    assert_int_equal(model_save(net, bad, &err), NET_ERR_IO);
    snprintf(want, sizeof want, "%s: cannot save: Is a directory", bad);
    assert_string_equal(err.msg, want);
    assert_int_equal(count_entries(dir), 2);
    rmdir(bad);

    /* A good save replaces the old file. */
    assert_int_equal(model_save(net, path, &err), 0);
    ModelFile *m = modelfile_load(path, &err);
    assert_non_null(m);
    Net *b = random_net(cfg, 8);
    assert_int_equal(modelfile_apply(m, b, &err), 0);
    assert_memory_equal(net_params_const(net), net_params_const(b),
                        net_num_params(net) * sizeof(double));
    modelfile_destroy(m);
    net_destroy(b);
    net_destroy(net);
    free(before);
    remove_dir(dir);
    free(dir);
}

/* ---- the grads command ---------------------------------------------------------------- */

/* An independent tanh RNN (one layer, H = 2, I = 1, O = 3, softmax_ce on
 * every step) written straight from the contract, for model_rnn_ce.json on
 * data_rnn_ce.json. */
enum { RB = 2, RT = 3, RH = 2, RO = 3 };

typedef struct {
    double loss;
    double y[RB][RT][RO];
    double d_wih[RH], d_whh[RH][RH], d_bih[RH], d_bhh[RH], d_wy[RO][RH], d_by[RO];
    double grad_h[RT];
} Reference;

static void reference_rnn(Reference *r)
{
    const double wih[RH] = {0.5, -0.25}, whh[RH][RH] = {{0.125, 0.5}, {-0.5, 0.25}};
    const double bih[RH] = {0.1, -0.1}, bhh[RH] = {0.0, 0.05};
    const double wy[RO][RH] = {{1, -1}, {0.5, 0.5}, {-0.25, 2}}, by[RO] = {0.2, 0, -0.2};
    const double x[RB][RT] = {{1.0, 0.5, -1.0}, {0.25, -0.75, 2.0}};
    const int k[RB][RT] = {{0, 2, 1}, {1, 1, 0}};
    double h[RB][RT + 1][RH] = {{{0}}}; /* h[b][t+1] is h_t; h[b][0] = h_{-1} = 0 */
    double dy[RB][RT][RO];
    memset(r, 0, sizeof *r);
    for (int b = 0; b < RB; b++) {
        for (int t = 0; t < RT; t++) {
            for (int j = 0; j < RH; j++) {
                double a = wih[j] * x[b][t] + bih[j] + bhh[j];
                for (int i = 0; i < RH; i++)
                    a += whh[j][i] * h[b][t][i];
                h[b][t + 1][j] = tanh(a); /* h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) */
            }
            double m = -INFINITY, z = 0;
            for (int o = 0; o < RO; o++) {
                r->y[b][t][o] = by[o] + wy[o][0] * h[b][t + 1][0] + wy[o][1] * h[b][t + 1][1];
                m = fmax(m, r->y[b][t][o]);
            }
            for (int o = 0; o < RO; o++)
                z += exp(r->y[b][t][o] - m);
            r->loss += -(r->y[b][t][k[b][t]] - m - log(z)) / RB;
            for (int o = 0; o < RO; o++) /* dL/dy = (softmax - onehot) / B */
                dy[b][t][o] = (exp(r->y[b][t][o] - m) / z - (o == k[b][t])) / RB;
        }
    }
    double dh[RB][RT][RH];
    for (int b = 0; b < RB; b++) {
        double next[RH] = {0, 0}; /* dL/dh_t through step t+1 */
        for (int t = RT - 1; t >= 0; t--) {
            double da[RH];
            for (int j = 0; j < RH; j++) {
                dh[b][t][j] = next[j];
                for (int o = 0; o < RO; o++)
                    dh[b][t][j] += wy[o][j] * dy[b][t][o];
                da[j] = dh[b][t][j] * (1 - h[b][t + 1][j] * h[b][t + 1][j]);
            }
            for (int o = 0; o < RO; o++) {
                r->d_by[o] += dy[b][t][o];
                for (int j = 0; j < RH; j++)
                    r->d_wy[o][j] += dy[b][t][o] * h[b][t + 1][j];
            }
            for (int j = 0; j < RH; j++) {
                r->d_wih[j] += da[j] * x[b][t];
                r->d_bih[j] += da[j];
                r->d_bhh[j] += da[j];
                for (int i = 0; i < RH; i++)
                    r->d_whh[j][i] += da[j] * h[b][t][i];
            }
            for (int i = 0; i < RH; i++)
                next[i] = whh[0][i] * da[0] + whh[1][i] * da[1];
        }
    }
    for (int t = 0; t < RT; t++) {
        double s = 0;
        for (int b = 0; b < RB; b++)
            for (int j = 0; j < RH; j++)
                s += dh[b][t][j] * dh[b][t][j];
        r->grad_h[t] = sqrt(s);
    }
}

static void expect_close(const char *what, double got, double want)
{
    if (!(fabs(got - want) <= 1e-12 * fmax(1.0, fabs(want))))
        fail_msg("%s: rnnviz %.17g, reference %.17g", what, got, want);
}

static void expect_array(const char *what, const cJSON *arr, const double *want, int n)
{
    if (cJSON_GetArraySize(arr) != n)
        fail_msg("%s: %d entries, expected %d", what, cJSON_GetArraySize(arr), n);
    for (int i = 0; i < n; i++)
        expect_close(what, cJSON_GetArrayItem(arr, i)->valuedouble, want[i]);
}

/* Runs the binary; returns its exit status, stdout and stderr in buffers. */
static int run_bin(const char *args, char *out, size_t out_cap, char *errbuf, size_t err_cap)
{
    const char *bin = getenv("RNNVIZ_BIN");
    char err_path[] = "/tmp/rnnviz-test-stderr-XXXXXX";
    int fd = mkstemp(err_path);
    assert_true(fd >= 0);
    close(fd);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' %s 2>'%s'", bin, args, err_path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, out_cap - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    FILE *e = fopen(err_path, "r");
    assert_non_null(e);
    n = fread(errbuf, 1, err_cap - 1, e);
    errbuf[n] = '\0';
    fclose(e);
    unlink(err_path);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_grads_command_matches_reference(void **state)
{
    (void)state;
    if (!getenv("RNNVIZ_BIN"))
        skip();
    static char out[1 << 16], errbuf[4096];
    int rc = run_bin("grads --model '" RNNVIZ_FIXTURES_DIR
                     "/model_rnn_ce.json' --data '" RNNVIZ_FIXTURES_DIR "/data_rnn_ce.json'",
                     out, sizeof out, errbuf, sizeof errbuf);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, errbuf);
    assert_string_equal(errbuf, "");
    cJSON *j = cJSON_Parse(out);
    assert_non_null(j);
    Reference r;
    reference_rnn(&r);
    expect_close("loss", cJSON_GetObjectItem(j, "loss")->valuedouble, r.loss);
    /* The same fixture through PyTorch 1.13 (float64, nn.RNN + nn.Linear, via
     * tests/tools/check_grads_torch.py): a second, outside opinion. */
    expect_close("loss (torch)", cJSON_GetObjectItem(j, "loss")->valuedouble, 3.368933604268517);
    const cJSON *outputs = cJSON_GetObjectItem(j, "outputs");
    assert_int_equal(cJSON_GetArraySize(outputs), RB);
    for (int b = 0; b < RB; b++) {
        const cJSON *ob = cJSON_GetArrayItem(outputs, b);
        assert_int_equal(cJSON_GetArraySize(ob), RT);
        for (int t = 0; t < RT; t++)
            expect_array("outputs", cJSON_GetArrayItem(ob, t), r.y[b][t], RO);
    }
    const cJSON *g = cJSON_GetObjectItem(j, "grads");
    assert_int_equal(cJSON_GetArraySize(g), 6);
    const cJSON *wih = cJSON_GetObjectItem(g, "weight_ih_l0");
    for (int i = 0; i < RH; i++)
        expect_array("weight_ih_l0", cJSON_GetArrayItem(wih, i), &r.d_wih[i], 1);
    const cJSON *whh = cJSON_GetObjectItem(g, "weight_hh_l0");
    for (int i = 0; i < RH; i++)
        expect_array("weight_hh_l0", cJSON_GetArrayItem(whh, i), r.d_whh[i], RH);
    expect_array("bias_ih_l0", cJSON_GetObjectItem(g, "bias_ih_l0"), r.d_bih, RH);
    expect_array("bias_hh_l0", cJSON_GetObjectItem(g, "bias_hh_l0"), r.d_bhh, RH);
    const cJSON *wy = cJSON_GetObjectItem(g, "head.weight");
    for (int o = 0; o < RO; o++)
        expect_array("head.weight", cJSON_GetArrayItem(wy, o), r.d_wy[o], RH);
    expect_array("head.bias", cJSON_GetObjectItem(g, "head.bias"), r.d_by, RO);
    const cJSON *gh = cJSON_GetObjectItem(j, "grad_h");
    assert_int_equal(cJSON_GetArraySize(gh), 1);
    expect_array("grad_h", cJSON_GetArrayItem(gh, 0), r.grad_h, RT);
    const double torch_grad_h[RT] = {0.604064054730493, 1.3199556530103422, 0.2771268379041833};
    expect_array("grad_h (torch)", cJSON_GetArrayItem(gh, 0), torch_grad_h, RT);
    assert_null(cJSON_GetObjectItem(j, "grad_c")); /* lstm only */
    cJSON_Delete(j);
}

static void test_grads_command_errors(void **state)
{
    (void)state;
    if (!getenv("RNNVIZ_BIN"))
        skip();
    static char out[1 << 16], errbuf[4096];
    /* A data file where the model belongs: exit 1, one line naming the file. */
    int rc = run_bin("grads --model '" RNNVIZ_FIXTURES_DIR
                     "/data_rnn_ce.json' --data '" RNNVIZ_FIXTURES_DIR "/data_rnn_ce.json'",
                     out, sizeof out, errbuf, sizeof errbuf);
    assert_int_equal(rc, 1);
    assert_string_equal(out, "");
    assert_string_equal(errbuf, "rnnviz grads: " RNNVIZ_FIXTURES_DIR "/data_rnn_ce.json: "
                                "format: expected \"rnnviz-model\", got \"rnnviz-data\"\n");
    /* Data that does not fit the model (an lstm's data on an rnn). */
    rc = run_bin("grads --model '" RNNVIZ_FIXTURES_DIR
                 "/model_rnn_ce.json' --data '" RNNVIZ_FIXTURES_DIR "/data_lstm_h0c0.json'",
                 out, sizeof out, errbuf, sizeof errbuf);
    assert_int_equal(rc, 1);
    assert_string_equal(errbuf, "rnnviz grads: " RNNVIZ_FIXTURES_DIR "/data_lstm_h0c0.json: "
                                "c0: allowed with cell \"lstm\" only, not \"rnn\"\n");
    /* Usage errors exit 2. */
    rc = run_bin("grads --model x.json", out, sizeof out, errbuf, sizeof errbuf);
    assert_int_equal(rc, 2);
    assert_string_equal(errbuf, "rnnviz grads: missing --data (see rnnviz grads --help)\n");
    rc = run_bin("grads --model x.json --data y.json --bogus", out, sizeof out, errbuf,
                 sizeof errbuf);
    assert_int_equal(rc, 2);
    assert_string_equal(errbuf,
                        "rnnviz grads: unknown option '--bogus' (see rnnviz grads --help)\n");
    rc = run_bin("grads --help", out, sizeof out, errbuf, sizeof errbuf);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "usage: rnnviz grads --model MODEL.json --data DATA.json"));
    assert_non_null(strstr(out, "\"nonfinite\": N"));
}

/* An lstm with h0 and c0: grad_c present, L x T, and the run succeeds. */
static void test_grads_command_lstm_shape(void **state)
{
    (void)state;
    if (!getenv("RNNVIZ_BIN"))
        skip();
    static char out[1 << 16], errbuf[4096];
    int rc =
        run_bin("grads --model '" RNNVIZ_FIXTURES_DIR
                "/model_lstm_shuffled.json' --data '" RNNVIZ_FIXTURES_DIR "/data_lstm_h0c0.json'",
                out, sizeof out, errbuf, sizeof errbuf);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, errbuf);
    cJSON *j = cJSON_Parse(out);
    assert_non_null(j);
    const cJSON *gc = cJSON_GetObjectItem(j, "grad_c");
    assert_int_equal(cJSON_GetArraySize(gc), 2);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetArrayItem(gc, 1)), 2);
    const cJSON *g = cJSON_GetObjectItem(j, "grads");
    assert_null(cJSON_GetObjectItem(g, "bias_hh_l0"));
    assert_int_equal(cJSON_GetArraySize(g), 8);
    /* Outputs exist for every step even though only the last has a target. */
    const cJSON *outputs = cJSON_GetObjectItem(j, "outputs");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetArrayItem(outputs, 0)), 2);
    cJSON_Delete(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_bit_exact),
        cmocka_unit_test(test_values_land_in_named_tensors),
        cmocka_unit_test(test_apply_refuses_other_shapes),
        cmocka_unit_test(test_broken_models_refused),
        cmocka_unit_test(test_load_names_the_file),
        cmocka_unit_test(test_failed_save_keeps_old_file),
        cmocka_unit_test(test_grads_command_matches_reference),
        cmocka_unit_test(test_grads_command_errors),
        cmocka_unit_test(test_grads_command_lstm_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
