"""The largest eigenpairs of a symmetric positive semidefinite operator C
that is expensive to apply (one pass over a large X per block), by block
Lanczos with full reorthogonalization, Rayleigh-Ritz and thick restart.

This is the randomized block Krylov method of Musco & Musco (NeurIPS 2015)
with a convergence test instead of a fixed number of passes: every block
product C V costs a pass over X, so the basis [V, C V, C^2 V, ...] keeps
every product ever made and the Ritz values come from the whole span (a
subspace iteration would discard all but the last block).  Everything on
the small side (the basis, C applied to it, the projected matrix) is
float64: it is d x m, and d is the short side of X.

Convergence: after each pass the Ritz pairs (theta_i, y_i) of the basis
Q have residuals r_i = ||C y_i - theta_i y_i||, known without another
pass since C Q is stored.  For an isolated eigenvalue the Ritz value's
error is at most r_i^2 / gap_i (Parlett, The Symmetric Eigenvalue
Problem, Thm 11.7.1), gap_i the distance to the rest of the spectrum,
estimated by the distance to the other Ritz values.  A pair is converged
when that bound is below ``tol * theta_i``.
"""
from dataclasses import dataclass

import numpy as np
from scipy.linalg import eigh, qr

__all__ = ["KrylovResult", "largest_eigenpairs"]

# Orthogonalize each new block twice against the basis: one classical
# Gram-Schmidt pass loses orthogonality when the block is nearly in the
# span ("twice is enough", Giraud, Langou & Rozloznik 2005).
_REORTHOGONALIZATIONS = 2


@dataclass
class KrylovResult:
    """Eigenvalues (descending), eigenvectors (columns, d x k), products
    made (vectors), passes (blocks applied) and whether every pair met the
    tolerance."""
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    n_products: int
    n_passes: int
    converged: bool


def largest_eigenpairs(apply, d, k, block, tol, max_passes, random_state, max_dim=None):
    """The ``k`` largest eigenpairs of the d x d PSD operator ``apply``.

    Parameters
    ----------
    apply : callable
        ``apply(V)`` returns C V (float64, d x b) for V float64, d x b.
    d, k : int
        Order of C and number of pairs wanted (k < d).
    block : int
        Vectors per pass.
    tol : float
        Relative bound on each eigenvalue's error (see the module notes).
    max_passes : int
        Passes allowed; the result says whether they sufficed.
    random_state : numpy.random.RandomState
        Draws the starting block.
    max_dim : int, optional
        Largest basis before a thick restart keeps the leading Ritz vectors
        (default min(d, 4 k + 4 block)).
    """
    max_dim = min(d, max_dim or 4 * k + 4 * block)
    keep = min(max_dim - block, k + block)
    basis = np.empty((d, 0))
    image = np.empty((d, 0))
    new = _orthonormal(random_state.standard_normal((d, min(block, d))), basis)
    passes = products = 0
    while True:
        basis = np.hstack([basis, new])
        image = np.hstack([image, apply(new)])
        passes += 1
        products += new.shape[1]
        theta, S = _rayleigh_ritz(basis, image)
        done = _converged(theta, basis @ S[:, :k], image @ S[:, :k], k, tol)
        new = _orthonormal(image[:, -new.shape[1]:], basis)[:, :block]
        # an empty new block: the basis spans an invariant subspace (or all of
        # R^d), and its Ritz pairs are exact
        if done or new.shape[1] == 0 or passes >= max_passes:
            return KrylovResult(np.clip(theta[:k], 0, None), basis @ S[:, :k], products,
                                passes, done or new.shape[1] == 0)
        if basis.shape[1] + new.shape[1] > max_dim:
            # thick restart: the leading Ritz vectors span the useful part
            # of the basis, and C applied to them is known exactly
            basis, image = basis @ S[:, :keep], image @ S[:, :keep]


def _rayleigh_ritz(basis, image):
    """Ritz values (descending) and coefficient vectors of Q^T C Q."""
    projected = basis.T @ image
    projected += projected.T
    projected *= 0.5
    theta, S = eigh(projected, check_finite=False)
    return theta[::-1], S[:, ::-1]


def _converged(theta, vectors, images, k, tol):
    if theta.size <= k:
        return False
    residuals = np.linalg.norm(images - vectors * theta[:k], axis=0)
    gaps = _gaps(theta, k)
    bound = residuals ** 2 / np.maximum(gaps, residuals)
    return bool(np.all(bound <= tol * np.maximum(theta[:k], np.finfo(float).tiny)))


def _gaps(theta, k):
    """Distance of each of the first k Ritz values to its nearest other
    Ritz value (there are more than k)."""
    above = np.full(k, np.inf)
    above[1:] = theta[:k - 1] - theta[1:k]
    return np.minimum(above, theta[:k] - theta[1:k + 1])


def _orthonormal(block, basis):
    """``block`` orthogonalized against the orthonormal ``basis`` and
    orthonormalized, columns that were in the span dropped."""
    size = max(float(np.linalg.norm(block, axis=0).max(initial=0.0)), np.finfo(float).tiny)
    for _ in range(_REORTHOGONALIZATIONS):
        block = block - basis @ (basis.T @ block)
    q, r = qr(block, mode="economic", check_finite=False)
    # what is left of a column in the span is rounding, relative to the
    # block's size before the projection
    return q[:, np.abs(np.diagonal(r)) > 1e-10 * size]
