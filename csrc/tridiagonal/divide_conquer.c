/*
 * divide_conquer.c -- Cuppen's divide and conquer for the eigenpairs of a
 * real symmetric tridiagonal T (the method of LAPACK's xSTEDC / xLAED0),
 * written from the papers and the documented behaviour of LAPACK, not
 * from its code.
 *
 * Outline.
 *  1. T is split into independent blocks where an off-diagonal is
 *     negligible, |e_i| <= u sqrt|d_i| sqrt|d_{i+1}| (xSTEDC), and every
 *     block is scaled to max-norm 1.
 *  2. A block is torn (Cuppen 1981) into leaves of at most EK_TUNE_DC_LEAF
 *     rows: at a cut between rows p-1 and p with coupling beta = e_{p-1},
 *         T = diag(T1 - |beta| e_last e_last^T, T2 - |beta| e_1 e_1^T)
 *             + |beta| v v^T,      v = (e_last; sign(beta) e_1),
 *     so only d_{p-1} and d_p change.  The leaves are solved by implicit
 *     QR on an identity Z, each rotation applied as it is made
 *     (tridiagonal_qr.h: at a few dozen rows, recording rotations for
 *     wavefronts cost several times more).
 *  3. Sibling subproblems are merged bottom-up (xLAED1): with
 *     T1 = Q1 D1 Q1^T and T2 = Q2 D2 Q2^T,
 *         T = diag(Q1, Q2) (D + rho z z^T) diag(Q1, Q2)^T,
 *         z = (Q1^T e_last; sign(beta) Q2^T e_1) / sqrt(2),  rho = 2|beta|,
 *     and the rank-one problem D + rho z z^T = U diag(lambda) U^T is
 *     solved by
 *       - deflation (xLAED2): tiny z_i, and pairs of nearly equal d_i
 *         rotated so one z_i vanishes, pass straight through;
 *       - the secular equation 1 + rho sum z_i^2/(d_i - lambda) = 0 for
 *         each remaining root (xLAED4 / xLAED5, R.-C. Li, "Solving secular
 *         equations stably and efficiently", 1994), solved in coordinates
 *         relative to the nearer pole so that d_i - lambda is accurate;
 *       - z recomputed from the computed roots (Loewner's formula, Gu and
 *         Eisenstat 1995) so that the vectors u_j = zhat / (d - lambda_j)
 *         are orthogonal to working precision (xLAED3);
 *       - Q := diag(Q1, Q2) U by two GEMMs that skip the zero blocks of
 *         diag(Q1, Q2): the non-deflated columns are grouped into those
 *         nonzero only in the top rows, those nonzero everywhere (mixed by
 *         a deflating rotation), and those nonzero only in the bottom rows.
 *     Memory: the non-deflated columns of diag(Q1, Q2) are copied into a
 *     packed buffer, after which their place in Z is dead; the differences
 *     d_i - lambda_j and then U (k x k) are formed there, in the leading
 *     k x k corner of the merge's block of Z (as xLAED3 forms U in Q), and
 *     the products read U from a copy of as many of its columns as the
 *     scratch holds (n^2 / EK_TUNE_DC_UPDATE_SHARE reals: all of U but in
 *     the merges of the last levels, which take a few products each).
 *     Beyond Z the workspace is thus about (1/2 + 1/EK_TUNE_DC_UPDATE_SHARE)
 *     n^2 reals, where a separate k x k U would add up to n^2 (and xLAED3's
 *     copy of the rows of U, n^2 / 2).
 *  4. Within a subproblem the eigenvalues are kept unsorted with a
 *     permutation to ascending order (xLAED1's INDXQ); at the very end all
 *     are sorted and the columns of Z permuted once.
 *
 * Nothing here allocates; every loop is bounded (the secular solver falls
 * back to bisection and stops when its bracket cannot shrink).
 */
#include <string.h>
#include "common/target_clones.h"
#include "common/types.h"
#include "common/fork_join.h"
#include "common/tuning.h"
#include "tridiagonal/tridiagonal_qr.h"
#include "tridiagonal/divide_conquer.h"

#define MODEL_STEPS 64       /* rational steps before forced bisections */
#define SECULAR_MAX_STEPS 4000 /* > bisections to exhaust any bracket */

/* The O(k^2) sweeps of a merge (secular function, Loewner products,
 * vector columns) are compiled for AVX-512, AVX2 and the baseline and
 * chosen at run time, as rotations.c does. */

/* Reductions are not vectorized by the compiler without reassociation:
 * the sums of the secular function are kept in a vector of VL partial
 * sums (GCC vector extensions, lowered to whatever each clone targets). */
#if defined(__GNUC__)
#define DC_VEC 1
typedef real vreal __attribute__((vector_size(64)));
#define VL ((int)(sizeof(vreal) / sizeof(real)))
#define load_v(p) __extension__({ vreal v_; memcpy(&v_, (p), sizeof v_); v_; })
#define store_v(p, v) __extension__({ vreal w_ = (v); memcpy((p), &w_, sizeof w_); })
#else
#define DC_VEC 0
#endif

enum { TOP = 0, DENSE = 1, BOTTOM = 2 };   /* xLAED2's column types */

/* ------------------------------------------------------------------ */
/* workspace                                                           */

