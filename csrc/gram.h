/*
 * gram.h -- the Gram matrix of column-centred data, Xc^T Xc with
 * Xc = X - 1 m^T, reading X once.
 *
 * X (n samples x p features) is read in slabs of rows.  Each slab is
 * copied into a buffer that stays in cache, centred on the way, and its
 * contribution to the Gram matrix is added by level-3 BLAS.  The copy also
 * sums the centred columns, so the means come out of the same pass.
 *
 * Centring.  With the means given, every slab is centred exactly.  Without
 * them, the slabs are shifted by s, the means of the first slab, and the
 * sum of the shifted outer products is corrected at the end:
 *     Xc^T Xc = (X - 1 s^T)^T (X - 1 s^T) - n d d^T,   d = m - s.
 * s lies among the data, so d is of the order of the spread of the data
 * over the square root of the slab height when the rows come in no
 * particular order, and the correction cancels nothing; a plain
 * X^T X - n m m^T loses log2(|m|^2 / variance) bits instead.  When the
 * correction would cancel more than half of a diagonal entry (rows sorted
 * along some feature, say), the Gram matrix is recomputed in a second pass
 * centred by the means just found.
 *
 * Symmetry.  The columns are cut into `blocks` blocks; a slab adds to the
 * lower triangle of blocks only, the diagonal blocks by SYRK (`syrk_diag`)
 * or by GEMM.  One block with SYRK is a plain SYRK.  Several GEMM blocks
 * spend 1/2 + 1/(2 blocks) of GEMM's flops, and a threaded BLAS may run
 * GEMM much faster than SYRK (OpenBLAS on 2 threads: twice as fast per flop).
 */
#ifndef EK_GRAM_H
#define EK_GRAM_H
#include <stddef.h>

#define EK_DECLARE_GRAM(p, real)                                                              \
    /* Scalars of buffer ek_p_centered_gram needs for slabs of `rows` rows. */               \
    size_t ek_##p##_gram_buffer(int p, int rows);                                            \
    /* Lower triangle of G (p x p, ld ldg) = Xc^T Xc for X[i, j] = x[i rs + j cs].           \
     * have_mean: mean (p) holds the means; otherwise they are computed into it.             \
     * acc: 2 p doubles.  Returns 0, or -1 for bad arguments. */                              \
    int ek_##p##_centered_gram(int n, int p, const real *x, ptrdiff_t rs, ptrdiff_t cs,       \
                               int have_mean, real *mean, real *g, int ldg, int rows,         \
                               int blocks, int syrk_diag, real *buffer, double *acc);

EK_DECLARE_GRAM(s, float)
EK_DECLARE_GRAM(d, double)
#undef EK_DECLARE_GRAM

#endif
