"""The machine-learning benchmark cases: eigkit's scikit-learn
estimators against scikit-learn's own, on the same data and BLAS.

- ``pca``: PCA(n_components=10) on dense data with a decaying spectrum,
  shapes 100000 x 300, 20000 x 2000 and 5000 x 5000, eigkit's solvers
  against each of scikit-learn's.  Accuracy: the largest relative error of
  the explained variances against an exact reference, and the largest
  sine of the principal angles between the fitted and the exact
  component subspaces.
- ``spectral``: SpectralClustering(n_clusters=6,
  affinity='nearest_neighbors') on 6 Gaussian blobs of 5000, 30000 and
  100000 points, against scikit-learn with eigen_solver 'arpack' and
  'lobpcg'.  Accuracy: the adjusted Rand index against the true blobs.

A case builds its data once per size (fixed seeds); every contender is a
callable on that data, and the accuracy is judged on its own answer.
``quick=True`` sizes are small versions of the same families (tests, the
pytest-benchmark default).  scikit-learn is needed (``eigkit[sklearn]``).
``SUITE`` is the same cases for ``eigkit bench --suite ml``.
"""
import functools
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .suite import Contender, Problem, Suite

N_COMPONENTS = 10
N_CLUSTERS = 6
PCA_SHAPES = ((100000, 300), (20000, 2000), (5000, 5000))
PCA_SHAPES_QUICK = ((20000, 100), (2000, 500))
# eigkit bench --quick: one shape (the sweep has 2000 x 500 among others)
PCA_SHAPES_BENCH_QUICK = ((20000, 100),)
SPECTRAL_SIZES = (5000, 30000, 100000)
SPECTRAL_SIZES_QUICK = (2000,)
SIGNAL_RANK = 100
# scikit-learn's exact SVD ('full') is timed only below this many entries:
# on 20000 x 2000 it takes minutes and is nobody's fastest choice.
FULL_SVD_MAX_CELLS = 4_000_000


@dataclass(frozen=True)
class MLContender:
    name: str
    run: Callable                           # data -> result
    applies: Callable = lambda shape: True  # shape -> whether timed on it
    max_n: int = 1 << 30                    # for eigkit.bench.runner.run_case


@dataclass(frozen=True)
class MLCase:
    name: str
    description: str
    sizes: tuple
    sizes_quick: tuple
    build: Callable          # size -> data (ndarray, or Blobs)
    contenders: tuple
    truth: Callable          # data -> what the answers are judged against (once per size)
    accuracy: Callable       # (truth, result) -> dict of named errors / scores
    accuracy_label: str

    def contenders_for(self, data):
        return tuple(c for c in self.contenders if c.applies(data.shape))


# ---------------------------------------------------------------------------
# Data

def decaying_spectrum_data(shape, seed=0, dtype=np.float64):
    """X = G diag(s) W^T + noise: a rank-100 signal with singular values
    decaying like 1/i (a gap of about 10 % between the 10th and the 11th)
    over a noise floor of 1 % of the top one, plus a column offset (so
    centring matters)."""
    n, p = shape
    rng = np.random.default_rng(seed)
    r = min(SIGNAL_RANK, p)
    basis, _ = np.linalg.qr(rng.standard_normal((p, r)))
    scales = 1.0 / np.arange(1, r + 1)
    x = (rng.standard_normal((n, r)) * scales) @ basis.T
    x += 0.01 * rng.standard_normal((n, p))
    x += rng.standard_normal(p)
    return np.ascontiguousarray(x, dtype=dtype)


@dataclass
class Blobs:
    """Points and their true labels; ``shape`` is the points' shape."""
    X: np.ndarray
    y: np.ndarray

    @property
    def shape(self):
        return self.X.shape


