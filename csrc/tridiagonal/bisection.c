/*
 * bisection.c -- selected eigenpairs of a real symmetric tridiagonal
 * T = tridiag(e, d, e) of order n: Sturm-count bisection for eigenvalues,
 * inverse iteration for eigenvectors.
 *
 * Facts used (the code is our own):
 *  - Sturm count.  The number of eigenvalues of T below x equals the number
 *    of negative pivots q_i of the LDL^T factorisation of T - xI,
 *        q_0 = d_0 - x,   q_i = (d_i - x) - e_{i-1}^2 / q_{i-1},
 *    and in IEEE arithmetic the computed count is the exact count of a
 *    matrix within a few ulps of T (Kahan 1966; Demmel, Dhillon and Ren
 *    1995).  A pivot smaller in magnitude than pivmin = safmin * max(1,
 *    max e_i^2) is replaced by -pivmin, so no division by zero or
 *    overflow happens (LAPACK xLAEBZ).  With that rule a pivot that is
 *    exactly zero counts as negative: the count is that of eigenvalues
 *    <= x, which makes value intervals half-open (vl, vu].
 *  - Everything is computed for s T with s a power of two (exact) chosen so
 *    that max |T_ij| lies in [1, 2): e_i^2 can neither overflow nor
 *    underflow into importance, at either end of the exponent range.
 *  - T splits into unreduced blocks where e_i^2 < eps^2 |d_i d_{i+1}| +
 *    safmin (xSTEBZ's relative criterion); those e_i are taken as 0.
 *  - Eigenvalues are refined by multisection: each pass over a block
 *    evaluates EK_LANES shifts at once (independent recurrences, so the
 *    divisions pipeline), shared among all intervals still open; an
 *    interval is done when hi - lo <= max(abstol, pivmin,
 *    2 eps max(|lo|, |hi|)), with abstol <= 0 meaning eps * max|Gershgorin
 *    bound| of the block (xSTEBZ's default).
 *  - Eigenvectors: inverse iteration as in xSTEIN: T - xI = P L U with
 *    partial pivoting (U has two superdiagonals, as xLAGTF), tiny pivots of
 *    U raised to eps max|U| in the solves (xLAGTS), the right-hand side
 *    rescaled before each solve so convergence is seen in ||x||_inf, at
 *    most 5 iterations with 2 more after the test passes, and Gram-Schmidt
 *    against the vectors already computed in the same cluster
 *    (eigenvalues less than 1e-3 ||T_block||_1 apart).
 * No global state, no allocation: workspace comes from the caller.
 */
#include <string.h>
#include "common/types.h"
#include "tridiagonal/bisection.h"

/* ---------------------------------------------------------------------- */
/* Precision-dependent constants                                           */
/* ---------------------------------------------------------------------- */
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

/* Shifts evaluated per pass over the matrix (eight 16-byte vectors). */
#define EK_LANES (128 / (int)sizeof(real))
/* Eigenvalue indices refined together (bounds the interval list). */
#define EK_CHUNK 128
/* Bisection passes can never exceed this: each pass at least halves an
 * interval of scaled width <= 2^4, and the tolerance is >= safmin. */
#define EK_MAXPASS (R_MANT - R_MINEXP + 16)
/* Inverse iteration: at most 5 solves, 2 more after the growth test. */
#define EK_MAXITS 5
#define EK_EXTRA 2

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
static real power_of_two_scale(real m)
{
    if (m == 0)
        return 1;
    int k = -R_ILOGB(m);
    if (k > R_MAXEXP - 1)
        k = R_MAXEXP - 1;
    return R_SCALBN((real)1, k);
}

/* Max |d_i|, |e_i| of d[0:len], e[0:len-1]; *finite = 0 on Inf/NaN. */
static real max_entry(int len, const real *d, const real *e, int *finite)
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

static void scale_setup(tscaled *t, int n, const real *d, const real *e)
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
static int block_end(const tscaled *t, int p)
{
    int q = p;
    while (q + 1 < t->n && !negligible(t, q))
        q++;
    return q;
}

/* ---------------------------------------------------------------------- */
/* Sturm counts                                                            */
/* ---------------------------------------------------------------------- */

/* Counts of eigenvalues <= x[k] of s * tridiag(e, d, e) of order len, for
 * L shifts at once (L is a constant after inlining).  Recurrence and
 * pivmin rule: see the file header. */
#if defined(__GNUC__)
#define EK_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define EK_ALWAYS_INLINE inline
#endif

static EK_ALWAYS_INLINE void
sturm_kernel(int L, int len, const real *d, const real *e, real s, real pivmin,
             const real *x, int *cnt)
{
    real q[EK_LANES];
    int c[EK_LANES];
    real d0 = d[0] * s;
    for (int k = 0; k < L; k++) {
        real u = d0 - x[k];
        u = EK_FABS(u) < pivmin ? -pivmin : u;
        q[k] = u;
        c[k] = u < 0;
    }
    for (int i = 1; i < len; i++) {
        real di = d[i] * s, ei = e[i - 1] * s, e2 = ei * ei;
        for (int k = 0; k < L; k++) {
            real u = (di - x[k]) - e2 / q[k];
            u = EK_FABS(u) < pivmin ? -pivmin : u;
            q[k] = u;
            c[k] += u < 0;
        }
    }
    for (int k = 0; k < L; k++)
        cnt[k] = c[k];
}

static void sturm_1(int len, const real *d, const real *e, real s, real pivmin, const real *x,
                    int *cnt)
{ sturm_kernel(1, len, d, e, s, pivmin, x, cnt); }

static void sturm_2(int len, const real *d, const real *e, real s, real pivmin, const real *x,
                    int *cnt)
{ sturm_kernel(2, len, d, e, s, pivmin, x, cnt); }

#if defined(__GNUC__)
/* The same recurrence on GCC/Clang vector types (16-byte vectors, lowered
 * to whatever the target has), EK_LANES shifts in EK_NV vectors: the
 * divisions of independent shifts overlap.  Same IEEE operations in the
 * same order as sturm_kernel, so the counts agree exactly.  |u| < pivmin
 * is -pivmin < u < pivmin; comparisons give -1 per true lane. */
