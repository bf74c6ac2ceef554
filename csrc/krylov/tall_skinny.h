/*
 * tall_skinny.h -- products with a tall, skinny operand, as the Krylov
 * solvers need them: the inner products C = X^H Y of a basis X (n x q)
 * with a block Y (n x b), and the combinations Y := beta Y + alpha X C,
 * with n much larger than q and b (BLAS xGEMM's role).
 *
 * Why not one GEMM call: such a GEMM is memory-bound, and a threaded BLAS
 * runs it as hundreds of small steps with a barrier after each (OpenBLAS
 * synchronizes its threads once per k-block of the inner dimension).  On a
 * busy machine every barrier waits for a descheduled thread, and a Lanczos
 * solve made of thousands of such calls was measured 20x slower than on a
 * quiet one.  Here the rows are cut into slabs small enough that the BLAS
 * runs each one on the calling thread (OpenBLAS goes single-threaded below
 * m n k = 2^18 for GEMM and m n = 9216 for GEMV), and eigkit's own threads,
 * if any, share the slabs with one join per call.
 */
#ifndef EK_TALL_SKINNY_H
#define EK_TALL_SKINNY_H
#include <stddef.h>
#include "common/blas.h"

#define EK_DECLARE_TALL(p, scalar)                                                            \
    /* Scalars of scratch that ek_p_tall_inner needs. */                                      \
    size_t ek_##p##_tall_scratch(int q, int b);                                               \
    /* C (q x b, ld ldc) = X^H Y.  scratch: ek_p_tall_scratch(q, b) scalars. */              \
    void ek_##p##_tall_inner(int n, int q, int b, const scalar *X, int ldx, const scalar *Y,  \
                             int ldy, scalar *C, int ldc, scalar *scratch, int nthreads);     \
    /* Y := beta Y + alpha X C  (X n x q, C q x b, Y n x b). */                              \
    void ek_##p##_tall_combine(int n, int q, int b, scalar alpha, const scalar *X, int ldx,   \
                               const scalar *C, int ldc, scalar beta, scalar *Y, int ldy,     \
                               int nthreads);                                                 \
    /* The same with X's columns cols[0..q) (NULL: 0..q-1): Y := beta Y +                    \
     * alpha X[:, cols] C. */                                                                 \
    void ek_##p##_tall_combine_cols(int n, int q, const int *cols, int b, scalar alpha,       \
                                    const scalar *X, int ldx, const scalar *C, int ldc,       \
                                    scalar beta, scalar *Y, int ldy, int nthreads);

EK_DECLARE_TALL(s, float)
EK_DECLARE_TALL(d, double)
EK_DECLARE_TALL(c, ek_c)
EK_DECLARE_TALL(z, ek_z)
#undef EK_DECLARE_TALL

#endif