/* Reals: the packed non-deflated columns (at most m max(n1, n2) <=
 * n ceil(n/2), since each column mixed by a rotation is paired with a
 * deflated one), six vectors, the scratch (a vector per thread during the
 * secular sweeps, n / EK_TUNE_DC_UPDATE_SHARE columns of U during the
 * products).  U itself lives in Z (file comment). */
static size_t packed_reals(int n) { return (size_t)n * (size_t)((n + 1) / 2 + 1); }

static size_t scratch_columns(int n)
{
    size_t share = ((size_t)n + EK_TUNE_DC_UPDATE_SHARE - 1) / EK_TUNE_DC_UPDATE_SHARE;
    return share > EK_TUNE_DC_MAX_THREADS ? share : EK_TUNE_DC_MAX_THREADS;
}

size_t EK(divide_conquer_workspace)(int n)
{
    size_t nn = (size_t)(n > 1 ? n : 1);
    return packed_reals((int)nn) + (6 + scratch_columns((int)nn)) * nn;
}

/* Ints: ten vectors of n (one of n+1) and the leaf boundaries (n+2). */
size_t EK(divide_conquer_iworkspace)(int n)
{
    size_t nn = (size_t)(n > 1 ? n : 1);
    return 11 * nn + 4;
}

/* Everything a merge needs, carved from the caller's workspace. */
typedef struct {
    int n, ldz, nthreads;
    real *d, *e, *z;
    real *packed;  /* packed_reals(n) */
    real *zv;      /* z of the rank-one modification, by local column */
    real *dl;      /* the non-deflated poles, ascending */
    real *wv;      /* their weights z_i */
    real *zhat;    /* the recomputed weights */
    real *lam;     /* the roots */
    real *vec;     /* a vector of n (final permutation) */
    real *tmp;     /* scratch_columns(n) vectors of n */
    int *perm;     /* per subproblem: local column of the r-th smallest */
    int *order;    /* merged ascending order of a merge's columns */
    int *ctype;    /* TOP / DENSE / BOTTOM of each local column */
    int *ndcol;    /* local column of each non-deflated pole */
    int *defl;     /* local columns of the deflated pairs */
    int *group;    /* row of each non-deflated pole in the grouped order */
    int *bounds;   /* leaf boundaries of a block */
    int *idx, *idx2, *mark, *slot;
} dc_ctx;

static void carve(dc_ctx *c, int n, real *work, int *iwork)
{
    size_t nn = (size_t)(n > 1 ? n : 1);
    c->packed = work;             work += packed_reals((int)nn);
    c->zv = work;                 work += nn;
    c->dl = work;                 work += nn;
    c->wv = work;                 work += nn;
    c->zhat = work;               work += nn;
    c->lam = work;                work += nn;
    c->vec = work;                work += nn;
    c->tmp = work;                work += scratch_columns((int)nn) * nn;
    c->perm = iwork;   iwork += nn;
    c->order = iwork;  iwork += nn;
    c->ctype = iwork;  iwork += nn;
    c->ndcol = iwork;  iwork += nn;
    c->defl = iwork;   iwork += nn;
    c->group = iwork;  iwork += nn;
    c->idx = iwork;    iwork += nn;
    c->idx2 = iwork;   iwork += nn;
    c->mark = iwork;   iwork += nn;
    c->slot = iwork;   iwork += nn + 1;
    c->bounds = iwork;
}

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

static real unit_roundoff(void) { return EK_EPS * (real)0.5; }  /* xLAMCH('E') */

/* Merge two ascending index lists a (na) and b (nb), keyed by key[],
 * into out (xLAMRG). */
static void merge_sorted(int na, const int *a, int nb, const int *b, const real *key, int *out)
{
    int i = 0, j = 0, t = 0;
    while (i < na && j < nb)
        out[t++] = key[b[j]] < key[a[i]] ? b[j++] : a[i++];
    while (i < na)
        out[t++] = a[i++];
    while (j < nb)
        out[t++] = b[j++];
}

/* Insertion sort of the index list idx (m) by key (m small or nearly
 * sorted: the deflated values come in almost ascending order). */
static void insertion_sort(int m, int *idx, const real *key)
{
    for (int i = 1; i < m; i++) {
        int v = idx[i], j = i - 1;
        while (j >= 0 && key[idx[j]] > key[v]) {
            idx[j + 1] = idx[j];
            j--;
        }
        idx[j + 1] = v;
    }
}

/* Columns p and q of the m-row Z := [c zp + s zq, c zq - s zp] (BLAS
 * xROT; here a deflating rotation of xLAED2). */
static void rotate_columns(int m, real *zp, real *zq, real c, real s)
{
    for (int i = 0; i < m; i++) {
        real x = zp[i], y = zq[i];
        zp[i] = c * x + s * y;
        zq[i] = c * y - s * x;
    }
}

/* ------------------------------------------------------------------ */
/* the secular equation (xLAED4 / xLAED5)                              */

/* The data of one rank-one problem D + rho w w^T after deflation. */
typedef struct {
    int k;
    real rho;
    const real *dl, *w;   /* poles ascending (distinct), weights nonzero */
    real *S;              /* k x k, ld lds: column j = (d_i - lambda_j)_i, then U */
    int lds;
    real *lam, *zhat;
    const int *group;
} secular;

/* f(lambda) = 1/rho + sum_i w_i^2 / (d_i - lambda) at lambda = d_org + tau,
 * with delta_i = (d_i - d_org) - tau stored (accurate for the poles near
 * d_org).  The poles i < split lie left of the root, the others right,
 * so each partial sum has terms of one sign: |psi| + |phi| is the sum of
 * the moduli, which bounds the rounding error of f (xLAED4's ERRETM). */
