/*
 * The few dense kernels the cells need, row-major, as thin wrappers over
 * CBLAS so every call site reads like its equation. Never allocates.
 */
#ifndef RNNVIZ_LA_H
#define RNNVIZ_LA_H

#include <math.h> /* exp, for la_sigmoid */
#include <stdbool.h>
#include <stddef.h>

/* One BLAS thread for the whole process: rnnviz's products are small, and
 * a second thread only spins (measured: training in the window ran at 300
 * instead of 500 iterations/s with two). Call once at startup. */
void la_single_thread(void);

/* OpenBLAS allocates its work buffer (la_reserve_bytes()) at the first
 * larger product and, when malloc fails, retries forever. la_reserve
 * checks that the memory is there and makes that first product now, so
 * later products never allocate: 0, or -1 (nothing done) when the memory
 * is not there. Call once at startup, before other allocations. */
int la_reserve(void);
size_t la_reserve_bytes(void);

/* c (M, N) = a (M, K) * b (N, K)^T + beta * c */
void la_gemm_nt(double *c, const double *a, const double *b, int M, int N, int K, double beta);
/* c (M, N) = a (M, K) * b (K, N) + beta * c */
void la_gemm_nn(double *c, const double *a, const double *b, int M, int N, int K, double beta);
/* c (M, N) += a (K, M)^T * b (K, N) */
void la_gemm_tn_add(double *c, const double *a, const double *b, int M, int N, int K);
/* out (cols) += column sums of a (rows, cols) */
void la_colsum_add(double *out, const double *a, int rows, int cols);
/* Each row of a (rows, cols) set to v (cols). */
void la_rows_set(double *a, const double *v, int rows, int cols);
/* Euclidean norm, robust to overflow of the squares. */
double la_norm(const double *x, size_t n);
/* || a^T b ||_F for a (B, M), b (B, N): the norm of a batch-summed outer
 * product, in the cheaper of two forms, so the cost is linear in B:
 * - Gram: sum_{b,b'} (a_b . a_b')(b_b . b_b') from the (B, B) Gram
 *   matrices (gram_a, gram_b: B*B each), cost B^2 (M + N);
 * - product: || a^T b || from the (M, N) product itself (prod: M*N),
 *   cost B M N.
 * The Gram form is used when B (M + N) <= M N (la_outer_prefers_gram), so
 * it is needed only up to B = la_outer_gram_batch(max B, M, N). */
double la_outer_norm(const double *a, const double *b, int B, int M, int N, double *gram_a,
                     double *gram_b, double *prod);
bool la_outer_prefers_gram(int B, int M, int N);
int la_outer_gram_batch(int B, int M, int N);
/* The two forms, for tests and for callers that share a Gram matrix. */
double la_outer_norm_gram(const double *a, const double *b, int B, int M, int N, double *gram_a,
                          double *gram_b);
double la_outer_norm_product(const double *a, const double *b, int B, int M, int N, double *prod);
/* || column sums of a (B, M) || */
double la_colsum_norm(const double *a, int B, int M, double *scratch);
/* gram (B, B) = a a^T for a (B, M), upper triangle. */
void la_gram(double *gram, const double *a, int B, int M);
/* sqrt(sum_{b,b'} ga[b][b'] gb[b][b']) from two upper-triangular Grams:
 * the norm la_outer_norm gives, when Grams are shared between calls. */
double la_gram_pair_norm(const double *ga, const double *gb, int B);

/* tanh after Cephes (rational fit below 0.625, exp above): about three
 * times faster than glibc's, within 2 ulp, and the same on every machine. */
double la_tanh(double x);

/* sigma(x) = 1 / (1 + e^-x), the gates' squashing function (inline: the
 * cells call it once per gate and unit). */
static inline double la_sigmoid(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

/* The BLAS library's own description of its build (for --version). */
const char *la_blas_config(void);

#endif
