"""svds of dense arrays, long and narrow to square: eigkit.svds (which
forms the Gram matrix of a long, narrow array once) against SciPy's
ARPACK svds, k = 10, same BLAS and thread count.

    python benchmarks/bench_svds_dense.py [--rounds R]
    python -m pytest benchmarks/bench_svds_dense.py --benchmark-group-by=param:shape

The script prints, per shape, the median wall time of R interleaved
rounds (default 5, after one warm-up) of each solver, eigkit's over
SciPy's, and the largest relative difference of the singular values.
"""
import argparse
import time

import numpy as np
import pytest
import scipy.sparse.linalg as sla

import eigkit

K = 10
SHAPES = [(200000, 50), (100000, 150), (20000, 300), (20000, 500), (2000, 500), (1000, 700)]


def dense_matrix(shape, seed=0):
    """A dense matrix with a decaying spectrum (columns scaled by j^-1/2)."""
    m, n = shape
    return np.random.default_rng(seed).standard_normal((m, n)) / np.sqrt(np.arange(1, n + 1))


SOLVERS = {
    "eigkit": lambda a: eigkit.svds(a, k=K, return_singular_vectors=False),
    "scipy": lambda a: sla.svds(a, k=K, return_singular_vectors=False),
}


@pytest.mark.parametrize("shape", SHAPES[:4], ids=[f"{m}x{n}" for m, n in SHAPES[:4]])
@pytest.mark.parametrize("solver", list(SOLVERS))
def test_svds_dense(benchmark, shape, solver):
    a = dense_matrix(shape)
    s = benchmark(SOLVERS[solver], a)
    exact = np.linalg.svd(a, compute_uv=False)[:K]
    np.testing.assert_allclose(np.sort(s)[::-1], exact, rtol=1e-8)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"svds k = {K}, medians of {args.rounds} interleaved rounds (wall seconds)")
    for shape in SHAPES:
        a = dense_matrix(shape)
        times = {name: [] for name in SOLVERS}
        values = {name: solve(a) for name, solve in SOLVERS.items()}
        for _ in range(args.rounds):
            for name, solve in SOLVERS.items():
                start = time.perf_counter()
                solve(a)
                times[name].append(time.perf_counter() - start)
        med = {name: float(np.median(t)) for name, t in times.items()}
        diff = float(np.max(np.abs(np.sort(values["eigkit"]) - np.sort(values["scipy"])))
                     / np.max(values["scipy"]))
        print(f"{shape[0]:>7} x {shape[1]:<4} eigkit {med['eigkit']:8.4f}  scipy "
              f"{med['scipy']:8.4f}  eigkit / scipy {med['eigkit'] / med['scipy']:5.2f}  "
              f"max rel. difference {diff:.1e}")


if __name__ == "__main__":
    main()
