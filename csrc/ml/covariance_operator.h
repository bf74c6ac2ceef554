/*
 * covariance_operator.h -- the implicit covariance operator of column-
 * centred data applied to a block of vectors (the operator of PCA by
 * Lanczos):
 *     features side   Y = Xc^T (Xc W)    (W, Y: p x b)
 *     samples side    Y = Xc (Xc^T W)    (W, Y: n x b)
 * with Xc = X - 1 m^T, X an n x p row-major matrix (row stride ldx) and m
 * the given column means, without forming Xc or X^T X.
 *
 * Why a kernel.  A Lanczos step on the covariance of a 5000 x 5000 matrix
 * is this product with a block of one or two vectors.  As two BLAS calls
 * it reads X twice; a GEMM with two columns also makes OpenBLAS pack X
 * (slower than two GEMVs), and slicing X into cache-sized pieces from
 * Python costs a loop of small calls.  Here X is read once on the
 * features side: for each slab of a few rows, y = Xc_slab W (dot products
 * along the rows, the slab streaming from memory) and then Y += Xc_slab^T y
 * (the slab again, now from cache).  The samples side needs all of
 * Xc^T W before the second product, so it reads X twice, once per product.
 *
 * Centring.  Every entry is centred as it is loaded (x - m in a register),
 * so the accuracy is that of a centred copy of X: no X^T X - n m m^T
 * cancellation, however large the means.
 *
 * Threads and determinism.  The rows are cut into a number of chunks that
 * depends on n alone; each chunk's contribution to an accumulated product
 * goes into its own p x b accumulator, and the accumulators are added in
 * chunk order after the join.  Threads only decide which thread runs which
 * chunk (each takes the next one left, so that a descheduled thread on a
 * busy machine holds up one chunk, not a fixed share), and the result is
 * bit for bit the same for every thread count.
 */
#ifndef EK_COVARIANCE_OPERATOR_H
#define EK_COVARIANCE_OPERATOR_H
#include <stddef.h>

/* Largest block the kernel takes. */
#define EK_COVARIANCE_MAX_BLOCK 16
/* Sides. */
#define EK_COVARIANCE_FEATURES 0
#define EK_COVARIANCE_SAMPLES 1

#define EK_DECLARE_COVARIANCE(p, real)                                                        \
    /* Scalars of workspace ek_p_covariance_product needs. */                                 \
    size_t ek_##p##_covariance_workspace(int side, int n, int p, int b);                       \
    /* Y (ld ldy, column-major) = Xc^T Xc W (side FEATURES: W p x b) or Xc Xc^T W (SAMPLES:  \
     * W n x b), W column-major with ld ldw; X[i, j] = x[i ldx + j], mean of length p.        \
     * X, mean and W are only read.  Returns 0, or -1 for bad arguments. */                   \
    int ek_##p##_covariance_product(int side, int n, int p, const real *x, ptrdiff_t ldx,     \
                                    const real *mean, int b, const real *w, int ldw, real *y, \
                                    int ldy, int nthreads, real *work);

EK_DECLARE_COVARIANCE(s, float)
EK_DECLARE_COVARIANCE(d, double)
#undef EK_DECLARE_COVARIANCE

#endif
