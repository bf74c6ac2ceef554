# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""Typed bindings of the Krylov kernels (csrc/krylov/).

Block Lanczos for sparse and matrix-free operators
--------------------------------------------------
``lanczos()`` owns the kernel's state and workspace for one solve, runs
the kernel with the GIL released and takes the GIL back only to call the
user's operator, one call per block.  A CSR or CSC matrix is applied in C
instead (csrc/krylov/sparse_operator.c): the solve then holds the GIL only to
check for signals (after a fixed amount of work, some tens of
milliseconds) and at restarts when a callback is given.  No module-level
mutable state: any number of solves may run at once, and an operator may
itself call ``lanczos()``.

A few eigenpairs of a dense matrix
----------------------------------
The dense Krylov kernels (csrc/krylov/dense_operator.c,
csrc/krylov/dense_krylov.c) find a few eigenpairs at one end of the spectrum of a
dense Hermitian matrix by block Lanczos on GEMM products, within a work
budget.  The whole solve runs in C with the GIL released; no Python runs
per block.
"""
from libc.stdint cimport uint64_t
from libc.string cimport memcpy, memset
from cpython.exc cimport PyErr_CheckSignals

include "support.pxi"
include "declare_krylov.pxi"

from . import common  # fills the kernels' BLAS table once, at import


WHICH_CODES = {"LM": 0, "SM": 1, "LA": 2, "SA": 3, "BE": 4}
_PRECISIONS = {np.dtype(np.float32): 0, np.dtype(np.float64): 1,
               np.dtype(np.complex64): 2, np.dtype(np.complex128): 3}


class OperatorError(ValueError):
    """An operator given to :func:`eigkit.eigsh` or :func:`eigkit.svds`
    returned something the solver cannot use.

    Raised, during the solve, when the product of a LinearOperator or
    callable (``A``, ``M``, ``Minv`` or ``OPinv``) returns an array of the
    wrong shape, a non-numeric dtype, NaN or Inf, or complex values with a
    nonzero imaginary part for a real problem, and when the iteration's
    vectors become NaN or Inf.  The message names the operator and what was
    wrong.  A subclass of ValueError, which SciPy's ARPACK wrappers raise
    for a result of the wrong shape.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.sparse.linalg import LinearOperator
    >>> import eigkit
    >>> bad = LinearOperator((40, 40), matvec=lambda x: np.full(40, np.nan), dtype=float)
    >>> try:
    ...     eigkit.eigsh(bad, k=2, rng=0)
    ... except eigkit.OperatorError as exc:
    ...     print(exc)
    the operator returned NaN or Inf
    """

    # the public name: eigkit.OperatorError (pickles and prints as such)
    __module__ = "eigkit"


cdef size_t _workspace_bytes(int prec, ek_lanczos_params *par) noexcept nogil:
    if prec == 0:
        return ek_s_lanczos_workspace(par)
    if prec == 1:
        return ek_d_lanczos_workspace(par)
    if prec == 2:
        return ek_c_lanczos_workspace(par)
    return ek_z_lanczos_workspace(par)


cdef int _init(int prec, ek_lanczos_state *st, ek_lanczos_params *par, void *work, size_t nbytes,
               void *v0) noexcept nogil:
    if prec == 0:
        return ek_s_lanczos_init(st, par, work, nbytes, <const float *>v0)
    if prec == 1:
        return ek_d_lanczos_init(st, par, work, nbytes, <const double *>v0)
    if prec == 2:
        return ek_c_lanczos_init(st, par, work, nbytes, <const float complex *>v0)
    return ek_z_lanczos_init(st, par, work, nbytes, <const double complex *>v0)


cdef int _step(int prec, ek_lanczos_state *st) noexcept nogil:
    if prec == 0:
        return ek_s_lanczos_step(st)
    if prec == 1:
        return ek_d_lanczos_step(st)
    if prec == 2:
        return ek_c_lanczos_step(st)
    return ek_z_lanczos_step(st)


cdef int _extract(int prec, ek_lanczos_state *st, void *w, void *res, void *z, int ldz) noexcept nogil:
    if prec == 0:
        return ek_s_lanczos_extract(st, <float *>w, <float *>res, <float *>z, ldz)
    if prec == 1:
        return ek_d_lanczos_extract(st, <double *>w, <double *>res, <double *>z, ldz)
    if prec == 2:
        return ek_c_lanczos_extract(st, <float *>w, <float *>res, <float complex *>z, ldz)
    return ek_z_lanczos_extract(st, <double *>w, <double *>res, <double complex *>z, ldz)


cdef void _sparse_apply(int prec, const ek_sparse_operator *op,
                        ek_lanczos_state *st) noexcept nogil:
    if prec == 0:
        ek_s_sparse_operator_apply(op, st.ncols, <float *>st.x, st.ld, <float *>st.y, st.ld)
    elif prec == 1:
        ek_d_sparse_operator_apply(op, st.ncols, <double *>st.x, st.ld, <double *>st.y, st.ld)
    elif prec == 2:
        ek_c_sparse_operator_apply(op, st.ncols, <float complex *>st.x, st.ld,
                                   <float complex *>st.y, st.ld)
    else:
        ek_z_sparse_operator_apply(op, st.ncols, <double complex *>st.x, st.ld,
                                   <double complex *>st.y, st.ld)


# Work (multiply-adds, about 20 - 60 ms of it) between two looks for a
# pending Ctrl-C while the solve runs on a sparse matrix in C.  Counted,
# not timed: a process-wide CPU clock is a system call that takes a lock
# shared by every thread of the process.
cdef double _SIGNAL_CHECK_WORK = 2.0 ** 26


cdef int _advance_on_sparse(int prec, ek_lanczos_state *st, const ek_sparse_operator *op,
                            double column_work, bint report) noexcept nogil:
    """Step the kernel, doing its products with the sparse matrix (and
    passing over restarts unless they are to be ``report``-ed), until it asks
    for anything else or the time to look for signals has come (the request
    returned is then a pending product).  ``column_work``: the multiply-adds
    of one column's product and orthogonalization."""
    cdef double done = 0
    cdef int code = _step(prec, st)
    while done < _SIGNAL_CHECK_WORK:
        if code == EK_LZ_APPLY_OP:
            _sparse_apply(prec, op, st)
            done += st.ncols * column_work
        elif code != EK_LZ_PROGRESS or report:
            break
        code = _step(prec, st)
    return code


