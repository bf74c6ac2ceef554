/*
 * rotations.c -- Z := Z G(0,.) ... G(k-1,.) for k stored rotation
 * sequences, in wavefronts (Van Zee, van de Geijn, Quintana-Orti,
 * "Restructuring the tridiagonal and bidiagonal QR algorithms for
 * performance", ACM TOMS 40(3), 2014).  Conventions in rotations.h.
 *
 * Rows of Z are independent: each row r is transformed by
 *     z(r,:) := z(r,:) G(0,.) ... G(k-1,.).
 * So Z is cut into strips of rows (NV vectors of VL rows, i.e. NV cache
 * lines of each column of a column-major Z), and on each strip the sweeps
 * are applied KB at a time in a wavefront: at step p, rotation (j, p - j)
 * for j = 0..KB-1.  This order is legal, since (j, i) needs only (j, i-1)
 * and (j-1, i+1) before it, and it touches only the columns p-KB+1 .. p+1,
 * a window held in registers: each step loads one column of the strip,
 * applies KB rotations and stores one column, so the memory traffic per
 * rotation is 1/KB of the one-at-a-time order (the fusion of Van Zee et
 * al., here KB sweeps deep).  The strip, NV VL rows x n columns, stays in
 * L2 while all k sweeps pass (in column segments, see strip_all_sweeps).
 * With scaled rotations (p == 1, tridiagonal_qr.c) a rotation costs two
 * FMAs a row instead of two multiplications and two FMAs.
 *
 * Threads: nthreads contiguous row blocks of about equal work, created
 * and joined here.
 */
#include <stddef.h>
#include <string.h>
#include "common/target_clones.h"
#include "common/types.h"
#include "common/fork_join.h"
#include "common/tuning.h"
#include "tridiagonal/rotations.h"

#define KB 4  /* sweeps per wavefront pass (columns in registers: KB + 1) */

#if defined(__GNUC__)
#define EK_PREFETCH(ptr) __builtin_prefetch((ptr), 1, 3)
#else
#define EK_PREFETCH(ptr) ((void)0)
#endif

/* The coefficients of rotation (j, i) of a pass are X[i ci + j ldcs] for
 * X = pc, qc, rc; scale (NULL: none) holds the factor of column i at
 * [i ci].  ci = -1 reads a backward sequence as a forward one on the
 * columns in reverse order; in that order the scaled rule below
 * exchanges the roles of z_i and z_{i+1}, hence of q and r (the
 * standard rule is used forward only). */
typedef struct {
    const real *pc, *qc, *rc;
    ptrdiff_t ci, ldcs;
    const real *scale;
    const int *top, *bot; /* NULL, or the nonzero rows of column i of Z lie
                             in top[i ci] .. bot[i ci] throughout */
} rot_view;

#define COEF(rv, X, j, i) ((rv).X[(ptrdiff_t)(i) * (rv).ci + (ptrdiff_t)(j) * (rv).ldcs])

/* The rotations act on NV pieces a[v], b[v] of two columns (NV vectors
 * of VL rows, or NV = 1 row), the coefficients loaded once. */

/* Standard rotation:  a' = c a + s b,  b' = c b - s a. */
#define ROT_STD(V, NV, a, b, rv, j, i)                                    \
    do {                                                                  \
        real c_ = COEF(rv, pc, j, i), s_ = COEF(rv, qc, j, i);            \
        EK_UNROLL for (int v_ = 0; v_ < NV; v_++) {                       \
            V a_ = a[v_];                                                 \
            a[v_] = c_ * a_ + s_ * b[v_];                                 \
            b[v_] = c_ * b[v_] - s_ * a_;                                 \
        }                                                                 \
    } while (0)

/* Scaled rotation: a' = p a + q b,  b' = p b + r a; two FMAs if p == 1. */
#define ROT_SCALED(V, NV, a, b, rv, j, i)                                 \
    do {                                                                  \
        real p_ = COEF(rv, pc, j, i), q_ = COEF(rv, qc, j, i);            \
        real r_ = COEF(rv, rc, j, i);                                     \
        if (p_ == 1) {                                                    \
            EK_UNROLL for (int v_ = 0; v_ < NV; v_++) {                   \
                V a_ = a[v_];                                             \
                a[v_] = a_ + q_ * b[v_];                                  \
                b[v_] = b[v_] + r_ * a_;                                  \
            }                                                             \
        } else {                                                          \
            EK_UNROLL for (int v_ = 0; v_ < NV; v_++) {                   \
                V a_ = a[v_];                                             \
                a[v_] = p_ * a_ + q_ * b[v_];                             \
                b[v_] = p_ * b[v_] + r_ * a_;                             \
            }                                                             \
        }                                                                 \
    } while (0)

