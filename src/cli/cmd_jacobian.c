/*
 * rnnviz jacobian: why the gradient fades, as numbers. For one layer and
 * one batch row of a model on a batch, the singular values of
 * J_t = dh_{T-1}/dh_t for every t, their largest (the spectral norm)
 * against the distance T-1-t beside ||dL/dh_t||, and the one-step
 * Jacobians dh_{t+1}/dh_t with their own norms, as one JSON object.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "data_io.h"
#include "jacobian.h"
#include "la.h"
#include "model_io.h"
#include "net.h"

static void print_help(FILE *out)
{
    fprintf(out,
            "usage: rnnviz jacobian --model MODEL.json --data DATA.json [--layer L] [--row B]\n\n"
            "Runs the model forward and backward on DATA.json and prints, for layer L\n"
            "(default 0) and batch row B (default 0), one JSON object:\n"
            "  \"singular_values\"  T x H, descending, of J_t = dh_{T-1}/dh_t (t = 0..T-1;\n"
            "                     J_{T-1} is the identity). lstm: c_t held fixed, the path\n"
            "                     through c included (what dL/dh_t = J_t^T dL/dh_{T-1} uses)\n"
            "  \"norm\", \"smallest\" T, the largest and smallest of those\n"
            "  \"distance\"         T, T-1-t\n"
            "  \"grad_h\"           T, ||dL/dh_t|| of row B (total derivative)\n"
            "  \"step_singular_values\" (T-1) x H of the one-step dh_{t+1}/dh_t\n"
            "                     (rnn: diag(act') W_hh; lstm: c_t held fixed)\n"
            "  \"step_norm\"        T-1, the largest of those\n"
            "  \"step_joint_norm\"  T-1, lstm: norm of d(h,c)_{t+1}/d(h,c)_t (else step_norm)\n"
            "Numbers are %%.17g; a non-finite value is null and \"nonfinite\" counts them.\n"
            "Hidden sizes up to %d.\n\n"
            "options:\n"
            "  -m, --model FILE  model file (\"format\": \"rnnviz-model\")\n"
            "  -d, --data FILE   data file (\"format\": \"rnnviz-data\")\n"
            "  -l, --layer L     layer, 0-based (default 0)\n"
            "  -r, --row B       batch row, 0-based (default 0)\n"
            "  -h, --help        show this help\n\n"
            "Exit status: 0 on success, 1 on a bad file or a failed run, 2 on bad usage.\n",
            JAC_MAX_HIDDEN);
}

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "rnnviz jacobian: %s%s%s%s (see rnnviz jacobian --help)\n", what,
            arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
    return 2;
}

typedef struct {
    FILE *f;
    int nonfinite;
} Out;

static void put_num(Out *o, double v)
{
    if (isfinite(v)) {
        fprintf(o->f, "%.17g", v);
    } else {
        fputs("null", o->f);
        o->nonfinite++;
    }
}

/* "key": [v(0), ..., v(n-1)] from a getter over t. */
static void put_series(Out *o, const char *key, const JacWork *w, int n,
                       double (*get)(const JacWork *, const Net *, int, int, int), const Net *net,
                       int l, int b)
{
    fprintf(o->f, ",\n  \"%s\": [", key);
    for (int t = 0; t < n; t++) {
        if (t)
            fputs(", ", o->f);
        put_num(o, get(w, net, l, b, t));
    }
    fputc(']', o->f);
}

static void put_matrix(Out *o, const char *key, const JacWork *w, int n,
                       const double *(*rows)(const JacWork *, int))
{
    int H = jac_hidden(w);
    fprintf(o->f, ",\n  \"%s\": [\n", key);
    for (int t = 0; t < n; t++) {
        const double *sv = rows(w, t);
        fputs("    [", o->f);
        for (int k = 0; k < H; k++) {
            if (k)
                fputs(", ", o->f);
            put_num(o, sv[k]);
        }
        fputs(t + 1 < n ? "],\n" : "]\n", o->f);
    }
    fputs("  ]", o->f);
}

static double get_norm(const JacWork *w, const Net *n, int l, int b, int t)
{
    (void)n, (void)l, (void)b;
    return jac_product_sv(w, t)[0];
}

static double get_smallest(const JacWork *w, const Net *n, int l, int b, int t)
{
    (void)n, (void)l, (void)b;
    return jac_product_sv(w, t)[jac_hidden(w) - 1];
}

static double get_distance(const JacWork *w, const Net *n, int l, int b, int t)
{
    (void)n, (void)l, (void)b;
    return (double)(jac_steps(w) - 1 - t);
}

static double get_grad_h(const JacWork *w, const Net *n, int l, int b, int t)
{
    int H = jac_hidden(w);
    return la_norm(net_dh(n, l, t) + (size_t)b * H, (size_t)H);
}

static double get_step_norm(const JacWork *w, const Net *n, int l, int b, int t)
{
    (void)n, (void)l, (void)b;
    return jac_step_sv(w, t)[0];
}

static double get_joint_norm(const JacWork *w, const Net *n, int l, int b, int t)
{
    (void)n, (void)l, (void)b;
    return jac_step_joint_norm(w, t);
}

