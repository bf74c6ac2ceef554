"""The dense benchmark cases: what is timed, against whom, and how the
accuracy of each answer is judged.

A case builds its matrix once per size; each contender is a callable on
that matrix.  The accuracy check runs on the contender's own answer, so a
speed figure never stands without its accuracy.
"""
import functools
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import scipy.linalg as sla

from .. import dense
from .suite import Contender, Problem, Suite

#: LAPACK's test threshold for its accuracy ratios
ACCURACY_LIMIT = 60.0


@dataclass(frozen=True)
class Case:
    name: str
    contenders: tuple
    accuracy: Callable  # (matrix, result) -> float, LAPACK-style ratio
    accuracy_label: str
    matrix_kind: str = "random"
    description: str = field(default="")


def test_matrix(kind, n, seed=0):
    """Built-in matrices: 'random' (symmetric Gaussian, semicircle
    spectrum) or 'covariance' (X^T X / m with a decaying spectrum)."""
    rng = np.random.default_rng(seed)
    if kind == "random":
        g = rng.standard_normal((n, n))
        return (g + g.T) / 2
    if kind == "covariance":
        x = rng.standard_normal((n + 50, n)) * (1.0 / np.arange(1, n + 1)) ** 0.5
        return x.T @ x / (n + 50)
    raise ValueError(f"unknown matrix kind {kind!r}")


def test_stack(count, n, seed=0):
    """``count`` random symmetric n x n matrices (as :func:`test_matrix`'s
    'random'), stacked into one (count, n, n) array."""
    g = np.random.default_rng(seed).standard_normal((count, n, n))
    return (g + np.swapaxes(g, -1, -2)) / 2


def _ulp():
    return np.finfo(np.float64).eps


def residual_ratio(a, result):
    """max(||A Z - Z W||_1 / (||A||_1 n ulp), ||I - Z^T Z||_1 / (n ulp)).

    ``a`` may be a stack of matrices (..., n, n), with ``result`` the
    stacked eigenpairs; the ratio is then the largest over the stack.
    """
    w, z = result
    n = a.shape[-1]
    anorm = np.abs(a).sum(axis=-2).max(axis=-1)
    res = np.abs(a @ z - z * w[..., None, :]).sum(axis=-2).max(axis=-1) / (anorm * n * _ulp())
    gram = np.swapaxes(z, -1, -2) @ z
    orth = np.abs(np.eye(z.shape[-1]) - gram).sum(axis=-2).max(axis=-1) / (n * _ulp())
    return float(max(np.max(res), np.max(orth)))


def make_value_agreement(reference):
    """``max |w - w_ref| / (||A||_1 n ulp)`` against a LAPACK reference."""
    def agreement(a, w):
        ref = reference(a)
        anorm = np.abs(a).sum(axis=0).max()
        return np.abs(np.asarray(w) - ref).max() / (anorm * a.shape[0] * _ulp())
    return agreement


def _top(k):
    return lambda a: [a.shape[0] - k, a.shape[0] - 1]


def _top_contenders(k):
    return (
        Contender("eigkit", lambda a: dense.eigh(a, subset_by_index=_top(k)(a))),
        # a named driver rules out the Krylov path: the direct subset solver
        Contender("eigkit-direct",
                  lambda a: dense.eigh(a, subset_by_index=_top(k)(a), driver="evr")),
        Contender("scipy-evr", lambda a: sla.eigh(a, subset_by_index=_top(k)(a), driver="evr")),
        Contender("scipy-evx", lambda a: sla.eigh(a, subset_by_index=_top(k)(a), driver="evx")),
    )


def _top_case(name, description, matrix_kind="random", k=10):
    """The k largest eigenpairs, judged by the residual and orthogonality ratio."""
    return Case(name=name, description=description, contenders=_top_contenders(k),
                accuracy=residual_ratio, accuracy_label="residual/orth ratio",
                matrix_kind=matrix_kind)


