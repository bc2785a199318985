#include "optim.h"
#include "names.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct Optim {
    OptimConfig cfg;
    size_t n;
    long t;     /* steps taken */
    double *s1; /* momentum buf, Adagrad sum or Adam m; (n) */
    double *s2; /* Adam v; (n) or NULL */
};

static const char *const kind_names[OPTIM_KIND_COUNT] = {"sgd", "momentum", "adagrad", "adam"};

OptimConfig optim_default_config(OptimKind kind, double lr)
{
    OptimConfig cfg = {
        .kind = kind,
        .lr = lr,
        .momentum = 0.9,
        .beta1 = 0.9,
        .beta2 = 0.999,
        .eps = kind == OPTIM_ADAGRAD ? 1e-10 : 1e-8,
    };
    return cfg;
}

static int fail(NetError *err, const char *what)
{
    if (err)
        snprintf(err->msg, sizeof err->msg, "optimizer: %s", what);
    return NET_ERR_ARG;
}

static bool in_unit(double v)
{
    return isfinite(v) && v >= 0.0 && v < 1.0;
}

int optim_config_check(const OptimConfig *cfg, NetError *err)
{
    if ((unsigned)cfg->kind >= OPTIM_KIND_COUNT)
        return fail(err, "unknown kind");
    if (!(isfinite(cfg->lr) && cfg->lr > 0.0))
        return fail(err, "learning rate must be a finite number > 0");
    if (cfg->kind == OPTIM_MOMENTUM && !in_unit(cfg->momentum))
        return fail(err, "momentum must be in [0, 1)");
    if (cfg->kind == OPTIM_ADAM && !(in_unit(cfg->beta1) && in_unit(cfg->beta2)))
        return fail(err, "betas must be in [0, 1)");
    if ((cfg->kind == OPTIM_ADAGRAD || cfg->kind == OPTIM_ADAM) &&
        !(isfinite(cfg->eps) && cfg->eps > 0.0))
        return fail(err, "eps must be a finite number > 0");
    return NET_OK;
}

Optim *optim_create(const OptimConfig *cfg, size_t n, NetError *err)
{
    if (optim_config_check(cfg, err) < 0)
        return NULL;
    if (n == 0) {
        fail(err, "no parameters");
        return NULL;
    }
    Optim *opt = calloc(1, sizeof *opt);
    if (!opt)
        goto out_nomem;
    opt->cfg = *cfg;
    opt->n = n;
    /* Plain SGD keeps no state; Adam keeps two moments. */
    if (cfg->kind != OPTIM_SGD) {
        opt->s1 = calloc(n, sizeof *opt->s1);
        if (!opt->s1)
            goto out_free_opt;
    }
    if (cfg->kind == OPTIM_ADAM) {
        opt->s2 = calloc(n, sizeof *opt->s2);
        if (!opt->s2)
            goto out_free_s1;
    }
    return opt;

out_free_s1:
    free(opt->s1);
out_free_opt:
    free(opt);
out_nomem:
    fail(err, "out of memory for the optimizer state");
    return NULL;
}

void optim_destroy(Optim *opt)
{
    if (!opt)
        return;
    free(opt->s1);
    free(opt->s2);
    free(opt);
}

Optim *optim_clone(const Optim *opt, NetError *err)
{
    Optim *c = optim_create(&opt->cfg, opt->n, err);
    if (!c)
        return NULL;
    c->t = opt->t;
    if (opt->s1)
        memcpy(c->s1, opt->s1, opt->n * sizeof *c->s1);
    if (opt->s2)
        memcpy(c->s2, opt->s2, opt->n * sizeof *c->s2);
    return c;
}

const OptimConfig *optim_config(const Optim *opt)
{
    return &opt->cfg;
}

size_t optim_size(const Optim *opt)
{
    return opt->n;
}

long optim_steps(const Optim *opt)
{
    return opt->t;
}

void optim_reset(Optim *opt)
{
    opt->t = 0;
    if (opt->s1)
        memset(opt->s1, 0, opt->n * sizeof *opt->s1);
    if (opt->s2)
        memset(opt->s2, 0, opt->n * sizeof *opt->s2);
}

