"""Sparse and matrix-free symmetric eigensolvers: drop-ins for scipy.sparse.linalg.

:func:`eigsh` has the signature, argument checks, exceptions, return order
and shapes of :func:`scipy.sparse.linalg.eigsh`; the computation is
eigkit's thick-restart block Lanczos (``csrc/krylov/lanczos.c``, driven by
:mod:`eigkit._kernels.krylov`), not ARPACK.  The operator is applied to blocks of
vectors (``matmat``), one Python call per block; everything else runs in C
with the GIL released.  A CSR or CSC matrix is applied in C as well
(:mod:`eigkit._linalg.compressed_operator`): A in eigsh's standard problem, A^H A or
A A^H in svds.
"""
from __future__ import annotations

import math
import operator
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.linalg import lu_factor, lu_solve
from scipy.sparse import csc_matrix, eye as speye, issparse
from scipy.sparse.linalg import (ArpackNoConvergence, LinearOperator, aslinearoperator, gmres,
                                 splu)

from . import _tuning
from ._kernels import krylov as _krylov_kernels
from ._kernels.krylov import OperatorError
from ._linalg import connected_components as _components
from ._linalg import tridiagonal_input as _tridiagonal_input
from ._linalg import whole_space as _whole_space
from ._linalg.block_operator import block_product
from ._linalg.compressed_operator import CompressedGram, compressed_arrays
from ._linalg.dask_operator import dask_linear_operator
from ._linalg.scaling import PowerOfTwoScaling
from ._linalg.tall_qr import tall_qr
from ._ml.centered import centered_gram
from ._threads import kernel_threads
from .dense import eigh as _dense_eigh, eigh_tridiagonal as _dense_eigh_tridiagonal
from .lobpcg import lobpcg as _lobpcg

__all__ = ["eigsh", "svds", "ArpackNoConvergence", "LanczosNoConvergence", "LanczosInfo",
           "OperatorError"]

_WHICH = ["LM", "SM", "LA", "SA", "BE"]


class LanczosNoConvergence(ArpackNoConvergence):
    """eigsh did not converge: a :class:`scipy.sparse.linalg.ArpackNoConvergence`
    carrying the converged ``.eigenvalues`` and ``.eigenvectors`` and the
    solver's ``.info`` (a :class:`LanczosInfo`).  The message says how many
    pairs converged in how many restart cycles and operator products."""

    def __init__(self, msg, eigenvalues, eigenvectors, info=None):
        super().__init__(msg, eigenvalues, eigenvectors)
        # ArpackNoConvergence prefixes "ARPACK error -1: ", a status code of
        # ARPACK's, which did not run: the message stands alone.
        self.args = (msg,)
        self.info = info


@dataclass
class LanczosInfo:
    """What a solve did: OP applications (``matvecs``, counted per vector),
    restart cycles (``restarts``), the residual estimate
    ||OP x - theta x||_B of every returned pair, in the order returned
    (``residual_norms``), the final block size and whether all k pairs
    converged.  A CSR or CSC matrix whose graph falls apart into
    ``blocks`` > 1 connected components is solved one component at a time
    (:mod:`eigkit._linalg.connected_components`); a product with one component then counts
    as its share of the stored entries in ``matvecs``, and ``restarts`` adds
    up the components' cycles."""
    matvecs: int = 0
    restarts: int = 0
    residual_norms: np.ndarray = field(default_factory=lambda: np.zeros(0))
    block_size: int = 0
    converged: bool = True
    anorm: float = 0.0
    blocks: int = 1


# ---------------------------------------------------------------------------
# Operators on blocks

def _isdense(x):
    return isinstance(x, np.ndarray)


def _from_dask(A):
    """A dask array as an operator whose products run on the cluster (see
    eigkit.distributed); anything else unchanged.  Checked without importing
    dask."""
    if type(A).__module__.split(".")[0] != "dask":
        return A
    return dask_linear_operator(A)


class _Solver:
    """Block solves with a fixed matrix: dense LU, sparse LU or GMRES."""

    def __init__(self, M, tol, hermitian_pd=False):
        self.kind = None
        if _isdense(M):
            self.kind = "dense"
            self.lu = lu_factor(np.asarray(M))
        elif issparse(M):
            self.kind = "sparse"
            Mc = csc_matrix(M)
            Mc.sort_indices()
            self.lu = splu(Mc)
            self.real = not np.issubdtype(Mc.dtype, np.complexfloating)
        else:
            self.kind = "iterative"
            self.op = aslinearoperator(M)
            self.tol = tol

    def __call__(self, B):
        B = np.asarray(B)
        if self.kind == "dense":
            return lu_solve(self.lu, B)
        if self.kind == "sparse":
            if self.real and np.iscomplexobj(B):
                return self.lu.solve(np.ascontiguousarray(B.real)) + 1j * self.lu.solve(
                    np.ascontiguousarray(B.imag))
            return self.lu.solve(np.ascontiguousarray(B))
        out = np.empty(B.shape, dtype=np.result_type(B.dtype, self.op.dtype))
        eps = np.finfo(out.dtype).eps
        rtol = max(self.tol, 1000 * np.sqrt(B.shape[0]) * eps)
        for j in range(B.shape[1]):
            x, info = gmres(self.op, B[:, j], rtol=rtol, atol=0)
            if info != 0:
                raise ValueError(f"Error in inverting M: function gmres did not converge "
                                 f"(info = {info}).")
            out[:, j] = x
        return out


