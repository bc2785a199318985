#include "train.h"
#include "names.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest history ring (grad_h of every kept record) we allocate. */
#define HISTORY_DEFAULT_BYTES (64UL << 20)
#define HISTORY_MAX_BYTES (1UL << 30)

struct Trainer {
    Net *net;
    Task *task;
    Optim *opt;
    Rng rng;
    TrainConfig cfg;
    NetTargets targets;
    int L, H;

    /* One batch: (B, T, I), (B, T), (B, T, O). */
    double *x;
    int *classes;
    double *y;
    /* Carried state (L, B, H); c0 for lstm only. */
    double *h0, *c0;
    bool have_carry;

    long iters;
    /* An iteration stopped by the network's yield hook, resumed by the
     * next train_step: its phase, and the forward's results. */
    enum { PEND_NONE, PEND_FORWARD, PEND_BACKWARD } pending;
    double pend_loss, pend_acc;
    TrainRecord *ring; /* (cap) */
    double *ring_gh;   /* (cap, L, T) */
    int cap, count, next;
};

static const char *const carry_names[TRAIN_CARRY_COUNT] = {"none", "sequence", "mean"};

static int fail(NetError *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* The task must produce exactly what the network reads and is scored on. */
static int check_fit(const Net *net, const Task *task, const TrainConfig *cfg, NetError *err)
{
    const NetConfig *nc = net_config(net);
    const char *name = task_kind_name(task_kind(task));
    if (task_input_size(task) != nc->input_size)
        return fail(err, NET_ERR_ARG, "task %s needs input size %d, the network has %d", name,
                    task_input_size(task), nc->input_size);
    if (task_output_size(task) != nc->output_size)
        return fail(err, NET_ERR_ARG, "task %s needs output size %d, the network has %d", name,
                    task_output_size(task), nc->output_size);
    if (task_loss(task) != nc->loss)
        return fail(err, NET_ERR_ARG, "task %s needs loss %s, the network has %s", name,
                    task_loss(task) == NET_LOSS_MSE ? "mse" : "softmax_ce",
                    nc->loss == NET_LOSS_MSE ? "mse" : "softmax_ce");
    if (cfg->batch < 1 || cfg->batch > nc->max_batch || cfg->batch > task_max_batch(task))
        return fail(err, NET_ERR_ARG, "batch %d is outside 1..%d", cfg->batch,
                    nc->max_batch < task_max_batch(task) ? nc->max_batch : task_max_batch(task));
    if (cfg->steps < 1 || cfg->steps > nc->max_steps)
        return fail(err, NET_ERR_ARG, "steps %d is outside 1..%d", cfg->steps, nc->max_steps);
    if ((unsigned)cfg->carry >= TRAIN_CARRY_COUNT)
        return fail(err, NET_ERR_ARG, "unknown carry mode");
    if (cfg->history < 0)
        return fail(err, NET_ERR_ARG, "history must be >= 0");
    return task_check_steps(task, cfg->steps, err);
}

/* The ring: the requested size, or the default shrunk to a sane size. */
static int history_cap(const TrainConfig *cfg, int L, NetError *err)
{
    size_t per = (size_t)L * cfg->steps * sizeof(double) + sizeof(TrainRecord);
    if (cfg->history > 0) {
        if ((size_t)cfg->history > HISTORY_MAX_BYTES / per)
            return fail(err, NET_ERR_ARG, "history of %d records would need more than 1 GiB",
                        cfg->history);
        return cfg->history;
    }
    size_t fit = HISTORY_DEFAULT_BYTES / per;
    if (fit < 1)
        fit = 1;
    return fit < TRAIN_HISTORY_DEFAULT ? (int)fit : TRAIN_HISTORY_DEFAULT;
}

static int alloc_buffers(Trainer *tr)
{
    const NetConfig *nc = net_config(tr->net);
    const int B = tr->cfg.batch, T = tr->cfg.steps;
    size_t bh = (size_t)tr->L * B * tr->H;
    tr->x = malloc(task_x_len(tr->task, B, T) * sizeof *tr->x);
    /* calloc(0) may return NULL: size at least one element */
    tr->classes = calloc(task_classes_len(tr->task, B, T) + 1, sizeof *tr->classes);
    tr->y = calloc(task_y_len(tr->task, B, T) + 1, sizeof *tr->y);
    tr->h0 = calloc(bh, sizeof *tr->h0);
    if (nc->cell == NET_CELL_LSTM)
        tr->c0 = calloc(bh, sizeof *tr->c0);
    tr->ring = calloc((size_t)tr->cap, sizeof *tr->ring);
    tr->ring_gh = calloc((size_t)tr->cap * tr->L * T, sizeof *tr->ring_gh);
    if (!tr->x || !tr->classes || !tr->y || !tr->h0 || (nc->cell == NET_CELL_LSTM && !tr->c0) ||
        !tr->ring || !tr->ring_gh)
        return NET_ERR_NOMEM;
    return NET_OK;
}

static void free_buffers(Trainer *tr)
{
    free(tr->x);
    free(tr->classes);
    free(tr->y);
    free(tr->h0);
    free(tr->c0);
    free(tr->ring);
    free(tr->ring_gh);
}

Trainer *train_create(Net *net, Task *task, const TrainConfig *cfg, NetError *err)
{
    if (check_fit(net, task, cfg, err) < 0)
        return NULL;
    const NetConfig *nc = net_config(net);
    int cap = history_cap(cfg, nc->num_layers, err);
    if (cap < 0)
        return NULL;
    Trainer *tr = calloc(1, sizeof *tr);
    if (!tr) {
        fail(err, NET_ERR_NOMEM, "trainer: out of memory");
        return NULL;
    }
    tr->opt = optim_create(&cfg->optim, net_num_params(net), err);
    if (!tr->opt)
        goto out_free_tr;
    tr->net = net;
    tr->task = task;
    tr->cfg = *cfg;
    tr->cap = cap;
    tr->targets = nc->targets;
    tr->L = nc->num_layers;
    tr->H = nc->hidden_size;
    if (alloc_buffers(tr) < 0) {
        fail(err, NET_ERR_NOMEM, "trainer: out of memory");
        goto out_free_buffers;
    }
    rng_seed(&tr->rng, cfg->seed);
    return tr;

out_free_buffers:
    free_buffers(tr);
    optim_destroy(tr->opt);
out_free_tr:
    free(tr);
    return NULL;
}

void train_destroy(Trainer *tr)
{
    if (!tr)
        return;
    free_buffers(tr);
    optim_destroy(tr->opt);
    task_destroy(tr->task);
    net_destroy(tr->net);
    free(tr);
}

/* ---- copies ------------------------------------------------------------- */

/* The buffers alloc_buffers made, copied from src (same sizes). */
static void copy_buffers(Trainer *dst, const Trainer *src)
{
    const int B = src->cfg.batch, T = src->cfg.steps;
    size_t bh = (size_t)src->L * B * src->H;
    memcpy(dst->x, src->x, task_x_len(src->task, B, T) * sizeof *dst->x);
    memcpy(dst->classes, src->classes, task_classes_len(src->task, B, T) * sizeof *dst->classes);
    memcpy(dst->y, src->y, task_y_len(src->task, B, T) * sizeof *dst->y);
    memcpy(dst->h0, src->h0, bh * sizeof *dst->h0);
    if (src->c0)
        memcpy(dst->c0, src->c0, bh * sizeof *dst->c0);
    memcpy(dst->ring_gh, src->ring_gh, (size_t)src->cap * src->L * T * sizeof *dst->ring_gh);
    /* records point into their own ring */
    for (int k = 0; k < src->cap; k++) {
        dst->ring[k] = src->ring[k];
        if (src->ring[k].grad_h)
            dst->ring[k].grad_h = dst->ring_gh + (src->ring[k].grad_h - src->ring_gh);
    }
}

Trainer *train_clone(const Trainer *src, NetError *err)
{
    Trainer *tr = calloc(1, sizeof *tr);
    if (!tr) {
        fail(err, NET_ERR_NOMEM, "trainer: out of memory");
        return NULL;
    }
    *tr = *src;
    tr->net = net_clone(src->net, err);
    tr->task = tr->net ? task_clone(src->task, err) : NULL;
    tr->opt = tr->task ? optim_clone(src->opt, err) : NULL;
    tr->x = tr->y = tr->h0 = tr->c0 = tr->ring_gh = NULL;
    tr->classes = NULL;
    tr->ring = NULL;
    if (!tr->opt || alloc_buffers(tr) < 0) {
        if (tr->opt)
            fail(err, NET_ERR_NOMEM, "trainer: out of memory");
        train_destroy(tr);
        return NULL;
    }
    copy_buffers(tr, src);
    return tr;
}

/* ---- end of copies ------------------------------------------------------ */

Net *train_net(Trainer *tr)
{
    return tr->net;
}

const Net *train_net_const(const Trainer *tr)
{
    return tr->net;
}

Task *train_task(Trainer *tr)
{
    return tr->task;
}

const Task *train_task_const(const Trainer *tr)
{
    return tr->task;
}

Optim *train_optim(Trainer *tr)
{
    return tr->opt;
}

Rng *train_rng(Trainer *tr)
{
    return &tr->rng;
}

const TrainConfig *train_config(const Trainer *tr)
{
    return &tr->cfg;
}

static bool all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            return false;
    }
    return true;
}