#if defined(__GNUC__) && !defined(__clang__)
#define EK_UNROLL _Pragma("GCC unroll 8")
#else
#define EK_UNROLL
#endif

/* Rotation (j, p - j) of the window x[0..KB] = columns p-KB+1 .. p+1, if
 * it exists: it acts on columns p-j, p-j+1, i.e. x[3-j], x[4-j]. */
#define WAVE_ROT(ROT, V, NV, j)                                           \
    do {                                                                  \
        int i_ = p - (j);                                                 \
        if ((j) < kk && i_ >= 0 && i_ <= n - 2)                           \
            ROT(V, NV, x[KB - 1 - (j)], x[KB - (j)], rv, j, i_);          \
    } while (0)

/* Steps pb .. pe-1 of one wavefront pass of kk <= KB sweeps over a
 * strip of NV pieces of rows (piece v at row offset v STEP), each held in
 * a V: z points at the strip's first row of column 0, column q at
 * z + q cs.  The whole pass is steps p = 0 .. n+KB-2; at step p column
 * p+1 enters the window and column p-KB+1, now final, leaves (times its
 * scale, if given).  A segment starts by loading the window (columns
 * pb-3 .. pb) and ends by storing it back unfinished.  pf (if not NULL):
 * the strip, whose column p + 1 + EK_TUNE_ROT_PREFETCH is prefetched at
 * step p. */
#define DEFINE_WAVE_PASS(NAME, V, NV, STEP, LOAD, STORE, ROT, ATTR)       \
    ATTR static void NAME(int n, int kk, rot_view rv, real *z, ptrdiff_t cs, \
                          const real *scale, const real *pf, int pb, int pe) \
    {                                                                     \
        V x[KB + 1][NV];                                                  \
        EK_UNROLL for (int w = 1; w <= KB; w++) {                         \
            ptrdiff_t q_ = pb - KB + w;                                   \
            EK_UNROLL for (int v = 0; v < NV; v++)                        \
                x[w][v] = (V){0};                                         \
            if (q_ >= 0 && q_ < n)                                        \
                EK_UNROLL for (int v = 0; v < NV; v++)                    \
                    x[w][v] = LOAD(z + q_ * cs + v * STEP);               \
        }                                                                 \
        for (int p = pb; p < pe; p++) {                                   \
            EK_UNROLL for (int v = 0; v < NV; v++) {                      \
                x[0][v] = x[1][v]; x[1][v] = x[2][v];                     \
                x[2][v] = x[3][v]; x[3][v] = x[4][v];                     \
            }                                                             \
            if (p + 1 < n) {                                              \
                real *col_ = z + (ptrdiff_t)(p + 1) * cs;                 \
                EK_UNROLL for (int v = 0; v < NV; v++)                    \
                    x[KB][v] = LOAD(col_ + v * STEP);                     \
                if (pf && p + 1 + EK_TUNE_ROT_PREFETCH < n)               \
                    EK_UNROLL for (int v = 0; v < NV; v++)                \
                        EK_PREFETCH(pf + (ptrdiff_t)(p + 1 + EK_TUNE_ROT_PREFETCH) * cs \
                                    + v * STEP);                          \
            }                                                             \
            WAVE_ROT(ROT, V, NV, 0);                                      \
            WAVE_ROT(ROT, V, NV, 1);                                      \
            WAVE_ROT(ROT, V, NV, 2);                                      \
            WAVE_ROT(ROT, V, NV, 3);                                      \
            if (p >= KB - 1) {                                            \
                ptrdiff_t q_ = p - KB + 1;                                \
                real f_ = scale ? scale[q_ * rv.ci] : (real)1;            \
                EK_UNROLL for (int v = 0; v < NV; v++)                    \
                    STORE(z + q_ * cs + v * STEP, scale ? x[0][v] * f_ : x[0][v]); \
            }                                                             \
        }                                                                 \
        EK_UNROLL for (int w = 1; w <= KB; w++) {                         \
            ptrdiff_t q_ = pe - KB + w;                                   \
            if (pe < n + KB - 1 && q_ >= 0 && q_ < n)                     \
                EK_UNROLL for (int v = 0; v < NV; v++)                    \
                    STORE(z + q_ * cs + v * STEP, x[w][v]);               \
        }                                                                 \
    }

