/*
 * Where everything goes: a pure function from window size, UI scale and
 * network shape to rectangles. No drawing, no SDL, no session: tested as
 * plain geometry.
 *
 * The unrolled network is a grid: one column per time step, rows from the
 * top: loss and target, output, layers L-1 .. 0, input.
 */
#ifndef RNNVIZ_LAYOUT_H
#define RNNVIZ_LAYOUT_H

#include <stdbool.h>

typedef struct {
    float x, y, w, h;
} Rect;

/* The panel given most of the window: the others take turns (hidden) or
 * shrink. Same order as VmFocus. */
typedef enum { FOCUS_NONE, FOCUS_PLOT, FOCUS_INSPECTOR, FOCUS_DIAGRAM } LayoutFocus;

typedef enum { ROW_LOSS, ROW_OUTPUT, ROW_LAYER, ROW_INPUT } RowKind;

typedef struct {
    int win_w, win_h;  /* pixels */
    float ui_scale;    /* user's presenter scale, 1 = default */
    int steps, layers; /* T, L */
    float zoom;        /* column width factor, 1 = fit */
    float scroll_x;    /* pixels the grid is shifted left (clamped) */
    int focus_t;       /* column kept in view when follow is set */
    bool follow;       /* scroll to keep focus_t visible (centred) */
    bool show_lesson, show_side, show_controls;
    bool band; /* a line of text under the network (the text task's sample) */
    LayoutFocus focus;
    bool fit_all;       /* every column in view, however narrow (semantic zoom) */
    float lesson_w_min; /* pixels the narration needs at its floor size (0: any) */
    float inspector_h;  /* pixels the inspector needs at its full size (0: half the side) */
    float inspector_h2; /* the same with its vector rows two to a line */
} LayoutInput;

typedef struct {
    float s;             /* effective scale: ui_scale x window factor */
    float s_net, s_side; /* the scales the network and the side panels draw at (focus: larger) */
    bool stacked;        /* inspector and plots side by side under the network */
    Rect overview;       /* the whole sequence, the visible window marked (h = 0: all in view) */
    Rect top;            /* title and status */
    Rect lesson;         /* lesson narration (w = 0 when hidden) */
    Rect net;            /* the unrolled network, labels included */
    Rect grid;           /* the scrolling part of net: columns live here */
    Rect band;           /* under the grid (h = 0 when not asked for) */
    Rect key;            /* the colour key under the grid: one line, or two when narrow */
    Rect side;           /* inspector above plots (w = 0 when hidden) */
    Rect inspector, plots;
    Rect controls; /* button bar (h = 0 when hidden) */
    int steps, layers;
    float col_w;          /* column pitch */
    float scroll_x;       /* effective, clamped */
    float node_w, node_h; /* hidden-state node box */
    float small_h;        /* input/output/loss node box height */
    float row_y[4 + 8];   /* centre y of each row index (see layout_row) */
    int rows;
} Layout;

void layout_compute(Layout *lo, const LayoutInput *in);

/* Row index for a kind (layer l for ROW_LAYER), top to bottom. */
int layout_row(const Layout *lo, RowKind kind, int l);
/* Centre x of column t (after scrolling). */
float layout_col_x(const Layout *lo, int t);
/* The node box at (row kind, layer, step). */
Rect layout_node(const Layout *lo, RowKind kind, int l, int t);
/* The scroll (pixels) that shows column t, starting from the current one. */
float layout_scroll_to_show(const Layout *lo, int t);
/* First and last columns at least partly visible in the grid. */
void layout_visible_cols(const Layout *lo, int *t0, int *t1);

bool rect_contains(Rect r, float x, float y);
bool rect_inside(Rect inner, Rect outer);
bool rect_overlap(Rect a, Rect b);

#endif
