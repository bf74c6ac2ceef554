/*
 * tridiagonal_qr.c -- the implicit QL/QR algorithm for a real symmetric
 * tridiagonal T = tridiag(e, d, e), with Wilkinson shifts and deflation.
 *
 * Algorithms (re-derived here, not copied):
 *  - values only: the root-free variant of Pal, Walker and Kahan, which
 *    iterates on d and e^2 and needs no square root per rotation (as in
 *    LAPACK's xSTERF);
 *  - vectors: the standard implicit QL sweep (as in LAPACK's xSTEQR),
 *    whose rotations are not applied to Z one at a time but recorded, a
 *    sweep per column of a buffer, and applied batch by batch in
 *    cache-blocked wavefronts (rotations.c; Van Zee, van de Geijn,
 *    Quintana-Orti, ACM TOMS 40(3), 2014), as scaled ("fast") rotations
 *    of two FMAs a row, skipping the parts of Z that stay zero.  (Applying
 *    a batch in a thread of its own while the next is recorded was tried:
 *    with the rows split statically it was slower on two cores.)  For
 *    orders up to EK_TUNE_QR_DIRECT_MAX, and for the batched solver's
 *    small matrices and divide and conquer's leaves
 *    (ek_p_tridiagonal_qr_small), each rotation goes to Z as it is made,
 *    a vectorized pass over the rows: the recording and the wavefronts'
 *    bookkeeping cost more than they save there (on AVX2 with FMA,
 *    Zen 3: 5 to 6 times the time of the direct form at every order
 *    from 16 to 1000; the wavefronts' wide strips need AVX-512).
 *
 * Splitting (as in xSTEQR): T splits at e_i when
 *     |e_i| <= sqrt|d_i| sqrt|d_{i+1}| eps,
 * and inside a block an e_i is set to zero when
 *     e_i^2 <= eps^2 |d_i d_{i+1}| + safmin.
 * A block is scaled so that its largest entry lies in [ssfmin, ssfmax]:
 * the squares above can neither overflow nor underflow to zero.
 *
 * QL or QR: QL on a block [a, b] deflates at its top; it is chosen when
 * |d_b| >= |d_a|, otherwise QR, which is QL on the block read bottom-up.
 * Both are therefore one code, working on a "view" of d and e: view index
 * k is d[k] (forward) or d[L - k] (reversed), see struct view.
 *
 * At most 30 n sweeps in all; on failure the number of nonzero
 * off-diagonals is returned (and the eigenvalues are left unsorted).
 */
#include <math.h>
#include <stddef.h>
#include "common/target_clones.h"
#include "common/types.h"
#include "common/tuning.h"
#include "tridiagonal/rotations.h"
#include "tridiagonal/tridiagonal_qr.h"

#define MAXIT 30     /* sweeps per eigenvalue allowed, in total 30 n */

/* ------------------------------------------------------------------ */
/* machine constants                                                   */

typedef struct {
    real eps, eps2;      /* unit roundoff u = EK_EPS/2 and u^2 */
    real safmin;         /* smallest normal number */
    real ssfmin, ssfmax; /* scaling range of a block (xSTEQR's) */
} consts;

static consts machine(void)
{
    consts k;
    k.eps = EK_EPS * (real)0.5;
    k.eps2 = k.eps * k.eps;
    k.safmin = EK_SAFMIN;
    k.ssfmax = EK_SQRT(1 / k.safmin) / 3;
    k.ssfmin = EK_SQRT(k.safmin) / k.eps2;
    return k;
}

/* Fortran SIGN(a, b): |a| with the sign of b. */
static real sign_of(real a, real b) { return b >= 0 ? EK_FABS(a) : -EK_FABS(a); }

/* ------------------------------------------------------------------ */
/* views: QR is QL on the block read bottom-up                         */

/* D(k) = d[k*st], E(k) = e[k*st], E(k) couples D(k) and D(k+1).
 * Forward: d, e as given.  Reversed about L: D(k) = d[L-k] and
 * E(k) = e[L-k-1].  Original index of the view rotation on (k, k+1):
 * k forward, L-k-1 reversed. */
