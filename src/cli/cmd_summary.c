/*
 * rnnviz summary: a Keras-style table of a network's layers, output shapes
 * and parameter counts, from settings flags or from a model file. The
 * counts are the engine's own: a network is created and its parameter
 * tensors are added up per layer.
 *
 * Every recurrent layer but the last returns its whole sequence; the last
 * one does too with targets "all" (the head then runs at every step, as a
 * Keras TimeDistributed Dense), and with targets "last" only its final
 * state reaches the head (SimpleRNN(H) followed by Dense(O)).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "model_io.h"
#include "settings.h"

#define RULE_WIDTH 65

static void usage(FILE *out)
{
    fprintf(out, "usage: rnnviz summary [--cell C] [--input I] [--hidden H] [--layers L]\n"
                 "                      [--output O] [--steps T] [--targets all|last]\n"
                 "                      [--no-bias-hh] [--task T] ...any setting\n"
                 "       rnnviz summary --model MODEL.json [--steps T]\n\n"
                 "Prints each layer's output shape and parameter count, Keras style.\n"
                 "Sizes left out come from the task (default mod3). Example, a one-bias\n"
                 "SimpleRNN(10) on input (3, 1) followed by Dense(1):\n"
                 "  rnnviz summary --cell rnn --input 1 --steps 3 --hidden 10 --output 1 \\\n"
                 "                 --targets last --no-bias-hh\n");
}

static void rule(char c)
{
    for (int i = 0; i < RULE_WIDTH; i++)
        putchar(c);
    putchar('\n');
}

static const char *keras_type(NetCell cell)
{
    switch (cell) {
    case NET_CELL_RNN:
        return "SimpleRNN";
    case NET_CELL_GRU:
        return "GRU";
    case NET_CELL_LSTM:
        return "LSTM";
    }
    return "?";
}

/* Layer of a tensor from its name: "..._l{l}" -> l, "head.*" -> L. */
static int tensor_layer(const char *name, int L)
{
    if (!strncmp(name, "head.", 5))
        return L;
    const char *p = strrchr(name, 'l');
    return p ? atoi(p + 1) : L;
}

static void print_row(const char *layer, const char *shape, size_t params)
{
    printf(" %-28s%-26s%zu\n", layer, shape, params);
}

static void print_table(const Net *net, const char *model_name, int T)
{
    const NetConfig *c = net_config(net);
    const int L = c->num_layers, H = c->hidden_size;
    const bool seq = c->targets == NET_TARGETS_ALL;
    size_t per_layer[NET_MAX_LAYERS + 1] = {0};
    for (int k = 0; k < net_param_count(net); k++) {
        const NetParam *p = net_param(net, k);
        per_layer[tensor_layer(p->name, L)] += (size_t)p->rows * p->cols;
    }

    printf("Model: \"%s\"\n", model_name);
    printf("Input: (None, %d, %d)\n", T, c->input_size);
    rule('_');
    printf(" %-28s%-26s%s\n", "Layer (type)", "Output Shape", "Param #");
    rule('=');
    char name[64], shape[64];
    for (int l = 0; l < L; l++) {
        snprintf(name, sizeof name, "%s_l%d (%s)", net_cell_name(c->cell), l, keras_type(c->cell));
        if (l < L - 1 || seq)
            snprintf(shape, sizeof shape, "(None, %d, %d)", T, H);
        else
            snprintf(shape, sizeof shape, "(None, %d)", H);
        print_row(name, shape, per_layer[l]);
        rule('_');
    }
    if (seq)
        snprintf(shape, sizeof shape, "(None, %d, %d)", T, c->output_size);
    else
        snprintf(shape, sizeof shape, "(None, %d)", c->output_size);
    print_row("head (Dense)", shape, per_layer[L]);
    rule('=');
    printf("Total params: %zu\n", net_num_params(net));
    printf("Trainable params: %zu\n", net_num_params(net));
    printf("Non-trainable params: 0\n");
    rule('_');

    /* Where each count comes from, with the engine's tensor names. */
    printf("\nParameters (shapes as in PyTorch):\n");
    for (int k = 0; k < net_param_count(net); k++) {
        const NetParam *p = net_param(net, k);
        if (strstr(p->name, "bias"))
            snprintf(shape, sizeof shape, "(%d)", p->rows);
        else
            snprintf(shape, sizeof shape, "(%d, %d)", p->rows, p->cols);
        printf("  %-16s %-12s %zu\n", p->name, shape, (size_t)p->rows * p->cols);
    }
}

/* Flags that still apply next to --model: they do not shape parameters. */
static bool allowed_with_model(const char *key)
{
    return !strcmp(key, "steps") || !strcmp(key, "batch");
}

/* The network to describe: the model file's, named by its file name, or
 * the settings'. Returns 0, or the exit status with err filled. */
static int summary_config(const Settings *s, const char *model_path, NetConfig *cfg,
                          const char **name, NetError *err)
{
    if (!model_path)
        return settings_net_config(s, NULL, cfg, err) < 0 ? 2 : 0;
    ModelFile *mf = modelfile_load(model_path, err);
    if (!mf)
        return 1;
    *cfg = *modelfile_config(mf);
    modelfile_destroy(mf);
    const char *slash = strrchr(model_path, '/');
    *name = slash ? slash + 1 : model_path;
    return 0;
}

int cmd_summary(int argc, char **argv)
{
    Settings s;
    settings_default(&s);
    const char *model_path = NULL, *shaping = NULL;
    for (int i = 1; i < argc;) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--model") || !strncmp(argv[i], "--model=", 8)) {
            if (argv[i][7] == '=') {
                model_path = argv[i] + 8;
            } else if (i + 1 < argc) {
                model_path = argv[++i];
            } else {
                fprintf(stderr, "rnnviz summary: missing value for --model\n");
                return 2;
            }
            i++;
            continue;
        }
        char msg[512];
        const char *key = NULL;
        if (settings_set_flag(&s, argc, argv, &i, &key, msg, sizeof msg) < 0) {
            fprintf(stderr, "rnnviz summary: %s\n", msg);
            return 2;
        }
        if (!allowed_with_model(key))
            shaping = key;
    }
    if (model_path && shaping) {
        fprintf(stderr,
                "rnnviz summary: --%s cannot be combined with --model (the file fixes it)\n",
                shaping);
        return 2;
    }

    NetError err = {{0}};
    NetConfig cfg;
    const char *name = "rnnviz";
    int rc = summary_config(&s, model_path, &cfg, &name, &err);
    if (rc) {
        fprintf(stderr, "rnnviz summary: %s\n", err.msg);
        return rc;
    }
    /* Parameters do not depend on the capacity: keep the caches tiny. */
    cfg.max_batch = 1;
    cfg.max_steps = 1;
    Net *net = net_create(&cfg, &err);
    if (!net) {
        fprintf(stderr, "rnnviz summary: %s\n", err.msg);
        return 1;
    }
    print_table(net, name, s.steps);
    net_destroy(net);
    return 0;
}
