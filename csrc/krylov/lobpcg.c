/*
 * lobpcg.c -- LOBPCG (Knyazev 2001) in reverse communication.  See
 * lobpcg.h for the protocol and the method.
 *
 * Layout of the basis S (n x 3k, ld n) and of its images AS = A S and
 * BS = B S (BS aliases S for the standard problem):
 *
 *   [ X (k) | P (np) | W (nw) ]
 *
 * X holds the current Ritz vectors, P the previous search directions of
 * the active columns (Hetmaniuk & Lehoucq 2006: P = [W P] C restricted to
 * the rows of W and P), W the preconditioned residuals of the active
 * columns.  The images of X and P are carried through the linear
 * combinations; A W is applied once W is orthonormal, so it is exact, and
 * so are A X and B X of the final step (the kept best block is multiplied
 * afresh).  tmp (n x 3k) receives the residuals, and the combinations:
 * the new [X P] of S (and of AS, BS) is formed in tmp, which then trades
 * places with S, so no block is copied back.
 *
 * The projection of A on the new [X P] is known from the small matrices
 * (see projected_eigen), so a step forms only S^H A W from long vectors.
 */
#include <string.h>
#include "common/types.h"
#include "common/random.h"
#include "common/selection.h"
#include "dense/symmetric_eigen.h"
#include "krylov/tall_skinny.h"
#include "krylov/block_orthonormalize.h"
#include "krylov/lobpcg.h"

enum phase {
    P_CONSTRAIN,   /* start: B Y wanted */
    P_Y_READY,     /* B Y known: orthonormalize Y */
    P_X_PREP,      /* project X against Y, ask for B X */
    P_X_READY,     /* B X known: orthonormalize X, ask for A X */
    P_X_RR,        /* A X known: first Rayleigh-Ritz */
    P_SEARCH,      /* after the report: active set, P, W; ask for M W */
    P_W_PROJECT,   /* M W known: project W against Y, ask for B W */
    P_W_READY,     /* B W known: orthonormalize W, ask for A W */
    P_RR,          /* A W known: Rayleigh-Ritz on [X P W] */
    P_RESTART_A,   /* forced restart: A X known, ask for B X */
    P_POST,        /* final: best block, ask for A X */
    P_POST_B,      /* final: A X known, ask for B X */
    P_POST_RR,     /* final Rayleigh-Ritz with fresh products, report */
    P_DONE
};

/* Replacements of dependent initial columns before giving up. */
#define MAX_RANDOM_FILLS 3
/* Returns to the iteration after a final step that missed the tolerance. */
#define MAX_RESUMES 3
/* A direction is taken for dependent on the basis when its projection
 * onto the basis's complement keeps less than this of its norm: beyond
 * that, two Gram-Schmidt passes no longer guarantee orthogonality to
 * rounding level (Giraud, Langou & Rozloznik 2005). */
#define DEPENDENT_SINE (1000 * EK_EPS)

/* Steps that take the projection of A on [X P] from the small matrices
 * (implicit_gram) between two that form it from long vectors. */
#define EXPLICIT_GRAM_PERIOD 16

#define NN(st) ((st)->par.n)
#define KK(st) ((st)->par.k)
#define COL(a, j, n) ((scalar *)(a) + (size_t)(j) * (size_t)(n))

/* ---------------------------------------------------------------- sizes */

typedef struct {
    size_t Y, BY, S, AS, BS, best, tmp, GA, GB, GH, GXP, C, coef, theta, rep_values, rep_res,
        active, pcol, tall, ortho, dense, dense_bytes, total;
} layout;

static size_t align_up(size_t x) { return (x + 63) / 64 * 64; }

