/* The settings parser: every key set and read back, every kind of error
 * message word for word, refused values changing nothing, CLI flags, and
 * the builders of engine objects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"

/* Sets key = value, which must succeed and read back as want. */
static void set_ok(Settings *s, const char *key, const char *value, const char *want)
{
    char msg[256] = "untouched", got[1100];
    int rc = settings_set(s, key, value, msg, sizeof msg);
    if (rc != 0)
        fail_msg("%s = %s: %d %s", key, value, rc, msg);
    assert_string_equal(msg, "");
    assert_int_equal(settings_get(s, key, got, sizeof got), 0);
    if (strcmp(got, want))
        fail_msg("%s = %s reads back as '%s', want '%s'", key, value, got, want);
}

/* Sets key = value, which must be refused with exactly want and leave s
 * as it was. */
static void set_bad(Settings *s, const char *key, const char *value, int code, const char *want)
{
    Settings before = *s;
    char msg[256] = "";
    int rc = settings_set(s, key, value, msg, sizeof msg);
    if (rc != code)
        fail_msg("%s = %s: returned %d, want %d (%s)", key, value, rc, code, msg);
    if (strcmp(msg, want))
        fail_msg("%s = %s:\n got '%s'\nwant '%s'", key, value, msg, want);
    assert_memory_equal(&before, s, sizeof before);
}

static void test_defaults(void **state)
{
    (void)state;
    Settings s;
    settings_default(&s);
    assert_int_equal(s.cell, NET_CELL_RNN);
    assert_int_equal(s.nonlinearity, NET_ACT_TANH);
    assert_int_equal(s.hidden, 8);
    assert_int_equal(s.layers, 1);
    assert_int_equal(s.steps, 10);
    assert_int_equal(s.batch, 1);
    assert_int_equal(s.task, TASK_MOD3);
    assert_int_equal(s.targets, -1);
    assert_int_equal(s.init, INIT_UNIFORM);
    assert_true(s.spectral_radius == 0.0);
    assert_true(s.learning_rate == 0.1);
    assert_int_equal(s.optimizer, OPTIM_SGD);
    assert_true(s.clip == 0.0);
    assert_int_equal(s.order, NET_ORDER_TIME);
    assert_int_equal(s.seed, 1);
    assert_true(s.forget_bias == 0.0);
    assert_true(s.bias_hh);
    assert_int_equal(s.carry, TRAIN_CARRY_NONE);
    assert_int_equal(s.input, 0);
    /* the noise task's input is 32 unless set */
    TaskConfig tc;
    s.task = TASK_NOISE;
    settings_task_config(&s, &tc);
    NetError err = {{0}};
    Task *t = task_create(&tc, 1, &err);
    assert_int_equal(task_input_size(t), 32);
    task_destroy(t);
}

/* Every key: a good value read back, and a bad one refused with the
 * key's own expectation. */