typedef struct {
    real *d, *e;
    ptrdiff_t st;
    int L, rev;
} view;

#define D(v, k) ((v).d[(ptrdiff_t)(k) * (v).st])
#define E(v, k) ((v).e[(ptrdiff_t)(k) * (v).st])

static view forward_view(real *d, real *e)
{
    view v = {d, e, 1, 0, 0};
    return v;
}

static view reversed_view(real *d, real *e, int L)
{
    view v = {d + L, e + L - 1, -1, L, 1};
    return v;
}

/* ------------------------------------------------------------------ */
/* scalar kernels                                                      */

/* Largest |entry| of a block (d: n, e: n-1), NaN if any is NaN (xLANST 'M'). */
static real block_max_abs(int n, const real *d, const real *e)
{
    real a = 0;
    for (int i = 0; i < n; i++) {
        real t = EK_FABS(d[i]);
        if (t > a || t != t)
            a = t;
        if (a != a)
            return a;
    }
    for (int i = 0; i < n - 1; i++) {
        real t = EK_FABS(e[i]);
        if (t > a || t != t)
            a = t;
        if (a != a)
            return a;
    }
    return a;
}

/* x := x * (to / from) without intermediate over/underflow: multiply by
 * safmin or 1/safmin until the remaining ratio is representable (the
 * idea of LAPACK's xLASCL).  from, to finite and nonzero. */
static void rescale(int n, real *x, real from, real to)
{
    const real small = EK_SAFMIN, big = 1 / EK_SAFMIN;
    for (;;) {
        real from1 = from * small, to1 = to / big, mul;
        int done = 0;
        if (EK_FABS(from1) > EK_FABS(to) && to != 0) {
            mul = small;
            from = from1;
        } else if (EK_FABS(to1) > EK_FABS(from)) {
            mul = big;
            to = to1;
        } else {
            mul = to / from;
            done = 1;
        }
        for (int i = 0; i < n; i++)
            x[i] *= mul;
        if (done)
            return;
    }
}

/* Eigen-decomposition of the symmetric [a b; b c]:
 *   [cs sn; -sn cs] [a b; b c] [cs -sn; sn cs] = diag(rt1, rt2),
 * |rt1| >= |rt2|, (cs, sn) the unit eigenvector of rt1.  rt1 from the
 * larger of (a+c)/2 +- sqrt(((a-c)/2)^2 + b^2) in magnitude, rt2 from
 * rt1 rt2 = ac - b^2 to avoid cancellation (the method of xLAEV2). */
static void sym2x2(real a, real b, real c, real *rt1, real *rt2, real *cs, real *sn)
{
    real sm = a + c, df = a - c, adf = EK_FABS(df), tb = b + b, ab = EK_FABS(tb);
    real acmx = EK_FABS(a) > EK_FABS(c) ? a : c, acmn = EK_FABS(a) > EK_FABS(c) ? c : a;
    real rt;
    if (adf > ab)
        rt = adf * EK_SQRT(1 + (ab / adf) * (ab / adf));
    else if (adf < ab)
        rt = ab * EK_SQRT(1 + (adf / ab) * (adf / ab));
    else
        rt = ab * EK_SQRT((real)2);
    int sgn1 = sm < 0 ? -1 : 1;
    if (sm != 0) {
        *rt1 = (real)0.5 * (sm + sgn1 * rt);
        *rt2 = (acmx / *rt1) * acmn - (b / *rt1) * b;
    } else {
        *rt1 = (real)0.5 * rt;
        *rt2 = -(real)0.5 * rt;
    }
    /* eigenvector of rt1: (cs, sn) proportional to (df +- rt, 2b) */
    int sgn2 = df >= 0 ? 1 : -1;
    real v = df >= 0 ? df + rt : df - rt;
    if (EK_FABS(v) > ab) {
        real ct = -tb / v;
        *sn = 1 / EK_SQRT(1 + ct * ct);
        *cs = ct * *sn;
    } else if (ab == 0) {
        *cs = 1;
        *sn = 0;
    } else {
        real tn = -v / tb;
        *cs = 1 / EK_SQRT(1 + tn * tn);
        *sn = tn * *cs;
    }
    if (sgn1 == sgn2) {
        real t = *cs;
        *cs = -*sn;
        *sn = t;
    }
}

