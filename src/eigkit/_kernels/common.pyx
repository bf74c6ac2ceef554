# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The kernels' BLAS/LAPACK table and what the build was (its options and
compiled tunables).

At import this module fills the table of building blocks that every C
kernel calls through (csrc/common/blas.h) with the entry points of
scipy.linalg.cython_blas and cython_lapack, so that eigkit runs on exactly
the BLAS SciPy loaded.  The kernels live in one shared library; every
other binding module imports this one first, so the table is written once,
under the import lock, before any kernel can run.
"""
from scipy.linalg cimport cython_blas as _cb
from scipy.linalg cimport cython_lapack as _cl

cdef extern from "common/blas.h":
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


_install_blas()


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
    #include "common/target_clones.h"
    #include "common/thread.h"
    static const char *ek_simd_paths(void) {
    #if EK_HAVE_CLONES
        if (__builtin_cpu_supports("avx512f")) return "avx512f (of avx512f, avx2, fma, baseline)";
        if (__builtin_cpu_supports("avx2")) return "avx2 (of avx512f, avx2, fma, baseline)";
        if (__builtin_cpu_supports("fma")) return "fma (of avx512f, avx2, fma, baseline)";
        return "baseline (of avx512f, avx2, fma, baseline)";
    #else
        return "baseline (one copy, no run-time dispatch)";
    #endif
    }
    static const char *ek_thread_api(void) {
    #if defined(EK_THREADS_WIN32)
        return "win32";
    #elif defined(EK_THREADS_POSIX)
        return "posix";
    #else
        return "none (every kernel runs on the calling thread)";
    #endif
    }
    """
    const char *EK_BUILD_TYPE
    const char *EK_C_COMPILER
    const char *EK_C_FLAGS
    const char *EK_CYTHON_VERSION
    int EK_SANITIZE
    const char *ek_simd_paths()
    const char *ek_thread_api()

def build_info():
    """How this extension was compiled, which vector path the kernels take
    on this CPU, and which threads they start."""
    return {"build_type": EK_BUILD_TYPE.decode(), "c_compiler": EK_C_COMPILER.decode(),
            "c_flags": EK_C_FLAGS.decode(), "cython": EK_CYTHON_VERSION.decode(),
            "sanitizers": bool(EK_SANITIZE), "rotation_kernels": ek_simd_paths().decode(),
            "kernel_threads": ek_thread_api().decode()}


cdef extern from "common/tuning.h":
    ctypedef struct ek_tunable:
        const char *name
        const char *unit
        const char *decides
        long long value
    const ek_tunable *ek_compiled_tunables(int *count)

def compiled_tunables():
    """The compiled tunables of the C kernels as this build set them (the
    defaults of csrc/common/tuning.h unless the build was given
    EIGKIT_C_TUNING): a list of dicts with keys name, value, unit,
    decides and where."""
    cdef int count = 0
    cdef const ek_tunable *t = ek_compiled_tunables(&count)
    return [{"name": t[i].name.decode(), "value": int(t[i].value), "unit": t[i].unit.decode(),
             "decides": t[i].decides.decode(), "where": "csrc/common/tuning.h"}
            for i in range(count)]
