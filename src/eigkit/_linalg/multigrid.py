"""One multigrid V-cycle for a whole block of vectors, from a pyamg hierarchy.

pyamg's ``MultilevelSolver.aspreconditioner()`` is a LinearOperator with a
matvec only: a block of k vectors costs k V-cycles, run one after the other
in Python, each of which also forms two residual norms that a
preconditioner does not need.  :class:`BlockVCycle` applies the same
operator -- one V-cycle from a zero initial guess, with the hierarchy's own
matrices, smoothers and coarse solver (pyamg's ``MultilevelSolver.solve``
with ``maxiter=1``) -- to all k columns at once.  The products with A, R
and P take the whole block (scipy.sparse, in C), and Gauss-Seidel
smoothing runs in eigkit's block sweep (csrc/krylov/gauss_seidel.c), which
reads each row of A once for all the columns.

The smoothers reproduced are Gauss-Seidel in any sweep order and number of
iterations (pyamg's default, ``'block_gauss_seidel'`` with symmetric
sweeps, is Gauss-Seidel on scalar levels), weighted Jacobi and none.  A
hierarchy with anything else (other smoothers, BSR levels with blocks
larger than 1 x 1, a cycle other than V) is applied by pyamg's own
preconditioner, column by column: the same operator, without the speed.
"""
import functools

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import LinearOperator

from .._kernels.krylov import GaussSeidel
from .._threads import kernel_threads

__all__ = ["BlockVCycle", "is_multilevel_solver"]

#: pyamg's coarse solvers that take a block of right-hand sides as it is
_BLOCK_COARSE_SOLVERS = ("'pinv'", "'pinv2'", "'lu'", "'cholesky'")
#: the sweep orders of a Gauss-Seidel iteration, False meaning forward
_SWEEPS = {"forward": (False,), "backward": (True,), "symmetric": (False, True)}


def is_multilevel_solver(obj):
    """Whether ``obj`` looks like a pyamg ``MultilevelSolver``: it has a list
    of ``levels`` and an ``aspreconditioner`` method."""
    return hasattr(obj, "levels") and callable(getattr(obj, "aspreconditioner", None))


def _scalar_csr(mat):
    """``mat`` as a CSR array with sorted, canonical indices, or None for a
    BSR matrix with blocks larger than 1 x 1 (pyamg smooths those by blocks)."""
    if sparse.issparse(mat) and mat.format == "bsr" and mat.blocksize != (1, 1):
        return None
    csr = sparse.csr_array(mat, copy=True)    # sorted in place below: not the caller's
    csr.sum_duplicates()
    return csr


def _smoother_plan(fn):
    """What a pyamg smoother does, as ``("gauss_seidel", backward flags)``,
    ``("jacobi", iterations, omega)`` or ``("none",)``; None for a smoother
    not reproduced here.  pyamg's smoothers are partials of its relaxation
    functions (relaxation/smoothing.py) or, without smoothing, a function
    named ``none``."""
    from pyamg.relaxation import relaxation

    if isinstance(fn, functools.partial) and not fn.args:
        kw = fn.keywords
        if fn.func is relaxation.gauss_seidel and set(kw) <= {"iterations", "sweep", "omega"}:
            sweep, iterations = kw.get("sweep", "forward"), int(kw.get("iterations", 1))
            if kw.get("omega", 1.0) == 1.0 and sweep in _SWEEPS and iterations >= 0:
                return ("gauss_seidel", _SWEEPS[sweep] * iterations)
        if fn.func is relaxation.jacobi and set(kw) <= {"iterations", "omega"}:
            return ("jacobi", int(kw.get("iterations", 1)), kw.get("omega", 1.0))
        return None
    if getattr(fn, "__qualname__", "").endswith("setup_none.<locals>.none"):
        return ("none",)
    return None