static void test_each_key(void **state)
{
    (void)state;
    static const struct {
        const char *key, *good, *read, *bad, *msg;
    } cases[] = {
        {"cell", "lstm", "lstm", "LSTM", "bad value 'LSTM' for cell: expected rnn, gru or lstm"},
        {"nonlinearity", "relu", "relu", "sigmoid",
         "bad value 'sigmoid' for nonlinearity: expected tanh or relu"},
        {"hidden", "16", "16", "0", "bad value '0' for hidden: expected an integer from 1 to 1024"},
        {"layers", "3", "3", "9", "bad value '9' for layers: expected an integer from 1 to 8"},
        {"steps", "40", "40", "10001",
         "bad value '10001' for steps: expected an integer from 1 to 10000"},
        {"batch", "32", "32", "-1", "bad value '-1' for batch: expected an integer from 1 to 4096"},
        {"task", "copy", "copy", "mod4",
         "bad value 'mod4' for task: expected mod3, noise, sine, adding, copy, text or "
         "mod3_random"},
        {"targets", "last", "last", "first",
         "bad value 'first' for targets: expected default, all or last"},
        {"input", "1", "1", "1025",
         "bad value '1025' for input: expected an integer from 0 to 1024"},
        {"output", "0", "0", "x", "bad value 'x' for output: expected an integer from 0 to 1024"},
        {"bias_hh", "false", "false", "maybe",
         "bad value 'maybe' for bias_hh: expected true or false"},
        {"init", "orthogonal", "orthogonal", "xavier",
         "bad value 'xavier' for init: expected uniform, normal, orthogonal, identity or "
         "uniform01"},
        {"spectral_radius", "0.8", "0.8", "nan",
         "bad value 'nan' for spectral_radius: expected a number from 0 to 1000"},
        {"forget_bias", "1", "1", "101",
         "bad value '101' for forget_bias: expected a number from -100 to 100"},
        {"learning_rate", "0.01", "0.01", "0",
         "bad value '0' for learning_rate: expected a number > 0 and <= 1000"},
        {"optimizer", "adam", "adam", "rmsprop",
         "bad value 'rmsprop' for optimizer: expected sgd, momentum, adagrad or adam"},
        {"momentum", "0.5", "0.5", "1",
         "bad value '1' for momentum: expected a number >= 0 and < 1"},
        {"clip", "1.5", "1.5", "-1", "bad value '-1' for clip: expected a number >= 0"},
        {"carry", "mean", "mean", "avg",
         "bad value 'avg' for carry: expected none, sequence or mean"},
        {"order", "layer", "layer", "random",
         "bad value 'random' for order: expected time or layer"},
        {"seed", "18446744073709551615", "18446744073709551615", "18446744073709551616",
         "bad value '18446744073709551616' for seed: expected an integer from 0 to "
         "18446744073709551615"},
        {"copy_symbols", "8", "8", "0",
         "bad value '0' for copy_symbols: expected an integer from 1 to 1022"},
        {"copy_length", "5", "5", "5000",
         "bad value '5000' for copy_length: expected an integer from 1 to 4999"},
        {"sine_period", "8", "8", "0",
         "bad value '0' for sine_period: expected a number > 0 and <= 1000000"},
        {"text_file", "/tmp/some text.txt", "/tmp/some text.txt", "",
         "missing value for text_file: expected a file path"},
    };
    int n = 0;
    const SettingsKey *keys = settings_keys(&n);
    assert_int_equal(n, (int)(sizeof cases / sizeof cases[0]));
    for (int i = 0; i < n; i++) {
        Settings s;
        settings_default(&s);
        assert_string_equal(keys[i].key, cases[i].key); /* listed in this order */
        set_bad(&s, cases[i].key, cases[i].bad, SETTINGS_ERR_VALUE, cases[i].msg);
        set_ok(&s, cases[i].key, cases[i].good, cases[i].read);
        /* what settings_get prints, settings_set takes back */
        char v[1100];
        assert_int_equal(settings_get(&s, keys[i].key, v, sizeof v), 0);
        Settings again = s;
        assert_int_equal(settings_set(&again, keys[i].key, v, NULL, 0), 0);
        assert_memory_equal(&again, &s, sizeof s);
    }
}

/* What each stored value is, beyond reading back. */
static void test_stored_values(void **state)
{
    (void)state;
    Settings s;
    settings_default(&s);
    set_ok(&s, "cell", "gru", "gru");
    assert_int_equal(s.cell, NET_CELL_GRU);
    set_ok(&s, "targets", "all", "all");
    assert_int_equal(s.targets, NET_TARGETS_ALL);
    set_ok(&s, "targets", "default", "default");
    assert_int_equal(s.targets, -1);
    set_ok(&s, "spectral_radius", "1.25", "1.25");
    assert_true(s.spectral_radius == 1.25);
    set_ok(&s, "learning_rate", "0.1", "0.1"); /* shortest round trip, not 0.10000000000000001 */
    set_ok(&s, "learning_rate", "0.30000000000000004", "0.30000000000000004");
    set_ok(&s, "seed", "0", "0");
    set_ok(&s, "bias_hh", "no", "false");
    set_ok(&s, "bias_hh", "1", "true");
    set_ok(&s, "bias_hh", "off", "false");
    set_ok(&s, "hidden", "  16 ", "16"); /* surrounding spaces ignored */
    set_ok(&s, "carry", "sequence", "sequence");
    assert_int_equal(s.carry, TRAIN_CARRY_SEQUENCE);
    set_ok(&s, "optimizer", "momentum", "momentum");
    assert_int_equal(s.optimizer, OPTIM_MOMENTUM);
    set_ok(&s, "init", "identity", "identity");
    assert_int_equal(s.init, INIT_IDENTITY);
    set_ok(&s, "order", "layer", "layer");
    assert_int_equal(s.order, NET_ORDER_LAYER);
    /* aliases and dashes */
    set_ok(&s, "lr", "0.5", "0.5");
    assert_true(s.learning_rate == 0.5);
    set_ok(&s, "spectral-radius", "2", "2");
    assert_true(s.spectral_radius == 2.0);
    char v[32];
    assert_int_equal(settings_get(&s, "lr", v, sizeof v), 0);
    assert_string_equal(v, "0.5");
    assert_int_equal(settings_get(&s, "nope", v, sizeof v), SETTINGS_ERR_KEY);
    assert_int_equal(settings_get(&s, "text_file", v, 4), SETTINGS_ERR_VALUE);
}