_SPARSE_DEFECTS = {
    -1: "its index pointer array does not start at 0",
    -2: "its index pointer array decreases",
    -3: "its index pointer array points past the end of its indices or data",
    -4: "it has an index out of range",
}


#: the operators a compressed matrix gives (csrc/krylov/sparse_operator.h)
SPARSE_FORMS = {"csr": 0, "csc": 1}
SPARSE_OPERATORS = {"A": 0, "AhA": 1, "AAh": 2}


cdef int _sparse_operator(ek_sparse_operator *op, Py_ssize_t n, object sparse, object dtype,
                          int max_block, int nthreads) except -1:
    """Fill op from ``sparse = (form, operator, shape, indptr, indices,
    data)``: form 'csr' or 'csc', operator a key of SPARSE_OPERATORS whose
    order must be n, contiguous arrays with one index dtype (int32 or int64)
    and data of ``dtype``; after checking that the products will read only
    inside the arrays.  The scratch block (A^H A, A A^H) is allocated here
    and freed by the caller."""
    form, kind, shape, indptr, indices, data = sparse
    rows, cols = shape
    nmajor, nminor = (rows, cols) if form == "csr" else (cols, rows)
    order = {"A": rows if rows == cols else -1, "AhA": cols, "AAh": rows}[kind]
    arrays = (indptr, indices, data)
    if (order != n or indptr.dtype not in (np.int32, np.int64) or indices.dtype != indptr.dtype
            or data.dtype != dtype or indptr.shape[0] != nmajor + 1
            or any(a.ndim != 1 or not a.flags.c_contiguous for a in arrays)):
        raise ValueError("the sparse matrix's arrays do not describe a matrix of the solve's "
                         "order and dtype")
    op.a.nmajor = <int>nmajor
    op.a.nminor = <int>nminor
    op.a.wide_index = 1 if indptr.dtype == np.int64 else 0
    op.a.ptr = _const_addr(indptr)
    op.a.idx = _const_addr(indices)
    op.a.val = _const_addr(data)
    op.form = SPARSE_FORMS[form]
    op.op = SPARSE_OPERATORS[kind]
    op.nthreads = max(1, nthreads)
    op.scratch = NULL
    op.scratch_cols = max(max_block, 1)
    code = ek_sparse_structure_check(&op.a, indices.shape[0], data.shape[0])
    if code != 0:
        raise ValueError(f"the sparse matrix is malformed: {_SPARSE_DEFECTS[code]}")
    cdef size_t nbytes
    if kind != "A":
        nbytes = <size_t>max(rows, cols, 1) * <size_t>max(max_block, 1) * dtype.itemsize
        op.scratch = malloc(nbytes)
        if op.scratch == NULL:
            raise MemoryError(f"eigkit: cannot allocate {nbytes} bytes for sparse products")
    return 0


