/*
 * batched.c -- all eigenvalues (optionally eigenvectors) of a stack of
 * small Hermitian matrices: cyclic Jacobi with a threshold, several
 * matrices in lockstep, for the smallest orders; Householder
 * tridiagonalization and implicit QR, one matrix at a time, beyond.
 *
 * References:
 *   H. Rutishauser, "The Jacobi method for real symmetric matrices",
 *     Numer. Math. 9 (1966) 1-10: the cyclic sweep and the rotation that
 *     takes the smaller angle.
 *   J. Demmel and K. Veselic, "Jacobi's method is more accurate than QR",
 *     SIAM J. Matrix Anal. Appl. 13 (1992) 1204-1245: the stopping test
 *     |a_pq| <= tol sqrt(|a_pp a_qq|), under which dropping a_pq perturbs
 *     the eigenvalues of the pair by a tiny fraction of their own size.
 *   H. Bowdler, R. S. Martin, C. Reinsch, J. H. Wilkinson, "The QR and QL
 *     algorithms for symmetric matrices", Numer. Math. 11 (1968) 293-306,
 *     and LAPACK's xSYTD2 / xSTEQR / xSTERF: the tridiagonal route
 *     (tridiagonal_qr.c holds the QR part).
 *   LAPACK's xSYEV / xHEEV solve the same problem one matrix at a time;
 *     the tests compare with them and use LAPACK's test ratios.
 *
 * Why two methods.  For a few rows, a library call per matrix and the
 * bookkeeping of the tridiagonal reduction cost more than the arithmetic.
 * A Jacobi sweep is a few short loops instead, and its cost is first the
 * latency of each rotation's square roots and division, on which the
 * next rotation waits.  Jacobi therefore runs a block of matrices in
 * lockstep: GROUPS groups of LANES, a lane of a 32-byte vector register
 * each (16 matrices in double precision, 32 in single).  Every pair (p, q)
 * is visited in all of them at once: the loops over the lanes are vector
 * instructions, and the groups' chains of square roots overlap.  Its work
 * grows as about 7 sweeps of 3 n^3 flops (twice that with vectors)
 * against 4/3 n^3 (about 9 n^3) for the tridiagonal route, which wins
 * from a dozen or two rows on; the crossover is the caller's (a tunable),
 * and a stack too short to fill half a block, a single matrix above all,
 * takes the tridiagonal route at any order.
 *
 * One matrix: the chosen triangle is copied into a full Hermitian n x n
 * work matrix W (column-major), scaled by a power of two so that its
 * largest entry lies in [1/2, 1): an exact scaling after which the
 * thresholds below are plain constants and no square over- or underflows.
 *
 * Jacobi.  A rotation in the plane (p, q) zeroes W_pq.  Writing b = W_pq,
 * r = |b| and u = b / r (a sign for real W), the unitary
 *     G = diag(1, conj(u)) [  c  s ]
 *                          [ -s  c ]
 * reduces the 2 x 2 problem to the real one [[a_pp, r], [r, a_qq]], whose
 * rotation is Rutishauser's: theta = (a_qq - a_pp) / (2 r),
 * t = sign(theta) / (|theta| + sqrt(1 + theta^2)), c = 1 / sqrt(1 + t^2),
 * s = t c, and a_pp' = a_pp - t r, a_qq' = a_qq + t r exactly in exact
 * arithmetic; these formulas, not the rotated entries, give the new
 * diagonal.  W := W G rotates columns p and q; rows p and q of G^H W G
 * are then the conjugates of those columns, which is how they are
 * written.  V := V G accumulates the eigenvectors.
 *
 * A pair is rotated when |W_pq| > eps max(sqrt|a_pp a_qq|, eps): the
 * Demmel-Veselic test, with a floor of eps^2 ||W|| so that entries below
 * every eigenvalue's accuracy are not rotated forever in rounding noise.
 * A sweep without a rotation ends the iteration; convergence is
 * quadratic, and at most EK_BATCHED_MAX_SWEEPS sweeps are made.  Dropping
 * W_pq costs at most eps ||W|| of backward error and the rotations are
 * orthogonal to working precision: the errors are those of LAPACK.
 *
 * Lockstep.  A lane that does not rotate at (p, q), or has converged,
 * keeps its entries: the rotated values are computed for every lane and
 * the old ones selected back where the lane does not rotate (a rotation
 * by the identity would not do: 1 x - 0 y can turn -0 into +0).  So each
 * matrix goes through exactly the arithmetic it would alone, and its
 * results do not depend on the matrices it shares a group with, hence
 * not on the thread count.
 *
 * Tridiagonal route: Householder reflectors in full storage (both
 * triangles updated, so that every product runs down contiguous
 * columns), then root-free QR for eigenvalues only, or implicit QR whose
 * rotations go straight to the eigenvectors (from order
 * EK_TUNE_DC_CROSSOVER on, divide and conquer, as for larger matrices),
 * transformed back by the reflectors.
 *
 * Input with NaN or Inf never enters an iteration: the load finds it, and
 * the matrix's results are NaN (a 1 x 1 matrix is its own eigenvalue,
 * whatever its value, as in LAPACK).
 */
#include <stdint.h>
#include <string.h>
#include "common/target_clones.h"
#include "common/types.h"
#include "common/fork_join.h"
#include "common/dot.h"
#include "dense/batched.h"
#include "tridiagonal/tridiagonal_qr.h"
#include "tridiagonal/divide_conquer.h"
#include "common/tuning.h"

