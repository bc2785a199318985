/* Initialisers: the documented sampling order, determinism, bounds, each
 * scheme's W_hh, spectral-radius rescaling, the LSTM forget bias, and
 * refused arguments leaving the network untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "init.h"
#include "net.h"
#include "rng.h"
#include "spectral.h"

static const NetCell cells[3] = {NET_CELL_RNN, NET_CELL_GRU, NET_CELL_LSTM};

static Net *make_net(NetCell cell, int I, int H, int L, int O, bool bias_hh)
{
    NetConfig cfg = {
        .cell = cell,
        .act = NET_ACT_TANH,
        .input_size = I,
        .hidden_size = H,
        .num_layers = L,
        .output_size = O,
        .loss = NET_LOSS_MSE,
        .targets = NET_TARGETS_ALL,
        .bias_hh = bias_hh,
        .max_batch = 1,
        .max_steps = 2,
    };
    NetError err = {{0}};
    Net *net = net_create(&cfg, &err);
    if (!net)
        fail_msg("net_create(%s, H=%d): %s", net_cell_name(cell), H, err.msg);
    return net;
}

static double *copy_params(Net *net)
{
    size_t n = net_num_params(net);
    double *p = malloc(n * sizeof *p);
    assert_non_null(p);
    memcpy(p, net_params(net), n * sizeof *p);
    return p;
}

static bool is_hh(const NetParam *p)
{
    return strncmp(p->name, "weight_hh_l", 11) == 0;
}

/* Bitwise comparison of every tensor except W_hh; reports the first miss. */
static void expect_same_except_hh(Net *net, const double *a, const double *b)
{
    for (int k = 0; k < net_param_count(net); k++) {
        const NetParam *p = net_param(net, k);
        if (is_hh(p))
            continue;
        for (size_t i = 0; i < (size_t)p->rows * (size_t)p->cols; i++)
            if (memcmp(&a[p->offset + i], &b[p->offset + i], sizeof *a) != 0)
                fail_msg("%s[%zu]: %.17g != %.17g", p->name, i, a[p->offset + i], b[p->offset + i]);
    }
}

static double *block(Net *net, int l, int g)
{
    int H = net_config(net)->hidden_size;
    return net_w_hh(net, l) + (size_t)g * H * H;
}

static void expect_block_radius(Net *net, double rho, double tol, const char *what)
{
    const NetConfig *cfg = net_config(net);
    for (int l = 0; l < cfg->num_layers; l++)
        for (int g = 0; g < net_gate_count(cfg->cell); g++) {
            double r = spectral_radius(block(net, l, g), cfg->hidden_size);
            if (!(fabs(r - rho) <= tol))
                fail_msg("%s %s layer %d block %d: radius %.17g, want %.17g", what,
                         net_cell_name(cfg->cell), l, g, r, rho);
        }
}

static void test_scheme_names(void **state)
{
    (void)state;
    const char *names[5] = {"uniform", "normal", "orthogonal", "identity", "uniform01"};
    for (int s = 0; s < INIT_SCHEME_COUNT; s++) {
        InitScheme out = (InitScheme)99;
        assert_string_equal(init_scheme_name((InitScheme)s), names[s]);
        assert_int_equal(init_scheme_parse(names[s], &out), 0);
        assert_int_equal(out, s);
    }
    assert_string_equal(init_scheme_name((InitScheme)99), "unknown");
    const char *bad[4] = {"Uniform", "xavier", "", "orthogonal "};
    for (int i = 0; i < 4; i++) {
        InitScheme out = INIT_IDENTITY;
        assert_int_equal(init_scheme_parse(bad[i], &out), NET_ERR_ARG);
        assert_int_equal(out, INIT_IDENTITY);
    }
    InitScheme out = INIT_NORMAL;
    assert_int_equal(init_scheme_parse(NULL, &out), NET_ERR_ARG);
    assert_int_equal(init_scheme_parse("normal", NULL), NET_ERR_ARG);
}

