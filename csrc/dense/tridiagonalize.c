/*
 * tridiagonalize.c -- blocked Householder reduction of a Hermitian matrix
 * (lower triangle) to real symmetric tridiagonal form: LAPACK's
 * xSYTRD/xHETRD with xLATRD panels.  Z := Q Z is back_transform.c.
 *
 * The scheme of xSYTRD/xHETRD with uplo = 'L'
 * (Dongarra, Sorensen, Hammarling, "Block reduction of matrices to
 * condensed forms for eigenvalue computations", J. Comput. Appl. Math. 27,
 * 1989).  Step i replaces the trailing matrix A by H^H A H with
 * H = I - tau v v^H.  Writing y = A v,
 *     H^H A H = A - w v^H - v w^H,   w = tau y - (1/2) |tau|^2 (v^H y) v,
 * (v^H y = v^H A v is real), a symmetric rank-2 update.  A panel of nb
 * steps is computed without touching the trailing matrix: the updates are
 * accumulated as A - V W^H - W V^H, and A v is corrected by the earlier
 * columns of V and W (xLATRD).  One rank-2nb update (xHER2K) then brings
 * the trailing matrix up to date.  The last columns are reduced one step
 * at a time (xSYTD2/xHETD2).
 *
 * Memory: the panels' [V W] live in A's strict upper triangle, which the
 * reduction never reads (see panel_location); only the first panels, for
 * which it has no room yet, use the caller's workspace, at half width.
 * All workspace comes from the caller.
 */
#include <string.h>
#include "common/types.h"
#include "dense/tridiagonalize.h"
#include "common/dot.h"
#include "common/tuning.h"

#define A_(i, j) EK_AT(a, lda, i, j)

static int imin(int x, int y) { return x < y ? x : y; }
static int imax(int x, int y) { return x > y ? x : y; }

/* ------------------------------------------------------------------ */
/* Unblocked reduction (xSYTD2/xHETD2, uplo = 'L').                    */

/* A := A - v y^H - y v^H on the lower triangle of the len x len A: the
 * rank-2 update of one step, in a loop of our own.  Here len is at most
 * max(TRD_NB, TRD_NX), where a BLAS call costs more than the update, and
 * xHER2K, which the BLAS may thread whatever its size (OpenBLAS does),
 * would wake its threads once a column. */
static void rank2_lower(int len, scalar *a, int lda, const scalar *v, const scalar *y)
{
    for (int j = 0; j < len; j++) {
        scalar *col = &A_(0, j);
        scalar vj = EK_CONJ(v[j]), yj = EK_CONJ(y[j]);
        for (int i = j; i < len; i++)
            col[i] -= v[i] * yj + y[i] * vj;
        col[j] = EK_RE(col[j]);
    }
}

/* Reduce the n x n lower triangle a one column at a time: for each column
 * c, a reflector from xLARFG annihilates A(c+2:n, c), then the trailing
 * matrix gets the rank-2 update A - v w^H - w v^H with w as in the file
 * comment (rank2_lower).  y is n scalars. */
static void reduce_unblocked(int n, scalar *a, int lda, real *d, real *e, scalar *tau, scalar *y)
{
    if (n <= 0)
        return;
    A_(0, 0) = EK_RE(A_(0, 0));
    for (int c = 0; c < n - 1; c++) {
        int len = n - c - 1;
        scalar *v = &A_(c + 1, c);
        scalar tc;
        xlarfg(len, v, &A_(imin(c + 2, n - 1), c), 1, &tc);
        e[c] = EK_RE(*v);
        if (tc != 0) {
            *v = 1;
            xhemv('L', len, tc, &A_(c + 1, c + 1), lda, v, 1, 0, y, 1);
            scalar alpha = -(real)0.5 * tc * dot_conj(len, y, v);
            xaxpy(len, alpha, v, 1, y, 1);
            rank2_lower(len, &A_(c + 1, c + 1), lda, v, y);
            *v = e[c];
        } else {
            A_(c + 1, c + 1) = EK_RE(A_(c + 1, c + 1));
        }
        d[c] = EK_RE(A_(c, c));
        tau[c] = tc;
    }
    d[n - 1] = EK_RE(A_(n - 1, n - 1));
}

