"""PCA and TruncatedSVD: scikit-learn estimators on eigkit's eigensolvers.

Same parameters, attributes, methods, checks and sign convention as
:class:`sklearn.decomposition.PCA` and :class:`sklearn.decomposition.TruncatedSVD`;
the decompositions are computed by eigkit:

- ``'covariance_eigh'`` forms the centred covariance Xc^T Xc and the
  column means in one pass over X (csrc/ml/gram.c: cache-resident shifted
  slabs, register tiles up to 400 features, eigkit's threads; no centred
  copy of X, no cancellation; on dense X the same pass finds NaN and
  infinity) and takes the top eigenpairs with eigkit's subset eigensolver
  (bisection and inverse iteration) or all of them when the whole
  spectrum is needed.
- ``'full'`` is exact like LAPACK's SVD route: eigkit has no dense SVD, so
  it is the same covariance computation on the smaller side: Xc^T Xc when
  n_features <= n_samples (``'covariance_eigh'``), else the Gram matrix
  Xc Xc^T (``'gram_eigh'``) whose eigenvectors U give the components as
  the orthonormalized rows of U^T Xc.
- ``'arpack'`` and ``'lanczos'`` run eigkit's block Lanczos
  (:func:`eigkit.eigsh`) on the implicit covariance operator
  W -> Xc^T (Xc W) (or Xc (Xc^T W) for wide data), applied to blocks of
  4; for C-ordered dense X each product is one pass over X of a compiled
  kernel that centres the entries as it reads them (two passes for wide
  data; csrc/ml/covariance_operator.c).
- ``'randomized'`` is Halko-Martinsson-Tropp subspace iteration on the
  implicit centred operator, the small problem solved by eigkit.

After a fit, ``_fit_svd_solver`` names what ran, as in scikit-learn:
``'covariance_eigh'``, ``'gram_eigh'``, ``'arpack'``, ``'lanczos'`` or
``'randomized'`` (``'full'`` and ``'auto'`` resolve to one of these).

The covariance and Gram routes square the singular values: an explained
variance far below eps * the largest one is not resolved (as with
scikit-learn's ``'covariance_eigh'``).
"""
import warnings
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from scipy.sparse import issparse

from ._optional import require_sklearn

require_sklearn()

from scipy.linalg import inv  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.base import (BaseEstimator, ClassNamePrefixFeaturesOutMixin,  # noqa: E402
                          TransformerMixin, _fit_context)
from sklearn.utils import check_random_state  # noqa: E402
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions  # noqa: E402
from sklearn.utils.validation import check_array, check_is_fitted, validate_data  # noqa: E402

from . import _tuning  # noqa: E402
from ._linalg import krylov_subset  # noqa: E402
from ._linalg.block_operator import block_operator  # noqa: E402
from ._ml.centered import (CenteredData, centered_gram, centered_total_variance,  # noqa: E402
                        column_means, covariance_product)
from ._ml.block_krylov import largest_eigenpairs  # noqa: E402
from ._ml.pca_dimension import infer_dimension  # noqa: E402
from ._ml.randomized import (auto_power_iterations, orthonormal_rows,  # noqa: E402
                             randomized_svd)
from ._ml.row_passes import RowPasses  # noqa: E402
from ._ml.signs import flip_signs  # noqa: E402
from ._threads import kernel_threads  # noqa: E402
from ._ml.variance import (components_for_fraction, explained_variance_ratio,  # noqa: E402
                           noise_variance)
from .dense import eigh  # noqa: E402
from .distributed import (fit_pca_dask, fit_truncated_svd_dask,  # noqa: E402
                          inverse_transform_dask, is_dask_array, transform_dask)
from .sparse import _formed_gram_pays, eigsh, svds  # noqa: E402

__all__ = ["PCA", "TruncatedSVD"]


@dataclass
class _Spectrum:
    """What a solver found: the column means of X, singular values of Xc
    (descending), the matching components (rows), the total variance, and
    whether the spectrum is complete (every singular value present)."""
    mean: np.ndarray
    singular_values: np.ndarray
    components: np.ndarray
    total_variance: float
    complete: bool