/* The header's order: every tensor in net_param order, row-major, one
 * rng_range(-1/sqrt(H), 1/sqrt(H)) each; also the head (bound from H, not
 * from in = I, which differs here). */
static void test_uniform_order_and_bounds(void **state)
{
    (void)state;
    for (int c = 0; c < 3; c++) {
        int H = 16;
        Net *net = make_net(cells[c], 7, H, 2, 3, true);
        Rng rng, ref;
        rng_seed(&rng, 7);
        rng_seed(&ref, 7);
        InitOptions opt = {INIT_UNIFORM, 0.0, 0.0};
        assert_int_equal(init_params(net, &opt, &rng), 0);
        double k = 1.0 / sqrt((double)H);
        const double *p = net_params(net);
        double lo = 1, hi = -1;
        for (int t = 0; t < net_param_count(net); t++) {
            const NetParam *par = net_param(net, t);
            for (size_t i = 0; i < (size_t)par->rows * (size_t)par->cols; i++) {
                double want = rng_range(&ref, -k, k), got = p[par->offset + i];
                if (memcmp(&want, &got, sizeof got) != 0)
                    fail_msg("%s %s[%zu]: %.17g, want %.17g", net_cell_name(cells[c]), par->name, i,
                             got, want);
                if (!(got >= -k && got < k))
                    fail_msg("%s[%zu] = %.17g outside [-%g, %g)", par->name, i, got, k, k);
                lo = fmin(lo, got);
                hi = fmax(hi, got);
            }
        }
        /* Thousands of draws fill the interval. */
        assert_true(lo < -0.95 * k && hi > 0.95 * k);
        /* Exactly one draw per scalar: both generators are in step. */
        assert_memory_equal(&rng, &ref, sizeof rng);
        /* opt NULL is the same as uniform with no rescaling. */
        double *keep = copy_params(net);
        rng_seed(&rng, 7);
        assert_int_equal(init_params(net, NULL, &rng), 0);
        assert_memory_equal(keep, net_params(net), net_num_params(net) * sizeof *keep);
        free(keep);
        net_destroy(net);
    }
}

/* uniform01: every scalar, biases and head too, is one rng_uniform draw in
 * net_param order, so all lie in [0, 1) (np.random.random); a spectral
 * radius > 0 rescales W_hh only. */
static void test_uniform01(void **state)
{
    (void)state;
    for (int c = 0; c < 3; c++) {
        Net *net = make_net(cells[c], 5, 12, 2, 3, true);
        Rng rng, ref;
        rng_seed(&rng, 11);
        rng_seed(&ref, 11);
        InitOptions opt = {INIT_UNIFORM01, 0.0, 0.0};
        assert_int_equal(init_params(net, &opt, &rng), 0);
        const double *p = net_params(net);
        double lo = 1, hi = 0;
        for (size_t i = 0; i < net_num_params(net); i++) {
            double want = rng_uniform(&ref);
            if (memcmp(&want, &p[i], sizeof want) != 0)
                fail_msg("%s param %zu: %.17g, want %.17g", net_cell_name(cells[c]), i, p[i], want);
            lo = fmin(lo, p[i]);
            hi = fmax(hi, p[i]);
        }
        assert_true(lo >= 0.0 && lo < 0.01 && hi < 1.0 && hi > 0.99);
        assert_memory_equal(&rng, &ref, sizeof rng);
        double *keep = copy_params(net);
        opt.spectral_radius = 0.5;
        rng_seed(&rng, 11);
        assert_int_equal(init_params(net, &opt, &rng), 0);
        expect_same_except_hh(net, keep, net_params(net));
        expect_block_radius(net, 0.5, 1e-9, "uniform01");
        free(keep);
        net_destroy(net);
    }
}

