"""The smallest eigenvectors of a graph Laplacian by LOBPCG with an
algebraic multigrid preconditioner: ``eigen_solver='amg'`` of the spectral
estimators.

As scikit-learn does, the preconditioner is pyamg's smoothed-aggregation
solver (one V-cycle per application, here to the whole block at once:
:class:`eigkit._linalg.multigrid.BlockVCycle`) built on L + 1e-5 I: L itself is
singular, and a multigrid hierarchy of a singular matrix may fail
(Knyazev 2017, doi:10.1007/s10208-015-9297-1 on preconditioning singular
Laplacians).  Unlike scikit-learn, the null space (one vector per
connected component, known exactly) is not iterated for: it is passed to
:func:`eigkit.lobpcg` as constraints, the iteration is not cut at 20 steps,
and a solve that misses the tolerance falls back to block Lanczos instead
of returning unconverged vectors.
"""
import warnings

import numpy as np
from scipy import sparse

from .._linalg.multigrid import BlockVCycle
from ..lobpcg import LobpcgNoConvergence, lobpcg

#: the diagonal shift of the matrix the multigrid hierarchy is built on
AMG_SHIFT = 1e-5
#: LOBPCG iterations before giving up on the preconditioned solve
AMG_MAX_ITERATIONS = 300


def amg_preconditioner(lap):
    """pyamg's smoothed-aggregation V-cycle for L + AMG_SHIFT I, applied to a
    block of vectors in one cycle."""
    from pyamg import smoothed_aggregation_solver

    shifted = sparse.csr_matrix(lap + AMG_SHIFT * sparse.identity(lap.shape[0], format="csr"))
    return BlockVCycle(smoothed_aggregation_solver(shifted))


def amg_smallest(lap, k, tol, random_state, null):
    """Vectors of the k smallest eigenvalues of the sparse Laplacian ``lap``
    (the known null space ``null`` first), or None when the preconditioned
    solve misses ``tol``; the caller then takes another solver."""
    n_null = null.shape[1]
    if k <= n_null:
        return null[:, :k]
    X = random_state.standard_normal((lap.shape[0], k - n_null))
    with warnings.catch_warnings():
        warnings.simplefilter("error", LobpcgNoConvergence)
        try:
            _, vectors = lobpcg(lap, X, M=amg_preconditioner(lap), Y=null, tol=tol,
                                largest=False, maxiter=AMG_MAX_ITERATIONS)
        except LobpcgNoConvergence:
            return None
    return np.hstack([null, vectors])
