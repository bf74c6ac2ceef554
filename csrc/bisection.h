/*
 * bisection.h -- selected eigenpairs of a real symmetric tridiagonal T:
 * Sturm-count bisection for the eigenvalues (Kahan; Demmel, Dhillon, Ren,
 * "On the correctness of some bisection-like parallel eigenvalue
 * algorithms in floating point arithmetic", 1995), and inverse iteration
 * with reorthogonalization inside clusters for the eigenvectors (Wilkinson;
 * Jessup & Ipsen 1992; LAPACK's xSTEIN).
 */
#ifndef EK_BISECTION_H
#define EK_BISECTION_H
#include <stddef.h>

#define EK_DECLARE_BISECTION(p, real)                                               \
    /* Number of eigenvalues of T strictly less than x. */                         \
    int ek_##p##_sturm_count(int n, const real *d, const real *e, real x);          \
    /* Eigenvalues il..iu (0-based, inclusive, ascending) of T into               \
     * w[0:iu-il+1], each to absolute accuracy abstol (abstol <= 0 means          \
     * 2 * safe minimum, i.e. full relative-to-||T|| accuracy).  Returns 0. */     \
    int ek_##p##_eigvals_by_index(int n, const real *d, const real *e, int il,      \
                                  int iu, real abstol, real *w);                    \
    /* Eigenvalues of T in the half-open interval (vl, vu], ascending, into w      \
     * (room for n); *m receives their number.  Returns 0. */                      \
    int ek_##p##_eigvals_by_value(int n, const real *d, const real *e, real vl,     \
                                  real vu, real abstol, int *m, real *w);           \
    /* Reals / ints of workspace ek_p_inverse_iteration needs. */                  \
    size_t ek_##p##_inverse_iteration_workspace(int n);                             \
    size_t ek_##p##_inverse_iteration_iworkspace(int n);                            \
    /* Eigenvectors for the m ascending eigenvalues w of T into the n x m Z,       \
     * orthonormal.  Returns 0, or k > 0 if k vectors failed to converge. */       \
    int ek_##p##_inverse_iteration(int n, const real *d, const real *e, int m,      \
                                   const real *w, real *z, int ldz, real *work,     \
                                   int *iwork);

EK_DECLARE_BISECTION(s, float)
EK_DECLARE_BISECTION(d, double)
#undef EK_DECLARE_BISECTION

#endif