/* Plane rotation with [c s; -s c] [f; g] = [r; 0], c >= 0, r = +-hypot(f, g)
 * with the sign of f; scaled only when f^2 + g^2 could over/underflow. */
static void make_rotation(real f, real g, real *c, real *s, real *r)
{
    const real rtmin = EK_SQRT(EK_SAFMIN), rtmax = EK_SQRT(1 / EK_SAFMIN / 2);
    if (g == 0) {
        *c = 1; *s = 0; *r = f;
        return;
    }
    if (f == 0) {
        *c = 0; *s = g > 0 ? 1 : -1; *r = EK_FABS(g);
        return;
    }
    real f1 = EK_FABS(f), g1 = EK_FABS(g);
    if (f1 > rtmin && f1 < rtmax && g1 > rtmin && g1 < rtmax) {
        real h = EK_SQRT(f * f + g * g), rr = f > 0 ? h : -h;
        *c = f1 / h; *s = g / rr; *r = rr;
        return;
    }
    real u = f1 > g1 ? f1 : g1;
    u = u < EK_SAFMIN ? EK_SAFMIN : u > 1 / EK_SAFMIN ? 1 / EK_SAFMIN : u;
    real fs = f / u, gs = g / u, h = EK_SQRT(fs * fs + gs * gs), rr = f > 0 ? h : -h;
    *c = EK_FABS(fs) / h; *s = gs / rr; *r = rr * u;
}

/* sqrt(1 + x^2), without a call of libm's hypot (a tenth of the root-free
 * solver's time at n = 8): beyond |x| = 1/eps the 1 no longer counts, and
 * x^2 overflows only far beyond that.  NaN and Inf pass through. */
static real hypot_one(real x)
{
    real ax = EK_FABS(x);
    return ax < 1 / EK_EPS ? EK_SQRT(1 + ax * ax) : ax;
}

/* Wilkinson-type shift of xSTEQR for the top of block [l, m] of view v:
 * the eigenvalue of the leading 2x2 closer to D(l), as
 * D(m) - sigma with g = (D(l+1) - D(l)) / (2 E(l)). */
static real ql_shift(view v, int l, int m)
{
    real p = D(v, l), g = (D(v, l + 1) - p) / (2 * E(v, l));
    real r = hypot_one(g);
    return D(v, m) - p + E(v, l) / (g + sign_of(r, g));
}

/* Sorting: heapsort of d ascending (values only). */
static void sift_down(real *d, int root, int n)
{
    for (;;) {
        int child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && d[child + 1] > d[child])
            child++;
        if (!(d[child] > d[root]))
            return;
        real t = d[root]; d[root] = d[child]; d[child] = t;
        root = child;
    }
}

static void sort_ascending(int n, real *d)
{
    for (int i = n / 2 - 1; i >= 0; i--)
        sift_down(d, i, n);
    for (int end = n - 1; end > 0; end--) {
        real t = d[0]; d[0] = d[end]; d[end] = t;
        sift_down(d, 0, end);
    }
}

/* First m >= l1 at which T splits (e[m] set to 0), or n-1. */
static int next_split(int n, const real *d, real *e, int l1, real eps)
{
    for (int m = l1; m < n - 1; m++) {
        real t = EK_FABS(e[m]);
        if (t == 0)
            return m;
        if (t <= EK_SQRT(EK_FABS(d[m])) * EK_SQRT(EK_FABS(d[m + 1])) * eps) {
            e[m] = 0;
            return m;
        }
    }
    return n - 1;
}

