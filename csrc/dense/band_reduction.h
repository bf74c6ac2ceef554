/*
 * band_reduction.h -- stage 1 of the two-stage tridiagonalization: a
 * Hermitian matrix to Hermitian band form A = Q B Q^H by blocked
 * Householder transformations (LAPACK's xSYTRD_SY2SB, uplo = 'L').
 *
 * All matrices are column-major; only the lower triangle of A is read.
 */
#ifndef EK_BAND_REDUCTION_H
#define EK_BAND_REDUCTION_H
#include <stddef.h>
#include "common/blas.h"

#define EK_DECLARE_BAND_REDUCTION(p, scalar)                                        \
    /* Scalars of workspace ek_p_band_reduce needs for order n, bandwidth nb. */   \
    size_t ek_##p##_band_reduce_workspace(int n, int nb);                           \
    /* Reduce the lower triangle of A (n x n) to bandwidth nb >= 1: afterwards     \
     * A(i, j) for 0 <= i - j <= nb holds the band B, which has A's eigenvalues;   \
     * the entries further below hold the reflectors of Q.  Returns 0, -1 for      \
     * nb < 1 or too small a workspace, -2 if the panel QR reports an error. */   \
    int ek_##p##_band_reduce(int n, int nb, scalar *a, int lda, scalar *work,      \
                             size_t lwork);

EK_DECLARE_BAND_REDUCTION(s, float)
EK_DECLARE_BAND_REDUCTION(d, double)
EK_DECLARE_BAND_REDUCTION(c, ek_c)
EK_DECLARE_BAND_REDUCTION(z, ek_z)
#undef EK_DECLARE_BAND_REDUCTION

#endif
