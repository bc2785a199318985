/*
 * The interactive program, without SDL: it takes neutral input events
 * (app_event.h), runs session actions through the key table (keymap.h),
 * and owns everything about the window the session does not know: zoom,
 * scroll, UI scale, theme, animation and play clock, the settings drawer,
 * the lesson picker, the quit confirmation, notices and lesson navigation.
 * A backend feeds it events and paints app_draw's list; tests script it.
 *
 * What it needs from outside comes through AppHooks, so tests can inject a
 * clock and leave the rest out. Conventions: app_create returns NULL on
 * failure with msg filled; app_destroy(NULL) is fine.
 */
#ifndef RNNVIZ_APP_H
#define RNNVIZ_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "app_event.h"
#include "session.h"
#include "view.h"

struct Lesson;

typedef struct {
    void *ctx;
    /* seconds on a monotonic clock (training slices, notices, play) */
    double (*now)(void *ctx);
    /* full screen on or off; NULL: no window (the app keeps the flag) */
    void (*set_fullscreen)(void *ctx, bool on);
    /* writes the view to path (PNG or SVG by its ending); NULL: no saving */
    int (*save)(void *ctx, const Session *s, const ViewParams *vp, const char *path, char *msg,
                size_t cap);
    /* paints a frame now (a lesson step about to replay says so first) */
    void (*redraw)(void *ctx);
    DlMeasure measure; /* text measuring for layout and hit tests */
    /* starts recording what the window shows to path (an .mp4), or stops
     * with path NULL; 0, or negative with msg for a person (on a stop, msg
     * says what was written; "" lets the app say it); NULL: no recording */
    int (*record)(void *ctx, const char *path, char *msg, size_t cap);
} AppHooks;

typedef struct App App;

/* CLOCK_MONOTONIC in seconds: AppHooks.now for a real window. */
double app_monotonic_now(void *ctx);

/* The app on a session it takes over (s is destroyed with the app). */
App *app_create(const AppHooks *hooks, Session *s, int w, int h);
void app_destroy(App *app);

/* Opens a lesson file at its introduction; on failure the app keeps what
 * it had and msg says why. */
int app_open_lesson(App *app, const char *path, char *msg, size_t cap);
/* Lists the lessons of dir in the picker (titles read from the files);
 * open: show the picker now. Returns the number listed. */
int app_list_lessons(App *app, const char *dir, bool open);
/* The path of listed lesson i, or NULL. */
const char *app_lesson_path(const App *app, int i);

void app_handle(App *app, const AppEvent *e);
/* The frame for the window (with notices, picker, hover). */
void app_draw(App *app, DrawList *dl);
/* The view parameters of the frame; live adds what only the screen shows. */
ViewParams app_view_params(const App *app, bool live);

bool app_running(const App *app);
/* Animating, playing, training or entering a lesson step: tick at display rate. */
bool app_busy(const App *app);
DlColor app_background(const App *app);

/* State, for the backend and for tests. */
Session *app_session(App *app);
const ViewState *app_view(const App *app);
const HitList *app_hits(const App *app);
const struct Lesson *app_lesson(const App *app);
int app_lesson_step(const App *app);
/* A lesson step's work is running in slices (ticks carry it on). */
bool app_lesson_busy(const App *app);
/* F or B (a whole pass) is running in slices (ticks carry it on). */
bool app_pass_busy(const App *app);
bool app_training(const App *app);
bool app_fullscreen(const App *app);
bool app_picker_open(const App *app);
const char *app_notice(const App *app); /* "" when none is showing */
/* Recording the window (the M key); a failure the window met while
 * recording ends it, with msg shown. */
bool app_recording(const App *app);
void app_record_failed(App *app, const char *msg);

#endif
