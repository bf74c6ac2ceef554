"""Timing the contenders of a problem fairly.

Every contender is called once as a warm-up; that answer is the one
scored for accuracy, and its time is the first estimate of the cost of a
call.  The calls are then timed in *rounds*:

- a short call (under ``round_time``, 0.1 s by default) is repeated back
  to back within a round, enough times for the round to last at least
  ``round_time``: a single call of a few milliseconds is at the mercy of
  one preemption or one timer tick, a 0.1 s batch of them is not.  The
  number of calls per round is calibrated from the warm-up (a batch sized
  from the warm-up's time, enlarged until it lasts ``round_time``), and a
  round's time divided by its calls is its per-call time;
- a longer call is one call per round, for the same number of rounds
  unless they would add up to more than :data:`LONG_TIMING_SECONDS` (then
  fewer, at least one); a call whose warm-up took :data:`SLOW_SECONDS` or
  more is not called again.

When the rounds of a call shorter than :data:`STABLE_MAX_SECONDS` spread
by more than :data:`STABLE_SPREAD` around their median (the median absolute
deviation over the median), more rounds follow, up to
:data:`MAX_ROUNDS_FACTOR` times the planned number: a median read off five
rounds of which two were disturbed is not yet the call's time.

Warnings raised inside the calls are recorded per contender
(:mod:`eigkit.bench.warning_log`), not printed.

The rounds of the contenders are interleaved, the order of the contenders
rotated by one each round, so that a slow drift of the machine (another
process, the clock) is shared by every contender and none is always first
after the pause or always after the same rival.  The median of a
contender's rounds is reported.

NumPy and SciPy each load their own OpenBLAS, whose idle threads keep
spinning for a while after a call; a call made right after the other
library's runs up to 2x slower (65 ms against 34 ms for eigvalsh at
n = 1000).  So every round is preceded by a pause (0.3 s by default); the
calls within a round are one contender's and follow each other without
one.  The warm-ups are not: a warm-up's time only sizes the calibration
batches, which follow it with no other library in between, except for a
call not timed again (over :data:`SLOW_SECONDS`, where a fraction of a
second of spinning threads is noise).
"""
import math
import statistics
import time
from dataclasses import asdict, dataclass, field

from .warning_log import recorded

PAUSE_SECONDS = 0.3
ROUND_SECONDS = 0.1        # a round of a short call lasts at least this long
LONG_TIMING_SECONDS = 20.0  # the rounds of a long call add up to about this much
SLOW_SECONDS = 30.0        # a contender whose warm-up took this long is timed only once
MAX_CALLS_PER_ROUND = 1_000_000
RECHECK_SECONDS = 1.0      # a warm-up shorter than this is checked by one more call
CALIBRATION_TRIES = 4
STABLE_MAX_SECONDS = 1.0   # calls shorter than this get rounds until their median is stable
STABLE_SPREAD = 0.1        # ... i.e. their median absolute deviation is this fraction or less
MAX_ROUNDS_FACTOR = 3      # ... but at most this many times the planned rounds


@dataclass
class Result:
    """One contender on one problem.

    ``times`` holds one per-call time per timed round (the round's time
    over its ``calls_per_round`` calls), or the warm-up's time alone when
    the contender was not timed again; ``median`` is their median.
    """
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
    calls_per_round: int = 1
    warmup: float = None  # seconds of the warm-up call (first-call costs included)
    accuracy_limit: float = math.inf   # the accuracy check passes below this
    warnings: dict = field(default_factory=dict)   # "Category: message" -> count

    def to_dict(self):
        return asdict(self)


def _batch(run, data, calls):
    """Seconds taken by ``calls`` back-to-back calls of ``run(data)``."""
    t0 = time.perf_counter()
    for _ in range(calls):
        run(data)
    return time.perf_counter() - t0


def _timed(run, data):
    t0 = time.perf_counter()
    out = run(data)
    return time.perf_counter() - t0, out


def calibrate(run, data, warm, round_time=ROUND_SECONDS):
    """Calls per round, and the per-call time they showed.

    The warm-up's time ``warm`` is the first estimate.  It may include
    one-time costs (an import, a first touch of memory), so a warm-up
    between ``round_time`` and :data:`RECHECK_SECONDS` is followed by one
    more call, and the shorter of the two is the estimate.  A call of
    ``round_time`` or more is one call per round.  A shorter one is
    batched: the first batch is sized from the estimate, and while a batch
    lasts less than ``round_time`` (an estimate inflated by first-call
    costs sizes it too small) the next is sized from the batch's own
    per-call time, with a 20 % margin.

    Returns
    -------
    calls : int
        Back-to-back calls per round.
    per_call : float
        Seconds per call measured by the last batch or call.
    """
    per_call = warm
    if round_time <= warm < RECHECK_SECONDS:
        per_call = min(warm, _batch(run, data, 1))
    if per_call >= round_time:
        return 1, per_call
    per_call = max(per_call, 1e-9)
    calls = min(MAX_CALLS_PER_ROUND, math.ceil(round_time / per_call))
    for _ in range(CALIBRATION_TRIES):
        elapsed = _batch(run, data, calls)
        per_call = max(elapsed / calls, 1e-9)
        # (a batch sized to the exact time may read a hair under it: that is enough)
        if elapsed >= 0.999 * round_time or calls >= MAX_CALLS_PER_ROUND:
            break
        calls = min(MAX_CALLS_PER_ROUND, math.ceil(1.2 * round_time / per_call))
    return calls, per_call