/* Scale block d[a..b], e[a..b-1] by to/anorm if anorm is outside
 * [ssfmin, ssfmax]; returns the target (0: no scaling). */
static real scale_block(real *d, real *e, int a, int b, real anorm, const consts *k)
{
    real to = anorm > k->ssfmax ? k->ssfmax : anorm < k->ssfmin ? k->ssfmin : 0;
    if (to != 0) {
        rescale(b - a + 1, d + a, anorm, to);
        rescale(b - a, e + a, anorm, to);
    }
    return to;
}

static void unscale_block(real *d, real *e, int a, int b, real anorm, real to)
{
    if (to != 0) {
        rescale(b - a + 1, d + a, to, anorm);
        rescale(b - a, e + a, to, anorm);
    }
}

/* Number of nonzero off-diagonals: the failure count. */
static int count_nonzero(int n, const real *e)
{
    int c = 0;
    for (int i = 0; i < n - 1; i++)
        c += e[i] != 0;
    return c;
}

/* ------------------------------------------------------------------ */
/* values only: root-free QL (Pal-Walker-Kahan)                        */

/* One root-free QL sweep on view block [l, m], E holding the squares
 * e_i^2.  With sigma the shift, the implicit QL step is carried in the
 * variables gamma_i = c_i (d_i - sigma) - s_i gamma_{i+1} and
 * p_i = gamma_i^2 / c_i (= c_{i+1} e_i^2 ... when c_i = 0), so that
 * c_i^2 = p / (p + e_i^2), s_i^2 = e_i^2 / (p + e_i^2) need no sqrt.
 *
 * Each step waits for the one before, and its divisions are most of
 * that wait: here 1/r and 1/p are formed side by side, and
 * gamma^2 / c = gamma^2 (r / p), where xSTERF divides by r and then by
 * c in turn (a fifth less time per sweep on AVX2; the same quantities,
 * each with one more rounding), unless r or p is subnormal (graded
 * matrices), where the reciprocals would overflow: then as xSTERF. */
static void rootfree_sweep(view v, int l, int m, real sigma)
{
    real c = 1, s = 0, gamma = D(v, m) - sigma, p = gamma * gamma;
    for (int i = m - 1; i >= l; i--) {
        real bb = E(v, i), r = p + bb, q;
        if (i != m - 1)
            E(v, i + 1) = s * r;
        real oldc = c;
        if (r >= EK_SAFMIN) {
            real rinv = 1 / r;
            c = p * rinv;
            s = bb * rinv;
            q = r * (1 / p);   /* 1 / c, unless p is subnormal or zero */
        } else {
            c = p / r;
            s = bb / r;
            q = HUGE_VAL;
        }
        real oldgam = gamma, alpha = D(v, i);
        gamma = c * (alpha - sigma) - s * oldgam;
        D(v, i + 1) = oldgam + (alpha - gamma);
        p = c == 0 ? oldc * bb : q <= EK_REAL_MAX ? gamma * gamma * q : gamma * gamma / c;
    }
    E(v, l) = s * p;
    D(v, l) = sigma + gamma;
}

/* Shift from the squared off-diagonal: the eigenvalue of the leading
 * 2x2 [D(l) e; e D(l+1)], e = sqrt(E(l)), closer to D(l). */
static real rootfree_shift(view v, int l)
{
    real rte = EK_SQRT(E(v, l)), p = D(v, l);
    real sigma = (D(v, l + 1) - p) / (2 * rte);
    real r = hypot_one(sigma);
    return p - rte / (sigma + sign_of(r, sigma));
}

/* Root-free QL on view block [l, lend] until it is diagonal or jtot
 * reaches maxit (then returns 1). */
