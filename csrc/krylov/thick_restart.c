/*
 * thick_restart.c -- the end of a Lanczos cycle: Rayleigh-Ritz, locking,
 * and the thick restart (Wu & Simon, SIAM J. Matrix Anal. Appl. 22(2),
 * 2000; Stathopoulos, Saad & Wu 1998 for the choice of kept vectors).
 *
 * With the active basis V (m columns), H = V^H B OP V and the residual
 * block W R (lanczos.c keeps OP V = V H + W R E_last^H), a cycle ends by
 *   1. H = S diag(theta) S^H (eigkit's dense solver), the residual norm of
 *      the Ritz pair (theta_i, V s_i) being ||R s_i,last||;
 *   2. locking the wanted pairs whose residual is below tol ||OP||est
 *      (hard locking: they leave the active basis and every later vector is
 *      kept orthogonal to them);
 *   3. restarting from Y = V S_keep, some unconverged Ritz vectors, best
 *      first: OP Y = Y diag(theta) + W (R S_keep,last), so H becomes
 *      diag(theta) bordered by the couplings (R S_keep,last)^H of Y to W
 *      (an arrowhead), which are set here and not recomputed, and W is the
 *      next block the operator is applied to.
 * Multiple eigenvalues: a block of b vectors holds at most b copies of an
 * eigenvalue in exact arithmetic; in floating point, rounding errors seed
 * the others, which later cycles find.  Before returning, a verification
 * cycle with a block widened by fresh random columns looks for copies the
 * Krylov space missed.
 */
#include <math.h>
#include <string.h>
#include "common/types.h"
#include "krylov/lanczos.h"
#include "krylov/lanczos_internal.h"
#include "common/selection.h"
#include "dense/symmetric_eigen.h"
#include "krylov/tall_skinny.h"

static real tol_eff(const ek_lanczos_state *st)
{
    real t = (real)st->par.tol;
    return t > EK_EPS ? t : EK_EPS;
}

/* The residual below which the pair of Ritz value theta has converged:
 * tol ||OP||est, or, value-relative, tol max(|theta|, eps^(2/3) ||OP||est)
 * (ARPACK's dsconv, made scale-invariant).  The relative test matters when
 * the wanted values are small against ||OP|| (which = 'SA' or 'SM' under a
 * shift-invert or generalized transformation): there the problem's own
 * residual, A x - lambda M x, is the OP residual divided by theta. */