static void test_number_errors(void **state)
{
    (void)state;
    Settings s;
    settings_default(&s);
    set_bad(&s, "hidden", "8.5", SETTINGS_ERR_VALUE,
            "bad value '8.5' for hidden: expected an integer from 1 to 1024");
    set_bad(&s, "hidden", "abc", SETTINGS_ERR_VALUE,
            "bad value 'abc' for hidden: expected an integer from 1 to 1024");
    set_bad(&s, "hidden", "99999999999999999999", SETTINGS_ERR_VALUE,
            "bad value '99999999999999999999' for hidden: expected an integer from 1 to 1024");
    set_bad(&s, "hidden", "", SETTINGS_ERR_VALUE,
            "missing value for hidden: expected an integer from 1 to 1024");
    set_bad(&s, "hidden", "   ", SETTINGS_ERR_VALUE,
            "missing value for hidden: expected an integer from 1 to 1024");
    set_bad(&s, "clip", "NaN", SETTINGS_ERR_VALUE,
            "bad value 'NaN' for clip: expected a number >= 0");
    set_bad(&s, "clip", "inf", SETTINGS_ERR_VALUE,
            "bad value 'inf' for clip: expected a number >= 0");
    set_bad(&s, "clip", "1e999", SETTINGS_ERR_VALUE,
            "bad value '1e999' for clip: expected a number >= 0");
    set_bad(&s, "learning_rate", "-nan", SETTINGS_ERR_VALUE,
            "bad value '-nan' for learning_rate: expected a number > 0 and <= 1000");
    set_bad(&s, "learning_rate", "0.1x", SETTINGS_ERR_VALUE,
            "bad value '0.1x' for learning_rate: expected a number > 0 and <= 1000");
    set_bad(&s, "spectral_radius", "-0.1", SETTINGS_ERR_VALUE,
            "bad value '-0.1' for spectral_radius: expected a number from 0 to 1000");
    set_bad(&s, "seed", "-1", SETTINGS_ERR_VALUE,
            "bad value '-1' for seed: expected an integer from 0 to 18446744073709551615");
    set_bad(&s, "seed", "+1", SETTINGS_ERR_VALUE,
            "bad value '+1' for seed: expected an integer from 0 to 18446744073709551615");
    set_bad(&s, "seed", "1.5", SETTINGS_ERR_VALUE,
            "bad value '1.5' for seed: expected an integer from 0 to 18446744073709551615");
    /* very long values are cut in the message, and refused when too long */
    char long_value[2000];
    memset(long_value, 'x', sizeof long_value - 1);
    long_value[sizeof long_value - 1] = '\0';
    set_bad(&s, "text_file", long_value, SETTINGS_ERR_VALUE,
            "value too long for text_file (at most 1023 bytes)");
    long_value[100] = '\0';
    set_bad(&s, "hidden", long_value, SETTINGS_ERR_VALUE,
            "bad value 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' for "
            "hidden: expected an integer from 1 to 1024");
    /* no message buffer: still refused */
    assert_int_equal(settings_set(&s, "hidden", "0", NULL, 0), SETTINGS_ERR_VALUE);
    assert_int_equal(s.hidden, 8);
}

