/*
 * rnnviz map: where gradients vanish, over a grid of two settings. Each
 * cell is log10 ||dL/dh_0|| / ||dL/dh_{T-1}|| (layer 0, the batch a session
 * with those settings shows, median over seeds), computed on every core by
 * the gradmap module, written as CSV or as a PNG heatmap with the ratio-1
 * contour.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h> /* strcasecmp */
#include <time.h>
#include <unistd.h>

#include "atomic_file.h"
#include "commands.h"
#include "drawlist.h"
#include "fonts.h"
#include "gradmap.h"
#include "mapplot.h"
#include "png_out.h"
#include "settings.h"

#define MAP_CELLS MAPPLOT_MAX_PANELS

static void usage(FILE *out)
{
    fprintf(out, "usage: rnnviz map --x KEY:LO:HI:N --y KEY:LO:HI:N --out FILE.png|FILE.csv\n"
                 "                  [--cell rnn|gru|lstm|all] [--seeds 3] [--train N]\n"
                 "                  [--metric ratio|accuracy] [--threads N] [SETTINGS]\n\n"
                 "Sweeps two settings over a grid and measures, for each cell,\n"
                 "  log10 ||dL/dh_0|| / ||dL/dh_{T-1}||  (layer 0, targets \"last\" unless\n"
                 "  --targets is given, on the batch the window shows for those settings)\n"
                 "as the median over seeds SEED, SEED+1, ... Negative: the gradient vanishes\n"
                 "on its way back to step 0; 0 (the contour in the PNG) is ratio 1; positive:\n"
                 "it explodes. With --train N each configuration is trained N iterations\n"
                 "first and the task accuracy is recorded too (--metric accuracy maps it).\n"
                 "--cell all draws rnn tanh, rnn relu, gru and lstm side by side.\n"
                 "KEY is any setting (spectral_radius, steps, hidden, forget_bias, ...);\n"
                 "integer settings are rounded. Defaults: hidden 32, the window's others.\n"
                 "CSV rows: cell, x, y, log10_ratio[, accuracy]; nan, inf, -inf spelled so.\n\n"
                 "example: rnnviz map --cell rnn --x spectral_radius:0.5:2:40 "
                 "--y steps:5:200:40 --out map.png\n");
}

typedef struct {
    const char *out, *cell;
    GradmapConfig cfg;
    bool accuracy, targets_given, png;
} MapArgs;

static int bad(const char *what, const char *value)
{
    fprintf(stderr, "rnnviz map: %s%s%s%s (see rnnviz map --help)\n", what, value ? " '" : "",
            value ? value : "", value ? "'" : "");
    return 2;
}

static int parse_long(const char *v, long lo, long hi, long *out)
{
    char *end = NULL;
    long k = strtol(v, &end, 10);
    if (!*v || *end || k < lo || k > hi)
        return -1;
    *out = k;
    return 0;
}

/* One of map's own options at argv[i] with value v; 1 when it is none. */
static int own_option(MapArgs *a, const char *f, const char *v)
{
    char msg[400];
    long k;
    if (!strcmp(f, "--out") || !strcmp(f, "-o"))
        a->out = v;
    else if (!strcmp(f, "--cell"))
        a->cell = v;
    else if (!strcmp(f, "--x") || !strcmp(f, "--y")) {
        GradmapAxis *ax = f[2] == 'x' ? &a->cfg.x : &a->cfg.y;
        if (gradmap_axis_parse(v, ax, msg, sizeof msg) < 0)
            return bad(msg, NULL);
    } else if (!strcmp(f, "--seeds")) {
        if (parse_long(v, 1, GRADMAP_MAX_SEEDS, &k) < 0)
            return bad("--seeds needs a whole number from 1 to 64, not", v);
        a->cfg.seeds = (int)k;
    } else if (!strcmp(f, "--threads")) {
        if (parse_long(v, 0, GRADMAP_MAX_THREADS, &k) < 0)
            return bad("--threads needs a whole number from 0 (one per core) to 64, not", v);
        a->cfg.threads = (int)k;
    } else if (!strcmp(f, "--train")) {
        if (parse_long(v, 0, 100000000L, &k) < 0)
            return bad("--train needs a whole number of iterations from 0 to 100000000, not", v);
        a->cfg.train_iters = k;
    } else if (!strcmp(f, "--metric")) {
        if (strcmp(v, "ratio") && strcmp(v, "accuracy"))
            return bad("--metric is ratio or accuracy, not", v);
        a->accuracy = !strcmp(v, "accuracy");
    } else
        return 1;
    return 0;
}

