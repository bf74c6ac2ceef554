/*
 * tall_skinny.c -- C = X^H Y and Y := beta Y + alpha X C for tall X, Y
 * (BLAS xGEMM's role, in row slabs).  See tall_skinny.h for why the rows
 * are cut into slabs.
 *
 * Threads: the rows are split into contiguous ranges, one per thread, the
 * calling thread taking the first.  Inner products are summed per thread
 * into scratch and added up after the join, so the result does not depend
 * on scheduling (only on the thread count).
 */
#include <string.h>
#include "common/target_clones.h"
#include "common/types.h"
#include "common/fork_join.h"
#include "common/tuning.h"
#include "krylov/tall_skinny.h"

/* Rows per BLAS call: under OpenBLAS's thresholds for threading a GEMM
 * (m n k > 2^18) and a GEMM forwarded to GEMV (m n > 9216), with margin. */
static int slab_rows(int q, int b)
{
    long width = (long)q * (b > 1 ? b : 1);
    long limit = b > 1 ? EK_TUNE_TALL_SLAB_GEMM_WORK : EK_TUNE_TALL_SLAB_GEMV_WORK;
    long rows = limit / (width > 0 ? width : 1);
    rows -= rows % 8;
    return rows < 8 ? 8 : (int)rows;
}

static int thread_count(int n, int q, int b, int nthreads)
{
    double work = (double)n * q * b;
    int nt = nthreads < 1 ? 1 : nthreads > EK_TUNE_TALL_MAX_THREADS ? EK_TUNE_TALL_MAX_THREADS
                                                                     : nthreads;
    while (nt > 1 && work < (double)EK_TUNE_TALL_THREADING_WORK * nt)
        nt--;
    while (nt > 1 && n / nt < EK_TUNE_TALL_MIN_ROWS_PER_THREAD)
        nt--;
    return nt;
}

/* One thread's share: rows [r0, r1). */
typedef struct {
    int r0, r1, q, b, ldx, ldy, ldc;
    const scalar *X, *Y, *C;
    const int *cols; /* combinations: the columns of X used (NULL: 0..q-1) */
    scalar *out, *Ymut;
    scalar alpha, beta;
} share;

/* out (q x b, ld q) = X[r0:r1]^H Y[r0:r1]. */
static void inner_rows(const share *s)
{
    int step = slab_rows(s->q, s->b);
    scalar one = 1;
    for (int r = s->r0; r < s->r1; r += step) {
        int m = s->r1 - r < step ? s->r1 - r : step;
        scalar beta = r == s->r0 ? (scalar)0 : one;
        /* One column (block 1): GEMV reads X in place, where GEMM would
         * first pack the slab of X (half the instructions of the Lanczos
         * orthogonalization, in OpenBLAS's dgemm_incopy). */
        if (s->b == 1)
            xgemv('C', m, s->q, one, s->X + r, s->ldx, s->Y + r, 1, beta, s->out, 1);
        else
            xgemm('C', 'N', s->q, s->b, m, one, s->X + r, s->ldx, s->Y + r, s->ldy, beta,
                  s->out, s->q);
    }
}

/* The combination loop below is compiled for AVX-512, AVX2 and the
 * baseline, the best one chosen at load time (GCC function multiversioning),
 * as in rotations.c: the build stays portable. */

/* Y (m x b) := beta Y + alpha X C for a slab small enough that Y stays in
 * the first-level cache, taking X four columns at a time.  A GEMM kernel
 * walks the q columns of X together (q streams through memory, since X is
 * column-major with ld n); here each pass reads four columns contiguously. */
EK_CLONES_AVX512 static void combine_slab(int m, int q, int b, scalar alpha, const scalar *X, int ldx,
                         const int *cols, const scalar *C, int ldc, scalar beta, scalar *Y,
                         int ldy)
{
    for (int c = 0; c < b; c++) {
        scalar *y = Y + (size_t)c * ldy;
        if (beta == 0)
            memset(y, 0, (size_t)m * sizeof(scalar));
        else if (beta != 1)
            for (int i = 0; i < m; i++)
                y[i] *= beta;
    }
    int j = 0;
    for (; j + 4 <= q; j += 4) {
        const scalar *x0 = X + (size_t)(cols ? cols[j] : j) * ldx;
        const scalar *x1 = X + (size_t)(cols ? cols[j + 1] : j + 1) * ldx;
        const scalar *x2 = X + (size_t)(cols ? cols[j + 2] : j + 2) * ldx;
        const scalar *x3 = X + (size_t)(cols ? cols[j + 3] : j + 3) * ldx;
        for (int c = 0; c < b; c++) {
            const scalar *cc = C + (size_t)c * ldc + j;
            scalar a0 = alpha * cc[0], a1 = alpha * cc[1], a2 = alpha * cc[2], a3 = alpha * cc[3];
            scalar *y = Y + (size_t)c * ldy;
            for (int i = 0; i < m; i++)
                y[i] += a0 * x0[i] + a1 * x1[i] + a2 * x2[i] + a3 * x3[i];
        }
    }
    for (; j < q; j++) {
        const scalar *x = X + (size_t)(cols ? cols[j] : j) * ldx;
        for (int c = 0; c < b; c++) {
            scalar a = alpha * C[j + (size_t)c * ldc];
            scalar *y = Y + (size_t)c * ldy;
            for (int i = 0; i < m; i++)
                y[i] += a * x[i];
        }
    }
}