typedef real vreal __attribute__((vector_size(16)));
typedef __typeof__((vreal){0} < (vreal){0}) vmask;  /* integer lanes, same width */
#define EK_NV (EK_LANES * (int)sizeof(real) / 16)

static inline vreal guard_pivot(vreal u, vreal pm)
{
    vmask tiny = (u < pm) & (u > -pm);
    return (vreal)(((vmask)u & ~tiny) | ((vmask)(-pm) & tiny));
}

static void sturm_lanes(int len, const real *d, const real *e, real s, real pivmin,
                        const real *x, int *cnt)
{
    vreal q[EK_NV], xv[EK_NV], pm = (vreal){0} + pivmin;
    vmask c[EK_NV];
    memcpy(xv, x, sizeof xv);
    real d0 = d[0] * s;
    for (int v = 0; v < EK_NV; v++) {
        q[v] = guard_pivot(d0 - xv[v], pm);
        c[v] = q[v] < 0;
    }
    for (int i = 1; i < len; i++) {
        real di = d[i] * s, ei = e[i - 1] * s, e2 = ei * ei;
        for (int v = 0; v < EK_NV; v++) {
            q[v] = guard_pivot((di - xv[v]) - e2 / q[v], pm);
            c[v] += q[v] < 0;
        }
    }
    for (int v = 0; v < EK_NV; v++)
        for (int k = 0; k < 16 / (int)sizeof(real); k++)
            cnt[v * (16 / (int)sizeof(real)) + k] = (int)-c[v][k];
}
#else
static void sturm_lanes(int len, const real *d, const real *e, real s, real pivmin,
                        const real *x, int *cnt)
{ sturm_kernel(EK_LANES, len, d, e, s, pivmin, x, cnt); }
#endif

/* Counts at EK_LANES shifts for the whole (split) T: the sum over blocks. */
static void global_counts(const tscaled *t, const real *x, int *cnt)
{
    int c[EK_LANES];
    for (int k = 0; k < EK_LANES; k++)
        cnt[k] = 0;
    for (int p = 0, q; p < t->n; p = q + 1) {
        q = block_end(t, p);
        sturm_lanes(q - p + 1, t->d + p, t->e + p, t->s, t->pivmin, x, c);
        for (int k = 0; k < EK_LANES; k++)
            cnt[k] += c[k];
    }
}

int EK(sturm_count)(int n, const real *d, const real *e, real x)
{
    if (n <= 0)
        return 0;
    tscaled t;
    scale_setup(&t, n, d, e);
    real xs = x * t.s;
    int c;
    sturm_1(n, d, e, t.s, t.pivmin, &xs, &c);
    return c;
}

/* ---------------------------------------------------------------------- */
/* Bisection inside one unreduced block                                    */
/* ---------------------------------------------------------------------- */

/* One unreduced block of sT, rows p..p+len-1. */
typedef struct {
    const real *d, *e;  /* d[0:len], e[0:len-1], unscaled */
    int len;
    real s, pivmin;
    real atol;          /* scaled absolute tolerance */
    real gl, gu;        /* Gershgorin bounds of the scaled block, widened */
} tblock;

/* (lo, hi] holds the eigenvalues of rank nlo..nhi-1 (0-based, ascending). */
typedef struct {
    real lo, hi;
    int nlo, nhi;
} ival;

/* Gershgorin interval of the scaled block, widened as xSTEBZ does
 * (2.1 (n eps ||T|| + 2 pivmin)) so the counts there are 0 and len. */
static void gershgorin(tblock *b)
{
    real lo = R_MAX, hi = -R_MAX;
    for (int i = 0; i < b->len; i++) {
        real r = ((i > 0 ? EK_FABS(b->e[i - 1]) : 0) + (i + 1 < b->len ? EK_FABS(b->e[i]) : 0)) * b->s;
        real di = b->d[i] * b->s;
        lo = rmin(lo, di - r);
        hi = rmax(hi, di + r);
    }
    real tn = rmax(EK_FABS(lo), EK_FABS(hi));
    real fudge = (real)2.1 * (b->len * EK_EPS * tn + 2 * b->pivmin);
    b->gl = lo - fudge;
    b->gu = hi + fudge;
}

static void block_setup(tblock *b, const tscaled *t, int p, int q, real abstol)
{
    b->d = t->d + p;
    b->e = t->e + p;
    b->len = q - p + 1;
    b->s = t->s;
    b->pivmin = t->pivmin;
    gershgorin(b);
    real tn = rmax(EK_FABS(b->gl), EK_FABS(b->gu));
    b->atol = abstol > 0 ? abstol * t->s : EK_EPS * tn;
}

/* Converged: hi - lo <= max(atol, pivmin, 2 eps max(|lo|, |hi|)). */
static inline int narrow_enough(real lo, real hi, real atol, real pivmin)
{
    real tol = rmax(rmax(atol, pivmin), 2 * EK_EPS * rmax(EK_FABS(lo), EK_FABS(hi)));
    return hi - lo <= tol;
}

/* State of one chunk of ranks [r0, r1) being refined inside a block. */
typedef struct {
    const tblock *b;
    int r0, r1;      /* ranks kept in the interval list */
    int rlast;       /* ranks >= rlast are never written */
    int rfirst;      /* out[r - rfirst] receives rank r */
    real *out;
    int top;         /* 1 + highest rank written so far (>= r1 once done) */
    real nextlo;     /* largest shift seen with count <= r1 ... */
    int nextn;       /* ... and that count */
} tchunk;

/* Write midpoint(iv) (unscaled) for its ranks not yet written. */
static void emit(tchunk *c, real lo, real hi, int nlo, int nhi)
{
    real v = (lo + (hi - lo) / 2) / c->b->s;
    int a = imax(nlo, c->r0), z = imin(nhi, c->rlast);
    for (int r = a; r < z; r++)
        c->out[r - c->rfirst] = v;
    c->top = imax(c->top, z);
}

