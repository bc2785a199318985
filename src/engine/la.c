#include "la.h"

#include <cblas.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void la_single_thread(void)
{
    openblas_set_num_threads(1);
}

/* OpenBLAS 0.3's BUFFER_SIZE on x86_64 (32 << 22, 128 MiB) and the page
 * its allocator adds, with room to spare. */
#define BLAS_BUFFER_BYTES ((size_t)136 << 20)
#define WARM_N 256 /* large enough that dgemm takes the buffered path */

size_t la_reserve_bytes(void)
{
    return BLAS_BUFFER_BYTES;
}

int la_reserve(void)
{
    void *probe = malloc(BLAS_BUFFER_BYTES);
    if (!probe)
        return -1;
    free(probe);
    double *a = calloc((size_t)3 * WARM_N * WARM_N, sizeof *a);
    if (!a)
        return -1;
    double *b = a + WARM_N * WARM_N, *c = b + WARM_N * WARM_N;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, WARM_N, WARM_N, WARM_N, 1.0, a, WARM_N,
                b, WARM_N, 0.0, c, WARM_N);
    free(a);
    return 0;
}

/* A batch of one row is a matrix-vector product: dgemv skips dgemm's
 * packing copies, which dominate at these sizes. */
void la_gemm_nt(double *c, const double *a, const double *b, int M, int N, int K, double beta)
{
    if (M == 1)
        cblas_dgemv(CblasRowMajor, CblasNoTrans, N, K, 1.0, b, K, a, 1, beta, c, 1);
    else
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0, a, K, b, K, beta, c, N);
}

void la_gemm_nn(double *c, const double *a, const double *b, int M, int N, int K, double beta)
{
    if (M == 1)
        cblas_dgemv(CblasRowMajor, CblasTrans, K, N, 1.0, b, N, a, 1, beta, c, 1);
    else
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0, a, K, b, N, beta, c,
                    N);
}

void la_gemm_tn_add(double *c, const double *a, const double *b, int M, int N, int K)
{
    if (K == 1) {
        /* one row: an outer product, cheaper by hand than through dger */
        for (int i = 0; i < M; i++) {
            double ai = a[i];
            double *ci = c + (size_t)i * N;
            for (int j = 0; j < N; j++)
                ci[j] += ai * b[j];
        }
        return;
    }
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, M, N, K, 1.0, a, M, b, N, 1.0, c, N);
}

void la_colsum_add(double *out, const double *a, int rows, int cols)
{
    for (int r = 0; r < rows; r++) {
        const double *row = a + (size_t)r * cols;
        for (int j = 0; j < cols; j++)
            out[j] += row[j];
    }
}

void la_rows_set(double *a, const double *v, int rows, int cols)
{
    for (int r = 0; r < rows; r++)
        memcpy(a + (size_t)r * cols, v, sizeof(double) * (size_t)cols);
}

/* Four partial sums of squares; dnrm2's scaling only when they could have
 * overflowed or underflowed. */
double la_norm(const double *x, size_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += x[i] * x[i];
        s1 += x[i + 1] * x[i + 1];
        s2 += x[i + 2] * x[i + 2];
        s3 += x[i + 3] * x[i + 3];
    }
    for (; i < n; i++)
        s0 += x[i] * x[i];
    double s = (s0 + s1) + (s2 + s3);
    if (s > 1e-280 && s < 1e280)
        return sqrt(s);
    if (s == 0)
        return 0;
    return cblas_dnrm2((int)n, x, 1);
}

void la_gram(double *gram, const double *a, int B, int M)
{
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, B, M, 1.0, a, M, 0.0, gram, B);
}

/* ||sum_b a_b b_b^T||_F^2 = sum_{b,b'} (a_b . a_b') (b_b . b_b') */
double la_gram_pair_norm(const double *ga, const double *gb, int B)
{
    double s = 0.0;
    for (int i = 0; i < B; i++) {
        s += ga[i * B + i] * gb[i * B + i];
        for (int j = i + 1; j < B; j++)
            s += 2.0 * ga[i * B + j] * gb[i * B + j];
    }
    return sqrt(fmax(s, 0.0));
}

bool la_outer_prefers_gram(int B, int M, int N)
{
    return (long long)B * (M + N) <= (long long)M * N;
}

int la_outer_gram_batch(int B, int M, int N)
{
    long long most = (long long)M * N / (M + N);
    return most < B ? (int)most : B;
}

double la_outer_norm_gram(const double *a, const double *b, int B, int M, int N, double *gram_a,
                          double *gram_b)
{
    la_gram(gram_a, a, B, M);
    la_gram(gram_b, b, B, N);
    return la_gram_pair_norm(gram_a, gram_b, B);
}

double la_outer_norm_product(const double *a, const double *b, int B, int M, int N, double *prod)
{
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, M, N, B, 1.0, a, M, b, N, 0.0, prod, N);
    return la_norm(prod, (size_t)M * (size_t)N);
}

double la_outer_norm(const double *a, const double *b, int B, int M, int N, double *gram_a,
                     double *gram_b, double *prod)
{
    if (B == 1)
        return la_norm(a, (size_t)M) * la_norm(b, (size_t)N);
    if (la_outer_prefers_gram(B, M, N))
        return la_outer_norm_gram(a, b, B, M, N, gram_a, gram_b);
    return la_outer_norm_product(a, b, B, M, N, prod);
}

double la_tanh(double x)
{
    static const double P[3] = {-9.64399179425052238628E-1, -9.92877231001918586564E1,
                                -1.61468768441708447952E3};
    static const double Q[3] = {1.12811678491632931402E2, 2.23548839060100448583E3,
                                4.84406305325125486048E3};
    double z = fabs(x);
    if (z >= 0.625) {
        /* tanh |x| = 1 - 2 / (e^{2|x|} + 1); e^{2|x|} = inf gives exactly 1 */
        double r = 1.0 - 2.0 / (exp(2.0 * z) + 1.0);
        return x < 0 ? -r : r;
    }
    if (x == 0.0)
        return x;
    double s = x * x;
    double p = (P[0] * s + P[1]) * s + P[2];
    double q = ((s + Q[0]) * s + Q[1]) * s + Q[2];
    return x + x * s * (p / q); /* NaN stays NaN */
}

double la_colsum_norm(const double *a, int B, int M, double *scratch)
{
    memset(scratch, 0, sizeof(double) * (size_t)M);
    la_colsum_add(scratch, a, B, M);
    return la_norm(scratch, (size_t)M);
}

const char *la_blas_config(void)
{
    return openblas_get_config();
}
