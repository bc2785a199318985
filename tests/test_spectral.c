/* Eigenvalues, spectral radius and spectral norm against hand-computed
 * values, and the NaN / error contract for bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "net.h"
#include "rng.h"
#include "spectral.h"

#define TOL 1e-12

static void expect_eig(const double *re, const double *im, int n, const double *want_re,
                       const double *want_im)
{
    for (int i = 0; i < n; i++) {
        if (fabs(re[i] - want_re[i]) > TOL || fabs(im[i] - want_im[i]) > TOL)
            fail_msg("eigenvalue %d: got %.17g%+.17gi, want %.17g%+.17gi", i, re[i], im[i],
                     want_re[i], want_im[i]);
    }
}

/* [[0,-2],[2,0]] is a 90 degree rotation scaled by 2: eigenvalues +-2i. */
static void test_rotation_scaled(void **state)
{
    (void)state;
    const double a[4] = {0, -2, 2, 0};
    double re[2], im[2];
    assert_int_equal(spectral_eigenvalues(a, 2, re, im), 0);
    const double want_re[2] = {0, 0}, want_im[2] = {2, -2};
    expect_eig(re, im, 2, want_re, want_im);
    assert_true(fabs(spectral_radius(a, 2) - 2.0) < TOL);
    /* 2 * orthogonal: both singular values are 2. */
    assert_true(fabs(spectral_norm(a, 2) - 2.0) < TOL);
}

/* A diagonal matrix: its entries, sorted by modulus (ties by larger re). */
static void test_diagonal(void **state)
{
    (void)state;
    const double a[16] = {1, 0, 0, 0, 0, -3, 0, 0, 0, 0, 2, 0, 0, 0, 0, -2};
    double re[4], im[4];
    assert_int_equal(spectral_eigenvalues(a, 4, re, im), 0);
    const double want_re[4] = {-3, 2, -2, 1}, want_im[4] = {0, 0, 0, 0};
    expect_eig(re, im, 4, want_re, want_im);
    assert_true(fabs(spectral_radius(a, 4) - 3.0) < TOL);
    assert_true(fabs(spectral_norm(a, 4) - 3.0) < TOL);
}

/* Companion matrix of (x-1)(x-2)(x-3) = x^3 - 6x^2 + 11x - 6. */
static void test_companion_3x3(void **state)
{
    (void)state;
    const double a[9] = {6, -11, 6, 1, 0, 0, 0, 1, 0};
    double re[3], im[3];
    assert_int_equal(spectral_eigenvalues(a, 3, re, im), 0);
    const double want_re[3] = {3, 2, 1}, want_im[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) /* companion matrices are ill-conditioned: 1e-9 */
        if (fabs(re[i] - want_re[i]) > 1e-9 || fabs(im[i] - want_im[i]) > 1e-9)
            fail_msg("eigenvalue %d: got %.17g%+.17gi, want %g", i, re[i], im[i], want_re[i]);
    assert_true(fabs(spectral_radius(a, 3) - 3.0) < 1e-9);
}

/* The tridiagonal [[2,1,0],[1,2,1],[0,1,2]] has 2+sqrt2, 2, 2-sqrt2; being
 * symmetric, its spectral norm equals its spectral radius. */
static void test_tridiagonal_3x3(void **state)
{
    (void)state;
    const double a[9] = {2, 1, 0, 1, 2, 1, 0, 1, 2};
    double re[3], im[3];
    assert_int_equal(spectral_eigenvalues(a, 3, re, im), 0);
    const double want_re[3] = {2 + sqrt(2.0), 2, 2 - sqrt(2.0)}, want_im[3] = {0, 0, 0};
    expect_eig(re, im, 3, want_re, want_im);
    assert_true(fabs(spectral_norm(a, 3) - (2 + sqrt(2.0))) < TOL);
}

/* A rotation block and a real eigenvalue: i, -i, then 0.5. */
static void test_mixed_complex_real(void **state)
{
    (void)state;
    const double a[9] = {0, -1, 0, 1, 0, 0, 0, 0, 0.5};
    double re[3], im[3];
    assert_int_equal(spectral_eigenvalues(a, 3, re, im), 0);
    const double want_re[3] = {0, 0, 0.5}, want_im[3] = {1, -1, 0};
    expect_eig(re, im, 3, want_re, want_im);
}

/* Hand SVD: A = [[3,0],[4,5]], A^T A = [[25,20],[20,25]] with eigenvalues
 * 45 and 5, so sigma_max = sqrt(45) = 3 sqrt5, while |lambda| = 5. */
static void test_norm_hand_svd(void **state)
{
    (void)state;
    const double a[4] = {3, 0, 4, 5};
    assert_true(fabs(spectral_norm(a, 2) - sqrt(45.0)) < TOL);
    assert_true(fabs(spectral_radius(a, 2) - 5.0) < TOL);
}

/* Jordan block [[1,1],[0,1]]: radius 1 but norm the golden ratio, the
 * non-normal case where the radius underestimates one step's growth. */
