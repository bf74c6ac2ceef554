"""eigkit.lobpcg against scipy.sparse.linalg.lobpcg with the same
preconditioner, and against eigkit.eigsh and ARPACK without one.

Usage: PYTHONPATH=src python3 benchmarks/bench_lobpcg.py [--grid M] [--points N]
       [--rounds R] [--warmup W] [--cases poisson,generalized,embedding]
       [--rows WORD,...]

Cases (10 smallest eigenpairs unless said otherwise):

- ``poisson``: the 7-point 3-D Poisson matrix on an M^3 grid (default
  M = 46, n = 97336; M = 100 gives n = 1e6): LOBPCG without
  preconditioner, with Jacobi and with pyamg's smoothed aggregation
  (eigkit and SciPy, same start block, tolerance and preconditioner:
  eigkit is given the hierarchy, which it applies as one V-cycle per
  block, SciPy ``ml.aspreconditioner()``, the same operator, one V-cycle
  per vector), and eigkit.eigsh / ARPACK (which='SA') without one, at
  tolerances giving the same relative residual (ARPACK's tol is relative
  to the eigenvalue, eigkit's to the largest one).
- ``generalized``: the same grid's linear finite-element stiffness K and
  mass matrix B, K x = lambda B x, LOBPCG with pyamg on K (given as for
  ``poisson``).
- ``embedding``: SpectralEmbedding(eigen_solver='amg') on the 10-NN graph
  of N points (default 100000) drawn from a 10-D standard normal
  distribution, eigkit against scikit-learn.

For each solver: the median wall and process CPU time of R interleaved
rounds (default 3) after W untimed ones (default 0), the
products with A (columns), the iterations where the solver reports them,
and the largest relative residual ||A x - lambda B x|| / |lambda| of the
returned pairs; under each pair, eigkit's times over the other's.
``--rows pyamg,eigsh`` keeps the rows whose name contains one of the
words.  The load average is printed first: for CPU times that mean
something, limit the BLAS to one thread (OPENBLAS_NUM_THREADS=1,
EIGKIT_NUM_THREADS=1).  Under pytest (pytest-benchmark) a small grid runs.
"""
import argparse
import os
import time
import warnings

import numpy as np
import scipy.sparse as sp

K = 10
TOL = 1e-6        # relative residual asked of every solver
MAXITER = 2000


def poisson3d(m):
    t = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(m, m), format="csr")
    i = sp.identity(m, format="csr")
    return sp.csr_array(sp.kron(sp.kron(t, i), i) + sp.kron(sp.kron(i, t), i)
                        + sp.kron(sp.kron(i, i), t))


def fem3d(m):
    """Linear finite elements on the unit cube: stiffness K, mass B."""
    h = 1.0 / (m + 1)
    k1 = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(m, m)) / h
    m1 = sp.diags([1.0, 4.0, 1.0], [-1, 0, 1], shape=(m, m)) * (h / 6)
    stiff = (sp.kron(sp.kron(k1, m1), m1) + sp.kron(sp.kron(m1, k1), m1)
             + sp.kron(sp.kron(m1, m1), k1))
    return sp.csr_array(stiff), sp.csr_array(sp.kron(sp.kron(m1, m1), m1))


class Counted:
    """A sparse matrix as a callable on blocks, counting product columns."""

    def __init__(self, a):
        self.a, self.columns = a, 0

    def __call__(self, x):
        self.columns += 1 if x.ndim == 1 else x.shape[1]
        return self.a @ x


def amg(a):
    """pyamg's smoothed-aggregation hierarchy of a, default settings."""
    from pyamg import smoothed_aggregation_solver
    return smoothed_aggregation_solver(sp.csr_matrix(a))


def relative_residual(a, b, w, v):
    bv = v if b is None else b @ v
    return float(np.max(np.linalg.norm(a @ v - bv * w, axis=0) / np.abs(w)))


def lobpcg_runner(fn, a, b, m, x, tol):
    def run():
        op = Counted(a)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            w, v, hist = fn(op, x, B=b, M=m, tol=tol, largest=False, maxiter=MAXITER,
                            retResidualNormsHistory=True)
        return w, v, op.columns, len(hist) - 2
    return run


