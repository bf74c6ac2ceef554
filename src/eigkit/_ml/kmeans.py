"""k-means for spectral embeddings: scikit-learn's ``k_means`` (k-means++
starts, Lloyd iterations, the best of ``n_init``) computed by
``csrc/ml/kmeans.c`` in one call without the GIL.

An embedding has as many columns as clusters, a handful, where scikit-learn's
per-iteration thread start-up and distance products by GEMM cost more than
the arithmetic; the kernel computes distances directly and shares the points
among eigkit's threads in fixed chunks (the same labels for any thread
count).  Wider data keeps scikit-learn's implementation.
"""
import warnings

import numpy as np

from .. import _tuning
from .._kernels import ml as _ml_kernels

__all__ = ["k_means"]


def k_means(X, n_clusters, *, random_state, n_init=10, max_iter=300, tol=1e-4, n_threads=1):
    """Centres, labels and inertia of the best of ``n_init`` k-means runs.

    Same rules as :func:`sklearn.cluster.k_means` with algorithm 'lloyd':
    greedy k-means++ starts with 2 + log(n_clusters) candidates per centre,
    iterations until the labels stop changing or the squared shift of the
    centres falls to ``tol`` times the mean variance of the columns, empty
    clusters moved to the points farthest from their centres.  The random
    numbers differ, so the labels may differ from scikit-learn's where the
    data leaves k-means ambiguous.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Finite data, n_features at most the tunable ``kmeans_max_width``.
    n_clusters : int
        1 <= n_clusters <= min(n_samples, kmeans_max_width).
    random_state : numpy.random.RandomState
        Draws the starts.
    n_init, max_iter : int
    tol : float
    n_threads : int

    Returns
    -------
    centers : ndarray of shape (n_clusters, n_features)
    labels : ndarray of shape (n_samples,)
    inertia : float

    Examples
    --------
    >>> import numpy as np
    >>> from eigkit._ml.kmeans import k_means
    >>> X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])
    >>> centers, labels, inertia = k_means(X, 2, random_state=np.random.RandomState(0))
    >>> bool(labels[0] == labels[1] != labels[2] == labels[3]), round(inertia, 3)
    (True, 0.01)
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    n, d = X.shape
    width = _tuning.value("kmeans_max_width")
    if not 1 <= n_clusters <= min(n, width) or d > width:
        raise ValueError(f"eigkit's k-means takes 1 <= n_clusters <= min(n_samples, "
                         f"{width}) and at most {width} features, got n_clusters="
                         f"{n_clusters} for data of shape {X.shape}")
    trials = 2 + int(np.log(n_clusters))
    uniforms = random_state.uniform(size=(n_init, 1 + (n_clusters - 1) * trials))
    shift_tol = float(np.mean(np.var(X, axis=0))) * tol
    centers, labels, inertia, _ = _ml_kernels.best_of_inits(X, n_clusters, uniforms, trials,
                                                        max_iter, shift_tol, n_threads)
    distinct = np.unique(labels).shape[0]
    if distinct < n_clusters:
        from sklearn.exceptions import ConvergenceWarning
        warnings.warn(f"Number of distinct clusters ({distinct}) found smaller than "
                      f"n_clusters ({n_clusters}). Possibly due to duplicate points in X.",
                      ConvergenceWarning, stacklevel=2)
    return centers, labels, inertia