typedef struct { real f, dpsi, dphi, abssum; } secular_value;

/* sum_{i0 <= i < i1} w_i^2/delta_i and w_i^2/delta_i^2, delta stored. */
typedef struct { real s, ds; } two_sums;

EK_CLONES_AVX512 static two_sums secular_part(const real *dl, const real *w, real base, real tau,
                                       real *delta, int i0, int i1)
{
    two_sums r = {0, 0};
    int i = i0;
#if DC_VEC
    vreal vs = {0}, vds = {0};
    for (; i + VL <= i1; i += VL) {
        vreal del = (load_v(dl + i) - base) - tau;
        vreal wv = load_v(w + i);
        vreal t = wv / del;
        store_v(delta + i, del);
        vs += wv * t;
        vds += t * t;
    }
    for (int l = 0; l < VL; l++) {
        r.s += vs[l];
        r.ds += vds[l];
    }
#endif
    for (; i < i1; i++) {
        real del = (dl[i] - base) - tau;
        real t = w[i] / del;
        delta[i] = del;
        r.s += w[i] * t;
        r.ds += t * t;
    }
    return r;
}

static secular_value secular_eval(const secular *p, int org, int split, real tau, real *delta)
{
    const real base = p->dl[org];
    two_sums left = secular_part(p->dl, p->w, base, tau, delta, 0, split);
    two_sums right = secular_part(p->dl, p->w, base, tau, delta, split, p->k);
    secular_value v = {1 / p->rho + left.s + right.s, left.ds, right.ds,
                       EK_FABS(left.s) + EK_FABS(right.s)};
    return v;
}

/* One step of Li's "middle way": the poles left of the root (terms
 * i < split) are modelled as c0 + s0/(d_p0 - x) and the others as
 * c1 + s1/(d_p1 - x), each matching its part of f and f' at the current
 * point; p0 = split-1, p1 = split are the nearest poles, at distances D0,
 * D1 from the current point.  With eta the step the model is
 *     C + s0/(D0 - eta) + s1/(D1 - eta) = 0,
 *     s0 = D0^2 psi', s1 = D1^2 phi', C = f - D0 psi' - D1 phi',
 * i.e. C eta^2 - a eta + b = 0 with a = (D0 + D1) f - D0 D1 f',
 * b = D0 D1 f (xLAED4).  Both roots are formed stably; the one that moves
 * against the sign of f and stays strictly inside the bracket
 * (lo, hi) - tau is taken, else Newton's step, else none (returns 0 and
 * the caller bisects). */
static int step_ok(secular_value v, real e, real tau, real lo, real hi)
{
    real x = tau + e;
    int downhill = (v.f > 0 && e < 0) || (v.f < 0 && e > 0);
    return downhill && x > lo && x < hi && x != tau;
}

static int middle_way_step(secular_value v, real D0, real D1, real tau, real lo, real hi,
                           real *eta)
{
    real dw = v.dpsi + v.dphi;
    real C = v.f - D0 * v.dpsi - D1 * v.dphi;
    real a = (D0 + D1) * v.f - D0 * D1 * dw;
    real b = D0 * D1 * v.f;
    real cand[2];
    int nc = 0;
    if (C != 0) {
        real disc = a * a - 4 * b * C;
        real sq = EK_SQRT(disc > 0 ? disc : 0);
        real q = a >= 0 ? (a + sq) / 2 : (a - sq) / 2;
        cand[nc++] = q / C;
        if (q != 0)
            cand[nc++] = b / q;
    } else if (a != 0) {
        cand[nc++] = b / a;
    }
    int found = 0;
    for (int t = 0; t < nc; t++)
        if (step_ok(v, cand[t], tau, lo, hi) && (!found || EK_FABS(cand[t]) < EK_FABS(*eta))) {
            *eta = cand[t];
            found = 1;
        }
    if (found)
        return 1;
    real newton = -v.f / dw;   /* the last resort before bisection */
    if (step_ok(v, newton, tau, lo, hi)) {
        *eta = newton;
        return 1;
    }
    return 0;
}

/* Root j (0-based) of the secular equation, k >= 3 or j < k-1 general.
 * Interior roots lie in (d_j, d_{j+1}): f at the midpoint decides which
 * pole is the origin (the nearer one), so that tau, the distance to it,
 * carries full relative accuracy.  The last root lies in
 * (d_{k-1}, d_{k-1} + rho |w|^2], where f >= 0.  Iterates stay strictly
 * inside a bracket that shrinks with every evaluation (f increases on
 * the interval); convergence is |f| <= u * (error bound of f) as in
 * xLAED4.  After MODEL_STEPS every other step bisects; when the bracket
 * cannot be halved any more the current point is returned. */
