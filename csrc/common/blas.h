/*
 * blas.h -- the table of BLAS/LAPACK building blocks the kernels use.
 *
 * eigkit links no BLAS of its own.  When a binding module is imported it
 * fills this table with the entry points of scipy.linalg.cython_blas and
 * scipy.linalg.cython_lapack, so the kernels run on exactly the BLAS SciPy
 * uses.  The table is written once, at import, before any kernel can run,
 * and is read-only afterwards: it is configuration, not mutable state.
 *
 * The signatures are the Fortran ones SciPy exposes: every argument by
 * pointer, 32-bit integers.  Kernels never call the table directly; they
 * call the typed wrappers of types.h, which take arguments by value.
 */
#ifndef EK_BLAS_H
#define EK_BLAS_H

#include <complex.h>

typedef float _Complex ek_c;
typedef double _Complex ek_z;

/* X(name, return type, parameter list) for every routine in the table. */
#define EK_GEMM_P(T) (char *, char *, int *, int *, int *, T *, T *, int *, T *, int *, T *, T *, int *)
#define EK_GEMV_P(T) (char *, int *, int *, T *, T *, int *, T *, int *, T *, T *, int *)
#define EK_SYMV_P(T) (char *, int *, T *, T *, int *, T *, int *, T *, T *, int *)
#define EK_SYR2K_P(T, R) (char *, char *, int *, int *, T *, T *, int *, T *, int *, R *, T *, int *)
#define EK_SYRK_P(T) (char *, char *, int *, int *, T *, T *, int *, T *, T *, int *)
#define EK_TRXM_P(T) (char *, char *, char *, char *, int *, int *, T *, T *, int *, T *, int *)
#define EK_AXPY_P(T) (int *, T *, T *, int *, T *, int *)
#define EK_SCAL_P(A, T) (int *, A *, T *, int *)
#define EK_NRM2_P(T) (int *, T *, int *)
#define EK_SWAP_P(T) (int *, T *, int *, T *, int *)
#define EK_GER_P(T) (int *, int *, T *, T *, int *, T *, int *, T *, int *)
#define EK_LARFG_P(T) (int *, T *, T *, int *, T *)
#define EK_POTRF_P(T) (char *, int *, T *, int *, int *)
#define EK_SYGST_P(T) (int *, char *, int *, T *, int *, T *, int *, int *)
#define EK_SYMM_P(T) (char *, char *, int *, int *, T *, T *, int *, T *, int *, T *, T *, int *)
#define EK_GEQRT_P(T) (int *, int *, int *, T *, int *, T *, int *, T *, int *)

