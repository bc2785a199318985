#include "cells.h"

#include <math.h>

#include "la.h"

void lstm_forward_step(double *h, double *c, double *gates, const double *x, const double *h_prev,
                       const double *c_prev, const NetLayer *p, int B, int H)
{
    int GH = 4 * H;
    /* gates = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh (blocks i, f, g, o) */
    la_rows_set(gates, p->b_ih, B, GH);
    if (p->b_hh)
        for (int b = 0; b < B; b++)
            for (int j = 0; j < GH; j++)
                gates[(size_t)b * GH + j] += p->b_hh[j];
    la_gemm_nt(gates, x, p->w_ih, B, GH, p->in, 1.0);
    la_gemm_nt(gates, h_prev, p->w_hh, B, GH, H, 1.0);
    for (int b = 0; b < B; b++) {
        double *g = gates + (size_t)b * GH;
        for (int j = 0; j < H; j++) {
            size_t k = (size_t)b * H + j;
            double i = la_sigmoid(g[j]);
            double f = la_sigmoid(g[H + j]);
            double gg = la_tanh(g[2 * H + j]);
            double o = la_sigmoid(g[3 * H + j]);
            g[j] = i;
            g[H + j] = f;
            g[2 * H + j] = gg;
            g[3 * H + j] = o;
            /* c_t = f_t * c_{t-1} + i_t * g_t */
            c[k] = f * c_prev[k] + i * gg;
            /* h_t = o_t * tanh(c_t) */
            h[k] = o * la_tanh(c[k]);
        }
    }
}

void lstm_backward_step(double *dpre, double *dc, double *dc_prev, double *dx, double *dh_prev,
                        const NetLayer *p, const double *dh, const double *dc_next,
                        const double *gates, const double *c, const double *c_prev, int B, int H)
{
    int GH = 4 * H;
    for (int b = 0; b < B; b++) {
        const double *g = gates + (size_t)b * GH;
        double *d = dpre + (size_t)b * GH;
        for (int j = 0; j < H; j++) {
            size_t k = (size_t)b * H + j;
            double i = g[j], f = g[H + j], gg = g[2 * H + j], o = g[3 * H + j];
            double tc = la_tanh(c[k]);
            /* dc_t = dc from t+1 + dh_t * o_t * (1 - tanh^2 c_t) */
            dc[k] = dc_next[k] + dh[k] * o * (1.0 - tc * tc);
            /* Pre-activation gradients, with sigma' = s (1 - s), tanh' = 1 - tanh^2:
             * di_t = dc_t * g_t * i_t * (1 - i_t) */
            d[j] = dc[k] * gg * i * (1.0 - i);
            /* df_t = dc_t * c_{t-1} * f_t * (1 - f_t) */
            d[H + j] = dc[k] * c_prev[k] * f * (1.0 - f);
            /* dg_t = dc_t * i_t * (1 - g_t^2) */
            d[2 * H + j] = dc[k] * i * (1.0 - gg * gg);
            /* do_t = dh_t * tanh(c_t) * o_t * (1 - o_t) */
            d[3 * H + j] = dh[k] * tc * o * (1.0 - o);
            /* dc_{t-1} = dc_t * f_t */
            dc_prev[k] = dc[k] * f;
        }
    }
    if (dx)
        la_gemm_nn(dx, dpre, p->w_ih, B, p->in, GH, 0.0);
    la_gemm_nn(dh_prev, dpre, p->w_hh, B, H, GH, 0.0);
}
