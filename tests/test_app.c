/*
 * The app without a display: scripted events in, session and draw list
 * out. Every binding of the key table, every button on screen, the
 * settings drawer and its nudges, lesson navigation, play, training slices
 * on an injected clock, and the window manners (Esc, Q, F11, the window's
 * place).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "keymap.h"
#include "lesson.h"
#include "lesson_run.h"
#include "settings_drawer.h"
#include "winplace.h"

#define LESSON RNNVIZ_LESSONS_DIR "/02-forward-pass.md"

/* ---- fakes: a clock that moves 1 ms per reading, a window, a saver ---- */

static double clock_now;
static bool fake_full;
static int saves;
static char saved_path[64];

static double fake_now(void *ctx)
{
    (void)ctx;
    return clock_now += 0.001;
}

static void fake_fullscreen(void *ctx, bool on)
{
    (void)ctx;
    fake_full = on;
}

static int fake_save(void *ctx, const Session *s, const ViewParams *vp, const char *path, char *msg,
                     size_t cap)
{
    (void)ctx, (void)s, (void)vp, (void)msg, (void)cap;
    saves++;
    snprintf(saved_path, sizeof saved_path, "%s", path);
    return 0;
}

/* The window's recorder: starts (path) and stops (NULL); fails on demand. */
static int rec_starts, rec_stops;
static bool rec_on, rec_fail;
static char rec_path[64];

static int fake_record(void *ctx, const char *path, char *msg, size_t cap)
{
    (void)ctx;
    if (rec_fail) {
        snprintf(msg, cap, "video export needs rnnviz-video.so: not found");
        return -1;
    }
    if (path) {
        assert_false(rec_on);
        rec_starts++;
        snprintf(rec_path, sizeof rec_path, "%s", path);
    } else {
        assert_true(rec_on);
        rec_stops++;
        snprintf(msg, cap, "recorded 90 frames (3.0 s)");
    }
    rec_on = path != NULL;
    return 0;
}

static DrawList *dl;

static App *make_app(const char *spec)
{
    AppHooks h = {NULL,       fake_now, fake_fullscreen, fake_save, NULL, dl_measure_approx(),
                  fake_record};
    rec_starts = rec_stops = 0;
    rec_on = rec_fail = false;
    fake_full = false;
    saves = 0;
    App *app = app_create(&h, support_session(spec), 1280, 720);
    assert_non_null(app);
    return app;
}

static void key(App *app, int k, unsigned mods)
{
    app_handle(app, &(AppEvent){.kind = APP_EV_KEY, .key = k, .mods = mods});
}

static void tick(App *app, double dt)
{
    app_handle(app, &(AppEvent){.kind = APP_EV_TICK, .dt = dt});
}

static void frame(App *app)
{
    app_draw(app, dl);
    assert_false(dl_overflowed(dl));
}

static bool has_text(const char *needle)
{
    for (int i = 0; i < dl_count(dl); i++) {
        const DlCmd *c = dl_cmd(dl, i);
        if (c->kind == DL_CMD_TEXT && strstr(c->text, needle))
            return true;
    }
    return false;
}

/* The first hit for button id (with arg, or any arg when arg < 0). */
static const Hit *button(App *app, int id, int arg)
{
    frame(app);
    const HitList *h = app_hits(app);
    for (int i = 0; i < h->n; i++)
        if (h->hits[i].kind == HIT_BUTTON && h->hits[i].id == id &&
            (arg < 0 || h->hits[i].arg == arg))
            return &h->hits[i];
    return NULL;
}

static void click_at(App *app, float x, float y)
{
    app_handle(app, &(AppEvent){.kind = APP_EV_BUTTON_DOWN, .x = x, .y = y});
    app_handle(app, &(AppEvent){.kind = APP_EV_BUTTON_UP, .x = x, .y = y});
}

static void click(App *app, int id, int arg)
{
    const Hit *b = button(app, id, arg);
    if (!b)
        fail_msg("no button %d (arg %d) on screen", id, arg);
    click_at(app, b->r.x + b->r.w / 2, b->r.y + b->r.h / 2);
}

static const double *weights(App *app, size_t *n)
{
    const Net *net = sess_net(app_session(app));
    *n = net_num_params(net);
    return net_params_const(net);
}

/* ---- what an action did: a snapshot before, checks after ---- */

typedef struct {
    int cursor, panels, plot, step, row;
    long iteration;
    NetCell cell;
    double rho, speed;
    float scale;
    bool playing, training, contrast, drawer, picker, full, running, confirm;
    int saves, hidden;
    int focus;
    bool fit;
    int brow, batch; /* the displayed batch row of batch rows */
} Snap;

static Snap snap(App *app)
{
    Session *s = app_session(app);
    const ViewState *v = app_view(app);
    return (Snap){sess_cursor(s),
                  sess_display(s)->panels,
                  sess_display(s)->plot,
                  app_lesson_step(app),
                  v->drawer_row,
                  sess_iteration(s),
                  sess_settings(s)->cell,
                  sess_spectral_radius(s, 0),
                  v->speed,
                  v->ui_scale,
                  v->playing,
                  app_training(app),
                  v->high_contrast,
                  v->drawer_open,
                  app_picker_open(app),
                  app_fullscreen(app),
                  app_running(app),
                  v->confirm_quit,
                  saves,
                  sess_settings(s)->hidden,
                  v->focus,
                  v->fit_all,
                  sess_view_model(s)->row,
                  net_batch_size(sess_net(s))};
}