static int rootfree_ql(view v, int l, int lend, const consts *k, int *jtot, int maxit)
{
    while (l <= lend) {
        int m = l;
        while (m < lend && !(EK_FABS(E(v, m)) <= k->eps2 * EK_FABS(D(v, m) * D(v, m + 1))))
            m++;
        if (m < lend)
            E(v, m) = 0;
        if (m == l) {           /* D(l) is an eigenvalue */
            l++;
            continue;
        }
        if (m == l + 1) {       /* 2x2 block: its eigenvalues directly */
            real rt1, rt2, cs, sn;
            sym2x2(D(v, l), EK_SQRT(E(v, l)), D(v, l + 1), &rt1, &rt2, &cs, &sn);
            D(v, l) = rt1;
            D(v, l + 1) = rt2;
            E(v, l) = 0;
            l += 2;
            continue;
        }
        if (*jtot >= maxit)
            return 1;
        (*jtot)++;
        rootfree_sweep(v, l, m, rootfree_shift(v, l));
    }
    return 0;
}

int EK(tridiagonal_eigvals)(int n, real *d, real *e)
{
    if (n <= 1)
        return 0;
    const consts k = machine();
    int maxit = MAXIT * n, jtot = 0;
    for (int l1 = 0; l1 < n;) {
        if (l1 > 0)
            e[l1 - 1] = 0;
        int a = l1, b = next_split(n, d, e, l1, k.eps);
        l1 = b + 1;
        if (b == a)
            continue;
        real anorm = block_max_abs(b - a + 1, d + a, e + a);
        if (anorm == 0)
            continue;
        if (!(anorm <= 1 / EK_SAFMIN))    /* Inf or NaN: give up */
            return count_nonzero(n, e);
        real to = scale_block(d, e, a, b, anorm, &k);
        for (int i = a; i < b; i++)
            e[i] *= e[i];
        view v = EK_FABS(d[b]) >= EK_FABS(d[a]) ? forward_view(d, e) : reversed_view(d, e, b);
        int failed = v.rev ? rootfree_ql(v, 0, b - a, &k, &jtot, maxit)
                           : rootfree_ql(v, a, b, &k, &jtot, maxit);
        unscale_block(d, e, a, b, anorm, to);
        if (failed)
            return count_nonzero(n, e);
    }
    sort_ascending(n, d);
    return 0;
}

/* ------------------------------------------------------------------ */
/* vectors: QL sweeps recorded in batches                              */

/* Rotation batch.  A rotation of T's QL sweep is recorded, in original
 * coordinates, as  [z_i, z_{i+1}] := [z_i, z_{i+1}] [c -s; s c].  Sweep
 * j of the batch occupies column j of the tables, indices [lo_j, hi_j];
 * all sweeps of a batch run one way (backward: decreasing i, the QL
 * sweeps of a forward view).  Identity rotations fill the rest of
 * [lo, hi], the union, when the batch is applied.
 *
 * Scaled rotations (fast Givens, Gentleman/Hammarling): while a batch is
 * pending, Z = Zh diag(sc) and the rotations are applied to Zh.  With
 * d1 = sc_i, d2 = sc_{i+1} and t = s / c, the rotation is, for |c| >= TAU,
 *     zh_i' = zh_i + (t d2/d1) zh_{i+1},  zh_{i+1}' = zh_{i+1} - (t d1/d2) zh_i,
 *     sc_i' = c d1,  sc_{i+1}' = c d2           (p = 1: two FMAs a row),
 * and otherwise, scales kept,
 *     zh_i' = c zh_i + (s d2/d1) zh_{i+1},  zh_{i+1}' = c zh_{i+1} - (s d1/d2) zh_i.
 * Each term keeps a relative error of a few ulps, as for a plain
 * rotation.  The applier multiplies Z by diag(sc) at the end, and a batch
 * is cut short once a scale falls below SCMIN (no overflow in Zh).
 *
 * Zero structure: rows top_i .. bot_i hold the nonzeros of column i of Z
 * (for Z = I, i .. i); a recorded rotation on columns i, i+1 widens both
 * to the union, and the applier skips what stays zero (about a tenth of
 * the work when Z starts as the identity). */
