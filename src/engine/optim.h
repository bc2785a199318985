/*
 * Optimizers and gradient-norm clipping over a network's flat parameter and
 * gradient buffers, with PyTorch's update rules and defaults so every step
 * can be reproduced with torch.optim (weight decay, dampening, Nesterov,
 * AMSGrad and learning-rate decay are not offered).
 *
 * Shapes: n scalars; params (n) and grads (n) are the flat buffers of
 * net_params() / net_grads().
 *
 * Update rules (g the gradient, p the parameter, t = 1, 2, ... the step):
 *   sgd:      p -= lr * g
 *   momentum: buf = g on the first step, else buf = mu * buf + g;
 *             p -= lr * buf                       (torch.optim.SGD, momentum mu)
 *   adagrad:  sum += g^2;  p -= lr * g / (sqrt(sum) + eps)     (eps 1e-10)
 *   adam:     m = b1 * m + (1 - b1) * g;  v = b2 * v + (1 - b2) * g^2;
 *             denom = sqrt(v) / sqrt(1 - b2^t) + eps;
 *             p -= (lr / (1 - b1^t)) * m / denom   (b1 .9, b2 .999, eps 1e-8)
 *
 * Conventions: actions return 0 or a negative NET_ERR_* code; constructors
 * return NULL. The state (momentum buffer, Adagrad sums, Adam moments) is
 * allocated by optim_create; optim_step never allocates.
 */
#ifndef RNNVIZ_OPTIM_H
#define RNNVIZ_OPTIM_H

#include <stddef.h>

#include "net.h"

typedef enum { OPTIM_SGD, OPTIM_MOMENTUM, OPTIM_ADAGRAD, OPTIM_ADAM } OptimKind;

#define OPTIM_KIND_COUNT 4

typedef struct {
    OptimKind kind;
    double lr;       /* > 0 */
    double momentum; /* momentum: mu in [0, 1) */
    double beta1;    /* adam: in [0, 1) */
    double beta2;    /* adam: in [0, 1) */
    double eps;      /* adagrad, adam: > 0 */
} OptimConfig;

typedef struct Optim Optim;

/* PyTorch's defaults for kind, with learning rate lr: momentum 0.9 (the
 * usual choice; torch's own default of 0 would be plain SGD), Adagrad eps
 * 1e-10, Adam betas (0.9, 0.999) and eps 1e-8. */
OptimConfig optim_default_config(OptimKind kind, double lr);

/* Checks the ranges above; fills err (when not NULL) and returns NET_ERR_ARG. */
int optim_config_check(const OptimConfig *cfg, NetError *err);

/* State for n scalars, zeroed. NULL (err filled) on a bad config or n == 0. */
Optim *optim_create(const OptimConfig *cfg, size_t n, NetError *err);
void optim_destroy(Optim *opt);
/* A copy of opt, its state included; NULL (err filled) when out of memory. */
Optim *optim_clone(const Optim *opt, NetError *err);
const OptimConfig *optim_config(const Optim *opt);
size_t optim_size(const Optim *opt);
/* Steps taken since create or reset. */
long optim_steps(const Optim *opt);

/* One update of params (n) from grads (n). Never allocates. */
void optim_step(Optim *opt, double *params, const double *grads);

/* Forgets the state (as a freshly created optimizer). */
void optim_reset(Optim *opt);

/* Changes the learning rate, keeping the state (NET_ERR_ARG unless > 0 and
 * finite). */
int optim_set_lr(Optim *opt, double lr);

/* The global Euclidean norm of grads (n), robust to overflow of the
 * squares; NaN if any element is NaN, +Inf if any is infinite. */
double optim_grad_norm(const double *grads, size_t n);

/* Gradient-norm clipping (torch.nn.utils.clip_grad_norm_): returns the
 * pre-clip global norm, and when norm > max_norm scales grads by
 * max_norm / norm. We omit PyTorch's "+ 1e-6" in that denominator, so the
 * post-clip norm is min(norm, max_norm) (up to one rounding), not slightly
 * below it. A non-finite norm leaves grads untouched and is returned as is;
 * max_norm <= 0 (or NaN) means clipping is off. */
double optim_clip_grad_norm(double *grads, size_t n, double max_norm);

/* "sgd", "momentum", "adagrad", "adam"; "unknown" otherwise. */
const char *optim_kind_name(OptimKind kind);
/* Exact lowercase names above; NET_ERR_ARG (out untouched) otherwise. */
int optim_kind_parse(const char *name, OptimKind *out);

#endif
