#include "app_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lesson.h"
#include "settings_drawer.h"

App *app_create(const AppHooks *hooks, Session *s, int w, int h)
{
    App *app = calloc(1, sizeof *app);
    if (!app)
        return NULL;
    app->hooks = *hooks;
    app->s = s;
    app->v = view_state_default();
    app->win_w = w;
    app->win_h = h;
    app->running = true;
    app->motion_seen = sess_motion(s).serial;
    app->n_help = keymap_help(app->help, (int)(sizeof app->help / sizeof app->help[0]));
    return app;
}

void app_destroy(App *app)
{
    if (!app)
        return;
    app_lesson_free(app);
    sess_destroy(app->s);
    lesson_destroy(app->lesson);
    free(app);
}

double app_monotonic_now(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

double app_now(const App *app)
{
    return app->hooks.now ? app->hooks.now(app->hooks.ctx) : 0;
}

void app_say(App *app, const char *text)
{
    snprintf(app->notice, sizeof app->notice, "%s", text);
    app->notice_until = app_now(app) + 4.0;
}

void app_sync_motion(App *app)
{
    SessMotion m = sess_motion(app->s);
    if (m.serial == app->motion_seen)
        return;
    app->motion_seen = m.serial;
    app->v.follow = true;
    app->v.anim = m.animate ? 0 : 1;
    if (m.rescroll)
        app->v.scroll_x = 0;
}

AppMode app_mode(const App *app)
{
    if (app->v.confirm_quit)
        return MODE_CONFIRM;
    if (app->picker_open)
        return MODE_PICKER;
    if (app->v.drawer_open)
        return MODE_DRAWER;
    return app_prompt_open((App *)app) ? MODE_ASK : MODE_MAIN;
}

ViewParams app_view_params(const App *app, bool live)
{
    ViewParams vp = {.win_w = app->win_w,
                     .win_h = app->win_h,
                     .measure = app->hooks.measure,
                     .lesson = app->lesson,
                     .lesson_step = app->step,
                     .state = &app->v,
                     .keys = app->help,
                     .n_keys = app->n_help};
    if (live) {
        vp.lesson_error = app->reload_err[0]   ? app->reload_err
                          : app->lesson_err[0] ? app->lesson_err
                                               : NULL;
        vp.notice = app_notice(app)[0] ? app->notice : NULL;
        vp.picker = app->picker_open ? app->title_ptrs : NULL;
        vp.picker_n = app->n_lessons;
        vp.mouse = app->has_mouse;
        vp.mouse_x = app->mouse_x;
        vp.mouse_y = app->mouse_y;
    }
    return vp;
}

void app_draw(App *app, DrawList *dl)
{
    ViewParams vp = app_view_params(app, true);
    vp.notice = app_record_status(app, vp.notice);
    vp.prompt = app_prompt_view(app);
    view_draw(sess_view_model(app->s), &vp, dl, &app->hits);
}

static void on_key(App *app, const AppEvent *e)
{
    const KeyBinding *b = keymap_key(app_mode(app), e->key, e->mods);
    if (b)
        app_act(app, b->action, b->arg);
}

/* The spectral radius slider: x within the slider's track. */
static void slide(App *app, float x)
{
    char msg[400];
    app->dirty = true;
    if (sdrawer_slide(app->s, (x - app->slider.x) / app->slider.w, msg, sizeof msg))
        app_say(app, msg);
}

static void press(App *app, const Hit *h, float x)
{
    char msg[400];
    bool on_session =
        h && (h->kind == HIT_NODE || (h->kind == HIT_BUTTON && h->id == BTN_RHO_SLIDER));
    if (on_session && app_lesson_gate(app, APP_ACT_SLIDE))
        return;
    if (h && h->kind == HIT_BUTTON) {
        const KeyBinding *b = keymap_button(h->id);
        if (h->id == BTN_RHO_SLIDER) {
            app->slider = h->r;
            app->sliding = true;
            slide(app, x);
        } else if (b) {
            bool indexed = b->action == APP_ACT_PICK || b->action == APP_ACT_CTL_DEC ||
                           b->action == APP_ACT_CTL_INC || b->action == APP_ACT_ASK_CHOOSE;
            app_act(app, b->action, indexed ? h->arg : b->arg);
        }
    } else if (h && h->kind == HIT_NODE && h->row != ROW_INPUT && h->row != ROW_LOSS) {
        if (sess_select(app->s, h->row == ROW_LAYER ? h->l : -1, h->t, msg, sizeof msg))
            app_say(app, msg);
    } else {
        app->dragging = true;
        app->drag_x = x;
    }
}

static void on_motion(App *app, float x, float y)
{
    app->has_mouse = true;
    app->mouse_x = x;
    app->mouse_y = y;
    if (app->sliding) {
        slide(app, x);
    } else if (app->dragging) {
        Layout lo;
        ViewParams vp = app_view_params(app, false);
        view_layout(sess_view_model(app->s), &vp, &lo);
        app->v.follow = false;
        app->v.scroll_x = lo.scroll_x - (x - app->drag_x);
        app->drag_x = x;
    }
}

/* The status line while training: iteration, rate, loss, accuracy. */
static void train_progress(App *app)
{
    const TrainRecord *last = train_last(sess_trainer(app->s));
    double t = app_now(app);
    long it = sess_iteration(app->s);
    if (t - app->rate_at >= 0.5) {
        app->rate = (it - app->rate_iter) / (t - app->rate_at);
        app->rate_at = t;
        app->rate_iter = it;
    }
    if (!last)
        return;
    char msg[200];
    snprintf(msg, sizeof msg, "training · iteration %ld · %.0f it/s · loss %.4g · accuracy %.0f%%",
             it, app->rate, last->loss, 100 * last->accuracy);
    app_say(app, msg);
}

static double clock_of(void *ctx)
{
    return app_now(ctx);
}

/* About 8 ms of training per frame keeps the window at 60 Hz. */
static void train_slice(App *app)
{
    char msg[400];
    app->trained = true;
    if (sess_train_for(app->s, 0.008, clock_of, app, msg, sizeof msg) < 0) {
        app_say(app, msg);
        app->training = false;
        return;
    }
    /* an iteration stopped between time steps: the next slice resumes it */
    if (sess_train_pending(app->s)) {
        train_progress(app);
        return;
    }
    /* the batch on screen, forward through the weights as they train (as
     * far as a slice goes on a large network) */
    app_forward_for(app, 0.008, msg, sizeof msg);
    app_sync_motion(app);
    app->v.anim = 1;
    train_progress(app);
    /* LAPACK on W_hh can cost more than a frame: four times a second */
    if (app_now(app) - app->spectral_at > 0.25) {
        sess_refresh_spectral(app->s);
        app->spectral_at = app_now(app);
    }
}

/* Time passed: animation clock, play clock, a slice of training. */
static void tick(App *app, double dt)
{
    char msg[400];
    if (app->v.anim < 1)
        app->v.anim = fmin(1.0, app->v.anim + dt * fmax(3.0, app->v.speed));
    if (app->v.playing) {
        app->play_acc += dt * app->v.speed;
        while (app->play_acc >= 1) {
            app->play_acc -= 1;
            if (sess_step(app->s, 1, msg, sizeof msg))
                app_say(app, msg);
        }
    }
    if (app->training)
        train_slice(app);
    app_pass_tick(app);
    app_lesson_tick(app);
}

void app_handle(App *app, const AppEvent *e)
{
    switch (e->kind) {
    case APP_EV_KEY:
        on_key(app, e);
        break;
    case APP_EV_BUTTON_DOWN:
        press(app, view_hit(&app->hits, e->x, e->y), e->x);
        break;
    case APP_EV_BUTTON_UP:
        app->dragging = app->sliding = false;
        break;
    case APP_EV_MOTION:
        on_motion(app, e->x, e->y);
        break;
    case APP_EV_WHEEL:
        app->v.zoom = fminf(4.0f, fmaxf(0.25f, app->v.zoom * (e->wheel > 0 ? 1.15f : 1 / 1.15f)));
        break;
    case APP_EV_RESIZE:
        app->win_w = e->w;
        app->win_h = e->h;
        break;
    case APP_EV_TICK:
        tick(app, e->dt);
        break;
    case APP_EV_CLOSE:
        app_act(app, APP_ACT_QUIT, 0);
        break;
    }
    app_sync_motion(app);
}

bool app_running(const App *app)
{
    return app->running;
}

bool app_busy(const App *app)
{
    return app->v.anim < 1 || app->v.playing || app->training || app_lesson_busy(app) ||
           app_pass_busy(app);
}

DlColor app_background(const App *app)
{
    return theme_get(app->v.high_contrast)->bg;
}

Session *app_session(App *app)
{
    return app->s;
}

const ViewState *app_view(const App *app)
{
    return &app->v;
}

const HitList *app_hits(const App *app)
{
    return &app->hits;
}

const struct Lesson *app_lesson(const App *app)
{
    return app->lesson;
}

int app_lesson_step(const App *app)
{
    return app->step;
}

bool app_training(const App *app)
{
    return app->training;
}

bool app_fullscreen(const App *app)
{
    return app->fullscreen;
}

bool app_picker_open(const App *app)
{
    return app->picker_open;
}

const char *app_notice(const App *app)
{
    return app_now(app) < app->notice_until ? app->notice : "";
}
