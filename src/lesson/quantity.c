#include "quantity.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "viewmodel.h"

static int no(char *msg, size_t cap, const char *why, const char *name)
{
    snprintf(msg, cap, why, name);
    return EXPR_ERR;
}

/* An index argument: an integer in [0, n). */
static bool index_ok(double v, int n, int *i)
{
    if (!(v >= 0 && v < n) || v != floor(v))
        return false;
    *i = (int)v;
    return true;
}

/* grad_h / grad_c / step_loss: [t] or (l, t). */
static int per_step(const ViewModel *vm, const char *name, const double *a, int n, double *out,
                    char *msg, size_t cap)
{
    int l = 0, t;
    if (n < 1 || n > 2 || (n == 2 && !index_ok(a[0], vm->L, &l)))
        return no(msg, cap, "'%s' takes a step [t] or a layer and a step (l, t) in range", name);
    if (!index_ok(a[n - 1], vm->T, &t)) {
        snprintf(msg, cap, "'%s': step %g is not in 0..%d", name, a[n - 1], vm->T - 1);
        return EXPR_ERR;
    }
    double v;
    if (!strcmp(name, "step_loss")) {
        v = vm->step[t].head_fwd ? vm->step[t].step_loss : NAN;
        if (isnan(v))
            return no(msg, cap, "'%s' is not known yet: run the forward pass", name);
    } else {
        const double *g = !strcmp(name, "grad_c") ? vm->grad_c : vm->grad_h;
        v = g ? g[l * vm->T + t] : NAN;
        if (isnan(v))
            return no(msg, cap, "'%s' is not known yet: run the backward pass", name);
    }
    *out = v;
    return EXPR_OK;
}

static int ratio(const ViewModel *vm, const double *a, int n, double *out, char *msg, size_t cap)
{
    if (n != 2 && n != 3)
        return no(msg, cap, "'%s' takes two steps (a, b), or a series and two steps (h, a, b)",
                  "ratio");
    const char *series = n == 3 && a[0] == 1 ? "grad_c" : "grad_h";
    double num, den;
    if (per_step(vm, series, a + n - 2, 1, &num, msg, cap) ||
        per_step(vm, series, a + n - 1, 1, &den, msg, cap))
        return EXPR_ERR;
    *out = num / den;
    return EXPR_OK;
}

static bool scalar(const ViewModel *vm, const char *name, double *out)
{
    const struct {
        const char *name;
        double v;
    } tab[] = {{"T", vm->T},
               {"L", vm->L},
               {"H", vm->H},
               {"I", vm->I},
               {"O", vm->O},
               {"B", vm->B},
               {"iteration", (double)vm->iteration},
               {"spectral_radius", vm->rho},
               {"rho", vm->rho},
               {"sigma_max", vm->sigma},
               {"h", 0},
               {"c", 1}};
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (!strcmp(name, tab[i].name)) {
            *out = tab[i].v;
            return true;
        }
    return false;
}

int quantity_lookup(void *ctx, const char *name, const double *args, int nargs, double *out,
                    char *msg, size_t cap)
{
    const ViewModel *vm = sess_view_model((const Session *)ctx);
    if (!strcmp(name, "grad_h") || !strcmp(name, "grad_c") || !strcmp(name, "step_loss"))
        return per_step(vm, name, args, nargs, out, msg, cap);
    if (!strcmp(name, "ratio"))
        return ratio(vm, args, nargs, out, msg, cap);
    if (nargs > 0)
        return no(msg, cap, "'%s' takes no arguments", name);
    if (!strcmp(name, "loss")) {
        *out = vm->any_loss ? vm->loss : vm->hist.last_loss;
        return isnan(*out) ? no(msg, cap, "'%s' is not known yet: run the forward pass", name) : 0;
    }
    if (!strcmp(name, "accuracy")) {
        *out = 100 * vm->hist.last_accuracy;
        return isnan(*out) ? no(msg, cap, "'%s' is not known yet: train first", name) : 0;
    }
    if (scalar(vm, name, out))
        return EXPR_OK;
    return no(msg, cap,
              "unknown quantity '%s' (known: T, L, H, I, O, B, iteration, loss, accuracy, "
              "spectral_radius, sigma_max, grad_h[t], grad_c[t], ratio(a, b), step_loss[t])",
              name);
}

int quantity_eval(const Expr *e, const Session *s, double *out, char *msg, size_t cap)
{
    return expr_eval(e, quantity_lookup, (void *)s, out, msg, cap);
}

void quantity_format(double v, char *out, size_t cap)
{
    if (isfinite(v) && v == floor(v) && fabs(v) < 1e9)
        snprintf(out, cap, "%.0f", v);
    else
        snprintf(out, cap, "%.3g", v);
}
