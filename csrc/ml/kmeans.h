/*
 * kmeans.h -- k-means clustering of the rows of a small dense matrix, as
 * spectral clustering needs it: n points of a few dimensions (the spectral
 * embedding), a few clusters.
 *
 * Seeding: greedy k-means++ (Arthur & Vassilvitskii, "k-means++: the
 * advantages of careful seeding", SODA 2007): each new centre is the best
 * of several candidates drawn with probability proportional to the squared
 * distance to the nearest centre so far, "best" meaning the smallest
 * potential (sum of squared distances to the nearest centre) once it is
 * added.  Iterations: Lloyd's algorithm (Lloyd, IEEE Trans. Inf. Theory 28,
 * 1982).  The rules for stopping, empty clusters and the final labels are
 * scikit-learn's (KMeans, algorithm='lloyd').
 *
 * Distances are computed directly, sum (x_j - c_j)^2, not by the expansion
 * |x|^2 - 2 x.c + |c|^2: exact for near points, and cheap at d <= 64.
 * Points are split into fixed chunks whose partial sums are added in chunk
 * order, so the result does not depend on the number of threads.  No global
 * state; callable without the GIL.
 */
#ifndef EK_KMEANS_H
#define EK_KMEANS_H
#include <stddef.h>

typedef struct {
    int n, d, k;        /* points, dimensions, clusters (1 <= k <= n) */
    const double *x;    /* point i is x[i*d .. i*d + d - 1] */
    int nthreads;       /* eigkit threads to share the points among */
} ek_kmeans_problem;

/* Bytes of workspace ek_kmeans_seed and ek_kmeans_lloyd need. */
size_t ek_kmeans_workspace(const ek_kmeans_problem *p, int trials);

/* k-means++ centres (k x d, row-major) from 1 + (k - 1) * trials uniform
 * numbers in [0, 1): the first picks the first centre, each further
 * `trials` the candidates for the next one.  Returns 0. */
int ek_kmeans_seed(const ek_kmeans_problem *p, int trials, const double *uniforms,
                   double *centers, void *work);

/* Lloyd iterations from `centers` (k x d, updated in place) until the
 * labels stop changing, the squared shift of the centres falls to `tol`,
 * or max_iter iterations.  labels[i] is then point i's nearest centre,
 * *inertia the sum of squared distances to it, *iterations the count run.
 * Returns 0. */
int ek_kmeans_lloyd(const ek_kmeans_problem *p, int max_iter, double tol, double *centers,
                    int *labels, double *inertia, int *iterations, void *work);

#endif