static void test_unknown_keys(void **state)
{
    (void)state;
    Settings s;
    settings_default(&s);
    set_bad(&s, "spectral_radiu", "1", SETTINGS_ERR_KEY,
            "unknown key 'spectral_radiu' (did you mean 'spectral_radius'?)");
    set_bad(&s, "hiden", "1", SETTINGS_ERR_KEY, "unknown key 'hiden' (did you mean 'hidden'?)");
    set_bad(&s, "learningrate", "1", SETTINGS_ERR_KEY,
            "unknown key 'learningrate' (did you mean 'learning_rate'?)");
    set_bad(&s, "spectral", "1", SETTINGS_ERR_KEY,
            "unknown key 'spectral' (did you mean 'spectral_radius'?)"); /* a unique prefix */
    set_bad(&s, "Cell", "rnn", SETTINGS_ERR_KEY, "unknown key 'Cell' (did you mean 'cell'?)");
    set_bad(&s, "zzz", "1", SETTINGS_ERR_KEY, "unknown key 'zzz'");
    set_bad(&s, "", "1", SETTINGS_ERR_KEY, "unknown key ''");
    assert_string_equal(settings_suggest("optimiser"), "optimizer");
    assert_null(settings_suggest("temperature"));
}

/* CLI flags go through the same parser. */
static void test_flags(void **state)
{
    (void)state;
    Settings s;
    settings_default(&s);
    char *argv[] = {"summary",      "--hidden", "10",  "--spectral-radius=0.8",
                    "--no-bias-hh", "--lr",     "0.2", "--bias_hh",
                    "false",        "--task",   "sine"};
    int argc = (int)(sizeof argv / sizeof argv[0]);
    char msg[256];
    const char *key = NULL;
    int i = 1;
    const char *want_keys[] = {"hidden",        "spectral_radius", "bias_hh",
                               "learning_rate", "bias_hh",         "task"};
    for (int k = 0; i < argc; k++) {
        assert_int_equal(settings_set_flag(&s, argc, argv, &i, &key, msg, sizeof msg), 0);
        assert_string_equal(key, want_keys[k]);
    }
    assert_int_equal(i, argc);
    assert_int_equal(s.hidden, 10);
    assert_true(s.spectral_radius == 0.8);
    assert_false(s.bias_hh);
    assert_true(s.learning_rate == 0.2);
    assert_int_equal(s.task, TASK_SINE);

    /* a lone boolean flag is true; the next flag is not its value */
    char *argv2[] = {"x", "--bias-hh", "--hidden", "3"};
    i = 1;
    assert_int_equal(settings_set_flag(&s, 4, argv2, &i, NULL, msg, sizeof msg), 0);
    assert_true(s.bias_hh);
    assert_int_equal(i, 2);

    char *bad[][2] = {
        {"--hiden", "3"}, {"--hidden", NULL},   {"--hidden", "x"},
        {"hidden", "3"},  {"--no-hidden", "3"}, {"--zzz", "1"},
    };
    const char *msgs[] = {
        "unknown option '--hiden' (did you mean '--hidden'?)",
        "missing value for --hidden: expected an integer from 1 to 1024",
        "bad value 'x' for hidden: expected an integer from 1 to 1024",
        "unknown option 'hidden' (did you mean '--hidden'?)",
        "unknown option '--no-hidden' (did you mean '--hidden'?)",
        "unknown option '--zzz'",
    };
    const int codes[] = {SETTINGS_ERR_KEY, SETTINGS_ERR_VALUE, SETTINGS_ERR_VALUE,
                         SETTINGS_ERR_KEY, SETTINGS_ERR_KEY,   SETTINGS_ERR_KEY};
    for (int k = 0; k < 6; k++) {
        char *av[3] = {"x", bad[k][0], bad[k][1]};
        int ac = bad[k][1] ? 3 : 2;
        Settings before = s;
        i = 1;
        assert_int_equal(settings_set_flag(&s, ac, av, &i, NULL, msg, sizeof msg), codes[k]);
        if (strcmp(msg, msgs[k]))
            fail_msg("flag %s:\n got '%s'\nwant '%s'", bad[k][0], msg, msgs[k]);
        assert_int_equal(i, 1);
        assert_memory_equal(&before, &s, sizeof s);
    }
}