/* Keeps each layer's final state (B, H) for the next batch: per row, or
 * its mean over the rows broadcast to every row. */
static void carry_from(double *dst, const double *last, int B, int H, TrainCarry mode)
{
    if (mode == TRAIN_CARRY_SEQUENCE) {
        memcpy(dst, last, sizeof(double) * B * H);
        return;
    }
    for (int j = 0; j < H; j++) {
        double s = 0.0;
        for (int b = 0; b < B; b++)
            s += last[(size_t)b * H + j];
        dst[j] = s / B;
    }
    for (int b = 1; b < B; b++)
        memcpy(dst + (size_t)b * H, dst, sizeof(double) * H);
}

static void save_carry(Trainer *tr)
{
    const int B = tr->cfg.batch, T = tr->cfg.steps, H = tr->H;
    const size_t bh = (size_t)B * H;
    for (int l = 0; l < tr->L; l++) {
        carry_from(tr->h0 + l * bh, net_h(tr->net, l, T - 1), B, H, tr->cfg.carry);
        if (tr->c0)
            carry_from(tr->c0 + l * bh, net_c(tr->net, l, T - 1), B, H, tr->cfg.carry);
    }
    tr->have_carry = all_finite(tr->h0, tr->L * bh) && (!tr->c0 || all_finite(tr->c0, tr->L * bh));
}

