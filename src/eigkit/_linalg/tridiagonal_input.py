"""eigsh of a sparse matrix that is already tridiagonal.

A real symmetric tridiagonal matrix (the 1-D Laplacian, a path graph, a
Jacobi matrix of orthogonal polynomials) needs no Krylov space: bisection
on Sturm counts finds any k eigenvalues in O(n k) operations and inverse
iteration their vectors (eigkit.eigh_tridiagonal, LAPACK's stebz/stein
approach).  It is also where Lanczos is at its worst: the extreme
eigenvalues of the 1-D Laplacian of order n are spaced by about
(pi / n)^2 against a spread of 4, so a restarted Krylov method needs tens
of thousands of products at n = 10000 (ARPACK: minutes), and the direct
route a few milliseconds, to full accuracy.

Only the standard problem (no M, no sigma) with ``which`` LA, SA, BE or LM
takes this route; SM, whose wanted values lie inside the spectrum, and
complex Hermitian matrices stay with Lanczos.
"""
from __future__ import annotations

import numpy as np
from scipy.sparse import issparse

#: the values of ``which`` answered here
WHICH = ("LA", "SA", "BE", "LM")


def diagonals(A, dtype):
    """(d, e) when A is a real sparse matrix with entries only on its main
    diagonal and the two next to it, and symmetric; None otherwise."""
    n = A.shape[0]
    if not issparse(A) or np.dtype(dtype).kind != "f" or n < 2 or A.nnz > 3 * n - 2:
        return None
    try:
        coo = A.tocoo()
        offsets = coo.col.astype(np.int64) - coo.row.astype(np.int64)
        if offsets.size and np.abs(offsets).max() > 1:
            return None
        csr = coo.tocsr()
    except (ValueError, IndexError):
        # a malformed matrix: Lanczos's structure check names the problem
        return None
    d = csr.diagonal(0).astype(dtype)
    upper, lower = csr.diagonal(1).astype(dtype), csr.diagonal(-1).astype(dtype)
    if not np.array_equal(upper, lower) or not (np.all(np.isfinite(d))
                                                and np.all(np.isfinite(upper))):
        return None
    return d, upper


def _indices(n, k, which):
    """Eigenvalue index ranges (ascending order) that hold the wanted ones."""
    if which == "LA":
        return [(n - k, n - 1)]
    if which == "SA":
        return [(0, k - 1)]
    if which == "BE":
        low = k // 2
        return ([(0, low - 1)] if low else []) + [(n - (k - low), n - 1)]
    # LM: the k largest in magnitude lie among the k smallest and k largest
    if 2 * k >= n:
        return [(0, n - 1)]
    return [(0, k - 1), (n - k, n - 1)]


#: inverse iteration keeps the vectors of eigenvalues closer than this
#: fraction of ||T|| orthogonal only within one call (LAPACK's dstein)
_CLUSTER = 1e-3


def solve(d, e, k, which, with_vectors, eigh_tridiagonal):
    """The k wanted eigenvalues (and vectors) of the tridiagonal (d, e), in
    ascending order; None when the two ends wanted (BE, LM) lie so close
    that vectors computed apart might not be orthogonal (a nearly scalar
    matrix: Lanczos answers)."""
    n = d.shape[0]
    parts = [eigh_tridiagonal(d, e, eigvals_only=not with_vectors, select="i",
                              select_range=bounds) for bounds in _indices(n, k, which)]
    if with_vectors:
        w = np.concatenate([p[0] for p in parts])
        v = np.concatenate([p[1] for p in parts], axis=1)
        if len(parts) == 2:
            scale = np.abs(d).max() + 2 * np.abs(e).max(initial=0)
            if parts[1][0][0] - parts[0][0][-1] <= _CLUSTER * scale:
                return None
    else:
        w, v = np.concatenate(parts), None
    if which == "LM" and len(w) > k:
        keep = np.sort(np.argsort(-np.abs(w), kind="stable")[:k])
        w = w[keep]
        v = None if v is None else v[:, keep]
    return w, v
