"""Reduced QR of a tall, narrow block, kept on the calling thread.

svds ends with a Rayleigh-Ritz step on an n x k block (k a few dozen at
most).  LAPACK's Householder QR applies each reflector by a rank-one update
(xGER), and OpenBLAS hands every such update of more than a few thousand
entries to its thread pool.  The work is tiny, but when the other cores are
busy (another process, another BLAS's pool still spinning) each hand-off
waits for a thread to be scheduled: milliseconds, more than the whole
solve at n = 1000.

Cholesky QR needs only the k x k Gram matrix Y^H Y (one GEMM, which stays
on the calling thread at these sizes), its Cholesky factor R and the
product Y R^-1.  It loses orthogonality as cond(Y)^2 eps, so it is done
twice, which makes it as accurate as Householder QR while cond(Y) is below
about eps^-1/2 (CholeskyQR2: Fukaya, Nakatsukasa, Yanagisawa & Yamamoto
2014, doi:10.1109/ScalA.2014.11; Yamamoto et al. 2015).  Beyond that, or when
the Gram matrix is not numerically positive definite, Householder QR takes
over.
"""
import numpy as np

#: cond(Y) * sqrt(eps) above which the first pass hands over to Householder
#: QR: CholeskyQR2's analysis needs cond(Y)^2 eps well below 1.
CONDITION_MARGIN = 1e-2


def tall_qr(Y):
    """``(Q, R)`` with ``Y = Q R``, Q's columns orthonormal and R upper
    triangular (k x k), for an n x k array Y with n >= k: the reduced QR
    of :func:`numpy.linalg.qr`, up to the signs of R's rows."""
    first = _cholesky_pass(Y)
    if first is not None:
        Q1, R1 = first
        second = _cholesky_pass(Q1)
        if second is not None:
            Q, R2 = second
            return Q, R2 @ R1
    return np.linalg.qr(Y)


def _cholesky_pass(Y):
    """One Cholesky QR pass, ``(Y R^-1, R)`` with R^H R = Y^H Y; None when
    the Gram matrix is too ill-conditioned for the pass to be trusted."""
    gram = Y.conj().T @ Y
    try:
        R = np.linalg.cholesky(gram).conj().T
    except np.linalg.LinAlgError:
        return None
    diagonal = np.abs(np.diag(R))
    eps = np.finfo(Y.dtype).eps
    # cond(R) = cond(Y): the ratio of R's diagonal extremes is a cheap lower
    # bound, and ||R|| ||R^-1|| (k x k, also cheap) the value itself.
    if not diagonal.size or diagonal.min() <= CONDITION_MARGIN * np.sqrt(eps) * diagonal.max():
        return None
    inverse = _upper_inverse(R)
    if np.linalg.norm(inverse, 2) * np.linalg.norm(R, 2) * np.sqrt(eps) > CONDITION_MARGIN:
        return None
    return Y @ inverse, R


def _upper_inverse(R):
    """R^-1 of an upper triangular k x k R by back substitution, row by row
    from the last: X[i, i+1:] = -R[i, i+1:] X[i+1:, i+1:] / R[i, i].  Not
    LAPACK's xTRTRS, which OpenBLAS hands to its threads even at k = 10."""
    inverse = np.zeros_like(R)
    for i in range(R.shape[0] - 1, -1, -1):
        inverse[i, i] = 1 / R[i, i]
        inverse[i, i + 1:] = -(R[i, i + 1:] @ inverse[i + 1:, i + 1:]) * inverse[i, i]
    return inverse
