/*
 * lanczos.c -- thick-restart block Lanczos, reverse communication.
 * See lanczos.h for the protocol and the method.
 *
 * Layout of the basis V (n x vcols, ld n), and of BV = B V when the
 * problem is generalized (BV aliases V otherwise):
 *
 *   [ locked (nlock) | active basis (mact) | next block (b) ]
 *
 * The active basis is a set of kept Ritz vectors followed by blocks of b
 * columns; the last of these blocks is the one OP was (or is about to be)
 * applied to, and the "next block" slot receives OP of it.  H (mdim x mdim,
 * ld mdim) holds the projection V_act^H B OP V_act: its upper triangle is
 * filled by the Gram-Schmidt coefficients of each new block, which are the
 * projections themselves, so no structure of H is assumed; after a restart
 * its kept part is diag(theta) (arrowhead once the next block couples in).
 *
 * Invariant: OP V_act = V_act H + W R E_last^H, W the next block
 * (B-orthonormal, orthogonal to V_act and to the locked vectors) and R the
 * b x b factor of its QR.  The residual norm of the Ritz pair (theta, V s)
 * is therefore ||R s_last||, s_last the last b entries of s.
 */
#include <string.h>
#include "types.h"
#include "lanczos.h"
#include "selection.h"
#include "symmetric_eigen.h"
#include "tall_skinny.h"

enum { PH_START = 0, PH_FILL_A, PH_FILL_B, PH_APPLY, PH_AFTER_OP, PH_AFTER_QR, PH_RR,
       PH_RESTART, PH_DONE };

/* ---------------------------------------------------------------- sizes */

typedef struct {
    int full;   /* the whole space in one block: exact */
    int b0;     /* initial block size */
    int bmax;   /* largest block */
    int mdim;   /* largest active basis */
    int vcols;  /* columns of V */
} sizes;

static sizes plan_sizes(const ek_lanczos_params *par)
{
    sizes s;
    int n = par->n, k = par->k, ncv = par->ncv;
    int b = par->block;
    if (b > ncv - k) b = ncv - k;
    if (b > (n - k - 1) / 2) b = (n - k - 1) / 2;
    s.full = (b < 1 || ncv >= n);
    if (s.full) {
        s.b0 = s.bmax = s.mdim = n;
        s.vcols = 2 * n;
    } else {
        int bm = par->max_block > b ? par->max_block : b;
        if (bm > ncv - 1) bm = ncv - 1;
        if (bm > (n - k - 1) / 2 && bm > b) bm = ((n - k - 1) / 2 > b ? (n - k - 1) / 2 : b);
        if (bm < b) bm = b;
        s.b0 = b;
        s.bmax = bm;
        s.mdim = ncv;
        s.vcols = k + ncv + bm;
    }
    return s;
}

typedef struct {
    size_t V, BV, T, BT, H, Hw, S, C, R, P, theta, res, lock_val, lock_res, wnorm, rep_values,
        rep_res, order, side, lock_side, mask, sel, tall, dense, dense_bytes, total;
} layout;

static size_t align_up(size_t x) { return (x + 63) / 64 * 64; }

static layout plan_layout(const ek_lanczos_params *par)
{
    sizes s = plan_sizes(par);
    layout L;
    size_t n = (size_t)par->n, m = (size_t)s.mdim, k = (size_t)par->k, bm = (size_t)s.bmax;
    size_t vc = (size_t)s.vcols, off = 0;
    int gen = par->generalized;
#define TAKE(field, bytes) do { L.field = off; off = align_up(off + (bytes)); } while (0)
    TAKE(V, n * vc * sizeof(scalar));
    TAKE(BV, gen ? n * vc * sizeof(scalar) : 0);
    TAKE(T, n * m * sizeof(scalar));
    TAKE(BT, gen ? n * m * sizeof(scalar) : 0);
    TAKE(H, m * m * sizeof(scalar));
    TAKE(Hw, m * m * sizeof(scalar));
    TAKE(S, m * m * sizeof(scalar));
    TAKE(C, vc * bm * sizeof(scalar));
    TAKE(R, bm * bm * sizeof(scalar));
    TAKE(P, bm * m * sizeof(scalar));
    TAKE(theta, m * sizeof(real));
    TAKE(res, m * sizeof(real));
    TAKE(lock_val, (k + m) * sizeof(real));
    TAKE(lock_res, (k + 1) * sizeof(real));
    TAKE(wnorm, bm * sizeof(real));
    TAKE(rep_values, (k + 1) * sizeof(real));
    TAKE(rep_res, (k + 1) * sizeof(real));
    TAKE(order, m * sizeof(int));
    TAKE(side, m * sizeof(int));
    TAKE(lock_side, (k + 1) * sizeof(int));
    TAKE(mask, bm * sizeof(int));
    TAKE(sel, m * sizeof(int));
    TAKE(tall, EK(tall_scratch)((int)vc, (int)bm) * sizeof(scalar));
    ek_selection all = {EK_SELECT_ALL, 0, 0, 0.0, 0.0};
    L.dense_bytes = EK(symmetric_eigen_workspace)((int)m, 1, &all);
    TAKE(dense, L.dense_bytes);
#undef TAKE
    L.total = off + 64; /* room to align the base */
    return L;
}

