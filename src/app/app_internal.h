/* The App's fields, shared by the app's own files (app*.c) only. */
#ifndef RNNVIZ_APP_INTERNAL_H
#define RNNVIZ_APP_INTERNAL_H

#include "app.h"
#include "keymap.h"
#include "prompt.h"

#define APP_MAX_LESSONS 32
#define APP_MAX_SNAPS 101 /* LESSON_MAX_STEPS + 1 */

struct App {
    AppHooks hooks;
    Session *s;
    ViewState v;
    HitList hits;
    int win_w, win_h;
    bool running, training, trained, fullscreen;
    bool dragging, sliding, has_mouse;
    float mouse_x, mouse_y, drag_x; /* drawable pixels */
    Rect slider;
    unsigned long motion_seen; /* SessMotion.serial handled */
    double play_acc;           /* seconds owed to the play clock */
    double spectral_at;        /* when the spectral plot was last refreshed */
    double rate, rate_at;      /* training iterations per second, measured at */
    long rate_iter;
    char notice[800];
    double notice_until;
    int shots;
    /* the lesson, its current step, and whether the user has changed the
     * state since entering it (then the next step replays from the setup) */
    struct Lesson *lesson;
    int step;
    bool dirty;
    char lesson_err[800];
    /* lesson work under way in slices (app_lesson.c): run_s is the session
     * it builds, shown once complete; until then app->s (at shown_step)
     * stays on screen and step is the step being entered */
    struct LessonRun *run;
    Session *run_s;
    int shown_step;
    /* the open lesson's visited steps, copied on arrival: entering one
     * again is a copy, not a replay */
    Session *snaps[APP_MAX_SNAPS];
    size_t snap_bytes;
    /* live reload: the open file, its identity when last read, when it
     * was last looked at, and the parse error of a broken version */
    char lesson_path[512];
    long long lesson_id[4]; /* device, inode, size, mtime in ns */
    double watch_at;
    char reload_err[800];
    /* the picker of shipped lessons */
    bool picker_open;
    int n_lessons;
    char paths[APP_MAX_LESSONS][512];
    char titles[APP_MAX_LESSONS][160];
    const char *title_ptrs[APP_MAX_LESSONS];
    /* the window's recording (app_record.c): its file, since when, the
     * last number used, and the status line it shows */
    bool recording;
    char rec_path[32];
    double rec_since;
    int recs;
    char rec_status[900];
    ViewKeyHelp help[96];
    int n_help;
    /* the step's question and goal: what the student did, and the view's copy */
    const struct Lesson *prompt_lesson;
    int prompt_step;
    PromptState prompt;
    PromptView pv;
    /* F or B under way in slices (app_pass.c) on session pass_s; 0: none */
    AppAction pass;
    Session *pass_s;
};

double app_now(const App *app);
void app_say(App *app, const char *text);
/* Follows the session's motion: animation restarts, scrolling follows. */
void app_sync_motion(App *app);
AppMode app_mode(const App *app);
/* Runs the action of a binding; arg overrides the binding's (Hit.arg). */
void app_act(App *app, AppAction act, int arg);
/* Lesson navigation (app_lesson.c). */
void app_goto_step(App *app, int k);
void app_pick_lesson(App *app, int i);
void app_swap_session(App *app, Session *next);
/* While a lesson step's work runs: true when act must be dropped (it would
 * change a state about to be replaced); navigation back cancels the work. */
bool app_lesson_gate(App *app, AppAction act);
/* From the tick: a slice of lesson work, and the live-reload check. */
void app_lesson_tick(App *app);
void app_lesson_free(App *app);
/* M: starts or stops recording (app_record.c). */
void app_record_toggle(App *app);
/* The status line: notice, with the recording's mark while recording. */
const char *app_record_status(App *app, const char *notice);
/* The step's question and goal (app_prompt.c). */
bool app_prompt_open(App *app); /* a question waits for its answer */
void app_prompt_key(App *app, int key);
void app_prompt_choose(App *app, int i);
void app_prompt_reveal(App *app);
bool app_prompt_blocks_next(App *app); /* says why when it does */
const PromptView *app_prompt_view(App *app);
/* F / B in slices (app_pass.c): start runs the first slice at once, tick
 * the next; stop drops the rest (the session is whole after every op). */
void app_pass_start(App *app, AppAction act);
void app_pass_tick(App *app);
void app_pass_stop(App *app);
/* Forward ops of the current pass for budget seconds (the training
 * display); 0 or an error code with msg. */
int app_forward_for(App *app, double budget, char *msg, size_t cap);

#endif
