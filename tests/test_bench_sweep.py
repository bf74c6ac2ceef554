"""``eigkit bench --suite sweep``: its rows at full and quick sizes, what
--sizes does to them, a run end to end on tiny sizes of the same families,
its place in --quick and --suite all, and its one-row-per-problem table.

Sizes are tiny, the pause is 0 and rounds are short, so these check the
product, not speed."""
import math

import pytest

from eigkit.bench import cli, report, runner, sweep_cases


def test_sweep_rows_full_and_quick():
    rows = [(p.case, p.n) for p in sweep_cases.problems()]
    expected = [(c, n) for n in (10, 30, 100, 300, 1000) for c in ("eigh", "eigvalsh")]
    expected += [("eigh-stack", n) for n in (3, 8, 32)]
    expected += [(c, n) for n in (500, 2000, 5000, 20000) for c in ("random-LA", "knn-LA")]
    expected += [("svds-termdoc", n) for n in (1000, 3000, 10000)]
    if not sweep_cases.missing():
        expected += [("pca-300f", 20000), ("pca-50f", 100000), ("pca-500f", 2000)]
    assert rows == expected
    quick = sweep_cases.problems(quick=True)
    assert 0 < len(quick) < len(rows) and {(p.case, p.n) for p in quick} <= set(rows)
    # the contenders are those of the dense, sparse and ml suites
    names = {p.case: {c.name for c in p.contenders} for p in sweep_cases.problems()}
    assert names["eigh-stack"] == names["eigh"] == {"eigkit", "scipy-evd", "scipy-evr",
                                                    "scipy-ev", "numpy"}
    assert names["knn-LA"] >= {"eigkit", "scipy-arpack", "scipy-lobpcg"}
    assert names["svds-termdoc"] == {"eigkit", "scipy-arpack", "scipy-lobpcg"}
    if "pca-50f" in names:
        assert {"eigkit", "sklearn-arpack", "sklearn-randomized"} <= names["pca-50f"]


def test_sweep_sizes_option():
    sizes = sweep_cases.family_sizes((50, 400))
    assert sizes["dense"] == (50, 400)
    assert sizes["sparse"] == sizes["svds"] == (400,)     # sparse rows from n = 100
    assert sizes["stack"] == sweep_cases.FAMILIES["stack"].sizes   # two numbers: kept
    rows = {(p.case, p.n) for p in sweep_cases.problems((50, 400), which=["SA"])}
    assert ("random-SA", 400) in rows and ("eigh", 50) in rows and ("knn-SA", 50) not in rows


@pytest.fixture
def tiny_sweep(monkeypatch):
    """The sweep's families on tiny sizes (the same builders)."""
    tiny = {"dense": (12, 24), "stack": ((40, 3),), "sparse": (150,), "svds": (200,),
            "pca": ((300, 20),)}
    families = {name: type(f)(**{**f.__dict__, "sizes": tiny[name], "quick_sizes": tiny[name][:1]})
                for name, f in sweep_cases.FAMILIES.items()}
    monkeypatch.setattr(sweep_cases, "FAMILIES", families)
    return families


def test_sweep_suite_runs_and_lists_one_row_per_problem(tiny_sweep, tmp_path, capsys):
    assert cli.main(["--suite", "sweep", "--repeat", "1", "--pause", "0", "--round-time", "0.005",
                     "--no-progress", "--out", str(tmp_path)]) == 0
    doc = report.read_json(tmp_path / "results.json")
    problems = [(s["case"], s["n"]) for s in doc["summary"]]
    expected = [("eigh", 12), ("eigvalsh", 12), ("eigh", 24), ("eigvalsh", 24),
                ("eigh-stack", 3), ("random-LA", 150), ("knn-LA", 150), ("svds-termdoc", 200)]
    with_pca = not sweep_cases.missing()
    expected += [("pca-20f", 300)] if with_pca else []
    assert problems == expected
    for s in doc["summary"]:
        assert s["best_other"] and not s["best_other"].startswith("eigkit")
        assert s["ratio"] > 0 and s["eigkit_accuracy_ok"]
    assert doc["settings"]["sizes"]["sweep"]["eigh"] == [12, 24]
    out = capsys.readouterr().out
    table = out[out.index("== sweep =="):out.index("geometric mean")]
    assert "eigkit / best other" in table and "best other" in table
    # one line per problem, under the title, a header and a rule
    assert len(table.strip().splitlines()) == 3 + len(expected)
    md = (tmp_path / "report.md").read_text()
    assert "| eigh-stack | 3 |" in md


def test_sweep_without_sklearn_leaves_out_pca_rows(tiny_sweep, monkeypatch, capsys):
    real = sweep_cases._unmet
    monkeypatch.setattr(sweep_cases, "_unmet",
                        lambda m: "No module named 'sklearn'" if m == "sklearn" else real(m))
    assert not any(p.case.startswith("pca") for p in sweep_cases.problems())
    assert cli.main(["--suite", "sweep", "--cases", "eigh-stack", "--repeat", "1", "--pause", "0",
                     "--round-time", "0.005", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "skipped: suite 'sweep': the pca rows need sklearn" in out


def test_sweep_is_in_all_but_not_in_the_default_quick_run():
    parser = cli.build_parser()
    names = [s.name for s in cli._chosen_suites(parser, None, quick=True)[0]]
    skipped = cli._chosen_suites(parser, None, quick=True)[1]
    assert "sweep" not in names and any("'sweep' is not part of --quick" in s for s in skipped)
    assert "sweep" in [s.name for s in cli._chosen_suites(parser, None)[0]]
    assert "sweep" in [s.name for s in cli._chosen_suites(parser, "all", quick=True)[0]]
    assert [s.name for s in cli._chosen_suites(parser, "sweep", quick=True)[0]] == ["sweep"]




def test_summary_rows_name_the_best_other():
    rows = [runner.Result("s", "c", 10, "eigkit", 2e-5, [2e-5], 0.0, True, calls_per_round=9000),
            runner.Result("s", "c", 10, "eigkit-alt", 1e-5, [1e-5], 0.0, True),
            runner.Result("s", "c", 10, "numpy", 1e-5, [1e-5], 0.0, True),
            runner.Result("s", "c", 10, "scipy", 4e-5, [4e-5], math.nan, False)]
    heads, (row,) = report.summary_rows(rows)
    cells = dict(zip(heads, row))
    assert cells["best other"] == "numpy" and cells["eigkit / best other"] == "2.00"
    assert cells["eigkit s"] == "2.000e-05" and cells["rounds"] == "1x9000"
