/*
 * bulge_chasing.c -- stage 2 of the two-stage tridiagonalization: a
 * Hermitian band matrix of bandwidth b to real symmetric tridiagonal form
 * by Householder bulge chasing, eigenvalues only (the reflectors are not
 * kept).
 *
 * The scheme of LAPACK 3.7's xSYTRD_SB2ST / xSB2ST_KERNELS (Haidar,
 * Ltaief, Dongarra, SC'11; Haidar, Luszczek, Kurzak, Dongarra, "An
 * improved parallel singular value algorithm and its implementation for
 * multicore hardware", SC'13), after Lang's and Bischof-Lang-Sun's band
 * reduction.  Sweep i makes column i tridiagonal:
 *   - a reflector H_0 from A(i+1:i+1+b, i), applied from both sides to the
 *     diagonal block D_0 = A(s_0:s_0+b, s_0:s_0+b), s_0 = i+1;
 *   - step j >= 1 with s_j = s_{j-1} + b: the block below,
 *     B_j = A(s_j:s_j+b, s_{j-1}:s_{j-1}+b), gets H_{j-1} from the right,
 *     which fills it (the bulge); a reflector H_j annihilates the first
 *     column of B_j only, is applied from the left to the rest of B_j and
 *     from both sides to D_j.
 * The part of the bulge left in B_j's other columns lies exactly in the
 * first columns of the blocks of sweep i+1, which annihilates it: every
 * step stays O(b^2) and the band never grows beyond 2b-1 subdiagonals.
 *
 * The band lives in a compact column-major array of ldab = 2b rows,
 * A(r, c) at ab[c ldab + r - c] for 0 <= r - c < 2b; read with leading
 * dimension ldab - 1 it is an ordinary column-major matrix for every entry
 * of that range (LAPACK's band-storage trick), so D_j and B_j are plain
 * small matrices, a few kilobytes each, in cache for the whole step.
 *
 * Threads pipeline the sweeps (Haidar et al.): thread t takes sweeps t,
 * t + T, t + 2T, ...  Step j of sweep i touches rows s_j .. s_j + b of
 * columns s_{j-1} .. s_j + b only, so it may run as soon as sweep i - 1
 * has finished its step j + 1; the threads follow each other two blocks
 * apart down the band, all running at once (ek_fork_join_concurrent).
 */
#include <stdatomic.h>
#include <string.h>
#include "common/target_clones.h"
#include "common/types.h"
#include "common/dot.h"
#include "common/fork_join.h"
#include "common/thread.h"
#include "common/tuning.h"
#include "dense/bulge_chasing.h"

static int imin(int x, int y) { return x < y ? x : y; }
static int imax(int x, int y) { return x > y ? x : y; }

/* The step kernels are inlined into each clone of sweep(), so that they
 * too are compiled for its instruction set. */
#if defined(__GNUC__)
#define STEP_KERNEL static inline __attribute__((always_inline))
#else
#define STEP_KERNEL static inline
#endif

int EK(band_storage_rows)(int n, int b)
{
    return 2 * imax(1, imin(b, n - 1));
}

int EK(band_pack)(int n, int b, const scalar *a, int lda, scalar *ab, int ldab)
{
    b = imax(1, imin(b, n - 1));
    if (ldab < 2 * b)
        return -1;
    for (int c = 0; c < n; c++) {
        scalar *col = ab + (size_t)c * ldab;
        int len = imin(b + 1, n - c);
        memmove(col, &EK_AT(a, lda, c, c), (size_t)len * sizeof(scalar));
        memset(col + len, 0, (size_t)(ldab - len) * sizeof(scalar));
    }
    return 0;
}

/* conj(x)^T y; for real types with eight partial sums so that it
 * vectorizes (the order of the additions is then fixed, not the
 * compiler's). */
STEP_KERNEL scalar dotc(int n, const scalar *restrict x, const scalar *restrict y)
{
#if EK_IS_COMPLEX
    scalar s = 0;
    for (int i = 0; i < n; i++)
        s += EK_CONJ(x[i]) * y[i];
    return s;
#else
    return real_dot8(n, x, y);
#endif
}