/* Same seed: bitwise the same; another seed: every random entry differs. */
static void test_determinism(void **state)
{
    (void)state;
    for (int c = 0; c < 3; c++) {
        for (int s = 0; s < INIT_SCHEME_COUNT; s++) {
            InitOptions opt = {(InitScheme)s, 0.9, cells[c] == NET_CELL_LSTM ? 1.0 : 0.0};
            Net *a = make_net(cells[c], 3, 5, 2, 2, true),
                *b = make_net(cells[c], 3, 5, 2, 2, true);
            Rng ra, rb;
            rng_seed(&ra, 42);
            rng_seed(&rb, 42);
            assert_int_equal(init_params(a, &opt, &ra), 0);
            assert_int_equal(init_params(b, &opt, &rb), 0);
            assert_memory_equal(net_params(a), net_params(b), net_num_params(a) * sizeof(double));
            rng_seed(&rb, 43);
            assert_int_equal(init_params(b, &opt, &rb), 0);
            const double *pa = net_params(a), *pb = net_params(b);
            for (int k = 0; k < net_param_count(a); k++) {
                const NetParam *p = net_param(a, k);
                /* identity W_hh is not random: equal for every seed */
                bool random = !(is_hh(p) && s == INIT_IDENTITY);
                for (size_t i = 0; i < (size_t)p->rows * (size_t)p->cols; i++) {
                    bool same = pa[p->offset + i] == pb[p->offset + i];
                    if (random == same)
                        fail_msg("%s %s %s[%zu]: seeds 42 and 43 give %.17g and %.17g",
                                 net_cell_name(cells[c]), init_scheme_name((InitScheme)s), p->name,
                                 i, pa[p->offset + i], pb[p->offset + i]);
                }
            }
            net_destroy(a);
            net_destroy(b);
        }
    }
}

/* Only W_hh depends on the scheme: the rest is the uniform pass. */
static void test_schemes_share_other_params(void **state)
{
    (void)state;
    for (int c = 0; c < 3; c++) {
        Net *net = make_net(cells[c], 4, 6, 2, 3, true);
        Rng rng;
        rng_seed(&rng, 5);
        assert_int_equal(init_params(net, NULL, &rng), 0);
        double *uni = copy_params(net);
        for (int s = 1; s < INIT_UNIFORM01; s++) { /* uniform01 redraws everything */
            InitOptions opt = {(InitScheme)s, 0.0, 0.0};
            rng_seed(&rng, 5);
            assert_int_equal(init_params(net, &opt, &rng), 0);
            expect_same_except_hh(net, uni, net_params(net));
            /* ...and W_hh did change (its first (H, H) block, H = 6). */
            assert_memory_not_equal(uni + net_param_find(net, "weight_hh_l0")->offset,
                                    net_w_hh(net, 0), 6 * 6 * sizeof(double));
        }
        free(uni);
        net_destroy(net);
    }
}

/* After init_set_spectral_radius(rho) every block has radius rho, is a
 * pure rescaling of what it was, and nothing else moved. */
