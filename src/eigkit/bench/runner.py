"""Timing the contenders of a case fairly.

NumPy and SciPy each load their own OpenBLAS, whose idle threads keep
spinning for a while after a call; a call made right after the other
library's runs up to 2x slower.  So every timed call is preceded by a short
pause, the contenders run interleaved (round-robin) after a warm-up, and
the median of the repeats is reported.
"""
import statistics
import time
from dataclasses import dataclass

PAUSE_SECONDS = 0.3


@dataclass
class Result:
    case: str
    n: int
    contender: str
    median: float
    times: list
    accuracy: float


def _timed(fn, a):
    time.sleep(PAUSE_SECONDS)
    t0 = time.perf_counter()
    out = fn(a)
    return time.perf_counter() - t0, out


def run_case(case, a, repeat=3, progress=None):
    """Time every contender of ``case`` on matrix ``a``: one warm-up call
    each (whose answer is checked for accuracy), then ``repeat`` rounds."""
    n = a.shape[0]
    contenders = [c for c in case.contenders if n <= c.max_n]
    accuracy = {}
    for c in contenders:
        _, out = _timed(c.run, a)
        accuracy[c.name] = float(case.accuracy(a, out))
    times = {c.name: [] for c in contenders}
    for _ in range(repeat):
        for c in contenders:
            elapsed, _ = _timed(c.run, a)
            times[c.name].append(elapsed)
            if progress is not None:
                progress()
    return [Result(case.name, a.shape[0], c.name, statistics.median(times[c.name]),
                   times[c.name], accuracy[c.name]) for c in contenders]


def ratio_to_best_other(results, ours="eigkit"):
    """Our median over the best median of the other contenders."""
    mine = [r.median for r in results if r.contender == ours]
    others = [r.median for r in results if r.contender != ours]
    if not mine or not others:
        return float("nan")
    return mine[0] / min(others)


def format_table(all_results):
    """A plain-text table: one block per (case, n)."""
    lines = [f"{'case':<10} {'n':>6} {'contender':<11} {'median s':>10} {'vs eigkit':>10} "
             f"{'accuracy':>10}"]
    groups = {}
    for r in all_results:
        groups.setdefault((r.case, r.n), []).append(r)
    for (case, n), rs in groups.items():
        ours = next((r.median for r in rs if r.contender == "eigkit"), float("nan"))
        for r in rs:
            lines.append(f"{case:<10} {n:>6} {r.contender:<11} {r.median:>10.4f} "
                         f"{r.median / ours:>9.2f}x {r.accuracy:>10.2f}")
        lines.append(f"{'':<10} {'':>6} {'eigkit / best other':<30} "
                     f"{ratio_to_best_other(rs):.2f}")
    return "\n".join(lines)