/* A sub-interval (lo, hi] from a multisection: keep it if it holds ranks
 * of the chunk, write it if narrow enough, else append it to nxt. */
static void settle(tchunk *c, real lo, real hi, int nlo, int nhi, ival *nxt, int *nn)
{
    if (nhi <= c->r1 && hi > c->nextlo) {
        c->nextlo = hi;
        c->nextn = nhi;
    }
    if (nhi <= nlo || nhi <= c->r0 || nlo >= c->r1)
        return;
    if (narrow_enough(lo, hi, c->b->atol, c->b->pivmin)) {
        emit(c, lo, hi, nlo, nhi);
        return;
    }
    nxt[(*nn)++] = (ival){lo, hi, nlo, nhi};
}

/* One pass: up to EK_LANES intervals cur[0:g] share EK_LANES shifts
 * (interval i gets p_i >= 1 equally spaced points), one Sturm pass, and
 * every interval is replaced by its p_i + 1 pieces.  Counts are clamped
 * monotone, so even a non-monotone count could not lose a rank. */
/* Points per interval: one each, the rest one at a time to the interval
 * that would stay widest relative to its tolerance, width / (tol (p+1)),
 * so that the last interval to converge gets the most help. */
static void share_points(const tchunk *c, const ival *cur, int g, int *np)
{
    real ratio[EK_LANES];
    for (int i = 0; i < g; i++) {
        real tol = rmax(rmax(c->b->atol, c->b->pivmin),
                        2 * EK_EPS * rmax(EK_FABS(cur[i].lo), EK_FABS(cur[i].hi)));
        ratio[i] = (cur[i].hi - cur[i].lo) / tol;
        np[i] = 1;
    }
    for (int extra = EK_LANES - g; extra > 0; extra--) {
        int best = 0;
        for (int i = 1; i < g; i++)
            if (ratio[i] * (real)(np[best] + 1) > ratio[best] * (real)(np[i] + 1))
                best = i;
        np[best]++;
    }
}

static void multisect(tchunk *c, const ival *cur, int g, ival *nxt, int *nn)
{
    real x[EK_LANES];
    int cnt[EK_LANES], np[EK_LANES], k = 0;
    share_points(c, cur, g, np);
    for (int i = 0; i < g; i++) {
        real step = (cur[i].hi - cur[i].lo) / (real)(np[i] + 1);
        for (int t = 1; t <= np[i]; t++)
            x[k++] = cur[i].lo + (real)t * step;
    }
    sturm_lanes(c->b->len, c->b->d, c->b->e, c->b->s, c->b->pivmin, x, cnt);
    k = 0;
    for (int i = 0; i < g; i++) {
        real lo = cur[i].lo;
        int nlo = cur[i].nlo;
        for (int t = 0; t < np[i]; t++, k++) {
            int ct = imin(imax(cnt[k], nlo), cur[i].nhi);
            settle(c, lo, x[k], nlo, ct, nxt, nn);
            lo = x[k];
            nlo = ct;
        }
        settle(c, lo, cur[i].hi, nlo, cur[i].nhi, nxt, nn);
    }
}

/* Refine the ranks [c->r0, c->r1) starting from one interval.  At most
 * r1 - r0 <= EK_CHUNK intervals are open at a time (each holds a rank of
 * the chunk, and they are disjoint). */
static void refine_chunk(tchunk *c, ival start)
{
    ival bufa[EK_CHUNK], bufb[EK_CHUNK];
    ival *cur = bufa, *nxt = bufb;
    int na = 0;
    settle(c, start.lo, start.hi, start.nlo, start.nhi, cur, &na);
    for (int pass = 0; na > 0; pass++) {
        if (pass >= EK_MAXPASS) {  /* cannot happen; bounds the loop anyway */
            for (int i = 0; i < na; i++)
                emit(c, cur[i].lo, cur[i].hi, cur[i].nlo, cur[i].nhi);
            break;
        }
        int nn = 0;
        for (int g = 0; g < na; g += EK_LANES)
            multisect(c, cur + g, imin(EK_LANES, na - g), nxt, &nn);
        ival *tmp = cur;
        cur = nxt;
        nxt = tmp;
        na = nn;
    }
}

/* Eigenvalues of block b of ranks [rfirst, rlast) into out[0 : rlast -
 * rfirst], ascending, unscaled.  iv = (lo, hi] with iv.nlo <= rfirst and
 * iv.nhi >= rlast (counts of the block at lo and hi). */
static void bisect_block(const tblock *b, ival iv, int rfirst, int rlast, real *out)
{
    if (b->len == 1) {  /* a 1 x 1 block is its own eigenvalue */
        if (rfirst < rlast)
            out[0] = b->d[0];
        return;
    }
    tchunk c = {b, rfirst, rfirst, rlast, rfirst, out, rfirst, iv.lo, iv.nlo};
    while (c.r0 < rlast) {
        c.r1 = imin(c.r0 + EK_CHUNK, rlast);
        c.top = c.r1;
        c.nextlo = iv.lo;
        c.nextn = iv.nlo;
        refine_chunk(&c, iv);
        /* the next chunk starts above everything written */
        iv.lo = c.nextlo;
        iv.nlo = c.nextn;
        c.r0 = imax(c.r1, c.top);
    }
}

/* Counts of block b at two shifts. */
static void block_counts2(const tblock *b, real x0, real x1, int *c0, int *c1)
{
    real x[2] = {x0, x1};
    int c[2];
    sturm_2(b->len, b->d, b->e, b->s, b->pivmin, x, c);
    *c0 = c[0];
    *c1 = c[1];
}

/* Eigenvalues of the block in (lo, hi] (scaled shifts) into out; returns
 * their number, never more than cap. */
