/*
 * Initialisers of a network's parameters, and rescaling of the recurrent
 * matrices to a chosen spectral radius (the knob that moves a tanh RNN
 * between vanishing and exploding gradients).
 *
 * Shapes: H hidden, L layers, G gate blocks per layer (rnn 1, gru 3,
 * lstm 4). W_hh of layer l is (G*H, H); its gate block g is rows
 * g*H..(g+1)*H-1, an (H, H) matrix stored contiguously.
 *
 * Sampling order (fixed; the same seed gives the same parameters bitwise):
 *   1. Every parameter tensor in net_param order (k = 0..net_param_count-1),
 *      each row-major, one rng_range(-1/sqrt(H), 1/sqrt(H)) draw per scalar.
 *      This is the whole of INIT_UNIFORM, and it happens for every scheme
 *      but INIT_UNIFORM01, so W_ih, the biases and the head are the same for
 *      those. INIT_UNIFORM01 instead draws one rng_uniform ([0, 1)) per
 *      scalar in the same order, and that is all of it.
 *   2. INIT_NORMAL and INIT_ORTHOGONAL then overwrite W_hh: for l = 0..L-1,
 *      for g = 0..G-1, H*H rng_normal draws row-major into block g.
 *      INIT_IDENTITY draws nothing more.
 *   3. Rescaling and the forget bias use no random numbers.
 *
 * Conventions: actions return 0 or a negative NET_ERR_* code. Arguments are
 * checked before anything is written, so a refused call leaves the network
 * untouched. These functions allocate scratch (through LAPACKE) and are
 * never called from forward/backward. They change parameters only: the
 * caller starts the pass again (net_reset_pass) to see their effect.
 */
#ifndef RNNVIZ_INIT_H
#define RNNVIZ_INIT_H

#include "net.h"
#include "rng.h"

typedef enum {
    INIT_UNIFORM,    /* PyTorch default: every param (also head) ~ U(-1/sqrt(H), 1/sqrt(H)) */
    INIT_NORMAL,     /* each W_hh block N(0,1), then rescaled to the spectral radius */
    INIT_ORTHOGONAL, /* each W_hh block orthogonal (QR of a Gaussian, sign-fixed by
                        diag(R), Haar distributed) times rho */
    INIT_IDENTITY,   /* IRNN (Le et al. 2015): each W_hh block rho * I */
    INIT_UNIFORM01,  /* every param (also biases and head) ~ U[0, 1), as np.random.random
                        in the NumPy forward-loop example: every pre-activation is large */
} InitScheme;

#define INIT_SCHEME_COUNT 5

typedef struct {
    InitScheme scheme;
    /* > 0: every W_hh block gets this spectral radius (all schemes).
     * <= 0: INIT_UNIFORM and INIT_UNIFORM01 leave W_hh as drawn; the other
     * schemes use 1. */
    double spectral_radius;
    /* lstm: added to b_ih's forget block (rows H..2H-1) after init; 0 = none.
     * Ignored for rnn and gru, which have no forget gate. */
    double forget_bias;
} InitOptions;

/* Fills every parameter from rng in the order above. opt NULL means
 * { INIT_UNIFORM, 0, 0 }. NET_ERR_ARG (nothing written, rng not advanced)
 * for an unknown scheme or a non-finite spectral_radius or forget_bias.
 * Only after the draws can it still fail: a drawn W_hh block of spectral
 * radius 0 that is to be rescaled (NET_ERR_ARG; W_hh left as drawn, no
 * forget bias) or scratch memory running out (NET_ERR_NOMEM). */
int init_params(Net *net, const InitOptions *opt, Rng *rng);

/* Scales every W_hh gate block of every layer by rho / (its spectral
 * radius), so each block's radius becomes rho. NET_ERR_ARG when rho is not
 * finite and > 0, or when any block's radius is 0 or not finite; then no
 * block is changed. */
int init_set_spectral_radius(Net *net, double rho);

/* "uniform", "normal", "orthogonal", "identity", "uniform01"; "unknown" otherwise. */
const char *init_scheme_name(InitScheme s);
/* Exact lowercase names above; NET_ERR_ARG (out untouched) otherwise. */
int init_scheme_parse(const char *name, InitScheme *out);

#endif
