/* Soak (ctest label "soak", not in scripts/test.sh's default run; run it
 * with `ctest -L soak`): a long headless session, 100,000 iterations of
 * training interleaved with stepping, going back, updates, a view drawn
 * every few iterations and a PNG and an SVG rendered every few hundred,
 * plus now and then a rebuild (set) and a reset. Resident memory
 * (/proc/self/statm) is taken after a warm-up and at the end and must stay
 * flat: a leak of even a few bytes per iteration would show as more than
 * the allowed 1 MiB. The font cache must stay bounded too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <malloc.h> /* mallinfo2: bytes in use, to tell a leak from heap growth */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fonts.h"
#include "render_file.h"
#include "session.h"
#include "settings.h"
#include "view.h"

#define SOAK_ITERS 100000L
#define SOAK_WARMUP 10000L
#define SOAK_MAX_GROWTH (1L << 20)

/* Resident bytes, all of them or only the anonymous ones (resident minus
 * file-backed shared pages, which shared libraries bring in lazily). */
static long resident_bytes_of(bool anon)
{
    FILE *f = fopen("/proc/self/statm", "r");
    assert_non_null(f);
    long size = 0, resident = 0, shared = 0;
    assert_int_equal(fscanf(f, "%ld %ld %ld", &size, &resident, &shared), 3);
    fclose(f);
    return (anon ? resident - shared : resident) * sysconf(_SC_PAGESIZE);
}

static long resident_bytes(void)
{
    return resident_bytes_of(false);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void check(int rc, const char *what, const char *msg)
{
    if (rc)
        fail_msg("%s: %s", what, msg);
}

/* One loop of the soak; i counts training iterations. */
static void soak_step(Session *s, long i, Fonts *fonts, DrawList *dl, HitList *hits,
                      const char *png, const char *svg)
{
    char msg[600];
    check(sess_train(s, 1, msg, sizeof msg), "train", msg);
    check(sess_step(s, 1 + (int)(i % 7), msg, sizeof msg), "step", msg);
    if (i % 5 == 0)
        check(sess_back(s, 2, msg, sizeof msg), "back", msg);
    if (i % 11 == 0)
        check(sess_update(s, msg, sizeof msg), "update", msg);
    ViewParams vp = {.win_w = 1280, .win_h = 720, .measure = fonts_measure(fonts)};
    if (i % 10 == 0) {
        sess_display(s)->plot = (SessPlot)(i / 10 % PLOT_COUNT);
        view_draw(sess_view_model(s), &vp, dl, hits);
        assert_false(dl_overflowed(dl));
    }
    if (i % 500 == 0) {
        check(render_session_file(s, &vp, fonts, i % 1000 ? svg : png, msg, sizeof msg), "render",
              msg);
    }
    if (i % 5000 == 2500) {
        /* a rebuild and back: frees and allocates every buffer */
        check(sess_set(s, "hidden", i / 5000 % 2 ? "10" : "8", msg, sizeof msg), "set", msg);
        check(sess_set(s, "optimizer", i / 5000 % 2 ? "adam" : "sgd", msg, sizeof msg), "set", msg);
    }
    if (i % 20000 == 0)
        check(sess_reset(s, msg, sizeof msg), "reset", msg);
}

static void test_soak_memory_flat(void **state)
{
    (void)state;
    Settings st;
    settings_default(&st);
    char msg[600];
    const char *kv[][2] = {{"task", "mod3"}, {"hidden", "8"}, {"steps", "10"}, {"batch", "4"}};
    for (size_t k = 0; k < sizeof kv / sizeof kv[0]; k++)
        check(settings_set(&st, kv[k][0], kv[k][1], msg, sizeof msg), kv[k][0], msg);
    Session *s = sess_create(&st, msg, sizeof msg);
    if (!s)
        fail_msg("sess_create: %s", msg);
    FontsError ferr = {{0}};
    Fonts *fonts = fonts_create(NULL, &ferr);
    if (!fonts)
        fail_msg("fonts: %s", ferr.msg);
    DrawList *dl = dl_create(RENDER_MAX_CMDS, RENDER_MAX_TEXT, RENDER_MAX_POINTS);
    assert_non_null(dl);
    static HitList hits;
    char dir[] = "/tmp/rnnviz-soak-XXXXXX", png[64], svg[64];
    assert_non_null(mkdtemp(dir));
    snprintf(png, sizeof png, "%s/soak.png", dir);
    snprintf(svg, sizeof svg, "%s/soak.svg", dir);

    double t0 = now();
    long warm = 0, used_warm = 0;
    FontsStats fs_warm = {0, 0, 0, 0};
    for (long i = 1; i <= SOAK_ITERS; i++) {
        soak_step(s, i, fonts, dl, &hits, png, svg);
        if (i % SOAK_WARMUP == 0)
            print_message("  %6ld: resident %.3f MiB (anonymous %.3f), heap in use %.3f MiB\n", i,
                          resident_bytes() / 1048576.0, resident_bytes_of(true) / 1048576.0,
                          mallinfo2().uordblks / 1048576.0);
        if (i == SOAK_WARMUP) {
            warm = resident_bytes();
            used_warm = (long)mallinfo2().uordblks;
            fs_warm = fonts_stats(fonts);
        }
    }
    long end = resident_bytes(), used_end = (long)mallinfo2().uordblks;
    FontsStats fs_end = fonts_stats(fonts);
    double secs = now() - t0;
    print_message("soak: %ld iterations in %.1f s; resident %.2f MiB after %ld, %.2f MiB at the "
                  "end (growth %+ld bytes); heap in use %+ld bytes; font cache %d runs / %zu "
                  "bytes after warm-up, %d / %zu at the end\n",
                  SOAK_ITERS, secs, warm / 1048576.0, SOAK_WARMUP, end / 1048576.0, end - warm,
                  used_end - used_warm, fs_warm.entries, fs_warm.bytes, fs_end.entries,
                  fs_end.bytes);
    if (end - warm >= SOAK_MAX_GROWTH)
        fail_msg("resident memory grew by %ld bytes after warm-up", end - warm);
    /* the cache is bounded, not growing with every new number drawn */
    assert_true(fs_end.bytes <= 2 * fs_warm.bytes + (256u << 10));

    unlink(png);
    unlink(svg);
    rmdir(dir);
    dl_destroy(dl);
    fonts_destroy(fonts);
    sess_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_soak_memory_flat),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
