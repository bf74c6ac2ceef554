/* blas.c -- filling the table of building blocks (see blas.h) with the
 * entry points of scipy.linalg.cython_blas / cython_lapack. */
#include <string.h>
#include "common/blas.h"

ek_blas_table ek_blas;

int ek_blas_install(const char *name, ek_any_fn fn)
{
#define EK_BLAS_SET(nm, ret, params)                                     \
    if (strcmp(name, #nm) == 0) {                                        \
        ek_blas.nm = (ret (*) params)fn;                                 \
        return 0;                                                        \
    }
    EK_BLAS_ROUTINES(EK_BLAS_SET)
#undef EK_BLAS_SET
    return -1;
}

const char *ek_blas_missing(void)
{
#define EK_BLAS_CHECK(nm, ret, params)                                   \
    if (ek_blas.nm == NULL)                                              \
        return #nm;
    EK_BLAS_ROUTINES(EK_BLAS_CHECK)
#undef EK_BLAS_CHECK
    return NULL;
}