/* Y[r0:r1] := beta Y[r0:r1] + alpha X[r0:r1] C (X's columns picked by
 * cols, if given: only the own loop gathers them). */
static void combine_rows(const share *s)
{
    int own = s->b <= EK_TUNE_TALL_OWN_COMBINE_MAX_B || s->cols != NULL;
    int own_step = EK_TUNE_TALL_COMBINE_SLAB / s->b > 8 ? EK_TUNE_TALL_COMBINE_SLAB / s->b : 8;
    int step = own ? own_step : slab_rows(s->q, s->b);
    for (int r = s->r0; r < s->r1; r += step) {
        int m = s->r1 - r < step ? s->r1 - r : step;
        if (own)
            combine_slab(m, s->q, s->b, s->alpha, s->X + r, s->ldx, s->cols, s->C, s->ldc,
                         s->beta, s->Ymut + r, s->ldy);
        else
            xgemm('N', 'N', m, s->b, s->q, s->alpha, s->X + r, s->ldx, s->C, s->ldc, s->beta,
                  s->Ymut + r, s->ldy);
    }
}

static void *inner_job(void *arg) { inner_rows((const share *)arg); return NULL; }
static void *combine_job(void *arg) { combine_rows((const share *)arg); return NULL; }

static void split_rows(share *sh, int nt, int n)
{
    int per = (n + nt - 1) / nt;
    per += (8 - per % 8) % 8;
    for (int t = 0; t < nt; t++) {
        sh[t].r0 = t * per < n ? t * per : n;
        sh[t].r1 = (t + 1) * per < n ? (t + 1) * per : n;
    }
}

size_t EK(tall_scratch)(int q, int b)
{
    return (size_t)EK_TUNE_TALL_MAX_THREADS * (size_t)(q > 0 ? q : 1) * (size_t)(b > 0 ? b : 1);
}

void EK(tall_inner)(int n, int q, int b, const scalar *X, int ldx, const scalar *Y, int ldy,
                    scalar *C, int ldc, scalar *scratch, int nthreads)
{
    if (q <= 0 || b <= 0)
        return;
    int nt = thread_count(n, q, b, nthreads);
    size_t part = (size_t)q * b;
    share sh[EK_TUNE_TALL_MAX_THREADS];
    split_rows(sh, nt, n);
    for (int t = 0; t < nt; t++) {
        sh[t].q = q; sh[t].b = b; sh[t].X = X; sh[t].ldx = ldx; sh[t].Y = Y; sh[t].ldy = ldy;
        sh[t].cols = NULL;
        sh[t].out = scratch + (size_t)t * part;
        if (sh[t].r1 <= sh[t].r0)
            memset(sh[t].out, 0, part * sizeof(scalar));
    }
    ek_fork_join(nt, inner_job, sh, sizeof(share));
    for (int j = 0; j < b; j++)
        for (int i = 0; i < q; i++) {
            scalar s = 0;
            for (int t = 0; t < nt; t++)
                s += sh[t].out[i + (size_t)j * q];
            C[i + (size_t)j * ldc] = s;
        }
}

void EK(tall_combine)(int n, int q, int b, scalar alpha, const scalar *X, int ldx, const scalar *C,
                      int ldc, scalar beta, scalar *Y, int ldy, int nthreads)
{
    EK(tall_combine_cols)(n, q, NULL, b, alpha, X, ldx, C, ldc, beta, Y, ldy, nthreads);
}

void EK(tall_combine_cols)(int n, int q, const int *cols, int b, scalar alpha, const scalar *X,
                           int ldx, const scalar *C, int ldc, scalar beta, scalar *Y, int ldy,
                           int nthreads)
{
    if (b <= 0 || n <= 0)
        return;
    if (q <= 0) {
        for (int j = 0; j < b; j++)
            xscal(n, beta, Y + (size_t)j * ldy, 1);
        return;
    }
    int nt = thread_count(n, q, b, nthreads);
    share sh[EK_TUNE_TALL_MAX_THREADS];
    split_rows(sh, nt, n);
    for (int t = 0; t < nt; t++) {
        sh[t].q = q; sh[t].b = b; sh[t].X = X; sh[t].ldx = ldx; sh[t].C = C; sh[t].ldc = ldc;
        sh[t].cols = cols;
        sh[t].Ymut = Y; sh[t].ldy = ldy; sh[t].alpha = alpha; sh[t].beta = beta;
    }
    ek_fork_join(nt, combine_job, sh, sizeof(share));
}