static TrainRecord *push_record(Trainer *tr)
{
    TrainRecord *rec = &tr->ring[tr->next];
    double *gh = tr->ring_gh + (size_t)tr->next * tr->L * tr->cfg.steps;
    memset(rec, 0, sizeof *rec);
    rec->grad_h = gh;
    tr->next = (tr->next + 1) % tr->cap;
    if (tr->count < tr->cap)
        tr->count++;
    return rec;
}

/* A fresh batch, bound to the network (a new pass). */
static int bind_batch(Trainer *tr, NetError *err)
{
    const bool carry = tr->cfg.carry != TRAIN_CARRY_NONE;
    NetBatch batch;
    int rc = task_fill(tr->task, &tr->rng, tr->targets, tr->cfg.batch, tr->cfg.steps,
                       carry && tr->have_carry, tr->x, tr->classes, tr->y, &batch, err);
    if (rc < 0)
        return rc;
    if (carry && tr->have_carry) {
        batch.h0 = tr->h0;
        batch.c0 = tr->c0;
    }
    return net_bind(tr->net, &batch, err);
}

/* After the backward pass: record, clip, update. */
static void finish_iteration(Trainer *tr)
{
    const int T = tr->cfg.steps;
    double *grads = net_grads(tr->net);
    size_t n = net_num_params(tr->net);
    double norm = optim_clip_grad_norm(grads, n, tr->cfg.clip);

    TrainRecord *rec = push_record(tr);
    rec->iter = ++tr->iters;
    rec->loss = tr->pend_loss;
    rec->grad_norm = norm;
    rec->accuracy = tr->pend_acc;
    rec->clipped = isfinite(norm) && tr->cfg.clip > 0.0 && norm > tr->cfg.clip;
    rec->skipped = !isfinite(norm);
    rec->nonfinite = net_nonfinite(tr->net);
    double *gh = (double *)rec->grad_h;
    for (int l = 0; l < tr->L; l++)
        for (int t = 0; t < T; t++)
            gh[(size_t)l * T + t] = net_grad_h(tr->net, l, t);

    if (!rec->skipped)
        optim_step(tr->opt, net_params(tr->net), grads);
}

/* A pass that failed or was cancelled: the message, and the phase kept
 * only for a cancel (to resume). */
