/*
 * sparse_operator.c -- Y = OP X for a compressed sparse A, OP = A, A^H A or
 * A A^H, on SciPy's CSR / CSC arrays as they are (see sparse_operator.h).  The structure has been checked once
 * (sparse_structure.c), so the loops index without tests.
 */
#include "common/types.h"
#include "common/fork_join.h"
#include "common/tuning.h"
#include "krylov/sparse_operator.h"

#define MAX_THREADS EK_FORK_JOIN_MAX

/* One product with A or A^H: a gather or a scatter over the major lines of
 * a, possibly with conjugated entries, of the block columns [c0, c1); a
 * gather's share is the major lines [r0, r1). */
typedef struct {
    const ek_compressed *a;
    int gather, conj;
    int r0, r1, c0, c1;
    const scalar *x;
    int ldx;
    scalar *y;
    int ldy;
} share;

#define PLAIN(v) (v)
#define CONJUGATED(v) EK_CONJ(v)

/* y_i = sum_p value(a_p) x_{idx p} over major line i's entries, for lines
 * r0..r1-1 and the block columns c0 .. c0 + nc - 1
 * (nc <= EK_TUNE_SPARSE_COLS_PER_PASS). */
#define GATHER(name, itype, value)                                                       \
    static void name(const share *s, int c0, int nc)                                     \
    {                                                                                    \
        const itype *ptr = s->a->ptr, *idx = s->a->idx;                                  \
        const scalar *val = s->a->val;                                                   \
        const scalar *x = s->x + (size_t)c0 * s->ldx;                                    \
        scalar *y = s->y + (size_t)c0 * s->ldy;                                          \
        size_t ldx = (size_t)s->ldx, ldy = (size_t)s->ldy;                               \
        if (nc == 1) { /* block 1, the common case: one accumulator in a register */   \
            for (int i = s->r0; i < s->r1; i++) {                                        \
                scalar acc = 0;                                                          \
                for (itype p = ptr[i]; p < ptr[i + 1]; p++)                              \
                    acc += value(val[p]) * x[idx[p]];                                    \
                y[i] = acc;                                                              \
            }                                                                            \
            return;                                                                      \
        }                                                                                \
        for (int i = s->r0; i < s->r1; i++) {                                            \
            scalar acc[EK_TUNE_SPARSE_COLS_PER_PASS] = {0};                              \
            for (itype p = ptr[i]; p < ptr[i + 1]; p++) {                                \
                scalar v = value(val[p]);                                                \
                const scalar *xj = x + idx[p];                                           \
                for (int c = 0; c < nc; c++)                                             \
                    acc[c] += v * xj[c * ldx];                                           \
            }                                                                            \
            for (int c = 0; c < nc; c++)                                                 \
                y[i + c * ldy] = acc[c];                                                 \
        }                                                                                \
    }

/* y = sum over major lines j and their entries p of value(a_p) x_j
 * e_{idx p}, for the block columns c0 .. c0 + nc - 1. */
#define SCATTER(name, itype, value)                                                      \
    static void name(const share *s, int c0, int nc)                                     \
    {                                                                                    \
        const itype *ptr = s->a->ptr, *idx = s->a->idx;                                  \
        const scalar *val = s->a->val;                                                   \
        const scalar *x = s->x + (size_t)c0 * s->ldx;                                    \
        scalar *y = s->y + (size_t)c0 * s->ldy;                                          \
        size_t ldx = (size_t)s->ldx, ldy = (size_t)s->ldy;                               \
        for (int c = 0; c < nc; c++)                                                     \
            for (int i = 0; i < s->a->nminor; i++)                                       \
                y[i + c * ldy] = 0;                                                      \
        if (nc == 1) {                                                                   \
            for (int j = 0; j < s->a->nmajor; j++) {                                     \
                scalar xj = x[j];                                                        \
                for (itype p = ptr[j]; p < ptr[j + 1]; p++)                              \
                    y[idx[p]] += value(val[p]) * xj;                                     \
            }                                                                            \
            return;                                                                      \
        }                                                                                \
        for (int j = 0; j < s->a->nmajor; j++) {                                         \
            scalar xj[EK_TUNE_SPARSE_COLS_PER_PASS];                                     \
            for (int c = 0; c < nc; c++)                                                 \
                xj[c] = x[j + c * ldx];                                                  \
            for (itype p = ptr[j]; p < ptr[j + 1]; p++) {                                \
                scalar v = value(val[p]);                                                \
                scalar *yi = y + idx[p];                                                 \
                for (int c = 0; c < nc; c++)                                             \
                    yi[c * ldy] += v * xj[c];                                            \
            }                                                                            \
        }                                                                                \
    }

