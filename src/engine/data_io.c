/*
 * Data files (see data_io.h). The JSON rules (syntax, keys, shapes,
 * finite numbers, integer class indices) are model_io.c's strict reader.
 */
#include "data_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h> /* cJSON_Version */

#include "json_strict.h"
#include "model_io.h"

struct DataFile {
    NetBatch batch;
    double *x;    /* (B, T, I) */
    int *classes; /* (B, T) or (B, 1) */
    double *y;    /* (B, T, O) or (B, 1, O) */
    double *h0;   /* (L, B, H) */
    double *c0;   /* (L, B, H) */
};

void datafile_destroy(DataFile *d)
{
    if (!d)
        return;
    free(d->x);
    free(d->classes);
    free(d->y);
    free(d->h0);
    free(d->c0);
    free(d);
}

const NetBatch *datafile_batch(const DataFile *d)
{
    return &d->batch;
}

static const char *const cell_names[] = {"rnn", "gru", "lstm"};

static int check_header(const SJson *doc, const NetConfig *cfg, NetError *err)
{
    static const char *const known[] = {"format", "version", "inputs", "targets", "h0", "c0", NULL};
    const cJSON *root = sjson_root(doc);
    if (sjson_check_format(doc, "rnnviz-data", err) < 0)
        return NET_ERR_FORMAT;
    if (sjson_check_keys(doc, root, NULL, known, err) < 0)
        return NET_ERR_FORMAT;
    if (!sjson_get(root, "inputs"))
        return sjson_fail(doc, err, NULL, "missing key 'inputs'");
    if (!sjson_get(root, "targets"))
        return sjson_fail(doc, err, NULL, "missing key 'targets'");
    if (sjson_get(root, "c0") && cfg->cell != NET_CELL_LSTM)
        return sjson_fail(doc, err, "c0", "allowed with cell \"lstm\" only, not \"%s\"",
                          cell_names[cfg->cell]);
    return 0;
}

/* B and T come from the inputs themselves. */
static int batch_dims(const SJson *doc, const cJSON *inputs, int *B, int *T, NetError *err)
{
    int dims[3] = {0, 0, 0};
    int r = sjson_shape(doc, inputs, dims, 3);
    if (r == 0)
        return sjson_fail(doc, err, "inputs", "expected a B x T x I array, got %s",
                          sjson_kind(inputs));
    if (dims[0] == 0)
        return sjson_fail(doc, err, "inputs", "empty batch (B must be at least 1)");
    if (dims[0] > NET_MAX_BATCH)
        return sjson_fail(doc, err, "inputs", "batch of %d is beyond the limit of %d", dims[0],
                          NET_MAX_BATCH);
    if (r < 2) {
        char got[96];
        sjson_describe_shape(doc, inputs, 4, got, sizeof got);
        return sjson_fail(doc, err, "inputs", "expected a B x T x I array, got %s", got);
    }
    if (dims[1] == 0)
        return sjson_fail(doc, err, "inputs", "empty sequence (T must be at least 1)");
    if (dims[1] > NET_MAX_STEPS)
        return sjson_fail(doc, err, "inputs", "%d steps are beyond the limit of %d", dims[1],
                          NET_MAX_STEPS);
    *B = dims[0];
    *T = dims[1];
    return 0;
}

/* A network that runs this batch whole (as grads does) must fit the
 * memory cap: refused here, before the numbers are read. */
static int check_fits(const SJson *doc, const NetConfig *cfg, int B, int T, NetError *err)
{
    NetConfig c = *cfg;
    c.max_batch = B;
    c.max_steps = T;
    size_t bytes = net_config_bytes(&c);
    if (bytes <= NET_MAX_BYTES)
        return 0;
    return sjson_fail(doc, err, "inputs",
                      "a batch of %d x %d steps needs %.1f GiB of network buffers, beyond the "
                      "limit of %.0f GiB",
                      B, T, (double)bytes / (1 << 30), (double)NET_MAX_BYTES / (1 << 30));
}

static double *alloc_doubles(const SJson *doc, size_t n, NetError *err)
{
    double *p = malloc(n * sizeof *p);
    if (!p)
        sjson_fail(doc, err, NULL, "out of memory");
    return p;
}