static real lock_threshold(const ek_lanczos_state *st, real theta)
{
    real scale = (real)st->anorm;
    if (st->par.value_relative) {
        real cube_root = (real)cbrt((double)EK_EPS);
        real floor = cube_root * cube_root * scale;
        real size = EK_FABS(theta);
        scale = size > floor ? size : floor;
    }
    return tol_eff(st) * scale;
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

/* How much worse than b the value a is for `which` (negative: better). */
static real worse_by(int which, real a, real b)
{
    switch (which) {
    case EK_LZ_LA: return b - a;
    case EK_LZ_SA: return a - b;
    case EK_LZ_LM: return EK_FABS(b) - EK_FABS(a);
    case EK_LZ_SM: return EK_FABS(a) - EK_FABS(b);
    default: return 0;
    }
}

/* A verification cycle may stop before its best Ritz value has converged
 * to tol when the value is clearly worse than the worst locked one: its
 * residual is below this fraction of the distance.  Some eigenvalue lies
 * within the residual of the Ritz value, and a Ritz vector that still
 * mixed in an eigenvector of a better (missing) eigenvalue would have a
 * residual of the order of the distance between the two. */
#define VERIFY_SEPARATION ((real)0.1)

/* Verification cycles before a verification may conclude.  Its fresh
 * columns hold the missed copies of a multiple eigenvalue only as small
 * components, which the Krylov polynomial must bring out; after one cycle
 * (degree about (ncv - kept) / block) a converged Ritz value kept from the
 * search, beyond the k wanted, is still the best, and the verification
 * would stop (a graph with six components: eigenvalue 0 six times, three
 * found).  A locked cluster is where copies go missing, so there the
 * verification lasts VERIFY_CLUSTER_CYCLES; elsewhere one cycle. */
#define VERIFY_CLUSTER_CYCLES 3
static int verify_cycles(int cluster)
{
    return cluster >= 2 ? VERIFY_CLUSTER_CYCLES : 1;
}

/* Block steps of a verification cycle: its restart keeps all but this many
 * blocks of the basis.  The kept Ritz vectors already hold the converged
 * spectrum, so the fresh columns need only a short Krylov sequence to show
 * a missed copy, and short cycles let the stopping test above run sooner.
 * Against half the basis free (k = 10): the benchmark matrices took 2 to
 * 59 % fewer products (the 2-D Laplacian of order 10000, LA, 1262 -> 518;
 * svds' Gram operator 55 -> 51 at n = 2000) except the 2-D Laplacian of
 * order 2025, LA (579 -> 594); the multiplicity starts (6-fold and 8-fold
 * graph eigenvalues, doubled and quadrupled tops, 252 starts) -9 to +3 %,
 * none missing a copy.  With one step, 7 of 60 starts of the 8-fold graph
 * missed copies. */
#define VERIFY_BLOCK_STEPS 2

/* A verification still running after this many cycles is finding missed
 * copies (the 2-D Laplacian's double eigenvalues, which a search with a
 * block of one vector found once each): each copy's Ritz value converges
 * at the rate of its gap to the rest, over many cycles.  There a short
 * cycle costs more than its products: its restart recombines the whole
 * basis (n m nkeep multiply-adds, lz_do_restart) to add two blocks, each
 * vector of which costs about 4 n m in orthogonalization.  Longer cycles
 * then keep at most VERIFY_LONG_KEEP of the room, so that the restart
 * costs no more than the cycle's orthogonalization.  Against short cycles
 * throughout (k = 10, tol = 1e-8, one thread): the 2-D Laplacian of order
 * 20000 took 2349 -> 1974 products and 2.7 -> 1.5 s (LA), 2704 -> 2272
 * and 3.4 -> 1.8 s (SA), of order 5041 (LA) 1030 -> 896 and 0.32 -> 0.18
 * s; smaller orders and the multiplicity starts of VERIFY_BLOCK_STEPS
 * changed by -7 to +4 % in products, none missing a copy. */
#define VERIFY_SHORT_CYCLES 8
#define VERIFY_LONG_KEEP_NUM 2
#define VERIFY_LONG_KEEP_DEN 3

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
    ek_lz_sizes s = EK(lz_plan_sizes)(&st->par);
    int lim = s.bmax;
    if (lim > st->ncv_cur - nw) lim = st->ncv_cur - nw;
    if (lim > (st->par.n - nl - nw) / 2) lim = (st->par.n - nl - nw) / 2;
    return lim;
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

int EK(lz_rayleigh_ritz)(ek_lanczos_state *st)
{
    int m = st->mact, b = st->b, n = NN(st);
    ek_lz_sizes s = EK(lz_plan_sizes)(&st->par);
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

/* Adaptive basis size.  A small basis (ARPACK's max(2k + 1, 20)) costs
 * little per product: each new vector is orthogonalized against few
 * others, and on a well separated spectrum it needs no more products than
 * a wide one.  On a clustered spectrum, though, a thick restart with m
 * columns damps the unwanted part by a polynomial of degree about m - k
 * per cycle, and a degree that low barely separates close eigenvalues
 * (the Chebyshev bound: the convergence factor per degree is about
 * exp(-2 sqrt(gap / spread)) only once the degree exceeds the inverse of
 * that square root).  So the basis grows, by half, up to par.ncv, after
 * every STALL_CYCLES cycles that locked nothing new and together cut the
 * residual of the best unlocked wanted pair by less than STALL_FACTOR: the
 * solve pays for a wide basis only where it needs one.  (Judged on one
 * cycle, a small basis, which adds only (m - k) / 2 vectors per cycle,
 * looked stalled on every spectrum; the random sparse matrix of the
 * benchmark, n = 3000, then took 25% longer for the same products.)  The
 * decision depends only on the computed residuals, so a run stays
 * deterministic. */
#define STALL_FACTOR ((real)0.1)
#define STALL_CYCLES 3

/* Stalled cycles before the basis widens.  Up to the soft width
 * (par.ncv_soft), STALL_CYCLES.  Beyond it, every product costs more in
 * orthogonalization and restart work than the matrix product itself on a
 * cheap operator, and a solve that locks a value every few cycles gains
 * little from a wider basis (the 2-D Laplacian, n = 20000, LA, k = 10:
 * 1951 products and 2.4 s of CPU time with 100 columns against 2226 and
 * 2.2 s with 60): there the patience grows in proportion to the width
 * reached, counted in units of the first width.  Long stalls, where the
 * wanted values are clustered relative to the spread of the spectrum
 * (the 1-D Laplacian at tol = 0: hundreds of cycles at 60 columns), still
 * widen: a thick restart of m columns damps the unwanted part like a
 * polynomial of degree about m - nkeep per cycle, and the fewer, longer
 * cycles cost less in all. */
static int stall_patience(const ek_lanczos_state *st, int soft)
{
    int first = st->par.ncv_start > st->par.k ? st->par.ncv_start : soft;
    if (st->ncv_cur < soft)
        return STALL_CYCLES;
    return (STALL_CYCLES * st->ncv_cur + first - 1) / first;
}

static void grow_basis(ek_lanczos_state *st, int nnew, int nl_after)
{
    const real *res = (const real *)st->res;
    const int *order = st->order, *sel = st->sel;
    int m = st->mact;
    real lead = -1;
    for (int t = 0; t < m && lead < 0; t++) {
        int i = order[t], locked = 0;
        for (int u = 0; u < nnew; u++)
            if (sel[u] == i) locked = 1;
        if (!locked) lead = res[i];
    }
    if (st->verify || lead < 0 || st->ncv_cur >= st->par.ncv) {
        st->lead_nlock = -1;
        return;
    }
    if (st->lead_nlock != nl_after) {
        /* something locked: a new reference point */
        st->lead_nlock = nl_after;
        st->lead_res = lead;
        st->stall_cycles = 0;
        return;
    }
    int soft = st->par.ncv_soft > 0 && st->par.ncv_soft < st->par.ncv ? st->par.ncv_soft
                                                                       : st->par.ncv;
    if (++st->stall_cycles < stall_patience(st, soft))
        return;
    if (lead > STALL_FACTOR * (real)st->lead_res) {
        int grown = st->ncv_cur + (st->ncv_cur + 1) / 2;
        int limit = st->ncv_cur < soft ? soft : st->par.ncv;
        st->ncv_cur = grown < limit ? grown : limit;
    }
    st->lead_res = lead;
    st->stall_cycles = 0;
}

/* Decide locking, termination, growth and what to keep.  Returns 1 when
 * the solve is finished (converged), 0 to restart. */
int EK(lz_plan_restart)(ek_lanczos_state *st)
{
    int m = st->mact, k = st->par.k, which = st->par.which;
    real *th = (real *)st->theta, *res = (real *)st->res;
    real *lv = (real *)st->lock_val, *lr = (real *)st->lock_res;
    int *order = st->order, *side = st->side, *sel = st->sel;
    int nw = rank_ritz(st, th, m);
    int nnew = 0, drop = -1, done = 0;

    if (!st->verify) {
        for (int t = 0; t < nw; t++)
            if (st->exhausted || res[order[t]] <= lock_threshold(st, th[order[t]]))
                sel[nnew++] = order[t];
    } else {
        int i = order[0], worst = 0;
        for (int q = 1; q < st->nlock; q++)
            if (better(which, lv[worst], lv[q]))
                worst = q;
        real gap = worse_by(which, th[i], lv[worst]);
        if (st->exhausted || res[i] <= lock_threshold(st, th[i]) ||
            (gap > cluster_tol(st) && res[i] <= VERIFY_SEPARATION * gap)) {
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
    if (done && !st->exhausted && st->verify < verify_cycles(cs))
        done = 0;
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
            st->verify++;
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
    }
    /* While searching, the block keeps its size even when a locked cluster
     * fills it: rounding errors seed the further copies of a multiple
     * eigenvalue and the following cycles find them (two at a time with a
     * block of two), and the verification above brings in fresh directions
     * for any that were missed.  Growing the block instead shortens the
     * Krylov sequence each restart builds: the kNN graph with an 8-fold
     * eigenvalue took 489 matvecs with the block grown from 2 to 4 and 372
     * with 2 kept, the 2-D Laplacian (LA) 3829 and 3312. */
    st->nnew = nnew;
    st->drop = drop;
    if (done) {
        st->nkeep = 0;
        st->bnew = st->b;
        return 1;
    }
    grow_basis(st, nnew, nl_after);
    /* Kept Ritz vectors: the wanted ones plus half the free room. */
    int nw2 = st->verify ? 1 : k - nl_after;
    int cap = st->ncv_cur, c2 = st->par.n - nl_after - bnew;
    if (c2 < cap) cap = c2;
    int room = cap - bnew;
    int nkeep = nw2 + (room - nw2) / 2;
    if (st->verify && room - VERIFY_BLOCK_STEPS * bnew > nkeep) {
        nkeep = room - VERIFY_BLOCK_STEPS * bnew;
        int long_keep = VERIFY_LONG_KEEP_NUM * room / VERIFY_LONG_KEEP_DEN;
        if (st->verify > VERIFY_SHORT_CYCLES && nkeep > long_keep)
            nkeep = long_keep > nw2 ? long_keep : nw2;
    }
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
void EK(lz_do_restart)(ek_lanczos_state *st)
{
    int n = NN(st), m = st->mact, b = st->b, gen = st->par.generalized;
    ek_lz_sizes s = EK(lz_plan_sizes)(&st->par);
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
    /* H = diag(theta) bordered by the kept vectors' couplings to the
     * residual block, which becomes the first block of the next cycle:
     * OP Y = Y diag(theta) + W (R S_last), so Y^H B OP W = (R S_last)^H.
     * P = R S_last from lz_rayleigh_ritz (b x m, ld bmax).  Columns a
     * widened block adds are fresh and B-orthogonal to Y and W: coupling 0.
     * Computing these entries again from OP W would add OP's rounding to
     * them (see orthogonalize_new_block in lanczos.c). */
    memset(H, 0, (size_t)ld * ld * sizeof(scalar));
    const scalar *P = (const scalar *)st->P;
    for (int i = 0; i < nkeep; i++) {
        int c = sel[nnew + i];
        EK_AT(H, ld, i, i) = th[c];
        for (int j = 0; j < b; j++)
            EK_AT(H, ld, i, nkeep + j) = EK_CONJ(P[(size_t)c * s.bmax + j]);
    }
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
    st->cap = EK(lz_capacity)(st);
}