def _shifted_solver(A, M, sigma, tol):
    """Solves with A - sigma M (M None: the identity)."""
    if sigma == 0:
        return _Solver(A, tol)
    if M is None:
        if _isdense(A):
            S = np.array(A, copy=True)
            if not np.iscomplexobj(S) and np.imag(sigma) != 0:
                S = S + 0j
            S.flat[::S.shape[1] + 1] -= sigma
            return _Solver(S, tol)
        if issparse(A):
            return _Solver(A - sigma * speye(A.shape[0], dtype=A.dtype, format="csc"), tol)
        Aop = aslinearoperator(A)
        A_mat = block_product(Aop)
        n = A.shape[0]
        return _Solver(LinearOperator((n, n), matvec=lambda x: Aop.matvec(x) - sigma * x,
                                      matmat=lambda X: A_mat(X) - sigma * X,
                                      dtype=Aop.dtype), tol)
    if (_isdense(A) or issparse(A)) and (_isdense(M) or issparse(M)):
        if _isdense(A) and _isdense(M):
            return _Solver(np.asarray(A) - sigma * np.asarray(M), tol)
        return _Solver(csc_matrix(A) - sigma * csc_matrix(M), tol)
    Aop, Mop = aslinearoperator(A), aslinearoperator(M)
    A_mat, M_mat = block_product(Aop), block_product(Mop)
    n = A.shape[0]
    return _Solver(LinearOperator((n, n), matvec=lambda x: Aop.matvec(x) - sigma * Mop.matvec(x),
                                  matmat=lambda X: A_mat(X) - sigma * M_mat(X),
                                  dtype=np.result_type(Aop.dtype, Mop.dtype)), tol)


# ---------------------------------------------------------------------------
# eigsh

def _transform(nu, mode, sigma):
    """Eigenvalues of the problem from those of OP."""
    nu = np.asarray(nu, dtype=float) if not np.iscomplexobj(nu) else nu.real
    if mode in (1, 2):
        return nu
    with np.errstate(divide="ignore", invalid="ignore"):
        if mode == 3:
            return sigma + 1.0 / nu
        if mode == 4:
            return sigma * nu / (nu - 1.0)
        return sigma * (nu + 1.0) / (nu - 1.0)


def _sort_for_return(lam, nu, which, with_vectors):
    """SciPy's (ARPACK's) order of the returned eigenvalues: ascending with
    vectors; without, by the `which` criterion on the values of OP, best last."""
    if with_vectors:
        return np.argsort(lam, kind="stable")
    if which == "LM":
        return np.lexsort((nu, np.abs(nu)))
    if which == "SM":
        return np.lexsort((-nu, -np.abs(nu)))
    if which == "SA":
        return np.argsort(-nu, kind="stable")
    return np.argsort(nu, kind="stable")