size_t EK(lanczos_workspace)(const ek_lanczos_params *par)
{
    return plan_layout(par).total;
}

/* ------------------------------------------------------------ helpers */

#define VV(st) ((scalar *)(st)->V)
#define BVV(st) ((scalar *)(st)->BV)
#define NN(st) ((st)->par.n)
#define COL(a, n, j) ((a) + (size_t)(j) * (size_t)(n))

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static real uniform(uint64_t *s)
{
    return (real)((double)(splitmix64(s) >> 11) * (1.0 / 9007199254740992.0) * 2.0 - 1.0);
}

static void fill_random(ek_lanczos_state *st, scalar *x)
{
    for (int i = 0; i < NN(st); i++) {
#if EK_IS_COMPLEX
        real re = uniform(&st->rng);
        real im = uniform(&st->rng);
        x[i] = re + im * I;
#else
        x[i] = uniform(&st->rng);
#endif
    }
}

static int all_finite(const scalar *x, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        real a = EK_RE(x[i]) + EK_IM(x[i]);
        if (!(a - a == 0))
            return 0;
    }
    return 1;
}

/* B-norm of column x (Bx its B-image). */
static real bnorm(int n, const scalar *x, const scalar *bx)
{
    real v = EK_RE(xdotc(n, x, 1, bx, 1));
    return EK_SQRT(EK_FABS(v));
}

static real tol_eff(const ek_lanczos_state *st)
{
    real t = (real)st->par.tol;
    return t > EK_EPS ? t : EK_EPS;
}

static real cluster_tol(const ek_lanczos_state *st)
{
    real t = 10 * tol_eff(st);
    real s = EK_SQRT(EK_EPS);
    return (t > s ? t : s) * (real)st->anorm;
}

static int better(int which, real a, real b)
{
    switch (which) {
    case EK_LZ_LA: return a > b;
    case EK_LZ_SA: return a < b;
    case EK_LZ_LM: return EK_FABS(a) > EK_FABS(b);
    case EK_LZ_SM: return EK_FABS(a) < EK_FABS(b);
    default: return 0;
    }
}

/* Largest number of values of v[0..m) within `tol` of a neighbour chain. */
static int largest_cluster(real *v, int m, real tol)
{
    for (int i = 1; i < m; i++) { /* insertion sort: m <= k is small */
        real x = v[i];
        int j = i - 1;
        while (j >= 0 && v[j] > x) { v[j + 1] = v[j]; j--; }
        v[j + 1] = x;
    }
    int best = m > 0 ? 1 : 0, run = 1;
    for (int i = 1; i < m; i++) {
        run = (v[i] - v[i - 1] <= tol) ? run + 1 : 1;
        if (run > best) best = run;
    }
    return best;
}

/* Largest block the state may grow to with `nw` wanted and `nl` locked. */
static int block_limit(const ek_lanczos_state *st, int nw, int nl)
{
    sizes s = plan_sizes(&st->par);
    int lim = s.bmax;
    if (lim > st->par.ncv - nw) lim = st->par.ncv - nw;
    if (lim > (st->par.n - nl - nw) / 2) lim = (st->par.n - nl - nw) / 2;
    return lim;
}

static int capacity(const ek_lanczos_state *st)
{
    sizes s = plan_sizes(&st->par);
    if (s.full)
        return s.mdim;
    int c = st->par.ncv, c2 = st->par.n - st->nlock - st->b;
    return c < c2 ? c : c2;
}

/* ------------------------------------------- orthogonalization kernels */

/* C = X^H Y and Y -= X C for the basis, in row slabs (tall_skinny.h). */
static void basis_inner(ek_lanczos_state *st, int q, int b, const scalar *X, const scalar *Y,
                        scalar *C, int ldc)
{
    EK(tall_inner)(NN(st), q, b, X, NN(st), Y, NN(st), C, ldc, (scalar *)st->tall,
                   st->par.nthreads);
}

static void basis_subtract(ek_lanczos_state *st, int q, int b, const scalar *X, const scalar *C,
                           int ldc, scalar *Y)
{
    EK(tall_combine)(NN(st), q, b, -1, X, NN(st), C, ldc, 1, Y, NN(st), st->par.nthreads);
}

