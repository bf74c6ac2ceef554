/*
 * gauss_seidel.c -- a Gauss-Seidel sweep over a CSR matrix for a row-major
 * block of right-hand sides (see gauss_seidel.h).  The structure has been
 * checked once (sparse_structure.c), so the loops index without tests.
 */
#include "common/types.h"
#include "common/fork_join.h"
#include "common/target_clones.h"
#include "common/tuning.h"
#include "krylov/gauss_seidel.h"

#define MAX_THREADS EK_FORK_JOIN_MAX

/* The block columns [c0, c1) of one sweep. */
typedef struct {
    const ek_compressed *a;
    int backward, zero_start, c0, c1;
    scalar *x;
    int ldx;
    const scalar *b;
    int ldb;
} share;

/* Row i of x becomes (b_i - sum_{j != i} a_ij x_j) / a_ii, the sum taken
 * in the order of the row's entries, as pyamg's amg_core::gauss_seidel
 * does for one column; the division is a multiplication by 1 / a_ii (one
 * division per row instead of one per column).  The columns c .. c + W - 1
 * of the row are summed in W accumulators, W a constant, so that they stay
 * in vector registers while the row's entries stream past.  Under
 * zero_start the entries on the side not yet swept (still zero) are
 * skipped. */
#define ROW_COLUMNS(itype, W)                                                                    \
    do {                                                                                   \
        scalar acc[W] = {0};                                                               \
        for (itype p = ptr[i]; p < ptr[i + 1]; p++) {                                      \
            itype j = idx[p];                                                              \
            if (j == i || (zero_start && (j > i) != back))                                 \
                continue;                                                                  \
            const scalar *xj = x + (size_t)j * ldx + c;                                    \
            scalar v = val[p];                                                             \
            for (int q = 0; q < (W); q++)                                                  \
                acc[q] += v * xj[q];                                                       \
        }                                                                                  \
        for (int q = 0; q < (W); q++)                                                      \
            xi[c + q] = (bi[c + q] - acc[q]) * inv;                                        \
        c += (W);                                                                          \
    } while (0)

/* The last 1 to 15 columns of a row in one group, of constant width. */
#define ROW_REST(itype)                                                                    \
    switch (nc - c) {                                                                      \
    case 1: ROW_COLUMNS(itype, 1); break;                                                  \
    case 2: ROW_COLUMNS(itype, 2); break;                                                  \
    case 3: ROW_COLUMNS(itype, 3); break;                                                  \
    case 4: ROW_COLUMNS(itype, 4); break;                                                  \
    case 5: ROW_COLUMNS(itype, 5); break;                                                  \
    case 6: ROW_COLUMNS(itype, 6); break;                                                  \
    case 7: ROW_COLUMNS(itype, 7); break;                                                  \
    case 8: ROW_COLUMNS(itype, 8); break;                                                  \
    case 9: ROW_COLUMNS(itype, 9); break;                                                  \
    case 10: ROW_COLUMNS(itype, 10); break;                                                \
    case 11: ROW_COLUMNS(itype, 11); break;                                                \
    case 12: ROW_COLUMNS(itype, 12); break;                                                \
    case 13: ROW_COLUMNS(itype, 13); break;                                                \
    case 14: ROW_COLUMNS(itype, 14); break;                                                \
    case 15: ROW_COLUMNS(itype, 15); break;                                                \
    default: break;                                                                        \
    }

/* A sweep over the rows of a, for the block columns [c0, c1): the columns
 * of a row in groups of 16, the rest in one group (one pass over the row's
 * entries per group).  Clones for AVX2 with FMA. */
#define SWEEP(name, itype)                                                                 \
    EK_CLONES_V3 static void name(const share *s)                                          \
    {                                                                                      \
        const itype *ptr = s->a->ptr, *idx = s->a->idx;                                    \
        const scalar *val = s->a->val;                                                     \
        int n = s->a->nmajor, nc = s->c1 - s->c0, back = s->backward;                      \
        int zero_start = s->zero_start;                                                    \
        size_t ldx = (size_t)s->ldx, ldb = (size_t)s->ldb;                                 \
        scalar *x = s->x + s->c0;                                                          \
        const scalar *b = s->b + s->c0;                                                    \
        for (int step = 0; step < n; step++) {                                             \
            itype i = back ? n - 1 - step : step;                                          \
            scalar diag = 0;                                                               \
            for (itype p = ptr[i]; p < ptr[i + 1]; p++)                                    \
                if (idx[p] == i)                                                           \
                    diag += val[p];                                                        \
            if (diag == 0)                                                                 \
                continue;                                                                  \
            scalar inv = 1 / diag, *xi = x + (size_t)i * ldx;                              \
            const scalar *bi = b + (size_t)i * ldb;                                        \
            int c = 0;                                                                     \
            while (nc - c >= 16)                                                           \
                ROW_COLUMNS(itype, 16);                                                         \
            ROW_REST(itype);                                                               \
        }                                                                                  \
    }

SWEEP(sweep32, int32_t)
SWEEP(sweep64, int64_t)

static void *sweep_share(void *arg)
{
    const share *s = arg;
    if (s->a->wide_index)
        sweep64(s);
    else
        sweep32(s);
    return NULL;
}

/* Threads for the columns: each one sweeps all of A, so no fewer than
 * EK_TUNE_SPARSE_THREADING_WORK multiply-adds each, and no more threads
 * than columns. */
static int thread_count(const ek_compressed *a, int ncols, int nthreads)
{
    int64_t nnz = a->wide_index ? ((const int64_t *)a->ptr)[a->nmajor]
                                : ((const int32_t *)a->ptr)[a->nmajor];
    double work = (double)(nnz + a->nmajor) * ncols;
    int nt = nthreads < MAX_THREADS ? nthreads : MAX_THREADS;
    nt = nt < ncols ? nt : ncols;
    while (nt > 1 && work < (double)EK_TUNE_SPARSE_THREADING_WORK * nt)
        nt--;
    return nt < 1 ? 1 : nt;
}

void EK(gauss_seidel_sweep)(const ek_compressed *a, int backward, int zero_start, int ncols,
                            scalar *x, int ldx, const scalar *b, int ldb, int nthreads)
{
    if (ncols < 1 || a->nmajor < 1)
        return;
    int nt = thread_count(a, ncols, nthreads);
    share sh[MAX_THREADS];
    for (int t = 0; t < nt; t++) {
        share s = {a, backward != 0, zero_start != 0, ncols * t / nt, ncols * (t + 1) / nt,
                   x, ldx, b, ldb};
        sh[t] = s;
    }
    ek_fork_join(nt, sweep_share, sh, sizeof(share));
}
