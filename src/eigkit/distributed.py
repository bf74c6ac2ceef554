"""The Dask paths: PCA, truncated SVD, eigsh and svds for arrays that live
on a dask cluster (or out of core on one machine).

The data never come to the client.  Every pass over them is one
``dask.compute``; what it returns is small: column statistics, a
``p x p`` scatter matrix, or a ``p x m`` block of products with the
feature dimension ``p`` (``m`` a few more than the wanted components).
The small dense work runs in eigkit on the client.

Three ways to a PCA / truncated SVD of a dask array ``X`` (n x p):

* ``"covariance_eigh"`` (tall-and-skinny, ``p`` up to a few thousand): one
  pass.  Every row block contributes its row count, column means and
  *centred* scatter matrix; blocks are merged in a tree with the pairwise
  update of Chan, Golub and LeVeque (1979), so the centred covariance is
  as accurate as if X had been centred in memory, whatever the size of
  the mean.  :func:`eigkit.eigh` then finds the wanted eigenpairs.
* ``"randomized"`` (wide data): subspace iteration with the centred Gram
  operator, as in Halko, Martinsson and Tropp (2011).  Each pass computes
  ``Xc^T (Xc V)`` for a block V of ``n_components + n_oversamples``
  columns (``Xc`` the implicitly centred X); ``n_iter + 2`` passes.
* ``"arpack"``: :func:`eigkit.eigsh` (block Lanczos) on the same
  operator, one pass per block product.

Both iterative paths end with a Rayleigh-Ritz pass: the centred moments of
``Y = X V`` give ``V^T Xc^T Xc V`` without cancellation, and with it the
explained variances.

The public functions return a :class:`DaskDecomposition` holding the
fitted attributes with scikit-learn's names and definitions
(``explained_variance_`` with ``n_samples - 1``, ``noise_variance_`` the
mean discarded variance, the sign convention of scikit-learn 1.9's
``svd_flip(u_based_decision=False)``).
"""
import numbers
from dataclasses import dataclass

import numpy as np

from . import _tuning
from ._linalg.block_operator import block_operator
from ._linalg.dask_operator import dask_linear_operator, import_dask, is_dask_array
from ._ml.randomized import auto_power_iterations
from ._ml.signs import flip_signs
from ._ml.variance import components_for_fraction, explained_variance_ratio, noise_variance
from .dense import eigh
from .sparse import eigsh

__all__ = ["DaskDecomposition", "fit_pca_dask", "fit_truncated_svd_dask", "transform_dask",
           "inverse_transform_dask", "dask_linear_operator", "is_dask_array"]


@dataclass
class DaskDecomposition:
    """A fitted PCA or truncated SVD, with scikit-learn's attribute names.

    ``n_passes`` counts the computations that read X (each reads every
    block once).  ``mean_`` is None for a truncated SVD.
    """
    components_: np.ndarray
    explained_variance_: np.ndarray
    explained_variance_ratio_: np.ndarray
    singular_values_: np.ndarray
    mean_: np.ndarray | None
    noise_variance_: float | None
    n_components: int
    n_samples: int
    n_features: int
    n_passes: int
    solver: str


# ---------------------------------------------------------------------------
# Validation

def _checked_array(X, min_samples):
    """X as a 2-D floating dask array with known chunks."""
    import_dask()
    if not is_dask_array(X):
        raise TypeError(f"expected a dask array, got {type(X).__name__}")
    if X.ndim != 2:
        raise ValueError(f"Expected a 2-dimensional array, got {X.ndim} dimension(s)")
    if any(np.isnan(c) for chunks in X.chunks for c in chunks):
        raise ValueError("X has unknown chunk sizes; call X.compute_chunk_sizes() first")
    n, p = X.shape
    if n < min_samples:
        raise ValueError(f"Found array with {n} sample(s) (shape={X.shape}) while a "
                         f"minimum of {min_samples} is required.")
    if p < 1:
        raise ValueError(f"Found array with 0 feature(s) (shape={X.shape}) while a "
                         "minimum of 1 is required.")
    if X.dtype.kind == "c":
        raise TypeError("complex data are not supported")
    if X.dtype.kind not in "f":
        X = X.astype(np.float64)
    return X


