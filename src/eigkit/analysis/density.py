"""Spectral density (density of states) by stochastic Lanczos quadrature
(Lin, Saad, Yang, SIAM Review 2016; Ubaru, Chen, Saad, SIMAX 2017)."""
from dataclasses import dataclass

import numpy as np

from ..dense import eigh_tridiagonal
from ._inputs import as_generator, as_square_operator, positive_int

__all__ = ["SpectralDensity", "spectral_density"]

# A Lanczos vector whose norm falls below this fraction of ||A||est has
# found an invariant subspace: the quadrature is then exact.
_BREAKDOWN = 1e-10
_GRID_PAD = 5.0  # grid margin beyond the extreme nodes, in broadening widths


@dataclass
class SpectralDensity:
    """Stochastic Lanczos quadrature of the spectral density of A (n x n):
    phi(t) = (1/n) sum_i delta(t - lambda_i) is approximated by the average
    over probes of the Gauss quadrature rules (nodes, weights).

    Attributes
    ----------
    nodes : ndarray, shape (n_probes, n_steps)
        Gauss nodes (Ritz values) of each probe, ascending; rows of probes
        whose Krylov space was exhausted early are padded with NaN.
    weights : ndarray, shape (n_probes, n_steps)
        Gauss weights (squared first components of the Ritz vectors); each
        row sums to 1, padding is 0.  For every probe z and every degree
        p < 2 * steps, sum(weights * nodes**p) = z^T A^p z / z^T z.
    grid : ndarray
        Points where ``density`` is evaluated.
    density : ndarray
        sum over probes and nodes of weight * N(grid; node, sigma**2), over
        n_probes: a probability density.
    sigma : float
        Width of the Gaussian broadening.
    """
    nodes: np.ndarray
    weights: np.ndarray
    grid: np.ndarray
    density: np.ndarray
    sigma: float

    def moments(self, max_degree):
        """Estimates of tr(A^p) / n for p = 0..max_degree from the quadrature
        (exact per probe for p < 2 * n_steps), shape (max_degree + 1,)."""
        return self.probe_moments(max_degree).mean(axis=0)

    def probe_moments(self, max_degree):
        """z^T A^p z / z^T z of every probe, shape (n_probes, max_degree + 1)."""
        nodes = np.nan_to_num(self.nodes)
        powers = nodes[..., None] ** np.arange(max_degree + 1)
        return np.einsum("ls,lsp->lp", self.weights, powers)

    def measure(self):
        """The quadrature as one discrete probability measure: (points,
        masses), NaN padding dropped; masses sum to 1."""
        keep = self.weights > 0
        return self.nodes[keep], self.weights[keep] / self.weights.shape[0]


def spectral_density(A, n_probes=10, n_steps=90, *, grid=512, sigma=None, rng=None):
    """Density of states of a symmetric matrix or operator by stochastic
    Lanczos quadrature.

    For each of ``n_probes`` Rademacher vectors z, ``n_steps`` Lanczos steps
    with full reorthogonalization (Gram-Schmidt against all previous
    vectors, twice when needed) from z / ||z|| give a tridiagonal T; its
    eigenvalues (from :func:`eigkit.eigh_tridiagonal`) are the Gauss nodes
    and the squared first components of its eigenvectors the weights of
    the quadrature of z^T f(A) z / n.  The average over probes,
    broadened by Gaussians, estimates the spectral density.

    Parameters
    ----------
    A : ndarray, sparse matrix or LinearOperator, shape (n, n)
        Symmetric (or Hermitian); only products A @ v are used.  For a
        Hessian pass :func:`hessian_operator` (hvp, n).
    n_probes : int, optional
        Number of random probes (default 10).
    n_steps : int, optional
        Lanczos steps per probe (default 90, capped at n); each probe costs
        n_steps products with A and keeps n_steps vectors of length n.
    grid : int or array_like, optional
        Points where the smoothed density is evaluated: their number
        (default 512, evenly spaced over the nodes' range widened by
        5 * sigma on each side) or the points themselves.
    sigma : float, optional
        Width of the Gaussian broadening.  Default 2 * (max node - min
        node) / n_steps, about the spacing of the Gauss nodes in the
        interior of the spectrum, so that the smoothed density neither
        shows the individual nodes nor blurs features the quadrature
        resolves.
    rng : int or numpy.random.Generator, optional
        Makes the result deterministic.

    Returns
    -------
    SpectralDensity

    Examples
    --------
    >>> import numpy as np
    >>> from eigkit.analysis import spectral_density
    >>> A = np.diag(np.linspace(-1.0, 1.0, 1000))   # uniform density 1/2 on [-1, 1]
    >>> sd = spectral_density(A, n_probes=5, n_steps=60, rng=0)
    >>> from scipy.integrate import trapezoid
    >>> bool(abs(trapezoid(sd.density, sd.grid) - 1.0) < 1e-6)
    True
    >>> float(np.round(sd.moments(2)[2], 2))         # tr(A^2) / n = 1/3
    0.33
    """
    op = as_square_operator(A)
    n_probes = positive_int(n_probes, "n_probes")
    n_steps = min(positive_int(n_steps, "n_steps"), op.shape[0])
    if sigma is not None and not sigma > 0:
        raise ValueError(f"sigma must be positive, got {sigma}")
    gen = as_generator(rng)
    nodes = np.full((n_probes, n_steps), np.nan)
    weights = np.zeros((n_probes, n_steps))
    for probe in range(n_probes):
        z = gen.choice(np.array([-1.0, 1.0]), size=op.shape[0])
        alpha, beta = _lanczos(op, z / np.sqrt(z.size), n_steps)
        theta, first = _gauss_rule(alpha, beta)
        nodes[probe, :theta.size] = theta
        weights[probe, :theta.size] = first
    width = _default_sigma(nodes, n_steps) if sigma is None else float(sigma)
    points = _grid(grid, nodes, width)
    return SpectralDensity(nodes, weights, points, _broadened(points, nodes, weights, width),
                           width)


