/* gram.c -- the Gram matrix of column-centred data in one pass (see gram.h). */
#include <string.h>
#include "types.h"
#include "gram.h"

/* SYRK is used here only, and only for real types. */
static inline void xsyrk(char uplo, char trans, int n, int k, scalar alpha, const scalar *a,
                         int lda, scalar beta, scalar *c, int ldc)
{ EK_BLAS(syrk)(&uplo, &trans, &n, &k, &alpha, (scalar *)a, &lda, &beta, c, &ldc); }

size_t EK(gram_buffer)(int p, int rows)
{
    return (size_t)(p > 0 ? p : 1) * (size_t)(rows > 0 ? rows : 1);
}

/* buf (p x m, ld p; column i is sample r0 + i) = X[r0:r0+m] - 1 shift^T,
 * and sums[j] += the sum of column j of it.  The loop runs along whichever
 * index is contiguous in X. */
static void centred_slab(int m, int p, const scalar *x, ptrdiff_t rs, ptrdiff_t cs, int r0,
                         const scalar *shift, scalar *buf, double *sums)
{
    const scalar *x0 = x + (ptrdiff_t)r0 * rs;
    if ((cs < 0 ? -cs : cs) <= (rs < 0 ? -rs : rs)) {
        for (int i = 0; i < m; i++) {
            const scalar *xi = x0 + (ptrdiff_t)i * rs;
            scalar *b = buf + (size_t)i * p;
            if (cs == 1)
                for (int j = 0; j < p; j++) {
                    b[j] = xi[j] - shift[j];
                    sums[j] += b[j];
                }
            else
                for (int j = 0; j < p; j++) {
                    b[j] = xi[(ptrdiff_t)j * cs] - shift[j];
                    sums[j] += b[j];
                }
        }
        return;
    }
    for (int j = 0; j < p; j++) {
        const scalar *xj = x0 + (ptrdiff_t)j * cs;
        scalar s = shift[j];
        double sum = 0;
        for (int i = 0; i < m; i++) {
            scalar v = xj[(ptrdiff_t)i * rs] - s;
            buf[j + (size_t)i * p] = v;
            sum += v;
        }
        sums[j] += sum;
    }
}

/* G += buf buf^T on the lower triangle of column blocks (beta 0: G =). */
static void add_slab(int m, int p, const scalar *buf, scalar beta, scalar *g, int ldg,
                     int blocks, int syrk_diag)
{
    for (int b = 0; b < blocks; b++) {
        int c0 = (int)((long)p * b / blocks), c1 = (int)((long)p * (b + 1) / blocks);
        if (c1 <= c0)
            continue;
        scalar *gb = g + c0 + (size_t)c0 * ldg;
        if (syrk_diag) {
            xsyrk('L', 'N', c1 - c0, m, 1, buf + c0, p, beta, gb, ldg);
            if (c1 < p)
                xgemm('N', 'T', p - c1, c1 - c0, m, 1, buf + c1, p, buf + c0, p, beta,
                      gb + (c1 - c0), ldg);
        } else {
            xgemm('N', 'T', p - c0, c1 - c0, m, 1, buf + c0, p, buf + c0, p, beta, gb, ldg);
        }
    }
}

/* The slab loop: G (lower) = sum over slabs of the shifted outer products;
 * sums = column sums of X - 1 shift^T. */
static void shifted_gram(int n, int p, const scalar *x, ptrdiff_t rs, ptrdiff_t cs,
                         const scalar *shift, scalar *g, int ldg, int rows, int blocks,
                         int syrk_diag, scalar *buf, double *sums)
{
    memset(sums, 0, (size_t)p * sizeof(double));
    for (int r0 = 0; r0 < n; r0 += rows) {
        int m = n - r0 < rows ? n - r0 : rows;
        centred_slab(m, p, x, rs, cs, r0, shift, buf, sums);
        add_slab(m, p, buf, r0 == 0 ? 0 : 1, g, ldg, blocks, syrk_diag);
    }
}

/* shift = the column means of the first m rows. */
static void first_rows_mean(int m, int p, const scalar *x, ptrdiff_t rs, ptrdiff_t cs,
                            scalar *shift, double *sums)
{
    memset(sums, 0, (size_t)p * sizeof(double));
    for (int i = 0; i < m; i++)
        for (int j = 0; j < p; j++)
            sums[j] += x[(ptrdiff_t)i * rs + (ptrdiff_t)j * cs];
    for (int j = 0; j < p; j++)
        shift[j] = (scalar)(sums[j] / m);
}

/* mean = shift + d, G -= n d d^T with d = sums / n.  Returns whether the
 * correction cancelled more than half of some diagonal entry. */
static int correct_shift(int n, int p, const scalar *shift, const double *sums, scalar *mean,
                         scalar *g, int ldg, double *d)
{
    int cancelled = 0;
    for (int j = 0; j < p; j++) {
        d[j] = sums[j] / n;
        mean[j] = (scalar)(shift[j] + d[j]);
    }
    for (int j = 0; j < p; j++) {
        double nd = n * d[j];
        scalar *gj = g + (size_t)j * ldg;
        if (nd * d[j] > 0.5 * (double)gj[j])
            cancelled = 1;
        for (int i = j; i < p; i++)
            gj[i] = (scalar)((double)gj[i] - nd * d[i]);
    }
    return cancelled;
}

int EK(centered_gram)(int n, int p, const scalar *x, ptrdiff_t rs, ptrdiff_t cs, int have_mean,
                      scalar *mean, scalar *g, int ldg, int rows, int blocks, int syrk_diag,
                      scalar *buffer, double *acc)
{
    if (n < 1 || p < 1 || ldg < p || rows < 1 || blocks < 1)
        return -1;
    if (blocks > p)
        blocks = p;
    if (have_mean) {
        shifted_gram(n, p, x, rs, cs, mean, g, ldg, rows, blocks, syrk_diag, buffer, acc);
        return 0;
    }
    /* the shift lives in mean during the pass, then in the buffer (free by then) */
    first_rows_mean(n < rows ? n : rows, p, x, rs, cs, mean, acc);
    shifted_gram(n, p, x, rs, cs, mean, g, ldg, rows, blocks, syrk_diag, buffer, acc);
    memcpy(buffer, mean, (size_t)p * sizeof(scalar));
    if (correct_shift(n, p, buffer, acc, mean, g, ldg, acc + p))
        shifted_gram(n, p, x, rs, cs, mean, g, ldg, rows, blocks, syrk_diag, buffer, acc);
    return 0;
}