/* y -= c x, here rather than xaxpy: a threaded BLAS would start its threads
 * for one long vector. */
static void subtract_column(int n, scalar c, const scalar *x, scalar *y)
{
    for (int i = 0; i < n; i++)
        y[i] -= c * x[i];
}

/* Orthogonalize column x (B-image bx) against V[:, :q] and against the
 * block columns c0 + j with ok[j] (j != self), twice.  Returns the B-norm
 * left. */
static real orth_column(ek_lanczos_state *st, int q, int c0, int bw, const int *ok, int self,
                        scalar *x, scalar *bx, scalar *coef)
{
    int n = NN(st), gen = st->par.generalized;
    scalar *V = VV(st), *BV = BVV(st);
    for (int pass = 0; pass < 2; pass++) {
        if (q > 0) {
            basis_inner(st, q, 1, BV, x, coef, q);
            basis_subtract(st, q, 1, V, coef, q, x);
            if (gen)
                basis_subtract(st, q, 1, BV, coef, q, bx);
        }
        for (int j = 0; j < bw; j++) {
            if (j == self || !ok[j])
                continue;
            scalar c = xdotc(n, COL(BV, n, c0 + j), 1, x, 1);
            subtract_column(n, c, COL(V, n, c0 + j), x);
            if (gen)
                subtract_column(n, c, COL(BV, n, c0 + j), bx);
        }
    }
    return bnorm(n, x, bx);
}

/* Stage (b) of a fill: B-orthonormalize the block columns with mask 1
 * against V[:, :c0] and the finished ones.  Columns that lose (almost)
 * everything get mask 2 (regenerate).  Returns how many. */
static int fill_orthonormalize(ek_lanczos_state *st)
{
    int n = NN(st), c0 = st->fill_c0, bw = st->fill_bw, gen = st->par.generalized;
    scalar *V = VV(st), *BV = BVV(st), *coef = (scalar *)st->C;
    int *mask = st->mask, failed = 0;
    int ok[bw > 0 ? bw : 1];
    for (int j = 0; j < bw; j++)
        ok[j] = (mask[j] == 0);
    for (int j = 0; j < bw; j++) {
        if (mask[j] != 1)
            continue;
        scalar *x = COL(V, n, c0 + j), *bx = COL(BV, n, c0 + j);
        real before = bnorm(n, x, bx);
        real after = orth_column(st, c0, c0, bw, ok, j, x, bx, coef);
        real floor_ = 64 * EK_EPS * EK_SQRT((real)n) * before;
        if (!(before > 0) || !(after > floor_)) {
            mask[j] = 2;
            failed++;
            continue;
        }
        xscal(n, 1 / after, x, 1);
        if (gen)
            xscal(n, 1 / after, bx, 1);
        mask[j] = 0;
        ok[j] = 1;
    }
    return failed;
}

/* Column-wise Gram-Schmidt twice of the next block (c0 = nlock + mact,
 * width b) in the B-inner product: W = Q R.  Columns whose norm falls
 * below a rounding-level threshold are deficient: their R row is zero and
 * they are marked for replacement (mask 2).  Returns how many. */
static int block_qr(ek_lanczos_state *st, int c0, int b)
{
    int n = NN(st), gen = st->par.generalized, bm = plan_sizes(&st->par).bmax;
    scalar *V = VV(st), *BV = BVV(st), *R = (scalar *)st->R, *coef = (scalar *)st->C;
    real *wnorm = (real *)st->wnorm;
    int *mask = st->mask, ndef = 0;
    for (int j = 0; j < b; j++)
        for (int i = 0; i < b; i++)
            EK_AT(R, bm, i, j) = 0;
    for (int j = 0; j < b; j++) {
        scalar *x = COL(V, n, c0 + j), *bx = COL(BV, n, c0 + j);
        for (int pass = 0; pass < 2 && j > 0; pass++) {
            basis_inner(st, j, 1, COL(BV, n, c0), x, coef, j);
            basis_subtract(st, j, 1, COL(V, n, c0), coef, j, x);
            if (gen)
                basis_subtract(st, j, 1, COL(BV, n, c0), coef, j, bx);
            for (int i = 0; i < j; i++)
                if (!mask[i])
                    EK_AT(R, bm, i, j) += coef[i];
        }
        real nrm = bnorm(n, x, bx);
        real ref = wnorm[j] > (real)st->anorm ? wnorm[j] : (real)st->anorm;
        if (!(nrm > 8 * EK_EPS * ref)) {
            memset(x, 0, (size_t)n * sizeof(scalar));
            if (gen)
                memset(bx, 0, (size_t)n * sizeof(scalar));
            mask[j] = 2;
            ndef++;
            continue;
        }
        mask[j] = 0;
        EK_AT(R, bm, j, j) = nrm;
        xscal(n, 1 / nrm, x, 1);
        if (gen)
            xscal(n, 1 / nrm, bx, 1);
    }
    return ndef;
}

