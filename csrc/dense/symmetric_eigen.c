/*
 * symmetric_eigen.c -- the dense Hermitian eigensolver driver, in the
 * order of LAPACK's xSYEV family:
 *   1. scale A into [sqrt(smlnum), sqrt(bignum)] so that no intermediate
 *      overflows or underflows (xSYEV's scaling);
 *   2. A = Q T Q^H, T real tridiagonal (tridiagonalize.c);
 *   3. T = Q_T W Q_T^T for the selected pairs (tridiagonal_eigen.c);
 *   4. Z = Q Q_T by blocked reflector application (back_transform.c);
 *      eigenvalues unscaled.
 * Also the Cholesky reduction of the generalized problem (xSYGV).
 *
 * Memory, for all eigenpairs: besides A (which keeps the reflectors in its
 * lower triangle, as in LAPACK) and Z, only what the tridiagonal solver
 * needs (divide and conquer: about 3/4 n^2 reals, divide_conquer.c) and
 * O(n) vectors.  Q_T is computed in Z itself, which then receives the
 * back-transformation in place; for complex A, in Z's memory read as a
 * real matrix, widened in place.  The workspaces of the three stages are
 * one region, used by each stage in turn.  LAPACK's xSYEVD needs A, Z
 * and 2 n^2 reals of workspace.
 *
 * Memory, eigenvalues only: besides A and w, n reals (e) and n x 32
 * scalars (the first panels of the reduction; the later ones live in A's
 * strict upper triangle, tridiagonalize.c), where xSYEVD's xSYTRD takes
 * n x 32 scalars and 2 n (xHEEVD: n x 33 complex, n real).  The two-stage
 * path (n >= 2500) needs four 48 x 48 blocks: its panels' W and the
 * compact band, d, e and the solver's workspace all go into A's storage.
 */
#include <string.h>
#include "common/types.h"
#include "common/tuning.h"
#include "dense/symmetric_eigen.h"
#include "tridiagonal/tridiagonal_eigen.h"
#include "dense/tridiagonalize.h"
#include "dense/back_transform.h"
#include "dense/band_reduction.h"
#include "dense/bulge_chasing.h"

/* Byte offsets of the pieces of the workspace, each aligned for scalar:
 * d, e and tau live throughout; the stages (reduction, tridiagonal solve,
 * back-transformation) share the region at `stage`, one after another.
 * Without vectors there is no tau and no d: the reduction leaves the
 * diagonal in w, and the solver gets copies of d and e at the start of
 * `stage` (then free), its own workspace after them. */
typedef struct {
    size_t d, e, tau, stage, total;
    size_t nreduce, ntsolve, nreflect;
} layout;

static size_t align_up(size_t bytes)
{
    const size_t a = 64;
    return (bytes + a - 1) / a * a;
}

static size_t max_size(size_t a, size_t b) { return a > b ? a : b; }

static layout plan(int n, int want_vectors, const ek_selection *sel)
{
    layout L;
    size_t nn = (size_t)(n > 0 ? n : 1);
    size_t cap = (size_t)(ek_selection_capacity(sel, n) > 0 ? ek_selection_capacity(sel, n) : 1);
    size_t off = 0;
    L.e = off;       off = align_up(off + nn * sizeof(real));
    L.d = off;       off = want_vectors ? align_up(off + nn * sizeof(real)) : off;
    L.tau = off;     off = want_vectors ? align_up(off + nn * sizeof(scalar)) : off;
    L.nreduce = EK(tridiagonalize_workspace)(n);
    L.ntsolve = EK_REAL(tridiagonal_eigen_workspace)(n, want_vectors, sel);
    if (!want_vectors)
        L.ntsolve += 2 * align_up(nn * sizeof(real));
    L.nreflect = want_vectors ? EK(apply_reflectors_workspace)(n, (int)cap) : 0;
    L.stage = off;
    L.total = align_up(off + max_size(max_size(L.nreduce * sizeof(scalar), L.ntsolve),
                                      L.nreflect * sizeof(scalar)));
    return L;
}

size_t EK(symmetric_eigen_workspace)(int n, int want_vectors, const ek_selection *sel)
{
    return plan(n, want_vectors, sel).total;
}

/* Factor by which to scale A so that its largest entry lies in
 * [sqrt(smlnum), sqrt(bignum)], as xSYEV does; 1 when it already does. */
static real scaling_factor(int n, const scalar *a, int lda)
{
    /* four running maxima and a NaN flag, free of the branch on every
     * entry that a single running maximum with NaN propagation takes */
    real mx[4] = {0, 0, 0, 0};
    int nan = 0;
    for (int j = 0; j < n; j++) {
        const scalar *col = &EK_AT(a, lda, 0, j);
        int i = j;
        for (; i + 4 <= n; i += 4)
            for (int t = 0; t < 4; t++) {
                real v = EK_ABS(col[i + t]);
                mx[t] = v > mx[t] ? v : mx[t];
                nan |= v != v;
            }
        for (; i < n; i++) {
            real v = EK_ABS(col[i]);
            mx[0] = v > mx[0] ? v : mx[0];
            nan |= v != v;
        }
    }
    if (nan)
        return 1;
    real anrm = mx[0];
    for (int t = 1; t < 4; t++)
        anrm = mx[t] > anrm ? mx[t] : anrm;
    const real smlnum = EK_SAFMIN / EK_EPS;
    const real rmin = EK_SQRT(smlnum);
    const real rmax = EK_SQRT(1 / smlnum);
    if (anrm > 0 && anrm < rmin)
        return rmin / anrm;
    if (anrm > rmax)
        return rmax / anrm;
    return 1;
}

