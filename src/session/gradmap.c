#include "gradmap.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "la.h" /* la_single_thread: one BLAS thread per worker */
#include "net.h"
#include "tasks.h"
#include "train.h"

/* The seed the session draws its on-screen batch from (session.c). */
#define DISPLAY_SEED_MIX 0x5EED0F5C4EE4ULL

typedef struct WorkerArg {
    struct GradMap *m;
    int index;
} WorkerArg;

struct GradMap {
    GradmapConfig cfg;
    bool x_int, y_int;
    double *value;          /* (NY, NX) */
    double *accuracy;       /* (NY, NX) */
    atomic_int *ready;      /* (NY, NX) 1 once value and accuracy are written */
    atomic_int next;        /* the next cell a worker takes */
    atomic_int filled;      /* cells finished */
    atomic_bool cancel;     /* workers stop after their current cell */
    pthread_t *workers;     /* (threads) */
    struct WorkerArg *args; /* (threads) */
    double *worker_cpu;     /* (threads) CPU seconds each worker used */
    int threads, started;
    pthread_mutex_t err_lock;
    char err[512];
};

static int fail(char *msg, size_t cap, const char *fmt, const char *a, const char *b)
{
    if (msg && cap)
        snprintf(msg, cap, fmt, a, b);
    return NET_ERR_ARG;
}

/* Whether settings_set wants an integer for key ("an integer from ..."). */
static int key_kind(const char *key, bool *is_int)
{
    int n = 0;
    const SettingsKey *keys = settings_keys(&n);
    for (int k = 0; k < n; k++) {
        if (!strcmp(keys[k].key, key)) {
            *is_int = strstr(keys[k].expected, "integer") != NULL;
            return 0;
        }
    }
    return NET_ERR_ARG;
}

int gradmap_axis_parse(const char *spec, GradmapAxis *out, char *msg, size_t cap)
{
    char key[64];
    double lo, hi;
    int n, used = 0;
    if (!spec || sscanf(spec, "%63[^:]:%lf:%lf:%d%n", key, &lo, &hi, &n, &used) != 4 ||
        spec[used] != '\0')
        return fail(msg, cap,
                    "bad axis '%s': expected KEY:LO:HI:N, e.g. spectral_radius:0.5:2:40%s",
                    spec ? spec : "", "");
    if (!isfinite(lo) || !isfinite(hi))
        return fail(msg, cap, "bad axis '%s': LO and HI must be finite numbers%s", spec, "");
    if (n < 1 || n > GRADMAP_MAX_AXIS) {
        char lim[64];
        snprintf(lim, sizeof lim, " (1 to %d)", GRADMAP_MAX_AXIS);
        return fail(msg, cap, "bad axis '%s': N must be a whole number of cells%s", spec, lim);
    }
    for (char *p = key; *p; p++)
        if (*p == '-')
            *p = '_';
    if (!strcmp(key, "lr")) /* settings' one alias */
        snprintf(key, sizeof key, "learning_rate");
    bool is_int;
    if (key_kind(key, &is_int) < 0) {
        const char *near = settings_suggest(key);
        char hint[96] = "";
        if (near)
            snprintf(hint, sizeof hint, " (did you mean '%s'?)", near);
        return fail(msg, cap, "bad axis: unknown setting '%s'%s", key, hint);
    }
    *out = (GradmapAxis){.lo = lo, .hi = hi, .n = n};
    snprintf(out->key, sizeof out->key, "%.31s", key);
    return 0;
}

static double axis_value(const GradmapAxis *a, bool is_int, int i)
{
    double v = a->n > 1 ? a->lo + (a->hi - a->lo) * (double)i / (double)(a->n - 1) : a->lo;
    return is_int ? round(v) : v;
}

static int set_number(Settings *st, const char *key, double v, bool is_int, char *msg, size_t cap)
{
    char text[64];
    if (is_int)
        snprintf(text, sizeof text, "%.0f", v);
    else
        snprintf(text, sizeof text, "%.17g", v);
    return settings_set(st, key, text, msg, cap) == 0 ? 0 : NET_ERR_ARG;
}

