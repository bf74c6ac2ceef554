"""``eigkit bench``: a tiny run end to end (results.json schema, report.md,
plots), --compare, the suite registry and the command-line errors.

Sizes are tiny, the pause between rounds is 0 and rounds are short
(--round-time 0.01), so these check the product, not speed."""
import json
import math
import os
import subprocess
import sys
import types

import pytest

from eigkit.bench import cli, suite
from eigkit.bench.plots import fitted_slope
from eigkit.bench.report import SCHEMA, read_json
from eigkit.bench.runner import Result, ratio_to_best_other

TINY_DENSE = ["--suite", "dense", "--sizes", "40,80", "--cases", "eigh,top10", "--repeat", "1",
              "--pause", "0", "--round-time", "0.01", "--no-progress"]


@pytest.fixture(scope="module")
def dense_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("dense")
    assert cli.main(TINY_DENSE + ["--out", str(out)]) == 0
    return out


def test_results_json_schema(dense_run):
    doc = json.loads((dense_run / "results.json").read_text())
    assert doc["schema"] == SCHEMA
    env = doc["environment"]
    for key in ("cpu", "cores", "usable_cores", "python", "eigkit_kernel_threads", "blas"):
        assert key in env
    for pkg in ("eigkit", "numpy", "scipy"):
        assert env["packages"][pkg]
    assert doc["settings"]["sizes"] == {"dense": [40, 80]}
    rows = doc["results"]
    # eigh: 5 contenders, top10: 4, at two sizes
    assert len(rows) == 2 * (5 + 4)
    assert {r["case"] for r in rows} == {"eigh", "top10"}
    for r in rows:
        assert r["median"] > 0 and len(r["times"]) == 1
        # every answer is scored, and LAPACK-quality answers pass
        assert 0 <= r["accuracy"] < 60 and r["accuracy_ok"]
    summary = doc["summary"]
    assert len(summary) == 4
    for s in summary:
        assert s["ratio"] > 0 and s["best_other"] != "eigkit"


def test_results_json_round_trip(dense_run):
    doc = read_json(dense_run / "results.json")
    assert all(isinstance(r, Result) for r in doc["results"])
    ratio, best = ratio_to_best_other([r for r in doc["results"]
                                       if r.case == "eigh" and r.n == 40])
    assert ratio == pytest.approx(next(s["ratio"] for s in doc["summary"]
                                       if s["case"] == "eigh" and s["n"] == 40))


def test_report_md(dense_run):
    text = (dense_run / "report.md").read_text()
    assert "## Environment" in text and "## dense" in text
    assert "| eigh |" in text and "| top10 |" in text
    assert "eigkit / best other" in text


