"""The tunables of the Python layer (eigkit._tuning): the table, the
EIGKIT_TUNE environment variable, eigkit.config.set_tunables / tunables,
their report in show_config, and an override changing a decision."""
import json
import math
import os
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

import eigkit
from eigkit import _tuning, config
from matrices import hermitian

NAMES = [t.name for t in _tuning.TUNABLES]
ROOT = pathlib.Path(__file__).resolve().parents[1]


def run_with_environment(tune, script):
    """The JSON that ``script`` prints, run in a fresh interpreter with
    EIGKIT_TUNE set to ``tune``."""
    env = dict(os.environ, EIGKIT_TUNE=tune)
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_table_describes_every_tunable():
    assert len(set(NAMES)) == len(NAMES)
    for t in _tuning.TUNABLES:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", t.name), t.name
        assert t.unit and t.decides.endswith(".") and t.where.startswith("eigkit")
        assert t.check(t.default) == t.default
    assert config.get_tunables() == {t.name: t.default for t in _tuning.TUNABLES}


def test_every_tunable_is_read_and_every_name_read_exists():
    read = set()
    for path in (ROOT / "src" / "eigkit").rglob("*.py"):
        text = path.read_text()
        read |= set(re.findall(r"_tuning\.value\(\"(\w+)\"\)", text))
        read |= set(re.findall(r"_tuning\.overridden\((\w+)=", text))
    assert read == set(NAMES)


def test_the_documentation_has_a_section_per_tunable():
    page = ROOT / "docs" / "tuning.rst"
    if not page.exists():
        pytest.skip("docs/ is not shipped with this installation")
    text = page.read_text()
    for name in NAMES:
        assert re.search(rf"^{name}\n~+$", text, re.MULTILINE), name


def test_environment_variable_sets_values_at_import():
    values = run_with_environment(
        " two_stage_min_order=100 ,pca_randomized_product_cost=5.5,"
        "krylov_subset_cost_orders=100:200,krylov_subset_cost_per_order=1:2.5,",
        "import json, eigkit; cfg = eigkit.show_config(mode='dicts'); "
        "print(json.dumps({t['name']: [t['value'], t['overridden']] "
        "for t in cfg['tunables']['python']}))")
    assert values["two_stage_min_order"] == [100, True]
    assert values["pca_randomized_product_cost"] == [5.5, True]
    assert values["krylov_subset_cost_orders"] == [[100, 200], True]
    assert values["krylov_subset_cost_per_order"] == [[1.0, 2.5], True]
    assert values["knn_max_features"] == [64, False]


def test_environment_variable_ignores_bad_entries_with_a_warning():
    found = run_with_environment(
        "no_such_knob=3,two_stage_min_order=many,knn_max_features=10,dask_split_every=1,"
        "krylov_subset_cost_orders=1:2,eigsh_block_size",
        "import json, warnings\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    import eigkit.config\n"
        "print(json.dumps({'values': eigkit.config.get_tunables(), "
        "'warnings': [(w.category.__name__, str(w.message)) for w in caught]}))")
    values = found["values"]
    assert values["knn_max_features"] == 10   # the valid entry still applies
    assert values["two_stage_min_order"] == 2500
    assert values["dask_split_every"] == 8
    assert values["krylov_subset_cost_orders"] == [500, 1000, 2000, 3000]
    assert values["eigsh_block_size"] == 1
    messages = [m for category, m in found["warnings"] if category == "RuntimeWarning"]
    assert len(messages) == 5
    for needle in ("'no_such_knob'", "'two_stage_min_order'", "'dask_split_every'",
                   "krylov_subset_cost_orders", "'eigsh_block_size'"):
        assert any(needle in m and m.startswith("EIGKIT_TUNE") for m in messages), needle
    unknown = next(m for m in messages if "no_such_knob" in m)
    assert all(name in unknown for name in NAMES)


def test_set_tunables_returns_the_previous_values_which_restore_them():
    previous = config.set_tunables(two_stage_min_order=3000, krylov_subset_budget=0.5)
    try:
        assert previous == {"two_stage_min_order": 2500, "krylov_subset_budget": 0.8}
        assert _tuning.value("two_stage_min_order") == 3000
        assert _tuning.value("krylov_subset_budget") == 0.5
    finally:
        assert config.set_tunables(**previous) == {"two_stage_min_order": 3000,
                                                    "krylov_subset_budget": 0.5}
    assert config.get_tunables()["two_stage_min_order"] == 2500


