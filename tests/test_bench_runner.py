"""How ``eigkit bench`` times: calibrated rounds of short calls, fewer
rounds of long ones, contender order rotated per round, and the
results.json schema that records them.

The runner's clock is replaced by a fake one that only the contenders
advance, so calibration and rounds are checked exactly; nothing here
depends on how fast the machine is."""
import json
import types

import pytest

from eigkit.bench import cli, report, runner, suite


class FakeClock:
    """``perf_counter`` and ``sleep`` for the runner: time moves only when
    a contender runs or the runner pauses; every call and pause is logged."""

    def __init__(self):
        self.now = 0.0
        self.log = []

    def perf_counter(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds
        self.log.append("|")


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(runner, "time", types.SimpleNamespace(perf_counter=fake.perf_counter,
                                                              sleep=fake.sleep))
    return fake


def costing(clock, name, *costs, note=""):
    """A contender whose k-th call takes costs[k] seconds of fake time
    (the last cost for every later call)."""
    calls = []

    def run(data):
        clock.now += costs[min(len(calls), len(costs) - 1)]
        calls.append(1)
        clock.log.append(name)
        return types.SimpleNamespace(value=data, note=note)
    run.calls = calls
    return suite.Contender(name, run)


def problem_of(*contenders):
    return suite.Problem(case="fake", n=1, setup=lambda: 1, contenders=contenders,
                         accuracy=lambda data, answer: 0.0, accuracy_label="none",
                         accuracy_limit=1.0)


def by_name(results):
    return {r.contender: r for r in results}


# ---------------------------------------------------------------------------
# Calibration

def test_short_call_is_batched_into_rounds_of_round_time(clock):
    fast = costing(clock, "eigkit", 0.003)
    result, = runner.run_problem(problem_of(fast), "s", repeat=5, pause=0.3)
    # ceil(0.1 / 0.003) = 34 calls make the first batch last 0.102 s >= 0.1 s
    assert result.calls_per_round == 34
    assert len(result.times) == 5
    # per-call time = round time / calls, exactly, with this clock
    assert result.times == pytest.approx([0.003] * 5)
    assert result.median == pytest.approx(0.003)
    assert result.warmup == pytest.approx(0.003)
    # warm-up, calibration batch, 5 timed rounds
    assert len(fast.run.calls) == 1 + 34 + 5 * 34


def test_calibration_recovers_from_a_slow_first_call(clock):
    # the warm-up pays a one-time cost (an import, say): 20 ms, then 1 ms a call
    c = costing(clock, "eigkit", 0.02, 0.001)
    result, = runner.run_problem(problem_of(c), "s", repeat=5, pause=0)
    # a batch sized from the warm-up (5 calls) lasts 5 ms, too short; the next
    # is sized from its per-call time with a 20 % margin: ceil(1.2 * 0.1 / 0.001)
    assert 120 <= result.calls_per_round <= 121   # (give or take the last bit of a float)
    assert result.calls_per_round * min(result.times) >= runner.ROUND_SECONDS
    assert result.median == pytest.approx(0.001)
    assert result.warmup == pytest.approx(0.02)


def test_calibrate_directly(clock):
    c = costing(clock, "x", 0.0004)
    calls, per_call = runner.calibrate(c.run, None, warm=0.0004, round_time=0.05)
    assert 125 <= calls <= 126 and per_call == pytest.approx(0.0004)
    assert calls * per_call >= 0.999 * 0.05
    # a call of round_time or more is one call per round (checked once more
    # when under a second: the warm-up may have paid one-time costs)
    slow = costing(clock, "y", 0.3)
    assert runner.calibrate(slow.run, None, warm=0.5, round_time=0.1) == (1, pytest.approx(0.3))
    assert runner.calibrate(slow.run, None, warm=2.0, round_time=0.1) == (1, 2.0)


def test_round_time_option_sets_the_batch(clock):
    c = costing(clock, "eigkit", 0.0013)
    result, = runner.run_problem(problem_of(c), "s", repeat=5, pause=0, round_time=0.01)
    assert result.calls_per_round == 8 and len(result.times) == 5    # ceil(0.01 / 0.0013)


def test_rounds_for_long_calls():
    assert runner.rounds_for(0.001, 5) == 5
    assert runner.rounds_for(0.5, 5) == 5
    assert runner.rounds_for(3.0, 5) == 5          # 5 x 3 s fits in LONG_TIMING_SECONDS
    assert runner.rounds_for(8.0, 5) == 2          # 20 s // 8 s
    assert runner.rounds_for(25.0, 5) == 1         # at least one
    assert runner.rounds_for(runner.SLOW_SECONDS, 5) == 0
    assert runner.rounds_for(0.001, 1) == 1        # --repeat 1 is one round


def test_long_and_slow_calls_keep_few_rounds(clock):
    short = costing(clock, "eigkit", 0.03)
    long = costing(clock, "long", 8.0)
    slow = costing(clock, "slow", 40.0)
    results = by_name(runner.run_problem(problem_of(short, long, slow), "s", repeat=5, pause=0))
    assert len(results["eigkit"].times) == 5 and results["eigkit"].calls_per_round == 4
    assert results["long"].times == pytest.approx([8.0, 8.0])
    assert results["long"].calls_per_round == 1
    # the slow one is called once: its warm-up's time stands
    assert results["slow"].times == pytest.approx([40.0]) and len(slow.run.calls) == 1
    assert report.rounds_cell(results["slow"]) == "warm-up"
    assert report.rounds_cell(results["eigkit"]) == "5x4"


def test_answer_with_a_note_is_not_timed_again(clock):
    ok = costing(clock, "eigkit", 0.05)
    failed = costing(clock, "other", 0.002, note="no conv")
    results = by_name(runner.run_problem(problem_of(ok, failed), "s", repeat=3, pause=0))
    assert len(failed.run.calls) == 1
    assert results["other"].note == "no conv"
    assert results["other"].times == pytest.approx([0.002])
    assert len(results["eigkit"].times) == 3


# ---------------------------------------------------------------------------
# Interleaving

def test_rotated():
    assert runner.rotated("abc", 0) == list("abc")
    assert runner.rotated("abc", 1) == list("bca")
    assert runner.rotated("abc", 5) == list("cab")
    assert runner.rotated([], 3) == []


def test_contender_order_rotates_every_round_after_a_pause(clock):
    contenders = [costing(clock, name, 0.2) for name in ("a", "b", "c")]
    runner.run_problem(problem_of(*contenders), "s", repeat=4, pause=0.3)
    # every pause starts a round: the contender called right after it
    starts = [clock.log[i + 1] for i, x in enumerate(clock.log) if x == "|"]
    assert starts == list("abc" "bca" "cab" "abc")
    # each round is one contender's calls alone (here 1 call of 0.2 s)
    rounds = "".join(clock.log[clock.log.index("|"):]).split("|")[1:]
    assert all(len(set(r)) == 1 for r in rounds)


def test_pause_before_every_round_only(clock):
    a = costing(clock, "eigkit", 0.004)
    b = costing(clock, "other", 0.2)
    runner.run_problem(problem_of(a, b), "s", repeat=5, pause=0.3)
    assert clock.log.count("|") == 10       # 2 contenders x 5 rounds, no pause for warm-ups


def test_progress_ticks_add_up_to_the_bound(clock):
    ticks = []
    contenders = [costing(clock, "eigkit", 0.01), costing(clock, "slow", 45.0),
                  costing(clock, "long", 9.0)]
    problem = problem_of(*contenders)
    runner.run_problem(problem, "s", repeat=5, pause=0, tick=ticks.append)
    assert sum(ticks) == runner.rounds_needed(problem, 5)


# ---------------------------------------------------------------------------
# results.json

def test_results_json_schema_is_versioned(tmp_path):
    assert report.SCHEMA == "eigkit-bench/3"
    out = tmp_path / "run"
    assert cli.main(["--suite", "dense", "--sizes", "20", "--cases", "eigvalsh", "--repeat", "2",
                     "--max-rounds", "2", "--pause", "0", "--round-time", "0.005",
                     "--no-progress", "--out", str(out)]) == 0
    doc = json.loads((out / "results.json").read_text())
    assert doc["schema"] == "eigkit-bench/3"
    assert doc["settings"]["round_time"] == 0.005 and doc["settings"]["repeat"] == {"dense": 2}
    for row in doc["results"]:
        assert set(row) >= {"median", "times", "calls_per_round", "warmup", "accuracy_limit",
                            "warnings"}
        assert len(row["times"]) == 2 and row["calls_per_round"] >= 1 and row["warmup"] > 0
    # a file of the previous schema (one call per round, no warm-up time) still reads
    old = dict(doc, schema="eigkit-bench/1",
               results=[{k: v for k, v in row.items()
                         if k not in ("calls_per_round", "warmup", "accuracy_limit", "warnings")}
                        for row in doc["results"]])
    (tmp_path / "old.json").write_text(json.dumps(old))
    rows = report.read_json(tmp_path / "old.json")["results"]
    assert all(r.calls_per_round == 1 and r.warmup is None for r in rows)
    assert cli.main(["--compare", str(tmp_path / "old.json"), str(out / "results.json")]) == 0


def test_bad_timing_options(capsys):
    for argv in (["--repeat", "0"], ["--round-time", "0"], ["--pause", "-1"],
                 ["--max-rounds", "0"]):
        with pytest.raises(SystemExit) as exc:
            cli.main(argv)
        assert exc.value.code == 2
    assert "--repeat must be a positive integer" in capsys.readouterr().err