static bool is_own(const char *f)
{
    static const char *const own[] = {"--out",   "-o",        "--cell",  "--x",     "--y",
                                      "--seeds", "--threads", "--train", "--metric"};
    for (size_t k = 0; k < sizeof own / sizeof own[0]; k++)
        if (!strcmp(f, own[k]))
            return true;
    return false;
}

static int parse_args(int argc, char **argv, MapArgs *a)
{
    char msg[400];
    for (int i = 1; i < argc;) {
        const char *f = argv[i];
        if (!strcmp(f, "--help") || !strcmp(f, "-h"))
            return usage(stdout), -1;
        if (is_own(f)) {
            if (i + 1 >= argc)
                return bad("missing value for option", f);
            int rc = own_option(a, f, argv[i + 1]);
            if (rc)
                return rc;
            i += 2;
            continue;
        }
        const char *key = NULL;
        if (settings_set_flag(&a->cfg.base, argc, argv, &i, &key, msg, sizeof msg))
            return bad(msg, NULL);
        a->targets_given |= key && !strcmp(key, "targets");
    }
    return 0;
}

static bool ends_with(const char *s, const char *end)
{
    size_t n = strlen(s), m = strlen(end);
    return n >= m && !strcasecmp(s + n - m, end);
}

static int check_args(MapArgs *a)
{
    if (!a->cfg.x.key[0])
        return bad("missing --x KEY:LO:HI:N, e.g. --x spectral_radius:0.5:2:40", NULL);
    if (!a->cfg.y.key[0])
        return bad("missing --y KEY:LO:HI:N, e.g. --y steps:5:200:40", NULL);
    if (!a->out)
        return bad("missing --out FILE.png or FILE.csv", NULL);
    a->png = ends_with(a->out, ".png");
    if (!a->png && !ends_with(a->out, ".csv"))
        return bad("--out must end in .png or .csv:", a->out);
    if (strcmp(a->cell, "rnn") && strcmp(a->cell, "gru") && strcmp(a->cell, "lstm") &&
        strcmp(a->cell, "all"))
        return bad("--cell is rnn, gru, lstm or all, not", a->cell);
    if (a->accuracy && a->cfg.train_iters == 0)
        return bad("--metric accuracy needs --train N (accuracy after N iterations)", NULL);
    if (!a->targets_given)
        a->cfg.base.targets = NET_TARGETS_LAST;
    return 0;
}

typedef struct {
    char name[16];
    NetCell cell;
    NetAct act;
} MapKind;

