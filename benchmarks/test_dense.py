"""Developer-facing dense benchmarks (pytest-benchmark), on the same case
definitions as ``python -m eigkit``.

    EIGKIT_BENCH_SIZES=500,1000,2000,4000 python -m pytest benchmarks/ \\
        --benchmark-group-by=group --benchmark-columns=median,min,rounds

Each round is preceded by an untimed pause so that the other library's
OpenBLAS threads have gone idle (see eigkit.bench.runner).
"""
import time

import pytest

from eigkit.bench import CASES
from eigkit.bench.runner import PAUSE_SECONDS

PAIRS = [(case, c.name) for case in CASES for c in CASES[case].contenders]


@pytest.mark.parametrize("case, contender", PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_dense(benchmark, matrices, case, contender, n):
    spec = CASES[case]
    chosen = next(c for c in spec.contenders if c.name == contender)
    if n > chosen.max_n:
        pytest.skip(f"{contender} is not timed above n = {chosen.max_n}")
    run = chosen.run
    a = matrices(spec.matrix_kind, n)
    benchmark.group = f"{case} n={n}"
    result = benchmark.pedantic(run, args=(a,), setup=lambda: time.sleep(PAUSE_SECONDS),
                                rounds=3, warmup_rounds=1)
    assert spec.accuracy(a, result) < 60
