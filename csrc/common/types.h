/*
 * types.h -- the scalar type a kernel file is compiled for (LAPACK's S, D,
 * C, Z precisions) and its machine parameters (xLAMCH).
 *
 * Every kernel file is written once, for a generic `scalar` (the matrix
 * entries) and `real` (its real part: eigenvalues, norms, the tridiagonal
 * T), and compiled once per precision with exactly one of
 *     EK_PREC_S  float            EK_PREC_C  float complex
 *     EK_PREC_D  double           EK_PREC_Z  double complex
 * defined.  EK(name) gives the exported symbol ek_<p>_name, and
 * EK_REAL(name) the symbol of the real precision underneath, so a complex
 * driver can call the real tridiagonal solvers.
 *
 * The x-prefixed inline wrappers below call the BLAS table (blas.h) with
 * arguments by value; for real types the Hermitian routines are the
 * symmetric ones, so one text serves both.
 */
#ifndef EK_TYPES_H
#define EK_TYPES_H

#include <complex.h>
#include <float.h>
#include <math.h>
#include <stddef.h>
#include "common/blas.h"

#define EK_CAT_(a, b) a##b
#define EK_CAT(a, b) EK_CAT_(a, b)

#if defined(EK_PREC_S)
typedef float scalar;
typedef float real;
#define EK_P s
#define EK_RP s
#define EK_IS_COMPLEX 0
#elif defined(EK_PREC_D)
typedef double scalar;
typedef double real;
#define EK_P d
#define EK_RP d
#define EK_IS_COMPLEX 0
#elif defined(EK_PREC_C)
typedef float _Complex scalar;
typedef float real;
#define EK_P c
#define EK_RP s
#define EK_IS_COMPLEX 1
#elif defined(EK_PREC_Z)
typedef double _Complex scalar;
typedef double real;
#define EK_P z
#define EK_RP d
#define EK_IS_COMPLEX 1
#else
#error "compile with one of EK_PREC_S, EK_PREC_D, EK_PREC_C, EK_PREC_Z"
#endif

#define EK(name) EK_CAT(EK_CAT(ek_, EK_P), EK_CAT(_, name))
#define EK_REAL(name) EK_CAT(EK_CAT(ek_, EK_RP), EK_CAT(_, name))
#define EK_BLAS(name) (ek_blas.EK_CAT(EK_P, name))
#define EK_BLAS_R(name) (ek_blas.EK_CAT(EK_RP, name))

/* Machine parameters of `real` (LAPACK's dlamch: eps is the unit roundoff
 * times 2, i.e. the spacing of numbers near 1, as numpy's finfo.eps). */
#if defined(EK_PREC_S) || defined(EK_PREC_C)
#define EK_EPS FLT_EPSILON
#define EK_SAFMIN FLT_MIN
#define EK_REAL_MAX FLT_MAX
#define EK_SQRT(x) sqrtf(x)
#define EK_FABS(x) fabsf(x)
#define EK_HYPOT(x, y) hypotf(x, y)
#else
#define EK_EPS DBL_EPSILON
#define EK_SAFMIN DBL_MIN
#define EK_REAL_MAX DBL_MAX
#define EK_SQRT(x) sqrt(x)
#define EK_FABS(x) fabs(x)
#define EK_HYPOT(x, y) hypot(x, y)
#endif

/* Scalar helpers: for real types they reduce to the identity / fabs. */
#if EK_IS_COMPLEX
#if defined(EK_PREC_C)
#define EK_CONJ(x) conjf(x)
#define EK_RE(x) crealf(x)
#define EK_IM(x) cimagf(x)
#define EK_ABS(x) cabsf(x)
#else
#define EK_CONJ(x) conj(x)
#define EK_RE(x) creal(x)
#define EK_IM(x) cimag(x)
#define EK_ABS(x) cabs(x)
#endif
#define EK_ABS1(x) (EK_FABS(EK_RE(x)) + EK_FABS(EK_IM(x)))
#else
#define EK_CONJ(x) (x)
#define EK_RE(x) (x)
#define EK_IM(x) ((real)0)
#define EK_ABS(x) EK_FABS(x)
#define EK_ABS1(x) EK_FABS(x)
#endif

/* ---- BLAS level 1 ---- */
static inline void xaxpy(int n, scalar alpha, const scalar *x, int incx, scalar *y, int incy)
{ EK_BLAS(axpy)(&n, &alpha, (scalar *)x, &incx, y, &incy); }

static inline void xscal(int n, scalar alpha, scalar *x, int incx)
{ EK_BLAS(scal)(&n, &alpha, x, &incx); }

static inline void xswap(int n, scalar *x, int incx, scalar *y, int incy)
{ EK_BLAS(swap)(&n, x, &incx, y, &incy); }

#if EK_IS_COMPLEX
#if defined(EK_PREC_C)
static inline real xnrm2(int n, const scalar *x, int incx)
{ return ek_blas.scnrm2(&n, (scalar *)x, &incx); }
#else
static inline real xnrm2(int n, const scalar *x, int incx)
{ return ek_blas.dznrm2(&n, (scalar *)x, &incx); }
#endif
#else
static inline real xnrm2(int n, const scalar *x, int incx)
{ return EK_BLAS(nrm2)(&n, (scalar *)x, &incx); }
#endif

/* conj(x)^T y, computed here: complex-valued BLAS functions have no
 * portable calling convention. */
static inline scalar xdotc(int n, const scalar *x, int incx, const scalar *y, int incy)
{
    scalar s = 0;
    for (int i = 0; i < n; i++)
        s += EK_CONJ(x[(size_t)i * incx]) * y[(size_t)i * incy];
    return s;
}

