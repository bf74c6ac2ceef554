/*
 * rotations.c -- Z := Z G(0,.) ... G(k-1,.) for k stored rotation
 * sequences, in wavefronts (Van Zee, van de Geijn, Quintana-Orti,
 * "Restructuring the tridiagonal and bidiagonal QR algorithms for
 * performance", ACM TOMS 40(3), 2014).  Conventions in rotations.h.
 *
 * Rows of Z are independent: each row r is transformed by
 *     z(r,:) := z(r,:) G(0,.) ... G(k-1,.).
 * So Z is cut into strips of VL rows (one 64-byte vector per column: a
 * cache line of a column-major Z), and on each strip the sweeps are
 * applied KB at a time in a wavefront: at step p, rotation (j, p - j) for
 * j = 0..KB-1.  This order is legal, since (j, i) needs only (j, i-1) and
 * (j-1, i+1) before it, and it touches only the columns p-KB+1 .. p+1, a
 * window held in registers: each step loads one column of the strip,
 * applies KB rotations (4 KB flop-pairs per row) and stores one column.
 * The strip, VL rows x n columns, stays in L2 while all k sweeps pass.
 *
 * Threads: nthreads contiguous row blocks, created and joined here.
 */
#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include "types.h"
#include "rotations.h"

#define KB 4 /* sweeps per wavefront pass (columns in registers: KB + 1) */

/* Rotation (j, i) of the pass: c = c[i ci + j ldcs], s = sgn s[i ci + j ldcs].
 * ci = -1, sgn = -1 express a backward sequence as a forward one on the
 * columns in reverse order: for columns (b, a) = (z_{i+1}, z_i),
 *   z_i' = c z_i + s z_{i+1},  z_{i+1}' = -s z_i + c z_{i+1}
 * reads b' = c b - s a, a' = s b + c a: the forward rule with -s. */
typedef struct {
    const real *c, *s;
    ptrdiff_t ci, ldcs;
    real sgn;
} rot_view;

#define ROT_C(r, j, i) ((r).c[(ptrdiff_t)(i) * (r).ci + (ptrdiff_t)(j) * (r).ldcs])
#define ROT_S(r, j, i) ((r).sgn * (r).s[(ptrdiff_t)(i) * (r).ci + (ptrdiff_t)(j) * (r).ldcs])

/* [a, b] := [a, b] [c -s; s c]:  a' = c a + s b,  b' = c b - s a. */
#define ROTATE(T, a, b, cc, ss)            \
    do {                                   \
        T a_ = (a);                        \
        (a) = (cc) * a_ + (ss) * (b);      \
        (b) = (cc) * (b) - (ss) * a_;      \
    } while (0)

/* Rotation (j, p - j) of the window x0..x4 = columns p-3 .. p+1, if it
 * exists: it acts on columns p-j, p-j+1, i.e. x_{3-j}, x_{4-j}. */
#define WAVE_ROT(T, j, xa, xb)                                            \
    do {                                                                  \
        int i_ = p - (j);                                                 \
        if ((j) < kk && i_ >= 0 && i_ <= n - 2)                           \
            ROTATE(T, xa, xb, ROT_C(r, j, i_), ROT_S(r, j, i_));          \
    } while (0)

/* One wavefront pass of kk <= KB sweeps over a strip of rows held in T
 * (a vector of VL rows, or one real): z points at the strip's first row
 * of column 0, column q at z + q cs.  Steps p = 0 .. n+KB-2; at step p
 * column p+1 enters the window and column p-KB+1, now final, leaves. */
#define DEFINE_WAVE_PASS(NAME, T, LOAD, STORE, ATTR)                      \
    ATTR static void NAME(int n, int kk, rot_view r, real *z, ptrdiff_t cs) \
    {                                                                     \
        T x0, x1, x2, x3, x4;                                             \
        x4 = LOAD(z);                                                     \
        x0 = x1 = x2 = x3 = x4;                                           \
        for (int p = 0; p <= n + KB - 2; p++) {                           \
            x0 = x1; x1 = x2; x2 = x3; x3 = x4;                           \
            if (p + 1 < n)                                                \
                x4 = LOAD(z + (ptrdiff_t)(p + 1) * cs);                   \
            WAVE_ROT(T, 0, x3, x4);                                       \
            WAVE_ROT(T, 1, x2, x3);                                       \
            WAVE_ROT(T, 2, x1, x2);                                       \
            WAVE_ROT(T, 3, x0, x1);                                       \
            if (p >= KB - 1)                                              \
                STORE(z + (ptrdiff_t)(p - KB + 1) * cs, x0);              \
        }                                                                 \
    }

/* ---- one row (the tail of a strip) ---- */
#define LOAD1(ptr) (*(ptr))
#define STORE1(ptr, v) (*(ptr) = (v))
DEFINE_WAVE_PASS(wave_pass_row, real, LOAD1, STORE1, )