static void check_session_effect(App *app, const Snap *b, int act, int arg)
{
    Session *s = app_session(app);
    Snap a = snap(app);
    switch (act) {
    case APP_ACT_STEP:
        assert_int_equal(a.cursor, b->cursor + 1);
        break;
    case APP_ACT_BACK:
        assert_int_equal(a.cursor, b->cursor - 1);
        break;
    case APP_ACT_FORWARD_ALL:
        assert_int_equal(sess_phase(s), PHASE_BACKWARD);
        break;
    case APP_ACT_BACKWARD_ALL:
        assert_int_equal(sess_phase(s), PHASE_UPDATE);
        break;
    case APP_ACT_UPDATE:
        assert_int_equal(a.iteration, b->iteration + 1);
        break;
    case APP_ACT_RESET:
        assert_int_equal(a.iteration, 0);
        assert_int_equal(a.cursor, 0);
        break;
    case APP_ACT_CELL:
        assert_int_equal(a.cell, arg);
        break;
    case APP_ACT_COMPARE:
    case APP_ACT_COMPARE_TRAIN:
        assert_true(sess_comparison(s)->valid);
        assert_int_equal(a.plot, act == APP_ACT_COMPARE ? PLOT_GRAD : PLOT_LOSS);
        break;
    case APP_ACT_RHO_UP:
    case APP_ACT_RHO_DOWN:
        assert_true(fabs(a.rho - b->rho * (act == APP_ACT_RHO_UP ? 1.1 : 1 / 1.1)) < 1e-9);
        break;
    default:
        fail_msg("no session check for action %d", act);
    }
}

/* A question's keys: Enter, a choice or X reveal it and free Page Down;
 * digits type into the number question; Backspace erases. */
static void check_ask_effect(App *app, const Snap *b, int act, int arg)
{
    char typed[16];
    frame(app);
    if (act == APP_ACT_ASK_KEY && arg != '\r') {
        snprintf(typed, sizeof typed, "%c▌", arg);
        assert_true(arg == '\b' ? !has_text("4▌") : has_text(typed));
        assert_true(has_text("predict:"));
        return;
    }
    assert_true(has_text("answered"));
    assert_false(has_text("predict:"));
    if (act == APP_ACT_ASK_CHOOSE)
        assert_true(has_text("✓") && has_text("✗")); /* choice 1 is wrong in lesson 3 */
    key(app, APP_KEY_PAGE_DOWN, 0);
    assert_int_equal(app_lesson_step(app), b->step + 1);
}

static void check_display_effect(App *app, const Snap *b, int act, int arg)
{
    Snap a = snap(app);
    switch (act) {
    case APP_ACT_HELP:
        assert_int_equal(a.panels ^ b->panels, PANEL_HELP);
        break;
    case APP_ACT_LESSON_PANEL:
        assert_int_equal(a.panels ^ b->panels, PANEL_LESSON);
        break;
    case APP_ACT_CONTROLS_BAR:
        assert_int_equal(a.panels ^ b->panels, PANEL_CONTROLS);
        break;
    case APP_ACT_PLOT:
        assert_int_equal(a.plot, arg);
        break;
    case APP_ACT_PLOT_NEXT:
        assert_int_equal(a.plot, (b->plot + 1) % PLOT_COUNT);
        break;
    case APP_ACT_CONTRAST:
        assert_true(a.contrast != b->contrast);
        break;
    case APP_ACT_FOCUS: /* the lesson's layout, then plot, inspector, diagram, and back */
        assert_int_equal(a.focus, b->focus == 0 ? FOCUS_PLOT + 1 : (b->focus + 1) % 5);
        break;
    case APP_ACT_FIT:
        assert_true(a.fit != b->fit);
        break;
    case APP_ACT_ROW_PREV:
    case APP_ACT_ROW_NEXT:
        assert_true(a.batch > 1);
        assert_int_equal(a.brow, (b->brow + (act == APP_ACT_ROW_NEXT ? 1 : a.batch - 1)) % a.batch);
        break;
    case APP_ACT_SCALE_UP:
        assert_true(fabsf(a.scale - b->scale * 1.1f) < 1e-5f);
        break;
    case APP_ACT_SCALE_DOWN:
        assert_true(fabsf(a.scale - b->scale / 1.1f) < 1e-5f);
        break;
    case APP_ACT_SETTINGS:
        assert_true(a.drawer != b->drawer);
        break;
    case APP_ACT_LESSONS:
        assert_true(a.picker != b->picker);
        break;
    case APP_ACT_PICK_CLOSE:
        assert_false(a.picker);
        break;
    case APP_ACT_ASK_KEY:
    case APP_ACT_ASK_CHOOSE:
    case APP_ACT_ASK_REVEAL:
        check_ask_effect(app, b, act, arg);
        break;
    case APP_ACT_FULLSCREEN:
        assert_true(a.full != b->full);
        assert_true(fake_full == a.full);
        break;
    default:
        check_session_effect(app, b, act, arg);
    }
}