static void put_result(FILE *f, const JacWork *w, const Net *net, int l, int b)
{
    Out o = {f, 0};
    int T = jac_steps(w);
    fprintf(f, "{\n  \"cell\": \"%s\", \"layer\": %d, \"row\": %d, \"steps\": %d, \"hidden\": %d",
            net_cell_name(net_config(net)->cell), l, b, T, jac_hidden(w));
    put_matrix(&o, "singular_values", w, T, jac_product_sv);
    put_series(&o, "norm", w, T, get_norm, net, l, b);
    put_series(&o, "smallest", w, T, get_smallest, net, l, b);
    put_series(&o, "distance", w, T, get_distance, net, l, b);
    put_series(&o, "grad_h", w, T, get_grad_h, net, l, b);
    put_matrix(&o, "step_singular_values", w, T - 1, jac_step_sv);
    put_series(&o, "step_norm", w, T - 1, get_step_norm, net, l, b);
    put_series(&o, "step_joint_norm", w, T - 1, get_joint_norm, net, l, b);
    if (o.nonfinite)
        fprintf(f, ",\n  \"nonfinite\": %d", o.nonfinite);
    fputs("\n}\n", f);
}

typedef struct {
    const char *model, *data;
    int layer, row;
} Args;

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

/* The checks a file cannot make: layer, row and H against the model. */
static int check_fit(const Args *a, const NetConfig *cfg, int B, NetError *err)
{
    if (a->layer >= cfg->num_layers)
        snprintf(err->msg, sizeof err->msg, "--layer %d: the model has %d layer(s)", a->layer,
                 cfg->num_layers);
    else if (a->row >= B)
        snprintf(err->msg, sizeof err->msg, "--row %d: the batch has %d row(s)", a->row, B);
    else if (cfg->hidden_size > JAC_MAX_HIDDEN)
        snprintf(err->msg, sizeof err->msg,
                 "hidden size %d: the exact Jacobian is computed up to %d", cfg->hidden_size,
                 JAC_MAX_HIDDEN);
    else
        return 0;
    return -1;
}

static int compute_and_print(const Args *a, const ModelFile *m, const DataFile *d, NetError *err)
{
    NetConfig cfg = *modelfile_config(m);
    cfg.max_batch = datafile_batch(d)->B;
    cfg.max_steps = datafile_batch(d)->T;
    if (check_fit(a, &cfg, cfg.max_batch, err) < 0)
        return 1;
    Net *net = net_create(&cfg, err);
    JacWork *w = jac_create(cfg.cell, cfg.hidden_size, cfg.max_steps);
    int status = 1;
    if (!net || !w) {
        if (net)
            snprintf(err->msg, sizeof err->msg, "out of memory for the Jacobian workspace");
    } else if (run_pass(net, m, d, err) == 0) {
        if (jac_compute(w, net, a->layer, a->row) < 0) {
            snprintf(err->msg, sizeof err->msg, "the Jacobian could not be computed");
        } else {
            put_result(stdout, w, net, a->layer, a->row);
            status = fflush(stdout) != 0 || ferror(stdout) ? 1 : 0;
            if (status)
                snprintf(err->msg, sizeof err->msg, "cannot write the output");
        }
    }
    jac_destroy(w);
    net_destroy(net);
    return status;
}

static int jacobian(const Args *a)
{
    NetError err = {""};
    int status = 1;
    ModelFile *m = modelfile_load(a->model, &err);
    if (m) {
        DataFile *d = datafile_load(a->data, modelfile_config(m), &err);
        if (d)
            status = compute_and_print(a, m, d, &err);
        datafile_destroy(d);
        modelfile_destroy(m);
    }
    if (status != 0)
        fprintf(stderr, "rnnviz jacobian: %s\n", err.msg);
    return status;
}

static int parse_index(const char *s, int *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0 || v > NET_MAX_BATCH)
        return -1;
    *out = (int)v;
    return 0;
}

int cmd_jacobian(int argc, char **argv)
{
    static const struct option options[] = {
        {"model", required_argument, NULL, 'm'}, {"data", required_argument, NULL, 'd'},
        {"layer", required_argument, NULL, 'l'}, {"row", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
    };
    Args a = {NULL, NULL, 0, 0};
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":m:d:l:r:h", options, NULL)) != -1) {
        if (c == 'm')
            a.model = optarg;
        else if (c == 'd')
            a.data = optarg;
        else if (c == 'l' && parse_index(optarg, &a.layer) < 0)
            return usage_error("--layer needs an integer >= 0, not", optarg);
        else if (c == 'r' && parse_index(optarg, &a.row) < 0)
            return usage_error("--row needs an integer >= 0, not", optarg);
        else if (c == 'h')
            return print_help(stdout), 0;
        else if (c == ':')
            return usage_error("missing value for option", argv[optind - 1]);
        else if (c == '?')
            return usage_error("unknown option", argv[optind - 1]);
    }
    if (optind < argc)
        return usage_error("unexpected argument", argv[optind]);
    if (!a.model)
        return usage_error("missing --model", NULL);
    if (!a.data)
        return usage_error("missing --data", NULL);
    return jacobian(&a);
}
