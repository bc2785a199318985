/*
 * The recurrent network: stacked RNN/GRU/LSTM layers, a linear head and a
 * loss, run whole-sequence or one node of the unrolled graph at a time.
 * Equations and names follow shared/spec/engine-contract.md exactly.
 *
 * Shapes: B batch, T steps, I input, H hidden, L layers, O output,
 * G gate blocks per layer (rnn 1, gru 3, lstm 4), in = I for layer 0 else H.
 *
 * Conventions: actions return int (0 ok, negative NET_ERR_*); constructors
 * return NULL; errors a user can cause fill a NetError the caller owns.
 * Everything is allocated by net_create for cfg.max_batch x cfg.max_steps;
 * binding, forward, backward and updates never allocate.
 */
#ifndef RNNVIZ_NET_H
#define RNNVIZ_NET_H

#include <stdbool.h>
#include <stddef.h>

/* Documented limits: larger requests are refused before allocating. */
#define NET_MAX_SIZE 1024          /* I, H, O */
#define NET_MAX_LAYERS 8           /* L */
#define NET_MAX_STEPS 10000        /* T */
#define NET_MAX_BATCH 4096         /* B */
#define NET_MAX_BYTES (6ULL << 30) /* all buffers of one network together */

enum {
    NET_OK = 0,
    NET_ERR_ARG = -1,   /* a size or value out of range */
    NET_ERR_ORDER = -2, /* a node run before its inputs are ready */
    NET_ERR_NOMEM = -3,
    NET_ERR_IO = -4,
    NET_ERR_FORMAT = -5,    /* a malformed file */
    NET_ERR_CANCELLED = -6, /* the yield hook asked to stop (not an error) */
};

typedef struct {
    char msg[512];
} NetError;

typedef enum { NET_CELL_RNN, NET_CELL_GRU, NET_CELL_LSTM } NetCell;
typedef enum { NET_ACT_TANH, NET_ACT_RELU } NetAct;
typedef enum { NET_LOSS_SOFTMAX_CE, NET_LOSS_MSE } NetLoss;
typedef enum { NET_TARGETS_ALL, NET_TARGETS_LAST } NetTargets;

typedef struct {
    NetCell cell;
    NetAct act; /* rnn only */
    int input_size, hidden_size, num_layers, output_size;
    NetLoss loss;
    NetTargets targets;
    bool bias_hh;  /* false: one bias per layer (rnn, lstm only) */
    int max_batch; /* capacity for net_bind */
    int max_steps;
} NetConfig;

/* One parameter tensor: a named view into the flat parameter buffer. */
typedef struct {
    char name[32];  /* "weight_ih_l0", ..., "head.weight", "head.bias" */
    int rows, cols; /* cols == 1 for biases */
    size_t offset;  /* into net_params() / net_grads() */
} NetParam;

/* A batch to run: pointers are read during net_bind only (copied in). */
typedef struct {
    int B, T;
    const double *x;    /* (B, T, I) batch first */
    const int *classes; /* softmax_ce: (B, T) for "all", (B, 1) for "last" */
    const double *y;    /* mse: (B, T, O) for "all", (B, 1, O) for "last" */
    const double *h0;   /* optional (L, B, H) */
    const double *c0;   /* optional (L, B, H), lstm only */
} NetBatch;

/* One computation of the unrolled graph, as a schedule lists it. */
typedef enum {
    NET_OP_FORWARD,       /* layer l at step t */
    NET_OP_HEAD_FORWARD,  /* y_t and L_t */
    NET_OP_HEAD_BACKWARD, /* dL/dy_t into the head and the last layer */
    NET_OP_BACKWARD,      /* layer l at step t, BPTT */
} NetOpKind;

typedef struct {
    NetOpKind kind;
    int l, t; /* l is -1 for head ops */
} NetOp;

typedef enum {
    NET_ORDER_TIME,  /* all layers at step t, then step t+1 */
    NET_ORDER_LAYER, /* all steps of layer 0, then layer 1, ... */
} NetOrder;

/* Flags for non-finite values seen in the last pass. */
enum {
    NET_NONFINITE_OUTPUT = 1,
    NET_NONFINITE_LOSS = 2,
    NET_NONFINITE_GRAD = 4,
    NET_NONFINITE_STATE = 8,
};

typedef struct Net Net;

/* Checks sizes and limits; fills err and returns NET_ERR_ARG when refused. */
int net_config_check(const NetConfig *cfg, NetError *err);
size_t net_config_bytes(const NetConfig *cfg);
int net_gate_count(NetCell cell);
const char *net_cell_name(NetCell cell);

Net *net_create(const NetConfig *cfg, NetError *err);
void net_destroy(Net *net);

/* ---- copies (net_clone.c) ---- */
/* A new network equal to src in every buffer (parameters, gradients,
 * caches, pass state) and bound batch size; NULL (err filled) on failure. */
Net *net_clone(const Net *src, NetError *err);
/* Copies src's state into dst of the same configuration (NET_ERR_ARG
 * otherwise, dst untouched). Never allocates. */
int net_copy_state(Net *dst, const Net *src);
/* ---- end of copies ---- */
const NetConfig *net_config(const Net *net);

