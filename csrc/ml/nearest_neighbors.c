/* nearest_neighbors.c -- exact k nearest neighbours of the rows of a dense
 * matrix, as scikit-learn's kneighbors_graph: leaves of a median split
 * (Friedman, Bentley, Finkel 1977 kd-tree), GEMM cross terms between leaves
 * that may hold neighbours, bounded heaps (see nearest_neighbors.h). */
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include "common/target_clones.h"
#include "common/types.h"
#include "common/fork_join.h"
#include "common/tuning.h"
#include "ml/nearest_neighbors.h"

#if defined(__GNUC__)
#define KNN_INLINE static inline __attribute__((always_inline))
/* 32-byte vectors (one AVX register, two SSE ones): the same text serves
 * every clone. */
typedef scalar vec __attribute__((vector_size(32)));
typedef scalar vec_unaligned __attribute__((vector_size(32), aligned(sizeof(scalar)), may_alias));
#define VL ((int)(32 / sizeof(scalar)))
#define VLOAD(p) (*(const vec_unaligned *)(p))
_Static_assert(EK_TUNE_KNN_CHUNK % VL == 0, "a chunk is whole vectors");
#else
#define KNN_INLINE static inline
#endif

static int imin(int a, int b) { return a < b ? a : b; }

static size_t round64(size_t bytes) { return (bytes + 63) / 64 * 64; }

/* A leaf or a candidate with its sort key: a squared distance. */
typedef struct {
    double d2;
    int j;
} keyed;

/* Leaf size and threads of one call. */
typedef struct {
    int leaf, nleaves, nthreads;
} plan;

static plan make_plan(int n, int d, int nthreads)
{
    plan pl;
    if (d > EK_TUNE_KNN_OWN_THREADS_MAX_D) {
        pl.leaf = imin(EK_TUNE_KNN_LARGE_LEAF, n);
        pl.nthreads = 1;
    } else {
        /* square tiles: the fewest operand entries read per multiply-add */
        int leaf = (int)sqrt((double)EK_TUNE_KNN_TILE_WORK / d) / EK_TUNE_KNN_CHUNK
                   * EK_TUNE_KNN_CHUNK;
        pl.leaf = imin(leaf < EK_TUNE_KNN_CHUNK ? EK_TUNE_KNN_CHUNK : leaf, n);
        pl.nthreads = nthreads < 1 ? 1 : imin(nthreads, EK_FORK_JOIN_MAX);
    }
    pl.nleaves = (n + pl.leaf - 1) / pl.leaf;
    pl.nthreads = imin(pl.nthreads, pl.nleaves);
    while (pl.nthreads > 1
           && (double)n * n * d < (double)EK_TUNE_KNN_THREADING_WORK * pl.nthreads)
        pl.nthreads--;
    return pl;
}

static int candidate_count(int n, int k) { return imin(n, k + EK_KNN_EXTRA); }

/* The shared part of the workspace: X's rows in leaf order (ld d), the
 * same transposed (ld n: the GEMM's references, whose packing is then a
 * plain copy; packing the transpose took more time than the products
 * with 50 features), their squared norms, the order itself, the leaves'
 * centres and radii. */
typedef struct {
    scalar *xp, *xt, *norms;
    int *perm;
    double *centers, *radii;
    char *threads;
} layout;

static size_t shared_bytes(int n, int d, int nleaves)
{
    return 2 * round64((size_t)n * d * sizeof(scalar)) + round64((size_t)n * sizeof(scalar)) +
           round64((size_t)n * sizeof(int)) + round64((size_t)nleaves * d * sizeof(double)) +
           round64((size_t)nleaves * sizeof(double));
}

/* One thread's part: the tile, the heaps of a leaf of queries (values,
 * indices), the queries' thresholds, which queries need a leaf, the
 * leaves in order of distance and the finalists of one row. */
static size_t thread_bytes(const plan *pl, int m)
{
    size_t leaf = (size_t)pl->leaf;
    return round64(leaf * leaf * sizeof(scalar)) + round64(leaf * m * sizeof(scalar)) +
           round64(leaf * m * sizeof(int)) + round64(leaf * sizeof(double)) +
           round64(leaf * sizeof(int)) + round64((size_t)pl->nleaves * sizeof(keyed)) +
           round64((size_t)m * sizeof(keyed));
}