static void check_effect(App *app, const Snap *b, int act, int arg)
{
    Snap a = snap(app);
    switch (act) {
    case APP_ACT_PLAY:
        assert_true(a.playing != b->playing);
        break;
    case APP_ACT_SPEED:
        assert_true(a.speed == b->speed * 2);
        break;
    case APP_ACT_TRAIN:
        assert_true(a.training != b->training);
        break;
    case APP_ACT_PAGE_NEXT:
    case APP_ACT_LESSON_NEXT:
        assert_true(app_lesson(app) ? a.step == b->step + 1 : a.cursor == b->cursor + 1);
        break;
    case APP_ACT_PAGE_PREV:
    case APP_ACT_LESSON_PREV:
        assert_true(app_lesson(app) ? a.step == b->step - 1 : a.cursor == b->cursor - 1);
        break;
    case APP_ACT_SAVE_PNG:
    case APP_ACT_SAVE_SVG:
        assert_int_equal(a.saves, b->saves + 1);
        assert_non_null(strstr(saved_path, act == APP_ACT_SAVE_PNG ? ".png" : ".svg"));
        break;
    case APP_ACT_EXPORT_CSV:
        assert_non_null(strstr(app_notice(app), "saved rnnviz-grads-"));
        break;
    case APP_ACT_RECORD:
        assert_true(app_recording(app) && rec_on && rec_starts == 1);
        break;
    case APP_ACT_ESCAPE:
        assert_true(a.running);
        assert_true(a.panels == b->panels && a.drawer == b->drawer && a.full == b->full);
        break;
    case APP_ACT_QUIT:
    case APP_ACT_QUIT_YES:
        assert_false(a.running);
        break;
    case APP_ACT_QUIT_NO:
        assert_true(a.running && !a.confirm);
        break;
    case APP_ACT_PICK:
        assert_false(a.picker);
        assert_non_null(app_lesson(app));
        break;
    case APP_ACT_DRAWER_UP:
    case APP_ACT_DRAWER_DOWN:
        assert_int_equal(a.row, (b->row + (act == APP_ACT_DRAWER_UP ? 14 : 1)) % 15);
        break;
    case APP_ACT_DRAWER_DEC:
    case APP_ACT_DRAWER_INC:
    case APP_ACT_CTL_DEC:
    case APP_ACT_CTL_INC: /* the chosen row (cell) cycles: rnn <-> gru / lstm */
        assert_int_equal(a.cell, act == APP_ACT_DRAWER_INC || act == APP_ACT_CTL_INC
                                     ? NET_CELL_GRU
                                     : NET_CELL_LSTM);
        break;
    default:
        check_display_effect(app, b, act, arg);
    }
}

/* ---- every binding, every button ---- */

/* The lessons' questions: lesson 2 step 4 takes a number, lesson 3 step 3
 * offers choices. */
#define NUMBER_LESSON RNNVIZ_LESSONS_DIR "/02-forward-pass.md"
#define CHOICE_LESSON RNNVIZ_LESSONS_DIR "/03-backprop-through-time.md"

/* Opens path and pages to its step with a question (Page Down stops there). */
static void open_question(App *app, const char *path)
{
    char msg[800];
    if (app_open_lesson(app, path, msg, sizeof msg))
        fail_msg("%s", msg);
    for (int k = 0; k < 8; k++)
        key(app, APP_KEY_PAGE_DOWN, 0);
    frame(app);
    assert_true(has_text("predict:"));
}

/* An app in the binding's mode, in a state where its action shows. */
static App *prepare(const KeyBinding *b)
{
    bool gru = b->action == APP_ACT_CELL && b->arg == NET_CELL_RNN;
    bool rows = b->action == APP_ACT_ROW_PREV || b->action == APP_ACT_ROW_NEXT;
    App *app = make_app(gru    ? "cell=gru;hidden=4;steps=5"
                        : rows ? "hidden=4;steps=5;batch=4"
                               : "hidden=4;steps=5");
    char msg[800];
    bool lesson = b->mode == MODE_CONFIRM || b->action == APP_ACT_LESSON_NEXT ||
                  b->action == APP_ACT_LESSON_PREV;
    if (lesson && app_open_lesson(app, LESSON, msg, sizeof msg))
        fail_msg("%s", msg);
    if (b->action == APP_ACT_LESSON_PREV)
        key(app, APP_KEY_PAGE_DOWN, 0);
    if (b->mode == MODE_ASK)
        open_question(app, b->action == APP_ACT_ASK_CHOOSE ? CHOICE_LESSON : NUMBER_LESSON);
    if (b->action == APP_ACT_ASK_KEY && (b->key == '\b' || b->key == '\r'))
        key(app, '4', 0); /* something to erase, or to answer with */
    if (b->mode == MODE_CONFIRM)
        key(app, 'q', 0);
    if (b->mode == MODE_PICKER)
        app_list_lessons(app, RNNVIZ_LESSONS_DIR, true);
    if (b->mode == MODE_DRAWER)
        key(app, 'o', 0);
    Session *s = app_session(app);
    if (b->action == APP_ACT_BACK || b->action == APP_ACT_PAGE_PREV)
        support_run(s, "step 3");
    if (b->action == APP_ACT_BACKWARD_ALL)
        support_run(s, "forward all");
    if (b->action == APP_ACT_RESET)
        support_run(s, "update");
    return app;
}

static void check_pick(App *app, const Snap *before, int arg, int n_lessons)
{
    if (arg < n_lessons)
        check_effect(app, before, APP_ACT_PICK, arg);
    else /* no such entry: nothing happens */
        assert_true(app_picker_open(app) && !app_lesson(app));
}

static void test_every_binding(void **state)
{
    (void)state;
    int n, keys = 0;
    const KeyBinding *t = keymap_table(&n);
    for (int i = 0; i < n; i++) {
        const KeyBinding *b = &t[i];
        if (b->key == 0 || b->key == APP_KEY_MOUSE)
            continue;
        print_message("key %#x mods %u: action %d\n", (unsigned)b->key, b->mods, b->action);
        App *app = prepare(b);
        AppMode mode = b->mode == MODE_ANY ? MODE_MAIN : b->mode;
        /* the lookup finds this row: no binding is shadowed by another */
        assert_ptr_equal(keymap_key(mode, b->key, b->mods), b);
        Snap before = snap(app);
        key(app, b->key, b->mods);
        if (b->action == APP_ACT_PICK)
            check_pick(app, &before, b->arg, 9); /* lessons 0 to 8 */
        else
            check_effect(app, &before, b->action, b->arg);
        app_destroy(app);
        keys++;
    }
    print_message("%d key bindings driven\n", keys);
    assert_true(keys >= 50);
}

