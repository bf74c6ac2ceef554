/*
 * bisection_internal.h -- what Sturm bisection (bisection.c) and inverse
 * iteration (inverse_iteration.c) share: T scaled by a power of two, its
 * unreduced blocks (LAPACK xSTEBZ's split test), and the eigenvalues of a
 * block in a window.  Not part of the kernel API.
 */
#ifndef EK_BISECTION_INTERNAL_H
#define EK_BISECTION_INTERNAL_H
/* Include after types.h: the names below carry the precision (EK()). */

#if defined(EK_PREC_S)
#define R_MAX FLT_MAX
#define R_MANT FLT_MANT_DIG
#define R_MAXEXP FLT_MAX_EXP
#define R_MINEXP FLT_MIN_EXP
#define R_ILOGB(x) ilogbf(x)
#define R_SCALBN(x, k) scalbnf(x, k)
#define R_COPYSIGN(x, y) copysignf(x, y)
#else
#define R_MAX DBL_MAX
#define R_MANT DBL_MANT_DIG
#define R_MAXEXP DBL_MAX_EXP
#define R_MINEXP DBL_MIN_EXP
#define R_ILOGB(x) ilogb(x)
#define R_SCALBN(x, k) scalbn(x, k)
#define R_COPYSIGN(x, y) copysign(x, y)
#endif

static inline real rmax(real a, real b) { return a > b ? a : b; }
static inline real rmin(real a, real b) { return a < b ? a : b; }
static inline int imin(int a, int b) { return a < b ? a : b; }
static inline int imax(int a, int b) { return a > b ? a : b; }

/* ---------------------------------------------------------------------- */
/* The scaled matrix                                                       */
/* ---------------------------------------------------------------------- */

/* T as the kernels see it: s T, s = 2^k, max |s T_ij| in [1, 2). */
typedef struct {
    const real *d, *e;
    int n;
    real s;       /* exact power of two */
    real pivmin;  /* safmin * max(1, max (s e_i)^2) */
    int finite;   /* 0 if d or e holds an Inf or NaN */
} tscaled;

/* 2^-ilogb(m), kept finite (m subnormal) -- multiplying by it is exact. */
static inline real power_of_two_scale(real m)
{
    if (m == 0)
        return 1;
    int k = -R_ILOGB(m);
    if (k > R_MAXEXP - 1)
        k = R_MAXEXP - 1;
    return R_SCALBN((real)1, k);
}

/* Max |d_i|, |e_i| of d[0:len], e[0:len-1]; *finite = 0 on Inf/NaN. */
static inline real max_entry(int len, const real *d, const real *e, int *finite)
{
    real m = 0;
    int ok = 1;
    for (int i = 0; i < len; i++) {
        real a = EK_FABS(d[i]), b = i + 1 < len ? EK_FABS(e[i]) : 0;
        ok &= (a <= R_MAX) & (b <= R_MAX);  /* false for Inf and NaN */
        m = rmax(m, rmax(a, b));
    }
    *finite = ok;
    return m;
}

static inline void scale_setup(tscaled *t, int n, const real *d, const real *e)
{
    t->d = d;
    t->e = e;
    t->n = n;
    real m = max_entry(n, d, e, &t->finite);
    t->s = t->finite ? power_of_two_scale(m) : 1;
    real emax = 0;
    for (int i = 0; i + 1 < n; i++)
        emax = rmax(emax, EK_FABS(e[i]) * t->s);
    t->pivmin = EK_SAFMIN * rmax(1, emax * emax);
}

/* e_i (between rows i and i+1) is negligible: xSTEBZ's split test, on sT. */
static inline int negligible(const tscaled *t, int i)
{
    real d0 = t->d[i] * t->s, d1 = t->d[i + 1] * t->s, ei = t->e[i] * t->s;
    return ei * ei < EK_EPS * EK_EPS * EK_FABS(d0 * d1) + EK_SAFMIN;
}

/* Last row of the unreduced block that starts at row p. */
static inline int block_end(const tscaled *t, int p)
{
    int q = p;
    while (q + 1 < t->n && !negligible(t, q))
        q++;
    return q;
}

/* One unreduced block of sT, rows p..p+len-1. */
typedef struct {
    const real *d, *e;  /* d[0:len], e[0:len-1], unscaled */
    int len;
    real s, pivmin;
    real atol;          /* scaled absolute tolerance */
    real gl, gu;        /* Gershgorin bounds of the scaled block, widened */
} tblock;

/* b: rows p..q of the scaled T, with its widened Gershgorin bounds and
 * tolerance (abstol <= 0: eps * max|Gershgorin bound|). */
void EK(bis_block_setup)(tblock *b, const tscaled *t, int p, int q, real abstol);
/* Counts of eigenvalues <= x[0], x[1] of s * tridiag(e, d, e) of order len. */
void EK(bis_sturm2)(int len, const real *d, const real *e, real s, real pivmin, const real *x,
                    int *cnt);
/* Eigenvalues of the block in (lo, hi] (scaled shifts), unscaled, into out
 * by rank; returns their number, never more than cap. */
int EK(bis_block_window)(const tblock *b, real lo, real hi, real *out, int cap);

#endif