static real secular_root(const secular *p, int j, real *delta)
{
    const int k = p->k, last = (j == k - 1);
    const int split = last ? k - 1 : j + 1;
    const real u = unit_roundoff();
    int org = j;
    real lo = 0, hi, tau;
    if (last) {
        real s = 0;
        for (int i = 0; i < k; i++)
            s += p->w[i] * p->w[i];
        hi = p->rho * s;
        tau = hi / 2;
    } else {
        hi = (p->dl[j + 1] - p->dl[j]) / 2;
        tau = hi;
    }
    for (int it = 0; it < SECULAR_MAX_STEPS; it++) {
        secular_value v = secular_eval(p, org, split, tau, delta);
        real err = 8 * v.abssum + 2 / p->rho + 3 * EK_FABS(v.f)
                   + EK_FABS(tau) * (v.dpsi + v.dphi);
        if (EK_FABS(v.f) <= u * err)
            break;
        if (it == 0 && !last && v.f < 0) {
            /* root right of the midpoint: measure from d_{j+1} */
            org = j + 1;
            lo = -hi;
            hi = 0;
            tau = lo;
        } else if (v.f > 0) {
            hi = tau;
        } else {
            lo = tau;
        }
        real eta = 0;
        int model = (it < MODEL_STEPS || (it & 1)) &&
                    middle_way_step(v, delta[split - 1], delta[split], tau, lo, hi, &eta);
        real next = model ? tau + eta : lo + (hi - lo) / 2;
        if (!(next > lo && next < hi))
            break;   /* bracket exhausted: tau is as good as representable */
        tau = next;
    }
    p->lam[j] = p->dl[org] + tau;
    return p->lam[j];
}

/* The 2 x 2 problem in closed form (xLAED5), both roots measured from the
 * nearer pole.  With del = d1 - d0, a = rho w0^2, b = rho w1^2:
 *  - lower root from d0 (tau in (0, del/2]): tau^2 - B tau + a del = 0,
 *    B = del + a + b, B^2 - 4 a del = (del - a + b)^2 + 4ab;
 *  - a root from d1 (sigma = lambda - d1): sigma^2 + D sigma - b del = 0,
 *    D = del - a - b, discriminant D^2 + 4 b del; the lower root is its
 *    negative solution (when f(midpoint) < 0), the upper root its positive
 *    one.  Each is formed without cancellation. */
static void secular_2x2(const secular *p, int j, real *delta)
{
    const real d0 = p->dl[0], d1 = p->dl[1], del = d1 - d0;
    const real a = p->rho * p->w[0] * p->w[0], b = p->rho * p->w[1] * p->w[1];
    if (j == 0 && del + 2 * (b - a) >= 0) {
        real B = del + a + b, g = del - a + b;
        real tau = 2 * a * del / (B + EK_SQRT(g * g + 4 * a * b));
        delta[0] = -tau;
        delta[1] = del - tau;
        p->lam[0] = d0 + tau;
        return;
    }
    real D = del - a - b, sq = EK_SQRT(D * D + 4 * b * del), sigma;
    if (j == 0)
        sigma = D > 0 ? -(D + sq) / 2 : -2 * b * del / (sq - D);
    else
        sigma = D >= 0 ? 2 * b * del / (D + sq) : (sq - D) / 2;
    delta[0] = -del - sigma;
    delta[1] = -sigma;
    p->lam[j] = d1 + sigma;
}

/* Roots j0..j1-1 with their columns of differences in S. */
static void secular_roots(const secular *p, int j0, int j1)
{
    for (int j = j0; j < j1; j++) {
        real *delta = p->S + (size_t)j * p->lds;
        if (p->k == 1) {
            delta[0] = -p->rho * p->w[0] * p->w[0];
            p->lam[0] = p->dl[0] - delta[0];
        } else if (p->k == 2) {
            secular_2x2(p, j, delta);
        } else {
            secular_root(p, j, delta);
        }
    }
}

/* Gu and Eisenstat: the computed roots are the exact eigenvalues of
 * D + rho zhat zhat^T with (Loewner)
 *     zhat_i^2 = prod_j (lambda_j - d_i) / (rho prod_{j != i} (d_j - d_i))
 *              = -(d_i - lambda_i) prod_{j != i} (d_i - lambda_j)/(d_i - d_j) / rho,
 * every factor of the product positive by interlacing.  The common factor
 * 1/rho drops out when the vectors are normalized.  Rows i0..i1-1; the
 * products are interleaved so they stay between the interlacing bounds
 * (xLAED3).  The sign of zhat_i is that of w_i. */
EK_CLONES_AVX512 static void loewner_rows(const secular *p, int i0, int i1)
{
    const int k = p->k;
    const real *dl = p->dl;
    real *zh = p->zhat;
    for (int i = i0; i < i1; i++)
        zh[i] = 1;
    for (int j = 0; j < k; j++) {
        const real *col = p->S + (size_t)j * p->lds, dj = dl[j];
        int a = i0, b = j < i1 ? j : i1;
        for (int i = a; i < b; i++)
            zh[i] *= col[i] / (dl[i] - dj);
        if (j >= i0 && j < i1)
            zh[j] *= col[j];
        for (int i = (j + 1 > i0 ? j + 1 : i0); i < i1; i++)
            zh[i] *= col[i] / (dl[i] - dj);
    }
    for (int i = i0; i < i1; i++) {
        real r = EK_SQRT(EK_FABS(zh[i]));
        zh[i] = p->w[i] >= 0 ? r : -r;
    }
}

/* Columns j0..j1-1 of U: u_j = zhat ./ (d - lambda_j), normalized, its rows
 * written in the grouped order of the packed columns (xLAED3). */
/* sum of squares of x (n), in VL partial sums */
EK_CLONES_AVX512 static real sum_squares(int n, const real *x)
{
    real r = 0;
    int i = 0;
#if DC_VEC
    vreal acc = {0};
    for (; i + VL <= n; i += VL) {
        vreal v = load_v(x + i);
        acc += v * v;
    }
    for (int l = 0; l < VL; l++)
        r += acc[l];
#endif
    for (; i < n; i++)
        r += x[i] * x[i];
    return r;
}

