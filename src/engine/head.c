#include "head.h"

#include <math.h>

#include "la.h"

/* Numerically stable log-softmax: lse = m + log sum exp(y - m). */
static double softmax_row(double *prob, const double *y, int O)
{
    double m = y[0];
    for (int k = 1; k < O; k++)
        m = fmax(m, y[k]);
    double s = 0.0;
    for (int k = 0; k < O; k++)
        s += exp(y[k] - m);
    double lse = m + log(s);
    for (int k = 0; k < O; k++)
        prob[k] = exp(y[k] - lse);
    return lse;
}

double head_forward_step(double *y, double *prob, const double *h, const double *w,
                         const double *bias, const int *cls, const double *tvec, NetLoss loss,
                         int B, int H, int O)
{
    /* y_t = head.weight h_t + head.bias */
    la_rows_set(y, bias, B, O);
    la_gemm_nt(y, h, w, B, O, H, 1.0);
    double total = 0.0;
    for (int b = 0; b < B; b++) {
        const double *yb = y + (size_t)b * O;
        if (loss == NET_LOSS_SOFTMAX_CE) {
            double lse = softmax_row(prob + (size_t)b * O, yb, O);
            /* L_{b,t} = -log softmax(y)[k] = lse - y_k */
            if (cls)
                total += lse - yb[cls[b]];
        } else if (tvec) {
            /* L_{b,t} = 0.5 sum_k (y_k - y*_k)^2 */
            double s = 0.0;
            for (int k = 0; k < O; k++) {
                double e = yb[k] - tvec[(size_t)b * O + k];
                s += e * e;
            }
            total += 0.5 * s;
        }
    }
    return total / B;
}

void head_backward_step(double *dy, double *dh_out, double *dw, double *db, const double *y,
                        const double *prob, const double *h, const double *w, const int *cls,
                        const double *tvec, NetLoss loss, int B, int H, int O)
{
    /* dL/dy = (softmax(y) - onehot(k)) / B, or (y - y*) / B */
    for (int b = 0; b < B; b++) {
        for (int k = 0; k < O; k++) {
            size_t i = (size_t)b * O + k;
            if (loss == NET_LOSS_SOFTMAX_CE)
                dy[i] = (prob[i] - (k == cls[b] ? 1.0 : 0.0)) / B;
            else
                dy[i] = (y[i] - tvec[i]) / B;
        }
    }
    /* dW += dy^T h, db += sum_b dy, dh = dy W */
    la_gemm_tn_add(dw, dy, h, O, H, B);
    la_colsum_add(db, dy, B, O);
    la_gemm_nn(dh_out, dy, w, B, H, O, 0.0);
}