/* The summary example: SimpleRNN(10) on (3, 1) with one bias, Dense(1). */
static void test_net_config(void **state)
{
    (void)state;
    Settings s;
    settings_default(&s);
    char *args[][2] = {
        {"input", "1"}, {"steps", "3"}, {"hidden", "10"}, {"output", "1"}, {"bias_hh", "false"}};
    for (int k = 0; k < 5; k++)
        assert_int_equal(settings_set(&s, args[k][0], args[k][1], NULL, 0), 0);
    NetConfig c;
    NetError err = {{0}};
    assert_int_equal(settings_net_config(&s, NULL, &c, &err), 0);
    assert_int_equal(c.cell, NET_CELL_RNN);
    assert_int_equal(c.input_size, 1);
    assert_int_equal(c.hidden_size, 10);
    assert_int_equal(c.output_size, 1);
    assert_int_equal(c.num_layers, 1);
    assert_false(c.bias_hh);
    assert_int_equal(c.max_steps, 3);
    assert_int_equal(c.max_batch, 1);
    assert_int_equal(c.loss, NET_LOSS_SOFTMAX_CE);
    assert_int_equal(c.targets, NET_TARGETS_ALL);
    Net *net = net_create(&c, &err);
    assert_non_null(net);
    assert_int_equal(net_num_params(net), 131);
    net_destroy(net);

    /* sizes from the task; targets from the task unless set */
    settings_default(&s);
    assert_int_equal(settings_set(&s, "task", "adding", NULL, 0), 0);
    assert_int_equal(settings_net_config(&s, NULL, &c, &err), 0);
    assert_int_equal(c.input_size, 2);
    assert_int_equal(c.output_size, 1);
    assert_int_equal(c.loss, NET_LOSS_MSE);
    assert_int_equal(c.targets, NET_TARGETS_LAST);
    assert_int_equal(settings_set(&s, "targets", "all", NULL, 0), 0);
    assert_int_equal(settings_net_config(&s, NULL, &c, &err), 0);
    assert_int_equal(c.targets, NET_TARGETS_ALL);

    /* combinations one key cannot see */
    settings_default(&s);
    assert_int_equal(settings_set(&s, "bias_hh", "false", NULL, 0), 0);
    assert_int_equal(settings_set(&s, "cell", "gru", NULL, 0), 0);
    assert_true(settings_net_config(&s, NULL, &c, &err) < 0);
    assert_string_equal(err.msg, "bias_hh false is allowed for rnn and lstm only");
    /* relu is an rnn setting: a gated cell ignores it */
    settings_default(&s);
    assert_int_equal(settings_set(&s, "nonlinearity", "relu", NULL, 0), 0);
    assert_int_equal(settings_set(&s, "cell", "lstm", NULL, 0), 0);
    assert_int_equal(settings_net_config(&s, NULL, &c, &err), 0);
    assert_int_equal(c.act, NET_ACT_TANH);

    /* a text task whose file is missing */
    settings_default(&s);
    assert_int_equal(settings_set(&s, "task", "text", NULL, 0), 0);
    assert_int_equal(settings_set(&s, "text_file", "/nonexistent/t.txt", NULL, 0), 0);
    assert_true(settings_net_config(&s, NULL, &c, &err) < 0);
    assert_string_equal(err.msg, "/nonexistent/t.txt: cannot open: No such file or directory");
}

static void test_trainer(void **state)
{
    (void)state;
    Settings s;
    settings_default(&s);
    NetError err = {{0}};
    Trainer *a = settings_trainer(&s, &err), *b = settings_trainer(&s, &err);
    assert_non_null(a);
    assert_non_null(b);
    const Net *na = train_net_const(a);
    assert_int_equal(net_config(na)->input_size, 3);
    /* the seed fixes the initial weights */
    assert_memory_equal(net_params_const(na), net_params_const(train_net_const(b)),
                        net_num_params(na) * sizeof(double));
    const TrainConfig *tc = train_config(a);
    assert_int_equal(tc->batch, 1);
    assert_int_equal(tc->steps, 10);
    assert_true(tc->optim.lr == 0.1);
    assert_int_equal(tc->optim.kind, OPTIM_SGD);
    train_destroy(a);
    train_destroy(b);

    /* the shipped text is the default text */
    assert_int_equal(settings_set(&s, "task", "text", NULL, 0), 0);
    a = settings_trainer(&s, &err);
    if (!a)
        fail_msg("%s", err.msg);
    train_destroy(a);

    settings_default(&s);
    assert_int_equal(settings_set(&s, "task", "copy", NULL, 0), 0);
    assert_int_equal(settings_set(&s, "steps", "5", NULL, 0), 0);
    assert_null(settings_trainer(&s, &err));
    assert_string_equal(err.msg, "task copy: 5 steps are too few for copy_length 3 (need at "
                                 "least 2 * 3 + 1 = 7)");

    settings_default(&s);
    assert_int_equal(settings_set(&s, "input", "1", NULL, 0), 0);
    assert_null(settings_trainer(&s, &err));
    assert_string_equal(err.msg, "task mod3 needs input size 3, the network has 1");
}

