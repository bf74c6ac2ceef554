# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""Typed bindings of the dense Krylov kernels (csrc/dense_operator.c,
csrc/dense_krylov.c): a few eigenpairs at one end of the spectrum of a
dense Hermitian matrix by block Lanczos on GEMM products, within a work
budget.  The whole solve runs in C with the GIL released; no Python runs
per block.
"""
cimport cython
from libc.stdlib cimport malloc, free
from libc.stddef cimport size_t
from libc.stdint cimport uint64_t
from libc.string cimport memset

import numpy as np

include "_blas.pxi"
_install_blas()


cdef extern from "dense_operator.h" nogil:
    ctypedef struct ek_dense_operator:
        int n
        int lda
        const void *a
    float ek_s_hermitian_fill(int n, float *a, int lda, char uplo)
    double ek_d_hermitian_fill(int n, double *a, int lda, char uplo)
    float ek_c_hermitian_fill(int n, float complex *a, int lda, char uplo)
    double ek_z_hermitian_fill(int n, double complex *a, int lda, char uplo)

cdef extern from "dense_krylov.h" nogil:
    ctypedef struct ek_dense_krylov_params:
        int k, largest, block, ncv, nthreads
        double budget, ratio_limit
        uint64_t seed
    ctypedef struct ek_dense_krylov_info:
        int status, matvecs, cycles
        double predicted, residual_ratio, orthogonality_ratio, anorm
    int EK_DK_CERTIFIED, EK_DK_OVER_BUDGET, EK_DK_NOT_CERTIFIED, EK_DK_FAILED
    size_t ek_s_dense_krylov_workspace(int n, const ek_dense_krylov_params *par)
    size_t ek_d_dense_krylov_workspace(int n, const ek_dense_krylov_params *par)
    size_t ek_c_dense_krylov_workspace(int n, const ek_dense_krylov_params *par)
    size_t ek_z_dense_krylov_workspace(int n, const ek_dense_krylov_params *par)
    int ek_s_dense_krylov(const ek_dense_operator *op, const ek_dense_krylov_params *par, float *w,
                          float *z, int ldz, void *work, size_t nbytes, ek_dense_krylov_info *info)
    int ek_d_dense_krylov(const ek_dense_operator *op, const ek_dense_krylov_params *par, double *w,
                          double *z, int ldz, void *work, size_t nbytes, ek_dense_krylov_info *info)
    int ek_c_dense_krylov(const ek_dense_operator *op, const ek_dense_krylov_params *par, float *w,
                          float complex *z, int ldz, void *work, size_t nbytes,
                          ek_dense_krylov_info *info)
    int ek_z_dense_krylov(const ek_dense_operator *op, const ek_dense_krylov_params *par, double *w,
                          double complex *z, int ldz, void *work, size_t nbytes,
                          ek_dense_krylov_info *info)


ctypedef fused scalar_t:
    float
    double
    float complex
    double complex

#: the solve's outcomes (ek_dk_status)
STATUS = {0: "certified", 1: "over budget", 2: "not certified", 3: "failed"}


cdef inline int _ld(Py_ssize_t stride, size_t itemsize):
    """Leading dimension of a Fortran-ordered matrix from its column stride."""
    return <int>max(stride // <Py_ssize_t>itemsize, 1)


def hermitian_fill(scalar_t[::1, :] a, bint from_lower=True):
    """Mirror the lower (or upper) triangle of the square ``a`` into the
    other one (in place, conjugated; the diagonal made real).  Returns the
    largest |Re| or |Im| of an entry, NaN if one is not finite."""
    cdef int n = <int>a.shape[0]
    cdef char uplo = b'L' if from_lower else b'U'
    if n == 0:
        return 0.0
    cdef int lda = _ld(a.strides[1], sizeof(scalar_t))
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
    op.lda = _ld(a.strides[1], sizeof(scalar_t))
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
    cdef int ldz = _ld(z.strides[1], sizeof(scalar_t))
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
