/*
 * Numbers the plots and loss boxes show that the engine does not keep as
 * such: the per-step backward gain of the propagated part of the state
 * gradient, its running product from T-1 down, whether sigma_max^(T-1-t)
 * is a bound here, and each row's own loss.
 */
#include <math.h>

#include "la.h"
#include "vm_parts.h"

/* ||[a; b]|| of two (B, H) buffers (b may be NULL). */
static double norm2(const double *a, const double *b, size_t n)
{
    double x = la_norm(a, n), y = b ? la_norm(b, n) : 0;
    return sqrt(x * x + y * y);
}

/* gain_t = ||(ds_{t+1}/ds_t)^T g_{t+1}|| / ||g_{t+1}||: g_{t+1} is the
 * gradient of the state s_{t+1} = h (and c) entering step t+1's backward,
 * the result is what that backward sent to step t. */
static double gain_at(const Net *net, int l, int t, size_t BH)
{
    NetOp op = {NET_OP_BACKWARD, l, t + 1};
    if (!net_op_done(net, op))
        return NAN;
    bool lstm = net_config(net)->cell == NET_CELL_LSTM;
    double in = norm2(net_dh(net, l, t + 1), lstm ? net_dc_next(net, l, t + 1) : NULL, BH);
    double out = norm2(net_dh_next(net, l, t), lstm ? net_dc_next(net, l, t) : NULL, BH);
    return in > 0 ? out / in : NAN;
}

/* One layer, an RNN, one loss and it at the last step: then each step back
 * multiplies ||dL/dh|| by at most |act'| sigma_max <= sigma_max. */
static bool sigma_is_bound(const ViewModel *vm, const Net *net)
{
    if (vm->cell != VM_CELL_RNN || vm->L != 1 || !net_has_target(net, vm->T - 1))
        return false;
    for (int t = 0; t < vm->T - 1; t++)
        if (net_has_target(net, t))
            return false;
    return true;
}

void vm_fill_gains(ViewModel *vm, const Net *net)
{
    int T = vm->T;
    size_t BH = (size_t)vm->B * vm->H;
    for (int l = 0; l < vm->L; l++) {
        double *g = vm->gain + l * T, *p = vm->gain_prod + l * T;
        g[T - 1] = NAN;
        p[T - 1] = net_op_done(net, (NetOp){NET_OP_BACKWARD, l, T - 1}) ? 1.0 : NAN;
        for (int t = T - 2; t >= 0; t--) {
            g[t] = gain_at(net, l, t, BH);
            p[t] = p[t + 1] * g[t];
        }
    }
    vm->sigma_bounds = sigma_is_bound(vm, net);
}

/* log(sum exp y) - y[k], without overflow */
static double ce_loss(const double *y, int O, int k)
{
    double m = y[0], s = 0;
    for (int i = 1; i < O; i++)
        m = fmax(m, y[i]);
    for (int i = 0; i < O; i++)
        s += exp(y[i] - m);
    return m + log(s) - y[k];
}

void vm_fill_row_loss(ViewModel *vm, const Net *net, int t)
{
    VmStep *st = &vm->step[t];
    int b = vm->row, O = vm->O;
    st->row_loss = st->p_target = NAN;
    if (!st->has_target || !st->head_fwd)
        return;
    const double *y = net_y(net, t) + (size_t)b * O;
    if (vm->ce) {
        int k = net_target_class(net, t)[b];
        st->row_loss = ce_loss(y, O, k);
        st->p_target = net_prob(net, t)[(size_t)b * O + k];
        return;
    }
    const double *yt = net_target_vec(net, t) + (size_t)b * O;
    double s = 0;
    for (int i = 0; i < O; i++)
        s += 0.5 * (y[i] - yt[i]) * (y[i] - yt[i]);
    st->row_loss = s;
}