static void scale_lower(int n, scalar *a, int lda, real sigma)
{
    for (int j = 0; j < n; j++)
        for (int i = j; i < n; i++)
            EK_AT(a, lda, i, j) *= sigma;
}

/* xSYEV's scaling step: scale the lower triangle of A into the safe
 * range, and the value interval of *sel with it (into *scaled).  Returns
 * the factor, which unscale_values undoes on the eigenvalues. */
static real scale_into_range(int n, scalar *a, int lda, const ek_selection *sel,
                             ek_selection *scaled)
{
    real sigma = scaling_factor(n, a, lda);
    *scaled = *sel;
    if (sigma != 1) {
        scale_lower(n, a, lda, sigma);
        scaled->vl *= sigma;
        scaled->vu *= sigma;
    }
    return sigma;
}

static void unscale_values(int m, real *w, real sigma)
{
    if (sigma != 1)
        for (int i = 0; i < m; i++)
            w[i] /= sigma;
}

#if EK_IS_COMPLEX
/* The real n x m matrix stored with leading dimension n at the start of
 * z becomes the complex matrix z (ld ldz >= n) with the same values.
 * Entry p = i + j n of the real matrix goes to entry q = i + j ldz of the
 * complex one, whose bytes start at 2 q >= 2 p reals: going backwards,
 * every write lands at or after the entry it reads and after all entries
 * still to be read.  memcpy, since the bytes change type. */
static void widen_in_place(int n, int m, scalar *z, int ldz)
{
    char *bytes = (char *)(void *)z;
    for (int j = m - 1; j >= 0; j--)
        for (int i = n - 1; i >= 0; i--) {
            real x;
            memcpy(&x, bytes + ((size_t)j * n + i) * sizeof(real), sizeof x);
            scalar v = x;
            memcpy(bytes + ((size_t)j * ldz + i) * sizeof(scalar), &v, sizeof v);
        }
}
#endif

/* Eigenvalues only: T's diagonal is reduced into w, then w and e are
 * copied to the free stage region for the solver, which writes w. */
static int eigvals_of_reduced(int n, real *w, const real *e, const ek_selection *scaled, int *m,
                              char *stage, size_t nstage, int nthreads)
{
    size_t part = align_up((size_t)n * sizeof(real));
    real *d2 = (real *)(void *)stage, *e2 = (real *)(void *)(stage + part);
    memcpy(d2, w, (size_t)n * sizeof(real));
    memcpy(e2, e, (size_t)(n - 1) * sizeof(real));
    return EK_REAL(tridiagonal_eigen)(n, d2, e2, 0, scaled, 0, w, m, NULL, 1, stage + 2 * part,
                                      nstage - 2 * part, nthreads);
}

int EK(symmetric_eigen)(int n, scalar *a, int lda, int want_vectors, const ek_selection *sel,
                        real *w, int *m, scalar *z, int ldz, void *work, size_t work_bytes, int nthreads)
{
    *m = 0;
    if (n <= 0)
        return 0;
    layout L = plan(n, want_vectors, sel);
    if (work_bytes < L.total)
        return -1;
    char *base = (char *)work;
    real *d = want_vectors ? (real *)(base + L.d) : w;
    real *e = (real *)(base + L.e);
    scalar *tau = want_vectors ? (scalar *)(base + L.tau) : NULL;

    ek_selection scaled;
    real sigma = scale_into_range(n, a, lda, sel, &scaled);

    void *stage = base + L.stage;
    int info = EK(tridiagonalize)(n, a, lda, d, e, tau, (scalar *)stage, L.nreduce);
    if (info != 0)
        return info;
    if (!want_vectors) {
        info = eigvals_of_reduced(n, w, e, &scaled, m, stage, L.total - L.stage, nthreads);
        if (info != 0)
            return info;
        unscale_values(*m, w, sigma);
        return 0;
    }

    /* For complex A, Z's memory read as a real n x cap matrix (ld n) fits:
     * Z has room for ldz >= n complex entries per column. */
    real *zt = (real *)(void *)z;
    int ldzt = EK_IS_COMPLEX ? n : ldz;
    info = EK_REAL(tridiagonal_eigen)(n, d, e, want_vectors, &scaled, 0, w, m, zt, ldzt,
                                      stage, L.ntsolve, nthreads);
    if (info != 0)
        return info;

    if (*m > 0) {
#if EK_IS_COMPLEX
        widen_in_place(n, *m, z, ldz);
#endif
        info = EK(apply_reflectors)(n, *m, a, lda, tau, z, ldz, (scalar *)stage, L.nreflect);
        if (info != 0)
            return info;
    }
    unscale_values(*m, w, sigma);
    return 0;
}

