/*
 * The window: init, then while running { input; update; draw; present },
 * then shutdown. The loop sleeps in SDL_WaitEventTimeout when nothing
 * moves and ticks at display rate while animating, playing or training.
 */
#include <SDL2/SDL.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atomic_file.h"
#include "commands.h"
#include "controls.h"
#include "fonts.h"
#include "lesson.h"
#include "lesson_run.h"
#include "render_file.h"
#include "session.h"
#include "settings.h"
#include "view.h"
#include "window.h"

typedef struct {
    Session *s;
    Win *win;
    Fonts *fonts;
    DrawList *dl;
    HitList hits;
    bool running, training, dragging, sliding;
    bool has_mouse;
    float mouse_x, mouse_y; /* drawable pixels, for hover values */
    Rect slider;
    float drag_x;
    double play_acc;      /* seconds owed to the play clock */
    double spectral_at;   /* when the spectral plot was last refreshed */
    double rate, rate_at; /* training iterations per second, measured at */
    long rate_iter;
    char notice[800];
    double notice_until;
    int shots;
    /* the lesson, its current step, and whether the user has changed the
     * state since entering it (then the next step replays from the setup) */
    Lesson *lesson;
    int step;
    bool dirty;
    char lesson_err[800];
    /* the picker of shipped lessons */
    bool picker_open;
    int n_lessons;
    char paths[32][512];
    char titles[32][160];
    const char *title_ptrs[32];
} App;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double clock_s(void *ctx)
{
    (void)ctx;
    return now_s();
}

static void say(App *app, const char *text)
{
    snprintf(app->notice, sizeof app->notice, "%s", text);
    app->notice_until = now_s() + 4.0;
}

/* Runs a session action and shows its error, if any, in the status bar. */
#define ACT(app, call)                                                                             \
    do {                                                                                           \
        char msg_[400];                                                                            \
        if ((call) != 0)                                                                           \
            say((app), msg_);                                                                      \
    } while (0)
#define MSG msg_, sizeof msg_

static void set_key(App *app, const char *key, const char *value)
{
    ACT(app, sess_set(app->s, key, value, MSG));
}

static void spectral_nudge(App *app, double factor)
{
    app->dirty = true;
    double rho = sess_spectral_radius(app->s, 0) * factor;
    if (!isfinite(rho) || rho <= 0)
        return;
    rho = fmin(3.0, fmax(0.1, rho));
    char v[32];
    snprintf(v, sizeof v, "%.4g", rho);
    set_key(app, "spectral_radius", v);
}

/* What the view needs from the window; live adds what only the screen
 * shows (notices, lesson errors, the picker, the hover position), not
 * the PNG/SVG exports. */
static ViewParams view_params(const App *app, bool live)
{
    WinSize ws = win_size(app->win);
    ViewParams vp = {.win_w = ws.drawable_w,
                     .win_h = ws.drawable_h,
                     .measure = fonts_measure(app->fonts),
                     .lesson = app->lesson,
                     .lesson_step = app->step};
    if (live) {
        vp.lesson_error = app->lesson_err[0] ? app->lesson_err : NULL;
        vp.notice = now_s() < app->notice_until ? app->notice : NULL;
        vp.picker = app->picker_open ? app->title_ptrs : NULL;
        vp.picker_n = app->n_lessons;
        vp.mouse = app->has_mouse;
        vp.mouse_x = app->mouse_x;
        vp.mouse_y = app->mouse_y;
    }
    return vp;
}

static void save_view(App *app, bool svg)
{
    ViewParams vp = view_params(app, false);
    char path[64], msg[600];
    snprintf(path, sizeof path, "rnnviz-%03d.%s", ++app->shots, svg ? "svg" : "png");
    if (render_session_file(app->s, &vp, app->fonts, path, msg, sizeof msg))
        say(app, msg);
    else {
        snprintf(msg, sizeof msg, "saved %s", path);
        say(app, msg);
    }
}

static void draw(App *app);

/* Replaces the session, keeping how the user has the window set up. */
static void swap_session(App *app, Session *next)
{
    SessView keep = *sess_view(app->s);
    SessView *v = sess_view(next);
    v->ui_scale = keep.ui_scale;
    v->high_contrast = keep.high_contrast;
    v->speed = keep.speed;
    v->panels = (v->panels & ~PANEL_HELP) | (keep.panels & PANEL_HELP);
    sess_destroy(app->s);
    app->s = next;
}

/* Enters lesson step k: one step ahead applies only its actions (same
 * state by definition), anything else replays from the setup. On error the
 * previous state stays and the lesson panel shows why. */