#define EK_BLAS_ROUTINES(X)                                              \
    X(sgemm, void, EK_GEMM_P(float))                                     \
    X(dgemm, void, EK_GEMM_P(double))                                    \
    X(cgemm, void, EK_GEMM_P(ek_c))                                      \
    X(zgemm, void, EK_GEMM_P(ek_z))                                      \
    X(sgemv, void, EK_GEMV_P(float))                                     \
    X(dgemv, void, EK_GEMV_P(double))                                    \
    X(cgemv, void, EK_GEMV_P(ek_c))                                      \
    X(zgemv, void, EK_GEMV_P(ek_z))                                      \
    X(ssymv, void, EK_SYMV_P(float))                                     \
    X(dsymv, void, EK_SYMV_P(double))                                    \
    X(chemv, void, EK_SYMV_P(ek_c))                                      \
    X(zhemv, void, EK_SYMV_P(ek_z))                                      \
    X(ssyr2k, void, EK_SYR2K_P(float, float))                            \
    X(dsyr2k, void, EK_SYR2K_P(double, double))                          \
    X(cher2k, void, EK_SYR2K_P(ek_c, float))                             \
    X(zher2k, void, EK_SYR2K_P(ek_z, double))                            \
    X(ssyrk, void, EK_SYRK_P(float))                                     \
    X(dsyrk, void, EK_SYRK_P(double))                                    \
    X(strmm, void, EK_TRXM_P(float))                                     \
    X(dtrmm, void, EK_TRXM_P(double))                                    \
    X(ctrmm, void, EK_TRXM_P(ek_c))                                      \
    X(ztrmm, void, EK_TRXM_P(ek_z))                                      \
    X(strsm, void, EK_TRXM_P(float))                                     \
    X(dtrsm, void, EK_TRXM_P(double))                                    \
    X(ctrsm, void, EK_TRXM_P(ek_c))                                      \
    X(ztrsm, void, EK_TRXM_P(ek_z))                                      \
    X(saxpy, void, EK_AXPY_P(float))                                     \
    X(daxpy, void, EK_AXPY_P(double))                                    \
    X(caxpy, void, EK_AXPY_P(ek_c))                                      \
    X(zaxpy, void, EK_AXPY_P(ek_z))                                      \
    X(sscal, void, EK_SCAL_P(float, float))                              \
    X(dscal, void, EK_SCAL_P(double, double))                            \
    X(cscal, void, EK_SCAL_P(ek_c, ek_c))                                \
    X(zscal, void, EK_SCAL_P(ek_z, ek_z))                                \
    X(snrm2, float, EK_NRM2_P(float))                                    \
    X(dnrm2, double, EK_NRM2_P(double))                                  \
    X(scnrm2, float, EK_NRM2_P(ek_c))                                    \
    X(dznrm2, double, EK_NRM2_P(ek_z))                                   \
    X(sswap, void, EK_SWAP_P(float))                                     \
    X(dswap, void, EK_SWAP_P(double))                                    \
    X(cswap, void, EK_SWAP_P(ek_c))                                      \
    X(zswap, void, EK_SWAP_P(ek_z))                                      \
    X(sger, void, EK_GER_P(float))                                       \
    X(dger, void, EK_GER_P(double))                                      \
    X(cgerc, void, EK_GER_P(ek_c))                                       \
    X(zgerc, void, EK_GER_P(ek_z))                                       \
    X(slarfg, void, EK_LARFG_P(float))                                   \
    X(dlarfg, void, EK_LARFG_P(double))                                  \
    X(clarfg, void, EK_LARFG_P(ek_c))                                    \
    X(zlarfg, void, EK_LARFG_P(ek_z))                                    \
    X(spotrf, void, EK_POTRF_P(float))                                   \
    X(dpotrf, void, EK_POTRF_P(double))                                  \
    X(cpotrf, void, EK_POTRF_P(ek_c))                                    \
    X(zpotrf, void, EK_POTRF_P(ek_z))                                    \
    X(ssygst, void, EK_SYGST_P(float))                                   \
    X(dsygst, void, EK_SYGST_P(double))                                  \
    X(chegst, void, EK_SYGST_P(ek_c))                                    \
    X(zhegst, void, EK_SYGST_P(ek_z))                                    \
    X(ssymm, void, EK_SYMM_P(float))                                     \
    X(dsymm, void, EK_SYMM_P(double))                                    \
    X(chemm, void, EK_SYMM_P(ek_c))                                      \
    X(zhemm, void, EK_SYMM_P(ek_z))                                      \
    X(sgeqrt, void, EK_GEQRT_P(float))                                   \
    X(dgeqrt, void, EK_GEQRT_P(double))                                  \
    X(cgeqrt, void, EK_GEQRT_P(ek_c))                                    \
    X(zgeqrt, void, EK_GEQRT_P(ek_z))

/* The table: one typed function pointer per routine. */
#define EK_BLAS_FIELD(name, ret, params) ret (*name) params;
typedef struct ek_blas_table {
    EK_BLAS_ROUTINES(EK_BLAS_FIELD)
} ek_blas_table;
#undef EK_BLAS_FIELD

extern ek_blas_table ek_blas;

/* A function pointer of no particular type, for handing routines over. */
typedef void (*ek_any_fn)(void);

/* Store routine `name`; returns 0, or -1 if the table has no such entry. */
int ek_blas_install(const char *name, ek_any_fn fn);

/* The name of the first routine not yet installed, or NULL when complete. */
const char *ek_blas_missing(void);

#endif