def test_tunables_restores_the_values_after_the_block_even_on_error():
    with pytest.raises(RuntimeError):
        with config.tunables(components_dense_order=7,
                             krylov_subset_cost_per_order=[1, 2, 3, 4]):
            assert _tuning.value("components_dense_order") == 7
            assert _tuning.value("krylov_subset_cost_per_order") == (1.0, 2.0, 3.0, 4.0)
            raise RuntimeError
    assert _tuning.value("components_dense_order") == 128
    assert _tuning.value("krylov_subset_cost_per_order") == (0.27, 0.38, 0.4, 0.6)


def test_unknown_names_raise_with_the_known_names():
    with pytest.raises(ValueError, match="unknown tunable 'two_stage_order'") as info:
        config.set_tunables(two_stage_order=10)
    assert all(name in str(info.value) for name in NAMES)
    with pytest.raises(ValueError, match="unknown tunable"):
        with config.tunables(nothing=1):
            pytest.fail("the block must not run")


@pytest.mark.parametrize("name, bad", [
    ("two_stage_min_order", 2500.0),       # an order is an integer
    ("two_stage_min_order", -1),
    ("two_stage_min_order", True),
    ("two_stage_min_order", "2500"),
    ("krylov_subset_block", 0),
    ("krylov_subset_budget", 0.0),
    ("krylov_subset_budget", math.nan),
    ("pca_lanczos_pass_cost", math.inf),
    ("dask_split_every", 1),               # a tree of one per task never ends
    ("krylov_subset_cost_orders", (1000, 500, 2000, 3000)),
    ("krylov_subset_cost_orders", ()),
    ("krylov_subset_cost_orders", "500"),
    ("krylov_subset_cost_per_order", (0.3, -0.4, 0.5, 0.6)),
    ("krylov_subset_cost_per_order", (0.3, 0.4)),   # the orders have four entries
])
def test_bad_values_raise_and_change_nothing(name, bad):
    before = config.get_tunables()
    with pytest.raises(ValueError, match=rf"{name}"):
        config.set_tunables(eigsh_block_size=4, **{name: bad})
    assert config.get_tunables() == before


def test_tables_change_together():
    with config.tunables(krylov_subset_cost_orders=(100, 200),
                         krylov_subset_cost_per_order=(1.0, 2.0)):
        from eigkit._linalg.krylov_subset import direct_cost
        assert direct_cost(150) == 150 * 1.5


def test_show_config_lists_every_tunable(capsys):
    with config.tunables(knn_max_features=32):
        cfg = eigkit.show_config(mode="dicts")
        eigkit.show_config()
        printed = json.loads(capsys.readouterr().out)
    python = cfg["tunables"]["python"]
    assert [t["name"] for t in python] == NAMES
    for entry, t in zip(python, _tuning.TUNABLES):
        assert set(entry) == {"name", "value", "default", "unit", "overridden", "decides",
                              "where"}
        assert (entry["unit"], entry["decides"], entry["default"]) == (t.unit, t.decides,
                                                                      t.default)
        assert entry["overridden"] == (t.name == "knn_max_features")
    assert next(t for t in python if t["name"] == "knn_max_features")["value"] == 32
    assert isinstance(cfg["tunables"]["compiled"], list)
    assert [t["name"] for t in printed["tunables"]["python"]] == NAMES


def test_the_command_line_prints_the_tunables(capsys):
    from eigkit.__main__ import main
    assert main(["config"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert [t["name"] for t in printed["tunables"]["python"]] == NAMES


def test_an_override_changes_the_decision_at_the_next_call(two_stage_calls):
    """two_stage_min_order lowered: eigvalsh of a small matrix takes the
    two-stage kernel, without re-import; restored: it does not."""
    calls = two_stage_calls
    a = hermitian("random", 30, np.float64, seed=3)
    expected = eigkit.eigvalsh(a)
    assert calls == []
    with config.tunables(two_stage_min_order=30, batched_max_order=0):
        w = eigkit.eigvalsh(a)
    assert calls == [30]
    np.testing.assert_allclose(w, expected, rtol=0, atol=1e-12 * np.abs(expected).max())
    eigkit.eigvalsh(a)
    assert calls == [30]