GATHER(gather32, int32_t, PLAIN)
GATHER(gather64, int64_t, PLAIN)
GATHER(gather32_conj, int32_t, CONJUGATED)
GATHER(gather64_conj, int64_t, CONJUGATED)
SCATTER(scatter32, int32_t, PLAIN)
SCATTER(scatter64, int64_t, PLAIN)
SCATTER(scatter32_conj, int32_t, CONJUGATED)
SCATTER(scatter64_conj, int64_t, CONJUGATED)

typedef void (*pass_fn)(const share *, int, int);

static pass_fn pass_for(const share *s)
{
    /* [gather][conj][wide] */
    static const pass_fn table[2][2][2] = {
        {{scatter32, scatter64}, {scatter32_conj, scatter64_conj}},
        {{gather32, gather64}, {gather32_conj, gather64_conj}}};
    return table[s->gather][s->conj][s->a->wide_index];
}

static void *product_share(void *arg)
{
    const share *s = arg;
    pass_fn pass = pass_for(s);
    for (int c0 = s->c0; c0 < s->c1; c0 += EK_TUNE_SPARSE_COLS_PER_PASS)
        pass(s, c0, s->c1 - c0 < EK_TUNE_SPARSE_COLS_PER_PASS ? s->c1 - c0
                                                               : EK_TUNE_SPARSE_COLS_PER_PASS);
    return NULL;
}

static int64_t offset_at(const ek_compressed *a, int i)
{
    return a->wide_index ? ((const int64_t *)a->ptr)[i] : ((const int32_t *)a->ptr)[i];
}

/* The first major line r with ptr[r] >= target (ptr is nondecreasing). */
static int line_at_offset(const ek_compressed *a, int64_t target)
{
    int lo = 0, hi = a->nmajor;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (offset_at(a, mid) < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int thread_count(const ek_compressed *a, int gather, int ncols, int nthreads)
{
    double work = (double)(offset_at(a, a->nmajor) + a->nmajor) * ncols;
    int nt = nthreads < MAX_THREADS ? nthreads : MAX_THREADS;
    while (nt > 1 && work < (double)EK_TUNE_SPARSE_THREADING_WORK * nt)
        nt--;
    if (!gather && nt > ncols)
        nt = ncols;
    return nt < 1 ? 1 : nt;
}

/* y = A x (adjoint = 0) or A^H x (adjoint = 1) for the ncols columns of x. */
static void product(const ek_compressed *a, int form, int adjoint, int nthreads, int ncols,
                    const scalar *x, int ldx, scalar *y, int ldy)
{
    int gather = (form == EK_SPARSE_CSR) != adjoint;
    int nt = thread_count(a, gather, ncols, nthreads);
    int64_t nnz = offset_at(a, a->nmajor);
    share sh[MAX_THREADS];
    for (int t = 0; t < nt; t++) {
        share s = {a, gather, adjoint, 0, a->nmajor, 0, ncols, x, ldx, y, ldy};
        if (gather) {   /* lines holding about equal numbers of entries */
            s.r0 = t == 0 ? 0 : line_at_offset(a, nnz * t / nt);
            s.r1 = t == nt - 1 ? a->nmajor : line_at_offset(a, nnz * (t + 1) / nt);
        } else {        /* every thread scatters all of A into its columns */
            s.c0 = ncols * t / nt;
            s.c1 = ncols * (t + 1) / nt;
        }
        sh[t] = s;
    }
    ek_fork_join(nt, product_share, sh, sizeof(share));
}

void EK(sparse_operator_apply)(const ek_sparse_operator *op, int ncols, const scalar *x, int ldx,
                               scalar *y, int ldy)
{
    const ek_compressed *a = &op->a;
    if (op->op == EK_SPARSE_A) {
        product(a, op->form, 0, op->nthreads, ncols, x, ldx, y, ldy);
        return;
    }
    /* A^H A: t = A x (rows x b), y = A^H t; A A^H: t = A^H x, y = A t;
     * as many columns at a time as the scratch block holds. */
    int rows = op->form == EK_SPARSE_CSR ? a->nmajor : a->nminor;
    int cols = op->form == EK_SPARSE_CSR ? a->nminor : a->nmajor;
    int inner = op->op == EK_SPARSE_AHA ? rows : cols;
    int first_adjoint = op->op == EK_SPARSE_AAH;
    scalar *t = op->scratch;
    int step = op->scratch_cols > 0 ? op->scratch_cols : 1;
    for (int c0 = 0; c0 < ncols; c0 += step) {
        int nc = ncols - c0 < step ? ncols - c0 : step;
        product(a, op->form, first_adjoint, op->nthreads, nc, x + (size_t)c0 * ldx, ldx, t,
                inner);
        product(a, op->form, !first_adjoint, op->nthreads, nc, t, inner, y + (size_t)c0 * ldy,
                ldy);
    }
}