static void goto_step(App *app, int k)
{
    char msg[800];
    if (!app->lesson || k < 0 || k > lesson_step_count(app->lesson))
        return;
    app->training = false;
    if (k == app->step + 1 && !app->dirty && !app->lesson_err[0]) {
        if (lesson_advance(app->lesson, app->s, k, msg, sizeof msg) == 0) {
            app->step = k;
            app->lesson_err[0] = '\0';
            sess_view(app->s)->anim = 1;
            return;
        }
        /* the session may be half-way through the step: rebuild the last good one */
        snprintf(app->lesson_err, sizeof app->lesson_err, "%s", msg);
        Session *back = lesson_enter(app->lesson, app->step, msg, sizeof msg);
        if (back)
            swap_session(app, back);
        return;
    }
    /* replaying can take seconds (a step that trains): say so first */
    snprintf(msg, sizeof msg, "entering step %d: replaying the lesson from its setup…", k);
    say(app, msg);
    draw(app);
    Session *next = lesson_enter(app->lesson, k, msg, sizeof msg);
    app->notice_until = 0;
    if (!next) {
        snprintf(app->lesson_err, sizeof app->lesson_err, "%s", msg);
        return;
    }
    swap_session(app, next);
    app->step = k;
    app->dirty = false;
    app->lesson_err[0] = '\0';
}

static int open_lesson(App *app, const char *path, char *msg, size_t cap)
{
    Lesson *lesson = lesson_load(path, msg, cap);
    if (!lesson)
        return -1;
    Session *s = lesson_enter(lesson, 0, msg, cap);
    if (!s) {
        lesson_destroy(lesson);
        return -1;
    }
    if (app->s)
        swap_session(app, s);
    else
        app->s = s;
    lesson_destroy(app->lesson);
    app->lesson = lesson;
    app->step = 0;
    app->dirty = false;
    app->lesson_err[0] = '\0';
    return 0;
}

static void pick_lesson(App *app, int i)
{
    char msg[800];
    if (i < 0 || i >= app->n_lessons)
        return;
    app->picker_open = false;
    if (open_lesson(app, app->paths[i], msg, sizeof msg))
        say(app, msg);
}

/* E: the gradient norms (this pass and the training history) as CSV. */
static void export_csv(App *app)
{
    char path[64], msg[600];
    char *csv = sess_grad_csv(app->s);
    snprintf(path, sizeof path, "rnnviz-grads-%03d.csv", ++app->shots);
    if (!csv)
        say(app, "out of memory writing the CSV");
    else if (afile_write(path, csv, strlen(csv), msg, sizeof msg))
        say(app, msg);
    else {
        snprintf(msg, sizeof msg, "saved %s", path);
        say(app, msg);
    }
    free(csv);
}

static void press_button(App *app, int id)
{
    Session *s = app->s;
    SessView *v = sess_view(s);
    if (id >= BTN_CTL_DEC && id < BTN_CTL_DEC + CTL_COUNT) {
        app->dirty = true;
        ACT(app, ctl_nudge(s, (Control)(id - BTN_CTL_DEC), -1, MSG));
        return;
    }
    if (id >= BTN_CTL_INC && id < BTN_CTL_INC + CTL_COUNT) {
        app->dirty = true;
        ACT(app, ctl_nudge(s, (Control)(id - BTN_CTL_INC), +1, MSG));
        return;
    }
    if (id >= BTN_PICK_FIRST && id < BTN_PICK_FIRST + 100) {
        pick_lesson(app, id - BTN_PICK_FIRST);
        return;
    }
    if (id != BTN_HELP && id != BTN_SPEED && id < BTN_PLOT_GRAD)
        app->dirty = true;
    switch (id) {
    case BTN_BACK:
        ACT(app, sess_back(s, 1, MSG));
        break;
    case BTN_STEP:
        ACT(app, sess_step(s, 1, MSG));
        break;
    case BTN_PLAY:
        v->playing = !v->playing;
        break;
    case BTN_SPEED:
        v->speed = v->speed >= 32 ? 1 : v->speed * 2;
        break;
    case BTN_FORWARD_ALL:
        ACT(app, sess_forward(s, -1, MSG));
        break;
    case BTN_BACKWARD_ALL:
        ACT(app, sess_backward(s, -1, MSG));
        break;
    case BTN_UPDATE:
        ACT(app, sess_update(s, MSG));
        break;
    case BTN_TRAIN:
        app->training = !app->training;
        break;
    case BTN_RESET:
        app->training = false;
        ACT(app, sess_reset(s, MSG));
        break;
    case BTN_RNN:
        set_key(app, "cell", "rnn");
        break;
    case BTN_GRU:
        set_key(app, "cell", "gru");
        break;
    case BTN_LSTM:
        set_key(app, "cell", "lstm");
        break;
    case BTN_HELP:
        v->panels ^= PANEL_HELP;
        break;
    case BTN_PLOT_GRAD:
    case BTN_PLOT_LOSS:
    case BTN_PLOT_EIGEN:
    case BTN_PLOT_HEATMAP:
        v->plot = (SessPlot)(id - BTN_PLOT_GRAD);
        v->panels |= PANEL_PLOTS;
        break;
    case BTN_LESSON_PREV:
        goto_step(app, app->step - 1);
        return;
    case BTN_LESSON_NEXT:
        goto_step(app, app->step + 1);
        return;
    case BTN_LESSONS:
        app->picker_open = !app->picker_open;
        return;
    case BTN_SETTINGS:
        v->panels ^= PANEL_SETTINGS;
        return;
    case BTN_COMPARE:
        ACT(app, sess_compare(s, 0, MSG));
        v->plot = PLOT_GRAD;
        break;
    }
}