int EK(generalized_reduce)(int itype, int n, scalar *a, int lda, scalar *b, int ldb)
{
    int info = 0;
    if (n <= 0)
        return 0;
    xpotrf('L', n, b, ldb, &info);
    if (info != 0)
        return info;
    xhegst(itype, 'L', n, a, lda, b, ldb, &info);
    return info;
}

void EK(generalized_recover)(int itype, int n, int m, const scalar *b, int ldb, scalar *z, int ldz)
{
    if (n <= 0 || m <= 0)
        return;
    if (itype == 3)
        xtrmm('L', 'L', 'N', 'N', n, m, 1, b, ldb, z, ldz);
    else
        xtrsm('L', 'L', 'C', 'N', n, m, 1, b, ldb, z, ldz);
}

/* ------------------------------------------------------------------ */
/* Eigenvalues only, by the two-stage reduction: A -> band (stage 1,   */
/* band_reduction.c, level-3 BLAS) -> tridiagonal (stage 2,            */
/* bulge_chasing.c, on a compact copy of the band) -> the values of T. */

/* Stage 1 needs four nb x nb blocks (band_reduction.c keeps V and W in A).
 * Everything after it goes, when there is room, into A's own storage,
 * dead by then but for the band: the compact band (n x ldab) at its
 * start, packed column by column -- band column c, read from offset
 * c (lda + 1), is written to c ldab <= that, and no later band column
 * starts before (c + 1)(lda + 1) >= (c + 1) ldab -- then the chasing's
 * workspace, d, e and the tridiagonal solver's workspace.  That takes
 * lda = n (no rows of someone else's array in between) and n a little
 * above ldab.  Otherwise those pieces share the external region with
 * stage 1's, one stage after the other.  Offsets in bytes from the start
 * of whichever region holds them. */
typedef struct {
    int b, ldab, in_a;
    size_t chase, d, e, tsolve, after_band;
    size_t nreduce, nchase, total;
} two_stage_layout;

static two_stage_layout plan_two_stage(int n, int lda, int nb, const ek_selection *sel,
                                       int nthreads)
{
    two_stage_layout L;
    size_t nn = (size_t)(n > 0 ? n : 1);
    L.b = nb > 0 ? nb : EK_TUNE_TWO_STAGE_BAND;
    L.ldab = EK(band_storage_rows)(n, L.b);
    L.nreduce = EK(band_reduce_workspace)(n, L.b);
    L.nchase = EK(band_to_tridiagonal_workspace)(n, L.b, nthreads);
    size_t off = align_up(nn * (size_t)L.ldab * sizeof(scalar));
    L.chase = off;  off = align_up(off + L.nchase * sizeof(scalar));
    L.d = off;      off = align_up(off + nn * sizeof(real));
    L.e = off;      off = align_up(off + nn * sizeof(real));
    L.tsolve = off; off = align_up(off + EK_REAL(tridiagonal_eigen_workspace)(n, 0, sel));
    L.after_band = off;
    L.in_a = lda == n && off <= nn * nn * sizeof(scalar);
    size_t reduce = align_up(L.nreduce * sizeof(scalar));
    L.total = L.in_a ? reduce : max_size(reduce, L.after_band);
    return L;
}

size_t EK(symmetric_eigvals_two_stage_workspace)(int n, int lda, int nb, const ek_selection *sel,
                                                  int nthreads)
{
    return plan_two_stage(n, lda, nb, sel, nthreads).total;
}

int EK(symmetric_eigvals_two_stage)(int n, scalar *a, int lda, int nb, const ek_selection *sel,
                                    real *w, int *m, void *work, size_t work_bytes, int nthreads)
{
    *m = 0;
    if (n <= 0)
        return 0;
    two_stage_layout L = plan_two_stage(n, lda, nb, sel, nthreads);
    if (work_bytes < L.total)
        return -1;

    ek_selection scaled;
    real sigma = scale_into_range(n, a, lda, sel, &scaled);

    int info = EK(band_reduce)(n, L.b, a, lda, (scalar *)work, L.nreduce);
    if (info != 0)
        return -1;
    char *base = L.in_a ? (char *)(void *)a : (char *)work;
    scalar *ab = (scalar *)(void *)base;
    real *d = (real *)(void *)(base + L.d), *e = (real *)(void *)(base + L.e);
    EK(band_pack)(n, L.b, a, lda, ab, L.ldab);
    info = EK(band_to_tridiagonal)(n, L.b, ab, L.ldab, d, e, (scalar *)(void *)(base + L.chase),
                                   L.nchase, nthreads);
    if (info != 0)
        return -1;
    info = EK_REAL(tridiagonal_eigen)(n, d, e, 0, &scaled, 0, w, m, NULL, 1, base + L.tsolve,
                                      L.after_band - L.tsolve, nthreads);
    if (info != 0)
        return info;
    unscale_values(*m, w, sigma);
    return 0;
}