STEP_KERNEL void axpy(int n, scalar alpha, const scalar *restrict x, scalar *restrict y)
{
    for (int i = 0; i < n; i++)
        y[i] += alpha * x[i];
}

/* y += B v for the rows x cols B (leading dimension ld), four columns a
 * pass so that each entry of y is loaded and stored once per four. */
STEP_KERNEL void gemv_add(int rows, int cols, const scalar *restrict b, int ld,
                            const scalar *restrict v, scalar *restrict y)
{
    int q = 0;
    for (; q + 3 < cols; q += 4) {
        const scalar *b0 = b + (size_t)q * ld, *b1 = b0 + ld, *b2 = b1 + ld, *b3 = b2 + ld;
        scalar v0 = v[q], v1 = v[q + 1], v2 = v[q + 2], v3 = v[q + 3];
        for (int i = 0; i < rows; i++)
            y[i] += (b0[i] * v0 + b1[i] * v1) + (b2[i] * v2 + b3[i] * v3);
    }
    for (; q < cols; q++)
        axpy(rows, v[q], b + (size_t)q * ld, y);
}

/* y += alpha x and, in the same pass, return x^H v: one column of a
 * Hermitian matrix-vector product from the lower triangle. */
STEP_KERNEL scalar axpy_dotc(int n, scalar alpha, const scalar *restrict x,
                               const scalar *restrict v, scalar *restrict y)
{
#if EK_IS_COMPLEX
    scalar s = 0;
    for (int i = 0; i < n; i++) {
        y[i] += alpha * x[i];
        s += EK_CONJ(x[i]) * v[i];
    }
    return s;
#else
    real acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int i = 0;
    for (; i + 7 < n; i += 8)
        for (int k = 0; k < 8; k++) {
            y[i + k] += alpha * x[i + k];
            acc[k] += x[i + k] * v[i + k];
        }
    for (; i < n; i++) {
        y[i] += alpha * x[i];
        acc[0] += x[i] * v[i];
    }
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
#endif
}

/* A reflector from the column x (len entries, contiguous): x(0) becomes
 * beta, v (v(0) = 1) the reflector, and x(1:len) zero.  Returns tau.
 * xLARFG's formulas inline when the squares of the entries can neither
 * overflow nor lose accuracy to underflow; xLARFG itself (which rescales)
 * otherwise.  Called once per step, where the library call's overheads
 * (xNRM2, xLAPY2, xLAMCH) weigh on short columns. */
STEP_KERNEL scalar make_reflector(int len, scalar *x, scalar *v)
{
    scalar tau = 0;
    v[0] = 1;
    if (len <= 1)
        return 0;
    real ssq = 0;
    for (int i = 1; i < len; i++)
        ssq += EK_RE(x[i]) * EK_RE(x[i]) + EK_IM(x[i]) * EK_IM(x[i]);
    real ar = EK_RE(x[0]), ai = EK_IM(x[0]);
    real total = ssq + ar * ar + ai * ai;
    const real lo = EK_SAFMIN / EK_EPS, hi = EK_REAL_MAX * EK_EPS;
    if (ssq == 0 && ai == 0) {
        tau = 0;
    } else if (total >= lo && total <= hi && (ssq == 0 || ssq >= lo)) {
        real beta = ar >= 0 ? -EK_SQRT(total) : EK_SQRT(total);
#if EK_IS_COMPLEX
        __real__ tau = (beta - ar) / beta;
        __imag__ tau = -ai / beta;
        scalar diff = x[0] - beta; /* 1 / diff = conj(diff) / |diff|^2 */
        real den = EK_RE(diff) * EK_RE(diff) + EK_IM(diff) * EK_IM(diff);
        scalar scal = EK_CONJ(diff) / den;
#else
        tau = (beta - ar) / beta;
        scalar scal = 1 / (ar - beta);
#endif
        for (int i = 1; i < len; i++)
            x[i] *= scal;
        x[0] = beta;
    } else {
        xlarfg(len, x, x + 1, 1, &tau);
    }
    memcpy(v + 1, x + 1, (size_t)(len - 1) * sizeof(scalar));
    memset(x + 1, 0, (size_t)(len - 1) * sizeof(scalar));
    return tau;
}