static void on_key(App *app, const SDL_KeyboardEvent *k)
{
    Session *s = app->s;
    SessView *v = sess_view(s);
    bool ctrl = (k->keysym.mod & KMOD_CTRL) != 0, shift = (k->keysym.mod & KMOD_SHIFT) != 0;
    SDL_Keycode key = k->keysym.sym;
    if (ctrl && (key == SDLK_EQUALS || key == SDLK_PLUS || key == SDLK_KP_PLUS)) {
        v->ui_scale = fminf(3.0f, v->ui_scale * 1.1f);
        return;
    }
    if (ctrl && (key == SDLK_MINUS || key == SDLK_KP_MINUS)) {
        v->ui_scale = fmaxf(0.5f, v->ui_scale / 1.1f);
        return;
    }
    if (app->picker_open) {
        if (key >= SDLK_1 && key <= SDLK_9)
            pick_lesson(app, (int)(key - SDLK_1));
        else if (key == SDLK_ESCAPE || key == SDLK_l)
            app->picker_open = false;
        return;
    }
    if ((v->panels & PANEL_SETTINGS) &&
        (key == SDLK_UP || key == SDLK_DOWN || key == SDLK_LEFT || key == SDLK_RIGHT)) {
        /* with the drawer open the arrows choose a setting and change it */
        if (key == SDLK_UP || key == SDLK_DOWN)
            v->drawer_row = (v->drawer_row + (key == SDLK_UP ? CTL_COUNT - 1 : 1)) % CTL_COUNT;
        else
            press_button(app, (key == SDLK_LEFT ? BTN_CTL_DEC : BTN_CTL_INC) + v->drawer_row);
        return;
    }
    switch (key) {
    case SDLK_PAGEDOWN:
        press_button(app, app->lesson ? BTN_LESSON_NEXT : BTN_STEP);
        break;
    case SDLK_PAGEUP:
        press_button(app, app->lesson ? BTN_LESSON_PREV : BTN_BACK);
        break;
    case SDLK_RIGHT:
        press_button(app, BTN_STEP);
        break;
    case SDLK_LEFT:
        press_button(app, BTN_BACK);
        break;
    case SDLK_l:
        press_button(app, BTN_LESSONS);
        break;
    case SDLK_n:
        v->panels ^= PANEL_LESSON;
        break;
    case SDLK_SPACE:
        press_button(app, BTN_PLAY);
        break;
    case SDLK_f:
        press_button(app, BTN_FORWARD_ALL);
        break;
    case SDLK_b:
        press_button(app, BTN_BACKWARD_ALL);
        break;
    case SDLK_u:
        press_button(app, BTN_UPDATE);
        break;
    case SDLK_t:
        press_button(app, BTN_TRAIN);
        break;
    case SDLK_r:
        press_button(app, BTN_RESET);
        break;
    case SDLK_1:
        press_button(app, BTN_RNN);
        break;
    case SDLK_2:
        press_button(app, BTN_GRU);
        break;
    case SDLK_3:
        press_button(app, BTN_LSTM);
        break;
    case SDLK_PLUS:
    case SDLK_KP_PLUS:
        spectral_nudge(app, 1.1);
        break;
    case SDLK_EQUALS:
        if (shift)
            spectral_nudge(app, 1.1);
        break;
    case SDLK_MINUS:
    case SDLK_KP_MINUS:
        spectral_nudge(app, 1 / 1.1);
        break;
    case SDLK_F11:
        win_toggle_fullscreen(app->win);
        break;
    case SDLK_s:
        save_view(app, shift);
        break;
    case SDLK_TAB:
        v->panels ^= PANEL_CONTROLS;
        break;
    case SDLK_c:
        v->high_contrast = !v->high_contrast;
        break;
    case SDLK_o:
        press_button(app, BTN_SETTINGS);
        break;
    case SDLK_e:
        export_csv(app);
        break;
    case SDLK_p:
        v->plot = (SessPlot)((v->plot + 1) % PLOT_COUNT);
        break;
    case SDLK_v:
        if (shift) {
            /* train all three side by side and overlay their loss curves */
            app->dirty = true;
            ACT(app, sess_compare(app->s, 300, MSG));
            v->plot = PLOT_LOSS;
        } else {
            press_button(app, BTN_COMPARE);
        }
        break;
    case SDLK_h:
    case SDLK_QUESTION:
        v->panels ^= PANEL_HELP;
        break;
    case SDLK_SLASH:
        if (shift)
            v->panels ^= PANEL_HELP;
        break;
    case SDLK_ESCAPE:
        if (v->panels & PANEL_HELP)
            v->panels &= ~PANEL_HELP;
        else
            app->running = false;
        break;
    case SDLK_q:
        app->running = false;
        break;
    default:
        break;
    }
}