int optim_set_lr(Optim *opt, double lr)
{
    if (!(isfinite(lr) && lr > 0.0))
        return NET_ERR_ARG;
    opt->cfg.lr = lr;
    return NET_OK;
}

static void step_sgd(const Optim *opt, double *p, const double *g)
{
    const double lr = opt->cfg.lr;
    for (size_t i = 0; i < opt->n; i++)
        p[i] -= lr * g[i];
}

static void step_momentum(Optim *opt, double *p, const double *g)
{
    const double lr = opt->cfg.lr, mu = opt->cfg.momentum;
    double *buf = opt->s1;
    for (size_t i = 0; i < opt->n; i++) {
        /* buf = g on the first step, as torch clones the gradient */
        buf[i] = opt->t == 1 ? g[i] : mu * buf[i] + g[i];
        p[i] -= lr * buf[i];
    }
}

static void step_adagrad(Optim *opt, double *p, const double *g)
{
    const double lr = opt->cfg.lr, eps = opt->cfg.eps;
    double *sum = opt->s1;
    for (size_t i = 0; i < opt->n; i++) {
        sum[i] += g[i] * g[i];
        p[i] -= lr * g[i] / (sqrt(sum[i]) + eps);
    }
}

static void step_adam(Optim *opt, double *p, const double *g)
{
    const double b1 = opt->cfg.beta1, b2 = opt->cfg.beta2, eps = opt->cfg.eps;
    const double t = (double)opt->t;
    /* PyTorch's form: the bias corrections go into the step size and the
     * denominator, not into m and v themselves. */
    const double step_size = opt->cfg.lr / (1.0 - pow(b1, t));
    const double bc2_sqrt = sqrt(1.0 - pow(b2, t));
    double *m = opt->s1, *v = opt->s2;
    for (size_t i = 0; i < opt->n; i++) {
        m[i] = b1 * m[i] + (1.0 - b1) * g[i];
        v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
        double denom = sqrt(v[i]) / bc2_sqrt + eps;
        p[i] -= step_size * m[i] / denom;
    }
}

void optim_step(Optim *opt, double *params, const double *grads)
{
    opt->t++;
    switch (opt->cfg.kind) {
    case OPTIM_SGD:
        step_sgd(opt, params, grads);
        break;
    case OPTIM_MOMENTUM:
        step_momentum(opt, params, grads);
        break;
    case OPTIM_ADAGRAD:
        step_adagrad(opt, params, grads);
        break;
    case OPTIM_ADAM:
        step_adam(opt, params, grads);
        break;
    }
}

/* sqrt(sum g^2) with the squares scaled by the largest magnitude, for the
 * rare finite gradients whose squares overflow. */
static double scaled_norm(const double *g, size_t n)
{
    double amax = 0.0;
    for (size_t i = 0; i < n; i++)
        amax = fmax(amax, fabs(g[i]));
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        double r = g[i] / amax;
        sum += r * r;
    }
    return amax * sqrt(sum);
}

double optim_grad_norm(const double *grads, size_t n)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += grads[i] * grads[i];
    if (!isinf(sum))
        return sqrt(sum); /* also NaN when any element is NaN */
    for (size_t i = 0; i < n; i++) {
        if (isinf(grads[i]))
            return INFINITY;
    }
    return scaled_norm(grads, n);
}

double optim_clip_grad_norm(double *grads, size_t n, double max_norm)
{
    double norm = optim_grad_norm(grads, n);
    if (!isfinite(norm) || !(max_norm > 0.0) || !(norm > max_norm))
        return norm;
    /* torch divides by (norm + 1e-6); we do not, see the header. */
    double scale = max_norm / norm;
    for (size_t i = 0; i < n; i++)
        grads[i] *= scale;
    return norm;
}

const char *optim_kind_name(OptimKind kind)
{
    return names_get(kind_names, OPTIM_KIND_COUNT, (int)kind);
}

int optim_kind_parse(const char *name, OptimKind *out)
{
    int i = names_find(kind_names, OPTIM_KIND_COUNT, name);
    if (i < 0 || !out)
        return NET_ERR_ARG;
    *out = (OptimKind)i;
    return NET_OK;
}
