"""Spectral embedding and spectral clustering on eigkit's eigensolvers.

Drop-ins for :func:`sklearn.manifold.spectral_embedding`,
:class:`sklearn.manifold.SpectralEmbedding` and
:class:`sklearn.cluster.SpectralClustering`: same parameters, affinities,
attributes and sign convention.  The eigenvectors of the graph Laplacian
come from eigkit:

- small graphs (n <= 1000 nodes, the tunable ``embedding_dense_max_nodes``):
  the wanted eigenpairs of the dense Laplacian by :func:`eigkit.eigh`
  (bisection and inverse iteration);
- larger graphs: the largest eigenpairs of the normalized adjacency
  D^-1/2 W D^-1/2 = I - L by eigkit's block Lanczos
  (:func:`eigkit.eigsh`, ``which='LA'``), which needs only products with
  the sparse matrix, where scikit-learn's ARPACK path factorizes L
  (shift-invert), whose sparse LU fills in on kNN graphs of data in more
  than a few dimensions.  The null space (one vector per connected
  component) is known exactly and deflated.

``eigen_solver`` accepts scikit-learn's names: 'arpack' and 'lobpcg' both
mean the Lanczos path above and differ only in the tolerance 'auto' stands
for (machine precision as ARPACK's, 1e-6 for 'lobpcg'); 'amg' needs pyamg,
as in scikit-learn, and runs :func:`eigkit.lobpcg` on L preconditioned by
pyamg's smoothed-aggregation multigrid, with the null space as constraints
(:mod:`eigkit._ml.amg_eigenvectors`), falling back to the Lanczos path if
it misses the tolerance.
"""
import warnings
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components, laplacian as csgraph_laplacian

from ._optional import require_sklearn

require_sklearn()

from sklearn import get_config  # noqa: E402
from sklearn.base import BaseEstimator, ClusterMixin, _fit_context  # noqa: E402
from sklearn.cluster import k_means as sklearn_k_means  # noqa: E402
from sklearn.metrics.pairwise import KERNEL_PARAMS, pairwise_kernels, rbf_kernel  # noqa: E402
from sklearn.neighbors import NearestNeighbors, kneighbors_graph  # noqa: E402
from sklearn.utils import check_random_state  # noqa: E402
from sklearn.utils._param_validation import Interval, StrOptions, validate_params  # noqa: E402
from sklearn.utils.validation import check_symmetric, validate_data  # noqa: E402

from . import _tuning  # noqa: E402
from ._linalg.block_operator import block_operator  # noqa: E402
from ._ml.amg_eigenvectors import amg_smallest  # noqa: E402
from ._ml.label_assignment import cluster_qr, discretize  # noqa: E402
from ._ml.kmeans import k_means  # noqa: E402
from ._ml.neighbors import kneighbors_graph as dense_kneighbors_graph  # noqa: E402
from ._ml.signs import flip_signs  # noqa: E402
from ._threads import kernel_threads  # noqa: E402
from .dense import eigh  # noqa: E402
from .sparse import eigsh  # noqa: E402

__all__ = ["spectral_embedding", "SpectralEmbedding", "SpectralClustering"]

MATRIX_FREE_TOL = 1e-6   # eigen_tol='auto' without factorization, like LOBPCG's loose default


