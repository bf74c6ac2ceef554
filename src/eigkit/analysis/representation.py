"""Geometry of learned representations (embeddings, hidden states):
PCA spectrum, effective dimension, anisotropy, all-but-the-top."""
from dataclasses import dataclass

import numpy as np

from ..dense import eigh
from ._inputs import as_float_matrix, positive_int

__all__ = ["RepresentationSpectrum", "representation_spectrum"]


@dataclass
class RepresentationSpectrum:
    """PCA spectrum and geometry of a point cloud X (n_samples x dim).

    Attributes
    ----------
    explained_variance : ndarray, shape (dim,)
        Variances along the principal axes, descending (eigenvalues of the
        covariance with the n_samples - 1 divisor, as scikit-learn's PCA).
    explained_variance_ratio : ndarray, shape (dim,)
        explained_variance / its sum.
    components : ndarray, shape (dim, dim)
        Principal axes as rows, in the order of ``explained_variance``.
    mean : ndarray, shape (dim,)
        Mean of X.
    effective_dim_90, effective_dim_99 : int
        Fewest components whose explained variance ratios add up to at
        least 0.90 / 0.99.
    anisotropy : float
        Mean cosine similarity over all pairs of distinct rows of X
        (Ethayarajh 2019); near 0 for isotropic clouds, near 1 when all
        rows point one way.  Zero rows are left out.
    n_removed : int
        Number of top principal directions removed by all-but-the-top.
    projected : ndarray, shape (n_samples, dim)
        All-but-the-top (Mu & Viswanath, ICLR 2018): X minus its mean,
        projected off the top ``n_removed`` principal directions.
    anisotropy_projected : float
        ``anisotropy`` of ``projected``.
    """
    explained_variance: np.ndarray
    explained_variance_ratio: np.ndarray
    components: np.ndarray
    mean: np.ndarray
    effective_dim_90: int
    effective_dim_99: int
    anisotropy: float
    n_removed: int
    projected: np.ndarray
    anisotropy_projected: float

    def effective_dim(self, fraction):
        """Fewest components explaining at least ``fraction`` of the variance."""
        if not 0 < fraction <= 1:
            raise ValueError(f"fraction must be in (0, 1], got {fraction}")
        cumulative = np.cumsum(self.explained_variance_ratio)
        # Rounding can leave the full sum a hair below 1.
        hit = np.searchsorted(cumulative, fraction * (1 - 1e-12), side="left")
        return int(min(hit + 1, cumulative.size))


def representation_spectrum(X, *, n_remove=None):
    """PCA spectrum, effective dimension, anisotropy and all-but-the-top
    projection of embeddings or hidden states.

    The principal axes come from :func:`eigkit.eigh` on the dim x dim
    covariance of X (computed in double precision).

    Parameters
    ----------
    X : array_like, shape (n_samples, dim)
        One representation per row (tokens x hidden size), n_samples >= 2.
    n_remove : int, optional
        Top principal directions removed by all-but-the-top; default
        max(1, round(dim / 100)), the rule of Mu & Viswanath (2018).

    Returns
    -------
    RepresentationSpectrum

    Examples
    --------
    >>> import numpy as np
    >>> from eigkit.analysis import representation_spectrum
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((2000, 50)) * np.r_[10.0, np.ones(49)] + 5.0
    >>> rs = representation_spectrum(X, n_remove=1)
    >>> round(float(rs.explained_variance_ratio[0]), 1), rs.effective_dim_90
    (0.7, 33)
    >>> bool(rs.anisotropy > 0.5 and abs(rs.anisotropy_projected) < 0.01)
    True
    """
    X = as_float_matrix(X, "X")
    n_samples, dim = X.shape
    if n_samples < 2 or dim < 1:
        raise ValueError(f"X must have at least 2 rows and 1 column, got shape {X.shape}")
    n_remove = max(1, round(dim / 100)) if n_remove is None else \
        positive_int(n_remove, "n_remove", minimum=0)
    if n_remove > dim:
        raise ValueError(f"n_remove must be <= dim = {dim}, got {n_remove}")
    mean = X.mean(axis=0)
    centered = X - mean
    adjoint = centered.T.conj() if np.iscomplexobj(centered) else centered.T
    w, V = eigh(adjoint @ centered / (n_samples - 1))
    variance = np.clip(w[::-1], 0.0, None)
    components = V[:, ::-1].T
    total = variance.sum()
    ratio = variance / total if total > 0 else np.zeros_like(variance)
    top = components[:n_remove]
    projected = centered
    if n_remove:
        projected -= (centered @ top.conj().T) @ top
    result = RepresentationSpectrum(variance, ratio, components, mean, 0, 0,
                                    _mean_cosine(X), n_remove, projected,
                                    _mean_cosine(projected))
    result.effective_dim_90 = result.effective_dim(0.90)
    result.effective_dim_99 = result.effective_dim(0.99)
    return result


def _mean_cosine(X):
    """Mean of cos(x_i, x_j) over pairs i != j, from the sum of the unit
    rows: |sum u_i|^2 = n + sum_{i != j} u_i . u_j, never forming n x n."""
    norms = np.linalg.norm(X, axis=1)
    units = X[norms > 0] / norms[norms > 0, None]
    n = units.shape[0]
    if n < 2:
        return np.nan
    s = units.sum(axis=0)
    return float((np.vdot(s, s).real - n) / (n * (n - 1)))
