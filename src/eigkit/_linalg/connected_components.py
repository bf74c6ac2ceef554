"""Reducible sparse matrices: eigsh one connected component at a time.

When the graph of a symmetric or Hermitian A (an edge i - j for every
stored entry a_ij) falls apart into connected components, a permutation
makes A block diagonal, A = P^T diag(A_1, ..., A_m) P.  Its eigenvalues are
those of the blocks together and each eigenvector is an eigenvector of one
block, zero outside it.  The k wanted eigenpairs of A are therefore the k
best of the union of the k wanted pairs of every block.

Solving the blocks apart matters for two reasons:

- Multiplicity.  Every component of a graph Laplacian or normalized
  adjacency contributes its own copy of the extreme eigenvalue (0, or 1),
  so that eigenvalue has the multiplicity of the number of components.
  A Krylov space grown from one start vector holds one vector per distinct
  eigenvalue in exact arithmetic; the other copies must be seeded by
  rounding errors or wider blocks and cost extra restart cycles (ARPACK
  misses them: SciPy issues 13571 and 19756).  Within one block the copies
  are separate eigenvalues of separate problems and each is found like any
  simple one.
- Work.  Each block's products touch only its own entries and its
  Gram-Schmidt only its own rows, so the blocks together cost about one
  solve of A with a clean spectrum.

The same kernel (:func:`eigkit._kernels.krylov.lanczos`) solves every block on its
own arrays in C; blocks too small for a Krylov basis go to the dense solver.
"""
import math

import numpy as np

from .. import _tuning
from .._kernels import krylov as _krylov_kernels
from .._kernels import dense as _dense_kernels

__all__ = ["independent_blocks", "lanczos_on_blocks"]

# The key that puts the wanted eigenvalues first, for each ``which``
# eigsh splits (BE, half from each end of the whole spectrum, is not split).
_WANTED_FIRST = {
    "LA": lambda w: -w,
    "SA": lambda w: w,
    "LM": lambda w: -np.abs(w),
    "SM": lambda w: np.abs(w),
}


class _Block:
    """One connected component: its vertices (rows and columns of A, in
    increasing order) and the arrays of A restricted to them, in A's form."""

    def __init__(self, nodes, arrays):
        self.nodes = nodes
        self.arrays = arrays

    @property
    def order(self):
        return self.nodes.shape[0]

    @property
    def stored(self):
        return int(self.arrays[3][-1])


def independent_blocks(sparse, dtype, which):
    """The diagonal blocks of a reducible A, or None when A is irreducible
    (one component), when eigsh's ``which`` does not split, or when A has
    more components than the tunable ``components_max_blocks``.

    Parameters
    ----------
    sparse : tuple
        ``(form, operator, shape, indptr, indices, data)`` of A, as
        :func:`eigkit._linalg.compressed_operator.compressed_arrays` gives it; only the
        operator 'A' (eigsh's standard problem) splits.
    dtype : numpy.dtype
        The solve's dtype.
    which : str
        eigsh's ``which``.

    Returns
    -------
    list of _Block or None

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from eigkit._linalg.connected_components import independent_blocks
    >>> A = sp.csr_array(np.array([[2.0, 0, 1], [0, 3, 0], [1, 0, 2]]))
    >>> blocks = independent_blocks(("csr", "A", A.shape, A.indptr, A.indices, A.data),
    ...                             A.dtype, "LA")
    >>> [b.nodes.tolist() for b in blocks]
    [[0, 2], [1]]
    """
    form, operator, shape, indptr, indices, data = sparse
    if operator != "A" or which not in _WANTED_FIRST:
        return None
    n = shape[0]
    # Checks the arrays first, as a solve would.  The pattern of a CSC
    # matrix is that of A^T: the same components.
    count, labels = _krylov_kernels.graph_components(n, sparse, dtype)
    # a Python-level solve per component would cost more than it saves
    if count == 1 or count > _tuning.value("components_max_blocks"):
        return None
    return _split(form, n, indptr, indices, data, count, labels)


def _split(form, n, indptr, indices, data, count, labels):
    """The blocks of the components ``labels``: their rows (columns for
    CSC) gathered with their entries, indices renumbered within the block.
    Every entry of a block's rows lies in the block's columns: the
    components were found from these entries.

    The rows are permuted once, component after component, and each block
    is a slice of the permuted arrays: the cost is one gather of A's
    entries, whatever the number of components."""
    sizes = np.bincount(labels, minlength=count)
    by_component = np.argsort(labels, kind="stable")
    first = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(sizes, out=first[1:])
    local = np.empty(n, dtype=indices.dtype)
    local[by_component] = np.arange(n) - first[labels[by_component]]
    row_lengths = np.diff(indptr)[by_component]
    ptr = np.zeros(n + 1, dtype=indptr.dtype)
    np.cumsum(row_lengths, out=ptr[1:])
    # positions in A's arrays of the permuted rows' entries, row after row
    entries = np.repeat(indptr[by_component] - ptr[:-1], row_lengths) + np.arange(ptr[-1])
    all_indices = local[indices[entries]]
    all_data = data[entries]
    blocks = []
    for c in range(count):
        lo, hi = first[c], first[c + 1]
        start, stop = ptr[lo], ptr[hi]
        arrays = (form, "A", (int(hi - lo),) * 2, ptr[lo:hi + 1] - start,
                  all_indices[start:stop], all_data[start:stop])
        blocks.append(_Block(by_component[lo:hi], arrays))
    return blocks


