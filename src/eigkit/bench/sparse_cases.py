"""The sparse benchmark cases (issue 3): a few eigenpairs at one end of the
spectrum of large sparse matrices, eigkit.eigsh against SciPy's ARPACK
(``scipy.sparse.linalg.eigsh``) and LOBPCG (``scipy.sparse.linalg.lobpcg``).

Every contender sees the matrix through the same :class:`CountingOperator`,
which counts the columns it is applied to (the matvec count) and enforces a
per-call time limit, so counts are comparable and no call runs unbounded.
Matrices are built with fixed seeds; ``quick=True`` gives smaller variants
of the same families (for tests and the pytest-benchmark default).
"""
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as sla
from scipy.sparse.linalg import LinearOperator

from .. import sparse

K = 10
TOL = 1e-8
WHICHES = ("LA", "SA", "LM")
TIME_LIMIT = 120.0   # seconds per contender call
ARPACK_MAXITER = 100000   # restarts; the time limit is the real bound
LOBPCG_MAXITER = 20000
EIGKIT_MAXITER = 100000


class BenchTimeout(Exception):
    """Raised from inside the operator when a call exceeds its time limit."""


class CountingOperator(LinearOperator):
    """A wraps the matrix; counts the columns applied; raises
    :class:`BenchTimeout` once ``deadline`` (perf_counter) has passed."""

    def __init__(self, a, deadline=None):
        super().__init__(dtype=a.dtype, shape=a.shape)
        self.a = a
        self.matvecs = 0
        self.deadline = deadline

    def _check(self):
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise BenchTimeout

    def _matvec(self, x):
        self._check()
        self.matvecs += 1
        return self.a @ x

    def _matmat(self, x):
        self._check()
        self.matvecs += x.shape[1]
        return self.a @ x

    def _adjoint(self):
        return self


@dataclass
class Answer:
    """What a contender returns: ascending eigenvalues, vectors, matvecs,
    and a note ('' when fine, else e.g. 'timeout', 'no conv', 'n/a')."""
    w: np.ndarray = None
    v: np.ndarray = None
    matvecs: int = 0
    note: str = ""


# ---------------------------------------------------------------------------
# Matrices

def laplacian_2d(m):
    """5-point Laplacian of an m x m grid (Dirichlet): eigenvalues
    4 - 2cos(i pi/(m+1)) - 2cos(j pi/(m+1)), many of them double."""
    t = sp.diags([-np.ones(m - 1), 2 * np.ones(m), -np.ones(m - 1)], [-1, 0, 1])
    i = sp.eye(m)
    return (sp.kron(i, t) + sp.kron(t, i)).tocsr()


def random_symmetric(n, density, seed=0):
    """(R + R^T) / 2 with R uniform [0, 1) entries at the given density."""
    r = sp.random(n, n, density=density, format="csr", random_state=np.random.default_rng(seed))
    return ((r + r.T) * 0.5).tocsr()


def knn_normalized_adjacency(npoints, clusters=8, dim=16, neighbours=10, seed=0):
    """D^-1/2 W D^-1/2 of the symmetrized ``neighbours``-nearest-neighbour
    graph (cKDTree) of points drawn from ``clusters`` Gaussian blobs."""
    from scipy.spatial import cKDTree
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim)) * 4.0
    labels = rng.integers(0, clusters, npoints)
    x = centres[labels] + rng.standard_normal((npoints, dim))
    _, idx = cKDTree(x).query(x, k=neighbours + 1)
    rows = np.repeat(np.arange(npoints), neighbours)
    cols = idx[:, 1:].ravel()
    w = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(npoints, npoints))
    w = w.maximum(w.T).tocsr()
    d = 1.0 / np.sqrt(np.asarray(w.sum(axis=1)).ravel())
    return (sp.diags(d) @ w @ sp.diags(d)).tocsr()


@dataclass(frozen=True)
class SparseMatrixSpec:
    name: str
    build: Callable       # () -> sparse matrix (full size)
    build_quick: Callable  # () -> sparse matrix (quick)
    description: str = ""


