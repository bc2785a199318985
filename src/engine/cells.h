/*
 * The three recurrent cells as forward/backward step pairs, over a batch.
 * Arguments: outputs, then inputs, then sizes. Backward *sets* the
 * pre-activation gradients, dx (B, in) and dh_prev (B, H); dx may be NULL
 * (layer 0 needs no input gradient). The weight gradients follow from the
 * cached pre-activation gradients, added by the network for a whole layer
 * at once (net.c, layer_weight_grads).
 *
 * Shapes: B batch, H hidden, in = p->in, gate blocks in PyTorch's order.
 */
#ifndef RNNVIZ_CELLS_H
#define RNNVIZ_CELLS_H

#include "net_internal.h"

/* h (B, H); pre-activations are not kept: act' is computed from h. */
void rnn_forward_step(double *h, const double *x, const double *h_prev, const NetLayer *p,
                      NetAct act, int B, int H);
/* dpre (B, H) = dL/d(pre-activation) */
void rnn_backward_step(double *dpre, double *dx, double *dh_prev, const NetLayer *p,
                       const double *dh, const double *h, NetAct act, int B, int H);

/* gates (B, 3H) = r, z, n; hn (B, H) = W_hn h_{t-1} + b_hn; hh scratch (B, 3H) */
void gru_forward_step(double *h, double *gates, double *hn, double *hh, const double *x,
                      const double *h_prev, const NetLayer *p, int B, int H);
/* dpre_x (B, 3H) = dL/d(W_ih x + b_ih), dpre_h (B, 3H) = dL/d(W_hh h + b_hh) */
void gru_backward_step(double *dpre_x, double *dpre_h, double *dx, double *dh_prev,
                       const NetLayer *p, const double *dh, const double *gates, const double *hn,
                       const double *h_prev, int B, int H);

/* gates (B, 4H) = i, f, g, o; c (B, H) */
void lstm_forward_step(double *h, double *c, double *gates, const double *x, const double *h_prev,
                       const double *c_prev, const NetLayer *p, int B, int H);
/* dc (B, H) = total dL/dc_t from dh and dc_next; dc_prev (B, H) set */
void lstm_backward_step(double *dpre, double *dc, double *dc_prev, double *dx, double *dh_prev,
                        const NetLayer *p, const double *dh, const double *dc_next,
                        const double *gates, const double *c, const double *c_prev, int B, int H);

#endif
