/* covariance_operator.c -- Xc^T Xc W and Xc Xc^T W in one pass over X per
 * product, centring as X is read: the operator of PCA by Lanczos, without
 * forming Xc or X^T X (see covariance_operator.h). */
#include <stdatomic.h>
#include <string.h>
#include "common/target_clones.h"
#include "common/types.h"
#include "common/fork_join.h"
#include "common/tuning.h"
#include "ml/covariance_operator.h"

static int imin(int x, int y) { return x < y ? x : y; }

/* The loops below are inlined into each clone of the chunk workers, so
 * that they too are compiled for its instruction set. */
#if defined(__GNUC__)
#define COV_KERNEL static inline __attribute__((always_inline))
#else
#define COV_KERNEL static inline
#endif

/* Vectors of 32 bytes on x86-64 (GCC / Clang vector extensions): one
 * AVX2 or AVX-512VL register, two SSE2 registers, so that the same text
 * serves every clone; lane l of an accumulator always sums the entries
 * j = l (mod VL), whatever the instruction set.  Wider vectors would need
 * fewer accumulators: with 64 bytes the AVX2 clone spills its 16 and
 * runs at half speed (5000 x 5000, 4 columns: 49 ms against 23 ms; the
 * AVX-512 clone gains 3 %).  16 bytes elsewhere (NEON and the like). */
#if defined(__GNUC__)
#if defined(__x86_64__)
#define COV_VECTOR_BYTES 32
#else
#define COV_VECTOR_BYTES 16
#endif
typedef scalar vec __attribute__((vector_size(COV_VECTOR_BYTES)));
typedef scalar vec_unaligned
    __attribute__((vector_size(COV_VECTOR_BYTES), aligned(sizeof(scalar)), may_alias));
#define VL ((int)(COV_VECTOR_BYTES / sizeof(scalar)))
#define VLOAD(p) (*(const vec_unaligned *)(p))
#define VSTORE(p, v) (*(vec_unaligned *)(p) = (v))
#define VLANE(v, l) ((v)[l])
#else
typedef scalar vec;
#define VL 1
#define VLOAD(p) (*(p))
#define VSTORE(p, v) (*(p) = (v))
#define VLANE(v, l) (v)
#endif

/* y[i + c ldy] = sum_j (x_i[j] - m[j]) w[j + c ldw], i < R rows of x
 * (stride ldx), c < C columns of w; R <= EK_TUNE_COV_GROUP_ROWS,
 * C <= EK_TUNE_COV_GROUP_COLS. */
COV_KERNEL void group_dots(const int R, const int C, int p, const scalar *x, ptrdiff_t ldx,
                           const scalar *m, const scalar *w, ptrdiff_t ldw, scalar *y,
                           ptrdiff_t ldy)
{
    vec acc[EK_TUNE_COV_GROUP_ROWS][EK_TUNE_COV_GROUP_COLS];
    for (int i = 0; i < R; i++)
        for (int c = 0; c < C; c++)
            acc[i][c] = (vec){0};
    int j = 0;
    for (; j <= p - VL; j += VL) {
        vec mv = VLOAD(m + j);
        vec xv[EK_TUNE_COV_GROUP_ROWS];
        for (int i = 0; i < R; i++)
            xv[i] = VLOAD(x + i * ldx + j) - mv;
        for (int c = 0; c < C; c++) {
            vec wv = VLOAD(w + c * ldw + j);
            for (int i = 0; i < R; i++)
                acc[i][c] += xv[i] * wv;
        }
    }
    for (int i = 0; i < R; i++)
        for (int c = 0; c < C; c++) {
            scalar s = 0;
            for (int l = 0; l < VL; l++)
                s += VLANE(acc[i][c], l);
            for (int t = j; t < p; t++)
                s += (x[i * ldx + t] - m[t]) * w[c * ldw + t];
            y[i + c * ldy] = s;
        }
}

