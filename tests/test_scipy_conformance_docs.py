"""The SciPy upstream-test plugin (tests/upstream/eigkit_upstream_plugin.py)
and its page (docs/guide/scipy_conformance.rst) agree: every expected
failure is listed on the page, every reason is a sentence, every selected
module exists in the installed SciPy."""
import importlib.util
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "tests" / "upstream" / "eigkit_upstream_plugin.py"
PAGE = ROOT / "docs" / "guide" / "scipy_conformance.rst"


@pytest.fixture(scope="module")
def plugin():
    spec = importlib.util.spec_from_file_location("eigkit_upstream_plugin", PLUGIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_expected_failure_is_on_the_page(plugin):
    if not PAGE.exists():
        pytest.skip("docs/ is not shipped with this installation")
    text = " ".join(PAGE.read_text().split())
    for node in plugin.XFAILS:
        test = node.split("::", 1)[1]
        name, _, case = test.partition("[")
        assert name.split("::")[-1] in text, node
        if case:
            assert f"``{case[:-1]}``" in text, node


def test_reasons_are_sentences(plugin):
    for reason in [*plugin.XFAILS.values(), *plugin.NO_CALLS.values()]:
        assert reason[0].isupper() and reason.endswith("."), reason
    for node in [*plugin.XFAILS, *plugin.NO_CALLS]:
        module, _, test = node.partition("::")
        assert module in plugin.MODULES and test.startswith(plugin.MODULES[module]), node


def test_the_selected_modules_are_installed(plugin):
    if importlib.util.find_spec("scipy.linalg.tests") is None:
        pytest.skip("this SciPy was installed without its tests")
    for module in plugin.MODULES:
        assert importlib.util.find_spec(module) is not None, module
