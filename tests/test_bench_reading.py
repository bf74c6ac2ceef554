"""What makes an ``eigkit bench`` report readable on its own: the legend
under each table, the closing verdict, third-party warnings collected
instead of printed, and rounds added until a short call's median settles.

The timing tests use the fake clock of test_bench_runner, so they check
the rounds exactly and depend on no machine's speed."""
import math
import warnings

import pytest
from test_bench_runner import by_name, clock, costing, problem_of  # noqa: F401 (fixture)

from eigkit.bench import cli, report, runner, suite
from eigkit.bench.legend import legend
from eigkit.bench.runner import Result
from eigkit.bench.verdict import verdict
from eigkit.bench.warning_log import summary_lines


def result(case, contender, median, accuracy=0.0, ok=True, note="", **extra):
    return Result(suite="s", case=case, n=10, contender=contender, median=median,
                  times=[median], accuracy=accuracy, accuracy_ok=ok, accuracy_label="residual",
                  accuracy_limit=1e-6, note=note, **extra)


# ---------------------------------------------------------------------------
# Warnings

def warning_contender(clock, name, message):
    base = costing(clock, name, 0.2)

    def run(data):
        warnings.warn(message, UserWarning)
        return base.run(data)
    return suite.Contender(name, run)


def test_contender_warnings_are_recorded_not_shown(clock):
    noisy = warning_contender(clock, "sklearn", "Graph is not fully connected")
    quiet = costing(clock, "eigkit", 0.2)
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        results = runner.run_problem(problem_of(quiet, noisy), "s", repeat=3, pause=0)
    assert shown == []
    r = by_name(results)
    # the warm-up, the check call of a warm-up under a second, three rounds
    assert r["sklearn"].warnings == {"UserWarning: Graph is not fully connected": 5}
    assert r["eigkit"].warnings == {}
    lines = summary_lines(results)
    assert lines == ["UserWarning: Graph is not fully connected (sklearn x5)"]


def test_warning_summary_merges_contenders_and_problems():
    rows = [result("a", "x", 1.0, warnings={"UserWarning: w": 2}),
            result("b", "x", 1.0, warnings={"UserWarning: w": 1}),
            result("b", "y", 1.0, warnings={"RuntimeWarning: v\nmore": 1})]
    assert summary_lines(rows) == ["RuntimeWarning: v (y x1)", "UserWarning: w (x x3)"]
    assert summary_lines([result("a", "x", 1.0)]) == []


# ---------------------------------------------------------------------------
# Rounds until the median settles

def test_settled():
    assert runner.settled([0.01] * 5)
    assert runner.settled([0.010, 0.011, 0.010, 0.030, 0.010])   # one outlier: the MAD ignores it
    assert not runner.settled([0.010, 0.020, 0.010, 0.020, 0.030])
    assert runner.settled([1.0, 2.0, 3.0])                        # a call of seconds: as timed


def cycling(clock, name, *costs):
    """A contender whose calls cost ``costs`` in turn, over and over."""
    calls = []

    def run(data):
        clock.now += costs[len(calls) % len(costs)]
        calls.append(1)
        return None
    return suite.Contender(name, run)


def test_unsettled_short_calls_get_more_rounds(clock):
    noisy = cycling(clock, "noisy", 0.2, 0.3, 0.4)
    steady = costing(clock, "eigkit", 0.2)
    results = by_name(runner.run_problem(problem_of(steady, noisy), "s", repeat=4, pause=0))
    assert len(results["eigkit"].times) == 4
    # the median absolute deviation of 0.2, 0.3, 0.4, ... stays near a third of the median
    assert len(results["noisy"].times) == 3 * 4
    capped = by_name(runner.run_problem(problem_of(cycling(clock, "noisy", 0.2, 0.3, 0.4)), "s",
                                        repeat=4, pause=0, max_rounds=5))
    assert len(capped["noisy"].times) == 5


def test_long_calls_are_not_extended(clock):
    slow = cycling(clock, "slow", 1.5, 3.0, 4.5)
    r, = runner.run_problem(problem_of(slow), "s", repeat=3, pause=0)
    assert len(r.times) == 3