def _lanczos(op, v, n_steps):
    """Diagonal and off-diagonal of the Lanczos tridiagonal from unit v,
    with full reorthogonalization: after the three-term recurrence, a
    classical Gram-Schmidt pass against all previous vectors, repeated
    once when it removed more than 30% of the norm (the DGKS criterion,
    "twice is enough"); stops early on an invariant subspace."""
    n = v.size
    dtype = np.result_type(op.dtype, np.float64)
    complex_basis = np.issubdtype(dtype, np.complexfloating)
    V = np.zeros((n_steps, n), dtype=dtype)
    V[0] = v
    alpha = np.zeros(n_steps)
    beta = np.zeros(n_steps)
    scale = 0.0
    for j in range(n_steps):
        w = np.asarray(op.matvec(V[j]), dtype=dtype).reshape(n)
        if j:
            w -= beta[j - 1] * V[j - 1]
        alpha[j] = np.vdot(V[j], w).real
        w -= alpha[j] * V[j]
        before = np.linalg.norm(w)
        basis = V[:j + 1]
        for _ in range(2):
            # conj() copies, which for a real basis would copy all of V per step.
            coef = basis.conj() @ w if complex_basis else basis @ w
            w -= coef @ basis
            beta[j] = np.linalg.norm(w)
            if beta[j] > 0.7 * before:
                break
            before = beta[j]
        scale = max(scale, abs(alpha[j]) + beta[j] + (beta[j - 1] if j else 0.0))
        if j + 1 == n_steps or beta[j] <= _BREAKDOWN * scale:
            return alpha[:j + 1], beta[:j]
        V[j + 1] = w / beta[j]
    return alpha, beta[:-1]


def _gauss_rule(alpha, beta):
    """Nodes and weights of the Gauss rule of the Jacobi matrix (alpha, beta)."""
    if alpha.size == 1:
        return alpha.copy(), np.ones(1)
    theta, S = eigh_tridiagonal(alpha, beta)
    return theta, S[0] ** 2


def _default_sigma(nodes, n_steps):
    spread = np.nanmax(nodes) - np.nanmin(nodes)
    if spread > 0:
        return 2.0 * spread / n_steps
    return max(abs(np.nanmax(nodes)), 1.0) * 1e-3


def _grid(grid, nodes, width):
    if np.ndim(grid) == 0:
        count = positive_int(grid, "grid", minimum=2)
        return np.linspace(np.nanmin(nodes) - _GRID_PAD * width,
                           np.nanmax(nodes) + _GRID_PAD * width, count)
    points = np.asarray(grid, dtype=np.float64)
    if points.ndim != 1 or not np.isfinite(points).all():
        raise ValueError("grid must be an int or a 1-D array of finite points")
    return points


def _broadened(points, nodes, weights, width):
    """Mixture of Gaussians N(node, width**2) with the quadrature weights,
    averaged over probes; evaluated in row chunks to bound memory."""
    keep = weights > 0
    centers, mass = nodes[keep], weights[keep] / weights.shape[0]
    out = np.empty(points.size)
    chunk = max(1, 2**20 // max(centers.size, 1))
    norm = 1.0 / (width * np.sqrt(2.0 * np.pi))
    for start in range(0, points.size, chunk):
        t = points[start:start + chunk, None]
        out[start:start + chunk] = norm * (np.exp(-0.5 * ((t - centers) / width) ** 2) @ mass)
    return out