/* ------------------------------------------------------------ init */

int EK(lanczos_init)(ek_lanczos_state *st, const ek_lanczos_params *par, void *work,
                     size_t work_bytes, const scalar *v0)
{
    memset(st, 0, sizeof(*st));
    if (par->n < 1 || par->k < 1 || par->k >= par->n || par->ncv <= par->k || par->ncv > par->n ||
        par->block < 1 || par->maxiter < 1 || par->which < 0 || par->which > 4 ||
        par->nthreads < 1)
        return EK_LZ_ERR_ARG;
    layout L = plan_layout(par);
    if (work == NULL || work_bytes < L.total)
        return EK_LZ_ERR_WORKSPACE;
    char *base = (char *)(((uintptr_t)work + 63) / 64 * 64);
    st->par = *par;
    st->V = base + L.V;
    st->BV = par->generalized ? (void *)(base + L.BV) : st->V;
    st->T = base + L.T;
    st->BT = par->generalized ? (void *)(base + L.BT) : st->T;
    st->H = base + L.H;
    st->Hw = base + L.Hw;
    st->S = base + L.S;
    st->C = base + L.C;
    st->R = base + L.R;
    st->P = base + L.P;
    st->theta = base + L.theta;
    st->res = base + L.res;
    st->lock_val = base + L.lock_val;
    st->lock_res = base + L.lock_res;
    st->wnorm = base + L.wnorm;
    st->rep_values = base + L.rep_values;
    st->rep_res = base + L.rep_res;
    st->order = (int *)(base + L.order);
    st->side = (int *)(base + L.side);
    st->lock_side = (int *)(base + L.lock_side);
    st->mask = (int *)(base + L.mask);
    st->sel = (int *)(base + L.sel);
    st->tall = base + L.tall;
    st->dense_work = base + L.dense;
    st->dense_bytes = L.dense_bytes;
    st->rng = par->seed ^ 0x6A09E667F3BCC909ULL;
    st->ld = par->n;
    sizes s = plan_sizes(par);
    st->b = s.b0;
    st->nlock = 0;
    st->mact = 0;
    st->anorm = 0;
    int n = par->n, m = s.mdim;
    memset(st->H, 0, (size_t)m * m * sizeof(scalar));
    /* The start block: v0 (if any) and random columns. */
    scalar *V = VV(st);
    for (int j = 0; j < st->b; j++)
        st->mask[j] = 2;
    if (par->have_v0 && v0 != NULL) {
        memcpy(V, v0, (size_t)n * sizeof(scalar));
        if (!all_finite(V, (size_t)n))
            return EK_LZ_ERR_ARG;
        st->mask[0] = 1;
    }
    st->fill_c0 = 0;
    st->fill_bw = st->b;
    st->after_fill = PH_APPLY;
    st->phase = PH_FILL_A;
    st->mact = st->b;
    st->tries = 0;
    return 0;
}

/* ------------------------------------------------------- Rayleigh-Ritz */

/* order[0..m): the active Ritz values best first for `which` (wanted
 * first); side[i] = +1 / -1 for BE's high / low end.  Returns the number
 * of wanted among the active. */
static int rank_ritz(ek_lanczos_state *st, const real *th, int m)
{
    int *order = st->order, *side = st->side, which = st->par.which;
    int k = st->par.k, nl = st->nlock;
    int nw = st->verify ? 1 : k - nl;
    if (nw > m) nw = m;
    int i = 0, j = m - 1, t = 0;
    switch (which) {
    case EK_LZ_LA:
        for (t = 0; t < m; t++) { order[t] = m - 1 - t; side[m - 1 - t] = 1; }
        break;
    case EK_LZ_SA:
        for (t = 0; t < m; t++) { order[t] = t; side[t] = -1; }
        break;
    case EK_LZ_LM:
    case EK_LZ_SM: {
        int tmp[m > 0 ? m : 1];
        while (i <= j) {
            if (EK_FABS(th[i]) > EK_FABS(th[j])) tmp[t++] = i++;
            else tmp[t++] = j--;
        }
        for (t = 0; t < m; t++) {
            order[t] = which == EK_LZ_LM ? tmp[t] : tmp[m - 1 - t];
            side[order[t]] = 0;
        }
        break;
    }
    default: { /* BE */
        int kh = (k + 1) / 2, kl = k / 2, hl = 0, ll = 0;
        for (int q = 0; q < nl; q++) {
            if (st->lock_side[q] > 0) hl++;
            else ll++;
        }
        int rh = kh - hl, rl = kl - ll;
        if (rh < 0) rh = 0;
        if (rl < 0) rl = 0;
        while (rh > 0 && i <= j) { order[t++] = j; side[j--] = 1; rh--; }
        while (rl > 0 && i <= j) { order[t++] = i; side[i++] = -1; rl--; }
        int up = 1;
        while (i <= j) {
            if (up) { order[t++] = j; side[j--] = 1; }
            else { order[t++] = i; side[i++] = -1; }
            up = !up;
        }
        break;
    }
    }
    return nw;
}