#if defined(EK_PREC_S) || defined(EK_PREC_C)
#define EK_FREXP(x, e) frexpf(x, e)
#define EK_LDEXP(x, e) ldexpf(x, e)
#define EK_NAN nanf("")
#else
#define EK_FREXP(x, e) frexp(x, e)
#define EK_LDEXP(x, e) ldexp(x, e)
#define EK_NAN nan("")
#endif

/* The loops over columns and lanes run in clones for AVX2 with FMA and
 * for the baseline, chosen at run time; the functions they call are
 * inlined into each clone.  Every thread runs the same clone, so results
 * do not depend on the thread count. */

/* Matrices Jacobi takes in lockstep: GROUPS groups of LANES, one
 * 32-byte register of reals per group. */
#define LANES ((int)(32 / sizeof(real)))
#define GROUPS 4
#define BLOCK (GROUPS * LANES)

/* Entry (i, j) of the n x n column-major W. */
#define W_(i, j) w_[(size_t)(j) * (size_t)n + (size_t)(i)]
/* The lane vector of group 0 for entry (i, j) of the lockstep planes; the
 * other groups' follow it.  Columns are n + 1 entries apart: with n a
 * power of two the rows, n apart, would all fall into a few cache sets. */
#define PLANE_LD(n) ((size_t)(n) + 1)
#define AT(i, j) (((size_t)(j) * PLANE_LD(n) + (size_t)(i)) * GROUPS)
#define PLANE_LANES(n) ((size_t)(n) * PLANE_LD(n) * GROUPS)

static size_t align_up(size_t bytes)
{
    const size_t a = 64;
    return (bytes + a - 1) / a * a;
}

/* |x|^2 */
EK_ALWAYS_INLINE real abs2(scalar x)
{
#if EK_IS_COMPLEX
    return EK_RE(x) * EK_RE(x) + EK_IM(x) * EK_IM(x);
#else
    return x * x;
#endif
}

/* max(|Re x|, |Im x|): within a factor sqrt 2 of |x|, enough for scaling,
 * and NaN when x is. */
static real abs_max(scalar x)
{
    real m = EK_FABS(EK_RE(x));
#if EK_IS_COMPLEX
    real i = EK_FABS(EK_IM(x));
    if (i > m || i != i)
        m = i;
#endif
    return m;
}

/* ---------------------------------------------------------------------------
 * Loading one matrix */

/* Largest abs_max over the triangle read; NaN if an entry is NaN, Inf if
 * an entry is infinite. */
static real triangle_max(int n, const scalar *a, ek_stack_layout in, int lower)
{
    real amax = 0;
    for (int j = 0; j < n; j++)
        for (int i = lower ? j : 0; i < (lower ? n : j + 1); i++) {
            real x = abs_max(a[i * in.row + j * in.col]);
            if (x != x)
                return x;
            if (x > amax)
                amax = x;
        }
    return amax;
}

/* The exponent e with 2^-e amax in [1/2, 1) (0 for amax = 0). */
static int scale_exponent(real amax)
{
    int e = 0;
    if (amax > 0)
        EK_FREXP(amax, &e);
    return e;
}

/* Entry (i, j), i > j, of the Hermitian matrix at a: read from the lower
 * triangle, or conjugated from the upper one. */
static scalar lower_entry(const scalar *a, ek_stack_layout in, int lower, int i, int j)
{
    return lower ? a[i * in.row + j * in.col] : EK_CONJ(a[j * in.row + i * in.col]);
}

/* W (n x n) := the full Hermitian matrix from the triangle read, times
 * sigma (a power of two: exact).  The diagonal's imaginary parts are
 * ignored, as LAPACK does. */
static void load_scaled(int n, const scalar *a, ek_stack_layout in, int lower, real sigma,
                        scalar *w_)
{
    for (int j = 0; j < n; j++) {
        W_(j, j) = sigma * EK_RE(a[j * in.row + j * in.col]);
        for (int i = j + 1; i < n; i++) {
            scalar x = sigma * lower_entry(a, in, lower, i, j);
            W_(i, j) = x;
            W_(j, i) = EK_CONJ(x);
        }
    }
}

/* ---------------------------------------------------------------------------
 * Jacobi, BLOCK matrices in lockstep.  They are held as planes of lane
 * vectors: entry (i, j) of the matrices of group k is the vector
 * re[AT(i, j) + k] (and, complex, im[AT(i, j) + k]), a lane per matrix.
 * The functions are inlined into jacobi_any's cases, so that for the
 * smallest orders n is a constant and the loops unroll. */

/* The lane functions below take and return vectors, but all of them are
 * inlined: no vector crosses a call, and the baseline clone's ABI for
 * 32-byte vectors (GCC's -Wpsabi note) never comes into play. */
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

typedef real lane __attribute__((vector_size(LANES * sizeof(real))));
#if defined(EK_PREC_S) || defined(EK_PREC_C)
typedef int lane_bits __attribute__((vector_size(LANES * sizeof(real))));
#else
typedef long long lane_bits __attribute__((vector_size(LANES * sizeof(real))));
#endif

EK_ALWAYS_INLINE lane splat(real x) { return (lane){0} + x; }

/* a where the mask is set, b elsewhere: a selection, never arithmetic,
 * so that a lane keeps its bits exactly. */