#define TAU ((real)0.125)
#if defined(EK_PREC_S)
#define SCMIN ((real)0x1p-40)
#else
#define SCMIN ((real)0x1p-300)
#endif

typedef struct {
    int n, k, backward, full;
    int direct;         /* apply each rotation at once (no tables) */
    int lo, hi, lo_j[EK_TUNE_QR_BATCH], hi_j[EK_TUNE_QR_BATCH];
    real *pc, *qc, *rc; /* (n-1) x EK_TUNE_QR_BATCH each */
    real *sc;           /* n column scales, 1 outside a pending batch */
    int *top, *bot;     /* n: nonzero rows of each column of Z */
    real *z;
    int ldz, nthreads;
} batch;

static void batch_init(batch *b, int n, real *work, real *z, int ldz, int nthreads)
{
    size_t nb = (size_t)(n - 1) * EK_TUNE_QR_BATCH;
    b->n = n; b->k = 0; b->backward = 0; b->full = 0; b->direct = 0;
    b->lo = n; b->hi = -1;
    b->pc = work; b->qc = work + nb; b->rc = work + 2 * nb; b->sc = work + 3 * nb;
    b->top = (int *)(b->sc + n);
    b->bot = b->top + n;
    for (int i = 0; i < n; i++) {
        const real *zi = z + (ptrdiff_t)i * ldz;
        int t = 0, u = n - 1;
        while (t < n && zi[t] == 0)
            t++;
        while (u >= t && zi[u] == 0)
            u--;
        b->sc[i] = 1;
        b->top[i] = t;
        b->bot[i] = u;
    }
    b->z = z; b->ldz = ldz; b->nthreads = nthreads;
}

static void batch_flush(batch *b)
{
    if (b->k == 0)
        return;
    ptrdiff_t ld = b->n - 1;
    for (int j = 0; j < b->k; j++) {
        real *pj = b->pc + j * ld, *qj = b->qc + j * ld, *rj = b->rc + j * ld;
        for (int i = b->lo; i <= b->hi; i++)
            if (i < b->lo_j[j] || i > b->hi_j[j]) {
                pj[i] = 1; qj[i] = 0; rj[i] = 0;
            }
    }
    EK(apply_scaled_rotation_sequences)(b->n, b->hi - b->lo + 2, b->k, b->pc + b->lo,
                                        b->qc + b->lo, b->rc + b->lo, (int)ld, b->sc + b->lo,
                                        b->top + b->lo, b->bot + b->lo, b->z + (ptrdiff_t)b->lo * b->ldz, b->ldz, b->backward,
                                        b->nthreads);
    for (int i = b->lo; i <= b->hi + 1; i++)
        b->sc[i] = 1;
    b->k = 0;
    b->full = 0;
    b->lo = b->n;
    b->hi = -1;
}

/* The direct mode, for small n: each rotation goes to Z as it is made,
 * over all rows.  Without tables or zero structure it needs no workspace;
 * for a few dozen rows the wavefronts' bookkeeping cost more than the
 * rotations they apply. */
static void batch_init_direct(batch *b, int n, real *z, int ldz)
{
    b->n = n; b->k = 0; b->backward = 0; b->full = 0; b->direct = 1;
    b->z = z; b->ldz = ldz; b->nthreads = 1;
}


static EK_CLONES_AVX2 void rotate_now(const batch *b, int i, real c, real s)
{
    real *x = b->z + (ptrdiff_t)i * b->ldz, *y = x + b->ldz;
    for (int r = 0; r < b->n; r++) {
        real xr = x[r], yr = y[r];
        x[r] = c * xr + s * yr;
        y[r] = c * yr - s * xr;
    }
}

/* Open a new sweep (column k of the tables) in the given direction. */
static void batch_open(batch *b, int backward)
{
    if (b->direct)
        return;
    if (b->k > 0 && (b->k == EK_TUNE_QR_BATCH || b->full || b->backward != backward))
        batch_flush(b);
    b->backward = backward;
    b->lo_j[b->k] = b->n;
    b->hi_j[b->k] = -1;
}