static int rayleigh_ritz(ek_lanczos_state *st)
{
    int m = st->mact, b = st->b, n = NN(st);
    sizes s = plan_sizes(&st->par);
    int ld = s.mdim, bm = s.bmax;
    scalar *H = (scalar *)st->H, *Hw = (scalar *)st->Hw, *S = (scalar *)st->S;
    real *th = (real *)st->theta, *res = (real *)st->res;
    for (int j = 0; j < m; j++) {
        for (int i = 0; i < j; i++) {
            EK_AT(Hw, ld, i, j) = EK_AT(H, ld, i, j);
            EK_AT(Hw, ld, j, i) = EK_CONJ(EK_AT(H, ld, i, j));
        }
        EK_AT(Hw, ld, j, j) = EK_RE(EK_AT(H, ld, j, j));
    }
    ek_selection all = {EK_SELECT_ALL, 0, 0, 0.0, 0.0};
    int got = 0;
    int info = EK(symmetric_eigen)(m, Hw, ld, 1, &all, th, &got, S, ld, st->dense_work,
                                   st->dense_bytes, 1);
    if (info != 0 || got != m)
        return EK_LZ_ERR_DENSE;
    if (st->exhausted) {
        for (int i = 0; i < m; i++)
            res[i] = 0;
    } else {
        /* P = R S_last (b x m), residual norms are its column norms. */
        scalar *P = (scalar *)st->P;
        xgemm('N', 'N', b, m, b, 1, (scalar *)st->R, bm, S + (m - b), ld, 0, P, bm);
        for (int i = 0; i < m; i++)
            res[i] = xnrm2(b, P + (size_t)i * bm, 1);
    }
    for (int i = 0; i < m; i++)
        if (EK_FABS(th[i]) > st->anorm)
            st->anorm = EK_FABS(th[i]);
    (void)n;
    return 0;
}

/* Decide locking, termination, growth and what to keep.  Returns 1 when
 * the solve is finished (converged), 0 to restart. */
