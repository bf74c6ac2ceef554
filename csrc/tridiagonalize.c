/* STUB: to be replaced by the blocked Householder reduction. */
#include "types.h"
#include "tridiagonalize.h"

size_t EK(tridiagonalize_workspace)(int n) { return (size_t)(n > 1 ? n : 1); }

int EK(tridiagonalize)(int n, scalar *a, int lda, real *d, real *e, scalar *tau, scalar *work, size_t lwork)
{
    (void)n; (void)a; (void)lda; (void)d; (void)e; (void)tau; (void)work; (void)lwork;
    return -99;
}

size_t EK(apply_reflectors_workspace)(int n, int m) { (void)n; (void)m; return 1; }

int EK(apply_reflectors)(int n, int m, const scalar *a, int lda, const scalar *tau, scalar *z, int ldz,
                         scalar *work, size_t lwork)
{
    (void)n; (void)m; (void)a; (void)lda; (void)tau; (void)z; (void)ldz; (void)work; (void)lwork;
    return -99;
}
