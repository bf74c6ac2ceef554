/*
 * batched.h -- all eigenvalues, and optionally eigenvectors, of a stack of
 * small Hermitian matrices in one call: the matrices are shared among
 * threads, each solved on its own by cyclic Jacobi (batched.c).
 */
#ifndef EK_BATCHED_H
#define EK_BATCHED_H
#include <stddef.h>
#include "common/blas.h"

/* Where entry (i, j) of matrix k of a stack lives: at
 * base[k * matrix + i * row + j * col] (strides in elements, any sign). */
typedef struct ek_stack_layout {
    ptrdiff_t matrix, row, col;
} ek_stack_layout;

/* Sweeps after which the Jacobi iteration gives up on a matrix. */
#define EK_BATCHED_MAX_SWEEPS 40

/* Work, count n^3 for count matrices of order n, below which one call
 * starts no thread: about one Jacobi sweep of 2^15 / n^3 matrices without
 * vectors, whose time a thread's start would cost. */
#define EK_BATCHED_SHARE_MIN_WORK ((ptrdiff_t)1 << 15)

#define EK_DECLARE_BATCHED(p, scalar, real)                                          \
    /* Bytes of workspace ek_p_batched_eigen needs for order n, the same           \
     * jacobi_max and up to nthreads threads. */                                    \
    size_t ek_##p##_batched_eigen_workspace(int n, int jacobi_max, int nthreads);    \
    /* Eigenvalues of the count Hermitian matrices of order n at a (layout         \
     * `in`), read from the lower triangle if lower, else the upper one; a is      \
     * not modified.  Matrix k's eigenvalues go to w[k n .. k n + n - 1],          \
     * ascending; if want_vectors, the orthonormal eigenvector of w[k n + j] to    \
     * column j of matrix k of v (layout `out`).  Orders up to jacobi_max are      \
     * solved by Jacobi (if the stack has enough matrices to run several in        \
     * lockstep), larger ones by tridiagonalization and QR.  Returns 0;            \
     * k > 0 when k matrices held NaN or Inf (n >= 2) or did not converge         \
     * (their w and v are NaN); -1 if the workspace is too small.  Up to          \
     * nthreads threads share the matrices; every matrix is solved the same       \
     * way whatever the thread count. */                                           \
    ptrdiff_t ek_##p##_batched_eigen(int n, ptrdiff_t count, const scalar *a,        \
                                     ek_stack_layout in, int lower,                 \
                                     int want_vectors, real *w, scalar *v,          \
                                     ek_stack_layout out, int jacobi_max,           \
                                     void *work, size_t work_bytes, int nthreads);

EK_DECLARE_BATCHED(s, float, float)
EK_DECLARE_BATCHED(d, double, double)
EK_DECLARE_BATCHED(c, ek_c, float)
EK_DECLARE_BATCHED(z, ek_z, double)
#undef EK_DECLARE_BATCHED

#endif
