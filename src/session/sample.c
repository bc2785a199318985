#include "sample.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct Sampler {
    Net *net; /* scratch copy: B = 1, T = 1 */
    int L, H, V;
    double *x;         /* (V) one-hot input */
    double *h0, *c0;   /* (L, H) state carried from step to step; c0 lstm only */
    int byte_of[256];  /* class -> byte (first V entries) */
    int class_of[256]; /* byte -> class, -1 outside the vocabulary */
};

static int fail(NetError *err, int code, const char *msg)
{
    if (err)
        snprintf(err->msg, sizeof err->msg, "%s", msg);
    return code;
}

Sampler *sample_create(const Net *net, const Task *task, NetError *err)
{
    const NetConfig *cfg = net_config(net);
    if (task_kind(task) != TASK_TEXT || cfg->loss != NET_LOSS_SOFTMAX_CE ||
        cfg->input_size != task_input_size(task) || cfg->output_size != task_output_size(task)) {
        fail(err, NET_ERR_ARG, "sampling needs a network trained on the text task");
        return NULL;
    }
    Sampler *s = calloc(1, sizeof *s);
    if (!s) {
        fail(err, NET_ERR_NOMEM, "out of memory for the sampler");
        return NULL;
    }
    NetConfig one = *cfg;
    one.max_batch = 1;
    one.max_steps = 1;
    one.targets = NET_TARGETS_ALL;
    s->net = net_create(&one, err);
    if (!s->net)
        goto out_free;
    s->L = cfg->num_layers;
    s->H = cfg->hidden_size;
    s->V = cfg->input_size;
    s->x = calloc((size_t)s->V, sizeof(double));
    s->h0 = calloc((size_t)s->L * s->H, sizeof(double));
    s->c0 = cfg->cell == NET_CELL_LSTM ? calloc((size_t)s->L * s->H, sizeof(double)) : NULL;
    if (!s->x || !s->h0 || (cfg->cell == NET_CELL_LSTM && !s->c0)) {
        fail(err, NET_ERR_NOMEM, "out of memory for the sampler");
        goto out_free;
    }
    for (int c = 0; c < 256; c++)
        s->class_of[c] = task_text_class(task, (unsigned char)c);
    for (int k = 0; k < s->V; k++)
        s->byte_of[k] = task_text_byte(task, k);
    return s;
out_free:
    sample_destroy(s);
    return NULL;
}

void sample_destroy(Sampler *s)
{
    if (!s)
        return;
    net_destroy(s->net);
    free(s->x);
    free(s->h0);
    free(s->c0);
    free(s);
}

/* The same shape: same parameter layout, so the parameters can be copied. */
static bool same_shape(const NetConfig *a, const NetConfig *b)
{
    return a->cell == b->cell && a->act == b->act && a->input_size == b->input_size &&
           a->hidden_size == b->hidden_size && a->num_layers == b->num_layers &&
           a->output_size == b->output_size && a->loss == b->loss && a->bias_hh == b->bias_hh;
}

/* One step on class k from the carried state; the new state is carried on. */
static int feed(Sampler *s, int k, NetError *err)
{
    static const int dummy_class = 0; /* the loss is computed but unused */
    memset(s->x, 0, sizeof(double) * (size_t)s->V);
    s->x[k] = 1.0;
    NetBatch b = {.B = 1, .T = 1, .x = s->x, .classes = &dummy_class, .h0 = s->h0, .c0 = s->c0};
    int rc = net_bind(s->net, &b, err);
    if (rc)
        return rc;
    rc = net_forward(s->net);
    if (rc)
        return fail(err, rc, net_last_error(s->net));
    for (int l = 0; l < s->L; l++) {
        /* h_0 of this step is h_{-1} of the next: row 0, layer l */
        memcpy(s->h0 + (size_t)l * s->H, net_h(s->net, l, 0), sizeof(double) * (size_t)s->H);
        if (s->c0)
            memcpy(s->c0 + (size_t)l * s->H, net_c(s->net, l, 0), sizeof(double) * (size_t)s->H);
    }
    return NET_OK;
}

/* The next class from the scores y (V): argmax, or a draw from
 * softmax(y / temperature); -1 when a score is not finite. */
static int choose(const double *y, int V, double temperature, Rng *rng)
{
    int best = 0;
    for (int k = 0; k < V; k++) {
        if (!isfinite(y[k]))
            return -1;
        if (y[k] > y[best])
            best = k;
    }
    if (temperature <= 0)
        return best;
    /* p_k ∝ exp((y_k − max y) / temperature): the shift keeps exp finite */
    double sum = 0;
    for (int k = 0; k < V; k++)
        sum += exp((y[k] - y[best]) / temperature);
    double u = rng_uniform(rng) * sum, acc = 0;
    for (int k = 0; k < V; k++) {
        acc += exp((y[k] - y[best]) / temperature);
        if (u < acc)
            return k;
    }
    return best; /* u rounded up to the sum: the largest term takes it */
}

int sample_run(Sampler *s, const Net *net, const char *prime, int n, double temperature, Rng *rng,
               char *out, size_t cap, NetError *err)
{
    char msg[160];
    if (cap > 0)
        out[0] = '\0';
    if (!same_shape(net_config(net), net_config(s->net)))
        return fail(err, NET_ERR_ARG, "the network's shape differs from the sampler's");
    if (n < 0 || (size_t)n >= cap) {
        snprintf(msg, sizeof msg, "cannot sample %d characters into %zu bytes", n, cap);
        return fail(err, NET_ERR_ARG, msg);
    }
    if (!prime || !*prime)
        return fail(err, NET_ERR_ARG, "the prime needs at least one character");
    if (temperature > 0 && !rng)
        return fail(err, NET_ERR_ARG, "sampling at a temperature needs an Rng");
    for (const unsigned char *p = (const unsigned char *)prime; *p; p++)
        if (s->class_of[*p] < 0) {
            snprintf(msg, sizeof msg, "prime: byte 0x%02x ('%c') is not in the text's vocabulary",
                     *p, *p >= 32 && *p < 127 ? *p : '?');
            return fail(err, NET_ERR_ARG, msg);
        }
    memcpy(net_params(s->net), net_params_const(net), sizeof(double) * net_num_params(net));
    memset(s->h0, 0, sizeof(double) * (size_t)s->L * s->H);
    if (s->c0)
        memset(s->c0, 0, sizeof(double) * (size_t)s->L * s->H);
    int rc = NET_OK;
    for (const unsigned char *p = (const unsigned char *)prime; *p && !rc; p++)
        rc = feed(s, s->class_of[*p], err);
    for (int i = 0; i < n && !rc; i++) {
        int k = choose(net_y(s->net, 0), s->V, temperature, rng);
        if (k < 0) {
            rc = fail(err, NET_ERR_ARG, "the network's output is not finite");
            break;
        }
        out[i] = (char)s->byte_of[k];
        if (i + 1 < n)
            rc = feed(s, k, err);
    }
    if (rc) {
        out[0] = '\0';
        return rc;
    }
    out[n] = '\0';
    return NET_OK;
}
