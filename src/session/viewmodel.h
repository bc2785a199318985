/*
 * The view model: exactly what one frame shows, as plain numbers and
 * strings. The session fills it (sess_view_model) from the engine's buffers
 * before each frame; the view reads only this, so a frame's content can be
 * produced, and tested, from a hand-filled model with no network.
 *
 * Vectors are of one batch row, the displayed row (ViewModel.row), and
 * point into buffers that stay valid until the session next changes (the
 * engine's caches, or the model's own arrays). Numbers named "batch" are
 * over (or the mean over) the whole batch and say so on screen.
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

/* A vector shown as a row: n values of the displayed row and their 2-norm. */
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

/* A time step's input, output and loss nodes: per-row fields are of the
 * displayed row, step_loss is the batch mean. */
typedef struct {
    const double *x;             /* (I) */
    char x_sym[VM_SYM_LEN];      /* the task's symbol of x_t; empty: show x as a strip */
    bool x_marked;               /* the task marks this input as one that matters */
    bool head_fwd, head_bwd;     /* output ops done */
    double dy_norm;              /* ||dL/dy_t|| over the batch (after head backward) */
    double g_head;               /* ||dL/dh_t|| of the top layer from the head (batch) */
    char y_sym[VM_SYM_LEN];      /* cross-entropy: symbol of the likeliest class */
    double y_prob;               /* ... and its probability */
    double y0;                   /* regression: the first output */
    bool has_target, hit;        /* hit: the output matches the target */
    char target_sym[VM_SYM_LEN]; /* cross-entropy: the target's symbol */
    double target0;              /* regression: the first target value */
    double p_target;             /* cross-entropy: p[target] of the row */
    double row_loss;             /* L_t of the row: -ln p[target], or 1/2 sum (y^ - y)^2 */
    double step_loss;            /* L_t, mean over the batch */
} VmStep;

/* The inspector's terms: every vector an equation of the inspector names,
 * of the displayed row. Gate blocks are in PyTorch's order (r z n; i f g o);
 * "a" is a pre-activation. */
typedef enum {
    /* forward */
    VM_T_X,      /* x_t, or h_t of the layer below */
    VM_T_H_PREV, /* h_{t-1} */
    VM_T_A,      /* rnn: a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh */
    VM_T_GATE0,  /* r z n, or i f g o: the gate activations */
    VM_T_GATE1,
    VM_T_GATE2,
    VM_T_GATE3,
    VM_T_HN,     /* gru: W_hn h_{t-1} + b_hn */
    VM_T_C_PREV, /* lstm */
    VM_T_C,
    VM_T_H,
    /* backward */
    VM_T_DH_ABOVE, /* dL/dh_t from the head or the layer above */
    VM_T_DH_NEXT,  /* dL/dh_t from step t+1 */
    VM_T_DH,       /* dL/dh_t, their sum */
    VM_T_DC_NEXT,  /* lstm: dL/dc_t from step t+1 (f_{t+1} * dL/dc_{t+1}) */
    VM_T_DC_OWN,   /* lstm: dL/dh_t * o_t * (1 - tanh^2 c_t) */
    VM_T_DC,       /* lstm: dL/dc_t */
    VM_T_DA0,      /* dL/da per gate block (rnn: dL/da_t) */
    VM_T_DA1,
    VM_T_DA2,
    VM_T_DA3,
    VM_T_DA_HN,   /* gru: r_t * dL/da_n, the gradient of W_hn h_{t-1} + b_hn */
    VM_T_DIRECT,  /* gru: z_t * dL/dh_t, the direct path */
    VM_T_RECUR,   /* W_hh^T dL/da (gru: with the n block r_t * dL/da_n) */
    VM_T_DH_PREV, /* dL/dh_{t-1} */
    VM_T_DC_PREV, /* lstm: dL/dc_{t-1} = f_t * dL/dc_t */
    /* head */
    VM_T_H_TOP,
    VM_T_Y,
    VM_T_P,
    VM_T_DY,
    VM_T_DH_HEAD,
    VM_T_COUNT
} VmTerm;

/* The inspector's node and its numbers. */
typedef struct {
    bool has_op; /* false: show the model summary */
    VmOp op;
    bool done;
    VmVec term[VM_T_COUNT]; /* v NULL: not part of this node */
    /* backward layer, batch numbers */
    double grad_h;  /* ||dL/dh_t|| over the batch (the plotted norm) */
    bool has_gain;  /* t > 0 */
    double gain;    /* ||propagated to t-1|| / ||state gradient at t|| over the batch */
    bool has_wgrad; /* dL/dW_hh of this layer, summed over the batch: */
    double w_step;  /* ||this step's term|| */
    double w_sum;   /* ||sum of the terms of steps t..T-1||, computed for display */
    bool w_added;   /* the engine has added the layer's weight gradient (step 0 done) */
    /* head */
    double row_loss, mean_loss, p_target; /* L_t of the row and the batch mean */
    int target_class;                     /* cross-entropy: the row's target, else -1 */
    const double *target;                 /* regression: the row's target (O) */
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
    VmOp cur;         /* the node shown: the last op run, or the selection */
    int row;          /* the displayed batch row, 0..B-1 */
    double tolerance; /* regression: a hit is |y^ - y| < tolerance; NaN for classes */
    bool any_loss;
    double loss;
    char message[VM_MESSAGE_LEN];
    char sample[VM_SAMPLE_LEN + 1]; /* text task: what the network writes */
    /* the unrolled graph */
    VmNode *node;   /* (L * T) */
    VmStep *step;   /* (T) */
    double *grad_h; /* (L * T) ||dL/dh_t|| over the batch; NaN before backward */
    double *grad_c; /* (L * T) ||dL/dc_t|| (LSTM), else NaN */
    /* Per-step backward gain of the propagated part over the batch:
     * gain[l*T+t] = ||(ds_{t+1}/ds_t)^T g_{t+1}|| / ||g_{t+1}||, s the state
     * (h, and c for the LSTM), g_{t+1} its whole gradient at t+1; NaN at
     * t = T-1 or before that backward ran. gain_prod[l*T+t] = the product
     * of gain[l*T+s] for s = t..T-2 (1 at T-1): how much the propagation
     * alone has scaled a gradient from T-1 down to t. */
    double *gain, *gain_prod;
    /* The sigma_max^(T-1-t) line bounds ||dL/dh_t|| (an RNN, one layer, one
     * loss, at the last step): only then is it drawn as a bound. */
    bool sigma_bounds;
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