/* Parameters: one flat buffer, PyTorch order per layer then the head. */
int net_param_count(const Net *net); /* number of tensors */
const NetParam *net_param(const Net *net, int k);
const NetParam *net_param_find(const Net *net, const char *name);
size_t net_num_params(const Net *net); /* number of scalars */
double *net_params(Net *net);
const double *net_params_const(const Net *net);
double *net_grads(Net *net);
const double *net_grads_const(const Net *net);
/* Named views: NULL for bias_hh when the config has no bias_hh. */
double *net_w_ih(Net *net, int l); /* (G*H, in) */
double *net_w_hh(Net *net, int l); /* (G*H, H) */
double *net_b_ih(Net *net, int l); /* (G*H) */
double *net_b_hh(Net *net, int l); /* (G*H) or NULL */
double *net_head_w(Net *net);      /* (O, H) */
double *net_head_b(Net *net);      /* (O) */

/* Copies a batch in and starts a new pass (clears caches and done flags). */
int net_bind(Net *net, const NetBatch *batch, NetError *err);
int net_batch_size(const Net *net);
int net_steps(const Net *net);
bool net_has_target(const Net *net, int t);
/* Starts the pass again on the bound batch (same inputs, new parameters). */
void net_reset_pass(Net *net);

/* Whole sequence: forward resets the pass and runs every forward op;
 * backward runs every backward op not yet run (BPTT), adding into grads.
 * Weight gradients are added as BPTT defines them, summed over steps: the
 * head's at each head backward, a layer's in one product over all its steps
 * when its backward reaches step 0 (from the per-step pre-activation
 * gradients it caches; net_grad_contrib gives each step's share before
 * that). Both schedules therefore give the same bits. */
int net_forward(Net *net);
int net_backward(Net *net);
void net_zero_grad(Net *net);

/* Long passes yield: between time steps, net_forward, net_forward_continue
 * and net_backward call the hook (when set); when it returns true they
 * stop with NET_ERR_CANCELLED, every finished node kept, so
 * net_forward_continue / net_backward go on from there. The hook is how a
 * window keeps its frame deadline and how Ctrl+C stops a long pass; NULL
 * removes it. */
typedef bool (*NetYield)(void *user);
void net_set_yield(Net *net, NetYield fn, void *user);
/* Runs the forward ops not yet run, on the current pass. */
int net_forward_continue(Net *net);

/* Node granular: each fails with NET_ERR_ORDER (and net_last_error) when an
 * input is not ready or the op already ran. */
int net_forward_node(Net *net, int l, int t);
int net_head_forward(Net *net, int t);
int net_head_backward(Net *net, int t);
int net_backward_node(Net *net, int l, int t);
int net_run_op(Net *net, NetOp op);
bool net_op_done(const Net *net, NetOp op);
bool net_op_ready(const Net *net, NetOp op);
const char *net_last_error(const Net *net);

/* Fills out with the full pass (forward ops, then backward ops) in the given
 * order; returns the op count, or NET_ERR_ARG when cap is too small. */
int net_schedule_len(const Net *net);
int net_schedule(const Net *net, NetOrder order, NetOp *out, int cap);

/* Results of the pass (valid for ops already run). */
double net_loss(const Net *net);             /* total L */
double net_step_loss(const Net *net, int t); /* (1/B) sum_b L_{b,t} */
int net_nonfinite(const Net *net);           /* NET_NONFINITE_* flags */

/* Per-node caches: const views, rows are batch entries. */
const double *net_x(const Net *net, int t);             /* (B, I) */
const double *net_h(const Net *net, int l, int t);      /* (B, H), t = -1 is h0 */
const double *net_c(const Net *net, int l, int t);      /* (B, H), lstm, t >= -1 */
const double *net_gates(const Net *net, int l, int t);  /* (B, G*H) activations;
                                                           rnn: h itself */
const double *net_gru_hn(const Net *net, int l, int t); /* (B, H) W_hn h + b_hn */
const double *net_y(const Net *net, int t);             /* (B, O) head outputs */
const double *net_prob(const Net *net, int t);          /* (B, O) softmax, ce only */
const int *net_target_class(const Net *net, int t);     /* (B) or NULL */
const double *net_target_vec(const Net *net, int t);    /* (B, O) or NULL */
const double *net_dy(const Net *net, int t);            /* (B, O) dL/dy_t */
/* Gradient caches of the backward pass: dh = dh_out + dh_next. */
const double *net_dh(const Net *net, int l, int t);      /* total dL/dh_t, t >= -1 */
const double *net_dh_out(const Net *net, int l, int t);  /* from head or layer above */
const double *net_dh_next(const Net *net, int l, int t); /* from step t+1 */
const double *net_dc(const Net *net, int l, int t);      /* total dL/dc_t (lstm) */
const double *net_dgates(const Net *net, int l, int t);  /* (B, G*H) dL/d pre-act */
/* lstm: dL/dc_t from step t+1 (f_{t+1} * dL/dc_{t+1}), t >= -1; else NULL */
const double *net_dc_next(const Net *net, int l, int t);
/* (B, G*H) dL/d(W_hh h_{t-1} + b_hh): gru's n block is r_t * dL/da_n; the
 * other cells' equal net_dgates */
const double *net_dgates_h(const Net *net, int l, int t);

/* The contract's plotted norms: ||dL/dh^l_t||, ||dL/dc^l_t|| (NaN until run). */
double net_grad_h(const Net *net, int l, int t);
double net_grad_c(const Net *net, int l, int t);

/* Norm of step t's contribution to parameter tensor k's gradient
 * (RNNbow); NaN until that step's backward ran. */
double net_grad_contrib(const Net *net, int k, int t);

#endif
