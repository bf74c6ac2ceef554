# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""Typed binding of the tridiagonal eigensolver driver (csrc/tridiagonal/):
implicit QR, divide and conquer, or bisection with inverse iteration.
"""
include "support.pxi"
include "declare_tridiagonal.pxi"

from . import common  # fills the kernels' BLAS table once, at import


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