# ---------------------------------------------------------------------------
# Legend and verdict

def test_legend_explains_every_column_shown():
    rows = [result("k", "eigkit", 1.0, work=10, work_label="matvecs",
                   agreement={"scipy-arpack": 0.0}),
            result("k", "scipy-arpack", 2.0, work=20, work_label="matvecs",
                   agreement={"scipy-arpack": 0.0}),
            result("k", "scipy-lobpcg", 9.0, note="timeout>120s"),
            result("k", "other", 9.0, note="n/a")]
    text = "\n".join(legend(rows))
    for words in ("median s:", "vs eigkit:", "rounds:", "accuracy: residual; lower is better, "
                  "passes below 1e-06; '!' marks a failed check", "matvecs:",
                  "dw/scipy-arpack:", "below 1 eigkit is faster", "note 'timeout'",
                  "note 'n/a'"):
        assert words in text
    assert "no conv" not in text
    summary = "\n".join(legend(rows, summary=True))
    assert "accuracy (eigkit's answer): residual" in summary and "best other:" in summary


def test_verdict_counts_wins_and_checks():
    rows = [result("a", "eigkit", 1.0), result("a", "scipy", 2.0),
            result("b", "eigkit", 1.0), result("b", "scipy", 0.5, accuracy=1.0, ok=False),
            result("c", "eigkit", 1.0), result("c", "scipy", 4.0)]
    lines = verdict(rows)
    gm = math.exp((math.log(0.5) + math.log(2.0) + math.log(0.25)) / 3)
    assert lines[0] == ("Verdict: eigkit was faster than the best other in 2 of 3 problems; "
                        f"geometric mean of eigkit / best other {gm:.2f}.")
    assert lines[1] == "Every eigkit answer passed its accuracy check."
    assert lines[2] == ("1 answers of the other contenders (eigkit's alternative solvers "
                        "included) failed their check (marked '!').")
    failing = verdict([result("a", "eigkit", 1.0, accuracy=1.0, ok=False),
                       result("a", "scipy", 2.0)])
    assert failing[1] == ("eigkit's answer failed its accuracy check or was missing in 1 "
                          "problems: s a n=10.")


def test_run_prints_legends_and_verdict(tmp_path, capsys):
    out = tmp_path / "run"
    assert cli.main(["--suite", "dense", "--sizes", "30", "--cases", "eigvalsh", "--repeat", "1",
                     "--pause", "0", "--round-time", "0.005", "--no-progress",
                     "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Legend:" in printed and "below 1 eigkit is faster" in printed
    assert "Verdict: eigkit was faster than the best other in" in printed
    md = (out / "report.md").read_text()
    assert "## Verdict" in md and "Verdict: eigkit" in md
    assert "- accuracy: " in md and "below 1 eigkit is faster" in md
    doc = report.read_json(out / "results.json")
    assert all(r.accuracy_limit == 60 and r.warnings == {} for r in doc["results"])


@pytest.mark.parametrize("argv", [["--help"], ["bench", "--help"]])
def test_help_is_plain_text(argv, capsys):
    from eigkit.__main__ import main
    try:
        main(argv)
    except SystemExit as exc:
        assert exc.code == 0
    text = capsys.readouterr().out
    assert "eigkit bench" in text and "``" not in text and ":func:" not in text


def test_closing_lines_list_the_collected_warnings():
    rows = [result("a", "eigkit", 1.0), result("a", "sklearn", 2.0,
                                                  warnings={"UserWarning: Graph is not fully "
                                                            "connected": 7})]
    lines = report.closing_lines(rows)
    assert lines[0].startswith("Verdict: eigkit was faster than the best other in 1 of 1")
    assert lines[-2].startswith("Warnings raised by the contenders")
    assert lines[-1] == "  UserWarning: Graph is not fully connected (sklearn x7)"
    assert not any(line.startswith("Warnings") for line in report.closing_lines(rows[:1]))