/* ---- one row (the tail of a strip) ---- */
#define LOAD1(ptr) (*(ptr))
#define STORE1(ptr, v) (*(ptr) = (v))
DEFINE_WAVE_PASS(row_std, real, 1, 1, LOAD1, STORE1, ROT_STD, )
DEFINE_WAVE_PASS(row_scaled, real, 1, 1, LOAD1, STORE1, ROT_SCALED, )

/* ---- vectors of VL rows: 64 bytes (GCC/Clang vector extension) ---- */
#if defined(__GNUC__)
#define EK_HAVE_VEC 1
typedef real vreal __attribute__((vector_size(64)));
#define VL ((int)(sizeof(vreal) / sizeof(real)))
/* unaligned loads and stores (macros: no vector-valued calls) */
#define load_v(p) __extension__({ vreal v_; memcpy(&v_, (p), sizeof v_); v_; })
#define store_v(p, v) __extension__({ vreal w_ = (v); memcpy((p), &w_, sizeof w_); })
/* Fast paths chosen at run time where clones are built
 * (common/target_clones.h): one vector per column piece in clones for
 * AVX-512, AVX2 and baseline; with AVX-512 (32 registers) also strips of
 * NVBIG vectors, whose window of (KB+1) NVBIG registers amortizes the
 * per-rotation scalar work.  Elsewhere one baseline copy (SSE2, NEON). */
#define EK_BIG EK_HAVE_CLONES
#define NVBIG 4
DEFINE_WAVE_PASS(vec_std, vreal, 1, VL, load_v, store_v, ROT_STD, EK_CLONES_AVX512)
DEFINE_WAVE_PASS(vec_scaled, vreal, 1, VL, load_v, store_v, ROT_SCALED, EK_CLONES_AVX512)
#if EK_BIG
#define EK_AVX512 __attribute__((target("avx512f")))
DEFINE_WAVE_PASS(big_std, vreal, NVBIG, VL, load_v, store_v, ROT_STD, EK_AVX512)
DEFINE_WAVE_PASS(big_scaled, vreal, NVBIG, VL, load_v, store_v, ROT_SCALED, EK_AVX512)
#endif
#else
#define EK_HAVE_VEC 0
#define EK_BIG 0
#define VL 1
#endif

typedef enum { STANDARD, SCALED } rot_kind;

/* The pass's view of sweeps j0 .. j0+KB-1. */
static rot_view sweeps_from(rot_view r, int j0)
{
    r.pc += (ptrdiff_t)j0 * r.ldcs;
    r.qc += (ptrdiff_t)j0 * r.ldcs;
    if (r.rc)
        r.rc += (ptrdiff_t)j0 * r.ldcs;
    return r;
}

typedef void (*pass_fn)(int, int, rot_view, real *, ptrdiff_t, const real *, const real *, int,
                        int);

_Static_assert(EK_TUNE_ROT_SEGMENT >= KB + 1, "ROT_SEGMENT must exceed the sweeps of a pass");

/* The view of columns c0, c0+1, ... only. */
static rot_view from_column(rot_view r, int c0)
{
    ptrdiff_t o = (ptrdiff_t)c0 * r.ci;
    r.pc += o;
    r.qc += o;
    if (r.rc)
        r.rc += o;
    if (r.scale)
        r.scale += o;
    return r;
}

/* Columns [*c0, *c1] that may be nonzero in rows r0 .. r1-1 (all without
 * top/bot).  Outside them the strip is zero and stays so: a rotation
 * mixing a column that is nonzero there with another marks both
 * (tridiagonal_qr.c), so the rotations outside act on zeros only. */