cdef int _checked_matrix(ek_sparse_operator *op, Py_ssize_t n, object sparse,
                         object dtype) except -1:
    """Fill op's matrix from ``sparse`` after a solve's checks, keeping no
    scratch block: for callers that read the matrix but run no products."""
    op.scratch = NULL
    try:
        _sparse_operator(op, n, sparse, np.dtype(dtype), 1, 1)
    finally:
        free(op.scratch)
        op.scratch = NULL
    return 0


def check_sparse(Py_ssize_t n, sparse, dtype):
    """Raise ValueError, as a solve would, unless ``sparse`` (the tuple of
    :func:`lanczos`) describes a well-formed matrix of order n and dtype:
    for callers that index the arrays before solving."""
    cdef ek_sparse_operator op
    _checked_matrix(&op, n, sparse, dtype)


def graph_components(Py_ssize_t n, sparse, dtype):
    """``(count, labels)``: the connected components of the graph of the
    square matrix ``sparse`` (the tuple of :func:`lanczos`), an edge for
    each stored entry, labels numbered in order of their smallest vertex.
    Raises ValueError, as a solve would, for a malformed matrix."""
    cdef ek_sparse_operator op
    _checked_matrix(&op, n, sparse, dtype)
    labels = np.empty(n, dtype=np.intc)
    work = np.empty(n, dtype=np.intc)
    cdef int[::1] lab = labels, wrk = work
    cdef int count = 0
    if n > 0:
        with nogil:
            count = ek_graph_components(&op.a, &lab[0], &wrk[0])
    return count, labels


def _checked(y, Py_ssize_t n, Py_ssize_t ncols, dtype, what):
    """The operator's result as an n x ncols array of `dtype`, or an error."""
    y = np.asarray(y)
    if y.ndim == 1 and ncols == 1 and y.shape[0] == n:
        y = y.reshape(n, 1)
    if y.shape != (n, ncols):
        raise OperatorError(f"{what} returned an array of shape {y.shape}, expected {(n, ncols)}")
    if y.dtype.kind not in "biufc":
        raise OperatorError(f"{what} returned an array of dtype {y.dtype}")
    if not np.all(np.isfinite(y)):
        raise OperatorError(f"{what} returned NaN or Inf")
    if y.dtype.kind == "c" and dtype.kind != "c":
        if np.any(y.imag != 0):
            raise OperatorError(f"{what} returned complex values for a real problem")
        y = y.real
    return y


_ERRORS = {
    -1: "inconsistent parameters",
    -2: "workspace too small",
    -3: "the operator returned NaN or Inf",
    -4: "the dense Rayleigh-Ritz eigensolver failed",
    -5: "no new Krylov direction could be generated",
}


