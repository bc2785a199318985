/* Lesson navigation, the lesson picker, and live reloading of the open
 * lesson file.
 *
 * Never frozen: each visited step's session is kept as a copy (a
 * snapshot); entering a step again copies its snapshot. A step not yet
 * visited starts from the nearest snapshot before it and runs in slices of
 * a frame (lesson_run_slice), on a session of its own, while the previous
 * state stays on screen and the status line shows the progress. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "app_internal.h"
#include "lesson.h"
#include "lesson_run.h"

_Static_assert(APP_MAX_SNAPS == LESSON_MAX_STEPS + 1, "a snapshot per lesson step");

/* Lesson work per frame, and on a key press before the first frame. */
#define RUN_SLICE_S 0.010
#define RUN_KEY_S 0.040
/* Snapshots of one lesson stop growing beyond this. */
#define SNAP_MAX_BYTES ((size_t)512 << 20)
/* How often the open lesson file is looked at. */
#define WATCH_EVERY_S 0.5

/* Replaces the session; what the user set up in the window stays (it is
 * the app's), and so does the help overlay. */
void app_swap_session(App *app, Session *next)
{
    int help = sess_display(app->s)->panels & PANEL_HELP;
    SessDisplay *d = sess_display(next);
    d->panels = (d->panels & ~PANEL_HELP) | help;
    sess_destroy(app->s);
    app->s = next;
    app->motion_seen = sess_motion(next).serial;
    /* a new session starts at zoom 1, paused, with the drawer closed */
    app->v.anim = 1;
    app->v.follow = true;
    app->v.scroll_x = 0;
    app->v.zoom = 1;
    app->v.playing = false;
    app->v.drawer_open = false;
    app->v.drawer_row = 0;
}

/* ---- snapshots ---- */

static size_t session_bytes(const Session *s)
{
    return net_config_bytes(net_config(sess_net(s)));
}

static void snap_clear(App *app)
{
    for (int k = 0; k < APP_MAX_SNAPS; k++) {
        sess_destroy(app->snaps[k]);
        app->snaps[k] = NULL;
    }
    app->snap_bytes = 0;
}

/* Keeps a copy of s as step k's (unless one is kept or memory is spent). */
static void snap_keep(App *app, int k, const Session *s)
{
    char msg[200];
    size_t bytes = session_bytes(s);
    if (k < 0 || k >= APP_MAX_SNAPS || app->snaps[k] ||
        (k > 0 && app->snap_bytes + bytes > SNAP_MAX_BYTES))
        return;
    app->snaps[k] = sess_clone(s, msg, sizeof msg);
    if (app->snaps[k])
        app->snap_bytes += bytes;
}

/* The nearest kept step at or before k; -1 when none. */
static int snap_before(const App *app, int k)
{
    while (k >= 0 && !app->snaps[k])
        k--;
    return k;
}

/* ---- work in slices ---- */

static double clock_of(void *ctx)
{
    return app_now(ctx);
}

static void run_stop(App *app)
{
    lesson_run_destroy(app->run);
    sess_destroy(app->run_s);
    app->run = NULL;
    app->run_s = NULL;
}

/* Shows the session the run built: it is step k now. */
static void arrive(App *app, Session *s, int k)
{
    app_swap_session(app, s);
    app->step = app->shown_step = k;
    app->dirty = false;
    app->lesson_err[0] = '\0';
    app->notice_until = 0;
}

/* Runs lesson work for budget seconds; keeps each step completed on the
 * way, and shows the target once it is reached. */
static void run_slices(App *app, double budget)
{
    char msg[800];
    double start = app_now(app);
    while (app->run) {
        double left = budget - (app_now(app) - start);
        int rc = lesson_run_slice(app->run, app->run_s, left > 0 ? left : 0, clock_of, app, msg,
                                  sizeof msg);
        if (rc < 0) {
            snprintf(app->lesson_err, sizeof app->lesson_err, "%s", msg);
            app->step = app->shown_step;
            app->notice_until = 0;
            run_stop(app);
            return;
        }
        int done = lesson_run_done_step(app->run);
        snap_keep(app, done, app->run_s);
        if (rc == 1) {
            Session *s = app->run_s;
            app->run_s = NULL;
            run_stop(app);
            arrive(app, s, done);
            return;
        }
        if (app_now(app) - start >= budget)
            break;
    }
    lesson_run_progress(app->run, msg, sizeof msg);
    app_say(app, msg);
}

/* Starts entering step k from the nearest snapshot before it. */
static void run_start(App *app, int k)
{
    char msg[800];
    int from = snap_before(app, k - 1);
    Session *s = from >= 0 ? sess_clone(app->snaps[from], msg, sizeof msg) : NULL;
    LessonRun *r = s ? lesson_run_start(app->lesson, from, k) : NULL;
    if (!r) {
        sess_destroy(s);
        snprintf(app->lesson_err, sizeof app->lesson_err, "cannot enter step %d: %.700s", k,
                 s ? "out of memory" : msg);
        return;
    }
    app->run = r;
    app->run_s = s;
    app->step = k;
    app->v.playing = false;
    run_slices(app, RUN_KEY_S);
}

/* Enters lesson step k: a copy of its snapshot when it was visited, else
 * work in slices from the nearest visited step before it. During such
 * work, going forward is dropped and going back cancels it. On error the
 * previous state stays and the lesson panel says why. */