/* w = D v for the Hermitian len x len D given by its lower triangle
 * (leading dimension ld).  Four columns a pass: their rows below the
 * 4 x 4 diagonal corner give w four column updates and four independent
 * dot products in one sweep; the corner is done entry by entry. */
STEP_KERNEL void hemv_lower(int len, const scalar *restrict d, int ld, const scalar *restrict v,
                            scalar *restrict w)
{
    memset(w, 0, (size_t)len * sizeof(scalar));
    int q = 0;
    for (; q + 3 < len; q += 4) {
        const scalar *c0 = d + (size_t)q * ld, *c1 = c0 + ld, *c2 = c1 + ld, *c3 = c2 + ld;
        scalar v0 = v[q], v1 = v[q + 1], v2 = v[q + 2], v3 = v[q + 3];
        scalar z0 = 0, z1 = 0, z2 = 0, z3 = 0;
#pragma omp simd reduction(+ : z0, z1, z2, z3)
        for (int p = q + 4; p < len; p++) {
            scalar a0 = c0[p], a1 = c1[p], a2 = c2[p], a3 = c3[p], vp = v[p];
            w[p] += (a0 * v0 + a1 * v1) + (a2 * v2 + a3 * v3);
            z0 += EK_CONJ(a0) * vp;
            z1 += EK_CONJ(a1) * vp;
            z2 += EK_CONJ(a2) * vp;
            z3 += EK_CONJ(a3) * vp;
        }
        scalar z[4] = {z0, z1, z2, z3};
        for (int k = 0; k < 4; k++) {
            const scalar *ck = d + (size_t)(q + k) * ld;
            z[k] += EK_RE(ck[q + k]) * v[q + k];
            for (int p = q + k + 1; p < q + 4; p++) {
                w[p] += ck[p] * v[q + k];
                z[k] += EK_CONJ(ck[p]) * v[p];
            }
            w[q + k] += z[k];
        }
    }
    for (; q < len; q++) {
        const scalar *col = d + (size_t)q * ld;
        w[q] += EK_RE(col[q]) * v[q] + axpy_dotc(len - q - 1, v[q], col + q + 1, v + q + 1, w + q + 1);
    }
}

/* D := H^H D H for the Hermitian len x len block D (lower triangle,
 * leading dimension ld), H = I - tau v v^H (xLARFY): with y = D v,
 *     w = tau y - (1/2) |tau|^2 (v^H y) v,   D := D - v w^H - w v^H.
 * w is len scalars of workspace. */
STEP_KERNEL void two_sided_update(int len, scalar *restrict d, int ld, const scalar *restrict v,
                                    scalar tau, scalar *restrict w)
{
    if (tau == 0)
        return;
    hemv_lower(len, d, ld, v, w);
    for (int p = 0; p < len; p++)
        w[p] *= tau;
    scalar alpha = -(real)0.5 * tau * dotc(len, w, v);
    axpy(len, alpha, v, w);
    for (int q = 0; q < len; q++) {
        scalar *col = d + (size_t)q * ld;
        scalar cw = -EK_CONJ(w[q]), cv = -EK_CONJ(v[q]);
        for (int p = q; p < len; p++)
            col[p] += v[p] * cw + w[p] * cv;
        col[q] = EK_RE(col[q]);
    }
}

/* Step j of a sweep on the rows x cols block B (leading dimension ld):
 * B := B H for the previous reflector (v, tau) (cols entries), which fills
 * B; then a reflector (vn, returned tau) from B's first column, applied
 * from the left to the other columns.  y is rows scalars of workspace. */
/* Columns c_0 .. c_3 (leading dimension ld) of a block in chase_block:
 * c_k -= tau conj(v_k) y (the right reflector), then c_k -= conj(taun)
 * (vn^H c_k) vn (the left one).  Four columns a pass give four
 * independent dot products, whose latencies then overlap. */