EK_ALWAYS_INLINE lane select_lanes(lane_bits m, lane a, lane b)
{
    return (lane)(((lane_bits)a & m) | ((lane_bits)b & ~m));
}

EK_ALWAYS_INLINE lane sqrt_lanes(lane x)
{
    lane r;
    for (int l = 0; l < LANES; l++)
        r[l] = EK_SQRT(x[l]);
    return r;
}

EK_ALWAYS_INLINE lane abs_lanes(lane x) { return select_lanes(x < 0, -x, x); }

EK_ALWAYS_INLINE int any_lane(lane_bits m)
{
    int any = 0;
    for (int l = 0; l < LANES; l++)
        any |= m[l] != 0;
    return any;
}

/* The rotations of one pair (p, q), a lane each: tr = t r (t = tan of
 * the rotation angle, r = |W_pq|), c, s, cu = c conj(u), su = s conj(u);
 * `on` is set in the lanes that rotate. */
typedef struct {
    lane_bits on;
    lane tr, c, s, cur, sur;
#if EK_IS_COMPLEX
    lane cui, sui;
#endif
} lane_rotation;

/* The rotations zeroing W_pq = b = br + i bi where |b| > eps
 * max(sqrt|app aqq|, eps) (the test of the header), for the real problems
 * [[app, r], [r, aqq]]: with delta = aqq - app, h = sqrt(delta^2 + 4 r^2)
 * and g = |delta| + h, Rutishauser's t is sign(delta) 2 r / g, and since
 * g^2 + 4 r^2 = 2 h g, c = 1 / sqrt(1 + t^2) = g / sqrt(2 h g), s = t c:
 * two square roots and a division in a row where the textbook order
 * takes three of each.  sign(0) = +1.  After scaling r > eps^2 and
 * |delta| <= 2 n, so nothing over- or underflows; the lanes that do not
 * rotate compute with the stand-in b = 1.  Returns whether a lane
 * rotates. */
EK_ALWAYS_INLINE int plan_rotation(lane app, lane aqq, lane br, lane bi, lane_rotation *g)
{
    const real eps2 = EK_EPS * EK_EPS;
    const lane one = splat(1);
#if EK_IS_COMPLEX
    lane r2 = br * br + bi * bi;
#else
    lane r2 = br * br;
    (void)bi;
#endif
    lane size2 = abs_lanes(app * aqq);
    g->on = r2 > eps2 * select_lanes(size2 > eps2, size2, splat(eps2));
    if (!any_lane(g->on))
        return 0;
    br = select_lanes(g->on, br, one);
    r2 = select_lanes(g->on, r2, one);
    lane delta = aqq - app;
    lane sign = select_lanes(delta < 0, -one, one);
    lane h = sqrt_lanes(delta * delta + 4 * r2);
    lane gg = abs_lanes(delta) + h;
    lane inv_m = 1 / sqrt_lanes(2 * h * gg);
    lane k = 2 * sign * inv_m;
    g->c = gg * inv_m;
    g->tr = 2 * sign * r2 / gg;
    g->sur = k * br;
    /* conj(u) = conj(b) / r, off the chain above: sign(b) when real */
#if EK_IS_COMPLEX
    bi = select_lanes(g->on, bi, splat(0));
    lane r = sqrt_lanes(r2), inv_r = 1 / r;
    g->s = k * r;
    g->sui = -k * bi;
    g->cur = g->c * (br * inv_r);
    g->cui = -g->c * (bi * inv_r);
#else
    g->s = k * abs_lanes(br);
    g->cur = select_lanes(br < 0, -g->c, g->c);
#endif
    return 1;
}

/* x' = c x - su y, y' = s x + cu y for one row of lanes (a, ai), (b, bi);
 * real matrices have no imaginary parts, and ni, mi are not used. */
EK_ALWAYS_INLINE void rotate_row(const lane_rotation *g, lane a, lane ai, lane b, lane bi,
                                 lane *nr, lane *ni, lane *mr, lane *mi)
{
#if EK_IS_COMPLEX
    *nr = g->c * a - (g->sur * b - g->sui * bi);
    *ni = g->c * ai - (g->sur * bi + g->sui * b);
    *mr = g->s * a + (g->cur * b - g->cui * bi);
    *mi = g->s * ai + (g->cur * bi + g->cui * b);
#else
    (void)ai;
    (void)bi;
    *nr = g->c * a - g->sur * b;
    *mr = g->s * a + g->cur * b;
    *ni = *mi = a;
#endif
}

/* Columns [x, y] := [x, y] G over the n rows (GROUPS lane vectors apart),
 * in the lanes that rotate; without selections when all of them do.
 * When prow is not NULL (W, not V), x and y are columns p and q of the
 * Hermitian W and its rows p and q, at prow and qrow (n GROUPS lane
 * vectors apart), receive the conjugates of the new columns as they are
 * made.  Those writes land in columns other than p and q, except in the
 * 2 x 2 block, whose rotated values set_block replaces anyway. */
