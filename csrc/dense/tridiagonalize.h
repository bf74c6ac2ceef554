/*
 * tridiagonalize.h -- Householder reduction of a Hermitian matrix to real
 * symmetric tridiagonal form (LAPACK's xSYTRD/xHETRD); back_transform.h
 * applies the reflectors back.
 *
 * A = Q T Q^H with Q = H(0) H(1) ... H(n-2), H(i) = I - tau_i v_i v_i^H,
 * v_i(0:i) = 0, v_i(i+1) = 1, v_i(i+2:n) stored in A(i+2:n, i): the lower
 * triangle storage of LAPACK's xSYTRD/xHETRD with uplo = 'L'.  T is real
 * even for complex A (each beta from xLARFG is real).
 *
 * All matrices are column-major; only the lower triangle of A is read.
 */
#ifndef EK_TRIDIAGONALIZE_H
#define EK_TRIDIAGONALIZE_H
#include <stddef.h>
#include "common/blas.h"

#define EK_DECLARE_TRIDIAGONALIZE(p, scalar, real)                                  \
    /* Scalars of workspace ek_p_tridiagonalize needs for order n. */              \
    size_t ek_##p##_tridiagonalize_workspace(int n);                                \
    /* Reduce the lower triangle of A (n x n) to T: d[0:n] its diagonal,           \
     * e[0:n-1] its subdiagonal, tau[0:n-1] and A's strict lower triangle the      \
     * reflectors (tau NULL: T only, the reflectors are not kept).  A's strict     \
     * upper triangle is overwritten (panel workspace).  Returns 0, or -1 if      \
     * lwork is too small. */                                                       \
    int ek_##p##_tridiagonalize(int n, scalar *a, int lda, real *d, real *e,       \
                                scalar *tau, scalar *work, size_t lwork);

EK_DECLARE_TRIDIAGONALIZE(s, float, float)
EK_DECLARE_TRIDIAGONALIZE(d, double, double)
EK_DECLARE_TRIDIAGONALIZE(c, ek_c, float)
EK_DECLARE_TRIDIAGONALIZE(z, ek_z, double)
#undef EK_DECLARE_TRIDIAGONALIZE

#endif
