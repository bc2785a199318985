/* The window, wiring only: the app (src/app) is the program, the SDL window
 * (src/backend/window.c) turns events into app events and paints the app's
 * draw list. init, then while running { input; update; draw }, shutdown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "commands.h"
#include "fonts.h"
#include "lesson_run.h"
#include "render_file.h"
#include "screen_rec.h" /* SCREEN_REC_FPS */
#include "window.h"
#include "winplace.h"

typedef struct {
    App *app;
    Win *win;
    Fonts *fonts;
    DrawList *dl;
} Wiring;

static void set_fullscreen(void *ctx, bool on)
{
    win_set_fullscreen(((Wiring *)ctx)->win, on);
}

static int save(void *ctx, const Session *s, const ViewParams *vp, const char *path, char *msg,
                size_t cap)
{
    return render_session_file(s, vp, ((Wiring *)ctx)->fonts, path, msg, cap);
}

/* M: the window records what it presents (start with path, stop with NULL). */
static int record(void *ctx, const char *path, char *msg, size_t cap)
{
    Wiring *w = ctx;
    WinError err = {{0}};
    long frames = 0;
    msg[0] = '\0';
    if (path) {
        if (win_record_start(w->win, path, &err) == 0)
            return 0;
    } else if (win_record_stop(w->win, &frames, &err) == 0) {
        snprintf(msg, cap, "recorded %ld frames (%.1f s)", frames, (double)frames / SCREEN_REC_FPS);
        return 0;
    }
    snprintf(msg, cap, "%s", err.msg);
    return -1;
}

static void redraw(void *ctx)
{
    Wiring *w = ctx;
    char msg[600];
    app_draw(w->app, w->dl);
    win_present(w->win, w->dl, app_background(w->app));
    if (win_record_failed(w->win, msg, sizeof msg))
        app_record_failed(w->app, msg);
}

static int parse(int argc, char **argv, Settings *st, const char **lesson, bool *has_settings)
{
    char msg[400];
    for (int i = 1; i < argc;) {
        size_t n = strlen(argv[i]);
        if (argv[i][0] != '-' && n > 3 && !strcmp(argv[i] + n - 3, ".md")) {
            *lesson = argv[i++];
            continue;
        }
        *has_settings = true;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: rnnviz [window] [LESSON.md | SETTINGS]\n\n"
                   "Opens the window: on a lesson file, on a network made from SETTINGS,\n"
                   "or with neither on the first shipped lesson and the lesson picker.\n"
                   "Press ? in the window for the keys.\n\nsettings (--key VALUE):\n");
            settings_print_help(stdout);
            exit(0);
        }
        if (settings_set_flag(st, argc, argv, &i, NULL, msg, sizeof msg)) {
            fprintf(stderr, "rnnviz: %s\n", msg);
            return 2;
        }
    }
    return 0;
}

/* The window at its last place, or at 85% of the usable display. */
static Win *open_window(Fonts *fonts, WinError *err)
{
    WinRect usable;
    AppRect saved, at = {0, 0, 1280, 720};
    bool have_saved = winplace_load(&saved);
    if (win_display_usable(&usable) == 0) {
        AppRect u = {usable.x, usable.y, usable.w, usable.h};
        at = winplace_choose(u, have_saved ? &saved : NULL, WINPLACE_FRACTION);
    }
    return win_create_at("rnnviz", (WinRect){at.x, at.y, at.w, at.h}, fonts, err);
}

static int run(Wiring *w)
{
    AppEvent e;
    double last = app_monotonic_now(NULL);
    WinSize ws = win_size(w->win);
    app_handle(w->app, &(AppEvent){.kind = APP_EV_RESIZE, .w = ws.drawable_w, .h = ws.drawable_h});
    redraw(w);
    while (app_running(w->app)) {
        /* input */
        for (int wait = app_busy(w->app) ? 1 : 250; win_poll(w->win, &e, wait); wait = 0)
            app_handle(w->app, &e);
        /* update */
        double t = app_monotonic_now(NULL);
        app_handle(w->app, &(AppEvent){.kind = APP_EV_TICK, .dt = t - last});
        last = t;
        /* draw, present (vsync paces the busy loop) */
        redraw(w);
    }
    WinRect r = win_rect(w->win);
    char msg[600];
    if (app_recording(w->app) && record(w, NULL, msg, sizeof msg) == 0)
        fprintf(stderr, "rnnviz: recording ended with the window: %s\n", msg);
    else if (app_recording(w->app))
        fprintf(stderr, "rnnviz: %s\n", msg);
    if (winplace_save(&(AppRect){r.x, r.y, r.w, r.h}, msg, sizeof msg))
        fprintf(stderr, "rnnviz: %s\n", msg);
    return 0;
}

int cmd_window(int argc, char **argv)
{
    Settings st;
    const char *lesson = NULL;
    bool has_settings = false;
    char msg[800];
    FontsError ferr = {{0}};
    WinError werr = {{0}};
    Wiring w = {0};
    settings_default(&st);
    int rc = parse(argc, argv, &st, &lesson, &has_settings);
    if (rc)
        return rc;
    /* init: the app takes the session over */
    Session *s = sess_create(&st, msg, sizeof msg);
    if (!s || !(w.fonts = fonts_create(NULL, &ferr))) {
        fprintf(stderr, "rnnviz: %s\n", s ? ferr.msg : msg);
        sess_destroy(s);
        return 1;
    }
    AppHooks hooks = {&w,     app_monotonic_now,      set_fullscreen, save,
                      redraw, fonts_measure(w.fonts), record};
    if (!(w.app = app_create(&hooks, s, 1280, 720)))
        sess_destroy(s);
    bool first = !lesson && !has_settings;
    if (w.app && app_list_lessons(w.app, lesson_dir(), first) > 0 && first)
        lesson = app_lesson_path(w.app, 0);
    rc = 1;
    if (!w.app || (lesson && app_open_lesson(w.app, lesson, msg, sizeof msg)))
        fprintf(stderr, "rnnviz: %s\n", w.app ? msg : "out of memory");
    else if (!(w.dl = dl_create(RENDER_MAX_CMDS, RENDER_MAX_TEXT, RENDER_MAX_POINTS)) ||
             !(w.win = open_window(w.fonts, &werr)))
        fprintf(stderr, "rnnviz: %s (without a display, use: rnnviz render --out FILE.png)\n",
                werr.msg);
    else
        rc = run(&w);
    /* shutdown */
    win_destroy(w.win);
    dl_destroy(w.dl);
    app_destroy(w.app);
    fonts_destroy(w.fonts);
    return rc;
}