static void test_jordan_radius_vs_norm(void **state)
{
    (void)state;
    const double a[4] = {1, 1, 0, 1};
    assert_true(fabs(spectral_radius(a, 2) - 1.0) < 1e-7); /* defective: sqrt(eps) */
    assert_true(fabs(spectral_norm(a, 2) - (1 + sqrt(5.0)) / 2) < TOL);
}

static void test_one_by_one(void **state)
{
    (void)state;
    const double a[1] = {-4};
    double re[1], im[1];
    assert_int_equal(spectral_eigenvalues(a, 1, re, im), 0);
    assert_true(re[0] == -4.0 && im[0] == 0.0);
    assert_true(spectral_radius(a, 1) == 4.0);
    assert_true(spectral_norm(a, 1) == 4.0);
}

/* Random 24x24: sorted by modulus, conjugate pairs +im first, trace and
 * Frobenius identities hold, the input is untouched, and repeated calls
 * give bitwise identical output. */
static void test_random_properties(void **state)
{
    (void)state;
    enum { N = 24 };
    double a[N * N], keep[N * N], re[N], im[N], re2[N], im2[N];
    Rng rng;
    rng_seed(&rng, 12345);
    for (int i = 0; i < N * N; i++)
        a[i] = rng_normal(&rng);
    memcpy(keep, a, sizeof a);
    assert_int_equal(spectral_eigenvalues(a, N, re, im), 0);
    assert_memory_equal(a, keep, sizeof a);
    assert_int_equal(spectral_eigenvalues(a, N, re2, im2), 0);
    assert_memory_equal(re, re2, sizeof re);
    assert_memory_equal(im, im2, sizeof im);

    double trace = 0, sum_re = 0, sum_im = 0;
    int pairs = 0;
    for (int i = 0; i < N; i++) {
        trace += a[i * N + i];
        sum_re += re[i];
        sum_im += im[i];
        if (i > 0)
            assert_true(hypot(re[i - 1], im[i - 1]) >= hypot(re[i], im[i]));
        if (im[i] > 0) {
            pairs++;
            assert_true(i + 1 < N);
            assert_true(re[i + 1] == re[i] && im[i + 1] == -im[i]);
        }
    }
    assert_true(pairs > 0); /* a Gaussian 24x24 has complex eigenvalues */
    assert_true(fabs(sum_re - trace) < 1e-10);
    assert_true(fabs(sum_im) < 1e-10);

    double rho = spectral_radius(a, N), sigma = spectral_norm(a, N);
    assert_true(rho == hypot(re[0], im[0]));
    assert_true(rho <= sigma);
    /* sigma_max^2 <= ||A||_F^2 <= N sigma_max^2 */
    double fro2 = 0;
    for (int i = 0; i < N * N; i++)
        fro2 += a[i] * a[i];
    assert_true(sigma * sigma <= fro2 * (1 + 1e-12));
    assert_true(fro2 <= N * sigma * sigma * (1 + 1e-12));
}

/* Non-finite input: NAN from the doubles, an error and untouched outputs
 * from spectral_eigenvalues. */
static void test_nonfinite_input(void **state)
{
    (void)state;
    const double bad[3] = {NAN, INFINITY, -INFINITY};
    for (int k = 0; k < 3; k++) {
        double a[4] = {1, 2, 3, 4};
        a[3 - k] = bad[k];
        assert_true(isnan(spectral_radius(a, 2)));
        assert_true(isnan(spectral_norm(a, 2)));
        double re[2] = {7, 7}, im[2] = {8, 8};
        assert_int_equal(spectral_eigenvalues(a, 2, re, im), NET_ERR_ARG);
        assert_true(re[0] == 7 && re[1] == 7 && im[0] == 8 && im[1] == 8);
    }
}

static void test_bad_arguments(void **state)
{
    (void)state;
    const double a[4] = {1, 2, 3, 4};
    double re[2], im[2];
    assert_true(isnan(spectral_radius(a, 0)));
    assert_true(isnan(spectral_norm(a, -1)));
    assert_true(isnan(spectral_radius(NULL, 2)));
    assert_true(isnan(spectral_norm(NULL, 2)));
    assert_int_equal(spectral_eigenvalues(a, 0, re, im), NET_ERR_ARG);
    assert_int_equal(spectral_eigenvalues(NULL, 2, re, im), NET_ERR_ARG);
    assert_int_equal(spectral_eigenvalues(a, 2, NULL, im), NET_ERR_ARG);
    assert_int_equal(spectral_eigenvalues(a, 2, re, NULL), NET_ERR_ARG);
    /* The zero matrix is fine: radius and norm 0. */
    const double z[4] = {0, 0, 0, 0};
    assert_true(spectral_radius(z, 2) == 0.0);
    assert_true(spectral_norm(z, 2) == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rotation_scaled),       cmocka_unit_test(test_diagonal),
        cmocka_unit_test(test_companion_3x3),         cmocka_unit_test(test_tridiagonal_3x3),
        cmocka_unit_test(test_mixed_complex_real),    cmocka_unit_test(test_norm_hand_svd),
        cmocka_unit_test(test_jordan_radius_vs_norm), cmocka_unit_test(test_one_by_one),
        cmocka_unit_test(test_random_properties),     cmocka_unit_test(test_nonfinite_input),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
