"""The sparse benchmark cases: a few eigenpairs at one end of the
spectrum of large sparse matrices, eigkit.eigsh against SciPy's ARPACK
(``scipy.sparse.linalg.eigsh``) and LOBPCG (``scipy.sparse.linalg.lobpcg``).

SciPy's solvers see the matrix through :class:`CountingOperator`, which
counts the columns it is applied to (the matvec count) and enforces a
per-call time limit; they wrap a matrix in a LinearOperator of their own
anyway, so the wrapper costs them nothing measurable.  eigkit.eigsh is
given the matrix itself, as a user passes it (the products of a CSR matrix
then run in C), counts its own matvecs (its info record) and checks the
time limit at every restart through its callback.  svds is timed through
the counting wrapper for every contender (A and A^H applications both count) against
``scipy.sparse.linalg.svds`` with ``solver='arpack'`` and ``'lobpcg'``.
Matrices are built with fixed seeds from their order n, so a run over
several sizes shows how each solver scales.
"""
import functools
import inspect
import time
import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as sla
from scipy.sparse.linalg import LinearOperator

from .. import sparse
from .suite import Contender, Problem, Suite

K = 10
TOL = 1e-8
WHICHES = ("LA", "SA", "LM")
QUICK_WHICHES = ("LA",)
TIME_LIMIT = 120.0   # seconds per contender call
ARPACK_MAXITER = 100000   # restarts; the time limit is the real bound
LOBPCG_MAXITER = 20000
EIGKIT_MAXITER = 100000


class BenchTimeout(Exception):
    """Raised from inside the operator when a call exceeds its time limit."""


class CountingOperator(LinearOperator):
    """A wraps the matrix; counts the columns it and its adjoint are applied
    to; raises :class:`BenchTimeout` once ``deadline`` (perf_counter) has
    passed."""

    def __init__(self, a, deadline=None):
        super().__init__(dtype=a.dtype, shape=a.shape)
        self.a = a
        self.matvecs = 0
        self.deadline = deadline

    def _apply(self, m, x):
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise BenchTimeout
        self.matvecs += 1 if x.ndim == 1 else x.shape[1]
        return m @ x

    def _matvec(self, x):
        return self._apply(self.a, x)

    def _matmat(self, x):
        return self._apply(self.a, x)

    def _rmatvec(self, x):
        return self._apply(self.a.conj().T, x)

    def _rmatmat(self, x):
        return self._apply(self.a.conj().T, x)


@dataclass
class Answer:
    """What a contender returns: ascending eigenvalues (or singular values)
    ``w``, their vectors ``v`` (right singular vectors for svds) and ``u``
    (left singular vectors, svds only), the matvec count, and a note (''
    when fine, else e.g. 'timeout', 'no conv', 'n/a')."""
    w: np.ndarray = None
    v: np.ndarray = None
    u: np.ndarray = None
    matvecs: int = 0
    note: str = ""

    def sort(self):
        order = np.argsort(self.w)
        self.w, self.v = self.w[order], self.v[:, order]
        if self.u is not None:
            self.u = self.u[:, order]


# ---------------------------------------------------------------------------
# Matrices, built from their order n

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


