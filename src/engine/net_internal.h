/*
 * The Net structure, shared by net.c and the cell/head files only.
 * Per-node caches are slabs indexed by (layer, step); each slot holds
 * max_batch rows so binding a smaller batch never reallocates.
 *
 * Shapes: B batch, T steps, I input, H hidden, L layers, O output,
 * G gate blocks, GH = G*H.
 */
#ifndef RNNVIZ_NET_INTERNAL_H
#define RNNVIZ_NET_INTERNAL_H

#include "net.h"

#include <stdint.h>

/* Per layer: named views into the flat parameter and gradient buffers. */
typedef struct {
    int in;              /* I for layer 0, else H */
    double *w_ih, *w_hh; /* (GH, in), (GH, H) */
    double *b_ih, *b_hh; /* (GH), (GH) or NULL */
    double *dw_ih, *dw_hh;
    double *db_ih, *db_hh;
    int k_w_ih, k_w_hh, k_b_ih, k_b_hh; /* tensor indices, -1 if absent */
} NetLayer;

#define NET_MAX_TENSORS (4 * NET_MAX_LAYERS + 2)

struct Net {
    NetConfig cfg;
    NetYield yield_fn; /* asked between time steps of a whole pass */
    void *yield_user;
    int G, GH;
    int B, T; /* bound batch */

    NetParam tensors[NET_MAX_TENSORS];
    int n_tensors;
    size_t n_params;
    double *params, *grads; /* (n_params) each */
    NetLayer layers[NET_MAX_LAYERS];
    double *head_w, *head_b, *dhead_w, *dhead_b; /* (O, H), (O) */

    /* Caches; "slot" buffers have T+1 slots per layer, slot 0 = step -1. */
    double *x;               /* (Tmax, Bmax, I) */
    double *h;               /* (L, Tmax+1, Bmax, H) */
    double *c;               /* (L, Tmax+1, Bmax, H), lstm */
    double *gates;           /* (L, Tmax, Bmax, GH); rnn uses h */
    double *gru_hn;          /* (L, Tmax, Bmax, H), gru: W_hn h + b_hn */
    double *y, *prob, *dy;   /* (Tmax, Bmax, O) */
    int *t_class;            /* (Tmax, Bmax) */
    double *t_vec;           /* (Tmax, Bmax, O) */
    double *step_loss;       /* (Tmax) */
    double *dh, *dh_next;    /* (L, Tmax+1, Bmax, H) */
    double *dh_out;          /* (L, Tmax, Bmax, H) */
    double *dc, *dc_next;    /* (L, Tmax+1, Bmax, H), lstm */
    double *dgates;          /* (L, Tmax, Bmax, GH) dL/d(W_ih x + b_ih (+ W_hh h + b_hh)) */
    double *dgates_h;        /* (L, Tmax, Bmax, GH), gru: dL/d(W_hh h + b_hh) */
    double *grad_h, *grad_c; /* (L, Tmax) */
    double *contrib;         /* (n_tensors, Tmax) */

    /* Scratch for one node. */
    double *scratch_gh;      /* (Bmax, GH): gru forward, W_hh h + b_hh */
    double *scratch_v;       /* (max(GH, O, I)) */
    double *gram_a, *gram_b; /* (Bg, Bg): Gram matrices up to la_outer_gram_batch */
    double *outer;           /* (GH or O, I or H): the product form beyond it */

    /* Pass state: which ops ran. */
    uint8_t *fwd_done, *bwd_done;           /* (L, Tmax) */
    uint8_t *head_fwd_done, *head_bwd_done; /* (Tmax) */
    int nonfinite;
    char err[256];

    void *block; /* the one allocation behind every buffer above */
};

/* Slot pointers. */
static inline size_t net_slot_h(const Net *n, int l, int t)
{
    return ((size_t)l * (n->cfg.max_steps + 1) + (size_t)(t + 1)) * n->cfg.max_batch *
           n->cfg.hidden_size;
}

static inline size_t net_slot_step(const Net *n, int l, int t, int width)
{
    return ((size_t)l * n->cfg.max_steps + (size_t)t) * n->cfg.max_batch * width;
}

#endif