def lanczos(apply_op, apply_b, Py_ssize_t n, int k, dtype, str which, int ncv, int block,
            int max_block, int maxiter, double tol, unsigned long long seed, v0=None,
            bint want_vectors=True, callback=None, int nthreads=1, sparse=None,
            int ncv_start=0, int ncv_soft=0, bint value_relative=False):
    """Run the kernel.  ``apply_op(X)`` returns OP X, or (OP X, B OP X) when
    ``apply_b`` is not None (generalized); ``apply_b(X)`` returns B X.
    ``nthreads`` eigkit threads share the products with the basis.
    ``sparse = (form, operator, shape, indptr, indices, data)``, the arrays
    of a CSR or CSC matrix A of the solve's dtype, makes OP = A, A^H A or
    A A^H (operator 'A', 'AhA', 'AAh') applied in C; ``apply_op`` is then
    not called.  ``ncv_start`` (k < ncv_start < ncv; 0: ncv) is the first
    basis size, which grows towards ``ncv`` while convergence stalls;
    beyond ``ncv_soft`` (0: ``ncv``) only after longer stalls.
    ``value_relative`` measures residuals against |theta| rather than ||OP||
    (lanczos.h).

    Returns ``(w, res, z, converged, info)`` with the locked pairs in locking
    order (z None without vectors) and info a dict of counters."""
    dtype = np.dtype(dtype)
    cdef int prec = _PRECISIONS[dtype]
    cdef ek_lanczos_params par
    memset(&par, 0, sizeof(par))
    par.n = <int>n
    par.k = k
    par.ncv = ncv
    par.which = WHICH_CODES[which]
    par.block = block
    par.max_block = max_block
    par.maxiter = maxiter
    par.generalized = apply_b is not None
    par.tol = tol
    par.value_relative = value_relative
    par.seed = seed
    par.nthreads = max(1, nthreads)
    par.ncv_start = ncv_start if k < ncv_start < ncv else 0
    par.ncv_soft = ncv_soft if max(par.ncv_start, k) < ncv_soft < ncv else 0
    cdef object v0arr = None
    cdef char[::1] v0bytes
    cdef void *v0p = NULL
    if v0 is not None:
        v0arr = np.ascontiguousarray(v0, dtype=dtype).reshape(-1)
        v0bytes = v0arr.view(np.uint8)
        v0p = <void *>&v0bytes[0]
        par.have_v0 = 1
    cdef size_t nbytes = _workspace_bytes(prec, &par)
    cdef void *work = malloc(nbytes if nbytes > 0 else 1)
    if work == NULL:
        raise MemoryError(f"eigkit: cannot allocate {nbytes} bytes of Lanczos workspace")
    cdef ek_lanczos_state st
    cdef int code = 0, nl, ncols
    cdef ek_sparse_operator sop
    sop.scratch = NULL
    cdef bint native = sparse is not None
    cdef bint report = callback is not None
    cdef double column_work = 0
    rdtype = np.empty(0, dtype).real.dtype
    try:
        if native:
            _sparse_operator(&sop, n, sparse, dtype, par.max_block, nthreads)
            # a product with each stored entry (twice for A^H A, A A^H), and
            # Gram-Schmidt twice against the basis
            column_work = (1.0 + (sop.op != 0)) * float(sparse[3][sparse[3].shape[0] - 1]) \
                + 4.0 * n * ncv + 1
        code = _init(prec, &st, &par, work, nbytes, v0p)
        if code < 0:
            raise ValueError(f"eigkit Lanczos: {_ERRORS.get(code, code)}")
        while True:
            with nogil:
                if native:
                    code = _advance_on_sparse(prec, &st, &sop, column_work, report)
                else:
                    code = _step(prec, &st)
            if code == EK_LZ_APPLY_OP and native:
                PyErr_CheckSignals()
                with nogil:
                    _sparse_apply(prec, &sop, &st)
            elif code == EK_LZ_APPLY_OP:
                ncols = st.ncols
                out = apply_op(_from_c(st.x, n, ncols, dtype))
                if par.generalized:
                    y, by = out
                    _to_c(st.y, _checked(y, n, ncols, dtype, "the operator"), n, ncols, dtype)
                    _to_c(st.by, _checked(by, n, ncols, dtype, "the operator"), n, ncols, dtype)
                else:
                    _to_c(st.y, _checked(out, n, ncols, dtype, "the operator"), n, ncols, dtype)
                PyErr_CheckSignals()
            elif code == EK_LZ_APPLY_B:
                ncols = st.ncols
                bx = apply_b(_from_c(st.x, n, ncols, dtype))
                _to_c(st.y, _checked(bx, n, ncols, dtype, "M"), n, ncols, dtype)
                PyErr_CheckSignals()
            elif code == EK_LZ_PROGRESS:
                if callback is not None:
                    vals = _from_c(st.rep_values, st.nrep, 1, rdtype)[:, 0]
                    ress = _from_c(st.rep_res, st.nrep, 1, rdtype)[:, 0]
                    callback(st.iter, vals, ress)
                PyErr_CheckSignals()
            else:
                break
        if code < 0:
            if code == EK_LZ_ERR_NONFINITE:
                raise OperatorError("eigkit Lanczos: the operator returned NaN or Inf")
            raise RuntimeError(f"eigkit Lanczos failed: {_ERRORS.get(code, code)} (code {code})")
        nl = st.nlock
        w = np.empty(max(nl, 1), dtype=rdtype)
        res = np.empty(max(nl, 1), dtype=rdtype)
        z = np.empty((n, max(nl, 1)), dtype=dtype, order='F') if want_vectors else None
        _extract(prec, &st, _addr(w), _addr(res), _addr(z) if want_vectors else NULL, <int>n)
        info = {"iterations": st.iter, "matvecs": st.nmatvec, "block_size": st.b,
                "anorm": st.anorm, "nconv": nl, "ncv": st.ncv_cur}
        return (w[:nl], res[:nl], (z[:, :nl] if want_vectors else None),
                code == EK_LZ_CONVERGED, info)
    finally:
        free(work)
        free(sop.scratch)