# ---------------------------------------------------------------------------
# Solvers: (X, k, estimator, random_state) -> _Spectrum; k None = all

def _gram_eigen(X, k, side, est=None):
    """The exact route.  With ``est``, X has not been checked for NaN and
    infinity yet: its Gram matrix has a non-finite trace if X has one, and
    then the check runs (an overflowing trace of finite X goes on)."""
    n = X.shape[0]
    gram, mean = centered_gram(X, None, side)
    m = gram.shape[0]
    total = float(np.trace(gram)) / (n - 1)
    if est is not None and not np.isfinite(total):
        _assert_finite(est, X)
    complete = k is None or k >= m
    w, v = _top_eigenpairs(gram, None if complete else k)
    w, v = np.clip(w[::-1], 0, None), v[:, ::-1]
    if side == "features":
        components = np.ascontiguousarray(v.T)
    else:
        components = orthonormal_rows(CenteredData(X, mean).rmatmat(v).T)
    return _Spectrum(mean, np.sqrt(w), components, total, complete)


def _top_eigenpairs(gram, k):
    """The k largest eigenpairs (all for None) of a Gram matrix whose lower
    triangle is filled, ascending.

    Few pairs of a small matrix come from eigkit's subset solver
    (Householder tridiagonalization, bisection, inverse iteration).  Above
    the order ``pca_gram_lanczos_min_order`` the tridiagonalization costs
    more than a few hundred products with the matrix: eigkit's Lanczos on
    the dense matrix; above ``pca_gram_krylov_min_order`` the compiled
    block-Krylov subset solver, whose blocked products beat the Lanczos
    products there (it hands back to the subset solver when it does not
    converge within its budget)."""
    m = gram.shape[0]
    if k is None:
        return eigh(gram, overwrite_a=True, check_finite=False)
    if m <= _tuning.value("pca_gram_lanczos_min_order") or k > m // 4:
        return eigh(gram, overwrite_a=True, check_finite=False, subset_by_index=[m - k, m - 1])
    if m >= _tuning.value("pca_gram_krylov_min_order"):
        found = _krylov_top(gram, k)
        if found is not None:
            return found
        return eigh(gram, overwrite_a=True, check_finite=False, subset_by_index=[m - k, m - 1])
    # the full symmetric matrix from the lower triangle (whatever lies
    # above it): two whole-array passes, not a gather of m^2 / 2 indices
    full = np.tril(gram)
    full += np.tril(gram, -1).T
    return eigsh(full, k=k, which="LA", rng=0)


def _krylov_top(gram, k):
    """The k largest pairs by the block-Krylov subset solver, or None when
    it declines (unsafe scale, no convergence within its budget); ``gram``
    keeps its lower triangle either way."""
    m = gram.shape[0]
    plan = krylov_subset.Plan(k, True,
                              _tuning.value("krylov_subset_budget") * krylov_subset.direct_cost(m))
    work, _ = krylov_subset.operand(plan, gram, True, gram.dtype, True)
    return krylov_subset.solve(work, plan, True, kernel_threads())


def _solve_covariance(X, k, est, random_state):
    return _gram_eigen(X, k, "features", None if issparse(X) else est)


def _solve_sample_gram(X, k, est, random_state):
    return _gram_eigen(X, k, "samples")


def _solve_lanczos(X, k, est, random_state):
    n, p = X.shape
    mean = column_means(X)
    side = "features" if p <= n else "samples"
    data = CenteredData(X, mean)
    if issparse(X):
        def product(W):
            return (data.rmatmat(data.matmat(W)) if side == "features"
                    else data.matmat(data.rmatmat(W)))
    else:
        def product(W):
            return covariance_product(X, mean, W, side)
    m = min(n, p)
    op = block_operator(product, m, X.dtype)
    v0 = random_state.uniform(-1, 1, m)
    block, ncv = _lanczos_block(k, m, issparse(X))
    w, v = eigsh(op, k=k, which="LA", tol=est.tol, v0=v0, ncv=ncv, block_size=block)
    w, v = np.clip(w[::-1], 0, None), v[:, ::-1]
    components = v.T if side == "features" else data.rmatmat(v).T
    return _Spectrum(mean, np.sqrt(w).astype(X.dtype), orthonormal_rows(components),
                     centered_total_variance(X, mean), False)