static layout plan_layout(const ek_lobpcg_params *par)
{
    layout L;
    size_t n = (size_t)par->n, k = (size_t)par->k, ny = (size_t)par->ny, m = 3 * k;
    size_t off = 0, sz = sizeof(scalar);
    int gen = par->generalized;
#define TAKE(field, bytes)                                                                  \
    do {                                                                                    \
        L.field = off;                                                                      \
        off = align_up(off + (bytes));                                                      \
    } while (0)
    TAKE(Y, n * ny * sz);
    TAKE(BY, gen ? n * ny * sz : 0);
    TAKE(S, n * m * sz);
    TAKE(AS, n * m * sz);
    TAKE(BS, gen ? n * m * sz : 0);
    TAKE(best, n * k * sz);
    TAKE(tmp, n * m * sz);
    TAKE(GA, m * m * sz);
    TAKE(GB, m * m * sz);
    TAKE(GH, m * m * sz);
    TAKE(GXP, m * m * sz);
    TAKE(C, m * m * sz);
    TAKE(coef, (m + ny) * m * sz);
    TAKE(theta, m * sizeof(real));
    TAKE(rep_values, k * sizeof(real));
    TAKE(rep_res, k * sizeof(real));
    TAKE(active, k * sizeof(int));
    TAKE(pcol, k * sizeof(int));
    TAKE(tall, EK(tall_scratch)((int)(m + ny), (int)m) * sz);
    size_t ortho_m = k > ny ? k : ny;
    TAKE(ortho, EK(block_orthonormalize_workspace)((int)n, (int)ortho_m));
    ek_selection all = {EK_SELECT_ALL, 0, 0, 0.0, 0.0};
    L.dense_bytes = EK(symmetric_eigen_workspace)((int)m, 1, &all);
    TAKE(dense, L.dense_bytes);
#undef TAKE
    L.total = off + 64;
    return L;
}

size_t EK(lobpcg_workspace)(const ek_lobpcg_params *par)
{
    return plan_layout(par).total;
}

/* ------------------------------------------------------------ helpers */

static void fill_random(ek_lobpcg_state *st, scalar *x, int ncols)
{
    for (size_t i = 0; i < (size_t)NN(st) * (size_t)ncols; i++) {
#if EK_IS_COMPLEX
        real re = (real)ek_uniform_signed(&st->rng);
        real im = (real)ek_uniform_signed(&st->rng);
        x[i] = re + im * I;
#else
        x[i] = (real)ek_uniform_signed(&st->rng);
#endif
    }
}

static int request(ek_lobpcg_state *st, int code, void *x, void *y, int ncols, int next)
{
    st->x = x;
    st->y = y;
    st->ncols = ncols;
    st->phase = next;
    if (code == EK_LP_APPLY_A)
        st->nmatvec += ncols;
    return code;
}

static void copy_cols(int n, int ncols, const scalar *src, scalar *dst)
{
    if (ncols > 0 && src != dst)
        memmove(dst, src, (size_t)n * (size_t)ncols * sizeof(scalar));
}

static scalar *BS(ek_lobpcg_state *st) { return (scalar *)(st->par.generalized ? st->BS : st->S); }
static scalar *BY(ek_lobpcg_state *st) { return (scalar *)(st->par.generalized ? st->BY : st->Y); }

/* V -= Q (BQ^H V), and the same combination subtracted from the images
 * BV and AV when given: one classical Gram-Schmidt pass against the
 * B-orthonormal q columns of Q. */
static void project_pass(ek_lobpcg_state *st, int q, const scalar *Q, const scalar *BQ,
                         const scalar *AQ, int m, scalar *V, scalar *BV, scalar *AV)
{
    if (q == 0 || m == 0)
        return;
    int n = NN(st), nt = st->par.nthreads;
    scalar *c = (scalar *)st->coef;
    EK(tall_inner)(n, q, m, BQ, n, V, n, c, q, (scalar *)st->tall, nt);
    EK(tall_combine)(n, q, m, -1, Q, n, c, q, 1, V, n, nt);
    if (BV && BV != V)
        EK(tall_combine)(n, q, m, -1, BQ, n, c, q, 1, BV, n, nt);
    if (AV)
        EK(tall_combine)(n, q, m, -1, AQ, n, c, q, 1, AV, n, nt);
}

/* Two passes ("twice is enough", Giraud, Langou & Rozloznik 2005): for
 * the constraints, whose count is small. */
static void project_out(ek_lobpcg_state *st, int q, const scalar *Q, const scalar *BQ, int m,
                        scalar *V)
{
    project_pass(st, q, Q, BQ, NULL, m, V, NULL, NULL);
    project_pass(st, q, Q, BQ, NULL, m, V, NULL, NULL);
}

/* B-norm of column j of V (BV its B-image, or V itself). */
static real column_norm(int n, const scalar *V, const scalar *BV, int j)
{
    scalar d = xdotc(n, V + (size_t)j * n, 1, BV + (size_t)j * n, 1);
    return EK_SQRT(EK_FABS(EK_RE(d)));
}