/* The spectral radius slider: x within the slider's track, log scale. */
static void slide(App *app, float x)
{
    char msg[400];
    double u = (x - app->slider.x) / app->slider.w;
    app->dirty = true;
    if (ctl_set_rho(app->s, ctl_unit_to_rho(u), msg, sizeof msg))
        say(app, msg);
}

static void on_mouse(App *app, const SDL_Event *e)
{
    WinSize ws = win_size(app->win);
    float r = ws.pixel_ratio > 0 ? ws.pixel_ratio : 1;
    SessView *v = sess_view(app->s);
    char msg[400];
    if (e->type == SDL_MOUSEMOTION) {
        app->has_mouse = true;
        app->mouse_x = e->motion.x * r;
        app->mouse_y = e->motion.y * r;
    }
    if (e->type == SDL_MOUSEBUTTONDOWN && e->button.button == SDL_BUTTON_LEFT) {
        const Hit *h = view_hit(&app->hits, e->button.x * r, e->button.y * r);
        if (h && h->kind == HIT_BUTTON && h->id == BTN_RHO_SLIDER) {
            app->slider = h->r;
            app->sliding = true;
            slide(app, e->button.x * r);
        } else if (h && h->kind == HIT_BUTTON) {
            press_button(app, h->id);
        } else if (h && h->kind == HIT_NODE && h->row != ROW_INPUT && h->row != ROW_LOSS) {
            if (sess_select(app->s, h->row == ROW_LAYER ? h->l : -1, h->t, msg, sizeof msg))
                say(app, msg);
        } else {
            app->dragging = true;
            app->drag_x = e->button.x * r;
        }
    } else if (e->type == SDL_MOUSEBUTTONUP) {
        app->dragging = false;
        app->sliding = false;
    } else if (e->type == SDL_MOUSEMOTION && app->sliding) {
        slide(app, e->motion.x * r);
    } else if (e->type == SDL_MOUSEMOTION && app->dragging) {
        Layout lo;
        ViewParams vp = view_params(app, false);
        view_layout(sess_view_model(app->s), &vp, &lo);
        v->follow = false;
        v->scroll_x = lo.scroll_x - (e->motion.x * r - app->drag_x);
        app->drag_x = e->motion.x * r;
    } else if (e->type == SDL_MOUSEWHEEL) {
        v->zoom = fminf(4.0f, fmaxf(0.25f, v->zoom * (e->wheel.y > 0 ? 1.15f : 1 / 1.15f)));
    }
}

/* The status line while training: iteration, rate, loss, accuracy. */
static void train_progress(App *app)
{
    const TrainRecord *last = train_last(sess_trainer(app->s));
    double t = now_s();
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
    say(app, msg);
}