def eigsh(A: ArrayLike | LinearOperator, k: int = 6,
          M: ArrayLike | LinearOperator | None = None, sigma: float | None = None,
          which: str = 'LM', v0: ArrayLike | None = None, ncv: int | None = None,
          maxiter: int | None = None, tol: float = 0, return_eigenvectors: bool = True,
          Minv: ArrayLike | LinearOperator | None = None,
          OPinv: ArrayLike | LinearOperator | None = None, mode: str = 'normal',
          rng: int | np.random.Generator | None = None, *,
          callback: Callable[[int, np.ndarray, np.ndarray], object] | None = None,
          return_info: bool = False, block_size: int | None = None,
          basis_start: int | None = None) -> Any:
    """Find k eigenvalues and eigenvectors of the real symmetric or complex
    Hermitian matrix (or operator) A; optionally of A x = w M x.

    Same parameters, results and exceptions as
    :func:`scipy.sparse.linalg.eigsh` (see its documentation for ``M``,
    ``sigma``, ``mode``, ``which``, ``Minv`` and ``OPinv``).  eigkit computes
    with a thick-restart block Lanczos method instead of ARPACK: a block of
    ``block_size`` vectors finds that many copies of a repeated eigenvalue,
    and a closing verification with fresh random directions looks for
    more (pass ``block_size=m`` for a known multiplicity m), complex Hermitian
    problems are solved as such (``which`` LA / SA / LM / SM; SciPy's
    rules for complex input apply), and the run is deterministic for a
    given ``v0`` or ``rng``.

    Convergence: every returned pair has ||OP x - theta x||_B <= tol *
    ||OP||est, ||OP||est the largest Ritz value in magnitude seen, when OP
    is A (standard problem); when OP is M^-1 A or the shift-invert operator
    of ``mode``, <= tol * max(abs(theta), eps^(2/3) ||OP||est), ARPACK's test,
    which keeps small wanted values of OP accurate.  tol <= 0 means machine
    precision (as in ARPACK); NaN is refused.  In shift-invert mode the
    returned vectors then take one more step of OP (ARPACK's purification),
    which damps the error components that the transformation back to the
    problem would amplify.  When the first Lanczos basis would already span
    all n dimensions (n <= max(2k + 1, 20), or ncv = n), the problem is
    solved by the dense solver instead, except in buckling mode, with
    ``Minv``, ``OPinv`` or a ``callback``.  A real sparse matrix that is
    symmetric tridiagonal (the 1-D Laplacian, a path graph) takes neither:
    for ``which`` LA, SA, BE or LM of the standard problem, bisection and
    inverse iteration (:func:`eigkit.eigh_tridiagonal`) give its k pairs
    in O(n k) operations, with no operator products.

    Bad input: A or M containing NaN or Inf, and operators that return
    NaN, Inf or an array of the wrong shape, raise ValueError (SciPy's
    ARPACK raises ArpackError or returns garbage); an exception raised by an
    operator propagates unchanged and leaves nothing behind.  A, M and v0
    are never modified.  A ``mode`` other than ``'normal'`` without
    ``sigma`` raises ValueError (SciPy ignores it and solves in regular
    mode).

    Beyond SciPy (keyword-only):

    callback : callable(iteration, values, residual_norms), optional
        Called after every restart cycle with the current estimates of the
        k wanted eigenvalues (of the problem, not of OP) and their residual
        norm estimates.
    return_info : bool, optional
        Also return a :class:`LanczosInfo` (matvecs, restarts, residual
        norms of the returned pairs) as the last element of the result.
    block_size : int, optional
        Lanczos block size (default 1, the tunable ``eigsh_block_size``);
        a final verification cycle widens it when clusters of near-equal
        eigenvalues appear.  At least the largest multiplicity among the
        wanted eigenvalues makes finding all their copies certain (in
        exact arithmetic); a block of one vector finds the further copies
        only as rounding errors and the verification bring them out.
    basis_start : int, optional
        Width of the first Lanczos basis when ``ncv`` is not given, > k
        (default ARPACK's max(2k + 1, 20); at most n); the basis still widens while
        convergence stalls.  A narrower start such as 2k + 1 saves
        products when each one is expensive (a Hessian-vector product is
        a forward and a backward pass): the floor of 20 only amortizes the
        restart's orthogonalization over cheap products.

    Raises :class:`LanczosNoConvergence`, a subclass of SciPy's
    ``ArpackNoConvergence``, with the converged pairs when ``maxiter``
    restart cycles do not suffice.

    Examples
    --------
    The smallest eigenvalues of the 1-D Laplacian, 2 - 2 cos(j pi / (n+1)):

    >>> import numpy as np, scipy.sparse as sp
    >>> from eigkit import eigsh
    >>> n = 1000
    >>> lap = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(n, n), format="csr")
    >>> w, v = eigsh(lap, k=3, which="SA", rng=0)
    >>> exact = 2 - 2 * np.cos(np.arange(1, 4) * np.pi / (n + 1))
    >>> bool(np.allclose(w, exact, rtol=1e-8)), v.shape
    (True, (1000, 3))
    >>> w, v, info = eigsh(lap, k=3, which="SA", rng=0, return_info=True)
    >>> bool(info.residual_norms.max() < 1e-8)
    True
    """
    # The checks run in SciPy's order, so that the same mistake gets the
    # same exception first.
    A, M = _from_dask(A), _from_dask(M)
    A = _as_operand(A, "A")
    complex_problem = np.issubdtype(A.dtype, np.complexfloating)
    _check_complex_restrictions(complex_problem, mode, which)
    M = _checked_m(A, M)
    n = A.shape[0]
    k = _checked_integer(k, "k")
    if k <= 0:
        raise ValueError("k must be greater than 0.")
    if k >= (n - 1 if complex_problem else n):
        _check_dense_fallback(A, M, k, complex_problem)
        return _dense_all(A, M, return_eigenvectors, return_info)

    _check_sigma_tol(sigma, tol, complex_problem)
    imode, apply_op, apply_b = _operator(A, M, sigma, mode, Minv, OPinv, tol)
    if which not in _WHICH:
        raise ValueError(f"which must be one of {' '.join(_WHICH)}")
    maxiter = n * 10 if maxiter is None else maxiter
    if maxiter <= 0:
        raise ValueError(f"maxiter must be positive, maxiter={maxiter}")
    dtype = _working_dtype(A)
    v0 = _checked_v0(v0, n, dtype)
    ncv_start, ncv_soft, ncv = _basis_size(ncv, k, n, complex_problem, dtype, basis_start)
    block = _tuning.value("eigsh_block_size") if block_size is None else int(block_size)
    if block < 1:
        raise ValueError(f"block_size must be positive, block_size={block}")

    if sigma is None and M is None and callback is None and which in _tridiagonal_input.WHICH:
        tridiagonal = _tridiagonal_input.diagonals(A, dtype)
        direct = None if tridiagonal is None else _tridiagonal_input.solve(
            *tridiagonal, k, which, return_eigenvectors, _dense_eigh_tridiagonal)
        if direct is not None:
            w, z = direct
            return _direct_result(w, w, z, 0, which, dtype, return_eigenvectors, return_info)
    # The kernel runs one block of n columns whenever its widest basis has n:
    # for a pencil under a spectral transformation, M may be singular, which
    # that block cannot span (range(M) holds fewer than n M-orthonormal
    # vectors) and the direct solve handles.
    whole_block = ncv_start == n or (ncv == n and M is not None and sigma is not None)
    if (whole_block and mode != "buckling" and Minv is None and OPinv is None
            and callback is None):
        whole = _whole_space.solve(A, M, k, sigma, 1 if sigma is None else
                                   (3 if mode == "normal" else 5), which, dtype, _dense_eigh)
        if whole is not None:
            return _direct_result(*whole, which, dtype, return_eigenvectors, return_info)

    # OP's results near the overflow or underflow threshold would wreck the
    # kernel's norms (silently: zero residuals, wrong values); scale them.
    scaling = PowerOfTwoScaling(dtype)
    sparse_arrays = None
    if imode == 1:
        sparse_arrays = (A.arrays if isinstance(A, CompressedGram)
                         else compressed_arrays(A, dtype, scaling))

    def report(it, vals, res):
        callback(it, _transform(scaling.unscale(vals), imode, sigma), scaling.unscale(res))

    progress = report if callback is not None else None
    blocks = (None if sparse_arrays is None
              else _components.independent_blocks(sparse_arrays, dtype, which))
    max_block = max(block, _tuning.value("eigsh_max_block_size"))
    if blocks is not None:
        w, res, z, converged, raw = _components.lanczos_on_blocks(
            blocks, n, k, dtype, which, ncv, block, max_block, int(maxiter),
            float(tol), _seed(rng, v0), v0, progress, kernel_threads(), ncv_start, ncv_soft)
    else:
        w, res, z, converged, raw = _krylov_kernels.lanczos(
            scaling.wrap(apply_op), apply_b, n, k, dtype, which, ncv, block,
            max_block, int(maxiter), float(tol), _seed(rng, v0), v0, True,
            progress, kernel_threads(), sparse_arrays, ncv_start, ncv_soft,
            value_relative=imode != 1)
    w, res, raw["anorm"] = scaling.unscale(w), scaling.unscale(res), scaling.unscale(raw["anorm"])
    if imode == 3 and converged and return_eigenvectors:
        w, res, z = w[:k], res[:k], _purified(z[:, :k], w[:k], which, apply_op, apply_b)
    return _shaped_result(w, res, z, converged, raw, k, imode, sigma, which, dtype,
                          return_eigenvectors, return_info)