def _checked_components(n_components, n, p, solver):
    """The number of components as an int (a float in (0, 1) is kept for the
    exact solver, which sees the whole spectrum)."""
    limit = min(n, p)
    if n_components is None:
        return limit - 1 if solver == "arpack" else limit
    if isinstance(n_components, numbers.Real) and not isinstance(
            n_components, numbers.Integral):
        if solver != "covariance_eigh" or not 0 < n_components < 1:
            raise ValueError(f"n_components={n_components!r} must be an integer, or a float "
                             "in (0, 1) with svd_solver='covariance_eigh'")
        return float(n_components)
    if not isinstance(n_components, numbers.Integral) or isinstance(n_components, bool):
        raise ValueError(f"n_components={n_components!r} must be an integer")
    high, bound = (limit - 1, "min(n_samples, n_features) - 1") if solver == "arpack" else \
        (limit, "min(n_samples, n_features)")
    if not 1 <= n_components <= high:
        raise ValueError(f"n_components={n_components} must be between 1 and {bound}={high} "
                         f"with svd_solver='{solver}'")
    return int(n_components)


_PCA_SOLVERS = {"auto": None, "full": "covariance_eigh", "covariance_eigh": "covariance_eigh",
                "randomized": "randomized", "arpack": "arpack"}


def _pca_solver(svd_solver, p):
    if svd_solver not in _PCA_SOLVERS:
        raise ValueError(f"svd_solver must be one of {sorted(_PCA_SOLVERS)}, "
                         f"got {svd_solver!r}")
    chosen = _PCA_SOLVERS[svd_solver]
    if chosen is None:
        # beyond, a block's p x p scatter matrix costs more than a randomized pass
        chosen = ("covariance_eigh" if p <= _tuning.value("dask_gram_max_features")
                  else "randomized")
    return chosen


# ---------------------------------------------------------------------------
# Passes over the data

class _Passes:
    """Runs the computations that read X, and counts them."""

    def __init__(self):
        self.count = 0

    def __call__(self, *collections):
        dask, _ = import_dask()
        self.count += 1
        return dask.compute(*collections)


def _column_mean(b):
    # Dask arrays may have empty blocks; merging skips them.
    return b.mean(axis=0) if b.shape[0] else np.zeros(b.shape[1])


def _block_moments(block):
    """(rows, column means, centred scatter) of one row block, in float64."""
    b = np.asarray(block, dtype=np.float64)
    mean = _column_mean(b)
    b = b - mean
    return b.shape[0], mean, b.T @ b


def _merge_moments(*parts):
    """Pairwise update of counts, means and centred scatter matrices (Chan,
    Golub and LeVeque): exact in exact arithmetic and free of the
    cancellation of X^T X - n mu mu^T.  Also for the diagonal alone (1-D
    scatter: column sums of squares)."""
    parts = [part for part in parts if part[0] > 0] or parts[:1]
    n, mean, scatter = parts[0]
    scatter = scatter.copy()
    for nb, mean_b, scatter_b in parts[1:]:
        total = n + nb
        delta = mean_b - mean
        scatter += scatter_b
        scatter += (np.outer(delta, delta) if scatter.ndim == 2 else delta ** 2) * (n * nb / total)
        mean = mean + delta * (nb / total)
        n = total
    return n, mean, scatter


def _tree(level, merge):
    """Reduce delayed values in a tree, the tunable ``dask_split_every`` per
    task."""
    dask, _ = import_dask()
    every = _tuning.value("dask_split_every")
    while len(level) > 1:
        level = [dask.delayed(merge, pure=True)(*level[i:i + every])
                 for i in range(0, len(level), every)]
    return level[0]


def _row_blocks(Y):
    """Delayed row blocks of Y, each with all columns."""
    return (Y if Y.numblocks[1] == 1 else Y.rechunk({1: -1})).to_delayed().ravel()