static int read_targets(const SJson *doc, const NetConfig *cfg, DataFile *d, NetError *err)
{
    const cJSON *node = sjson_get(sjson_root(doc), "targets");
    int B = d->batch.B, Tt = cfg->targets == NET_TARGETS_ALL ? d->batch.T : 1;
    int O = cfg->output_size;
    if (cfg->loss == NET_LOSS_SOFTMAX_CE) {
        int dims[2] = {B, Tt};
        d->classes = malloc((size_t)B * (size_t)Tt * sizeof *d->classes);
        if (!d->classes)
            return sjson_fail(doc, err, NULL, "out of memory");
        return sjson_classes(doc, node, "targets", 2, dims, O, d->classes, err);
    }
    int dims[3] = {B, Tt, O};
    d->y = alloc_doubles(doc, (size_t)B * (size_t)Tt * (size_t)O, err);
    if (!d->y)
        return NET_ERR_NOMEM;
    return sjson_tensor(doc, node, "targets", 3, dims, d->y, err);
}

static int read_state(const SJson *doc, const NetConfig *cfg, const char *key, int B, double **out,
                      NetError *err)
{
    const cJSON *node = sjson_get(sjson_root(doc), key);
    if (!node)
        return 0;
    int dims[3] = {cfg->num_layers, B, cfg->hidden_size};
    *out = alloc_doubles(doc, (size_t)dims[0] * (size_t)dims[1] * (size_t)dims[2], err);
    if (!*out)
        return NET_ERR_NOMEM;
    return sjson_tensor(doc, node, key, 3, dims, *out, err);
}

static int read_data(const SJson *doc, const NetConfig *cfg, DataFile *d, NetError *err)
{
    const cJSON *inputs = sjson_get(sjson_root(doc), "inputs");
    int B = 0, T = 0;
    if (check_header(doc, cfg, err) < 0 || batch_dims(doc, inputs, &B, &T, err) < 0 ||
        check_fits(doc, cfg, B, T, err) < 0)
        return NET_ERR_FORMAT;
    int dims[3] = {B, T, cfg->input_size};
    d->x = alloc_doubles(doc, (size_t)B * (size_t)T * (size_t)cfg->input_size, err);
    if (!d->x || sjson_tensor(doc, inputs, "inputs", 3, dims, d->x, err) < 0)
        return NET_ERR_FORMAT;
    d->batch.B = B;
    d->batch.T = T;
    if (read_targets(doc, cfg, d, err) < 0 || read_state(doc, cfg, "h0", B, &d->h0, err) < 0 ||
        read_state(doc, cfg, "c0", B, &d->c0, err) < 0)
        return NET_ERR_FORMAT;
    d->batch.x = d->x;
    d->batch.classes = d->classes;
    d->batch.y = d->y;
    d->batch.h0 = d->h0;
    d->batch.c0 = d->c0;
    return 0;
}

/* The data in doc (destroyed here). */
static DataFile *data_from_doc(SJson *doc, const NetConfig *cfg, NetError *err)
{
    if (!doc)
        return NULL;
    DataFile *d = calloc(1, sizeof *d);
    if (!d) {
        sjson_fail(doc, err, NULL, "out of memory");
        sjson_destroy(doc);
        return NULL;
    }
    if (read_data(doc, cfg, d, err) < 0) {
        datafile_destroy(d);
        d = NULL;
    }
    sjson_destroy(doc);
    return d;
}

DataFile *datafile_parse(const char *text, size_t len, const char *name_for_messages,
                         const NetConfig *cfg, NetError *err)
{
    return data_from_doc(sjson_parse(text, len, name_for_messages, err), cfg, err);
}

size_t datafile_max_bytes(const NetConfig *cfg)
{
    size_t BT = (size_t)NET_MAX_BATCH * NET_MAX_STEPS;
    size_t per_target = cfg->loss == NET_LOSS_MSE ? (size_t)cfg->output_size : 1;
    size_t states = 2 * (size_t)cfg->num_layers * NET_MAX_BATCH * (size_t)cfg->hidden_size;
    size_t numbers = BT * (size_t)cfg->input_size + BT * per_target + states;
    return numbers * FILE_BYTES_PER_NUMBER + FILE_BYTES_SLACK;
}

DataFile *datafile_load(const char *path, const NetConfig *cfg, NetError *err)
{
    char limit[200];
    snprintf(limit, sizeof limit,
             "B = %d, T = %d for this model's sizes, at most %d bytes a number on average",
             NET_MAX_BATCH, NET_MAX_STEPS, FILE_BYTES_PER_NUMBER);
    return data_from_doc(sjson_load(path, datafile_max_bytes(cfg), limit, err), cfg, err);
}

const char *data_io_json_version(void)
{
    return cJSON_Version();
}