def _purified(z, nu, which, apply_op, apply_b):
    """Ritz vectors of shift-invert mode after one step of OP: x <- OP x / nu.

    With OP = (A - sigma M)^{-1} M, a Ritz pair with residual r = OP x - nu x
    has A x - lambda M x = -(A - sigma M) r / nu, where the component of r
    along the eigenvector of OP's value nu_i weighs 1 / nu_i: the eigenvalues
    far from sigma dominate.  After x <- OP x / nu that component weighs
    1 / nu instead, a gain of |nu_i / nu|, as in ARPACK's dseupd (Ericsson and
    Ruhe, "The spectral transformation Lanczos method", Math. Comp. 35, 1980).
    For which='LM' every other |nu_i| is smaller, so the step always gains.
    Otherwise some |nu_i| may be larger: the step is kept only for the pairs
    whose residual it lowers, measured with a second block product.
    """
    def split(applied):
        return applied if apply_b is not None else (applied, applied)

    op_z, b_op_z = split(apply_op(z))
    y = op_z / nu
    b_y = b_op_z / nu
    norms = np.sqrt(np.abs(np.einsum("ij,ij->j", y.conj(), b_y)))
    y, b_y = y / norms, b_y / norms
    if which == "LM":
        return y
    b_z = apply_b(z) if apply_b is not None else z
    op_y, b_op_y = split(apply_op(y))
    before = _b_norms(op_z - nu * z, b_op_z - nu * b_z)
    after = _b_norms(op_y - nu * y, b_op_y - nu * b_y)
    return np.where(after < before, y, z)


def _b_norms(r, b_r):
    """Column norms of r in the B inner product, given B r."""
    return np.sqrt(np.abs(np.einsum("ij,ij->j", r.conj(), b_r)))


def _as_operand(A, name):
    """A (or M) as something with dtype and shape, as SciPy requires."""
    if hasattr(A, "dtype") and hasattr(A, "shape"):
        return A
    try:
        return aslinearoperator(A)
    except TypeError as exc:
        raise TypeError(f"{name} must be an array, a sparse matrix or a LinearOperator, "
                        f"got {type(A).__name__}") from exc


def _checked_integer(value, name):
    """An integer argument; floats are refused (ARPACK would fail on them)."""
    try:
        return operator.index(value)
    except TypeError:
        if isinstance(value, (int, float, np.number)):
            raise TypeError(f"{name} must be an integer, got {value!r}") from None
        raise


def _check_sigma_tol(sigma, tol, complex_problem):
    if sigma is not None and not complex_problem and np.iscomplexobj(sigma):
        raise TypeError(f"sigma must be a real number for a real matrix A, got {sigma!r}")
    if math.isnan(float(tol)):
        raise ValueError("tol must be a number >= 0 (0: machine precision), got nan")


def _check_complex_restrictions(complex_problem, mode, which):
    if complex_problem:
        if mode != 'normal':
            raise ValueError(f"mode={mode} cannot be used with complex matrix A")
        if which == 'BE':
            raise ValueError("which='BE' cannot be used with complex matrix A")


def _checked_m(A, M):
    """A square A, and M as an operator of its shape (or None)."""
    if len(A.shape) != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f'expected square matrix (shape={A.shape})')
    if M is None:
        return None
    M = _as_operand(M, "M")
    if M.shape != A.shape:
        raise ValueError(f'wrong M dimensions {M.shape}, should be {A.shape}')
    if np.dtype(M.dtype).char.lower() != np.dtype(A.dtype).char.lower():
        warnings.warn('M does not have the same type precision as A. '
                      'This may adversely affect ARPACK convergence', stacklevel=3)
    return M


def _check_dense_fallback(A, M, k, complex_problem):
    """k >= n (k >= n - 1 for complex A): like SciPy, solve with the dense
    solver, which needs explicit matrices, with a RuntimeWarning; a sparse
    matrix or LinearOperator raises TypeError, as in SciPy (which warns
    first that it will try the dense solver; eigkit does not try it)."""
    n = A.shape[0]
    bound = f"n - 1 = {n - 1}" if complex_problem else f"n = {n}"
    kind = "a complex " if complex_problem else "a "
    need = f"k={k}: k must be less than {bound} for {kind}"
    if issparse(A):
        raise TypeError(f"{need}sparse matrix A (all eigenpairs need the dense solver); "
                        f"use eigkit.eigh(A.toarray()), or a smaller k")
    if isinstance(A, LinearOperator):
        raise TypeError(f"{need}LinearOperator A (all eigenpairs need the dense solver "
                        f"and an explicit matrix); use a smaller k")
    if isinstance(M, LinearOperator):
        raise TypeError(f"{need}LinearOperator M (all eigenpairs need the dense solver "
                        f"and an explicit matrix); use a smaller k")
    warnings.warn(f"k={k} >= {bound}: eigkit solves this with its dense solver "
                  f"(eigkit.eigh) and returns all {n} eigenpairs", RuntimeWarning, stacklevel=3)


