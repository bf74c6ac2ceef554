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
    """Bars of eigkit / best other per case, one bar per size (labelled
    with its n: a grid Laplacian's order is a square near the requested
    size); the line at 1 separates faster (below) from slower."""
    from matplotlib.figure import Figure
    summary = [row for row in summarize(results) if not math.isnan(row["ratio"])]
    by_case = {}
    for row in summary:
        by_case.setdefault(row["case"], []).append(row)
    per_case = max((len(rows) for rows in by_case.values()), default=1)
    fig = Figure(figsize=(min(16.0, 2.0 + 0.45 * per_case * len(by_case)), 3.8),
                 layout="constrained")
    ax = fig.subplots()
    width = 0.8 / per_case
    for i, rows in enumerate(by_case.values()):
        rows.sort(key=lambda r: r["n"])
        for j, row in enumerate(rows):
            x = i + (j - (len(rows) - 1) / 2) * width
            ax.bar(x, row["ratio"], width, color=f"C{j}")
            ax.annotate(f"{row['n']}", (x, row["ratio"]), ha="center", va="bottom", fontsize=6)
    ax.axhline(1.0, color="black", lw=1)
    ax.set_xticks(range(len(by_case)))
    ax.set_xticklabels(list(by_case), rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("eigkit / best other (lower is better)")
    ax.set_yscale("log")
    ax.set_title(title + " (bar labels: n)")
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
