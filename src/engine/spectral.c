#include "spectral.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "net.h" /* NET_ERR_* codes shared across the engine */

typedef struct {
    double re, im, mod;
} Eig;

static int all_finite(const double *a, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (!isfinite(a[i]))
            return 0;
    return 1;
}

/* Descending modulus, then descending re, then descending im. */
static int eig_cmp(const void *pa, const void *pb)
{
    const Eig *a = pa, *b = pb;
    if (a->mod != b->mod)
        return a->mod > b->mod ? -1 : 1;
    if (a->re != b->re)
        return a->re > b->re ? -1 : 1;
    if (a->im != b->im)
        return a->im > b->im ? -1 : 1;
    return 0;
}

/* Unsorted eigenvalues of a copy of a into wr (n), wi (n). */
static int geev_values(const double *a, int n, double *wr, double *wi)
{
    size_t nn = (size_t)n * (size_t)n;
    double *copy = malloc(nn * sizeof *copy);
    if (!copy)
        return NET_ERR_NOMEM;
    memcpy(copy, a, nn * sizeof *copy);
    lapack_int info =
        LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'N', n, copy, n, wr, wi, NULL, n, NULL, n);
    free(copy);
    if (info == LAPACK_WORK_MEMORY_ERROR || info == LAPACK_TRANSPOSE_MEMORY_ERROR)
        return NET_ERR_NOMEM;
    if (info != 0)
        return NET_ERR_ARG;
    if (!all_finite(wr, (size_t)n) || !all_finite(wi, (size_t)n))
        return NET_ERR_ARG;
    return 0;
}

static int check_input(const double *a, int n)
{
    if (!a || n < 1)
        return NET_ERR_ARG;
    if (!all_finite(a, (size_t)n * (size_t)n))
        return NET_ERR_ARG;
    return 0;
}

int spectral_eigenvalues(const double *a, int n, double *re, double *im)
{
    if (!re || !im)
        return NET_ERR_ARG;
    int rc = check_input(a, n);
    if (rc < 0)
        return rc;
    double *w = malloc(2 * (size_t)n * sizeof *w);
    Eig *eig = malloc((size_t)n * sizeof *eig);
    if (!w || !eig) {
        rc = NET_ERR_NOMEM;
        goto out_free;
    }
    rc = geev_values(a, n, w, w + n);
    if (rc < 0)
        goto out_free;
    for (int i = 0; i < n; i++) {
        eig[i].re = w[i];
        eig[i].im = w[n + i];
        eig[i].mod = hypot(w[i], w[n + i]);
    }
    qsort(eig, (size_t)n, sizeof *eig, eig_cmp);
    for (int i = 0; i < n; i++) {
        re[i] = eig[i].re;
        im[i] = eig[i].im;
    }
out_free:
    free(eig);
    free(w);
    return rc;
}

double spectral_radius(const double *a, int n)
{
    if (check_input(a, n) < 0)
        return NAN;
    double *w = malloc(2 * (size_t)n * sizeof *w);
    if (!w)
        return NAN;
    double rho = NAN;
    if (geev_values(a, n, w, w + n) == 0) {
        rho = 0.0;
        for (int i = 0; i < n; i++)
            rho = fmax(rho, hypot(w[i], w[n + i]));
    }
    free(w);
    return rho;
}

double spectral_norm(const double *a, int n)
{
    if (check_input(a, n) < 0)
        return NAN;
    size_t nn = (size_t)n * (size_t)n;
    double *copy = malloc((nn + (size_t)n) * sizeof *copy);
    if (!copy)
        return NAN;
    double *s = copy + nn;
    memcpy(copy, a, nn * sizeof *copy);
    /* jobz 'N': singular values only, in descending order. u and vt are not
     * referenced, but LAPACKE checks (and would print about) ldu, ldvt >= n. */
    lapack_int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'N', n, n, copy, n, s, NULL, n, NULL, n);
    double sigma = info == 0 && isfinite(s[0]) ? s[0] : NAN;
    free(copy);
    return sigma;
}