static int block_window(const tblock *b, real lo, real hi, real *out, int cap)
{
    if (b->gu <= lo || b->gl > hi)
        return 0;
    ival iv = {rmax(lo, b->gl), rmin(hi, b->gu), 0, 0};
    if (!(iv.lo < iv.hi))
        return 0;
    block_counts2(b, iv.lo, iv.hi, &iv.nlo, &iv.nhi);
    int k = imin(iv.nhi - iv.nlo, cap);
    if (k <= 0)
        return 0;
    bisect_block(b, iv, iv.nlo, iv.nlo + k, out);
    return k;
}

/* All eigenvalues of the split T in (lo, hi] (scaled), block by block, in
 * block order (not sorted); returns how many, at most cap. */
static int window_eigenvalues(const tscaled *t, real abstol, real lo, real hi, real *out, int cap)
{
    int m = 0;
    for (int p = 0, q; p < t->n && m < cap; p = q + 1) {
        q = block_end(t, p);
        tblock b;
        block_setup(&b, t, p, q, abstol);
        m += block_window(&b, lo, hi, out + m, cap - m);
    }
    return m;
}

/* In-place heapsort, ascending (block results interleave). */
static void sift_down(real *a, int root, int n)
{
    for (;;) {
        int child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && a[child + 1] > a[child])
            child++;
        if (!(a[child] > a[root]))
            return;
        real tmp = a[root];
        a[root] = a[child];
        a[child] = tmp;
        root = child;
    }
}

static void sort_ascending(real *a, int n)
{
    for (int i = n / 2 - 1; i >= 0; i--)
        sift_down(a, i, n);
    for (int end = n - 1; end > 0; end--) {
        real tmp = a[0];
        a[0] = a[end];
        a[end] = tmp;
        sift_down(a, 0, end);
    }
}

/* ---------------------------------------------------------------------- */
/* Index selection across blocks                                           */
/* ---------------------------------------------------------------------- */

/* Gershgorin interval of the whole split T with its counts 0 and n
 * checked (widened a few times if rounding ever made them wrong). */
static ival global_bracket(const tscaled *t)
{
    ival iv = {R_MAX, -R_MAX, 0, t->n};
    for (int p = 0, q; p < t->n; p = q + 1) {
        q = block_end(t, p);
        tblock b;
        block_setup(&b, t, p, q, 0);
        iv.lo = rmin(iv.lo, b.gl);
        iv.hi = rmax(iv.hi, b.gu);
    }
    for (int tries = 0; tries < 8; tries++) {
        real x[EK_LANES];
        int c[EK_LANES];
        for (int k = 0; k < EK_LANES; k++)
            x[k] = k == 0 ? iv.lo : iv.hi;
        global_counts(t, x, c);
        if (c[0] == 0 && c[1] == t->n)
            break;
        real w = rmax(iv.hi - iv.lo, t->pivmin);
        iv.lo -= c[0] != 0 ? w : 0;
        iv.hi += c[1] != t->n ? w : 0;
    }
    return iv;
}

/* Narrow iv = (lo, hi], nlo <= target < nhi, with global counts.  Stops
 * when lo has count exactly target (low) or hi has count exactly target+1
 * (!low), or when the interval is within tolerance (then it holds tied
 * eigenvalues that cannot be told apart). */
static void find_threshold(const tscaled *t, real atol, int target, int low, ival *iv)
{
    for (int pass = 0; pass < EK_MAXPASS; pass++) {
        if (low ? iv->nlo == target : iv->nhi == target + 1)
            return;
        if (narrow_enough(iv->lo, iv->hi, atol, t->pivmin))
            return;
        real x[EK_LANES];
        int c[EK_LANES];
        real step = (iv->hi - iv->lo) / (real)(EK_LANES + 1);
        for (int k = 0; k < EK_LANES; k++)
            x[k] = iv->lo + (real)(k + 1) * step;
        global_counts(t, x, c);
        ival nv = *iv;
        for (int k = 0, prev = iv->nlo; k < EK_LANES; k++) {
            int ck = imin(imax(c[k], prev), iv->nhi);
            prev = ck;
            if (ck <= target) {
                nv.lo = x[k];
                nv.nlo = ck;
            } else {
                nv.hi = x[k];
                nv.nhi = ck;
                break;
            }
        }
        *iv = nv;
    }
}

static void fill(real *w, int k, real v)
{
    for (int i = 0; i < k; i++)
        w[i] = v;
}

/* Several blocks: (xSTEBZ's way) find shifts lo, hi with count(lo) = il
 * and count(hi) = iu+1, then collect every block's eigenvalues in
 * (lo, hi].  If ties at il or iu cannot be separated, the tied band
 * (within tolerance) holds more eigenvalues than are selected: any of
 * them stands for the selected ranks, so the first ones found are kept. */
static void index_split(const tscaled *t, int il, int iu, real abstol, real *w)
{
    ival full = global_bracket(t);
    real atol = abstol > 0 ? abstol * t->s : EK_EPS * rmax(EK_FABS(full.lo), EK_FABS(full.hi));
    int k = iu - il + 1, keep_lo = 0, keep_hi = 0, got = 0;
    ival lowb = full;
    find_threshold(t, atol, il, 1, &lowb);
    real wlo = lowb.lo;
    int nwlo = lowb.nlo;
    if (lowb.nlo != il) {  /* tied band (lo, hi] around rank il */
        keep_lo = imin(lowb.nhi, iu + 1) - il;
        got += window_eigenvalues(t, abstol, lowb.lo, lowb.hi, w, keep_lo);
        wlo = lowb.hi;
        nwlo = lowb.nhi;
    }
    if (keep_lo < k) {
        ival upb = {wlo, full.hi, nwlo, t->n};
        find_threshold(t, atol, iu, 0, &upb);
        real whi = upb.hi;
        if (upb.nhi != iu + 1) {  /* tied band around rank iu */
            keep_hi = iu + 1 - upb.nlo;
            whi = upb.lo;
        }
        if (whi > wlo)
            got += window_eigenvalues(t, abstol, wlo, whi, w + got, k - keep_hi - got);
        if (keep_hi > 0)
            got += window_eigenvalues(t, abstol, upb.lo, upb.hi, w + got, k - got);
    }
    sort_ascending(w, got);
    /* the counts are deterministic, so got == k; never leave holes anyway */
    fill(w + got, k - got, got > 0 ? w[got - 1] : wlo / t->s);
}

