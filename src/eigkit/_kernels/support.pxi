# What every binding module shares: the scalar types, the selection of
# eigenpairs, workspace allocation and the mapping of kernel return codes
# to exceptions.  Included (not imported) so that the helpers inline.

cimport cython
from libc.stdlib cimport malloc, free
from libc.string cimport memcpy
from libc.stddef cimport ptrdiff_t, size_t
from libc.stdint cimport int64_t

import numpy as np
from numpy.linalg import LinAlgError

cdef extern from "common/selection.h":
    ctypedef struct ek_selection:
        int kind
        int il
        int iu
        double vl
        double vu
    int EK_SELECT_ALL, EK_SELECT_INDEX, EK_SELECT_VALUE
    int ek_selection_capacity(const ek_selection *sel, int n)

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


cdef void *_addr(object arr):
    """Address of the first element of a contiguous array that outlives the call."""
    cdef char[::1] b = arr.reshape(-1, order='A').view(np.uint8)
    return <void *>&b[0]


cdef const void *_const_addr(object arr):
    """Address of the first element of a contiguous array, read-only ones
    included, that outlives the call; NULL when it is empty."""
    if arr.size == 0:
        return NULL
    cdef const unsigned char[::1] b = arr.reshape(-1, order="A").view(np.uint8)
    return <const void *>&b[0]


cdef object _from_c(const void *ptr, Py_ssize_t n, Py_ssize_t ncols, object dtype):
    """A Fortran-ordered copy of the n x ncols block at ptr.  (Copies through
    memcpy: wrapping the pointer with np.asarray would run numpy's Python-level
    buffer parsing, where a Ctrl-C would surface as a ValueError.)"""
    out = np.empty((n, ncols), dtype=dtype, order='F')
    if n * ncols > 0:
        memcpy(_addr(out), ptr, <size_t>(n * ncols * dtype.itemsize))
    return out


cdef void _to_c(void *ptr, object arr, Py_ssize_t n, Py_ssize_t ncols, object dtype) except *:
    """Store the n x ncols array arr at ptr, Fortran order, in dtype."""
    src = np.asfortranarray(arr, dtype=dtype)
    if n * ncols > 0:
        memcpy(ptr, _const_addr(src), <size_t>(n * ncols * dtype.itemsize))