def _lanczos_block(k, m, sparse):
    """Block size and basis size of the Lanczos solve on the covariance.

    On dense X a product is a pass over X whose cost grows slowly with the
    block: the tunable ``pca_lanczos_block``, with a basis of
    max(2k + 1, 20) + 3 blocks.  Sparse products cost the same per vector
    for any block: eigsh's defaults, which need the fewest products.
    """
    if sparse:
        return None, None
    block = _tuning.value("pca_lanczos_block")
    return block, min(m, max(2 * k + 1, 20) + 3 * block)


def _solve_randomized(X, k, est, random_state):
    mean = column_means(X)
    s, components = randomized_svd(CenteredData(X, mean), k, n_oversamples=est.n_oversamples,
                                   n_iter=est.iterated_power,
                                   power_iteration_normalizer=est.power_iteration_normalizer,
                                   random_state=random_state)
    return _Spectrum(mean, s, components, centered_total_variance(X, mean), False)


def _solve_block_krylov(X, k, est, random_state):
    """Block Krylov on Xc^T Xc with a convergence test; dense X is read in
    row blocks in its own dtype (no float64 or centred copy; memmaps stay
    on disk), the d x m basis is float64."""
    if issparse(X):
        mean = column_means(X)
        data = CenteredData(X, mean)
        passes, total = None, centered_total_variance(X, mean)

        def product(V):
            return np.asarray(data.rmatmat(data.matmat(V.astype(X.dtype))), dtype=np.float64)
    else:
        passes = RowPasses(X)
        mean, total = passes.statistics()
        product = passes.covariance_product
    p = X.shape[1]
    tol = est.tol or _tuning.value("pca_krylov_tol")
    block = max(1, min(_tuning.value("pca_krylov_block"), k, p))
    try:
        found = largest_eigenpairs(product, p, k, block, tol,
                                   _tuning.value("pca_krylov_max_passes"), random_state)
    finally:
        if passes is not None:
            passes.close()
    if not found.converged:
        warnings.warn(f"block Krylov PCA did not reach tol={tol:g} within {found.n_passes} "
                      "passes over X; raise the tunable pca_krylov_max_passes or use "
                      "svd_solver='covariance_eigh'", ConvergenceWarning, stacklevel=4)
    est.n_passes_ = found.n_passes + (0 if passes is None else 1)
    components = np.ascontiguousarray(found.eigenvectors.T, dtype=X.dtype)
    return _Spectrum(mean, np.sqrt(found.eigenvalues), components, total, False)


# Keyed by what runs, which ``_fit_svd_solver`` records: scikit-learn's
# name where the computation is scikit-learn's ('covariance_eigh': Xc^T Xc),
# 'gram_eigh' for the samples' Gram matrix Xc Xc^T.  Neither is LAPACK's
# SVD, which scikit-learn's 'full' means: 'full' resolves to one of them.
_SOLVERS = {"covariance_eigh": _solve_covariance, "gram_eigh": _solve_sample_gram,
            "arpack": _solve_lanczos, "lanczos": _solve_lanczos,
            "randomized": _solve_randomized, "block_krylov": _solve_block_krylov}
_EXACT = ("covariance_eigh", "gram_eigh")


def exact_route(shape):
    """The exact route for the shape: the Gram matrix of the smaller side,
    Xc^T Xc ('covariance_eigh') unless there are more features than
    samples, then Xc Xc^T ('gram_eigh')."""
    n, p = shape
    return "covariance_eigh" if p <= n else "gram_eigh"



