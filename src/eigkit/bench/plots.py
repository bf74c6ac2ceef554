"""PNG plots for ``eigkit bench --out``, drawn with matplotlib (the
``bench`` extra): time against n on log-log axes with the fitted slope of
each contender, and bars of eigkit / best other."""
import math

import numpy as np

from .runner import summarize


def fitted_slope(ns, times):
    """Least-squares slope of log(time) against log(n): the empirical
    exponent of the cost.  nan with fewer than two distinct sizes."""
    pts = [(math.log(n), math.log(t)) for n, t in zip(ns, times) if n > 0 and t > 0]
    if len({x for x, _ in pts}) < 2:
        return float("nan")
    x, y = np.array(pts).T
    return float(np.polyfit(x, y, 1)[0])


def _series(results):
    """{case: {contender: ([n], [median])}} over the usable results."""
    out = {}
    for r in results:
        if r.note:
            continue
        ns, ts = out.setdefault(r.case, {}).setdefault(r.contender, ([], []))
        ns.append(r.n)
        ts.append(r.median)
    return out


def time_vs_n(results, path, title):
    """One log-log panel per case; the legend gives each fitted slope."""
    from matplotlib.figure import Figure
    series = _series(results)
    cols = min(3, len(series)) or 1
    rows = math.ceil(len(series) / cols) or 1
    fig = Figure(figsize=(4.2 * cols, 3.4 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, (case, by_contender) in zip(axes, series.items()):
        for name, (ns, ts) in by_contender.items():
            slope = fitted_slope(ns, ts)
            label = name if math.isnan(slope) else f"{name} (slope {slope:.2f})"
            ax.loglog(ns, ts, marker="o", lw=2.2 if name == "eigkit" else 1.2, label=label)
        ax.set_title(case, fontsize=10)
        ax.set_xlabel("n")
        ax.set_ylabel("median time (s)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    for ax in axes[len(series):]:
        ax.set_visible(False)
    fig.suptitle(title)
    fig.savefig(path, dpi=110)


def ratio_bars(results, path, title):
    """Bars of eigkit / best other per case, one bar per size; the line at
    1 separates faster (below) from slower."""
    from matplotlib.figure import Figure
    summary = [row for row in summarize(results) if not math.isnan(row["ratio"])]
    cases = list(dict.fromkeys(row["case"] for row in summary))
    sizes = sorted({row["n"] for row in summary})
    fig = Figure(figsize=(max(5.0, 1.1 * len(cases) * max(1, len(sizes)) ** 0.5 + 2), 3.8),
                 layout="constrained")
    ax = fig.subplots()
    width = 0.8 / max(1, len(sizes))
    for j, n in enumerate(sizes):
        vals = {row["case"]: row["ratio"] for row in summary if row["n"] == n}
        xs = [i + (j - (len(sizes) - 1) / 2) * width for i, c in enumerate(cases) if c in vals]
        ax.bar(xs, [vals[c] for c in cases if c in vals], width, label=f"n={n}")
    ax.axhline(1.0, color="black", lw=1)
    ax.set_xticks(range(len(cases)))
    ax.set_xticklabels(cases, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("eigkit / best other (lower is better)")
    ax.set_yscale("log")
    ax.legend(fontsize=7)
    ax.set_title(title)
    fig.savefig(path, dpi=110)


def draw_all(results, out_dir):
    """Both plots for every suite in ``results`` into ``out_dir``; returns
    ``[{'suite', 'file', 'title'}]``, or [] when matplotlib is missing."""
    import os
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return []
    made = []
    for suite in dict.fromkeys(r.suite for r in results):
        rs = [r for r in results if r.suite == suite]
        for stem, draw, title in (("time_vs_n", time_vs_n, f"{suite}: time against n"),
                                  ("ratio", ratio_bars, f"{suite}: eigkit / best other")):
            name = f"{stem}_{suite}.png"
            draw(rs, os.path.join(out_dir, name), title)
            made.append({"suite": suite, "file": name, "title": title})
    return made