static int plan_restart(ek_lanczos_state *st)
{
    int m = st->mact, k = st->par.k, which = st->par.which;
    real *th = (real *)st->theta, *res = (real *)st->res;
    real *lv = (real *)st->lock_val, *lr = (real *)st->lock_res;
    int *order = st->order, *side = st->side, *sel = st->sel;
    int nw = rank_ritz(st, th, m);
    real thr = tol_eff(st) * (real)st->anorm;
    int nnew = 0, drop = -1, done = 0;

    if (!st->verify) {
        for (int t = 0; t < nw; t++)
            if (st->exhausted || res[order[t]] <= thr)
                sel[nnew++] = order[t];
    } else {
        int i = order[0];
        if (st->exhausted || res[i] <= thr) {
            int worst = 0;
            for (int q = 1; q < st->nlock; q++)
                if (better(which, lv[worst], lv[q]))
                    worst = q;
            if (better(which, th[i], lv[worst]) &&
                EK_FABS(th[i] - lv[worst]) > cluster_tol(st)) {
                drop = worst;
                sel[nnew++] = i;
            } else {
                done = 1;
            }
        }
    }
    int nl_after = st->nlock - (drop >= 0) + nnew;

    /* Report: the locked values (after this cycle) and the wanted active. */
    {
        real *rv = (real *)st->rep_values, *rr = (real *)st->rep_res;
        int r = 0;
        for (int q = 0; q < st->nlock && r < k; q++)
            if (q != drop) { rv[r] = lv[q]; rr[r] = lr[q]; r++; }
        for (int t = 0; t < nnew && r < k; t++) { rv[r] = th[sel[t]]; rr[r] = res[sel[t]]; r++; }
        for (int t = 0; t < m && r < k; t++) {
            int i = order[t], locked = 0;
            for (int u = 0; u < nnew; u++)
                if (sel[u] == i) locked = 1;
            if (!locked) { rv[r] = th[i]; rr[r] = res[i]; r++; }
        }
        st->nrep = r;
    }

    /* Cluster among the locked values after this cycle. */
    real *scratch = lv + k; /* room for m values */
    int ns = 0;
    for (int q = 0; q < st->nlock; q++)
        if (q != drop) scratch[ns++] = lv[q];
    for (int t = 0; t < nnew; t++) scratch[ns++] = th[sel[t]];
    int cs = largest_cluster(scratch, ns, cluster_tol(st));

    int bnew = st->b;
    if (st->exhausted) {
        done = 1;
    } else if (nl_after == k && !done) {
        /* All k locked.  A multiple eigenvalue among them may have more
         * copies than the Krylov space could hold: verify with a wider block
         * that carries fresh random directions, until the best new value is
         * no better than the worst locked one.  (After a swap in the
         * verification, keep verifying.) */
        int lim = block_limit(st, 1, k);
        if (st->verify) {
            /* no conclusion yet, or a swap: keep verifying, wider if the
             * swap made the cluster reach the block size */
            int want = cs + 1 < lim ? cs + 1 : lim;
            if (drop >= 0 && cs >= st->b && want > st->b)
                bnew = want;
        } else {
            int want = cs + 1 > st->b + 1 ? cs + 1 : st->b + 1;
            if (want > lim) want = lim;
            if (which != EK_LZ_BE && (cs >= 2 || cs >= st->b) && want > st->b) {
                st->verify = 1;
                bnew = want;
            } else if (which == EK_LZ_SM || which == EK_LZ_LM) {
                /* SM wants interior values, LM both ends at once: a Ritz
                 * value converged and locked early may not be among the k
                 * wanted (a better one had not appeared yet); verify */
                st->verify = 1;
            } else {
                done = 1;
            }
        }
    } else if (!done && cs >= st->b) {
        /* While searching, a cluster as large as the block hints at more
         * copies; grow, but to at most twice the initial block: the copies
         * a block this wide misses are found by the verification below,
         * and a wide block shortens the Krylov sequence each restart can
         * build (kNN graph with an 8-fold eigenvalue: 825 matvecs with
         * the block grown to 8, 457 with 4). */
        int nw2 = st->verify ? 1 : k - nl_after;
        int lim = block_limit(st, nw2, nl_after);
        if (!st->verify && lim > 2 * st->par.block)
            lim = 2 * st->par.block;
        int want = cs + 1 < lim ? cs + 1 : lim;
        if (want > bnew) bnew = want;
    }
    st->nnew = nnew;
    st->drop = drop;
    if (done) {
        st->nkeep = 0;
        st->bnew = st->b;
        return 1;
    }
    /* Kept Ritz vectors: the wanted ones plus half the free room. */
    int nw2 = st->verify ? 1 : k - nl_after;
    int cap = st->par.ncv, c2 = st->par.n - nl_after - bnew;
    if (c2 < cap) cap = c2;
    int room = cap - bnew;
    int nkeep = nw2 + (room - nw2) / 2;
    if (nkeep > room) nkeep = room;
    if (nkeep > m - nnew) nkeep = m - nnew;
    if (nkeep < 0) nkeep = 0;
    int t = 0, c = 0;
    while (c < nkeep && t < m) {
        int i = order[t++], locked = 0;
        for (int u = 0; u < nnew; u++)
            if (sel[u] == i) locked = 1;
        if (!locked)
            sel[nnew + c++] = i;
    }
    st->nkeep = c;
    st->bnew = bnew;
    (void)side;
    return 0;
}

/* Move the locked and kept Ritz vectors into place, set H = diag(theta),
 * make the residual block the next block (possibly widened). */