/* Projects V (and its images) against Q: one pass, a second one when a
 * column lost more than half its norm in the first (Daniel, Gragg,
 * Kaufman & Stewart 1976).  Then drops the columns that were numerically
 * in the span of Q: less than DEPENDENT_SINE of their norm left.  What is
 * left of such a column is rounding noise, which orthonormalization
 * would blow up into a vector that is not orthogonal to Q.  Returns the
 * columns kept, packed to the front of V and its images. */
static int project_and_drop(ek_lobpcg_state *st, int q, const scalar *Q, const scalar *BQ,
                            const scalar *AQ, int m, scalar *V, scalar *BV, scalar *AV)
{
    int n = NN(st), kept = 0, again = 0;
    real *before = (real *)st->theta;
    const scalar *BVn = BV ? BV : V;
    for (int j = 0; j < m; j++)
        before[j] = column_norm(n, V, BVn, j);
    project_pass(st, q, Q, BQ, AQ, m, V, BV, AV);
    for (int j = 0; j < m; j++)
        again |= !(column_norm(n, V, BVn, j) > (real)0.5 * before[j]);
    if (again)
        project_pass(st, q, Q, BQ, AQ, m, V, BV, AV);
    for (int j = 0; j < m; j++) {
        if (!(column_norm(n, V, BVn, j) > DEPENDENT_SINE * before[j]))
            continue;
        copy_cols(n, 1, V + (size_t)j * n, V + (size_t)kept * n);
        if (BV)
            copy_cols(n, 1, BV + (size_t)j * n, BV + (size_t)kept * n);
        if (AV)
            copy_cols(n, 1, AV + (size_t)j * n, AV + (size_t)kept * n);
        kept++;
    }
    return kept;
}

/* --------------------------------------------------- Rayleigh-Ritz */

/* Lower triangle of G (ld m) from its upper one, the diagonal made real. */
static void hermitian_fill(int m, scalar *G)
{
    for (int j = 0; j < m; j++) {
        for (int i = 0; i < j; i++)
            EK_AT(G, m, j, i) = EK_CONJ(EK_AT(G, m, i, j));
        EK_AT(G, m, j, j) = EK_RE(EK_AT(G, m, j, j));
    }
}

/* G = X^H Z (k x k, ld m) made Hermitian by averaging; returns
 * ||G - G^H||_1 / max(1, ||G||_1), how far A is from Hermitian on X. */
static double hermitian_block(ek_lobpcg_state *st, int m, const scalar *Z, scalar *G)
{
    int k = KK(st);
    EK(tall_inner)(NN(st), k, k, (const scalar *)st->S, NN(st), Z, NN(st), G, m,
                   (scalar *)st->tall, st->par.nthreads);
    double skew = 0, norm = 0;
    for (int j = 0; j < k; j++) {
        double cs = 0, cn = 0;
        for (int i = 0; i < k; i++) {
            cs += EK_ABS(EK_AT(G, m, i, j) - EK_CONJ(EK_AT(G, m, j, i)));
            cn += EK_ABS(EK_AT(G, m, i, j));
        }
        skew = cs > skew ? cs : skew;
        norm = cn > norm ? cn : norm;
    }
    for (int j = 0; j < k; j++)
        for (int i = 0; i < j; i++)
            EK_AT(G, m, i, j) = (EK_AT(G, m, i, j) + EK_CONJ(EK_AT(G, m, j, i))) / 2;
    return skew / (norm > 1 ? norm : 1);
}

/* S^H A S on [X P W] when the block on [X P] is known (gram_known):
 * that block is GXP, so only the columns S^H A W are formed from long
 * vectors.  Returns 1 if the block was known, 0 if not (nothing done). */
static int implicit_gram(ek_lobpcg_state *st, int m, scalar *GA)
{
    int n = NN(st), kp = KK(st) + st->np;
    if (!st->gram_known || st->implicit_steps >= EXPLICIT_GRAM_PERIOD)
        return 0;
    for (int j = 0; j < kp; j++)
        memcpy(GA + (size_t)j * m, (const scalar *)st->GXP + (size_t)j * 3 * KK(st),
               (size_t)kp * sizeof(scalar));
    if (m > kp)
        EK(tall_inner)(n, m, m - kp, (const scalar *)st->S, n,
                       (const scalar *)st->AS + (size_t)kp * n, n, GA + (size_t)kp * m, m,
                       (scalar *)st->tall, st->par.nthreads);
    st->implicit_steps++;
    return 1;
}