EK_CLONES_AVX512 static void vector_columns(const secular *p, int j0, int j1, real *tmp)
{
    const int k = p->k;
    const real *zh = p->zhat;
    for (int j = j0; j < j1; j++) {
        real *col = p->S + (size_t)j * p->lds;
        for (int i = 0; i < k; i++)
            tmp[i] = zh[i] / col[i];
        real ss = sum_squares(k, tmp), inv;
        if (ss >= EK_SAFMIN && ss <= EK_REAL_MAX) {
            inv = 1 / EK_SQRT(ss);
        } else {   /* rare: the 2-norm scaled by the largest entry */
            real big = 0;
            for (int i = 0; i < k; i++)
                big = EK_FABS(tmp[i]) > big ? EK_FABS(tmp[i]) : big;
            if (!(big > 0 && big <= EK_REAL_MAX)) {   /* cannot happen; keep Z finite */
                for (int i = 0; i < k; i++)
                    tmp[i] = i == j;
                big = 1;
            }
            real rb = 1 / big, sc = 0;
            for (int i = 0; i < k; i++)
                sc += (tmp[i] * rb) * (tmp[i] * rb);
            inv = rb / EK_SQRT(sc);
        }
        for (int i = 0; i < k; i++)
            col[p->group[i]] = tmp[i] * inv;
    }
}

/* ------------------------------------------------------------------ */
/* threads for the three independent sweeps of a merge                 */

enum { PHASE_ROOTS, PHASE_LOEWNER, PHASE_VECTORS };

typedef struct {
    const secular *p;
    int phase, lo, hi;
    real *tmp;
} secular_job;

static void *secular_job_run(void *arg)
{
    const secular_job *job = (const secular_job *)arg;
    if (job->phase == PHASE_ROOTS)
        secular_roots(job->p, job->lo, job->hi);
    else if (job->phase == PHASE_LOEWNER)
        loewner_rows(job->p, job->lo, job->hi);
    else
        vector_columns(job->p, job->lo, job->hi, job->tmp);
    return NULL;
}

/* Run one sweep over 0..k-1 in nt contiguous pieces (ek_fork_join: the
 * caller takes the first, and any whose thread cannot be created).  The
 * roots take threads from k = EK_TUNE_DC_PARALLEL_MIN_K on; the Loewner
 * products and the vectors, a pass of k divisions per row or column
 * where each root takes several evaluations of the secular function (of
 * k terms each), are about a tenth of that work, worth a thread's start
 * only from three times that k (the work grows as k^2). */
static void run_phase(const secular *p, int phase, int nthreads, real *tmp, size_t tmpstride)
{
    int k = p->k;
    int nt = nthreads < 1 ? 1 : nthreads > EK_TUNE_DC_MAX_THREADS ? EK_TUNE_DC_MAX_THREADS
                                                                 : nthreads;
    if (k < (phase == PHASE_ROOTS ? 1 : 3) * EK_TUNE_DC_PARALLEL_MIN_K)
        nt = 1;
    secular_job jobs[EK_TUNE_DC_MAX_THREADS];
    for (int t = 0; t < nt; t++)
        jobs[t] = (secular_job){p, phase, (int)((long)k * t / nt), (int)((long)k * (t + 1) / nt),
                                tmp + (size_t)t * tmpstride};
    ek_fork_join(nt, secular_job_run, jobs, sizeof(secular_job));
}

/* ------------------------------------------------------------------ */
/* a merge (xLAED1 = xLAED2 + xLAED3)                                  */

/* One merge of the subproblems [lo, lo+n1) and [lo+n1, lo+n1+n2). */
typedef struct {
    int lo, n1, n2, m;
    real *db, *zb;   /* d and the m x m diagonal block of Z */
    int *pq;         /* its permutation to ascending order */
    real rho;
    int k, ndefl, count[3];
} merge_state;

/* z = (last row of Q1, sign(beta) * first row of Q2) / sqrt(2) and
 * rho = 2 |beta|, so that |z| = 1 (xLAED2). */
static void form_z(const dc_ctx *c, merge_state *s, real beta)
{
    const real r = 1 / EK_SQRT((real)2);
    real sgn = beta < 0 ? -r : r;
    for (int j = 0; j < s->n1; j++)
        c->zv[j] = EK_AT(s->zb, c->ldz, s->n1 - 1, j) * r;
    for (int j = s->n1; j < s->m; j++)
        c->zv[j] = EK_AT(s->zb, c->ldz, s->n1, j) * sgn;
    s->rho = 2 * EK_FABS(beta);
}

/* The non-deflated pole of local column col, committed in ascending order. */
static void keep_pole(const dc_ctx *c, merge_state *s, int col)
{
    c->ndcol[s->k] = col;
    c->dl[s->k] = s->db[col];
    c->wv[s->k] = c->zv[col];
    s->k++;
}

/* Deflation (xLAED2).  tol = 8 u max(max|d|, max|z|).  Scanning the
 * poles in ascending order: a pole with rho |z_i| <= tol is an eigenpair
 * as it stands.  Of two consecutive surviving poles p < q the rotation
 * G = [c -s; s c] in their plane with c = z_q/tau, s = -z_p/tau,
 * tau = |(z_p, z_q)|, maps z_p to 0 and z_q to tau; it leaves
 * G^T D G = diag(c^2 d_p + s^2 d_q, s^2 d_p + c^2 d_q) plus the
 * off-diagonal c s (d_q - d_p), negligible when |c s (d_q - d_p)| <= tol:
 * then p deflates and q carries on.  A rotated column mixes the top and
 * bottom halves when the two came from different halves. */