size_t EK(k_nearest_workspace)(int n, int d, int k, int nthreads)
{
    if (n < 1 || d < 1 || k < 1)
        return 0;
    plan pl = make_plan(n, d, nthreads);
    return shared_bytes(n, d, pl.nleaves) +
           (size_t)pl.nthreads * thread_bytes(&pl, candidate_count(n, k));
}

static layout carve(char *work, int n, int d, int nleaves)
{
    layout w;
    w.xp = (scalar *)work;
    w.xt = (scalar *)((char *)w.xp + round64((size_t)n * d * sizeof(scalar)));
    w.norms = (scalar *)((char *)w.xt + round64((size_t)n * d * sizeof(scalar)));
    w.perm = (int *)((char *)w.norms + round64((size_t)n * sizeof(scalar)));
    w.centers = (double *)((char *)w.perm + round64((size_t)n * sizeof(int)));
    w.radii = (double *)((char *)w.centers + round64((size_t)nleaves * d * sizeof(double)));
    w.threads = (char *)w.radii + round64((size_t)nleaves * sizeof(double));
    return w;
}

/* ---- the leaves: a median split along the widest coordinate ---- */

static double key_of(const scalar *x, ptrdiff_t ldx, int i, int c)
{
    return (double)x[(ptrdiff_t)i * ldx + c];
}

static void swap_int(int *a, int *b) { int t = *a; *a = *b; *b = t; }

/* perm[lo, hi) rearranged so that perm[r] holds the entry of rank r by
 * coordinate c, smaller ones before it and larger ones after (three-way
 * partitions around a median of three: every round removes at least the
 * pivot's copies from the range, so the loop ends). */
static void select_rank(int *perm, int lo, int hi, int r, const scalar *x, ptrdiff_t ldx, int c)
{
    while (hi - lo > 1) {
        double a = key_of(x, ldx, perm[lo], c), b = key_of(x, ldx, perm[lo + (hi - lo) / 2], c),
               z = key_of(x, ldx, perm[hi - 1], c);
        double pivot = a < b ? (b < z ? b : (a < z ? z : a)) : (a < z ? a : (b < z ? z : b));
        int lt = lo, i = lo, gt = hi;
        while (i < gt) {
            double v = key_of(x, ldx, perm[i], c);
            if (v < pivot)
                swap_int(&perm[lt++], &perm[i++]);
            else if (v > pivot)
                swap_int(&perm[i], &perm[--gt]);
            else
                i++;
        }
        if (r < lt)
            hi = lt;
        else if (r >= gt)
            lo = gt;
        else
            return;
    }
}

/* The coordinate along which the rows perm[lo, hi) spread most. */
static int widest(const int *perm, int lo, int hi, const scalar *x, ptrdiff_t ldx, int d)
{
    int best = 0;
    double best_spread = -1;
    for (int c = 0; c < d; c++) {
        double mn = key_of(x, ldx, perm[lo], c), mx = mn;
        for (int i = lo + 1; i < hi; i++) {
            double v = key_of(x, ldx, perm[i], c);
            mn = v < mn ? v : mn;
            mx = v > mx ? v : mx;
        }
        if (mx - mn > best_spread) {
            best_spread = mx - mn;
            best = c;
        }
    }
    return best;
}

/* perm[lo, hi) split recursively at leaf boundaries (the depth is at most
 * log2 of the number of leaves). */
static void split(int *perm, int lo, int hi, int leaf, const scalar *x, ptrdiff_t ldx, int d)
{
    if (hi - lo <= leaf)
        return;
    int mid = lo + ((hi - lo + leaf - 1) / leaf / 2) * leaf;
    select_rank(perm, lo, hi, mid, x, ldx, widest(perm, lo, hi, x, ldx, d));
    split(perm, lo, mid, leaf, x, ldx, d);
    split(perm, mid, hi, leaf, x, ldx, d);
}

/* The leaf order, X's rows copied in it, their norms, each leaf's centre
 * (the mean of its rows) and radius (its largest distance from it). */