/* Eigenpairs of the projected problem on the first m columns of S,
 * ascending in theta, vectors in C.  S^H A S is formed from its upper
 * block columns, X^H A X and S^H A [P W], or from GXP and S^H A W (see
 * implicit_gram); the full Hermitian matrix is kept in GH for
 * project_gram.  S is B-orthonormal by
 * construction (block_orthonormalize, project_and_drop and the
 * orthonormal coefficients of new_directions), so S^H B S = I is not
 * formed, except on the blocks of X alone (the first and the final step,
 * the latter on a kept block whose products are fresh), where the
 * generalized problem is reduced by Cholesky (xSYGST).  Returns 0, 1 if
 * X^H B X is not positive definite, -1 if the dense solver failed. */
static int projected_eigen(ek_lobpcg_state *st, int m)
{
    int n = NN(st), k = KK(st);
    scalar *GA = (scalar *)st->GA, *GB = (scalar *)st->GB, *C = (scalar *)st->C;
    if (m == k || !implicit_gram(st, m, GA)) {
        double skew = hermitian_block(st, m, (const scalar *)st->AS, GA);
        if (skew > st->asymmetry)
            st->asymmetry = skew;
        if (m > k)
            EK(tall_inner)(n, m, m - k, (const scalar *)st->S, n,
                           (const scalar *)st->AS + (size_t)k * n, n, GA + (size_t)k * m, m,
                           (scalar *)st->tall, st->par.nthreads);
        st->implicit_steps = 0;
    }
    hermitian_fill(m, GA);
    memcpy(st->GH, GA, (size_t)m * (size_t)m * sizeof(scalar));
    if (m == k) {
        hermitian_block(st, m, BS(st), GB);
        hermitian_fill(m, GB);
        if (EK(generalized_reduce)(1, m, GA, m, GB, m) != 0)
            return 1;
    }
    ek_selection all = {EK_SELECT_ALL, 0, 0, 0.0, 0.0};
    int got = 0;
    if (EK(symmetric_eigen)(m, GA, m, 1, &all, (real *)st->theta, &got, C, m, st->dense_work,
                            st->dense_bytes, 1) != 0 || got != m)
        return -1;
    if (m == k)
        EK(generalized_recover)(1, m, m, GB, m, C, m);
    return 0;
}

/* Column of the projected eigenvectors that becomes Ritz vector j. */
static int pick(const ek_lobpcg_state *st, int m, int j)
{
    return st->par.largest ? m - 1 - j : j;
}

/* The coefficients of the new block in coef (m x (k + np), ld m): the
 * Ritz vectors' C_sel, then the new directions P = S Z of the active
 * columns, Z the components of their Ritz vectors on [P W] made
 * orthogonal to C_sel and orthonormal.  Since S is orthonormal, P is then
 * orthonormal and orthogonal to the new X without touching a long vector
 * (Duersch, Shao, Yang & Gu 2018, "orthogonal P"); its span with X is that
 * of Hetmaniuk & Lehoucq's P = [P W] C.  Returns np. */
static int new_directions(ek_lobpcg_state *st, int m)
{
    int k = KK(st), na = st->nactive;
    scalar *C = (scalar *)st->C, *coef = (scalar *)st->coef, *Z = coef + (size_t)k * m;
    for (int j = 0; j < k; j++)
        memcpy(coef + (size_t)j * m, C + (size_t)pick(st, m, j) * m, (size_t)m * sizeof(scalar));
    if (m == k || na == 0)
        return 0;
    for (int a = 0; a < na; a++) {
        memcpy(Z + (size_t)a * m, C + (size_t)pick(st, m, st->active[a]) * m,
               (size_t)m * sizeof(scalar));
        memset(Z + (size_t)a * m, 0, (size_t)k * sizeof(scalar));
    }
    scalar *h = (scalar *)st->GB;
    for (int pass = 0; pass < 2; pass++) {
        xgemm('C', 'N', k, na, m, 1, coef, m, Z, m, 0, h, k);
        xgemm('N', 'N', m, na, k, -1, coef, m, h, k, 1, Z, m);
    }
    int np = EK(block_orthonormalize)(m, na, Z, NULL, NULL, m, st->ortho, 1);
    return np < 0 ? 0 : np;
}

