"""Timing the contenders of a problem fairly.

NumPy and SciPy each load their own OpenBLAS, whose idle threads keep
spinning for a while after a call; a call made right after the other
library's runs up to 2x slower (65 ms against 34 ms for eigvalsh at
n = 1000).  So every call is preceded by a 0.3 s pause, each contender is
called once as a warm-up (that answer is the one checked for accuracy),
then the contenders run interleaved (round-robin) for ``repeat`` rounds,
and the median is reported.
"""
import math
import statistics
import time
from dataclasses import asdict, dataclass, field

PAUSE_SECONDS = 0.3
SLOW_SECONDS = 30.0  # a contender whose warm-up took this long is timed only once


@dataclass
class Result:
    """One contender on one problem."""
    suite: str
    case: str
    n: int
    contender: str
    median: float
    times: list
    accuracy: float
    accuracy_ok: bool
    accuracy_label: str = ""
    agreement: dict = field(default_factory=dict)  # reference contender -> disagreement
    work: int = None      # e.g. matvecs
    work_label: str = ""
    note: str = ""        # '' when the answer is usable, else why not ('timeout', 'n/a', ...)

    def to_dict(self):
        return asdict(self)


def _timed(run, data, pause):
    time.sleep(pause)
    t0 = time.perf_counter()
    out = run(data)
    return time.perf_counter() - t0, out


def calls_needed(problem, repeat):
    """Upper bound on the timed calls of ``problem`` (for a progress bar)."""
    return len(problem.eligible()) * (1 + repeat)


def run_problem(problem, suite_name, repeat=3, pause=PAUSE_SECONDS, tick=None):
    """Time every eligible contender of ``problem``.

    Each contender is called once as a warm-up, whose answer is scored;
    then ``repeat`` interleaved rounds are timed.  A contender whose
    warm-up answer carries a note (timeout, failure, not applicable) or
    took over :data:`SLOW_SECONDS` is not called again; its time is the
    warm-up's.  ``tick(k)`` is called after every k calls.
    """
    data = problem.setup()
    contenders = problem.eligible()
    warm, answers = {}, {}
    for c in contenders:
        warm[c.name], answers[c.name] = _timed(c.run, data, pause)
        if tick:
            tick(1)
    notes = {name: getattr(ans, "note", "") or "" for name, ans in answers.items()}
    timed = [c for c in contenders if not notes[c.name] and warm[c.name] < SLOW_SECONDS]
    times = {c.name: [] for c in contenders}
    for _ in range(repeat):
        for c in timed:
            elapsed, _ = _timed(c.run, data, pause)
            times[c.name].append(elapsed)
        if tick:
            tick(len(timed))
    if tick:   # the calls skipped above
        tick(repeat * (len(contenders) - len(timed)))
    agreement = problem.agreement(data, answers) if problem.agreement else {}
    results = []
    for c in contenders:
        ans = answers[c.name]
        acc = float(problem.accuracy(data, ans))
        ts = times[c.name] or [warm[c.name]]
        results.append(Result(
            suite=suite_name, case=problem.case, n=problem.n, contender=c.name,
            median=statistics.median(ts), times=ts, accuracy=acc,
            accuracy_ok=bool(acc < problem.accuracy_limit), accuracy_label=problem.accuracy_label,
            agreement=agreement.get(c.name, {}),
            work=None if problem.work is None else int(problem.work(ans)),
            work_label=problem.work_label,
            note=notes[c.name]))
    return results


def group_results(results):
    """``{(suite, case, n): [Result, ...]}`` in run order."""
    groups = {}
    for r in results:
        groups.setdefault((r.suite, r.case, r.n), []).append(r)
    return groups


def ratio_to_best_other(group, ours="eigkit"):
    """(our median / the best usable other median, that other's name).

    nan when eigkit or every other contender failed on this problem.
    """
    mine = next((r for r in group if r.contender == ours and not r.note), None)
    # other libraries only: eigkit's alternative solvers are not "others"
    others = [r for r in group if not r.contender.startswith(ours) and not r.note]
    if mine is None or not others:
        return float("nan"), None
    best = min(others, key=lambda r: r.median)
    return mine.median / best.median, best.contender


def summarize(results, ours="eigkit"):
    """One row per problem: eigkit's median, the best other, their ratio,
    and whether eigkit's answer passed its accuracy check."""
    rows = []
    for (suite, case, n), group in group_results(results).items():
        ratio, best = ratio_to_best_other(group, ours)
        mine = next((r for r in group if r.contender == ours), None)
        rows.append({"suite": suite, "case": case, "n": n, "ratio": ratio, "best_other": best,
                     "eigkit_median": mine.median if mine else float("nan"),
                     "eigkit_accuracy_ok": bool(mine and mine.accuracy_ok and not mine.note)})
    return rows


def geometric_mean(values):
    """Geometric mean of the finite positive values (nan if none)."""
    logs = [math.log(v) for v in values if v > 0 and math.isfinite(v)]
    return math.exp(sum(logs) / len(logs)) if logs else float("nan")