def rounds_for(per_call, repeat, round_time=ROUND_SECONDS):
    """Timed rounds for a call of about ``per_call`` seconds.

    ``repeat`` for a short call (under ``round_time``: its rounds are
    batches of ``round_time`` or more), and for longer calls as long as
    their rounds add up to :data:`LONG_TIMING_SECONDS` or less; fewer
    beyond (a 10 s call gets 2), but at least one; none at or over
    :data:`SLOW_SECONDS` (the warm-up's time stands).
    """
    if per_call >= SLOW_SECONDS:
        return 0
    if per_call < round_time:
        return repeat
    return min(repeat, max(1, int(LONG_TIMING_SECONDS // per_call)))


def rotated(items, shift):
    """``items`` rotated left by ``shift`` (the contender order of a round)."""
    items = list(items)
    if not items:
        return items
    shift %= len(items)
    return items[shift:] + items[:shift]


def rounds_needed(problem, repeat):
    """Upper bound on the warm-ups and timed rounds of ``problem`` (for a
    progress bar)."""
    return len(problem.eligible()) * (1 + repeat)


def run_problem(problem, suite_name, repeat=5, pause=PAUSE_SECONDS, tick=None,
                round_time=ROUND_SECONDS, max_rounds=None):
    """Time every eligible contender of ``problem``.

    Parameters
    ----------
    problem : Problem
        The task; ``problem.setup()`` is called once, untimed.
    suite_name : str
        Recorded in every :class:`Result`.
    repeat : int
        Timed rounds per contender (fewer for calls of several seconds,
        see :func:`rounds_for`; more for calls whose rounds have not
        settled, see :func:`settled`).
    pause : float
        Seconds of sleep before every timed round.
    tick : callable, optional
        ``tick(k)`` is called after every k warm-ups or rounds.
    round_time : float
        The shortest round of a short call, in seconds (see
        :func:`calibrate`).
    max_rounds : int, optional
        The most rounds a contender whose rounds have not settled gets
        (default :data:`MAX_ROUNDS_FACTOR` times ``repeat``).

    Returns
    -------
    list of Result
        One per eligible contender, in the problem's order.  A contender
        whose warm-up answer carries a note (timeout, failure, not
        applicable) is not called again; its time is the warm-up's.
    """
    contenders = problem.eligible()
    logs = {c.name: {} for c in contenders}
    with recorded(logs.get(problem.ours, {})):
        data = problem.setup()
    warm, answers, calls, rounds = {}, {}, {}, {}
    for c in contenders:
        with recorded(logs[c.name]):
            warm[c.name], answers[c.name] = _timed(c.run, data)
            notes_now = getattr(answers[c.name], "note", "") or ""
            if notes_now or warm[c.name] >= SLOW_SECONDS:
                calls[c.name], rounds[c.name] = 1, 0
            else:
                # right after its own warm-up: the threads now spinning are its own
                calls[c.name], per_call = calibrate(c.run, data, warm[c.name], round_time)
                rounds[c.name] = rounds_for(per_call, repeat, round_time)
        if tick:
            tick(1)
    times = {c.name: [] for c in contenders}
    timed = [c for c in contenders if rounds[c.name] > 0]

    def one_round(r, chosen):
        for c in rotated(chosen, r):
            time.sleep(pause)
            with recorded(logs[c.name]):
                times[c.name].append(_batch(c.run, data, calls[c.name]) / calls[c.name])
            if tick:
                tick(1)

    for r in range(max((rounds[c.name] for c in timed), default=0)):
        one_round(r, [c for c in timed if r < rounds[c.name]])
    if tick:   # the rounds skipped above
        tick(sum(repeat - rounds[c.name] for c in contenders))
    for r in range(repeat, MAX_ROUNDS_FACTOR * repeat if max_rounds is None else max_rounds):
        unsettled = [c for c in timed if rounds[c.name] == repeat and not settled(times[c.name])]
        if not unsettled:
            break
        one_round(r, unsettled)
    return _results(problem, suite_name, contenders, data, answers, warm, times, calls, logs)


def settled(times):
    """Whether the median of ``times`` is stable: a call of
    :data:`STABLE_MAX_SECONDS` or more, or rounds whose median absolute
    deviation is at most :data:`STABLE_SPREAD` of their median.

    Examples
    --------
    >>> from eigkit.bench.runner import settled
    >>> settled([0.010, 0.011, 0.010, 0.030, 0.010])   # one disturbed round
    True
    >>> settled([0.010, 0.020, 0.010, 0.020, 0.030])
    False
    """
    mid = statistics.median(times)
    if mid >= STABLE_MAX_SECONDS or mid <= 0:
        return True
    return statistics.median(abs(t - mid) for t in times) <= STABLE_SPREAD * mid


def _results(problem, suite_name, contenders, data, answers, warm, times, calls, logs):
    """One :class:`Result` per contender: its times, and its answer
    scored for accuracy."""
    notes = {name: getattr(ans, "note", "") or "" for name, ans in answers.items()}
    with recorded(logs.get(problem.ours, {})):
        agreement = problem.agreement(data, answers) if problem.agreement else {}
    results = []
    for c in contenders:
        ans = answers[c.name]
        with recorded(logs[c.name]):
            acc = float(problem.accuracy(data, ans))
        ts = times[c.name] or [warm[c.name]]
        results.append(Result(
            suite=suite_name, case=problem.case, n=problem.n, contender=c.name,
            median=statistics.median(ts), times=ts, accuracy=acc,
            accuracy_ok=bool(acc < problem.accuracy_limit), accuracy_label=problem.accuracy_label,
            agreement=agreement.get(c.name, {}),
            work=None if problem.work is None else int(problem.work(ans)),
            work_label=problem.work_label,
            note=notes[c.name], calls_per_round=calls[c.name], warmup=warm[c.name],
            accuracy_limit=float(problem.accuracy_limit), warnings=logs[c.name]))
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
