/*
 * The named quantities goals and questions talk about, read from a
 * session's view model (the numbers on screen), as an ExprLookup:
 *
 *   T L H I O B          the shape: steps, layers, hidden, input, output, batch
 *   iteration            updates applied so far
 *   loss                 the current pass's loss (else the last training loss)
 *   accuracy             the last training iteration's accuracy, in percent
 *   spectral_radius, rho layer 0's W_hh spectral radius ρ
 *   sigma_max            layer 0's W_hh largest singular value σ_max
 *   grad_h[t]            ‖∂L/∂h_t‖ of layer 0; grad_h(l, t) of layer l
 *   grad_c[t]            ‖∂L/∂c_t‖ (LSTM), as grad_h
 *   ratio(a, b)          grad_h[a] / grad_h[b]; ratio(h, a, b), ratio(c, a, b)
 *                        choose the series (h and c are only series names)
 *   step_loss[t]         L_t, the loss at step t
 *
 * A quantity that does not exist yet (a gradient before the backward pass,
 * a loss before the forward pass) is an error that says so, not NaN.
 */
#ifndef RNNVIZ_QUANTITY_H
#define RNNVIZ_QUANTITY_H

#include <stddef.h>

#include "expr.h"
#include "session.h"

/* ExprLookup over a const Session * (ctx). */
int quantity_lookup(void *ctx, const char *name, const double *args, int nargs, double *out,
                    char *msg, size_t cap);

/* Evaluates e on the session; 0 or EXPR_ERR with msg ("LINE:COL: ..."). */
int quantity_eval(const Expr *e, const Session *s, double *out, char *msg, size_t cap);

/* Writes a value for a sentence: integers as integers, else 3 significant
 * digits ("0.7", "2.4e-06", "40"). */
void quantity_format(double v, char *out, size_t cap);

#endif
