/*
 * dense_operator.h -- a dense Hermitian matrix as the operator of a Krylov
 * solver: Y = A X for blocks X of a few columns, by BLAS xGEMM on the full
 * matrix rather than xSYMM / xHEMM on one triangle.
 *
 * eigh's input is one triangle.  A Krylov solve applies A to a block some
 * twenty times, and GEMM on the full matrix runs those products faster
 * than SYMM / HEMM on the triangle (OpenBLAS packs a symmetric operand with
 * a slower copy routine), so the operator holds the full matrix: one pass
 * of ek_p_hermitian_fill mirrors the given triangle into the other.  Both
 * triangles then hold the matrix, so the direct solver (which reads the
 * lower one) can still run on the same array if the Krylov solve gives up.
 * Mirroring the upper triangle lets a C-ordered input be used through its
 * transpose after a plain copy, instead of a transposing one.
 */
#ifndef EK_DENSE_OPERATOR_H
#define EK_DENSE_OPERATOR_H
#include <stddef.h>
#include "common/blas.h"

/* A: n x n, column-major with leading dimension lda, both triangles set. */
typedef struct ek_dense_operator {
    int n;
    int lda;
    const void *a;
} ek_dense_operator;

#define EK_DECLARE_DENSE_OPERATOR(p, scalar, real)                                      \
    /* Set the strict triangle of A opposite to `uplo` ('L' or 'U', the one that   \
     * holds A) to the conjugate transpose of the other, and the imaginary part of  \
     * the diagonal to zero.  Returns the largest |Re| or |Im| of an entry (NaN if   \
     * one is not finite). */                                                        \
    real ek_##p##_hermitian_fill(int n, scalar *a, int lda, char uplo);               \
    /* Y (n x ncols, ld ldy) = A X (ld ldx). */                                       \
    void ek_##p##_dense_operator_apply(const ek_dense_operator *op, int ncols,         \
                                       const scalar *x, int ldx, scalar *y, int ldy);

EK_DECLARE_DENSE_OPERATOR(s, float, float)
EK_DECLARE_DENSE_OPERATOR(d, double, double)
EK_DECLARE_DENSE_OPERATOR(c, ek_c, float)
EK_DECLARE_DENSE_OPERATOR(z, ek_z, double)
#undef EK_DECLARE_DENSE_OPERATOR

#endif
