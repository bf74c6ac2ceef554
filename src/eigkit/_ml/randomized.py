"""Randomized truncated SVD (Halko, Martinsson & Tropp 2011) on an operator.

The operator needs ``shape``, ``dtype``, ``matmat`` and ``rmatmat`` (see
:class:`eigkit._ml.centered.CenteredData`), so centring stays implicit.  The
range finder is subspace iteration with a normalization between products
(HMT Algorithm 4.4, with LU as a cheaper normalizer, as scikit-learn
does); the small problem B = Q^T A is solved through the eigenpairs of
B B^T by eigkit's dense eigensolver.
"""
import numpy as np
from scipy.linalg import lu, qr

from ..dense import eigh


def _normalized(Y, normalizer):
    if normalizer == "none":
        return Y
    if normalizer == "LU":
        return lu(Y, permute_l=True, check_finite=False)[0]
    return qr(Y, mode="economic", check_finite=False)[0]


def range_finder(op, size, n_iter, normalizer, random_state):
    """An orthonormal (n, size) basis Q with A A^T Q ~ Q, A = op (n x p)."""
    Q = random_state.normal(size=(op.shape[1], size)).astype(op.dtype, copy=False)
    for _ in range(n_iter):
        Q = _normalized(op.matmat(Q), normalizer)
        Q = _normalized(op.rmatmat(Q), normalizer)
    return qr(op.matmat(Q), mode="economic", check_finite=False)[0]


def orthonormal_rows(rows):
    """Rows made orthonormal in their given order (QR of the transpose,
    signs kept), so rows belonging to zero singular values still give an
    orthonormal basis instead of 0 / 0."""
    q, r = qr(rows.T, mode="economic", check_finite=False)
    signs = np.where(np.diagonal(r) < 0, -1.0, 1.0).astype(rows.dtype)
    return (q * signs).T


def small_svd(B):
    """Singular values (descending), left singular vectors (columns) and
    right singular vectors (rows) of a short wide B, from the eigenpairs
    of B B^T."""
    w, u = eigh(B @ B.T)
    w, u = w[::-1], u[:, ::-1]
    s = np.sqrt(np.clip(w, 0, None))
    return s, u, orthonormal_rows(u.T @ B)


def auto_power_iterations(n_components, shape):
    """scikit-learn's 'auto' number of power iterations for a matrix of
    this shape: 7, or 4 when n_components is 10 % or more of the smaller
    side."""
    return 7 if n_components < 0.1 * min(shape) else 4


def randomized_svd(op, n_components, n_oversamples=10, n_iter="auto",
                   power_iteration_normalizer="auto", random_state=None):
    """The top ``n_components`` singular values and right singular vectors
    (rows) of ``op``, as :func:`sklearn.utils.extmath.randomized_svd`
    chooses its defaults: 7 power iterations (4 when n_components is 10 %
    or more of the smaller side), LU normalization beyond 2 iterations."""
    n, p = op.shape
    if n_iter == "auto":
        n_iter = auto_power_iterations(n_components, op.shape)
    if power_iteration_normalizer == "auto":
        power_iteration_normalizer = "none" if n_iter <= 2 else "LU"
    size = min(n_components + n_oversamples, n, p)
    # Iterate on the side whose basis is shorter (scikit-learn's 'auto' transpose).
    transpose = n < p
    work = op.T if transpose else op
    Q = range_finder(work, size, n_iter, power_iteration_normalizer, random_state)
    B = work.rmatmat(Q).T                     # Q^T A, (size, cols)
    s, u_b, vt_b = small_svd(B)
    if not transpose:
        return s[:n_components], vt_b[:n_components]
    # A^T ~ Q B, so A ~ B^T Q^T: the right singular vectors of A are Q
    # times the left singular vectors of B.
    return s[:n_components], (Q @ u_b[:, :n_components]).T
