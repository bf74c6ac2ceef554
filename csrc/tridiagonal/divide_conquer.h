/*
 * divide_conquer.h -- all eigenvalues and eigenvectors of a real symmetric
 * tridiagonal T by Cuppen's divide and conquer, with the deflation of
 * LAPACK's xLAED2, a safeguarded secular-equation solver in the manner of
 * xLAED4 / xLAED5 (R.-C. Li 1994) and the eigenvectors of Gu and
 * Eisenstat (SIMAX 16, 1995), which stay orthogonal without extra
 * precision.  Leaves are solved by implicit QR (tridiagonal_qr.h).
 *
 * No allocation: all workspace comes from the caller, reals and ints
 * separately, as sized by the two workspace functions.
 */
#ifndef EK_DIVIDE_CONQUER_H
#define EK_DIVIDE_CONQUER_H
#include <stddef.h>

#define EK_DECLARE_DIVIDE_CONQUER(p, real)                                           \
    /* Reals of workspace ek_p_divide_conquer needs for order n. */                 \
    size_t ek_##p##_divide_conquer_workspace(int n);                                 \
    /* Ints of workspace ek_p_divide_conquer needs for order n. */                  \
    size_t ek_##p##_divide_conquer_iworkspace(int n);                                \
    /* T = tridiag(e, d, e) = Z diag(w) Z^T.  On exit d = w ascending and the      \
     * n x n Z (output only) holds the orthonormal eigenvectors, column j for      \
     * w_j; e is destroyed.  Returns 0; k > 0 when the QR of a leaf failed to      \
     * converge; -1 if lwork or liwork is too small.  nthreads >= 1 threads may    \
     * share the secular equations (the BLAS has threads of its own). */          \
    int ek_##p##_divide_conquer(int n, real *d, real *e, real *z, int ldz,           \
                                real *work, size_t lwork, int *iwork,                \
                                size_t liwork, int nthreads);

EK_DECLARE_DIVIDE_CONQUER(s, float)
EK_DECLARE_DIVIDE_CONQUER(d, double)
#undef EK_DECLARE_DIVIDE_CONQUER

#endif