static void build_leaves(int n, int d, const scalar *x, ptrdiff_t ldx, const plan *pl,
                         const layout *w)
{
    for (int i = 0; i < n; i++)
        w->perm[i] = i;
    split(w->perm, 0, n, pl->leaf, x, ldx, d);
    for (int i = 0; i < n; i++) {
        const scalar *src = x + (ptrdiff_t)w->perm[i] * ldx;
        scalar *dst = w->xp + (size_t)i * d;
        double s = 0;
        for (int c = 0; c < d; c++) {
            dst[c] = src[c];
            w->xt[i + (size_t)c * n] = src[c];
            s += (double)src[c] * src[c];
        }
        w->norms[i] = (scalar)s;
    }
    for (int l = 0; l < pl->nleaves; l++) {
        int r0 = l * pl->leaf, r1 = imin(r0 + pl->leaf, n);
        double *ctr = w->centers + (size_t)l * d;
        for (int c = 0; c < d; c++)
            ctr[c] = 0;
        for (int i = r0; i < r1; i++)
            for (int c = 0; c < d; c++)
                ctr[c] += w->xp[(size_t)i * d + c];
        for (int c = 0; c < d; c++)
            ctr[c] /= r1 - r0;
        double rad2 = 0;
        for (int i = r0; i < r1; i++) {
            double s = 0;
            for (int c = 0; c < d; c++) {
                double t = w->xp[(size_t)i * d + c] - ctr[c];
                s += t * t;
            }
            rad2 = s > rad2 ? s : rad2;
        }
        /* a hair more than the largest distance: the bound must not cut */
        w->radii[l] = sqrt(rad2) * (1 + 4 * DBL_EPSILON * d) + DBL_MIN;
    }
}

/* ---- the heaps ---- */

/* Heap order: by value, then by index, so that among equal values the
 * larger index is evicted first and the smaller kept. */
KNN_INLINE int above(scalar va, int ia, scalar vb, int ib)
{
    return va > vb || (va == vb && ia > ib);
}

/* The heap's root (its largest entry) replaced by (v, j), sifted down. */
KNN_INLINE void replace_root(scalar *hv, int *hi, int m, scalar v, int j)
{
    int pos = 0;
    for (int c = 1; c < m; c = 2 * pos + 1) {
        if (c + 1 < m && above(hv[c + 1], hi[c + 1], hv[c], hi[c]))
            c++;
        if (!above(hv[c], hi[c], v, j))
            break;
        hv[pos] = hv[c];
        hi[pos] = hi[c];
        pos = c;
    }
    hv[pos] = v;
    hi[pos] = j;
}

/* Whether any of col[l] + norm[l] <= bound, l < EK_TUNE_KNN_CHUNK. */
KNN_INLINE int chunk_hit(const scalar *restrict col, const scalar *restrict norm, scalar bound)
{
#if defined(__GNUC__)
    vec b = bound - (vec){0};
    __typeof__(VLOAD(col) < b) hit = VLOAD(col) + VLOAD(norm) <= b;
    for (int l = VL; l < EK_TUNE_KNN_CHUNK; l += VL)
        hit |= VLOAD(col + l) + VLOAD(norm + l) <= b;
    for (int l = 1; l < VL; l++)
        hit[0] |= hit[l];
    return hit[0] != 0;
#else
    int hit = 0;
    for (int l = 0; l < EK_TUNE_KNN_CHUNK; l++)
        hit |= col[l] + norm[l] <= bound;
    return hit;
#endif
}

KNN_INLINE void offer(scalar *hv, int *hi, int m, scalar v, int j)
{
    if (above(hv[0], hi[0], v, j))
        replace_root(hv, hi, m, v, j);
}

/* Offers the nr references of a leaf (ranking values col[l] + norm[l],
 * original indices idx[l]) to a query's heap.  Almost every entry is
 * rejected by the vectorized test against the root. */
KNN_INLINE void scan(const scalar *restrict col, const scalar *restrict norm,
                     const int *restrict idx, int nr, scalar *hv, int *hi, int m)
{
    int j = 0;
    for (; j + EK_TUNE_KNN_CHUNK <= nr; j += EK_TUNE_KNN_CHUNK) {
        if (!chunk_hit(col + j, norm + j, hv[0]))
            continue;
        for (int l = j; l < j + EK_TUNE_KNN_CHUNK; l++)
            offer(hv, hi, m, col[l] + norm[l], idx[l]);
    }
    for (; j < nr; j++)
        offer(hv, hi, m, col[j] + norm[j], idx[j]);
}

/* ---- one leaf of queries ---- */

/* What every thread of one call shares. */
typedef struct {
    int n, d, k, m;
    const scalar *x;
    ptrdiff_t ldx;
    plan pl;
    layout w;
    double max_radius;
    double slack;               /* the ranking values' largest error */
    int64_t *indices;
    double *distances;
    atomic_int next_leaf;
    atomic_int overflow;        /* some ranking value was not finite */
} problem;

