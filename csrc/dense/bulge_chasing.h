/*
 * bulge_chasing.h -- stage 2 of the two-stage tridiagonalization: a
 * Hermitian band matrix to real symmetric tridiagonal form with the same
 * eigenvalues, by Householder bulge chasing (LAPACK's xSYTRD_SB2ST;
 * Haidar, Ltaief, Dongarra 2011 two-stage).
 *
 * The band is held in a compact column-major array: A(r, c), r >= c, at
 * ab[c ldab + r - c], with ldab >= ek_p_band_storage_rows(n, b) rows (room
 * for the bulges, 2b - 1 subdiagonals).
 */
#ifndef EK_BULGE_CHASING_H
#define EK_BULGE_CHASING_H
#include <stddef.h>
#include "common/blas.h"

#define EK_DECLARE_BULGE_CHASING(p, scalar, real)                                   \
    /* Rows of the band storage for order n and bandwidth b. */                    \
    int ek_##p##_band_storage_rows(int n, int b);                                   \
    /* Scalars of workspace ek_p_band_to_tridiagonal needs. */                     \
    size_t ek_##p##_band_to_tridiagonal_workspace(int n, int b, int nthreads);     \
    /* Copy the band 0 <= i - j <= b of the lower triangle of the n x n A into     \
     * ab, zeros below it, column by column from the first: ab may be A's own      \
     * storage when ldab <= lda + 1.  Returns 0, or -1 if ldab is too small. */    \
    int ek_##p##_band_pack(int n, int b, const scalar *a, int lda, scalar *ab,     \
                           int ldab);                                               \
    /* The tridiagonal T = tridiag(e, d, e) with the eigenvalues of the band       \
     * matrix of bandwidth b in ab (destroyed), the sweeps pipelined over up to    \
     * nthreads threads.  Returns 0, or -1 if ldab or lwork is too small. */      \
    int ek_##p##_band_to_tridiagonal(int n, int b, scalar *ab, int ldab, real *d,  \
                                     real *e, scalar *work, size_t lwork,          \
                                     int nthreads);

EK_DECLARE_BULGE_CHASING(s, float, float)
EK_DECLARE_BULGE_CHASING(d, double, double)
EK_DECLARE_BULGE_CHASING(c, ek_c, float)
EK_DECLARE_BULGE_CHASING(z, ek_z, double)
#undef EK_DECLARE_BULGE_CHASING

#endif