EK_ALWAYS_INLINE void rotate_lanes(int n, lane *xr, lane *yr, lane *xi, lane *yi,
                                   lane *prow, lane *qrow, lane *pim, lane *qim,
                                   const lane_rotation *g, int all)
{
    const size_t ld = PLANE_LD(n) * GROUPS;
    for (size_t i = 0, r = 0; i < (size_t)n * GROUPS; i += GROUPS, r += ld) {
        lane a = xr[i], b = yr[i], ai = a, bi = b, nr, ni, mr, mi;
#if EK_IS_COMPLEX
        ai = xi[i];
        bi = yi[i];
#endif
        rotate_row(g, a, ai, b, bi, &nr, &ni, &mr, &mi);
        if (!all) {
            nr = select_lanes(g->on, nr, a);
            mr = select_lanes(g->on, mr, b);
            ni = select_lanes(g->on, ni, ai);
            mi = select_lanes(g->on, mi, bi);
        }
        xr[i] = nr;
        yr[i] = mr;
#if EK_IS_COMPLEX
        xi[i] = ni;
        yi[i] = mi;
#endif
        if (prow) {
            prow[r] = nr;
            qrow[r] = mr;
#if EK_IS_COMPLEX
            pim[r] = -ni;
            qim[r] = -mi;
#endif
        }
    }
#if !EK_IS_COMPLEX
    (void)xi;
    (void)yi;
    (void)pim;
    (void)qim;
#endif
}

/* The 2 x 2 block (p, q) after the rotation: its new diagonal by the
 * formulas, zero off the diagonal; the old values where a lane did not
 * rotate (app, aqq, br, bi: the block before the rotation).  The
 * diagonal's imaginary parts stay zero. */
EK_ALWAYS_INLINE void set_block(int n, lane *re, lane *im, int p, int q, lane app, lane aqq,
                                lane br, lane bi, const lane_rotation *g)
{
    const lane zero = splat(0);
    re[AT(p, p)] = select_lanes(g->on, app - g->tr, app);
    re[AT(q, q)] = select_lanes(g->on, aqq + g->tr, aqq);
    re[AT(p, q)] = select_lanes(g->on, zero, br);
    re[AT(q, p)] = select_lanes(g->on, zero, br);
#if EK_IS_COMPLEX
    im[AT(p, p)] = zero;
    im[AT(q, q)] = zero;
    im[AT(p, q)] = select_lanes(g->on, zero, bi);
    im[AT(q, p)] = select_lanes(g->on, zero, -bi);
#else
    (void)im;
    (void)bi;
#endif
}

/* The rotation of one group at (p, q), then its application: the
 * matrices (wr, wi) point at the group's lanes, (vr, vi) too unless vr is
 * NULL; *rotations is decreased by one in every lane that rotates. */
EK_ALWAYS_INLINE void apply_rotation(int n, lane *wr, lane *wi, lane *vr, lane *vi, int p,
                                     int q, const lane_rotation *g, lane app, lane aqq, lane br,
                                     lane bi, lane_bits *rotations)
{
    int all = !any_lane(~g->on);
    *rotations += g->on;
#if EK_IS_COMPLEX
    rotate_lanes(n, wr + AT(0, p), wr + AT(0, q), wi + AT(0, p), wi + AT(0, q), wr + AT(p, 0),
                 wr + AT(q, 0), wi + AT(p, 0), wi + AT(q, 0), g, all);
#else
    rotate_lanes(n, wr + AT(0, p), wr + AT(0, q), NULL, NULL, wr + AT(p, 0), wr + AT(q, 0),
                 NULL, NULL, g, all);
#endif
    set_block(n, wr, wi, p, q, app, aqq, br, bi, g);
    if (vr)
        rotate_lanes(n, vr + AT(0, p), vr + AT(0, q), EK_IS_COMPLEX ? vi + AT(0, p) : NULL,
                     EK_IS_COMPLEX ? vi + AT(0, q) : NULL, NULL, NULL, NULL, NULL, g, all);
}

/* One cyclic sweep over the pairs p < q, by rows, of the GROUPS groups
 * of matrices (wr, wi), the rotations accumulated into (vr, vi) unless vr
 * is NULL; rotations[g] counts down the rotations of group g's lanes.
 * The groups' rotations are planned one after the other, then applied:
 * their chains of square roots and divisions overlap. */
EK_ALWAYS_INLINE void jacobi_sweep(int n, lane *wr, lane *wi, lane *vr, lane *vi,
                                   lane_bits *rotations)
{
    lane_rotation g[GROUPS];
    lane app[GROUPS], aqq[GROUPS], br[GROUPS], bi[GROUPS];
    int on[GROUPS];
    for (int p = 0; p < n - 1; p++)
        for (int q = p + 1; q < n; q++) {
            for (int k = 0; k < GROUPS; k++) {
                app[k] = wr[AT(p, p) + k];
                aqq[k] = wr[AT(q, q) + k];
                br[k] = wr[AT(p, q) + k];
#if EK_IS_COMPLEX
                bi[k] = wi[AT(p, q) + k];
#else
                bi[k] = br[k];
#endif
                on[k] = plan_rotation(app[k], aqq[k], br[k], bi[k], &g[k]);
            }
            for (int k = 0; k < GROUPS; k++)
                if (on[k])
                    apply_rotation(n, wr + k, EK_IS_COMPLEX ? wi + k : NULL, vr ? vr + k : NULL,
                                   EK_IS_COMPLEX && vr ? vi + k : NULL, p, q, &g[k], app[k],
                                   aqq[k], br[k], bi[k], &rotations[k]);
        }
}

/* Sweeps until one makes no rotation in any lane.  A lane that had such a
 * sweep is unchanged by the later ones.  failed[t] = 1 for the matrices
 * (t = k LANES + l for lane l of group k) still rotating after
 * EK_BATCHED_MAX_SWEEPS sweeps, else 0. */
