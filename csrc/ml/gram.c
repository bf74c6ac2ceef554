/* gram.c -- the Gram matrix of column-centred data in one pass, by shifted
 * data (Chan, Golub, LeVeque 1983) and BLAS xSYRK / xGEMM (see gram.h). */
#include <string.h>
#include "common/types.h"
#include "ml/gram.h"
#include "common/fork_join.h"

#include "common/tuning.h"
#include "common/target_clones.h"

/* The rows whose means shift the data when no means are given. */
#define EK_GRAM_SHIFT_ROWS 128

/* The register tiles' vectors: 32 bytes on x86-64 (one AVX2 register, two
 * SSE2 ones: the same text serves every clone), 16 elsewhere (NEON). */
#if defined(__GNUC__)
#define GRAM_KERNEL static inline __attribute__((always_inline))
#if defined(__x86_64__)
#define GRAM_VECTOR_BYTES 32
#else
#define GRAM_VECTOR_BYTES 16
#endif
typedef scalar gvec __attribute__((vector_size(GRAM_VECTOR_BYTES)));
typedef scalar gvec_unaligned
    __attribute__((vector_size(GRAM_VECTOR_BYTES), aligned(sizeof(scalar)), may_alias));
#define GVL ((int)(GRAM_VECTOR_BYTES / sizeof(scalar)))
#define GLOAD(p) (*(const gvec_unaligned *)(p))
#define GSTORE(p, v) (*(gvec_unaligned *)(p) = (v))
#else
#define GRAM_KERNEL static inline
typedef scalar gvec;
#define GVL 1
#define GLOAD(p) (*(p))
#define GSTORE(p, v) (*(p) = (v))
#endif
/* Columns of a register tile, and its most vectors of rows: 3 x 4
 * accumulators, 3 row vectors and a broadcast fill the 16 AVX2 registers. */
#define GRAM_TILE_COLS 4
#define GRAM_TILE_VECTORS 3
/* The register mode's slab width: features padded with zero columns to
 * whole vectors and tile columns. */
#define GRAM_PAD (GVL > GRAM_TILE_COLS ? GVL : GRAM_TILE_COLS)

/* SYRK is used here only, and only for real types. */
static inline void xsyrk(char uplo, char trans, int n, int k, scalar alpha, const scalar *a,
                         int lda, scalar beta, scalar *c, int ldc)
{ EK_BLAS(syrk)(&uplo, &trans, &n, &k, &alpha, (scalar *)a, &lda, &beta, c, &ldc); }

/* buf (rows of ld ldb) = the m contiguous rows of x (stride rs) - shift,
 * and rowsum (ldb) += their sum, in vectors (compiled for the instruction
 * sets of the register tiles: this copy is a pass over X). */
static EK_CLONES_V3 void centre_contiguous(int m, int p, const scalar *x, ptrdiff_t rs,
                                           const scalar *shift, scalar *buf, int ldb,
                                           scalar *rowsum)
{
    for (int i = 0; i < m; i++) {
        const scalar *xi = x + (ptrdiff_t)i * rs;
        scalar *b = buf + (size_t)i * ldb;
        int j = 0;
        for (; j + GVL <= p; j += GVL) {
            gvec v = GLOAD(xi + j) - GLOAD(shift + j);
            GSTORE(b + j, v);
            GSTORE(rowsum + j, GLOAD(rowsum + j) + v);
        }
        for (; j < p; j++) {
            b[j] = xi[j] - shift[j];
            rowsum[j] += b[j];
        }
    }
}

/* buf (p x m, ld ldb >= p; column i is sample r0 + i) = X[r0:r0+m] - 1 shift^T,
 * and sums[j] += the sum of column j of it (rowsum: ldb scalars of
 * workspace).  The loop runs along whichever index is contiguous in X. */