/* ---- VL rows in one 64-byte vector (GCC/Clang vector extension) ---- */
#if defined(__GNUC__)
#define EK_HAVE_VEC 1
typedef real vreal __attribute__((vector_size(64)));
#define VL ((int)(sizeof(vreal) / sizeof(real)))
/* unaligned loads and stores (macros: no vector-valued calls) */
#define load_v(p) __extension__({ vreal v_; memcpy(&v_, (p), sizeof v_); v_; })
#define store_v(p, v) __extension__({ vreal w_ = (v); memcpy((p), &w_, sizeof w_); })
#if defined(__x86_64__) && !defined(__clang__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define EK_CLONES __attribute__((target_clones("avx512f", "avx2,fma", "default")))
#endif
#endif
#ifndef EK_CLONES
#define EK_CLONES
#endif
DEFINE_WAVE_PASS(wave_pass_vec, vreal, load_v, store_v, EK_CLONES)
#else
#define EK_HAVE_VEC 0
#define VL 1
#endif

/* The pass's view of sweeps j0 .. j0+KB-1. */
static rot_view sweeps_from(rot_view r, int j0)
{
    r.c += (ptrdiff_t)j0 * r.ldcs;
    r.s += (ptrdiff_t)j0 * r.ldcs;
    return r;
}

/* Rows r0 .. r1-1 of Z (column q at z + q cs) through all k sweeps: per
 * strip, all passes, so the strip is read from memory once. */
static void apply_rows(int r0, int r1, int n, int k, rot_view r, real *z, ptrdiff_t cs)
{
    int row = r0;
#if EK_HAVE_VEC
    for (; row + VL <= r1; row += VL)
        for (int j = 0; j < k; j += KB)
            wave_pass_vec(n, k - j < KB ? k - j : KB, sweeps_from(r, j), z + row, cs);
#endif
    for (; row < r1; row++)
        for (int j = 0; j < k; j += KB)
            wave_pass_row(n, k - j < KB ? k - j : KB, sweeps_from(r, j), z + row, cs);
}

/* A thread's share: rows r0 .. r1-1. */
typedef struct {
    int r0, r1, n, k;
    rot_view r;
    real *z;
    ptrdiff_t cs;
} row_job;

static void *row_job_run(void *arg)
{
    row_job *jb = (row_job *)arg;
    apply_rows(jb->r0, jb->r1, jb->n, jb->k, jb->r, jb->z, jb->cs);
    return NULL;
}

#define EK_MAX_THREADS 64

/* Split the m rows into nthreads blocks (multiples of VL) and run them;
 * the calling thread takes the last block.  A thread that cannot be
 * created leaves its block to the caller. */
static void apply_threaded(int m, int n, int k, rot_view r, real *z, ptrdiff_t cs, int nthreads)
{
    int nt = nthreads < 1 ? 1 : nthreads > EK_MAX_THREADS ? EK_MAX_THREADS : nthreads;
    int strips = (m + VL - 1) / VL;
    if (nt > strips)
        nt = strips;
    if (nt <= 1) {
        apply_rows(0, m, n, k, r, z, cs);
        return;
    }
    row_job jobs[EK_MAX_THREADS];
    pthread_t tid[EK_MAX_THREADS];
    int started[EK_MAX_THREADS];
    for (int t = 0; t < nt; t++) {
        int a = (int)((long long)strips * t / nt) * VL, b = (int)((long long)strips * (t + 1) / nt) * VL;
        jobs[t] = (row_job){a, b < m ? b : m, n, k, r, z, cs};
    }
    for (int t = 0; t < nt - 1; t++)
        started[t] = pthread_create(&tid[t], NULL, row_job_run, &jobs[t]) == 0;
    row_job_run(&jobs[nt - 1]);
    for (int t = 0; t < nt - 1; t++) {
        if (started[t])
            pthread_join(tid[t], NULL);
        else
            row_job_run(&jobs[t]);
    }
}

void EK(apply_rotation_sequences_dir)(int m, int n, int k, const real *c, const real *s, int ldcs,
                                      real *z, int ldz, int backward, int nthreads)
{
    if (m <= 0 || n < 2 || k <= 0)
        return;
    rot_view r = {c, s, 1, ldcs, 1};
    real *z0 = z;
    ptrdiff_t cs = ldz;
    if (backward) {
        /* reverse the columns: index i' = n-2-i, column q' = n-1-q */
        r = (rot_view){c + (n - 2), s + (n - 2), -1, ldcs, -1};
        z0 = z + (ptrdiff_t)(n - 1) * ldz;
        cs = -(ptrdiff_t)ldz;
    }
    apply_threaded(m, n, k, r, z0, cs, nthreads);
}

void EK(apply_rotation_sequences)(int m, int n, int k, const real *c, const real *s, int ldcs,
                                  real *z, int ldz, int nthreads)
{
    EK(apply_rotation_sequences_dir)(m, n, k, c, s, ldcs, z, ldz, 0, nthreads);
}
