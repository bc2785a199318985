/* Honest output: every command checks its writes to stdout (a full disk,
 * simulated with /dev/full, is an error, not exit 0); `grads` writes valid
 * JSON also when a finite model overflows (null plus "nonfinite": N); CSV
 * spells non-finite values nan, inf, -inf; `train --csv -` streams the log
 * to stdout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csv_num.h"

static char dir[256];
static char out_text[1 << 20], err_text[1 << 16];

static void slurp_into(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, cap - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
}

/* Runs `rnnviz ARGS >STDOUT` in dir; the exit status, stdout (when not
 * /dev/full) and stderr kept. */
static int run(const char *args, const char *stdout_path)
{
    const char *bin = getenv("RNNVIZ_BIN");
    if (!bin)
        fail_msg("RNNVIZ_BIN is not set");
    char cmd[4096], out_path[512], err_path[512];
    snprintf(out_path, sizeof out_path, "%s/out.txt", dir);
    snprintf(err_path, sizeof err_path, "%s/err.txt", dir);
    snprintf(cmd, sizeof cmd, "cd '%s' && timeout 60 '%s' %s >'%s' 2>'%s'", dir, bin, args,
             stdout_path ? stdout_path : out_path, err_path);
    int status = system(cmd);
    slurp_into(out_path, out_text, sizeof out_text);
    slurp_into(err_path, err_text, sizeof err_text);
    unlink(out_path);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void put(const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/rnnviz-output-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Each command, its output on a full disk: exit 1 and one line that says
 * why (ENOSPC). */
static void test_full_disk(void **state)
{
    (void)state;
    const char *cmds[] = {
        "--help",
        "--version",
        "summary",
        "train --iters 3 --quiet",
        "train --help",
        "lessons",
        "check-lesson " RNNVIZ_FIXTURES_DIR "/lesson_full.md",
        "grads --model " RNNVIZ_FIXTURES_DIR "/model_rnn_ce.json --data " RNNVIZ_FIXTURES_DIR
        "/data_rnn_ce.json",
        "grads --help",
        "render --help",
        "summary --help",
    };
    for (size_t k = 0; k < sizeof cmds / sizeof cmds[0]; k++) {
        int rc = run(cmds[k], "/dev/full");
        if (rc != 1)
            fail_msg("rnnviz %s >/dev/full: exit %d, expected 1", cmds[k], rc);
        int lines = 0;
        for (const char *p = err_text; *p; p++)
            lines += *p == '\n';
        if (lines != 1 || !strstr(err_text, strerror(ENOSPC)))
            fail_msg("rnnviz %s >/dev/full: stderr '%s' is not one line saying why", cmds[k],
                     err_text);
        /* and the same command to a real file succeeds */
        assert_int_equal(run(cmds[k], NULL), 0);
        assert_true(strlen(out_text) > 0);
    }
}

/* A finite model that overflows: relu with weights 1e300 makes y = +Inf
 * and the gradients NaN. The output is still JSON, with nulls counted. */
static void test_grads_overflow_is_json(void **state)
{
    (void)state;
    put("big.json", "{\"format\": \"rnnviz-model\", \"version\": 1, \"cell\": \"rnn\", "
                    "\"nonlinearity\": \"relu\", \"input_size\": 1, \"hidden_size\": 1, "
                    "\"num_layers\": 1, \"output_size\": 1, \"loss\": \"mse\", "
                    "\"targets\": \"all\", \"params\": {\"weight_ih_l0\": [[1e300]], "
                    "\"weight_hh_l0\": [[1e300]], \"bias_ih_l0\": [0], \"bias_hh_l0\": [0], "
                    "\"head.weight\": [[1e300]], \"head.bias\": [0]}}");
    put("big_data.json", "{\"format\": \"rnnviz-data\", \"version\": 1, "
                         "\"inputs\": [[[1], [1]]], \"targets\": [[[0], [0]]]}");
    int rc = run("grads --model big.json --data big_data.json", NULL);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err_text);
    assert_null(strstr(out_text, "nan"));
    assert_null(strstr(out_text, "inf"));
    assert_null(strstr(out_text, "Infinity"));
    cJSON *j = cJSON_Parse(out_text);
    if (!j)
        fail_msg("not JSON:\n%.2000s", out_text);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "loss")));
    const cJSON *n = cJSON_GetObjectItem(j, "nonfinite");
    assert_non_null(n);
    /* count the nulls: they must match */
    int nulls = 0;
    for (const char *p = out_text; (p = strstr(p, "null")); p += 4)
        nulls++;
    assert_int_equal((int)cJSON_GetNumberValue(n), nulls);
    assert_true(nulls > 1);
    cJSON_Delete(j);
    /* a finite run has no "nonfinite" key */
    rc = run("grads --model " RNNVIZ_FIXTURES_DIR "/model_rnn_ce.json --data " RNNVIZ_FIXTURES_DIR
             "/data_rnn_ce.json",
             NULL);
    assert_int_equal(rc, 0);
    assert_null(strstr(out_text, "nonfinite"));
    assert_null(strstr(out_text, "null"));
}

static void test_csv_spelling(void **state)
{
    (void)state;
    char buf[CSV_NUM_CAP];
    assert_string_equal(csv_num(NAN, buf), "nan");
    assert_string_equal(csv_num(-NAN, buf), "nan");
    assert_string_equal(csv_num(INFINITY, buf), "inf");
    assert_string_equal(csv_num(-INFINITY, buf), "-inf");
    assert_string_equal(csv_num(0.1, buf), "0.10000000000000001");
    assert_string_equal(csv_num(-2, buf), "-2");
}

/* --csv -: the log on stdout (header, one row per iteration), the summary
 * on stderr. */
static void test_train_csv_stdout(void **state)
{
    (void)state;
    int rc = run("train --iters 3 --quiet --steps 4 --layers 1 --csv -", NULL);
    assert_int_equal(rc, 0);
    assert_true(!strncmp(out_text, "iteration,loss,grad_norm,grad_h_l0_t0,", 38));
    int lines = 0;
    for (const char *p = out_text; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 4);
    assert_non_null(strstr(err_text, "final loss"));
}

/* More lessons than any fixed list held (64 before): all are listed. */
static void test_lessons_not_capped(void **state)
{
    (void)state;
    char sub[512], name[600];
    snprintf(sub, sizeof sub, "%s/many", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    for (int k = 0; k < 150; k++) {
        snprintf(name, sizeof name, "many/l%03d.md", k);
        put(name, "# A lesson\n\n## Step\n\n```rnnviz\nforward 1\n```\n");
    }
    setenv("RNNVIZ_LESSONS", sub, 1);
    int rc = run("lessons", NULL);
    unsetenv("RNNVIZ_LESSONS");
    assert_int_equal(rc, 0);
    int lines = 0;
    for (const char *p = out_text; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 150);
    assert_non_null(strstr(out_text, "l149.md"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_disk),          cmocka_unit_test(test_grads_overflow_is_json),
        cmocka_unit_test(test_csv_spelling),       cmocka_unit_test(test_train_csv_stdout),
        cmocka_unit_test(test_lessons_not_capped),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