EK_ALWAYS_INLINE void jacobi(int n, lane *wr, lane *wi, lane *vr, lane *vi, int *failed)
{
    lane_bits rotations[GROUPS];
    for (int sweep = 0; sweep < EK_BATCHED_MAX_SWEEPS; sweep++) {
        int busy = 0;
        for (int k = 0; k < GROUPS; k++)
            rotations[k] = (lane_bits){0};
        jacobi_sweep(n, wr, wi, vr, vi, rotations);
        for (int k = 0; k < GROUPS; k++)
            busy |= any_lane(rotations[k]);
        if (!busy)
            break;
    }
    for (int k = 0; k < GROUPS; k++)
        for (int l = 0; l < LANES; l++)
            failed[k * LANES + l] = rotations[k][l] != 0;
}

/* jacobi with n a compile-time constant for the orders where unrolling
 * pays (8: a stack of the size the tunable's measurements use, 7 % faster
 * unrolled), and without the eigenvector branch when vr is NULL. */
static EK_CLONES_AVX2 void jacobi_any(int n, lane *wr, lane *wi, lane *vr, lane *vi, int *failed)
{
    if (vr) {
        switch (n) {
        case 2: jacobi(2, wr, wi, vr, vi, failed); return;
        case 3: jacobi(3, wr, wi, vr, vi, failed); return;
        case 4: jacobi(4, wr, wi, vr, vi, failed); return;
        case 8: jacobi(8, wr, wi, vr, vi, failed); return;
        default: jacobi(n, wr, wi, vr, vi, failed); return;
        }
    }
    switch (n) {
    case 2: jacobi(2, wr, wi, NULL, NULL, failed); return;
    case 3: jacobi(3, wr, wi, NULL, NULL, failed); return;
    case 4: jacobi(4, wr, wi, NULL, NULL, failed); return;
    case 8: jacobi(8, wr, wi, NULL, NULL, failed); return;
    default: jacobi(n, wr, wi, NULL, NULL, failed); return;
    }
}

/* ---------------------------------------------------------------------------
 * Householder tridiagonalization and implicit QR */

/* The reflector H = I - tau v v^H with H^H [alpha; x] = [beta; 0], beta
 * real (LAPACK's xLARFG): beta = -sign(Re alpha) ||[alpha; x]||,
 * tau = (beta - alpha) / beta, v = [1; x / (alpha - beta)].  x[0] holds
 * alpha on entry, 1 on exit, and x[1:] becomes v[1:].  H = I (tau = 0,
 * beta = Re alpha) when there is nothing to annihilate.  The matrix is
 * scaled (largest entry in [1/2, 1)): the plain sum of squares neither
 * overflows nor loses anything but entries below sqrt(safmin). */
EK_ALWAYS_INLINE scalar make_reflector(int len, scalar *x, real *beta)
{
    scalar alpha = x[0];
    real xnorm2 = 0;
    for (int i = 1; i < len; i++)
        xnorm2 += abs2(x[i]);
    real nrm = EK_SQRT(abs2(alpha) + xnorm2);
    x[0] = 1;
    if ((xnorm2 == 0 && EK_IM(alpha) == 0) || nrm == 0) {
        *beta = EK_RE(alpha);
        return 0;
    }
    real b = EK_RE(alpha) >= 0 ? -nrm : nrm;
    scalar scale = 1 / (alpha - b);
    for (int i = 1; i < len; i++)
        x[i] *= scale;
    *beta = b;
    return (b - alpha) / b;
}

/* B := H^H B H for the trailing len x len block B (full Hermitian,
 * leading dimension ld), H = I - tau v v^H: with y = tau B v and
 * w = y - (1/2) tau (y^H v) v, H^H B H = B - v w^H - w v^H (as in
 * tridiagonalize.c).  Both triangles are updated, so that the next
 * product B v runs down contiguous columns. */
EK_ALWAYS_INLINE void reflect_trailing(int len, scalar *b, int ld, const scalar *v, scalar tau,
                                      scalar *y)
{
    for (int i = 0; i < len; i++)
        y[i] = 0;
    for (int j = 0; j < len; j++) {
        const scalar *col = b + (size_t)j * ld;
        scalar vj = tau * v[j];
        for (int i = 0; i < len; i++)
            y[i] += col[i] * vj;
    }
    scalar alpha = -(real)0.5 * tau * dot_conj(len, y, v);
    for (int i = 0; i < len; i++)
        y[i] += alpha * v[i];
    for (int j = 0; j < len; j++) {
        scalar *col = b + (size_t)j * ld;
        scalar wj = EK_CONJ(y[j]), vj = EK_CONJ(v[j]);
        for (int i = 0; i < len; i++)
            col[i] -= v[i] * wj + y[i] * vj;
        col[j] = EK_RE(col[j]);
    }
}

/* W = Q T Q^H, T real tridiagonal (d, e), Q = H(0) ... H(n-2) with H(c)
 * in W(c+1:n, c) and tau[c]; y holds n scalars. */
static EK_CLONES_AVX2 void tridiagonalize_small(int n, scalar *w_, real *d, real *e, scalar *tau,
                                                scalar *y)
{
    for (int c = 0; c < n - 1; c++) {
        int len = n - c - 1;
        tau[c] = make_reflector(len, &W_(c + 1, c), &e[c]);
        /* a reflector of order 1 only turns the phase of e[c]: the 1 x 1
         * trailing block, being real, is unchanged */
        if (tau[c] != 0 && len > 1)
            reflect_trailing(len, &W_(c + 1, c + 1), n, &W_(c + 1, c), tau[c], y);
        d[c] = EK_RE(W_(c, c));
    }
    d[n - 1] = EK_RE(W_(n - 1, n - 1));
}

