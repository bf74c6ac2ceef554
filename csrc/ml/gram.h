/*
 * gram.h -- the Gram matrix of column-centred data, Xc^T Xc with
 * Xc = X - 1 m^T, reading X once (the shifted-data algorithm of Chan,
 * Golub, LeVeque, "Algorithms for computing the sample variance", 1983).
 *
 * X (n samples x p features) is read in slabs of rows.  Each slab is
 * copied into a buffer that stays in cache, centred on the way, and its
 * contribution to the Gram matrix is added by register tiles or level-3
 * BLAS.  The copy also
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
 * Register tiles.  Up to GRAM_REGISTER_MAX_P features each slab is small
 * enough for the first-level cache (GRAM_REGISTER_SLAB_BYTES) and its
 * outer products are summed by eigkit's own kernel: blocks of 12 x 4
 * entries of G (in doubles; 24 x 4 in floats) whose accumulators stay in
 * vector registers while the slab's rows stream past, compiled for AVX2
 * with FMA where the CPU has it.  For narrow data this beats the BLAS's
 * SYRK, which packs each slab twice and spends much of its time on the
 * edges of a small triangle; it also lets the threads share the rows with
 * no BLAS threads involved.  Each thread sums into its own padded G, and
 * the threads' matrices are added up after one join, in a fixed order.
 *
 * Symmetry and threads.  A threaded BLAS runs a SYRK with few columns and
 * many rows poorly on a busy machine: every one of its synchronization
 * points waits for a descheduled thread.  With at most tiled_max_p
 * features and more than one thread, the rows are therefore shared among
 * eigkit's own threads instead, each adding its slabs to its own Gram
 * matrix (in cache) tile by tile: GEMMs on the lower triangle of
 * 64 x 16 tiles, small enough that the BLAS runs each on its calling
 * thread, which wastes only the upper half of the 16 x 16 diagonal
 * blocks.  The threads' matrices are added up after one join, in a fixed
 * order.  With more features, or one thread (whose SYRK is faster than its
 * tiles), the calling thread hands slabs to the BLAS's SYRK.  (Both apply
 * only beyond GRAM_REGISTER_MAX_P features.)
 */
#ifndef EK_GRAM_H
#define EK_GRAM_H
#include <stddef.h>

#define EK_DECLARE_GRAM(p, real)                                                              \
    /* Scalars and doubles of workspace ek_p_centered_gram needs. */                         \
    size_t ek_##p##_gram_workspace(int n, int p, int nthreads, int tiled_max_p);             \
    size_t ek_##p##_gram_acc(int n, int p, int nthreads, int tiled_max_p);                   \
    /* Lower triangle of G (p x p, ld ldg) = Xc^T Xc for X[i, j] = x[i rs + j cs].           \
     * have_mean: mean (p) holds the means; otherwise they are computed into it.             \
     * Register tiles up to GRAM_REGISTER_MAX_P features, then GEMM tiles on nthreads        \
     * threads up to tiled_max_p features, SYRK beyond.                                      \
     * Returns 0, or -1 for bad arguments. */                                                 \
    int ek_##p##_centered_gram(int n, int p, const real *x, ptrdiff_t rs, ptrdiff_t cs,       \
                               int have_mean, real *mean, real *g, int ldg, int nthreads,     \
                               int tiled_max_p, real *work, double *acc);

EK_DECLARE_GRAM(s, float)
EK_DECLARE_GRAM(d, double)
#undef EK_DECLARE_GRAM

#endif
