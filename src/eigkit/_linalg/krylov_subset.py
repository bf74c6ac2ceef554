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
  k > n / 16, for n < 1000 (where giving up would cost too large a share
  of the direct solver's time), and when the work budget would not cover
  three restart cycles;
- after laying out the matrix, when its spectrum looks flat: an estimated
  stable rank ``||A||_F^2 / ||A||_2^2`` above a fraction of n (a random
  symmetric matrix has about n / 4, a noise covariance n / 8 to n / 4), or
  the end of the spectrum that dominates in magnitude is not the wanted
  one.  The test costs one pass over A and three matrix-vector products, a
  few percent of the direct solver's time, where a first restart cycle
  costs 64 products;
- while running, when the work done, or the work predicted from the rate
  at which the residuals fall, exceeds the budget: a fraction of the
  direct solver's cost, so that giving up costs at most that fraction;
- at the end, when the certificate fails: LAPACK's test ratios
  ``||A Z - Z W||_1 / (||A|| n ulp)`` and ``||I - Z^H Z||_1 / (n ulp)``,
  recomputed from scratch, must stay below 20.

These thresholds and the direct solver's cost table are tunables
(``krylov_subset_*`` in :mod:`eigkit._tuning`), read at every call.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _tuning
from .._kernels import krylov as _krylov_kernels

#: the start block's seed: the same input gives the same answer
_SEED = 0


def direct_cost(n):
    """The direct subset solver's cost at order n, in products of A with one
    column."""
    return n * float(np.interp(n, _tuning.value("krylov_subset_cost_orders"),
                               _tuning.value("krylov_subset_cost_per_order")))


def _basis_size(n, k, block):
    """Room for the k wanted vectors, and for a Krylov sequence several
    blocks long after each restart."""
    return min(n - 1, max(64, 2 * k + 4 * block))


#: restart cycles the budget must cover for a try to be worth starting:
#: even a decaying spectrum's top pairs take two or three
_MIN_CYCLES = 3


def _cycle_work(n, k):
    """The work of one restart cycle, in products of A with one column: the
    basis's products, each with its two orthogonalizations against the
    basis and its share of the restart (about 4 n ncv multiply-adds, as the
    compiled solve counts it)."""
    ncv = _basis_size(n, k, _tuning.value("krylov_subset_block"))
    return ncv * (1 + 4.0 * ncv / n)


@dataclass
class Plan:
    """One Krylov solve: k pairs at the top (largest) or bottom end, the
    work allowed, and whether the matrix's scale was found safe."""
    k: int
    largest: bool
    budget: float
    safe_scale: bool = False


def plan(n, il, iu):
    """A :class:`Plan` if the pairs il..iu of a matrix of order n are worth
    a Krylov solve, else None."""
    k = iu - il + 1
    at_top, at_bottom = iu == n - 1, il == 0
    if (at_top == at_bottom or n < _tuning.value("krylov_subset_min_order")
            or k > _tuning.value("krylov_subset_max_fraction") * n):
        return None
    # giving up then costs at most this fraction of the direct solver's time
    budget = _tuning.value("krylov_subset_budget") * direct_cost(n)
    if budget < _MIN_CYCLES * _cycle_work(n, k):
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


def solve(work_a, plan, want_vectors, nthreads):
    """The planned pairs of the Hermitian matrix ``work_a`` (both triangles
    set, by :func:`operand`), by block Lanczos: ``(w, v)`` (v None without
    vectors), or None when the direct solver should run instead."""
    if not plan.safe_scale or _looks_flat(work_a, plan.largest):
        return None
    n = work_a.shape[0]
    block = min(_tuning.value("krylov_subset_block"), (n - plan.k - 1) // 2)
    status, w, v, _ = _krylov_kernels.extreme_eigenpairs(
        work_a, plan.k, plan.largest, block, _basis_size(n, plan.k, block), plan.budget,
        _tuning.value("krylov_subset_ratio_limit"), nthreads, _SEED)
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


def _looks_flat(a, largest):
    """Whether the spectrum of the Hermitian ``a`` (both triangles set) is
    too flat at the wanted end for block Lanczos to beat the direct solver.

    Lanczos separates the k extreme eigenvalues in few products when they
    stand out from the rest, and the stable rank ``||A||_F^2 / ||A||_2^2``
    (the number of eigenvalues as large as the largest that would carry the
    same Frobenius norm) measures how much they stand out.  ``||A||_2`` is
    estimated by three power steps from a fixed start, ``||A^3 x|| / ||A^2
    x||``, which can only underestimate it: the estimated stable rank errs
    towards the direct solver.  The sign of the Rayleigh quotient of
    ``A^2 x`` tells which end of the spectrum dominates.
    """
    n = a.shape[0]
    entries = a.ravel(order="K")
    frobenius2 = float(np.vdot(entries, entries).real)
    x = np.random.default_rng(_SEED).standard_normal(n).astype(a.dtype)
    once = a @ x
    twice = a @ once
    thrice = a @ twice
    power2 = float(np.vdot(twice, twice).real)
    rayleigh = float(np.vdot(twice, thrice).real)
    if power2 == 0.0 or (rayleigh > 0) != largest:
        return True
    norm2_estimate = float(np.vdot(thrice, thrice).real) / power2
    stable_rank = frobenius2 / norm2_estimate
    return stable_rank > _tuning.value("krylov_subset_max_stable_rank") * n
