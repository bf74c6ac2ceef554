/*
 * sparse_operator.c -- Y = A X for a compressed sparse A (see
 * sparse_operator.h).  The structure has been checked once
 * (sparse_structure.c), so the loops index without tests.
 */
#include <pthread.h>
#include "types.h"
#include "sparse_operator.h"

/* Columns of X per pass over A: four running sums per row stay in
 * registers, and a default Lanczos block (2) or a widened one (up to 8)
 * reads A once or twice. */
#define COLS_PER_PASS 4
#define MAX_THREADS 64
/* Below this many multiply-adds per thread a product runs on the calling
 * thread: starting a thread costs some tens of microseconds. */
#define THREADING_WORK (1L << 17)

/* One thread's share of a product: rows [r0, r1) of Y (by rows), or the
 * columns [c0, c1) of the block (by columns). */
typedef struct {
    const ek_sparse_operator *op;
    int r0, r1, c0, c1;
    const scalar *x;
    int ldx;
    scalar *y;
    int ldy;
} share;

/* By rows: y_i = sum_p val[p] x_{idx[p]} over row i's entries, for the
 * block columns c0 .. c0 + nc - 1 (nc <= COLS_PER_PASS). */
#define GATHER_ROWS(itype)                                                               \
    static void gather_##itype(const share *s, int c0, int nc)                           \
    {                                                                                    \
        const itype *ptr = s->op->ptr, *idx = s->op->idx;                                \
        const scalar *val = s->op->val;                                                  \
        const scalar *x = s->x + (size_t)c0 * s->ldx;                                    \
        scalar *y = s->y + (size_t)c0 * s->ldy;                                          \
        size_t ldx = (size_t)s->ldx, ldy = (size_t)s->ldy;                               \
        for (int i = s->r0; i < s->r1; i++) {                                            \
            scalar acc[COLS_PER_PASS] = {0};                                             \
            for (itype p = ptr[i]; p < ptr[i + 1]; p++) {                                \
                scalar v = val[p];                                                       \
                const scalar *xj = x + idx[p];                                           \
                for (int c = 0; c < nc; c++)                                             \
                    acc[c] += v * xj[c * ldx];                                           \
            }                                                                            \
            for (int c = 0; c < nc; c++)                                                 \
                y[i + c * ldy] = acc[c];                                                 \
        }                                                                                \
    }

/* By columns: y += val[p] x_j e_{idx[p]} over column j's entries, for every
 * column j of A and the block columns c0 .. c0 + nc - 1. */
#define SCATTER_COLUMNS(itype)                                                           \
    static void scatter_##itype(const share *s, int c0, int nc)                          \
    {                                                                                    \
        const itype *ptr = s->op->ptr, *idx = s->op->idx;                                \
        const scalar *val = s->op->val;                                                  \
        const scalar *x = s->x + (size_t)c0 * s->ldx;                                    \
        scalar *y = s->y + (size_t)c0 * s->ldy;                                          \
        size_t ldx = (size_t)s->ldx, ldy = (size_t)s->ldy;                               \
        int n = s->op->n;                                                                \
        for (int c = 0; c < nc; c++)                                                     \
            for (int i = 0; i < n; i++)                                                  \
                y[i + c * ldy] = 0;                                                      \
        for (int j = 0; j < n; j++) {                                                    \
            scalar xj[COLS_PER_PASS];                                                    \
            for (int c = 0; c < nc; c++)                                                 \
                xj[c] = x[j + c * ldx];                                                  \
            for (itype p = ptr[j]; p < ptr[j + 1]; p++) {                                \
                scalar v = val[p];                                                       \
                scalar *yi = y + idx[p];                                                 \
                for (int c = 0; c < nc; c++)                                             \
                    yi[c * ldy] += v * xj[c];                                            \
            }                                                                            \
        }                                                                                \
    }

GATHER_ROWS(int32_t)
GATHER_ROWS(int64_t)
SCATTER_COLUMNS(int32_t)
SCATTER_COLUMNS(int64_t)

static void *product_share(void *arg)
{
    const share *s = arg;
    int wide = s->op->wide_index;
    for (int c0 = s->c0; c0 < s->c1; c0 += COLS_PER_PASS) {
        int nc = s->c1 - c0 < COLS_PER_PASS ? s->c1 - c0 : COLS_PER_PASS;
        if (s->op->by_rows) {
            if (wide)
                gather_int64_t(s, c0, nc);
            else
                gather_int32_t(s, c0, nc);
        } else if (wide) {
            scatter_int64_t(s, c0, nc);
        } else {
            scatter_int32_t(s, c0, nc);
        }
    }
    return NULL;
}

static int64_t offset_at(const ek_sparse_operator *op, int i)
{
    return op->wide_index ? ((const int64_t *)op->ptr)[i] : ((const int32_t *)op->ptr)[i];
}

/* The first row r with ptr[r] >= target (ptr is nondecreasing). */
static int row_at_offset(const ek_sparse_operator *op, int64_t target)
{
    int lo = 0, hi = op->n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (offset_at(op, mid) < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* By rows: ranges of rows holding about equal numbers of entries.  By
 * columns: every thread scatters all of A into its own block columns. */
static int plan_shares(const ek_sparse_operator *op, int ncols, share *sh)
{
    int64_t nnz = offset_at(op, op->n);
    double work = (double)(nnz + op->n) * ncols;
    int nt = op->nthreads < MAX_THREADS ? op->nthreads : MAX_THREADS;
    while (nt > 1 && work < (double)THREADING_WORK * nt)
        nt--;
    if (!op->by_rows && nt > ncols)
        nt = ncols;
    if (nt < 1)
        nt = 1;
    for (int t = 0; t < nt; t++) {
        if (op->by_rows) {
            sh[t].r0 = t == 0 ? 0 : row_at_offset(op, nnz * t / nt);
            sh[t].r1 = t == nt - 1 ? op->n : row_at_offset(op, nnz * (t + 1) / nt);
            sh[t].c0 = 0;
            sh[t].c1 = ncols;
        } else {
            sh[t].r0 = 0;
            sh[t].r1 = op->n;
            sh[t].c0 = ncols * t / nt;
            sh[t].c1 = ncols * (t + 1) / nt;
        }
    }
    return nt;
}

void EK(sparse_operator_apply)(const ek_sparse_operator *op, int ncols, const scalar *x, int ldx,
                               scalar *y, int ldy)
{
    share sh[MAX_THREADS];
    int nt = plan_shares(op, ncols, sh);
    for (int t = 0; t < nt; t++) {
        sh[t].op = op;
        sh[t].x = x;
        sh[t].ldx = ldx;
        sh[t].y = y;
        sh[t].ldy = ldy;
    }
    /* A share whose thread cannot start runs on the calling thread. */
    pthread_t tid[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    for (int t = 1; t < nt; t++)
        started[t] = pthread_create(&tid[t], NULL, product_share, &sh[t]) == 0;
    product_share(&sh[0]);
    for (int t = 1; t < nt; t++) {
        if (started[t])
            pthread_join(tid[t], NULL);
        else
            product_share(&sh[t]);
    }
}
