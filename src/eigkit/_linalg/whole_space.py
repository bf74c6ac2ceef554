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
from scipy.linalg import LinAlgError, lu_factor, lu_solve
from scipy.sparse import issparse
from scipy.sparse.linalg import aslinearoperator

from .._kernels.krylov import _checked
from .block_operator import block_product


def as_dense(A, n, dtype, what):
    """A dense Hermitian copy of A (array, sparse matrix or operator) and the
    operator products spent: a LinearOperator is applied to the identity,
    and its result checked as Lanczos checks every product."""
    if issparse(A):
        a, products = A.toarray(), 0
    elif isinstance(A, np.ndarray):
        a, products = np.array(A, copy=True), 0
    else:
        a = _checked(block_product(aslinearoperator(A))(np.eye(n, dtype=dtype)), n, n, dtype,
                     what)
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
    when the pencil is neither definite nor a shift-invert or Cayley one
    with M positive semidefinite (then Lanczos takes it).  ``mode`` is
    ARPACK's number (1 standard or regular, 3 shift-invert, 5 Cayley)."""
    n = A.shape[0]
    a, products = as_dense(A, n, dtype, "A")
    b = None
    if M is not None:
        b, m_products = as_dense(M, n, dtype, "M")
        products += m_products
    try:
        lam, z = dense_eigh(a, b=b)
    except LinAlgError:
        if b is None or mode not in (3, 5):
            return None
        finite = semidefinite_mass(a, b, sigma, dense_eigh)
        if finite is None or finite[0].shape[0] < k:
            return None
        lam, z = finite
    nu = transformed(lam, mode, sigma)
    pick = wanted(nu, k, which)
    return lam[pick], nu[pick], z[:, pick], products


def semidefinite_mass(a, b, sigma, dense_eigh):
    """``(lam, z)``: the finite eigenpairs of A x = lam M x for a positive
    semidefinite, singular M, z M-orthonormal; None if M is indefinite or
    A - sigma M singular.

    Shift-invert's OP = (A - sigma M)^-1 M is zero on null(M), the infinite
    eigenvalues, which no Krylov space of OP holds.  With M = F F^H (F of
    rank r, from M's eigenvalues above n eps ||M||) and C = A - sigma M,
    OP x = nu x with nu != 0 is the r x r Hermitian problem
    S y = nu y, S = F^H C^-1 F, y = F^H x; then x = C^-1 F y / nu, lam =
    sigma + 1 / nu, and x^H M x = y^H S^2 y / nu^2 = 1 for a unit y.
    """
    n = a.shape[0]
    d, u = dense_eigh(b)
    top = np.max(np.abs(d)) if d.size else 0.0
    floor = n * np.finfo(d.dtype).eps * top
    if not top > 0 or d.min() < -floor:
        return None
    keep = d > floor
    f = u[:, keep] * np.sqrt(d[keep])
    try:
        factors = lu_factor(a - sigma * b, check_finite=False)
    except (LinAlgError, ValueError):
        return None
    g = lu_solve(factors, f, check_finite=False)
    if not np.all(np.isfinite(g)):
        return None
    s = f.conj().T @ g
    nu, y = dense_eigh((s + s.conj().T) / 2)
    nonzero = np.abs(nu) > n * np.finfo(d.dtype).eps * np.max(np.abs(nu))
    nu, y = nu[nonzero], y[:, nonzero]
    z = (g @ y) / nu
    return sigma + 1.0 / nu, z
