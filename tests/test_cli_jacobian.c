/* `rnnviz jacobian` run as a user runs it, through RNNVIZ_BIN: its numbers
 * equal the engine's (jac_compute on the same files, in this process) to
 * the printed digit, J_{T-1} is the identity, and bad arguments give one
 * line and the documented exit status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "data_io.h"
#include "jacobian.h"
#include "la.h"
#include "model_io.h"
#include "net.h"

#define MODEL RNNVIZ_FIXTURES_DIR "/model_rnn_ce.json"
#define DATA RNNVIZ_FIXTURES_DIR "/data_rnn_ce.json"

static char out[1 << 16];

static int run(const char *args)
{
    const char *bin = getenv("RNNVIZ_BIN");
    if (!bin)
        fail_msg("RNNVIZ_BIN is not set");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' jacobian %s 2>&1", bin, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* The line "key": [a, b, ...] of the output, as printed. */
static void expect_series(const char *key, const double *want, int n)
{
    char expect[2048], num[40];
    int used = snprintf(expect, sizeof expect, "\"%s\": [", key);
    for (int k = 0; k < n; k++) {
        snprintf(num, sizeof num, "%s%.17g", k ? ", " : "", want[k]);
        used += snprintf(expect + used, sizeof expect - (size_t)used, "%s", num);
    }
    snprintf(expect + used, sizeof expect - (size_t)used, "]");
    if (!strstr(out, expect))
        fail_msg("missing '%s' in:\n%s", expect, out);
}

static void test_matches_engine(void **state)
{
    (void)state;
    assert_int_equal(run("--model " MODEL " --data " DATA " --row 1"), 0);
    NetError err = {""};
    ModelFile *m = modelfile_load(MODEL, &err);
    DataFile *d = datafile_load(DATA, modelfile_config(m), &err);
    NetConfig cfg = *modelfile_config(m);
    cfg.max_batch = 2;
    cfg.max_steps = 3;
    Net *net = net_create(&cfg, &err);
    assert_int_equal(modelfile_apply(m, net, &err), 0);
    assert_int_equal(net_bind(net, datafile_batch(d), &err), 0);
    assert_int_equal(net_forward(net), 0);
    assert_int_equal(net_backward(net), 0);
    JacWork *w = jac_create(NET_CELL_RNN, 2, 3);
    assert_int_equal(jac_compute(w, net, 0, 1), 0);
    double norm[3], small[3], step[2], grad[3];
    for (int t = 0; t < 3; t++) {
        norm[t] = jac_product_sv(w, t)[0];
        small[t] = jac_product_sv(w, t)[1];
        grad[t] = la_norm(net_dh(net, 0, t) + 2, 2);
    }
    for (int t = 0; t < 2; t++)
        step[t] = jac_step_sv(w, t)[0];
    assert_true(norm[2] == 1.0 && small[2] == 1.0);
    expect_series("norm", norm, 3);
    expect_series("smallest", small, 3);
    expect_series("step_norm", step, 2);
    expect_series("grad_h", grad, 3);
    expect_series("distance", (const double[]){2, 1, 0}, 3);
    assert_non_null(strstr(out, "\"row\": 1"));
    jac_destroy(w);
    net_destroy(net);
    datafile_destroy(d);
    modelfile_destroy(m);
}

static void expect_refusal(const char *args, int status, const char *part)
{
    int rc = run(args);
    if (rc != status || !strstr(out, part))
        fail_msg("jacobian %s: exit %d (want %d), printed '%s' (want '%s')", args, rc, status, out,
                 part);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    expect_refusal("--model " MODEL, 2, "missing --data");
    expect_refusal("--data " DATA, 2, "missing --model");
    expect_refusal("--model " MODEL " --data " DATA " --row 2", 1, "--row 2: the batch has 2");
    expect_refusal("--model " MODEL " --data " DATA " --layer 1", 1, "the model has 1 layer");
    expect_refusal("--model " MODEL " --data " DATA " --layer x", 2, "--layer needs an integer");
    expect_refusal("--model " MODEL " --data " DATA " --bogus", 2, "unknown option");
    expect_refusal("--model nope.json --data " DATA, 1, "nope.json");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_engine),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
