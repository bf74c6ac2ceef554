"""Exact k-nearest-neighbour graphs of dense data on eigkit's kernel.

:func:`kneighbors_graph` gives what
``sklearn.neighbors.kneighbors_graph(X, n_neighbors, mode='connectivity',
include_self=True)`` gives for dense real X and the Euclidean metric: the
same sparse connectivity matrix, each row's neighbours nearest first.  It
runs on ``csrc/ml/nearest_neighbors.c`` (median-split leaves, GEMM cross
terms between leaves that may hold neighbours, bounded heaps, finalists
re-ranked by directly computed distances), with the GIL released.  No
scikit-learn is needed.

The neighbour sets are those of exact arithmetic, ties going to the
smaller index as in scikit-learn; they can differ from scikit-learn's only
where its float64 norm expansion misorders points at (nearly) equal
distances.
"""
from numbers import Integral

import numpy as np
from scipy import sparse

from .._kernels import ml as _ml_kernels
from .._threads import kernel_threads, usable_cpus


def _validated(X):
    """X as a C-ordered float32 / float64 array, checked as scikit-learn's
    NearestNeighbors checks it (same exception types and messages)."""
    if sparse.issparse(X):
        raise TypeError("eigkit's kneighbors_graph takes dense X; use scikit-learn's "
                        "for sparse input")
    X = np.asarray(X)
    if X.dtype.kind == "c":
        raise ValueError(f"Complex data not supported\n{X}\n")
    if X.ndim == 0 or X.ndim == 1:
        raise ValueError(f"Expected 2D array, got {'scalar' if X.ndim == 0 else '1D'} array "
                         f"instead:\narray={X}.\nReshape your data either using "
                         "array.reshape(-1, 1) if your data has a single feature or "
                         "array.reshape(1, -1) if it contains a single sample.")
    if X.ndim > 2:
        raise ValueError(f"Found array with dim {X.ndim}. kneighbors_graph expected <= 2.")
    dtype = X.dtype if X.dtype in (np.float32, np.float64) else (
        np.float32 if X.dtype == np.float16 else np.float64)
    X = np.ascontiguousarray(X, dtype=dtype)
    for count, what in ((X.shape[0], "sample"), (X.shape[1], "feature")):
        if count < 1:
            raise ValueError(f"Found array with {count} {what}(s) (shape={X.shape}) while a "
                             "minimum of 1 is required by kneighbors_graph.")
    if not np.isfinite(X).all():
        if np.isnan(X).any():
            raise ValueError("Input X contains NaN.\nkneighbors_graph does not accept "
                             "missing values encoded as NaN natively.")
        raise ValueError(f"Input X contains infinity or a value too large for "
                         f"dtype({X.dtype.name!r}).")
    return X


def _checked_neighbors(n_neighbors, n_samples):
    if isinstance(n_neighbors, bool) or not isinstance(n_neighbors, Integral) \
            or n_neighbors < 1:
        raise ValueError("The 'n_neighbors' parameter of kneighbors_graph must be an int in "
                         f"the range [1, inf). Got {n_neighbors!r} instead.")
    if n_neighbors > n_samples:
        raise ValueError(f"Expected n_neighbors <= n_samples_fit, but n_neighbors = "
                         f"{n_neighbors}, n_samples_fit = {n_samples}, n_samples = {n_samples}")
    return int(n_neighbors)


def _threads(n_jobs):
    """Kernel threads for scikit-learn's n_jobs: None is eigkit's default
    (the CPUs it may use, capped by EIGKIT_NUM_THREADS and the BLAS's
    variables), -1 all CPUs, -2 all but one, and so on (joblib's rule)."""
    if n_jobs is None:
        return kernel_threads()
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, Integral):
        raise ValueError(f"n_jobs must be an int or None, got {n_jobs!r}")
    if n_jobs == 0:
        raise ValueError("n_jobs == 0 has no meaning.")
    if n_jobs > 0:
        return int(n_jobs)
    return max(1, usable_cpus() + 1 + int(n_jobs))


def kneighbors(X, n_neighbors, *, n_jobs=None):
    """Distances to and indices of the ``n_neighbors`` nearest rows of
    every row of X among the rows of X, the row itself included.

    What ``NearestNeighbors(n_neighbors=n_neighbors).fit(X).kneighbors(X)``
    returns for dense real X.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Finite real data (float32 is kept, other types become float64).
    n_neighbors : int
        Neighbours per row, 1 <= n_neighbors <= n_samples.
    n_jobs : int, default=None
        Threads (None: eigkit's default; negative: joblib's rule).

    Returns
    -------
    distances : ndarray of shape (n_samples, n_neighbors), float64
        Euclidean distances, nondecreasing along each row.
    indices : ndarray of shape (n_samples, n_neighbors), int64

    Examples
    --------
    >>> import numpy as np
    >>> from eigkit._ml.neighbors import kneighbors
    >>> dist, ind = kneighbors(np.array([[0.0], [3.0], [1.0]]), 2)
    >>> ind.tolist(), dist.tolist()
    ([[0, 2], [1, 2], [2, 0]], [[0.0, 1.0], [0.0, 2.0], [0.0, 1.0]])
    """
    return _nearest(X, n_neighbors, n_jobs, want_distances=True)


def _nearest(X, n_neighbors, n_jobs, want_distances):
    X = _validated(X)
    k = _checked_neighbors(n_neighbors, X.shape[0])
    indices, distances = _ml_kernels.k_nearest(X, k, _threads(n_jobs), want_distances)
    return distances, indices


def kneighbors_graph(X, n_neighbors, *, n_jobs=None):
    """The k-nearest-neighbour connectivity matrix of the rows of X.

    A drop-in for ``sklearn.neighbors.kneighbors_graph(X, n_neighbors,
    mode='connectivity', include_self=True)`` on dense real X (Euclidean
    metric): row i has ones at the ``n_neighbors`` rows nearest to row i,
    row i itself among them, stored nearest first.

    Parameters
    ----------
    X, n_neighbors, n_jobs
        As for :func:`kneighbors`.

    Returns
    -------
    A : scipy.sparse.csr_array of shape (n_samples, n_samples), float64

    Examples
    --------
    >>> import numpy as np
    >>> from eigkit._ml.neighbors import kneighbors_graph
    >>> kneighbors_graph(np.array([[0.0], [3.0], [1.0]]), 2).toarray()
    array([[1., 0., 1.],
           [0., 1., 1.],
           [1., 0., 1.]])
    """
    _, indices = _nearest(X, n_neighbors, n_jobs, want_distances=False)
    n, k = indices.shape
    return sparse.csr_array((np.ones(n * k), indices.ravel(), np.arange(0, n * k + 1, k)),
                            shape=(n, n))