def eigsh_runner(fn, a, tol):
    def run():
        op = Counted(a)
        lin = sp.linalg.LinearOperator(a.shape, matvec=op, matmat=op, dtype=a.dtype)
        w, v = fn(lin, k=K, which="SA", tol=tol)
        return w, v, op.columns, None
    return run


def poisson_extremes(m):
    """The smallest and largest eigenvalues of the M^3 7-point Poisson matrix."""
    return (12 * np.sin(np.pi / (2 * (m + 1))) ** 2, 12 * np.cos(np.pi / (2 * (m + 1))) ** 2)


def poisson_contenders(m):
    import scipy.sparse.linalg as ssl

    import eigkit
    a = poisson3d(m)
    n = a.shape[0]
    x = np.random.default_rng(0).standard_normal((n, K))
    low, high = poisson_extremes(m)
    tol = TOL * low     # absolute: TOL times the smallest eigenvalue
    out = {}
    precs = {}
    try:
        ml = amg(a)
        precs["pyamg"] = (ml, ml.aspreconditioner())
    except ImportError:
        pass
    jacobi = sp.diags(1 / a.diagonal())
    precs.update({"jacobi": (jacobi, jacobi), "none": (None, None)})
    for name, (ours, theirs) in precs.items():
        out[f"eigkit.lobpcg {name}"] = lobpcg_runner(eigkit.lobpcg, a, None, ours, x, tol)
        out[f"scipy.lobpcg {name}"] = lobpcg_runner(ssl.lobpcg, a, None, theirs, x, tol)
    out[f"eigkit.eigsh tol {TOL * low / high:.1e}"] = eigsh_runner(eigkit.eigsh, a,
                                                                  TOL * low / high)
    out[f"ARPACK eigsh tol {TOL:.0e}"] = eigsh_runner(ssl.eigsh, a, TOL)
    return a, None, out


def generalized_contenders(m):
    import scipy.sparse.linalg as ssl

    import eigkit
    a, b = fem3d(m)
    x = np.random.default_rng(0).standard_normal((a.shape[0], K))
    tol = TOL * 3 * np.pi ** 2 * 1e-2
    ml = amg(a)
    return a, b, {"eigkit.lobpcg pyamg": lobpcg_runner(eigkit.lobpcg, a, b, ml, x, tol),
                  "scipy.lobpcg pyamg": lobpcg_runner(ssl.lobpcg, a, b, ml.aspreconditioner(),
                                                      x, tol)}


def embedding_contenders(npoints):
    from sklearn.manifold import SpectralEmbedding as SkEmbedding
    from sklearn.neighbors import kneighbors_graph

    from eigkit import SpectralEmbedding
    X = np.random.default_rng(0).standard_normal((npoints, 10))   # a connected graph
    graph = kneighbors_graph(X, 10, include_self=True)
    affinity = 0.5 * (graph + graph.T)

    def fit(cls):
        def run():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                emb = cls(n_components=K, affinity="precomputed", eigen_solver="amg",
                          random_state=0).fit_transform(affinity)
            return emb
        return run
    return affinity, {"eigkit SpectralEmbedding amg": fit(SpectralEmbedding),
                      "sklearn SpectralEmbedding amg": fit(SkEmbedding)}


def embedding_quality(affinity, emb):
    """Largest relative residual of the embedding's columns as eigenvectors
    of the normalized Laplacian (recovered as D^1/2 u)."""
    from scipy.sparse.csgraph import laplacian
    lap, dd = laplacian(sp.csr_array(affinity), normed=True, return_diag=True)
    v = emb * dd[:, None]
    v /= np.linalg.norm(v, axis=0)
    w = np.einsum("ij,ij->j", v, lap @ v)
    return float(np.max(np.linalg.norm(lap @ v - v * w, axis=0) / np.abs(w)))