static int map_kinds(const MapArgs *a, MapKind *out)
{
    static const MapKind all[4] = {{"rnn tanh", NET_CELL_RNN, NET_ACT_TANH},
                                   {"rnn relu", NET_CELL_RNN, NET_ACT_RELU},
                                   {"gru", NET_CELL_GRU, NET_ACT_TANH},
                                   {"lstm", NET_CELL_LSTM, NET_ACT_TANH}};
    if (!strcmp(a->cell, "all")) {
        memcpy(out, all, sizeof all);
        return 4;
    }
    NetAct act = a->cfg.base.nonlinearity;
    out[0] = !strcmp(a->cell, "rnn")   ? all[act == NET_ACT_RELU ? 1 : 0]
             : !strcmp(a->cell, "gru") ? all[2]
                                       : all[3];
    return 1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Starts one map's workers and waits, showing progress on a terminal. */
static int run_one(GradMap *m, const char *name)
{
    char msg[600];
    if (gradmap_start(m, msg, sizeof msg) < 0) {
        fprintf(stderr, "rnnviz map: %s\n", msg);
        return 1;
    }
    const GradmapConfig *c = gradmap_config(m);
    int total = c->x.n * c->y.n;
    bool tty = isatty(STDERR_FILENO);
    while (!gradmap_done(m)) {
        struct timespec nap = {0, 100000000L};
        nanosleep(&nap, NULL);
        if (tty)
            fprintf(stderr, "\rrnnviz map: %s %d/%d cells", name, gradmap_filled(m), total);
    }
    gradmap_wait(m);
    if (tty)
        fputc('\n', stderr);
    if (gradmap_error(m)[0])
        fprintf(stderr, "rnnviz map: %s: some cells failed (left blank): %s\n", name,
                gradmap_error(m));
    return 0;
}

static GradMap *build_map(const MapArgs *a, const MapKind *k)
{
    GradmapConfig cfg = a->cfg;
    char msg[600];
    cfg.base.cell = k->cell;
    cfg.base.nonlinearity = k->act;
    if (k->cell == NET_CELL_GRU)
        cfg.base.bias_hh = true;
    GradMap *m = gradmap_create(&cfg, msg, sizeof msg);
    if (!m)
        fprintf(stderr, "rnnviz map: %s%s%s\n", a->cell && !strcmp(a->cell, "all") ? k->name : "",
                a->cell && !strcmp(a->cell, "all") ? ": " : "", msg);
    return m;
}

static void put_csv_num(FILE *f, double v)
{
    if (isnan(v))
        fputs("nan", f);
    else if (isinf(v))
        fputs(v > 0 ? "inf" : "-inf", f);
    else
        fprintf(f, "%.17g", v);
}

static void put_csv(FILE *f, GradMap *const *maps, const MapKind *kinds, int n)
{
    const GradmapConfig *c = gradmap_config(maps[0]);
    bool acc = c->train_iters > 0;
    fprintf(f, "cell,%s,%s,log10_ratio%s\n", c->x.key, c->y.key, acc ? ",accuracy" : "");
    for (int k = 0; k < n; k++)
        for (int iy = 0; iy < c->y.n; iy++)
            for (int ix = 0; ix < c->x.n; ix++) {
                fprintf(f, "%s,%.17g,%.17g,", kinds[k].name, gradmap_x(maps[k], ix),
                        gradmap_y(maps[k], iy));
                put_csv_num(f, gradmap_value(maps[k], ix, iy));
                if (acc) {
                    fputc(',', f);
                    put_csv_num(f, gradmap_accuracy(maps[k], ix, iy));
                }
                fputc('\n', f);
            }
}

static int write_csv(const char *path, GradMap *const *maps, const MapKind *kinds, int n)
{
    char tmp[AFILE_TMP_CAP];
    FILE *f = afile_open(path, tmp, sizeof tmp);
    if (!f) {
        fprintf(stderr, "rnnviz map: %s: cannot write: %s\n", path, strerror(errno));
        return 1;
    }
    put_csv(f, maps, kinds, n);
    const char *stage = NULL;
    int rc = afile_commit(f, tmp, path, &stage);
    if (rc) {
        fprintf(stderr, "rnnviz map: %s: %s failed: %s\n", path, stage ? stage : "write",
                strerror(rc));
        return 1;
    }
    return 0;
}

/* The settings every panel shares, for the figure's note line. */
static void describe(const GradmapConfig *c, char *out, size_t cap)
{
    static const char *const keys[] = {"hidden",  "steps", "spectral_radius", "task",
                                       "targets", "init",  "batch",           "seed"};
    size_t used = (size_t)snprintf(out, cap, "%d seed(s)%s", c->seeds, "");
    for (size_t k = 0; k < sizeof keys / sizeof keys[0] && used < cap; k++) {
        char v[64];
        if (strcmp(keys[k], c->x.key) && strcmp(keys[k], c->y.key) &&
            settings_get(&c->base, keys[k], v, sizeof v) == 0)
            used += (size_t)snprintf(out + used, cap - used, ", %s %s", keys[k], v);
    }
    if (c->train_iters > 0 && used < cap)
        snprintf(out + used, cap - used, ", trained %ld iterations", c->train_iters);
}

/* Copies each map's values and axes into buf and points the figure at them. */
static void fill_panels(MapFigure *fig, double *buf, GradMap *const *maps, const MapKind *kinds,
                        int n, bool accuracy)
{
    const GradmapConfig *c = gradmap_config(maps[0]);
    int nx = c->x.n, ny = c->y.n;
    double *xs = buf, *ys = buf + nx, *v = buf + nx + ny;
    for (int ix = 0; ix < nx; ix++)
        xs[ix] = gradmap_x(maps[0], ix);
    for (int iy = 0; iy < ny; iy++)
        ys[iy] = gradmap_y(maps[0], iy);
    fig->n_panels = n;
    for (int k = 0; k < n; k++) {
        double *vk = v + (size_t)k * nx * ny;
        for (int iy = 0; iy < ny; iy++)
            for (int ix = 0; ix < nx; ix++)
                vk[(size_t)iy * nx + ix] =
                    accuracy ? gradmap_accuracy(maps[k], ix, iy) : gradmap_value(maps[k], ix, iy);
        fig->panels[k] = (MapPanel){kinds[k].name, nx, ny, xs, ys, vk};
    }
}

static int paint_png(const char *path, const MapFigure *fig, int cells)
{
    int w = fig->n_panels == 1 ? 1100 : 1800, h = fig->n_panels == 1 ? 900 : 1500;
    FontsError ferr = {{0}};
    Fonts *fonts = fonts_create(NULL, &ferr);
    DrawList *dl = dl_create(cells + 40000, 1u << 20, 1024);
    int rc = 1;
    if (!fonts || !dl) {
        fprintf(stderr, "rnnviz map: %s\n", fonts ? "out of memory for the picture" : ferr.msg);
    } else if (mapplot_draw(dl, fig, 0.0f, 0.0f, (float)w, (float)h) < 0) {
        fprintf(stderr, "rnnviz map: the picture did not fit its draw list\n");
    } else {
        PngError perr = {{0}};
        rc = png_out_write(dl, w, h, dl_rgba(255, 255, 255, 255), fonts, path, &perr) ? 1 : 0;
        if (rc)
            fprintf(stderr, "rnnviz map: %s\n", perr.msg);
    }
    dl_destroy(dl);
    fonts_destroy(fonts);
    return rc;
}

static int write_png(const MapArgs *a, GradMap *const *maps, const MapKind *kinds, int n)
{
    const GradmapConfig *c = gradmap_config(maps[0]);
    int nx = c->x.n, ny = c->y.n;
    double *buf = malloc(((size_t)nx + ny + (size_t)n * nx * ny) * sizeof(double));
    if (!buf) {
        fprintf(stderr, "rnnviz map: out of memory for the picture\n");
        return 1;
    }
    char value_label[200], note[400];
    MapFigure fig = {.x_label = c->x.key,
                     .y_label = c->y.key,
                     .value_label = value_label,
                     .note = note,
                     .diverging = !a->accuracy,
                     .contour = !a->accuracy};
    fill_panels(&fig, buf, maps, kinds, n, a->accuracy);
    if (a->accuracy) {
        snprintf(value_label, sizeof value_label,
                 "task accuracy after %ld training iterations (median over seeds)", c->train_iters);
        fig.vmin = 0.0;
        fig.vmax = 1.0;
    } else {
        snprintf(value_label, sizeof value_label,
                 "log10 ||dL/dh_0|| / ||dL/dh_T-1||  (layer 0, median over seeds)");
        mapplot_symmetric_range(&fig, &fig.vmin, &fig.vmax);
    }
    describe(c, note, sizeof note);
    int rc = paint_png(a->out, &fig, n * nx * ny);
    free(buf);
    return rc;
}

static int run_all(const MapArgs *a)
{
    MapKind kinds[MAP_CELLS];
    GradMap *maps[MAP_CELLS] = {NULL};
    int n = map_kinds(a, kinds), rc = 0;
    double t0 = now_s();
    for (int k = 0; k < n && !rc; k++) {
        maps[k] = build_map(a, &kinds[k]);
        rc = maps[k] ? run_one(maps[k], kinds[k].name) : 1;
    }
    if (!rc) {
        rc = a->png ? write_png(a, maps, kinds, n) : write_csv(a->out, maps, kinds, n);
        const GradmapConfig *c = gradmap_config(maps[0]);
        if (!rc)
            fprintf(stderr,
                    "rnnviz map: %d x %d cells x %d seed(s) x %d map(s) in %.2f s on %d "
                    "thread(s); wrote %s\n",
                    c->x.n, c->y.n, c->seeds, n, now_s() - t0, gradmap_threads(maps[0]), a->out);
    }
    for (int k = 0; k < n; k++)
        gradmap_destroy(maps[k]);
    return rc;
}

int cmd_map(int argc, char **argv)
{
    MapArgs a = {.out = NULL, .cell = "rnn"};
    settings_default(&a.cfg.base);
    a.cfg.base.hidden = 32;
    a.cfg.seeds = 3;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    rc = check_args(&a);
    return rc ? rc : run_all(&a);
}