def auto_solver(shape, n_components, sparse):
    """The solver 'auto' picks: the cheapest of the exact route
    (:func:`exact_route`), the Lanczos solver and the randomized one by
    operation counts weighted by measured speeds; the exact route when the
    whole spectrum is needed; Lanczos for sparse X (a Gram matrix of sparse
    data is dense)."""
    n, p = shape
    small, large = min(n, p), max(n, p)
    wants_all = not isinstance(n_components, Integral) or n_components >= 0.8 * small
    if sparse:
        return "covariance_eigh" if wants_all else "lanczos"
    if wants_all:
        return exact_route(shape)
    power = auto_power_iterations(n_components, shape)
    width = min(n_components + 10, small)
    # in multiply-adds of the covariance route's SYRK
    costs = {
        exact_route(shape): (large + _tuning.value("pca_gram_lanczos_products")) * small * small,
        "lanczos": (_tuning.value("pca_lanczos_pass_cost") * (max(12, n_components + 10) + 2)
                    * n * p * (_tuning.value("pca_lanczos_samples_side") if p > n else 1.0)),
        "randomized": (_tuning.value("pca_randomized_product_cost") * (2 * power + 2)
                       * 2 * n * p * width),
    }
    if p <= n:
        costs["block_krylov"] = _block_krylov_cost(n, p, n_components)
    if n_components >= small:      # Lanczos needs k < min(n, p)
        del costs["lanczos"]
    return min(costs, key=costs.get)


def _block_krylov_cost(n, p, k):
    """The block-Krylov solver's expected cost, in the units of
    :func:`auto_solver`: passes of a fixed cost per entry of X plus a cost
    per entry and vector (its thin products run below the SYRK's speed)."""
    block = min(_tuning.value("pca_krylov_block"), k)
    products = (_tuning.value("pca_krylov_expected_products") * k
                + _tuning.value("pca_krylov_expected_blocks") * block)
    passes = 1 + products / block
    per_pass = _tuning.value("pca_krylov_pass_cost") + _tuning.value("pca_krylov_vector_cost") * block
    return passes * per_pass * n * p


def _checks_finiteness(solver, X):
    """Whether the solver finds NaN and infinity in X itself: the Gram
    matrix of dense X on the features side (see :func:`_gram_eigen`), which
    spares the validation a pass over X."""
    return solver == "covariance_eigh" and not issparse(X)


def _assert_finite(estimator, X):
    """scikit-learn's check of X for NaN and infinity, with its errors."""
    check_array(X, accept_sparse=("csr", "csc"), dtype=None, ensure_all_finite=True,
                estimator=estimator, input_name="X")


# ---------------------------------------------------------------------------
# Shared by PCA and TruncatedSVD

class _ProjectionMixin(ClassNamePrefixFeaturesOutMixin, TransformerMixin):
    @property
    def _n_features_out(self):
        return self.components_.shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def transform(self, X):
        """Project X on the components (PCA centres X by the training mean
        first, and whitens on request).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_components)
        """
        check_is_fitted(self)
        if not is_dask_array(X):
            X = validate_data(self, X, dtype=[np.float64, np.float32],
                              accept_sparse=("csr", "csc"), reset=False)
        return self._project(X)


def _adopt_dask_fit(estimator, fit):
    """Copy a fit of :mod:`eigkit.distributed` into the estimator's
    attributes (a dask array is never validated in memory: that would
    gather it)."""
    for name in ("components_", "explained_variance_", "explained_variance_ratio_",
                 "singular_values_"):
        setattr(estimator, name, getattr(fit, name))
    estimator.n_features_in_ = fit.n_features
    return estimator


def _whitening_scale(pca):
    return np.sqrt(pca.explained_variance_) if pca.whiten else None