static void centred_slab(int m, int p, const scalar *x, ptrdiff_t rs, ptrdiff_t cs, int r0,
                         const scalar *shift, scalar *buf, int ldb, scalar *rowsum,
                         double *sums)
{
    const scalar *x0 = x + (ptrdiff_t)r0 * rs;
    if (cs == 1) {
        /* a slab's sum in the data's precision: a few hundred centred rows */
        memset(rowsum, 0, (size_t)p * sizeof(scalar));
        centre_contiguous(m, p, x0, rs, shift, buf, ldb, rowsum);
        for (int j = 0; j < p; j++)
            sums[j] += rowsum[j];
        return;
    }
    if ((cs < 0 ? -cs : cs) <= (rs < 0 ? -rs : rs)) {
        for (int i = 0; i < m; i++) {
            const scalar *xi = x0 + (ptrdiff_t)i * rs;
            scalar *b = buf + (size_t)i * ldb;
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
            buf[j + (size_t)i * ldb] = v;
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

/* Rows of X the next slab will read (none when X's rows are not
 * contiguous): the register tiles ask for them while they compute, so that
 * the copy of the next slab finds them in cache instead of waiting for
 * memory (a tall X of few features is read faster than its tiles are
 * computed: 100000 x 50 took 7 ms to copy, 10 ms in all). */
typedef struct {
    const char *x;
    ptrdiff_t stride;       /* bytes between rows */
    int rows, bytes;        /* rows, bytes in a row */
} rows_ahead;

static void prefetch_rows(const rows_ahead *next, int first, int count)
{
    int last = first + count < next->rows ? first + count : next->rows;
#if defined(__GNUC__)
    for (int i = first; i < last; i++)
        for (int off = 0; off < next->bytes; off += 64)
            __builtin_prefetch(next->x + i * next->stride + off, 0, 2);
#else
    (void)last;
#endif
}

/* G[a : a + R GVL, b : b + GRAM_TILE_COLS] += sum_{i < m} buf_i[a ..] buf_i[b ..]
 * (buf_i = row i of the slab, ld ldb; G ld ldg): the R x GRAM_TILE_COLS
 * vector accumulators stay in registers for the whole slab, each step
 * loading R vectors of row i and broadcasting GRAM_TILE_COLS entries. */
GRAM_KERNEL void register_tile(const int R, int m, int ldb, const scalar *buf, int a, int b,
                               scalar *g, int ldg)
{
    gvec acc[GRAM_TILE_VECTORS][GRAM_TILE_COLS];
    for (int r = 0; r < R; r++)
        for (int c = 0; c < GRAM_TILE_COLS; c++)
            acc[r][c] = (gvec){0};
    for (int i = 0; i < m; i++) {
        const scalar *row = buf + (size_t)i * ldb;
        gvec xa[GRAM_TILE_VECTORS];
        for (int r = 0; r < R; r++)
            xa[r] = GLOAD(row + a + r * GVL);
        for (int c = 0; c < GRAM_TILE_COLS; c++)
            for (int r = 0; r < R; r++)
                acc[r][c] += xa[r] * row[b + c];   /* the scalar is broadcast */
    }
    for (int c = 0; c < GRAM_TILE_COLS; c++)
        for (int r = 0; r < R; r++) {
            scalar *gc = g + (size_t)(b + c) * ldg + a + r * GVL;
            GSTORE(gc, GLOAD(gc) + acc[r][c]);
        }
}

/* G (P x P, ld P, lower and a few entries above the diagonal) += buf buf^T
 * for a slab of m rows of P entries (ld ldb), P a multiple of GRAM_PAD: tiles down
 * each block of GRAM_TILE_COLS columns from the vector holding its
 * diagonal.  One pass over the slab per tile, from cache: for narrow data
 * this beats the BLAS's SYRK, which packs the slab twice and spends its
 * time on the edges of a small triangle. */
static EK_CLONES_V3 void add_slab_registers(int m, int P, const scalar *buf, int ldb, scalar *g,
                                            const rows_ahead *next)
{
    const int full = GRAM_TILE_VECTORS * GVL;
    int blocks = (P + GRAM_TILE_COLS - 1) / GRAM_TILE_COLS;
    int per_block = (next->rows + blocks - 1) / blocks;
    for (int b = 0; b < P; b += GRAM_TILE_COLS) {
        prefetch_rows(next, b / GRAM_TILE_COLS * per_block, per_block);
        int a = b - b % GVL;
        for (; a + full <= P; a += full)
            register_tile(GRAM_TILE_VECTORS, m, ldb, buf, a, b, g, P);
        if (P - a >= 2 * GVL) {
            register_tile(2, m, ldb, buf, a, b, g, P);
            a += 2 * GVL;
        }
        if (P - a >= GVL)
            register_tile(1, m, ldb, buf, a, b, g, P);
    }
}

typedef enum { MODE_SYRK, MODE_TILED, MODE_REGISTERS } gram_mode;

/* One thread's share of the slab loop: rows [r0, r1). */
typedef struct {
    int r0, r1, n, p, rows, width, ldb, ldg;
    gram_mode mode;
    const scalar *x;
    ptrdiff_t rs, cs;
    const scalar *shift;
    scalar *g, *buf, *rowsum;
    double *sums;
} share;

/* g (lower) = the shifted outer products of the share's rows; sums = the
 * column sums of X - 1 shift^T over them.  In the register mode g is the
 * share's own padded matrix and the slab's padding columns stay zero. */
static void *shifted_gram_rows(void *arg)
{
    const share *s = (const share *)arg;
    memset(s->sums, 0, (size_t)s->p * sizeof(double));
    if (s->mode == MODE_REGISTERS) {
        memset(s->g, 0, (size_t)s->width * s->ldg * sizeof(scalar));
        memset(s->buf, 0, (size_t)s->rows * s->ldb * sizeof(scalar));
    } else {
        for (int j = 0; j < s->p; j++)
            memset(s->g + (size_t)j * s->ldg + j, 0, (size_t)(s->p - j) * sizeof(scalar));
    }
    for (int r0 = s->r0; r0 < s->r1; r0 += s->rows) {
        int m = s->r1 - r0 < s->rows ? s->r1 - r0 : s->rows;
        centred_slab(m, s->p, s->x, s->rs, s->cs, r0, s->shift, s->buf, s->ldb, s->rowsum,
                     s->sums);
        if (s->mode == MODE_REGISTERS) {
            int ahead = s->r1 - r0 - m < s->rows ? s->r1 - r0 - m : s->rows;
            rows_ahead next = {(const char *)(s->x + (ptrdiff_t)(r0 + m) * s->rs),
                               s->rs * (ptrdiff_t)sizeof(scalar), s->cs == 1 ? ahead : 0,
                               s->p * (int)sizeof(scalar)};
            add_slab_registers(m, s->width, s->buf, s->ldb, s->g, &next);
        }
        else if (s->mode == MODE_TILED)
            add_slab_tiled(m, s->p, s->buf, 1, s->g, s->ldg);
        else
            add_slab_syrk(m, s->p, s->buf, 1, s->g, s->ldg);
    }
    return NULL;
}

/* Whether eigkit's threads share the rows (register tiles, or GEMM tiles
 * up to tiled_max_p features) rather than the BLAS threading its SYRK. */
static int shares_rows(int p, int tiled_max_p)
{
    return p <= EK_TUNE_GRAM_REGISTER_MAX_P || p <= tiled_max_p;
}

static int thread_count(int n, int p, int nthreads, int tiled_max_p)
{
    if (!shares_rows(p, tiled_max_p))
        return 1;      /* one caller; the BLAS threads the large SYRKs */
    int nt = nthreads < 1 ? 1 : nthreads > EK_TUNE_GRAM_MAX_THREADS ? EK_TUNE_GRAM_MAX_THREADS
                                                                     : nthreads;
    while (nt > 1 && (double)n * p * p < (double)EK_TUNE_GRAM_THREADING_WORK * nt)
        nt--;
    return nt;
}

/* Register tiles up to GRAM_REGISTER_MAX_P features; beyond, GEMM tiles
 * when the rows are shared among threads (one thread's SYRK is faster than
 * its GEMM tiles: 1.7 times at 20000 x 300, 1.5 times at 2000 x 500),
 * else SYRK slabs. */
static gram_mode mode_of(int n, int p, int nthreads, int tiled_max_p)
{
    if (p <= EK_TUNE_GRAM_REGISTER_MAX_P)
        return MODE_REGISTERS;
    return p <= tiled_max_p && thread_count(n, p, nthreads, tiled_max_p) > 1 ? MODE_TILED
                                                                              : MODE_SYRK;
}

/* The features of a slab: p, padded in the register mode. */
static int slab_width(int p, gram_mode mode)
{
    return mode == MODE_REGISTERS ? (p + GRAM_PAD - 1) / GRAM_PAD * GRAM_PAD : p;
}

/* The row stride of a slab: its width, plus a vector in the register mode
 * when rows would start at multiples of 256 bytes: such rows fall into
 * few sets of the first-level cache, and the register tiles, which walk
 * down the rows, then miss (20000 x 256: 1.5 times as long). */
static int slab_stride(int p, gram_mode mode)
{
    int w = slab_width(p, mode);
    return mode == MODE_REGISTERS && (w * sizeof(scalar)) % 256 == 0 ? w + GRAM_PAD : w;
}

static int slab_rows(int p, gram_mode mode)
{
    if (mode == MODE_TILED)
        return EK_TUNE_GRAM_TILED_ROWS;
    if (mode == MODE_REGISTERS) {
        long rows = EK_TUNE_GRAM_REGISTER_SLAB_BYTES / ((long)slab_stride(p, mode) * sizeof(scalar));
        return rows < EK_TUNE_GRAM_REGISTER_MIN_ROWS ? EK_TUNE_GRAM_REGISTER_MIN_ROWS : (int)rows;
    }
    long rows = (p > EK_TUNE_GRAM_LARGE_P ? EK_TUNE_GRAM_LARGE_SLAB_ELEMENTS : EK_TUNE_GRAM_SLAB_ELEMENTS) / p;
    return rows < EK_GRAM_SHIFT_ROWS ? EK_GRAM_SHIFT_ROWS : (int)rows;
}

size_t EK(gram_workspace)(int n, int p, int nthreads, int tiled_max_p)
{
    p = p > 0 ? p : 1;
    int nt = thread_count(n, p, nthreads, tiled_max_p);
    gram_mode mode = mode_of(n, p, nthreads, tiled_max_p);
    size_t w = (size_t)slab_width(p, mode), ld = (size_t)slab_stride(p, mode);
    /* per thread: a slab buffer, a row of sums and its own Gram matrix (in
     * the other modes the first thread's is the output) */
    size_t grams = mode == MODE_REGISTERS ? (size_t)nt : (size_t)(nt - 1);
    return (size_t)nt * ld * ((size_t)slab_rows(p, mode) + 1) + grams * w * w;
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
    gram_mode mode = mode_of(n, p, nthreads, tiled_max_p);
    int rows = slab_rows(p, mode), w = slab_width(p, mode), ldb = slab_stride(p, mode);
    int own = mode == MODE_REGISTERS;   /* every share has its own matrix */
    share sh[EK_TUNE_GRAM_MAX_THREADS];
    int per = (n + nt - 1) / nt;
    size_t ww = (size_t)w, ld = (size_t)ldb;
    scalar *rowsums = work + (size_t)nt * ld * rows;
    scalar *gram_work = rowsums + (size_t)nt * ld;
    for (int t = 0; t < nt; t++) {
        scalar *gt = t == 0 && !own ? g : gram_work + (size_t)(t - 1 + own) * ww * ww;
        share s = {t * per < n ? t * per : n, (t + 1) * per < n ? (t + 1) * per : n, n, p, rows,
                   w, ldb, t == 0 && !own ? ldg : w, mode, x, rs, cs, shift, gt,
                   work + (size_t)t * ld * rows, rowsums + (size_t)t * ld, acc + (size_t)t * p};
        sh[t] = s;
    }
    ek_fork_join(nt, shifted_gram_rows, sh, sizeof(share));
    for (int t = own ? 0 : 1; t < nt; t++) {
        for (int j = 0; j < p; j++) {
            if (t > 0)
                acc[j] += sh[t].sums[j];
            const scalar *gt = sh[t].g + (size_t)j * w;
            scalar *gj = g + (size_t)j * ldg;
            for (int i = j; i < p; i++)
                gj[i] = t == 0 ? gt[i] : gj[i] + gt[i];
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