/* The settings of grid point (ix, iy), seed number k. */
static int cell_settings(const GradMap *m, int ix, int iy, int k, Settings *out, char *msg,
                         size_t cap)
{
    Settings st = m->cfg.base;
    st.seed = m->cfg.base.seed + (uint64_t)k;
    if (set_number(&st, m->cfg.x.key, gradmap_x(m, ix), m->x_int, msg, cap) < 0 ||
        set_number(&st, m->cfg.y.key, gradmap_y(m, iy), m->y_int, msg, cap) < 0)
        return NET_ERR_ARG;
    *out = st;
    return 0;
}

int gradmap_cell_settings(const GradMap *m, int ix, int iy, int k, Settings *out, char *msg,
                          size_t cap)
{
    if (!m || ix < 0 || iy < 0 || ix >= m->cfg.x.n || iy >= m->cfg.y.n || k < 0 ||
        k >= m->cfg.seeds)
        return fail(msg, cap, "%s%s", "no such map cell", "");
    return cell_settings(m, ix, iy, k, out, msg, cap);
}

/* The corners: every value the axes take lies between them, so a setting
 * refused or a network refused there is reported before any work. */
static int check_corners(const GradMap *m, char *msg, size_t cap)
{
    int xs[2] = {0, m->cfg.x.n - 1}, ys[2] = {0, m->cfg.y.n - 1};
    for (int a = 0; a < 2; a++) {
        for (int b = 0; b < 2; b++) {
            Settings st;
            NetError err = {""};
            NetConfig nc;
            if (cell_settings(m, xs[a], ys[b], 0, &st, msg, cap) < 0)
                return NET_ERR_ARG;
            if (settings_net_config(&st, NULL, &nc, &err) < 0 || net_config_check(&nc, &err) < 0)
                return fail(msg, cap, "%s%s", err.msg, "");
        }
    }
    return 0;
}

static int check_config(const GradmapConfig *cfg, char *msg, size_t cap)
{
    if (cfg->seeds < 1 || cfg->seeds > GRADMAP_MAX_SEEDS)
        return fail(msg, cap, "--seeds must be from 1 to 64%s%s", "", "");
    if (cfg->threads < 0 || cfg->threads > GRADMAP_MAX_THREADS)
        return fail(msg, cap, "--threads must be from 0 (one per core) to 64%s%s", "", "");
    if (cfg->train_iters < 0 || cfg->train_iters > 100000000L)
        return fail(msg, cap, "--train must be from 0 to 100000000%s%s", "", "");
    if (!strcmp(cfg->x.key, cfg->y.key))
        return fail(msg, cap, "the two axes sweep the same setting '%s'%s", cfg->x.key, "");
    return 0;
}

static int online_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > GRADMAP_MAX_THREADS ? GRADMAP_MAX_THREADS : (int)n;
}

GradMap *gradmap_create(const GradmapConfig *cfg, char *msg, size_t cap)
{
    bool xi, yi;
    if (!cfg || check_config(cfg, msg, cap) < 0)
        return NULL;
    if (key_kind(cfg->x.key, &xi) < 0 || key_kind(cfg->y.key, &yi) < 0) {
        fail(msg, cap, "unknown axis setting '%s' or '%s'", cfg->x.key, cfg->y.key);
        return NULL;
    }
    GradMap *m = calloc(1, sizeof *m);
    size_t n = (size_t)cfg->x.n * (size_t)cfg->y.n;
    if (!m)
        return NULL;
    m->cfg = *cfg;
    m->x_int = xi;
    m->y_int = yi;
    m->threads = cfg->threads ? cfg->threads : online_cores();
    m->value = malloc(n * sizeof *m->value);
    m->accuracy = malloc(n * sizeof *m->accuracy);
    m->ready = calloc(n, sizeof *m->ready);
    m->workers = calloc((size_t)m->threads, sizeof *m->workers);
    m->worker_cpu = calloc((size_t)m->threads + 1, sizeof *m->worker_cpu);
    m->args = calloc((size_t)m->threads, sizeof *m->args);
    pthread_mutex_init(&m->err_lock, NULL);
    if (!m->value || !m->accuracy || !m->ready || !m->workers || !m->worker_cpu || !m->args) {
        fail(msg, cap, "%s%s", "out of memory for the map", "");
        gradmap_destroy(m);
        return NULL;
    }
    for (size_t k = 0; k < n; k++) {
        m->value[k] = m->accuracy[k] = NAN;
        atomic_init(&m->ready[k], 0);
    }
    atomic_init(&m->next, 0);
    atomic_init(&m->filled, 0);
    atomic_init(&m->cancel, false);
    if (check_corners(m, msg, cap) < 0) {
        gradmap_destroy(m);
        return NULL;
    }
    return m;
}