STEP_KERNEL void update_four_columns(int rows, scalar *restrict c, int ld,
                                       const scalar *restrict y, const scalar *restrict v,
                                       scalar tau, const scalar *restrict vn, scalar taun)
{
    scalar *c0 = c, *c1 = c + ld, *c2 = c1 + ld, *c3 = c2 + ld;
    scalar r0 = -tau * EK_CONJ(v[0]), r1 = -tau * EK_CONJ(v[1]);
    scalar r2 = -tau * EK_CONJ(v[2]), r3 = -tau * EK_CONJ(v[3]);
    scalar z0 = 0, z1 = 0, z2 = 0, z3 = 0;
#pragma omp simd reduction(+ : z0, z1, z2, z3)
    for (int i = 0; i < rows; i++) {
        /* the columns may lie closer than a vector apart for all the
         * compiler knows: updated entries stay in registers */
        scalar yi = y[i], ui = EK_CONJ(vn[i]);
        scalar t0 = c0[i] + r0 * yi, t1 = c1[i] + r1 * yi;
        scalar t2 = c2[i] + r2 * yi, t3 = c3[i] + r3 * yi;
        c0[i] = t0;
        c1[i] = t1;
        c2[i] = t2;
        c3[i] = t3;
        z0 += ui * t0;
        z1 += ui * t1;
        z2 += ui * t2;
        z3 += ui * t3;
    }
    scalar l0 = -EK_CONJ(taun) * z0, l1 = -EK_CONJ(taun) * z1;
    scalar l2 = -EK_CONJ(taun) * z2, l3 = -EK_CONJ(taun) * z3;
    for (int i = 0; i < rows; i++) {
        scalar ui = vn[i];
        c0[i] += l0 * ui;
        c1[i] += l1 * ui;
        c2[i] += l2 * ui;
        c3[i] += l3 * ui;
    }
}

STEP_KERNEL scalar chase_block(int rows, int cols, scalar *restrict b, int ld,
                                 const scalar *restrict v, scalar tau, scalar *restrict vn,
                                 scalar *restrict y)
{
    memset(y, 0, (size_t)rows * sizeof(scalar));
    if (tau != 0) {
        gemv_add(rows, cols, b, ld, v, y);
        axpy(rows, -tau, y, b);
    }
    scalar taun = make_reflector(rows, b, vn);
    int q = 1;
    for (; q + 3 < cols; q += 4)
        update_four_columns(rows, b + (size_t)q * ld, ld, y, v + q, tau, vn, taun);
    for (; q < cols; q++) {
        scalar *col = b + (size_t)q * ld;
        if (tau != 0)
            axpy(rows, -tau * EK_CONJ(v[q]), y, col);
        if (taun != 0)
            axpy(rows, -EK_CONJ(taun) * dotc(rows, vn, col), vn, col);
    }
    return taun;
}

/* ---- the pipeline's hand-over ------------------------------------ */

/* A thread's progress: (sweep << 32) + the number of its steps done, with
 * SWEEP_DONE steps once the sweep is complete; it only ever grows. */
#define SWEEP_DONE 0x7fffffffLL
typedef _Atomic long long progress;

static long long progress_value(int sweep, long long steps)
{
    return (long long)sweep * (1LL << 32) + steps;
}

static void publish(progress *mine, int sweep, long long steps)
{
    if (mine)
        atomic_store_explicit(mine, progress_value(sweep, steps), memory_order_release);
}

/* Wait until sweep i - 1, followed through *before, has done step j + 1
 * (steps 0 .. j + 1), so that step j of sweep i touches no entry it still
 * will.  Bounded: the thread ahead never waits for this one. */
static void wait_for(progress *before, int i, int j)
{
    if (!before)
        return;
    long long need = progress_value(i - 1, (long long)j + 2);
    for (unsigned spins = 0; atomic_load_explicit(before, memory_order_acquire) < need; spins++)
        if (spins % 256 == 255)
            ek_thread_yield();
}

/* Sweep i: the chain of steps from column i down to the end of the band.
 * a is the band read as a matrix with leading dimension ld = ldab - 1.
 * With a pipeline, step j waits for sweep i - 1 (before) and publishes
 * its own progress (mine). */