static void deflate(const dc_ctx *c, merge_state *s)
{
    const int m = s->m, ldz = c->ldz;
    real *zv = c->zv, *db = s->db;
    real dmax = 0, zmax = 0;
    for (int i = 0; i < m; i++) {
        dmax = EK_FABS(db[i]) > dmax ? EK_FABS(db[i]) : dmax;
        zmax = EK_FABS(zv[i]) > zmax ? EK_FABS(zv[i]) : zmax;
        c->ctype[i] = i < s->n1 ? TOP : BOTTOM;
    }
    const real tol = 8 * unit_roundoff() * (dmax > zmax ? dmax : zmax);
    s->k = 0;
    s->ndefl = 0;
    if (s->rho * zmax <= tol) {   /* everything deflates */
        for (int r = 0; r < m; r++)
            c->defl[s->ndefl++] = c->order[r];
        return;
    }
    int prev = -1;
    for (int r = 0; r < m; r++) {
        int q = c->order[r];
        if (s->rho * EK_FABS(zv[q]) <= tol) {
            c->defl[s->ndefl++] = q;
            continue;
        }
        if (prev < 0) {
            prev = q;
            continue;
        }
        real zp = zv[prev], zq = zv[q];
        real tau = EK_HYPOT(zp, zq);
        real cs = zq / tau, sn = -zp / tau;
        real t = db[q] - db[prev];
        if (EK_FABS(t * cs * sn) <= tol) {
            zv[q] = tau;
            zv[prev] = 0;
            if (c->ctype[q] != c->ctype[prev])
                c->ctype[q] = DENSE;
            rotate_columns(m, &EK_AT(s->zb, ldz, 0, prev), &EK_AT(s->zb, ldz, 0, q), cs, sn);
            real dp = db[prev] * cs * cs + db[q] * sn * sn;
            db[q] = db[prev] * sn * sn + db[q] * cs * cs;
            db[prev] = dp;
            c->defl[s->ndefl++] = prev;
        } else {
            keep_pole(c, s, prev);
        }
        prev = q;
    }
    if (prev >= 0)
        keep_pole(c, s, prev);
}

/* Group the non-deflated columns TOP, DENSE, BOTTOM (each in ascending
 * order of its pole), record each pole's grouped row, and copy their
 * nonzero parts into the packed buffer: the n1 x (c_top + c_dense) top
 * rows, then the n2 x (c_dense + c_bottom) bottom rows (xLAED2). */
static void pack_columns(const dc_ctx *c, merge_state *s)
{
    const int ldz = c->ldz, n1 = s->n1, n2 = s->n2;
    int *cnt = s->count;
    cnt[TOP] = cnt[DENSE] = cnt[BOTTOM] = 0;
    for (int p = 0; p < s->k; p++)
        cnt[c->ctype[c->ndcol[p]]]++;
    int next[3] = {0, cnt[TOP], cnt[TOP] + cnt[DENSE]};
    for (int p = 0; p < s->k; p++)
        c->group[p] = next[c->ctype[c->ndcol[p]]]++;
    const int c12 = cnt[TOP] + cnt[DENSE];
    real *top = c->packed, *bot = c->packed + (size_t)n1 * c12;
    for (int p = 0; p < s->k; p++) {
        int g = c->group[p], col = c->ndcol[p];
        const real *src = &EK_AT(s->zb, ldz, 0, col);
        if (g < c12)
            memcpy(top + (size_t)g * n1, src, (size_t)n1 * sizeof(real));
        if (g >= cnt[TOP])
            memcpy(bot + (size_t)(g - cnt[TOP]) * n2, src + n1, (size_t)n2 * sizeof(real));
    }
}

/* Deflated columns at local positions < k move to positions >= k that
 * held non-deflated columns (already packed), so that the GEMMs may
 * overwrite columns 0..k-1; their values move with them. */
static void park_deflated(const dc_ctx *c, merge_state *s)
{
    const int m = s->m, k = s->k, ldz = c->ldz;
    int *isdefl = c->mark;
    for (int i = 0; i < m; i++)
        isdefl[i] = 0;
    for (int t = 0; t < s->ndefl; t++)
        isdefl[c->defl[t]] = 1;
    int free_slot = k;
    for (int t = 0; t < s->ndefl; t++) {
        int col = c->defl[t];
        if (col >= k)
            continue;
        while (free_slot < m && isdefl[free_slot])
            free_slot++;
        memcpy(&EK_AT(s->zb, ldz, 0, free_slot), &EK_AT(s->zb, ldz, 0, col),
               (size_t)m * sizeof(real));
        s->db[free_slot] = s->db[col];
        isdefl[free_slot] = 1;
        c->defl[t] = free_slot;
    }
}

/* out (rows x b, ld ldo) = packed (rows x inner) * u (inner x b, ld ldu),
 * or zero when no packed column has rows here. */
static void packed_product(int rows, int b, int inner, const real *packed, const real *u, int ldu,
                           real *out, int ldo)
{
    if (inner > 0) {
        xgemm('N', 'N', rows, b, inner, 1, packed, rows, u, ldu, 0, out, ldo);
        return;
    }
    for (int j = 0; j < b; j++)
        memset(&EK_AT(out, ldo, 0, j), 0, (size_t)rows * sizeof(real));
}