static void live_columns(rot_view rv, int n, int r0, int r1, int *c0, int *c1)
{
    *c0 = 0;
    *c1 = n - 1;
    if (!rv.top)
        return;
    while (*c0 < n && (rv.bot[*c0 * rv.ci] < r0 || rv.top[*c0 * rv.ci] >= r1))
        (*c0)++;
    while (*c1 >= *c0 && (rv.bot[*c1 * rv.ci] < r0 || rv.top[*c1 * rv.ci] >= r1))
        (*c1)--;
}

/* All k sweeps on one strip of n columns (z: its first row, column 0).
 * The passes (KB sweeps each) go in segments of seg_len =
 * EK_TUNE_ROT_SEGMENT steps, pass g one segment behind pass g-1: it needs
 * pass g-1's columns up to p+1 final, done at its step p+KB, and
 * seg_len >= KB+1 keeps it there.  So only about (k/KB) seg_len columns of
 * the strip are in use at a time, in L2 whatever n is, and the strip comes
 * from memory once.  The first pass prefetches EK_TUNE_ROT_PREFETCH columns
 * ahead (pf = zs), the last applies the column scales. */
static void strip_all_sweeps(pass_fn pass, int n, int k, rot_view sv, real *zs, ptrdiff_t cs,
                             const real *pf)
{
    const int seg_len = EK_TUNE_ROT_SEGMENT;
    int total = n + KB - 1, nseg = (total + seg_len - 1) / seg_len, groups = (k + KB - 1) / KB;
    for (int t = 0; t < nseg + groups - 1; t++)
        for (int g = t - nseg + 1 > 0 ? t - nseg + 1 : 0; g < groups && g <= t; g++) {
            int j = g * KB, seg = t - g, pe = (seg + 1) * seg_len;
            pass(n, k - j < KB ? k - j : KB, sweeps_from(sv, j), zs, cs,
                 j + KB >= k ? sv.scale : NULL, g == 0 ? pf : NULL, seg * seg_len,
                 pe < total ? pe : total);
        }
}

/* Strips of h rows starting at *row, while they fit below r1, through
 * all k sweeps.  Only the strip's live columns are visited. */
static void apply_strips(pass_fn pass, int h, int *row, int r1, int n, int k, rot_view rv,
                         real *z, ptrdiff_t cs)
{
    for (; *row + h <= r1; *row += h) {
        int c0, c1;
        live_columns(rv, n, *row, *row + h, &c0, &c1);
        if (c1 < c0)
            continue;
        rot_view sv = from_column(rv, c0);
        real *zs = z + *row + (ptrdiff_t)c0 * cs;
        if (c1 == c0) { /* no rotation acts on it here: only its scale */
            if (sv.scale)
                for (int i = 0; i < h; i++)
                    zs[i] *= sv.scale[0];
            continue;
        }
        strip_all_sweeps(pass, c1 - c0 + 1, k, sv, zs, cs, zs);
    }
}

/* Rows r0 .. r1-1 of Z (column q at z + q cs) through all k sweeps. */
static void apply_rows(rot_kind kind, int r0, int r1, int n, int k, rot_view rv, real *z,
                       ptrdiff_t cs)
{
    int row = r0;
#if EK_BIG
    if (__builtin_cpu_supports("avx512f"))
        apply_strips(kind == SCALED ? big_scaled : big_std, NVBIG * VL, &row, r1, n, k, rv, z, cs);
#endif
#if EK_HAVE_VEC
    apply_strips(kind == SCALED ? vec_scaled : vec_std, VL, &row, r1, n, k, rv, z, cs);
#endif
    apply_strips(kind == SCALED ? row_scaled : row_std, 1, &row, r1, n, k, rv, z, cs);
}

/* A thread's share: rows r0 .. r1-1. */
typedef struct {
    rot_kind kind;
    int r0, r1, n, k;
    rot_view r;
    real *z;
    ptrdiff_t cs;
} row_job;

static void *row_job_run(void *arg)
{
    row_job *jb = (row_job *)arg;
    apply_rows(jb->kind, jb->r0, jb->r1, jb->n, jb->k, jb->r, jb->z, jb->cs);
    return NULL;
}

#define CHUNK (EK_TUNE_ROT_CHUNK * VL) /* rows: the grain of the division among threads */

