/* libFuzzer harness for model files: the input is the whole file, given
 * to modelfile_parse. Built and run by scripts/fuzz.sh; replayed by
 * tests/test_fuzz_corpus.c (which includes this file, FUZZ_NO_ENTRY).
 *
 * The contract checked: a refusal is one line starting "fuzz.json:"; an
 * accepted file gives a configuration net_create takes, its parameters
 * apply to that network (finite, since the loader refuses others), and a
 * forward and backward pass on a tiny batch run without an engine error. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "model_io.h"
#include "net.h"

/* One row of two steps of zeros, class 0 or target 0, through net. */
static void fuzz_model_pass(Net *net)
{
    const NetConfig *cfg = net_config(net);
    static double x[2 * NET_MAX_SIZE], y[2 * NET_MAX_SIZE];
    static int classes[2];
    NetBatch b = {.B = 1, .T = 2, .x = x};
    if (cfg->loss == NET_LOSS_SOFTMAX_CE)
        b.classes = classes;
    else
        b.y = y;
    NetError err = {{0}};
    if (net_bind(net, &b, &err) != 0)
        FUZZ_FAIL("model: a tiny batch does not bind: %s", err.msg);
    net_zero_grad(net);
    if (net_forward(net) != 0 || net_backward(net) != 0)
        FUZZ_FAIL("model: a pass failed: %s", net_last_error(net));
}

/* 0 when the file was accepted (and checked), -1 with msg when refused. */
static int fuzz_model_run(const uint8_t *data, size_t size, char *msg, size_t cap)
{
    NetError err = {{0}};
    ModelFile *m = modelfile_parse((const char *)data, size, "fuzz.json", &err);
    if (!m) {
        fuzz_check_message("model", err.msg, "fuzz.json");
        snprintf(msg, cap, "%s", err.msg);
        return -1;
    }
    NetConfig cfg = *modelfile_config(m);
    cfg.max_batch = 1;
    cfg.max_steps = 2;
    Net *net = net_create(&cfg, &err);
    if (!net)
        FUZZ_FAIL("model: an accepted file's network is refused: %s", err.msg);
    if (modelfile_apply(m, net, &err) != 0)
        FUZZ_FAIL("model: an accepted file does not apply: %s", err.msg);
    const double *p = net_params_const(net);
    for (size_t i = 0; i < net_num_params(net); i++)
        if (!isfinite(p[i]))
            FUZZ_FAIL("model: parameter %zu is not finite after loading", i);
    fuzz_model_pass(net);
    net_destroy(net);
    modelfile_destroy(m);
    snprintf(msg, cap, "ok");
    return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char msg[600];
    fuzz_model_run(data, size, msg, sizeof msg);
    return 0;
}
#endif
