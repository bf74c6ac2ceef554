/*
 * gauss_seidel.h -- one Gauss-Seidel sweep over a square compressed sparse
 * row matrix for a block of right-hand sides: the smoother of a multigrid
 * V-cycle applied to all the vectors of a block at once.
 *
 * The block is row-major: entry (i, c) of x is x[i * ldx + c], so the
 * ncols values of one row are adjacent.  Row by row, in increasing order
 * (forward) or decreasing order (backward), every column of the row is
 * updated before the next row,
 *
 *     x_i <- (b_i - sum_{j != i} a_ij x_j) / a_ii,
 *
 * with the newest values of x_j: row i of A is read once per sweep for the
 * whole block.  The columns are independent systems, so they may be shared
 * among threads without changing a digit.  Rows whose diagonal is zero (or
 * absent) are left as they are, and duplicate entries are summed, as in
 * SciPy's products.  For one column this is the sweep of pyamg's
 * relaxation.gauss_seidel (Saad, "Iterative Methods for Sparse Linear
 * Systems", 2nd ed., section 4.1).
 *
 * zero_start: x is zero on entry (the pre-smoother of a V-cycle), so the
 * entries on the side the sweep has not reached yet contribute nothing and
 * are skipped: the same result at about half the work of a full sweep.
 *
 * The structure must have been checked (ek_sparse_structure_check) and A
 * must be square: nmajor == nminor == the rows of x and b.
 */
#ifndef EK_GAUSS_SEIDEL_H
#define EK_GAUSS_SEIDEL_H
#include "krylov/sparse_operator.h"

#define EK_DECLARE_GAUSS_SEIDEL(p, scalar)                                                 \
    /* One sweep (backward = 0: forward) on x (n x ncols, ld ldx) for b (ld ldb),         \
     * with up to nthreads of eigkit's threads. */                                        \
    void ek_##p##_gauss_seidel_sweep(const ek_compressed *a, int backward, int zero_start, \
                                     int ncols, scalar *x, int ldx, const scalar *b,      \
                                     int ldb, int nthreads);

EK_DECLARE_GAUSS_SEIDEL(s, float)
EK_DECLARE_GAUSS_SEIDEL(d, double)
EK_DECLARE_GAUSS_SEIDEL(c, ek_c)
EK_DECLARE_GAUSS_SEIDEL(z, ek_z)
#undef EK_DECLARE_GAUSS_SEIDEL

#endif