/* ---- BLAS level 2 ---- */
static inline void xgemv(char trans, int m, int n, scalar alpha, const scalar *a, int lda,
                         const scalar *x, int incx, scalar beta, scalar *y, int incy)
{ EK_BLAS(gemv)(&trans, &m, &n, &alpha, (scalar *)a, &lda, (scalar *)x, &incx, &beta, y, &incy); }

#if EK_IS_COMPLEX
static inline void xhemv(char uplo, int n, scalar alpha, const scalar *a, int lda,
                         const scalar *x, int incx, scalar beta, scalar *y, int incy)
{ EK_BLAS(hemv)(&uplo, &n, &alpha, (scalar *)a, &lda, (scalar *)x, &incx, &beta, y, &incy); }

static inline void xger(int m, int n, scalar alpha, const scalar *x, int incx,
                        const scalar *y, int incy, scalar *a, int lda)
{ EK_BLAS(gerc)(&m, &n, &alpha, (scalar *)x, &incx, (scalar *)y, &incy, a, &lda); }

static inline void xher2k(char uplo, char trans, int n, int k, scalar alpha, const scalar *a, int lda,
                          const scalar *b, int ldb, real beta, scalar *c, int ldc)
{ EK_BLAS(her2k)(&uplo, &trans, &n, &k, &alpha, (scalar *)a, &lda, (scalar *)b, &ldb, &beta, c, &ldc); }

static inline void xhegst(int itype, char uplo, int n, scalar *a, int lda, const scalar *b, int ldb, int *info)
{ EK_BLAS(hegst)(&itype, &uplo, &n, a, &lda, (scalar *)b, &ldb, info); }

static inline void xhemm(char side, char uplo, int m, int n, scalar alpha, const scalar *a, int lda,
                         const scalar *b, int ldb, scalar beta, scalar *c, int ldc)
{ EK_BLAS(hemm)(&side, &uplo, &m, &n, &alpha, (scalar *)a, &lda, (scalar *)b, &ldb, &beta, c, &ldc); }
#else
static inline void xhemv(char uplo, int n, scalar alpha, const scalar *a, int lda,
                         const scalar *x, int incx, scalar beta, scalar *y, int incy)
{ EK_BLAS(symv)(&uplo, &n, &alpha, (scalar *)a, &lda, (scalar *)x, &incx, &beta, y, &incy); }

static inline void xger(int m, int n, scalar alpha, const scalar *x, int incx,
                        const scalar *y, int incy, scalar *a, int lda)
{ EK_BLAS(ger)(&m, &n, &alpha, (scalar *)x, &incx, (scalar *)y, &incy, a, &lda); }

static inline void xher2k(char uplo, char trans, int n, int k, scalar alpha, const scalar *a, int lda,
                          const scalar *b, int ldb, real beta, scalar *c, int ldc)
{ EK_BLAS(syr2k)(&uplo, &trans, &n, &k, &alpha, (scalar *)a, &lda, (scalar *)b, &ldb, &beta, c, &ldc); }

static inline void xhegst(int itype, char uplo, int n, scalar *a, int lda, const scalar *b, int ldb, int *info)
{ EK_BLAS(sygst)(&itype, &uplo, &n, a, &lda, (scalar *)b, &ldb, info); }

static inline void xhemm(char side, char uplo, int m, int n, scalar alpha, const scalar *a, int lda,
                         const scalar *b, int ldb, scalar beta, scalar *c, int ldc)
{ EK_BLAS(symm)(&side, &uplo, &m, &n, &alpha, (scalar *)a, &lda, (scalar *)b, &ldb, &beta, c, &ldc); }
#endif

/* ---- BLAS level 3 ---- */
static inline void xgemm(char ta, char tb, int m, int n, int k, scalar alpha, const scalar *a, int lda,
                         const scalar *b, int ldb, scalar beta, scalar *c, int ldc)
{ EK_BLAS(gemm)(&ta, &tb, &m, &n, &k, &alpha, (scalar *)a, &lda, (scalar *)b, &ldb, &beta, c, &ldc); }

static inline void xtrmm(char side, char uplo, char ta, char diag, int m, int n, scalar alpha,
                         const scalar *a, int lda, scalar *b, int ldb)
{ EK_BLAS(trmm)(&side, &uplo, &ta, &diag, &m, &n, &alpha, (scalar *)a, &lda, b, &ldb); }

static inline void xtrsm(char side, char uplo, char ta, char diag, int m, int n, scalar alpha,
                         const scalar *a, int lda, scalar *b, int ldb)
{ EK_BLAS(trsm)(&side, &uplo, &ta, &diag, &m, &n, &alpha, (scalar *)a, &lda, b, &ldb); }

/* ---- LAPACK building blocks ---- */
static inline void xlarfg(int n, scalar *alpha, scalar *x, int incx, scalar *tau)
{ EK_BLAS(larfg)(&n, alpha, x, &incx, tau); }

/* QR of the m x n matrix a with k-column blocks (xGEQRT); t (ldt x min(m,n))
 * receives the triangular factors of the blocks, work k n scalars. */
static inline void xgeqrt(int m, int n, int k, scalar *a, int lda, scalar *t, int ldt, scalar *work, int *info)
{ EK_BLAS(geqrt)(&m, &n, &k, a, &lda, t, &ldt, work, info); }

static inline void xpotrf(char uplo, int n, scalar *a, int lda, int *info)
{ EK_BLAS(potrf)(&uplo, &n, a, &lda, info); }

/* Column-major element access. */
#define EK_AT(a, lda, i, j) ((a)[(size_t)(j) * (size_t)(lda) + (size_t)(i)])

#endif