/* One thread's scratch. */
typedef struct {
    scalar *tile, *hv;
    int *hi, *need;
    double *threshold;
    keyed *order, *fin;
} scratch;

static scratch carve_thread(const problem *pb, char *p)
{
    size_t leaf = (size_t)pb->pl.leaf, m = (size_t)pb->m;
    scratch s;
    s.tile = (scalar *)p;
    s.hv = (scalar *)((char *)s.tile + round64(leaf * leaf * sizeof(scalar)));
    s.hi = (int *)((char *)s.hv + round64(leaf * m * sizeof(scalar)));
    s.threshold = (double *)((char *)s.hi + round64(leaf * m * sizeof(int)));
    s.need = (int *)((char *)s.threshold + round64(leaf * sizeof(double)));
    s.order = (keyed *)((char *)s.need + round64(leaf * sizeof(int)));
    s.fin = (keyed *)((char *)s.order + round64((size_t)pb->pl.nleaves * sizeof(keyed)));
    return s;
}

static int by_key(const void *a, const void *b)
{
    const keyed *ka = a, *kb = b;
    if (ka->d2 != kb->d2)
        return ka->d2 < kb->d2 ? -1 : 1;
    return (ka->j > kb->j) - (ka->j < kb->j);
}

/* The k nearest of query row i (original index) among its heap's m
 * candidates, by directly computed distances, into the outputs.  Returns
 * 0, or 1 if a slot was never filled (ranking values not finite). */
static int finish_row(const problem *pb, int i, const int *hi, keyed *fin)
{
    const scalar *xi = pb->x + (ptrdiff_t)i * pb->ldx;
    for (int r = 0; r < pb->m; r++) {
        int j = hi[r];
        if (j >= pb->n)
            return 1;
        const scalar *xj = pb->x + (ptrdiff_t)j * pb->ldx;
        double s = 0;
        for (int c = 0; c < pb->d; c++) {
            double t = (double)xi[c] - (double)xj[c];
            s += t * t;
        }
        fin[r].d2 = s;
        fin[r].j = j;
    }
    qsort(fin, (size_t)pb->m, sizeof(keyed), by_key);
    int64_t *ind = pb->indices + (size_t)i * pb->k;
    for (int r = 0; r < pb->k; r++)
        ind[r] = fin[r].j;
    if (pb->distances != NULL) {
        double *dist = pb->distances + (size_t)i * pb->k;
        for (int r = 0; r < pb->k; r++)
            dist[r] = sqrt(fin[r].d2);
    }
    return 0;
}

static double squared_distance_to(const scalar *xq, const double *ctr, int d)
{
    double s = 0;
    for (int c = 0; c < d; c++) {
        double t = (double)xq[c] - ctr[c];
        s += t * t;
    }
    return s;
}

/* Each query's squared distance to its current m-th candidate, plus the
 * expansion's error (pruning must not rest on a rounding error); returns
 * the largest. */
static double thresholds(const problem *pb, int q0, int nq, const scratch *s)
{
    double worst = 0;
    for (int q = 0; q < nq; q++) {
        double t = (double)s->hv[(size_t)q * pb->m] + (double)pb->w.norms[q0 + q];
        t += pb->slack;
        s->threshold[q] = t;
        worst = t > worst ? t : worst;
    }
    return worst;
}

/* Marks in need[] the queries that reference leaf R may hold neighbours
 * of (its ball reaches within the query's threshold); returns how many. */
static int queries_reached(const problem *pb, int q0, int nq, int R, const scratch *s)
{
    const double *ctr = pb->w.centers + (size_t)R * pb->d;
    double rad = pb->w.radii[R];
    int count = 0;
    for (int q = 0; q < nq; q++) {
        double gap = sqrt(squared_distance_to(pb->w.xp + (size_t)(q0 + q) * pb->d, ctr, pb->d))
                     - rad;
        s->need[q] = !(gap > 0 && gap * gap > s->threshold[q]);
        count += s->need[q];
    }
    return count;
}

/* Query leaf L against the reference leaves, nearest centres first, those
 * whose balls lie beyond every query's threshold skipped. */