/* GXP ((k + np) x (k + np), ld 3k) := coef^H GH coef, the projection of A
 * on the new [X P] = S coef.  With AS carried by the same combination,
 * this is what [X P]^H A [X P] would give, without its 2 n (k + np)^2
 * flops: the next step then forms only S^H A W (implicit_gram).  SciPy's
 * lobpcg takes X^H A X = diag(theta) the same way; the block is formed
 * explicitly again every EXPLICIT_GRAM_PERIOD steps and after a restart,
 * so rounding in the small products cannot build up. */
static void project_gram(ek_lobpcg_state *st, int m, int kp)
{
    scalar *T = (scalar *)st->GB;
    xgemm('N', 'N', m, kp, m, 1, (const scalar *)st->GH, m, (const scalar *)st->coef, m, 0, T,
          m);
    xgemm('C', 'N', kp, kp, m, 1, (const scalar *)st->coef, m, T, m, 0, (scalar *)st->GXP,
          3 * KK(st));
    st->gram_known = 1;
}

/* Rayleigh-Ritz on the first m = k + np + nw columns of S: X, and P for
 * the active columns, replaced by the new ones (their images alike). */
static int rayleigh_ritz(ek_lobpcg_state *st)
{
    int n = NN(st), k = KK(st), m = k + st->np + st->nw;
    int info = projected_eigen(st, m);
    if (info != 0)
        return info == 1 ? EK_LP_ERR_B_INDEFINITE : EK_LP_ERR_DENSE;
    real *theta = (real *)st->theta;
    real *vals = (real *)st->rep_values;
    for (int j = 0; j < k; j++)
        vals[j] = theta[pick(st, m, j)];
    int np = new_directions(st, m);
    project_gram(st, m, k + np);
    void **arrays[3] = {&st->S, &st->AS, &st->BS};
    for (int t = 0; t < (st->par.generalized ? 3 : 2); t++) {
        EK(tall_combine)(n, m, k + np, 1, (const scalar *)*arrays[t], n,
                         (const scalar *)st->coef, m, 0, (scalar *)st->tmp, n,
                         st->par.nthreads);
        void *swap = *arrays[t];
        *arrays[t] = st->tmp;
        st->tmp = swap;
    }
    for (int a = 0; a < np; a++)
        st->pcol[a] = st->active[a];
    st->np = np;
    st->nw = 0;
    return 0;
}

/* --------------------------------------------------------- residuals */

/* tmp[:, j] = A x_j - theta_j B x_j and its norm, for every column of X;
 * keeps the best block (smallest mean residual). */
static void residuals(ek_lobpcg_state *st)
{
    int n = NN(st), k = KK(st);
    const scalar *AX = (const scalar *)st->AS, *BX = BS(st);
    scalar *R = (scalar *)st->tmp;
    real *vals = (real *)st->rep_values, *res = (real *)st->rep_res;
    double mean = 0;
    for (int j = 0; j < k; j++) {
        memcpy(R + (size_t)j * n, AX + (size_t)j * n, (size_t)n * sizeof(scalar));
        xaxpy(n, -vals[j], BX + (size_t)j * n, 1, R + (size_t)j * n, 1);
        res[j] = xnrm2(n, R + (size_t)j * n, 1);
        mean += res[j] / k;
    }
    if (mean < st->best_mean) {
        st->best_mean = mean;
        st->best_report = st->nreport;
        memcpy(st->best, st->S, (size_t)n * (size_t)k * sizeof(scalar));
    }
    st->nreport++;
}

/* ------------------------------------------------------------ phases */

static int start(ek_lobpcg_state *st)
{
    if (st->par.ny == 0)
        return -1;
    if (st->par.generalized)
        return request(st, EK_LP_APPLY_B, st->Y, st->BY, st->par.ny, P_Y_READY);
    return -1;
}

static int orthonormalize_y(ek_lobpcg_state *st)
{
    int r = EK(block_orthonormalize)(NN(st), st->par.ny, (scalar *)st->Y,
                                     st->par.generalized ? (scalar *)st->BY : NULL, NULL, NN(st),
                                     st->ortho, st->par.nthreads);
    return r == st->par.ny ? 0 : EK_LP_ERR_CONSTRAINTS;
}

