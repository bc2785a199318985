/*
 * Model files (see model_io.h): the header, the parameter list the
 * contract expects for it, and the parameters read straight from the
 * text by the strict JSON reader (json_strict.h); and the writer.
 */
#include "model_io.h"
#include "atomic_file.h"
#include "json_strict.h"
#include "suggest.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TENSORS (4 * NET_MAX_LAYERS + 2)
#define SHOW_CHARS SJSON_SHOW_CHARS

/* ---- the model file ------------------------------------------------------------------ */

/* One parameter tensor as the file holds it. */
typedef struct {
    char name[32];
    int rank; /* 1 for biases, 2 for weights */
    int rows, cols;
    size_t offset; /* into values */
} Tensor;

struct ModelFile {
    char *name;
    NetConfig cfg;
    int n_tensors;
    Tensor tensors[MAX_TENSORS];
    size_t n_values;
    double *values;
};

static const char *const cell_names[] = {"rnn", "gru", "lstm", NULL};
static const char *const act_names[] = {"tanh", "relu", NULL};
static const char *const loss_names[] = {"softmax_ce", "mse", NULL};
static const char *const target_names[] = {"all", "last", NULL};

/* The contract's parameter list for cfg, in file (and PyTorch) order. */
static int expected_tensors(const NetConfig *cfg, Tensor *out)
{
    int GH = net_gate_count(cfg->cell) * cfg->hidden_size, H = cfg->hidden_size, n = 0;
    size_t off = 0;
    for (int l = 0; l < cfg->num_layers; l++) {
        int in = l == 0 ? cfg->input_size : H;
        const struct {
            const char *fmt;
            int rank, rows, cols;
        } t[4] = {{"weight_ih_l%d", 2, GH, in},
                  {"weight_hh_l%d", 2, GH, H},
                  {"bias_ih_l%d", 1, GH, 1},
                  {"bias_hh_l%d", 1, GH, 1}};
        for (int k = 0; k < (cfg->bias_hh ? 4 : 3); k++) {
            Tensor *p = &out[n++];
            snprintf(p->name, sizeof p->name, t[k].fmt, l);
            p->rank = t[k].rank, p->rows = t[k].rows, p->cols = t[k].cols, p->offset = off;
            off += (size_t)p->rows * (size_t)p->cols;
        }
    }
    out[n] = (Tensor){"head.weight", 2, cfg->output_size, H, off};
    off += (size_t)cfg->output_size * (size_t)H;
    n++;
    out[n] = (Tensor){"head.bias", 1, cfg->output_size, 1, off};
    n++;
    return n;
}

