"""Empirical spectral density (ESD) of a weight matrix and the metrics
practitioners read from it (norms, ranks, entropy, heavy-tail exponent,
Marchenko-Pastur bulk and spikes)."""
import contextlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields

import numpy as np
from scipy.sparse.linalg import LinearOperator

from ..dense import eigvalsh
from .._threads import usable_cpus
from ..sparse import eigsh
from ._inputs import as_float_matrix, as_generator, as_numpy, positive_int
from .power_law import fit_power_law
from .safetensors_file import checkpoint_files, read_safetensors
from .table import Table

__all__ = ["WeightSpectrum", "weight_spectrum", "weight_spectra"]

# Eigenvalues beyond the Marchenko-Pastur edge by more than this many
# Tracy-Widom scales count as spikes: the largest eigenvalue of a pure
# noise matrix exceeds the edge by 3 scales with probability ~1e-3.
_TRACY_WIDOM_MARGIN = 3.0
_MAX_NOISE_REFITS = 20


@dataclass
class WeightSpectrum:
    """ESD of a weight matrix W (m x n) and its metrics.

    Attributes
    ----------
    eigenvalues : ndarray
        Eigenvalues of W^H W (the squared singular values of W), ascending;
        all min(m, n) of them, or the largest ``k`` when ``complete`` is
        False.
    shape : tuple of int
        Shape of W.
    complete : bool
        Whether ``eigenvalues`` is the whole spectrum.
    spectral_norm : float
        Largest singular value, sqrt(max eigenvalue).
    frobenius_norm : float
        sqrt(sum of all eigenvalues), computed from W itself.
    stable_rank : float
        frobenius_norm**2 / spectral_norm**2.
    effective_rank : float
        exp of the Shannon entropy of the singular values normalized to sum
        to one (Roy & Vetterli 2007); n for an n x n orthogonal matrix.
        NaN unless ``complete``.
    entropy : float
        Matrix (spectral) entropy -sum(p log p) / log(min(m, n)) with
        p = eigenvalues / sum(eigenvalues), in [0, 1] (Martin & Mahoney).
        NaN unless ``complete``.
    alpha, alpha_std_error, xmin, ks_distance, n_tail :
        Power-law fit of the ESD's tail, see :func:`fit_power_law`
        (fitted to the computed eigenvalues only when not ``complete``).
    alpha_weighted : float
        alpha * log10(max eigenvalue) (Martin & Mahoney 2021).
    noise_variance : float
        Variance of W's entries under the Marchenko-Pastur null model:
        given, or estimated from the eigenvalues inside the bulk.
    mp_edge : float
        Upper edge of the Marchenko-Pastur bulk,
        noise_variance * (sqrt(m) + sqrt(n))**2.
    n_spikes : int
        Eigenvalues beyond ``mp_edge`` by more than 3 Tracy-Widom scales
        noise_variance * (sqrt(m) + sqrt(n)) * (1/sqrt(m) + 1/sqrt(n))**(1/3)
        (Johnstone 2001): the number of directions W carries beyond noise.
    """
    eigenvalues: np.ndarray
    shape: tuple
    complete: bool
    spectral_norm: float
    frobenius_norm: float
    stable_rank: float
    effective_rank: float
    entropy: float
    alpha: float
    alpha_std_error: float
    xmin: float
    ks_distance: float
    n_tail: int
    alpha_weighted: float
    noise_variance: float
    mp_edge: float
    n_spikes: int

    def summary(self):
        """The scalar fields as a dict (one row of :func:`weight_spectra`)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "eigenvalues"}


def weight_spectrum(W, *, k=None, xmin=None, min_tail=None, noise_variance=None, rng=None):
    """Empirical spectral density of a weight matrix and its metrics.

    The eigenvalues of W^H W are computed with :func:`eigkit.eigvalsh` on
    the smaller Gram matrix, or, when ``k`` is given, the ``k`` largest with
    :func:`eigkit.eigsh` on the Gram operator (never formed).  The
    computation is in double precision whatever W's dtype.

    Parameters
    ----------
    W : array_like, shape (m, n)
        Weight matrix (NumPy array, or a tensor that has ``detach`` /
        ``cpu`` / ``__array__``).
    k : int, optional
        Compute only the ``k`` largest eigenvalues (for very large W).
        Effective rank and entropy need the whole spectrum and are NaN.
    xmin, min_tail :
        Passed to :func:`fit_power_law`, which fits the eigenvalues above
        ``max eigenvalue * min(m, n) * eps`` (the numerically nonzero
        ones) the way WeightWatcher does by default.
    noise_variance : float, optional
        Entry variance of the Marchenko-Pastur null model.  By default it is
        estimated as the mean eigenvalue inside the bulk divided by
        max(m, n), refitted after removing spikes.
    rng : int or numpy.random.Generator, optional
        Seed of the Lanczos start when ``k`` is given.

    Returns
    -------
    WeightSpectrum

    Examples
    --------
    >>> import numpy as np
    >>> from eigkit.analysis import weight_spectrum
    >>> W = np.random.default_rng(0).standard_normal((400, 200))
    >>> ws = weight_spectrum(W)
    >>> ws.n_spikes, round(float(ws.mp_edge / (np.sqrt(400) + np.sqrt(200)) ** 2), 1)
    (0, 1.0)
    """
    W = as_float_matrix(W, "W")
    if W.size == 0:
        raise ValueError(f"W must not be empty, got shape {W.shape}")
    rank_bound = min(W.shape)
    if k is not None:
        k = positive_int(k, "k")
        if k > rank_bound:
            raise ValueError(f"k must be <= min(W.shape) = {rank_bound}, got {k}")
    if noise_variance is not None and not noise_variance > 0:
        raise ValueError(f"noise_variance must be positive, got {noise_variance}")
    lam = _gram_eigenvalues(W, k, rng)
    complete = lam.size == rank_bound
    fro2 = float(np.vdot(W, W).real)
    lam_max = float(lam[-1])
    positive = lam[lam > lam_max * rank_bound * np.finfo(np.float64).eps]
    fit = fit_power_law(positive, xmin=xmin, min_tail=min_tail)
    sigma2, edge, spikes = _marchenko_pastur(lam, fro2, W.shape, noise_variance)
    return WeightSpectrum(
        eigenvalues=lam, shape=W.shape, complete=complete,
        spectral_norm=float(np.sqrt(lam_max)), frobenius_norm=float(np.sqrt(fro2)),
        stable_rank=fro2 / lam_max if lam_max > 0 else 0.0,
        effective_rank=_effective_rank(lam) if complete else np.nan,
        entropy=_matrix_entropy(lam) if complete else np.nan,
        alpha=fit.alpha, alpha_std_error=fit.alpha_std_error, xmin=fit.xmin,
        ks_distance=fit.ks_distance, n_tail=fit.n_tail,
        alpha_weighted=fit.alpha * np.log10(lam_max) if lam_max > 0 else np.nan,
        noise_variance=sigma2, mp_edge=edge, n_spikes=spikes)


def weight_spectra(named_weights, *, min_dim=2, workers=None, **kwargs):
    """:func:`weight_spectrum` of every 2-D weight of a model, as a table.

    The layers are analysed in parallel threads: the Gram products and
    eigkit's eigensolvers release the GIL, and the BLAS is held to one
    thread per layer while they run (with threadpoolctl, when installed).

    Parameters
    ----------
    named_weights : str, path, mapping or iterable of (str, array_like)
        A safetensors checkpoint (a file, or a folder whose .safetensors
        files are read in name order; tensors are mapped from the file, not
        loaded), ``model.named_parameters()`` of a PyTorch module, a dict of
        arrays, or a list of pairs.  Entries that are not 2-D (biases,
        norms, convolution kernels) or whose smaller side is below
        ``min_dim`` are skipped.
    min_dim : int, optional
        Smallest min(m, n) analysed (default 2).
    workers : int, optional
        Layers analysed at once (default: the CPUs this process may use).
    **kwargs :
        Passed to :func:`weight_spectrum`.

    Returns
    -------
    Table
        One row per analysed weight, in the checkpoint's order: ``name`` and
        the fields of :meth:`WeightSpectrum.summary`.  ``Table.to_pandas()``
        gives a DataFrame when pandas is installed.

    Examples
    --------
    >>> import numpy as np
    >>> from eigkit.analysis import weight_spectra
    >>> rng = np.random.default_rng(0)
    >>> params = {"fc1.weight": rng.standard_normal((64, 32)), "fc1.bias": np.zeros(64)}
    >>> table = weight_spectra(params)
    >>> len(table), table[0]["name"], table[0]["shape"]
    (1, 'fc1.weight', (64, 32))
    """
    min_dim = positive_int(min_dim, "min_dim")
    workers = usable_cpus() if workers is None else positive_int(workers, "workers")
    layers = [(name, arr) for name, arr in _named_arrays(named_weights)
              if arr.ndim == 2 and min(arr.shape) >= min_dim]

    def analyse(layer):
        name, arr = layer
        return {"name": name, **weight_spectrum(arr, **kwargs).summary()}

    with _single_threaded_blas(workers > 1), ThreadPoolExecutor(max_workers=workers) as pool:
        return Table(list(pool.map(analyse, layers)))


def _named_arrays(named_weights):
    """(name, ndarray) pairs of a checkpoint path, a mapping or pairs."""
    if isinstance(named_weights, (str, os.PathLike)):
        for path in checkpoint_files(named_weights):
            yield from read_safetensors(path).items()
        return
    items = named_weights.items() if hasattr(named_weights, "items") else named_weights
    for name, value in items:
        yield str(name), as_numpy(value)


def _single_threaded_blas(parallel_layers):
    """One BLAS thread per layer while layers run in parallel (threads of
    threads oversubscribe the cores); nothing to do without threadpoolctl."""
    if parallel_layers:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            pass
        else:
            return threadpool_limits(limits=1, user_api="blas")
    return contextlib.nullcontext()


def _gram_eigenvalues(W, k, rng):
    """Eigenvalues of W^H W, ascending and >= 0: all, or the k largest."""
    tall = W.shape[0] >= W.shape[1]
    if k is None or k >= min(W.shape) - 1:
        gram = W.conj().T @ W if tall else W @ W.conj().T
        lam = eigvalsh(gram)
        if k is not None:
            lam = lam[-k:]
    else:
        lam = eigsh(_gram_operator(W, tall), k=k, which="LA", return_eigenvectors=False,
                    rng=as_generator(rng))
    return np.clip(np.sort(lam), 0.0, None)


def _gram_operator(W, tall):
    """W^H W (tall) or W W^H as an operator that never forms the product."""
    inner, outer = (W, W.conj().T) if tall else (W.conj().T, W)
    size = inner.shape[1]
    return LinearOperator((size, size), matvec=lambda x: outer @ (inner @ x),
                          matmat=lambda X: outer @ (inner @ X), dtype=W.dtype)


def _effective_rank(lam):
    sv = np.sqrt(lam)
    total = sv.sum()
    if total == 0:
        return 0.0
    return float(np.exp(_shannon(sv / total)))


def _matrix_entropy(lam):
    total = lam.sum()
    if total == 0 or lam.size < 2:
        return np.nan
    return float(_shannon(lam / total) / np.log(lam.size))


def _shannon(p):
    p = p[p > 0]
    return -np.sum(p * np.log(p))


def _marchenko_pastur(lam, fro2, shape, noise_variance):
    """(noise variance, bulk edge, spike count) of the MP null model of
    W^H W.  With an estimated variance, the spikes' eigenvalues are
    removed from the bulk mean and the estimate is refitted until the
    spike count settles."""
    big, small = max(shape), min(shape)
    root = np.sqrt(big) + np.sqrt(small)
    tw_scale = root * (1.0 / np.sqrt(big) + 1.0 / np.sqrt(small)) ** (1.0 / 3.0)

    def spikes_for(sigma2):
        return int(np.count_nonzero(lam > sigma2 * (root**2 + _TRACY_WIDOM_MARGIN * tw_scale)))

    if noise_variance is not None:
        sigma2 = float(noise_variance)
        return sigma2, sigma2 * root**2, spikes_for(sigma2)
    spikes = 0
    sigma2 = fro2 / (big * small)
    for _ in range(_MAX_NOISE_REFITS):
        if spikes >= small:
            break
        bulk_mass = fro2 - float(np.sum(lam[lam.size - spikes:])) if spikes else fro2
        sigma2 = max(bulk_mass, 0.0) / (big * (small - spikes))
        refitted = spikes_for(sigma2)
        if refitted == spikes:
            break
        spikes = refitted
    return sigma2, sigma2 * root**2, spikes