/* Z := Q Z for the n x n Z, reflectors as tridiagonalize_small left them,
 * the last applied first. */
static EK_CLONES_AVX2 void apply_reflectors_small(int n, const scalar *w_, const scalar *tau,
                                                  scalar *z)
{
    for (int c = n - 2; c >= 0; c--) {
        if (tau[c] == 0)
            continue;
        int len = n - c - 1;
        const scalar *v = &W_(c + 1, c);
        for (int k = 0; k < n; k++) {
            scalar *col = z + (size_t)k * n + c + 1;
            scalar s = tau[c] * dot_conj(len, v, col);
            for (int i = 0; i < len; i++)
                col[i] -= s * v[i];
        }
    }
}

/* ---------------------------------------------------------------------------
 * Results */

/* perm := the indices of d in ascending order of value (insertion sort:
 * stable, and n is small). */
static void sort_ascending(int n, const real *d, int *perm)
{
    for (int j = 0; j < n; j++) {
        int i = j;
        while (i > 0 && d[perm[i - 1]] > d[j]) {
            perm[i] = perm[i - 1];
            i--;
        }
        perm[i] = j;
    }
}

/* w := d[perm] unscaled, and column j of v := column perm[j] of the n x n
 * vw: the eigenpairs in ascending order. */
static void store_permuted(int n, const real *d, const int *perm, const scalar *vw,
                           real unscale, real *w, scalar *v, ek_stack_layout out)
{
    for (int j = 0; j < n; j++)
        w[j] = d[perm[j]] * unscale;
    if (!v)
        return;
    for (int j = 0; j < n; j++) {
        const scalar *col = vw + (size_t)perm[j] * (size_t)n;
        for (int i = 0; i < n; i++)
            v[i * out.row + j * out.col] = col[i];
    }
}

static void store_nan(int n, real *w, scalar *v, ek_stack_layout out)
{
    for (int j = 0; j < n; j++)
        w[j] = EK_NAN;
    if (v)
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                v[i * out.row + j * out.col] = EK_NAN;
}

/* ---------------------------------------------------------------------------
 * The stack, a thread's share of it, and the workspace */

typedef struct {
    int n, lower, want_vectors, lockstep;
    const scalar *a;
    ek_stack_layout in, out;
    real *w;
    scalar *v;
} batch;

/* A thread's workspace: W and V (BLOCK n x n matrices each in lockstep
 * planes for Jacobi, one n x n each for the tridiagonal route); the
 * tridiagonal T (d, e), the reflectors' tau and a vector y; T's
 * eigenvectors zt (n x n real); the order of the eigenvalues; from order
 * EK_TUNE_DC_CROSSOVER on, divide and conquer's reals and ints. */
typedef struct {
    scalar *w_, *vw, *tau, *y;
    real *d, *e, *zt, *dcw;
    int *perm, *dciw;
} scratch;

/* Whether the tridiagonal route takes T's eigenvectors from divide and
 * conquer rather than QR (as tridiagonal_eigen.c decides). */
static int uses_divide_conquer(int n, int lockstep)
{
    return !lockstep && n >= EK_TUNE_DC_CROSSOVER;
}

/* Carve the pieces of scratch for order n (in lockstep or not) out of
 * base (NULL: only count), from its first 64-byte boundary on (the planes
 * hold vectors); returns the bytes used. */
static size_t scratch_layout(char *base, int n, int lockstep, scratch *s)
{
    size_t nn = (size_t)n * (size_t)n, off = 0;
    size_t nw = lockstep ? PLANE_LANES(n) * LANES : nn;
    if (base)
        base += (64 - (uintptr_t)base % 64) % 64;
#define EK_PIECE(field, type, count)                                   \
    s->field = base ? (type *)(void *)(base + off) : NULL;             \
    off += align_up((size_t)(count) * sizeof(type));
    EK_PIECE(w_, scalar, nw)
    EK_PIECE(vw, scalar, nw)
    EK_PIECE(tau, scalar, n)
    EK_PIECE(y, scalar, n)
    EK_PIECE(d, real, n)
    EK_PIECE(e, real, n)
    EK_PIECE(zt, real, lockstep ? 0 : nn)
    EK_PIECE(perm, int, n)
    int dc = uses_divide_conquer(n, lockstep);
    EK_PIECE(dcw, real, dc ? EK_REAL(divide_conquer_workspace)(n) : 0)
    EK_PIECE(dciw, int, dc ? EK_REAL(divide_conquer_iworkspace)(n) : 0)
#undef EK_PIECE
    return off + 64;
}

/* Whether count matrices of order n go to Jacobi in lockstep: small
 * enough orders, and enough matrices to fill half a block (one matrix in
 * an otherwise empty block waits for every latency alone, and the
 * tridiagonal route is then faster). */
static int uses_jacobi(int n, int jacobi_max, ptrdiff_t count)
{
    return n > 1 && n <= jacobi_max && count >= BLOCK / 2;
}

static size_t scratch_bytes(int n, int lockstep)
{
    scratch s;
    return scratch_layout(NULL, n, lockstep, &s);
}

