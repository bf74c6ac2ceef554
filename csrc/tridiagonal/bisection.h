/*
 * bisection.h -- selected eigenvalues of a real symmetric tridiagonal T by
 * Sturm-count bisection (Kahan; Demmel, Dhillon, Ren, "On the correctness
 * of some bisection-like parallel eigenvalue algorithms in floating point
 * arithmetic", 1995; LAPACK's xSTEBZ).  Their eigenvectors:
 * inverse_iteration.h.
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
                                  real vu, real abstol, int *m, real *w);

EK_DECLARE_BISECTION(s, float)
EK_DECLARE_BISECTION(d, double)
#undef EK_DECLARE_BISECTION

#endif
