#include "cells.h"

#include <math.h>

#include "la.h"

void rnn_forward_step(double *h, const double *x, const double *h_prev, const NetLayer *p,
                      NetAct act, int B, int H)
{
    /* h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) */
    la_rows_set(h, p->b_ih, B, H);
    if (p->b_hh)
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++)
                h[b * H + j] += p->b_hh[j];
    la_gemm_nt(h, x, p->w_ih, B, H, p->in, 1.0);
    la_gemm_nt(h, h_prev, p->w_hh, B, H, H, 1.0);
    for (int k = 0; k < B * H; k++)
        h[k] = act == NET_ACT_TANH ? la_tanh(h[k]) : (h[k] > 0.0 ? h[k] : 0.0);
}

void rnn_backward_step(double *dpre, double *dx, double *dh_prev, const NetLayer *p,
                       const double *dh, const double *h, NetAct act, int B, int H)
{
    /* dpre = dh * act'(pre): tanh' = 1 - h^2, relu' = [h > 0] (0 at 0) */
    for (int k = 0; k < B * H; k++)
        dpre[k] = act == NET_ACT_TANH ? dh[k] * (1.0 - h[k] * h[k]) : (h[k] > 0.0 ? dh[k] : 0.0);
    /* dx = dpre W_ih, dh_{t-1} = dpre W_hh */
    if (dx)
        la_gemm_nn(dx, dpre, p->w_ih, B, p->in, H, 0.0);
    la_gemm_nn(dh_prev, dpre, p->w_hh, B, H, H, 0.0);
}
