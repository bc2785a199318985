/*
 * A session: one open experiment. It owns the trainer (network, task,
 * optimizer), the batch on screen, the schedule and the cursor walking it,
 * the selection, what a lesson shows (SessDisplay) and the training
 * history. How the window zooms, scrolls, animates and scales is the app's
 * (ViewState), not the session's. Every action of
 * the keys, buttons, lessons, CLI and tests is a function here.
 *
 * The cursor walks one iteration: the forward ops (each layer node and the
 * head at each step), the backward ops in reverse, then the update. Going
 * back replays the iteration from its start, so it is exact.
 *
 * Conventions: actions return 0 or a negative NET_ERR_* code and fill msg
 * (a message for a person) on failure, leaving the session as it was.
 */
#ifndef RNNVIZ_SESSION_H
#define RNNVIZ_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "actions.h"
#include "net.h"
#include "settings.h"
#include "tasks.h"
#include "train.h"
#include "viewmodel.h"

typedef enum {
    PHASE_FORWARD,  /* next op is a forward op */
    PHASE_BACKWARD, /* next op is a backward op */
    PHASE_UPDATE,   /* next op is the parameter update */
} SessPhase;

typedef enum {
    PANEL_LESSON = 1,
    PANEL_INSPECTOR = 2,
    PANEL_PLOTS = 4,
    PANEL_CONTROLS = 8,
    PANEL_HELP = 16,
} SessPanel;

typedef enum { PLOT_GRAD, PLOT_LOSS, PLOT_EIGEN, PLOT_HEATMAP, PLOT_COUNT } SessPlot;

/* Plot elements a lesson reveals when it has taught them (`show sigma`);
 * outside lessons all are shown. */
typedef enum {
    SHOW_SIGMA = 1, /* the σ_max^(T−1−t) bound on the gradient plot */
    SHOW_RHO = 2,   /* the ρ^(T−1−t) guide */
    SHOW_BANDS = 4, /* the vanishing / exploding bands */
    SHOW_ALL = 7,
} SessShown;

/* What a lesson's `highlight` marks (same order as ActionMark): columns
 * t0..t1, or the hidden, output or input nodes of those steps. */
typedef enum { MARK_NONE, MARK_STEPS, MARK_H, MARK_Y, MARK_X } SessMarkKind;
#define SESS_MAX_MARKS 16
typedef struct {
    SessMarkKind what;
    int t0, t1;
} SessMark;

/* What a lesson shows: the panels and the plot its `show`/`hide` actions
 * set. Kept here because lesson steps set it; everything else about the
 * window (zoom, scroll, animation, scale, theme) belongs to the app. */
typedef struct {
    int panels;        /* SessPanel bits shown */
    SessPlot plot;     /* the plot shown under the inspector */
    int contrib_param; /* parameter tensor of the contribution bars, -1 auto */
    int focus;         /* ActionFocus: the panel a lesson gives the window */
    bool fit_all;      /* every step in view */
    int shown;         /* SessShown bits */
    int n_marks;       /* highlights of the current lesson step */
    SessMark marks[SESS_MAX_MARKS];
    int row; /* the batch row whose numbers are shown (clamped to B) */
} SessDisplay;

/* How the last actions moved the cursor, for the app's animation and
 * scrolling: serial counts the moves; animate says the last one was a
 * single step worth animating; rescroll that the network was rebuilt. */
typedef struct {
    unsigned long serial;
    bool animate, rescroll;
} SessMotion;

/* RNN, GRU and LSTM side by side on the same task, batch, sizes and seed. */
typedef struct {
    bool valid;
    int L, T, iters;
    double *grad_h[3]; /* (L, T) per cell, on the batch on screen */
    double *loss[3];   /* (iters) training loss per cell */
} SessCompare;

typedef struct Session Session;

Session *sess_create(const Settings *settings, char *msg, size_t cap);
void sess_destroy(Session *s);
/* An exact copy: network (every buffer), optimizer, task and trainer state
 * (Rng, batch, carried state, history), the batch on screen, the cursor,
 * selection, display, comparison and notes. The copy and the original then
 * give bit-identical results for the same actions. NULL with msg on failure. */
Session *sess_clone(const Session *s, char *msg, size_t cap);

/* Read access for the view and tests. */
const Settings *sess_settings(const Session *s);
const Net *sess_net(const Session *s);
const Task *sess_task(const Session *s);
const Trainer *sess_trainer(const Session *s);
int sess_cursor(const Session *s);      /* ops done in this iteration */
int sess_op_count(const Session *s);    /* schedule length + 1 (update) */
NetOp sess_op(const Session *s, int k); /* k < sess_op_count - 1 */
SessPhase sess_phase(const Session *s);
long sess_iteration(const Session *s); /* updates applied so far */
/* The node to show: the last op run (or the selection if one is set). */
bool sess_current_op(const Session *s, NetOp *op);
bool sess_selected(const Session *s, int *l, int *t);
SessDisplay *sess_display(Session *s);
const SessDisplay *sess_display_const(const Session *s);
SessMotion sess_motion(const Session *s);
/* What the view shows this frame, refreshed from the session on each call
 * (the model is the session's, sized with its network, and stays valid
 * until the session next changes); never allocates. */
