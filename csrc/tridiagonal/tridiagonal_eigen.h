/*
 * tridiagonal_eigen.h -- the driver for a real symmetric tridiagonal T
 * (LAPACK's xSTEVD and xSTEVX):
 * all eigenpairs by implicit QR (tridiagonal_qr.h) or, from a moderate
 * order on, divide and conquer (divide_conquer.h), a selection by
 * bisection and inverse iteration (bisection.h, inverse_iteration.h).
 */
#ifndef EK_TRIDIAGONAL_EIGEN_H
#define EK_TRIDIAGONAL_EIGEN_H
#include <stddef.h>
#include "common/selection.h"

#define EK_DECLARE_TRIDIAGONAL_EIGEN(p, real)                                       \
    /* Bytes of workspace ek_p_tridiagonal_eigen needs. */                         \
    size_t ek_##p##_tridiagonal_eigen_workspace(int n, int want_vectors,            \
                                                const ek_selection *sel);           \
    /* Selected eigenvalues of T = tridiag(e, d, e) into w (ascending, *m of       \
     * them) and, if want_vectors, their eigenvectors into the n x *m Z.           \
     * d and e are not modified.  abstol is the absolute accuracy bisection is     \
     * asked for (<= 0: the default).  Returns 0; k > 0 when QR or inverse         \
     * iteration failed to converge; -1 if the workspace is too small.             \
     * nthreads >= 1 threads may share the work. */                                \
    int ek_##p##_tridiagonal_eigen(int n, const real *d, const real *e,             \
                                   int want_vectors, const ek_selection *sel,      \
                                   real abstol, real *w, int *m, real *z, int ldz, \
                                   void *work, size_t work_bytes, int nthreads);

EK_DECLARE_TRIDIAGONAL_EIGEN(s, float)
EK_DECLARE_TRIDIAGONAL_EIGEN(d, double)
#undef EK_DECLARE_TRIDIAGONAL_EIGEN

#endif