static int prepare_x(ek_lobpcg_state *st)
{
    scalar *X = (scalar *)st->S;
    project_out(st, st->par.ny, (scalar *)st->Y, BY(st), KK(st), X);
    if (st->par.generalized)
        return request(st, EK_LP_APPLY_B, X, st->BS, KK(st), P_X_READY);
    st->phase = P_X_READY;
    return -1;
}

/* Orthonormalize the initial block; replace dependent columns by random
 * ones (then B X is needed again). */
static int orthonormalize_x(ek_lobpcg_state *st)
{
    int n = NN(st), k = KK(st);
    scalar *X = (scalar *)st->S;
    int r = EK(block_orthonormalize)(n, k, X, st->par.generalized ? (scalar *)st->BS : NULL,
                                     NULL, n, st->ortho, st->par.nthreads);
    if (r < 0)
        return EK_LP_ERR_DENSE;
    if (r < k) {
        /* random columns are independent unless B is not positive definite */
        if (st->tries++ == MAX_RANDOM_FILLS)
            return st->par.generalized ? EK_LP_ERR_B_INDEFINITE : EK_LP_ERR_DENSE;
        fill_random(st, X + (size_t)r * n, k - r);
        st->phase = P_X_PREP;
        return -1;
    }
    return request(st, EK_LP_APPLY_A, X, st->AS, k, P_X_RR);
}

/* Whether direction c of P belongs to a column still active. */
static int direction_active(const ek_lobpcg_state *st, int c)
{
    int on = 0;
    for (int a = 0; a < st->nactive; a++)
        on |= st->active[a] == st->pcol[c];
    return on;
}

/* GXP restricted to X and the directions still active: their rows, then
 * their columns, moved up in place (a kept index never grows). */
static void compact_gram(ek_lobpcg_state *st)
{
    int k = KK(st), m = 3 * k, kp = k + st->np, r = k;
    scalar *G = (scalar *)st->GXP;
    for (int c = 0; c < st->np; c++) {
        if (!direction_active(st, c))
            continue;
        for (int j = 0; j < kp; j++)
            EK_AT(G, m, r, j) = EK_AT(G, m, k + c, j);
        r++;
    }
    r = k;
    for (int c = 0; c < st->np; c++) {
        if (!direction_active(st, c))
            continue;
        memmove(G + (size_t)r * m, G + (size_t)(k + c) * m, (size_t)kp * sizeof(scalar));
        r++;
    }
}

/* The active set after a report; compacts P to the columns still active. */
static void update_active(ek_lobpcg_state *st)
{
    int k = KK(st), n = NN(st), na = 0;
    const real *res = (const real *)st->rep_res;
    for (int j = 0; j < k; j++) {
        int still = 0;
        for (int a = 0; a < st->nactive; a++)
            still |= st->active[a] == j;
        if (still && res[j] > st->par.tol)
            st->active[na++] = j;
    }
    st->nactive = na;
    compact_gram(st);
    int kept = 0;
    scalar *arr[3] = {(scalar *)st->S, (scalar *)st->AS, (scalar *)st->BS};
    for (int c = 0; c < st->np; c++) {
        if (!direction_active(st, c))
            continue;
        for (int t = 0; t < (st->par.generalized ? 3 : 2); t++)
            copy_cols(n, 1, arr[t] + (size_t)(k + c) * n, arr[t] + (size_t)(k + kept) * n);
        st->pcol[kept++] = st->pcol[c];
    }
    st->np = kept;
}

/* After a report: stop, or restart, or form W from the active residuals. */
static int search(ek_lobpcg_state *st)
{
    int n = NN(st), k = KK(st);
    double mean = 0;
    for (int j = 0; j < k; j++)
        mean += ((real *)st->rep_res)[j] / k;
    update_active(st);
    if (st->nactive == 0 || st->iter > st->par.maxiter) {
        st->phase = P_POST;
        return -1;
    }
    if (st->restart == 0 && st->par.restart_control < 60 &&
        mean > (double)((uint64_t)1 << st->par.restart_control) * st->best_mean) {
        st->restart = 1;
        st->np = 0;
        st->gram_known = 0;
        return request(st, EK_LP_APPLY_A, st->S, st->AS, k, P_RESTART_A);
    }
    st->restart = 0;
    scalar *R = (scalar *)st->tmp, *W = (scalar *)st->S + (size_t)(k + st->np) * n;
    for (int a = 0; a < st->nactive; a++)
        copy_cols(n, 1, R + (size_t)st->active[a] * n, R + (size_t)a * n);
    st->nw = st->nactive;
    if (st->par.precondition)
        return request(st, EK_LP_APPLY_M, R, W, st->nw, P_W_PROJECT);
    copy_cols(n, st->nw, R, W);
    st->phase = P_W_PROJECT;
    return -1;
}

