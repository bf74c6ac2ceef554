"""What ``eigkit bench`` writes: the terminal table, results.json and
report.md.

results.json holds everything needed to redraw the table and plots and to
compare two runs (``eigkit bench --compare``): the settings, the
environment, every timed round, and per problem the ratio of eigkit's
median to the best other contender's.

Schema ``eigkit-bench/2`` added to every result ``calls_per_round`` (the
back-to-back calls of each timed round; ``times`` are per call) and
``warmup`` (the warm-up call's seconds), and to the settings
``round_time``.  Schema ``eigkit-bench/3`` added to every result
``accuracy_limit`` (the check passes below it) and ``warnings`` (the
warnings its calls raised, message -> count).  Files of the older schemas
are still read.
"""
import json
import math

from . import environment
from .legend import legend
from .runner import Result, geometric_mean, group_results, ratio_to_best_other, summarize
from .verdict import verdict
from .warning_log import summary_lines

SCHEMA = "eigkit-bench/3"
#: older schemas :func:`read_json` still reads
READABLE_SCHEMAS = (SCHEMA, "eigkit-bench/2", "eigkit-bench/1")


# ---------------------------------------------------------------------------
# results.json

def _finite_or_none(x):
    """JSON has no NaN: non-finite numbers are stored as null."""
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: _finite_or_none(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_finite_or_none(v) for v in x]
    return x


def _none_to_nan(x):
    return float("nan") if x is None else x


def build_document(results, settings, env, suites):
    """The results.json content of one run."""
    return _finite_or_none({
        "schema": SCHEMA,
        "settings": settings,
        "environment": env,
        "suites": {s.name: {"description": s.description, "notes": list(s.notes)}
                   for s in suites},
        "results": [r.to_dict() for r in results],
        "summary": summarize(results),
    })


def write_json(path, document):
    with open(path, "w") as f:
        json.dump(document, f, indent=1)


def read_json(path):
    """A results.json document, with its results as :class:`Result`.

    Raises
    ------
    ValueError
        If the file is not an ``eigkit bench`` results file.
    """
    with open(path) as f:
        doc = json.load(f)
    if not isinstance(doc, dict) or doc.get("schema") not in READABLE_SCHEMAS:
        raise ValueError(f"{path} is not an eigkit bench results.json (schema {SCHEMA!r})")
    rows = []
    for row in doc["results"]:
        row = dict(row)
        for key in ("median", "accuracy"):
            row[key] = _none_to_nan(row[key])
        if "accuracy_limit" in row:   # schema 3; JSON stores an infinite limit as null
            row["accuracy_limit"] = math.inf if row["accuracy_limit"] is None \
                else row["accuracy_limit"]
        row.setdefault("calls_per_round", 1)   # schema 1: one call per round
        row["agreement"] = {k: _none_to_nan(v) for k, v in row.get("agreement", {}).items()}
        rows.append(Result(**row))
    doc["results"] = rows
    return doc


# ---------------------------------------------------------------------------
# Tables

def _fmt(x, spec):
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, spec)


def _columns(results):
    """Column headers and a row formatter for the results of one suite."""
    refs = sorted({k for r in results for k in r.agreement})
    work_label = next((r.work_label for r in results if r.work is not None), None)
    heads = ["case", "n", "contender", "median s", "vs eigkit", "rounds", "accuracy"]
    heads += [work_label] if work_label else []
    heads += [f"dw/{ref}" for ref in refs]
    heads += ["note"]

    def cells(r, ours):
        if r.note == "n/a":
            return [r.case, str(r.n), r.contender, "n/a"] + [""] * (len(heads) - 4)
        rel = r.median / ours if ours else float("nan")
        acc = _fmt(r.accuracy, ".2g") + ("" if r.accuracy_ok or r.note else " !")
        row = [r.case, str(r.n), r.contender, _fmt_time(r.median), _fmt(rel, ".2f") + "x",
               rounds_cell(r), acc]
        row += [_fmt(r.work, "d")] if work_label else []
        row += [_fmt(r.agreement.get(ref), ".1e") for ref in refs]
        return row + [r.note]
    return heads, cells