void gradmap_destroy(GradMap *m)
{
    if (!m)
        return;
    gradmap_cancel(m);
    gradmap_wait(m);
    pthread_mutex_destroy(&m->err_lock);
    free(m->value);
    free(m->accuracy);
    free(m->ready);
    free(m->workers);
    free(m->worker_cpu);
    free(m->args);
    free(m);
}

/* Binds the batch a session shows for st (session.c, bind_display) and
 * runs forward and backward on it. */
static int run_display_pass(Trainer *tr, const Settings *st, NetError *err)
{
    Net *net = train_net(tr);
    Task *task = train_task(tr);
    int B = st->batch, T = st->steps;
    double *bx = calloc(task_x_len(task, B, T) + 1, sizeof(double));
    double *by = calloc(task_y_len(task, B, T) + 1, sizeof(double));
    int *bcls = calloc(task_classes_len(task, B, T) + 1, sizeof(int));
    int rc = NET_ERR_NOMEM;
    if (bx && by && bcls) {
        Rng rng;
        NetBatch batch;
        rng_seed(&rng, st->seed ^ DISPLAY_SEED_MIX);
        rc =
            task_fill(task, &rng, net_config(net)->targets, B, T, false, bx, bcls, by, &batch, err);
        if (!rc)
            rc = net_bind(net, &batch, err);
        if (!rc) {
            net_zero_grad(net);
            rc = net_forward(net);
        }
        if (!rc)
            rc = net_backward(net);
        if (rc && !err->msg[0])
            snprintf(err->msg, sizeof err->msg, "%s", net_last_error(net));
    }
    free(bx);
    free(by);
    free(bcls);
    return rc;
}

int gradmap_measure(const Settings *st, long train_iters, double *log_ratio, double *accuracy,
                    char *msg, size_t cap)
{
    NetError err = {""};
    Trainer *tr = settings_trainer(st, &err);
    if (!tr)
        return fail(msg, cap, "%s%s", err.msg, "");
    long ran = train_iters > 0 ? train_run(tr, train_iters, NULL, NULL, &err) : 0;
    int rc = ran < 0 ? (int)ran : run_display_pass(tr, st, &err);
    if (rc == 0) {
        const Net *net = train_net_const(tr);
        int T = net_steps(net);
        double g0 = net_grad_h(net, 0, 0), g1 = net_grad_h(net, 0, T - 1);
        /* log10 0 = -Inf: no gradient reaches step 0; an overflowed
         * ||dL/dh_0|| = Inf over a finite one is +Inf; Inf/Inf and NaN: NaN */
        *log_ratio = log10(g0) - log10(g1);
        *accuracy = train_iters > 0 ? task_accuracy(train_task_const(tr), net) : NAN;
    } else {
        fail(msg, cap, "%s%s", err.msg[0] ? err.msg : "the run failed", "");
    }
    train_destroy(tr);
    return rc < 0 ? rc : 0;
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return a < b ? -1 : a > b ? 1 : 0;
}

/* Median of the values that are not NaN (a seed whose ratio is undefined,
 * e.g. 0/0 when the loss saturated to exactly 0, does not vote); NaN when
 * none is. Reorders v. */
static double median(double *v, int n)
{
    int m = 0;
    for (int k = 0; k < n; k++)
        if (!isnan(v[k]))
            v[m++] = v[k];
    if (m == 0)
        return NAN;
    qsort(v, (size_t)m, sizeof *v, cmp_double);
    if (m % 2)
        return v[m / 2];
    double a = v[m / 2 - 1], b = v[m / 2];
    return a == b ? a : 0.5 * (a + b); /* a == b also keeps -Inf, -Inf */
}

static void keep_error(GradMap *m, const char *what)
{
    pthread_mutex_lock(&m->err_lock);
    if (!m->err[0])
        snprintf(m->err, sizeof m->err, "%s", what);
    pthread_mutex_unlock(&m->err_lock);
}