static void test_every_button(void **state)
{
    (void)state;
    bool seen[BTN_COUNT] = {false};
    int n;
    const KeyBinding *t = keymap_table(&n);
    for (int i = 0; i < n; i++) {
        const KeyBinding *b = &t[i];
        if (b->button < 0 || b->button == BTN_RHO_SLIDER || seen[b->button])
            continue;
        seen[b->button] = true;
        App *app = prepare(b);
        int arg = b->button == BTN_CTL_DEC || b->button == BTN_CTL_INC ? SET_CELL : 0;
        if (!button(app, b->button, arg)) {
            /* drawn nowhere today: the key is the only way in */
            assert_true(b->button == BTN_COMPARE || b->button == BTN_LESSONS);
            app_destroy(app);
            continue;
        }
        Snap before = snap(app);
        click(app, b->button, arg);
        check_effect(app, &before, b->action, b->button == BTN_PICK ? 0 : b->arg);
        app_destroy(app);
    }
    seen[BTN_RHO_SLIDER] = true; /* test_rho_slider */
    for (int id = 0; id < BTN_COUNT; id++)
        if (!seen[id])
            fail_msg("button %d has no row in the key table", id);
}

/* ---- the settings drawer ---- */

static void test_drawer_nudges(void **state)
{
    (void)state;
    App *app = make_app("hidden=8;steps=10;learning_rate=0.1");
    Session *s = app_session(app);
    char msg[400];
    /* up is up, down is down, one notch of the table each */
    assert_int_equal(sdrawer_nudge(s, SET_HIDDEN, +1, msg, sizeof msg), 0);
    assert_int_equal(sess_settings(s)->hidden, 10);
    assert_int_equal(sdrawer_nudge(s, SET_HIDDEN, -1, msg, sizeof msg), 0);
    assert_int_equal(sdrawer_nudge(s, SET_HIDDEN, -1, msg, sizeof msg), 0);
    assert_int_equal(sess_settings(s)->hidden, 4);
    assert_int_equal(sdrawer_nudge(s, SET_LEARNING_RATE, +1, msg, sizeof msg), 0);
    assert_true(sess_settings(s)->learning_rate == 0.3);
    /* the spectral radius: ×1.1 up, ÷1.1 down, exactly (no text between) */
    double rho = sess_spectral_radius(s, 0);
    assert_int_equal(sdrawer_nudge(s, SET_SPECTRAL_RADIUS, +1, msg, sizeof msg), 0);
    assert_true(fabs(sess_spectral_radius(s, 0) - rho * 1.1) < 1e-9);
    assert_int_equal(sdrawer_nudge(s, SET_SPECTRAL_RADIUS, -1, msg, sizeof msg), 0);
    assert_true(fabs(sess_spectral_radius(s, 0) - rho) < 1e-9);
    /* the seed steps by one */
    assert_int_equal(sdrawer_nudge(s, SET_SEED, +1, msg, sizeof msg), 0);
    assert_int_equal(sess_settings(s)->seed, 2);
    /* the arrows: ↓ chooses the next row, → raises it */
    key(app, 'o', 0);
    SettingId rows[SET_COUNT];
    assert_int_equal(settings_drawer(rows), 15);
    assert_int_equal(rows[3], SET_STEPS);
    for (int i = 0; i < 3; i++)
        key(app, APP_KEY_DOWN, 0);
    assert_int_equal(app_view(app)->drawer_row, 3);
    key(app, APP_KEY_RIGHT, 0);
    assert_int_equal(sess_settings(app_session(app))->steps, 20);
    key(app, APP_KEY_LEFT, 0);
    key(app, APP_KEY_LEFT, 0);
    assert_int_equal(sess_settings(app_session(app))->steps, 5);
    /* the drawer shows it: the row's value in the draw list */
    frame(app);
    assert_true(has_text("Settings") && has_text("steps T"));
    app_destroy(app);
}

/* The slider is on a log scale: its middle is the geometric mean. */
static void test_rho_slider(void **state)
{
    (void)state;
    assert_true(fabs(settings_from_unit(SET_SPECTRAL_RADIUS, 0.5) - sqrt(0.1 * 3.0)) < 1e-12);
    assert_true(fabs(settings_to_unit(SET_SPECTRAL_RADIUS, 1.0) - log(10) / log(30)) < 1e-12);
    App *app = make_app("hidden=8;steps=10");
    key(app, 'o', 0);
    const Hit *h = button(app, BTN_RHO_SLIDER, -1);
    assert_non_null(h);
    Rect r = h->r;
    click_at(app, r.x + r.w / 2, r.y + r.h / 2);
    assert_true(fabs(sess_spectral_radius(app_session(app), 0) - sqrt(0.3)) < 1e-6);
    /* dragging along the track follows the pointer */
    app_handle(app, &(AppEvent){.kind = APP_EV_BUTTON_DOWN, .x = r.x + r.w / 2, .y = r.y + 1});
    app_handle(app, &(AppEvent){.kind = APP_EV_MOTION, .x = r.x + r.w, .y = r.y + 1});
    app_handle(app, &(AppEvent){.kind = APP_EV_BUTTON_UP, .x = r.x + r.w, .y = r.y + 1});
    assert_true(fabs(sess_spectral_radius(app_session(app), 0) - 3.0) < 1e-6);
    app_destroy(app);
}

/* Settings the table marks as keeping the weights keep them, typed or
 * from text; the others rebuild the network. */
