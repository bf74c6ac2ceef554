# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""Typed bindings of the dense and tridiagonal eigensolver kernels.

Each function takes arrays already validated and laid out by
``eigkit.dense`` (Fortran order, the working dtype, writable copies where
the kernel overwrites), allocates outputs and workspace, releases the GIL
for the C kernel and maps its return code to an exception.

The lower-level functions (``tridiagonalize``, ``tridiagonal_qr``, ...)
expose single kernels for the tests.
"""
cimport cython
from libc.stdlib cimport malloc, free
from libc.stddef cimport ptrdiff_t, size_t
from libc.stdint cimport int64_t

import numpy as np
from numpy.linalg import LinAlgError

include "_blas.pxi"
_install_blas()


cdef extern from "selection.h":
    ctypedef struct ek_selection:
        int kind
        int il
        int iu
        double vl
        double vu
    int EK_SELECT_ALL, EK_SELECT_INDEX, EK_SELECT_VALUE
    int ek_selection_capacity(const ek_selection *sel, int n)

cdef extern from "symmetric_eigen.h" nogil:
    size_t ek_s_symmetric_eigen_workspace(int n, int want_vectors, const ek_selection *sel)
    size_t ek_d_symmetric_eigen_workspace(int n, int want_vectors, const ek_selection *sel)
    size_t ek_c_symmetric_eigen_workspace(int n, int want_vectors, const ek_selection *sel)
    size_t ek_z_symmetric_eigen_workspace(int n, int want_vectors, const ek_selection *sel)
    int ek_s_symmetric_eigen(int n, float *a, int lda, int want_vectors, const ek_selection *sel,
                             float *w, int *m, float *z, int ldz, void *work, size_t nbytes, int nthreads)
    int ek_d_symmetric_eigen(int n, double *a, int lda, int want_vectors, const ek_selection *sel,
                             double *w, int *m, double *z, int ldz, void *work, size_t nbytes, int nthreads)
    int ek_c_symmetric_eigen(int n, float complex *a, int lda, int want_vectors, const ek_selection *sel,
                             float *w, int *m, float complex *z, int ldz, void *work, size_t nbytes, int nthreads)
    int ek_z_symmetric_eigen(int n, double complex *a, int lda, int want_vectors, const ek_selection *sel,
                             double *w, int *m, double complex *z, int ldz, void *work, size_t nbytes, int nthreads)
    int ek_s_generalized_reduce(int itype, int n, float *a, int lda, float *b, int ldb)
    int ek_d_generalized_reduce(int itype, int n, double *a, int lda, double *b, int ldb)
    int ek_c_generalized_reduce(int itype, int n, float complex *a, int lda, float complex *b, int ldb)
    int ek_z_generalized_reduce(int itype, int n, double complex *a, int lda, double complex *b, int ldb)
    void ek_s_generalized_recover(int itype, int n, int m, const float *b, int ldb, float *z, int ldz)
    void ek_d_generalized_recover(int itype, int n, int m, const double *b, int ldb, double *z, int ldz)
    void ek_c_generalized_recover(int itype, int n, int m, const float complex *b, int ldb,
                                  float complex *z, int ldz)
    void ek_z_generalized_recover(int itype, int n, int m, const double complex *b, int ldb,
                                  double complex *z, int ldz)

cdef extern from "symmetric_eigen.h" nogil:
    int EK_TWO_STAGE_BAND
    size_t ek_s_symmetric_eigvals_two_stage_workspace(int n, int lda, int nb,
                                                      const ek_selection *sel, int nthreads)
    size_t ek_d_symmetric_eigvals_two_stage_workspace(int n, int lda, int nb,
                                                      const ek_selection *sel, int nthreads)
    size_t ek_c_symmetric_eigvals_two_stage_workspace(int n, int lda, int nb,
                                                      const ek_selection *sel, int nthreads)
    size_t ek_z_symmetric_eigvals_two_stage_workspace(int n, int lda, int nb,
                                                      const ek_selection *sel, int nthreads)
    int ek_s_symmetric_eigvals_two_stage(int n, float *a, int lda, int nb, const ek_selection *sel,
                                         float *w, int *m, void *work, size_t nbytes, int nthreads)
    int ek_d_symmetric_eigvals_two_stage(int n, double *a, int lda, int nb, const ek_selection *sel,
                                         double *w, int *m, void *work, size_t nbytes, int nthreads)
    int ek_c_symmetric_eigvals_two_stage(int n, float complex *a, int lda, int nb,
                                         const ek_selection *sel, float *w, int *m, void *work,
                                         size_t nbytes, int nthreads)
    int ek_z_symmetric_eigvals_two_stage(int n, double complex *a, int lda, int nb,
                                         const ek_selection *sel, double *w, int *m, void *work,
                                         size_t nbytes, int nthreads)

cdef extern from "band_reduction.h" nogil:
    size_t ek_s_band_reduce_workspace(int n, int nb)
    size_t ek_d_band_reduce_workspace(int n, int nb)
    size_t ek_c_band_reduce_workspace(int n, int nb)
    size_t ek_z_band_reduce_workspace(int n, int nb)
    int ek_s_band_reduce(int n, int nb, float *a, int lda, float *work, size_t lwork)
    int ek_d_band_reduce(int n, int nb, double *a, int lda, double *work, size_t lwork)
    int ek_c_band_reduce(int n, int nb, float complex *a, int lda, float complex *work, size_t lwork)
    int ek_z_band_reduce(int n, int nb, double complex *a, int lda, double complex *work, size_t lwork)

cdef extern from "bulge_chasing.h" nogil:
    int ek_s_band_storage_rows(int n, int b)
    size_t ek_s_band_to_tridiagonal_workspace(int n, int b, int nthreads)
    int ek_s_band_pack(int n, int b, const float *a, int lda, float *ab, int ldab)
    int ek_d_band_pack(int n, int b, const double *a, int lda, double *ab, int ldab)
    int ek_c_band_pack(int n, int b, const float complex *a, int lda, float complex *ab, int ldab)
    int ek_z_band_pack(int n, int b, const double complex *a, int lda, double complex *ab, int ldab)
    int ek_s_band_to_tridiagonal(int n, int b, float *ab, int ldab, float *d, float *e,
                                 float *work, size_t lwork, int nthreads)
    int ek_d_band_to_tridiagonal(int n, int b, double *ab, int ldab, double *d, double *e,
                                 double *work, size_t lwork, int nthreads)
    int ek_c_band_to_tridiagonal(int n, int b, float complex *ab, int ldab, float *d, float *e,
                                 float complex *work, size_t lwork, int nthreads)
    int ek_z_band_to_tridiagonal(int n, int b, double complex *ab, int ldab, double *d, double *e,
                                 double complex *work, size_t lwork, int nthreads)

cdef extern from "tridiagonal_eigen.h" nogil:
    size_t ek_s_tridiagonal_eigen_workspace(int n, int want_vectors, const ek_selection *sel)
    size_t ek_d_tridiagonal_eigen_workspace(int n, int want_vectors, const ek_selection *sel)
    int ek_s_tridiagonal_eigen(int n, const float *d, const float *e, int want_vectors,
                               const ek_selection *sel, float abstol, float *w, int *m,
                               float *z, int ldz, void *work, size_t nbytes, int nthreads)
    int ek_d_tridiagonal_eigen(int n, const double *d, const double *e, int want_vectors,
                               const ek_selection *sel, double abstol, double *w, int *m,
                               double *z, int ldz, void *work, size_t nbytes, int nthreads)

cdef extern from "tridiagonalize.h" nogil:
    size_t ek_s_tridiagonalize_workspace(int n)
    size_t ek_d_tridiagonalize_workspace(int n)
    size_t ek_c_tridiagonalize_workspace(int n)
    size_t ek_z_tridiagonalize_workspace(int n)
    int ek_s_tridiagonalize(int n, float *a, int lda, float *d, float *e, float *tau, float *work, size_t lwork)
    int ek_d_tridiagonalize(int n, double *a, int lda, double *d, double *e, double *tau, double *work, size_t lwork)
    int ek_c_tridiagonalize(int n, float complex *a, int lda, float *d, float *e, float complex *tau,
                            float complex *work, size_t lwork)
    int ek_z_tridiagonalize(int n, double complex *a, int lda, double *d, double *e, double complex *tau,
                            double complex *work, size_t lwork)
    size_t ek_s_apply_reflectors_workspace(int n, int m)
    size_t ek_d_apply_reflectors_workspace(int n, int m)
    size_t ek_c_apply_reflectors_workspace(int n, int m)
    size_t ek_z_apply_reflectors_workspace(int n, int m)
    int ek_s_apply_reflectors(int n, int m, const float *a, int lda, const float *tau, float *z, int ldz,
                              float *work, size_t lwork)
    int ek_d_apply_reflectors(int n, int m, const double *a, int lda, const double *tau, double *z, int ldz,
                              double *work, size_t lwork)
    int ek_c_apply_reflectors(int n, int m, const float complex *a, int lda, const float complex *tau,
                              float complex *z, int ldz, float complex *work, size_t lwork)
    int ek_z_apply_reflectors(int n, int m, const double complex *a, int lda, const double complex *tau,
                              double complex *z, int ldz, double complex *work, size_t lwork)

cdef extern from "tridiagonal_qr.h" nogil:
    int ek_s_tridiagonal_eigvals(int n, float *d, float *e)
    int ek_d_tridiagonal_eigvals(int n, double *d, double *e)
    size_t ek_s_tridiagonal_qr_workspace(int n)
    size_t ek_d_tridiagonal_qr_workspace(int n)
    int ek_s_tridiagonal_qr(int n, float *d, float *e, float *z, int ldz, float *work, size_t lwork, int nthreads)
    int ek_d_tridiagonal_qr(int n, double *d, double *e, double *z, int ldz, double *work, size_t lwork, int nthreads)

cdef extern from "divide_conquer.h" nogil:
    size_t ek_s_divide_conquer_workspace(int n)
    size_t ek_d_divide_conquer_workspace(int n)
    size_t ek_s_divide_conquer_iworkspace(int n)
    size_t ek_d_divide_conquer_iworkspace(int n)
    int ek_s_divide_conquer(int n, float *d, float *e, float *z, int ldz, float *work, size_t lwork,
                            int *iwork, size_t liwork, int nthreads)
    int ek_d_divide_conquer(int n, double *d, double *e, double *z, int ldz, double *work, size_t lwork,
                            int *iwork, size_t liwork, int nthreads)

cdef extern from "rotations.h" nogil:
    void ek_s_apply_rotation_sequences(int m, int n, int k, const float *c, const float *s, int ldcs,
                                       float *z, int ldz, int nthreads)
    void ek_d_apply_rotation_sequences(int m, int n, int k, const double *c, const double *s, int ldcs,
                                       double *z, int ldz, int nthreads)

cdef extern from "gram.h" nogil:
    size_t ek_s_gram_workspace(int n, int p, int nthreads)
    size_t ek_d_gram_workspace(int n, int p, int nthreads)
    size_t ek_s_gram_acc(int n, int p, int nthreads)
    size_t ek_d_gram_acc(int n, int p, int nthreads)
    int ek_s_centered_gram(int n, int p, const float *x, ptrdiff_t rs, ptrdiff_t cs, int have_mean,
                           float *mean, float *g, int ldg, int nthreads, float *work, double *acc)
    int ek_d_centered_gram(int n, int p, const double *x, ptrdiff_t rs, ptrdiff_t cs,
                           int have_mean, double *mean, double *g, int ldg, int nthreads,
                           double *work, double *acc)

cdef extern from "covariance_operator.h" nogil:
    int EK_COVARIANCE_MAX_BLOCK
    size_t ek_s_covariance_workspace(int side, int n, int p, int b)
    size_t ek_d_covariance_workspace(int side, int n, int p, int b)
    int ek_s_covariance_product(int side, int n, int p, const float *x, ptrdiff_t ldx,
                                const float *mean, int b, const float *w, int ldw, float *y,
                                int ldy, int nthreads, float *work)
    int ek_d_covariance_product(int side, int n, int p, const double *x, ptrdiff_t ldx,
                                const double *mean, int b, const double *w, int ldw, double *y,
                                int ldy, int nthreads, double *work)

cdef extern from "nearest_neighbors.h" nogil:
    size_t ek_s_k_nearest_workspace(int n, int d, int k, int nthreads)
    size_t ek_d_k_nearest_workspace(int n, int d, int k, int nthreads)
    int ek_s_k_nearest(int n, int d, const float *x, ptrdiff_t ldx, int k, int nthreads,
                       int64_t *indices, double *distances, void *work)
    int ek_d_k_nearest(int n, int d, const double *x, ptrdiff_t ldx, int k, int nthreads,
                       int64_t *indices, double *distances, void *work)

cdef extern from "bisection.h" nogil:
    int ek_s_sturm_count(int n, const float *d, const float *e, float x)
    int ek_d_sturm_count(int n, const double *d, const double *e, double x)
    int ek_s_eigvals_by_index(int n, const float *d, const float *e, int il, int iu, float abstol, float *w)
    int ek_d_eigvals_by_index(int n, const double *d, const double *e, int il, int iu, double abstol, double *w)
    int ek_s_eigvals_by_value(int n, const float *d, const float *e, float vl, float vu, float abstol,
                              int *m, float *w)
    int ek_d_eigvals_by_value(int n, const double *d, const double *e, double vl, double vu, double abstol,
                              int *m, double *w)
    size_t ek_s_inverse_iteration_workspace(int n)
    size_t ek_d_inverse_iteration_workspace(int n)
    size_t ek_s_inverse_iteration_iworkspace(int n)
    size_t ek_d_inverse_iteration_iworkspace(int n)
    int ek_s_inverse_iteration(int n, const float *d, const float *e, int m, const float *w,
                               float *z, int ldz, float *work, int *iwork)
    int ek_d_inverse_iteration(int n, const double *d, const double *e, int m, const double *w,
                               double *z, int ldz, double *work, int *iwork)


ctypedef fused scalar_t:
    float
    double
    float complex
    double complex

ctypedef fused real_t:
    float
    double


SELECT_ALL = 0
SELECT_INDEX = 1
SELECT_VALUE = 2


cdef ek_selection _selection(int kind, int il, int iu, double vl, double vu):
    cdef ek_selection sel
    sel.kind = kind
    sel.il = il
    sel.iu = iu
    sel.vl = vl
    sel.vu = vu
    return sel


cdef inline int _ld(Py_ssize_t stride, Py_ssize_t itemsize, Py_ssize_t rows):
    """Leading dimension of a Fortran-ordered matrix from its column stride."""
    cdef Py_ssize_t ld = stride // itemsize
    return <int>(ld if ld >= 1 and rows > 1 else (rows if rows > 1 else 1))


cdef void *_workspace(size_t nbytes) except NULL:
    cdef void *p = malloc(nbytes if nbytes > 0 else 1)
    if p == NULL:
        raise MemoryError(f"eigkit: cannot allocate {nbytes} bytes of workspace")
    return p


cdef void *_workspace_with_ints(size_t nbytes, size_t nints, int **iwork) except NULL:
    """One allocation holding nbytes of real workspace followed by nints
    ints (aligned); *iwork points at the ints.  Free the result only."""
    cdef size_t offset = (nbytes + 63) // 64 * 64
    cdef char *p = <char *>_workspace(offset + nints * sizeof(int))
    iwork[0] = <int *>(p + offset)
    return p


def _raise_for(int info, str what):
    if info < 0:
        raise RuntimeError(f"eigkit internal error in {what} (code {info}); please report it")
    if info > 0:
        raise LinAlgError(f"{what} failed to converge: {info} off-diagonal elements "
                          "of an intermediate tridiagonal form did not converge to zero.")


def _vector_buffer(n, cap, want_vectors, dtype):
    """Room for up to ``cap`` eigenvectors (a 1 x 1 dummy without vectors)."""
    shape = (n, max(cap, 1)) if want_vectors else (1, 1)
    return np.empty(shape, dtype=dtype, order='F')


def _real_dtype(dtype):
    return np.empty(0, dtype).real.dtype


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


TWO_STAGE_BAND = EK_TWO_STAGE_BAND


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


def tridiagonal_eigen(real_t[::1] d, real_t[::1] e, bint want_vectors, int kind=0, int il=0,
                      int iu=-1, double vl=0.0, double vu=0.0, double abstol=0.0, int nthreads=1):
    """Selected eigenpairs of the symmetric tridiagonal matrix (d, e).
    d and e are not modified.  Returns ``(w, z)``."""
    cdef int n = <int>d.shape[0]
    cdef ek_selection sel = _selection(kind, il, iu, vl, vu)
    dtype = np.asarray(d).dtype
    w_full = np.empty(max(n, 1), dtype=dtype)
    cdef int cap = ek_selection_capacity(&sel, n) if n > 0 else 0
    z_full = _vector_buffer(n, cap, want_vectors, dtype)
    if n == 0:
        return w_full[:0], (z_full[:0, :0] if want_vectors else None)
    cdef real_t[::1] w = w_full
    cdef real_t[::1, :] z = z_full
    cdef int ldz = _ld(z.strides[1], sizeof(real_t), n)
    cdef int m = 0, info = 0
    cdef size_t nbytes
    cdef const real_t *ep = &e[0] if e.shape[0] > 0 else NULL
    if real_t is float:
        nbytes = ek_s_tridiagonal_eigen_workspace(n, want_vectors, &sel)
    else:
        nbytes = ek_d_tridiagonal_eigen_workspace(n, want_vectors, &sel)
    cdef void *work = _workspace(nbytes)
    try:
        with nogil:
            if real_t is float:
                info = ek_s_tridiagonal_eigen(n, &d[0], ep, want_vectors, &sel, <float>abstol,
                                              &w[0], &m, &z[0, 0], ldz, work, nbytes, nthreads)
            else:
                info = ek_d_tridiagonal_eigen(n, &d[0], ep, want_vectors, &sel, abstol,
                                              &w[0], &m, &z[0, 0], ldz, work, nbytes, nthreads)
    finally:
        free(work)
    _raise_for(info, "eigh_tridiagonal")
    return w_full[:m], (z_full[:, :m] if want_vectors else None)


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


def centered_gram(const real_t[:, :] x, real_t[::1] mean, bint have_mean, int nthreads=1):
    """The Gram matrix Xc^T Xc of the column-centred x (any strides), lower
    triangle, Fortran order.  With ``have_mean`` the centring uses ``mean``,
    otherwise the means are computed into it in the same pass."""
    cdef int n = <int>x.shape[0]
    cdef int p = <int>x.shape[1]
    g_arr = np.zeros((p, p), dtype=np.asarray(mean).dtype, order='F')
    if n == 0 or p == 0:
        return g_arr
    cdef real_t[::1, :] g = g_arr
    cdef ptrdiff_t rs = x.strides[0] // <ptrdiff_t>sizeof(real_t)
    cdef ptrdiff_t cs = x.strides[1] // <ptrdiff_t>sizeof(real_t)
    cdef size_t nwork, nacc
    if real_t is float:
        nwork = ek_s_gram_workspace(n, p, nthreads)
        nacc = ek_s_gram_acc(n, p, nthreads)
    else:
        nwork = ek_d_gram_workspace(n, p, nthreads)
        nacc = ek_d_gram_acc(n, p, nthreads)
    cdef void *work = _workspace(nwork * sizeof(real_t) + nacc * sizeof(double))
    cdef double *acc = <double *>(<char *>work + nwork * sizeof(real_t))
    cdef int info
    try:
        with nogil:
            if real_t is float:
                info = ek_s_centered_gram(n, p, &x[0, 0], rs, cs, have_mean, &mean[0], &g[0, 0], p,
                                          nthreads, <float *>work, acc)
            else:
                info = ek_d_centered_gram(n, p, &x[0, 0], rs, cs, have_mean, &mean[0], &g[0, 0], p,
                                          nthreads, <double *>work, acc)
    finally:
        free(work)
    _raise_for(info, "centered_gram")
    return g_arr


COVARIANCE_MAX_BLOCK = EK_COVARIANCE_MAX_BLOCK


def covariance_product(const real_t[:, ::1] x, const real_t[::1] mean, const real_t[::1, :] w,
                       bint samples, int nthreads=1):
    """Xc^T (Xc W) (features side: W p x b) or, with ``samples``,
    Xc (Xc^T W) (W n x b), Xc = x - 1 mean^T, for a C-ordered x and a
    Fortran-ordered W of at most COVARIANCE_MAX_BLOCK columns; the result
    is Fortran-ordered, of W's shape.  x, mean and W are only read."""
    cdef int n = <int>x.shape[0]
    cdef int p = <int>x.shape[1]
    cdef int b = <int>w.shape[1]
    cdef int rows = n if samples else p
    if mean.shape[0] != p or w.shape[0] != rows:
        raise ValueError(f"covariance_product: x {n} x {p}, mean {mean.shape[0]}, "
                         f"W {w.shape[0]} x {b} do not fit")
    if not 1 <= b <= EK_COVARIANCE_MAX_BLOCK:
        raise ValueError(f"covariance_product: W has {b} columns, the kernel takes "
                         f"1 to {EK_COVARIANCE_MAX_BLOCK}")
    y_arr = np.zeros((rows, b), dtype=np.asarray(mean).dtype, order='F')
    if n == 0 or p == 0:
        return y_arr
    cdef real_t[::1, :] y = y_arr
    cdef ptrdiff_t ldx = x.strides[0] // <ptrdiff_t>sizeof(real_t)
    if ldx < p:
        ldx = p      # one row: numpy may report any stride
    cdef int ldw = <int>(w.strides[1] // <ptrdiff_t>sizeof(real_t)) if b > 1 else rows
    cdef int side = 1 if samples else 0
    cdef size_t nwork
    if real_t is float:
        nwork = ek_s_covariance_workspace(side, n, p, b)
    else:
        nwork = ek_d_covariance_workspace(side, n, p, b)
    cdef void *work = _workspace(nwork * sizeof(real_t))
    cdef int info
    try:
        with nogil:
            if real_t is float:
                info = ek_s_covariance_product(side, n, p, &x[0, 0], ldx, &mean[0], b, &w[0, 0],
                                               ldw, &y[0, 0], rows, nthreads, <float *>work)
            else:
                info = ek_d_covariance_product(side, n, p, &x[0, 0], ldx, &mean[0], b, &w[0, 0],
                                               ldw, &y[0, 0], rows, nthreads, <double *>work)
    finally:
        free(work)
    _raise_for(info, "covariance_product")
    return y_arr


def k_nearest(const real_t[:, ::1] x, int k, int nthreads=1, bint want_distances=True):
    """The k nearest rows (Euclidean) of every row of a C-ordered, finite x
    among its own rows, the row itself included: ``(indices, distances)``,
    both (n, k), nearest first, ties to the smaller index (distances None
    unless wanted).  x is only read."""
    cdef int n = <int>x.shape[0]
    cdef int d = <int>x.shape[1]
    if not 1 <= k <= n or d < 1:
        raise ValueError(f"k_nearest: k = {k} for {n} rows of {d} features")
    ind_arr = np.empty((n, k), dtype=np.int64)
    dist_arr = np.empty((n if want_distances else 1, k if want_distances else 1), dtype=np.float64)
    cdef int64_t[:, ::1] ind = ind_arr
    cdef double[:, ::1] dist = dist_arr
    cdef double *dist_ptr = &dist[0, 0] if want_distances else NULL
    cdef ptrdiff_t ldx = x.strides[0] // <ptrdiff_t>sizeof(real_t)
    if ldx < d:
        ldx = d      # one row: numpy may report any stride
    cdef size_t nbytes
    if real_t is float:
        nbytes = ek_s_k_nearest_workspace(n, d, k, nthreads)
    else:
        nbytes = ek_d_k_nearest_workspace(n, d, k, nthreads)
    cdef void *work = _workspace(nbytes)
    cdef int info
    try:
        with nogil:
            if real_t is float:
                info = ek_s_k_nearest(n, d, &x[0, 0], ldx, k, nthreads, &ind[0, 0], dist_ptr, work)
            else:
                info = ek_d_k_nearest(n, d, &x[0, 0], ldx, k, nthreads, &ind[0, 0], dist_ptr, work)
    finally:
        free(work)
    if info == 1:
        raise ValueError(f"Input X contains a value too large for dtype({np.asarray(x).dtype.name!r}): "
                         "its squared distances overflow.")
    _raise_for(info, "k_nearest")
    return ind_arr, dist_arr if want_distances else None


cdef extern from *:
    """
    #ifndef EK_BUILD_TYPE
    #define EK_BUILD_TYPE "unknown"
    #endif
    #ifndef EK_C_COMPILER
    #define EK_C_COMPILER "unknown"
    #endif
    #ifndef EK_C_FLAGS
    #define EK_C_FLAGS ""
    #endif
    #ifndef EK_CYTHON_VERSION
    #define EK_CYTHON_VERSION "unknown"
    #endif
    #ifndef EK_SANITIZE
    #define EK_SANITIZE 0
    #endif
    static const char *ek_simd_paths(void) {
    #if defined(__x86_64__) && !defined(__clang__) && defined(__GNUC__)
        if (__builtin_cpu_supports("avx512f")) return "avx512f (of avx512f, avx2+fma, baseline)";
        if (__builtin_cpu_supports("avx2")) return "avx2+fma (of avx512f, avx2+fma, baseline)";
        return "baseline (of avx512f, avx2+fma, baseline)";
    #else
        return "portable C (no run-time dispatch)";
    #endif
    }
    """
    const char *EK_BUILD_TYPE
    const char *EK_C_COMPILER
    const char *EK_C_FLAGS
    const char *EK_CYTHON_VERSION
    int EK_SANITIZE
    const char *ek_simd_paths()


def build_info():
    """How this extension was compiled, and which vector path the rotation
    kernels take on this CPU."""
    return {"build_type": EK_BUILD_TYPE.decode(), "c_compiler": EK_C_COMPILER.decode(),
            "c_flags": EK_C_FLAGS.decode(), "cython": EK_CYTHON_VERSION.decode(),
            "sanitizers": bool(EK_SANITIZE), "rotation_kernels": ek_simd_paths().decode()}
