/*
 * The view model: exactly what one frame shows, as plain numbers and
 * strings. The session fills it (sess_view_model) from the engine's buffers
 * before each frame; the view reads only this, so a frame's content can be
 * produced, and tested, from a hand-filled model with no network.
 *
 * Vectors are batch row 0 and point into buffers that stay valid until the
 * session next changes (the engine's caches, or the model's own arrays).
 * Shapes: T steps, L layers, H hidden, I input, O output, B batch.
 * Per-node arrays are indexed node[l * T + t].
 *
 * This header includes no engine or session header: plain C types only.
 */
#ifndef RNNVIZ_VIEWMODEL_H
#define RNNVIZ_VIEWMODEL_H

#include <stdbool.h>

/* In the engine's order (NetCell, NetOpKind); checked in viewmodel.c. */
typedef enum { VM_CELL_RNN, VM_CELL_GRU, VM_CELL_LSTM } VmCell;
typedef enum { VM_OP_FORWARD, VM_OP_HEAD_FORWARD, VM_OP_HEAD_BACKWARD, VM_OP_BACKWARD } VmOpKind;
/* In the session's order (SessPhase, SessPanel, SessPlot). */
typedef enum { VM_PHASE_FORWARD, VM_PHASE_BACKWARD, VM_PHASE_UPDATE } VmPhase;
enum {
    VM_PANEL_LESSON = 1,
    VM_PANEL_INSPECTOR = 2,
    VM_PANEL_PLOTS = 4,
    VM_PANEL_CONTROLS = 8,
    VM_PANEL_HELP = 16,
};
/* The panel given most of the window (a lesson's `focus`, or the app's key). */
typedef enum { VM_FOCUS_NONE, VM_FOCUS_PLOT, VM_FOCUS_INSPECTOR, VM_FOCUS_DIAGRAM } VmFocus;

typedef enum { VM_PLOT_GRAD, VM_PLOT_LOSS, VM_PLOT_EIGEN, VM_PLOT_HEATMAP, VM_PLOT_COUNT } VmPlot;

#define VM_MAX_LAYERS 8
#define VM_SYM_LEN 48
#define VM_NAME_LEN 64
#define VM_MESSAGE_LEN 256
#define VM_SAMPLE_LEN 120
#define VM_MAX_CONTROLS 32

/* One node of the graph: an op kind at layer l (-1 for the head), step t. */
typedef struct {
    VmOpKind kind;
    int l, t;
} VmOp;

/* A vector shown as a row: n values of batch row 0 and their 2-norm. */
typedef struct {
    const double *v; /* NULL: not shown */
    int n;
    double norm;
} VmVec;

/* A hidden-state node (layer l, step t). Gradient norms are over the whole
 * batch; each is 0 until the node's backward op has run. */
typedef struct {
    bool fwd, bwd;       /* forward / backward op done */
    const double *h, *c; /* (H); c only for LSTM, else NULL */
    double g_below;      /* ||dL/dh_out|| of the layer below (l > 0): edge from below */
    double g_prev;       /* ||dL/dh_{t-1}|| from this step (t > 0): recurrent edge */
    double g_cell;       /* ||dL/dc_t|| (LSTM, t > 0): the cell-state rail */
} VmNode;

/* A time step's input, output and loss nodes. */
typedef struct {
    const double *x;             /* (I) */
    char x_sym[VM_SYM_LEN];      /* the task's symbol of x_t; empty: show x as a strip */
    bool head_fwd, head_bwd;     /* output ops done */
    double dy_norm;              /* ||dL/dy_t|| over the batch (after head backward) */
    double g_head;               /* ||dL/dh_t|| of the top layer from the head */
    char y_sym[VM_SYM_LEN];      /* cross-entropy: symbol of the likeliest class */
    double y_prob;               /* ... and its probability */
    double y0;                   /* regression: the first output */
    bool has_target, hit;        /* hit: the output matches the target (row 0) */
    char target_sym[VM_SYM_LEN]; /* cross-entropy: the target's symbol */
    double target0;              /* regression: the first target value */
    double step_loss;            /* L_t, mean over the batch */
} VmStep;

