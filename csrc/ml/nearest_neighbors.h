/*
 * nearest_neighbors.h -- the exact k nearest neighbours (Euclidean) of
 * every row of a dense matrix X among the rows of X itself, the row
 * itself included (scikit-learn's kneighbors_graph with include_self).
 *
 * Leaves.  The rows are ordered by a median split along the widest
 * coordinate into leaves of a few dozen to a few hundred rows (a kd-tree's
 * leaves, without the tree: Friedman, Bentley, Finkel 1977), each with a centre and the radius of a ball
 * holding its rows.  For a leaf of queries, the reference leaves are
 * visited nearest centre first; a reference leaf whose ball lies farther
 * from a query than that query's current candidates is skipped for it,
 * and for the whole leaf of queries when it is so for every one (and the
 * visit stops once no later leaf can come nearer).  On clustered data
 * most pairs of leaves are never compared; on data with no structure
 * (many dimensions, uniform noise) the method is the plain exhaustive
 * one, at the cost of the bounds (about 1/leaf of the products).
 *
 * Tiles.  Squared distances are ranked by the expansion
 *     |x_i - x_j|^2 = |x_i|^2 - 2 x_i . x_j + |x_j|^2,
 * of which the first term is the same for all j and is left out: for a
 * leaf of queries and a leaf of references the cross terms come from one
 * GEMM into a tile that stays in cache, the reference norms are added on
 * the way through it, and each query row keeps its best candidates in a
 * bounded max-heap whose root is the one value a new entry must beat (the
 * test that rejects almost every entry runs vectorized over the tile).
 * The threads take leaves of queries from a shared counter.
 *
 * Accuracy.  The expansion cancels: its error is of the order of
 * eps (|x_i|^2 + |x_j|^2), large against the squared distance of near
 * points (scikit-learn's brute path has the same error, in float64 even
 * for float32 data).  So the heap keeps EK_KNN_EXTRA more candidates than
 * asked for, their distances are recomputed directly, as sums of squared
 * differences in double precision, and the k best by (distance, index)
 * are returned, nearest first.  Ties go to the smaller index, as in
 * scikit-learn (which, for duplicate points, may leave a point's own index
 * out in favour of an earlier duplicate at distance zero).  The neighbour
 * sets therefore agree with those of exact arithmetic except where more
 * than EK_KNN_EXTRA points lie within the expansion's error of the k-th
 * distance.
 *
 * Threads and BLAS.  With few features each thread runs its own GEMMs,
 * each small enough (at most 2^17 multiply-adds) for the BLAS
 * to run it on the calling thread; with many the GEMMs dominate, so one
 * thread hands large tiles to the BLAS, which threads them itself.  The
 * result does not depend on the number of threads.  The skipping of a
 * leaf allows for the expansion's error, so it never changes the result.
 */
#ifndef EK_NEAREST_NEIGHBORS_H
#define EK_NEAREST_NEIGHBORS_H
#include <stddef.h>
#include <stdint.h>

/* Candidates kept beyond k, re-ranked by their directly computed distances. */
#define EK_KNN_EXTRA 8

#define EK_DECLARE_KNN(p, real)                                                              \
    /* Bytes of workspace ek_p_k_nearest needs. */                                           \
    size_t ek_##p##_k_nearest_workspace(int n, int d, int k, int nthreads);                  \
    /* For each row i of X (n x d, X[i, j] = x[i ldx + j]): indices[i k + r] and             \
     * distances[i k + r], r < k, the index and the Euclidean distance of its r-th           \
     * nearest row, nearest first (distances may be NULL).  X is only read.  work: the    \
     * bytes above.  Returns 0, 1 if                                                         \
     * squared norms overflow (no finite ranking), or -1 for bad arguments. */               \
    int ek_##p##_k_nearest(int n, int d, const real *x, ptrdiff_t ldx, int k, int nthreads,  \
                           int64_t *indices, double *distances, void *work);

EK_DECLARE_KNN(s, float)
EK_DECLARE_KNN(d, double)
#undef EK_DECLARE_KNN

#endif
