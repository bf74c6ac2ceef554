"""Developer-facing sparse benchmarks (pytest-benchmark), on the problems
that ``eigkit bench --suite sparse`` times (eigkit.bench.sparse_cases.SUITE):
eigkit.eigsh and svds against SciPy's ARPACK and LOBPCG, k = 10,
tol = 1e-8, on the 2-D Laplacian, a random sparse symmetric matrix, the
normalized adjacency of a kNN graph and a term-document-like matrix.

    EIGKIT_BENCH_SPARSE_SIZES=5000,20000 python -m pytest benchmarks/test_sparse.py \\
        --benchmark-group-by=group --benchmark-columns=median,min,rounds

The default sizes are the suite's quick ones.  The matvec count and the
accuracy of each contender are stored in the benchmark's ``extra_info``.
Each round is preceded by an untimed pause (see eigkit.bench.runner).
"""
import time

import pytest
from conftest import sizes

from eigkit.bench.runner import PAUSE_SECONDS
from eigkit.bench.sparse_cases import SUITE

PROBLEMS = SUITE.problems(sizes("EIGKIT_BENCH_SPARSE_SIZES", SUITE.quick_sizes))
PAIRS = [(p, c) for p in PROBLEMS for c in p.contenders]


@pytest.mark.parametrize("problem, contender", PAIRS,
                         ids=[f"{p.case}-{c.name}-{p.n}" for p, c in PAIRS])
def test_sparse(benchmark, problem, contender):
    data = problem.setup()
    benchmark.group = f"{problem.case} n={problem.n}"
    answer = benchmark.pedantic(contender.run, args=(data,),
                                setup=lambda: time.sleep(PAUSE_SECONDS),
                                rounds=1, warmup_rounds=1)
    if answer.note:
        pytest.skip(f"{contender.name}: {answer.note}")
    benchmark.extra_info["matvecs"] = problem.work(answer)
    benchmark.extra_info["accuracy"] = problem.accuracy(data, answer)
    if contender.name != "scipy-lobpcg":   # lobpcg's tol is not relative to ||A||
        assert benchmark.extra_info["accuracy"] < problem.accuracy_limit
