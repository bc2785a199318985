/* Whole passes in slices: F (forward all) and B (backward all) run a
 * frame's worth of the session's ops per tick, so the window keeps its
 * frame rate at any size; the training display's forward too. Each op is
 * one node (a layer at a time step), so a slice overruns by at most one. */
#include "app_internal.h"

/* About 8 ms of ops per frame keeps the window at 60 Hz. */
#define PASS_SLICE_S 0.008

static bool next_is_forward(const Session *s)
{
    int c = sess_cursor(s);
    if (c >= sess_op_count(s) - 1)
        return false;
    NetOpKind k = sess_op(s, c).kind;
    return k == NET_OP_FORWARD || k == NET_OP_HEAD_FORWARD;
}

static bool pass_done(const App *app)
{
    const Session *s = app->s;
    if (app->pass == APP_ACT_FORWARD_ALL)
        return !next_is_forward(s);
    return sess_cursor(s) >= sess_op_count(s) - 1;
}

/* The clock is read every PASS_CHECK_EVERY ops (on a small network a
 * reading costs more than an op). */
#define PASS_CHECK_EVERY 8

static bool in_time(App *app, double until, int ops)
{
    return ops % PASS_CHECK_EVERY != 0 || app_now(app) < until;
}

/* Forward ops until the pass's forward part is done or the clock reaches
 * until; 0 or the first error (with msg). */
static int forward_until(App *app, double until, char *msg, size_t cap)
{
    int rc = 0;
    for (int ops = 1; !rc && next_is_forward(app->s) && in_time(app, until, ops); ops++)
        rc = sess_forward(app->s, 1, msg, cap);
    return rc;
}

static void pass_slice(App *app, double until)
{
    char msg[400];
    int rc = forward_until(app, until, msg, sizeof msg);
    for (int ops = 1; !rc && app->pass == APP_ACT_BACKWARD_ALL && !next_is_forward(app->s) &&
                      !pass_done(app) && in_time(app, until, ops);
         ops++)
        rc = sess_backward(app->s, 1, msg, sizeof msg);
    if (rc)
        app_say(app, msg);
    if (rc || pass_done(app))
        app->pass = 0;
}

void app_pass_start(App *app, AppAction act)
{
    char msg[400];
    int rc = 0;
    app->pass = act;
    app->pass_s = app->s;
    double until = app_now(app) + PASS_SLICE_S;
    /* the first op says where the pass starts: after an update, a forward
     * applies it first; mid-backward, a forward starts the pass over */
    if (act == APP_ACT_FORWARD_ALL)
        rc = sess_forward(app->s, 1, msg, sizeof msg);
    if (rc) {
        app_say(app, msg);
        app->pass = 0;
        return;
    }
    pass_slice(app, until);
}

void app_pass_tick(App *app)
{
    if (app->pass && app->pass_s != app->s)
        app->pass = 0;
    if (app->pass)
        pass_slice(app, app_now(app) + PASS_SLICE_S);
}

void app_pass_stop(App *app)
{
    app->pass = 0;
}

bool app_pass_busy(const App *app)
{
    return app->pass != 0 && app->pass_s == app->s;
}

int app_forward_for(App *app, double budget, char *msg, size_t cap)
{
    return forward_until(app, app_now(app) + budget, msg, cap);
}