/* ------------------------------------------------------------------ */
/* Panel factorization (xLATRD, uplo = 'L').                           */

/* The panel keeps V and W interleaved in x (n x 2nb, leading dimension
 * ldx): column 2j holds v_j (rows j+1:n; the rows above are never read),
 * column 2j+1 holds w_j.  Each correction by the earlier steps,
 *     sum_j v_j (w_j^H u) + w_j (v_j^H u),
 * is then one product with the n x 2c matrix X = [v_0 w_0 v_1 w_1 ...]
 * and the coefficients of u swapped in pairs: two xGEMV where xLATRD
 * makes four (and one instead of two for the column update), on the same
 * data.  As a matrix with leading dimension 2 ldx, x holds V and, from
 * x + ldx, W, which is how the rank-2nb update reads them. */
#define X_(i, j) EK_AT(x, ldx, i, j)

/* Bring column c of the panel up to date with the c earlier steps:
 *     A(c:n, c) -= sum_j v_j conj(w_j(c)) + w_j conj(v_j(c)).
 * buf holds 2c scalars. */
static void panel_update_column(int n, int c, scalar *a, int lda, const scalar *x, int ldx, scalar *buf)
{
    for (int j = 0; j < c; j++) {
        buf[2 * j] = EK_CONJ(X_(c, 2 * j + 1));
        buf[2 * j + 1] = EK_CONJ(X_(c, 2 * j));
    }
    A_(c, c) = EK_RE(A_(c, c));
    xgemv('N', n - c, 2 * c, -1, &X_(c, 0), ldx, buf, 1, 1, &A_(c, c), 1);
}

/* w_c, column 2c+1 of x, for the reflector v = v_c (rows c+1:n):
 *     y = (A - V W^H - W V^H) v = A v - sum_j v_j (w_j^H v) + w_j (v_j^H v)
 * with A the not yet updated trailing block (xHEMV) and the correction as
 * above; then w = tau y + alpha v, alpha = -(1/2) tau (w^H v) as in the
 * file comment.  buf holds 4c scalars. */
static void panel_w_column(int n, int c, const scalar *a, int lda, scalar *x, int ldx, scalar tc, scalar *buf)
{
    int len = n - c - 1;
    const scalar *v = &X_(c + 1, 2 * c);
    scalar *y = &X_(c + 1, 2 * c + 1);
    /* y may hold whatever the caller left in A's upper triangle: with
     * beta = 0 BLAS should not read it, but some versions scale it by 0,
     * which keeps a NaN */
    memset(y, 0, (size_t)len * sizeof(scalar));
    xhemv('L', len, 1, &A_(c + 1, c + 1), lda, v, 1, 0, y, 1);
    if (c > 0) {
        scalar *s = buf, *t = buf + 2 * c;
        xgemv('C', len, 2 * c, 1, &X_(c + 1, 0), ldx, v, 1, 0, s, 1);
        for (int j = 0; j < c; j++) {
            t[2 * j] = s[2 * j + 1];
            t[2 * j + 1] = s[2 * j];
        }
        xgemv('N', len, 2 * c, -1, &X_(c + 1, 0), ldx, t, 1, 1, y, 1);
    }
    xscal(len, tc, y, 1);
    scalar alpha = -(real)0.5 * tc * dot_conj(len, y, v);
    xaxpy(len, alpha, v, 1, y, 1);
}

/* Reduce the first nb columns of the n x n trailing matrix a (n > nb),
 * leaving the reflectors in A(c+1:n, c) with A(c+1, c) = 1, e[c], tau[c],
 * and x as described above, so that the trailing block A(nb:n, nb:n) is
 * brought up to date by A - V W^H - W V^H.  buf holds 4 nb scalars. */