def _fmt_time(seconds):
    """Seconds with four significant digits at least down to microseconds
    (the sweep's smallest calls take a few)."""
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "-"
    return format(seconds, ".4f") if seconds >= 0.01 else format(seconds, ".3e")


def rounds_cell(r):
    """'rounds x calls per round', or 'warm-up' when only the warm-up was
    timed."""
    if r.note or (len(r.times) == 1 and r.warmup is not None and r.times[0] == r.warmup):
        return "warm-up"
    return f"{len(r.times)}x{r.calls_per_round}"


def summary_rows(results, ours="eigkit"):
    """Header and one row per problem: eigkit's median, the best other
    contender and its median, their ratio and eigkit's accuracy check."""
    heads = ["case", "n", f"{ours} s", "rounds", "best other", "other s",
             f"{ours} / best other", "accuracy"]
    rows = []
    for group in group_results(results).values():
        ratio, best = ratio_to_best_other(group, ours)
        mine = next((r for r in group if r.contender == ours), None)
        other = next((r for r in group if r.contender == best), None)
        if mine is None:
            check = "-"
        elif mine.note:
            check = mine.note
        else:
            check = _fmt(mine.accuracy, ".2g") + ("" if mine.accuracy_ok else " !")
        rows.append([group[0].case, str(group[0].n),
                     _fmt_time(mine.median) if mine and not mine.note else "-",
                     rounds_cell(mine) if mine else "-", best or "-",
                     _fmt_time(other.median) if other else "-", _fmt(ratio, ".2f"), check])
    return heads, rows


def suite_rows(results, ours="eigkit"):
    """Header and rows (lists of strings) for one suite's results, with a
    'eigkit / best other' line after each problem."""
    heads, cells = _columns(results)
    rows = []
    for group in group_results(results).values():
        mine = next((r.median for r in group if r.contender == ours and not r.note), None)
        rows += [cells(r, mine) for r in group]
        ratio, best = _ratio_cell(group, ours)
        rows.append(["", "", f"{ours} / best other", ratio, best] + [""] * (len(heads) - 5))
    return heads, rows


def _ratio_cell(group, ours):
    ratio, best = ratio_to_best_other(group, ours)
    return _fmt(ratio, ".2f"), f"({best})" if best else ""


def _aligned(heads, rows, left=(0, 2, -1)):
    """Plain-text columns: those in ``left`` (names) left-aligned, the
    others (numbers) right-aligned."""
    widths = [max(len(str(x)) for x in col) for col in zip(heads, *rows)]
    left = {i % len(heads) for i in left}

    def line(row):
        return "  ".join(str(c).ljust(w) if i in left else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(row, widths)))
    return "\n".join([line(heads), "  ".join("-" * w for w in widths)] + [line(r) for r in rows])


def _by_suite(results):
    out = {}
    for r in results:
        out.setdefault(r.suite, []).append(r)
    return out


def terminal_table(results, summary_suites=()):
    """The table printed at the end of a run, one block per suite: every
    contender's row, or for the suites in ``summary_suites`` one row per
    problem (:func:`summary_rows`)."""
    blocks = []
    for suite, rs in _by_suite(results).items():
        if suite in summary_suites:
            heads, rows = summary_rows(rs)
            table = _aligned(heads, rows, left=(0, 4, -1))
        else:
            heads, rows = suite_rows(rs)
            table = _aligned(heads, rows)
        gm = geometric_mean(row["ratio"] for row in summarize(rs))
        key = "\n".join("  " + line for line in legend(rs, summary=suite in summary_suites))
        blocks.append(f"== {suite} ==\n{table}\n"
                      f"geometric mean of eigkit / best other: {_fmt(gm, '.2f')}\n"
                      f"Legend:\n{key}")
    return "\n\n".join(blocks)


def closing_lines(results):
    """What ends a run's output: the verdict, then the warnings the
    contenders raised (each distinct message once)."""
    lines = verdict(results)
    warned = summary_lines(results)
    if warned:
        lines += ["Warnings raised by the contenders (collected, not shown while running):"]
        lines += ["  " + line for line in warned]
    return lines


def _markdown(heads, rows):
    lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    return "\n".join(lines + ["| " + " | ".join(str(c) for c in r) + " |" for r in rows])


