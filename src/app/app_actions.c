/* What each action of the key table does. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_internal.h"
#include "atomic_file.h"
#include "settings_drawer.h"

static void report(App *app, int rc, const char *msg)
{
    if (rc)
        app_say(app, msg);
}

static void rho_nudge(App *app, int dir)
{
    char msg[400];
    app->dirty = true;
    report(app, sdrawer_nudge(app->s, SET_SPECTRAL_RADIUS, dir, msg, sizeof msg), msg);
}

static void save_view(App *app, bool svg)
{
    char path[64], msg[600];
    if (!app->hooks.save)
        return;
    ViewParams vp = app_view_params(app, false);
    snprintf(path, sizeof path, "rnnviz-%03d.%s", ++app->shots, svg ? "svg" : "png");
    if (app->hooks.save(app->hooks.ctx, app->s, &vp, path, msg, sizeof msg) == 0)
        snprintf(msg, sizeof msg, "saved %s", path);
    app_say(app, msg);
}

/* E: the gradient norms (this pass and the training history) as CSV. */
static void export_csv(App *app)
{
    char path[64], msg[600];
    char *csv = sess_grad_csv(app->s);
    snprintf(path, sizeof path, "rnnviz-grads-%03d.csv", ++app->shots);
    if (!csv)
        app_say(app, "out of memory writing the CSV");
    else if (afile_write(path, csv, strlen(csv), msg, sizeof msg))
        app_say(app, msg);
    else {
        snprintf(msg, sizeof msg, "saved %s", path);
        app_say(app, msg);
    }
    free(csv);
}

static void toggle_panel(App *app, int bit)
{
    sess_display(app->s)->panels ^= bit;
}

static void set_fullscreen(App *app, bool on)
{
    app->fullscreen = on;
    if (app->hooks.set_fullscreen)
        app->hooks.set_fullscreen(app->hooks.ctx, on);
}

/* Esc: the topmost overlay closes, else full screen ends. Never quits. */
static void escape(App *app)
{
    if (sess_display(app->s)->panels & PANEL_HELP)
        toggle_panel(app, PANEL_HELP);
    else if (app->v.drawer_open)
        app->v.drawer_open = false;
    else if (app->fullscreen)
        set_fullscreen(app, false);
}

/* Q: quits at once unless a lesson is open or training has run. */
static void quit(App *app)
{
    if (app->v.confirm_quit || !(app->lesson || app->trained))
        app->running = false;
    else
        app->v.confirm_quit = true;
}

static void drawer_move(App *app, int dir, bool change)
{
    SettingId ids[SET_COUNT];
    int n = settings_drawer(ids), row = app->v.drawer_row;
    char msg[400];
    if (!change) {
        app->v.drawer_row = (row + (dir < 0 ? n - 1 : 1)) % n;
        return;
    }
    app->dirty = true;
    report(app, sdrawer_nudge(app->s, ids[row % n], dir, msg, sizeof msg), msg);
}

static void drawer_nudge(App *app, int id, int dir)
{
    char msg[400];
    app->dirty = true;
    report(app, sdrawer_nudge(app->s, (SettingId)id, dir, msg, sizeof msg), msg);
}

/* The session's own actions: they change the state the lesson set up. */
static bool session_act(App *app, AppAction act, int arg)
{
    Session *s = app->s;
    char msg[400];
    switch (act) {
    case APP_ACT_STEP:
        report(app, sess_step(s, 1, msg, sizeof msg), msg);
        break;
    case APP_ACT_BACK:
        report(app, sess_back(s, 1, msg, sizeof msg), msg);
        break;
    case APP_ACT_FORWARD_ALL:
    case APP_ACT_BACKWARD_ALL:
        app_pass_start(app, act); /* in slices: a pass can take minutes */
        break;
    case APP_ACT_UPDATE:
        report(app, sess_update(s, msg, sizeof msg), msg);
        break;
    case APP_ACT_RESET:
        app->training = false;
        report(app, sess_reset(s, msg, sizeof msg), msg);
        break;
    case APP_ACT_CELL:
        report(app, sess_set_value(s, SET_CELL, arg, msg, sizeof msg), msg);
        break;
    case APP_ACT_COMPARE:
    case APP_ACT_COMPARE_TRAIN:
        /* Shift+V trains all three side by side and overlays their losses */
        report(app, sess_compare(s, act == APP_ACT_COMPARE ? 0 : 300, msg, sizeof msg), msg);
        sess_display(s)->plot = act == APP_ACT_COMPARE ? PLOT_GRAD : PLOT_LOSS;
        break;
    default:
        return false;
    }
    if (act != APP_ACT_FORWARD_ALL && act != APP_ACT_BACKWARD_ALL)
        app_pass_stop(app); /* another action ends F / B; the ops run stay done */
    app->dirty = true;
    return true;
}

