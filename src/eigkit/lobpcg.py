"""Preconditioned block eigensolver: a drop-in for scipy.sparse.linalg.lobpcg.

:func:`lobpcg` has the signature, argument checks, warnings, return
order, shapes and histories of :func:`scipy.sparse.linalg.lobpcg`; the
iteration is eigkit's (``csrc/krylov/lobpcg.c``, driven by
:mod:`eigkit._kernels.lobpcg`): the block iteration runs in C with the GIL
released and returns to Python only to apply A, B and M, one call per
block.  The Rayleigh-Ritz step works on a basis kept B-orthonormal by
Cholesky QR twice, with Householder QR (or an eigenvalue decomposition of
the Gram matrix, when B is given) taking over when the basis is
ill-conditioned, so linearly dependent directions are dropped instead of
breaking the step.  The final pairs are checked with freshly computed
products: a pair whose true residual misses the tolerance is reported by a
:class:`LobpcgNoConvergence` warning, which carries the pairs.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.linalg import null_space
from scipy.sparse import issparse
from scipy.sparse.linalg import LinearOperator

from ._kernels import lobpcg as _lobpcg_kernel
from ._linalg.multigrid import BlockVCycle, is_multilevel_solver
from ._threads import kernel_threads
from .dense import eigh as _dense_eigh

__all__ = ["lobpcg", "LobpcgNoConvergence"]

#: fixed seed of the random columns that replace dependent start vectors
_SEED = 0x5EED


class LobpcgNoConvergence(UserWarning):
    """:func:`lobpcg` stopped with pairs whose true residual norms
    ||A x - lambda B x||_2 exceed the tolerance.  The pairs it returned
    are in ``.eigenvalues``, ``.eigenvectors`` and their residual norms in
    ``.residual_norms``; turn the warning into an error
    (``warnings.simplefilter("error", LobpcgNoConvergence)``) to have them
    raised instead of returned."""

    def __init__(self, msg, eigenvalues=None, eigenvectors=None, residual_norms=None):
        super().__init__(msg)
        self.eigenvalues = eigenvalues
        self.eigenvectors = eigenvectors
        self.residual_norms = residual_norms


def _block_product(op):
    """M @ V, or M(V) for a callable (SciPy's rule: a LinearOperator is
    called, which multiplies blocks)."""
    if op is None:
        return None
    if callable(op):
        return lambda v: op(v)
    return lambda v: op @ v


def _operand_dtype(op):
    dtype = getattr(op, "dtype", None)
    return np.dtype(dtype) if dtype is not None else None


def _working_dtype(X, operands):
    """The dtype of the iterates: X's, promoted by the dtypes A, B and M
    declare (a plain callable declares none), in LAPACK's four types."""
    dtype = X.dtype
    for op in operands:
        d = _operand_dtype(op)
        if d is not None and d.kind in "biufc":
            dtype = np.result_type(dtype, d)
    complex_ = dtype.kind == "c"
    single = dtype in (np.float32, np.complex64) or (dtype.kind in "iub" and dtype.itemsize <= 2)
    if complex_:
        return np.dtype(np.complex64 if single else np.complex128)
    return np.dtype(np.float32 if single else np.float64)


def _checked_inputs(X, Y):
    if Y is not None and np.ndim(Y) != 2:
        warnings.warn(f"Expected rank-2 array for argument Y, instead got {np.ndim(Y)}, "
                      "so ignore it and use no constraints.", UserWarning, stacklevel=3)
        Y = None
    if X is None:
        raise ValueError("The mandatory initial matrix X cannot be None")
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError("expected rank-2 array for argument X")
    if not np.issubdtype(X.dtype, np.inexact):
        warnings.warn(f"Data type for argument X is {X.dtype}, which is not inexact, "
                      "so casted to np.float32.", UserWarning, stacklevel=3)
        X = X.astype(np.float32)
    if Y is not None:
        Y = np.asarray(Y)
        if Y.shape[0] != X.shape[0]:
            raise ValueError(f"Y has {Y.shape[0]} rows, X has {X.shape[0]}")
    return X, Y