static void test_set_spectral_radius(void **state)
{
    (void)state;
    const double rhos[3] = {0.5, 1.0, 1.8};
    int checked = 0;
    for (int c = 0; c < 3; c++) {
        for (uint64_t seed = 1; seed <= 25; seed++) {
            for (int r = 0; r < 3; r++) {
                int H = 8;
                Net *net = make_net(cells[c], 3, H, 2, 2, true);
                Rng rng;
                rng_seed(&rng, seed);
                assert_int_equal(init_params(net, NULL, &rng), 0);
                double *before = copy_params(net);
                assert_int_equal(init_set_spectral_radius(net, rhos[r]), 0);
                expect_block_radius(net, rhos[r], 1e-9, "set_spectral_radius");
                expect_same_except_hh(net, before, net_params(net));
                for (int l = 0; l < 2; l++) {
                    const char *name = l ? "weight_hh_l1" : "weight_hh_l0";
                    for (int g = 0; g < net_gate_count(cells[c]); g++) {
                        const double *w = block(net, l, g);
                        const double *w0 =
                            before + net_param_find(net, name)->offset + (size_t)g * H * H;
                        double ratio = w[0] / w0[0];
                        for (int i = 0; i < H * H; i++)
                            if (fabs(w[i] - ratio * w0[i]) > 1e-15 * fabs(w[i]))
                                fail_msg("layer %d block %d [%d]: %.17g is not %.17g * %.17g", l, g,
                                         i, w[i], ratio, w0[i]);
                        checked++;
                    }
                }
                /* The same through init_params' option: bitwise equal. */
                double *after = copy_params(net);
                InitOptions opt = {INIT_UNIFORM, rhos[r], 0.0};
                rng_seed(&rng, seed);
                assert_int_equal(init_params(net, &opt, &rng), 0);
                assert_memory_equal(after, net_params(net), net_num_params(net) * sizeof *after);
                free(after);
                free(before);
                net_destroy(net);
            }
        }
    }
    assert_int_equal(checked, 3 * 25 * 2 * (1 + 3 + 4));
}

/* Re-draws the Gaussian of block (l, g) in the documented order: first one
 * uniform per parameter scalar, then H*H normals per block, layer-major. */
static void gaussian_block(Net *net, uint64_t seed, int l, int g, double *out)
{
    const NetConfig *cfg = net_config(net);
    int H = cfg->hidden_size, G = net_gate_count(cfg->cell);
    Rng rng;
    rng_seed(&rng, seed);
    for (size_t i = 0; i < net_num_params(net); i++)
        (void)rng_uniform(&rng);
    for (int b = 0; b <= l * G + g; b++)
        for (int i = 0; i < H * H; i++)
            out[i] = rng_normal(&rng);
}

static void test_normal(void **state)
{
    (void)state;
    enum { H = 6 };
    const double rhos[3] = {0.0, 0.7, 1.3};
    for (int c = 0; c < 3; c++) {
        for (int r = 0; r < 3; r++) {
            Net *net = make_net(cells[c], 2, H, 2, 2, true);
            Rng rng;
            rng_seed(&rng, 11);
            InitOptions opt = {INIT_NORMAL, rhos[r], 0.0};
            assert_int_equal(init_params(net, &opt, &rng), 0);
            double want = rhos[r] > 0 ? rhos[r] : 1.0;
            expect_block_radius(net, want, 1e-9, "normal");
            for (int l = 0; l < 2; l++) {
                for (int g = 0; g < net_gate_count(cells[c]); g++) {
                    double gauss[H * H];
                    gaussian_block(net, 11, l, g, gauss);
                    double scale = want / spectral_radius(gauss, H);
                    const double *w = block(net, l, g);
                    for (int i = 0; i < H * H; i++)
                        if (fabs(w[i] - scale * gauss[i]) > 1e-14 * fabs(w[i]))
                            fail_msg("normal layer %d block %d [%d]: %.17g, want %.17g", l, g, i,
                                     w[i], scale * gauss[i]);
                }
            }
            net_destroy(net);
        }
    }
}

/* Q^T Q = Q Q^T = I, and R = Q^T G (G re-drawn) is upper triangular with a
 * positive diagonal: Q is the sign-fixed QR factor of the documented
 * Gaussian. With rho, the block is rho Q. */
