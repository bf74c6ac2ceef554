"""eigsh when the Krylov basis would span the whole space.

When eigsh's first basis already holds n vectors, Lanczos builds an
orthonormal basis of all of C^n, one operator product per column, and its
Rayleigh-Ritz step is a dense eigenproblem of order n.  Solving the pencil
(A, M) directly gives the same eigenpairs without the basis's rounding
errors, which a Lanczos basis orthogonal in the M inner product multiplies
by cond(M), and without inner solves with A - sigma M: LAPACK's accuracy, and
faster at these sizes.

The spectral transformations of ARPACK's modes only choose which
eigenpairs are wanted: ``which`` applies to the eigenvalues nu of OP, which
are functions of those lambda of the pencil (1 / (lambda - sigma) in
shift-invert mode, (lambda + sigma) / (lambda - sigma) in Cayley mode).
Buckling mode is left to Lanczos: there M may be indefinite, and the pencil
is (A, M) with A the definite matrix.
"""
from __future__ import annotations

import numpy as np
from scipy.linalg import LinAlgError
from scipy.sparse import issparse
from scipy.sparse.linalg import aslinearoperator

from .._kernels.krylov import _checked


def as_dense(A, n, dtype, what):
    """A dense Hermitian copy of A (array, sparse matrix or operator) and the
    operator products spent: a LinearOperator is applied to the identity,
    and its result checked as Lanczos checks every product."""
    if issparse(A):
        a, products = A.toarray(), 0
    elif isinstance(A, np.ndarray):
        a, products = np.array(A, copy=True), 0
    else:
        a = _checked(aslinearoperator(A).matmat(np.eye(n, dtype=dtype)), n, n, dtype, what)
        products = n
    a = a.astype(dtype, copy=False)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{what} contains NaN or Inf")
    # the operator's rounding may leave A slightly non-Hermitian; Lanczos
    # would see the Hermitian part too
    return (a + a.conj().T) / 2, products


def transformed(lam, mode, sigma):
    """The eigenvalues nu of OP for the eigenvalues lam of the pencil."""
    if mode == 1:
        return lam
    with np.errstate(divide="ignore", invalid="ignore"):
        if mode == 3:
            return 1.0 / (lam - sigma)
        return (lam + sigma) / (lam - sigma)


def wanted(nu, k, which):
    """Indices of the k eigenvalues nu that ``which`` asks for."""
    if which == "LM":
        return np.argsort(-np.abs(nu), kind="stable")[:k]
    if which == "SM":
        return np.argsort(np.abs(nu), kind="stable")[:k]
    order = np.argsort(nu, kind="stable")
    if which == "LA":
        return order[::-1][:k]
    if which == "SA":
        return order[:k]
    # BE: half from each end, the extra one from the high end (ARPACK)
    high = k - k // 2
    return np.concatenate([order[:k // 2], order[len(order) - high:]])


def solve(A, M, k, sigma, mode, which, dtype, dense_eigh):
    """(lam, nu, z, products) of the k wanted pairs of A x = lam M x, or None
    when the pencil is not definite (M singular: Lanczos handles it).
    ``mode`` is ARPACK's number (1 standard or regular, 3 shift-invert,
    5 Cayley)."""
    n = A.shape[0]
    a, products = as_dense(A, n, dtype, "A")
    b = None
    if M is not None:
        b, m_products = as_dense(M, n, dtype, "M")
        products += m_products
    try:
        lam, z = dense_eigh(a, b=b)
    except LinAlgError:
        return None
    nu = transformed(lam, mode, sigma)
    pick = wanted(nu, k, which)
    return lam[pick], nu[pick], z[:, pick], products