def term_document(n, per_row=10, seed=0):
    """An n x n/2 sparse matrix with about ``per_row`` uniform entries per
    row and column j scaled by (j+1)^-1/2: a slowly decaying spectrum, as
    in term-document counts."""
    cols = max(2, n // 2)
    rng = np.random.default_rng(seed)
    r = sp.random(n, cols, density=min(1.0, per_row / cols), format="csr", random_state=rng)
    return (r @ sp.diags(1.0 / np.sqrt(np.arange(1, cols + 1)))).tocsr()


def _grid_side(n):
    return max(3, round(n ** 0.5))


@dataclass(frozen=True)
class SparseMatrixSpec:
    name: str
    build: Callable   # n -> sparse matrix
    order: Callable   # requested n -> the matrix's number of rows
    description: str = ""


MATRICES = {
    "laplacian": SparseMatrixSpec(
        "laplacian", lambda n: laplacian_2d(_grid_side(n)), lambda n: _grid_side(n) ** 2,
        "2-D 5-point Laplacian on a sqrt(n) x sqrt(n) grid"),
    "random": SparseMatrixSpec(
        "random", lambda n: random_symmetric(n, min(1.0, 10.0 / n)), lambda n: n,
        "random sparse symmetric, about 10 entries per row"),
    "knn": SparseMatrixSpec(
        "knn", knn_normalized_adjacency, lambda n: n,
        "normalized adjacency of the 10-NN graph of n points in 8 Gaussian blobs"),
}

SVD_MATRICES = {
    "termdoc": SparseMatrixSpec(
        "termdoc", term_document, lambda n: n,
        "n x n/2 sparse, about 10 entries per row, columns scaled by (j+1)^-1/2"),
}


@dataclass(frozen=True)
class SparseData:
    a: object
    anorm: float


@functools.lru_cache(maxsize=1)   # the problems on one matrix run one after another
def sparse_data(family, name, n):
    """The matrix ``name`` of ``family`` ('eigsh' or 'svds') at order n,
    with its norm estimate."""
    spec = (MATRICES if family == "eigsh" else SVD_MATRICES)[name]
    a = spec.build(n)
    return SparseData(a, norm_estimate(a))


def norm_estimate(a, steps=60, seed=1):
    """||A||_2 from below: ``steps`` power iterations on A (A^H A when A is
    not square) from a fixed random vector (within a few per cent on these
    matrices)."""
    square = a.shape[0] == a.shape[1]
    x = np.random.default_rng(seed).standard_normal(a.shape[1])
    est = 0.0
    for _ in range(steps):
        y = a @ x if square else a.conj().T @ (a @ x)
        est = np.linalg.norm(y) / np.linalg.norm(x)
        x = y / np.linalg.norm(y)
    return est if square else est ** 0.5


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
        ans.sort()
        ans.matvecs = op.matvecs
        return ans
    return run


def _lobpcg_converged(caught):
    return not any("not reach" in str(c.message) or "converge" in str(c.message).lower()
                   for c in caught)


def _eigkit(a, which, k=K, tol=TOL, time_limit=TIME_LIMIT):
    deadline = None if time_limit is None else time.perf_counter() + time_limit

    def stop_at_deadline(iteration, values, residuals):
        if deadline is not None and time.perf_counter() > deadline:
            raise BenchTimeout
    try:
        w, v, info = sparse.eigsh(a, k=k, which=which, tol=tol, rng=0, maxiter=EIGKIT_MAXITER,
                                  callback=stop_at_deadline, return_info=True)
    except BenchTimeout:
        return Answer(note=f"timeout>{time_limit:g}s")
    except sparse.LanczosNoConvergence as exc:
        return Answer(matvecs=exc.info.matvecs, note="no conv")
    ans = Answer(w, v, matvecs=info.matvecs)
    ans.sort()
    return ans


def _arpack(op, which, k, tol):
    v0 = np.random.default_rng(2).standard_normal(op.shape[0])
    w, v = sla.eigsh(op, k=k, which=which, tol=tol, v0=v0, maxiter=ARPACK_MAXITER)
    return Answer(w, v)


def _lobpcg(op, which, k, tol):
    if which not in ("LA", "SA"):
        return Answer(note="n/a")
    x0 = np.random.default_rng(3).standard_normal((op.shape[0], k))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        w, v = sla.lobpcg(op, x0, tol=tol, maxiter=LOBPCG_MAXITER, largest=(which == "LA"))
    return Answer(np.asarray(w), np.asarray(v), note="" if _lobpcg_converged(caught) else "no conv")


def _eigkit_svds(op, which, k, tol):
    u, s, vh = sparse.svds(op, k=k, which=which, tol=tol, rng=0)
    return Answer(s, vh.conj().T, u)


# SciPy 1.15 renamed svds's random_state to rng
_SVDS_SEED = "rng" if "rng" in inspect.signature(sla.svds).parameters else "random_state"


def _scipy_svds(solver):
    def solve(op, which, k, tol):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            u, s, vh = sla.svds(op, k=k, which=which, tol=tol, solver=solver,
                                **{_SVDS_SEED: np.random.default_rng(2)})
        note = "" if solver != "lobpcg" or _lobpcg_converged(caught) else "no conv"
        return Answer(s, vh.conj().T, u, note=note)
    return solve


def _primme(op, which, k, tol):
    """PRIMME (Stathopoulos & McCombs), when installed: its default method
    (dynamic switching between GD+k and JDQMR), the same tolerance on
    ||A x - lambda x|| relative to ||A||, a random start from the same
    stream as ARPACK's."""
    import primme
    v0 = np.random.default_rng(2).standard_normal((op.shape[0], 1))
    w, v = primme.eigsh(op, k=k, which=which, tol=tol, v0=v0)
    return Answer(w, v)


def _primme_available():
    try:
        import primme  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class SparseContender:
    name: str
    run: Callable


CONTENDERS = (
    SparseContender("eigkit", _eigkit),
    SparseContender("scipy-arpack", _guarded(_arpack)),
    SparseContender("scipy-lobpcg", _guarded(_lobpcg)),
) + ((SparseContender("primme", _guarded(_primme)),) if _primme_available() else ())

SVD_CONTENDERS = (
    SparseContender("eigkit", _guarded(_eigkit_svds)),
    SparseContender("scipy-arpack", _guarded(_scipy_svds("arpack"))),
    SparseContender("scipy-lobpcg", _guarded(_scipy_svds("lobpcg"))),
)


# ---------------------------------------------------------------------------
# Accuracy

def max_relative_residual(a, answer, anorm):
    """max over returned pairs of ||A x - lambda x|| / (||A||est ||x||);
    for singular triplets, the larger of ||A v - s u|| and ||A^H u - s v||."""
    if answer.w is None:
        return float("nan")
    if answer.u is None:
        r = np.linalg.norm(a @ answer.v - answer.v * answer.w, axis=0)
        return float((r / (anorm * np.linalg.norm(answer.v, axis=0))).max())
    right = np.linalg.norm(a @ answer.v - answer.u * answer.w, axis=0)
    left = np.linalg.norm(a.conj().T @ answer.u - answer.v * answer.w, axis=0)
    return float(np.maximum(right, left).max() / anorm)


def value_disagreement(w, ref, anorm):
    """``max |w - w_ref| / ||A||est`` (both ascending, same length), nan if
    either is missing."""
    if w is None or ref is None or len(w) != len(ref):
        return float("nan")
    return float(np.abs(np.asarray(w) - np.asarray(ref)).max() / anorm)


AGREEMENT_REFERENCES = ("scipy-arpack", "eigkit")


def _accuracy(data, answer):
    return max_relative_residual(data.a, answer, data.anorm)


def _agreement(data, answers):
    """Each contender's values against ARPACK's and against eigkit's."""
    return {name: {ref: value_disagreement(ans.w, answers[ref].w if ref in answers else None,
                                           data.anorm)
                   for ref in AGREEMENT_REFERENCES}
            for name, ans in answers.items()}


def _matvecs(answer):
    return answer.matvecs


def _bound(run, which, time_limit, data):
    return run(data.a, which, time_limit=time_limit)


def _problem(case, n, setup, contenders, which, time_limit):
    return Problem(
        case=case, n=n, setup=setup,
        contenders=tuple(Contender(c.name, functools.partial(_bound, c.run, which, time_limit))
                         for c in contenders),
        accuracy=_accuracy, accuracy_label="max residual / ||A||", accuracy_limit=100 * TOL,
        agreement=_agreement, agreement_label="max |w - w_ref| / ||A||",
        work=_matvecs, work_label="matvecs")


def eigsh_problem(name, n, which, time_limit=TIME_LIMIT):
    """eigsh (k = :data:`K`, ``which``) on the matrix ``name`` of
    :data:`MATRICES` built for order n, every contender of
    :data:`CONTENDERS`; the case is called '<name>-<which>'."""
    setup = functools.partial(sparse_data, "eigsh", name, n)
    return _problem(f"{name}-{which}", MATRICES[name].order(n), setup, CONTENDERS, which,
                    time_limit)


def svds_problem(name, n, time_limit=TIME_LIMIT):
    """svds (the k = :data:`K` largest) on the matrix ``name`` of
    :data:`SVD_MATRICES` with n rows, every contender of
    :data:`SVD_CONTENDERS`; the case is called 'svds-<name>'."""
    setup = functools.partial(sparse_data, "svds", name, n)
    return _problem(f"svds-{name}", SVD_MATRICES[name].order(n), setup, SVD_CONTENDERS, "LM",
                    time_limit)


def check_which(which, quick=False):
    """The ``which`` values to run: ``which`` (validated) or the default
    (LA, SA, LM; LA when quick)."""
    whiches = tuple(which) if which else (QUICK_WHICHES if quick else WHICHES)
    bad = [w for w in whiches if w not in WHICHES]
    if bad:
        raise ValueError(f"unknown which {bad}; choose from {list(WHICHES)}")
    return whiches


def problems(sizes, quick=False, which=None, time_limit=TIME_LIMIT, **options):
    """The sparse problems at every order in ``sizes``: eigsh on each
    matrix of :data:`MATRICES` for each ``which`` (default LA, SA, LM;
    LA when quick), and svds (k largest) on each of :data:`SVD_MATRICES`."""
    whiches = check_which(which, quick)
    out = []
    for n in sizes:
        for name in MATRICES:
            out += [eigsh_problem(name, n, w, time_limit) for w in whiches]
        out += [svds_problem(name, n, time_limit) for name in SVD_MATRICES]
    return out


SUITE = Suite(
    name="sparse",
    description=f"eigsh (k = {K}, tol = {TOL:g}) and svds against SciPy's ARPACK and LOBPCG, "
                "with matvec counts",
    problems=problems,
    sizes=(5000, 20000, 80000),
    quick_sizes=(2000,),
    repeat=5,
    quick_repeat=5,
    notes=("matvecs are operator columns applied (A and A^H both count), counted by a "
           "wrapping LinearOperator (eigkit, given the matrix itself, counts its own)",
           "eigkit solves a matrix whose graph has several connected components (the knn "
           "case) one component at a time; a product with a component counts as its share "
           "of the stored entries",
           "accuracy = max ||Ax - lambda x|| / ||A||est over the returned pairs "
           "(svds: the larger of ||Av - su||, ||A^H u - sv||); below 1e-6 passes",
           "dw/<ref> = max |lambda - lambda_ref| / ||A||est",
           f"each call is stopped after {TIME_LIMIT:g} s (--time-limit); calls whose "
           "warm-up took over 30 s are timed once, calls over a few seconds in fewer rounds"),
)