MATRICES = {
    "laplacian": SparseMatrixSpec(
        "laplacian", lambda: laplacian_2d(300), lambda: laplacian_2d(60),
        "2-D Laplacian, 300x300 grid (quick: 60x60)"),
    "random": SparseMatrixSpec(
        "random", lambda: random_symmetric(100000, 1e-4), lambda: random_symmetric(10000, 1e-3),
        "random sparse symmetric, n=100000, density 1e-4 (quick: 10000, 1e-3)"),
    "knn": SparseMatrixSpec(
        "knn", lambda: knn_normalized_adjacency(20000), lambda: knn_normalized_adjacency(3000),
        "normalized adjacency of a 10-NN graph, 20000 points in 8 blobs (quick: 3000)"),
}


def sparse_matrix(name, quick=False):
    spec = MATRICES[name]
    return spec.build_quick() if quick else spec.build()


def norm_estimate(a, steps=60, seed=1):
    """||A||_2 from below: ``steps`` power iterations from a fixed random
    vector (within a few per cent on these matrices)."""
    x = np.random.default_rng(seed).standard_normal(a.shape[0])
    est = 0.0
    for _ in range(steps):
        y = a @ x
        est = np.linalg.norm(y) / np.linalg.norm(x)
        x = y / np.linalg.norm(y)
    return est


# ---------------------------------------------------------------------------
# Contenders: run(a, which, k, tol, time_limit) -> Answer

def _guarded(solve):
    def run(a, which, k=K, tol=TOL, time_limit=TIME_LIMIT):
        op = CountingOperator(a, None if time_limit is None else time.perf_counter() + time_limit)
        try:
            ans = solve(op, which, k, tol)
        except BenchTimeout:
            return Answer(matvecs=op.matvecs, note=f"timeout>{time_limit:g}s")
        except sla.ArpackNoConvergence:
            return Answer(matvecs=op.matvecs, note="no conv")
        if ans.note == "n/a":
            return ans
        order = np.argsort(ans.w)
        ans.w, ans.v = ans.w[order], ans.v[:, order]
        ans.matvecs = op.matvecs
        return ans
    return run


def _eigkit(op, which, k, tol):
    w, v, info = sparse.eigsh(op, k=k, which=which, tol=tol, rng=0, maxiter=EIGKIT_MAXITER,
                              return_info=True)
    ans = Answer(w, v)
    ans.info_matvecs = info.matvecs
    return ans


def _arpack(op, which, k, tol):
    v0 = np.random.default_rng(2).standard_normal(op.shape[0])
    w, v = sla.eigsh(op, k=k, which=which, tol=tol, v0=v0, maxiter=ARPACK_MAXITER)
    return Answer(w, v)


def _lobpcg(op, which, k, tol):
    if which not in ("LA", "SA"):
        return Answer(note="n/a")
    x0 = np.random.default_rng(3).standard_normal((op.shape[0], k))
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        w, v = sla.lobpcg(op, x0, tol=tol, maxiter=LOBPCG_MAXITER, largest=(which == "LA"))
    nc = any("not reach" in str(c.message) or "converge" in str(c.message).lower()
             for c in caught)
    return Answer(np.asarray(w), np.asarray(v), note="no conv" if nc else "")


@dataclass(frozen=True)
class SparseContender:
    name: str
    run: Callable


CONTENDERS = (
    SparseContender("eigkit", _guarded(_eigkit)),
    SparseContender("scipy-arpack", _guarded(_arpack)),
    SparseContender("scipy-lobpcg", _guarded(_lobpcg)),
)


# ---------------------------------------------------------------------------
# Accuracy

def max_relative_residual(a, answer, anorm):
    """max over returned pairs of ||A x - lambda x|| / (||A||est ||x||)."""
    if answer.w is None:
        return float("nan")
    r = a @ answer.v - answer.v * answer.w
    return float((np.linalg.norm(r, axis=0) / (anorm * np.linalg.norm(answer.v, axis=0))).max())


def value_disagreement(w, ref, anorm):
    """max |w - w_ref| / ||A||est (both ascending, same length), nan if
    either is missing."""
    if w is None or ref is None or len(w) != len(ref):
        return float("nan")
    return float(np.abs(np.asarray(w) - np.asarray(ref)).max() / anorm)


@dataclass
class SparseCase:
    matrix: str
    which: str
    contenders: tuple = field(default=CONTENDERS)


SPARSE_CASES = [SparseCase(m, w) for m in MATRICES for w in WHICHES]