/* Z_top(:, 0:k) = packed_top * U(grouped rows 0..c12-1, :) and
 * Z_bot(:, 0:k) = packed_bot * U(grouped rows c_top..k-1, :): the zero
 * blocks of diag(Q1, Q2) are never touched (xLAED3).  U occupies the
 * k x k corner of the block of Z that the products overwrite, so each
 * group of columns of U is copied to the scratch first, as many as fit. */
static void update_vectors(const dc_ctx *c, merge_state *s)
{
    const int k = s->k, n1 = s->n1, n2 = s->n2, ldz = c->ldz;
    const int c12 = s->count[TOP] + s->count[DENSE];
    const int c23 = s->count[DENSE] + s->count[BOTTOM];
    const real *top = c->packed, *bot = c->packed + (size_t)n1 * c12;
    real *u = c->tmp;
    const size_t fit = scratch_columns(c->n) * (size_t)c->n / (size_t)k;
    const int cols = fit < (size_t)k ? (int)fit : k;
    for (int j0 = 0; j0 < k; j0 += cols) {
        int b = k - j0 < cols ? k - j0 : cols;
        for (int j = 0; j < b; j++)
            memcpy(u + (size_t)j * k, &EK_AT(s->zb, ldz, 0, j0 + j), (size_t)k * sizeof(real));
        packed_product(n1, b, c12, top, u, k, &EK_AT(s->zb, ldz, 0, j0), ldz);
        packed_product(n2, b, c23, bot, u + s->count[TOP], k, &EK_AT(s->zb, ldz, n1, j0), ldz);
    }
}

/* The roots become the first k values; the permutation to ascending
 * order merges them with the sorted deflated values (xLAMRG). */
static void final_order(const dc_ctx *c, merge_state *s)
{
    memcpy(s->db, c->lam, (size_t)s->k * sizeof(real));
    insertion_sort(s->ndefl, c->defl, s->db);
    int *roots = c->idx2;
    for (int j = 0; j < s->k; j++)
        roots[j] = j;
    merge_sorted(s->k, roots, s->ndefl, c->defl, s->db, s->pq);
}

static void merge(const dc_ctx *c, int lo, int n1, int n2, real beta)
{
    merge_state s;
    s.lo = lo;
    s.n1 = n1;
    s.n2 = n2;
    s.m = n1 + n2;
    s.db = c->d + lo;
    s.zb = &EK_AT(c->z, c->ldz, lo, lo);
    s.pq = c->perm + lo;
    form_z(c, &s, beta);
    /* ascending order of all m poles: the bottom permutation is local to
     * the bottom subproblem, hence the shift by n1 */
    int *bot = c->idx2;
    for (int r = 0; r < n2; r++)
        bot[r] = s.pq[n1 + r] + n1;
    merge_sorted(n1, s.pq, n2, bot, s.db, c->order);
    deflate(c, &s);
    if (s.k > 0) {
        pack_columns(c, &s);
        park_deflated(c, &s);
        secular p = {s.k, s.rho, c->dl, c->wv, s.zb, c->ldz, c->lam, c->zhat, c->group};
        run_phase(&p, PHASE_ROOTS, c->nthreads, c->tmp, (size_t)c->n);
        run_phase(&p, PHASE_LOEWNER, c->nthreads, c->tmp, (size_t)c->n);
        run_phase(&p, PHASE_VECTORS, c->nthreads, c->tmp, (size_t)c->n);
        update_vectors(c, &s);
    }
    final_order(c, &s);
}

/* ------------------------------------------------------------------ */
/* blocks, leaves and the tree (xLAED0)                                */

/* A leaf [lo, lo+m): QR on an identity block of Z; QR sorts, so the
 * permutation is the identity. */
static void identity_block(const dc_ctx *c, int lo, int m)
{
    real *zb = &EK_AT(c->z, c->ldz, lo, lo);
    for (int j = 0; j < m; j++) {
        EK_AT(zb, c->ldz, j, j) = 1;
        c->perm[lo + j] = j;
    }
}

static int solve_leaf(const dc_ctx *c, int lo, int m)
{
    real *zb = &EK_AT(c->z, c->ldz, lo, lo);
    identity_block(c, lo, m);
    return EK(tridiagonal_qr_small)(m, c->d + lo, c->e + lo, zb, c->ldz);
}

/* Tear [lo, lo+m) into 2^L leaves of at most EK_TUNE_DC_LEAF rows,
 * boundaries b_t = floor(t m / 2^L), so that the subproblems of every
 * level are unions of siblings: d_{p-1} and d_p lose |e_{p-1}| at each
 * cut p (Cuppen).  Leaves are solved, then siblings merged level by level. */
static int solve_torn(const dc_ctx *c, int lo, int m)
{
    int levels = 0;
    while (levels < 30 && (m + (1 << levels) - 1) >> levels > EK_TUNE_DC_LEAF)
        levels++;
    const int nl = 1 << levels;
    int *b = c->bounds;
    for (int t = 0; t <= nl; t++)
        b[t] = (int)((long long)t * m / nl);
    for (int t = 1; t < nl; t++) {
        int p = lo + b[t];
        real a = EK_FABS(c->e[p - 1]);
        c->d[p - 1] -= a;
        c->d[p] -= a;
    }
    for (int t = 0; t < nl; t++) {
        int info = solve_leaf(c, lo + b[t], b[t + 1] - b[t]);
        if (info != 0)
            return info;
    }
    for (int h = 1; h < nl; h *= 2)
        for (int t = 0; t < nl; t += 2 * h) {
            int a = b[t], mid = b[t + h], end = b[t + 2 * h];
            merge(c, lo + a, mid - a, end - mid, c->e[lo + mid - 1]);
        }
    return 0;
}