static void fill_nan(real *w, int k)
{
    fill(w, k, (real)NAN);
}

int EK(eigvals_by_index)(int n, const real *d, const real *e, int il, int iu, real abstol, real *w)
{
    if (n <= 0 || il > iu)
        return 0;
    if (il < 0 || iu >= n)
        return -1;
    tscaled t;
    scale_setup(&t, n, d, e);
    if (!t.finite) {
        fill_nan(w, iu - il + 1);
        return 0;
    }
    if (block_end(&t, 0) != n - 1) {
        index_split(&t, il, iu, abstol, w);
        return 0;
    }
    /* one unreduced block: bisect the ranks il..iu directly */
    tblock b;
    block_setup(&b, &t, 0, n - 1, abstol);
    ival iv = global_bracket(&t);
    bisect_block(&b, iv, il, iu + 1, w);
    /* values are ascending by construction, except within tolerance where
     * a cluster straddled two chunks: make it exact */
    sort_ascending(w, iu - il + 1);
    return 0;
}

int EK(eigvals_by_value)(int n, const real *d, const real *e, real vl, real vu, real abstol, int *m,
                         real *w)
{
    *m = 0;
    if (n <= 0 || !(vl < vu))
        return 0;
    tscaled t;
    scale_setup(&t, n, d, e);
    if (!t.finite)
        return 0;
    *m = window_eigenvalues(&t, abstol, vl * t.s, vu * t.s, w, n);
    sort_ascending(w, *m);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Inverse iteration                                                       */
/* ---------------------------------------------------------------------- */

/* P L U = T_b - x I for an unreduced block (partial pivoting, xLAGTF's
 * layout): U has diagonal ua, superdiagonals ub, uc; step k eliminated row
 * k+1's subdiagonal entry with multiplier lm[k] after swapping rows k and
 * k+1 if piv[k]. */
typedef struct {
    real *ua, *ub, *uc, *lm;
    int *piv;
    real umax;  /* max |U_ij| */
} tlu;

/* Entries of the block scaled by sb: row k of T_b - xI is
 * (e_{k-1}, d_k - x, e_k).  At step k the pending row (alpha, beta) in
 * columns k, k+1 meets row k+1 = (sub, diag, sup) in columns k..k+2; the
 * larger of alpha, sub is the pivot. */
static void lu_factor(int len, const real *d, const real *e, real sb, real x, tlu *f)
{
    real alpha = d[0] * sb - x, beta = len > 1 ? e[0] * sb : 0, umax = 0;
    for (int k = 0; k + 1 < len; k++) {
        real sub = e[k] * sb, diag = d[k + 1] * sb - x, sup = k + 2 < len ? e[k + 1] * sb : 0;
        if (EK_FABS(alpha) >= EK_FABS(sub)) {
            real mult = alpha != 0 ? sub / alpha : 0;
            f->ua[k] = alpha; f->ub[k] = beta; f->uc[k] = 0;
            f->piv[k] = 0; f->lm[k] = mult;
            alpha = diag - mult * beta;
            beta = sup;
        } else {
            real mult = alpha / sub;
            f->ua[k] = sub; f->ub[k] = diag; f->uc[k] = sup;
            f->piv[k] = 1; f->lm[k] = mult;
            alpha = beta - mult * diag;
            beta = -mult * sup;
        }
        umax = rmax(umax, rmax(EK_FABS(f->ua[k]), rmax(EK_FABS(f->ub[k]), EK_FABS(f->uc[k]))));
    }
    f->ua[len - 1] = alpha;
    f->umax = rmax(umax, EK_FABS(alpha));
}


static void scale_vector(int len, real *y, real a)
{
    for (int i = 0; i < len; i++)
        y[i] *= a;
}

/* Index of the first entry of largest magnitude. */
static int amax_index(int len, const real *y)
{
    int jm = 0;
    real m = -1;
    for (int i = 0; i < len; i++) {
        if (EK_FABS(y[i]) > m) {
            m = EK_FABS(y[i]);
            jm = i;
        }
    }
    return jm;
}

/* Entries past 1/sqrt(safmin) rescale the whole vector: the solves are
 * linear, so this only rescales the solution, and the next division
 * (by a pivot >= eps max|U|) cannot overflow. */
static inline void guard_growth(int len, real *y, real v)
{
    if (EK_FABS(v) > (real)1 / EK_SQRT(EK_SAFMIN))
        scale_vector(len, y, (real)1 / EK_FABS(v));
}

/* Pivots of U below tolu in magnitude become +-tolu (xLAGTS with
 * JOB = -1), so the (nearly) singular system yields a large but finite
 * solution; ua is replaced by the reciprocals, so the solves (repeated
 * for every iteration) need no division. */
static void invert_pivots(int len, tlu *f, real tolu)
{
    for (int k = 0; k < len; k++) {
        real p = f->ua[k];
        if (EK_FABS(p) < tolu)
            p = R_COPYSIGN(tolu, p);
        f->ua[k] = (real)1 / p;
    }
}

/* y := (P L U)^{-1} y, with ua holding the reciprocal pivots. */
static void lu_solve(int len, const tlu *f, real *y)
{
    for (int k = 0; k + 1 < len; k++) {
        if (f->piv[k]) {
            real tmp = y[k];
            y[k] = y[k + 1];
            y[k + 1] = tmp;
        }
        y[k + 1] -= f->lm[k] * y[k];
        guard_growth(len, y, y[k + 1]);
    }
    for (int k = len - 1; k >= 0; k--) {
        real num = y[k];
        if (k + 1 < len)
            num -= f->ub[k] * y[k + 1];
        if (k + 2 < len)
            num -= f->uc[k] * y[k + 2];
        y[k] = num * f->ua[k];
        guard_growth(len, y, y[k]);
    }
}

/* Uniform(-1, 1) from a 64-bit LCG (Knuth's MMIX constants) whose state
 * lives in the caller: deterministic, no global state. */
static void random_fill(int len, real *y, unsigned long long *state)
{
    for (int i = 0; i < len; i++) {
        *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
        y[i] = (real)((double)(*state >> 11) * 0x1.0p-52 - 1.0);
    }
}

/* ||y||_2 without overflow: max|y| * ||y / max|y| ||_2. */
static real safe_norm2(int len, const real *y)
{
    real m = EK_FABS(y[amax_index(len, y)]);
    if (m == 0)
        return 0;
    real ss = 0, r = (real)1 / m;
    for (int i = 0; i < len; i++)
        ss += (y[i] * r) * (y[i] * r);
    return m * EK_SQRT(ss);
}

/* One unreduced block for inverse iteration, scaled by its own power of
 * two sb (max entry in [1, 2)), rows row0.. of Z. */
typedef struct {
    const real *d, *e;
    int len, row0;
    real sb, onenrm;   /* ||sb T_b||_1 */
    const real *z;     /* Z and its leading dimension */
    int ldz;
} tvblock;

/* x^T y with four partial sums (lets the compiler use vector registers
 * without reassociating a single sum). */
static real dot4(int len, const real *x, const real *y)
{
    real s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 4 <= len; i += 4) {
        s0 += x[i] * y[i];
        s1 += x[i + 1] * y[i + 1];
        s2 += x[i + 2] * y[i + 2];
        s3 += x[i + 3] * y[i + 3];
    }
    for (; i < len; i++)
        s0 += x[i] * y[i];
    return (s0 + s1) + (s2 + s3);
}

