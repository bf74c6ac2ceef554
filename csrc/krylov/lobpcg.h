/*
 * lobpcg.h -- the locally optimal block preconditioned conjugate gradient
 * method (Knyazev 2001) in reverse communication, for the k extreme
 * eigenpairs of A x = lambda B x (A Hermitian, B Hermitian positive
 * definite, B = I for the standard problem), with a preconditioner M and
 * constraints Y (the iteration stays in the B-orthogonal complement of Y).
 *
 * The kernel never calls an operator: ek_p_lobpcg_step() runs until it
 * needs a product and returns a request code; the caller stores the
 * product and calls step again.
 *
 *   EK_LP_APPLY_A, EK_LP_APPLY_B, EK_LP_APPLY_M
 *                 y := A x, B x or M x for the n x ncols block x (Fortran,
 *                 leading dimension n; x and y never overlap).
 *   EK_LP_REPORT  a Ritz block is ready: rep_values / rep_res (k of each)
 *                 hold its Ritz values and true-residual norms
 *                 ||A x - lambda B x||_2.  Just call step again.
 *   EK_LP_CONVERGED, EK_LP_NOT_CONVERGED   finished; ek_p_lobpcg_extract()
 *                 gives the pairs of the final Rayleigh-Ritz step.
 *   negative      an error (EK_LP_ERR_*).
 *
 * Method (Hetmaniuk & Lehoucq 2006; Duersch, Shao, Yang & Gu 2018): the
 * basis S = [X | P | W] of Ritz vectors, previous directions and
 * preconditioned residuals is kept B-orthonormal block by block (P and W
 * are orthogonalized against what precedes them, twice, then
 * orthonormalized by block_orthonormalize.c), so the Rayleigh-Ritz
 * Gram matrix S^H B S is near the identity and the projected problem is
 * well conditioned; it is still solved as the generalized problem it is,
 * by Cholesky and eigkit's dense solver, and P is dropped when even that
 * Cholesky fails.  Directions that are linearly dependent on the rest are
 * dropped, not fatal.  Converged columns stay in X (soft locking) but get
 * no W or P.  The Ritz block with the smallest mean residual is kept, and
 * the final pairs come from a Rayleigh-Ritz step on it with fresh products
 * A X and B X, so the residuals reported last are true ones.
 *
 * All arrays live in one caller-provided workspace and the kernel has no
 * global mutable state: any number of solves may run at once.  Dependent
 * columns of the initial block are replaced by a splitmix64 stream seeded
 * from par.seed: the same input gives the same result.
 */
#ifndef EK_LOBPCG_H
#define EK_LOBPCG_H
#include <stddef.h>
#include <stdint.h>
#include "common/blas.h"

enum ek_lp_code {
    EK_LP_CONVERGED = 0,
    EK_LP_APPLY_A = 1,
    EK_LP_APPLY_B = 2,
    EK_LP_APPLY_M = 3,
    EK_LP_REPORT = 4,
    EK_LP_NOT_CONVERGED = 5,
    EK_LP_ERR_ARG = -1,          /* inconsistent parameters */
    EK_LP_ERR_WORKSPACE = -2,    /* workspace too small */
    EK_LP_ERR_DENSE = -3,        /* the dense Rayleigh-Ritz solver failed */
    EK_LP_ERR_CONSTRAINTS = -4,  /* Y is rank deficient in the B inner product */
    EK_LP_ERR_B_INDEFINITE = -5  /* B is not positive definite on the basis */
};

typedef struct ek_lobpcg_params {
    int n;               /* order of A */
    int k;               /* block size (wanted pairs), 1 <= k, 3 k <= n - ny */
    int ny;              /* constraint columns, 0 <= ny */
    int largest;         /* 1: the k largest eigenvalues, 0: the smallest */
    int maxiter;         /* Rayleigh-Ritz steps after the first: maxiter + 1 */
    int generalized;     /* B != I */
    int precondition;    /* M != I */
    int restart_control; /* restart when the mean residual grows 2^this-fold */
    int nthreads;        /* eigkit threads for the block products, >= 1 */
    double tol;          /* converged when ||A x - lambda B x||_2 <= tol */
    uint64_t seed;
} ek_lobpcg_params;

typedef struct ek_lobpcg_state {
    ek_lobpcg_params par;
    /* the request */
    int ncols;
    void *x, *y;
    /* progress (read-only for the caller) */
    int iter, nmatvec, nactive, best_report, nreport;
    double asymmetry; /* largest ||G - G^H||_1 / ||G||_1 of a Gram matrix of A */
    void *rep_values, *rep_res; /* real[k] */
    /* internal */
    int phase, np, nw, restart, tries, resumes;
    int gram_known, implicit_steps; /* see projected_eigen() in lobpcg.c */
    double best_mean;
    uint64_t rng;
    void *Y, *BY, *S, *AS, *BS, *best, *tmp, *GA, *GB, *GH, *GXP, *C, *coef, *theta;
    int *active, *pcol;
    void *tall, *ortho, *dense_work;
    size_t dense_bytes;
} ek_lobpcg_state;

#define EK_DECLARE_LOBPCG(p, scalar, real)                                               \
    size_t ek_##p##_lobpcg_workspace(const ek_lobpcg_params *par);                       \
    /* Set up the state in `work` from the initial block x0 (n x k, ld ldx0) and      \
     * the constraints y (n x ny, ld ldy; NULL when ny = 0), both read only here.     \
     * Returns 0 or a negative EK_LP_ERR_*. */                                          \
    int ek_##p##_lobpcg_init(ek_lobpcg_state *st, const ek_lobpcg_params *par,          \
                             void *work, size_t work_bytes, const scalar *x0, int ldx0, \
                             const scalar *y, int ldy);                                 \
    int ek_##p##_lobpcg_step(ek_lobpcg_state *st);                                      \
    /* The k pairs of the last Rayleigh-Ritz step (largest first when               \
     * par.largest, else smallest first): w, true-residual norms and the            \
     * B-orthonormal vectors z (n x k). */                                              \
    void ek_##p##_lobpcg_extract(const ek_lobpcg_state *st, real *w, real *res,         \
                                 scalar *z, int ldz);

EK_DECLARE_LOBPCG(s, float, float)
EK_DECLARE_LOBPCG(d, double, double)
EK_DECLARE_LOBPCG(c, ek_c, float)
EK_DECLARE_LOBPCG(z, ek_z, double)
#undef EK_DECLARE_LOBPCG

#endif