# ---------------------------------------------------------------------------
# A few eigenpairs of a dense matrix

#: the solve's outcomes (ek_dk_status)
STATUS = {0: "certified", 1: "over budget", 2: "not certified", 3: "failed"}


def hermitian_fill(scalar_t[::1, :] a, bint from_lower=True):
    """Mirror the lower (or upper) triangle of the square ``a`` into the
    other one (in place, conjugated; the diagonal made real).  Returns the
    largest |Re| or |Im| of an entry, NaN if one is not finite."""
    cdef int n = <int>a.shape[0]
    cdef char uplo = b'L' if from_lower else b'U'
    if n == 0:
        return 0.0
    cdef int lda = _ld(a.strides[1], sizeof(scalar_t), a.shape[0])
    cdef double big
    with nogil:
        if scalar_t is float:
            big = ek_s_hermitian_fill(n, &a[0, 0], lda, uplo)
        elif scalar_t is double:
            big = ek_d_hermitian_fill(n, &a[0, 0], lda, uplo)
        elif scalar_t is cython.floatcomplex:
            big = ek_c_hermitian_fill(n, &a[0, 0], lda, uplo)
        else:
            big = ek_z_hermitian_fill(n, &a[0, 0], lda, uplo)
    return big


def extreme_eigenpairs(const scalar_t[::1, :] a, int k, bint largest, int block, int ncv,
                       double budget, double ratio_limit, int nthreads=1,
                       unsigned long long seed=0):
    """The k largest (or smallest) eigenpairs of the full Hermitian ``a``.

    Returns ``(status, w, z, info)``: status a key of STATUS, w (k,)
    ascending and z (n, k) when status is 0 (None otherwise), info a dict of
    the solve's counters and certificate."""
    cdef int n = <int>a.shape[0]
    cdef ek_dense_operator op
    op.n = n
    op.lda = _ld(a.strides[1], sizeof(scalar_t), a.shape[0])
    op.a = <const void *>&a[0, 0]
    cdef ek_dense_krylov_params par
    memset(&par, 0, sizeof(par))
    par.k = k
    par.largest = largest
    par.block = block
    par.ncv = ncv
    par.nthreads = max(nthreads, 1)
    par.budget = budget
    par.ratio_limit = ratio_limit
    par.seed = seed
    dtype = np.asarray(a).dtype
    w_out = np.empty(max(k, 1), dtype=np.empty(0, dtype).real.dtype)
    z_out = np.empty((n, max(k, 1)), dtype=dtype, order='F')
    cdef scalar_t[::1, :] z = z_out
    cdef float[::1] ws
    cdef double[::1] wd
    if scalar_t is float or scalar_t is cython.floatcomplex:
        ws = w_out
    else:
        wd = w_out
    cdef size_t nbytes
    if scalar_t is float:
        nbytes = ek_s_dense_krylov_workspace(n, &par)
    elif scalar_t is double:
        nbytes = ek_d_dense_krylov_workspace(n, &par)
    elif scalar_t is cython.floatcomplex:
        nbytes = ek_c_dense_krylov_workspace(n, &par)
    else:
        nbytes = ek_z_dense_krylov_workspace(n, &par)
    cdef void *work = malloc(nbytes if nbytes > 0 else 1)
    if work == NULL:
        raise MemoryError(f"eigkit: cannot allocate {nbytes} bytes of Krylov workspace")
    cdef ek_dense_krylov_info info
    cdef int status
    cdef int ldz = _ld(z.strides[1], sizeof(scalar_t), z.shape[0])
    try:
        with nogil:
            if scalar_t is float:
                status = ek_s_dense_krylov(&op, &par, &ws[0], &z[0, 0], ldz, work, nbytes, &info)
            elif scalar_t is double:
                status = ek_d_dense_krylov(&op, &par, &wd[0], &z[0, 0], ldz, work, nbytes, &info)
            elif scalar_t is cython.floatcomplex:
                status = ek_c_dense_krylov(&op, &par, &ws[0], &z[0, 0], ldz, work, nbytes, &info)
            else:
                status = ek_z_dense_krylov(&op, &par, &wd[0], &z[0, 0], ldz, work, nbytes, &info)
    finally:
        free(work)
    if status < 0:
        raise RuntimeError(f"eigkit internal error in the dense Krylov solve (code {status})")
    counters = {"status": STATUS[status], "matvecs": info.matvecs, "cycles": info.cycles,
                "predicted": info.predicted, "residual_ratio": info.residual_ratio,
                "orthogonality_ratio": info.orthogonality_ratio, "anorm": info.anorm}
    if status != EK_DK_CERTIFIED:
        return status, None, None, counters
    return status, w_out[:k], z_out[:, :k], counters