def _laplacian_eigenvectors(adjacency, k, norm_laplacian, tol, random_state, amg=False):
    """Eigenvectors (columns) of the k smallest eigenvalues of the graph
    Laplacian, scaled by D^-1/2 when normalized, and the number of
    connected components.  ``amg``: LOBPCG with a multigrid preconditioner
    for large graphs."""
    n = adjacency.shape[0]
    n_parts, parts = connected_components(adjacency if sparse.issparse(adjacency)
                                          else sparse.csr_array(adjacency), directed=False)
    lap, dd = csgraph_laplacian(adjacency, normed=norm_laplacian, return_diag=True)
    if norm_laplacian:
        # scikit-learn sets the diagonal of L to 1: self-loops count neither
        # in the degrees nor in the operator.
        lap = _with_unit_diagonal(lap)
    if n <= _tuning.value("embedding_dense_max_nodes") or k >= n // 5:
        dense_lap = lap.toarray() if sparse.issparse(lap) else np.asarray(lap)
        _, vectors = eigh(dense_lap, subset_by_index=[0, k - 1], check_finite=False)
    else:
        null = _null_vectors(parts, n_parts, dd if norm_laplacian else np.ones(n))
        lap = sparse.csr_array(lap)
        vectors = amg_smallest(lap, k, tol, random_state, null) if amg else None
        if vectors is None:
            vectors = _lanczos_smallest(lap, k, norm_laplacian, tol, random_state, null)
    if norm_laplacian:
        vectors = vectors / dd[:, None]
    return vectors, n_parts


def _null_vectors(parts, n_parts, weights):
    """The Laplacian's null space, known exactly: one vector per connected
    component (the weights on its nodes, zero elsewhere), normalized; the
    largest components first."""
    null = np.zeros((parts.shape[0], n_parts))
    null[np.arange(parts.shape[0]), parts] = weights
    null /= np.linalg.norm(null, axis=0)
    return null[:, np.argsort(-np.bincount(parts), kind="stable")]


def _with_unit_diagonal(lap):
    if sparse.issparse(lap):
        lap = sparse.csr_array(lap, copy=True)
        lap.setdiag(1.0)
        return lap
    lap = np.array(lap, copy=True)
    lap.flat[::lap.shape[0] + 1] = 1.0
    return lap


def _lanczos_smallest(lap, k, norm_laplacian, tol, random_state, null):
    """The k smallest eigenpairs' vectors of a large sparse Laplacian.

    The null space (one vector per connected component) is known exactly,
    so when it holds all k vectors no solver runs at all.  Otherwise
    eigkit's block Lanczos runs matrix-free on I - L for the normalized
    Laplacian (largest eigenvalues) and on L for the plain one (smallest),
    with the known null space deflated: a multiple eigenvalue costs a
    Krylov method many iterations.  No shift-invert, unlike scikit-learn's
    ARPACK path: the sparse LU of a kNN graph's Laplacian in ten dimensions
    fills in almost completely (30000 points: 160 s for the factorization,
    against 0.4 s for the whole matrix-free solve to machine precision).
    """
    n = lap.shape[0]
    n_null = null.shape[1]
    if k <= n_null:
        return null[:, :k]
    v0 = random_state.uniform(-1, 1, n)
    v0 -= null @ (null.T @ v0)
    if norm_laplacian:
        adjacency = sparse.identity(n, format="csr", dtype=lap.dtype) - lap

        def product(X):
            return adjacency @ X - null @ (null.T @ X)
        which = "LA"
    else:
        shift = 2.0 * float(abs(lap).sum(axis=1).max())

        def product(X):
            return lap @ X + shift * (null @ (null.T @ X))
        which = "SA"
    op = block_operator(product, n, lap.dtype)
    _, vectors = eigsh(op, k=k - n_null, which=which, tol=tol, v0=v0)
    rest = vectors[:, ::-1] if norm_laplacian else vectors
    return np.hstack([null, rest])