def _print_header(n, k, ny, B, M):
    kind = "standard" if B is None else "generalized"
    pre = "out" if M is None else ""
    cons = "No constraints" if ny == 0 else f"{ny} constraint{'s' if ny > 1 else ''}"
    print(f"Solving {kind} eigenvalue problem with{pre} preconditioning\n\n"
          f"matrix size {n}\nblock size {k}\n\n{cons}\n\n")


# ---------------------------------------------------------------------------
# Small problems: a dense solver

def _as_dense(op, n, name):
    """The n x n matrix of an operator (products with the identity for
    callables, as SciPy does)."""
    if isinstance(op, LinearOperator) or callable(op):
        mat = np.asarray(op(np.eye(n)))
        if mat.shape != (n, n):
            raise ValueError(f"The shape {mat.shape} of the {name} matrix defined by a "
                             "callable object is wrong.")
        return mat
    return op.toarray() if issparse(op) else np.asarray(op)


def _dense_solve(A, B, Y, n, k, largest, dtype):
    """All of a small problem by eigkit's dense solver, in the B-orthogonal
    complement of Y when constraints are given."""
    a = _as_dense(A, n, "primary").astype(np.result_type(dtype, A.dtype if hasattr(A, "dtype")
                                                         else dtype))
    b = None if B is None else _as_dense(B, n, "secondary")
    basis = None
    if Y is not None:
        by = Y if b is None else b @ Y
        basis = null_space(by.conj().T)
        a = basis.conj().T @ a @ basis
        b = None if b is None else basis.conj().T @ b @ basis
    m = a.shape[0]
    k = min(k, m)
    subset = (m - k, m - 1) if largest else (0, k - 1)
    vals, vecs = _dense_eigh(a, b, subset_by_index=subset, check_finite=False)
    if basis is not None:
        vecs = basis @ vecs
    if largest:
        vals, vecs = vals[::-1], vecs[:, ::-1]
    return vals, vecs


# ---------------------------------------------------------------------------

def _histories(history, best):
    """SciPy's histories: the Ritz blocks up to the best one, then the final."""
    last = min(best, len(history) - 2)
    rows = history[:last + 1] + history[-1:]
    return [r[0] for r in rows], [r[1] for r in rows]


def _report_nonconvergence(w, v, res, iterations, tol):
    warnings.warn(LobpcgNoConvergence(
        f"Exited at iteration {iterations} with accuracies \n{res}\n"
        f"not reaching the requested tolerance {tol}.", w, v, res), stacklevel=3)


