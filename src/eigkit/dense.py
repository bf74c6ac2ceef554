"""Dense and tridiagonal symmetric eigensolvers: drop-ins for scipy.linalg.

This module is the thin layer of the dense path: it validates arguments
and converts dtypes exactly as :mod:`scipy.linalg` does, lays the matrix
out for the kernels, and shapes the results like SciPy's.  The numerical
work happens in the compiled kernels behind :mod:`eigkit._kernels.dense`:
Householder tridiagonalization, implicit QR (all pairs) or bisection and
inverse iteration (subsets), and blocked back-transformation.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike
from numpy.linalg import LinAlgError  # noqa: F401  (re-exported for users' except clauses)
from scipy.linalg.blas import find_best_blas_type
from scipy.sparse import issparse

from . import _tuning
from ._kernels import dense as _dense_kernels, tridiagonal as _tridiagonal_kernels
from ._linalg import krylov_subset as _krylov_subset
from ._threads import kernel_threads

__all__ = ["eigh", "eigvalsh", "eigh_tridiagonal", "eigvalsh_tridiagonal"]

_DRIVERS = ("ev", "evd", "evr", "evx", "gv", "gvd", "gvx")
_STANDARD_DRIVERS = ("ev", "evd", "evr", "evx")
_GENERALIZED_DRIVERS = ("gv", "gvd", "gvx")
_FULL_SPECTRUM_DRIVERS = ("ev", "evd", "gv", "gvd")
_TRIDIAGONAL_DRIVERS = ("auto", "stemr", "sterf", "stebz", "stev", "stevd")
_SELECT_CODES = {0: 0, 1: 1, 2: 2, "all": 0, "value": 1, "index": 2, "a": 0, "v": 1, "i": 2}


# ---------------------------------------------------------------------------
# Validation shared by every entry point

def _validated(a, check_finite):
    """``a`` as an ndarray, refusing what scipy.linalg refuses."""
    if issparse(a):
        raise ValueError("Sparse arrays/matrices are not supported by this function. "
                         "Perhaps one of the `scipy.sparse.linalg` functions "
                         "would work instead.")
    if np.ma.isMaskedArray(a):
        raise ValueError("masked arrays are not supported")
    arr = np.asarray_chkfinite(a) if check_finite else np.asarray(a)
    if arr.dtype == np.dtype("O"):
        raise ValueError("object arrays are not supported")
    if arr.dtype.kind in "USV":
        raise ValueError(f"arrays of dtype {arr.dtype} are not supported; "
                         "eigkit needs numeric input")
    return arr


# LAPACK's precisions, in the order of the tunables given by precision.
_PRECISIONS = "fdFD"


def _working_dtype(*arrays):
    """The LAPACK precision SciPy would pick for these arrays."""
    present = [x for x in arrays if x is not None]
    if len(present) == 1 and present[0].dtype.char in _PRECISIONS \
            and present[0].dtype.isnative:
        return present[0].dtype          # what find_best_blas_type returns, sooner
    return np.dtype(find_best_blas_type(present)[1])


def _lower_fortran(arr, lower, dtype, may_overwrite):
    """A Fortran-ordered matrix of ``dtype`` whose lower triangle holds the
    kernel's input, and whether that input is conj(A) rather than A.

    The kernels read the lower triangle only.  When the user gives the
    upper triangle, the transpose carries it into the lower one; for a
    Hermitian A that transpose is conj(A), which has the same eigenvalues
    and conjugated eigenvectors.  No copy is made when the caller allows
    overwriting and the memory already has the right layout.
    """
    source = arr if lower else arr.T
    if may_overwrite and source.dtype == dtype and source.flags.f_contiguous \
            and source.flags.writeable:
        return source, not lower
    return np.array(source, dtype=dtype, order="F"), not lower


def _private(arr, original):
    """Whether ``arr``, converted from the user's ``original``, is memory no
    one else sees.  Conversion may return a view (np.matrix, np.memmap and
    other subclasses, objects exporting their buffer): those must not be
    overwritten without overwrite_a / overwrite_b."""
    return arr is not original and not np.may_share_memory(arr, original)


def _check_square(arr, name):
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ValueError(f'expected square "{name}" matrix')


def _check_driver(driver, generalized, subset):
    """SciPy's driver checks; each name then maps to an eigkit path."""
    if driver is None:
        return
    if driver not in _DRIVERS:
        raise ValueError('"{}" is unknown. Possible values are "None", "{}".'
                         .format(driver, '", "'.join(_DRIVERS)))
    if not generalized and driver in _GENERALIZED_DRIVERS:
        raise ValueError(f"{driver} requires input b array to be supplied "
                         "for generalized eigenvalue problems.")
    if generalized and driver in _STANDARD_DRIVERS:
        raise ValueError(f'"{driver}" does not accept input b array '
                         "for standard eigenvalue problems.")
    if subset and driver in _FULL_SPECTRUM_DRIVERS:
        raise ValueError(f'"{driver}" cannot compute subsets of eigenvalues')


