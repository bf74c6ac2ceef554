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
 *
 * Memory: V is read where GEQRT leaves it, in the panel (its diagonal and
 * upper triangle, which hold R, set aside meanwhile), and W (m x nb) lives
 * in A's strict upper triangle, which is never read: the workspace is
 * four nb x nb blocks, whatever n.
 */
#include <string.h>
#include "common/types.h"
#include "dense/band_reduction.h"

#define A_(i, j) EK_AT(a, lda, i, j)

static int imin(int x, int y) { return x < y ? x : y; }

/* The pieces of the workspace for panels of nb columns: T and S, GEQRT's
 * scratch and the saved triangle of R, room for nb x nb each. */
typedef struct {
    scalar *t, *s, *qr, *r;
} panel_work;

static panel_work split_work(int nb, scalar *work)
{
    panel_work p;
    size_t kk = (size_t)nb * (size_t)nb;
    p.t = work;
    p.s = p.t + kk;
    p.qr = p.s + kk;
    p.r = p.qr + kk;
    return p;
}

size_t EK(band_reduce_workspace)(int n, int nb)
{
    (void)n;
    if (nb < 1)
        return 1;
    return 4 * (size_t)nb * (size_t)nb;
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

/* The panel's first k columns become the m x k unit lower trapezoidal V
 * (ones on the diagonal, zeros above), so that HEMM and HER2K can read it
 * in place; the triangle of R they held goes to r (k x k). */
static void expose_reflectors(int k, scalar *p, int ldp, scalar *r)
{
    for (int j = 0; j < k; j++) {
        scalar *pj = &EK_AT(p, ldp, 0, j);
        memcpy(&EK_AT(r, k, 0, j), pj, (size_t)(j + 1) * sizeof(scalar));
        memset(pj, 0, (size_t)j * sizeof(scalar));
        pj[j] = 1;
    }
}

static void restore_r(int k, scalar *p, int ldp, const scalar *r)
{
    for (int j = 0; j < k; j++)
        memcpy(&EK_AT(p, ldp, 0, j), &EK_AT(r, k, 0, j), (size_t)(j + 1) * sizeof(scalar));
}

/* W = X - (1/2) V (T^H V^H X) with X = A22 V T (xSYTRD_SY2SB's W): then
 * Q^H A22 Q = A22 - V W^H - W V^H, derived in the file comment.  W is
 * zeroed first: it may hold anything (A's upper triangle), and some BLAS
 * scale C by beta = 0, which keeps a NaN. */
static void form_w(int m, int k, const scalar *a22, int lda, const scalar *v, int ldv,
                   const scalar *t, scalar *w, int ldw, scalar *s)
{
    for (int j = 0; j < k; j++)
        memset(&EK_AT(w, ldw, 0, j), 0, (size_t)m * sizeof(scalar));
    xhemm('L', 'L', m, k, 1, a22, lda, v, ldv, 0, w, ldw);
    xtrmm('R', 'U', 'N', 'N', m, k, 1, t, k, w, ldw);
    xgemm('C', 'N', k, k, m, 1, v, ldv, w, ldw, 0, s, k);
    xtrmm('L', 'U', 'C', 'N', k, k, 1, t, k, s, k);
    xgemm('N', 'N', m, k, k, -(real)0.5, v, ldv, s, k, 1, w, ldw);
}

/* Panels of nb columns from the left, each factored below the band and
 * its transformation applied to the trailing matrix, until at most one
 * row lies below the band (then nothing is left to annihilate).  W goes to
 * rows 0..m-1 of A's last nb columns: strictly upper, as m <= n - nb. */
int EK(band_reduce)(int n, int nb, scalar *a, int lda, scalar *work, size_t lwork)
{
    if (nb < 1)
        return -1;
    if (n - nb <= 1)
        return 0;
    if (lwork < EK(band_reduce_workspace)(n, nb))
        return -1;
    scalar *w = &A_(0, n - nb);
    panel_work pw = split_work(nb, work);
    for (int k = 0; n - k - nb > 1; k += nb) {
        int m = n - k - nb, kr = imin(m, nb);
        scalar *p = &A_(k + nb, k), *a22 = &A_(k + nb, k + nb);
        int info = factor_panel(m, nb, p, lda, pw.t, pw.qr);
        if (info != 0)
            return -2;
        expose_reflectors(kr, p, lda, pw.r);
        form_w(m, kr, a22, lda, p, lda, pw.t, w, lda, pw.s);
        xher2k('L', 'N', m, kr, -1, p, lda, w, lda, 1, a22, lda);
        restore_r(kr, p, lda, pw.r);
    }
    return 0;
}
