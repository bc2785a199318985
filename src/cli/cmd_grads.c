/*
 * rnnviz grads: loss, outputs, every parameter gradient and the per-step
 * gradient norms of a model on one batch, printed as the JSON of
 * shared/spec/engine-contract.md so that another framework can check the
 * engine number by number.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "data_io.h"
#include "model_io.h"
#include "net.h"

static void print_help(FILE *out)
{
    fprintf(out,
            "usage: rnnviz grads --model MODEL.json --data DATA.json\n\n"
            "Runs the model forward and backward (BPTT) on the batch in DATA.json and\n"
            "prints one JSON object on stdout:\n"
            "  \"loss\"     total loss L\n"
            "  \"outputs\"  B x T x O head outputs y_t (every step, also for targets \"last\")\n"
            "  \"grads\"    dL/d(parameter), same names and shapes as the model's \"params\"\n"
            "  \"grad_h\"   L x T, ||dL/dh^l_t|| (total derivative, Frobenius norm over batch)\n"
            "  \"grad_c\"   L x T, ||dL/dc^l_t|| (lstm only)\n"
            "Every number is printed with %%.17g. The output is always valid JSON: a value\n"
            "that overflowed (NaN, +Inf or -Inf) is written as null, and the object then\n"
            "has \"nonfinite\": N, the count of such values (the exit status stays 0).\n"
            "The file formats and equations are in shared/spec/engine-contract.md.\n\n"
            "options:\n"
            "  -m, --model FILE  model file (\"format\": \"rnnviz-model\")\n"
            "  -d, --data FILE   data file (\"format\": \"rnnviz-data\")\n"
            "  -h, --help        show this help\n\n"
            "Exit status: 0 on success, 1 on a bad file or a failed run, 2 on bad usage.\n");
}

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "rnnviz grads: %s%s%s%s (see rnnviz grads --help)\n", what, arg ? " '" : "",
            arg ? arg : "", arg ? "'" : "");
    return 2;
}

/* Values written as null because they are not finite (JSON has no NaN or
 * Infinity); reported as "nonfinite" at the end of the object. */
static long nonfinite;

static void put_num(FILE *f, double v)
{
    if (isfinite(v)) {
        fprintf(f, "%.17g", v);
    } else {
        fputs("null", f);
        nonfinite++;
    }
}

static void put_row(FILE *f, const double *v, int n)
{
    fputc('[', f);
    for (int k = 0; k < n; k++) {
        if (k)
            fputs(", ", f);
        put_num(f, v[k]);
    }
    fputc(']', f);
}

/* Biases are vectors in the files even when a weight has one column. */
static bool is_bias(const char *name)
{
    return !strncmp(name, "bias", 4) || !strcmp(name, "head.bias");
}

static void put_outputs(FILE *f, const Net *net)
{
    int B = net_batch_size(net), T = net_steps(net), O = net_config(net)->output_size;
    fputs("  \"outputs\": [\n", f);
    for (int b = 0; b < B; b++) {
        fputs("    [", f);
        for (int t = 0; t < T; t++) {
            if (t)
                fputs(", ", f);
            put_row(f, net_y(net, t) + (size_t)b * (size_t)O, O);
        }
        fputs(b + 1 < B ? "],\n" : "]\n", f);
    }
    fputs("  ],\n", f);
}

static void put_grads(FILE *f, const Net *net)
{
    const double *g = net_grads_const(net);
    int n = net_param_count(net);
    fputs("  \"grads\": {\n", f);
    for (int k = 0; k < n; k++) {
        const NetParam *p = net_param(net, k);
        fprintf(f, "    \"%s\": ", p->name);
        if (is_bias(p->name)) {
            put_row(f, g + p->offset, p->rows);
        } else {
            fputs("[\n", f);
            for (int r = 0; r < p->rows; r++) {
                fputs("      ", f);
                put_row(f, g + p->offset + (size_t)r * (size_t)p->cols, p->cols);
                fputs(r + 1 < p->rows ? ",\n" : "\n", f);
            }
            fputs("    ]", f);
        }
        fputs(k + 1 < n ? ",\n" : "\n", f);
    }
    fputs("  }", f);
}

