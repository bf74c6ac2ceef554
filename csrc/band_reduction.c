/*
 * band_reduction.c -- stage 1 of the two-stage tridiagonalization: a
 * Hermitian matrix (lower triangle) to Hermitian band form of bandwidth nb
 * by blocked Householder transformations, all of it in level-3 BLAS.
 *
 * The scheme of LAPACK 3.7's xSYTRD_SY2SB / xHETRD_HE2HB with uplo = 'L'
 * (Haidar, Ltaief, Dongarra, "Parallel reduction to condensed forms for
 * symmetric eigenvalue problems using aggregated fine-grained and
 * memory-aware kernels", SC'11; Bischof, Lang, Sun, "A framework for
 * symmetric band reduction", ACM TOMS 26, 2000).  For each panel of nb
 * columns, the part below the band, P = A(k+nb:n, k:k+nb), is factored
 * P = Q R with Q = I - V T V^H (compact WY); R keeps the band.  The
 * trailing matrix A22 = A(k+nb:n, k+nb:n) becomes Q^H A22 Q, which with
 *     X = A22 V T,   W = X - (1/2) V (T^H V^H X)
 * is the symmetric rank-2nb update A22 - V W^H - W V^H (HEMM, two small
 * GEMMs and HER2K).  Unlike the one-stage reduction (tridiagonalize.c) no
 * matrix-vector product with A22 is left: the cost is 4/3 n^3 flops at
 * matrix-matrix speed instead of half of them memory-bound.
 */
#include <string.h>
#include "types.h"
#include "band_reduction.h"

#define A_(i, j) EK_AT(a, lda, i, j)

static int imin(int x, int y) { return x < y ? x : y; }
static int imax(int x, int y) { return x > y ? x : y; }

/* The pieces of the workspace for panels of at most m rows and k columns:
 * V and W (m x k each), T and S (k x k), and GEQRT's k x k scratch. */
typedef struct {
    scalar *v, *w, *t, *s, *qr;
} panel_work;

static panel_work split_work(int m, int k, scalar *work)
{
    panel_work p;
    size_t mk = (size_t)imax(m, 1) * (size_t)k, kk = (size_t)k * (size_t)k;
    p.v = work;
    p.w = p.v + mk;
    p.t = p.w + mk;
    p.s = p.t + kk;
    p.qr = p.s + kk;
    return p;
}

size_t EK(band_reduce_workspace)(int n, int nb)
{
    if (nb < 1)
        return 1;
    size_t m = (size_t)imax(n - nb, 1), k = (size_t)nb;
    return 2 * m * k + 3 * k * k;
}

/* P = Q R for the m x nb panel p (xGEQRT with one block of k = min(m, nb)
 * reflectors): R overwrites the upper trapezoid, V the part below, and t
 * (k x k) receives T. */
static int factor_panel(int m, int nb, scalar *p, int ldp, scalar *t, scalar *scratch)
{
    int info = 0, k = imin(m, nb);
    xgeqrt(m, nb, k, p, ldp, t, k, scratch, &info);
    return info;
}

/* The m x k unit lower trapezoidal V of the panel as an explicit matrix
 * (ones on the diagonal, zeros above), so that HEMM and HER2K can read it. */
static void copy_reflectors(int m, int k, const scalar *p, int ldp, scalar *v)
{
    for (int j = 0; j < k; j++) {
        scalar *vj = v + (size_t)j * m;
        memset(vj, 0, (size_t)j * sizeof(scalar));
        vj[j] = 1;
        memcpy(vj + j + 1, &EK_AT(p, ldp, j + 1, j), (size_t)(m - j - 1) * sizeof(scalar));
    }
}

/* W = X - (1/2) V (T^H V^H X) with X = A22 V T (xSYTRD_SY2SB's W): then
 * Q^H A22 Q = A22 - V W^H - W V^H, derived in the file comment. */
static void form_w(int m, int k, const scalar *a22, int lda, const scalar *v, const scalar *t,
                   scalar *w, scalar *s)
{
    xhemm('L', 'L', m, k, 1, a22, lda, v, m, 0, w, m);
    xtrmm('R', 'U', 'N', 'N', m, k, 1, t, k, w, m);
    xgemm('C', 'N', k, k, m, 1, v, m, w, m, 0, s, k);
    xtrmm('L', 'U', 'C', 'N', k, k, 1, t, k, s, k);
    xgemm('N', 'N', m, k, k, -(real)0.5, v, m, s, k, 1, w, m);
}

/* Panels of nb columns from the left, each factored below the band and
 * its transformation applied to the trailing matrix, until at most one
 * row lies below the band (then nothing is left to annihilate). */
int EK(band_reduce)(int n, int nb, scalar *a, int lda, scalar *work, size_t lwork)
{
    if (nb < 1)
        return -1;
    if (n - nb <= 1)
        return 0;
    if (lwork < EK(band_reduce_workspace)(n, nb))
        return -1;
    panel_work pw = split_work(n - nb, nb, work);
    for (int k = 0; n - k - nb > 1; k += nb) {
        int m = n - k - nb, kr = imin(m, nb);
        scalar *p = &A_(k + nb, k), *a22 = &A_(k + nb, k + nb);
        int info = factor_panel(m, nb, p, lda, pw.t, pw.qr);
        if (info != 0)
            return -2;
        copy_reflectors(m, kr, p, lda, pw.v);
        form_w(m, kr, a22, lda, pw.v, pw.t, pw.w, pw.s);
        xher2k('L', 'N', m, kr, -1, pw.v, m, pw.w, m, 1, a22, lda);
    }
    return 0;
}
