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
SLOW_SECONDS = 30.0  # sparse suite: a warm-up this long is timed only once


@dataclass
class Result:
    case: str
    n: int
    contender: str
    median: float
    times: list
    accuracy: float
    matvecs: int = None   # sparse suite: operator columns applied
    which: str = ""       # sparse suite: LA / SA / LM
    agreement: float = float("nan")  # sparse suite: max |w - w_arpack| / ||A||est
    agreement_eigkit: float = float("nan")  # sparse suite: max |w - w_eigkit| / ||A||est
    note: str = ""        # sparse suite: 'timeout', 'no conv', 'n/a'


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


def run_sparse_case(case, a, anorm, repeat=1, progress=None, time_limit=None):
    """Time every contender of a sparse ``case`` (one matrix, one ``which``)
    on ``a``: a warm-up call each (its answer gives the matvec count, the
    residual and the eigenvalues), then ``repeat`` interleaved rounds.  A
    contender whose warm-up timed out, failed or is not applicable is not
    timed again; its time is the warm-up's (a lower bound for a timeout)."""
    from .sparse_cases import TIME_LIMIT, max_relative_residual, value_disagreement
    limit = TIME_LIMIT if time_limit is None else time_limit
    answers, warm = {}, {}
    for c in case.contenders:
        warm[c.name], answers[c.name] = _timed(lambda m: c.run(m, case.which, time_limit=limit), a)
        if progress is not None:
            progress(c.name, warm[c.name], answers[c.name])
    timed = [c for c in case.contenders
             if not answers[c.name].note and warm[c.name] < SLOW_SECONDS]
    times = {c.name: [] for c in case.contenders}
    for _ in range(repeat):
        for c in timed:
            elapsed, _ = _timed(lambda m: c.run(m, case.which, time_limit=limit), a)
            times[c.name].append(elapsed)
    ref = answers.get("scipy-arpack")
    ours = answers.get("eigkit")
    results = []
    for c in case.contenders:
        ans = answers[c.name]
        ts = times[c.name] or [warm[c.name]]
        results.append(Result(case.matrix, a.shape[0], c.name, statistics.median(ts), ts,
                              max_relative_residual(a, ans, anorm), matvecs=ans.matvecs,
                              which=case.which, note=ans.note,
                              agreement=value_disagreement(ans.w, ref.w if ref else None, anorm),
                              agreement_eigkit=value_disagreement(ans.w, ours.w if ours else None,
                                                                  anorm)))
    return results


def geomean_ratio(results, ours="eigkit", other="scipy-arpack"):
    """Geometric mean over (case, which) of our median time over ``other``'s."""
    import math
    groups = {}
    for r in results:
        groups.setdefault((r.case, r.n, r.which), {})[r.contender] = r
    logs = [math.log(g[ours].median / g[other].median) for g in groups.values()
            if ours in g and other in g and not g[ours].note and not g[other].note]
    return math.exp(sum(logs) / len(logs)) if logs else float("nan")


def format_sparse_table(all_results):
    """One line per (case, which, contender): time, matvecs, accuracy."""
    lines = [f"{'case':<10} {'n':>6} {'which':<5} {'contender':<13} {'median s':>9} "
             f"{'matvecs':>8} {'t/arpack':>9} {'mv/arpack':>9} {'max resid':>10} "
             f"{'dw/arpack':>10} {'dw/eigkit':>10}  note"]
    groups = {}
    for r in all_results:
        groups.setdefault((r.case, r.n, r.which), []).append(r)
    for (case, n, which), rs in groups.items():
        ref = next((r for r in rs if r.contender == "scipy-arpack" and not r.note), None)
        for r in rs:
            if r.note == "n/a":
                lines.append(f"{case:<10} {n:>6} {which:<5} {r.contender:<13} {'n/a':>9}")
                continue
            tr = f"{r.median / ref.median:8.2f}x" if ref else f"{'-':>9}"
            mr = f"{r.matvecs / ref.matvecs:8.2f}x" if ref else f"{'-':>9}"
            lines.append(f"{case:<10} {n:>6} {which:<5} {r.contender:<13} {r.median:>9.3f} "
                         f"{r.matvecs:>8d} {tr} {mr} {r.accuracy:>10.1e} "
                         f"{r.agreement:>10.1e} {r.agreement_eigkit:>10.1e}  {r.note}")
    lines.append(f"geometric mean of eigkit / ARPACK time: {geomean_ratio(all_results):.2f}")
    return "\n".join(lines)