/* y -= z_j (z_j^T y) for the columns cols[0:nc] of Z (block rows), one
 * column at a time (modified Gram-Schmidt, as xSTEIN). */
static void project_out(const tvblock *vb, real *y, const int *cols, int nc)
{
    for (int j = 0; j < nc; j++) {
        const real *zc = &EK_AT(vb->z, vb->ldz, vb->row0, cols[j]);
        if (vb->len >= 64) {  /* BLAS: z_j^T y as a one-column gemv, then axpy */
            real dot;
            xgemv('T', vb->len, 1, 1, zc, vb->ldz, y, 1, 0, &dot, 1);
            xaxpy(vb->len, -dot, zc, 1, y, 1);
            continue;
        }
        real dot = dot4(vb->len, zc, y);
        for (int i = 0; i < vb->len; i++)
            y[i] -= dot * zc[i];
    }
}

/* Gram-Schmidt of y against the cluster's vectors, repeated once if it
 * cancelled more than 1/sqrt(2) of ||y|| ("twice is enough",
 * Kahan-Parlett). */
static void orthogonalize(const tvblock *vb, real *y, const int *cols, int nc)
{
    for (int pass = 0; pass < 2 && nc > 0; pass++) {
        real before = safe_norm2(vb->len, y);
        project_out(vb, y, cols, nc);
        if (safe_norm2(vb->len, y) > (real)0.7071 * before)
            return;
    }
}

/* Inverse iteration for the shift x (scaled): y starts random, and each
 * step scales it to ||y||_inf = len ||T_b||_1 max(eps, |u_nn|), solves,
 * and orthogonalises against the cluster.  ||y||_inf >= sqrt(0.1/len)
 * after a solve means the residual is O(len^1.5 eps ||T||); two more
 * steps follow (xSTEIN).  Returns 1 if that happened within EK_MAXITS. */
static int iterate_vector(const tvblock *vb, real x, tlu *f, real *y, unsigned long long *state,
                          const int *cols, int nc)
{
    int len = vb->len, checks = 0;
    lu_factor(len, vb->d, vb->e, vb->sb, x, f);
    real tolu = f->umax > 0 ? EK_EPS * f->umax : EK_SAFMIN;
    real target = (real)len * vb->onenrm * rmax(EK_EPS, EK_FABS(f->ua[len - 1]));
    invert_pivots(len, f, tolu);
    real crit = EK_SQRT((real)0.1 / (real)len);
    random_fill(len, y, state);
    for (int its = 0; its < EK_MAXITS; its++) {
        real ym = EK_FABS(y[amax_index(len, y)]);
        if (ym == 0) {  /* everything was in the span of the cluster */
            random_fill(len, y, state);
            ym = EK_FABS(y[amax_index(len, y)]);
        }
        real sc = target / ym;
        if (sc <= R_MAX) {
            scale_vector(len, y, sc);
        } else {  /* ym tiny: in two steps */
            scale_vector(len, y, (real)1 / ym);
            scale_vector(len, y, target);
        }
        lu_solve(len, f, y);
        orthogonalize(vb, y, cols, nc);
        if (EK_FABS(y[amax_index(len, y)]) < crit)
            continue;
        if (++checks >= EK_EXTRA + 1)
            return 1;
    }
    return 0;
}

/* Unit 2-norm, largest-magnitude entry (the first such, found after
 * normalising) positive. */
static void normalize_sign(int len, real *y)
{
    int jm = amax_index(len, y);
    if (y[jm] == 0) {
        y[0] = 1;
        return;
    }
    scale_vector(len, y, (real)1 / EK_FABS(y[jm]));
    scale_vector(len, y, (real)1 / safe_norm2(len, y));
    if (y[amax_index(len, y)] < 0)
        scale_vector(len, y, -1);
}

/* Column j of Z: y in the block rows, zero elsewhere. */
static void store_column(int n, real *z, int ldz, int j, int row0, int len, const real *y)
{
    real *col = &EK_AT(z, ldz, 0, j);
    memset(col, 0, (size_t)n * sizeof(real));
    memcpy(col + row0, y, (size_t)len * sizeof(real));
}

