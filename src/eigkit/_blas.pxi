# Filling the C kernels' BLAS/LAPACK table (csrc/blas.h) from SciPy's
# Cython BLAS, so that eigkit runs on exactly the library SciPy loaded.
# Included by every binding module: each extension carries its own copy of
# the kernels and so of the table, written once at import.

from scipy.linalg cimport cython_blas as _cb
from scipy.linalg cimport cython_lapack as _cl

cdef extern from "blas.h":
    ctypedef void (*ek_any_fn)() noexcept nogil
    int ek_blas_install(const char *name, ek_any_fn fn)
    const char *ek_blas_missing()


cdef void _install(const char *name, ek_any_fn fn) except *:
    if ek_blas_install(name, fn) != 0:
        raise ImportError(f"eigkit: the BLAS table has no entry {name.decode()}")


cdef _install_blas():
    _install(b"sgemm", <ek_any_fn>_cb.sgemm)
    _install(b"dgemm", <ek_any_fn>_cb.dgemm)
    _install(b"cgemm", <ek_any_fn>_cb.cgemm)
    _install(b"zgemm", <ek_any_fn>_cb.zgemm)
    _install(b"sgemv", <ek_any_fn>_cb.sgemv)
    _install(b"dgemv", <ek_any_fn>_cb.dgemv)
    _install(b"cgemv", <ek_any_fn>_cb.cgemv)
    _install(b"zgemv", <ek_any_fn>_cb.zgemv)
    _install(b"ssymv", <ek_any_fn>_cb.ssymv)
    _install(b"dsymv", <ek_any_fn>_cb.dsymv)
    _install(b"chemv", <ek_any_fn>_cb.chemv)
    _install(b"zhemv", <ek_any_fn>_cb.zhemv)
    _install(b"ssyr2k", <ek_any_fn>_cb.ssyr2k)
    _install(b"dsyr2k", <ek_any_fn>_cb.dsyr2k)
    _install(b"cher2k", <ek_any_fn>_cb.cher2k)
    _install(b"zher2k", <ek_any_fn>_cb.zher2k)
    _install(b"ssyrk", <ek_any_fn>_cb.ssyrk)
    _install(b"dsyrk", <ek_any_fn>_cb.dsyrk)
    _install(b"strmm", <ek_any_fn>_cb.strmm)
    _install(b"dtrmm", <ek_any_fn>_cb.dtrmm)
    _install(b"ctrmm", <ek_any_fn>_cb.ctrmm)
    _install(b"ztrmm", <ek_any_fn>_cb.ztrmm)
    _install(b"strsm", <ek_any_fn>_cb.strsm)
    _install(b"dtrsm", <ek_any_fn>_cb.dtrsm)
    _install(b"ctrsm", <ek_any_fn>_cb.ctrsm)
    _install(b"ztrsm", <ek_any_fn>_cb.ztrsm)
    _install(b"saxpy", <ek_any_fn>_cb.saxpy)
    _install(b"daxpy", <ek_any_fn>_cb.daxpy)
    _install(b"caxpy", <ek_any_fn>_cb.caxpy)
    _install(b"zaxpy", <ek_any_fn>_cb.zaxpy)
    _install(b"sscal", <ek_any_fn>_cb.sscal)
    _install(b"dscal", <ek_any_fn>_cb.dscal)
    _install(b"cscal", <ek_any_fn>_cb.cscal)
    _install(b"zscal", <ek_any_fn>_cb.zscal)
    _install(b"snrm2", <ek_any_fn>_cb.snrm2)
    _install(b"dnrm2", <ek_any_fn>_cb.dnrm2)
    _install(b"scnrm2", <ek_any_fn>_cb.scnrm2)
    _install(b"dznrm2", <ek_any_fn>_cb.dznrm2)
    _install(b"sswap", <ek_any_fn>_cb.sswap)
    _install(b"dswap", <ek_any_fn>_cb.dswap)
    _install(b"cswap", <ek_any_fn>_cb.cswap)
    _install(b"zswap", <ek_any_fn>_cb.zswap)
    _install(b"sger", <ek_any_fn>_cb.sger)
    _install(b"dger", <ek_any_fn>_cb.dger)
    _install(b"cgerc", <ek_any_fn>_cb.cgerc)
    _install(b"zgerc", <ek_any_fn>_cb.zgerc)
    _install(b"slarfg", <ek_any_fn>_cl.slarfg)
    _install(b"dlarfg", <ek_any_fn>_cl.dlarfg)
    _install(b"clarfg", <ek_any_fn>_cl.clarfg)
    _install(b"zlarfg", <ek_any_fn>_cl.zlarfg)
    _install(b"spotrf", <ek_any_fn>_cl.spotrf)
    _install(b"dpotrf", <ek_any_fn>_cl.dpotrf)
    _install(b"cpotrf", <ek_any_fn>_cl.cpotrf)
    _install(b"zpotrf", <ek_any_fn>_cl.zpotrf)
    _install(b"ssygst", <ek_any_fn>_cl.ssygst)
    _install(b"dsygst", <ek_any_fn>_cl.dsygst)
    _install(b"chegst", <ek_any_fn>_cl.chegst)
    _install(b"zhegst", <ek_any_fn>_cl.zhegst)
    _install(b"ssymm", <ek_any_fn>_cb.ssymm)
    _install(b"dsymm", <ek_any_fn>_cb.dsymm)
    _install(b"chemm", <ek_any_fn>_cb.chemm)
    _install(b"zhemm", <ek_any_fn>_cb.zhemm)
    _install(b"sgeqrt", <ek_any_fn>_cl.sgeqrt)
    _install(b"dgeqrt", <ek_any_fn>_cl.dgeqrt)
    _install(b"cgeqrt", <ek_any_fn>_cl.cgeqrt)
    _install(b"zgeqrt", <ek_any_fn>_cl.zgeqrt)
    missing = ek_blas_missing()
    if missing != NULL:
        raise ImportError(f"eigkit: BLAS routine {missing.decode()} was not installed")