static void reduce_panel(int n, int nb, scalar *a, int lda, real *e, scalar *tau,
                         scalar *x, int ldx, scalar *buf)
{
    for (int c = 0; c < nb; c++) {
        if (c > 0)
            panel_update_column(n, c, a, lda, x, ldx, buf);
        xlarfg(n - c - 1, &A_(c + 1, c), &A_(imin(c + 2, n - 1), c), 1, &tau[c]);
        e[c] = EK_RE(A_(c + 1, c));
        A_(c + 1, c) = 1;
        memcpy(&X_(c + 1, 2 * c), &A_(c + 1, c), (size_t)(n - c - 1) * sizeof(scalar));
        panel_w_column(n, c, a, lda, x, ldx, tau[c], buf);
    }
}

/* ------------------------------------------------------------------ */
/* Blocked reduction (xSYTRD/xHETRD, uplo = 'L').                      */

/* The panel at column i: its width nb and where its [V W] go (x, with
 * leading dimension ldx).  Row r of X (1 <= r < n - i, row 0 is never
 * used) and column k go to row r - 1 of column n - 2nb + k of A, which is
 * in the strict upper triangle when n - i - 2 < n - 2nb, i.e. 2nb <= i + 1;
 * the widest such panel up to EK_TUNE_TRD_NB is taken.  The first panels
 * (i below 2 EK_TUNE_TRD_NB_FIRST - 1) go to the n x 2 EK_TUNE_TRD_NB_FIRST
 * workspace instead: the narrower width keeps that no larger than LAPACK's
 * n x nb. */
static int panel_location(int n, int i, scalar *a, int lda, scalar *work, scalar **x, int *ldx)
{
    int nb = imin(EK_TUNE_TRD_NB, (i + 1) / 2);
    if (nb < EK_TUNE_TRD_NB_FIRST) {
        *x = work;
        *ldx = n;
        return EK_TUNE_TRD_NB_FIRST;
    }
    *x = &A_(0, n - 2 * nb) - 1;
    *ldx = lda;
    return nb;
}

size_t EK(tridiagonalize_workspace)(int n)
{
    /* The first panels' n x 2nb [V W], 4 EK_TUNE_TRD_NB scalars of
     * coefficients, and tau when the caller keeps none: a panel's or the
     * unblocked tail's, at most max(nb, nx) of them. */
    return (size_t)imax(n, 1) * 2 * EK_TUNE_TRD_NB_FIRST + 4 * EK_TUNE_TRD_NB
           + imax(EK_TUNE_TRD_NB, EK_TUNE_TRD_NX);
}

/* Panels of nb columns while more than nx columns remain: the panel
 * (xLATRD), then the rank-2nb update of the trailing matrix (xHER2K),
 * then the subdiagonal (kept at 1 during the panel, being the unit entry
 * of the reflectors) gets e back; the remaining columns unblocked.  Without
 * tau each panel's scalars go to the workspace, dead once it is applied. */
int EK(tridiagonalize)(int n, scalar *a, int lda, real *d, real *e, scalar *tau, scalar *work, size_t lwork)
{
    if (n <= 0)
        return 0;
    if (lwork < EK(tridiagonalize_workspace)(n))
        return -1;
    const int nx = imax(EK_TUNE_TRD_NB, EK_TUNE_TRD_NX);
    scalar *buf = work + (size_t)n * 2 * EK_TUNE_TRD_NB_FIRST;
    scalar *scratch_tau = buf + 4 * EK_TUNE_TRD_NB;
    int i = 0;
    while (n - i > nx) {
        int m = n - i, ldx;
        scalar *x;
        int nb = panel_location(n, i, a, lda, work, &x, &ldx);
        scalar *tp = tau != NULL ? tau + i : scratch_tau;
        reduce_panel(m, nb, &A_(i, i), lda, e + i, tp, x, ldx, buf);
        xher2k('L', 'N', m - nb, nb, -1, &X_(nb, 0), 2 * ldx, &X_(nb, 1), 2 * ldx, 1,
               &A_(i + nb, i + nb), lda);
        for (int j = i; j < i + nb; j++) {
            A_(j + 1, j) = e[j];
            d[j] = EK_RE(A_(j, j));
        }
        i += nb;
    }
    reduce_unblocked(n - i, &A_(i, i), lda, d + i, e + i, tau != NULL ? tau + i : scratch_tau,
                     work);
    return 0;
}