/* An unreduced block [lo, lo+m), scaled to max-norm 1 as xSTEDC does
 * (by division: no reciprocal that could overflow), solved, unscaled. */
static int solve_block(const dc_ctx *c, int lo, int m)
{
    real *d = c->d + lo, *e = c->e + lo, big = 0;
    int bad = 0;
    for (int i = 0; i < m; i++) {
        big = EK_FABS(d[i]) > big ? EK_FABS(d[i]) : big;
        bad |= d[i] != d[i];
    }
    for (int i = 0; i < m - 1; i++) {
        big = EK_FABS(e[i]) > big ? EK_FABS(e[i]) : big;
        bad |= e[i] != e[i];
    }
    if (bad || !(big <= EK_REAL_MAX))
        return m > 1 ? m - 1 : 1;   /* Inf or NaN */
    if (big == 0 || m == 1) {
        identity_block(c, lo, m);
        return 0;
    }
    for (int i = 0; i < m; i++)
        d[i] /= big;
    for (int i = 0; i < m - 1; i++)
        e[i] /= big;
    int info = m <= EK_TUNE_DC_LEAF ? solve_leaf(c, lo, m) : solve_torn(c, lo, m);
    for (int i = 0; i < m; i++)
        d[i] *= big;
    return info;
}

/* Bottom-up merge sort of idx (n) by key, with scratch tmp (n). */
static void merge_sort(int n, int *idx, int *tmp, const real *key)
{
    for (int w = 1; w < n; w *= 2) {
        for (int a = 0; a < n; a += 2 * w) {
            int mid = a + w < n ? a + w : n, end = a + 2 * w < n ? a + 2 * w : n;
            merge_sorted(mid - a, idx + a, end - mid, idx + mid, key, tmp + a);
        }
        memcpy(idx, tmp, (size_t)n * sizeof(int));
    }
}

/* All eigenvalues ascending and Z's columns with them: column t of the
 * result is column src[t] now.  The columns move along the cycles of the
 * permutation with one column of scratch; d through a copy. */
static void sort_all(const dc_ctx *c, const int *blk_lo, int nblk)
{
    const int n = c->n, ldz = c->ldz;
    int *src = c->idx;
    int t = 0;
    for (int b = 0; b < nblk; b++)
        for (int r = blk_lo[b]; r < blk_lo[b + 1]; r++)
            src[t++] = blk_lo[b] + c->perm[r];
    if (nblk > 1)
        merge_sort(n, src, c->idx2, c->d);
    memcpy(c->vec, c->d, (size_t)n * sizeof(real));
    for (int i = 0; i < n; i++) {
        c->d[i] = c->vec[src[i]];
        c->mark[i] = 0;
    }
    real *save = c->tmp;
    for (int s0 = 0; s0 < n; s0++) {
        if (c->mark[s0] || src[s0] == s0) {
            c->mark[s0] = 1;
            continue;
        }
        memcpy(save, &EK_AT(c->z, ldz, 0, s0), (size_t)n * sizeof(real));
        int cur = s0;
        for (int step = 0; step < n; step++) {
            int from = src[cur];
            c->mark[cur] = 1;
            if (from == s0) {
                memcpy(&EK_AT(c->z, ldz, 0, cur), save, (size_t)n * sizeof(real));
                break;
            }
            memcpy(&EK_AT(c->z, ldz, 0, cur), &EK_AT(c->z, ldz, 0, from), (size_t)n * sizeof(real));
            cur = from;
        }
    }
}

int EK(divide_conquer)(int n, real *d, real *e, real *z, int ldz, real *work, size_t lwork,
                       int *iwork, size_t liwork, int nthreads)
{
    if (n <= 0)
        return 0;
    if (lwork < EK(divide_conquer_workspace)(n) || liwork < EK(divide_conquer_iworkspace)(n) ||
        ldz < n)
        return -1;
    dc_ctx c;
    c.n = n;
    c.ldz = ldz;
    c.nthreads = nthreads;
    c.d = d;
    c.e = e;
    c.z = z;
    carve(&c, n, work, iwork);
    for (int j = 0; j < n; j++)
        memset(&EK_AT(z, ldz, 0, j), 0, (size_t)n * sizeof(real));
    /* the block starts go in slot (a vector of n+1 at most) */
    int *blk_lo = c.slot, nblk = 0;
    const real u = unit_roundoff();
    int start = 0;
    for (int i = 0; i < n; i++) {
        int split = i == n - 1 ||
                    EK_FABS(e[i]) <= u * EK_SQRT(EK_FABS(d[i])) * EK_SQRT(EK_FABS(d[i + 1]));
        if (!split)
            continue;
        blk_lo[nblk++] = start;
        int info = solve_block(&c, start, i + 1 - start);
        if (info != 0)
            return info;
        start = i + 1;
    }
    blk_lo[nblk] = n;
    sort_all(&c, blk_lo, nblk);
    return 0;
}
