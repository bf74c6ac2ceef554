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