static int parse_sizes(const SJson *doc, NetConfig *cfg, NetError *err)
{
    const cJSON *root = sjson_root(doc);
    const struct {
        const char *key;
        int *out;
        int limit;
    } sizes[] = {{"input_size", &cfg->input_size, NET_MAX_SIZE},
                 {"hidden_size", &cfg->hidden_size, NET_MAX_SIZE},
                 {"num_layers", &cfg->num_layers, NET_MAX_LAYERS},
                 {"output_size", &cfg->output_size, NET_MAX_SIZE}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        if (sjson_int(doc, sjson_get(root, sizes[k].key), sizes[k].key, 1, sizes[k].limit,
                      sizes[k].out, err) < 0)
            return NET_ERR_FORMAT;
    return 0;
}

/* "bias_hh": true (the default) or false (rnn and lstm only). */
static int parse_bias_hh(const SJson *doc, const cJSON *root, NetConfig *cfg, NetError *err)
{
    const cJSON *bias = sjson_get(root, "bias_hh");
    cfg->bias_hh = true;
    if (bias && !cJSON_IsBool(bias))
        return sjson_fail(doc, err, "bias_hh", "expected true or false, got %s", sjson_kind(bias));
    if (bias && cJSON_IsFalse(bias)) {
        if (cfg->cell == NET_CELL_GRU)
            return sjson_fail(doc, err, "bias_hh",
                              "false is allowed with cell \"rnn\" or \"lstm\" only, not "
                              "\"gru\"");
        cfg->bias_hh = false;
    }
    return 0;
}

static int parse_header(const SJson *doc, NetConfig *out, NetError *err)
{
    static const char *const known[] = {"format",     "version",     "cell",       "nonlinearity",
                                        "input_size", "hidden_size", "num_layers", "output_size",
                                        "loss",       "targets",     "bias_hh",    "params",
                                        NULL};
    static const char *const required[] = {"cell",       "input_size",  "hidden_size",
                                           "num_layers", "output_size", "loss",
                                           "targets",    "params",      NULL};
    const cJSON *root = sjson_root(doc);
    NetConfig cfg = {0};
    int v;
    if (sjson_check_format(doc, "rnnviz-model", err) < 0 ||
        sjson_check_keys(doc, root, NULL, known, err) < 0)
        return NET_ERR_FORMAT;
    for (int k = 0; required[k]; k++)
        if (!sjson_get(root, required[k]))
            return sjson_fail(doc, err, NULL, "missing key '%s'", required[k]);

    if (sjson_choice(doc, sjson_get(root, "cell"), "cell", cell_names, &v, err) < 0)
        return NET_ERR_FORMAT;
    cfg.cell = (NetCell)v;
    const cJSON *act = sjson_get(root, "nonlinearity");
    cfg.act = NET_ACT_TANH;
    if (act && cfg.cell != NET_CELL_RNN)
        return sjson_fail(doc, err, "nonlinearity", "allowed with cell \"rnn\" only, not \"%s\"",
                          cell_names[cfg.cell]);
    if (act) {
        if (sjson_choice(doc, act, "nonlinearity", act_names, &v, err) < 0)
            return NET_ERR_FORMAT;
        cfg.act = (NetAct)v;
    }
    if (parse_sizes(doc, &cfg, err) < 0)
        return NET_ERR_FORMAT;
    if (sjson_choice(doc, sjson_get(root, "loss"), "loss", loss_names, &v, err) < 0)
        return NET_ERR_FORMAT;
    cfg.loss = (NetLoss)v;
    if (sjson_choice(doc, sjson_get(root, "targets"), "targets", target_names, &v, err) < 0)
        return NET_ERR_FORMAT;
    cfg.targets = (NetTargets)v;

    if (parse_bias_hh(doc, root, &cfg, err) < 0)
        return NET_ERR_FORMAT;

    /* The engine's own limits (total bytes too), before anything is allocated. */
    NetConfig probe = cfg;
    probe.max_batch = 1;
    probe.max_steps = 1;
    NetError net_err;
    if (net_config_check(&probe, &net_err) != NET_OK)
        return sjson_fail(doc, err, NULL, "%s", net_err.msg);
    *out = cfg;
    return 0;
}

/* A parameter name the contract knows but this configuration does not
 * have: say why instead of only "unknown". */
static const char *why_not_expected(const NetConfig *cfg, const char *key)
{
    static const char *const stems[] = {"weight_ih_l", "weight_hh_l", "bias_ih_l", "bias_hh_l"};
    for (int s = 0; s < 4; s++) {
        size_t n = strlen(stems[s]);
        if (strncmp(key, stems[s], n) || !isdigit((unsigned char)key[n]))
            continue;
        char *end;
        long l = strtol(key + n, &end, 10);
        if (*end || (key[n] == '0' && key[n + 1]))
            continue;
        if (l >= cfg->num_layers)
            return "num_layers is %d";
        if (s == 3 && !cfg->bias_hh)
            return "\"bias_hh\" is false";
    }
    return NULL;
}

static int parse_params(const SJson *doc, ModelFile *m, NetError *err)
{
    const cJSON *params = sjson_get(sjson_root(doc), "params");
    if (!cJSON_IsObject(params))
        return sjson_fail(doc, err, "params", "expected an object, got %s", sjson_kind(params));
    const char *known[MAX_TENSORS + 1];
    m->n_tensors = expected_tensors(&m->cfg, m->tensors);
    for (int k = 0; k < m->n_tensors; k++)
        known[k] = m->tensors[k].name;
    known[m->n_tensors] = NULL;

    char buf[SHOW_CHARS + 8], why[64];
    for (const cJSON *c = params->child; c; c = c->next) {
        const char *fmt = why_not_expected(&m->cfg, c->string);
        if (fmt) {
            snprintf(why, sizeof why, fmt, m->cfg.num_layers);
            return sjson_fail(doc, err, "params", "unknown key '%s' (%s)",
                              sjson_shown(buf, sizeof buf, c->string, strlen(c->string)), why);
        }
    }
    if (sjson_check_keys(doc, params, "params", known, err) < 0)
        return NET_ERR_FORMAT;
    for (int k = 0; k < m->n_tensors; k++)
        if (!sjson_get(params, known[k]))
            return sjson_fail(doc, err, "params", "missing key '%s'", known[k]);

    const Tensor *last = &m->tensors[m->n_tensors - 1];
    m->n_values = last->offset + (size_t)last->rows * (size_t)last->cols;
    m->values = malloc(m->n_values * sizeof *m->values);
    if (!m->values)
        return sjson_fail(doc, err, NULL, "out of memory reading the parameters");
    for (int k = 0; k < m->n_tensors; k++) {
        const Tensor *t = &m->tensors[k];
        char path[64];
        int dims[2] = {t->rows, t->cols};
        snprintf(path, sizeof path, "params.%s", t->name);
        if (sjson_tensor(doc, sjson_get(params, t->name), path, t->rank, dims,
                         m->values + t->offset, err) < 0)
            return NET_ERR_FORMAT;
    }
    return 0;
}

void modelfile_destroy(ModelFile *m)
{
    if (!m)
        return;
    free(m->values);
    free(m->name);
    free(m);
}

/* The model in doc (destroyed here). */
static ModelFile *model_from_doc(SJson *doc, NetError *err)
{
    if (!doc)
        return NULL;
    const char *name = sjson_name(doc);
    ModelFile *m = calloc(1, sizeof *m);
    if (m)
        m->name = malloc(strlen(name) + 1);
    if (!m || !m->name) {
        sjson_fail_name(err, name, NET_ERR_NOMEM, "out of memory");
        goto out_free;
    }
    strcpy(m->name, name);
    if (parse_header(doc, &m->cfg, err) < 0 || parse_params(doc, m, err) < 0)
        goto out_free;
    sjson_destroy(doc);
    return m;

out_free:
    modelfile_destroy(m);
    sjson_destroy(doc);
    return NULL;
}

ModelFile *modelfile_parse(const char *text, size_t len, const char *name_for_messages,
                           NetError *err)
{
    return model_from_doc(sjson_parse(text, len, name_for_messages, err), err);
}

size_t modelfile_max_bytes(void)
{
    NetConfig big = {.cell = NET_CELL_LSTM,
                     .input_size = NET_MAX_SIZE,
                     .hidden_size = NET_MAX_SIZE,
                     .output_size = NET_MAX_SIZE,
                     .num_layers = NET_MAX_LAYERS,
                     .bias_hh = true};
    Tensor ts[MAX_TENSORS];
    int n = expected_tensors(&big, ts);
    size_t numbers = ts[n - 1].offset + (size_t)ts[n - 1].rows * (size_t)ts[n - 1].cols;
    return numbers * FILE_BYTES_PER_NUMBER + FILE_BYTES_SLACK;
}

ModelFile *modelfile_load(const char *path, NetError *err)
{
    char limit[160];
    snprintf(limit, sizeof limit,
             "an lstm with I, H, O = %d, L = %d, at most %d bytes a number on average",
             NET_MAX_SIZE, NET_MAX_LAYERS, FILE_BYTES_PER_NUMBER);
    return model_from_doc(sjson_load(path, modelfile_max_bytes(), limit, err), err);
}

const NetConfig *modelfile_config(const ModelFile *m)
{
    return &m->cfg;
}

/* ---- applying to a network ------------------------------------------------------------ */

static int check_fits(const ModelFile *m, const NetConfig *nc, NetError *err)
{
    const NetConfig *mc = &m->cfg;
    const struct {
        const char *what;
        int model, net;
    } fields[] = {{"input_size", mc->input_size, nc->input_size},
                  {"hidden_size", mc->hidden_size, nc->hidden_size},
                  {"num_layers", mc->num_layers, nc->num_layers},
                  {"output_size", mc->output_size, nc->output_size}};
    if (mc->cell != nc->cell)
        return sjson_fail_name(err, m->name, NET_ERR_ARG,
                               "the model's cell %s does not match the network's %s",
                               net_cell_name(mc->cell), net_cell_name(nc->cell));
    if (mc->cell == NET_CELL_RNN && mc->act != nc->act)
        return sjson_fail_name(err, m->name, NET_ERR_ARG,
                               "the model's nonlinearity %s does not match the network's %s",
                               act_names[mc->act], act_names[nc->act]);
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
        if (fields[k].model != fields[k].net)
            return sjson_fail_name(err, m->name, NET_ERR_ARG,
                                   "the model's %s %d does not match the network's %d",
                                   fields[k].what, fields[k].model, fields[k].net);
    if (mc->bias_hh != nc->bias_hh)
        return sjson_fail_name(err, m->name, NET_ERR_ARG,
                               "the model's bias_hh %s does not match the network's %s",
                               mc->bias_hh ? "true" : "false", nc->bias_hh ? "true" : "false");
    return 0;
}

static const Tensor *find_tensor(const ModelFile *m, const char *name)
{
    for (int k = 0; k < m->n_tensors; k++)
        if (!strcmp(m->tensors[k].name, name))
            return &m->tensors[k];
    return NULL;
}

int modelfile_apply(const ModelFile *m, Net *net, NetError *err)
{
    if (check_fits(m, net_config(net), err) < 0)
        return NET_ERR_ARG;
    int n = net_param_count(net);
    if (n != m->n_tensors)
        return sjson_fail_name(err, m->name, NET_ERR_ARG,
                               "the network has %d parameter tensors, the model %d", n,
                               m->n_tensors);
    /* Check every tensor before copying any, so a refusal changes nothing. */
    for (int k = 0; k < n; k++) {
        const NetParam *p = net_param(net, k);
        const Tensor *t = find_tensor(m, p->name);
        if (!t || t->rows != p->rows || t->cols != p->cols)
            return sjson_fail_name(err, m->name, NET_ERR_ARG,
                                   "network parameter '%s' (%d x %d) has no match in the model",
                                   p->name, p->rows, p->cols);
    }
    double *dst = net_params(net);
    for (int k = 0; k < n; k++) {
        const NetParam *p = net_param(net, k);
        const Tensor *t = find_tensor(m, p->name);
        memcpy(dst + p->offset, m->values + t->offset,
               (size_t)t->rows * (size_t)t->cols * sizeof *dst);
    }
    return 0;
}

/* ---- saving ----------------------------------------------------------------------------- */

static int check_finite(const Net *net, const Tensor *ts, int n, const char *path, NetError *err)
{
    const double *v = net_params_const(net);
    for (int k = 0; k < n; k++) {
        const NetParam *p = net_param_find(net, ts[k].name);
        for (int r = 0; r < ts[k].rows; r++) {
            for (int c = 0; c < ts[k].cols; c++) {
                double x = v[p->offset + (size_t)r * (size_t)ts[k].cols + (size_t)c];
                if (isfinite(x))
                    continue;
                char where[96];
                if (ts[k].rank == 1)
                    snprintf(where, sizeof where, "params.%.31s[%d]", ts[k].name, r);
                else
                    snprintf(where, sizeof where, "params.%.31s[%d][%d]", ts[k].name, r, c);
                return sjson_fail_name(err, path, NET_ERR_ARG,
                                       "cannot save: %s is %s (JSON holds finite numbers only)",
                                       where,
                                       isnan(x) ? "NaN"
                                       : x > 0  ? "Infinity"
                                                : "-Infinity");
            }
        }
    }
    return 0;
}

static void write_row(FILE *f, const double *v, int n)
{
    fputc('[', f);
    for (int k = 0; k < n; k++)
        fprintf(f, "%s%.17g", k ? ", " : "", v[k]);
    fputc(']', f);
}

static void write_model(FILE *f, const Net *net, const Tensor *ts, int n)
{
    const NetConfig *c = net_config(net);
    fprintf(f, "{\n  \"format\": \"rnnviz-model\",\n  \"version\": 1,\n  \"cell\": \"%s\",\n",
            cell_names[c->cell]);
    if (c->cell == NET_CELL_RNN)
        fprintf(f, "  \"nonlinearity\": \"%s\",\n", act_names[c->act]);
    fprintf(f,
            "  \"input_size\": %d,\n  \"hidden_size\": %d,\n  \"num_layers\": %d,\n"
            "  \"output_size\": %d,\n  \"loss\": \"%s\",\n  \"targets\": \"%s\",\n"
            "  \"bias_hh\": %s,\n  \"params\": {\n",
            c->input_size, c->hidden_size, c->num_layers, c->output_size, loss_names[c->loss],
            target_names[c->targets], c->bias_hh ? "true" : "false");
    const double *v = net_params_const(net);
    for (int k = 0; k < n; k++) {
        const double *x = v + net_param_find(net, ts[k].name)->offset;
        fprintf(f, "    \"%s\": ", ts[k].name);
        if (ts[k].rank == 1) {
            write_row(f, x, ts[k].rows);
        } else {
            fputs("[\n", f);
            for (int r = 0; r < ts[k].rows; r++) {
                fputs("      ", f);
                write_row(f, x + (size_t)r * (size_t)ts[k].cols, ts[k].cols);
                fputs(r + 1 < ts[k].rows ? ",\n" : "\n", f);
            }
            fputs("    ]", f);
        }
        fputs(k + 1 < n ? ",\n" : "\n", f);
    }
    fputs("  }\n}\n", f);
}

int model_save(const Net *net, const char *path, NetError *err)
{
    Tensor ts[MAX_TENSORS];
    int n = expected_tensors(net_config(net), ts);
    if (n != net_param_count(net))
        return sjson_fail_name(err, path, NET_ERR_ARG,
                               "internal error: the network has %d tensors, "
                               "the contract %d",
                               net_param_count(net), n);
    for (int k = 0; k < n; k++) {
        const NetParam *p = net_param_find(net, ts[k].name);
        if (!p || p->rows != ts[k].rows || p->cols != ts[k].cols)
            return sjson_fail_name(err, path, NET_ERR_ARG,
                                   "internal error: the network has no parameter %s", ts[k].name);
    }
    if (check_finite(net, ts, n, path, err) < 0)
        return NET_ERR_ARG;

    char tmp[AFILE_TMP_CAP];
    FILE *f = afile_open(path, tmp, sizeof tmp);
    if (!f)
        return sjson_fail_name(err, path, NET_ERR_IO, "cannot save: %s", afile_strerror(errno));
    errno = 0;
    write_model(f, net, ts, n);
    int e = afile_commit(f, tmp, path, NULL);
    if (e)
        return sjson_fail_name(err, path, NET_ERR_IO, "cannot save: %s", afile_strerror(e));
    return 0;
}