static void do_restart(ek_lanczos_state *st)
{
    int n = NN(st), m = st->mact, b = st->b, gen = st->par.generalized;
    sizes s = plan_sizes(&st->par);
    int ld = s.mdim;
    int nnew = st->nnew, nkeep = st->nkeep, ns = nnew + nkeep;
    scalar *V = VV(st), *BV = BVV(st), *T = (scalar *)st->T, *BT = (scalar *)st->BT;
    scalar *S = (scalar *)st->S, *G = (scalar *)st->Hw, *H = (scalar *)st->H;
    real *th = (real *)st->theta, *res = (real *)st->res;
    real *lv = (real *)st->lock_val, *lr = (real *)st->lock_res;
    int *sel = st->sel;
    int nl0 = st->nlock;
    /* G = S[:, sel], T = V_act G. */
    for (int t = 0; t < ns; t++)
        memcpy(G + (size_t)t * ld, S + (size_t)sel[t] * ld, (size_t)m * sizeof(scalar));
    if (ns > 0) {
        EK(tall_combine)(n, m, ns, 1, COL(V, n, nl0), n, G, ld, 0, T, n, st->par.nthreads);
        if (gen)
            EK(tall_combine)(n, m, ns, 1, COL(BV, n, nl0), n, G, ld, 0, BT, n, st->par.nthreads);
    }
    int resid_src = nl0 + m;
    if (st->drop >= 0) {
        int d = st->drop, last = nl0 - 1;
        if (d != last) {
            memcpy(COL(V, n, d), COL(V, n, last), (size_t)n * sizeof(scalar));
            if (gen)
                memcpy(COL(BV, n, d), COL(BV, n, last), (size_t)n * sizeof(scalar));
            lv[d] = lv[last];
            lr[d] = lr[last];
            st->lock_side[d] = st->lock_side[last];
        }
        nl0--;
    }
    int resid_dst = nl0 + ns;
    memmove(COL(V, n, resid_dst), COL(V, n, resid_src), (size_t)n * b * sizeof(scalar));
    if (gen)
        memmove(COL(BV, n, resid_dst), COL(BV, n, resid_src), (size_t)n * b * sizeof(scalar));
    if (ns > 0) {
        memcpy(COL(V, n, nl0), T, (size_t)n * ns * sizeof(scalar));
        if (gen)
            memcpy(COL(BV, n, nl0), BT, (size_t)n * ns * sizeof(scalar));
    }
    for (int t = 0; t < nnew; t++) {
        lv[nl0 + t] = th[sel[t]];
        lr[nl0 + t] = res[sel[t]];
        st->lock_side[nl0 + t] = st->side[sel[t]];
    }
    st->nlock = nl0 + nnew;
    memset(H, 0, (size_t)ld * ld * sizeof(scalar));
    for (int i = 0; i < nkeep; i++)
        EK_AT(H, ld, i, i) = th[sel[nnew + i]];
    st->mact = nkeep + b;
    if (st->bnew > b) {
        for (int j = 0; j < st->bnew; j++)
            st->mask[j] = j < b ? 0 : 2;
        st->fill_c0 = st->nlock + nkeep;
        st->fill_bw = st->bnew;
        st->b = st->bnew;
        st->mact = nkeep + st->b;
        st->after_fill = PH_APPLY;
        st->tries = 0;
        st->phase = PH_FILL_A;
    } else {
        st->phase = PH_APPLY;
    }
    st->cap = capacity(st);
}

/* --------------------------------------------------------------- step */