const ViewModel *sess_view_model(const Session *s);
const char *sess_message(const Session *s);   /* last status line note */
double sess_last_grad_norm(const Session *s); /* pre-clip, after a backward */
/* Of layer l's W_hh (first gate block), refreshed when weights change. */
double sess_spectral_radius(const Session *s, int l);
double sess_spectral_norm(const Session *s, int l);
/* Recomputes the spectral quantities and the text sample (training in
 * slices defers them to the caller: LAPACK on a large W_hh costs more than
 * a frame). */
void sess_refresh_spectral(Session *s);
/* Eigenvalues of layer 0's W_hh, one gate block after another (blocks x n
 * values); n = 0 when H is too large to decompose live. */
int sess_eigen(const Session *s, const double **re, const double **im, int *blocks);
const SessCompare *sess_comparison(const Session *s);
/* Text task: a sample of the network's writing after the last training
 * (empty before it, or for other tasks). */
#define SESS_SAMPLE_LEN 120
const char *sess_sample(const Session *s);
/* The gradient norms as CSV text (malloc'd, the caller frees; NULL when out
 * of memory): a block of the current pass, "layer,step,grad_h[,grad_c]",
 * then one row per kept training iteration, "iteration,loss,grad_norm,
 * grad_h_l{l}_t{t}...". */
char *sess_grad_csv(const Session *s);
/* Computes (and with iters > 0 trains, then recomputes) the comparison. */
int sess_compare(Session *s, int iters, char *msg, size_t cap);

/* Actions. */
int sess_step(Session *s, int n, char *msg, size_t cap);     /* n ops forward */
int sess_back(Session *s, int n, char *msg, size_t cap);     /* n ops back */
int sess_forward(Session *s, int n, char *msg, size_t cap);  /* n forward ops, -1 all */
int sess_backward(Session *s, int n, char *msg, size_t cap); /* n backward ops, -1 all */
int sess_update(Session *s, char *msg, size_t cap);          /* to the end of the iteration */
int sess_reset(Session *s, char *msg, size_t cap);           /* fresh weights from the seed */
int sess_train(Session *s, long iters, char *msg, size_t cap);
/* Trains for one time slice of a frame: iterations until clock(ctx) has
 * advanced by budget (seconds); the slice overruns by at most one time
 * step (of every layer). Leaves the spectral refresh to the caller. Returns the
 * iterations run, or a negative error code. */
typedef double (*SessClock)(void *ctx);
long sess_train_for(Session *s, double budget, SessClock clock, void *ctx, char *msg, size_t cap);
/* A sliced training iteration (sess_train_for, sess_train_upto) stops
 * between time steps when its slice is used up, and stays pending: its
 * network holds the training batch, not the batch on screen, until the
 * next slice resumes it (to the same bits). Every other action first
 * settles the session: sess_settle drops the pending iteration and binds
 * the batch on screen again (a no-op when nothing is pending). */
bool sess_train_pending(const Session *s);
int sess_settle(Session *s, char *msg, size_t cap);

/* ---- work in slices: the same results as sess_train / sess_compare,
 * a frame's worth at a time, so a window stays interactive ---- */
/* Up to max_iters iterations until clock(ctx) has advanced by budget (an
 * iteration stopped between time steps stays pending, see above). Calls that add up to n, the last
 * followed by sess_refresh_spectral, give exactly sess_train(s, n). Until
 * the last (the one that reaches its max_iters), the session is mid-way:
 * its network holds a training batch, not the batch on screen, so do not
 * show it. Returns the iterations run, or a negative error code. */
long sess_train_upto(Session *s, long max_iters, double budget, SessClock clock, void *ctx,
                     char *msg, size_t cap);
typedef struct SessCompareRun SessCompareRun;
/* Starts sess_compare(s, iters) (NULL with msg on a bad count). */
SessCompareRun *sess_compare_start(Session *s, int iters, char *msg, size_t cap);
/* Works for about budget seconds: 1 when the comparison is complete, 0
 * when more remains, a negative code with msg on failure. */
int sess_compare_slice(Session *s, SessCompareRun *r, double budget, SessClock clock, void *ctx,
                       char *msg, size_t cap);
/* Training iterations done and to do over the three cells. */
void sess_compare_progress(const SessCompareRun *r, long *done, long *total);
void sess_compare_stop(SessCompareRun *r); /* NULL is fine */
/* ---- end of work in slices ---- */

/* A setting from text (lessons, CLI), or typed (the app's drawer): both
 * keep the weights or rebuild as the settings table says. */
int sess_set(Session *s, const char *key, const char *value, char *msg, size_t cap);
int sess_set_value(Session *s, SettingId id, double v, char *msg, size_t cap);
int sess_set_seed(Session *s, uint64_t seed, char *msg, size_t cap);
int sess_select(Session *s, int l, int t, char *msg, size_t cap);
/* The batch row whose numbers the screen shows, 0..B-1. */
int sess_set_row(Session *s, int row, char *msg, size_t cap);
int sess_order(Session *s, NetOrder order, char *msg, size_t cap);
int sess_panel(Session *s, const char *panel, bool show, char *msg, size_t cap);
/* Runs one parsed action; a whole list stops at the first failure. */
int sess_run_action(Session *s, const Action *a, char *msg, size_t cap);
int sess_run_actions(Session *s, const ActionList *list, char *msg, size_t cap);

#endif
