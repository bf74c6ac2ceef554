"""Is the GIL really released?  With BLAS and eigkit's own kernels limited
to one thread each, two Python threads each making C calls should take
about the time of one thread making C calls: speedup = (time of one
thread making the 2 C calls in turn) / (wall time of two threads making C
calls each), ideally 2 on a machine with two idle cores.

Usage: python benchmarks/bench_threads.py [n] [--rounds R] [--calls C]

Target: eigkit.eigvalsh at n = 1200 (the default n), two threads at least
1.6x faster than one thread making both calls in turn, on a machine with
two idle cores.

On a loaded machine the speedup cannot show (the hashlib control says what
is possible at the moment); the second figure needs no free core: the
longest pause of a Python thread that ticks while one call runs.

Medians of R rounds (default 5) of: eigkit.eigvalsh and eigkit.eigh on two
n x n matrices (default n = 1200); eigkit.eigsh (k = 10) on two 2-D Laplacians given as CSR
matrices (whose products run in C), and as LinearOperators (whose matmat,
SciPy's CSR product, holds the GIL while it runs); SciPy's eigh as a
reference (LAPACK releases the GIL too); and hashlib on a large buffer as a control
for what the machine can give at the moment.  One
``threadpoolctl.threadpool_limits(1)`` limits both BLAS and eigkit's own
kernels (eigkit registers itself with threadpoolctl); the header prints the
counts in force.  Needs threadpoolctl 3.2 or later.
"""
import hashlib
import os
import sys
import threading
import time

import numpy as np
import scipy.linalg as sl
import scipy.sparse as sp
from scipy.sparse.linalg import aslinearoperator
from threadpoolctl import threadpool_info, threadpool_limits

import eigkit


def _laplacian(m):
    t = sp.diags([-np.ones(m - 1), 2 * np.ones(m), -np.ones(m - 1)], [-1, 0, 1])
    return (sp.kron(t, sp.identity(m)) + sp.kron(sp.identity(m), t)).tocsr()


def _repeat(solve, problem, calls):
    for _ in range(calls):
        solve(problem)


def _serial(solve, problems, calls):
    t = time.perf_counter()
    for p in problems:
        _repeat(solve, p, calls)
    return time.perf_counter() - t


def _threaded(solve, problems, calls):
    threads = [threading.Thread(target=_repeat, args=(solve, p, calls)) for p in problems]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return time.perf_counter() - t


def speedup(solve, problems, rounds, calls=1):
    solve(problems[0])  # warm-up
    ratios, serial_times = [], []
    for _ in range(rounds):
        s = _serial(solve, problems, calls)
        time.sleep(0.3)
        c = _threaded(solve, problems, calls)
        time.sleep(0.3)
        ratios.append(s / c)
        serial_times.append(s)
    return float(np.median(ratios)), float(np.median(serial_times))


def longest_gil_stall(solve, problem):
    """Longest pause of a Python ticker thread while `solve` runs in this
    thread: about the switch interval (5 ms) when the GIL is released, the
    whole call when it is held.  Needs no idle core."""
    stop, gaps = threading.Event(), [0.0]

    def tick():
        last = time.perf_counter()
        while not stop.is_set():
            now = time.perf_counter()
            gaps[0] = max(gaps[0], now - last)
            last = now
    ticker = threading.Thread(target=tick)
    ticker.start()
    time.sleep(0.05)
    gaps[0] = 0.0
    t = time.perf_counter()
    solve(problem)
    elapsed = time.perf_counter() - t
    stop.set()
    ticker.join()
    return gaps[0], elapsed


def main(argv):
    options = {"--rounds": 5, "--calls": 1}
    for flag in options:
        if flag in argv:
            i = argv.index(flag)
            options[flag], argv = int(argv[i + 1]), argv[:i] + argv[i + 2:]
    rounds, calls = options["--rounds"], options["--calls"]
    n = next((int(x) for x in argv if x.isdigit()), 1200)
    rng = np.random.default_rng(0)
    dense = []
    for _ in range(2):
        g = rng.standard_normal((n, n))
        dense.append(g + g.T)
    lap = [_laplacian(60), _laplacian(60)]
    blob = bytes(64 * 2**20)
    cases = {
        # hashlib releases the GIL on large buffers: what this machine can
        # give right now (other load makes every speedup smaller).
        "control: hashlib.sha256 of 64 MiB": (
            lambda b: [hashlib.sha256(b).digest() for _ in range(3)], [blob, blob]),
        f"eigkit.eigvalsh n={n}": (eigkit.eigvalsh, dense),
        f"eigkit.eigh n={n}": (eigkit.eigh, dense),
        f"scipy.linalg.eigh n={n} (reference)": (sl.eigh, dense),
        "eigkit.eigsh 2-D Laplacian n=3600 k=10, CSR": (
            lambda a: eigkit.eigsh(a, k=10, which="LA", rng=0), lap),
        "eigkit.eigsh same, LinearOperator": (
            lambda a: eigkit.eigsh(aslinearoperator(a), k=10, which="LA", rng=0), lap),
    }
    cases["control: sorted() of 5e5 floats (holds the GIL)"] = (
        sorted, [list(rng.standard_normal(500_000))] * 2)
    with threadpool_limits(limits=1):
        counts = ", ".join(f"{lib['internal_api']} {lib['num_threads']}"
                           for lib in threadpool_info())
        print(f"{os.cpu_count()} CPUs; threads: {counts}; eigkit kernels "
              f"{eigkit.get_num_threads()}; {calls} call(s) per thread; medians of {rounds}; "
              f"load average {os.getloadavg()[0]:.1f}")
        for name, (solve, problems) in cases.items():
            ratio, serial = speedup(solve, problems, rounds, calls)
            stall, call = longest_gil_stall(solve, problems[0])
            print(f"{name:50s} serial {serial:6.3f} s  two threads: speedup {ratio:4.2f}x  "
                  f"longest GIL stall {1e3 * stall:6.1f} ms of a {1e3 * call:6.1f} ms call",
                  flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