int EK(lanczos_step)(ek_lanczos_state *st)
{
    int n = NN(st), gen = st->par.generalized;
    sizes s = plan_sizes(&st->par);
    for (int guard = 0; guard < 1000000; guard++) {
        switch (st->phase) {
        case PH_FILL_A: {
            scalar *V = VV(st);
            int any = 0;
            for (int j = 0; j < st->fill_bw; j++)
                if (st->mask[j] == 2) {
                    fill_random(st, COL(V, n, st->fill_c0 + j));
                    st->mask[j] = 1;
                    any = 1;
                } else if (st->mask[j] == 1) {
                    any = 1;
                }
            if (!any) {
                st->phase = st->after_fill;
                break;
            }
            st->phase = PH_FILL_B;
            if (gen) {
                st->ncols = st->fill_bw;
                st->x = COL(V, n, st->fill_c0);
                st->y = COL(BVV(st), n, st->fill_c0);
                st->by = NULL;
                return EK_LZ_APPLY_B;
            }
            break;
        }
        case PH_FILL_B: {
            if (gen && !all_finite(COL(BVV(st), n, st->fill_c0), (size_t)n * st->fill_bw))
                return st->phase = PH_DONE, EK_LZ_ERR_NONFINITE;
            int failed = fill_orthonormalize(st);
            if (failed) {
                if (++st->tries > 5) {
                    st->phase = PH_DONE;
                    return EK_LZ_ERR_BREAKDOWN;
                }
                st->phase = PH_FILL_A;
            } else {
                st->phase = st->after_fill;
            }
            if (st->phase == PH_APPLY)
                st->cap = capacity(st);
            break;
        }
        case PH_APPLY: {
            int q = st->nlock + st->mact;
            st->ncols = st->b;
            st->x = COL(VV(st), n, q - st->b);
            st->y = COL(VV(st), n, q);
            st->by = gen ? (void *)COL(BVV(st), n, q) : NULL;
            st->phase = PH_AFTER_OP;
            return EK_LZ_APPLY_OP;
        }
        case PH_AFTER_OP: {
            int b = st->b, q = st->nlock + st->mact, ld = s.mdim, ldc = s.vcols;
            scalar *V = VV(st), *BV = BVV(st), *W = COL(V, n, q), *BW = COL(BV, n, q);
            scalar *C = (scalar *)st->C, *H = (scalar *)st->H;
            real *wnorm = (real *)st->wnorm;
            st->nmatvec += b;
            if (!all_finite(W, (size_t)n * b) || (gen && !all_finite(BW, (size_t)n * b))) {
                st->phase = PH_DONE;
                return EK_LZ_ERR_NONFINITE;
            }
            for (int j = 0; j < b; j++)
                wnorm[j] = bnorm(n, COL(W, n, j), COL(BW, n, j));
            /* Pass 0 is local: OP couples the current block only with the
             * previous block and itself (and, for the first blocks after a
             * restart, with the kept Ritz vectors).  Then full classical
             * Gram-Schmidt against all of V, repeated (DGKS) only if some
             * column lost more than 1 - 1/sqrt(2) of its norm in that
             * pass.  The coefficients of every pass add up to the
             * projection V^H B OP V_j, the new column block of H. */
            int first = st->mact - 2 * b;
            if (first <= st->nkeep)
                first = 0;
            real before[b > 0 ? b : 1];
            for (int pass = 0; pass < 3; pass++) {
                int c0 = pass == 0 ? st->nlock + first : 0, nc = q - c0;
                if (pass == 2) {
                    int again = 0;
                    for (int j = 0; j < b && !again; j++)
                        again = bnorm(n, COL(W, n, j), COL(BW, n, j)) < (real)0.7071 * before[j];
                    if (!again)
                        break;
                }
                if (pass == 1)
                    for (int j = 0; j < b; j++)
                        before[j] = bnorm(n, COL(W, n, j), COL(BW, n, j));
                if (nc <= 0)
                    continue;
                basis_inner(st, nc, b, COL(BV, n, c0), W, C, ldc);
                basis_subtract(st, nc, b, COL(V, n, c0), C, ldc, W);
                if (gen)
                    basis_subtract(st, nc, b, COL(BV, n, c0), C, ldc, BW);
                for (int j = 0; j < b; j++)
                    for (int i = 0; i < nc; i++) {
                        int r = c0 + i - st->nlock;
                        if (r >= 0)
                            EK_AT(H, ld, r, st->mact - b + j) += EK_AT(C, ldc, i, j);
                    }
            }
            if (q >= n) {
                st->exhausted = 1;
                st->phase = PH_RR;
                break;
            }
            int ndef = block_qr(st, q, b);
            st->phase = PH_AFTER_QR;
            if (ndef) {
                st->fill_c0 = q;
                st->fill_bw = b;
                st->after_fill = PH_AFTER_QR;
                st->tries = 0;
                st->phase = PH_FILL_A;
            }
            break;
        }
        case PH_AFTER_QR:
            if (st->mact + st->b <= st->cap) {
                st->mact += st->b;
                st->phase = PH_APPLY;
            } else {
                st->phase = PH_RR;
            }
            break;
        case PH_RR: {
            int info = rayleigh_ritz(st);
            if (info) {
                st->phase = PH_DONE;
                return info;
            }
            st->iter++;
            int finished = plan_restart(st);
            if (finished) {
                /* lock the final ones without a restart */
                st->phase = PH_DONE;
                do_restart(st);
                st->phase = PH_DONE;
                st->after_fill = EK_LZ_CONVERGED;
            } else if (st->iter >= st->par.maxiter) {
                st->nkeep = 0;
                st->bnew = st->b;
                do_restart(st);
                st->phase = PH_DONE;
                st->after_fill = st->nlock >= st->par.k ? EK_LZ_CONVERGED : EK_LZ_NOT_CONVERGED;
            } else {
                st->phase = PH_RESTART;
            }
            return EK_LZ_PROGRESS;
        }
        case PH_RESTART:
            do_restart(st);
            break;
        case PH_DONE:
            return st->after_fill;
        default:
            return EK_LZ_ERR_ARG;
        }
    }
    return EK_LZ_ERR_BREAKDOWN;
}

int EK(lanczos_extract)(const ek_lanczos_state *st, real *w, real *res, scalar *z, int ldz)
{
    int n = st->par.n, nl = st->nlock;
    const real *lv = (const real *)st->lock_val, *lr = (const real *)st->lock_res;
    for (int i = 0; i < nl; i++) {
        if (w) w[i] = lv[i];
        if (res) res[i] = lr[i];
        if (z)
            memcpy(z + (size_t)i * ldz, COL((const scalar *)st->V, n, i), (size_t)n * sizeof(scalar));
    }
    return nl;
}
