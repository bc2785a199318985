#include "controls.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"

static const struct {
    const char *label, *key;
    const char *steps; /* the values a notch moves through, space-separated */
} table[CTL_COUNT] = {
    [CTL_CELL] = {"cell", "cell", "rnn gru lstm"},
    [CTL_NONLINEARITY] = {"nonlinearity", "nonlinearity", "tanh relu"},
    [CTL_TASK] = {"task", "task", "mod3 sine adding copy text noise"},
    [CTL_STEPS] = {"steps T", "steps", "3 5 10 20 30 40 50 75 100"},
    [CTL_HIDDEN] = {"hidden H", "hidden", "2 4 8 10 16 32 64 128 256"},
    [CTL_LAYERS] = {"layers L", "layers", "1 2 3 4"},
    [CTL_BATCH] = {"batch B", "batch", "1 2 4 8 16 32"},
    [CTL_SPECTRAL_RADIUS] = {"spectral radius ρ", "spectral_radius", NULL},
    [CTL_INIT] = {"init", "init", "uniform normal orthogonal identity"},
    [CTL_FORGET_BIAS] = {"forget bias (LSTM)", "forget_bias", "0 0.5 1 2 3 5"},
    [CTL_LEARNING_RATE] = {"learning rate", "learning_rate",
                           "0.001 0.003 0.01 0.03 0.1 0.3 1 3 10"},
    [CTL_OPTIMIZER] = {"optimizer", "optimizer", "sgd momentum adagrad adam"},
    [CTL_CLIP] = {"clip ‖∇‖", "clip", "0 0.1 0.5 1 5 10 100"},
    [CTL_ORDER] = {"order", "order", "time layer"},
    [CTL_SEED] = {"seed", "seed", NULL},
};

const char *ctl_label(Control c)
{
    return (unsigned)c < CTL_COUNT ? table[c].label : "?";
}

const char *ctl_key(Control c)
{
    return (unsigned)c < CTL_COUNT ? table[c].key : "?";
}

double ctl_rho(const Session *s)
{
    return sess_spectral_radius(s, 0);
}

void ctl_value(const Session *s, Control c, char *out, size_t cap)
{
    if (c == CTL_SPECTRAL_RADIUS) {
        snprintf(out, cap, "%.3g", ctl_rho(s));
        return;
    }
    if (settings_get(sess_settings(s), ctl_key(c), out, cap))
        snprintf(out, cap, "?");
    if (c == CTL_CLIP && !strcmp(out, "0"))
        snprintf(out, cap, "off");
}

/* Index of the notch at or below v in a numeric list, -1 below the first. */
static int notch_of(const char *steps, const char *value, int *count)
{
    char buf[160];
    snprintf(buf, sizeof buf, "%s", steps);
    int i = 0, at = -1;
    double v;
    char *end;
    v = strtod(value, &end);
    bool numeric = *end == '\0' && end != value;
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " "), i++) {
        if (numeric ? strtod(tok, NULL) <= v + 1e-12 : !strcmp(tok, value))
            at = i;
    }
    *count = i;
    return at;
}

static void notch(const char *steps, int k, char *out, size_t cap)
{
    char buf[160];
    snprintf(buf, sizeof buf, "%s", steps);
    int i = 0;
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " "), i++)
        if (i == k)
            snprintf(out, cap, "%s", tok);
}

double ctl_rho_to_unit(double rho)
{
    return (log(rho) - log(CTL_RHO_MIN)) / (log(CTL_RHO_MAX) - log(CTL_RHO_MIN));
}

double ctl_unit_to_rho(double u)
{
    u = u < 0 ? 0 : u > 1 ? 1 : u;
    return exp(log(CTL_RHO_MIN) + u * (log(CTL_RHO_MAX) - log(CTL_RHO_MIN)));
}

int ctl_set_rho(Session *s, double rho, char *msg, size_t cap)
{
    char v[32];
    rho = fmin(CTL_RHO_MAX, fmax(CTL_RHO_MIN, rho));
    snprintf(v, sizeof v, "%.4g", rho);
    return sess_set(s, "spectral_radius", v, msg, cap);
}

int ctl_nudge(Session *s, Control c, int dir, char *msg, size_t cap)
{
    char cur[64], next[64];
    if ((unsigned)c >= CTL_COUNT) {
        snprintf(msg, cap, "no such control");
        return -1;
    }
    if (c == CTL_SPECTRAL_RADIUS)
        return ctl_set_rho(s, ctl_rho(s) * (dir > 0 ? 1.1 : 1 / 1.1), msg, cap);
    settings_get(sess_settings(s), ctl_key(c), cur, sizeof cur);
    if (c == CTL_SEED) {
        unsigned long long seed = strtoull(cur, NULL, 10);
        snprintf(next, sizeof next, "%llu", dir > 0 ? seed + 1 : seed > 0 ? seed - 1 : 0);
        return sess_set(s, ctl_key(c), next, msg, cap);
    }
    int n, at = notch_of(table[c].steps, cur, &n);
    bool cyclic = !isdigit((unsigned char)table[c].steps[0]);
    int k = at + (dir > 0 ? 1 : -1);
    if (cyclic)
        k = ((at < 0 ? 0 : k) % n + n) % n;
    else if (at >= 0 && dir < 0 && strtod(cur, NULL) > 0) {
        /* a value between notches steps down to the notch below it */
        char below[64];
        notch(table[c].steps, at, below, sizeof below);
        if (strtod(below, NULL) < strtod(cur, NULL) - 1e-12)
            k = at;
    }
    if (k < 0 || k >= n)
        return 0; /* at the end of the range: nothing to do */
    notch(table[c].steps, k, next, sizeof next);
    return sess_set(s, ctl_key(c), next, msg, cap);
}