def _embedding(adjacency, *, n_components, eigen_solver, random_state, eigen_tol,
               norm_laplacian, drop_first):
    adjacency = check_symmetric(adjacency)
    if eigen_solver == "amg":
        try:
            import pyamg  # noqa: F401
        except ImportError as exc:
            raise ValueError("The eigen_solver was set to 'amg', but pyamg is "
                             "not available.") from exc
    k = n_components + 1 if drop_first else n_components
    n = adjacency.shape[0]
    if k > n:
        # scikit-learn's dense route returns the n eigenvectors there are
        warnings.warn(f"n_components={n_components} is more than a graph of n_samples={n} "
                      f"nodes gives: the embedding has {n - 1 if drop_first else n} columns",
                      RuntimeWarning, stacklevel=3)
        k = n
    if eigen_tol == "auto":
        # ARPACK's default is machine precision, LOBPCG's a loose tolerance
        tol = 0.0 if eigen_solver in (None, "arpack") else MATRIX_FREE_TOL
    else:
        tol = float(eigen_tol)
    vectors, n_parts = _laplacian_eigenvectors(adjacency, k, norm_laplacian, tol, random_state,
                                               amg=eigen_solver == "amg")
    if n_parts > 1:
        warnings.warn("Graph is not fully connected, spectral embedding may not work "
                      "as expected.")
    vectors = flip_signs(vectors, axis=0)
    return vectors[:, 1:k] if drop_first else vectors[:, :k]