static void test_keep_weights(void **state)
{
    (void)state;
    static const struct {
        SettingId id;
        double v;
        bool keeps;
    } cases[] = {{SET_OPTIMIZER, OPTIM_ADAM, true},
                 {SET_LEARNING_RATE, 0.01, true},
                 {SET_MOMENTUM, 0.5, true},
                 {SET_CLIP, 1.0, true},
                 {SET_CARRY, TRAIN_CARRY_MEAN, true},
                 {SET_ORDER, NET_ORDER_LAYER, true},
                 {SET_HIDDEN, 8, false},
                 {SET_INIT, INIT_NORMAL, false}};
    char msg[400];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        App *app = make_app("hidden=4;steps=5");
        Session *s = app_session(app);
        assert_int_equal(sess_train(s, 20, msg, sizeof msg), 0);
        size_t n;
        const double *w = weights(app, &n);
        double *keep = malloc(n * sizeof *keep);
        memcpy(keep, w, n * sizeof *keep);
        assert_int_equal(sess_set_value(s, cases[i].id, cases[i].v, msg, sizeof msg), 0);
        assert_true(settings_value(sess_settings(s), cases[i].id) == cases[i].v);
        size_t m;
        w = weights(app, &m);
        bool same = m == n && !memcmp(w, keep, n * sizeof *keep);
        if (same != cases[i].keeps)
            fail_msg("%s: weights %s", settings_info(cases[i].id)->key, same ? "kept" : "reset");
        assert_int_equal(settings_info(cases[i].id)->keeps_weights, cases[i].keeps);
        free(keep);
        app_destroy(app);
    }
}

/* ---- lessons, play, training ---- */

static void test_lesson_navigation(void **state)
{
    (void)state;
    App *app = make_app("hidden=4");
    char msg[800];
    assert_int_equal(app_open_lesson(app, LESSON, msg, sizeof msg), 0);
    const Lesson *l = app_lesson(app);
    int steps = lesson_step_count(l);
    assert_true(steps >= 3);
    frame(app);
    assert_true(has_text(lesson_title(l)));
    key(app, APP_KEY_PAGE_DOWN, 0);
    key(app, APP_KEY_PAGE_DOWN, 0);
    assert_int_equal(app_lesson_step(app), 2);
    int cursor = sess_cursor(app_session(app));
    key(app, APP_KEY_PAGE_UP, 0); /* back: replays from the setup */
    assert_int_equal(app_lesson_step(app), 1);
    key(app, APP_KEY_PAGE_DOWN, 0);
    assert_int_equal(sess_cursor(app_session(app)), cursor); /* the same state again */
    /* step 4's question holds Page Down until it is answered (X reveals) */
    for (int k = 0; k < steps + 3; k++)
        key(app, APP_KEY_PAGE_DOWN, 0);
    assert_int_equal(app_lesson_step(app), 4);
    assert_non_null(strstr(app_notice(app), "answer first"));
    key(app, 'x', 0);
    /* past the last step nothing moves; before the first neither */
    for (int k = 0; k < steps + 3; k++)
        key(app, APP_KEY_PAGE_DOWN, 0);
    assert_int_equal(app_lesson_step(app), steps);
    for (int k = 0; k < steps + 3; k++)
        key(app, APP_KEY_PAGE_UP, 0);
    assert_int_equal(app_lesson_step(app), 0);
    /* a change of the user's makes the next step replay, and it still lands */
    key(app, APP_KEY_RIGHT, 0);
    key(app, APP_KEY_PAGE_DOWN, 0);
    assert_int_equal(app_lesson_step(app), 1);
    app_destroy(app);
}

static void test_play(void **state)
{
    (void)state;
    App *app = make_app("hidden=4;steps=10");
    key(app, APP_KEY_SPACE, 0);
    assert_true(app_busy(app));
    tick(app, 1.0); /* 4 ops a second */
    assert_int_equal(sess_cursor(app_session(app)), 4);
    /* a step animates: the clock brings it to rest */
    assert_true(app_view(app)->anim < 1);
    tick(app, 0.5);
    assert_int_equal(sess_cursor(app_session(app)), 6);
    key(app, APP_KEY_SPACE, 0);
    tick(app, 1.0);
    assert_int_equal(sess_cursor(app_session(app)), 6);
    assert_true(app_view(app)->anim == 1);
    assert_false(app_busy(app));
    app_destroy(app);
}

/* Training runs in slices of about 8 ms of the injected clock. */
static void test_training_slices(void **state)
{
    (void)state;
    App *app = make_app("hidden=4;steps=5");
    key(app, 't', 0);
    assert_true(app_training(app));
    long last = 0;
    for (int f = 0; f < 5; f++) {
        double t0 = clock_now;
        tick(app, 0.016);
        long it = sess_iteration(app_session(app));
        assert_true(it > last);       /* at least one iteration a slice */
        assert_true(it - last <= 10); /* and no more than the budget allows */
        assert_true(clock_now - t0 < 0.05);
        last = it;
    }
    assert_non_null(strstr(app_notice(app), "training · iteration"));
    frame(app);
    assert_true(has_text("training · iteration"));
    key(app, 't', 0);
    tick(app, 0.016);
    assert_int_equal(sess_iteration(app_session(app)), last);
    /* training has run: Q asks before quitting */
    key(app, 'q', 0);
    assert_true(app_running(app) && app_view(app)->confirm_quit);
    app_destroy(app);
}

/* ---- window manners ---- */

static void test_escape_never_quits(void **state)
{
    (void)state;
    App *app = make_app("hidden=4");
    key(app, APP_KEY_ESCAPE, 0);
    assert_true(app_running(app));
    /* overlays close one at a time, then full screen ends */
    key(app, APP_KEY_F11, 0);
    assert_true(app_fullscreen(app) && fake_full);
    key(app, '/', APP_MOD_SHIFT);
    key(app, 'o', 0);
    key(app, APP_KEY_ESCAPE, 0);
    assert_false(sess_display(app_session(app))->panels & PANEL_HELP);
    assert_true(app_view(app)->drawer_open);
    key(app, APP_KEY_ESCAPE, 0);
    assert_false(app_view(app)->drawer_open);
    assert_true(app_fullscreen(app));
    key(app, APP_KEY_ESCAPE, 0);
    assert_false(app_fullscreen(app) || fake_full);
    for (int i = 0; i < 5; i++)
        key(app, APP_KEY_ESCAPE, 0);
    assert_true(app_running(app));
    /* the picker closes on Esc too */
    app_list_lessons(app, RNNVIZ_LESSONS_DIR, true);
    key(app, APP_KEY_ESCAPE, 0);
    assert_false(app_picker_open(app));
    assert_true(app_running(app));
    app_destroy(app);
}

