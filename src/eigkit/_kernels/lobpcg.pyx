# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""Typed binding of the LOBPCG kernel (csrc/krylov/lobpcg.c).

``lobpcg()`` owns the kernel's state and workspace for one solve and runs
the kernel with the GIL released; it takes the GIL back only to call the
user's operators A, B and M (one call per block) and to record each Ritz
block's values and residual norms.  No module-level mutable state: any
number of solves may run at once, and an operator may itself call
``lobpcg()``.  A pending Ctrl-C is raised after every operator call.
"""
from libc.stdint cimport uint32_t, uint64_t
from libc.string cimport memset
from cpython.exc cimport PyErr_CheckSignals

include "support.pxi"

from . import common  # fills the kernels' BLAS table once, at import
from .krylov import OperatorError, _checked


cdef extern from "krylov/lobpcg.h" nogil:
    ctypedef struct ek_lobpcg_params:
        int n, k, ny, largest, maxiter, generalized, precondition, restart_control, nthreads
        double tol
        uint64_t seed
    ctypedef struct ek_lobpcg_state:
        ek_lobpcg_params par
        int ncols
        void *x
        void *y
        int iter, nmatvec, nactive, best_report, nreport
        double asymmetry
        void *rep_values
        void *rep_res
    int EK_LP_CONVERGED, EK_LP_APPLY_A, EK_LP_APPLY_B, EK_LP_APPLY_M, EK_LP_REPORT
    int EK_LP_NOT_CONVERGED, EK_LP_ERR_CONSTRAINTS, EK_LP_ERR_B_INDEFINITE
    size_t ek_s_lobpcg_workspace(const ek_lobpcg_params *par)
    size_t ek_d_lobpcg_workspace(const ek_lobpcg_params *par)
    size_t ek_c_lobpcg_workspace(const ek_lobpcg_params *par)
    size_t ek_z_lobpcg_workspace(const ek_lobpcg_params *par)
    int ek_s_lobpcg_init(ek_lobpcg_state *st, const ek_lobpcg_params *par, void *work,
                         size_t nbytes, const float *x0, int ldx0, const float *y, int ldy)
    int ek_d_lobpcg_init(ek_lobpcg_state *st, const ek_lobpcg_params *par, void *work,
                         size_t nbytes, const double *x0, int ldx0, const double *y, int ldy)
    int ek_c_lobpcg_init(ek_lobpcg_state *st, const ek_lobpcg_params *par, void *work,
                         size_t nbytes, const float complex *x0, int ldx0,
                         const float complex *y, int ldy)
    int ek_z_lobpcg_init(ek_lobpcg_state *st, const ek_lobpcg_params *par, void *work,
                         size_t nbytes, const double complex *x0, int ldx0,
                         const double complex *y, int ldy)
    int ek_s_lobpcg_step(ek_lobpcg_state *st)
    int ek_d_lobpcg_step(ek_lobpcg_state *st)
    int ek_c_lobpcg_step(ek_lobpcg_state *st)
    int ek_z_lobpcg_step(ek_lobpcg_state *st)
    void ek_s_lobpcg_extract(const ek_lobpcg_state *st, float *w, float *res, float *z, int ldz)
    void ek_d_lobpcg_extract(const ek_lobpcg_state *st, double *w, double *res, double *z,
                             int ldz)
    void ek_c_lobpcg_extract(const ek_lobpcg_state *st, float *w, float *res,
                             float complex *z, int ldz)
    void ek_z_lobpcg_extract(const ek_lobpcg_state *st, double *w, double *res,
                             double complex *z, int ldz)


_PRECISIONS = {np.dtype(np.float32): 0, np.dtype(np.float64): 1,
               np.dtype(np.complex64): 2, np.dtype(np.complex128): 3}

_ERRORS = {
    -1: "inconsistent parameters",
    -2: "workspace too small",
    -3: "the dense Rayleigh-Ritz eigensolver failed",
}


cdef size_t _workspace_bytes(int prec, ek_lobpcg_params *par) noexcept nogil:
    if prec == 0:
        return ek_s_lobpcg_workspace(par)
    if prec == 1:
        return ek_d_lobpcg_workspace(par)
    if prec == 2:
        return ek_c_lobpcg_workspace(par)
    return ek_z_lobpcg_workspace(par)


cdef int _init(int prec, ek_lobpcg_state *st, ek_lobpcg_params *par, void *work, size_t nbytes,
               void *x0, void *y) noexcept nogil:
    cdef int n = par.n
    if prec == 0:
        return ek_s_lobpcg_init(st, par, work, nbytes, <const float *>x0, n, <const float *>y, n)
    if prec == 1:
        return ek_d_lobpcg_init(st, par, work, nbytes, <const double *>x0, n,
                                <const double *>y, n)
    if prec == 2:
        return ek_c_lobpcg_init(st, par, work, nbytes, <const float complex *>x0, n,
                                <const float complex *>y, n)
    return ek_z_lobpcg_init(st, par, work, nbytes, <const double complex *>x0, n,
                            <const double complex *>y, n)


cdef int _step(int prec, ek_lobpcg_state *st) noexcept nogil:
    if prec == 0:
        return ek_s_lobpcg_step(st)
    if prec == 1:
        return ek_d_lobpcg_step(st)
    if prec == 2:
        return ek_c_lobpcg_step(st)
    return ek_z_lobpcg_step(st)


cdef void _extract(int prec, ek_lobpcg_state *st, void *w, void *res, void *z,
                   int ldz) noexcept nogil:
    if prec == 0:
        ek_s_lobpcg_extract(st, <float *>w, <float *>res, <float *>z, ldz)
    elif prec == 1:
        ek_d_lobpcg_extract(st, <double *>w, <double *>res, <double *>z, ldz)
    elif prec == 2:
        ek_c_lobpcg_extract(st, <float *>w, <float *>res, <float complex *>z, ldz)
    else:
        ek_z_lobpcg_extract(st, <double *>w, <double *>res, <double complex *>z, ldz)


ctypedef fused _item:
    uint32_t
    uint64_t
    double complex


cdef void _transpose_items(const _item *src, _item *dst, Py_ssize_t n, Py_ssize_t ncols,
                           bint to_rows) noexcept nogil:
    """Between the column-major (ld n) and the row-major (ld ncols) layout
    of an n x ncols block: to_rows from the first to the second."""
    cdef Py_ssize_t i, j
    for i in range(n):
        for j in range(ncols):
            if to_rows:
                dst[i * ncols + j] = src[i + j * n]
            else:
                dst[i + j * n] = src[i * ncols + j]


cdef void _transpose(const void *src, void *dst, Py_ssize_t n, Py_ssize_t ncols,
                     Py_ssize_t itemsize, bint to_rows) noexcept nogil:
    """_transpose_items on items of 4, 8 or 16 bytes (the four dtypes)."""
    if itemsize == 4:
        _transpose_items(<const uint32_t *>src, <uint32_t *>dst, n, ncols, to_rows)
    elif itemsize == 8:
        _transpose_items(<const uint64_t *>src, <uint64_t *>dst, n, ncols, to_rows)
    else:
        _transpose_items(<const double complex *>src, <double complex *>dst, n, ncols, to_rows)


cdef object _operand(const void *ptr, Py_ssize_t n, Py_ssize_t ncols, object dtype):
    """The kernel's n x ncols block at ptr as a C-ordered copy for an
    operator: SciPy's sparse products with a block (csr_matvecs,
    dia_matvecs) run along the rows of a C-ordered block, and take several
    times longer on a Fortran-ordered one."""
    out = np.empty((n, ncols), dtype=dtype)
    if n * ncols == 0:
        return out
    cdef void *dst = _addr(out)
    cdef Py_ssize_t itemsize = dtype.itemsize
    with nogil:
        _transpose(ptr, dst, n, ncols, itemsize, True)
    return out


cdef void _store(void *ptr, object y, Py_ssize_t n, Py_ssize_t ncols, object dtype) except *:
    """The operator's checked result y into the kernel's block at ptr: a
    C-ordered y of the solve's dtype (what a sparse product
    returns for a C-ordered operand) by one transposing pass, anything else
    through _to_c.  y may be read-only."""
    if not (y.dtype == dtype and y.flags.c_contiguous and n * ncols > 0):
        _to_c(ptr, y, n, ncols, dtype)
        return
    cdef const void *src = _const_addr(y)
    cdef Py_ssize_t itemsize = dtype.itemsize
    with nogil:
        _transpose(src, ptr, n, ncols, itemsize, False)


class ConstraintError(ValueError):
    """The constraints Y are linearly dependent in the B inner product."""


class IndefiniteBError(ValueError):
    """B is not positive definite on the search space."""


def _raise_code(int code):
    if code == EK_LP_ERR_CONSTRAINTS:
        raise ConstraintError("Linearly dependent constraints")
    if code == EK_LP_ERR_B_INDEFINITE:
        raise IndefiniteBError("B is not positive definite on the search space: the "
                               "Gram matrix of the basis in the B inner product has no "
                               "Cholesky factor")
    raise RuntimeError(f"eigkit LOBPCG failed: {_ERRORS.get(code, code)} (code {code})")


def lobpcg(apply_a, apply_b, apply_m, x0, y, bint largest, int maxiter, double tol,
           int restart_control, unsigned long long seed, int nthreads=1):
    """Run the kernel on the n x k start block ``x0`` (its dtype is the
    solve's), with constraints ``y`` (n x ny, or None).  ``apply_a(X)``,
    ``apply_b(X)`` and ``apply_m(X)`` return A X, B X and M X for an n x j
    block; ``apply_b`` None means B = I, ``apply_m`` None no preconditioner.

    Returns ``(w, v, res, history, best, converged, info)``: the final
    pairs and true-residual norms, the list of (values, residual norms) of
    every Ritz block (the final one last), the index in it of the block
    with the smallest mean residual, whether all residuals are at most
    ``tol``, and a dict of counters."""
    dtype = x0.dtype
    cdef int prec = _PRECISIONS[dtype]
    cdef Py_ssize_t n = x0.shape[0]
    cdef ek_lobpcg_params par
    memset(&par, 0, sizeof(par))
    par.n = <int>n
    par.k = <int>x0.shape[1]
    par.ny = 0 if y is None else <int>y.shape[1]
    par.largest = largest
    par.maxiter = maxiter
    par.generalized = apply_b is not None
    par.precondition = apply_m is not None
    par.restart_control = restart_control
    par.nthreads = max(1, nthreads)
    par.tol = tol
    par.seed = seed
    x0 = np.asfortranarray(x0)
    yarr = np.asfortranarray(y, dtype=dtype) if par.ny > 0 else None
    cdef size_t nbytes = _workspace_bytes(prec, &par)
    cdef void *work = _workspace(nbytes)
    cdef ek_lobpcg_state st
    cdef int code, ncols
    cdef void *x0p = _addr(x0)
    cdef void *yp = _addr(yarr) if par.ny > 0 else NULL
    operators = {EK_LP_APPLY_A: (apply_a, "A"), EK_LP_APPLY_B: (apply_b, "B"),
                 EK_LP_APPLY_M: (apply_m, "M")}
    rdtype = _real_dtype(dtype)
    history = []
    try:
        with nogil:
            code = _init(prec, &st, &par, work, nbytes, x0p, yp)
        if code < 0:
            _raise_code(code)
        while True:
            with nogil:
                code = _step(prec, &st)
            if code in operators:
                op, name = operators[code]
                ncols = st.ncols
                out = op(_operand(st.x, n, ncols, dtype))
                _store(st.y, _checked(out, n, ncols, dtype, name), n, ncols, dtype)
                PyErr_CheckSignals()
            elif code == EK_LP_REPORT:
                history.append((_from_c(st.rep_values, par.k, 1, rdtype)[:, 0],
                                _from_c(st.rep_res, par.k, 1, rdtype)[:, 0]))
            else:
                break
        if code < 0:
            _raise_code(code)
        w = np.empty(par.k, dtype=rdtype)
        res = np.empty(par.k, dtype=rdtype)
        v = np.empty((n, par.k), dtype=dtype, order='F')
        _extract(prec, &st, _addr(w), _addr(res), _addr(v), <int>n)
        info = {"iterations": st.iter, "matvecs": st.nmatvec, "asymmetry": st.asymmetry}
        return w, v, res, history, st.best_report, code == EK_LP_CONVERGED, info
    finally:
        free(work)
