#include "cells.h"

#include <math.h>

#include "la.h"

void gru_forward_step(double *h, double *gates, double *hn, double *hh, const double *x,
                      const double *h_prev, const NetLayer *p, int B, int H)
{
    int GH = 3 * H;
    /* gates = W_ih x_t + b_ih, hh = W_hh h_{t-1} + b_hh (blocks r, z, n) */
    la_rows_set(gates, p->b_ih, B, GH);
    la_gemm_nt(gates, x, p->w_ih, B, GH, p->in, 1.0);
    la_rows_set(hh, p->b_hh, B, GH);
    la_gemm_nt(hh, h_prev, p->w_hh, B, GH, H, 1.0);
    for (int b = 0; b < B; b++) {
        double *g = gates + (size_t)b * GH;
        const double *u = hh + (size_t)b * GH;
        const double *hp = h_prev + (size_t)b * H;
        for (int j = 0; j < H; j++) {
            /* r_t = s(W_ir x + b_ir + W_hr h + b_hr), z_t likewise */
            double r = la_sigmoid(g[j] + u[j]);
            double z = la_sigmoid(g[H + j] + u[H + j]);
            /* n_t = tanh(W_in x + b_in + r_t * (W_hn h + b_hn)) */
            double n = la_tanh(g[2 * H + j] + r * u[2 * H + j]);
            g[j] = r;
            g[H + j] = z;
            g[2 * H + j] = n;
            hn[(size_t)b * H + j] = u[2 * H + j];
            /* h_t = (1 - z_t) * n_t + z_t * h_{t-1} */
            h[(size_t)b * H + j] = (1.0 - z) * n + z * hp[j];
        }
    }
}

void gru_backward_step(double *dpre_x, double *dpre_h, double *dx, double *dh_prev,
                       const NetLayer *p, const double *dh, const double *gates, const double *hn,
                       const double *h_prev, int B, int H)
{
    int GH = 3 * H;
    for (int b = 0; b < B; b++) {
        const double *g = gates + (size_t)b * GH;
        double *dX = dpre_x + (size_t)b * GH;
        double *dH = dpre_h + (size_t)b * GH;
        for (int j = 0; j < H; j++) {
            size_t k = (size_t)b * H + j;
            double r = g[j], z = g[H + j], n = g[2 * H + j];
            /* dz = dh * (h_{t-1} - n), dn = dh * (1 - z) */
            double dz = dh[k] * (h_prev[k] - n);
            double dn_pre = dh[k] * (1.0 - z) * (1.0 - n * n);
            /* dr = dn_pre * (W_hn h + b_hn) */
            double dr_pre = dn_pre * hn[k] * r * (1.0 - r);
            double dz_pre = dz * z * (1.0 - z);
            dX[j] = dH[j] = dr_pre;
            dX[H + j] = dH[H + j] = dz_pre;
            dX[2 * H + j] = dn_pre;
            dH[2 * H + j] = dn_pre * r;
        }
    }
    if (dx)
        la_gemm_nn(dx, dpre_x, p->w_ih, B, p->in, GH, 0.0);
    /* dh_{t-1} = dh * z + dpre_h W_hh */
    for (int b = 0; b < B; b++)
        for (int j = 0; j < H; j++)
            dh_prev[(size_t)b * H + j] = dh[(size_t)b * H + j] * gates[(size_t)b * GH + H + j];
    la_gemm_nn(dh_prev, dpre_h, p->w_hh, B, H, GH, 1.0);
}