static int pass_failed(Trainer *tr, int rc, const char *pass, NetError *err)
{
    if (rc != NET_ERR_CANCELLED)
        tr->pending = PEND_NONE;
    return fail(err, rc, "%s: %s", pass, net_last_error(tr->net));
}

int train_step(Trainer *tr, NetError *err)
{
    int rc;
    if (tr->pending == PEND_NONE) {
        rc = bind_batch(tr, err);
        if (rc < 0)
            return rc;
        tr->pending = PEND_FORWARD;
    }
    if (tr->pending == PEND_FORWARD) {
        rc = net_forward_continue(tr->net);
        if (rc < 0)
            return pass_failed(tr, rc, "forward", err);
        tr->pend_loss = net_loss(tr->net);
        tr->pend_acc = task_accuracy(tr->task, tr->net);
        if (tr->cfg.carry != TRAIN_CARRY_NONE)
            save_carry(tr);
        net_zero_grad(tr->net);
        tr->pending = PEND_BACKWARD;
    }
    rc = net_backward(tr->net);
    if (rc < 0)
        return pass_failed(tr, rc, "backward", err);
    tr->pending = PEND_NONE;
    finish_iteration(tr);
    return NET_OK;
}

bool train_pending(const Trainer *tr)
{
    return tr->pending != PEND_NONE;
}

void train_abandon(Trainer *tr)
{
    tr->pending = PEND_NONE;
}

long train_run(Trainer *tr, long n, TrainCallback cb, void *user, NetError *err)
{
    long done = 0;
    while (done < n) {
        int rc = train_step(tr, err);
        if (rc == NET_ERR_CANCELLED)
            break;
        if (rc < 0)
            return rc;
        done++;
        if (cb && cb(tr, train_last(tr), user))
            break;
    }
    return done;
}

long train_iterations(const Trainer *tr)
{
    return tr->iters;
}

int train_history_len(const Trainer *tr)
{
    return tr->count;
}

const TrainRecord *train_history(const Trainer *tr, int k)
{
    if (k < 0 || k >= tr->count)
        return NULL;
    int first = (tr->next - tr->count + tr->cap) % tr->cap;
    return &tr->ring[(first + k) % tr->cap];
}

const TrainRecord *train_last(const Trainer *tr)
{
    return train_history(tr, tr->count - 1);
}

int train_evaluate(Trainer *tr, int B, double *loss, double *accuracy, NetError *err)
{
    if (B < 1 || B > tr->cfg.batch)
        return fail(err, NET_ERR_ARG, "evaluation batch %d is outside 1..%d", B, tr->cfg.batch);
    tr->pending = PEND_NONE; /* the batch is about to be replaced */
    NetBatch batch;
    int rc = task_fill(tr->task, &tr->rng, tr->targets, B, tr->cfg.steps, false, tr->x, tr->classes,
                       tr->y, &batch, err);
    if (rc < 0)
        return rc;
    rc = net_bind(tr->net, &batch, err);
    if (rc < 0)
        return rc;
    rc = net_forward(tr->net);
    if (rc < 0)
        return fail(err, rc, "forward: %s", net_last_error(tr->net));
    tr->have_carry = false;
    if (loss)
        *loss = net_loss(tr->net);
    if (accuracy)
        *accuracy = task_accuracy(tr->task, tr->net);
    return NET_OK;
}

void train_reset(Trainer *tr, uint64_t seed)
{
    tr->pending = PEND_NONE;
    rng_seed(&tr->rng, seed);
    tr->cfg.seed = seed;
    optim_reset(tr->opt);
    tr->have_carry = false;
    tr->iters = 0;
    tr->count = 0;
    tr->next = 0;
}

void train_set_clip(Trainer *tr, double clip)
{
    tr->cfg.clip = clip > 0.0 ? clip : 0.0;
}

int train_set_lr(Trainer *tr, double lr)
{
    int rc = optim_set_lr(tr->opt, lr);
    if (rc == NET_OK)
        tr->cfg.optim.lr = lr;
    return rc;
}

const char *train_carry_name(TrainCarry carry)
{
    return names_get(carry_names, TRAIN_CARRY_COUNT, (int)carry);
}

int train_carry_parse(const char *name, TrainCarry *out)
{
    int i = names_find(carry_names, TRAIN_CARRY_COUNT, name);
    if (i < 0 || !out)
        return NET_ERR_ARG;
    *out = (TrainCarry)i;
    return NET_OK;
}