/* Work of rows r0 .. r1-1: their live columns, plus one for the call. */
static double rows_work(rot_view rv, int n, int r0, int r1)
{
    int c0, c1;
    live_columns(rv, n, r0, r1, &c0, &c1);
    return 1.0 + (c1 >= c0 ? c1 - c0 + 1 : 0);
}

/* Cut the m rows into nt contiguous blocks (bounds[0..nt], multiples of
 * CHUNK) of about equal work: equal sizes for a full Z, but Z = I and its
 * first images are mostly zero, unevenly. */
static void split_rows(rot_view rv, int m, int n, int nt, int *bounds)
{
    int chunks = (m + CHUNK - 1) / CHUNK;
    double total = 0, acc = 0;
    for (int c = 0; c < chunks; c++)
        total += rows_work(rv, n, c * CHUNK, (c + 1) * CHUNK < m ? (c + 1) * CHUNK : m);
    int t = 1;
    bounds[0] = 0;
    for (int c = 0; c < chunks && t < nt; c++) {
        int r1 = (c + 1) * CHUNK < m ? (c + 1) * CHUNK : m;
        acc += rows_work(rv, n, c * CHUNK, r1);
        while (t < nt && acc >= total * t / nt)
            bounds[t++] = r1;
    }
    while (t <= nt)
        bounds[t++] = m;
}

/* Split the m rows into nthreads blocks and run them; the calling thread
 * takes the last block.  A thread that cannot be created leaves its block
 * to the caller. */
static void apply_threaded(rot_kind kind, int m, int n, int k, rot_view r, real *z, ptrdiff_t cs, int nthreads)
{
    int nt = nthreads < 1 ? 1 : nthreads > EK_FORK_JOIN_MAX ? EK_FORK_JOIN_MAX : nthreads;
    int chunks = (m + CHUNK - 1) / CHUNK;
    if (nt > chunks)
        nt = chunks;
    if (nt <= 1) {
        apply_rows(kind, 0, m, n, k, r, z, cs);
        return;
    }
    row_job jobs[EK_FORK_JOIN_MAX];
    int bounds[EK_FORK_JOIN_MAX + 1];
    split_rows(r, m, n, nt, bounds);
    for (int t = 0; t < nt; t++)
        jobs[t] = (row_job){kind, bounds[t], bounds[t + 1], n, k, r, z, cs};
    ek_fork_join(nt, row_job_run, jobs, sizeof(row_job));
}

/* Views of Z and of the tables; backward: reversed columns, i.e. index
 * i' = n-2-i, column q' = n-1-q (rows unchanged). */
static void apply_any(rot_kind kind, int m, int n, int k, rot_view rv, real *z, int ldz,
                      int backward, int nthreads)
{
    if (m <= 0 || n < 2 || k <= 0)
        return;
    ptrdiff_t cs = ldz;
    if (backward) {
        rv.pc += n - 2;
        rv.qc += n - 2;
        if (rv.rc)
            rv.rc += n - 2;
        if (rv.scale)
            rv.scale += n - 1;
        if (rv.top) {
            rv.top += n - 1;
            rv.bot += n - 1;
        }
        rv.ci = -1;
        z += (ptrdiff_t)(n - 1) * ldz;
        cs = -cs;
    }
    apply_threaded(kind, m, n, k, rv, z, cs, nthreads);
}

void EK(apply_rotation_sequences)(int m, int n, int k, const real *c, const real *s, int ldcs,
                                  real *z, int ldz, int nthreads)
{
    rot_view rv = {c, s, NULL, 1, ldcs, NULL, NULL, NULL};
    apply_any(STANDARD, m, n, k, rv, z, ldz, 0, nthreads);
}

void EK(apply_scaled_rotation_sequences)(int m, int n, int k, const real *pc, const real *qc,
                                         const real *rc, int ldcs, const real *colscale,
                                         const int *top, const int *bot, real *z, int ldz,
                                         int backward, int nthreads)
{
    /* reversed order exchanges the roles of q and r */
    rot_view rv = {pc, backward ? rc : qc, backward ? qc : rc, 1, ldcs, colscale, top, bot};
    apply_any(SCALED, m, n, k, rv, z, ldz, backward, nthreads);
}