/* Z_T real into V (n x n scalars). */
static void widen(int n, const real *zt, scalar *vw)
{
    for (size_t i = 0; i < (size_t)n * n; i++)
        vw[i] = zt[i];
}

/* The scratch's W (n x n, scaled) by tridiagonalization and QR (or, for
 * the vectors from order EK_TUNE_DC_CROSSOVER on, divide and conquer):
 * the eigenvalues ascending into d and, if want_vectors, the eigenvectors
 * into vw.  Returns 0, or 1 if the tridiagonal solver did not converge. */
static int by_tridiagonal(int n, const scratch *s, int want_vectors)
{
    tridiagonalize_small(n, s->w_, s->d, s->e, s->tau, s->y);
    if (!want_vectors)
        return EK_REAL(tridiagonal_eigvals)(n, s->d, s->e) != 0;
    if (uses_divide_conquer(n, 0)) {
        if (EK_REAL(divide_conquer)(n, s->d, s->e, s->zt, n, s->dcw,
                                    EK_REAL(divide_conquer_workspace)(n), s->dciw,
                                    EK_REAL(divide_conquer_iworkspace)(n), 1) != 0)
            return 1;
    } else {
        memset(s->zt, 0, (size_t)n * n * sizeof(real));
        for (int i = 0; i < n; i++)
            s->zt[(size_t)i * n + i] = 1;
        if (EK_REAL(tridiagonal_qr_small)(n, s->d, s->e, s->zt, n) != 0)
            return 1;
    }
    widen(n, s->zt, s->vw);
    apply_reflectors_small(n, s->w_, s->tau, s->vw);
    return 0;
}

/* Where matrix k of the stack starts, its eigenvalues, its eigenvectors
 * (NULL without). */
static const scalar *matrix_in(const batch *b, ptrdiff_t k) { return b->a + k * b->in.matrix; }
static real *values_out(const batch *b, ptrdiff_t k) { return b->w + k * (ptrdiff_t)b->n; }
static scalar *vectors_out(const batch *b, ptrdiff_t k)
{
    return b->want_vectors ? b->v + k * b->out.matrix : NULL;
}

/* A 1 x 1 matrix: its entry, and the vector 1. */
static void solve_one_by_one(const batch *b, ptrdiff_t k)
{
    *values_out(b, k) = EK_RE(*matrix_in(b, k));
    if (b->want_vectors)
        *vectors_out(b, k) = 1;
}

/* Matrix t of the lockstep planes (re, im) := the matrix at a as
 * load_scaled reads it (im is NULL for real matrices). */
static void load_lane(int n, const scalar *a, ek_stack_layout in, int lower, real sigma,
                      lane *re, lane *im, int t)
{
    const int k = t / LANES, l = t % LANES;
    for (int j = 0; j < n; j++) {
        re[AT(j, j) + k][l] = sigma * EK_RE(a[j * in.row + j * in.col]);
        for (int i = j + 1; i < n; i++) {
            scalar x = sigma * lower_entry(a, in, lower, i, j);
            re[AT(i, j) + k][l] = EK_RE(x);
            re[AT(j, i) + k][l] = EK_RE(x);
#if EK_IS_COMPLEX
            im[AT(i, j) + k][l] = EK_IM(x);
            im[AT(j, i) + k][l] = -EK_IM(x);
#else
            (void)im;
#endif
        }
    }
}

/* The eigenvalues of matrix t of the planes (unscaled) into w and its
 * eigenvectors (planes vr, vi; NULL without) into v, in ascending order
 * of eigenvalue. */
static void store_lane(int n, const lane *wr, const lane *vr, const lane *vi, int t,
                       real unscale, const scratch *s, real *w, scalar *v, ek_stack_layout out)
{
    const int k = t / LANES, l = t % LANES;
    for (int i = 0; i < n; i++)
        s->d[i] = wr[AT(i, i) + k][l];
    sort_ascending(n, s->d, s->perm);
    for (int j = 0; j < n; j++)
        w[j] = s->d[s->perm[j]] * unscale;
    if (!v)
        return;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            scalar x = vr[AT(i, s->perm[j]) + k][l];
#if EK_IS_COMPLEX
            x += vi[AT(i, s->perm[j]) + k][l] * (scalar)I;
#else
            (void)vi;
#endif
            v[i * out.row + j * out.col] = x;
        }
}

/* Matrices k0 .. k0 + m - 1 (m <= BLOCK) by Jacobi in lockstep, in the
 * planes of W at s->w_ and of V at s->vw; the places beyond m, and
 * matrices with NaN or Inf, hold zero matrices, solved at once.  Returns
 * the number of matrices that failed (results NaN). */
