/*
 * lanczos.h -- thick-restart block Lanczos in reverse communication
 * (Wu & Simon 2000; ARPACK's reverse-communication interface).
 *
 * Finds k eigenpairs of an operator OP that is self-adjoint in the inner
 * product <x, y>_B = x^H B y (B = I for the standard problem).  The kernel
 * never calls the operator itself: ek_p_lanczos_step() runs the recurrence
 * until it needs something from the caller and returns a request code.
 *
 *   EK_LZ_APPLY_OP  y := OP x for the n x ncols block x (Fortran, ld = ld);
 *                   when par.generalized, also by := B y.
 *   EK_LZ_APPLY_B   y := B x (generalized problems only): for fresh random
 *                   vectors, and for each new block once it is
 *                   orthogonalized against the basis (an image carried
 *                   through that orthogonalization drifts from B times
 *                   the vector: see phase_factor_block in lanczos.c).
 *   EK_LZ_PROGRESS  a restart cycle ended; rep_values / rep_res hold the
 *                   current estimates (nrep of them).  Just call step again.
 *   EK_LZ_CONVERGED, EK_LZ_NOT_CONVERGED   finished; ek_p_lanczos_extract()
 *                   gives the (converged) pairs.
 *   negative        an error (EK_LZ_ERR_*).
 *
 * All arrays live in one caller-provided workspace; the state holds no
 * pointer to anything else and the kernel has no global mutable state, so
 * any number of solves may run at once in different threads.  The start
 * block is v0 (if given) completed by a splitmix64 stream seeded from
 * par.seed: the same parameters give the same result.
 *
 * Method (Wu & Simon 2000, block form): basis V with full
 * reorthogonalization (block products of tall_skinny.c: a local pass
 * against the blocks OP couples with, then classical Gram-Schmidt against
 * all of V, repeated under the DGKS criterion), column-wise
 * Gram-Schmidt-twice QR of each new block with rank-deficiency detection
 * (a column that cancels against the block is reorthogonalized against V
 * once more; deficient directions are replaced by fresh random ones),
 * Rayleigh-Ritz of the projected matrix (block tridiagonal, arrowhead after
 * a restart) with eigkit's dense solver, hard locking of converged pairs,
 * thick restart from the wanted Ritz vectors plus extra ones
 * (thick_restart.c).  The block keeps its size while searching; when a
 * cluster appears among the converged values (and always for LM / SM), a
 * final verification cycle with a block widened by fresh random columns
 * looks for missing copies of a multiple eigenvalue (or a better value
 * missed) before returning.  Of the full Gram-Schmidt pass against V only
 * the coefficients above rounding level are subtracted.
 */
#ifndef EK_LANCZOS_H
#define EK_LANCZOS_H
#include <stddef.h>
#include <stdint.h>
#include "common/blas.h"

enum ek_lz_which { EK_LZ_LM = 0, EK_LZ_SM = 1, EK_LZ_LA = 2, EK_LZ_SA = 3, EK_LZ_BE = 4 };

enum ek_lz_code {
    EK_LZ_CONVERGED = 0,
    EK_LZ_APPLY_OP = 1,
    EK_LZ_APPLY_B = 2,
    EK_LZ_PROGRESS = 3,
    EK_LZ_NOT_CONVERGED = 4,
    EK_LZ_ERR_ARG = -1,        /* inconsistent parameters */
    EK_LZ_ERR_WORKSPACE = -2,  /* workspace too small */
    EK_LZ_ERR_NONFINITE = -3,  /* the operator returned NaN or Inf */
    EK_LZ_ERR_DENSE = -4,      /* the dense Rayleigh-Ritz solver failed */
    EK_LZ_ERR_BREAKDOWN = -5   /* no new direction could be generated */
};

typedef struct ek_lanczos_params {
    int n;           /* order of OP */
    int k;           /* wanted pairs, 1 <= k < n */
    int ncv;         /* largest active basis, k < ncv <= n */
    int which;       /* an ek_lz_which */
    int block;       /* initial block size >= 1 */
    int max_block;   /* the block may grow up to this */
    int maxiter;     /* restart cycles, >= 1 */
    int generalized; /* B != I: the caller supplies B-images */
    int have_v0;     /* v0 passed to init */
    int nthreads;    /* eigkit threads for the basis products, >= 1 */
    int ncv_start;   /* first active basis, k < ncv_start <= ncv (0: ncv); it
                      * grows towards ncv while convergence stalls */
    int ncv_soft;    /* ncv_start <= ncv_soft <= ncv (0: ncv): growth beyond it
                      * needs a stall that lasts in proportion to the width */
    double tol;      /* ||OP x - theta x||_B <= tol * ||OP||est; 0: eps */
    int value_relative; /* instead: <= tol * max(|theta|, eps^(2/3) ||OP||est),
                         * ARPACK's test, for the small wanted values of the
                         * spectral transformations */
    uint64_t seed;
} ek_lanczos_params;

typedef struct ek_lanczos_state {
    ek_lanczos_params par;
    /* the request */
    int ncols, ld;
    void *x, *y, *by;
    /* progress (read-only for the caller) */
    int iter, nmatvec, nlock, nrep, b;
    double anorm;
    void *rep_values, *rep_res; /* real[k] */
    /* internal */
    int phase, after_fill, mact, exhausted, verify, cap, tries;
    int ncv_cur, lead_nlock, stall_cycles; /* basis limit now; locked at the reference
                                            * cycle; cycles since it */
    double lead_res;         /* residual of the best unconverged pair then */
    int fill_c0, fill_bw;
    uint64_t rng;
    void *V, *BV, *T, *BT, *H, *Hw, *S, *C, *R, *P;
    void *theta, *res, *lock_val, *lock_res, *wnorm;
    int *order, *side, *lock_side, *mask, *sel, *pick;
    void *tall; /* scratch of the basis products (tall_skinny.h) */
    void *dense_work;
    size_t dense_bytes;
    /* restart plan made at Rayleigh-Ritz time */
    int nnew, nkeep, bnew, drop;
} ek_lanczos_state;

#define EK_DECLARE_LANCZOS(p, scalar, real)                                            \
    size_t ek_##p##_lanczos_workspace(const ek_lanczos_params *par);                  \
    /* Set up the state in `work`; v0 (n entries) is read only here.  Returns 0    \
     * or a negative EK_LZ_ERR_*. */                                                  \
    int ek_##p##_lanczos_init(ek_lanczos_state *st, const ek_lanczos_params *par,     \
                              void *work, size_t work_bytes, const scalar *v0);        \
    int ek_##p##_lanczos_step(ek_lanczos_state *st);                                  \
    /* The nlock locked pairs (in locking order): w, their residual estimates and,   \
     * if z != NULL, the B-orthonormal vectors (n x nlock).  Returns nlock. */        \
    int ek_##p##_lanczos_extract(const ek_lanczos_state *st, real *w, real *res,      \
                                 scalar *z, int ldz);

EK_DECLARE_LANCZOS(s, float, float)
EK_DECLARE_LANCZOS(d, double, double)
EK_DECLARE_LANCZOS(c, ek_c, float)
EK_DECLARE_LANCZOS(z, ek_z, double)
#undef EK_DECLARE_LANCZOS

#endif
