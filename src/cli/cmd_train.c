/*
 * rnnviz train: trains a network on a synthetic task from the terminal.
 * Every setting is a flag (--spectral-radius 0.8 sets spectral_radius);
 * the command's own flags are --iters, --save, --csv and --quiet.
 * Progress goes to stderr (a bar when it is a terminal, a line every
 * tenth of the run otherwise); the results go to stdout.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h> /* isatty, fsync */

#include "atomic_file.h"
#include "commands.h"
#include "csv_num.h"
#include "model_io.h"
#include "net.h"
#include "settings.h"
#include "train.h"

#define MAX_ITERS 100000000L
/* Sequences the final accuracy is measured on, at least. */
#define EVAL_SEQUENCES 64

typedef struct {
    long iters;
    const char *save_path;
    const char *csv_path;
    bool quiet;
} TrainArgs;

typedef struct {
    FILE *csv;
    bool tty, quiet;
    long total, every;
    double start, last_draw;
    int L, T;
    int csv_errno; /* why a CSV row could not be written */
} Progress;

/* Ctrl+C: the pass stops at the next time step (the network's yield
 * hook), the iteration is dropped, and the rows logged so far are kept. */
static volatile sig_atomic_t interrupted;

static void usage(FILE *out)
{
    int n;
    const SettingsKey *keys = settings_keys(&n);
    fprintf(out, "usage: rnnviz train [--task T] [--cell C] [--hidden H] [--layers L] [--steps T]\n"
                 "                    [--iters N] [--optimizer O] [--lr X] [--clip C] [--seed S]\n"
                 "                    [--batch B] [--save MODEL.json] [--csv LOG.csv] [--quiet]\n\n"
                 "Trains on a synthetic task and prints the final loss and task accuracy.\n\n"
                 "  --iters N           iterations to run (default 1000)\n"
                 "  --save FILE         write the trained model as JSON\n"
                 "  --csv FILE|-        log iteration, loss, grad_norm (before clipping) and\n"
                 "                      grad_h_l{l}_t{t} = ||dL/dh^l_t|| per iteration\n"
                 "  --quiet             no progress output\n\n"
                 "settings (--key VALUE, '-' or '_' alike):\n");
    for (int i = 0; i < n; i++)
        fprintf(out, "  --%-18s %s (%s)\n", keys[i].key, keys[i].help, keys[i].expected);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int parse_iters(const char *v, long *out)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (end == v || *end || n < 1 || n > MAX_ITERS)
        return -1;
    *out = n;
    return 0;
}

/* The command's own flags; returns 1 when argv[*i] was one, -1 on a bad
 * value, 0 when it is not ours. */
static int own_flag(TrainArgs *a, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    const char *names[] = {"--iters", "--save", "--csv"};
    for (int k = 0; k < 3; k++) {
        size_t len = strlen(names[k]);
        if (strncmp(arg, names[k], len) != 0 || (arg[len] && arg[len] != '='))
            continue;
        const char *v = arg[len] == '=' ? arg + len + 1 : NULL;
        if (!v) {
            if (*i + 1 >= argc) {
                fprintf(stderr, "rnnviz train: missing value for %s\n", names[k]);
                return -1;
            }
            v = argv[++*i];
        }
        (*i)++;
        if (k == 0 && parse_iters(v, &a->iters) < 0) {
            fprintf(stderr,
                    "rnnviz train: bad value '%s' for --iters: expected an integer "
                    "from 1 to %ld\n",
                    v, MAX_ITERS);
            return -1;
        }
        if (k == 1)
            a->save_path = v;
        if (k == 2)
            a->csv_path = v;
        return 1;
    }
    if (!strcmp(arg, "--quiet")) {
        a->quiet = true;
        (*i)++;
        return 1;
    }
    return 0;
}

/* 0 ok, 1 help shown, -1 error (message printed). */
static int parse_args(Settings *s, TrainArgs *a, int argc, char **argv)
{
    for (int i = 1; i < argc;) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 1;
        }
        int own = own_flag(a, argc, argv, &i);
        if (own < 0)
            return -1;
        if (own > 0)
            continue;
        char msg[512];
        if (settings_set_flag(s, argc, argv, &i, NULL, msg, sizeof msg) < 0) {
            fprintf(stderr, "rnnviz train: %s\n", msg);
            return -1;
        }
    }
    return 0;
}

static int csv_header(FILE *f, int L, int T)
{
    fprintf(f, "iteration,loss,grad_norm");
    for (int l = 0; l < L; l++)
        for (int t = 0; t < T; t++)
            fprintf(f, ",grad_h_l%d_t%d", l, t);
    return fputc('\n', f) == EOF || ferror(f) ? -1 : 0;
}

