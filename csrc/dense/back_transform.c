/*
 * back_transform.c -- Z := Q Z for the Q of a Householder tridiagonal
 * reduction (tridiagonalize.h), as LAPACK's xORMTR/xUNMTR with side 'L',
 * trans 'N', uplo 'L'.
 *
 * The reflectors are grouped in blocks of nb; each block's product is
 * I - V T V^H with T upper triangular (compact WY, Schreiber and Van Loan,
 * "A storage-efficient WY representation for products of Householder
 * transformations", SIAM J. Sci. Stat. Comput. 10, 1989; LAPACK's xLARFT),
 * applied with level-3 BLAS (xLARFB); the blocks are applied last first
 * since Q = H(0) H(1) ... H(n-2).  All workspace comes from the caller.
 */
#include <string.h>
#include "common/types.h"
#include "common/tuning.h"
#include "dense/back_transform.h"

#define A_(i, j) EK_AT(a, lda, i, j)

static int imin(int x, int y) { return x < y ? x : y; }
static int imax(int x, int y) { return x > y ? x : y; }

/* T (k x k, upper) with H(0) ... H(k-1) = I - V T V^H for the len x k unit
 * lower trapezoidal V (ones implicit on its diagonal, zeros above): xLARFT,
 * direct = 'F', storev = 'C'.  Appending reflector i to the product,
 *     (I - V T V^H)(I - tau v v^H) = I - [V v] [T  -tau T V^H v; 0  tau] [V v]^H,
 * so column i of T is -tau T(0:i, 0:i) (V^H v), with
 * V^H v = conj(V(i, 0:i)) + V(i+1:len, 0:i)^H v(i+1:len). */
static void form_t(int len, int k, const scalar *v, int ldv, const scalar *tau, scalar *t, int ldt)
{
    for (int i = 0; i < k; i++) {
        scalar *ti = &EK_AT(t, ldt, 0, i);
        for (int j = 0; j < i; j++)
            ti[j] = -tau[i] * EK_CONJ(EK_AT(v, ldv, i, j));
        if (i > 0) {
            xgemv('C', len - i - 1, i, -tau[i], &EK_AT(v, ldv, i + 1, 0), ldv,
                  &EK_AT(v, ldv, i + 1, i), 1, 1, ti, 1);
            xtrmm('L', 'U', 'N', 'N', i, 1, 1, t, ldt, ti, ldt);
        }
        ti[i] = tau[i];
    }
}

/* C := (I - V T V^H) C for the len x m matrix C, V as in form_t (xLARFB,
 * side 'L', trans 'N', direct 'F', storev 'C').  With V = [V1; V2], V1 the
 * k x k unit lower triangle, and w (k x m) as workspace:
 *     W = V1^H C1 + V2^H C2,  W = T W,  C2 -= V2 W,  C1 -= V1 W. */
static void apply_block(int len, int m, int k, const scalar *v, int ldv, const scalar *t, int ldt,
                        scalar *c, int ldc, scalar *w)
{
    int rest = len - k;
    for (int j = 0; j < m; j++)
        memcpy(&EK_AT(w, k, 0, j), &EK_AT(c, ldc, 0, j), (size_t)k * sizeof(scalar));
    xtrmm('L', 'L', 'C', 'U', k, m, 1, v, ldv, w, k);
    if (rest > 0)
        xgemm('C', 'N', k, m, rest, 1, &EK_AT(v, ldv, k, 0), ldv, &EK_AT(c, ldc, k, 0), ldc, 1, w, k);
    xtrmm('L', 'U', 'N', 'N', k, m, 1, t, ldt, w, k);
    if (rest > 0)
        xgemm('N', 'N', rest, m, k, -1, &EK_AT(v, ldv, k, 0), ldv, w, k, 1, &EK_AT(c, ldc, k, 0), ldc);
    xtrmm('L', 'L', 'N', 'U', k, m, 1, v, ldv, w, k);
    for (int j = 0; j < m; j++)
        for (int i = 0; i < k; i++)
            EK_AT(c, ldc, i, j) -= EK_AT(w, k, i, j);
}

/* Z := H(0) ... H(n-2) Z one reflector at a time (xORM2L/xUNM2R-like),
 * for small n: the blocked form's TRMM calls on blocks this small are
 * threaded by some BLAS (OpenBLAS), whose thread start-up then costs more
 * than the product and, on a busy machine, many times more.  v holds the
 * reflector with its implicit unit entry. */
static void apply_unblocked(int n, int m, const scalar *a, int lda, const scalar *tau, scalar *z,
                            int ldz, scalar *v, scalar *w)
{
    for (int j = n - 2; j >= 0; j--) {
        int len = n - j - 1;
        if (tau[j] == 0)
            continue;
        v[0] = 1;
        for (int i = 1; i < len; i++)
            v[i] = A_(j + 1 + i, j);
        /* w = Z^H v, so v^H Z = w^H and Z -= tau v w^H is a GERC */
        xgemv('C', len, m, 1, &EK_AT(z, ldz, j + 1, 0), ldz, v, 1, 0, w, 1);
        xger(len, m, -tau[j], v, 1, w, 1, &EK_AT(z, ldz, j + 1, 0), ldz);
    }
}

size_t EK(apply_reflectors_workspace)(int n, int m)
{
    /* T (nb x nb) and W (nb x m). */
    return (size_t)EK_TUNE_APPLY_NB * EK_TUNE_APPLY_NB
           + (size_t)EK_TUNE_APPLY_NB * (size_t)imax(m, 1);
}

/* Z := Q Z.  Reflector j acts on rows j+1:n of Z; the n-1 reflectors are
 * cut into blocks of nb and, Q being H(0) H(1) ... H(n-2), the last block
 * is applied first. */
int EK(apply_reflectors)(int n, int m, const scalar *a, int lda, const scalar *tau, scalar *z, int ldz,
                         scalar *work, size_t lwork)
{
    if (n <= 1 || m <= 0)
        return 0;
    if (lwork < EK(apply_reflectors_workspace)(n, m))
        return -1;
    const int nb = EK_TUNE_APPLY_NB, nq = n - 1;
    scalar *t = work, *w = work + (size_t)nb * nb;
    if (n <= EK_TUNE_APPLY_UNBLOCKED_MAX) {
        apply_unblocked(n, m, a, lda, tau, z, ldz, t, w);
        return 0;
    }
    for (int j0 = (nq - 1) / nb * nb; j0 >= 0; j0 -= nb) {
        int k = imin(nb, nq - j0), len = n - j0 - 1;
        const scalar *v = &A_(j0 + 1, j0);
        form_t(len, k, v, lda, tau + j0, t, nb);
        apply_block(len, m, k, v, lda, t, nb, &EK_AT(z, ldz, j0 + 1, 0), ldz, w);
    }
    return 0;
}
