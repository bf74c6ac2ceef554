/* STUB: to be replaced by bisection and inverse iteration. */
#include "types.h"
#include "bisection.h"

int EK(sturm_count)(int n, const real *d, const real *e, real x) { (void)n; (void)d; (void)e; (void)x; return -99; }

int EK(eigvals_by_index)(int n, const real *d, const real *e, int il, int iu, real abstol, real *w)
{ (void)n; (void)d; (void)e; (void)il; (void)iu; (void)abstol; (void)w; return -99; }

int EK(eigvals_by_value)(int n, const real *d, const real *e, real vl, real vu, real abstol, int *m, real *w)
{ (void)n; (void)d; (void)e; (void)vl; (void)vu; (void)abstol; (void)w; *m = 0; return -99; }

size_t EK(inverse_iteration_workspace)(int n) { return (size_t)(n > 1 ? n : 1); }
size_t EK(inverse_iteration_iworkspace)(int n) { return (size_t)(n > 1 ? n : 1); }

int EK(inverse_iteration)(int n, const real *d, const real *e, int m, const real *w, real *z, int ldz,
                          real *work, int *iwork)
{ (void)n; (void)d; (void)e; (void)m; (void)w; (void)z; (void)ldz; (void)work; (void)iwork; return -99; }
