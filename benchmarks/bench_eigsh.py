"""eigkit.eigsh against scipy.sparse.linalg.eigsh (ARPACK) on the 2-D
Laplacian of an m x m grid (clustered spectrum with many double
eigenvalues): time, operator applications (matvecs, counted per vector)
and the largest error of the returned eigenvalues against the exact ones.

Usage: PYTHONPATH=src python3 benchmarks/bench_eigsh.py [m] [which,...] [--threads N]
Defaults: m = 150, which = SA,LA, k = 10, tol = 1e-8, one BLAS thread for
both (on a shared machine, BLAS threads only contend; pass --threads to
change).  One run each: ARPACK with v0 = ones, eigkit with rng = 0."""
import sys
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as sl

import eigkit


def laplacian_2d(m):
    t = sp.diags([-np.ones(m - 1), 2 * np.ones(m), -np.ones(m - 1)], [-1, 0, 1])
    i = sp.eye(m)
    return (sp.kron(i, t) + sp.kron(t, i)).tocsr()


def exact(m):
    lam = 2 - 2 * np.cos(np.arange(1, m + 1) * np.pi / (m + 1))
    return np.sort((lam[:, None] + lam[None, :]).ravel())


def main(argv):
    threads = 1
    if "--threads" in argv:
        i = argv.index("--threads")
        threads = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    m = int(argv[0]) if argv else 150
    whiches = argv[1].split(",") if len(argv) > 1 else ["SA", "LA"]
    k, tol = 10, 1e-8
    A = laplacian_2d(m)
    n = A.shape[0]
    ex = exact(m)
    count = [0]

    def mv(x):
        count[0] += 1
        return A @ x

    def mm(X):
        count[0] += X.shape[1]
        return A @ X

    op = sl.LinearOperator(A.shape, matvec=mv, matmat=mm, dtype=float)
    try:
        from threadpoolctl import threadpool_limits
        limit = threadpool_limits(threads)
    except ImportError:  # pragma: no cover
        limit = None
    print(f"2-D Laplacian {m}x{m} (n = {n}), k = {k}, tol = {tol}, BLAS threads = {threads}")
    print(f"{'which':5} {'solver':7} {'time s':>8} {'matvecs':>8} {'max err':>9}")
    for which in whiches:
        want = ex[:k] if which == "SA" else ex[-k:]
        for name in ("arpack", "eigkit"):
            count[0] = 0
            t = time.perf_counter()
            if name == "arpack":
                w = np.sort(sl.eigsh(op, k=k, which=which, tol=tol, v0=np.ones(n))[0])
            else:
                w = eigkit.eigsh(op, k=k, which=which, tol=tol, rng=0)[0]
            dt = time.perf_counter() - t
            print(f"{which:5} {name:7} {dt:8.2f} {count[0]:8d} {np.abs(w - want).max():9.1e}",
                  flush=True)
    if limit is not None:
        limit.restore_original_limits()


if __name__ == "__main__":
    main(sys.argv[1:])
