/*
 * rotations.h -- applying stored sequences of plane rotations to a matrix,
 * several sequences at once in cache-blocked wavefronts (Van Zee, van de
 * Geijn, Quintana-Orti, "Restructuring the tridiagonal and bidiagonal QR
 * algorithms for performance", ACM TOMS 40(3), 2014).
 *
 * Sequence j (j = 0..k-1, applied in that order) is the product
 * G(j,0) G(j,1) ... G(j,n-2), where G(j,i) acts on columns i and i+1 of Z:
 *     [z_i, z_{i+1}] := [z_i, z_{i+1}] [ c  -s ]      c = c[i + j*ldcs]
 *                                      [ s   c ]      s = s[i + j*ldcs]
 * i.e. z_i' = c z_i + s z_{i+1},  z_{i+1}' = -s z_i + c z_{i+1}.
 * Within a sequence the rotations are applied in increasing i.  An
 * identity rotation (c = 1, s = 0) pads the parts of a sequence that a
 * sweep did not touch.
 *
 * Scaled ("fast") rotations, for tridiagonal_qr.c: rotation (j, i) is
 *     z_i' = p z_i + q z_{i+1},   z_{i+1}' = p z_{i+1} + r z_i
 * (p, q, r at [i + j*ldcs]; p = c, q = s, r = -s is the rotation above),
 * and when p == 1 exactly it costs two fused multiply-adds a row instead
 * of four operations.  backward != 0 applies each sequence in decreasing i
 * (LAPACK xLASR's DIRECT = 'B').  After the k sequences, column i of Z is
 * multiplied by colscale[i] when colscale is not NULL.  top and bot (both
 * NULL, or both given) promise that column i of Z is zero outside rows
 * top[i] .. bot[i] before, during and after the k sequences: rows and
 * columns known to stay zero are skipped.
 */
#ifndef EK_ROTATIONS_H
#define EK_ROTATIONS_H

#define EK_DECLARE_ROTATIONS(p, real)                                               \
    /* Z (m x n) := Z G(0,.) G(1,.) ... G(k-1,.), rows shared among nthreads     \
     * >= 1 threads. */                                                            \
    void ek_##p##_apply_rotation_sequences(int m, int n, int k, const real *c,     \
                                           const real *s, int ldcs, real *z,       \
                                           int ldz, int nthreads);                 \
    /* Scaled rotations, as described above. */                                  \
    void ek_##p##_apply_scaled_rotation_sequences(                                 \
        int m, int n, int k, const real *pc, const real *qc, const real *rc,       \
        int ldcs, const real *colscale, const int *top, const int *bot, real *z,   \
        int ldz, int backward, int nthreads);

EK_DECLARE_ROTATIONS(s, float)
EK_DECLARE_ROTATIONS(d, double)
#undef EK_DECLARE_ROTATIONS

#endif
