/*
 * inverse_iteration.c -- eigenvectors of a real symmetric tridiagonal
 * T = tridiag(e, d, e) for given eigenvalues by inverse iteration (the
 * role of LAPACK's xSTEIN; Wilkinson; Jessup & Ipsen 1992).
 *
 * Facts used (the code is our own):
 *  - T - xI = P L U with partial pivoting (U has two superdiagonals, as
 *    xLAGTF), tiny pivots of U raised to eps max|U| in the solves
 *    (xLAGTS), the right-hand side rescaled before each solve so
 *    convergence is seen in ||x||_inf, at most 5 iterations with 2 more
 *    after the test passes, and Gram-Schmidt against the vectors already
 *    computed in the same cluster (eigenvalues less than 1e-3
 *    ||T_block||_1 apart).
 *  - The work is done per unreduced block of T (bisection_internal.h);
 *    xSTEIN is told each eigenvalue's block by xSTEBZ, here it is
 *    recomputed from T and the eigenvalues by Sturm counts.
 * No global state, no allocation: workspace comes from the caller.
 */
#include <string.h>
#include "common/types.h"
#include "common/tuning.h"
#include "tridiagonal/inverse_iteration.h"
#include "tridiagonal/bisection_internal.h"

/* At most 5 solves, 2 more after the growth test. */
#define EK_MAXITS 5
#define EK_EXTRA 2

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
        if (vb->len >= EK_TUNE_INVIT_BLAS_MIN_ORDER) {  /* z_j^T y as a one-column gemv */
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
        EK(bis_block_setup)(&b, t, p, q, 0);
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
        EK(bis_sturm2)(a->bstart[b + 1] - p, t->d + p, t->e + p, t->s, t->pivmin, xs, c);
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
        EK(bis_block_setup)(&tb, t, a->bstart[b], a->bstart[b + 1] - 1, 0);
        int got = EK(bis_block_window)(&tb, lo, hi, a->vals + k, t->n - k);
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
