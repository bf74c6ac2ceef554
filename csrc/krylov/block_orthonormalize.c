/*
 * block_orthonormalize.c -- B-orthonormalization of a tall block with
 * dropping of dependent directions.  See block_orthonormalize.h.
 *
 * Cholesky QR (G = V^H B V = R^H R, V := V R^-1) loses orthogonality as
 * cond(V)^2 eps, so it is done twice (CholQR2, Fukaya, Nakatsukasa,
 * Yanagisawa & Yamamoto 2014) and only when every column keeps a sine of
 * at least CHOL_MIN_SINE to the span of the columns before it (the
 * diagonal of R against the column norms; scale invariant, so badly
 * scaled columns are no reason to fall back).  Below that, or when xPOTRF
 * fails, the block is first made well conditioned: by Householder QR of
 * the column-scaled V (xGEQRT), keeping the columns whose diagonal entry
 * of R exceeds DROP_SINE, for B = I; by the eigenvalues of the scaled
 * Gram matrix (SVQB, Stathopoulos & Wu 2002), keeping those above
 * DROP_SINE^2 of the largest, for B != I (Householder QR has no B inner
 * product).  Both produce a transformation T applied to V and its images.
 */
#include <string.h>
#include "common/types.h"
#include "common/selection.h"
#include "dense/symmetric_eigen.h"
#include "krylov/tall_skinny.h"
#include "krylov/block_orthonormalize.h"

/* Cholesky QR twice is accurate while cond(V) is below about eps^-1/2;
 * the factor 100 keeps a margin (float: a sine of 0.03). */
#define CHOL_MIN_SINE (100 * EK_SQRT(EK_EPS))
/* A direction is dropped when it is this close to the span of the others:
 * keeping it would amplify the rounding errors of the images carried
 * through T by more than eps^-1/2. */
#define DROP_SINE (EK_SQRT(EK_EPS))

typedef struct {
    scalar *tmp, *G, *R2, *T, *tq, *qwork, *tall;
    real *lam, *d;
    int *keep;
    void *dense;
    size_t dense_bytes;
} ortho_work;

static size_t align_up(size_t x) { return (x + 63) / 64 * 64; }

static size_t plan(int n, int m, ortho_work *w, char *base)
{
    size_t off = 0, mm = (size_t)m * (size_t)m;
    ek_selection all = {EK_SELECT_ALL, 0, 0, 0.0, 0.0};
    size_t dense = EK(symmetric_eigen_workspace)(m, 1, &all);
#define TAKE(field, type, bytes)                              \
    do {                                                      \
        if (w) w->field = (type)(base + off);                 \
        off = align_up(off + (bytes));                        \
    } while (0)
    TAKE(tmp, scalar *, (size_t)n * (size_t)m * sizeof(scalar));
    TAKE(G, scalar *, mm * sizeof(scalar));
    TAKE(R2, scalar *, mm * sizeof(scalar));
    TAKE(T, scalar *, mm * sizeof(scalar));
    TAKE(tq, scalar *, mm * sizeof(scalar));
    TAKE(qwork, scalar *, mm * sizeof(scalar));
    TAKE(tall, scalar *, EK(tall_scratch)(m, m) * sizeof(scalar));
    TAKE(lam, real *, (size_t)m * sizeof(real));
    TAKE(d, real *, (size_t)m * sizeof(real));
    TAKE(keep, int *, (size_t)m * sizeof(int));
    TAKE(dense, void *, dense);
#undef TAKE
    if (w) w->dense_bytes = dense;
    return off + 64;
}

size_t EK(block_orthonormalize_workspace)(int n, int m)
{
    return plan(n, m < 1 ? 1 : m, NULL, NULL);
}

/* G (m x m) := V^H BV made exactly Hermitian. */
static void gram(int n, int m, const scalar *V, const scalar *BV, int ld, ortho_work *w,
                 int nthreads)
{
    EK(tall_inner)(n, m, m, V, ld, BV ? BV : V, ld, w->G, m, w->tall, nthreads);
    for (int j = 0; j < m; j++) {
        for (int i = 0; i < j; i++) {
            scalar avg = (EK_AT(w->G, m, i, j) + EK_CONJ(EK_AT(w->G, m, j, i))) / 2;
            EK_AT(w->G, m, i, j) = avg;
            EK_AT(w->G, m, j, i) = EK_CONJ(avg);
        }
        EK_AT(w->G, m, j, j) = EK_RE(EK_AT(w->G, m, j, j));
    }
}

/* One Cholesky QR pass.  Returns 0, or 1 (nothing changed) when the block
 * is too ill-conditioned for it. */
static int cholesky_pass(int n, int m, scalar *V, scalar *BV, scalar *AV, int ld,
                         ortho_work *w, int nthreads)
{
    gram(n, m, V, BV, ld, w, nthreads);
    for (int j = 0; j < m; j++)
        w->d[j] = EK_SQRT(EK_RE(EK_AT(w->G, m, j, j)));
    int info = 0;
    xpotrf('U', m, w->G, m, &info);
    if (info != 0)
        return 1;
    for (int j = 0; j < m; j++)
        if (!(EK_FABS(EK_RE(EK_AT(w->G, m, j, j))) >= CHOL_MIN_SINE * w->d[j]))
            return 1;
    xtrsm('R', 'U', 'N', 'N', n, m, 1, w->G, m, V, ld);
    if (BV)
        xtrsm('R', 'U', 'N', 'N', n, m, 1, w->G, m, BV, ld);
    if (AV)
        xtrsm('R', 'U', 'N', 'N', n, m, 1, w->G, m, AV, ld);
    return 0;
}

