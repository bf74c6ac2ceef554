"""``eigkit bench --compare old.json new.json``: what changed between two
runs, problem by problem and contender by contender."""
from . import environment
from .report import _aligned, _fmt, read_json
from .runner import geometric_mean, summarize

#: a median that moved by more than this factor is flagged
CHANGE = 1.10


def _key(r):
    return (r.suite, r.case, r.n, r.contender)


def _flag(old, new):
    if old.accuracy_ok and not new.accuracy_ok and not new.note:
        return "accuracy lost"
    if new.note and not old.note:
        return new.note
    ratio = new.median / old.median if old.median > 0 else float("nan")
    if ratio > CHANGE:
        return "slower"
    if ratio < 1 / CHANGE:
        return "faster"
    return ""


def environment_changes(old_env, new_env):
    """Lines naming what differs between two environments (CPU, cores,
    BLAS, package versions, thread settings)."""
    old_lines = environment.describe(old_env)
    new_lines = environment.describe(new_env)
    gone = [f"- {line}" for line in old_lines if line not in new_lines]
    came = [f"+ {line}" for line in new_lines if line not in old_lines]
    return gone + came


def compare_documents(old, new):
    """The comparison as text: environment differences, every contender
    found in both runs (old and new medians, new/old, accuracy), eigkit /
    best other before and after, and what exists in one run only."""
    old_rows = {_key(r): r for r in old["results"]}
    new_rows = {_key(r): r for r in new["results"]}
    heads = ["suite", "case", "n", "contender", "old s", "new s", "new/old",
             "old acc", "new acc", "flag"]
    rows = []
    for key, nr in new_rows.items():
        orow = old_rows.get(key)
        if orow is None:
            continue
        rows.append([*map(str, key), _fmt(orow.median, ".4f"), _fmt(nr.median, ".4f"),
                     _fmt(nr.median / orow.median if orow.median else float("nan"), ".2f"),
                     _fmt(orow.accuracy, ".2g"), _fmt(nr.accuracy, ".2g"), _flag(orow, nr)])
    old_sum = {(s["suite"], s["case"], s["n"]): s["ratio"] for s in summarize(old["results"])}
    new_sum = {(s["suite"], s["case"], s["n"]): s["ratio"] for s in summarize(new["results"])}
    ratio_rows = [[*map(str, k), _fmt(old_sum[k], ".2f"), _fmt(v, ".2f")]
                  for k, v in new_sum.items() if k in old_sum]
    both = [k for k in new_sum if k in old_sum]
    text = ["environment: " + ("unchanged" if not environment_changes(
        old["environment"], new["environment"]) else "changed")]
    text += environment_changes(old["environment"], new["environment"])
    if not rows:
        text.append("no problem was run in both files")
        return "\n".join(text)
    text += ["", _aligned(heads, rows, left=(0, 1, 3, -1)), "",
             _aligned(["suite", "case", "n", "old eigkit/best", "new eigkit/best"], ratio_rows,
                      left=(0, 1)),
             "", "geometric mean of eigkit / best other: "
             f"old {_fmt(geometric_mean(old_sum[k] for k in both), '.2f')}, "
             f"new {_fmt(geometric_mean(new_sum[k] for k in both), '.2f')}"]
    only_old = sorted({k[:3] for k in old_rows} - {k[:3] for k in new_rows})
    only_new = sorted({k[:3] for k in new_rows} - {k[:3] for k in old_rows})
    text += [f"only in old: {' '.join(f'{s}/{c}/n={n}' for s, c, n in only_old)}"] if only_old else []
    text += [f"only in new: {' '.join(f'{s}/{c}/n={n}' for s, c, n in only_new)}"] if only_new else []
    return "\n".join(text)


def compare_files(old_path, new_path):
    """:func:`compare_documents` on two results.json files."""
    return compare_documents(read_json(old_path), read_json(new_path))

