#include "tasks.h"
#include "file_open.h"
#include "names.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TWO_PI 6.28318530717958647692

struct Task {
    TaskKind kind;
    int I, O;
    int K, S; /* copy */
    double w; /* sine: radians per step */
    NetLoss loss;
    NetTargets targets;
    int max_batch;
    int stream_B;   /* B of the last fill; 0 before the first */
    double *stream; /* (max_batch): mod3 next number, mod3_random sum, sine phase, text position */
    unsigned char *text; /* (N) */
    size_t text_len;
    int vocab_n;
    unsigned char vocab[256]; /* class -> byte */
    int class_of[256];        /* byte -> class, -1 if absent */
};

static const char *const kind_names[TASK_KIND_COUNT] = {"mod3", "noise", "sine",       "adding",
                                                        "copy", "text",  "mod3_random"};

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

/* Takes buf (len bytes) as the task's text; the vocabulary is its
 * distinct bytes, sorted. */
static void set_text(Task *task, unsigned char *buf, size_t len)
{
    bool seen[256] = {false};
    for (size_t i = 0; i < len; i++)
        seen[buf[i]] = true;
    task->vocab_n = 0;
    for (int c = 0; c < 256; c++) {
        task->class_of[c] = seen[c] ? task->vocab_n : -1;
        if (seen[c])
            task->vocab[task->vocab_n++] = (unsigned char)c;
    }
    task->text = buf;
    task->text_len = len;
}