static void test_quit_asks(void **state)
{
    (void)state;
    /* nothing to lose: Q quits at once, and so does Ctrl+Q */
    App *app = make_app("hidden=4");
    key(app, 'q', 0);
    assert_false(app_running(app));
    app_destroy(app);
    app = make_app("hidden=4");
    key(app, 'q', APP_MOD_CTRL);
    assert_false(app_running(app));
    app_destroy(app);
    /* a lesson open: Q asks; Esc or N stays, Q again or Y quits */
    char msg[800];
    static const int stay[] = {APP_KEY_ESCAPE, 'n'}, go[] = {'q', 'y'};
    for (int i = 0; i < 4; i++) {
        app = make_app("hidden=4");
        assert_int_equal(app_open_lesson(app, LESSON, msg, sizeof msg), 0);
        app_handle(app, &(AppEvent){.kind = i < 2 ? APP_EV_KEY : APP_EV_CLOSE, .key = 'q'});
        assert_true(app_running(app) && app_view(app)->confirm_quit);
        frame(app);
        assert_true(has_text("Quit rnnviz?"));
        key(app, 'f', 0); /* other keys do nothing while it asks */
        assert_int_equal(sess_cursor(app_session(app)), 0);
        key(app, i % 2 ? go[i / 2] : stay[i / 2], 0);
        assert_true(app_running(app) == !(i % 2));
        if (app_running(app)) {
            assert_false(app_view(app)->confirm_quit);
            key(app, 'q', APP_MOD_CTRL);
            key(app, 'q', APP_MOD_CTRL);
            assert_false(app_running(app));
        }
        app_destroy(app);
    }
}

/* F11 and resizes lay out for the size the window reports. */
static void test_resize(void **state)
{
    (void)state;
    App *app = make_app("hidden=4");
    app_handle(app, &(AppEvent){.kind = APP_EV_RESIZE, .w = 1920, .h = 1080});
    ViewParams vp = app_view_params(app, true);
    assert_int_equal(vp.win_w, 1920);
    assert_int_equal(vp.win_h, 1080);
    Layout lo;
    view_layout(sess_view_model(app_session(app)), &vp, &lo);
    assert_true(fabsf(lo.top.w - 1920) < 0.5f);
    app_destroy(app);
}

static void test_window_place(void **state)
{
    (void)state;
    AppRect usable = {0, 0, 1920, 1080}, r;
    r = winplace_choose(usable, NULL, WINPLACE_FRACTION);
    assert_int_equal(r.w, 1632);
    assert_int_equal(r.h, 918);
    assert_int_equal(r.x, 144);
    assert_int_equal(r.y, 81);
    AppRect saved = {100, 50, 1400, 900};
    r = winplace_choose(usable, &saved, WINPLACE_FRACTION);
    assert_memory_equal(&r, &saved, sizeof r);
    AppRect off = {5000, 50, 1400, 900}; /* on a screen that is gone */
    r = winplace_choose(usable, &off, WINPLACE_FRACTION);
    assert_int_equal(r.w, 1632);
    /* the file: written atomically, read back; bad contents ignored */
    char dir[] = "/tmp/rnnviz-app-XXXXXX", path[1024], msg[400];
    assert_non_null(mkdtemp(dir));
    setenv("XDG_CONFIG_HOME", dir, 1);
    assert_false(winplace_load(&r));
    assert_int_equal(winplace_save(&saved, msg, sizeof msg), 0);
    assert_true(winplace_load(&r));
    assert_memory_equal(&r, &saved, sizeof r);
    assert_true(winplace_path(path, sizeof path));
    static const char *const bad[] = {"", "garbage", "rnnviz-window 1 0 0 10 10\n",
                                      "rnnviz-window 1 0 0 800 600 extra",
                                      "rnnviz-window 2 0 0 800 600"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        FILE *f = fopen(path, "w");
        fputs(bad[i], f);
        fclose(f);
        assert_false(winplace_load(&r));
    }
    unlink(path);
    snprintf(path, sizeof path, "%s/rnnviz", dir);
    rmdir(path);
    rmdir(dir);
}

/* ---- the help overlay and README come from the key table ---- */

/* M records the window: to the next free rnnviz-NNN.mp4, the status line
 * marked (with the time, and any notice) until M stops it; a refusal or a
 * failure the window meets while recording ends it with its message. */
