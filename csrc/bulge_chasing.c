/*
 * bulge_chasing.c -- stage 2 of the two-stage tridiagonalization: a
 * Hermitian band matrix of bandwidth b to real symmetric tridiagonal form
 * by Householder bulge chasing, eigenvalues only (the reflectors are not
 * kept).
 *
 * The scheme of LAPACK 3.7's xSYTRD_SB2ST / xSB2ST_KERNELS (Haidar,
 * Ltaief, Dongarra, SC'11; Haidar, Luszczek, Kurzak, Dongarra, "An
 * improved parallel singular value algorithm and its implementation for
 * multicore hardware", SC'13), after Lang's and Bischof-Lang-Sun's band
 * reduction.  Sweep i makes column i tridiagonal:
 *   - a reflector H_0 from A(i+1:i+1+b, i), applied from both sides to the
 *     diagonal block D_0 = A(s_0:s_0+b, s_0:s_0+b), s_0 = i+1;
 *   - step j >= 1 with s_j = s_{j-1} + b: the block below,
 *     B_j = A(s_j:s_j+b, s_{j-1}:s_{j-1}+b), gets H_{j-1} from the right,
 *     which fills it (the bulge); a reflector H_j annihilates the first
 *     column of B_j only, is applied from the left to the rest of B_j and
 *     from both sides to D_j.
 * The part of the bulge left in B_j's other columns lies exactly in the
 * first columns of the blocks of sweep i+1, which annihilates it: every
 * step stays O(b^2) and the band never grows beyond 2b-1 subdiagonals.
 *
 * The band lives in a compact column-major array of ldab = 2b rows,
 * A(r, c) at ab[c ldab + r - c] for 0 <= r - c < 2b; read with leading
 * dimension ldab - 1 it is an ordinary column-major matrix for every entry
 * of that range (LAPACK's band-storage trick), so D_j and B_j are plain
 * small matrices, a few kilobytes each, in cache for the whole step.
 */
#include <string.h>
#include "types.h"
#include "bulge_chasing.h"

static int imin(int x, int y) { return x < y ? x : y; }
static int imax(int x, int y) { return x > y ? x : y; }

#if defined(__x86_64__) && !defined(__clang__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define CHASE_CLONES __attribute__((target_clones("avx512f", "avx2,fma", "default")))
#endif
#endif
#ifndef CHASE_CLONES
#define CHASE_CLONES
#endif

int EK(band_storage_rows)(int n, int b)
{
    return 2 * imax(1, imin(b, n - 1));
}

size_t EK(band_to_tridiagonal_workspace)(int n, int b)
{
    return 3 * (size_t)imax(1, imin(b, n - 1));
}

int EK(band_pack)(int n, int b, const scalar *a, int lda, scalar *ab, int ldab)
{
    b = imax(1, imin(b, n - 1));
    if (ldab < 2 * b)
        return -1;
    for (int c = 0; c < n; c++) {
        scalar *col = ab + (size_t)c * ldab;
        int len = imin(b + 1, n - c);
        memcpy(col, &EK_AT(a, lda, c, c), (size_t)len * sizeof(scalar));
        memset(col + len, 0, (size_t)(ldab - len) * sizeof(scalar));
    }
    return 0;
}

/* conj(x)^T y; for real types with eight partial sums so that it
 * vectorizes (the order of the additions is then fixed, not the
 * compiler's). */
static inline scalar dotc(int n, const scalar *x, const scalar *y)
{
#if EK_IS_COMPLEX
    scalar s = 0;
    for (int i = 0; i < n; i++)
        s += EK_CONJ(x[i]) * y[i];
    return s;
#else
    real acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int i = 0;
    for (; i + 7 < n; i += 8)
        for (int k = 0; k < 8; k++)
            acc[k] += x[i + k] * y[i + k];
    for (; i < n; i++)
        acc[0] += x[i] * y[i];
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
#endif
}

static inline void axpy(int n, scalar alpha, const scalar *x, scalar *y)
{
    for (int i = 0; i < n; i++)
        y[i] += alpha * x[i];
}

/* A reflector from the column x (len entries, contiguous): x(0) becomes
 * beta, v (v(0) = 1) the reflector, and x(1:len) zero.  Returns tau. */
static inline scalar make_reflector(int len, scalar *x, scalar *v)
{
    scalar tau = 0;
    if (len > 1)
        xlarfg(len, x, x + 1, 1, &tau);
    v[0] = 1;
    if (len > 1) {
        memcpy(v + 1, x + 1, (size_t)(len - 1) * sizeof(scalar));
        memset(x + 1, 0, (size_t)(len - 1) * sizeof(scalar));
    }
    return tau;
}