def blobs(n_samples, seed=0):
    """6 Gaussian blobs in 10 dimensions, well separated (the 10-NN graph
    falls apart into the blobs)."""
    from sklearn.datasets import make_blobs
    X, y = make_blobs(n_samples=n_samples, centers=N_CLUSTERS, n_features=10,
                      cluster_std=1.0, random_state=seed)
    return Blobs(X, y)


# ---------------------------------------------------------------------------
# Accuracy

def exact_pca(X, k=N_COMPONENTS):
    """Reference explained variances and components: the covariance of the
    centred data in extended precision where it matters (float64
    accumulation, LAPACK's eigh)."""
    import scipy.linalg as sla
    xc = X - X.mean(axis=0)
    cov = xc.T @ xc / (X.shape[0] - 1)
    p = cov.shape[0]
    w, v = sla.eigh(cov, subset_by_index=[p - k, p - 1])
    return w[::-1], v[:, ::-1].T


def pca_accuracy(reference, estimator):
    """max relative error of explained_variance_ and the largest sine of
    the principal angles between the component subspaces."""
    w_ref, v_ref = reference
    ev = np.asarray(estimator.explained_variance_, dtype=float)
    err = float(np.max(np.abs(ev - w_ref) / w_ref))
    cosines = np.linalg.svd(v_ref @ np.asarray(estimator.components_, dtype=float).T,
                            compute_uv=False)
    sine = float(np.sqrt(max(0.0, 1.0 - cosines.min() ** 2)))
    return {"ev_rel_err": err, "max_sin_angle": sine}


def clustering_accuracy(truth, labels):
    from sklearn.metrics import adjusted_rand_score
    return {"ari": float(adjusted_rand_score(truth, labels))}


# ---------------------------------------------------------------------------
# Contenders

def _eigkit_pca(solver):
    def run(X):
        from eigkit.decomposition import PCA
        return PCA(N_COMPONENTS, svd_solver=solver, random_state=0).fit(X)
    return run


def _sklearn_pca(solver):
    def run(X):
        from sklearn.decomposition import PCA
        return PCA(N_COMPONENTS, svd_solver=solver, random_state=0).fit(X)
    return run


def _small_enough_for_full_svd(shape):
    return shape[0] * shape[1] <= FULL_SVD_MAX_CELLS


PCA_CONTENDERS = (
    MLContender("eigkit-auto", _eigkit_pca("auto")),
    MLContender("eigkit-covariance_eigh", _eigkit_pca("covariance_eigh")),
    MLContender("eigkit-randomized", _eigkit_pca("randomized")),
    MLContender("eigkit-lanczos", _eigkit_pca("lanczos")),
    MLContender("sklearn-auto", _sklearn_pca("auto")),
    MLContender("sklearn-covariance_eigh", _sklearn_pca("covariance_eigh")),
    MLContender("sklearn-randomized", _sklearn_pca("randomized")),
    MLContender("sklearn-arpack", _sklearn_pca("arpack")),
    MLContender("sklearn-full", _sklearn_pca("full"), applies=_small_enough_for_full_svd),
)


def _eigkit_spectral(eigen_solver):
    def run(data):
        from eigkit.cluster import SpectralClustering
        return SpectralClustering(N_CLUSTERS, affinity="nearest_neighbors", random_state=0,
                                  eigen_solver=eigen_solver).fit(data.X).labels_
    return run


def _sklearn_spectral(eigen_solver):
    def run(data):
        from sklearn.cluster import SpectralClustering
        return SpectralClustering(N_CLUSTERS, affinity="nearest_neighbors", random_state=0,
                                  eigen_solver=eigen_solver).fit(data.X).labels_
    return run


SPECTRAL_CONTENDERS = (
    MLContender("eigkit", _eigkit_spectral(None)),
    MLContender("eigkit-matrix-free", _eigkit_spectral("lobpcg")),
    MLContender("sklearn-arpack", _sklearn_spectral("arpack")),
    MLContender("sklearn-lobpcg", _sklearn_spectral("lobpcg")),
)