# ARPACK's modes (scipy.sparse.linalg.eigsh): 1 standard, 2 generalized,
# 3 shift-invert, 4 buckling, 5 Cayley.  Each builder returns apply_op
# (X -> OP X, or (OP X, B OP X) when B != I) and apply_b (None when B = I).

def _regular_mode(A, M, Minv, OPinv, tol):
    if OPinv is not None:
        raise ValueError("OPinv should not be specified with sigma = None.")
    A_mat = block_product(aslinearoperator(A))
    if M is None:
        if Minv is not None:
            raise ValueError("Minv should not be specified with M = None.")
        return 1, A_mat, None
    Minv_mat = _Solver(M, tol) if Minv is None else block_product(aslinearoperator(Minv))

    def apply_op(X):
        AX = A_mat(X)
        return Minv_mat(AX), AX
    return 2, apply_op, block_product(aslinearoperator(M))


def _with_b_product(apply, B_mat):
    """The apply_op of a mode with B != I: X -> (OP X, B OP X), OP X = apply(X)."""
    def apply_op(X):
        Y = apply(X)
        return Y, B_mat(Y)
    return apply_op


def _shift_invert_normal(A, M_mat, OPinv_mat, sigma):
    if M_mat is None:
        return 3, OPinv_mat, None
    return 3, _with_b_product(lambda X: OPinv_mat(M_mat(X)), M_mat), M_mat


def _shift_invert_buckling(A, M_mat, OPinv_mat, sigma):
    A_mat = block_product(aslinearoperator(A))
    return 4, _with_b_product(lambda X: OPinv_mat(A_mat(X)), A_mat), A_mat


def _shift_invert_cayley(A, M_mat, OPinv_mat, sigma):
    A_mat = block_product(aslinearoperator(A))
    if M_mat is None:
        return 5, (lambda X: OPinv_mat(A_mat(X) + sigma * X)), None
    return 5, _with_b_product(lambda X: OPinv_mat(A_mat(X) + sigma * M_mat(X)), M_mat), M_mat


_SHIFT_INVERT_MODES = {"normal": _shift_invert_normal, "buckling": _shift_invert_buckling,
                       "cayley": _shift_invert_cayley}


def _check_mode(mode):
    if mode not in _SHIFT_INVERT_MODES:
        raise ValueError(f"unrecognized mode '{mode}'")


def _operator(A, M, sigma, mode, Minv, OPinv, tol):
    """(ARPACK mode number, apply_op, apply_b) for the requested problem."""
    if sigma is None:
        if mode != "normal":
            # SciPy ignores mode without sigma; a buckling or Cayley request
            # that silently became a regular solve would answer another question
            _check_mode(mode)
            raise ValueError(f"mode={mode!r} is a shift-invert mode and needs sigma; "
                             "with sigma=None eigsh solves A x = w M x in regular mode")
        return _regular_mode(A, M, Minv, OPinv, tol)
    if Minv is not None:
        raise ValueError("Minv should not be specified when sigma is specified.")
    _check_mode(mode)
    OPinv_mat = (block_product(aslinearoperator(OPinv)) if OPinv is not None
                 else _shifted_solver(A, M, sigma, tol))
    M_mat = block_product(aslinearoperator(M)) if M is not None else None
    return _SHIFT_INVERT_MODES[mode](A, M_mat, OPinv_mat, sigma)


def _working_dtype(A):
    tp = np.dtype(A.dtype).char
    if tp not in 'fdFD':
        if not np.can_cast(tp, 'd'):
            raise ValueError("matrix type must be 'f', 'd', 'F', or 'D'")
        tp = 'd'
    return np.dtype(tp)


def _checked_v0(v0, n, dtype):
    if v0 is None:
        return None
    v0 = np.array(v0, copy=True, dtype=dtype)
    if v0.ndim != 1 and not (v0.ndim == 2 and 1 in v0.shape):
        raise ValueError(f"v0 must be a vector of length {n}, got shape {v0.shape}")
    v0 = v0.reshape(-1)
    if v0.shape[0] != n:
        raise ValueError(f"v0 has length {v0.shape[0]}, expected {n}")
    if not np.all(np.isfinite(v0)):
        raise ValueError("v0 must not contain NaN or Inf")
    return v0


def _basis_size(ncv, k, n, complex_problem, dtype, start=None):
    """SciPy's ncv checks; then the first basis size, the soft limit and
    the widest one.  A chosen ncv is all three.  Otherwise the solve starts
    from ``start`` when given (at most n), else from ARPACK's
    default max(2k + 1, 20), cheap per product and enough on
    a well separated spectrum, and the kernel widens the basis while
    convergence stalls (thick_restart.c), up to the tunable
    ``eigsh_max_basis``: on clustered spectra a wider basis saves far more
    matvecs than its orthogonalization costs (2-D Laplacian, k = 10: ncv
    32 -> 60 halves the matvecs).  Beyond that soft limit it widens only
    on long stalls, up to ``eigsh_stalled_max_basis`` columns while the
    basis and its restart copy fit in ``eigsh_stalled_basis_bytes``."""
    if ncv is None and start is not None:
        start = _checked_integer(start, "basis_start")
        if start <= k + complex_problem:
            bound = "k+1" if complex_problem else "k"
            raise ValueError(f"basis_start must be > {bound}, basis_start={start}")
    default = max(2 * k + 1, 20) if start is None else start
    chosen = min(default if ncv is None else _checked_integer(ncv, "ncv"), n)
    if complex_problem:
        if chosen > n or chosen <= k + 1:
            raise ValueError(f"ncv must be k+1<ncv<=n, ncv={chosen}")
    elif chosen > n or chosen <= k:
        raise ValueError(f"ncv must be k<ncv<=n, ncv={chosen}")
    if ncv is not None:
        return chosen, chosen, chosen
    # A basis of n columns is the whole space, which the kernel fills at
    # once: n products where a restarted search needs fewer (svds of a
    # 200000 x 100 matrix, k = 5: 100 Gram products against ARPACK's 34).
    # Only a first basis of n is allowed to be the whole space.
    cap = n if chosen == n else n - 1
    soft = min(cap, max(chosen, 4 * k + 4 * _tuning.value("eigsh_block_size") + 12,
                        _tuning.value("eigsh_max_basis")))
    # the basis V and the restart's copy of it, n x width each
    affordable = _tuning.value("eigsh_stalled_basis_bytes") // (2 * n * np.dtype(dtype).itemsize)
    widest = min(cap, max(soft, min(_tuning.value("eigsh_stalled_max_basis"), affordable)))
    return chosen, soft, widest


