/* gram.c -- the Gram matrix of column-centred data in one pass, by shifted
 * data (Chan, Golub, LeVeque 1983) and BLAS xSYRK / xGEMM (see gram.h). */
#include <string.h>
#include "common/types.h"
#include "ml/gram.h"
#include "common/fork_join.h"

#include "common/tuning.h"

/* The rows whose means shift the data when no means are given. */
#define EK_GRAM_SHIFT_ROWS 128

/* SYRK is used here only, and only for real types. */
static inline void xsyrk(char uplo, char trans, int n, int k, scalar alpha, const scalar *a,
                         int lda, scalar beta, scalar *c, int ldc)
{ EK_BLAS(syrk)(&uplo, &trans, &n, &k, &alpha, (scalar *)a, &lda, &beta, c, &ldc); }

/* buf (p x m, ld p; column i is sample r0 + i) = X[r0:r0+m] - 1 shift^T,
 * and sums[j] += the sum of column j of it.  The loop runs along whichever
 * index is contiguous in X. */
static void centred_slab(int m, int p, const scalar *x, ptrdiff_t rs, ptrdiff_t cs, int r0,
                         const scalar *shift, scalar *buf, double *sums)
{
    const scalar *x0 = x + (ptrdiff_t)r0 * rs;
    if ((cs < 0 ? -cs : cs) <= (rs < 0 ? -rs : rs)) {
        for (int i = 0; i < m; i++) {
            const scalar *xi = x0 + (ptrdiff_t)i * rs;
            scalar *b = buf + (size_t)i * p;
            if (cs == 1)
                for (int j = 0; j < p; j++) {
                    b[j] = xi[j] - shift[j];
                    sums[j] += b[j];
                }
            else
                for (int j = 0; j < p; j++) {
                    b[j] = xi[(ptrdiff_t)j * cs] - shift[j];
                    sums[j] += b[j];
                }
        }
        return;
    }
    for (int j = 0; j < p; j++) {
        const scalar *xj = x0 + (ptrdiff_t)j * cs;
        scalar s = shift[j];
        double sum = 0;
        for (int i = 0; i < m; i++) {
            scalar v = xj[(ptrdiff_t)i * rs] - s;
            buf[j + (size_t)i * p] = v;
            sum += v;
        }
        sums[j] += sum;
    }
}

/* G (lower) += buf buf^T tile by tile (beta 0: G =), every GEMM small
 * enough for the BLAS to run it on the calling thread. */
static void add_slab_tiled(int m, int p, const scalar *buf, scalar beta, scalar *g, int ldg)
{
    for (int j = 0; j < p; j += EK_TUNE_GRAM_TILE_N) {
        int nj = p - j < EK_TUNE_GRAM_TILE_N ? p - j : EK_TUNE_GRAM_TILE_N;
        for (int i = j; i < p; i += EK_TUNE_GRAM_TILE_M) {
            int mi = p - i < EK_TUNE_GRAM_TILE_M ? p - i : EK_TUNE_GRAM_TILE_M;
            xgemm('N', 'T', mi, nj, m, 1, buf + i, p, buf + j, p, beta,
                  g + i + (size_t)j * ldg, ldg);
        }
    }
}

/* G (lower) += buf buf^T by one (threaded) SYRK. */
static void add_slab_syrk(int m, int p, const scalar *buf, scalar beta, scalar *g, int ldg)
{
    xsyrk('L', 'N', p, m, 1, buf, p, beta, g, ldg);
}

/* One thread's share of the slab loop: rows [r0, r1). */
typedef struct {
    int r0, r1, n, p, rows, ldg, tiled;
    const scalar *x;
    ptrdiff_t rs, cs;
    const scalar *shift;
    scalar *g, *buf;
    double *sums;
} share;

/* g (lower) = the shifted outer products of the share's rows; sums = the
 * column sums of X - 1 shift^T over them. */
static void *shifted_gram_rows(void *arg)
{
    const share *s = (const share *)arg;
    memset(s->sums, 0, (size_t)s->p * sizeof(double));
    if (s->r1 <= s->r0) {
        for (int j = 0; j < s->p; j++)
            memset(s->g + (size_t)j * s->ldg + j, 0, (size_t)(s->p - j) * sizeof(scalar));
        return NULL;
    }
    for (int r0 = s->r0; r0 < s->r1; r0 += s->rows) {
        int m = s->r1 - r0 < s->rows ? s->r1 - r0 : s->rows;
        scalar beta = r0 == s->r0 ? 0 : 1;
        centred_slab(m, s->p, s->x, s->rs, s->cs, r0, s->shift, s->buf, s->sums);
        if (s->tiled)
            add_slab_tiled(m, s->p, s->buf, beta, s->g, s->ldg);
        else
            add_slab_syrk(m, s->p, s->buf, beta, s->g, s->ldg);
    }
    return NULL;
}

static int thread_count(int n, int p, int nthreads, int tiled_max_p)
{
    if (p > tiled_max_p)
        return 1;      /* one caller; the BLAS threads the large SYRKs */
    int nt = nthreads < 1 ? 1 : nthreads > EK_TUNE_GRAM_MAX_THREADS ? EK_TUNE_GRAM_MAX_THREADS
                                                                     : nthreads;
    while (nt > 1 && (double)n * p * p < (double)EK_TUNE_GRAM_THREADING_WORK * nt)
        nt--;
    return nt;
}

/* Whether the rows are shared among threads adding tiles: only with more
 * than one thread, since one thread's SYRK beats its tiles (1.7 times as
 * fast at 20000 x 300, 1.5 times at 2000 x 500). */
