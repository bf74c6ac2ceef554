"""Developer-facing sparse benchmarks (pytest-benchmark), on the same case
definitions as ``python -m eigkit --suite sparse`` (eigkit.bench.sparse_cases):
eigkit.eigsh, scipy.sparse.linalg.eigsh (ARPACK) and lobpcg, k = 10,
tol = 1e-8, which LA / SA / LM, on the 2-D Laplacian, a random sparse
symmetric matrix and the normalized adjacency of a kNN graph.

    EIGKIT_BENCH_SPARSE=full python -m pytest benchmarks/test_sparse.py \\
        --benchmark-group-by=group --benchmark-columns=median,min,rounds

EIGKIT_BENCH_SPARSE is ``quick`` (default: the smaller matrices of the same
families) or ``full`` (the sizes of issue 3).  The matvec count and the
largest relative residual of each contender are stored in the benchmark's
``extra_info``.  Each round is preceded by an untimed pause (see
eigkit.bench.runner).
"""
import os
import time

import pytest

from eigkit.bench.runner import PAUSE_SECONDS
from eigkit.bench.sparse_cases import (CONTENDERS, MATRICES, TOL, WHICHES, max_relative_residual,
                                       norm_estimate, sparse_matrix)

QUICK = os.environ.get("EIGKIT_BENCH_SPARSE", "quick").lower() != "full"
TRIPLES = [(m, w, c.name) for m in MATRICES for w in WHICHES for c in CONTENDERS]


@pytest.fixture(scope="session")
def sparse_matrices():
    cache = {}

    def get(name):
        if name not in cache:
            a = sparse_matrix(name, quick=QUICK)
            cache[name] = (a, norm_estimate(a))
        return cache[name]
    return get


@pytest.mark.parametrize("matrix, which, contender", TRIPLES,
                         ids=[f"{m}-{w}-{c}" for m, w, c in TRIPLES])
def test_sparse(benchmark, sparse_matrices, matrix, which, contender):
    if contender == "scipy-lobpcg" and which == "LM":
        pytest.skip("lobpcg has no LM")
    a, anorm = sparse_matrices(matrix)
    run = next(c.run for c in CONTENDERS if c.name == contender)
    benchmark.group = f"{matrix} n={a.shape[0]} {which}"
    answer = benchmark.pedantic(run, args=(a, which), setup=lambda: time.sleep(PAUSE_SECONDS),
                                rounds=1 if not QUICK else 3, warmup_rounds=1)
    benchmark.extra_info["matvecs"] = answer.matvecs
    resid = max_relative_residual(a, answer, anorm)
    benchmark.extra_info["max_relative_residual"] = resid
    benchmark.extra_info["note"] = answer.note
    if answer.note.startswith("timeout"):
        pytest.skip(f"{contender} {answer.note}")
    if contender != "scipy-lobpcg":   # lobpcg's tol is not relative to ||A||
        assert resid < 100 * TOL