/* Record [z_i, z_{i+1}] := [z_i, z_{i+1}] [c -s; s c] in scaled form. */
static void batch_put(batch *b, int i, real c, real s)
{
    if (b->direct) {
        rotate_now(b, i, c, s);
        return;
    }
    int j = b->k;
    ptrdiff_t at = i + (ptrdiff_t)j * (b->n - 1);
    real d1 = b->sc[i], d2 = b->sc[i + 1], rho = d2 / d1;
    if (EK_FABS(c) >= TAU) {
        real t = s / c;
        b->pc[at] = 1;
        b->qc[at] = t * rho;
        b->rc[at] = -t / rho;
        b->sc[i] = c * d1;
        b->sc[i + 1] = c * d2;
        if (EK_FABS(b->sc[i]) < SCMIN || EK_FABS(b->sc[i + 1]) < SCMIN)
            b->full = 1;
    } else {
        b->pc[at] = c;
        b->qc[at] = s * rho;
        b->rc[at] = -s / rho;
    }
    if (i < b->lo_j[j]) b->lo_j[j] = i;
    if (i > b->hi_j[j]) b->hi_j[j] = i;
    int top = b->top[i] < b->top[i + 1] ? b->top[i] : b->top[i + 1];
    int bot = b->bot[i] > b->bot[i + 1] ? b->bot[i] : b->bot[i + 1];
    b->top[i] = b->top[i + 1] = top;
    b->bot[i] = b->bot[i + 1] = bot;
}

static void batch_close(batch *b)
{
    if (b->direct)
        return;
    int j = b->k;
    if (b->hi_j[j] < b->lo_j[j])
        return;
    if (b->lo_j[j] < b->lo) b->lo = b->lo_j[j];
    if (b->hi_j[j] > b->hi) b->hi = b->hi_j[j];
    b->k++;
}

/* Record view rotation on view columns (i, i+1),
 *   [z_i, z_{i+1}] := [z_i, z_{i+1}] [c -s; s c]   (view order).
 * Reversed view: columns (L-i, L-i-1) = (q+1, q), q = L-i-1, and the
 * same map in original order is the rotation at q with -s. */
static void record(batch *b, view v, int i, real c, real s)
{
    if (v.rev)
        batch_put(b, v.L - i - 1, c, -s);
    else
        batch_put(b, i, c, s);
}

/* One implicit QL sweep with shift on view block [l, m] (xSTEQR's form):
 * rotations from the bottom, chasing the bulge up; each rotation
 * Z := Z [c s; -s c] on view columns (i, i+1) is recorded. */
static void ql_sweep(view v, int l, int m, batch *b)
{
    real g = ql_shift(v, l, m), s = 1, c = 1, p = 0;
    batch_open(b, !v.rev);
    for (int i = m - 1; i >= l; i--) {
        real f = s * E(v, i), bb = c * E(v, i), r;
        make_rotation(g, f, &c, &s, &r);
        if (i != m - 1)
            E(v, i + 1) = r;
        g = D(v, i + 1) - p;
        r = (D(v, i) - g) * s + 2 * c * bb;
        p = s * r;
        D(v, i + 1) = g + p;
        g = c * r - bb;
        record(b, v, i, c, -s);
    }
    batch_close(b);
    D(v, l) -= p;
    E(v, l) = g;
}

/* 2x2 block at view (l, l+1): diagonalized by one rotation. */
static void ql_2x2(view v, int l, batch *b)
{
    real rt1, rt2, c, s;
    sym2x2(D(v, l), E(v, l), D(v, l + 1), &rt1, &rt2, &c, &s);
    batch_open(b, !v.rev);
    record(b, v, l, c, s);
    batch_close(b);
    D(v, l) = rt1;
    D(v, l + 1) = rt2;
    E(v, l) = 0;
}