static int tiled_mode(int n, int p, int nthreads, int tiled_max_p)
{
    return p <= tiled_max_p && thread_count(n, p, nthreads, tiled_max_p) > 1;
}

static int slab_rows(int p, int tiled)
{
    if (tiled)
        return EK_TUNE_GRAM_TILED_ROWS;
    long rows = (p > EK_TUNE_GRAM_LARGE_P ? EK_TUNE_GRAM_LARGE_SLAB_ELEMENTS : EK_TUNE_GRAM_SLAB_ELEMENTS) / p;
    return rows < EK_GRAM_SHIFT_ROWS ? EK_GRAM_SHIFT_ROWS : (int)rows;
}

size_t EK(gram_workspace)(int n, int p, int nthreads, int tiled_max_p)
{
    size_t pp = (size_t)(p > 0 ? p : 1);
    int nt = thread_count(n, p, nthreads, tiled_max_p);
    /* per thread: a slab buffer and, beyond the first, a Gram matrix */
    int rows = slab_rows(p, tiled_mode(n, p, nthreads, tiled_max_p));
    return (size_t)nt * pp * (size_t)rows + (size_t)(nt - 1) * pp * pp;
}

size_t EK(gram_acc)(int n, int p, int nthreads, int tiled_max_p)
{
    return (size_t)(thread_count(n, p, nthreads, tiled_max_p) + 1) * (size_t)(p > 0 ? p : 1);
}

/* g (lower) = sum over all rows of the shifted outer products, sums = the
 * column sums of X - 1 shift^T (acc: nt p doubles of which sums is the
 * first p), rows shared among threads and added up after the join in a
 * fixed order. */
static void shifted_gram(int n, int p, const scalar *x, ptrdiff_t rs, ptrdiff_t cs,
                         const scalar *shift, scalar *g, int ldg, int nthreads, int tiled_max_p,
                         scalar *work, double *acc)
{
    int nt = thread_count(n, p, nthreads, tiled_max_p);
    int tiled = tiled_mode(n, p, nthreads, tiled_max_p);
    int rows = slab_rows(p, tiled);
    share sh[EK_TUNE_GRAM_MAX_THREADS];
    int per = (n + nt - 1) / nt;
    size_t pp = (size_t)p;
    scalar *gram_work = work + (size_t)nt * pp * rows;
    for (int t = 0; t < nt; t++) {
        share s = {t * per < n ? t * per : n, (t + 1) * per < n ? (t + 1) * per : n, n, p, rows,
                   t == 0 ? ldg : p, tiled, x, rs, cs, shift,
                   t == 0 ? g : gram_work + (size_t)(t - 1) * pp * pp,
                   work + (size_t)t * pp * rows, acc + (size_t)t * pp};
        sh[t] = s;
    }
    ek_fork_join(nt, shifted_gram_rows, sh, sizeof(share));
    for (int t = 1; t < nt; t++) {
        for (int j = 0; j < p; j++) {
            acc[j] += sh[t].sums[j];
            const scalar *gt = sh[t].g + (size_t)j * p;
            scalar *gj = g + (size_t)j * ldg;
            for (int i = j; i < p; i++)
                gj[i] += gt[i];
        }
    }
}

/* shift = the column means of the first m rows. */
static void first_rows_mean(int m, int p, const scalar *x, ptrdiff_t rs, ptrdiff_t cs,
                            scalar *shift, double *sums)
{
    memset(sums, 0, (size_t)p * sizeof(double));
    for (int i = 0; i < m; i++)
        for (int j = 0; j < p; j++)
            sums[j] += x[(ptrdiff_t)i * rs + (ptrdiff_t)j * cs];
    for (int j = 0; j < p; j++)
        shift[j] = (scalar)(sums[j] / m);
}

/* mean := mean + d and G -= n d d^T, d = sums / n (mean holds the shift
 * on entry).  Returns whether the correction cancelled more than half of
 * some diagonal entry. */
static int correct_shift(int n, int p, const double *sums, scalar *mean, scalar *g, int ldg,
                         double *d)
{
    int cancelled = 0;
    for (int j = 0; j < p; j++) {
        d[j] = sums[j] / n;
        mean[j] = (scalar)(mean[j] + d[j]);
    }
    for (int j = 0; j < p; j++) {
        double nd = n * d[j];
        scalar *gj = g + (size_t)j * ldg;
        if (nd * d[j] > 0.5 * (double)gj[j])
            cancelled = 1;
        for (int i = j; i < p; i++)
            gj[i] = (scalar)((double)gj[i] - nd * d[i]);
    }
    return cancelled;
}

int EK(centered_gram)(int n, int p, const scalar *x, ptrdiff_t rs, ptrdiff_t cs, int have_mean,
                      scalar *mean, scalar *g, int ldg, int nthreads, int tiled_max_p,
                      scalar *work, double *acc)
{
    if (n < 1 || p < 1 || ldg < p)
        return -1;
    int nt = thread_count(n, p, nthreads, tiled_max_p);
    double *d = acc + (size_t)nt * p;
    if (have_mean) {
        shifted_gram(n, p, x, rs, cs, mean, g, ldg, nthreads, tiled_max_p, work, acc);
        return 0;
    }
    /* the shift lives in mean during the pass, then in d */
    first_rows_mean(n < EK_GRAM_SHIFT_ROWS ? n : EK_GRAM_SHIFT_ROWS, p, x, rs, cs, mean, acc);
    shifted_gram(n, p, x, rs, cs, mean, g, ldg, nthreads, tiled_max_p, work, acc);
    if (correct_shift(n, p, acc, mean, g, ldg, d))
        shifted_gram(n, p, x, rs, cs, mean, g, ldg, nthreads, tiled_max_p, work, acc);
    return 0;
}