def _moments(Y):
    """A delayed (n, mean, centred scatter) of the dask array Y, reduced over
    its row blocks in a tree."""
    dask, _ = import_dask()
    return _tree([dask.delayed(_block_moments, pure=True)(b) for b in _row_blocks(Y)],
                 _merge_moments)


def _block_gram_product(block, V, shift):
    """(b - shift)^T ((b - shift) V) of one row block b; centred in the
    block, so a large mean costs no digits."""
    b = np.asarray(block, dtype=np.float64)
    if shift is not None:
        b = b - shift
    return b.T @ (b @ V)


def _block_column_moments(block):
    """(rows, column means, centred column sums of squares) of one block."""
    b = np.asarray(block, dtype=np.float64)
    mean = _column_mean(b)
    return b.shape[0], mean, ((b - mean) ** 2).sum(axis=0)


def _sum(*parts):
    return sum(parts)


def _gram_product(X, V, shift):
    """A lazy (X - 1 shift^T)^T (X - 1 shift^T) V.

    With one column chunk every row block gives its product in one task
    and a tree sums them; otherwise Dask's blocked matmuls compute
    X^T Yc - shift (1^T Yc), Yc = X V - 1 shift^T V."""
    dask, _ = import_dask()
    if X.numblocks[1] == 1:
        V_key, shift_key = dask.delayed(V), dask.delayed(shift)
        return _tree([dask.delayed(_block_gram_product, pure=True)(b, V_key, shift_key)
                      for b in X.to_delayed().ravel()], _sum)
    Yc = X @ V
    if shift is None:
        return X.T @ Yc
    Yc = Yc - shift @ V
    return X.T @ Yc - shift[:, None] * Yc.sum(axis=0)[None, :]


def _column_moments(X):
    """A lazy (n, column means, centred column sums of squares), reading the
    blocks as _gram_product does so that both share one pass."""
    dask, _ = import_dask()
    n = X.shape[0]
    if X.numblocks[1] == 1:
        return _tree([dask.delayed(_block_column_moments, pure=True)(b)
                      for b in X.to_delayed().ravel()], _merge_moments)
    return n, X.mean(axis=0), X.var(axis=0) * n


class _GramOperator:
    """V -> (X - 1 c^T)^T (X - 1 c^T) V, one pass over X per product."""

    def __init__(self, X, shift, passes):
        self.X, self.shift, self.passes = X, shift, passes

    def __call__(self, V):
        (product,) = self.passes(_gram_product(self.X, np.asarray(V, dtype=np.float64),
                                               self.shift))
        return product


# ---------------------------------------------------------------------------
# Subspaces for the iterative solvers

def _first_pass(X, centre, ddof, omega, passes):
    """Column means, total variance and a first Gram product, in one pass.

    The product uses the uncentred X and is corrected afterwards by
    n mu mu^T omega; the cancellation there only perturbs the starting
    block of an iteration that goes on with exactly centred products."""
    product, (n, mean, squares) = passes(_gram_product(X, omega, None), _column_moments(X))
    if centre:
        product = product - n * np.outer(mean, mean @ omega)
    return mean, float(squares.sum()) / (n - ddof), product


def _randomized_basis(gram, first_product, n_iter):
    """Subspace iteration from the first product: n_iter further passes."""
    Q, _ = np.linalg.qr(first_product)
    for _ in range(n_iter):
        Q, _ = np.linalg.qr(gram(Q))
    return Q