/* QL with vectors on view block [l, lend]; 1 if out of iterations. */
static int ql_block(view v, int l, int lend, const consts *k, batch *b, int *jtot, int maxit)
{
    while (l <= lend) {
        int m = l;
        for (; m < lend; m++) {
            real t = EK_FABS(E(v, m));
            if (t * t <= (k->eps2 * EK_FABS(D(v, m))) * EK_FABS(D(v, m + 1)) + k->safmin)
                break;
        }
        if (m < lend)
            E(v, m) = 0;
        if (m == l) {
            l++;
            continue;
        }
        if (m == l + 1) {
            ql_2x2(v, l, b);
            l += 2;
            continue;
        }
        if (*jtot >= maxit)
            return 1;
        (*jtot)++;
        ql_sweep(v, l, m, b);
    }
    return 0;
}

/* Selection sort of d ascending, swapping the columns of Z along. */
static void sort_with_vectors(int n, real *d, real *z, int ldz)
{
    for (int i = 0; i < n - 1; i++) {
        int kmin = i;
        for (int j = i + 1; j < n; j++)
            if (d[j] < d[kmin])
                kmin = j;
        if (kmin == i)
            continue;
        real t = d[i]; d[i] = d[kmin]; d[kmin] = t;
        real *zi = z + (ptrdiff_t)i * ldz, *zk = z + (ptrdiff_t)kmin * ldz;
        for (int r = 0; r < n; r++) {
            real u = zi[r]; zi[r] = zk[r]; zk[r] = u;
        }
    }
}

size_t EK(tridiagonal_qr_workspace)(int n)
{
    size_t nn = (size_t)(n > 1 ? n : 2);
    size_t ints = (2 * nn * sizeof(int) + sizeof(real) - 1) / sizeof(real);
    return 3 * (nn - 1) * EK_TUNE_QR_BATCH + nn + ints;
}

/* QL/QR on every unreduced block, rotations going through b; returns as
 * ek_p_tridiagonal_qr. */
static int qr_all_blocks(int n, real *d, real *e, real *z, int ldz, batch *b)
{
    const consts k = machine();
    int maxit = MAXIT * n, jtot = 0, failed = 0;
    for (int l1 = 0; l1 < n && !failed;) {
        if (l1 > 0)
            e[l1 - 1] = 0;
        int a = l1, bb = next_split(n, d, e, l1, k.eps);
        l1 = bb + 1;
        if (bb == a)
            continue;
        real anorm = block_max_abs(bb - a + 1, d + a, e + a);
        if (anorm == 0)
            continue;
        if (!(anorm <= 1 / EK_SAFMIN)) {   /* Inf or NaN: give up */
            failed = 1;
            break;
        }
        real to = scale_block(d, e, a, bb, anorm, &k);
        view v = EK_FABS(d[bb]) >= EK_FABS(d[a]) ? forward_view(d, e) : reversed_view(d, e, bb);
        failed = v.rev ? ql_block(v, 0, bb - a, &k, b, &jtot, maxit)
                       : ql_block(v, a, bb, &k, b, &jtot, maxit);
        unscale_block(d, e, a, bb, anorm, to);
    }
    batch_flush(b);
    if (failed)
        return count_nonzero(n, e);
    sort_with_vectors(n, d, z, ldz);
    return 0;
}

int EK(tridiagonal_qr)(int n, real *d, real *e, real *z, int ldz, real *work, size_t lwork,
                       int nthreads)
{
    if (n <= 1)
        return 0;
    if (lwork < EK(tridiagonal_qr_workspace)(n))
        return -1;
    batch b;
    if (n <= EK_TUNE_QR_DIRECT_MAX)
        batch_init_direct(&b, n, z, ldz);
    else
        batch_init(&b, n, work, z, ldz, nthreads);
    return qr_all_blocks(n, d, e, z, ldz, &b);
}

int EK(tridiagonal_qr_small)(int n, real *d, real *e, real *z, int ldz)
{
    if (n <= 1)
        return 0;
    batch b;
    batch_init_direct(&b, n, z, ldz);
    return qr_all_blocks(n, d, e, z, ldz, &b);
}
