/*
 * The view: a pure function from a view model (what the session says is on
 * screen) and the window's parameters to a draw list and a list of
 * clickable regions. Same model, same list: the window, the PNG and the SVG
 * are all painted from it. No SDL, no engine, no session here.
 */
#ifndef RNNVIZ_VIEW_H
#define RNNVIZ_VIEW_H

#include "drawlist.h"
#include "layout.h"
#include "promptview.h"
#include "theme.h"
#include "viewmodel.h"

/* Every button. Plain ids: what a button does is in the app's key table,
 * and a button that stands for one of several things (a picker entry, a
 * settings row) carries the index in Hit.arg. The control bar's buttons
 * come first, BTN_BACK .. BTN_HELP. */
typedef enum {
    BTN_BACK,
    BTN_STEP,
    BTN_PLAY,
    BTN_SPEED,
    BTN_FORWARD_ALL,
    BTN_BACKWARD_ALL,
    BTN_UPDATE,
    BTN_TRAIN,
    BTN_RESET,
    BTN_RNN,
    BTN_GRU,
    BTN_LSTM,
    BTN_HELP,
    BTN_LESSON_PREV,
    BTN_LESSON_NEXT,
    BTN_PLOT_GRAD, /* the plot tabs, in SessPlot order */
    BTN_PLOT_LOSS,
    BTN_PLOT_EIGEN,
    BTN_PLOT_HEATMAP,
    BTN_COMPARE,
    BTN_LESSONS,    /* opens the lesson picker */
    BTN_SETTINGS,   /* opens the settings drawer */
    BTN_PICK,       /* picker entry arg */
    BTN_CTL_DEC,    /* settings row arg one notch down */
    BTN_CTL_INC,    /* settings row arg one notch up */
    BTN_RHO_SLIDER, /* the spectral radius slider (x within the hit) */
    BTN_QUIT_YES,   /* the quit confirmation */
    BTN_QUIT_NO,
    BTN_ASK_CHOICE, /* a lesson question's choice arg */
    BTN_ASK_REVEAL, /* shows the question's answer */
    BTN_COUNT
} ViewButton;

typedef enum { HIT_BUTTON, HIT_NODE } HitKind;

typedef struct {
    HitKind kind;
    int id;      /* ViewButton for buttons */
    RowKind row; /* nodes */
    int l, t;
    Rect r;
    int arg; /* BTN_PICK: the entry; BTN_CTL_*: the settings row */
} Hit;

#define VIEW_MAX_HITS 2048

typedef struct {
    Hit hits[VIEW_MAX_HITS];
    int n;
} HitList;

/* One line of the help overlay: the keys and what they do. */
typedef struct {
    const char *keys, *what;
} ViewKeyHelp;

/* What the window's user has set up and the session does not know: the
 * app owns it; renders without one use view_state_default(). */
typedef struct {
    float zoom, scroll_x;
    bool follow;        /* keep the current node in view */
    double anim;        /* 0..1 progress of the last step's animation */
    bool playing;       /* play: one op per tick */
    double speed;       /* ops per second while playing */
    float ui_scale;     /* Ctrl+= / Ctrl+- */
    bool high_contrast; /* C */
    bool drawer_open;   /* the settings drawer */
    int drawer_row;     /* the drawer's row the arrow keys change */
    bool confirm_quit;  /* the "quit?" overlay */
    int focus;          /* 0: the lesson's focus; else a LayoutFocus + 1 (the focus key) */
    bool fit_all;       /* every step in view (the fit key), as well as the lesson's */
} ViewState;

/* The focus in force: the key's when it chose one, else the lesson's. */
LayoutFocus view_focus(const ViewModel *vm, const ViewState *v);

/* What the lesson panel shows; NULL lesson: no panel. */
struct Lesson;

typedef struct {
    int win_w, win_h;
    DlMeasure measure;
    const struct Lesson *lesson;
    int lesson_step;           /* 0 = introduction, k = step k */
    const char *lesson_error;  /* shown in the lesson panel when set */
    const PromptView *prompt;  /* the step's question and goal (prompt.h), or NULL */
    const char *notice;        /* a transient line in the status bar */
    const char *const *picker; /* lesson titles of the picker overlay, or NULL */
    int picker_n;
    bool mouse; /* mouse_x, mouse_y hold the pointer (hover values) */
    float mouse_x, mouse_y;
    const ViewState *state;  /* NULL: view_state_default() */
    const ViewKeyHelp *keys; /* the help overlay's lines (the app's key table) */
    int n_keys;
} ViewParams;

/* zoom 1, following, animation done, speed 4, scale 1, light theme. */
ViewState view_state_default(void);
/* vp->state, or the default when it is NULL. */
const ViewState *view_state(const ViewParams *vp);

void view_layout(const ViewModel *vm, const ViewParams *vp, Layout *lo);
/* Never allocates. */
void view_draw(const ViewModel *vm, const ViewParams *vp, DrawList *dl, HitList *hits);
/* The hit under (x, y), topmost first; NULL if none. */
const Hit *view_hit(const HitList *hits, float x, float y);

#endif