static void test_record_key(void **state)
{
    (void)state;
    char here[512], tmp[] = "/tmp/rnnviz-app-rec-XXXXXX";
    assert_non_null(getcwd(here, sizeof here));
    assert_non_null(mkdtemp(tmp));
    assert_int_equal(chdir(tmp), 0);
    FILE *f = fopen("rnnviz-001.mp4", "w"); /* taken: the next one is used */
    assert_non_null(f);
    fclose(f);
    App *app = make_app("hidden=4");
    key(app, 'm', 0);
    assert_true(app_recording(app));
    assert_string_equal(rec_path, "rnnviz-002.mp4");
    assert_non_null(strstr(app_notice(app), "recording to rnnviz-002.mp4"));
    clock_now += 65; /* the notice is gone; the mark stays */
    frame(app);
    assert_true(has_text("● REC 1:05 · rnnviz-002.mp4 · M stops"));
    key(app, 's', 0); /* another notice shows beside the mark */
    frame(app);
    assert_true(has_text("● REC 1:05 · saved rnnviz-"));
    key(app, 'm', 0);
    assert_false(app_recording(app));
    assert_int_equal(rec_stops, 1);
    assert_string_equal(app_notice(app), "recorded 90 frames (3.0 s)");
    frame(app);
    assert_false(has_text("● REC"));
    key(app, 'm', 0);
    assert_string_equal(rec_path, "rnnviz-003.mp4");
    app_record_failed(app, "recording stopped: cannot write 'rnnviz-003.mp4': No space left");
    rec_on = false; /* the window ended it */
    assert_false(app_recording(app));
    assert_non_null(strstr(app_notice(app), "No space left"));
    rec_fail = true;
    key(app, 'm', 0);
    assert_false(app_recording(app));
    assert_non_null(strstr(app_notice(app), "video export needs rnnviz-video.so"));
    app_destroy(app);
    assert_int_equal(unlink("rnnviz-001.mp4"), 0);
    assert_int_equal(chdir(here), 0);
    assert_int_equal(rmdir(tmp), 0);
}

static void test_help_overlay(void **state)
{
    (void)state;
    App *app = make_app("hidden=4");
    key(app, 'h', 0);
    frame(app);
    ViewKeyHelp rows[96];
    int n = keymap_help(rows, 96);
    assert_true(n >= 20);
    for (int i = 0; i < n; i++)
        if (!has_text(rows[i].keys) || !has_text(rows[i].what))
            fail_msg("help overlay lacks '%s'", rows[i].keys);
    app_destroy(app);
}

/* README.md's key table lists exactly the table's help rows, in order. */
static void test_readme_keys(void **state)
{
    (void)state;
    FILE *f = fopen(RNNVIZ_LESSONS_DIR "/../README.md", "r");
    assert_non_null(f);
    ViewKeyHelp rows[96];
    int n = keymap_help(rows, 96), at = -1;
    char line[512], want[512];
    while (fgets(line, sizeof line, f)) {
        if (at < 0) {
            at = strncmp(line, "| key | action |", 16) == 0 ? -2 : -1;
            if (at == -2 && fgets(line, sizeof line, f)) /* the |---| row */
                at = 0;
            continue;
        }
        if (line[0] != '|')
            break;
        if (at >= n)
            fail_msg("README lists more keys than the table: %s", line);
        snprintf(want, sizeof want, "| %s | %s |\n", rows[at].keys, rows[at].what);
        if (strcmp(line, want))
            fail_msg("README key row %d:\n  %s  the table says:\n  %s", at, line, want);
        at++;
    }
    fclose(f);
    assert_int_equal(at, n);
}

/* ---- never frozen: lesson steps in slices; live reloading ---- */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

#define SLICED_LESSON                                                                              \
    "# Sliced\n\n```rnnviz\nhidden = 4\nsteps = 5\nseed = 2\n```\n\n"                              \
    "## One\n\n```rnnviz\nforward all\n```\n\n"                                                    \
    "## Train\n\n```rnnviz\ntrain 400\n```\n\n"                                                    \
    "## After\n\n```rnnviz\nforward all\n```\n"

/* Ticks until the lesson work is done (at most n frames). */
static int settle(App *app, int n)
{
    int frames = 0;
    while (app_lesson_busy(app) && frames < n) {
        tick(app, 0.016);
        frames++;
    }
    return frames;
}

/* A training step runs in slices: the previous state stays on screen with
 * the progress in the status line; keys act at once or are dropped. */
static void test_sliced_step_keys(void **state)
{
    (void)state;
    char msg[800];
    write_file("sliced.md", SLICED_LESSON);
    App *app = make_app("hidden=4");
    assert_int_equal(app_open_lesson(app, "sliced.md", msg, sizeof msg), 0);
    key(app, APP_KEY_PAGE_DOWN, 0); /* forward all: done at once */
    assert_false(app_lesson_busy(app));
    assert_int_equal(app_lesson_step(app), 1);
    int cursor = sess_cursor(app_session(app));
    key(app, APP_KEY_PAGE_DOWN, 0); /* train 400: in slices */
    assert_true(app_lesson_busy(app));
    assert_true(app_busy(app)); /* the window ticks at display rate meanwhile */
    assert_int_equal(app_lesson_step(app), 2);
    assert_int_equal(sess_iteration(app_session(app)), 0); /* step 1 still shown */
    tick(app, 0.016);
    assert_non_null(strstr(app_notice(app), "training "));
    assert_non_null(strstr(app_notice(app), " / 400"));
    frame(app);
    assert_true(has_text(" / 400"));
    /* a key that would change the state is dropped, not kept for later */
    key(app, APP_KEY_RIGHT, 0);
    key(app, 't', 0);
    assert_int_equal(sess_cursor(app_session(app)), cursor);
    assert_false(app_training(app));
    key(app, APP_KEY_PAGE_DOWN, 0); /* forward again: dropped */
    assert_int_equal(app_lesson_step(app), 2);
    /* back acts at once: the work stops, step 1 is on screen */
    key(app, APP_KEY_PAGE_UP, 0);
    assert_false(app_lesson_busy(app));
    assert_int_equal(app_lesson_step(app), 1);
    assert_int_equal(sess_cursor(app_session(app)), cursor);
    tick(app, 0.016);
    assert_int_equal(sess_iteration(app_session(app)), 0); /* nothing arrives late */
    /* forward again, to the end this time: several frames, then the step */
    key(app, APP_KEY_PAGE_DOWN, 0);
    assert_true(settle(app, 1000) > 2);
    assert_int_equal(app_lesson_step(app), 2);
    assert_int_equal(sess_iteration(app_session(app)), 400);
    /* the same state as the replay */
    Session *ref = lesson_enter(app_lesson(app), 2, msg, sizeof msg);
    assert_non_null(ref);
    const Net *a = sess_net(app_session(app)), *b = sess_net(ref);
    assert_memory_equal(net_params_const(a), net_params_const(b),
                        net_num_params(a) * sizeof(double));
    sess_destroy(ref);
    /* visited steps are copies now: back and forth at once */
    key(app, APP_KEY_PAGE_UP, 0);
    assert_false(app_lesson_busy(app));
    assert_int_equal(sess_iteration(app_session(app)), 0);
    key(app, APP_KEY_PAGE_DOWN, 0);
    assert_false(app_lesson_busy(app));
    assert_int_equal(sess_iteration(app_session(app)), 400);
    app_destroy(app);
}

