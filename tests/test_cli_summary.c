/* `rnnviz summary` (and the `rnnviz train` it pairs with) run as a user
 * runs them, through RNNVIZ_BIN: the Keras-style counts, shapes, one-line
 * errors with a non-zero exit, and a model file saved by train. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char out[65536];

/* Runs `rnnviz ARGS REDIRECT`, keeps what it printed, returns the exit status. */
static int run(const char *args, const char *redirect)
{
    const char *bin = getenv("RNNVIZ_BIN");
    if (!bin)
        fail_msg("RNNVIZ_BIN is not set");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' %s %s", bin, args, redirect);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* The Param # column of the row naming `layer`. */
static long row_params(const char *layer)
{
    const char *row = strstr(out, layer);
    if (!row)
        fail_msg("no row '%s' in:\n%s", layer, out);
    const char *eol = strchr(row, '\n');
    const char *p = eol - 1;
    while (p > row && *p >= '0' && *p <= '9')
        p--;
    return strtol(p + 1, NULL, 10);
}

static void expect_line(const char *line)
{
    if (!strstr(out, line))
        fail_msg("missing '%s' in:\n%s", line, out);
}

/* SimpleRNN(10) on (3, 1) with one bias: 10*1 + 10*10 + 10 = 120;
 * Dense(1): 10 + 1 = 11; 131 in all. */
static void test_simple_rnn_131(void **state)
{
    (void)state;
    int rc =
        run("summary --cell rnn --input 1 --steps 3 --hidden 10 --output 1 --no-bias-hh", "2>&1");
    assert_int_equal(rc, 0);
    assert_int_equal(row_params("rnn_l0 (SimpleRNN)"), 120);
    assert_int_equal(row_params("head (Dense)"), 11);
    expect_line("\nTotal params: 131\n");
    expect_line("\nTrainable params: 131\n");
    expect_line("Non-trainable params: 0\n");
    expect_line("Layer (type)");
    expect_line("Output Shape");
    expect_line("Param #");
    expect_line("(None, 3, 10)"); /* targets all (mod3's default): every step */
    expect_line("Input: (None, 3, 1)");

    /* many-to-one, as Keras prints SimpleRNN(10) then Dense(1) */
    rc = run("summary --cell rnn --input 1 --steps 3 --hidden 10 --output 1 --no-bias-hh "
             "--targets last",
             "2>&1");
    assert_int_equal(rc, 0);
    expect_line("(None, 10) ");
    expect_line("(None, 1) ");
    expect_line("\nTotal params: 131\n");
}

/* lstm, two layers: 4H (in + H + 2) per layer, with H = 4:
 * 16 * (3 + 4 + 2) = 144, 16 * (4 + 4 + 2) = 160; head 4 * 3 + 3 = 15. */
static void test_lstm_two_layers(void **state)
{
    (void)state;
    assert_int_equal(run("summary --cell lstm --hidden 4 --layers 2", "2>&1"), 0);
    assert_int_equal(row_params("lstm_l0 (LSTM)"), 144);
    assert_int_equal(row_params("lstm_l1 (LSTM)"), 160);
    assert_int_equal(row_params("head (Dense)"), 15);
    expect_line("\nTotal params: 319\n");
    /* gru with both biases: 3H (in + H + 2) = 12 * 9 = 108, head 15 */
    assert_int_equal(run("summary --cell gru --hidden 4", "2>&1"), 0);
    assert_int_equal(row_params("gru_l0 (GRU)"), 108);
    expect_line("\nTotal params: 123\n");
}

/* Bad flags: nothing on stdout, one line on stderr, exit status 2. */
static void test_bad_flags(void **state)
{
    (void)state;
    static const struct {
        const char *args, *line;
    } cases[] = {
        {"summary --hiden 3",
         "rnnviz summary: unknown option '--hiden' (did you mean '--hidden'?)\n"},
        {"summary --hidden 0",
         "rnnviz summary: bad value '0' for hidden: expected an integer from 1 to 1024\n"},
        {"summary --hidden", "rnnviz summary: missing value for --hidden: expected an integer "
                             "from 1 to 1024\n"},
        {"summary --cell gru --no-bias-hh",
         "rnnviz summary: bias_hh false is allowed for rnn and lstm only\n"},
        {"summary --model", "rnnviz summary: missing value for --model\n"},
        {"summary --model m.json --hidden 3",
         "rnnviz summary: --hidden cannot be combined with --model (the file fixes it)\n"},
        {"train --iters 0",
         "rnnviz train: bad value '0' for --iters: expected an integer from 1 to 100000000\n"},
        {"train --spectral-radius nan",
         "rnnviz train: bad value 'nan' for spectral_radius: expected a number from 0 to 1000\n"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        assert_int_equal(run(cases[k].args, "2>&1 >/dev/null"), 2);
        if (strcmp(out, cases[k].line))
            fail_msg("%s:\n got '%s'\nwant '%s'", cases[k].args, out, cases[k].line);
        assert_int_equal(run(cases[k].args, "2>/dev/null"), 2);
        assert_string_equal(out, "");
    }
    assert_int_equal(run("summary --model /nonexistent/m.json", "2>&1 >/dev/null"), 1);
    expect_line("/nonexistent/m.json");
}

/* train writes its CSV (header and one row per iteration) and a model
 * file that summary reads back with the same counts. */
static void test_train_save_summary(void **state)
{
    (void)state;
    char dir[] = "/tmp/rnnviz_cli_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char args[2048], model[64], csv[64];
    snprintf(model, sizeof model, "%s/m.json", dir);
    snprintf(csv, sizeof csv, "%s/log.csv", dir);
    snprintf(args, sizeof args,
             "train --task mod3 --hidden 6 --layers 2 --steps 4 --iters 7 --seed 3 --quiet "
             "--save '%s' --csv '%s'",
             model, csv);
    int rc = run(args, "2>&1");
    if (rc != 0)
        fail_msg("train failed (%d):\n%s", rc, out);
    expect_line("iterations: 7\n");
    expect_line("final loss: ");
    expect_line("task accuracy: ");

    FILE *f = fopen(csv, "r");
    assert_non_null(f);
    char line[4096];
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "iteration,loss,grad_norm,grad_h_l0_t0,grad_h_l0_t1,grad_h_l0_t2,"
                              "grad_h_l0_t3,grad_h_l1_t0,grad_h_l1_t1,grad_h_l1_t2,"
                              "grad_h_l1_t3\n");
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        rows++;
        assert_int_equal(atoi(line), rows);
        int commas = 0;
        for (char *c = line; *c; c++)
            commas += *c == ',';
        assert_int_equal(commas, 10);
    }
    fclose(f);
    assert_int_equal(rows, 7);

    /* rnn H 6, two layers: 6*3 + 36 + 12 = 66, 36 + 36 + 12 = 84; head 6*3 + 3 = 21 */
    snprintf(args, sizeof args, "summary --model '%s' --steps 4", model);
    rc = run(args, "2>&1");
    if (rc != 0)
        fail_msg("summary --model failed (%d):\n%s", rc, out);
    assert_int_equal(row_params("rnn_l0 (SimpleRNN)"), 66);
    assert_int_equal(row_params("rnn_l1 (SimpleRNN)"), 84);
    assert_int_equal(row_params("head (Dense)"), 21);
    expect_line("\nTotal params: 171\n");
    expect_line("Model: \"m.json\"");
    unlink(model);
    unlink(csv);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_rnn_131),
        cmocka_unit_test(test_lstm_two_layers),
        cmocka_unit_test(test_bad_flags),
        cmocka_unit_test(test_train_save_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