def _selection(subset_by_index, subset_by_value, n):
    """(kind, il, iu, vl, vu) for the kernels, checked as SciPy checks."""
    if subset_by_index is not None and subset_by_value is not None:
        raise ValueError("Either index or value subset can be requested.")
    if subset_by_index is not None:
        lo, hi = (int(x) for x in subset_by_index)
        if not 0 <= lo <= hi < n:
            raise ValueError("Requested eigenvalue indices are not valid. "
                             f"Valid range is [0, {n - 1}] and start <= end, but "
                             f"start={lo}, end={hi} is given")
        return _dense_kernels.SELECT_INDEX, lo, hi, 0.0, 0.0
    if subset_by_value is not None:
        lo, hi = subset_by_value
        if not -math.inf <= lo < hi <= math.inf:
            raise ValueError("Requested eigenvalue bounds are not valid. "
                             "Valid range is (-inf, inf) and low < high, but "
                             f"low={lo}, high={hi} is given")
        return _dense_kernels.SELECT_VALUE, 0, -1, float(lo), float(hi)
    return _dense_kernels.SELECT_ALL, 0, -1, 0.0, 0.0


def _batched(core, a, b):
    """Apply ``core`` over the leading (batch) dimensions of a and b, as
    scipy.linalg does for stacks of matrices."""
    arrays = [a] if b is None else [a, b]
    batch_shape = np.broadcast_shapes(*(x.shape[:-2] for x in arrays))
    if math.prod(batch_shape) == 0:
        raise ValueError("`eigh` does not support zero-size batches.")
    a = np.broadcast_to(a, batch_shape + a.shape[-2:])
    b = None if b is None else np.broadcast_to(b, batch_shape + b.shape[-2:])
    results = [core(a[i], None if b is None else b[i]) for i in np.ndindex(batch_shape)]
    if not isinstance(results[0], tuple):
        return np.stack(results).reshape(batch_shape + results[0].shape)
    return tuple(np.stack(parts).reshape(batch_shape + parts[0].shape)
                 for parts in zip(*results))


# ---------------------------------------------------------------------------
# Dense Hermitian problems

