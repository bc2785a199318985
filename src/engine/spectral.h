/*
 * Spectral quantities of a square matrix: the eigenvalues, the spectral
 * radius max |lambda| (which decides whether a linear recurrence h <- W h
 * shrinks or grows) and the spectral norm, the largest singular value.
 *
 * Shapes: n rows and columns; matrices are row-major (n, n).
 *
 * Conventions: these functions allocate scratch (they call LAPACKE on a
 * copy, the input is never modified), so they belong to set-up code and
 * panels, never to forward/backward. spectral_eigenvalues returns 0 or a
 * negative NET_ERR_* code and leaves re/im untouched on failure; the double
 * functions return NAN when n < 1, a pointer is NULL, the input holds a
 * non-finite value (checked before LAPACK is called) or LAPACK fails.
 */
#ifndef RNNVIZ_SPECTRAL_H
#define RNNVIZ_SPECTRAL_H

/* Eigenvalues of a (n, n) via LAPACKE_dgeev, written to re (n) and im (n),
 * sorted by descending modulus, ties by descending re, then descending im
 * (so a conjugate pair lists +im first); the order is deterministic.
 * Returns NET_ERR_ARG for bad arguments, non-finite input or when the QR
 * algorithm does not converge, NET_ERR_NOMEM when scratch is unavailable. */
int spectral_eigenvalues(const double *a, int n, double *re, double *im);

/* max |lambda| over the eigenvalues of a (n, n). */
double spectral_radius(const double *a, int n);

/* Largest singular value of a (n, n), LAPACKE_dgesdd values only. */
double spectral_norm(const double *a, int n);

#endif