/* Z[:, :r] := Z T, T m x r (ld m). */
static void transform(int n, int m, int r, scalar *Z, int ld, ortho_work *w, int nthreads)
{
    EK(tall_combine)(n, m, r, 1, Z, ld, w->T, m, 0, w->tmp, n, nthreads);
    for (int j = 0; j < r; j++)
        memcpy(Z + (size_t)j * ld, w->tmp + (size_t)j * n, (size_t)n * sizeof(scalar));
}

/* T (m x r) for B = I: V[:, K] diag(1/d_K) = Q R[:, K] = (Q Q2) R2, so the
 * orthonormal basis of the kept columns is V T with T = E_K diag(1/d_K)
 * R2^-1.  Returns r. */
static int householder_basis(int n, int m, const scalar *V, int ld, ortho_work *w)
{
    int r = 0, info = 0;
    for (int j = 0; j < m; j++) {
        w->d[j] = xnrm2(n, V + (size_t)j * ld, 1);
        real s = w->d[j] > 0 ? 1 / w->d[j] : 0;
        for (int i = 0; i < n; i++)
            w->tmp[(size_t)j * n + i] = V[(size_t)j * ld + i] * s;
    }
    xgeqrt(n, m, m, w->tmp, n, w->tq, m, w->qwork, &info);
    int *keep = w->keep;
    for (int j = 0; j < m; j++)
        if (w->d[j] > 0 && EK_ABS(w->tmp[(size_t)j * n + j]) > DROP_SINE)
            keep[r++] = j;
    if (r == 0)
        return 0;
    /* R2: the triangular factor of R[:, K] (m x r). */
    for (int c = 0; c < r; c++)
        for (int i = 0; i < m; i++)
            EK_AT(w->R2, m, i, c) = i <= keep[c] ? w->tmp[(size_t)keep[c] * n + i] : 0;
    xgeqrt(m, r, r, w->R2, m, w->tq, m, w->qwork, &info);
    memset(w->G, 0, (size_t)r * r * sizeof(scalar));
    for (int c = 0; c < r; c++)
        EK_AT(w->G, r, c, c) = 1;
    xtrsm('L', 'U', 'N', 'N', r, r, 1, w->R2, m, w->G, r);
    memset(w->T, 0, (size_t)m * r * sizeof(scalar));
    for (int c = 0; c < r; c++)
        for (int i = 0; i < r; i++)
            EK_AT(w->T, m, keep[i], c) = EK_AT(w->G, r, i, c) / w->d[keep[i]];
    return r;
}

/* T (m x r) for B != I: the scaled Gram matrix D^-1 G D^-1 = U L U^H, T =
 * D^-1 U_K L_K^-1/2 over the eigenvalues above DROP_SINE^2 of the largest
 * (SVQB).  Returns r, or -1 if the dense solver failed. */
static int svqb_basis(int n, int m, const scalar *V, const scalar *BV, int ld, ortho_work *w,
                      int nthreads)
{
    gram(n, m, V, BV, ld, w, nthreads);
    for (int j = 0; j < m; j++) {
        real g = EK_RE(EK_AT(w->G, m, j, j));
        w->d[j] = g > 0 ? 1 / EK_SQRT(g) : 0;
    }
    for (int j = 0; j < m; j++)
        for (int i = 0; i < m; i++)
            EK_AT(w->G, m, i, j) *= w->d[i] * w->d[j];
    ek_selection all = {EK_SELECT_ALL, 0, 0, 0.0, 0.0};
    int got = 0;
    if (EK(symmetric_eigen)(m, w->G, m, 1, &all, w->lam, &got, w->R2, m, w->dense,
                            w->dense_bytes, 1) != 0 || got != m)
        return -1;
    real top = w->lam[m - 1];
    int r = 0;
    for (int c = m - 1; c >= 0; c--) {
        if (!(top > 0 && w->lam[c] > DROP_SINE * DROP_SINE * top))
            break;
        real s = 1 / EK_SQRT(w->lam[c]);
        for (int i = 0; i < m; i++)
            EK_AT(w->T, m, i, r) = EK_AT(w->R2, m, i, c) * (w->d[i] * s);
        r++;
    }
    return r;
}

int EK(block_orthonormalize)(int n, int m, scalar *V, scalar *BV, scalar *AV, int ld,
                             void *work, int nthreads)
{
    ortho_work w;
    char *base = (char *)(((size_t)work + 63) / 64 * 64);
    plan(n, m < 1 ? 1 : m, &w, base);
    int r = m, passes = 0, fallbacks = 0;
    /* at most: fail, fall back, fail, fall back, two good passes */
    for (int round = 0; round < 6 && passes < 2 && r > 0; round++) {
        if (cholesky_pass(n, r, V, BV, AV, ld, &w, nthreads) == 0) {
            passes++;
            continue;
        }
        if (fallbacks++ == 2)
            return -1;
        int kept = BV ? svqb_basis(n, r, V, BV, ld, &w, nthreads)
                      : householder_basis(n, r, V, ld, &w);
        if (kept < 0)
            return -1;
        if (kept > 0) {
            transform(n, r, kept, V, ld, &w, nthreads);
            if (BV)
                transform(n, r, kept, BV, ld, &w, nthreads);
            if (AV)
                transform(n, r, kept, AV, ld, &w, nthreads);
        }
        r = kept;
        passes = 0;
    }
    return passes == 2 || r == 0 ? r : -1;
}