@validate_params(
    {
        "adjacency": ["array-like", "sparse matrix"],
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "eigen_solver": [StrOptions({"arpack", "lobpcg", "amg"}), None],
        "random_state": ["random_state"],
        "eigen_tol": [Interval(Real, 0, None, closed="left"), StrOptions({"auto"})],
        "norm_laplacian": ["boolean"],
        "drop_first": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def spectral_embedding(adjacency, *, n_components=8, eigen_solver=None, random_state=None,
                       eigen_tol="auto", norm_laplacian=True, drop_first=True):
    """Project the nodes of a graph on the first eigenvectors of its Laplacian.

    A drop-in for :func:`sklearn.manifold.spectral_embedding` (Laplacian
    eigenmaps), computed with eigkit's eigensolvers (see the module notes).

    Parameters
    ----------
    adjacency : {array-like, sparse matrix} of shape (n_samples, n_samples)
        Symmetric affinity matrix of the graph.
    n_components : int, default=8
        Dimension of the embedding.
    eigen_solver : {'arpack', 'lobpcg', 'amg'} or None, default=None
        'arpack', 'lobpcg' and None: eigkit's block Lanczos; 'amg': eigkit's
        LOBPCG preconditioned by pyamg's multigrid (needs pyamg).
    random_state : int, RandomState instance or None, default=None
        Seeds the Lanczos starting vector.
    eigen_tol : float or 'auto', default='auto'
        Residual tolerance of the Lanczos solver relative to ||A|| ('auto': 0,
        machine precision).
    norm_laplacian : bool, default=True
        Use the symmetric normalized Laplacian.
    drop_first : bool, default=True
        Drop the first eigenvector (constant on a connected graph).

    Returns
    -------
    embedding : ndarray of shape (n_samples, n_components)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.neighbors import kneighbors_graph
    >>> from eigkit import spectral_embedding
    >>> X = np.random.default_rng(0).standard_normal((100, 3))
    >>> A = kneighbors_graph(X, 10, include_self=True)
    >>> spectral_embedding(0.5 * (A + A.T), n_components=2, random_state=0).shape
    (100, 2)
    """
    return _embedding(adjacency, n_components=n_components, eigen_solver=eigen_solver,
                      random_state=check_random_state(random_state), eigen_tol=eigen_tol,
                      norm_laplacian=norm_laplacian, drop_first=drop_first)


def _knn_affinity(X, n_neighbors, n_jobs, precomputed):
    """0.5 (C + C^T) for the k-nearest-neighbour connectivity C (eigkit's
    exact kNN kernel for dense X, scikit-learn's for sparse X and
    precomputed distances)."""
    if precomputed:
        connectivity = NearestNeighbors(n_neighbors=n_neighbors, n_jobs=n_jobs,
                                        metric="precomputed").fit(X).kneighbors_graph(
                                            X=X, mode="connectivity")
    # in many dimensions the kernel's leaf bounds rarely skip anything
    elif sparse.issparse(X) or X.shape[1] > _tuning.value("knn_max_features"):
        connectivity = kneighbors_graph(X, n_neighbors, include_self=True, n_jobs=n_jobs)
    else:
        connectivity = _sklearn_sparse_interface(
            dense_kneighbors_graph(X, n_neighbors, n_jobs=n_jobs))
    return 0.5 * (connectivity + connectivity.T)


def _kmeans_labels(maps, n_clusters, random_state, n_init, verbose):
    """k-means labels of the embedding's rows: eigkit's kernel for the
    narrow embeddings spectral clustering makes, scikit-learn's k_means for
    wider ones and when its progress is to be printed (verbose)."""
    width = _tuning.value("kmeans_max_width")
    narrow = n_clusters <= min(maps.shape[0], width) and maps.shape[1] <= width
    if narrow and not verbose:
        return k_means(maps, n_clusters, random_state=random_state, n_init=n_init,
                       n_threads=kernel_threads())[1]
    return sklearn_k_means(maps, n_clusters, random_state=random_state, n_init=n_init,
                           verbose=verbose)[1]


def _sklearn_sparse_interface(matrix):
    """A CSR array as scikit-learn's functions return it: a csr_matrix
    unless its configuration asks for sparse arrays."""
    if get_config().get("sparse_interface", "spmatrix") == "sparray":
        return matrix
    return sparse.csr_matrix(matrix)


_SOLVER_CONSTRAINT = [StrOptions({"arpack", "lobpcg", "amg"}), None]
_TOL_CONSTRAINT = [Interval(Real, 0, None, closed="left"), StrOptions({"auto"})]


class _PairwiseTags:
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.pairwise = self.affinity in ("precomputed",
                                                     "precomputed_nearest_neighbors")
        return tags


class SpectralEmbedding(_PairwiseTags, BaseEstimator):
    """Laplacian eigenmaps on eigkit's eigensolvers.

    A drop-in for :class:`sklearn.manifold.SpectralEmbedding`.

    Parameters
    ----------
    n_components : int, default=2
    affinity : {'nearest_neighbors', 'rbf', 'precomputed', \
'precomputed_nearest_neighbors'} or callable, default='nearest_neighbors'
        How the affinity matrix is built (sparse X works with every choice).
    gamma : float, default=None
        RBF coefficient (None: 1 / n_features).
    random_state : int, RandomState instance or None, default=None
    eigen_solver : {'arpack', 'lobpcg', 'amg'} or None, default=None
        See :func:`spectral_embedding`.
    eigen_tol : float or 'auto', default='auto'
    n_neighbors : int, default=None
        Neighbours of the kNN graph (None: max(n_samples / 10, 1)).
    n_jobs : int, default=None

    Attributes
    ----------
    embedding_ : ndarray of shape (n_samples, n_components)
    affinity_matrix_ : ndarray or sparse matrix of shape (n_samples, n_samples)
    n_neighbors_ : int
    gamma_ : float
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    Examples
    --------
    >>> import numpy as np
    >>> from eigkit import SpectralEmbedding
    >>> X = np.random.default_rng(0).standard_normal((100, 5))
    >>> SpectralEmbedding(n_components=2, random_state=0).fit_transform(X).shape
    (100, 2)
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "affinity": [StrOptions({"nearest_neighbors", "rbf", "precomputed",
                                 "precomputed_nearest_neighbors"}), callable],
        "gamma": [Interval(Real, 0, None, closed="left"), None],
        "random_state": ["random_state"],
        "eigen_solver": _SOLVER_CONSTRAINT,
        "eigen_tol": _TOL_CONSTRAINT,
        "n_neighbors": [Interval(Integral, 1, None, closed="left"), None],
        "n_jobs": [None, Integral],
    }

    def __init__(self, n_components=2, *, affinity="nearest_neighbors", gamma=None,
                 random_state=None, eigen_solver=None, eigen_tol="auto", n_neighbors=None,
                 n_jobs=None):
        self.n_components = n_components
        self.affinity = affinity
        self.gamma = gamma
        self.random_state = random_state
        self.eigen_solver = eigen_solver
        self.eigen_tol = eigen_tol
        self.n_neighbors = n_neighbors
        self.n_jobs = n_jobs

    def _affinity_matrix(self, X):
        if self.affinity == "precomputed":
            return X
        if self.affinity in ("nearest_neighbors", "precomputed_nearest_neighbors"):
            self.n_neighbors_ = (self.n_neighbors if self.n_neighbors is not None
                                 else max(int(X.shape[0] / 10), 1))
            return _knn_affinity(X, self.n_neighbors_, self.n_jobs,
                                 self.affinity == "precomputed_nearest_neighbors")
        if self.affinity == "rbf":
            self.gamma_ = self.gamma if self.gamma is not None else 1.0 / X.shape[1]
            return rbf_kernel(X, gamma=self.gamma_)
        return self.affinity(X)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Compute the embedding of X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples, or an (n_samples, n_samples) affinity / distance graph
            for the precomputed affinities.
        y : Ignored

        Returns
        -------
        self : SpectralEmbedding
        """
        X = validate_data(self, X, accept_sparse="csr", ensure_min_samples=2)
        self.affinity_matrix_ = self._affinity_matrix(X)
        self.embedding_ = _embedding(self.affinity_matrix_, n_components=self.n_components,
                                     eigen_solver=self.eigen_solver,
                                     random_state=check_random_state(self.random_state),
                                     eigen_tol=self.eigen_tol, norm_laplacian=True,
                                     drop_first=True)
        return self

    def fit_transform(self, X, y=None):
        """Compute and return the embedding of X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : Ignored

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_components)
        """
        return self.fit(X).embedding_


class SpectralClustering(_PairwiseTags, ClusterMixin, BaseEstimator):
    """Spectral clustering on eigkit's eigensolvers.

    A drop-in for :class:`sklearn.cluster.SpectralClustering`: the affinity
    matrix, its Laplacian embedding (computed by eigkit) and the labels
    (k-means, Yu-Shi discretization or cluster QR) as in scikit-learn.

    Parameters
    ----------
    n_clusters : int, default=8
    eigen_solver : {'arpack', 'lobpcg', 'amg'} or None, default=None
        See :func:`spectral_embedding`.
    n_components : int, default=None
        Embedding dimension (None: n_clusters).
    random_state : int, RandomState instance or None, default=None
    n_init : int, default=10
        k-means restarts.
    gamma : float, default=1.0
    affinity : str or callable, default='rbf'
        'nearest_neighbors', 'precomputed', 'precomputed_nearest_neighbors'
        or a kernel of :func:`sklearn.metrics.pairwise_kernels`.
    n_neighbors : int, default=10
    eigen_tol : float or 'auto', default='auto'
    assign_labels : {'kmeans', 'discretize', 'cluster_qr'}, default='kmeans'
    degree : float, default=3
    coef0 : float, default=1
    kernel_params : dict, default=None
    n_jobs : int, default=None
    verbose : bool, default=False

    Attributes
    ----------
    affinity_matrix_ : ndarray or sparse matrix of shape (n_samples, n_samples)
    labels_ : ndarray of shape (n_samples,)
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    Examples
    --------
    >>> import numpy as np
    >>> from eigkit import SpectralClustering
    >>> X = np.array([[1, 1], [2, 1], [1, 0], [4, 7], [3, 5], [3, 6]])
    >>> labels = SpectralClustering(n_clusters=2, random_state=0).fit_predict(X)
    >>> bool(labels[0] == labels[1] == labels[2] != labels[3] == labels[4] == labels[5])
    True
    """

    _parameter_constraints: dict = {
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        "eigen_solver": _SOLVER_CONSTRAINT,
        "n_components": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "gamma": [Interval(Real, 0, None, closed="left")],
        "affinity": [callable, StrOptions(set(KERNEL_PARAMS) | {
            "nearest_neighbors", "precomputed", "precomputed_nearest_neighbors"})],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "eigen_tol": _TOL_CONSTRAINT,
        "assign_labels": [StrOptions({"kmeans", "discretize", "cluster_qr"})],
        "degree": [Interval(Real, 0, None, closed="left")],
        "coef0": [Interval(Real, None, None, closed="neither")],
        "kernel_params": [dict, None],
        "n_jobs": [Integral, None],
        "verbose": ["verbose"],
    }

    def __init__(self, n_clusters=8, *, eigen_solver=None, n_components=None,
                 random_state=None, n_init=10, gamma=1.0, affinity="rbf", n_neighbors=10,
                 eigen_tol="auto", assign_labels="kmeans", degree=3, coef0=1,
                 kernel_params=None, n_jobs=None, verbose=False):
        self.n_clusters = n_clusters
        self.eigen_solver = eigen_solver
        self.n_components = n_components
        self.random_state = random_state
        self.n_init = n_init
        self.gamma = gamma
        self.affinity = affinity
        self.n_neighbors = n_neighbors
        self.eigen_tol = eigen_tol
        self.assign_labels = assign_labels
        self.degree = degree
        self.coef0 = coef0
        self.kernel_params = kernel_params
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _affinity_matrix(self, X):
        if self.affinity == "precomputed":
            return X
        if self.affinity in ("nearest_neighbors", "precomputed_nearest_neighbors"):
            return _knn_affinity(X, self.n_neighbors, self.n_jobs,
                                 self.affinity == "precomputed_nearest_neighbors")
        params = dict(self.kernel_params or {})
        if not callable(self.affinity):
            params.update(gamma=self.gamma, degree=self.degree, coef0=self.coef0)
        return pairwise_kernels(X, metric=self.affinity, filter_params=True, **params)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Cluster X (samples, or an affinity / distance graph).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features) or \
(n_samples, n_samples)
        y : Ignored

        Returns
        -------
        self : SpectralClustering
        """
        X = validate_data(self, X, accept_sparse=["csr", "csc", "coo"], dtype=np.float64,
                          ensure_min_samples=2)
        if self.assign_labels == "kmeans" and X.shape[0] < self.n_clusters:
            # scikit-learn's k-means check, made before the embedding
            raise ValueError(f"n_samples={X.shape[0]} should be >= "
                             f"n_clusters={self.n_clusters}.")
        if X.shape[0] == X.shape[1] and self.affinity not in (
                "precomputed", "precomputed_nearest_neighbors"):
            warnings.warn("The spectral clustering API has changed. ``fit`` now constructs "
                          "an affinity matrix from data. To use a custom affinity matrix, "
                          "set ``affinity=precomputed``.")
        self.affinity_matrix_ = self._affinity_matrix(X)
        random_state = check_random_state(self.random_state)
        maps = _embedding(self.affinity_matrix_,
                          n_components=self.n_components or self.n_clusters,
                          eigen_solver=self.eigen_solver, random_state=random_state,
                          eigen_tol=self.eigen_tol, norm_laplacian=True, drop_first=False)
        if self.verbose:
            print(f"Computing label assignment using {self.assign_labels}")
        if self.assign_labels == "kmeans":
            self.labels_ = _kmeans_labels(maps, self.n_clusters, random_state, self.n_init,
                                          self.verbose)
        elif self.assign_labels == "cluster_qr":
            self.labels_ = cluster_qr(maps)
        else:
            self.labels_ = discretize(maps, random_state=random_state)
        return self

    def fit_predict(self, X, y=None):
        """Cluster X and return the labels.

        Parameters
        ----------
        X : {array-like, sparse matrix}
        y : Ignored

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        return super().fit_predict(X, y)