def _seed(rng, v0):
    """Deterministic for a given rng or v0; fresh otherwise (as ARPACK)."""
    if rng is not None:
        return int(np.random.default_rng(rng).integers(0, 2**63))
    if v0 is not None:
        return 0
    return int(np.random.default_rng().integers(0, 2**63))


def _shaped_result(nu, res, z, converged, raw, k, imode, sigma, which, dtype,
                   return_eigenvectors, return_info):
    """Eigenvalues of the problem from those of OP, in SciPy's order and
    dtype; LanczosNoConvergence with the converged pairs on failure."""
    lam = _transform(nu, imode, sigma)
    if converged and len(lam) > k:
        lam, nu, res, z = lam[:k], nu[:k], res[:k], z[:, :k]
    order = _sort_for_return(lam, nu, which, return_eigenvectors or not converged)
    lam, res, z = lam[order], res[order], z[:, order]
    lam = lam.astype(np.empty(0, dtype).real.dtype, copy=False)
    info = LanczosInfo(matvecs=raw["matvecs"], restarts=raw["iterations"], residual_norms=res,
                       block_size=raw["block_size"], converged=converged, anorm=raw["anorm"],
                       blocks=raw.get("blocks", 1))
    if not converged:
        cycles = raw["iterations"]
        raise LanczosNoConvergence(
            f"eigkit Lanczos did not converge: {len(lam)} of {k} eigenpairs converged after "
            f"{cycles} iteration{'' if cycles == 1 else 's'} ({raw['matvecs']} operator products)",
            lam, z, info)
    if return_eigenvectors:
        return (lam, z, info) if return_info else (lam, z)
    return (lam, info) if return_info else lam


def _direct_result(lam, nu, z, products, which, dtype, return_eigenvectors, return_info):
    """eigsh's result from the pairs of a direct solve (whole_space.py,
    tridiagonal_input.py); z may be None without vectors."""
    order = _sort_for_return(lam, nu, which, return_eigenvectors)
    lam = lam[order].astype(np.empty(0, dtype).real.dtype, copy=False)
    z = None if z is None else z[:, order]
    info = LanczosInfo(matvecs=products, residual_norms=np.zeros(len(lam)),
                       anorm=float(np.max(np.abs(nu), initial=0.0)))
    if return_eigenvectors:
        return (lam, z, info) if return_info else (lam, z)
    return (lam, info) if return_info else lam


def _dense_all(A, M, return_eigenvectors, return_info):
    """k >= n: all eigenpairs by eigkit's dense solver, as SciPy does."""
    a = np.asarray(A)
    b = None if M is None else (M.toarray() if issparse(M) else np.asarray(M))
    if return_eigenvectors:
        w, v = _dense_eigh(a, b=b)
        return (w, v, LanczosInfo()) if return_info else (w, v)
    w = _dense_eigh(a, b=b, eigvals_only=True)
    return (w, LanczosInfo()) if return_info else w


# ---------------------------------------------------------------------------
# svds

#: LOBPCG iterations of svds(solver='lobpcg') when maxiter is not given
#: (SciPy's 20 often stops short of convergence)
SVDS_LOBPCG_MAXITER = 200


def _gram_lobpcg(gram, k, tol, maxiter, which, v0, rng):
    """Eigenvectors of the k extreme eigenvalues of the Gram operator by
    eigkit's LOBPCG, from SciPy's start block."""
    if k == 1 and v0 is not None:
        X = np.reshape(v0, (-1, 1))
    else:
        X = (rng if rng is not None else np.random.default_rng()).standard_normal(
            (gram.shape[0], k))
    _, eigvec = _lobpcg(gram, X.astype(np.result_type(X.dtype, gram.dtype)),
                       tol=tol ** 2 if tol > 0 else None,
                       maxiter=SVDS_LOBPCG_MAXITER if maxiter is None else maxiter,
                       largest=which == "LM")
    return eigvec

