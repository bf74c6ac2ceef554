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
    /* Number of eigenvalues of T less than x, from the signs of the LDL^T       \
     * pivots of T - xI (a pivot within pivmin of zero counts as negative, as in \
     * LAPACK, so an eigenvalue equal to x to rounding is counted: this is what  \
     * makes value intervals (vl, vu]).  Safe for any finite or infinite x and  \
     * entries anywhere in the floating-point range (T is scaled by a power of  \
     * two); NaN input gives some count, never a hang. */                       \
    int ek_##p##_sturm_count(int n, const real *d, const real *e, real x);          \
    /* Eigenvalues il..iu (0-based, inclusive, ascending) of T into               \
     * w[0:iu-il+1], each to absolute accuracy abstol (abstol <= 0: LAPACK's      \
     * default, eps * max|Gershgorin bound| of each unreduced block, i.e. about   \
     * one ulp of ||T||; intervals also stop at 2 eps |lambda|).  Returns 0, or   \
     * -1 if not 0 <= il, iu < n.  Inf/NaN in T give NaN values. */               \
    int ek_##p##_eigvals_by_index(int n, const real *d, const real *e, int il,      \
                                  int iu, real abstol, real *w);                    \
    /* Eigenvalues of T in the half-open interval (vl, vu], ascending, into w      \
     * (room for n); *m receives their number (0 if T holds Inf/NaN).  abstol as  \
     * above.  Returns 0. */                                                       \
    int ek_##p##_eigvals_by_value(int n, const real *d, const real *e, real vl,     \
                                  real vu, real abstol, int *m, real *w);           \
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

EK_DECLARE_BISECTION(s, float)
EK_DECLARE_BISECTION(d, double)
#undef EK_DECLARE_BISECTION

#endif
