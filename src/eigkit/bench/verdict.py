"""The one-paragraph verdict that ends an ``eigkit bench`` run: in how
many problems eigkit was faster than the best other contender, the
geometric mean of the ratios, and whether every answer passed its
accuracy check."""
import math

from .runner import geometric_mean, group_results, summarize


def _problem_name(row):
    return f"{row['suite']} {row['case']} n={row['n']}"


def verdict(results, ours="eigkit"):
    """The verdict over ``results`` (every suite of a run), as one line of
    text per finding."""
    rows = summarize(results, ours)
    if not rows:
        return ["Verdict: nothing was timed."]
    compared = [r for r in rows if math.isfinite(r["ratio"])]
    faster = sum(r["ratio"] < 1 for r in compared)
    line = (f"Verdict: {ours} was faster than the best other in {faster} of {len(compared)} "
            f"problems; geometric mean of {ours} / best other "
            f"{geometric_mean(r['ratio'] for r in compared):.2f}")
    if len(compared) < len(rows):
        line += f" ({len(rows) - len(compared)} problems had no usable answer to compare)"
    lines = [line + "."]
    failed = [_problem_name(r) for r in rows if not r["eigkit_accuracy_ok"]]
    if failed:
        lines.append(f"{ours}'s answer failed its accuracy check or was missing in "
                     f"{len(failed)} problems: {', '.join(failed)}.")
    else:
        lines.append(f"Every {ours} answer passed its accuracy check.")
    others = sum(1 for group in group_results(results).values() for r in group
                 if r.contender != ours and not r.note and not r.accuracy_ok)
    if others:
        lines.append(f"{others} answers of the other contenders ({ours}'s alternative solvers "
                     "included) failed their check (marked '!').")
    return lines