cdef void _sweep(int prec, const ek_compressed *a, bint backward, bint zero_start, int ncols,
                 void *x, int ldx, const void *b, int ldb, int nthreads) noexcept nogil:
    if prec == 0:
        ek_s_gauss_seidel_sweep(a, backward, zero_start, ncols, <float *>x, ldx,
                                <const float *>b, ldb, nthreads)
    elif prec == 1:
        ek_d_gauss_seidel_sweep(a, backward, zero_start, ncols, <double *>x, ldx,
                                <const double *>b, ldb, nthreads)
    elif prec == 2:
        ek_c_gauss_seidel_sweep(a, backward, zero_start, ncols, <float complex *>x, ldx,
                                <const float complex *>b, ldb, nthreads)
    else:
        ek_z_gauss_seidel_sweep(a, backward, zero_start, ncols, <double complex *>x, ldx,
                                <const double complex *>b, ldb, nthreads)


cdef class GaussSeidel:
    """Gauss-Seidel sweeps (csrc/krylov/gauss_seidel.c) with one square CSR
    matrix, given as its ``indptr``, ``indices`` (int32 or int64, one dtype)
    and ``data`` (float32, float64, complex64 or complex128): the structure
    is checked once, here, and the arrays are kept (they must not change
    while this object lives).

    ``sweep(x, b, backward=False, zero_start=False, nthreads=1)`` updates
    ``x`` in place for the right-hand sides ``b``: both C-contiguous,
    ``(n,)`` or ``(n, ncols)`` (a row-major block), of the matrix's dtype.
    ``zero_start`` says x is zero on entry.  The GIL is released."""

    cdef ek_compressed a
    cdef int prec
    cdef readonly object dtype
    cdef object arrays

    def __cinit__(self, indptr, indices, data):
        cdef ek_sparse_operator op
        n = indptr.shape[0] - 1
        self.dtype = np.dtype(data.dtype)
        if self.dtype not in _PRECISIONS:
            raise TypeError(f"Gauss-Seidel sweeps take float32, float64, complex64 or "
                            f"complex128 entries, not {self.dtype}")
        _checked_matrix(&op, n, ("csr", "A", (n, n), indptr, indices, data), self.dtype)
        self.a = op.a
        self.prec = _PRECISIONS[self.dtype]
        self.arrays = (indptr, indices, data)

    def sweep(self, x, b, bint backward=False, bint zero_start=False, int nthreads=1):
        n = self.a.nmajor
        if x.dtype != self.dtype or b.dtype != self.dtype:
            raise TypeError(f"x and b must be {self.dtype}, the matrix's dtype; got {x.dtype} "
                            f"and {b.dtype}")
        if (x.shape != b.shape or x.ndim not in (1, 2) or x.shape[0] != n
                or not x.flags.c_contiguous or not b.flags.c_contiguous
                or not x.flags.writeable):
            raise ValueError(f"x and b must be C-contiguous arrays of shape ({n},) or "
                             f"({n}, ncols), x writeable; got {x.shape} and {b.shape}")
        cdef int ncols = 1 if x.ndim == 1 else <int>x.shape[1]
        if n == 0 or ncols == 0:
            return
        cdef void *xp = _addr(x)
        cdef const void *bp = _const_addr(b.reshape(-1))
        with nogil:
            _sweep(self.prec, &self.a, backward, zero_start, ncols, xp, ncols, bp, ncols,
                   max(1, nthreads))