/* The dot products of R rows with all b columns of w. */
COV_KERNEL void rows_dots(const int R, int p, int b, const scalar *x, ptrdiff_t ldx,
                          const scalar *m, const scalar *w, ptrdiff_t ldw, scalar *y,
                          ptrdiff_t ldy)
{
    int c = 0;
    for (; c + EK_TUNE_COV_GROUP_COLS <= b; c += EK_TUNE_COV_GROUP_COLS)
        group_dots(R, EK_TUNE_COV_GROUP_COLS, p, x, ldx, m, w + c * ldw, ldw, y + c * ldy, ldy);
    if (b - c >= 2) {
        group_dots(R, 2, p, x, ldx, m, w + c * ldw, ldw, y + c * ldy, ldy);
        c += 2;
    }
    if (b - c == 1)
        group_dots(R, 1, p, x, ldx, m, w + c * ldw, ldw, y + c * ldy, ldy);
}

/* y (n x b, ld ldy) = the dot products of the R rows with w, by groups. */
COV_KERNEL void slab_dots(int R, int p, int b, const scalar *x, ptrdiff_t ldx, const scalar *m,
                          const scalar *w, ptrdiff_t ldw, scalar *y, ptrdiff_t ldy)
{
    int i = 0;
    for (; i + EK_TUNE_COV_GROUP_ROWS <= R; i += EK_TUNE_COV_GROUP_ROWS)
        rows_dots(EK_TUNE_COV_GROUP_ROWS, p, b, x + i * ldx, ldx, m, w, ldw, y + i, ldy);
    for (; i < R; i++)
        rows_dots(1, p, b, x + i * ldx, ldx, m, w, ldw, y + i, ldy);
}

/* acc[j + c lda] += sum_{i < R} (x_i[j] - m[j]) y[i + c ldy] for
 * j0 <= j < j1, c < b; R <= EK_TUNE_COV_SLAB_ROWS. */
COV_KERNEL void slab_update(const int R, int j0, int j1, int b, const scalar *x, ptrdiff_t ldx,
                            const scalar *m, const scalar *y, ptrdiff_t ldy, scalar *acc,
                            ptrdiff_t lda)
{
    int j = j0;
    for (; j <= j1 - VL; j += VL) {
        vec mv = VLOAD(m + j);
        vec xv[EK_TUNE_COV_SLAB_ROWS];
        for (int i = 0; i < R; i++)
            xv[i] = VLOAD(x + i * ldx + j) - mv;
        for (int c = 0; c < b; c++) {
            scalar *a = acc + c * lda + j;
            const scalar *yc = y + c * ldy;
            vec s = VLOAD(a);
            for (int i = 0; i < R; i++)
                s += xv[i] * yc[i];
            VSTORE(a, s);
        }
    }
    for (; j < j1; j++) {
        scalar xs[EK_TUNE_COV_SLAB_ROWS];
        for (int i = 0; i < R; i++)
            xs[i] = x[i * ldx + j] - m[j];
        for (int c = 0; c < b; c++) {
            scalar s = acc[c * lda + j];
            for (int i = 0; i < R; i++)
                s += xs[i] * y[i + c * ldy];
            acc[c * lda + j] = s;
        }
    }
}

/* What every thread of one call shares. */
typedef struct {
    int n, p, b, nchunks, chunk_rows;
    const scalar *x;
    ptrdiff_t ldx;
    const scalar *m, *w;
    int ldw;
    scalar *y;
    int ldy;
    scalar *z;      /* samples side: Xc^T W (p x b, ld p) */
    scalar *work;   /* the accumulators of chunks 1 .. nchunks - 1 */
} problem;

enum { JOB_FEATURES, JOB_SAMPLES_TRANSPOSED, JOB_SAMPLES_ROWS };

/* One product's pass over the chunks: the threads take the next chunk
 * until none is left, so that a thread the machine deschedules holds up
 * one chunk at most (a static share would wait for its whole share). */
typedef struct {
    const problem *pb;
    int kind;
    atomic_int next;
} pass;

