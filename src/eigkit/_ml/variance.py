"""scikit-learn's variance bookkeeping of PCA and TruncatedSVD, for the
in-memory estimators (:mod:`eigkit.decomposition`) and the dask fits
(:mod:`eigkit.distributed`): the share of the total variance each
component explains, how many components a fraction of it takes, and the
noise variance of the probabilistic PCA model.

The callers differ in how they get the variances (singular values,
eigenvalues of a scatter matrix, the variance of a projection); the rules
below start from what they found.
"""
import numpy as np

__all__ = ["explained_variance_ratio", "components_for_fraction", "noise_variance"]


def explained_variance_ratio(variance, total, *, constant_as_zero=False):
    """Each component's share ``variance / total`` of the total variance.

    Data without variance give 0 / 0: NaN, as in scikit-learn, unless
    ``constant_as_zero`` asks for zeros.
    """
    if constant_as_zero and not total > 0:
        return np.zeros_like(variance)
    return variance / total


def components_for_fraction(cumulative_ratio, fraction):
    """The fewest leading components that explain more than ``fraction``
    of the variance (scikit-learn's ``searchsorted(side='right')``), at
    most all of them.

    ``cumulative_ratio`` holds the running sums of the explained variance
    ratios over the whole spectrum.
    """
    return min(int(np.searchsorted(cumulative_ratio, fraction, side="right")) + 1,
               len(cumulative_ratio))


def noise_variance(discarded, k, n_samples, n_features, *, n_directions=None):
    """The mean variance of the directions a k-component model leaves out.

    ``discarded`` is the variance they hold together, spread over
    ``n_directions - k`` directions (``n_directions`` defaults to
    min(n_samples, n_features), the rank bound; scikit-learn's covariance
    solver counts all n_features).  Zero once k reaches the rank bound.
    """
    limit = min(n_samples, n_features)
    if k >= limit:
        return 0.0
    return discarded / ((limit if n_directions is None else n_directions) - k)
