"""Every Python code block of README.md runs as shown, each in a fresh
namespace, and the quickstart keeps its two commands."""
import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"
QUICKSTART = ('python -m pip install . && eigkit bench --quick',
              'python -m pip install ".[test]" && python -m pytest')
# the extras a block may need; without them it is skipped, not failed
OPTIONAL = {"sklearn", "dask", "distributed", "matplotlib"}


def _blocks(language):
    """The fenced ```language blocks of the README, in order."""
    if not README.exists():   # an installed copy of the tests, without the sources
        return []
    return re.findall(rf"^```{language}\n(.*?)^```", README.read_text(), re.M | re.S)


def _title(code):
    return next(line for line in code.splitlines() if line and not line.startswith("import"))


PYTHON = _blocks("python")


@pytest.mark.skipif(not README.exists(), reason="README.md is not beside the tests")
def test_readme_has_blocks_and_quickstart():
    assert len(PYTHON) >= 5
    bash = "\n".join(_blocks("bash"))
    for command in QUICKSTART:
        assert command in bash


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("code", PYTHON, ids=[_title(c)[:40] for c in PYTHON])
def test_readme_block_runs(code):
    try:
        exec(compile(code, str(README), "exec"), {"__name__": "__readme__"})
    except ModuleNotFoundError as exc:
        if exc.name.split(".")[0] not in OPTIONAL:
            raise
        pytest.skip(f"needs {exc.name}")
