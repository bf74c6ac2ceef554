"""Stochastic trace estimation from matrix-vector products: Hutchinson's
estimator and Hutch++ (Meyer, Musco, Musco, Woodruff, SOSA 2021)."""
from dataclasses import dataclass

import numpy as np

from ._inputs import as_generator, as_square_operator, positive_int

__all__ = ["TraceEstimate", "hutchinson_trace"]

_METHODS = ("hutchinson", "hutch++")
_PROBES = ("rademacher", "gaussian")
# Probes are applied in blocks of this many columns, bounding memory at
# n * _BLOCK numbers for the plain estimator.
_BLOCK = 32


@dataclass
class TraceEstimate:
    """A stochastic estimate of tr(A).

    Attributes
    ----------
    trace : float
        The estimate.
    std_error : float
        Its standard error: the sample standard deviation of ``samples``
        over sqrt(len(samples)); 0 when Hutch++'s sketch captured all of A,
        NaN with a single sample.
    samples : ndarray
        The quadratic forms z^T A z of the random probes (for Hutch++, of
        the probes projected off the sketch); their mean is the stochastic
        part of ``trace``.
    n_matvecs : int
        Products with A used.
    method : str
        'hutchinson' or 'hutch++'.
    """
    trace: float
    std_error: float
    samples: np.ndarray
    n_matvecs: int
    method: str


def hutchinson_trace(A, n_probes=60, *, method="hutchinson", probe="rademacher", rng=None):
    """Estimate the trace of a square matrix or operator from products A @ z.

    Parameters
    ----------
    A : ndarray, sparse matrix or LinearOperator, shape (n, n)
        For a Hessian known by Hessian-vector products, pass
        :func:`hessian_operator` (hvp, n).
    n_probes : int, optional
        Number of products with A (default 60).  Hutchinson's estimator
        uses them all as probes.  Hutch++ spends a third on a sketch of
        A's range, a third on the exact trace of A on that range, and the
        rest as Hutchinson probes of the remainder; it needs n_probes >= 3
        and reaches relative error eps with O(1/eps) products instead of
        O(1/eps^2) for positive semidefinite A.
    method : {'hutchinson', 'hutch++'}, optional
    probe : {'rademacher', 'gaussian'}, optional
        Distribution of the probe entries (default Rademacher, the
        minimum-variance choice for real A).
    rng : int or numpy.random.Generator, optional
        Makes the estimate deterministic.

    Returns
    -------
    TraceEstimate

    Examples
    --------
    >>> import numpy as np
    >>> from eigkit.analysis import hutchinson_trace
    >>> A = np.diag(np.arange(1.0, 501.0))           # trace 125250
    >>> est = hutchinson_trace(A, 30, method="hutch++", rng=0)
    >>> bool(abs(est.trace - 125250) < 4 * est.std_error + 1e-6)
    True
    """
    op = as_square_operator(A)
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    if probe not in _PROBES:
        raise ValueError(f"probe must be one of {_PROBES}, got {probe!r}")
    n_probes = positive_int(n_probes, "n_probes", minimum=3 if method == "hutch++" else 1)
    draw = _probe_sampler(probe, op.shape[0], as_generator(rng))
    if method == "hutch++":
        return _hutch_plus_plus(op, n_probes, draw)
    samples = np.concatenate([_quadratic_forms(op, draw(size))
                              for size in _block_sizes(n_probes)])
    return TraceEstimate(float(samples.mean()), _std_error(samples), samples, n_probes,
                         "hutchinson")


def _probe_sampler(probe, n, gen):
    if probe == "rademacher":
        return lambda size: gen.choice(np.array([-1.0, 1.0]), size=(n, size))
    return lambda size: gen.standard_normal((n, size))


def _block_sizes(total):
    return [min(_BLOCK, total - start) for start in range(0, total, _BLOCK)]


def _quadratic_forms(op, Z):
    """z_j^H A z_j for every column z_j of Z."""
    AZ = np.asarray(op.matmat(Z))
    return np.real(np.einsum("ij,ij->j", Z.conj(), AZ))


def _std_error(samples):
    if samples.size < 2:
        return np.nan
    return float(samples.std(ddof=1) / np.sqrt(samples.size))


def _hutch_plus_plus(op, n_probes, draw):
    """Algorithm 1 of Meyer et al.: exact trace on an orthonormal basis Q of
    A S, Hutchinson on (I - Q Q^H) A (I - Q Q^H)."""
    n = op.shape[0]
    sketch = min(n_probes // 3, n)
    Q, _ = np.linalg.qr(np.asarray(op.matmat(draw(sketch))))
    low_rank = float(np.sum(_quadratic_forms(op, Q)))
    rest = n_probes - 2 * sketch
    G = draw(rest)
    G = G - Q @ (Q.conj().T @ G)
    samples = _quadratic_forms(op, G)
    return TraceEstimate(low_rank + float(samples.mean()), _std_error(samples), samples,
                         n_probes, "hutch++")
