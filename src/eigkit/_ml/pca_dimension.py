"""Minka's automatic choice of the PCA dimension (n_components='mle').

T. P. Minka, "Automatic choice of dimensionality for PCA", NIPS 2000:
the Laplace approximation of the evidence of a rank-k probabilistic PCA
model (his equation 30), maximised over k = 1 .. p - 1.
"""
import math

import numpy as np

_TINY = 1e-15


def log_evidence(spectrum, rank, n_samples):
    """Laplace-approximated log evidence of rank ``rank`` for the
    covariance eigenvalues ``spectrum`` (descending) of ``n_samples``."""
    p = spectrum.shape[0]
    if not 1 <= rank < p:
        raise ValueError("the tested rank should be in [1, n_features - 1]")
    if spectrum[rank - 1] < _TINY:
        return -math.inf
    i = np.arange(1, rank + 1)
    free = (p - i + 1) / 2.0
    log_prior = -rank * math.log(2.0) + float(np.sum([math.lgamma(f) for f in free])
                                               - math.log(math.pi) * free.sum())
    log_signal = -float(np.sum(np.log(spectrum[:rank]))) * n_samples / 2.0
    noise = max(_TINY, float(spectrum[rank:].sum()) / (p - rank))
    log_noise = -math.log(noise) * n_samples * (p - rank) / 2.0
    m = p * rank - rank * (rank + 1.0) / 2.0
    log_volume = math.log(2.0 * math.pi) * (m + rank) / 2.0
    model = np.array(spectrum, dtype=float)
    model[rank:] = noise
    # log |A_Z|: one term per pair (i < rank, j > i) of the Hessian.
    pairs = 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        for a in range(rank):
            gaps = (spectrum[a] - spectrum[a + 1:]) * (1.0 / model[a + 1:] - 1.0 / model[a])
            pairs += float(np.sum(np.log(gaps))) + (p - a - 1) * math.log(n_samples)
    value = (log_prior + log_signal + log_noise + log_volume - pairs / 2.0
             - rank * math.log(n_samples) / 2.0)
    return value if math.isfinite(value) else -math.inf


def infer_dimension(spectrum, n_samples):
    """The rank in [1, p - 1] of largest evidence."""
    ll = np.full(spectrum.shape[0], -np.inf)
    for rank in range(1, spectrum.shape[0]):
        ll[rank] = log_evidence(spectrum, rank, n_samples)
    return int(np.argmax(ll))
