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
#include "theme.h"
#include "viewmodel.h"

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
    BTN_LESSONS,  /* opens the lesson picker */
    BTN_SETTINGS, /* opens the settings drawer */
    BTN_COUNT,
    BTN_PICK_FIRST = 100, /* picker entry i is BTN_PICK_FIRST + i */
    BTN_CTL_DEC = 200,    /* control i one notch down: BTN_CTL_DEC + i */
    BTN_CTL_INC = 300,    /* control i one notch up */
    BTN_RHO_SLIDER = 400  /* the spectral radius slider (x within the hit) */
} ViewButton;

typedef enum { HIT_BUTTON, HIT_NODE } HitKind;

typedef struct {
    HitKind kind;
    int id;      /* ViewButton for buttons */
    RowKind row; /* nodes */
    int l, t;
    Rect r;
} Hit;

#define VIEW_MAX_HITS 2048

typedef struct {
    Hit hits[VIEW_MAX_HITS];
    int n;
} HitList;

/* What the lesson panel shows; NULL lesson: no panel. */
struct Lesson;

typedef struct {
    int win_w, win_h;
    DlMeasure measure;
    const struct Lesson *lesson;
    int lesson_step;           /* 0 = introduction, k = step k */
    const char *lesson_error;  /* shown in the lesson panel when set */
    const char *notice;        /* a transient line in the status bar */
    const char *const *picker; /* lesson titles of the picker overlay, or NULL */
    int picker_n;
    bool mouse; /* mouse_x, mouse_y hold the pointer (hover values) */
    float mouse_x, mouse_y;
} ViewParams;

void view_layout(const ViewModel *vm, const ViewParams *vp, Layout *lo);
/* Never allocates. */
void view_draw(const ViewModel *vm, const ViewParams *vp, DrawList *dl, HitList *hits);
/* The hit under (x, y), topmost first; NULL if none. */
const Hit *view_hit(const HitList *hits, float x, float y);

#endif
