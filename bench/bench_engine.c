/*
 * Engine benchmark: forward + backward of one whole batch, single-threaded
 * BLAS. net_bind once per configuration, then per repetition net_zero_grad,
 * net_forward, net_backward. Warm up, then repeat until the time budget is
 * spent (at least BENCH_MIN_REPS repetitions) and report the median of
 * the wall time and of the thread's CPU time (steadier on a shared machine:
 * time spent preempted by other processes is not counted).
 *
 * Usage: bench_engine [--json] [--seconds S] [NAME...]
 *   --json     print a JSON array (read by bench/compare_torch.py); the BLAS
 *              report then goes to stderr
 *   --seconds  measuring budget per configuration (default 1)
 *   NAME       run only the configurations named (e.g. small-lstm)
 *
 * Shapes: B batch, T steps, I input, H hidden, O output, L layers,
 * G gate blocks (rnn 1, gru 3, lstm 4).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* openblas_* thread control and config, when OpenBLAS; it pulls in
 * <complex.h>, so no identifier here may be I. */
#include <cblas.h>

#include "net.h"
#include "rng.h"

#define BENCH_MIN_REPS 5
#define BENCH_WARMUP_SEC 0.1

typedef struct {
    const char *name;
    NetCell cell;
    int batch, steps, input, hidden, output, layers; /* B, T, I, H, O, L */
} BenchConfig;

static const BenchConfig configs[] = {
    {"tiny-rnn", NET_CELL_RNN, 1, 50, 8, 32, 8, 1},
    {"tiny-gru", NET_CELL_GRU, 1, 50, 8, 32, 8, 1},
    {"tiny-lstm", NET_CELL_LSTM, 1, 50, 8, 32, 8, 1},
    {"small-rnn", NET_CELL_RNN, 16, 100, 32, 64, 32, 2},
    {"small-gru", NET_CELL_GRU, 16, 100, 32, 64, 32, 2},
    {"small-lstm", NET_CELL_LSTM, 16, 100, 32, 64, 32, 2},
    {"medium-lstm", NET_CELL_LSTM, 32, 100, 64, 256, 64, 1},
};

typedef struct {
    int reps;
    double median_ms, min_ms, median_cpu_ms, flops, gflops, loss;
} BenchResult;