class PCA(_ProjectionMixin, BaseEstimator):
    """Principal component analysis on eigkit's eigensolvers.

    A drop-in for :class:`sklearn.decomposition.PCA`: the data are centred
    (never scaled) and projected on the directions of largest variance.
    The fitted attributes, methods and the sign convention (the largest
    entry of each component is positive) are scikit-learn's.

    Parameters
    ----------
    n_components : int, float, 'mle' or None, default=None
        Number of components; a float in (0, 1) keeps the fewest components
        explaining that fraction of the variance; 'mle' uses Minka's MLE;
        None keeps min(n_samples, n_features) (minus one for 'arpack' and
        'lanczos').
    copy : bool, default=True
        Accepted for compatibility: eigkit never modifies X, so it never
        needs the copy.
    whiten : bool, default=False
        Scale the projections to unit variance.
    svd_solver : {'auto', 'full', 'covariance_eigh', 'arpack', 'lanczos', \
'randomized'}, default='auto'
        See the module documentation.  'auto' compares the costs of the
        covariance route, Lanczos and the randomized solver for the shape
        (measured speeds), and uses
        the exact route when the whole spectrum is needed (float or 'mle'
        n_components, or more than 80 % of the components), Lanczos for
        sparse input.
    tol : float, default=0.0
        Convergence tolerance of 'arpack' / 'lanczos' (0: machine precision).
    iterated_power : int or 'auto', default='auto'
        Power iterations of 'randomized' (auto: 7, or 4 when n_components
        is 10 % or more of the smaller dimension).
    n_oversamples : int, default=10
        Extra random vectors of 'randomized'.
    power_iteration_normalizer : {'auto', 'QR', 'LU', 'none'}, default='auto'
        Normalization between the power iterations of 'randomized'.
    random_state : int, RandomState instance or None, default=None
        Seeds 'arpack' / 'lanczos' (starting vector) and 'randomized'.

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
    explained_variance_ : ndarray of shape (n_components,)
    explained_variance_ratio_ : ndarray of shape (n_components,)
    singular_values_ : ndarray of shape (n_components,)
    mean_ : ndarray of shape (n_features,)
    n_components_ : int
    n_samples_ : int
    noise_variance_ : float
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    Examples
    --------
    >>> import numpy as np
    >>> from eigkit import PCA
    >>> X = np.array([[-1, -1], [-2, -1], [-3, -2], [1, 1], [2, 1], [3, 2]])
    >>> pca = PCA(n_components=2).fit(X)
    >>> pca.explained_variance_ratio_
    array([0.99244289, 0.00755711])
    >>> pca.singular_values_
    array([6.30061232, 0.54980396])
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 0, None, closed="left"),
                         Interval(RealNotInt, 0, 1, closed="neither"),
                         StrOptions({"mle"}), None],
        "copy": ["boolean"],
        "whiten": ["boolean"],
        "svd_solver": [StrOptions({"auto", "full", "covariance_eigh", "arpack", "lanczos",
                                   "randomized", "block_krylov"})],
        "tol": [Interval(Real, 0, None, closed="left")],
        "iterated_power": [StrOptions({"auto"}), Interval(Integral, 0, None, closed="left")],
        "n_oversamples": [Interval(Integral, 1, None, closed="left")],
        "power_iteration_normalizer": [StrOptions({"auto", "QR", "LU", "none"})],
        "random_state": ["random_state"],
    }

    def __init__(self, n_components=None, *, copy=True, whiten=False, svd_solver="auto",
                 tol=0.0, iterated_power="auto", n_oversamples=10,
                 power_iteration_normalizer="auto", random_state=None):
        self.n_components = n_components
        self.copy = copy
        self.whiten = whiten
        self.svd_solver = svd_solver
        self.tol = tol
        self.iterated_power = iterated_power
        self.n_oversamples = n_oversamples
        self.power_iteration_normalizer = power_iteration_normalizer
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self.svd_solver != "full"
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Fit the model with X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data (sparse: any solver but 'full').
        y : Ignored

        Returns
        -------
        self : PCA
        """
        self._fit(X)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Fit the model with X and return its projection on the components.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : Ignored

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_components)
        """
        X = self._fit(X)
        return self._project(X)

    def _fit(self, X):
        if is_dask_array(X):
            return self._fit_dask(X)
        if issparse(X) and self.svd_solver == "full":
            raise TypeError('PCA does not support sparse input with svd_solver="full"; '
                            "use another solver, or TruncatedSVD.")
        X = validate_data(self, X, dtype=[np.float64, np.float32], accept_sparse=("csr", "csc"),
                          ensure_2d=True, copy=False, ensure_all_finite=False)
        n, p = X.shape
        if self.svd_solver == "auto":
            requested = (min(n, p) if self.n_components is None else self.n_components)
            solver = auto_solver((n, p), requested, issparse(X))
        elif self.svd_solver == "full":
            solver = exact_route((n, p))
        else:
            solver = self.svd_solver
        if not _checks_finiteness(solver, X):
            _assert_finite(self, X)
        if n < 2:
            raise ValueError(f"PCA needs at least 2 samples to estimate a variance; got "
                             f"n_samples={n}")
        self._fit_svd_solver = solver
        # messages name the solver the user chose, or the one 'auto' chose
        k = self._checked_n_components(solver, n, p,
                                       solver if self.svd_solver == "auto" else self.svd_solver)
        wanted = k if isinstance(k, Integral) and not isinstance(k, bool) else None
        if solver in _EXACT and wanted in (0, min(n, p)):
            wanted = None
        spectrum = _SOLVERS[solver](X, wanted, self, check_random_state(self.random_state))
        self.mean_ = spectrum.mean
        self._set_attributes(spectrum, k, n, p, solver)
        return X

    def _fit_dask(self, X):
        """Out-of-core fit (eigkit.distributed): one pass for the exact
        solvers, a few for the iterative ones; X stays distributed."""
        fit = fit_pca_dask(X, self.n_components, svd_solver=self.svd_solver,
                           n_oversamples=self.n_oversamples, n_iter=self.iterated_power,
                           tol=self.tol, random_state=self.random_state)
        _adopt_dask_fit(self, fit)
        self.mean_ = fit.mean_
        self.noise_variance_ = fit.noise_variance_
        self.n_components_ = fit.n_components
        self.n_samples_ = fit.n_samples
        self._fit_svd_solver = fit.solver
        return X

    def _checked_n_components(self, solver, n, p, named):
        k = self.n_components
        smallest = min(n, p)
        if k is None:
            return smallest - 1 if solver in ("arpack", "lanczos") else smallest
        if solver in _EXACT:
            if k == "mle" and n < p:
                raise ValueError("n_components='mle' is only supported if "
                                 "n_samples >= n_features")
            if k != "mle" and not 0 <= k <= smallest:
                raise ValueError(f"n_components={k} must be between 0 and "
                                 f"min(n_samples, n_features)={smallest} with "
                                 f"svd_solver={named!r}")
            return k
        if isinstance(k, str):
            raise ValueError(f"n_components={k!r} cannot be a string with "
                             f"svd_solver='{named}'")
        if not 1 <= k <= smallest:
            raise ValueError(f"n_components={k!r} must be between 1 and "
                             f"min(n_samples, n_features)={smallest} with "
                             f"svd_solver='{named}'")
        if solver in ("arpack", "lanczos") and k == smallest:
            raise ValueError(f"n_components={k!r} must be strictly less than "
                             f"min(n_samples, n_features)={smallest} with "
                             f"svd_solver='{named}'")
        return k

    def _set_attributes(self, spectrum, k, n, p, solver):
        s = spectrum.singular_values
        variance = s ** 2 / (n - 1)
        total = float(variance.sum()) if spectrum.complete else spectrum.total_variance
        ratio = explained_variance_ratio(variance, total, constant_as_zero=True)
        if k == "mle":
            k = int(infer_dimension(variance, n))
        elif isinstance(k, Real) and 0 < k < 1:
            k = components_for_fraction(np.cumsum(ratio), k)
        if spectrum.complete:
            discarded = float(variance[k:].sum())
        else:
            discarded = max(total - float(variance[:k].sum()), 0.0)
        noise = noise_variance(discarded, k, n, p,
                               n_directions=p if solver == "covariance_eigh" else None)
        dtype = spectrum.components.dtype
        self.n_samples_ = n
        self.n_components_ = int(k)
        self.components_ = flip_signs(np.array(spectrum.components[:k], dtype=dtype),
                                      in_place=True)
        self.explained_variance_ = np.array(variance[:k], dtype=dtype)
        self.explained_variance_ratio_ = np.array(ratio[:k], dtype=dtype)
        self.singular_values_ = np.array(s[:k], dtype=dtype)
        self.noise_variance_ = dtype.type(noise)

    def _project(self, X):
        if is_dask_array(X):
            return transform_dask(X, self.components_, self.mean_, _whitening_scale(self))
        projected = np.asarray(X @ self.components_.T)
        projected -= self.mean_ @ self.components_.T
        if self.whiten:
            scale = np.sqrt(self.explained_variance_)
            projected /= np.maximum(scale, np.finfo(scale.dtype).eps)
        return projected

    def inverse_transform(self, X):
        """Map projections back to the data space.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        if is_dask_array(X):
            return inverse_transform_dask(X, self.components_, self.mean_,
                                          _whitening_scale(self))
        X = check_array(X, input_name="X", dtype=[np.float64, np.float32])
        components = self.components_
        if self.whiten:
            components = np.sqrt(self.explained_variance_)[:, None] * components
        return X @ components + self.mean_

    def _weighted_components(self):
        components = self.components_
        if self.whiten:
            components = components * np.sqrt(self.explained_variance_[:, None])
        excess = np.maximum(self.explained_variance_ - self.noise_variance_, 0.0)
        return components, excess

    def get_covariance(self):
        """Data covariance of the probabilistic PCA model:
        components_^T diag(explained_variance_ - noise) components_ + noise I.

        Returns
        -------
        cov : ndarray of shape (n_features, n_features)
        """
        check_is_fitted(self)
        components, excess = self._weighted_components()
        cov = (components.T * excess) @ components
        cov.flat[::cov.shape[0] + 1] += self.noise_variance_
        return cov

    def get_precision(self):
        """Inverse of :meth:`get_covariance`, by the matrix inversion lemma.

        Returns
        -------
        precision : ndarray of shape (n_features, n_features)
        """
        check_is_fitted(self)
        p = self.components_.shape[1]
        if self.n_components_ == 0:
            return np.eye(p) / self.noise_variance_
        if self.noise_variance_ == 0.0:
            return inv(self.get_covariance())
        components, excess = self._weighted_components()
        inner = components @ components.T / self.noise_variance_
        inner.flat[::inner.shape[0] + 1] += 1.0 / excess
        precision = components.T @ inv(inner) @ components
        precision /= -(self.noise_variance_ ** 2)
        precision.flat[::p + 1] += 1.0 / self.noise_variance_
        return precision

    def score_samples(self, X):
        """Log-likelihood of each sample under the probabilistic PCA model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ll : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        centred = X - self.mean_
        precision = self.get_precision()
        _, logdet = np.linalg.slogdet(precision)
        log_like = -0.5 * np.sum(centred * (centred @ precision), axis=1)
        log_like -= 0.5 * (X.shape[1] * np.log(2.0 * np.pi) - logdet)
        return log_like

    def score(self, X, y=None):
        """Average log-likelihood of the samples.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : Ignored

        Returns
        -------
        ll : float
        """
        return float(np.mean(self.score_samples(X)))


class TruncatedSVD(_ProjectionMixin, BaseEstimator):
    """Truncated SVD (latent semantic analysis) on eigkit's solvers.

    A drop-in for :class:`sklearn.decomposition.TruncatedSVD`: no centring,
    dense or sparse input.  'arpack' runs :func:`eigkit.svds` (block
    Lanczos on the smaller Gram operator), 'randomized' the
    Halko-Martinsson-Tropp range finder with eigkit's dense eigensolver
    for the small problem.

    Parameters
    ----------
    n_components : int, default=2
    algorithm : {'arpack', 'randomized'}, default='randomized'
    n_iter : int, default=5
        Power iterations of 'randomized'.
    n_oversamples : int, default=10
    power_iteration_normalizer : {'auto', 'QR', 'LU', 'none'}, default='auto'
    random_state : int, RandomState instance or None, default=None
    tol : float, default=0.0
        Tolerance of 'arpack' (0: machine precision).

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
    explained_variance_ : ndarray of shape (n_components,)
    explained_variance_ratio_ : ndarray of shape (n_components,)
    singular_values_ : ndarray of shape (n_components,)
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from eigkit import TruncatedSVD
    >>> X = sp.random(100, 50, density=0.1, random_state=0, format="csr")
    >>> svd = TruncatedSVD(n_components=5, random_state=0).fit(X)
    >>> svd.components_.shape
    (5, 50)
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "algorithm": [StrOptions({"arpack", "randomized"})],
        "n_iter": [Interval(Integral, 0, None, closed="left")],
        "n_oversamples": [Interval(Integral, 1, None, closed="left")],
        "power_iteration_normalizer": [StrOptions({"auto", "QR", "LU", "none"})],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, n_components=2, *, algorithm="randomized", n_iter=5, n_oversamples=10,
                 power_iteration_normalizer="auto", random_state=None, tol=0.0):
        self.n_components = n_components
        self.algorithm = algorithm
        self.n_iter = n_iter
        self.n_oversamples = n_oversamples
        self.power_iteration_normalizer = power_iteration_normalizer
        self.random_state = random_state
        self.tol = tol

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def fit(self, X, y=None):
        """Fit the model on X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : Ignored

        Returns
        -------
        self : TruncatedSVD
        """
        self.fit_transform(X)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Fit the model on X and return the reduced X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : Ignored

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_components)
        """
        if is_dask_array(X):
            fit = fit_truncated_svd_dask(X, self.n_components, algorithm=self.algorithm,
                                         n_iter=self.n_iter, n_oversamples=self.n_oversamples,
                                         tol=self.tol, random_state=self.random_state)
            _adopt_dask_fit(self, fit)
            return self._project(X)
        X = validate_data(self, X, accept_sparse=["csr", "csc"], ensure_min_features=2,
                          dtype=[np.float64, np.float32])
        random_state = check_random_state(self.random_state)
        if self.algorithm == "arpack":
            # a long, narrow dense X: svds forms its Gram matrix, no start needed
            v0 = (None if _formed_gram_pays(X, min(X.shape))
                  else random_state.uniform(-1, 1, min(X.shape)))
            _, s, vt = svds(X, k=self.n_components, tol=self.tol, v0=v0)
            s, vt = s[::-1], vt[::-1]
        else:
            if self.n_components > X.shape[1]:
                raise ValueError(f"n_components({self.n_components}) must be <="
                                 f" n_features({X.shape[1]}).")
            s, vt = randomized_svd(CenteredData(X), self.n_components,
                                   n_oversamples=self.n_oversamples, n_iter=self.n_iter,
                                   power_iteration_normalizer=self.power_iteration_normalizer,
                                   random_state=random_state)
        self.components_ = flip_signs(np.array(vt, dtype=X.dtype), in_place=True)
        projected = self._project(X)
        self.explained_variance_ = np.var(projected, axis=0)
        mean = column_means(X)
        total = centered_total_variance(X, mean, ddof=0)
        self.explained_variance_ratio_ = explained_variance_ratio(self.explained_variance_, total)
        self.singular_values_ = np.array(s, dtype=X.dtype)
        return projected

    def _project(self, X):
        if is_dask_array(X):
            return transform_dask(X, self.components_)
        return np.asarray(X @ self.components_.T)

    def inverse_transform(self, X):
        """Map reduced data back to the original space.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
        """
        if is_dask_array(X):
            return inverse_transform_dask(X, self.components_)
        X = check_array(X)
        return X @ self.components_
