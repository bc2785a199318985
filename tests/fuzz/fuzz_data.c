/* libFuzzer harness for data files: the input is the whole file, given to
 * datafile_parse for each of a few network configurations (the ones of
 * tests/fixtures plus a GRU and an MSE-every-step one). Built and run by
 * scripts/fuzz.sh; replayed by tests/test_fuzz_corpus.c (FUZZ_NO_ENTRY).
 *
 * The contract checked: a refusal is one line starting "fuzz.json:"; an
 * accepted batch has 1 <= B <= NET_MAX_BATCH and 1 <= T <= NET_MAX_STEPS,
 * finite inputs, binds to a network of exactly that capacity, and a
 * forward and backward pass run on it without an engine error. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data_io.h"
#include "fuzz_check.h"
#include "net.h"

/* cell, act, I, H, L, O, loss, targets, bias_hh (capacity set per batch) */
static const NetConfig fuzz_data_cfgs[] = {
    {NET_CELL_RNN, NET_ACT_TANH, 1, 2, 1, 3, NET_LOSS_SOFTMAX_CE, NET_TARGETS_ALL, true, 0, 0},
    {NET_CELL_LSTM, NET_ACT_TANH, 2, 1, 2, 1, NET_LOSS_MSE, NET_TARGETS_LAST, false, 0, 0},
    {NET_CELL_GRU, NET_ACT_TANH, 2, 3, 1, 4, NET_LOSS_SOFTMAX_CE, NET_TARGETS_LAST, true, 0, 0},
    {NET_CELL_RNN, NET_ACT_RELU, 1, 2, 2, 2, NET_LOSS_MSE, NET_TARGETS_ALL, true, 0, 0},
};
#define FUZZ_DATA_NCFG ((int)(sizeof fuzz_data_cfgs / sizeof fuzz_data_cfgs[0]))

static void fuzz_data_check(const DataFile *d, const NetConfig *base, int k)
{
    const NetBatch *b = datafile_batch(d);
    if (!b || b->B < 1 || b->B > NET_MAX_BATCH || b->T < 1 || b->T > NET_MAX_STEPS || !b->x)
        FUZZ_FAIL("data (config %d): accepted a batch of %d x %d", k, b ? b->B : -1, b ? b->T : -1);
    if ((base->loss == NET_LOSS_SOFTMAX_CE) != (b->classes != NULL) ||
        (base->loss == NET_LOSS_MSE) != (b->y != NULL))
        FUZZ_FAIL("data (config %d): targets of the wrong kind for the loss", k);
    size_t nx = (size_t)b->B * (size_t)b->T * (size_t)base->input_size;
    for (size_t i = 0; i < nx; i++)
        if (!isfinite(b->x[i]))
            FUZZ_FAIL("data (config %d): inputs[%zu] is not finite", k, i);
    NetConfig cfg = *base;
    cfg.max_batch = b->B;
    cfg.max_steps = b->T;
    NetError err = {{0}};
    Net *net = net_create(&cfg, &err);
    if (!net)
        FUZZ_FAIL("data (config %d): no network for the batch: %s", k, err.msg);
    if (net_bind(net, b, &err) != 0)
        FUZZ_FAIL("data (config %d): an accepted batch does not bind: %s", k, err.msg);
    net_zero_grad(net);
    if (net_forward(net) != 0 || net_backward(net) != 0)
        FUZZ_FAIL("data (config %d): a pass failed: %s", k, net_last_error(net));
    net_destroy(net);
}

/* 0 when some configuration accepted the file, -1 with the last refusal's
 * message in msg when none did. */
static int fuzz_data_run(const uint8_t *data, size_t size, char *msg, size_t cap)
{
    int accepted = 0;
    snprintf(msg, cap, "ok");
    for (int k = 0; k < FUZZ_DATA_NCFG; k++) {
        NetError err = {{0}};
        DataFile *d =
            datafile_parse((const char *)data, size, "fuzz.json", &fuzz_data_cfgs[k], &err);
        if (!d) {
            fuzz_check_message("data", err.msg, "fuzz.json");
            if (!accepted)
                snprintf(msg, cap, "%s", err.msg);
            continue;
        }
        fuzz_data_check(d, &fuzz_data_cfgs[k], k);
        datafile_destroy(d);
        if (!accepted)
            snprintf(msg, cap, "ok (config %d)", k);
        accepted++;
    }
    return accepted ? 0 : -1;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char msg[600];
    fuzz_data_run(data, size, msg, sizeof msg);
    return 0;
}
#endif
