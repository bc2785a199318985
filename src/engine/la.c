#include "la.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

void la_gemm_nt(double *c, const double *a, const double *b, int M, int N, int K, double beta)
{
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0, a, K, b, K, beta, c, N);
}

void la_gemm_nn(double *c, const double *a, const double *b, int M, int N, int K, double beta)
{
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0, a, K, b, N, beta, c, N);
}

void la_gemm_tn_add(double *c, const double *a, const double *b, int M, int N, int K)
{
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

double la_norm(const double *x, size_t n)
{
    return cblas_dnrm2((int)n, x, 1);
}

/* ||sum_b a_b b_b^T||_F^2 = sum_{b,b'} (a_b . a_b') (b_b . b_b') */
double la_outer_norm(const double *a, const double *b, int B, int M, int N, double *scratch_a,
                     double *scratch_b)
{
    if (B == 1)
        return la_norm(a, (size_t)M) * la_norm(b, (size_t)N);
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, B, M, 1.0, a, M, 0.0, scratch_a, B);
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, B, N, 1.0, b, N, 0.0, scratch_b, B);
    double s = 0.0;
    for (int i = 0; i < B; i++) {
        s += scratch_a[i * B + i] * scratch_b[i * B + i];
        for (int j = i + 1; j < B; j++)
            s += 2.0 * scratch_a[i * B + j] * scratch_b[i * B + j];
    }
    return sqrt(fmax(s, 0.0));
}

double la_colsum_norm(const double *a, int B, int M, double *scratch)
{
    memset(scratch, 0, sizeof(double) * (size_t)M);
    la_colsum_add(scratch, a, B, M);
    return la_norm(scratch, (size_t)M);
}
