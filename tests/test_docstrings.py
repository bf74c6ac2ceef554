"""The Examples sections of the public docstrings run and print what they
show (doctest)."""
import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import eigkit

# Every module of the package, so that new ones are checked too.
MODULES = sorted(m.name for m in pkgutil.walk_packages(eigkit.__path__, "eigkit.")
                 if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    try:
        module = importlib.import_module(name)
    except ImportError as exc:   # a module of an optional extra that is not installed
        pytest.skip(f"{name}: {exc}")
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = finder.find(module, name, globs={"np": np})
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