def run_rounds(contenders, rounds, warmup=0):
    """Median wall and process CPU seconds of interleaved rounds after
    ``warmup`` untimed ones, and each contender's last result."""
    for _ in range(warmup):
        for fn in contenders.values():
            fn()
    times = {name: [] for name in contenders}
    cpu = {name: [] for name in contenders}
    last = {}
    for _ in range(rounds):
        for name, fn in contenders.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            last[name] = fn()
            times[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    med = {name: (float(np.median(times[name])), float(np.median(cpu[name])))
           for name in contenders}
    return med, last


def print_ratio(med, ours, theirs):
    print(f"{'  ratio (eigkit / other)':32s} {med[ours][0] / med[theirs][0]:8.3f} "
          f"{med[ours][1] / med[theirs][1]:8.3f}", flush=True)


def print_solver_table(title, a, b, contenders, rounds, warmup):
    """One row per pair of contenders (eigkit, then the other), each printed
    as soon as its rounds are done, and the pair's ratio of times."""
    print(f"\n{title}")
    print(f"{'solver':32s} {'wall s':>8s} {'cpu s':>8s} {'A cols':>8s} {'iters':>6s} "
          f"{'max rel res':>12s}", flush=True)
    names = list(contenders)
    for pair in zip(names[::2], names[1::2]):
        med, last = run_rounds({name: contenders[name] for name in pair}, rounds, warmup)
        for name in pair:
            w, v, cols, iters = last[name]
            print(f"{name:32s} {med[name][0]:8.3f} {med[name][1]:8.3f} {cols:8d} "
                  f"{str(iters or '-'):>6s} {relative_residual(a, b, w, v):12.2e}", flush=True)
        print_ratio(med, *pair)


def selected(contenders, words):
    """The contenders whose name contains one of ``words`` (all without)."""
    if not words:
        return contenders
    return {name: fn for name, fn in contenders.items() if any(w in name for w in words)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--grid", type=int, default=46)
    parser.add_argument("--points", type=int, default=100000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=0)
    parser.add_argument("--cases", default="poisson,generalized,embedding")
    parser.add_argument("--rows", default="")
    args = parser.parse_args()
    cases = args.cases.split(",")
    words = [w for w in args.rows.split(",") if w]
    m = args.grid
    print("load average %.2f %.2f %.2f; OPENBLAS_NUM_THREADS=%s EIGKIT_NUM_THREADS=%s"
          % (*os.getloadavg(), os.environ.get("OPENBLAS_NUM_THREADS", "-"),
             os.environ.get("EIGKIT_NUM_THREADS", "-")))
    if "poisson" in cases:
        a, b, c = poisson_contenders(m)
        print_solver_table(f"3-D Poisson, n = {m ** 3}, {K} smallest", a, b, selected(c, words),
                           args.rounds, args.warmup)
    if "generalized" in cases:
        a, b, c = generalized_contenders(m)
        print_solver_table(f"3-D FEM K x = lambda B x, n = {m ** 3}, {K} smallest", a, b,
                           selected(c, words), args.rounds, args.warmup)
    if "embedding" in cases:
        affinity, c = embedding_contenders(args.points)
        med, last = run_rounds(c, args.rounds, args.warmup)
        print(f"\nSpectralEmbedding(eigen_solver='amg'), {args.points} points, {K} components")
        for name in c:
            print(f"{name:32s} {med[name][0]:8.3f} s wall {med[name][1]:8.3f} s cpu  max rel res "
                  f"{embedding_quality(affinity, last[name]):.2e}")
        print_ratio(med, *c)
    print("load average %.2f %.2f %.2f" % os.getloadavg())


# ---------------------------------------------------------------------------
# pytest-benchmark: a small grid

def test_poisson_eigkit_lobpcg(benchmark):
    import eigkit
    a = poisson3d(16)
    x = np.random.default_rng(0).standard_normal((a.shape[0], K))
    w, v, _, _ = benchmark(lobpcg_runner(eigkit.lobpcg, a, None, sp.diags(1 / a.diagonal()),
                                         x, 1e-6))
    assert relative_residual(a, None, w, v) < 1e-3


def test_poisson_eigkit_lobpcg_pyamg(benchmark):
    import pytest
    pytest.importorskip("pyamg")
    import eigkit
    a = poisson3d(16)
    x = np.random.default_rng(0).standard_normal((a.shape[0], K))
    w, v, _, _ = benchmark(lobpcg_runner(eigkit.lobpcg, a, None, amg(a), x, 1e-6))
    assert relative_residual(a, None, w, v) < 1e-3


def test_poisson_scipy_lobpcg(benchmark):
    import scipy.sparse.linalg as ssl
    a = poisson3d(16)
    x = np.random.default_rng(0).standard_normal((a.shape[0], K))
    benchmark(lobpcg_runner(ssl.lobpcg, a, None, sp.diags(1 / a.diagonal()), x, 1e-6))


if __name__ == "__main__":
    main()