def lanczos_on_blocks(blocks, n, k, dtype, which, ncv, block, max_block, maxiter, tol, seed,
                      v0, callback, nthreads, ncv_start=0, ncv_soft=0):
    """:func:`eigkit._kernels.krylov.lanczos` on A = diag(blocks): the k wanted
    pairs of each block, then the k best of them all.

    Returns the kernel's ``(w, res, z, converged, info)``: the pairs wanted
    first, z of order n.  ``info['matvecs']`` counts products with A: a
    product with a block counts as the block's share of A's stored entries.
    Each block has its own norm estimate, so ``tol`` holds relative to the
    block a pair belongs to (at most ||A||).  ``callback`` follows each
    block's solve in turn.
    """
    def solve(b, wanted):
        return _solve_block(b, wanted, dtype, which, ncv, block, max_block, maxiter, tol, seed,
                            v0, callback, nthreads, ncv_start, ncv_soft)

    # Ask each block for a share of the k pairs first, not for k: the k best
    # of the union are rarely all in one block, and fewer wanted pairs need
    # fewer products.  A block then owes more only if its worst returned
    # value could still be among the k best (the rule in _incomplete); it
    # is solved again for twice as many, at most k.  Blocks whose dense
    # solve is cheap give all min(k, order) at once.
    first = min(k, -(-k // len(blocks)) + 2)
    asked = [min(k, b.order) if _is_dense(b, min(k, b.order), ncv, dtype) else
             min(first, b.order) for b in blocks]
    found = [solve(b, a) for b, a in zip(blocks, asked)]
    spent = [f[4]["matvecs"] for f in found]
    for _ in range(k.bit_length() + 1):   # the shares double: a bounded loop
        again = _incomplete(found, blocks, asked, k, which, tol)
        if not again:
            break
        for i in again:
            asked[i] = min(k, blocks[i].order, 2 * asked[i])
            found[i] = solve(blocks[i], asked[i])
            spent[i] += found[i][4]["matvecs"]
    # A block that did not converge returns fewer pairs than it was asked
    # for; as many fewer are reported converged overall.
    missing = sum(a - f[0].shape[0] for f, a in zip(found, asked))
    owner = np.concatenate([np.full(f[0].shape[0], i) for i, f in enumerate(found)])
    column = np.concatenate([np.arange(f[0].shape[0]) for f in found])
    w = np.concatenate([f[0] for f in found])
    res = np.concatenate([f[1] for f in found])
    best = np.argsort(_WANTED_FIRST[which](w), kind="stable")[:max(0, k - missing)]
    z = np.zeros((n, best.shape[0]), dtype=dtype, order="F")
    for j, pick in enumerate(best):
        b = blocks[owner[pick]]
        z[b.nodes, j] = found[owner[pick]][2][:, column[pick]]
    total = max(1, sum(b.stored for b in blocks))
    info = {
        "matvecs": math.ceil(sum(m * b.stored for m, b in zip(spent, blocks)) / total),
        "iterations": sum(f[4]["iterations"] for f in found),
        "block_size": max(f[4]["block_size"] for f in found),
        "anorm": max(f[4]["anorm"] for f in found),
        "blocks": len(blocks),
    }
    converged = missing == 0 and all(f[3] for f in found)
    return w[best], res[best], z, converged, info


def _is_dense(b, wanted, ncv, dtype):
    """Whether _solve_block hands the block to the dense solver."""
    complex_problem = np.dtype(dtype).kind == "c"
    return (b.order <= _tuning.value("components_dense_order")
            or min(ncv, b.order) <= wanted + complex_problem)


def _incomplete(found, blocks, asked, k, which, tol):
    """The blocks that may hold more of the k best pairs than they returned.

    Let t be the k-th best value returned by all blocks together.  A wanted
    eigenvalue missing from the union lies in a block that returned fewer
    than min(k, order) pairs, below that block's worst returned value w
    (in the order of ``which``), and it is at least as good as the true
    k-th best, itself at least as good as t.  So a block whose w is worse
    than t by more than the values' error (a multiple eigenvalue shared
    with other blocks may sit exactly at t) has nothing more to give.
    A block that did not converge is not asked again: the result reports
    its missing pairs."""
    key = _WANTED_FIRST[which]
    keys = np.concatenate([key(f[0]) for f in found])
    if keys.shape[0] < k:
        threshold = np.inf
    else:
        threshold = np.partition(keys, k - 1)[k - 1]
    anorm = max([f[4]["anorm"] for f in found] + [0.0])
    margin = 10 * max(tol, np.finfo(float).eps ** 0.5) * anorm
    return [i for i, (f, b, a) in enumerate(zip(found, blocks, asked))
            if a < min(k, b.order) and f[3] and f[0].shape[0] == a
            and key(f[0]).max() <= threshold + margin]


def _solve_block(b, k, dtype, which, ncv, block, max_block, maxiter, tol, seed, v0, callback,
                 nthreads, ncv_start=0, ncv_soft=0):
    """The (at most k) wanted pairs of one block, wanted first, as the
    kernel returns them."""
    wanted = min(k, b.order)
    basis = min(ncv, b.order)
    complex_problem = np.dtype(dtype).kind == "c"
    if b.order <= _tuning.value("components_dense_order") or basis <= wanted + complex_problem:
        return _dense_block(b, wanted, dtype, which)
    start = None if v0 is None else v0[b.nodes]
    if start is not None and not np.any(start):
        start = None
    w, res, z, converged, info = _krylov_kernels.lanczos(
        None, None, b.order, wanted, dtype, which, basis, min(block, basis - wanted),
        max_block, maxiter, tol, seed, start, True, callback, nthreads, b.arrays,
        min(ncv_start, basis), min(ncv_soft, basis))
    return w[:wanted], res[:wanted], z[:, :wanted], converged, info


def _dense_block(b, wanted, dtype, which):
    """A small block by the dense solver, residual norms computed; counted
    as b.order products.

    Only the wanted pairs are computed when they lie at one end of the
    spectrum (LA, SA): Householder tridiagonalization, then bisection and
    inverse iteration for those few, skips the QR sweeps over all m
    eigenvectors that dominate the full solve of a small matrix (order
    60, 10 pairs: about a sixth of the time).  The kernel is called
    directly: on a graph with many small components the validation and
    copies of :func:`eigkit.dense.eigh` would cost as much as the solves."""
    form, _, shape, ptr, idx, val = b.arrays
    m = shape[0]
    # The block as a dense matrix in Fortran order, duplicates summed as
    # SciPy sums them: entry (i, j) at position i + m j.
    outer = np.repeat(np.arange(m, dtype=np.int64), np.diff(ptr))
    inner = idx.astype(np.int64)
    flat = inner + m * outer if form == "csc" else outer + m * inner
    vals = np.asarray(val)
    if np.iscomplexobj(vals):
        matrix = (np.bincount(flat, weights=vals.real, minlength=m * m)
                  + 1j * np.bincount(flat, weights=vals.imag, minlength=m * m))
    else:
        matrix = np.bincount(flat, weights=vals, minlength=m * m)
    matrix = matrix.astype(dtype, copy=False).reshape((m, m), order="F")
    work = matrix.copy(order="F")
    if which == "LA":
        kind, il, iu = _dense_kernels.SELECT_INDEX, m - wanted, m - 1
    elif which == "SA":
        kind, il, iu = _dense_kernels.SELECT_INDEX, 0, wanted - 1
    else:
        kind, il, iu = _dense_kernels.SELECT_ALL, 0, -1
    w, z = _dense_kernels.symmetric_eigen(work, True, kind, il, iu, 0.0, 0.0, 1)
    anorm = float(np.max(np.abs(w))) if w.size else 0.0
    if kind == _dense_kernels.SELECT_ALL:
        pick = np.argsort(_WANTED_FIRST[which](w), kind="stable")[:wanted]
    else:
        # ascending from the kernel; LA wants the largest first
        pick = np.arange(w.shape[0])[::-1] if which == "LA" else np.arange(w.shape[0])
        # The far end of the spectrum is not computed; ||A e_j|| <= ||A||
        # bounds the norm from below, as the Ritz values of a Lanczos
        # solve do, and within a factor sqrt(m) of it.
        anorm = max(anorm, float(np.sqrt(np.max(np.sum(np.abs(matrix) ** 2, axis=0)))))
    w, z = w[pick], np.asarray(z[:, pick], dtype=dtype)
    res = np.linalg.norm(matrix @ z - z * w, axis=0)
    # forming the dense block is its product with the identity
    info = {"matvecs": b.order, "iterations": 0, "block_size": 0, "anorm": anorm}
    return w, res, z, True, info