static int csv_row(FILE *f, const TrainRecord *r, int L, int T)
{
    char a[CSV_NUM_CAP], b[CSV_NUM_CAP];
    fprintf(f, "%ld,%s,%s", r->iter, csv_num(r->loss, a), csv_num(r->grad_norm, b));
    for (int k = 0; k < L * T; k++)
        fprintf(f, ",%s", csv_num(r->grad_h[k], a));
    return fputc('\n', f) == EOF || ferror(f) ? -1 : 0;
}

static void format_duration(double sec, char *out, size_t cap)
{
    if (!isfinite(sec) || sec < 0)
        sec = 0;
    long s = (long)(sec + 0.5);
    if (s >= 3600)
        snprintf(out, cap, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(out, cap, "%ld:%02ld", s / 60, s % 60);
}

static void draw_bar(const Progress *p, const TrainRecord *r, double t)
{
    enum { WIDTH = 28 };
    double frac = (double)r->iter / (double)p->total;
    double rate = r->iter / fmax(t - p->start, 1e-9);
    char eta[32], bar[WIDTH + 1];
    format_duration((double)(p->total - r->iter) / rate, eta, sizeof eta);
    int fill = (int)(frac * WIDTH);
    for (int k = 0; k < WIDTH; k++)
        bar[k] = k < fill ? '#' : '.';
    bar[WIDTH] = '\0';
    fprintf(stderr, "\r[%s] %3.0f%% %ld/%ld  %.0f it/s  ETA %s  loss %.4g   ", bar, 100 * frac,
            r->iter, p->total, rate, eta, r->loss);
    fflush(stderr);
}

static int on_iteration(const Trainer *tr, const TrainRecord *r, void *user)
{
    (void)tr;
    Progress *p = user;
    if (p->csv && csv_row(p->csv, r, p->L, p->T) < 0) {
        p->csv_errno = errno ? errno : EIO;
        return 1;
    }
    if (interrupted)
        return 1;
    if (p->quiet)
        return 0;
    if (p->tty) {
        double t = now();
        /* redraw at most 10 times a second, and at the end */
        if (t - p->last_draw >= 0.1 || r->iter == p->total) {
            draw_bar(p, r, t);
            p->last_draw = t;
        }
    } else if (r->iter % p->every == 0 || r->iter == p->total) {
        fprintf(stderr, "iteration %ld/%ld  loss %.6g  accuracy %.3f  grad_norm %.6g%s\n", r->iter,
                p->total, r->loss, r->accuracy, r->grad_norm,
                r->skipped ? "  (non-finite: update skipped)" : "");
    }
    return 0;
}

/* Accuracy on fresh sequences (at least EVAL_SEQUENCES) after training. */
static int evaluate(Trainer *tr, double *loss, double *acc, NetError *err)
{
    int B = train_config(tr)->batch;
    int rounds = (EVAL_SEQUENCES + B - 1) / B;
    double sl = 0, sa = 0;
    for (int k = 0; k < rounds; k++) {
        double l, a;
        if (train_evaluate(tr, B, &l, &a, err) < 0)
            return -1;
        sl += l;
        sa += a;
    }
    *loss = sl / rounds;
    *acc = sa / rounds;
    return 0;
}

static int report(Trainer *tr, const TrainArgs *a, const Settings *s)
{
    const TrainRecord *last = train_last(tr);
    NetError err = {{0}};
    /* with the CSV on stdout, the summary goes to stderr */
    FILE *out = a->csv_path && !strcmp(a->csv_path, "-") ? stderr : stdout;
    double eval_loss, eval_acc;
    if (evaluate(tr, &eval_loss, &eval_acc, &err) < 0) {
        fprintf(stderr, "rnnviz train: %s\n", err.msg);
        return 1;
    }
    int rounds = (EVAL_SEQUENCES + s->batch - 1) / s->batch;
    fprintf(out, "task %s, %s, hidden %d, layers %d, steps %d, batch %d, %s lr %g, seed %llu\n",
            task_kind_name(s->task), net_cell_name(s->cell), s->hidden, s->layers, s->steps,
            s->batch, optim_kind_name(s->optimizer), s->learning_rate, (unsigned long long)s->seed);
    fprintf(out, "iterations: %ld\n", a->iters);
    fprintf(out, "final loss: %.6g (last batch)\n", last->loss);
    fprintf(out, "final grad_norm: %.6g (before clipping)\n", last->grad_norm);
    fprintf(out, "task accuracy: %.1f%% (%d fresh sequences; loss %.6g)\n", 100.0 * eval_acc,
            rounds * s->batch, eval_loss);
    if (a->save_path) {
        if (model_save(train_net_const(tr), a->save_path, &err) < 0) {
            fprintf(stderr, "rnnviz train: %s\n", err.msg);
            return 1;
        }
        fprintf(out, "saved: %s\n", a->save_path);
    }
    return 0;
}

/* Whether the directory a file would go in exists and takes writes. */
static bool dir_writable(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    return access(dir, W_OK) == 0;
}

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

static bool stop_requested(void *user)
{
    (void)user;
    return interrupted != 0;
}

/* The save target and its directory, checked before training. */
static int check_save_target(const char *path)
{
    if (!path)
        return 0;
    int e = dir_writable(path) ? afile_check(path) : errno;
    if (e)
        fprintf(stderr, "rnnviz train: %s: cannot save: %s\n", path, afile_strerror(e));
    return e ? -1 : 0;
}

/* Opens the log (a temporary renamed over its path at the end, so a failed
 * run leaves any previous log whole; or stdout for '-') with its header. */
static int open_log(Progress *p, const char *path, char *tmp, size_t cap)
{
    if (!path)
        return 0;
    bool to_stdout = !strcmp(path, "-");
    p->csv = to_stdout ? stdout : afile_open(path, tmp, cap);
    if (p->csv && csv_header(p->csv, p->L, p->T) == 0)
        return 0;
    fprintf(stderr, "rnnviz train: %s: cannot write: %s\n", to_stdout ? "stdout" : path,
            afile_strerror(errno));
    return -1;
}

/* Flushes the log to its path (or stdout); 0 or -1 with a message. */
static int close_log(Progress *p, const char *path, const char *tmp)
{
    FILE *f = p->csv;
    p->csv = NULL;
    if (!f)
        return 0;
    int e = !strcmp(path, "-") ? (fflush(f) != 0 ? errno : 0) : afile_commit(f, tmp, path, NULL);
    if (e)
        fprintf(stderr, "rnnviz train: %s: cannot write: %s\n", path, afile_strerror(e));
    return e ? -1 : 0;
}

/* Runs the iterations; the exit status (0 to go on to the report). */
static int run_training(Trainer *tr, const TrainArgs *a, Progress *p, const char *csv_tmp)
{
    NetError err = {{0}};
    interrupted = 0;
    void (*old)(int) = signal(SIGINT, on_sigint);
    net_set_yield(train_net(tr), stop_requested, NULL);
    long done = train_run(tr, a->iters, on_iteration, p, &err);
    net_set_yield(train_net(tr), NULL, NULL);
    signal(SIGINT, old);
    if (p->tty && !p->quiet)
        fputc('\n', stderr);
    if (done < 0) {
        fprintf(stderr, "rnnviz train: %s\n", err.msg);
        return 1;
    }
    if (done < a->iters && !interrupted) {
        fprintf(stderr, "rnnviz train: %s: cannot write: %s\n", a->csv_path,
                strerror(p->csv_errno));
        return 1;
    }
    if (close_log(p, a->csv_path, csv_tmp) < 0)
        return 1;
    if (interrupted) {
        fprintf(stderr, "rnnviz train: interrupted after %ld iterations%s%s%s\n", done,
                a->csv_path ? " (" : "", a->csv_path ? a->csv_path : "",
                a->csv_path ? " holds them)" : "");
        return 130;
    }
    return 0;
}

int cmd_train(int argc, char **argv)
{
    Settings s;
    settings_default(&s);
    TrainArgs a = {.iters = 1000};
    int rc = parse_args(&s, &a, argc, argv);
    if (rc)
        return rc > 0 ? 0 : 2;
    /* a model that cannot be saved is found out before training, not after */
    if (check_save_target(a.save_path) < 0)
        return 1;
    NetError err = {{0}};
    Trainer *tr = settings_trainer(&s, &err);
    if (!tr) {
        fprintf(stderr, "rnnviz train: %s\n", err.msg);
        return 2;
    }
    Progress p = {
        .tty = isatty(STDERR_FILENO),
        .quiet = a.quiet,
        .total = a.iters,
        .every = a.iters >= 10 ? a.iters / 10 : 1,
        .start = now(),
        .L = net_config(train_net_const(tr))->num_layers,
        .T = s.steps,
    };
    char csv_tmp[AFILE_TMP_CAP];
    int status = open_log(&p, a.csv_path, csv_tmp, sizeof csv_tmp) < 0 ? 1 : 0;
    if (status == 0)
        status = run_training(tr, &a, &p, csv_tmp);
    if (status == 0)
        status = report(tr, &a, &s);
    if (p.csv && p.csv != stdout)
        afile_abort(p.csv, csv_tmp);
    train_destroy(tr);
    return status;
}
