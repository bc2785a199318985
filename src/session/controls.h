/*
 * The settings drawer's controls: which settings the window lets people
 * change with a click, and the values each one steps through. Every change
 * goes through sess_set, so a structural change rebuilds the network and
 * says so, and a refused one keeps the previous state.
 */
#ifndef RNNVIZ_CONTROLS_H
#define RNNVIZ_CONTROLS_H

#include <stdbool.h>
#include <stddef.h>

#include "session.h"

typedef enum {
    CTL_CELL,
    CTL_NONLINEARITY,
    CTL_TASK,
    CTL_STEPS,
    CTL_HIDDEN,
    CTL_LAYERS,
    CTL_BATCH,
    CTL_SPECTRAL_RADIUS,
    CTL_INIT,
    CTL_FORGET_BIAS,
    CTL_LEARNING_RATE,
    CTL_OPTIMIZER,
    CTL_CLIP,
    CTL_ORDER,
    CTL_SEED,
    CTL_COUNT
} Control;

/* Spectral radius slider range (log scale). */
#define CTL_RHO_MIN 0.1
#define CTL_RHO_MAX 3.0

const char *ctl_label(Control c); /* "spectral radius ρ" */
const char *ctl_key(Control c);   /* the settings key: "spectral_radius" */
/* The current value for display ("0.8", "off", "LSTM"). */
void ctl_value(const Session *s, Control c, char *out, size_t cap);
/* One notch down (dir < 0) or up (dir > 0); 0 or an error with msg. */
int ctl_nudge(Session *s, Control c, int dir, char *msg, size_t cap);

/* Slider position in [0, 1] of a spectral radius, and back (log scale). */
double ctl_rho_to_unit(double rho);
double ctl_unit_to_rho(double u);
/* The current spectral radius of layer 0's W_hh (what the slider shows). */
double ctl_rho(const Session *s);
int ctl_set_rho(Session *s, double rho, char *msg, size_t cap);

#endif