class _Level:
    """A level of the cycle: its matrices as CSR, its smoothers' plans."""

    def __init__(self, level, pre, post):
        self.A = _scalar_csr(level.A)
        self.P = sparse.csr_array(level.P)
        self.R = sparse.csr_array(level.R)
        self.pre, self.post = pre, post
        self.diagonal = self.A.diagonal()
        self._sweepers = {}

    def sweeper(self, dtype):
        """The Gauss-Seidel kernel on A's entries in ``dtype`` (made once)."""
        if dtype not in self._sweepers:
            a = self.A
            self._sweepers[dtype] = GaussSeidel(a.indptr, a.indices, a.data.astype(dtype))
        return self._sweepers[dtype]

    def smooth(self, plan, x, b, zero_start, nthreads):
        """Apply the smoother ``plan`` to x in place; x is zero on entry when
        ``zero_start``."""
        if plan[0] == "gauss_seidel":
            sweeper = self.sweeper(x.dtype)
            for s, backward in enumerate(plan[1]):
                sweeper.sweep(x, b, backward, zero_start and s == 0, nthreads)
        elif plan[0] == "jacobi":
            self._jacobi(x, b, plan[1], plan[2])

    def _jacobi(self, x, b, iterations, omega):
        """pyamg's weighted Jacobi: x_i <- (1 - omega) x_i + omega (b_i -
        sum_{j != i} a_ij x_j) / a_ii, rows with a zero diagonal kept."""
        d = self.diagonal.reshape((-1,) + (1,) * (x.ndim - 1))
        safe = np.where(d == 0, 1, d)
        for _ in range(iterations):
            update = (1 - omega) * x + omega * (b - (self.A @ x - d * x)) / safe
            x[...] = np.where(d == 0, x, update)


class BlockVCycle(LinearOperator):
    """pyamg's V-cycle preconditioner ``ml.aspreconditioner()`` applied to a
    block of vectors in one cycle.

    Parameters
    ----------
    ml : pyamg.MultilevelSolver
        The hierarchy, e.g. ``pyamg.smoothed_aggregation_solver(A)``.

    Notes
    -----
    ``BlockVCycle(ml) @ X`` equals ``ml.aspreconditioner() @ X`` column by
    column, up to rounding; ``reproduced`` says whether the block cycle runs
    (True) or pyamg's preconditioner does, column by column (False).
    """

    def __init__(self, ml):
        a0 = ml.levels[0].A
        super().__init__(dtype=np.dtype(a0.dtype), shape=a0.shape)
        self._columnwise = ml.aspreconditioner()
        self._coarse_solver = ml.coarse_solver
        self._coarsest = ml.levels[-1].A
        self._levels = self._plan(ml)
        self.reproduced = self._levels is not None

    @staticmethod
    def _plan(ml):
        levels = []
        for level in ml.levels[:-1]:
            pre = _smoother_plan(getattr(level, "presmoother", None))
            post = _smoother_plan(getattr(level, "postsmoother", None))
            if pre is None or post is None:
                return None
            lev = _Level(level, pre, post)
            if lev.A is None:
                return None
            levels.append(lev)
        return levels

    def _coarse(self, b):
        """The coarse solver on every column of b."""
        name = self._coarse_solver.name() if hasattr(self._coarse_solver, "name") else None
        if name in _BLOCK_COARSE_SOLVERS or b.ndim == 1:
            return np.asarray(self._coarse_solver(self._coarsest, b), dtype=b.dtype)
        cols = [self._coarse_solver(self._coarsest, np.ascontiguousarray(b[:, j]))
                for j in range(b.shape[1])]
        return np.ascontiguousarray(np.column_stack(cols), dtype=b.dtype)

    def _cycle(self, lvl, b, nthreads):
        """One V-cycle from x = 0 on level ``lvl`` for the C-ordered block b
        (pyamg's MultilevelSolver.__solve with cycle 'V')."""
        if lvl == len(self._levels):
            return self._coarse(b)
        level = self._levels[lvl]
        x = np.zeros_like(b)
        level.smooth(level.pre, x, b, True, nthreads)
        residual = level.A @ x
        np.subtract(b, residual, out=residual)
        coarse_x = self._cycle(lvl + 1, np.ascontiguousarray(level.R @ residual), nthreads)
        x += level.P @ coarse_x
        level.smooth(level.post, x, b, False, nthreads)
        return x

    def _matmat(self, X):
        X = np.asarray(X)
        if not self.reproduced:
            return self._columnwise.matmat(X)
        dtype = np.result_type(X.dtype, self.dtype, np.float32)
        return self._cycle(0, np.ascontiguousarray(X, dtype=dtype), kernel_threads())

    def _matvec(self, x):
        x = np.asarray(x)
        return self._matmat(x.reshape(-1, 1)).reshape(x.shape)
