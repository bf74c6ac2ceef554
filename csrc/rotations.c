/* STUB: to be replaced by wavefront rotation kernels. */
#include "types.h"
#include "rotations.h"

void EK(apply_rotation_sequences)(int m, int n, int k, const real *c, const real *s, int ldcs, real *z, int ldz, int nthreads)
{
    (void)nthreads;
    (void)m; (void)n; (void)k; (void)c; (void)s; (void)ldcs; (void)z; (void)ldz;
}
