"""The Examples sections of the public docstrings run and print what they
show (doctest)."""
import doctest
import importlib

import numpy as np
import pytest

MODULES = ["eigkit.dense", "eigkit.sparse", "eigkit.patch", "eigkit.config",
           "eigkit.bench.suite", "eigkit.bench.plots"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = finder.find(module, name, globs={"np": np})
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
