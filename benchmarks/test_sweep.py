"""Developer-facing size sweep (pytest-benchmark), on the problems that
``eigkit bench --suite sweep`` times (eigkit.bench.sweep_cases.SUITE):
dense eigh and eigvalsh from n = 10 to 1000, eigh on stacks of small
matrices, sparse eigsh (k = 10, LA) on a random matrix and a kNN graph,
svds on a term-document-like matrix, and PCA(10).fit when scikit-learn is
installed.

    python -m pytest benchmarks/test_sweep.py --benchmark-group-by=group \\
        --benchmark-columns=median,min,rounds,iterations
    EIGKIT_BENCH_SWEEP=full python -m pytest benchmarks/test_sweep.py -k "eigh-"
    EIGKIT_BENCH_SWEEP_SIZES=50,200 python -m pytest benchmarks/test_sweep.py -k "eigh or LA"

EIGKIT_BENCH_SWEEP is ``quick`` (default: fewer sizes per family) or
``full`` (every size of the sweep); EIGKIT_BENCH_SWEEP_SIZES sets n for the
families sized by one order, as ``--sizes`` does.

A round is as many back-to-back calls as ``eigkit bench`` puts in one
(eigkit.bench.runner.calibrate: at least 0.1 s), so pytest-benchmark's
per-iteration times are per call; calls of seconds get fewer rounds
(eigkit.bench.runner.rounds_for).  Each test starts after an untimed pause
so that the previous test's BLAS threads have gone idle.  The accuracy of
the warm-up answer is stored in ``extra_info``.
"""
import functools
import os
import time

import pytest
from conftest import sizes

from eigkit.bench.runner import PAUSE_SECONDS, ROUND_SECONDS, calibrate, rounds_for
from eigkit.bench.sweep_cases import SUITE

QUICK = os.environ.get("EIGKIT_BENCH_SWEEP", "quick").lower() != "full"
ROUNDS = 5
PROBLEMS = SUITE.problems(tuple(sizes("EIGKIT_BENCH_SWEEP_SIZES", ())), quick=QUICK)
PAIRS = [(i, c) for i, p in enumerate(PROBLEMS) for c in p.eligible()]


@functools.lru_cache(maxsize=1)   # the tests of one problem run one after another
def _data(index):
    return PROBLEMS[index].setup()


@pytest.mark.parametrize("index, contender", PAIRS,
                         ids=[f"{PROBLEMS[i].case}-{PROBLEMS[i].n}-{c.name}" for i, c in PAIRS])
def test_sweep(benchmark, index, contender):
    problem = PROBLEMS[index]
    data = _data(index)
    time.sleep(PAUSE_SECONDS)
    t0 = time.perf_counter()
    answer = contender.run(data)
    warm = time.perf_counter() - t0
    note = getattr(answer, "note", "") or ""
    if note:
        pytest.skip(f"{contender.name}: {note}")
    calls, per_call = calibrate(contender.run, data, warm, ROUND_SECONDS)
    rounds = max(1, rounds_for(per_call, ROUNDS, ROUND_SECONDS))
    benchmark.group = f"{problem.case} n={problem.n}"
    benchmark.pedantic(contender.run, args=(data,), iterations=calls, rounds=rounds,
                       warmup_rounds=0)
    accuracy = float(problem.accuracy(data, answer))
    benchmark.extra_info.update(accuracy=accuracy, calls_per_round=calls)
    if problem.work is not None:
        benchmark.extra_info["work"] = problem.work(answer)
    if not contender.name.endswith("lobpcg"):   # LOBPCG's tol is not relative to ||A||
        assert accuracy < problem.accuracy_limit