/* Actions on what is shown: panels, plots, theme, scale, overlays. */
static bool display_act(App *app, AppAction act, int arg)
{
    SessDisplay *d = sess_display(app->s);
    switch (act) {
    case APP_ACT_HELP:
        toggle_panel(app, PANEL_HELP);
        break;
    case APP_ACT_PLOT:
        d->plot = (SessPlot)arg;
        d->panels |= PANEL_PLOTS;
        break;
    case APP_ACT_PLOT_NEXT:
        d->plot = (SessPlot)((d->plot + 1) % PLOT_COUNT);
        break;
    case APP_ACT_LESSON_PANEL:
        toggle_panel(app, PANEL_LESSON);
        break;
    case APP_ACT_CONTROLS_BAR:
        toggle_panel(app, PANEL_CONTROLS);
        break;
    case APP_ACT_FOCUS: /* 0 (the lesson's), then plot, inspector, diagram */
        app->v.focus =
            app->v.focus == 0 ? FOCUS_PLOT + 1 : (app->v.focus + 1) % (FOCUS_DIAGRAM + 2);
        break;
    case APP_ACT_FIT:
        app->v.fit_all = !app->v.fit_all;
        break;
    case APP_ACT_CONTRAST:
        app->v.high_contrast = !app->v.high_contrast;
        break;
    case APP_ACT_ROW_PREV:
    case APP_ACT_ROW_NEXT: {
        int B = net_batch_size(sess_net(app->s));
        int row = (sess_display(app->s)->row + (act == APP_ACT_ROW_NEXT ? 1 : B - 1)) % B;
        sess_set_row(app->s, row, NULL, 0);
        break;
    }
    case APP_ACT_SCALE_UP:
        app->v.ui_scale = fminf(3.0f, app->v.ui_scale * 1.1f);
        break;
    case APP_ACT_SCALE_DOWN:
        app->v.ui_scale = fmaxf(0.5f, app->v.ui_scale / 1.1f);
        break;
    case APP_ACT_SETTINGS:
        app->v.drawer_open = !app->v.drawer_open;
        break;
    case APP_ACT_LESSONS:
        app->picker_open = !app->picker_open;
        break;
    case APP_ACT_PICK_CLOSE:
        app->picker_open = false;
        break;
    case APP_ACT_FULLSCREEN:
        set_fullscreen(app, !app->fullscreen);
        break;
    default:
        return false;
    }
    return true;
}

/* Training off: an iteration stopped between time steps is dropped and the
 * batch on screen bound again. */
static void stop_training(App *app)
{
    char msg[400];
    if (!app->training)
        report(app, sess_settle(app->s, msg, sizeof msg), msg);
}

/* Play, train, lesson steps, the drawer, saving and quitting. */
static void control_act(App *app, AppAction act, int arg)
{
    switch (act) {
    case APP_ACT_PLAY:
        app->v.playing = !app->v.playing;
        app->dirty = true;
        break;
    case APP_ACT_SPEED:
        app->v.speed = app->v.speed >= 32 ? 1 : app->v.speed * 2;
        break;
    case APP_ACT_TRAIN:
        app->training = !app->training;
        app->dirty = true;
        app_pass_stop(app);
        stop_training(app);
        break;
    case APP_ACT_LESSON_PREV:
    case APP_ACT_LESSON_NEXT:
        if (act == APP_ACT_LESSON_NEXT && app_prompt_blocks_next(app))
            break;
        app_goto_step(app, app->step + (act == APP_ACT_LESSON_NEXT ? 1 : -1));
        break;
    case APP_ACT_PAGE_NEXT:
    case APP_ACT_PAGE_PREV:
        if (app->lesson && !(act == APP_ACT_PAGE_NEXT && app_prompt_blocks_next(app)))
            app_goto_step(app, app->step + (act == APP_ACT_PAGE_NEXT ? 1 : -1));
        else if (app->lesson)
            break;
        else
            session_act(app, act == APP_ACT_PAGE_NEXT ? APP_ACT_STEP : APP_ACT_BACK, 0);
        break;
    case APP_ACT_PICK:
        app_pick_lesson(app, arg);
        break;
    case APP_ACT_DRAWER_UP:
    case APP_ACT_DRAWER_DOWN:
        drawer_move(app, act == APP_ACT_DRAWER_UP ? -1 : 1, false);
        break;
    case APP_ACT_DRAWER_DEC:
    case APP_ACT_DRAWER_INC:
        drawer_move(app, act == APP_ACT_DRAWER_DEC ? -1 : 1, true);
        break;
    case APP_ACT_CTL_DEC:
    case APP_ACT_CTL_INC:
        drawer_nudge(app, arg, act == APP_ACT_CTL_DEC ? -1 : 1);
        break;
    case APP_ACT_RHO_UP:
    case APP_ACT_RHO_DOWN:
        rho_nudge(app, act == APP_ACT_RHO_UP ? 1 : -1);
        break;
    default:
        break;
    }
}

void app_act(App *app, AppAction act, int arg)
{
    if (app_lesson_gate(app, act))
        return;
    if (session_act(app, act, arg) || display_act(app, act, arg))
        return;
    switch (act) {
    case APP_ACT_SAVE_PNG:
    case APP_ACT_SAVE_SVG:
        save_view(app, act == APP_ACT_SAVE_SVG);
        break;
    case APP_ACT_EXPORT_CSV:
        export_csv(app);
        break;
    case APP_ACT_RECORD:
        app_record_toggle(app);
        break;
    case APP_ACT_ESCAPE:
        escape(app);
        break;
    case APP_ACT_QUIT:
        quit(app);
        break;
    case APP_ACT_QUIT_YES:
        app->running = false;
        break;
    case APP_ACT_QUIT_NO:
        app->v.confirm_quit = false;
        break;
    case APP_ACT_ASK_KEY:
        app_prompt_key(app, arg);
        break;
    case APP_ACT_ASK_CHOOSE:
        app_prompt_choose(app, arg);
        break;
    case APP_ACT_ASK_REVEAL:
        app_prompt_reveal(app);
        break;
    default:
        control_act(app, act, arg);
        break;
    }
}
