/*
 * tridiagonal_eigen.c -- the driver for a real symmetric tridiagonal T
 * (LAPACK's xSTEVD and xSTEVX).
 *
 * All eigenpairs come from implicit QR below order EK_TUNE_DC_CROSSOVER
 * and from divide and conquer above it; values only from the root-free
 * QR.  A selection (index range or value interval) comes from Sturm
 * bisection, and its vectors from inverse iteration, so that k eigenpairs
 * of T cost O(n k) rather than the O(n^3) of the full solve with vectors
 * (LAPACK's xSTEBZ + xSTEIN, as used by xSYEVX).
 *
 * Inverse iteration must orthogonalize each vector against its cluster,
 * and on a dense spectrum every eigenvalue chains into one cluster: its
 * cost grows like n m^2 in BLAS-1 work.  A selection of more than
 * n / EK_TUNE_SUBSET_FULL_SOLVE pairs (a quarter of the spectrum) is
 * therefore taken from the full solve instead (selection.h gives it room
 * for n vectors).
 */
#include <string.h>
#include "common/types.h"
#include "common/tuning.h"
#include "tridiagonal/bisection.h"
#include "tridiagonal/divide_conquer.h"
#include "tridiagonal/inverse_iteration.h"
#include "tridiagonal/tridiagonal_eigen.h"
#include "tridiagonal/tridiagonal_qr.h"

static size_t max_size(size_t a, size_t b) { return a > b ? a : b; }

/* Reals divide and conquer needs, its ints included (stored after the
 * reals: a real-aligned offset is int-aligned). */
static size_t dc_reals(int n)
{
    size_t ints = EK(divide_conquer_iworkspace)(n);
    return EK(divide_conquer_workspace)(n) + (ints * sizeof(int) + sizeof(real) - 1) / sizeof(real);
}

/* Reals of the solver of all eigenpairs with vectors. */
static size_t reals_for_all(int n)
{
    size_t qr = EK(tridiagonal_qr_workspace)(n);
    return n >= EK_TUNE_DC_CROSSOVER ? max_size(qr, dc_reals(n)) : qr;
}

/* Reals of workspace beyond the copies of d and e.  A selection with room
 * for n vectors may be solved in full (selection.h). */
static size_t reals_for_solver(int n, int want_vectors, const ek_selection *sel)
{
    if (!want_vectors)
        return 0;
    if (sel->kind == EK_SELECT_ALL)
        return reals_for_all(n);
    size_t full = ek_selection_capacity(sel, n) == n ? reals_for_all(n)
                                                     : EK(tridiagonal_qr_workspace)(n);
    return max_size(full, EK(inverse_iteration_workspace)(n));
}

size_t EK(tridiagonal_eigen_workspace)(int n, int want_vectors, const ek_selection *sel)
{
    size_t nn = (size_t)(n > 0 ? n : 1);
    size_t bytes = (2 * nn + reals_for_solver(n, want_vectors, sel)) * sizeof(real);
    if (want_vectors && sel->kind != EK_SELECT_ALL)
        bytes += EK(inverse_iteration_iworkspace)(n) * sizeof(int) + sizeof(int);
    return bytes;
}

static void set_identity(int n, real *z, int ldz)
{
    for (int j = 0; j < n; j++) {
        memset(&EK_AT(z, ldz, 0, j), 0, (size_t)n * sizeof(real));
        EK_AT(z, ldz, j, j) = 1;
    }
}

/* All eigenvalues, and with want_vectors all eigenvectors, by QR, or by
 * divide and conquer from order EK_TUNE_DC_CROSSOVER (when the workspace
 * has room for it, which tridiagonal_eigen_workspace provides). */
static int solve_all(int n, const real *d, const real *e, int want_vectors, real *w,
                     real *z, int ldz, real *work, size_t nwork, int nthreads)
{
    real *ework = work;  /* QR and DC destroy the off-diagonal: work on a copy */
    memcpy(w, d, (size_t)n * sizeof(real));
    if (n > 1)
        memcpy(ework, e, (size_t)(n - 1) * sizeof(real));
    if (!want_vectors)
        return EK(tridiagonal_eigvals)(n, w, ework);
    if (n >= EK_TUNE_DC_CROSSOVER && nwork >= (size_t)n + dc_reals(n)) {
        size_t lwork = EK(divide_conquer_workspace)(n);
        int *iwork = (int *)(work + n + lwork);
        return EK(divide_conquer)(n, w, ework, z, ldz, work + n, lwork, iwork,
                                  EK(divide_conquer_iworkspace)(n), nthreads);
    }
    set_identity(n, z, ldz);
    return EK(tridiagonal_qr)(n, w, ework, z, ldz, work + n, nwork - (size_t)n, nthreads);
}

