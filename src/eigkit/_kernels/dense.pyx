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


# ---------------------------------------------------------------------------
# Single kernels, for the tests.