void app_goto_step(App *app, int k)
{
    char msg[800];
    if (!app->lesson || k < 0 || k > lesson_step_count(app->lesson))
        return;
    if (app->run && k > app->step) {
        app_say(app, "still entering this step: wait, or go back with Page Up");
        return;
    }
    run_stop(app);
    app->training = false;
    app->step = app->shown_step;
    Session *s = app->snaps[k] ? sess_clone(app->snaps[k], msg, sizeof msg) : NULL;
    if (s)
        arrive(app, s, k);
    else if (k == 0)
        snprintf(app->lesson_err, sizeof app->lesson_err, "%s", "no copy of the introduction");
    else
        run_start(app, k);
}

bool app_lesson_gate(App *app, AppAction act)
{
    if (!app->run)
        return false;
    switch (act) {
    case APP_ACT_HELP:
    case APP_ACT_SCALE_UP:
    case APP_ACT_SCALE_DOWN:
    case APP_ACT_FULLSCREEN:
    case APP_ACT_CONTRAST:
    case APP_ACT_ESCAPE:
    case APP_ACT_QUIT:
    case APP_ACT_QUIT_YES:
    case APP_ACT_QUIT_NO:
    case APP_ACT_SAVE_PNG:
    case APP_ACT_SAVE_SVG:
    case APP_ACT_RECORD:
    case APP_ACT_LESSONS:
    case APP_ACT_PICK:
    case APP_ACT_PICK_CLOSE:
    case APP_ACT_LESSON_PREV:
    case APP_ACT_LESSON_NEXT:
    case APP_ACT_PAGE_PREV:
    case APP_ACT_PAGE_NEXT:
        return false;
    default:
        app_say(app, "entering a lesson step: that key waits for it, or Page Up goes back");
        return true;
    }
}

bool app_lesson_busy(const App *app)
{
    return app->run != NULL;
}

/* ---- opening and live reloading ---- */

/* What tells a changed file: device, inode, size, mtime (ns). */
static bool file_id(const char *path, long long id[4])
{
    struct stat st;
    if (stat(path, &st))
        return false;
    id[0] = (long long)st.st_dev;
    id[1] = (long long)st.st_ino;
    id[2] = (long long)st.st_size;
    id[3] = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    return true;
}

/* Makes lesson the open one at its introduction (path: its file). */
static int adopt_lesson(App *app, Lesson *lesson, const char *path, char *msg, size_t cap)
{
    Session *s = lesson_enter(lesson, 0, msg, cap);
    if (!s)
        return -1;
    run_stop(app);
    snap_clear(app);
    snap_keep(app, 0, s);
    app_swap_session(app, s);
    lesson_destroy(app->lesson);
    app->lesson = lesson;
    app->step = app->shown_step = 0;
    app->dirty = false;
    app->training = false;
    app->lesson_err[0] = '\0';
    app->reload_err[0] = '\0';
    if (path != app->lesson_path)
        snprintf(app->lesson_path, sizeof app->lesson_path, "%s", path);
    return 0;
}

int app_open_lesson(App *app, const char *path, char *msg, size_t cap)
{
    Lesson *lesson = lesson_load(path, msg, cap);
    if (!lesson)
        return -1;
    if (adopt_lesson(app, lesson, path, msg, cap)) {
        lesson_destroy(lesson);
        return -1;
    }
    app->trained = false;
    app->watch_at = app_now(app);
    file_id(path, app->lesson_id);
    return 0;
}

/* Re-reads the open lesson: on success it goes to the same step or the
 * nearest; on error the last good version stays, and the lesson panel
 * shows the message until the file is fixed. */
static void reload(App *app)
{
    char msg[800];
    int k = app->step;
    Lesson *lesson = lesson_load(app->lesson_path, msg, sizeof msg);
    if (lesson && adopt_lesson(app, lesson, app->lesson_path, msg, sizeof msg) == 0) {
        int n = lesson_step_count(lesson);
        app_goto_step(app, k < n ? k : n);
        if (!app->run)
            app_say(app, "reloaded");
        return;
    }
    lesson_destroy(lesson);
    snprintf(app->reload_err, sizeof app->reload_err, "%s", msg);
}

/* Looks at the open lesson file every WATCH_EVERY_S seconds. */
static void watch(App *app)
{
    long long id[4];
    if (!app->lesson || !app->lesson_path[0] || app_now(app) - app->watch_at < WATCH_EVERY_S)
        return;
    app->watch_at = app_now(app);
    if (!file_id(app->lesson_path, id) || !memcmp(id, app->lesson_id, sizeof id))
        return;
    memcpy(app->lesson_id, id, sizeof id);
    reload(app);
}

void app_lesson_tick(App *app)
{
    if (app->run)
        run_slices(app, RUN_SLICE_S);
    watch(app);
}

/* ---- the picker ---- */

void app_pick_lesson(App *app, int i)
{
    char msg[800];
    if (i < 0 || i >= app->n_lessons)
        return;
    app->picker_open = false;
    if (app_open_lesson(app, app->paths[i], msg, sizeof msg))
        app_say(app, msg);
}

int app_list_lessons(App *app, const char *dir, bool open)
{
    char msg[800];
    app->n_lessons = lesson_list(dir, app->paths, APP_MAX_LESSONS);
    for (int i = 0; i < app->n_lessons; i++) {
        Lesson *l = lesson_load(app->paths[i], msg, sizeof msg);
        snprintf(app->titles[i], sizeof app->titles[i], "%.150s",
                 l ? lesson_title(l) : app->paths[i]);
        app->title_ptrs[i] = app->titles[i];
        lesson_destroy(l);
    }
    app->picker_open = open && app->n_lessons > 0;
    return app->n_lessons;
}

const char *app_lesson_path(const App *app, int i)
{
    return i >= 0 && i < app->n_lessons ? app->paths[i] : NULL;
}

/* Frees what lesson navigation holds (app_destroy). */
void app_lesson_free(App *app)
{
    run_stop(app);
    snap_clear(app);
}
