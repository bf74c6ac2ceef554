/*
 * kmeans.c -- greedy k-means++ seeding (Arthur & Vassilvitskii 2007) and
 * Lloyd iterations (Lloyd 1982), with scikit-learn's rules (see kmeans.h).
 */
#include "ml/kmeans.h"

#include <math.h>
#include <string.h>

#include "common/fork_join.h"
#include "common/tuning.h"

/* Chunks are the unit of work of a thread and of the partial sums, which
 * are added in chunk order: the result is the same for any thread count. */
static int chunk_count(int n)
{
    return (n + EK_TUNE_KMEANS_CHUNK - 1) / EK_TUNE_KMEANS_CHUNK;
}

static double squared_distance(int d, const double *a, const double *b)
{
    double s = 0;
    for (int j = 0; j < d; j++) {
        double t = a[j] - b[j];
        s += t * t;
    }
    return s;
}

/* The nearest of the k centres to point x, and the squared distance. */
static int nearest(int d, int k, const double *x, const double *centers, double *dist)
{
    int best = 0;
    double bestd = squared_distance(d, x, centers);
    for (int c = 1; c < k; c++) {
        double t = squared_distance(d, x, centers + (size_t)c * d);
        if (t < bestd) {
            bestd = t;
            best = c;
        }
    }
    *dist = bestd;
    return best;
}

/* ---------------------------------------------------------- workspace */

typedef struct {
    size_t closest, trial, cumulative, seed_total; /* seeding */
    size_t dist, sums, counts, changes, next, lloyd_total;
} kmeans_layout;

static kmeans_layout layout(const ek_kmeans_problem *p, int trials)
{
    kmeans_layout L;
    size_t n = (size_t)p->n, kd = (size_t)p->k * p->d, nc = (size_t)chunk_count(p->n);
    size_t t = trials > 1 ? (size_t)trials : 1;
    L.closest = 0;
    L.trial = L.closest + n * sizeof(double);
    L.cumulative = L.trial + t * n * sizeof(double);
    L.seed_total = L.cumulative + n * sizeof(double);
    L.dist = 0;
    L.sums = L.dist + n * sizeof(double);
    L.counts = L.sums + nc * kd * sizeof(double);
    L.changes = L.counts + nc * (size_t)p->k * sizeof(double);
    L.next = L.changes + nc * sizeof(double);
    L.lloyd_total = L.next + kd * sizeof(double);
    return L;
}

size_t ek_kmeans_workspace(const ek_kmeans_problem *p, int trials)
{
    kmeans_layout L = layout(p, trials);
    return L.seed_total > L.lloyd_total ? L.seed_total : L.lloyd_total;
}

/* ------------------------------------------------------------ seeding */

/* The first index whose running sum of w reaches `target` (the last one
 * if rounding leaves target above the total), as numpy.searchsorted on the
 * cumulative sums. */