static int solve_group(const batch *b, ptrdiff_t k0, int m, const scratch *s)
{
    const int n = b->n;
    const size_t nlanes = PLANE_LANES(n);
    const int planes = EK_IS_COMPLEX ? 2 : 1;
    lane *wr = (lane *)(void *)s->w_, *vr = (lane *)(void *)s->vw;
    lane *wi = EK_IS_COMPLEX ? wr + nlanes : NULL, *vi = EK_IS_COMPLEX ? vr + nlanes : NULL;
    int expo[BLOCK], failed[BLOCK], bad[BLOCK];
    memset(wr, 0, planes * nlanes * sizeof(lane));
    for (int t = 0; t < m; t++) {
        real amax = triangle_max(n, matrix_in(b, k0 + t), b->in, b->lower);
        bad[t] = !(amax <= EK_REAL_MAX);
        expo[t] = bad[t] ? 0 : scale_exponent(amax);
        if (!bad[t])
            load_lane(n, matrix_in(b, k0 + t), b->in, b->lower, EK_LDEXP((real)1, -expo[t]),
                      wr, wi, t);
    }
    if (b->want_vectors) {
        memset(vr, 0, planes * nlanes * sizeof(lane));
        for (int i = 0; i < n; i++)
            for (int k = 0; k < GROUPS; k++)
                vr[AT(i, i) + k] = splat(1);
    }
    jacobi_any(n, wr, wi, b->want_vectors ? vr : NULL, vi, failed);
    int nfailed = 0;
    for (int t = 0; t < m; t++) {
        real *w = values_out(b, k0 + t);
        scalar *v = vectors_out(b, k0 + t);
        if (bad[t] || failed[t]) {
            store_nan(n, w, v, b->out);
            nfailed++;
            continue;
        }
        store_lane(n, wr, vr, vi, t, EK_LDEXP((real)1, expo[t]), s, w, v, b->out);
    }
    return nfailed;
}

/* Matrix k by tridiagonalization and QR; returns 0, or 1 if it failed
 * (results NaN). */
static int solve_tridiagonal(const batch *b, ptrdiff_t k, const scratch *s)
{
    const int n = b->n;
    real *w = values_out(b, k);
    scalar *v = vectors_out(b, k);
    real amax = triangle_max(n, matrix_in(b, k), b->in, b->lower);
    int failed = !(amax <= EK_REAL_MAX);
    int e = failed ? 0 : scale_exponent(amax);
    if (!failed) {
        load_scaled(n, matrix_in(b, k), b->in, b->lower, EK_LDEXP((real)1, -e), s->w_);
        failed = by_tridiagonal(n, s, v != NULL);
    }
    if (failed) {
        store_nan(n, w, v, b->out);
        return 1;
    }
    for (int j = 0; j < n; j++)
        s->perm[j] = j;
    store_permuted(n, s->d, s->perm, s->vw, EK_LDEXP((real)1, e), w, v, b->out);
    return 0;
}

typedef struct {
    const batch *b;
    ptrdiff_t first, last;
    char *work;
    ptrdiff_t failed;
} share;

static void *share_run(void *arg)
{
    share *sh = arg;
    const batch *b = sh->b;
    scratch s;
    scratch_layout(sh->work, b->n, b->lockstep, &s);
    sh->failed = 0;
    if (b->n == 1) {
        for (ptrdiff_t k = sh->first; k < sh->last; k++)
            solve_one_by_one(b, k);
    } else if (b->lockstep) {
        for (ptrdiff_t k = sh->first; k < sh->last; k += BLOCK) {
            ptrdiff_t left = sh->last - k;
            sh->failed += solve_group(b, k, left < BLOCK ? (int)left : BLOCK, &s);
        }
    } else {
        for (ptrdiff_t k = sh->first; k < sh->last; k++)
            sh->failed += solve_tridiagonal(b, k, &s);
    }
    return NULL;
}

/* Threads worth starting for count matrices of order n. */
static int thread_count(int n, ptrdiff_t count, int nthreads)
{
    ptrdiff_t cube = (ptrdiff_t)n * n * n;
    ptrdiff_t per_share = EK_BATCHED_SHARE_MIN_WORK / cube + 1;
    ptrdiff_t useful = (count + per_share - 1) / per_share;
    int nt = nthreads < EK_FORK_JOIN_MAX ? nthreads : EK_FORK_JOIN_MAX;
    if (useful < nt)
        nt = (int)useful;
    return nt > 1 ? nt : 1;
}

size_t EK(batched_eigen_workspace)(int n, int jacobi_max, int nthreads)
{
    int nt = nthreads < 1 ? 1 : (nthreads < EK_FORK_JOIN_MAX ? nthreads : EK_FORK_JOIN_MAX);
    size_t one = scratch_bytes(n > 0 ? n : 1, 0);
    if (uses_jacobi(n, jacobi_max, BLOCK)) {
        size_t lockstep = scratch_bytes(n, 1);
        one = lockstep > one ? lockstep : one;
    }
    return (size_t)nt * one;
}

ptrdiff_t EK(batched_eigen)(int n, ptrdiff_t count, const scalar *a, ek_stack_layout in,
                            int lower, int want_vectors, real *w, scalar *v,
                            ek_stack_layout out, int jacobi_max, void *work, size_t work_bytes,
                            int nthreads)
{
    if (n <= 0 || count <= 0)
        return 0;
    int nt = thread_count(n, count, nthreads), lockstep = uses_jacobi(n, jacobi_max, count);
    size_t per_thread = scratch_bytes(n, lockstep);
    if (work_bytes < (size_t)nt * per_thread)
        return -1;
    batch b = {n, lower, want_vectors, lockstep, a, in, out, w, v};
    share shares[EK_FORK_JOIN_MAX];
    for (int t = 0; t < nt; t++) {
        shares[t].b = &b;
        shares[t].first = count * t / nt;
        shares[t].last = count * (t + 1) / nt;
        shares[t].work = (char *)work + (size_t)t * per_thread;
    }
    ek_fork_join(nt, share_run, shares, sizeof(share));
    ptrdiff_t failed = 0;
    for (int t = 0; t < nt; t++)
        failed += shares[t].failed;
    return failed;
}