static void compute_cell(GradMap *m, int k)
{
    int ix = k % m->cfg.x.n, iy = k / m->cfg.x.n;
    double ratio[GRADMAP_MAX_SEEDS], acc[GRADMAP_MAX_SEEDS];
    char msg[512] = "";
    bool failed = false;
    for (int s = 0; s < m->cfg.seeds && !failed; s++) {
        Settings st;
        failed = cell_settings(m, ix, iy, s, &st, msg, sizeof msg) < 0 ||
                 gradmap_measure(&st, m->cfg.train_iters, &ratio[s], &acc[s], msg, sizeof msg) < 0;
    }
    if (failed) {
        keep_error(m, msg);
    } else {
        m->value[k] = median(ratio, m->cfg.seeds);
        m->accuracy[k] = median(acc, m->cfg.seeds);
    }
    atomic_store_explicit(&m->ready[k], 1, memory_order_release);
    atomic_fetch_add(&m->filled, 1);
}

static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Takes cells until none is left or the map is cancelled. */
static void work(GradMap *m, int index)
{
    int n = m->cfg.x.n * m->cfg.y.n;
    double c0 = thread_cpu_s();
    while (!atomic_load(&m->cancel)) {
        int k = atomic_fetch_add(&m->next, 1);
        if (k >= n)
            break;
        compute_cell(m, k);
    }
    m->worker_cpu[index] = thread_cpu_s() - c0;
}

static void *worker(void *arg)
{
    WorkerArg *w = arg;
    work(w->m, w->index);
    return NULL;
}

int gradmap_start(GradMap *m, char *msg, size_t cap)
{
    if (!m || m->started || atomic_load(&m->next) > 0)
        return fail(msg, cap, "%s%s", "the map is already running or done", "");
    la_single_thread();
    for (int i = 0; i < m->threads; i++) {
        m->args[i] = (WorkerArg){m, i};
        if (pthread_create(&m->workers[i], NULL, worker, &m->args[i]) != 0) {
            gradmap_cancel(m);
            gradmap_wait(m);
            return fail(msg, cap, "%s%s", "cannot start the map's worker threads", "");
        }
        m->started = i + 1;
    }
    return 0;
}

int gradmap_run(GradMap *m, char *msg, size_t cap)
{
    if (!m || m->started || atomic_load(&m->next) > 0)
        return fail(msg, cap, "%s%s", "the map is already running or done", "");
    la_single_thread();
    work(m, 0);
    return 0;
}

void gradmap_cancel(GradMap *m)
{
    if (m)
        atomic_store(&m->cancel, true);
}

void gradmap_wait(GradMap *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->started; i++)
        pthread_join(m->workers[i], NULL);
    m->started = 0;
}

int gradmap_filled(const GradMap *m)
{
    return atomic_load(&((GradMap *)m)->filled);
}

bool gradmap_done(const GradMap *m)
{
    return gradmap_filled(m) == m->cfg.x.n * m->cfg.y.n;
}

int gradmap_threads(const GradMap *m)
{
    return m->threads;
}

const GradmapConfig *gradmap_config(const GradMap *m)
{
    return &m->cfg;
}

double gradmap_worker_cpu(const GradMap *m, int i)
{
    return m && i >= 0 && i < m->threads ? m->worker_cpu[i] : NAN;
}

double gradmap_x(const GradMap *m, int ix)
{
    return axis_value(&m->cfg.x, m->x_int, ix);
}

double gradmap_y(const GradMap *m, int iy)
{
    return axis_value(&m->cfg.y, m->y_int, iy);
}

bool gradmap_ready(const GradMap *m, int ix, int iy)
{
    if (ix < 0 || iy < 0 || ix >= m->cfg.x.n || iy >= m->cfg.y.n)
        return false;
    atomic_int *r = &((GradMap *)m)->ready[(size_t)iy * m->cfg.x.n + ix];
    return atomic_load_explicit(r, memory_order_acquire) != 0;
}

double gradmap_value(const GradMap *m, int ix, int iy)
{
    return gradmap_ready(m, ix, iy) ? m->value[(size_t)iy * m->cfg.x.n + ix] : NAN;
}

double gradmap_accuracy(const GradMap *m, int ix, int iy)
{
    return gradmap_ready(m, ix, iy) ? m->accuracy[(size_t)iy * m->cfg.x.n + ix] : NAN;
}

const char *gradmap_error(const GradMap *m)
{
    return m->err;
}
