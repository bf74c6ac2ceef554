"""Power-law fit of a heavy tail: maximum likelihood for the exponent,
Kolmogorov-Smirnov distance for the lower cutoff (Clauset, Shalizi and
Newman, "Power-law distributions in empirical data", SIAM Review 2009),
with the conventions of WeightWatcher (Martin & Mahoney) so that a layer's
alpha is the one practitioners compare against."""
from dataclasses import dataclass

import numpy as np

from ._inputs import positive_int

__all__ = ["PowerLawFit", "fit_power_law"]

# Below this many samples the cutoff is chosen by the small-sample rule of
# WeightWatcher 0.7 (its WWFit.fit_powerlaw_smallN): the bias-corrected
# exponent 1 + (n - 1) / sum(log(x / xmin)), at least _SMALL_SAMPLE_MIN_TAIL
# samples in the tail, and the KS distance less _SMALL_SAMPLE_TAIL_BONUS /
# sqrt(n), which favours longer tails where a few points make D noisy.
_SMALL_SAMPLE = 20
_SMALL_SAMPLE_MIN_TAIL = 8
_SMALL_SAMPLE_TAIL_BONUS = 0.868


@dataclass
class PowerLawFit:
    """A continuous power law p(x) ~ x**(-alpha) for x >= xmin.

    Attributes
    ----------
    alpha : float
        Maximum-likelihood exponent, ``1 + n_tail / sum(log(x / xmin))``
        over the samples x >= xmin (Clauset et al. 2009, eq. 3.1); with
        fewer than 20 samples, the bias-corrected
        ``1 + (n_tail - 1) / sum(log(x / xmin))``.
    alpha_std_error : float
        Its asymptotic standard error ``(alpha - 1) / sqrt(n_tail)``.
    xmin : float
        Lower cutoff of the power-law tail.
    ks_distance : float
        Kolmogorov-Smirnov distance between the tail's empirical CDF and
        the fitted power law, ``max_j abs(F(x_j) - j / n_tail)`` over the
        sorted tail x_0 <= ... <= x_{n_tail-1} (the empirical CDF just
        below each sample, as WeightWatcher and the powerlaw package
        measure it); ``xmin`` minimizes it when it was searched.
    n_tail : int
        Number of samples >= xmin used in the fit.
    """
    alpha: float
    alpha_std_error: float
    xmin: float
    ks_distance: float
    n_tail: int


def fit_power_law(x, *, xmin=None, min_tail=None):
    """Fit a power law to the tail of positive samples (for example the
    eigenvalues of a weight matrix's W^T W).

    The default search reproduces WeightWatcher's (version 0.7, its
    default ``pl_package``): every sorted sample but the largest is a
    candidate cutoff, each gets its maximum-likelihood exponent, and the
    first candidate with the smallest Kolmogorov-Smirnov distance wins.
    With fewer than 20 samples its small-sample rule applies instead (see
    ``alpha`` and the notes).

    Parameters
    ----------
    x : array_like, 1-D
        Samples; non-positive values are ignored.
    xmin : float, optional
        Lower cutoff.  By default the cutoff among the samples that
        minimizes the Kolmogorov-Smirnov distance between the tail and its
        fit (Clauset et al. 2009, section 3.3).
    min_tail : int, optional
        The searched cutoff leaves at least this many samples in the tail.
        By default 2 (every sample but the largest is a candidate), or 8
        with fewer than 20 samples.

    Returns
    -------
    PowerLawFit
        ``alpha`` and ``ks_distance`` are NaN when the tail has fewer than
        two distinct positive samples.

    Notes
    -----
    With fewer than 20 samples the cutoff minimizes
    ``ks_distance - 0.868 / sqrt(n_tail)`` instead, which keeps a few
    extreme points from deciding the fit on their own.

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
    x = np.sort(x[x > 0])
    small = x.size < _SMALL_SAMPLE
    if min_tail is None:
        min_tail = _SMALL_SAMPLE_MIN_TAIL if small else 2
    min_tail = positive_int(min_tail, "min_tail", minimum=2)
    if xmin is not None:
        xmin = float(xmin)
        if not xmin > 0:
            raise ValueError(f"xmin must be positive, got {xmin}")
        return _fit_at(x[np.searchsorted(x, xmin):], xmin, small)
    return _search_cutoff(x, min_tail, small)


def _search_cutoff(x, min_tail, small):
    """Best fit over the cutoffs x[i] that leave >= min_tail samples; the
    first of equal scores wins (numpy.argmin, as WeightWatcher)."""
    logs = np.log(x)
    best, best_score = None, np.inf
    for i in range(x.size - min_tail + 1):
        fit = _fit_logs(logs[i:] - logs[i], x[i], small)
        score = fit.ks_distance
        if small:
            score -= _SMALL_SAMPLE_TAIL_BONUS / np.sqrt(fit.n_tail)
        if score < best_score:
            best, best_score = fit, score
    if best is None:
        return _fit_at(x, x[0] if x.size else np.nan, small)
    return best


def _fit_at(tail, xmin, small):
    """Fit of the sorted samples ``tail`` (all >= xmin) at cutoff xmin."""
    return _fit_logs(np.log(tail / xmin) if tail.size else tail, xmin, small)


def _fit_logs(log_ratio, xmin, small):
    """Maximum-likelihood exponent and KS distance from log(x / xmin) of the
    sorted tail."""
    n = log_ratio.size
    log_sum = float(np.sum(log_ratio))
    if n < 2 or log_sum <= 0:
        return PowerLawFit(np.nan, np.nan, float(xmin), np.nan, n)
    alpha = 1.0 + (n - 1.0 if small else n) / log_sum
    model_cdf = -np.expm1((1.0 - alpha) * log_ratio)
    ks = float(np.max(np.abs(model_cdf - np.arange(n) / n)))
    return PowerLawFit(float(alpha), float((alpha - 1.0) / np.sqrt(n)), float(xmin), ks, n)
