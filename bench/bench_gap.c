/*
 * Frame gaps at the largest sizes: the app driven headlessly on a real
 * monotonic clock, each frame a tick, the draw list and the software
 * paint, as the window makes it. For each of two networks at the limits,
 *   B = 4096, T = 1000 (the default cell, H 8)   and   H = 1024, L = 8, T = 10000,
 * it times creating the session, then presses T and runs frames for 3 s,
 * presses T again, then F (forward all) and B (backward all), each with
 * frames until the pass is done (or --cap seconds have passed), and
 * prints the longest gap between the ends of two frames in each phase
 * (a key's handling included). A gap over 100 ms misses the target
 * (exit 1).
 *
 *   bench_gap [--size WxH] [--cap SECONDS] [--only 1|2]
 *
 * Run with OPENBLAS_NUM_THREADS=1 on a shared machine; wall time counts
 * other processes, so the load average is printed beside the figures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "fonts.h"
#include "raster.h"
#include "render_file.h" /* draw-list capacities of the largest view */
#include "session.h"
#include "settings.h"

#define TARGET_GAP_MS 100.0
#define TRAIN_SECONDS 3.0

typedef struct {
    App *app;
    Fonts *fonts;
    DrawList *dl;
    RasterCanvas *cv;
    double last, worst; /* ms */
    long frames;
} Gap;

static double wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void frame(Gap *g)
{
    double t = wall_ms();
    app_handle(g->app, &(AppEvent){.kind = APP_EV_TICK, .dt = (t - g->last) / 1e3});
    app_draw(g->app, g->dl);
    raster_clear(g->cv, app_background(g->app));
    raster_paint(g->cv, g->dl, g->fonts);
    double end = wall_ms();
    if (end - g->last > g->worst)
        g->worst = end - g->last;
    g->last = end;
    g->frames++;
}

static void key(Gap *g, int k)
{
    app_handle(g->app, &(AppEvent){.kind = APP_EV_KEY, .key = k});
}

/* A key, then frames until done says so or cap seconds pass; prints the
 * phase's longest gap and returns it. */
static double phase(Gap *g, const char *name, int k, double seconds, double cap)
{
    g->worst = 0;
    g->frames = 0;
    double start = wall_ms();
    g->last = start;
    if (k)
        key(g, k);
    int cursor0 = sess_cursor(app_session(g->app));
    do
        frame(g);
    while (wall_ms() - start < seconds * 1e3 ||
           (seconds == 0 && app_pass_busy(g->app) && wall_ms() - start < cap * 1e3));
    double s = (wall_ms() - start) / 1e3;
    const Session *ss = app_session(g->app);
    printf("  %-9s %6.1f s  %6ld frames  longest gap %7.1f ms%s  (ops %d -> %d of %d, "
           "iteration %ld)\n",
           name, s, g->frames, g->worst, g->worst > TARGET_GAP_MS ? "  MISSED" : "", cursor0,
           sess_cursor(ss), sess_op_count(ss) - 1, sess_iteration(ss));
    fflush(stdout);
    return g->worst;
}

static double run_case(Gap *g, const char *label, const char *flags[][2], int n, int w, int h,
                       double cap)
{
    Settings st;
    settings_default(&st);
    char msg[600];
    for (int i = 0; i < n; i++)
        if (settings_set(&st, flags[i][0], flags[i][1], msg, sizeof msg)) {
            fprintf(stderr, "bench_gap: %s\n", msg);
            return 1e9;
        }
    double t0 = wall_ms();
    Session *s = sess_create(&st, msg, sizeof msg);
    double made = wall_ms() - t0;
    if (!s) {
        fprintf(stderr, "bench_gap: %s\n", msg);
        return 1e9;
    }
    AppHooks hooks = {.now = app_monotonic_now, .measure = fonts_measure(g->fonts)};
    g->app = app_create(&hooks, s, w, h);
    printf("%s: creating the session took %.1f s (not sliced: the app gets it made)\n", label,
           made / 1e3);
    double worst = phase(g, "first", 0, 0.5, cap);
    double p = phase(g, "T 3 s", 't', TRAIN_SECONDS, cap);
    worst = p > worst ? p : worst;
    p = phase(g, "T off", 't', 0.3, cap);
    worst = p > worst ? p : worst;
    p = phase(g, "F", 'f', 0, cap);
    worst = p > worst ? p : worst;
    p = phase(g, "B", 'b', 0, cap);
    worst = p > worst ? p : worst;
    app_destroy(g->app);
    g->app = NULL;
    return worst;
}

int main(int argc, char **argv)
{
    int w = 1280, h = 720, only = 0;
    double cap = 120;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--size") && sscanf(argv[i + 1], "%dx%d", &w, &h) == 2)
            continue;
        if (!strcmp(argv[i], "--cap"))
            cap = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--only"))
            only = atoi(argv[i + 1]);
        else {
            fprintf(stderr, "usage: bench_gap [--size WxH] [--cap SECONDS] [--only 1|2]\n");
            return 2;
        }
    }
    FontsError ferr = {{0}};
    Gap g = {0};
    g.fonts = fonts_create(NULL, &ferr);
    g.dl = dl_create(RENDER_MAX_CMDS, RENDER_MAX_TEXT, RENDER_MAX_POINTS);
    g.cv = raster_canvas_create(w, h);
    if (!g.fonts || !g.dl || !g.cv) {
        fprintf(stderr, "bench_gap: %s\n", g.fonts ? "out of memory" : ferr.msg);
        return 1;
    }
    static const char *wide[][2] = {{"batch", "4096"}, {"steps", "1000"}};
    static const char *deep[][2] = {{"hidden", "1024"}, {"layers", "8"}, {"steps", "10000"}};
    double worst = 0, p;
    if (only != 2 && (p = run_case(&g, "B 4096, T 1000", wide, 2, w, h, cap)) > worst)
        worst = p;
    if (only != 1 && (p = run_case(&g, "H 1024, L 8, T 10000", deep, 3, w, h, cap)) > worst)
        worst = p;
    double load[3] = {0};
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
            load[0] = -1;
        fclose(f);
    }
    printf("gaps: longest %.0f ms (target %.0f), load average %.2f\n", worst, TARGET_GAP_MS,
           load[0]);
    raster_canvas_destroy(g.cv);
    dl_destroy(g.dl);
    fonts_destroy(g.fonts);
    return worst <= TARGET_GAP_MS ? 0 : 1;
}
