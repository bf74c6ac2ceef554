/*
 * dense_krylov.c -- extreme eigenpairs of a dense Hermitian matrix by block
 * Lanczos (Wu & Simon 2000 thick restart) under a work budget, certified
 * by LAPACK's test ratios (see dense_krylov.h).
 */
#include <math.h>
#include <string.h>
#include "common/types.h"
#include "krylov/dense_krylov.h"
#include "krylov/lanczos.h"

/* Workspace: the Lanczos state's, then R (n x k), G (k x k), norms (k). */
typedef struct {
    ek_lanczos_params lz;
    size_t lanczos, R, G, norms, total;
} layout;

static size_t align_up(size_t x) { return (x + 63) / 64 * 64; }

static ek_lanczos_params lanczos_params(int n, const ek_dense_krylov_params *par)
{
    ek_lanczos_params lz;
    memset(&lz, 0, sizeof(lz));
    lz.n = n;
    lz.k = par->k;
    lz.ncv = par->ncv;
    lz.which = par->largest ? EK_LZ_LA : EK_LZ_SA;
    lz.block = par->block;
    /* room for the block to grow on a multiple eigenvalue (thick_restart.c) */
    lz.max_block = 2 * par->block;
    /* the budget ends the solve; this only bounds the loop */
    lz.maxiter = 1 + (int)(par->budget > 1e9 ? 1e9 : par->budget);
    lz.nthreads = par->nthreads > 0 ? par->nthreads : 1;
    lz.tol = 0; /* eps ||A||est */
    lz.seed = par->seed;
    return lz;
}

static layout plan(int n, const ek_dense_krylov_params *par)
{
    layout L;
    size_t nn = (size_t)n, k = (size_t)par->k;
    L.lz = lanczos_params(n, par);
    L.lanczos = 0;
    size_t off = align_up(EK(lanczos_workspace)(&L.lz));
    L.R = off;     off = align_up(off + nn * k * sizeof(scalar));
    L.G = off;     off = align_up(off + k * k * sizeof(scalar));
    L.norms = off; off = align_up(off + k * sizeof(real));
    L.total = off + 64; /* room to align the base */
    return L;
}

size_t EK(dense_krylov_workspace)(int n, const ek_dense_krylov_params *par)
{
    return plan(n, par).total;
}

/* --------------------------------------------------- work prediction */

/* Largest residual of the wanted estimates, relative to ||A||est. */
static double worst_residual(const ek_lanczos_state *st)
{
    const real *res = (const real *)st->rep_res;
    double worst = 0;
    for (int i = 0; i < st->nrep; i++)
        worst = res[i] > worst ? res[i] : worst;
    return st->anorm > 0 ? worst / st->anorm : 0;
}

/* The residuals fall roughly geometrically in the work (Kaniel-Paige-Saad
 * bounds: per product, by a factor set by the gap between the wanted
 * values and the rest of the spectrum), faster as Ritz values settle.
 * Extrapolate to the kernel's threshold, eps, at the better of two rates:
 * the fall over the last cycle, and the mean fall since the start (from 1,
 * the size of a random start's residual), which carries the prediction
 * over a cycle in which the largest residual rose (a new Ritz value
 * entering the wanted set). */
typedef struct {
    double work, residual; /* at the end of the previous cycle */
} progress;

static double predict_total(progress *last, double work, double residual)
{
    double target = EK_EPS, total;
    if (residual <= target) {
        total = work;
    } else {
        double rate = work > 0 && residual < 1 ? log(1 / residual) / work : 0;
        if (residual < last->residual && work > last->work) {
            double recent = log(last->residual / residual) / (work - last->work);
            rate = recent > rate ? recent : rate;
        }
        total = rate > 0 ? work + log(residual / target) / rate : INFINITY;
    }
    last->work = work;
    last->residual = residual;
    return total;
}

/* ------------------------------------------------------ the answer */

/* The k locked pairs in ascending order of the values. */
static void sorted_pairs(const ek_lanczos_state *st, int n, int k, real *w, scalar *z, int ldz,
                         scalar *tmp)
{
    EK(lanczos_extract)(st, w, NULL, tmp, n);
    int order[k > 0 ? k : 1];
    for (int i = 0; i < k; i++)
        order[i] = i;
    for (int i = 1; i < k; i++) { /* insertion sort: k is small */
        int o = order[i], j = i - 1;
        while (j >= 0 && w[order[j]] > w[o]) { order[j + 1] = order[j]; j--; }
        order[j + 1] = o;
    }
    real wsorted[k > 0 ? k : 1];
    for (int i = 0; i < k; i++) {
        wsorted[i] = w[order[i]];
        memcpy(z + (size_t)i * ldz, tmp + (size_t)order[i] * n, (size_t)n * sizeof(scalar));
    }
    memcpy(w, wsorted, (size_t)k * sizeof(real));
}

