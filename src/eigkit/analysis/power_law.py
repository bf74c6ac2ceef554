"""Power-law fit of a heavy tail: maximum likelihood for the exponent,
Kolmogorov-Smirnov distance for the lower cutoff (Clauset, Shalizi and
Newman, "Power-law distributions in empirical data", SIAM Review 2009)."""
from dataclasses import dataclass

import numpy as np

from ._inputs import positive_int

__all__ = ["PowerLawFit", "fit_power_law"]

# Candidate cutoffs are every distinct sample up to this many; beyond, an
# even subsample of them, which keeps the search O(max * n).
_MAX_CANDIDATES = 1000


@dataclass
class PowerLawFit:
    """A continuous power law p(x) ~ x**(-alpha) for x >= xmin.

    Attributes
    ----------
    alpha : float
        Maximum-likelihood exponent, ``1 + n_tail / sum(log(x / xmin))``
        over the samples x >= xmin (Clauset et al. 2009, eq. 3.1).
    alpha_std_error : float
        Its asymptotic standard error ``(alpha - 1) / sqrt(n_tail)``.
    xmin : float
        Lower cutoff of the power-law tail.
    ks_distance : float
        Kolmogorov-Smirnov distance between the tail's empirical CDF and
        the fitted power law; ``xmin`` minimizes it when it was searched.
    n_tail : int
        Number of samples >= xmin used in the fit.
    """
    alpha: float
    alpha_std_error: float
    xmin: float
    ks_distance: float
    n_tail: int


def fit_power_law(x, *, xmin=None, min_tail=10):
    """Fit a power law to the tail of positive samples (for example the
    eigenvalues of a weight matrix's W^T W).

    Parameters
    ----------
    x : array_like, 1-D
        Samples; non-positive values are ignored.
    xmin : float, optional
        Lower cutoff.  By default the cutoff among the samples that
        minimizes the Kolmogorov-Smirnov distance between the tail and its
        fit (Clauset et al. 2009, section 3.3).
    min_tail : int, optional
        The searched cutoff leaves at least this many samples in the tail
        (default 10), because tiny tails give meaningless exponents.

    Returns
    -------
    PowerLawFit
        ``alpha`` and ``ks_distance`` are NaN when fewer than two distinct
        positive samples lie in the tail.

    Examples
    --------
    >>> import numpy as np
    >>> from eigkit.analysis import fit_power_law
    >>> x = np.random.default_rng(0).pareto(1.5, 5000) + 1.0  # alpha = 2.5, xmin = 1
    >>> fit = fit_power_law(x)
    >>> bool(abs(fit.alpha - 2.5) < 0.2)
    True
    """
    x = np.asarray(x, dtype=np.float64).ravel()
    if not np.isfinite(x).all():
        raise ValueError("x must not contain infs or NaNs")
    min_tail = positive_int(min_tail, "min_tail", minimum=2)
    x = np.sort(x[x > 0])
    if xmin is not None:
        xmin = float(xmin)
        if not xmin > 0:
            raise ValueError(f"xmin must be positive, got {xmin}")
        return _fit_at(x[np.searchsorted(x, xmin):], xmin)
    candidates = _candidate_starts(x, min_tail)
    if candidates.size == 0:
        return _fit_at(x, x[0] if x.size else np.nan)
    fits = [_fit_at(x[i:], x[i]) for i in candidates]
    distances = np.array([f.ks_distance for f in fits])
    if np.isnan(distances).all():
        return fits[0]
    return fits[int(np.nanargmin(distances))]


def _candidate_starts(x, min_tail):
    """Indices of the distinct sample values that leave >= min_tail samples."""
    last = x.size - min_tail
    if last < 0:
        return np.zeros(0, dtype=np.intp)
    starts = np.flatnonzero(np.r_[True, x[1:last + 1] != x[:last]])
    if starts.size > _MAX_CANDIDATES:
        starts = starts[np.linspace(0, starts.size - 1, _MAX_CANDIDATES).astype(np.intp)]
    return starts


def _fit_at(tail, xmin):
    """Maximum-likelihood exponent and KS distance of the sorted tail >= xmin."""
    n = tail.size
    log_sum = float(np.sum(np.log(tail / xmin))) if n else 0.0
    if n < 2 or log_sum <= 0:
        return PowerLawFit(np.nan, np.nan, float(xmin), np.nan, n)
    alpha = 1.0 + n / log_sum
    model_cdf = 1.0 - (tail / xmin) ** (1.0 - alpha)
    steps = np.arange(n + 1) / n
    ks = max(np.max(np.abs(steps[1:] - model_cdf)), np.max(np.abs(steps[:-1] - model_cdf)))
    return PowerLawFit(float(alpha), float((alpha - 1.0) / np.sqrt(n)), float(xmin), float(ks), n)