static void test_orthogonal(void **state)
{
    (void)state;
    enum { H = 7 };
    for (int c = 0; c < 3; c++) {
        Net *net = make_net(cells[c], 3, H, 2, 2, true);
        Rng rng;
        rng_seed(&rng, 3);
        InitOptions opt = {INIT_ORTHOGONAL, 0.0, 0.0};
        assert_int_equal(init_params(net, &opt, &rng), 0);
        double *q1 = copy_params(net);
        for (int l = 0; l < 2; l++) {
            for (int g = 0; g < net_gate_count(cells[c]); g++) {
                const double *q = block(net, l, g);
                double gauss[H * H];
                gaussian_block(net, 3, l, g, gauss);
                for (int i = 0; i < H; i++) {
                    for (int j = 0; j < H; j++) {
                        double qtq = 0, qqt = 0, rij = 0;
                        for (int k = 0; k < H; k++) {
                            qtq += q[k * H + i] * q[k * H + j];
                            qqt += q[i * H + k] * q[j * H + k];
                            rij += q[k * H + i] * gauss[k * H + j];
                        }
                        double eye = i == j ? 1.0 : 0.0;
                        if (fabs(qtq - eye) > 1e-12 || fabs(qqt - eye) > 1e-12)
                            fail_msg("layer %d block %d: (Q^T Q)[%d][%d] = %.17g, (Q Q^T) = %.17g",
                                     l, g, i, j, qtq, qqt);
                        if (i > j && fabs(rij) > 1e-12)
                            fail_msg("R[%d][%d] = %.3g below the diagonal", i, j, rij);
                        if (i == j && !(rij > 0))
                            fail_msg("R[%d][%d] = %.17g is not positive", i, i, rij);
                    }
                }
            }
        }
        expect_block_radius(net, 1.0, 1e-12, "orthogonal");

        rng_seed(&rng, 3);
        opt.spectral_radius = 1.8;
        assert_int_equal(init_params(net, &opt, &rng), 0);
        expect_block_radius(net, 1.8, 1e-9, "orthogonal rho 1.8");
        const double *w = net_params(net);
        for (int k = 0; k < net_param_count(net); k++) {
            const NetParam *p = net_param(net, k);
            for (size_t i = 0; is_hh(p) && i < (size_t)p->rows * H; i++)
                assert_true(fabs(w[p->offset + i] - 1.8 * q1[p->offset + i]) <=
                            1e-15 * fabs(w[p->offset + i]));
        }
        expect_same_except_hh(net, q1, net_params(net));
        free(q1);
        net_destroy(net);
    }
}

static void test_identity(void **state)
{
    (void)state;
    const double rhos[2] = {-1.0, 0.9};
    for (int c = 0; c < 3; c++) {
        for (int r = 0; r < 2; r++) {
            int H = 5;
            Net *net = make_net(cells[c], 3, H, 3, 2, true);
            Rng rng;
            rng_seed(&rng, 9);
            InitOptions opt = {INIT_IDENTITY, rhos[r], 0.0};
            assert_int_equal(init_params(net, &opt, &rng), 0);
            double want = rhos[r] > 0 ? rhos[r] : 1.0;
            for (int l = 0; l < 3; l++)
                for (int g = 0; g < net_gate_count(cells[c]); g++)
                    for (int i = 0; i < H; i++)
                        for (int j = 0; j < H; j++)
                            assert_true(block(net, l, g)[i * H + j] == (i == j ? want : 0.0));
            expect_block_radius(net, want, 0.0, "identity");
            net_destroy(net);
        }
    }
}

