/* The per-step share norms || a^T b ||_F: the Gram form (cost B^2 (M+N))
 * and the product form (cost B M N) agree, the cheaper one is chosen by
 * size, and a network's buffers hold what the chosen forms need. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "la.h"
#include "net.h"
#include "rng.h"

static double *random_matrix(Rng *r, int rows, int cols)
{
    double *m = malloc(sizeof *m * (size_t)rows * (size_t)cols);
    assert_non_null(m);
    for (int i = 0; i < rows * cols; i++)
        m[i] = rng_uniform(r) * 2.0 - 1.0;
    return m;
}

static void test_forms_agree(void **state)
{
    (void)state;
    const int cases[][3] = {{2, 3, 4}, {7, 1, 9}, {64, 8, 8}, {300, 16, 40}, {33, 200, 3}};
    Rng r;
    rng_seed(&r, 11);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int B = cases[k][0], M = cases[k][1], N = cases[k][2];
        double *a = random_matrix(&r, B, M), *b = random_matrix(&r, B, N);
        double *ga = malloc(sizeof *ga * (size_t)B * B), *gb = malloc(sizeof *gb * (size_t)B * B);
        double *prod = malloc(sizeof *prod * (size_t)M * N);
        double g = la_outer_norm_gram(a, b, B, M, N, ga, gb);
        double p = la_outer_norm_product(a, b, B, M, N, prod);
        /* and by hand */
        double s = 0;
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) {
                double c = 0;
                for (int q = 0; q < B; q++)
                    c += a[q * M + i] * b[q * N + j];
                s += c * c;
            }
        double want = sqrt(s);
        if (fabs(g - want) > 1e-12 * want || fabs(p - want) > 1e-12 * want)
            fail_msg("B %d M %d N %d: gram %.17g, product %.17g, by hand %.17g", B, M, N, g, p,
                     want);
        double chosen = la_outer_norm(a, b, B, M, N, ga, gb, prod);
        assert_true(fabs(chosen - want) <= 1e-12 * want);
        free(a), free(b), free(ga), free(gb), free(prod);
    }
}

static void test_choice_by_size(void **state)
{
    (void)state;
    /* Gram while B (M + N) <= M N */
    assert_true(la_outer_prefers_gram(64, 128, 128));  /* 64*256 <= 16384 */
    assert_false(la_outer_prefers_gram(65, 128, 128)); /* 65*256 > 16384 */
    assert_false(la_outer_prefers_gram(4096, 32, 32));
    assert_int_equal(la_outer_gram_batch(4096, 128, 128), 64);
    assert_int_equal(la_outer_gram_batch(10, 128, 128), 10);
}

/* The network no longer holds two B x B Gram matrices (256 MiB at
 * B = 4096): its buffers grow linearly with the batch. */
static void test_buffers_linear_in_batch(void **state)
{
    (void)state;
    NetConfig c = {NET_CELL_LSTM,       NET_ACT_TANH,    8,    32,   2, 4,
                   NET_LOSS_SOFTMAX_CE, NET_TARGETS_ALL, true, 1024, 10};
    size_t b1 = net_config_bytes(&c);
    c.max_batch = 4096;
    size_t b4 = net_config_bytes(&c);
    /* 4x the batch, 4x the bytes (with two B x B Grams it was 5.9x) */
    if ((double)b4 > 4.05 * (double)b1)
        fail_msg("%zu bytes at B 1024, %zu at B 4096", b1, b4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forms_agree),
        cmocka_unit_test(test_choice_by_size),
        cmocka_unit_test(test_buffers_linear_in_batch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
