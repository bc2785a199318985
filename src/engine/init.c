#include "init.h"
#include "names.h"

#include <lapacke.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "spectral.h"

static const char *const scheme_names[INIT_SCHEME_COUNT] = {
    [INIT_UNIFORM] = "uniform",   [INIT_NORMAL] = "normal",       [INIT_ORTHOGONAL] = "orthogonal",
    [INIT_IDENTITY] = "identity", [INIT_UNIFORM01] = "uniform01",
};

const char *init_scheme_name(InitScheme s)
{
    return names_get(scheme_names, INIT_SCHEME_COUNT, (int)s);
}

int init_scheme_parse(const char *name, InitScheme *out)
{
    int i = names_find(scheme_names, INIT_SCHEME_COUNT, name);
    if (i < 0 || !out)
        return NET_ERR_ARG;
    *out = (InitScheme)i;
    return NET_OK;
}

/* Gate block g of layer l's W_hh: an (H, H) matrix, contiguous. */
static double *hh_block(Net *net, int l, int g)
{
    size_t H = (size_t)net_config(net)->hidden_size;
    return net_w_hh(net, l) + (size_t)g * H * H;
}

int init_set_spectral_radius(Net *net, double rho)
{
    if (!net || !isfinite(rho) || rho <= 0.0)
        return NET_ERR_ARG;
    const NetConfig *cfg = net_config(net);
    int H = cfg->hidden_size, L = cfg->num_layers, G = net_gate_count(cfg->cell);
    double radius[NET_MAX_LAYERS * 4];

    /* All radii first, so a bad block leaves every block unchanged. */
    for (int l = 0; l < L; l++) {
        for (int g = 0; g < G; g++) {
            double r = spectral_radius(hh_block(net, l, g), H);
            if (!isfinite(r) || r == 0.0)
                return NET_ERR_ARG;
            radius[l * G + g] = r;
        }
    }
    for (int l = 0; l < L; l++) {
        for (int g = 0; g < G; g++) {
            double *w = hh_block(net, l, g);
            double scale = rho / radius[l * G + g];
            for (size_t i = 0; i < (size_t)H * (size_t)H; i++)
                w[i] *= scale;
        }
    }
    return 0;
}

/* Every scalar from U[lo, hi), in net_param order, row-major. */
static void fill_uniform(Net *net, Rng *rng, double lo, double hi)
{
    double *p = net_params(net);
    for (int t = 0; t < net_param_count(net); t++) {
        const NetParam *par = net_param(net, t);
        size_t count = (size_t)par->rows * (size_t)par->cols;
        for (size_t i = 0; i < count; i++)
            p[par->offset + i] = rng_range(rng, lo, hi);
    }
}

/*
 * w (H, H) holds a Gaussian G. Replace it with Q of G = QR, each column j
 * multiplied by sign(R_jj): that makes the factorisation unique and Q
 * Haar-distributed (Mezzadri 2007). Then scale by rho.
 */
static int orthogonalize(double *w, int H, double rho)
{
    double tau[NET_MAX_SIZE], sign[NET_MAX_SIZE];
    lapack_int info = LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, H, H, w, H, tau);
    if (info != 0)
        return info < -1000 ? NET_ERR_NOMEM : NET_ERR_ARG;
    for (int j = 0; j < H; j++)
        sign[j] = w[(size_t)j * H + j] < 0.0 ? -rho : rho;
    info = LAPACKE_dorgqr(LAPACK_ROW_MAJOR, H, H, H, w, H, tau);
    if (info != 0)
        return info < -1000 ? NET_ERR_NOMEM : NET_ERR_ARG;
    for (int i = 0; i < H; i++)
        for (int j = 0; j < H; j++)
            w[(size_t)i * H + j] *= sign[j];
    return 0;
}

/* Step 2 of the sampling order: W_hh per scheme, block by block. */
static int fill_hh(Net *net, InitScheme scheme, double rho, Rng *rng)
{
    const NetConfig *cfg = net_config(net);
    int H = cfg->hidden_size, G = net_gate_count(cfg->cell);
    size_t HH = (size_t)H * (size_t)H;
    for (int l = 0; l < cfg->num_layers; l++) {
        for (int g = 0; g < G; g++) {
            double *w = hh_block(net, l, g);
            if (scheme == INIT_IDENTITY) {
                memset(w, 0, HH * sizeof *w);
                for (int i = 0; i < H; i++)
                    w[(size_t)i * H + i] = rho;
                continue;
            }
            for (size_t i = 0; i < HH; i++)
                w[i] = rng_normal(rng);
            if (scheme == INIT_ORTHOGONAL) {
                int rc = orthogonalize(w, H, rho);
                if (rc < 0)
                    return rc;
            }
        }
    }
    return 0;
}

int init_params(Net *net, const InitOptions *opt, Rng *rng)
{
    static const InitOptions defaults = {INIT_UNIFORM, 0.0, 0.0};
    if (!opt)
        opt = &defaults;
    if (!net || !rng || (int)opt->scheme < 0 || (int)opt->scheme >= INIT_SCHEME_COUNT ||
        !isfinite(opt->spectral_radius) || !isfinite(opt->forget_bias))
        return NET_ERR_ARG;
    const NetConfig *cfg = net_config(net);
    double rho = opt->spectral_radius > 0.0 ? opt->spectral_radius : 1.0;

    /* PyTorch's nn.RNN/GRU/LSTM and nn.Linear(H, O): bound 1/sqrt(H). */
    double k = 1.0 / sqrt((double)cfg->hidden_size);
    if (opt->scheme == INIT_UNIFORM01)
        fill_uniform(net, rng, 0.0, 1.0);
    else
        fill_uniform(net, rng, -k, k);
    if (opt->scheme != INIT_UNIFORM && opt->scheme != INIT_UNIFORM01) {
        int rc = fill_hh(net, opt->scheme, rho, rng);
        if (rc < 0)
            return rc;
    }
    /* Orthogonal and identity blocks already have radius rho exactly. */
    bool drawn_as_is = opt->scheme == INIT_UNIFORM || opt->scheme == INIT_UNIFORM01;
    if (opt->scheme == INIT_NORMAL || (drawn_as_is && opt->spectral_radius > 0.0)) {
        int rc = init_set_spectral_radius(net, rho);
        if (rc < 0)
            return rc;
    }
    /* Gate order i, f, g, o: the forget gate is block 1. */
    if (cfg->cell == NET_CELL_LSTM && opt->forget_bias != 0.0) {
        int H = cfg->hidden_size;
        for (int l = 0; l < cfg->num_layers; l++) {
            double *b = net_b_ih(net, l);
            for (int j = H; j < 2 * H; j++)
                b[j] += opt->forget_bias;
        }
    }
    return 0;
}
