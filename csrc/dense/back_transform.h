/*
 * back_transform.h -- Z := Q Z for the Q = H(0) H(1) ... H(n-2) that
 * ek_p_tridiagonalize leaves in A and tau (storage: tridiagonalize.h), by
 * compact-WY blocks (LAPACK's xORMTR/xUNMTR with xLARFT/xLARFB).
 *
 * All matrices are column-major.
 */
#ifndef EK_BACK_TRANSFORM_H
#define EK_BACK_TRANSFORM_H
#include <stddef.h>
#include "common/blas.h"

#define EK_DECLARE_BACK_TRANSFORM(p, scalar)                                        \
    /* Scalars of workspace ek_p_apply_reflectors needs for an n x m Z. */         \
    size_t ek_##p##_apply_reflectors_workspace(int n, int m);                       \
    /* Z := Q Z for the n x m matrix Z, Q as left by ek_p_tridiagonalize,          \
     * in blocks (compact WY).  Returns 0, or -1 if lwork is too small. */         \
    int ek_##p##_apply_reflectors(int n, int m, const scalar *a, int lda,          \
                                  const scalar *tau, scalar *z, int ldz,           \
                                  scalar *work, size_t lwork);

EK_DECLARE_BACK_TRANSFORM(s, float)
EK_DECLARE_BACK_TRANSFORM(d, double)
EK_DECLARE_BACK_TRANSFORM(c, ek_c)
EK_DECLARE_BACK_TRANSFORM(z, ek_z)
#undef EK_DECLARE_BACK_TRANSFORM

#endif
