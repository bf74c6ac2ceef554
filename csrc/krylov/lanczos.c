/*
 * lanczos.c -- thick-restart block Lanczos (Wu & Simon 2000), reverse
 * communication.  See lanczos.h for the protocol and the method.
 *
 * Layout of the basis V (n x vcols, ld n), and of BV = B V when the
 * problem is generalized (BV aliases V otherwise):
 *
 *   [ locked (nlock) | active basis (mact) | next block (b) ]
 *
 * The active basis is a set of kept Ritz vectors followed by blocks of b
 * columns; the last of these blocks is the one OP was (or is about to be)
 * applied to, and the "next block" slot receives OP of it.  H (mdim x mdim,
 * ld mdim) holds the projection V_act^H B OP V_act.  Its rows of the
 * Lanczos blocks are filled by the Gram-Schmidt coefficients of each new
 * block, which are the projections themselves, so no structure is assumed
 * among the blocks.  Its rows of the kept Ritz vectors are known from the
 * restart: diag(theta) bordered by their couplings to the first block (an
 * arrowhead, thick_restart.c); a Gram-Schmidt coefficient along a kept
 * vector, like one along a locked vector, only restores orthogonality and
 * is not added to H (orthogonalize_new_block says why).
 *
 * Generalized problems: a new block's B-image is computed by the caller
 * once the block is orthogonalized against the basis (phase_factor_block),
 * not carried along through that orthogonalization.  Images are combined
 * beside their vectors only where little cancels: the restart's
 * combinations with the orthonormal S, the Gram-Schmidt within one block,
 * and the orthogonalization of fresh random columns.
 *
 * Invariant: OP V_act = V_act H + W R E_last^H, W the next block
 * (B-orthonormal, orthogonal to V_act and to the locked vectors) and R the
 * b x b factor of its QR.  The residual norm of the Ritz pair (theta, V s)
 * is therefore ||R s_last||, s_last the last b entries of s.
 */
#include <string.h>
#include "common/types.h"
#include "common/random.h"
#include "krylov/lanczos.h"
#include "common/selection.h"
#include "dense/symmetric_eigen.h"
#include "krylov/tall_skinny.h"
#include "krylov/lanczos_internal.h"

/* ---------------------------------------------------------------- sizes */

ek_lz_sizes EK(lz_plan_sizes)(const ek_lanczos_params *par)
{
    ek_lz_sizes s;
    int n = par->n, k = par->k, ncv = par->ncv;
    int b = par->block;
    int nc0 = par->ncv_start > k && par->ncv_start < ncv ? par->ncv_start : ncv;
    if (b > nc0 - k) b = nc0 - k;
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
        rep_res, order, side, lock_side, mask, sel, pick, tall, dense, dense_bytes, total;
} layout;

static size_t align_up(size_t x) { return (x + 63) / 64 * 64; }