/* Bisection needs a finite bracket: an infinite end of (vl, vu] is replaced
 * by a point just outside the Gershgorin interval, which holds every
 * eigenvalue of T, so the selection is unchanged. */
static void clamp_to_gershgorin(int n, const real *d, const real *e, double *vl, double *vu)
{
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (int i = 0; i < n; i++) {
        double r = (i > 0 ? fabs((double)e[i - 1]) : 0) + (i < n - 1 ? fabs((double)e[i]) : 0);
        lo = fmin(lo, (double)d[i] - r);
        hi = fmax(hi, (double)d[i] + r);
    }
    const double limit = EK_REAL_MAX;
    const double pad = 1 + 4 * fmax(fabs(lo), fabs(hi));
    if (*vl < lo)
        *vl = fmax(lo - pad, -limit);
    if (*vu > hi)
        *vu = fmin(hi + pad, limit);
}

/* The selection as the index range il..iu of the ascending spectrum: a
 * value interval (vl, vu] holds the eigenvalues counted above vl and up to
 * vu by the Sturm count (which counts eigenvalues <= x). */
static void selected_ranks(int n, const real *d, const real *e, const ek_selection *sel,
                           int *il, int *iu)
{
    if (sel->kind == EK_SELECT_INDEX) {
        *il = sel->il;
        *iu = sel->iu;
        return;
    }
    double vl = sel->vl, vu = sel->vu;
    clamp_to_gershgorin(n, d, e, &vl, &vu);
    *il = EK(sturm_count)(n, d, e, (real)vl);
    *iu = EK(sturm_count)(n, d, e, (real)vu) - 1;
}

/* Eigenpairs il..iu from the full QR: all n pairs into w and Z (which has
 * room for n columns), then the selected ones moved to the front. */
static int solve_all_then_select(int n, const real *d, const real *e, int il, int iu,
                                 real *w, real *z, int ldz, real *work, size_t nwork,
                                 int nthreads)
{
    int info = solve_all(n, d, e, 1, w, z, ldz, work, nwork, nthreads);
    if (info != 0 || il == 0)
        return info;
    int m = iu - il + 1;
    memmove(w, w + il, (size_t)m * sizeof(real));
    for (int j = 0; j < m; j++)
        memcpy(&EK_AT(z, ldz, 0, j), &EK_AT(z, ldz, 0, il + j), (size_t)n * sizeof(real));
    return 0;
}

/* Selected eigenvalues by bisection; the count into *m. */
static int bisect_selection(int n, const real *d, const real *e, const ek_selection *sel,
                            real abstol, real *w, int *m)
{
    if (sel->kind == EK_SELECT_INDEX) {
        *m = sel->iu - sel->il + 1;
        return EK(eigvals_by_index)(n, d, e, sel->il, sel->iu, abstol, w);
    }
    double vl = sel->vl, vu = sel->vu;
    clamp_to_gershgorin(n, d, e, &vl, &vu);
    return EK(eigvals_by_value)(n, d, e, (real)vl, (real)vu, abstol, m, w);
}

int EK(tridiagonal_eigen)(int n, const real *d, const real *e, int want_vectors,
                          const ek_selection *sel, real abstol, real *w, int *m, real *z,
                          int ldz, void *work, size_t work_bytes, int nthreads)
{
    *m = 0;
    if (n <= 0)
        return 0;
    if (sel->kind == EK_SELECT_INDEX && !(0 <= sel->il && sel->il <= sel->iu && sel->iu < n))
        return -1;
    if (work_bytes < EK(tridiagonal_eigen_workspace)(n, want_vectors, sel))
        return -1;
    real *rwork = (real *)work;
    size_t nreal = 2 * (size_t)n + reals_for_solver(n, want_vectors, sel);

    if (sel->kind == EK_SELECT_ALL) {
        *m = n;
        return solve_all(n, d, e, want_vectors, w, z, ldz, rwork, nreal, nthreads);
    }
    if (want_vectors) {
        int il, iu;
        selected_ranks(n, d, e, sel, &il, &iu);
        if (iu < il)
            return 0;
        if (ek_selection_prefers_full_solve(n, iu - il + 1)) {
            *m = iu - il + 1;
            return solve_all_then_select(n, d, e, il, iu, w, z, ldz, rwork, nreal, nthreads);
        }
    }
    int info = bisect_selection(n, d, e, sel, abstol, w, m);
    if (info != 0 || !want_vectors || *m == 0)
        return info;
    int *iwork = (int *)(rwork + nreal);
    return EK(inverse_iteration)(n, d, e, *m, w, z, ldz, rwork, iwork);
}