static int project_w(ek_lobpcg_state *st)
{
    int n = NN(st), k = KK(st), off = k + st->np;
    scalar *W = (scalar *)st->S + (size_t)off * n;
    project_out(st, st->par.ny, (scalar *)st->Y, BY(st), st->nw, W);
    if (st->par.generalized)
        return request(st, EK_LP_APPLY_B, W, (scalar *)st->BS + (size_t)off * n, st->nw,
                       P_W_READY);
    st->phase = P_W_READY;
    return -1;
}

static int orthonormalize_w(ek_lobpcg_state *st)
{
    int n = NN(st), k = KK(st), off = k + st->np;
    scalar *W = (scalar *)st->S + (size_t)off * n;
    scalar *BW = st->par.generalized ? (scalar *)st->BS + (size_t)off * n : NULL;
    int nw = project_and_drop(st, off, (scalar *)st->S, BS(st), NULL, st->nw, W, BW, NULL);
    int r = EK(block_orthonormalize)(n, nw, W, BW, NULL, n, st->ortho, st->par.nthreads);
    if (r < 0)
        return EK_LP_ERR_DENSE;
    st->nw = r;
    if (r == 0 && st->np == 0) {
        st->phase = P_POST; /* no new direction: the block has stagnated */
        return -1;
    }
    if (r == 0) {
        st->phase = P_RR;
        return -1;
    }
    return request(st, EK_LP_APPLY_A, W, (scalar *)st->AS + (size_t)off * n, r, P_RR);
}

static int report(ek_lobpcg_state *st, int next)
{
    residuals(st);
    st->phase = next;
    return EK_LP_REPORT;
}

/* The final step: the best block, constrained again, multiplied afresh. */
static int post(ek_lobpcg_state *st)
{
    int n = NN(st), k = KK(st);
    scalar *X = (scalar *)st->S;
    if (st->best_report >= 0)
        memcpy(X, st->best, (size_t)n * (size_t)k * sizeof(scalar));
    project_out(st, st->par.ny, (scalar *)st->Y, BY(st), k, X);
    st->np = st->nw = 0;
    return request(st, EK_LP_APPLY_A, X, st->AS, k, st->par.generalized ? P_POST_B : P_POST_RR);
}

/* Whether iterations go on after the final step: its true residuals miss
 * the tolerance (the carried images had drifted) and iterations remain. */
static int resume(ek_lobpcg_state *st)
{
    const real *res = (const real *)st->rep_res;
    int na = 0;
    for (int j = 0; j < KK(st); j++)
        if (!(res[j] <= st->par.tol))
            st->active[na++] = j;
    if (na == 0 || st->iter > st->par.maxiter || st->resumes == MAX_RESUMES)
        return 0;
    st->resumes++;
    st->nactive = na;
    st->best_mean = (double)EK_REAL_MAX;
    return 1;
}

static int finish(ek_lobpcg_state *st)
{
    const real *res = (const real *)st->rep_res;
    for (int j = 0; j < KK(st); j++)
        if (!(res[j] <= st->par.tol))
            return EK_LP_NOT_CONVERGED;
    return EK_LP_CONVERGED;
}