#define LIVE_V1                                                                                    \
    "# Live one\n\n```rnnviz\nhidden = 4\nsteps = 5\n```\n\n"                                      \
    "## A\n\n```rnnviz\nstep 1\n```\n\n## B\n\n```rnnviz\nstep 1\n```\n\n"                         \
    "## C\n\n```rnnviz\nstep 1\n```\n"
#define LIVE_V2                                                                                    \
    "# Live two\n\n```rnnviz\nhidden = 4\nsteps = 5\n```\n\n"                                      \
    "## A\n\n```rnnviz\nstep 2\n```\n\n## B\n\n```rnnviz\nstep 2\n```\n\n"                         \
    "## C\n\n```rnnviz\nstep 2\n```\n"
#define LIVE_BROKEN                                                                                \
    "# Live broken\n\n```rnnviz\nhidden = 4\nsteps = 5\n```\n\n"                                   \
    "## A\n\n```rnnviz\nfowrard 1\n```\n"
#define LIVE_FIXED                                                                                 \
    "# Live fixed\n\n```rnnviz\nhidden = 4\nsteps = 5\n```\n\n"                                    \
    "## A\n\n```rnnviz\nforward 1\n```\n\n## B\n\n```rnnviz\nforward 2\n```\n"

/* Time passes for the file watcher (it looks twice a second). */
static void half_a_second(App *app)
{
    clock_now += 0.6;
    tick(app, 0.016);
}

static void test_live_reload(void **state)
{
    (void)state;
    char msg[800];
    write_file("live.md", LIVE_V1);
    App *app = make_app("hidden=4");
    assert_int_equal(app_open_lesson(app, "live.md", msg, sizeof msg), 0);
    key(app, APP_KEY_PAGE_DOWN, 0);
    key(app, APP_KEY_PAGE_DOWN, 0);
    assert_int_equal(sess_cursor(app_session(app)), 2);
    half_a_second(app); /* unchanged: nothing happens */
    assert_string_equal(app_notice(app), "");
    /* valid: the same step of the new version, and "reloaded" */
    write_file("live.md", LIVE_V2);
    half_a_second(app);
    assert_string_equal(lesson_title(app_lesson(app)), "Live two");
    assert_int_equal(app_lesson_step(app), 2);
    assert_int_equal(sess_cursor(app_session(app)), 4);
    assert_string_equal(app_notice(app), "reloaded");
    /* broken: the last good version stays, the error is in the lesson panel */
    write_file("live.md", LIVE_BROKEN);
    half_a_second(app);
    assert_string_equal(lesson_title(app_lesson(app)), "Live two");
    assert_int_equal(sess_cursor(app_session(app)), 4);
    ViewParams vp = app_view_params(app, true);
    assert_non_null(vp.lesson_error);
    assert_non_null(strstr(vp.lesson_error, "live.md:"));
    assert_non_null(strstr(vp.lesson_error, "fowrard"));
    assert_true(strstr(vp.lesson_error, "live.md:11:1: ") != NULL);
    frame(app);
    assert_true(has_text("fowrard"));
    key(app, APP_KEY_PAGE_UP, 0); /* it stays until the file is fixed */
    assert_non_null(app_view_params(app, true).lesson_error);
    assert_int_equal(app_lesson_step(app), 1);
    key(app, APP_KEY_PAGE_DOWN, 0);
    key(app, APP_KEY_PAGE_DOWN, 0);
    /* fixed, with two steps: the nearest step, 2 */
    write_file("live.md", LIVE_FIXED);
    half_a_second(app);
    assert_string_equal(lesson_title(app_lesson(app)), "Live fixed");
    assert_null(app_view_params(app, true).lesson_error);
    assert_int_equal(app_lesson_step(app), 2);
    assert_string_equal(app_notice(app), "reloaded");
    assert_int_equal(sess_phase(app_session(app)), PHASE_FORWARD);
    app_destroy(app);
}

int main(void)
{
    char dir[] = "/tmp/rnnviz-app-cwd-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir)) /* CSV exports land here */
        return 1;
    dl = dl_create(200000, 4u << 20, 400000);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_binding),
        cmocka_unit_test(test_every_button),
        cmocka_unit_test(test_drawer_nudges),
        cmocka_unit_test(test_rho_slider),
        cmocka_unit_test(test_keep_weights),
        cmocka_unit_test(test_lesson_navigation),
        cmocka_unit_test(test_play),
        cmocka_unit_test(test_training_slices),
        cmocka_unit_test(test_escape_never_quits),
        cmocka_unit_test(test_quit_asks),
        cmocka_unit_test(test_resize),
        cmocka_unit_test(test_window_place),
        cmocka_unit_test(test_record_key),
        cmocka_unit_test(test_help_overlay),
        cmocka_unit_test(test_readme_keys),
        cmocka_unit_test(test_sliced_step_keys),
        cmocka_unit_test(test_live_reload),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    dl_destroy(dl);
    return rc;
}