/* Chunk c's accumulator: the output itself for chunk 0. */
static scalar *chunk_acc(const problem *pb, int c, scalar *target, ptrdiff_t ld_target,
                         ptrdiff_t *ld)
{
    *ld = c == 0 ? ld_target : pb->p;
    return c == 0 ? target : pb->work + (size_t)(c - 1) * pb->p * pb->b;
}

static void zero_columns(int rows, int cols, scalar *a, ptrdiff_t lda)
{
    for (int c = 0; c < cols; c++)
        memset(a + c * lda, 0, (size_t)rows * sizeof(scalar));
}

/* Accumulator of chunk c = Xc_c^T (Xc_c W), slab by slab. */
static EK_CLONES_V4 void features_chunk(const problem *pb, int c)
{
    int r0 = imin(c * pb->chunk_rows, pb->n), r1 = imin(r0 + pb->chunk_rows, pb->n);
    int p = pb->p, b = pb->b;
    ptrdiff_t lda;
    scalar *acc = chunk_acc(pb, c, pb->y, pb->ldy, &lda);
    scalar ybuf[EK_TUNE_COV_SLAB_ROWS * EK_COVARIANCE_MAX_BLOCK];
    zero_columns(p, b, acc, lda);
    for (int s = r0; s < r1; s += EK_TUNE_COV_SLAB_ROWS) {
        int R = imin(EK_TUNE_COV_SLAB_ROWS, r1 - s);
        const scalar *xs = pb->x + s * pb->ldx;
        slab_dots(R, p, b, xs, pb->ldx, pb->m, pb->w, pb->ldw, ybuf, EK_TUNE_COV_SLAB_ROWS);
        if (R == EK_TUNE_COV_SLAB_ROWS)
            slab_update(EK_TUNE_COV_SLAB_ROWS, 0, p, b, xs, pb->ldx, pb->m, ybuf,
                        EK_TUNE_COV_SLAB_ROWS, acc, lda);
        else
            slab_update(R, 0, p, b, xs, pb->ldx, pb->m, ybuf, EK_TUNE_COV_SLAB_ROWS, acc, lda);
    }
}

/* Accumulator of chunk c = Xc_c^T W_c, column block by column block. */
static EK_CLONES_V4 void samples_transposed_chunk(const problem *pb, int c)
{
    int r0 = imin(c * pb->chunk_rows, pb->n), r1 = imin(r0 + pb->chunk_rows, pb->n);
    int p = pb->p, b = pb->b;
    ptrdiff_t lda;
    scalar *acc = chunk_acc(pb, c, pb->z, p, &lda);
    int block = EK_TUNE_COV_COLUMN_BLOCK_BYTES / (int)sizeof(scalar) / b / VL * VL;
    block = block < VL ? VL : block;
    zero_columns(p, b, acc, lda);
    for (int j0 = 0; j0 < p; j0 += block) {
        int j1 = imin(j0 + block, p);
        for (int s = r0; s < r1; s += EK_TUNE_COV_SLAB_ROWS) {
            int R = imin(EK_TUNE_COV_SLAB_ROWS, r1 - s);
            const scalar *xs = pb->x + s * pb->ldx;
            if (R == EK_TUNE_COV_SLAB_ROWS)
                slab_update(EK_TUNE_COV_SLAB_ROWS, j0, j1, b, xs, pb->ldx, pb->m, pb->w + s,
                            pb->ldw, acc, lda);
            else
                slab_update(R, j0, j1, b, xs, pb->ldx, pb->m, pb->w + s, pb->ldw, acc, lda);
        }
    }
}

/* The rows of chunk c of Y = Xc Z. */
static EK_CLONES_V4 void samples_rows(const problem *pb, int c)
{
    int r0 = imin(c * pb->chunk_rows, pb->n), r1 = imin(r0 + pb->chunk_rows, pb->n);
    slab_dots(r1 - r0, pb->p, pb->b, pb->x + r0 * pb->ldx, pb->ldx, pb->m, pb->z, pb->p,
              pb->y + r0, pb->ldy);
}