def svds(A: ArrayLike | LinearOperator, k: int = 6, ncv: int | None = None, tol: float = 0,
         which: str = 'LM', v0: ArrayLike | None = None, maxiter: int | None = None,
         return_singular_vectors: bool | str = True, solver: str = 'arpack',
         rng: int | np.random.Generator | None = None,
         options: dict | None = None) -> Any:
    """Partial singular value decomposition: a drop-in for
    :func:`scipy.sparse.linalg.svds` (same arguments, checks, results).

    eigkit computes it as SciPy's ARPACK path does, with eigkit's block
    Lanczos in place of ARPACK: :func:`eigsh` on the smaller Gram operator
    X^H X (tolerance tol**2), orthonormalization of its eigenvectors V,
    then the Rayleigh-Ritz step A V = U S W^H (a k x k SVD).  For a dense
    array with a short side (at most ``svds_formed_gram_max_order``, the
    other side ``svds_formed_gram_min_aspect`` times longer) and no v0 or
    rng, X^H X is formed in one pass and V comes from :func:`eigkit.eigh`.
    ``solver='lobpcg'`` finds V with :func:`eigkit.lobpcg` instead (start
    block from ``rng``, or ``v0`` when k = 1, as SciPy; ``tol**2`` as its
    tolerance when tol > 0; ``maxiter`` iterations, default
    ``SVDS_LOBPCG_MAXITER``).  Small singular values lose accuracy through
    the squaring, as with SciPy's ``solver='arpack'``.

    ``solver`` selects SciPy's rules for the arguments:

    - ``'arpack'`` and ``'lobpcg'``: k < min(A.shape), v0 of length
      min(A.shape) (a vector of the Gram operator's space).  ``ncv``
      applies to ``'arpack'`` only, as in SciPy.
    - ``'propack'``: k <= min(A.shape); k = min(A.shape) gives the whole
      SVD of A made dense (A applied to the identity for an operator), as
      does k = min(A.shape) - 1 for complex A, for every solver.  v0
      has length A.shape[0], a left starting vector: for A with at least
      as many rows as columns the Gram operator is A^H A and the solve
      starts from A^H v0 (from a random vector if A^H v0 = 0).  ``ncv`` is ignored, as
      in SciPy; ``maxiter`` bounds eigkit's restart cycles.

    ``options``: SciPy's svds takes no solver options for any solver;
    eigkit refuses a non-empty ``options`` with a ValueError rather than
    drop it.

    Examples
    --------
    >>> import numpy as np
    >>> from eigkit import svds
    >>> rng = np.random.default_rng(0)
    >>> a = rng.standard_normal((200, 50))
    >>> u, s, vh = svds(a, k=4, rng=0)
    >>> bool(np.allclose(s, np.linalg.svd(a, compute_uv=False)[3::-1]))
    True
    >>> bool(np.allclose(a @ vh.T, u * s))
    True
    """
    import numbers

    solver = str(solver).lower()
    solvers = {"arpack", "lobpcg", "propack"}
    if solver not in solvers:
        raise ValueError(f"solver must be one of {solvers}.")
    A_given = _from_dask(A)
    A = aslinearoperator(A_given)
    if not np.issubdtype(A.dtype, np.number):
        raise ValueError("`A` must be of numeric data type.")
    if math.prod(A.shape) == 0:
        raise ValueError("`A` must not be empty.")
    kmax = min(A.shape) if solver == 'propack' else min(A.shape) - 1
    if int(k) != k or not (0 < k <= kmax):
        raise ValueError("`k` must be an integer satisfying `0 < k < min(A.shape)`.")
    k = int(k)
    if solver == "arpack" and ncv is not None:
        if int(ncv) != ncv or not (k < ncv < min(A.shape)):
            raise ValueError("`ncv` must be an integer satisfying `k < ncv < min(A.shape)`.")
        ncv = int(ncv)
    elif solver != "arpack":
        ncv = None      # SciPy's lobpcg and propack ignore ncv
    if tol < 0 or not np.isfinite(tol):
        raise ValueError("`tol` must be a non-negative floating point value.")
    tol = float(tol)
    which = str(which).upper()
    if which not in {'LM', 'SM'}:
        raise ValueError(f"`which` must be in {set(['LM', 'SM'])}.")
    if v0 is not None:
        v0 = np.atleast_1d(v0)
        if not (np.issubdtype(v0.dtype, np.complexfloating)
                or np.issubdtype(v0.dtype, np.floating)):
            raise ValueError("`v0` must be of floating or complex floating data type.")
        shape = (A.shape[0],) if solver == 'propack' else (min(A.shape),)
        if v0.shape != shape:
            raise ValueError(f"`v0` must have shape {shape}.")
    if maxiter is not None and (int(maxiter) != maxiter or maxiter <= 0):
        raise ValueError("`maxiter` must be a positive integer.")
    maxiter = int(maxiter) if maxiter is not None else maxiter
    if return_singular_vectors not in {True, False, "vh", "u"}:
        raise ValueError("`return_singular_vectors` must be in {True, False, 'vh', 'u'}.")
    if isinstance(rng, (numbers.Integral, np.integer)):
        rng = np.random.default_rng(rng)
    elif isinstance(rng, np.random.RandomState):
        rng = np.random.default_rng(rng)
    elif rng is not None and not isinstance(rng, np.random.Generator):
        raise ValueError(f"'{rng}' is neither a NumPy Generator nor an integer seed"
                         " to instantiate one. For future-proofing, prefer using a"
                         " NumPy Generator.")

    _solver_options(solver, options)
    jobu = return_singular_vectors in {True, 'u'}
    jobv = return_singular_vectors in {True, 'vh'}
    # eigsh's rules send k >= n - 1 of a complex operator to a dense solver
    # (SciPy's ARPACK cannot do them): the Gram operator's would be refused
    complex_gram = np.issubdtype(A.dtype, np.complexfloating)
    if k >= min(A.shape) - (1 if complex_gram else 0):
        return _dense_svd(A_given, A, k, which, return_singular_vectors, jobu, jobv)

    nrow, ncol = A.shape
    if v0 is not None and solver == "propack" and nrow >= ncol:
        v0 = _right_start(A, v0)
    A_mat, AH_mat = block_product(A), block_product(A, adjoint=True)
    if nrow >= ncol:
        X_raw, XH_raw, transpose = A_mat, AH_mat, False
    else:
        X_raw, XH_raw, transpose = AH_mat, A_mat, True
    # The Gram operator squares A's scale: keep A's results well inside the
    # range, with the same exact factor on both sides.
    scaling = PowerOfTwoScaling(A.dtype, root=2)
    X_mat = scaling.wrap(X_raw)
    XH_mat = scaling.wrap(XH_raw)
    nsmall = min(A.shape)
    # A CSR or CSC A (nothing to scale) has its Gram products run in C.
    arrays = compressed_arrays(A_given, A.dtype, PowerOfTwoScaling(A.dtype),
                               "AAh" if transpose else "AhA")
    XH_X = CompressedGram(lambda X: XH_mat(X_mat(X)), (nsmall, nsmall), A.dtype, arrays)
    # X^H X is positive semidefinite: its largest (smallest) eigenvalues in
    # magnitude are its algebraically largest (smallest).  Asked as LA / SA
    # the solve ends once the k are locked; as LM / SM it would spend a
    # verification cycle looking for the other end of the spectrum.
    if solver == "lobpcg":
        eigvec = _gram_lobpcg(XH_X, k, tol, maxiter, which, v0, rng)
    elif v0 is None and rng is None and _formed_gram_pays(A_given, nsmall):
        eigvec = _formed_gram_eigvecs(np.asarray(A_given), scaling, transpose, k, which)
    else:
        _, eigvec = eigsh(XH_X, k=k, tol=tol ** 2, maxiter=maxiter, ncv=ncv,
                          which="LA" if which == "LM" else "SA", v0=v0, rng=rng)
    eigvec, _ = tall_qr(eigvec)
    Av = np.asarray(X_mat(eigvec))
    # Rayleigh-Ritz: Av = Q R, R = Ur S W^H (k x k)
    q, r = tall_qr(Av)
    ur, s, wh = np.linalg.svd(r)
    s = scaling.unscale(s)
    if not return_singular_vectors:
        return s[::-1]
    u = (q @ ur)[:, ::-1]
    s = s[::-1]
    vh = wh[::-1]
    if transpose:
        u_tmp = eigvec @ vh.conj().T if jobu else None
        vh = u.conj().T if jobv else None
        u = u_tmp
    else:
        if not jobu:
            u = None
        vh = vh @ eigvec.conj().T if jobv else None
    return u, s, vh