static EK_CLONES_V4 void query_leaf(problem *pb, int L, const scratch *s)
{
    const plan *pl = &pb->pl;
    int d = pb->d, m = pb->m, q0 = L * pl->leaf, nq = imin(pl->leaf, pb->n - q0);
    const scalar *xp = pb->w.xp;
    const double *ctr = pb->w.centers + (size_t)L * d;
    double rad = pb->w.radii[L];
    /* empty slots: +inf, indices beyond every row */
    for (int r = 0; r < nq * m; r++) {
        s->hv[r] = (scalar)INFINITY;
        s->hi[r] = pb->n + r % m;
    }
    for (int R = 0; R < pl->nleaves; R++) {
        s->order[R].d2 = 0;
        for (int c = 0; c < d; c++) {
            double t = ctr[c] - pb->w.centers[(size_t)R * d + c];
            s->order[R].d2 += t * t;
        }
        s->order[R].j = R;
    }
    qsort(s->order, (size_t)pl->nleaves, sizeof(keyed), by_key);
    for (int t = 0; t < pl->nleaves; t++) {
        int R = s->order[t].j;
        double centre_gap = sqrt(s->order[t].d2) - rad;
        double worst = thresholds(pb, q0, nq, s);
        double gap = centre_gap - pb->w.radii[R];
        if (gap > 0 && gap * gap > worst) {
            /* every later leaf is at least this far, less the largest radius */
            double rest = centre_gap - pb->max_radius;
            if (rest > 0 && rest * rest > worst)
                break;
            continue;
        }
        if (queries_reached(pb, q0, nq, R, s) == 0)
            continue;
        int r0 = R * pl->leaf, nr = imin(pl->leaf, pb->n - r0);
        xgemm('N', 'N', nr, nq, d, -2, pb->w.xt + r0, pb->n, xp + (size_t)q0 * d, d, 0,
              s->tile, nr);
        for (int q = 0; q < nq; q++)
            if (s->need[q])
                scan(s->tile + (size_t)q * nr, pb->w.norms + r0, pb->w.perm + r0, nr,
                     s->hv + (size_t)q * m, s->hi + (size_t)q * m, m);
    }
    for (int q = 0; q < nq; q++)
        if (finish_row(pb, pb->w.perm[q0 + q], s->hi + (size_t)q * m, s->fin))
            atomic_store(&pb->overflow, 1);
}

static void *run_leaves(void *arg)
{
    char **share = arg;
    problem *pb = (problem *)share[0];
    scratch s = carve_thread(pb, share[1]);
    for (int L = atomic_fetch_add(&pb->next_leaf, 1); L < pb->pl.nleaves;
         L = atomic_fetch_add(&pb->next_leaf, 1))
        query_leaf(pb, L, &s);
    return NULL;
}

int EK(k_nearest)(int n, int d, const scalar *x, ptrdiff_t ldx, int k, int nthreads,
                  int64_t *indices, double *distances, void *work)
{
    /* n + m < 2n must fit an int: the empty heap slots' indices */
    if (n < 1 || n > INT_MAX / 2 || d < 1 || k < 1 || k > n || ldx < d ||
        (double)n * d > (double)INT_MAX)
        return -1;
    plan pl = make_plan(n, d, nthreads);
    problem pb = {n, d, k, candidate_count(n, k), x, ldx, pl, carve(work, n, d, pl.nleaves),
                  0, 0, indices, distances, 0, 0};
    build_leaves(n, d, x, ldx, &pl, &pb.w);
    for (int l = 0; l < pl.nleaves; l++)
        pb.max_radius = pb.w.radii[l] > pb.max_radius ? pb.w.radii[l] : pb.max_radius;
    /* a ranking value's error is of the order of eps d (|x_i|^2 + |x_j|^2):
     * bounded with the largest squared norm for both, four times over */
    double max_norm = 0;
    for (int i = 0; i < n; i++)
        max_norm = (double)pb.w.norms[i] > max_norm ? (double)pb.w.norms[i] : max_norm;
    pb.slack = 8.0 * EK_EPS * (d + 2) * max_norm;
    size_t per_thread = thread_bytes(&pl, pb.m);
    char *shares[EK_FORK_JOIN_MAX][2];
    for (int t = 0; t < pl.nthreads; t++) {
        shares[t][0] = (char *)&pb;
        shares[t][1] = pb.w.threads + (size_t)t * per_thread;
    }
    ek_fork_join(pl.nthreads, run_leaves, shares, sizeof(shares[0]));
    return atomic_load(&pb.overflow) ? 1 : 0;
}