/* Update: animation clock, play clock, and a time slice of training. */
static void update(App *app, double dt)
{
    SessView *v = sess_view(app->s);
    if (v->anim < 1)
        v->anim = fmin(1.0, v->anim + dt * fmax(3.0, v->speed));
    if (v->playing) {
        app->play_acc += dt * v->speed;
        while (app->play_acc >= 1) {
            app->play_acc -= 1;
            ACT(app, sess_step(app->s, 1, MSG));
        }
    }
    if (app->training) {
        /* about 8 ms of training per frame keeps the window at 60 Hz */
        char msg[400];
        if (sess_train_for(app->s, 0.008, clock_s, NULL, msg, sizeof msg) < 0) {
            say(app, msg);
            app->training = false;
        } else {
            /* the batch on screen, forward through the weights as they train */
            sess_forward(app->s, -1, msg, sizeof msg);
            sess_view(app->s)->anim = 1;
            train_progress(app);
        }
        /* LAPACK on W_hh can cost more than a frame: four times a second */
        if (now_s() - app->spectral_at > 0.25) {
            sess_refresh_spectral(app->s);
            app->spectral_at = now_s();
        }
    }
}

static bool busy(const App *app)
{
    const SessView *v = sess_view_const(app->s);
    return v->anim < 1 || v->playing || app->training;
}

static void draw(App *app)
{
    ViewParams vp = view_params(app, true);
    view_draw(sess_view_model(app->s), &vp, app->dl, &app->hits);
    win_present(app->win, app->dl, theme_get(sess_view(app->s)->high_contrast)->bg);
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
                   "Opens the window: on a lesson file, on a network made from SETTINGS\n"
                   "(--KEY VALUE for any session setting: --cell lstm --hidden 16 ...), or\n"
                   "with neither on the first shipped lesson and the lesson picker.\n"
                   "Press ? in the window for the keys.\n");
            exit(0);
        }
        if (settings_set_flag(st, argc, argv, &i, NULL, msg, sizeof msg)) {
            fprintf(stderr, "rnnviz: %s\n", msg);
            return 2;
        }
    }
    return 0;
}

int cmd_window(int argc, char **argv)
{
    Settings st;
    settings_default(&st);
    const char *lesson = NULL;
    bool has_settings = false;
    int rc = parse(argc, argv, &st, &lesson, &has_settings);
    if (rc)
        return rc;
    static App app;
    char msg[800];
    FontsError ferr = {{0}};
    WinError werr = {{0}};
    rc = 1;

    /* init: the lesson picker lists the shipped lessons */
    app.n_lessons = lesson_list(lesson_dir(), app.paths, 32);
    for (int i = 0; i < app.n_lessons; i++) {
        Lesson *l = lesson_load(app.paths[i], msg, sizeof msg);
        snprintf(app.titles[i], sizeof app.titles[i], "%.150s", l ? lesson_title(l) : app.paths[i]);
        app.title_ptrs[i] = app.titles[i];
        lesson_destroy(l);
    }
    if (!lesson && !has_settings && app.n_lessons > 0) {
        lesson = app.paths[0];
        app.picker_open = true;
    }
    if (lesson ? open_lesson(&app, lesson, msg, sizeof msg) != 0
               : (app.s = sess_create(&st, msg, sizeof msg)) == NULL) {
        fprintf(stderr, "rnnviz: %s\n", msg);
        return 1;
    }
    app.fonts = fonts_create(NULL, &ferr);
    if (!app.fonts) {
        fprintf(stderr, "rnnviz: %s\n", ferr.msg);
        goto out_session;
    }
    app.dl = dl_create(RENDER_MAX_CMDS, RENDER_MAX_TEXT, RENDER_MAX_POINTS);
    app.win = win_create("rnnviz", 1280, 720, app.fonts, &werr);
    if (!app.win || !app.dl) {
        fprintf(stderr, "rnnviz: %s (without a display, use: rnnviz render --out FILE.png)\n",
                werr.msg);
        goto out_fonts;
    }
    app.running = true;
    double last = now_s();
    draw(&app);
    while (app.running) {
        /* input */
        SDL_Event e;
        bool got = SDL_WaitEventTimeout(&e, busy(&app) ? 1 : 250);
        while (got) {
            if (e.type == SDL_QUIT)
                app.running = false;
            else if (e.type == SDL_KEYDOWN)
                on_key(&app, &e.key);
            else if (e.type >= SDL_MOUSEMOTION && e.type <= SDL_MOUSEWHEEL)
                on_mouse(&app, &e);
            got = SDL_PollEvent(&e);
        }
        /* update */
        double t = now_s();
        update(&app, t - last);
        last = t;
        /* draw, present (vsync paces the busy loop) */
        draw(&app);
    }
    rc = 0;

    /* shutdown */
out_fonts:
    win_destroy(app.win);
    dl_destroy(app.dl);
    fonts_destroy(app.fonts);
out_session:
    sess_destroy(app.s);
    lesson_destroy(app.lesson);
    return rc;
}