static double clock_sec(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double now_sec(void)
{
    return clock_sec(CLOCK_MONOTONIC);
}

static double median_sorted(const double *v, int n)
{
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/*
 * Floating-point operations of the matrix products of one forward+backward
 * pass (2 per multiply-add; elementwise work, biases, losses and the
 * contribution norms are not counted, as PyTorch does not do the latter):
 *
 *   per step t, per layer l (in = I for l == 0, else H):
 *     forward   x W_ih^T, h W_hh^T                2 B GH in + 2 B GH H
 *     backward  dW_ih += dpre^T x, dW_hh += ...   2 B GH in + 2 B GH H
 *               dx = dpre W_ih (l > 0 only),      2 B GH in [l > 0]
 *               dh_prev = dpre W_hh               2 B GH H
 *   per step t, head:
 *     forward   y = h W^T                         2 B O H
 *     backward  dW += dy^T h, dh = dy W           4 B O H
 *
 *   flops = T * ( sum_l [6 B GH H + (l > 0 ? 6 : 4) B GH in] + 6 B O H )
 */
static double pass_flops(const BenchConfig *c)
{
    double B = c->batch, H = c->hidden, O = c->output,
           GH = (double)net_gate_count(c->cell) * c->hidden;
    double per_step = 6.0 * B * O * H;
    for (int l = 0; l < c->layers; l++) {
        double in = l == 0 ? c->input : c->hidden;
        per_step += 6.0 * B * GH * H + (l > 0 ? 6.0 : 4.0) * B * GH * in;
    }
    return per_step * c->steps;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int one_pass(Net *net)
{
    net_zero_grad(net);
    int rc = net_forward(net);
    if (rc == NET_OK)
        rc = net_backward(net);
    return rc;
}

/* Random inputs, targets and parameters (uniform +-1/sqrt(H), PyTorch's
 * default range); fills a Net ready to run. NULL on failure. */
static Net *make_net(const BenchConfig *c, Rng *rng)
{
    NetConfig cfg = {
        .cell = c->cell,
        .act = NET_ACT_TANH,
        .input_size = c->input,
        .hidden_size = c->hidden,
        .num_layers = c->layers,
        .output_size = c->output,
        .loss = NET_LOSS_SOFTMAX_CE,
        .targets = NET_TARGETS_ALL,
        .bias_hh = true,
        .max_batch = c->batch,
        .max_steps = c->steps,
    };
    NetError err = {{0}};
    Net *net = net_create(&cfg, &err);
    if (!net) {
        fprintf(stderr, "bench_engine: %s: %s\n", c->name, err.msg);
        return NULL;
    }
    double k = 1.0 / sqrt((double)c->hidden);
    double *p = net_params(net);
    for (size_t i = 0; i < net_num_params(net); i++)
        p[i] = rng_range(rng, -k, k);

    size_t nx = (size_t)c->batch * c->steps * c->input, nc = (size_t)c->batch * c->steps;
    double *x = malloc(sizeof(double) * nx);
    int *cls = malloc(sizeof(int) * nc);
    if (!x || !cls) {
        fprintf(stderr, "bench_engine: %s: out of memory\n", c->name);
        goto out_free;
    }
    for (size_t i = 0; i < nx; i++)
        x[i] = rng_range(rng, -1.0, 1.0);
    for (size_t i = 0; i < nc; i++)
        cls[i] = rng_int(rng, c->output);
    NetBatch batch = {.B = c->batch, .T = c->steps, .x = x, .classes = cls};
    if (net_bind(net, &batch, &err) != NET_OK) {
        fprintf(stderr, "bench_engine: %s: %s\n", c->name, err.msg);
        goto out_free;
    }
    free(x);
    free(cls);
    return net;

out_free:
    free(x);
    free(cls);
    net_destroy(net);
    return NULL;
}

static int run_config(const BenchConfig *c, double budget, BenchResult *res)
{
    Rng rng;
    rng_seed(&rng, 1234);
    Net *net = make_net(c, &rng);
    if (!net)
        return -1;
    int rc = 0, cap = 1024, n = 0;
    double *times = malloc(sizeof(double) * (size_t)cap);
    double *cpu = malloc(sizeof(double) * (size_t)cap);
    if (!times || !cpu)
        goto out_fail;

    /* Warm-up: caches, page faults of the first touch, CPU clock. */
    double t0 = now_sec();
    do {
        if (one_pass(net) != NET_OK)
            goto out_fail;
    } while (now_sec() - t0 < BENCH_WARMUP_SEC);

    double start = now_sec();
    while (n < BENCH_MIN_REPS || now_sec() - start < budget) {
        if (n == cap) {
            double *grown = realloc(times, sizeof(double) * (size_t)cap * 2);
            if (!grown)
                goto out_fail;
            times = grown;
            grown = realloc(cpu, sizeof(double) * (size_t)cap * 2);
            if (!grown)
                goto out_fail;
            cpu = grown;
            cap *= 2;
        }
        double a = now_sec(), ac = clock_sec(CLOCK_THREAD_CPUTIME_ID);
        rc = one_pass(net);
        cpu[n] = clock_sec(CLOCK_THREAD_CPUTIME_ID) - ac;
        times[n++] = now_sec() - a;
        if (rc != NET_OK)
            goto out_fail;
    }
    qsort(times, (size_t)n, sizeof(double), cmp_double);
    qsort(cpu, (size_t)n, sizeof(double), cmp_double);
    res->reps = n;
    res->median_ms = 1e3 * median_sorted(times, n);
    res->min_ms = 1e3 * times[0];
    res->median_cpu_ms = 1e3 * median_sorted(cpu, n);
    res->flops = pass_flops(c);
    res->gflops = res->flops / (res->median_ms * 1e-3) * 1e-9;
    res->loss = net_loss(net);
    free(times);
    free(cpu);
    net_destroy(net);
    return 0;

out_fail:
    fprintf(stderr, "bench_engine: %s: pass failed (%s)\n", c->name, net_last_error(net));
    free(times);
    free(cpu);
    net_destroy(net);
    return -1;
}

/* Which BLAS is loaded, from the library itself and from the process map
 * (the header may say OpenBLAS while another libblas.so was picked). */
static void report_blas(FILE *f)
{
#ifdef OPENBLAS_VERSION
    openblas_set_num_threads(1);
    fprintf(f, "blas: %s (core %s), threads %d\n", openblas_get_config(), openblas_get_corename(),
            openblas_get_num_threads());
#else
    fprintf(f, "blas: not OpenBLAS per <cblas.h>; run with OPENBLAS_NUM_THREADS=1 / "
               "OMP_NUM_THREADS=1 to keep it single-threaded\n");
#endif
    FILE *maps = fopen("/proc/self/maps", "r");
    if (!maps)
        return;
    char line[1024], last[1024] = "";
    while (fgets(line, sizeof line, maps)) {
        char *path = strchr(line, '/');
        if (!path || (!strstr(path, "blas") && !strstr(path, "lapack")))
            continue;
        path[strcspn(path, "\n")] = '\0';
        if (strcmp(path, last) != 0)
            fprintf(f, "blas: mapped %s\n", path);
        snprintf(last, sizeof last, "%s", path);
    }
    fclose(maps);
}

/* No names given: every configuration. */
static bool wanted(const char *name, char **names, int n_names)
{
    for (int i = 0; i < n_names; i++)
        if (!strcmp(names[i], name))
            return true;
    return n_names == 0;
}

int main(int argc, char **argv)
{
    bool json = false;
    double budget = 1.0;
    char **names = argv + 1; /* names are compacted to the front */
    int n_names = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
            budget = atof(argv[++i]);
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "usage: %s [--json] [--seconds S] [NAME...]\n", argv[0]);
            return 2;
        } else {
            names[n_names++] = argv[i];
        }
    }
    /* Only effective if the library has not read it yet; the explicit
     * openblas_set_num_threads(1) in report_blas is what counts. */
    setenv("OPENBLAS_NUM_THREADS", "1", 0);
    report_blas(json ? stderr : stdout);

    int failed = 0, printed = 0;
    if (json)
        printf("[\n");
    for (size_t k = 0; k < sizeof configs / sizeof configs[0]; k++) {
        const BenchConfig *c = &configs[k];
        if (!wanted(c->name, names, n_names))
            continue;
        BenchResult r;
        if (run_config(c, budget, &r) != 0) {
            failed++;
            continue;
        }
        if (json) {
            printf("%s  {\"name\": \"%s\", \"cell\": \"%s\", \"B\": %d, \"T\": %d, \"I\": %d, "
                   "\"H\": %d, \"O\": %d, \"L\": %d, \"reps\": %d, \"median_ms\": %.6g, "
                   "\"median_cpu_ms\": %.6g, \"min_ms\": %.6g, \"flops\": %.6g, "
                   "\"gflops\": %.6g, \"loss\": %.10g}",
                   printed ? ",\n" : "", c->name, net_cell_name(c->cell), c->batch, c->steps,
                   c->input, c->hidden, c->output, c->layers, r.reps, r.median_ms, r.median_cpu_ms,
                   r.min_ms, r.flops, r.gflops, r.loss);
        } else {
            printf("%-12s B=%-3d T=%-4d I=%-3d H=%-4d O=%-3d L=%d  reps %6d  median %9.3f ms  "
                   "cpu %9.3f ms  min %9.3f ms  %7.2f GFLOP/s\n",
                   c->name, c->batch, c->steps, c->input, c->hidden, c->output, c->layers, r.reps,
                   r.median_ms, r.median_cpu_ms, r.min_ms, r.gflops);
        }
        printed++;
        fflush(stdout);
    }
    if (json)
        printf("\n]\n");
    return failed ? 1 : 0;
}
