/*
 * Gradient-map benchmark: a 40 x 40 map (spectral_radius 0.5..2 x steps
 * 5..200) of an rnn tanh, H = 32, 3 seeds, computed twice in the same run:
 * serially on this thread (gradmap_run) and on worker threads, one per
 * online core (gradmap_start). Prints both wall times, the speed-up, the
 * load average before and after (other processes share the cores: a
 * loaded machine lowers the speed-up), and checks that the two maps are
 * equal bit for bit. The CPU time of each run is printed too: when the
 * parallel run's CPU time matches the serial one, the work itself splits
 * without overhead and a lower speed-up comes from the shared cores. The
 * last line estimates the speed-up on idle cores from CPU times alone
 * (serial CPU time over the busiest worker's): an estimate, not the
 * measured figure, for a machine that is never quiet.
 *
 *   bench_map [--cell rnn|gru|lstm] [--n 40] [--threads N] [--rounds R]
 *
 * With --rounds R > 1 the serial and parallel runs alternate R times and
 * the best of each is compared. Exits 1 when the maps differ or the
 * speed-up is under 1.8 on two or more threads.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gradmap.h"
#include "settings.h"

typedef struct {
    const char *cell;
    int n, threads, rounds;
} BenchArgs;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static GradMap *make_map(const BenchArgs *a, int threads)
{
    GradmapConfig c = {.seeds = 3, .threads = threads};
    char msg[600], spec[64];
    settings_default(&c.base);
    if (settings_set(&c.base, "cell", a->cell, msg, sizeof msg) ||
        settings_set(&c.base, "hidden", "32", msg, sizeof msg) ||
        settings_set(&c.base, "targets", "last", msg, sizeof msg))
        goto fail;
    snprintf(spec, sizeof spec, "spectral_radius:0.5:2:%d", a->n);
    if (gradmap_axis_parse(spec, &c.x, msg, sizeof msg) < 0)
        goto fail;
    snprintf(spec, sizeof spec, "steps:5:200:%d", a->n);
    if (gradmap_axis_parse(spec, &c.y, msg, sizeof msg) < 0)
        goto fail;
    GradMap *m = gradmap_create(&c, msg, sizeof msg);
    if (m)
        return m;
fail:
    fprintf(stderr, "bench_map: %s\n", msg);
    exit(2);
}

static double time_serial(const BenchArgs *a, GradMap **out, double *serial_cpu)
{
    char msg[600];
    GradMap *m = make_map(a, 1);
    double t0 = now_s();
    gradmap_run(m, msg, sizeof msg);
    double t = now_s() - t0;
    *serial_cpu = gradmap_worker_cpu(m, 0);
    printf("  serial CPU %.3f s\n", *serial_cpu);
    *out = m;
    return t;
}

static double time_parallel(const BenchArgs *a, GradMap **out, double *busiest_cpu)
{
    char msg[600];
    GradMap *m = make_map(a, a->threads);
    double t0 = now_s(), c0 = cpu_s();
    if (gradmap_start(m, msg, sizeof msg) < 0) {
        fprintf(stderr, "bench_map: %s\n", msg);
        exit(2);
    }
    while (!gradmap_done(m)) {
        struct timespec nap = {0, 1000000L};
        nanosleep(&nap, NULL);
    }
    gradmap_wait(m);
    double t = now_s() - t0, busiest = 0.0;
    printf("  parallel CPU %.3f s (all threads), per worker:", cpu_s() - c0);
    for (int i = 0; i < gradmap_threads(m); i++) {
        printf(" %.3f", gradmap_worker_cpu(m, i));
        busiest = fmax(busiest, gradmap_worker_cpu(m, i));
    }
    printf(" s\n");
    *busiest_cpu = busiest;
    *out = m;
    return t;
}

static bool maps_equal(const GradMap *a, const GradMap *b, int n)
{
    for (int iy = 0; iy < n; iy++)
        for (int ix = 0; ix < n; ix++) {
            double x = gradmap_value(a, ix, iy), y = gradmap_value(b, ix, iy);
            if (memcmp(&x, &y, sizeof x) != 0)
                return false;
        }
    return true;
}

static void print_load(const char *when)
{
    double load[3] = {0};
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
            load[0] = load[1] = load[2] = NAN;
        fclose(f);
    }
    printf("load average %s: %.2f %.2f %.2f\n", when, load[0], load[1], load[2]);
}

static void parse(int argc, char **argv, BenchArgs *a)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--cell"))
            a->cell = argv[i + 1];
        else if (!strcmp(argv[i], "--n"))
            a->n = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--threads"))
            a->threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--rounds"))
            a->rounds = atoi(argv[i + 1]);
    }
    if (a->n < 2 || a->n > GRADMAP_MAX_AXIS || a->rounds < 1 || a->threads < 0) {
        fprintf(stderr, "usage: bench_map [--cell C] [--n 40] [--threads N] [--rounds R]\n");
        exit(2);
    }
}

int main(int argc, char **argv)
{
    BenchArgs a = {"rnn", 40, 0, 1};
    parse(argc, argv, &a);
    double best_s = INFINITY, best_p = INFINITY, cpu_s1 = INFINITY, cpu_busiest = INFINITY;
    bool equal = true;
    int threads = 0;
    print_load("before");
    for (int r = 0; r < a.rounds; r++) {
        GradMap *ser, *par;
        double c_ser, c_busy;
        double ts = time_serial(&a, &ser, &c_ser), tp = time_parallel(&a, &par, &c_busy);
        cpu_s1 = fmin(cpu_s1, c_ser);
        cpu_busiest = fmin(cpu_busiest, c_busy);
        threads = gradmap_threads(par);
        equal = equal && maps_equal(ser, par, a.n);
        printf("round %d: serial %.3f s, %d threads %.3f s, speed-up %.2fx\n", r + 1, ts, threads,
               tp, ts / tp);
        best_s = fmin(best_s, ts);
        best_p = fmin(best_p, tp);
        gradmap_destroy(ser);
        gradmap_destroy(par);
    }
    print_load("after");
    printf("%s map %dx%d, T 5..200, H 32, 3 seeds: serial %.3f s, %d threads %.3f s, "
           "speed-up %.2fx; maps %s\n",
           a.cell, a.n, a.n, best_s, threads, best_p, best_s / best_p,
           equal ? "bit-identical" : "DIFFER");
    printf("CPU-time estimate (a core per worker): serial CPU %.3f s / busiest worker %.3f s "
           "= %.2fx\n",
           cpu_s1, cpu_busiest, cpu_s1 / cpu_busiest);
    return !equal || (threads >= 2 && best_s / best_p < 1.8) ? 1 : 0;
}