static void *run_pass(void *arg)
{
    pass *ps = (pass *)arg;
    for (int c = atomic_fetch_add(&ps->next, 1); c < ps->pb->nchunks;
         c = atomic_fetch_add(&ps->next, 1)) {
        if (ps->kind == JOB_FEATURES)
            features_chunk(ps->pb, c);
        else if (ps->kind == JOB_SAMPLES_TRANSPOSED)
            samples_transposed_chunk(ps->pb, c);
        else
            samples_rows(ps->pb, c);
    }
    return NULL;
}

/* Runs a pass on nt threads (the caller's among them), then joins. */
static void run_threads(const problem *pb, int kind, int nt)
{
    pass ps = {pb, kind, 0};
    /* every thread takes chunks from ps until none is left; one that could
     * not start finds none left when the caller runs it */
    ek_fork_join(nt, run_pass, &ps, 0);
}

/* acc (p x b, ld lda) += the accumulators of chunks 1 .. nchunks - 1, in order. */
static void add_chunks(const problem *pb, scalar *acc, ptrdiff_t lda)
{
    for (int k = 1; k < pb->nchunks; k++) {
        const scalar *src = pb->work + (size_t)(k - 1) * pb->p * pb->b;
        for (int c = 0; c < pb->b; c++) {
            scalar *a = acc + c * lda;
            const scalar *s = src + (size_t)c * pb->p;
            for (int j = 0; j < pb->p; j++)
                a[j] += s[j];
        }
    }
}

static int chunk_count(int n)
{
    int c = n / EK_TUNE_COV_CHUNK_MIN_ROWS;
    return c < 1 ? 1 : c > EK_TUNE_COV_MAX_CHUNKS ? EK_TUNE_COV_MAX_CHUNKS : c;
}

static int thread_count(int n, int p, int b, int nthreads, int nchunks)
{
    int nt = nthreads < 1 ? 1 : imin(nthreads, nchunks);
    while (nt > 1 && (double)n * p * b < (double)EK_TUNE_COV_THREADING_WORK * nt)
        nt--;
    return nt;
}

size_t EK(covariance_workspace)(int side, int n, int p, int b)
{
    size_t pb = (size_t)(p > 0 ? p : 1) * (size_t)(b > 0 ? b : 1);
    int nchunks = chunk_count(n);
    return side == EK_COVARIANCE_FEATURES ? (size_t)(nchunks - 1) * pb : (size_t)nchunks * pb;
}

int EK(covariance_product)(int side, int n, int p, const scalar *x, ptrdiff_t ldx,
                           const scalar *mean, int b, const scalar *w, int ldw, scalar *y,
                           int ldy, int nthreads, scalar *work)
{
    int rows = side == EK_COVARIANCE_FEATURES ? p : n;
    if ((side != EK_COVARIANCE_FEATURES && side != EK_COVARIANCE_SAMPLES) || n < 1 || p < 1 ||
        b < 1 || b > EK_COVARIANCE_MAX_BLOCK || ldx < p || ldw < rows || ldy < rows)
        return -1;
    int nchunks = chunk_count(n);
    int rows_per_chunk = (n + nchunks - 1) / nchunks;
    rows_per_chunk = (rows_per_chunk + EK_TUNE_COV_SLAB_ROWS - 1) / EK_TUNE_COV_SLAB_ROWS
                     * EK_TUNE_COV_SLAB_ROWS;
    problem pb = {n, p, b, nchunks, rows_per_chunk, x, ldx, mean, w, ldw, y, ldy,
                  side == EK_COVARIANCE_FEATURES ? NULL : work,
                  side == EK_COVARIANCE_FEATURES ? work : work + (size_t)p * b};
    int nt = thread_count(n, p, b, nthreads, nchunks);
    if (side == EK_COVARIANCE_FEATURES) {
        run_threads(&pb, JOB_FEATURES, nt);
        add_chunks(&pb, y, ldy);
        return 0;
    }
    run_threads(&pb, JOB_SAMPLES_TRANSPOSED, nt);
    add_chunks(&pb, pb.z, p);
    run_threads(&pb, JOB_SAMPLES_ROWS, nt);
    return 0;
}