/* Accept a vector whose growth test failed if ||(T_b - xI) y||_inf (y of
 * unit norm, scaled units) is at most max(10 len, 64) eps ||T_b||_1:
 * that happens in tight clusters, where the shift was matched to an
 * eigenvalue of the block only to within the assignment window. */
static int small_residual(const tvblock *vb, real x, const real *y)
{
    real r = 0, sb = vb->sb;
    for (int i = 0; i < vb->len; i++) {
        real ri = (vb->d[i] * sb - x) * y[i];
        if (i > 0)
            ri += vb->e[i - 1] * sb * y[i - 1];
        if (i + 1 < vb->len)
            ri += vb->e[i] * sb * y[i + 1];
        r = rmax(r, EK_FABS(ri));
    }
    return r <= rmax(10 * (real)vb->len, 64) * EK_EPS * vb->onenrm;
}

static void vblock_setup(tvblock *vb, const tscaled *t, int p, int q, const real *z, int ldz)
{
    int finite;
    vb->d = t->d + p;
    vb->e = t->e + p;
    vb->len = q - p + 1;
    vb->row0 = p;
    vb->sb = power_of_two_scale(max_entry(vb->len, vb->d, vb->e, &finite));
    vb->z = z;
    vb->ldz = ldz;
    real nrm = 0;
    for (int i = 0; i < vb->len; i++) {
        real c = EK_FABS(vb->d[i]) + (i > 0 ? EK_FABS(vb->e[i - 1]) : 0) +
                 (i + 1 < vb->len ? EK_FABS(vb->e[i]) : 0);
        nrm = rmax(nrm, c * vb->sb);
    }
    vb->onenrm = nrm;
}

/* Vectors for the eigenvalues w[js[0:cnt]] (ascending) of block rows
 * p..q.  Shifts closer than 10 eps |x| to the previous one are pushed
 * apart (xSTEIN); a gap above 1e-3 ||T_b||_1 starts a new cluster.
 * Returns the number of vectors that did not converge. */
static int block_vectors(const tscaled *t, int p, int q, int cnt, const int *js, const real *w,
                         real *z, int ldz, real *work, int *piv, unsigned long long *state)
{
    tvblock vb;
    vblock_setup(&vb, t, p, q, z, ldz);
    int len = vb.len, fails = 0, first = 0;
    real *y = work + 4 * (size_t)len;
    if (len == 1) {
        real one = 1;
        for (int i = 0; i < cnt; i++)
            store_column(t->n, z, ldz, js[i], p, 1, &one);
        return 0;
    }
    tlu f = {work, work + len, work + 2 * (size_t)len, work + 3 * (size_t)len, piv, 0};
    real ortol = (real)1e-3 * vb.onenrm, xprev = 0;
    for (int i = 0; i < cnt; i++) {
        real x = w[js[i]] * vb.sb;
        if (i > 0) {
            real pertol = 10 * EK_EPS * rmax(EK_FABS(x), EK_EPS * vb.onenrm);
            if (x - xprev < pertol)
                x = xprev + pertol;
            if (x - xprev > ortol)
                first = i;
        }
        int ok = iterate_vector(&vb, x, &f, y, state, js + first, i - first);
        normalize_sign(len, y);
        fails += !ok && !small_residual(&vb, x, y);
        store_column(t->n, z, ldz, js[i], p, len, y);
        xprev = x;
    }
    return fails;
}

/* ---- which block each eigenvalue belongs to ---- */

/* Block starts into bstart[0:nblk+1] (bstart[nblk] = n), their widened
 * Gershgorin bounds (scaled by t->s) into bgl, bgu; returns nblk. */
static int list_blocks(const tscaled *t, int *bstart, real *bgl, real *bgu)
{
    int nblk = 0;
    for (int p = 0, q; p < t->n; p = q + 1) {
        q = block_end(t, p);
        tblock b;
        block_setup(&b, t, p, q, 0);
        bstart[nblk] = p;
        bgl[nblk] = b.gl;
        bgu[nblk] = b.gu;
        nblk++;
    }
    bstart[nblk] = t->n;
    return nblk;
}

/* Heapsort of the permutation perm[0:k] by vals[perm[i]], ascending. */
static void sift_perm(const real *vals, int *perm, int root, int k)
{
    for (;;) {
        int child = 2 * root + 1;
        if (child >= k)
            return;
        if (child + 1 < k && vals[perm[child + 1]] > vals[perm[child]])
            child++;
        if (!(vals[perm[child]] > vals[perm[root]]))
            return;
        int tmp = perm[root];
        perm[root] = perm[child];
        perm[child] = tmp;
        root = child;
    }
}

static void sort_perm(const real *vals, int *perm, int k)
{
    for (int i = 0; i < k; i++)
        perm[i] = i;
    for (int i = k / 2 - 1; i >= 0; i--)
        sift_perm(vals, perm, i, k);
    for (int end = k - 1; end > 0; end--) {
        int tmp = perm[0];
        perm[0] = perm[end];
        perm[end] = tmp;
        sift_perm(vals, perm, 0, end);
    }
}

/* Block whose Gershgorin interval is nearest to x (scaled). */
static int nearest_block(int nblk, const real *bgl, const real *bgu, real x)
{
    int near = 0;
    real best = R_MAX;
    for (int b = 0; b < nblk; b++) {
        real dist = rmax(bgl[b] - x, x - bgu[b]);
        if (dist < best) {
            best = dist;
            near = b;
        }
    }
    return near;
}

/* Workspace and data shared by the block assignment. */
typedef struct {
    const tscaled *t;
    int nblk;
    const int *bstart;
    const real *bgl, *bgu;
    real *vals;  /* room for n values */
    int *tags;   /* room for n block numbers */
    int *perm;   /* room for n */
} tassign;

/* Offset s in [0, k - nc] minimising sum_i |w_i - mu_{s+i}| (mu sorted):
 * which nc of the k block eigenvalues in the window the nc shifts are. */