def lobpcg(A: Any, X: ArrayLike, B: Any = None, M: Any = None, Y: ArrayLike | None = None,
           tol: float | None = None, maxiter: int | None = None, largest: bool = True,
           verbosityLevel: int = 0, retLambdaHistory: bool = False,
           retResidualNormsHistory: bool = False, restartControl: int = 20) -> Any:
    """Locally optimal block preconditioned conjugate gradient method: a
    drop-in for :func:`scipy.sparse.linalg.lobpcg`.

    Finds the ``k`` largest (or smallest) eigenpairs of ``A x = lambda B x``
    from the ``n x k`` start block ``X``, with the preconditioner ``M`` and
    in the B-orthogonal complement of the constraints ``Y``.

    Parameters
    ----------
    A : ndarray, sparse matrix, LinearOperator or callable
        The Hermitian operator.  A callable is called with an ``n x j``
        block.
    X : ndarray, shape (n, k)
        Start block.  Linearly dependent columns are replaced by random
        ones (a fixed stream: the same X gives the same result).
    B : ndarray, sparse matrix, LinearOperator or callable, optional
        The Hermitian positive definite right-hand operator (identity by
        default).
    M : ndarray, sparse matrix, LinearOperator, callable or pyamg MultilevelSolver, optional
        Preconditioner, an approximation of the inverse of ``A - sigma B``
        (identity by default).  A pyamg hierarchy (an object with
        ``levels`` and ``aspreconditioner``, such as
        ``pyamg.smoothed_aggregation_solver(A)``) is applied as
        ``ml.aspreconditioner()`` would be, one V-cycle per vector, but
        with one cycle for the whole block.
    Y : ndarray, shape (n, ny), optional
        Constraints: the iteration stays B-orthogonal to their span.
    tol : float, optional
        Converged when ``||A x - lambda B x||_2 <= tol`` for every pair.
        Default ``n * sqrt(eps)`` of X's dtype.
    maxiter : int, optional
        Iterations after the first Rayleigh-Ritz step (default 20).
    largest : bool, optional
        The largest eigenvalues (default) or the smallest.
    verbosityLevel : int, optional
        Above 0, prints the problem's description and warns about a
        non-Hermitian A, as SciPy does.
    retLambdaHistory, retResidualNormsHistory : bool, optional
        Also return the eigenvalues / residual norms of the Ritz blocks, up
        to the best one, followed by the final one.
    restartControl : int, optional
        The search directions are dropped and A X recomputed when the mean
        residual grows ``2**restartControl``-fold over the smallest seen.

    Returns
    -------
    lambda : ndarray, shape (k,)
        Eigenvalues, largest first (``largest=True``) or smallest first.
    v : ndarray, shape (n, k)
        B-orthonormal eigenvectors.
    lambdaHistory, ResidualNormsHistory : list of ndarray
        When asked for.

    Warns
    -----
    LobpcgNoConvergence
        (a ``UserWarning``) when a true residual norm misses ``tol``; it
        carries the returned pairs.
    UserWarning
        When ``n - ny < 5 k`` and a dense solver is used instead.

    Raises
    ------
    ValueError
        X missing or not 2-D; linearly dependent constraints; B not
        positive definite; an operator returning the wrong shape, NaN or
        Inf.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.sparse import diags_array
    >>> from eigkit import lobpcg
    >>> n = 100
    >>> A = diags_array(np.arange(1.0, n + 1))
    >>> X = np.random.default_rng(0).standard_normal((n, 3))
    >>> M = diags_array(1.0 / np.arange(1.0, n + 1))      # a Jacobi preconditioner
    >>> w, v = lobpcg(A, X, M=M, largest=False, maxiter=40)
    >>> np.round(w, 8)
    array([1., 2., 3.])
    """
    X, Y = _checked_inputs(X, Y)
    if is_multilevel_solver(M):
        M = BlockVCycle(M)
    n, k = X.shape
    ny = 0 if Y is None else Y.shape[1]
    maxiter = 20 if maxiter is None else int(maxiter)
    dtype = _working_dtype(X, (A, B, M))
    if tol is None or tol <= 0:
        tol = float(np.sqrt(np.finfo(X.dtype).eps) * n)
    if verbosityLevel:
        _print_header(n, k, ny, B, M)
    if n - ny < 5 * k:
        warnings.warn(f"The problem size {n} minus the constraints size {ny} is too small "
                      f"relative to the block size {k}. Using a dense eigensolver instead of "
                      "LOBPCG iterations.No output of the history of the iterations.",
                      UserWarning, stacklevel=2)
        return _dense_solve(A, B, Y, n, k, largest, dtype)
    w, v, res, history, best, converged, info = _lobpcg_kernel.lobpcg(
        _block_product(A), _block_product(B), _block_product(M), X.astype(dtype),
        None if Y is None else Y.astype(dtype), bool(largest), max(maxiter, 0), tol,
        int(restartControl), _SEED, kernel_threads())
    if verbosityLevel and info["asymmetry"] > 10 * np.finfo(dtype).eps:
        warnings.warn(f"Matrix gramA of the type {dtype} is not Hermitian: relative "
                      f"asymmetry {info['asymmetry']:.3g}.", UserWarning, stacklevel=2)
    if not converged:
        _report_nonconvergence(w, v, res, info["iterations"], tol)
    if verbosityLevel:
        print(f"Final eigenvalue(s):\n{w}\nFinal residual norm(s):\n{res}")
    lam_h, res_h = _histories(history, best)
    out = (w, v)
    if retLambdaHistory:
        out += (lam_h,)
    if retResidualNormsHistory:
        out += (res_h,)
    return out
