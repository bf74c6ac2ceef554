"""The legend printed under each ``eigkit bench`` table: what every column
means, what passes and which way is better, so that a table read on its
own (pasted into an issue, say) needs nothing else."""
import math

NOTES = {
    "timeout": "stopped at the time limit (--time-limit)",
    "no conv": "the solver stopped without converging",
    "n/a": "the contender cannot solve this problem (e.g. LOBPCG for which='LM')",
}


def _limit_text(limit):
    return "every value passes" if not math.isfinite(limit) else f"passes below {limit:g}"


def accuracy_lines(results):
    """One line per distinct accuracy measure among ``results``."""
    seen = {}
    for r in results:
        seen.setdefault(r.accuracy_label, r.accuracy_limit)
    return [f"accuracy: {label}; lower is better, {_limit_text(limit)}; '!' marks a failed check"
            for label, limit in seen.items()]


def _note_lines(results):
    present = {r.note for r in results if r.note}
    lines = []
    for key, text in NOTES.items():
        if any(note.startswith(key) for note in present):
            lines.append(f"note '{key}': {text}")
    if any(not any(note.startswith(k) for k in NOTES) for note in present):
        lines.append("note (other): the exception the contender raised")
    return lines


def _extra_columns(results):
    lines = []
    label = next((r.work_label for r in results if r.work is not None), None)
    if label == "matvecs":
        lines.append("matvecs: operator columns applied (A and A^H both count); fewer is less work")
    elif label:
        lines.append(f"{label}: work done; fewer is less work")
    refs = sorted({k for r in results for k in r.agreement})
    if refs:
        lines.append(f"{', '.join('dw/' + ref for ref in refs)}: largest eigenvalue difference "
                     "from that contender's answer over ||A||; large with small residuals means "
                     "one of the two missed copies of a multiple eigenvalue")
    return lines


RATIO = ("eigkit / best other: eigkit's median over the fastest other contender that "
         "returned an answer; below 1 eigkit is faster")
ROUNDS = ("rounds: timed rounds x calls per round, after one warm-up call ('warm-up': only "
          "that call was timed)")


def legend(results, summary=False):
    """The legend lines for the table of ``results``: the full table
    (every contender's row) or, with ``summary``, one row per problem."""
    if summary:
        lines = ["eigkit s / other s: seconds per call, the median of the timed rounds; "
                 "best other: the fastest other contender with an answer",
                 ROUNDS + " (eigkit's)", RATIO]
        return lines + [line.replace("accuracy:", "accuracy (eigkit's answer):", 1)
                        for line in accuracy_lines(results)]
    lines = ["median s: seconds per call, the median of the timed rounds",
             "vs eigkit: the contender's median over eigkit's; above 1 it is slower than eigkit",
             ROUNDS]
    return lines + accuracy_lines(results) + _extra_columns(results) + [RATIO] \
        + _note_lines(results)