static int best_offset(const tassign *a, const real *w, int nc, int k)
{
    int best = 0;
    real best_cost = R_MAX;
    for (int s = 0; s + nc <= k; s++) {
        real cost = 0;
        for (int i = 0; i < nc; i++)
            cost += EK_FABS(w[i] - a->vals[a->perm[s + i]]);
        if (cost < best_cost) {
            best_cost = cost;
            best = s;
        }
    }
    return best;
}

/* Blocks of the shifts w[0:nc] (unscaled, ascending, chained by gaps of at
 * most 2 tau): the eigenvalues of every block in the window (w_0 - tau,
 * w_last + tau] are found by bisection, merged in order, and matched to
 * the shifts rank by rank.  If one block only has eigenvalues there, no
 * bisection is needed. */
static void assign_cluster(const tassign *a, const real *w, int nc, real tau, int *blk)
{
    const tscaled *t = a->t;
    real lo = w[0] * t->s - tau, hi = w[nc - 1] * t->s + tau;
    int nhit = 0, only = -1, k = 0;
    for (int b = 0; b < a->nblk && nhit < 2; b++) {
        if (a->bgu[b] <= lo || a->bgl[b] > hi)
            continue;
        int p = a->bstart[b], c[2];
        real xs[2] = {lo, hi};
        sturm_2(a->bstart[b + 1] - p, t->d + p, t->e + p, t->s, t->pivmin, xs, c);
        if (c[1] > c[0]) {
            nhit++;
            only = b;
        }
    }
    if (nhit < 2) {
        int b = nhit == 1 ? only : nearest_block(a->nblk, a->bgl, a->bgu, w[0] * t->s);
        for (int i = 0; i < nc; i++)
            blk[i] = b;
        return;
    }
    for (int b = 0; b < a->nblk && k < t->n; b++) {
        if (a->bgu[b] <= lo || a->bgl[b] > hi)
            continue;
        tblock tb;
        block_setup(&tb, t, a->bstart[b], a->bstart[b + 1] - 1, 0);
        int got = block_window(&tb, lo, hi, a->vals + k, t->n - k);
        for (int i = 0; i < got; i++)
            a->tags[k + i] = b;
        k += got;
    }
    sort_perm(a->vals, a->perm, k);
    int m = imin(nc, k), off = best_offset(a, w, m, k);
    for (int i = 0; i < m; i++)
        blk[i] = a->tags[a->perm[off + i]];
    for (int i = m; i < nc; i++)  /* only if w was far less accurate than tau */
        blk[i] = nearest_block(a->nblk, a->bgl, a->bgu, w[i] * t->s);
}

/* blk[j] = block of w[j] for all j (xSTEIN receives this from xSTEBZ;
 * here it is recomputed from T and w, cluster by cluster). */
static void assign_blocks(const tassign *a, int m, const real *w, int *blk)
{
    if (a->nblk == 1) {
        for (int j = 0; j < m; j++)
            blk[j] = 0;
        return;
    }
    real tg = 0;
    for (int b = 0; b < a->nblk; b++)
        tg = rmax(tg, rmax(EK_FABS(a->bgl[b]), EK_FABS(a->bgu[b])));
    real tau = 64 * EK_EPS * tg + 4 * a->t->pivmin;
    for (int j0 = 0, j1; j0 < m; j0 = j1) {
        for (j1 = j0 + 1; j1 < m && (w[j1] - w[j1 - 1]) * a->t->s <= 2 * tau; j1++)
            ;
        assign_cluster(a, w + j0, j1 - j0, tau, blk + j0);
    }
}

/* js[off[b] : off[b+1]] = the j with blk[j] = b, ascending (counting sort). */
static void group_by_block(int nblk, int m, const int *blk, int *off, int *js)
{
    for (int b = 0; b <= nblk; b++)
        off[b] = 0;
    for (int j = 0; j < m; j++)
        off[blk[j] + 1]++;
    for (int b = 0; b < nblk; b++)
        off[b + 1] += off[b];
    for (int j = 0; j < m; j++)
        js[off[blk[j]]++] = j;
    for (int b = nblk; b > 0; b--)  /* off[b] was advanced to off[b+1] */
        off[b] = off[b - 1];
    off[0] = 0;
}

size_t EK(inverse_iteration_workspace)(int n) { return 7 * (size_t)(n > 1 ? n : 1) + 4; }
size_t EK(inverse_iteration_iworkspace)(int n) { return 5 * (size_t)(n > 1 ? n : 1) + 4; }

int EK(inverse_iteration)(int n, const real *d, const real *e, int m, const real *w, real *z, int ldz,
                          real *work, int *iwork)
{
    if (n <= 0 || m <= 0)
        return 0;
    if (m > n)
        return -1;
    tscaled t;
    scale_setup(&t, n, d, e);
    int wfinite = 1;
    for (int j = 0; j < m; j++)
        wfinite &= EK_FABS(w[j]) <= R_MAX;
    if (!t.finite || !wfinite) {
        for (int j = 0; j < m; j++)
            for (int i = 0; i < n; i++)
                EK_AT(z, ldz, i, j) = (real)NAN;
        return 0;
    }
    int *bstart = iwork, *used = iwork + n + 1, *blk = used + n + 1, *js = blk + n, *piv = js + n;
    real *bgl = work, *bgu = work + n, *lu = work + 2 * (size_t)n;
    int nblk = list_blocks(&t, bstart, bgl, bgu);
    tassign as = {&t, nblk, bstart, bgl, bgu, lu, piv, js};
    assign_blocks(&as, m, w, blk);
    group_by_block(nblk, m, blk, used, js);  /* used becomes the offsets */
    unsigned long long state = 0x2545F4914F6CDD1DULL;
    int fails = 0;
    for (int b = 0; b < nblk; b++) {
        int cnt = used[b + 1] - used[b];
        if (cnt > 0)
            fails += block_vectors(&t, bstart[b], bstart[b + 1] - 1, cnt, js + used[b], w, z, ldz,
                                   lu, piv, &state);
    }
    return fails;
}
