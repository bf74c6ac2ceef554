/*
 * inverse_iteration.h -- eigenvectors of a real symmetric tridiagonal T for
 * given eigenvalues by inverse iteration with reorthogonalization inside
 * clusters (Wilkinson; Jessup & Ipsen 1992; LAPACK's xSTEIN).  The
 * eigenvalues usually come from bisection (bisection.h).
 */
#ifndef EK_INVERSE_ITERATION_H
#define EK_INVERSE_ITERATION_H
#include <stddef.h>

#define EK_DECLARE_INVERSE_ITERATION(p, real)                                       \
    /* Reals / ints of workspace ek_p_inverse_iteration needs. */                  \
    size_t ek_##p##_inverse_iteration_workspace(int n);                             \
    size_t ek_##p##_inverse_iteration_iworkspace(int n);                            \
    /* Eigenvectors for the m ascending eigenvalues w of T into the n x m Z,       \
     * orthonormal, each of unit norm with its largest entry positive.  Works   \
     * per unreduced block (each w is matched to a block by Sturm counts), so    \
     * no block information is needed.  Deterministic (fixed-seed start         \
     * vectors).  Returns 0, k > 0 if k vectors failed to converge (they are     \
     * still normalised), or -1 if m > n.  Inf/NaN in T or w give NaN vectors. */ \
    int ek_##p##_inverse_iteration(int n, const real *d, const real *e, int m,      \
                                   const real *w, real *z, int ldz, real *work,     \
                                   int *iwork);

EK_DECLARE_INVERSE_ITERATION(s, float)
EK_DECLARE_INVERSE_ITERATION(d, double)
#undef EK_DECLARE_INVERSE_ITERATION

#endif
