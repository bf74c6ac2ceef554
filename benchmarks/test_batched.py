"""Stacks of small symmetric matrices (float64): eigkit.eigh / eigvalsh on
an (count, n, n) array against numpy.linalg and scipy.linalg on the same
stack.

    python -m pytest benchmarks/test_batched.py --benchmark-group-by=group \\
        --benchmark-columns=median,min,rounds
    EIGKIT_BENCH_STACKS=20000x3,5000x8 python -m pytest benchmarks/test_batched.py

pytest-benchmark times each contender on its own.  On a shared machine the
load changes between those runs, so the ratios of record come from the
interleaved mode, which times the three contenders in turn, round after
round, and reports medians and ratios:

    python benchmarks/test_batched.py [--rounds 15] [--threads N] [20000x3 ...]

``--threads N`` limits every BLAS (threadpoolctl) and eigkit's own kernels
(EIGKIT_NUM_THREADS) to N threads; without it each library keeps its
defaults, and the thread counts in use are printed.

The targets: eigkit at most a third of NumPy's time on 20000 x 3 x 3 and
5000 x 8 x 8, and never slower than the faster of NumPy and SciPy on any
stack here.
"""
import os
import sys
import time

import numpy as np
import pytest
import scipy.linalg as sla

STACKS = [(20000, 3), (5000, 8), (1000, 32), (200, 64)]
TARGETS = {(20000, 3): 1 / 3, (5000, 8): 1 / 3}     # of NumPy's time
PAUSE_SECONDS = 0.05   # lets the other library's BLAS threads go idle


def _stacks():
    raw = os.environ.get("EIGKIT_BENCH_STACKS", "")
    chosen = [tuple(int(x) for x in s.split("x")) for s in raw.split(",") if s.strip()]
    return chosen or STACKS


def problem(count, n, seed=0):
    """A stack of count random symmetric n x n matrices."""
    g = np.random.default_rng(seed).standard_normal((count, n, n))
    return (g + np.swapaxes(g, -1, -2)) / 2


def _contenders():
    import eigkit
    return {
        "eigh": {"eigkit": eigkit.eigh, "numpy": np.linalg.eigh, "scipy": sla.eigh},
        "eigvalsh": {"eigkit": eigkit.eigvalsh, "numpy": np.linalg.eigvalsh,
                     "scipy": sla.eigvalsh},
    }


def error(a, result):
    """The largest eigenvalue error against numpy's, relative to ||A||."""
    w = result if isinstance(result, np.ndarray) else result[0]
    ref = np.linalg.eigvalsh(a)
    return float(np.abs(w - ref).max() / np.abs(ref).max())


CASES = [(count, n, task, name) for count, n in _stacks() for task in ("eigh", "eigvalsh")
         for name in ("eigkit", "numpy", "scipy")]


@pytest.mark.parametrize("count, n, task, name", CASES,
                         ids=[f"{task}-{name}-{count}x{n}" for count, n, task, name in CASES])
def test_batched(benchmark, count, n, task, name):
    a = problem(count, n)
    solve = _contenders()[task][name]
    benchmark.group = f"{task} {count}x{n}x{n}"
    result = benchmark.pedantic(solve, args=(a,), setup=lambda: time.sleep(PAUSE_SECONDS),
                                rounds=5, warmup_rounds=1)
    benchmark.extra_info["error"] = error(a, result)
    assert benchmark.extra_info["error"] < 1e-12


# ---------------------------------------------------------------------------
# Interleaved mode

def _thread_report():
    from eigkit._threads import kernel_threads
    try:
        from threadpoolctl import threadpool_info
        blas = ", ".join(f"{i['internal_api']} {i['num_threads']}" for i in threadpool_info()
                         if i["user_api"] == "blas")
    except ImportError:  # pragma: no cover
        blas = "unknown (no threadpoolctl)"
    return f"eigkit kernels: {kernel_threads()} threads; BLAS: {blas}"


def interleaved(stacks, rounds):
    """Medians over `rounds` rounds, each timing every contender once."""
    contenders = _contenders()
    print(_thread_report())
    print(f"{'stack':>12} {'task':>9} {'eigkit':>10} {'numpy':>10} {'scipy':>10} "
          f"{'ek/np':>7} {'ek/sp':>7}  target")
    for count, n in stacks:
        a = problem(count, n)
        for task, solvers in contenders.items():
            times = {name: [] for name in solvers}
            for _ in range(rounds):
                for name, solve in solvers.items():
                    time.sleep(PAUSE_SECONDS)
                    t = time.perf_counter()
                    solve(a)
                    times[name].append(time.perf_counter() - t)
            med = {name: float(np.median(t)) for name, t in times.items()}
            to_np, to_sp = med["eigkit"] / med["numpy"], med["eigkit"] / med["scipy"]
            limit = TARGETS.get((count, n))
            ok = med["eigkit"] <= min(med["numpy"], med["scipy"]) \
                and (limit is None or to_np <= limit)
            print(f"{count:>6}x{n:<5} {task:>9} {med['eigkit'] * 1e3:>8.2f}ms "
                  f"{med['numpy'] * 1e3:>8.2f}ms {med['scipy'] * 1e3:>8.2f}ms "
                  f"{to_np:>7.3f} {to_sp:>7.3f}  {'met' if ok else 'MISSED'}"
                  + (f" (<= {limit:.2f} of numpy)" if limit else ""), flush=True)


def main(argv):
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stacks", nargs="*", help="COUNTxN, e.g. 20000x3")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--threads", type=int, default=0,
                        help="limit every BLAS and eigkit's kernels to this many threads")
    args = parser.parse_args(argv)
    stacks = [tuple(int(x) for x in s.split("x")) for s in args.stacks] or STACKS
    if args.threads:
        os.environ["EIGKIT_NUM_THREADS"] = str(args.threads)
        from threadpoolctl import threadpool_limits
        with threadpool_limits(args.threads):
            interleaved(stacks, args.rounds)
    else:
        interleaved(stacks, args.rounds)


if __name__ == "__main__":
    main(sys.argv[1:])
