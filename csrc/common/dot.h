/* dot.h -- x^T y for real vectors (BLAS xDOT's role), with eight partial
 * sums so that it vectorizes; the order of the additions is then fixed by
 * this code, not by the compiler.  Shared by the reductions' inner
 * products (tridiagonalize.c, bulge_chasing.c).  Include after types.h:
 * `real` is the precision's real type. */
#ifndef EK_DOT_H
#define EK_DOT_H

#if defined(__GNUC__)
#define EK_ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define EK_ALWAYS_INLINE static inline
#endif

EK_ALWAYS_INLINE real real_dot8(int n, const real *restrict x, const real *restrict y)
{
    real acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int i = 0;
    for (; i + 7 < n; i += 8)
        for (int k = 0; k < 8; k++)
            acc[k] += x[i + k] * y[i + k];
    for (; i < n; i++)
        acc[0] += x[i] * y[i];
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

#endif
