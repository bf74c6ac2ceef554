/*
 * dense_krylov.h -- a few eigenpairs at one end of the spectrum of a dense
 * Hermitian matrix by block Lanczos, within a work budget, certified.
 *
 * The direct solver reduces A to tridiagonal form whatever the number of
 * pairs wanted: about (4/3) n^3 flops, half of them in matrix-vector
 * products.  When k << n pairs at one end are wanted and the spectrum
 * separates them well (a covariance matrix: PCA), a Krylov method needs a
 * few hundred products A X with blocks X of a few columns, i.e. GEMM, and
 * is many times faster.  When it does not (a flat spectrum: a random
 * symmetric matrix), the Krylov solve would be slower than the direct one,
 * and the caller must learn that early.
 *
 * ek_p_dense_krylov therefore drives the thick-restart block Lanczos kernel
 * (lanczos.h) on the operator of dense_operator.h and keeps account of the
 * work, in units of one product A x with one column (n^2 multiply-adds;
 * each such product is charged 1 + 4 ncv / n of them, for the
 * orthogonalization against the basis and the restarts):
 *   - after every restart cycle it predicts the total work from the rate
 *     at which the largest residual of the wanted estimates fell during
 *     the cycle, and from the second cycle on gives up when the prediction
 *     exceeds the budget;
 *   - it gives up when the work done exceeds the budget;
 *   - on convergence it certifies the pairs by LAPACK's test ratios,
 *         ||A Z - Z W||_1 / (||A||_2est n ulp)  and  ||I - Z^H Z||_1 / (n ulp),
 *     computed from scratch (one more product A Z, and Z^H Z), and gives
 *     up when either exceeds the caller's limit.  ||A||_2est, the largest
 *     Ritz value in magnitude, is at most ||A||_1: the test is stricter than
 *     LAPACK's.
 * "Giving up" is a status, not an error: the caller then runs the direct
 * solver.  The start block is a fixed pseudo-random one (params.seed): the
 * same input gives the same answer.
 *
 * Which pairs: Lanczos with a random start, hard locking and the kernel's
 * verification of multiple eigenvalues finds the k extreme ones with
 * probability one; missing one would take a start block (almost) without
 * component along its eigenvector.
 */
#ifndef EK_DENSE_KRYLOV_H
#define EK_DENSE_KRYLOV_H
#include <stddef.h>
#include <stdint.h>
#include "common/blas.h"
#include "krylov/dense_operator.h"

enum ek_dk_status {
    EK_DK_CERTIFIED = 0,     /* w, z hold the k pairs */
    EK_DK_OVER_BUDGET = 1,   /* the work done or predicted exceeded the budget */
    EK_DK_NOT_CERTIFIED = 2, /* converged, but a test ratio exceeded the limit */
    EK_DK_FAILED = 3,        /* the Lanczos kernel stopped without the k pairs */
    EK_DK_ERR_ARG = -1,
    EK_DK_ERR_WORKSPACE = -2
};

typedef struct ek_dense_krylov_params {
    int k;             /* wanted pairs, 1 <= k < n */
    int largest;       /* 1: the k largest eigenvalues; 0: the k smallest */
    int block;         /* Lanczos block size */
    int ncv;           /* largest active basis, k < ncv <= n */
    int nthreads;      /* eigkit threads for the basis products */
    double budget;     /* work allowed, in products with one column */
    double ratio_limit; /* largest test ratio certified */
    uint64_t seed;
} ek_dense_krylov_params;

typedef struct ek_dense_krylov_info {
    int status;        /* an ek_dk_status */
    int matvecs;       /* products with one column, the certification's included */
    int cycles;        /* restart cycles */
    double predicted;  /* the last prediction of the total work */
    double residual_ratio, orthogonality_ratio; /* the certificate (when converged) */
    double anorm;      /* the norm estimate the ratios use */
} ek_dense_krylov_info;

#define EK_DECLARE_DENSE_KRYLOV(p, scalar, real)                                          \
    size_t ek_##p##_dense_krylov_workspace(int n, const ek_dense_krylov_params *par);     \
    /* The k extreme pairs of the operator: w (k, ascending) and z (n x k, ld ldz).      \
     * Returns an ek_dk_status; w and z are meaningful for EK_DK_CERTIFIED only. */     \
    int ek_##p##_dense_krylov(const ek_dense_operator *op, const ek_dense_krylov_params *par, \
                              real *w, scalar *z, int ldz, void *work, size_t work_bytes,     \
                              ek_dense_krylov_info *info);

EK_DECLARE_DENSE_KRYLOV(s, float, float)
EK_DECLARE_DENSE_KRYLOV(d, double, double)
EK_DECLARE_DENSE_KRYLOV(c, ek_c, float)
EK_DECLARE_DENSE_KRYLOV(z, ek_z, double)
#undef EK_DECLARE_DENSE_KRYLOV

#endif
