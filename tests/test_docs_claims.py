"""Claims of the documentation that the code could silently outgrow: which
binding serves which call, how many extension modules there are, which
solver PCA's 'auto' picks, the crossovers the pages quote, and that the
API reference lists every public name.  Each test reads the claim from the
page itself, so the page and the code cannot drift apart unnoticed."""
import importlib
import importlib.machinery
import pathlib
import re
import sys

import numpy as np
import pytest
import scipy.sparse as sp

import eigkit
from eigkit import _tuning
from eigkit._kernels import common

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
pytestmark = pytest.mark.skipif(not DOCS.is_dir(), reason="docs/ is not beside the tests")


def _page(name):
    return (DOCS / name).read_text()


def simple_table(text, first_header):
    """The rows (lists of cells) of the reST simple table of ``text`` whose
    header starts with ``first_header``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(first_header))
    rows = []
    for line in lines[start + 2:]:
        if line.startswith("=="):
            break
        rows.append(re.split(r"\s{2,}", line.strip()))
    return rows


# ---------------------------------------------------------------------------
# Which kernel serves which call (docs/architecture.rst)

def _symmetric(n, rng, decay=False):
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    w = 0.5 ** np.arange(n) if decay else rng.standard_normal(n)
    return (q * w) @ q.T


def _sklearn(name):
    pytest.importorskip("sklearn")
    return getattr(eigkit, name)


# Each documented call, as a small problem that takes the same path (the
# orders of the page are the tunables' defaults; a smaller crossover here
# keeps the test quick).
CALLS = {
    "eigh(a), order up to 96": lambda rng: eigkit.eigh(_symmetric(50, rng)),
    "eigh(a), order above 96": lambda rng: eigkit.eigh(_symmetric(120, rng)),
    "eigh(stack of small matrices)": lambda rng: eigkit.eigh(rng.standard_normal((100, 3, 3))),
    "eigh(a, b)": lambda rng: eigkit.eigh(_symmetric(120, rng), np.eye(120) * 2),
    "eigvalsh(a), order 2500 or more": lambda rng: _with(
        {"two_stage_min_order": 150}, eigkit.eigvalsh, _symmetric(200, rng)),
    "eigh(a, subset_by_index=top 10), order 1000+": lambda rng: _with(
        {"krylov_subset_min_order": 300, "krylov_subset_budget": 1e3}, eigkit.eigh, _symmetric(600, rng, decay=True),
        subset_by_index=[590, 599]),
    "eigh_tridiagonal(d, e)": lambda rng: eigkit.eigh_tridiagonal(np.full(200, 2.0),
                                                                  -np.ones(199)),
    "eigsh(csr matrix)": lambda rng: eigkit.eigsh(
        sp.random(300, 300, density=0.05, random_state=1, format="csr")
        + sp.random(300, 300, density=0.05, random_state=1, format="csr").T, k=3),
    "svds(csr matrix)": lambda rng: eigkit.svds(
        sp.random(300, 200, density=0.05, random_state=1, format="csr"), k=3),
    "PCA(svd_solver='covariance_eigh').fit(X)": lambda rng: _sklearn("PCA")(
        3, svd_solver="covariance_eigh").fit(rng.standard_normal((400, 30))),
    "PCA(svd_solver='lanczos').fit(X)": lambda rng: _sklearn("PCA")(
        3, svd_solver="lanczos").fit(rng.standard_normal((400, 30))),
    "SpectralClustering(affinity='nearest_neighbors')": lambda rng: _sklearn(
        "SpectralClustering")(2, affinity="nearest_neighbors", random_state=0).fit(
        np.vstack([rng.standard_normal((60, 3)), 10 + rng.standard_normal((60, 3))])),
}


def _with(overrides, func, *args, **kwargs):
    with eigkit.config.tunables(**overrides):
        return func(*args, **kwargs)


def _spy_everywhere(monkeypatch, func, calls):
    """Replace ``func`` by a recording wrapper wherever a loaded eigkit
    module holds it (modules import bindings under their own names)."""
    def spy(*args, **kwargs):
        calls.append(func.__name__)
        return func(*args, **kwargs)
    for name, module in list(sys.modules.items()):
        if name.startswith("eigkit") and module is not None:
            for attr, value in list(vars(module).items()):
                if value is func:
                    monkeypatch.setattr(module, attr, spy)


KERNEL_TABLE = simple_table(_page("architecture.rst"), "call") if DOCS.is_dir() else []


def test_kernel_table_covers_the_calls_tested_here():
    assert [row[0] for row in KERNEL_TABLE] == list(CALLS)


@pytest.mark.filterwarnings("ignore:Graph is not fully connected")
@pytest.mark.parametrize("call, binding, source", KERNEL_TABLE,
                         ids=[row[0] for row in KERNEL_TABLE])
def test_documented_binding_serves_the_call(monkeypatch, call, binding, source):
    family, function = binding.split(".")
    module = importlib.import_module(f"eigkit._kernels.{family}")
    calls = []
    _spy_everywhere(monkeypatch, getattr(module, function), calls)
    CALLS[call](np.random.default_rng(0))
    assert function in calls
    if (ROOT / "csrc").is_dir():
        assert (ROOT / "csrc" / source).is_file()


def test_documented_crossovers_are_the_defaults():
    text = " ".join(_page("architecture.rst").split())
    dc = re.search(r"``EK_TUNE_DC_CROSSOVER`` \((\d+)\)", text)
    compiled = {t["name"]: t["value"] for t in common.compiled_tunables()}
    assert int(dc.group(1)) == compiled["DC_CROSSOVER"]
    defaults = {t.name: t.default for t in _tuning.TUNABLES}
    orders = {"order up to": defaults["batched_max_order"],
              "order above": defaults["batched_max_order"],
              "order": defaults["two_stage_min_order"]}
    for row in KERNEL_TABLE:
        for words, number in re.findall(r"(order(?: up to| above)?) (\d+)", row[0]):
            expected = (defaults["krylov_subset_min_order"] if "subset_by_index" in row[0]
                        else orders[words])
            assert int(number) == expected, row[0]
    guide = " ".join(_page("guide/choosing_a_solver.rst").split())
    assert int(re.search(r"QR below n = (\d+)", guide).group(1)) == compiled["DC_CROSSOVER"]
    assert int(re.search(r"from n = (\d+) on", guide).group(1)) == orders["order"]
    divisor = compiled["SUBSET_FULL_SOLVE"]
    assert "Up to a quarter of the spectrum" in guide and divisor == 4


# ---------------------------------------------------------------------------
# Extension modules (docs/architecture.rst, CMakeLists.txt)

def _documented_modules():
    text = " ".join(_page("architecture.rst").split())
    sentence = re.search(r"There are (\w+) extension modules, all in "
                         r"``eigkit._kernels``: (.*?) \(", text)
    names = re.findall(r"``(\w+)``", sentence.group(2))
    return sentence.group(1), names


def test_extension_modules_are_the_documented_ones():
    count, names = _documented_modules()
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    assert words.index(count) == len(names)
    for name in names:
        module = importlib.import_module(f"eigkit._kernels.{name}")
        assert module.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
    cmake = ROOT / "CMakeLists.txt"
    if cmake.is_file():
        assert sorted(re.findall(r"^eigkit_binding\((\w+)\)", cmake.read_text(), re.M)) \
            == sorted(names)


# ---------------------------------------------------------------------------
# PCA's 'auto' (docs/guide/scikit_learn.rst)

def test_pca_auto_table():
    decomposition = pytest.importorskip("eigkit.decomposition")
    rows = simple_table(_page("guide/scikit_learn.rst"), "n_samples")
    assert rows
    for n, p, k, solver in rows:
        assert decomposition.auto_solver((int(n), int(p)), int(k), False) == solver, (n, p, k)


# ---------------------------------------------------------------------------
# The API reference lists every public name

PUBLIC = ["eigkit", "eigkit.analysis", "eigkit.distributed", "eigkit.bench", "eigkit.config",
          "eigkit.decomposition", "eigkit.cluster"]


@pytest.mark.parametrize("name", PUBLIC)
def test_api_reference_lists_every_public_name(name):
    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        pytest.skip(f"{name}: {exc}")
    listed = set(re.findall(r"^   (\w+)$", _page("api.rst"), re.M))
    missing = [n for n in module.__all__ if n not in listed]
    assert not missing, f"docs/api.rst lacks {name}: {missing}"