/* Largest column 1-norm of the n x m matrix x (ld ldx). */
static double norm1(int n, int m, const scalar *x, int ldx)
{
    double best = 0;
    for (int j = 0; j < m; j++) {
        double s = 0;
        for (int i = 0; i < n; i++)
            s += EK_ABS(EK_AT(x, ldx, i, j));
        best = s > best ? s : best;
    }
    return best;
}

/* LAPACK's two test ratios of (w, Z), from scratch. */
static void certify(const ek_dense_operator *op, int k, const real *w, const scalar *z, int ldz,
                    scalar *R, scalar *G, ek_dense_krylov_info *info)
{
    int n = op->n;
    double unit = (double)n * EK_EPS;
    EK(dense_operator_apply)(op, k, z, ldz, R, n);
    for (int j = 0; j < k; j++)
        for (int i = 0; i < n; i++)
            EK_AT(R, n, i, j) -= w[j] * EK_AT(z, ldz, i, j);
    double anorm = info->anorm > EK_SAFMIN ? info->anorm : EK_SAFMIN;
    info->residual_ratio = norm1(n, k, R, n) / anorm / unit;
    xgemm('C', 'N', k, k, n, 1, z, ldz, z, ldz, 0, G, k);
    for (int j = 0; j < k; j++)
        EK_AT(G, k, j, j) -= 1;
    info->orthogonality_ratio = norm1(k, k, G, k) / unit;
    info->matvecs += k;
}

/* ------------------------------------------------------------ driver */

int EK(dense_krylov)(const ek_dense_operator *op, const ek_dense_krylov_params *par, real *w,
                     scalar *z, int ldz, void *work, size_t work_bytes, ek_dense_krylov_info *info)
{
    int n = op->n, k = par->k;
    memset(info, 0, sizeof(*info));
    info->residual_ratio = info->orthogonality_ratio = NAN;
    if (n < 2 || k < 1 || k >= n || par->ncv <= k || par->ncv > n || par->block < 1 ||
        ldz < n || !(par->budget > 0))
        return info->status = EK_DK_ERR_ARG;
    layout L = plan(n, par);
    if (work == NULL || work_bytes < L.total)
        return info->status = EK_DK_ERR_WORKSPACE;
    char *base = (char *)(((uintptr_t)work + 63) / 64 * 64);
    scalar *R = (scalar *)(base + L.R), *G = (scalar *)(base + L.G);

    ek_lanczos_state st;
    if (EK(lanczos_init)(&st, &L.lz, base + L.lanczos, L.R - L.lanczos, NULL) != 0)
        return info->status = EK_DK_FAILED;
    progress last = {0, 1};
    /* A product with one column costs n^2 multiply-adds; orthogonalizing
     * it against the basis twice, and the share of the restart that comes
     * with it, about 4 n ncv more. */
    double column_work = 1 + 4.0 * par->ncv / n, spent = 0;
    int code, columns = 0, reports = 0;
    /* Every request costs work, and the work is bounded by the budget. */
    for (;;) {
        code = EK(lanczos_step)(&st);
        if (code == EK_LZ_APPLY_OP) {
            EK(dense_operator_apply)(op, st.ncols, (const scalar *)st.x, st.ld, (scalar *)st.y,
                                     st.ld);
            columns += st.ncols;
            spent += st.ncols * column_work;
            if (spent > par->budget) {
                info->status = EK_DK_OVER_BUDGET;
                break;
            }
        } else if (code == EK_LZ_PROGRESS) {
            info->predicted = predict_total(&last, spent, worst_residual(&st));
            /* The first cycle's rate, measured from a random start, is
             * pessimistic where the residuals then fall superlinearly (a
             * decaying spectrum): a prediction counts from the second on.
             * The caller keeps flat spectra, where the rate is steady and
             * slow, from starting at all. */
            if (reports++ > 0 && info->predicted > par->budget && st.nlock < k) {
                info->status = EK_DK_OVER_BUDGET;
                break;
            }
        } else {
            info->status = code == EK_LZ_CONVERGED && st.nlock == k ? EK_DK_CERTIFIED
                                                                     : EK_DK_FAILED;
            break;
        }
    }
    info->matvecs = columns;
    info->cycles = st.iter;
    info->anorm = st.anorm;
    if (info->status != EK_DK_CERTIFIED)
        return info->status;
    sorted_pairs(&st, n, k, w, z, ldz, R);
    certify(op, k, w, z, ldz, R, G, info);
    if (!(info->residual_ratio <= par->ratio_limit && info->orthogonality_ratio <= par->ratio_limit))
        info->status = EK_DK_NOT_CERTIFIED;
    return info->status;
}
