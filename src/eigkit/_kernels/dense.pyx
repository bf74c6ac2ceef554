# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""Typed bindings of the dense Hermitian eigensolver (csrc/dense/).

Each function takes arrays already validated and laid out by
``eigkit.dense`` (Fortran order, the working dtype, writable copies where
the kernel overwrites), allocates outputs and workspace, releases the GIL
for the C kernel and maps its return code to an exception.
"""
include "support.pxi"
include "declare_dense.pxi"

from . import common  # fills the kernels' BLAS table once, at import


def symmetric_eigen(scalar_t[::1, :] a, bint want_vectors, int kind=0, int il=0, int iu=-1,
                    double vl=0.0, double vu=0.0, int nthreads=1):
    """Selected eigenpairs of the Hermitian matrix whose lower triangle is in
    ``a`` (Fortran order, overwritten).  Returns ``(w, z)``, z None without
    vectors."""
    cdef int n = <int>a.shape[0]
    cdef ek_selection sel = _selection(kind, il, iu, vl, vu)
    dtype = np.asarray(a).dtype
    w_full = np.empty(max(n, 1), dtype=_real_dtype(dtype))
    cdef int cap = ek_selection_capacity(&sel, n) if n > 0 else 0
    z_full = _vector_buffer(n, cap, want_vectors, dtype)
    if n == 0:
        return w_full[:0], (z_full[:0, :0] if want_vectors else None)
    cdef scalar_t[::1, :] z = z_full
    cdef int lda = _ld(a.strides[1], sizeof(scalar_t), n)
    cdef int ldz = _ld(z.strides[1], sizeof(scalar_t), n)
    cdef int m = 0, info = 0
    cdef size_t nbytes
    cdef void *work = NULL
    cdef float[::1] ws
    cdef double[::1] wd
    if scalar_t is float or scalar_t is cython.floatcomplex:
        ws = w_full
    else:
        wd = w_full
    if scalar_t is float:
        nbytes = ek_s_symmetric_eigen_workspace(n, want_vectors, &sel)
    elif scalar_t is double:
        nbytes = ek_d_symmetric_eigen_workspace(n, want_vectors, &sel)
    elif scalar_t is cython.floatcomplex:
        nbytes = ek_c_symmetric_eigen_workspace(n, want_vectors, &sel)
    else:
        nbytes = ek_z_symmetric_eigen_workspace(n, want_vectors, &sel)
    work = _workspace(nbytes)
    try:
        with nogil:
            if scalar_t is float:
                info = ek_s_symmetric_eigen(n, &a[0, 0], lda, want_vectors, &sel, &ws[0], &m,
                                            &z[0, 0], ldz, work, nbytes, nthreads)
            elif scalar_t is double:
                info = ek_d_symmetric_eigen(n, &a[0, 0], lda, want_vectors, &sel, &wd[0], &m,
                                            &z[0, 0], ldz, work, nbytes, nthreads)
            elif scalar_t is cython.floatcomplex:
                info = ek_c_symmetric_eigen(n, &a[0, 0], lda, want_vectors, &sel, &ws[0], &m,
                                            &z[0, 0], ldz, work, nbytes, nthreads)
            else:
                info = ek_z_symmetric_eigen(n, &a[0, 0], lda, want_vectors, &sel, &wd[0], &m,
                                            &z[0, 0], ldz, work, nbytes, nthreads)
    finally:
        free(work)
    _raise_for(info, "eigh")
    w_out = w_full[:m]
    if not want_vectors:
        return w_out, None
    return w_out, z_full[:, :m]

TWO_STAGE_BAND = EK_TUNE_TWO_STAGE_BAND

def symmetric_eigvals_two_stage(scalar_t[::1, :] a, int kind=0, int il=0, int iu=-1,
                                double vl=0.0, double vu=0.0, int bandwidth=0, int nthreads=1):
    """Selected eigenvalues of the Hermitian matrix whose lower triangle is
    in ``a`` (Fortran order, overwritten), by the two-stage reduction to
    band form of width ``bandwidth`` (0: TWO_STAGE_BAND), then to
    tridiagonal form."""
    cdef int n = <int>a.shape[0]
    cdef ek_selection sel = _selection(kind, il, iu, vl, vu)
    w_full = np.empty(max(n, 1), dtype=_real_dtype(np.asarray(a).dtype))
    if n == 0:
        return w_full[:0]
    cdef int lda = _ld(a.strides[1], sizeof(scalar_t), n)
    cdef int m = 0, info = 0
    cdef size_t nbytes
    cdef float[::1] ws
    cdef double[::1] wd
    if scalar_t is float or scalar_t is cython.floatcomplex:
        ws = w_full
    else:
        wd = w_full
    if scalar_t is float:
        nbytes = ek_s_symmetric_eigvals_two_stage_workspace(n, lda, bandwidth, &sel, nthreads)
    elif scalar_t is double:
        nbytes = ek_d_symmetric_eigvals_two_stage_workspace(n, lda, bandwidth, &sel, nthreads)
    elif scalar_t is cython.floatcomplex:
        nbytes = ek_c_symmetric_eigvals_two_stage_workspace(n, lda, bandwidth, &sel, nthreads)
    else:
        nbytes = ek_z_symmetric_eigvals_two_stage_workspace(n, lda, bandwidth, &sel, nthreads)
    cdef void *work = _workspace(nbytes)
    try:
        with nogil:
            if scalar_t is float:
                info = ek_s_symmetric_eigvals_two_stage(n, &a[0, 0], lda, bandwidth, &sel, &ws[0],
                                                        &m, work, nbytes, nthreads)
            elif scalar_t is double:
                info = ek_d_symmetric_eigvals_two_stage(n, &a[0, 0], lda, bandwidth, &sel, &wd[0],
                                                        &m, work, nbytes, nthreads)
            elif scalar_t is cython.floatcomplex:
                info = ek_c_symmetric_eigvals_two_stage(n, &a[0, 0], lda, bandwidth, &sel, &ws[0],
                                                        &m, work, nbytes, nthreads)
            else:
                info = ek_z_symmetric_eigvals_two_stage(n, &a[0, 0], lda, bandwidth, &sel, &wd[0],
                                                        &m, work, nbytes, nthreads)
    finally:
        free(work)
    _raise_for(info, "eigvalsh")
    return w_full[:m]

def generalized_reduce(int itype, scalar_t[::1, :] a, scalar_t[::1, :] b):
    """Reduce the generalized problem to standard form in place (lower
    triangles).  Raises LinAlgError when b is not positive definite."""
    cdef int n = <int>a.shape[0]
    if n == 0:
        return
    cdef int lda = _ld(a.strides[1], sizeof(scalar_t), n)
    cdef int ldb = _ld(b.strides[1], sizeof(scalar_t), n)
    cdef int info
    with nogil:
        if scalar_t is float:
            info = ek_s_generalized_reduce(itype, n, &a[0, 0], lda, &b[0, 0], ldb)
        elif scalar_t is double:
            info = ek_d_generalized_reduce(itype, n, &a[0, 0], lda, &b[0, 0], ldb)
        elif scalar_t is cython.floatcomplex:
            info = ek_c_generalized_reduce(itype, n, &a[0, 0], lda, &b[0, 0], ldb)
        else:
            info = ek_z_generalized_reduce(itype, n, &a[0, 0], lda, &b[0, 0], ldb)
    if info > 0:
        raise LinAlgError(
            f"The leading minor of order {info} of B is not positive definite. The "
            "factorization of B could not be completed and no eigenvalues or "
            "eigenvectors were computed.")
    if info < 0:
        raise RuntimeError(f"eigkit internal error in the generalized reduction (code {info})")

def generalized_recover(int itype, scalar_t[::1, :] b, scalar_t[::1, :] z):
    """Eigenvectors of the generalized problem from the standard one, in place."""
    cdef int n = <int>z.shape[0]
    cdef int m = <int>z.shape[1]
    if n == 0 or m == 0:
        return
    cdef int ldb = _ld(b.strides[1], sizeof(scalar_t), n)
    cdef int ldz = _ld(z.strides[1], sizeof(scalar_t), n)
    with nogil:
        if scalar_t is float:
            ek_s_generalized_recover(itype, n, m, &b[0, 0], ldb, &z[0, 0], ldz)
        elif scalar_t is double:
            ek_d_generalized_recover(itype, n, m, &b[0, 0], ldb, &z[0, 0], ldz)
        elif scalar_t is cython.floatcomplex:
            ek_c_generalized_recover(itype, n, m, &b[0, 0], ldb, &z[0, 0], ldz)
        else:
            ek_z_generalized_recover(itype, n, m, &b[0, 0], ldb, &z[0, 0], ldz)


cdef ek_stack_layout _stack_layout(Py_ssize_t *strides, Py_ssize_t itemsize):
    """The layout, in elements, of a (count, n, n) array with these byte strides."""
    cdef ek_stack_layout layout
    layout.matrix = strides[0] // itemsize
    layout.row = strides[1] // itemsize
    layout.col = strides[2] // itemsize
    return layout

BATCHED_SHARE_MIN_WORK = EK_BATCHED_SHARE_MIN_WORK

def batched_eigen(const scalar_t[:, :, :] a, bint want_vectors, bint lower=True,
                  int jacobi_max=14, int nthreads=1, bint fortran_vectors=False):
    """Eigenvalues, and eigenvectors if ``want_vectors``, of every matrix of
    the (count, n, n) stack ``a`` (any strides that are whole elements; not
    modified), read from its lower triangle if ``lower``, else the upper.
    Orders up to ``jacobi_max`` are solved by Jacobi, larger ones by
    tridiagonalization and QR.  Returns ``(w, v)``: w (count, n) ascending,
    v (count, n, n) with the eigenvectors in columns (None without
    vectors), each matrix in Fortran order if ``fortran_vectors``, else C
    order.  Raises LinAlgError if a matrix held NaN or Inf (n >= 2) or
    did not converge."""
    cdef Py_ssize_t count = a.shape[0]
    cdef int n = <int>a.shape[1]
    if a.shape[2] != a.shape[1]:
        raise ValueError('expected square "a" matrix')
    dtype = np.asarray(a).dtype
    w_arr = np.empty((count, n), dtype=_real_dtype(dtype))
    v_shape = (int(count), n, n) if want_vectors else (1, 1, 1)
    v_arr = np.empty(v_shape, dtype=dtype)
    if fortran_vectors:
        v_arr = v_arr.transpose(0, 2, 1)
    if count == 0 or n == 0:
        return w_arr, (v_arr if want_vectors else None)
    cdef scalar_t[:, :, :] v = v_arr
    cdef ek_stack_layout inl = _stack_layout(a.strides, sizeof(scalar_t))
    cdef ek_stack_layout outl = _stack_layout(v.strides, sizeof(scalar_t))
    cdef const scalar_t *ap = &a[0, 0, 0]
    cdef scalar_t *vp = &v[0, 0, 0]
    cdef float[:, ::1] ws
    cdef double[:, ::1] wd
    cdef float *wsp = NULL
    cdef double *wdp = NULL
    if scalar_t is float or scalar_t is cython.floatcomplex:
        ws = w_arr
        wsp = &ws[0, 0]
    else:
        wd = w_arr
        wdp = &wd[0, 0]
    cdef size_t nbytes
    if scalar_t is float:
        nbytes = ek_s_batched_eigen_workspace(n, jacobi_max, nthreads)
    elif scalar_t is double:
        nbytes = ek_d_batched_eigen_workspace(n, jacobi_max, nthreads)
    elif scalar_t is cython.floatcomplex:
        nbytes = ek_c_batched_eigen_workspace(n, jacobi_max, nthreads)
    else:
        nbytes = ek_z_batched_eigen_workspace(n, jacobi_max, nthreads)
    cdef void *work = _workspace(nbytes)
    cdef ptrdiff_t failed = 0
    try:
        with nogil:
            if scalar_t is float:
                failed = ek_s_batched_eigen(n, count, ap, inl, lower, want_vectors, wsp, vp, outl,
                                            jacobi_max, work, nbytes, nthreads)
            elif scalar_t is double:
                failed = ek_d_batched_eigen(n, count, ap, inl, lower, want_vectors, wdp, vp, outl,
                                            jacobi_max, work, nbytes, nthreads)
            elif scalar_t is cython.floatcomplex:
                failed = ek_c_batched_eigen(n, count, ap, inl, lower, want_vectors, wsp, vp, outl,
                                            jacobi_max, work, nbytes, nthreads)
            else:
                failed = ek_z_batched_eigen(n, count, ap, inl, lower, want_vectors, wdp, vp, outl,
                                            jacobi_max, work, nbytes, nthreads)
    finally:
        free(work)
    if failed < 0:
        raise RuntimeError(f"eigkit internal error in batched_eigen (code {failed}); "
                           "please report it")
    if failed > 0:
        raise LinAlgError(f"eigh failed for {failed} of {count} matrices: NaN or Inf in the input, "
                          "or the iteration did not converge.")
    return w_arr, (v_arr if want_vectors else None)

# ---------------------------------------------------------------------------
# Single kernels, for the tests.

# ---------------------------------------------------------------------------
# One small matrix, with the least work per call.

from cpython.buffer cimport (PyObject_GetBuffer, PyBuffer_Release, PyBUF_STRIDES, PyBUF_SIMPLE,
                             PyBUF_ANY_CONTIGUOUS, PyBUF_WRITABLE)
from libc.math cimport isfinite

_DTYPES = tuple(np.dtype(c) for c in "fdFD")
_REAL_DTYPES = (np.dtype("f"), np.dtype("d"), np.dtype("f"), np.dtype("d"))

cdef inline bint _entry_finite(scalar_t x) noexcept nogil:
    if scalar_t is float or scalar_t is double:
        return isfinite(x)
    else:
        return isfinite(x.real) and isfinite(x.imag)

cdef bint _all_finite(const scalar_t *a, Py_ssize_t n, ptrdiff_t rs, ptrdiff_t cs) noexcept nogil:
    cdef Py_ssize_t i, j
    for j in range(n):
        for i in range(n):
            if not _entry_finite(a[i * rs + j * cs]):
                return False
    return True

cdef object _small_solve(scalar_t *ap, Py_ssize_t n, ptrdiff_t rs, ptrdiff_t cs,
                         bint want_vectors, bint lower, bint check_finite, int jacobi_max,
                         object dtype, object rdtype):
    """The typed body of small_eigen."""
    cdef Py_buffer wbuf, vbuf
    cdef ek_stack_layout inl, outl
    cdef size_t nbytes
    cdef void *work
    cdef ptrdiff_t failed
    cdef int ni = <int>n
    if check_finite and not _all_finite(ap, n, rs, cs):
        raise ValueError("array must not contain infs or NaNs")
    inl.matrix = 0
    inl.row = rs
    inl.col = cs
    outl.matrix = 0
    outl.row = 1
    outl.col = n
    w = np.empty(n, rdtype)
    v = np.empty((n, n), dtype, order="F") if want_vectors else None
    PyObject_GetBuffer(w, &wbuf, PyBUF_SIMPLE | PyBUF_WRITABLE)
    if want_vectors:
        PyObject_GetBuffer(v, &vbuf, PyBUF_ANY_CONTIGUOUS | PyBUF_WRITABLE)
    else:
        vbuf.buf = NULL
    if scalar_t is float:
        nbytes = ek_s_batched_eigen_workspace(ni, jacobi_max, 1)
    elif scalar_t is double:
        nbytes = ek_d_batched_eigen_workspace(ni, jacobi_max, 1)
    elif scalar_t is cython.floatcomplex:
        nbytes = ek_c_batched_eigen_workspace(ni, jacobi_max, 1)
    else:
        nbytes = ek_z_batched_eigen_workspace(ni, jacobi_max, 1)
    work = malloc(nbytes)
    if work == NULL:
        PyBuffer_Release(&wbuf)
        if want_vectors:
            PyBuffer_Release(&vbuf)
        raise MemoryError(f"eigkit: cannot allocate {nbytes} bytes of workspace")
    with nogil:
        if scalar_t is float:
            failed = ek_s_batched_eigen(ni, 1, ap, inl, lower, want_vectors, <float *>wbuf.buf,
                                        <float *>vbuf.buf, outl, jacobi_max, work, nbytes, 1)
        elif scalar_t is double:
            failed = ek_d_batched_eigen(ni, 1, ap, inl, lower, want_vectors, <double *>wbuf.buf,
                                        <double *>vbuf.buf, outl, jacobi_max, work, nbytes, 1)
        elif scalar_t is cython.floatcomplex:
            failed = ek_c_batched_eigen(ni, 1, ap, inl, lower, want_vectors, <float *>wbuf.buf,
                                        <float complex *>vbuf.buf, outl, jacobi_max, work,
                                        nbytes, 1)
        else:
            failed = ek_z_batched_eigen(ni, 1, ap, inl, lower, want_vectors, <double *>wbuf.buf,
                                        <double complex *>vbuf.buf, outl, jacobi_max, work,
                                        nbytes, 1)
    free(work)
    PyBuffer_Release(&wbuf)
    if want_vectors:
        PyBuffer_Release(&vbuf)
    if failed < 0:
        raise RuntimeError(f"eigkit internal error in batched_eigen (code {failed}); "
                           "please report it")
    if failed > 0:
        raise LinAlgError("eigh failed for 1 of 1 matrices: NaN or Inf in the input, "
                          "or the iteration did not converge.")
    return (w, v) if want_vectors else w


def small_eigen(a, bint want_vectors, bint lower, bint check_finite, int jacobi_max):
    """eigh of one square matrix ``a`` (an ndarray of order n >= 1 whose
    dtype is exactly float32, float64, complex64 or complex128, native)
    by the batched kernel on the calling thread, with the least work per
    call: ``w`` (n,) or ``(w, v)``, v in Fortran order, as
    ``batched_eigen`` gives them for a single matrix; ``a`` is not
    modified.  With ``check_finite``, NaN or Inf anywhere in ``a`` raises
    ValueError, as numpy.asarray_chkfinite.  Returns None, having done
    nothing, when the memory of ``a`` is not aligned to its entries (the
    caller then takes the general path, which copies)."""
    cdef Py_buffer abuf
    cdef Py_ssize_t n, rs, cs, itemsize, align
    cdef int code
    dtype = a.dtype
    if dtype is _DTYPES[1]:
        code = 1
    elif dtype is _DTYPES[3]:
        code = 3
    elif dtype is _DTYPES[0]:
        code = 0
    elif dtype is _DTYPES[2]:
        code = 2
    else:
        return None
    PyObject_GetBuffer(a, &abuf, PyBUF_STRIDES)
    try:
        if abuf.ndim != 2 or abuf.shape[0] != abuf.shape[1] or abuf.shape[0] < 1:
            return None
        itemsize = abuf.itemsize
        align = itemsize if code < 2 else itemsize // 2
        if (<size_t>abuf.buf) % align or abuf.strides[0] % itemsize or abuf.strides[1] % itemsize:
            return None
        n = abuf.shape[0]
        rs = abuf.strides[0] // itemsize
        cs = abuf.strides[1] // itemsize
        rdtype = _REAL_DTYPES[code]
        if code == 1:
            return _small_solve(<double *>abuf.buf, n, rs, cs, want_vectors, lower, check_finite,
                                jacobi_max, dtype, rdtype)
        if code == 3:
            return _small_solve(<double complex *>abuf.buf, n, rs, cs, want_vectors, lower,
                                check_finite, jacobi_max, dtype, rdtype)
        if code == 0:
            return _small_solve(<float *>abuf.buf, n, rs, cs, want_vectors, lower, check_finite,
                                jacobi_max, dtype, rdtype)
        return _small_solve(<float complex *>abuf.buf, n, rs, cs, want_vectors, lower,
                            check_finite, jacobi_max, dtype, rdtype)
    finally:
        PyBuffer_Release(&abuf)