/* The inspector's node and its numbers. */
typedef struct {
    bool has_op; /* false: show the model summary */
    VmOp op;
    bool done;
    /* forward layer: input (x_t, or h of the layer below), states, gates */
    VmVec x, h_prev, h, gate[4], c_prev, c;
    /* backward layer */
    double grad_h, above_norm, next_norm; /* batch norms */
    bool has_share;
    double share; /* this step's share of dL/dW_hh (its norm) */
    VmVec dh_above, dh_next, dh, dc, dgates, dh_prev;
    /* head */
    VmVec h_top, y, p, dy, dh_head;
} VmInspect;

/* RNN, GRU and LSTM on the same batch (see SessCompare). */
typedef struct {
    bool valid;
    int L, T, iters;
    const double *grad_h[3]; /* (L, T) per cell */
    const double *loss[3];   /* (iters) per cell */
} VmCompare;

/* Training history: the kept iterations, oldest first. */
typedef struct {
    int n;
    double *loss;          /* (n) */
    const double **grad_h; /* (n) each (L, T) */
    long first_iter, last_iter;
    double last_loss, last_accuracy, last_grad_norm;
} VmHistory;

/* A highlight (same kinds as SessMarkKind): columns t0..t1, or the
 * hidden, output or input nodes of those steps. */
enum { VM_MARK_STEPS = 1, VM_MARK_H, VM_MARK_Y, VM_MARK_X };
#define VM_MAX_MARKS 16
typedef struct {
    int what, t0, t1;
} VmMark;

/* Same bits as SessShown. */
enum { VM_SHOW_SIGMA = 1, VM_SHOW_RHO = 2, VM_SHOW_BANDS = 4 };

/* What the session shows (a lesson's show/hide): the window's own state
 * (zoom, scroll, animation, scale) comes through ViewParams instead. */
typedef struct {
    int panels; /* VM_PANEL_* bits */
    VmPlot plot;
    VmFocus focus;
    bool fit_all; /* every step of the sequence in view (a lesson's `fit all`) */
    int shown;    /* plot elements shown: VM_SHOW_* bits (a lesson's show/hide) */
    int n_marks;  /* what the narration points at (a lesson's highlight) */
    VmMark marks[VM_MAX_MARKS];
} VmDisplay;

/* The settings drawer's rows, in the settings table's drawer order. */
typedef struct {
    int n;
    int id[VM_MAX_CONTROLS]; /* SettingId of each row (the buttons' hit arg) */
    const char *label[VM_MAX_CONTROLS];
    char value[VM_MAX_CONTROLS][VM_NAME_LEN];
    bool slider[VM_MAX_CONTROLS];  /* the row is followed by the spectral radius slider */
    double rho;                    /* the current spectral radius */
    double rho_unit, rho_unit_one; /* slider positions of rho and of 1 */
} VmDrawer;

typedef struct {
    /* shape and configuration */
    VmCell cell;
    bool relu, ce, targets_all, bias_hh;
    int T, L, H, I, O, B;
    const char *cell_name; /* "rnn", "gru", "lstm" */
    const char *task_name;
    long params[VM_MAX_LAYERS + 1]; /* per layer, then the head */
    /* progress */
    VmPhase phase;
    int cursor, op_count;
    long iteration;
    bool has_cur;
    VmOp cur; /* the node shown: the last op run, or the selection */
    bool any_loss;
    double loss;
    char message[VM_MESSAGE_LEN];
    char sample[VM_SAMPLE_LEN + 1]; /* text task: what the network writes */
    /* the unrolled graph */
    VmNode *node;   /* (L * T) */
    VmStep *step;   /* (T) */
    double *grad_h; /* (L * T) ||dL/dh_t|| over the batch; NaN before backward */
    double *grad_c; /* (L * T) ||dL/dc_t|| (LSTM), else NaN */
    /* panels */
    VmInspect inspect;
    char contrib_name[VM_NAME_LEN];
    double *contrib;   /* (T) each step's share of dL/d(contrib_name) */
    double rho, sigma; /* layer 0's W_hh: spectral radius, largest singular value */
    int eig_n, eig_blocks;
    const double *eig_re, *eig_im; /* (blocks * n) */
    VmCompare cmp;
    VmHistory hist;
    VmDisplay display;
    VmDrawer drawer;
} ViewModel;

#endif
