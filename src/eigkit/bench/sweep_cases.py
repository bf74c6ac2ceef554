"""The size sweep: eigkit / best other from calls of microseconds to calls
of seconds, on the cases and contenders of the other suites.

A suite at one or two sizes says how eigkit does there; the sweep says
where it starts to win or lose, and what a small call costs (Python-side
overhead weighs most at n = 10).  Its rows, one family each:

- ``eigh``, ``eigvalsh``: dense, n = 10, 30, 100, 300, 1000
  (:data:`eigkit.bench.cases.CASES`);
- ``eigh-stack``: eigh on a stack of 20000 3 x 3, 5000 8 x 8 and
  1000 32 x 32 matrices, in one call (n is the order);
- ``random-LA``, ``knn-LA``: eigsh k = 10, the largest, on a random sparse
  symmetric matrix and a kNN graph's normalized adjacency, n = 500, 2000,
  5000, 20000 (:mod:`eigkit.bench.sparse_cases`);
- ``svds-termdoc``: svds k = 10 on a term-document-like n x n/2 matrix,
  n = 1000, 3000, 10000;
- ``pca-300f``, ``pca-50f``, ``pca-500f``: PCA(n_components=10).fit on
  20000 x 300, 100000 x 50 and 2000 x 500 (:mod:`eigkit.bench.ml_cases`;
  needs scikit-learn, and the rows are left out without it).

``quick`` takes fewer sizes of each family.  Sizes given on the command
line (``--sizes``) set n for the families sized by one order (dense,
sparse, svds; sparse and svds from n = 100 on); stacks and PCA shapes are
two numbers and keep their own sizes.
"""
import functools
import importlib
from dataclasses import dataclass
from typing import Callable

from . import cases, ml_cases, sparse_cases
from .suite import Suite


@dataclass(frozen=True)
class Family:
    """One row family of the sweep: ``build(size, options)`` returns its
    problems at one size (an order n, or a tuple for stacks and shapes)."""
    name: str
    sizes: tuple
    quick_sizes: tuple
    build: Callable
    sized_by_n: bool = True   # whether --sizes sets its sizes
    min_n: int = 1            # smaller orders from --sizes are left out
    requires: tuple = ()      # modules it needs; without them it is left out
    description: str = ""


def _dense(n, options):
    return cases.problems([n], cases=["eigh", "eigvalsh"])


def _stack(size, options):
    count, n = size
    return [cases.stack_problem(count, n)]


def _sparse(n, options):
    whiches = sparse_cases.check_which(options.get("which") or ("LA",))
    limit = options.get("time_limit", sparse_cases.TIME_LIMIT)
    return [sparse_cases.eigsh_problem(name, n, which, limit)
            for name in ("random", "knn") for which in whiches]


def _svds(n, options):
    return [sparse_cases.svds_problem("termdoc", n,
                                      options.get("time_limit", sparse_cases.TIME_LIMIT))]


def _pca(shape, options):
    return [ml_cases.case_problem("pca", shape)]


# k = 10 pairs need room: below n = 100 a sparse solver is not what anyone would call
_SPARSE_MIN_N = 100

FAMILIES = {
    "dense": Family("dense", (10, 30, 100, 300, 1000), (10, 100, 1000), _dense,
                    description="eigh and eigvalsh of a random symmetric matrix"),
    "stack": Family("stack", ((20000, 3), (5000, 8), (1000, 32)), ((20000, 3), (1000, 32)),
                    _stack, sized_by_n=False,
                    description="eigh on a stack of random symmetric matrices"),
    "sparse": Family("sparse", (500, 2000, 5000, 20000), (500, 5000), _sparse,
                     min_n=_SPARSE_MIN_N,
                     description=f"eigsh k = {sparse_cases.K} LA, random sparse and kNN graph"),
    "svds": Family("svds", (1000, 3000, 10000), (1000, 10000), _svds, min_n=_SPARSE_MIN_N,
                   description=f"svds k = {sparse_cases.K}, term-document-like"),
    "pca": Family("pca", ((20000, 300), (100000, 50), (2000, 500)), ((100000, 50), (2000, 500)),
                  _pca, sized_by_n=False, requires=("sklearn", "eigkit.decomposition"),
                  description=f"PCA(n_components={ml_cases.N_COMPONENTS}).fit"),
}


@functools.lru_cache(maxsize=None)
def _unmet(module):
    """Why ``module`` cannot be imported ('' when it can)."""
    try:
        importlib.import_module(module)
    except ImportError as exc:
        return str(exc) or module
    return ""


def missing():
    """The families left out here, each with the module it lacks."""
    out = []
    for family in FAMILIES.values():
        for module in family.requires:
            if _unmet(module):
                out.append(f"suite 'sweep': the {family.name} rows need {module} "
                           f"({_unmet(module)})")
                break
    return out


def family_sizes(sizes=(), quick=False):
    """``{family: sizes}`` that :func:`problems` runs.

    Without ``sizes`` every family runs its own (quick: fewer); with them,
    the families sized by one order run at those from their ``min_n`` on.
    """
    out = {}
    for family in FAMILIES.values():
        if any(_unmet(m) for m in family.requires):
            continue
        if sizes and family.sized_by_n:
            chosen = tuple(n for n in sizes if n >= family.min_n)
        else:
            chosen = family.quick_sizes if quick else family.sizes
        if chosen:
            out[family.name] = chosen
    return out


def problems(sizes=(), quick=False, **options):
    """The sweep's problems, family by family, each over its sizes (see
    :func:`family_sizes`).  ``which`` (sparse rows, default LA) and
    ``time_limit`` (sparse and svds calls) are passed on."""
    out = []
    for name, chosen in family_sizes(sizes, quick).items():
        for size in chosen:
            out += FAMILIES[name].build(size, options)
    return out


SUITE = Suite(
    name="sweep",
    description="eigkit / best other across sizes: dense eigh and eigvalsh from n = 10, "
                "eigh on stacks of small matrices, sparse eigsh and svds, PCA",
    problems=problems,
    sizes=(),          # each family has its own; see family_sizes
    quick_sizes=(),
    in_quick=False,
    table="summary",
    missing=missing,
    notes=("rows: eigh and eigvalsh (dense, n = 10 to 1000); eigh-stack (eigh on 20000 3 x 3, "
           "5000 8 x 8 and 1000 32 x 32 matrices in one call; n is the order); random-LA and "
           f"knn-LA (eigsh k = {sparse_cases.K}, n = 500 to 20000); svds-termdoc (n = 1000 to "
           "10000); pca-<p>f (PCA(10).fit on 20000 x 300, 100000 x 50, 2000 x 500)",
           "cases, contenders and accuracy checks are those of the dense, sparse and ml suites",
           "--sizes sets n for the dense, sparse and svds rows (sparse and svds from n = 100); "
           "stacks and PCA shapes keep theirs"),
)
