# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""Typed binding of csrc/kmeans.c: k-means++ seeding and Lloyd iterations
for every initialization in one call, without the GIL."""
from libc.stdlib cimport malloc, free
from libc.stddef cimport size_t

import numpy as np


cdef extern from "kmeans.h" nogil:
    ctypedef struct ek_kmeans_problem:
        int n, d, k
        const double *x
        int nthreads
    size_t ek_kmeans_workspace(const ek_kmeans_problem *p, int trials)
    int ek_kmeans_seed(const ek_kmeans_problem *p, int trials, const double *uniforms,
                       double *centers, void *work)
    int ek_kmeans_lloyd(const ek_kmeans_problem *p, int max_iter, double tol, double *centers,
                        int *labels, double *inertia, int *iterations, void *work)


def best_of_inits(const double[:, ::1] x, int k, const double[:, ::1] uniforms, int trials,
                  int max_iter, double tol, int nthreads=1):
    """k-means of the rows of x from ``uniforms.shape[0]`` k-means++ starts
    (row r: the 1 + (k - 1) * trials uniform numbers of start r); the run
    of smallest inertia (the first of equals) as ``(centers, labels,
    inertia, iterations)``."""
    cdef ek_kmeans_problem p
    p.n = <int>x.shape[0]
    p.d = <int>x.shape[1]
    p.k = k
    p.nthreads = max(1, nthreads)
    if not (1 <= k <= p.n and p.d >= 1 and trials >= 1 and max_iter >= 1):
        raise ValueError("k-means: need 1 <= k <= n, d >= 1, trials >= 1, max_iter >= 1")
    if uniforms.shape[1] != 1 + (k - 1) * trials:
        raise ValueError("k-means: each start needs 1 + (k - 1) * trials uniform numbers")
    p.x = &x[0, 0]
    cdef int starts = <int>uniforms.shape[0]
    centers = np.empty((k, p.d))
    best_centers = np.empty((k, p.d))
    labels = np.empty(p.n, dtype=np.intc)
    best_labels = np.empty(p.n, dtype=np.intc)
    cdef double[:, ::1] c = centers, bc = best_centers
    cdef int[::1] lab = labels, blab = best_labels
    cdef double inertia = 0, best_inertia = np.inf
    cdef int iterations = 0, best_iterations = 0, r
    cdef size_t nbytes = ek_kmeans_workspace(&p, trials)
    cdef void *work = malloc(nbytes if nbytes > 0 else 1)
    if work == NULL:
        raise MemoryError(f"eigkit: cannot allocate {nbytes} bytes of k-means workspace")
    try:
        with nogil:
            for r in range(starts):
                ek_kmeans_seed(&p, trials, &uniforms[r, 0], &c[0, 0], work)
                ek_kmeans_lloyd(&p, max_iter, tol, &c[0, 0], &lab[0], &inertia, &iterations,
                                work)
                if inertia < best_inertia:
                    best_inertia = inertia
                    best_iterations = iterations
                    bc[:, :] = c
                    blab[:] = lab
    finally:
        free(work)
    return best_centers, best_labels.astype(np.intp), best_inertia, best_iterations