ML_CASES = {
    "pca": MLCase(
        name="pca",
        description="PCA(n_components=10).fit on dense data with a decaying spectrum",
        sizes=PCA_SHAPES, sizes_quick=PCA_SHAPES_QUICK,
        build=decaying_spectrum_data,
        contenders=PCA_CONTENDERS,
        truth=exact_pca,
        accuracy=pca_accuracy,
        accuracy_label="max rel. error of explained_variance_ / max sin(principal angle)",
    ),
    "spectral": MLCase(
        name="spectral",
        description="SpectralClustering(6, affinity='nearest_neighbors') on 6 blobs",
        sizes=SPECTRAL_SIZES, sizes_quick=SPECTRAL_SIZES_QUICK,
        build=blobs,
        contenders=SPECTRAL_CONTENDERS,
        truth=lambda data: data.y,
        accuracy=clustering_accuracy,
        accuracy_label="adjusted Rand index against the true blobs",
    ),
}


# ---------------------------------------------------------------------------
# The `eigkit bench --suite ml` view of these cases (eigkit.bench.suite)

@dataclass(frozen=True)
class _Prepared:
    """A case's input and the reference its answers are judged against."""
    data: Any
    truth: Any


def _prepare(case, size):
    data = case.build(size)
    return _Prepared(data, case.truth(data))


def _run_on_data(run, prepared):
    return run(prepared.data)


def _pca_score(prepared, estimator):
    errors = pca_accuracy(prepared.truth, estimator)
    return max(errors.values())


def _spectral_score(prepared, labels):
    return 1.0 - clustering_accuracy(prepared.truth, labels)["ari"]


_SCORES = {
    "pca": (_pca_score, "max(rel. error of explained_variance_, sin of largest principal angle)",
            1e-4),
    "spectral": (_spectral_score, "1 - adjusted Rand index against the true blobs", 0.05),
}

# The row every ratio is taken against is the one a user gets by default.
_DEFAULT_CONTENDER = {"eigkit-auto": "eigkit"}


def case_problem(name, size):
    """The case ``name`` of :data:`ML_CASES` at one size as a
    :class:`~eigkit.bench.suite.Problem`: PCA at a shape (samples,
    features), called 'pca-<features>f', or SpectralClustering on ``size``
    points.  eigkit's default solver is the contender named 'eigkit'."""
    case = ML_CASES[name]
    score, label, limit = _SCORES[name]
    shape = tuple(size) if name == "pca" else (size,)
    contenders = tuple(
        Contender(_DEFAULT_CONTENDER.get(c.name, c.name), functools.partial(_run_on_data, c.run))
        for c in case.contenders if c.applies(shape))
    case_name = f"pca-{shape[1]}f" if name == "pca" else name
    return Problem(case=case_name, n=int(shape[0]), setup=functools.partial(_prepare, case, size),
                   contenders=contenders, accuracy=score, accuracy_label=label,
                   accuracy_limit=limit)


def problems(sizes, quick=False, **options):
    """PCA on the shapes of :data:`PCA_SHAPES` (quick:
    :data:`PCA_SHAPES_BENCH_QUICK`; ``sizes`` is ignored for PCA: a shape
    is two numbers) and SpectralClustering on ``sizes`` points."""
    out = []
    for name, case in ML_CASES.items():
        case_sizes = (PCA_SHAPES_BENCH_QUICK if quick else case.sizes) if name == "pca" else sizes
        out += [case_problem(name, size) for size in case_sizes]
    return out


SUITE = Suite(
    name="ml",
    description=f"PCA({N_COMPONENTS}).fit and SpectralClustering({N_CLUSTERS}) against "
                "scikit-learn",
    problems=problems,
    sizes=SPECTRAL_SIZES,
    quick_sizes=SPECTRAL_SIZES_QUICK,
    repeat=5,
    quick_repeat=5,
    size_label="samples",
)