def eigh(a: ArrayLike, b: ArrayLike | None = None, *, lower: bool = True,
         eigvals_only: bool = False, overwrite_a: bool = False, overwrite_b: bool = False,
         type: int = 1, check_finite: bool = True,
         subset_by_index: Sequence[int] | None = None,
         subset_by_value: Sequence[float] | None = None,
         driver: str | None = None) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Solve a standard or generalized Hermitian eigenvalue problem.

    A drop-in for :func:`scipy.linalg.eigh`: same signature, return shapes,
    dtypes and exceptions.  Finds eigenvalues ``w`` and, optionally,
    eigenvectors ``v`` of ``a v = w v`` or of the generalized problem
    ``a v = w b v`` (and its variants ``a b v = w v``, ``b a v = w v``).

    Parameters
    ----------
    a : (M, M) array_like
        A complex Hermitian or real symmetric matrix.  Only the triangle
        chosen by `lower` is read.  Stacks of matrices (``(..., M, M)``)
        are accepted as in SciPy.  For standard problems and all
        eigenvalues, a stack (or a single matrix) of order at most
        ``batched_max_order`` (96) is solved in one compiled call, threads
        sharing the matrices: cyclic Jacobi on many matrices at once for
        the smallest orders, Householder reduction and implicit QR beyond.
        Other stacks are solved one matrix at a time.
    b : (M, M) array_like, optional
        A complex Hermitian or real symmetric positive definite matrix.
    lower : bool, optional
        Whether the relevant data are in the lower (default) or the upper
        triangle of `a` and `b`.
    eigvals_only : bool, optional
        Compute only the eigenvalues.
    overwrite_a, overwrite_b : bool, optional
        Allow the data of `a` / `b` to be destroyed (saves a copy when the
        array already has the working dtype and a suitable memory order).
    type : {1, 2, 3}, optional
        The generalized problem: 1 ``a v = w b v``; 2 ``a b v = w v``;
        3 ``b a v = w v``.  Ignored for standard problems.
    check_finite : bool, optional
        Check that the inputs contain only finite numbers.  Without the
        check, NaN or Inf input gives NaN eigenvalues or a LinAlgError,
        never a hang.
    subset_by_index : iterable of two ints, optional
        ``[lo, hi]``: return only the eigenvalues with indices lo..hi
        (0-based, inclusive, ascending order).
    subset_by_value : iterable of two floats, optional
        ``[lo, hi]``: return only the eigenvalues in the half-open
        interval ``(lo, hi]``.  Infinite bounds are allowed.
    driver : str, optional
        Which of eigkit's paths may run; no name is forwarded to LAPACK.
        None lets eigkit choose among all of them.  Named drivers take
        eigkit's direct solvers only, as SciPy's LAPACK drivers are all
        direct:

        - ``"ev"``, ``"evd"`` (standard), ``"gv"``, ``"gvd"``
          (generalized): all eigenpairs by Householder tridiagonalization
          and implicit QR with blocked rotations.  SciPy's consistency
          checks apply (these refuse subsets with the same ValueError).
        - ``"evr"``, ``"evx"`` (standard), ``"gvx"`` (generalized): as
          above for the full spectrum; subsets by Sturm bisection and
          inverse iteration after the same tridiagonalization, never by
          block Lanczos.
        - None: the above, and, for a few pairs at one end of the spectrum
          of a large standard problem (``subset_by_index`` starting at 0 or
          ending at M - 1, at most ``krylov_subset_max_fraction`` of M
          pairs, M at least ``krylov_subset_min_order``), block Lanczos on
          GEMM products first: kept only if LAPACK's residual and
          orthogonality tests pass, abandoned for the direct solver as soon
          as its work, done or predicted, exceeds a fraction of the direct
          solver's, and not tried at all when a cheap estimate of the stable
          rank says the spectrum is flat (a random matrix).  Pass ``"evr"``
          to rule this path out.

        Whatever the driver, eigenvalues only of matrices of order
        ``two_stage_min_order`` and more come from a two-stage reduction
        (to band form with level-3 BLAS, then bulge chasing) followed by
        root-free QR or, for subsets, bisection; and standard problems of
        order ``batched_max_order`` and less, all eigenpairs, go to the
        batched kernel described under `a`.  Both are direct solvers.
        These orders and limits are tunables (see
        :func:`eigkit.config.set_tunables`).

    Returns
    -------
    w : (N,) ndarray
        The N (1 <= N <= M) selected eigenvalues, in ascending order.
        Real; float32 for single-precision input.
    v : (M, N) ndarray
        The normalized eigenvector of ``w[i]`` is the column ``v[:, i]``.
        Only returned if ``eigvals_only=False``.

    Raises
    ------
    LinAlgError
        If `b` is not positive definite, or the iteration did not converge.
    ValueError
        For malformed arguments, or NaN/Inf input under `check_finite`.

    See Also
    --------
    eigvalsh : eigenvalues only.
    eigh_tridiagonal : symmetric tridiagonal matrices.

    Examples
    --------
    >>> import numpy as np
    >>> from eigkit import eigh
    >>> A = np.array([[6, 3, 1, 5], [3, 0, 5, 1], [1, 5, 6, 2], [5, 1, 2, 2]])
    >>> w, v = eigh(A)
    >>> np.allclose(A @ v - v @ np.diag(w), np.zeros((4, 4)))
    True

    The two largest eigenpairs only:

    >>> w, v = eigh(A, subset_by_index=[2, 3])
    >>> w
    array([ 6.08502336, 12.42399079])
    """
    if b is None and subset_by_index is None and subset_by_value is None \
            and (driver is None or driver in _STANDARD_DRIVERS):
        found = _small_single(a, eigvals_only, lower, check_finite)
        if found is not None:
            return found
    generalized = b is not None
    subset = subset_by_index is not None or subset_by_value is not None
    _check_driver(driver, generalized, subset)
    a1 = _validated(a, check_finite)
    b1 = _validated(b, check_finite) if generalized else None

    def core(a2, b2):
        return _eigh_single(a, a2, b, b2, lower, eigvals_only, overwrite_a, overwrite_b,
                            type, subset_by_index, subset_by_value, driver)

    if b1 is None and not subset and _batched_kernel_takes(a1):
        return _eigh_stack(a1, lower, eigvals_only)
    if a1.ndim > 2 or (b1 is not None and b1.ndim > 2):
        return _batched(core, a1, b1)
    return core(a1, b1)


def _small_single(a, eigvals_only, lower, check_finite):
    """The batched kernel's answer for one matrix, standard problem and
    all eigenpairs, taken with the least work per call: ``a`` a plain
    ndarray (no subclass: masked arrays and np.matrix take the general
    path) of order 1 to ``batched_max_order`` and one of the working
    dtypes, native.  The answer is the general path's (the same kernel,
    the same results); None when the fast path does not apply."""
    if type(a) is not np.ndarray or a.ndim != 2:
        return None
    n = a.shape[0]
    if not 0 < n <= _tuning.value("batched_max_order") or a.shape[1] != n:
        return None
    code = _PRECISIONS.find(a.dtype.char)
    if code < 0:
        return None
    return _dense_kernels.small_eigen(a, not eigvals_only, lower, check_finite,
                                      _tuning.value("batched_jacobi_max_order")[code])


def _batched_kernel_takes(a1):
    """Whether a1, one matrix or a stack of them (standard problems, all
    eigenpairs), goes to the batched kernel: square matrices of order 1 to
    ``batched_max_order``.  Anything else, malformed input included (whose
    errors the other paths raise as SciPy does), takes the other paths."""
    if a1.ndim < 2:
        return False
    n = a1.shape[-1]
    return a1.shape[-2] == n and 0 < n <= _tuning.value("batched_max_order")


def _eigh_stack(a1, lower, eigvals_only):
    """eigh of the matrix a1, or of every matrix of the stack a1, in one
    kernel call: the eigenvalues (batch shape + (n,)) and, unless
    eigvals_only, the eigenvectors (batch shape + (n, n)), as SciPy shapes
    them (a single matrix's in Fortran order, as LAPACK leaves them)."""
    batch_shape, n = a1.shape[:-2], a1.shape[-1]
    count = math.prod(batch_shape)
    if count == 0:
        raise ValueError("`eigh` does not support zero-size batches.")
    dtype = _working_dtype(a1)
    # the kernel reads any whole-element strides in place (broadcast
    # stacks included): only a conversion, or odd memory, costs a copy
    stack = a1.reshape((count, n, n))
    if stack.dtype != dtype or not stack.flags.aligned \
            or any(st % dtype.itemsize for st in stack.strides):
        stack = stack.astype(dtype)
    # the kernel starts threads only for this much work: below it the
    # thread count is not worth asking for
    nthreads = kernel_threads() if count * n ** 3 > _dense_kernels.BATCHED_SHARE_MIN_WORK else 1
    jacobi_max = _tuning.value("batched_jacobi_max_order")[_PRECISIONS.index(dtype.char)]
    w, v = _dense_kernels.batched_eigen(stack, not eigvals_only, lower, jacobi_max, nthreads,
                                        fortran_vectors=a1.ndim == 2)
    w = w.reshape(batch_shape + (n,))
    return w if eigvals_only else (w, v.reshape(batch_shape + (n, n)))


def _eigh_single(a, a1, b, b1, lower, eigvals_only, overwrite_a, overwrite_b, itype,
                 subset_by_index, subset_by_value, driver):
    """eigh for one matrix (or pair), after driver validation.  A named
    driver asks for a direct solver, as all of LAPACK's are: only
    ``driver=None`` lets block Lanczos try."""
    _check_square(a1, "a")
    n = a1.shape[0]
    if b1 is not None:
        _check_square(b1, "b")
        if b1.shape != a1.shape:
            raise ValueError(f"wrong b dimensions {b1.shape}, should be {a1.shape}")
        if itype not in (1, 2, 3):
            raise ValueError('"type" keyword only accepts 1, 2, and 3.')
    kind, il, iu, vl, vu = _selection(subset_by_index, subset_by_value, n) if n > 0 \
        else (_dense_kernels.SELECT_ALL, 0, -1, 0.0, 0.0)

    dtype = _working_dtype(a1, b1)
    real_dtype = np.empty(0, dtype).real.dtype
    if n == 0:
        w = np.empty((0,), dtype=real_dtype)
        return w if eigvals_only else (w, np.empty((0, 0), dtype=dtype))

    # a few pairs at one end of the spectrum: block Lanczos first
    krylov = _krylov_subset.plan(n, il, iu) \
        if driver is None and b1 is None and kind == _dense_kernels.SELECT_INDEX else None
    may_overwrite = overwrite_a or _private(a1, a)
    if krylov is None:
        work_a, conjugated = _lower_fortran(a1, lower, dtype, may_overwrite)
    else:
        work_a, conjugated = _krylov_subset.operand(krylov, a1, lower, dtype, may_overwrite)
    work_b = None
    if b1 is not None:
        work_b, _ = _lower_fortran(b1, lower, dtype, overwrite_b or _private(b1, b))
        _dense_kernels.generalized_reduce(itype, work_a, work_b)

    found = None
    if krylov is not None:
        found = _krylov_subset.solve(work_a, krylov, not eigvals_only, kernel_threads())
    # once A outgrows the cache, level-3 BLAS beats memory-bound products
    if found is None and eigvals_only and n >= _tuning.value("two_stage_min_order"):
        return _dense_kernels.symmetric_eigvals_two_stage(work_a, kind, il, iu, vl, vu,
                                                          _tuning.value("two_stage_bandwidth"),
                                                          kernel_threads())
    if found is None:
        found = _dense_kernels.symmetric_eigen(work_a, not eigvals_only, kind, il, iu, vl, vu,
                                       kernel_threads())
    w, v = found
    if eigvals_only:
        return w
    if work_b is not None:
        _dense_kernels.generalized_recover(itype, work_b, v)
    if conjugated and dtype.kind == "c":
        np.conjugate(v, out=v)
    return w, v


def eigvalsh(a: ArrayLike, b: ArrayLike | None = None, *, lower: bool = True,
             overwrite_a: bool = False, overwrite_b: bool = False, type: int = 1,
             check_finite: bool = True, subset_by_index: Sequence[int] | None = None,
             subset_by_value: Sequence[float] | None = None,
             driver: str | None = None) -> np.ndarray:
    """Eigenvalues of a Hermitian or real symmetric matrix.

    A drop-in for :func:`scipy.linalg.eigvalsh`; the parameters are those
    of :func:`eigh` without `eigvals_only`.

    Returns
    -------
    w : (N,) ndarray
        The selected eigenvalues in ascending order.

    Examples
    --------
    >>> import numpy as np
    >>> from eigkit import eigvalsh
    >>> A = np.array([[6, 3, 1, 5], [3, 0, 5, 1], [1, 5, 6, 2], [5, 1, 2, 2]])
    >>> eigvalsh(A)
    array([-3.74637491, -0.76263923,  6.08502336, 12.42399079])
    """
    if b is None and subset_by_index is None and subset_by_value is None \
            and (driver is None or driver in _STANDARD_DRIVERS):
        found = _small_single(a, True, lower, check_finite)
        if found is not None:
            return found
    return eigh(a, b=b, lower=lower, eigvals_only=True, overwrite_a=overwrite_a,
                overwrite_b=overwrite_b, type=type, check_finite=check_finite,
                subset_by_index=subset_by_index, subset_by_value=subset_by_value,
                driver=driver)


# ---------------------------------------------------------------------------
# Symmetric tridiagonal problems

def _tridiagonal_selection(select, select_range, n):
    """(kind, il, iu, vl, vu) from SciPy's select / select_range."""
    if isinstance(select, str):
        select = select.lower()
    try:
        code = _SELECT_CODES[select]
    except (KeyError, TypeError) as exc:
        raise ValueError("invalid argument for select") from exc
    if code == 0:
        return _dense_kernels.SELECT_ALL, 0, -1, 0.0, 0.0
    sr = np.asarray(select_range)
    if sr.ndim != 1 or sr.size != 2 or sr[1] < sr[0]:
        raise ValueError("select_range must be a 2-element array-like in nondecreasing order")
    if sr.dtype.kind in "fc" and np.isnan(sr).any():
        # LAPACK's stebz fails on a NaN bound; refuse it before the kernels.
        raise ValueError(f"select_range must not contain NaN, got {select_range}")
    if code == 1:
        return _dense_kernels.SELECT_VALUE, 0, -1, float(sr[0]), float(sr[1])
    if sr.dtype.char.lower() not in "hilqp":
        raise ValueError(f'when using select="i", select_range must contain integers, '
                         f"got dtype {sr.dtype} ({sr.dtype.char})")
    il, iu = int(sr[0]), int(sr[1])
    if il < 0 or iu > n - 1:
        raise ValueError("select_range out of bounds")
    return _dense_kernels.SELECT_INDEX, il, iu, 0.0, 0.0


def eigh_tridiagonal(d: ArrayLike, e: ArrayLike, eigvals_only: bool = False,
                     select: str = "a", select_range: Sequence[float] | None = None,
                     check_finite: bool = True, tol: float = 0.0,
                     lapack_driver: str = "auto") -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Solve the eigenvalue problem of a real symmetric tridiagonal matrix.

    A drop-in for :func:`scipy.linalg.eigh_tridiagonal`.  The matrix has
    diagonal `d` and off-diagonal `e`.

    Parameters
    ----------
    d : (N,) array_like
        The diagonal.
    e : (N-1,) array_like
        The off-diagonal.
    eigvals_only : bool, optional
        Compute only the eigenvalues.
    select : {'a', 'v', 'i'}, optional
        All eigenvalues, those in the half-open interval ``(min, max]``, or
        those with indices ``min <= i <= max`` (0-based).
    select_range : (min, max), optional
        The range for ``select='v'`` or ``'i'``.
    check_finite : bool, optional
        Check that the input contains only finite numbers.  Without the
        check, NaN or Inf input gives a LinAlgError or NaN eigenvalues,
        never a hang.
    tol : float, optional
        Absolute accuracy asked of each eigenvalue when a subset is
        selected (bisection).  ``tol <= 0`` means about ``eps * |T|``.
    lapack_driver : str, optional
        Accepted for compatibility, never forwarded to LAPACK.  ``'stev'``,
        ``'stevd'`` and ``'sterf'`` require ``select='a'`` as in SciPy;
        ``'sterf'`` also requires `eigvals_only`.  The full spectrum comes
        from eigkit's implicit QR (root-free without vectors); a selection
        from Sturm bisection and inverse iteration, whatever the name.

    Returns
    -------
    w : (M,) ndarray
        The eigenvalues in ascending order.
    v : (N, M) ndarray
        The normalized eigenvectors in columns.  Only if not `eigvals_only`.

    Raises
    ------
    LinAlgError
        If the iteration does not converge.
    ValueError, TypeError
        For malformed input, as in SciPy (TypeError for complex input).

    Examples
    --------
    >>> import numpy as np
    >>> from eigkit import eigh_tridiagonal
    >>> d = 3 * np.ones(4)
    >>> e = -1 * np.ones(3)
    >>> w, v = eigh_tridiagonal(d, e)
    >>> A = np.diag(d) + np.diag(e, k=1) + np.diag(e, k=-1)
    >>> np.allclose(A @ v - v @ np.diag(w), np.zeros((4, 4)))
    True
    """
    d1 = _validated(d, check_finite)
    e1 = _validated(e, check_finite)
    for arr in (d1, e1):
        if arr.ndim != 1:
            raise ValueError("expected a 1-D array")
        if arr.dtype.char in "GFD":
            raise TypeError("Only real arrays currently supported")
    if d1.size != e1.size + 1:
        raise ValueError(f"d ({d1.size}) must have one more element than e ({e1.size})")
    n = d1.size
    kind, il, iu, vl, vu = _tridiagonal_selection(select, select_range, n)
    if not isinstance(lapack_driver, str):
        raise TypeError("lapack_driver must be str")
    if lapack_driver not in _TRIDIAGONAL_DRIVERS:
        raise ValueError(f"lapack_driver must be one of {_TRIDIAGONAL_DRIVERS}, "
                         f"got {lapack_driver}")
    if lapack_driver in ("sterf", "stev", "stevd") and kind != _dense_kernels.SELECT_ALL:
        raise ValueError(f'{lapack_driver} can only be used when select == "a"')
    if lapack_driver == "sterf" and not eigvals_only:
        raise ValueError("sterf can only be used when eigvals_only is True")

    dtype = _working_dtype(d1, e1)
    w, v = _tridiagonal_kernels.tridiagonal_eigen(np.ascontiguousarray(d1, dtype=dtype),
                                    np.ascontiguousarray(e1, dtype=dtype),
                                    not eigvals_only, kind, il, iu, vl, vu, float(tol),
                                    kernel_threads())
    return w if eigvals_only else (w, v)


def eigvalsh_tridiagonal(d: ArrayLike, e: ArrayLike, select: str = "a",
                         select_range: Sequence[float] | None = None, check_finite: bool = True,
                         tol: float = 0.0, lapack_driver: str = "auto") -> np.ndarray:
    """Eigenvalues of a real symmetric tridiagonal matrix.

    A drop-in for :func:`scipy.linalg.eigvalsh_tridiagonal`; the parameters
    are those of :func:`eigh_tridiagonal` without `eigvals_only`.

    Examples
    --------
    >>> import numpy as np
    >>> from eigkit import eigvalsh_tridiagonal
    >>> eigvalsh_tridiagonal(3 * np.ones(4), -np.ones(3))
    array([1.38196601, 2.38196601, 3.61803399, 4.61803399])
    """
    return eigh_tridiagonal(d, e, eigvals_only=True, select=select, select_range=select_range,
                            check_finite=check_finite, tol=tol, lapack_driver=lapack_driver)