/* One transition; -1 means "go on without returning". */
static int advance(ek_lobpcg_state *st)
{
    int info;
    switch (st->phase) {
    case P_CONSTRAIN:
        st->phase = st->par.ny > 0 ? P_Y_READY : P_X_PREP;
        return start(st);
    case P_Y_READY:
        info = orthonormalize_y(st);
        st->phase = P_X_PREP;
        return info < 0 ? info : -1;
    case P_X_PREP:
        return prepare_x(st);
    case P_X_READY:
        return orthonormalize_x(st);
    case P_X_RR:
        st->np = st->nw = 0;
        info = rayleigh_ritz(st);
        return info < 0 ? info : report(st, P_SEARCH);
    case P_SEARCH:
        return search(st);
    case P_W_PROJECT:
        return project_w(st);
    case P_W_READY:
        return orthonormalize_w(st);
    case P_RR:
        info = rayleigh_ritz(st);
        st->iter++;
        return info < 0 ? info : report(st, P_SEARCH);
    case P_RESTART_A:
        if (st->par.generalized)
            return request(st, EK_LP_APPLY_B, st->S, st->BS, KK(st), P_SEARCH);
        st->phase = P_SEARCH;
        return -1;
    case P_POST:
        return post(st);
    case P_POST_B:
        return request(st, EK_LP_APPLY_B, st->S, st->BS, KK(st), P_POST_RR);
    case P_POST_RR:
        st->np = st->nw = 0;
        info = rayleigh_ritz(st);
        if (info < 0)
            return info;
        residuals(st);
        st->phase = resume(st) ? P_SEARCH : P_DONE;
        return EK_LP_REPORT;
    default:
        return finish(st);
    }
}

int EK(lobpcg_step)(ek_lobpcg_state *st)
{
    /* every phase either returns or moves on; a solve has fewer than 16
     * transitions between two requests */
    for (int guard = 0; guard < 64; guard++) {
        int code = advance(st);
        if (code != -1)
            return code;
    }
    return EK_LP_ERR_ARG;
}

/* ---------------------------------------------------------------- init */

int EK(lobpcg_init)(ek_lobpcg_state *st, const ek_lobpcg_params *par, void *work,
                    size_t work_bytes, const scalar *x0, int ldx0, const scalar *y, int ldy)
{
    memset(st, 0, sizeof(*st));
    if (par->n < 1 || par->k < 1 || par->ny < 0 || 3 * par->k > par->n - par->ny ||
        par->maxiter < 0 || par->nthreads < 1 || ldx0 < par->n || (par->ny > 0 && ldy < par->n))
        return EK_LP_ERR_ARG;
    layout L = plan_layout(par);
    if (work_bytes < L.total)
        return EK_LP_ERR_WORKSPACE;
    char *base = (char *)(((size_t)work + 63) / 64 * 64);
    st->par = *par;
    st->Y = base + L.Y;
    st->BY = base + L.BY;
    st->S = base + L.S;
    st->AS = base + L.AS;
    st->BS = base + L.BS;
    st->best = base + L.best;
    st->tmp = base + L.tmp;
    st->GA = base + L.GA;
    st->GB = base + L.GB;
    st->GH = base + L.GH;
    st->GXP = base + L.GXP;
    st->C = base + L.C;
    st->coef = base + L.coef;
    st->theta = base + L.theta;
    st->rep_values = base + L.rep_values;
    st->rep_res = base + L.rep_res;
    st->active = (int *)(base + L.active);
    st->pcol = (int *)(base + L.pcol);
    st->tall = base + L.tall;
    st->ortho = base + L.ortho;
    st->dense_work = base + L.dense;
    st->dense_bytes = L.dense_bytes;
    int n = par->n;
    for (int j = 0; j < par->k; j++)
        memcpy(COL(st->S, j, n), x0 + (size_t)j * ldx0, (size_t)n * sizeof(scalar));
    for (int j = 0; j < par->ny; j++)
        memcpy(COL(st->Y, j, n), y + (size_t)j * ldy, (size_t)n * sizeof(scalar));
    for (int j = 0; j < par->k; j++)
        st->active[j] = j;
    st->nactive = par->k;
    st->best_mean = (double)EK_REAL_MAX;
    st->best_report = -1;
    st->rng = par->seed ^ 0x6A09E667F3BCC909ULL;
    st->phase = P_CONSTRAIN;
    return 0;
}

void EK(lobpcg_extract)(const ek_lobpcg_state *st, real *w, real *res, scalar *z, int ldz)
{
    int n = NN(st), k = KK(st);
    for (int j = 0; j < k; j++) {
        w[j] = ((const real *)st->rep_values)[j];
        res[j] = ((const real *)st->rep_res)[j];
        if (z)
            memcpy(z + (size_t)j * ldz, COL(st->S, j, n), (size_t)n * sizeof(scalar));
    }
}
