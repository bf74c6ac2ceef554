/* dot.h -- inner products of the reductions (BLAS xDOT / xDOTC's role):
 * x^T y for real vectors with eight partial sums so that it vectorizes,
 * and conj(v)^T x for the precision's scalars; the order of the additions
 * is then fixed by this code, not by the compiler.  Shared by
 * tridiagonalize.c, bulge_chasing.c and batched.c.  Include after
 * types.h: `real` and `scalar` are the precision's types. */
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

/* conj(v)^T x with independent partial sums, so that the additions
 * pipeline instead of waiting for one another. */
EK_ALWAYS_INLINE scalar dot_conj(int len, const scalar *v, const scalar *x)
{
#if EK_IS_COMPLEX
    real re[4] = {0, 0, 0, 0}, im[4] = {0, 0, 0, 0};
    int i = 0;
    for (; i + 3 < len; i += 4)
        for (int k = 0; k < 4; k++) {
            real vr = EK_RE(v[i + k]), vi = EK_IM(v[i + k]);
            real xr = EK_RE(x[i + k]), xi = EK_IM(x[i + k]);
            re[k] += vr * xr + vi * xi;
            im[k] += vr * xi - vi * xr;
        }
    for (; i < len; i++) {
        real vr = EK_RE(v[i]), vi = EK_IM(v[i]), xr = EK_RE(x[i]), xi = EK_IM(x[i]);
        re[0] += vr * xr + vi * xi;
        im[0] += vr * xi - vi * xr;
    }
    scalar s;
    __real__ s = (re[0] + re[1]) + (re[2] + re[3]);
    __imag__ s = (im[0] + im[1]) + (im[2] + im[3]);
    return s;
#else
    return real_dot8(len, v, x);
#endif
}

#endif