def _formed_gram_pays(A_given, nsmall):
    """Whether svds forms the Gram matrix of A rather than applying it:
    for a dense float A whose smaller side is at most the tunable
    ``svds_formed_gram_max_order`` and whose other side is at least
    ``svds_formed_gram_min_aspect`` times longer (when no start is given:
    a start, v0 or rng, asks for the iterative solve from it).  One pass
    of eigkit's Gram kernel (n p^2 multiply-adds at level-3 speed) and a
    dense subset eigh of order p then cost less than the 40 to 80 Gram
    products of a Lanczos solve, each two memory-bound passes over A; on
    a nearly square A the eigh of order p costs more."""
    if not (isinstance(A_given, np.ndarray) and A_given.dtype.char in "fdFD"):
        return False
    return (nsmall <= _tuning.value("svds_formed_gram_max_order")
            and max(A_given.shape) >= _tuning.value("svds_formed_gram_min_aspect") * nsmall)


def _formed_gram_eigvecs(a, scaling, transpose, k, which):
    """The eigenvectors of the k largest (``which`` 'LM') or smallest
    eigenvalues of X^H X, X = A (A^H when ``transpose``) scaled as the Gram
    operator's products are, by eigkit's dense eigh of the formed matrix:
    the same squared conditioning as the operator, without iterations."""
    x = scaling(a.conj().T if transpose else a)
    if x.dtype.kind == "f":
        gram, _ = centered_gram(x, np.zeros(x.shape[1], dtype=x.dtype), "features")
    else:
        gram = x.conj().T @ x
    # a NaN or Inf entry of A reaches the diagonal entry of its column
    if not np.all(np.isfinite(np.diagonal(gram))):
        raise ValueError("A contains NaN or Inf")
    n = gram.shape[0]
    chosen = [n - k, n - 1] if which == "LM" else [0, k - 1]
    return _dense_eigh(gram, subset_by_index=chosen, overwrite_a=True, check_finite=False)[1]


def _solver_options(solver, options):
    """The solver options svds uses: none, as SciPy's svds supports none
    for any solver ("reserved for future use").  A non-empty ``options`` is
    refused rather than dropped.  The one place where a solver that takes
    options would accept them."""
    if options is None:
        return {}
    if not isinstance(options, dict):
        raise TypeError(f"`options` must be a dict or None, got {type(options).__name__}")
    if options:
        raise ValueError(f"svds(solver={solver!r}) takes no solver options, got "
                         f"{list(options)}; eigkit does not ignore options it cannot use")
    return {}


def _dense_svd(A_given, A, k, which, return_singular_vectors, jobu, jobv):
    """The k (>= min(A.shape) - 1) largest or smallest singular triplets
    from LAPACK's SVD of A made dense, in svds's ascending order.  ``A`` is
    ``A_given`` as a LinearOperator."""
    if issparse(A_given):
        dense = A_given.toarray()
    elif isinstance(A_given, np.ndarray):
        dense = np.asarray(A_given)
    else:
        dense = block_product(A)(np.eye(A.shape[1], dtype=A.dtype))
    m = min(dense.shape)
    # LAPACK's order is descending
    chosen = np.arange(k)[::-1] if which == "LM" else np.arange(m - k, m)[::-1]
    if not return_singular_vectors:
        return np.linalg.svd(dense, compute_uv=False)[chosen]
    u, s, vh = np.linalg.svd(dense, full_matrices=False)
    return (u[:, chosen] if jobu else None), s[chosen], (vh[chosen] if jobv else None)


def _right_start(A, v0):
    """PROPACK's v0 is a left vector (length A.shape[0]); the Gram operator
    A^H A of a tall A acts on right vectors: start from A^H v0, its image,
    which spans the same Krylov directions the bidiagonalization would
    take first.  A^H v0 = 0 carries no information: a random start."""
    start = np.asarray(A.rmatvec(v0)).reshape(-1)
    return start if np.any(start) else None