CASES = {
    "eigh": Case(
        name="eigh",
        description="all eigenpairs",
        contenders=(
            Contender("eigkit", lambda a: dense.eigh(a)),
            Contender("scipy-evd", lambda a: sla.eigh(a, driver="evd")),
            Contender("scipy-evr", lambda a: sla.eigh(a, driver="evr")),
            Contender("scipy-ev", lambda a: sla.eigh(a, driver="ev"), max_n=2000),
            Contender("numpy", lambda a: np.linalg.eigh(a)),
        ),
        accuracy=residual_ratio,
        accuracy_label="residual/orth ratio",
    ),
    "eigvalsh": Case(
        name="eigvalsh",
        description="eigenvalues only",
        contenders=(
            Contender("eigkit", lambda a: dense.eigvalsh(a)),
            Contender("scipy-evd", lambda a: sla.eigvalsh(a, driver="evd")),
            Contender("scipy-evr", lambda a: sla.eigvalsh(a, driver="evr")),
            Contender("scipy-ev", lambda a: sla.eigvalsh(a, driver="ev")),
            Contender("numpy", lambda a: np.linalg.eigvalsh(a)),
        ),
        accuracy=make_value_agreement(lambda a: sla.eigvalsh(a, driver="evd")),
        accuracy_label="agreement with LAPACK evd",
    ),
    "top10": _top_case(
        "top10",
        "the 10 largest eigenpairs of a random symmetric matrix (flat spectrum: "
        "eigkit's block Lanczos gives up early for the direct solver)"),
    "covariance-top10": _top_case(
        "covariance-top10",
        "the 10 largest eigenpairs of a covariance matrix (decaying spectrum: "
        "eigkit uses block Lanczos from n = 2000)",
        matrix_kind="covariance"),
}


# The cases at one size share one matrix of each kind (they come in kind
# order); keeping only the latest bounds memory at the largest sizes.
_shared_matrix = functools.lru_cache(maxsize=1)(test_matrix)


#: the cases of ``eigkit bench --quick``: random top10 is left out, as
#: its time is the direct solver's, which eigh's already shows
QUICK_CASES = ("eigh", "eigvalsh", "covariance-top10")


def problems(sizes, quick=False, cases=None, **options):
    """The dense problems: every case in ``cases`` (default all; when
    ``quick``, :data:`QUICK_CASES`) at every order in ``sizes``, each on
    its matrix kind at that order."""
    chosen = list(cases) if cases is not None else list(QUICK_CASES if quick else CASES)
    unknown = [c for c in chosen if c not in CASES]
    if unknown:
        raise ValueError(f"unknown dense case(s) {unknown}; choose from {list(CASES)}")
    return [Problem(case=name, n=n,
                    setup=functools.partial(_shared_matrix, CASES[name].matrix_kind, n),
                    contenders=CASES[name].contenders, accuracy=CASES[name].accuracy,
                    accuracy_label=CASES[name].accuracy_label, accuracy_limit=ACCURACY_LIMIT)
            for n in sizes for name in chosen]


def stack_problem(count, n):
    """eigh on a stack of ``count`` random symmetric n x n matrices, with
    the eigh case's contenders (each solves the whole stack in one call)
    and its accuracy ratio, the worst over the stack."""
    case = CASES["eigh"]
    return Problem(case="eigh-stack", n=n, setup=functools.partial(test_stack, count, n),
                   contenders=case.contenders, accuracy=case.accuracy,
                   accuracy_label=case.accuracy_label, accuracy_limit=ACCURACY_LIMIT)


SUITE = Suite(
    name="dense",
    description="eigh, eigvalsh and the 10 largest pairs of a dense symmetric matrix "
                "(random, and a covariance matrix), against SciPy's LAPACK drivers and NumPy",
    problems=problems,
    sizes=(500, 1000, 2000, 4000),
    quick_sizes=(500,),
    repeat=5,
    quick_repeat=5,
    notes=("accuracy is a LAPACK test ratio: max(||AZ-ZW||_1, ||I-Z^TZ||_1) or "
           "max|w-w_evd| over ||A||_1 n ulp; below 60 passes",
           "top10 and covariance-top10 are subset_by_index=[n-10, n-1]; eigkit-direct is "
           "eigkit with driver='evr', which rules out its block Lanczos path",
           "SciPy's ev driver is not timed above n = 2000"),
)
