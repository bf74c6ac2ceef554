# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""Typed bindings of the machine-learning kernels (csrc/ml/): the one-pass
centred Gram matrix, the covariance operator, exact k nearest neighbours
and k-means.
"""
include "support.pxi"
include "declare_ml.pxi"

from . import common  # fills the kernels' BLAS table once, at import


def centered_gram(const real_t[:, :] x, real_t[::1] mean, bint have_mean, int nthreads=1,
                  int tiled_max_features=512):
    """The Gram matrix Xc^T Xc of the column-centred x (any strides), lower
    triangle, Fortran order.  With ``have_mean`` the centring uses ``mean``,
    otherwise the means are computed into it in the same pass.  Up to
    ``tiled_max_features`` features the rows are shared among ``nthreads``
    threads adding GEMM tiles; beyond, slabs go to the BLAS's SYRK."""
    cdef int n = <int>x.shape[0]
    cdef int p = <int>x.shape[1]
    g_arr = np.zeros((p, p), dtype=np.asarray(mean).dtype, order='F')
    if n == 0 or p == 0:
        return g_arr
    cdef real_t[::1, :] g = g_arr
    cdef ptrdiff_t rs = x.strides[0] // <ptrdiff_t>sizeof(real_t)
    cdef ptrdiff_t cs = x.strides[1] // <ptrdiff_t>sizeof(real_t)
    cdef size_t nwork, nacc
    if real_t is float:
        nwork = ek_s_gram_workspace(n, p, nthreads, tiled_max_features)
        nacc = ek_s_gram_acc(n, p, nthreads, tiled_max_features)
    else:
        nwork = ek_d_gram_workspace(n, p, nthreads, tiled_max_features)
        nacc = ek_d_gram_acc(n, p, nthreads, tiled_max_features)
    # the double accumulators follow the work array, on a 64-byte boundary
    # (a float32 work array may end at any multiple of 4 bytes)
    cdef size_t acc_offset = (nwork * sizeof(real_t) + 63) // 64 * 64
    cdef void *work = _workspace(acc_offset + nacc * sizeof(double))
    cdef double *acc = <double *>(<char *>work + acc_offset)
    cdef int info
    try:
        with nogil:
            if real_t is float:
                info = ek_s_centered_gram(n, p, &x[0, 0], rs, cs, have_mean, &mean[0], &g[0, 0], p,
                                          nthreads, tiled_max_features, <float *>work, acc)
            else:
                info = ek_d_centered_gram(n, p, &x[0, 0], rs, cs, have_mean, &mean[0], &g[0, 0], p,
                                          nthreads, tiled_max_features, <double *>work, acc)
    finally:
        free(work)
    _raise_for(info, "centered_gram")
    return g_arr

COVARIANCE_MAX_BLOCK = EK_COVARIANCE_MAX_BLOCK

def covariance_product(const real_t[:, ::1] x, const real_t[::1] mean, const real_t[::1, :] w,
                       bint samples, int nthreads=1):
    """Xc^T (Xc W) (features side: W p x b) or, with ``samples``,
    Xc (Xc^T W) (W n x b), Xc = x - 1 mean^T, for a C-ordered x and a
    Fortran-ordered W of at most COVARIANCE_MAX_BLOCK columns; the result
    is Fortran-ordered, of W's shape.  x, mean and W are only read."""
    cdef int n = <int>x.shape[0]
    cdef int p = <int>x.shape[1]
    cdef int b = <int>w.shape[1]
    cdef int rows = n if samples else p
    if mean.shape[0] != p or w.shape[0] != rows:
        raise ValueError(f"covariance_product: x {n} x {p}, mean {mean.shape[0]}, "
                         f"W {w.shape[0]} x {b} do not fit")
    if not 1 <= b <= EK_COVARIANCE_MAX_BLOCK:
        raise ValueError(f"covariance_product: W has {b} columns, the kernel takes "
                         f"1 to {EK_COVARIANCE_MAX_BLOCK}")
    y_arr = np.zeros((rows, b), dtype=np.asarray(mean).dtype, order='F')
    if n == 0 or p == 0:
        return y_arr
    cdef real_t[::1, :] y = y_arr
    cdef ptrdiff_t ldx = x.strides[0] // <ptrdiff_t>sizeof(real_t)
    if ldx < p:
        ldx = p      # one row: numpy may report any stride
    cdef int ldw = <int>(w.strides[1] // <ptrdiff_t>sizeof(real_t)) if b > 1 else rows
    cdef int side = 1 if samples else 0
    cdef size_t nwork
    if real_t is float:
        nwork = ek_s_covariance_workspace(side, n, p, b)
    else:
        nwork = ek_d_covariance_workspace(side, n, p, b)
    cdef void *work = _workspace(nwork * sizeof(real_t))
    cdef int info
    try:
        with nogil:
            if real_t is float:
                info = ek_s_covariance_product(side, n, p, &x[0, 0], ldx, &mean[0], b, &w[0, 0],
                                               ldw, &y[0, 0], rows, nthreads, <float *>work)
            else:
                info = ek_d_covariance_product(side, n, p, &x[0, 0], ldx, &mean[0], b, &w[0, 0],
                                               ldw, &y[0, 0], rows, nthreads, <double *>work)
    finally:
        free(work)
    _raise_for(info, "covariance_product")
    return y_arr

def k_nearest(const real_t[:, ::1] x, int k, int nthreads=1, bint want_distances=True):
    """The k nearest rows (Euclidean) of every row of a C-ordered, finite x
    among its own rows, the row itself included: ``(indices, distances)``,
    both (n, k), nearest first, ties to the smaller index (distances None
    unless wanted).  x is only read."""
    cdef int n = <int>x.shape[0]
    cdef int d = <int>x.shape[1]
    if not 1 <= k <= n or d < 1:
        raise ValueError(f"k_nearest: k = {k} for {n} rows of {d} features")
    ind_arr = np.empty((n, k), dtype=np.int64)
    dist_arr = np.empty((n if want_distances else 1, k if want_distances else 1), dtype=np.float64)
    cdef int64_t[:, ::1] ind = ind_arr
    cdef double[:, ::1] dist = dist_arr
    cdef double *dist_ptr = &dist[0, 0] if want_distances else NULL
    cdef ptrdiff_t ldx = x.strides[0] // <ptrdiff_t>sizeof(real_t)
    if ldx < d:
        ldx = d      # one row: numpy may report any stride
    cdef size_t nbytes
    if real_t is float:
        nbytes = ek_s_k_nearest_workspace(n, d, k, nthreads)
    else:
        nbytes = ek_d_k_nearest_workspace(n, d, k, nthreads)
    cdef void *work = _workspace(nbytes)
    cdef int info
    try:
        with nogil:
            if real_t is float:
                info = ek_s_k_nearest(n, d, &x[0, 0], ldx, k, nthreads, &ind[0, 0], dist_ptr, work)
            else:
                info = ek_d_k_nearest(n, d, &x[0, 0], ldx, k, nthreads, &ind[0, 0], dist_ptr, work)
    finally:
        free(work)
    if info == 1:
        raise ValueError(f"Input X contains a value too large for dtype({np.asarray(x).dtype.name!r}): "
                         "its squared distances overflow.")
    _raise_for(info, "k_nearest")
    return ind_arr, dist_arr if want_distances else None


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