def _lanczos_basis(gram, p, k, tol, rng):
    """The k leading eigenvectors of the Gram operator by eigkit.eigsh."""
    op = block_operator(gram, p, np.float64)
    v0 = rng.uniform(-1, 1, p)
    # A pass costs the same for one vector or twenty: wide blocks, few passes
    # (k = 5 on a decaying spectrum: 20 passes with blocks of 2, 4 with 10).
    block = max(1, min(2 * k, p // 3))
    _, vectors = eigsh(op, k=k, which="LA", tol=tol, v0=v0, block_size=block)
    return vectors


# ---------------------------------------------------------------------------
# Rayleigh-Ritz on the client

def _leading_pairs(matrix, k):
    """The k largest eigenpairs of a small symmetric matrix, descending."""
    m = matrix.shape[0]
    values, vectors = eigh(matrix, subset_by_index=[m - k, m - 1])
    return values[::-1], vectors[:, ::-1]


def _components_in(basis, vectors):
    comps = vectors.T if basis is None else (basis @ vectors).T
    return flip_signs(np.ascontiguousarray(comps))


def _resolve_fraction(n_components, scatter):
    """Components needed to explain more than the fraction n_components of
    the variance, from the whole spectrum of the scatter matrix."""
    values = eigh(scatter, eigvals_only=True)[::-1].clip(min=0)
    return components_for_fraction(np.cumsum(values) / values.sum(), n_components)


def _pca_from_moments(moments, basis, k, n, p, total_var):
    """PCA attributes from the centred moments of Y = X V (V = basis, or the
    identity when basis is None)."""
    _, _, scatter = moments
    if total_var is None:
        total_var = float(np.trace(scatter)) / (n - 1)
    if isinstance(k, float):
        k = _resolve_fraction(k, scatter)
    values, vectors = _leading_pairs(scatter / (n - 1), k)
    variance = values.clip(min=0)
    noise = noise_variance(total_var - variance.sum(), k, n, p)
    return dict(components_=_components_in(basis, vectors), explained_variance_=variance,
                explained_variance_ratio_=explained_variance_ratio(variance, total_var),
                singular_values_=np.sqrt(variance * (n - 1)), noise_variance_=float(noise),
                n_components=k)


def _svd_from_moments(moments, basis, k, n, total_var):
    """TruncatedSVD attributes from the moments of Y = X V: the uncentred Gram
    matrix gives the singular values, the centred one the variances."""
    _, mean_y, scatter = moments
    if total_var is None:
        total_var = float(np.trace(scatter)) / n
    gram = scatter + n * np.outer(mean_y, mean_y)
    values, vectors = _leading_pairs(gram, k)
    variance = np.einsum("ij,ij->j", vectors, scatter @ vectors) / n
    return dict(components_=_components_in(basis, vectors), explained_variance_=variance,
                explained_variance_ratio_=explained_variance_ratio(variance, total_var),
                singular_values_=np.sqrt(values.clip(min=0)), noise_variance_=None,
                n_components=k)


def _cast(result, dtype):
    out_dtype = np.float32 if dtype == np.float32 else np.float64
    for name in ("components_", "explained_variance_", "explained_variance_ratio_",
                 "singular_values_", "mean_"):
        if result.get(name) is not None:
            result[name] = result[name].astype(out_dtype, copy=False)
    return result


def _iterative_fit(X, k, solver, centre, ddof, n_oversamples, n_iter, tol, random_state):
    """Mean, total variance and an orthonormal basis V (p x m, m >= k) of the
    leading right singular subspace, then the moments of X V."""
    p = X.shape[1]
    passes = _Passes()
    rng = np.random.RandomState(random_state) if not isinstance(
        random_state, np.random.RandomState) else random_state
    width = min(p, k + n_oversamples)
    omega = rng.standard_normal((p, width))
    mean, total_var, product = _first_pass(X, centre, ddof, omega, passes)
    shift = mean if centre else None
    gram = _GramOperator(X, shift, passes)
    if solver == "randomized":
        basis = _randomized_basis(gram, product, n_iter)
    else:
        basis = _lanczos_basis(gram, p, k, tol, rng)
    (moments,) = passes(_moments(X @ basis))
    return mean, total_var, basis, moments, passes.count


def fit_pca_dask(X, n_components=None, *, svd_solver="auto", n_oversamples=10, n_iter="auto",
                 tol=0.0, random_state=None):
    """Principal component analysis of a dask array, without materializing it.

    Parameters
    ----------
    X : dask.array.Array of shape (n_samples, n_features)
        The data, chunked along rows (and possibly columns).  Integer data
        are converted to float64.
    n_components : int, float or None
        Number of components (None: min(n_samples, n_features), less one for
        ``'arpack'``).  A float in (0, 1) selects the number explaining that
        fraction of the variance (``'covariance_eigh'`` / ``'full'`` only).
    svd_solver : {'auto', 'covariance_eigh', 'full', 'randomized', 'arpack'}
        ``'covariance_eigh'`` (also for ``'full'``; ``'auto'`` when
        n_features <= 1000, the tunable ``dask_gram_max_features``): one
        pass, exact.  ``'randomized'`` (``'auto'`` otherwise): subspace
        iteration, ``n_iter + 2`` passes.
        ``'arpack'``: block Lanczos (:func:`eigkit.eigsh`) on the covariance
        operator, one pass per block product.
    n_oversamples : int
        Extra columns of the randomized block.
    n_iter : int or 'auto'
        Power iterations of the randomized solver ('auto': 7 when
        n_components < 0.1 min(n_samples, n_features), else 4, as
        scikit-learn).
    tol : float
        Tolerance of the Lanczos solver (0: machine precision).
    random_state : int, RandomState or None
        Seed of the random starting block.

    Returns
    -------
    DaskDecomposition
        components_ (k, n_features), explained_variance_ (with
        n_samples - 1), explained_variance_ratio_, singular_values_, mean_,
        noise_variance_ (mean variance of the discarded directions), in the
        dtype of X (float32 stays float32) and with scikit-learn 1.9's signs.

    Examples
    --------
    >>> import dask.array as da
    >>> from eigkit.distributed import fit_pca_dask
    >>> X = da.random.default_rng(0).standard_normal((10_000, 20), chunks=(1000, 20))
    >>> fit = fit_pca_dask(X, 3)
    >>> fit.components_.shape, fit.n_passes
    ((3, 20), 1)
    """
    X = _checked_array(X, min_samples=2)
    n, p = X.shape
    solver = _pca_solver(svd_solver, p)
    k = _checked_components(n_components, n, p, solver)
    if solver == "covariance_eigh":
        (moments,) = _Passes()(_moments(X))
        result = _pca_from_moments(moments, None, k, n, p, None)
        mean, count = moments[1], 1
    else:
        if n_iter == "auto":
            n_iter = auto_power_iterations(k, (n, p))
        mean, total_var, basis, moments, count = _iterative_fit(
            X, k, solver, True, 1, n_oversamples, n_iter, tol, random_state)
        result = _pca_from_moments(moments, basis, k, n, p, total_var)
    result.update(mean_=mean, n_samples=n, n_features=p, n_passes=count, solver=solver)
    return DaskDecomposition(**_cast(result, X.dtype))


def fit_truncated_svd_dask(X, n_components=2, *, algorithm="randomized", n_iter=5,
                           n_oversamples=10, tol=0.0, random_state=None):
    """Truncated SVD (no centring) of a dask array, as
    :class:`sklearn.decomposition.TruncatedSVD` defines it.

    Parameters
    ----------
    X : dask.array.Array of shape (n_samples, n_features)
    n_components : int
        Number of components (less than n_features for ``'arpack'``).
    algorithm : {'randomized', 'arpack', 'covariance_eigh'}
        With n_features <= 1000 (the tunable ``dask_gram_max_features``),
        ``'randomized'`` takes the exact one-pass path
        ``'covariance_eigh'`` (eigenpairs of X^T X), which is cheaper than
        ``n_iter + 2`` passes and exact.  ``'arpack'``: block Lanczos
        on X^T X, one pass per block product.
    n_iter, n_oversamples, tol, random_state
        As for :func:`fit_pca_dask`.

    Returns
    -------
    DaskDecomposition
        components_, explained_variance_ (variance of X @ components_.T,
        ddof 0, as scikit-learn), explained_variance_ratio_,
        singular_values_; ``mean_`` and ``noise_variance_`` are None.

    Examples
    --------
    >>> import dask.array as da
    >>> from eigkit.distributed import fit_truncated_svd_dask
    >>> X = da.random.default_rng(0).random((10_000, 20), chunks=(1000, 20))
    >>> fit_truncated_svd_dask(X, 2).singular_values_.shape
    (2,)
    """
    if algorithm not in ("randomized", "arpack", "covariance_eigh"):
        raise ValueError(f"algorithm must be 'randomized', 'arpack' or 'covariance_eigh', "
                         f"got {algorithm!r}")
    X = _checked_array(X, min_samples=1)
    n, p = X.shape
    solver = ("covariance_eigh" if algorithm == "randomized"
              and p <= _tuning.value("dask_gram_max_features") else algorithm)
    k = _checked_components(n_components, n, p, "arpack" if solver == "arpack" else "randomized")
    if solver == "covariance_eigh":
        (moments,) = _Passes()(_moments(X))
        result = _svd_from_moments(moments, None, k, n, None)
        count = 1
    else:
        _, total_var, basis, moments, count = _iterative_fit(
            X, k, solver, False, 0, n_oversamples, n_iter, tol, random_state)
        result = _svd_from_moments(moments, basis, k, n, total_var)
    result.update(mean_=None, n_samples=n, n_features=p, n_passes=count, solver=solver)
    return DaskDecomposition(**_cast(result, X.dtype))


# ---------------------------------------------------------------------------
# Lazy transforms

def _small(a, dtype):
    return None if a is None else np.asarray(a, dtype=dtype)


def transform_dask(X, components, mean=None, scale=None):
    """Lazy projection ``((X - mean) @ components.T) / scale``, chunked along
    rows as X.

    ``mean`` None: no centring (TruncatedSVD); ``scale`` None: no whitening
    (PCA with whiten=True passes sqrt(explained_variance_)).

    Examples
    --------
    >>> import dask.array as da
    >>> from eigkit.distributed import fit_pca_dask, transform_dask
    >>> X = da.random.default_rng(0).standard_normal((1000, 5), chunks=(100, 5))
    >>> fit = fit_pca_dask(X, 2)
    >>> transform_dask(X, fit.components_, fit.mean_).chunks[0] == X.chunks[0]
    True
    """
    X = _checked_array(X, min_samples=0)
    components = np.asarray(components)
    if components.ndim != 2 or components.shape[1] != X.shape[1]:
        raise ValueError(f"X has {X.shape[1]} features, but the components expect "
                         f"{components.shape[-1]}")
    dtype = np.result_type(X.dtype, components.dtype)
    W = components.T.astype(dtype, copy=False)
    mean = _small(mean, dtype)
    if scale is not None:
        W = W / _small(scale, dtype)
    Y = X @ W
    return Y if mean is None else Y - mean @ W


def inverse_transform_dask(Y, components, mean=None, scale=None):
    """Lazy ``(Y * scale) @ components + mean``, chunked along rows as Y: the
    inverse of :func:`transform_dask` on the span of the components.

    Examples
    --------
    >>> import dask.array as da
    >>> from eigkit.distributed import fit_pca_dask, transform_dask, inverse_transform_dask
    >>> X = da.random.default_rng(0).standard_normal((1000, 5), chunks=(100, 5))
    >>> fit = fit_pca_dask(X, 5)
    >>> back = inverse_transform_dask(transform_dask(X, fit.components_, fit.mean_),
    ...                               fit.components_, fit.mean_)
    >>> bool(abs(back - X).max().compute() < 1e-12)
    True
    """
    Y = _checked_array(Y, min_samples=0)
    components = np.asarray(components)
    if components.ndim != 2 or components.shape[0] != Y.shape[1]:
        raise ValueError(f"Y has {Y.shape[1]} components, but {components.shape[0]} "
                         "components were given")
    dtype = np.result_type(Y.dtype, components.dtype)
    W = components.astype(dtype, copy=False)
    if scale is not None:
        W = _small(scale, dtype)[:, None] * W
    out = Y @ W
    return out if mean is None else out + _small(mean, dtype)