/* grad_h or grad_c: L x T norms. */
static void put_norms(FILE *f, const Net *net, const char *key,
                      double (*norm)(const Net *, int, int))
{
    int L = net_config(net)->num_layers, T = net_steps(net);
    fprintf(f, ",\n  \"%s\": [\n", key);
    for (int l = 0; l < L; l++) {
        fputs("    [", f);
        for (int t = 0; t < T; t++) {
            if (t)
                fputs(", ", f);
            put_num(f, norm(net, l, t));
        }
        fputs(l + 1 < L ? "],\n" : "]\n", f);
    }
    fputs("  ]", f);
}

static void put_result(FILE *f, const Net *net)
{
    nonfinite = 0;
    fputs("{\n  \"loss\": ", f);
    put_num(f, net_loss(net));
    fputs(",\n", f);
    put_outputs(f, net);
    put_grads(f, net);
    put_norms(f, net, "grad_h", net_grad_h);
    if (net_config(net)->cell == NET_CELL_LSTM)
        put_norms(f, net, "grad_c", net_grad_c);
    if (nonfinite)
        fprintf(f, ",\n  \"nonfinite\": %ld", nonfinite);
    fputs("\n}\n", f);
}

/* Forward and backward over the whole batch; net ends up holding every
 * number to print. */
static int run_pass(Net *net, const ModelFile *m, const DataFile *d, NetError *err)
{
    if (modelfile_apply(m, net, err) < 0 || net_bind(net, datafile_batch(d), err) < 0)
        return -1;
    net_zero_grad(net);
    if (net_forward(net) < 0 || net_backward(net) < 0) {
        snprintf(err->msg, sizeof err->msg, "%s", net_last_error(net));
        return -1;
    }
    return 0;
}

static int grads(const char *model_path, const char *data_path)
{
    NetError err = {""};
    int status = 1;
    ModelFile *m = modelfile_load(model_path, &err);
    if (!m)
        goto out_report;
    DataFile *d = datafile_load(data_path, modelfile_config(m), &err);
    if (!d)
        goto out_free_model;
    NetConfig cfg = *modelfile_config(m);
    cfg.max_batch = datafile_batch(d)->B;
    cfg.max_steps = datafile_batch(d)->T;
    Net *net = net_create(&cfg, &err);
    if (!net) {
        /* The capacity comes from the data's B and T: name that file. */
        char why[sizeof err.msg];
        snprintf(why, sizeof why, "%s", err.msg);
        snprintf(err.msg, sizeof err.msg, "%.200s: %.300s", data_path, why);
        goto out_free_data;
    }
    if (run_pass(net, m, d, &err) == 0) {
        put_result(stdout, net);
        if (fflush(stdout) != 0 || ferror(stdout))
            snprintf(err.msg, sizeof err.msg, "cannot write the output: %s", strerror(errno));
        else
            status = 0;
    }
    net_destroy(net);
out_free_data:
    datafile_destroy(d);
out_free_model:
    modelfile_destroy(m);
out_report:
    if (status != 0)
        fprintf(stderr, "rnnviz grads: %s\n", err.msg);
    return status;
}

int cmd_grads(int argc, char **argv)
{
    static const struct option options[] = {
        {"model", required_argument, NULL, 'm'},
        {"data", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *model = NULL, *data = NULL;
    int c;
    opterr = 0; /* our own one-line messages instead of getopt's */
    optind = 1;
    while ((c = getopt_long(argc, argv, ":m:d:h", options, NULL)) != -1) {
        switch (c) {
        case 'm':
            model = optarg;
            break;
        case 'd':
            data = optarg;
            break;
        case 'h':
            print_help(stdout);
            return 0;
        case ':':
            return usage_error("missing value for option", argv[optind - 1]);
        default:
            return usage_error("unknown option", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument", argv[optind]);
    if (!model)
        return usage_error("missing --model", NULL);
    if (!data)
        return usage_error("missing --data", NULL);
    return grads(model, data);
}
