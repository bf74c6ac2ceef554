/*
 * block_orthonormalize.h -- B-orthonormalize a tall block V in place,
 * dropping the directions that are linearly dependent on the others
 * (the orthonormalization step of LOBPCG; Duersch, Shao, Yang & Gu 2018).
 *
 * V := V T with T (m x r) such that V^H B V = I; the B-image BV and a
 * second image AV, when given, are transformed alike (BV = NULL means
 * B = I).  The r kept columns are packed to the front.  Cholesky QR twice
 * (Fukaya et al. 2014) when the Gram matrix is well enough conditioned;
 * otherwise first Householder QR of the column-scaled block (B = I) or the
 * eigenvalue decomposition of the scaled Gram matrix (SVQB, Stathopoulos
 * & Wu 2002; B != I), either of which drops the dependent directions.
 */
#ifndef EK_BLOCK_ORTHONORMALIZE_H
#define EK_BLOCK_ORTHONORMALIZE_H
#include <stddef.h>
#include "common/blas.h"

#define EK_DECLARE_BLOCK_ORTHO(p, scalar)                                                 \
    /* Bytes of workspace for blocks of up to m columns of length n. */                  \
    size_t ek_##p##_block_orthonormalize_workspace(int n, int m);                         \
    /* Returns r, the columns kept (0 <= r <= m), or -1 if the dense solver failed.     \
     * V, BV, AV share the leading dimension ld. */                                       \
    int ek_##p##_block_orthonormalize(int n, int m, scalar *V, scalar *BV, scalar *AV,     \
                                      int ld, void *work, int nthreads);

EK_DECLARE_BLOCK_ORTHO(s, float)
EK_DECLARE_BLOCK_ORTHO(d, double)
EK_DECLARE_BLOCK_ORTHO(c, ek_c)
EK_DECLARE_BLOCK_ORTHO(z, ek_z)
#undef EK_DECLARE_BLOCK_ORTHO

#endif