/* Reads the whole file as the task's text. */
static int load_text(Task *task, const char *path, NetError *err)
{
    if (!path || !*path)
        return fail(err, NET_ERR_ARG, "task text: no text file given");
    char why[128];
    FILE *f = file_open_regular(path, why, sizeof why);
    if (!f) {
        if (err)
            snprintf(err->msg, sizeof err->msg, "%s: %s", path, why);
        return NET_ERR_IO;
    }
    size_t cap = 1 << 16, len = 0;
    unsigned char *buf = malloc(cap);
    int rc = NET_ERR_NOMEM;
    if (!buf)
        goto out_close;
    for (;;) {
        if (len == cap) {
            if (cap >= (size_t)TASK_TEXT_MAX_BYTES + 1) {
                rc = fail(err, NET_ERR_ARG, "%s: text larger than %ld bytes", path,
                          TASK_TEXT_MAX_BYTES);
                goto out_free;
            }
            unsigned char *bigger = realloc(buf, cap * 2);
            if (!bigger)
                goto out_free;
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        rc = fail(err, NET_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
        goto out_free;
    }
    if (len > (size_t)TASK_TEXT_MAX_BYTES) {
        rc = fail(err, NET_ERR_ARG, "%s: text larger than %ld bytes", path, TASK_TEXT_MAX_BYTES);
        goto out_free;
    }
    if (len < 2) {
        rc = fail(err, NET_ERR_ARG, "%s: text too short (%ld bytes, need at least 2)", path,
                  (long)len);
        goto out_free;
    }
    fclose(f);
    set_text(task, buf, len);
    return NET_OK;

out_free:
    free(buf);
out_close:
    fclose(f);
    if (rc == NET_ERR_NOMEM)
        fail(err, rc, "%s: out of memory reading the text", path);
    return rc;
}

static bool size_ok(int v, int lo, int hi)
{
    return v >= lo && v <= hi;
}

/* Sizes, loss and targets of the task; the text's come from load_text. */
static int setup_shape(Task *task, const TaskConfig *cfg, NetError *err)
{
    task->loss = task_kind_loss(cfg->kind);
    task->targets = task_kind_default_targets(cfg->kind);
    switch (cfg->kind) {
    case TASK_MOD3:
    case TASK_MOD3_RANDOM:
        task->I = task->O = 3;
        return NET_OK;
    case TASK_NOISE:
        task->I = cfg->input_size ? cfg->input_size : TASK_NOISE_INPUT;
        task->O = cfg->output_size ? cfg->output_size : TASK_NOISE_OUTPUT;
        if (!size_ok(task->I, 1, NET_MAX_SIZE) || !size_ok(task->O, 1, NET_MAX_SIZE))
            return fail(err, NET_ERR_ARG, "task noise: sizes must be from 1 to %d", NET_MAX_SIZE);
        return NET_OK;
    case TASK_SINE: {
        double period = cfg->sine_period != 0.0 ? cfg->sine_period : TASK_SINE_PERIOD;
        if (!(isfinite(period) && period > 0.0))
            return fail(err, NET_ERR_ARG, "task sine: the period must be a number > 0");
        task->w = TWO_PI / period;
        task->I = task->O = 1;
        return NET_OK;
    }
    case TASK_ADDING:
        task->I = 2;
        task->O = 1;
        return NET_OK;
    case TASK_COPY:
        task->K = cfg->copy_symbols ? cfg->copy_symbols : TASK_COPY_SYMBOLS;
        task->S = cfg->copy_length ? cfg->copy_length : TASK_COPY_LENGTH;
        if (!size_ok(task->K, 1, NET_MAX_SIZE - 2))
            return fail(err, NET_ERR_ARG, "task copy: the symbol count must be from 1 to %d",
                        NET_MAX_SIZE - 2);
        if (!size_ok(task->S, 1, (NET_MAX_STEPS - 1) / 2))
            return fail(err, NET_ERR_ARG, "task copy: the length must be from 1 to %d",
                        (NET_MAX_STEPS - 1) / 2);
        task->I = task->O = task->K + 2;
        return NET_OK;
    case TASK_TEXT: {
        int rc = load_text(task, cfg->text_path, err);
        if (rc < 0)
            return rc;
        task->I = task->O = task->vocab_n;
        return NET_OK;
    }
    }
    return fail(err, NET_ERR_ARG, "unknown task");
}

Task *task_create(const TaskConfig *cfg, int max_batch, NetError *err)
{
    if (!size_ok(max_batch, 1, NET_MAX_BATCH)) {
        fail(err, NET_ERR_ARG, "task: the batch must be from 1 to %d", NET_MAX_BATCH);
        return NULL;
    }
    Task *task = calloc(1, sizeof *task);
    if (!task) {
        fail(err, NET_ERR_NOMEM, "task: out of memory");
        return NULL;
    }
    task->kind = cfg->kind;
    task->max_batch = max_batch;
    if (setup_shape(task, cfg, err) < 0)
        goto out_free;
    task->stream = calloc((size_t)max_batch, sizeof *task->stream);
    if (!task->stream) {
        fail(err, NET_ERR_NOMEM, "task: out of memory");
        goto out_free;
    }
    return task;

out_free:
    task_destroy(task);
    return NULL;
}

void task_destroy(Task *task)
{
    if (!task)
        return;
    free(task->stream);
    free(task->text);
    free(task);
}

Task *task_clone(const Task *task, NetError *err)
{
    Task *c = malloc(sizeof *c);
    if (!c)
        goto out_nomem;
    *c = *task;
    c->text = NULL;
    c->stream = malloc((size_t)task->max_batch * sizeof *c->stream);
    if (!c->stream)
        goto out_free;
    memcpy(c->stream, task->stream, (size_t)task->max_batch * sizeof *c->stream);
    if (task->text) {
        c->text = malloc(task->text_len);
        if (!c->text)
            goto out_free;
        memcpy(c->text, task->text, task->text_len);
    }
    return c;

out_free:
    task_destroy(c);
out_nomem:
    fail(err, NET_ERR_NOMEM, "task: out of memory");
    return NULL;
}

TaskKind task_kind(const Task *task)
{
    return task->kind;
}

int task_input_size(const Task *task)
{
    return task->I;
}

int task_output_size(const Task *task)
{
    return task->O;
}

NetLoss task_loss(const Task *task)
{
    return task->loss;
}

NetTargets task_default_targets(const Task *task)
{
    return task->targets;
}

int task_max_batch(const Task *task)
{
    return task->max_batch;
}

int task_check_steps(const Task *task, int T, NetError *err)
{
    const char *name = task_kind_name(task->kind);
    if (!size_ok(T, 1, NET_MAX_STEPS))
        return fail(err, NET_ERR_ARG, "task %s: steps must be from 1 to %d", name, NET_MAX_STEPS);
    if (task->kind == TASK_ADDING && T < 2)
        return fail(err, NET_ERR_ARG, "task %s: needs at least 2 steps (one marker per half)",
                    name);
    if (task->kind == TASK_COPY && T < 2 * task->S + 1) {
        if (err)
            snprintf(err->msg, sizeof err->msg,
                     "task copy: %d steps are too few for copy_length %d (need at least "
                     "2 * %d + 1 = %d)",
                     T, task->S, task->S, 2 * task->S + 1);
        return NET_ERR_ARG;
    }
    if (task->kind == TASK_TEXT && (size_t)T + 1 > task->text_len) {
        if (err)
            snprintf(err->msg, sizeof err->msg,
                     "task text: %d steps need a text of at least %d bytes, it has %zu", T, T + 1,
                     task->text_len);
        return NET_ERR_ARG;
    }
    return NET_OK;
}

size_t task_x_len(const Task *task, int B, int T)
{
    return (size_t)B * T * task->I;
}

size_t task_classes_len(const Task *task, int B, int T)
{
    return task->loss == NET_LOSS_SOFTMAX_CE ? (size_t)B * T : 0;
}

size_t task_y_len(const Task *task, int B, int T)
{
    return task->loss == NET_LOSS_MSE ? (size_t)B * T * task->O : 0;
}

/* Where the target of (b, t) goes: every step for "all", only T-1 for
 * "last" (index b); -1 when that step has no target. */
static long target_index(NetTargets targets, int b, int t, int T)
{
    if (targets == NET_TARGETS_ALL)
        return (long)b * T + t;
    return t == T - 1 ? b : -1;
}

static void put_class(int *classes, NetTargets targets, int b, int t, int T, int k)
{
    long i = target_index(targets, b, t, T);
    if (i >= 0)
        classes[i] = k;
}

/* mse tasks here all have O = 1. */
static void put_value(double *y, NetTargets targets, int b, int t, int T, double v)
{
    long i = target_index(targets, b, t, T);
    if (i >= 0)
        y[i] = v;
}

static void fill_mod3(Task *task, Rng *rng, NetTargets tg, int B, int T, bool resume, double *x,
                      int *classes)
{
    for (int b = 0; b < B; b++) {
        int n0 = resume ? (int)task->stream[b] : rng_int(rng, 3);
        for (int t = 0; t < T; t++) {
            /* n_t = (n_0 + t) mod 3, target n_{t+1} = (n_t + 1) mod 3 */
            int n = (n0 + t) % 3;
            x[((size_t)b * T + t) * 3 + n] = 1.0;
            put_class(classes, tg, b, t, T, (n + 1) % 3);
        }
        task->stream[b] = (n0 + T) % 3;
    }
}

static void fill_mod3_random(Task *task, Rng *rng, NetTargets tg, int B, int T, bool resume,
                             double *x, int *classes)
{
    for (int b = 0; b < B; b++) {
        int sum = resume ? (int)task->stream[b] : 0;
        for (int t = 0; t < T; t++) {
            /* d_t i.i.d. uniform, target (d_0 + ... + d_t) mod 3 */
            int d = rng_int(rng, 3);
            sum = (sum + d) % 3;
            x[((size_t)b * T + t) * 3 + d] = 1.0;
            put_class(classes, tg, b, t, T, sum);
        }
        task->stream[b] = sum;
    }
}

static void fill_noise(const Task *task, Rng *rng, NetTargets tg, int B, int T, double *x,
                       int *classes)
{
    for (int b = 0; b < B; b++) {
        double *xb = x + (size_t)b * T * task->I;
        for (size_t i = 0; i < (size_t)T * task->I; i++)
            xb[i] = rng_normal(rng);
        for (int t = 0; t < T; t++)
            put_class(classes, tg, b, t, T, rng_int(rng, task->O));
    }
}

static void fill_sine(Task *task, Rng *rng, NetTargets tg, int B, int T, bool resume, double *x,
                      double *y)
{
    const double w = task->w;
    for (int b = 0; b < B; b++) {
        double phase = resume ? task->stream[b] : rng_range(rng, 0.0, TWO_PI);
        for (int t = 0; t < T; t++) {
            /* x_t = sin(w t + phase), target x_{t+1} */
            x[(size_t)b * T + t] = sin(w * t + phase);
            put_value(y, tg, b, t, T, sin(w * (t + 1) + phase));
        }
        task->stream[b] = fmod(phase + w * T, TWO_PI);
    }
}

static void fill_adding(Rng *rng, NetTargets tg, int B, int T, double *x, double *y)
{
    for (int b = 0; b < B; b++) {
        double *xb = x + (size_t)b * T * 2;
        for (int t = 0; t < T; t++) {
            xb[2 * t] = rng_uniform(rng);
            xb[2 * t + 1] = 0.0;
        }
        int m1 = rng_int(rng, T / 2);
        int m2 = T / 2 + rng_int(rng, T - T / 2);
        xb[2 * m1 + 1] = 1.0;
        xb[2 * m2 + 1] = 1.0;
        /* target at t: the sum of the marked values up to t */
        double sum = 0.0;
        for (int t = 0; t < T; t++) {
            sum += xb[2 * t + 1] * xb[2 * t];
            put_value(y, tg, b, t, T, sum);
        }
    }
}

static void fill_copy(const Task *task, Rng *rng, NetTargets tg, int B, int T, double *x,
                      int *classes)
{
    const int K = task->K, S = task->S, I = task->I;
    const int blank = K, delim = K + 1, recall = T - S;
    for (int b = 0; b < B; b++) {
        double *xb = x + (size_t)b * T * I;
        for (int t = 0; t < T; t++) {
            int in = t == recall - 1 ? delim : blank;
            if (t < S) {
                /* the symbol to remember now is the target S + delay + 1 steps later */
                in = rng_int(rng, K);
                put_class(classes, tg, b, recall + t, T, in);
            }
            xb[(size_t)t * I + in] = 1.0;
            if (t < recall)
                put_class(classes, tg, b, t, T, blank);
        }
    }
}

static void fill_text(Task *task, Rng *rng, NetTargets tg, int B, int T, bool resume, double *x,
                      int *classes)
{
    const size_t N = task->text_len;
    const int V = task->I;
    for (int b = 0; b < B; b++) {
        size_t p;
        if (resume) {
            p = (size_t)task->stream[b];
            if (p + T + 1 > N)
                p = 0;
        } else {
            p = (size_t)rng_int(rng, (int)(N - (size_t)T));
        }
        for (int t = 0; t < T; t++) {
            int k = task->class_of[task->text[p + t]];
            x[((size_t)b * T + t) * V + k] = 1.0;
            put_class(classes, tg, b, t, T, task->class_of[task->text[p + t + 1]]);
        }
        task->stream[b] = (double)(p + T);
    }
}

int task_fill(Task *task, Rng *rng, NetTargets targets, int B, int T, bool resume, double *x,
              int *classes, double *y, NetBatch *out, NetError *err)
{
    if (!size_ok(B, 1, task->max_batch))
        return fail(err, NET_ERR_ARG, "task: the batch must be from 1 to %d", task->max_batch);
    if (targets != NET_TARGETS_ALL && targets != NET_TARGETS_LAST)
        return fail(err, NET_ERR_ARG, "task: unknown targets mode");
    int rc = task_check_steps(task, T, err);
    if (rc < 0)
        return rc;
    if (!x || (task->loss == NET_LOSS_SOFTMAX_CE && !classes) || (task->loss == NET_LOSS_MSE && !y))
        return fail(err, NET_ERR_ARG, "task: missing buffer");
    resume = resume && task->stream_B == B;

    memset(x, 0, task_x_len(task, B, T) * sizeof *x);
    switch (task->kind) {
    case TASK_MOD3:
        fill_mod3(task, rng, targets, B, T, resume, x, classes);
        break;
    case TASK_MOD3_RANDOM:
        fill_mod3_random(task, rng, targets, B, T, resume, x, classes);
        break;
    case TASK_NOISE:
        fill_noise(task, rng, targets, B, T, x, classes);
        break;
    case TASK_SINE:
        fill_sine(task, rng, targets, B, T, resume, x, y);
        break;
    case TASK_ADDING:
        fill_adding(rng, targets, B, T, x, y);
        break;
    case TASK_COPY:
        fill_copy(task, rng, targets, B, T, x, classes);
        break;
    case TASK_TEXT:
        fill_text(task, rng, targets, B, T, resume, x, classes);
        break;
    }
    task->stream_B = B;

    NetBatch batch = {.B = B, .T = T, .x = x};
    if (task->loss == NET_LOSS_SOFTMAX_CE)
        batch.classes = classes;
    else
        batch.y = y;
    *out = batch;
    return NET_OK;
}

static int put(char *out, size_t cap, const char *s)
{
    if (cap == 0)
        return NET_ERR_ARG;
    size_t n = strlen(s);
    if (n >= cap) {
        memcpy(out, s, cap - 1);
        out[cap - 1] = '\0';
        return NET_ERR_ARG;
    }
    memcpy(out, s, n + 1);
    return NET_OK;
}

/* Bytes as a reader sees them: visible marks for the invisible ones. */
static void byte_symbol(unsigned char c, char buf[8])
{
    switch (c) {
    case ' ':
        strcpy(buf, "\xe2\x90\xa3"); /* U+2423 open box */
        return;
    case '\n':
        strcpy(buf, "\xe2\x86\xb5"); /* U+21B5 return arrow */
        return;
    case '\t':
        strcpy(buf, "\xe2\x87\xa5"); /* U+21E5 tab arrow */
        return;
    case '\r':
        strcpy(buf, "\\r"); /* our font has no U+240D */
        return;
    default:
        if (c > 0x20 && c < 0x7f) {
            buf[0] = (char)c;
            buf[1] = '\0';
        } else {
            snprintf(buf, 8, "\\x%02X", c);
        }
    }
}

int task_class_symbol(const Task *task, int k, char *out, size_t cap)
{
    char buf[16];
    if (k < 0 || k >= task->O)
        return NET_ERR_ARG;
    switch (task->kind) {
    case TASK_MOD3:
    case TASK_MOD3_RANDOM:
    case TASK_NOISE:
        snprintf(buf, sizeof buf, "%d", k);
        break;
    case TASK_SINE:
    case TASK_ADDING:
        strcpy(buf, "y");
        break;
    case TASK_COPY:
        if (k == task->K)
            strcpy(buf, "\xc2\xb7"); /* U+00B7 middle dot: blank */
        else if (k == task->K + 1)
            strcpy(buf, ":");
        else if (task->K <= 26)
            snprintf(buf, sizeof buf, "%c", 'A' + k);
        else
            snprintf(buf, sizeof buf, "%d", k);
        break;
    case TASK_TEXT:
        byte_symbol(task->vocab[k], buf);
        break;
    }
    return put(out, cap, buf);
}

static int argmax(const double *v, int n)
{
    int best = 0;
    for (int k = 1; k < n; k++) {
        if (v[k] > v[best])
            best = k;
    }
    return best;
}

int task_input_symbol(const Task *task, const double *x, char *out, size_t cap)
{
    char buf[48];
    switch (task->kind) {
    case TASK_MOD3:
    case TASK_MOD3_RANDOM:
    case TASK_COPY:
    case TASK_TEXT: {
        int k = argmax(x, task->I);
        if (!(x[k] > 0.0))
            return put(out, cap, "?");
        return task_class_symbol(task, k, out, cap);
    }
    case TASK_NOISE:
    case TASK_SINE:
        snprintf(buf, sizeof buf, "%.2f", x[0]);
        break;
    case TASK_ADDING:
        snprintf(buf, sizeof buf, x[1] > 0.5 ? "[%.2f]" : "%.2f", x[0]);
        break;
    }
    return put(out, cap, buf);
}

bool task_hit(const Task *task, const double *y, int cls, const double *target)
{
    for (int k = 0; k < task->O; k++) {
        if (!isfinite(y[k]))
            return false;
    }
    if (task->loss == NET_LOSS_SOFTMAX_CE)
        return argmax(y, task->O) == cls;
    double tol = task->kind == TASK_ADDING ? TASK_ADDING_TOLERANCE : TASK_SINE_TOLERANCE;
    for (int k = 0; k < task->O; k++) {
        if (!(fabs(y[k] - target[k]) < tol))
            return false;
    }
    return true;
}

double task_accuracy(const Task *task, const Net *net)
{
    const int B = net_batch_size(net), T = net_steps(net), O = task->O;
    if (net_config(net)->output_size != O)
        return NAN;
    long hits = 0, count = 0;
    for (int t = 0; t < T; t++) {
        if (!net_has_target(net, t))
            continue;
        const double *y = net_y(net, t);
        const int *cls = net_target_class(net, t);
        const double *tv = net_target_vec(net, t);
        for (int b = 0; b < B; b++) {
            bool hit = task->loss == NET_LOSS_SOFTMAX_CE
                           ? cls && task_hit(task, y + (size_t)b * O, cls[b], NULL)
                           : tv && task_hit(task, y + (size_t)b * O, -1, tv + (size_t)b * O);
            hits += hit;
            count++;
        }
    }
    return count ? (double)hits / (double)count : NAN;
}

int task_text_class(const Task *task, unsigned char c)
{
    return task->kind == TASK_TEXT ? task->class_of[c] : -1;
}

int task_text_byte(const Task *task, int k)
{
    if (task->kind != TASK_TEXT || k < 0 || k >= task->vocab_n)
        return -1;
    return task->vocab[k];
}

const unsigned char *task_text(const Task *task, size_t *len)
{
    if (len)
        *len = task->kind == TASK_TEXT ? task->text_len : 0;
    return task->kind == TASK_TEXT ? task->text : NULL;
}

NetLoss task_kind_loss(TaskKind kind)
{
    return kind == TASK_SINE || kind == TASK_ADDING ? NET_LOSS_MSE : NET_LOSS_SOFTMAX_CE;
}

NetTargets task_kind_default_targets(TaskKind kind)
{
    return kind == TASK_ADDING ? NET_TARGETS_LAST : NET_TARGETS_ALL;
}

const char *task_kind_name(TaskKind kind)
{
    return names_get(kind_names, TASK_KIND_COUNT, (int)kind);
}

int task_kind_parse(const char *name, TaskKind *out)
{
    int i = names_find(kind_names, TASK_KIND_COUNT, name);
    if (i < 0 || !out)
        return NET_ERR_ARG;
    *out = (TaskKind)i;
    return NET_OK;
}
