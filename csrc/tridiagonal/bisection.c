/*
 * bisection.c -- eigenvalues of a real symmetric tridiagonal
 * T = tridiag(e, d, e) of order n by Sturm-count bisection, selected by
 * index or by value (the role of LAPACK's xSTEBZ / xLAEBZ; Kahan 1966;
 * Demmel, Dhillon, Ren 1995).
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
 * No global state, no allocation: workspace comes from the caller.
 */
#include <string.h>
#include "common/types.h"
#include "common/tuning.h"
#include "tridiagonal/bisection.h"
#include "tridiagonal/bisection_internal.h"

/* Shifts evaluated per pass over the matrix. */
#define EK_LANES (EK_TUNE_BISECT_SHIFT_BYTES / (int)sizeof(real))
_Static_assert(EK_TUNE_BISECT_SHIFT_BYTES % 16 == 0 && EK_LANES >= 2,
               "a pass evaluates whole 16-byte vectors of shifts, at least two");
/* Bisection passes can never exceed this: each pass at least halves an
 * interval of scaled width <= 2^4, and the tolerance is >= safmin. */
#define EK_MAXPASS (R_MANT - R_MINEXP + 16)

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

void EK(bis_sturm2)(int len, const real *d, const real *e, real s, real pivmin, const real *x,
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

void EK(bis_block_setup)(tblock *b, const tscaled *t, int p, int q, real abstol)
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
 * r1 - r0 <= EK_TUNE_BISECT_CHUNK intervals are open at a time (each holds
 * a rank of the chunk, and they are disjoint). */
static void refine_chunk(tchunk *c, ival start)
{
    ival bufa[EK_TUNE_BISECT_CHUNK], bufb[EK_TUNE_BISECT_CHUNK];
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
        c.r1 = imin(c.r0 + EK_TUNE_BISECT_CHUNK, rlast);
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
    EK(bis_sturm2)(b->len, b->d, b->e, b->s, b->pivmin, x, c);
    *c0 = c[0];
    *c1 = c[1];
}

/* Eigenvalues of the block in (lo, hi] (scaled shifts) into out; returns
 * their number, never more than cap. */
int EK(bis_block_window)(const tblock *b, real lo, real hi, real *out, int cap)
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
        EK(bis_block_setup)(&b, t, p, q, abstol);
        m += EK(bis_block_window)(&b, lo, hi, out + m, cap - m);
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
        EK(bis_block_setup)(&b, t, p, q, 0);
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
    EK(bis_block_setup)(&b, &t, 0, n - 1, abstol);
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
