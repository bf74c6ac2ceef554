/*
 * symmetric_eigen.h -- the dense Hermitian eigensolver driver (LAPACK's
 * xSYEVD / xSYEVX; xSYEVD_2STAGE for eigenvalues by the two-stage
 * reduction): scale, tridiagonalize, solve the tridiagonal problem,
 * transform the eigenvectors back; and the reduction of the generalized
 * problem A x = lambda B x to standard form by Cholesky factorization
 * (xSYGV).
 */
#ifndef EK_SYMMETRIC_EIGEN_H
#define EK_SYMMETRIC_EIGEN_H
#include <stddef.h>
#include "common/blas.h"
#include "common/selection.h"

#define EK_DECLARE_SYMMETRIC_EIGEN(p, scalar, real)                                 \
    /* Bytes of workspace ek_p_symmetric_eigen needs. */                           \
    size_t ek_##p##_symmetric_eigen_workspace(int n, int want_vectors,              \
                                              const ek_selection *sel);             \
    /* Selected eigenpairs of the Hermitian A, given by its lower triangle.        \
     * A is overwritten.  w receives *m ascending eigenvalues and, if              \
     * want_vectors, Z (n x *m) orthonormal eigenvectors.  Returns 0; k > 0        \
     * when the tridiagonal solver failed to converge; -1 if the workspace is      \
     * too small.  nthreads >= 1 threads may share the work of our own kernels    \
     * (BLAS calls use the BLAS library's own threads). */                         \
    int ek_##p##_symmetric_eigen(int n, scalar *a, int lda, int want_vectors,      \
                                 const ek_selection *sel, real *w, int *m,         \
                                 scalar *z, int ldz, void *work,                   \
                                 size_t work_bytes, int nthreads);                               \
    /* Reduce A x = lambda B x (itype 1), A B x = lambda x (2) or B A x =          \
     * lambda x (3) to a standard problem C y = lambda y: B = L L^H (B's lower     \
     * triangle overwritten by L), A's lower triangle by C.  Returns 0, or         \
     * k > 0 if the leading minor of order k of B is not positive definite. */     \
    int ek_##p##_generalized_reduce(int itype, int n, scalar *a, int lda,           \
                                    scalar *b, int ldb);                            \
    /* Eigenvectors of the original problem from those of C, in place in the       \
     * n x m Z: x = L^-H y for itype 1 and 2, x = L y for itype 3. */               \
    void ek_##p##_generalized_recover(int itype, int n, int m, const scalar *b,     \
                                      int ldb, scalar *z, int ldz);                 \
    /* Bytes of workspace ek_p_symmetric_eigvals_two_stage needs. */               \
    size_t ek_##p##_symmetric_eigvals_two_stage_workspace(int n, int lda, int nb,   \
                                                          const ek_selection *sel,  \
                                                          int nthreads);            \
    /* Selected eigenvalues of the Hermitian A (lower triangle, overwritten) by    \
     * the two-stage reduction: to band form of bandwidth nb (<= 0: the default    \
     * EK_TUNE_TWO_STAGE_BAND), to tridiagonal form by bulge chasing, then the     \
     * tridiagonal solver.  w receives *m ascending eigenvalues.  Returns as       \
     * ek_p_symmetric_eigen does. */                                                \
    int ek_##p##_symmetric_eigvals_two_stage(int n, scalar *a, int lda, int nb,    \
                                             const ek_selection *sel, real *w,      \
                                             int *m, void *work, size_t work_bytes, \
                                             int nthreads);

EK_DECLARE_SYMMETRIC_EIGEN(s, float, float)
EK_DECLARE_SYMMETRIC_EIGEN(d, double, double)
EK_DECLARE_SYMMETRIC_EIGEN(c, ek_c, float)
EK_DECLARE_SYMMETRIC_EIGEN(z, ek_z, double)
#undef EK_DECLARE_SYMMETRIC_EIGEN

#endif