EK_CLONES_AVX512
static void sweep(int n, int b, int i, scalar *a, int ld, scalar *work, progress *before,
                  progress *mine)
{
    scalar *v = work, *vn = work + b, *w = work + 2 * (size_t)b;
    int s = i + 1, len = imin(b, n - s), j = 0;
    wait_for(before, i, 0);
    scalar tau = make_reflector(len, &EK_AT(a, ld, s, i), v);
    two_sided_update(len, &EK_AT(a, ld, s, s), ld, v, tau, w);
    publish(mine, i, 1);
    for (int sn = s + len; sn < n; sn += len) {
        int rows = imin(b, n - sn);
        wait_for(before, i, ++j);
        scalar taun = chase_block(rows, len, &EK_AT(a, ld, sn, s), ld, v, tau, vn, w);
        two_sided_update(rows, &EK_AT(a, ld, sn, sn), ld, vn, taun, w);
        scalar *t = v;
        v = vn;
        vn = t;
        tau = taun;
        s = sn;
        len = rows;
        publish(mine, i, j + 1);
    }
    publish(mine, i, SWEEP_DONE);
}

typedef struct {
    int n, b, ld, first, stride;
    scalar *a, *work;
    progress *before, *mine;
} chase_job;

static void *run_sweeps(void *arg)
{
    const chase_job *job = arg;
    for (int i = job->first; i < job->n - 2; i += job->stride)
        sweep(job->n, job->b, i, job->a, job->ld, job->work, job->before, job->mine);
    return NULL;
}

/* All sweeps on nt threads, thread t after thread t - 1 (mod nt).  Each
 * waits for the one before it, so they must all run at once: if they
 * cannot, the caller chases alone. */
static void chase_threaded(int n, int b, scalar *a, int ld, scalar *work, int nt)
{
    progress prog[EK_TUNE_CHASE_MAX_THREADS];
    chase_job jobs[EK_TUNE_CHASE_MAX_THREADS];
    for (int t = 0; t < nt; t++)
        atomic_init(&prog[t], progress_value(-1, SWEEP_DONE));
    for (int t = 0; t < nt; t++)
        jobs[t] = (chase_job){n, b, ld, t, nt, a, work + (size_t)t * 3 * b,
                              &prog[(t + nt - 1) % nt], &prog[t]};
    if (!ek_fork_join_concurrent(nt, run_sweeps, jobs, sizeof(chase_job))) {
        chase_job alone = {n, b, ld, 0, 1, a, work, NULL, NULL};
        run_sweeps(&alone);
    }
}

static int chase_threads(int n, int b, int nthreads)
{
    int nt = imax(1, imin(nthreads, EK_TUNE_CHASE_MAX_THREADS));
    if (n < EK_TUNE_CHASE_THREADED_MIN_ORDER || b < 2)
        return 1;
    /* each thread needs a few blocks of band to itself */
    return imin(nt, imax(1, n / (4 * b)));
}

size_t EK(band_to_tridiagonal_workspace)(int n, int b, int nthreads)
{
    b = imax(1, imin(b, n - 1));
    return 3 * (size_t)b * (size_t)chase_threads(n, b, nthreads);
}

int EK(band_to_tridiagonal)(int n, int b, scalar *ab, int ldab, real *d, real *e,
                            scalar *work, size_t lwork, int nthreads)
{
    if (n <= 0)
        return 0;
    b = imax(1, imin(b, n - 1));
    if (ldab < 2 * b || lwork < EK(band_to_tridiagonal_workspace)(n, b, nthreads))
        return -1;
    int ld = ldab - 1, nt = chase_threads(n, b, nthreads);
    if (nt > 1)
        chase_threaded(n, b, ab, ld, work, nt);
    else if (b > 1)
        for (int i = 0; i < n - 2; i++)
            sweep(n, b, i, ab, ld, work, NULL, NULL);
    for (int i = 0; i < n; i++)
        d[i] = EK_RE(ab[(size_t)i * ldab]);
    /* A complex subdiagonal entry t becomes |t| under a diagonal unitary
     * similarity, which leaves the eigenvalues alone. */
    for (int i = 0; i < n - 1; i++)
        e[i] = EK_ABS(ab[(size_t)i * ldab + 1]);
    return 0;
}