/* The table's typed access: values go in and come out as numbers, and
 * out-of-range ones are refused with the table's words. */
static void test_typed(void **state)
{
    (void)state;
    Settings s;
    settings_default(&s);
    char msg[200];
    assert_int_equal(settings_set_value(&s, SET_ORDER, NET_ORDER_LAYER, msg, sizeof msg), 0);
    assert_int_equal(s.order, NET_ORDER_LAYER);
    assert_int_equal(settings_set_value(&s, SET_SPECTRAL_RADIUS, 1.2345678, msg, sizeof msg), 0);
    assert_true(s.spectral_radius == 1.2345678); /* no text in between */
    assert_int_equal(settings_set_value(&s, SET_HIDDEN, 0, msg, sizeof msg), SETTINGS_ERR_VALUE);
    assert_string_equal(msg, "bad value 0 for hidden: expected an integer from 1 to 1024");
    assert_int_equal(settings_set_value(&s, SET_CELL, 3, msg, sizeof msg), SETTINGS_ERR_VALUE);
    assert_true(settings_value(&s, SET_HIDDEN) == 8);
    /* every default reads back as the table writes it */
    for (int i = 0; i < SET_COUNT; i++) {
        char v[SETTINGS_PATH_MAX];
        assert_int_equal(settings_get(&s, settings_info((SettingId)i)->key, v, sizeof v), 0);
        if (i != SET_ORDER && i != SET_SPECTRAL_RADIUS)
            assert_string_equal(v, settings_info((SettingId)i)->def);
    }
    /* nudges follow the table: notches, ends, the factor and its range */
    double out;
    assert_true(settings_nudge(SET_STEPS, 10, +1, &out) && out == 20);
    assert_true(settings_nudge(SET_STEPS, 12, -1, &out) && out == 10);
    assert_false(settings_nudge(SET_STEPS, 100, +1, &out));
    assert_true(settings_nudge(SET_CELL, NET_CELL_LSTM, +1, &out) && out == NET_CELL_RNN);
    assert_true(settings_nudge(SET_SPECTRAL_RADIUS, 2.9, +1, &out) && out == 3.0);
    assert_true(settings_nudge(SET_SPECTRAL_RADIUS, 1.0, -1, &out) && out == 1 / 1.1);
    assert_false(settings_nudge(SET_MOMENTUM, 0.5, +1, &out));
}

/* docs/settings.md's table is the settings table, as printed. */
static void test_spec_table(void **state)
{
    (void)state;
    char *want = NULL, got[16384];
    size_t n = 0;
    FILE *mem = open_memstream(&want, &n);
    settings_print_markdown(mem);
    fclose(mem);
    FILE *f = fopen(RNNVIZ_LESSONS_DIR "/../docs/settings.md", "r");
    assert_non_null(f);
    size_t len = fread(got, 1, sizeof got - 1, f);
    fclose(f);
    got[len] = '\0';
    if (!strstr(got, want))
        fail_msg("docs/settings.md lacks the table settings_print_markdown writes:\n%s", want);
    free(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),      cmocka_unit_test(test_each_key),
        cmocka_unit_test(test_stored_values), cmocka_unit_test(test_number_errors),
        cmocka_unit_test(test_unknown_keys),  cmocka_unit_test(test_flags),
        cmocka_unit_test(test_net_config),    cmocka_unit_test(test_trainer),
        cmocka_unit_test(test_typed),         cmocka_unit_test(test_spec_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
