/* Lesson navigation and the lesson picker. */
#include <stdio.h>
#include <string.h>

#include "app_internal.h"
#include "lesson.h"
#include "lesson_run.h"

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

/* One step ahead applies only its actions (same state by definition). */
static bool advance(App *app, int k)
{
    char msg[800];
    if (lesson_advance(app->lesson, app->s, k, msg, sizeof msg) == 0) {
        app->step = k;
        app->lesson_err[0] = '\0';
        app_sync_motion(app);
        app->v.anim = 1;
        return true;
    }
    /* the session may be half-way through the step: rebuild the last good one */
    snprintf(app->lesson_err, sizeof app->lesson_err, "%s", msg);
    Session *back = lesson_enter(app->lesson, app->step, msg, sizeof msg);
    if (back)
        app_swap_session(app, back);
    return false;
}

/* Enters lesson step k: anything but the next step replays from the
 * setup. On error the previous state stays and the lesson panel says why. */
void app_goto_step(App *app, int k)
{
    char msg[800];
    if (!app->lesson || k < 0 || k > lesson_step_count(app->lesson))
        return;
    app->training = false;
    if (k == app->step + 1 && !app->dirty && !app->lesson_err[0]) {
        advance(app, k);
        return;
    }
    /* replaying can take seconds (a step that trains): say so first */
    snprintf(msg, sizeof msg, "entering step %d: replaying the lesson from its setup…", k);
    app_say(app, msg);
    if (app->hooks.redraw)
        app->hooks.redraw(app->hooks.ctx);
    Session *next = lesson_enter(app->lesson, k, msg, sizeof msg);
    app->notice_until = 0;
    if (!next) {
        snprintf(app->lesson_err, sizeof app->lesson_err, "%s", msg);
        return;
    }
    app_swap_session(app, next);
    app->step = k;
    app->dirty = false;
    app->lesson_err[0] = '\0';
}

int app_open_lesson(App *app, const char *path, char *msg, size_t cap)
{
    Lesson *lesson = lesson_load(path, msg, cap);
    if (!lesson)
        return -1;
    Session *s = lesson_enter(lesson, 0, msg, cap);
    if (!s) {
        lesson_destroy(lesson);
        return -1;
    }
    app_swap_session(app, s);
    lesson_destroy(app->lesson);
    app->lesson = lesson;
    app->step = 0;
    app->dirty = false;
    app->trained = false;
    app->training = false;
    app->lesson_err[0] = '\0';
    return 0;
}

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

bool app_lesson_busy(const App *app)
{
    (void)app;
    return false;
}
