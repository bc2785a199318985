/*
 * The linear head and the losses at one step, over a batch.
 * y_t = head.weight h_t + head.bias;  L_t = (1/B) sum_b L_{b,t}.
 *
 * Shapes: B batch, H hidden, O output.
 */
#ifndef RNNVIZ_HEAD_H
#define RNNVIZ_HEAD_H

#include "net.h"

/* y (B, O), prob (B, O) softmax for softmax_ce (also without a target, for
 * display). Returns L_t, or 0 when the step has no target (cls/tvec NULL). */
double head_forward_step(double *y, double *prob, const double *h, const double *w,
                         const double *bias, const int *cls, const double *tvec, NetLoss loss,
                         int B, int H, int O);

/* dy (B, O) = dL/dy_t, dh_out (B, H) = dy W; adds into dw (O, H), db (O). */
void head_backward_step(double *dy, double *dh_out, double *dw, double *db, const double *y,
                        const double *prob, const double *h, const double *w, const int *cls,
                        const double *tvec, NetLoss loss, int B, int H, int O);

#endif
