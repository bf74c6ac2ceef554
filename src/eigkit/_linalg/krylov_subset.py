"""eigh's subsets at one end of the spectrum by block Lanczos.

``eigh(a, subset_by_index=[n - k, n - 1])`` with k << n (the PCA case)
needs only the k largest pairs, yet the direct solver pays for the whole
tridiagonal reduction, about (4/3) n^3 flops.  A block Lanczos method needs
a few hundred products of A with blocks of 8 columns (GEMM) when the
spectrum separates the wanted values from the rest, as a covariance
matrix's decaying spectrum does; on a flat spectrum (a random symmetric
matrix) it would need thousands and lose to the direct solver.

:func:`plan` decides whether to try, :func:`operand` lays the matrix out
with both triangles set (the direct solver can run on it too), and
:func:`solve` runs the compiled solve (:mod:`eigkit._kernels.krylov`) and
returns its pairs, or None: the caller then runs the direct solver on the
same array.  The path is given up

- before starting, for a subset that is not at one end of the spectrum, for
  k > n / 16, for n < ``min_n`` (where giving up would cost too large a
  share of the direct solver's time), and when the work budget would not
  cover two restart cycles;
- while running, when the work done, or the work predicted from the rate
  at which the residuals fall, exceeds the budget: a fraction of the
  direct solver's cost, so that giving up costs at most that fraction;
- at the end, when the certificate fails: LAPACK's test ratios
  ``||A Z - Z W||_1 / (||A|| n ulp)`` and ``||I - Z^H Z||_1 / (n ulp)``,
  recomputed from scratch, must stay below ``ratio_limit``.

The thresholds live in :data:`POLICY`; the tests lower ``min_n`` to run
both paths on small matrices.
"""
from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass

import numpy as np

from .._kernels import krylov as _krylov_kernels

#: The direct solver's cost for a subset of order n, in products of A with
#: one column (GEMM with 8 columns), divided by n.  Measured with one BLAS
#: thread on a loaded machine: 0.27, 0.38, 0.62, 0.84 at these orders.  With
#: two threads on a quiet one, the direct solver's times (0.25 s at n = 2000,
#: 1.05 s at 3000) over an estimated 0.3 / 0.6 ms per column give about 0.4
#: and 0.6.  The table takes the smaller; linear in between, constant beyond.
_DIRECT_COST_ORDERS = (500, 1000, 2000, 3000)
_DIRECT_COST_PER_ORDER = (0.27, 0.38, 0.4, 0.6)


@dataclass
class KrylovSubsetPolicy:
    """When eigh tries block Lanczos for a subset, and its limits."""

    #: smallest order tried.  Giving up costs the first restart cycle (64
    #: products and the layout pass): measured with one BLAS thread on a
    #: random symmetric matrix, 3 % of the direct solver's time at n = 3000,
    #: 5-7 % at 2000, 11-16 % at 1000 (more with two threads, where the
    #: direct solver gains more than the memory-bound products); a
    #: covariance matrix's top 10 took 0.16 of its time at n = 2000 and
    #: 0.08 at 3000.
    min_n: int = 2500
    #: largest k tried, as a fraction of n
    max_k_fraction: float = 1 / 16
    #: the Krylov work allowed, done or predicted, as a fraction of the
    #: direct solver's estimated cost
    budget_fraction: float = 0.3
    #: Lanczos block size: GEMM with 8 columns is still bound by reading A,
    #: so wider blocks cost little more per product but need more products
    block: int = 8
    #: the largest LAPACK test ratio certified (LAPACK's tests pass below 60)
    ratio_limit: float = 20.0
    #: the start block's seed: the same input gives the same answer
    seed: int = 0


POLICY = KrylovSubsetPolicy()


@contextlib.contextmanager
def direct_only():
    """Within the block, eigh never tries the Krylov path (the benchmarks
    time the direct solver this way).  Not thread-safe: it changes
    :data:`POLICY`."""
    saved = POLICY.min_n
    POLICY.min_n = sys.maxsize
    try:
        yield
    finally:
        POLICY.min_n = saved


def direct_cost(n):
    """The direct subset solver's cost at order n, in products of A with one
    column."""
    return n * float(np.interp(n, _DIRECT_COST_ORDERS, _DIRECT_COST_PER_ORDER))


def _basis_size(n, k, block):
    """Room for the k wanted vectors, and for a Krylov sequence several
    blocks long after each restart."""
    return min(n - 1, max(64, 2 * k + 4 * block))


@dataclass
class Plan:
    """One Krylov solve: k pairs at the top (largest) or bottom end, the
    work allowed, and whether the matrix's scale was found safe."""
    k: int
    largest: bool
    budget: float
    safe_scale: bool = False


def plan(n, il, iu, policy=None):
    """A :class:`Plan` if the pairs il..iu of a matrix of order n are worth
    a Krylov solve, else None."""
    policy = POLICY if policy is None else policy
    k = iu - il + 1
    at_top, at_bottom = iu == n - 1, il == 0
    if at_top == at_bottom or n < policy.min_n or k > policy.max_k_fraction * n:
        return None
    budget = policy.budget_fraction * direct_cost(n)
    if budget < 2 * _basis_size(n, k, policy.block):
        return None
    return Plan(k, at_top, budget)


def operand(plan, a, lower, dtype, may_overwrite):
    """``(h, conjugated)``: a Fortran-ordered ``dtype`` matrix holding the
    Hermitian A given by the `lower` (or upper) triangle of ``a`` in both
    triangles, or conj(A) when ``conjugated`` (as ``dense._lower_fortran``,
    whose contract for the lower triangle this keeps, so the direct solver
    can run on ``h``).  Records in ``plan`` whether the scale is safe.

    Whichever of ``a`` and its transpose is Fortran-ordered is copied (a
    plain copy, several times faster than a transposing one) or, when
    ``may_overwrite``, used in place; its given triangle is then mirrored.
    The transpose of a Hermitian matrix is its conjugate.
    """
    conjugated = not a.flags.f_contiguous and a.flags.c_contiguous
    source = a.T if conjugated else a
    from_lower = lower != conjugated
    if not (may_overwrite and source.dtype == dtype and source.flags.f_contiguous
            and source.flags.writeable):
        source = np.array(source, dtype=dtype, order="F")
    biggest = _krylov_kernels.hermitian_fill(source, from_lower)
    plan.safe_scale = _safe_scale(biggest, source.shape[0], dtype)
    return source, conjugated


def solve(work_a, plan, want_vectors, nthreads, policy=None):
    """The planned pairs of the Hermitian matrix ``work_a`` (both triangles
    set, by :func:`operand`), by block Lanczos: ``(w, v)`` (v None without
    vectors), or None when the direct solver should run instead."""
    policy = POLICY if policy is None else policy
    if not plan.safe_scale:
        return None
    n = work_a.shape[0]
    block = min(policy.block, (n - plan.k - 1) // 2)
    status, w, v, _ = _krylov_kernels.extreme_eigenpairs(
        work_a, plan.k, plan.largest, block, _basis_size(n, plan.k, block), plan.budget,
        policy.ratio_limit, nthreads, policy.seed)
    if status != 0:
        return None
    return w, (v if want_vectors else None)


def _safe_scale(biggest, n, dtype):
    """Whether products with A cannot overflow nor lose their accuracy to
    underflow: the direct solver scales such matrices, this path does not."""
    info = np.finfo(np.empty(0, dtype).real.dtype)
    low = np.sqrt(float(info.tiny)) / float(info.eps)
    high = np.sqrt(float(info.max)) * float(info.eps) / n
    return bool(np.isfinite(biggest)) and low <= biggest <= high