def ratio_matrix(results):
    """Case x size table of eigkit / best other (a compact summary).

    Columns are size ranks: a case built at an order near the requested
    one (a grid Laplacian's order is a square) shares the column, and its
    cell names its own n.
    """
    by_case = {}
    for row in summarize(results):
        by_case.setdefault(row["case"], []).append(row)
    for rows in by_case.values():
        rows.sort(key=lambda r: r["n"])
    ranks = max((len(rows) for rows in by_case.values()), default=0)
    heads = ["case"]
    for j in range(ranks):
        ns = [rows[j]["n"] for rows in by_case.values() if j < len(rows)]
        heads.append(f"n={max(set(ns), key=ns.count)}")

    def show(row, head):
        text = _fmt(row["ratio"], ".2f")
        if f"n={row['n']}" != head:
            text += f" (n={row['n']})"
        return text if row["eigkit_accuracy_ok"] else text + " (accuracy!)"
    return heads, [[case] + [show(r, heads[j + 1]) for j, r in enumerate(rows)]
                   + [""] * (ranks - len(rows)) for case, rows in by_case.items()]


def _sizes_text(sizes):
    """A suite's sizes as recorded in the settings: a list, or per case."""
    if isinstance(sizes, dict):
        return "; ".join(f"{case} {', '.join(map(str, ns))}" for case, ns in sizes.items())
    return str(sizes)


def markdown_report(document, plots=()):
    """report.md: how the run was made, a ratio summary and the full table
    per suite, and the plots."""
    results = document["results"]
    settings = document["settings"]
    lines = ["# eigkit bench report", "",
             f"Command: `{settings.get('command', 'eigkit bench')}`", "",
             "## Environment", ""]
    lines += [f"- {line}" for line in environment.describe(document["environment"])]
    lines += ["", "## Verdict", ""] + verdict(results)
    lines += ["", "## How it was timed", "",
              "Each contender was called once as a warm-up (its answer is the one scored for "
              "accuracy), then timed in interleaved rounds (round-robin over the contenders, "
              "their order rotated each round) with a "
              f"{settings.get('pause', 0.3)} s pause before every round. A call shorter "
              f"than {settings.get('round_time', 0.1)} s is repeated back to back within a "
              "round until the round lasts that long, and the round's time is divided among "
              "its calls; calls of seconds get fewer rounds, and calls under a second whose "
              "rounds still spread by over 10 % get more. Times are per call, the median "
              "over the rounds, in seconds. On a shared machine a few per cent is noise."]
    for suite, rs in _by_suite(results).items():
        info = document["suites"].get(suite, {})
        lines += ["", f"## {suite}", "", info.get("description", ""), "",
                  f"- sizes {_sizes_text(settings.get('sizes', {}).get(suite))}, "
                  f"{settings.get('repeat', {}).get(suite)} timed round(s) after the warm-up "
                  "(more for calls whose rounds had not settled)"]
        lines += [f"- {note}" for note in info.get("notes", [])]
        # a suite whose cases each have their own sizes reads best one problem a row
        per_case_sizes = isinstance(settings.get("sizes", {}).get(suite), dict)
        heads, rows = summary_rows(rs) if per_case_sizes else ratio_matrix(rs)
        gm = geometric_mean(row["ratio"] for row in summarize(rs))
        lines += ["", "eigkit / best other (below 1 eigkit is faster; `(accuracy!)`: eigkit's "
                  "answer failed its check):", "", _markdown(heads, rows), "",
                  f"Geometric mean: {_fmt(gm, '.2f')}", ""]
        lines += [f"![{p['title']}]({p['file']})" for p in plots if p["suite"] == suite]
        heads, rows = suite_rows(rs)
        lines += ["", "<details><summary>All contenders</summary>", "",
                  _markdown(heads, rows), ""]
        lines += [f"- {line}" for line in legend(rs)]
        lines += ["", "</details>"]
    warned = summary_lines(results)
    if warned:
        lines += ["", "## Warnings raised by the contenders", ""] + [f"- {w}" for w in warned]
    return "\n".join(lines) + "\n"