def test_plots_written(dense_run):
    pytest.importorskip("matplotlib")
    for name in ("time_vs_n_dense.png", "ratio_dense.png"):
        data = (dense_run / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    assert "(time_vs_n_dense.png)" in (dense_run / "report.md").read_text()


def test_sparse_suite_tiny(tmp_path, capsys):
    assert cli.main(["--suite", "sparse", "--sizes", "300", "--which", "SA", "--pause", "0",
                     "--round-time", "0.01", "--no-progress", "--out", str(tmp_path)]) == 0
    doc = read_json(tmp_path / "results.json")
    cases = {r.case for r in doc["results"]}
    assert cases == {"laplacian-SA", "random-SA", "knn-SA", "svds-termdoc"}
    for r in doc["results"]:
        assert r.work > 0 and r.work_label == "matvecs"
        # the suite's default rounds (--repeat 5), more until the median settles (at most
        # three times as many), each at least one call
        assert r.note or (5 <= len(r.times) <= 15 and r.calls_per_round >= 1)
        if r.contender in ("eigkit", "scipy-arpack"):
            assert r.accuracy < 1e-6 and r.accuracy_ok
            assert r.agreement["scipy-arpack"] < 1e-8
    out = capsys.readouterr().out
    assert "matvecs" in out and "dw/scipy-arpack" in out


def test_compare(dense_run, tmp_path, capsys):
    doc = json.loads((dense_run / "results.json").read_text())
    for r in doc["results"]:
        if r["contender"] == "eigkit":
            r["median"] *= 3.0
    doc["environment"]["packages"]["eigkit"] = "9.9.9"
    new = tmp_path / "new.json"
    new.write_text(json.dumps(doc))
    assert cli.main(["--compare", str(dense_run / "results.json"), str(new)]) == 0
    out = capsys.readouterr().out
    assert "environment: changed" in out and "eigkit 9.9.9" in out
    eigkit_lines = [line for line in out.splitlines() if " eigkit " in f" {line} "
                    and "3.00" in line]
    assert len(eigkit_lines) == 4 and all("slower" in line for line in eigkit_lines)
    others = [line for line in out.splitlines() if "scipy-evd" in line]
    assert others and all("1.00" in line and "slower" not in line for line in others)


def test_compare_rejects_other_files(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema": "something else"}))
    with pytest.raises(SystemExit) as exc:
        cli.main(["--compare", str(bad), str(bad)])
    assert exc.value.code == 2
    assert "not an eigkit bench results.json" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["--suite", "nonsense"], "unknown suite"),
    (["--suite", "dense", "--cases", "nothing"], "no case matches"),
    (["--suite", "sparse", "--which", "XX", "--sizes", "100"], "unknown which"),
    (["--threads", "0"], "--threads must be a positive integer"),
])
def test_bad_arguments(argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_ml_suite_unavailable_is_explained(capsys):
    try:
        suite.load_suite("ml")
    except suite.SuiteUnavailable:
        pass
    else:
        pytest.skip("the ml suite is available here")
    with pytest.raises(SystemExit) as exc:
        cli.main(["--suite", "ml"])
    assert exc.value.code == 2
    assert "suite 'ml'" in capsys.readouterr().err


def _fake_suite(calls):
    def problems(sizes, quick=False, **options):
        return [suite.Problem(case="square", n=n, setup=lambda n=n: n,
                              contenders=(suite.Contender("eigkit", lambda x: x * x),
                                          suite.Contender("other", lambda x: x ** 2)),
                              accuracy=lambda data, ans: abs(ans - data * data),
                              accuracy_label="error", accuracy_limit=0.5)
                for n in sizes]
    calls.append(1)
    return suite.Suite("fake", "a test suite", problems, sizes=(2, 3), quick_sizes=(2,))


def test_registry_is_generic(monkeypatch, tmp_path):
    module = types.ModuleType("eigkit_fake_suite")
    module.SUITE = _fake_suite([])
    monkeypatch.setitem(sys.modules, "eigkit_fake_suite", module)
    monkeypatch.setitem(suite.REGISTRY, "fake", ("eigkit_fake_suite", ()))
    monkeypatch.setitem(suite.REGISTRY, "needy", ("eigkit_fake_suite", ("no_such_module_xyz",)))
    assert suite.load_suite("fake") is module.SUITE
    with pytest.raises(suite.SuiteUnavailable, match="needs no_such_module_xyz"):
        suite.load_suite("needy")
    status = suite.suite_status()
    assert status["fake"] is module.SUITE and "no_such_module_xyz" in status["needy"]
    assert cli.main(["--suite", "fake", "--pause", "0", "--round-time", "0.01", "--no-progress",
                     "--out", str(tmp_path)]) == 0
    doc = read_json(tmp_path / "results.json")
    assert [(r.n, r.contender, r.accuracy) for r in doc["results"]] == [
        (2, "eigkit", 0), (2, "other", 0), (3, "eigkit", 0), (3, "other", 0)]


def test_threads_option_limits_and_restores(tmp_path, monkeypatch):
    pytest.importorskip("threadpoolctl")
    monkeypatch.delenv("EIGKIT_NUM_THREADS", raising=False)
    assert cli.main(TINY_DENSE[:-1] + ["--sizes", "30", "--threads", "1", "--out",
                                       str(tmp_path)]) == 0
    env = read_json(tmp_path / "results.json")["environment"]
    assert env["eigkit_kernel_threads"] == 1
    assert env["thread_variables"]["EIGKIT_NUM_THREADS"] == "1"
    assert all(lib["num_threads"] == 1 for lib in env["blas"] if lib["user_api"] == "blas")
    assert "EIGKIT_NUM_THREADS" not in os.environ


def test_python_m_eigkit_bench():
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(cli.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [os.path.dirname(root),
                                                      env.get("PYTHONPATH")]))
    proc = subprocess.run([sys.executable, "-m", "eigkit", "bench", "--suite", "dense",
                           "--sizes", "30", "--cases", "eigvalsh", "--repeat", "1", "--pause",
                           "0", "--no-progress"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "eigkit / best other" in proc.stdout and "scipy-evd" in proc.stdout


def test_fitted_slope_recovers_the_exponent():
    ns = [100, 200, 400, 800]
    assert fitted_slope(ns, [2e-9 * n ** 3 for n in ns]) == pytest.approx(3.0)
    assert math.isnan(fitted_slope([100], [1.0]))


def test_ratio_skips_failed_contenders():
    rows = [Result("s", "c", 10, "eigkit", 2.0, [2.0], 0.0, True),
            Result("s", "c", 10, "fast-but-failed", 0.5, [0.5], math.nan, False,
                   note="timeout>1s"),
            Result("s", "c", 10, "other", 4.0, [4.0], 0.0, True)]
    assert ratio_to_best_other(rows) == (0.5, "other")


def test_contenders_filter_keeps_eigkit_and_the_named(tmp_path):
    assert cli.main(["--suite", "sparse", "--sizes", "400", "--cases", "laplacian",
                     "--which", "LA", "--contenders", "scipy-arpack", "--repeat", "1",
                     "--pause", "0", "--round-time", "0.01", "--no-progress",
                     "--out", str(tmp_path)]) == 0
    rows = json.loads((tmp_path / "results.json").read_text())["results"]
    assert sorted(r["contender"] for r in rows) == ["eigkit", "scipy-arpack"]
    eigkit_row = next(r for r in rows if r["contender"] == "eigkit")
    # eigkit's matvecs come from its info record: a real, positive count
    assert eigkit_row["work"] > 0 and eigkit_row["accuracy_ok"]


@pytest.mark.parametrize("with_tqdm", [True, False])
def test_progress_total_grows_with_extra_rounds(with_tqdm, monkeypatch):
    # calls whose rounds still spread take up to --max-rounds: the counter
    # must never show more rounds done than its total
    import io
    from eigkit.bench import progress
    if not with_tqdm:
        monkeypatch.setitem(sys.modules, "tqdm", None)
    elif progress_tqdm_missing():
        pytest.skip("tqdm is not installed")
    stream = io.StringIO()
    bar = progress.progress_bar(4, stream=stream)
    bar.set_description("first")
    bar.update(3)
    bar.update(3)
    bar.set_description("second")
    bar.close()
    if not with_tqdm:
        assert stream.getvalue().splitlines()[-1].startswith("[6/6 rounds]")
    else:
        assert bar.bar.total == 6 and bar.bar.n == 6


def progress_tqdm_missing():
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return True
    return False
