"""Developer-facing benchmarks of the scikit-learn estimators
(pytest-benchmark), on the case definitions of eigkit.bench.ml_cases:
PCA(n_components=10).fit on dense data with a decaying spectrum (eigkit's
solvers against each of scikit-learn's) and SpectralClustering on 6 blobs
with a nearest-neighbours affinity (eigkit against scikit-learn's 'arpack'
and 'lobpcg').

    EIGKIT_BENCH_ML=full python -m pytest benchmarks/test_ml.py \\
        --benchmark-group-by=group --benchmark-columns=median,min,rounds

EIGKIT_BENCH_ML is ``quick`` (default: smaller data of the same families)
or ``full`` (PCA 100000 x 300, 20000 x 2000,
5000 x 5000; clustering 5000, 30000, 100000 points).  Each answer's
accuracy (explained-variance error and subspace angle against an exact
reference, or the adjusted Rand index) is stored in ``extra_info``; every
round is preceded by an untimed pause (see eigkit.bench.runner).
"""
import os
import time

import pytest

pytest.importorskip("sklearn")

from eigkit.bench.ml_cases import ML_CASES  # noqa: E402
from eigkit.bench.runner import PAUSE_SECONDS  # noqa: E402

QUICK = os.environ.get("EIGKIT_BENCH_ML", "quick").lower() != "full"
PARAMS = [(case.name, size, c.name) for case in ML_CASES.values()
          for size in (case.sizes_quick if QUICK else case.sizes) for c in case.contenders]


@pytest.fixture(scope="session")
def ml_data():
    cache = {}

    def get(case, size):
        if (case.name, size) not in cache:
            data = case.build(size)
            cache[(case.name, size)] = (data, case.truth(data))
        return cache[(case.name, size)]
    return get


@pytest.mark.parametrize("case_name, size, contender", PARAMS,
                         ids=[f"{c}-{s}-{n}" for c, s, n in PARAMS])
def test_ml(benchmark, ml_data, case_name, size, contender):
    case = ML_CASES[case_name]
    data, truth = ml_data(case, size)
    runner = next((c for c in case.contenders_for(data) if c.name == contender), None)
    if runner is None:
        pytest.skip(f"{contender} is not timed at {size}")
    benchmark.group = f"{case_name} {size}"
    result = benchmark.pedantic(runner.run, args=(data,), setup=lambda: time.sleep(PAUSE_SECONDS),
                                rounds=3 if QUICK else 1, warmup_rounds=1)
    accuracy = case.accuracy(truth, result)
    benchmark.extra_info.update(accuracy)
    if case_name == "spectral":
        assert accuracy["ari"] > 0.99
    else:
        # randomized solvers (both libraries) stop at about 1e-3 on the quick data
        assert accuracy["max_sin_angle"] < 1e-2
