/*
 * tridiagonal_qr.h -- eigenvalues and eigenvectors of a real symmetric
 * tridiagonal matrix T by the implicit QR/QL algorithm with Wilkinson
 * shifts and deflation (LAPACK's xSTERF and xSTEQR).
 *
 * Values only: the root-free (Pal-Walker-Kahan) variant, O(n^2).
 * Vectors: the rotations of several sweeps are stored and applied to Z in
 * cache-blocked wavefronts (rotations.h); for the small matrices of the
 * batched solver (a few dozen rows), one at a time as they are made.
 *
 * Return value of both: 0 on success, or k > 0 when k off-diagonal entries
 * had not converged to zero after 30 n iterations (LAPACK's xSTEQR bound).
 */
#ifndef EK_TRIDIAGONAL_QR_H
#define EK_TRIDIAGONAL_QR_H
#include <stddef.h>

#define EK_DECLARE_TRIDIAGONAL_QR(p, real)                                          \
    /* Eigenvalues of T = tridiag(e, d, e): on exit d ascending, e destroyed. */   \
    int ek_##p##_tridiagonal_eigvals(int n, real *d, real *e);                      \
    /* Reals of workspace ek_p_tridiagonal_qr needs for order n. */                \
    size_t ek_##p##_tridiagonal_qr_workspace(int n);                                \
    /* T = Q diag(w) Q^T.  On exit d = w ascending, e destroyed, and the n x n     \
     * matrix Z (set to the identity by the caller, or any matrix) replaced by     \
     * Z Q, columns in the order of w.  Returns as above, or -1 if lwork is        \
     * too small.  nthreads >= 1 threads may share the rotation work. */           \
    int ek_##p##_tridiagonal_qr(int n, real *d, real *e, real *z, int ldz,          \
                                real *work, size_t lwork, int nthreads);          \
    /* The same for small n (a few dozen), without workspace: each rotation       \
     * is applied to Z as it is made, one thread. */                               \
    int ek_##p##_tridiagonal_qr_small(int n, real *d, real *e, real *z, int ldz);

EK_DECLARE_TRIDIAGONAL_QR(s, float)
EK_DECLARE_TRIDIAGONAL_QR(d, double)
#undef EK_DECLARE_TRIDIAGONAL_QR

#endif