static layout plan_layout(const ek_lanczos_params *par)
{
    ek_lz_sizes s = EK(lz_plan_sizes)(par);
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
    TAKE(pick, vc * sizeof(int));
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

static void fill_random(ek_lanczos_state *st, scalar *x)
{
    for (int i = 0; i < NN(st); i++) {
#if EK_IS_COMPLEX
        real re = (real)ek_uniform_signed(&st->rng);
        real im = (real)ek_uniform_signed(&st->rng);
        x[i] = re + im * I;
#else
        x[i] = (real)ek_uniform_signed(&st->rng);
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
    /* four partial sums: independent chains the compiler can vectorize */
    scalar s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += EK_CONJ(x[i]) * bx[i];
        s1 += EK_CONJ(x[i + 1]) * bx[i + 1];
        s2 += EK_CONJ(x[i + 2]) * bx[i + 2];
        s3 += EK_CONJ(x[i + 3]) * bx[i + 3];
    }
    for (; i < n; i++)
        s0 += EK_CONJ(x[i]) * bx[i];
    real v = EK_RE((s0 + s1) + (s2 + s3));
    return EK_SQRT(EK_FABS(v));
}

int EK(lz_capacity)(const ek_lanczos_state *st)
{
    ek_lz_sizes s = EK(lz_plan_sizes)(&st->par);
    if (s.full)
        return s.mdim;
    int c = st->ncv_cur, c2 = st->par.n - st->nlock - st->b;
    return c < c2 ? c : c2;
}

/* ------------------------------------------- orthogonalization kernels */

/* DGKS (Daniel, Gragg, Kaufman & Stewart 1976): a Gram-Schmidt pass is
 * repeated when it left less than this fraction of the norm. */
#define DGKS_ETA ((real)0.7071)

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

/* A Gram-Schmidt coefficient this small relative to the column's norm is
 * rounding noise: the computed inner product itself is only that accurate,
 * so subtracting it would not make the column more orthogonal. */
#define ROUNDING_CUT (4 * EK_EPS)

/* The rows of C (q x b) that hold a coefficient above ROUNDING_CUT *
 * ynorm[j] in some column j: packed to the top of C (C is overwritten),
 * their indices in st->pick.  Returns how many.  Only these rows are
 * subtracted (basis_subtract_picked), so only their columns of the basis
 * are read.  In a Lanczos run with full reorthogonalization nearly all
 * coefficients against the older basis are at rounding level
 * (orthogonality is lost only towards converging Ritz vectors: Paige 1971;
 * Parlett & Scott 1979; Simon 1984): on the 2-D Laplacian about one in
 * eight is above 4 eps.  Computing C reads the whole basis once; the
 * subtraction then reads a fraction of it instead of all of it, and these
 * two sweeps over a basis that does not fit in cache are most of the cost
 * per matvec. */
static int significant_rows(ek_lanczos_state *st, int q, int b, scalar *C, int ldc,
                            const real *ynorm)
{
    int np = 0;
    for (int i = 0; i < q; i++) {
        int keep = 0;
        for (int j = 0; j < b && !keep; j++)
            keep = EK_ABS(EK_AT(C, ldc, i, j)) > ROUNDING_CUT * ynorm[j];
        if (!keep)
            continue;
        for (int j = 0; j < b; j++)
            EK_AT(C, ldc, np, j) = EK_AT(C, ldc, i, j);
        st->pick[np++] = i;
    }
    return np;
}

/* Y -= X[:, pick] C[:np] after significant_rows(). */
static void basis_subtract_picked(ek_lanczos_state *st, int np, int b, const scalar *X,
                                  const scalar *C, int ldc, scalar *Y)
{
    if (np > 0)
        EK(tall_combine_cols)(NN(st), np, st->pick, b, -1, X, NN(st), C, ldc, 1, Y, NN(st),
                              st->par.nthreads);
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

/* Column j of the new block (at c0 + j) lost most of its norm to the block
 * columns before it.  Its components along V, orthogonal to rounding level
 * relative to its former norm, are then large relative to what is left:
 * one more classical Gram-Schmidt pass against all of V and the finished
 * block columns.  The coefficients belong to H (basis part) and R (block
 * part), which keeps OP V = V H + W R E^H exact.  If the pass takes as much
 * again, the column lies in the span to working precision: 0 (deficient).
 * Returns the norm left. */
static real reorthogonalize_column(ek_lanczos_state *st, int c0, int j, scalar *x, scalar *bx,
                                   real nrm)
{
    int n = NN(st), gen = st->par.generalized, q = c0 + j;
    ek_lz_sizes s = EK(lz_plan_sizes)(&st->par);
    scalar *V = VV(st), *BV = BVV(st), *coef = (scalar *)st->C;
    scalar *R = (scalar *)st->R, *H = (scalar *)st->H;
    basis_inner(st, q, 1, BV, x, coef, q);
    basis_subtract(st, q, 1, V, coef, q, x);
    if (gen)
        basis_subtract(st, q, 1, BV, coef, q, bx);
    int hcol = st->mact - st->b + j;
    /* rows of the Lanczos blocks only (orthogonalize_new_block) */
    for (int i = st->nlock + st->nkeep; i < c0; i++)
        EK_AT(H, s.mdim, i - st->nlock, hcol) += coef[i];
    for (int i = 0; i < j; i++)
        if (!st->mask[i])
            EK_AT(R, s.bmax, i, j) += coef[c0 + i];
    real left = bnorm(n, x, bx);
    return left < DGKS_ETA * nrm ? 0 : left;
}

/* Column-wise Gram-Schmidt twice of the next block (c0 = nlock + mact,
 * width b) in the B-inner product: W = Q R.  Columns whose norm falls
 * below a rounding-level threshold are deficient: their R row is zero and
 * they are marked for replacement (mask 2).  Returns how many. */
static int block_qr(ek_lanczos_state *st, int c0, int b)
{
    int n = NN(st), gen = st->par.generalized, bm = EK(lz_plan_sizes)(&st->par).bmax;
    scalar *V = VV(st), *BV = BVV(st), *R = (scalar *)st->R, *coef = (scalar *)st->C;
    real *wnorm = (real *)st->wnorm;
    int *mask = st->mask, ndef = 0;
    for (int j = 0; j < b; j++)
        for (int i = 0; i < b; i++)
            EK_AT(R, bm, i, j) = 0;
    for (int j = 0; j < b; j++) {
        scalar *x = COL(V, n, c0 + j), *bx = COL(BV, n, c0 + j);
        real norm0 = j > 0 ? bnorm(n, x, bx) : 0;
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
        if (j > 0 && nrm < DGKS_ETA * norm0)
            nrm = reorthogonalize_column(st, c0, j, x, bx, nrm);
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
        par->nthreads < 1 || par->ncv_start < 0 || par->ncv_start > par->ncv)
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
    st->pick = (int *)(base + L.pick);
    st->tall = base + L.tall;
    st->dense_work = base + L.dense;
    st->dense_bytes = L.dense_bytes;
    st->rng = par->seed ^ 0x6A09E667F3BCC909ULL;
    st->ld = par->n;
    ek_lz_sizes s = EK(lz_plan_sizes)(par);
    st->b = s.b0;
    st->ncv_cur = s.full || par->ncv_start <= par->k ? par->ncv : par->ncv_start;
    st->lead_nlock = -1;
    st->stall_cycles = 0;
    st->lead_res = 0;
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

/* --------------------------------------------------------------- step */

/* Each phase function does its work, sets the next phase and returns 0 to
 * go on, or a request / final code for the caller. */

/* Put fresh random columns where mask = 2; ask for their B-images. */
static int phase_fill_random(ek_lanczos_state *st)
{
    int n = NN(st), any = 0;
    scalar *V = VV(st);
    for (int j = 0; j < st->fill_bw; j++) {
        if (st->mask[j] == 2) {
            fill_random(st, COL(V, n, st->fill_c0 + j));
            st->mask[j] = 1;
        }
        any |= st->mask[j] == 1;
    }
    if (!any) {
        st->phase = st->after_fill;
        return 0;
    }
    st->phase = PH_FILL_B;
    if (!st->par.generalized)
        return 0;
    st->ncols = st->fill_bw;
    st->x = COL(V, n, st->fill_c0);
    st->y = COL(BVV(st), n, st->fill_c0);
    st->by = NULL;
    return EK_LZ_APPLY_B;
}

/* Whether the fill that just failed shows the basis B-spanning all of
 * range(B), B singular: the whole new Lanczos block lost its B-norm to the
 * basis, and so did every fresh random column tried in its place.  The
 * Krylov space is then B-invariant (the residual block is B-null), and the
 * Rayleigh-Ritz pairs of the basis are exact for every finite eigenvalue
 * of the pencil.  A B of rank r < n allows at most r B-orthonormal
 * vectors, which a basis grown to r columns reaches (ARPACK stops at ncv,
 * usually below r). */
static int b_range_spanned(const ek_lanczos_state *st)
{
    if (!st->par.generalized || st->after_fill != PH_AFTER_QR || st->nlock + st->mact < 1)
        return 0;
    for (int j = 0; j < st->fill_bw; j++)
        if (st->mask[j] != 2)
            return 0;
    return 1;
}

/* The same at a restart that widened the block by fresh random columns
 * (a verification): with B singular and range(B) spanned by the basis,
 * none of them can be made B-orthonormal to it, so no copy of an
 * eigenvalue can be missing either.  The block goes back to the residual
 * block it widened, and the cycle goes on with that.  Returns 1 if it
 * did. */
static int drop_fresh_columns(ek_lanczos_state *st)
{
    if (!st->par.generalized || st->after_fill != PH_APPLY || st->iter < 1)
        return 0;
    int kept = 0;
    while (kept < st->fill_bw && st->mask[kept] == 0)
        kept++;
    if (kept < 1)
        return 0;
    st->mact -= st->fill_bw - kept;
    st->fill_bw = kept;
    st->b = kept;
    st->bnew = kept;
    st->cap = EK(lz_capacity)(st);
    return 1;
}

/* Orthonormalize the filled columns; regenerate those that vanished
 * (a bounded number of tries). */
static int phase_fill_orthonormalize(ek_lanczos_state *st)
{
    int n = NN(st);
    if (st->par.generalized &&
        !all_finite(COL(BVV(st), n, st->fill_c0), (size_t)n * st->fill_bw)) {
        st->phase = PH_DONE;
        return EK_LZ_ERR_NONFINITE;
    }
    if (fill_orthonormalize(st)) {
        if (++st->tries > 5) {
            if (b_range_spanned(st)) {
                st->exhausted = 1;
                st->phase = PH_RR;
                return 0;
            }
            if (drop_fresh_columns(st)) {
                st->phase = st->after_fill;
                return 0;
            }
            st->phase = PH_DONE;
            return EK_LZ_ERR_BREAKDOWN;
        }
        st->phase = PH_FILL_A;
        return 0;
    }
    st->phase = st->after_fill;
    if (st->phase == PH_APPLY)
        st->cap = EK(lz_capacity)(st);
    return 0;
}

/* Ask for OP applied to the last block of the active basis. */
static int phase_request_op(ek_lanczos_state *st)
{
    int n = NN(st), q = st->nlock + st->mact;
    st->ncols = st->b;
    st->x = COL(VV(st), n, q - st->b);
    st->y = COL(VV(st), n, q);
    st->by = st->par.generalized ? (void *)COL(BVV(st), n, q) : NULL;
    st->phase = PH_AFTER_OP;
    return EK_LZ_APPLY_OP;
}

/* Orthogonalize the new block W = OP V_last against the basis and add the
 * coefficients to H.  Pass 0 is local: OP couples the last block only with
 * the previous block and itself (and, for the first blocks after a
 * restart, with the kept Ritz vectors).  Then classical Gram-Schmidt
 * against all of V, repeated (DGKS: Daniel, Gragg, Kaufman & Stewart 1976)
 * only if some column lost more than 1 - 1/sqrt(2) of its norm in that
 * pass.  The coefficients of the passes add up to the projection
 * V^H B OP V_last, the new column block of H, except in the rows of the
 * locked and the kept Ritz vectors: W is made orthogonal to them, but their
 * coefficients are not added.
 *
 * For a kept Ritz vector y the projection is known exactly.  The restart
 * left OP Y = Y diag(theta) + W_1 (R S_last), W_1 the first block after
 * it, so by self-adjointness y^H B OP W_1 = (R s_last)^H, which
 * lz_do_restart stored, and y^H B OP V_j = 0 for every later block (it is
 * B-orthogonal to Y and W_1).  The computed coefficient adds to these only
 * the rounding of OP's application, about eps ||OP|| (for M^-1 A with an
 * ill-conditioned M, the error of the solve).  Added to H, that noise would
 * couple y to the new blocks in every cycle, and y's residual estimate
 * ||R s_last|| could never fall below it: with tol = 0 the estimate
 * hovered around the threshold eps ||OP|| for over a hundred cycles, a
 * pair passing or not by the rounding of the moment (a 300 x 300 complex
 * Hermitian SM solve: 3764 products instead of 1184; M^-1 A with
 * cond(M) = 1e6, n = 150: 1552 instead of 48).  Locked vectors were always
 * treated so. */
static void orthogonalize_new_block(ek_lanczos_state *st, int q)
{
    int n = NN(st), b = st->b, gen = st->par.generalized;
    ek_lz_sizes s = EK(lz_plan_sizes)(&st->par);
    int ld = s.mdim, ldc = s.vcols;
    scalar *V = VV(st), *BV = BVV(st), *W = COL(V, n, q), *BW = COL(BV, n, q);
    scalar *C = (scalar *)st->C, *H = (scalar *)st->H;
    int first = st->mact - 2 * b;
    if (first <= st->nkeep)
        first = 0;
    real before[b > 0 ? b : 1], mid[b > 0 ? b : 1];
    int again = 0;
    for (int pass = 0; pass < 3; pass++) {
        int c0 = pass == 0 ? st->nlock + first : 0, nc = q - c0;
        if (pass == 2) {
            for (int j = 0; j < b; j++) {
                mid[j] = bnorm(n, COL(W, n, j), COL(BW, n, j));
                again |= mid[j] < DGKS_ETA * before[j];
            }
            if (!again)
                break;
        }
        if (pass == 1)
            for (int j = 0; j < b; j++)
                before[j] = bnorm(n, COL(W, n, j), COL(BW, n, j));
        if (nc <= 0)
            continue;
        basis_inner(st, nc, b, COL(BV, n, c0), W, C, ldc);
        for (int j = 0; j < b; j++)
            for (int i = 0; i < nc; i++) {
                int r = c0 + i - st->nlock;
                if (r >= st->nkeep)
                    EK_AT(H, ld, r, st->mact - b + j) += EK_AT(C, ldc, i, j);
            }
        if (pass == 0) {
            basis_subtract(st, nc, b, COL(V, n, c0), C, ldc, W);
            if (gen)
                basis_subtract(st, nc, b, COL(BV, n, c0), C, ldc, BW);
        } else {
            int np = significant_rows(st, nc, b, C, ldc, pass == 1 ? before : mid);
            basis_subtract_picked(st, np, b, COL(V, n, c0), C, ldc, W);
            if (gen)
                basis_subtract_picked(st, np, b, COL(BV, n, c0), C, ldc, BW);
        }
    }
    /* A column that lost as much again in the repeated pass lies in the
     * span of V to working precision: what is left is rounding noise, and
     * normalizing it would break orthogonality (ARPACK's dsaitr zeroes the
     * residual in this case).  Zero it; block_qr() then replaces it by a
     * fresh random direction. */
    for (int j = 0; again && j < b; j++)
        if (bnorm(n, COL(W, n, j), COL(BW, n, j)) < DGKS_ETA * mid[j]) {
            memset(COL(W, n, j), 0, (size_t)n * sizeof(scalar));
            if (gen)
                memset(COL(BW, n, j), 0, (size_t)n * sizeof(scalar));
        }
}

/* The operator's answer arrived: check it and orthogonalize it against the
 * basis.  Generalized problems then ask for the B-image of the result
 * (phase_factor_block explains why); the standard problem factors it at
 * once. */
static int phase_absorb_block(ek_lanczos_state *st)
{
    int n = NN(st), b = st->b, q = st->nlock + st->mact, gen = st->par.generalized;
    scalar *W = COL(VV(st), n, q), *BW = COL(BVV(st), n, q);
    real *wnorm = (real *)st->wnorm;
    st->nmatvec += b;
    if (!all_finite(W, (size_t)n * b) || (gen && !all_finite(BW, (size_t)n * b))) {
        st->phase = PH_DONE;
        return EK_LZ_ERR_NONFINITE;
    }
    for (int j = 0; j < b; j++)
        wnorm[j] = bnorm(n, COL(W, n, j), COL(BW, n, j));
    orthogonalize_new_block(st, q);
    if (q >= n) {
        st->exhausted = 1;
        st->phase = PH_RR;
        return 0;
    }
    st->phase = PH_AFTER_BW;
    if (!gen)
        return 0;
    st->ncols = b;
    st->x = W;
    st->y = BW;
    st->by = NULL;
    return EK_LZ_APPLY_B;
}

/* Factor the orthogonalized new block W = Q R (deficient columns are
 * replaced by fresh random ones).
 *
 * Generalized problems: BW now holds B W computed afresh by the caller, not
 * the image the Gram-Schmidt passes carried along (BW -= BV C beside
 * W -= V C).  The carried image is wrong by the rounding of those updates,
 * about eps ||B OP x||, and normalizing W (divide by beta = ||W||_B)
 * magnifies that by ||OP|| / beta.  Worse, each basis image enters the next
 * block's carried image through the coefficients, B v_j+1 = (B OP v_j -
 * B v_j alpha_j - B v_j-1 beta_j^H) / beta_j+1: the errors follow an
 * unstable recurrence, growing by about (|alpha| + |beta|) / |beta| per
 * block, and the restart (BT = BV G) hands them on to the next cycle.  With
 * B V no longer B times V, the coefficients BV^H W stop being B-inner
 * products: V loses B-orthogonality, H stops being V^H B OP V, and spurious
 * Ritz values appear (a 60 x 60 complex Hermitian pencil: B-orthogonality
 * 1e-12 after the first cycle, O(1) after the sixth, Ritz values of 1e5
 * for ||OP|| = 8, no convergence).  The fresh image costs one product with
 * B per block; what is left carried is the in-block Gram-Schmidt of
 * block_qr, over at most b columns whose cancellation it bounds. */
static int phase_factor_block(ek_lanczos_state *st)
{
    int n = NN(st), b = st->b, q = st->nlock + st->mact;
    if (st->par.generalized && !all_finite(COL(BVV(st), n, q), (size_t)n * b)) {
        st->phase = PH_DONE;
        return EK_LZ_ERR_NONFINITE;
    }
    st->phase = PH_AFTER_QR;
    if (block_qr(st, q, b)) {
        st->fill_c0 = q;
        st->fill_bw = b;
        st->after_fill = PH_AFTER_QR;
        st->tries = 0;
        st->phase = PH_FILL_A;
    }
    return 0;
}

/* Extend the basis by the new block, or end the cycle when it is full. */
static int phase_extend(ek_lanczos_state *st)
{
    if (st->mact + st->b <= st->cap) {
        st->mact += st->b;
        st->phase = PH_APPLY;
    } else {
        st->phase = PH_RR;
    }
    return 0;
}

/* End of a cycle (thick_restart.c): Rayleigh-Ritz and the restart plan.
 * A finished solve (or the last allowed cycle) locks what it has without
 * restarting; the caller hears of every cycle through EK_LZ_PROGRESS. */
static int phase_end_cycle(ek_lanczos_state *st)
{
    int info = EK(lz_rayleigh_ritz)(st);
    if (info) {
        st->phase = PH_DONE;
        return info;
    }
    st->iter++;
    int finished = EK(lz_plan_restart)(st);
    if (!finished && st->iter < st->par.maxiter) {
        st->phase = PH_RESTART;
        return EK_LZ_PROGRESS;
    }
    if (!finished) {
        st->nkeep = 0;
        st->bnew = st->b;
    }
    EK(lz_do_restart)(st);
    st->phase = PH_DONE;
    st->after_fill = (finished || st->nlock >= st->par.k) ? EK_LZ_CONVERGED : EK_LZ_NOT_CONVERGED;
    return EK_LZ_PROGRESS;
}

int EK(lanczos_step)(ek_lanczos_state *st)
{
    /* Every pass through the loop either returns or moves the phase on; the
     * bound only guards against a logic error. */
    for (int guard = 0; guard < 1000000; guard++) {
        int code = 0;
        switch (st->phase) {
        case PH_FILL_A: code = phase_fill_random(st); break;
        case PH_FILL_B: code = phase_fill_orthonormalize(st); break;
        case PH_APPLY: code = phase_request_op(st); break;
        case PH_AFTER_OP: code = phase_absorb_block(st); break;
        case PH_AFTER_BW: code = phase_factor_block(st); break;
        case PH_AFTER_QR: code = phase_extend(st); break;
        case PH_RR: code = phase_end_cycle(st); break;
        case PH_RESTART: EK(lz_do_restart)(st); break;
        case PH_DONE: return st->after_fill;
        default: return EK_LZ_ERR_ARG;
        }
        if (code != 0)
            return code;
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
