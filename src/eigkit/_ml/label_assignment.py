"""Labels from a spectral embedding without k-means: the rotation search of
Yu & Shi and the pivoted-QR rule of Damle, Minden & Ying.

S. X. Yu and J. Shi, "Multiclass spectral clustering", ICCV 2003.
A. Damle, V. Minden and L. Ying, "Simple, direct and efficient multi-way
spectral clustering", Information and Inference 8 (2019).
"""
import numpy as np
from scipy.linalg import LinAlgError, qr


def cluster_qr(vectors):
    """Labels of the rows of ``vectors`` (n, k): a column-pivoted QR of
    vectors^T picks k well-separated rows; the orthogonal polar factor of
    those rows rotates the embedding, and each sample goes to the axis
    where its rotated row is largest in magnitude."""
    k = vectors.shape[1]
    _, _, pivots = qr(vectors.T, pivoting=True, mode="economic")
    u, _, vh = np.linalg.svd(vectors[pivots[:k]].T)
    return np.abs(vectors @ (u @ vh)).argmax(axis=1)


def _partition_sphere(vectors):
    """Columns scaled to length sqrt(n) and oriented so that the first
    entry is not positive, then rows scaled to unit length."""
    n = vectors.shape[0]
    scaled = vectors / np.linalg.norm(vectors, axis=0) * np.sqrt(n)
    first = np.sign(scaled[0])
    scaled *= np.where(first != 0, -first, 1.0)
    return scaled / np.linalg.norm(scaled, axis=1)[:, None]


def _initial_rotation(rows, random_state):
    """A random row, then greedily the rows most orthogonal to all picked."""
    n, k = rows.shape
    rotation = np.empty((k, k))
    rotation[:, 0] = rows[random_state.randint(n)]
    overlap = np.zeros(n)
    for j in range(1, k):
        overlap += np.abs(rows @ rotation[:, j - 1])
        rotation[:, j] = rows[overlap.argmin()]
    return rotation


def discretize(vectors, *, max_svd_restarts=30, n_iter_max=20, random_state=None):
    """Labels by Yu & Shi's discretization: alternate between the discrete
    partition closest to the rotated embedding and the rotation (an
    orthogonal Procrustes problem) closest to that partition, until the
    normalized-cut objective stops changing.

    Parameters
    ----------
    vectors : ndarray of shape (n_samples, n_clusters)
    max_svd_restarts : int
        Fresh starts allowed when a Procrustes SVD fails.
    n_iter_max : int
        Alternations per start.
    random_state : RandomState
        Picks the first row of the initial rotation.

    Returns
    -------
    labels : ndarray of shape (n_samples,)
    """
    rows = _partition_sphere(np.asarray(vectors, dtype=float))
    n, k = rows.shape
    eps = np.finfo(float).eps
    for _ in range(max_svd_restarts):
        rotation = _initial_rotation(rows, random_state)
        previous = 0.0
        for iteration in range(n_iter_max + 1):
            labels = (rows @ rotation).argmax(axis=1)
            # X_d^T V for the indicator matrix X_d: per-cluster row sums.
            overlap = np.zeros((k, k))
            np.add.at(overlap, labels, rows)
            try:
                u, s, vh = np.linalg.svd(overlap)
            except LinAlgError:
                break
            objective = 2.0 * (n - s.sum())
            if abs(objective - previous) < eps or iteration == n_iter_max:
                return labels
            previous = objective
            rotation = vh.T @ u.T
    raise LinAlgError("SVD did not converge")
