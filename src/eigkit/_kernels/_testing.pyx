# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""Single kernels exposed for the tests: the stages that the drivers of
``eigkit._kernels.dense`` and ``.tridiagonal`` run one after another
(tridiagonalization, back-transformation, band reduction, bulge chasing,
implicit QR, divide and conquer, rotation wavefronts, Sturm counts,
inverse iteration).  Not used by the library itself.
"""
include "support.pxi"
include "declare_dense.pxi"
include "declare_tridiagonal.pxi"

from . import common  # fills the kernels' BLAS table once, at import


def tridiagonalize(scalar_t[::1, :] a):
    """Reduce ``a`` (lower triangle, overwritten by the reflectors) and return
    ``(d, e, tau)``."""
    cdef int n = <int>a.shape[0]
    dtype = np.asarray(a).dtype
    rdtype = _real_dtype(dtype)
    d_arr = np.zeros(max(n, 1), rdtype)
    e_arr = np.zeros(max(n, 1), rdtype)
    tau_arr = np.zeros(max(n, 1), dtype)
    if n == 0:
        return d_arr[:0], e_arr[:0], tau_arr[:0]
    cdef scalar_t[::1] tau = tau_arr
    cdef int lda = _ld(a.strides[1], sizeof(scalar_t), n)
    cdef size_t lwork
    cdef scalar_t *work = NULL
    cdef int info = 0
    cdef float[::1] ds, es
    cdef double[::1] dd, ed
    if scalar_t is float or scalar_t is cython.floatcomplex:
        ds = d_arr
        es = e_arr
    else:
        dd = d_arr
        ed = e_arr
    if scalar_t is float:
        lwork = ek_s_tridiagonalize_workspace(n)
    elif scalar_t is double:
        lwork = ek_d_tridiagonalize_workspace(n)
    elif scalar_t is cython.floatcomplex:
        lwork = ek_c_tridiagonalize_workspace(n)
    else:
        lwork = ek_z_tridiagonalize_workspace(n)
    work = <scalar_t *>_workspace(lwork * sizeof(scalar_t))
    try:
        with nogil:
            if scalar_t is float:
                info = ek_s_tridiagonalize(n, &a[0, 0], lda, &ds[0], &es[0], &tau[0], work, lwork)
            elif scalar_t is double:
                info = ek_d_tridiagonalize(n, &a[0, 0], lda, &dd[0], &ed[0], &tau[0], work, lwork)
            elif scalar_t is cython.floatcomplex:
                info = ek_c_tridiagonalize(n, &a[0, 0], lda, &ds[0], &es[0], &tau[0], work, lwork)
            else:
                info = ek_z_tridiagonalize(n, &a[0, 0], lda, &dd[0], &ed[0], &tau[0], work, lwork)
    finally:
        free(work)
    _raise_for(info, "tridiagonalize")
    return d_arr[:n], e_arr[:max(n - 1, 0)], tau_arr[:max(n - 1, 0)]

def apply_reflectors(scalar_t[::1, :] a, scalar_t[::1] tau, scalar_t[::1, :] z):
    """Z := Q Z in place, Q from the reflectors left by ``tridiagonalize``."""
    cdef int n = <int>z.shape[0]
    cdef int m = <int>z.shape[1]
    if n == 0 or m == 0:
        return
    cdef int lda = _ld(a.strides[1], sizeof(scalar_t), n)
    cdef int ldz = _ld(z.strides[1], sizeof(scalar_t), n)
    cdef size_t lwork
    cdef int info = 0
    cdef scalar_t *taup = &tau[0] if tau.shape[0] > 0 else NULL
    if scalar_t is float:
        lwork = ek_s_apply_reflectors_workspace(n, m)
    elif scalar_t is double:
        lwork = ek_d_apply_reflectors_workspace(n, m)
    elif scalar_t is cython.floatcomplex:
        lwork = ek_c_apply_reflectors_workspace(n, m)
    else:
        lwork = ek_z_apply_reflectors_workspace(n, m)
    cdef scalar_t *work = <scalar_t *>_workspace(lwork * sizeof(scalar_t))
    try:
        with nogil:
            if scalar_t is float:
                info = ek_s_apply_reflectors(n, m, &a[0, 0], lda, taup, &z[0, 0], ldz, work, lwork)
            elif scalar_t is double:
                info = ek_d_apply_reflectors(n, m, &a[0, 0], lda, taup, &z[0, 0], ldz, work, lwork)
            elif scalar_t is cython.floatcomplex:
                info = ek_c_apply_reflectors(n, m, &a[0, 0], lda, taup, &z[0, 0], ldz, work, lwork)
            else:
                info = ek_z_apply_reflectors(n, m, &a[0, 0], lda, taup, &z[0, 0], ldz, work, lwork)
    finally:
        free(work)
    _raise_for(info, "apply_reflectors")

def band_reduce(scalar_t[::1, :] a, int bandwidth):
    """Stage 1 in place: the lower triangle of ``a`` becomes a band matrix
    of the given width (the entries below the band hold reflectors)."""
    cdef int n = <int>a.shape[0]
    if n == 0:
        return
    cdef int lda = _ld(a.strides[1], sizeof(scalar_t), n)
    cdef size_t lwork = ek_s_band_reduce_workspace(n, bandwidth)  # scalars, any precision
    cdef scalar_t *work = <scalar_t *>_workspace(lwork * sizeof(scalar_t))
    cdef int info
    try:
        with nogil:
            if scalar_t is float:
                info = ek_s_band_reduce(n, bandwidth, &a[0, 0], lda, work, lwork)
            elif scalar_t is double:
                info = ek_d_band_reduce(n, bandwidth, &a[0, 0], lda, work, lwork)
            elif scalar_t is cython.floatcomplex:
                info = ek_c_band_reduce(n, bandwidth, &a[0, 0], lda, work, lwork)
            else:
                info = ek_z_band_reduce(n, bandwidth, &a[0, 0], lda, work, lwork)
    finally:
        free(work)
    _raise_for(info, "band_reduce")

def band_to_tridiagonal(scalar_t[::1, :] a, int bandwidth, int nthreads=1):
    """Stage 2 on the band of width ``bandwidth`` of the lower triangle of
    ``a`` (not modified): returns the real tridiagonal ``(d, e)``."""
    cdef int n = <int>a.shape[0]
    rdtype = _real_dtype(np.asarray(a).dtype)
    d_arr = np.zeros(max(n, 1), rdtype)
    e_arr = np.zeros(max(n, 1), rdtype)
    if n == 0:
        return d_arr[:0], e_arr[:0]
    cdef int lda = _ld(a.strides[1], sizeof(scalar_t), n)
    cdef int ldab = ek_s_band_storage_rows(n, bandwidth)
    cdef size_t nband = <size_t>n * ldab
    cdef size_t lwork = ek_s_band_to_tridiagonal_workspace(n, bandwidth, nthreads)
    cdef scalar_t *ab = <scalar_t *>_workspace((nband + lwork) * sizeof(scalar_t))
    cdef int info
    cdef float[::1] ds, es
    cdef double[::1] dd, ed
    if scalar_t is float or scalar_t is cython.floatcomplex:
        ds = d_arr
        es = e_arr
    else:
        dd = d_arr
        ed = e_arr
    try:
        with nogil:
            if scalar_t is float:
                ek_s_band_pack(n, bandwidth, &a[0, 0], lda, ab, ldab)
                info = ek_s_band_to_tridiagonal(n, bandwidth, ab, ldab, &ds[0], &es[0], ab + nband, lwork, nthreads)
            elif scalar_t is double:
                ek_d_band_pack(n, bandwidth, &a[0, 0], lda, ab, ldab)
                info = ek_d_band_to_tridiagonal(n, bandwidth, ab, ldab, &dd[0], &ed[0], ab + nband, lwork, nthreads)
            elif scalar_t is cython.floatcomplex:
                ek_c_band_pack(n, bandwidth, &a[0, 0], lda, ab, ldab)
                info = ek_c_band_to_tridiagonal(n, bandwidth, ab, ldab, &ds[0], &es[0], ab + nband, lwork, nthreads)
            else:
                ek_z_band_pack(n, bandwidth, &a[0, 0], lda, ab, ldab)
                info = ek_z_band_to_tridiagonal(n, bandwidth, ab, ldab, &dd[0], &ed[0], ab + nband, lwork, nthreads)
    finally:
        free(ab)
    _raise_for(info, "band_to_tridiagonal")
    return d_arr[:n], e_arr[:max(n - 1, 0)]

def tridiagonal_eigvals(real_t[::1] d, real_t[::1] e):
    """Root-free QR in place: d becomes the ascending eigenvalues, e is destroyed."""
    cdef int n = <int>d.shape[0]
    if n == 0:
        return
    cdef real_t *ep = &e[0] if e.shape[0] > 0 else NULL
    cdef int info
    with nogil:
        if real_t is float:
            info = ek_s_tridiagonal_eigvals(n, &d[0], ep)
        else:
            info = ek_d_tridiagonal_eigvals(n, &d[0], ep)
    _raise_for(info, "tridiagonal_eigvals")

def tridiagonal_qr(real_t[::1] d, real_t[::1] e, real_t[::1, :] z, int nthreads=1):
    """Implicit QR with vectors in place: d the eigenvalues, z := z Q."""
    cdef int n = <int>d.shape[0]
    if n == 0:
        return
    cdef real_t *ep = &e[0] if e.shape[0] > 0 else NULL
    cdef int ldz = _ld(z.strides[1], sizeof(real_t), n)
    cdef size_t lwork
    cdef int info
    if real_t is float:
        lwork = ek_s_tridiagonal_qr_workspace(n)
    else:
        lwork = ek_d_tridiagonal_qr_workspace(n)
    cdef real_t *work = <real_t *>_workspace(lwork * sizeof(real_t))
    try:
        with nogil:
            if real_t is float:
                info = ek_s_tridiagonal_qr(n, &d[0], ep, &z[0, 0], ldz, work, lwork, nthreads)
            else:
                info = ek_d_tridiagonal_qr(n, &d[0], ep, &z[0, 0], ldz, work, lwork, nthreads)
    finally:
        free(work)
    _raise_for(info, "tridiagonal_qr")

def divide_conquer(real_t[::1] d, real_t[::1] e, int nthreads=1):
    """Divide and conquer on the tridiagonal (d, e), which are not modified.
    Returns ``(w, z)``: ascending eigenvalues and orthonormal eigenvectors."""
    cdef int n = <int>d.shape[0]
    dtype = np.asarray(d).dtype
    w_arr = np.array(d, dtype=dtype, copy=True)
    z_arr = np.zeros((n, max(n, 1)), dtype=dtype, order='F')
    if n == 0:
        return w_arr, z_arr[:, :0]
    e_arr = np.zeros(max(n - 1, 1), dtype=dtype)
    e_arr[:n - 1] = np.asarray(e)[:n - 1]
    cdef real_t[::1] w = w_arr
    cdef real_t[::1] ework = e_arr
    cdef real_t[::1, :] z = z_arr
    cdef int ldz = _ld(z.strides[1], sizeof(real_t), n)
    cdef size_t lwork, liwork
    if real_t is float:
        lwork = ek_s_divide_conquer_workspace(n)
        liwork = ek_s_divide_conquer_iworkspace(n)
    else:
        lwork = ek_d_divide_conquer_workspace(n)
        liwork = ek_d_divide_conquer_iworkspace(n)
    cdef int *iwork = NULL
    cdef real_t *work = <real_t *>_workspace_with_ints(lwork * sizeof(real_t), liwork, &iwork)
    cdef int info = 0
    try:
        with nogil:
            if real_t is float:
                info = ek_s_divide_conquer(n, &w[0], &ework[0], &z[0, 0], ldz, work, lwork,
                                           iwork, liwork, nthreads)
            else:
                info = ek_d_divide_conquer(n, &w[0], &ework[0], &z[0, 0], ldz, work, lwork,
                                           iwork, liwork, nthreads)
    finally:
        free(work)
    _raise_for(info, "divide_conquer")
    return w_arr, z_arr

def apply_rotation_sequences(real_t[::1, :] c, real_t[::1, :] s, real_t[::1, :] z, int nthreads=1):
    """Z := Z G(0,.) ... G(k-1,.) in place; c and s are (n-1) x k."""
    cdef int m = <int>z.shape[0]
    cdef int n = <int>z.shape[1]
    cdef int k = <int>c.shape[1]
    if m == 0 or n < 2 or k == 0:
        return
    cdef int ldcs = _ld(c.strides[1], sizeof(real_t), c.shape[0])
    cdef int ldz = _ld(z.strides[1], sizeof(real_t), m)
    with nogil:
        if real_t is float:
            ek_s_apply_rotation_sequences(m, n, k, &c[0, 0], &s[0, 0], ldcs, &z[0, 0], ldz, nthreads)
        else:
            ek_d_apply_rotation_sequences(m, n, k, &c[0, 0], &s[0, 0], ldcs, &z[0, 0], ldz, nthreads)

def sturm_count(real_t[::1] d, real_t[::1] e, double x):
    """Number of eigenvalues of (d, e) below x (one equal to x to rounding counts)."""
    cdef int n = <int>d.shape[0]
    if n == 0:
        return 0
    cdef const real_t *ep = &e[0] if e.shape[0] > 0 else NULL
    if real_t is float:
        return ek_s_sturm_count(n, &d[0], ep, <float>x)
    else:
        return ek_d_sturm_count(n, &d[0], ep, x)

def inverse_iteration(real_t[::1] d, real_t[::1] e, real_t[::1] w):
    """Eigenvectors of (d, e) for the ascending eigenvalues w."""
    cdef int n = <int>d.shape[0]
    cdef int m = <int>w.shape[0]
    z_arr = np.zeros((n, max(m, 1)), dtype=np.asarray(d).dtype, order='F')
    if n == 0 or m == 0:
        return z_arr[:, :m]
    cdef real_t[::1, :] z = z_arr
    cdef const real_t *ep = &e[0] if e.shape[0] > 0 else NULL
    cdef size_t lwork, liwork
    if real_t is float:
        lwork = ek_s_inverse_iteration_workspace(n)
        liwork = ek_s_inverse_iteration_iworkspace(n)
    else:
        lwork = ek_d_inverse_iteration_workspace(n)
        liwork = ek_d_inverse_iteration_iworkspace(n)
    cdef int *iwork = NULL
    cdef real_t *work = <real_t *>_workspace_with_ints(lwork * sizeof(real_t), liwork, &iwork)
    cdef int info = 0
    try:
        with nogil:
            if real_t is float:
                info = ek_s_inverse_iteration(n, &d[0], ep, m, &w[0], &z[0, 0], n, work, iwork)
            else:
                info = ek_d_inverse_iteration(n, &d[0], ep, m, &w[0], &z[0, 0], n, work, iwork)
    finally:
        free(work)
    _raise_for(info, "inverse_iteration")
    return z_arr[:, :m]