/* D := H^H D H for the Hermitian len x len block D (lower triangle,
 * leading dimension ld), H = I - tau v v^H (xLARFY): with y = D v,
 *     w = tau y - (1/2) |tau|^2 (v^H y) v,   D := D - v w^H - w v^H.
 * w is len scalars of workspace. */
static inline void two_sided_update(int len, scalar *d, int ld, const scalar *v, scalar tau,
                                    scalar *w)
{
    if (tau == 0)
        return;
    memset(w, 0, (size_t)len * sizeof(scalar));
    for (int q = 0; q < len; q++) {
        scalar *col = d + (size_t)q * ld;
        int rest = len - q - 1;
        axpy(rest, v[q], col + q + 1, w + q + 1);
        w[q] += EK_RE(col[q]) * v[q] + dotc(rest, col + q + 1, v + q + 1);
    }
    for (int p = 0; p < len; p++)
        w[p] *= tau;
    scalar alpha = -(real)0.5 * tau * dotc(len, w, v);
    axpy(len, alpha, v, w);
    for (int q = 0; q < len; q++) {
        scalar *col = d + (size_t)q * ld;
        scalar cw = -EK_CONJ(w[q]), cv = -EK_CONJ(v[q]);
        for (int p = q; p < len; p++)
            col[p] += v[p] * cw + w[p] * cv;
        col[q] = EK_RE(col[q]);
    }
}

/* Step j of a sweep on the rows x cols block B (leading dimension ld):
 * B := B H for the previous reflector (v, tau) (cols entries), which fills
 * B; then a reflector (vn, returned tau) from B's first column, applied
 * from the left to the other columns.  y is rows scalars of workspace. */
static inline scalar chase_block(int rows, int cols, scalar *b, int ld, const scalar *v,
                                 scalar tau, scalar *vn, scalar *y)
{
    memset(y, 0, (size_t)rows * sizeof(scalar));
    if (tau != 0)
        for (int q = 0; q < cols; q++)
            axpy(rows, v[q], b + (size_t)q * ld, y);
    if (tau != 0)
        axpy(rows, -tau, y, b);
    scalar taun = make_reflector(rows, b, vn);
    scalar ctaun = EK_CONJ(taun);
    for (int q = 1; q < cols; q++) {
        scalar *col = b + (size_t)q * ld;
        if (tau != 0)
            axpy(rows, -tau * EK_CONJ(v[q]), y, col);
        if (taun != 0)
            axpy(rows, -ctaun * dotc(rows, vn, col), vn, col);
    }
    return taun;
}

/* Sweep i: the chain of steps from column i down to the end of the band.
 * a is the band read as a matrix with leading dimension ld = ldab - 1. */
CHASE_CLONES
static void sweep(int n, int b, int i, scalar *a, int ld, scalar *work)
{
    scalar *v = work, *vn = work + b, *w = work + 2 * (size_t)b;
    int s = i + 1, len = imin(b, n - s);
    scalar tau = make_reflector(len, &EK_AT(a, ld, s, i), v);
    two_sided_update(len, &EK_AT(a, ld, s, s), ld, v, tau, w);
    for (int sn = s + len; sn < n; sn += len) {
        int rows = imin(b, n - sn);
        scalar taun = chase_block(rows, len, &EK_AT(a, ld, sn, s), ld, v, tau, vn, w);
        two_sided_update(rows, &EK_AT(a, ld, sn, sn), ld, vn, taun, w);
        scalar *t = v;
        v = vn;
        vn = t;
        tau = taun;
        s = sn;
        len = rows;
    }
}

int EK(band_to_tridiagonal)(int n, int b, scalar *ab, int ldab, real *d, real *e,
                            scalar *work, size_t lwork)
{
    if (n <= 0)
        return 0;
    b = imax(1, imin(b, n - 1));
    if (ldab < 2 * b || lwork < EK(band_to_tridiagonal_workspace)(n, b))
        return -1;
    int ld = ldab - 1;
    if (b > 1)
        for (int i = 0; i < n - 2; i++)
            sweep(n, b, i, ab, ld, work);
    for (int i = 0; i < n; i++)
        d[i] = EK_RE(ab[(size_t)i * ldab]);
    /* A complex subdiagonal entry t becomes |t| under a diagonal unitary
     * similarity, which leaves the eigenvalues alone. */
    for (int i = 0; i < n - 1; i++)
        e[i] = EK_ABS(ab[(size_t)i * ldab + 1]);
    return 0;
}