static int draw(int n, const double *cumulative, double target)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (cumulative[mid] < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int ek_kmeans_seed(const ek_kmeans_problem *p, int trials, const double *uniforms,
                   double *centers, void *work)
{
    int n = p->n, d = p->d;
    kmeans_layout L = layout(p, trials);
    double *closest = (double *)((char *)work + L.closest);
    double *trial = (double *)((char *)work + L.trial);
    double *cumulative = (double *)((char *)work + L.cumulative);

    int first = (int)(uniforms[0] * n);
    first = first < n ? first : n - 1;
    memcpy(centers, p->x + (size_t)first * d, (size_t)d * sizeof(double));
    for (int i = 0; i < n; i++)
        closest[i] = squared_distance(d, p->x + (size_t)i * d, centers);
    for (int c = 1; c < p->k; c++) {
        double running = 0;
        for (int i = 0; i < n; i++)
            cumulative[i] = running += closest[i];
        /* candidates drawn with probability closest[i] / potential; the
         * one that lowers the potential most becomes the centre */
        int best = -1;
        double best_potential = INFINITY;
        for (int t = 0; t < trials; t++) {
            double target = uniforms[1 + (size_t)(c - 1) * trials + t] * running;
            int cand = draw(n, cumulative, target);
            const double *y = p->x + (size_t)cand * d;
            double *dt = trial + (size_t)t * n, pot = 0;
            for (int i = 0; i < n; i++) {
                double s = squared_distance(d, p->x + (size_t)i * d, y);
                dt[i] = s < closest[i] ? s : closest[i];
                pot += dt[i];
            }
            if (pot < best_potential) {
                best_potential = pot;
                best = t;
                memcpy(centers + (size_t)c * d, y, (size_t)d * sizeof(double));
            }
        }
        memcpy(closest, trial + (size_t)best * n, (size_t)n * sizeof(double));
    }
    return 0;
}

/* ------------------------------------------------------------- Lloyd */

/* One assignment pass over a range of chunks: each point's nearest centre
 * (and whether it changed), and each chunk's sums of its points per centre. */
typedef struct {
    const ek_kmeans_problem *p;
    const double *centers;
    int *labels;
    double *dist, *sums, *counts, *changes;
    int first_chunk, chunk_step, nchunks;
} assign_share;

static void assign_chunk(const assign_share *s, int chunk)
{
    const ek_kmeans_problem *p = s->p;
    int d = p->d, k = p->k;
    int lo = chunk * EK_TUNE_KMEANS_CHUNK;
    int hi = lo + EK_TUNE_KMEANS_CHUNK < p->n ? lo + EK_TUNE_KMEANS_CHUNK : p->n;
    double *sums = s->sums + (size_t)chunk * k * d;
    double *counts = s->counts + (size_t)chunk * k;
    memset(sums, 0, (size_t)k * d * sizeof(double));
    memset(counts, 0, (size_t)k * sizeof(double));
    double changed = 0;
    for (int i = lo; i < hi; i++) {
        const double *x = p->x + (size_t)i * d;
        int c = nearest(d, k, x, s->centers, &s->dist[i]);
        changed += c != s->labels[i];
        s->labels[i] = c;
        counts[c] += 1;
        for (int j = 0; j < d; j++)
            sums[(size_t)c * d + j] += x[j];
    }
    s->changes[chunk] = changed;
}

static void *assign_job(void *arg)
{
    const assign_share *s = (const assign_share *)arg;
    for (int c = s->first_chunk; c < s->nchunks; c += s->chunk_step)
        assign_chunk(s, c);
    return NULL;
}

/* Assign every point; the chunks' sums and counts added in chunk order
 * into the first chunk's.  Returns the number of labels that changed. */
static double assign(const ek_kmeans_problem *p, const double *centers, int *labels, double *dist,
                     double *sums, double *counts, double *changes)
{
    int nchunks = chunk_count(p->n);
    int nt = p->nthreads < nchunks ? p->nthreads : nchunks;
    nt = nt < 1 ? 1 : (nt > EK_FORK_JOIN_MAX ? EK_FORK_JOIN_MAX : nt);
    assign_share shares[EK_FORK_JOIN_MAX];
    for (int t = 0; t < nt; t++)
        shares[t] = (assign_share){p, centers, labels, dist, sums, counts, changes, t, nt, nchunks};
    ek_fork_join(nt, assign_job, shares, sizeof(assign_share));
    size_t kd = (size_t)p->k * p->d;
    double changed = changes[0];
    for (int c = 1; c < nchunks; c++) {
        for (size_t j = 0; j < kd; j++)
            sums[j] += sums[(size_t)c * kd + j];
        for (int j = 0; j < p->k; j++)
            counts[j] += counts[(size_t)c * p->k + j];
        changed += changes[c];
    }
    return changed;
}

/* Empty clusters take the points farthest from their centres (scikit-
 * learn's rule), each moved out of its cluster's sums. */
static void relocate_empty(const ek_kmeans_problem *p, int *labels, double *dist, double *sums,
                           double *counts)
{
    int d = p->d;
    for (int c = 0; c < p->k; c++) {
        if (counts[c] > 0)
            continue;
        int far = 0;
        for (int i = 1; i < p->n; i++)
            if (dist[i] > dist[far])
                far = i;
        const double *x = p->x + (size_t)far * d;
        int old = labels[far];
        for (int j = 0; j < d; j++) {
            sums[(size_t)old * d + j] -= x[j];
            sums[(size_t)c * d + j] = x[j];
        }
        counts[old] -= 1;
        counts[c] = 1;
        labels[far] = c;
        dist[far] = 0; /* not picked twice */
    }
}

int ek_kmeans_lloyd(const ek_kmeans_problem *p, int max_iter, double tol, double *centers,
                    int *labels, double *inertia, int *iterations, void *work)
{
    int d = p->d, k = p->k;
    kmeans_layout L = layout(p, 1);
    double *dist = (double *)((char *)work + L.dist);
    double *sums = (double *)((char *)work + L.sums);
    double *counts = (double *)((char *)work + L.counts);
    double *changes = (double *)((char *)work + L.changes);
    double *next = (double *)((char *)work + L.next);
    for (int i = 0; i < p->n; i++)
        labels[i] = -1;
    int it = 0, settled = 0, labels_fit_centers = 0;
    while (it < max_iter && !settled) {
        double changed = assign(p, centers, labels, dist, sums, counts, changes);
        it++;
        if (changed == 0 && it > 1) {
            /* the labels did not move: the centres are their means, and
             * labels and dist are those of the final centres */
            labels_fit_centers = 1;
            break;
        }
        relocate_empty(p, labels, dist, sums, counts);
        double shift = 0;
        for (int c = 0; c < k; c++)
            for (int j = 0; j < d; j++) {
                double m = sums[(size_t)c * d + j] / counts[c];
                double t = m - centers[(size_t)c * d + j];
                shift += t * t;
                next[(size_t)c * d + j] = m;
            }
        memcpy(centers, next, (size_t)k * d * sizeof(double));
        settled = shift <= tol;
    }
    /* labels and inertia for the final centres */
    if (!labels_fit_centers)
        assign(p, centers, labels, dist, sums, counts, changes);
    double total = 0;
    for (int i = 0; i < p->n; i++)
        total += dist[i];
    *inertia = total;
    *iterations = it;
    return 0;
}