/* PyTorch gate order i, f, g, o: the forget block of b_ih is rows H..2H-1. */
static void test_forget_bias(void **state)
{
    (void)state;
    for (int with_hh = 0; with_hh < 2; with_hh++) {
        int H = 4;
        Net *net = make_net(NET_CELL_LSTM, 3, H, 2, 2, with_hh);
        Rng rng;
        rng_seed(&rng, 21);
        InitOptions opt = {INIT_ORTHOGONAL, 0.0, 0.0};
        assert_int_equal(init_params(net, &opt, &rng), 0);
        double *plain = copy_params(net);
        rng_seed(&rng, 21);
        opt.forget_bias = 1.0;
        assert_int_equal(init_params(net, &opt, &rng), 0);
        const double *p = net_params(net);
        for (int k = 0; k < net_param_count(net); k++) {
            const NetParam *par = net_param(net, k);
            bool b_ih = strncmp(par->name, "bias_ih_l", 9) == 0;
            for (int i = 0; i < par->rows * par->cols; i++) {
                double want = plain[par->offset + i] + (b_ih && i >= H && i < 2 * H ? 1.0 : 0.0);
                if (p[par->offset + i] != want)
                    fail_msg("%s[%d]: %.17g, want %.17g", par->name, i, p[par->offset + i], want);
            }
        }
        free(plain);
        net_destroy(net);
    }
    /* rnn and gru have no forget gate: the option changes nothing. */
    for (int c = 0; c < 2; c++) {
        Net *net = make_net(cells[c], 3, 4, 2, 2, true);
        Rng rng;
        rng_seed(&rng, 21);
        assert_int_equal(init_params(net, NULL, &rng), 0);
        double *plain = copy_params(net);
        rng_seed(&rng, 21);
        InitOptions opt = {INIT_UNIFORM, 0.0, 1.0};
        assert_int_equal(init_params(net, &opt, &rng), 0);
        assert_memory_equal(plain, net_params(net), net_num_params(net) * sizeof *plain);
        free(plain);
        net_destroy(net);
    }
}

/* Refused calls change nothing: neither the network nor the generator. */
static void test_refused_arguments(void **state)
{
    (void)state;
    Net *net = make_net(NET_CELL_LSTM, 3, 5, 2, 2, true);
    Rng rng;
    rng_seed(&rng, 1);
    assert_int_equal(init_params(net, NULL, &rng), 0);
    double *keep = copy_params(net);
    size_t bytes = net_num_params(net) * sizeof *keep;

    const double bad_rho[4] = {0.0, -1.0, NAN, INFINITY};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(init_set_spectral_radius(net, bad_rho[i]), NET_ERR_ARG);
        assert_memory_equal(keep, net_params(net), bytes);
    }
    assert_int_equal(init_set_spectral_radius(NULL, 1.0), NET_ERR_ARG);

    /* A zero block (layer 1, gate g) or a NaN: refused, no block changes. */
    double *g_block = block(net, 1, 2);
    memset(g_block, 0, 25 * sizeof *g_block);
    double *zeroed = copy_params(net);
    assert_int_equal(init_set_spectral_radius(net, 0.5), NET_ERR_ARG);
    assert_memory_equal(zeroed, net_params(net), bytes);
    g_block[3] = NAN;
    memcpy(zeroed, net_params(net), bytes);
    assert_int_equal(init_set_spectral_radius(net, 0.5), NET_ERR_ARG);
    assert_memory_equal(zeroed, net_params(net), bytes);
    memcpy(net_params(net), keep, bytes);

    Rng before = rng;
    const InitOptions bad_opt[4] = {
        {(InitScheme)7, 0.0, 0.0},
        {(InitScheme)-1, 0.0, 0.0},
        {INIT_NORMAL, NAN, 0.0},
        {INIT_UNIFORM, 0.0, INFINITY},
    };
    for (int i = 0; i < 4; i++) {
        assert_int_equal(init_params(net, &bad_opt[i], &rng), NET_ERR_ARG);
        assert_memory_equal(keep, net_params(net), bytes);
        assert_memory_equal(&before, &rng, sizeof rng);
    }
    assert_int_equal(init_params(NULL, NULL, &rng), NET_ERR_ARG);
    assert_int_equal(init_params(net, NULL, NULL), NET_ERR_ARG);
    assert_memory_equal(keep, net_params(net), bytes);
    free(zeroed);
    free(keep);
    net_destroy(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scheme_names),
        cmocka_unit_test(test_uniform_order_and_bounds),
        cmocka_unit_test(test_uniform01),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_schemes_share_other_params),
        cmocka_unit_test(test_set_spectral_radius),
        cmocka_unit_test(test_normal),
        cmocka_unit_test(test_orthogonal),
        cmocka_unit_test(test_identity),
        cmocka_unit_test(test_forget_bias),
        cmocka_unit_test(test_refused_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
