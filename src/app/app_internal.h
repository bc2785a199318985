/* The App's fields, shared by the app's own files (app*.c) only. */
#ifndef RNNVIZ_APP_INTERNAL_H
#define RNNVIZ_APP_INTERNAL_H

#include "app.h"
#include "keymap.h"
#include "prompt.h"

#define APP_MAX_LESSONS 32

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
    /* the picker of shipped lessons */
    bool picker_open;
    int n_lessons;
    char paths[APP_MAX_LESSONS][512];
    char titles[APP_MAX_LESSONS][160];
    const char *title_ptrs[APP_MAX_LESSONS];
    ViewKeyHelp help[96];
    int n_help;
    /* the step's question and goal: what the student did, and the view's copy */
    const struct Lesson *prompt_lesson;
    int prompt_step;
    PromptState prompt;
    PromptView pv;
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
/* The step's question and goal (app_prompt.c). */
bool app_prompt_open(App *app); /* a question waits for its answer */
void app_prompt_key(App *app, int key);
void app_prompt_choose(App *app, int i);
void app_prompt_reveal(App *app);
bool app_prompt_blocks_next(App *app); /* says why when it does */
const PromptView *app_prompt_view(App *app);

#endif
