/*
 * dense_operator.c -- the full-storage Hermitian matrix of a Krylov solve:
 * a triangle mirrored into the other, then GEMM (see dense_operator.h).
 */
#include "common/types.h"
#include "common/tuning.h"
#include "krylov/dense_operator.h"

static real entry_size(scalar x)
{
    real re = EK_FABS(EK_RE(x)), im = EK_FABS(EK_IM(x));
    return re > im ? re : im;
}

real EK(hermitian_fill)(int n, scalar *a, int lda, char uplo)
{
    int from_lower = uplo == 'L' || uplo == 'l';
    real big = 0;
    int finite = 1;
    for (int j0 = 0; j0 < n; j0 += EK_TUNE_MIRROR_TILE) {
        int j1 = j0 + EK_TUNE_MIRROR_TILE < n ? j0 + EK_TUNE_MIRROR_TILE : n;
        for (int i0 = j0; i0 < n; i0 += EK_TUNE_MIRROR_TILE) {
            int i1 = i0 + EK_TUNE_MIRROR_TILE < n ? i0 + EK_TUNE_MIRROR_TILE : n;
            /* the tile pair (i0:i1, j0:j1) of the lower triangle and its
             * mirror (j0:j1, i0:i1): the source is read along its columns */
            for (int q = from_lower ? j0 : i0; q < (from_lower ? j1 : i1); q++)
                for (int p = from_lower ? i0 : j0; p < (from_lower ? i1 : j1); p++) {
                    int i = from_lower ? p : q, j = from_lower ? q : p; /* i >= j */
                    if (i < j)
                        continue;
                    scalar x = from_lower ? EK_AT(a, lda, i, j) : EK_AT(a, lda, j, i);
                    real s = entry_size(x);
                    finite &= (s - s == 0);
                    big = s > big ? s : big;
                    if (i == j)
                        EK_AT(a, lda, i, i) = EK_RE(x);
                    else if (from_lower)
                        EK_AT(a, lda, j, i) = EK_CONJ(x);
                    else
                        EK_AT(a, lda, i, j) = EK_CONJ(x);
                }
        }
    }
    return finite ? big : (real)NAN;
}

void EK(dense_operator_apply)(const ek_dense_operator *op, int ncols, const scalar *x, int ldx,
                              scalar *y, int ldy)
{
    xgemm('N', 'N', op->n, ncols, op->n, 1, (const scalar *)op->a, op->lda, x, ldx, 0, y, ldy);
}
