"""What a benchmark suite is, and which suites exist.

A suite is a module that defines ``SUITE``, a :class:`Suite`.  Its
``problems(sizes, quick=..., **options)`` returns the :class:`Problem` list
to time: one task at one size, the contenders that solve it, and how the
accuracy of each contender's answer is judged.  The runner knows nothing
else about a suite, so a new one is a new module plus one line in
:data:`REGISTRY`.

A suite whose module or requirements cannot be imported (the ``ml`` suite
needs scikit-learn and eigkit's estimators) is listed as unavailable with
the reason, instead of failing the others.  A suite that can run without
some of its rows (the ``sweep`` without scikit-learn's PCA rows) says which
through ``Suite.missing``.

A suite module, in outline (``eigkit.bench.ml_cases`` follows it)::

    def problems(sizes, quick=False, **options):      # ignore unknown options
        return [Problem(case="pca", n=n, setup=lambda n=n: make_data(n),
                        contenders=(Contender("eigkit", fit_eigkit_pca),
                                    Contender("sklearn-arpack", fit_sklearn_pca)),
                        accuracy=explained_variance_error, accuracy_label="...",
                        accuracy_limit=1e-6)
                for n in sizes]

    SUITE = Suite(name="ml", description="...", problems=problems,
                  sizes=(10000, 100000), quick_sizes=(2000,))

The contender named ``eigkit`` is the one every ratio is taken against.
"""
import importlib
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Optional


@dataclass(frozen=True)
class Contender:
    """One way of solving a problem: ``run(data) -> answer``.

    An answer may carry a ``note`` attribute ('' when fine, else e.g.
    'timeout', 'no conv', 'n/a'); a contender whose warm-up answer has a
    note is not timed again.
    """
    name: str
    run: Callable
    max_n: int = 1 << 30  # skipped above this size (too slow to be worth timing)


@dataclass(frozen=True)
class Problem:
    """One task at one size.

    ``setup()`` builds the input once (untimed); every contender gets it.
    ``accuracy(data, answer)`` scores one answer, also one with a note
    (lower is better; it passes below ``accuracy_limit``; nan when there is
    nothing to score).  ``agreement(data, answers)``, when
    given, compares the answers with each other (e.g. eigenvalues against
    ARPACK's) and returns one number per contender.  ``work(answer)``,
    when given, counts work done (e.g. matvecs).
    """
    case: str
    n: int
    setup: Callable[[], Any]
    contenders: tuple
    accuracy: Callable[[Any, Any], float]
    accuracy_label: str
    accuracy_limit: float = math.inf
    agreement: Optional[Callable[[Any, dict], dict]] = None
    agreement_label: str = ""
    work: Optional[Callable[[Any], int]] = None
    work_label: str = ""
    ours: str = "eigkit"

    def eligible(self):
        """The contenders timed at this size."""
        return [c for c in self.contenders if self.n <= c.max_n]


@dataclass(frozen=True)
class Suite:
    """A named family of problems over a set of sizes."""
    name: str
    description: str
    problems: Callable  # (sizes, quick=False, **options) -> list[Problem]
    sizes: tuple
    quick_sizes: tuple
    repeat: int = 5
    quick_repeat: int = 5
    size_label: str = "n"
    notes: tuple = field(default=())
    #: whether the default ``eigkit bench --quick`` (no --suite) runs it
    in_quick: bool = True
    #: 'full' (every contender's row) or 'summary' (one row per problem) in the terminal
    table: str = "full"
    #: () -> list of str: the parts that cannot run here, and why (None: all can)
    missing: Optional[Callable] = None


#: suite name -> (module defining ``SUITE``, modules it needs)
REGISTRY = {
    "dense": ("eigkit.bench.cases", ()),
    "sparse": ("eigkit.bench.sparse_cases", ()),
    "ml": ("eigkit.bench.ml_cases", ("sklearn",)),
    "sweep": ("eigkit.bench.sweep_cases", ()),
}


class SuiteUnavailable(LookupError):
    """The suite is known but cannot run here (a requirement is missing)."""


def load_suite(name):
    """The :class:`Suite` called ``name``.

    Raises
    ------
    KeyError
        If no suite has that name.
    SuiteUnavailable
        If its module or one of its requirements cannot be imported.
    """
    if name not in REGISTRY:
        raise KeyError(f"unknown suite {name!r}; suites are {sorted(REGISTRY)}")
    module_name, requirements = REGISTRY[name]
    for req in requirements:
        try:
            importlib.import_module(req)
        except ImportError as exc:
            raise SuiteUnavailable(f"suite {name!r} needs {req} ({exc})") from exc
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise SuiteUnavailable(f"suite {name!r} is not part of this eigkit "
                               f"({module_name}: {exc})") from exc
    return module.SUITE


def suite_status():
    """``{name: Suite or the reason it is unavailable}`` for every suite."""
    status = {}
    for name in REGISTRY:
        try:
            status[name] = load_suite(name)
        except SuiteUnavailable as exc:
            status[name] = str(exc)
    return status
